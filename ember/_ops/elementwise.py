"""Elementwise ops: arithmetic, unary math, comparisons and logic.

Each primitive computes on arrays with ``ctx.xp``; broadcasting of gradients is undone by the engine, so backward
formulas here are written as if shapes matched. Dtype promotion happens once, before ``apply``, in ``_promote``.
"""
from __future__ import annotations

__all__ = ['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'neg', 'negative', 'pow', 'exp',
           'log', 'rsub']  # the ember.* functions of this family; more in elementwise_{unary,more,compare}.py

import builtins

from .. import _dtype as dt
from ..autograd import function as _function
from ..autograd.function import Primitive
from .inplace import apply_inplace

_SCALAR_KIND = {builtins.bool: 0, builtins.int: 1, builtins.float: 2, builtins.complex: 3}


def _tensor_type():
    return _function._Tensor  # set when ember._tensor is imported (an import statement here costs µs on every op)


def _as_operand(value, op):
    """A Tensor or python scalar operand; numpy arrays/scalars become Tensors/scalars, anything else is a TypeError."""
    Tensor = _tensor_type()
    if isinstance(value, Tensor) or type(value) in _SCALAR_KIND:
        return value
    import numpy  # noqa: PLC0415
    if isinstance(value, numpy.generic):
        return value.item()
    if isinstance(value, numpy.ndarray):
        return Tensor._make(value)
    if isinstance(value, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
        return value
    raise TypeError(f"{op}(): argument 'other' must be Tensor or Number, not {type(value).__name__}")


def _promote(a, b):
    """Cast two operands (Tensor or scalar, at least one Tensor) to their PyTorch result dtype.

    Python scalars are left as scalars: NumPy's weak-scalar rules then keep the tensor's dtype, as PyTorch does.
    """
    ad = getattr(a, '_dtype', None)
    bd = getattr(b, '_dtype', None)
    if ad is not None and bd is not None:
        if ad is bd:
            return a, b
    elif ad is not None:
        if _SCALAR_KIND.get(type(b), 9) <= ad._kind:
            return (a, ad.np.type(b)) if ad is dt.bfloat16 else (a, b)  # ml_dtypes scalars aren't "weak"
    elif _SCALAR_KIND.get(type(a), 9) <= bd._kind:
        return (bd.np.type(a), b) if bd is dt.bfloat16 else (a, b)
    result = dt.result_type(a, b)
    if ad is not None and ad is not result:
        a = a.to(result)
    if bd is not None and bd is not result:
        b = b.to(result)
    if ad is None and result._kind < 3 and type(a) is builtins.complex:
        a = a.real
    return a, b


def _same_kind(tensor, other):
    """NOTE [ Dunder fast path ]: whether ``_promote(tensor, other)`` would return both unchanged, in the common
    cases only: another Tensor of the same dtype, or a python scalar that doesn't upcast a NumPy-native dtype."""
    cls = type(other)
    if cls is type(tensor):
        return other._dtype is tensor._dtype
    kind = _SCALAR_KIND.get(cls)
    return kind is not None and kind <= tensor._dtype._kind and tensor._dtype is not dt.bfloat16


def _plain_sub(tensor, other):
    """``_same_kind`` for subtraction, which refuses bool operands (``_check_sub``)."""
    cls = type(other)
    if cls is type(tensor):
        return other._dtype is tensor._dtype and tensor._dtype is not dt.bool
    kind = _SCALAR_KIND.get(cls)
    return kind is not None and 0 < kind <= tensor._dtype._kind and tensor._dtype is not dt.bfloat16


def _check_sub(a, b):
    """PyTorch's errors for subtraction with bool operands (a python bool counts as one)."""
    a_bool = a is True or a is False or getattr(a, '_dtype', None) is dt.bool
    b_bool = b is True or b is False or getattr(b, '_dtype', None) is dt.bool
    if a_bool and b_bool:
        raise RuntimeError('Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` or '
                           '`logical_xor()` operator instead.')
    if a_bool or b_bool:
        raise RuntimeError('Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to '
                           'invert a mask, use the `~` or `logical_not()` operator instead.')


def _broadcast_failure(error, *arrays):
    """PyTorch's RuntimeError for operands whose shapes don't broadcast (NumPy raises ValueError); else ``error``."""
    shapes = [tuple(getattr(x, 'shape', ())) for x in arrays]
    ndim = builtins.max(len(s) for s in shapes)
    padded = [(1,) * (ndim - len(s)) + s for s in shapes]
    for dim in range(ndim - 1, -1, -1):
        sizes = [p[dim] for p in padded if p[dim] != 1]
        for size in sizes[1:]:
            if size != sizes[0]:
                return RuntimeError(f'The size of tensor a ({sizes[0]}) must match the size of tensor b ({size}) at '
                                    f'non-singleton dimension {dim}')
    return error


def _to_float(a, b):
    """Promote, then lift integer/bool results to the default float dtype (true division, float-only ops)."""
    a, b = _promote(a, b)
    d = getattr(a, '_dtype', None) or b._dtype
    if d._kind < 2:
        f = dt.get_default_dtype()
        a = a.to(f) if hasattr(a, '_dtype') else a
        b = b.to(f) if hasattr(b, '_dtype') else b
    return a, b


# ------------------------------------------------------------------------------------------------ arithmetic

class Add(Primitive):
    @staticmethod
    def forward(ctx, a, b):
        try:
            return ctx.xp.add(a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, grad

    @staticmethod
    def backward_array(ctx, grad):
        return grad, grad


class Sub(Primitive):
    @staticmethod
    def forward(ctx, a, b):
        try:
            return ctx.xp.subtract(a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        return grad, -grad

    @staticmethod
    def backward_array(ctx, grad):
        return grad, (-grad if ctx.needs_input_grad[1] else None)


class Mul(Primitive):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return ctx.xp.multiply(a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        return (grad * _conj(b) if need_a else None), (grad * _conj(a) if need_b else None)

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx._saved_arrays()
        if not _real_operands(grad, a, b):
            return NotImplemented
        need_a, need_b = ctx.needs_input_grad
        return (grad * b if need_a else None), (grad * a if need_b else None)


class Div(Primitive):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        try:
            return ctx.xp.true_divide(a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad / _conj(b) if need_a else None
        grad_b = -grad * _conj(a) / _conj(b * b) if need_b else None
        return grad_a, grad_b

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx._saved_arrays()
        if not _real_operands(grad, a, b):
            return NotImplemented
        need_a, need_b = ctx.needs_input_grad
        return (grad / b if need_a else None), (-grad * a / (b * b) if need_b else None)


class Neg(Primitive):
    @staticmethod
    def forward(ctx, x):
        if x.dtype == bool:
            raise RuntimeError('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to '
                               'invert a mask, use the `~` or `logical_not()` operator instead.')
        return ctx.xp.negative(x)

    @staticmethod
    def backward(ctx, grad):
        return -grad

    @staticmethod
    def backward_array(ctx, grad):
        return -grad


class Pow(Primitive):
    @staticmethod
    def forward(ctx, a, b):
        xp = ctx.xp
        try:
            if getattr(a, 'dtype', None) is not None and a.dtype.kind in 'iub' or \
                    getattr(b, 'dtype', None) is not None and b.dtype.kind in 'iub':
                out = _int_power(xp, a, b)
            else:
                out = xp.power(a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None
        out = xp.asarray(out)  # a NumPy scalar for 0-dim input: saved outputs must be the returned array
        ctx.save_for_backward(a, b, out)
        if not isinstance(b, (builtins.int, builtins.float, builtins.complex)):
            ctx._backward_name = 'PowBackward2' if isinstance(a, (builtins.int, builtins.float, builtins.complex)) \
                else 'PowBackward1'
        return out

    @staticmethod
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if need_a:
            if isinstance(b, (builtins.int, builtins.float)):
                grad_a = grad * 0 if b == 0 else grad * b * a ** (b - 1)
            else:
                grad_a = _where(b == 0, 0., grad * b * a ** (b - 1))
        if need_b:
            base = a if hasattr(a, '_dtype') else _tensor_type()._make(ctx.xp.asarray(a, dtype=out.dtype.np))
            # d/db a**b = a**b log a, taken as 0 where a == 0 and b >= 0 (PyTorch's convention)
            grad_b = grad * _where((base == 0) & (b >= 0), 0., out * base.log())
        return grad_a, grad_b

    @staticmethod
    def backward_array(ctx, grad):
        a, b, out = ctx._saved_arrays()
        if type(b) is not builtins.int and type(b) is not builtins.float or not _real_operands(grad, a, out):
            return NotImplemented  # tensor exponents and scalar bases take the Tensor formula
        if b == 0:
            return grad * 0, None
        return grad * b * ctx.xp.power(a, b - 1), None  # what ``a ** (b - 1)`` computes in the Tensor formula


def _int_power(xp, a, b):
    """Integer powers; negative exponents give PyTorch's results (0, or +/-1 for bases +/-1) where NumPy raises."""
    if type(b) is builtins.int:
        if b < 0:
            raise RuntimeError('Integers to negative integer powers are not allowed.')
        return xp.power(a, b)
    if type(b) is builtins.bool:  # NumPy's bool power gives int8; PyTorch keeps the tensor's dtype
        return xp.power(a, b).astype(a.dtype, copy=False)
    if (type(a) is builtins.bool or getattr(a, 'dtype', None) is not None and a.dtype.kind == 'b') and \
            b.dtype.kind == 'b':
        raise NotImplementedError('"pow" not implemented for \'Bool\'')
    negative = xp.asarray(b) < 0
    if not negative.any():
        return xp.power(a, b)
    out = xp.power(a, xp.where(negative, 0, b))
    base = xp.asarray(a)
    odd = xp.remainder(b, 2) != 0
    special = xp.where(base == 1, 1, xp.where(base == -1, xp.where(odd, -1, 1), 0))
    return xp.where(negative, special, out).astype(out.dtype)


def _real_operands(grad, a, b):
    """Whether an array backward computes exactly what the Tensor formula would: a real NumPy-native float gradient
    (no conj, no bfloat16) and operands of its dtype or python real scalars (NOTE [ Array backward ])."""
    dtype = grad.dtype
    if dtype.kind != 'f':
        return False
    for x in (a, b):
        if x is not None and type(x) is not builtins.float and type(x) is not builtins.int and \
                getattr(x, 'dtype', None) != dtype:
            return False
    return True


def _where(cond, a, b):
    from .elementwise_select import where  # noqa: PLC0415
    return where(cond, a, b)


def _conj(x):
    if hasattr(x, '_dtype') and x._dtype._kind == 3:
        return x.conj()
    return x


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with PyTorch's type promotion.

    >>> ember.add(ember.tensor([1, 2]), 1.5)
    tensor([2.5000, 3.5000])
    """
    other = _as_operand(other, 'add')
    if alpha != 1:
        other = other * alpha
    a, b = _promote(input, other)
    return _out(Add.apply(a, b), out)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other``."""
    _check_sub(input, other)
    other = _as_operand(other, 'sub')
    if alpha != 1:
        other = other * alpha
    a, b = _promote(input, other)
    return _out(Sub.apply(a, b), out)


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input``."""
    _check_sub(other, input)
    return sub(_as_operand(other, 'rsub'), input, alpha=alpha) if hasattr(other, '_dtype') else \
        (-input if alpha == 1 else input * -alpha) + other


def mul(input, other, *, out=None):
    """Elementwise product."""
    a, b = _promote(input, _as_operand(other, 'mul'))
    return _out(Mul.apply(a, b), out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise division: true division (integers give floats) or ``rounding_mode='trunc'|'floor'``."""
    other = _as_operand(other, 'div')
    if rounding_mode is None:
        a, b = _to_float(input, other)
        return _out(Div.apply(a, b), out)
    if rounding_mode not in ('trunc', 'floor'):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                           f"'{rounding_mode}'")
    from .elementwise_more import _rounding_divide  # noqa: PLC0415
    return _out(_rounding_divide(input, other, rounding_mode), out)


divide = true_divide = div


def neg(input, *, out=None):
    """``-input``."""
    return _out(Neg.apply(input), out)


negative = neg


def pow(input, exponent, *, out=None):  # noqa: A001 - PyTorch's name
    """``input ** exponent``, elementwise; either may be a scalar."""
    exponent = _as_operand(exponent, 'pow')
    input = _as_operand(input, 'pow')
    a, b = _promote(input, exponent)
    if isinstance(b, builtins.float) and getattr(a, '_dtype', dt.float32)._kind < 2:
        a = a.to(dt.get_default_dtype())
    return _out(Pow.apply(a, b), out)


def _out(result, out):
    """Write ``result`` into ``out`` (resizing it as PyTorch does) when given."""
    if out is None:
        return result
    if result._requires_grad:
        name = result._grad_fn.name().split('Backward')[0].lower()
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic differentiation, but "
                           'one of the arguments requires grad.')
    from .inplace import copy_into_out  # noqa: PLC0415
    return copy_into_out(out, result)


# ------------------------------------------------------------------------------------------------ unary math

class Exp(Primitive):
    @staticmethod
    def forward(ctx, x):
        out = ctx.xp.asarray(ctx.xp.exp(x))
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad * _conj(out)

    @staticmethod
    def backward_array(ctx, grad):
        out, = ctx._saved_arrays()
        return grad * out if _real_operands(grad, out, None) else NotImplemented


class Log(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return ctx.xp.log(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad / _conj(x)

    @staticmethod
    def backward_array(ctx, grad):
        x, = ctx._saved_arrays()
        return grad / x if _real_operands(grad, x, None) else NotImplemented


def _float_unary(op, input):
    """Apply a float-valued unary primitive, lifting integer/bool inputs to the default float dtype first."""
    if input._dtype._kind < 2:
        input = input.to(dt.get_default_dtype())
    return op.apply(input)


def exp(input, *, out=None):
    """Elementwise ``e ** input``."""
    return _out(_float_unary(Exp, input), out)


def log(input, *, out=None):
    """Elementwise natural logarithm."""
    return _out(_float_unary(Log, input), out)


# ------------------------------------------------------------------------------------------------ Tensor methods

from .elementwise_compare import CompareMethods  # noqa: E402 - these modules build on the primitives above
from .elementwise_more import ArithmeticMethods  # noqa: E402
from .elementwise_select import SelectMethods  # noqa: E402
from .elementwise_unary import UnaryMethods  # noqa: E402


class ElementwiseMethods(UnaryMethods, ArithmeticMethods, SelectMethods, CompareMethods):
    """Tensor methods and operators of this family (mixed into Tensor)."""

    __slots__ = ()

    def __add__(self, other):
        if _same_kind(self, other):  # NOTE [ Dunder fast path ]
            return Add.apply(self, other)
        try:
            other = _as_operand(other, 'add')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        return Add.apply(a, b)

    def __radd__(self, other):
        if _same_kind(self, other):
            return Add.apply(self, other)
        return add(self, other)

    def __sub__(self, other):
        if _plain_sub(self, other):  # NOTE [ Dunder fast path ]
            return Sub.apply(self, other)
        try:
            other = _as_operand(other, 'sub')
        except TypeError:
            return NotImplemented
        return sub(self, other)

    def __rsub__(self, other):
        if _plain_sub(self, other):
            return Sub.apply(other, self)
        _check_sub(other, self)
        a, b = _promote(_as_operand(other, 'sub'), self)
        return Sub.apply(a, b)

    def __mul__(self, other):
        if _same_kind(self, other):
            return Mul.apply(self, other)
        try:
            other = _as_operand(other, 'mul')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        return Mul.apply(a, b)

    __rmul__ = __mul__

    def __truediv__(self, other):
        if self._dtype._kind >= 2 and _same_kind(self, other):
            return Div.apply(self, other)
        try:
            other = _as_operand(other, 'div')
        except TypeError:
            return NotImplemented
        a, b = _to_float(self, other)
        return Div.apply(a, b)

    def __rtruediv__(self, other):
        if self._dtype._kind >= 2 and _same_kind(self, other):
            return Div.apply(other, self)
        a, b = _to_float(_as_operand(other, 'div'), self)
        return Div.apply(a, b)

    def __neg__(self):
        return Neg.apply(self)

    def __pow__(self, exponent):
        if _same_kind(self, exponent):
            return Pow.apply(self, exponent)
        try:
            exponent = _as_operand(exponent, 'pow')
        except TypeError:
            return NotImplemented
        return pow(self, exponent)

    def __rpow__(self, base):
        return pow(_as_operand(base, 'pow'), self)

    # in-place operators: computed out of place, then written back (NOTE [ Views and in-place ops ])
    def __iadd__(self, other):
        result = self.__add__(other)
        return result if result is NotImplemented else apply_inplace(self, result)

    def __isub__(self, other):
        result = self.__sub__(other)
        return result if result is NotImplemented else apply_inplace(self, result)

    def __imul__(self, other):
        result = self.__mul__(other)
        return result if result is NotImplemented else apply_inplace(self, result)

    def __itruediv__(self, other):
        result = self.__truediv__(other)
        return result if result is NotImplemented else apply_inplace(self, result)

    def __ipow__(self, exponent):
        result = self.__pow__(exponent)
        return result if result is NotImplemented else apply_inplace(self, result)

    def add(self, other, *, alpha=1):
        return add(self, other, alpha=alpha)

    def add_(self, other, *, alpha=1):
        return apply_inplace(self, add(self, other, alpha=alpha))

    def sub(self, other, *, alpha=1):
        return sub(self, other, alpha=alpha)

    def sub_(self, other, *, alpha=1):
        return apply_inplace(self, sub(self, other, alpha=alpha))

    subtract, subtract_ = sub, sub_

    def mul(self, other):
        return mul(self, other)

    def mul_(self, other):
        return apply_inplace(self, mul(self, other))

    multiply, multiply_ = mul, mul_

    def div(self, other, *, rounding_mode=None):
        return div(self, other, rounding_mode=rounding_mode)

    def div_(self, other, *, rounding_mode=None):
        return apply_inplace(self, div(self, other, rounding_mode=rounding_mode))

    divide = true_divide = div
    divide_ = true_divide_ = div_

    def neg(self):
        return Neg.apply(self)

    def neg_(self):
        return apply_inplace(self, Neg.apply(self))

    negative, negative_ = neg, neg_

    def pow(self, exponent):
        return pow(self, exponent)

    def pow_(self, exponent):
        return apply_inplace(self, pow(self, exponent))

    def exp(self):
        return exp(self)

    def exp_(self):
        return apply_inplace(self, exp(self))

    def log(self):
        return log(self)

    def log_(self):
        return apply_inplace(self, log(self))

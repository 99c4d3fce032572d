"""Elementwise arithmetic beyond the core four: rounding division, remainders, clamping, extrema and two-argument
math (``hypot``, ``atan2``, ``logaddexp``, ...). ``where``, ``lerp``, ``addcmul``/``addcdiv`` and the in-place fills
live in elementwise_select.py.

Binary primitives here are ``_Binary`` subclasses made by ``_binary``: a forward over arrays (either operand may be
a python scalar), what backward reads, and the pair of input gradients written with Tensor ops.
"""
from __future__ import annotations

__all__ = ['floor_divide', 'remainder', 'fmod', 'float_power', 'clamp', 'clip', 'clamp_min', 'clamp_max', 'maximum',
           'minimum', 'fmax', 'fmin', 'hypot', 'atan2', 'arctan2', 'copysign', 'logaddexp', 'logaddexp2', 'xlogy',
           'heaviside', 'clamp_', 'clip_']

import builtins

from .. import _dtype as dt
from ..autograd.function import Primitive
from .elementwise import Pow, _as_operand, _broadcast_failure, _out, _promote, _to_float
from .inplace import _type_word, apply_inplace

_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


class _Binary(Primitive):
    """A two-input primitive: ``_fn(xp, a, b)`` computes; ``_grad(ctx, grad, a, b, out)`` gives both gradients."""

    _save = 'ab'      # which of a, b and the output ('o') backward reads
    _names = None     # grad_fn names when (both are tensors, ``a`` is a scalar, ``b`` is a scalar)

    @staticmethod
    def forward(ctx, a, b):
        try:
            out = ctx.xp.asarray(ctx._fn(ctx.xp, a, b))  # ufuncs give NumPy scalars for 0-dim input; keep arrays
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None
        if ctx._names is not None:
            ctx._backward_name = ctx._names[1 if isinstance(a, _SCALARS) else 2 if isinstance(b, _SCALARS) else 0]
        if ctx._save:
            values = {'a': a, 'b': b, 'o': out}
            ctx.save_for_backward(*(values[c] for c in ctx._save))
        return out

    @staticmethod
    def backward(ctx, grad):
        saved = dict(zip(ctx._save, ctx.saved_tensors))
        return ctx._grad(ctx, grad, saved.get('a'), saved.get('b'), saved.get('o'))


def _binary(name, fn, save, grad, names=None, backward_name=None):
    namespace = {'_fn': staticmethod(fn), '_save': save, '_grad': staticmethod(grad), '_names': names,
                 '__doc__': f'Elementwise {name.lower()}.'}
    if backward_name:
        namespace['_backward_name'] = backward_name
    return type(name, (_Binary,), namespace)


def _where(cond, a, b):
    return where(cond, a, b)


from .elementwise_select import where  # noqa: E402 - where() is used by the gradient formulas below


def _not_implemented(name, d):
    return NotImplementedError(f'"{name}_cpu" not implemented for \'{_type_word(d)}\'')


def _dtype_of(a, b):
    return a._dtype if hasattr(a, '_dtype') else b._dtype


def _check_zero_division(a, b):
    """Integer division by zero is an error in PyTorch (NumPy would quietly give 0)."""
    d = _dtype_of(a, b)
    if d._kind < 2:
        if hasattr(b, '_dtype') and b._data.size:
            if (b._data == 0).any():
                raise RuntimeError('ZeroDivisionError')
        elif b == 0 and not hasattr(b, '_dtype'):
            raise RuntimeError('ZeroDivisionError')


def _in_float32(fn):
    """Compute a half-precision op in float32 and round once, as PyTorch's CPU kernels do."""
    def compute(xp, a, b):
        dtype = getattr(a, 'dtype', None) or b.dtype
        if dtype.itemsize == 2 and dtype.kind in 'fV':
            a = a.astype('float32') if hasattr(a, 'dtype') else a
            b = b.astype('float32') if hasattr(b, 'dtype') else b
            return fn(xp, a, b).astype(dtype)
        return fn(xp, a, b)
    return compute


@_in_float32
def _floor_div_array(xp, a, b):
    return xp.floor_divide(a, b)


def _trunc_div_array(xp, a, b):
    if getattr(a, 'dtype', None) is not None and a.dtype.kind in 'iub' or \
            getattr(b, 'dtype', None) is not None and b.dtype.kind in 'iub':
        q = xp.floor_divide(a, b)
        inexact = (xp.remainder(a, b) != 0) & ((xp.asarray(a) < 0) != (xp.asarray(b) < 0))
        return xp.where(inexact, q + 1, q).astype(q.dtype)
    dtype = getattr(a, 'dtype', None) or b.dtype
    if dtype.itemsize == 2 and dtype.kind in 'fV':
        # PyTorch rounds the float32 quotient to the half type before truncating (5.97 / 1.195 -> 5.0, not 4.0)
        a = a.astype('float32') if hasattr(a, 'dtype') else a
        b = b.astype('float32') if hasattr(b, 'dtype') else b
        return xp.trunc(xp.true_divide(a, b).astype(dtype))
    return xp.trunc(xp.true_divide(a, b))


def _need(ctx):
    return ctx.needs_input_grad[0], ctx.needs_input_grad[1]


def _maximum_grad(ctx, grad, a, b, out):
    need_a, need_b = _need(ctx)
    shared = _where(a == b, grad / 2, grad) if need_a or need_b else None
    return (_where(a < b, 0., shared) if need_a else None), (_where(a > b, 0., shared) if need_b else None)


def _minimum_grad(ctx, grad, a, b, out):
    need_a, need_b = _need(ctx)
    shared = _where(a == b, grad / 2, grad) if need_a or need_b else None
    return (_where(a > b, 0., shared) if need_a else None), (_where(a < b, 0., shared) if need_b else None)


def _fmax_grad(ctx, grad, a, b, out):
    to_a = (a >= b) | b.isnan()
    return _where(to_a, grad, 0.), _where(to_a, 0., grad)


def _fmin_grad(ctx, grad, a, b, out):
    to_a = (a <= b) | b.isnan()
    return _where(to_a, grad, 0.), _where(to_a, 0., grad)


def _remainder_grad(ctx, grad, a, b, out):
    need_a, need_b = _need(ctx)
    return (grad if need_a else None), (-grad * _RoundingDiv.apply(a, b, mode='floor') if need_b else None)


def _fmod_grad(ctx, grad, a, b, out):
    need_a, need_b = _need(ctx)
    return (grad if need_a else None), (-grad * _RoundingDiv.apply(a, b, mode='trunc') if need_b else None)


def _atan2_grad(ctx, grad, a, b, out):
    denominator = a * a + b * b
    return grad * b / denominator, grad * -a / denominator


def _copysign_grad(ctx, grad, a, b, out):
    ratio = _where(a == 0, 0., out / a)
    return grad * ratio, (grad * 0 if ctx.needs_input_grad[1] else None)


def _xlogy_grad(ctx, grad, a, b, out):
    need_a, need_b = _need(ctx)
    grad_a = grad_b = None
    if need_a:
        grad_a = _where((a == 0) & (b <= 0), 0., xlogy(grad, b))
    if need_b:
        grad_b = grad * a / b
    return grad_a, grad_b


def _xlogy(xp, a, b):
    if isinstance(a, _SCALARS):
        a = xp.asarray(a, dtype=b.dtype)
    elif isinstance(b, _SCALARS):
        b = xp.asarray(b, dtype=a.dtype)
    with_log = a * xp.log(b)
    return xp.where(xp.isnan(b), xp.nan, xp.where(a == 0, 0, with_log)).astype(with_log.dtype)


Maximum = _binary('Maximum', lambda xp, a, b: xp.maximum(a, b), 'ab', _maximum_grad)
Minimum = _binary('Minimum', lambda xp, a, b: xp.minimum(a, b), 'ab', _minimum_grad)
Fmax = _binary('Fmax', lambda xp, a, b: xp.fmax(a, b), 'ab', _fmax_grad)
Fmin = _binary('Fmin', lambda xp, a, b: xp.fmin(a, b), 'ab', _fmin_grad)
Remainder = _binary('Remainder', _in_float32(lambda xp, a, b: xp.remainder(a, b)), 'ab', _remainder_grad,
                    names=('RemainderBackward1', 'NotImplemented', 'RemainderBackward0'))
Fmod = _binary('Fmod', _in_float32(lambda xp, a, b: xp.fmod(a, b)), 'ab', _fmod_grad,
               names=('FmodBackward1', 'NotImplemented', 'FmodBackward0'))
Hypot = _binary('Hypot', lambda xp, a, b: xp.hypot(a, b), 'abo',
                lambda ctx, g, a, b, o: (g * a / o, g * b / o))
Atan2 = _binary('Atan2', lambda xp, a, b: xp.arctan2(a, b), 'ab', _atan2_grad)
Copysign = _binary('Copysign', lambda xp, a, b: xp.copysign(a, b), 'ao', _copysign_grad,
                   names=('CopysignBackward0', 'NotImplemented', 'CopysignBackward1'))
Logaddexp = _binary('Logaddexp', lambda xp, a, b: xp.logaddexp(a, b), 'ab',
                    lambda ctx, g, a, b, o: (g / (1 + (b - a).exp()), g / (1 + (a - b).exp())))
Logaddexp2 = _binary('Logaddexp2', lambda xp, a, b: xp.logaddexp2(a, b), 'ab',
                     lambda ctx, g, a, b, o: (g / (1 + (b - a).exp2()), g / (1 + (a - b).exp2())))
Xlogy = _binary('Xlogy', _xlogy, 'ab', _xlogy_grad, names=('XlogyBackward0', 'XlogyBackward1', 'XlogyBackward2'))
Heaviside = _binary('Heaviside', lambda xp, a, b: xp.heaviside(a, b).astype(a.dtype), '', None)
Heaviside.differentiable = False


class _RoundingDiv(Primitive):
    """``div`` with ``rounding_mode``: piecewise constant, so its gradient is zero."""

    _backward_name = 'DivBackward2'

    @staticmethod
    def forward(ctx, a, b, *, mode):
        try:
            if mode == 'floor':
                return _floor_div_array(ctx.xp, a, b)
            return _trunc_div_array(ctx.xp, a, b)
        except ValueError as error:
            raise _broadcast_failure(error, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        need_a, need_b = ctx.needs_input_grad
        return (grad * 0 if need_a else None), (grad * 0 if need_b else None)


class FloorDivide(_RoundingDiv):
    """``floor_divide`` / ``//``: PyTorch defines no derivative for it."""

    _backward_name = 'NotImplemented'

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("the derivative for 'floor_divide' is not implemented.")


# ------------------------------------------------------------------------------------------------ division family

def _rounding_divide(input, other, mode, op=_RoundingDiv):
    a, b = _promote(_as_operand(input, 'div'), _as_operand(other, 'div'))
    d = _dtype_of(a, b)
    if d is dt.bool:
        raise _not_implemented(f'div_{mode}', d)
    _check_zero_division(a, b)
    return op.apply(a, b, mode=mode)


def floor_divide(input, other, *, out=None):
    """Division rounded towards negative infinity (``input // other``).

    >>> ember.floor_divide(ember.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    return _out(_rounding_divide(input, other, 'floor', FloorDivide), out)


def _trunc_divide(input, other):
    return _rounding_divide(input, other, 'trunc')


def _remainder_like(name, op, input, other, out):
    a, b = _promote(_as_operand(input, name), _as_operand(other, name))
    d = _dtype_of(a, b)
    if d is dt.bool:
        raise _not_implemented(name, d)
    _check_zero_division(a, b)
    return _out(op.apply(a, b), out)


def remainder(input, other, *, out=None):
    """Python's modulus: the result has the sign of the divisor (``input % other``)."""
    return _remainder_like('remainder', Remainder, input, other, out)


def fmod(input, other, *, out=None):
    """C's ``fmod``: the result has the sign of the dividend."""
    if not hasattr(input, '_dtype'):
        raise TypeError(f'fmod(): argument \'input\' (position 1) must be Tensor, not {type(input).__name__}')
    return _remainder_like('fmod', Fmod, input, other, out)


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in double precision (complex128 if either is complex)."""
    input, exponent = _as_operand(input, 'float_power'), _as_operand(exponent, 'float_power')
    complex_ = any(getattr(v, '_dtype', dt.float64)._kind == 3 or isinstance(v, builtins.complex)
                   for v in (input, exponent))
    target = dt.complex128 if complex_ else dt.float64
    a = input.to(target) if hasattr(input, '_dtype') else (builtins.complex if complex_ else builtins.float)(input)
    b = exponent.to(target) if hasattr(exponent, '_dtype') else \
        (builtins.complex if complex_ else builtins.float)(exponent)
    return _out(Pow.apply(a, b), out)


# ------------------------------------------------------------------------------------------------ clamping, extrema

class Clamp(Primitive):
    """``clamp`` with scalar bounds (either may be None)."""

    _backward_name = 'ClampBackward1'

    @staticmethod
    def forward(ctx, x, *, min, max):  # noqa: A002
        ctx.save_for_backward(x)
        ctx.bounds = (min, max)
        xp = ctx.xp
        out = x
        if min is not None:
            out = xp.maximum(out, min)
        if max is not None:
            out = xp.minimum(out, max)
        return out.astype(x.dtype, copy=out is x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        low, high = ctx.bounds
        if low is not None and high is not None:
            return _where((x >= low) & (x <= high), grad, 0.)
        return _where(x >= low, grad, 0.) if low is not None else _where(x <= high, grad, 0.)


class ClampTensor(Primitive):
    """``clamp`` with tensor bounds; ``min`` loses to ``max`` where ``min > max``, as in PyTorch."""

    _backward_name = 'ClampBackward0'

    @staticmethod
    def forward(ctx, x, low, high):
        xp = ctx.xp
        ctx.save_for_backward(x, low, high)
        out = x
        try:
            if low is not None:
                out = xp.maximum(out, low)
            if high is not None:
                out = xp.minimum(out, high)
        except ValueError as error:
            raise _broadcast_failure(error, x, low, high) from None
        return out.astype(x.dtype, copy=out is x)

    @staticmethod
    def backward(ctx, grad):
        x, low, high = ctx.saved_tensors
        _, need_low, need_high = ctx.needs_input_grad
        if low is None:
            keep = x <= high
            return _where(keep, grad, 0.), None, (_where(keep, 0., grad) if need_high else None)
        if high is None:
            keep = x >= low
            return _where(keep, grad, 0.), (_where(keep, 0., grad) if need_low else None), None
        inverted = low > high
        grad_x = _where((x >= low) & (x <= high), grad, 0.)
        grad_low = _where((x < low) & ~inverted, grad, 0.) if need_low else None
        grad_high = _where((x > high) | inverted, grad, 0.) if need_high else None
        return grad_x, grad_low, grad_high


class ClampMin(Clamp):
    _backward_name = 'ClampMinBackward0'


class ClampMax(Clamp):
    _backward_name = 'ClampMaxBackward0'


class ClampMinTensor(ClampTensor):
    _backward_name = 'ClampMinBackward1'


class ClampMaxTensor(ClampTensor):
    _backward_name = 'ClampMaxBackward1'


def clamp(input, min=None, max=None, *, out=None):  # noqa: A002 - PyTorch's names
    """Limit ``input`` to ``[min, max]``; the bounds are scalars or tensors, either may be None.

    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=-1, max=1)
    tensor([-1.0000,  0.5000,  1.0000])
    """
    return _out(_clamp(input, min, max, Clamp, ClampTensor, 'clamp'), out)


clip = clamp


def _clamp(input, low, high, scalar_op, tensor_op, name):
    if not hasattr(input, '_dtype'):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if low is None and high is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    low = _as_operand(low, name) if low is not None else None
    high = _as_operand(high, name) if high is not None else None
    tensors = [hasattr(v, '_dtype') for v in (low, high) if v is not None]
    if any(tensors) and not all(tensors):
        raise TypeError(f'{name}() received an invalid combination of arguments - got (Tensor, min={type(low).__name__}'
                        f', max={type(high).__name__}), but expected one of: (Tensor input, Tensor min = None, '
                        'Tensor max = None) or (Tensor input, Number min = None, Number max = None)')
    if input._dtype._kind == 3:
        raise RuntimeError(f'{name} is not supported for complex types')
    result = dt.result_type(input, *(v for v in (low, high) if v is not None))
    if input._dtype is not result:
        input = input.to(result)
    if all(tensors):
        low = low.to(result) if low is not None and low._dtype is not result else low
        high = high.to(result) if high is not None and high._dtype is not result else high
        return tensor_op.apply(input, low, high)
    if result is dt.bfloat16 or result is dt.float16:
        low = result.np.type(low) if low is not None else None
        high = result.np.type(high) if high is not None else None
    elif result._kind < 2:
        low = builtins.int(low) if low is not None else None
        high = builtins.int(high) if high is not None else None
    return scalar_op.apply(input, min=low, max=high)


def clamp_min(input, min, *, out=None):  # noqa: A002
    """``clamp(input, min=min)``."""
    if hasattr(min, '_dtype'):
        return _out(_clamp(input, min, None, None, ClampMinTensor, 'clamp_min'), out)
    return _out(_clamp(input, min, None, ClampMin, None, 'clamp_min'), out)


def clamp_max(input, max, *, out=None):  # noqa: A002
    """``clamp(input, max=max)``."""
    if hasattr(max, '_dtype'):
        return _out(_clamp(input, None, max, None, ClampMaxTensor, 'clamp_max'), out)
    return _out(_clamp(input, None, max, ClampMax, None, 'clamp_max'), out)


def clamp_(input, min=None, max=None):  # noqa: A002
    """In-place :func:`clamp`."""
    return apply_inplace(input, clamp(input, min, max))


clip_ = clamp_


def _tensor_pair(name, input, other):
    for position, (arg, value) in enumerate((('input', input), ('other', other)), 1):
        if not hasattr(value, '_dtype'):
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f'{type(value).__name__}')
    return _promote(input, other)


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (NaN propagates; ties split the gradient)."""
    a, b = _tensor_pair('maximum', input, other)
    return _out(Maximum.apply(a, b), out)


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors (NaN propagates; ties split the gradient)."""
    a, b = _tensor_pair('minimum', input, other)
    return _out(Minimum.apply(a, b), out)


def fmax(input, other, *, out=None):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN)."""
    a, b = _tensor_pair('fmax', input, other)
    return _out(Fmax.apply(a, b), out)


def fmin(input, other, *, out=None):
    """Elementwise minimum ignoring NaN (NaN only where both are NaN)."""
    a, b = _tensor_pair('fmin', input, other)
    return _out(Fmin.apply(a, b), out)


# ------------------------------------------------------------------------------------------------ two-argument math

def _float_pair(name, input, other, allow_int=False, allow_scalar=False):
    """Promote for a float-only binary op; ints are lifted to float (``allow_int``) or rejected as in PyTorch."""
    if not allow_scalar:
        a, b = _tensor_pair(name, input, other)
    else:
        a, b = _promote(_as_operand(input, name), _as_operand(other, name))
    if _dtype_of(a, b)._kind < 2:
        if not allow_int:
            raise _not_implemented(name, _dtype_of(a, b))
        a, b = _to_float(a, b)
    return a, b


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)``, elementwise (floats only)."""
    return _out(Hypot.apply(*_float_pair('hypot', input, other)), out)


def atan2(input, other, *, out=None):
    """The angle of the point ``(other, input)``, quadrant-aware; integers give floats."""
    return _out(Atan2.apply(*_float_pair('atan2', input, other, allow_int=True)), out)


arctan2 = atan2


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a tensor or a scalar); integers give floats."""
    return _out(Copysign.apply(*_float_pair('copysign', input, other, allow_int=True, allow_scalar=True)), out)


def logaddexp(input, other, *, out=None):
    """``log(exp(input) + exp(other))`` without overflow (floats only)."""
    return _out(Logaddexp.apply(*_float_pair('logaddexp', input, other)), out)


def logaddexp2(input, other, *, out=None):
    """``log2(2**input + 2**other)`` without overflow (floats only)."""
    return _out(Logaddexp2.apply(*_float_pair('logaddexp2', input, other)), out)


def xlogy(input, other, *, out=None):
    """``input * log(other)``, taken as 0 where ``input == 0`` (NaN where ``other`` is NaN)."""
    return _out(Xlogy.apply(*_float_pair('xlogy', input, other, allow_int=True, allow_scalar=True)), out)


def heaviside(input, values, *, out=None):
    """The Heaviside step: 0 below zero, 1 above, ``values`` at zero."""
    a, b = _tensor_pair('heaviside', input, values)
    if input._dtype is not values._dtype:
        raise RuntimeError('heaviside is not yet implemented for tensors with different dtypes.')
    return _out(Heaviside.apply(a, b), out)


# ------------------------------------------------------------------------------------------------ Tensor methods

def _inplace(fn):
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn(self, *args, **kwargs))
    method.__name__ = fn.__name__ + '_'
    return method


class ArithmeticMethods:
    """Tensor methods of this module (mixed into Tensor through ElementwiseMethods)."""

    __slots__ = ()

    def __floordiv__(self, other):
        try:
            other = _as_operand(other, 'floor_divide')
        except TypeError:
            return NotImplemented
        return floor_divide(self, other)

    def __rfloordiv__(self, other):
        return floor_divide(_as_operand(other, 'floor_divide'), self)

    def __mod__(self, other):
        try:
            other = _as_operand(other, 'remainder')
        except TypeError:
            return NotImplemented
        return remainder(self, other)

    def __rmod__(self, other):
        return remainder(_as_operand(other, 'remainder'), self)

    def __ifloordiv__(self, other):
        return apply_inplace(self, floor_divide(self, other))

    def __imod__(self, other):
        return apply_inplace(self, remainder(self, other))

    def floor_divide(self, other):
        return floor_divide(self, other)

    def remainder(self, other):
        return remainder(self, other)

    def fmod(self, other):
        return fmod(self, other)

    def float_power(self, exponent):
        return float_power(self, exponent)

    def float_power_(self, exponent):
        if self._dtype is not dt.float64 and self._dtype is not dt.complex128:
            needed = 'ComplexDouble' if self._dtype._kind == 3 or isinstance(exponent, builtins.complex) else 'Double'
            raise RuntimeError(f'the base given to float_power_ has dtype {_type_word(self._dtype)} but the '
                               f"operation's result requires dtype {needed}")
        return apply_inplace(self, float_power(self, exponent))

    def clamp(self, min=None, max=None):  # noqa: A002
        return clamp(self, min, max)

    clip = clamp

    def clamp_(self, min=None, max=None):  # noqa: A002
        return apply_inplace(self, clamp(self, min, max))

    clip_ = clamp_

    def clamp_min(self, min):  # noqa: A002
        return clamp_min(self, min)

    def clamp_max(self, max):  # noqa: A002
        return clamp_max(self, max)

    def maximum(self, other):
        return maximum(self, other)

    def minimum(self, other):
        return minimum(self, other)

    def fmax(self, other):
        return fmax(self, other)

    def fmin(self, other):
        return fmin(self, other)

    def hypot(self, other):
        return hypot(self, other)

    def atan2(self, other):
        return atan2(self, other)

    arctan2 = atan2

    def copysign(self, other):
        return copysign(self, other)

    def logaddexp(self, other):
        return logaddexp(self, other)

    def logaddexp2(self, other):
        return logaddexp2(self, other)

    def xlogy(self, other):
        return xlogy(self, other)

    def heaviside(self, values):
        return heaviside(self, values)


# PyTorch has no maximum_, fmax_, logaddexp_, ...
for _fn in (floor_divide, remainder, fmod, clamp_min, clamp_max, hypot, atan2, copysign, xlogy, heaviside):
    setattr(ArithmeticMethods, _fn.__name__ + '_', _inplace(_fn))
ArithmeticMethods.arctan2_ = ArithmeticMethods.atan2_
del _fn

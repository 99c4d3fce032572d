"""Elementwise selection and fused ops: ``where``, ``lerp``, ``addcmul``/``addcdiv``, and the in-place fills
``fill_``, ``zero_`` and ``copy_``.
"""
from __future__ import annotations

__all__ = ['where', 'lerp', 'addcmul', 'addcdiv', 'fill_', 'zero_']

import builtins

from .. import _dtype as dt
from ..autograd.function import Primitive
from .elementwise import _as_operand, _broadcast_failure, _out, _tensor_type
from .inplace import _broadcast_shape, _type_word, apply_inplace

_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


# ------------------------------------------------------------------------------------------------ where, lerp, addc*

class Where(Primitive):
    @staticmethod
    def forward(ctx, cond, a, b, *, dtype):
        ctx.save_for_backward(cond)
        try:
            return ctx.xp.where(cond, a, b).astype(dtype.np, copy=False)
        except ValueError as error:
            raise _broadcast_failure(error, cond, a, b) from None

    @staticmethod
    def backward(ctx, grad):
        cond, = ctx.saved_tensors
        _, need_a, need_b = ctx.needs_input_grad
        return None, (where(cond, grad, 0.) if need_a else None), (where(cond, 0., grad) if need_b else None)


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` holds, else ``other`` (scalars allowed); ``where(condition)`` is
    ``nonzero(condition, as_tuple=True)``.

    >>> ember.where(ember.tensor([True, False]), ember.tensor([1., 2.]), 0.)
    tensor([1., 0.])
    """
    if input is None and other is None:
        return _nonzero_tuple(condition)
    if not hasattr(condition, '_dtype'):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not {type(condition).__name__}")
    if condition._dtype is not dt.bool:
        if condition._dtype is not dt.uint8:
            raise RuntimeError(f'where expected condition to be a boolean tensor, but got a tensor with dtype '
                               f'{_type_word(condition._dtype)}')
        import warnings  # noqa: PLC0415
        warnings.warn('where received a uint8 condition tensor. This behavior is deprecated and will be removed in a '
                      'future version of PyTorch. Use a boolean condition instead.', UserWarning, stacklevel=2)
        condition = condition.to(dt.bool)
    input, other = _as_operand(input, 'where'), _as_operand(other, 'where')
    result = dt.result_type(input, other)
    if hasattr(input, '_dtype') and input._dtype is not result:
        input = input.to(result)
    if hasattr(other, '_dtype') and other._dtype is not result:
        other = other.to(result)
    return _out(Where.apply(condition, input, other, dtype=result), out)


def _nonzero_tuple(condition):
    try:
        from .indexing import nonzero  # noqa: PLC0415
    except ImportError:
        Tensor = _tensor_type()
        data = condition._data
        return tuple(Tensor._make(i.astype('int64')) for i in (data.nonzero() if data.ndim else data.reshape(1)
                                                                  .nonzero()))
    return nonzero(condition, as_tuple=True)


class Lerp(Primitive):
    @staticmethod
    def forward(ctx, start, end, weight):
        xp = ctx.xp
        ctx.save_for_backward(start, end, weight)
        if isinstance(weight, _SCALARS):
            ctx._backward_name = 'LerpBackward0'
            weight = xp.asarray(weight, dtype=start.dtype)
        else:
            ctx._backward_name = 'LerpBackward1'
        try:
            diff = end - start
            weight + diff
        except ValueError as error:
            raise _broadcast_failure(error, start, end, weight) from None
        return xp.where(xp.abs(weight) < 0.5, start + weight * diff, end - diff * (1 - weight)).astype(start.dtype)

    @staticmethod
    def backward(ctx, grad):
        start, end, weight = ctx.saved_tensors
        need_start, need_end, need_weight = ctx.needs_input_grad
        return (grad * (1 - weight) if need_start else None), (grad * weight if need_end else None), \
            (grad * (end - start) if need_weight else None)


def lerp(input, end, weight, *, out=None):
    """``input + weight * (end - input)``; ``weight`` is a scalar or a tensor (floats only)."""
    d = input._dtype
    for label, value in (('end', end), ('weight', weight)):
        if hasattr(value, '_dtype') and value._dtype is not d:
            raise RuntimeError(f'expected dtype {_c_type(d)} for `{label}` but got dtype {_c_type(value._dtype)}')
    if d._kind < 2:
        raise NotImplementedError(f'"lerp_kernel_{"tensor" if hasattr(weight, "_dtype") else "scalar"}" not '
                                  f"implemented for '{_type_word(d)}'")
    return _out(Lerp.apply(input, end, _as_operand(weight, 'lerp')), out)


def _c_type(d):
    return {'float32': 'float', 'float64': 'double', 'int64': 'long int', 'int32': 'int', 'float16': 'c10::Half',
            'bfloat16': 'c10::BFloat16', 'int16': 'short int', 'int8': 'signed char', 'uint8': 'unsigned char',
            'bool': 'bool'}.get(d.name, d.name)


class Addcmul(Primitive):
    @staticmethod
    def forward(ctx, x, t1, t2, *, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        try:
            return (x + value * (t1 * t2)).astype(x.dtype, copy=False)
        except ValueError as error:
            raise _broadcast_failure(error, x, t1, t2) from None

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need_x, need_1, need_2 = ctx.needs_input_grad
        value = ctx.value
        return (grad if need_x else None), (grad * (value * t2) if need_1 else None), \
            (grad * (value * t1) if need_2 else None)


class Addcdiv(Primitive):
    @staticmethod
    def forward(ctx, x, t1, t2, *, value):
        ctx.save_for_backward(t1, t2)
        ctx.value = value
        try:
            return (x + value * (t1 / t2)).astype(x.dtype, copy=False)
        except ValueError as error:
            raise _broadcast_failure(error, x, t1, t2) from None

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need_x, need_1, need_2 = ctx.needs_input_grad
        value = ctx.value
        return (grad if need_x else None), (grad * (value / t2) if need_1 else None), \
            (grad * (-value * t1 / (t2 * t2)) if need_2 else None)


def _addc(op, name, input, tensor1, tensor2, value, out):
    result = dt.result_type(input, tensor1, tensor2)
    if op is Addcdiv and tensor1._dtype._kind < 2 and tensor2._dtype._kind < 2:
        raise RuntimeError('Integer division with addcdiv is no longer supported, and in a future  release addcdiv '
                           'will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be '
                           'implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for '
                           'integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future '
                           'addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), '
                           'for all dtypes.')
    args = [t if t._dtype is result else t.to(result) for t in (input, tensor1, tensor2)]
    if result._kind < 2:
        value = builtins.int(value)
    elif result is dt.bfloat16 or result is dt.float16:
        value = result.np.type(value)
    return _out(op.apply(*args, value=value), out)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``."""
    return _addc(Addcmul, 'addcmul', input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2`` (integer tensor1/tensor2 are rejected, as in PyTorch)."""
    return _addc(Addcdiv, 'addcdiv', input, tensor1, tensor2, value, out)


# ------------------------------------------------------------------------------------------------ fills and copies

class Fill(Primitive):
    """The new value of a tensor after ``fill_``; gradient flows to a tensor fill value only."""

    @staticmethod
    def forward(ctx, x, value):
        ctx._backward_name = 'FillBackward2' if isinstance(value, _SCALARS) else 'FillBackward3'
        return ctx.xp.full(x.shape, value, dtype=x.dtype)

    @staticmethod
    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        return (grad * 0 if need_x else None), (grad if need_value else None)


class Zero(Primitive):
    @staticmethod
    def forward(ctx, x):
        return ctx.xp.zeros_like(x)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Copy(Primitive):
    """The new value of a tensor after ``copy_(src)``: ``src`` broadcast and cast to the target."""

    _backward_name = 'torch::autograd::CopyBackwards'

    @staticmethod
    def forward(ctx, x, src):
        if src.dtype.kind == 'c' and x.dtype.kind != 'c':
            import warnings  # noqa: PLC0415
            warnings.warn('Casting complex values to real discards the imaginary part', UserWarning, stacklevel=5)
            src = src.real
        return ctx.xp.broadcast_to(src, x.shape).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        need_x, need_src = ctx.needs_input_grad
        return (grad * 0 if need_x else None), (grad if need_src else None)


def fill_(input, value):
    """Fill ``input`` with a scalar or a 0-dim tensor, in place."""
    if hasattr(value, '_dtype'):
        if value._data.ndim:
            raise RuntimeError(f'fill_ only supports 0-dimension value tensor but got tensor with {value._data.ndim} '
                               'dimensions.')
    else:
        value = _as_operand(value, 'fill_')
        if type(value) is builtins.complex and input._dtype._kind < 3:
            raise RuntimeError(f'value cannot be converted to type {input._dtype.name} without overflow')
    return apply_inplace(input, Fill.apply(input, value))


def zero_(input):
    """Fill ``input`` with zeros, in place."""
    return apply_inplace(input, Zero.apply(input))


def copy_(input, src, non_blocking=False):
    """Copy ``src`` (broadcast to ``input``'s shape, cast to its dtype) into ``input``."""
    if not hasattr(src, '_dtype'):
        raise TypeError(f'copy_(): argument \'src\' (position 1) must be Tensor, not {type(src).__name__}')
    shape, src_shape = tuple(input._data.shape), tuple(src._data.shape)
    if src_shape != shape:
        try:
            ok = _broadcast_shape(src_shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            if len(src_shape) > len(shape):
                raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                                   f'{list(_broadcast_or(src_shape, shape))}')
            padded = (1,) * (len(shape) - len(src_shape)) + src_shape
            for i in range(len(shape) - 1, -1, -1):
                if padded[i] not in (1, shape[i]):
                    raise RuntimeError(f'The size of tensor a ({shape[i]}) must match the size of tensor b '
                                       f'({padded[i]}) at non-singleton dimension {i}')
    if src.device != input.device:
        src = src.to(input.device)
    return apply_inplace(input, Copy.apply(input, src))


def _broadcast_or(a, b):
    try:
        return _broadcast_shape(a, b)
    except ValueError:
        return a


class SelectMethods:
    """Tensor methods of this module (mixed into Tensor through ElementwiseMethods)."""

    __slots__ = ()

    def where(self, condition, other):
        return where(condition, self, other)

    def lerp(self, end, weight):
        return lerp(self, end, weight)

    def addcmul(self, tensor1, tensor2, *, value=1):
        return addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1, tensor2, *, value=1):
        return addcdiv(self, tensor1, tensor2, value=value)

    def fill_(self, value):
        return fill_(self, value)

    def zero_(self):
        return zero_(self)

    def copy_(self, src, non_blocking=False):
        return copy_(self, src, non_blocking)


def _inplace(fn):
    def method(self, *args, **kwargs):
        return apply_inplace(self, fn(self, *args, **kwargs))
    method.__name__ = fn.__name__ + '_'
    return method


for _fn in (lerp, addcmul, addcdiv):
    setattr(SelectMethods, _fn.__name__ + '_', _inplace(_fn))
del _fn

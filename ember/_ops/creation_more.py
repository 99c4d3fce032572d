"""Tensor creation beyond the basic factories: ranges (arange, range, linspace, logspace), eye, meshgrid,
complex/polar, empty_strided, scalar_tensor and tril/triu_indices.

Range values are computed as PyTorch does (``start + i * step``; linspace fills from both ends) in float64 or int64
and then cast, so they agree with PyTorch to the last bit or within one unit in the last place.
"""
from __future__ import annotations

__all__ = ['arange', 'range', 'linspace', 'logspace', 'eye', 'meshgrid', 'complex', 'polar', 'empty_strided',
           'scalar_tensor', 'tril_indices', 'triu_indices']

import builtins
import math
import warnings

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive
from .inplace import _type_word, copy_into_out, mark_view


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def _number(value):
    """A python number from a number or a one-element tensor."""
    if isinstance(value, _tensor_type()):
        return value.item()
    if isinstance(value, numpy.generic):
        return value.item()
    return value


def _finish(array, dtype, device, requires_grad, out):
    from .._backend import to_device  # noqa: PLC0415
    from .._creation import _resolve_device  # noqa: PLC0415
    dev = _resolve_device(device)
    if dev.type != 'cpu':
        array = to_device(array, dev)
    t = _tensor_type()._make(numpy.asarray(array, dtype=dtype.np, order='C') if dev.type == 'cpu'
                             else array.astype(dtype.np))
    if requires_grad:
        t.requires_grad_(True)
    return t if out is None else copy_into_out(out, t)


def _range_dtype(values, dtype, out):
    if dtype is not None:
        return dt.to_dtype(dtype)
    if out is not None:
        return out._dtype
    if any(isinstance(v, builtins.complex) for v in values):
        raise RuntimeError('arange: complex ranges are not supported')
    if any(isinstance(v, builtins.float) for v in values):
        return dt.get_default_dtype()
    return dt.int64


def _range_values(start, end, step, d, count):
    if d._kind in (0, 1):  # PyTorch accumulates integer ranges in int64 (arguments truncated toward zero)
        return builtins.int(start) + builtins.int(step) * numpy.arange(count, dtype=numpy.int64)
    return start + step * numpy.arange(count, dtype=numpy.float64)


def _check_range(start, end, step, op):
    if not all(math.isfinite(v) for v in (start, end)):
        raise RuntimeError(f'unsupported range: {_fmt(start)} -> {_fmt(end)}')
    if step == 0:
        raise RuntimeError('step must be nonzero')
    if not ((step > 0 and end >= start) or (step < 0 and end <= start)):
        raise RuntimeError('upper bound and lower bound inconsistent with step sign')


def _fmt(x):
    return f'{x:g}' if isinstance(x, builtins.float) else str(x)


def arange(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False,
           pin_memory=False):
    """Values ``start, start + step, ...`` below ``end``; int64 for integer arguments, else the default float.

    >>> ember.arange(3)
    tensor([0, 1, 2])
    """
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    d = _range_dtype((start, end, step), dtype, out)
    if d._kind in (0, 1) and d is dt.int64:
        if builtins.int(step) == 0:
            raise RuntimeError('step must be nonzero')
    _check_range(start, end, step, 'arange')
    if d is dt.int64:
        count = math.ceil((builtins.int(end) - builtins.int(start)) / builtins.int(step))
    else:
        count = math.ceil((end - start) / step)
    count = max(count, 0)
    return _finish(_range_values(start, end, step, d, count), d, device, requires_grad, out)


def range(start=0, end=None, step=1, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):  # noqa: A001
    """Deprecated (as in PyTorch): values from ``start`` to ``end`` inclusive, in the default float dtype."""
    warnings.warn("torch.range is deprecated and will be removed in a future release because its behavior is "
                  "inconsistent with Python's range builtin. Instead, use torch.arange, which produces values in "
                  "[start, end).", UserWarning, stacklevel=2)
    start, end, step = _number(start), _number(end), _number(step)
    if end is None:
        start, end = 0, start
    d = dt.to_dtype(dtype) if dtype is not None else (out._dtype if out is not None else dt.get_default_dtype())
    _check_range(start, end, step, 'range')
    count = math.floor((end - start) / step) + 1
    return _finish(_range_values(start, end, step, d, count), d, device, requires_grad, out)


def _steps_arg(steps, op, start, end):
    if isinstance(steps, builtins.float) or not hasattr(steps, '__index__'):
        raise TypeError(f'{op}() received an invalid combination of arguments - got ({type(start).__name__}, '
                        f'{type(end).__name__}, {type(steps).__name__}), but expected one of:\n'
                        ' * (Tensor start, Tensor end, int steps, *, Tensor out = None, torch.dtype dtype = None, '
                        'torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool '
                        'requires_grad = False)\n')
    steps = steps.__index__()
    if steps < 0:
        raise RuntimeError('number of steps must be non-negative')
    return steps


def _linear(start, end, steps, d):
    """PyTorch's linspace fill: from ``start`` for the first half, from ``end`` for the second."""
    if steps == 0:
        return numpy.zeros((0,), dtype=numpy.float64)
    if steps == 1:
        return numpy.asarray([start], dtype=numpy.complex128 if d._kind == 3 else numpy.float64)
    work = {dt.float32: numpy.float32, dt.complex64: numpy.complex64}.get(d, numpy.complex128 if d._kind == 3
                                                                          else numpy.float64)
    start, end = work(start), work(end)
    step = (end - start) / work(steps - 1)
    index = numpy.arange(steps)
    half = steps // 2
    low = start + step * index[:half].astype(work)
    high = end - step * (steps - index[half:] - 1).astype(work)
    return numpy.concatenate([low, high])


def _float_or_complex_dtype(values, dtype, out):
    if dtype is not None:
        return dt.to_dtype(dtype)
    if out is not None:
        return out._dtype
    if any(isinstance(v, builtins.complex) for v in values):
        return dt.default_complex()
    return dt.get_default_dtype()


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> ember.linspace(0, 1, 3)
    tensor([0.0000, 0.5000, 1.0000])
    """
    steps = _steps_arg(steps, 'linspace', start, end)
    start, end = _number(start), _number(end)
    d = _float_or_complex_dtype((start, end), dtype, out)
    values = _linear(start, end, steps, d)
    if d._kind < 2:
        values = numpy.trunc(values.real)
    return _finish(values, d, device, requires_grad, out)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """``base ** linspace(start, end, steps)``.

    >>> ember.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    steps = _steps_arg(steps, 'logspace', start, end)
    start, end = _number(start), _number(end)
    d = _float_or_complex_dtype((start, end), dtype, out)
    exponents = _linear(start, end, steps, d)
    values = numpy.power(numpy.complex128(base) if d._kind == 3 else numpy.float64(base),
                         exponents.astype(numpy.complex128 if d._kind == 3 else numpy.float64))
    if d._kind < 2:
        values = numpy.trunc(values)
    return _finish(values, d, device, requires_grad, out)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An ``n x m`` identity matrix.

    >>> ember.eye(2)
    tensor([[1., 0.],
            [0., 1.]])
    """
    if n < 0:
        raise RuntimeError(f'n must be greater or equal to 0, got {n}')
    if m is None:
        m = n
    if m < 0:
        raise RuntimeError(f'm must be greater or equal to 0, got {m}')
    d = dt.to_dtype(dtype) if dtype is not None else (out._dtype if out is not None else dt.get_default_dtype())
    return _finish(numpy.eye(n, m, dtype=d.np), d, device, requires_grad, out)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-D tensors (``indexing='ij'`` or ``'xy'``); the results are expanded views.

    >>> [g.shape for g in ember.meshgrid(ember.arange(2), ember.arange(3), indexing='ij')]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn('torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.',
                      UserWarning, stacklevel=2)
        indexing = 'ij'
    if indexing not in ('ij', 'xy'):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: {indexing}')
    if not tensors:
        raise RuntimeError('meshgrid expects a non-empty TensorList')
    for t in tensors:
        if t.ndim > 1:
            raise RuntimeError(f'torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}')
    if any(t._dtype is not tensors[0]._dtype for t in tensors):
        raise RuntimeError('meshgrid expects all tensors to have the same dtype')
    if any(t.device != tensors[0].device for t in tensors):
        raise RuntimeError('meshgrid expects all tensors to have the same device')
    swap = indexing == 'xy' and len(tensors) >= 2
    order = list(tensors)
    if swap:
        order[0], order[1] = order[1], order[0]
    shape = [t.numel() for t in order]
    grids = []
    for i, t in enumerate(order):
        view = [1] * len(order)
        view[i] = -1
        grids.append(t.reshape(view).expand(shape))
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)


class Complex(Primitive):
    """``real + i * imag`` from two real tensors."""

    @staticmethod
    def forward(ctx, real, imag):
        xp = ctx.xp
        shape = xp.broadcast_shapes(real.shape, imag.shape)
        out = xp.empty(shape, dtype=xp.result_type(real.dtype, xp.complex64))
        out.real, out.imag = real, imag
        return out

    @staticmethod
    def backward(ctx, grad):
        need_real, need_imag = ctx.needs_input_grad
        return (_Part.apply(grad, imag=False) if need_real else None,
                _Part.apply(grad, imag=True) if need_imag else None)


class _Part(Primitive):
    """The real or imaginary part of a complex tensor, as a view (``z.real``, ``z.imag``)."""

    _backward_name = 'SelectBackward0'

    @staticmethod
    def forward(ctx, z, *, imag):
        ctx.imag = imag
        return z.imag if imag else z.real

    @staticmethod
    def backward(ctx, grad):
        zeros = grad.new_zeros(grad.shape)
        return Complex.apply(zeros, grad) if ctx.imag else Complex.apply(grad, zeros)


def complex_part(z, imag: bool):
    """``z.real`` / ``z.imag`` of a complex tensor: a view sharing its memory."""
    return mark_view(_Part.apply(z, imag=imag), z, lambda base: complex_part(base, imag))


def _check_complex_args(real, imag, op):
    Tensor = _tensor_type()
    if not isinstance(imag, Tensor):
        raise TypeError(f"{op}(): argument '{'imag' if op == 'complex' else 'angle'}' (position 2) must be Tensor, "
                        f'not {type(imag).__name__}')
    if not isinstance(real, Tensor):
        raise TypeError(f"{op}(): argument '{'real' if op == 'complex' else 'abs'}' (position 1) must be Tensor, "
                        f'not {type(real).__name__}')
    if real._dtype not in (dt.float32, dt.float64, dt.float16) or imag._dtype not in (dt.float32, dt.float64,
                                                                                        dt.float16):
        raise RuntimeError(f'Expected both inputs to be Half, Float or Double tensors but got '
                           f'{_type_word(real._dtype)} and {_type_word(imag._dtype)}')
    if real._dtype is not imag._dtype:
        raise RuntimeError(f'Expected object of scalar type {_type_word(real._dtype)} but got scalar type '
                           f'{_type_word(imag._dtype)} for second argument')
    if real._dtype is dt.float16:
        raise TypeError(f'{op}(): ember has no complex32 dtype; use float32 inputs')


def complex(real, imag, *, out=None):  # noqa: A001
    """A complex tensor from real and imaginary parts of the same floating dtype.

    >>> ember.complex(ember.tensor([1.]), ember.tensor([2.]))
    tensor([1.+2.j])
    """
    _check_complex_args(real, imag, 'complex')
    result = Complex.apply(real, imag)
    return result if out is None else copy_into_out(out, result)


def polar(abs, angle, *, out=None):  # noqa: A002
    """``abs * (cos(angle) + i sin(angle))``.

    >>> ember.polar(ember.tensor([2.]), ember.tensor([0.]))
    tensor([2.+0.j])
    """
    _check_complex_args(abs, angle, 'polar')
    result = Complex.apply(abs * angle.cos(), abs * angle.sin())
    return result if out is None else copy_into_out(out, result)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor with the given strides (in elements).

    >>> ember.empty_strided((2, 3), (1, 2)).stride()
    (1, 2)
    """
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError(f'dimensionality of sizes ({len(size)}) must match dimensionality of strides '
                           f'({len(stride)})')
    for s in size:
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: {list(size)}')
    d = dt.to_dtype(dtype) if dtype is not None else dt.get_default_dtype()
    storage = 0 if 0 in size else 1 + builtins.sum((n - 1) * s for n, s in zip(size, stride))
    buffer = numpy.empty(storage, dtype=d.np)
    array = numpy.lib.stride_tricks.as_strided(buffer, size, tuple(s * d.itemsize for s in stride))
    from .._creation import _resolve_device  # noqa: PLC0415
    if _resolve_device(device).type != 'cpu':
        return _finish(numpy.array(array, order='C'), d, device, requires_grad, None)
    t = _tensor_type()._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def scalar_tensor(s, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A 0-dim tensor holding ``s`` (default float dtype).

    >>> ember.scalar_tensor(5)
    tensor(5.)
    """
    d = dt.to_dtype(dtype) if dtype is not None else dt.get_default_dtype()
    return _finish(numpy.asarray(_number(s)), d, device, requires_grad, None)


def _tri_indices(row, col, offset, dtype, device, op, lower):
    if row < 0:
        raise RuntimeError(f'row must be non-negative, got{row}')
    if col < 0:
        raise RuntimeError(f'col must be non-negative, got{col}')
    d = dt.to_dtype(dtype)
    if d._kind != 1:
        raise NotImplementedError(f'"{op}" not implemented for \'{_type_word(d)}\'')
    rows, cols = (numpy.tril_indices if lower else numpy.triu_indices)(row, offset, col)
    return _finish(numpy.stack([rows, cols]).astype(numpy.int64).reshape(2, -1), d, device, False, None)


def tril_indices(row, col, offset=0, *, dtype=dt.int64, device=None, layout=None):
    """The 2 x N (row, column) indices of the lower triangle of a ``row x col`` matrix.

    >>> ember.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices(row, col, offset, dtype, device, 'tril_indices', True)


def triu_indices(row, col, offset=0, *, dtype=dt.int64, device=None, layout=None):
    """The 2 x N (row, column) indices of the upper triangle of a ``row x col`` matrix."""
    return _tri_indices(row, col, offset, dtype, device, 'triu_indices', False)

"""Reductions: sum, mean, prod, max/min and their arg/a- variants (std/var, logsumexp, norm: reduction_stats.py).

Cumulative and counting ops are in reduction_cum.py, sorting and order statistics in reduction_sort.py; all use the
helpers here (``return_type``, the gather/scatter-along-a-dim primitives that carry gradients to chosen indices).

NOTE [ Gradients of extrema ]
An op that returns indices (``max(dim)``, ``sort``, ``topk``, ``kthvalue``, ``cummax``, ...) sends its gradient to
those indices only. An op that returns a value without an index (``max()``, ``amax``, ``median()``, ``aminmax``)
splits its gradient evenly among all elements equal to the result, as PyTorch does; ``max()`` and ``median()`` count
NaN elements as equal to a NaN result, ``amax`` does not (so its gradient is NaN there, as in PyTorch).
"""
from __future__ import annotations

__all__ = ['sum', 'nansum', 'mean', 'nanmean', 'prod', 'max', 'min', 'amax', 'amin', 'argmax', 'argmin', 'aminmax',
           'std', 'var', 'std_mean', 'var_mean', 'logsumexp', 'norm']

import builtins
import operator

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive, _function_tensor
from ._util import wrap_dim, wrap_dims
from .inplace import _type_word

_INF = float('inf')


# ------------------------------------------------------------------------------------------------ shared helpers

class _ReturnType(tuple):
    """A tuple with named fields that prints as PyTorch's ``torch.return_types.<op>(values=..., indices=...)``."""

    __slots__ = ()
    _fields = ()

    def __new__(cls, values):
        values = tuple(values)
        if len(values) != len(cls._fields):
            raise TypeError(f'torch.return_types.{cls.__name__} takes a sequence of length {len(cls._fields)}')
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ',\n'.join(f'{name}={value!r}' for name, value in zip(self._fields, self))
        return f'torch.return_types.{type(self).__name__}(\n{body})'

    def __reduce__(self):
        return (type(self), (tuple(self),))


def return_type(name, fields=('values', 'indices')):
    """A ``torch.return_types``-like class: ``return_type('max')((values, indices)).values``."""
    namespace = {'__slots__': (), '_fields': tuple(fields), '__module__': 'torch.return_types', '__qualname__': name}
    for i, field in enumerate(fields):
        namespace[field] = property(operator.itemgetter(i), doc=f'Alias for field number {i}')
    return type(name, (_ReturnType,), namespace)


RETURN_TYPES = {name: return_type(name) for name in ('max', 'min', 'median', 'nanmedian', 'mode', 'kthvalue', 'topk',
                                                     'sort', 'cummax', 'cummin')}
RETURN_TYPES['aminmax'] = return_type('aminmax', ('min', 'max'))


def _tensor(array):
    """A constant (no-grad) Tensor over ``array`` (NumPy scalars become 0-dim arrays)."""
    if isinstance(array, numpy.generic):
        array = numpy.asarray(array)
    return _function_tensor()._make(array)


def _check_tensor(input, op):
    if not hasattr(input, '_dtype'):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def reduce_dims(input, dim, op):
    """``dim`` (int, tuple/list, or None/() for all) as a sorted tuple of axes of the array (``()`` for 0-dim)."""
    ndim = input._data.ndim
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        return tuple(range(ndim))
    dims = wrap_dims(dim, ndim, op)
    return dims if ndim else ()


def one_dim(input, dim, op):
    """A single ``dim`` as an axis of the array, or None for a 0-dim tensor (which accepts 0 and -1)."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{op}(): argument 'dim' must be int, not {type(dim).__name__}")
    d = wrap_dim(dim, input._data.ndim, op)
    return d if input._data.ndim else None


def check_nonempty(input, dims, op, dim_given=True):
    """PyTorch's errors for reductions without an identity (max, argmax, ...) over an empty tensor."""
    data = input._data
    if data.size:
        return
    if not dim_given:
        raise RuntimeError(f"{op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the "
                           "reduction dim with the 'dim' argument.")
    for d in dims:
        if data.shape[d] == 0:
            raise IndexError(f'{op}(): Expected reduction dim {d} to have non-zero size.')


def is_half(array):
    return array.dtype.itemsize == 2 and array.dtype.kind in 'fV'


def accumulate(xp, array):
    """``array`` in a type fit to accumulate in (float16/bfloat16 sum in float32, as PyTorch's kernels do)."""
    return array.astype(xp.float32) if is_half(array) else array


def expand_back(grad, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


def _open_grid(xp, shape):
    return [xp.arange(n).reshape((1,) * i + (n,) + (1,) * (len(shape) - i - 1)) for i, n in enumerate(shape)]


class ScatterAlong(Primitive):
    """Zeros of ``shape`` with ``src`` added at ``index`` along ``dim`` (the gradient of ``GatherAlong``)."""

    @staticmethod
    def forward(ctx, src, index, *, shape, dim):
        xp = ctx.xp
        ctx.index, ctx.dim = index, dim
        out = xp.zeros(shape, dtype=src.dtype)
        if index.size:
            grid = _open_grid(xp, index.shape)
            grid[dim] = index
            xp.add.at(out, tuple(grid), src)
        return out

    @staticmethod
    def backward(ctx, grad):
        return GatherAlong.apply(grad, _tensor(ctx.index), dim=ctx.dim), None


class GatherAlong(Primitive):
    """``take_along_axis``: the values of ``x`` at ``index`` along ``dim``."""

    @staticmethod
    def forward(ctx, x, index, *, dim):
        ctx.index, ctx.dim, ctx.shape = index, dim, x.shape
        return ctx.xp.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAlong.apply(grad, _tensor(ctx.index), shape=ctx.shape, dim=ctx.dim), None


def grad_to_indices(grad, index, shape, dim, keepdim):
    """The gradient of values picked at ``index`` (an array) along ``dim`` of an input of ``shape``."""
    if dim is None:  # a 0-dim input: the value is the input
        return grad.reshape(())
    if not keepdim:
        grad = grad.unsqueeze(dim)
        index = index.reshape(index.shape[:dim] + (1,) + index.shape[dim:])
    return ScatterAlong.apply(grad, _tensor(index), shape=shape, dim=dim)


def even_split(grad, x, result, dims, keepdim, nan_equal):
    """``grad`` split evenly among the elements of ``x`` equal to ``result`` (NOTE [ Gradients of extrema ])."""
    xp = numpy if type(x) is numpy.ndarray else _xp(x)
    r = result if keepdim else xp.expand_dims(result, dims) if dims else result
    mask = x == r
    if nan_equal:
        mask = mask | (xp.isnan(x) & xp.isnan(r)) if x.dtype.kind in 'fc' or is_half(x) else mask
    with numpy.errstate(invalid='ignore', divide='ignore'):
        scale = mask / mask.sum(axis=dims, keepdims=True)
    return expand_back(grad, x.shape, dims, keepdim) * _tensor(scale.astype(x.dtype))


def _xp(array):
    from .._backend import cupy  # noqa: PLC0415
    return cupy()


def write_out(result, out, op):
    """``out=`` for one result (PyTorch's wording when autograd is involved)."""
    if out is None:
        return result
    from .inplace import copy_into_out  # noqa: PLC0415
    if result._requires_grad:
        raise RuntimeError(f"{op}(): functions with out=... arguments don't support automatic differentiation, but "
                           'one of the arguments requires grad.')
    return copy_into_out(out, result)


def write_out_tuple(results, out, op, kind):
    """``out=(values, indices)`` for ops returning several tensors; returns the named tuple."""
    if out is None:
        return RETURN_TYPES[kind](results) if kind else results
    if not isinstance(out, (tuple, list)) or len(out) != len(results):
        raise TypeError(f"{op}(): argument 'out' must be tuple of Tensors")
    written = tuple(write_out(r, o, op) for r, o in zip(results, out))
    return RETURN_TYPES[kind](written) if kind else written


class Raw(Primitive):
    """A non-differentiable op computed by ``fn(xp, *arrays)`` (counts, indices, masks)."""

    differentiable = False

    @staticmethod
    def forward(ctx, *arrays, fn):
        out = fn(ctx.xp, *arrays)
        if type(out) is tuple:
            return tuple(numpy.asarray(o) if isinstance(o, numpy.generic) else o for o in out)
        return numpy.asarray(out) if isinstance(out, numpy.generic) else out


# ------------------------------------------------------------------------------------------------ sum, mean, prod

class Sum(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype, all_dims):
        xp = ctx.xp
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if not all_dims:
            ctx._backward_name = 'SumBackward1'
        out = xp.sum(accumulate(xp, x), axis=dims, keepdims=keepdim, dtype=dtype)
        return xp.asarray(out).astype(dtype or x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class Nansum(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.keepdim = dims, keepdim
        if x.dtype.kind in 'fc' or is_half(x):
            ctx.save_for_backward(x)
            out = xp.sum(xp.where(xp.isnan(x), 0, accumulate(xp, x)), axis=dims, keepdims=keepdim)
        else:
            out = xp.sum(x, axis=dims, keepdims=keepdim, dtype=xp.int64)
        return xp.asarray(out).astype(x.dtype if x.dtype.kind in 'fcV' else xp.int64, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        keep = _tensor((~ctx.xp.isnan(x._data)).astype(x._data.dtype))
        return expand_back(grad, x._data.shape, ctx.dims, ctx.keepdim) * keep


class Mean(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, all_dims):
        xp = ctx.xp
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if not all_dims:
            ctx._backward_name = 'MeanBackward1'
        count = 1
        for d in dims:
            count *= x.shape[d]
        ctx.count = count
        with numpy.errstate(invalid='ignore', divide='ignore'):
            out = xp.sum(accumulate(xp, x), axis=dims, keepdims=keepdim) / count if count else \
                xp.sum(x, axis=dims, keepdims=keepdim) * xp.nan
        return xp.asarray(out).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        return expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) / builtins.max(ctx.count, 1)


def _sum_dtype(input, dtype):
    """The result dtype of sum/prod: ``dtype``, else int64 for integer and bool inputs (as PyTorch)."""
    if dtype is not None:
        return dt.to_dtype(dtype)
    return dt.int64 if input._dtype._kind < 2 else input._dtype


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001 - PyTorch's name
    """Sum over ``dim`` (an int, a tuple, or all dims); integer and bool inputs sum as int64.

    >>> ember.tensor([[1, 2], [3, 4]]).sum(1)
    tensor([3, 7])
    """
    _check_tensor(input, 'sum')
    dims = reduce_dims(input, dim, 'sum')
    target = _sum_dtype(input, dtype)
    if dtype is not None and target is not input._dtype:
        input = input.to(target)
    np_dtype = target.np if target is not input._dtype else None
    result = Sum.apply(input, dims=dims, keepdim=keepdim, dtype=np_dtype, all_dims=dim is None)
    return write_out(result, out, 'sum')


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """``sum`` treating NaN as zero.

    >>> ember.nansum(ember.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    _check_tensor(input, 'nansum')
    if dtype is not None:
        input = input.to(dt.to_dtype(dtype))
    return write_out(Nansum.apply(input, dims=reduce_dims(input, dim, 'nansum'), keepdim=keepdim), out, 'nansum')


def _mean_dtype_error(op, d, optional=False):
    which = 'Optional dtype' if optional else 'Input dtype'
    return RuntimeError(f'{op}(): could not infer output dtype. {which} must be either a floating point or complex '
                        f'dtype. Got: {_type_word(d)}')


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; floating or complex inputs only (or a floating ``dtype=``), as in PyTorch.

    >>> ember.tensor([[1., 2.], [3., 4.]]).mean(0)
    tensor([2., 3.])
    """
    _check_tensor(input, 'mean')
    if dtype is not None:
        dtype = dt.to_dtype(dtype)
        if dtype._kind < 2:
            raise _mean_dtype_error('mean', dtype, optional=True)
        if dtype is not input._dtype:
            input = input.to(dtype)
    if input._dtype._kind < 2:
        raise _mean_dtype_error('mean', input._dtype)
    dims = reduce_dims(input, dim, 'mean')
    return write_out(Mean.apply(input, dims=dims, keepdim=keepdim, all_dims=dim is None), out, 'mean')


def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over the non-NaN elements.

    >>> ember.nanmean(ember.tensor([1., float('nan'), 3.]))
    tensor(2.)
    """
    _check_tensor(input, 'nanmean')
    if dtype is not None:
        input = input.to(dt.to_dtype(dtype))
    if input._dtype._kind < 2:
        raise RuntimeError(f'nanmean(): expected input to have floating point or complex dtype but got '
                           f'{_type_word(input._dtype)}')
    dims = reduce_dims(input, dim, 'nanmean')
    xp = numpy if type(input._data) is numpy.ndarray else _xp(input._data)
    count = xp.sum(~xp.isnan(input._data), axis=dims, keepdims=keepdim).astype(input._data.dtype)
    return write_out(nansum(input, dim, keepdim) / _tensor(xp.asarray(count)), out, 'nanmean')


class Prod(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype):
        xp = ctx.xp
        ctx.dims, ctx.keepdim = dims, keepdim
        if dims != tuple(range(x.ndim)) or not x.ndim:
            ctx._backward_name = 'ProdBackward1' if x.ndim else 'ProdBackward0'
        out = xp.asarray(xp.prod(accumulate(xp, x), axis=dims, keepdims=keepdim, dtype=dtype))
        out = out.astype(dtype or x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        xp, dims, keepdim = ctx.xp, ctx.dims, ctx.keepdim
        xd = x._data
        g = expand_back(grad, xd.shape, dims, keepdim)
        zero = xd == 0
        if not zero.any():
            return g * expand_back(out, xd.shape, dims, keepdim) / x
        # products of the other elements: out/x without zeros; with one zero, only the zero gets the product of the
        # rest; with more, nothing does
        from .elementwise_select import where  # noqa: PLC0415
        zeros = zero.sum(axis=dims, keepdims=True)
        safe = where(_tensor(zero), 1., x)
        rest = prod_dims(safe, dims)
        only = _tensor(((zeros == 1) & zero).astype(xd.dtype))
        none = _tensor(xp.broadcast_to(zeros == 0, xd.shape))
        return g * where(none, rest / safe, rest * only)


def prod_dims(x, dims):
    """The product of ``x`` over ``dims``, kept as size-1 dims (differentiable)."""
    return Prod.apply(x, dims=dims, keepdim=True, dtype=None)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Product of the elements (of one ``dim``); integer and bool inputs multiply as int64.

    >>> ember.tensor([[1, 2], [3, 4]]).prod(1)
    tensor([ 2, 12])
    """
    _check_tensor(input, 'prod')
    dims = tuple(range(input._data.ndim)) if dim is None else (one_dim(input, dim, 'prod'),)
    dims = () if dims == (None,) else dims
    target = _sum_dtype(input, dtype)
    if dtype is not None and target is not input._dtype:
        input = input.to(target)
    np_dtype = target.np if target is not input._dtype else None
    return write_out(Prod.apply(input, dims=dims, keepdim=keepdim, dtype=np_dtype), out, 'prod')


# ------------------------------------------------------------------------------------------------ max, min and kin

class Extreme(Primitive):
    """``max()``/``min()`` (no dim) and ``amax``/``amin``: the value, gradient split among ties."""

    _backward_name = 'AmaxBackward0'

    @staticmethod
    def forward(ctx, x, *, fn, dims, keepdim, name, nan_equal):
        xp = ctx.xp
        ctx._backward_name = name
        ctx.dims, ctx.keepdim, ctx.nan_equal = dims, keepdim, nan_equal
        out = xp.asarray(getattr(xp, fn)(x, axis=dims, keepdims=keepdim))
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return even_split(grad, x._data, out._data, ctx.dims, ctx.keepdim, ctx.nan_equal)


class Pick(Primitive):
    """Elements chosen by ``select(xp, x) -> index`` along ``dim`` (max/min, sort, topk, kthvalue, median, mode):
    returns ``(values, indices)``; the gradient goes to the indices."""

    _backward_name = 'SortBackward0'

    @staticmethod
    def forward(ctx, x, *, dim, select, keepdim, name):
        xp = ctx.xp
        ctx._backward_name = name
        ctx.dim, ctx.keepdim, ctx.shape = dim, keepdim, x.shape
        if dim is None:
            ctx.index = xp.zeros((), dtype=xp.int64)
            return x.copy(), ctx.index
        index = select(xp, x).astype(xp.int64, copy=False)
        values = xp.take_along_axis(x, index, axis=dim)
        if not keepdim:
            index, values = index.squeeze(dim), values.squeeze(dim)
        ctx.index = index
        return values, index

    @staticmethod
    def backward(ctx, grad, grad_index=None):
        return grad_to_indices(grad, ctx.index, ctx.shape, ctx.dim, ctx.keepdim)


def _extreme(fn, input, dim, keepdim, other, out):
    _check_tensor(input, fn)
    if hasattr(dim, '_dtype') and other is None:
        dim, other = None, dim
    if other is not None:
        from .elementwise_more import maximum, minimum  # noqa: PLC0415
        return (maximum if fn == 'max' else minimum)(input, other, out=out)
    if dim is None:
        if keepdim:
            raise TypeError(f'{fn}() received an invalid combination of arguments - got (keepdim=bool), but '
                            'expected (int dim, bool keepdim)')
        check_nonempty(input, (), fn, dim_given=False)
        dims = tuple(range(input._data.ndim))
        name = ('Max' if fn == 'max' else 'Min') + 'Backward1'
        return write_out(Extreme.apply(input, fn=fn, dims=dims, keepdim=False, name=name, nan_equal=True), out, fn)
    d = one_dim(input, dim, fn)
    check_nonempty(input, () if d is None else (d,), fn)
    name = ('Max' if fn == 'max' else 'Min') + 'Backward0'
    arg = 'arg' + fn  # NumPy's argmax/argmin take the first extreme, or the first NaN
    values, index = Pick.apply(input, dim=d, select=lambda xp, x: getattr(xp, arg)(x, axis=d, keepdims=True),
                               keepdim=keepdim, name=name)
    return write_out_tuple((values, index), out, fn, fn)


def max(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001 - PyTorch's name
    """The largest element; with ``dim``, ``(values, indices)`` along it; with a tensor, ``maximum``.

    >>> ember.tensor([[1., 5.], [4., 2.]]).max(1)
    torch.return_types.max(
    values=tensor([5., 4.]),
    indices=tensor([1, 0]))
    """
    return _extreme('max', input, dim, keepdim, other, out)


def min(input, dim=None, keepdim=False, *, other=None, out=None):  # noqa: A001 - PyTorch's name
    """The smallest element; with ``dim``, ``(values, indices)`` along it; with a tensor, ``minimum``."""
    return _extreme('min', input, dim, keepdim, other, out)


def _amax(fn, input, dim, keepdim, out):
    op = 'a' + fn
    _check_tensor(input, op)
    dims = reduce_dims(input, dim, op)
    given = not (dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0))
    check_nonempty(input, dims, op, dim_given=given)
    name = ('Amax' if fn == 'max' else 'Amin') + 'Backward0'
    return write_out(Extreme.apply(input, fn=fn, dims=dims, keepdim=keepdim, name=name, nan_equal=False), out, op)


def amax(input, dim=(), keepdim=False, *, out=None):
    """The largest value over ``dim`` (all dims by default); ties share the gradient evenly.

    >>> ember.tensor([[1., 5.], [4., 2.]]).amax(0)
    tensor([4., 5.])
    """
    return _amax('max', input, dim, keepdim, out)


def amin(input, dim=(), keepdim=False, *, out=None):
    """The smallest value over ``dim`` (all dims by default); ties share the gradient evenly."""
    return _amax('min', input, dim, keepdim, out)


def _argextreme(fn, input, dim, keepdim, out):
    op = 'arg' + fn
    _check_tensor(input, op)
    if input._dtype is dt.bool:
        raise RuntimeError(f'{op}(): does not support bool input')
    ndim = input._data.ndim
    if dim is None:
        if not input._data.size:
            raise IndexError(f'{op}(): Expected reduction dim to be specified for input.numel() == 0.')
        shape = (1,) * ndim if keepdim else ()

        def kernel(xp, x):
            return xp.asarray(getattr(xp, op)(x)).astype(xp.int64).reshape(shape)
    else:
        d = one_dim(input, dim, op)
        check_nonempty(input, () if d is None else (d,), op)

        def kernel(xp, x):
            if d is None:
                return xp.zeros((), dtype=xp.int64)
            return xp.asarray(getattr(xp, op)(x, axis=d, keepdims=keepdim)).astype(xp.int64)
    return write_out(Raw.apply(input, fn=kernel), out, op)


def argmax(input, dim=None, keepdim=False, *, out=None):
    """The index of the largest element (of the flattened tensor, or along ``dim``); the first one among ties.

    >>> ember.tensor([[1., 5.], [4., 2.]]).argmax()
    tensor(1)
    """
    return _argextreme('max', input, dim, keepdim, out)


def argmin(input, dim=None, keepdim=False, *, out=None):
    """The index of the smallest element (of the flattened tensor, or along ``dim``)."""
    return _argextreme('min', input, dim, keepdim, out)


class Aminmax(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.keepdim = dims, keepdim
        low = xp.asarray(xp.min(x, axis=dims, keepdims=keepdim))
        high = xp.asarray(xp.max(x, axis=dims, keepdims=keepdim))
        ctx.save_for_backward(x, low, high)
        return low, high

    @staticmethod
    def backward(ctx, grad_min, grad_max):
        x, low, high = ctx.saved_tensors
        total = None
        for grad, value in ((grad_min, low), (grad_max, high)):
            if grad is not None:
                part = even_split(grad, x._data, value._data, ctx.dims, ctx.keepdim, False)
                total = part if total is None else total + part
        return total


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` of the tensor, or along ``dim``.

    >>> ember.aminmax(ember.tensor([3., 1., 2.]))
    torch.return_types.aminmax(
    min=tensor(1.),
    max=tensor(3.))
    """
    _check_tensor(input, 'aminmax')
    if dim is None:
        dims = tuple(range(input._data.ndim))
        if not input._data.size:
            raise RuntimeError('aminmax(): cannot compute aminmax over an empty dimension as the operation has no '
                               'identity.')
    else:
        d = one_dim(input, dim, 'aminmax')
        dims = () if d is None else (d,)
        if input._data.size == 0 and d is not None and input._data.shape[d] == 0:
            raise IndexError(f'aminmax(): Expected reduction dim {d} to have non-zero size.')
    low, high = Aminmax.apply(input, dims=dims, keepdim=keepdim)
    return write_out_tuple((low, high), out, 'aminmax', 'aminmax')


# std/var/logsumexp/norm live in reduction_stats.py (it imports the helpers above)
from .reduction_stats import logsumexp, norm, std, std_mean, var, var_mean  # noqa: E402


# ------------------------------------------------------------------------------------------------ Tensor methods

class ReductionMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return sum(self, dim, keepdim, dtype=dtype)

    def nansum(self, dim=None, keepdim=False, *, dtype=None):
        return nansum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return mean(self, dim, keepdim, dtype=dtype)

    def nanmean(self, dim=None, keepdim=False, *, dtype=None):
        return nanmean(self, dim, keepdim, dtype=dtype)

    def prod(self, dim=None, keepdim=False, *, dtype=None):
        return prod(self, dim, keepdim, dtype=dtype)

    def max(self, dim=None, keepdim=False):
        return max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return min(self, dim, keepdim)

    def amax(self, dim=(), keepdim=False):
        return amax(self, dim, keepdim)

    def amin(self, dim=(), keepdim=False):
        return amin(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return argmin(self, dim, keepdim)

    def aminmax(self, *, dim=None, keepdim=False):
        return aminmax(self, dim=dim, keepdim=keepdim)

    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return std(self, dim, unbiased, keepdim, correction=correction)

    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        return var(self, dim, unbiased, keepdim, correction=correction)

    def logsumexp(self, dim, keepdim=False):
        return logsumexp(self, dim, keepdim)

    def norm(self, p='fro', dim=None, keepdim=False, dtype=None):
        return norm(self, p, dim, keepdim, dtype=dtype)

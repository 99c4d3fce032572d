"""Sorting and order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, quantile and
nanquantile. Each picks elements by index, so its gradient goes to those indices (NOTE [ Gradients of extrema ] in
reduction.py); NaN sorts after every number, as in PyTorch.
"""
from __future__ import annotations

__all__ = ['sort', 'argsort', 'msort', 'topk', 'kthvalue', 'median', 'nanmedian', 'mode', 'quantile', 'nanquantile',
           'cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp', 'all', 'any', 'count_nonzero', 'bincount', 'histc',
           'unique', 'unique_consecutive']  # the second line: reduction_cum's, re-exported

import numbers

import numpy

from .. import _dtype as dt
from .reduction import (Extreme, GatherAlong, Pick, Raw, _check_tensor, _tensor, check_nonempty, even_split,
                        is_half, one_dim, write_out, write_out_tuple)
from .reduction_cum import (ReductionCumMethods, all, any, bincount, count_nonzero, cummax, cummin,  # noqa: F401
                            cumprod, cumsum, histc, logcumsumexp, unique, unique_consecutive)


def sort_index(xp, x, dim, descending):
    """A stable argsort along ``dim``; descending keeps equal elements in their original order (NaN first)."""
    if not descending:
        return xp.argsort(x, axis=dim, kind='stable')
    n = x.shape[dim]
    index = xp.argsort(xp.flip(x, axis=dim), axis=dim, kind='stable')
    return n - 1 - xp.flip(index, axis=dim)


def _has_nan(x):
    return x.dtype.kind in 'fc' or is_half(x)


def _pick(op, kind, input, dim, select, keepdim, name, out):
    values, index = Pick.apply(input, dim=dim, select=select, keepdim=keepdim, name=name)
    return write_out_tuple((values, index), out, op, kind)


def sort(input, dim=-1, descending=False, stable=False, *, out=None):
    """``(values, indices)`` sorted along ``dim`` (always stable; NaN sorts as the largest value).

    >>> ember.tensor([3., 1., 2.]).sort()
    torch.return_types.sort(
    values=tensor([1., 2., 3.]),
    indices=tensor([1, 2, 0]))
    """
    _check_tensor(input, 'sort')
    d = one_dim(input, dim, 'sort')
    return _pick('sort', 'sort', input, d, lambda xp, x: sort_index(xp, x, d, descending), True, 'SortBackward0',
                 out)


def argsort(input, dim=-1, descending=False, stable=False):
    """The indices that sort ``input`` along ``dim``.

    >>> ember.tensor([3., 1., 2.]).argsort()
    tensor([1, 2, 0])
    """
    _check_tensor(input, 'argsort')
    d = one_dim(input, dim, 'argsort')
    if d is None:
        return Raw.apply(input, fn=lambda xp, x: xp.zeros((), dtype=xp.int64))
    return Raw.apply(input, fn=lambda xp, x: sort_index(xp, x, d, descending).astype(xp.int64))


def msort(input, *, out=None):
    """``input`` sorted along its first dim."""
    return write_out(sort(input, 0).values, out, 'msort')


def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):  # noqa: A002 - PyTorch's name
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices, in sorted order.

    >>> ember.tensor([1., 5., 3.]).topk(2)
    torch.return_types.topk(
    values=tensor([5., 3.]),
    indices=tensor([1, 2]))
    """
    _check_tensor(input, 'topk')
    d = one_dim(input, dim, 'topk')
    size = 1 if d is None else input._data.shape[d]
    if not 0 <= k <= size:
        raise RuntimeError('selected index k out of range')
    if d is None:
        return _pick('topk', 'topk', input, None, None, True, 'TopkBackward0', out)
    return _pick('topk', 'topk', input, d, lambda xp, x: xp.take(sort_index(xp, x, d, largest), xp.arange(k), axis=d),
                 True, 'TopkBackward0', out)


def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The ``k``-th smallest element along ``dim`` (1-based) and its index.

    >>> ember.tensor([3., 1., 2.]).kthvalue(2).values
    tensor(2.)
    """
    _check_tensor(input, 'kthvalue')
    d = one_dim(input, dim, 'kthvalue')
    size = 1 if d is None else input._data.shape[d]
    if not 1 <= k <= size:
        raise RuntimeError(f'kthvalue(): selected number k out of range for dimension {0 if d is None else d}')
    return _pick('kthvalue', 'kthvalue', input, d, lambda xp, x: _at_rank(xp, x, d, k - 1), keepdim,
                 'KthvalueBackward0', out)


def _at_rank(xp, x, dim, rank):
    """The index (kept as a size-1 ``dim``) of the element of sorted position ``rank`` (an int or an array)."""
    order = sort_index(xp, x, dim, False)
    if isinstance(rank, numbers.Integral):
        rank = xp.full([1 if i == dim else n for i, n in enumerate(x.shape)], rank, dtype=xp.int64)
    return xp.take_along_axis(order, rank, axis=dim)


def _median_rank(xp, x, dim, ignore_nan):
    """The sorted position of the lower median of each slice (the first NaN's, if any and not ignored)."""
    n = x.shape[dim]
    nans = xp.isnan(x).sum(axis=dim, keepdims=True) if _has_nan(x) else xp.zeros(1, dtype=xp.int64)
    if ignore_nan:
        valid = n - nans
        return xp.where(valid > 0, (valid - 1) // 2, 0).astype(xp.int64)
    return xp.where(nans > 0, n - nans, (n - 1) // 2).astype(xp.int64) + xp.zeros(
        [1 if i == dim else s for i, s in enumerate(x.shape)], dtype=xp.int64)


def _median(op, input, dim, keepdim, out, ignore_nan):
    _check_tensor(input, op)
    kind = op
    if dim is None:
        name = 'NanmedianBackward0' if ignore_nan else 'MedianBackward0'
        if input._data.size == 0:
            return write_out(_Median.apply(input, value=numpy.nan, name=name), out, op)
        flat = input.reshape(-1)

        def value_at_median(xp, x):
            return _at_rank(xp, x, 0, _median_rank(xp, x, 0, ignore_nan))
        index = Raw.apply(flat, fn=value_at_median)
        value = flat._data[index._data].reshape(())
        return write_out(_Median.apply(input, value=value, name=name), out, op)
    d = one_dim(input, dim, op)
    check_nonempty(input, () if d is None else (d,), op)
    name = 'NanmedianBackward1' if ignore_nan else 'MedianBackward1'
    return _pick(op, kind, input, d, lambda xp, x: _at_rank(xp, x, d, _median_rank(xp, x, d, ignore_nan)), keepdim,
                 name, out)


class _Median(Extreme):
    """``median()`` of all elements: the value found by the caller; gradient split among equal elements."""

    @staticmethod
    def forward(ctx, x, *, value, name):
        ctx._backward_name = name
        ctx.dims, ctx.keepdim, ctx.nan_equal = tuple(range(x.ndim)), False, True
        out = ctx.xp.asarray(value).astype(x.dtype)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        return even_split(grad, x._data, out._data, ctx.dims, False, True)


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or ``(values, indices)`` along ``dim``; NaN if a slice holds NaN.

    >>> ember.tensor([1., 4., 2., 3.]).median()
    tensor(2.)
    """
    return _median('median', input, dim, keepdim, out, False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """``median`` ignoring NaN (NaN only for an all-NaN slice)."""
    return _median('nanmedian', input, dim, keepdim, out, True)


def _mode_index(xp, x, dim):
    """The index of the last occurrence of the most frequent value (the smallest among equally frequent ones)."""
    moved = xp.moveaxis(x, dim, -1)
    rows = moved.reshape(-1, moved.shape[-1]) if moved.size else moved.reshape(-1, moved.shape[-1] or 1)[:0]
    n = moved.shape[-1]
    result = numpy.zeros(rows.shape[0], dtype=numpy.int64)
    for r, row in enumerate(numpy.asarray(rows.get() if hasattr(rows, 'get') else rows)):
        values, counts = numpy.unique(row, return_counts=True)
        best = values[numpy.argmax(counts)]
        same = (row == best) | ((row != row) & (best != best))
        result[r] = n - 1 - numpy.argmax(same[::-1])
    index = xp.asarray(result).reshape(moved.shape[:-1] + (1,))
    return xp.moveaxis(index, -1, dim)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest among ties) and the index of its last occurrence.

    >>> ember.tensor([1, 2, 2, 3]).mode().values
    tensor(2)
    """
    _check_tensor(input, 'mode')
    d = one_dim(input, dim, 'mode')
    check_nonempty(input, () if d is None else (d,), 'mode')
    return _pick('mode', 'mode', input, d, lambda xp, x: _mode_index(xp, x, d), keepdim, 'ModeBackward0', out)


_INTERPOLATIONS = ('linear', 'lower', 'higher', 'midpoint', 'nearest')


def _quantile(op, input, q, dim, keepdim, interpolation, ignore_nan, out):
    _check_tensor(input, op)
    if input._dtype not in (dt.float32, dt.float64):
        raise RuntimeError(f'{op}() input tensor must be either float or double dtype')
    if input._data.size == 0:
        raise RuntimeError(f'{op}() input tensor must be non-empty')
    scalar_q = not hasattr(q, '_dtype')
    if scalar_q:
        q_values = numpy.asarray([float(q)])
    else:
        if q._data.ndim > 1:
            raise RuntimeError(f'{op}() q must be a scalar or 1D tensor')
        if q._dtype is not input._dtype:
            raise RuntimeError(f'{op}() q tensor must be same dtype as the input tensor')
        scalar_q = q._data.ndim == 0
        q_values = numpy.asarray(q._data, dtype=numpy.float64).reshape(-1)
    if ((q_values < 0) | (q_values > 1)).any():
        bad = q_values[(q_values < 0) | (q_values > 1)][0]
        detail = f'must be in the range [0, 1] but got {bad}' if scalar_q else 'values must be in the range [0, 1]'
        raise RuntimeError(f'{op}() q {detail}')
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError(f'{op}() interpolation must be one of linear, lower, higher, midpoint or nearest, but got '
                           f'{interpolation}')
    ndim = input._data.ndim
    if dim is None:
        x, d = input.reshape(-1), 0
    else:
        d = one_dim(input, dim, op)
        x, d = (input.reshape(1), 0) if d is None else (input, d)
    values = sort(x, d).values
    data = values._data
    n, k = data.shape[d], q_values.shape[0]
    nans = numpy.isnan(data).sum(axis=d, keepdims=True)
    shape_q = [k if i == d else 1 for i in range(data.ndim)]
    qv = q_values.reshape(shape_q)
    if ignore_nan:
        valid = n - nans
        span = numpy.maximum(valid - 1, 0)
        degenerate = valid == 0
    else:
        span = n - 1 + 0 * nans
        degenerate = nans > 0
    rank = qv * span
    low, high = numpy.floor(rank), numpy.ceil(rank)
    if interpolation == 'lower':
        high = low
    elif interpolation == 'higher':
        low = high
    elif interpolation == 'nearest':
        low = high = numpy.round(rank)
    low = numpy.where(degenerate, n - 1, low).astype(numpy.int64)
    high = numpy.where(degenerate, n - 1, high).astype(numpy.int64)
    lo = GatherAlong.apply(values, _tensor(low), dim=d)
    if interpolation in ('lower', 'higher', 'nearest'):
        result = lo
    else:
        hi = GatherAlong.apply(values, _tensor(high), dim=d)
        if interpolation == 'midpoint':
            weight = 0.5
        elif scalar_q and not hasattr(q, '_dtype'):
            weight = _tensor((rank - numpy.floor(rank)).astype(data.dtype))
        else:  # differentiable in q, as PyTorch's
            floor = _tensor(numpy.floor(rank).astype(data.dtype))
            weight = q.reshape(shape_q) * _tensor(span.astype(data.dtype)) - floor
        result = lo + (hi - lo) * weight
    result = result.movedim(d, 0)  # the q dim (which replaced the reduced one) goes first, as PyTorch
    if dim is None:
        result = result.reshape(k, *([1] * ndim)) if keepdim else result.reshape(k)
    elif keepdim and ndim:
        result = result.unsqueeze(d + 1)
    if scalar_q:
        result = result.squeeze(0)
    return write_out(result, out, op)


def quantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """The ``q``-quantiles (a float or a 1-D tensor in [0, 1]) of ``input`` or along ``dim``.

    >>> ember.tensor([1., 2., 3., 4.]).quantile(0.5)
    tensor(2.5000)
    """
    return _quantile('quantile', input, q, dim, keepdim, interpolation, False, out)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear', out=None):
    """``quantile`` ignoring NaN."""
    return _quantile('nanquantile', input, q, dim, keepdim, interpolation, True, out)


class ReductionSortMethods(ReductionCumMethods):
    """Tensor methods of this family (mixed into Tensor); the cumulative and counting ones come with them."""

    __slots__ = ()

    def sort(self, dim=-1, descending=False, stable=False):
        return sort(self, dim, descending, stable)

    def argsort(self, dim=-1, descending=False, stable=False):
        return argsort(self, dim, descending, stable)

    def msort(self):
        return msort(self)

    def topk(self, k, dim=-1, largest=True, sorted=True):  # noqa: A002
        return topk(self, k, dim, largest, sorted)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return kthvalue(self, k, dim, keepdim)

    def median(self, dim=None, keepdim=False):
        return median(self, dim, keepdim)

    def nanmedian(self, dim=None, keepdim=False):
        return nanmedian(self, dim, keepdim)

    def mode(self, dim=-1, keepdim=False):
        return mode(self, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation='linear'):
        return quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation='linear'):
        return nanquantile(self, q, dim, keepdim, interpolation=interpolation)

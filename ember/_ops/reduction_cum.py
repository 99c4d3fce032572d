"""Cumulative and counting ops: cumsum, cumprod, cummax/cummin, logcumsumexp, all/any, count_nonzero, bincount,
histc, unique and unique_consecutive.
"""
from __future__ import annotations

__all__ = ['cumsum', 'cumprod', 'cummax', 'cummin', 'logcumsumexp', 'all', 'any', 'count_nonzero', 'bincount', 'histc',
           'unique', 'unique_consecutive']  # searchsorted and bucketize live in linalg_einsum.py

import builtins

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive
from .inplace import _type_word
from .reduction import (Raw, _check_tensor, _tensor, accumulate, grad_to_indices, is_half, one_dim, reduce_dims,
                        write_out, write_out_tuple)


def _flip(xp, a, dim, reverse):
    return xp.flip(a, axis=dim) if reverse else a


# ------------------------------------------------------------------------------------------------ cumulative ops

class Cumsum(Primitive):
    """Running sum along ``dim`` (``reverse``: from the end, the gradient of a running sum)."""

    @staticmethod
    def forward(ctx, x, *, dim, dtype=None, reverse=False):
        xp = ctx.xp
        ctx.dim, ctx.reverse = dim, reverse
        if dim is None:
            return x.astype(dtype or x.dtype)
        out = xp.cumsum(_flip(xp, accumulate(xp, x), dim, reverse), axis=dim, dtype=dtype)
        return _flip(xp, out, dim, reverse).astype(dtype or x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if ctx.dim is None:
            return grad
        return Cumsum.apply(grad, dim=ctx.dim, reverse=not ctx.reverse)


def _reverse_cumsum(t, dim):
    return Cumsum.apply(t, dim=dim, reverse=True)


class Cumprod(Primitive):
    @staticmethod
    def forward(ctx, x, *, dim, dtype=None):
        xp = ctx.xp
        ctx.dim = dim
        out = x.astype(dtype or x.dtype) if dim is None else \
            xp.cumprod(accumulate(xp, x), axis=dim, dtype=dtype).astype(dtype or x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dim, xp = ctx.dim, ctx.xp
        if dim is None:
            return grad
        xd = x._data
        zero = xd == 0
        if not zero.any():
            return _reverse_cumsum(grad * out, dim) / x
        # before a slice's first zero: sum_{j>=i} g_j out_j / x_i; at it: the running products that skip it; after
        # it every product that contains x_i also contains the zero
        from .elementwise_select import where  # noqa: PLC0415
        n = xd.shape[dim]
        pos = xp.arange(n).reshape([n if i == dim else 1 for i in range(xd.ndim)])
        first = xp.where(zero.any(axis=dim, keepdims=True), xp.argmax(zero, axis=dim, keepdims=True), n)
        before, at = _tensor(xp.broadcast_to(pos < first, xd.shape)), _tensor(xp.broadcast_to(pos == first, xd.shape))
        safe = where(_tensor(zero), 1., x)
        skipped = Cumprod.apply(where(at, 1., x), dim=dim)
        return where(before, _reverse_cumsum(grad * out, dim) / safe,
                     where(at, _reverse_cumsum(grad * skipped, dim), 0.))


def _cum_args(op, input, dim, dtype):
    _check_tensor(input, op)
    if dim is None:
        raise TypeError(f"{op}(): argument 'dim' must be int, not NoneType")
    d = one_dim(input, dim, op)
    if dtype is not None:
        target = dt.to_dtype(dtype)
        if target is not input._dtype:
            input = input.to(target)
        return input, d, None
    return input, d, (numpy.int64 if input._dtype._kind < 2 else None)


def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``; integer and bool inputs sum as int64.

    >>> ember.tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    input, d, np_dtype = _cum_args('cumsum', input, dim, dtype)
    return write_out(Cumsum.apply(input, dim=d, dtype=np_dtype), out, 'cumsum')


def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``; the gradient is exact where elements are zero.

    >>> ember.tensor([1., 2., 3.]).cumprod(0)
    tensor([1., 2., 6.])
    """
    input, d, np_dtype = _cum_args('cumprod', input, dim, dtype)
    return write_out(Cumprod.apply(input, dim=d, dtype=np_dtype), out, 'cumprod')


def _running(xp, fn, x, axis):
    """``xp.maximum/minimum.accumulate`` along ``axis``; CuPy lacks ``accumulate`` for them, so there a log-step scan
    (each step combines every element with the one ``shift`` before it) gives the same result."""
    ufunc = getattr(xp, fn)
    if xp is numpy:
        return ufunc.accumulate(x, axis=axis)
    v = xp.moveaxis(x, axis, -1).copy()
    shift, n = 1, v.shape[-1]
    while shift < n:
        v[..., shift:] = ufunc(v[..., shift:], v[..., :-shift])
        shift *= 2
    return xp.moveaxis(v, -1, axis)


class CumExtreme(Primitive):
    """Running max/min with the index of the latest extreme (ties and NaN included, as PyTorch)."""

    _backward_name = 'CummaxBackward0'

    @staticmethod
    def forward(ctx, x, *, dim, fn):
        xp = ctx.xp
        ctx._backward_name = 'CummaxBackward0' if fn == 'maximum' else 'CumminBackward0'
        ctx.dim, ctx.shape = dim, x.shape
        if dim is None:
            ctx.index = xp.zeros((), dtype=xp.int64)
            return x.copy(), ctx.index
        values = _running(xp, fn, x, dim) if x.size else x.copy()
        hit = x == values
        if x.dtype.kind in 'fc' or is_half(x):
            hit |= xp.isnan(x)
        n = x.shape[dim]
        pos = xp.arange(n).reshape([n if i == dim else 1 for i in range(x.ndim)])
        index = xp.where(hit, pos, 0)
        ctx.index = index = _running(xp, 'maximum', index, dim).astype(xp.int64) if x.size else \
            index.astype(xp.int64)
        return values, index

    @staticmethod
    def backward(ctx, grad, grad_index=None):
        return grad_to_indices(grad, ctx.index, ctx.shape, ctx.dim, True)


def _cum_extreme(fn, input, dim, out):
    op = 'cum' + fn
    _check_tensor(input, op)
    d = one_dim(input, dim, op)
    values, index = CumExtreme.apply(input, dim=d, fn='maximum' if fn == 'max' else 'minimum')
    return write_out_tuple((values, index), out, op, op)


def cummax(input, dim, *, out=None):
    """``(values, indices)`` of the running maximum along ``dim``.

    >>> ember.tensor([1., 3., 2.]).cummax(0).values
    tensor([1., 3., 3.])
    """
    return _cum_extreme('max', input, dim, out)


def cummin(input, dim, *, out=None):
    """``(values, indices)`` of the running minimum along ``dim``."""
    return _cum_extreme('min', input, dim, out)


class Logcumsumexp(Primitive):
    """``log(cumsum(exp(x)))`` along ``dim`` without overflow (``reverse``: from the end; ``mask``: an array, False
    where an element is left out, as if it were -inf, which the backward itself uses)."""

    @staticmethod
    def forward(ctx, x, *, dim, reverse=False, mask=None):
        xp = ctx.xp
        ctx.dim, ctx.reverse, ctx.mask = dim, reverse, mask
        a = x if mask is None else xp.where(mask, x, -xp.inf).astype(x.dtype, copy=False)
        if dim is None or not x.size:
            out = a.copy()
        else:
            a = _flip(xp, accumulate(xp, a), dim, reverse)
            out = _flip(xp, _logaddexp_accumulate(xp, a, dim), dim, reverse).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        # NOTE [ logcumsumexp backward ]
        # d/dx_i = sum_{j>=i} g_j exp(x_i - out_j), split by the sign of g so each part is a log-space running sum
        # over the elements where g has that sign (the others are masked out rather than set to -inf, so that
        # differentiating this formula again never meets -inf - -inf). Where out is -inf every term it sums is
        # left out, so out is taken as 0 there; PyTorch's gradient is NaN at those elements, and so is ours.
        from .elementwise_select import where  # noqa: PLC0415
        x, out = ctx.saved_tensors
        dim, xp = ctx.dim, ctx.xp
        if dim is None:
            return grad if ctx.mask is None else where(_tensor(ctx.mask), grad, 0.)
        empty = out._data == -xp.inf
        if ctx.mask is not None:
            x = where(_tensor(ctx.mask), x, -xp.inf)
        out = where(_tensor(empty), 0., out)
        g = grad._data
        total = None
        for sign, mask in ((1., g > 0), (-1., g < 0)):
            if not mask.any():
                continue
            log_part = where(_tensor(mask), grad * sign, 1.).log() - out
            part = (x + Logcumsumexp.apply(log_part, dim=dim, reverse=not ctx.reverse, mask=mask)).exp() * sign
            total = part if total is None else total + part
        total = total if total is not None else grad * 0
        if ctx.mask is None and empty.any():
            total = where(_tensor(empty), xp.nan, total)
        return total


def _logaddexp_accumulate(xp, a, dim):
    try:
        return xp.logaddexp.accumulate(a, axis=dim)
    except (AttributeError, NotImplementedError, TypeError):  # an array library without ufunc.accumulate
        top = xp.max(a, axis=dim, keepdims=True)
        top = xp.where(xp.isfinite(top), top, 0)
        with numpy.errstate(divide='ignore'):
            return xp.log(xp.cumsum(xp.exp(a - top), axis=dim)) + top


def logcumsumexp(input, dim, *, out=None):
    """``log(cumsum(exp(input), dim))``, computed stably.

    >>> ember.tensor([0., 0.]).logcumsumexp(0)
    tensor([0.0000, 0.6931])
    """
    _check_tensor(input, 'logcumsumexp')
    if input._dtype._kind < 2:
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for \'{_type_word(input._dtype)}\'')
    d = one_dim(input, dim, 'logcumsumexp')
    return write_out(Logcumsumexp.apply(input, dim=d), out, 'logcumsumexp')


# ------------------------------------------------------------------------------------------------ all, any, counts

def _truth(op, input, dim, keepdim, out):
    _check_tensor(input, op)
    dims = reduce_dims(input, dim, op)
    keep_uint8 = input._dtype is dt.uint8

    def kernel(xp, x):
        r = xp.asarray(getattr(xp, op)(x != 0 if x.dtype.kind != 'b' else x, axis=dims, keepdims=keepdim))
        return r.astype(xp.uint8) if keep_uint8 else r
    return write_out(Raw.apply(input, fn=kernel), out, op)


def all(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 - PyTorch's name
    """Whether every element (along ``dim``) is non-zero; bool results (uint8 for uint8 inputs, as PyTorch).

    >>> ember.tensor([[True, False], [True, True]]).all(1)
    tensor([False,  True])
    """
    return _truth('all', input, dim, keepdim, out)


def any(input, dim=None, keepdim=False, *, out=None):  # noqa: A001 - PyTorch's name
    """Whether some element (along ``dim``) is non-zero."""
    return _truth('any', input, dim, keepdim, out)


def count_nonzero(input, dim=None):
    """The number of non-zero elements (along ``dim``, an int or a tuple), as int64.

    >>> ember.count_nonzero(ember.tensor([0, 1, 2]))
    tensor(2)
    """
    _check_tensor(input, 'count_nonzero')
    dims = reduce_dims(input, dim, 'count_nonzero')
    return Raw.apply(input, fn=lambda xp, x: xp.asarray(xp.sum(x != 0, axis=dims)).astype(xp.int64))


def bincount(input, weights=None, minlength=0):
    """Counts of each non-negative integer in a 1-D tensor (sums of ``weights`` when given).

    >>> ember.tensor([0, 1, 1, 3]).bincount()
    tensor([1, 2, 0, 1])
    """
    _check_tensor(input, 'bincount')
    if input._dtype._kind != 1:
        raise NotImplementedError(f'"bincount_cpu" not implemented for \'{_type_word(input._dtype)}\'')
    if minlength < 0:
        raise RuntimeError('minlength should be >= 0')
    data = input._data
    if data.ndim != 1 or (data.size and data.min() < 0):
        raise RuntimeError('bincount only supports 1-d non-negative integral inputs.')
    if weights is not None and (weights._data.ndim != 1 or weights._data.shape[0] != data.shape[0]):
        raise RuntimeError('weights should be 1-d and have the same length as input')
    if weights is None:
        return Raw.apply(input, fn=lambda xp, x: xp.bincount(x, minlength=minlength).astype(xp.int64))
    out_dtype = weights._dtype if weights._dtype in (dt.float32, dt.float64) else dt.float64

    def kernel(xp, x, w):
        return xp.bincount(x, weights=w.astype(xp.float64), minlength=minlength).astype(out_dtype.np)
    return Raw.apply(input, weights, fn=kernel)


def histc(input, bins=100, min=0, max=0, *, out=None):  # noqa: A002 - PyTorch's names
    """Histogram of ``bins`` equal-width bins over ``[min, max]`` (the data's range when both are 0).

    >>> ember.tensor([1., 2., 1.]).histc(bins=4, min=0, max=3)
    tensor([0., 2., 1., 0.])
    """
    _check_tensor(input, 'histc')
    if input._dtype._kind != 2:
        raise NotImplementedError(f'"histogram_cpu" not implemented for \'{_type_word(input._dtype)}\'')
    if bins <= 0:
        raise RuntimeError('torch.histc: bins must be > 0')
    if max < min:
        raise RuntimeError('torch.histc: max must be larger than min')
    data = input._data
    low, high = builtins.float(min), builtins.float(max)
    if low == high and data.size:
        low, high = builtins.float(data.min()), builtins.float(data.max())
    if low == high:
        low, high = low - 1, high + 1
    if not (numpy.isfinite(low) and numpy.isfinite(high)):
        raise RuntimeError(f'torch.histc: range of [{low}, {high}] is not finite')

    def kernel(xp, x):
        a = x.astype(xp.float64).ravel()
        a = a[(a >= low) & (a <= high)]
        index = xp.minimum(((a - low) * bins / (high - low)).astype(xp.int64), bins - 1)
        return xp.bincount(index, minlength=bins).astype(x.dtype)
    return write_out(Raw.apply(input, fn=kernel), out, 'histc')


# ------------------------------------------------------------------------------------------------ unique

def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct elements (or slices along ``dim``), sorted; optionally the inverse indices and counts.

    >>> ember.unique(ember.tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    """
    _check_tensor(input, 'unique')
    data = input._data
    axis = None if dim is None else one_dim(input, dim, 'unique')
    if axis is None and dim is not None:
        axis = None  # a 0-dim tensor: treated as flattened

    def kernel(xp, x):
        flat = x.ravel() if axis is None else x
        if data.dtype.kind in 'fc' or is_half(data):
            values, inverse, counts = _unique_nan(xp, flat, axis)
        else:
            values, inverse, counts = xp.unique(flat, return_inverse=True, return_counts=True, axis=axis)
        inverse = inverse.reshape(x.shape if axis is None else (x.shape[axis],)).astype(xp.int64)
        return values, inverse, counts.astype(xp.int64)
    values, inverse, counts = Raw.apply(input, fn=kernel)
    extra = ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return (values,) + extra if extra else values


def _unique_nan(xp, x, axis):
    """``xp.unique`` that keeps every NaN distinct, as PyTorch does."""
    try:
        return xp.unique(x, return_inverse=True, return_counts=True, axis=axis, equal_nan=False)
    except TypeError:
        return xp.unique(x, return_inverse=True, return_counts=True, axis=axis)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``).

    >>> ember.unique_consecutive(ember.tensor([1, 1, 2, 1]))
    tensor([1, 2, 1])
    """
    _check_tensor(input, 'unique_consecutive')
    axis = None if dim is None else one_dim(input, dim, 'unique_consecutive')

    def kernel(xp, x):
        a = x.ravel() if axis is None else xp.moveaxis(x, axis, 0)
        n = a.shape[0]
        if n == 0:
            starts = xp.zeros((0,), dtype=bool)
        else:
            change = (a[1:] != a[:-1]).reshape(n - 1, -1).any(axis=1)
            starts = xp.concatenate([xp.ones((1,), dtype=bool), change])
        values = a[starts]
        if axis is not None:
            values = xp.moveaxis(values, 0, axis)
        inverse = (xp.cumsum(starts) - 1).astype(xp.int64)
        positions = xp.concatenate([xp.nonzero(starts)[0], xp.asarray([n])])
        counts = xp.diff(positions).astype(xp.int64)
        return values, inverse.reshape(x.shape if axis is None else (n,)), counts
    values, inverse, counts = Raw.apply(input, fn=kernel)
    extra = ((inverse,) if return_inverse else ()) + ((counts,) if return_counts else ())
    return (values,) + extra if extra else values


class ReductionCumMethods:
    """Tensor methods of the cumulative and counting ops (mixed into Tensor through ReductionSortMethods)."""

    __slots__ = ()

    def cumsum(self, dim, *, dtype=None):
        return cumsum(self, dim, dtype=dtype)

    def cumprod(self, dim, *, dtype=None):
        return cumprod(self, dim, dtype=dtype)

    def cummax(self, dim):
        return cummax(self, dim)

    def cummin(self, dim):
        return cummin(self, dim)

    def logcumsumexp(self, dim):
        return logcumsumexp(self, dim)

    def all(self, dim=None, keepdim=False):
        return all(self, dim, keepdim)

    def any(self, dim=None, keepdim=False):
        return any(self, dim, keepdim)

    def count_nonzero(self, dim=None):
        return count_nonzero(self, dim)

    def bincount(self, weights=None, minlength=0):
        return bincount(self, weights, minlength)

    def histc(self, bins=100, min=0, max=0):  # noqa: A002
        return histc(self, bins, min, max)

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
        return unique(self, sorted, return_inverse, return_counts, dim)

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        return unique_consecutive(self, return_inverse, return_counts, dim)

    def cumsum_(self, dim, *, dtype=None):
        from .inplace import apply_inplace  # noqa: PLC0415
        return apply_inplace(self, cumsum(self, dim, dtype=dtype))

    def cumprod_(self, dim, *, dtype=None):
        from .inplace import apply_inplace  # noqa: PLC0415
        return apply_inplace(self, cumprod(self, dim, dtype=dtype))

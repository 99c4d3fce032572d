"""Reductions: sum, mean, prod, max/min, std/var, norms, logsumexp, cumulative ops, sorting and counting."""
from __future__ import annotations

__all__ = ['sum', 'mean']  # the ember.* functions of this family

from .. import _dtype as dt
from ..autograd.function import Primitive
from ._util import wrap_dims


def _expand_back(grad, shape, dims, keepdim):
    """Broadcast a reduced gradient back over the reduced ``dims`` of ``shape``."""
    if not keepdim and dims:
        for d in dims:
            grad = grad.unsqueeze(d)
    return grad.expand(shape)


class Sum(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return ctx.xp.sum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim)


class Mean(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        count = 1
        for d in dims:
            count *= x.shape[d]
        ctx.count = count
        return ctx.xp.mean(x, axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        return _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) / max(ctx.count, 1) if ctx.count else \
            _expand_back(grad, ctx.shape, ctx.dims, ctx.keepdim) * float('nan')


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):  # noqa: A001 - PyTorch's name
    """Sum over ``dim`` (an int, a tuple, or all dims); integer and bool inputs sum as int64.

    >>> ember.tensor([[1, 2], [3, 4]]).sum(1)
    tensor([3, 7])
    """
    dims = wrap_dims(dim, input._data.ndim, 'sum') if dim is not None and dim != () and dim != [] else \
        tuple(range(input._data.ndim))
    if dtype is None:
        dtype = dt.int64 if input._dtype._kind < 2 else input._dtype
    else:
        dtype = dt.to_dtype(dtype)
    if dtype is not input._dtype:
        input = input.to(dtype)
    result = Sum.apply(input, dims=dims, keepdim=keepdim, dtype=None)
    if out is not None:
        from .inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over ``dim``; floating or complex inputs only, as in PyTorch."""
    if dtype is not None:
        input = input.to(dt.to_dtype(dtype))
    if input._dtype._kind < 2:
        raise RuntimeError(f'mean(): could not infer output dtype. Input dtype must be either a floating point or '
                           f'complex dtype. Got: {input._dtype.name.capitalize() if input._dtype.name != "int64" else "Long"}')
    dims = wrap_dims(dim, input._data.ndim, 'mean') if dim is not None and dim != () and dim != [] else \
        tuple(range(input._data.ndim))
    result = Mean.apply(input, dims=dims, keepdim=keepdim)
    if out is not None:
        from .inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


class ReductionMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def sum(self, dim=None, keepdim=False, *, dtype=None):
        return sum(self, dim, keepdim, dtype=dtype)

    def mean(self, dim=None, keepdim=False, *, dtype=None):
        return mean(self, dim, keepdim, dtype=dtype)

"""Statistical reductions: std/var (and with the mean), logsumexp, and ``torch.norm``.

Split from reduction.py, which re-exports these names (``ember.std``, ``Tensor.var``, ... are unchanged).
"""
from __future__ import annotations

__all__ = ['std', 'var', 'std_mean', 'var_mean', 'logsumexp', 'norm']

import builtins
import warnings

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive
from .reduction import _check_tensor, accumulate, expand_back, reduce_dims, write_out, write_out_tuple

_INF = float('inf')


# ------------------------------------------------------------------------------------------------ std, var

class Var(Primitive):
    """Variance (``sqrt=True``: standard deviation) with ``correction``; complex inputs give real results."""

    @staticmethod
    def forward(ctx, x, *, dims, correction, keepdim, sqrt):
        xp = ctx.xp
        ctx._backward_name = 'StdBackward0' if sqrt else 'VarBackward0'
        ctx.dims, ctx.keepdim, ctx.sqrt = dims, keepdim, sqrt
        out, ctx.divisor = _variance(xp, x, dims, correction, keepdim)
        if sqrt:
            out = xp.sqrt(out)
        out = xp.asarray(out).astype(_real_np(x), copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dims, keepdim = ctx.dims, ctx.keepdim
        centered = x - x.mean(dims, keepdim=True) if x._data.size else x
        g = expand_back(grad, x._data.shape, dims, keepdim)
        if ctx.sqrt:
            return g * centered / (expand_back(out, x._data.shape, dims, keepdim) * ctx.divisor)
        return g * centered * (2.0 / ctx.divisor if ctx.divisor else _INF)


def _real_np(x):
    return x.real.dtype if x.dtype.kind == 'c' else x.dtype


def _variance(xp, x, dims, correction, keepdim):
    a = accumulate(xp, x)
    count = 1
    for d in dims:
        count *= x.shape[d]
    divisor = builtins.max(count - correction, 0)
    with numpy.errstate(invalid='ignore', divide='ignore'):
        centered = a - (xp.sum(a, axis=dims, keepdims=True) / count if count else 0)
        squares = (centered.real ** 2 + centered.imag ** 2) if a.dtype.kind == 'c' else centered * centered
        return xp.sum(squares, axis=dims, keepdims=keepdim) / divisor, divisor


class VarMean(Primitive):
    """``(var or std, mean)`` in one pass; both outputs are differentiable."""

    @staticmethod
    def forward(ctx, x, *, dims, correction, keepdim, sqrt):
        xp = ctx.xp
        ctx._backward_name = 'StdMeanBackward0' if sqrt else 'VarMeanBackward0'
        ctx.dims, ctx.keepdim, ctx.sqrt = dims, keepdim, sqrt
        spread, ctx.divisor = _variance(xp, x, dims, correction, keepdim)
        if sqrt:
            spread = xp.sqrt(spread)
        count = 1
        for d in dims:
            count *= x.shape[d]
        ctx.count = count
        with numpy.errstate(invalid='ignore', divide='ignore'):
            mean_ = xp.sum(accumulate(xp, x), axis=dims, keepdims=keepdim) / count
        spread = xp.asarray(spread).astype(_real_np(x), copy=False)
        ctx.save_for_backward(x, spread)
        return spread, xp.asarray(mean_).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_spread, grad_mean):
        x, spread = ctx.saved_tensors
        dims, keepdim, shape = ctx.dims, ctx.keepdim, x._data.shape
        total = None
        if grad_spread is not None:
            centered = x - x.mean(dims, keepdim=True)
            g = expand_back(grad_spread, shape, dims, keepdim)
            if ctx.sqrt:
                total = g * centered / (expand_back(spread, shape, dims, keepdim) * ctx.divisor)
            else:
                total = g * centered * (2.0 / ctx.divisor if ctx.divisor else _INF)
        if grad_mean is not None:
            part = expand_back(grad_mean, shape, dims, keepdim) / builtins.max(ctx.count, 1)
            total = part if total is None else total + part
        return total


def _var_args(op, input, dim, unbiased, keepdim, correction):
    _check_tensor(input, op)
    if isinstance(dim, builtins.bool):  # the legacy std(input, unbiased)
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f'{op}() received an invalid combination of arguments - got both unbiased and correction')
    if input._dtype._kind < 2:
        raise RuntimeError('std and var only support floating point and complex dtypes')
    if correction is None:
        correction = 0 if unbiased is False else 1
    dims = reduce_dims(input, dim, op)
    count = 1
    for d in dims:
        count *= input._data.shape[d]
    if count - correction <= 0:
        warnings.warn(f'{op}(): degrees of freedom is <= 0. Correction should be strictly less than the reduction '
                      'factor (input numel divided by output numel).', UserWarning, stacklevel=3)
    return dims, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's ``correction`` (1 by default; ``unbiased=False`` means 0).

    >>> ember.tensor([1., 2., 3., 4.]).var()
    tensor(1.6667)
    """
    dims, correction = _var_args('var', input, dim, unbiased, keepdim, correction)
    return write_out(Var.apply(input, dims=dims, correction=correction, keepdim=keepdim, sqrt=False), out, 'var')


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim`` with Bessel's ``correction`` (1 by default).

    >>> ember.tensor([1., 2., 3., 4.]).std(correction=0)
    tensor(1.1180)
    """
    dims, correction = _var_args('std', input, dim, unbiased, keepdim, correction)
    return write_out(Var.apply(input, dims=dims, correction=correction, keepdim=keepdim, sqrt=True), out, 'std')


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(var, mean)`` over ``dim``.

    >>> ember.var_mean(ember.tensor([1., 3.]))
    (tensor(2.), tensor(2.))
    """
    dims, correction = _var_args('var_mean', input, dim, unbiased, keepdim, correction)
    results = VarMean.apply(input, dims=dims, correction=correction, keepdim=keepdim, sqrt=False)
    return write_out_tuple(results, out, 'var_mean', None)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """``(std, mean)`` over ``dim``."""
    dims, correction = _var_args('std_mean', input, dim, unbiased, keepdim, correction)
    results = VarMean.apply(input, dims=dims, correction=correction, keepdim=keepdim, sqrt=True)
    return write_out_tuple(results, out, 'std_mean', None)


# ------------------------------------------------------------------------------------------------ logsumexp, norm

class Logsumexp(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims, keepdim):
        xp = ctx.xp
        ctx.dims, ctx.keepdim = dims, keepdim
        a = accumulate(xp, x)
        if a.size:
            top = xp.max(a, axis=dims, keepdims=True) if dims or a.ndim == 0 else a
            top = xp.where(xp.isfinite(top), top, 0)
        else:
            top = xp.zeros([1 if i in dims else n for i, n in enumerate(a.shape)], dtype=a.dtype)
        with numpy.errstate(divide='ignore', over='ignore', invalid='ignore'):
            out = xp.log(xp.sum(xp.exp(a - top), axis=dims, keepdims=True)) + top
        if not keepdim and dims:
            out = out.squeeze(dims)
        out = xp.asarray(out).astype(x.dtype, copy=False)
        ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        shape = x._data.shape
        return expand_back(grad, shape, ctx.dims, ctx.keepdim) * \
            (x - expand_back(out, shape, ctx.dims, ctx.keepdim)).exp()


def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))`` computed stably; integer inputs give the default float dtype.

    >>> ember.logsumexp(ember.tensor([0., 0.]), 0)
    tensor(0.6931)
    """
    _check_tensor(input, 'logsumexp')
    if input._dtype._kind < 2:
        input = input.to(dt.get_default_dtype())
    dims = reduce_dims(input, dim, 'logsumexp')
    return write_out(Logsumexp.apply(input, dims=dims, keepdim=keepdim), out, 'logsumexp')


def norm(input, p='fro', dim=None, keepdim=False, out=None, dtype=None):
    """``torch.norm``: the Frobenius / ``p``-norm over ``dim`` (a vector norm of all elements by default), or the
    nuclear norm (``p='nuc'``) of matrices.

    >>> ember.norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    from .linalg_norm import matrix_norm, vector_norm  # noqa: PLC0415
    _check_tensor(input, 'norm')
    if isinstance(dim, builtins.int):
        dim = (dim,)
    if p is None:
        p = 'fro'
    if isinstance(p, str):
        if p == 'fro' and (dim is None or len(dim) <= 2):
            return vector_norm(input, 2, dim, keepdim, dtype=dtype, out=out)
        if p == 'nuc':
            return matrix_norm(input, 'nuc', (-2, -1) if dim is None else dim, keepdim, dtype=dtype, out=out)
        if p == 'fro':
            raise RuntimeError(f'linalg.matrix_norm: dim must be a 2-tuple. Got {" ".join(str(d) for d in dim)}')
        raise RuntimeError(f'linalg.matrix_norm: Order {p} not supported.')
    return vector_norm(input, p, dim, keepdim, dtype=dtype, out=out)

"""Norms: ``linalg.vector_norm`` (one primitive), ``linalg.matrix_norm`` and ``linalg.norm`` composed over it."""
from __future__ import annotations

__all__ = []  # the public names live in ember.linalg

import math
import operator

from .. import _dtype as dt
from ..autograd.function import Primitive, _function_tensor
from ._util import wrap_dim, wrap_dims
from .inplace import _type_word
from .linalg import _out

_INF = math.inf


def _const(array):
    return _function_tensor()._make(array)


class VectorNorm(Primitive):
    _backward_name = 'LinalgVectorNormBackward0'

    @staticmethod
    def forward(ctx, x, *, ord, dims, keepdim):
        xp = ctx.xp
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        half = x.dtype.itemsize == 2 and x.dtype.kind in 'fV'
        a = xp.abs(x.astype(xp.float32) if half else x)
        if ord == _INF:
            r = a.max(axis=dims, keepdims=keepdim)
        elif ord == -_INF:
            r = a.min(axis=dims, keepdims=keepdim)
        elif ord == 0:
            r = (a != 0).sum(axis=dims, keepdims=keepdim).astype(a.dtype)
        elif ord == 1:
            r = a.sum(axis=dims, keepdims=keepdim)
        elif ord == 2:
            r = xp.sqrt((a * a).sum(axis=dims, keepdims=keepdim))
        else:
            r = (a ** ord).sum(axis=dims, keepdims=keepdim) ** (1.0 / ord)
        r = xp.asarray(r).astype(dt.to_dtype(x.dtype).to_real().np if not half else x.dtype, copy=False)
        ctx.save_for_backward(x, r)
        return r

    @staticmethod
    def backward(ctx, grad):
        x, norm = ctx.saved_tensors
        xp, ord = ctx.xp, ctx.ord
        if not ctx.keepdim:
            for d in ctx.dims:
                grad, norm = grad.unsqueeze(d), norm.unsqueeze(d)
        xd = x._data
        if ord == 0:
            return _const(xp.zeros(xd.shape, dtype=xd.dtype))
        absx = xp.abs(xd)
        sgn = _const(xp.where(absx == 0, 0, xd / xp.where(absx == 0, 1, absx)).astype(xd.dtype))
        if ord == 1:
            return grad * sgn
        if ord in (_INF, -_INF):
            mask = absx == norm._data
            count = mask.sum(axis=ctx.dims, keepdims=True)
            return grad * sgn * _const((mask / xp.maximum(count, 1)).astype(norm._data.dtype))
        zero = norm._data == 0
        safe_norm = norm + _const(zero.astype(norm._data.dtype))
        if ord == 2:
            return grad * x / safe_norm
        at_zero = _const((absx == 0).astype(absx.dtype))  # keeps |x|^(p-2) finite where x is 0 (x then zeroes it)
        magnitude = (x * sgn if x._dtype._kind < 3 else _const(absx)) + at_zero
        scaled = x * magnitude ** (ord - 2)
        return grad * scaled / safe_norm ** (ord - 1) * _const((~zero).astype(norm._data.dtype))


def _check_float(x, op):
    if x._dtype._kind < 2:
        raise RuntimeError(f'{op}: Expected a floating point or complex tensor as input. Got {_type_word(x._dtype)}')


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The ``ord``-norm of ``x`` over ``dim`` (all dims by default), treating it as a vector.

    >>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float)):
        raise TypeError(f"linalg_vector_norm(): argument 'ord' (position 2) must be Number, not {type(ord).__name__}")
    _check_float(x, 'linalg.vector_norm')
    if dtype is not None:
        dtype = dt.to_dtype(dtype)
        if dtype._kind < 2:
            raise RuntimeError(f'linalg.vector_norm: dtype should be floating point or complex, but got '
                               f'{_type_word(dtype)}')
        if x._dtype._kind == 3 and dtype._kind != 3:
            raise RuntimeError(f'linalg.vector_norm: dtype should be complex for complex inputs, but got '
                               f'{_type_word(dtype)}')
        if dtype is not x._dtype:
            x = x.to(dtype)
    ndim = x._data.ndim
    if dim is None or (isinstance(dim, (tuple, list)) and len(dim) == 0):
        dims = tuple(range(ndim))
    else:
        dims = wrap_dims(dim, ndim, 'linalg.vector_norm')
    if ord in (_INF, -_INF):
        shape = x._data.shape
        if any(shape[d] == 0 for d in dims) or (not dims and x._data.size == 0):
            raise RuntimeError(f'linalg.vector_norm cannot compute the {"-" if ord < 0 else ""}inf norm on an empty '
                               'tensor because the operation does not have an identity')
    return _out(VectorNorm.apply(x, ord=float(ord), dims=dims, keepdim=keepdim), out)


_MATRIX_ORDS = ('fro', 'nuc', _INF, -_INF, 1, -1, 2, -2)


def matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'``, ``inf``, ``-inf``, ``1``, ``-1``, ``2``, ``-2``.

    >>> ember.linalg.matrix_norm(ember.eye(3), 'nuc')
    tensor(3.)
    """
    if A._data.ndim < 2:
        raise RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.')
    _check_float(A, 'linalg.matrix_norm')
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        raise RuntimeError(f'linalg.matrix_norm: dim must be a 2-tuple. Got {_dims_str(dim)}')
    d0, d1 = (wrap_dim(d, A._data.ndim, 'linalg.matrix_norm') for d in dim)
    if d0 == d1:
        raise RuntimeError(f'linalg.matrix_norm: dims must be different. Got ({dim[0]}, {dim[1]})')
    if ord not in _MATRIX_ORDS or isinstance(ord, bool):
        raise RuntimeError(f'linalg.matrix_norm: Order {_ord_str(ord)} not supported.')
    if dtype is not None:
        A = A.to(dt.to_dtype(dtype))
    if ord == 'fro':
        return _out(vector_norm(A, 2, (d0, d1), keepdim), out)
    if A._data.size == 0:
        shape = [s for i, s in enumerate(A._data.shape) if i not in (d0, d1)]
        if keepdim:
            shape = [1 if i in (d0, d1) else s for i, s in enumerate(A._data.shape)]
        Tensor = _function_tensor()
        return _out(Tensor._make(A._data.real.sum(axis=(d0, d1), keepdims=keepdim) * 0).reshape(*shape), out)
    if ord in ('nuc', 2, -2):
        from .linalg_decomp import svdvals  # noqa: PLC0415
        rest = [i for i in range(A._data.ndim) if i not in (d0, d1)]
        s = svdvals(A.permute(*rest, d0, d1))
        result = s.sum(-1) if ord == 'nuc' else vector_norm(s, _INF if ord == 2 else -_INF, -1)
        if keepdim:
            for d in sorted((d0, d1)):
                result = result.unsqueeze(d)
        return _out(result, out)
    inner_dim, outer_dim = (d0, d1) if abs(ord) == 1 else (d1, d0)
    sums = vector_norm(A, 1, inner_dim, keepdim=True)
    result = vector_norm(sums, _INF if ord > 0 else -_INF, outer_dim, keepdim=True)
    if not keepdim:
        result = result.squeeze(max(d0, d1)).squeeze(min(d0, d1))
    return _out(result, out)


def _dims_str(dim):
    if isinstance(dim, (tuple, list)):
        return ' '.join(str(d) for d in dim)
    return str(dim)


def _ord_str(ord):
    if isinstance(ord, float) and ord.is_integer():
        return str(int(ord))
    return str(ord)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """``linalg.norm``: a vector norm (1-D or one dim) or a matrix norm (2-D or two dims); 2-norm of all by default.

    >>> ember.linalg.norm(ember.tensor([3., 4.]))
    tensor(5.)
    """
    if dim is not None:
        dims = [dim] if isinstance(dim, int) else list(dim)
        if len(dims) == 1:
            if isinstance(ord, str):
                raise RuntimeError(f'linalg.matrix_norm: dim must be a 2-tuple. Got {dims[0]}')
            return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
        if len(dims) == 2:
            return matrix_norm(A, 'fro' if ord is None else ord, dims, keepdim, dtype=dtype, out=out)
        raise RuntimeError(f'linalg.norm: If dim is specified, it must be of length 1 or 2. Got {dims}')
    if ord is None:
        return vector_norm(A, 2, None, keepdim, dtype=dtype, out=out)
    if A._data.ndim == 1:
        if isinstance(ord, str):
            raise RuntimeError('linalg.matrix_norm: The input tensor A must have at least 2 dimensions.')
        return vector_norm(A, ord, None, keepdim, dtype=dtype, out=out)
    if A._data.ndim == 2:
        return matrix_norm(A, ord, (-2, -1), keepdim, dtype=dtype, out=out)
    raise RuntimeError(f'linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got '
                       f'{A._data.ndim}D.')


def vecdot(x, y, *, dim=-1, out=None):
    """Dot product of vectors along ``dim`` (conjugating ``x``), with broadcasting."""
    if x._dtype is not y._dtype:
        raise RuntimeError(f'linalg.vecdot: Expected x and y to have the same dtype, but found x of type '
                           f'{_type_word(x._dtype)} and y of type {_type_word(y._dtype)} instead')
    _check_float(x, 'linalg.vecdot')
    from .linalg import conj  # noqa: PLC0415
    dim = operator.index(dim)
    return _out((conj(x) * y).sum(dim), out)


class NormMethods:
    """Tensor methods of the norms (mixed into Tensor through LinalgMethods)."""

    __slots__ = ()

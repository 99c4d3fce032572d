"""Pseudo-inverse and least squares (pinv, lstsq, matrix_rank) and products of many matrices (matrix_power,
multi_dot, tensorinv, tensorsolve)."""
from __future__ import annotations

__all__ = ['pinverse', 'matrix_power']  # the ember.* functions of this family (the rest live in ember.linalg)

import operator

import numpy

from .inplace import _type_word
from .linalg import _CPP_NAME, _out, broadcast_shapes, conj, matmul
from .linalg_decomp import LstsqResult, _check_matrix, _const, _xp, inv, mH, solve, svdvals
from ..autograd.function import Primitive


# ------------------------------------------------------------------------------------------------ pinv, lstsq, rank

def _tolerance(xp, S_max, m, n, dtype, atol, rtol):
    """PyTorch's cut-off ``max(atol, rtol * s_max)``; default rtol is ``eps * max(m, n)`` when neither is given."""
    def value(t):
        return t._data if hasattr(t, '_data') else t
    if rtol is None:
        rtol = 0.0 if atol is not None and (hasattr(atol, '_data') or atol > 0) else \
            float(numpy.finfo(dtype).eps) * max(m, n)
    atol = 0.0 if atol is None else value(atol)
    return xp.maximum(xp.asarray(atol), xp.asarray(value(rtol)) * S_max)


class Pinv(Primitive):
    _backward_name = 'LinalgPinvBackward0'

    @staticmethod
    def forward(ctx, A, *, atol, rtol, hermitian):
        xp = ctx.xp
        m, n = A.shape[-2:]
        real = A.real.dtype
        if A.size == 0:
            result = xp.zeros((*A.shape[:-2], n, m), dtype=A.dtype)
        elif hermitian:
            w, V = xp.linalg.eigh(A)
            absw = xp.abs(w)
            tol = _tolerance(xp, absw.max(axis=-1, keepdims=True), m, n, real, atol, rtol)
            inv_w = xp.where(absw > tol, 1 / xp.where(absw > tol, w, 1), 0).astype(A.dtype)
            result = (V * inv_w[..., None, :]) @ xp.conj(xp.swapaxes(V, -1, -2))
        else:
            U, S, Vh = xp.linalg.svd(A, full_matrices=False)
            tol = _tolerance(xp, S[..., :1], m, n, real, atol, rtol)
            inv_s = xp.where(S > tol, 1 / xp.where(S > tol, S, 1), 0).astype(A.dtype)
            result = (xp.conj(xp.swapaxes(Vh, -1, -2)) * inv_s[..., None, :]) @ xp.conj(xp.swapaxes(U, -1, -2))
        ctx.save_for_backward(A, result)
        return result

    @staticmethod
    def backward(ctx, grad):
        A, P = ctx.saved_tensors
        Ph, Gh = mH(P), mH(grad)
        # d(A+) = -A+ dA A+ + A+ A+^H dA^H (I - A A+) + (I - A+ A) dA^H A+^H A+
        first = -(Ph @ grad @ Ph)
        x = Gh @ (P @ Ph)
        second = x - A @ (P @ x)
        y = (Ph @ P) @ Gh
        third = y - (y @ P) @ A
        return first + second + third


def pinv(A, *, atol=None, rtol=None, hermitian=False, rcond=None, out=None):
    """Moore-Penrose pseudo-inverse (singular values at or below ``max(atol, rtol * s_max)`` count as zero)."""
    _check_matrix(A, 'linalg.pinv', square=False)
    if rcond is not None:
        rtol = rcond
    return _out(Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian), out)


def pinverse(input, rcond=1e-15):
    """``torch.pinverse``: ``linalg.pinv`` with a relative cut-off ``rcond``."""
    return pinv(input, rtol=rcond)


def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None):
    """Number of singular values above ``max(atol, rtol * s_max)`` (``tol`` is an absolute cut-off)."""
    _check_matrix(A, 'linalg.matrix_rank', square=False)
    if tol is not None:
        atol, rtol = tol, 0.0
    xp = _xp(A)
    data = A._data
    m, n = data.shape[-2:]
    if data.size == 0:
        return _out(_const(xp.zeros(data.shape[:-2], dtype=xp.int64)), out)
    S = xp.abs(xp.linalg.eigvalsh(data)) if hermitian else xp.linalg.svd(data, compute_uv=False)
    S_max = S.max(axis=-1, keepdims=True)
    cut = _tolerance(xp, S_max, m, n, data.real.dtype, atol, rtol)
    return _out(_const(xp.asarray((S > cut).sum(axis=-1)).astype(xp.int64)), out)


_DRIVERS = ('gels', 'gelsy', 'gelsd', 'gelss')


def lstsq(A, B, rcond=None, *, driver=None):
    """Least-squares solution of ``A X = B``: ``(solution, residuals, rank, singular_values)`` as on PyTorch's CPU.

    With the default driver (``'gelsy'``) ``residuals`` and ``singular_values`` are empty, as in PyTorch.
    """
    _check_matrix(A, 'torch.linalg.lstsq', square=False)
    if driver is None:
        driver = 'gelsy'
    if driver not in _DRIVERS:
        raise RuntimeError('torch.linalg.lstsq: parameter `driver` should be one of (gels, gelsy, gelsd, gelss)')
    if A._dtype is not B._dtype:
        raise RuntimeError(f'torch.linalg.lstsq: Expected input and other to have the same dtype, but got input\'s '
                           f'dtype {_type_word(A._dtype)} and other\'s dtype {_type_word(B._dtype)}')
    vector = B._data.ndim == A._data.ndim - 1
    rhs = B.unsqueeze(-1) if vector else B
    m, n = A._data.shape[-2:]
    if rhs._data.shape[-2] != m:
        raise RuntimeError('torch.linalg.lstsq: input.size(-2) should match other.size(-2)')
    broadcast_shapes(A._data.shape[:-2], rhs._data.shape[:-2])
    xp = _xp(A)
    if rcond is None:
        rcond = float(numpy.finfo(A._data.real.dtype).eps) * max(m, n)
    solution = Pinv.apply(A, atol=None, rtol=rcond, hermitian=False) @ rhs
    real = A._data.real.dtype
    batch = broadcast_shapes(A._data.shape[:-2], rhs._data.shape[:-2])
    empty_real = _const(xp.zeros((0,), dtype=real))
    rank = _const(xp.zeros((0,), dtype=xp.int64))
    if driver != 'gels':
        rank = matrix_rank(A, atol=None, rtol=rcond)
    singular_values = svdvals(A).detach() if driver in ('gelsd', 'gelss') else empty_real
    residuals = empty_real
    if driver != 'gelsy' and m > n:
        full = xp.linalg.matrix_rank(A._data) == n if A._data.size else True
        if bool(xp.all(xp.asarray(full))):
            diff = A @ solution - rhs
            residuals = (conj(diff) * diff).sum(-2)
            residuals = residuals.real if residuals._dtype._kind == 3 else residuals
            residuals = residuals.squeeze(-1) if vector else residuals
    del batch
    return LstsqResult(solution.squeeze(-1) if vector else solution, residuals, rank, singular_values)


# ------------------------------------------------------------------------------------------------ products of many

def matrix_power(A, n, *, out=None):
    """``A`` to the integer power ``n`` (negative powers invert first).

    >>> ember.linalg.matrix_power(ember.tensor([[1., 1.], [0., 1.]]), 3)
    tensor([[1., 3.],
            [0., 1.]])
    """
    _check_matrix(A, 'linalg.matrix_power', floating=False)
    n = operator.index(n)
    size = A._data.shape[-1]
    if n == 0:
        xp = _xp(A)
        eye = xp.broadcast_to(xp.eye(size, dtype=A._data.dtype), A._data.shape).copy()
        return _out(_const(eye), out)
    if n < 0:
        A = inv(A)
        n = -n
    result = None
    base = A
    while n:
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return _out(result if result is not A else result.clone(), out)


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices; the first and last may be 1-D (row and column vectors)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise RuntimeError(f'multi_dot(): expected at least 2 tensors but got {len(tensors)}')
    first, last = tensors[0]._data.ndim, tensors[-1]._data.ndim
    if first not in (1, 2):
        raise RuntimeError(f'multi_dot(): the first tensor must be 1D or 2D but got {first}D')
    if last not in (1, 2):
        raise RuntimeError(f'multi_dot(): the last tensor must be 1D or 2D but got {last}D')
    for i, t in enumerate(tensors[1:-1], 1):
        if t._data.ndim != 2:
            raise RuntimeError(f'multi_dot(): tensor {i} must be 2D but got {t._data.ndim}D')
    d0 = tensors[0]._dtype
    for i, t in enumerate(tensors[1:], 1):
        if t._dtype is not d0:
            raise RuntimeError(f'multi_dot(): all tensors must have be the same dtype but tensor 0 is '
                               f'{_CPP_NAME[d0.name]} and tensor {i} {_CPP_NAME[t._dtype.name]}')
    mats = [tensors[0].unsqueeze(0) if first == 1 else tensors[0]] + tensors[1:-1] + \
        [tensors[-1].unsqueeze(-1) if last == 1 else tensors[-1]]
    for i in range(len(mats) - 1):
        if mats[i]._data.shape[-1] != mats[i + 1]._data.shape[0]:
            raise RuntimeError(f'multi_dot(): tensors {i} and {i + 1} with shapes {list(tensors[i]._data.shape)} and '
                               f'{list(tensors[i + 1]._data.shape)} cannot be multiplied')
    result = mats[0]
    for m in mats[1:]:
        result = matmul(result, m)
    if first == 1:
        result = result.squeeze(0)
    if last == 1:
        result = result.squeeze(-1)
    return _out(result, out)


def tensorinv(A, ind=2, *, out=None):
    """Inverse of ``A`` viewed as a matrix of its first ``ind`` dims by the rest."""
    if ind <= 0:
        raise RuntimeError(f'Expected a strictly positive integer for \'ind\', but got {ind}')
    shape = tuple(A._data.shape)
    rows, cols = _prod(shape[:ind]), _prod(shape[ind:])
    if rows != cols:
        raise RuntimeError(f'Expected self to satisfy the requirement prod(self.shape[ind:]) == '
                           f'prod(self.shape[:ind]), but got {cols} != {rows}')
    return _out(inv(A.reshape(rows, cols)).reshape(*shape[ind:], *shape[:ind]), out)


def tensorsolve(A, B, dims=None, *, out=None):
    """Solve ``tensordot(A, X, dims=X.ndim) = B`` for ``X``."""
    if dims is not None:
        keep = [d for d in range(A._data.ndim) if d not in [d % A._data.ndim for d in dims]]
        A = A.permute(*keep, *[d % A._data.ndim for d in dims])
    result_shape = tuple(A._data.shape[B._data.ndim:])
    n = _prod(result_shape)
    X = solve(A.reshape(_prod(B._data.shape), n), B.reshape(-1))
    return _out(X.reshape(*result_shape), out)


def _prod(shape):
    p = 1
    for s in shape:
        p *= s
    return p


class LstsqMethods:
    """Tensor methods of this module (mixed into Tensor through LinalgMethods)."""

    __slots__ = ()

    def pinverse(self, rcond=1e-15):
        return pinverse(self, rcond)

    def matrix_power(self, n):
        return matrix_power(self, n)

"""Decompositions and solvers: det/slogdet, inv, solve, cholesky, qr, eigh, svd (pinv, lstsq: linalg_lstsq.py).

Each factorisation is one primitive that calls ``xp.linalg`` in forward; backward formulas are written with Tensor ops
(matmul, solve, and the primitives here), so they can be differentiated again. Constant masks and identities enter
backward as Tensors that need no gradient. Where LAPACK reports failure (a singular matrix, a matrix that is not
positive-definite) the error is ``LinAlgError`` with PyTorch's message, naming the batch element and the pivot.
"""
from __future__ import annotations

__all__ = ['det', 'logdet', 'slogdet', 'inverse', 'cholesky', 'cholesky_solve', 'cholesky_inverse', 'svd',
           'qr']  # the ember.* functions of this family (the rest live in ember.linalg)

import collections

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive, _function_tensor
from .inplace import _type_word
from .linalg import _out, broadcast_shapes, conj


class LinAlgError(RuntimeError):
    """Raised when a linear-algebra routine fails on its input (as ``torch.linalg.LinAlgError``)."""


def _named(name, fields):
    cls = collections.namedtuple(name, fields)
    cls.__module__ = 'torch.return_types'
    return cls


SlogdetResult = _named('linalg_slogdet', ['sign', 'logabsdet'])
InvExResult = _named('linalg_inv_ex', ['inverse', 'info'])
CholeskyExResult = _named('linalg_cholesky_ex', ['L', 'info'])
QRResult = _named('linalg_qr', ['Q', 'R'])
EighResult = _named('linalg_eigh', ['eigenvalues', 'eigenvectors'])
SVDResult = _named('linalg_svd', ['U', 'S', 'Vh'])
LegacySVDResult = _named('svd', ['U', 'S', 'V'])
LegacyQRResult = _named('qr', ['Q', 'R'])
LstsqResult = _named('linalg_lstsq', ['solution', 'residuals', 'rank', 'singular_values'])


def _const(array):
    return _function_tensor()._make(array)


def _eye(xp, n, like):
    return _const(xp.eye(n, dtype=like.dtype))


def mH(x):
    return conj(x.mT)


def _check_matrix(A, op, square=True, floating=True):
    if A._data.ndim < 2:
        raise RuntimeError(f'{op}: The input tensor A must have at least 2 dimensions.')
    m, n = A._data.shape[-2:]
    if square and m != n:
        raise RuntimeError(f'{op}: A must be batches of square matrices, but they are {m} by {n} matrices')
    if floating and A._dtype._kind < 2:
        raise RuntimeError(f'{op}: Expected a floating point or complex tensor as input. Got {_type_word(A._dtype)}')
    if floating and A._dtype in (dt.float16, dt.bfloat16):
        raise NotImplementedError(f'"{op.split(".")[-1]}" not implemented for \'{_type_word(A._dtype)}\'')


def _batch_prefix(shape, index):
    return f'(Batch element {index}): ' if len(shape) > 2 else ''


# ------------------------------------------------------------------------------------------------ failure reports

def _first_zero_pivot(a):
    """1-based index of the first zero pivot of LU with partial pivoting (LAPACK getrf's ``info``), or 0."""
    a = numpy.array(a, dtype=numpy.complex128 if numpy.iscomplexobj(a) else numpy.float64)
    n = a.shape[0]
    for j in range(n):
        p = j + int(numpy.argmax(numpy.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j] /= a[j, j]
        a[j + 1:, j + 1:] -= numpy.outer(a[j + 1:, j], a[j, j + 1:])
    return 0


def _first_bad_minor(a):
    """1-based order of the first leading minor that is not positive-definite (LAPACK potrf's ``info``), or 0."""
    a = numpy.array(a, dtype=numpy.complex128 if numpy.iscomplexobj(a) else numpy.float64)
    n = a.shape[0]
    L = numpy.zeros_like(a)
    for j in range(n):
        d = a[j, j].real - numpy.sum(numpy.abs(L[j, :j]) ** 2)
        if not d > 0:
            return j + 1
        L[j, j] = numpy.sqrt(d)
        L[j + 1:, j] = (a[j + 1:, j] - L[j + 1:, :j] @ L[j, :j].conj()) / L[j, j]
    return 0


def _infos(batch, finder):
    """``finder`` over each matrix of a batch (host copies); an int array shaped like the batch."""
    host = numpy.asarray(batch.get() if hasattr(batch, 'get') else batch)
    if host.size == 0:
        return numpy.zeros(host.shape[:-2], dtype=numpy.int32)
    flat = host.reshape(-1, *host.shape[-2:])
    return numpy.array([finder(m) for m in flat], dtype=numpy.int32).reshape(host.shape[:-2])


def _raise_singular(A, op):
    infos = _infos(A, _first_zero_pivot)
    bad = numpy.flatnonzero(infos.reshape(-1))
    index = int(bad[0]) if bad.size else 0
    pivot = int(infos.reshape(-1)[index]) if bad.size else A.shape[-1]
    raise LinAlgError(f'{op}: {_batch_prefix(A.shape, index)}The diagonal element {pivot} is zero, the inversion '
                      'could not be completed because the input matrix is singular.')


# ------------------------------------------------------------------------------------------------ det, inv, solve

class Inverse(Primitive):
    _backward_name = 'LinalgInvExBackward0'

    @staticmethod
    def forward(ctx, A):
        try:
            result = ctx.xp.linalg.inv(A)
        except Exception as exc:  # LAPACK found an exactly zero pivot
            if 'ingular' not in str(exc):
                raise
            _raise_singular(A, 'linalg.inv')
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad):
        inv_a, = ctx.saved_tensors
        inv_h = mH(inv_a)
        return -(inv_h @ grad @ inv_h)


def inv(A, *, out=None):
    """Inverse of a square matrix (or a batch); ``LinAlgError`` if it is singular.

    >>> ember.linalg.inv(ember.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _check_matrix(A, 'linalg.inv')
    return _out(Inverse.apply(A), out)


def inverse(input, *, out=None):
    """``torch.inverse``: the same as ``linalg.inv``."""
    return inv(input, out=out)


def inv_ex(A, *, check_errors=False, out=None):
    """``(inverse, info)``: ``info`` is 0 where the matrix was invertible, else the index of the zero pivot."""
    _check_matrix(A, 'linalg.inv_ex')
    xp = _xp(A)
    infos = _infos(A._data, _first_zero_pivot)
    if check_errors and infos.any():
        _raise_singular(A._data, 'linalg.inv_ex')
    if infos.any():
        good = _const(xp.asarray(infos == 0)[..., None, None])
        safe = A * good + _eye(xp, A._data.shape[-1], A._data) * _const(xp.asarray(infos != 0)[..., None, None])
        result = Inverse.apply(safe) + _const(xp.asarray(numpy.where(infos != 0, numpy.inf, 0)[..., None, None]
                                                         ).astype(A._data.real.dtype))
    else:
        result = Inverse.apply(A)
    info = _const(xp.asarray(infos))
    return InvExResult(result, info)


def _xp(t):
    from ..autograd.function import _xp_of  # noqa: PLC0415
    return _xp_of(t._data)


class Det(Primitive):
    _backward_name = 'LinalgDetBackward0'

    @staticmethod
    def forward(ctx, A):
        result = ctx.xp.asarray(ctx.xp.linalg.det(A))
        ctx.save_for_backward(A, result)
        return result

    @staticmethod
    def backward(ctx, grad):
        A, d = ctx.saved_tensors
        return (grad * conj(d)).unsqueeze(-1).unsqueeze(-1) * mH(Inverse.apply(A))


def det(A, *, out=None):
    """Determinant of a square matrix (or a batch).

    >>> ember.linalg.det(ember.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _check_matrix(A, 'linalg.det')
    return _out(Det.apply(A), out)


class Slogdet(Primitive):
    _backward_name = 'LinalgSlogdetBackward0'

    @staticmethod
    def forward(ctx, A):
        sign, logabs = ctx.xp.linalg.slogdet(A)
        ctx.save_for_backward(A)
        return ctx.xp.asarray(sign), ctx.xp.asarray(logabs)

    @staticmethod
    def backward(ctx, grad_sign, grad_logabs):
        A, = ctx.saved_tensors
        if grad_logabs is None:
            return None
        return grad_logabs.unsqueeze(-1).unsqueeze(-1) * mH(Inverse.apply(A))


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` of the determinant, computed stably."""
    _check_matrix(A, 'linalg.slogdet')
    return SlogdetResult(*Slogdet.apply(A))


def logdet(input):
    """Log of the determinant: nan for a negative determinant, -inf for a singular matrix."""
    _check_matrix(input, 'linalg.det')
    sign, logabs = Slogdet.apply(input)
    if input._dtype._kind == 3:
        return logabs + sign.log()
    xp = _xp(input)
    return logabs + _const(xp.where(sign._data < 0, xp.nan, 0).astype(sign._data.dtype))  # log(-1) is nan


class Solve(Primitive):
    _backward_name = 'LinalgSolveExBackward0'

    @staticmethod
    def forward(ctx, A, B):
        try:
            X = ctx.xp.linalg.solve(A, B)
        except Exception as exc:
            if 'ingular' not in str(exc):
                raise
            infos = _infos(A, _first_zero_pivot).reshape(-1)
            index = int(numpy.flatnonzero(infos)[0]) if infos.any() else 0
            raise LinAlgError(f'torch.linalg.solve: {_batch_prefix(A.shape, index)}The solver failed because the input '
                              'matrix is singular.') from None
        ctx.save_for_backward(A, X)
        return X

    @staticmethod
    def backward(ctx, grad):
        A, X = ctx.saved_tensors
        grad_b = Solve.apply(mH(A), grad)
        grad_a = -(grad_b @ mH(X)) if ctx.needs_input_grad[0] else None
        return grad_a, grad_b


def _is_vector_rhs(A, B):
    return B._data.ndim == 1 or (B._data.ndim == A._data.ndim - 1 and B._data.shape == A._data.shape[:-1])


def solve(A, B, *, left=True, out=None):
    """Solve ``A X = B`` (or ``X A = B`` with ``left=False``); ``B`` may be a (batch of) vector(s); batches broadcast.

    >>> ember.linalg.solve(ember.tensor([[2., 0.], [0., 4.]]), ember.tensor([2., 2.]))
    tensor([1.0000, 0.5000])
    """
    _check_matrix(A, 'linalg.solve')
    if A._dtype is not B._dtype:
        raise RuntimeError(f'linalg.solve: Expected A and B to have the same dtype, but found A of type '
                           f'{_type_word(A._dtype)} and B of type {_type_word(B._dtype)} instead')
    vector = _is_vector_rhs(A, B)
    rhs = B.unsqueeze(-1) if vector else B
    n = A._data.shape[-1]
    rows, cols = rhs._data.shape[-2:]
    if (rows if left else cols) != n:
        equation = 'AX = B' if left else 'XA = B'
        raise RuntimeError(f'linalg.solve: Incompatible shapes of A and B for the equation {equation} ({n}x{n} and '
                           f'{rows}x{cols})')
    batch = broadcast_shapes(rhs._data.shape[:-2], A._data.shape[:-2])
    if left:
        A_b = A if tuple(A._data.shape[:-2]) == batch else A.expand(*batch, n, n)
        rhs_b = rhs if tuple(rhs._data.shape[:-2]) == batch else rhs.expand(*batch, rows, cols)
        X = Solve.apply(A_b, rhs_b)
    else:
        A_b = A.mT if tuple(A._data.shape[:-2]) == batch else A.mT.expand(*batch, n, n)
        rhs_t = rhs.mT if tuple(rhs._data.shape[:-2]) == batch else rhs.mT.expand(*batch, cols, rows)
        X = Solve.apply(A_b, rhs_t).mT
    return _out(X.squeeze(-1) if vector else X, out)


# ------------------------------------------------------------------------------------------------ cholesky

def _tril_mask(xp, n, dtype, diagonal_value=1.0):
    mask = xp.tril(xp.ones((n, n), dtype=dtype), -1)
    return _const(mask + xp.eye(n, dtype=dtype) * diagonal_value)


class Cholesky(Primitive):
    _backward_name = 'LinalgCholeskyExBackward0'

    @staticmethod
    def forward(ctx, A, *, check):
        xp = ctx.xp
        try:
            L = xp.linalg.cholesky(A)
            ctx.info = None
        except Exception as exc:
            if 'definite' not in str(exc):
                raise
            infos = _infos(A, _first_bad_minor)
            bad = numpy.flatnonzero(infos.reshape(-1))
            if check:
                index = int(bad[0])
                raise LinAlgError(f'linalg.cholesky: {_batch_prefix(A.shape, index)}The factorization could not be '
                                  'completed because the input is not positive-definite (the leading minor of order '
                                  f'{int(infos.reshape(-1)[index])} is not positive-definite).') from None
            ctx.info = infos
            L = xp.asarray(_partial_cholesky(A, infos))
        ctx.save_for_backward(L)
        return L

    @staticmethod
    def backward(ctx, grad):
        L, = ctx.saved_tensors
        xp = ctx.xp
        n = L._data.shape[-1]
        phi = (mH(L) @ grad) * _tril_mask(xp, n, L._data.dtype, 0.5)
        left = Solve.apply(mH(L), phi)  # L^-H phi
        grad_a = mH(Solve.apply(mH(L), mH(left)))  # L^-H phi L^-1
        return (grad_a + mH(grad_a)) * 0.5


def _partial_cholesky(A, infos):
    """What LAPACK leaves for a failed factorisation: the columns before the failing one, the rest of A's lower part."""
    host = numpy.asarray(A.get() if hasattr(A, 'get') else A)
    out = numpy.tril(host).copy()
    flat, flat_info = out.reshape(-1, *host.shape[-2:]), infos.reshape(-1)
    for m, info in zip(flat, flat_info):
        k = m.shape[0] if info == 0 else int(info) - 1
        if k:
            Lk = numpy.linalg.cholesky(m[:k, :k])
            m[:k, :k] = Lk
            m[k:, :k] = numpy.linalg.solve(Lk.conj(), m[k:, :k].T).T if k < m.shape[0] else m[k:, :k]
    return out


def linalg_cholesky(A, *, upper=False, out=None):
    """Cholesky factor ``L`` of a Hermitian positive-definite matrix (``U = L^H`` with ``upper=True``).

    >>> ember.linalg.cholesky(ember.tensor([[4., 2.], [2., 2.]]))
    tensor([[2., 0.],
            [1., 1.]])
    """
    _check_matrix(A, 'linalg.cholesky')
    L = Cholesky.apply(A if not upper else mH(A), check=True)
    return _out(mH(L) if upper else L, out)


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """``(L, info)``: ``info`` is 0 on success, else the order of the first leading minor that is not positive."""
    _check_matrix(A, 'linalg.cholesky_ex')
    node_input = A if not upper else mH(A)
    L = Cholesky.apply(node_input, check=check_errors)
    infos = L._grad_fn.info if L._grad_fn is not None else None
    if infos is None:
        infos = _infos(L._data, lambda m: 0) if L._grad_fn is not None else _infos(node_input._data, _first_bad_minor)
    return CholeskyExResult(mH(L) if upper else L, _const(_xp(A).asarray(infos)))


def cholesky(input, upper=False, *, out=None):
    """``torch.cholesky`` (deprecated in PyTorch for ``linalg.cholesky``)."""
    return linalg_cholesky(input, upper=upper, out=out)


def cholesky_solve(B, L, upper=False, *, out=None):
    """Solve ``A X = B`` given the Cholesky factor of ``A``."""
    factor = mH(L) if upper else L
    return _out(solve(factor @ mH(factor), B), out)


def cholesky_inverse(L, upper=False, *, out=None):
    """Inverse of ``A`` given its Cholesky factor."""
    factor = mH(L) if upper else L
    return _out(inv(factor @ mH(factor)), out)


# ------------------------------------------------------------------------------------------------ qr

class QR(Primitive):
    _backward_name = 'LinalgQrBackward0'

    @staticmethod
    def forward(ctx, A, *, mode):
        xp = ctx.xp
        ctx.mode = mode
        ctx.shape = A.shape
        if mode == 'r':
            R = xp.linalg.qr(A, mode='r')
            Q = xp.zeros((0,), dtype=A.dtype)
        else:
            Q, R = xp.linalg.qr(A, mode=mode)
        ctx.save_for_backward(Q, R)
        return Q, R

    @staticmethod
    def backward(ctx, grad_q, grad_r):
        m, n = ctx.shape[-2:]
        if ctx.mode == 'r':
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed when mode='r'. Please "
                               "use linalg.qr(A, mode='reduced') if you are going to differentiate through linalg.qr.")
        if ctx.mode == 'complete' and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' and nrows > ncols.")
        Q, R = ctx.saved_tensors
        xp = ctx.xp
        if grad_q is None:
            grad_q = _const(xp.zeros(Q._data.shape, dtype=Q._data.dtype))
        if grad_r is None:
            grad_r = _const(xp.zeros(R._data.shape, dtype=R._data.dtype))
        if m >= n:
            return _qr_backward_tall(xp, Q, R, grad_q, grad_r)
        eye = xp.eye(n, dtype=R._data.dtype)
        first, rest = _const(eye[:, :m]), _const(eye[:, m:])  # selection matrices: A @ first == A[..., :m]
        U, V = R @ first, R @ rest
        grad_u, grad_v = grad_r @ first, grad_r @ rest
        Y = Q @ V
        grad_x = _qr_backward_tall(xp, Q, U, grad_q + Y @ mH(grad_v), grad_u)
        return grad_x @ first.mT + (Q @ grad_v) @ rest.mT


def _qr_backward_tall(xp, Q, R, grad_q, grad_r):
    """A = QR with ``m >= n``: gA = (gQ + Q copyltu(M)) R^-H with M = R gR^H - gQ^H Q."""
    n = R._data.shape[-1]
    M = R @ mH(grad_r) - mH(grad_q) @ Q
    strict = _const(xp.tril(xp.ones((n, n), dtype=R._data.real.dtype), -1))
    lower = M * strict
    copyltu = lower + mH(lower) + M * _const(xp.eye(n, dtype=R._data.real.dtype))
    b = grad_q + Q @ copyltu
    return mH(Solve.apply(R, mH(b)))  # b R^-H


def qr_linalg(A, mode='reduced', *, out=None):
    """QR decomposition: ``mode`` is ``'reduced'`` (default), ``'complete'`` or ``'r'`` (Q is then empty)."""
    if mode not in ('reduced', 'complete', 'r'):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of 'reduced' (default), 'r', or "
                           "'complete'")
    _check_matrix(A, 'linalg.qr', square=False)
    return QRResult(*QR.apply(A, mode=mode))


def qr(input, some=True, *, out=None):
    """``torch.qr`` (deprecated in PyTorch): ``some=False`` is ``mode='complete'``."""
    Q, R = qr_linalg(input, 'reduced' if some else 'complete')
    return LegacyQRResult(Q, R)


# ------------------------------------------------------------------------------------------------ eigh, svd

class Eigh(Primitive):
    _backward_name = 'LinalgEighBackward0'

    @staticmethod
    def forward(ctx, A, *, uplo):
        L, V = ctx.xp.linalg.eigh(A, UPLO=uplo)
        ctx.save_for_backward(L, V)
        return L, V

    @staticmethod
    def backward(ctx, grad_l, grad_v):
        L, V = ctx.saved_tensors
        xp = ctx.xp
        n = V._data.shape[-1]
        eye = xp.eye(n, dtype=L._data.dtype)
        inner = None
        if grad_v is not None:
            vhgv = mH(V) @ grad_v
            skew = (vhgv - mH(vhgv)) * 0.5
            gaps = L.unsqueeze(-2) - L.unsqueeze(-1) + _const(eye)  # L_j - L_i off the diagonal, 1 on it
            inner = skew / gaps * _const(1 - eye)
        if grad_l is not None:
            diag = grad_l.unsqueeze(-2) * _const(eye)
            inner = diag if inner is None else inner + diag
        if inner is None:
            return None
        return V @ inner @ mH(V)


def _check_uplo(UPLO):
    if UPLO not in ('L', 'U'):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO='L', *, out=None):
    """Eigenvalues (ascending) and orthonormal eigenvectors of a Hermitian matrix, reading the ``UPLO`` triangle."""
    _check_uplo(UPLO)
    _check_matrix(A, 'linalg.eigh')
    return EighResult(*Eigh.apply(A, uplo=UPLO))


def eigvalsh(A, UPLO='L', *, out=None):
    """Eigenvalues (ascending) of a Hermitian matrix."""
    _check_uplo(UPLO)
    _check_matrix(A, 'linalg.eigvalsh')
    return _out(Eigh.apply(A, uplo=UPLO)[0], out)


class SVD(Primitive):
    _backward_name = 'LinalgSvdBackward0'

    @staticmethod
    def forward(ctx, A, *, full_matrices):
        U, S, Vh = ctx.xp.linalg.svd(A, full_matrices=full_matrices)
        ctx.save_for_backward(U, S, Vh)
        return U, S, Vh

    @staticmethod
    def backward(ctx, grad_u, grad_s, grad_vh):
        U, S, Vh = ctx.saved_tensors
        xp = ctx.xp
        m, n = U._data.shape[-2], Vh._data.shape[-1]
        k = S._data.shape[-1]
        if U._data.shape[-1] != k:  # full_matrices: only the first k singular vectors enter the gradient
            pick_u = _const(xp.eye(m, dtype=U._data.dtype)[:, :k])
            U = U @ pick_u
            grad_u = grad_u @ pick_u if grad_u is not None else None
        if Vh._data.shape[-2] != k:
            pick_v = _const(xp.eye(n, dtype=Vh._data.dtype)[:k, :])
            Vh = pick_v @ Vh
            grad_vh = pick_v @ grad_vh if grad_vh is not None else None
        V = mH(Vh)
        grad_v = mH(grad_vh) if grad_vh is not None else None
        eye = xp.eye(k, dtype=S._data.dtype)
        S2 = S * S
        gaps = S2.unsqueeze(-2) - S2.unsqueeze(-1) + _const(eye)  # s_j^2 - s_i^2 off the diagonal
        off = _const(1 - eye)
        inner = grad_s.unsqueeze(-2) * _const(eye) if grad_s is not None else None
        if grad_u is not None:
            uhgu = mH(U) @ grad_u
            term = (uhgu - mH(uhgu)) / gaps * off * S.unsqueeze(-2)
            inner = term if inner is None else inner + term
        if grad_v is not None:
            vhgv = mH(V) @ grad_v
            term = S.unsqueeze(-1) * ((vhgv - mH(vhgv)) / gaps * off)
            inner = term if inner is None else inner + term
        if inner is None:
            return None
        grad_a = U @ inner @ Vh
        if grad_u is not None and m > k:
            grad_a = grad_a + ((grad_u - U @ (mH(U) @ grad_u)) / S.unsqueeze(-2)) @ Vh
        if grad_v is not None and n > k:
            grad_a = grad_a + U @ mH((grad_v - V @ (mH(V) @ grad_v)) / S.unsqueeze(-2))
        return grad_a


def linalg_svd(A, full_matrices=True, *, driver=None, out=None):
    """Singular value decomposition ``A = U diag(S) Vh``; gradients as PyTorch (reduced part when full)."""
    _check_matrix(A, 'linalg.svd', square=False)
    return SVDResult(*SVD.apply(A, full_matrices=full_matrices))


def svdvals(A, *, driver=None, out=None):
    """Singular values, descending."""
    _check_matrix(A, 'linalg.svdvals', square=False)
    return _out(SVD.apply(A, full_matrices=False)[1], out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``torch.svd`` (deprecated in PyTorch): returns ``V`` rather than ``Vh``."""
    _check_matrix(input, 'linalg.svd', square=False)
    U, S, Vh = SVD.apply(input, full_matrices=not some)
    if not compute_uv:
        xp = _xp(input)
        m, n = input._data.shape[-2:]
        batch = input._data.shape[:-2]
        return LegacySVDResult(_const(xp.zeros((*batch, m, m), dtype=input._data.dtype)), S,
                               _const(xp.zeros((*batch, n, n), dtype=input._data.dtype)))
    return LegacySVDResult(U, S, mH(Vh))


class DecompMethods:
    """Tensor methods of decompositions and solvers (mixed into Tensor through LinalgMethods)."""

    __slots__ = ()

    def det(self):
        return det(self)

    def logdet(self):
        return logdet(self)

    def slogdet(self):
        return slogdet(self)

    def inverse(self):
        return inv(self)

    def cholesky(self, upper=False):
        return cholesky(self, upper)

    def cholesky_solve(self, input2, upper=False):
        return cholesky_solve(self, input2, upper)

    def cholesky_inverse(self, upper=False):
        return cholesky_inverse(self, upper)

    def svd(self, some=True, compute_uv=True):
        return svd(self, some, compute_uv)

    def qr(self, some=True):
        return qr(self, some)

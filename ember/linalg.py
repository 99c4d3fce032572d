"""ember.linalg: PyTorch's torch.linalg namespace.

>>> ember.linalg.norm(ember.tensor([3., 4.]))
tensor(5.)
"""
from __future__ import annotations

from ._backend import namespace
from ._ops.linalg import matmul
from ._ops.linalg_decomp import LinAlgError, cholesky_ex, det, eigh, eigvalsh, inv, inv_ex, slogdet, solve, svdvals
from ._ops.linalg_lstsq import lstsq, matrix_power, matrix_rank, multi_dot, pinv, tensorinv, tensorsolve
from ._ops.linalg_decomp import linalg_cholesky as cholesky
from ._ops.linalg_decomp import linalg_svd as svd
from ._ops.linalg_decomp import qr_linalg as qr
from ._ops.linalg_einsum import linalg_cross as cross
from ._ops.linalg_norm import matrix_norm, norm, vecdot, vector_norm

__all__ = ['LinAlgError', 'matmul', 'cholesky', 'cholesky_ex', 'det', 'eigh', 'eigvalsh', 'inv', 'inv_ex', 'lstsq',
           'matrix_power', 'matrix_rank', 'multi_dot', 'pinv', 'slogdet', 'solve', 'svd', 'svdvals', 'tensorinv',
           'tensorsolve', 'qr', 'cross', 'matrix_norm', 'norm', 'vecdot', 'vector_norm', 'diagonal']


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in ``A`` (a view), as ``torch.diagonal`` with matrix defaults."""
    from . import _functions  # noqa: PLC0415
    if hasattr(_functions, 'diagonal'):  # the shape family's view op
        return _functions.diagonal(A, offset=offset, dim1=dim1, dim2=dim2)
    return _diagonal_copy(A, offset, dim1, dim2)


def _diagonal_copy(A, offset, dim1, dim2):
    """The diagonal through einsum (a copy, not a view) until the shape family provides ``diagonal``."""
    from ._ops._util import wrap_dim  # noqa: PLC0415
    from ._ops.linalg_einsum import _einsum_letters  # noqa: PLC0415
    n = A.ndim
    d1, d2 = wrap_dim(dim1, n, 'diagonal'), wrap_dim(dim2, n, 'diagonal')
    if d1 == d2:
        raise RuntimeError(f'diagonal dimensions cannot be identical {dim1}, {dim2}')
    rows, cols = A.shape[d1], A.shape[d2]
    size = max(0, min(rows - max(-offset, 0), cols - max(offset, 0)))
    xp = namespace(A.device)  # cupy.ndarray has no __array_namespace__
    pick_rows = xp.zeros((rows, size), dtype=A._data.dtype)
    pick_cols = xp.zeros((cols, size), dtype=A._data.dtype)
    for k in range(size):
        pick_rows[k + max(-offset, 0), k] = 1
        pick_cols[k + max(offset, 0), k] = 1
    letters = 'abcdefghijklmnopqrstuvwxyz'
    term = [letters[i] for i in range(n)]
    rest = ''.join(c for i, c in enumerate(term) if i not in (d1, d2))
    Tensor = type(A)
    return _einsum_letters([A, Tensor._make(pick_rows), Tensor._make(pick_cols)],
                           [''.join(term), term[d1] + 'Z', term[d2] + 'Z'], rest + 'Z')


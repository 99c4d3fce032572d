"""ember.linalg: PyTorch's torch.linalg namespace.

>>> ember.linalg.norm(ember.tensor([3., 4.]))
tensor(5.)
"""
from __future__ import annotations

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
    from . import diagonal as _diagonal  # noqa: PLC0415 - the shape family's op
    return _diagonal(A, offset=offset, dim1=dim1, dim2=dim2)


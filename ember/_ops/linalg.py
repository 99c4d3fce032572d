"""Linear algebra: matmul (PyTorch's batching rules) and friends, einsum, and the ember.linalg functions."""
from __future__ import annotations

__all__ = ['matmul']  # the ember.* functions of this family

from .. import _dtype as dt
from ..autograd.function import Primitive


class MatMul(Primitive):
    _backward_name = 'MmBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = grad_b = None
        if a.ndim == 1 and b.ndim == 1:
            return (grad * b if need_a else None), (grad * a if need_b else None)
        if a.ndim == 1:
            if need_a:
                grad_a = (grad.unsqueeze(-2) @ b.mT).squeeze(-2)
            if need_b:
                grad_b = a.unsqueeze(-1) * grad.unsqueeze(-2)
            return grad_a, grad_b
        if b.ndim == 1:
            if need_a:
                grad_a = grad.unsqueeze(-1) * b
            if need_b:
                grad_b = (a.mT @ grad.unsqueeze(-1)).squeeze(-1)
            return grad_a, grad_b
        if need_a:
            grad_a = grad @ b.mT.conj() if b._dtype.is_complex else grad @ b.mT
        if need_b:
            grad_b = a.mT.conj() @ grad if a._dtype.is_complex else a.mT @ grad
        return grad_a, grad_b


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D and batched operands.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    """
    a_nd, b_nd = input._data.ndim, other._data.ndim
    if a_nd == 0 or b_nd == 0:
        raise RuntimeError(f'both arguments to matmul need to be at least 1D, but they are {a_nd}D and {b_nd}D')
    if input._dtype is not other._dtype:
        raise RuntimeError(f'expected m1 and m2 to have the same dtype, but got: {input._dtype} != {other._dtype}')
    k_a = input._data.shape[-1]
    k_b = other._data.shape[-2] if b_nd > 1 else other._data.shape[0]
    if k_a != k_b:
        if a_nd == 1 and b_nd == 1:
            raise RuntimeError(f'inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same '
                               'number of elements, but got {k_a} and {k_b} elements respectively'.replace(
                                   '{k_a}', str(k_a)).replace('{k_b}', str(k_b)))
        if a_nd <= 2 and b_nd <= 2:
            sa = input._data.shape if a_nd == 2 else (1, k_a)
            sb = other._data.shape if b_nd == 2 else (k_b, 1)
            raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and {sb[0]}x{sb[1]})')
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: '
                           f'[{_batch(input)}, {k_a}] but got: [{_batch(other)}, {k_b}].')
    if input._dtype is dt.bool or input._dtype._kind == 1 and False:
        raise RuntimeError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    result = MatMul.apply(input, other)
    if out is not None:
        from .inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


def _batch(t):
    shape = t._data.shape
    n = 1
    for s in shape[:-2]:
        n *= s
    return n


class LinalgMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def __matmul__(self, other):
        if not hasattr(other, '_dtype'):
            return NotImplemented
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def matmul(self, other):
        return matmul(self, other)

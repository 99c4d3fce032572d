"""Linear algebra: matrix products (matmul with PyTorch's 1-D/batched rules, mm, bmm, mv, dot, outer, addmm, ...).

The rest of the family lives beside this file: einsum and friends in ``linalg_einsum.py``, decompositions and solvers
in ``linalg_decomp.py``, norms in ``linalg_norm.py``; ``ember.linalg`` gathers the ``torch.linalg`` namespace.
Half-precision products are computed in float32 and rounded back (NumPy has no bfloat16 GEMM), as PyTorch's CPU
kernels accumulate in float32.
"""
from __future__ import annotations

__all__ = ['matmul', 'mm', 'bmm', 'mv', 'dot', 'vdot', 'inner', 'outer', 'ger', 'addmm', 'addmv', 'addr', 'baddbmm',
           'addbmm', 'chain_matmul']  # the ember.* functions of this family

import warnings

import numpy

from .. import _dtype as dt
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs
from ..autograd.function import Primitive
from .inplace import _type_word

_CPP_NAME = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
             'int64': 'long int', 'int32': 'int', 'int16': 'short int', 'int8': 'signed char',
             'uint8': 'unsigned char', 'bool': 'bool', 'complex64': 'c10::complex<float>',
             'complex128': 'c10::complex<double>'}
_HALF = (dt.float16, dt.bfloat16)


class Conj(Primitive):
    _backward_name = 'ConjBackward0'

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.conj(x)

    @staticmethod
    def backward(ctx, grad):
        return Conj.apply(grad)


def conj(x):
    """The complex conjugate of complex tensors (a copy), ``x`` itself otherwise (backward uses it on every dtype)."""
    return Conj.apply(x) if x._dtype._kind == 3 else x


def mat_product(xp, a, b):
    """``xp.matmul`` that computes half types in float32."""
    if a.dtype.itemsize == 2 and a.dtype.kind == 'V' or str(a.dtype) in ('bfloat16', 'float16'):
        return xp.matmul(a.astype(xp.float32), b.astype(xp.float32)).astype(a.dtype)
    if a.ndim == 2 and b.ndim == 2 and a.shape[1] >= _LONG_K and a.shape[0] * b.shape[1] <= 4096 \
            and xp is numpy and a.dtype.kind == 'f':
        return _long_k_product(a, b)
    return xp.matmul(a, b)


_LONG_K = 16384
_K_BLOCK = 2048


def _long_k_product(a, b):
    """A small (M, N) result of a long inner dimension (a first convolution's weight gradient: (6, 50176) x
    (50176, 25)) as a sum of 2048-long partial products: OpenBLAS runs the single call ~4x slower."""
    k = a.shape[1]
    out = numpy.matmul(a[:, :_K_BLOCK], b[:_K_BLOCK])
    part = numpy.empty_like(out)
    for start in range(_K_BLOCK, k, _K_BLOCK):
        numpy.matmul(a[:, start:start + _K_BLOCK], b[start:start + _K_BLOCK], out=part)
        out += part
    return out


class MatMul(Primitive):
    _backward_name = 'MmBackward0'

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _product(ctx.xp, a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        a, b = conj(a), conj(b)
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
            grad_a = grad @ b.mT
        if need_b:
            if b.ndim == 2 and a.ndim > 2:  # one GEMM over the flattened batch, not a batch of them summed after
                grad_b = a.reshape(-1, a.shape[-1]).mT @ grad.reshape(-1, grad.shape[-1])
            else:
                grad_b = a.mT @ grad
        return grad_a, grad_b

    @staticmethod
    def backward_array(ctx, grad):
        a, b = ctx._saved_arrays()
        if grad.dtype.kind != 'f' or grad.dtype.itemsize < 4 or a.dtype != grad.dtype or b.dtype != grad.dtype \
                or a.ndim < 2 or b.ndim < 2:
            return NotImplemented
        return _product_grads(ctx.xp, a, b, grad, *ctx.needs_input_grad)


def _product_grads(xp, a, b, grad, need_a, need_b):
    """The array gradients of ``a @ b`` (both at least 2-d) for an incoming ``grad`` of their dtype."""
    grad_a = _product(xp, grad, xp.swapaxes(b, -1, -2)) if need_a else None
    grad_b = None
    if need_b:
        if b.ndim == 2 and a.ndim > 2:
            rows = _numel(a.shape[:-1])
            a, grad = a.reshape(rows, a.shape[-1]), grad.reshape(rows, grad.shape[-1])
        if b.ndim == 2 and _transposed(b):
            # b is a weight's .T (F.linear): the product is formed in the weight's own layout, so the
            # gradient that reaches the weight through TBackward0 is a fresh contiguous array the engine keeps
            grad_b = _product(xp, grad.T, a).T
        elif b.ndim == 2 and a.ndim == 2:
            grad_b = _product(xp, a.T, grad)
        else:
            grad_b = _product(xp, xp.swapaxes(a, -1, -2), grad)
    return grad_a, grad_b


class Addmm(Primitive):
    """``input + mat1 @ mat2`` (addmm with beta = alpha = 1, as every Linear with a bias on 2-d input computes):
    the bias is added into the product's fresh array, one node for the three gradients."""

    _backward_name = 'AddmmBackward0'

    @staticmethod
    def forward(ctx, input, mat1, mat2):
        ctx.save_for_backward(mat1, mat2)
        out = mat_product(ctx.xp, mat1, mat2)
        out += input
        return out

    @staticmethod
    def backward(ctx, grad):
        mat1, mat2 = ctx.saved_tensors
        need_input, need_1, need_2 = ctx.needs_input_grad
        mat1, mat2 = conj(mat1), conj(mat2)
        return (grad if need_input else None), (grad @ mat2.mT if need_1 else None), \
            (mat1.mT @ grad if need_2 else None)

    @staticmethod
    def backward_array(ctx, grad):
        mat1, mat2 = ctx._saved_arrays()
        if grad.dtype.kind != 'f' or grad.dtype.itemsize < 4 or mat1.dtype != grad.dtype:
            return NotImplemented
        need_input, need_1, need_2 = ctx.needs_input_grad
        # grad passes to input as it is (the engine sums it to the bias's shape)
        return (grad if need_input else None,) + _product_grads(ctx.xp, mat1, mat2, grad, need_1, need_2)


def _transposed(b):
    flags = getattr(b, 'flags', None)
    return flags is not None and flags.f_contiguous and not flags.c_contiguous


def _product(xp, a, b):
    """``mat_product``; a stack of matrices times one matrix is one GEMM over the flattened stack (NumPy's stacked
    matmul calls the BLAS once per matrix)."""
    if a.ndim > 2 and b.ndim == 2:
        rows = _numel(a.shape[:-1])
        return mat_product(xp, a.reshape(rows, a.shape[-1]), b).reshape(a.shape[:-1] + b.shape[-1:])
    return mat_product(xp, a, b)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def broadcast_shapes(a, b):
    """The broadcast of two shapes, with PyTorch's error when they don't broadcast."""
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f'The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton '
                               f'dimension {i}')
        out.append(y if x == 1 else x)
    return tuple(out)


def _check_matmul(input, other):
    """PyTorch's errors for ``matmul``, in the words of the kernel it would dispatch to (dot, mv, mm or bmm)."""
    sa, sb = input._data.shape, other._data.shape
    a_nd, b_nd = len(sa), len(sb)
    if a_nd == 0 or b_nd == 0:
        raise RuntimeError(f'both arguments to matmul need to be at least 1D, but they are {a_nd}D and {b_nd}D')
    ta, tb = input._dtype, other._dtype
    k_a, k_b = sa[-1], (sb[-2] if b_nd > 1 else sb[0])
    if a_nd == 1 and b_nd == 1:
        if k_a != k_b:
            raise RuntimeError(f'inconsistent tensor size, expected tensor [{k_a}] and src [{k_b}] to have the same '
                               f'number of elements, but got {k_a} and {k_b} elements respectively')
        if ta is not tb:
            raise RuntimeError(f'dot : expected both vectors to have same dtype, but found {_type_word(ta)} and '
                               f'{_type_word(tb)}')
        kernel = '"dot"'
    elif b_nd == 1:
        rows = _numel(sa[:-1])
        if k_a != k_b:
            raise RuntimeError(f'size mismatch, got input ({rows}), mat ({rows}x{k_a}), vec ({k_b})')
        if ta is not tb:
            raise RuntimeError(f'addmv input tensors must have the same dtype, but got {_type_word(tb)}, '
                               f'{_type_word(ta)}, and {_type_word(tb)}')
        kernel = '"addmv_impl_cpu"'
    elif b_nd == 2:
        rows = _numel(sa[:-1])
        if k_a != k_b:
            raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({rows}x{k_a} and {k_b}x{sb[-1]})')
        if ta is not tb:
            raise RuntimeError(f'expected m1 and m2 to have the same dtype, but got: {_CPP_NAME[ta.name]} != '
                               f'{_CPP_NAME[tb.name]}')
        kernel = '"addmm_impl_cpu_"'
    else:
        batch = _numel(broadcast_shapes(sa[:-2], sb[:-2]))
        if k_a != k_b:
            raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: [{batch}, {k_a}] but '
                               f'got: [{batch}, {k_b}].')
        if ta is not tb:
            raise RuntimeError(f'expected scalar type {_type_word(ta)} but found {_type_word(tb)}')
        kernel = '"bmm"'
    if ta is dt.bool:
        raise NotImplementedError(f"{kernel} not implemented for 'Bool'")


def matmul(input, other, *, out=None):
    """Matrix product with PyTorch's rules for 1-D and batched operands.

    >>> ember.matmul(ember.ones(2, 3), ember.ones(3)).shape
    torch.Size([2])
    """
    if _autocast.any_enabled:
        input, other = cast_inputs('lower', input, other)
    _check_matmul(input, other)
    result = MatMul.apply(input, other)
    if input._data.ndim == 1 and other._data.ndim == 1:
        result._grad_fn is not None and setattr(result._grad_fn, '_backward_name', 'DotBackward0')
    return _out(result, out)


def _out(result, out):
    if out is None:
        return result
    from .inplace import copy_into_out  # noqa: PLC0415
    return copy_into_out(out, result)


def _require_dims(t, n, message):
    if t._data.ndim != n:
        raise RuntimeError(message)


def mm(input, mat2, *, out=None):
    """Product of two matrices (no broadcasting).

    >>> ember.mm(ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if _autocast.any_enabled:
        input, mat2 = cast_inputs('lower', input, mat2)
    _require_dims(input, 2, 'self must be a matrix')
    _require_dims(mat2, 2, 'mat2 must be a matrix')
    return matmul(input, mat2, out=out)


def bmm(input, mat2, *, out=None):
    """Batched product of ``(b, n, m)`` and ``(b, m, p)`` tensors."""
    if _autocast.any_enabled:
        input, mat2 = cast_inputs('lower', input, mat2)
    _require_dims(input, 3, 'batch1 must be a 3D tensor')
    _require_dims(mat2, 3, 'batch2 must be a 3D tensor')
    sa, sb = input._data.shape, mat2._data.shape
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] but '
                           f'got: [{sb[0]}, {sb[1]}].')
    return matmul(input, mat2, out=out)


def mv(input, vec, *, out=None):
    """Matrix-vector product."""
    if _autocast.any_enabled:
        input, vec = cast_inputs('lower', input, vec)
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f'vector + matrix @ vector expected, got 1, {input._data.ndim}, {vec._data.ndim}')
    return matmul(input, vec, out=out)


def _check_vectors(input, other, op):
    if input._data.ndim != 1 or other._data.ndim != 1:
        raise RuntimeError(f'1D tensors expected, but got {input._data.ndim}D and {other._data.ndim}D tensors')
    n, m = input._data.shape[0], other._data.shape[0]
    if n != m:
        raise RuntimeError(f'inconsistent tensor size, expected tensor [{n}] and src [{m}] to have the same number '
                           f'of elements, but got {n} and {m} elements respectively')
    if input._dtype is not other._dtype:
        raise RuntimeError(f'{op} : expected both vectors to have same dtype, but found {_type_word(input._dtype)} '
                           f'and {_type_word(other._dtype)}')


def dot(input, other, *, out=None):
    """Inner product of two 1-D tensors (no conjugation).

    >>> ember.dot(ember.tensor([1., 2.]), ember.tensor([3., 4.]))
    tensor(11.)
    """
    _check_vectors(input, other, 'dot')
    return matmul(input, other, out=out)


def vdot(input, other, *, out=None):
    """Inner product of two 1-D tensors, conjugating the first."""
    _check_vectors(input, other, 'vdot')
    return matmul(conj(input), other, out=out)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both tensors (a scalar operand multiplies)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return _out(input * other, out)
    if input._dtype is not other._dtype:
        raise RuntimeError('both inputs should have same dtype')
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f'inner() the last dimension must match on both input tensors but got shapes {list(sa)} '
                           f'and {list(sb)}')
    from .linalg_einsum import tensordot  # noqa: PLC0415
    return _out(tensordot(input, other, dims=([-1], [-1])), out)


def outer(input, vec2, *, out=None):
    """Outer product of two 1-D tensors, with type promotion.

    >>> ember.outer(ember.ones(2), ember.ones(3)).shape
    torch.Size([2, 3])
    """
    if input._data.ndim != 1:
        raise RuntimeError(f'outer: Expected 1-D argument self, but got {input._data.ndim}-D')
    if vec2._data.ndim != 1:
        raise RuntimeError(f'outer: Expected 1-D argument vec2, but got {vec2._data.ndim}-D')
    return _out(input.unsqueeze(-1) * vec2, out)


ger = outer


class ScaledAdd(Primitive):
    """``beta * input + alpha * product``, where ``beta == 0`` ignores ``input`` (its nan/inf don't propagate)."""

    @staticmethod
    def forward(ctx, input, product, *, beta, alpha):
        ctx.beta, ctx.alpha = beta, alpha
        xp = ctx.xp
        scaled = product if alpha == 1 else product * xp.asarray(alpha).astype(product.dtype)
        if input.dtype == bool:
            scaled = product if alpha else xp.zeros_like(product)
            return scaled | input if beta else xp.broadcast_to(scaled, xp.broadcast_shapes(input.shape,
                                                                                           product.shape)).copy()
        if beta == 0:
            return xp.broadcast_to(scaled, xp.broadcast_shapes(input.shape, product.shape)).copy()
        return (input if beta == 1 else input * xp.asarray(beta).astype(input.dtype)) + scaled

    @staticmethod
    def backward(ctx, grad):
        beta, alpha = ctx.beta, ctx.alpha
        grad_input = grad * beta.conjugate() if isinstance(beta, complex) else grad * beta
        grad_product = grad * alpha.conjugate() if isinstance(alpha, complex) else grad * alpha
        return grad_input, grad_product

    @staticmethod
    def backward_array(ctx, grad):
        beta, alpha = ctx.beta, ctx.alpha
        if grad.dtype.kind != 'f' or grad.dtype.itemsize < 4 or isinstance(beta, complex) or \
                isinstance(alpha, complex):
            return NotImplemented
        need_input, need_product = ctx.needs_input_grad
        # x * 1 is x bit for bit: the addmm of a Linear layer passes its gradient on without copying it
        grad_input = (grad if beta == 1 else grad * beta) if need_input else None
        grad_product = (grad if alpha == 1 else grad * alpha) if need_product else None
        return grad_input, grad_product


def _scaled_add(input, product, beta, alpha, backward_name):
    if input._dtype._kind < 2:
        for name, value in (('beta', beta), ('alpha', alpha)):
            if isinstance(value, (float, complex)):
                raise RuntimeError(f'For integral input tensors, argument {name} must not be a floating point number.')
    target = broadcast_shapes(input._data.shape, product._data.shape)
    if target != tuple(product._data.shape):
        raise RuntimeError(f'The expanded size of the tensor ({product._data.shape[-1]}) must match the existing size '
                           f'({input._data.shape[-1] if input._data.ndim else 1}) at non-singleton dimension '
                           f'{product._data.ndim - 1}.  Target sizes: {list(product._data.shape)}.  Tensor sizes: '
                           f'{list(input._data.shape)}')
    result = ScaledAdd.apply(input, product, beta=beta, alpha=alpha)
    if result._grad_fn is not None:
        result._grad_fn._backward_name = backward_name
    return result


def _check_expand(input, shape):
    """PyTorch's expand error when ``input`` cannot broadcast to the product's ``shape``."""
    si = tuple(input._data.shape)
    if len(si) > len(shape):
        raise RuntimeError(f'The expanded size of the tensor ({shape[-1] if shape else 1}) must match the existing '
                           f'size ({si[0]}) at non-singleton dimension 0.  Target sizes: {list(shape)}.  Tensor '
                           f'sizes: {list(si)}')
    for i in range(1, len(si) + 1):
        if si[-i] != 1 and si[-i] != shape[-i]:
            raise RuntimeError(f'The expanded size of the tensor ({shape[-i]}) must match the existing size '
                               f'({si[-i]}) at non-singleton dimension {len(shape) - i}.  Target sizes: '
                               f'{list(shape)}.  Tensor sizes: {list(si)}')


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)``.

    >>> ember.addmm(ember.zeros(2, 2), ember.ones(2, 3), ember.ones(3, 2), alpha=2)[0, 0]
    tensor(6.)
    """
    if _autocast.any_enabled:
        input, mat1, mat2 = cast_inputs('lower', input, mat1, mat2)
    _require_dims(mat1, 2, 'mat1 must be a matrix, got 1-D tensor' if mat1._data.ndim == 1 else
                  f'mat1 must be a matrix, got {mat1._data.ndim}-D tensor')
    _require_dims(mat2, 2, f'mat2 must be a matrix, got {mat2._data.ndim}-D tensor')
    _check_matmul(mat1, mat2)
    _check_expand(input, (mat1._data.shape[0], mat2._data.shape[1]))
    if input._dtype is not mat2._dtype:
        raise RuntimeError(f'self and mat2 must have the same dtype, but got {_type_word(input._dtype)} and '
                           f'{_type_word(mat2._dtype)}')
    if beta == 1 and alpha == 1 and input._dtype is mat1._dtype is mat2._dtype and input._dtype.is_floating_point \
            and input._dtype.itemsize >= 4:
        return _out(Addmm.apply(input, mat1, mat2), out)
    return _out(_scaled_add(input, MatMul.apply(mat1, mat2), beta, alpha, 'AddmmBackward0'), out)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    if _autocast.any_enabled:
        input, mat, vec = cast_inputs('lower', input, mat, vec)
    if mat._data.ndim != 2 or vec._data.ndim != 1 or input._data.ndim > 1:
        raise RuntimeError(f'vector + matrix @ vector expected, got {input._data.ndim}, {mat._data.ndim}, '
                           f'{vec._data.ndim}')
    rows, k = mat._data.shape
    if k != vec._data.shape[0] or input._data.ndim == 1 and input._data.shape[0] not in (1, rows):
        size = input._data.shape[0] if input._data.ndim else 1
        raise RuntimeError(f'size mismatch, got input ({size}), mat ({rows}x{k}), vec ({vec._data.shape[0]})')
    if not input._dtype is mat._dtype is vec._dtype:
        raise RuntimeError(f'addmv input tensors must have the same dtype, but got {_type_word(input._dtype)}, '
                           f'{_type_word(mat._dtype)}, and {_type_word(vec._dtype)}')
    _check_matmul(mat, vec)
    return _out(_scaled_add(input, MatMul.apply(mat, vec), beta, alpha, 'AddmvBackward0'), out)


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * outer(vec1, vec2)``."""
    product = outer(vec1, vec2)
    _check_expand(input, tuple(product._data.shape))
    result_dtype = dt.promote_types(input._dtype, product._dtype)
    if input._dtype is not result_dtype:
        input = input.to(result_dtype)
    if product._dtype is not result_dtype:
        product = product.to(result_dtype)
    return _out(_scaled_add(input, product, beta, alpha, 'AddrBackward0'), out)


def _check_batched(input, batch1, batch2):
    _require_dims(batch1, 3, 'batch1 must be a 3D tensor')
    _require_dims(batch2, 3, 'batch2 must be a 3D tensor')
    sa, sb = batch1._data.shape, batch2._data.shape
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: [{sa[0]}, {sa[2]}] but '
                           f'got: [{sb[0]}, {sb[1]}].')
    if not input._dtype is batch1._dtype is batch2._dtype:
        raise RuntimeError(f'Input dtypes must be the same, got: input {_CPP_NAME[input._dtype.name]}, batch1: '
                           f'{_CPP_NAME[batch1._dtype.name]}, batch2: {_CPP_NAME[batch2._dtype.name]}')
    if input._dtype is dt.bool:
        raise NotImplementedError('"bmm" not implemented for \'Bool\'')


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (batch1 @ batch2)`` over a batch."""
    if _autocast.any_enabled:
        input, batch1, batch2 = cast_inputs('lower', input, batch1, batch2)
    _check_batched(input, batch1, batch2)
    _check_expand(input, (batch1._data.shape[0], batch1._data.shape[1], batch2._data.shape[2]))
    return _out(_scaled_add(input, MatMul.apply(batch1, batch2), beta, alpha, 'BaddbmmBackward0'), out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    if _autocast.any_enabled:
        input, batch1, batch2 = cast_inputs('lower', input, batch1, batch2)
    _check_batched(input, batch1, batch2)
    _check_expand(input, (batch1._data.shape[1], batch2._data.shape[2]))
    product = MatMul.apply(batch1, batch2).sum(0)
    return _out(_scaled_add(input, product, beta, alpha, 'AddbmmBackward0'), out)


def chain_matmul(*matrices, out=None):
    """Product of 2-D matrices, left to right (deprecated in PyTorch in favour of ``linalg.multi_dot``)."""
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    warnings.warn('torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use '
                  'torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple '
                  'parameters.', UserWarning, stacklevel=2)
    if not matrices:
        raise RuntimeError('chain_matmul(): Expected one or more matrices')
    for i, m in enumerate(matrices):
        if m._data.ndim != 2:
            raise RuntimeError(f'Tensor dimension is {m._data.ndim}, expected 2 instead.')
    if len(matrices) == 1:
        return _out(matrices[0].clone(), out)
    result = matrices[0]
    for m in matrices[1:]:
        result = mm(result, m)
    return _out(result, out)


from .linalg_einsum import EinsumMethods  # noqa: E402 - these modules import the products above
from .linalg_decomp import DecompMethods  # noqa: E402
from .linalg_norm import NormMethods  # noqa: E402
from .linalg_lstsq import LstsqMethods  # noqa: E402


class LinalgMethods(EinsumMethods, DecompMethods, LstsqMethods, NormMethods):
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

    def mm(self, mat2):
        return mm(self, mat2)

    def bmm(self, mat2):
        return bmm(self, mat2)

    def mv(self, vec):
        return mv(self, vec)

    def dot(self, other):
        return dot(self, other)

    def vdot(self, other):
        return vdot(self, other)

    def inner(self, other):
        return inner(self, other)

    def outer(self, vec2):
        return outer(self, vec2)

    ger = outer

    def addmm(self, mat1, mat2, *, beta=1, alpha=1):
        return addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def addmv(self, mat, vec, *, beta=1, alpha=1):
        return addmv(self, mat, vec, beta=beta, alpha=alpha)

    def addr(self, vec1, vec2, *, beta=1, alpha=1):
        return addr(self, vec1, vec2, beta=beta, alpha=alpha)

    def baddbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return baddbmm(self, batch1, batch2, beta=beta, alpha=alpha)

    def addbmm(self, batch1, batch2, *, beta=1, alpha=1):
        return addbmm(self, batch1, batch2, beta=beta, alpha=alpha)

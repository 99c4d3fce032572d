"""Contractions written as einsum (einsum, tensordot, kron, trace) and cross, cdist, searchsorted, bucketize.

``Einsum`` is one primitive over an explicit equation of letters (ellipses and implicit outputs are resolved before
``apply``); its backward is again einsum: the gradient of an operand contracts the output gradient with the other
operands onto that operand's subscripts (NOTE [ Einsum backward ]).
"""
from __future__ import annotations

__all__ = ['einsum', 'tensordot', 'kron', 'trace', 'cross', 'cdist', 'searchsorted', 'bucketize']

import operator
import string
import warnings

from .. import _dtype as dt
from ..autograd.function import Primitive, _function_tensor, _xp_of
from ._util import wrap_dim
from .inplace import _type_word
from .linalg import _out, broadcast_shapes, conj

_LETTERS = string.ascii_uppercase + string.ascii_lowercase


def _const(array):
    return _function_tensor()._make(array)


# ------------------------------------------------------------------------------------------------ einsum

# NOTE [ Einsum backward ]
# For ``out = einsum('ab,bc->ac', x, y)`` the gradient of ``x`` is ``einsum('ac,bc->ab', grad, y)``. Two cases need
# more: a letter that appears only in the operand itself (summed away, e.g. ``'ab->a'``) is absent from every other
# term, so the gradient is computed without it and expanded back; a letter repeated within the operand (a diagonal,
# e.g. ``'ii->i'``) is computed once and placed on the diagonal by contracting with an identity matrix.

class Einsum(Primitive):
    @staticmethod
    def forward(ctx, *operands, terms, output):
        xp = ctx.xp
        ctx.terms, ctx.output = terms, output
        ctx.save_for_backward(*operands)
        half = operands[0].dtype.itemsize == 2 and operands[0].dtype.kind in 'fV'
        arrays = [o.astype(xp.float32) for o in operands] if half else operands
        result = xp.einsum(','.join(terms) + '->' + output, *arrays, optimize=len(arrays) > 2)
        return xp.asarray(result).astype(operands[0].dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        operands = ctx.saved_tensors
        terms, output = ctx.terms, ctx.output
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            term = terms[k]
            others = [(conj(operands[j]), terms[j]) for j in range(len(terms)) if j != k]
            available = set(output).union(*(t for _, t in others))
            unique = ''.join(dict.fromkeys(term))
            keep = ''.join(c for c in unique if c in available)
            g = _einsum_letters([grad] + [o for o, _ in others], [output] + [t for _, t in others], keep)
            if keep != unique:  # letters summed only inside this operand: broadcast the gradient over them
                sizes = {c: operands[k]._data.shape[term.index(c)] for c in unique}
                for i, c in enumerate(unique):
                    if c not in keep:
                        g = g.unsqueeze(i)
                g = g.expand(*[sizes[c] if c not in keep else g.shape[i] for i, c in enumerate(unique)])
            if len(unique) != len(term):  # repeated letters: put the gradient on the diagonal
                g = _to_diagonal(ctx.xp, g, unique, term, operands[k])
            grads.append(g)
        return tuple(grads)


def _to_diagonal(xp, g, unique, term, operand):
    free = [c for c in _LETTERS if c not in term]
    seen = set()
    new_term = []
    eyes, eye_terms = [], []
    for pos, c in enumerate(term):
        if c in seen:
            fresh = free.pop()
            new_term.append(fresh)
            n = operand._data.shape[pos]
            eyes.append(_const(xp.eye(n, dtype=operand._data.dtype)))
            eye_terms.append(c + fresh)
        else:
            seen.add(c)
            new_term.append(c)
    return _einsum_letters([g] + eyes, [unique] + eye_terms, ''.join(new_term))


def _einsum_letters(operands, terms, output):
    """Einsum over already-normalised letter terms, with size-1 broadcasting."""
    return Einsum.apply(*operands, terms=tuple(terms), output=output)


def _sublist_equation(args):
    """``einsum(op1, [0, 1], op2, [1, 2], [0, 2])`` → an equation and the operands."""
    operands, terms = [], []
    args = list(args)
    output = None
    if len(args) % 2 == 1:
        output = args.pop()

    def letters(sub):
        return ''.join('...' if s is Ellipsis else _LETTERS[26 + operator.index(s)] if operator.index(s) < 26 else
                       _LETTERS[operator.index(s) - 26] for s in sub)
    for i in range(0, len(args), 2):
        operands.append(args[i])
        terms.append(letters(args[i + 1]))
    return ','.join(terms) + ('' if output is None else '->' + letters(output)), operands


def einsum(*args):
    """Einstein summation with PyTorch's equation syntax (``'...'``, implicit output, broadcasting).

    >>> ember.einsum('ij,jk->ik', ember.ones(2, 3), ember.ones(3, 4)).shape
    torch.Size([2, 4])
    """
    if not args:
        raise TypeError("einsum(): missing required argument 'equation'")
    if not isinstance(args[0], str):
        equation, operands = _sublist_equation(args)
    else:
        equation, operands = args[0], args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    terms, output = _parse_equation(equation, operands)
    result_dtype = dt.result_type(*operands) if len(operands) > 1 else operands[0]._dtype
    if result_dtype is dt.bool:
        raise NotImplementedError('"einsum" not implemented for \'Bool\'')
    operands = [o if o._dtype is result_dtype else o.to(result_dtype) for o in operands]
    operands = _broadcast_labels(operands, terms)
    return Einsum.apply(*operands, terms=tuple(terms), output=output)


def _parse_equation(equation, operands):
    """Resolve ellipses to letters and the implicit output; check subscripts and sizes as PyTorch does."""
    for i, c in enumerate(equation):
        if not (c in _LETTERS or c in '.,-> '):
            raise RuntimeError(f'einsum(): invalid subscript given at index {i} in the equation string, subscripts '
                               'must be in [a-zA-Z]')
    eq = equation.replace(' ', '')
    lhs, arrow, rhs = eq.partition('->')
    raw_terms = lhs.split(',')
    if len(raw_terms) > len(operands):
        raise RuntimeError('einsum(): fewer operands were provided than specified in the equation')
    if len(raw_terms) < len(operands):
        raise RuntimeError('einsum(): more operands were provided than specified in the equation')
    used = set(eq)
    free = [c for c in _LETTERS if c not in used]
    ellipsis_dims = []
    for k, (term, op) in enumerate(zip(raw_terms, operands)):
        n = op._data.ndim
        letters = term.replace('...', '')
        if '...' in term:
            if len(letters) > n:
                raise RuntimeError(f'einsum(): the number of subscripts in the equation ({len(letters)}) is more than '
                                   f'the number of dimensions ({n}) for operand {k}')
            ellipsis_dims.append(n - len(letters))
        else:
            if len(letters) != n:
                raise RuntimeError(f'einsum(): the number of subscripts in the equation ({len(letters)}) does not '
                                   f'match the number of dimensions ({n}) for operand {k} and no ellipsis was given')
            ellipsis_dims.append(0)
    n_ell = max(ellipsis_dims, default=0)
    ell = ''.join(free[:n_ell])
    terms = [t.replace('...', ell[n_ell - d:]) for t, d in zip(raw_terms, ellipsis_dims)]
    if arrow:
        output = rhs.replace('...', ell)
        for c in output:
            if not any(c in t for t in terms):
                raise RuntimeError(f'einsum(): output subscript {c} does not appear in the equation for any input '
                                   'operand')
            if output.count(c) > 1:
                raise RuntimeError(f'einsum(): output subscript {c} appears more than once in the output')
    else:
        counts = {}
        for c in ''.join(raw_terms).replace('.', ''):
            counts[c] = counts.get(c, 0) + 1
        output = ell + ''.join(sorted(c for c, n in counts.items() if n == 1))
    sizes = {}
    for k, (term, op) in enumerate(zip(terms, operands)):
        seen = {}
        for c, s in zip(term, op._data.shape):
            if c in seen and seen[c] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f'{s} != {seen[c]}')
            seen[c] = s
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != 1 and s != prev:
                raise RuntimeError(f'einsum(): subscript {c} has size {s} for operand {k} which does not broadcast '
                                   f'with previously seen size {prev}')
    return terms, output


def _broadcast_labels(operands, terms):
    """Expand size-1 dims to the size their letter has elsewhere (PyTorch broadcasts them; NumPy may not)."""
    sizes = {}
    for term, op in zip(terms, operands):
        for c, s in zip(term, op._data.shape):
            if s != 1:
                sizes[c] = s
    out = []
    for term, op in zip(terms, operands):
        shape = tuple(op._data.shape)
        target = tuple(sizes.get(c, s) for c, s in zip(term, shape))
        out.append(op if target == shape else op.expand(*target))
    return out


# ------------------------------------------------------------------------------------------------ tensordot, kron

def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` trailing dims of ``a`` with leading dims of ``b`` (or the listed dims of each).

    >>> ember.tensordot(ember.ones(2, 3), ember.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    if hasattr(dims, '_data'):
        dims = dims.tolist()
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise RuntimeError('tensordot expects dims to be a pair of lists of dims')
        dims_a, dims_b = dims
        dims_a = [dims_a] if isinstance(dims_a, int) else list(dims_a)
        dims_b = [dims_b] if isinstance(dims_b, int) else list(dims_b)
    else:
        n = operator.index(dims)
        if n < 0:
            raise RuntimeError(f'tensordot expects dims >= 0, but got dims={n}')
        if n > a._data.ndim or n > b._data.ndim:
            raise RuntimeError(f'tensordot expects dims < ndim_a or ndim_b, but got dims={n}')
        dims_a = list(range(-n, 0))
        dims_b = list(range(n))
    if len(dims_a) != len(dims_b):
        raise RuntimeError('both dimension lists should have same length')
    if a._dtype is not b._dtype:
        raise RuntimeError('both inputs should have same dtype')
    letters = iter(_LETTERS)
    term_a = [next(letters) for _ in range(a._data.ndim)]
    term_b = [next(letters) for _ in range(b._data.ndim)]
    for da, db in zip(dims_a, dims_b):
        ia, ib = wrap_dim(da, a._data.ndim, 'tensordot'), wrap_dim(db, b._data.ndim, 'tensordot')
        sa, sb = a._data.shape[ia], b._data.shape[ib]
        if sa != sb:
            raise RuntimeError(f'contracted dimensions need to match, but first has size {sa} in dim {da} and second '
                               f'has size {sb} in dim {db}')
        term_b[ib] = term_a[ia]
    contracted = set(term_a) & set(term_b)
    output = ''.join(c for c in term_a if c not in contracted) + ''.join(c for c in term_b if c not in contracted)
    if a._dtype is dt.bool:
        raise NotImplementedError('"addmm_impl_cpu_" not implemented for \'Bool\'')
    return _out(Einsum.apply(a, b, terms=(''.join(term_a), ''.join(term_b)), output=output), out)


def kron(input, other, *, out=None):
    """Kronecker product (operands of different rank are padded with leading size-1 dims).

    >>> ember.kron(ember.eye(2), ember.ones(2, 2)).shape
    torch.Size([4, 4])
    """
    n = max(input._data.ndim, other._data.ndim)
    sa = (1,) * (n - input._data.ndim) + tuple(input._data.shape)
    sb = (1,) * (n - other._data.ndim) + tuple(other._data.shape)
    a = input.reshape(*[s for x in sa for s in (x, 1)])
    b = other.reshape(*[s for x in sb for s in (1, x)])
    return _out((a * b).reshape(*[x * y for x, y in zip(sa, sb)]), out)


class Trace(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        dtype = ctx.xp.int64 if x.dtype.kind in 'iub' else None
        return ctx.xp.asarray(ctx.xp.trace(x, dtype=dtype))

    @staticmethod
    def backward(ctx, grad):
        n, m = ctx.shape
        return grad * _const(ctx.xp.eye(n, m, dtype=grad._data.dtype))


def trace(input):
    """Sum of the main diagonal of a 2-D tensor."""
    if input._data.ndim != 2:
        raise RuntimeError(f'trace: expected a matrix, but got tensor with dim {input._data.ndim}')
    if input._dtype is dt.bool:
        raise NotImplementedError('"trace" not implemented for \'Bool\'')
    return Trace.apply(input)


# ------------------------------------------------------------------------------------------------ cross, cdist

class Cross(Primitive):
    @staticmethod
    def forward(ctx, a, b, *, dim):
        ctx.dim = dim
        ctx.save_for_backward(a, b)
        return ctx.xp.cross(a, b, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need_a, need_b = ctx.needs_input_grad
        grad_a = Cross.apply(conj(b), grad, dim=ctx.dim) if need_a else None
        grad_b = Cross.apply(grad, conj(a), dim=ctx.dim) if need_b else None
        return grad_a, grad_b


def _cross(input, other, dim, dim_given):
    if input._data.ndim != other._data.ndim:
        raise RuntimeError('linalg.cross: inputs must have the same number of dimensions.')
    d = wrap_dim(dim, input._data.ndim, 'cross')
    if input._data.shape[d] != 3 or other._data.shape[d] != 3:
        raise RuntimeError(f'linalg.cross: inputs dimension {dim_given} must have length 3. Got '
                           f'{input._data.shape[d]} and {other._data.shape[d]}')
    shape = broadcast_shapes(input._data.shape, other._data.shape)
    if input._dtype is not other._dtype:
        raise RuntimeError(f'expected scalar type {_type_word(input._dtype)} but found {_type_word(other._dtype)}')
    del shape
    return Cross.apply(input, other, dim=d)


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dim of size 3, deprecated as in PyTorch)."""
    if dim is None:
        warnings.warn('Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim '
                      'explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree '
                      'with that of linalg.cross in a future release.', UserWarning, stacklevel=2)
        if input._data.ndim != other._data.ndim:
            raise RuntimeError('linalg.cross: inputs must have the same number of dimensions.')
        shape = broadcast_shapes(input._data.shape, other._data.shape)
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError('no dimension of size 3 in input')
    return _out(_cross(input, other, dim, dim), out)


def linalg_cross(input, other, *, dim=-1, out=None):
    """``torch.linalg.cross``: cross product along ``dim`` (default -1), with broadcasting."""
    return _out(_cross(input, other, dim, dim), out)


def cdist(x1, x2, p=2.0, compute_mode='use_mm_for_euclid_dist_if_necessary'):
    """p-norm distances between the rows of ``x1`` (``*, P, M``) and ``x2`` (``*, R, M``): shape ``(*, P, R)``."""
    for name, x in (('X1', x1), ('X2', x2)):
        if x._data.ndim < 2:
            raise RuntimeError(f'cdist only supports at least 2D tensors, {name} got: {x._data.ndim}D')
    if x1._data.shape[-1] != x2._data.shape[-1]:
        raise RuntimeError(f'X1 and X2 must have the same number of columns. X1: {x1._data.shape[-1]} X2: '
                           f'{x2._data.shape[-1]}')
    for name, x in (('X1', x1), ('X2', x2)):
        if not x._dtype.is_floating_point:
            raise RuntimeError(f'cdist only supports floating-point dtypes, {name} got: {_type_word(x._dtype)}')
    if p < 0:
        raise RuntimeError('cdist only supports non-negative p values')
    if x1._dtype is not x2._dtype:
        raise RuntimeError(f'expected scalar type {_type_word(x1._dtype)} but found {_type_word(x2._dtype)}')
    broadcast_shapes(x1._data.shape[:-2], x2._data.shape[:-2])
    from .linalg_norm import vector_norm  # noqa: PLC0415
    return vector_norm(x1.unsqueeze(-2) - x2.unsqueeze(-3), p, dim=-1)


# ------------------------------------------------------------------------------------------------ searchsorted

def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None, out=None):
    """Indices where ``input`` would be inserted into the innermost dim of ``sorted_sequence`` to keep it sorted.

    >>> ember.searchsorted(ember.tensor([1, 3, 5]), ember.tensor([3, 4]))
    tensor([1, 2])
    """
    Tensor = _function_tensor()
    op = 'torch.searchsorted()'
    if side is not None:
        if side not in ('left', 'right'):
            raise RuntimeError(f"{op}: side can only be 'left' or 'right' but got {side}")
        if right and side == 'left':
            raise RuntimeError(f"{op}: side and right can't be set to opposites, got side of left while right was "
                               'True')
        right = side == 'right'
    seq = sorted_sequence._data
    if seq.ndim == 0:
        raise RuntimeError(f'{op}: boundaries tensor should have positive dimension, but got 0 dimension')
    scalar = not isinstance(input, Tensor)
    values = _xp_of(seq).asarray(input) if scalar else input._data
    if scalar and seq.ndim != 1:
        raise RuntimeError(f"{op}: input value can be a scalar only when boundaries tensor dimension is 1, but we got "
                           f"boundaries tensor dim({seq.ndim}) and input value's dim(0) numel(1)")
    if seq.ndim != 1 and tuple(seq.shape[:-1]) != tuple(values.shape[:-1]):
        raise RuntimeError(f'{op}: boundaries tensor should be 1 dimension or the first N-1 dimensions of boundaries '
                           f'tensor and input value tensor must match, but we got boundaries tensor '
                           f'{list(seq.shape)} and input value tensor {list(values.shape)}')
    if sorter is not None:
        if sorter._dtype is not dt.int64:
            raise RuntimeError(f'{op}: sorter must be a tensor of long dtype but got dtype {_type_word(sorter._dtype)}')
        if tuple(sorter._data.shape) != tuple(seq.shape):
            raise RuntimeError(f'{op}: boundary and sorter must have the same size, but got boundary tensor '
                               f'{list(seq.shape)}and got sorter tensor {list(sorter._data.shape)}')
    result = _searchsorted(seq, values, 'right' if right else 'left',
                           None if sorter is None else sorter._data, out_int32)
    return _out(Tensor._make(result), out)


def _searchsorted(seq, values, side, sorter, out_int32):
    xp = _xp_of(seq)
    index_dtype = xp.int32 if out_int32 else xp.int64
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter, axis=-1)
    if seq.ndim == 1:
        return xp.asarray(xp.searchsorted(seq, values, side=side)).astype(index_dtype)
    flat_seq = seq.reshape(-1, seq.shape[-1])
    flat_values = values.reshape(flat_seq.shape[0], -1)
    result = xp.empty(flat_values.shape, dtype=index_dtype)
    for i in range(flat_seq.shape[0]):
        result[i] = xp.searchsorted(flat_seq[i], flat_values[i], side=side)
    return result.reshape(values.shape)


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """Bucket index of each element of ``input`` in the 1-D ``boundaries``."""
    if boundaries._data.ndim != 1:
        raise RuntimeError(f'boundaries tensor must be 1 dimension, but got dim({boundaries._data.ndim})')
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


class EinsumMethods:
    """Tensor methods of the contraction ops (mixed into Tensor through LinalgMethods)."""

    __slots__ = ()

    def trace(self):
        return trace(self)

    def kron(self, other):
        return kron(self, other)

    def cross(self, other, dim=None):
        return cross(self, other, dim)

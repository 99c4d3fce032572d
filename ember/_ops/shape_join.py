"""Shape ops that build new tensors: joining (``cat``, ``stack`` and the ``*stack`` helpers, ``block_diag``,
``cartesian_prod``, ``combinations``), ``atleast_*d``, rearranging (``flip``, ``roll``, ``rot90``), repeating
(``repeat``, ``tile``, ``repeat_interleave``), triangles and diagonals (``tril``, ``triu``, ``diag``, ``diag_embed``,
``diagflat``) and ``broadcast_tensors``.

Joins promote their inputs' dtypes as PyTorch does (each input's gradient is cast back to its own dtype).
"""
from __future__ import annotations

__all__ = ['cat', 'concat', 'concatenate', 'stack', 'hstack', 'vstack', 'row_stack', 'dstack', 'column_stack',
           'atleast_1d', 'atleast_2d', 'atleast_3d', 'flip', 'fliplr', 'flipud', 'roll', 'rot90', 'tile',
           'repeat_interleave', 'tril', 'triu', 'diag', 'diag_embed', 'diagflat', 'broadcast_tensors', 'block_diag',
           'cartesian_prod', 'combinations']

import functools
import itertools

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive
from ._util import shape_arg, wrap_dim, wrap_dims
from .shape_slice import _add_at, _int_arg, _ViewCopy, _writeable_view


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def _out(result, out):
    from .elementwise import _out as write_out  # noqa: PLC0415
    return write_out(result, out)


def _promoted(tensors):
    return functools.reduce(dt.promote_types, [t._dtype for t in tensors])


def _cast(grad, dtype):
    return grad if grad._dtype is dtype else grad.to(dtype)


# ------------------------------------------------------------------------------------------------ cat, stack

class Cat(Primitive):
    @staticmethod
    def forward(ctx, *arrays, dim, dtype, dtypes, skip):
        ctx.dim, ctx.dtypes, ctx.skip = dim, dtypes, skip
        ctx.shapes = [a.shape for a in arrays]
        kept = [a.astype(dtype.np, copy=False) for a, s in zip(arrays, skip) if not s]
        if not kept:
            return ctx.xp.zeros((0,), dtype=dtype.np)
        return ctx.xp.concatenate(kept, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        grads, start = [], 0
        for shape, dtype, skipped, need in zip(ctx.shapes, ctx.dtypes, ctx.skip, ctx.needs_input_grad):
            if skipped:
                grads.append(grad.new_zeros(shape, dtype=dtype) if need else None)
                continue
            n = shape[ctx.dim]
            grads.append(_cast(grad.narrow(ctx.dim, start, n), dtype) if need else None)
            start += n
        return tuple(grads)


def _tensor_list(tensors, op):
    Tensor = _tensor_type()
    if isinstance(tensors, Tensor) or not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{op}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f'{type(tensors).__name__}')
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f'expected Tensor as element {i} in argument 0, but got {type(t).__name__}')
    return list(tensors)


def cat(tensors, dim=0, *, out=None):
    """The tensors joined along ``dim`` (all other sizes must match; 1-D empty tensors are skipped, as PyTorch does).

    >>> ember.cat([ember.tensor([1, 2]), ember.tensor([3])])
    tensor([1, 2, 3])
    """
    tensors = _tensor_list(tensors, 'cat')
    if not tensors:
        raise ValueError('torch.cat(): expected a non-empty list of Tensors')
    for i, t in enumerate(tensors):
        if t._data.ndim == 0:
            raise RuntimeError(f'zero-dimensional tensor (at position {i}) cannot be concatenated')
    skip = tuple(t._data.shape == (0,) for t in tensors)
    kept = [i for i, s in enumerate(skip) if not s]
    ref = tensors[kept[0]]._data.shape if kept else (0,)
    dim = wrap_dim(dim, len(ref), 'cat')
    for i in kept[1:]:
        shape = tensors[i]._data.shape
        if len(shape) != len(ref):
            raise RuntimeError(f'Tensors must have same number of dimensions: got {len(ref)} and {len(shape)}')
        for d, (a, b) in enumerate(zip(ref, shape)):
            if d != dim and a != b:
                raise RuntimeError(f'Sizes of tensors must match except in dimension {dim}. Expected size {a} but '
                                   f'got size {b} for tensor number {i} in the list.')
    dtypes = tuple(t._dtype for t in tensors)
    result = Cat.apply(*tensors, dim=dim, dtype=_promoted(tensors), dtypes=dtypes, skip=skip)
    return _out(result, out)


concat = concatenate = cat


class Stack(Primitive):
    @staticmethod
    def forward(ctx, *arrays, dim, dtype, dtypes):
        ctx.dim, ctx.dtypes = dim, dtypes
        return ctx.xp.stack([a.astype(dtype.np, copy=False) for a in arrays], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return tuple(_cast(grad.select(ctx.dim, i), d) if need else None
                     for i, (d, need) in enumerate(zip(ctx.dtypes, ctx.needs_input_grad)))


def stack(tensors, dim=0, *, out=None):
    """The tensors (all of one shape) joined along a new dim ``dim``.

    >>> ember.stack([ember.tensor([1, 2]), ember.tensor([3, 4])], 1)
    tensor([[1, 3],
            [2, 4]])
    """
    tensors = _tensor_list(tensors, 'stack')
    if not tensors:
        raise RuntimeError('stack expects a non-empty TensorList')
    first = tensors[0]._data.shape
    for i, t in enumerate(tensors[1:], 1):
        if t._data.shape != first:
            raise RuntimeError(f'stack expects each tensor to be equal size, but got {list(first)} at entry 0 and '
                               f'{list(t._data.shape)} at entry {i}')
    dim = wrap_dim(dim, len(first) + 1, 'stack')
    result = Stack.apply(*tensors, dim=dim, dtype=_promoted(tensors), dtypes=tuple(t._dtype for t in tensors))
    return _out(result, out)


def _nonempty(tensors, op):
    tensors = _tensor_list(tensors, op)
    if not tensors:
        raise RuntimeError(f'{op} expects a non-empty TensorList')
    return tensors


def hstack(tensors, *, out=None):
    """``cat`` along dim 1 (dim 0 for 1-D tensors) after ``atleast_1d``."""
    tensors = [atleast_1d(t) for t in _nonempty(tensors, 'hstack')]
    return cat(tensors, 0 if tensors[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """``cat`` along dim 0 after ``atleast_2d``.

    >>> ember.vstack([ember.tensor([1, 2]), ember.tensor([3, 4])]).shape
    torch.Size([2, 2])
    """
    return cat([atleast_2d(t) for t in _nonempty(tensors, 'vstack')], 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """``cat`` along dim 2 after ``atleast_3d``."""
    return cat([atleast_3d(t) for t in _nonempty(tensors, 'dstack')], 2, out=out)


def column_stack(tensors, *, out=None):
    """The tensors as columns: 0-D and 1-D ones become ``(n, 1)``, then ``cat`` along dim 1."""
    tensors = _nonempty(tensors, 'column_stack')
    return cat([t.reshape(t._data.size, 1) if t._data.ndim <= 1 else t for t in tensors], 1, out=out)


def _atleast(tensors, fn):
    if len(tensors) == 1:
        if isinstance(tensors[0], (list, tuple)):
            return tuple(fn(t) for t in tensors[0])
        return fn(tensors[0])
    return tuple(fn(t) for t in tensors)


def _at_least_1d(t):
    return t.reshape(1) if t._data.ndim == 0 else t


def _at_least_2d(t):
    n = t._data.ndim
    return t.reshape(1, 1) if n == 0 else t.unsqueeze(0) if n == 1 else t


def _at_least_3d(t):
    n = t._data.ndim
    if n == 0:
        return t.reshape(1, 1, 1)
    if n == 1:
        return t.unsqueeze(0).unsqueeze(-1)
    return t.unsqueeze(-1) if n == 2 else t


def atleast_1d(*tensors):
    """Each tensor with at least one dim (0-D ones become 1-D views); one tensor in, one out.

    >>> ember.atleast_1d(ember.tensor(1.))
    tensor([1.])
    """
    return _atleast(tensors, _at_least_1d)


def atleast_2d(*tensors):
    """Each tensor with at least two dims (views: leading size-1 dims)."""
    return _atleast(tensors, _at_least_2d)


def atleast_3d(*tensors):
    """Each tensor with at least three dims (views: 1-D ``(n,)`` becomes ``(1, n, 1)``, 2-D gains a last dim)."""
    return _atleast(tensors, _at_least_3d)


# ------------------------------------------------------------------------------------------------ flip, roll, rot90

class Flip(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims):
        ctx.dims = dims
        return ctx.xp.flip(x, axis=dims).copy() if dims and x.ndim else x.copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def flip(input, dims):
    """A copy with the order of elements reversed along ``dims``.

    >>> ember.tensor([[1, 2], [3, 4]]).flip(1)
    tensor([[2, 1],
            [4, 3]])
    """
    dims = wrap_dims(dims if isinstance(dims, (list, tuple)) else (dims,), input._data.ndim, 'flip')
    return Flip.apply(input, dims=dims)


def fliplr(input):
    """``flip`` along dim 1 (the tensor must have at least 2 dims)."""
    if input._data.ndim < 2:
        raise RuntimeError('Input must be >= 2-d.')
    return flip(input, (1,))


def flipud(input):
    """``flip`` along dim 0 (the tensor must have at least 1 dim)."""
    if input._data.ndim < 1:
        raise RuntimeError('Input must be >= 1-d.')
    return flip(input, (0,))


class Roll(Primitive):
    @staticmethod
    def forward(ctx, x, *, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        return ctx.xp.roll(x, shifts, axis=dims)

    @staticmethod
    def backward(ctx, grad):
        shifts = -ctx.shifts if isinstance(ctx.shifts, int) else tuple(-s for s in ctx.shifts)
        return Roll.apply(grad, shifts=shifts, dims=ctx.dims)


def roll(input, shifts, dims=None):
    """Elements shifted cyclically by ``shifts`` along ``dims`` (over the flattened tensor when ``dims`` is None).

    >>> ember.tensor([1, 2, 3]).roll(1)
    tensor([3, 1, 2])
    """
    shifts = tuple(_int_arg(s, 'roll', 'shifts') for s in shifts) if isinstance(shifts, (list, tuple)) else \
        (_int_arg(shifts, 'roll', 'shifts'),)
    if not shifts:
        raise RuntimeError('`shifts` required')
    ndim = input._data.ndim
    if dims is None or (isinstance(dims, (list, tuple)) and not dims):
        if len(shifts) != 1:
            raise RuntimeError(f'shifts and dimensions must align. shifts: {len(shifts)}, dims:0')
        return Roll.apply(input, shifts=shifts[0], dims=None)
    dims = tuple(dims) if isinstance(dims, (list, tuple)) else (dims,)
    if len(dims) != len(shifts):
        raise RuntimeError(f'shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}')
    if ndim == 0:
        raise IndexError(f'Dimension specified as {dims[0]} but tensor has no dimensions')
    dims = tuple(wrap_dim(d, ndim, 'roll') for d in dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


class Rot90(Primitive):
    @staticmethod
    def forward(ctx, x, *, k, dims):
        ctx.k, ctx.dims = k, dims
        return ctx.xp.rot90(x, k, axes=dims).copy()

    @staticmethod
    def backward(ctx, grad):
        return Rot90.apply(grad, k=-ctx.k, dims=ctx.dims)


def rot90(input, k=1, dims=(0, 1)):
    """A copy rotated by 90 degrees ``k`` times in the plane of ``dims``, from the first towards the second.

    >>> ember.tensor([[1, 2], [3, 4]]).rot90()
    tensor([[2, 4],
            [1, 3]])
    """
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f'expected total rotation dims == 2, but got dims = {len(dims)}')
    ndim = input._data.ndim
    if ndim < 2:
        raise RuntimeError(f'expected total dims >= 2, but got total dims = {ndim}')
    d0, d1 = wrap_dim(dims[0], ndim, 'rot90'), wrap_dim(dims[1], ndim, 'rot90')
    if d0 == d1:
        raise RuntimeError(f'expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}')
    return Rot90.apply(input, k=_int_arg(k, 'rot90', 'k') % 4, dims=(d0, d1))


# ------------------------------------------------------------------------------------------------ repeat, tile

class Repeat(Primitive):
    @staticmethod
    def forward(ctx, x, *, repeats):
        ctx.in_shape = x.shape
        padded = (1,) * (len(repeats) - x.ndim) + x.shape
        ctx.padded, ctx.repeats = padded, repeats
        return ctx.xp.tile(x.reshape(padded), repeats)

    @staticmethod
    def backward(ctx, grad):
        split = []
        for r, s in zip(ctx.repeats, ctx.padded):
            split += [r, s]
        summed = grad.reshape(split).sum(tuple(range(0, len(split), 2))) if split else grad
        return summed.reshape(ctx.in_shape)


def _repeat(input, repeats, op='repeat'):
    shape = input._data.shape
    if len(repeats) < len(shape):
        raise RuntimeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor')
    padded = (1,) * (len(repeats) - len(shape)) + shape
    out_shape = [r * s for r, s in zip(repeats, padded)]
    for s in out_shape:
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: {out_shape}')
    return Repeat.apply(input, repeats=tuple(repeats))


def tile(input, dims):
    """``input`` repeated ``dims[i]`` times along each dim (``dims`` padded with leading ones).

    >>> ember.tensor([1, 2]).tile(2)
    tensor([1, 2, 1, 2])
    """
    dims = shape_arg((dims,) if isinstance(dims, (list, tuple)) else (dims,), 'tile')
    dims = (1,) * (input._data.ndim - len(dims)) + dims
    return _repeat(input, dims, 'tile')


class IndexSelect(Primitive):
    """The slices of ``x`` at ``index`` along ``dim`` (``repeat_interleave`` with tensor repeats, ``combinations``)."""

    @staticmethod
    def forward(ctx, x, *, index, dim):
        ctx.index, ctx.dim, ctx.shape = index, dim, x.shape
        return ctx.xp.take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return _IndexAdd.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape)


class _IndexAdd(Primitive):
    @staticmethod
    def forward(ctx, grad, *, index, dim, shape):
        ctx.index, ctx.dim = index, dim
        xp = ctx.xp
        out = xp.zeros(shape, dtype=grad.dtype)
        _add_at(xp.moveaxis(out, dim, 0), index, xp.moveaxis(grad, dim, 0))  # a view: adding into it fills out
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexSelect.apply(grad, index=ctx.index, dim=ctx.dim)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along ``dim``) repeated ``repeats`` times (an int, or a tensor of counts per slice);
    ``dim=None`` works on the flattened input. ``repeat_interleave(counts)`` gives the repeated indices.

    >>> ember.tensor([1, 2]).repeat_interleave(2)
    tensor([1, 1, 2, 2])
    """
    Tensor = _tensor_type()
    if repeats is None:
        counts = input
        if counts._data.ndim != 1:
            raise RuntimeError('repeat_interleave only accept 1D vector as repeat')
        return repeat_interleave(Tensor._make(numpy.arange(counts._data.shape[0], dtype=numpy.int64)), counts,
                                 output_size=output_size)
    if isinstance(repeats, Tensor):
        if repeats._data.ndim > 1:
            raise RuntimeError('repeats must be 0-dim or 1-dim tensor')
        if repeats._dtype._kind > 1 or repeats._dtype is dt.bool:
            from .inplace import _type_word  # noqa: PLC0415
            raise NotImplementedError(f'"repeat_interleave_cpu" not implemented for \'{_type_word(repeats._dtype)}\'')
        if repeats._data.size == 1:  # one count applies to every slice
            repeats = int(repeats._data.reshape(()))
    if dim is None:
        input = input.reshape(-1)
        dim = 0
    dim = wrap_dim(dim, input._data.ndim, 'repeat_interleave')
    shape = input._data.shape
    if not isinstance(repeats, Tensor):
        count = _int_arg(repeats, 'repeat_interleave', 'repeats')
        if count < 0:
            raise RuntimeError('Repeats must be non-negative')
        if output_size is not None and output_size != (shape[dim] if shape else 1) * count:
            raise RuntimeError('allocated size does not match required size')
        if not shape:
            input, dim, shape = input.reshape(1), 0, (1,)
        expanded = input.unsqueeze(dim + 1).expand(shape[:dim + 1] + (count,) + shape[dim + 1:])
        return expanded.clone().view(shape[:dim] + (shape[dim] * count,) + shape[dim + 1:])
    counts = repeats._data.reshape(-1)
    size = shape[dim] if shape else 1
    if counts.shape[0] != size:
        raise RuntimeError(f'repeats must have the same size as input along dim, but got repeats.size(0) = '
                           f'{counts.shape[0]} and input.size({dim}) = {size}')
    if (counts < 0).any():
        raise RuntimeError('repeats can not be negative')
    index = numpy.repeat(numpy.arange(size, dtype=numpy.int64), numpy.asarray(counts, dtype=numpy.int64))
    if output_size is not None and output_size != index.shape[0]:
        raise RuntimeError('allocated size does not match required size')
    if not shape:
        input = input.reshape(1)
    return IndexSelect.apply(input, index=index, dim=dim)


# ------------------------------------------------------------------------------------------------ triangles, diagonals

class Tril(Primitive):
    @staticmethod
    def forward(ctx, x, *, diagonal):
        ctx.diagonal = diagonal
        return ctx.xp.tril(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, diagonal=ctx.diagonal)


class Triu(Tril):
    @staticmethod
    def forward(ctx, x, *, diagonal):
        ctx.diagonal = diagonal
        return ctx.xp.triu(x, diagonal)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, diagonal=ctx.diagonal)


def _triangle(cls, input, diagonal, op, out):
    if input._data.ndim < 2:
        raise RuntimeError(f'{op}: input tensor must have at least 2 dimensions')
    return _out(cls.apply(input, diagonal=_int_arg(diagonal, op, 'diagonal')), out)


def tril(input, diagonal=0, *, out=None):
    """The lower triangle of the last two dims (elements above ``diagonal`` zeroed).

    >>> ember.ones(2, 2).tril()
    tensor([[1., 0.],
            [1., 1.]])
    """
    return _triangle(Tril, input, diagonal, 'tril', out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle of the last two dims (elements below ``diagonal`` zeroed)."""
    return _triangle(Triu, input, diagonal, 'triu', out)


class DiagEmbed(Primitive):
    @staticmethod
    def forward(ctx, x, *, offset, dim1, dim2):
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        n = x.shape[-1] + abs(offset)
        shape = list(x.shape[:-1])
        for d in sorted((dim1, dim2)):
            shape.insert(d, n)
        out = ctx.xp.zeros(shape, dtype=x.dtype)
        _writeable_view(out.diagonal(offset, dim1, dim2), out)[...] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.diagonal(ctx.offset, ctx.dim1, ctx.dim2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """A tensor whose diagonals (``offset``) in the plane ``dim1``, ``dim2`` hold the last dim of ``input``.

    >>> ember.diag_embed(ember.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    ndim = input._data.ndim + 1
    d1, d2 = wrap_dim(dim1, ndim, 'diag_embed'), wrap_dim(dim2, ndim, 'diag_embed')
    if d1 == d2:
        raise RuntimeError(f'diagonal dimensions cannot be identical {dim1}, {dim2}')
    return DiagEmbed.apply(input, offset=_int_arg(offset, 'diag_embed', 'offset'), dim1=d1, dim2=d2)


class DiagonalCopy(_ViewCopy):
    _backward_name = 'DiagonalBackward0_copy'


def diag(input, diagonal=0, *, out=None):
    """A 1-D tensor as the ``diagonal``-th diagonal of a square matrix, or that diagonal of a matrix (a copy).

    >>> ember.diag(ember.tensor([[1, 2], [3, 4]]))
    tensor([1, 4])
    """
    ndim = input._data.ndim
    if ndim not in (1, 2):
        raise RuntimeError(f'diag(): Supports 1D or 2D tensors. Got {ndim}D')
    k = _int_arg(diagonal, 'diag', 'diagonal')
    if ndim == 1:
        return _out(diag_embed(input, k, 0, 1), out)
    return _out(DiagonalCopy.apply(input, fn=lambda a: _writeable_view(a.diagonal(k), a)), out)


def diagflat(input, offset=0):
    """The flattened input as the ``offset``-th diagonal of a square matrix."""
    return diag_embed(input.reshape(-1), offset, 0, 1)


# ------------------------------------------------------------------------------------------------ broadcast, products

def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (views; a tensor of that shape is returned as it is).

    >>> [t.shape for t in ember.broadcast_tensors(ember.zeros(2, 1), ember.zeros(3))]
    [torch.Size([2, 3]), torch.Size([2, 3])]
    """
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    shape = ()
    for t in tensors:
        other = t._data.shape
        n = max(len(shape), len(other))
        a, b = (1,) * (n - len(shape)) + shape, (1,) * (n - len(other)) + other
        merged = []
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y and x != 1 and y != 1:
                raise RuntimeError(f'The size of tensor a ({x}) must match the size of tensor b ({y}) at '
                                   f'non-singleton dimension {i}')
            merged.append(y if x == 1 else x)
        shape = tuple(merged)
    return tuple(t if t._data.shape == shape else t.expand(shape) for t in tensors)


class BlockDiag(Primitive):
    @staticmethod
    def forward(ctx, *arrays, dtype, dtypes):
        ctx.dtypes = dtypes
        blocks = [a.reshape((1,) * (2 - a.ndim) + a.shape) for a in arrays]
        ctx.shapes = [a.shape for a in arrays]
        ctx.corners = list(itertools.accumulate(((b.shape[0], b.shape[1]) for b in blocks),
                                                lambda p, q: (p[0] + q[0], p[1] + q[1]), initial=(0, 0)))
        rows, cols = ctx.corners[-1]
        out = ctx.xp.zeros((rows, cols), dtype=dtype.np)
        for (r, c), b in zip(ctx.corners, blocks):
            out[r:r + b.shape[0], c:c + b.shape[1]] = b
        return out

    @staticmethod
    def backward(ctx, grad):
        grads = []
        for (r, c), (r1, c1), shape, d, need in zip(ctx.corners, ctx.corners[1:], ctx.shapes, ctx.dtypes,
                                                     ctx.needs_input_grad):
            grads.append(_cast(grad.narrow(0, r, r1 - r).narrow(1, c, c1 - c).reshape(shape), d) if need else None)
        return tuple(grads)


def block_diag(*tensors):
    """The tensors (0-D, 1-D as one row, or 2-D) as blocks along the diagonal of a matrix.

    >>> ember.block_diag(ember.tensor([[1]]), ember.tensor([2, 3]))
    tensor([[1, 0, 0],
            [0, 2, 3]])
    """
    for i, t in enumerate(tensors):
        if t._data.ndim > 2:
            raise RuntimeError(f'torch.block_diag: Input tensors must have 2 or fewer dimensions. Input {i} has '
                               f'{t._data.ndim} dimensions')
    if not tensors:
        from .._creation import zeros  # noqa: PLC0415
        return zeros(1, 0)
    return BlockDiag.apply(*tensors, dtype=_promoted(tensors), dtypes=tuple(t._dtype for t in tensors))


def _check_vector(t):
    if t._data.ndim != 1:
        raise RuntimeError(f'Expect a 1D vector, but got shape {list(t._data.shape)}')


def cartesian_prod(*tensors):
    """The cartesian product of 1-D tensors as rows (``itertools.product`` order); one tensor is returned as is.

    >>> ember.cartesian_prod(ember.tensor([1, 2]), ember.tensor([3, 4]))
    tensor([[1, 3],
            [1, 4],
            [2, 3],
            [2, 4]])
    """
    for t in tensors:
        _check_vector(t)
    if len(tensors) == 1:
        return tensors[0]
    if any(t._dtype is not tensors[0]._dtype for t in tensors):
        raise RuntimeError('meshgrid expects all tensors to have the same dtype')
    sizes = tuple(t._data.shape[0] for t in tensors)
    columns = []
    for i, t in enumerate(tensors):
        shape = [1] * len(sizes)
        shape[i] = sizes[i]
        columns.append(t.reshape(shape).expand(sizes).reshape(-1))
    return stack(columns, 1)


def combinations(input, r=2, with_replacement=False):
    """The length-``r`` combinations of a 1-D tensor's elements as rows (``itertools.combinations`` order).

    >>> ember.combinations(ember.tensor([1, 2, 3]))
    tensor([[1, 2],
            [1, 3],
            [2, 3]])
    """
    _check_vector(input)
    r = _int_arg(r, 'combinations', 'r')
    if r < 0:
        raise RuntimeError(f'Expect a non-negative number, but got {r}')
    if r == 0:
        return input.new_empty((0,))
    pick = itertools.combinations_with_replacement if with_replacement else itertools.combinations
    rows = numpy.array(list(pick(range(input._data.shape[0]), r)), dtype=numpy.int64).reshape(-1, r)
    return stack([IndexSelect.apply(input, index=rows[:, j].copy(), dim=0) for j in range(r)], 1)


# ------------------------------------------------------------------------------------------------ Tensor methods

class ShapeJoinMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def flip(self, *dims):
        return flip(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims)

    def fliplr(self):
        return fliplr(self)

    def flipud(self):
        return flipud(self)

    def roll(self, shifts, dims=None):
        return roll(self, shifts, dims)

    def rot90(self, k=1, dims=(0, 1)):
        return rot90(self, k, dims)

    def repeat(self, *sizes):
        return _repeat(self, shape_arg(sizes, 'repeat'))

    def tile(self, *dims):
        return tile(self, dims[0] if len(dims) == 1 and isinstance(dims[0], (list, tuple)) else dims)

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return repeat_interleave(self, repeats, dim, output_size=output_size)

    def tril(self, diagonal=0):
        return tril(self, diagonal)

    def triu(self, diagonal=0):
        return triu(self, diagonal)

    def tril_(self, diagonal=0):
        from .inplace import apply_inplace  # noqa: PLC0415
        return apply_inplace(self, tril(self, diagonal), 'tril_')

    def triu_(self, diagonal=0):
        from .inplace import apply_inplace  # noqa: PLC0415
        return apply_inplace(self, triu(self, diagonal), 'triu_')

    def diag(self, diagonal=0):
        return diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return diag_embed(self, offset, dim1, dim2)

    def diagflat(self, offset=0):
        return diagflat(self, offset)

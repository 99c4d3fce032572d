"""Shape ops that take slices of their input as views: basic indexing, ``narrow``, ``select``, the split family
(``split``, ``chunk``, ``tensor_split``, ``unbind``, ``hsplit``, ...), ``diagonal``, ``unfold`` and ``as_strided``.

NOTE [ Slicing views ]
Every op here returns backend views of its input, recorded with ``mark_view`` (NOTE [ Views and in-place ops ]). A
single-output view is the ``_View`` primitive, which takes its view with a raw-array function ``fn``; its backward
writes the gradient into zeros of the input's shape through the same ``fn`` (``_ViewScatter``), or adds it at the
element positions ``fn`` picks out of ``arange`` when the view's elements overlap (``unfold`` with ``step < size``).
``_ViewScatter``'s own backward takes the view again, so gradients of any order flow. The subclasses only name the
``grad_fn`` as PyTorch does (``SliceBackward0``, ``SelectBackward0``, ...). Ops returning several views (``split``,
``chunk``, ``unbind``) are one multi-output primitive whose outputs PyTorch forbids writing in place under autograd.
"""
from __future__ import annotations

__all__ = ['narrow', 'select', 'split', 'split_with_sizes', 'chunk', 'tensor_split', 'unbind', 'hsplit', 'vsplit',
           'dsplit', 'diagonal', 'as_strided']

import operator

import numpy

from ..autograd.function import Primitive
from ._util import wrap_dim
from .inplace import mark_view, multi_output_view_fn

_ndarray = numpy.ndarray
_FULL = slice(None)


def _int_arg(value, op, name):
    """``value`` as an int: python ints, NumPy integers and integer 0-dim tensors; PyTorch's TypeError otherwise."""
    if isinstance(value, bool):
        return int(value)
    data = getattr(value, '_data', None)
    if data is not None and data.ndim == 0 and value._dtype._kind <= 1:
        return int(data)
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{op}(): argument '{name}' must be int, not {type(value).__name__}") from None


def _xp_of(array):
    if type(array) is _ndarray:
        return numpy
    from .._backend import cupy  # noqa: PLC0415
    return cupy()


def _as_strided_array(array, shape, strides):
    """A raw view of ``array`` with ``shape`` and byte ``strides`` from its first element. On NumPy it is built over
    the owner's buffer, so the view's ``base`` chain (storage offsets) stays made of arrays."""
    if type(array) is not _ndarray:
        return _xp_of(array).lib.stride_tricks.as_strided(array, shape, strides)
    root, delta = _storage(array)
    try:
        out = numpy.ndarray(shape, array.dtype, buffer=root, offset=delta, strides=strides)
    except (TypeError, ValueError):  # the owner exposes no contiguous buffer
        return numpy.lib.stride_tricks.as_strided(array, shape, strides)
    if not array.flags.writeable and out.flags.writeable:
        out.flags.writeable = False
    return out


def _add_at(target, index, values):
    """``target[index] += values``, accumulating repeated positions."""
    if type(target) is _ndarray:
        numpy.add.at(target, index, values)
    else:
        import cupyx  # noqa: PLC0415
        cupyx.scatter_add(target, index, values)


# ------------------------------------------------------------------------------------------------ view primitives

class _View(Primitive):
    """A view taken by the raw-array function ``fn`` (NOTE [ Slicing views ])."""

    _backward_name = 'AliasBackward0'

    @staticmethod
    def forward(ctx, x, *, fn, overlap=False):
        ctx.fn, ctx.shape, ctx.overlap = fn, x.shape, overlap
        return fn(x)

    @staticmethod
    def backward(ctx, grad):
        return _ViewScatter.apply(grad, fn=ctx.fn, shape=ctx.shape, overlap=ctx.overlap)


class _ViewCopy(_View):
    """The view as a copy (the backward of ``_ViewScatter``: a gradient must not alias another)."""

    @staticmethod
    def forward(ctx, x, *, fn, overlap=False):
        return _View.forward(ctx, x, fn=fn, overlap=overlap).copy()


class _ViewScatter(Primitive):
    """Zeros of ``shape`` with the view ``fn`` takes of them holding ``grad`` (summed where elements overlap)."""

    @staticmethod
    def forward(ctx, grad, *, fn, shape, overlap):
        ctx.fn, ctx.overlap = fn, overlap
        xp = ctx.xp
        out = xp.zeros(shape, dtype=grad.dtype)
        if overlap:
            _add_at(out.reshape(-1), fn(xp.arange(out.size).reshape(shape)).reshape(-1), grad.reshape(-1))
        else:
            fn(out)[...] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return _ViewCopy.apply(grad, fn=ctx.fn, overlap=ctx.overlap)


class Slice(_View):
    pass


class Select(_View):
    pass


class Unsqueeze(_View):
    pass


class Diagonal(_View):
    pass


class Unfold(_View):
    pass


class _Gather(Primitive):
    """The elements of ``x`` (flattened) at ``positions`` (an integer array of the output's shape)."""

    @staticmethod
    def forward(ctx, x, *, positions):
        ctx.positions, ctx.shape = positions, x.shape
        return x.reshape(-1)[positions]

    @staticmethod
    def backward(ctx, grad):
        return _ScatterAdd.apply(grad, positions=ctx.positions, shape=ctx.shape)


class _ScatterAdd(Primitive):
    """Zeros of ``shape`` with ``grad``'s elements added at the flat ``positions``."""

    @staticmethod
    def forward(ctx, grad, *, positions, shape):
        ctx.positions = positions
        out = ctx.xp.zeros(shape, dtype=grad.dtype)
        _add_at(out.reshape(-1), positions.reshape(-1), grad.reshape(-1))
        return out

    @staticmethod
    def backward(ctx, grad):
        return _Gather.apply(grad, positions=ctx.positions)


class AsStrided(Primitive):
    @staticmethod
    def forward(ctx, x, *, view, in_positions, out_positions, span):
        ctx.in_positions, ctx.out_positions, ctx.span = in_positions, out_positions, span
        return view

    @staticmethod
    def backward(ctx, grad):
        storage = _ScatterAdd.apply(grad, positions=ctx.out_positions, shape=(ctx.span,))
        return _Gather.apply(storage, positions=ctx.in_positions)


# ------------------------------------------------------------------------------------------------ basic indexing

def basic_index_view(input, index, *, slice_always=False):
    """The view ``input[index]`` for a tuple of ints, slices (positive steps), None and Ellipsis, as PyTorch's basic
    indexing: ints remove a dim, None inserts one. The ``grad_fn`` is that of the last op PyTorch applies; like
    PyTorch's tuple indexing, slices covering a whole dim are skipped unless ``slice_always`` (a bare ``x[0:3]``).

    >>> basic_index_view(ember.zeros(3, 4), (0, slice(1, None), None)).shape
    torch.Size([3, 1])
    """
    shape = input._data.shape
    ndim = len(shape)
    consumed = 0
    for item in index:
        if item is not None and item is not Ellipsis:
            consumed += 1
    if consumed > ndim:
        if ndim == 0:
            raise IndexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in '
                             'C++ to convert a 0-dim tensor to a number')
        raise IndexError(f'too many indices for tensor of dimension {ndim}')
    np_index = []
    cls = _View
    dim = 0
    seen_ellipsis = False
    inserted = False
    for item in index:
        if item is None:
            np_index.append(None)
            cls = Unsqueeze
            inserted = True
        elif item is Ellipsis:
            if not seen_ellipsis:
                seen_ellipsis = True
                skip = ndim - consumed
                np_index.extend([_FULL] * skip)
                dim += skip
        elif isinstance(item, slice):
            if item.step is not None:
                step = _int_arg(item.step, 'slice', 'step')
                if step == 0:
                    raise ValueError('slice step cannot be zero')
                if step < 0:
                    raise ValueError('step must be greater than zero')
            if item != _FULL:
                item = slice(*(None if v is None else _int_arg(v, 'slice', 'index')
                               for v in (item.start, item.stop, item.step)))
                if slice_always or item.indices(shape[dim]) != (0, shape[dim], 1):
                    cls = Slice
            np_index.append(item)
            dim += 1
        else:
            i = _int_arg(item, 'index', 'index')
            size = shape[dim]
            if not -size <= i < size:
                raise IndexError(f'index {i} is out of bounds for dimension {dim} with size {size}')
            np_index.append(i)
            cls = Select
            dim += 1
    np_index.append(Ellipsis)  # keeps a full integer index a 0-dim array view, not a scalar
    np_index = tuple(np_index)
    if inserted:
        def fn(a):
            out = a[np_index]
            return _as_strided_array(out, out.shape, _torch_strides(a, np_index))
    else:
        def fn(a):
            return a[np_index]
    out = cls.apply(input, fn=fn)
    return mark_view(out, input, lambda b: basic_index_view(b, index, slice_always=slice_always))


def _torch_strides(a, np_index):
    """The strides PyTorch gives ``a[np_index]``: an inserted dim gets the extent of the dim it lands before (or one
    element at the end), where NumPy gives 0."""
    sizes, strides = list(a.shape), list(a.strides)
    pos = 0
    for item in np_index:
        if item is None:
            stride = sizes[pos] * strides[pos] if pos < len(sizes) else a.dtype.itemsize
            sizes.insert(pos, 1)
            strides.insert(pos, stride)
            pos += 1
        elif isinstance(item, slice):
            start, stop, step = item.indices(sizes[pos])
            sizes[pos] = len(range(start, stop, step))
            strides[pos] *= step
            pos += 1
        elif item is not Ellipsis:
            del sizes[pos], strides[pos]
    return tuple(strides)


def _slice_dim(input, dim, start, stop):
    """``input`` sliced to ``start:stop`` along ``dim`` (a view, ``SliceBackward0``)."""
    return basic_index_view(input, (_FULL,) * dim + (slice(start, stop),), slice_always=True)


def narrow(input, dim, start, length):
    """The view of ``length`` elements of dim ``dim`` from ``start`` (which may be a 0-dim integer tensor).

    >>> ember.arange(6).narrow(0, 1, 3)
    tensor([1, 2, 3])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError('narrow() cannot be applied to a 0-dim tensor.')
    dim = wrap_dim(dim, len(shape), 'narrow')
    start, length = _int_arg(start, 'narrow', 'start'), _int_arg(length, 'narrow', 'length')
    if length < 0:
        raise RuntimeError('narrow(): length must be non-negative.')
    size = shape[dim]
    if not -size <= start <= size:
        raise IndexError(f'start out of range (expected to be in range of [{-size}, {size}], but got {start})')
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f'start ({start}) + length ({length}) exceeds dimension size ({size}).')
    return _slice_dim(input, dim, start, start + length)


def select(input, dim, index):
    """The view at ``index`` of dim ``dim``, which is removed.

    >>> ember.tensor([[1, 2], [3, 4]]).select(1, 0)
    tensor([1, 3])
    """
    shape = input._data.shape
    if not shape:
        raise IndexError('select() cannot be applied to a 0-dim tensor.')
    dim = wrap_dim(dim, len(shape), 'select')
    index = _int_arg(index, 'select', 'index')
    if not -shape[dim] <= index < shape[dim]:
        raise IndexError(f'select(): index {index} out of range for tensor of size {list(shape)} at dimension {dim}')
    return basic_index_view(input, (_FULL,) * dim + (index,))


# ------------------------------------------------------------------------------------------------ split family

class Split(Primitive):
    """Several views along ``dim``, one per ``(start, stop)`` of ``bounds``."""

    @staticmethod
    def forward(ctx, x, *, dim, bounds):
        ctx.dim, ctx.bounds = dim, bounds
        lead = (_FULL,) * dim
        return tuple([x[lead + (slice(a, b),)] for a, b in bounds])

    @staticmethod
    def backward(ctx, *grads):
        from .shape_join import cat  # noqa: PLC0415
        like = next(g for g in grads if g is not None)
        parts = []
        for g, (a, b) in zip(grads, ctx.bounds):
            if g is None:
                shape = list(like._data.shape)
                shape[ctx.dim] = b - a
                g = like.new_zeros(shape)
            parts.append(g)
        return cat(parts, ctx.dim) if len(parts) > 1 else parts[0]


class SplitWithSizes(Split):
    pass


class Unbind(Primitive):
    @staticmethod
    def forward(ctx, x, *, dim):
        ctx.dim = dim
        lead = (_FULL,) * dim
        return tuple([x[lead + (i, Ellipsis)] for i in range(x.shape[dim])])

    @staticmethod
    def backward(ctx, *grads):
        from .shape_join import stack  # noqa: PLC0415
        like = next(g for g in grads if g is not None)
        return stack([like.new_zeros(like._data.shape) if g is None else g for g in grads], ctx.dim)


def _multi_views(input, cls, name, retake, **kwargs):
    """Apply the multi-output view primitive ``cls`` and mark each output (``retake(b)`` redoes the op)."""
    outs = cls.apply(input, **kwargs)
    for i, out in enumerate(outs):
        mark_view(out, input, multi_output_view_fn(lambda b, i=i: retake(b)[i], name))
    return outs


def _bounds(sizes):
    bounds, start = [], 0
    for s in sizes:
        bounds.append((start, start + s))
        start += s
    return tuple(bounds)


def _split_dim(input, dim, op):
    shape = input._data.shape
    if not shape:
        raise RuntimeError(f'{op} expects at least a 1-dimensional tensor')
    dim = wrap_dim(dim, len(shape), op)
    return dim, shape[dim]


def split(tensor, split_size_or_sections, dim=0):
    """Views of equal ``split_size`` chunks (the last may be smaller) along ``dim``, or of the given sizes.

    >>> [t.tolist() for t in ember.arange(5).split(2)]
    [[0, 1], [2, 3], [4]]
    """
    if isinstance(split_size_or_sections, (list, tuple)):
        return split_with_sizes(tensor, split_size_or_sections, dim)
    split_size = _int_arg(split_size_or_sections, 'split', 'split_size')
    dim, size = _split_dim(tensor, dim, 'split')
    if split_size < 0:
        raise RuntimeError(f'split expects split_size be non-negative, but got split_size={split_size}')
    if split_size == 0 and size != 0:
        raise RuntimeError(f'split_size can only be 0 if dimension size is 0, but got dimension size of {size}')
    count = max(-(-size // split_size), 1) if split_size else 1
    sizes = [split_size] * (count - 1) + [size - split_size * (count - 1)]
    return _multi_views(tensor, Split, 'Split', lambda b: split(b, split_size, dim), dim=dim, bounds=_bounds(sizes))


def split_with_sizes(input, split_sizes, dim=0):
    """Views of the given sizes along ``dim`` (they must add up to its size)."""
    sizes = [_int_arg(s, 'split_with_sizes', 'split_sizes') for s in split_sizes]
    dim, size = _split_dim(input, dim, 'split_with_sizes')
    if any(s < 0 for s in sizes):
        raise RuntimeError(f'split_with_sizes expects split_sizes have only non-negative entries, but got '
                           f'split_sizes={sizes}')
    if sum(sizes) != size:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at "
                           f'dimension {dim}), but got split_sizes={sizes}')
    return _multi_views(input, SplitWithSizes, 'SplitWithSizes', lambda b: split_with_sizes(b, sizes, dim), dim=dim,
                        bounds=_bounds(sizes))


def chunk(input, chunks, dim=0):
    """At most ``chunks`` views of equal size (the last may be smaller) along ``dim``.

    >>> [t.tolist() for t in ember.arange(5).chunk(2)]
    [[0, 1, 2], [3, 4]]
    """
    chunks = _int_arg(chunks, 'chunk', 'chunks')
    if not input._data.shape:
        raise RuntimeError('chunk expects at least a 1-dimensional tensor')
    if chunks <= 0:
        raise RuntimeError(f'chunk expects `chunks` to be greater than 0, got: {chunks}')
    dim, size = _split_dim(input, dim, 'chunk')
    if size == 0:
        return split_with_sizes(input, [0] * chunks, dim)
    return split(input, -(-size // chunks), dim)


def unbind(input, dim=0):
    """The views along ``dim``, which is removed from each.

    >>> [t.tolist() for t in ember.tensor([[1, 2], [3, 4]]).unbind(1)]
    [[1, 3], [2, 4]]
    """
    shape = input._data.shape
    if not shape:
        raise IndexError('Dimension specified as 0 but tensor has no dimensions')
    dim = wrap_dim(dim, len(shape), 'unbind')
    return _multi_views(input, Unbind, 'Unbind', lambda b: unbind(b, dim), dim=dim)


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None):
    """Views split into ``sections`` nearly equal parts (the first ones one larger), or at the ``indices``.

    >>> [t.tolist() for t in ember.arange(5).tensor_split([1, 3])]
    [[0], [1, 2], [3, 4]]
    """
    arg = indices_or_sections
    if arg is None:
        arg = sections if sections is not None else list(indices)
    shape = input._data.shape
    if not shape:
        raise RuntimeError('tensor_split expected at least a 1-dimensional tensor, but got a tensor with 0 dims')
    if hasattr(arg, '_data'):
        if arg._data.ndim > 1:
            raise RuntimeError(f'tensor_split expected tensor_indices_or_sections to be a zero-dimensional or '
                               f'one-dimensional tensor, but got a tensor with {arg._data.ndim} dims')
        if arg._dtype.name != 'int64':
            from .inplace import _type_word  # noqa: PLC0415
            raise RuntimeError(f'tensor_split expected tensor_indices_or_sections to have dtype of long, but got '
                               f'{_type_word(arg._dtype)}')
        arg = int(arg._data) if arg._data.ndim == 0 else [int(i) for i in arg._data.tolist()]
    dim = wrap_dim(dim, len(shape), 'tensor_split')
    size = shape[dim]
    if isinstance(arg, (list, tuple)):
        cuts = [_int_arg(i, 'tensor_split', 'indices') for i in arg]
        starts, stops = [0] + cuts, cuts + [size]
        bounds = [slice(a, b).indices(size)[:2] for a, b in zip(starts, stops)]
        bounds = [(a, max(a, b)) for a, b in bounds]
    else:
        count = _int_arg(arg, 'tensor_split', 'sections')
        if count <= 0:
            raise RuntimeError(f'number of sections must be larger than 0, got {count}')
        q, r = divmod(size, count)
        bounds = _bounds([q + 1] * r + [q] * (count - r))
    return tuple(_slice_dim(input, dim, a, b) for a, b in bounds)


def _split_at(input, indices_or_sections, dim, op, min_dims):
    ndim = input._data.ndim
    if ndim < min_dims:
        raise RuntimeError(f'torch.{op} requires a tensor with at least {min_dims} dimension, but got a tensor with '
                           f'{ndim} dimensions!')
    if isinstance(indices_or_sections, (list, tuple)):
        return tensor_split(input, list(indices_or_sections), dim)
    sections = _int_arg(indices_or_sections, op, 'sections')
    size = input._data.shape[dim]
    if sections == 0 or size % sections:
        raise RuntimeError(f'torch.{op} attempted to split along dimension {dim}, but the size of the dimension '
                           f'{size} is not divisible by the split_size {sections}!')
    return tensor_split(input, sections, dim)


def hsplit(input, indices_or_sections):
    """``tensor_split`` along dim 1 (dim 0 of a 1-D tensor); an int must divide the size."""
    ndim = input._data.ndim
    if ndim == 0:
        raise RuntimeError('torch.hsplit requires a tensor with at least 1 dimension, but got a tensor with 0 '
                           'dimensions!')
    return _split_at(input, indices_or_sections, 1 if ndim > 1 else 0, 'hsplit', 1)


def vsplit(input, indices_or_sections):
    """``tensor_split`` along dim 0 of a tensor of at least 2 dims; an int must divide the size."""
    return _split_at(input, indices_or_sections, 0, 'vsplit', 2)


def dsplit(input, indices_or_sections):
    """``tensor_split`` along dim 2 of a tensor of at least 3 dims; an int must divide the size."""
    return _split_at(input, indices_or_sections, 2, 'dsplit', 3)


# ------------------------------------------------------------------------------------------------ strided views

def _writeable_view(out, source):
    if type(out) is _ndarray and not out.flags.writeable and source.flags.writeable:
        out.flags.writeable = True  # NumPy marks diagonal views read-only; PyTorch's are writeable
    return out


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The view of the diagonal of dims ``dim1``, ``dim2`` (removed; the diagonal is the last dim).

    >>> ember.tensor([[1, 2], [3, 4]]).diagonal()
    tensor([1, 4])
    """
    ndim = input._data.ndim
    d1, d2 = wrap_dim(dim1, ndim, 'diagonal'), wrap_dim(dim2, ndim, 'diagonal')
    if d1 == d2:
        raise RuntimeError(f'diagonal dimensions cannot be identical {dim1}, {dim2}')
    offset = _int_arg(offset, 'diagonal', 'offset')
    out = Diagonal.apply(input, fn=lambda a: _writeable_view(a.diagonal(offset, d1, d2), a))
    return mark_view(out, input, lambda b: diagonal(b, offset, d1, d2))


def unfold(input, dimension, size, step):
    """The view of all slices of ``size`` elements along ``dimension``, ``step`` apart, in a new last dim.

    >>> ember.arange(5).unfold(0, 2, 2)
    tensor([[0, 1],
            [2, 3]])
    """
    shape = input._data.shape
    ndim = len(shape)
    dim = wrap_dim(dimension, ndim, 'unfold')
    size, step = _int_arg(size, 'unfold', 'size'), _int_arg(step, 'unfold', 'step')
    length = shape[dim] if ndim else 1
    if size > length:
        raise RuntimeError(f'maximum size for tensor at dimension {dim} is {length} but size is {size}')
    if step <= 0:
        raise RuntimeError(f'step is {step} but must be > 0')
    if size < 0:
        raise RuntimeError(f'size is {size} but must be >= 0')
    if ndim == 0:
        def fn(a):
            return a.reshape(1)[:size]
        overlap = False
    else:
        windows = (length - size) // step + 1
        new_shape = shape[:dim] + (windows,) + shape[dim + 1:] + (size,)

        def fn(a):
            strides = a.strides
            new_strides = strides[:dim] + (strides[dim] * step,) + strides[dim + 1:] + (strides[dim],)
            return _as_strided_array(a, new_shape, new_strides)
        overlap = step < size and windows > 1
    out = Unfold.apply(input, fn=fn, overlap=overlap)
    return mark_view(out, input, lambda b: unfold(b, dim, size, step))


def _storage(data):
    """The array owning ``data``'s memory, and the byte offset of ``data``'s first element in it."""
    root = data
    while True:
        base = getattr(root, 'base', None)
        if base is not None and not isinstance(base, type(data)):
            base = getattr(base, 'base', None)  # NumPy's as_strided keeps its source behind a DummyArray
        if not isinstance(base, type(data)):
            break
        root = base
    if type(data) is _ndarray:
        return root, data.__array_interface__['data'][0] - root.__array_interface__['data'][0]
    return root, data.data.ptr - root.data.ptr


def _positions(xp, shape, strides, offset):
    """The storage position of every element of a ``shape`` / ``strides`` (in elements) layout."""
    pos = xp.full(shape, offset, dtype=xp.int64)
    for d, (n, s) in enumerate(zip(shape, strides)):
        pos += (xp.arange(n, dtype=xp.int64) * s).reshape((n,) + (1,) * (len(shape) - d - 1))
    return pos


def as_strided(input, size, stride, storage_offset=None):
    """A view of ``input``'s storage with the given sizes, strides and offset (in elements).

    >>> ember.arange(6.).as_strided((2, 2), (1, 2))
    tensor([[0., 2.],
            [1., 3.]])
    """
    size, stride = tuple(size), tuple(stride)
    if len(size) != len(stride):
        raise RuntimeError('mismatch in length of strides and shape')
    size = tuple(_int_arg(s, 'as_strided', 'size') for s in size)
    stride = tuple(_int_arg(s, 'as_strided', 'stride') for s in stride)
    if any(s < 0 for s in size):
        raise RuntimeError(f'Storage size calculation overflowed with sizes={list(size)} and strides={list(stride)}')
    if any(s < 0 for s in stride):
        raise RuntimeError(f'as_strided: Negative strides are not supported at the moment, got strides: '
                           f'{list(stride)}')
    data = input._data
    root, delta = _storage(data)
    own_offset = delta // data.dtype.itemsize
    offset = own_offset if storage_offset is None else _int_arg(storage_offset, 'as_strided', 'storage_offset')
    if offset < 0:
        raise RuntimeError(f'Tensor: invalid storage offset {offset}')
    itemsize = data.dtype.itemsize
    capacity = root.nbytes // itemsize
    needed = 0 if 0 in size else offset + 1 + sum((n - 1) * s for n, s in zip(size, stride))
    if needed > capacity:
        raise RuntimeError(f'setStorage: sizes {list(size)}, strides {list(stride)}, storage offset {offset}, and '
                           f'itemsize {itemsize} requiring a storage size of {needed * itemsize} are out of bounds '
                           f'for storage of size {capacity * itemsize}')
    byte_strides = tuple(s * itemsize for s in stride)
    xp = _xp_of(data)
    if xp is numpy:
        view = numpy.ndarray(size, data.dtype, buffer=root, offset=offset * itemsize, strides=byte_strides)
        if not data.flags.writeable:
            view.flags.writeable = False
    else:
        view = xp.ndarray(size, data.dtype, memptr=root.data + offset * itemsize, strides=byte_strides)
    if not (input._requires_grad and input._dtype._kind >= 2):
        out = AsStrided.apply(input, view=view, in_positions=None, out_positions=None, span=0)
    else:  # the gradient goes through the storage positions both layouts address
        in_pos = _positions(xp, data.shape, tuple(s // itemsize for s in data.strides), own_offset)
        out_pos = _positions(xp, size, stride, offset)
        low = min(int(in_pos.min()) if in_pos.size else 0, int(out_pos.min()) if out_pos.size else 0)
        high = max(int(in_pos.max()) if in_pos.size else 0, int(out_pos.max()) if out_pos.size else 0)
        out = AsStrided.apply(input, view=view, in_positions=in_pos - low, out_positions=out_pos - low,
                              span=high - low + 1)
    return mark_view(out, input, lambda b: as_strided(b, size, stride, offset))


# ------------------------------------------------------------------------------------------------ Tensor methods

class ShapeSliceMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def narrow(self, dim, start, length):
        return narrow(self, dim, start, length)

    def select(self, dim, index):
        return select(self, dim, index)

    def split(self, split_size, dim=0):
        return split(self, split_size, dim)

    def split_with_sizes(self, split_sizes, dim=0):
        return split_with_sizes(self, split_sizes, dim)

    def chunk(self, chunks, dim=0):
        return chunk(self, chunks, dim)

    def unbind(self, dim=0):
        return unbind(self, dim)

    def tensor_split(self, indices_or_sections=None, dim=0, *, sections=None, indices=None):
        return tensor_split(self, indices_or_sections, dim, sections=sections, indices=indices)

    def hsplit(self, indices_or_sections):
        return hsplit(self, indices_or_sections)

    def vsplit(self, indices_or_sections):
        return vsplit(self, indices_or_sections)

    def dsplit(self, indices_or_sections):
        return dsplit(self, indices_or_sections)

    def diagonal(self, offset=0, dim1=0, dim2=1):
        return diagonal(self, offset, dim1, dim2)

    def unfold(self, dimension, size, step):
        return unfold(self, dimension, size, step)

    def as_strided(self, size, stride, storage_offset=None):
        return as_strided(self, size, stride, storage_offset)

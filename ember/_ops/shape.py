"""Shape ops that return views: reshape/view/flatten, expand/broadcast_to, permute/transpose/movedim, squeeze and
unsqueeze. Slicing-like views (narrow, select, split, diagonal, unfold, as_strided) are in shape_slice.py; copies
that join or rearrange data (cat, stack, repeat, flip, roll, tril, ...) in shape_join.py.

View ops return tensors that share memory with their input (NumPy views) and record it with ``mark_view``
(NOTE [ Views and in-place ops ] in inplace.py).
"""
from __future__ import annotations

__all__ = ['reshape', 'view', 'expand', 'permute', 'transpose', 'swapaxes', 'swapdims', 'unsqueeze', 'squeeze', 'clone',
           'flatten', 'unflatten', 'movedim', 'moveaxis', 't', 'adjoint', 'broadcast_to']

import operator

import numpy

from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
from ._util import shape_arg, wrap_dim
from .inplace import _type_word, mark_view
from .shape_join import ShapeJoinMethods
from .shape_slice import ShapeSliceMethods

_ndarray = numpy.ndarray
_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one dimension spans across "
               'two contiguous subspaces). Use .reshape(...) instead.')


def _infer_shape(shape, numel, op='view'):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError('only one dimension can be inferred')
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f'invalid shape dimension {s}')
            known *= s
    if neg:
        if known == 0 or numel % known:
            if known == 0:
                raise RuntimeError(f"cannot reshape tensor of {numel} elements into shape {list(shape)} because the "
                                   'unspecified dimension size -1 can be any value and is ambiguous')
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


def _view_or_none(data, shape):
    """``data`` reshaped without a copy, or None when the strides don't allow it."""
    if data.flags.c_contiguous:
        return data.reshape(shape)
    try:
        return data.reshape(shape, copy=False)
    except ValueError:
        return None
    except TypeError:  # an array library without reshape(copy=)
        probe = data.view()
        try:
            probe.shape = shape
        except AttributeError:
            return None
        return probe


# ------------------------------------------------------------------------------------------------ primitives

class Reshape(Primitive):
    """A view with a new shape (the strides allow it: checked by the caller)."""

    _backward_name = 'ViewBackward0'

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        out = _view_or_none(x, shape)
        return x.reshape(shape) if out is None else out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class ReshapeCopy(Reshape):
    """``reshape`` where the strides need a copy."""

    _backward_name = 'UnsafeViewBackward0'


class Squeeze(Reshape):
    _backward_name = 'SqueezeBackward0'


class Unsqueeze(Reshape):
    _backward_name = 'UnsqueezeBackward0'


class Alias(Reshape):
    _backward_name = 'AliasBackward0'


class Expand(Primitive):
    @staticmethod
    def forward(ctx, x, *, shape):
        out = ctx.xp.broadcast_to(x, shape)
        if type(out) is _ndarray and x.flags.writeable:
            out.flags.writeable = True  # writes through are checked for overlap in check_inplace, as PyTorch does
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad  # the engine sums a broadcast gradient back to the input's shape


class Permute(Primitive):
    @staticmethod
    def forward(ctx, x, *, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return grad.permute(*inverse)


class Transpose(Permute):
    _backward_name = 'TransposeBackward0'


class T(Permute):
    _backward_name = 'TBackward0'


class Clone(Primitive):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


# ------------------------------------------------------------------------------------------------ reshape family

def _reshape(input, shape, cls=Reshape):
    """``input`` with ``shape`` (already inferred): a view when the strides allow it, else a copy."""
    data = input._data
    if data.flags.c_contiguous or _view_or_none(data, shape) is not None:
        return mark_view(cls.apply(input, shape=shape), input, lambda b: b.reshape(shape))
    return ReshapeCopy.apply(input, shape=shape)


def reshape(input, *shape):
    """A tensor with the same data and a new shape (a view when the memory layout allows, else a copy).

    >>> ember.arange(6).reshape(2, -1).shape
    torch.Size([2, 3])
    """
    return _reshape(input, _infer_shape(shape_arg(shape, 'reshape'), input._data.size, 'reshape'))


def view(input, *shape):
    """A view with a new shape (or a new dtype of the same size); PyTorch's error when the strides don't allow it."""
    if len(shape) == 1 and hasattr(shape[0], 'np') and hasattr(shape[0], '_kind'):
        return view_dtype(input, shape[0])
    shape = _infer_shape(shape_arg(shape, 'view'), input._data.size, 'view')
    data = input._data
    if not data.flags.c_contiguous and _view_or_none(data, shape) is None:
        raise RuntimeError(_VIEW_ERROR)
    return mark_view(Reshape.apply(input, shape=shape), input, lambda b: b.view(shape))


def view_dtype(input, dtype):
    """The same memory read as another dtype (no autograd, as in PyTorch for a different element size)."""
    from .. import _dtype as dt  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    dtype = dt.to_dtype(dtype)
    if dtype is input._dtype:
        return mark_view(Alias.apply(input, shape=input._data.shape), input, lambda b: b.view(dtype))
    data = input._data
    if dtype.itemsize != input._dtype.itemsize:
        if data.ndim == 0:
            raise RuntimeError('self.dim() cannot be 0 to view ' + _type_word(input._dtype) + ' as ' +
                               _type_word(dtype) + ' (different element sizes)')
        if data.strides[-1] != input._dtype.itemsize and data.shape[-1] != 1:
            raise RuntimeError('self.stride(-1) must be 1 to view ' + _type_word(input._dtype) + ' as ' +
                               _type_word(dtype) + ' (different element sizes), but got ' +
                               str(data.strides[-1] // input._dtype.itemsize))
        if (data.shape[-1] * input._dtype.itemsize) % dtype.itemsize:
            raise RuntimeError(f'self.size(-1) must be divisible by {dtype.itemsize // input._dtype.itemsize} to '
                               f'view {_type_word(input._dtype)} as {_type_word(dtype)} (different element sizes), '
                               f'but got {data.shape[-1]}')
    out = Tensor._make(data.view(dtype.np))
    return mark_view(out, input, None)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims ``start_dim..end_dim`` into one (a view when possible).

    >>> ember.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    shape = input._data.shape
    n = len(shape)
    if n == 0:
        return _reshape(input, (1,))
    start, end = wrap_dim(start_dim, n, 'flatten'), wrap_dim(end_dim, n, 'flatten')
    if start > end:
        raise RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim')
    if start == end:
        return input
    size = 1
    for s in shape[start:end + 1]:
        size *= s
    return _reshape(input, shape[:start] + (size,) + shape[end + 1:])


def unflatten(input, dim, sizes):
    """Split dim ``dim`` into ``sizes`` (one of which may be -1).

    >>> ember.zeros(2, 12).unflatten(1, (3, -1)).shape
    torch.Size([2, 3, 4])
    """
    shape = input._data.shape
    dim = wrap_dim(dim, len(shape), 'unflatten')
    sizes = shape_arg((sizes,), 'unflatten')
    if not sizes:
        raise RuntimeError('unflatten: sizes must be non-empty')
    if sizes.count(-1) > 1:
        raise RuntimeError('only one dimension can be inferred')
    known = 1
    for s in sizes:
        if s != -1:
            known *= s
    size = shape[dim] if shape else 1
    if -1 in sizes:
        if known == 0 or size % known:
            raise RuntimeError(f"shape '{list(sizes)}' is invalid for input of size {size}")
        sizes = tuple(size // known if s == -1 else s for s in sizes)
    elif known != size:
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of dim {dim} "
                           f'({size}) in the input tensor')
    return _reshape(input, shape[:dim] + sizes + shape[dim + 1:])


def squeeze(input, dim=None):
    """A view without size-1 dims (all of them, or those in ``dim``: an int or a tuple)."""
    shape = input._data.shape
    n = len(shape)
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    elif isinstance(dim, (tuple, list)):
        dims = tuple(wrap_dim(d, n, 'squeeze') for d in dim)
        if len(set(dims)) != len(dims):
            raise RuntimeError(f'dim {dims[0]} appears multiple times in the list of dims')
    else:
        dims = (wrap_dim(dim, n, 'squeeze'),)
    new_shape = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return mark_view(Squeeze.apply(input, shape=new_shape), input, lambda b: b.reshape(new_shape))


def unsqueeze(input, dim):
    """A view with a size-1 dim inserted at ``dim``."""
    shape = input._data.shape
    dim = wrap_dim(dim, len(shape) + 1, 'unsqueeze')
    new_shape = shape[:dim] + (1,) + shape[dim:]
    return mark_view(Unsqueeze.apply(input, shape=new_shape), input, lambda b: b.reshape(new_shape))


# ------------------------------------------------------------------------------------------------ expand

def expand(input, *sizes):
    """A broadcast view: size-1 dims repeat, ``-1`` keeps a dim, new dims are prepended."""
    sizes = shape_arg(sizes, 'expand')
    shape = input._data.shape
    if sizes == shape:
        return mark_view(Expand.apply(input, shape=shape), input, lambda b: b.expand(shape))
    if len(sizes) < len(shape):
        raise RuntimeError(f'expand({input.type()}{{{list(shape)}}}, size={list(sizes)}): the number of sizes '
                           f'provided ({len(sizes)}) must be greater or equal to the number of dimensions in the '
                           f'tensor ({len(shape)})')
    target = _expanded_shape(shape, sizes)
    return mark_view(Expand.apply(input, shape=target), input, lambda b: b.expand(target))


def _expanded_shape(shape, sizes):
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a leading, non-existing "
                                   f'dimension {i}')
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            target.append(cur)
        elif cur == s or (cur == 1 and s >= 0):
            target.append(s)
        else:
            raise RuntimeError(f'The expanded size of the tensor ({s}) must match the existing size ({cur}) at '
                               f'non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: '
                               f'{list(shape)}')
    return tuple(target)


def broadcast_to(input, size):
    """``input`` expanded to ``size`` (a view).

    >>> ember.broadcast_to(ember.tensor([1, 2]), (2, 2))
    tensor([[1, 2],
            [1, 2]])
    """
    return expand(input, size)


# ------------------------------------------------------------------------------------------------ permutations

def permute(input, *dims):
    """A view with the dims reordered."""
    dims = shape_arg(dims, 'permute')
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f'permute(sparse_coo): number of dimensions in the tensor input does not match the '
                           f'length of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to '
                           f'len(dims) = {len(dims)}')
    dims = tuple(wrap_dim(d, n, 'permute') for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError('permute(): duplicate dims are not allowed.')
    return mark_view(Permute.apply(input, dims=dims), input, lambda b: b.permute(dims))


def transpose(input, dim0, dim1):
    """A view with two dims swapped."""
    n = input._data.ndim
    d0, d1 = wrap_dim(dim0, n, 'transpose'), wrap_dim(dim1, n, 'transpose')
    if n == 0:
        return mark_view(Alias.apply(input, shape=()), input, lambda b: b.transpose(0, 0))
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    dims = tuple(dims)
    return mark_view(Transpose.apply(input, dims=dims), input, lambda b: b.transpose(d0, d1))


swapaxes = swapdims = transpose


def t(input):
    """The transpose of a matrix (a view); 0-D and 1-D tensors are returned as they are."""
    n = input._data.ndim
    if n > 2:
        raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {n}D')
    if n < 2:
        return mark_view(Alias.apply(input, shape=input._data.shape), input, t)
    return mark_view(T.apply(input, dims=(1, 0)), input, t)


def adjoint(input):
    """The conjugate transpose of the last two dims (a view)."""
    if input._data.ndim < 2:
        raise RuntimeError('tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.')
    return input.mH


def movedim(input, source, destination):
    """A view with dims ``source`` moved to positions ``destination`` (ints or sequences).

    >>> ember.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    n = input._data.ndim
    src = tuple(source) if isinstance(source, (tuple, list)) else (source,)
    dst = tuple(destination) if isinstance(destination, (tuple, list)) else (destination,)
    if len(src) != len(dst):
        raise RuntimeError(f'movedim: Invalid source or destination dims: source ({list(src)} dims) should contain '
                           f'the same number of dims as destination ({list(dst)} dims)')
    src = tuple(wrap_dim(d, n, 'movedim') for d in src)
    dst = tuple(wrap_dim(d, n, 'movedim') for d in dst)
    if len(set(src)) != len(src):
        raise RuntimeError(f'movedim: repeated dim in `source` ({list(source)})')
    if len(set(dst)) != len(dst):
        raise RuntimeError(f'movedim: repeated dim in `destination` ({list(destination)})')
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = tuple(o if o is not None else next(rest) for o in order)
    if n == 0:
        return mark_view(Alias.apply(input, shape=()), input, lambda b: b)
    return mark_view(Permute.apply(input, dims=order), input, lambda b: b.permute(order))


moveaxis = movedim


def clone(input, *, memory_format=None):
    """A copy that stays in the graph."""
    return Clone.apply(input)


def _index(value, name='index'):
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name}(): argument must be int, not {type(value).__name__}") from None


# ------------------------------------------------------------------------------------------------ Tensor methods

class ShapeMethods(ShapeSliceMethods, ShapeJoinMethods):
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def reshape(self, *shape):
        return reshape(self, *shape)

    def view(self, *shape):
        return view(self, *shape)

    def view_as(self, other):
        return view(self, other._data.shape)

    def reshape_as(self, other):
        return reshape(self, other._data.shape)

    def flatten(self, start_dim=0, end_dim=-1):
        return flatten(self, start_dim, end_dim)

    def unflatten(self, dim, sizes):
        return unflatten(self, dim, sizes)

    def expand(self, *sizes):
        return expand(self, *sizes)

    def expand_as(self, other):
        return expand(self, other._data.shape)

    def broadcast_to(self, size):
        return expand(self, size)

    def permute(self, *dims):
        return permute(self, *dims)

    def transpose(self, dim0, dim1):
        return transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        return t(self)

    def adjoint(self):
        return adjoint(self)

    def movedim(self, source, destination):
        return movedim(self, source, destination)

    moveaxis = movedim

    @property
    def T(self):
        n = self._data.ndim
        if n == 2:
            return t(self)
        if n > 2:
            import warnings  # noqa: PLC0415
            warnings.warn('The use of `x.T` on tensors of dimension other than 2 to reverse their shape is deprecated '
                          'and it will throw an error in a future release. Consider `x.mT` to transpose batches of '
                          'matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions of '
                          'a tensor.', UserWarning, stacklevel=2)
        return permute(self, tuple(range(n - 1, -1, -1)))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(f'tensor.mT is only supported on matrices or batches of matrices. Got '
                               f'{self._data.ndim}-D tensor.')
        return transpose(self, -2, -1)

    def squeeze(self, dim=None):
        return squeeze(self, dim)

    def unsqueeze(self, dim):
        return unsqueeze(self, dim)

    def clone(self, *, memory_format=None):
        return Clone.apply(self)

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else Clone.apply(self)

    def squeeze_(self, dim=None):
        return _inplace_view(self, squeeze(self, dim))

    def unsqueeze_(self, dim):
        return _inplace_view(self, unsqueeze(self, dim))

    def t_(self):
        return _inplace_view(self, t(self))

    def transpose_(self, dim0, dim1):
        return _inplace_view(self, transpose(self, dim0, dim1))

    swapaxes_ = swapdims_ = transpose_


def _inplace_view(target, result):
    """``squeeze_``/``t_``/...: ``target`` takes the metadata (shape, strides) of ``result``, a view of it."""
    if target._grad_fn is None and target._requires_grad and _State.enabled:
        raise RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.')
    target._data = result._data
    if result._grad_fn is not None:
        target._grad_fn, target._output_nr = result._grad_fn, result._output_nr
    return target

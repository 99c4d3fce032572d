"""Shape and joining ops: views (view, reshape, transpose, permute, expand, squeeze, ...), cat/stack/split, flips.

View ops return tensors that share memory with their input (NumPy views) and record it with ``mark_view``
(NOTE [ Views and in-place ops ] in inplace.py).
"""
from __future__ import annotations

__all__ = ['reshape', 'view', 'expand', 'permute', 'transpose', 'swapaxes', 'swapdims', 'unsqueeze', 'squeeze', 'clone']  # the ember.* functions of this family

from ..autograd.function import Primitive
from ._util import shape_arg, wrap_dim
from .inplace import mark_view


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
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(shape)


class Reshape(Primitive):
    _backward_name = 'ViewBackward0'

    @staticmethod
    def forward(ctx, x, *, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class Expand(Primitive):
    @staticmethod
    def forward(ctx, x, *, shape):
        return ctx.xp.broadcast_to(x, shape)

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


class Clone(Primitive):
    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def reshape(input, *shape):
    """A tensor with the same data and a new shape (a view when the memory layout allows, else a copy)."""
    shape = _infer_shape(shape_arg(shape, 'reshape'), input._data.size, 'reshape')
    out = Reshape.apply(input, shape=shape)
    if out._data.base is not None and (out._data.base is input._data or out._data.base is input._data.base):
        mark_view(out, input, lambda b: b.reshape(shape))
    return out


def view(input, *shape):
    """A view with a new shape; PyTorch's error when the strides don't allow one."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)) and hasattr(shape[0], 'np'):
        return view_dtype(input, shape[0])
    shape = _infer_shape(shape_arg(shape, 'view'), input._data.size, 'view')
    data = input._data
    if not data.flags.c_contiguous and data.size > 1:
        try:
            probe = data.view()
            probe.shape = shape  # NumPy refuses exactly when a copy would be needed
        except AttributeError:
            raise RuntimeError('view size is not compatible with input tensor\'s size and stride (at least one '
                               'dimension spans across two contiguous subspaces). Use .reshape(...) instead.') from None
    return mark_view(Reshape.apply(input, shape=shape), input, lambda b: b.view(shape))


def view_dtype(input, dtype):
    from .. import _dtype as dt  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    dtype = dt.to_dtype(dtype)
    out = Tensor._make(input._data.view(dtype.np))
    return mark_view(out, input, None)


def expand(input, *sizes):
    """A broadcast view: size-1 dims repeat, ``-1`` keeps a dim, new dims are prepended."""
    sizes = shape_arg(sizes, 'expand')
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f'expand(torch.FloatTensor{{{list(shape)}}}, size=[{", ".join(map(str, sizes))}]): the '
                           f'number of sizes provided ({len(sizes)}) must be greater or equal to the number of '
                           f'dimensions in the tensor ({len(shape)})')
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f'The expanded size of the tensor ({s}) isn\'t allowed in a leading, '
                                   'non-existing dimension 0')
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            target.append(cur)
        elif cur == 1 or cur == s:
            target.append(s)
        else:
            raise RuntimeError(f'The expanded size of the tensor ({s}) must match the existing size ({cur}) at '
                               f'non-singleton dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: '
                               f'{list(shape)}')
    target = tuple(target)
    if target == shape:
        return input._alias() if False else mark_view(Expand.apply(input, shape=target), input,
                                                      lambda b: b.expand(target))
    return mark_view(Expand.apply(input, shape=target), input, lambda b: b.expand(target))


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
    return mark_view(Permute.apply(input, dims=dims), input, lambda b: b.permute(*dims))


def transpose(input, dim0, dim1):
    """A view with two dims swapped."""
    n = input._data.ndim
    if n == 0:
        return input._alias()
    d0, d1 = wrap_dim(dim0, n, 'transpose'), wrap_dim(dim1, n, 'transpose')
    dims = list(range(n))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return mark_view(Permute.apply(input, dims=tuple(dims)), input, lambda b: b.transpose(d0, d1))


swapaxes = swapdims = transpose


def unsqueeze(input, dim):
    """A view with a size-1 dim inserted at ``dim``."""
    dim = wrap_dim(dim, input._data.ndim + 1, 'unsqueeze')
    shape = input._data.shape
    return mark_view(Reshape.apply(input, shape=shape[:dim] + (1,) + shape[dim:]), input,
                     lambda b: b.unsqueeze(dim))


def clone(input, *, memory_format=None):
    """A copy that stays in the graph."""
    return Clone.apply(input)


class ShapeMethods:
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

    def expand(self, *sizes):
        return expand(self, *sizes)

    def expand_as(self, other):
        return expand(self, other._data.shape)

    def permute(self, *dims):
        return permute(self, *dims)

    def transpose(self, dim0, dim1):
        return transpose(self, dim0, dim1)

    swapaxes = swapdims = transpose

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D')
        return transpose(self, 0, 1) if self._data.ndim == 2 else self._alias()

    @property
    def T(self):
        return permute(self, *reversed(range(self._data.ndim)))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.')
        return transpose(self, -2, -1)

    def unsqueeze(self, dim):
        return unsqueeze(self, dim)

    def clone(self, *, memory_format=None):
        return Clone.apply(self)

    def contiguous(self, memory_format=None):
        return self if self._data.flags.c_contiguous else Clone.apply(self)


def squeeze(input, dim=None):
    """A view without size-1 dims (all of them, or those in ``dim``: an int or a tuple)."""
    shape = input._data.shape
    n = len(shape)
    if dim is None:
        dims = tuple(i for i, s in enumerate(shape) if s == 1)
    elif isinstance(dim, (tuple, list)):
        dims = tuple(wrap_dim(d, n, 'squeeze') for d in dim)
    else:
        dims = (wrap_dim(dim, n, 'squeeze'),)
    new_shape = tuple(s for i, s in enumerate(shape) if not (i in dims and s == 1))
    return mark_view(Reshape.apply(input, shape=new_shape), input, lambda b: b.squeeze(dim))


ShapeMethods.squeeze = lambda self, dim=None: squeeze(self, dim)

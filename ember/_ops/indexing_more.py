"""Ops that index one dim with a 1-D index: ``index_select``, ``index_add``, ``index_copy``, ``index_fill`` and
``index_reduce`` (and their in-place forms). Re-exported by indexing.py (NOTE [ Indexing ] there).
"""
from __future__ import annotations

import builtins

import numpy

from .. import _dtype as dt
from ..autograd import function as _function
from ..autograd.function import Primitive
from ._util import wrap_dim
from .gather_scatter import GatherAxis, _type_word, add_at, scatter_reduce
from .inplace import apply_inplace

__all__ = ['index_select', 'index_add', 'index_copy', 'index_fill', 'index_reduce']


def _tensor_type():
    return _function._Tensor


def _moved(array, dim):
    return array if dim == 0 else array.swapaxes(0, dim)


# ------------------------------------------------------------------------------------------------ primitives

class IndexSelect(GatherAxis):
    _backward_name = 'IndexSelectBackward0'


class IndexAdd(Primitive):
    """``x`` with ``alpha * src`` summed in along ``dim`` at a constant 1-D ``index``."""

    @staticmethod
    def forward(ctx, x, src, *, index, dim, alpha):
        ctx.index, ctx.dim, ctx.alpha = index, dim, alpha
        out = x.copy()
        values = _moved(src, dim)
        add_at(ctx.xp, _moved(out, dim), index, values if alpha == 1 else (values * alpha).astype(x.dtype))
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, need_src = ctx.needs_input_grad
        grad_src = None
        if need_src:
            grad_src = IndexSelect.apply(grad, index=ctx.index, axis=ctx.dim)
            if ctx.alpha != 1:
                grad_src = grad_src * ctx.alpha
        return (grad if need_x else None), grad_src


class IndexCopy(Primitive):
    """``x`` with ``src``'s slices along ``dim`` written at a constant 1-D ``index``."""

    @staticmethod
    def forward(ctx, x, src, *, index, dim):
        ctx.index, ctx.dim = index, dim
        out = x.copy()
        _moved(out, dim)[index] = _moved(src, dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, need_src = ctx.needs_input_grad
        grad_x = IndexFill.apply(grad, 0, index=ctx.index, dim=ctx.dim) if need_x else None
        return grad_x, (IndexSelect.apply(grad, index=ctx.index, axis=ctx.dim) if need_src else None)


class IndexFill(Primitive):
    """``x`` with ``value`` (a scalar or 0-dim array) written in the slices along ``dim`` at ``index``."""

    @staticmethod
    def forward(ctx, x, value, *, index, dim):
        ctx.index, ctx.dim = index, dim
        ctx._backward_name = 'IndexFillBackward0' if type(value) in _function._SCALARS else 'IndexFillBackward1'
        out = x.copy()
        _moved(out, dim)[index] = value
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        grad_x = IndexFill.apply(grad, 0, index=ctx.index, dim=ctx.dim) if need_x or need_value else None
        grad_value = (grad - grad_x).sum() if need_value else None  # each filled element once, repeats or not
        return (grad_x if need_x else None), grad_value


# ------------------------------------------------------------------------------------------------ checks

def _check_tensor(value, op, arg, position):
    if not isinstance(value, _tensor_type()):
        raise TypeError(f"{op}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def _vector_index(index, size, dim, op):
    """``index`` as a 1-D int64 array after PyTorch's checks for ``op``."""
    _check_tensor(index, op, 'index', 3)
    d = index._dtype
    if op == 'index_select':
        if d is not dt.int64 and d is not dt.int32:
            raise RuntimeError('index_select(): Expected dtype int32 or int64 for index')
        if index._data.ndim > 1:
            raise IndexError('index_select(): Index is supposed to be a vector')
    elif op in ('index_add_', 'index_reduce_'):
        if d is not dt.int64 and d is not dt.int32:
            raise RuntimeError(f'{op}(): Expected dtype int32/int64 for index but got: {_type_word(d)}')
        if index._data.ndim > 1:
            raise IndexError(f'{op}(): Index is supposed to be a vector, but got dim: {index._data.ndim} with type: '
                             f'{_type_word(d)} and size: {list(index._data.shape)}')
    elif op == 'index_copy_':
        if d is not dt.int64:
            raise RuntimeError(f'index_copy_(): Expected a long tensor for index, but got {_type_word(d)}')
        if index._data.ndim > 1:
            raise IndexError('index_copy_(): Index should have dimension 1 or 0 (got 2)')
    else:
        if d is not dt.int64:
            raise IndexError('index_fill_(): Expected dtype int64 for index.')
        if index._data.ndim > 1:
            raise RuntimeError('Index has to be a vector/scalar')
    data = index._data.reshape(-1)
    low = -size if op == 'index_fill_' else 0  # only index_fill wraps negative indices
    if data.size and (int(data.max()) >= size or int(data.min()) < low):
        bad = int(data[((data >= size) | (data < low)).argmax()])
        if op in ('index_select', 'index_reduce_'):
            raise IndexError('index out of range in self')
        if op == 'index_add_':
            raise RuntimeError(f'index {bad} is out of bounds for dimension {dim} with size {size}')
        prefix = 'index_copy_(): ' if op == 'index_copy_' else ''
        raise IndexError(f'{prefix}index {bad} is out of bounds for dimension {dim} with size {size}')
    return data.astype(numpy.int64) if data.dtype != numpy.int64 else data


def _as_1d(t):
    return t.reshape(1) if t._data.ndim == 0 else t


def _check_source(input, dim, data, source, op):
    """PyTorch's checks that ``source`` fits ``input`` apart from ``dim`` and holds one slice per index."""
    _check_tensor(source, op, 'source', 4)
    shape, sshape = input._data.shape or (1,), source._data.shape or (1,)
    if op == 'index_add_' and source._dtype is not input._dtype:
        raise RuntimeError(f'index_add_(): self ({_type_word(input._dtype)}) and source '
                           f'({_type_word(source._dtype)}) must have the same scalar type')
    if op == 'index_reduce_' and source._dtype is not input._dtype:
        raise RuntimeError(f'index_reduce_(): self ({_type_word(input._dtype)}) and source '
                           f'({_type_word(source._dtype)}) must have the same scalar type')
    if op == 'index_copy_':
        if source._dtype is not input._dtype:
            raise RuntimeError(f'index_copy_(): self and source expected to have the same dtype, but got (self) '
                               f'{_type_word(input._dtype)} and (source) {_type_word(source._dtype)}')
        rest, srest = shape[:dim] + shape[dim + 1:], sshape[:dim] + sshape[dim + 1:]
        if len(shape) != len(sshape) or rest != srest:
            j = next((i for i, (a, b) in enumerate(zip(rest, srest)) if a != b), 0)
            raise RuntimeError(f'index_copy_(): Source/destination tensor must have same slice shapes. Destination '
                               f'slice shape: {rest[j] if rest else 1} at dimension {j} and source slice shape: '
                               f'{srest[j] if srest else 1} at dimension {j}.')
        if sshape[dim] != data.size:
            raise IndexError(f'index_copy_(): Number of indices ({data.size}) should be equal to '
                               f'source.size(dim) ({sshape[dim]})')
        return
    if len(shape) != len(sshape) or shape[:dim] + shape[dim + 1:] != sshape[:dim] + sshape[dim + 1:]:
        raise RuntimeError(f'source tensor shape must match self tensor shape, excluding the specified dimension. '
                           f'Got self.shape = {list(input._data.shape)} source.shape = {list(source._data.shape)}')
    if sshape[dim] != data.size:
        raise RuntimeError(f'{op}(): Number of indices ({data.size}) should be equal to source.size(dim): '
                           f'({sshape[dim]}), for dim: {dim}')


def _dim_size(input, dim, op):
    dim = wrap_dim(dim, input._data.ndim, op)
    return dim, (input._data.shape[dim] if input._data.ndim else 1)


# ------------------------------------------------------------------------------------------------ public functions

def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` along ``dim`` at the positions in the 1-D ``index``.

    >>> ember.tensor([[1, 2], [3, 4]]).index_select(0, ember.tensor([1, 1]))
    tensor([[3, 4],
            [3, 4]])
    """
    dim, size = _dim_size(input, dim, 'index_select')
    data = _vector_index(index, size, dim, 'index_select')
    if input._data.ndim == 0:
        result = IndexSelect.apply(input.reshape(1), index=data, axis=0)
        result = result.reshape(()) if data.size == 1 else result
    else:
        result = IndexSelect.apply(input, index=data, axis=dim)
    from .elementwise import _out  # noqa: PLC0415
    return _out(result, out)


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """``input`` with ``alpha * source``'s slices summed in along ``dim`` at ``index`` (repeats accumulate).

    >>> ember.zeros(3).index_add(0, ember.tensor([0, 0]), ember.tensor([1., 2.]))
    tensor([3., 0., 0.])
    """
    dim, size = _dim_size(input, dim, 'index_add_')
    data = _vector_index(index, size, dim, 'index_add_')
    _check_source(input, dim, data, source, 'index_add_')
    result = IndexAdd.apply(_as_1d(input), _as_1d(source), index=data, dim=dim, alpha=alpha)
    result = result.reshape(()) if input._data.ndim == 0 else result
    from .elementwise import _out  # noqa: PLC0415
    return _out(result, out)


def index_copy(input, dim, index, source, *, out=None):
    """``input`` with ``source``'s slices along ``dim`` written at ``index``.

    >>> ember.zeros(3).index_copy(0, ember.tensor([2]), ember.tensor([5.]))
    tensor([0., 0., 5.])
    """
    dim, size = _dim_size(input, dim, 'index_copy_')
    data = _vector_index(index, size, dim, 'index_copy_')
    _check_source(input, dim, data, source, 'index_copy_')
    result = IndexCopy.apply(_as_1d(input), _as_1d(source), index=data, dim=dim)
    result = result.reshape(()) if input._data.ndim == 0 else result
    from .elementwise import _out  # noqa: PLC0415
    return _out(result, out)


def index_fill(input, dim, index, value):
    """``input`` with ``value`` (a number or 0-dim tensor) in the slices along ``dim`` at ``index``.

    >>> ember.zeros(3).index_fill(0, ember.tensor([0, 2]), 1.)
    tensor([1., 0., 1.])
    """
    dim, size = _dim_size(input, dim, 'index_fill_')
    data = _vector_index(index, size, dim, 'index_fill_')
    Tensor = _tensor_type()
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f'index_fill_ only supports a 0-dimensional value tensor, but got tensor with '
                               f'{value._data.ndim} dimension(s).')
        if value._dtype is not input._dtype:
            value = value.to(input._dtype)
    else:
        if isinstance(value, numpy.generic):
            value = value.item()
        if isinstance(value, builtins.complex) and input._dtype._kind < 3:
            raise RuntimeError('index_fill_(): Converting complex Scalar to non-complex type is not supported')
        if not isinstance(value, (builtins.bool, builtins.int, builtins.float, builtins.complex)):
            raise TypeError(f"index_fill(): argument 'value' must be Number, not {type(value).__name__}")
    result = IndexFill.apply(_as_1d(input), value, index=data, dim=dim)
    return result.reshape(()) if input._data.ndim == 0 else result


_INDEX_REDUCTIONS = ('prod', 'mean', 'amax', 'amin')


def index_reduce(input, dim, index, source, reduce, *, include_self=True, out=None):
    """``input`` with ``source``'s slices along ``dim`` reduced in at ``index`` by ``reduce`` ('prod', 'mean', 'amax'
    or 'amin'); ``include_self=False`` leaves out ``input``'s own values where something lands.

    >>> ember.ones(2).index_reduce(0, ember.tensor([0, 0]), ember.tensor([2., 3.]), 'prod')
    tensor([6., 1.])
    """
    if reduce not in _INDEX_REDUCTIONS:
        raise RuntimeError(f'index_reduce(): Expected reduce to be one of prod, mean, amax or amin but got {reduce}.')
    dim, size = _dim_size(input, dim, 'index_reduce_')
    data = _vector_index(index, size, dim, 'index_reduce_')
    _check_source(input, dim, data, source, 'index_reduce_')
    # a 0-dim input is copied, not viewed: the reduction saves it, and index_reduce_ then writes the input
    x, src = (input.reshape(1).clone() if input._data.ndim == 0 else input), _as_1d(source)
    shape = [1] * src._data.ndim
    shape[dim] = data.size
    xp = numpy if type(data) is numpy.ndarray else _function._array_module(data)
    expanded = xp.broadcast_to(xp.where(data < 0, data + size, data).reshape(shape), src._data.shape)
    result = scatter_reduce(x, dim, _tensor_type()._make(xp.ascontiguousarray(expanded)), src, reduce,
                            include_self=include_self)
    result = result.reshape(()) if input._data.ndim == 0 else result
    from .elementwise import _out  # noqa: PLC0415
    return _out(result, out)


def index_add_(input, dim, index, source, *, alpha=1):
    return apply_inplace(input, index_add(input, dim, index, source, alpha=alpha))


def index_copy_(input, dim, index, source):
    return apply_inplace(input, index_copy(input, dim, index, source))


def index_fill_(input, dim, index, value):
    return apply_inplace(input, index_fill(input, dim, index, value))


def index_reduce_(input, dim, index, source, reduce, *, include_self=True):
    return apply_inplace(input, index_reduce(input, dim, index, source, reduce, include_self=include_self))

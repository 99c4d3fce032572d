"""Indexing: ``x[index]`` and ``x[index] = value`` (basic and advanced), ``index_put``, the masked ops, ``take`` /
``put`` and ``nonzero``. The ``index_*`` ops along a dim are in indexing_more.py and gather / scatter in
gather_scatter.py; this module lists all of their public functions (ember.* star-imports it) and their methods.

NOTE [ Indexing ]
An index is parsed once into a basic part (ints, slices, None: a NumPy basic index, so the result is a view sharing
memory, recorded with ``mark_view``) and an advanced part (integer tensors and boolean masks, applied to that view
with every other dim a full slice). Integers are applied as ``select`` before any advanced index, as PyTorch does,
so ``x[0, :, [1, 2]]`` has its advanced dim last; NumPy's placement rule over the remaining dims (adjacent advanced
indices stay in place, separated ones go first) is then PyTorch's. A Python bool (or a 0-dim bool tensor) is a new
dim of size 1 indexed by a one-element mask. ``Index`` and ``IndexPut`` (accumulating) are each other's adjoints.
"""
from __future__ import annotations

import builtins
import operator
import warnings

import numpy

from .. import _dtype as dt
from ..autograd import function as _function
from ..autograd.function import Primitive
from .gather_scatter import (ConstantPad, _c_type, _type_word, add_at, gather, scatter, scatter_, scatter_add,
                             scatter_add_, scatter_reduce, scatter_reduce_, take_along_dim)
from .indexing_more import (index_add, index_add_, index_copy, index_copy_, index_fill, index_fill_, index_reduce,
                            index_reduce_, index_select)
from .inplace import _broadcast_shape, apply_inplace, mark_view

__all__ = ['index_select', 'index_add', 'index_copy', 'index_fill', 'index_reduce', 'index_put', 'index_put_',
           'masked_fill', 'masked_select', 'masked_scatter', 'take', 'take_along_dim', 'put', 'nonzero', 'argwhere',
           'gather', 'scatter', 'scatter_add', 'scatter_reduce']

_ndarray = numpy.ndarray
_BAD_INDEX = 'only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are valid indices (got {})'
_BAD_DTYPE = 'tensors used as indices must be long, int, byte or bool tensors'
_SEQUENCE_WARNING = ('Using a non-tuple sequence for multidimensional indexing is deprecated and will be changed in '
                     'pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this will be interpreted as '
                     'tensor index, x[torch.tensor(seq)], which will result either in an error or a different result')
_UINT8_WARNING = 'indexing with dtype torch.uint8 is now deprecated, please use a dtype torch.bool instead.'


def _tensor_type():
    return _function._Tensor


# ------------------------------------------------------------------------------------------------ primitives

class BasicIndex(Primitive):
    """A NumPy basic index (ints, slices, None): a view. Named after the last op PyTorch would apply."""

    @staticmethod
    def forward(ctx, x, *, index, name):
        ctx._backward_name = name
        ctx.shape, ctx.index = x.shape, index
        return x[index + (Ellipsis,)]  # the Ellipsis keeps a 0-dim result an array view, not a NumPy scalar

    @staticmethod
    def backward(ctx, grad):
        return BasicIndexAdjoint.apply(grad, shape=ctx.shape, index=ctx.index)


class BasicIndexAdjoint(Primitive):
    """Zeros of ``shape`` with ``grad`` written at a basic index (the gradient of ``BasicIndex``)."""

    _backward_name = 'SliceBackwardBackward0'

    @staticmethod
    def forward(ctx, grad, *, shape, index):
        ctx.index = index
        out = ctx.xp.zeros(shape, dtype=grad.dtype)
        out[index + (Ellipsis,)] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return BasicIndex.apply(grad, index=ctx.index, name='SliceBackward0')


class Index(Primitive):
    """``x[index]`` for a full index tuple holding arrays (advanced indexing): a copy."""

    _backward_name = 'IndexBackward0'

    @staticmethod
    def forward(ctx, x, *, index):
        ctx.shape, ctx.index = x.shape, index
        return ctx.xp.asarray(x[index])

    @staticmethod
    def backward(ctx, grad):
        return IndexAccumulate.apply(grad, shape=ctx.shape, index=ctx.index)


class IndexAccumulate(Primitive):
    """Zeros of ``shape`` with ``values`` summed in at ``index`` (``index_put`` with accumulate into zeros)."""

    _backward_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, values, *, shape, index):
        ctx.index = index
        return add_at(ctx.xp, ctx.xp.zeros(shape, dtype=values.dtype), index, values)

    @staticmethod
    def backward(ctx, grad):
        return Index.apply(grad, index=ctx.index)


class IndexPut(Primitive):
    """``x`` with ``values`` written (or summed, ``accumulate``) at ``index``; ``values`` may be a python scalar."""

    _backward_name = 'IndexPutBackward0'

    @staticmethod
    def forward(ctx, x, values, *, index, accumulate):
        ctx.index, ctx.accumulate = index, accumulate
        out = x.copy()
        if accumulate:
            add_at(ctx.xp, out, index, values)
        else:
            out[index] = values
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, need_values = ctx.needs_input_grad
        grad_x = None
        if need_x:
            grad_x = grad if ctx.accumulate else IndexPut.apply(grad, 0, index=ctx.index, accumulate=False)
        return grad_x, (Index.apply(grad, index=ctx.index) if need_values else None)


class MaskedSelect(Index):
    _backward_name = 'MaskedSelectBackward0'


class Take(Index):
    _backward_name = 'TakeBackward0'


class MaskedFill(Primitive):
    """``x`` (broadcast with ``mask``) with ``value`` (a scalar or 0-dim tensor) where ``mask`` holds."""

    @staticmethod
    def forward(ctx, x, value, *, mask):
        ctx.mask = mask
        ctx._backward_name = 'MaskedFillBackward0' if type(value) in _function._SCALARS else 'MaskedFillBackward1'
        return ctx.xp.where(mask, ctx.xp.asarray(value, dtype=x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        need_x, need_value = ctx.needs_input_grad
        Tensor = _tensor_type()
        grad_x = MaskedFill.apply(grad, 0, mask=ctx.mask) if need_x else None
        grad_value = MaskedFill.apply(grad, 0, mask=~ctx.mask).sum() if need_value else None
        if grad_value is not None and not isinstance(grad_value, Tensor):
            grad_value = Tensor._make(grad_value)
        return grad_x, grad_value


class MaskedScatter(Primitive):
    """``x`` (broadcast with ``mask``) with the leading elements of ``source`` written where ``mask`` holds."""

    @staticmethod
    def forward(ctx, x, source, *, mask):
        xp = ctx.xp
        ctx.mask, ctx.source_shape = mask, source.shape
        out = xp.array(xp.broadcast_to(x, mask.shape))
        n = int(mask.sum())
        out[mask] = source.reshape(-1)[:n]
        ctx.count = n
        return out

    @staticmethod
    def backward(ctx, grad):
        need_x, need_source = ctx.needs_input_grad
        grad_x = MaskedFill.apply(grad, 0, mask=ctx.mask) if need_x else None
        grad_source = None
        if need_source:
            size = 1
            for s in ctx.source_shape:
                size *= s
            picked = Index.apply(grad, index=(ctx.mask,))
            grad_source = ConstantPad.apply(picked, widths=((0, size - ctx.count),), value=0).reshape(ctx.source_shape)
        return grad_x, grad_source


# ------------------------------------------------------------------------------------------------ index parsing

def _classify(item):
    """One index item as ``(kind, value)``: int, slice, none, ellipsis, bool, tensor (an int array) or mask."""
    Tensor = _tensor_type()
    if item is None:
        return 'none', None
    if item is Ellipsis:
        return 'ellipsis', None
    if isinstance(item, slice):
        return 'slice', item
    if type(item) is builtins.bool or type(item) is numpy.bool_:
        return 'bool', builtins.bool(item)
    if isinstance(item, Tensor):
        return _classify_array(item._data, item._dtype)
    if isinstance(item, _ndarray):
        return _classify_array(item, dt.from_numpy_dtype(item.dtype))
    if isinstance(item, (builtins.int, numpy.integer)):
        return 'int', operator.index(item)
    if isinstance(item, (list, tuple)):
        from .._creation import tensor  # noqa: PLC0415
        if not item or all(isinstance(i, (list, tuple)) and not i for i in item):
            value = tensor(item, dtype=dt.int64)
        else:
            value = tensor(item)
        kind = _classify_array(value._data, value._dtype)
        return ('tensor', value._data) if kind[0] == 'int' else kind
    if isinstance(item, str):
        raise TypeError("new(): invalid data type 'str'")
    if hasattr(item, '__index__') and not isinstance(item, builtins.float):
        return 'int', operator.index(item)
    raise IndexError(_BAD_INDEX.format(type(item).__name__))


def _classify_array(data, dtype):
    if dtype is dt.bool or dtype is dt.uint8:
        if dtype is dt.uint8:
            warnings.warn(_UINT8_WARNING, UserWarning, stacklevel=4)
        if data.ndim == 0:
            return 'bool', builtins.bool(data)
        return 'mask', data
    if dtype is not dt.int64 and dtype is not dt.int32:
        raise IndexError(_BAD_DTYPE)
    if data.ndim == 0:
        return 'int', builtins.int(data)
    return 'tensor', data


def _as_tuple(index):
    if type(index) is tuple:
        return index
    if type(index) is list and len(index) < 32:
        Tensor = _tensor_type()
        for item in index:
            if item is None or item is Ellipsis or isinstance(item, (slice, list, tuple, Tensor, _ndarray)):
                warnings.warn(_SEQUENCE_WARNING, UserWarning, stacklevel=4)
                return tuple(index)
    return (index,)


def _slice(s):
    try:
        start = None if s.start is None else operator.index(s.start)
        stop = None if s.stop is None else operator.index(s.stop)
        step = None if s.step is None else operator.index(s.step)
    except TypeError:
        raise TypeError('slice indices must be integers or None or have an __index__ method') from None
    if step is not None and step <= 0:
        raise ValueError('slice step cannot be zero' if step == 0 else 'step must be greater than zero')
    return slice(start, stop, step)


def _parse(x, index):
    """``index`` on ``x`` as (basic index tuple or None, view name, advanced entries [(view dim, array, is_mask)])."""
    items = [_classify(item) for item in _as_tuple(index)]
    shape = x._data.shape
    ndim = len(shape)
    consumed = ellipses = 0
    for kind, value in items:
        if kind in ('int', 'slice', 'tensor'):
            consumed += 1
        elif kind == 'mask':
            consumed += value.ndim
        elif kind == 'ellipsis':
            ellipses += 1
    if ellipses > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    if consumed > ndim:
        if ndim == 0 and items[0][0] == 'int':
            raise IndexError('invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` '
                             'in C++ to convert a 0-dim tensor to a number')
        raise IndexError(f'too many indices for tensor of dimension {ndim}')
    basic, advanced = [], []
    name = None
    trivial = True  # the basic part changes nothing (only full slices): no view needed before advanced indexing
    in_dim = out_dim = real_dim = 0
    for kind, value in items:
        if kind == 'int':
            size = shape[in_dim]
            if not -size <= value < size:
                raise IndexError(f'index {value} is out of bounds for dimension {real_dim} with size {size}')
            basic.append(value)
            name, trivial = 'SelectBackward0', False
            in_dim, real_dim = in_dim + 1, real_dim + 1
        elif kind == 'slice':
            value = _slice(value)
            basic.append(value)
            name = 'SliceBackward0'
            trivial = trivial and value == slice(None)
            in_dim, out_dim, real_dim = in_dim + 1, out_dim + 1, real_dim + 1
        elif kind == 'none' or kind == 'bool':
            basic.append(None)
            if kind == 'bool':
                advanced.append((out_dim, numpy.array([value]), True))
            else:
                name = 'UnsqueezeBackward0'
            trivial = False
            out_dim, real_dim = out_dim + 1, real_dim + 1
        elif kind == 'ellipsis':
            n = ndim - consumed
            basic.extend([slice(None)] * n)
            in_dim, out_dim, real_dim = in_dim + n, out_dim + n, real_dim + n
        else:
            n = value.ndim if kind == 'mask' else 1
            basic.extend([slice(None)] * n)
            advanced.append((out_dim, value, kind == 'mask'))
            in_dim, out_dim, real_dim = in_dim + n, out_dim + n, real_dim + n
    if advanced and trivial:
        return None, None, advanced
    return tuple(basic), name or 'AliasBackward0', advanced


def _advanced_index(shape, entries, xp):
    """The full index tuple (arrays at the advanced dims, full slices elsewhere), checked as PyTorch does."""
    full = [slice(None)] * len(shape)
    arrays = []
    for dim, value, is_mask in entries:
        if is_mask:
            for j, s in enumerate(value.shape):
                if dim + j >= len(shape) or s != shape[dim + j]:
                    raise IndexError(f'The shape of the mask {list(value.shape)} at index {j} does not match the '
                                     f'shape of the indexed tensor {list(shape)} at index {dim + j}')
            for j, positions in enumerate(value.nonzero()):
                full[dim + j] = xp.asarray(positions)
                arrays.append((dim + j, None))
        else:
            full[dim] = xp.asarray(value)
            arrays.append((dim, value))
    try:
        broadcast = _broadcast_all([full[d].shape for d, _ in arrays])
    except ValueError:
        raise IndexError('shape mismatch: indexing tensors could not be broadcast together with shapes ' +
                         ', '.join(str(list(full[d].shape)) for d, _ in arrays)) from None
    checked = [(k, d, v) for k, (d, v) in enumerate(arrays) if v is not None and v.size]
    for _, d, v in checked:
        if v.max() >= shape[d] or v.min() < -shape[d]:
            _raise_out_of_bounds(shape, checked, broadcast)
    return tuple(full)


def _broadcast_all(shapes):
    out = ()
    for s in shapes:
        out = _broadcast_shape(out, s)
    return out


def _raise_out_of_bounds(shape, checked, broadcast):
    """PyTorch's error names the first bad element in iteration order, and the position of its index tensor."""
    bad = None
    for k, d, v in checked:
        b = numpy.broadcast_to((numpy.asarray(v) >= shape[d]) | (numpy.asarray(v) < -shape[d]), broadcast).reshape(-1)
        first = int(b.argmax()) if b.any() else None
        if first is not None and (bad is None or first < bad[0]):
            bad = (first, k, d, v)
    first, k, d, v = bad
    value = int(numpy.broadcast_to(numpy.asarray(v), broadcast).reshape(-1)[first])
    raise IndexError(f'index {value} is out of bounds for dimension {k} with size {shape[d]}')


def _index_shape(shape, full):
    """The shape of ``array_of(shape)[full]`` (NumPy's placement rule), without indexing."""
    positions = [i for i, f in enumerate(full) if not isinstance(f, slice)]
    broadcast = _broadcast_all([full[i].shape for i in positions])
    rest = [shape[i] for i in range(len(shape)) if i not in positions]
    if positions == list(range(positions[0], positions[-1] + 1)):
        first = positions[0]
        return tuple(shape[:first]) + broadcast + tuple(shape[positions[-1] + 1:])
    return broadcast + tuple(rest)


def _basic(x, index, name):
    out = BasicIndex.apply(x, index=index, name=name)
    return mark_view(out, x, lambda b: _basic(b, index, name))


def _view_and_index(x, index):
    """The basic view of ``x`` and the full advanced index over it (None when there is none)."""
    basic, name, advanced = _parse(x, index)
    view = x if basic is None else _basic(x, basic, name)
    if not advanced:
        return view, None
    return view, _advanced_index(view._data.shape, advanced, _xp(x))


def _xp(x):
    data = x._data
    return numpy if type(data) is _ndarray else _function._array_module(data)


def getitem(x, index):
    """``x[index]``: a view for basic indices (ints, slices, None, ...), a copy when tensors or masks take part."""
    if type(index) is builtins.int and x._data.ndim:
        size = x._data.shape[0]
        if not -size <= index < size:
            raise IndexError(f'index {index} is out of bounds for dimension 0 with size {size}')
        return _basic(x, (index,), 'SelectBackward0')
    view, full = _view_and_index(x, index)
    return view if full is None else Index.apply(view, index=full)


# ------------------------------------------------------------------------------------------------ __setitem__

def _setitem_value(x, value):
    Tensor = _tensor_type()
    if isinstance(value, Tensor):
        if value.device != x.device:
            value = value.to(x.device)
        return value
    if isinstance(value, numpy.generic):
        value = value.item()
    if type(value) in _function._SCALARS:
        if type(value) is builtins.complex and x._dtype._kind < 3:
            raise RuntimeError(f'value cannot be converted to type {_c_type(x._dtype)} without overflow')
        return value
    from .._tensor import _legacy_type_name  # noqa: PLC0415
    kind = type(value)
    where = '' if kind.__module__ == 'builtins' else kind.__module__.split('.')[0] + '.'
    raise TypeError(f"can't assign a {where}{kind.__name__} to a {_legacy_type_name(x)}")


def _strip_ones(value, ndim):
    """PyTorch drops leading size-1 dims of a value with more dims than its target."""
    shape = value._data.shape
    k = 0
    while len(shape) - k > ndim and shape[k] == 1:
        k += 1
    return value.reshape(shape[k:]) if k else value


def setitem(x, index, value):
    """``x[index] = value``, in place (NOTE [ Views and in-place ops ]); ``value`` is cast to ``x``'s dtype."""
    from .elementwise_select import copy_, fill_  # noqa: PLC0415
    value = _setitem_value(x, value)
    view, full = _view_and_index(x, index)
    is_tensor = not isinstance(value, (builtins.bool, builtins.int, builtins.float, builtins.complex))
    if full is None:
        if not is_tensor:
            fill_(view, value)
            return
        target = view._data.shape
        value = _strip_ones(value, len(target))
        _check_expand(value, target)
        if value._dtype is not view._dtype:
            value = value.to(view._dtype)
        copy_(view, value)
        return
    if is_tensor:
        if value._dtype is not view._dtype:  # PyTorch casts only for basic indexing
            raise RuntimeError(f'Index put requires the source and destination dtypes match, got '
                               f'{_type_word(view._dtype)} for the destination and {_type_word(value._dtype)} for '
                               'the source.')
        result = _index_shape(view._data.shape, full)
        original = value._data.shape
        value = _strip_ones(value, len(result))
        try:
            ok = len(value._data.shape) <= len(result) and _broadcast_shape(value._data.shape, result) == result
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f'shape mismatch: value tensor of shape {list(original)} cannot be broadcast to '
                               f'indexing result of shape {list(result)}')
    apply_inplace(view, IndexPut.apply(view, value, index=full, accumulate=False))


def _check_expand(value, target):
    shape = value._data.shape
    if len(shape) > len(target):
        raise RuntimeError(f'expand({value.type()}{{{list(shape)}}}, size={list(target)}): the number of sizes '
                           f'provided ({len(target)}) must be greater or equal to the number of dimensions in the '
                           f'tensor ({len(shape)})')
    padded = (1,) * (len(target) - len(shape)) + tuple(shape)
    for i in range(len(target) - 1, -1, -1):
        if padded[i] != 1 and padded[i] != target[i]:
            raise RuntimeError(f'The expanded size of the tensor ({target[i]}) must match the existing size '
                               f'({padded[i]}) at non-singleton dimension {i}.  Target sizes: {list(target)}.  '
                               f'Tensor sizes: {list(shape)}')


# ------------------------------------------------------------------------------------------------ index_put

def _check_tensor(value, op, arg, position):
    if not isinstance(value, _tensor_type()):
        raise TypeError(f"{op}(): argument '{arg}' (position {position}) must be Tensor, not {type(value).__name__}")


def index_put(input, indices, values, accumulate=False):
    """``input`` with ``values`` put at ``input[indices]`` (summed with ``accumulate=True``); a copy.

    >>> ember.zeros(3).index_put((ember.tensor([0, 0]),), ember.tensor(1.), accumulate=True)
    tensor([2., 0., 0.])
    """
    return IndexPut.apply(*_index_put_args(input, indices, values, 'index_put'), index=_index_put_index(input, indices),
                          accumulate=builtins.bool(accumulate))


def index_put_(input, indices, values, accumulate=False):
    """In-place ``index_put``."""
    x, values = _index_put_args(input, indices, values, 'index_put_')
    full = _index_put_index(input, indices)
    return apply_inplace(input, IndexPut.apply(input, values, index=full, accumulate=builtins.bool(accumulate)))


def _index_put_args(input, indices, values, op):
    _check_tensor(values, op, 'values', 3)
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"{op}(): argument 'indices' (position 2) must be tuple of Tensors, not "
                        f'{type(indices).__name__}')
    if values._dtype is not input._dtype:
        raise RuntimeError(f'Index put requires the source and destination dtypes match, got '
                           f'{_type_word(input._dtype)} for the destination and {_type_word(values._dtype)} for the '
                           'source.')
    return input, values


def _index_put_index(input, indices):
    Tensor = _tensor_type()
    entries, dim = [], 0
    for i, item in enumerate(indices):
        if not isinstance(item, Tensor):
            raise TypeError(f'expected Tensor as element {i} in argument 0, but got {type(item).__name__}')
        kind, value = _classify_array(item._data, item._dtype)
        if kind == 'int':
            value = numpy.asarray(value) if type(item._data) is _ndarray else item._data
        if kind == 'bool':
            raise IndexError(f'The shape of the mask [] at index 0 does not match the shape of the indexed tensor '
                             f'{list(input._data.shape)} at index {dim}')
        entries.append((dim, value, kind == 'mask'))
        dim += value.ndim if kind == 'mask' else 1
    if dim > input._data.ndim:
        raise IndexError(f'too many indices for tensor of dimension {input._data.ndim} (got {dim})')
    full = _advanced_index(input._data.shape, entries, _xp(input))
    return full


# ------------------------------------------------------------------------------------------------ masked ops

def _check_mask(mask, op):
    _check_tensor(mask, op, 'mask', 2)
    if mask._dtype is not dt.bool:
        if op == 'masked_select':
            raise RuntimeError('masked_select: expected BoolTensor for mask')
        raise RuntimeError(f'{op} only supports boolean masks, but got mask with dtype {_c_type(mask._dtype)}')


def _broadcast_mask(input, mask, op):
    try:
        shape = _broadcast_shape(input._data.shape, mask._data.shape)
    except ValueError:
        from .elementwise import _broadcast_failure  # noqa: PLC0415
        raise _broadcast_failure(ValueError(op), input._data, mask._data) from None
    return shape, _xp(input).broadcast_to(mask._data, shape)


def masked_fill(input, mask, value):
    """``input`` with ``value`` (a number or 0-dim tensor) where ``mask`` is True (broadcast).

    >>> ember.zeros(3).masked_fill(ember.tensor([True, False, True]), 5.)
    tensor([5., 0., 5.])
    """
    _check_mask(mask, 'masked_fill_')
    Tensor = _tensor_type()
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f'masked_fill_ only supports a 0-dimensional value tensor, but got tensor with '
                               f'{value._data.ndim} dimension(s).')
        if value._dtype is not input._dtype:
            value = value.to(input._dtype)
    else:
        value = _setitem_value(input, value)
    _, mask_data = _broadcast_mask(input, mask, 'masked_fill')
    return MaskedFill.apply(input, value, mask=mask_data)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` is True (both broadcast), as a 1-D tensor.

    >>> ember.tensor([1., 2., 3.]).masked_select(ember.tensor([True, False, True]))
    tensor([1., 3.])
    """
    _check_tensor(input, 'masked_select', 'input', 1)
    _check_mask(mask, 'masked_select')
    shape, mask_data = _broadcast_mask(input, mask, 'masked_select')
    expanded = input if input._data.shape == shape else input.expand(shape)
    return _out(MaskedSelect.apply(expanded, index=(mask_data,)), out)


def masked_scatter(input, mask, source):
    """``input`` with the leading elements of ``source`` copied, in order, where ``mask`` is True.

    >>> ember.zeros(3).masked_scatter(ember.tensor([True, False, True]), ember.tensor([1., 2.]))
    tensor([1., 0., 2.])
    """
    _check_mask(mask, 'masked_scatter_')
    _check_tensor(source, 'masked_scatter', 'source', 3)
    if source._dtype is not input._dtype:
        raise RuntimeError(f'masked_scatter: expected self and source to have same dtypes but got'
                           f'{_type_word(input._dtype)} and {_type_word(source._dtype)}')
    _, mask_data = _broadcast_mask(input, mask, 'masked_scatter')
    if int(mask_data.sum()) > source._data.size:
        raise RuntimeError('Number of elements of source < number of ones in mask')
    return MaskedScatter.apply(input, source, mask=mask_data)


# ------------------------------------------------------------------------------------------------ take, put, nonzero

def _flat_index(input, index, op):
    _check_tensor(index, op, 'index', 2)
    if index._dtype is not dt.int64:
        raise RuntimeError(f'{op}(): Expected a long tensor for index, but got {_type_word(index._dtype)}')
    n = input._data.size
    data = index._data
    if data.size and (int(data.max()) >= n or int(data.min()) < -n):
        bad = data.reshape(-1)[((data >= n) | (data < -n)).reshape(-1).argmax()]
        raise IndexError(f'out of range: tried to access index {int(bad)} on a tensor of {n} elements.')
    return data


def take(input, index):
    """The elements of ``input`` (read as 1-D) at ``index``; the result has ``index``'s shape.

    >>> ember.tensor([[1, 2], [3, 4]]).take(ember.tensor([0, 3]))
    tensor([1, 4])
    """
    data = _flat_index(input, index, 'take')
    return Take.apply(input.reshape(-1), index=(data,))


def put(input, index, source, accumulate=False):
    """``input`` with ``source``'s elements written (read as 1-D) at ``index``; a copy.

    >>> ember.zeros(2, 2).put(ember.tensor([3]), ember.tensor([1.]))
    tensor([[0., 0.],
            [0., 1.]])
    """
    data = _flat_index(input, index, 'put_')
    _check_tensor(source, 'put_', 'source', 3)
    if source._dtype is not input._dtype:
        raise RuntimeError(f'put_(): self and source expected to have the same dtype, but got self.dtype = '
                           f'{_type_word(input._dtype)} and source.dtype = {_type_word(source._dtype)}')
    if source._data.size != data.size:
        raise IndexError(f'put_(): Expected source and index to have the same number of elements, but got '
                         f'source.numel() = {source._data.size}, index.numel() = {data.size}')
    flat = IndexPut.apply(input.reshape(-1), source.reshape(-1), index=(data.reshape(-1),),
                          accumulate=builtins.bool(accumulate))
    return flat.reshape(input._data.shape)


def put_(input, index, source, accumulate=False):
    """In-place ``put``."""
    return apply_inplace(input, put(input, index, source, accumulate))


def nonzero(input, *, out=None, as_tuple=False):
    """The indices of the nonzero elements: an ``(n, ndim)`` int64 tensor, or one 1-D tensor per dim.

    >>> ember.tensor([0, 3, 0, 4]).nonzero()
    tensor([[1],
            [3]])
    """
    Tensor = _tensor_type()
    data = input._data
    xp = _xp(input)
    if as_tuple:
        found = (data.reshape(1) if data.ndim == 0 else data).nonzero()
        return tuple(Tensor._make(xp.asarray(i, dtype=xp.int64)) for i in found)
    if data.ndim == 0:
        result = Tensor._make(xp.zeros((1 if data.item() else 0, 0), dtype=xp.int64))
    else:
        result = Tensor._make(xp.ascontiguousarray(xp.stack(data.nonzero(), axis=1).astype(xp.int64)))
    return _out(result, out)


def argwhere(input):
    """``nonzero(input)``: an ``(n, ndim)`` tensor of the indices of nonzero elements.

    >>> ember.argwhere(ember.tensor([1, 0, 2]))
    tensor([[0],
            [2]])
    """
    return nonzero(input)


def _out(result, out):
    if out is None:
        return result
    from .elementwise import _out as write  # noqa: PLC0415
    return write(result, out)


# ------------------------------------------------------------------------------------------------ Tensor methods

class IndexingMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    __getitem__ = getitem
    __setitem__ = setitem

    def index_put(self, indices, values, accumulate=False):
        return index_put(self, indices, values, accumulate)

    def index_put_(self, indices, values, accumulate=False):
        return index_put_(self, indices, values, accumulate)

    def masked_fill(self, mask, value):
        return masked_fill(self, mask, value)

    def masked_fill_(self, mask, value):
        return apply_inplace(self, masked_fill(self, mask, value))

    def masked_select(self, mask):
        return masked_select(self, mask)

    def masked_scatter(self, mask, source):
        return masked_scatter(self, mask, source)

    def masked_scatter_(self, mask, source):
        return apply_inplace(self, masked_scatter(self, mask, source))

    def take(self, index):
        return take(self, index)

    def take_along_dim(self, indices, dim=None):
        return take_along_dim(self, indices, dim)

    def put(self, index, source, accumulate=False):
        return put(self, index, source, accumulate)

    def put_(self, index, source, accumulate=False):
        return put_(self, index, source, accumulate)

    def nonzero(self, *, as_tuple=False):
        return nonzero(self, as_tuple=as_tuple)

    def argwhere(self):
        return nonzero(self)

    def index_select(self, dim, index):
        return index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return index_add(self, dim, index, source, alpha=alpha)

    def index_add_(self, dim, index, source, *, alpha=1):
        return index_add_(self, dim, index, source, alpha=alpha)

    def index_copy(self, dim, index, source):
        return index_copy(self, dim, index, source)

    def index_copy_(self, dim, index, source):
        return index_copy_(self, dim, index, source)

    def index_fill(self, dim, index, value):
        return index_fill(self, dim, index, value)

    def index_fill_(self, dim, index, value):
        return index_fill_(self, dim, index, value)

    def index_reduce(self, dim, index, source, reduce, *, include_self=True):
        return index_reduce(self, dim, index, source, reduce, include_self=include_self)

    def index_reduce_(self, dim, index, source, reduce, *, include_self=True):
        return index_reduce_(self, dim, index, source, reduce, include_self=include_self)

    def gather(self, dim, index, *, sparse_grad=False):
        return gather(self, dim, index, sparse_grad=sparse_grad)

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        return scatter(self, dim, index, src, value=value, reduce=reduce)

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        return scatter_(self, dim, index, src, value=value, reduce=reduce)

    def scatter_add(self, dim, index, src):
        return scatter_add(self, dim, index, src)

    def scatter_add_(self, dim, index, src):
        return scatter_add_(self, dim, index, src)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        return scatter_reduce(self, dim, index, src, reduce, include_self=include_self)

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        return scatter_reduce_(self, dim, index, src, reduce, include_self=include_self)

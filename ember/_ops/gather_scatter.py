"""Gather / scatter-add primitives with constant indices: rows (``embedding``, ``embedding_bag``), slices along an
axis (the non-constant padding modes, glu's halves) and constant padding / cropping.

``TakeRows`` (``weight[indices]``) and ``IndexAddRows`` (sum rows into a table) are each other's adjoints, so the pair
is closed under differentiation. Embedding's ``padding_idx`` and ``scale_grad_by_freq`` are a per-position gradient
scale that ``TakeRows`` builds once in forward from the indices (a constant, independent of the weight).
``SegmentMax`` is embedding_bag's ``mode='max'``: it records, for each bag and column, the first position holding
the maximum, and its gradient flows only there.
"""
from __future__ import annotations

import numpy

from ..autograd.function import Primitive

__all__ = []  # public functions are re-exported by indexing.py


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def scatter_add_rows(xp, out, index, values):
    """``out[index[i]] += values[i]`` with repeated indices accumulated (in place).

    On NumPy, many rows go through a stable sort of the indices and one ``add.reduceat`` per run of equal indices
    (each row's values still summed in their order of appearance): ``add.at`` runs ~2x slower for an embedding's
    gradient (2,048 rows of 128)."""
    if xp is numpy:
        if index.ndim == 1 and index.size >= 256 and values.ndim >= 1 and values.shape[0] == index.size \
                and index.min() >= 0:
            order = numpy.argsort(index, kind='stable')
            ordered = index[order]
            starts = numpy.flatnonzero(numpy.concatenate(([True], ordered[1:] != ordered[:-1])))
            out[ordered[starts]] += numpy.add.reduceat(values[order], starts, axis=0)
        else:
            numpy.add.at(out, index, values)
    else:
        import cupyx  # noqa: PLC0415
        cupyx.scatter_add(out, index, values)
    return out


class TakeRows(Primitive):
    """``weight[indices]`` for a 2-D ``weight``; the gradient is scaled per position by ``scale`` (or not)."""

    _backward_name = 'EmbeddingBackward0'

    @staticmethod
    def forward(ctx, weight, indices, *, padding_idx=None, scale_grad_by_freq=False):
        xp = ctx.xp
        ctx.num_rows = weight.shape[0]
        ctx.indices = indices
        scale = None
        if padding_idx is not None or scale_grad_by_freq:
            flat = indices.reshape(-1)
            scale = xp.ones(flat.shape, dtype=weight.dtype)
            if scale_grad_by_freq:
                counts = xp.bincount(flat, minlength=weight.shape[0])
                scale = scale / counts[flat].astype(weight.dtype)
            if padding_idx is not None:
                scale = xp.where(flat == padding_idx, 0, scale).astype(weight.dtype)
            scale = scale.reshape(indices.shape + (1,) * (weight.ndim - 1))
        ctx.scale = scale
        return xp.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, grad):
        if ctx.scale is not None:
            grad = grad * _tensor_type()._make(ctx.scale)
        return IndexAddRows.apply(grad, _tensor_type()._make(ctx.indices), num_rows=ctx.num_rows), None


class IndexAddRows(Primitive):
    """A ``(num_rows, *row)`` table of zeros with ``values[i]`` added into row ``indices[i]``."""

    _backward_name = 'IndexAddBackward0'

    @staticmethod
    def forward(ctx, values, indices, *, num_rows):
        xp = ctx.xp
        ctx.indices = indices
        row_shape = values.shape[indices.ndim:]
        out = xp.zeros((num_rows,) + row_shape, dtype=values.dtype)
        return scatter_add_rows(xp, out, indices.reshape(-1), values.reshape((-1,) + row_shape))

    @staticmethod
    def backward(ctx, grad):
        return TakeRows.apply(grad, _tensor_type()._make(ctx.indices)), None


class SegmentMax(Primitive):
    """Per-bag column maxima of ``values (N, D)`` over ``bags (N,)`` into ``num_bags`` rows (empty bags give 0)."""

    _backward_name = 'EmbeddingBagBackward0'

    @staticmethod
    def forward(ctx, values, bags, *, num_bags):
        xp = ctx.xp
        n, d = values.shape
        out = xp.full((num_bags, d), -xp.inf, dtype=values.dtype)
        if n:
            xp.maximum.at(out, bags, values) if xp is numpy else _cupy_max_at(out, bags, values)
        # the first position of each bag holding the maximum (PyTorch's tie break) gets the gradient
        positions = xp.arange(n).reshape(-1, 1)
        candidate = xp.where(values == out[bags], positions, n)
        first = xp.full((num_bags, d), n, dtype=candidate.dtype)
        if n:
            xp.minimum.at(first, bags, candidate) if xp is numpy else _cupy_min_at(first, bags, candidate)
        ctx.mask = (positions == first[bags]).astype(values.dtype)
        ctx.bags = bags
        ctx.argmax = first
        counts = xp.bincount(bags, minlength=num_bags) if n else xp.zeros(num_bags, dtype=xp.int64)
        return xp.where((counts > 0).reshape(-1, 1), out, 0).astype(values.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        Tensor = _tensor_type()
        return TakeRows.apply(grad, Tensor._make(ctx.bags)) * Tensor._make(ctx.mask), None


def _cupy_max_at(out, index, values):
    import cupyx  # noqa: PLC0415
    cupyx.scatter_max(out, index, values)


def _cupy_min_at(out, index, values):
    import cupyx  # noqa: PLC0415
    cupyx.scatter_min(out, index, values)


# ------------------------------------------------------------------------------------------------ axis gather / pad

class ConstantPad(Primitive):
    """Pad (or, with negative amounts, crop) each dim by ``(before, after)`` amounts, filling with ``value``."""

    _backward_name = 'ConstantPadNdBackward0'

    @staticmethod
    def forward(ctx, x, *, widths, value):
        xp = ctx.xp
        ctx.widths = widths
        shape = tuple(s + a + b for s, (a, b) in zip(x.shape, widths))
        if any(s < 0 for s in shape):
            raise RuntimeError(f'The input size {x.shape[-1]}, plus negative padding {widths[-1][0]} and '
                               f'{widths[-1][1]} resulted in a negative output size, which is invalid. Check '
                               'dimension 0 of your input.')
        out = xp.full(shape, value, dtype=x.dtype)
        src = tuple(slice(max(-a, 0), s - max(-b, 0)) for s, (a, b) in zip(x.shape, widths))
        dst = tuple(slice(max(a, 0), max(a, 0) + (sl.stop - sl.start)) for (a, _), sl in zip(widths, src))
        if all(sl.stop > sl.start for sl in src):
            out[dst] = x[src]
        return out

    @staticmethod
    def backward(ctx, grad):
        return ConstantPad.apply(grad, widths=tuple((-a, -b) for a, b in ctx.widths), value=0)


class GatherAxis(Primitive):
    """``x`` indexed along ``axis`` by a constant index array (the non-constant padding modes)."""

    _backward_name = 'IndexBackward0'

    @staticmethod
    def forward(ctx, x, *, index, axis):
        ctx.index, ctx.axis, ctx.size = index, axis, x.shape[axis]
        return ctx.xp.take(x, ctx.xp.asarray(index), axis=axis)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAxis.apply(grad, index=ctx.index, axis=ctx.axis, size=ctx.size)


class ScatterAxis(Primitive):
    """The adjoint of GatherAxis: sums slices of ``x`` along ``axis`` into ``size`` slots given by ``index``."""

    _backward_name = 'IndexAddBackward0'

    @staticmethod
    def forward(ctx, x, *, index, axis, size):
        xp = ctx.xp
        ctx.index, ctx.axis = index, axis
        moved = xp.moveaxis(x, axis, 0)
        out = xp.zeros((size,) + moved.shape[1:], dtype=x.dtype)
        scatter_add_rows(xp, out, xp.asarray(index), moved)
        return xp.ascontiguousarray(xp.moveaxis(out, 0, axis))

    @staticmethod
    def backward(ctx, grad):
        return GatherAxis.apply(grad, index=ctx.index, axis=ctx.axis)


# ------------------------------------------------------------------------------------------------ gather / scatter

def ufunc_at(xp, name, out, index, values):
    """``out[index] (op)= values`` with repeated indices combined (in place); ``name`` is a NumPy ufunc name."""
    if xp is numpy:
        getattr(numpy, name).at(out, index, values)
        return out
    import cupyx  # noqa: PLC0415
    kernel = {'add': cupyx.scatter_add, 'maximum': cupyx.scatter_max, 'minimum': cupyx.scatter_min}.get(name)
    if kernel is not None:
        kernel(out, index, values)
        return out
    host = xp.asnumpy(out)  # no CuPy kernel for a scattered product
    getattr(numpy, name).at(host, tuple(xp.asnumpy(i) if hasattr(i, 'device') else i for i in index),
                            xp.asnumpy(values) if hasattr(values, 'device') else values)
    out[...] = xp.asarray(host)
    return out


def add_at(xp, out, index, values):
    """``out[index] += values`` with repeated indices accumulated (in place)."""
    return ufunc_at(xp, 'add', out, index, values)


def _axis_index(xp, index, dim):
    """The full index tuple reading ``[i0, .., index[i0, .., in], .., in]`` at each position of ``index``."""
    full = []
    for d, n in enumerate(index.shape):
        if d == dim:
            full.append(index)
        else:
            shape = [1] * index.ndim
            shape[d] = n
            full.append(xp.arange(n).reshape(shape))
    return tuple(full)


def _leading(array, shape):
    """``array``'s leading block of ``shape`` (a ``src`` larger than ``index`` contributes only that block)."""
    if array.shape == shape:
        return array
    return array[tuple(slice(0, n) for n in shape)]


def _pad_to(grad, shape):
    """``grad`` padded with zeros at the end of each dim up to ``shape`` (the adjoint of ``_leading``)."""
    if tuple(grad._data.shape) == tuple(shape):
        return grad
    return ConstantPad.apply(grad, widths=tuple((0, s - n) for n, s in zip(grad._data.shape, shape)), value=0)


def _at_least_1d(array):
    return array.reshape(1) if array.ndim == 0 else array


class Gather(Primitive):
    """``x`` read along ``dim`` at a constant ``index`` (the same rank as ``x``)."""

    @staticmethod
    def forward(ctx, x, *, index, dim):
        ctx.index, ctx.dim, ctx.shape = index, dim, x.shape
        full = _axis_index(ctx.xp, _at_least_1d(index), dim)
        return _at_least_1d(x)[full].reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAddZeros.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape)


class ScatterAddZeros(Primitive):
    """Zeros of ``shape`` with ``values`` summed in along ``dim`` at ``index`` (the adjoint of ``Gather``)."""

    _backward_name = 'ScatterAddBackward0'

    @staticmethod
    def forward(ctx, values, *, index, dim, shape):
        xp = ctx.xp
        ctx.index, ctx.dim = index, dim
        out = xp.zeros(shape if shape else (1,), dtype=values.dtype)
        add_at(xp, out, _axis_index(xp, _at_least_1d(index), dim), _at_least_1d(values))
        return out.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return Gather.apply(grad, index=ctx.index, dim=ctx.dim)


_IDENTITY = {'sum': 0, 'mean': 0, 'prod': 1}


class Scatter(Primitive):
    """``x`` with ``src`` (an array, of which the leading ``index``-shaped block is used, or a scalar) written,
    summed (``reduce`` 'add'/'sum'), multiplied, or reduced ('amax', 'amin', 'mean') along ``dim`` at ``index``."""

    @staticmethod
    def forward(ctx, x, src, *, index, dim, reduce, include_self=True):
        xp = ctx.xp
        scalar = not hasattr(src, 'shape')
        ctx._backward_name = _scatter_name(reduce, scalar, include_self)
        ctx.index, ctx.dim, ctx.reduce, ctx.include_self = index, dim, reduce, include_self
        ctx.src_shape = None if scalar else src.shape
        ctx.touched = None
        out = _at_least_1d(x).copy()
        full = _axis_index(xp, _at_least_1d(index), dim)
        values = src if scalar else _leading(_at_least_1d(src), _at_least_1d(index).shape)
        if reduce is None:
            out[full] = values
            return out.reshape(x.shape)
        touched = None
        if not include_self:
            touched = xp.zeros(out.shape, dtype=bool)
            touched[full] = True
            if reduce in ('amax', 'amin'):
                info = xp.finfo(out.dtype) if out.dtype.kind in 'fc' else xp.iinfo(out.dtype)
                out[full] = info.min if reduce == 'amax' else info.max
            else:
                out[full] = _IDENTITY[reduce]
        name = {'add': 'add', 'sum': 'add', 'mean': 'add', 'multiply': 'multiply', 'prod': 'multiply',
                'amax': 'maximum', 'amin': 'minimum'}[reduce]
        ufunc_at(xp, name, out, full, values)
        if reduce == 'mean':
            count = xp.full(out.shape, 1 if include_self else 0, dtype=out.dtype)
            add_at(xp, count, full, xp.ones(values.shape, dtype=out.dtype))
            count = xp.maximum(count, 1)
            out = out // count if out.dtype.kind in 'iub' else out / count
            ctx.count = count.reshape(x.shape)
        ctx.touched = None if touched is None else touched.reshape(x.shape)
        out = out.reshape(x.shape)
        if reduce in ('prod', 'amax', 'amin'):
            ctx.save_for_backward(x, src if not scalar else None, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _scatter_backward(ctx, grad)


def _scatter_name(reduce, scalar, include_self):
    if reduce is None:
        return 'ScatterBackward1' if scalar else 'ScatterBackward0'
    if reduce in ('add', 'sum') and include_self and not scalar:
        return 'ScatterAddBackward0'
    if reduce in ('add', 'multiply'):
        return 'ScatterBackward1' if scalar else 'ScatterBackward0'  # PyTorch's scatter(reduce=): not differentiable
    return 'ScatterReduceBackward0'


def _scatter_backward(ctx, grad):
    reduce, index, dim = ctx.reduce, ctx.index, ctx.dim
    if reduce in ('add', 'multiply'):
        raise RuntimeError('derivative for aten::scatter is not implemented')
    Tensor = _tensor_type()
    need_x, need_src = ctx.needs_input_grad
    touched = None if ctx.touched is None else Tensor._make(ctx.touched)

    def at_src(t):
        return Gather.apply(t, index=index, dim=dim)

    def to_src(g):
        return _pad_to(g, ctx.src_shape) if need_src and ctx.src_shape is not None else None

    if reduce is None:
        return (Scatter.apply(grad, 0, index=index, dim=dim, reduce=None) if need_x else None), to_src(at_src(grad))
    if reduce == 'sum' or reduce == 'mean':
        g = grad if reduce == 'sum' else grad / Tensor._make(ctx.count)
        grad_x = g if touched is None else g.masked_fill(touched, 0)
        return (grad_x if need_x else None), to_src(at_src(g))
    x, src, out = ctx.saved_tensors
    src = src[tuple(slice(0, n) for n in index.shape)] if src._data.shape != index.shape else src
    if reduce == 'prod':
        return _prod_backward(ctx, grad, x, src, touched, at_src, to_src)
    # amax / amin: the gradient is shared evenly between the contributors equal to the result
    self_is = (x == out) if touched is None else (x == out).masked_fill(touched, False)
    self_is = self_is.to(grad.dtype)
    src_is = (src == at_src(out)).to(grad.dtype)
    count = Scatter.apply(self_is, src_is, index=index, dim=dim, reduce='sum')
    g = grad / count
    return (g * self_is if need_x else None), to_src(at_src(g) * src_is)


def _prod_backward(ctx, grad, x, src, touched, at_src, to_src):
    """d(prod)/d(contributor) = the product of the other contributors, exact when some are zero."""
    index, dim = ctx.index, ctx.dim
    x_zero, src_zero = x == 0, src == 0
    zeros_self = x_zero.to(grad.dtype)
    if touched is not None:
        zeros_self = zeros_self.masked_fill(touched, 0)
    count = Scatter.apply(zeros_self, src_zero.to(grad.dtype), index=index, dim=dim, reduce='sum')
    x_safe, src_safe = x.masked_fill(x_zero, 1), src.masked_fill(src_zero, 1)
    base = x_safe if touched is None else x_safe.masked_fill(touched, 1)
    product = Scatter.apply(base, src_safe, index=index, dim=dim, reduce='prod')  # of the nonzero contributors
    one_zero = product * (count == 1).to(grad.dtype)
    no_zero = product * (count == 0).to(grad.dtype)
    grad_x = None
    if ctx.needs_input_grad[0]:
        if touched is None:
            grad_x = grad * one_zero.where(x_zero, no_zero / x_safe)
        else:
            grad_x = grad.masked_fill(touched, 0)
    grad_src = None
    if ctx.needs_input_grad[1]:
        grad_src = to_src(at_src(grad) * at_src(one_zero).where(src_zero, at_src(no_zero) / src_safe))
    return grad_x, grad_src


# ------------------------------------------------------------------------------------------------ public functions

def _type_word(d):
    from .inplace import _type_word as word  # noqa: PLC0415
    return word(d)


def _c_type(d):
    from .elementwise_select import _c_type as word  # noqa: PLC0415
    return word(d)


def _dim_index(input, dim, index, op, src=None):
    """Check ``gather``/``scatter``'s arguments as PyTorch does; return the wrapped dim and the index as int64."""
    from .. import _dtype as dt  # noqa: PLC0415
    from ._util import wrap_dim  # noqa: PLC0415
    Tensor = _tensor_type()
    if not isinstance(index, Tensor):
        raise TypeError(f"{op}(): argument 'index' (position 3) must be Tensor, not {type(index).__name__}")
    dim = wrap_dim(dim, input._data.ndim, op)
    if index._dtype is not dt.int64 and index._dtype is not dt.int32:
        raise RuntimeError(f'{"scatter" if op != "gather" else op}(): Expected dtype int32/int64 for index')
    shape, ishape = input._data.shape, index._data.shape
    rank = max(len(shape), 1)
    if max(len(ishape), 1) != rank:
        raise RuntimeError(f'Index tensor must have the same number of dimensions as '
                           f'{"input" if op == "gather" else "self"} tensor')
    padded, ipadded = shape or (1,), ishape or (1,)
    if src is not None and hasattr(src, '_data'):
        wrap_dim(dim, src._data.ndim, op)
        sshape = src._data.shape or (1,)
        if len(sshape) != rank:
            raise RuntimeError('Index tensor must have the same number of dimensions as src tensor')
        if src._dtype is not input._dtype:
            raise RuntimeError('scatter(): Expected self.dtype to be equal to src.dtype')
        if index._data.size and any(i > s for i, s in zip(ipadded, sshape)) or \
                any(i > s for d, (i, s) in enumerate(zip(ipadded, padded)) if d != dim):
            raise RuntimeError(f'Expected index {list(ishape)} to be no larger than self {list(shape)} apart from '
                               f'dimension {dim} and to be no larger size than src {list(src._data.shape)}')
    for d, (i, s) in enumerate(zip(ipadded, padded)):
        if d != dim and i > s and index._data.size:
            if op == 'gather':
                raise RuntimeError(f'Size does not match at dimension {d} expected index {list(ishape)} to be no '
                                   f'larger than self {list(shape)} apart from dimension {dim}')
            raise RuntimeError(f'Expected index {list(ishape)} to be no larger than self {list(shape)} apart from '
                               f'dimension {dim}')
    data = index._data
    size = padded[dim]
    if data.size and (int(data.max()) >= size or int(data.min()) < 0):
        bad = data.reshape(-1)[((data >= size) | (data < 0)).reshape(-1).argmax()]
        raise RuntimeError(f'index {int(bad)} is out of bounds for dimension {dim} with size {size}')
    return dim, data if data.dtype == numpy.int64 or type(data) is not numpy.ndarray else data.astype(numpy.int64)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """The values of ``input`` along ``dim`` at ``index``: ``out[i][j] = input[i][index[i][j]]`` for ``dim=1``.

    >>> ember.tensor([[1, 2], [3, 4]]).gather(1, ember.tensor([[1], [0]]))
    tensor([[2],
            [3]])
    """
    dim, data = _dim_index(input, dim, index, 'gather')
    from .elementwise import _out  # noqa: PLC0415
    return _out(Gather.apply(input, index=data, dim=dim), out)


def _scatter_src(input, src, value, op):
    Tensor = _tensor_type()
    if src is None:
        src = value
    if src is None:
        raise TypeError(f'{op}() missing 1 required positional argument: "src"')
    if isinstance(src, Tensor):
        return src
    if isinstance(src, numpy.generic):
        src = src.item()
    if isinstance(src, complex) and input._dtype._kind < 3:
        raise RuntimeError(f'value cannot be converted to type {_c_type(input._dtype)} without overflow')
    if not isinstance(src, (bool, int, float, complex)):
        raise TypeError(f"{op}(): argument 'src' (position 3) must be Tensor, not {type(src).__name__}")
    return src


def scatter(input, dim, index, src=None, *, value=None, reduce=None, out=None):
    """``input`` with ``src`` (a tensor or a number) written along ``dim`` at ``index``; ``reduce='add'`` or
    ``'multiply'`` combines instead (not differentiable, as in PyTorch).

    >>> ember.zeros(2, 3).scatter(1, ember.tensor([[2], [0]]), 1.)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    src = _scatter_src(input, src, value, 'scatter')
    if reduce is not None and reduce not in ('add', 'multiply'):
        raise RuntimeError('reduce argument must be either add or multiply.')
    dim, data = _dim_index(input, dim, index, 'scatter', src)
    from .elementwise import _out  # noqa: PLC0415
    return _out(Scatter.apply(input, src, index=data, dim=dim, reduce=reduce), out)


def scatter_add(input, dim, index, src, *, out=None):
    """``input`` with ``src`` summed in along ``dim`` at ``index`` (repeated indices accumulate).

    >>> ember.zeros(3).scatter_add(0, ember.tensor([0, 0, 2]), ember.tensor([1., 2., 3.]))
    tensor([3., 0., 3.])
    """
    dim, data = _dim_index(input, dim, index, 'scatter_add', src)
    from .elementwise import _out  # noqa: PLC0415
    return _out(Scatter.apply(input, src, index=data, dim=dim, reduce='sum'), out)


_REDUCTIONS = ('sum', 'prod', 'mean', 'amax', 'amin')


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """``input`` with ``src`` reduced in along ``dim`` at ``index`` by ``reduce`` ('sum', 'prod', 'mean', 'amax',
    'amin'); ``include_self=False`` leaves ``input``'s own values out where something is scattered.

    >>> ember.tensor([1., 1.]).scatter_reduce(0, ember.tensor([0, 0]), ember.tensor([3., 5.]), 'amax')
    tensor([5., 1.])
    """
    if reduce not in _REDUCTIONS:
        raise RuntimeError(f'reduce argument must be either sum, prod, mean, amax or amin, got {reduce}')
    if not isinstance(src, _tensor_type()):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 4) must be Tensor, not {type(src).__name__}")
    dim, data = _dim_index(input, dim, index, 'scatter_reduce', src)
    from .elementwise import _out  # noqa: PLC0415
    return _out(Scatter.apply(input, src, index=data, dim=dim, reduce=reduce, include_self=bool(include_self)), out)


def _inplace(input, result):
    from .inplace import apply_inplace  # noqa: PLC0415
    return apply_inplace(input, result)


def scatter_(input, dim, index, src=None, *, value=None, reduce=None):
    return _inplace(input, scatter(input, dim, index, src, value=value, reduce=reduce))


def scatter_add_(input, dim, index, src):
    return _inplace(input, scatter_add(input, dim, index, src))


def scatter_reduce_(input, dim, index, src, reduce, *, include_self=True):
    return _inplace(input, scatter_reduce(input, dim, index, src, reduce, include_self=include_self))


def take_along_dim(input, indices, dim=None, *, out=None):
    """``input``'s values at ``indices`` along ``dim`` (the two broadcast on the other dims); with ``dim=None`` both
    are read as 1-D.

    >>> ember.tensor([[10, 30, 20]]).take_along_dim(ember.tensor([[0, 2]]), dim=1)
    tensor([[10, 20]])
    """
    from .. import _dtype as dt  # noqa: PLC0415
    from ._util import wrap_dim  # noqa: PLC0415
    from .inplace import _broadcast_shape  # noqa: PLC0415
    if indices._dtype is not dt.int64:
        raise RuntimeError(f'torch.take_along_dim(): dtype of indices should be Long but got '
                           f'{_type_word(indices._dtype)}')
    if dim is None:
        result = gather(input.reshape(-1), 0, indices.reshape(-1))
    else:
        shape, ishape = input._data.shape, indices._data.shape
        if len(shape) != len(ishape):
            raise RuntimeError(f'torch.take_along_dim(): input and indices should have the same number of '
                               f'dimensions, but got {len(shape)} dimensions for input, and {len(ishape)} dimensions '
                               'for indices')
        dim = wrap_dim(dim, len(shape), 'take_along_dim')
        try:
            common = list(_broadcast_shape(shape[:dim] + (1,) + shape[dim + 1:],
                                           ishape[:dim] + (1,) + ishape[dim + 1:]))
        except ValueError:
            from .elementwise import _broadcast_failure  # noqa: PLC0415
            raise _broadcast_failure(ValueError('take_along_dim'), input._data, indices._data) from None
        if shape:
            target, itarget = list(common), list(common)
            target[dim], itarget[dim] = shape[dim], ishape[dim]
            input = input if list(shape) == target else input.expand(target)
            indices = indices if list(ishape) == itarget else indices.expand(itarget)
        result = gather(input, dim, indices)
    from .elementwise import _out  # noqa: PLC0415
    return _out(result, out)

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

__all__ = []


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def scatter_add_rows(xp, out, index, values):
    """``out[index[i]] += values[i]`` with repeated indices accumulated (in place)."""
    if xp is numpy:
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

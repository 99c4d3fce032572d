"""Sampling primitives: separable resampling along one axis (interpolate), im2col / col2im (unfold / fold) and
grid sampling.

NOTE [ Resampling as taps ]
Every ``interpolate`` mode is separable: along each spatial axis the output is a fixed linear map of the input,
``out[j] = sum_k w[k, j] * x[idx[k, j]]`` with a few taps per output position (1 for nearest, 2 for linear, 4 for
cubic, a window for area). ``AxisTaps`` applies such a map as ``K`` gathers; its adjoint is again a map of the
same form (the taps transposed: for each input position, the outputs it feeds), so the backward is ``AxisTaps``
with the transposed taps and the pair is closed under differentiation. The taps depend only on sizes and options,
so they are built once on the host and cached.
"""
from __future__ import annotations

import functools
import itertools
import math

import numpy

from ..autograd.function import Primitive
from .conv import _ndindex, _windows

_CUBIC_A = -0.75


# ------------------------------------------------------------------------------------------------ taps

def _cubic_weights(t, a=_CUBIC_A):
    """Keys' cubic convolution weights for the taps at offsets -1, 0, 1, 2 from ``floor(src)``."""
    def near(x):  # |x| <= 1
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):  # 1 < |x| < 2
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    return [far(t + 1), near(t), near(1 - t), far(2 - t)]


def _source(dst, in_size, out_size, scale, align_corners, cubic=False):
    """Continuous source coordinate of each output position (PyTorch's half-pixel convention)."""
    if align_corners:
        ratio = (in_size - 1) / (out_size - 1) if out_size > 1 else 0.0
        return dst * ratio
    ratio = 1.0 / scale if scale is not None and scale > 0 else in_size / out_size
    src = ratio * (dst + 0.5) - 0.5
    return src if cubic else numpy.maximum(src, 0.0)


@functools.lru_cache(maxsize=256)
def axis_taps(mode, in_size, out_size, scale=None, align_corners=False):
    """``(idx, weight)`` arrays of shape (K, out_size) mapping an axis of length ``in_size`` to ``out_size``."""
    dst = numpy.arange(out_size, dtype=numpy.float64)
    if mode in ('nearest', 'nearest-exact'):
        # PyTorch computes nearest indices in float32; doing the same picks the same pixel at ties
        ratio = numpy.float32(1.0 / scale) if scale is not None and scale > 0 else \
            numpy.float32(in_size) / numpy.float32(out_size)
        pos = numpy.arange(out_size, dtype=numpy.float32)
        if mode == 'nearest-exact':
            pos = pos + numpy.float32(0.5)
        idx = numpy.minimum(numpy.floor(pos * ratio).astype(numpy.int64), in_size - 1)
        return idx[None], numpy.ones((1, out_size))
    if mode == 'linear':
        src = _source(dst, in_size, out_size, scale, align_corners)
        low = numpy.minimum(numpy.floor(src).astype(numpy.int64), in_size - 1)
        high = numpy.minimum(low + 1, in_size - 1)
        frac = src - low
        return numpy.stack([low, high]), numpy.stack([1.0 - frac, frac])
    if mode == 'cubic':
        src = _source(dst, in_size, out_size, scale, align_corners, cubic=True)
        base = numpy.floor(src)
        weights = _cubic_weights(src - base)
        base = base.astype(numpy.int64)
        idx = numpy.stack([numpy.clip(base + k - 1, 0, in_size - 1) for k in range(4)])
        return idx, numpy.stack(weights)
    if mode == 'area':  # adaptive average pooling windows
        start = (numpy.arange(out_size) * in_size) // out_size
        end = -((-(numpy.arange(out_size) + 1) * in_size) // out_size)
        width = end - start
        k = int(width.max()) if out_size else 1
        offsets = numpy.arange(k)[:, None]
        idx = numpy.minimum(start[None] + offsets, in_size - 1)
        weight = numpy.where(offsets < width[None], 1.0 / width[None], 0.0)
        return idx, weight
    raise ValueError(f'unknown resampling mode {mode}')


@functools.lru_cache(maxsize=256)
def _transposed(idx, weight, in_size):
    """The taps of the adjoint map: for each input position, the (output, weight) pairs that read it."""
    idx, weight = idx.array, weight.array
    out_size = idx.shape[1]
    rows = idx.reshape(-1)
    cols = numpy.tile(numpy.arange(out_size), idx.shape[0])
    vals = weight.reshape(-1)
    keep = vals != 0
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    order = numpy.argsort(rows, kind='stable')
    rows, cols, vals = rows[order], cols[order], vals[order]
    counts = numpy.bincount(rows, minlength=in_size)
    k = max(int(counts.max()) if counts.size else 0, 1)
    starts = numpy.concatenate([[0], numpy.cumsum(counts)[:-1]])
    slot = numpy.arange(rows.size) - starts[rows]
    t_idx = numpy.zeros((k, in_size), dtype=numpy.int64)
    t_weight = numpy.zeros((k, in_size))
    t_idx[slot, rows] = cols
    t_weight[slot, rows] = vals
    return _Frozen(t_idx), _Frozen(t_weight)


class _Frozen:
    """A read-only array usable as a cache key (by identity of its contents' bytes)."""

    __slots__ = ('array', '_key')

    def __init__(self, array):
        array.flags.writeable = False
        self.array = array
        self._key = (array.shape, array.dtype.str, array.tobytes())

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return isinstance(other, _Frozen) and self._key == other._key


def taps_for(mode, in_size, out_size, scale, align_corners):
    """Forward and adjoint taps of one axis, as frozen arrays (cached)."""
    idx, weight = axis_taps(mode, in_size, out_size, scale, align_corners)
    idx, weight = _Frozen(idx), _Frozen(weight)
    return (idx, weight) + _transposed(idx, weight, in_size)


def _apply_taps(xp, x, axis, idx, weight):
    shape = (-1,) + (1,) * (x.ndim - 1 - axis)
    ones = bool((weight == 1).all())
    if xp is not numpy:
        idx, weight = xp.asarray(idx), xp.asarray(weight)
    out = None
    for k in range(idx.shape[0]):
        term = xp.take(x, idx[k], axis=axis)
        if not ones:
            term *= weight[k].astype(x.dtype, copy=False).reshape(shape)
        out = term if out is None else out + term
    return out


class AxisTaps(Primitive):
    """``out[..., j, ...] = sum_k weight[k, j] * x[..., idx[k, j], ...]`` along ``axis``.

    See NOTE [ Resampling as taps ]."""

    _backward_name = 'UpsampleBackward0'

    @staticmethod
    def forward(ctx, x, *, axis, taps):
        ctx.axis, ctx.taps, ctx.size = axis, taps, x.shape[axis]
        idx, weight = taps[0].array, taps[1].array
        if x.size == 0 or idx.shape[1] == 0:
            shape = x.shape[:axis] + (idx.shape[1],) + x.shape[axis + 1:]
            return ctx.xp.zeros(shape, dtype=x.dtype)
        return _apply_taps(ctx.xp, x, axis, idx, weight)

    @staticmethod
    def backward(ctx, grad):
        taps = ctx.taps
        return AxisTaps.apply(grad, axis=ctx.axis, taps=(taps[2], taps[3], taps[0], taps[1]))


def resample(x, axes, taps):
    """Apply the taps of each axis in turn (identity maps are skipped)."""
    for axis, t in zip(axes, taps):
        if t is None:
            continue
        x = AxisTaps.apply(x, axis=axis, taps=t)
    return x


# ------------------------------------------------------------------------------------------------ im2col / col2im

def _im2col(xp, x, kernel, dilation, padding, stride):
    if any(padding):
        x = xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))
    view, out = _windows(xp, x, kernel, stride, dilation)      # (N, C, *out, *K)
    d = len(kernel)
    n, c = x.shape[:2]
    order = (0, 1) + tuple(range(2 + d, 2 + 2 * d)) + tuple(range(2, 2 + d))
    cols = xp.ascontiguousarray(view.transpose(order))
    return cols.reshape(n, c * math.prod(kernel), math.prod(out))


def _col2im(xp, cols, output_size, kernel, dilation, padding, stride):
    d = len(kernel)
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel)
    blocks = tuple(_blocks(output_size[i], kernel[i], dilation[i], padding[i], stride[i]) for i in range(d))
    cols = cols.reshape((n, c) + tuple(kernel) + blocks)
    padded = tuple(output_size[i] + 2 * padding[i] for i in range(d))
    out = xp.zeros((n, c) + padded, dtype=cols.dtype)
    for offset in _ndindex(kernel):
        region = tuple(slice(offset[i] * dilation[i], offset[i] * dilation[i] + stride[i] * (blocks[i] - 1) + 1,
                             stride[i]) for i in range(d))
        out[(slice(None), slice(None)) + region] += cols[(slice(None), slice(None)) + offset]
    crop = tuple(slice(padding[i], padding[i] + output_size[i]) for i in range(d))
    return out[(slice(None), slice(None)) + crop]


def _blocks(size, kernel, dilation, padding, stride):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


class Im2Col(Primitive):
    """Sliding blocks of (N, C, H, W) as columns (N, C*kh*kw, L): ``F.unfold``."""

    _backward_name = 'Im2ColBackward0'

    @staticmethod
    def forward(ctx, x, *, kernel, dilation, padding, stride):
        ctx.args = (tuple(x.shape[2:]), kernel, dilation, padding, stride)
        if x.size == 0:
            blocks = math.prod(_blocks(*a) for a in zip(x.shape[2:], kernel, dilation, padding, stride))
            return ctx.xp.zeros((x.shape[0], x.shape[1] * math.prod(kernel), blocks), dtype=x.dtype)
        return _im2col(ctx.xp, x, kernel, dilation, padding, stride)

    @staticmethod
    def backward(ctx, grad):
        size, kernel, dilation, padding, stride = ctx.args
        return Col2Im.apply(grad, output_size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride)


class Col2Im(Primitive):
    """Sum columns (N, C*kh*kw, L) back into (N, C, H, W): ``F.fold``, the adjoint of Im2Col."""

    _backward_name = 'Col2ImBackward0'

    @staticmethod
    def forward(ctx, cols, *, output_size, kernel, dilation, padding, stride):
        ctx.args = dict(kernel=kernel, dilation=dilation, padding=padding, stride=stride)
        if cols.size == 0:
            return ctx.xp.zeros((cols.shape[0], cols.shape[1] // math.prod(kernel)) + tuple(output_size),
                                dtype=cols.dtype)
        return _col2im(ctx.xp, cols, output_size, kernel, dilation, padding, stride)

    @staticmethod
    def backward(ctx, grad):
        return Im2Col.apply(grad, **ctx.args)


# ------------------------------------------------------------------------------------------------ grid sampling

def _reflect(xp, x, low2, high2):
    """Reflect coordinates into [low2 / 2, high2 / 2]; also returns d(out)/d(in) (±1)."""
    if low2 == high2:
        return xp.zeros_like(x), xp.zeros_like(x)
    low, span = low2 / 2, (high2 - low2) / 2
    x = x - low
    sign = xp.where(x < 0, -1.0, 1.0).astype(x.dtype)
    x = xp.abs(x)
    extra = xp.fmod(x, span)
    flips = xp.floor(x / span)
    even = (flips % 2) == 0
    out = xp.where(even, extra + low, span - extra + low)
    return out.astype(x.dtype, copy=False), xp.where(even, sign, -sign).astype(x.dtype)


def _pad_coordinate(xp, x, size, padding_mode, align_corners):
    """Apply the padding mode to source coordinates; returns (coordinate, derivative factor)."""
    one = xp.ones_like(x)
    if padding_mode == 'border':
        keep = (x >= 0) & (x <= size - 1)
        return xp.clip(x, 0, size - 1), xp.where(keep, one, 0)
    if padding_mode == 'reflection':
        if align_corners:
            x, d = _reflect(xp, x, 0, 2 * (size - 1))
        else:
            x, d = _reflect(xp, x, -1, 2 * size - 1)
        keep = (x >= 0) & (x <= size - 1)
        return xp.clip(x, 0, size - 1), xp.where(keep, d, 0)
    return x, one


def _axis_taps_grid(xp, coord, size, mode, padding_mode, align_corners):
    """Per spatial axis: a list of (index, weight, d weight / d coord, valid) taps for grid sampling."""
    if align_corners:
        scale = (size - 1) / 2
        x = (coord + 1) * scale
    else:
        scale = size / 2
        x = ((coord + 1) * size - 1) / 2
    if mode == 'bicubic':  # unpadded coordinate; each tap position is padded on its own
        base = xp.floor(x)
        t = x - base
        weights = _cubic_weights(t)
        a = _CUBIC_A
        dnear = lambda u: (3 * (a + 2) * u - 2 * (a + 3)) * u  # noqa: E731
        dfar = lambda u: (3 * a * u - 10 * a) * u + 8 * a  # noqa: E731
        dweights = [dfar(t + 1), dnear(t), -dnear(1 - t), -dfar(2 - t)]
        taps = []
        for k in range(4):
            pos, _ = _pad_coordinate(xp, base + (k - 1), size, padding_mode, align_corners)
            index = pos.astype(xp.int64)
            valid = (index >= 0) & (index < size) & (pos == index)
            taps.append((xp.clip(index, 0, size - 1), weights[k], dweights[k] * scale, valid))
        return taps
    x, factor = _pad_coordinate(xp, x, size, padding_mode, align_corners)
    if mode == 'nearest':
        index = xp.rint(x).astype(xp.int64)
        valid = (index >= 0) & (index < size)
        return [(xp.clip(index, 0, size - 1), xp.ones_like(x), xp.zeros_like(x), valid)]
    low = xp.floor(x)
    frac = x - low
    low = low.astype(xp.int64)
    high = low + 1
    factor = factor * scale
    return [(xp.clip(low, 0, size - 1), 1 - frac, -factor, (low >= 0) & (low < size)),
            (xp.clip(high, 0, size - 1), frac, factor, (high >= 0) & (high < size))]


def _grid_corners(xp, spatial, grid, mode, padding_mode, align_corners):
    """Each corner: (flat spatial index, weight, per-axis taps, valid), arrays of shape ``grid[..., 0]``."""
    d = len(spatial)
    per_axis = [_axis_taps_grid(xp, grid[..., d - 1 - i], spatial[i], mode, padding_mode, align_corners)
                for i in range(d)]  # grid's last dim lists x (width) first
    corners = []
    for combo in itertools.product(*per_axis):
        flat = 0
        valid = True
        weight = 1
        for i, (index, w, _, ok) in enumerate(combo):
            flat = flat * spatial[i] + index
            valid = valid & ok
            weight = weight * w
        corners.append((flat, xp.where(valid, weight, 0), combo, valid))
    return corners


def _gather_corner(xp, flat_input, flat_index):
    n, c = flat_input.shape[:2]
    index = flat_index.reshape(n, 1, -1)
    return xp.take_along_axis(flat_input, xp.broadcast_to(index, (n, c, index.shape[2])), axis=2)


class GridSample(Primitive):
    """``F.grid_sample`` on (N, C, *spatial) input at grid (N, *out, d) coordinates in [-1, 1]."""

    _backward_name = 'GridSampler2DBackward0'

    @staticmethod
    def forward(ctx, x, grid, *, mode, padding_mode, align_corners):
        xp = ctx.xp
        ctx.options = (mode, padding_mode, align_corners)
        ctx.save_for_backward(x, grid)
        n, c = x.shape[:2]
        out_shape = grid.shape[1:-1]
        flat_input = x.reshape(n, c, -1)
        out = xp.zeros((n, c, math.prod(out_shape)), dtype=x.dtype)
        for flat, weight, _, _ in _grid_corners(xp, x.shape[2:], grid, mode, padding_mode, align_corners):
            out += _gather_corner(xp, flat_input, flat) * weight.reshape(n, 1, -1).astype(x.dtype, copy=False)
        return out.reshape((n, c) + tuple(out_shape))

    @staticmethod
    def backward(ctx, grad):
        x, grid = ctx.saved_tensors
        needs = ctx.needs_input_grad
        grad_x, grad_grid = GridSampleBackward.apply(grad, x, grid, options=ctx.options, needs=needs)
        return (grad_x if needs[0] else None), (grad_grid if needs[1] else None)


class GridSampleBackward(Primitive):
    """Gradients of GridSample for its input (a scatter-add) and its grid; not itself differentiable."""

    _backward_name = 'GridSampler2DBackwardBackward0'

    @staticmethod
    def forward(ctx, g, x, grid, *, options, needs):
        xp = ctx.xp
        mode, padding_mode, align_corners = options
        n, c = x.shape[:2]
        spatial = x.shape[2:]
        d = len(spatial)
        size = math.prod(spatial)
        flat_g = g.reshape(n, c, -1)
        flat_input = x.reshape(n, c, -1)
        grad_x = xp.zeros(n * c * size, dtype=numpy.float64) if needs[0] else None
        grad_grid = xp.zeros(grid.shape, dtype=grid.dtype)
        needs_grid = needs[1] and mode != 'nearest'
        base = (xp.arange(n * c) * size).reshape(n, c, 1)
        for flat, weight, combo, valid in _grid_corners(xp, spatial, grid, mode, padding_mode, align_corners):
            flat = flat.reshape(n, 1, -1)
            if grad_x is not None:
                contrib = flat_g * weight.reshape(n, 1, -1)
                grad_x += xp.bincount((base + flat).reshape(-1), weights=contrib.reshape(-1).astype(numpy.float64),
                                      minlength=n * c * size)
            if needs_grid:
                values = _gather_corner(xp, flat_input, flat)
                dot = (flat_g * values).sum(axis=1).reshape(grid.shape[:-1])
                for i in range(d):
                    partial = xp.where(valid, combo[i][2], 0)
                    for j in range(d):
                        if j != i:
                            partial = partial * combo[j][1]
                    grad_grid[..., d - 1 - i] += (dot * partial).astype(grid.dtype, copy=False)
        grad_x = xp.zeros(x.shape, dtype=x.dtype) if grad_x is None else grad_x.astype(x.dtype).reshape(x.shape)
        return grad_x, grad_grid

    @staticmethod
    def backward(ctx, grad_x, grad_grid):
        raise RuntimeError('derivative for grid_sampler_backward is not implemented')

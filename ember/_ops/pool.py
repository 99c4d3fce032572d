"""Pooling: max and average pooling over 1-3 spatial dims, adaptive pooling, max-unpooling, LP pooling.

Windows are stride views of the padded input, as in conv.py. The primitives come in adjoint pairs so that their
backward is itself differentiable: ``MaxPool`` → ``WindowScatter`` ↔ ``WindowGather`` (by the saved argmax), and
``AvgPool`` ↔ ``AvgPoolAdjoint``.
"""
from __future__ import annotations

import math

from ..autograd.function import Primitive
from ._util import keep_where
from .conv import _ndindex, _windows

__all__ = ['max_pool1d', 'max_pool2d', 'max_pool3d', 'avg_pool1d', 'avg_pool2d', 'avg_pool3d',
           'adaptive_avg_pool1d', 'adaptive_max_pool1d', 'max_pool1d_with_indices', 'max_pool2d_with_indices',
           'max_pool3d_with_indices']


def _out_size(length, kernel, stride, pad, dilation, ceil_mode):
    effective = dilation * (kernel - 1) + 1
    numerator = length + 2 * pad - effective + ((stride - 1) if ceil_mode else 0)
    out = numerator // stride + 1
    if ceil_mode and (out - 1) * stride >= length + pad:
        out -= 1
    return out


class _Geometry:
    """Sizes of a pooling call: padded lengths (with ceil-mode overhang) and output lengths."""

    def __init__(self, spatial, kernel, stride, padding, dilation, ceil_mode):
        d = len(kernel)
        self.spatial, self.kernel, self.stride, self.padding, self.dilation = spatial, kernel, stride, padding, \
            dilation
        self.out = tuple(_out_size(spatial[i], kernel[i], stride[i], padding[i], dilation[i], ceil_mode)
                         for i in range(d))
        # total padded length needed so that every window fits (ceil mode may reach past the right padding)
        self.right = tuple(max(padding[i], (self.out[i] - 1) * stride[i] + dilation[i] * (kernel[i] - 1) + 1 -
                               spatial[i] - padding[i]) for i in range(d))

    def pad(self, xp, x, value):
        widths = ((0, 0), (0, 0)) + tuple((self.padding[i], self.right[i]) for i in range(len(self.kernel)))
        if not any(p for pair in widths for p in pair):
            return x
        return xp.pad(x, widths, constant_values=value)

    def windows(self, xp, padded):
        view, out = _windows(xp, padded, self.kernel, self.stride, self.dilation)
        return view[(slice(None), slice(None)) + tuple(slice(0, o) for o in self.out)]

    def regions(self):
        """For each kernel offset: the strided region of the padded input it reads."""
        d = len(self.kernel)
        for offset in _ndindex(self.kernel):
            yield offset, tuple(slice(offset[i] * self.dilation[i],
                                      offset[i] * self.dilation[i] + self.stride[i] * (self.out[i] - 1) + 1,
                                      self.stride[i]) for i in range(d))

    def crop(self):
        return (slice(None), slice(None)) + tuple(slice(p, p + s) for p, s in zip(self.padding, self.spatial))


def _scatter(xp, values, choice, geometry, shape, dtype):
    """Add ``values`` (N, C, *out) into the padded input at each window's chosen kernel offset."""
    padded = tuple(s + p + r for s, p, r in zip(geometry.spatial, geometry.padding, geometry.right))
    grad = xp.zeros(shape[:2] + padded, dtype=dtype)
    disjoint = all(s >= dl * (k - 1) + 1 for s, k, dl in zip(geometry.stride, geometry.kernel, geometry.dilation))
    for k, (offset, region) in enumerate(geometry.regions()):
        target = grad[(slice(None), slice(None)) + region]
        if xp.__name__ != 'numpy':
            target += xp.where(choice == k, values, 0)
        elif disjoint:  # each input element is in at most one window: a plain write, no read-modify-write
            target[...] = keep_where(xp, choice == k, values)
        else:  # a masked product added in (a ``where=`` add branches per element: ~4x slower)
            target += keep_where(xp, choice == k, values)
    return grad[geometry.crop()]


def _gather(xp, x, choice, geometry):
    """Each window's value at its chosen kernel offset (the adjoint of ``_scatter``)."""
    padded = geometry.pad(xp, x, 0)
    windows = geometry.windows(xp, padded)
    flat = windows.reshape(windows.shape[:2 + len(geometry.out)] + (-1,))
    return xp.take_along_axis(flat, choice[..., None], axis=-1)[..., 0]


_UNROLLED = 32  # windows up to this size are reduced offset by offset (a few passes over the output each)


def _max_choice(xp, padded, geometry):
    """(max values, index of the first max in each window); a NaN in a window wins, as in PyTorch."""
    d = len(geometry.kernel)
    nan = padded.dtype.kind == 'f' and padded.size and bool(xp.isnan(xp.max(padded)))
    if math.prod(geometry.kernel) <= _UNROLLED and not nan:
        # a tournament over the kernel offsets in order: a tie keeps the earlier half, so the first max wins
        # offsets as uint8 (a window has at most _UNROLLED of them): the choice arrays are 8x smaller than int64
        entries = [(padded[(slice(None), slice(None)) + region], xp.uint8(k)) for k, (_, region) in
                   enumerate(geometry.regions())]
        if len(entries) == 1:
            return entries[0][0].copy(), xp.zeros(entries[0][0].shape, dtype=xp.uint8)
        while len(entries) > 1:
            merged = []
            for j in range(0, len(entries) - 1, 2):
                (low, low_k), (high, high_k) = entries[j], entries[j + 1]
                take = high > low
                if xp.__name__ == 'numpy':
                    # branch-free (NumPy's where branches per element, ~7x slower here): the max value is the same
                    # on a tie (up to the sign of a zero); the later half's offsets are larger, so the earlier
                    # offset wins ties in low + take * (high - low), the chosen offset in uint8
                    merged.append((xp.maximum(high, low), low_k + take.view(xp.uint8) * (high_k - low_k)))
                else:
                    merged.append((xp.where(take, high, low), xp.where(take, high_k, low_k)))
            if len(entries) % 2:
                merged.append(entries[-1])
            entries = merged
        return entries[0]
    windows = geometry.windows(xp, padded)
    flat = windows.reshape(windows.shape[:2 + d] + (-1,))
    choice = xp.argmax(flat, axis=-1)
    if padded.dtype.kind == 'f' and xp.__name__ != 'numpy':  # NumPy's argmax already takes the first NaN
        nan_choice = xp.argmax(xp.isnan(flat), axis=-1)
        choice = xp.where(xp.isnan(flat).any(axis=-1), nan_choice, choice)
    return xp.take_along_axis(flat, choice[..., None], axis=-1)[..., 0], choice


class MaxPool(Primitive):
    """Max over each window; outputs (values, flat input indices as PyTorch returns them), or only the values."""

    _backward_name = 'MaxPool2DWithIndicesBackward0'

    @staticmethod
    def forward(ctx, x, *, geometry, with_indices=True):
        xp = ctx.xp
        low = -xp.inf if x.dtype.kind == 'f' else xp.iinfo(x.dtype).min
        values, choice = _max_choice(xp, geometry.pad(xp, x, low), geometry)
        ctx.choice, ctx.geometry, ctx.shape = choice, geometry, x.shape
        if not with_indices:
            return values
        d = len(geometry.kernel)
        # flat indices into the unpadded input's spatial dims
        offsets = xp.unravel_index(choice, geometry.kernel) if d > 1 else (choice.astype(xp.int64),)
        index = 0
        for i in range(d):
            grid = xp.arange(geometry.out[i]).reshape((-1,) + (1,) * (d - 1 - i))
            coord = grid * geometry.stride[i] - geometry.padding[i] + offsets[i] * geometry.dilation[i]
            index = index * geometry.spatial[i] + coord
        return values, xp.ascontiguousarray(index.astype(xp.int64))

    @staticmethod
    def backward(ctx, grad, grad_indices=None):
        if grad is None:
            return None
        return WindowScatter.apply(grad, choice=ctx.choice, geometry=ctx.geometry, shape=ctx.shape)

    @staticmethod
    def backward_array(ctx, grad, grad_indices=None):
        if grad is None:
            return None
        return _scatter(ctx.xp, grad, ctx.choice, ctx.geometry, ctx.shape, grad.dtype)


class WindowScatter(Primitive):
    _backward_name = 'MaxPool2DWithIndicesBackwardBackward0'

    @staticmethod
    def forward(ctx, g, *, choice, geometry, shape):
        ctx.choice, ctx.geometry = choice, geometry
        return _scatter(ctx.xp, g, choice, geometry, shape, g.dtype)

    @staticmethod
    def backward(ctx, grad):
        return WindowGather.apply(grad, choice=ctx.choice, geometry=ctx.geometry)


class WindowGather(Primitive):
    @staticmethod
    def forward(ctx, x, *, choice, geometry):
        ctx.choice, ctx.geometry, ctx.shape = choice, geometry, x.shape
        return _gather(ctx.xp, x, choice, geometry)

    @staticmethod
    def backward(ctx, grad):
        return WindowScatter.apply(grad, choice=ctx.choice, geometry=ctx.geometry, shape=ctx.shape)


def _avg_divisor(xp, geometry, count_include_pad, divisor_override, dtype):
    if divisor_override:
        return divisor_override
    spatial, pad = geometry.spatial, geometry.padding
    ones = xp.ones((1, 1) + tuple(spatial), dtype=dtype)
    if count_include_pad:  # the padding counts, the ceil-mode overhang past it does not
        ones = xp.pad(ones, ((0, 0), (0, 0)) + tuple((p, p) for p in pad), constant_values=1)
        widths = ((0, 0), (0, 0)) + tuple((0, r - p) for p, r in zip(pad, geometry.right))
    else:
        widths = ((0, 0), (0, 0)) + tuple((p, r) for p, r in zip(pad, geometry.right))
    ones = xp.pad(ones, widths)
    windows = geometry.windows(xp, ones)
    return windows.sum(axis=tuple(range(-len(geometry.kernel), 0)))


class AvgPool(Primitive):
    @staticmethod
    def forward(ctx, x, *, geometry, count_include_pad, divisor_override):
        xp = ctx.xp
        windows = geometry.windows(xp, geometry.pad(xp, x, 0))
        d = len(geometry.kernel)
        divisor = _avg_divisor(xp, geometry, count_include_pad, divisor_override, x.dtype)
        ctx.args = dict(geometry=geometry, divisor=divisor, shape=x.shape)
        return (windows.sum(axis=tuple(range(-d, 0))) / divisor).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolAdjoint.apply(grad, **ctx.args)


class AvgPoolAdjoint(Primitive):
    _backward_name = 'AvgPool2DBackward0'

    @staticmethod
    def forward(ctx, g, *, geometry, divisor, shape):
        xp = ctx.xp
        ctx.geometry, ctx.divisor = geometry, divisor
        share = g / divisor
        padded = tuple(s + p + r for s, p, r in zip(geometry.spatial, geometry.padding, geometry.right))
        grad = xp.zeros(shape[:2] + padded, dtype=g.dtype)
        for _, region in geometry.regions():
            grad[(slice(None), slice(None)) + region] += share
        return grad[geometry.crop()]

    @staticmethod
    def backward(ctx, grad):
        return _avg_apply(grad, ctx.geometry, ctx.divisor)


class _AvgWithDivisor(Primitive):
    _backward_name = 'AvgPool2DBackward0'

    @staticmethod
    def forward(ctx, x, *, geometry, divisor):
        xp = ctx.xp
        windows = geometry.windows(xp, geometry.pad(xp, x, 0))
        ctx.args = dict(geometry=geometry, divisor=divisor, shape=x.shape)
        return (windows.sum(axis=tuple(range(-len(geometry.kernel), 0))) / divisor).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        return AvgPoolAdjoint.apply(grad, **ctx.args)


def _avg_apply(x, geometry, divisor):
    return _AvgWithDivisor.apply(x, geometry=geometry, divisor=divisor)


# ------------------------------------------------------------------------------------------------ functions

def _tuple(value, d):
    if isinstance(value, int):
        return (value,) * d
    value = tuple(value)
    return value * d if len(value) == 1 else value


def _prepare(op, d, input, kernel_size, stride, padding, dilation, ceil_mode):
    nd = input._data.ndim
    if nd not in (d + 1, d + 2):
        raise RuntimeError(f'{op}: Expected {d + 1}D or {d + 2}D (batch mode) tensor with optional 0 dim batch size '
                           f'for input, but got:{list(input._data.shape)}')
    kernel = _tuple(kernel_size, d)
    stride = kernel if stride is None or (not isinstance(stride, int) and len(stride) == 0) else _tuple(stride, d)
    padding = _tuple(padding, d)
    dilation = _tuple(dilation, d)
    if any(s == 0 for s in stride):
        raise RuntimeError('stride should not be zero')
    if any(k <= 0 for k in kernel) or any(s < 0 for s in stride):
        raise RuntimeError(f'{op}: kernel_size and stride must be greater than zero, got kernel_size={list(kernel)} '
                           f'and stride={list(stride)}')
    for k, p, dl in zip(kernel, padding, dilation):
        if p > (dl * (k - 1) + 1) // 2:
            raise RuntimeError(f'pad should be at most half of effective kernel size, but got pad={p}, '
                               f'kernel_size={k} and dilation={dl}')
    unbatched = nd == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    spatial = input._data.shape[2:]
    geometry = _Geometry(spatial, kernel, stride, padding, dilation, ceil_mode)
    if any(o <= 0 for o in geometry.out):
        raise RuntimeError(f'Given input size: ({"x".join(map(str, input._data.shape[1:]))}). Calculated output '
                           f'size: ({"x".join(map(str, (input._data.shape[1],) + geometry.out))}). Output size is '
                           'too small')
    return input, geometry, unbatched


def _max_pool(op, d, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    input, geometry, unbatched = _prepare(op, d, input, kernel_size, stride, padding, dilation, ceil_mode)
    if not return_indices:
        values = MaxPool.apply(input, geometry=geometry, with_indices=False)
        return values.squeeze(0) if unbatched else values
    values, indices = MaxPool.apply(input, geometry=geometry)
    if unbatched:
        values, indices = values.squeeze(0), indices.squeeze(0)
    return values, indices


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """1-D max pooling over (N, C, L) or (C, L) input."""
    return _max_pool('max_pool1d', 1, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """2-D max pooling; ``return_indices`` also gives flat indices into each input plane (for max_unpool2d)."""
    return _max_pool('max_pool2d', 2, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    """3-D max pooling."""
    return _max_pool('max_pool3d', 3, input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
                            return_indices=True):
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def _avg_pool(op, d, input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override):
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError('divisor must be not zero')
    input, geometry, unbatched = _prepare(op, d, input, kernel_size, stride, padding, 1, ceil_mode)
    out = AvgPool.apply(input, geometry=geometry, count_include_pad=count_include_pad,
                        divisor_override=divisor_override)
    return out.squeeze(0) if unbatched else out


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    """1-D average pooling."""
    return _avg_pool('avg_pool1d', 1, input, kernel_size, stride, padding, ceil_mode, count_include_pad, None)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """2-D average pooling (``count_include_pad``, ``divisor_override`` as in PyTorch)."""
    return _avg_pool('avg_pool2d', 2, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    """3-D average pooling."""
    return _avg_pool('avg_pool3d', 3, input, kernel_size, stride, padding, ceil_mode, count_include_pad,
                     divisor_override)


def _adaptive_bounds(length, out):
    return [(math.floor(i * length / out), math.ceil((i + 1) * length / out)) for i in range(out)]


def _adaptive(kind, d, input, output_size, return_indices=False):
    nd = input._data.ndim
    if nd not in (d + 1, d + 2):
        raise RuntimeError(f'adaptive_{kind}_pool{d}d(): Expected {d + 1}D or {d + 2}D tensor, but got '
                           f'{list(input._data.shape)}')
    unbatched = nd == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    spatial = input._data.shape[2:]
    sizes = _tuple(output_size, d)
    sizes = tuple(spatial[i] if sizes[i] is None else sizes[i] for i in range(d))
    if any(s < 0 for s in sizes):
        raise RuntimeError(f'adaptive_{kind}_pool{d}d: elements of output_size must be greater than or equal to 0 '
                           f'but received {list(sizes)}')
    if all(spatial[i] % sizes[i] == 0 for i in range(d) if sizes[i]) and all(sizes):
        kernel = tuple(spatial[i] // sizes[i] for i in range(d))
        geometry = _Geometry(spatial, kernel, kernel, (0,) * d, (1,) * d, False)
        if kind == 'avg':
            out = AvgPool.apply(input, geometry=geometry, count_include_pad=True, divisor_override=None)
            result = out
        else:
            values, indices = MaxPool.apply(input, geometry=geometry)
            result = (values, indices) if return_indices else values
    else:
        result = _adaptive_general(kind, input, spatial, sizes, return_indices)
    if unbatched:
        result = tuple(r.squeeze(0) for r in result) if isinstance(result, tuple) else result.squeeze(0)
    return result


def _adaptive_general(kind, input, spatial, sizes, return_indices):
    """Uneven windows: reduce each window with Tensor ops (differentiable), then stack."""
    from .._functions import stack  # noqa: PLC0415
    d = len(sizes)
    bounds = [_adaptive_bounds(spatial[i], sizes[i]) for i in range(d)]
    values, indices = [], []
    for position in _ndindex(sizes):
        region = (slice(None), slice(None)) + tuple(slice(*bounds[i][position[i]]) for i in range(d))
        window = input[region]
        flat = window.reshape(window.shape[0], window.shape[1], -1)
        if kind == 'avg':
            values.append(flat.mean(-1))
        else:
            v, k = flat.max(-1)
            values.append(v)
            if return_indices:
                wshape = tuple(b[position[i]][1] - b[position[i]][0] for i, b in enumerate(bounds))
                index = 0
                remaining = k
                coords = []
                for i in reversed(range(d)):
                    coords.append(remaining % wshape[i] + bounds[i][position[i]][0])
                    remaining = remaining // wshape[i]
                for i, c in enumerate(reversed(coords)):
                    index = index * spatial[i] + c
                indices.append(index)
    shape = tuple(input.shape[:2]) + tuple(sizes)
    out = stack(values, -1).reshape(shape)
    if kind == 'max' and return_indices:
        return out, stack(indices, -1).reshape(shape)
    return out


def adaptive_avg_pool1d(input, output_size):
    """Average pooling to a fixed output length."""
    return _adaptive('avg', 1, input, output_size)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling to a fixed output length."""
    return _adaptive('max', 1, input, output_size, return_indices)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed (H, W) output (None keeps that input size)."""
    return _adaptive('avg', 2, input, output_size)


def adaptive_avg_pool3d(input, output_size):
    return _adaptive('avg', 3, input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _adaptive('max', 2, input, output_size, return_indices)


def adaptive_max_pool3d(input, output_size, return_indices=False):
    return _adaptive('max', 3, input, output_size, return_indices)


def _lp_pool(d, input, norm_type, kernel_size, stride, ceil_mode):
    kernel = _tuple(kernel_size, d)
    pool = {1: avg_pool1d, 2: avg_pool2d, 3: avg_pool3d}[d]
    out = pool(input.pow(norm_type), kernel, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(math.prod(kernel)).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: (sum of x**p over each window) ** (1/p)."""
    return _lp_pool(1, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(2, input, norm_type, kernel_size, stride, ceil_mode)


def lp_pool3d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    return _lp_pool(3, input, norm_type, kernel_size, stride, ceil_mode)


def _max_unpool(d, input, indices, kernel_size, stride, padding, output_size):
    kernel = _tuple(kernel_size, d)
    stride = kernel if stride is None else _tuple(stride, d)
    padding = _tuple(padding, d)
    unbatched = input._data.ndim == d + 1
    if unbatched:
        input, indices = input.unsqueeze(0), indices.unsqueeze(0)
    spatial = input._data.shape[2:]
    default = tuple((spatial[i] - 1) * stride[i] - 2 * padding[i] + kernel[i] for i in range(d))
    if output_size is None:
        size = default
    else:
        size = tuple(output_size)[-d:]
        for i in range(d):
            low, high = default[i] - stride[i], default[i] + stride[i]
            if not low < size[i] < high:
                raise ValueError(f'invalid output_size "{list(output_size)}" (dim {i} must be between {low} and '
                                 f'{high})')
    n, c = input._data.shape[:2]
    flat_in = input.reshape(n, c, -1)
    out = input.new_zeros((n, c, math.prod(size)))
    out = out.scatter(2, indices.reshape(n, c, -1), flat_in).reshape((n, c) + size)
    return out.squeeze(0) if unbatched else out


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d: values at their indices, zeros elsewhere."""
    return _max_unpool(1, input, indices, kernel_size, stride, padding, output_size)


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(2, input, indices, kernel_size, stride, padding, output_size)


def max_unpool3d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    return _max_unpool(3, input, indices, kernel_size, stride, padding, output_size)


__all__ += ['adaptive_avg_pool2d', 'adaptive_avg_pool3d', 'adaptive_max_pool2d', 'adaptive_max_pool3d']

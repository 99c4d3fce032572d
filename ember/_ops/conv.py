"""Convolution: N-d convolution and transposed convolution by im2col + matmul.

NOTE [ Convolution primitives ]
Three primitives are closed under differentiation: ``Conv`` (y = conv(x, w)), ``ConvInputGrad`` (the adjoint of conv
in x, which is also the transposed convolution) and ``ConvWeightGrad`` (the adjoint in w). Each one's backward is
written with the other two, so double backward (gradient penalties through a CNN) works. Windows are NumPy/CuPy
stride views of the padded input; only the im2col matrix is materialised, and the contraction is one (batched)
matmul per call, which is what the BLAS is fast at.
"""
from __future__ import annotations

import math

from .. import _dtype as dt
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs
from ..autograd.function import Primitive
from .linalg import mat_product

__all__ = ['conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d', 'conv_transpose3d']


def _windows(xp, x, kernel, stride, dilation):
    """A (N, C, *out, *kernel) view of the padded input ``x`` (no copy)."""
    d = len(kernel)
    spatial = x.shape[2:]
    out = tuple((spatial[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(d))
    strides = x.strides
    shape = x.shape[:2] + out + tuple(kernel)
    view_strides = strides[:2] + tuple(strides[2 + i] * stride[i] for i in range(d)) + \
        tuple(strides[2 + i] * dilation[i] for i in range(d))
    return xp.lib.stride_tricks.as_strided(x, shape=shape, strides=view_strides), out


def _pad(xp, x, padding):
    if not any(padding):
        return x
    return xp.pad(x, ((0, 0), (0, 0)) + tuple((p, p) for p in padding))


def _im2col(xp, x, kernel, stride, padding, dilation, groups):
    """(G, N*P, Cg*K) columns of the padded input, and the output's spatial shape."""
    x = _pad(xp, x, padding)
    windows, out = _windows(xp, x, kernel, stride, dilation)
    n, c = x.shape[:2]
    d = len(kernel)
    cg = c // groups
    windows = windows.reshape((n, groups, cg) + out + tuple(kernel))
    # -> (G, N, *out, Cg, *K): one contiguous copy, the im2col matrix
    order = (1, 0) + tuple(range(3, 3 + d)) + (2,) + tuple(range(3 + d, 3 + 2 * d))
    cols = xp.ascontiguousarray(windows.transpose(order))
    positions = math.prod(out)
    return cols.reshape(groups, n * positions, cg * math.prod(kernel)), out


def _conv_forward(xp, x, w, stride, padding, dilation, groups):
    n = x.shape[0]
    o = w.shape[0]
    kernel = w.shape[2:]
    cols, out = _im2col(xp, x, kernel, stride, padding, dilation, groups)
    wmat = w.reshape(groups, o // groups, -1)
    y = mat_product(xp, cols, wmat.transpose(0, 2, 1))     # (G, N*P, Og)
    y = y.reshape((groups, n) + out + (o // groups,))
    d = len(kernel)
    y = y.transpose((1, 0, 2 + d) + tuple(range(2, 2 + d)))  # (N, G, Og, *out)
    return xp.ascontiguousarray(y).reshape((n, o) + out)


def _conv_input_grad(xp, g, w, input_shape, stride, padding, dilation, groups):
    """The adjoint of convolution in its input: scatter-add the columns back (col2im)."""
    n, o = g.shape[:2]
    out = g.shape[2:]
    d = len(out)
    kernel = w.shape[2:]
    c = input_shape[1]
    cg, og = c // groups, o // groups
    gmat = g.reshape((n, groups, og) + out).transpose((1, 0) + tuple(range(3, 3 + d)) + (2,))
    gmat = gmat.reshape(groups, -1, og)                      # (G, N*P, Og)
    cols = mat_product(xp, gmat, w.reshape(groups, og, -1))  # (G, N*P, Cg*K)
    cols = cols.reshape((groups, n) + tuple(out) + (cg,) + tuple(kernel))
    # -> (N, G, Cg, *K, *out) so each kernel offset is one strided block
    order = (1, 0, 2 + d) + tuple(range(3 + d, 3 + 2 * d)) + tuple(range(2, 2 + d))
    cols = cols.transpose(order)
    padded = tuple(input_shape[2 + i] + 2 * padding[i] for i in range(d))
    grad = xp.zeros((n, groups, cg) + padded, dtype=g.dtype)
    for offset in _ndindex(kernel):
        region = tuple(slice(offset[i] * dilation[i], offset[i] * dilation[i] + stride[i] * (out[i] - 1) + 1,
                             stride[i]) for i in range(d))
        grad[(slice(None), slice(None), slice(None)) + region] += cols[(slice(None),) * 3 + offset]
    grad = grad.reshape((n, c) + padded)
    crop = tuple(slice(padding[i], padding[i] + input_shape[2 + i]) for i in range(d))
    return grad[(slice(None), slice(None)) + crop]


def _conv_weight_grad(xp, x, g, weight_shape, stride, padding, dilation, groups):
    """The adjoint of convolution in its weight: columns^T @ output gradient."""
    kernel = weight_shape[2:]
    cols, out = _im2col(xp, x, kernel, stride, padding, dilation, groups)
    n, o = g.shape[:2]
    d = len(kernel)
    og = o // groups
    gmat = g.reshape((n, groups, og) + tuple(out)).transpose((1, 0) + tuple(range(3, 3 + d)) + (2,))
    gmat = gmat.reshape(groups, -1, og)                      # (G, N*P, Og)
    gw = mat_product(xp, gmat.transpose(0, 2, 1), cols)      # (G, Og, Cg*K)
    return gw.reshape(weight_shape)


def _ndindex(shape):
    if not shape:
        yield ()
        return
    for i in range(shape[0]):
        for rest in _ndindex(shape[1:]):
            yield (i,) + rest


class Conv(Primitive):
    """y = conv(x, w) with stride, padding (symmetric), dilation and groups."""

    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, x, w, *, stride, padding, dilation, groups):
        ctx.options = (stride, padding, dilation, groups)
        ctx.shapes = (x.shape, w.shape)
        ctx.save_for_backward(x, w)
        return _conv_forward(ctx.xp, x, w, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        opts = dict(zip(('stride', 'padding', 'dilation', 'groups'), ctx.options))
        grad_x = ConvInputGrad.apply(grad, w, input_shape=ctx.shapes[0], **opts) if need_x else None
        grad_w = ConvWeightGrad.apply(x, grad, weight_shape=ctx.shapes[1], **opts) if need_w else None
        return grad_x, grad_w


class ConvInputGrad(Primitive):
    """The adjoint of Conv in its input (also the transposed convolution)."""

    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, g, w, *, input_shape, stride, padding, dilation, groups):
        ctx.options = (stride, padding, dilation, groups)
        ctx.save_for_backward(g, w)
        return _conv_input_grad(ctx.xp, g, w, input_shape, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, grad):
        g, w = ctx.saved_tensors
        need_g, need_w = ctx.needs_input_grad
        opts = dict(zip(('stride', 'padding', 'dilation', 'groups'), ctx.options))
        grad_g = Conv.apply(grad, w, **opts) if need_g else None
        grad_w = ConvWeightGrad.apply(grad, g, weight_shape=tuple(w.shape), **opts) if need_w else None
        return grad_g, grad_w


class ConvWeightGrad(Primitive):
    """The adjoint of Conv in its weight."""

    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, x, g, *, weight_shape, stride, padding, dilation, groups):
        ctx.options = (stride, padding, dilation, groups)
        ctx.save_for_backward(x, g)
        return _conv_weight_grad(ctx.xp, x, g, weight_shape, stride, padding, dilation, groups)

    @staticmethod
    def backward(ctx, grad):
        x, g = ctx.saved_tensors
        need_x, need_g = ctx.needs_input_grad
        opts = dict(zip(('stride', 'padding', 'dilation', 'groups'), ctx.options))
        grad_x = ConvInputGrad.apply(g, grad, input_shape=tuple(x.shape), **opts) if need_x else None
        grad_g = Conv.apply(x, grad, **opts) if need_g else None
        return grad_x, grad_g


# ------------------------------------------------------------------------------------------------ functions

def _tuple(value, d, name):
    if isinstance(value, int):
        return (value,) * d
    value = tuple(value)
    if len(value) == 1:
        return value * d
    if len(value) != d:
        raise RuntimeError(f'expected {name} to be a single integer value or a list of {d} values to match the '
                           f'convolution dimensions, but got {name}={list(value)}')
    return value


def _check_conv(op, d, input, weight, groups, transposed=False):
    if input._data.ndim not in (d + 1, d + 2):
        raise RuntimeError(f'Expected {d + 1}D (unbatched) or {d + 2}D (batched) input to {op}, but got input of '
                           f'size: {list(input._data.shape)}')
    if weight._data.ndim != d + 2:
        raise RuntimeError('weight should have at least three dimensions' if weight._data.ndim < 3 else
                           f'Expected {d + 2}-dimensional weight for {d + 2}-dimensional input '
                           f'{list(input._data.shape)}, but got {weight._data.ndim}-dimensional weight of size '
                           f'{list(weight._data.shape)} instead')
    if groups <= 0:
        raise RuntimeError('non-positive groups is not supported')
    if input._dtype is not weight._dtype:
        raise RuntimeError(f'Input type ({_legacy(input)}) and weight type ({_legacy(weight)}) should be the same')
    if input._dtype._kind < 2:
        raise RuntimeError(f'"{op}" not implemented for \'{input._dtype.name.capitalize()}\'')


def _legacy(t):
    names = {dt.float32: 'torch.FloatTensor', dt.float64: 'torch.DoubleTensor', dt.float16: 'torch.HalfTensor',
             dt.bfloat16: 'torch.BFloat16Tensor'}
    return names.get(t._dtype, str(t._dtype))


def _conv(op, d, input, weight, bias, stride, padding, dilation, groups):
    if _autocast.any_enabled:
        input, weight, bias = cast_inputs('lower', input, weight, bias)
    _check_conv(op, d, input, weight, groups)
    unbatched = input._data.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, d, 'stride')
    dilation = _tuple(dilation, d, 'dilation')
    if any(s <= 0 for s in stride):
        raise RuntimeError('non-positive stride is not supported')
    kernel = weight._data.shape[2:]
    c = input._data.shape[1]
    if c != weight._data.shape[1] * groups:
        raise RuntimeError(f'Given groups={groups}, weight of size {list(weight._data.shape)}, expected input'
                           f'{list(input._data.shape)} to have {weight._data.shape[1] * groups} channels, but got '
                           f'{c} channels instead')
    if weight._data.shape[0] % groups:
        raise RuntimeError(f'Given groups={groups}, expected weight to be divisible by {groups} at dimension 0, but '
                           f'got weight of size [{", ".join(map(str, weight._data.shape))}] instead')
    if isinstance(padding, str):
        if padding == 'valid':
            padding = (0,) * d
        elif padding == 'same':
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            total = [dilation[i] * (kernel[i] - 1) for i in range(d)]
            if any(t % 2 for t in total):  # asymmetric: pad the extra element on the right, as PyTorch does
                extra = [(0, t % 2) for t in total]
                input = _pad_right(input, extra)
            padding = tuple(t // 2 for t in total)
        else:
            raise RuntimeError(f"Invalid padding string: '{padding}'")
    else:
        padding = _tuple(padding, d, 'padding')
        if any(p < 0 for p in padding):
            raise RuntimeError('negative padding is not supported')
    spatial = input._data.shape[2:]
    for i in range(d):
        if spatial[i] + 2 * padding[i] < dilation[i] * (kernel[i] - 1) + 1:
            raise RuntimeError(f'Calculated padded input size per channel: '
                               f'({" x ".join(str(spatial[j] + 2 * padding[j]) for j in range(d))}). Kernel size: '
                               f'({" x ".join(str(dilation[j] * (kernel[j] - 1) + 1) for j in range(d))}). Kernel '
                               "size can't be greater than actual input size")
    out = Conv.apply(input, weight, stride=stride, padding=padding, dilation=dilation, groups=groups)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * d)
    return out.squeeze(0) if unbatched else out


def _pad_right(input, extra):
    from .. import _functions  # noqa: PLC0415,F401
    d = len(extra)
    widths = []
    for before, after in reversed(extra):
        widths += [before, after]
    from ..nn import functional as F  # noqa: PLC0415
    del d
    return F.pad(input, widths)


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) input; ``padding`` may be an int, a tuple, 'valid' or 'same'."""
    return _conv('conv1d', 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) input.

    >>> ember.conv2d(ember.ones(1, 1, 4, 4), ember.ones(1, 1, 3, 3)).shape
    torch.Size([1, 1, 2, 2])
    """
    return _conv('conv2d', 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) input."""
    return _conv('conv3d', 3, input, weight, bias, stride, padding, dilation, groups)


def _conv_transpose(op, d, input, weight, bias, stride, padding, output_padding, groups, dilation):
    if _autocast.any_enabled:
        input, weight, bias = cast_inputs('lower', input, weight, bias)
    _check_conv(op, d, input, weight, groups)
    unbatched = input._data.ndim == d + 1
    if unbatched:
        input = input.unsqueeze(0)
    stride = _tuple(stride, d, 'stride')
    padding = _tuple(padding, d, 'padding')
    output_padding = _tuple(output_padding, d, 'output_padding')
    dilation = _tuple(dilation, d, 'dilation')
    c_in = input._data.shape[1]
    if c_in != weight._data.shape[0]:
        raise RuntimeError(f'Given transposed=1, weight of size {list(weight._data.shape)}, expected input'
                           f'{list(input._data.shape)} to have {weight._data.shape[0]} channels, but got {c_in} '
                           'channels instead')
    for i in range(d):
        if output_padding[i] >= stride[i] and output_padding[i] >= dilation[i]:
            raise RuntimeError('output padding must be smaller than either stride or dilation, but got '
                               f'output_padding_height: {output_padding[i]} output_padding_width: '
                               f'{output_padding[-1]} stride_height: {stride[i]} stride_width: {stride[-1]} '
                               f'dilation_height: {dilation[i]} dilation_width: {dilation[-1]}')
    kernel = weight._data.shape[2:]
    spatial = input._data.shape[2:]
    out_spatial = tuple((spatial[i] - 1) * stride[i] - 2 * padding[i] + dilation[i] * (kernel[i] - 1) +
                        output_padding[i] + 1 for i in range(d))
    out_channels = weight._data.shape[1] * groups
    shape = (input._data.shape[0], out_channels) + out_spatial
    out = ConvInputGrad.apply(input, weight, input_shape=shape, stride=stride, padding=padding, dilation=dilation,
                              groups=groups)
    if bias is not None:
        out = out + bias.reshape((1, -1) + (1,) * d)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """1-D transposed convolution (the gradient of conv1d with respect to its input)."""
    return _conv_transpose('conv_transpose1d', 1, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """2-D transposed convolution."""
    return _conv_transpose('conv_transpose2d', 2, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    """3-D transposed convolution."""
    return _conv_transpose('conv_transpose3d', 3, input, weight, bias, stride, padding, output_padding, groups,
                           dilation)

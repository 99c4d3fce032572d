"""Convolution: N-d convolution and transposed convolution by im2col + matmul.

NOTE [ Convolution primitives ]
Three primitives are closed under differentiation: ``Conv`` (y = conv(x, w)), ``ConvInputGrad`` (the adjoint of conv
in x, which is also the transposed convolution) and ``ConvWeightGrad`` (the adjoint in w). Each one's backward is
written with the other two, so double backward (gradient penalties through a CNN) works. Windows are NumPy/CuPy
stride views of the padded input; only the im2col matrix is materialised, and the contraction is one (batched)
matmul per call, which is what the BLAS is fast at.

NOTE [ Column order ]
The im2col matrix's columns run over (batch, *out) positions, except for stride-1 convolutions, whose columns run
over (*out, batch): the batch is innermost. Gathering the windows (im2col) and scatter-adding them back (col2im)
then move rows of ``out[-1] * batch`` contiguous elements instead of ``out[-1]``, which NumPy's short inner loops
pay for dearly on late, small feature maps (col2im 2.4-4.7x faster on ResNet-18's 3x3 layers); a strided window is
not contiguous across the batch, so strided convolutions keep the batch outermost. ``_batch_last(stride)`` decides,
and every helper below asks it, so the matrices of one convolution always agree.
"""
from __future__ import annotations

import math

from .. import _dtype as dt
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs
from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
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


def _batch_last(stride):
    """Whether the columns of this convolution run over (*out, batch) (NOTE [ Column order ])."""
    return all(s == 1 for s in stride)


def _columns(xp, x, kernel, stride, padding, dilation, groups):
    """(G, Cg*K, positions) columns of the padded input (the im2col matrix, transposed), and the output's spatial
    shape; positions in the order of NOTE [ Column order ].

    The copy reads the window view in (C, *K, N, *out) order — (C, *K, *out, N) when the batch is last — so its
    innermost loop runs along output positions (contiguous in the input when the stride is 1) rather than along the
    short kernel rows.
    """
    n, c = x.shape[:2]
    d = len(kernel)
    if _batch_last(stride):
        spatial = x.shape[2:]
        padded = tuple(spatial[i] + 2 * padding[i] for i in range(d))
        moved = xp.moveaxis(x, 0, -1)  # (C, *spatial, N)
        if any(padding):
            xl = xp.zeros((c,) + padded + (n,), dtype=x.dtype)
            xl[(slice(None),) + tuple(slice(p, p + size) for p, size in zip(padding, spatial))] = moved
        else:
            xl = xp.ascontiguousarray(moved)
        out = tuple(padded[i] - dilation[i] * (kernel[i] - 1) for i in range(d))
        st = xl.strides
        windows = xp.lib.stride_tricks.as_strided(
            xl, shape=(c,) + tuple(kernel) + out + (n,),
            strides=(st[0],) + tuple(st[1 + i] * dilation[i] for i in range(d)) + st[1:])
        cols = xp.ascontiguousarray(windows)
    else:
        x = _pad(xp, x, padding)
        windows, out = _windows(xp, x, kernel, stride, dilation)
        order = (1,) + tuple(range(2 + d, 2 + 2 * d)) + (0,) + tuple(range(2, 2 + d))
        cols = xp.ascontiguousarray(windows.transpose(order))
    return cols.reshape(groups, c // groups * math.prod(kernel), n * math.prod(out)), out


def _grouped_product(xp, a, b):
    """(G, M, K) @ (G, K, N): one plain GEMM when there is one group."""
    if a.shape[0] == 1:
        return mat_product(xp, a[0], b[0])[None]
    return mat_product(xp, a, b)


def _to_batch_major(xp, y, n, out, stride):
    """(O, positions) -> contiguous (N, O, *out)."""
    o = y.shape[0]
    if _batch_last(stride):
        return xp.ascontiguousarray(xp.moveaxis(y.reshape((o,) + tuple(out) + (n,)), -1, 0))
    y = y.reshape((o, n) + tuple(out))
    return xp.ascontiguousarray(xp.swapaxes(y, 0, 1))


def _channel_major(xp, g, groups, stride):
    """(N, O, *out) gradient -> contiguous (G, Og, positions)."""
    n, o = g.shape[:2]
    g = xp.moveaxis(g, 0, -1) if _batch_last(stride) else xp.swapaxes(g, 0, 1)
    return xp.ascontiguousarray(g).reshape(groups, o // groups, -1)


def _conv_forward(xp, x, w, bias, stride, padding, dilation, groups, cols=None):
    n, o = x.shape[0], w.shape[0]
    if cols is None:
        cols, out = _columns(xp, x, w.shape[2:], stride, padding, dilation, groups)
    else:
        out = _out_shape(x.shape[2:], w.shape[2:], stride, padding, dilation)
    y = _grouped_product(xp, w.reshape(groups, o // groups, -1), cols).reshape(o, -1)  # (O, positions)
    if bias is not None:
        y += bias.reshape(o, 1)
    return _to_batch_major(xp, y, n, out, stride)


def _out_shape(spatial, kernel, stride, padding, dilation):
    return tuple((spatial[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
                 for i in range(len(kernel)))


def _col2im(xp, grad_cols, input_shape, out, kernel, stride, padding, dilation):
    """Scatter-add (C, *K, positions) columns back onto the (N, C, *spatial) input: one strided add per offset."""
    n, c = input_shape[:2]
    d = len(kernel)
    padded = tuple(input_shape[2 + i] + 2 * padding[i] for i in range(d))
    last = _batch_last(stride)
    positions = tuple(out) + (n,) if last else (n,) + tuple(out)
    cols = grad_cols.reshape((c,) + tuple(kernel) + positions)
    if all(k == 1 for k in kernel) and not any(padding) and all(s == 1 for s in stride):
        cols = cols.reshape((c,) + positions)
        return xp.ascontiguousarray(xp.moveaxis(cols, -1, 0) if last else xp.swapaxes(cols, 0, 1))
    grad = xp.zeros(((c,) + padded + (n,)) if last else ((c, n) + padded), dtype=grad_cols.dtype)
    lead, tail = ((slice(None),), (slice(None),)) if last else ((slice(None), slice(None)), ())
    for offset in _ndindex(kernel):
        region = tuple(slice(offset[i] * dilation[i], offset[i] * dilation[i] + stride[i] * (out[i] - 1) + 1,
                             stride[i]) for i in range(d))
        grad[lead + region + tail] += cols[(slice(None),) + offset]
    crop = tuple(slice(padding[i], padding[i] + input_shape[2 + i]) for i in range(d))
    cropped = grad[lead + crop + tail]
    return xp.ascontiguousarray(xp.moveaxis(cropped, -1, 0) if last else xp.swapaxes(cropped, 0, 1))


def _conv_input_grad(xp, g, w, input_shape, stride, padding, dilation, groups, gmat=None):
    """The adjoint of convolution in its input: columns W^T g, scattered back (col2im)."""
    o = g.shape[1]
    if gmat is None:
        gmat = _channel_major(xp, g, groups, stride)           # (G, Og, positions)
    wmat = w.reshape(groups, o // groups, -1)                  # (G, Og, Cg*K)
    grad_cols = _grouped_product(xp, xp.swapaxes(wmat, 1, 2), gmat)  # (G, Cg*K, positions)
    return _col2im(xp, grad_cols, input_shape, g.shape[2:], w.shape[2:], stride, padding, dilation)


def _conv_weight_grad(xp, x, g, weight_shape, stride, padding, dilation, groups, gmat=None, cols=None):
    """The adjoint of convolution in its weight: g @ columns^T."""
    if cols is None:
        cols, _ = _columns(xp, x, weight_shape[2:], stride, padding, dilation, groups)
    if gmat is None:
        gmat = _channel_major(xp, g, groups, stride)
    if groups == 1 and cols.shape[-1] >= 1024 and xp.__name__ == 'numpy':
        # many positions (early layers): columns @ g^T, transposed after, runs ~25% faster in OpenBLAS than
        # g @ columns^T over a long inner dimension (ResNet-18's 64-channel layers: 1.38 -> 1.01 ms)
        return xp.ascontiguousarray(mat_product(xp, cols[0], gmat[0].T).T).reshape(weight_shape)
    return _grouped_product(xp, gmat, xp.swapaxes(cols, 1, 2)).reshape(weight_shape)


def _ndindex(shape):
    if not shape:
        yield ()
        return
    for i in range(shape[0]):
        for rest in _ndindex(shape[1:]):
            yield (i,) + rest


_OPTION_NAMES = ('stride', 'padding', 'dilation', 'groups')


def _fast(*arrays):
    """Whether the array backward applies: NumPy-native real floats of one dtype (not bfloat16 or complex)."""
    dtype = arrays[0].dtype
    return dtype.kind == 'f' and dtype.itemsize >= 4 and all(a is None or a.dtype == dtype for a in arrays)


class Conv(Primitive):
    """y = conv(x, w) + b with stride, padding (symmetric), dilation and groups (``b`` may be None)."""

    _backward_name = 'ConvolutionBackward0'

    @staticmethod
    def forward(ctx, x, w, bias, *, stride, padding, dilation, groups):
        xp = ctx.xp
        ctx.options = (stride, padding, dilation, groups)
        ctx.shapes = (x.shape, w.shape)
        cols = None
        if ctx.needs_input_grad and ctx.needs_input_grad[1]:  # the weight gradient needs the columns again: keep
            cols, _ = _columns(xp, x, w.shape[2:], stride, padding, dilation, groups)
        ctx.save_for_backward(x, w, cols)
        return _conv_forward(xp, x, w, bias, stride, padding, dilation, groups, cols)

    @staticmethod
    def backward(ctx, grad):
        if not _State.enabled:  # not recorded: the array formula
            x, w = ctx.saved_tensors[:2]
            result = Conv.backward_array(ctx, grad._data) if _fast(grad._data, x._data, w._data) else None
            if result is not None:
                return tuple(None if r is None else type(grad)._make(r) for r in result)
        x, w = ctx.saved_tensors[:2]
        need_x, need_w, need_b = ctx.needs_input_grad
        opts = dict(zip(_OPTION_NAMES, ctx.options))
        grad_x = ConvInputGrad.apply(grad, w, input_shape=ctx.shapes[0], **opts) if need_x else None
        grad_w = ConvWeightGrad.apply(x, grad, weight_shape=ctx.shapes[1], **opts) if need_w else None
        grad_b = grad.sum((0,) + tuple(range(2, grad.ndim))) if need_b else None
        return grad_x, grad_w, grad_b

    @staticmethod
    def backward_array(ctx, grad):
        x, w, cols = ctx._saved_arrays()
        if not _fast(grad, x, w):
            return NotImplemented
        xp = ctx.xp
        stride, padding, dilation, groups = ctx.options
        need_x, need_w, need_b = ctx.needs_input_grad
        gmat = _channel_major(xp, grad, groups, stride)  # shared by the three gradients
        grad_x = _conv_input_grad(xp, grad, w, x.shape, stride, padding, dilation, groups, gmat) if need_x \
            else None
        grad_w = _conv_weight_grad(xp, x, grad, w.shape, stride, padding, dilation, groups, gmat, cols) \
            if need_w else None
        grad_b = gmat.sum(-1).reshape(-1) if need_b else None
        return grad_x, grad_w, grad_b


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
        opts = dict(zip(_OPTION_NAMES, ctx.options))
        grad_g = Conv.apply(grad, w, None, **opts) if need_g else None
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
        opts = dict(zip(_OPTION_NAMES, ctx.options))
        grad_x = ConvInputGrad.apply(g, grad, input_shape=tuple(x.shape), **opts) if need_x else None
        grad_g = Conv.apply(x, grad, None, **opts) if need_g else None
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
    fused = bias is not None and bias._dtype is input._dtype and tuple(bias._data.shape) == (weight._data.shape[0],)
    out = Conv.apply(input, weight, bias if fused else None, stride=stride, padding=padding, dilation=dilation,
                     groups=groups)
    if bias is not None and not fused:
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

"""Normalization: one ``Normalize`` primitive (x - mean) / sqrt(var + eps) over given axes, and the batch, instance,
group and local-response norms built on it.

The primitive keeps the arrays it needs and computes its backward on them directly; when the backward itself is
being recorded (``create_graph=True``) it recomputes the statistics with Tensor ops so that double backward is exact.
"""
from __future__ import annotations

import math

from .._backend.reduce import last_sum, lead_sum
from ..autograd.function import Primitive
from ..autograd.grad_mode import _State

__all__ = ['batch_norm', 'instance_norm', 'group_norm']


class Normalize(Primitive):
    """xhat = (x - mean) * rsqrt(var + eps), statistics over ``axes`` (biased variance)."""

    _backward_name = 'NativeBatchNormBackward0'

    @staticmethod
    def forward(ctx, x, *, axes, eps, stats=None):
        xp = ctx.xp
        mean = x.mean(axis=axes, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=axes, keepdims=True)
        rstd = 1.0 / xp.sqrt(var + eps)
        xhat = (centered * rstd).astype(x.dtype, copy=False)
        if stats is not None:
            stats['mean'], stats['var'] = mean, var
        ctx.axes, ctx.eps = axes, eps
        # the statistics, not xhat: xhat is the output, which the caller may modify in place (relu_) before backward
        ctx.save_for_backward(x, mean, rstd)
        return xhat

    @staticmethod
    def backward(ctx, grad):
        axes, eps = ctx.axes, ctx.eps
        if _State.enabled:  # recording the backward: recompute with Tensor ops so it differentiates exactly
            x = ctx.saved_tensors[0]
            mean = x.mean(axes, keepdim=True)
            centered = x - mean
            rstd = ((centered * centered).mean(axes, keepdim=True) + eps).rsqrt()
            xhat = centered * rstd
            return rstd * (grad - grad.mean(axes, keepdim=True) - xhat * (grad * xhat).mean(axes, keepdim=True))
        x, mean, rstd = ctx._saved_arrays()
        g = grad._data
        xhat = ((x - mean) * rstd).astype(x.dtype, copy=False)
        out = rstd * (g - g.mean(axis=axes, keepdims=True) - xhat * (g * xhat).mean(axis=axes, keepdims=True))
        return type(grad)._make(out.astype(g.dtype, copy=False))


class BatchNormAffine(Primitive):
    """Training-mode batch norm with its affine step fused: y = xhat * weight + bias, one node for the three
    gradients (PyTorch's ``native_batch_norm``)."""

    _backward_name = 'NativeBatchNormBackward0'

    @staticmethod
    def forward(ctx, x, weight, bias, *, axes, eps, stats):
        xp = ctx.xp
        count = x.size // max(x.shape[1], 1)
        mean = _channel_sum(xp, x, axes) / count
        xhat = x - mean
        var = _channel_sum(xp, xhat * xhat, axes) / count
        rstd = 1.0 / xp.sqrt(var + eps)
        xhat *= rstd
        stats['mean'], stats['var'] = mean, var
        shape = (1, -1) + (1,) * (x.ndim - 2)
        out = xhat * weight.reshape(shape)
        out += bias.reshape(shape)
        ctx.axes, ctx.eps = axes, eps
        ctx.save_for_backward(x, weight, bias, rstd, xhat)
        return out

    @staticmethod
    def backward(ctx, grad):
        if not _State.enabled:  # not recorded: the array formula
            x = ctx.saved_tensors[0]
            if grad._dtype is x._dtype:
                result = BatchNormAffine.backward_array(ctx, grad._data)
                return tuple(None if r is None else type(grad)._make(r) for r in result)
        from .rnn import _grads_of  # noqa: PLC0415
        x, weight, bias = ctx.saved_tensors[:3]
        out = _affine(Normalize.apply(x, axes=ctx.axes, eps=ctx.eps), weight, bias, x.ndim)
        return _grads_of([out], [x, weight, bias], [grad])

    @staticmethod
    def backward_array(ctx, grad):
        x, weight, _, rstd, xhat = ctx._saved_arrays()
        if grad.dtype != x.dtype:
            return NotImplemented
        need_x, need_w, need_b = ctx.needs_input_grad
        axes = ctx.axes
        shape = (1, -1) + (1,) * (x.ndim - 2)
        grad_b = _channel_sum(ctx.xp, grad, axes).reshape(-1)
        grad_w = _channel_sum(ctx.xp, grad * xhat, axes).reshape(-1)
        grad_x = None
        if need_x:  # rstd * w * (g - mean(g) - xhat * mean(g * xhat)), with both means taken from the sums above
            count = x.size // max(x.shape[1], 1)
            grad_x = xhat * (grad_w / count).reshape(shape)
            grad_x -= grad
            grad_x += (grad_b / count).reshape(shape)
            grad_x *= (rstd * weight.reshape(shape)) * -1
        return grad_x, (grad_w if need_w else None), (grad_b if need_b else None)


class LayerNorm(Primitive):
    """``layer_norm`` as one node (PyTorch's ``native_layer_norm``): y = xhat * weight + bias over the trailing
    ``axes``, ``weight`` and ``bias`` optional; the backward forms the three gradients on arrays."""

    _backward_name = 'NativeLayerNormBackward0'

    @staticmethod
    def forward(ctx, x, weight, bias, *, axes, eps):
        xp = ctx.xp
        mean = _trailing_mean(xp, x, axes)
        xhat = x - mean
        var = _trailing_mean(xp, xhat * xhat, axes)
        rstd = 1.0 / xp.sqrt(var + eps)
        xhat *= rstd
        out = xhat
        if weight is not None:
            out = xhat * weight
        if bias is not None:
            out = out + bias if out is xhat else out.__iadd__(bias)
        elif out is xhat:
            out = xhat.copy()  # xhat is kept for the backward
        ctx.axes, ctx.eps = axes, eps
        ctx.save_for_backward(x, weight, bias, xhat, rstd)
        return out

    @staticmethod
    def backward(ctx, grad):
        if not _State.enabled:  # not recorded: the array formula
            result = LayerNorm.backward_array(ctx, grad._data)
            return tuple(None if r is None else type(grad)._make(r) for r in result)
        from .rnn import _grads_of  # noqa: PLC0415
        x, weight, bias = ctx.saved_tensors[:3]
        out = Normalize.apply(x, axes=ctx.axes, eps=ctx.eps)
        out = out if weight is None else out * weight
        out = out if bias is None else out + bias
        return _grads_of([out], [x, weight, bias], [grad])

    @staticmethod
    def backward_array(ctx, grad):
        x, weight, bias, xhat, rstd = ctx._saved_arrays()
        need_x, need_w, need_b = ctx.needs_input_grad
        axes = ctx.axes
        xp = ctx.xp
        lead = x.ndim - len(axes)
        grad_w = lead_sum(xp, grad * xhat, lead) if need_w else None
        grad_b = lead_sum(xp, grad, lead) if need_b else None
        grad_x = None
        if need_x:  # rstd * (gx - mean(gx) - xhat * mean(gx * xhat)), gx the gradient of xhat
            gx = grad * weight if weight is not None else grad
            grad_x = xhat * -_trailing_mean(xp, gx * xhat, axes)
            grad_x += gx
            grad_x -= _trailing_mean(xp, gx, axes)
            grad_x *= rstd
        return grad_x, grad_w, grad_b


def _channel_sum(xp, x, axes):
    """``x.sum(axis=axes, keepdims=True)`` over every axis but the channels (1) of an (N, C, *spatial) array: the
    spatial positions through ``last_sum``, then the batch through ``lead_sum`` (~3x faster than NumPy's reduce
    over the non-adjacent axes, for ResNet's feature maps)."""
    n, c = x.shape[:2]
    if x.ndim > 2 and x.flags.c_contiguous and axes == (0,) + tuple(range(2, x.ndim)):
        per_sample = last_sum(xp, x.reshape(n, c, -1), keepdims=False)  # (N, C)
        return lead_sum(xp, per_sample, 1).reshape((1, c) + (1,) * (x.ndim - 2))
    return x.sum(axis=axes, keepdims=True)


def _trailing_mean(xp, x, axes):
    """``x.mean(axis=axes, keepdims=True)`` over trailing ``axes``; one trailing axis through ``last_sum``."""
    if len(axes) == 1:
        return last_sum(xp, x) / x.shape[-1]
    return x.mean(axis=axes, keepdims=True)


def _affine(xhat, weight, bias, ndim):
    shape = (1, -1) + (1,) * (ndim - 2)
    if weight is not None:
        xhat = xhat * weight.reshape(shape)
    if bias is not None:
        xhat = xhat + bias.reshape(shape)
    return xhat


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1,
               eps=1e-5):
    """Batch normalization over (N, C, ...) input; in training, updates the running statistics in place."""
    nd = input._data.ndim
    if nd < 2:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-max(nd, 1)}, {max(nd, 1) - 1}], '
                         'but got 1)')
    c = input._data.shape[1]
    for name, t in (('weight', weight), ('bias', bias), ('running_mean', running_mean),
                    ('running_var', running_var)):
        if t is not None and t._data.size != c:
            raise RuntimeError(f'{name} should contain {c} elements not {t._data.size}')
    axes = (0,) + tuple(range(2, nd))
    if training:
        count = input._data.size // max(c, 1)
        if count <= 1:
            raise ValueError(f'Expected more than 1 value per channel when training, got input size '
                             f'{input.shape}')
        stats = {}
        fused = weight is not None and bias is not None and input._dtype is weight._dtype is bias._dtype and \
            input._data.dtype.kind == 'f' and input._data.dtype.itemsize >= 4
        if fused:
            out = BatchNormAffine.apply(input, weight, bias, axes=axes, eps=eps, stats=stats)
        else:
            out = _affine(Normalize.apply(input, axes=axes, eps=eps, stats=stats), weight, bias, nd)
        if running_mean is not None or running_var is not None:
            _update_running(running_mean, running_var, stats, count, momentum)
        return out
    if running_mean is None or running_var is None:
        raise RuntimeError('running_mean must be defined in evaluation mode')
    shape = (1, -1) + (1,) * (nd - 2)
    xhat = (input - running_mean.reshape(shape)) * (running_var.reshape(shape) + eps).rsqrt()
    return _affine(xhat, weight, bias, nd)


def _update_running(running_mean, running_var, stats, count, momentum):
    """running = (1 - momentum) * running + momentum * batch statistic (unbiased variance), in place."""
    mean = stats['mean'].reshape(-1)
    var = stats['var'].reshape(-1) * (count / (count - 1))
    for running, value in ((running_mean, mean), (running_var, var)):
        if running is None:
            continue
        data = running._data
        data *= 1 - momentum
        data += (momentum * value).astype(data.dtype, copy=False)
        running._version_counter[0] += 1


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True,
                  momentum=0.1, eps=1e-5):
    """Per-sample, per-channel normalization over the spatial dims of (N, C, ...) input."""
    nd = input._data.ndim
    axes = tuple(range(2, nd))
    if not use_input_stats:
        return batch_norm(input, running_mean, running_var, weight, bias, False, momentum, eps)
    spatial = math.prod(input._data.shape[2:])
    if spatial <= 1:
        raise ValueError(f'Expected more than 1 spatial element when training, got input size {input.shape}')
    stats = {}
    xhat = Normalize.apply(input, axes=axes, eps=eps, stats=stats)
    if running_mean is not None or running_var is not None:
        n, c = input._data.shape[:2]
        batch_stats = {'mean': stats['mean'].reshape(n, c).mean(axis=0), 'var': stats['var'].reshape(n, c).mean(
            axis=0)}
        _update_running(running_mean, running_var, batch_stats, spatial, momentum)
    return _affine(xhat, weight, bias, nd)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalization over groups of channels of (N, C, ...) input."""
    n, c = input._data.shape[:2]
    if c % num_groups:
        raise RuntimeError(f'Expected number of channels in input to be divisible by num_groups, but got input of '
                           f'shape {list(input._data.shape)} and num_groups={num_groups}')
    grouped = input.reshape(n, num_groups, -1)
    xhat = Normalize.apply(grouped, axes=(2,), eps=eps).reshape(input.shape)
    return _affine(xhat, weight, bias, input._data.ndim)


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """Normalization over ``size`` neighbouring channels: x / (k + alpha/size * sum x**2) ** beta."""
    from ..nn import functional as F  # noqa: PLC0415
    dim = input.dim()
    if dim < 3:
        raise ValueError(f'Expected 3D or higher dimensionality input (got {dim} dimensions)')
    if input.numel() == 0:
        return input
    div = (input * input).unsqueeze(1)
    if dim == 3:
        div = F.pad(div, (0, 0, size // 2, (size - 1) // 2))
        div = F.avg_pool2d(div, (size, 1), stride=1).squeeze(1)
    else:
        sizes = input.size()
        div = div.reshape(sizes[0], 1, sizes[1], sizes[2], -1)
        div = F.pad(div, (0, 0, 0, 0, size // 2, (size - 1) // 2))
        div = F.avg_pool3d(div, (size, 1, 1), stride=1).squeeze(1)
        div = div.reshape(sizes)
    div = (div * alpha + k) ** beta
    return input / div

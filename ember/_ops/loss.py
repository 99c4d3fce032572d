"""Softmax family and the numerically delicate loss primitives: cross-entropy, NLL, binary cross-entropy, CTC.

These are primitives (not compositions) for numerics: softmax and log-softmax subtract the running max, cross-entropy
never forms probabilities in forward, BCE-with-logits uses ``max(x, 0) - x*y + log1p(exp(-|x|))``. Backward formulas
are Tensor ops, so they differentiate again; what they need from forward is recomputed from saved inputs rather than
kept (NOTE [ Loss memory ]).

NOTE [ Loss memory ]
Cross-entropy and NLL save only the input (by reference), the target and the weight. The one-hot coefficient matrix
``coef[i, c]`` their gradient needs is rebuilt from the target inside backward as a constant (it does not depend on
the input, so treating it as a constant keeps double backward exact); softmax is recomputed from the saved input by
the Softmax primitive, which is what carries the second derivative.

Reduction and shape conventions (PyTorch's): class dim 1 of ``(N, C, d1, ..., dk)``; ``mean`` divides by the summed
weights of the non-ignored targets (so a fully ignored batch gives nan, as in PyTorch).
"""
from __future__ import annotations

__all__ = ['softmax', 'log_softmax']

import numpy

from .. import _dtype as dt
from .._backend.reduce import last_sum
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs
from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
from ._util import wrap_dim

_HALF = (numpy.float16,)


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def _const(xp_array):
    """Wrap an array computed in forward/backward as a constant (grad-free) Tensor."""
    return _tensor_type()._make(xp_array)


def _upcast(xp, x):
    """Half types compute in float32 (the accumulation type PyTorch uses); returns (array, original numpy dtype)."""
    if x.dtype.itemsize == 2 and x.dtype.kind in 'fV' or x.dtype.name == 'bfloat16':
        return x.astype(numpy.float32), x.dtype
    return x, None


def _downcast(x, dtype):
    return x if dtype is None else x.astype(dtype)


_TYPE_WORDS = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
               'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16',
               'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}


def _type_word(d):
    return _TYPE_WORDS.get(d.name, d.name)


# ------------------------------------------------------------------------------------------------ softmax family

def _log_softmax_array(xp, x, dim):
    """Stable log-softmax of an array along ``dim`` (``x`` already upcast and at least 1-d)."""
    if x.shape[dim] == 0:
        return x.copy()
    m = xp.max(x, axis=dim, keepdims=True)
    m = xp.where(m == -numpy.inf, 0, m)  # all -inf rows give nan, as PyTorch; a +inf max makes its row nan
    shifted = x - m
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=dim, keepdims=True))


def _softmax_array(xp, x, dim):
    if x.shape[dim] == 0:
        return x.copy()
    m = xp.max(x, axis=dim, keepdims=True)
    m = xp.where(m == -numpy.inf, 0, m)
    e = xp.exp(x - m)
    e /= last_sum(xp, e) if dim in (-1, x.ndim - 1) else xp.sum(e, axis=dim, keepdims=True)
    return e


def _sum_keep(t, dim):
    """``t.sum(dim, keepdim=True)``; a 0-dim tensor is its own sum."""
    return t.sum(dim, keepdim=True) if t._data.ndim else t


class Softmax(Primitive):
    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        x, half = _upcast(xp, x)
        if x.ndim == 0:
            out = _softmax_array(xp, x.reshape(1), 0).reshape(())
        else:
            out = _softmax_array(xp, x, dim)
        out = _downcast(out, half)
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return out * (grad - _sum_keep(grad * out, ctx.dim))


class LogSoftmax(Primitive):
    @staticmethod
    def forward(ctx, x, *, dim):
        xp = ctx.xp
        x, half = _upcast(xp, x)
        if x.ndim == 0:
            out = _log_softmax_array(xp, x.reshape(1), 0).reshape(())
        else:
            out = _log_softmax_array(xp, x, dim)
        out = _downcast(out, half)
        ctx.dim = dim
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, grad):
        out, = ctx.saved_tensors
        return grad - out.exp() * _sum_keep(grad, ctx.dim)


def _softmax_input(input, dim, dtype, op):
    if not hasattr(input, '_dtype'):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    if _autocast.any_enabled and dtype is None:
        input, = cast_inputs('fp32_cuda', input)
    if dtype is not None:
        dtype = dt.to_dtype(dtype)
        if dtype is not input._dtype:
            input = input.to(dtype)
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"{op}_lastdim_kernel_impl" not implemented for \'{_type_word(input._dtype)}\'')
    return input, wrap_dim(dim, input._data.ndim, op)


def softmax(input, dim, dtype=None, *, out=None):
    """Softmax along ``dim``: ``exp(x) / exp(x).sum(dim)``, computed stably; ``dtype`` casts the input first.

    >>> ember.softmax(ember.tensor([1., 2., 3.]), 0)
    tensor([0.0900, 0.2447, 0.6652])
    """
    input, dim = _softmax_input(input, dim, dtype, 'softmax')
    result = Softmax.apply(input, dim=dim)
    if out is not None:
        from .inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


def log_softmax(input, dim, dtype=None, *, out=None):
    """``log(softmax(x, dim))`` without forming the softmax: ``x - max - log(sum(exp(x - max)))``.

    >>> ember.log_softmax(ember.tensor([0., 0.]), 0)
    tensor([-0.6931, -0.6931])
    """
    input, dim = _softmax_input(input, dim, dtype, 'log_softmax')
    result = LogSoftmax.apply(input, dim=dim)
    if out is not None:
        from .inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


# ------------------------------------------------------------------------------------------------ NLL / cross-entropy

def _class_coef(xp, target, weight, ignore_index, num_classes, dtype, smoothing):
    """Per-position class coefficients for (N, C, d...) layout: ``loss_i = -sum_c coef[i, c] * logp[i, c]``.

    Returns ``(coef, w_target)``: coef of shape (N, C, d...) (un-normalised), and each position's target weight
    (zero where ignored), whose sum is the 'mean' denominator.
    """
    valid = target != ignore_index
    safe = xp.where(valid, target, 0)
    w_target = (weight[safe] if weight is not None else xp.ones(target.shape, dtype=dtype)) * valid
    w_target = w_target.astype(dtype, copy=False)
    classes = xp.arange(num_classes).reshape((1, num_classes) + (1,) * (target.ndim - 1))
    onehot = (xp.expand_dims(safe, 1) == classes)
    coef = onehot * xp.expand_dims(w_target * (1.0 - smoothing), 1)
    if smoothing:
        w = weight if weight is not None else xp.ones(num_classes, dtype=dtype)
        w = w.reshape((1, num_classes) + (1,) * (target.ndim - 1))
        coef = coef + (smoothing / num_classes) * w * xp.expand_dims(valid, 1)
    return coef.astype(dtype, copy=False), w_target


def _reduce_array(xp, losses, reduction, denom):
    if reduction == 'none':
        return losses
    total = xp.sum(losses)
    if reduction == 'sum':
        return total
    if denom == 0:
        return xp.asarray(float('nan'), dtype=losses.dtype)
    return total / denom


class NllLoss(Primitive):
    """``-coef * input`` summed over classes, for input (N, C, d...) and target (N, d...)."""

    @staticmethod
    def forward(ctx, x, target, weight, *, ignore_index, reduction):
        xp = ctx.xp
        x32, half = _upcast(xp, x)
        coef, w_target = _class_coef(xp, target, weight, ignore_index, x.shape[1], x32.dtype, 0.0)
        safe = xp.where(target != ignore_index, target, 0)
        picked = xp.take_along_axis(x32, xp.expand_dims(safe, 1), axis=1).squeeze(1)
        losses = -picked * w_target
        denom = xp.sum(w_target) if reduction == 'mean' else 1
        ctx.opts = (ignore_index, reduction, denom)
        ctx.save_for_backward(target, weight)
        ctx.x_meta = (x.shape[1], x32.dtype)
        return _downcast(_reduce_array(xp, losses, reduction, denom), half)

    @staticmethod
    def backward(ctx, grad):
        target, weight = ctx.saved_tensors
        ignore_index, reduction, denom = ctx.opts
        num_classes, dtype = ctx.x_meta
        coef, _ = _class_coef(ctx.xp, target._data, None if weight is None else weight._data, ignore_index,
                              num_classes, dtype, 0.0)
        if reduction == 'mean':
            coef = coef / denom if denom != 0 else coef * float('nan')
        g = grad.unsqueeze(1) if reduction == 'none' else grad
        return -(g * _const(coef.astype(grad._dtype.np, copy=False))), None, None


class CrossEntropyLoss(Primitive):
    """Fused ``nll(log_softmax(x, 1))`` with label smoothing; gradient ``g * (softmax(x) * sum_c coef - coef)``."""

    _backward_name = 'NllLossBackward0'  # what a user sees in PyTorch (log_softmax + nll_loss)

    @staticmethod
    def forward(ctx, x, target, weight, *, ignore_index, reduction, label_smoothing):
        xp = ctx.xp
        x32, half = _upcast(xp, x)
        if _plain(x32, weight, label_smoothing):  # no (N, C) one-hot or log-probability temporaries
            rows = xp.arange(x.shape[0])
            valid = target != ignore_index
            safe = xp.where(valid, target, 0)
            exps, sums, picked = _exp_shifted(xp, x32, rows, safe)
            w_target = valid.astype(x32.dtype)
            losses = xp.where(valid, xp.log(sums) - picked, 0).astype(x32.dtype, copy=False)  # ignored rows: 0
            denom = xp.sum(w_target) if reduction == 'mean' else 1
            ctx.opts = (ignore_index, reduction, denom, label_smoothing)
            # the backward scales the exponentials instead of recomputing max, exp and sum; saved with the inputs,
            # they are freed with them
            ctx.save_for_backward(x, target, weight, exps, sums)
            return _downcast(_reduce_array(xp, losses, reduction, denom), half)
        logp = _log_softmax_array(xp, x32, 1)
        coef, w_target = _class_coef(xp, target, weight, ignore_index, x.shape[1], x32.dtype, label_smoothing)
        losses = -xp.sum(coef * logp, axis=1)
        denom = xp.sum(w_target) if reduction == 'mean' else 1
        ctx.opts = (ignore_index, reduction, denom, label_smoothing)
        ctx.save_for_backward(x, target, weight)
        return _downcast(_reduce_array(xp, losses, reduction, denom), half)

    @staticmethod
    def backward(ctx, grad):
        x, target, weight, *exps = ctx.saved_tensors
        ignore_index, reduction, denom, smoothing = ctx.opts
        xp = ctx.xp
        if not _State.enabled and _plain(x._data, weight, smoothing) and grad._dtype is x._dtype:
            exps = [e._data for e in exps]
            return _const(_cross_entropy_grad(ctx, x._data, target._data, grad._data, *exps)), None, None
        coef, _ = _class_coef(xp, target._data, None if weight is None else weight._data, ignore_index,
                              x._data.shape[1], grad._dtype.np if grad._dtype.itemsize > 2 else numpy.float32,
                              smoothing)
        if reduction == 'mean':
            coef = coef / denom if denom != 0 else coef * float('nan')
        total = xp.sum(coef, axis=1, keepdims=True)
        coef, total = coef.astype(grad._dtype.np, copy=False), total.astype(grad._dtype.np, copy=False)
        g = grad.unsqueeze(1) if reduction == 'none' else grad
        return g * (Softmax.apply(x, dim=1) * _const(total) - _const(coef)), None, None


    @staticmethod
    def backward_array(ctx, grad):
        x, target, weight, *exps = ctx._saved_arrays()
        if not _plain(x, weight, ctx.opts[3]) or grad.dtype != x.dtype:
            return NotImplemented
        return _cross_entropy_grad(ctx, x, target, grad, *exps), None, None


def _plain(x, weight, smoothing):
    """Cross-entropy of (N, C) float32/float64 logits with class indices, no class weights, no smoothing."""
    return x.ndim == 2 and weight is None and not smoothing and x.dtype.kind == 'f' and x.dtype.itemsize >= 4


def _exp_shifted(xp, x, rows, cols):
    """For (N, C) logits: (exp(x - rowmax), its row sums, x[rows, cols] - rowmax), in one (N, C) temporary.

    The log-sum-exp is ``log(sums)``; the softmax is ``exps / sums``."""
    m = xp.max(x, axis=1, keepdims=True) if x.shape[1] else xp.zeros((x.shape[0], 1), x.dtype)
    m = xp.where(m == -numpy.inf, 0, m)  # all -inf rows give nan, as PyTorch; a +inf max makes its row nan
    exps = xp.subtract(x, m)
    picked = exps[rows, cols] if x.shape[1] else xp.zeros(x.shape[0], x.dtype)
    xp.exp(exps, out=exps)
    return exps, last_sum(xp, exps, keepdims=False), picked


def _cross_entropy_grad(ctx, x, target, grad, exps, sums):
    """``g * (softmax(x) * sum_c coef - coef)`` with one-hot ``coef``: the forward's exponentials times one factor
    per row (validity, mean denominator, incoming gradient over the row sum), then the target entries lowered."""
    xp = ctx.xp
    ignore_index, reduction, denom, _ = ctx.opts
    valid = target != ignore_index
    safe = xp.where(valid, target, 0)
    rows = xp.arange(x.shape[0])
    scale = valid.astype(x.dtype)
    if reduction == 'mean':
        scale = scale / denom if denom != 0 else scale * float('nan')
    scale = (scale * grad).astype(x.dtype, copy=False)  # grad: 0-dim, or (N,) for reduction='none'
    with numpy.errstate(divide='ignore', invalid='ignore'):
        p = exps * (scale / sums)[:, None]
    if x.shape[1]:
        p[rows, safe] -= scale
    return p


# ------------------------------------------------------------------------------------------------ binary cross-entropy

def _softplus_neg(xp, x):
    """``log(1 + exp(-x))`` without overflow."""
    return xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))


def _softplus_neg_t(x):
    """The same, with Tensor ops (for backward formulas that must differentiate again)."""
    return (-x).relu() + (-x.abs()).exp().log1p()


class BinaryCrossEntropyWithLogits(Primitive):
    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, *, reduction):
        xp = ctx.xp
        ctx.save_for_backward(x, y, weight, pos_weight)
        x, half = _upcast(xp, x)
        y = y.astype(x.dtype, copy=False)
        sp = _softplus_neg(xp, x)
        if pos_weight is not None:
            losses = (1 - y) * x + (1 + (pos_weight.astype(x.dtype, copy=False) - 1) * y) * sp
        else:
            losses = (1 - y) * x + sp
        if weight is not None:
            losses = losses * weight.astype(x.dtype, copy=False)
        losses = xp.broadcast_to(losses, xp.broadcast_shapes(losses.shape, y.shape)) if losses.shape != y.shape \
            else losses
        ctx.reduction, ctx.count = reduction, losses.size
        return _downcast(_reduce_array(xp, losses, reduction, losses.size), half)

    @staticmethod
    def backward(ctx, grad):
        x, y, weight, pos_weight = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        if ctx.reduction == 'mean':
            grad = grad / ctx.count if ctx.count else grad * float('nan')
        grad_x = grad_y = None
        yf = y if y._dtype is x._dtype else y.to(x._dtype)
        if need_x:
            s = x.sigmoid()
            grad_x = s - yf if pos_weight is None else s * (1 + (pos_weight - 1) * yf) - pos_weight * yf
            grad_x = grad * (grad_x if weight is None else grad_x * weight)
        if need_y:
            sp = _softplus_neg_t(x)
            grad_y = -x if pos_weight is None else (pos_weight - 1) * sp - x
            grad_y = grad * (grad_y if weight is None else grad_y * weight)
        return grad_x, grad_y, None, None


class BinaryCrossEntropy(Primitive):
    """``-w * (y * max(log x, -100) + (1 - y) * max(log(1 - x), -100))``, PyTorch's clamped logs."""

    @staticmethod
    def forward(ctx, x, y, weight, *, reduction):
        xp = ctx.xp
        ctx.save_for_backward(x, y, weight)
        x32, half = _upcast(xp, x)
        y32 = y.astype(x32.dtype, copy=False)
        log_x = xp.maximum(xp.log(x32), -100)
        log_1mx = xp.maximum(xp.log1p(-x32), -100)
        losses = -(y32 * log_x + (1 - y32) * log_1mx)
        if weight is not None:
            losses = losses * weight.astype(x32.dtype, copy=False)
        ctx.reduction, ctx.count = reduction, losses.size
        return _downcast(_reduce_array(xp, losses, reduction, losses.size), half)

    @staticmethod
    def backward(ctx, grad):
        x, y, weight = ctx.saved_tensors
        need_x, need_y = ctx.needs_input_grad[:2]
        if ctx.reduction == 'mean':
            grad = grad / ctx.count if ctx.count else grad * float('nan')
        grad_x = grad_y = None
        if need_x:
            # PyTorch's formula: (x - y) / max(x (1 - x), 1e-12), the max written as eps + relu(v - eps)
            denom = (x * (1 - x) - 1e-12).relu() + 1e-12
            grad_x = grad * (x - y) / denom
            if weight is not None:
                grad_x = grad_x * weight
        if need_y:
            grad_y = grad * (((1 - x).log() + 100).relu() - (x.log() + 100).relu())
            if weight is not None:
                grad_y = grad_y * weight
        return grad_x, grad_y, None


# ------------------------------------------------------------------------------------------------ Tensor methods

class LossMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def softmax(self, dim, dtype=None):
        return softmax(self, dim, dtype)

    def log_softmax(self, dim, dtype=None):
        return log_softmax(self, dim, dtype)

"""Connectionist Temporal Classification loss: the forward-backward (alpha-beta) algorithm in log space.

The recursion runs over time in Python and is vectorised over the batch and the extended label sequence
``l' = (blank, l1, blank, l2, ..., blank)`` of length ``2S + 1``. The gradient with respect to ``log_probs`` is
PyTorch's: ``exp(lp) - exp(log(sum_s alpha_t(s) beta_t(s) [l'_s = c]) + nll - lp)`` for ``t`` below the input length,
zero after it. The first term is PyTorch's convention (it assumes ``log_probs`` came from ``log_softmax``, through
which it cancels); we keep it so gradients match PyTorch exactly.
"""
from __future__ import annotations

__all__ = ['ctc_loss']

import operator

import numpy

from ..autograd.function import Primitive
from .loss import _const

_NEG_INF = float('-inf')


def _logsumexp3(xp, a, b, c):
    m = xp.maximum(xp.maximum(a, b), c)
    safe = xp.where(xp.isfinite(m), m, 0)
    return _log_or_neg_inf(xp, xp.exp(a - safe) + xp.exp(b - safe) + xp.exp(c - safe)) + safe


def _log_or_neg_inf(xp, s):
    """``log(s)`` with ``log(0) = -inf`` and no floating-point warning."""
    positive = s > 0
    return xp.where(positive, xp.log(xp.where(positive, s, 1)), _NEG_INF)


def _extended_targets(xp, targets, target_lengths, offsets, blank, max_len):
    """(N, 2*max_len + 1) extended label sequences (blank-padded) and the mask of allowed skip transitions."""
    n = len(target_lengths)
    width = 2 * max_len + 1
    ext = numpy.full((n, width), blank, dtype=numpy.int64)
    for b in range(n):
        length = target_lengths[b]
        if length:
            ext[b, 1:2 * length:2] = targets[offsets[b]:offsets[b] + length] if targets.ndim == 1 else \
                targets[b, :length]
    skip = numpy.zeros((n, width), dtype=bool)
    skip[:, 2:] = (ext[:, 2:] != blank) & (ext[:, 2:] != ext[:, :-2])
    return xp.asarray(ext), xp.asarray(skip)


class CtcLoss(Primitive):
    """Per-sample negative log-likelihood (N,) of log_probs (T, N, C) over the given target sequences."""

    @staticmethod
    def forward(ctx, log_probs, *, targets, input_lengths, target_lengths, blank, zero_infinity):
        xp = ctx.xp
        lp_all = log_probs.astype(numpy.float32) if log_probs.dtype.itemsize == 2 else log_probs
        steps, batch, _ = lp_all.shape
        offsets = numpy.concatenate([[0], numpy.cumsum(target_lengths)[:-1]]) if batch else numpy.zeros(0, int)
        max_len = max(target_lengths, default=0)
        host_targets = targets if isinstance(targets, numpy.ndarray) else targets.get()
        ext, skip = _extended_targets(xp, host_targets, target_lengths, offsets, blank, max_len)
        width = ext.shape[1]
        in_len = xp.asarray(numpy.asarray(input_lengths, dtype=numpy.int64))
        ext_len = xp.asarray(2 * numpy.asarray(target_lengths, dtype=numpy.int64) + 1)
        positions = xp.arange(width)
        inside = positions[None, :] < ext_len[:, None]
        batch_index = xp.arange(batch)[:, None]
        # emissions: lp[t, b, ext[b, s]] gathered once, -inf beyond each sample's extended length
        emit = lp_all[:, batch_index, ext]                      # (T, N, W)
        emit = xp.where(inside[None], emit, _NEG_INF)
        neg = xp.full((batch, 1), _NEG_INF, dtype=lp_all.dtype)
        neg2 = xp.full((batch, 2), _NEG_INF, dtype=lp_all.dtype)

        alpha = xp.full((steps, batch, width), _NEG_INF, dtype=lp_all.dtype)
        if steps:
            first = xp.full((batch, width), _NEG_INF, dtype=lp_all.dtype)
            first[:, 0] = emit[0, :, 0]
            if width > 1:
                first[:, 1] = xp.where(ext_len > 1, emit[0, :, 1], _NEG_INF)
            alpha[0] = first
        for t in range(1, steps):
            prev = alpha[t - 1]
            shift1 = xp.concatenate([neg, prev[:, :-1]], axis=1)
            shift2 = xp.where(skip, xp.concatenate([neg2, prev[:, :-2]], axis=1), _NEG_INF)
            alpha[t] = _logsumexp3(xp, prev, shift1, shift2) + emit[t]

        last = xp.clip(in_len - 1, 0, None)
        final = alpha[last, xp.arange(batch)]                   # (N, W): alpha at each sample's last frame
        end1 = xp.take_along_axis(final, (ext_len - 1)[:, None], axis=1)[:, 0]
        end2 = xp.take_along_axis(final, xp.clip(ext_len - 2, 0, None)[:, None], axis=1)[:, 0]
        end2 = xp.where(ext_len > 1, end2, _NEG_INF)
        m = xp.maximum(end1, end2)
        safe = xp.where(xp.isfinite(m), m, 0)
        nll = -(_log_or_neg_inf(xp, xp.exp(end1 - safe) + xp.exp(end2 - safe)) + safe)
        nll = xp.where(in_len == 0, xp.where(ext_len == 1, 0.0, float('inf')), nll).astype(lp_all.dtype)
        ctx.state = (lp_all, emit, alpha, ext, skip, in_len, ext_len, nll, zero_infinity, log_probs.dtype)
        if zero_infinity:
            nll = xp.where(xp.isinf(nll), 0.0, nll).astype(lp_all.dtype)
        return nll.astype(log_probs.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        lp_all, emit, alpha, ext, skip, in_len, ext_len, nll, zero_infinity, dtype = ctx.state
        xp = ctx.xp
        steps, batch, classes = lp_all.shape
        width = ext.shape[1]
        neg = xp.full((batch, 1), _NEG_INF, dtype=lp_all.dtype)
        neg2 = xp.full((batch, 2), _NEG_INF, dtype=lp_all.dtype)
        positions = xp.arange(width)
        skip_next = xp.concatenate([skip[:, 2:], xp.zeros((batch, 2), dtype=bool)], axis=1)  # s -> s+2 allowed
        beta = xp.full((steps, batch, width), _NEG_INF, dtype=lp_all.dtype)
        start = (positions[None, :] >= ext_len[:, None] - 2) & (positions[None, :] < ext_len[:, None])
        cur = xp.full((batch, width), _NEG_INF, dtype=lp_all.dtype)
        for t in range(steps - 1, -1, -1):
            nxt1 = xp.concatenate([cur[:, 1:], neg], axis=1)
            nxt2 = xp.where(skip_next, xp.concatenate([cur[:, 2:], neg2], axis=1), _NEG_INF)
            step = _logsumexp3(xp, cur, nxt1, nxt2) + emit[t]
            is_last = (t == in_len - 1)[:, None]
            cur = xp.where(is_last, xp.where(start, emit[t], _NEG_INF), step)
            cur = xp.where((t < in_len)[:, None], cur, _NEG_INF)
            beta[t] = cur
        ab = alpha + beta                                        # (T, N, W)
        m = xp.max(ab, axis=2, keepdims=True) if width else xp.zeros((steps, batch, 1), dtype=lp_all.dtype)
        m = xp.where(xp.isfinite(m), m, 0)
        onehot = (ext[:, :, None] == xp.arange(classes)[None, None, :]).astype(lp_all.dtype)  # (N, W, C)
        summed = xp.einsum('tnw,nwc->tnc', xp.exp(ab - m), onehot)
        with_m = nll[None, :, None] + m - lp_all
        # exp(log(summed) + nll + m - lp), written to avoid log(0) warnings: summed is 0 exactly where lcab = -inf
        posterior = summed * xp.exp(xp.where(xp.isfinite(with_m), with_m, 0))
        posterior = xp.where(summed > 0, posterior, 0)
        g = xp.exp(lp_all) - posterior
        valid = xp.arange(steps)[:, None] < in_len[None, :]
        # an impossible alignment (nll = inf) has no gradient: nan in PyTorch, zero with zero_infinity
        g = xp.where(xp.isinf(nll)[None, :, None], 0.0 if zero_infinity else float('nan'), g)
        g = xp.where(valid[:, :, None], g, 0)
        g = _const(g.astype(dtype, copy=False))
        return grad.reshape(1, batch, 1) * g


# ------------------------------------------------------------------------------------------------ validation

def _lengths(value, name):
    """A list of python ints from a list/tuple or an integer Tensor of lengths."""
    if hasattr(value, '_data'):
        if value._dtype.is_floating_point or value._dtype.is_complex:
            raise RuntimeError(f'ctc_loss: expected {name} to be an integer tensor, got {value._dtype}')
        arr = value._data
        arr = arr if isinstance(arr, numpy.ndarray) else arr.get()
        return [int(v) for v in numpy.asarray(arr).reshape(-1)], arr.ndim == 0
    if isinstance(value, int):
        return [operator.index(value)], True
    try:
        return [operator.index(v) for v in value], False
    except TypeError:
        raise TypeError(f"ctc_loss(): argument '{name}' must be tuple of ints or Tensor, not "
                        f'{type(value).__name__}') from None


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False):
    """CTC loss of ``log_probs`` (T, N, C) (or (T, C)) against padded (N, S) or concatenated targets."""
    from .._tensor import Tensor  # noqa: PLC0415
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f'{reduction} is not a valid value for reduction')
    batched = log_probs._data.ndim == 3
    if log_probs._data.ndim not in (2, 3):
        raise RuntimeError(f'ctc_loss: expected log_probs to be 2-D (unbatched) or 3-D, got {log_probs._data.ndim}-D')
    if not log_probs._dtype.is_floating_point:
        raise RuntimeError(f'"ctc_loss_cpu" not implemented for \'{log_probs._dtype}\'')
    if targets._dtype.is_floating_point or targets._dtype.is_complex or targets._dtype.name == 'bool':
        raise RuntimeError(f'"ctc_loss_cpu" not implemented for \'{targets._dtype}\'')
    lp = log_probs if batched else log_probs.unsqueeze(1)
    in_lens, _ = _lengths(input_lengths, 'input_lengths')
    tg_lens, _ = _lengths(target_lengths, 'target_lengths')
    tg = targets._data if type(targets._data) is numpy.ndarray else targets._data.get()
    if not batched:
        tg = tg.reshape(1, -1)  # an unbatched target sequence is a batch of one padded row
    steps, batch, classes = lp._data.shape
    if not 0 <= blank < classes:
        raise RuntimeError('blank must be in label range')
    if len(in_lens) != batch:
        raise RuntimeError('input_lengths must be of size batch_size')
    if len(tg_lens) != batch:
        raise RuntimeError('target_lengths must be of size batch_size')
    where = '(while checking arguments for ctc_loss_allocate_outputs)'
    if tg.ndim == 1:
        total = sum(tg_lens)
        if tg.shape[0] != total:
            raise RuntimeError(f"Expected tensor to have size {total} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets' {where}")
    else:
        if tg.shape[0] != batch:
            raise RuntimeError(f"Expected tensor to have size {batch} at dimension 0, but got size {tg.shape[0]} for "
                               f"argument #2 'targets' {where}")
        longest = max(tg_lens, default=0)
        if longest > tg.shape[1]:
            raise RuntimeError(f'Expected tensor to have size at least {longest} at dimension 1, but got size '
                               f"{tg.shape[1]} for argument #2 'targets' {where}")
    for length in tg_lens:
        if length < 0:
            raise RuntimeError(f'Expected target_lengths to have value at least 0, but got value {length} {where}')
    for length in in_lens:
        if length < 0:
            raise RuntimeError(f'Expected input_lengths to have value at least 0, but got value {length} {where}')
        if length > steps:
            raise RuntimeError(f'Expected input_lengths to have value at most {steps}, but got value {length} {where}')
    tg = numpy.asarray(tg).astype(numpy.int64)
    out = CtcLoss.apply(lp, targets=tg, input_lengths=in_lens, target_lengths=tg_lens, blank=blank,
                        zero_infinity=bool(zero_infinity))
    if reduction == 'none':
        return out if batched else out.reshape(())
    if reduction == 'sum':
        return out.sum()
    divisor = numpy.maximum(numpy.asarray(tg_lens, dtype=numpy.float64), 1).astype(out._dtype.np)
    divisor = Tensor._make(divisor if type(out._data) is numpy.ndarray else _to_xp(out._data, divisor))
    return (out / divisor).mean()


def _to_xp(like, array):
    from .._backend import cupy  # noqa: PLC0415
    return cupy().asarray(array)

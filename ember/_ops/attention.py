"""Fused scaled-dot-product attention: softmax(Q K^T * scale + mask) V as one primitive.

``nn.functional.scaled_dot_product_attention`` uses it when there is no dropout and the mask (if any) needs no
gradient; it computes the same ops as the composition, in the same order, but keeps one attention-weights array and
runs its backward on arrays (five batched GEMMs and one softmax-backward pass). When the backward is itself recorded
(``create_graph=True``) the composition is rebuilt with Tensor ops and differentiated, so higher-order gradients
are exact.
"""
from __future__ import annotations

from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
from .._backend.reduce import last_sum
from .linalg import mat_product
from .loss import _softmax_array
from .rnn import _grads_of

__all__ = []


class ScaledDotProductAttention(Primitive):
    """(query (..., L, E), key (..., S, E), value (..., S, Ev), mask or None) -> (..., L, Ev)."""

    _backward_name = 'ScaledDotProductFlashAttentionForCpuBackward0'

    @staticmethod
    def forward(ctx, q, k, v, mask, *, scale, causal):
        xp = ctx.xp
        scores = mat_product(xp, q, xp.swapaxes(k, -1, -2))
        scores *= scale
        if causal:
            xp.copyto(scores, -xp.inf, where=~xp.tri(q.shape[-2], k.shape[-2], dtype=bool))
        if mask is not None:
            if mask.dtype == bool:
                xp.copyto(scores, -xp.inf, where=~mask)
            else:
                scores += mask
        weights = _softmax_array(xp, scores, -1)
        if mask is not None:  # rows masked entirely give zeros, not nan (PyTorch's math path)
            xp.copyto(weights, 0, where=(scores == -xp.inf).all(-1, keepdims=True))
        ctx.options = (scale, causal)
        ctx.save_for_backward(q, k, v, mask, weights)
        return mat_product(xp, weights, v)

    @staticmethod
    def backward(ctx, grad):
        if not _State.enabled:  # the array formula, wrapped (hooks or the Tensor path were asked for)
            result = ScaledDotProductAttention.backward_array(ctx, grad._data)
            return tuple(None if r is None else type(grad)._make(r) for r in result)
        q, k, v, mask = ctx.saved_tensors[:4]
        scale, causal = ctx.options
        out = attention_composite(q, k, v, mask, scale, causal)
        return _grads_of([out], [q, k, v], [grad]) + (None,)

    @staticmethod
    def backward_array(ctx, grad):
        q, k, v, _, weights = ctx._saved_arrays()
        xp = ctx.xp
        need_q, need_k, need_v = ctx.needs_input_grad[:3]
        grad_v = mat_product(xp, xp.swapaxes(weights, -1, -2), grad) if need_v else None
        grad_q = grad_k = None
        if need_q or need_k:
            d_weights = mat_product(xp, grad, xp.swapaxes(v, -1, -2))
            d_scores = d_weights * weights
            d_weights -= last_sum(xp, d_scores)  # softmax backward: w * (g - sum(g * w))
            d_scores = weights * d_weights
            d_scores *= ctx.options[0]
            grad_q = mat_product(xp, d_scores, k) if need_q else None
            grad_k = mat_product(xp, xp.swapaxes(d_scores, -1, -2), q) if need_k else None
        return grad_q, grad_k, grad_v, None


def attention_composite(q, k, v, mask, scale, causal):
    """The same computation with Tensor ops (differentiable to any order)."""
    import ember  # noqa: PLC0415
    scores = (q @ k.transpose(-2, -1)) * scale
    if causal:
        allowed = ember.ones(q.shape[-2], k.shape[-2], dtype=ember.bool, device=q.device).tril()
        scores = scores.masked_fill(~allowed, float('-inf'))
    if mask is None:
        return scores.softmax(-1) @ v
    scores = scores.masked_fill(~mask, float('-inf')) if mask.dtype == ember.bool else scores + mask
    all_masked = (scores == float('-inf')).all(-1, keepdim=True)
    return scores.softmax(-1).masked_fill(all_masked, 0.0) @ v

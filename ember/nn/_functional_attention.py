"""Attention: scaled_dot_product_attention and multi_head_attention_forward (re-exported by nn.functional).

Both are compositions of matmul, softmax and masking, so autograd (and double backward) come for free; a fused
kernel belongs on the GPU path, chosen inside the op when it exists.
"""
from __future__ import annotations

import math
import warnings

from .. import _dtype
from .._ops.linalg import broadcast_shapes

__all__ = ['scaled_dot_product_attention', 'multi_head_attention_forward']

_FUSED_DTYPES = (_dtype.float32, _dtype.float64)  # half types take the composition (its softmax upcasts)


def _ember():
    import ember  # noqa: PLC0415
    return ember


def _F():
    from . import functional  # noqa: PLC0415
    return functional


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None,
                                 enable_gqa=False):
    """softmax(Q K^T * scale + mask) V over the last two dims (``attn_mask`` bool: True attends; float: added).

    >>> q = ember.randn(2, 4, 5, 8)
    >>> ember.nn.functional.scaled_dot_product_attention(q, q, q, is_causal=True).shape
    torch.Size([2, 4, 5, 8])
    """
    ember = _ember()
    F = _F()
    if query.dim() < 2 or key.dim() < 2 or value.dim() < 2:
        raise RuntimeError('scaled_dot_product_attention: expected query, key and value to be at least 2-D, got '
                           f'{query.dim()}-D, {key.dim()}-D and {value.dim()}-D')
    if not (query.dtype == key.dtype == value.dtype):
        raise RuntimeError(f'Expected query, key, and value to have the same dtype, but got query.dtype: '
                           f'{query.dtype} key.dtype: {key.dtype} and value.dtype: {value.dtype} instead.')
    if query.size(-1) != key.size(-1):
        raise RuntimeError(f'scaled_dot_product_attention: query and key must have the same last dimension, got '
                           f'{query.size(-1)} and {key.size(-1)}')
    length, source = query.size(-2), key.size(-2)
    factor = 1.0 / math.sqrt(query.size(-1)) if scale is None else scale
    if enable_gqa and query.dim() >= 3 and key.size(-3) != query.size(-3):
        repeats = query.size(-3) // key.size(-3)
        key = key.repeat_interleave(repeats, -3)
        value = value.repeat_interleave(repeats, -3)
    if dropout_p == 0.0 and query._dtype in _FUSED_DTYPES and (attn_mask is None or _fusable_mask(
            attn_mask, query, key)):
        from .._ops.attention import ScaledDotProductAttention  # noqa: PLC0415
        return ScaledDotProductAttention.apply(query, key, value, attn_mask, scale=factor, causal=bool(is_causal))
    scores = (query @ key.transpose(-2, -1)) * factor
    if is_causal:
        allowed = ember.ones(length, source, dtype=ember.bool, device=query.device).tril()
        scores = scores.masked_fill(~allowed, float('-inf'))
    if attn_mask is not None:
        if attn_mask.dtype == ember.bool:
            scores = scores.masked_fill(~attn_mask, float('-inf'))
        else:
            scores = scores + attn_mask
    # only an explicit mask can mask a whole row (a causal one always leaves the first key)
    weights = _safe_softmax(scores) if attn_mask is not None else scores.softmax(-1)
    if dropout_p > 0.0:
        weights = F.dropout(weights, dropout_p, training=True)
    return weights @ value


def _fusable_mask(mask, query, key):
    """Whether the fused primitive takes this mask: no gradient wanted, and it broadcasts to the scores' shape
    without enlarging them."""
    if mask.requires_grad or not (mask._dtype is _dtype.bool or mask._dtype is query._dtype):
        return False
    scores = tuple(query.shape[:-1]) + (key.size(-2),)
    try:
        return broadcast_shapes(scores, tuple(mask.shape)) == scores
    except RuntimeError:
        return False


def _safe_softmax(scores):
    """softmax over the last dim, with rows that are entirely -inf giving zeros (PyTorch's math path)."""
    all_masked = (scores == float('-inf')).all(-1, keepdim=True)
    return scores.softmax(-1).masked_fill(all_masked, 0.0)  # no branch on values: ember.compile can capture it


def _canonical_mask(mask, mask_name, other_type, other_name, target_type, check_other=True):
    """Bool masks become float masks (-inf where True); float masks pass; other dtypes are an error."""
    ember = _ember()
    if mask is None:
        return None
    if mask.dtype != ember.bool and not mask.is_floating_point():
        raise AssertionError(f'only bool and floating types of {mask_name} are supported')
    if check_other and other_type is not None and mask.dtype != other_type:
        warnings.warn(f'Support for mismatched {mask_name} and {other_name} is deprecated. Use same type for both '
                      'instead.', stacklevel=3)
    if mask.dtype == ember.bool:
        return ember.zeros_like(mask, dtype=target_type).masked_fill(mask, float('-inf'))
    return mask


def multi_head_attention_forward(query, key, value, embed_dim_to_check, num_heads, in_proj_weight, in_proj_bias,
                                 bias_k, bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias,
                                 training=True, key_padding_mask=None, need_weights=True, attn_mask=None,
                                 use_separate_proj_weight=False, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, static_k=None, static_v=None, average_attn_weights=True,
                                 is_causal=False):
    """The computation of nn.MultiheadAttention on (L, N, E) inputs (or unbatched (L, E)); as PyTorch's."""
    ember = _ember()
    F = _F()
    batched = query.dim() == 3
    if not batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, embed_dim = query.shape
    src_len = key.shape[0]
    if embed_dim != embed_dim_to_check:
        raise AssertionError(f'was expecting embedding dimension of {embed_dim_to_check}, but got {embed_dim}')
    head_dim = embed_dim // num_heads
    if head_dim * num_heads != embed_dim:
        raise AssertionError(f'embed_dim {embed_dim} not divisible by num_heads {num_heads}')
    key_padding_mask = _canonical_mask(key_padding_mask, 'key_padding_mask', None if attn_mask is None else
                                       attn_mask.dtype, 'attn_mask', query.dtype)
    if is_causal and attn_mask is None:
        raise RuntimeError('Need attn_mask if specifying the is_causal hint. You may use the Transformer module '
                           'method `generate_square_subsequent_mask` to create this mask.')
    if is_causal and key_padding_mask is None and not need_weights:
        attn_mask = None  # the SDPA path builds the causal mask itself
    else:
        attn_mask = _canonical_mask(attn_mask, 'attn_mask', None, '', query.dtype, check_other=False)
        if key_padding_mask is not None:
            is_causal = False

    if not use_separate_proj_weight:
        w_q, w_k, w_v = in_proj_weight.chunk(3)
    else:
        w_q, w_k, w_v = q_proj_weight, k_proj_weight, v_proj_weight
    b_q, b_k, b_v = in_proj_bias.chunk(3) if in_proj_bias is not None else (None, None, None)
    q = F.linear(query, w_q, b_q)
    k = F.linear(key, w_k, b_k)
    v = F.linear(value, w_v, b_v)

    if attn_mask is not None and attn_mask.dim() == 2:
        if tuple(attn_mask.shape) != (tgt_len, src_len):
            raise RuntimeError(f'The shape of the 2D attn_mask is {attn_mask.shape}, but should be '
                               f'{(tgt_len, src_len)}.')
        attn_mask = attn_mask.unsqueeze(0)
    elif attn_mask is not None and attn_mask.dim() == 3:
        if tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise RuntimeError(f'The shape of the 3D attn_mask is {attn_mask.shape}, but should be '
                               f'{(bsz * num_heads, tgt_len, src_len)}.')
    elif attn_mask is not None:
        raise RuntimeError(f"attn_mask's dimension {attn_mask.dim()} is not supported")

    if bias_k is not None and bias_v is not None:
        k = ember.cat([k, bias_k.repeat(1, bsz, 1)])
        v = ember.cat([v, bias_v.repeat(1, bsz, 1)])
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = (static_k if static_k is not None else k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1))
    v = (static_v if static_v is not None else v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1))
    if add_zero_attn:
        zero_shape = (bsz * num_heads, 1, head_dim)
        k = ember.cat([k, ember.zeros(zero_shape, dtype=k.dtype, device=k.device)], dim=1)
        v = ember.cat([v, ember.zeros(zero_shape, dtype=v.dtype, device=v.device)], dim=1)
        if attn_mask is not None:
            attn_mask = F.pad(attn_mask, (0, 1))
        if key_padding_mask is not None:
            key_padding_mask = F.pad(key_padding_mask, (0, 1))
    src_len = k.size(1)
    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise AssertionError(f'expecting key_padding_mask shape of {(bsz, src_len)}, but got '
                                 f'{key_padding_mask.shape}')
        padding = key_padding_mask.reshape(bsz, 1, 1, src_len).expand(-1, num_heads, -1, -1).reshape(
            bsz * num_heads, 1, src_len)
        attn_mask = padding if attn_mask is None else attn_mask + padding
    if not training:
        dropout_p = 0.0

    if need_weights:
        scores = (q * (1.0 / math.sqrt(head_dim))) @ k.transpose(-2, -1)
        if attn_mask is not None:
            scores = scores + attn_mask
        weights = scores.softmax(-1)
        if dropout_p > 0.0:
            weights = F.dropout(weights, p=dropout_p)
        out = weights @ v
        out = out.transpose(0, 1).reshape(tgt_len * bsz, embed_dim)
        out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
        weights = weights.reshape(bsz, num_heads, tgt_len, src_len)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        return out, weights
    if attn_mask is not None:
        attn_mask = attn_mask.reshape(bsz, num_heads, -1, src_len) if attn_mask.size(0) != 1 else \
            attn_mask.unsqueeze(0)
    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    out = scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal)
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, embed_dim)
    out = F.linear(out, out_proj_weight, out_proj_bias).reshape(tgt_len, bsz, embed_dim)
    if not batched:
        out = out.squeeze(1)
    return out, None

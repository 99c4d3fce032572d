"""scaled_dot_product_attention, MultiheadAttention and the Transformer family against PyTorch (same weights)."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch


def _copy_weights(tmod, emod):
    tstate = tmod.state_dict()
    estate = emod.state_dict()
    assert list(estate) == list(tstate)
    emod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tstate.items()})


def _close(ours, theirs, what, atol=1e-10):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=atol, rtol=1e-7, err_msg=what)


SDPA_CASES = [
    dict(), dict(is_causal=True), dict(scale=0.3), dict(mask='bool'), dict(mask='float'), dict(mask='bool_bcast'),
    dict(mask='all_false_row'), dict(gqa=True), dict(cross=True), dict(is_causal=True, cross=True),
]


@pytest.mark.parametrize('case', SDPA_CASES, ids=[str(c) for c in SDPA_CASES])
def test_sdpa_matches_torch(case):
    rng = np.random.default_rng(0)
    L, S = 4, (6 if case.get('cross') else 4)
    q = rng.standard_normal((2, 4, L, 8))
    kv_heads = 2 if case.get('gqa') else 4
    k = rng.standard_normal((2, kv_heads, S, 8))
    v = rng.standard_normal((2, kv_heads, S, 8))
    mask = None
    if case.get('mask') == 'bool':
        mask = rng.random((2, 4, L, S)) > 0.3
        mask[..., 0] = True
    elif case.get('mask') == 'bool_bcast':
        mask = rng.random((L, S)) > 0.3
        mask[:, 0] = True
    elif case.get('mask') == 'float':
        mask = rng.standard_normal((1, 4, L, S))
    elif case.get('mask') == 'all_false_row':
        mask = np.ones((L, S), dtype=bool)
        mask[1] = False
    kwargs = dict(is_causal=case.get('is_causal', False), scale=case.get('scale'),
                  enable_gqa=case.get('gqa', False))
    results = []
    for lib in (torch, ember):
        qt, kt, vt = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
        m = lib.tensor(mask) if mask is not None else None
        out = lib.nn.functional.scaled_dot_product_attention(qt, kt, vt, attn_mask=m, **kwargs)
        grads = lib.autograd.grad((out * lib.tensor(np.linspace(-1, 1, out.numel()).reshape(out.shape))).sum(),
                                  [qt, kt, vt])
        results.append([out] + list(grads))
    for i, (o, t) in enumerate(zip(results[1], results[0])):
        _close(o, t, f'sdpa {case} {i}')


@pytest.mark.parametrize('kind', ['bool', 'float'])
def test_sdpa_causal_combines_with_explicit_mask_like_torch(kind):
    # PyTorch 2.13 applies both the causal mask and an explicit attn_mask (earlier releases raised)
    rng = np.random.default_rng(3)
    q, k, v = (rng.standard_normal((1, 2, 3, 4)) for _ in range(3))
    mask = rng.random((3, 3)) > 0.3 if kind == 'bool' else rng.standard_normal((3, 3))
    outs = [lib.nn.functional.scaled_dot_product_attention(lib.tensor(q), lib.tensor(k), lib.tensor(v),
                                                           attn_mask=lib.tensor(mask), is_causal=True)
            for lib in (torch, ember)]
    np.testing.assert_allclose(outs[1].numpy(), outs[0].numpy(), rtol=1e-10, atol=1e-12)


MHA_CASES = [
    dict(), dict(batch_first=True), dict(kdim=5, vdim=3), dict(add_bias_kv=True), dict(add_zero_attn=True),
    dict(bias=False), dict(add_bias_kv=True, add_zero_attn=True, batch_first=True),
]
FORWARD_CASES = [
    dict(), dict(need_weights=False), dict(average_attn_weights=False), dict(key_padding_mask='bool'),
    dict(attn_mask='float'), dict(attn_mask='bool', key_padding_mask='bool'), dict(attn_mask='bool3d'),
    dict(attn_mask='causal', is_causal=True, need_weights=False), dict(unbatched=True),
]


@pytest.mark.parametrize('ctor', MHA_CASES, ids=[str(c) for c in MHA_CASES])
@pytest.mark.parametrize('call', FORWARD_CASES, ids=[str(c) for c in FORWARD_CASES])
def test_multihead_attention_matches_torch(ctor, call):
    tmod = torch.nn.MultiheadAttention(8, 2, dtype=torch.float64, **ctor)
    emod = ember.nn.MultiheadAttention(8, 2, dtype=ember.float64, **ctor)
    _copy_weights(tmod, emod)
    rng = np.random.default_rng(1)
    L, S, N = 3, 5, 2
    bf = ctor.get('batch_first', False)
    unbatched = call.get('unbatched', False)

    def shaped(length, dim):
        if unbatched:
            return rng.standard_normal((length, dim))
        return rng.standard_normal((N, length, dim) if bf else (length, N, dim))
    q, k, v = shaped(L, 8), shaped(S, ctor.get('kdim', 8)), shaped(S, ctor.get('vdim', 8))
    kpm = None
    if call.get('key_padding_mask') == 'bool' and not unbatched:
        kpm = np.zeros((N, S), dtype=bool)
        kpm[0, -2:] = True
    am = None
    if call.get('attn_mask') == 'float':
        am = rng.standard_normal((L, S))
    elif call.get('attn_mask') == 'bool':
        am = np.zeros((L, S), dtype=bool)
        am[:, 1] = True
    elif call.get('attn_mask') == 'bool3d':
        am = rng.random((N * 2, L, S)) > 0.7
        am[..., 0] = False
    elif call.get('attn_mask') == 'causal':
        if S != L:
            k, v = shaped(L, ctor.get('kdim', 8)), shaped(L, ctor.get('vdim', 8))
        am = np.triu(np.full((L, L), -np.inf), 1)
    kwargs = {name: call[name] for name in ('need_weights', 'average_attn_weights', 'is_causal') if name in call}
    outs = []
    for lib, mod in ((torch, tmod), (ember, emod)):
        qt, kt, vt = (lib.tensor(a, requires_grad=True) for a in (q, k, v))
        out, weights = mod(qt, kt, vt, key_padding_mask=lib.tensor(kpm) if kpm is not None else None,
                           attn_mask=lib.tensor(am) if am is not None else None, **kwargs)
        loss = (out * out).sum() + (weights.sum() if weights is not None else 0)
        grads = lib.autograd.grad(loss, [qt, kt, vt] + list(mod.parameters()), allow_unused=True)
        outs.append((out, weights, grads))
    (tout, tw, tg), (eout, ew, eg) = outs
    _close(eout, tout, 'output')
    assert (ew is None) == (tw is None)
    if tw is not None:
        _close(ew, tw, 'weights')
    for i, (o, t) in enumerate(zip(eg, tg)):
        if t is None:
            continue
        _close(o, t, f'grad {i}')


ENCODER_CASES = [dict(), dict(norm_first=True), dict(batch_first=True, activation='gelu'), dict(bias=False)]


@pytest.mark.parametrize('ctor', ENCODER_CASES, ids=[str(c) for c in ENCODER_CASES])
def test_transformer_encoder_and_decoder_match_torch(ctor):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        tenc = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
            8, 2, 16, dropout=0.0, dtype=torch.float64, **ctor), 2, norm=torch.nn.LayerNorm(8, dtype=torch.float64))
        eenc = ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(
            8, 2, 16, dropout=0.0, dtype=ember.float64, **ctor), 2, norm=ember.nn.LayerNorm(8, dtype=ember.float64))
    tdec = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, dtype=torch.float64,
                                                                        **ctor), 2)
    edec = ember.nn.TransformerDecoder(ember.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, dtype=ember.float64,
                                                                        **ctor), 2)
    _copy_weights(tenc, eenc)
    _copy_weights(tdec, edec)
    rng = np.random.default_rng(2)
    bf = ctor.get('batch_first', False)
    src = rng.standard_normal((2, 5, 8) if bf else (5, 2, 8))
    tgt = rng.standard_normal((2, 4, 8) if bf else (4, 2, 8))
    kpm = np.zeros((2, 5), dtype=bool)
    kpm[1, -1] = True
    results = []
    for lib, enc, dec in ((torch, tenc, tdec), (ember, eenc, edec)):
        enc.train()
        dec.train()
        s, t = lib.tensor(src, requires_grad=True), lib.tensor(tgt, requires_grad=True)
        causal = lib.nn.Transformer.generate_square_subsequent_mask(4, dtype=lib.float64)
        memory = enc(s, src_key_padding_mask=lib.tensor(kpm))
        out = dec(t, memory, tgt_mask=causal, memory_key_padding_mask=lib.tensor(kpm), tgt_is_causal=True)
        grads = lib.autograd.grad(out.pow(2).sum(), [s, t] + list(enc.parameters()) + list(dec.parameters()))
        results.append([memory, out] + list(grads))
    for i, (o, t) in enumerate(zip(results[1], results[0])):
        _close(o, t, f'transformer {i}', atol=1e-9)


def test_full_transformer_and_mask():
    mask = ember.nn.Transformer.generate_square_subsequent_mask(3)
    np.testing.assert_array_equal(mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(3).numpy())
    tmod = torch.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, dtype=torch.float64)
    emod = ember.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0, dtype=ember.float64)
    _copy_weights(tmod, emod)
    rng = np.random.default_rng(3)
    src, tgt = rng.standard_normal((5, 2, 8)), rng.standard_normal((3, 2, 8))
    tout = tmod(torch.tensor(src), torch.tensor(tgt), tgt_mask=torch.nn.Transformer.generate_square_subsequent_mask(
        3, dtype=torch.float64))
    eout = emod(ember.tensor(src), ember.tensor(tgt), tgt_mask=ember.nn.Transformer.generate_square_subsequent_mask(
        3, dtype=ember.float64))
    _close(eout, tout, 'transformer')
    with pytest.raises(RuntimeError, match='the batch number of src and tgt must be equal'):
        emod(ember.zeros(5, 2, 8, dtype=ember.float64), ember.zeros(3, 3, 8, dtype=ember.float64))


def test_state_dict_from_torch_encoder(tmp_path):
    layer = torch.nn.TransformerEncoderLayer(16, 4, 32, batch_first=True)
    tenc = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False).eval()
    torch.save(tenc.state_dict(), tmp_path / 'enc.pt')
    eenc = ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(16, 4, 32, batch_first=True), 2,
                                       enable_nested_tensor=False).eval()
    eenc.load_state_dict(ember.load(tmp_path / 'enc.pt'))
    x = np.random.default_rng(4).standard_normal((2, 5, 16)).astype(np.float32)
    with torch.no_grad():
        expected = tenc(torch.tensor(x)).numpy()
    np.testing.assert_allclose(eenc(ember.tensor(x)).detach().numpy(), expected, atol=1e-4)


def test_module_paths_resolve_like_torch():
    from ember.nn.modules.activation import MultiheadAttention
    from ember.nn.modules.linear import NonDynamicallyQuantizableLinear
    from ember.nn.modules.transformer import TransformerEncoderLayer
    assert MultiheadAttention is ember.nn.MultiheadAttention
    assert issubclass(NonDynamicallyQuantizableLinear, ember.nn.Linear)
    assert TransformerEncoderLayer is ember.nn.TransformerEncoderLayer

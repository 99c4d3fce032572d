"""Layers vs torch with identical weights: forward, input gradients and parameter gradients, over option grids."""
from __future__ import annotations

import numpy as np
import pytest
from nn_testing import assert_close, copy_state, run_both

import ember
import torch


def f(*shape):
    return ('f', shape)


def idx(high, *shape):
    return ('i', high, shape)


# (id, constructor written once for both libraries, inputs, tolerance)
LAYERS = [
    ('identity', lambda nn: nn.Identity(3, foo=1), [f(2, 3)]),
    ('linear', lambda nn: nn.Linear(4, 3), [f(5, 4)]),
    ('linear_nobias', lambda nn: nn.Linear(4, 3, bias=False), [f(5, 4)]),
    ('linear_1d_input', lambda nn: nn.Linear(4, 3), [f(4)]),
    ('linear_3d_input', lambda nn: nn.Linear(4, 2), [f(2, 3, 4)]),
    ('linear_empty_batch', lambda nn: nn.Linear(4, 2), [f(0, 4)]),
    ('linear_double', lambda nn: nn.Linear(4, 3).double(), [('d', (2, 4))]),
    ('bilinear', lambda nn: nn.Bilinear(3, 4, 2), [f(5, 3), f(5, 4)]),
    ('bilinear_nobias', lambda nn: nn.Bilinear(3, 4, 2, bias=False), [f(2, 5, 3), f(2, 5, 4)]),
    ('flatten', lambda nn: nn.Flatten(), [f(2, 3, 4)]),
    ('flatten_0_1', lambda nn: nn.Flatten(0, 1), [f(2, 3, 4)]),
    ('unflatten', lambda nn: nn.Unflatten(1, (2, 3)), [f(4, 6)]),
    ('unflatten_neg', lambda nn: nn.Unflatten(-1, (2, -1)), [f(4, 6)]),
    ('layernorm', lambda nn: nn.LayerNorm(5), [f(3, 5)]),
    ('layernorm_2d_shape', lambda nn: nn.LayerNorm((4, 5)), [f(2, 3, 4, 5)]),
    ('layernorm_noaffine', lambda nn: nn.LayerNorm(5, elementwise_affine=False), [f(3, 5)]),
    ('layernorm_nobias', lambda nn: nn.LayerNorm(5, bias=False, eps=1e-3), [f(3, 5)]),
    ('rmsnorm', lambda nn: nn.RMSNorm(5), [f(3, 5)]),
    ('rmsnorm_eps', lambda nn: nn.RMSNorm([2, 5], eps=1e-3), [f(3, 2, 5)]),
    ('rmsnorm_noaffine', lambda nn: nn.RMSNorm(5, elementwise_affine=False), [f(3, 5)]),
    ('groupnorm', lambda nn: nn.GroupNorm(2, 4), [f(3, 4, 5)]),
    ('embedding', lambda nn: nn.Embedding(10, 3), [idx(10, 4, 5)]),
    ('embedding_padding', lambda nn: nn.Embedding(10, 3, padding_idx=2), [('c', [[2, 1, 2], [3, 2, 9]])]),
    ('embedding_padding_neg', lambda nn: nn.Embedding(10, 3, padding_idx=-1), [('c', [[9, 1, 9], [3, 2, 9]])]),
    ('embedding_freq', lambda nn: nn.Embedding(6, 3, scale_grad_by_freq=True), [('c', [[1, 1, 2], [1, 5, 2]])]),
    ('embedding_0d', lambda nn: nn.Embedding(6, 3), [('c', 4)]),
    ('embeddingbag_mean_2d', lambda nn: nn.EmbeddingBag(10, 3), [idx(10, 4, 5)]),
    ('embeddingbag_sum_2d', lambda nn: nn.EmbeddingBag(10, 3, mode='sum'), [idx(10, 4, 5)]),
    ('embeddingbag_max_2d', lambda nn: nn.EmbeddingBag(10, 3, mode='max'), [idx(10, 4, 5)]),
    ('embeddingbag_offsets', lambda nn: nn.EmbeddingBag(10, 3, mode='sum'),
     [('c', [1, 2, 4, 5, 4, 3, 2, 9]), ('c', [0, 4, 4, 6])]),
    ('embeddingbag_offsets_mean', lambda nn: nn.EmbeddingBag(10, 3),
     [('c', [1, 2, 4, 5, 4, 3, 2, 9]), ('c', [0, 4, 4, 6])]),
    ('embeddingbag_offsets_max', lambda nn: nn.EmbeddingBag(10, 3, mode='max'),
     [('c', [1, 2, 4, 5, 4, 3, 2, 9]), ('c', [0, 3, 3, 6])]),
    ('embeddingbag_last_offset', lambda nn: nn.EmbeddingBag(10, 3, mode='sum', include_last_offset=True),
     [('c', [1, 2, 4, 5, 4, 3, 2, 9]), ('c', [0, 2, 5, 8])]),
    ('embeddingbag_padding', lambda nn: nn.EmbeddingBag(10, 3, padding_idx=4),
     [('c', [1, 2, 4, 5, 4, 3, 2, 9]), ('c', [0, 2, 5])]),
    ('dropout_eval', lambda nn: nn.Dropout(0.3).eval(), [f(3, 4)]),
    ('dropout_p0_train', lambda nn: nn.Dropout(0.0), [f(3, 4)]),
    ('dropout2d_eval', lambda nn: nn.Dropout2d(0.3).eval(), [f(2, 3, 4, 4)]),
    ('alphadropout_eval', lambda nn: nn.AlphaDropout(0.3).eval(), [f(3, 4)]),
    ('constantpad1d', lambda nn: nn.ConstantPad1d((1, 2), 3.5), [f(2, 3, 4)]),
    ('constantpad2d_neg', lambda nn: nn.ConstantPad2d((1, -1, -2, 2), 0.5), [f(2, 3, 4)]),
    ('zeropad2d', lambda nn: nn.ZeroPad2d(2), [f(1, 2, 3, 3)]),
    ('constantpad3d', lambda nn: nn.ConstantPad3d(1, 1.0), [f(1, 2, 2, 3, 2)]),
    ('reflectionpad1d', lambda nn: nn.ReflectionPad1d((2, 1)), [f(2, 3, 4)]),
    ('reflectionpad2d', lambda nn: nn.ReflectionPad2d((1, 2, 2, 0)), [f(1, 2, 3, 4)]),
    ('replicationpad1d', lambda nn: nn.ReplicationPad1d(3), [f(2, 3, 4)]),
    ('replicationpad2d', lambda nn: nn.ReplicationPad2d((0, 1, 3, 2)), [f(2, 3, 4)]),
    ('replicationpad3d', lambda nn: nn.ReplicationPad3d(1), [f(1, 2, 2, 3, 2)]),
    ('circularpad1d', lambda nn: nn.CircularPad1d((1, 3)), [f(2, 3, 4)]),
    ('circularpad2d', lambda nn: nn.CircularPad2d(1), [f(1, 2, 3, 4)]),
    ('cosine_similarity', lambda nn: nn.CosineSimilarity(dim=1), [f(3, 5), f(3, 5)]),
    ('pairwise_distance', lambda nn: nn.PairwiseDistance(p=3.0, keepdim=True), [f(3, 5), f(3, 5)]),
    ('sequential', lambda nn: nn.Sequential(nn.Linear(4, 6), nn.Tanh(), nn.LayerNorm(6), nn.Linear(6, 2)), [f(3, 4)]),
    ('prelu_channels', lambda nn: nn.PReLU(3, init=0.1), [f(2, 3, 4)]),
]


def _make(spec, rng):
    kind = spec[0]
    if kind == 'f':
        return rng.standard_normal(spec[1]).astype(np.float32)
    if kind == 'd':
        return rng.standard_normal(spec[1])
    if kind == 'i':
        return rng.integers(0, spec[1], spec[2]).astype(np.int64)
    return np.array(spec[1], dtype=np.int64)


@pytest.mark.parametrize('name,ctor,inputs', LAYERS, ids=[e[0] for e in LAYERS])
def test_layer_vs_torch(name, ctor, inputs):
    rng = np.random.default_rng(0)
    t_module = ctor(torch.nn)
    e_module = ctor(ember.nn)
    copy_state(t_module, e_module)
    assert [n for n, _ in e_module.named_parameters()] == [n for n, _ in t_module.named_parameters()]
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    assert repr(e_module) == repr(t_module)
    arrays = [_make(s, rng) for s in inputs]
    run_both(e_module, t_module, arrays, atol=1e-5, rtol=1e-5)


EMBEDDING_BAG_PSW = [('sum', None), ('sum', [0, 3, 5]), ('sum', [0, 2, 2])]


@pytest.mark.parametrize('mode,offsets', EMBEDDING_BAG_PSW)
def test_embedding_bag_per_sample_weights(mode, offsets):
    rng = np.random.default_rng(1)
    weight = rng.standard_normal((7, 3)).astype(np.float32)
    psw = rng.standard_normal(6).astype(np.float32)
    inp = np.array([1, 2, 6, 0, 1, 1])
    results = []
    for lib in (ember, torch):
        w = lib.tensor(weight, requires_grad=True)
        p = lib.tensor(psw, requires_grad=True)
        i = lib.tensor(inp)
        if offsets is None:
            i, p_arg = i.reshape(2, 3), p.reshape(2, 3)
            out = lib.nn.functional.embedding_bag(i, w, mode=mode, per_sample_weights=p_arg)
        else:
            out = lib.nn.functional.embedding_bag(i, w, lib.tensor(offsets), mode=mode, per_sample_weights=p)
        (out * lib.arange(out.numel()).reshape(out.shape).to(out.dtype)).sum().backward()
        results.append((out, w.grad, p.grad))
    for e, t in zip(*results):
        assert_close(e, t)


def test_embedding_max_norm_renorms_in_place():
    rng = np.random.default_rng(2)
    weight = (rng.standard_normal((6, 4)) * 3).astype(np.float32)
    idx = np.array([[0, 2], [2, 5]])
    e = ember.nn.Embedding(6, 4, max_norm=1.5)
    t = torch.nn.Embedding(6, 4, max_norm=1.5)
    copy_state(t, e)
    e.weight.data = ember.tensor(weight.copy())
    with torch.no_grad():
        t.weight.copy_(torch.tensor(weight))
    out_e = e(ember.tensor(idx))
    out_t = t(torch.tensor(idx))
    assert_close(out_e, out_t)
    assert_close(e.weight, t.weight)


def test_embedding_from_pretrained_and_errors():
    w = np.arange(12, dtype=np.float32).reshape(4, 3)
    e = ember.nn.Embedding.from_pretrained(ember.tensor(w))
    t = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert e.weight.requires_grad is t.weight.requires_grad is False
    assert repr(e) == repr(t)
    e2 = ember.nn.Embedding.from_pretrained(ember.tensor(w), freeze=False, padding_idx=1)
    t2 = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=False, padding_idx=1)
    assert e2.weight.requires_grad and repr(e2) == repr(t2)
    for lib in (ember, torch):
        with pytest.raises(IndexError, match='index out of range in self'):
            lib.nn.functional.embedding(lib.tensor([4]), lib.tensor(w))
        with pytest.raises(RuntimeError, match="Expected tensor for argument #1 'indices'"):
            lib.nn.functional.embedding(lib.tensor([1.0]), lib.tensor(w))
        with pytest.raises(AssertionError, match='Padding_idx must be within num_embeddings'):
            lib.nn.Embedding(3, 2, padding_idx=3)


def test_embedding_init_zeroes_padding_row():
    e = ember.nn.Embedding(5, 3, padding_idx=1)
    assert (e.weight.detach().numpy()[1] == 0).all()
    assert e.weight.detach().numpy()[[0, 2, 3, 4]].std() > 0.3


def test_lazy_linear_materializes_and_becomes_linear():
    e = ember.nn.LazyLinear(3)
    t = torch.nn.LazyLinear(3)
    assert repr(e) == repr(t)
    assert isinstance(e.weight, ember.nn.UninitializedParameter)
    assert repr(e.weight) == repr(t.weight) == '<UninitializedParameter>'
    out = e(ember.ones(2, 5))
    assert type(e) is ember.nn.Linear
    assert tuple(out.shape) == (2, 3)
    assert tuple(e.weight.shape) == (3, 5) and type(e.weight) is ember.nn.Parameter
    t(torch.ones(2, 5))
    assert repr(e) == repr(t)
    bound = 1 / np.sqrt(5)
    assert np.abs(e.weight.detach().numpy()).max() <= bound and np.abs(e.bias.detach().numpy()).max() <= bound


def test_lazy_linear_load_state_dict():
    src = torch.nn.Linear(4, 2)
    e = ember.nn.LazyLinear(2)
    e.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in src.state_dict().items()})
    assert tuple(e.weight.shape) == (2, 4)
    x = np.ones((1, 4), dtype=np.float32)
    assert_close(e(ember.tensor(x)), src(torch.tensor(x)))
    assert type(e) is ember.nn.Linear


def test_linear_errors_match_torch():
    cases = [((3, 4), (4,), True), ((3, 4), (2, 5), False), ((3, 4), (2, 2, 4), False), ((3, 4), (), False),
             ((), (2, 4), False), ((2, 3, 4), (5, 2), False)]
    for xs, ws, with_bias in cases:
        msgs = []
        for lib in (ember, torch):
            x, w = lib.zeros(xs), lib.zeros(ws)
            b = lib.zeros(1) if with_bias else None
            with pytest.raises(RuntimeError) as info:
                lib.nn.functional.linear(x, w, b)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1], (xs, ws)


def test_linear_1d_weight():
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    w = np.arange(4, dtype=np.float32)
    assert_close(ember.nn.functional.linear(ember.tensor(x), ember.tensor(w)),
                 torch.nn.functional.linear(torch.tensor(x), torch.tensor(w)))


def test_bilinear_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='input2 size does not match weight size: got 5 but expected 6'):
            lib.nn.functional.bilinear(lib.zeros(3, 4), lib.zeros(3, 5), lib.zeros(2, 4, 6))


def test_dropout_train_statistics_and_scaling():
    ember.manual_seed(0)
    x = ember.ones(200, 500)
    m = ember.nn.Dropout(0.3)
    y = m(x).numpy()
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    m.eval()
    assert m(x) is x


@pytest.mark.parametrize('cls,shape', [('Dropout1d', (4, 50, 6)), ('Dropout2d', (4, 50, 3, 3)),
                                       ('Dropout3d', (2, 50, 2, 2, 2)), ('Dropout1d', (50, 6)),
                                       ('Dropout3d', (50, 2, 2, 2))])
def test_feature_dropout_zeroes_whole_channels(cls, shape):
    ember.manual_seed(1)
    x = ember.ones(shape)
    y = getattr(ember.nn, cls)(0.5)(x).numpy()
    batched = y if len(shape) in (3, 4, 5) and cls != 'Dropout1d' or len(shape) == 3 else y
    flat = batched.reshape(batched.shape[0], batched.shape[1], -1) if batched.ndim > 2 else batched.reshape(
        batched.shape[0], -1)
    per_channel = flat.min(-1) == flat.max(-1)
    assert per_channel.all()
    assert set(np.unique(y)) <= {0.0, 2.0}


def test_dropout_gradient_uses_mask():
    ember.manual_seed(2)
    x = ember.ones(10, 10, requires_grad=True)
    y = ember.nn.functional.dropout(x, 0.4)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.detach().numpy())


def test_alpha_dropout_keeps_mean_and_variance():
    ember.manual_seed(3)
    x = ember.randn(400, 400)
    y = ember.nn.AlphaDropout(0.2)(x).numpy()
    assert abs(y.mean()) < 0.03 and abs(y.std() - 1) < 0.03


@pytest.mark.parametrize('p', [-0.1, 1.5])
def test_dropout_p_validation(p):
    for lib in (ember, torch):
        with pytest.raises(ValueError, match=f'dropout probability has to be between 0 and 1, but got {p}'):
            lib.nn.Dropout(p)
        with pytest.raises(ValueError, match='dropout probability has to be between 0 and 1'):
            lib.nn.functional.dropout(lib.ones(2), p)


def test_dropout_p1_and_inplace():
    x = ember.ones(3, 4)
    assert (ember.nn.functional.dropout(x, 1.0).numpy() == 0).all()
    ember.nn.functional.dropout(x, 0.5, inplace=True)
    assert set(np.unique(x.numpy())) <= {0.0, 2.0}


def test_layer_norm_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError) as info:
            lib.nn.functional.layer_norm(lib.zeros(2, 3), (4,))
        assert 'expected input with shape [*, 4], but got input of size' in str(info.value)


def test_pad_errors_and_modes():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    for mode in ('constant', 'reflect', 'replicate', 'circular'):
        assert_close(ember.nn.functional.pad(ember.tensor(x), (1, 2), mode=mode),
                     torch.nn.functional.pad(torch.tensor(x), (1, 2), mode=mode))
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='Padding length must be divisible by 2'):
            lib.nn.functional.pad(lib.tensor(x), (1,))
        with pytest.raises(RuntimeError, match='Padding length should be less than or equal to two times'):
            lib.nn.functional.pad(lib.tensor(x), (1,) * 8)


def test_one_hot():
    for values, n in [([0, 2, 1], -1), ([[1, 3], [0, 0]], 5), ([], 3)]:
        e = ember.nn.functional.one_hot(ember.tensor(values, dtype=ember.int64), n)
        t = torch.nn.functional.one_hot(torch.tensor(values, dtype=torch.int64), n)
        assert e.dtype == ember.int64
        assert_close(e, t)
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='Class values must be smaller than num_classes.'):
            lib.nn.functional.one_hot(lib.tensor([3]), 2)
        with pytest.raises(RuntimeError, match='one_hot is only applicable to index tensor'):
            lib.nn.functional.one_hot(lib.tensor([1.0]))


@pytest.mark.parametrize('p,dim', [(2.0, 1), (1.0, 0), (3.0, -1), (float('inf'), 1)])
def test_normalize(p, dim):
    x = np.random.default_rng(4).standard_normal((3, 4)).astype(np.float32)
    x[0] = 0
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oe = ember.nn.functional.normalize(e, p, dim)
    ot = torch.nn.functional.normalize(t, p, dim)
    assert_close(oe, ot)
    oe.sum().backward()
    ot.sum().backward()
    assert_close(e.grad, t.grad, atol=1e-5)


def test_pdist():
    x = np.random.default_rng(5).standard_normal((5, 3)).astype(np.float32)
    assert_close(ember.nn.functional.pdist(ember.tensor(x)), torch.nn.functional.pdist(torch.tensor(x)))


@pytest.mark.parametrize('rows', [7, 3000])
def test_embedding_gradient_with_many_repeated_indices_matches_torch(rows):
    """Thousands of lookups (the sorted, segment-summed scatter) with repeats and a padding row, against PyTorch."""
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((rows, 5))
    index = rng.integers(0, rows, (40, 50))
    grad = rng.standard_normal((40, 50, 5))
    results = []
    for lib in (torch, ember):
        w = lib.tensor(weight, requires_grad=True)
        out = lib.nn.functional.embedding(lib.tensor(index), w, padding_idx=1)
        out.backward(lib.tensor(grad))
        results.append(w.grad.numpy())
    np.testing.assert_allclose(results[1], results[0], rtol=1e-12, atol=1e-12)

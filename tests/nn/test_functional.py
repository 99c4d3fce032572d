"""ember.nn.functional (non-loss) vs torch: calls written once for both libraries, forward and gradients."""
from __future__ import annotations

import numpy as np
import pytest
from nn_testing import assert_close

import ember
import torch

NAMES = ['linear', 'bilinear', 'relu', 'relu_', 'relu6', 'elu', 'elu_', 'selu', 'celu', 'leaky_relu', 'leaky_relu_',
         'prelu', 'rrelu', 'rrelu_', 'glu', 'gelu', 'logsigmoid', 'hardshrink', 'tanhshrink', 'softsign', 'softplus',
         'softshrink', 'tanh', 'sigmoid', 'hardsigmoid', 'silu', 'mish', 'hardswish', 'hardtanh', 'hardtanh_',
         'threshold', 'threshold_', 'dropout', 'dropout1d', 'dropout2d', 'dropout3d', 'alpha_dropout',
         'feature_alpha_dropout', 'embedding', 'embedding_bag', 'one_hot', 'normalize', 'pad', 'cosine_similarity',
         'pairwise_distance', 'pdist', 'layer_norm', 'rms_norm', 'group_norm', 'softmax', 'log_softmax', 'softmin']


def test_names_exist():
    missing = [n for n in NAMES if not hasattr(ember.nn.functional, n)]
    assert not missing


def r(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed + len(shape)).uniform(low, high, shape)


# (id, call(lib, *tensors), float64 arrays requiring grad)
CALLS = [
    ('linear_bias', lambda m, x, w, b: m.nn.functional.linear(x, w, b), [r(4, 3), r(5, 3), r(5)]),
    ('linear_batched', lambda m, x, w: m.nn.functional.linear(x, w), [r(2, 4, 3), r(5, 3)]),
    ('bilinear', lambda m, a, b, w, c: m.nn.functional.bilinear(a, b, w, c), [r(4, 3), r(4, 2), r(5, 3, 2), r(5)]),
    ('cosine_similarity', lambda m, a, b: m.nn.functional.cosine_similarity(a, b), [r(4, 3), r(4, 3, seed=1)]),
    ('cosine_similarity_bcast', lambda m, a, b: m.nn.functional.cosine_similarity(a, b, dim=-1, eps=1e-3),
     [r(4, 3), r(1, 3, seed=2)]),
    ('pairwise_distance', lambda m, a, b: m.nn.functional.pairwise_distance(a, b), [r(4, 3), r(4, 3, seed=3)]),
    ('pairwise_distance_p1', lambda m, a, b: m.nn.functional.pairwise_distance(a, b, p=1.0, keepdim=True),
     [r(4, 3), r(3, seed=4)]),
    ('layer_norm_affine', lambda m, x, w, b: m.nn.functional.layer_norm(x, (3,), w, b, 1e-3),
     [r(2, 4, 3), r(3), r(3)]),
    ('layer_norm_2d', lambda m, x: m.nn.functional.layer_norm(x, (4, 3)), [r(2, 4, 3)]),
    ('layer_norm_2d_affine', lambda m, x, w, b: m.nn.functional.layer_norm(x, (4, 3), w, b),
     [r(2, 4, 3), r(4, 3, seed=5), r(4, 3, seed=6)]),
    ('layer_norm_weight_only', lambda m, x, w: m.nn.functional.layer_norm(x, (3,), w), [r(5, 3), r(3, seed=7)]),
    ('layer_norm_bias_only', lambda m, x, b: m.nn.functional.layer_norm(x, (3,), None, b),
     [r(3), r(3, seed=8)]),
    ('rms_norm', lambda m, x, w: m.nn.functional.rms_norm(x, [3], w), [r(2, 4, 3), r(3)]),
    ('rms_norm_eps', lambda m, x: m.nn.functional.rms_norm(x, (4, 3), eps=1e-2), [r(2, 4, 3)]),
    ('normalize', lambda m, x: m.nn.functional.normalize(x, dim=-1), [r(3, 4)]),
    ('prelu', lambda m, x, w: m.nn.functional.prelu(x, w), [r(2, 3, 4), r(3)]),
    ('prelu_scalar_weight', lambda m, x, w: m.nn.functional.prelu(x, w), [r(2, 3, 4), r(1)]),
    ('glu_dim1', lambda m, x: m.nn.functional.glu(x, 1), [r(2, 4, 3)]),
    ('softplus', lambda m, x: m.nn.functional.softplus(x, 0.5, 1.0), [r(3, 4)]),
    ('threshold', lambda m, x: m.nn.functional.threshold(x, 0.5, -1.0), [r(3, 4)]),
    ('hardtanh', lambda m, x: m.nn.functional.hardtanh(x, -0.3, 0.6), [r(3, 4)]),
    ('rrelu_eval', lambda m, x: m.nn.functional.rrelu(x, 0.2, 0.4), [r(3, 4)]),
    ('pad_reflect_2d', lambda m, x: m.nn.functional.pad(x, (1, 2, 2, 1), mode='reflect'), [r(1, 2, 3, 4)]),
    ('pad_replicate_3d', lambda m, x: m.nn.functional.pad(x, (1, 0, 0, 2, 1, 1), mode='replicate'),
     [r(1, 2, 2, 3, 2)]),
    ('pad_circular', lambda m, x: m.nn.functional.pad(x, (2, 1), mode='circular'), [r(2, 3, 4)]),
    ('pad_constant_value', lambda m, x: m.nn.functional.pad(x, (0, 1, 1, 0, 2, 2), value=-3.0), [r(2, 3, 4)]),
    ('pad_crop', lambda m, x: m.nn.functional.pad(x, (-1, 1, -2, 0)), [r(2, 3, 4)]),
    ('embedding_fn', lambda m, w: m.nn.functional.embedding(m.tensor([[0, 3], [3, 1]]), w, padding_idx=3),
     [r(5, 2)]),
    ('embedding_bag_fn', lambda m, w: m.nn.functional.embedding_bag(m.tensor([0, 3, 3, 1, 2]), w,
                                                                    m.tensor([0, 1, 3]), mode='max'), [r(5, 2)]),
    ('pdist', lambda m, x: m.nn.functional.pdist(x, p=1.5), [r(4, 3)]),
]


@pytest.mark.parametrize('name,call,arrays', CALLS, ids=[c[0] for c in CALLS])
def test_functional_vs_torch(name, call, arrays):
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    oe, ot = call(ember, *e_in), call(torch, *t_in)
    assert_close(oe, ot, 1e-10, 1e-10)
    cot = np.random.default_rng(9).standard_normal(tuple(ot.shape))
    oe.backward(ember.tensor(cot))
    ot.backward(torch.tensor(cot))
    for i, (a, b) in enumerate(zip(e_in, t_in)):
        if b.grad is None:
            assert a.grad is None or np.allclose(a.grad.numpy(), 0)
        else:
            assert_close(a.grad, b.grad, 1e-9, 1e-9, f'grad {i}')


INPLACE = [('relu_', ()), ('elu_', (0.5,)), ('leaky_relu_', (0.3,)), ('hardtanh_', (-0.5, 0.5)), ('selu_', ()),
           ('celu_', (1.5,)), ('threshold_', (0.1, 9.0)), ('rrelu_', ())]


@pytest.mark.parametrize('fn,args', INPLACE)
def test_functional_inplace(fn, args):
    x = r(3, 4).astype(np.float32)
    xe, xt = ember.tensor(x), torch.tensor(x)
    out = getattr(ember.nn.functional, fn)(xe, *args)
    getattr(torch.nn.functional, fn)(xt, *args)
    assert out is xe
    assert_close(xe, xt)


def test_inplace_on_leaf_requiring_grad_errors():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='a leaf Variable that requires grad is being used in an in-place'):
            lib.nn.functional.relu(lib.ones(2, requires_grad=True), inplace=True)


def test_top_level_aliases():
    x = r(3, 4)
    for name, args in [('selu', ()), ('celu', ()), ('hardshrink', ()), ('threshold', (0.2, 1.0)), ('rrelu', ())]:
        assert_close(getattr(ember, name)(ember.tensor(x), *args), getattr(torch, name)(torch.tensor(x), *args))
    w = r(4)
    assert_close(ember.prelu(ember.tensor(r(2, 4, 3)), ember.tensor(w)),
                 torch.prelu(torch.tensor(r(2, 4, 3)), torch.tensor(w)))
    assert_close(ember.tensor(x).hardshrink(0.3), torch.tensor(x).hardshrink(0.3))


@pytest.mark.parametrize('wanted', [(True, True, True), (False, True, True), (True, False, False),
                                    (False, False, True)])
def test_layer_norm_node_gradients_and_double_backward(wanted):
    """One NativeLayerNormBackward0 node as in PyTorch; gradients for any subset of (input, weight, bias), and
    second-order gradients (create_graph) equal PyTorch's."""
    arrays = [r(2, 3, 4), r(4, seed=1), r(4, seed=2)]
    results = []
    for lib in (ember, torch):
        x, w, b = (lib.tensor(a, requires_grad=req) for a, req in zip(arrays, wanted))
        out = lib.nn.functional.layer_norm(x, (4,), w, b, 1e-3)
        assert out.grad_fn.name() == 'NativeLayerNormBackward0'
        inputs = [t for t in (x, w, b) if t.requires_grad]
        cot = lib.tensor(np.random.default_rng(3).standard_normal((2, 3, 4)))
        first = lib.autograd.grad(out, inputs, cot, create_graph=True)
        penalty = sum((g * g).sum() for g in first if g.requires_grad)
        second = lib.autograd.grad(penalty, inputs, allow_unused=True) if isinstance(penalty, lib.Tensor) else ()
        results.append((out, first, second))
    (oe, fe, se), (ot, ft, st) = results
    assert_close(oe, ot, 1e-10, 1e-10)
    for a, b in zip(fe, ft):
        assert_close(a, b, 1e-9, 1e-9)
    for a, b in zip(se, st):
        if b is None:
            assert a is None or np.allclose(a.numpy(), 0)
        else:
            assert_close(a, b, 1e-9, 1e-9)

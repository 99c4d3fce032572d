"""nn.init vs PyTorch's formulas: gains, fans, bounds and moments, deterministic fills, errors; layers' default init."""
from __future__ import annotations

import math

import numpy as np
import pytest

import ember
import torch

GAINS = [('linear', None), ('conv2d', None), ('sigmoid', None), ('tanh', None), ('relu', None),
         ('leaky_relu', None), ('leaky_relu', 0.2), ('leaky_relu', 1), ('selu', None), ('conv_transpose3d', None)]


@pytest.mark.parametrize('nonlinearity,param', GAINS)
def test_calculate_gain(nonlinearity, param):
    assert ember.nn.init.calculate_gain(nonlinearity, param) == torch.nn.init.calculate_gain(nonlinearity, param)


def test_calculate_gain_errors():
    for args in (('foo',), ('leaky_relu', 'x'), ('leaky_relu', True)):
        msgs = []
        for lib in (ember, torch):
            with pytest.raises(ValueError) as info:
                lib.nn.init.calculate_gain(*args)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]


@pytest.mark.parametrize('shape', [(3, 5), (4, 3, 2), (6, 2, 3, 3), (2, 2, 1, 2, 3)])
def test_fans(shape):
    assert ember.nn.init._calculate_fan_in_and_fan_out(ember.empty(shape)) == \
        torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_fan_errors():
    for lib in (ember, torch):
        with pytest.raises(ValueError, match='Fan in and fan out can not be computed'):
            lib.nn.init._calculate_fan_in_and_fan_out(lib.empty(3))
        with pytest.raises(ValueError, match='Mode fan_avg not supported'):
            lib.nn.init.kaiming_uniform_(lib.empty(3, 3), mode='fan_avg')


def _uniform_check(values, bound):
    assert values.min() >= -bound and values.max() <= bound
    assert values.min() < -0.9 * bound and values.max() > 0.9 * bound
    np.testing.assert_allclose(values.std(), bound / math.sqrt(3), rtol=0.05)


SHAPE = (200, 300)
FAN_IN, FAN_OUT = 300, 200

UNIFORM_CASES = [
    ('uniform', lambda t: ember.nn.init.uniform_(t, -0.5, 0.5), 0.5),
    ('xavier_uniform', lambda t: ember.nn.init.xavier_uniform_(t), math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ('xavier_uniform_gain', lambda t: ember.nn.init.xavier_uniform_(t, gain=2.0),
     2 * math.sqrt(6 / (FAN_IN + FAN_OUT))),
    ('kaiming_uniform', lambda t: ember.nn.init.kaiming_uniform_(t), math.sqrt(2) * math.sqrt(3 / FAN_IN)),
    ('kaiming_uniform_a5', lambda t: ember.nn.init.kaiming_uniform_(t, a=math.sqrt(5)), 1 / math.sqrt(FAN_IN)),
    ('kaiming_uniform_fan_out_relu', lambda t: ember.nn.init.kaiming_uniform_(t, mode='fan_out',
                                                                               nonlinearity='relu'),
     math.sqrt(2) * math.sqrt(3 / FAN_OUT)),
]


@pytest.mark.parametrize('name,fill,bound', UNIFORM_CASES, ids=[c[0] for c in UNIFORM_CASES])
def test_uniform_family(name, fill, bound):
    ember.manual_seed(0)
    t = ember.empty(SHAPE)
    assert fill(t) is t
    _uniform_check(t.numpy(), bound)


NORMAL_CASES = [
    ('normal', lambda t: ember.nn.init.normal_(t, 1.0, 0.5), 1.0, 0.5),
    ('xavier_normal', lambda t: ember.nn.init.xavier_normal_(t), 0.0, math.sqrt(2 / (FAN_IN + FAN_OUT))),
    ('kaiming_normal', lambda t: ember.nn.init.kaiming_normal_(t), 0.0, math.sqrt(2 / FAN_IN)),
    ('kaiming_normal_fan_out', lambda t: ember.nn.init.kaiming_normal_(t, mode='fan_out', nonlinearity='tanh'),
     0.0, 5 / 3 / math.sqrt(FAN_OUT)),
]


@pytest.mark.parametrize('name,fill,mean,std', NORMAL_CASES, ids=[c[0] for c in NORMAL_CASES])
def test_normal_family(name, fill, mean, std):
    ember.manual_seed(1)
    t = fill(ember.empty(SHAPE)).numpy()
    np.testing.assert_allclose(t.mean(), mean, atol=3 * std / math.sqrt(t.size) * 3)
    np.testing.assert_allclose(t.std(), std, rtol=0.02)


def test_trunc_normal():
    ember.manual_seed(2)
    t = ember.nn.init.trunc_normal_(ember.empty(100000), mean=0.5, std=1.0, a=-1.0, b=1.5).numpy()
    assert t.min() >= -1.0 and t.max() <= 1.5
    ref = torch.nn.init.trunc_normal_(torch.empty(100000), mean=0.5, std=1.0, a=-1.0, b=1.5).numpy()
    np.testing.assert_allclose(t.mean(), ref.mean(), atol=0.02)
    np.testing.assert_allclose(t.std(), ref.std(), atol=0.02)


def test_deterministic_fills_match_torch():
    for fn, shape, args in [('constant_', (2, 3), (0.7,)), ('ones_', (4,), ()), ('zeros_', (2, 2), ()),
                            ('eye_', (3, 5), ()), ('eye_', (4, 2), ()), ('dirac_', (4, 2, 3), ()),
                            ('dirac_', (4, 2, 3, 3), (2,)), ('dirac_', (2, 3, 1, 3, 3), ())]:
        e = getattr(ember.nn.init, fn)(ember.empty(shape), *args)
        t = getattr(torch.nn.init, fn)(torch.empty(shape), *args)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_orthogonal():
    ember.manual_seed(3)
    for shape, gain in [((4, 6), 1.0), ((6, 4), 2.0), ((3, 2, 2), 1.0)]:
        w = ember.nn.init.orthogonal_(ember.empty(shape), gain=gain).numpy().reshape(shape[0], -1)
        rows, cols = w.shape
        gram = w @ w.T if rows <= cols else w.T @ w
        np.testing.assert_allclose(gram, gain ** 2 * np.eye(min(rows, cols)), atol=1e-5)


def test_sparse():
    ember.manual_seed(4)
    w = ember.nn.init.sparse_(ember.empty(10, 6), sparsity=0.3, std=0.1).numpy()
    assert ((w == 0).sum(0) >= 3).all()


def test_init_under_grad_leaves_no_history():
    p = ember.nn.Parameter(ember.empty(3, 4))
    ember.nn.init.kaiming_uniform_(p)
    ember.nn.init.zeros_(p)
    assert p.grad_fn is None and p.is_leaf and p.requires_grad


def test_shape_errors_match_torch():
    for fn, shape in [('eye_', (3,)), ('dirac_', (3, 3)), ('orthogonal_', (3,)), ('sparse_', (3, 3, 3))]:
        msgs = []
        for lib in (ember, torch):
            with pytest.raises(ValueError) as info:
                args = (0.1,) if fn == 'sparse_' else ()
                getattr(lib.nn.init, fn)(lib.empty(shape), *args)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]


LAYER_INIT = [
    ('Linear', lambda: ember.nn.Linear(300, 200), {'weight': 1 / math.sqrt(300), 'bias': 1 / math.sqrt(300)}),
    ('Bilinear', lambda: ember.nn.Bilinear(30, 20, 100), {'weight': 1 / math.sqrt(30), 'bias': 1 / math.sqrt(30)}),
]


@pytest.mark.parametrize('name,ctor,bounds', LAYER_INIT, ids=[c[0] for c in LAYER_INIT])
def test_layer_default_init(name, ctor, bounds):
    ember.manual_seed(5)
    m = ctor()
    for pname, bound in bounds.items():
        values = getattr(m, pname).detach().numpy()
        assert values.min() >= -bound and values.max() <= bound and values.max() > 0.8 * bound


def test_other_layer_defaults_match_torch():
    for ctor in (lambda nn: nn.LayerNorm(5), lambda nn: nn.PReLU(3, init=0.3), lambda nn: nn.RMSNorm(4),
                 lambda nn: nn.GroupNorm(2, 4)):
        e, t = ctor(ember.nn), ctor(torch.nn)
        for (n1, p1), (n2, p2) in zip(e.named_parameters(), t.named_parameters()):
            assert n1 == n2
            np.testing.assert_array_equal(p1.detach().numpy(), p2.detach().numpy())
    ember.manual_seed(6)
    emb = ember.nn.Embedding(1000, 50).weight.detach().numpy()
    np.testing.assert_allclose(emb.std(), 1.0, rtol=0.02)

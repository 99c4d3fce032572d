"""Activation layers and functions vs torch: forward, gradient, dtypes, in-place, extra_repr, errors."""
from __future__ import annotations

import numpy as np
import pytest
from nn_testing import assert_close

import ember
import torch

# (id, constructor written once for both libraries, input shape, has inplace variant)
ACTIVATIONS = [
    ('relu', lambda nn, ip: nn.ReLU(inplace=ip), (3, 4), True),
    ('relu6', lambda nn, ip: nn.ReLU6(inplace=ip), (3, 4), True),
    ('leaky_relu', lambda nn, ip: nn.LeakyReLU(inplace=ip), (3, 4), True),
    ('leaky_relu_0.2', lambda nn, ip: nn.LeakyReLU(0.2, inplace=ip), (2, 3, 4), True),
    ('elu', lambda nn, ip: nn.ELU(inplace=ip), (3, 4), True),
    ('elu_alpha', lambda nn, ip: nn.ELU(alpha=0.5, inplace=ip), (3, 4), True),
    ('selu', lambda nn, ip: nn.SELU(inplace=ip), (3, 4), True),
    ('celu', lambda nn, ip: nn.CELU(inplace=ip), (3, 4), True),
    ('celu_alpha', lambda nn, ip: nn.CELU(alpha=2.0, inplace=ip), (3, 4), True),
    ('gelu', lambda nn, ip: nn.GELU(), (3, 4), False),
    ('gelu_tanh', lambda nn, ip: nn.GELU(approximate='tanh'), (3, 4), False),
    ('silu', lambda nn, ip: nn.SiLU(inplace=ip), (3, 4), True),
    ('mish', lambda nn, ip: nn.Mish(inplace=ip), (3, 4), True),
    ('sigmoid', lambda nn, ip: nn.Sigmoid(), (3, 4), False),
    ('tanh', lambda nn, ip: nn.Tanh(), (3, 4), False),
    ('hardtanh', lambda nn, ip: nn.Hardtanh(inplace=ip), (3, 4), True),
    ('hardtanh_range', lambda nn, ip: nn.Hardtanh(-0.5, 2.0, inplace=ip), (3, 4), True),
    ('hardsigmoid', lambda nn, ip: nn.Hardsigmoid(inplace=ip), (3, 4), True),
    ('hardswish', lambda nn, ip: nn.Hardswish(inplace=ip), (3, 4), True),
    ('softplus', lambda nn, ip: nn.Softplus(), (3, 4), False),
    ('softplus_beta', lambda nn, ip: nn.Softplus(beta=2.0, threshold=3.0), (3, 4), False),
    ('softsign', lambda nn, ip: nn.Softsign(), (3, 4), False),
    ('softshrink', lambda nn, ip: nn.Softshrink(), (3, 4), False),
    ('softshrink_1', lambda nn, ip: nn.Softshrink(1.0), (3, 4), False),
    ('hardshrink', lambda nn, ip: nn.Hardshrink(), (3, 4), False),
    ('hardshrink_1', lambda nn, ip: nn.Hardshrink(1.2), (3, 4), False),
    ('tanhshrink', lambda nn, ip: nn.Tanhshrink(), (3, 4), False),
    ('threshold', lambda nn, ip: nn.Threshold(0.1, 20.0, inplace=ip), (3, 4), True),
    ('logsigmoid', lambda nn, ip: nn.LogSigmoid(), (3, 4), False),
    ('glu', lambda nn, ip: nn.GLU(), (3, 4), False),
    ('glu_dim0', lambda nn, ip: nn.GLU(0), (4, 3), False),
    ('prelu', lambda nn, ip: nn.PReLU(), (3, 4), False),
    ('prelu_channels', lambda nn, ip: nn.PReLU(4, init=0.1), (3, 4, 2), False),
    ('prelu_1d', lambda nn, ip: nn.PReLU(), (5,), False),
    ('rrelu_eval', lambda nn, ip: nn.RReLU(0.1, 0.3, inplace=ip).eval(), (3, 4), True),
    ('softmax', lambda nn, ip: nn.Softmax(dim=1), (3, 4), False),
    ('softmin', lambda nn, ip: nn.Softmin(dim=0), (3, 4), False),
    ('log_softmax', lambda nn, ip: nn.LogSoftmax(dim=-1), (3, 4), False),
    ('softmax2d', lambda nn, ip: nn.Softmax2d(), (2, 3, 2, 2), False),
]

SHAPES = [None, (), (0, 4), 'noncontig']


def _input(shape, default, rng, dtype=np.float64):
    if shape == 'noncontig':
        return (rng.uniform(-4, 4, default[::-1]).astype(dtype)).T
    s = default if shape is None else shape
    return np.asarray(rng.uniform(-4, 4, s)).astype(dtype)


def _applicable(name, shape):
    if shape == () and name.startswith(('glu', 'softmax2d', 'prelu_channels', 'softmin', 'softmax', 'log_softmax')):
        return False
    if shape == (0, 4) and name in ('prelu_channels', 'softmax2d', 'glu_dim0'):
        return False
    if shape == 'noncontig' and name in ('softmax2d',):
        return False
    return True


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('shape', SHAPES, ids=['default', '0d', 'empty', 'noncontig'])
@pytest.mark.parametrize('name,ctor,default,has_inplace', ACTIVATIONS, ids=[a[0] for a in ACTIVATIONS])
def test_activation_vs_torch(name, ctor, default, has_inplace, shape, dtype):
    if not _applicable(name, shape):
        pytest.skip('shape not accepted by this layer')
    rng = np.random.default_rng(0)
    x = _input(shape, default, rng, np.dtype(dtype))
    t_mod, e_mod = ctor(torch.nn, False), ctor(ember.nn, False)
    if dtype == 'float64':
        t_mod, e_mod = t_mod.double(), e_mod.double()
    for (_, tp), (_, ep) in zip(t_mod.named_parameters(), e_mod.named_parameters()):
        ep.data = ember.tensor(tp.detach().numpy().copy())
    assert repr(e_mod) == repr(t_mod)
    xt = torch.tensor(x, requires_grad=True)
    xe = ember.tensor(x, requires_grad=True)
    ot, oe = t_mod(xt), e_mod(xe)
    tol = 1e-5 if dtype == 'float32' else 1e-10
    assert_close(oe, ot, tol, tol)
    assert oe.dtype == getattr(ember, dtype)
    cot = rng.standard_normal(tuple(ot.shape)).astype(np.dtype(dtype))
    ot.backward(torch.tensor(cot))
    oe.backward(ember.tensor(cot))
    assert_close(xe.grad, xt.grad, tol * 10, tol * 10)
    for (_, tp), (_, ep) in zip(t_mod.named_parameters(), e_mod.named_parameters()):
        assert_close(ep.grad, tp.grad, tol * 10, tol * 10)


@pytest.mark.parametrize('name,ctor,default,has_inplace', [a for a in ACTIVATIONS if a[3]],
                         ids=[a[0] for a in ACTIVATIONS if a[3]])
def test_inplace_modifies_input(name, ctor, default, has_inplace):
    rng = np.random.default_rng(1)
    x = rng.uniform(-4, 4, default).astype(np.float32)
    xt, xe = torch.tensor(x), ember.tensor(x)
    t_mod, e_mod = ctor(torch.nn, True), ctor(ember.nn, True)
    assert repr(e_mod) == repr(t_mod)
    version = xe._version
    out = e_mod(xe)
    t_mod(xt)
    assert out is xe
    assert xe._version > version
    assert_close(xe, xt)


def test_inplace_gradient_through_non_leaf():
    x = np.linspace(-3, 3, 12).reshape(3, 4).astype(np.float64)
    grads = []
    for lib in (ember, torch):
        a = lib.tensor(x, requires_grad=True)
        b = a * 2
        lib.nn.functional.elu(b, inplace=True)
        (b * b).sum().backward()
        grads.append(a.grad)
    assert_close(*grads)


@pytest.mark.parametrize('dtype', ['float16', 'bfloat16'])
@pytest.mark.parametrize('fn', ['gelu', 'silu', 'mish', 'softplus', 'elu', 'logsigmoid', 'hardswish', 'leaky_relu'])
def test_half_precision(fn, dtype):
    x = np.linspace(-5, 5, 40).astype(np.float32)
    te = ember.tensor(x).to(getattr(ember, dtype))
    tt = torch.tensor(x).to(getattr(torch, dtype))
    oe = getattr(ember.nn.functional, fn)(te)
    ot = getattr(torch.nn.functional, fn)(tt)
    assert oe.dtype == getattr(ember, dtype)
    assert_close(oe.float(), ot.float(), atol=1e-2, rtol=1e-2)


@pytest.mark.parametrize('fn', ['gelu', 'silu', 'elu', 'selu', 'celu', 'leaky_relu', 'softplus', 'hardsigmoid',
                                'hardswish', 'mish', 'logsigmoid', 'softshrink', 'hardshrink', 'glu'])
def test_integer_input_errors_like_torch(fn):
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(NotImplementedError) as info:
            getattr(lib.nn.functional, fn)(lib.tensor([-2, 1, 3, 4]))
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_integer_inputs_allowed_like_torch():
    x = [-2, 1, 3, 7]
    for fn, args in [('hardtanh', ()), ('relu6', ()), ('threshold', (1, 0)), ('relu', ())]:
        e = getattr(ember.nn.functional, fn)(ember.tensor(x), *args)
        t = getattr(torch.nn.functional, fn)(torch.tensor(x), *args)
        assert e.dtype == ember.int64
        assert e.tolist() == t.tolist()


def test_logsigmoid_and_softplus_stable_at_extremes():
    x = np.array([-1000.0, -50.0, 0.0, 50.0, 1000.0], dtype=np.float32)
    for fn in ('logsigmoid', 'softplus', 'mish', 'silu', 'gelu'):
        e = getattr(ember.nn.functional, fn)(ember.tensor(x))
        t = getattr(torch.nn.functional, fn)(torch.tensor(x))
        assert_close(e, t, atol=1e-5)


def test_errors_match_torch():
    cases = [
        (lambda lib: lib.nn.functional.gelu(lib.zeros(2), approximate='foo'), RuntimeError),
        (lambda lib: lib.nn.functional.glu(lib.zeros(3)), RuntimeError),
        (lambda lib: lib.nn.functional.prelu(lib.zeros(2, 3), lib.zeros(2)), RuntimeError),
        (lambda lib: lib.nn.functional.softshrink(lib.zeros(2), -1.0), RuntimeError),
        (lambda lib: lib.nn.Hardtanh(1.0, -1.0), AssertionError),
        (lambda lib: lib.nn.Softmax2d()(lib.zeros(2, 2)), ValueError),
    ]
    for call, exc in cases:
        msgs = []
        for lib in (ember, torch):
            with pytest.raises(exc) as info:
                call(lib)
            msgs.append(str(info.value))
        assert msgs[0] == msgs[1]


def test_rrelu_training_slopes_in_range():
    ember.manual_seed(0)
    x = ember.full((1000,), -1.0, requires_grad=True)
    y = ember.nn.RReLU(0.1, 0.3)(x)
    slopes = -y.detach().numpy()
    assert slopes.min() >= 0.1 and slopes.max() <= 0.3 and slopes.std() > 0.04
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), slopes, rtol=1e-6)


def test_double_backward_gelu_elu_softplus():
    x = np.linspace(-2, 2, 8)
    for fn, kwargs in [('gelu', {}), ('gelu', {'approximate': 'tanh'}), ('elu', {}), ('softplus', {}),
                       ('silu', {}), ('mish', {}), ('logsigmoid', {})]:
        grads = []
        for lib in (ember, torch):
            a = lib.tensor(x, requires_grad=True)
            y = getattr(lib.nn.functional, fn)(a, **kwargs).sum()
            (g,) = lib.autograd.grad(y, a, create_graph=True)
            (gg,) = lib.autograd.grad(g.sum(), a)
            grads.append(gg)
        assert_close(*grads, atol=1e-8, msg=fn)

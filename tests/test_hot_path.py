"""The per-op hot path: dunder fast paths, Primitive.apply's specialised branches and the engine's array backward
(NOTE [ Array backward ]) must give exactly what the general paths give, and PyTorch's values and dtypes."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import engine


@pytest.fixture
def tensor_path():
    engine.ARRAY_BACKWARD = False
    try:
        yield
    finally:
        engine.ARRAY_BACKWARD = True


def _chain_scalar(m, x, w):
    y = x * 1.5 + 0.25
    y = y - 0.125
    y = 2.0 - y
    y = y / 3.0
    y = 1.5 / (y + 4.0)
    y = -y
    y = y.exp() * y
    y = (y * y + 1.0).log()
    return y ** 2 + y ** 0.5 + y ** 1 + y ** 0 + y ** -1.5


def _chain_tensor(m, x, w):
    y = x * w + w
    y = y - x / w
    y = y * x
    return (y + x) * (x - w)


def _chain_broadcast(m, x, w):
    return (x * w[:1]) / (w + 2) - x.sum() * x[0]


def _chain_pow_tensor(m, x, w):
    return x.abs() ** w + 2 ** x + x * 3


CHAINS = [_chain_scalar, _chain_tensor, _chain_broadcast, _chain_pow_tensor]


def _inputs(lib, dtype, shape=(3, 4)):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, shape)
    w = rng.uniform(0.5, 1.5, shape)
    if lib is torch:
        return [torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=True) for a in (x, w)]
    return [ember.tensor(a, dtype=getattr(ember, dtype), requires_grad=True) for a in (x, w)]


def _grads(chain, dtype, shape=(3, 4)):
    x, w = _inputs(ember, dtype, shape)
    out = chain(ember, x, w)
    out.backward(ember.ones_like(out))
    return x.grad, w.grad


@pytest.mark.parametrize('chain', CHAINS, ids=lambda c: c.__name__)
@pytest.mark.parametrize('dtype', ['float32', 'float64', 'float16', 'bfloat16'])
def test_array_backward_matches_tensor_backward(chain, dtype, request):
    fast = _grads(chain, dtype)
    request.getfixturevalue('tensor_path')
    slow = _grads(chain, dtype)
    for f, s in zip(fast, slow):
        if f is None or s is None:
            assert f is None and s is None
            continue
        assert f.dtype == s.dtype
        assert np.array_equal(f.numpy().astype('complex128'), s.numpy().astype('complex128'), equal_nan=True)


@pytest.mark.parametrize('chain', CHAINS, ids=lambda c: c.__name__)
@pytest.mark.parametrize('shape', [(3, 4), (), (0, 4)], ids=['2d', '0d', 'empty'])
def test_array_backward_matches_torch(chain, shape):
    if shape != (3, 4) and chain is _chain_broadcast:
        pytest.skip('indexes the first row')
    x, w = _inputs(ember, 'float64', shape)
    chain(ember, x, w).sum().backward()
    tx, tw = _inputs(torch, 'float64', shape)
    chain(torch, tx, tw).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    if tw.grad is None:
        assert w.grad is None
    else:
        np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_array_backward_declines_what_it_cannot_match():
    from ember._ops.elementwise import Exp, Mul, Pow
    for dtype in (ember.complex64, ember.bfloat16):
        x = ember.ones(2, dtype=dtype, requires_grad=True)
        for y in (x * x, x * 2.0, x.exp(), x ** 2):
            node = y.grad_fn
            assert type(node).backward_array(node, y._data.copy()) is NotImplemented
    x = ember.ones(2, requires_grad=True)
    node = (x ** ember.ones(2)).grad_fn  # tensor exponent: the Tensor formula
    assert isinstance(node, Pow) and Pow.backward_array(node, x._data) is NotImplemented
    assert isinstance((x * x).grad_fn, Mul) and isinstance(x.exp().grad_fn, Exp)


def test_non_contiguous_and_shared_inputs():
    a = np.random.default_rng(1).uniform(0.5, 1.5, (4, 3)).astype(np.float32)
    results = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        t = x.t()  # non-contiguous
        y = (t * t + t / 2.0 - t).exp()
        z = y + y  # two gradients for the same node are accumulated
        (z * x.t()).sum().backward()
        results.append(x.grad.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def test_leaf_gradients_do_not_alias():
    x = ember.ones(3, requires_grad=True)
    y = ember.ones(3, requires_grad=True)
    (x + y).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    x.grad.add_(1)
    assert y.grad.tolist() == [1., 1., 1.]
    g = ember.full((3,), 2.)
    x.grad = None
    (x - 1.0).backward(g)
    assert not np.shares_memory(x.grad.numpy(), g.numpy())
    x.grad.zero_()
    assert g.tolist() == [2., 2., 2.]


def test_hooks_and_captures_see_tensors():
    x = ember.tensor([1., 2., 3.], requires_grad=True)
    seen = []
    y = x * 2.0
    y.register_hook(lambda g: seen.append(type(g)) or g * 10)
    y.retain_grad()
    z = (y + 1.0) * 3.0
    node_seen = []
    z.grad_fn.register_hook(lambda gi, go: node_seen.append([type(g) for g in gi + go if g is not None]))
    z.sum().backward()
    assert seen == [ember.Tensor]
    assert node_seen and all(t is ember.Tensor for t in node_seen[0])
    assert y.grad.tolist() == [30., 30., 30.]  # retain_grad sees the hooked gradient
    assert x.grad.tolist() == [60., 60., 60.]
    gx, = ember.autograd.grad(((x * 3.0) - 1.0).sum(), [x])
    assert type(gx) is ember.Tensor and gx.tolist() == [3., 3., 3.]


def test_modified_saved_tensor_raises_like_torch():
    messages = []
    for lib in (ember, torch):
        x = lib.tensor([1., 2.], requires_grad=True)
        a = x * 1.0
        y = a * a
        a.add_(1)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        messages.append(str(info.value).split('[')[0])
    assert messages[0] == messages[1]


def test_second_backward_raises():
    x = ember.tensor([1., 2.], requires_grad=True)
    y = (x * x).exp()
    y.sum().backward()
    with pytest.raises(RuntimeError, match='backward through the graph a second time'):
        y.sum().backward()


def test_create_graph_gives_higher_order_grads():
    results = []
    for lib in (ember, torch):
        x = lib.tensor([0.5, 1.5], dtype=lib.float64, requires_grad=True)
        y = (x * x * x / 2.0 - 1.0 / x + x ** 3 + (2.0 - x).exp()).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        h, = lib.autograd.grad(g.sum(), x)
        results.append((g.detach().numpy(), h.numpy()))
    for e, t in zip(*results):
        np.testing.assert_allclose(e, t, rtol=1e-12)


@pytest.mark.parametrize('dtype', ['bool', 'uint8', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64',
                                   'complex64'])
@pytest.mark.parametrize('other', [True, 2, 2.5, 1j, 'same', 'zero_dim'])
@pytest.mark.parametrize('op', ['add', 'radd', 'sub', 'rsub', 'mul', 'rmul', 'truediv', 'rtruediv', 'pow', 'rpow'])
def test_dunder_fast_paths_promote_like_torch(dtype, other, op):
    if other == 1j and dtype in ('float16', 'bfloat16'):
        pytest.skip('PyTorch gives complex32, which ember does not have')
    if op.startswith('r') and other in ('same', 'zero_dim'):
        pytest.skip("PyTorch's reflected dunders called with a Tensor differ from the operators (x.reciprocal() * y)")
    values = np.array([1, 0, 3]) if dtype in ('bool', 'uint8') else np.array([1, -2, 3])

    def run(lib):
        x = lib.tensor(values, dtype=getattr(lib, dtype))
        o = other
        if other == 'same':
            o = lib.tensor(values[::-1].copy(), dtype=getattr(lib, dtype))
        elif other == 'zero_dim':
            o = lib.tensor(2.5, dtype=lib.float64)
        return getattr(x, f'__{op}__')(o)

    try:
        expected = run(torch)
    except Exception as error:  # noqa: BLE001 - the exception type is what is compared
        with pytest.raises(type(error)):
            run(ember)
        return
    if expected is NotImplemented:
        return
    got = run(ember)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_allclose(got.numpy().astype('complex128'),
                               expected.to(torch.complex128).numpy(), rtol=1e-2)


def test_reflected_ops_record_like_torch():
    grads = []
    for lib in (ember, torch):
        x = lib.tensor([1., 2.], requires_grad=True)
        y = 1.0 - x
        z = 2.0 / x
        assert y.grad_fn is not None and z.grad_fn is not None
        (y * z).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)


def test_linear_weight_gradient_kept_without_copy_unless_someone_else_holds_it():
    """F.linear's weight gradient (formed transposed, transposed back) becomes .grad without a copy; when the
    transposed gradient is retained or captured by a hook, .grad is a separate array. Values as PyTorch's."""
    rng = np.random.default_rng(7)
    x0, w0 = rng.standard_normal((5, 4)), rng.standard_normal((3, 4))
    tw = torch.tensor(w0, requires_grad=True)
    torch.nn.functional.linear(torch.tensor(x0), tw).square().sum().backward()

    w = ember.tensor(w0, requires_grad=True)
    ember.nn.functional.linear(ember.tensor(x0), w).square().sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    assert w.grad._data.base is None and w.grad._data.flags.c_contiguous  # the owner array, no copy made

    w = ember.tensor(w0, requires_grad=True)
    wt = w.t()
    wt.retain_grad()
    captured = []
    wt.register_hook(captured.append)
    (ember.tensor(x0) @ wt).square().sum().backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)
    wt.grad.zero_()
    captured[0].zero_()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)  # not aliased with either

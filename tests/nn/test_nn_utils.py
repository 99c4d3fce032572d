"""nn.utils vs torch: gradient clipping, parameter/vector conversion, parametrizations, weight/spectral norm."""
from __future__ import annotations

import numpy as np
import pytest
from nn_testing import assert_close, copy_state

import ember
import torch


def _params_with_grads(lib, scale=1.0, nonfinite=False):
    rng = np.random.default_rng(0)
    params = []
    for shape in [(3, 4), (5,), (2, 2, 2)]:
        p = lib.nn.Parameter(lib.tensor(rng.standard_normal(shape).astype(np.float32)))
        g = (rng.standard_normal(shape) * scale).astype(np.float32)
        if nonfinite and shape == (5,):
            g[1] = np.inf
        p.grad = lib.tensor(g)
        params.append(p)
    params.append(lib.nn.Parameter(lib.ones(2)))  # no grad: skipped
    return params


@pytest.mark.parametrize('max_norm', [0.5, 100.0])
@pytest.mark.parametrize('norm_type', [2.0, 1.0, 3, float('inf')])
def test_clip_grad_norm(max_norm, norm_type):
    e, t = _params_with_grads(ember), _params_with_grads(torch)
    ne = ember.nn.utils.clip_grad_norm_(e, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(t, max_norm, norm_type)
    assert ne.ndim == 0 and isinstance(ne, ember.Tensor)
    assert_close(ne, nt)
    for pe, pt in zip(e, t):
        if pt.grad is None:
            assert pe.grad is None
        else:
            assert_close(pe.grad, pt.grad)


def test_clip_grad_norm_single_tensor_and_empty():
    e, t = _params_with_grads(ember)[0], _params_with_grads(torch)[0]
    assert_close(ember.nn.utils.clip_grad_norm_(e, 0.1), torch.nn.utils.clip_grad_norm_(t, 0.1))
    assert_close(e.grad, t.grad)
    assert float(ember.nn.utils.clip_grad_norm_([], 1.0)) == 0.0


def test_clip_grad_norm_nonfinite():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='The total norm of order 2.0 for gradients from `parameters` is '
                                               'non-finite'):
            lib.nn.utils.clip_grad_norm_(_params_with_grads(lib, nonfinite=True), 1.0, error_if_nonfinite=True)
    total = ember.nn.utils.clip_grad_norm_(_params_with_grads(ember, nonfinite=True), 1.0)
    assert float(total) == float('inf')


@pytest.mark.parametrize('clip', [0.3, 2])
def test_clip_grad_value(clip):
    e, t = _params_with_grads(ember), _params_with_grads(torch)
    ember.nn.utils.clip_grad_value_(e, clip)
    torch.nn.utils.clip_grad_value_(t, clip)
    for pe, pt in zip(e[:3], t[:3]):
        assert_close(pe.grad, pt.grad)


def test_parameters_vector_roundtrip():
    e, t = ember.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    copy_state(t, e)
    ve = ember.nn.utils.parameters_to_vector(e.parameters())
    vt = torch.nn.utils.parameters_to_vector(t.parameters())
    assert_close(ve, vt)
    new = np.arange(8, dtype=np.float32)
    ember.nn.utils.vector_to_parameters(ember.tensor(new), e.parameters())
    torch.nn.utils.vector_to_parameters(torch.tensor(new), t.parameters())
    assert_close(e.weight, t.weight)
    assert_close(e.bias, t.bias)
    for lib in (ember, torch):
        with pytest.raises(TypeError, match='expected torch.Tensor, but got'):
            lib.nn.utils.vector_to_parameters([1.0], lib.nn.Linear(1, 1).parameters())


def _symmetric(lib):
    class Symmetric(lib.nn.Module):
        def forward(self, x):
            return (x + x.transpose(0, 1)) * 0.5

        def right_inverse(self, a):
            return a

    return Symmetric()


def _scale(lib):
    class Scale(lib.nn.Module):
        def forward(self, x):
            return x * 2

    return Scale()


def test_register_parametrization_matches_torch():
    mods = []
    for lib in (ember, torch):
        m = lib.nn.Linear(3, 3)
        lib.nn.utils.parametrize.register_parametrization(m, 'weight', _symmetric(lib))
        mods.append(m)
    e, t = mods
    copy_state(t, e)
    assert type(e).__name__ == type(t).__name__ == 'ParametrizedLinear'
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert_close(e.weight, t.weight)
    x = np.random.default_rng(1).standard_normal((2, 3)).astype(np.float32)
    e(ember.tensor(x)).sum().backward()
    t(torch.tensor(x)).sum().backward()
    assert_close(e.parametrizations.weight.original.grad, t.parametrizations.weight.original.grad)
    assert ember.nn.utils.parametrize.is_parametrized(e, 'weight') and not \
        ember.nn.utils.parametrize.is_parametrized(e, 'bias')
    value = np.arange(9, dtype=np.float32).reshape(3, 3)
    e.weight = ember.tensor(value)
    t.weight = torch.tensor(value)
    assert_close(e.weight, t.weight)
    for lib, m in ((ember, e), (torch, t)):
        lib.nn.utils.parametrize.register_parametrization(m, 'weight', _scale(lib))
    assert repr(e) == repr(t)
    assert_close(e.weight, t.weight)
    with ember.nn.utils.parametrize.cached():
        assert e.weight is e.weight
    ember.nn.utils.parametrize.remove_parametrizations(e, 'weight')
    torch.nn.utils.parametrize.remove_parametrizations(t, 'weight')
    assert type(e) is ember.nn.Linear
    assert repr(e) == repr(t) and list(e.state_dict()) == list(t.state_dict())
    assert_close(e.weight, t.weight)


def test_parametrization_errors():
    class Bad(ember.nn.Module):
        def forward(self, x):
            return x[:1] if False else x.sum()

    with pytest.raises(ValueError, match='may not change the shape'):
        ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), 'weight', Bad())
    with pytest.raises(ValueError, match="does not have a parameter, a buffer, or a parametrized element"):
        ember.nn.utils.parametrize.register_parametrization(ember.nn.Linear(2, 2), 'nope', _scale(ember))


@pytest.mark.parametrize('dim', [0, 1, None])
def test_weight_norm_parametrization(dim):
    mods = []
    for lib in (ember, torch):
        m = lib.nn.Linear(4, 3)
        mods.append(m)
    e, t = mods
    copy_state(t, e)
    ember.nn.utils.parametrizations.weight_norm(e, dim=dim)
    torch.nn.utils.parametrizations.weight_norm(t, dim=dim)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_close(e.parametrizations.weight.original0, t.parametrizations.weight.original0)
    assert_close(e.weight, t.weight)
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)
    e(ember.tensor(x)).pow(2).sum().backward()
    t(torch.tensor(x)).pow(2).sum().backward()
    assert_close(e.parametrizations.weight.original0.grad, t.parametrizations.weight.original0.grad, 1e-4, 1e-4)
    assert_close(e.parametrizations.weight.original1.grad, t.parametrizations.weight.original1.grad, 1e-4, 1e-4)


def test_legacy_weight_norm():
    e, t = ember.nn.Linear(4, 3), torch.nn.Linear(4, 3)
    copy_state(t, e)
    with pytest.warns(FutureWarning):
        ember.nn.utils.weight_norm(e)
    with pytest.warns(FutureWarning):
        torch.nn.utils.weight_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    x = np.ones((2, 4), dtype=np.float32)
    assert_close(e(ember.tensor(x)), t(torch.tensor(x)))
    e(ember.tensor(x)).sum().backward()
    t(torch.tensor(x)).sum().backward()
    assert_close(e.weight_g.grad, t.weight_g.grad, 1e-4, 1e-4)
    ember.nn.utils.remove_weight_norm(e)
    torch.nn.utils.remove_weight_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())
    assert_close(e.weight, t.weight)


def test_spectral_norm_parametrization():
    e, t = ember.nn.Linear(5, 4), torch.nn.Linear(5, 4)
    copy_state(t, e)
    ember.nn.utils.parametrizations.spectral_norm(e)
    torch.nn.utils.parametrizations.spectral_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())
    e_sn, t_sn = e.parametrizations.weight[0], t.parametrizations.weight[0]
    e_sn._u.data = ember.tensor(t_sn._u.numpy().copy())
    e_sn._v.data = ember.tensor(t_sn._v.numpy().copy())
    x = np.ones((2, 5), dtype=np.float32)
    for _ in range(3):
        assert_close(e(ember.tensor(x)), t(torch.tensor(x)), 1e-4, 1e-4)
    assert_close(e_sn._u, t_sn._u, 1e-4, 1e-4)
    e.eval()
    t.eval()
    assert_close(e.weight, t.weight, 1e-4, 1e-4)
    sigma = np.linalg.svd(e.parametrizations.weight.original.detach().numpy(), compute_uv=False)[0]
    np.testing.assert_allclose(np.linalg.svd(e.weight.detach().numpy(), compute_uv=False)[0], 1.0, rtol=1e-3)
    assert sigma > 0


def test_legacy_spectral_norm():
    e, t = ember.nn.Linear(5, 4), torch.nn.Linear(5, 4)
    copy_state(t, e)
    ember.nn.utils.spectral_norm(e)
    torch.nn.utils.spectral_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())
    e.weight_u.data = ember.tensor(t.weight_u.numpy().copy())
    e.weight_v.data = ember.tensor(t.weight_v.numpy().copy())
    x = np.ones((2, 5), dtype=np.float32)
    for _ in range(2):
        assert_close(e(ember.tensor(x)), t(torch.tensor(x)), 1e-4, 1e-4)
    ember.nn.utils.remove_spectral_norm(e)
    torch.nn.utils.remove_spectral_norm(t)
    assert list(e.state_dict()) == list(t.state_dict())

"""Mixed precision: autocast op lists and GradScaler's scale/unscale/skip/update, against PyTorch on the CPU."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import torch

LOWER_OPS = {
    'matmul': lambda lib, a, b: a @ b,
    'mm': lambda lib, a, b: lib.mm(a, b),
    'addmm': lambda lib, a, b: lib.addmm(lib.zeros(5), a, b),
    'bmm': lambda lib, a, b: lib.bmm(a.unsqueeze(0), b.unsqueeze(0)),
}


@pytest.mark.parametrize('name', sorted(LOWER_OPS))
@pytest.mark.parametrize('dtype', ['bfloat16', 'float16'])
def test_cpu_autocast_lower_precision_ops_match_torch(name, dtype):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((4, 5)).astype(np.float32)
    results = []
    for lib in (torch, ember):
        x, w = lib.tensor(a), lib.tensor(b, requires_grad=True)
        with lib.autocast('cpu', dtype=getattr(lib, dtype)):
            y = LOWER_OPS[name](lib, x, w)
        results.append((str(y.dtype).replace('torch.', ''), y.float().detach().numpy()))
        y.float().sum().backward()
        assert w.grad.dtype == lib.float32
    assert results[0][0] == results[1][0] == dtype
    np.testing.assert_allclose(results[1][1], results[0][1], rtol=2e-2, atol=2e-2)


def test_autocast_state_nesting_and_decorator():
    assert not ember.amp.is_autocast_enabled('cpu')
    with ember.autocast('cpu'):
        assert ember.amp.is_autocast_enabled('cpu')
        assert ember.amp.get_autocast_dtype('cpu') == ember.bfloat16
        with ember.autocast('cpu', enabled=False):
            assert not ember.amp.is_autocast_enabled('cpu')
            assert (ember.ones(2, 2) @ ember.ones(2, 2)).dtype == ember.float32
        assert ember.amp.is_autocast_enabled('cpu')
    assert not ember.amp.is_autocast_enabled('cpu')

    @ember.autocast('cpu')
    def f(a):
        return a @ a
    assert f(ember.ones(2, 2)).dtype == ember.bfloat16
    with pytest.raises(RuntimeError, match='unsupported autocast device_type'):
        ember.autocast('tpu')


def test_cuda_autocast_and_scaler_disable_themselves_without_gpu():
    if ember.cuda.is_available():
        pytest.skip('a GPU is present')
    with pytest.warns(UserWarning, match='CUDA is not available'):
        with ember.autocast('cuda'):
            assert not ember.amp.is_autocast_enabled('cuda')
    with pytest.warns(UserWarning, match='GradScaler is enabled, but CUDA is not available'):
        scaler = ember.cuda.amp.GradScaler()
    assert not scaler.is_enabled()
    loss = ember.tensor(2.0, requires_grad=True)
    assert scaler.scale(loss) is loss
    assert scaler.state_dict() == {}


def _scaler_run(lib, grads_seq):
    w = lib.zeros(3, requires_grad=True)
    opt = lib.optim.SGD([w], lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        scaler = lib.amp.GradScaler('cpu', init_scale=8.0, growth_factor=2.0, backoff_factor=0.25,
                                    growth_interval=2)
    trace = []
    for g in grads_seq:
        opt.zero_grad()
        loss = (w * lib.tensor(g)).sum()
        scaler.scale(loss).backward()
        scaler.unscale_(opt)
        trace.append(w.grad.tolist())
        scaler.step(opt)
        scaler.update()
        trace.append((float(scaler.get_scale()), w.tolist()))
    return trace, scaler.state_dict()


def test_grad_scaler_matches_torch():
    grads = [[1.0, 2.0, 3.0], [float('inf'), 1.0, 1.0], [0.5, 0.5, 0.5], [1.0, -1.0, 2.0], [float('nan'), 0, 0],
             [1.0, 1.0, 1.0], [2.0, 2.0, 2.0]]
    ours, our_state = _scaler_run(ember, grads)
    theirs, their_state = _scaler_run(torch, grads)
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        np.testing.assert_allclose(np.array(o[1] if isinstance(o, tuple) else o, dtype=float),
                                   np.array(t[1] if isinstance(t, tuple) else t, dtype=float), rtol=1e-6)
        if isinstance(o, tuple):
            assert o[0] == t[0]
    assert our_state == their_state


def test_grad_scaler_errors_like_torch():
    for lib in (torch, ember):
        w = lib.zeros(2, requires_grad=True)
        opt = lib.optim.SGD([w], lr=0.1)
        scaler = lib.amp.GradScaler('cpu')
        scaler.scale((w * 2).sum()).backward()
        scaler.unscale_(opt)
        with pytest.raises(RuntimeError, match='unscale_\\(\\) has already been called'):
            scaler.unscale_(opt)


AUTOCAST_OPS = {
    'linear': lambda lib, x: lib.nn.functional.linear(x, lib.ones(5, 3), lib.ones(5)),
    'conv2d': lambda lib, x: lib.nn.functional.conv2d(x.reshape(1, 1, 4, 3), lib.ones(2, 1, 2, 2), lib.ones(2)),
    'conv_transpose1d': lambda lib, x: lib.nn.functional.conv_transpose1d(x.reshape(1, 4, 3), lib.ones(4, 2, 2)),
    'softmax': lambda lib, x: lib.nn.functional.softmax(x.to(lib.bfloat16), 1),
    'log_softmax': lambda lib, x: lib.log_softmax(x.to(lib.bfloat16), 1),
    'layer_norm': lambda lib, x: lib.nn.functional.layer_norm(x.to(lib.bfloat16), (3,)),
    'mse_loss': lambda lib, x: lib.nn.functional.mse_loss(x.to(lib.bfloat16), lib.zeros(4, 3)),
    'cross_entropy': lambda lib, x: lib.nn.functional.cross_entropy(x.to(lib.bfloat16), lib.tensor([0, 1, 2, 0])),
    'bce_logits': lambda lib, x: lib.nn.functional.binary_cross_entropy_with_logits(x.to(lib.bfloat16),
                                                                                     lib.ones(4, 3)),
}


@pytest.mark.parametrize('name', sorted(AUTOCAST_OPS))
def test_cpu_autocast_op_lists_match_torch(name):
    """Inside CPU autocast each op's result dtype (and value, loosely) is PyTorch's: lower precision for
    linear/conv, float32 for losses, the input's dtype for softmax and layer_norm (CUDA-only float32 ops)."""
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32)
    results = []
    for lib in (torch, ember):
        with lib.autocast('cpu', dtype=lib.bfloat16):
            results.append(AUTOCAST_OPS[name](lib, lib.tensor(x)))
    theirs, ours = results
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.float().detach().numpy(), theirs.float().detach().numpy(), rtol=3e-2, atol=3e-2)

"""Shared helpers for the nn tests: copy a torch module's state into an ember module and compare forward/backward."""
from __future__ import annotations

import numpy as np

import ember
import torch


def to_np(t):
    if isinstance(t, torch.Tensor):
        t = t.detach()
        return (t.float() if t.dtype == torch.bfloat16 else t).numpy()
    return np.asarray(t.detach().numpy(force=True) if isinstance(t, ember.Tensor) else t)


def e_tensor(a, requires_grad=False):
    t = ember.tensor(np.array(a))
    return t.requires_grad_(True) if requires_grad else t


def t_tensor(a, requires_grad=False):
    t = torch.tensor(np.array(a))
    return t.requires_grad_(True) if requires_grad else t


def copy_state(t_module, e_module):
    """Give the ember module the torch module's parameter and buffer values (same names, same order)."""
    t_named = dict(t_module.named_parameters())
    t_named.update(dict(t_module.named_buffers()))
    e_named = dict(e_module.named_parameters())
    e_named.update(dict(e_module.named_buffers()))
    assert sorted(t_named) == sorted(e_named), (sorted(t_named), sorted(e_named))
    for name, tp in t_named.items():
        ep = e_named[name]
        ep.data = ember.tensor(tp.detach().numpy().copy())


def assert_close(e, t, atol=1e-5, rtol=1e-5, msg=''):
    e_arr, t_arr = to_np(e), to_np(t)
    assert e_arr.shape == t_arr.shape, f'{msg}: shape {e_arr.shape} vs {t_arr.shape}'
    np.testing.assert_allclose(e_arr, t_arr, atol=atol, rtol=rtol, err_msg=msg)


def run_both(e_module, t_module, inputs, atol=1e-5, rtol=1e-5, grad=True, seed=0):
    """Forward both modules on the same inputs (NumPy arrays), then backward a random cotangent; compare the output,
    the input gradients and the parameter gradients."""
    rng = np.random.default_rng(seed)
    e_in = [e_tensor(a, grad and a.dtype.kind == 'f') for a in inputs]
    t_in = [t_tensor(a, grad and a.dtype.kind == 'f') for a in inputs]
    e_out = e_module(*e_in)
    t_out = t_module(*t_in)
    assert_close(e_out, t_out, atol, rtol, 'forward')
    assert str(e_out.dtype) == str(t_out.dtype)
    if not grad or not t_out.requires_grad:
        return e_out, t_out
    cot = rng.standard_normal(tuple(t_out.shape)).astype(to_np(t_out).dtype)
    e_out.backward(ember.tensor(cot))
    t_out.backward(torch.tensor(cot))
    for i, (ei, ti) in enumerate(zip(e_in, t_in)):
        if ti.requires_grad:
            assert_close(ei.grad, ti.grad, atol * 10, rtol * 10, f'input {i} grad')
    t_params = dict(t_module.named_parameters())
    for name, ep in e_module.named_parameters():
        tp = t_params[name]
        if tp.grad is None:
            assert ep.grad is None, name
        else:
            assert_close(ep.grad, tp.grad, atol * 10, rtol * 10, f'{name} grad')
    return e_out, t_out

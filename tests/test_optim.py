"""Each optimizer's parameter trajectory over 20 steps matches PyTorch's (float64, 1e-6), plus the base API."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch

CONFIGS = [
    ('SGD', dict(lr=0.1)),
    ('SGD', dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)),
    ('SGD', dict(lr=0.05, momentum=0.9, nesterov=True, maximize=True)),
    ('Adam', dict(lr=0.01)),
    ('Adam', dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
    ('Adam', dict(lr=0.01, maximize=True, decoupled_weight_decay=True, weight_decay=0.1)),
    ('AdamW', dict(lr=0.01)),
    ('AdamW', dict(lr=0.01, weight_decay=0.5, amsgrad=True)),
    ('Adamax', dict(lr=0.01, weight_decay=0.1)),
    ('NAdam', dict(lr=0.01)),
    ('NAdam', dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, momentum_decay=0.01)),
    ('RAdam', dict(lr=0.01)),
    ('RAdam', dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ('RMSprop', dict(lr=0.01)),
    ('RMSprop', dict(lr=0.01, momentum=0.9, centered=True, weight_decay=0.1)),
    ('Adagrad', dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1)),
    ('Adadelta', dict(lr=1.0, rho=0.8, weight_decay=0.1)),
    ('ASGD', dict(lr=0.01, t0=5, weight_decay=0.1)),
    ('Rprop', dict(lr=0.01)),
    ('Rprop', dict(lr=0.01, etas=(0.3, 1.5), step_sizes=(1e-4, 1), maximize=True)),
]


def _problem(lib):
    rng = np.random.default_rng(0)
    w = lib.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    b = lib.tensor(rng.standard_normal(3), requires_grad=True)
    x = lib.tensor(rng.standard_normal((16, 4)))
    y = lib.tensor(rng.standard_normal((16, 3)))
    return [w, b], lambda: (((x @ w + b).tanh() - y) ** 2).mean()


def _trajectory(lib, name, kwargs, steps=20):
    params, loss_fn = _problem(lib)
    opt = getattr(lib.optim, name)(params, **kwargs)
    out = []
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out, opt


@pytest.mark.parametrize('name,kwargs', CONFIGS, ids=[f'{n}-{i}' for i, (n, _) in enumerate(CONFIGS)])
def test_trajectory_matches_torch(name, kwargs):
    ours, opt = _trajectory(ember, name, kwargs)
    theirs, topt = _trajectory(torch, name, kwargs)
    for step, (o, t) in enumerate(zip(ours, theirs)):
        for a, b in zip(o, t):
            np.testing.assert_allclose(a, b, rtol=0, atol=1e-6, err_msg=f'{name} step {step}')
    state = opt.state_dict()
    tstate = topt.state_dict()
    assert sorted(state['state']) == sorted(tstate['state'])
    if not tstate['state']:
        return
    assert sorted(state['state'][0]) == sorted(tstate['state'][0])
    for key, value in tstate['state'][0].items():
        if isinstance(value, torch.Tensor):
            assert state['state'][0][key].dtype.name == str(value.dtype).replace('torch.', ''), key
            np.testing.assert_allclose(state['state'][0][key].numpy(), value.numpy(), atol=1e-6)
    assert [{k: v for k, v in g.items()} for g in state['param_groups']] == tstate['param_groups']


@pytest.mark.parametrize('line_search', [None, 'strong_wolfe'])
def test_lbfgs_matches_torch(line_search):
    results = []
    for lib in (ember, torch):
        params, loss_fn = _problem(lib)
        opt = lib.optim.LBFGS(params, lr=0.5, max_iter=10, history_size=5, line_search_fn=line_search)

        def closure():
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            return loss
        losses = [float(opt.step(closure)) for _ in range(4)]
        results.append((losses, [p.detach().numpy().copy() for p in params], opt.state[params[0]]['func_evals']))
    np.testing.assert_allclose(results[0][0], results[1][0], atol=1e-6)
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_allclose(a, b, atol=1e-6)
    assert results[0][2] == results[1][2]


def test_param_groups_state_dict_round_trip():
    params, loss_fn = _problem(ember)
    opt = ember.optim.Adam([{'params': [params[0]]}, {'params': [params[1]], 'lr': 0.1}], lr=0.01)
    loss_fn().backward()
    opt.step()
    sd = opt.state_dict()
    assert sd['param_groups'][0]['params'] == [0] and sd['param_groups'][1]['params'] == [1]
    assert sd['param_groups'][1]['lr'] == 0.1
    params2, _ = _problem(ember)
    opt2 = ember.optim.Adam([{'params': [params2[0]]}, {'params': [params2[1]]}], lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]['lr'] == 0.1
    np.testing.assert_array_equal(opt2.state[params2[0]]['exp_avg'].numpy(), opt.state[params[0]]['exp_avg'].numpy())
    with pytest.raises(ValueError, match='different number of parameter groups'):
        ember.optim.Adam(params2, lr=0.1).load_state_dict(sd)


def test_state_dict_loads_in_torch_optimizer(tmp_path):
    params, loss_fn = _problem(ember)
    opt = ember.optim.SGD(params, lr=0.1, momentum=0.9)
    loss_fn().backward()
    opt.step()
    ember.save(opt.state_dict(), tmp_path / 'opt.pt')
    tparams, _ = _problem(torch)
    topt = torch.optim.SGD(tparams, lr=0.5, momentum=0.5)
    topt.load_state_dict(torch.load(tmp_path / 'opt.pt'))
    assert topt.param_groups[0]['lr'] == 0.1
    np.testing.assert_allclose(topt.state[tparams[0]]['momentum_buffer'].numpy(),
                               opt.state[params[0]]['momentum_buffer'].numpy())


@pytest.mark.parametrize('make', [
    lambda lib, p: lib.optim.SGD(p, lr=-1.0),
    lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=-0.5),
    lambda lib, p: lib.optim.SGD(p, lr=0.1, nesterov=True),
    lambda lib, p: lib.optim.Adam(p, lr=0.1, betas=(1.0, 0.9)),
    lambda lib, p: lib.optim.Adam(p, lr=0.1, eps=-1),
    lambda lib, p: lib.optim.RMSprop(p, alpha=-1),
    lambda lib, p: lib.optim.Adadelta(p, rho=1.5),
    lambda lib, p: lib.optim.Rprop(p, etas=(1.5, 1.2)),
    lambda lib, p: lib.optim.NAdam(p, momentum_decay=-1),
    lambda lib, p: lib.optim.LBFGS([{'params': p[:1]}, {'params': p[1:]}]),
    lambda lib, p: lib.optim.SGD([], lr=0.1),
    lambda lib, p: lib.optim.SGD([{'params': p}, {'params': p[:1]}], lr=0.1),
], ids=lambda f: '')
def test_construction_errors_match_torch(make):
    messages = []
    for lib in (torch, ember):
        params, _ = _problem(lib)
        with pytest.raises(ValueError) as info:
            make(lib, params)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_non_leaf_and_tensor_params_rejected():
    x = ember.ones(2, requires_grad=True) * 2
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        ember.optim.SGD([x], lr=0.1)
    with pytest.raises(TypeError, match='iterable of Tensors'):
        ember.optim.SGD(ember.ones(2, requires_grad=True), lr=0.1)


def test_zero_grad_and_closure_and_hooks():
    params, loss_fn = _problem(ember)
    opt = ember.optim.SGD(params, lr=0.1)
    calls = []
    opt.register_step_pre_hook(lambda o, a, k: calls.append('pre'))
    handle = opt.register_step_post_hook(lambda o, a, k: calls.append('post'))

    def closure():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        return loss
    loss = opt.step(closure)
    assert isinstance(loss, ember.Tensor) and calls == ['pre', 'post']
    handle.remove()
    opt.step(closure)
    assert calls == ['pre', 'post', 'pre']
    opt.zero_grad(set_to_none=False)
    assert params[0].grad is not None and params[0].grad.abs().sum().item() == 0
    opt.zero_grad()
    assert params[0].grad is None


def test_repr_matches_torch():
    reprs = []
    for lib in (torch, ember):
        params, _ = _problem(lib)
        reprs.append(repr(lib.optim.SGD(params, lr=0.1, momentum=0.9)))
    assert reprs[0] == reprs[1]


@pytest.mark.parametrize('name,kwargs', [c for c in CONFIGS if c[0] in ('SGD', 'Adam', 'AdamW')],
                         ids=lambda v: str(v) if isinstance(v, str) else '')
def test_large_parameters_match_torch(name, kwargs):
    """Parameters big enough for Adam's block-by-block update (more than two 65,536-element blocks, a ragged last
    block), next to a small one and a non-contiguous-gradient one, over five steps."""
    rng = np.random.default_rng(1)
    start = [rng.standard_normal((301, 700)), rng.standard_normal(5), rng.standard_normal((700, 301))]
    target = [rng.standard_normal(a.shape) for a in start]
    results = []
    for lib in (ember, torch):
        params = [lib.tensor(a, requires_grad=True) for a in start]
        goals = [lib.tensor(a) for a in target]
        opt = getattr(lib.optim, name)(params, **kwargs)
        for _ in range(5):
            opt.zero_grad()
            loss = sum(((p - g) ** 2 * (i + 1)).sum() for i, (p, g) in enumerate(zip(params, goals)))
            loss = loss + (params[2].t() * params[0]).sum()  # a transposed use: the gradient arrives transposed
            loss.backward()
            opt.step()
        results.append([p.detach().numpy() for p in params])
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)

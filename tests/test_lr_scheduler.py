"""Every lr scheduler's trajectory (and momentum where it cycles it) matches PyTorch's, step by step."""
from __future__ import annotations

import math
import warnings

import pytest

import ember
import torch

CASES = {
    'LambdaLR': lambda lib, opt: lib.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.95 ** e),
    'MultiplicativeLR': lambda lib, opt: lib.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.9),
    'StepLR': lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5),
    'MultiStepLR': lambda lib, opt: lib.optim.lr_scheduler.MultiStepLR(opt, milestones=[2, 5, 5, 9], gamma=0.3),
    'ConstantLR': lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt, factor=0.25, total_iters=4),
    'LinearLR': lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.2, end_factor=0.9,
                                                                 total_iters=6),
    'ExponentialLR': lambda lib, opt: lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.8),
    'PolynomialLR': lambda lib, opt: lib.optim.lr_scheduler.PolynomialLR(opt, total_iters=7, power=2.0),
    'CosineAnnealingLR': lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=5, eta_min=0.01),
    'CosineAnnealingWarmRestarts': lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(
        opt, T_0=3, T_mult=2, eta_min=0.001),
    'CyclicLR': lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3,
                                                                 mode='triangular2'),
    'CyclicLR_exp': lambda lib, opt: lib.optim.lr_scheduler.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=2,
                                                                     step_size_down=4, mode='exp_range', gamma=0.9),
    'OneCycleLR': lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=25),
    'OneCycleLR_3phase': lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=[0.5, 0.2], epochs=5, steps_per_epoch=5, three_phase=True, anneal_strategy='linear'),
    'SequentialLR': lambda lib, opt: lib.optim.lr_scheduler.SequentialLR(
        opt, [lib.optim.lr_scheduler.LinearLR(opt, start_factor=0.1, total_iters=3),
              lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)], milestones=[4]),
    'ChainedScheduler': lambda lib, opt: lib.optim.lr_scheduler.ChainedScheduler(
        [lib.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=3),
         lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.9)]),
}


def _trajectory(lib, name, steps=24):
    w1 = lib.zeros(2, requires_grad=True)
    w2 = lib.zeros(2, requires_grad=True)
    opt = lib.optim.SGD([{'params': [w1]}, {'params': [w2], 'lr': 0.05}], lr=0.1, momentum=0.9)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        scheduler = CASES[name](lib, opt)
        out = []
        for _ in range(steps):
            opt.step()
            scheduler.step()
            out.append([(g['lr'], g.get('momentum')) for g in opt.param_groups] + [list(scheduler.get_last_lr())])
    return out, scheduler


@pytest.mark.parametrize('name', sorted(CASES))
def test_trajectory_matches_torch(name):
    ours, _ = _trajectory(ember, name)
    theirs, _ = _trajectory(torch, name)
    for step, (o, t) in enumerate(zip(ours, theirs)):
        flat_o = [x for item in o for x in (item if isinstance(item, (list, tuple)) else [item]) if x is not None]
        flat_t = [x for item in t for x in (item if isinstance(item, (list, tuple)) else [item]) if x is not None]
        assert len(flat_o) == len(flat_t)
        for a, b in zip(flat_o, flat_t):
            assert math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12), f'{name} step {step}: {o} != {t}'


@pytest.mark.parametrize('name', ['StepLR', 'CosineAnnealingLR', 'OneCycleLR', 'SequentialLR', 'LambdaLR'])
def test_state_dict_round_trip(name):
    _, scheduler = _trajectory(ember, name, steps=5)
    state = scheduler.state_dict()
    assert 'optimizer' not in state
    _, fresh = _trajectory(ember, name, steps=1)
    fresh.load_state_dict(state)
    assert fresh.last_epoch == scheduler.last_epoch
    assert fresh.get_last_lr() == scheduler.get_last_lr()


def test_reduce_lr_on_plateau_matches_torch():
    metrics = [1.0, 0.9, 0.91, 0.92, 0.93, 0.89, 0.95, 0.96, 0.97, 0.98, 0.99, 1.0, 0.5]
    results = []
    for lib in (ember, torch):
        w = lib.zeros(1, requires_grad=True)
        opt = lib.optim.SGD([w], lr=1.0)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='min', factor=0.5, patience=2, cooldown=1,
                                                         min_lr=0.1)
        lrs = []
        for m in metrics:
            sched.step(m)
            lrs.append(opt.param_groups[0]['lr'])
        results.append(lrs)
    assert results[0] == results[1]


@pytest.mark.parametrize('make, error', [
    (lambda lib, opt: lib.optim.lr_scheduler.ConstantLR(opt, factor=2.0), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.LinearLR(opt, start_factor=0), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=0), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=1.5), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.ReduceLROnPlateau(opt, mode='avg'), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1), ValueError),
    (lambda lib, opt: lib.optim.lr_scheduler.StepLR(opt, 2, last_epoch=3), KeyError),
], ids=['constant', 'linear', 'warm_restarts', 'plateau_factor', 'plateau_mode', 'onecycle', 'resume'])
def test_errors_match_torch(make, error):
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
        with pytest.raises(error) as info:
            make(lib, opt)
        if lib is torch:
            expected = str(info.value)
        else:
            assert str(info.value) == expected


def test_onecycle_too_many_steps():
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=3)
        for _ in range(2):
            opt.step()
            sched.step()
        opt.step()
        with pytest.raises(ValueError, match='Tried to step 4 times'):
            sched.step()
            sched.step()


def test_warns_when_scheduler_steps_before_optimizer():
    for lib in (torch, ember):
        opt = lib.optim.SGD([lib.zeros(1, requires_grad=True)], lr=0.1)
        sched = lib.optim.lr_scheduler.StepLR(opt, 1)
        with pytest.warns(UserWarning, match='before `optimizer.step\\(\\)`'):
            sched.step()

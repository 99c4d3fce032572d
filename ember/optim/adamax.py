"""Adamax (Adam with the infinity norm)."""
from __future__ import annotations

from .adam import _check
from .optimizer import Optimizer, _params_with_grad, _step_tensor, _zeros

__all__ = ['Adamax']


class Adamax(Optimizer):
    """Adamax, as ``torch.optim.Adamax``."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, foreach=None, *,
                 maximize=False, differentiable=False, capturable=False):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, capturable=capturable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        beta1, beta2 = group['betas']
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['exp_avg'] = _zeros(p, xp)
                state['exp_inf'] = _zeros(p, xp)
            state['step']._data += 1
            step = float(state['step']._data)
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            if group['weight_decay'] != 0:
                grad = grad + group['weight_decay'] * p._data
            exp_avg, exp_inf = state['exp_avg']._data, state['exp_inf']._data
            exp_avg += (grad - exp_avg) * (1 - beta1)
            exp_inf *= beta2
            xp.maximum(exp_inf, xp.abs(grad) + group['eps'], out=exp_inf)
            clr = group['lr'] / (1 - beta1 ** step)
            p._data -= clr * (exp_avg / exp_inf)
            p._version_counter[0] += 1

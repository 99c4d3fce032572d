"""RAdam (rectified Adam)."""
from __future__ import annotations

import math

from .adam import _check
from .optimizer import Optimizer, _params_with_grad, _step_tensor, _zeros

__all__ = ['RAdam']


class RAdam(Optimizer):
    """RAdam, as ``torch.optim.RAdam``."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, decoupled_weight_decay=False,
                 *, foreach=None, maximize=False, capturable=False, differentiable=False):
        _check(lr, betas, eps, weight_decay)
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, foreach=foreach,
                                      maximize=maximize, capturable=capturable,
                                      decoupled_weight_decay=decoupled_weight_decay, differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        beta1, beta2 = group['betas']
        lr = group['lr']
        rho_inf = 2 / (1 - beta2) - 1
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['exp_avg'] = _zeros(p, xp)
                state['exp_avg_sq'] = _zeros(p, xp)
            state['step']._data += 1
            step = float(state['step']._data)
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            if group['weight_decay'] != 0:
                if group['decoupled_weight_decay']:
                    p._data *= 1 - lr * group['weight_decay']
                else:
                    grad = grad + group['weight_decay'] * p._data
            exp_avg, exp_avg_sq = state['exp_avg']._data, state['exp_avg_sq']._data
            exp_avg += (grad - exp_avg) * (1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * grad * grad
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            corrected = exp_avg / bias_correction1
            rho_t = rho_inf - 2 * step * (beta2 ** step) / bias_correction2
            if rho_t > 5.0:
                rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
                adaptive_lr = math.sqrt(bias_correction2) / (xp.sqrt(exp_avg_sq) + group['eps'])
                p._data -= corrected * lr * adaptive_lr * rect
            else:
                p._data -= corrected * lr
            p._version_counter[0] += 1

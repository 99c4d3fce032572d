"""Adadelta."""
from __future__ import annotations

from .optimizer import Optimizer, _check_nonnegative, _params_with_grad, _step_tensor, _zeros

__all__ = ['Adadelta']


class Adadelta(Optimizer):
    """Adadelta, as ``torch.optim.Adadelta``."""

    def __init__(self, params, lr=1.0, rho=0.9, eps=1e-6, weight_decay=0, foreach=None, *, capturable=False,
                 maximize=False, differentiable=False):
        _check_nonnegative(lr=lr)
        if not 0.0 <= rho <= 1.0:
            raise ValueError(f'Invalid rho value: {rho}')
        _check_nonnegative(eps=eps, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize,
                                      capturable=capturable, foreach=foreach, differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        rho, eps = group['rho'], group['eps']
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['square_avg'] = _zeros(p, xp)
                state['acc_delta'] = _zeros(p, xp)
            state['step']._data += 1
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            if group['weight_decay'] != 0:
                grad = grad + group['weight_decay'] * p._data
            square_avg, acc_delta = state['square_avg']._data, state['acc_delta']._data
            square_avg *= rho
            square_avg += (1 - rho) * grad * grad
            delta = xp.sqrt(acc_delta + eps) / xp.sqrt(square_avg + eps) * grad
            acc_delta *= rho
            acc_delta += (1 - rho) * delta * delta
            p._data -= group['lr'] * delta
            p._version_counter[0] += 1

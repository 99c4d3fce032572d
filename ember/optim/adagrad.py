"""Adagrad."""
from __future__ import annotations

from .._tensor import Tensor
from .optimizer import Optimizer, _check_nonnegative, _params_with_grad, _step_tensor, _xp

__all__ = ['Adagrad']


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad`` (its state is created eagerly, as PyTorch's is)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_nonnegative(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                           initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable, fused=fused))
        for group in self.param_groups:
            for p in group['params']:
                xp = _xp(p)
                self.state[p]['step'] = _step_tensor()
                self.state[p]['sum'] = Tensor._make(xp.full_like(p._data, group['initial_accumulator_value']))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        for p, state, xp in _params_with_grad(self, group):
            state['step']._data += 1
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            if group['weight_decay'] != 0:
                grad = grad + group['weight_decay'] * p._data
            clr = group['lr'] / (1 + (float(state['step']._data) - 1) * group['lr_decay'])
            state_sum = state['sum']._data
            state_sum += grad * grad
            p._data -= clr * (grad / (xp.sqrt(state_sum) + group['eps']))
            p._version_counter[0] += 1

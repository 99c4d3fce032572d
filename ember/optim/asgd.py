"""ASGD (averaged SGD)."""
from __future__ import annotations

from .optimizer import Optimizer, _check_nonnegative, _params_with_grad, _step_tensor, _zeros

__all__ = ['ASGD']


class ASGD(Optimizer):
    """Averaged SGD, as ``torch.optim.ASGD`` (``eta`` and ``mu`` are kept as scalar tensors, as PyTorch's are)."""

    def __init__(self, params, lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0, foreach=None,
                 maximize=False, differentiable=False, capturable=False):
        _check_nonnegative(lr=lr, weight_decay=weight_decay)
        super().__init__(params, dict(lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay,
                                      foreach=foreach, maximize=maximize, capturable=capturable,
                                      differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        lr, lambd = group['lr'], group['lambd']
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['eta'] = _step_tensor(lr)
                state['mu'] = _step_tensor(1.0)
                state['ax'] = _zeros(p, xp)
            state['step']._data += 1
            step = float(state['step']._data)
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            if group['weight_decay'] != 0:
                grad = grad + group['weight_decay'] * p._data
            eta = float(state['eta']._data)
            mu = float(state['mu']._data)
            p._data *= 1 - lambd * eta
            p._data -= eta * grad
            ax = state['ax']._data
            if mu != 1:
                ax += (p._data - ax) * mu
            else:
                ax[...] = p._data
            state['eta']._data[...] = lr / ((1 + lambd * lr * step) ** group['alpha'])
            state['mu']._data[...] = 1 / max(1, step - group['t0'])
            p._version_counter[0] += 1

"""Rprop (resilient backpropagation)."""
from __future__ import annotations

from .._tensor import Tensor
from .optimizer import Optimizer, _check_nonnegative, _params_with_grad, _step_tensor, _zeros

__all__ = ['Rprop']


class Rprop(Optimizer):
    """Rprop, as ``torch.optim.Rprop``."""

    def __init__(self, params, lr=1e-2, etas=(0.5, 1.2), step_sizes=(1e-6, 50), *, capturable=False, foreach=None,
                 maximize=False, differentiable=False):
        _check_nonnegative(lr=lr)
        if not 0.0 < etas[0] < 1.0 < etas[1]:
            raise ValueError(f'Invalid eta values: {etas[0]}, {etas[1]}')
        super().__init__(params, dict(lr=lr, etas=etas, step_sizes=step_sizes, foreach=foreach, maximize=maximize,
                                      differentiable=differentiable, capturable=capturable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        etaminus, etaplus = group['etas']
        step_min, step_max = group['step_sizes']
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['prev'] = _zeros(p, xp)
                state['step_size'] = Tensor._make(xp.full_like(p._grad._data, group['lr']))
            state['step']._data += 1
            grad = p._grad._data
            if group['maximize']:
                grad = -grad
            prev, step_size = state['prev']._data, state['step_size']._data
            sign = xp.sign(grad * prev)
            factor = xp.where(sign > 0, etaplus, xp.where(sign < 0, etaminus, 1.0)).astype(grad.dtype)
            step_size *= factor
            xp.clip(step_size, step_min, step_max, out=step_size)
            grad = xp.where(factor == etaminus, 0, grad).astype(grad.dtype)
            p._data -= xp.sign(grad) * step_size
            prev[...] = grad
            p._version_counter[0] += 1

"""SGD with momentum, dampening, Nesterov, weight decay and maximize."""
from __future__ import annotations

from .optimizer import Optimizer, _xp, required  # noqa: F401

__all__ = ['SGD']


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *, maximize=False,
                 foreach=None, differentiable=False, fused=None):
        if lr is not required and lr < 0.0:
            raise ValueError(f'Invalid learning rate: {lr}')
        if momentum < 0.0:
            raise ValueError(f'Invalid momentum value: {momentum}')
        if weight_decay < 0.0:
            raise ValueError(f'Invalid weight_decay value: {weight_decay}')
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError('Nesterov momentum requires a momentum and zero dampening')
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
                        maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        from .._tensor import Tensor  # noqa: PLC0415
        for p in group['params']:
            if p._grad is None:
                continue
            state = self.state[p] if group['momentum'] != 0 else {}  # PyTorch keeps no state without momentum
            buf = state.get('momentum_buffer')
            new_buf = _sgd(_xp(p), p._data, p._grad._data, None if buf is None else buf._data, group['lr'],
                           group['momentum'], group['dampening'], group['weight_decay'], group['nesterov'],
                           group['maximize'])
            if group['momentum'] != 0 and buf is None:
                state['momentum_buffer'] = Tensor._make(new_buf)
            p._version_counter[0] += 1


def _sgd(xp, param, grad, buf, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """One SGD update of ``param`` in place; returns the momentum buffer (updated in place when given)."""
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    if momentum != 0:
        if buf is None:
            buf = grad.copy()
        else:
            buf *= momentum
            buf += grad if dampening == 0 else (1 - dampening) * grad  # no temporary in the common case
        grad = grad + momentum * buf if nesterov else buf
    param -= lr * grad
    return buf

"""RMSprop (centered, momentum)."""
from __future__ import annotations

from .optimizer import Optimizer, _check_nonnegative, _params_with_grad, _step_tensor, _zeros

__all__ = ['RMSprop']


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop``."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_nonnegative(lr=lr, eps=eps, momentum=momentum, weight_decay=weight_decay, alpha=alpha)
        super().__init__(params, dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                                      weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                                      maximize=maximize, differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['square_avg'] = _zeros(p, xp)
                if group['momentum'] > 0:
                    state['momentum_buffer'] = _zeros(p, xp)
                if group['centered']:
                    state['grad_avg'] = _zeros(p, xp)
            state['step']._data += 1
            buf = state['momentum_buffer']._data if group['momentum'] > 0 else None
            grad_avg = state['grad_avg']._data if group['centered'] else None
            _rmsprop(xp, p._data, p._grad._data, state['square_avg']._data, grad_avg, buf, group['lr'],
                     group['alpha'], group['eps'], group['weight_decay'], group['momentum'], group['maximize'])
            p._version_counter[0] += 1


def _rmsprop(xp, param, grad, square_avg, grad_avg, buf, lr, alpha, eps, weight_decay, momentum, maximize):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        grad = grad + weight_decay * param
    square_avg *= alpha
    square_avg += (1 - alpha) * grad * grad
    if grad_avg is not None:
        grad_avg += (grad - grad_avg) * (1 - alpha)
        avg = xp.sqrt(square_avg - grad_avg * grad_avg) + eps
    else:
        avg = xp.sqrt(square_avg) + eps
    if buf is not None:
        buf *= momentum
        buf += grad / avg
        param -= lr * buf
    else:
        param -= lr * (grad / avg)

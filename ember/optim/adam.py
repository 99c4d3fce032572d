"""Adam and AdamW (the same update; AdamW decays weights decoupled from the gradient)."""
from __future__ import annotations

import math

from .._ops._util import flat_blocks
from .optimizer import Optimizer, _step_tensor, _xp

__all__ = ['Adam', 'AdamW']


def _check(lr, betas, eps, weight_decay):
    if not 0.0 <= lr:
        raise ValueError(f'Invalid learning rate: {lr}')
    if not 0.0 <= eps:
        raise ValueError(f'Invalid epsilon value: {eps}')
    if not 0.0 <= betas[0] < 1.0:
        raise ValueError(f'Invalid beta parameter at index 0: {betas[0]}')
    if not 0.0 <= betas[1] < 1.0:
        raise ValueError(f'Invalid beta parameter at index 1: {betas[1]}')
    if not 0.0 <= weight_decay:
        raise ValueError(f'Invalid weight_decay value: {weight_decay}')


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (``decoupled_weight_decay=True`` makes it AdamW)."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize,
                        foreach=foreach, capturable=capturable, differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay or self._decoupled)
        super().__init__(params, defaults)

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        from .._tensor import Tensor  # noqa: PLC0415
        beta1, beta2 = group['betas']
        for p in group['params']:
            if p._grad is None:
                continue
            state = self.state[p]
            xp = _xp(p)
            if not state:
                state['step'] = _step_tensor(0.0)
                state['exp_avg'] = Tensor._make(xp.zeros_like(p._data))
                state['exp_avg_sq'] = Tensor._make(xp.zeros_like(p._data))
                if group['amsgrad']:
                    state['max_exp_avg_sq'] = Tensor._make(xp.zeros_like(p._data))
            state['step']._data += 1
            step = float(state['step']._data)
            max_sq = state['max_exp_avg_sq']._data if group['amsgrad'] else None
            _adam(xp, p._data, p._grad._data, state['exp_avg']._data, state['exp_avg_sq']._data, max_sq, step,
                  group['lr'], beta1, beta2, group['eps'], group['weight_decay'], group['maximize'],
                  group['decoupled_weight_decay'])
            p._version_counter[0] += 1


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as ``torch.optim.AdamW``."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2, amsgrad=False, *,
                 maximize=False, foreach=None, capturable=False, differentiable=False, fused=None):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize,
                         capturable=capturable, differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)


def _adam(xp, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
          maximize, decoupled):
    """One Adam(W) update of ``param`` and its moment buffers, in place; large NumPy parameters block by block
    (the same element-wise arithmetic, each block's ~15 passes while it is in cache)."""
    blocks = flat_blocks(xp, param, grad, exp_avg, exp_avg_sq,
                         max_exp_avg_sq if max_exp_avg_sq is not None else param)
    if blocks is None:
        _adam_update(xp, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps,
                     weight_decay, maximize, decoupled)
        return
    for p, g, m, v, v_max in blocks:
        _adam_update(xp, p, g, m, v, v_max if max_exp_avg_sq is not None else None, step, lr, beta1, beta2, eps,
                     weight_decay, maximize, decoupled)


def _adam_update(xp, param, grad, exp_avg, exp_avg_sq, max_exp_avg_sq, step, lr, beta1, beta2, eps, weight_decay,
                 maximize, decoupled):
    if maximize:
        grad = -grad
    if weight_decay != 0:
        if decoupled:
            param *= 1 - lr * weight_decay
        else:
            grad = grad + weight_decay * param
    exp_avg += (grad - exp_avg) * (1 - beta1)
    exp_avg_sq *= beta2
    exp_avg_sq += (1 - beta2) * grad * grad
    bias_correction1 = 1 - beta1 ** step
    bias_correction2_sqrt = math.sqrt(1 - beta2 ** step)
    if max_exp_avg_sq is not None:
        xp.maximum(max_exp_avg_sq, exp_avg_sq, out=max_exp_avg_sq)
        denom = xp.sqrt(max_exp_avg_sq) / bias_correction2_sqrt + eps
    else:
        denom = xp.sqrt(exp_avg_sq) / bias_correction2_sqrt + eps
    param -= (lr / bias_correction1) * (exp_avg / denom)

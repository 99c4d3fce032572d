"""NAdam (Adam with Nesterov momentum)."""
from __future__ import annotations


from .adam import _check
from .optimizer import Optimizer, _params_with_grad, _step_tensor, _zeros

__all__ = ['NAdam']


class NAdam(Optimizer):
    """NAdam, as ``torch.optim.NAdam``."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, momentum_decay=4e-3,
                 decoupled_weight_decay=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False):
        _check(lr, betas, eps, weight_decay)
        if not 0.0 <= momentum_decay:
            raise ValueError(f'Invalid momentum_decay value: {momentum_decay}')
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                                      momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay,
                                      maximize=maximize, foreach=foreach, capturable=capturable,
                                      differentiable=differentiable))

    def step(self, closure=None):
        return self._run_step(closure, self._update_group)

    def _update_group(self, group):
        beta1, beta2 = group['betas']
        lr, decay = group['lr'], group['momentum_decay']
        for p, state, xp in _params_with_grad(self, group):
            if not state:
                state['step'] = _step_tensor()
                state['mu_product'] = _step_tensor(1.0)
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
            bias_correction2 = 1 - beta2 ** step
            mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * decay))
            mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * decay))
            state['mu_product']._data *= mu
            mu_product = float(state['mu_product']._data)
            exp_avg, exp_avg_sq = state['exp_avg']._data, state['exp_avg_sq']._data
            exp_avg += (grad - exp_avg) * (1 - beta1)
            exp_avg_sq *= beta2
            exp_avg_sq += (1 - beta2) * grad * grad
            denom = xp.sqrt(exp_avg_sq / bias_correction2) + group['eps']
            p._data += (-lr * (1.0 - mu) / (1.0 - mu_product)) * (grad / denom)
            p._data += (-lr * mu_next / (1.0 - mu_product * mu_next)) * (exp_avg / denom)
            p._version_counter[0] += 1



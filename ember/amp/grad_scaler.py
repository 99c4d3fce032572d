"""GradScaler: loss scaling for float16 training, as torch.amp.GradScaler."""
from __future__ import annotations

import math
import warnings

__all__ = ['GradScaler']

_READY, _UNSCALED, _STEPPED = 0, 1, 2


class GradScaler:
    """Scale the loss, unscale gradients before the step, skip steps with inf/NaN gradients, adapt the scale."""

    def __init__(self, device='cuda', init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5,
                 growth_interval=2000, enabled=True):
        self._device = device
        self._enabled = enabled
        if device == 'cuda' and enabled:
            from .. import cuda  # noqa: PLC0415
            if not cuda.is_available():
                warnings.warn('torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  Disabling.',
                              stacklevel=2)
                self._enabled = False
        if self._enabled:
            if growth_factor <= 1.0:
                raise AssertionError('The growth factor must be > 1.0.')
            if backoff_factor >= 1.0:
                raise AssertionError('The backoff factor must be < 1.0.')
        self._scale = float(init_scale)
        self._init_scale = float(init_scale)
        self._growth_factor = growth_factor
        self._backoff_factor = backoff_factor
        self._growth_interval = growth_interval
        self._growth_tracker = 0
        self._per_optimizer = {}

    def is_enabled(self) -> bool:
        return self._enabled

    def scale(self, outputs):
        """``outputs * scale`` (tensors, or iterables of them); unchanged when disabled."""
        if not self._enabled:
            return outputs
        import ember  # noqa: PLC0415
        if isinstance(outputs, ember.Tensor):
            return outputs * self._scale
        if isinstance(outputs, (list, tuple)):
            return type(outputs)(self.scale(o) for o in outputs)
        raise ValueError('outputs must be a Tensor or an iterable of Tensors')

    def _state(self, optimizer):
        return self._per_optimizer.setdefault(id(optimizer), {'stage': _READY, 'found_inf': False})

    def unscale_(self, optimizer) -> None:
        """Divide this optimizer's gradients by the scale in place and record whether any is inf/NaN."""
        if not self._enabled:
            return
        state = self._state(optimizer)
        if state['stage'] == _UNSCALED:
            raise RuntimeError('unscale_() has already been called on this optimizer since the last update().')
        if state['stage'] == _STEPPED:
            raise RuntimeError('unscale_() is being called after step().')
        inv = 1.0 / self._scale
        found = False
        for group in optimizer.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                data = p.grad._data
                data *= inv
                p.grad._version_counter[0] += 1
                if not found and not bool(_isfinite_all(data)):
                    found = True
        state['found_inf'] = found
        state['stage'] = _UNSCALED

    def step(self, optimizer, *args, **kwargs):
        """``optimizer.step()`` unless the (unscaled) gradients hold inf/NaN."""
        if not self._enabled:
            return optimizer.step(*args, **kwargs)
        if 'closure' in kwargs:
            raise RuntimeError('Closure use is not currently supported if GradScaler is enabled.')
        state = self._state(optimizer)
        if state['stage'] == _STEPPED:
            raise RuntimeError('step() has already been called since the last update().')
        if state['stage'] == _READY:
            self.unscale_(optimizer)
        result = None
        if not state['found_inf']:
            result = optimizer.step(*args, **kwargs)
        state['stage'] = _STEPPED
        return result

    def update(self, new_scale=None) -> None:
        """Back off the scale after a step with inf/NaN gradients; grow it after ``growth_interval`` clean ones."""
        if not self._enabled:
            return
        if new_scale is not None:
            self._scale = float(new_scale.item() if hasattr(new_scale, 'item') else new_scale)
        else:
            if not self._per_optimizer:
                raise AssertionError('No inf checks were recorded prior to update.')
            found_inf = any(s['found_inf'] for s in self._per_optimizer.values())
            if found_inf:
                self._scale *= self._backoff_factor
                self._growth_tracker = 0
            else:
                self._growth_tracker += 1
                if self._growth_tracker == self._growth_interval:
                    if math.isfinite(self._scale * self._growth_factor):
                        self._scale *= self._growth_factor
                    self._growth_tracker = 0
        self._per_optimizer = {}

    def get_scale(self) -> float:
        return self._scale if self._enabled else 1.0

    def get_growth_factor(self):
        return self._growth_factor

    def set_growth_factor(self, value):
        self._growth_factor = value

    def get_backoff_factor(self):
        return self._backoff_factor

    def set_backoff_factor(self, value):
        self._backoff_factor = value

    def get_growth_interval(self):
        return self._growth_interval

    def set_growth_interval(self, value):
        self._growth_interval = value

    def state_dict(self) -> dict:
        if not self._enabled:
            return {}
        return {'scale': self.get_scale(), 'growth_factor': self._growth_factor,
                'backoff_factor': self._backoff_factor, 'growth_interval': self._growth_interval,
                '_growth_tracker': self._growth_tracker}

    def load_state_dict(self, state_dict: dict) -> None:
        if not self._enabled:
            return
        if len(state_dict) == 0:
            raise RuntimeError('The source state dict is empty, possibly because it was saved from a disabled '
                               'instance of GradScaler.')
        self._init_scale = self._scale = float(state_dict['scale'])
        self._growth_factor = state_dict['growth_factor']
        self._backoff_factor = state_dict['backoff_factor']
        self._growth_interval = state_dict['growth_interval']
        self._growth_tracker = state_dict['_growth_tracker']


def _isfinite_all(array):
    import numpy  # noqa: PLC0415
    if type(array) is numpy.ndarray:
        return numpy.isfinite(array).all()
    from .._backend import cupy  # noqa: PLC0415
    return cupy().isfinite(array).all()

"""autocast: inside the block, ops on the lower-precision list (matmul, linear, conv, bmm, baddbmm, addmm, ...)
run in the autocast dtype and ops on the float32 list (softmax, log_softmax, norms, losses, exp/log/pow, sums)
run in float32, as PyTorch's op lists say.

NOTE [ Autocast ]
The state is a per-device-type record read by the ops through ``cast_inputs(kind, *tensors)``, called at the top
of each listed op's public function; outside autocast it returns its arguments untouched after one attribute
check. Casting is differentiable (``Tensor.to``), so gradients reach the float32 parameters in their own dtype.
"""
from __future__ import annotations

import functools

__all__ = ['autocast', 'is_autocast_enabled', 'get_autocast_dtype', 'is_autocast_available', 'cast_inputs']


class _State:
    # device_type -> (enabled, dtype)
    active = {}
    any_enabled = False


def _default_dtype(device_type):
    import ember  # noqa: PLC0415
    return ember.float16 if device_type == 'cuda' else ember.bfloat16


def is_autocast_available(device_type: str) -> bool:
    return device_type in ('cpu', 'cuda')


def is_autocast_enabled(device_type: str | None = None) -> bool:
    if device_type is None:
        return bool(_State.active.get('cuda', (False,))[0])
    return bool(_State.active.get(device_type, (False,))[0])


def get_autocast_dtype(device_type: str):
    return _State.active.get(device_type, (False, _default_dtype(device_type)))[1]


class autocast:
    """Run eligible ops in ``dtype`` (float16 on CUDA, bfloat16 on the CPU by default) inside the block.

    >>> with ember.autocast('cpu'):
    ...     y = ember.mm(a, b)        # bfloat16
    """

    def __init__(self, device_type: str, dtype=None, enabled: bool = True, cache_enabled=None):
        import ember  # noqa: PLC0415
        if not isinstance(device_type, str):
            raise ValueError(f'Expected `device_type` of type `str`, got: `{type(device_type)}`')
        if not is_autocast_available(device_type):
            raise RuntimeError(f'User specified an unsupported autocast device_type \'{device_type}\'')
        self.device = device_type
        self.fast_dtype = dtype if dtype is not None else _default_dtype(device_type)
        self._enabled = enabled
        if device_type == 'cpu' and self.fast_dtype not in (ember.bfloat16, ember.float16):
            import warnings  # noqa: PLC0415
            warnings.warn('In CPU autocast, but the target dtype is not supported. Disabling autocast.\nCPU Autocast '
                          'only supports dtype of torch.bfloat16, torch.float16 currently.', stacklevel=2)
            self._enabled = False
        if device_type == 'cuda' and enabled:
            from .. import cuda  # noqa: PLC0415
            if not cuda.is_available():
                import warnings  # noqa: PLC0415
                warnings.warn('User provided device_type of \'cuda\', but CUDA is not available. Disabling',
                              stacklevel=2)
                self._enabled = False

    def __enter__(self):
        self._prev = _State.active.get(self.device)
        _State.active[self.device] = (self._enabled, self.fast_dtype)
        _State.any_enabled = any(on for on, _ in _State.active.values())
        return self

    def __exit__(self, *exc):
        if self._prev is None:
            _State.active.pop(self.device, None)
        else:
            _State.active[self.device] = self._prev
        _State.any_enabled = any(on for on, _ in _State.active.values())
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with autocast(self.device, self.fast_dtype, self._enabled):
                return func(*args, **kwargs)
        return wrapper


def cast_inputs(kind: str, *tensors):
    """The tensors an autocast-listed op should compute on: ``kind`` is 'lower', 'fp32', or 'fp32_cuda' (float32
    under CUDA autocast only: softmax and the norms stay in the low dtype under CPU autocast, as in PyTorch)."""
    if not _State.any_enabled:
        return tensors
    import ember  # noqa: PLC0415
    out = []
    for t in tensors:
        if isinstance(t, ember.Tensor) and t.is_floating_point():
            device_type = t.device.type
            enabled, dtype = _State.active.get(device_type, (False, None))
            if enabled and (kind != 'fp32_cuda' or device_type == 'cuda'):
                target = dtype if kind == 'lower' else ember.float32
                if t.dtype is not target and not (kind == 'fp32' and t.dtype is ember.float64):
                    t = t.to(target)
        out.append(t)
    return tuple(out)

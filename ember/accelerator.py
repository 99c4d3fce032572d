"""ember.accelerator: the device-generic accelerator API of PyTorch 2.6+ (CUDA only in ember)."""
from __future__ import annotations

from . import cuda as _cuda
from ._device import device as _device


def is_available() -> bool:
    return _cuda.is_available()


def device_count() -> int:
    return _cuda.device_count()


def current_accelerator(check_available: bool = False):
    if _cuda.is_available():
        return _device('cuda')
    return None


def current_device_index() -> int:
    return _cuda.current_device()


current_device_idx = current_device_index


def set_device_index(device) -> None:
    _cuda.set_device(device)


set_device_idx = set_device_index


def synchronize(device=None) -> None:
    _cuda.synchronize(device)

"""The array namespace of a device: NumPy for 'cpu', CuPy for 'cuda' (imported only when asked for).

Ops never name ``numpy`` directly; they take ``xp`` from here (or ``ctx.xp`` inside a Function), so the CUDA
backend drops in without touching them.
"""
from __future__ import annotations

import numpy

from .._device import CPU, device

_cupy = None


def cupy():
    """Import CuPy on first use; PyTorch's error when there is no usable GPU."""
    global _cupy
    if _cupy is None:
        try:
            import cupy as cp  # noqa: PLC0415 - lazy by design: `import ember` never touches CuPy
            if cp.cuda.runtime.getDeviceCount() == 0:
                raise RuntimeError('no device')
        except Exception as exc:  # ImportError, CUDARuntimeError, RuntimeError
            raise RuntimeError('Found no NVIDIA driver on your system. Please check that you have an NVIDIA GPU '
                               'and installed a driver, and that ember was installed with its CUDA extra '
                               f'(pip install ember[cuda]). ({type(exc).__name__}: {exc})') from None
        _cupy = cp
    return _cupy


def cuda_available() -> bool:
    try:
        cupy()
    except RuntimeError:
        return False
    return True


def namespace(dev: device):
    """The array module for a device."""
    if dev.type == 'cpu':
        return numpy
    if dev.type == 'cuda':
        return cupy()
    raise RuntimeError(f'ember has no array backend for device {dev}')


def device_of(array) -> device:
    """The ember device an array lives on (an exact ``numpy.ndarray`` is host memory; anything else is a device
    array with ``.device.id``, as CuPy's, or a test double subclassing ndarray)."""
    if type(array) is numpy.ndarray:
        return CPU
    index = getattr(getattr(array, 'device', None), 'id', None)
    if index is None:  # a host ndarray subclass (numpy.memmap, ...): NumPy 2 says device 'cpu'
        return CPU
    return device('cuda', int(index))


def to_device(array, dev: device):
    """Copy an array onto a device (a no-op when it is already there)."""
    if dev.type == 'cpu':
        if type(array) is numpy.ndarray:
            return array
        return array.get() if device_of(array).type == 'cuda' else numpy.asarray(array)
    cp = cupy()
    with cp.cuda.Device(dev.index or 0):
        return cp.asarray(array)

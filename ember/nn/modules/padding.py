"""Padding layers: constant (zero), reflection, replication and circular, over 1, 2 or 3 trailing dims."""
from __future__ import annotations

from .. import functional as F
from .module import Module

__all__ = ['ConstantPad1d', 'ConstantPad2d', 'ConstantPad3d', 'ZeroPad1d', 'ZeroPad2d', 'ZeroPad3d',
           'ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d', 'ReplicationPad1d', 'ReplicationPad2d',
           'ReplicationPad3d',
           'CircularPad1d', 'CircularPad2d', 'CircularPad3d']


def _ntuple(value, n):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


class _ConstantPadNd(Module):
    __constants__ = ['padding', 'value']

    def __init__(self, value: float) -> None:
        super().__init__()
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, 'constant', self.value)

    def extra_repr(self) -> str:
        return f'padding={self.padding}, value={self.value}'


class _ModePadNd(Module):
    __constants__ = ['padding']
    _mode = ''
    _dims = 0

    def __init__(self, padding) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._dims)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        return f'{self.padding}'


class _CircularPadNd(_ModePadNd):
    _mode = 'circular'

    def forward(self, input):
        if input.dim() not in (self._dims + 1, self._dims + 2):
            raise ValueError(f'expected {self._dims + 1}D or {self._dims + 2}D input (got {input.dim()}D input)')
        return F.pad(input, self.padding, 'circular')


class ConstantPad1d(_ConstantPadNd):
    """Pad the last 1 dim with ``value`` (``padding``: an int or 2 ints, last dim first)."""

    def __init__(self, padding, value: float) -> None:
        super().__init__(value)
        self.padding = _ntuple(padding, 2)


class ConstantPad2d(_ConstantPadNd):
    """Pad the last 2 dims with ``value`` (``padding``: an int or 4 ints, last dim first)."""

    def __init__(self, padding, value: float) -> None:
        super().__init__(value)
        self.padding = _ntuple(padding, 4)


class ConstantPad3d(_ConstantPadNd):
    """Pad the last 3 dims with ``value`` (``padding``: an int or 6 ints, last dim first)."""

    def __init__(self, padding, value: float) -> None:
        super().__init__(value)
        self.padding = _ntuple(padding, 6)


class ZeroPad1d(ConstantPad1d):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f'{self.padding}'


class ZeroPad2d(ConstantPad2d):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f'{self.padding}'


class ZeroPad3d(ConstantPad3d):
    def __init__(self, padding) -> None:
        super().__init__(padding, 0.0)

    def extra_repr(self) -> str:
        return f'{self.padding}'


class ReflectionPad1d(_ModePadNd):
    _mode = 'reflect'
    _dims = 1


class ReflectionPad2d(_ModePadNd):
    _mode = 'reflect'
    _dims = 2


class ReflectionPad3d(_ModePadNd):
    _mode = 'reflect'
    _dims = 3


class ReplicationPad1d(_ModePadNd):
    _mode = 'replicate'
    _dims = 1


class ReplicationPad2d(_ModePadNd):
    _mode = 'replicate'
    _dims = 2


class ReplicationPad3d(_ModePadNd):
    _mode = 'replicate'
    _dims = 3


class CircularPad1d(_CircularPadNd):
    _dims = 1


class CircularPad2d(_CircularPadNd):
    _dims = 2


class CircularPad3d(_CircularPadNd):
    _dims = 3

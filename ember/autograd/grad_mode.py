"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

The flag is read on every op by ``Function.apply``; it is a class attribute, not a thread-local, because ember runs
ops on one Python thread at a time (DataLoader workers are processes).
"""
from __future__ import annotations

import functools


class _State:
    enabled = True
    inference = False


def is_grad_enabled() -> bool:
    return _State.enabled


def is_inference_mode_enabled() -> bool:
    return _State.inference


class _GradModeContext:
    """Base of the grad-mode context managers; each also works as a decorator."""

    _mode = True

    def __enter__(self):
        self._prev = _State.enabled
        _State.enabled = self._mode

    def __exit__(self, *exc):
        _State.enabled = self._prev
        return False

    def __call__(self, func):
        if isinstance(func, type):
            raise TypeError(f'{type(self).__name__} cannot decorate a class')

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return type(self)()


class no_grad(_GradModeContext):
    """Disable gradient recording, as a context manager or decorator.

    >>> with ember.no_grad():
    ...     y = x * 2   # y.requires_grad is False
    """

    _mode = False

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)  # used as @no_grad without parentheses


class enable_grad(_GradModeContext):
    """Enable gradient recording inside a no_grad block."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode: takes effect immediately as a function, and is undone on exit as a context manager."""

    def __init__(self, mode: bool):
        self._prev = _State.enabled
        self._mode = bool(mode)
        _State.enabled = self._mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _State.enabled = self._prev
        return False

    def clone(self):
        return type(self)(self._mode)


class inference_mode(_GradModeContext):
    """Like no_grad (ember keeps no separate inference tensors)."""

    def __init__(self, mode: bool = True):
        self._mode = not mode
        self._inference = mode

    def __enter__(self):
        self._prev = _State.enabled
        self._prev_inference = _State.inference
        _State.enabled = self._mode and _State.enabled
        _State.inference = self._inference

    def __exit__(self, *exc):
        _State.enabled = self._prev
        _State.inference = self._prev_inference
        return False

    def clone(self):
        return type(self)(self._inference)

"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode.

The flag is read on every op by ``Function.apply``; it is a class attribute, not a thread-local, because ember runs
ops on one Python thread at a time (DataLoader workers are processes).

Each mode is a context manager and a decorator (with or without parentheses for ``no_grad``, ``enable_grad`` and
``inference_mode``, as in PyTorch); a decorated generator runs each of its steps in the mode.
"""
from __future__ import annotations

import functools
import inspect
import sys
import warnings


class _State:
    enabled = True
    inference = False


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for autograd."""
    return _State.enabled


def is_inference_mode_enabled() -> bool:
    return _State.inference


def _wrap_generator(make_context, func):
    @functools.wraps(func)
    def generator_context(*args, **kwargs):
        gen = func(*args, **kwargs)
        try:
            with make_context():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_context():
                        gen.close()
                    raise
                except BaseException:
                    with make_context():
                        response = gen.throw(*sys.exc_info())
                else:
                    with make_context():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value
    return generator_context


class _GradModeContext:
    """Base of the grad-mode context managers; each also works as a decorator."""

    _mode = True

    def __enter__(self) -> None:
        self._prev = _State.enabled
        _State.enabled = self._mode

    def __exit__(self, *exc) -> None:
        _State.enabled = self._prev

    def __call__(self, func):
        if inspect.isclass(func):
            warnings.warn('Decorating classes is deprecated and will be disabled in future versions. You should only '
                          'decorate functions or methods. To preserve the current behavior of class decoration, you '
                          'can directly decorate the `__init__` method and nothing else.', FutureWarning, stacklevel=2)
            return lambda *args, **kwargs: self.__call__(lambda: func(*args, **kwargs))()
        if inspect.isgeneratorfunction(func):
            return _wrap_generator(self.clone, func)

        @functools.wraps(func)
        def decorate_context(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return decorate_context

    def clone(self):
        return type(self)()


class _NoParamDecorator(_GradModeContext):
    """A mode that can decorate without parentheses: ``@no_grad`` as well as ``@no_grad()``."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Disable gradient recording, as a context manager or decorator.

    >>> with ember.no_grad():
    ...     y = x * 2   # y.requires_grad is False
    """

    _mode = False


class enable_grad(_NoParamDecorator):
    """Enable gradient recording inside a no_grad block (context manager or decorator)."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """Set grad mode: takes effect immediately when called, and is undone on exit as a context manager.

    >>> _ = ember.set_grad_enabled(False)   # off from here on
    >>> with ember.set_grad_enabled(True):  # on inside the block only
    ...     pass
    """

    def __init__(self, mode: bool) -> None:
        self._prev = _State.enabled
        self.mode = self._mode = bool(mode)
        _State.enabled = self._mode

    def __call__(self, func):
        _State.enabled = self._prev  # decorating does not change the mode
        return super().__call__(func)

    def __enter__(self) -> None:
        _State.enabled = self._mode

    def __exit__(self, *exc) -> None:
        _State.enabled = self._prev

    def __repr__(self):
        return f'torch.autograd.grad_mode.set_grad_enabled(mode={self._mode})'

    def clone(self):
        return type(self)(self._mode)


class inference_mode(_GradModeContext):
    """Like no_grad, for inference (ember keeps no separate inference tensors); ``inference_mode(False)`` turns grad
    mode on, as PyTorch's does. Usable as ``@inference_mode`` too."""

    def __new__(cls, mode=True):
        if isinstance(mode, bool):
            return super().__new__(cls)
        return cls()(mode)

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        self._prev = _State.enabled
        self._prev_inference = _State.inference
        _State.enabled = not self.mode
        _State.inference = bool(self.mode)

    def __exit__(self, *exc) -> None:
        _State.enabled = self._prev
        _State.inference = self._prev_inference

    def clone(self):
        return type(self)(self.mode)

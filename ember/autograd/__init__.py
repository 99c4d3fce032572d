"""ember.autograd: backward/grad, grad modes, custom Functions, gradcheck and anomaly detection."""
from __future__ import annotations

from . import engine as _engine
from . import function as _function
from .function import Function, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .graph import Node  # noqa: F401

__all__ = ['Function', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled', 'inference_mode',
           'once_differentiable', 'gradcheck', 'gradgradcheck', 'detect_anomaly', 'set_detect_anomaly',
           'is_grad_enabled']


def _roots(tensors, grad_tensors, op):
    Tensor = _function._Tensor
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    grad_tensors = tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f'grad can be implicitly created only for scalar outputs' if not grad_tensors else
                           f'{op}: got {len(grad_tensors)} tensors and {len(tensors)} gradients')
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t._requires_grad:
            raise RuntimeError(f'element {i} of tensors does not require grad and does not have a grad_fn')
        if g is None:
            if t._data.size != 1:
                raise RuntimeError('grad can be implicitly created only for scalar outputs')
            if t._dtype._kind < 2:
                raise RuntimeError(f'grad can be implicitly created only for real scalar outputs but got {t._dtype}')
            g = Tensor._make(t._data.__class__((), dtype=t._data.dtype) if False else _ones_like(t._data))
        else:
            if not isinstance(g, Tensor):
                g = Tensor._make(_ones_like(t._data) * g)
            if g._data.shape != t._data.shape:
                raise RuntimeError(f'Mismatch in shape: grad_output[{i}] has a shape of torch.Size('
                                   f'{list(g._data.shape)}) and output[{i}] has a shape of torch.Size('
                                   f'{list(t._data.shape)}).')
            if g._dtype is not t._dtype:
                g = g.to(t._dtype)
        roots.append((_function._edge(t), g))
    return roots


def _ones_like(array):
    import numpy  # noqa: PLC0415
    if type(array) is numpy.ndarray:
        return numpy.ones(array.shape, dtype=array.dtype)
    from .._backend import cupy  # noqa: PLC0415
    return cupy().ones(array.shape, dtype=array.dtype)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None, inputs=None):
    """Accumulate gradients of ``tensors`` into the ``.grad`` of the graph's leaves (or of ``inputs``)."""
    if grad_variables is not None:
        grad_tensors = grad_variables
    if retain_graph is None:
        retain_graph = create_graph
    Tensor = _function._Tensor
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    roots = _roots(tensors, grad_tensors, 'backward')
    _engine.run_backward(roots, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated into ``.grad``).

    >>> x = ember.tensor(3., requires_grad=True)
    >>> ember.autograd.grad(x ** 2, x)
    (tensor(6.),)
    """
    Tensor = _function._Tensor
    single = isinstance(inputs, Tensor)
    inputs = (inputs,) if single else tuple(inputs)
    for i, t in enumerate(inputs):
        if not t._requires_grad:
            raise RuntimeError('One of the differentiated Tensors does not require grad')
    if allow_unused is None:
        allow_unused = materialize_grads
    if retain_graph is None:
        retain_graph = create_graph
    roots = _roots(outputs, grad_outputs, 'grad')
    results = _engine.run_backward(roots, retain_graph, create_graph, inputs=inputs, accumulate=False,
                                   allow_unused=allow_unused)
    if materialize_grads:
        results = [r if r is not None else _zeros_of(t) for r, t in zip(results, inputs)]
    return tuple(results)


def _zeros_of(t):
    return _function._Tensor._make(t._data * 0)


class detect_anomaly:
    """Context manager that makes backward raise, naming the op, when a backward function returns NaN."""

    def __init__(self, check_nan: bool = True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = _engine._Anomaly.enabled
        _engine._Anomaly.enabled = self.check_nan
        import warnings  # noqa: PLC0415
        warnings.warn('Anomaly Detection has been enabled. This mode will increase the runtime and should only be '
                      'enabled for debugging.', UserWarning, stacklevel=2)

    def __exit__(self, *exc):
        _engine._Anomaly.enabled = self._prev
        return False


class set_detect_anomaly:
    """Turn anomaly detection on or off (as a function or context manager)."""

    def __init__(self, mode: bool, check_nan: bool = True):
        self._prev = _engine._Anomaly.enabled
        _engine._Anomaly.enabled = bool(mode) and check_nan

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _engine._Anomaly.enabled = self._prev
        return False


def is_anomaly_enabled() -> bool:
    return _engine._Anomaly.enabled


from .gradcheck import gradcheck, gradgradcheck  # noqa: E402
from . import functional  # noqa: E402,F401

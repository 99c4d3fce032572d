"""ember.autograd: backward/grad, grad modes, custom Functions, gradcheck and anomaly detection."""
from __future__ import annotations

import warnings

from . import engine as _engine
from . import function as _function
from .function import Function, once_differentiable
from .grad_mode import (
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from .graph import Node  # noqa: F401

__all__ = ['Function', 'backward', 'grad', 'no_grad', 'enable_grad', 'set_grad_enabled', 'inference_mode',
           'once_differentiable', 'gradcheck', 'gradgradcheck', 'GradcheckError', 'detect_anomaly',
           'set_detect_anomaly', 'is_anomaly_enabled', 'is_anomaly_check_nan_enabled', 'is_grad_enabled',
           'is_inference_mode_enabled', 'functional', 'graph']


def _as_tuple(values):
    if isinstance(values, _function._Tensor):
        return (values,)
    return tuple(values)


def _roots(tensors, grad_tensors):
    """(edge, gradient) pairs for the engine, with PyTorch's checks and implicit scalar gradients."""
    Tensor = _function._Tensor
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    else:
        grad_tensors = _as_tuple(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f'got {len(tensors)} tensors and {len(grad_tensors)} gradients')
    roots = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if g is None:
            if t._requires_grad:
                if t._data.size != 1:
                    raise RuntimeError('grad can be implicitly created only for scalar outputs')
                if t._dtype._kind != 2:
                    raise RuntimeError(f'grad can be implicitly created only for real scalar outputs but got '
                                       f'{t._dtype}')
                g = Tensor._make(_function._xp_of(t._data).ones(t._data.shape, dtype=t._data.dtype))
        elif isinstance(g, Tensor):
            if g._data.shape != t._data.shape:
                raise RuntimeError(f'Mismatch in shape: grad_output[{i}] has a shape of torch.Size('
                                   f'{list(g._data.shape)}) and output[{i}] has a shape of torch.Size('
                                   f'{list(t._data.shape)}).')
            if (g._dtype._kind == 3) != (t._dtype._kind == 3):
                raise RuntimeError(f'For complex Tensors, both grad_output and output are required to have the same '
                                   f'dtype. Mismatch in dtype: grad_output[{i}] has a dtype of {g._dtype} and '
                                   f'output[{i}] has a dtype of {t._dtype}.')
        else:
            raise TypeError(f'gradients can be either Tensors or None, but got {type(g).__name__}')
        if not t._requires_grad:
            raise RuntimeError(f'element {i} of tensors does not require grad and does not have a grad_fn')
        if g._dtype is not t._dtype:
            g = g.to(t._dtype)
        roots.append((_function._edge(t), g))
    return roots


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, grad_variables=None,
             inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the graph's leaves (or only of ``inputs``).

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> ember.autograd.backward((x * x).sum()); x.grad
    tensor([2., 4.])
    """
    if grad_variables is not None:
        warnings.warn("'grad_variables' is deprecated. Use 'grad_tensors' instead.", FutureWarning, stacklevel=2)
        if grad_tensors is None:
            grad_tensors = grad_variables
        else:
            raise RuntimeError("'grad_tensors' and 'grad_variables' (deprecated) arguments both passed to "
                               "backward(). Please only use 'grad_tensors'.")
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError('`inputs` argument to `backward()` cannot be empty.')
        for t in inputs:
            t.retain_grad()  # a non-leaf input gets its .grad as with retain_grad, as in PyTorch
    tensors = _as_tuple(tensors)
    if retain_graph is None:
        retain_graph = create_graph
    if create_graph and inputs is None:
        warnings.warn('Using backward() with create_graph=True will create a reference cycle between the parameter '
                      'and its gradient which can cause a memory leak. We recommend using autograd.grad when creating '
                      'the graph to avoid this. If you have to use this function, make sure to reset the .grad fields '
                      'of your parameters to None after use to break the cycle and avoid the leak.', UserWarning,
                      stacklevel=3)
    roots = _roots(tensors, grad_tensors)
    _engine.run_backward(roots, retain_graph, create_graph, inputs=inputs, accumulate=True)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, only_inputs=True,
         allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated into ``.grad``).

    >>> x = ember.tensor(3., requires_grad=True)
    >>> ember.autograd.grad(x ** 2, x)
    (tensor(6.),)
    """
    if materialize_grads and allow_unused is False:
        raise ValueError('Expected allow_unused to be True or not passed when materialize_grads=True, but got: '
                         'allow_unused=False.')
    if allow_unused is None:
        allow_unused = materialize_grads
    outputs = _as_tuple(outputs)
    keys = None
    if type(inputs) is dict:
        keys = list(inputs)
        inputs = tuple(inputs.values())
    else:
        inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError('`inputs` argument to `grad()` cannot be empty.')
    if not only_inputs:
        warnings.warn('only_inputs argument is deprecated and is ignored now (defaults to True). To accumulate '
                      'gradient for other parts of the graph, please use torch.autograd.backward.', FutureWarning,
                      stacklevel=2)
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError('One of the differentiated Tensors does not require grad')
    if retain_graph is None:
        retain_graph = create_graph
    if is_grads_batched:
        results = _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused)
    else:
        roots = _roots(outputs, grad_outputs)
        results = _engine.run_backward(roots, retain_graph, create_graph, inputs=inputs, accumulate=False,
                                       allow_unused=allow_unused)
    if materialize_grads:
        results = [r if r is not None else _zeros_of(t) for r, t in zip(results, inputs)]
    results = tuple(results)
    if keys is not None:
        return dict(zip(keys, results))
    return results


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """``is_grads_batched``: one backward per row of the grad_outputs, stacked (ember has no vmap)."""
    from .. import stack  # noqa: PLC0415
    grad_outputs = _as_tuple(grad_outputs)
    batch = grad_outputs[0].shape[0]
    rows = []
    for b in range(batch):
        roots = _roots(outputs, tuple(g[b] for g in grad_outputs))
        rows.append(_engine.run_backward(roots, True if b < batch - 1 else retain_graph, create_graph,
                                         inputs=inputs, accumulate=False, allow_unused=allow_unused))
    return [None if rows[0][i] is None else stack([r[i] for r in rows]) for i in range(len(inputs))]


def _zeros_of(t):
    return _function._Tensor._make(_function._xp_of(t._data).zeros(t._data.shape, dtype=t._data.dtype))


class detect_anomaly:
    """Context manager that makes backward raise, naming the op, when a backward function returns NaN, and warns
    which node failed when backward raises.

    >>> with ember.autograd.detect_anomaly():
    ...     loss.backward()
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan
        self._prev = _engine._Anomaly.enabled
        self._prev_check_nan = _engine._Anomaly.check_nan
        warnings.warn('Anomaly Detection has been enabled. This mode will increase the runtime and should only be '
                      'enabled for debugging.', UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        self._prev = _engine._Anomaly.enabled
        self._prev_check_nan = _engine._Anomaly.check_nan
        _engine._Anomaly.enabled = True
        _engine._Anomaly.check_nan = self.check_nan

    def __exit__(self, *exc) -> None:
        _engine._Anomaly.enabled = self._prev
        _engine._Anomaly.check_nan = self._prev_check_nan


class set_detect_anomaly:
    """Turn anomaly detection on or off: immediately when called, undone on exit as a context manager."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = _engine._Anomaly.enabled, _engine._Anomaly.check_nan
        _engine._Anomaly.enabled, _engine._Anomaly.check_nan = bool(mode), bool(check_nan)

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc) -> None:
        _engine._Anomaly.enabled, _engine._Anomaly.check_nan = self._prev


def is_anomaly_enabled() -> bool:
    return _engine._Anomaly.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return _engine._Anomaly.check_nan


from .gradcheck import GradcheckError, gradcheck, gradgradcheck  # noqa: E402
from . import functional, graph  # noqa: E402

"""nn.Parameter, nn.Buffer and the uninitialised (lazy) variants."""
from __future__ import annotations

from .._tensor import Tensor

__all__ = ['Parameter', 'UninitializedParameter', 'is_lazy', 'Buffer', 'UninitializedBuffer',
           'UninitializedTensorMixin']


def _empty(device=None, dtype=None):
    from .._creation import empty  # noqa: PLC0415
    return empty(0, device=device, dtype=dtype)


def _share(cls, data, requires_grad):
    """A ``cls`` instance over ``data``'s array and version counter (PyTorch's ``_make_subclass``)."""
    if not isinstance(data, Tensor):
        raise TypeError(f'Parameter(): argument \'data\' must be Tensor, not {type(data).__name__}')
    self = object.__new__(cls)
    self._data = data._data
    self._dtype = data._dtype
    self._requires_grad = False
    self._grad_fn = None
    self._version_counter = data._version_counter
    if requires_grad:
        if data._dtype._kind < 2:
            raise RuntimeError('Only Tensors of floating point and complex dtype can require gradients')
        self._requires_grad = True
    return self


class _ParameterMeta(type):
    def __instancecheck__(cls, instance):
        if cls is Parameter and isinstance(instance, Tensor) and getattr(instance, '_is_param', False):
            return True
        return super().__instancecheck__(instance)


class Parameter(Tensor, metaclass=_ParameterMeta):
    """A Tensor that a Module registers as a parameter when assigned as an attribute; ``requires_grad=True`` by
    default (even under ``no_grad``). It shares memory with ``data``.

    >>> ember.nn.Parameter(ember.tensor([1., 2.]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            data = _empty()
        return _share(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()

    def __reduce_ex__(self, protocol):
        state = {k: v for k, v in self.__dict__.items() if not k.startswith('_')}
        if state:
            return (_rebuild_parameter_with_state, (self.detach(), self._requires_grad, state))
        return (_rebuild_parameter, (self.detach(), self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, state):
    param = Parameter(data, requires_grad)
    param.__dict__.update(state)
    return param


class _BufferMeta(type):
    def __instancecheck__(cls, instance):
        if cls is Buffer and isinstance(instance, Tensor) and getattr(instance, '_is_buffer', False):
            return True
        return super().__instancecheck__(instance)


class Buffer(Tensor, metaclass=_BufferMeta):
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute; returns a detached Tensor.

    >>> m = ember.nn.Module(); m.running = ember.nn.Buffer(ember.zeros(2)); list(m.state_dict())
    ['running']
    """

    def __new__(cls, data=None, *, persistent=True):
        if data is None:
            data = _empty()
        t = data.detach()
        if data.requires_grad:
            t.requires_grad_(True)
        t.persistent = persistent
        t._is_buffer = True
        return t


class UninitializedTensorMixin:
    """A parameter or buffer whose shape is not known yet; ``materialize(shape)`` allocates it."""

    cls_to_become = Tensor

    def materialize(self, shape, device=None, dtype=None) -> None:
        """Allocate the data (uninitialised values) and become ``cls_to_become``."""
        if device is None:
            device = self.device
        if dtype is None:
            dtype = self._dtype
        if isinstance(shape, int):
            shape = (shape,)
        from .._creation import empty  # noqa: PLC0415
        t = empty(tuple(shape), device=device, dtype=dtype)
        self._data = t._data
        self._dtype = t._dtype
        self.__class__ = self.cls_to_become

    @property
    def shape(self):
        raise RuntimeError("Can't access the shape of an uninitialized parameter or buffer. This error usually happens "
                           'in `load_state_dict` when trying to load an uninitialized parameter into an initialized '
                           'one. Call `forward` to initialize the parameters before accessing their attributes.')

    def share_memory_(self):
        raise RuntimeError("Can't share memory on an uninitialized parameter or buffer. Call `forward` to initialize "
                           'the parameters before calling `module.share_memory()`.')

    def __repr__(self):
        return f'<{self.__class__.__name__}>'

    def __reduce_ex__(self, protocol):
        return (self.__class__, (self.requires_grad,))


def is_lazy(param) -> bool:
    """Whether ``param`` is an UninitializedParameter or UninitializedBuffer."""
    return isinstance(param, UninitializedTensorMixin)


class UninitializedParameter(UninitializedTensorMixin, Parameter):
    """A Parameter of unknown shape (the lazy modules' weights); materialised on the first forward."""

    cls_to_become = Parameter

    def __new__(cls, requires_grad=True, device=None, dtype=None):
        return _share(cls, _empty(device, dtype), requires_grad)

    def __init__(self, requires_grad=True, device=None, dtype=None):
        pass

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.requires_grad, self.device, self._dtype)
        memo[id(self)] = result
        return result


class UninitializedBuffer(UninitializedTensorMixin, Tensor):
    """A buffer of unknown shape; materialised on the first forward."""

    cls_to_become = Tensor

    def __new__(cls, requires_grad=False, device=None, dtype=None, persistent=True):
        t = _share(cls, _empty(device, dtype), requires_grad)
        t.persistent = persistent
        t._is_buffer = True
        return t

    def __init__(self, requires_grad=False, device=None, dtype=None, persistent=True):
        pass

"""nn.Parameter, nn.Buffer and the uninitialised (lazy) variants."""
from __future__ import annotations

from .._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that a Module registers as a parameter (``requires_grad=True`` by default)."""

    _is_param = True

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from .._creation import empty  # noqa: PLC0415
            data = empty(0)
        self = object.__new__(cls)
        self._data = data._data
        self._dtype = data._dtype
        self._requires_grad = False
        self._grad_fn = None
        self._version_counter = data._version_counter
        if requires_grad:
            self.requires_grad_(True)
        return self

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return 'Parameter containing:\n' + super().__repr__()

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.detach(), self._requires_grad))


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer:
    """Marks a tensor to be registered as a buffer when assigned to a Module attribute."""

    def __new__(cls, data=None, *, persistent=True):
        from .._creation import empty  # noqa: PLC0415
        t = (data if data is not None else empty(0)).detach()
        t._buffer_persistent = persistent
        t._is_buffer_marker = True
        return t


class UninitializedParameter(Parameter):
    """A parameter whose shape is not known yet (LazyLinear); ``materialize(shape)`` allocates it."""

    cls_to_become = Parameter

    def materialize(self, shape, device=None, dtype=None):
        from .._creation import empty  # noqa: PLC0415
        t = empty(*shape, dtype=dtype or self._dtype, device=device)
        self._data = t._data
        self._dtype = t._dtype
        self.__class__ = self.cls_to_become


class UninitializedBuffer(Tensor):
    """A buffer whose shape is not known yet."""

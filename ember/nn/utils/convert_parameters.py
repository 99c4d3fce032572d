"""Flatten parameters into one vector and back."""
from __future__ import annotations

from ..._tensor import Tensor
from ..modules.module import typename

__all__ = ['parameters_to_vector', 'vector_to_parameters']


def _check_param_device(param, old_param_device):
    if old_param_device is None:
        return param.get_device() if param.is_cuda else -1
    warn = param.get_device() != old_param_device if param.is_cuda else old_param_device != -1
    if warn:
        raise TypeError('Found two parameters on different devices, this is currently not supported.')
    return old_param_device


def parameters_to_vector(parameters) -> Tensor:
    """The parameters flattened and concatenated into one 1-D tensor.

    >>> ember.nn.utils.parameters_to_vector(ember.nn.Linear(2, 3).parameters()).shape
    torch.Size([9])
    """
    from ... import cat  # noqa: PLC0415
    device = None
    vec = []
    for param in parameters:
        device = _check_param_device(param, device)
        vec.append(param.reshape(-1))
    return cat(vec)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (their ``.data`` is replaced by views of ``vec``)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f'expected torch.Tensor, but got: {typename(vec)}')
    device = None
    pointer = 0
    for param in parameters:
        device = _check_param_device(param, device)
        n = param.numel()
        param.data = vec[pointer:pointer + n].view_as(param).data
        pointer += n

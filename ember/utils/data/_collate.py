"""default_collate / default_convert: samples to batches, as PyTorch's."""
from __future__ import annotations

import collections.abc
import re

import numpy

__all__ = ['default_collate', 'default_convert']

_NP_STR = re.compile(r'[SaUO]')
_COLLATE_ERROR = ('default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}')


def default_convert(data):
    """NumPy arrays (and scalars) to tensors, recursively through mappings and sequences."""
    import ember  # noqa: PLC0415
    if isinstance(data, ember.Tensor):
        return data
    if isinstance(data, numpy.ndarray):
        return data if _NP_STR.search(data.dtype.str) else ember.as_tensor(data)
    if isinstance(data, numpy.generic) and not isinstance(data, (numpy.str_, numpy.bytes_)):
        return ember.as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        try:
            return type(data)({k: default_convert(v) for k, v in data.items()})
        except TypeError:
            return {k: default_convert(v) for k, v in data.items()}
    if isinstance(data, tuple) and hasattr(data, '_fields'):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        try:
            return type(data)([default_convert(d) for d in data])
        except TypeError:
            return [default_convert(d) for d in data]
    return data


def default_collate(batch):
    """Stack a list of samples into a batch: tensors stack, numbers become tensors, containers recurse.

    >>> default_collate([(ember.zeros(2), 0), (ember.ones(2), 1)])
    [tensor([[0., 0.], [1., 1.]]), tensor([0, 1])]
    """
    import ember  # noqa: PLC0415
    elem = batch[0]
    elem_type = type(elem)
    if isinstance(elem, ember.Tensor):
        return ember.stack(list(batch), 0)
    if elem_type.__module__ == 'numpy' and elem_type.__name__ not in ('str_', 'string_'):
        if elem_type.__name__ in ('ndarray', 'memmap'):
            if _NP_STR.search(elem.dtype.str):
                raise TypeError(_COLLATE_ERROR.format(elem.dtype))
            return default_collate([ember.as_tensor(b) for b in batch])
        if elem.shape == ():
            return ember.as_tensor(numpy.array(batch))
    if isinstance(elem, bool):
        return ember.tensor(batch)
    if isinstance(elem, float):
        return ember.tensor(batch, dtype=ember.float64)
    if isinstance(elem, int):
        return ember.tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, collections.abc.Mapping):
        try:
            return elem_type({key: default_collate([d[key] for d in batch]) for key in elem})
        except TypeError:
            return {key: default_collate([d[key] for d in batch]) for key in elem}
    if isinstance(elem, tuple) and hasattr(elem, '_fields'):
        return elem_type(*(default_collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        it = iter(batch)
        elem_size = len(next(it))
        if not all(len(e) == elem_size for e in it):
            raise RuntimeError('each element in list of batch should be of equal size')
        transposed = list(zip(*batch))
        if isinstance(elem, tuple):
            return [default_collate(samples) for samples in transposed]
        try:
            return elem_type([default_collate(samples) for samples in transposed])
        except TypeError:
            return [default_collate(samples) for samples in transposed]
    raise TypeError(_COLLATE_ERROR.format(elem_type))

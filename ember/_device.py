"""ember.device: where a tensor lives ('cpu' or 'cuda[:index]')."""
from __future__ import annotations


class device:
    """A device, like ``torch.device``.

    >>> ember.device('cuda:1').index
    1
    """

    __slots__ = ('type', 'index')
    _cache: dict = {}

    def __new__(cls, type_or_device='cpu', index=None):
        if isinstance(type_or_device, device) and index is None:
            return type_or_device
        key = (type_or_device, index)
        cached = cls._cache.get(key)
        if cached is not None:
            return cached
        if isinstance(type_or_device, int) and not isinstance(type_or_device, bool):
            type_, idx = 'cuda', type_or_device
        elif isinstance(type_or_device, str):
            type_, _, rest = type_or_device.partition(':')
            idx = index
            if rest:
                if index is not None:
                    raise RuntimeError(f'type (string) must not include an index because index was passed '
                                       f'explicitly: {type_or_device}')
                if not rest.isdigit():
                    raise RuntimeError(f'Invalid device string: {type_or_device!r}')
                idx = int(rest)
        else:
            raise TypeError(f'device(): argument must be str or int, not {type(type_or_device).__name__}')
        if type_ not in ('cpu', 'cuda', 'meta'):
            raise RuntimeError(f'Expected one of cpu, cuda, meta device type at start of device string: '
                               f'{type_or_device}')
        if idx is not None and idx < 0:
            raise RuntimeError('Device index must not be negative')
        self = object.__new__(cls)
        object.__setattr__(self, 'type', type_)
        object.__setattr__(self, 'index', idx)
        if len(cls._cache) < 256:
            cls._cache[key] = self
        return self

    def __setattr__(self, name, value):
        raise AttributeError(f'ember.device is immutable: cannot set {name!r}')

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f'{self.type}:{self.index}'

    def __eq__(self, other):
        if not isinstance(other, device):
            return NotImplemented  # PyTorch: device('cpu') == 'cpu' is False
        return self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device('cpu')

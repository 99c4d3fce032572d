"""ember.Size: the tuple subclass returned by ``Tensor.shape`` and ``Tensor.size()``."""
from __future__ import annotations


class Size(tuple):
    """A tensor's shape, as ``torch.Size``.

    >>> ember.zeros(2, 3).shape
    torch.Size([2, 3])
    """

    __slots__ = ()

    def __new__(cls, sizes=()):
        sizes = tuple(sizes)
        for i, n in enumerate(sizes):
            if type(n) is not int:
                if isinstance(n, bool) or not hasattr(n, '__index__') or isinstance(n, float):
                    raise TypeError(f"torch.Size() takes an iterable of 'int' (item {i} is '{type(n).__name__}')")
                sizes = sizes[:i] + (n.__index__(),) + sizes[i + 1:]
        return tuple.__new__(cls, sizes)

    def __repr__(self):
        return f'torch.Size({list(self)})'

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        result = tuple.__getitem__(self, item)
        return Size(result) if isinstance(item, slice) else result

    def __add__(self, other):
        return Size(tuple.__add__(self, tuple(other)))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def __reduce__(self):
        return (Size, (tuple(self),))

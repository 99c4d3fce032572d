"""Random sampling: in-place fills (uniform_, normal_, ...) and the sampling functions, driven by ember.Generator."""
from __future__ import annotations

__all__ = []  # the ember.* functions of this family


class RandomMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

"""(being written)"""
from __future__ import annotations

__all__ = []  # the ember.* functions of this family


class ShapeJoinMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

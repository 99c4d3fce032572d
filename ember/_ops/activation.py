"""Activation primitives and functions (see the family's owner)."""
from __future__ import annotations

__all__ = []  # the ember.* functions of this family


class ActivationMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

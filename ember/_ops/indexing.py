"""Indexing: __getitem__/__setitem__ (basic and advanced), gather/scatter, index_*, masked_*, take, nonzero."""
from __future__ import annotations

__all__ = []  # the ember.* functions of this family


class IndexingMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

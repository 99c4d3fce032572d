"""Loss functions of ember.nn.functional (re-exported there)."""
from __future__ import annotations

__all__ = []

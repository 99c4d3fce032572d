"""nn.Module: PyTorch's registration, traversal, state_dict and hooks."""
from __future__ import annotations


class Module:
    """Base class of all layers."""

"""ember.autograd.graph: the Node type of backward-graph objects (``grad_fn``)."""
from .function import Node

__all__ = ['Node']

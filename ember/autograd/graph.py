"""ember.autograd.graph: the Node type of backward-graph objects (``grad_fn``) and gradient edges."""
from __future__ import annotations

from typing import NamedTuple

from .function import Node, _edge

__all__ = ['Node', 'GradientEdge', 'get_gradient_edge']


class GradientEdge(NamedTuple):
    """Where a tensor's gradient flows: a node of the graph and which of its inputs (``output_nr``)."""

    node: Node
    output_nr: int


def get_gradient_edge(tensor) -> GradientEdge:
    """The edge a gradient for ``tensor`` flows into (its ``grad_fn``, or its ``AccumulateGrad`` for a leaf)."""
    if not tensor.requires_grad:
        raise RuntimeError('It is not possible to get the gradient edge for a Tensor that does not require gradients')
    return GradientEdge(*_edge(tensor))

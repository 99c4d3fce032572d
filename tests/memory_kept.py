"""How many bytes a training loop that keeps its losses alive (``total += loss``, ``losses.append(loss)``) holds."""
from __future__ import annotations

import tracemalloc


def bytes_kept_by_losses(loss_fn, retain_graph, steps=2, warmup=2):
    """Run ``warmup`` forward/backward passes (parameter .grad buffers, compiled plans), then ``steps`` more that
    keep each loss; return the bytes NumPy and Python still hold for those kept losses (tracemalloc)."""
    for _ in range(warmup):
        loss_fn().backward()
    tracemalloc.start()
    try:
        losses = []
        for _ in range(steps):
            loss = loss_fn()
            loss.backward(retain_graph=retain_graph)
            losses.append(loss)
        return tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()

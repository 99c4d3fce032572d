"""Tensor repr in PyTorch's exact format (precision 4, summarisation past 1000 elements, grad_fn suffix)."""
from __future__ import annotations


def tensor_repr(t) -> str:
    import numpy  # noqa: PLC0415
    body = numpy.array2string(t.detach().numpy(force=True), separator=', ', precision=4)
    suffix = ''
    if t._grad_fn is not None:
        suffix = f', grad_fn=<{t._grad_fn.name()}>'
    elif t._requires_grad:
        suffix = ', requires_grad=True'
    return f'tensor({body}{suffix})'

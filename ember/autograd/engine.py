"""The backward engine: one sweep over the graph in reverse topological order.

What is generic lives here and nowhere else: dependency counting, gradient accumulation for shared inputs,
un-broadcasting a gradient to its input's shape, casting it to the input's dtype, tensor hooks, capturing gradients
for ``autograd.grad``, freeing saved tensors unless ``retain_graph``, and anomaly checks.
"""
from __future__ import annotations

import heapq

from . import function as _function
from .function import AccumulateGrad
from .grad_mode import _State


class _Anomaly:
    enabled = False
    check_nan = True


def _sum_to(grad, shape, node):
    """Reduce a broadcast gradient back to ``shape`` (the input's), or say which op returned the wrong shape."""
    gshape = grad._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, gshape[lead:])):
        raise RuntimeError(f'Function {node.name()} returned an invalid gradient - got {list(gshape)} but expected '
                           f'shape compatible with {list(shape)}')
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def run_backward(roots, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False):
    """Propagate ``roots`` — a list of ((node, output_nr), grad) — through the graph.

    With ``accumulate``, leaves' ``.grad`` receive gradients (restricted to ``inputs`` when given); otherwise the
    gradients reaching ``inputs`` are returned, in order.
    """
    Tensor = _function._Tensor
    capture = None
    results = None
    only = None
    if inputs is not None:
        results = [None] * len(inputs)
        capture = {}
        for i, t in enumerate(inputs):
            node, nr = _function._edge(t)
            capture.setdefault(node, []).append((nr, i))
        if accumulate:
            only = set(capture)

    # discover the graph and count, for each node, the edges that reach it
    deps = {}
    stack = []
    for (node, _), _g in roots:
        if node not in deps:
            deps[node] = 0
            stack.append(node)
    while stack:
        node = stack.pop()
        for child, _ in node.next_functions:
            if child is None:
                continue
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                stack.append(child)
    needed = None if capture is None else _needed(deps, capture)

    buffers = {}
    for (node, nr), grad in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._num_outputs
        buf[nr] = grad if buf[nr] is None else buf[nr] + grad
    ready = []
    for node in buffers:
        if deps[node] == 0:
            heapq.heappush(ready, (-node._seq, id(node), node))

    prev_mode = _State.enabled
    _State.enabled = create_graph
    try:
        while ready:
            node = heapq.heappop(ready)[2]
            grads = buffers.pop(node, None)
            children = node.next_functions
            run = needed is None or node in needed
            if run and grads is not None:
                if node._pre_hooks:
                    grads = _run_tensor_hooks(node, grads)
                if capture is not None and node in capture:
                    for nr, i in capture[node]:
                        results[i] = grads[nr]
                if type(node) is AccumulateGrad:
                    if accumulate and (only is None or node in only):
                        _accumulate(node, grads[0], create_graph)
                    continue
                if accumulate is False and only is None and capture is not None and node in capture and \
                        not any(c in needed for c, _ in children if c is not None):
                    run = False  # nothing past a captured input is wanted
            else:
                run = False
            if run:
                if node._node_pre_hooks:
                    for hook in node._node_pre_hooks:
                        new = hook(tuple(grads))
                        if new is not None:
                            grads = list(new)
                in_grads = node._call_backward(grads)
                if len(in_grads) != len(children):
                    raise RuntimeError(f'function {node.name()} returned an incorrect number of gradients (expected '
                                       f'{len(children)}, got {len(in_grads)})')
                if node._hooks:
                    for hook in node._hooks:
                        new = hook(tuple(in_grads), tuple(grads))
                        if new is not None:
                            in_grads = tuple(new)
                if not retain_graph:
                    node._release()
                if _Anomaly.enabled:
                    _check_anomaly(node, in_grads)
                meta = node._input_meta
                for i, (child, nr) in enumerate(children):
                    if child is None:
                        continue
                    grad = in_grads[i]
                    if grad is not None:
                        if not isinstance(grad, Tensor):
                            raise TypeError(f'function {node.name()} returned a gradient of type '
                                            f'{type(grad).__name__} for input {i}, expected a Tensor or None')
                        shape, dtype = meta[i]
                        if grad._data.shape != shape:
                            grad = _sum_to(grad, shape, node)
                        if grad._dtype is not dtype:
                            grad = grad.to(dtype)
                        buf = buffers.get(child)
                        if buf is None:
                            buf = buffers[child] = [None] * child._num_outputs
                        buf[nr] = grad if buf[nr] is None else buf[nr] + grad
                    deps[child] -= 1
                    if deps[child] == 0:
                        heapq.heappush(ready, (-child._seq, id(child), child))
            else:
                for child, _ in children:
                    if child is None:
                        continue
                    deps[child] -= 1
                    if deps[child] == 0:
                        heapq.heappush(ready, (-child._seq, id(child), child))
    finally:
        _State.enabled = prev_mode
    if results is not None and not accumulate:
        for i, r in enumerate(results):
            if r is None and not allow_unused:
                raise RuntimeError('One of the differentiated Tensors appears to not have been used in the graph. '
                                   'Set allow_unused=True if this is the desired behavior.')
    return results


def _needed(deps, capture):
    """Nodes from which some captured edge can be reached: only they run when gradients are captured."""
    parents = {}
    for node in deps:
        for child, _ in node.next_functions:
            if child is not None:
                parents.setdefault(child, []).append(node)
    needed = set(n for n in capture if n in deps)
    frontier = list(needed)
    while frontier:
        node = frontier.pop()
        for parent in parents.get(node, ()):
            if parent not in needed:
                needed.add(parent)
                frontier.append(parent)
    return needed


def _run_tensor_hooks(node, grads):
    grads = list(grads)
    for nr, hooks in node._pre_hooks.items():
        if grads[nr] is None:
            continue
        for hook in list(hooks):
            new = hook(grads[nr])
            if new is not None:
                grads[nr] = new
    return grads


def _accumulate(node, grad, create_graph):
    variable = node.variable
    if variable is None:
        return
    if variable._grad is None:
        if create_graph:
            variable._grad = grad
        else:
            variable._grad = _function._Tensor._make(grad._data.copy())
    elif create_graph or variable._grad._requires_grad:
        variable._grad = variable._grad + grad
    else:
        old = variable._grad
        if old._data.shape == grad._data.shape and old._data.dtype == grad._data.dtype and \
                old._data.flags.writeable:
            old._data += grad._data
            old._version_counter[0] += 1
        else:
            variable._grad = _function._Tensor._make(old._data + grad._data)
    hooks = variable._post_accumulate_hooks
    if hooks:
        for hook in hooks:
            hook(variable)


def _check_anomaly(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g._dtype._kind >= 2 and bool(node.xp.isnan(g._data).any() if hasattr(node, 'xp')
                                                          else g.isnan().any().item()):
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")

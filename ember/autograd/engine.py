"""The backward engine: one sweep over the graph in reverse topological order.

What is generic lives here and nowhere else: dependency counting, gradient accumulation for shared inputs,
un-broadcasting a gradient to its input's shape, casting it to the input's dtype, tensor and node hooks, capturing
gradients for ``autograd.grad``, freeing saved tensors unless ``retain_graph``, and anomaly checks.

Ready nodes run in decreasing creation order (PyTorch's priority by sequence number), so hooks fire in PyTorch's
order; a leaf's ``AccumulateGrad`` runs as soon as all its gradients have arrived.

NOTE [ Array backward ]
Without ``create_graph`` (and outside anomaly mode) a primitive may define ``backward_array(ctx, *grad_arrays)``: the
same formula as its ``backward`` on raw arrays (same ufuncs in the same order, so the same bits), or
``NotImplemented`` to decline (complex, bfloat16, mixed dtypes). Gradient buffers then hold raw arrays between such
nodes; anything that needs Tensors (hooks, ``autograd.grad``'s captures, leaves, other nodes, un-broadcasting and
dtype casts) wraps them first. ``ARRAY_BACKWARD = False`` turns the path off (tests compare the two).
"""
from __future__ import annotations

from heapq import heappop, heappush
from sys import getrefcount

import numpy

from .._backend.reduce import lead_sum
from . import function as _function
from .function import AccumulateGrad
from .grad_mode import _State


ARRAY_BACKWARD = True  # NOTE [ Array backward ]
_generic = numpy.generic
_ndarray = numpy.ndarray


class _Anomaly:
    enabled = False
    check_nan = True


def run_backward(roots, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False):
    """Propagate ``roots`` — a list of ((node, output_nr), grad) — through the graph.

    With ``accumulate``, leaves' ``.grad`` receive gradients (only those of ``inputs`` when given); otherwise the
    gradients reaching ``inputs`` are returned, in order, and nothing is accumulated.
    """
    Tensor = _function._Tensor
    # discover the graph and count, for each node, the edges that reach it
    deps = {}
    stack = []
    for (node, _), _grad in roots:
        if node not in deps:
            deps[node] = 0
            stack.append(node)
    while stack:
        for child, _ in stack.pop().next_functions:
            if child is not None:
                count = deps.get(child)
                if count is None:
                    deps[child] = 1
                    stack.append(child)
                else:
                    deps[child] = count + 1

    capture = execute = results = None
    if inputs is not None:
        results = [None] * len(inputs)
        capture = {}
        for i, t in enumerate(inputs):
            node, nr = _function._edge(t)
            capture.setdefault(node, []).append((nr, i))
        execute = _to_execute(deps, capture)

    buffers = {}
    for (node, nr), grad in roots:
        buf = buffers.get(node)
        if buf is None:
            buf = buffers[node] = [None] * node._num_outputs
        buf[nr] = grad if buf[nr] is None else _add(buf[nr], grad, create_graph)
    ready = []
    for node in buffers:
        if deps[node] == 0:
            heappush(ready, (-node._seq, node))

    prev_mode = _State.enabled
    _State.enabled = create_graph
    make = Tensor._make
    arrays_ok = ARRAY_BACKWARD and not create_graph and not _Anomaly.enabled  # NOTE [ Array backward ]
    try:
        nxt = None  # the only ready node, kept out of the heap (a chain never touches the heap)
        while True:
            if nxt is not None:
                node = nxt
                nxt = None
            elif ready:
                node = heappop(ready)[1]
            else:
                break
            grads = buffers.pop(node, None)
            children = node.next_functions
            if grads is not None:
                if node._has_hooks and (node._pre_hooks is not None or node._retain_hooks is not None):
                    grads = _run_tensor_hooks(node, _wrap(grads, make) if arrays_ok else grads)
                if capture is not None and node in capture:
                    if arrays_ok:
                        grads = _wrap(grads, make)
                    for nr, i in capture[node]:
                        results[i] = grads[nr]
                if type(node) is AccumulateGrad:
                    if accumulate and (capture is None or node in capture):
                        leaf_grad = grads[0]
                        grads = in_grads = grad = None  # drop the engine's other references (see _accumulate)
                        if not isinstance(leaf_grad, Tensor):
                            leaf_grad = make(leaf_grad)
                        _accumulate(node, leaf_grad, create_graph)
                        leaf_grad = None
                    continue
                if execute is not None and node not in execute:
                    grads = None
            if grads is None:  # no gradient reached this node, or nothing past it is wanted
                for child, _ in children:
                    if child is not None:
                        count = deps[child] - 1
                        deps[child] = count
                        if count == 0:
                            heappush(ready, (-child._seq, child))
                continue
            as_arrays = False
            if arrays_ok:
                fast = node.backward_array if node._primitive and not node._has_hooks else None
                if fast is not None:
                    if len(grads) == 1:
                        g = grads[0]
                        in_grads = fast(node, g._data if isinstance(g, Tensor) else g)
                        g = None
                    else:
                        in_grads = fast(node, *[g._data if isinstance(g, Tensor) else g for g in grads])
                    if in_grads is not NotImplemented:
                        as_arrays = True
                if not as_arrays:
                    grads = _wrap(grads, make)
            if as_arrays:
                if type(in_grads) is not tuple:
                    in_grads = (in_grads,)
                positions = node._tensor_positions
                if positions is not None:
                    in_grads = tuple([in_grads[i] for i in positions])
            else:
                if node._node_pre_hooks:
                    for hook in list(node._node_pre_hooks):
                        new = hook(tuple(grads))
                        if new is not None:
                            grads = list(new)
                if _Anomaly.enabled:
                    in_grads = _call_with_anomaly(node, grads)
                elif node._primitive:  # Primitive._call_backward, inlined
                    in_grads = node.backward(node, *grads)
                    if type(in_grads) is not tuple:
                        in_grads = (in_grads,)
                    positions = node._tensor_positions
                    if positions is not None:
                        in_grads = tuple([in_grads[i] for i in positions])
                else:
                    in_grads = node._call_backward(grads)
            if len(in_grads) != len(children):
                raise RuntimeError(f'function {node.name()} returned an incorrect number of gradients (expected '
                                   f'{len(children)}, got {len(in_grads)})')
            if not as_arrays and node._hooks:
                for hook in list(node._hooks):
                    new = hook(tuple(in_grads), tuple(grads))
                    if new is not None:
                        in_grads = tuple(new)
            if not retain_graph and node._saved:
                node._saved = None  # free the saved tensors
            meta = node._input_meta
            i = 0
            for child, nr in children:
                if child is not None:
                    grad = in_grads[i]
                    if grad is not None:
                        shape, dtype = meta[i]
                        if type(grad) is _ndarray:
                            if not as_arrays or grad.shape != shape or grad.dtype is not dtype.np:
                                grad = _check_grad(grad, shape, dtype, node, i, as_arrays)
                        elif type(grad) is not Tensor or grad._data.shape != shape or grad._dtype is not dtype:
                            grad = _check_grad(grad, shape, dtype, node, i, as_arrays)
                        buf = buffers.get(child)
                        if buf is None:
                            if child._num_outputs == 1:
                                buffers[child] = [grad]
                            else:
                                buf = buffers[child] = [None] * child._num_outputs
                                buf[nr] = grad
                        else:
                            buf[nr] = grad if buf[nr] is None else _add(buf[nr], grad, create_graph)
                    count = deps[child] - 1
                    deps[child] = count
                    if count == 0:
                        if nxt is None and not ready:
                            nxt = child
                        else:
                            if nxt is not None:
                                heappush(ready, (-nxt._seq, nxt))
                                nxt = None
                            heappush(ready, (-child._seq, child))
                i += 1
    finally:
        _State.enabled = prev_mode
    if results is not None and not accumulate and not allow_unused:
        for i, r in enumerate(results):
            if r is None:
                raise RuntimeError(f'The differentiated Tensor at index {i} appears to not have been used in the '
                                   'graph. Set allow_unused=True if this is the desired behavior.')
    return results


def _to_execute(deps, capture):
    """The nodes whose backward must run for gradients to reach the captured edges (PyTorch's exec_info)."""
    parents = {}
    for node in deps:
        for child, _ in node.next_functions:
            if child is not None:
                parents.setdefault(child, []).append(node)
    needed = set(n for n in capture if n in deps)
    frontier = list(needed)
    execute = set()
    while frontier:
        node = frontier.pop()
        for parent in parents.get(node, ()):
            execute.add(parent)
            if parent not in needed:
                needed.add(parent)
                frontier.append(parent)
    return execute


def _check_grad(grad, shape, dtype, node, index, as_arrays):
    """A gradient for input ``index`` of ``node`` with that input's shape and dtype (un-broadcast and cast as
    needed); raw arrays are accepted only from an array backward (NOTE [ Array backward ])."""
    Tensor = _function._Tensor
    if not isinstance(grad, Tensor):
        if not as_arrays:
            raise TypeError(f'function {node.name()} returned a gradient of type {type(grad).__name__} for input '
                            f'{index}, expected a Tensor or None')
        if isinstance(grad, _generic):  # a NumPy scalar from a 0-dim ufunc
            grad = numpy.asarray(grad)
        if grad.shape == shape and grad.dtype == dtype.np:
            return grad
        grad = Tensor._make(grad)  # un-broadcasting and casts take the Tensor path
    if grad._data.shape != shape:
        grad = _sum_to(grad, shape, node, index)
    if grad._dtype is not dtype:
        grad = grad.to(dtype)
    return grad


def _wrap(grads, make):
    """A node's incoming gradients as Tensors (the buffers may hold raw arrays: NOTE [ Array backward ])."""
    Tensor = _function._Tensor
    for g in grads:
        if g is not None and not isinstance(g, Tensor):
            return [g if g is None or isinstance(g, Tensor) else make(g) for g in grads]
    return grads


def _add(a, b, create_graph):
    """Sum two gradients for the same edge (out of place: either may be referenced elsewhere)."""
    Tensor = _function._Tensor
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):  # two raw arrays (NOTE [ Array backward ])
            data = a + b
            return data if type(data) is type(a) else _function._xp_of(a).asarray(data)
        a = Tensor._make(a)
    elif not isinstance(b, Tensor):
        b = Tensor._make(b)
    if create_graph or a._requires_grad or b._requires_grad:
        return a + b
    data = a._data + b._data
    if type(data) is not type(a._data):  # 0-dim arrays add to a scalar
        data = _function._xp_of(a._data).asarray(data)
    return _function._Tensor._make(data)


def _sum_to(grad, shape, node, index):
    """Reduce a broadcast gradient back to ``shape`` (the input's), or say which op returned the wrong shape."""
    gshape = grad._data.shape
    lead = len(gshape) - len(shape)
    if lead < 0 or any(s != 1 and s != g for s, g in zip(shape, gshape[lead:])):
        raise RuntimeError(f'Function {node.name()} returned an invalid gradient at index {index} - got '
                           f'{list(gshape)} but expected shape compatible with {list(shape)}')
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and gshape[lead + i] != 1)
    if dims and len(dims) == lead:  # only leading dims: summed away, no reshape view left behind
        if type(grad._data) is _ndarray and not grad._requires_grad:  # a bias gradient: ones @ (rows, rest)
            return _function._Tensor._make(lead_sum(numpy, grad._data, lead))
        return grad.sum(dims)
    if dims:
        grad = grad.sum(dims, keepdim=True)
    if lead:
        grad = grad.reshape(shape)
    return grad


def _run_tensor_hooks(node, grads):
    """Tensor hooks on this node's outputs (a non-None return replaces the gradient), then retain_grad's."""
    grads = list(grads)
    if node._pre_hooks is not None:
        for nr, hooks in node._pre_hooks.items():
            for hook in list(hooks):
                if grads[nr] is None:
                    break
                new = hook(grads[nr])
                if new is not None:
                    grads[nr] = new
    if node._retain_hooks is not None:
        for nr, hook in node._retain_hooks.items():
            if grads[nr] is not None:
                hook(grads[nr])
    return grads


def _accumulate(node, grad, create_graph):
    """AccumulateGrad: a leaf's first gradient is copied into ``.grad``; later ones are added (in place unless
    ``create_graph``, as PyTorch does)."""
    variable = node.variable
    if variable is None:
        return
    old = variable._grad
    if old is None:
        if create_graph and grad._requires_grad:
            variable._grad = grad.clone()
        elif _stealable(grad):
            variable._grad = grad  # nobody else can see this gradient: keep it instead of copying (as PyTorch does)
        elif _owner_stealable(grad):
            variable._grad = _function._Tensor._make(grad._data.base)  # a view spanning an array nobody else holds
        else:
            variable._grad = _function._Tensor._make(grad._data.copy())
    elif create_graph:
        variable._grad = old + grad
    else:
        data = old._data
        if data.shape == grad._data.shape and data.dtype == grad._data.dtype and \
                getattr(getattr(data, 'flags', None), 'writeable', True):
            data += grad._data
            old._version_counter[0] += 1
        else:
            variable._grad = _function._Tensor._make(old._data + grad._data)
    hooks = variable._post_accumulate_hooks
    if hooks:
        for hook in list(hooks):
            hook(variable)


def _call_with_anomaly(node, grads):
    """Anomaly mode: check the gradients for NaN and say which node failed (PyTorch's warning, without the
    forward traceback ember does not record)."""
    try:
        in_grads = node._call_backward(grads)
        if _Anomaly.check_nan:
            _check_nan(node, in_grads)
    except Exception:
        import warnings  # noqa: PLC0415
        warnings.warn(f'Error detected in {node.name()}. No forward pass information available. Enable detect '
                      'anomaly during forward pass for more information.', UserWarning, stacklevel=2)
        raise
    return in_grads


def _stealable(grad):
    """True when ``grad`` (and its array) is referenced only by the engine: the engine's local, ``_accumulate``'s
    argument and getrefcount's own, and the array only by this Tensor. A hook, a user, another buffer or a view that
    holds either makes this False, and the gradient is copied."""
    data = grad._data
    return (type(grad) is _function._Tensor and getrefcount(grad) <= 4 and getrefcount(data) <= 3 and
            data.base is None and getattr(getattr(data, 'flags', None), 'writeable', False) and
            not grad._requires_grad and grad._grad_fn is None and grad._base is None)


def _owner_stealable(grad):
    """True when ``grad``'s array is a C-contiguous view of the same shape over an array that only ``grad`` (and the
    view tensor it came from, itself held by nobody else) reaches: a product formed transposed and transposed back,
    as F.linear's weight gradient is. The owner then becomes ``.grad`` without a copy."""
    data = grad._data
    base = data.base
    if base is None or type(grad) is not _function._Tensor or getrefcount(grad) > 4 or getrefcount(data) > 3 or \
            grad._requires_grad or grad._grad_fn is not None:
        return False
    allowed = 3
    view = grad._base
    if view is not None:
        if getrefcount(view) > 3 or view._requires_grad or view._base is not None or \
                getattr(view._data, 'base', None) is not base or getrefcount(view._data) > 3:
            return False
        allowed = 4
    return (getrefcount(base) <= allowed and type(base) is type(data) and base.base is None and
            base.shape == data.shape and base.dtype == data.dtype and data.flags.c_contiguous and
            base.flags.c_contiguous and base.flags.writeable and
            data.__array_interface__['data'][0] == base.__array_interface__['data'][0])


def _check_nan(node, grads):
    for i, g in enumerate(grads):
        if g is not None and g._dtype._kind >= 2:
            data = g._data
            if bool(_function._xp_of(data).isnan(data).any()):
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th output.")

"""In-place semantics over out-of-place ops, views, and ``out=``.

NOTE [ Views and in-place ops ]
An in-place op (``x.mul_(2)``, ``x[0] = 1``, ``out=``) is computed out of place by the ordinary primitive, checked,
then written into ``x``'s array, so a failed op changes nothing. Afterwards ``x`` keeps its identity and memory (views
see the new values), its version counter is bumped (so backward catches saved tensors that changed), and it takes
the new node as its ``grad_fn``. A node that saved ``x`` itself as an input gets a snapshot of the old value instead,
as PyTorch saves ``original_self``.

A view shares its input's array memory (a backend view) and its version counter, and records its root ``_base`` and
a ``_view_fn`` that re-takes the view from that base with Tensor ops. An in-place op on a view of a tensor that takes
part in autograd rewrites the base's history with ``CopySlices`` (the base's gradient, with the view's region replaced
by the gradient flowing into the in-place result), then re-takes the view from the base. Views taken in grad mode are
registered (weakly) on their base; after any in-place write that leaves the base requiring grad, the other live views
re-take their ``grad_fn`` from the base, as PyTorch regenerates a stale view's ``grad_fn`` on access.

PyTorch's checks, made before anything is written: a leaf that requires grad (or a view of one) cannot be modified
in grad mode; a tensor whose elements overlap in memory (an ``expand`` output) cannot be written; outputs of an op
that returns several views (``unbind``, ``split``, ``chunk``) cannot be modified in place when autograd is involved.
"""
from __future__ import annotations

import weakref

from ..autograd.function import Primitive, _function_tensor
from ..autograd.grad_mode import _State

_OVERLAP = ('unsupported operation: more than one element of the written-to tensor refers to a single memory '
            'location. Please clone() the tensor before performing the operation.')


def mark_view(out, input, view_fn):
    """Record that ``out`` is a view of ``input``; ``view_fn(t)`` re-takes the same view from a tensor like ``input``.

    The stored ``_view_fn`` re-takes ``out`` from the root base (chained through ``input``'s own). Returns ``out``.
    """
    base = input._base
    if base is None:
        base = input
        out._view_fn = view_fn
    else:
        parent_fn = input._view_fn
        out._view_fn = _chain(parent_fn, view_fn) if parent_fn is not None and view_fn is not None else None
    out._base = base
    out._version_counter = input._version_counter
    if _State.enabled:
        views = base.__dict__.get('_views')
        if views is None:
            views = base.__dict__['_views'] = weakref.WeakSet()
        views.add(out)
    return out


def _chain(parent_fn, view_fn):
    def fn(b):
        return view_fn(parent_fn(b))
    multi = getattr(view_fn, '_multi_output', None) or getattr(parent_fn, '_multi_output', None)
    if multi:
        fn._multi_output = multi
    return fn


def multi_output_view_fn(view_fn, name):
    """Mark ``view_fn`` as taking one of several views returned by one op (``unbind``, ``split``): PyTorch forbids
    modifying those in place when autograd is involved."""
    view_fn._multi_output = name
    return view_fn


def check_inplace(target, result_dtype, result_shape, op, result=None):
    """Raise PyTorch's errors for an in-place op before anything is written."""
    if _State.enabled:
        if target._grad_fn is None and target._requires_grad:
            raise RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.')
        base = target._base
        if base is not None:
            if base._grad_fn is None and base._requires_grad:
                raise RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place '
                                   'operation.')
            multi = getattr(target._view_fn, '_multi_output', None)
            if multi is not None and (base._requires_grad or (result is not None and result._requires_grad)):
                raise RuntimeError(f'Output {target._output_nr} of {multi} is a view and is being modified inplace. '
                                   'This view is the output of a function that returns multiple views. Such '
                                   'functions do not allow the output views to be modified inplace. You should '
                                   'replace the inplace operation by an out-of-place one.')
    data = target._data
    if not data.flags.c_contiguous and _has_overlap(data):
        raise RuntimeError(_OVERLAP)
    if result_dtype._kind > target._dtype._kind:
        raise RuntimeError(f"result type {_type_word(result_dtype)} can't be cast to the desired output type "
                           f'{_type_word(target._dtype)}')
    shape = tuple(data.shape)
    if tuple(result_shape) != shape:
        try:
            ok = _broadcast_shape(result_shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                               f'{list(_broadcast_or(result_shape, shape))}')


def _has_overlap(data):
    """Whether two elements of ``data`` share memory (a zero stride over a dim of size > 1, as ``expand`` makes)."""
    return any(st == 0 and n > 1 for st, n in zip(data.strides, data.shape))


def _type_word(d):
    return {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16', 'int64': 'Long',
            'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
            'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}[d.name]


def _broadcast_shape(a, b):
    n = max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise ValueError
        out.append(y if x == 1 else x)
    return tuple(out)


def _broadcast_or(a, b):
    try:
        return _broadcast_shape(a, b)
    except ValueError:
        return tuple(a)


def apply_inplace(target, result, op='in-place op'):
    """Make ``target`` hold ``result`` in place (NOTE [ Views and in-place ops ]); returns ``target``."""
    check_inplace(target, result._dtype, result._data.shape, op, result)
    _write(target, result)
    return target


def _write(target, result):
    data = result._data
    if data.dtype != target._data.dtype:
        data = data.astype(target._data.dtype)
    node = result._grad_fn
    if node is not None and node._saved:
        _snapshot_saved_target(node, target)
    target._data[...] = data
    target._version_counter[0] += 1
    if not _State.enabled:
        return
    base = target._base
    if base is not None:
        if node is not None or base._requires_grad:
            _rebase_view(target, result)
    elif node is not None:
        target._grad_fn = node
        target._output_nr = result._output_nr
        target._requires_grad = True
    else:
        return
    _refresh_views(target if base is None else base, target)


def _refresh_views(base, written):
    """Re-take the ``grad_fn`` of ``base``'s live views from its new history (NOTE [ Views and in-place ops ])."""
    views = base.__dict__.get('_views')
    if not views or not base._requires_grad:
        return
    for view in list(views):
        view_fn = view._view_fn
        if view is written or view_fn is None:
            continue
        fresh = view_fn(base)
        view._grad_fn, view._output_nr, view._requires_grad = fresh._grad_fn, fresh._output_nr, fresh._requires_grad


def _snapshot_saved_target(node, target):
    """The node saved ``target`` as an input; give it a copy of the old value instead (PyTorch's original_self)."""
    saved = list(node._saved)
    snapshot = None
    for i, entry in enumerate(saved):
        if entry is not None and entry[0] == 'in' and entry[1] is target:
            if snapshot is None:
                Tensor = _function_tensor()
                snapshot = Tensor._make(target._data.copy(), target._requires_grad, target._grad_fn,
                                        target._output_nr)
            saved[i] = ('in', snapshot, 0)
    node._saved = tuple(saved)


class CopySlices(Primitive):
    """The new history of a base after an in-place op on one of its views: the base's gradient with the view's
    region zeroed, and the region itself for the written value."""

    _backward_name = 'CopySlices'

    @staticmethod
    def forward(ctx, base, value, *, view_fn):
        ctx.view_fn = view_fn
        return base  # already written in place; this node only records history

    @staticmethod
    def backward(ctx, grad):
        view_fn = ctx.view_fn
        grad_value = view_fn(grad) if ctx.needs_input_grad[1] else None
        if not ctx.needs_input_grad[0]:
            return None, grad_value
        prev = _State.enabled
        _State.enabled = False
        try:
            if grad._requires_grad:  # create_graph: a constant mask keeps the zeroing differentiable
                mask = grad.new_ones(grad._data.shape)
                view_fn(mask)._data[...] = 0
            else:
                grad_base = grad.clone()
                view_fn(grad_base)._data[...] = 0
        finally:
            _State.enabled = prev
        if grad._requires_grad:
            grad_base = grad * mask
        return grad_base, grad_value


def _rebase_view(view, result):
    base = view._base
    view_fn = view._view_fn
    if view_fn is None:
        raise RuntimeError('ember: an in-place operation on this view is not supported by autograd; apply it '
                           'out of place')
    Tensor = _function_tensor()
    old_base = Tensor._make(base._data, base._requires_grad, base._grad_fn, base._output_nr)
    old_base._version_counter = [0]
    new_base = CopySlices.apply(old_base, result, view_fn=view_fn)
    base._grad_fn, base._output_nr, base._requires_grad = new_base._grad_fn, 0, new_base._requires_grad
    if base._requires_grad:
        fresh = view_fn(base)
        view._grad_fn, view._output_nr, view._requires_grad = fresh._grad_fn, fresh._output_nr, True


def copy_into_out(out, result):
    """``out=`` semantics: resize ``out`` if its shape differs (PyTorch warns only for non-empty), then write."""
    if out._requires_grad and _State.enabled and (result._requires_grad or out._grad_fn is None):
        raise RuntimeError(f'{result._grad_fn.name() if result._grad_fn else "op"}(): functions with out=... '
                           'arguments don\'t support automatic differentiation, but one of the arguments requires '
                           'grad.')
    if out._data.shape != result._data.shape:
        out._data = out._data.__class__(result._data.shape, dtype=out._data.dtype) if hasattr(
            out._data, 'flags') else result._data.astype(out._data.dtype)
    if result._dtype._kind > out._dtype._kind:
        raise RuntimeError(f"result type {_type_word(result._dtype)} can't be cast to the desired output type "
                           f'{_type_word(out._dtype)}')
    out._data[...] = result._data.astype(out._data.dtype, copy=False)
    out._version_counter[0] += 1
    return out

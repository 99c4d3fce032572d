"""In-place semantics over out-of-place ops, views, and ``out=``.

NOTE [ Views and in-place ops ]
An in-place op (``x.mul_(2)``, ``x[0] = 1``, ``out=``) is computed out of place by the ordinary primitive, checked,
then written into ``x``'s array, so a failed op changes nothing. Afterwards ``x`` keeps its identity and memory (views
see the new values), its version counter is bumped (so backward catches saved tensors that changed), and it takes
the new node as its ``grad_fn``. A node that saved ``x`` itself as an input gets a snapshot of the old value instead,
as PyTorch saves ``original_self``.

A view records its ``_base`` and a ``_view_fn`` that re-takes the view from the base. An in-place op on a view of a
tensor that takes part in autograd rewrites the base's history with ``CopySlices`` (the base's gradient, with the
view's region replaced by the gradient flowing into the in-place result), then re-takes the view from the base.
"""
from __future__ import annotations

from ..autograd.function import Primitive, _function_tensor
from ..autograd.grad_mode import _State


def mark_view(out, input, view_fn):
    """Record that ``out`` is a view of ``input``; ``view_fn(base)`` re-takes it from the root base."""
    base = input._base
    if base is None:
        out._base = input
        out._view_fn = view_fn
    else:
        parent_fn = input._view_fn
        out._base = base
        out._view_fn = (lambda b: view_fn(parent_fn(b))) if parent_fn is not None else None
    out._version_counter = input._version_counter
    return out


def check_inplace(target, result_dtype, result_shape, op):
    """Raise PyTorch's errors for an in-place op before anything is written."""
    if target._grad_fn is None and target._requires_grad and _State.enabled:
        raise RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.')
    if target._base is not None and target._base._grad_fn is None and target._base._requires_grad and \
            _State.enabled:
        raise RuntimeError('a view of a leaf Variable that requires grad is being used in an in-place operation.')
    if result_dtype._kind > target._dtype._kind:
        raise RuntimeError(f"result type {_type_word(result_dtype)} can't be cast to the desired output type "
                           f'{_type_word(target._dtype)}')
    shape = tuple(target._data.shape)
    if tuple(result_shape) != shape:
        try:
            ok = _broadcast_shape(result_shape, shape) == shape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                               f'{list(_broadcast_or(result_shape, shape))}')


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
    check_inplace(target, result._dtype, result._data.shape, op)
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
    if node is None:
        if target._base is not None and target._base._requires_grad and _State.enabled and target._grad_fn:
            _rebase_view(target, result)
        return
    if target._base is not None and _State.enabled:
        _rebase_view(target, result)
    else:
        target._grad_fn = node
        target._output_nr = result._output_nr
        target._requires_grad = True


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
    """The new history of a base after an in-place op on one of its views."""

    _backward_name = 'CopySlices'

    @staticmethod
    def forward(ctx, base, value, *, view_fn):
        ctx.view_fn = view_fn
        return base  # already written in place; this node only records history

    @staticmethod
    def backward(ctx, grad):
        grad_base = grad.clone()
        region = ctx.view_fn(grad_base)
        grad_value = region.clone() if ctx.needs_input_grad[1] else None
        prev = _State.enabled
        _State.enabled = False
        try:
            region._data[...] = 0
        finally:
            _State.enabled = prev
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

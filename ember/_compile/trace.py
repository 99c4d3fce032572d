"""Capture: run the function once eagerly while a recording ``Primitive.apply`` writes down every op.

NOTE [ Compile capture ]
Eager mode pays nothing for compile: the recording hooks are swapped in at the class / module level for the duration
of one trace and restored in a ``finally``. A trace is an ordinary eager run (its result is what the caller gets),
so whatever the tracer cannot represent only marks the trace *broken*, and that guard key then runs eagerly.

What is recorded:
- every top-level ``Primitive.apply``: the class, its arguments (traced values or constants), options, outputs, and
  what eager's ctx saved for backward (so fused ops can rebuild their ctx without running forward);
- in-place writes (``inplace._write``): on an intermediate with no views they are functionalized (the tensor's new
  version is the written value); on a module buffer that is not read afterwards they become a replayed write;
  anything else breaks the trace;
- batch-norm running-statistics updates (``norm._update_running``), replayed with the step's batch statistics;
- host reads of index values that only validate them (embedding's range check, the class-index losses' target
  check), replayed as a 'check' op on the traced value; other host reads through ``nn``'s ``_host`` break the trace.

What breaks a trace (fallback to eager): reading tensor values in Python (``item``, ``tolist``, ``bool``, ``int``,
``float``, ``numpy``, ``__array__``), random numbers drawn from the default generator, custom ``autograd.Function``s,
tensor hooks, ``backward`` inside the function, writes to inputs or to views, CUDA tensors (see NOTE [ Fusion on
CUDA ] in fuse.py), and options that carry tensors or arrays. Known blind spot: ember-internal Python code that
reads ``_data`` and bakes a value-dependent *constant* (never a shape: shapes are guarded) is not seen.
"""
from __future__ import annotations

import sys

import numpy

from .. import _random
from .._ops import inplace as _inplace
from .._ops import norm as _norm
from ..autograd import engine as _engine
from ..autograd.function import Function, Primitive, _function_tensor

_ndarray = numpy.ndarray
_SCALARS = (bool, int, float, complex)
_ORIG_APPLY = Primitive.__dict__['apply']
_ORIG_FUNCTION_APPLY = Function.__dict__['apply']
_ACTIVE = None  # the running tracer (one at a time; tracing is not thread-safe, as the NOTE says)
_DATA_METHODS = ('item', 'tolist', 'numpy', '__bool__', '__int__', '__float__', '__index__', '__array__',
                 'register_hook', 'retain_grad', '__complex__')


class GraphBreak(Exception):
    """The function cannot be captured; the reason says why (the trace's eager result is still valid)."""


class Value:
    """One array in the traced graph: an input, an external tensor (parameter, buffer, constant), or an op output."""

    __slots__ = ('id', 'kind', 'shape', 'dtype', 'requires_grad', 'tensor', 'producer', 'index')

    def __init__(self, vid, kind, array, requires_grad, tensor=None, producer=None, index=0):
        self.id, self.kind = vid, kind
        self.shape, self.dtype = array.shape, array.dtype
        self.requires_grad = requires_grad
        self.tensor = tensor  # the Tensor object for 'ext' values (read live at replay), else None
        self.producer = producer
        self.index = index    # position among inputs / externals, or output number of the producer


class Op:
    """One recorded step. ``kind``: 'prim' (a Primitive), 'alias' (identity, gradient flows), 'detach' (identity,
    no gradient), 'reshape' (a collapsed view chain), 'running' (batch-norm statistics), 'write' (buffer write),
    'check' (a replayed validation of index values: ``extra`` is (function, constant arguments))."""

    __slots__ = ('kind', 'cls', 'args', 'kwargs', 'outs', 'needs', 'saved', 'attrs', 'tuple_out', 'extra')

    def __init__(self, kind, cls=None, args=(), kwargs=None, outs=(), needs=None, saved=None, attrs=None,
                 tuple_out=False, extra=None):
        self.kind, self.cls, self.args, self.kwargs, self.outs = kind, cls, list(args), kwargs or {}, list(outs)
        self.needs, self.saved, self.attrs, self.tuple_out, self.extra = needs, saved, attrs, tuple_out, extra

    def value_args(self):
        return [a for a in self.args if type(a) is Value] + [a for a in self.kwargs.values() if type(a) is Value]

    def __repr__(self):
        name = self.cls.__name__ if self.cls is not None else self.kind
        return f'{name}({", ".join(f"v{a.id}" if type(a) is Value else repr(a) for a in self.args)}) -> ' + \
            ', '.join(f'v{o.id}' for o in self.outs)


_CTX_KEYS = frozenset({'needs_input_grad', '_seq', 'next_functions', '_input_meta', '_saved', '_tensor_positions',
                       '_num_outputs', '_to_save', 'xp'})


class Tracer:
    """Records one eager run (see NOTE [ Compile capture ])."""

    def __init__(self):
        self.values = []
        self.ops = []
        self.inputs = []       # Values of the flattened input tensors, in order
        self.externals = []    # Values of tensors met in the trace that are neither inputs nor op outputs
        self.by_tensor = {}    # id(tensor) -> (tensor, version, Value): the value a tensor holds at that version
        self.by_array = {}     # id(array) -> Value: arrays of traced values (for detach / .data aliases)
        self.keep = []         # keeps traced tensors alive so ids stay unique during the trace
        self.broken = None
        self.depth = 0
        self.writes = {}       # id(tensor) -> number of recorded writes (their version bumps are explained)

    # ---------------------------------------------------------------- values
    def _new_value(self, kind, array, requires_grad, tensor=None, producer=None, index=0):
        v = Value(len(self.values), kind, array, requires_grad, tensor, producer, index)
        self.values.append(v)
        self.by_array[id(array)] = v
        return v

    def _bind(self, tensor, value):
        self.by_tensor[id(tensor)] = (tensor, tensor._version_counter[0], value, tensor._version_counter)
        self.keep.append(tensor)

    def add_input(self, tensor, position):
        entry = self.by_tensor.get(id(tensor))
        if entry is not None:
            return entry[2]
        v = self._new_value('input', tensor._data, tensor._requires_grad, tensor=tensor, index=position)
        self.inputs.append(v)
        self._bind(tensor, v)
        return v

    def value_of(self, tensor):
        entry = self.by_tensor.get(id(tensor))
        if entry is not None:
            if type(entry[2]) is _Dead:
                raise GraphBreak('a buffer is read after the compiled function wrote it')
            if entry[1] != tensor._version_counter[0]:
                if tensor._version_counter is not entry[3]:  # mark_view gave it its base's counter: not a write
                    self._bind(tensor, entry[2])
                    return entry[2]
                raise GraphBreak('a tensor was modified in place outside a recorded op')
            return entry[2]
        data = tensor._data
        if type(data) is not _ndarray:
            raise GraphBreak('non-CPU tensors are not compiled yet (NOTE [ Fusion on CUDA ])')
        alias = self.by_array.get(id(data))
        if alias is not None:  # detach() / .data of a traced value: the same array, no gradient
            v = self._new_value('op', data, False)
            op = Op('detach', args=[alias], outs=[v])
            v.producer = op
            self.ops.append(op)
            self._bind(tensor, v)
            return v
        base = data.base
        while base is not None:
            if id(base) in self.by_array:
                raise GraphBreak('a view of a traced tensor was taken outside a recorded op')
            base = getattr(base, 'base', None)
        v = self._new_value('ext', data, tensor._requires_grad, tensor=tensor, index=len(self.externals))
        self.externals.append(v)
        self._bind(tensor, v)
        return v

    # ---------------------------------------------------------------- recording hooks
    def record(self, cls, args, kwargs, result, ctx):
        Tensor = _function_tensor()
        refs = []
        for a in args:
            if isinstance(a, Tensor):
                refs.append(self.value_of(a))
            elif isinstance(a, _ndarray):
                raise GraphBreak(f'{cls.__name__}: an array argument')
            else:
                refs.append(a)
        options = dict(kwargs)
        for k, opt in kwargs.items():
            if isinstance(opt, Tensor):
                raise GraphBreak(f'{cls.__name__}: a tensor option {k!r}')
            if isinstance(opt, _ndarray) and id(opt) in self.by_array:  # an array option computed in the trace
                options[k] = self.by_array[id(opt)]
        outs = result if type(result) is tuple else (result,)
        op = Op('prim', cls, refs, options, tuple_out=type(result) is tuple)
        for nr, t in enumerate(outs):
            if not isinstance(t, Tensor):
                raise GraphBreak(f'{cls.__name__}: a non-tensor output')
            v = self._new_value('op', t._data, t._requires_grad, producer=op, index=nr)
            op.outs.append(v)
            self._bind(t, v)
        needs = ctx.__dict__.get('needs_input_grad') if ctx is not None else None
        if needs and any(v.requires_grad for v in op.outs):
            op.needs = needs
            op.saved, op.attrs = self._saved_pattern(ctx, op)
        self.ops.append(op)

    def _saved_pattern(self, ctx, op):
        """How eager's ctx refers to traced values, or None when it holds arrays only forward can rebuild."""
        attrs = {}
        for k, val in ctx.__dict__.items():
            if k in _CTX_KEYS:
                continue
            if isinstance(val, (_ndarray, numpy.generic, _function_tensor())):
                return None, None
            attrs[k] = val
        pattern = []
        for entry in ctx._saved or ():
            if entry is None:
                pattern.append(None)
            elif entry[0] == 'in':
                tensor = entry[1]
                found = self.by_tensor.get(id(tensor))
                if found is None:
                    return None, None
                pattern.append(found[2])
            elif entry[0] == 'out':
                pattern.append(op.outs[entry[1]])
            elif type(entry[1]) in _SCALARS:
                pattern.append(('const', entry[1]))
            else:
                return None, None
        return tuple(pattern), attrs

    def record_write(self, target, result):
        """An in-place write of ``result`` into ``target`` (inplace._write)."""
        entry = self.by_tensor.get(id(target))
        value = self.value_of(result)
        if entry is not None and entry[2].kind == 'input':
            raise GraphBreak('an in-place op on an input of the compiled function')
        if target._base is not None or target.__dict__.get('_views'):
            raise GraphBreak('an in-place op on a view or a tensor with views')
        if entry is not None and entry[2].kind == 'op':  # functionalize: the tensor now holds ``value``
            return lambda: self._bind(target, value)
        if entry is None:
            ext = self.value_of(target)
        else:
            ext = entry[2]
        if value.shape != ext.shape or value.dtype != ext.dtype:
            raise GraphBreak('an in-place op that broadcasts or casts into a buffer')
        self.ops.append(Op('write', args=[ext, value], extra=target))
        self.writes[id(target)] = self.writes.get(id(target), 0) + 1
        return lambda: self._bind(target, _Dead(target, ext))

    def record_running(self, running_mean, running_var, stats, count, momentum):
        for op in reversed(self.ops):
            if op.kind == 'prim' and op.kwargs.get('stats') is stats:
                break
        else:
            raise GraphBreak('running statistics from an unrecorded op')
        exts = []
        for t in (running_mean, running_var):
            if t is None:
                exts.append(None)
                continue
            v = self.value_of(t)
            if v.kind != 'ext':
                raise GraphBreak('running statistics that are not buffers')
            exts.append(v)
            self.writes[id(t)] = self.writes.get(id(t), 0) + 1
        self.ops.append(Op('running', args=exts, extra=(op, count, momentum)))
        return lambda: [self._bind(t, _Dead(t, v)) for t, v in zip((running_mean, running_var), exts) if t is not None]


class _Dead:
    """Stands in for a buffer's value after a replayed write: reading it again is not compiled."""

    __slots__ = ('kind',)

    def __init__(self, tensor, value):
        self.kind = 'dead'


def _check_live(tracer):
    for tensor, version, value, counter in tracer.by_tensor.values():
        if type(value) is _Dead:
            continue
        if tensor._version_counter[0] != version and tensor._version_counter is counter:
            raise GraphBreak('a tensor was modified in place outside a recorded op')


# ---------------------------------------------------------------------------------------------------- patches

@classmethod
def _recording_apply(cls, *args, **kwargs):
    tracer = _ACTIVE
    if tracer is None or tracer.depth or tracer.broken:
        return _ORIG_APPLY.__func__(cls, *args, **kwargs)
    tracer.depth += 1
    try:
        result = _ORIG_APPLY.__func__(cls, *args, **kwargs)
    finally:
        tracer.depth -= 1
    ctx = None
    for out in (result if type(result) is tuple else (result,)):
        fn = getattr(out, '_grad_fn', None)
        if fn is not None and isinstance(fn, cls):
            ctx = fn
            break
    try:
        tracer.record(cls, args, kwargs, result, ctx)
    except GraphBreak as error:
        tracer.broken = str(error)
    return result


def _breaker(name, original):
    def method(self, *args, **kwargs):
        tracer = _ACTIVE
        if tracer is not None and not tracer.depth and not tracer.broken:
            tracer.broken = f'data-dependent Python: Tensor.{name}()'
        return original(self, *args, **kwargs)
    return method


def _function_apply(cls, *args, **kwargs):
    tracer = _ACTIVE
    if tracer is None:
        return _ORIG_FUNCTION_APPLY.__func__(cls, *args, **kwargs)
    if not tracer.depth and not tracer.broken:
        tracer.broken = f'custom autograd.Function {cls.__name__}'
    tracer.depth += 1
    try:
        return _ORIG_FUNCTION_APPLY.__func__(cls, *args, **kwargs)
    finally:
        tracer.depth -= 1


def _make_write(original):
    def write(target, result):
        tracer = _ACTIVE
        rebind = None
        if tracer is not None and not tracer.depth and not tracer.broken:
            try:
                rebind = tracer.record_write(target, result)
            except GraphBreak as error:
                tracer.broken = str(error)
        original(target, result)
        if rebind is not None:
            rebind()
    return write


def _make_running(original):
    def update(running_mean, running_var, stats, count, momentum):
        tracer = _ACTIVE
        rebind = None
        if tracer is not None and not tracer.depth and not tracer.broken:
            try:
                rebind = tracer.record_running(running_mean, running_var, stats, count, momentum)
            except GraphBreak as error:
                tracer.broken = str(error)
        original(running_mean, running_var, stats, count, momentum)
        if rebind is not None:
            rebind()
    return update


def _make_backward(original):
    def run_backward(*args, **kwargs):
        tracer = _ACTIVE
        if tracer is None:
            return original(*args, **kwargs)
        if not tracer.broken:
            tracer.broken = 'backward() inside the compiled function'
        tracer.depth += 1  # the backward's own ops are not part of the graph
        try:
            return original(*args, **kwargs)
        finally:
            tracer.depth -= 1
    return run_backward


def _check_indices(indices, num):
    """embedding's range check, replayed (``F.embedding`` runs it on the host in eager)."""
    if indices.size and (indices.min() < 0 or indices.max() >= num):
        raise IndexError('index out of range in self')


def _check_targets(target, classes, ignore_index):
    """The class-index loss's target check, replayed (``F.nll_loss`` / ``F.cross_entropy`` run it eagerly)."""
    if not target.size or (target.min() >= 0 and target.max() < classes):
        return
    bad = (target != ignore_index) & ((target < 0) | (target >= classes))
    if bad.any():
        raise IndexError(f'Target {int(target[bad].reshape(-1)[0])} is out of bounds.')


def _host_checks():
    """code object of an ember function that reads index values on the host only to validate them -> a function
    of its frame giving (check, constant arguments), or None when that call must not be compiled."""
    from ..nn import _functional_loss, _functional_more  # noqa: PLC0415
    return {
        _functional_more.embedding.__code__:
            lambda f: None if f.f_locals.get('max_norm') is not None else
            (_check_indices, (f.f_locals['weight'].shape[0],)),
        _functional_loss._class_index_args.__code__:
            lambda f: (_check_targets, (f.f_locals['classes'], f.f_locals['ignore_index'])),
    }


def _make_host(original, checks):
    """A module's ``_host`` (tensor values as a host array) while tracing: a validating read becomes a replayed
    check on the traced value; any other read is data-dependent Python and breaks the trace."""
    def host(t):
        tracer = _ACTIVE
        if tracer is None or tracer.depth or tracer.broken:
            return original(t)
        frame = sys._getframe(1)
        rule = checks.get(frame.f_code)
        check = rule(frame) if rule is not None else None
        del frame
        if check is None:
            tracer.broken = 'data-dependent Python: tensor values read on the host'
            return original(t)
        try:
            value = tracer.value_of(t)
        except GraphBreak as error:
            tracer.broken = str(error)
            return original(t)
        tracer.ops.append(Op('check', args=[value], extra=check))
        tracer.depth += 1
        try:
            return original(t)
        finally:
            tracer.depth -= 1
    return host


def run_traced(fn, args, kwargs, input_tensors):
    """Run ``fn`` eagerly while recording; returns (tracer, result). ``tracer.broken`` is set when it can't compile."""
    global _ACTIVE
    Tensor = _function_tensor()
    tracer = Tracer()
    for position, t in enumerate(input_tensors):
        if type(t._data) is not _ndarray:
            tracer.broken = 'non-CPU tensors are not compiled yet (NOTE [ Fusion on CUDA ])'
        tracer.add_input(t, position)
    rng = _random.default_generator._np.bit_generator
    rng_state = rng.state
    saved = {name: Tensor.__dict__.get(name) for name in _DATA_METHODS}
    patched_write, patched_running = _inplace._write, _norm._update_running
    patched_backward = _engine.run_backward
    from ..nn import _functional_loss, _functional_more  # noqa: PLC0415
    hosts = (_functional_loss._host, _functional_more._host)
    checks = _host_checks()
    _ACTIVE = tracer
    try:
        Primitive.apply = _recording_apply
        Function.apply = classmethod(_function_apply)
        for name, original in saved.items():
            if original is not None:
                setattr(Tensor, name, _breaker(name, original))
        _inplace._write = _make_write(patched_write)
        _norm._update_running = _make_running(patched_running)
        _engine.run_backward = _make_backward(patched_backward)
        _functional_loss._host = _make_host(hosts[0], checks)
        _functional_more._host = _make_host(hosts[1], checks)
        result = fn(*args, **kwargs)
    finally:
        _ACTIVE = None
        Primitive.apply = _ORIG_APPLY
        Function.apply = _ORIG_FUNCTION_APPLY
        for name, original in saved.items():
            if original is not None:
                setattr(Tensor, name, original)
        _inplace._write, _norm._update_running = patched_write, patched_running
        _engine.run_backward = patched_backward
        _functional_loss._host, _functional_more._host = hosts
    if tracer.broken is None and rng.state != rng_state:
        tracer.broken = 'random numbers drawn (RNG ops are not compiled)'
    if tracer.broken is None:
        try:
            _check_live(tracer)
        except GraphBreak as error:
            tracer.broken = str(error)
    return tracer, result

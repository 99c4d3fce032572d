"""``ember.compile``: capture a function's graph by tracing, guard it, and replay an optimized plan.

>>> f = ember.compile(lambda x: (x * 2).exp() + 1)
>>> f(ember.ones(3))
tensor([8.3891, 8.3891, 8.3891])

The first call with a new guard key (input shapes, dtypes, devices, requires_grad, grad mode, default dtype, module
training modes, parameter identities) runs eagerly while recording (trace.py, NOTE [ Compile capture ]); later calls
replay the plan (plan.py) with fused elementwise kernels (fuse.py). What cannot be captured runs eagerly, with
identical results; set ``ember._compile.config.debug = True`` (or ``EMBER_COMPILE_DEBUG=1``) to be told why, once.
``compiled._ember_stats`` counts compiles, recompiles, cache hits and eager fallbacks.
"""
from __future__ import annotations

import os
import warnings

import numpy

from .._dtype import dtype as _dtype_cls
from .._dtype import get_default_dtype
from .._device import device as _device_cls
from .._size import Size
from ..autograd.function import _function_tensor
from ..autograd.grad_mode import _State
from . import trace as _trace
from .plan import Plan
from .trace import GraphBreak, Value

__all__ = ['compile']

_MODES = ('default', 'lite', 'reduce-overhead', 'max-autotune-no-cudagraphs', 'max-autotune')
_BACKENDS = ('inductor', 'eager', 'aot_eager', 'cudagraphs')
_ndarray = numpy.ndarray
_ATOMS = (int, float, bool, str, complex, type(None), _dtype_cls, _device_cls)


class config:
    """Knobs of ember.compile: ``debug`` warns (once per function and reason) when a call falls back to eager;
    ``cache_size_limit`` is the number of guard keys kept per function (PyTorch's default, 8)."""

    debug = os.environ.get('EMBER_COMPILE_DEBUG', '') not in ('', '0')
    cache_size_limit = 8


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend='inductor', mode=None, options=None,
            disable: bool = False):
    """Compile a function or an ``nn.Module``, as ``torch.compile``; with no model, a decorator.

    >>> step = ember.compile(lambda x: x.relu() * 2)
    >>> step(ember.tensor([-1., 3.]))
    tensor([0., 6.])
    """
    if mode is not None and options is not None:
        raise RuntimeError("Either mode or options can be specified, but both can't be specified at the same time.")
    if mode is not None and mode not in _MODES:
        raise RuntimeError(f'Unrecognized mode={mode}, should be one of: {", ".join(_MODES)}')
    if backend is None:
        backend = 'inductor'
    if isinstance(backend, str) and backend not in _BACKENDS:
        raise RuntimeError(f"Invalid backend: '{backend}', see `torch._dynamo.list_backends()` for available "
                           'backends.')
    if model is None:
        def decorator(fn):
            return compile(fn, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                           disable=disable)
        return decorator
    if not callable(model):
        raise AssertionError(f'A callable function is expected, but {type(model)} is provided.')
    if disable:
        return model
    from ..nn.modules.module import Module  # noqa: PLC0415
    if isinstance(model, Module):
        return OptimizedModule(model, fullgraph=fullgraph, eager=backend == 'eager')
    return CompiledFunction(model, fullgraph=fullgraph, eager=backend == 'eager')


class _Entry:
    __slots__ = ('plan', 'broken', 'ext_guards', 'param_guards', 'mode_guards', 'treedef')


class CompiledFunction:
    """What ``compile`` returns for a function: call it like the function."""

    def __init__(self, fn, fullgraph=False, eager=False, module=None):
        self._fn = fn
        self._fullgraph = fullgraph
        self._eager = eager
        self._module = module
        self._cache = {}
        self._warned = set()
        self._ember_stats = {'calls': 0, 'compiles': 0, 'recompiles': 0, 'cache_hits': 0, 'fallbacks': 0,
                             'graph_breaks': []}
        self.__wrapped__ = fn
        for attr in ('__name__', '__qualname__', '__doc__', '__module__'):
            try:
                setattr(self, attr, getattr(fn, attr))
            except (AttributeError, TypeError):
                pass

    def __get__(self, obj, objtype=None):  # compiled methods bind like functions
        if obj is None:
            return self
        return lambda *args, **kwargs: self(obj, *args, **kwargs)

    def _ember_plans(self):
        """The plans in the cache (for tests and inspection)."""
        return [e.plan for e in self._cache.values() if e.plan is not None]

    def __call__(self, *args, **kwargs):
        stats = self._ember_stats
        stats['calls'] += 1
        if self._eager or _trace._ACTIVE is not None:  # inside another trace: let the outer tracer see the ops
            return self._fn(*args, **kwargs)
        tensors = []
        holders = []
        key = (_flatten((args, kwargs), tensors, holders), _State.enabled, get_default_dtype())
        if len(tensors) > 1 and len({id(t) for t in tensors}) != len(tensors):
            key = key + (tuple(next(i for i, u in enumerate(tensors) if u is t) for t in tensors),)
        try:
            entry = self._cache.get(key)
        except TypeError:  # an unhashable constant argument
            entry, key = None, None
        if entry is not None and _valid(entry):
            if entry.broken is not None:
                stats['fallbacks'] += 1
                return self._fn(*args, **kwargs)
            stats['cache_hits'] += 1
            leaves = entry.plan.run(tensors)
            return _unflatten(entry.treedef, iter(leaves))
        if key is None or (key not in self._cache and len(self._cache) >= config.cache_size_limit):
            self._fallback('cache size limit reached' if key is not None else 'unhashable argument')
            return self._fn(*args, **kwargs)
        return self._compile(key, tensors, args, kwargs)

    def _compile(self, key, tensors, args, kwargs):
        stats = self._ember_stats
        stats['compiles'] += 1
        if stats['compiles'] > 1:
            stats['recompiles'] += 1
        module = self._module
        state = []
        if module is not None:
            state = [(t, t._version_counter[0]) for t in _state_tensors(module)]
        tracer, result = _trace.run_traced(self._fn, args, kwargs, tensors)
        entry = _Entry()
        entry.plan = None
        entry.broken = tracer.broken
        entry.mode_guards = [(m, m.training) for m in module.modules()] if module is not None else []
        entry.param_guards = []
        entry.ext_guards = []
        if entry.broken is None:
            for t, version in state:
                if t._version_counter[0] - version != tracer.writes.get(id(t), 0):
                    entry.broken = 'a module parameter or buffer was modified outside a recorded op'
        if entry.broken is None:
            try:
                out_leaves = []
                entry.treedef = _flatten_output(result, out_leaves)
                leaves = []
                for leaf in out_leaves:
                    leaves.append(tracer.value_of(leaf) if isinstance(leaf, _function_tensor()) else ('const', leaf))
                entry.plan = Plan(tracer, leaves)
            except GraphBreak as error:
                entry.broken = str(error)
        if entry.broken is not None:
            entry.plan = None
            stats['graph_breaks'].append(entry.broken)
            if self._fullgraph:
                raise RuntimeError(f'ember.compile(fullgraph=True): cannot capture {self.__name__!s}: {entry.broken}')
            self._fallback(entry.broken)
        else:
            entry.ext_guards = [(v.tensor, v.shape, v.tensor._dtype, v.tensor._requires_grad)
                                for v in entry.plan.externals]
            if module is not None:
                owners = {}
                for m in module.modules():
                    for d in (m._parameters, m._buffers):
                        for name, t in d.items():
                            if t is not None:
                                owners.setdefault(id(t), (d, name, t))
                entry.param_guards = [owners[id(v.tensor)] for v in entry.plan.externals if id(v.tensor) in owners]
        self._cache[key] = entry
        return result

    def _fallback(self, reason):
        self._ember_stats['fallbacks'] += 1
        if config.debug and reason not in self._warned:
            self._warned.add(reason)
            warnings.warn(f'ember.compile: running {getattr(self, "__name__", "function")} eagerly: {reason}',
                          UserWarning, stacklevel=3)


def _valid(entry):
    for m, training in entry.mode_guards:
        if m.training != training:
            return False
    for d, name, t in entry.param_guards:
        if d.get(name) is not t:
            return False
    for t, shape, dtype, requires_grad in entry.ext_guards:
        if t._data.shape != shape or t._dtype is not dtype or t._requires_grad != requires_grad or \
                type(t._data) is not _ndarray:
            return False
    return True


def _state_tensors(module):
    for m in module.modules():
        for d in (m._parameters, m._buffers):
            for t in d.values():
                if t is not None:
                    yield t


def _flatten(obj, tensors, holders):
    """The guard key of an argument structure; its Tensors go to ``tensors`` in order."""
    Tensor = _function_tensor()
    if isinstance(obj, Tensor):
        tensors.append(obj)
        data = obj._data
        return (data.shape, obj._dtype, obj._requires_grad, type(data) is _ndarray)
    t = type(obj)
    if t in _ATOMS:
        return (t, obj)
    if t is tuple or t is list or t is Size:
        return (t, tuple([_flatten(o, tensors, holders) for o in obj]))
    if t is dict:
        return (t, tuple([(k, _flatten(v, tensors, holders)) for k, v in obj.items()]))
    holders.append(obj)
    return ('object', id(obj))  # anything else: specialised on identity (its contents are not guarded)


def _flatten_output(obj, leaves):
    Tensor = _function_tensor()
    if isinstance(obj, Tensor):
        leaves.append(obj)
        return 'leaf'
    t = type(obj)
    if t in _ATOMS or t is Size:
        leaves.append(obj)
        return 'leaf'
    if t is tuple or t is list:
        return (t, [_flatten_output(o, leaves) for o in obj])
    if t is dict:
        return (t, [(k, _flatten_output(v, leaves)) for k, v in obj.items()])
    raise GraphBreak(f'an output of type {t.__name__}')


def _unflatten(treedef, leaves):
    if treedef == 'leaf':
        return next(leaves)
    t, children = treedef
    if t is dict:
        return {k: _unflatten(c, leaves) for k, c in children}
    items = [_unflatten(c, leaves) for c in children]
    return tuple(items) if t is tuple else items


def _make_optimized_module():
    from ..nn.modules.module import Module  # noqa: PLC0415

    class OptimizedModule(Module):
        """What ``compile`` returns for a module: the module's own parameters and state (``_orig_mod``), with a
        compiled forward; ``train()`` / ``eval()`` are guarded (a mode change compiles again)."""

        def __init__(self, mod, fullgraph=False, eager=False):
            super().__init__()
            self._orig_mod = mod
            object.__setattr__(self, '_compiled', CompiledFunction(mod.__call__, fullgraph, eager, module=mod))
            object.__setattr__(self, '_ember_stats', self._compiled._ember_stats)

        def forward(self, *args, **kwargs):
            return self._compiled(*args, **kwargs)

        def _ember_plans(self):
            return self._compiled._ember_plans()

        def __getattr__(self, name):
            try:
                return super().__getattr__(name)
            except AttributeError:
                return getattr(self._modules['_orig_mod'], name)

    OptimizedModule.__module__ = __name__
    return OptimizedModule


class _LazyModuleClass:
    cls = None


def OptimizedModule(mod, fullgraph=False, eager=False):  # noqa: N802 - a class, made on first use (nn imports late)
    if _LazyModuleClass.cls is None:
        _LazyModuleClass.cls = _make_optimized_module()
    return _LazyModuleClass.cls(mod, fullgraph, eager)


_ = Value  # re-exported for plan inspection

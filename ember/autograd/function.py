"""Backward-graph nodes: ``Function`` (the public custom-op API) and ``Primitive`` (ember's own ops).

A node is also the ``ctx`` its forward and backward receive, as in PyTorch. ``next_functions`` links it to the nodes
of its inputs (``AccumulateGrad`` for leaves), which is all the engine needs to sweep the graph.

NOTE [ Saved tensors ]
``ctx.save_for_backward`` records inputs by reference with their version, so an in-place change before backward is
caught. An output is never stored as a Tensor (the output holds its node: that would be a cycle); its array is kept
and re-wrapped on unpack as a Tensor whose ``grad_fn`` is this node, so higher-order gradients flow through it.
"""
from __future__ import annotations

import functools
import itertools

import numpy

from .grad_mode import _State

_Tensor = None  # set by ember._tensor once Tensor exists (the two modules need each other)
_sequence = itertools.count()

_FREED = ('Trying to backward through the graph a second time (or directly access saved tensors after they have '
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or '
          'autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or '
          'if you need to access saved tensors after calling backward.')


class Node:
    """A node of the backward graph."""

    next_functions: tuple = ()
    _saved = ()
    _pre_hooks = None    # {output_nr: [hook]}: tensor hooks on this node's outputs
    _hooks = None        # node-level post hooks: hook(grad_inputs, grad_outputs)
    _node_pre_hooks = None
    _num_outputs = 1

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        return f'<{self.name()} object at {id(self):#x}>'

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` runs after this node's backward; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
        self._node_pre_hooks.append(hook)
        return _RemovableHandle(self._node_pre_hooks, hook)

    def _register_tensor_hook(self, output_nr, hook):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)


class _RemovableHandle:
    _ids = itertools.count()

    def __init__(self, container, item):
        self._container, self._item = container, item
        self.id = next(self._ids)

    def remove(self):
        try:
            self._container.remove(self._item)
        except ValueError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """The sink of a leaf tensor: adds incoming gradients into ``variable.grad``."""

    def __init__(self, variable):
        import weakref  # noqa: PLC0415 - only leaves that require grad get here
        self._variable = weakref.ref(variable)
        self._seq = next(_sequence)

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return 'torch::autograd::AccumulateGrad'


class _FunctionMeta(type):
    """Gives each Function subclass its backward-node name (``MulBackward0``, ``MyFunctionBackward``)."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        if '_backward_name' not in namespace:
            cls._backward_name = f'{name}Backward0' if namespace.get('_primitive', any(
                getattr(b, '_primitive', False) for b in bases)) else f'{name}Backward'


class _Ctx(Node):
    """Behaviour shared by custom-Function and primitive contexts."""

    _materialize_grads = True
    _dirty = ()
    _non_differentiable = ()
    _released = False
    needs_input_grad = ()

    def name(self):
        return self._backward_name

    def save_for_backward(self, *values):
        self._to_save = values

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool):
        self._materialize_grads = value

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        return tuple(_unpack(self, entry) for entry in saved)

    @property
    def saved_variables(self):
        return self.saved_tensors

    def _release(self):
        if self._saved:
            self._saved = None

    def _pack(self, inputs, outputs, output_arrays):
        """Turn what forward asked to save into entries that don't keep outputs alive (NOTE [ Saved tensors ])."""
        values = self.__dict__.pop('_to_save', ())
        entries = []
        for value in values:
            if value is None:
                entries.append(None)
                continue
            for nr, out in enumerate(output_arrays):
                if value is out or (value is outputs[nr] if outputs is not None else False):
                    tensor = outputs[nr] if outputs is not None else None
                    entries.append(('out', nr, out, tensor._version_counter if tensor is not None else None,
                                    tensor._version_counter[0] if tensor is not None else 0))
                    break
            else:
                for tensor in inputs:
                    if value is tensor or value is tensor._data:
                        entries.append(('in', tensor, tensor._version_counter[0]))
                        break
                else:
                    if isinstance(value, _Tensor):
                        entries.append(('in', value, value._version_counter[0]))
                    else:
                        entries.append(('const', value))
        self._saved = tuple(entries)


def _unpack(ctx, entry):
    if entry is None:
        return None
    kind = entry[0]
    if kind == 'in':
        tensor, version = entry[1], entry[2]
        if tensor._version_counter[0] != version:
            _raise_modified(tensor, version)
        return tensor
    if kind == 'out':
        _, nr, array, counter, version = entry
        if counter is not None and counter[0] != version:
            raise RuntimeError(
                'one of the variables needed for gradient computation has been modified by an inplace operation: '
                f'[{_type_name(array)}], which is output {nr} of {ctx.name()}, is at version {counter[0]}; '
                f'expected version {version} instead. Hint: the backtrace further above can help you find it.')
        out = _Tensor._make(array, requires_grad=_State.enabled, grad_fn=ctx if _State.enabled else None,
                            output_nr=nr)
        if counter is not None:
            out._version_counter = counter
        return out
    value = entry[1]
    if isinstance(value, (int, float, complex)):  # python scalars (and bools) given to a primitive stay scalars
        return value
    return _Tensor._make(value)


def _type_name(array):
    return f'torch.{_Tensor._make(array)._dtype.name.capitalize()}Tensor {list(array.shape)}'


def _raise_modified(tensor, version):
    where = f', which is output {tensor._output_nr} of {tensor._grad_fn.name()}' if tensor._grad_fn else ''
    raise RuntimeError(
        'one of the variables needed for gradient computation has been modified by an inplace operation: '
        f'[{_type_name(tensor._data)}]{where}, is at version {tensor._version_counter[0]}; expected version '
        f'{version} instead. Hint: enable anomaly detection to find the operation that failed to compute its '
        'gradient, with torch.autograd.set_detect_anomaly(True).')


def _edge(tensor):
    """The (node, output_nr) a gradient for ``tensor`` flows into."""
    fn = tensor._grad_fn
    if fn is not None:
        return (fn, tensor._output_nr)
    acc = tensor._grad_accumulator
    if acc is None:
        acc = tensor._grad_accumulator = AccumulateGrad(tensor)
    return (acc, 0)


class Function(_Ctx, metaclass=_FunctionMeta):
    """Base class for custom differentiable operations, as ``torch.autograd.Function``.

    >>> class Square(ember.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> Square.apply(ember.tensor(3., requires_grad=True))
    tensor(9., grad_fn=<SquareBackward>)
    """

    _primitive = False

    def __init__(self, *args, **kwargs):
        pass

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError('You must implement the forward function for custom autograd.Function.')

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError('setup_context is not implemented.')

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError('You must implement either the backward or vjp method for your custom '
                                  'autograd.Function to use it with backward mode AD.')

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _Tensor
        ctx = cls.__new__(cls)
        ctx._seq = next(_sequence)
        tensors = [a for a in args if isinstance(a, Tensor)]
        need_grad = _State.enabled and any(t._requires_grad for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad and need_grad for a in args)
        custom_setup = cls.setup_context is not Function.setup_context
        prev = _State.enabled
        _State.enabled = False
        try:
            if custom_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            _State.enabled = prev
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        dirty = ctx._dirty
        non_diff = ctx._non_differentiable
        wrapped = []
        for out in outputs:
            if not isinstance(out, Tensor):
                wrapped.append(out)
                continue
            if any(out is d for d in dirty):
                pass  # modified in place: the input object itself gets this node as its grad_fn
            elif any(out is t for t in tensors):
                out = out._alias()  # returning an input unchanged gives a new tensor, as in PyTorch
            wrapped.append(out)
        tensor_outputs = [o for o in wrapped if isinstance(o, Tensor)]
        if need_grad:
            ctx.next_functions = tuple(_edge(t) if t._requires_grad else (None, 0) for t in tensors)
            ctx._input_meta = tuple((t._data.shape, t._dtype) for t in tensors)
            ctx._input_positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
            ctx._num_outputs = len(wrapped)
            ctx._output_meta = tuple((o._data.shape, o._dtype, _xp_of(o._data)) if isinstance(o, Tensor) else None
                                     for o in wrapped)
            for nr, out in enumerate(wrapped):
                if not isinstance(out, Tensor):
                    continue
                if any(out is n for n in non_diff) or not (out._dtype.is_floating_point or out._dtype.is_complex):
                    out._requires_grad = False
                    continue
                if any(out is d for d in dirty) and out._grad_fn is None and out._requires_grad:
                    raise RuntimeError('a leaf Variable that requires grad is being used in an in-place operation.')
                out._grad_fn, out._output_nr, out._requires_grad = ctx, nr, True
        for d in dirty:
            d._version_counter[0] += 1
        if hasattr(ctx, '_to_save'):
            ctx._pack(tensors, wrapped, [o._data if isinstance(o, Tensor) else None for o in wrapped])
        return wrapped[0] if single else tuple(wrapped)

    def _call_backward(self, grads):
        """Run the user's backward; return one gradient per tensor input (None where there is none)."""
        if self._materialize_grads:
            grads = tuple(g if g is not None else _zeros_for(self, i) for i, g in enumerate(grads))
        result = self.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        expected = len(self.needs_input_grad)
        if len(result) != expected:
            if len(result) > expected and all(r is None for r in result[expected:]):
                result = result[:expected]
            else:
                raise RuntimeError(f'function {self.name()} returned an incorrect number of gradients (expected '
                                   f'{expected}, got {len(result)})')
        return tuple(result[i] for i in self._input_positions)


def _zeros_for(ctx, output_index):
    meta = ctx._output_meta[output_index]
    if meta is None:
        return None
    return _Tensor._make(meta[2].zeros(meta[0], dtype=meta[1].np))


def _xp_of(array):
    return numpy if type(array) is numpy.ndarray else _array_module(array)


class Primitive(_Ctx, metaclass=_FunctionMeta):
    """An ember op: ``forward(ctx, *arrays, **options)`` computes on raw arrays with ``ctx.xp``, ``backward(ctx,
    *grads)`` returns input gradients written with Tensor ops (so ``create_graph=True`` differentiates them).

    Positional arguments that are not Tensors (python scalars, shapes) are passed through to forward unchanged and get
    no gradient; keyword arguments are options.
    """

    _primitive = True
    differentiable = True
    _tensor_positions = None  # indices of the Tensor arguments, when some arguments are not Tensors

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _Tensor
        ctx = cls.__new__(cls)
        arrays = []
        tensors = []
        xp = None
        for a in args:
            if isinstance(a, Tensor):
                tensors.append(a)
                data = a._data
                arrays.append(data)
                if xp is None:
                    xp = numpy if type(data) is numpy.ndarray else _array_module(data)
                elif (xp is numpy) != (type(data) is numpy.ndarray) and data.ndim:
                    _raise_device_mismatch(cls, tensors)
            else:
                arrays.append(a)
        ctx.xp = xp if xp is not None else numpy
        need_grad = _State.enabled and cls.differentiable
        if need_grad:
            for t in tensors:
                if t._requires_grad:
                    break
            else:
                need_grad = False
        if need_grad:
            ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
            if len(tensors) != len(args):
                ctx._tensor_positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        out = cls.forward(ctx, *arrays, **kwargs)
        if type(out) is tuple:
            outs = tuple(Tensor._make(o) for o in out)
            if need_grad:
                ctx._seq = next(_sequence)
                ctx.next_functions = tuple(_edge(t) if t._requires_grad else (None, 0) for t in tensors)
                ctx._input_meta = tuple((t._data.shape, t._dtype) for t in tensors)
                ctx._num_outputs = len(outs)
                for nr, o in enumerate(outs):
                    if o._dtype._kind >= 2:
                        o._requires_grad, o._grad_fn, o._output_nr = True, ctx, nr
            if '_to_save' in ctx.__dict__:
                ctx._pack(tensors, outs, [o._data for o in outs])
            return outs
        if isinstance(out, numpy.generic):
            out = numpy.asarray(out)
        result = Tensor._make(out)
        if need_grad and result._dtype._kind >= 2:
            ctx._seq = next(_sequence)
            ctx.next_functions = tuple(_edge(t) if t._requires_grad else (None, 0) for t in tensors)
            ctx._input_meta = tuple((t._data.shape, t._dtype) for t in tensors)
            result._requires_grad = True
            result._grad_fn = ctx
            if '_to_save' in ctx.__dict__:
                ctx._pack(tensors, (result,), (out,))
        return result

    def _call_backward(self, grads):
        # multi-output primitives get None for outputs no gradient reached, and handle it themselves
        result = self.backward(self, *grads)
        if not isinstance(result, tuple):
            result = (result,)
        positions = self._tensor_positions
        if positions is not None:
            return tuple(result[i] for i in positions)
        return result


def _array_module(array):
    from .._backend import cupy  # noqa: PLC0415
    return cupy()


def _raise_device_mismatch(cls, tensors):
    devices = []
    for t in tensors:
        d = str(t.device)
        if d not in devices:
            devices.append(d)
    raise RuntimeError(f'Expected all tensors to be on the same device, but found at least two devices, '
                       f'{devices[-1]} and {devices[0]}! (when checking argument for {cls.__name__.lower()})')


def once_differentiable(fn):
    """Decorate a custom Function's backward that cannot itself be differentiated: it runs under no_grad."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = _State.enabled
        _State.enabled = False
        try:
            return fn(ctx, *args)
        finally:
            _State.enabled = prev
    return wrapper


def _function_tensor():
    """The Tensor class (for modules that cannot import ember._tensor at import time)."""
    return _Tensor

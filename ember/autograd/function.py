"""Backward-graph nodes: ``Function`` (the public custom-op API) and ``Primitive`` (ember's own ops).

A node is also the ``ctx`` its forward and backward receive, as in PyTorch. ``next_functions`` links it to the nodes
of its inputs (``AccumulateGrad`` for leaves), which is all the engine needs to sweep the graph.

NOTE [ Saved tensors ]
``ctx.save_for_backward`` records inputs by reference with their version, so an in-place change before backward is
caught. An output is never stored as a Tensor (the output holds its node: that would be a cycle); its array is kept
and re-wrapped on unpack as a Tensor whose ``grad_fn`` is this node, so higher-order gradients flow through it.
Entries are ``('in', tensor, version)``, ``('out', output_nr, array, version_counter, version)`` or
``('const', value)``; ``None`` stays ``None``. ``ctx._saved`` is ``()`` when nothing was saved and ``None`` once freed.
Arrays a primitive keeps for a faster backward (im2col columns, normalised inputs, attention weights) are saved the
same way (as ``'const'`` entries), never as ctx attributes, so a graph kept alive after backward (``total += loss``)
holds no activations, as in PyTorch.
"""
from __future__ import annotations

import functools
import itertools
import weakref

import numpy

from .grad_mode import _State

_Tensor = None  # set by ember._tensor once Tensor exists (the two modules need each other)
_sequence = itertools.count()
_new = object.__new__
_ndarray = numpy.ndarray
_generic = numpy.generic

_FREED = ('Trying to backward through the graph a second time (or directly access saved tensors after they have '
          'already been freed). Saved intermediate values of the graph are freed when you call .backward() or '
          'autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or '
          'if you need to access saved tensors after calling backward.')


class Node:
    """A node of the backward graph (the type of every ``grad_fn``)."""

    next_functions: tuple = ()
    _saved = ()
    _pre_hooks = None      # {output_nr: [hook]}: tensor hooks on this node's outputs
    _retain_hooks = None   # {output_nr: hook}: retain_grad, run after the other tensor hooks (as PyTorch does)
    _hooks = None          # node post hooks: hook(grad_inputs, grad_outputs)
    _node_pre_hooks = None  # node pre hooks: hook(grad_outputs)
    _has_hooks = False     # set once any of the four above is registered (the engine's fast paths skip the rest)
    _num_outputs = 1
    _seq = 0
    _primitive = False
    _tensor_positions = None

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self):
        return f'<{self.name()} object at {id(self):#x}>'

    @property
    def metadata(self) -> dict:
        meta = self.__dict__.get('_metadata')
        if meta is None:
            meta = self._metadata = {}
        return meta

    def register_hook(self, hook):
        """``hook(grad_inputs, grad_outputs)`` runs after this node's backward; may return new grad_inputs."""
        if self._hooks is None:
            self._hooks = []
        self._has_hooks = True
        self._hooks.append(hook)
        return _RemovableHandle(self._hooks, hook)

    def register_prehook(self, hook):
        """``hook(grad_outputs)`` runs before this node's backward; may return new grad_outputs."""
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
        self._has_hooks = True
        self._node_pre_hooks.append(hook)
        return _RemovableHandle(self._node_pre_hooks, hook)

    def _register_tensor_hook(self, output_nr, hook):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        self._has_hooks = True
        hooks = self._pre_hooks.setdefault(output_nr, [])
        hooks.append(hook)
        return _RemovableHandle(hooks, hook)

    def _register_retain_hook(self, output_nr, hook):
        if self._retain_hooks is None:
            self._retain_hooks = {}
        self._has_hooks = True
        self._retain_hooks[output_nr] = hook

    def _release(self):
        """Free what backward needs (after a backward without retain_graph)."""


class _RemovableHandle:
    """What ``register_*hook`` returns: ``handle.remove()`` takes the hook out again."""

    _ids = itertools.count()

    def __init__(self, container, item):
        self._container, self._item = container, item
        self.id = next(self._ids)

    def remove(self):
        container = self._container
        for i, item in enumerate(container or ()):
            if item is self._item:
                del container[i]
                return

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


class AccumulateGrad(Node):
    """The sink of a leaf tensor: adds incoming gradients into ``variable.grad``."""

    def __init__(self, variable):
        self._variable = weakref.ref(variable)
        self._seq = (1 << 62) + next(_sequence)  # PyTorch runs a ready leaf's accumulation before any other node

    @property
    def variable(self):
        return self._variable()

    def name(self):
        return 'torch::autograd::AccumulateGrad'


def _edge(tensor):
    """The (node, output_nr) a gradient for ``tensor`` flows into."""
    fn = tensor._grad_fn
    if fn is not None:
        return (fn, tensor._output_nr)
    acc = tensor._grad_accumulator
    if acc is None:
        acc = tensor._grad_accumulator = AccumulateGrad(tensor)
    return (acc, 0)


class _FunctionMeta(type):
    """Gives each Function subclass its backward-node name (``MulBackward0``, ``MyFunctionBackward``) and a node
    class of that name (a subclass), whose instances are the ctx / ``grad_fn`` objects, as in PyTorch."""

    def __init__(cls, name, bases, namespace):
        super().__init__(name, bases, namespace)
        if namespace.get('_is_node_class'):
            return
        if '_backward_name' not in namespace:
            primitive = namespace.get('_primitive', any(getattr(b, '_primitive', False) for b in bases))
            cls._backward_name = f'{name}Backward0' if primitive else f'{name}Backward'
        cls._node_class = type(cls)(cls._backward_name, (cls,), {
            '_is_node_class': True, '__module__': cls.__module__, '__qualname__': cls._backward_name})


class _Ctx(Node):
    """Behaviour shared by custom-Function and primitive contexts."""

    _materialize_grads = True
    _dirty = ()
    _non_differentiable = ()
    needs_input_grad = ()

    def name(self):
        return self._backward_name

    def save_for_backward(self, *values):
        if self.needs_input_grad:  # () unless apply is recording this op: nothing to keep otherwise
            self._to_save = values

    def mark_dirty(self, *tensors):
        self._dirty = tensors

    def mark_non_differentiable(self, *tensors):
        self._non_differentiable = tensors

    def set_materialize_grads(self, value: bool):
        self._materialize_grads = bool(value)

    @property
    def saved_tensors(self):
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        out = []
        for entry in saved:
            if entry is not None and entry[0] == 'in':
                tensor = entry[1]
                if tensor._version_counter[0] != entry[2]:
                    _raise_modified(tensor, tensor._version_counter[0], entry[2])
                out.append(tensor)
            else:
                out.append(_unpack(self, entry))
        return tuple(out)

    saved_variables = saved_tensors

    def _saved_arrays(self):
        """``saved_tensors`` as raw arrays (python scalars stay scalars), with the same checks: for the array
        backward of primitives (NOTE [ Array backward ] in engine.py)."""
        saved = self._saved
        if saved is None:
            raise RuntimeError(_FREED)
        out = []
        for entry in saved:
            if entry is None:
                out.append(None)
                continue
            kind = entry[0]
            if kind == 'in':
                tensor = entry[1]
                if tensor._version_counter[0] != entry[2]:
                    _raise_modified(tensor, tensor._version_counter[0], entry[2])
                out.append(tensor._data)
            elif kind == 'out':
                _, nr, array, counter, version = entry
                if counter[0] != version:
                    raise RuntimeError(_modified_message(array, counter[0], version, nr, self))
                out.append(array)
            else:
                out.append(entry[1])
        return out

    def _release(self):
        if self._saved:
            self._saved = None

    def _pack(self, tensors, outputs):
        """Turn what forward asked to save into entries that don't keep outputs alive (NOTE [ Saved tensors ])."""
        values = self.__dict__.pop('_to_save')
        n = len(values)
        if n == 2 and tensors:  # fast paths for what binary ops save: both inputs, or an input and a python scalar
            a = tensors[0]
            first, second = values
            if first is a._data:
                if len(tensors) == 2:
                    b = tensors[1]
                    if second is b._data and second is not first:
                        self._saved = (('in', a, a._version_counter[0]), ('in', b, b._version_counter[0]))
                        return
                elif type(second) in _SCALARS:
                    self._saved = (('in', a, a._version_counter[0]), ('const', second))
                    return
            elif second is a._data and type(first) in _SCALARS and len(tensors) == 1:
                self._saved = (('const', first), ('in', a, a._version_counter[0]))
                return
        elif n == 1 and len(tensors) == 1:  # unary ops: the input or the output
            a = tensors[0]
            value = values[0]
            if value is a._data:
                self._saved = (('in', a, a._version_counter[0]),)
                return
            out = outputs[0] if len(outputs) == 1 else None
            if out is not None and value is not a and value is out._data:
                counter = out._version_counter
                self._saved = (('out', 0, value, counter, counter[0]),)
                return
        entries = []
        for value in values:
            if value is None:
                entries.append(None)
                continue
            for t in tensors:
                if value is t._data or value is t:
                    entries.append(('in', t, t._version_counter[0]))
                    break
            else:
                for nr, out in enumerate(outputs):
                    if out is not None and (value is out._data or value is out):
                        counter = out._version_counter
                        entries.append(('out', nr, out._data, counter, counter[0]))
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
    if kind == 'out':
        _, nr, array, counter, version = entry
        if counter[0] != version:
            raise RuntimeError(_modified_message(array, counter[0], version, nr, ctx))
        enabled = _State.enabled
        out = _Tensor._make(array, enabled, ctx if enabled else None, nr)
        out._version_counter = counter
        return out
    value = entry[1]
    if isinstance(value, (int, float, complex)):  # python scalars (and bools) given to a primitive stay scalars
        return value
    if isinstance(value, _generic):  # a NumPy / ml_dtypes scalar (bfloat16 operands): a 0-dim tensor
        value = numpy.asarray(value)
    return _Tensor._make(value)


def _type_name(array):
    from .._dtype import _FROM_NP  # noqa: PLC0415
    words = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16', 'int64': 'Long',
             'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
             'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}
    dtype = _FROM_NP.get(array.dtype)
    word = words.get(dtype.name if dtype is not None else '', str(array.dtype).capitalize())
    where = 'torch.' if type(array) is _ndarray else 'torch.cuda.'
    return f'{where}{word}Tensor [{", ".join(str(s) for s in array.shape)}]'


def _short_name(node):
    """``ExpBackward0`` -> ``Exp``: how PyTorch names the op that produced a modified tensor."""
    name = node.name().rstrip('0123456789')
    return name[:-len('Backward')] if name.endswith('Backward') else name


def _modified_message(array, version, expected, output_nr=None, node=None):
    where = f', which is output {output_nr} of {_short_name(node)},' if node is not None else ''
    return ('one of the variables needed for gradient computation has been modified by an inplace operation: '
            f'[{_type_name(array)}]{where} is at version {version}; expected version {expected} instead. Hint: '
            'enable anomaly detection to find the operation that failed to compute its gradient, with '
            'torch.autograd.set_detect_anomaly(True, check_nan=False).')


def _raise_modified(tensor, version, expected):
    fn = tensor._grad_fn
    raise RuntimeError(_modified_message(tensor._data, version, expected, tensor._output_nr if fn else None, fn))


def _set_outputs(ctx, args, outs):
    """Link a primitive's outputs (a tuple of Tensors; floating/complex ones only) to ``ctx``.

    Each Tensor argument gets the edge of its gradient and each python-scalar argument a ``(None, 0)`` edge (as
    PyTorch's wrapped numbers do); other arguments (shapes, options) get none, and ``_tensor_positions`` says which
    entries of backward's result belong to the edges.
    """
    if not any(o._dtype._kind >= 2 for o in outs):
        ctx.__dict__.pop('_to_save', None)
        return
    ctx._seq = next(_sequence)
    edges, meta, positions = [], [], []
    for i, a in enumerate(args):
        if isinstance(a, _Tensor):
            edges.append(_edge(a) if a._requires_grad else _NO_EDGE)
            meta.append((a._data.shape, a._dtype))
            positions.append(i)
        elif type(a) in _SCALARS:
            edges.append(_NO_EDGE)
            meta.append(None)
            positions.append(i)
    ctx.next_functions = tuple(edges)
    ctx._input_meta = tuple(meta)
    if len(positions) != len(args):
        ctx._tensor_positions = tuple(positions)
    ctx._num_outputs = len(outs)
    for nr, o in enumerate(outs):
        if o._dtype._kind >= 2:
            o._requires_grad, o._grad_fn, o._output_nr = True, ctx, nr
    if '_to_save' in ctx.__dict__:
        ctx._pack([a for a in args if isinstance(a, _Tensor)], outs)


class Primitive(_Ctx, metaclass=_FunctionMeta):
    """An ember op: ``forward(ctx, *arrays, **options)`` computes on raw arrays with ``ctx.xp``, ``backward(ctx,
    *grads)`` returns input gradients written with Tensor ops (so ``create_graph=True`` differentiates them).

    Positional arguments that are not Tensors (python scalars, shapes) are passed through to forward unchanged and get
    no gradient; keyword arguments are options. ``backward`` returns one entry per positional argument; a
    multi-output forward returns a tuple of arrays and backward then receives one gradient per output (None where
    no gradient arrived).
    """

    _primitive = True
    differentiable = True
    backward_array = None     # optional array-level backward (NOTE [ Array backward ] in engine.py)
    _tensor_positions = None  # indices of the Tensor arguments, when some arguments are not Tensors
    xp = numpy                # the array module of the inputs (set on the ctx when it is not NumPy)

    @classmethod
    def apply(cls, *args, **kwargs):
        # NOTE [ Primitive.apply hot path ]: every op goes through here, so the common cases (one or two CPU
        # Tensors, a Tensor and a python scalar) are written out; anything else takes _apply_general.
        ctx = _new(cls._node_class)
        n = len(args)
        if n == 2:
            a, b = args
            if isinstance(a, _Tensor) and isinstance(b, _Tensor):
                data_a, data_b = a._data, b._data
                if type(data_a) is _ndarray and type(data_b) is _ndarray:
                    req_a, req_b = a._requires_grad, b._requires_grad
                    if (req_a or req_b) and _State.enabled and cls.differentiable:
                        ctx.needs_input_grad = (req_a, req_b)
                        out = cls.forward(ctx, data_a, data_b, **kwargs)
                        if type(out) is not _ndarray:
                            return _record_other(ctx, out, args)
                        result = _Tensor._make(out)
                        if result._dtype._kind >= 2:
                            ctx._seq = next(_sequence)
                            if req_a:
                                fn = a._grad_fn
                                edge_a = (fn, a._output_nr) if fn is not None else _edge(a)
                            else:
                                edge_a = _NO_EDGE
                            if req_b:
                                fn = b._grad_fn
                                edge_b = (fn, b._output_nr) if fn is not None else _edge(b)
                            else:
                                edge_b = _NO_EDGE
                            ctx.next_functions = (edge_a, edge_b)
                            ctx._input_meta = ((data_a.shape, a._dtype), (data_b.shape, b._dtype))
                            result._requires_grad = True
                            result._grad_fn = ctx
                            if '_to_save' in ctx.__dict__:
                                ctx._pack(args, (result,))
                        return result
                    out = cls.forward(ctx, data_a, data_b, **kwargs)
                    return _Tensor._make(out) if type(out) is _ndarray else _wrap_other(out)
            elif type(b) in _SCALARS and isinstance(a, _Tensor):
                data_a = a._data
                if type(data_a) is _ndarray:
                    if a._requires_grad and _State.enabled and cls.differentiable:
                        ctx.needs_input_grad = _TRUE_FALSE
                        out = cls.forward(ctx, data_a, b, **kwargs)
                        if type(out) is not _ndarray:
                            return _record_other(ctx, out, args)
                        result = _Tensor._make(out)
                        if result._dtype._kind >= 2:
                            ctx._seq = next(_sequence)
                            fn = a._grad_fn
                            ctx.next_functions = ((fn, a._output_nr) if fn is not None else _edge(a), _NO_EDGE)
                            ctx._input_meta = ((data_a.shape, a._dtype), None)
                            result._requires_grad = True
                            result._grad_fn = ctx
                            if '_to_save' in ctx.__dict__:
                                ctx._pack((a,), (result,))
                        return result
                    out = cls.forward(ctx, data_a, b, **kwargs)
                    return _Tensor._make(out) if type(out) is _ndarray else _wrap_other(out)
            elif type(a) in _SCALARS and isinstance(b, _Tensor):  # reflected operators: 1 - x, 2 / x
                data_b = b._data
                if type(data_b) is _ndarray:
                    if b._requires_grad and _State.enabled and cls.differentiable:
                        ctx.needs_input_grad = _FALSE_TRUE
                        out = cls.forward(ctx, a, data_b, **kwargs)
                        if type(out) is not _ndarray:
                            return _record_other(ctx, out, args)
                        result = _Tensor._make(out)
                        if result._dtype._kind >= 2:
                            ctx._seq = next(_sequence)
                            fn = b._grad_fn
                            ctx.next_functions = (_NO_EDGE, (fn, b._output_nr) if fn is not None else _edge(b))
                            ctx._input_meta = (None, (data_b.shape, b._dtype))
                            result._requires_grad = True
                            result._grad_fn = ctx
                            if '_to_save' in ctx.__dict__:
                                ctx._pack((b,), (result,))
                        return result
                    out = cls.forward(ctx, a, data_b, **kwargs)
                    return _Tensor._make(out) if type(out) is _ndarray else _wrap_other(out)
        elif n == 1:
            a = args[0]
            if isinstance(a, _Tensor):
                data_a = a._data
                if type(data_a) is _ndarray:
                    if a._requires_grad and _State.enabled and cls.differentiable:
                        ctx.needs_input_grad = (True,)
                        out = cls.forward(ctx, data_a, **kwargs)
                        if type(out) is not _ndarray:
                            return _record_other(ctx, out, args)
                        result = _Tensor._make(out)
                        if result._dtype._kind >= 2:
                            ctx._seq = next(_sequence)
                            fn = a._grad_fn
                            ctx.next_functions = ((fn, a._output_nr) if fn is not None else _edge(a),)
                            ctx._input_meta = ((data_a.shape, a._dtype),)
                            result._requires_grad = True
                            result._grad_fn = ctx
                            if '_to_save' in ctx.__dict__:
                                ctx._pack(args, (result,))
                        return result
                    out = cls.forward(ctx, data_a, **kwargs)
                    return _Tensor._make(out) if type(out) is _ndarray else _wrap_other(out)
        return _apply_general(cls, ctx, args, kwargs)

    def _call_backward(self, grads):
        # multi-output primitives get None for outputs no gradient reached, and handle it themselves
        result = self.backward(self, *grads)
        if type(result) is not tuple:
            result = (result,)
        positions = self._tensor_positions
        if positions is not None:
            return tuple([result[i] for i in positions])
        return result


_NO_EDGE = (None, 0)
_TRUE_FALSE = (True, False)
_FALSE_TRUE = (False, True)
_SCALARS = frozenset({int, float, bool, complex})


def _wrap_other(out):
    """Wrap a forward result that is not a plain ndarray: a tuple of arrays, a NumPy scalar, or a CuPy array."""
    if type(out) is tuple:
        return tuple([_Tensor._make(o) for o in out])
    if isinstance(out, _generic):
        out = numpy.asarray(out)
    return _Tensor._make(out)


def _record_other(ctx, out, args):
    """Wrap and record a forward result that is not a plain ndarray (see ``_wrap_other``)."""
    outs = _wrap_other(out)
    _set_outputs(ctx, args, outs if type(outs) is tuple else (outs,))
    return outs


def _apply_general(cls, ctx, args, kwargs):
    """``Primitive.apply`` for mixed Tensor / non-Tensor arguments, other arities, or non-CPU arrays."""
    Tensor = _Tensor
    tensors, arrays = [], []
    requires = False
    xp = None          # the device namespace, when a tensor lives off the host
    host_dims = False  # a host tensor with dims: it cannot join device tensors (a 0-dim one is a scalar, as in torch)
    for a in args:
        if isinstance(a, Tensor):
            tensors.append(a)
            data = a._data
            arrays.append(data)
            if a._requires_grad:
                requires = True
            if type(data) is not _ndarray and not isinstance(data, numpy.generic):
                if xp is None:
                    xp = _array_module(data)
            elif data.ndim:
                host_dims = True
        else:
            arrays.append(a)
    if xp is not None:
        if host_dims:
            _raise_device_mismatch(cls, tensors)
        arrays = [xp.asarray(a) if type(a) is _ndarray or isinstance(a, numpy.generic) else a for a in arrays]
        ctx.xp = xp
    if requires and _State.enabled and cls.differentiable:
        ctx.needs_input_grad = tuple([isinstance(a, Tensor) and a._requires_grad for a in args])
        return _record_other(ctx, cls.forward(ctx, *arrays, **kwargs), args)
    return _wrap_other(cls.forward(ctx, *arrays, **kwargs))


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

    def __call__(self, *args, **kwargs):
        raise RuntimeError('Legacy autograd function with non-static forward method is deprecated. Please use '
                           'new-style autograd function with static forward method. (Example: '
                           'https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)')

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

    @staticmethod
    def vjp(ctx, *grad_outputs):
        raise NotImplementedError('You must implement either the backward or vjp method for your custom '
                                  'autograd.Function to use it with backward mode AD.')

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError('You must implement the jvp function for custom autograd.Function to use it with '
                                  'forward mode AD.')

    def save_for_backward(self, *values):
        for i, value in enumerate(values):
            if value is not None and not isinstance(value, _Tensor):
                raise TypeError(f'save_for_backward can only save variables, but argument {i} is of type '
                                f'{type(value).__name__}')
        self._to_save = values

    @classmethod
    def apply(cls, *args, **kwargs):
        Tensor = _Tensor
        ctx = _new(cls._node_class)
        ctx._seq = next(_sequence)
        tensors = [a for a in args if isinstance(a, Tensor)]
        need_grad = _State.enabled and any(t._requires_grad for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        prev = _State.enabled
        _State.enabled = False
        try:
            if cls.setup_context is not Function.setup_context:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        finally:
            _State.enabled = prev
        single = type(output) is not tuple
        outputs = (output,) if single else output
        dirty = ctx._dirty
        non_diff = ctx._non_differentiable
        wrapped = []
        for out in outputs:
            if isinstance(out, Tensor) and not any(out is d for d in dirty) and any(out is t for t in tensors):
                out = out._alias()  # returning an input unchanged gives a new tensor (a view of it), as in PyTorch
                if not need_grad:
                    out._requires_grad, out._grad_fn = False, None
            wrapped.append(out)
        if need_grad:
            for d in dirty:
                if d._grad_fn is None and d._requires_grad:
                    raise RuntimeError('a leaf Variable that requires grad has been used in an in-place operation.')
            ctx.next_functions = tuple(_edge(t) if t._requires_grad else (None, 0) for t in tensors)
            ctx._input_meta = tuple((t._data.shape, t._dtype) for t in tensors)
            ctx._input_positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
            ctx._num_outputs = len(wrapped)
            ctx._output_meta = tuple((o._data.shape, o._dtype, _xp_of(o._data)) if isinstance(o, Tensor) else None
                                     for o in wrapped)
            for nr, out in enumerate(wrapped):
                if not isinstance(out, Tensor):
                    continue
                if any(out is n for n in non_diff) or out._dtype._kind < 2:
                    out._requires_grad = False
                    if any(out is d for d in dirty):
                        out._grad_fn = None
                    continue
                out._grad_fn, out._output_nr, out._requires_grad = ctx, nr, True
        else:
            ctx._input_positions = ()
        for d in dirty:
            d._version_counter[0] += 1
        if '_to_save' in ctx.__dict__:
            ctx._pack(tensors, [o if isinstance(o, Tensor) else None for o in wrapped])
        return wrapped[0] if single else tuple(wrapped)

    def _call_backward(self, grads):
        """Run the user's backward; return one gradient per tensor input (None where there is none)."""
        if self._materialize_grads:
            grads = tuple(g if g is not None else _zeros_for(self, i) for i, g in enumerate(grads))
        cls = type(self)
        backward = cls.backward if cls.backward is not Function.backward or cls.vjp is Function.vjp else cls.vjp
        result = backward(self, *grads)
        if type(result) is not tuple:
            result = (result,)
        expected = len(self.needs_input_grad)
        if len(result) != expected:
            if len(result) > expected and all(r is None for r in result[expected:]):
                result = result[:expected]
            else:
                raise RuntimeError(f'function {self.name()} returned an incorrect number of gradients (expected '
                                   f'{expected}, got {len(result)})')
        Tensor = _Tensor
        positions = self._input_positions
        for i, r in enumerate(result):
            if r is None:
                continue
            if not isinstance(r, Tensor):
                raise RuntimeError(f'expected Variable or None (got {type(r).__name__})')
            if i not in positions:
                raise RuntimeError(f'function {self.name()} returned a gradient different than None at position '
                                   f'{i + 1}, but the corresponding forward input was not a Variable')
        return tuple(result[i] for i in positions)


def _zeros_for(ctx, output_index):
    meta = ctx._output_meta[output_index]
    if meta is None:
        return None
    return _Tensor._make(meta[2].zeros(meta[0], dtype=meta[1].np))


def _xp_of(array):
    return numpy if type(array) is _ndarray else _array_module(array)


def _array_module(array):
    from .._backend import cupy  # noqa: PLC0415
    return cupy()


def _raise_device_mismatch(cls, tensors):
    devices = []
    for t in tensors:
        d = str(t.device)
        if d not in devices:
            devices.append(d)
    devices.sort(key=lambda d: d == 'cpu')  # PyTorch names the accelerator first, whatever the argument order
    raise RuntimeError(f'Expected all tensors to be on the same device, but found at least two devices, '
                       f'{devices[0]} and {devices[1]}!')


_ONCE_DIFFERENTIABLE = 'trying to differentiate twice a function that was marked with @once_differentiable'


class _DelayedError(Primitive):
    """Stands in for the gradient of a ``@once_differentiable`` backward: differentiating it raises."""

    _backward_name = 'DelayedError'

    @staticmethod
    def forward(ctx, value, *sources):
        return value

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError(_ONCE_DIFFERENTIABLE)


def once_differentiable(fn):
    """Decorate a custom Function's backward that cannot itself be differentiated: it runs under no_grad, and
    differentiating its result (``create_graph=True``) raises."""
    @functools.wraps(fn)
    def wrapper(ctx, *args):
        prev = _State.enabled
        _State.enabled = False
        try:
            outputs = fn(ctx, *args)
        finally:
            _State.enabled = prev
        sources = [a for a in args if isinstance(a, _Tensor) and a._requires_grad]
        if not prev or not sources:
            return outputs
        single = type(outputs) is not tuple
        items = (outputs,) if single else outputs
        wrapped = [_DelayedError.apply(o, *sources) if isinstance(o, _Tensor) and o._dtype._kind >= 2 else o
                   for o in items]
        return wrapped[0] if single else tuple(wrapped)
    return wrapper


def _function_tensor():
    """The Tensor class (for modules that cannot import ember._tensor at import time)."""
    return _Tensor

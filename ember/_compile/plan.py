"""The replayed plan: optimize the traced graph, generate its forward as one Python function, and run its backward.

Passes, in order: view elimination (a ``Reshape``-family op to the same shape is an alias; a chain of them is one
reshape of the chain's source), dead-code elimination (ops whose results reach no output and that write nothing),
elementwise fusion (fuse.py), buffer planning (fused temporaries live in a per-step buffer set reused across calls).

NOTE [ Compiled backward ]
When gradients are wanted, the whole replayed forward is one autograd node, ``CompiledFunctionBackward`` (PyTorch's
name), whose edges are the inputs and parameters that need gradients. Its backward is a second generated function
(backward.py) over raw arrays, run with grad mode off: fused groups are differentiated inline from the forward values
they kept, view-like primitives (permute / transpose / expand) by a static expression, and every other primitive by
its ``backward_array`` on the ctx its replayed forward filled (its Tensor ``backward`` when it has none). Gradients
use eager's formulas, ufunc for ufunc (only a sum of three or more contributions may associate differently). A
buffer set stays leased to the node until its backward has run (or the node is gone), so two forwards in flight
never share buffers. Double backward (``create_graph=True``) through a compiled function is refused with a clear
error.
"""
from __future__ import annotations

import itertools
import weakref

import numpy

from .._ops.shape import Reshape
from ..autograd import function as _function
from ..autograd.function import _FREED, Node, _edge, _sequence
from ..autograd.grad_mode import _State
from . import backward as _bw
from .fuse import Group, group_ops
from .trace import Op, Value

_new = object.__new__
_ndarray = numpy.ndarray
_POOL_LIMIT = 4
_codes = itertools.count()


def _fix(r):
    return numpy.asarray(r)


class Plan:
    """An optimized, replayable graph for one guard key."""

    def __init__(self, tracer, out_leaves):
        self.inputs = tracer.inputs
        self.externals = tracer.externals
        self.ext_tensors = [v.tensor for v in tracer.externals]
        for v in tracer.inputs:
            v.tensor = None  # inputs come fresh with each call
        self.n_traced_ops = sum(1 for op in tracer.ops if op.kind == 'prim')
        self.out_leaves = out_leaves  # Values or ('const', x)
        ops = self._eliminate_views(tracer.ops)
        ops = self._eliminate_dead(ops)
        self.ops = ops
        self.items = group_ops(ops)
        self.n_kernels = len(self.items)
        self.n_fused = sum(len(i.ops) for i in self.items if type(i) is Group)
        self.groups = [i for i in self.items if type(i) is Group]
        self.out_values = [v for v in out_leaves if type(v) is Value]
        self.grad = any(v.requires_grad for v in self.out_values if v.kind == 'op')
        self.buffers = []
        self.static = {}  # id(op) -> gradient expression of view-like primitives (backward.static_backward)
        self.forward = self._generate()
        self._backward_ops()
        self.pool = []  # [buffer list, owner weakref or None]
        self.buffer_sets = 0

    # ---------------------------------------------------------------- passes
    def _eliminate_views(self, ops):
        rename = {}

        def sub(a):
            return rename.get(a.id, a) if type(a) is Value else a

        out_ids = {v.id for v in self.out_leaves if type(v) is Value}
        result = []
        for op in ops:
            op.args = [sub(a) for a in op.args]
            op.kwargs = {k: sub(a) for k, a in op.kwargs.items()}
            if op.saved is not None:
                op.saved = tuple(sub(a) for a in op.saved)
            if op.kind == 'prim' and issubclass(op.cls, Reshape) and type(op.args[0]) is Value and len(op.args) == 1:
                src, out = op.args[0], op.outs[0]
                while src.producer is not None and src.producer.kind == 'reshape':
                    src = src.producer.args[0]
                if src.shape == out.shape and src.dtype == out.dtype and out.id not in out_ids:
                    rename[out.id] = src
                    continue
                result.append(Op('reshape', args=[src], outs=[out], extra=out.shape))
                out.producer = result[-1]
                continue
            result.append(op)
        self.out_leaves = [sub(v) for v in self.out_leaves]
        return result

    def _eliminate_dead(self, ops):
        live = {v.id for v in self.out_leaves if type(v) is Value}
        keep = set()
        for i in range(len(ops) - 1, -1, -1):
            op = ops[i]
            if op.kind in ('write', 'running', 'check') or id(op) in keep or any(v.id in live for v in op.outs):
                keep.add(id(op))
                for a in op.value_args():
                    live.add(a.id)
                if op.kind == 'running':
                    keep.add(id(op.extra[0]))
        return [op for op in ops if id(op) in keep]

    # ---------------------------------------------------------------- code generation
    def _generate(self):
        env = {'__name__': 'ember._compile.generated', '_np': numpy, '_new': _new, '_nd': _ndarray, '_fix': _fix,
               '_pack': _pack_saved, '_write': _write_ext}
        consts = []

        def const(x):
            consts.append(x)
            return f'K[{len(consts) - 1}]'

        def name(v):
            return f'v{v.id}'

        lines = []
        for v in self.inputs:
            lines.append(f'v{v.id} = I[{v.index}]')
        for v in self.externals:
            lines.append(f'v{v.id} = E[{v.index}]._data')
        # values used outside the item that made them escape a fused group: they get fresh arrays
        used_by = {}
        for idx, item in enumerate(self.items):
            for op in (item.ops if type(item) is Group else (item,)):
                for a in op.value_args():
                    used_by.setdefault(a.id, set()).add(idx)
        outs = {v.id for v in self.out_values}
        stats_names = {}
        for idx, item in enumerate(self.items):
            if type(item) is Group:
                produced = [op.outs[0] for op in item.ops]
                escaping = {v.id for v in produced if v.id in outs or used_by.get(v.id, set()) - {idx}}
                saved = set()
                item.kernel = self.grad and _bw.kernel_backward(item)
                if item.kernel:
                    item.reads = _bw.kernel_reads(item)
                    saved.update(v.id for v in item.reads)
                else:
                    for op in item.ops:
                        if op.needs is not None:
                            saved.update(a.id for a in op.saved if type(a) is Value)
                lines.extend(item.numpy_lines(name, const, escaping, saved, self.buffers))
                if item.kernel:
                    if item.reads:
                        lines.append(f'if C is not None: C[{self._slot(item)}] = '
                                     f'({"".join(name(v) + ", " for v in item.reads)})')
                    continue
                for op in item.ops:
                    if op.needs is not None:
                        lines.extend(self._template_ctx(op, name, const, env))
                continue
            op = item
            k = len(env)
            static = _bw.static_backward(op) if op.kind == 'prim' and op.needs is not None else None
            if static is not None:
                self.static[id(op)] = static
            if op.kind == 'prim':
                env[f'F{k}'], env[f'N{k}'] = op.cls.forward, op.cls._node_class
                args = [name(a) if type(a) is Value else const(a) for a in op.args]
                kwargs = []
                for key, val in op.kwargs.items():
                    if type(val) is dict:  # a side channel forward fills (batch-norm statistics): fresh per step
                        stats_names[id(op)] = f's{k}'
                        lines.append(f's{k} = {{}}')
                        kwargs.append(f'{key}=s{k}')
                    elif type(val) is Value:
                        kwargs.append(f'{key}={name(val)}')
                    else:
                        kwargs.append(f'{key}={const(val)}')
                lines.append(f'c = _new(N{k})')
                if op.needs is not None and static is None:
                    lines.append(f'if C is not None: c.needs_input_grad = {const(op.needs)}')
                lines.append(f'r = F{k}(c, {", ".join(args + kwargs)})')
                if op.tuple_out:
                    for nr, v in enumerate(op.outs):
                        lines.append(f'v{v.id} = r[{nr}] if type(r[{nr}]) is _nd else _fix(r[{nr}])')
                else:
                    lines.append(f'v{op.outs[0].id} = r if type(r) is _nd else _fix(r)')
                if op.needs is not None and static is None:
                    lines.append(f'if C is not None: c._saved = _pack(c); C[{self._slot(op)}] = c')
            elif op.kind in ('alias', 'detach'):
                lines.append(f'v{op.outs[0].id} = {name(op.args[0])}')
            elif op.kind == 'reshape':
                lines.append(f'v{op.outs[0].id} = {name(op.args[0])}.reshape({const(op.extra)})')
            elif op.kind == 'write':
                lines.append(f'_write(E[{op.args[0].index}], {name(op.args[1])})')
            elif op.kind == 'check':
                env[f'X{k}'] = op.extra[0]
                lines.append(f'X{k}({name(op.args[0])}, {", ".join(const(c) for c in op.extra[1])})')
            elif op.kind == 'running':
                env[f'U{k}'] = _running_update
                mean, var = (f'E[{a.index}]' if a is not None else 'None' for a in op.args)
                norm_op, count, momentum = op.extra
                lines.append(f'U{k}({mean}, {var}, {stats_names[id(norm_op)]}, {const(count)}, {const(momentum)})')
        result = ', '.join(f'v{v.id}' for v in self.out_values)
        lines.append(f'return ({result},)')
        env['K'] = consts
        source = 'def _forward(I, E, B, C):\n' + '\n'.join('    ' + line for line in lines) + '\n'
        self.source = source
        code = compile(source, f'<ember.compile plan {next(_codes)}>', 'exec')
        exec(code, env)  # noqa: S102 - generated from the traced graph above
        return env['_forward']

    def _slot(self, op):
        slots = self.__dict__.setdefault('_slots', {})
        if id(op) not in slots:
            slots[id(op)] = len(slots)
        return slots[id(op)]

    def _template_ctx(self, op, name, const, env):
        k = len(env)
        env[f'N{k}'] = op.cls._node_class
        env[f'G{k}'] = op.needs
        env[f'A{k}'] = op.attrs
        entries = []
        for a in op.saved:
            if a is None:
                entries.append('None')
            elif type(a) is Value:
                entries.append(f"('const', {name(a)})")
            else:
                entries.append(f"('const', {const(a[1])})")
        saved = '(' + ''.join(e + ', ' for e in entries) + ')'
        lines = [f'if C is not None: c = _new(N{k}); c.needs_input_grad = G{k}; c._saved = {saved}; '
                 f'C[{self._slot(op)}] = c']
        if op.attrs:
            lines.append(f'if C is not None: c.__dict__.update(A{k})')
        return lines

    def _backward_ops(self):
        """What the backward visits, in forward order, and the generated backward (backward.py)."""
        steps = []
        edge_ids = set()
        grad_ids = {}

        def use(values):
            for a in values:
                grad_ids.setdefault(a.id, a)
                if a.kind in ('input', 'ext'):
                    edge_ids.add(a.id)
        for item in self.items:
            if type(item) is Group and getattr(item, 'kernel', False):
                refs = [a for op in item.ops if op.needs is not None
                        for pos, a in enumerate(op.args) if type(a) is Value and a.requires_grad and op.needs[pos]]
                if refs:
                    steps.append(('group', item, self._slot(item) if item.reads else None, item.reads))
                    use(refs)
                    use(op.outs[0] for op in item.ops if op.outs[0].requires_grad)
                continue
            for op in (item.ops if type(item) is Group else (item,)):
                if op.kind == 'prim' and op.needs is not None and id(op) in self.static:
                    if op.args[0].requires_grad:
                        steps.append(('static', op, op.args[0], self.static[id(op)]))
                        use((op.args[0], op.outs[0]))
                elif op.kind == 'prim' and op.needs is not None:
                    refs = [(i, a) for i, a in enumerate(op.args) if type(a) is Value and a.requires_grad
                            and i < len(op.needs) and op.needs[i]]
                    steps.append(('prim', op, self._slot(op), refs))
                    use(a for _, a in refs)
                    use(v for v in op.outs if v.requires_grad)
                elif op.kind in ('reshape', 'alias') and op.args[0].requires_grad:
                    steps.append(('view', op, op.args[0]))
                    use((op.args[0], op.outs[0]))
        for v in self.out_values:
            if v.requires_grad:
                grad_ids.setdefault(v.id, v)
        self.steps = steps
        self.n_slots = len(self.__dict__.get('_slots', {}))
        self.edge_values = [v for v in self.inputs + self.externals if v.id in edge_ids]
        self.values_with_grad = list(grad_ids.values())
        self.backward = None
        if self.grad:
            consts = []

            def const(x):
                consts.append(x)
                return f'K[{len(consts) - 1}]'
            env = {'__name__': 'ember._compile.generated', '_np': numpy, '_sum_to': _bw.sum_to,
                   '_acc': _bw.accumulate, '_tb': _bw.tensor_backward, '_sgn': _bw.sgn, '_relu_grad': _bw.relu_grad,
                   'K': consts}
            self.backward_source = _bw.generate(self, steps, const, env)
            code = compile(self.backward_source, f'<ember.compile backward {next(_codes)}>', 'exec')
            exec(code, env)  # noqa: S102 - generated from the traced graph
            self.backward = env['_backward']

    # ---------------------------------------------------------------- running
    def _acquire(self):
        for entry in self.pool:
            owner = entry[1]
            node = owner() if owner is not None else None
            if node is None or node._saved is None:
                entry[1] = None
                return entry
        entry = [[numpy.empty(shape, dtype) for shape, dtype in self.buffers], None]
        self.buffer_sets += 1
        if len(self.pool) < _POOL_LIMIT:
            self.pool.append(entry)
        return entry

    def run(self, input_tensors):
        """Replay on ``input_tensors`` (the flattened Tensor inputs); returns the output leaves (Tensors / consts)."""
        Tensor = _function._Tensor
        grad = self.grad and _State.enabled
        entry = self._acquire()
        ctxs = [None] * self.n_slots if grad else None
        arrays = [input_tensors[v.index]._data for v in self.inputs]
        out_arrays = self.forward(arrays, self.ext_tensors, entry[0], ctxs)
        node = None
        if grad:
            node = _new(CompiledFunctionBackward)
            node._seq = next(_sequence)
            node._plan = self
            leaves = [input_tensors[v.index] if v.kind == 'input' else v.tensor for v in self.edge_values]
            node.next_functions = tuple([_edge(t) if t._requires_grad else (None, 0) for t in leaves])
            node._input_meta = tuple([(t._data.shape, t._dtype) for t in leaves])
            node._num_outputs = len(self.out_values)
            node._saved = (ctxs,)  # freed (with the activations the contexts hold) as any node's saved values
            entry[1] = weakref.ref(node)
        made = {}
        result = []
        nr = 0
        for leaf in self.out_leaves:
            if type(leaf) is not Value:
                result.append(leaf[1])
                continue
            array = out_arrays[nr]
            if leaf.kind == 'input':
                t = input_tensors[leaf.index]
            elif leaf.kind == 'ext':
                t = leaf.tensor
            elif leaf.id in made:
                t = made[leaf.id]
            elif grad and leaf.requires_grad:
                t = Tensor._make(array, True, node, nr)
            else:
                t = Tensor._make(array)
            made[leaf.id] = t
            result.append(t)
            nr += 1
        return result


class CompiledFunctionBackward(Node):
    """The autograd node of a compiled forward (NOTE [ Compiled backward ])."""

    _saved = ()  # (the primitives' contexts,) while the graph holds them; None once the engine frees them

    def name(self):
        return 'CompiledFunctionBackward'

    def _call_backward(self, grads):
        if self._saved is None:
            raise RuntimeError(_FREED)
        if _State.enabled:
            raise RuntimeError('ember.compile: double backward (create_graph=True) through a compiled function is '
                               'not supported; call the function uncompiled to differentiate its gradients')
        make = _function._Tensor._make
        arrays = [None if g is None else g._data for g in grads]
        out = self._plan.backward(arrays, self._saved[0])
        return tuple([None if g is None else make(g if type(g) is _ndarray else _fix(g)) for g in out])


def _pack_saved(ctx):
    """Turn what forward asked to save into ctx entries (NOTE [ Saved tensors ], all held as arrays)."""
    values = ctx.__dict__.pop('_to_save', None)
    if not values:
        return ()
    Tensor = _function._Tensor
    entries = []
    for value in values:
        if value is None:
            entries.append(None)
        elif isinstance(value, Tensor):
            entries.append(('in', value, value._version_counter[0]))
        else:
            entries.append(('const', value))
    return tuple(entries)


def _write_ext(tensor, array):
    tensor._data[...] = array
    tensor._version_counter[0] += 1


def _running_update(running_mean, running_var, stats, count, momentum):
    from .._ops import norm  # noqa: PLC0415
    norm._update_running(running_mean, running_var, stats, count, momentum)

"""Elementwise fusion: runs of elementwise primitives become one generated kernel writing into preallocated buffers.

On the CPU a kernel is a generated NumPy function: one ufunc call per op with ``out=`` into the step's buffers, so a
chain allocates nothing but its escaping results, and a dead temporary's buffer is reused in place.

NOTE [ Fusion on CUDA ]
A fused group is an IR (``Group.ops``: ufunc name, C expression, operands) independent of the backend.
``Group.cuda_source()`` already writes the body of a ``cupy.ElementwiseKernel`` for the group (one C expression per
op, temporaries as locals); wiring it in means compiling that source once per (group, dtypes) and calling it instead
of ``numpy_lines`` in plan.py when the inputs are CuPy arrays. The tracer refuses CUDA tensors until then, so nothing
on the GPU is compiled wrongly in the meantime.

Only ops whose NumPy forward is a single ufunc of the op's own dtype are fused (float arrays of the output dtype and
python int / float scalars), so a fused result is bit-identical to eager.
"""
from __future__ import annotations

from .._ops import elementwise as _ew
from .._ops import elementwise_unary as _un

# class -> (NumPy ufunc(s) applied in turn, C expression of operands {0} (and {1}))
_TABLE = {
    _ew.Add: (('add',), '{0} + {1}'),
    _ew.Sub: (('subtract',), '{0} - {1}'),
    _ew.Mul: (('multiply',), '{0} * {1}'),
    _ew.Div: (('true_divide',), '{0} / {1}'),
    _ew.Neg: (('negative',), '-{0}'),
    _ew.Exp: (('exp',), 'exp({0})'),
    _ew.Log: (('log',), 'log({0})'),
    _un.Exp2: (('exp2',), 'exp2({0})'),
    _un.Expm1: (('expm1',), 'expm1({0})'),
    _un.Log2: (('log2',), 'log2({0})'),
    _un.Log10: (('log10',), 'log10({0})'),
    _un.Log1p: (('log1p',), 'log1p({0})'),
    _un.Sqrt: (('sqrt',), 'sqrt({0})'),
    _un.Rsqrt: (('sqrt', 'reciprocal'), 'rsqrt({0})'),
    _un.Reciprocal: (('reciprocal',), '1 / {0}'),
    _un.Sin: (('sin',), 'sin({0})'),
    _un.Cos: (('cos',), 'cos({0})'),
    _un.Tan: (('tan',), 'tan({0})'),
    _un.Tanh: (('tanh',), 'tanh({0})'),
    _un.Sinh: (('sinh',), 'sinh({0})'),
    _un.Cosh: (('cosh',), 'cosh({0})'),
    _un.Abs: (('absolute',), 'fabs({0})'),
    _un.Floor: (('floor',), 'floor({0})'),
    _un.Ceil: (('ceil',), 'ceil({0})'),
    _un.Trunc: (('trunc',), 'trunc({0})'),
    _un.Relu: (('maximum0',), 'max({0}, (T)0)'),
}


def fusible(op) -> bool:
    """Whether ``op`` can join a fused kernel (see the module docstring)."""
    from .trace import Value  # noqa: PLC0415
    if op.kind != 'prim' or op.cls not in _TABLE or op.kwargs or len(op.outs) != 1 or op.tuple_out:
        return False
    out = op.outs[0]
    if out.dtype.kind != 'f':
        return False
    if op.needs is not None and op.saved is None:
        return False
    for a in op.args:
        if type(a) is Value:
            if a.dtype != out.dtype:
                return False
        elif type(a) not in (int, float):
            return False
    return True


class Group:
    """A run of consecutive fusible ops, replayed as one kernel."""

    def __init__(self, ops):
        self.ops = ops
        produced = {v.id for op in ops for v in op.outs}
        self.inputs = []
        seen = set()
        for op in ops:
            for a in op.value_args():
                if a.id not in produced and a.id not in seen:
                    seen.add(a.id)
                    self.inputs.append(a)

    def numpy_lines(self, name, const, escaping, saved, buffers):
        """Source lines computing the group. ``name(value)`` is a value's variable and ``const(x)`` a scalar's.
        Values in ``escaping`` get fresh arrays (they outlive the step's buffers), values in ``saved`` a buffer of
        their own for the whole step, the others share buffers by liveness; ``buffers`` (a list of (shape, dtype))
        grows with new slots."""
        last_use = {}
        for i, op in enumerate(self.ops):
            for a in op.value_args():
                last_use[a.id] = i
        produced = {v.id for op in self.ops for v in op.outs}
        free = {}   # (shape, dtype) -> [slot]
        slot_of = {}
        lines = []
        for i, op in enumerate(self.ops):
            ufuncs = _TABLE[op.cls][0]
            out = op.outs[0]
            # temporaries that die here hand their buffer to the output (an in-place ufunc is exact)
            for a in {a.id: a for a in op.value_args()}.values():
                if a.id in produced and last_use.get(a.id) == i and a.id in slot_of and a.id not in saved:
                    free.setdefault((a.shape, a.dtype.str), []).append(slot_of.pop(a.id))
            operands = [name(a) if hasattr(a, 'id') else const(a) for a in op.args]
            if out.id in escaping:
                target = None
            else:
                key = (out.shape, out.dtype.str)
                pool = free.get(key)
                if pool and out.id not in saved:
                    slot = pool.pop()
                else:
                    slot = len(buffers)
                    buffers.append((out.shape, out.dtype))
                slot_of[out.id] = slot
                target = f'B[{slot}]'
            var = name(out)
            for k, ufunc in enumerate(ufuncs):
                args = operands if k == 0 else [var]
                if ufunc == 'maximum0':
                    ufunc, args = 'maximum', args + ['0']
                if target is None and not out.shape:  # a 0-dim ufunc result is a NumPy scalar: keep arrays
                    lines.append(f'{var} = _np.asarray(_np.{ufunc}({", ".join(args)}))')
                elif target is None:
                    lines.append(f'{var} = _np.{ufunc}({", ".join(args)})')
                else:
                    lines.append(f'{var} = _np.{ufunc}({", ".join(args)}, out={target})')
        return lines

    def cuda_source(self):
        """The body of a ``cupy.ElementwiseKernel`` computing the group (NOTE [ Fusion on CUDA ]); not compiled yet."""
        names = {a.id: f'in{i}' for i, a in enumerate(self.inputs)}
        body = []
        for op in self.ops:
            expr = _TABLE[op.cls][1]
            operands = [names[a.id] if hasattr(a, 'id') else repr(a) for a in op.args]
            var = names[op.outs[0].id] = f't{op.outs[0].id}'
            body.append(f'T {var} = {expr.format(*operands)};')
        return '\n'.join(body)


def group_ops(ops):
    """Split ``ops`` into a list of items: a ``Group`` for each run of consecutive fusible ops, else the op."""
    items, run = [], []
    for op in ops:
        if fusible(op):
            run.append(op)
            continue
        if run:
            items.append(Group(run))
            run = []
        items.append(op)
    if run:
        items.append(Group(run))
    return items

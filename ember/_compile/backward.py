"""The compiled backward: one generated Python function over raw arrays (NOTE [ Compiled backward ] in plan.py).

Each step of the traced graph that eager would have differentiated becomes a few lines of the generated function,
visited in reverse order; gradients are local variables (``g<id>``, None until one arrives):

- a fused elementwise group is differentiated inline with the array formulas of ``FORMULAS`` (the same ufuncs in the
  same order as the primitives' own backward, so the same bits), reading the forward values the group kept in its
  slot; shapes are static, so un-broadcasting is decided at generation time, and a second contribution to a gradient
  is added into the freshly computed one instead of a new array;
- any other primitive calls its ``backward_array`` (NOTE [ Array backward ] in autograd/engine.py) on the ctx its
  forward filled, and falls back to its Tensor ``backward`` (wrapping only there) when it has none or declines;
- view-like primitives (permute, transpose, expand, clone) and view chains are one array expression each.

Only inputs whose ``needs_input_grad`` is set are computed; results are summed to the input's shape and cast to its
dtype as the engine does.
"""
from __future__ import annotations

import math

import numpy

from .._ops import elementwise as _ew
from .._ops._util import keep_where as _keep_where
from .._ops import elementwise_unary as _un
from .._ops import shape as _shape
from ..autograd import function as _function

_LN2, _LN10 = math.log(2.0), math.log(10.0)

# class -> (what forward values the formulas read ('a', 'b', 'o'), one expression per positional argument).
# ``{g}`` is the output gradient, ``{a}`` / ``{b}`` the inputs (``{a}`` is x for unary ops), ``{o}`` the output.
FORMULAS = {
    _ew.Add: ('', ('{g}', '{g}')),
    _ew.Sub: ('', ('{g}', '_np.negative({g})')),
    _ew.Mul: ('ab', ('{g} * {b}', '{g} * {a}')),
    _ew.Div: ('ab', ('{g} / {b}', '-{g} * {a} / ({b} * {b})')),
    _ew.Neg: ('', ('_np.negative({g})',)),
    _ew.Exp: ('o', ('{g} * {o}',)),
    _ew.Log: ('a', ('{g} / {a}',)),
    _un.Exp2: ('o', (f'{{g}} * ({{o}} * {_LN2!r})',)),
    _un.Expm1: ('o', ('{g} * ({o} + 1)',)),
    _un.Log2: ('a', (f'{{g}} / ({{a}} * {_LN2!r})',)),
    _un.Log10: ('a', (f'{{g}} / ({{a}} * {_LN10!r})',)),
    _un.Log1p: ('a', ('{g} / ({a} + 1)',)),
    _un.Sqrt: ('o', ('{g} / (2 * {o})',)),
    _un.Rsqrt: ('o', ('-0.5 * {g} * {o} * {o} * {o}',)),
    _un.Reciprocal: ('o', ('-{g} * ({o} * {o})',)),
    _un.Sin: ('a', ('{g} * _np.cos({a})',)),
    _un.Cos: ('a', ('{g} * -_np.sin({a})',)),
    _un.Tan: ('o', ('{g} * (1 + {o} * {o})',)),
    _un.Tanh: ('o', ('{g} * (1 - {o} * {o})',)),
    _un.Sinh: ('a', ('{g} * _np.cosh({a})',)),
    _un.Cosh: ('a', ('{g} * _np.sinh({a})',)),
    _un.Abs: ('a', ('{g} * _sgn({a})',)),
    _un.Relu: ('o', ('_relu_grad({o}, {g})',)),
    _un.Floor: ('', ('{g} * 0',)),
    _un.Ceil: ('', ('{g} * 0',)),
    _un.Trunc: ('', ('{g} * 0',)),
}
_FRESH = {_ew.Add: (False, False), _ew.Sub: (False, True)}  # which results are new arrays (not the gradient itself)




def static_backward(op):
    """The gradient expression (of ``{g}``) of a view-like primitive that needs no ctx, or None."""
    if issubclass(op.cls, _shape.Permute) and 'dims' in op.kwargs and len(op.args) == 1:
        inverse = [0] * len(op.kwargs['dims'])
        for i, d in enumerate(op.kwargs['dims']):
            inverse[d] = i
        return '{g}.transpose(%r)' % (tuple(inverse),)
    if op.cls in (_shape.Expand, _shape.Clone) and len(op.args) == 1:
        return '{g}'
    return None


def kernel_backward(group) -> bool:
    """Whether a fused group is differentiated inline (every op that needs gradients has a formula)."""
    return all(op.needs is None or op.cls in FORMULAS for op in group.ops)


def kernel_reads(group):
    """The forward Values the group's inline backward reads (kept alive in the group's slot)."""
    from .trace import Value  # noqa: PLC0415
    reads = {}
    for op in group.ops:
        if op.needs is None:
            continue
        uses = FORMULAS[op.cls][0]
        for letter, v in (('a', op.args[0]), ('b', op.args[1] if len(op.args) > 1 else None), ('o', op.outs[0])):
            if letter in uses and type(v) is Value:
                reads[v.id] = v
    return list(reads.values())


class _Writer:
    """Accumulates the generated backward's source lines."""

    def __init__(self, const):
        self.lines = []
        self.const = const

    def add_grad(self, value, expr, fresh, indent):
        """``g<value> += expr``: the first contribution is kept as is, later ones are added (into ``expr``'s array
        when it is a new one)."""
        pad = ' ' * indent
        g = f'g{value.id}'
        self.lines.append(f'{pad}t = {expr}')
        if fresh:
            self.lines.append(f'{pad}{g} = t if {g} is None else _np.add({g}, t, out=t)')
        else:
            self.lines.append(f'{pad}{g} = t if {g} is None else {g} + t')


def generate(plan, steps, const, env):
    """Source of ``_backward(G, C)``: output gradients ``G`` (arrays or None) -> gradients of ``plan.edge_values``."""
    from .trace import Value  # noqa: PLC0415
    w = _Writer(const)
    lines = w.lines
    grads = set()
    for v in plan.out_values:
        if v.requires_grad:
            grads.add(v.id)
    for v in plan.values_with_grad:
        lines.append(f'g{v.id} = None')
    for nr, v in enumerate(plan.out_values):
        if v.requires_grad:
            lines.append(f'g{v.id} = G[{nr}] if g{v.id} is None or G[{nr}] is None else g{v.id} + G[{nr}]')
    for step in reversed(steps):
        kind = step[0]
        if kind == 'group':
            _, group, slot, reads = step
            live = [f'g{op.outs[0].id} is not None' for op in group.ops if op.outs[0].requires_grad]
            lines.append(f'if {" or ".join(live)}:')
            if reads:
                lines.append(f'    {", ".join(f"v{v.id}" for v in reads)}, = C[{slot}]')
            for op in reversed(group.ops):
                if op.needs is None:
                    continue
                out = op.outs[0]
                exprs = FORMULAS[op.cls][1]
                fresh = _FRESH.get(op.cls, (True, True))
                names = {'g': f'g{out.id}', 'o': f'v{out.id}'}
                for letter, a in zip('ab', op.args):
                    names[letter] = f'v{a.id}' if type(a) is Value else const(a)
                body = []
                for pos, a in enumerate(op.args):
                    if type(a) is not Value or not a.requires_grad or not op.needs[pos]:
                        continue
                    expr = exprs[pos].format(**names)
                    is_fresh = fresh[pos]
                    if a.shape != out.shape:
                        expr, is_fresh = f'_sum_to({expr}, {const(a.shape)})', True
                    if not a.shape:  # 0-dim ufunc results are NumPy scalars: keep arrays
                        expr = f'_np.asarray({expr})'
                    body.append((a, expr, is_fresh))
                if body:
                    lines.append(f'    if g{out.id} is not None:')
                    for a, expr, is_fresh in body:
                        w.add_grad(a, expr, is_fresh, 8)
        elif kind == 'prim':
            _, op, slot, refs = step
            k = len(env)
            env[f'BA{k}'] = op.cls.backward_array if op.cls.backward_array is not None else _no_array
            env[f'BT{k}'] = op.cls.backward
            outs = [f'g{v.id}' if v.requires_grad else 'None' for v in op.outs]
            lines.append(f'if {" or ".join(o + " is not None" for o in outs if o != "None") or "False"}:')
            lines.append(f'    c = C[{slot}]')
            lines.append(f'    r = BA{k}(c, {", ".join(outs)})')
            lines.append(f'    if r is NotImplemented: r = _tb(BT{k}, c, ({", ".join(outs)},))')
            lines.append('    elif type(r) is not tuple: r = (r,)')
            for pos, a in refs:
                lines.append(f'    t = r[{pos}] if len(r) > {pos} else None')
                lines.append(f'    if t is not None: g{a.id} = _acc(g{a.id}, t, {const(a.shape)}, {const(a.dtype)})')
        elif kind == 'static':
            _, op, src, expr = step
            g = f'g{op.outs[0].id}'
            lines.append(f'if {g} is not None: g{src.id} = _acc(g{src.id}, {expr.format(g=g)}, {const(src.shape)}, '
                         f'{const(src.dtype)})')
        else:  # reshape / alias
            _, op, src = step
            g = f'g{op.outs[0].id}'
            expr = f'{g}.reshape({const(src.shape)})' if op.kind == 'reshape' else g
            lines.append(f'if {g} is not None: g{src.id} = {expr} if g{src.id} is None else g{src.id} + {expr}')
    lines.append(f'return ({"".join(f"g{v.id}, " for v in plan.edge_values)})')
    return 'def _backward(G, C):\n' + '\n'.join('    ' + line for line in lines) + '\n'


def relu_grad(out, grad):
    """``where(out > 0, grad, 0)`` as the eager ReLU backward computes it (a mask product: ``where`` branches per
    element, ~13x slower on NumPy)."""
    return _keep_where(numpy, out > 0, grad)


def sgn(x):
    """``x.sgn()`` of a real float array (0 at NaN), as the Sgn primitive computes it."""
    import numpy  # noqa: PLC0415
    return numpy.where(numpy.isnan(x), 0, numpy.sign(x)).astype(x.dtype)


def _no_array(ctx, *grads):
    return NotImplemented


def tensor_backward(backward, ctx, grads):
    """A primitive's Tensor backward on array gradients; returns a tuple of arrays (or None)."""
    make = _function._Tensor._make
    result = backward(ctx, *[None if g is None else make(g) for g in grads])
    if type(result) is not tuple:
        result = (result,)
    return tuple([None if r is None else r._data for r in result])


def accumulate(old, array, shape, dtype):
    """Add a primitive's input gradient into ``old``: summed to the input's shape and cast to its dtype first."""
    if array.shape != shape:
        array = sum_to(array, shape)
    if array.dtype != dtype:
        array = array.astype(dtype)
    return array if old is None else old + array


def sum_to(array, shape):
    """``array`` summed over broadcast dimensions down to ``shape``."""
    lead = array.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and array.shape[lead + i] != 1)
    if dims:
        array = array.sum(axis=dims, keepdims=True)
    if array.shape != shape:
        array = array.reshape(shape)
    return array

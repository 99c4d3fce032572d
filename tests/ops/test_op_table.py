"""Generic tests run for every op-table entry: forward, gradients and gradcheck against PyTorch, error parity."""
from __future__ import annotations

import zlib
import numpy as np
import pytest

import ember
import torch
from ops.harness import assert_close, to_ember, to_torch
from ops.op_table import OPS


def _cases(require_grad=False):
    for op in OPS:
        dtypes = op.dtypes if not require_grad else tuple(d for d in op.dtypes if d == 'float64')
        if require_grad and (not op.grad or not dtypes):
            continue
        for dtype in dtypes:
            yield pytest.param(op, dtype, id=f'{op.name}-{dtype}')


def _samples(op, dtype):
    rng = np.random.default_rng(zlib.crc32(f'{op.name}-{dtype}'.encode()))
    return op.samples(dtype, rng)


def _float_arrays(args):
    return [isinstance(a, np.ndarray) and a.dtype.kind == 'f' for a in args]


@pytest.mark.parametrize('op,dtype', list(_cases()))
def test_forward(op, dtype):
    for sample in _samples(op, dtype):
        expected = op.op(torch, *to_torch(sample.args), **to_torch(sample.kwargs))
        got = op.op(ember, *to_ember(sample.args), **to_ember(sample.kwargs))
        if op.nondeterministic:
            assert tuple(got.shape) == tuple(expected.shape), sample
            assert got.dtype.name == str(expected.dtype).replace('torch.', ''), sample
            continue
        if op.compare is not None:
            op.compare(got, expected)
            continue
        tol = 1e-2 if dtype in ('float16', 'bfloat16') else op.atol
        rtol = 1e-2 if dtype in ('float16', 'bfloat16') else op.rtol
        assert_close(got, expected, tol, rtol, op.check_dtype, what=f'{op.name} {sample!r}')


def _outputs(value):
    if isinstance(value, (tuple, list)):
        return [v for item in value for v in _outputs(item)]
    return [value] if hasattr(value, 'requires_grad') and value.requires_grad else []


@pytest.mark.parametrize('op,dtype', list(_cases(require_grad=True)))
def test_grad_matches_torch(op, dtype):
    checked = 0
    for sample in _samples(op, dtype):
        if not sample.grad:
            continue
        if op.inplace:
            continue
        t_args = to_torch(sample.args, requires_grad=True)
        e_args = to_ember(sample.args, requires_grad=True)
        t_inputs = [a for a in _flat(t_args) if isinstance(a, torch.Tensor) and a.requires_grad]
        e_inputs = [a for a in _flat(e_args) if isinstance(a, ember.Tensor) and a.requires_grad]
        t_out = _outputs(op.op(torch, *t_args, **to_torch(sample.kwargs)))
        e_out = _outputs(op.op(ember, *e_args, **to_ember(sample.kwargs)))
        if not t_out:
            continue
        rng = np.random.default_rng(0)
        cot = [rng.standard_normal(tuple(o.shape)) for o in t_out]
        t_grads = torch.autograd.grad(t_out, t_inputs, [torch.from_numpy(c).to(o.dtype) for c, o in zip(cot, t_out)],
                                      allow_unused=True)
        e_grads = ember.autograd.grad(e_out, e_inputs, [ember.tensor(c, dtype=o.dtype) for c, o in zip(cot, e_out)],
                                      allow_unused=True)
        for i, (g, tg) in enumerate(zip(e_grads, t_grads)):
            if tg is None:
                assert g is None or np.allclose(g.numpy(), 0), f'{op.name}: grad {i} should be None'
                continue
            assert g is not None, f'{op.name} {sample!r}: missing grad for input {i}'
            assert_close(g, tg, op.grad_atol, op.grad_rtol, True, what=f'{op.name} {sample!r} grad {i}')
        checked += 1


@pytest.mark.parametrize('op,dtype', [c for c in _cases(require_grad=True) if c.values[0].gradcheck])
def test_gradcheck(op, dtype):
    for sample in _samples(op, dtype):
        if not sample.grad or op.inplace:
            continue
        args = [a for a in sample.args]
        if any(isinstance(a, np.ndarray) and a.size > 64 for a in _flat(args)):
            continue  # central differences cost one forward per element: keep them small
        e_args = to_ember(args, requires_grad=True)
        kwargs = to_ember(sample.kwargs)

        def fn(*xs):
            return op.op(ember, *xs, **kwargs)
        assert ember.autograd.gradcheck(fn, tuple(e_args), eps=1e-6, atol=1e-5, rtol=1e-3)


@pytest.mark.parametrize('op', [op for op in OPS if op.errors is not None], ids=lambda op: op.name)
def test_error_parity(op):
    rng = np.random.default_rng(0)
    for sample in op.errors(rng):
        with pytest.raises(Exception) as expected:
            op.op(torch, *to_torch(sample.args), **to_torch(sample.kwargs))
        with pytest.raises(Exception) as got:
            op.op(ember, *to_ember(sample.args), **to_ember(sample.kwargs))
        assert _torch_type(expected.type) is got.type or issubclass(got.type, _torch_type(expected.type)), \
            f'{op.name} {sample!r}: ember raised {got.type.__name__}({got.value}), torch ' \
            f'{expected.type.__name__}({expected.value})'
        assert not type(got.value).__module__.startswith('numpy'), f'{op.name}: a NumPy exception leaked'


def _torch_type(exc_type):
    """PyTorch's own exception subclasses, mapped to the builtin ember raises."""
    for base in exc_type.__mro__:
        if base.__module__ == 'builtins':
            return base
    return exc_type


def _flat(values):
    for v in values:
        if isinstance(v, (list, tuple)):
            yield from _flat(v)
        else:
            yield v

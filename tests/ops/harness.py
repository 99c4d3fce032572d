"""The op table's types and the generic checks every entry gets (DESIGN.md, Tests).

An entry (``OpInfo``) supplies only: the call, written once for both libraries (``op(lib, *args, **kwargs)`` with
``lib`` either ``ember`` or ``torch``), sample inputs as NumPy arrays, the dtypes it supports, and tolerances. The
generic tests in ``test_op_table.py`` then run forward vs PyTorch, gradients vs ``torch.autograd.grad``, float64
``ember.autograd.gradcheck``, and exception-type parity.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

import ember
import torch

FLOATS = ('float32', 'float64')
INTS = ('int32', 'int64')
ALL_REAL = ('bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'bfloat16', 'float32', 'float64')


@dataclass
class Sample:
    """Positional args (NumPy arrays become tensors of both libraries), kwargs (likewise), and a label."""
    args: tuple
    kwargs: dict = field(default_factory=dict)
    desc: str = ''
    grad: bool = True  # False: skip gradient checks for this sample (e.g. at a kink)

    def __repr__(self):
        return self.desc or f'Sample({[getattr(a, "shape", a) for a in self.args]})'


@dataclass
class OpInfo:
    name: str
    op: Callable[..., Any]
    samples: Callable[[str, np.random.Generator], list]  # (dtype name, rng) -> [Sample]
    dtypes: tuple = FLOATS
    grad: bool = True           # differentiable: compare gradients with torch.autograd.grad
    gradcheck: bool = True      # also run float64 central differences
    atol: float = 1e-5
    rtol: float = 1.3e-6
    grad_atol: float = 1e-5
    grad_rtol: float = 1e-4
    errors: Callable[[np.random.Generator], list] | None = None  # samples that must raise as in PyTorch
    check_dtype: bool = True
    compare: Callable | None = None  # custom forward comparison(ember_out, torch_out)
    nondeterministic: bool = False  # outputs depend on RNG: compare shapes/dtypes only
    inplace: bool = False       # the op mutates its first argument

    def __repr__(self):
        return self.name


def make_array(shape, dtype, rng, low=-3.0, high=3.0, noncontig=False):
    """Random values of ``dtype``; ``noncontig`` returns a transposed (non-contiguous) view of the same shape."""
    shape = tuple(shape)
    base_shape = shape[::-1] if noncontig else shape
    if dtype == 'bool':
        arr = rng.random(base_shape) > 0.5
    elif dtype in ('uint8',):
        arr = rng.integers(0, 10, base_shape).astype(dtype)
    elif dtype in ('int8', 'int16', 'int32', 'int64'):
        arr = rng.integers(max(int(low), -9), min(int(high), 9) + 1, base_shape).astype(dtype)
    else:
        arr = rng.uniform(low, high, base_shape)
        arr = arr.astype(np_dtype(dtype))
    arr = np.asarray(arr)
    if noncontig:
        arr = arr.transpose(tuple(range(len(shape)))[::-1])
    return arr


def np_dtype(name):
    return ember._dtype.to_dtype(name).np


def to_ember(value, requires_grad=False):
    if isinstance(value, np.ndarray):
        t = ember.Tensor._make(value.copy() if value.flags.c_contiguous else _strided_copy(value))
        if requires_grad:
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)):
        return type(value)(to_ember(v, requires_grad) for v in value)
    if isinstance(value, dict):
        return {k: to_ember(v, requires_grad) for k, v in value.items()}
    return value


def _strided_copy(arr):
    """A non-contiguous array with the same strides pattern as ``arr`` but its own memory."""
    return arr.transpose(tuple(range(arr.ndim))[::-1]).copy().transpose(tuple(range(arr.ndim))[::-1])


TORCH_DTYPES = {'bool': torch.bool, 'uint8': torch.uint8, 'int8': torch.int8, 'int16': torch.int16,
                'int32': torch.int32, 'int64': torch.int64, 'float16': torch.float16, 'bfloat16': torch.bfloat16,
                'float32': torch.float32, 'float64': torch.float64, 'complex64': torch.complex64,
                'complex128': torch.complex128}


def to_torch(value, requires_grad=False):
    if isinstance(value, np.ndarray):
        name = ember._dtype.from_numpy_dtype(value.dtype).name
        if name == 'bfloat16':
            t = torch.from_numpy(value.astype(np.float32)).to(torch.bfloat16)
        else:
            t = torch.from_numpy(value.copy() if value.flags.c_contiguous else _strided_copy(value))
        if requires_grad:
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)):
        return type(value)(to_torch(v, requires_grad) for v in value)
    if isinstance(value, dict):
        return {k: to_torch(v, requires_grad) for k, v in value.items()}
    return value


def to_numpy(value):
    """Either library's output as NumPy (float32 for half types) for comparison."""
    if isinstance(value, torch.Tensor):
        v = value.detach()
        if v.dtype in (torch.bfloat16, torch.float16):
            v = v.float()
        return v.numpy()
    if isinstance(value, ember.Tensor):
        v = value.detach()
        if v.dtype in (ember.bfloat16, ember.float16):
            v = v.float()
        return v.numpy()
    return value


def dtype_name(value):
    if isinstance(value, torch.Tensor):
        return str(value.dtype).replace('torch.', '')
    if isinstance(value, ember.Tensor):
        return value.dtype.name
    return type(value).__name__


def assert_close(ours, theirs, atol, rtol, check_dtype=True, what='output'):
    """Compare nested outputs (tensors, tuples, lists, scalars) of ember and PyTorch."""
    if isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)), f'{what}: expected a sequence, got {type(ours).__name__}'
        assert len(ours) == len(theirs), f'{what}: length {len(ours)} != {len(theirs)}'
        for i, (o, t) in enumerate(zip(ours, theirs)):
            assert_close(o, t, atol, rtol, check_dtype, f'{what}[{i}]')
        return
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, ember.Tensor), f'{what}: expected a Tensor, got {type(ours).__name__}'
        assert tuple(ours.shape) == tuple(theirs.shape), f'{what}: shape {tuple(ours.shape)} != {tuple(theirs.shape)}'
        if check_dtype:
            assert dtype_name(ours) == dtype_name(theirs), f'{what}: dtype {dtype_name(ours)} != {dtype_name(theirs)}'
        a, b = to_numpy(ours), to_numpy(theirs)
        if b.dtype == np.bool_ or b.dtype.kind in 'iu':
            np.testing.assert_array_equal(a, b, err_msg=what)
        else:
            np.testing.assert_allclose(a, b, atol=atol, rtol=rtol, equal_nan=True, err_msg=what)
        return
    if isinstance(theirs, float):
        assert abs(ours - theirs) <= atol + rtol * abs(theirs) or (ours != ours and theirs != theirs), what
        return
    assert ours == theirs, f'{what}: {ours!r} != {theirs!r}'

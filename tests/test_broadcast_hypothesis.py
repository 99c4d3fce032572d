"""Property tests: binary and ternary elementwise ops over hypothesis-drawn broadcastable shapes, against PyTorch
(values, result dtype and shape, and gradients un-broadcast to each input's shape)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import ember
import torch

BINARY = {
    'add': lambda m, a, b: a + b,
    'sub': lambda m, a, b: a - b,
    'mul': lambda m, a, b: a * b,
    'div': lambda m, a, b: a / (b.abs() + 0.5),
    'maximum': lambda m, a, b: m.maximum(a, b),
    'atan2': lambda m, a, b: m.atan2(a, b),
    'pow': lambda m, a, b: (a.abs() + 0.5) ** b,
    'hypot': lambda m, a, b: m.hypot(a, b),
    'lerp': lambda m, a, b: m.lerp(a, b, 0.3),
}
TERNARY = {
    'where': lambda m, a, b, c: m.where(c > 0, a, b),
    'addcmul': lambda m, a, b, c: m.addcmul(a, b, c, value=0.5),
    'lerp_tensor': lambda m, a, b, c: m.lerp(a, b, c.sigmoid()),
}
DTYPES = {'float32': (np.float32, 1e-5), 'float64': (np.float64, 1e-10)}


def _run(lib, fn, arrays, grad):
    tensors = [lib.tensor(a, requires_grad=grad) for a in arrays]
    out = fn(lib, *tensors)
    grads = None
    if grad and out.numel():
        grads = (lib.autograd.grad(out.sin().sum(), tensors, allow_unused=True) if lib is ember else
                 torch.autograd.grad(out.sin().sum(), tensors, allow_unused=True))
    return out, grads


def _check(fn, shapes, dtype, seed):
    np_dtype, tol = DTYPES[dtype]
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(-2, 2, s).astype(np_dtype) for s in shapes]
    ours, our_grads = _run(ember, fn, arrays, True)
    theirs, their_grads = _run(torch, fn, arrays, True)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert str(ours.dtype) == str(theirs.dtype)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=tol * 10, atol=tol * 10)
    if their_grads is not None:
        for g, h, a in zip(our_grads, their_grads, arrays):
            assert (g is None) == (h is None)
            if g is None:
                continue
            assert tuple(g.shape) == a.shape
            np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=tol * 100, atol=tol * 100)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(BINARY)), mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4,
                                                                      min_side=0, max_side=3),
       st.sampled_from(sorted(DTYPES)), st.integers(0, 2**16))
def test_binary_ops_broadcast_like_torch(name, shapes, dtype, seed):
    _check(BINARY[name], shapes.input_shapes, dtype, seed)


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(sorted(TERNARY)), mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3,
                                                                       min_side=1, max_side=3),
       st.sampled_from(sorted(DTYPES)), st.integers(0, 2**16))
def test_ternary_ops_broadcast_like_torch(name, shapes, dtype, seed):
    _check(TERNARY[name], shapes.input_shapes, dtype, seed)


@settings(max_examples=30, deadline=None)
@given(mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       st.sampled_from(['int64', 'int32', 'uint8', 'bool', 'float32', 'float64']),
       st.sampled_from(['int64', 'int16', 'bool', 'float32', 'float16']))
def test_mixed_dtype_promotion_like_torch(shapes, left, right):
    rng = np.random.default_rng(0)
    a = rng.integers(0, 3, shapes.input_shapes[0]).astype(left)
    b = rng.integers(1, 3, shapes.input_shapes[1]).astype(right)
    for op in (lambda x, y: x + y, lambda x, y: x * y, lambda x, y: x / y, lambda x, y: x == y):
        ours, theirs = op(ember.tensor(a), ember.tensor(b)), op(torch.tensor(a), torch.tensor(b))
        assert str(ours.dtype) == str(theirs.dtype), (left, right)
        np.testing.assert_allclose(ours.float().numpy(), theirs.float().numpy(), rtol=1e-3)

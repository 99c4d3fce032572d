"""Reductions beyond the op table: named results, exact error wording, out=, higher-order gradients, and property
tests drawing shapes and dims for sum/mean/max/std against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import torch


def _pair(array, requires_grad=False):
    return (ember.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))


def test_named_result_repr_and_fields():
    e, t = _pair([[1., 5.], [4., 2.]])
    ours, theirs = e.max(1), t.max(1)
    assert repr(ours) == repr(theirs)
    assert ours.values.tolist() == theirs.values.tolist() and ours.indices.tolist() == theirs.indices.tolist()
    values, indices = ours
    assert type(ours).__name__ == 'max' and isinstance(ours, tuple) and values is ours[0]
    assert repr(ember.aminmax(e)) == repr(torch.aminmax(t))
    assert repr(e.sort(1)) == repr(t.sort(1))


@pytest.mark.parametrize('call', [lambda m, x: m.max(x), lambda m, x: x.min(), lambda m, x: x.amax(),
                                  lambda m, x: x.argmax(), lambda m, x: x.max(0), lambda m, x: m.aminmax(x),
                                  lambda m, x: x.median(0), lambda m, x: x.mode(0)])
def test_empty_error_wording(call):
    with pytest.raises(Exception) as theirs:
        call(torch, torch.zeros(0, 3))
    with pytest.raises(theirs.type if theirs.type in (RuntimeError, IndexError) else Exception) as ours:
        call(ember, ember.zeros(0, 3))
    assert str(ours.value) == str(theirs.value)


def test_empty_reductions_values():
    e, t = ember.zeros(0, 3), torch.zeros(0, 3)
    assert e.sum().item() == t.sum().item() == 0
    assert np.isnan(e.mean().item()) and np.isnan(t.mean().item())
    assert e.prod(0).tolist() == t.prod(0).tolist()
    assert e.max(1).values.shape == t.max(1).values.shape


def test_uint8_all_any_stay_uint8():
    for op in ('all', 'any'):
        e = getattr(ember.tensor([1, 0], dtype=ember.uint8), op)()
        t = getattr(torch.tensor([1, 0], dtype=torch.uint8), op)()
        assert e.dtype.name == 'uint8' and e.item() == t.item()


def test_out_tuple_and_out_tensor():
    e = ember.tensor([[1., 5.], [4., 2.]])
    values, indices = ember.empty(0), ember.empty(0, dtype=ember.int64)
    result = ember.max(e, 1, out=(values, indices))
    assert result.values is values and values.tolist() == [5., 4.] and indices.tolist() == [1, 0]
    out = ember.empty(0)
    assert ember.sum(e, 0, out=out) is out and out.tolist() == [5., 7.]


def test_max_binary_delegates_to_maximum():
    a, b = ember.tensor([1., 5.]), ember.tensor([3., 2.])
    assert ember.max(a, b).tolist() == [3., 5.] and ember.min(a, b).tolist() == [1., 2.]


def test_integer_sums_are_int64():
    for name in ('int8', 'int32', 'bool', 'uint8'):
        e = ember.ones(3, dtype=getattr(ember, name))
        t = torch.ones(3, dtype=getattr(torch, name))
        for op in ('sum', 'prod', 'nansum'):
            assert getattr(e, op)().dtype.name == str(getattr(t, op)().dtype)[6:]
        assert e.cumsum(0).dtype.name == str(t.cumsum(0).dtype)[6:]


def test_grad_fn_names():
    e, t = _pair([[1., 5., 2.], [4., 0., 3.]], requires_grad=True)
    for call in (lambda x: x.sum(), lambda x: x.sum(0), lambda x: x.max(), lambda x: x.max(0)[0], lambda x: x.amax(1),
                 lambda x: x.prod(), lambda x: x.prod(1), lambda x: x.std(), lambda x: x.logsumexp(1),
                 lambda x: x.cumsum(1), lambda x: x.cumprod(1), lambda x: x.sort(1)[0], lambda x: x.topk(2)[0],
                 lambda x: x.median(), lambda x: x.median(1)[0], lambda x: x.kthvalue(2)[0], lambda x: x.norm()):
        assert call(e).grad_fn.name() == type(call(t).grad_fn).__name__


@pytest.mark.parametrize('call', [
    lambda x: x.prod(1), lambda x: x.prod(), lambda x: x.cumprod(1), lambda x: x.std(1), lambda x: x.var(0),
    lambda x: x.logsumexp(1), lambda x: x.max(1)[0], lambda x: x.sort(1)[0],
    lambda x: x.mean(0), lambda x: ember.std_mean(x, 1)[0] + ember.std_mean(x, 1)[1],
    lambda x: x.logcumsumexp(1), lambda x: x.logcumsumexp(0)])
def test_gradgradcheck(call):
    x = ember.tensor(np.random.default_rng(0).uniform(0.5, 2, (3, 4)), requires_grad=True)
    assert ember.autograd.gradgradcheck(call, (x,))


def test_cumprod_prod_grad_with_zeros_matches_torch():
    data = [[0., 2., 0., 3.], [1., 0., 3., 2.], [2., 1., 3., 0.5]]
    e, t = _pair(data, requires_grad=True)
    for call in (lambda x: x.cumprod(1), lambda x: x.prod(1), lambda x: x.prod(), lambda x: x.cumprod(0)):
        cot = np.random.default_rng(1).standard_normal(tuple(call(t).shape))
        ge, = ember.autograd.grad(call(e), e, ember.tensor(cot, dtype=ember.float32))
        gt, = torch.autograd.grad(call(t), t, torch.tensor(cot, dtype=torch.float32))
        np.testing.assert_allclose(ge.numpy(), gt.numpy(), rtol=1e-5, atol=1e-6)


def _shape_and_dims():
    return st.lists(st.integers(0, 4), min_size=0, max_size=4).flatmap(
        lambda shape: st.tuples(st.just(tuple(shape)),
                                st.one_of(st.none(), st.lists(st.integers(-len(shape), len(shape) - 1), unique_by=(
                                    lambda d: d % len(shape)), min_size=1, max_size=len(shape)).map(tuple))
                                if shape else st.none(), st.booleans()))


@settings(max_examples=40, deadline=None)
@given(_shape_and_dims(), st.sampled_from(['sum', 'mean', 'amax', 'std']))
def test_property_reductions_match_torch(case, op):
    shape, dims, keepdim = case
    data = np.random.default_rng(len(shape)).standard_normal(shape)
    e, t = _pair(data)
    numel = int(np.prod(shape))
    reduced = int(np.prod([shape[d] for d in dims])) if dims else numel
    if op == 'amax' and (reduced == 0 or numel == 0):
        return
    if op == 'std' and reduced < 2:
        return
    kwargs = {} if dims is None else {'dim': dims, 'keepdim': keepdim}
    ours, theirs = getattr(e, op)(**kwargs), getattr(t, op)(**kwargs)
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6, atol=1e-9, equal_nan=True)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=3), st.data())
def test_property_max_dim_values_indices(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    keepdim = data.draw(st.booleans())
    values = np.random.default_rng(sum(shape)).permutation(int(np.prod(shape))).reshape(shape).astype(np.float64)
    e, t = _pair(values, requires_grad=True)
    ours, theirs = e.max(dim, keepdim), t.max(dim, keepdim)
    assert ours.values.tolist() == theirs.values.tolist() and ours.indices.tolist() == theirs.indices.tolist()
    ge, = ember.autograd.grad(ours.values.sum(), e)
    gt, = torch.autograd.grad(theirs.values.sum(), t)
    assert ge.tolist() == gt.tolist()


@pytest.mark.parametrize('values, cotangent', [
    ([0.3, 1.2, -0.4, 2.0], [1.0, -0.5, 0.7, -2.0]),  # mixed signs: each sign is a log-space running sum of its own
    ([-1000., 0.5, 1000., -3.], [0.25, 0.0, -1.5, 3.0]),
    ([-np.inf, 1.2, -np.inf, 0.5], [1.0, -0.5, 0.7, -2.0])])  # -inf: NaN where out is -inf, as in PyTorch
def test_logcumsumexp_double_backward_matches_torch(values, cotangent):
    e, t = _pair(np.array(values), requires_grad=True)
    ge, gt = _pair(np.array(cotangent), requires_grad=True)
    first_e, = ember.autograd.grad(e.logcumsumexp(0), e, ge, create_graph=True)
    first_t, = torch.autograd.grad(t.logcumsumexp(0), t, gt, create_graph=True)
    np.testing.assert_allclose(first_e.detach().numpy(), first_t.detach().numpy(), rtol=1e-12, equal_nan=True)
    weights = np.array([0.5, -1.0, 2.0, 0.25])
    second_e, = ember.autograd.grad((first_e * ember.tensor(weights)).sum(), e)
    second_t, = torch.autograd.grad((first_t * torch.tensor(weights)).sum(), t)
    np.testing.assert_allclose(second_e.numpy(), second_t.numpy(), rtol=1e-10, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize('dtype', ['float32', 'float64', 'int64', 'bool'])
@pytest.mark.parametrize('shape', [(64,), (3, 5), (2, 4, 64), (0, 9), (5, 0), (1, 1), (3, 1, 16)])
def test_blas_row_and_leading_sums_equal_numpy(dtype, shape):
    """ember._backend.reduce (softmax, layer norm, cross-entropy and bias-gradient sums through the BLAS): same
    shapes and dtypes as NumPy's sum, values equal to rounding; non-contiguous input takes the plain sum."""
    from ember._backend.reduce import last_sum, lead_sum
    rng = np.random.default_rng(0)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    for a in (x, np.asfortranarray(x), x[..., ::-1]):
        for keepdims in (True, False):
            got, expected = last_sum(np, a, keepdims), a.sum(-1, keepdims=keepdims)
            assert isinstance(got, np.ndarray) and got.shape == expected.shape and got.dtype == expected.dtype
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
        for lead in range(len(shape) + 1):
            got = lead_sum(np, a, lead)
            expected = a.sum(tuple(range(lead))) if lead else a
            assert isinstance(got, np.ndarray) and got.shape == np.shape(expected)
            assert got.dtype == np.asarray(expected).dtype
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)

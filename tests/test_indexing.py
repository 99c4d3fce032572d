"""``Tensor.__getitem__`` / ``__setitem__`` against PyTorch: values, views, gradients, errors, random index tuples."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ember
import torch

# (shape, index written once for both libraries: ``m`` is ember or torch)
INDEXES = [
    ((5,), lambda m: 2),
    ((5,), lambda m: -1),
    ((5,), lambda m: slice(1, 4)),
    ((5,), lambda m: slice(None, None, 2)),
    ((5,), lambda m: slice(10, None)),
    ((5,), lambda m: slice(-3, -1)),
    ((2, 3, 4), lambda m: (0, slice(1, None))),
    ((2, 3, 4), lambda m: (slice(1, None), 0)),
    ((2, 3, 4), lambda m: (1, Ellipsis, slice(None, None, 2))),
    ((2, 3, 4), lambda m: (None, Ellipsis, 0)),
    ((2, 3, 4), lambda m: (Ellipsis, None)),
    ((2, 3, 4), lambda m: (slice(None), None, 1)),
    ((2, 3, 4), lambda m: ()),
    ((2, 3, 4), lambda m: Ellipsis),
    ((2, 3, 4), lambda m: (0, 0, 0)),
    ((2, 3, 4), lambda m: m.tensor(1)),
    ((2, 3, 4), lambda m: (m.tensor(1), m.tensor(2, dtype=m.int32))),
    ((2, 3, 4), lambda m: np.int64(1)),
    ((), lambda m: None),
    ((), lambda m: Ellipsis),
    # advanced
    ((2, 3, 4), lambda m: [1, 0, 1]),
    ((2, 3, 4), lambda m: m.tensor([[1, 0], [0, 0]])),
    ((2, 3, 4), lambda m: (0, slice(None), [1, 2])),
    ((2, 3, 4), lambda m: ([0, 1], slice(None), [1, 2])),
    ((2, 3, 4), lambda m: (slice(None), [0, 1], [1, 2])),
    ((2, 3, 4), lambda m: (None, [0, 1], None, [1, 2])),
    ((2, 3, 4), lambda m: (slice(None), slice(None, None, 2), [1])),
    ((2, 3, 4), lambda m: ([[0], [1]], slice(1, 3), m.tensor([0, 3, 3]))),
    ((2, 3, 4), lambda m: (Ellipsis, [0, -1])),
    ((2, 3, 4), lambda m: m.tensor([-1, -2], dtype=m.int32)),
    ((2, 3, 4), lambda m: np.array([1, 0])),
    ((2, 3, 4), lambda m: []),
    ((2, 3, 4), lambda m: m.tensor([], dtype=m.int64)),
    # masks and bools
    ((2, 3, 4), lambda m: m.tensor([[True, False, True], [False, False, True]])),
    ((2, 3, 4), lambda m: (slice(None), m.tensor([True, False, True]))),
    ((2, 3, 4), lambda m: (0, m.tensor([True, False, True]), 1)),
    ((2, 3, 4), lambda m: ([0, 1], [True, False, True])),
    ((2, 3, 4), lambda m: [True, False]),
    ((2, 3, 4), lambda m: np.array([True, False])),
    ((2, 3, 4), lambda m: True),
    ((2, 3, 4), lambda m: False),
    ((2, 3, 4), lambda m: (0, True)),
    ((2, 3, 4), lambda m: m.tensor(True)),
    ((), lambda m: True),
    ((), lambda m: m.tensor(False)),
    ((4, 3), lambda m: m.ones(4, 3, dtype=m.bool)),
    ((4, 3), lambda m: m.zeros(4, 3, dtype=m.bool)),
    ((0, 3), lambda m: (slice(None), 1)),
    ((0, 3), lambda m: (slice(None), [0, 2])),
    ((3, 0), lambda m: [0, 2]),
]

ERRORS = [
    ((3,), lambda m: 5),
    ((3,), lambda m: -4),
    ((2, 3), lambda m: (0, 5)),
    ((2, 3), lambda m: (None, 5)),
    ((3,), lambda m: (0, 0)),
    ((), lambda m: 0),
    ((), lambda m: [0]),
    ((3,), lambda m: slice(None, None, -1)),
    ((3,), lambda m: slice(None, None, 0)),
    ((3,), lambda m: slice(0, 1.5)),
    ((3,), lambda m: 1.0),
    ((3,), lambda m: 'a'),
    ((3,), lambda m: m.tensor([1.0])),
    ((3,), lambda m: m.tensor([1], dtype=m.int16)),
    ((3,), lambda m: [0, 3]),
    ((2, 3), lambda m: (slice(None), [0, 5])),
    ((2, 3), lambda m: ([0, 1], [0, 1, 2])),
    ((4,), lambda m: m.tensor([True, False, True])),
    ((2, 3, 4), lambda m: (0, m.ones(3, 3, dtype=m.bool))),
]


def _pair(shape, dtype='float64'):
    data = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape)
    return ember.tensor(data), torch.tensor(data)


def _check(ours, theirs):
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.dtype.name == str(theirs.dtype).replace('torch.', '')
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())


def _ids(cases):
    return [str(i) for i in range(len(cases))]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)
        yield


@pytest.mark.parametrize('shape,index', INDEXES, ids=_ids(INDEXES))
def test_getitem_values_and_views(shape, index):
    x, tx = _pair(shape)
    got, expected = x[index(ember)], tx[index(torch)]
    _check(got, expected)
    is_view = expected._base is not None
    assert (got._base is not None) == is_view
    if is_view and got.numel():
        got[(0,) * got.ndim] = -7.0  # writes through to the base, as PyTorch's view does
        expected[(0,) * expected.ndim] = -7.0
        _check(x, tx)


@pytest.mark.parametrize('dtype', ['int64', 'bool', 'float32'])
def test_getitem_dtypes(dtype):
    data = np.arange(12).reshape(3, 4) % 3 == 0 if dtype == 'bool' else np.arange(12).reshape(3, 4).astype(dtype)
    x, tx = ember.tensor(data), torch.tensor(data)
    for index in [lambda m: (1, slice(None, None, 2)), lambda m: [2, 0], lambda m: m.tensor(data[:, 0] > 0)]:
        _check(x[index(ember)], tx[index(torch)])
    nc, tnc = x.t(), tx.t()  # non-contiguous input
    _check(nc[1:, [0, 2]], tnc[1:, [0, 2]])


@pytest.mark.parametrize('shape,index', ERRORS, ids=_ids(ERRORS))
def test_getitem_errors(shape, index):
    x, tx = _pair(shape)
    with pytest.raises(Exception) as expected:
        tx[index(torch)]
    with pytest.raises(Exception) as got:
        x[index(ember)]
    assert got.type is expected.type, (got.value, expected.value)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize('shape,index', INDEXES, ids=_ids(INDEXES))
def test_getitem_grad(shape, index):
    data = np.random.default_rng(0).standard_normal(shape)
    x, tx = ember.tensor(data, requires_grad=True), torch.tensor(data, requires_grad=True)
    out, tout = (x * 2)[index(ember)], (tx * 2)[index(torch)]
    assert out.grad_fn.name() == tout.grad_fn.name()
    cot = np.random.default_rng(1).standard_normal(tuple(tout.shape))
    g, = ember.autograd.grad(out, x, ember.tensor(cot))
    tg, = torch.autograd.grad(tout, tx, torch.tensor(cot))
    _check(g, tg)


def test_getitem_double_backward():
    data = np.random.default_rng(0).standard_normal((3, 4))
    results = []
    for m in (ember, torch):
        x = m.tensor(data, requires_grad=True)
        y = (x ** 2)[[0, 2, 2], 1:].sum() + (x ** 3)[1].sum()
        g, = m.autograd.grad(y, x, create_graph=True)
        gg, = m.autograd.grad((g ** 2).sum(), x)
        results.append(gg)
    _check(*results)
    assert ember.autograd.gradcheck(lambda t: t[[0, 2, 2], 1::2] * t[1:, None, 0].sum(), (
        ember.tensor(data, requires_grad=True),))


# ------------------------------------------------------------------------------------------------ __setitem__

def _value_for(result_shape, kind, rng):
    if kind == 'scalar':
        return 2.5, 2.5
    if kind == 'bcast':
        data = rng.standard_normal(result_shape[-1:] if result_shape else ())
    else:
        data = rng.standard_normal(result_shape)
    return ember.tensor(data), torch.tensor(data)


SET_CASES = [(s, i) for s, i in INDEXES if s != ()]


@pytest.mark.parametrize('kind', ['scalar', 'full', 'bcast'])
@pytest.mark.parametrize('shape,index', SET_CASES, ids=_ids(SET_CASES))
def test_setitem_values(shape, index, kind):
    x, tx = _pair(shape)
    rng = np.random.default_rng(0)
    value, tvalue = _value_for(tuple(tx[index(torch)].shape), kind, rng)
    version = x._version
    tx[index(torch)] = tvalue
    x[index(ember)] = value
    _check(x, tx)
    assert x._version > version


def test_setitem_casts_and_strips():
    x, tx = _pair((2, 3, 4), 'int64')
    for index, value in [(lambda m: 0, lambda m: 1.7), (lambda m: (0, 1), lambda m: m.tensor([1.7, -2.5, 3.9, 0.2])),
                         (lambda m: [1], lambda m: -1.7), (lambda m: 1, lambda m: m.ones(1, 1, 3, 4)),
                         (lambda m: (0, [0, 1]), lambda m: m.ones(1, 1, 2, 4, dtype=m.int64) * 3),
                         (lambda m: 0, lambda m: m.tensor([True, False, True, False])),
                         (lambda m: (Ellipsis, 0), lambda m: np.float64(4.0))]:
        tx[index(torch)] = value(torch)
        x[index(ember)] = value(ember)
        _check(x, tx)


@pytest.mark.parametrize('index,value', [
    (lambda m: 0, lambda m: m.ones(3)),
    (lambda m: 0, lambda m: m.ones(2, 3, 4)),
    (lambda m: 0, lambda m: m.ones(5, 4)),
    (lambda m: [0, 1], lambda m: m.ones(3)),
    (lambda m: [0, 1], lambda m: m.ones(3, 4, 2)),
    (lambda m: 0, lambda m: [1, 2, 3, 4]),
    (lambda m: 0, lambda m: np.ones(4)),
    (lambda m: 0, lambda m: None),
    (lambda m: 0, lambda m: 1 + 2j),
    (lambda m: 5, lambda m: 1.0),
    (lambda m: [5], lambda m: 1.0),
    (lambda m: [0], lambda m: m.ones(3, 4, dtype=m.float64)),
])
def test_setitem_errors(index, value):
    x, tx = _pair((2, 3, 4), 'float32')
    with pytest.raises(Exception) as expected:
        tx[index(torch)] = value(torch)
    with pytest.raises(Exception) as got:
        x[index(ember)] = value(ember)
    assert got.type is expected.type, (got.value, expected.value)
    assert str(got.value) == str(expected.value)
    _check(x, tx)  # nothing written


@pytest.mark.parametrize('shape,index', SET_CASES, ids=_ids(SET_CASES))
def test_setitem_grad(shape, index):
    """Gradients through ``y[index] = v`` reach both the base's history and the value."""
    rng = np.random.default_rng(0)
    data = rng.standard_normal(shape)
    value = rng.standard_normal(tuple(torch.zeros(shape)[index(torch)].shape))
    grads = []
    for m in (ember, torch):
        x, v = m.tensor(data, requires_grad=True), m.tensor(value, requires_grad=True)
        y = x * 2
        y[index(m)] = v * 3
        w = m.tensor(np.arange(y.numel(), dtype='float64').reshape(tuple(y.shape)))
        grads.append(m.autograd.grad((y * w).sum(), (x, v), allow_unused=True))
    for g, tg in zip(*grads):
        if tg is None:
            assert g is None or not g.any()
        else:
            _check(g, tg)


@pytest.mark.parametrize('index', [lambda m: 1, lambda m: (slice(None), [0, 2]), lambda m: (1, slice(1, None))])
def test_setitem_into_view_grad(index):
    """Writing into a view of a requires-grad non-leaf rewrites its base's history (CopySlices)."""
    rng = np.random.default_rng(0)
    data, value = rng.standard_normal((3, 4, 2)), rng.standard_normal((2,))
    grads, names = [], []
    for m in (ember, torch):
        x, v = m.tensor(data, requires_grad=True), m.tensor(value, requires_grad=True)
        y = x * 2
        view = y[1:]
        view[index(m)] = v.sin()
        names.append(y.grad_fn.name())
        w = m.tensor(np.arange(y.numel(), dtype='float64').reshape(tuple(y.shape)))
        grads.append(m.autograd.grad((y * w).sum() + (view ** 2).sum(), (x, v)))
    assert names[1].endswith(names[0])  # PyTorch's is 'torch::autograd::CopySlices'
    for g, tg in zip(*grads):
        _check(g, tg)


def test_setitem_leaf_and_version_errors():
    for m in (ember, torch):
        leaf = m.ones(3, requires_grad=True)
        for index in (0, [0], leaf > 0):
            with pytest.raises(RuntimeError, match='leaf Variable that requires grad'):
                leaf[index] = 1.0
        with m.no_grad():
            leaf[0] = 5.0
        assert leaf[0].item() == 5.0
        y = leaf.exp()  # saves its output
        y[1] = 0.0
        with pytest.raises(RuntimeError, match='modified by an inplace operation'):
            y.sum().backward()
        z = leaf * 1
        picked = z[[0, 1]]
        z[0] = 2.0  # advanced indexing copies: later writes don't matter to it
        assert picked[0].item() == 5.0


def test_setitem_names_and_views():
    for m in (ember, torch):
        x = m.zeros(3, 4, requires_grad=True)
        y = x * 1
        y[0] = 1.0
        assert y.grad_fn.name().endswith('CopySlices')
        y2 = x * 1
        y2[[0]] = 1.0
        assert y2.grad_fn.name() == 'IndexPutBackward0'
    base = ember.zeros(3, 4)
    view = base[1]
    view[[0, 2]] = 5.0
    assert base[1, 2].item() == 5.0 and base._version == view._version


# ------------------------------------------------------------------------------------------------ random index tuples

@st.composite
def _shape_and_index(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=ndim, max_size=ndim)))
    items, dim = [], 0
    n_adv = 0
    while dim < ndim and draw(st.booleans()) or not items:
        if dim >= ndim:
            items.append(None)
            break
        kind = draw(st.sampled_from(['int', 'slice', 'none', 'list', 'mask', 'ellipsis']))
        size = shape[dim]
        if kind == 'int':
            items.append(('int', draw(st.integers(-size, size - 1))))
            dim += 1
        elif kind == 'slice':
            start = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            stop = draw(st.one_of(st.none(), st.integers(-size - 1, size + 1)))
            items.append(('slice', slice(start, stop, draw(st.one_of(st.none(), st.integers(1, 3))))))
            dim += 1
        elif kind == 'none':
            items.append(('none', None))
        elif kind == 'list' and n_adv < 2:
            items.append(('list', draw(st.lists(st.integers(-size, size - 1), min_size=2, max_size=2))))
            n_adv += 1
            dim += 1
        elif kind == 'mask' and n_adv == 0:
            items.append(('mask', draw(st.lists(st.booleans(), min_size=size, max_size=size))))
            n_adv += 2
            dim += 1
        elif kind == 'ellipsis' and all(k != 'ellipsis' for k, _ in items if k):
            items.append(('ellipsis', Ellipsis))
            dim = ndim
    return shape, [i for i in items if i is not None]


def _build(m, items):
    out = []
    for kind, value in items:
        if kind == 'list':
            out.append(m.tensor(value))
        elif kind == 'mask':
            out.append(m.tensor(value, dtype=m.bool))
        else:
            out.append(value)
    return tuple(out)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_shape_and_index())
def test_random_index_tuples(case):
    shape, items = case
    x, tx = _pair(shape)
    try:
        expected = tx[_build(torch, items)]
    except (IndexError, RuntimeError) as error:
        with pytest.raises(type(error)):
            x[_build(ember, items)]
        return
    got = x[_build(ember, items)]
    _check(got, expected)
    assert (got._base is not None) == (expected._base is not None)
    value = np.arange(int(np.prod(expected.shape)), dtype='float64').reshape(tuple(expected.shape)) + 100
    tx[_build(torch, items)] = torch.tensor(value)
    x[_build(ember, items)] = ember.tensor(value)
    _check(x, tx)

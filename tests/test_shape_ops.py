"""Slicing views and joins vs PyTorch: memory sharing, in-place rules on views, grad_fn names, higher-order gradients,
error wording, and hypothesis-drawn shapes (the op table in tests/ops/table_shape.py covers values and gradients)."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import torch
from ember._ops.shape_slice import basic_index_view


def _pair(shape, dtype='float64', seed=0, requires_grad=False):
    data = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (ember.tensor(data, requires_grad=requires_grad), torch.tensor(data, requires_grad=requires_grad))


def _same(ours, theirs):
    if isinstance(theirs, (tuple, list)):
        assert len(ours) == len(theirs)
        for o, t in zip(ours, theirs):
            _same(o, t)
        return
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=1e-12, atol=1e-12)


def _name(t):
    return None if t.grad_fn is None else t.grad_fn.name()


# ------------------------------------------------------------------------------------------------ views share memory

WRITERS = {
    'narrow': lambda x: x.narrow(1, 1, 2),
    'select': lambda x: x.select(0, -1),
    'split': lambda x: x.split(2)[1],
    'split_sizes': lambda x: x.split([1, 3], 1)[1],
    'chunk': lambda x: x.chunk(2, 1)[0],
    'unbind': lambda x: x.unbind(1)[2],
    'tensor_split': lambda x: x.tensor_split([1], 1)[1],
    'hsplit': lambda x: x.hsplit(4)[3],
    'diagonal': lambda x: x.diagonal(1),
    'unfold': lambda x: x.unfold(1, 2, 2),
    'as_strided': lambda x: x.as_strided((2, 2), (4, 1), 1),
    'index': lambda x: x[1:, None, ::2] if isinstance(x, torch.Tensor) else
    basic_index_view(x, (slice(1, None), None, slice(None, None, 2))),
}


@pytest.mark.parametrize('name', list(WRITERS))
def test_write_through_view_reaches_base(name):
    ours, theirs = _pair((3, 4))
    WRITERS[name](ours).mul_(10).add_(1)
    WRITERS[name](theirs).mul_(10).add_(1)
    _same(ours, theirs)


@pytest.mark.parametrize('name', ['narrow', 'select', 'diagonal', 'index', 'tensor_split'])
def test_inplace_on_view_of_nonleaf_gives_torch_gradients(name):
    e_leaf, t_leaf = _pair((3, 4), requires_grad=True)
    grads = []
    for leaf in (e_leaf, t_leaf):
        base = leaf * 2
        WRITERS[name](base).mul_(3)
        (base * base).sum().backward()
        grads.append(leaf.grad)
    _same(*grads)


def test_views_see_base_writes_and_versions():
    x = ember.arange(6.).reshape(2, 3)
    parts = x.split(1)
    x.add_(1)
    assert parts[1].tolist() == [[4., 5., 6.]]
    assert parts[0]._version == x._version


@pytest.mark.parametrize('make', [lambda x: x.split(2), lambda x: x.chunk(2), lambda x: x.unbind(0),
                                  lambda x: x.split([1, 2]), lambda x: torch.split(x, 1) if isinstance(x, torch.Tensor)
                                  else ember.split(x, 1)])
def test_inplace_on_multi_output_views_raises(make):
    messages = []
    for lib in (ember, torch):
        x = lib.ones(3, 4, requires_grad=True).clone()
        outs = make(x)
        with pytest.raises(RuntimeError) as info:
            outs[0].mul_(2)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_inplace_on_multi_output_views_allowed_without_grad():
    for lib in (ember, torch):
        x = lib.ones(3, 4)
        x.split(2)[0].mul_(2)
        x.unbind(1)[0].add_(1)
        assert x.tolist() == [[3., 2., 2., 2.], [3., 2., 2., 2.], [2., 1., 1., 1.]]
    y = ember.ones(3, requires_grad=True).clone()
    with ember.no_grad():
        y.chunk(3)[1].mul_(5)
    assert y.tolist() == [1., 5., 1.]


def test_inplace_on_view_of_leaf_raises():
    x = ember.ones(3, 4, requires_grad=True)
    with pytest.raises(RuntimeError, match='view of a leaf Variable'):
        x.narrow(0, 0, 1).mul_(2)
    with pytest.raises(RuntimeError, match='leaf Variable'):
        x.tril_()


# ------------------------------------------------------------------------------------------------ grad_fn names

NAMED = [
    lambda m, x: x.narrow(0, 0, 3), lambda m, x: x.select(1, 0), lambda m, x: x.split(2), lambda m, x: x.split([1, 2]),
    lambda m, x: x.chunk(2), lambda m, x: x.unbind(1), lambda m, x: x.tensor_split(2), lambda m, x: m.hsplit(x, 2),
    lambda m, x: x.diagonal(), lambda m, x: x.unfold(1, 2, 1), lambda m, x: x.as_strided((2, 2), (1, 1)),
    lambda m, x: m.cat([x, x]), lambda m, x: m.stack([x, x]), lambda m, x: m.hstack([x, x]),
    lambda m, x: m.vstack([x, x]), lambda m, x: m.dstack([x, x]), lambda m, x: m.column_stack([x, x]),
    lambda m, x: x.flip(0), lambda m, x: x.fliplr(), lambda m, x: x.roll(1), lambda m, x: x.rot90(),
    lambda m, x: x.repeat(2, 1), lambda m, x: x.tile(2), lambda m, x: x.repeat_interleave(2),
    lambda m, x: x.repeat_interleave(m.tensor([1, 2, 0]), 0), lambda m, x: x.tril(), lambda m, x: x.triu(1),
    lambda m, x: x.diag(), lambda m, x: x.select(0, 0).diag(), lambda m, x: x.diag_embed(), lambda m, x: x.diagflat(),
    lambda m, x: m.block_diag(x, x), lambda m, x: m.cartesian_prod(x.select(0, 0), x.select(0, 1)),
    lambda m, x: m.combinations(x.select(0, 0)),
    lambda m, x: m.atleast_3d(x), lambda m, x: m.atleast_2d(x.select(0, 0)),
    lambda m, x: m.broadcast_tensors(x, x.select(0, 0)),
]


@pytest.mark.parametrize('i', range(len(NAMED)))
def test_grad_fn_names_match_torch(i):
    ours, theirs = _pair((3, 4), requires_grad=True)
    e_leaf, t_leaf = ours * 1, theirs * 1
    got, expected = NAMED[i](ember, e_leaf), NAMED[i](torch, t_leaf)
    if isinstance(expected, torch.Tensor):
        got, expected = (got,), (expected,)
    assert [_name(t) for t in got] == [_name(t) for t in expected]
    assert [t._output_nr for t in got] == [t.output_nr for t in expected]


INDICES = [(1,), (slice(1, 2),), (None,), (Ellipsis,), (slice(None), 0), (0, slice(None)), (0, slice(1, None), None),
           (slice(None), slice(None)), (slice(0, 3),), (None, 0), (Ellipsis, 0), (0, Ellipsis, None, slice(None))]


@pytest.mark.parametrize('index', INDICES, ids=str)
def test_basic_index_view_grad_fn_and_values(index):
    ours, theirs = _pair((3, 4, 5), requires_grad=True)
    got, expected = basic_index_view(ours, index), theirs[index]
    _same(got, expected)
    assert _name(got) == _name(expected)
    assert got._base is ours and got.storage_offset() == expected.storage_offset()
    assert got.stride() == expected.stride()


def test_basic_index_view_errors_match_torch():
    x = ember.zeros(3, 4)
    for index, exc, message in [((5,), IndexError, 'index 5 is out of bounds for dimension 0 with size 3'),
                                ((0, -5), IndexError, 'index -5 is out of bounds for dimension 1 with size 4'),
                                ((0, 0, 0), IndexError, 'too many indices for tensor of dimension 2'),
                                ((slice(None, None, -1),), ValueError, 'step must be greater than zero'),
                                ((slice(None, None, 0),), ValueError, 'slice step cannot be zero')]:
        with pytest.raises(exc) as info:
            basic_index_view(x, index)
        assert str(info.value) == message
        with pytest.raises(exc):
            torch.zeros(3, 4)[index]


# ------------------------------------------------------------------------------------------------ gradients

SECOND_ORDER = [
    lambda m, x: x.narrow(1, 1, 2), lambda m, x: x.unfold(1, 3, 1), lambda m, x: x.diagonal(-1),
    lambda m, x: m.cat([x, x * 2], 1), lambda m, x: m.cat(x.split([1, 2])[::-1]), lambda m, x: m.stack(x.unbind(1), 0),
    lambda m, x: x.as_strided((3, 3), (1, 2), 1), lambda m, x: x.repeat(2, 3), lambda m, x: x.flip(1).roll(1, 0),
    lambda m, x: x.rot90(1), lambda m, x: x.repeat_interleave(m.tensor([2, 0, 1]), 0), lambda m, x: x.tril(-1),
    lambda m, x: x.diag_embed(1), lambda m, x: m.block_diag(x, x.select(0, 0)),
    lambda m, x: m.combinations(x.select(0, 1), 3),
    lambda m, x: m.diag(x, 1),
]


@pytest.mark.parametrize('i', range(len(SECOND_ORDER)))
def test_second_order_gradients_match_torch(i):
    results = []
    for lib, x in zip((ember, torch), _pair((3, 4), requires_grad=True, seed=i)):
        y = SECOND_ORDER[i](lib, x)
        first, = lib.autograd.grad((y * y * y).sum(), x, create_graph=True)
        second, = lib.autograd.grad((first * first).sum(), x)
        results.append((first, second))
    _same(results[0], results[1])


def test_unused_split_outputs_get_zero_gradient():
    grads = []
    for lib, x in zip((ember, torch), _pair((5, 2), requires_grad=True)):
        parts = x.split(2)
        grads.append(lib.autograd.grad(parts[1].sum(), x)[0])
    _same(grads[0], grads[1])


def test_cat_gradients_are_cast_back_to_each_input_dtype():
    a = ember.ones(2, dtype=ember.float32, requires_grad=True)
    b = ember.ones(3, dtype=ember.float64, requires_grad=True)
    out = ember.cat([a, b])
    assert out.dtype is ember.float64
    out.sum().backward()
    assert a.grad.dtype is ember.float32 and b.grad.dtype is ember.float64


def test_as_strided_of_a_view_uses_the_storage():
    for offset in (None, 0, 3):
        got, expected = [], []
        for lib, base in zip((ember, torch), _pair((12,), requires_grad=True)):
            view = base * 1
            view = view[2:] if lib is torch else basic_index_view(view, (slice(2, None),))
            out = view.as_strided((2, 3), (2, 1), offset) if offset is not None else view.as_strided((2, 3), (2, 1))
            grad, = lib.autograd.grad((out * out).sum(), base)
            (got if lib is ember else expected).extend([out, grad])
        _same(got, expected)


# ------------------------------------------------------------------------------------------------ join behaviour

def test_cat_error_wording():
    with pytest.raises(RuntimeError) as info:
        ember.cat([ember.zeros(2, 2), ember.zeros(2, 3), ember.zeros(3, 3)], 1)
    assert str(info.value) == ('Sizes of tensors must match except in dimension 1. Expected size 2 but got size 3 for '
                               'tensor number 2 in the list.')
    with pytest.raises(ValueError, match=r'torch.cat\(\): expected a non-empty list of Tensors'):
        ember.cat([])
    with pytest.raises(TypeError, match='must be tuple of Tensors, not Tensor'):
        ember.cat(ember.zeros(2))


@pytest.mark.parametrize('dtypes', [('int32', 'float16', 'bool'), ('uint8', 'int8'), ('bool', 'bool'),
                                    ('bfloat16', 'float16'), ('int64', 'float32', 'float64')])
def test_join_promotion_matches_torch(dtypes):
    for op in ('cat', 'stack', 'block_diag'):
        e_in = [ember.ones(2, dtype=getattr(ember, d)) for d in dtypes]
        t_in = [torch.ones(2, dtype=getattr(torch, d)) for d in dtypes]
        if op == 'block_diag':
            got, expected = ember.block_diag(*e_in), torch.block_diag(*t_in)
        else:
            got, expected = getattr(ember, op)(e_in), getattr(torch, op)(t_in)
        assert str(got.dtype) == str(expected.dtype)


def test_out_arguments():
    out = ember.empty(0)
    result = ember.cat([ember.ones(2), ember.zeros(1)], out=out)
    assert result is out and out.tolist() == [1., 1., 0.]
    out = ember.empty(2, 2)
    ember.stack([ember.ones(2), ember.zeros(2)], out=out)
    assert out.tolist() == [[1., 1.], [0., 0.]]
    out = ember.empty(2, 2)
    ember.tril(ember.ones(2, 2), out=out)
    assert out.tolist() == [[1., 0.], [1., 1.]]


def test_identity_returns_match_torch():
    x = ember.zeros(2, 3)
    assert ember.atleast_1d(x) is x and ember.atleast_2d(x) is x
    assert ember.broadcast_tensors(x, ember.zeros(3))[0] is x
    v = ember.zeros(3)
    assert ember.cartesian_prod(v) is v
    assert ember.atleast_1d() == () and len(ember.atleast_2d([x, x])) == 2


def test_tril_triu_inplace():
    for name in ('tril_', 'triu_'):
        e, t = _pair((3, 4), requires_grad=True)
        results = []
        for x in (e, t):
            y = x * 1
            out = getattr(y, name)(1)
            assert out is y
            (y * y).sum().backward()
            results.extend([y, x.grad])
        _same(results[:2], results[2:])


def test_flip_and_rot90_copy_not_view():
    x = ember.arange(4.).reshape(2, 2)
    y, z = x.flip(0), x.rot90()
    x.zero_()
    assert y.tolist() == [[2., 3.], [0., 1.]] and z.tolist() == [[1., 3.], [0., 2.]]


# ------------------------------------------------------------------------------------------------ hypothesis

shapes = st.lists(st.integers(0, 4), min_size=1, max_size=4).map(tuple)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data())
def test_split_family_matches_torch(shape, data):
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    ours, theirs = _pair(shape)
    size = shape[dim]
    split_size = data.draw(st.integers(1 if size else 0, max(size, 1)))
    _same(ours.split(split_size, dim), theirs.split(split_size, dim))
    chunks = data.draw(st.integers(1, 5))
    _same(ours.chunk(chunks, dim), theirs.chunk(chunks, dim))
    cuts = data.draw(st.lists(st.integers(-5, 5), max_size=3))
    _same(ours.tensor_split(cuts, dim), theirs.tensor_split(cuts, dim))
    _same(ours.unbind(dim), theirs.unbind(dim))
    _same(ember.cat(ours.split(split_size, dim), dim), theirs)
    start = data.draw(st.integers(0, size))
    length = data.draw(st.integers(0, size - start))
    _same(ours.narrow(dim, start, length), theirs.narrow(dim, start, length))
    step, window = data.draw(st.integers(1, 3)), data.draw(st.integers(0, size))
    _same(ours.unfold(dim, window, step), theirs.unfold(dim, window, step))


@settings(max_examples=40, deadline=None)
@given(shape=shapes, data=st.data())
def test_rearrangements_match_torch(shape, data):
    ndim = len(shape)
    ours, theirs = _pair(shape)
    dims = data.draw(st.lists(st.integers(0, ndim - 1), unique=True, max_size=ndim))
    _same(ours.flip(dims), theirs.flip(dims))
    shifts = data.draw(st.lists(st.integers(-6, 6), min_size=len(dims), max_size=len(dims)))
    if dims:
        _same(ours.roll(shifts, dims), theirs.roll(shifts, dims))
    _same(ours.roll(3), theirs.roll(3))
    reps = data.draw(st.lists(st.integers(0, 3), min_size=ndim, max_size=ndim + 2))
    _same(ours.repeat(*reps), theirs.repeat(*reps))
    _same(ours.tile(reps[:2]), theirs.tile(reps[:2]))
    count = data.draw(st.integers(0, 3))
    dim = data.draw(st.integers(-ndim, ndim - 1))
    _same(ours.repeat_interleave(count, dim), theirs.repeat_interleave(count, dim))
    other = data.draw(st.integers(0, 3))
    moved = list(shape)
    moved[dim] = other
    e2, t2 = _pair(tuple(moved), seed=1)
    _same(ember.cat([ours, e2], dim), torch.cat([theirs, t2], dim))
    if ndim >= 2:
        k = data.draw(st.integers(-5, 5))
        _same(ours.tril(k), theirs.tril(k))
        _same(ours.triu(k), theirs.triu(k))
        _same(ours.rot90(k), theirs.rot90(k))
        _same(ours.diagonal(k, 0, -1), theirs.diagonal(k, 0, -1))
        _same(ours.diag_embed(k), theirs.diag_embed(k))


@pytest.mark.parametrize('name', list(WRITERS))
def test_view_geometry_matches_torch(name):
    ours, theirs = _pair((3, 4))
    offset_ours = basic_index_view(ours, (slice(1, None),))
    for e, t in ((ours, theirs), (offset_ours, theirs[1:])):
        if name in ('split', 'as_strided') and e is offset_ours:
            continue
        got, expected = WRITERS[name](e), WRITERS[name](t)
        assert got.stride() == expected.stride() and got.storage_offset() == expected.storage_offset()
        assert got._base is ours


def test_iteration_and_repeat_interleave_single_count():
    x = ember.arange(6.).reshape(2, 3)
    assert [r.tolist() for r in x] == [[0., 1., 2.], [3., 4., 5.]]
    assert x.repeat_interleave(ember.tensor([2]), 0).shape == (4, 3)

"""``repr(tensor)`` compared string-for-string with PyTorch (layout, precision, sci mode, summarisation, suffixes)."""
from __future__ import annotations

import zlib
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ember
import torch

DTYPES = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool',
          'complex64', 'complex128']


def both(array, dtype=None, requires_grad=False):
    """The same values as an ember and a torch tensor (built from the same float64/complex array, then cast)."""
    array = np.asarray(array)
    e = ember.tensor(array)
    t = torch.tensor(array)
    if dtype is not None:
        e, t = e.to(getattr(ember, dtype)), t.to(getattr(torch, dtype))
    if requires_grad:
        e.requires_grad_(True)
        t.requires_grad_(True)
    return e, t


def check(e, t):
    assert repr(e) == repr(t)
    assert str(e) == str(t)


CASES = [
    [1., 2.], [0.1, 2.], [1, 2], [True, False], [1e-5, 1.], [1e10, 1.], [math.inf, math.nan, 1.5], [-0., 0.],
    [], [[1., 2.], [3., 4.]], 3.5, 7, [1e8, 1.], [123456789., 1.], [-math.inf, math.inf], [math.nan],
    [1e-4, 1.], [0.0001, 0.1], [1000., 1.], [1001., 1.], [100000000., 1.], [1.5e8], [-1.5, 2.25, -3.125],
    [12345.678], [0.5], [1e-20, 1e20], 0., -0., math.nan, 1e-9, [1, -1], [-123456789012], [[True], [False]],
    [0.123456789], [99999.5, 1.], [2.5e-5, 2e-5], [[1e-3, 2e3], [3., 4.]], [1 + 2j, -3.5 - 0.25j], 1j, [0j],
    [1e10 + 1j, 1 - 1e-10j], [math.nan + 1j, math.inf - 2j],
]


@pytest.mark.parametrize('value', CASES, ids=repr)
def test_fixed_cases(value):
    check(ember.tensor(value), torch.tensor(value))


@pytest.mark.parametrize('dtype', DTYPES)
@pytest.mark.parametrize('shape', [(), (0,), (3,), (2, 3), (0, 3), (2, 0, 3), (1, 1, 1), (4, 2, 3)], ids=repr)
def test_dtypes_and_shapes(dtype, shape):
    rng = np.random.default_rng(zlib.crc32(f'{dtype}-{shape}'.encode()))
    values = rng.normal(0, 20, shape)
    if dtype.startswith('complex'):
        values = values + 1j * rng.normal(0, 3, shape)
    check(*both(values, dtype))


@pytest.mark.parametrize('shape', [(1001,), (2000,), (40, 40), (3, 400), (400, 3), (11, 11, 11), (2, 3, 200),
                                   (1000,), (10, 100)], ids=repr)
@pytest.mark.parametrize('dtype', ['float32', 'int64', 'bool', 'complex64', 'float16'])
def test_summarised(shape, dtype):
    rng = np.random.default_rng(0)
    values = rng.normal(0, 5, shape)
    if dtype == 'complex64':
        values = values + 1j * values[::-1]
    check(*both(values, dtype))


def test_wide_rows_wrap_at_80_columns():
    for n in [8, 9, 10, 11, 12, 17, 30, 77]:
        check(*both(np.arange(n) * 1.2345))
        check(*both(np.arange(n) * 123456))
        check(*both(np.linspace(-1e6, 1e6, n)))
        check(*both(np.arange(n * 2).reshape(2, n) * 0.5))


def test_suffixes():
    check(*both([1., 2.], requires_grad=True))
    check(*both(3., requires_grad=True))
    check(*both([1., 2.], 'float64', requires_grad=True))
    for name in ['mul', 'add', 'sub', 'div', 'exp', 'neg']:
        e, t = both([1., 2.], requires_grad=True)
        fn = {'mul': lambda x: x * 2, 'add': lambda x: x + 1, 'sub': lambda x: x - 1, 'div': lambda x: x / 3,
              'exp': lambda x: x.exp(), 'neg': lambda x: -x}[name]
        check(fn(e), fn(t))
    e, t = both(np.arange(100.) * 1.5, requires_grad=True)
    check(e * 3, t * 3)
    e, t = both(np.arange(12.).reshape(3, 4), 'float64', requires_grad=True)
    check(e * 1.5, t * 1.5)
    check(ember.zeros(0, 3, dtype=ember.int32), torch.zeros(0, 3, dtype=torch.int32))
    check(ember.zeros(0, dtype=ember.float64), torch.zeros(0, dtype=torch.float64))
    check(ember.zeros(0, dtype=ember.int64), torch.zeros(0, dtype=torch.int64))
    check(ember.zeros(2, 0, requires_grad=True), torch.zeros(2, 0, requires_grad=True))
    check(ember.ones(3, dtype=ember.int64) > 0, torch.ones(3, dtype=torch.int64) > 0)


def test_default_dtype_changes_suffixes():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        check(*both([1.5, 2.]))
        check(*both([1.5, 2.], 'float32'))
        check(*both([1 + 1j]))
        check(*both([1 + 1j], 'complex64'))
        check(ember.zeros(0), torch.zeros(0))
    finally:
        torch.set_default_dtype(torch.float32)


def test_printoptions():
    settings_list = [dict(precision=2), dict(precision=8), dict(threshold=5), dict(edgeitems=1, threshold=10),
                     dict(linewidth=40), dict(sci_mode=True), dict(sci_mode=False), dict(profile='short'),
                     dict(profile='full'), dict(edgeitems=0, threshold=3)]
    values = [np.arange(20.) * 1.1, np.array([1e-5, 1.]), np.array([1., 2.]), np.arange(60.).reshape(3, 20) / 7,
              np.array([1e12, 3.]), np.zeros(3), np.arange(2000.), np.array([[1, 2], [3, 4]]) * 1000]
    try:
        for opts in settings_list:
            ember.set_printoptions(**opts)
            torch.set_printoptions(**opts)
            for v in values:
                check(*both(v))
                check(*both(v, 'int64'))
            ember.set_printoptions(profile='default')
            torch.set_printoptions(profile='default')
    finally:
        ember.set_printoptions(profile='default')
        torch.set_printoptions(profile='default')


def test_format():
    for spec in ['', '.2f', '>10', '.3e']:
        assert format(ember.tensor(2.5), spec) == format(torch.tensor(2.5), spec)
    assert format(ember.tensor(3), 'd') == format(torch.tensor(3), 'd')
    assert f'{ember.tensor(2.5, requires_grad=True):.2f}' == f'{torch.tensor(2.5, requires_grad=True):.2f}'
    assert f'{ember.tensor([1., 2.])}' == f'{torch.tensor([1., 2.])}'
    with pytest.raises(TypeError):
        f'{torch.tensor([1., 2.]):.2f}'
    with pytest.raises(TypeError):
        f'{ember.tensor([1., 2.]):.2f}'


magnitudes = st.sampled_from([1e-12, 1e-6, 1e-4, 1e-2, 1., 10., 999., 1e4, 1e8, 1e15])
special = st.sampled_from([math.inf, -math.inf, math.nan, 0., -0.])


@st.composite
def arrays(draw):
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=0, max_size=3)))
    if draw(st.booleans()) and len(shape) >= 1:
        shape = shape[:-1] + (draw(st.integers(0, 1200)),)
    size = int(np.prod(shape)) if shape else 1
    rng = np.random.default_rng(draw(st.integers(0, 2**31)))
    scale = draw(magnitudes)
    values = rng.normal(0, 1, size) * scale
    if draw(st.booleans()):
        values = np.round(values)
    if draw(st.booleans()) and size:
        k = draw(st.integers(1, max(1, size // 3)))
        values[rng.integers(0, size, k)] = [draw(special) for _ in range(k)]
    if draw(st.booleans()):
        values = np.abs(values)
    return values.reshape(shape)


@settings(max_examples=300, deadline=None)
@given(arrays(), st.sampled_from(['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8', 'bool',
                                  'complex64']),
       st.booleans())
def test_hypothesis(values, dtype, requires_grad):
    if dtype in ('int64', 'int32', 'uint8', 'bool'):
        values = np.nan_to_num(values, nan=0., posinf=7., neginf=-7.)
        values = np.clip(values, -1e9, 1e9)
        if dtype == 'uint8':
            values = np.abs(values) % 256
        requires_grad = False
    if dtype == 'complex64':
        values = values + 1j * values[..., ::-1] if values.ndim else values + 0.5j * values
    check(*both(values, dtype, requires_grad))


@settings(max_examples=60, deadline=None)
@given(arrays(), st.integers(1, 8), st.integers(0, 4), st.integers(20, 120))
def test_hypothesis_printoptions(values, precision, edgeitems, linewidth):
    opts = dict(precision=precision, edgeitems=edgeitems, linewidth=linewidth, threshold=50)
    try:
        ember.set_printoptions(**opts)
        torch.set_printoptions(**opts)
        check(*both(values))
    finally:
        ember.set_printoptions(profile='default')
        torch.set_printoptions(profile='default')

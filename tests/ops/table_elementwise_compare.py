"""Op-table entries for comparisons, logic, bitwise ops and floating-point classification."""
from __future__ import annotations

import numpy as np

from ops.harness import ALL_REAL, FLOATS, OpInfo, Sample, make_array
from ops.table_core import BINARY_SHAPES

INTEGRAL = ('bool', 'uint8', 'int8', 'int16', 'int32', 'int64')


def compare_samples(dtype, rng):
    out = [Sample((make_array(sa, dtype, rng), make_array(sb, dtype, rng)), desc=f'{sa}x{sb}')
           for sa, sb in BINARY_SHAPES]
    a = make_array((3, 4), dtype, rng)
    out.append(Sample((a, a.copy()), desc='equal'))
    out.append(Sample((make_array((4, 3), dtype, rng, noncontig=True), make_array((4, 3), dtype, rng)), desc='nc'))
    out.append(Sample((make_array((2, 3), dtype, rng), 1), desc='int scalar'))
    out.append(Sample((make_array((2, 3), dtype, rng), 0.5), desc='float scalar'))
    out.append(Sample((make_array((2, 3), dtype, rng), True), desc='bool scalar'))
    if dtype in FLOATS:
        out.append(Sample((np.array([np.nan, 1.0, np.inf, -np.inf], dtype=dtype),
                           np.array([np.nan, np.nan, np.inf, 0.0], dtype=dtype)), desc='nan/inf'))
    return out


def tensor_pairs(dtype, rng):
    return [s for s in compare_samples(dtype, rng) if not isinstance(s.args[1], (bool, int, float))]


def integral_samples(dtype, rng):
    return [s for s in compare_samples(dtype, rng) if not isinstance(s.args[1], float)]


def mixed_samples(dtype, rng):
    return [Sample((make_array((3, 4), dtype, rng), make_array((4,), 'float64', rng)), desc='with float64'),
            Sample((make_array((3, 4), dtype, rng), make_array((), 'int8', rng)), desc='with 0-dim int8')]


def logic_samples(dtype, rng):
    a = make_array((3, 4), dtype, rng, -1, 1)
    if dtype in FLOATS:
        a[0, 0] = 0.0
    return [Sample((a, make_array((4,), dtype, rng, -1, 1)), desc='broadcast'),
            Sample((make_array((), dtype, rng), make_array((2,), 'bool', rng)), desc='mixed dtypes')]


def shift_samples(dtype, rng):
    a = make_array((3, 4), dtype, rng, -9, 9)
    amount = rng.integers(0, 4, (4,)).astype(dtype)
    return [Sample((a, amount), desc='tensor'), Sample((a, 2), desc='scalar')]


def classify_samples(dtype, rng):
    out = [Sample((make_array((3, 4), dtype, rng),), desc='random')]
    if dtype in FLOATS + ('float16', 'bfloat16'):
        out.append(Sample((np.array([np.inf, -np.inf, 0.0, -0.0, 1.5, -2.0]).astype(
            make_array((1,), dtype, rng).dtype),), desc='special'))
    return out


def _float_errors(rng):
    return [Sample((make_array((3,), 'float32', rng), make_array((3,), 'float32', rng)), desc='floats'),
            Sample((make_array((3,), 'int64', rng), 1.5), desc='float scalar'),
            Sample((make_array((3,), 'int64', rng), make_array((4,), 'int64', rng)), desc='shapes')]


def _compare(name, fn, dunder=None):
    entries = [OpInfo(name, fn, compare_samples, dtypes=ALL_REAL, grad=False,
                      errors=lambda r: [Sample((make_array((3,), 'float32', r), make_array((4,), 'float32', r)))])]
    entries.append(OpInfo(f'{name}_mixed', fn, mixed_samples, dtypes=('int64', 'float32', 'bool', 'uint8'),
                          grad=False))
    return entries


OPS = []
for _name, _fn in [
        ('eq', lambda m, a, b: m.eq(a, b)), ('ne', lambda m, a, b: m.ne(a, b)), ('lt', lambda m, a, b: m.lt(a, b)),
        ('le', lambda m, a, b: m.le(a, b)), ('gt', lambda m, a, b: m.gt(a, b)), ('ge', lambda m, a, b: m.ge(a, b)),
        ('eq_dunder', lambda m, a, b: a == b), ('ne_dunder', lambda m, a, b: a != b),
        ('lt_dunder', lambda m, a, b: a < b), ('le_dunder', lambda m, a, b: a <= b),
        ('gt_dunder', lambda m, a, b: a > b), ('ge_dunder', lambda m, a, b: a >= b),
        ('greater', lambda m, a, b: m.greater(a, b)), ('greater_equal', lambda m, a, b: a.greater_equal(b)),
        ('less', lambda m, a, b: m.less(a, b)), ('less_equal', lambda m, a, b: a.less_equal(b)),
        ('not_equal', lambda m, a, b: m.not_equal(a, b))]:
    OPS += _compare(_name, _fn)

OPS += [
    OpInfo('reflected_compare', lambda m, a: (1 < a, 0.5 >= a, 2 == a), lambda d, r: [Sample((make_array((3, 4), d,
                                                                                                   r),))],
           dtypes=ALL_REAL, grad=False),
    OpInfo('isclose', lambda m, a, b: m.isclose(a, b), tensor_pairs, dtypes=ALL_REAL, grad=False,
           errors=lambda r: [Sample((make_array((3,), 'int64', r), make_array((3,), 'float32', r)), desc='dtypes')]),
    OpInfo('isclose_tolerances', lambda m, a, b: m.isclose(a, a + b * 1e-3, rtol=1e-4, atol=1e-3, equal_nan=True),
           tensor_pairs, dtypes=FLOATS,
           grad=False),
    OpInfo('isclose_bad_rtol', lambda m, a, b: m.isclose(a, b, rtol=-1.0), compare_samples, dtypes=(),
           errors=lambda r: [Sample((make_array((3,), 'float32', r), make_array((3,), 'float32', r)))]),
    OpInfo('allclose', lambda m, a, b: m.allclose(a, a + b * 1e-9), lambda d, r: compare_samples(d, r)[:3],
           dtypes=FLOATS, grad=False),
    OpInfo('allclose_false', lambda m, a, b: a.allclose(b), lambda d, r: compare_samples(d, r)[:1], dtypes=FLOATS,
           grad=False),
    OpInfo('equal', lambda m, a, b: (m.equal(a, b), m.equal(a, a.clone()), a.equal(a.reshape(-1))),
           lambda d, r: compare_samples(d, r)[:1], dtypes=ALL_REAL, grad=False),
    OpInfo('logical_and', lambda m, a, b: m.logical_and(a, b), logic_samples, dtypes=ALL_REAL, grad=False),
    OpInfo('logical_or', lambda m, a, b: a.logical_or(b), logic_samples, dtypes=ALL_REAL, grad=False),
    OpInfo('logical_xor', lambda m, a, b: m.logical_xor(a, b), logic_samples, dtypes=ALL_REAL, grad=False),
    OpInfo('logical_not', lambda m, a, b: (m.logical_not(a), b.logical_not()), logic_samples, dtypes=ALL_REAL,
           grad=False),
    OpInfo('bitwise_and', lambda m, a, b: m.bitwise_and(a, b), integral_samples, dtypes=INTEGRAL, grad=False,
           errors=_float_errors),
    OpInfo('bitwise_or', lambda m, a, b: a.bitwise_or(b), integral_samples, dtypes=INTEGRAL, grad=False,
           errors=_float_errors),
    OpInfo('bitwise_xor', lambda m, a, b: m.bitwise_xor(a, b), integral_samples, dtypes=INTEGRAL, grad=False,
           errors=_float_errors),
    OpInfo('and_dunder', lambda m, a, b: (a & b, 1 & a), integral_samples, dtypes=INTEGRAL, grad=False,
           errors=_float_errors),
    OpInfo('or_dunder', lambda m, a, b: (a | b, True | a), integral_samples, dtypes=INTEGRAL, grad=False),
    OpInfo('xor_dunder', lambda m, a, b: (a ^ b, 3 ^ a), integral_samples, dtypes=INTEGRAL, grad=False,
           errors=_float_errors),
    OpInfo('bitwise_not', lambda m, a: m.bitwise_not(a), lambda d, r: [Sample((make_array((3, 4), d, r),))],
           dtypes=INTEGRAL, grad=False, errors=lambda r: [Sample((make_array((3,), 'float32', r),))]),
    OpInfo('invert_dunder', lambda m, a: ~a, lambda d, r: [Sample((make_array((3, 4), d, r),))], dtypes=INTEGRAL,
           grad=False, errors=lambda r: [Sample((make_array((3,), 'float32', r),))]),
    OpInfo('bitwise_left_shift', lambda m, a, b: m.bitwise_left_shift(a, b), shift_samples,
           dtypes=('int64', 'int32', 'int16', 'int8', 'uint8'), grad=False, errors=_float_errors),
    OpInfo('bitwise_right_shift', lambda m, a, b: a.bitwise_right_shift(b), shift_samples,
           dtypes=('int64', 'int32', 'int16', 'int8', 'uint8'), grad=False, errors=_float_errors),
    OpInfo('shift_dunders', lambda m, a, b: (a << b, a >> b, 1 << b, 64 >> b), shift_samples,
           dtypes=('int64', 'int32'), grad=False, errors=_float_errors),
    OpInfo('signbit', lambda m, a: m.signbit(a), classify_samples, dtypes=ALL_REAL, grad=False),  # NaN's sign bit
    OpInfo('signbit_nan', lambda m, a: m.signbit(a), lambda d, r: [Sample((np.array([np.nan, -np.nan], dtype=d),))],
           dtypes=FLOATS, grad=False),  # NaN's sign bit survives only in float32/64 (bfloat16 conversions lose it)
]
OPS.append(OpInfo('isnan_values', lambda m, a: (m.isnan(a), m.isfinite(a)),
                  lambda d, r: [Sample((np.array([np.nan, 1.0, np.inf], dtype=d),))], dtypes=FLOATS, grad=False))
for _name in ('isnan', 'isinf', 'isposinf', 'isneginf', 'isfinite', 'isreal'):
    OPS.append(OpInfo(_name, lambda m, a, _n=_name: (getattr(m, _n)(a), getattr(a, _n)()), classify_samples,
                      dtypes=ALL_REAL, grad=False))

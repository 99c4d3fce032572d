"""Op-table entries for elementwise binary arithmetic, clamping, extrema, where/lerp/addc* and two-argument math."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array
from ops.table_core import BINARY_SHAPES, binary_samples

HALF = ('float16', 'bfloat16')
INTS = ('int64', 'int32', 'int16', 'int8', 'uint8')


def _nonzero(shape, dtype, rng, low=0.5, high=3.0, signed=True):
    """Values with |v| in [low, high] (integers: 1..3), random signs, so division and remainders are defined."""
    if dtype in INTS:
        arr = make_array(shape, dtype, rng, 1, 3)
        arr = np.where(arr == 0, 1, arr).astype(dtype)
    else:
        arr = make_array(shape, dtype, rng, low, high)
    if signed and dtype != 'uint8' and arr.ndim:
        arr = (arr * np.where(rng.random(arr.shape) < 0.5, -1, 1)).astype(arr.dtype)
    return np.asarray(arr)


def division_samples(dtype, rng):
    out = []
    for sa, sb in BINARY_SHAPES:
        out.append(Sample((make_array(sa, dtype, rng, -6, 6), _nonzero(sb, dtype, rng)), desc=f'{sa}x{sb}'))
    out.append(Sample((make_array((4, 3), dtype, rng, -6, 6, noncontig=True), _nonzero((4, 3), dtype, rng)),
                      desc='noncontig'))
    out.append(Sample((make_array((2, 3), dtype, rng, -6, 6), 2), desc='int scalar'))
    out.append(Sample((make_array((2, 3), dtype, rng, -6, 6), -1.5), desc='float scalar'))
    return out


def _pair(shape_a=(3, 4), shape_b=(3, 4)):
    return lambda d, r: [Sample((make_array(shape_a, d, r), make_array(shape_b, d, r)))]


def _one(shape, low=-3.0, high=3.0):
    return lambda d, r: [Sample((make_array(shape, d, r, low, high),))]


def tie_samples(dtype, rng):
    a = make_array((3, 4), dtype, rng)
    b = make_array((3, 4), dtype, rng)
    b[0] = a[0]  # ties split the gradient
    return [s for s in binary_samples(dtype, rng) if not isinstance(s.args[1], float)] + [Sample((a, b), desc='ties')]


def nan_samples(dtype, rng):
    if dtype not in FLOATS + HALF:
        return []
    a = np.array([1.0, np.nan, 2.0, np.nan, -1.0, 3.0], dtype=make_array((1,), dtype, rng).dtype)
    b = np.array([np.nan, 1.0, 2.0, np.nan, 0.5, 3.0], dtype=a.dtype)
    return [Sample((a, b), desc='nan', grad=False)]


def clamp_samples(dtype, rng):
    x = make_array((3, 4), dtype, rng, -4, 4)
    return [Sample((x,), {'min': -1, 'max': 2}, desc='scalars'), Sample((x,), {'min': -1}, desc='min only'),
            Sample((x,), {'max': 0.5 if dtype not in INTS else 1}, desc='max only'),
            Sample((x,), {'min': 2, 'max': -1}, desc='inverted'),
            Sample((make_array((), dtype, rng, -4, 4),), {'min': 0, 'max': 1}, desc='0-dim'),
            Sample((make_array((0, 2), dtype, rng),), {'min': 0}, desc='empty'),
            Sample((make_array((4, 3), dtype, rng, -4, 4, noncontig=True),), {'min': -1, 'max': 1}, desc='nc')]


def clamp_tensor_samples(dtype, rng):
    x = make_array((3, 4), dtype, rng, -4, 4)
    low = make_array((4,), dtype, rng, -2, 0)
    high = make_array((3, 1), dtype, rng, 0, 2)
    inverted_low = make_array((3, 4), dtype, rng, 1, 3)
    inverted_high = make_array((3, 4), dtype, rng, -3, -1)
    return [Sample((x, low, high), desc='both'), Sample((x, low, None), desc='min only'),
            Sample((x, None, high), desc='max only'), Sample((x, inverted_low, inverted_high), desc='inverted')]


def where_samples(dtype, rng):
    """The condition is given as floats (``c > 0`` is taken inside the call): the harness makes arrays require
    grad, which bool tensors cannot."""
    cond = rng.uniform(-1, 1, (3, 4))
    return [Sample((cond, make_array((3, 4), dtype, rng), make_array((4,), dtype, rng)), desc='broadcast'),
            Sample((cond, make_array((3, 4), dtype, rng), 0), desc='scalar other'),
            Sample((cond[0], 1.5, make_array((3, 4), dtype, rng)), desc='scalar input'),
            Sample((np.array(0.5), make_array((2,), dtype, rng), make_array((), dtype, rng)), desc='0-dim cond')]


def _where_errors(rng):
    return [Sample((make_array((3,), 'float32', rng), make_array((3,), 'float32', rng), 0.0), desc='float cond'),
            Sample((make_array((3,), 'int64', rng), 1.0, 0.0), desc='int cond'),
            Sample((rng.random(3) > 0.5, make_array((3,), 'float32', rng), make_array((4,), 'float32', rng)))]


def lerp_samples(dtype, rng):
    a, b = make_array((3, 4), dtype, rng), make_array((4,), dtype, rng)
    return [Sample((a, b, 0.3), desc='scalar weight'), Sample((a, b, 0.8), desc='weight >= 0.5'),
            Sample((a, b, make_array((3, 1), dtype, rng, 0, 1)), desc='tensor weight'),
            Sample((make_array((), dtype, rng), make_array((2,), dtype, rng), 1.5), desc='0-dim')]


def _lerp_errors(rng):
    return [Sample((make_array((3,), 'float32', rng), make_array((3,), 'float64', rng), 0.5), desc='dtype'),
            Sample((make_array((3,), 'int64', rng), make_array((3,), 'int64', rng), 0.5), desc='int'),
            Sample((make_array((3,), 'float32', rng), make_array((3,), 'float32', rng),
                    make_array((3,), 'float64', rng)), desc='weight dtype')]


def addc_samples(dtype, rng, divide=False):
    t2 = (lambda s: _nonzero(s, dtype, rng)) if divide else (lambda s: make_array(s, dtype, rng))
    return [Sample((make_array((3, 4), dtype, rng), make_array((4,), dtype, rng), t2((3, 1))), desc='broadcast'),
            Sample((make_array((3, 4), dtype, rng), make_array((3, 4), dtype, rng), t2((3, 4))), {'value': 0.5},
                   desc='value') if dtype not in INTS else
            Sample((make_array((3, 4), dtype, rng), make_array((3, 4), dtype, rng), t2((3, 4))), {'value': 2}),
            Sample((make_array((), dtype, rng), make_array((2,), dtype, rng), t2((2,))), desc='0-dim')]


def _tensor_scalar_errors(name):
    return lambda rng: [Sample((make_array((3,), 'float32', rng), 1.5), desc='scalar other'),
                        Sample((make_array((3,), 'float32', rng), make_array((4,), 'float32', rng)), desc='shape')]


def _int_errors(extra=()):
    def errors(rng):
        return [Sample((make_array((3,), 'int64', rng), make_array((3,), 'int64', rng)), desc='int')] + \
            [Sample(args) for args in extra]
    return errors


def _zero_division(rng):
    return [Sample((make_array((3,), 'int64', rng), np.array([1, 0, 2])), desc='int / 0 tensor'),
            Sample((make_array((3,), 'int64', rng), 0), desc='int / 0 scalar'),
            Sample((np.array([True, False]), np.array([True, True])), desc='bool')]


OPS = [
    OpInfo('floor_divide', lambda m, a, b: m.floor_divide(a, b), division_samples, dtypes=FLOATS + HALF + INTS,
           grad=False, errors=_zero_division),
    OpInfo('floordiv_dunder', lambda m, a, b: a // b, division_samples, dtypes=FLOATS + ('int64', 'int8'), grad=False,
           errors=_zero_division),
    OpInfo('rfloordiv_scalar', lambda m, a: 7 // a, lambda d, r: [Sample((_nonzero((3, 4), d, r),))],
           dtypes=FLOATS + ('int64',), grad=False),
    OpInfo('div_floor', lambda m, a, b: m.div(a, b, rounding_mode='floor'), division_samples,
           dtypes=FLOATS + HALF + INTS, gradcheck=False, errors=_zero_division),
    OpInfo('div_trunc', lambda m, a, b: a.div(b, rounding_mode='trunc'), division_samples,
           dtypes=FLOATS + HALF + INTS, gradcheck=False, errors=_zero_division),
    OpInfo('div_bad_mode', lambda m, a, b: m.div(a, b, rounding_mode='round'), division_samples, dtypes=(),
           errors=lambda r: [Sample((make_array((3,), 'float32', r), 2.0))]),
    OpInfo('remainder', lambda m, a, b: m.remainder(a, b), division_samples, dtypes=FLOATS + HALF + INTS,
           errors=_zero_division),
    OpInfo('mod_dunder', lambda m, a, b: a % b, division_samples, dtypes=FLOATS + ('int64',)),
    OpInfo('rmod_scalar', lambda m, a: 5.5 % a, lambda d, r: [Sample((_nonzero((3, 4), d, r),))],
           dtypes=FLOATS + ('int64',), grad=False),
    OpInfo('remainder_scalar_self', lambda m, a: m.remainder(5, a), lambda d, r: [Sample((_nonzero((3, 4), d, r),))],
           dtypes=('int64', 'int32', 'float32'), grad=False),
    OpInfo('fmod', lambda m, a, b: m.fmod(a, b), division_samples, dtypes=FLOATS + HALF + INTS,
           errors=lambda r: _zero_division(r) + [Sample((5.0, make_array((3,), 'float32', r)), desc='scalar self')]),
    OpInfo('fmod_method', lambda m, a, b: a.fmod(b), division_samples, dtypes=FLOATS),
    OpInfo('pow_int_tensor', lambda m, a, b: m.pow(a, b),
           lambda d, r: [Sample((np.array([1, -1, 2, -2, 3, 0, -1, 1], dtype=d),
                                 np.array([-1, -3, -1, -2, 2, 3, -2, -5], dtype=d)))], dtypes=('int64', 'int32'),
           errors=lambda r: [Sample((np.array([2, 3]), -1), desc='negative scalar'),
                             Sample((np.array([True]), np.array([True])), desc='bool ** bool')]),
    OpInfo('pow_scalar_base_int', lambda m, a: m.pow(2, a), lambda d, r: [Sample((np.array([3, -1, 0, 2]),))],
           dtypes=('int64',)),
    OpInfo('pow_int_float', lambda m, a: m.pow(a, 0.5), lambda d, r: [Sample((np.array([4, 9, 2], dtype=d),))],
           dtypes=('int64', 'bool')),
    OpInfo('pow_bool_int', lambda m, a: a ** 2, lambda d, r: [Sample((np.array([True, False]),))], dtypes=('bool',)),
    OpInfo('pow_zero_base', lambda m, a, b: m.pow(a, b),
           lambda d, r: [Sample((np.array([0.0, 0.0, 2.0, 1.5], dtype=d), np.array([2.0, 0.0, 0.0, 1.0], dtype=d)))],
           gradcheck=False),
    OpInfo('float_power', lambda m, a, b: m.float_power(a, b), lambda d, r: binary_samples(d, r, 0.5, 2),
           dtypes=FLOATS + ('int64',)),
    OpInfo('float_power_scalar', lambda m, a: m.float_power(a, 2), _one((3, 4)),
           dtypes=FLOATS + ('int32',)),
    OpInfo('clamp', lambda m, a, **kw: m.clamp(a, **kw), clamp_samples, dtypes=FLOATS + HALF + INTS[:-1],
           errors=lambda r: [Sample((make_array((3,), 'float32', r),), desc='no bounds'),
                             Sample((make_array((3,), 'float32', r),),
                                    {'min': make_array((3,), 'float32', r), 'max': 1.0}, desc='mixed')]),
    OpInfo('clip_method', lambda m, a, **kw: a.clip(**kw), clamp_samples, dtypes=FLOATS),
    OpInfo('clamp_int_float_bound', lambda m, a: m.clamp(a, min=0.5), _one((3, 4)),
           dtypes=('int64', 'bool')),
    OpInfo('clamp_bool', lambda m, a: m.clamp(a, 0, 1), lambda d, r: [Sample((np.array([True, False]),))],
           dtypes=('bool',)),
    OpInfo('clamp_at_bounds', lambda m, a: m.clamp(a, -1.0, 1.0),
           lambda d, r: [Sample((np.array([-1.0, 1.0, 0.0, 2.0, -2.0], dtype=d),))], gradcheck=False),
    OpInfo('clamp_tensor', lambda m, a, lo, hi: m.clamp(a, lo, hi), clamp_tensor_samples, dtypes=FLOATS + INTS),
    OpInfo('clamp_tensor_at_bounds', lambda m, a, lo, hi: m.clamp(a, lo, hi),
           lambda d, r: [Sample((np.array([1.0, 2.0, 0.0], dtype=d), np.array([1.0, 1.0, 1.0], dtype=d),
                                 np.array([2.0, 2.0, 2.0], dtype=d)))], gradcheck=False),
    OpInfo('clamp_min', lambda m, a: m.clamp_min(a, 0.5), _one((3, 4)), dtypes=FLOATS),
    OpInfo('clamp_max', lambda m, a: a.clamp_max(0.5), _one((3, 4)), dtypes=FLOATS),
    OpInfo('clamp_min_tensor', lambda m, a, b: m.clamp_min(a, b), _pair((3, 4), (4,))),
    OpInfo('clamp_max_tensor', lambda m, a, b: a.clamp_max(b), _pair((3, 4), (3, 1))),
    OpInfo('maximum', lambda m, a, b: m.maximum(a, b), tie_samples, dtypes=FLOATS + HALF + INTS + ('bool',),
           errors=_tensor_scalar_errors('maximum')),
    OpInfo('minimum', lambda m, a, b: a.minimum(b), tie_samples, dtypes=FLOATS + HALF + INTS + ('bool',),
           errors=_tensor_scalar_errors('minimum')),
    OpInfo('maximum_nan', lambda m, a, b: m.maximum(a, b), nan_samples),
    OpInfo('minimum_nan', lambda m, a, b: m.minimum(a, b), nan_samples),
    OpInfo('maximum_mixed_dtype', lambda m, a, b: m.maximum(a, b.double()), _pair((3,), (3,)), dtypes=('int64',)),
    OpInfo('fmax', lambda m, a, b: m.fmax(a, b), lambda d, r: tie_samples(d, r)[:-1] + nan_samples(d, r),
           dtypes=FLOATS + HALF + INTS, errors=_tensor_scalar_errors('fmax')),
    OpInfo('fmin', lambda m, a, b: a.fmin(b), lambda d, r: tie_samples(d, r)[:-1] + nan_samples(d, r),
           dtypes=FLOATS + HALF + INTS),
    OpInfo('fmax_fmin_ties', lambda m, a, b: (m.fmax(a, b), m.fmin(a, b)), lambda d, r: tie_samples(d, r)[-1:],
           gradcheck=False),
    OpInfo('fmax_nan_grad', lambda m, a, b: m.fmax(a, b) + m.fmin(a, b),
           lambda d, r: [Sample(s.args, desc='nan grad') for s in nan_samples(d, r)], gradcheck=False),
    OpInfo('where', lambda m, c, a, b: m.where(c > 0, a, b), where_samples, dtypes=FLOATS + HALF + INTS + ('bool',)),
    OpInfo('where_errors', lambda m, c, a, b: m.where(c, a, b), where_samples, dtypes=(), errors=_where_errors),
    OpInfo('where_method', lambda m, c, a, b: a.where(c > 0, b), lambda d, r: where_samples(d, r)[:1]),
    OpInfo('where_scalars', lambda m, c: m.where(c, 1, 0.5), lambda d, r: [Sample((r.random((2, 3)) > 0.5,))],
           dtypes=('bool',)),
    OpInfo('where_int_scalars', lambda m, c: m.where(c, 1, 0), lambda d, r: [Sample((r.random((2, 3)) > 0.5,))],
           dtypes=('bool',)),
    OpInfo('where_nonzero', lambda m, c: m.where(c), lambda d, r: [Sample((r.random((2, 3)) > 0.5,)),
                                                                   Sample((np.array(True),))], dtypes=('bool',)),
    OpInfo('lerp', lambda m, a, b, w: m.lerp(a, b, w), lerp_samples, dtypes=FLOATS + HALF, errors=_lerp_errors),
    OpInfo('lerp_method', lambda m, a, b, w: a.lerp(b, w), lerp_samples),
    OpInfo('addcmul', lambda m, a, b, c, **kw: m.addcmul(a, b, c, **kw), addc_samples,
           dtypes=FLOATS + HALF + ('int64',)),
    OpInfo('addcmul_method', lambda m, a, b, c, **kw: a.addcmul(b, c, **kw), addc_samples),
    OpInfo('addcmul_promote', lambda m, a, b, c: m.addcmul(a, b.long(), c.double(), value=0.5),
           lambda d, r: addc_samples(d, r)[:1], dtypes=('float32',)),
    OpInfo('addcdiv', lambda m, a, b, c, **kw: m.addcdiv(a, b, c, **kw), lambda d, r: addc_samples(d, r, True),
           dtypes=FLOATS + HALF,
           errors=lambda r: [Sample((make_array((3,), 'int64', r), make_array((3,), 'int64', r),
                                     np.array([1, 2, 3])), desc='ints'),
                             Sample((make_array((3,), 'float32', r), make_array((3,), 'int64', r),
                                     np.array([1, 2, 3])), desc='int tensors')]),
    OpInfo('addcdiv_method', lambda m, a, b, c, **kw: a.addcdiv(b, c, **kw), lambda d, r: addc_samples(d, r, True)),
    OpInfo('hypot', lambda m, a, b: m.hypot(a, b), tie_samples, dtypes=FLOATS + HALF, grad_rtol=1e-4,
           errors=lambda r: _int_errors()(r) + _tensor_scalar_errors('hypot')(r)),
    OpInfo('atan2', lambda m, a, b: m.atan2(a, b), lambda d, r: [s for s in binary_samples(d, r)
                                                                   if not isinstance(s.args[1], float)],
           dtypes=FLOATS + HALF + ('int64', 'bool'), errors=_tensor_scalar_errors('atan2')),
    OpInfo('arctan2_method', lambda m, a, b: a.arctan2(b), _pair((3, 4), (4,))),
    OpInfo('copysign', lambda m, a, b: m.copysign(a, b), binary_samples, dtypes=FLOATS + HALF + ('int64',)),
    OpInfo('copysign_zeros', lambda m, a, b: m.copysign(a, b),
           lambda d, r: [Sample((np.array([0.0, -0.0, 1.0, -2.0], dtype=d), np.array([-1.0, 1.0, -0.0, 0.0],
                                                                                    dtype=d)))], gradcheck=False),
    OpInfo('copysign_scalar', lambda m, a: a.copysign(-1), _one((3, 4))),
    OpInfo('logaddexp', lambda m, a, b: m.logaddexp(a, b), lambda d, r: [s for s in binary_samples(d, r, -30, 30)
                                                                         if not isinstance(s.args[1], float)],
           dtypes=FLOATS + HALF, errors=lambda r: _int_errors()(r) + _tensor_scalar_errors('logaddexp')(r)),
    OpInfo('logaddexp2', lambda m, a, b: a.logaddexp2(b), _pair((3, 4), (4,)), dtypes=FLOATS + HALF),
    OpInfo('xlogy', lambda m, a, b: m.xlogy(a, b), lambda d, r: binary_samples(d, r, 0.1, 3),
           dtypes=FLOATS + HALF + ('int64',)),
    OpInfo('xlogy_zeros', lambda m, a, b: m.xlogy(a, b),
           lambda d, r: [Sample((np.array([0.0, 0.0, 0.0, 1.0, 2.0], dtype=d),
                                 np.array([0.0, -1.0, np.nan, 0.0, 3.0], dtype=d)), grad=False)]),
    OpInfo('xlogy_scalar_self', lambda m, a: m.xlogy(2, a), lambda d, r: [Sample((make_array((3,), d, r, 0.1, 3),))]),
    OpInfo('xlogy_scalar_other', lambda m, a: a.xlogy(3.0), lambda d, r: [Sample((make_array((3,), d, r),))]),
    OpInfo('heaviside', lambda m, a, b: m.heaviside(a, b),
           lambda d, r: [Sample((np.array([-1.0, 0.0, 2.0, 0.0], dtype=d), np.array([0.5, 0.5, 0.5, 3.0],
                                                                                   dtype=d)))],
           dtypes=FLOATS + ('int64',), grad=False,
           errors=lambda r: [Sample((make_array((3,), 'int64', r), make_array((3,), 'float32', r)))]),
    OpInfo('hypot_atan2_chain', lambda m, a, b: m.hypot(a, b) * m.atan2(a, b) + m.logaddexp(a, b).sigmoid(),
           _pair((2, 3), (3,))),
]

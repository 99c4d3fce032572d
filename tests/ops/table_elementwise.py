"""Op-table entries for the elementwise unary math ops (ember/_ops/elementwise_unary.py)."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array
from ops.table_core import unary_samples

HALF = ('float16', 'bfloat16')
FLOAT_OPS = FLOATS + HALF + ('int64', 'int32', 'bool')  # float-valued ops lift ints/bool to the default float
ROUNDING = FLOATS + HALF + ('int64', 'int32', 'uint8')   # identity on integers
KEEP = FLOATS + HALF + ('int64', 'int32', 'int8', 'int16')


def _samples(low, high):
    return lambda d, r: unary_samples(d, r, low, high)


def _special_values(dtype, rng):
    """NaN, infinities and signed zeros, for the ops that must treat them as PyTorch does."""
    if dtype not in FLOATS + HALF:
        return []
    values = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 0.5], dtype=np.float64)
    return [Sample((values.astype(make_array((1,), dtype, rng).dtype),), desc='special', grad=False)]


def _unary(name, low=-3.0, high=3.0, dtypes=FLOAT_OPS, special=True, method=True, **kw):
    def samples(d, r):
        return unary_samples(d, r, low, high) + (_special_values(d, r) if special else [])
    entries = [OpInfo(name, lambda m, a, _n=name: getattr(m, _n)(a), samples, dtypes=dtypes, **kw)]
    if method:
        entries.append(OpInfo(f'{name}_method', lambda m, a, _n=name: getattr(a, _n)(), _samples(low, high),
                              dtypes=FLOATS, **kw))
    return entries


def _not_tensor(name):
    return lambda r: [Sample((2.0,), desc='python float'), Sample(([1.0, 2.0],), desc='list')]


def _errors_for(dtype_name, *extra):
    def errors(r):
        out = [Sample((make_array((3,), dtype_name, r),), desc=f'{dtype_name} input')]
        return out + [Sample((value,)) for value in extra]
    return errors


OPS = []
for _name, _low, _high in [('exp2', -3, 3), ('expm1', -3, 3), ('log2', 0.1, 5), ('log10', 0.1, 5),
                           ('log1p', -0.9, 5), ('sqrt', 0.1, 5), ('rsqrt', 0.1, 5), ('sin', -3, 3), ('cos', -3, 3),
                           ('tan', -1.2, 1.2), ('asin', -0.9, 0.9), ('acos', -0.9, 0.9), ('atan', -3, 3),
                           ('arcsin', -0.9, 0.9), ('arccos', -0.9, 0.9), ('arctan', -3, 3), ('sinh', -3, 3),
                           ('cosh', -3, 3), ('tanh', -3, 3), ('asinh', -3, 3), ('acosh', 1.1, 4),
                           ('atanh', -0.9, 0.9), ('arcsinh', -3, 3), ('arccosh', 1.1, 4), ('arctanh', -0.9, 0.9),
                           ('sigmoid', -5, 5), ('erf', -2.5, 2.5), ('erfc', -2.5, 2.5), ('erfinv', -0.95, 0.95),
                           ('deg2rad', -200, 200), ('rad2deg', -3, 3), ('reciprocal', 0.2, 3)]:
    OPS += _unary(_name, _low, _high, errors=_not_tensor(_name))

OPS += _unary('lgamma', 0.2, 4.5, dtypes=FLOATS + HALF + ('int64',), grad_atol=1e-4)
OPS += [
    OpInfo('lgamma_negative', lambda m, a: m.lgamma(a),
           lambda d, r: [Sample((np.array([-0.5, -1.5, -2.25, -3.7, 0.3], dtype=d),))], dtypes=FLOATS),
    OpInfo('digamma', lambda m, a: m.digamma(a),
           lambda d, r: unary_samples(d, r, 0.2, 6) + [Sample((np.array([-0.5, -1.5, -2.25, 0.0, -0.0, -1.0, 0.3,
                                                                          30.5], dtype=d),), grad=False)],
           dtypes=FLOATS + ('int64',), gradcheck=False, grad_atol=1e-4),
    OpInfo('digamma_grad', lambda m, a: m.digamma(a), lambda d, r: unary_samples(d, r, 0.2, 6)[:1] + [
        Sample((np.array([-0.5, -1.5, -2.25, 0.3, 12.5], dtype=d),))], dtypes=('float64',), grad_atol=1e-4),
    OpInfo('erfinv_edges', lambda m, a: m.erfinv(a),
           lambda d, r: [Sample((np.array([-1.0, 1.0, 0.0, 1e-10, 0.999, -0.9999, 1.5], dtype=d),), grad=False)],
           dtypes=FLOATS, atol=1e-5, rtol=1e-5),
    OpInfo('sigmoid_extreme', lambda m, a: m.sigmoid(a),
           lambda d, r: [Sample((np.array([-800.0, -90.0, 0.0, 90.0, 800.0], dtype=d),))], dtypes=FLOATS),
]

for _name in ('floor', 'ceil', 'trunc', 'fix', 'round'):
    OPS += _unary(_name, -5, 5, dtypes=ROUNDING, errors=_errors_for('bool'))
OPS += [
    OpInfo('round_half_even', lambda m, a: m.round(a),
           lambda d, r: [Sample((np.array([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999], dtype=d),))], dtypes=FLOATS + HALF,
           gradcheck=False),
    OpInfo('round_decimals', lambda m, a: m.round(a, decimals=2), _samples(-5, 5), dtypes=FLOATS,
           errors=_errors_for('int64')),
    OpInfo('round_decimals_negative', lambda m, a: a.round(decimals=-1), _samples(-500, 500), dtypes=FLOATS),
]
OPS += _unary('frac', -5, 5, dtypes=FLOATS + HALF, errors=_errors_for('int64', 2.0))
OPS += _unary('relu', -3, 3, dtypes=KEEP + ('uint8',), errors=_errors_for('bool'))
OPS += _unary('abs', -3, 3, dtypes=KEEP + ('uint8',), errors=_errors_for('bool', 2.0))
OPS += _unary('absolute', -3, 3, dtypes=KEEP, method=True)
OPS += _unary('sign', -3, 3, dtypes=KEEP + ('bool', 'uint8'))
OPS += _unary('sgn', -3, 3, dtypes=KEEP + ('bool',), grad=False)  # torch's gradient is a ZeroTensor
OPS += [OpInfo('sgn_grad', lambda m, a: m.sgn(a) + 0 * a, _samples(-3, 3))]
OPS += _unary('square', -3, 3, dtypes=KEEP + ('bool', 'uint8'))
OPS += _unary('positive', -3, 3, dtypes=KEEP, errors=_errors_for('bool'))
OPS += [
    OpInfo('negative', lambda m, a: m.negative(a), _samples(-3, 3), dtypes=KEEP, errors=_errors_for('bool')),
    OpInfo('abs_dunder', lambda m, a: abs(a), _samples(-3, 3), dtypes=KEEP),
    OpInfo('pos_dunder', lambda m, a: +a, _samples(-3, 3), dtypes=KEEP, errors=_errors_for('bool')),
    OpInfo('abs_at_zero', lambda m, a: m.abs(a),
           lambda d, r: [Sample((np.array([0.0, -0.0, 1.0, -2.0], dtype=d),))], dtypes=FLOATS, gradcheck=False),
    OpInfo('relu_at_zero', lambda m, a: m.relu(a),
           lambda d, r: [Sample((np.array([0.0, -0.0, 1.0, -2.0], dtype=d),))], dtypes=FLOATS, gradcheck=False),
    OpInfo('logit', lambda m, a: m.logit(a), _samples(0.05, 0.95), dtypes=FLOATS + HALF + ('int64',)),
    OpInfo('logit_outside', lambda m, a: m.logit(a),
           lambda d, r: [Sample((np.array([-0.5, 0.0, 1.0, 1.5, 0.5], dtype=d),))], dtypes=FLOATS, gradcheck=False),
    OpInfo('logit_eps', lambda m, a: m.logit(a, eps=0.1), _samples(-0.2, 1.2), dtypes=FLOATS + HALF),
    OpInfo('logit_eps_method', lambda m, a: a.logit(0.25), _samples(-0.2, 1.2), dtypes=FLOATS),
    OpInfo('nan_to_num', lambda m, a: m.nan_to_num(a), lambda d, r: unary_samples(d, r) + _special_values(d, r),
           dtypes=FLOATS + HALF + ('int64', 'bool')),
    OpInfo('nan_to_num_args', lambda m, a: a.nan_to_num(nan=1.5, posinf=100.0, neginf=-7.0),
           lambda d, r: unary_samples(d, r) + _special_values(d, r), dtypes=FLOATS + HALF),
    OpInfo('nan_to_num_grad', lambda m, a: m.nan_to_num(a * m.tensor([1.0, float('inf'), 1.0], dtype=a.dtype)),
           lambda d, r: [Sample((make_array((2, 3), d, r),))], dtypes=FLOATS, gradcheck=False),
    OpInfo('exp_log_chain', lambda m, a: m.log(m.expm1(m.exp2(a)) + 1).tanh().sinh(), _samples(-2, 2)),
]

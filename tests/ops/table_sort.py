"""Op-table entries for reduction_cum.py and reduction_sort.py: cumulative ops, all/any/counts, bincount/histc,
unique, sort/topk/kthvalue/median/mode and quantiles."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array
from ops.table_reduction import HALF, cases, distinct, with_nan

# (shape, kwargs, non-contiguous) for ops over one dim
DIM_CASES = [((3, 4), {'dim': 1}, False), ((3, 4), {'dim': -2}, False), ((2, 3, 4), {'dim': 1}, False),
             ((), {'dim': 0}, False), ((0, 3), {'dim': 1}, False), ((4, 3), {'dim': 0}, True)]
NONEMPTY_DIM = [c for c in DIM_CASES if 0 not in c[0]]
KEEPDIM_CASES = NONEMPTY_DIM + [((3, 4), {'dim': 1, 'keepdim': True}, False), ((2, 3), {'dim': -1}, False)]
INTS = ('int32', 'int64')


def _err(*samples):
    return lambda rng: list(samples)


def cumprod_samples(dtype, rng):
    out = cases(DIM_CASES, 0.5, 2)(dtype, rng)
    a = make_array((3, 5), dtype, rng, 0.5, 2)
    a[0, 1] = 0
    a[1, 3] = 0
    a[2, 0] = a[2, 3] = 0
    return out + [Sample((a,), {'dim': 1}, 'zeros'), Sample((a,), {'dim': 0}, 'zeros dim 0')]


def truth_samples(dtype, rng):
    out = []
    for shape, kw in [((3, 4), {}), ((3, 4), {'dim': 1}), ((3, 4), {'dim': (0, 1), 'keepdim': True}), ((), {}),
                      ((0, 3), {}), ((0, 3), {'dim': 1})]:
        a = make_array(shape, dtype, rng)
        if a.dtype.kind in 'fiu':
            a = a * (make_array(shape, 'bool', rng) if shape else 1)
        out.append(Sample((np.asarray(a),), kw))
    out.append(Sample((np.ones((2, 3), dtype=make_array((), dtype, rng).dtype),), {'dim': 0}))
    return out


TRUTH_DTYPES = ('bool', 'uint8', 'int64', 'float32')
INT1 = np.array([1, 1, 3, 0, 5], np.int64)
SEQ = np.array([1., 3., 5., 7.], np.float32)


def quantile_samples(dtype, rng):
    a = make_array((3, 5), dtype, rng)
    q = np.array([0.1, 0.45, 0.9], dtype)
    out = [Sample((a, 0.3), {}), Sample((a, q), {}), Sample((a, q), {'dim': 1}), Sample((a, 0.75), {'dim': 0}),
           Sample((a, q), {'dim': 1, 'keepdim': True}), Sample((a, 0.25), {'keepdim': True}),
           Sample((a, q), {'keepdim': True}),
           Sample((make_array((4, 3), dtype, rng, noncontig=True), 0.4), {'dim': -1})]
    out += [Sample((a, q), {'dim': 1, 'interpolation': mode}) for mode in ('lower', 'higher', 'midpoint', 'nearest')]
    return out


def nan_quantile_samples(dtype, rng):
    a = make_array((3, 5), dtype, rng)
    a[0, 1] = a[2, :] = np.nan
    q = np.array([0.2, 0.5], dtype)
    return [Sample((a, q), {'dim': 1}, grad=False), Sample((a, 0.5), {}, grad=False),
            Sample((a, q), {'dim': 0}, grad=False)]


def _unique_eq(ours, theirs):
    from ops.harness import assert_close
    assert_close(ours, theirs, 0, 0)


OPS = [
    OpInfo('cumsum', lambda m, a, **kw: m.cumsum(a, **kw), cases(DIM_CASES),
           dtypes=FLOATS + HALF + ('int32', 'bool', 'uint8'),
           errors=_err(Sample((INT1,), {'dim': 1}), Sample((INT1,), {'dim': None}))),
    OpInfo('cumsum_dtype', lambda m, a, **kw: a.cumsum(dtype=m.float64, **kw), cases(DIM_CASES[:2]),
           dtypes=('int64', 'float32')),
    OpInfo('cumprod', lambda m, a, **kw: m.cumprod(a, **kw), cumprod_samples, dtypes=FLOATS + ('int64', 'bool')),
    OpInfo('cummax', lambda m, a, **kw: m.cummax(a, **kw),
           lambda d, r: cases(DIM_CASES, ties_free=True)(d, r) + [Sample((np.array([1., 1., 0., 2., 2.], d),),
                                                                         {'dim': 0}, 'ties', grad=False)],
           dtypes=FLOATS + ('int32',)),
    OpInfo('cummax_nan', lambda m, a: a.cummax(0), lambda d, r: [Sample((np.array([1, np.nan, 0, np.nan, 2], d),))],
           gradcheck=False),
    OpInfo('cummin', lambda m, a, **kw: m.cummin(a, **kw), cases(DIM_CASES, ties_free=True), dtypes=FLOATS + INTS),
    OpInfo('logcumsumexp', lambda m, a, **kw: m.logcumsumexp(a, **kw),
           lambda d, r: cases(DIM_CASES)(d, r) + [Sample((np.array([1., -1000., 3., 700.], d),), {'dim': 0}, 'wide',
                                                         grad=d == 'float64')],
           errors=_err(Sample((INT1,), {'dim': 0}))),
    OpInfo('all', lambda m, a, **kw: m.all(a, **kw), truth_samples, dtypes=TRUTH_DTYPES, grad=False),
    OpInfo('any', lambda m, a, **kw: a.any(**kw), truth_samples, dtypes=TRUTH_DTYPES, grad=False),
    OpInfo('count_nonzero', lambda m, a, **kw: m.count_nonzero(a, **{k: v for k, v in kw.items() if k != 'keepdim'}),
           truth_samples, dtypes=TRUTH_DTYPES, grad=False),
    OpInfo('bincount', lambda m, a, *w, **kw: m.bincount(a, *w, **kw),
           lambda d, r: [Sample((INT1,)), Sample((INT1,), {'minlength': 9}), Sample((np.zeros(0, np.int64),)),
                         Sample((INT1, make_array((5,), d, r))), Sample((INT1.astype(np.int32),), {'minlength': 2})],
           grad=False,
           errors=_err(Sample((np.array([-1, 2]),)), Sample((INT1.reshape(1, 5),)), Sample((SEQ,)),
                       Sample((INT1,), {'minlength': -1}), Sample((INT1, np.ones(2, np.float32))))),
    OpInfo('histc', lambda m, a, **kw: m.histc(a, **kw),
           lambda d, r: [Sample((make_array((20,), d, r),), kw) for kw in
                         ({}, {'bins': 7}, {'bins': 4, 'min': -1, 'max': 1}, {'bins': 5, 'min': 0, 'max': 3})] +
           [Sample((SEQ.astype(d),), {'bins': 4, 'min': 1, 'max': 7}), Sample((np.zeros(0, d),), {'bins': 3})],
           grad=False,
           errors=_err(Sample((INT1,)), Sample((SEQ,), {'bins': 3, 'min': 2, 'max': 1}))),
    OpInfo('unique', lambda m, a, **kw: m.unique(a, **kw),
           lambda d, r: [Sample((np.asarray(make_array(s, d, r, -2, 2).round()) if d in FLOATS else
                                 make_array(s, d, r),), kw)
                         for s, kw in [((4, 5), {}), ((4, 5), {'return_inverse': True, 'return_counts': True}),
                                       ((), {'return_inverse': True}), ((0,), {'return_counts': True}),
                                       ((6,), {'sorted': False})]] +
           [Sample((np.array([[1, 2], [1, 2], [0, 1]], d),), {'dim': 0, 'return_inverse': True,
                                                                'return_counts': True}),
            Sample((np.array([[1, 2, 1], [0, 3, 0]], d),), {'dim': 1, 'return_counts': True})],
           dtypes=FLOATS + INTS + ('bool',), grad=False),
    OpInfo('unique_consecutive', lambda m, a, **kw: m.unique_consecutive(a, **kw),
           lambda d, r: [Sample((np.array([1, 1, 2, 2, 3, 1, 1], d),), {'return_inverse': True, 'return_counts': True}),
                         Sample((np.array([[1, 2], [1, 2], [0, 1], [1, 2]], d),), {'dim': 0, 'return_counts': True}),
                         Sample((np.array([[1, 1, 2], [1, 1, 2]], d),), {'return_inverse': True}),
                         Sample((np.zeros((0,), d),), {'return_counts': True})],
           dtypes=FLOATS + INTS, grad=False),
    OpInfo('sort', lambda m, a, **kw: m.sort(a, **kw),
           lambda d, r: cases(DIM_CASES, ties_free=True)(d, r) + cases([((3, 4), {}, False)], ties_free=True,
                                                                         kwargs={'descending': True})(d, r),
           dtypes=FLOATS + HALF + ('int64', 'uint8')),
    OpInfo('sort_stable_ties', lambda m, a, **kw: a.sort(stable=True, **kw),
           lambda d, r: [Sample((np.array([2, 1, 2, 0, 1, 2], d),), kw) for kw in ({}, {'descending': True})] +
           [Sample((np.array([True, False, True, False]),), {'descending': True})], dtypes=FLOATS + INTS, grad=False),
    OpInfo('sort_nan', lambda m, a, **kw: a.sort(**kw),
           lambda d, r: [Sample((np.array([1., np.nan, 3., -1.], d),), kw) for kw in ({}, {'descending': True})],
           gradcheck=False),
    OpInfo('argsort', lambda m, a, **kw: m.argsort(a, **kw),
           lambda d, r: cases(DIM_CASES, ties_free=True)(d, r) + cases([((3, 4), {}, False)], ties_free=True,
                                                                         kwargs={'descending': True})(d, r),
           dtypes=FLOATS + INTS, grad=False),
    OpInfo('msort', lambda m, a: m.msort(a), lambda d, r: [Sample((distinct((4, 3), d, r),))]),
    OpInfo('topk', lambda m, a, k, **kw: m.topk(a, k, **kw),
           lambda d, r: [Sample((distinct(s, d, r), k), kw) for s, k, kw in [
               ((3, 5), 2, {}), ((3, 5), 3, {'dim': 0}), ((3, 5), 2, {'largest': False}), ((4, 3), 0, {}),
               ((), 1, {}), ((0, 4), 2, {}), ((2, 3, 4), 4, {'dim': -1, 'largest': True})]],
           dtypes=FLOATS + INTS, errors=_err(Sample((SEQ, 5)), Sample((SEQ, -1)))),
    OpInfo('kthvalue', lambda m, a, k, **kw: m.kthvalue(a, k, **kw),
           lambda d, r: [Sample((distinct(s, d, r), k), kw) for s, k, kw in [
               ((3, 5), 2, {}), ((3, 5), 3, {'dim': 0}), ((3, 5), 5, {'keepdim': True}), ((), 1, {}),
               ((0, 4), 2, {})]],
           dtypes=FLOATS + INTS, errors=_err(Sample((SEQ, 5)), Sample((SEQ, 0)))),
    OpInfo('median', lambda m, a, **kw: m.median(a, **kw),
           lambda d, r: cases(KEEPDIM_CASES, ties_free=True)(d, r) + [Sample((distinct((3, 4), d, r),)),
                                                                       Sample((distinct((), d, r),)),
                                                                       Sample((distinct((0, 3), d, r),))],
           dtypes=FLOATS + INTS, errors=_err(Sample((np.zeros((0, 3), np.float32),), {'dim': 0}))),
    OpInfo('median_nan', lambda m, a, **kw: a.median(**kw), lambda d, r: with_nan(d, r), gradcheck=False),
    OpInfo('median_ties', lambda m, a: a.median(), lambda d, r: [Sample((np.array([1., 2., 2., 3.], d),))],
           gradcheck=False),
    OpInfo('nanmedian', lambda m, a, **kw: m.nanmedian(a, **kw),
           lambda d, r: with_nan(d, r) + [Sample((np.full((2, 3), np.nan, d),), {'dim': 1}, grad=False),
                                          Sample((distinct((3, 4), d, r),), {'dim': 1})], gradcheck=False),
    OpInfo('mode', lambda m, a, **kw: m.mode(a, **kw),
           lambda d, r: [Sample((np.array(v, d),), kw) for v, kw in [
               ([1, 2, 2, 3, 3], {}), ([[3, 1, 3, 1, 2], [0, 0, 5, 5, 5]], {'dim': 1}),
               ([[3, 1], [3, 2], [1, 2]], {'dim': 0, 'keepdim': True}), (4, {})]],
           dtypes=FLOATS + INTS, gradcheck=False),
    OpInfo('quantile', lambda m, a, q, **kw: m.quantile(a, q, **kw), quantile_samples,
           errors=_err(Sample((SEQ, 1.5)), Sample((SEQ.astype(np.int64), 0.5)), Sample((np.zeros(0, np.float32), 0.5)),
                       Sample((SEQ, np.ones((1, 1), np.float32))), Sample((SEQ, np.ones(1, np.float64))),
                       Sample((SEQ, 0.5), {'interpolation': 'foo'}))),
    OpInfo('nanquantile', lambda m, a, q, **kw: m.nanquantile(a, q, **kw),
           lambda d, r: quantile_samples(d, r)[:3] + nan_quantile_samples(d, r)),
    OpInfo('quantile_nan', lambda m, a, q, **kw: a.quantile(q, **kw), nan_quantile_samples, grad=False),
]

"""Op-table entries for the reductions of reduction.py: sum/mean/prod, max/min and kin, std/var, logsumexp, norm."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array

# (shape, kwargs, non-contiguous): all dims, one dim, negative dim, tuple, keepdim, 0-dim, empty
CASES = [((3, 4), {}, False), ((3, 4), {'dim': 1}, False), ((3, 4), {'dim': -2, 'keepdim': True}, False),
         ((2, 3, 4), {'dim': (0, 2)}, False), ((2, 3, 4), {'dim': (-1,), 'keepdim': True}, False), ((), {}, False),
         ((), {'dim': 0}, False), ((0, 3), {}, False), ((0, 3), {'dim': 1}, False), ((4, 3), {'dim': 0}, True)]
ONE_DIM = [c for c in CASES if not isinstance(c[1].get('dim', 0), tuple)]
NONEMPTY = [c for c in CASES if 0 not in c[0]]
HALF = ('float16', 'bfloat16')


def distinct(shape, dtype, rng, noncontig=False):
    """Values without ties (so indices are unambiguous), of ``dtype``."""
    n = int(np.prod(shape))
    values = rng.permutation(n) - n // 2
    arr = (values * 0.37 if dtype in FLOATS + HALF else values).astype(np_name(dtype)).reshape(shape)
    return np.asarray(arr.T.copy().T if noncontig and arr.ndim > 1 else arr)


def np_name(dtype):
    from ops.harness import np_dtype
    return np_dtype(dtype)


def cases(cases_, low=-3, high=3, ties_free=False, kwargs=None, no_grad_0dim=False):
    def samples(dtype, rng):
        out = []
        for shape, kw, noncontig in cases_:
            if ties_free and dtype != 'bool':
                a = distinct(shape, dtype, rng, noncontig)
            else:
                a = make_array(shape, dtype, rng, low, high, noncontig=noncontig)
            out.append(Sample((a,), dict(kw, **(kwargs or {})), desc=f'{shape} {kw}{" noncontig" if noncontig else ""}',
                              grad=not (no_grad_0dim and shape == ())))
        return out
    return samples


def with_nan(dtype, rng):
    a = make_array((3, 4), dtype, rng)
    if a.dtype.kind != 'f':
        return []
    a[0, 1] = a[2, 3] = np.nan
    return [Sample((a,), {}), Sample((a,), {'dim': 1}), Sample((a,), {'dim': 0, 'keepdim': True})]


def prod_samples(dtype, rng):
    out = cases(ONE_DIM, 0.5, 2)(dtype, rng)
    a = make_array((3, 4), dtype, rng, 0.5, 2)
    a[0, 1] = 0
    a[2, 0] = a[2, 3] = 0
    out += [Sample((a,), {}, 'zeros'), Sample((a,), {'dim': 1}, 'zeros dim 1'), Sample((a,), {'dim': 0}, 'zeros 0')]
    return out


def one(dtype, rng, shape=(3, 4)):
    return make_array(shape, dtype, rng)


INTS_BOOL = ('int32', 'int64', 'uint8', 'bool')


def _err(*samples):
    return lambda rng: list(samples)


EMPTY = np.zeros((0, 3), np.float32)
INT2 = np.arange(6, dtype=np.int64).reshape(2, 3)

OPS = [
    OpInfo('sum', lambda m, a, **kw: m.sum(a, **kw), cases(CASES), dtypes=FLOATS + HALF + INTS_BOOL,
           errors=_err(Sample((INT2,), {'dim': 2}), Sample((INT2,), {'dim': (0, 0)}), Sample((INT2,), {'dim': 1.5}))),
    OpInfo('sum_method_dtype', lambda m, a, **kw: a.sum(1, dtype=m.float64), cases(ONE_DIM[:3]),
           dtypes=('float32', 'int32', 'bool')),
    OpInfo('nansum', lambda m, a, **kw: m.nansum(a, **kw), lambda d, r: cases(CASES)(d, r) + with_nan(d, r),
           dtypes=FLOATS + ('int64',)),
    OpInfo('mean', lambda m, a, **kw: m.mean(a, **kw), cases(CASES), dtypes=FLOATS + HALF,
           errors=_err(Sample((INT2,)), Sample((INT2,), {'dim': 5}))),
    OpInfo('mean_dtype', lambda m, a, **kw: a.mean(0, dtype=m.float64), cases(ONE_DIM[:2]),
           dtypes=('int64', 'float32')),
    OpInfo('nanmean', lambda m, a, **kw: m.nanmean(a, **kw), lambda d, r: cases(NONEMPTY)(d, r) + with_nan(d, r),
           errors=_err(Sample((INT2,)))),
    OpInfo('prod', lambda m, a, **kw: m.prod(a, **kw), prod_samples, dtypes=FLOATS + ('int64', 'bool', 'int32'),
           errors=_err(Sample((INT2,), {'dim': (0, 1)}))),
    OpInfo('max_all', lambda m, a: m.max(a), cases([c[:1] + ({},) + c[2:] for c in NONEMPTY]),
           dtypes=FLOATS + HALF + INTS_BOOL, errors=_err(Sample((EMPTY,)))),
    OpInfo('max_dim', lambda m, a, **kw: m.max(a, **kw), cases([c for c in ONE_DIM if 'dim' in c[1]], ties_free=True),
           dtypes=FLOATS + HALF + ('int64', 'int16', 'uint8'),
           errors=_err(Sample((EMPTY,), {'dim': 0}), Sample((INT2,), {'dim': 2}), Sample((INT2,), {'dim': (0, 1)}))),
    OpInfo('max_nan', lambda m, a, **kw: a.max(**kw), lambda d, r: with_nan(d, r)[:2], gradcheck=False),
    OpInfo('max_ties', lambda m, a: a.max(), lambda d, r: [Sample((np.array([[1., 3., 3.], [3., 0., 2.]], d),))],
           gradcheck=False),
    OpInfo('max_binary', lambda m, a, b: m.max(a, b),
           lambda d, r: [Sample((one(d, r), one(d, r))), Sample((one(d, r), one(d, r, (4,))))]),
    OpInfo('min_all', lambda m, a: a.min(), cases([c[:1] + ({},) + c[2:] for c in NONEMPTY]),
           dtypes=FLOATS + INTS_BOOL, errors=_err(Sample((EMPTY,)))),
    OpInfo('min_dim', lambda m, a, **kw: m.min(a, **kw), cases([c for c in ONE_DIM if 'dim' in c[1]], ties_free=True),
           dtypes=FLOATS + ('int32',)),
    OpInfo('min_binary', lambda m, a, b: m.min(a, b), lambda d, r: [Sample((one(d, r), one(d, r)))]),
    OpInfo('amax', lambda m, a, **kw: m.amax(a, **kw), cases([c for c in CASES if c[0] != (0, 3) or c[1]]),
           dtypes=FLOATS + HALF + INTS_BOOL,
           errors=_err(Sample((EMPTY,)), Sample((EMPTY,), {'dim': 0}), Sample((INT2,), {'dim': (1, 1)}))),
    OpInfo('amax_ties', lambda m, a, **kw: a.amax(**kw),
           lambda d, r: [Sample((np.array([[1., 3., 3.], [3., 0., 3.]], d),), kw) for kw in ({}, {'dim': 1})],
           gradcheck=False),
    OpInfo('amin', lambda m, a, **kw: m.amin(a, **kw), cases([c for c in CASES if c[0] != (0, 3) or c[1]]),
           dtypes=FLOATS + INTS_BOOL, errors=_err(Sample((EMPTY,)))),
    OpInfo('argmax', lambda m, a, **kw: m.argmax(a, **kw),
           cases([c for c in ONE_DIM if 0 not in c[0]] + [((3, 4), {'keepdim': True}, False)], ties_free=True),
           dtypes=FLOATS + ('int64', 'uint8'), grad=False,
           errors=_err(Sample((EMPTY,)), Sample((EMPTY,), {'dim': 0}), Sample((np.array([True]),)))),
    OpInfo('argmin', lambda m, a, **kw: a.argmin(**kw), cases(ONE_DIM[:4] + ONE_DIM[-1:], ties_free=True),
           dtypes=FLOATS + ('int32',), grad=False),
    OpInfo('aminmax', lambda m, a, **kw: m.aminmax(a, **kw),
           cases([((3, 4), {}, False), ((3, 4), {'dim': 1}, False), ((3, 4), {'dim': -2, 'keepdim': True}, False),
                  ((), {}, False), ((4, 3), {'dim': 0}, True)]), dtypes=FLOATS + ('int64',),
           errors=_err(Sample((EMPTY,)), Sample((INT2,), {'dim': (0, 1)}))),
    OpInfo('std', lambda m, a, **kw: m.std(a, **kw), cases(NONEMPTY, no_grad_0dim=True), dtypes=FLOATS + ('float16',),
           errors=_err(Sample((INT2,)))),
    OpInfo('std_correction', lambda m, a, **kw: a.std(**kw), cases(NONEMPTY[:4], kwargs={'correction': 0})),
    OpInfo('std_unbiased_positional', lambda m, a: m.std(a, 1, False, True), cases(NONEMPTY[:1])),
    OpInfo('std_legacy_unbiased', lambda m, a: a.std(False), cases(NONEMPTY[:1])),
    OpInfo('var', lambda m, a, **kw: m.var(a, **kw), cases(NONEMPTY, no_grad_0dim=True),
           errors=_err(Sample((INT2,), {'dim': 0}))),
    OpInfo('var_correction2', lambda m, a, **kw: a.var(**kw), cases(NONEMPTY[:4], kwargs={'correction': 2})),
    OpInfo('std_mean', lambda m, a, **kw: m.std_mean(a, **kw), cases(NONEMPTY, no_grad_0dim=True)),
    OpInfo('var_mean', lambda m, a, **kw: m.var_mean(a, **kw), cases(NONEMPTY[:4], kwargs={'correction': 0})),
    OpInfo('logsumexp', lambda m, a, **kw: m.logsumexp(a, **kw),
           lambda d, r: cases([c for c in CASES if 'dim' in c[1]])(d, r) +
           [Sample((np.array([[1000., 999.], [-np.inf, -np.inf]], d),), {'dim': 1}, 'extreme', grad=False)],
           errors=_err(Sample((INT2,), {'dim': 3}))),
    OpInfo('logsumexp_int', lambda m, a: a.logsumexp(0), cases(ONE_DIM[:1]), dtypes=('int64',)),
    OpInfo('norm', lambda m, a, **kw: m.norm(a, **kw),
           lambda d, r: [Sample((make_array(s, d, r),), kw) for s, kw in [
               ((3, 4), {}), ((3, 4), {'p': 'fro', 'dim': 1}), ((3, 4), {'p': 3, 'dim': 0, 'keepdim': True}),
               ((3, 4), {'p': 1}), ((2, 3, 4), {'p': 'fro', 'dim': (1, 2)}), ((3, 4), {'p': 'nuc'}),
               ((2, 3, 4), {'p': 'nuc', 'dim': (0, 2)}), ((3, 4), {'p': float('inf'), 'dim': 1}), ((), {})]],
           errors=_err(Sample((INT2,)), Sample((np.ones(3, np.float32),), {'p': 'nuc'}),
                       Sample((np.ones((2, 2), np.float32),), {'p': 'abc'}))),
]

"""Op-table entries for ember.linalg: decompositions, solvers, norms and friends.

Inputs are made well-conditioned where the op needs it (``A @ A.mT + n I`` for Cholesky, a shifted random matrix for
inv/solve/det), symmetric inputs are symmetrised inside the call (so central differences see the function the
gradient describes), and eigen/singular vectors enter sign-invariant forms (``V * V``) before comparison.
"""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample
from ops.table_linalg import arr

F, D, L = 'float32', 'float64', 'int64'
WITH_COMPLEX = FLOATS + ('complex128',)


def square(n, dtype, rng, batch=()):
    """A well-conditioned (diagonally shifted) random matrix."""
    a = arr((*batch, n, n), dtype, rng, -1, 1)
    return (a + n * np.eye(n)).astype(a.dtype)


def eye(n, dtype):
    return np.eye(n).astype(dtype)


def _square_samples(dtype, rng):
    return [Sample((square(3, dtype, rng),), desc='3x3'), Sample((square(2, dtype, rng, (2, 3)),), desc='batched'),
            Sample((square(1, dtype, rng),), desc='1x1'), Sample((square(0, dtype, rng),), desc='0x0', grad=False),
            Sample((square(3, dtype, rng).T.copy().T,), desc='noncontig')]


def _solve_samples(dtype, rng):
    s, a = square, arr
    return [Sample((s(3, dtype, rng), a((3,), dtype, rng)), desc='vector'),
            Sample((s(3, dtype, rng), a((3, 2), dtype, rng)), desc='matrix'),
            Sample((s(2, dtype, rng, (3,)), a((3, 2), dtype, rng)), desc='batch of vectors'),
            Sample((s(2, dtype, rng, (3,)), a((2, 2), dtype, rng)), desc='broadcast B'),
            Sample((s(2, dtype, rng), a((4, 1, 2, 5), dtype, rng)), desc='broadcast A'),
            Sample((s(2, dtype, rng, (3,)), a((4, 1, 2, 5), dtype, rng)), desc='broadcast both'),
            Sample((s(3, dtype, rng), a((2, 3), dtype, rng)), {'left': False}, desc='left=False'),
            Sample((s(3, dtype, rng), a((3, 0), dtype, rng)), desc='empty B', grad=False)]


def _spd_samples(dtype, rng):
    a = arr
    return [Sample((a((3, 3), dtype, rng), eye(3, dtype) * 1.5), desc='3x3'),
            Sample((a((2, 2, 2), dtype, rng), eye(2, dtype)), desc='batched'),
            Sample((a((3, 3), dtype, rng), eye(3, dtype) * 1.5), {'upper': True}, desc='upper')]


def _sym_samples(dtype, rng):
    return [Sample((arr((3, 3), dtype, rng),), desc='3x3'), Sample((arr((2, 4, 4), dtype, rng),), desc='batched'),
            Sample((arr((3, 3), dtype, rng),), {'UPLO': 'U'}, desc='upper'),
            Sample((arr((1, 1), dtype, rng),), desc='1x1')]


def _rect_samples(dtype, rng):
    return [Sample((arr(s, dtype, rng),), desc=str(s)) for s in [(4, 3), (3, 3), (2, 4, 3)]]


def _wide_samples(dtype, rng):
    return [Sample((arr(s, dtype, rng),), desc=str(s)) for s in [(4, 3), (3, 4), (3, 3), (2, 3, 5), (2, 5, 3)]]


def _norm_vectors(dtype, rng):
    a = arr
    out = []
    for ord in (2, 1, 0, 3, 0.5, -1, float('inf'), float('-inf')):
        out.append(Sample((a((3, 4), dtype, rng, 0.2, 2) * np.sign(a((3, 4), dtype, rng)),), {'ord': ord},
                          desc=f'ord={ord}'))
    out += [Sample((a((3, 4), dtype, rng),), {'dim': 1}, desc='dim 1'),
            Sample((a((2, 3, 4), dtype, rng),), {'dim': (0, 2), 'keepdim': True}, desc='dims keepdim'),
            Sample((a((2, 3), dtype, rng),), {'ord': float('inf'), 'dim': -1}, desc='inf dim'),
            Sample((a((), dtype, rng),), desc='0-dim'),
            Sample((a((0, 3), dtype, rng),), desc='empty', grad=False),
            Sample((np.zeros((3,), dtype=a((1,), dtype, rng).dtype),), desc='zeros'),
            Sample((a((3, 4), dtype, rng),), {'dtype': 'float64'} if dtype == 'float32' else {}, desc='dtype')]
    return out


def _matrix_norm_samples(dtype, rng):
    out = []
    for ord in ('fro', 'nuc', float('inf'), float('-inf'), 1, -1, 2, -2):
        out.append(Sample((arr((3, 4), dtype, rng),), {'ord': ord}, desc=f'ord={ord}'))
        out.append(Sample((arr((2, 3, 3), dtype, rng),), {'ord': ord, 'dim': (0, 2), 'keepdim': True},
                          desc=f'ord={ord} dims'))
    out.append(Sample((arr((2, 3, 4), dtype, rng),), {'ord': 'nuc', 'dim': (-1, 0)}, desc='nuc reversed dims'))
    return out


def _norm_samples(dtype, rng):
    a = arr
    return [Sample((a((3, 4), dtype, rng),), desc='default 2-D'),
            Sample((a((2, 3, 4), dtype, rng),), desc='default 3-D'),
            Sample((a((4,), dtype, rng),), {'ord': 3}, desc='vector ord'),
            Sample((a((3, 4), dtype, rng),), {'ord': 'nuc'}, desc='matrix ord'),
            Sample((a((3, 4), dtype, rng),), {'ord': 1, 'dim': 1}, desc='dim int'),
            Sample((a((2, 3, 4), dtype, rng),), {'ord': float('inf'), 'dim': (0, 1)}, desc='dim pair')]


def _pow_samples(dtype, rng):
    out = [Sample((square(3, dtype, rng) / 3,), {'n': n}, desc=f'n={n}', grad=n != 0) for n in (1, 2, 3, 5, 0, -1, -2)]
    out.append(Sample((square(2, dtype, rng, (2,)) / 2,), {'n': 3}, desc='batched'))
    return out


def _int_pow_samples(dtype, rng):
    return [Sample((arr((3, 3), dtype, rng),), {'n': n}, desc=f'n={n}') for n in (0, 1, 2, 3)]


def _lstsq_samples(dtype, rng):
    a = arr
    return [Sample((a((5, 3), dtype, rng), a((5, 2), dtype, rng)), desc='tall'),
            Sample((a((5, 3), dtype, rng), a((5,), dtype, rng)), desc='vector'),
            Sample((a((2, 5, 3), dtype, rng), a((2, 5, 2), dtype, rng)), desc='batched'),
            Sample((square(3, dtype, rng), a((3, 2), dtype, rng)), desc='square')]


def _rank_samples(dtype, rng):
    a = arr
    low = a((4, 2), dtype, rng) @ a((2, 5), dtype, rng)
    return [Sample((a((4, 3), dtype, rng),), desc='full'), Sample((low,), desc='rank 2'),
            Sample((low @ low.T,), {'hermitian': True}, desc='hermitian'),
            Sample((low,), {'atol': 1.0, 'rtol': 0.0}, desc='atol'),
            Sample((np.stack([low[:3, :3], a((3, 3), dtype, rng)]),), desc='batched'),
            Sample((a((0, 3), dtype, rng),), desc='empty')]


def _pinv_samples(dtype, rng):
    a = arr
    low = a((4, 2), dtype, rng) @ a((2, 3), dtype, rng)
    return [Sample((a((4, 3), dtype, rng),), desc='tall'), Sample((a((3, 5), dtype, rng),), desc='wide'),
            Sample((a((2, 3, 3), dtype, rng),), desc='batched'),
            Sample((low,), desc='rank deficient', grad=False),
            Sample((low @ low.T,), {'hermitian': True}, desc='hermitian', grad=False),
            Sample((a((4, 3), dtype, rng),), {'rtol': 0.5}, desc='rtol', grad=False)]


def _errs(cases):
    def make(rng):
        return [Sample(tuple(arr(s, d, rng) if isinstance(s, tuple) else s for s, d in args), kwargs)
                for args, kwargs in cases]
    return make


SINGULAR = np.array([[1., 2.], [2., 4.]])
NOT_PD = np.array([[1., 2.], [2., 1.]])
MATRIX_ERRORS = [([((3,), F)], {}), ([((2, 3), F)], {}), ([((2, 2), L)], {})]

def _solve_errors(rng):
    a = arr
    return [Sample((a((2, 3), F, rng), a((2,), F, rng))), Sample((a((2, 2), F, rng), a((3,), F, rng))),
            Sample((a((2, 2), F, rng), a((3, 2), F, rng))), Sample((a((2, 2), F, rng), a((2,), D, rng))),
            Sample((a((3, 2, 2), F, rng), a((4, 2), F, rng))), Sample((a((3, 2, 2), F, rng), a((4, 2, 5), F, rng))),
            Sample((a((2, 2), F, rng), a((2, 5), F, rng)), {'left': False}),
            Sample((a((2, 2), F, rng), a((2,), F, rng)), {'left': False}),
            Sample((SINGULAR, np.ones(2)))]


def _dtype_kw(m, k):
    if 'dtype' in k:
        k = dict(k, dtype=getattr(m, k['dtype']))
    return k


def _eigh_invariant(result):
    L, V = result
    return L, V * V


def _svd_invariant(result):
    U, S, V = result
    return U * U, S, V * V


def _svd_full_invariant(a, result):
    """Full U and Vh: their first k singular vectors (picked by constant matrices) in sign-invariant form; PyTorch
    documents the gradient of the remaining columns as ignored."""
    U, S, Vh = result
    m, n = a.shape[-2:]
    k = min(m, n)
    U, Vh = U @ a.new_tensor(np.eye(m, k)), a.new_tensor(np.eye(k, n)) @ Vh
    return U * U, S, Vh * Vh


OPS = [
    OpInfo('linalg.det', lambda m, a: m.linalg.det(a), _square_samples, dtypes=WITH_COMPLEX, atol=1e-4, rtol=1e-5,
           errors=_errs(MATRIX_ERRORS)),
    OpInfo('det', lambda m, a: m.det(a), _square_samples),
    OpInfo('linalg.slogdet', lambda m, a: tuple(m.linalg.slogdet(a)), _square_samples, atol=1e-5, rtol=1e-5,
           errors=_errs(MATRIX_ERRORS)),
    OpInfo('logdet', lambda m, a: m.logdet(a),
           lambda d, r: [Sample((square(3, d, r),)), Sample((square(2, d, r, (2,)),)),
                         Sample((np.diag([-1., 2.]).astype(d),), grad=False)]),
    OpInfo('linalg.inv', lambda m, a: m.linalg.inv(a), _square_samples, dtypes=WITH_COMPLEX, atol=1e-5, rtol=1e-5,
           errors=lambda r: _errs(MATRIX_ERRORS)(r) + [Sample((SINGULAR,)),
                                                      Sample((np.stack([np.eye(2), SINGULAR]),))]),
    OpInfo('inverse', lambda m, a: a.inverse(), _square_samples),
    OpInfo('linalg.inv_ex', lambda m, a: tuple(m.linalg.inv_ex(a)), _square_samples),
    OpInfo('linalg.solve', lambda m, a, b, **k: m.linalg.solve(a, b, **k), _solve_samples,
           atol=1e-5, rtol=1e-5,
           errors=_solve_errors),
    OpInfo('linalg.cholesky', lambda m, a, i, **k: m.linalg.cholesky(a @ a.mT + i + i.mT, **k), _spd_samples,
           atol=1e-5, rtol=1e-5),
    OpInfo('linalg.cholesky_ex', lambda m, a, i: tuple(m.linalg.cholesky_ex(a @ a.mT + i + i.mT)),
           lambda d, r: _spd_samples(d, r)[:2]),
    OpInfo('cholesky_errors', lambda m, a: m.linalg.cholesky(a), lambda d, r: [], dtypes=(),
           errors=lambda r: [Sample((NOT_PD,)), Sample((-np.eye(2),)), Sample((np.stack([np.eye(2), NOT_PD]),)),
                             Sample((arr((2, 3), F, r),))]),
    OpInfo('linalg.qr', lambda m, a, **k: tuple(m.linalg.qr(a, **k)),
           lambda d, r: _wide_samples(d, r) + [Sample((arr((4, 3), d, r),), {'mode': 'r'}, grad=False),
                                               Sample((arr((3, 4), d, r),), {'mode': 'complete'}),
                                               Sample((arr((4, 3), d, r),), {'mode': 'complete'}, grad=False)],
           atol=1e-5, rtol=1e-4,
           errors=lambda r: [Sample((arr((3,), F, r),)), Sample((arr((2, 3), F, r),), {'mode': 'x'})]),
    OpInfo('linalg.eigh', lambda m, a, **k: _eigh_invariant(m.linalg.eigh(a + a.mT, **k)), _sym_samples,
           atol=1e-5, rtol=1e-4,
           errors=lambda r: [Sample((arr((2, 3), F, r),)), Sample((arr((2, 2), F, r),), {'UPLO': 'X'})]),
    OpInfo('linalg.eigh_uplo', lambda m, a, **k: _eigh_invariant(m.linalg.eigh(a, **k)), _sym_samples,
           atol=1e-5, rtol=1e-4, grad=False),
    OpInfo('linalg.eigvalsh', lambda m, a, **k: m.linalg.eigvalsh(a + a.mT, **k), _sym_samples, atol=1e-5, rtol=1e-4),
    OpInfo('linalg.svd', lambda m, a: _svd_invariant(m.linalg.svd(a, full_matrices=False)), _wide_samples,
           atol=1e-5, rtol=1e-4, errors=lambda r: [Sample((arr((3,), F, r),)), Sample((arr((3, 3), L, r),))]),
    OpInfo('linalg.svd_full', lambda m, a: _svd_full_invariant(a, m.linalg.svd(a)), _wide_samples,
           atol=1e-5, rtol=1e-4),
    OpInfo('linalg.svdvals', lambda m, a: m.linalg.svdvals(a), _wide_samples, atol=1e-5, rtol=1e-4),
    OpInfo('svd_legacy', lambda m, a: _svd_invariant(m.svd(a)), _wide_samples, atol=1e-5, rtol=1e-4),
    OpInfo('linalg.pinv', lambda m, a, **k: m.linalg.pinv(a, **k), _pinv_samples, atol=1e-5, rtol=1e-4),
    OpInfo('pinverse', lambda m, a: m.pinverse(a), lambda d, r: _pinv_samples(d, r)[:3], atol=1e-5, rtol=1e-4),
    OpInfo('linalg.lstsq', lambda m, a, b, **k: tuple(m.linalg.lstsq(a, b, **k)), _lstsq_samples, atol=1e-5,
           rtol=1e-4, errors=lambda r: [Sample((arr((2, 4, 3), F, r), arr((4, 2), F, r))),
                                        Sample((arr((4, 3), F, r), arr((3, 2), F, r))),
                                        Sample((arr((4, 3), F, r), arr((4, 2), D, r))),
                                        Sample((arr((4, 3), F, r), arr((4, 2), F, r)), {'driver': 'x'})]),
    OpInfo('linalg.lstsq_drivers', lambda m, a, b, driver: tuple(m.linalg.lstsq(a, b, driver=driver)),
           lambda d, r: [Sample((arr((5, 3), d, r), arr((5, 2), d, r), drv), desc=drv)
                         for drv in ('gels', 'gelsy', 'gelsd', 'gelss')] +
           [Sample((arr((2, 5, 3), d, r), arr((2, 5, 2), d, r), 'gelsd'), desc='batched gelsd')],
           atol=1e-5, rtol=1e-4),
    OpInfo('linalg.matrix_power', lambda m, a, n: m.linalg.matrix_power(a, n), _pow_samples, atol=1e-5, rtol=1e-4,
           errors=lambda r: [Sample((arr((4, 3), F, r), 2)), Sample((SINGULAR, -1)),
                             Sample((arr((2, 2), L, r), -1))]),
    OpInfo('matrix_power_int', lambda m, a, n: m.matrix_power(a, n), _int_pow_samples, dtypes=('int64',), grad=False),
    OpInfo('linalg.matrix_rank', lambda m, a, **k: m.linalg.matrix_rank(a, **k), _rank_samples, grad=False),
    OpInfo('linalg.multi_dot', lambda m, *ts: m.linalg.multi_dot(list(ts)),
           lambda d, r: [Sample(tuple(arr(s, d, r) for s in shapes), desc=str(shapes)) for shapes in
                         [[(3, 4), (4, 2)], [(4,), (4, 3), (3, 2), (2,)], [(4,), (4,)], [(2, 3), (3, 4), (4,)]]],
           errors=lambda r: [Sample((arr((3,), F, r),)), Sample((arr((3, 2), F, r), arr((3, 2), F, r))),
                             Sample((arr((3, 2), F, r), arr((2, 2, 2), F, r))),
                             Sample((arr((3, 2), F, r), arr((2, 2), D, r)))]),
    OpInfo('linalg.vector_norm', lambda m, a, **k: m.linalg.vector_norm(a, **_dtype_kw(m, k)), _norm_vectors,
           dtypes=FLOATS + ('complex128', 'float16'), atol=1e-5, rtol=1e-5,
           errors=lambda r: [Sample((arr((3,), L, r),)), Sample((arr((0, 3), F, r),), {'ord': float('inf')}),
                             Sample((arr((2, 3), F, r),), {'dim': (0, 0)})]),
    OpInfo('linalg.matrix_norm', lambda m, a, **k: m.linalg.matrix_norm(a, **k), _matrix_norm_samples,
           atol=1e-5, rtol=1e-4,
           errors=lambda r: [Sample((arr((3,), F, r),)), Sample((arr((3, 3), F, r), 3)),
                             Sample((arr((3, 3), F, r), 'abc')), Sample((arr((3, 3), F, r),), {'dim': (0, 0)}),
                             Sample((arr((3, 3), L, r),))]),
    OpInfo('linalg.norm', lambda m, a, **k: m.linalg.norm(a, **k), _norm_samples, atol=1e-5, rtol=1e-4,
           errors=lambda r: [Sample((arr((2, 3, 4), F, r), 2)), Sample((arr((2, 3, 4), F, r),), {'dim': (0, 1, 2)}),
                             Sample((arr((3,), F, r), 'nuc'))]),
    OpInfo('linalg.vecdot', lambda m, a, b, **k: m.linalg.vecdot(a, b, **k),
           lambda d, r: [Sample((arr((3, 4), d, r), arr((4,), d, r))),
                         Sample((arr((3, 4), d, r), arr((2, 1, 4), d, r))),
                         Sample((arr((3, 4), d, r), arr((3, 4), d, r)), {'dim': 0})], dtypes=WITH_COMPLEX,
           errors=lambda r: [Sample((arr((3, 2), F, r), arr((2,), D, r))),
                             Sample((arr((3, 2), L, r), arr((2,), L, r)))]),
    OpInfo('linalg.tensorinv', lambda m, a, **k: m.linalg.tensorinv(a, **k),
           lambda d, r: [Sample((square(4, d, r).reshape(4, 2, 2),), {'ind': 1}),
                         Sample((square(6, d, r).reshape(2, 3, 6),), {'ind': 2})]),
    OpInfo('linalg.tensorsolve', lambda m, a, b, **k: m.linalg.tensorsolve(a, b, **k),
           lambda d, r: [Sample((square(6, d, r).reshape(2, 3, 6), arr((2, 3), d, r))),
                         Sample((square(6, d, r).reshape(2, 3, 6).transpose(2, 0, 1).copy(), arr((2, 3), d, r)),
                                {'dims': (0,)}, grad=False)]),
    OpInfo('linalg.diagonal', lambda m, a, **k: m.linalg.diagonal(a, **k),
           lambda d, r: [Sample((arr((2, 3, 4), d, r),)), Sample((arr((3, 4), d, r),), {'offset': 1}),
                         Sample((arr((2, 3, 4), d, r),), {'dim1': 0, 'dim2': 2})]),
]


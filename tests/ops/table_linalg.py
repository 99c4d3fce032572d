"""Op-table entries for the matrix products and contractions (matmul rules, mm/bmm/mv/dot, addmm family, einsum,
tensordot, kron, trace, cross, cdist, searchsorted/bucketize)."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array

COMPLEX = ('complex64', 'complex128')


def arr(shape, dtype, rng, low=-2.0, high=2.0, noncontig=False):
    """make_array, with a random imaginary part for complex dtypes."""
    if dtype.startswith('complex'):
        real = 'float32' if dtype == 'complex64' else 'float64'
        out = make_array(shape, real, rng, low, high, noncontig) + 1j * make_array(shape, real, rng, low, high)
        return np.asarray(out).astype(dtype)
    return make_array(shape, dtype, rng, low, high, noncontig)


def pairs(shapes):
    def samples(dtype, rng):
        out = [Sample((arr(sa, dtype, rng), arr(sb, dtype, rng)), desc=f'{sa}@{sb}', grad=0 not in sa + sb)
               for sa, sb in shapes]
        sa, sb = shapes[0]
        if len(sa) >= 2:
            out.append(Sample((arr(sa, dtype, rng, noncontig=True), arr(sb, dtype, rng)), desc='noncontig'))
        return out
    return samples


def errors(cases):
    def make(rng):
        return [Sample(tuple(arr(s, d, rng) if isinstance(s, tuple) else s for s, d in case), desc=str(case))
                for case in cases]
    return make


F, D, B, L = 'float32', 'float64', 'bool', 'int64'

MATMUL_SHAPES = [((4,), (4,)), ((4,), (4, 3)), ((3, 4), (4,)), ((3, 4), (4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 3)),
                 ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((1, 3, 4), (2, 4, 5)),
                 ((0, 4), (4, 2)), ((2, 0, 3), (3, 4)), ((3, 0), (0, 2)), ((1, 4), (4, 1))]
MATMUL_ERRORS = [[((2, 3), F), ((4, 5), F)], [((), F), ((4,), F)], [((3,), F), ((4,), F)], [((2, 3), F), ((4,), F)],
                 [((3,), F), ((4, 2), F)], [((2, 2, 3), F), ((4, 2), F)], [((3, 2, 3), F), ((2, 3, 2), F)],
                 [((2, 3), F), ((3, 2), D)], [((3,), F), ((3,), D)], [((2, 3), F), ((3,), D)],
                 [((2, 3), B), ((3, 2), B)], [((3,), B), ((3,), B)], [((2, 2, 3), B), ((2, 3, 2), B)],
                 [((2, 2, 3), F), ((2, 3, 2), D)]]


def _scales(dtype, beta, alpha):
    """beta/alpha kwargs; integers for integer dtypes (PyTorch rejects float scales there)."""
    if dtype.startswith('int'):
        return {'beta': int(beta) or 2, 'alpha': int(alpha)}
    return {'beta': beta, 'alpha': alpha}


def _addmm_samples(dtype, rng):
    a = arr
    return [Sample((a((2, 4), dtype, rng), a((2, 3), dtype, rng), a((3, 4), dtype, rng)), desc='plain'),
            Sample((a((4,), dtype, rng), a((2, 3), dtype, rng), a((3, 4), dtype, rng)), _scales(dtype, 0.5, 2),
                   desc='broadcast input, beta, alpha'),
            Sample((a((), dtype, rng), a((2, 3), dtype, rng), a((3, 4), dtype, rng)), {'beta': 0}, desc='beta 0'),
            Sample((a((2, 1), dtype, rng), a((2, 0), dtype, rng), a((0, 4), dtype, rng)), desc='empty k', grad=False),
            # beta = alpha = 1: the fused Addmm node, with a bias row, a column and a scalar broadcast in
            Sample((a((4,), dtype, rng), a((3, 5), dtype, rng), a((5, 4), dtype, rng)), desc='bias row'),
            Sample((a((3, 1), dtype, rng), a((3, 5), dtype, rng), a((5, 4), dtype, rng)), desc='column input'),
            Sample((a((), dtype, rng), a((3, 5), dtype, rng), a((5, 4), dtype, rng)), desc='0-dim input')]


def _addmv_samples(dtype, rng):
    a = arr
    return [Sample((a((2,), dtype, rng), a((2, 3), dtype, rng), a((3,), dtype, rng)), desc='plain'),
            Sample((a((1,), dtype, rng), a((2, 3), dtype, rng), a((3,), dtype, rng)), _scales(dtype, 2, -1),
                   desc='broadcast'),
            Sample((a((), dtype, rng), a((2, 3), dtype, rng), a((3,), dtype, rng)), {'beta': 0}, desc='beta 0')]


def _addr_samples(dtype, rng):
    a = arr
    return [Sample((a((2, 3), dtype, rng), a((2,), dtype, rng), a((3,), dtype, rng)), desc='plain'),
            Sample((a((3,), dtype, rng), a((2,), dtype, rng), a((3,), dtype, rng)), _scales(dtype, 0.5, 3),
                   desc='broadcast')]


def _baddbmm_samples(dtype, rng):
    a = arr
    return [Sample((a((3, 2, 4), dtype, rng), a((3, 2, 5), dtype, rng), a((3, 5, 4), dtype, rng)), desc='plain'),
            Sample((a((2, 4), dtype, rng), a((3, 2, 5), dtype, rng), a((3, 5, 4), dtype, rng)),
                   _scales(dtype, 0.5, 2), desc='broadcast')]


def _addbmm_samples(dtype, rng):
    a = arr
    return [Sample((a((2, 4), dtype, rng), a((3, 2, 5), dtype, rng), a((3, 5, 4), dtype, rng)), desc='plain'),
            Sample((a((4,), dtype, rng), a((3, 2, 5), dtype, rng), a((3, 5, 4), dtype, rng)),
                   _scales(dtype, 0.5, 2), desc='broadcast')]


EINSUM_CASES = [('ij,jk->ik', [(2, 3), (3, 4)]), ('ij,jk', [(2, 3), (3, 4)]), ('ii->i', [(3, 3)]), ('ii', [(3, 3)]),
                ('i,i', [(4,), (4,)]), ('i,j->ij', [(2,), (3,)]), ('bij,bjk->bik', [(2, 2, 3), (2, 3, 4)]),
                ('...ij,...jk', [(2, 1, 2, 3), (5, 3, 4)]), ('ij->', [(2, 3)]), ('ij->j', [(2, 3)]),
                ('ij,j', [(2, 3), (3,)]), ('ab,ab->ab', [(1, 3), (2, 3)]), ('iij->j', [(2, 2, 3)]),
                ('ij,jk,kl->il', [(2, 3), (3, 4), (4, 2)]), ('Ab,bC', [(2, 3), (3, 4)]), ('i...->...', [(3, 2, 2)]),
                ('...,...', [(2, 3), (3,)]), ('i j -> j i', [(2, 3)]), ('ij,ij->i', [(0, 3), (0, 3)]),
                ('ijk,ikj->ij', [(2, 3, 3), (2, 3, 3)]), ('bii->bi', [(2, 3, 3)])]


def _einsum_samples(dtype, rng):
    return [Sample((eq, *[arr(s, dtype, rng) for s in shapes]), desc=eq, grad=all(0 not in s for s in shapes))
            for eq, shapes in EINSUM_CASES]


def _sorted(shape, dtype, rng):
    return np.sort(arr(shape, dtype, rng, -5, 5), axis=-1)


def _searchsorted_samples(dtype, rng):
    s = _sorted
    seq = s((6,), dtype, rng)
    return [Sample((seq, arr((3, 4), dtype, rng, -6, 6)), desc='1-D'),
            Sample((seq, np.concatenate([seq[:3], seq[2:5]])), {'right': True}, desc='right ties'),
            Sample((seq, seq.copy()), {'side': 'right'}, desc='side right'),
            Sample((seq, seq.copy()), {'side': 'left', 'out_int32': True}, desc='int32'),
            Sample((s((2, 3, 5), dtype, rng), arr((2, 3, 4), dtype, rng, -6, 6)), desc='batched'),
            Sample((seq, arr((0,), dtype, rng)), desc='empty'),
            Sample((seq, 1), desc='scalar value')]


def _searchsorted_sorter(dtype, rng):
    seq = arr((6,), dtype, rng, -5, 5)
    return [Sample((seq, arr((4,), dtype, rng, -6, 6)), {'sorter': np.argsort(seq, kind='stable')}, desc='sorter'),
            Sample((seq, seq.copy()), {'sorter': np.argsort(seq, kind='stable'), 'right': True}, desc='sorter right')]


def _cdist_samples(dtype, rng):
    a = arr
    out = []
    for p in (2.0, 1.0, 3.0, float('inf'), 0.0, 0.5):
        out.append(Sample((a((4, 3), dtype, rng), a((5, 3), dtype, rng)), {'p': p}, desc=f'p={p}', grad=p != 0.0))
    out.append(Sample((a((2, 1, 4, 3), dtype, rng), a((3, 5, 3), dtype, rng)), desc='batch broadcast'))
    out.append(Sample((a((0, 3), dtype, rng), a((5, 3), dtype, rng)), desc='empty', grad=False))
    return out


def _kron_samples(dtype, rng):
    a = arr
    return [Sample((a((2, 3), dtype, rng), a((3, 2), dtype, rng)), desc='2x2'),
            Sample((a((2,), dtype, rng), a((2, 3), dtype, rng)), desc='1-D, 2-D'),
            Sample((a((2, 1, 2), dtype, rng), a((2, 2), dtype, rng)), desc='3-D, 2-D')]


def _tensordot_samples(dtype, rng):
    a = arr
    return [Sample((a((2, 3, 4), dtype, rng), a((3, 4, 5), dtype, rng)), {'dims': 2}, desc='dims=2'),
            Sample((a((2, 3), dtype, rng), a((3, 5), dtype, rng)), {'dims': 1}, desc='dims=1'),
            Sample((a((2, 3), dtype, rng), a((4,), dtype, rng)), {'dims': 0}, desc='dims=0'),
            Sample((a((2, 3, 4), dtype, rng), a((4, 5, 3), dtype, rng)), {'dims': ([1, 2], [2, 0])}, desc='lists'),
            Sample((a((2, 3, 4), dtype, rng), a((4, 5), dtype, rng)), {'dims': ([-1], [0])}, desc='negative')]


def _cross_samples(dtype, rng):
    a = arr
    return [Sample((a((4, 3), dtype, rng), a((4, 3), dtype, rng)), {'dim': 1}, desc='dim 1'),
            Sample((a((3, 2), dtype, rng), a((3, 2), dtype, rng)), {'dim': 0}, desc='dim 0'),
            Sample((a((2, 3), dtype, rng), a((1, 3), dtype, rng)), {'dim': -1}, desc='broadcast')]


def _linalg_cross_samples(dtype, rng):
    a = arr
    return [Sample((a((4, 3), dtype, rng), a((4, 3), dtype, rng)), desc='default dim'),
            Sample((a((2, 3, 2), dtype, rng), a((1, 3, 2), dtype, rng)), {'dim': 1}, desc='dim 1, broadcast'),
            Sample((a((3,), dtype, rng), a((3,), dtype, rng)), desc='1-D')]


def _vectors(dtype, rng):
    return [Sample((arr((4,), dtype, rng), arr((4,), dtype, rng)), desc='4'),
            Sample((arr((0,), dtype, rng), arr((0,), dtype, rng)), desc='empty', grad=False)]


OPS = [
    OpInfo('linalg.matmul', lambda m, a, b: m.matmul(a, b), pairs(MATMUL_SHAPES),
           dtypes=FLOATS + ('int64', 'int32', 'complex128', 'float16', 'bfloat16'), errors=errors(MATMUL_ERRORS)),
    OpInfo('mm', lambda m, a, b: m.mm(a, b), pairs([((3, 4), (4, 5)), ((0, 3), (3, 2)), ((2, 0), (0, 3))]),
           dtypes=FLOATS + ('int64', 'complex64'),
           errors=errors([[((3,), F), ((3, 2), F)], [((2, 3), F), ((3,), F)], [((2, 3), F), ((4, 3), F)],
                          [((2, 3), F), ((3, 2), D)]])),
    OpInfo('bmm', lambda m, a, b: m.bmm(a, b), pairs([((2, 3, 4), (2, 4, 5)), ((0, 3, 4), (0, 4, 2))]),
           dtypes=FLOATS + ('int64',),
           errors=errors([[((2, 3), F), ((2, 3, 3), F)], [((2, 2, 3), F), ((3, 3, 4), F)],
                          [((2, 2, 3), F), ((2, 3), F)], [((2, 2, 3), F), ((2, 3, 3), D)]])),
    OpInfo('mv', lambda m, a, b: m.mv(a, b), pairs([((3, 4), (4,)), ((0, 4), (4,)), ((3, 0), (0,))]),
           dtypes=FLOATS + ('int64',),
           errors=errors([[((2, 3), F), ((4,), F)], [((2, 3), F), ((3, 1), F)], [((2, 3), F), ((3,), D)]])),
    OpInfo('dot', lambda m, a, b: m.dot(a, b), _vectors, dtypes=FLOATS + ('int64', 'complex128'),
           errors=errors([[((3,), F), ((4,), F)], [((3,), F), ((3, 1), F)], [((3,), F), ((3,), D)],
                          [((3,), B), ((3,), B)]])),
    OpInfo('vdot', lambda m, a, b: m.vdot(a, b), _vectors, dtypes=FLOATS + ('complex128',),
           errors=errors([[((3,), F), ((4,), F)]])),
    OpInfo('inner', lambda m, a, b: m.inner(a, b),
           pairs([((2, 3), (4, 3)), ((3,), (3,)), ((2, 1, 3), (3,)), ((), (2, 3)), ((2, 3), ())]),
           dtypes=FLOATS + ('int64',),
           errors=errors([[((3,), F), ((4,), F)], [((3,), F), ((3,), D)]])),
    OpInfo('outer', lambda m, a, b: m.outer(a, b), pairs([((3,), (4,)), ((0,), (2,))]),
           dtypes=FLOATS + ('int64', 'complex128'),
           errors=errors([[((3,), F), ((3, 2), F)], [((3, 2), F), ((3,), F)]])),
    OpInfo('ger', lambda m, a, b: m.ger(a, b), pairs([((3,), (4,))])),
    OpInfo('outer_promotes', lambda m, a, b: m.outer(a, b.double()), pairs([((3,), (4,))]), dtypes=('float32',)),
    OpInfo('addmm', lambda m, i, a, b, **k: m.addmm(i, a, b, **k), _addmm_samples, dtypes=FLOATS + ('int64',),
           errors=errors([[((3,), F), ((2, 3), F), ((3, 2), F)], [((2, 2), D), ((2, 3), F), ((3, 2), F)],
                          [((2, 2), F), ((2, 3), F), ((4, 2), F)], [((2, 2), F), ((3,), F), ((3, 2), F)],
                          [((2, 2), B), ((2, 3), B), ((3, 2), B)]])),
    OpInfo('addmv', lambda m, i, a, b, **k: m.addmv(i, a, b, **k), _addmv_samples, dtypes=FLOATS + ('int64',),
           errors=errors([[((3,), F), ((2, 3), F), ((3,), F)], [((2,), D), ((2, 3), F), ((3,), F)],
                          [((2,), F), ((2, 3), F), ((4,), F)]])),
    OpInfo('addr', lambda m, i, a, b, **k: m.addr(i, a, b, **k), _addr_samples, dtypes=FLOATS + ('int64',),
           errors=errors([[((4,), F), ((2,), F), ((3,), F)], [((2, 3), F), ((2, 1), F), ((3,), F)]])),
    OpInfo('baddbmm', lambda m, i, a, b, **k: m.baddbmm(i, a, b, **k), _baddbmm_samples,
           errors=errors([[((2, 3), D), ((4, 2, 5), F), ((4, 5, 3), F)], [((2, 3), F), ((4, 2, 5), F), ((3, 5, 3), F)],
                          [((3, 3), F), ((4, 2, 5), F), ((4, 5, 3), F)]])),
    OpInfo('addbmm', lambda m, i, a, b, **k: m.addbmm(i, a, b, **k), _addbmm_samples,
           errors=errors([[((3, 3), F), ((4, 2, 5), F), ((4, 5, 3), F)], [((2, 3), F), ((2, 5), F), ((4, 5, 3), F)]])),
    OpInfo('Tensor.addmm', lambda m, i, a, b, **k: i.addmm(a, b, **k), _addmm_samples),
    OpInfo('chain_matmul', lambda m, *ts: m.chain_matmul(*ts),
           lambda d, r: [Sample((arr((2, 3), d, r), arr((3, 4), d, r), arr((4, 2), d, r)), desc='three'),
                         Sample((arr((2, 3), d, r),), desc='one')],
           errors=errors([[((3, 2), F), ((2,), F)]])),
    OpInfo('einsum', lambda m, eq, *ops: m.einsum(eq, *ops), _einsum_samples, dtypes=FLOATS + ('int64', 'complex128'),
           errors=lambda r: [Sample(('ii->i', arr((2, 3), F, r))), Sample(('ij->k', arr((2, 3), F, r))),
                             Sample(('ij,j', arr((2, 3), F, r), arr((4,), F, r))), Sample(('ijk', arr((2, 3), F, r))),
                             Sample(('ij', arr((2, 3), F, r), arr((2, 3), F, r))),
                             Sample(('ij,jk', arr((2, 3), F, r))), Sample(('ij->ii', arr((2, 3), F, r))),
                             Sample(('i1', arr((2, 3), F, r))), Sample(('ijk...', arr((2, 3), F, r)))]),
    OpInfo('einsum_list', lambda m, eq, *ops: m.einsum(eq, list(ops)),
           lambda d, r: [Sample(('bn,anm,bm->ba', arr((2, 3), d, r), arr((4, 3, 5), d, r), arr((2, 5), d, r)))]),
    OpInfo('einsum_promotes', lambda m, eq, a, b: m.einsum(eq, a, b.double()),
           lambda d, r: [Sample(('i,j', arr((2,), d, r), arr((3,), d, r)))], dtypes=('float32',)),
    OpInfo('einsum_sublist', lambda m, a, b: m.einsum(a, [0, 1], b, [1, 2], [0, 2]), pairs([((2, 3), (3, 4))])),
    OpInfo('tensordot', lambda m, a, b, **k: m.tensordot(a, b, **k), _tensordot_samples, dtypes=FLOATS + ('int64',),
           errors=lambda r: [Sample((arr((2, 3), F, r), arr((4, 5), F, r)), {'dims': 1}),
                             Sample((arr((2, 3), F, r), arr((3, 5), D, r)), {'dims': 1}),
                             Sample((arr((2, 3), F, r), arr((3, 5), F, r)), {'dims': 3}),
                             Sample((arr((2, 3), F, r), arr((3, 5), F, r)), {'dims': -1}),
                             Sample((arr((2, 3), F, r), arr((3, 5), F, r)), {'dims': ([1], [0, 1])})]),
    OpInfo('kron', lambda m, a, b: m.kron(a, b), _kron_samples, dtypes=FLOATS + ('int64',)),
    OpInfo('trace', lambda m, a: m.trace(a),
           lambda d, r: [Sample((arr(s, d, r),), desc=str(s), grad=s != (0, 0))
                         for s in [(3, 3), (2, 4), (4, 2), (0, 0)]] +
           [Sample((arr((3, 3), d, r, noncontig=True),), desc='noncontig')],
           dtypes=FLOATS + ('int64', 'int32'),
           errors=lambda r: [Sample((arr((2, 3, 4), F, r),)), Sample((arr((2, 2), B, r),))]),
    OpInfo('cross', lambda m, a, b, **k: m.cross(a, b, **k), _cross_samples, dtypes=FLOATS + ('int64',),
           errors=lambda r: [Sample((arr((3, 2), F, r), arr((3, 2), F, r)), {'dim': 1}),
                             Sample((arr((3, 3), F, r), arr((3,), F, r)), {'dim': 0}),
                             Sample((arr((2, 3), F, r), arr((3, 3), F, r)), {'dim': 1})]),
    OpInfo('linalg.cross', lambda m, a, b, **k: m.linalg.cross(a, b, **k), _linalg_cross_samples,
           dtypes=FLOATS + ('int64', 'complex128'),
           errors=lambda r: [Sample((arr((3, 2), F, r), arr((3, 2), F, r))),
                             Sample((arr((2, 3), F, r), arr((2, 3), D, r)))]),
    OpInfo('cdist', lambda m, a, b, **k: m.cdist(a, b, **k), _cdist_samples, atol=1e-4, rtol=1e-5,
           errors=lambda r: [Sample((arr((3,), F, r), arr((4, 3), F, r))),
                             Sample((arr((2, 3), F, r), arr((4, 4), F, r))),
                             Sample((arr((2, 3), F, r), arr((4, 3), F, r)), {'p': -1.0}),
                             Sample((arr((2, 3), L, r), arr((4, 3), L, r))),
                             Sample((arr((2, 2, 3), F, r), arr((3, 4, 3), F, r)))]),
    OpInfo('searchsorted', lambda m, s, v, **k: m.searchsorted(s, v, **k), _searchsorted_samples,
           dtypes=FLOATS + ('int64',), grad=False,
           errors=lambda r: [Sample((arr((2, 3), F, r), arr((3, 4), F, r))),
                             Sample((arr((3,), F, r), arr((3, 4), F, r)), {'side': 'left', 'right': True}),
                             Sample((arr((3,), F, r), arr((3, 4), F, r)), {'side': 'x'}),
                             Sample((arr((), F, r), arr((3,), F, r))),
                             Sample((arr((3, 2), F, r), 1.0))]),
    OpInfo('searchsorted_sorter', lambda m, s, v, **k: m.searchsorted(s, v, **k), _searchsorted_sorter,
           dtypes=FLOATS + ('int64',), grad=False),
    OpInfo('bucketize', lambda m, v, b, **k: m.bucketize(v, b, **k),
           lambda d, r: [Sample((arr((3, 4), d, r, -6, 6), _sorted((5,), d, r))),
                         Sample((arr((3, 4), d, r, -6, 6), _sorted((5,), d, r)), {'right': True, 'out_int32': True}),
                         Sample((2, _sorted((5,), d, r)), desc='scalar')],
           dtypes=FLOATS + ('int64',), grad=False,
           errors=lambda r: [Sample((arr((3,), F, r), arr((2, 3), F, r)))]),
]

"""Op-table entries for the indexing family (ember/_ops/indexing.py, indexing_more.py, gather_scatter.py).

Index tensors go in ``kwargs`` (built as int64 NumPy arrays) so the harness never asks them for gradients.
"""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array

WITH_INTS = FLOATS + ('int64', 'int32')
WITH_BOOL = WITH_INTS + ('bool',)


def _idx(values):
    return np.asarray(values, dtype=np.int64)


def _mask(shape, rng, p=0.5):
    return rng.random(shape) < p


def _t_idx(m, i):
    return m.as_tensor(i) if i is not None else None


def index_select_samples(d, r):
    return [
        Sample((make_array((4, 3), d, r),), {'dim': 0, 'index': _idx([3, 0, 0, 1])}, 'dim0 repeats'),
        Sample((make_array((4, 3), d, r, noncontig=True),), {'dim': 1, 'index': _idx([2, 0])}, 'noncontig'),
        Sample((make_array((2, 0), d, r),), {'dim': 0, 'index': _idx([1])}, 'empty'),
        Sample((make_array((3,), d, r),), {'dim': 0, 'index': _idx([])}, 'empty index'),
        Sample((make_array((), d, r),), {'dim': 0, 'index': _idx([0])}, '0-dim'),
        Sample((make_array((2, 3, 2), d, r),), {'dim': -2, 'index': _idx(2)}, '0-dim index'),
    ]


def index_source_samples(d, r, unique=False):
    idx = [2, 0, 1] if unique else [2, 0, 2]
    return [
        Sample((make_array((4, 3), d, r), make_array((3, 3), d, r)), {'dim': 0, 'index': _idx(idx)}, 'dim0'),
        Sample((make_array((3, 4), d, r, noncontig=True), make_array((3, 3), d, r)), {'dim': 1, 'index': _idx(idx)},
               'noncontig dim1'),
        Sample((make_array((2, 0), d, r), make_array((1, 0), d, r)), {'dim': 0, 'index': _idx([1])}, 'empty'),
        Sample((make_array((), d, r), make_array((), d, r)), {'dim': 0, 'index': _idx(0)}, '0-dim'),
    ]


def index_fill_samples(d, r):
    return [
        Sample((make_array((4, 3), d, r),), {'dim': 0, 'index': _idx([2, 0, 2])}, 'dim0'),
        Sample((make_array((3, 4), d, r, noncontig=True),), {'dim': -1, 'index': _idx([1])}, 'noncontig'),
        Sample((make_array((), d, r),), {'dim': 0, 'index': _idx(0)}, '0-dim'),
        Sample((make_array((2, 0), d, r),), {'dim': 1, 'index': _idx([])}, 'empty'),
    ]


def gather_samples(d, r):
    return [
        Sample((make_array((3, 4), d, r),), {'dim': 1, 'index': _idx([[0, 3, 3], [1, 1, 0], [2, 0, 0]])}, 'dim1'),
        Sample((make_array((3, 4), d, r, noncontig=True),), {'dim': 0, 'index': _idx([[0, 2], [2, 2]])}, 'smaller'),
        Sample((make_array((), d, r),), {'dim': 0, 'index': _idx(0)}, '0-dim'),
        Sample((make_array((2, 3), d, r),), {'dim': 1, 'index': np.zeros((2, 0), np.int64)}, 'empty index'),
        Sample((make_array((2, 3, 2), d, r),), {'dim': -1, 'index': _idx([[[1], [0]]])}, '3d'),
    ]


def scatter_samples(d, r, unique=True):
    index = _idx([[0, 3], [2, 1]]) if unique else _idx([[0, 0, 3], [1, 1, 1]])
    cols = index.shape[1]
    return [
        Sample((make_array((2, 4), d, r), make_array((2, cols), d, r)), {'dim': 1, 'index': index}, 'dim1'),
        Sample((make_array((4, 2), d, r, noncontig=True), make_array((3, 3), d, r)),
               {'dim': 0, 'index': index.T.copy() if unique else _idx([[0, 1], [0, 1], [3, 3]])}, 'larger src',
               grad=False),  # PyTorch's backward returns a gradient of the index's shape for src there (and fails)
        Sample((make_array((), d, r), make_array((), d, r)), {'dim': 0, 'index': _idx(0)}, '0-dim'),
        Sample((make_array((2, 3), d, r), make_array((2, 3), d, r)), {'dim': 1, 'index': np.zeros((2, 0), np.int64)},
               'empty index', grad=False),
    ]


def reduce_samples(d, r):
    out = scatter_samples(d, r, unique=False)
    if d == 'float64':  # exact zeros: the product's gradient then needs the product of the others
        x = make_array((2, 4), d, r)
        x[0, 0] = 0
        src = make_array((2, 3), d, r)
        src[1, 0] = 0
        src[1, 2] = 0
        out.append(Sample((x, src), {'dim': 1, 'index': _idx([[0, 0, 3], [1, 1, 1]])}, 'zeros'))
    return out


def masked_samples(d, r):
    return [
        Sample((make_array((3, 4), d, r),), {'mask': _mask((3, 4), r)}, 'same shape'),
        Sample((make_array((3, 4), d, r, noncontig=True),), {'mask': _mask((4,), r)}, 'broadcast mask'),
        Sample((make_array((4,), d, r),), {'mask': _mask((2, 4), r)}, 'broadcast input'),
        Sample((make_array((), d, r),), {'mask': np.array(True)}, '0-dim'),
        Sample((make_array((0, 3), d, r),), {'mask': _mask((3,), r)}, 'empty'),
    ]


def masked_scatter_samples(d, r):
    return [Sample((s.args[0], make_array((13,), d, r)), s.kwargs, s.desc) for s in masked_samples(d, r)[:4]] + \
        [Sample((make_array((2, 3), d, r), make_array((2, 3), d, r)), {'mask': _mask((2, 3), r)}, 'same size')]


def take_samples(d, r):
    return [
        Sample((make_array((3, 4), d, r),), {'index': _idx([[0, 11], [-1, 5]])}, '2d'),
        Sample((make_array((3, 4), d, r, noncontig=True),), {'index': _idx([1, 1, 2])}, 'noncontig repeats'),
        Sample((make_array((), d, r),), {'index': _idx(0)}, '0-dim'),
        Sample((make_array((3,), d, r),), {'index': _idx([])}, 'empty'),
    ]


def put_samples(d, r, unique=True):
    index = _idx([[0, 10], [-1, 5]]) if unique else _idx([[0, 11], [0, 5]])
    return [
        Sample((make_array((3, 4), d, r), make_array((2, 2), d, r)), {'index': index}, '2d'),
        Sample((make_array((3, 4), d, r, noncontig=True), make_array((4,), d, r)), {'index': index.reshape(-1)},
               'noncontig'),
        Sample((make_array((), d, r), make_array((1,), d, r)), {'index': _idx([0])}, '0-dim'),
    ]


def index_put_samples(d, r, unique=True):
    rows = _idx([2, 0]) if unique else _idx([2, 2])
    return [
        Sample((make_array((3, 4), d, r), make_array((2, 4), d, r)), {'i0': rows, 'i1': None}, 'rows'),
        Sample((make_array((3, 4), d, r, noncontig=True), make_array((), d, r)), {'i0': rows, 'i1': _idx([1, 3])},
               'points scalar value'),
        Sample((make_array((3, 4), d, r), make_array((4,), d, r)), {'i0': _mask((3,), r, 1.0), 'i1': None}, 'mask'),
    ]


def index_put(m, x, v, i0, i1, accumulate=False):
    indices = (_t_idx(m, i0),) if i1 is None else (_t_idx(m, i0), _t_idx(m, i1))
    return m.index_put(x, indices, v, accumulate=accumulate)


def nonzero_samples(d, r):
    return [Sample((make_array(s, d, r, -1, 1),), desc=str(s)) for s in [(3, 4), (), (0, 2), (2, 3, 2)]] + \
        [Sample((np.zeros(()),), desc='0-dim zero')]


def _errors_index(r):
    x = make_array((3, 4), 'float32', r)
    return [
        Sample((x,), {'dim': 0, 'index': np.array([0, 5], np.int64)}, 'out of range'),
        Sample((x,), {'dim': 0, 'index': np.array([0, 1], np.int16)}, 'int16 index'),
        Sample((x,), {'dim': 0, 'index': np.array([[0]], np.int64)}, '2-d index'),
        Sample((x,), {'dim': 2, 'index': np.array([0], np.int64)}, 'bad dim'),
    ]


def _errors_source(r):
    x, s = make_array((3, 4), 'float32', r), make_array((2, 4), 'float32', r)
    return [
        Sample((x, s), {'dim': 0, 'index': np.array([0, 5], np.int64)}, 'out of range'),
        Sample((x, s), {'dim': 0, 'index': np.array([0], np.int64)}, 'count mismatch'),
        Sample((x, s.astype(np.float64)), {'dim': 0, 'index': np.array([0, 1], np.int64)}, 'dtype'),
        Sample((x, make_array((2, 3), 'float32', r)), {'dim': 0, 'index': np.array([0, 1], np.int64)}, 'shape'),
        Sample((x, s), {'dim': 0, 'index': np.array([0, 1], np.int16)}, 'int16 index'),
    ]


def _errors_gather(r):
    x = make_array((3, 4), 'float32', r)
    return [
        Sample((x,), {'dim': 1, 'index': np.array([[0, 4]], np.int64)}, 'out of range'),
        Sample((x,), {'dim': 1, 'index': np.array([[0, -1]], np.int64)}, 'negative'),
        Sample((x,), {'dim': 1, 'index': np.array([0, 1], np.int64)}, 'rank'),
        Sample((x,), {'dim': 1, 'index': np.array([[0]], np.int16)}, 'int16'),
        Sample((x,), {'dim': 1, 'index': np.zeros((4, 1), np.int64)}, 'index too large'),
        Sample((x,), {'dim': 3, 'index': np.zeros((1, 1), np.int64)}, 'bad dim'),
    ]


def _errors_scatter(r):
    x = make_array((3, 4), 'float32', r)
    return [
        Sample((x, make_array((1, 2), 'float32', r)), {'dim': 1, 'index': np.array([[0, 4]], np.int64)}, 'range'),
        Sample((x, make_array((1, 2), 'float64', r)), {'dim': 1, 'index': np.array([[0, 1]], np.int64)}, 'dtype'),
        Sample((x, make_array((1, 1), 'float32', r)), {'dim': 1, 'index': np.array([[0, 1]], np.int64)}, 'small src'),
        Sample((x, make_array((2,), 'float32', r)), {'dim': 1, 'index': np.array([[0, 1]], np.int64)}, 'src rank'),
        Sample((x, make_array((1, 2), 'float32', r)), {'dim': 1, 'index': np.array([0, 1], np.int64)}, 'index rank'),
    ]


def _errors_masked(r):
    x = make_array((3, 4), 'float32', r)
    return [
        Sample((x,), {'mask': np.ones((3, 4), np.float32)}, 'float mask'),
        Sample((x,), {'mask': np.ones((2, 4), bool)}, 'shape'),
    ]


def _errors_take(r):
    x = make_array((3, 4), 'float32', r)
    return [Sample((x,), {'index': np.array([12], np.int64)}, 'range'),
            Sample((x,), {'index': np.array([-13], np.int64)}, 'negative range'),
            Sample((x,), {'index': np.array([1], np.int32)}, 'int32')]


OPS = [
    OpInfo('index_select', lambda m, x, dim, index: m.index_select(x, dim, m.as_tensor(index)), index_select_samples,
           dtypes=WITH_BOOL, errors=_errors_index),
    OpInfo('index_add', lambda m, x, s, dim, index: m.index_add(x, dim, m.as_tensor(index), s),
           index_source_samples, dtypes=WITH_INTS, errors=_errors_source),
    OpInfo('index_add_alpha', lambda m, x, s, dim, index: x.index_add(dim, m.as_tensor(index), s, alpha=2),
           index_source_samples),
    OpInfo('index_add_', lambda m, x, s, dim, index: x.clone().index_add_(dim, m.as_tensor(index), s),
           index_source_samples),
    OpInfo('index_copy', lambda m, x, s, dim, index: m.index_copy(x, dim, m.as_tensor(index), s),
           lambda d, r: index_source_samples(d, r, unique=True), dtypes=WITH_BOOL,
           errors=lambda r: _errors_source(r)[:2] + _errors_source(r)[3:]),
    OpInfo('index_copy_', lambda m, x, s, dim, index: x.clone().index_copy_(dim, m.as_tensor(index), s),
           lambda d, r: index_source_samples(d, r, unique=True)),
    OpInfo('index_fill', lambda m, x, dim, index: m.index_fill(x, dim, m.as_tensor(index), 2), index_fill_samples,
           dtypes=WITH_BOOL, errors=lambda r: _errors_index(r)[:3]),
    # PyTorch's own backward fails for a 0-dim input with a tensor value (it modifies a saved view): no grad check
    OpInfo('index_fill_tensor', lambda m, x, v, dim, index: x.index_fill(dim, m.as_tensor(index), v),
           lambda d, r: [Sample((s.args[0], make_array((), d, r)), s.kwargs, s.desc, grad=s.desc != '0-dim')
                         for s in index_fill_samples(d, r)]),
    OpInfo('index_fill_', lambda m, x, dim, index: x.clone().index_fill_(dim, m.as_tensor(index), -1.5),
           index_fill_samples),
    OpInfo('index_reduce_prod', lambda m, x, s, dim, index: x.index_reduce(dim, m.as_tensor(index), s, 'prod'),
           index_source_samples, dtypes=WITH_INTS),
    OpInfo('index_reduce_mean', lambda m, x, s, dim, index: x.index_reduce(dim, m.as_tensor(index), s, 'mean',
                                                                           include_self=False),
           index_source_samples),
    OpInfo('index_reduce_amax', lambda m, x, s, dim, index: x.index_reduce(dim, m.as_tensor(index), s, 'amax'),
           index_source_samples, dtypes=WITH_INTS),
    OpInfo('index_reduce_amin_', lambda m, x, s, dim, index: x.clone().index_reduce_(dim, m.as_tensor(index), s,
                                                                                     'amin', include_self=False),
           lambda d, r: index_source_samples(d, r)[:3]),  # PyTorch's own backward fails for a 0-dim input here
    OpInfo('index_put', index_put, index_put_samples, dtypes=WITH_BOOL),
    OpInfo('index_put_accumulate', lambda m, x, v, i0, i1: index_put(m, x, v, i0, i1, True),
           lambda d, r: index_put_samples(d, r, unique=False), dtypes=WITH_INTS),
    OpInfo('index_put_', lambda m, x, v, i0, i1: x.clone().index_put_((_t_idx(m, i0),), v.reshape(-1)[:1]),
           index_put_samples),
    OpInfo('masked_fill', lambda m, x, mask: m.masked_fill(x, m.as_tensor(mask), 1.5), masked_samples,
           dtypes=WITH_BOOL, errors=_errors_masked),
    OpInfo('masked_fill_tensor', lambda m, x, v, mask: x.masked_fill(m.as_tensor(mask), v),
           lambda d, r: [Sample((s.args[0], make_array((), d, r)), s.kwargs, s.desc) for s in masked_samples(d, r)]),
    OpInfo('masked_fill_', lambda m, x, mask: x.clone().masked_fill_(m.as_tensor(mask), -2),
           lambda d, r: masked_samples(d, r)[:2]),
    OpInfo('masked_select', lambda m, x, mask: m.masked_select(x, m.as_tensor(mask)), masked_samples,
           dtypes=WITH_BOOL, errors=_errors_masked),
    OpInfo('masked_scatter', lambda m, x, s, mask: x.masked_scatter(m.as_tensor(mask), s), masked_scatter_samples,
           dtypes=WITH_BOOL),
    OpInfo('masked_scatter_', lambda m, x, s, mask: x.clone().masked_scatter_(m.as_tensor(mask), s),
           lambda d, r: masked_scatter_samples(d, r)[:2]),
    OpInfo('take', lambda m, x, index: m.take(x, m.as_tensor(index)), take_samples, dtypes=WITH_BOOL,
           errors=_errors_take),
    OpInfo('take_along_dim', lambda m, x, index, dim: m.take_along_dim(x, m.as_tensor(index), dim),
           lambda d, r: [Sample((make_array((3, 4), d, r),), {'index': _idx([[0, 3]]), 'dim': 1}, 'broadcast'),
                         Sample((make_array((3, 4), d, r),), {'index': _idx([[0, 11, 11]]), 'dim': None}, 'flat'),
                         Sample((make_array((3, 1), d, r),), {'index': _idx([[0], [0]]), 'dim': 0}, 'bcast input')],
           dtypes=WITH_INTS),
    OpInfo('put', lambda m, x, s, index: x.put(m.as_tensor(index), s), put_samples, dtypes=WITH_BOOL,
           errors=lambda r: [Sample((s.args[0], make_array((1,), 'float32', r)), s.kwargs)
                             for s in _errors_take(r)[:2]] +
           [Sample((make_array((3, 4), 'float32', r), make_array((3,), 'float32', r)), {'index': _idx([0, 1])})]),
    OpInfo('put_accumulate', lambda m, x, s, index: x.put(m.as_tensor(index), s, accumulate=True),
           lambda d, r: put_samples(d, r, unique=False), dtypes=WITH_INTS),
    OpInfo('put_', lambda m, x, s, index: x.clone().put_(m.as_tensor(index), s), put_samples),
    OpInfo('nonzero', lambda m, x: m.nonzero(x), nonzero_samples, dtypes=WITH_BOOL, grad=False),
    OpInfo('nonzero_tuple', lambda m, x: m.nonzero(x, as_tuple=True), nonzero_samples, dtypes=WITH_BOOL, grad=False),
    OpInfo('argwhere', lambda m, x: m.argwhere(x), nonzero_samples, dtypes=('float32', 'bool'), grad=False),
    OpInfo('where_single', lambda m, x: m.where(x > 0), nonzero_samples, dtypes=('float32',), grad=False),
    OpInfo('gather', lambda m, x, dim, index: m.gather(x, dim, m.as_tensor(index)), gather_samples,
           dtypes=WITH_BOOL, errors=_errors_gather),
    OpInfo('scatter', lambda m, x, s, dim, index: m.scatter(x, dim, m.as_tensor(index), s), scatter_samples,
           dtypes=WITH_BOOL, errors=_errors_scatter),
    OpInfo('scatter_value', lambda m, x, dim, index: x.scatter(dim, m.as_tensor(index), 2.5),
           lambda d, r: [Sample((s.args[0],), s.kwargs, s.desc) for s in scatter_samples(d, r)], dtypes=WITH_INTS),
    OpInfo('scatter_reduce_add', lambda m, x, s, dim, index: x.scatter(dim, m.as_tensor(index), s, reduce='add'),
           lambda d, r: scatter_samples(d, r, unique=False), dtypes=WITH_INTS, grad=False),
    OpInfo('scatter_reduce_multiply',
           lambda m, x, dim, index: x.scatter(dim, m.as_tensor(index), 2., reduce='multiply'),
           lambda d, r: [Sample((s.args[0],), s.kwargs, s.desc) for s in scatter_samples(d, r, unique=False)],
           grad=False),
    OpInfo('scatter_', lambda m, x, s, dim, index: x.clone().scatter_(dim, m.as_tensor(index), s), scatter_samples),
    OpInfo('scatter_add', lambda m, x, s, dim, index: m.scatter_add(x, dim, m.as_tensor(index), s),
           lambda d, r: scatter_samples(d, r, unique=False), dtypes=WITH_INTS, errors=_errors_scatter),
    OpInfo('scatter_add_', lambda m, x, s, dim, index: x.clone().scatter_add_(dim, m.as_tensor(index), s),
           lambda d, r: scatter_samples(d, r, unique=False)),
    *[OpInfo(f'scatter_reduce_{reduce}{"" if include_self else "_exclude"}',
             (lambda reduce, include_self: lambda m, x, s, dim, index: m.scatter_reduce(
                 x, dim, m.as_tensor(index), s, reduce, include_self=include_self))(reduce, include_self),
             reduce_samples, dtypes=WITH_INTS, errors=_errors_scatter if reduce == 'sum' and include_self else None)
      for reduce in ('sum', 'prod', 'mean', 'amax', 'amin') for include_self in (True, False)],
    OpInfo('scatter_reduce_', lambda m, x, s, dim, index: x.clone().scatter_reduce_(dim, m.as_tensor(index), s, 'amax'),
           lambda d, r: scatter_samples(d, r, unique=False)),
]

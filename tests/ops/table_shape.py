"""Op-table entries for the slicing views (narrow, select, basic indexing, the split family, diagonal, unfold,
as_strided) and the joins/copies (cat, stack, flip, roll, repeat, tril, diag, ...)."""
from __future__ import annotations

import numpy as np

from ember._ops.shape_slice import basic_index_view
from ops.harness import FLOATS, OpInfo, Sample, make_array

ALL = FLOATS + ('int64', 'int32', 'bool')
S = slice


def _a(shape, d, r, noncontig=False):
    return make_array(shape, d, r, noncontig=noncontig)


def _one(shapes_kwargs):
    """Samples of one array each: [(shape, kwargs, noncontig)]."""
    def samples(d, r):
        return [Sample((_a(shape, d, r, nc),), kw, desc=f'{shape} {kw}{" noncontig" if nc else ""}')
                for shape, kw, nc in shapes_kwargs]
    return samples


def _errors(cases):
    """Error samples: [(shape, kwargs)], float32."""
    def errors(r):
        return [Sample((_a(shape, 'float32', r),), kw, desc=f'{shape} {kw}') for shape, kw in cases]
    return errors


def _many(groups):
    """Samples of several arrays: [(shapes, kwargs)] (every second one non-contiguous)."""
    def samples(d, r):
        return [Sample(tuple(_a(s, d, r, i % 2 == 1) for i, s in enumerate(shapes)), kw, desc=f'{shapes} {kw}')
                for shapes, kw in groups]
    return samples


def _index(m, x, index):
    return basic_index_view(x, index) if m.__name__ == 'ember' else x[index]


def _cat_errors(r):
    f = 'float32'
    return [Sample(([],)), Sample(([_a((2, 2), f, r), _a((3, 3), f, r)], 1)),
            Sample(([_a((), f, r), _a((2,), f, r)],)), Sample(([_a((2,), f, r), _a((2, 2), f, r)],)),
            Sample(([_a((2, 2), f, r), _a((2, 2), f, r)], 2)), Sample(([_a((0, 3), f, r), _a((2, 2), f, r)],))]


def _repeats_samples(d, r):
    return [Sample((_a((3, 2), d, r),), {'repeats': np.array([1, 0, 2]), 'dim': 0}, desc='tensor repeats'),
            Sample((_a((2, 3), d, r, True),), {'repeats': np.array([2, 1, 1]), 'dim': -1}, desc='noncontig'),
            Sample((_a((2, 2), d, r),), {'repeats': np.array([1, 2, 0, 1])}, desc='dim None'),
            Sample((_a((2, 2), d, r),), {'repeats': np.array(3), 'dim': 1}, desc='0-dim repeats'),
            Sample((_a((3, 2), d, r),), {'repeats': np.array([2, 1, 1]), 'dim': 0, 'output_size': 4}, desc='out')]


def _pairs(shapes):
    def samples(d, r):
        return [Sample(tuple(_a(s, d, r, i == 1) for i, s in enumerate(group)), desc=str(group)) for group in shapes]
    return samples


def _as_strided_samples(d, r):
    return [Sample((_a((3, 4), d, r),), {'size': (2, 2), 'stride': (1, 2)}, desc='basic'),
            Sample((_a((2, 3), d, r),), {'size': (3, 3), 'stride': (1, 1)}, desc='overlap'),
            Sample((_a((3, 4), d, r, True),), {'size': (2, 3), 'stride': (3, 1), 'storage_offset': 2}, desc='nc'),
            Sample((_a((4,), d, r),), {'size': (), 'stride': ()}, desc='0-dim'),
            Sample((_a((4,), d, r),), {'size': (0, 2), 'stride': (1, 1)}, desc='empty')]


OPS = [
    OpInfo('narrow', lambda m, x, dim, start, length: x.narrow(dim, start, length),
           lambda d, r: [Sample((_a((3, 4), d, r), 1, 1, 2)), Sample((_a((4, 3), d, r, True), 0, -2, 2)),
                         Sample((_a((0, 3), d, r), 1, 0, 3)), Sample((_a((5,), d, r), -1, 5, 0))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((), 'float32', r), 0, 0, 1)), Sample((_a((3,), 'float32', r), 0, 2, 2)),
                             Sample((_a((3,), 'float32', r), 0, 0, -1)), Sample((_a((3,), 'float32', r), 1, 0, 1)),
                             Sample((_a((3,), 'float32', r), 0, -4, 1)), Sample((_a((3,), 'float32', r), 0, 1.5, 1))]),
    OpInfo('narrow_tensor_start', lambda m, x: m.narrow(x, 0, m.tensor(1), 2), _one([((3, 4), {}, False)])),
    OpInfo('select', lambda m, x, dim, index: x.select(dim, index),
           lambda d, r: [Sample((_a((3, 4), d, r), 1, -1)), Sample((_a((2, 3, 4), d, r, True), -1, 0)),
                         Sample((_a((3, 0), d, r), 0, 2)), Sample((_a((4,), d, r), 0, 3))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 0, 5)), Sample((_a((3, 4), 'float32', r), 0, -4)),
                             Sample((_a((), 'float32', r), 0, 0)), Sample((_a((3, 4), 'float32', r), 2, 0))]),
    OpInfo('basic_index', _index,
           lambda d, r: [Sample((_a((3, 4, 2), d, r),), {'index': idx}, desc=str(idx)) for idx in [
               (1,), (S(1, None),), (None, Ellipsis, 0), (Ellipsis,), (S(None), 2), (0, S(1, 3), None),
               (S(None, None, 2), -1, S(0, 5, 3)), (S(5, 9),), (-3, -4, -2), (None, None), (S(2, 1),)]] +
           [Sample((_a((4, 3), d, r, True),), {'index': (S(1, 3), 0)}, desc='noncontig'),
            Sample((_a((), d, r),), {'index': (None, Ellipsis)}, desc='0-dim'),
            Sample((_a((0, 2), d, r),), {'index': (S(None), 1)}, desc='empty')],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r),), {'index': idx}, desc=str(idx)) for idx in [
               (5,), (0, -5), (0, 0, 0), (S(None, None, -1),), (S(None, None, 0),)]] +
           [Sample((_a((), 'float32', r),), {'index': (0,)})]),
    OpInfo('split', lambda m, x, size, dim=0: x.split(size, dim),
           lambda d, r: [Sample((_a((5, 4), d, r), 2)), Sample((_a((3, 4), d, r, True), 3, -1)),
                         Sample((_a((0, 3), d, r), 0)), Sample((_a((4, 3), d, r), 4, 0)),
                         Sample((_a((3, 4), d, r), [1, 0, 2])), Sample((_a((0, 2), d, r), 2))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 0)), Sample((_a((3, 4), 'float32', r), -1)),
                             Sample((_a((3, 4), 'float32', r), [1, 1])), Sample((_a((3, 4), 'float32', r), [4, -1])),
                             Sample((_a((), 'float32', r), 1)), Sample((_a((3,), 'float32', r), 1, 1))]),
    OpInfo('torch_split', lambda m, x, size, dim=0: m.split(x, size, dim),
           lambda d, r: [Sample((_a((5, 4), d, r), 2, 1)), Sample((_a((5, 4), d, r), [2, 3]))]),
    OpInfo('split_with_sizes', lambda m, x, sizes, dim=0: x.split_with_sizes(sizes, dim),
           lambda d, r: [Sample((_a((5, 4), d, r, True), [2, 3])), Sample((_a((2, 4), d, r), [4, 0], -1))],
           errors=lambda r: [Sample((_a((3,), 'float32', r), [1, 1]))]),
    OpInfo('chunk', lambda m, x, chunks, dim=0: x.chunk(chunks, dim),
           lambda d, r: [Sample((_a((5, 4), d, r), 2)), Sample((_a((3, 4), d, r, True), 5)),
                         Sample((_a((6,), d, r), 4)), Sample((_a((0, 2), d, r), 3)), Sample((_a((2, 6), d, r), 3, -1))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3,), 'float32', r), 0)), Sample((_a((3,), 'float32', r), -1)),
                             Sample((_a((), 'float32', r), 1))]),
    OpInfo('unbind', lambda m, x, dim=0: x.unbind(dim),
           lambda d, r: [Sample((_a((3, 4), d, r),)), Sample((_a((3, 4), d, r, True), -1)),
                         Sample((_a((2,), d, r),)), Sample((_a((0, 2), d, r),)), Sample((_a((2, 0), d, r),))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((), 'float32', r),)), Sample((_a((3, 4), 'float32', r), 3))]),
    OpInfo('tensor_split', lambda m, x, arg, dim=0: x.tensor_split(arg, dim),
           lambda d, r: [Sample((_a((5, 4), d, r), 3)), Sample((_a((3, 4), d, r, True), [1, 5, 2])),
                         Sample((_a((3, 4), d, r), [-1], 1)), Sample((_a((0, 4), d, r), 2)),
                         Sample((_a((4,), d, r), 6))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3,), 'float32', r), 0)), Sample((_a((3,), 'float32', r), -1)),
                             Sample((_a((), 'float32', r), 1)), Sample((_a((3,), 'float32', r), 1.5))]),
    OpInfo('tensor_split_tensor', lambda m, x, dim=0, *, arg: m.tensor_split(x, arg, dim),
           lambda d, r: [Sample((_a((5, 4), d, r),), {'arg': np.array(2)}),
                         Sample((_a((5, 4), d, r),), {'arg': np.array([1, 3]), 'dim': 0})],
           errors=lambda r: [Sample((_a((3, 4), 'float32', r),), {'arg': np.zeros((2, 2), np.int64)}),
                             Sample((_a((3, 4), 'float32', r),), {'arg': np.array([1.0])})]),
    OpInfo('hsplit', lambda m, x, arg: m.hsplit(x, arg),
           lambda d, r: [Sample((_a((3, 4), d, r), 2)), Sample((_a((4,), d, r), 2)), Sample((_a((3, 4), d, r), [1]))],
           errors=lambda r: [Sample((_a((), 'float32', r), 1)), Sample((_a((3, 4), 'float32', r), 3))]),
    OpInfo('vsplit', lambda m, x, arg: x.vsplit(arg),
           lambda d, r: [Sample((_a((4, 3), d, r, True), 2)), Sample((_a((3, 4), d, r), [1, 2]))],
           errors=lambda r: [Sample((_a((4,), 'float32', r), 2)), Sample((_a((3, 4), 'float32', r), 2))]),
    OpInfo('dsplit', lambda m, x, arg: m.dsplit(x, arg),
           lambda d, r: [Sample((_a((2, 2, 4), d, r), 2)), Sample((_a((2, 2, 3), d, r), [1]))],
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 2)), Sample((_a((2, 2, 3), 'float32', r), 2))]),
    OpInfo('diagonal', lambda m, x, *a: m.diagonal(x, *a),
           lambda d, r: [Sample((_a((3, 4), d, r),)), Sample((_a((3, 4), d, r, True), 1)),
                         Sample((_a((2, 3, 4), d, r), -1, -1, 0)), Sample((_a((3, 4), d, r), 10)),
                         Sample((_a((3, 4), d, r), -5)), Sample((_a((0, 3), d, r),))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 0, 1, 1)), Sample((_a((3,), 'float32', r),))]),
    OpInfo('unfold', lambda m, x, *a: x.unfold(*a),
           lambda d, r: [Sample((_a((3, 5), d, r), 1, 2, 1)), Sample((_a((4, 3), d, r, True), 0, 2, 2)),
                         Sample((_a((6,), d, r), 0, 3, 1)), Sample((_a((3, 4), d, r), 1, 0, 1)),
                         Sample((_a((), d, r), 0, 1, 1)), Sample((_a((), d, r), 0, 0, 1)),
                         Sample((_a((2, 5), d, r), -1, 2, 3))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 1, 5, 1)), Sample((_a((3, 4), 'float32', r), 1, 2, 0)),
                             Sample((_a((3, 4), 'float32', r), 1, -1, 1)), Sample((_a((), 'float32', r), 0, 2, 1))]),
    OpInfo('as_strided', lambda m, x, **kw: x.as_strided(**kw), _as_strided_samples, dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r),), {'size': s, 'stride': st, 'storage_offset': o})
                             for s, st, o in [((2, 2), (-1, 1), 0), ((20, 2), (1, 1), 0), ((2, 2), (1,), 0),
                                              ((-2, 2), (1, 1), 0), ((2, 2), (1, 1), -1)]]),
    OpInfo('torch_as_strided', lambda m, x: m.as_strided(x, (2, 3), (1, 2), 1), _one([((3, 4), {}, False)])),
    # ------------------------------------------------------------------------------------------------ joins
    OpInfo('cat', lambda m, *ts, dim=0: m.cat(list(ts), dim),
           lambda d, r: [Sample((_a((2, 3), d, r), _a((1, 3), d, r, True))),
                         Sample((_a((2, 3), d, r), _a((2, 1), d, r), _a((2, 0), d, r)), {'dim': -1}),
                         Sample((_a((0,), d, r), _a((2, 2), d, r)), {'dim': 1}, desc='legacy empty'),
                         Sample((_a((0,), d, r), _a((0,), d, r)), desc='all empty'),
                         Sample((_a((4,), d, r),), desc='one')],
           dtypes=ALL + ('float16', 'bfloat16')),
    OpInfo('cat_list', lambda m, ts, dim=0: m.cat(ts, dim),
           lambda d, r: [Sample(((_a((1, 2), d, r), _a((1, 2), d, r)),), desc='tuple')], errors=_cat_errors,
           gradcheck=False),
    OpInfo('cat_promote', lambda m, *ts: m.cat(ts),
           lambda d, r: [Sample((_a((2, 3), 'float32', r), _a((1, 3), 'float64', r)), desc='f32+f64'),
                         Sample((_a((2,), 'float64', r), _a((0,), 'float32', r)), desc='legacy f32')],
           dtypes=('float64',), gradcheck=False),
    OpInfo('cat_promote_int', lambda m, *ts: m.cat(ts),
           lambda d, r: [Sample((_a((2,), 'int32', r), _a((3,), 'uint8', r), _a((1,), 'int8', r)), desc='ints'),
                         Sample((_a((2,), 'int32', r), _a((3,), 'float16', r), _a((1,), 'bool', r)), desc='half')],
           dtypes=('int64',)),
    OpInfo('concat', lambda m, a, b: m.concat((a, b), dim=1), _pairs([[(2, 3), (2, 3)]])),
    OpInfo('concatenate', lambda m, a, b: m.concatenate([a, b], dim=0), _pairs([[(2,), (2,)]])),
    OpInfo('stack', lambda m, *ts, dim=0: m.stack(ts, dim),
           lambda d, r: [Sample((_a((2, 3), d, r), _a((2, 3), d, r, True))),
                         Sample((_a((2, 3), d, r), _a((2, 3), d, r)), {'dim': -1}),
                         Sample((_a((), d, r), _a((), d, r))), Sample((_a((0, 2), d, r),) * 3, {'dim': 1})],
           dtypes=ALL),
    OpInfo('stack_list', lambda m, ts, dim=0: m.stack(ts, dim),
           lambda d, r: [Sample(([_a((2,), d, r)],))], gradcheck=False,
           errors=lambda r: [Sample(([],)), Sample(([_a((2,), 'float32', r), _a((3,), 'float32', r)],)),
                             Sample(([_a((2,), 'float32', r)] * 2, 2)), Sample(([_a((2,), 'float32', r)] * 2, -3))]),
    OpInfo('stack_promote', lambda m, a, b: m.stack((a, b)),
           lambda d, r: [Sample((_a((2, 3), 'float32', r), _a((2, 3), 'float64', r)))], dtypes=('float64',),
           gradcheck=False),
    OpInfo('hstack', lambda m, *ts: m.hstack(list(ts)),
           _many([([(2, 3), (2, 1)], {}), ([(3,), (2,)], {}), ([(), ()], {}), ([(2, 1, 2), (2, 3, 2)], {})]),
           dtypes=ALL, errors=lambda r: [Sample(())]),
    OpInfo('vstack', lambda m, *ts: m.vstack(list(ts)),
           _many([([(2, 3), (1, 3)], {}), ([(3,), (3,)], {}), ([(), ()], {})]),
           dtypes=ALL, errors=lambda r: [Sample(())]),
    OpInfo('row_stack', lambda m, *ts: m.row_stack(list(ts)), _many([([(2, 3), (3,)], {})])),
    OpInfo('dstack', lambda m, *ts: m.dstack(list(ts)),
           _many([([(2, 3), (2, 3)], {}), ([(3,), (3,)], {}), ([(), ()], {}), ([(1, 2, 3), (1, 2, 1)], {})]),
           dtypes=ALL, errors=lambda r: [Sample(())]),
    OpInfo('column_stack', lambda m, *ts: m.column_stack(list(ts)),
           _many([([(3,), (3, 2)], {}), ([(), (1,)], {}), ([(2, 2), (2,)], {})]), dtypes=ALL,
           errors=lambda r: [Sample(())]),
    OpInfo('atleast_1d', lambda m, *ts: m.atleast_1d(*ts), _pairs([[()], [(2, 3)], [(), (3,), (2, 2)]]), dtypes=ALL),
    OpInfo('atleast_2d', lambda m, *ts: m.atleast_2d(*ts), _pairs([[()], [(3,)], [(), (3,), (2, 2), (1, 2, 3)]]),
           dtypes=ALL),
    OpInfo('atleast_3d', lambda m, *ts: m.atleast_3d(*ts),
           _pairs([[()], [(3,)], [(2, 3)], [(), (3,), (2, 2), (1, 2, 3, 1)]]), dtypes=ALL),
    OpInfo('atleast_list', lambda m, a, b: m.atleast_2d([a, b]), _pairs([[(), (3,)]])),
    OpInfo('flip', lambda m, x, dims: m.flip(x, dims),
           _one([((3, 4), {'dims': (0,)}, False), ((2, 3, 4), {'dims': [0, -1]}, True), ((), {'dims': (0,)}, False),
                 ((3, 4), {'dims': ()}, False), ((0, 3), {'dims': (1,)}, False)]),
           dtypes=ALL, errors=_errors([((3, 4), {'dims': (0, 0)}), ((3, 4), {'dims': (2,)})])),
    OpInfo('flip_method', lambda m, x: x.flip(0, 1), _one([((3, 4), {}, True)])),
    OpInfo('fliplr', lambda m, x: m.fliplr(x), _one([((3, 4), {}, True), ((2, 3, 2), {}, False)]), dtypes=ALL,
           errors=_errors([((3,), {})])),
    OpInfo('flipud', lambda m, x: x.flipud(), _one([((3, 4), {}, False), ((3,), {}, False)]), dtypes=ALL,
           errors=_errors([((), {})])),
    OpInfo('roll', lambda m, x, shifts, dims=None: m.roll(x, shifts, dims),
           lambda d, r: [Sample((_a((3, 4), d, r), 1)), Sample((_a((3, 4), d, r, True), (1, -2), (0, 1))),
                         Sample((_a((3, 4), d, r), 5, -1)), Sample((_a((), d, r), 3)), Sample((_a((0, 2), d, r), 1, 1)),
                         Sample((_a((3, 4), d, r), [2], [0]))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), (1, 2), (0,))), Sample((_a((3, 4), 'float32', r), ())),
                             Sample((_a((), 'float32', r), 1, 0)), Sample((_a((3, 4), 'float32', r), (1, 2)))]),
    OpInfo('rot90', lambda m, x, *a: x.rot90(*a),
           lambda d, r: [Sample((_a((3, 4), d, r),)), Sample((_a((3, 4), d, r, True), 2)),
                         Sample((_a((2, 3, 4), d, r), -1, (2, 0))), Sample((_a((3, 4), d, r), 3, [1, 0])),
                         Sample((_a((3, 4), d, r), 0)), Sample((_a((0, 2), d, r), 1))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 1, (0, 0))), Sample((_a((3, 4), 'float32', r), 1, (0,))),
                             Sample((_a((3,), 'float32', r),)), Sample((_a((3, 4), 'float32', r), 1, (0, 2)))]),
    OpInfo('repeat', lambda m, x, *sizes: x.repeat(*sizes),
           lambda d, r: [Sample((_a((2, 3), d, r), 2, 1)), Sample((_a((2, 3), d, r, True), 2, 1, 3)),
                         Sample((_a((), d, r), ())), Sample((_a((), d, r), 2, 3)), Sample((_a((3,), d, r), 0, 2)),
                         Sample((_a((3,), d, r), (2,)))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), 2)), Sample((_a((3, 4), 'float32', r), -1, 1))]),
    OpInfo('tile', lambda m, x, dims: m.tile(x, dims),
           lambda d, r: [Sample((_a((2, 3), d, r), (2,))), Sample((_a((2, 3), d, r, True), (2, 1, 2))),
                         Sample((_a((3,), d, r), ())), Sample((_a((), d, r), (3,)))],
           dtypes=ALL, errors=lambda r: [Sample((_a((3, 4), 'float32', r), (-1,)))]),
    OpInfo('tile_method', lambda m, x: x.tile(2, 1), _one([((3,), {}, False)])),
    OpInfo('repeat_interleave', lambda m, x, *a, **kw: m.repeat_interleave(x, *a, **kw),
           lambda d, r: [Sample((_a((2, 3), d, r), 2)), Sample((_a((2, 3), d, r, True), 2, 0)),
                         Sample((_a((2, 3), d, r), 3, -1)), Sample((_a((), d, r), 2)), Sample((_a((0, 2), d, r), 2, 1)),
                         Sample((_a((2, 3), d, r), 0, 1))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3, 4), 'float32', r), -1)), Sample((_a((), 'float32', r), 2, 1))]),
    OpInfo('repeat_interleave_tensor', lambda m, x, **kw: x.repeat_interleave(**kw), _repeats_samples,
           dtypes=FLOATS + ('int64', 'bool'),
           errors=lambda r: [Sample((_a((3, 4), 'float32', r),), {'repeats': np.array(v), 'dim': 0, **kw})
                             for v, kw in [([1, -1, 1], {}), ([1, 1], {}), ([1., 1., 1.], {}), ([[1], [1], [1]], {}),
                                           ([1, 2, 0], {'output_size': 2})]]),
    OpInfo('repeat_interleave_counts', lambda m, *, counts: m.repeat_interleave(counts),
           lambda d, r: [Sample((), {'counts': np.array([1, 2, 0, 3])}), Sample((), {'counts': np.zeros(0, np.int64)})],
           dtypes=('int64',), grad=False,
           errors=lambda r: [Sample((), {'counts': np.ones((2, 2), np.int64)})]),
    OpInfo('tril', lambda m, x, *a: m.tril(x, *a),
           lambda d, r: [Sample((_a((3, 4), d, r),)), Sample((_a((4, 3), d, r, True), -1)),
                         Sample((_a((2, 3, 3), d, r), 1)), Sample((_a((0, 3), d, r),)), Sample((_a((3, 4), d, r), 10))],
           dtypes=ALL, errors=_errors([((3,), {}), ((), {})])),
    OpInfo('triu', lambda m, x, *a: x.triu(*a),
           lambda d, r: [Sample((_a((3, 4), d, r),)), Sample((_a((4, 3), d, r, True), -1)),
                         Sample((_a((2, 3, 3), d, r), 1)), Sample((_a((3, 0), d, r),)), Sample((_a((3, 4), d, r), -9))],
           dtypes=ALL, errors=_errors([((3,), {})])),
    OpInfo('tril_', lambda m, x, *a: x.clone().tril_(*a), lambda d, r: [Sample((_a((3, 4), d, r, True), 1))],
           dtypes=ALL, inplace=True),
    OpInfo('triu_', lambda m, x: x.clone().triu_(), lambda d, r: [Sample((_a((2, 3, 3), d, r),))], dtypes=ALL,
           inplace=True),
    OpInfo('diag', lambda m, x, *a: m.diag(x, *a),
           lambda d, r: [Sample((_a((3,), d, r),)), Sample((_a((3,), d, r), 1)), Sample((_a((3,), d, r), -2)),
                         Sample((_a((3, 4), d, r),)), Sample((_a((4, 3), d, r, True), -1)), Sample((_a((0,), d, r),)),
                         Sample((_a((3, 4), d, r), 7))],
           dtypes=ALL, errors=_errors([((2, 2, 2), {}), ((), {})])),
    OpInfo('diag_embed', lambda m, x, *a: x.diag_embed(*a),
           lambda d, r: [Sample((_a((3,), d, r),)), Sample((_a((2, 3), d, r, True), 1)),
                         Sample((_a((2, 3), d, r), -1, 0, 2)), Sample((_a((2, 3), d, r), 0, -1, 0)),
                         Sample((_a((0,), d, r),))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((3,), 'float32', r), 0, 0, 0)), Sample((_a((), 'float32', r),)),
                             Sample((_a((3,), 'float32', r), 0, 0, 2))]),
    OpInfo('diagflat', lambda m, x, *a: m.diagflat(x, *a),
           _pairs([[(3,)], [(2, 2)], [()], [(0,)]]), dtypes=ALL),
    OpInfo('diagflat_offset', lambda m, x: x.diagflat(-1), _one([((2, 2), {}, True)])),
    OpInfo('broadcast_tensors', lambda m, *ts: m.broadcast_tensors(*ts),
           _pairs([[(3, 1), (4,)], [(2, 3), (2, 3)], [(), (2,), (3, 1)], [(0, 1), (3,)]]), dtypes=ALL,
           errors=lambda r: [Sample((_a((2,), 'float32', r), _a((3,), 'float32', r)))]),
    OpInfo('block_diag', lambda m, *ts: m.block_diag(*ts),
           _pairs([[(2, 2), (1, 3)], [(), (3,), (2, 1)], [(2, 3)], [(0, 2), (2, 0)]]), dtypes=ALL,
           errors=_errors([((2, 2, 2), {})])),
    OpInfo('block_diag_promote', lambda m, a, b: m.block_diag(a, b.float()), _pairs([[(2, 2), (1, 3)]]),
           dtypes=('float64',), gradcheck=False),
    OpInfo('cartesian_prod', lambda m, *ts: m.cartesian_prod(*ts),
           _pairs([[(2,), (3,)], [(2,), (1,), (2,)], [(3,)], [(0,), (2,)]]), dtypes=ALL,
           errors=lambda r: [Sample((_a((2, 2), 'float32', r), _a((2,), 'float32', r))),
                             Sample((_a((2,), 'float32', r), _a((2,), 'float64', r)))]),
    OpInfo('combinations', lambda m, x, *a: m.combinations(x, *a),
           lambda d, r: [Sample((_a((4,), d, r),)), Sample((_a((4,), d, r), 3)), Sample((_a((3,), d, r), 2, True)),
                         Sample((_a((3,), d, r), 1)), Sample((_a((3,), d, r), 0)), Sample((_a((3,), d, r), 4)),
                         Sample((_a((0,), d, r),))],
           dtypes=ALL,
           errors=lambda r: [Sample((_a((2, 2), 'float32', r),)), Sample((_a((3,), 'float32', r), -1))]),
]

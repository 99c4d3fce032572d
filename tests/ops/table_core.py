"""Op-table entries for the core arithmetic written with the engine (add, sub, mul, div, pow, exp, log, matmul)."""
from __future__ import annotations

from ops.harness import FLOATS, OpInfo, Sample, make_array

BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((0, 3), (3,)), ((5,), ())]


def binary_samples(dtype, rng, low=-3, high=3, positive_rhs=False):
    out = []
    for sa, sb in BINARY_SHAPES:
        b_low = 0.5 if positive_rhs else low
        out.append(Sample((make_array(sa, dtype, rng, low, high), make_array(sb, dtype, rng, b_low, high)),
                          desc=f'{sa}x{sb}'))
    out.append(Sample((make_array((4, 3), dtype, rng, low, high, noncontig=True),
                       make_array((4, 3), dtype, rng, 0.5 if positive_rhs else low, high)), desc='noncontig'))
    out.append(Sample((make_array((2, 3), dtype, rng, low, high), 2.5), desc='scalar'))
    return out


def unary_samples(dtype, rng, low=-3, high=3):
    return [Sample((make_array(s, dtype, rng, low, high),), desc=str(s)) for s in [(3, 4), (), (0,), (2, 3, 2)]] + \
        [Sample((make_array((4, 3), dtype, rng, low, high, noncontig=True),), desc='noncontig')]


OPS = [
    OpInfo('add', lambda m, a, b: m.add(a, b), binary_samples, dtypes=FLOATS + ('int64', 'int32', 'bool', 'bfloat16')),
    OpInfo('add_alpha', lambda m, a, b: m.add(a, b, alpha=2), binary_samples),
    OpInfo('sub', lambda m, a, b: a - b, binary_samples, dtypes=FLOATS + ('int64', 'uint8')),
    OpInfo('rsub_scalar', lambda m, a: 2 - a, unary_samples),
    OpInfo('mul', lambda m, a, b: a * b, binary_samples, dtypes=FLOATS + ('int64', 'bool', 'float16')),
    OpInfo('div', lambda m, a, b: a / b, lambda d, r: binary_samples(d, r, positive_rhs=True),
           dtypes=FLOATS + ('int64',)),
    OpInfo('rdiv_scalar', lambda m, a: 1 / a, lambda d, r: unary_samples(d, r, 0.5, 3)),
    OpInfo('pow_scalar', lambda m, a: a ** 2, unary_samples, dtypes=FLOATS + ('int64',)),
    OpInfo('pow_tensor', lambda m, a, b: m.pow(a, b), lambda d, r: binary_samples(d, r, 0.5, 2)),
    OpInfo('rpow', lambda m, a: 2 ** a, unary_samples),
    OpInfo('neg', lambda m, a: -a, unary_samples, dtypes=FLOATS + ('int64',)),
    OpInfo('exp', lambda m, a: m.exp(a), unary_samples, dtypes=FLOATS + ('int64',)),
    OpInfo('log', lambda m, a: a.log(), lambda d, r: unary_samples(d, r, 0.1, 5)),
    OpInfo('matmul', lambda m, a, b: a @ b,
           lambda d, r: [Sample((make_array(sa, d, r), make_array(sb, d, r)), desc=f'{sa}@{sb}')
                         for sa, sb in [((3, 4), (4, 5)), ((4,), (4,)), ((4,), (4, 2)), ((3, 4), (4,)),
                                        ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((0, 4), (4, 2))]],
           errors=lambda r: [Sample((make_array((2, 3), 'float32', r), make_array((4, 5), 'float32', r))),
                             Sample((make_array((), 'float32', r), make_array((4,), 'float32', r)))]),
]

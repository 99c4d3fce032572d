"""Op-table entries for the softmax family (softmax, log_softmax, softmin) and their dtype= argument."""
from __future__ import annotations

from ops.harness import FLOATS, OpInfo, Sample, make_array


def softmax_samples(dtype, rng):
    out = []
    for shape, dim in [((3, 4), 1), ((3, 4), 0), ((3, 4), -1), ((2, 3, 5), 1), ((2, 3, 5), -3), ((5,), 0),
                       ((), 0), ((), -1), ((0, 3), 1), ((3, 0), 1), ((2, 1, 3), 1)]:
        out.append(Sample((make_array(shape, dtype, rng, -4, 4), dim), desc=f'{shape} dim={dim}'))
    out.append(Sample((make_array((4, 3), dtype, rng, -4, 4, noncontig=True), 1), desc='noncontig dim=1'))
    out.append(Sample((make_array((4, 3), dtype, rng, -4, 4, noncontig=True), 0), desc='noncontig dim=0'))
    big = make_array((2, 5), dtype, rng, -4, 4)
    big[0, 0] = 80 if dtype != 'float16' else 30  # large logits: the max-shift keeps exp finite
    out.append(Sample((big, 1), desc='large logits'))
    return out


def softmax_errors(rng):
    return [Sample((make_array((3, 4), 'float32', rng), 2), desc='dim out of range'),
            Sample((make_array((), 'float32', rng), 1), desc='0-dim dim=1'),
            Sample((make_array((3, 4), 'int64', rng), 1), desc='int input')]


def cast_samples(dtype, rng):
    return [Sample((make_array((3, 4), dtype, rng), 1), desc='(3,4)'),
            Sample((make_array((2, 3, 2), dtype, rng), 0), desc='(2,3,2)')]


OPS = [
    OpInfo('softmax', lambda m, x, dim: m.softmax(x, dim), softmax_samples, dtypes=FLOATS + ('float16', 'bfloat16'),
           errors=softmax_errors),
    OpInfo('log_softmax', lambda m, x, dim: m.log_softmax(x, dim), softmax_samples,
           dtypes=FLOATS + ('float16', 'bfloat16'), errors=softmax_errors),
    OpInfo('Tensor.softmax', lambda m, x, dim: x.softmax(dim), softmax_samples),
    OpInfo('Tensor.log_softmax', lambda m, x, dim: x.log_softmax(dim), softmax_samples),
    OpInfo('F.softmin', lambda m, x, dim: m.nn.functional.softmin(x, dim), softmax_samples),
    OpInfo('F.softmax', lambda m, x, dim: m.nn.functional.softmax(x, dim=dim), softmax_samples),
    OpInfo('F.log_softmax', lambda m, x, dim: m.nn.functional.log_softmax(x, dim=dim), softmax_samples),
    OpInfo('softmax_dtype_f64', lambda m, x, dim: m.softmax(x, dim, dtype=m.float64), cast_samples,
           dtypes=('float32', 'int64', 'float64')),
    OpInfo('log_softmax_dtype_f64', lambda m, x, dim: m.log_softmax(x, dim, dtype=m.float64), cast_samples,
           dtypes=('float32', 'int64', 'float64')),
    OpInfo('F.softmin_dtype', lambda m, x, dim: m.nn.functional.softmin(x, dim, dtype=m.float64), cast_samples,
           dtypes=('float32', 'float64')),
    # float64 -> float32 inside: central differences in float32 mean nothing, gradients are still compared with torch
    OpInfo('log_softmax_dtype_f32', lambda m, x, dim: x.log_softmax(dim, dtype=m.float32), cast_samples,
           dtypes=('float64', 'float16'), gradcheck=False),
]

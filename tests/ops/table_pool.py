"""Op-table entries for pooling over the option grid (stride, padding, dilation, ceil_mode, count_include_pad)."""
from __future__ import annotations

from ops.harness import OpInfo, Sample, make_array


def _distinct(shape, dtype, rng):
    """Values without ties (so max's argmax and gradient are unique)."""
    import numpy as np
    n = int(np.prod(shape))
    values = rng.permutation(n).astype('float64') / n * 6 - 3
    return values.reshape(shape).astype(dtype)


def pool_samples(d, cases, distinct=False):
    def samples(dtype, rng):
        make = (lambda s: _distinct(s, dtype, rng)) if distinct else (lambda s: make_array(s, dtype, rng))
        return [Sample((make(shape),), kw, desc=f'{shape} {kw}') for shape, kw in cases]
    return samples


MAX2D = [((2, 3, 7, 6), dict(kernel_size=2)), ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
         ((1, 2, 8, 7), dict(kernel_size=(3, 2), stride=(2, 1), dilation=(2, 1))),
         ((1, 1, 7, 7), dict(kernel_size=2, stride=2, ceil_mode=True)),
         ((2, 5, 5), dict(kernel_size=3, stride=1, padding=1)),
         ((1, 2, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, dilation=1))]
AVG2D = [((2, 3, 7, 6), dict(kernel_size=2)), ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1)),
         ((1, 2, 7, 7), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
         ((1, 1, 7, 7), dict(kernel_size=2, stride=2, ceil_mode=True)),
         ((1, 1, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)),
         ((1, 1, 6, 6), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True)),
         ((1, 2, 5, 5), dict(kernel_size=2, divisor_override=3)), ((2, 5, 5), dict(kernel_size=3))]

OPS = [
    OpInfo('max_pool1d', lambda m, x, **kw: m.nn.functional.max_pool1d(x, **kw),
           pool_samples(1, [((2, 3, 9), dict(kernel_size=3)), ((1, 2, 10), dict(kernel_size=3, stride=2, padding=1,
                                                                                   dilation=2, ceil_mode=True)),
                            ((3, 8), dict(kernel_size=2))], distinct=True)),
    OpInfo('max_pool2d', lambda m, x, **kw: m.nn.functional.max_pool2d(x, **kw), pool_samples(2, MAX2D, True),
           errors=lambda r: [Sample((make_array((1, 1, 4, 4), 'float32', r),), dict(kernel_size=2, padding=2)),
                             Sample((make_array((1, 1, 1, 1), 'float32', r),), dict(kernel_size=3)),
                             Sample((make_array((1, 1, 4, 4), 'float32', r),), dict(kernel_size=2, stride=0))]),
    OpInfo('max_pool2d_indices', lambda m, x, **kw: m.nn.functional.max_pool2d(x, return_indices=True, **kw),
           pool_samples(2, MAX2D, True)),
    OpInfo('max_pool3d', lambda m, x, **kw: m.nn.functional.max_pool3d(x, **kw),
           pool_samples(3, [((1, 2, 4, 5, 4), dict(kernel_size=2)),
                            ((1, 1, 5, 5, 5), dict(kernel_size=3, stride=2, padding=1, ceil_mode=True))], True)),
    OpInfo('avg_pool1d', lambda m, x, **kw: m.nn.functional.avg_pool1d(x, **kw),
           pool_samples(1, [((2, 3, 9), dict(kernel_size=3)), ((1, 2, 10), dict(kernel_size=3, stride=2, padding=1,
                                                                                   ceil_mode=True)),
                            ((1, 2, 10), dict(kernel_size=4, stride=3, padding=2, count_include_pad=False))])),
    OpInfo('avg_pool2d', lambda m, x, **kw: m.nn.functional.avg_pool2d(x, **kw), pool_samples(2, AVG2D)),
    OpInfo('avg_pool3d', lambda m, x, **kw: m.nn.functional.avg_pool3d(x, **kw),
           pool_samples(3, [((1, 2, 4, 5, 4), dict(kernel_size=2)),
                            ((1, 1, 5, 5, 5), dict(kernel_size=3, stride=2, padding=1, count_include_pad=False))])),
    OpInfo('adaptive_avg_pool1d', lambda m, x, s: m.nn.functional.adaptive_avg_pool1d(x, s),
           lambda d, r: [Sample((make_array((2, 3, 10), d, r), 5)), Sample((make_array((2, 3, 10), d, r), 4)),
                         Sample((make_array((3, 7), d, r), 3))]),
    OpInfo('adaptive_avg_pool2d', lambda m, x, s: m.nn.functional.adaptive_avg_pool2d(x, s),
           lambda d, r: [Sample((make_array((2, 3, 8, 8), d, r), (4, 2))), Sample((make_array((1, 2, 7, 5), d, r),
                                                                                     (3, 2))),
                         Sample((make_array((1, 2, 6, 6), d, r), 1)), Sample((make_array((1, 2, 5, 6), d, r),
                                                                              (None, 4)))]),
    OpInfo('adaptive_max_pool2d', lambda m, x, s: m.nn.functional.adaptive_max_pool2d(x, s, return_indices=True),
           lambda d, r: [Sample((_distinct((2, 3, 8, 8), d, r), (4, 2))),
                         Sample((_distinct((1, 2, 7, 5), d, r), (3, 2)))]),
    OpInfo('lp_pool2d', lambda m, x: m.nn.functional.lp_pool2d(x, 2, 2),
           lambda d, r: [Sample((make_array((1, 2, 6, 6), d, r, 0.5, 2),))]),
]

"""Op-table entries for convolution and transposed convolution over the option grid."""
from __future__ import annotations

from ops.harness import OpInfo, Sample, make_array


def _f(lib):
    return lib.nn.functional if hasattr(lib.nn, 'functional') and hasattr(lib.nn.functional, 'conv2d') else lib


def conv_samples(d):
    # (input shape, weight shape, kwargs)
    base = {
        1: [((2, 4, 9), (6, 4, 3), {}), ((1, 4, 10), (4, 2, 3), dict(groups=2, stride=2, padding=1)),
            ((2, 3, 8), (3, 1, 2), dict(groups=3, dilation=2, padding='same')), ((3, 7), (2, 3, 3), {}),
            ((2, 2, 7), (4, 2, 4), dict(padding='same')), ((2, 2, 7), (2, 2, 3), dict(padding='valid'))],
        2: [((2, 3, 7, 6), (4, 3, 3, 3), {}), ((1, 4, 8, 8), (6, 2, 3, 2), dict(groups=2, stride=(2, 1),
                                                                                  padding=(1, 0))),
            ((2, 4, 7, 7), (4, 1, 3, 3), dict(groups=4, dilation=2, padding=2)),
            ((1, 2, 6, 5), (3, 2, 2, 2), dict(stride=3, padding='valid')),
            ((1, 2, 5, 6), (2, 2, 3, 4), dict(padding='same', dilation=(1, 2))), ((2, 5, 5), (3, 2, 3, 3), {})],
        3: [((1, 2, 5, 4, 5), (3, 2, 2, 3, 2), {}), ((1, 4, 5, 5, 5), (4, 2, 3, 3, 3), dict(groups=2, stride=2,
                                                                                         padding=1))],
    }[d]

    def samples(dtype, rng):
        out = []
        for i, (xs, ws, kw) in enumerate(base):
            bias = make_array((ws[0],), dtype, rng) if i % 2 == 0 else None
            out.append(Sample((make_array(xs, dtype, rng), make_array(ws, dtype, rng), bias), kw,
                              desc=f'{xs}*{ws} {kw}'))
        return out
    return samples


def transpose_samples(d):
    base = {
        1: [((2, 4, 5), (4, 3, 3), {}), ((1, 4, 6), (4, 2, 3), dict(groups=2, stride=2, padding=1,
                                                                       output_padding=1))],
        2: [((2, 3, 4, 5), (3, 2, 3, 3), {}), ((1, 4, 3, 3), (4, 3, 2, 3), dict(stride=2, padding=(0, 1),
                                                                                  output_padding=(1, 0))),
            ((1, 4, 4, 4), (4, 1, 3, 3), dict(groups=2, dilation=2, stride=2)), ((3, 4, 4), (3, 2, 2, 2), {})],
        3: [((1, 2, 3, 3, 3), (2, 2, 2, 2, 2), dict(stride=2))],
    }[d]

    def samples(dtype, rng):
        return [Sample((make_array(xs, dtype, rng), make_array(ws, dtype, rng), make_array((ws[1] * kw.get(
            'groups', 1),), dtype, rng)), kw, desc=f'{xs}*{ws} {kw}') for xs, ws, kw in base]
    return samples


def conv_errors(rng):
    return [
        Sample((make_array((1, 3, 5, 5), 'float32', rng), make_array((2, 4, 3, 3), 'float32', rng))),
        Sample((make_array((1, 3, 2, 2), 'float32', rng), make_array((2, 3, 3, 3), 'float32', rng))),
        Sample((make_array((3, 5), 'float32', rng), make_array((2, 3, 3, 3), 'float32', rng))),
        Sample((make_array((1, 3, 5, 5), 'float32', rng), make_array((2, 3, 3, 3), 'float64', rng))),
        Sample((make_array((1, 3, 5, 5), 'float32', rng), make_array((2, 3, 3, 3), 'float32', rng)),
               dict(stride=2, padding='same')),
    ]


OPS = [
    OpInfo('conv1d', lambda m, x, w, b, **kw: _f(m).conv1d(x, w, b, **kw), conv_samples(1), atol=1e-4),
    OpInfo('conv2d', lambda m, x, w, b, **kw: _f(m).conv2d(x, w, b, **kw), conv_samples(2), atol=1e-4,
           errors=lambda r: conv_errors(r)),
    OpInfo('conv3d', lambda m, x, w, b, **kw: _f(m).conv3d(x, w, b, **kw), conv_samples(3), atol=1e-4),
    OpInfo('conv_transpose1d', lambda m, x, w, b, **kw: _f(m).conv_transpose1d(x, w, b, **kw),
           transpose_samples(1), atol=1e-4),
    OpInfo('conv_transpose2d', lambda m, x, w, b, **kw: _f(m).conv_transpose2d(x, w, b, **kw),
           transpose_samples(2), atol=1e-4),
    OpInfo('conv_transpose3d', lambda m, x, w, b, **kw: _f(m).conv_transpose3d(x, w, b, **kw),
           transpose_samples(3), atol=1e-4),
]

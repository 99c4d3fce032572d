"""Op-table entries for batch/instance/group normalization (training and eval, affine or not)."""
from __future__ import annotations

from ops.harness import OpInfo, Sample, make_array


def _bn_samples(dtype, rng):
    out = []
    for shape in [(4, 3), (3, 2, 5), (2, 3, 4, 4), (2, 2, 3, 2, 3)]:
        c = shape[1]
        w, b = make_array((c,), dtype, rng), make_array((c,), dtype, rng)
        out.append(Sample((make_array(shape, dtype, rng), w, b), desc=f'{shape}'))
    out.append(Sample((make_array((4, 3, 5), dtype, rng, noncontig=True), None, None), desc='noncontig'))
    return out


def _bn_train(m, x, w, b):
    import numpy as np
    c = x.shape[1]
    rm, rv = m.zeros(c, dtype=x.dtype), m.ones(c, dtype=x.dtype)
    out = m.nn.functional.batch_norm(x, rm, rv, w, b, training=True, momentum=0.3, eps=1e-3)
    del np
    return out, rm, rv


def _bn_eval(m, x, w, b):
    c = x.shape[1]
    rm = m.tensor([(-1.0) ** i * 0.3 * i for i in range(c)], dtype=x.dtype)
    rv = m.tensor([0.5 + 0.4 * i for i in range(c)], dtype=x.dtype)
    return m.nn.functional.batch_norm(x, rm, rv, w, b, training=False)


def _gn_samples(dtype, rng):
    return [Sample((make_array((2, 6, 5), dtype, rng), make_array((6,), dtype, rng), make_array((6,), dtype, rng)),
                   dict(num_groups=3)),
            Sample((make_array((3, 4, 2, 3), dtype, rng), None, None), dict(num_groups=2)),
            Sample((make_array((2, 4, 3), dtype, rng), make_array((4,), dtype, rng), None), dict(num_groups=4))]


def _in_samples(dtype, rng):
    return [Sample((make_array((2, 3, 5), dtype, rng), make_array((3,), dtype, rng), make_array((3,), dtype, rng))),
            Sample((make_array((2, 3, 4, 3), dtype, rng), None, None))]


OPS = [
    OpInfo('batch_norm_train', _bn_train, _bn_samples, atol=1e-5,
           errors=lambda r: [Sample((make_array((1, 3), 'float32', r), None, None))]),
    OpInfo('batch_norm_eval', _bn_eval, _bn_samples),
    OpInfo('group_norm', lambda m, x, w, b, num_groups: m.nn.functional.group_norm(x, num_groups, w, b),
           _gn_samples, errors=lambda r: [Sample((make_array((2, 3, 4), 'float32', r), None, None),
                                                 dict(num_groups=2))]),
    OpInfo('instance_norm', lambda m, x, w, b: m.nn.functional.instance_norm(x, weight=w, bias=b), _in_samples),
]

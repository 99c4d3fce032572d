"""Op-table entries for the activation primitives (ember/_ops/activation.py) and the gather/scatter/pad primitives
behind embedding and padding (ember/_ops/gather_scatter.py)."""
from __future__ import annotations

import numpy as np

from ops.harness import FLOATS, OpInfo, Sample, make_array


def unary(dtype, rng, low=-4, high=4):
    out = [Sample((make_array(s, dtype, rng, low, high),), desc=str(s)) for s in [(3, 4), (), (0,), (2, 3, 2)]]
    out.append(Sample((make_array((4, 3), dtype, rng, low, high, noncontig=True),), desc='noncontig'))
    return out


def _kink_free(samples, kinks):
    """Nudge values off the kinks (finite differences straddling a kink disagree with any subgradient)."""
    for s in samples:
        a = s.args[0]
        for k in kinks:
            close = np.abs(a - k) < 1e-2
            a[close] = a[close] + 0.05
    return samples


def smooth(kinks=()):
    return lambda d, r: _kink_free(unary(d, r), kinks)


def int_error(rng):
    return [Sample((rng.integers(-3, 3, (4,)),))]


F = 'nn.functional'


def fn(name, **kwargs):
    return lambda m, x: getattr(m.nn.functional, name)(x, **kwargs)


HALF = FLOATS + ('float16', 'bfloat16')

OPS = [
    OpInfo('act_gelu', fn('gelu'), smooth(), dtypes=HALF, errors=int_error),
    OpInfo('act_gelu_tanh', fn('gelu', approximate='tanh'), smooth(), dtypes=HALF),
    OpInfo('act_silu', fn('silu'), smooth(), dtypes=HALF, errors=int_error),
    OpInfo('act_elu', fn('elu', alpha=0.7), smooth((0,)), errors=int_error),
    OpInfo('act_selu', fn('selu'), smooth((0,))),
    OpInfo('act_celu', fn('celu', alpha=2.0), smooth((0,))),
    OpInfo('act_leaky_relu', fn('leaky_relu', negative_slope=0.2), smooth((0,)), errors=int_error),
    OpInfo('act_hardtanh', fn('hardtanh', min_val=-1.5, max_val=2.0), smooth((-1.5, 2.0))),
    OpInfo('act_relu6', fn('relu6'), smooth((0, 6)), dtypes=FLOATS + ('int64',)),
    OpInfo('act_softplus', fn('softplus', beta=1.5, threshold=3.0), smooth((2.0,)), errors=int_error),
    OpInfo('act_hardsigmoid', fn('hardsigmoid'), smooth((-3, 3))),
    OpInfo('act_hardswish', fn('hardswish'), smooth((-3, 3))),
    OpInfo('act_mish', fn('mish'), smooth(), dtypes=HALF),
    OpInfo('act_logsigmoid', fn('logsigmoid'), smooth(), dtypes=HALF),
    OpInfo('act_softshrink', fn('softshrink', lambd=0.7), smooth((-0.7, 0.7))),
    OpInfo('act_hardshrink', fn('hardshrink', lambd=0.7), smooth((-0.7, 0.7))),
    OpInfo('act_threshold', fn('threshold', threshold=0.3, value=-2.0), smooth((0.3,)), dtypes=FLOATS + ('int64',)),
    OpInfo('act_softsign', fn('softsign'), smooth((0,))),
    OpInfo('act_tanhshrink', fn('tanhshrink'), smooth()),
    OpInfo('act_glu', lambda m, x: m.nn.functional.glu(x, 0),
           lambda d, r: [Sample((make_array(s, d, r),), desc=str(s)) for s in [(4, 3), (2,), (6, 2, 2)]]),
    OpInfo('act_prelu', lambda m, x, w: m.nn.functional.prelu(x, w),
           lambda d, r: _kink_free([Sample((make_array((2, 3, 4), d, r), make_array((3,), d, r))),
                                    Sample((make_array((5,), d, r), make_array((1,), d, r)))], (0,))),
    OpInfo('nn_embedding', lambda m, w, i: m.nn.functional.embedding(m.as_tensor(i), w),
           lambda d, r: [Sample((make_array((6, 3), d, r), [[0, 1, 5], [1, 2, 2]]))]),
    # padding_idx's row deliberately gets no gradient (not the true derivative), so no finite-difference check
    OpInfo('nn_embedding_padding', lambda m, w, i: m.nn.functional.embedding(m.as_tensor(i), w, padding_idx=1,
                                                                            scale_grad_by_freq=True),
           lambda d, r: [Sample((make_array((6, 3), d, r), [[0, 1, 5], [1, 2, 2]]))], gradcheck=False),
    OpInfo('nn_pad_reflect', lambda m, x: m.nn.functional.pad(x, (2, 1, 1, 1), mode='reflect'),
           lambda d, r: [Sample((make_array((2, 3, 4), d, r),))]),
    OpInfo('nn_pad_constant', lambda m, x: m.nn.functional.pad(x, (1, -1, 0, 2), value=0.5),
           lambda d, r: [Sample((make_array((2, 3, 4), d, r),)), Sample((make_array((3, 2), d, r),))]),
]

"""Error and warning parity of the losses and the softmax family with torch: exception type and message, warning
category and text, legacy size_average/reduce mapping."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import torch
from ops.harness import assert_close

RNG = np.random.default_rng(0)
X34 = RNG.uniform(-2, 2, (3, 4))
P34 = RNG.uniform(0.05, 0.95, (3, 4))
X234 = RNG.uniform(-2, 2, (2, 3, 4))
X2345 = RNG.uniform(-2, 2, (2, 3, 4, 5))


def T(lib, array, dtype=None, grad=False):
    t = lib.tensor(array) if dtype is None else lib.tensor(array, dtype=getattr(lib, dtype))
    return t.requires_grad_() if grad else t


def F(lib):
    return lib.nn.functional


def L(values):
    return lambda lib: T(lib, np.array(values, dtype=np.int64))


# (id, call(lib), compare message exactly)
ERRORS = [
    ('reduction', lambda m: F(m).mse_loss(T(m, X34), T(m, X34), reduction='avg'), True),
    ('reduction_nll', lambda m: F(m).nll_loss(T(m, X34), L([0, 1, 2])(m), reduction='foo'), True),
    ('reduction_poisson', lambda m: F(m).poisson_nll_loss(T(m, X34), T(m, X34), reduction='foo'), True),
    ('reduction_gaussian', lambda m: F(m).gaussian_nll_loss(T(m, X34), T(m, X34), T(m, P34), reduction='foo'), True),
    ('reduction_kl', lambda m: F(m).kl_div(T(m, X34), T(m, X34), reduction='foo'), True),
    ('reduction_triplet_distance', lambda m: F(m).triplet_margin_with_distance_loss(
        T(m, X34), T(m, X34), T(m, X34), reduction='foo'), True),
    ('reduction_mse_weight', lambda m: F(m).mse_loss(T(m, X34), T(m, X34), weight=T(m, P34), reduction='x'), True),
    ('mse_broadcast_fail', lambda m: F(m).mse_loss(T(m, X34[:, :3]), T(m, X34)), True),
    ('mse_weight_shape', lambda m: F(m).mse_loss(T(m, X34), T(m, X34), weight=T(m, P34[0])), True),
    ('ce_target_oob', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 5])(m)), True),
    ('ce_target_negative', lambda m: F(m).cross_entropy(T(m, X34), L([0, -1, 2])(m)), True),
    ('ce_target_oob_smoothing', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 4])(m), label_smoothing=0.1), True),
    ('nll_target_oob', lambda m: F(m).nll_loss(T(m, X34), L([9, 1, 2])(m)), True),
    ('ce_batch', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1])(m)), True),
    ('ce_target_dtype', lambda m: F(m).cross_entropy(T(m, X34), T(m, np.array([0, 1, 2]), 'int32')), True),
    ('nll_target_dtype', lambda m: F(m).nll_loss(T(m, X34), T(m, np.array([0, 1, 2]), 'int32')), True),
    ('ce_weight_size', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 2])(m), weight=T(m, np.ones(3))), True),
    ('ce_weight_dtype', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 2])(m),
                                                     weight=T(m, np.ones(4), 'float32')), True),
    ('ce_probs_weight_size', lambda m: F(m).cross_entropy(T(m, X34), T(m, P34), weight=T(m, np.ones(3))), True),
    ('ce_probs_ignore_index', lambda m: F(m).cross_entropy(T(m, X34), T(m, P34), ignore_index=1), True),
    ('ce_probs_int_target', lambda m: F(m).cross_entropy(T(m, X34), T(m, np.ones((3, 4), dtype=np.int64))), True),
    ('ce_smoothing_range', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 2])(m), label_smoothing=1.5), True),
    ('ce_int_input', lambda m: F(m).cross_entropy(L([[1, 2], [3, 4]])(m), L([0, 1])(m)), True),
    ('nll_2d_target', lambda m: F(m).nll_loss(T(m, X34), L([[0, 1, 2]] * 3)(m)), True),
    ('nll_0dim', lambda m: F(m).nll_loss(T(m, np.array(1.0)), L(0)(m)), True),
    ('nll_1d_target_size', lambda m: F(m).nll_loss(T(m, X34[0]), L([1, 2])(m)), True),
    ('nll_3d_target', lambda m: F(m).nll_loss(T(m, RNG.random((2, 4, 3))), L([[0, 1], [1, 2]])(m)), True),
    ('nll_4d_target_dims', lambda m: F(m).nll_loss(T(m, RNG.random((2, 4, 3, 5))), L(np.zeros((2, 3)))(m)), True),
    ('nll_4d_target_size', lambda m: F(m).nll_loss(T(m, RNG.random((2, 4, 3, 5))), L(np.zeros((2, 3, 4)))(m)), True),
    ('nll_5d_target_size', lambda m: F(m).nll_loss(T(m, RNG.random((2, 4, 3, 5, 2))),
                                                   L(np.zeros((2, 3, 5, 3)))(m)), True),
    ('nll_weight_grad', lambda m: F(m).nll_loss(T(m, X34), L([0, 1, 2])(m), weight=T(m, np.ones(4), grad=True)), True),
    ('bce_size', lambda m: F(m).binary_cross_entropy(T(m, P34), T(m, P34[:, :1])), True),
    ('bce_range', lambda m: F(m).binary_cross_entropy(T(m, P34 * 3), T(m, P34)), True),
    ('bce_dtype', lambda m: F(m).binary_cross_entropy(T(m, P34), T(m, P34, 'float32')), True),
    ('bce_weight_broadcast', lambda m: F(m).binary_cross_entropy(T(m, P34), T(m, P34), weight=T(m, np.ones(3))), True),
    ('bce_weight_grad', lambda m: F(m).binary_cross_entropy(T(m, P34), T(m, P34), weight=T(m, np.ones(4), grad=True)),
     True),
    ('bce_logits_size', lambda m: F(m).binary_cross_entropy_with_logits(T(m, X34), T(m, P34[0])), True),
    ('bce_logits_int_target', lambda m: F(m).binary_cross_entropy_with_logits(
        T(m, X34, 'float32'), T(m, np.ones((3, 4), dtype=np.int64))), True),
    ('bce_logits_pos_weight_shape', lambda m: F(m).binary_cross_entropy_with_logits(
        T(m, X34), T(m, P34), pos_weight=T(m, np.ones(3))), True),
    ('bce_logits_pos_weight_grad', lambda m: F(m).binary_cross_entropy_with_logits(
        T(m, X34), T(m, P34), pos_weight=T(m, np.ones(4), grad=True)), True),
    ('huber_delta', lambda m: F(m).huber_loss(T(m, X34), T(m, X34), delta=0), True),
    ('smooth_l1_beta', lambda m: F(m).smooth_l1_loss(T(m, X34), T(m, X34), beta=-1), True),
    ('gaussian_var_negative', lambda m: F(m).gaussian_nll_loss(T(m, X34), T(m, X34), T(m, -P34)), True),
    ('gaussian_var_negative_float', lambda m: F(m).gaussian_nll_loss(T(m, X34), T(m, X34), -1.0), True),
    ('gaussian_var_size', lambda m: F(m).gaussian_nll_loss(T(m, X34), T(m, X34), T(m, P34[:, :2])), True),
    ('gaussian_var_size2', lambda m: F(m).gaussian_nll_loss(T(m, X34), T(m, X34), T(m, P34[0])), True),
    ('margin_ranking_dims', lambda m: F(m).margin_ranking_loss(T(m, X34[0]), T(m, X34[0]), T(m, X34[:, :1])), True),
    ('triplet_margin', lambda m: F(m).triplet_margin_loss(T(m, X34), T(m, X34), T(m, X34), margin=0), True),
    ('triplet_dims', lambda m: F(m).triplet_margin_loss(T(m, X34), T(m, X34), T(m, X34[0])), True),
    ('triplet_distance_margin', lambda m: F(m).triplet_margin_with_distance_loss(
        T(m, X34), T(m, X34), T(m, X34), margin=-1), True),
    ('triplet_distance_dims', lambda m: F(m).triplet_margin_with_distance_loss(
        T(m, X34), T(m, X34[0]), T(m, X34)), True),
    ('multi_margin_p', lambda m: F(m).multi_margin_loss(T(m, X34), L([0, 1, 2])(m), p=3), True),
    ('multi_margin_oob', lambda m: F(m).multi_margin_loss(T(m, X34), L([0, 1, 4])(m)), True),
    ('multi_margin_target_size', lambda m: F(m).multi_margin_loss(T(m, X34), L([0, 1])(m)), True),
    ('multi_margin_target_2d', lambda m: F(m).multi_margin_loss(T(m, X34), L([[0, 1, 2]])(m)), True),
    ('multi_margin_weight_size', lambda m: F(m).multi_margin_loss(T(m, X34), L([0, 1, 2])(m),
                                                                  weight=T(m, np.ones(3))), True),
    ('multi_margin_weight_dim', lambda m: F(m).multi_margin_loss(T(m, X34), L([0, 1, 2])(m),
                                                                 weight=T(m, np.ones((2, 2)))), True),
    ('multi_margin_empty', lambda m: F(m).multi_margin_loss(T(m, np.zeros((2, 0))), L([0, 1])(m)), True),
    ('multilabel_margin_size', lambda m: F(m).multilabel_margin_loss(T(m, X34), L([0, 1, 2])(m)), True),
    ('multilabel_margin_oob', lambda m: F(m).multilabel_margin_loss(T(m, X34), L([[0, 1, 4, -1]] * 3)(m)), True),
    ('multilabel_margin_below', lambda m: F(m).multilabel_margin_loss(T(m, X34), L([[0, -2, 1, -1]] * 3)(m)), True),
    ('cosine_target_2d', lambda m: F(m).cosine_embedding_loss(T(m, X34), T(m, X34), T(m, X34[:, :1])), True),
    ('cosine_dims_1d_target', lambda m: F(m).cosine_embedding_loss(T(m, X34[0]), T(m, X34[0]), T(m, X34[0, :1])),
     True),
    ('cosine_dims_0d_target', lambda m: F(m).cosine_embedding_loss(T(m, X34), T(m, X34), T(m, np.array(1.0))), True),
    ('soft_margin_target_grad', lambda m: F(m).soft_margin_loss(T(m, X34), T(m, X34, grad=True)), True),
    ('softmax_int', lambda m: m.softmax(L([1, 2])(m), 0), True),
    ('log_softmax_int', lambda m: m.log_softmax(L([1, 2])(m), 0), True),
    ('softmax_dim', lambda m: m.softmax(T(m, X34), 2), True),
    ('softmax_no_dim', lambda m: m.softmax(T(m, X34)), False),
]


def _builtin(exc_type):
    for base in exc_type.__mro__:
        if base.__module__ == 'builtins':
            return base
    return exc_type


@pytest.mark.filterwarnings('ignore::UserWarning')
@pytest.mark.parametrize('name,call,exact', ERRORS, ids=[e[0] for e in ERRORS])
def test_error_parity(name, call, exact):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(Exception) as got:
        call(ember)
    assert isinstance(got.value, _builtin(expected.type)), \
        f'{name}: ember raised {got.type.__name__}({got.value}), torch {expected.type.__name__}({expected.value})'
    assert not type(got.value).__module__.startswith('numpy')
    if exact:
        assert str(got.value) == str(expected.value)


# ------------------------------------------------------------------------------------------------ warnings

WARNINGS = [
    ('mse_size', lambda m: F(m).mse_loss(T(m, X34[0, :3]), T(m, X34[:3, :1]))),
    ('l1_size', lambda m: F(m).l1_loss(T(m, X34), T(m, X34[0]))),
    ('smooth_l1_size', lambda m: F(m).smooth_l1_loss(T(m, X34), T(m, X34[:, :1]))),
    ('huber_size', lambda m: F(m).huber_loss(T(m, X34), T(m, X34[0]))),
    ('kl_mean', lambda m: F(m).kl_div(T(m, X34), T(m, P34))),
    ('legacy_size_average', lambda m: F(m).mse_loss(T(m, X34), T(m, X34), size_average=False)),
    ('legacy_reduce', lambda m: F(m).cross_entropy(T(m, X34), L([0, 1, 2])(m), reduce=False)),
    ('legacy_both', lambda m: F(m).nll_loss(T(m, X34), L([0, 1, 2])(m), size_average=True, reduce=True)),
    ('legacy_kl', lambda m: F(m).kl_div(T(m, X34), T(m, P34), size_average=False)),
    ('softmax_implicit', lambda m: F(m).softmax(T(m, X34))),
    ('softmin_implicit', lambda m: F(m).softmin(T(m, X234))),
    ('log_softmax_implicit', lambda m: F(m).log_softmax(T(m, X2345))),
    ('softmax_implicit_0d', lambda m: F(m).softmax(T(m, np.array(2.0)))),
    ('module_legacy', lambda m: m.nn.CrossEntropyLoss(size_average=False)(T(m, X34), L([0, 1, 2])(m))),
]


def _record(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        result = call()
    return result, [(w.category, str(w.message)) for w in caught if w.category is not DeprecationWarning]


@pytest.mark.parametrize('name,call', WARNINGS, ids=[w[0] for w in WARNINGS])
def test_warning_parity(name, call):
    expected, t_warn = _record(lambda: call(torch))
    got, e_warn = _record(lambda: call(ember))
    assert t_warn, 'torch warns here'
    assert e_warn == t_warn
    assert_close(got, expected, 1e-6, 1e-6)


def test_legacy_reduction_mapping():
    x, t = X34, np.array([0, 1, 2])
    for size_average in (None, True, False):
        for reduce in (None, True, False):
            with warnings.catch_warnings():
                warnings.simplefilter('ignore')
                expected = torch.nn.functional.cross_entropy(torch.tensor(x), torch.tensor(t),
                                                             size_average=size_average, reduce=reduce)
                got = ember.nn.functional.cross_entropy(ember.tensor(x), ember.tensor(t),
                                                        size_average=size_average, reduce=reduce)
                assert_close(got, expected, 1e-12, 1e-12)
                module_t = torch.nn.MSELoss(size_average=size_average, reduce=reduce)
                module_e = ember.nn.MSELoss(size_average=size_average, reduce=reduce)
                assert module_e.reduction == module_t.reduction

"""The loss modules against torch.nn: class hierarchy, constructor signatures, buffers and state_dict keys, reprs,
attributes, and forward values/gradients through the module."""
from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest

import ember
import torch
from ops.harness import assert_close

NAMES = ['L1Loss', 'MSELoss', 'CrossEntropyLoss', 'CTCLoss', 'NLLLoss', 'NLLLoss2d', 'PoissonNLLLoss',
         'GaussianNLLLoss', 'KLDivLoss', 'BCELoss', 'BCEWithLogitsLoss', 'MarginRankingLoss', 'HingeEmbeddingLoss',
         'MultiLabelMarginLoss', 'HuberLoss', 'SmoothL1Loss', 'SoftMarginLoss', 'MultiLabelSoftMarginLoss',
         'CosineEmbeddingLoss', 'MultiMarginLoss', 'TripletMarginLoss', 'TripletMarginWithDistanceLoss']
WEIGHTED = {'CrossEntropyLoss', 'NLLLoss', 'NLLLoss2d', 'BCELoss', 'MultiLabelSoftMarginLoss', 'MultiMarginLoss'}


@pytest.mark.parametrize('name', NAMES)
def test_signature_and_hierarchy(name):
    ours, theirs = getattr(ember.nn, name), getattr(torch.nn, name)
    sig_o, sig_t = inspect.signature(ours.__init__), inspect.signature(theirs.__init__)
    assert [(p.name, p.kind, p.default) for p in sig_o.parameters.values()] == \
        [(p.name, p.kind, p.default) for p in sig_t.parameters.values()]
    assert issubclass(ours, ember.nn.Module)
    assert [c.__name__ for c in ours.__mro__] == [c.__name__ for c in theirs.__mro__]
    assert ('_WeightedLoss' in [c.__name__ for c in ours.__mro__]) == (name in WEIGHTED)


@pytest.mark.parametrize('name', NAMES)
def test_default_repr_and_attributes(name):
    ours, theirs = getattr(ember.nn, name)(), getattr(torch.nn, name)()
    if name != 'TripletMarginWithDistanceLoss':  # torch's default distance is a PairwiseDistance submodule
        assert repr(ours) == repr(theirs)
    public = {k: v for k, v in vars(theirs).items() if not k.startswith('_') and k not in ('training',
                                                                                          'distance_function')}
    for key, value in public.items():
        assert getattr(ours, key) == value, key
    assert list(ours.state_dict().keys()) == list(theirs.state_dict().keys())


def test_weight_buffers_and_state_dict():
    w = np.array([1.0, 2.0, 0.5])
    for name in sorted(WEIGHTED):
        ours = getattr(ember.nn, name)(weight=ember.tensor(w))
        theirs = getattr(torch.nn, name)(weight=torch.tensor(w))
        assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()] == ['weight']
        assert list(ours.state_dict().keys()) == ['weight']
        np.testing.assert_array_equal(ours.state_dict()['weight'].numpy(), w)
        assert repr(ours) == repr(theirs)
    ours = ember.nn.BCEWithLogitsLoss(weight=ember.tensor(w), pos_weight=ember.tensor(w))
    theirs = torch.nn.BCEWithLogitsLoss(weight=torch.tensor(w), pos_weight=torch.tensor(w))
    assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()]
    assert ember.nn.BCEWithLogitsLoss().pos_weight is None and ember.nn.CrossEntropyLoss().weight is None


def test_weight_moves_with_module_dtype():
    module = ember.nn.CrossEntropyLoss(weight=ember.tensor([1.0, 2.0, 3.0]))
    module.double()
    assert module.weight.dtype == ember.float64


def test_constructor_errors():
    for call in (lambda nn: nn.MultiMarginLoss(p=3), lambda nn: nn.TripletMarginLoss(margin=0),
                 lambda nn: nn.TripletMarginWithDistanceLoss(margin=-1), lambda nn: nn.HuberLoss(delta='1'),
                 lambda nn: nn.MultiMarginLoss(weight=nn.Parameter(ember.ones(2, 2)) if nn is ember.nn else
                                               nn.Parameter(torch.ones(2, 2)))):
        with pytest.raises(Exception) as expected:
            call(torch.nn)
        with pytest.raises(Exception) as got:
            call(ember.nn)
        assert type(got.value) is type(expected.value)
        assert str(got.value) == str(expected.value)


RNG = np.random.default_rng(0)
X = RNG.uniform(-2, 2, (4, 3))
Y = RNG.uniform(-2, 2, (4, 3))
P = RNG.uniform(0.05, 0.95, (4, 3))
S = RNG.choice([-1.0, 1.0], (4,))
IDX = np.array([0, 2, 1, 2])
W = np.array([0.5, 2.0, 1.0])

# (name, kwargs builder(lib), inputs builder(lib) -> list; index 0 requires grad)
FORWARD = [
    ('L1Loss', lambda m: {'reduction': 'sum'}, lambda m: [m.tensor(X), m.tensor(Y)]),
    ('MSELoss', lambda m: {}, lambda m: [m.tensor(X), m.tensor(Y)]),
    ('CrossEntropyLoss', lambda m: {'weight': m.tensor(W), 'ignore_index': 1, 'label_smoothing': 0.1},
     lambda m: [m.tensor(X), m.tensor(IDX)]),
    ('NLLLoss', lambda m: {'weight': m.tensor(W), 'reduction': 'none'}, lambda m: [m.tensor(X), m.tensor(IDX)]),
    ('PoissonNLLLoss', lambda m: {'log_input': False, 'full': True}, lambda m: [m.tensor(P * 3), m.tensor(P * 4)]),
    ('GaussianNLLLoss', lambda m: {'full': True, 'eps': 1e-3}, lambda m: [m.tensor(X), m.tensor(Y), m.tensor(P)]),
    ('KLDivLoss', lambda m: {'reduction': 'batchmean', 'log_target': True}, lambda m: [m.tensor(X), m.tensor(Y)]),
    ('BCELoss', lambda m: {'weight': m.tensor(W)}, lambda m: [m.tensor(P), m.tensor(P[::-1].copy())]),
    ('BCEWithLogitsLoss', lambda m: {'pos_weight': m.tensor(W)}, lambda m: [m.tensor(X), m.tensor(P)]),
    ('MarginRankingLoss', lambda m: {'margin': 0.5}, lambda m: [m.tensor(X[:, 0]), m.tensor(Y[:, 0]), m.tensor(S)]),
    ('HingeEmbeddingLoss', lambda m: {'margin': 2.0}, lambda m: [m.tensor(X[:, 0]), m.tensor(S)]),
    ('MultiLabelMarginLoss', lambda m: {}, lambda m: [m.tensor(X), m.tensor(np.array([[0, -1, 1]] * 4))]),
    ('HuberLoss', lambda m: {'delta': 0.5}, lambda m: [m.tensor(X), m.tensor(Y)]),
    ('SmoothL1Loss', lambda m: {'beta': 0.5}, lambda m: [m.tensor(X), m.tensor(Y)]),
    ('SoftMarginLoss', lambda m: {}, lambda m: [m.tensor(X[:, 0]), m.tensor(S)]),
    ('MultiLabelSoftMarginLoss', lambda m: {'weight': m.tensor(W)}, lambda m: [m.tensor(X), m.tensor(P)]),
    ('CosineEmbeddingLoss', lambda m: {'margin': 0.1}, lambda m: [m.tensor(X), m.tensor(Y), m.tensor(S)]),
    ('MultiMarginLoss', lambda m: {'p': 2, 'weight': m.tensor(W)}, lambda m: [m.tensor(X), m.tensor(IDX)]),
    ('TripletMarginLoss', lambda m: {'swap': True}, lambda m: [m.tensor(X), m.tensor(Y), m.tensor(P)]),
    ('TripletMarginWithDistanceLoss', lambda m: {'margin': 2.0}, lambda m: [m.tensor(X), m.tensor(Y), m.tensor(P)]),
]


@pytest.mark.parametrize('name,kwargs,inputs', FORWARD, ids=[f[0] for f in FORWARD])
def test_module_forward_backward(name, kwargs, inputs):
    results = []
    for lib in (torch, ember):
        args = inputs(lib)
        args[0].requires_grad_(True)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            out = getattr(lib.nn, name)(**kwargs(lib))(*args)
        grad, = lib.autograd.grad(out.sum(), args[0])
        results.append((out, grad))
    assert_close(results[1][0], results[0][0], 1e-10, 1e-8, what='forward')
    assert_close(results[1][1], results[0][1], 1e-10, 1e-8, what='grad')


def test_module_training_step_decreases_loss():
    rng = np.random.default_rng(0)
    x = ember.tensor(rng.standard_normal((16, 3)))
    target = ember.tensor(rng.integers(0, 3, 16))
    logits = ember.zeros(16, 3, dtype=ember.float64, requires_grad=True)
    criterion = ember.nn.CrossEntropyLoss()
    first = criterion(logits + x, target)
    first.backward()
    with ember.no_grad():
        logits -= 1.0 * logits.grad
    assert criterion(logits + x, target).item() < first.item()

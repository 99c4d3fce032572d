"""ctc_loss against torch: padded and concatenated targets, per-sample lengths, reductions, zero_infinity, unbatched
input, gradients (PyTorch's convention, compared directly) and gradcheck through log_softmax."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch
from ops.harness import assert_close


def _inputs(rng, T=10, N=4, C=5, S=4, in_lens=None, tg_lens=None, concat=False, blank=0):
    logits = rng.standard_normal((T, N, C))
    labels = [c for c in range(C) if c != blank]
    tg_lens = tg_lens if tg_lens is not None else list(rng.integers(1, S + 1, N))
    in_lens = in_lens if in_lens is not None else list(rng.integers(max(tg_lens) * 2, T + 1, N))
    padded = rng.choice(labels, (N, S))
    if concat:
        targets = np.concatenate([padded[b, :tg_lens[b]] for b in range(N)])
    else:
        targets = padded
    return logits, targets.astype(np.int64), in_lens, tg_lens


CASES = [
    ('padded', {}, {}),
    ('concatenated', {'concat': True}, {}),
    ('blank_last', {'blank': 4}, {'blank': 4}),
    ('repeats', {'C': 3, 'S': 5, 'T': 14}, {}),
    ('empty_target', {'tg_lens': [0, 2, 0, 1]}, {}),
    ('short_inputs', {'tg_lens': [3, 2, 1, 2], 'in_lens': [3, 10, 1, 4]}, {}),
    ('infeasible_zero_infinity', {'tg_lens': [4, 2, 3, 1], 'in_lens': [3, 10, 2, 5]}, {'zero_infinity': True}),
]


def _run(lib, logits, targets, in_lens, tg_lens, lengths_as, reduction, options, requires_grad=True):
    x = lib.tensor(logits, requires_grad=requires_grad)
    lp = lib.nn.functional.log_softmax(x, 2)
    if lengths_as == 'tensor':
        il, tl = lib.tensor(in_lens), lib.tensor(tg_lens)
    else:
        il, tl = tuple(int(v) for v in in_lens), tuple(int(v) for v in tg_lens)
    return x, lp, lib.nn.functional.ctc_loss(lp, lib.tensor(targets), il, tl, reduction=reduction, **options)


@pytest.mark.parametrize('reduction', ['none', 'mean', 'sum'])
@pytest.mark.parametrize('name,make,options', CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize('lengths_as', ['tensor', 'tuple'])
def test_ctc_matches_torch(name, make, options, reduction, lengths_as):
    logits, targets, in_lens, tg_lens = _inputs(np.random.default_rng(len(name)), **make)
    tx, tlp, tout = _run(torch, logits, targets, in_lens, tg_lens, lengths_as, reduction, options)
    ex, elp, eout = _run(ember, logits, targets, in_lens, tg_lens, lengths_as, reduction, options)
    assert_close(eout, tout, 1e-9, 1e-9, what='loss')
    cot = np.random.default_rng(7).standard_normal(tuple(tout.shape))
    # gradient w.r.t. log_probs directly (PyTorch's exp(lp) - posterior convention) and through log_softmax
    tg = torch.autograd.grad(tout, [tlp, tx], torch.tensor(cot))
    eg = ember.autograd.grad(eout, [elp, ex], ember.tensor(cot))
    assert_close(eg[0], tg[0], 1e-9, 1e-7, what='grad log_probs')
    assert_close(eg[1], tg[1], 1e-9, 1e-7, what='grad logits')


def test_ctc_impossible_alignment_gives_inf_and_nan_grad():
    logits, targets, _, _ = _inputs(np.random.default_rng(0))
    in_lens, tg_lens = [2, 10, 10, 10], [4, 1, 1, 1]
    t = torch.nn.functional.ctc_loss(torch.tensor(logits).log_softmax(2).requires_grad_(), torch.tensor(targets),
                                     in_lens, tg_lens, reduction='none')
    lp = ember.tensor(logits).log_softmax(2).requires_grad_()
    e = ember.nn.functional.ctc_loss(lp, ember.tensor(targets), in_lens, tg_lens, reduction='none')
    assert_close(e, t, 1e-9, 1e-9)
    assert np.isinf(e.detach().numpy()[0])
    g, = ember.autograd.grad(e.sum(), lp)
    assert np.isnan(g.numpy()[:2, 0]).all() and not np.isnan(g.numpy()[2:, 0]).any()


def test_ctc_unbatched():
    rng = np.random.default_rng(3)
    logits = rng.standard_normal((8, 5))
    target = np.array([1, 3, 3])
    for reduction in ('none', 'mean', 'sum'):
        results = []
        for lib in (torch, ember):
            x = lib.tensor(logits, requires_grad=True)
            out = lib.nn.functional.ctc_loss(x.log_softmax(1), lib.tensor(target), lib.tensor(8), lib.tensor(3),
                                             reduction=reduction)
            results.append((out, lib.autograd.grad(out, x)[0]))
        assert_close(results[1][0], results[0][0], 1e-9, 1e-9)
        assert_close(results[1][1], results[0][1], 1e-9, 1e-7)


def test_ctc_float32():
    logits, targets, in_lens, tg_lens = _inputs(np.random.default_rng(1))
    logits = logits.astype(np.float32)
    tx, _, tout = _run(torch, logits, targets, in_lens, tg_lens, 'tensor', 'mean', {})
    ex, _, eout = _run(ember, logits, targets, in_lens, tg_lens, 'tensor', 'mean', {})
    assert_close(eout, tout, 1e-5, 1e-5)
    assert_close(ember.autograd.grad(eout, ex)[0], torch.autograd.grad(tout, tx)[0], 1e-5, 1e-4)


def test_ctc_gradcheck():
    logits, targets, in_lens, tg_lens = _inputs(np.random.default_rng(2), T=5, N=2, C=3, S=2, tg_lens=[2, 1],
                                                in_lens=[5, 4])

    def fn(x):
        return ember.nn.functional.ctc_loss(x.log_softmax(2), ember.tensor(targets), in_lens, tg_lens)
    assert ember.autograd.gradcheck(fn, (ember.tensor(logits, requires_grad=True),), eps=1e-6, atol=1e-5, rtol=1e-3)


def test_ctc_module():
    logits, targets, in_lens, tg_lens = _inputs(np.random.default_rng(4))
    t = torch.nn.CTCLoss(blank=0, reduction='sum', zero_infinity=True)(
        torch.tensor(logits).log_softmax(2), torch.tensor(targets), torch.tensor(in_lens), torch.tensor(tg_lens))
    e = ember.nn.CTCLoss(blank=0, reduction='sum', zero_infinity=True)(
        ember.tensor(logits).log_softmax(2), ember.tensor(targets), ember.tensor(in_lens), ember.tensor(tg_lens))
    assert_close(e, t, 1e-9, 1e-9)


ERRORS = [
    ('blank out of range', lambda T, N, C: {'blank': C}),
    ('input length too long', lambda T, N, C: {'input_lengths': [T + 1] + [T] * (N - 1)}),
    ('negative input length', lambda T, N, C: {'input_lengths': [-1] + [T] * (N - 1)}),
    ('wrong number of input lengths', lambda T, N, C: {'input_lengths': [T] * (N - 1)}),
    ('wrong number of target lengths', lambda T, N, C: {'target_lengths': [1] * (N + 1)}),
    ('target length beyond padding', lambda T, N, C: {'target_lengths': [9] + [1] * (N - 1)}),
    ('concatenated length mismatch', lambda T, N, C: {'targets': np.ones(3, dtype=np.int64)}),
    ('bad reduction', lambda T, N, C: {'reduction': 'avg'}),
]


@pytest.mark.parametrize('name,change', ERRORS, ids=[e[0] for e in ERRORS])
def test_ctc_errors(name, change):
    T, N, C = 6, 3, 4
    logits = np.random.default_rng(0).standard_normal((T, N, C))
    args = {'targets': np.ones((N, 2), dtype=np.int64), 'input_lengths': [T] * N, 'target_lengths': [2] * N,
            'blank': 0, 'reduction': 'mean'}
    args.update(change(T, N, C))
    outcome = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            lib.nn.functional.ctc_loss(lib.tensor(logits).log_softmax(2), lib.tensor(args['targets']),
                                       args['input_lengths'], args['target_lengths'], blank=args['blank'],
                                       reduction=args['reduction'])
        outcome.append(info)
    expected, got = outcome
    assert isinstance(got.value, type(expected.value).__mro__[[c.__module__ for c in
                                                                type(expected.value).__mro__].index('builtins')])
    assert str(got.value) == str(expected.value)

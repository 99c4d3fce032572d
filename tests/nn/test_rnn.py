"""RNN / LSTM / GRU and cells against PyTorch with identical weights: outputs, final states and every gradient."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch
from ember.nn.utils import rnn as ernn

CONFIGS = [
    ('RNN', dict()),
    ('RNN', dict(nonlinearity='relu', num_layers=2)),
    ('RNN', dict(bidirectional=True, bias=False)),
    ('LSTM', dict()),
    ('LSTM', dict(num_layers=2, bidirectional=True)),
    ('LSTM', dict(proj_size=3, num_layers=2)),
    ('LSTM', dict(batch_first=True, proj_size=2, bidirectional=True)),
    ('LSTM', dict(batch_first=True, bidirectional=True, num_layers=2)),
    ('LSTM', dict(bias=False, batch_first=True)),
    ('GRU', dict()),
    ('GRU', dict(num_layers=3, bidirectional=True, batch_first=True)),
    ('GRU', dict(bias=False)),
]


def _pair(name, kwargs, input_size=4, hidden=5):
    tmod = getattr(torch.nn, name)(input_size, hidden, dtype=torch.float64, **kwargs)
    emod = getattr(ember.nn, name)(input_size, hidden, dtype=ember.float64, **kwargs)
    tnames = [n for n, _ in tmod.named_parameters()]
    assert [n for n, _ in emod.named_parameters()] == tnames
    for (n, tp), (_, ep) in zip(tmod.named_parameters(), emod.named_parameters()):
        assert tuple(ep.shape) == tuple(tp.shape), n
        ep.data = ember.tensor(tp.detach().numpy())
    return tmod, emod


def _compare(ours, theirs, what):
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), atol=1e-10, rtol=1e-8, err_msg=what)


def _flatten(out):
    if isinstance(out, (tuple, list)):
        return [x for o in out for x in _flatten(o)]
    if hasattr(out, 'data') and hasattr(out, 'batch_sizes'):
        return [out.data]
    return [out]


@pytest.mark.parametrize('name,kwargs', CONFIGS, ids=[f'{n}-{i}' for i, (n, _) in enumerate(CONFIGS)])
@pytest.mark.parametrize('with_state', [False, True])
def test_sequence_layer_matches_torch(name, kwargs, with_state):
    tmod, emod = _pair(name, kwargs)
    rng = np.random.default_rng(0)
    shape = (3, 6, 4) if kwargs.get('batch_first') else (6, 3, 4)
    x = rng.standard_normal(shape)
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    targs, eargs = [tx], [ex]
    if with_state:
        d = 2 if kwargs.get('bidirectional') else 1
        layers = kwargs.get('num_layers', 1) * d
        h_size = kwargs.get('proj_size') or 5
        h = rng.standard_normal((layers, 3, h_size))
        th, eh = torch.tensor(h, requires_grad=True), ember.tensor(h, requires_grad=True)
        if name == 'LSTM':
            c = rng.standard_normal((layers, 3, 5))
            tc, ec = torch.tensor(c, requires_grad=True), ember.tensor(c, requires_grad=True)
            targs.append((th, tc))
            eargs.append((eh, ec))
        else:
            targs.append(th)
            eargs.append(eh)
    tout, eout = _flatten(tmod(*targs)), _flatten(emod(*eargs))
    for i, (o, t) in enumerate(zip(eout, tout)):
        _compare(o, t, f'output {i}')
    cots = [rng.standard_normal(tuple(t.shape)) for t in tout]
    tinputs = [tx] + [p for _, p in tmod.named_parameters()] + [a for a in _flatten(targs[1:])]
    einputs = [ex] + [p for _, p in emod.named_parameters()] + [a for a in _flatten(eargs[1:])]
    tg = torch.autograd.grad(tout, tinputs, [torch.tensor(c) for c in cots])
    eg = ember.autograd.grad(eout, einputs, [ember.tensor(c) for c in cots])
    for i, (o, t) in enumerate(zip(eg, tg)):
        _compare(o, t, f'grad {i}')


@pytest.mark.parametrize('name,kwargs', [('LSTM', dict(bidirectional=True, num_layers=2)), ('GRU', dict()),
                                         ('RNN', dict(bidirectional=True))])
def test_packed_sequences_match_torch(name, kwargs):
    tmod, emod = _pair(name, kwargs)
    rng = np.random.default_rng(1)
    lengths = [3, 6, 1, 4]
    x = rng.standard_normal((6, 4, 4))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tp = torch.nn.utils.rnn.pack_padded_sequence(tx, lengths, enforce_sorted=False)
    ep = ernn.pack_padded_sequence(ex, lengths, enforce_sorted=False)
    np.testing.assert_array_equal(ep.batch_sizes.numpy(), tp.batch_sizes.numpy())
    tout, tstate = tmod(tp)
    eout, estate = emod(ep)
    tpad, tlen = torch.nn.utils.rnn.pad_packed_sequence(tout)
    epad, elen = ernn.pad_packed_sequence(eout)
    assert elen.tolist() == tlen.tolist()
    _compare(epad, tpad, 'padded output')
    touts, eouts = [tpad] + _flatten(tstate), [epad] + _flatten(estate)
    for o, t in zip(eouts, touts):
        _compare(o, t, 'state')
    cots = [rng.standard_normal(tuple(t.shape)) for t in touts]
    tg = torch.autograd.grad(touts, [tx] + list(tmod.parameters()), [torch.tensor(c) for c in cots])
    eg = ember.autograd.grad(eouts, [ex] + list(emod.parameters()), [ember.tensor(c) for c in cots])
    for o, t in zip(eg, tg):
        _compare(o, t, 'grad')


def test_unbatched_input():
    tmod, emod = _pair('LSTM', dict(num_layers=2))
    x = np.random.default_rng(2).standard_normal((5, 4))
    tout, (th, tc) = tmod(torch.tensor(x))
    eout, (eh, ec) = emod(ember.tensor(x))
    for o, t in ((eout, tout), (eh, th), (ec, tc)):
        assert tuple(o.shape) == tuple(t.shape)
        _compare(o, t, 'unbatched')


@pytest.mark.parametrize('name', ['RNNCell', 'LSTMCell', 'GRUCell'])
@pytest.mark.parametrize('batched', [True, False])
def test_cells_match_torch(name, batched):
    tcell = getattr(torch.nn, name)(4, 3, dtype=torch.float64)
    ecell = getattr(ember.nn, name)(4, 3, dtype=ember.float64)
    for (n, tp), (_, ep) in zip(tcell.named_parameters(), ecell.named_parameters()):
        ep.data = ember.tensor(tp.detach().numpy())
    x = np.random.default_rng(3).standard_normal((2, 4) if batched else (4,))
    tx, ex = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    tout, eout = _flatten(tcell(tx)), _flatten(ecell(ex))
    for o, t in zip(eout, tout):
        _compare(o, t, 'cell output')
    tg = torch.autograd.grad(sum(t.sum() for t in tout), [tx] + list(tcell.parameters()))
    eg = ember.autograd.grad(sum(o.sum() for o in eout), [ex] + list(ecell.parameters()))
    for o, t in zip(eg, tg):
        _compare(o, t, 'cell grad')


@pytest.mark.parametrize('used', ['output', 'h_n', 'c_n', 'states'])
@pytest.mark.parametrize('kwargs', [dict(bias=False), dict(num_layers=2, bidirectional=True)])
def test_lstm_layer_gradients_from_each_output(used, kwargs):
    """The fused layer's backward when only some outputs get a gradient (the others arrive as None), without
    biases, and a second backward over the retained graph (saved activations are read, not overwritten)."""
    tmod, emod = _pair('LSTM', kwargs)
    x = np.random.default_rng(5).standard_normal((7, 3, 4))
    grads = []
    for lib, mod in ((torch, tmod), (ember, emod)):
        xt = lib.tensor(x, requires_grad=True)
        out, (h, c) = mod(xt)
        picked = {'output': [out], 'h_n': [h], 'c_n': [c], 'states': [h, c]}[used]
        loss = sum((t * lib.linspace(-1, 1, t.numel(), dtype=lib.float64).reshape(t.shape)).sum() for t in picked)
        inputs = [xt] + list(mod.parameters())
        first = lib.autograd.grad(loss, inputs, retain_graph=True)
        second = lib.autograd.grad(loss, inputs)
        grads.append((first, second))
    (tf, ts), (ef, es) = grads
    for i, (o, t) in enumerate(zip(ef + es, tf + ts)):
        _compare(o, t, f'grad {i}')


def test_lstm_float32_layer_matches_torch():
    torch.manual_seed(0)
    tmod = torch.nn.LSTM(8, 16, 2)
    emod = ember.nn.LSTM(8, 16, 2)
    emod.load_state_dict({k: ember.tensor(v.detach().numpy()) for k, v in tmod.state_dict().items()})
    x = np.random.default_rng(6).standard_normal((10, 4, 8)).astype(np.float32)
    xt, xe = torch.tensor(x, requires_grad=True), ember.tensor(x, requires_grad=True)
    (to, (th, tc)), (eo, (eh, ec)) = tmod(xt), emod(xe)
    for o, t in ((eo, to), (eh, th), (ec, tc)):
        np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), atol=1e-6, rtol=1e-5)
    assert eo.grad_fn.name() == to.grad_fn.name() == 'MkldnnRnnLayerBackward0'
    tg = torch.autograd.grad((to.sum(), th.sum()), [xt] + list(tmod.parameters()))
    eg = ember.autograd.grad((eo.sum(), eh.sum()), [xe] + list(emod.parameters()))
    for o, t in zip(eg, tg):
        np.testing.assert_allclose(o.numpy(), t.numpy(), atol=1e-5, rtol=1e-5)


def test_lstm_double_backward_matches_torch():
    tmod, emod = _pair('LSTM', dict())
    x = np.random.default_rng(4).standard_normal((3, 2, 4))
    results = []
    for lib, mod in ((torch, tmod), (ember, emod)):
        xt = lib.tensor(x, requires_grad=True)
        out, _ = mod(xt)
        g, = lib.autograd.grad(out.pow(2).sum(), xt, create_graph=True)
        penalty = g.pow(2).sum()
        results.append([a.detach().numpy() for a in lib.autograd.grad(penalty, list(mod.parameters()))])
    for o, t in zip(*results[::-1]):
        np.testing.assert_allclose(o, t, atol=1e-9, rtol=1e-7)


def test_state_dict_moves_from_torch(tmp_path):
    tmod = torch.nn.LSTM(4, 5, num_layers=2, bidirectional=True)
    torch.save(tmod.state_dict(), tmp_path / 'lstm.pt')
    emod = ember.nn.LSTM(4, 5, num_layers=2, bidirectional=True)
    emod.load_state_dict(ember.load(tmp_path / 'lstm.pt'))
    x = np.random.default_rng(5).standard_normal((3, 2, 4)).astype(np.float32)
    np.testing.assert_allclose(emod(ember.tensor(x))[0].detach().numpy(), tmod(torch.tensor(x))[0].detach().numpy(),
                               atol=1e-5)


def test_errors_match_torch():
    for lib in (torch, ember):
        with pytest.raises(ValueError, match='proj_size has to be smaller than hidden_size'):
            lib.nn.LSTM(3, 4, proj_size=4)
        with pytest.raises(ValueError, match='proj_size argument is only supported for LSTM'):
            lib.nn.GRU(3, 4, proj_size=2)
        mod = lib.nn.GRU(3, 4)
        with pytest.raises(RuntimeError, match='input.size\\(-1\\) must be equal to input_size'):
            mod(lib.zeros(2, 1, 5))
        with pytest.raises(RuntimeError, match='Expected hidden size'):
            mod(lib.zeros(2, 1, 3), lib.zeros(2, 1, 4))
        with pytest.warns(UserWarning, match='dropout option adds dropout after all but last recurrent layer'):
            lib.nn.RNN(3, 4, dropout=0.5)


def test_pad_and_pack_helpers_match_torch():
    seqs = [np.arange(n * 2, dtype=np.float32).reshape(n, 2) for n in (3, 1, 4)]
    tpad = torch.nn.utils.rnn.pad_sequence([torch.tensor(s) for s in seqs], batch_first=True, padding_value=-1)
    epad = ernn.pad_sequence([ember.tensor(s) for s in seqs], batch_first=True, padding_value=-1)
    np.testing.assert_array_equal(epad.numpy(), tpad.numpy())
    tpacked = torch.nn.utils.rnn.pack_sequence([torch.tensor(s) for s in seqs], enforce_sorted=False)
    epacked = ernn.pack_sequence([ember.tensor(s) for s in seqs], enforce_sorted=False)
    np.testing.assert_array_equal(epacked.data.numpy(), tpacked.data.numpy())
    np.testing.assert_array_equal(epacked.sorted_indices.numpy(), tpacked.sorted_indices.numpy())
    back = ernn.unpack_sequence(epacked)
    for b, s in zip(back, seqs):
        np.testing.assert_array_equal(b.numpy(), s)
    with pytest.raises(RuntimeError, match='must be sorted in decreasing order'):
        ernn.pack_padded_sequence(ember.zeros(4, 2, 1), [2, 3])

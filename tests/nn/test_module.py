"""nn.Module behaviour vs torch: registration, traversal order, state_dict format and errors, hooks, repr."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
from nn_testing import assert_close, copy_state

import ember
import torch


def build(lib, tie=False):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)
            self.block = nn.Sequential(nn.Linear(3, 3), nn.ReLU(), nn.LayerNorm(3))
            self.scale = nn.Parameter(lib.ones(3))
            self.register_buffer('running', lib.zeros(3))
            self.register_buffer('scratch', lib.ones(2), persistent=False)
            self.head = nn.Linear(3, 3)
            if tie:
                self.head.weight = self.block[0].weight
            self.act = lambda x: self.block(x) * 2  # a plain attribute capturing a submodule

        def forward(self, x, *, shift=0.0):
            return self.head(self.act(self.fc(x)) * self.scale + self.running) + shift

    return Net()


def test_registration_order_and_names():
    e, t = build(ember), build(torch)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert [n for n, _ in e.named_parameters(prefix='m', recurse=False)] == \
        [n for n, _ in t.named_parameters(prefix='m', recurse=False)]
    assert list(e.state_dict()) == list(t.state_dict())
    assert dict(e.state_dict()._metadata) == dict(t.state_dict()._metadata)
    assert len(list(e.parameters())) == len(list(t.parameters()))
    assert sorted(dir(e)) == sorted(k for k in dir(t) if k in dir(e) or not k.startswith('_')) or \
        {'fc', 'block', 'scale', 'running', 'head', 'forward'} <= set(dir(e))


def test_weight_tying():
    e, t = build(ember, tie=True), build(torch, tie=True)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert list(e.state_dict()) == list(t.state_dict())
    assert e.head.weight is e.block[0].weight
    assert [n for n, _ in e.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in t.named_parameters(remove_duplicate=False)]


def test_forward_backward_with_kwargs_matches_torch():
    e, t = build(ember, tie=True), build(torch, tie=True)
    copy_state(t, e)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    oe, ot = e(ember.tensor(x), shift=1.5), t(torch.tensor(x), shift=1.5)
    assert_close(oe, ot)
    oe.sum().backward()
    ot.sum().backward()
    tp = dict(t.named_parameters())
    for name, p in e.named_parameters():
        assert_close(p.grad, tp[name].grad, 1e-5, 1e-5, name)


def test_state_dict_contents_and_keep_vars():
    e = build(ember)
    sd = e.state_dict()
    assert type(sd).__name__ == 'OrderedDict'
    assert 'scratch' not in sd and 'running' in sd
    assert not sd['fc.weight'].requires_grad and type(sd['fc.weight']) is ember.Tensor
    sd_vars = e.state_dict(keep_vars=True)
    assert sd_vars['fc.weight'] is e.fc.weight
    pre = e.state_dict(prefix='model.')
    assert list(pre)[:3] == ['model.scale', 'model.running', 'model.fc.weight']


def _load_error(lib, state, **kwargs):
    net = build(lib)
    with pytest.raises(RuntimeError) as info:
        net.load_state_dict(state, **kwargs)
    return str(info.value)


def test_load_state_dict_errors_match_torch():
    t = build(torch)
    full = t.state_dict()
    variants = []
    missing = dict(full)
    del missing['fc.bias']
    missing['extra.weight'] = torch.zeros(1)
    missing['fc.unknown'] = torch.zeros(1)
    variants.append(missing)
    wrong = dict(full)
    wrong['fc.weight'] = torch.zeros(2, 2)
    wrong['block.2.bias'] = torch.zeros(4)
    variants.append(wrong)
    for state in variants:
        e_state = {k: ember.tensor(v.numpy()) for k, v in state.items()}
        assert _load_error(ember, e_state) == _load_error(torch, state)


def test_load_state_dict_non_strict_and_assign():
    t = build(torch)
    state = dict(t.state_dict())
    del state['fc.bias']
    state['junk'] = torch.zeros(1)
    e = build(ember)
    result_e = e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in state.items()}, strict=False)
    result_t = build(torch).load_state_dict(state, strict=False)
    assert result_e.missing_keys == result_t.missing_keys
    assert result_e.unexpected_keys == result_t.unexpected_keys
    assert repr(e.load_state_dict({k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()})) == \
        repr(build(torch).load_state_dict(t.state_dict())) == '<All keys matched successfully>'
    assert_close(e.fc.weight, t.fc.weight)
    new_weight = ember.ones(3, 4)
    e.load_state_dict({**{k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()}, 'fc.weight': new_weight},
                      assign=True)
    assert type(e.fc.weight) is ember.nn.Parameter and e.fc.weight.requires_grad
    e.fc.weight.data.fill_(3.0) if hasattr(e.fc.weight.data, 'fill_') else None
    with pytest.raises(TypeError):
        e.load_state_dict([1, 2])


def test_load_state_dict_copies_in_place():
    e = build(ember)
    w = e.fc.weight
    e.load_state_dict({k: v.clone() * 0 + 1 for k, v in e.state_dict().items()})
    assert e.fc.weight is w and (w.detach().numpy() == 1).all()


def test_setattr_errors_match_torch():
    def errors(lib):
        out = []
        net = build(lib)
        for name, value in [('fc', 3), ('scale', lib.zeros(3)), ('running', 'x')]:
            with pytest.raises(TypeError) as info:
                setattr(net, name, value)
            out.append(str(info.value))
        for call in (lambda: net.register_buffer('fc', lib.zeros(1)), lambda: net.register_parameter('a.b', None),
                     lambda: net.register_buffer('', None), lambda: net.add_module('x.y', lib.nn.ReLU()),
                     lambda: net.register_parameter('p', lib.zeros(1)), lambda: net.add_module('m', 3),
                     lambda: net.register_parameter('q', lib.nn.Parameter(lib.ones(1)) * 2)):
            with pytest.raises((KeyError, TypeError)) as info:
                call()
            out.append((type(info.value), str(info.value)))

        class Early(lib.nn.Module):
            def __init__(self):
                self.p = lib.nn.Parameter(lib.ones(1))

        with pytest.raises(AttributeError) as info:
            Early()
        out.append(str(info.value))
        with pytest.raises(AttributeError) as info:
            net.nothing
        out.append(str(info.value))
        return out
    assert errors(ember) == errors(torch)


def test_setattr_routing():
    e = build(ember)
    e.fc = None
    assert 'fc' in e._modules and e.fc is None
    e.running = None
    assert e.running is None and 'running' in e._buffers
    e.extra = ember.nn.Buffer(ember.ones(2), persistent=False)
    assert 'extra' in e._buffers and 'extra' not in e.state_dict()
    e.newp = ember.nn.Parameter(ember.ones(1))
    assert 'newp' in e._parameters
    e.plain = ember.ones(1)
    assert 'plain' in e.__dict__
    del e.newp, e.extra, e.plain
    assert 'newp' not in e._parameters and 'extra' not in e._buffers and not hasattr(e, 'plain')
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'block'"):
        e.block = 5


def test_setattr_module_over_plain_attribute():
    for lib in (ember, torch):
        m = lib.nn.Module()
        m.x = 3
        m.x = lib.nn.ReLU()
        assert 'x' in m._modules and 'x' not in m.__dict__


def test_get_submodule_parameter_buffer():
    results = []
    for lib in (ember, torch):
        net = build(lib)
        out = [type(net.get_submodule('block.0')).__name__, tuple(net.get_parameter('block.0.weight').shape),
               tuple(net.get_buffer('running').shape)]
        for call in (lambda: net.get_submodule('block.7'), lambda: net.get_submodule('fc.weight'),
                     lambda: net.get_parameter('running'), lambda: net.get_buffer('scale'),
                     lambda: net.get_parameter('fc.nope')):
            with pytest.raises(AttributeError) as info:
                call()
            out.append(str(info.value))
        results.append(out)
    assert results[0] == results[1]


def test_train_eval_requires_grad_zero_grad():
    e = build(ember)
    assert e.training and e.block[1].training
    assert e.eval() is e and not e.block[1].training
    e.train()
    assert e.block[1].training
    with pytest.raises(ValueError, match='training mode is expected to be boolean'):
        e.train('yes')
    e(ember.ones(2, 4)).sum().backward()
    assert e.fc.weight.grad is not None
    e.zero_grad(set_to_none=False)
    assert (e.fc.weight.grad.numpy() == 0).all()
    e.zero_grad()
    assert e.fc.weight.grad is None
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())


def test_apply_and_dtype_conversion():
    e = build(ember)
    seen = []
    e.apply(lambda m: seen.append(type(m).__name__))
    t_seen = []
    build(torch).apply(lambda m: t_seen.append(type(m).__name__))
    assert seen == t_seen
    w = e.fc.weight
    e(ember.ones(1, 4)).sum().backward()
    assert e.double() is e
    assert e.fc.weight is w and w.dtype == ember.float64 and w.grad.dtype == ember.float64
    assert e.running.dtype == ember.float64
    e.half()
    assert w.dtype == ember.float16
    e.to(ember.float32)
    assert w.dtype == ember.float32
    e.bfloat16().float()
    e.to(ember.ones(1, dtype=ember.float64))
    assert w.dtype == ember.float64
    e.to('cpu').cpu()
    e.type(ember.float32)
    assert w.dtype == ember.float32
    msgs = []
    for lib in (ember, torch):
        with pytest.raises(TypeError) as info:
            build(lib).to(lib.int64)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]
    idx = ember.nn.Module()
    idx.register_buffer('i', ember.tensor([1, 2]))
    idx.double()
    assert idx.i.dtype == ember.int64


def test_repr_matches_torch():
    e, t = build(ember), build(torch)
    assert repr(e) == repr(t)
    nn_e, nn_t = ember.nn, torch.nn
    for ctor in [lambda nn: nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU(), nn.ReLU()]),
                 lambda nn: nn.ModuleList(), lambda nn: nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2)),
                 lambda nn: nn.ModuleDict({'a': nn.ReLU(), 'b': nn.Sequential(nn.Tanh())}),
                 lambda nn: nn.Sequential(nn.ModuleList([nn.Sequential(nn.ReLU(), nn.Dropout(0.1))] * 2))]:
        assert repr(ctor(nn_e)) == repr(ctor(nn_t))


def test_parameter_basics():
    p = ember.nn.Parameter(ember.tensor(3.0))
    assert repr(p) == repr(torch.nn.Parameter(torch.tensor(3.0)))
    assert repr(ember.nn.Parameter(ember.ones(2), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.ones(2), requires_grad=False))
    assert p.requires_grad and p.is_leaf and isinstance(p, ember.Tensor)
    with ember.no_grad():
        assert ember.nn.Parameter(ember.ones(1)).requires_grad
    q = copy.deepcopy(p)
    assert type(q) is ember.nn.Parameter and q.requires_grad and q is not p and q.item() == 3.0
    r = pickle.loads(pickle.dumps(p))
    assert type(r) is ember.nn.Parameter and r.item() == 3.0
    base = ember.zeros(2)
    shared = ember.nn.Parameter(base)
    with ember.no_grad():
        shared.add_(1)
    assert base.tolist() == [1.0, 1.0]
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match='Only Tensors of floating point and complex dtype can require'):
            lib.nn.Parameter(lib.tensor([1, 2]))
    assert not ember.nn.Parameter(ember.tensor([1, 2]), requires_grad=False).requires_grad
    assert tuple(ember.nn.Parameter().shape) == (0,)
    b = ember.nn.Buffer(ember.ones(2))
    assert isinstance(b, ember.nn.Buffer) and not isinstance(ember.ones(2), ember.nn.Buffer)


def test_deepcopy_module_keeps_tying():
    e = build(ember, tie=True)
    c = copy.deepcopy(e)
    assert c.head.weight is c.block[0].weight and c.head.weight is not e.head.weight
    assert type(c.fc.weight) is ember.nn.Parameter
    assert_close(c.fc.weight, e.fc.weight)


# ------------------------------------------------------------------------------------------------ hooks

def _hooked(lib):
    nn = lib.nn
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    return net


def test_forward_hooks_match_torch():
    logs = []
    for lib in (ember, torch):
        log = []
        net = _hooked(lib)
        lin = net[0]
        h1 = lin.register_forward_pre_hook(lambda m, args: log.append(('pre', tuple(args[0].shape))))
        lin.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
        lin.register_forward_pre_hook(lambda m, args, kwargs: log.append(('pre_kw', len(kwargs))) or None,
                                      with_kwargs=True, prepend=True)
        lin.register_forward_hook(lambda m, args, out: out + 1)
        lin.register_forward_hook(lambda m, args, kwargs, out: log.append(('post_kw', tuple(out.shape))),
                                  with_kwargs=True)
        x = lib.ones(2, 3)
        net(x)
        h1.remove()
        net(x)
        logs.append(log)
    assert logs[0] == logs[1]


def test_forward_hook_replaces_output_and_always_call():
    for lib in (ember, torch):
        m = lib.nn.ReLU()
        called = []
        m.register_forward_hook(lambda mod, args, out: called.append('always'), always_call=True)

        def boom(mod, args):
            raise ValueError('boom')
        m.register_forward_pre_hook(boom)
        with pytest.raises(ValueError):
            m(lib.ones(1))
        assert called == ['always']


def _backward_hook_run(lib, pre_scale=None):
    net = _hooked(lib)
    torch.manual_seed(0)
    record = []

    def hook(module, grad_input, grad_output):
        record.append(('hook', type(module).__name__, [None if g is None else np.round(g.detach().numpy(), 5)
                                                       for g in grad_input],
                       [np.round(g.detach().numpy(), 5) for g in grad_output]))

    def pre_hook(module, grad_output):
        record.append(('pre', [np.round(g.detach().numpy(), 5) for g in grad_output]))
        if pre_scale is not None:
            return tuple(g * pre_scale for g in grad_output)
        return None

    net[1].register_full_backward_hook(hook)
    net[1].register_full_backward_pre_hook(pre_hook)
    net[2].register_full_backward_hook(lambda m, gi, go: (gi[0] * 0.5,))
    return net, record


@pytest.mark.parametrize('pre_scale', [None, 3.0])
def test_full_backward_hooks_match_torch(pre_scale):
    results = []
    for lib in (ember, torch):
        net, record = _backward_hook_run(lib, pre_scale)
        results.append((net, record))
    e_net, e_rec = results[0]
    t_net, t_rec = results[1]
    copy_state(t_net, e_net)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    xe, xt = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    e_net(xe).sum().backward()
    t_net(xt).sum().backward()
    assert len(e_rec) == len(t_rec) == 2
    for re_, rt in zip(e_rec, t_rec):
        assert re_[0] == rt[0]
        for a, b in zip(re_[1:], rt[1:]):
            if isinstance(a, list):
                for u, v in zip(a, b):
                    np.testing.assert_allclose(u, v, atol=1e-4)
    assert_close(xe.grad, xt.grad)
    assert_close(e_net[0].weight.grad, t_net[0].weight.grad)


def test_backward_hook_mixing_errors():
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 2)
        m.register_backward_hook(lambda *a: None)
        with pytest.raises(RuntimeError, match='Cannot use both regular backward hooks and full backward hooks'):
            m.register_full_backward_hook(lambda *a: None)


def test_legacy_backward_hook_is_called():
    for lib in (ember, torch):
        m = lib.nn.Linear(2, 2)
        seen = []
        m.register_backward_hook(lambda mod, gi, go: seen.append(len(go)))
        m(lib.ones(1, 2, requires_grad=True)).sum().backward()
        assert seen == [1]


def test_state_dict_and_load_hooks():
    e = build(ember)
    calls = []
    e.register_state_dict_pre_hook(lambda m, prefix, keep_vars: calls.append(('pre', prefix)))
    e.register_state_dict_post_hook(lambda m, sd, prefix, meta: calls.append(('post', len(sd))))
    e.register_load_state_dict_post_hook(lambda m, keys: calls.append(('load', len(keys.missing_keys))))
    sd = e.state_dict()
    e.load_state_dict(sd)
    assert calls == [('pre', ''), ('post', len(sd)), ('load', 0)]


def test_module_init_errors_and_forward_missing():
    msgs = []
    for lib in (ember, torch):
        class NoForward(lib.nn.Module):
            pass
        with pytest.raises(NotImplementedError) as info:
            NoForward()(lib.ones(1))
        msgs.append(str(info.value))
        with pytest.raises(TypeError) as info:
            lib.nn.Module(3)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[2] and msgs[1] == msgs[3]


def test_save_load_module_state_roundtrip(tmp_path):
    e = build(ember)
    ember.save(e.state_dict(), tmp_path / 'm.pt')
    t = build(torch)
    t.load_state_dict(torch.load(tmp_path / 'm.pt'))
    assert_close(t.fc.weight, e.fc.weight)


def test_global_forward_hooks():
    for lib in (ember, torch):
        seen = []
        handle = lib.nn.modules.module.register_module_forward_hook(lambda m, a, o: seen.append(type(m).__name__))
        pre = lib.nn.modules.module.register_module_forward_pre_hook(lambda m, a: seen.append('pre'))
        try:
            lib.nn.Sequential(lib.nn.ReLU(), lib.nn.Tanh())(lib.ones(1))
        finally:
            handle.remove()
            pre.remove()
        lib.nn.ReLU()(lib.ones(1))
        assert seen == ['pre', 'pre', 'ReLU', 'pre', 'Tanh', 'Sequential']

"""ember.compile: compiled results and gradients equal eager's; guards recompile; fallbacks stay eager-exact."""
import warnings

import numpy
import pytest

import ember
import ember.nn.functional as F
from ember import nn
from ember._compile import config

RTOL, ATOL = 1e-5, 1e-6


def _close(a, b, rtol=RTOL, atol=ATOL):
    numpy.testing.assert_allclose(numpy.asarray(a.detach().numpy()), numpy.asarray(b.detach().numpy()), rtol=rtol,
                                  atol=atol)


def _grads(out, tensors):
    return ember.autograd.grad(out.sum() if out.ndim else out, tensors, allow_unused=True)


def _check(fn, compiled, args, tensors, calls=3, rtol=RTOL, atol=ATOL):
    """Outputs and gradients of ``compiled`` equal ``fn``'s on every call (trace call and replays)."""
    for _ in range(calls):
        expected, got = fn(*args), compiled(*args)
        _close(got, expected, rtol, atol)
        if tensors:
            for g, e in zip(_grads(got, tensors), _grads(expected, tensors)):
                assert (g is None) == (e is None)
                if g is not None:
                    _close(g, e, rtol, atol)


def _chain(x, y, n=20):
    """``n`` elementwise ops."""
    h = x * 2 + y
    for i in range(n - 3):
        h = h.sin() if i % 3 == 0 else (h * 0.9 if i % 3 == 1 else h.tanh())
    return h * y


# ------------------------------------------------------------------------------------------------ elementwise

def test_elementwise_chain_values_and_grads():
    ember.manual_seed(0)
    x, y = ember.randn(8, 5, requires_grad=True), ember.randn(5, requires_grad=True)
    compiled = ember.compile(_chain)
    _check(_chain, compiled, (x, y), [x, y])
    assert compiled._ember_stats['compiles'] == 1 and compiled._ember_stats['cache_hits'] == 2


def test_fusion_reduces_kernels_and_reuses_buffers():
    x, y = ember.randn(32, 32), ember.randn(32, 32)
    compiled = ember.compile(_chain)
    with ember.no_grad():
        compiled(x, y)  # the trace
        first = compiled(x, y)
        plan = compiled._ember_plans()[0]
        assert plan.n_traced_ops == 20 and plan.n_kernels == 1 and plan.n_fused == 20
        buffers = [id(b) for b in plan.pool[0][0]]
        for _ in range(3):
            out = compiled(x, y)
        assert [id(b) for b in plan.pool[0][0]] == buffers and plan.buffer_sets == 1
    assert out is not first and not numpy.shares_memory(out.numpy(), first.numpy())  # outputs are never buffers
    _close(out, _chain(x, y))
    assert 'ElementwiseKernel' not in plan.groups[0].cuda_source() and 'T t' in plan.groups[0].cuda_source()


def test_buffers_not_shared_by_two_pending_backwards():
    x = ember.randn(4, 4, requires_grad=True)

    def f(x):
        return ((x * 3).sin() * (x + 1).cos()).exp()
    compiled = ember.compile(f)
    compiled(x)
    a = compiled(x)
    b = compiled(x * 2)  # a's backward is still pending: b must not overwrite its saved buffers
    ga, = ember.autograd.grad(a.sum(), [x])
    gb, = ember.autograd.grad(b.sum(), [x])
    ea, = ember.autograd.grad(f(x).sum(), [x])
    eb, = ember.autograd.grad(f(x * 2).sum(), [x])
    _close(ga, ea)
    _close(gb, eb)


def test_zero_dim_int_and_broadcast():
    compiled = ember.compile(lambda a, b: (a + b) * 2 - a)
    for a, b in ((ember.tensor(2.), ember.tensor(3.)), (ember.tensor([1, 2]), ember.tensor(3)),
                 (ember.randn(3, 1), ember.randn(1, 4)), (ember.randn(0, 3), ember.randn(3))):
        for _ in range(2):
            got = compiled(a, b)
            expected = (a + b) * 2 - a
            assert got.dtype == expected.dtype and got.shape == expected.shape
            _close(got, expected)


# ------------------------------------------------------------------------------------------------ models

class MLP(nn.Module):
    def __init__(self, sizes=(20, 16, 16, 5)):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))

    def forward(self, x, target):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return F.cross_entropy(x, target)


def _param_grads(model, loss):
    return ember.autograd.grad(loss, list(model.parameters()))


def _check_module(model, compiled, args, calls=3, rtol=RTOL, atol=ATOL):
    for _ in range(calls):
        expected, got = model(*args), compiled(*args)
        _close(got, expected, rtol, atol)
        if got.requires_grad:
            for g, e in zip(_param_grads(model, got.sum()), _param_grads(model, expected.sum())):
                _close(g, e, rtol, atol)


def test_mlp_module():
    ember.manual_seed(0)
    model = MLP()
    compiled = ember.compile(model)
    x, t = ember.randn(8, 20), ember.randint(0, 5, (8,))
    _check_module(model, compiled, (x, t))
    assert compiled.layers is model.layers and compiled.layers[0].weight is model.layers[0].weight
    assert list(compiled.parameters())[0] is list(model.parameters())[0]
    assert list(compiled.state_dict()) == ['_orig_mod.' + k for k in model.state_dict()]
    assert type(compiled).__name__ == 'OptimizedModule'


def test_input_gradient_and_grad_fn():
    model = nn.Linear(6, 3)
    compiled = ember.compile(model)
    x = ember.randn(4, 6, requires_grad=True)
    _check(model, compiled, (x,), [x] + list(model.parameters()))
    assert compiled(x).grad_fn.name() == 'CompiledFunctionBackward'


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(ember.randn(4, 2, 3, 3) * 0.3)
        self.bias = nn.Parameter(ember.randn(4) * 0.1)
        self.gamma = nn.Parameter(ember.ones(4))
        self.beta = nn.Parameter(ember.zeros(4))
        self.register_buffer('running_mean', ember.zeros(4))
        self.register_buffer('running_var', ember.ones(4))

    def forward(self, x):
        h = F.conv2d(x, self.weight, self.bias, padding=1)
        h = F.batch_norm(h, self.running_mean, self.running_var, self.gamma, self.beta, training=self.training)
        h = F.max_pool2d(F.relu(h), 2)
        return h.reshape(h.shape[0], -1).sum(1)


@pytest.mark.parametrize('training', [True, False])
def test_cnn_batch_norm(training):
    ember.manual_seed(0)
    eager, comp = CNN(), CNN()
    comp.load_state_dict(eager.state_dict())
    eager.train(training)
    comp.train(training)
    compiled = ember.compile(comp)
    for _ in range(3):
        x = ember.randn(3, 2, 6, 6)
        e, g = eager(x), compiled(x)
        _close(g, e)
        for ge, gc in zip(_param_grads(eager, e.sum()), _param_grads(comp, g.sum())):
            _close(gc, ge, 1e-4, 1e-5)
        _close(comp.running_mean, eager.running_mean)  # running statistics updated as eagerly
        _close(comp.running_var, eager.running_var)
    assert compiled._ember_stats['fallbacks'] == 0


def test_lstm():
    ember.manual_seed(0)
    lstm = nn.LSTM(5, 7, batch_first=True)
    compiled = ember.compile(lambda x: lstm(x)[0])
    x = ember.randn(3, 4, 5, requires_grad=True)
    _check(lambda x: lstm(x)[0], compiled, (x,), [x] + list(lstm.parameters()), rtol=1e-4, atol=1e-5)


class Block(nn.Module):
    def __init__(self, d=16, heads=2):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc1, self.fc2 = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        qkv = self.qkv(self.ln1(x)).reshape(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        a = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        x = x + self.proj(a.transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


def test_gpt_block():
    ember.manual_seed(0)
    block = Block()
    compiled = ember.compile(block)
    x = ember.randn(2, 5, 16, requires_grad=True)
    _check(block, compiled, (x,), [x] + list(block.parameters()), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize('opt', ['sgd', 'adam'])
def test_training_loop_matches_eager(opt):
    ember.manual_seed(0)
    eager = MLP()
    comp = MLP()
    comp.load_state_dict(eager.state_dict())
    compiled = ember.compile(comp)
    make = (lambda p: ember.optim.SGD(p, lr=0.1, momentum=0.9)) if opt == 'sgd' else \
        (lambda p: ember.optim.Adam(p, lr=0.01))
    opt_e, opt_c = make(eager.parameters()), make(compiled.parameters())
    for _ in range(5):
        x, t = ember.randn(8, 20), ember.randint(0, 5, (8,))
        for model, o in ((eager, opt_e), (compiled, opt_c)):
            o.zero_grad()
            model(x, t).backward()
            o.step()
    for pe, pc in zip(eager.parameters(), comp.parameters()):
        _close(pc, pe, 1e-5, 1e-6)
    assert compiled._ember_stats['compiles'] == 1


# ------------------------------------------------------------------------------------------------ guards

def test_recompile_on_shape_dtype_and_requires_grad():
    compiled = ember.compile(lambda x: (x * 2).exp())
    for x in (ember.randn(3), ember.randn(3), ember.randn(4), ember.randn(4, dtype=ember.float64),
              ember.randn(4, requires_grad=True)):
        got = compiled(x)
        _close(got, (x * 2).exp())
        assert got.dtype == x.dtype and got.requires_grad == x.requires_grad
    stats = compiled._ember_stats
    assert stats['compiles'] == 4 and stats['recompiles'] == 3 and stats['cache_hits'] == 1


def test_recompile_on_training_mode_and_grad_mode():
    model = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.0), nn.ReLU())
    compiled = ember.compile(model)
    x = ember.randn(2, 4)
    compiled(x)
    compiled.eval()
    assert not model.training
    _close(compiled(x), model(x))
    with ember.no_grad():
        out = compiled(x)
    assert not out.requires_grad
    assert compiled._ember_stats['recompiles'] == 2


def test_parameter_replaced_recompiles():
    model = nn.Linear(3, 2)
    compiled = ember.compile(model)
    x = ember.randn(2, 3)
    compiled(x)
    model.weight = nn.Parameter(ember.randn(2, 3))
    _close(compiled(x), model(x))
    assert compiled._ember_stats['recompiles'] == 1


def test_parameters_updated_in_place_are_seen():
    model = nn.Linear(3, 2)
    compiled = ember.compile(model)
    x = ember.randn(2, 3)
    compiled(x)
    compiled(x)
    with ember.no_grad():
        model.weight.mul_(2)
    _close(compiled(x), model(x))


# ------------------------------------------------------------------------------------------------ fallbacks

def test_data_dependent_control_flow_falls_back():
    def f(x):
        if x.sum() > 0:
            return x * 2
        return x - 1
    compiled = ember.compile(f)
    for x in (ember.ones(3), -ember.ones(3), ember.ones(3), -ember.ones(3)):
        _close(compiled(x), f(x))
    assert compiled._ember_stats['fallbacks'] >= 3 and compiled._ember_stats['cache_hits'] == 0


def test_item_and_inplace_input_and_random_fall_back():
    cases = [lambda x: x * x.sum().item(), lambda x: x.mul_(2), lambda x: x + ember.rand(3)]
    for fn in cases:
        compiled = ember.compile(fn)
        ember.manual_seed(1)
        got = [compiled(ember.ones(3)) for _ in range(3)]
        ember.manual_seed(1)
        expected = [fn(ember.ones(3)) for _ in range(3)]
        for g, e in zip(got, expected):
            _close(g, e)
        assert compiled._ember_stats['cache_hits'] == 0


def test_fullgraph_raises_and_debug_warns(monkeypatch):
    compiled = ember.compile(lambda x: x * x.sum().item(), fullgraph=True)
    with pytest.raises(RuntimeError, match='fullgraph'):
        compiled(ember.ones(2))
    monkeypatch.setattr(config, 'debug', True)
    compiled = ember.compile(lambda x: x * x.sum().item())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        compiled(ember.ones(2))
        compiled(ember.ones(2))
    assert sum('eagerly' in str(w.message) for w in caught) == 1


def test_inplace_on_intermediate_is_functionalized():
    def f(x, w):
        h = x @ w
        h.relu_()
        return (h * 2).sum()
    compiled = ember.compile(f)
    x, w = ember.randn(3, 4), ember.randn(4, 5, requires_grad=True)
    _check(f, compiled, (x, w), [w])
    assert compiled._ember_stats['fallbacks'] == 0


def test_eager_hot_path_untouched():
    apply = ember.autograd.function.Primitive.__dict__['apply']
    ember.compile(lambda x: x + 1)(ember.ones(2))
    assert ember.autograd.function.Primitive.__dict__['apply'] is apply
    assert 'item' in ember.Tensor.__dict__ and ember.Tensor.item.__name__ == 'item'


# ------------------------------------------------------------------------------------------------ API

def test_api_surface():
    f = lambda x: x + 1  # noqa: E731
    assert ember.compile(f, disable=True) is f
    assert ember.compile(mode='max-autotune')(f)(ember.ones(1)).item() == 2
    with pytest.raises(RuntimeError, match='Unrecognized mode'):
        ember.compile(f, mode='fastest')
    with pytest.raises(RuntimeError, match='Invalid backend'):
        ember.compile(f, backend='nope')
    with pytest.raises(RuntimeError, match='Either mode or options'):
        ember.compile(f, mode='default', options={})
    with pytest.raises(AssertionError, match='A callable function is expected'):
        ember.compile(3)
    assert ember.compile(f, backend='eager')(ember.ones(1)).item() == 2
    outs = ember.compile(lambda x: {'a': x * 2, 'b': [x, 3]})(ember.ones(2))
    assert set(outs) == {'a', 'b'} and outs['b'][1] == 3


# ------------------------------------------------------------------------------------------------ model zoo

class ResBlock(nn.Module):
    def __init__(self, c=4, classes=3):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.conv2, self.bn2 = nn.Conv2d(c, c, 3, padding=1, bias=False), nn.BatchNorm2d(c)
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(c, classes)

    def forward(self, x):
        h = F.relu(self.bn1(self.conv1(x)))
        h = F.relu(self.bn2(self.conv2(h)) + x)
        return self.fc(self.pool(h).flatten(1))


def _twin(cls, *args, **kwargs):
    ember.manual_seed(0)
    eager = cls(*args, **kwargs)
    comp = cls(*args, **kwargs)
    comp.load_state_dict(eager.state_dict())
    return eager, comp


def _check_twins(eager, comp, compiled, make_inputs, calls=3, rtol=1e-4, atol=1e-5):
    for _ in range(calls):
        args = make_inputs()
        e, g = eager(*args), compiled(*args)
        _close(g, e, rtol, atol)
        grads_e = ember.autograd.grad(e.sum(), list(eager.parameters()))
        grads_c = ember.autograd.grad(g.sum(), list(comp.parameters()))
        for ge, gc in zip(grads_e, grads_c):
            _close(gc, ge, rtol, atol)
        for be, bc in zip(eager.buffers(), comp.buffers()):
            _close(bc, be, rtol, atol)
    assert compiled._ember_stats['fallbacks'] == 0 and compiled._ember_stats['cache_hits'] == calls - 1


def test_resnet_block_train_mode():
    eager, comp = _twin(ResBlock)
    compiled = ember.compile(comp)
    _check_twins(eager, comp, compiled, lambda: (ember.randn(2, 4, 6, 6),))


@pytest.mark.parametrize('kwargs', [{}, {'batch_first': True, 'norm_first': True, 'activation': 'gelu'}])
def test_transformer_encoder_layer_train_mode(kwargs):
    eager, comp = _twin(nn.TransformerEncoderLayer, 16, 2, 32, dropout=0.0, **kwargs)
    compiled = ember.compile(comp)
    _check_twins(eager, comp, compiled, lambda: (ember.randn(5, 3, 16),))


@pytest.mark.parametrize('name, shape', [('lenet5', (2, 1, 28, 28)), ('resnet18', (2, 3, 32, 32)),
                                         ('mobilenet_v2', (2, 3, 32, 32))])
def test_vision_zoo_train_mode(name, shape):
    """The vision models (train mode: batch-norm statistics, dropout off) compile to eager's values and grads."""
    from ember.vision import models  # noqa: PLC0415

    def build():
        model = models.get_model(name, num_classes=5)
        for module in model.modules():
            if isinstance(module, nn.Dropout):
                module.p = 0.0
        return model
    eager, comp = _twin(build)
    compiled = ember.compile(comp)
    _check_twins(eager, comp, compiled, lambda: (ember.randn(*shape),), calls=2, rtol=1e-3, atol=1e-4)


class TinyGPT(nn.Module):
    def __init__(self, vocab=11, d=16, seq=6, layers=2):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d)
        self.positions = nn.Parameter(ember.randn(1, seq, d) * 0.1)
        self.blocks = nn.Sequential(*[Block(d) for _ in range(layers)])
        self.ln, self.head = nn.LayerNorm(d), nn.Linear(d, vocab, bias=False)

    def forward(self, idx, target):
        logits = self.head(self.ln(self.blocks(self.tokens(idx) + self.positions)))
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1))


def test_tiny_gpt_adamw_training_matches_eager():
    eager, comp = _twin(TinyGPT)
    compiled = ember.compile(comp)
    opt_e = ember.optim.AdamW(eager.parameters(), lr=1e-2)
    opt_c = ember.optim.AdamW(compiled.parameters(), lr=1e-2)
    for _ in range(5):
        idx, target = ember.randint(0, 11, (3, 6)), ember.randint(0, 11, (3, 6))
        for model, opt in ((eager, opt_e), (compiled, opt_c)):
            opt.zero_grad()
            model(idx, target).backward()
            opt.step()
    for pe, pc in zip(eager.parameters(), comp.parameters()):
        _close(pc, pe, 1e-5, 1e-5)
    stats = compiled._ember_stats
    assert stats['compiles'] == 1 and stats['fallbacks'] == 0 and stats['cache_hits'] == 4


def test_index_checks_are_replayed():
    emb = nn.Embedding(5, 3)
    compiled = ember.compile(lambda i, t: F.cross_entropy(emb(i), t))
    i, t = ember.tensor([0, 4, 2]), ember.tensor([0, 1, 2])
    for _ in range(2):
        _close(compiled(i, t), F.cross_entropy(emb(i), t))
    with pytest.raises(IndexError, match='index out of range in self'):
        compiled(ember.tensor([0, 5, 1]), t)
    with pytest.raises(IndexError, match='index out of range in self'):
        compiled(ember.tensor([0, -1, 1]), t)
    with pytest.raises(IndexError, match='Target 7 is out of bounds'):
        compiled(i, ember.tensor([0, 7, 1]))
    assert compiled._ember_stats['fallbacks'] == 0


def test_value_dependent_host_read_falls_back():
    x = ember.randn(4, 3)
    compiled = ember.compile(lambda x, t: F.multi_margin_loss(x, t))
    for t in (ember.tensor([0, 1, 2, 0]), ember.tensor([2, 2, 1, 0]), ember.tensor([1, 0, 0, 2])):
        _close(compiled(x, t), F.multi_margin_loss(x, t))
    assert compiled._ember_stats['cache_hits'] == 0


# ------------------------------------------------------------------------------------------------ backward plan

def test_fused_backward_fan_out_and_broadcast():
    def f(x, y, w):
        a = x * y           # y broadcasts over rows
        b = a.exp() + a     # a fans out inside the group
        c = (b * w).tanh() - a.sin() / (x.abs() + 1)
        return c @ w.T, a   # a escapes; w is also used by a non-fused op
    x, y, w = ember.randn(4, 3, requires_grad=True), ember.randn(3, requires_grad=True), \
        ember.randn(4, 3, requires_grad=True)
    compiled = ember.compile(f)
    for _ in range(3):
        e, g = f(x, y, w), compiled(x, y, w)
        for out_g, out_e in zip(g, e):
            _close(out_g, out_e)
        ge = ember.autograd.grad(e[0].sum() + (e[1] * 2).sum(), [x, y, w])
        gc = ember.autograd.grad(g[0].sum() + (g[1] * 2).sum(), [x, y, w])
        for a, b in zip(gc, ge):
            _close(a, b)
    plan = compiled._ember_plans()[0]
    assert any(step[0] == 'group' for step in plan.steps)


def test_unused_output_leaves_grad_none():
    lin_a, lin_b = nn.Linear(3, 2), nn.Linear(3, 2)
    compiled = ember.compile(lambda x: (lin_a(x).relu(), lin_b(x) * 2))
    x = ember.randn(4, 3)
    for _ in range(2):
        for p in list(lin_a.parameters()) + list(lin_b.parameters()):
            p.grad = None
        a, _ = compiled(x)
        a.sum().backward()
        assert lin_b.weight.grad is None and lin_a.weight.grad is not None
        _close(lin_a.weight.grad, ember.autograd.grad(lin_a(x).relu().sum(), [lin_a.weight])[0])


def test_retain_graph_and_zero_dim_fused_backward():
    x = ember.tensor(0.7, requires_grad=True)
    f = lambda x: (x * 3).sin() * x.exp()  # noqa: E731
    compiled = ember.compile(f)
    compiled(x)
    out = compiled(x)
    g1, = ember.autograd.grad(out, [x], retain_graph=True)
    g2, = ember.autograd.grad(out, [x])
    e, = ember.autograd.grad(f(x), [x])
    assert g1.shape == () and g1.dtype == ember.float32
    _close(g1, e)
    _close(g2, e)
    with pytest.raises(RuntimeError, match='backward through the graph a second time'):
        ember.autograd.grad(out, [x])


def test_compiled_relu_backward_equals_eager_bitwise():
    np = numpy
    """The inline ReLU gradient of a fused kernel (a mask product, not a per-element where): identical to eager,
    including a NaN/inf gradient meeting the mask and the sign of zeros."""
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal((64, 33)).astype(np.float32)
    x0[0, :4] = [0.0, -0.0, np.inf, -np.inf]
    g0 = rng.standard_normal((64, 33)).astype(np.float32)
    g0[1, :3] = [np.nan, np.inf, -np.inf]
    g0[:, 5] = -0.0

    def f(x):
        return (x * 1.5).relu() + 1

    grads = []
    for fn in (f, ember.compile(f), ember.compile(f)):
        x = ember.tensor(x0, requires_grad=True)
        for _ in range(2):  # the second call replays the compiled plan
            x.grad = None
            fn(x).backward(ember.tensor(g0))
        grads.append(x.grad.numpy())
    for g in grads[1:]:
        np.testing.assert_array_equal(np.signbit(g), np.signbit(grads[0]))
        np.testing.assert_array_equal(g, grads[0])


def test_compiled_backward_frees_activations_of_a_graph_kept_alive():
    """As eager (tests/test_autograd.py): after backward the compiled node drops its primitives' contexts, so
    keeping the loss (total += loss) keeps no activations; with retain_graph they stay."""
    from memory_kept import bytes_kept_by_losses
    net = nn.Sequential(nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.GELU(), nn.Flatten(),
                        nn.Linear(16 * 32 * 32, 10))
    compiled = ember.compile(net)
    x = ember.randn(8, 3, 32, 32)
    kept = {retain: bytes_kept_by_losses(lambda: compiled(x).sum(), retain) for retain in (False, True)}
    assert kept[True] > 4 * kept[False], kept

"""The benchmark cases. Each ``setup(name, lib, shared, quick)`` returns a ``Bench`` whose ``step()`` is timed.

Inputs come from a NumPy generator with a fixed seed, so every library sees the same data; models are built by
``benchmarks/models.py`` from one source for every library, PyTorch's first, and ember's get PyTorch's weights
(``shared['torch_state']``, taken before PyTorch's first step). Training steps return their loss, which the
harness compares across libraries.

Example::

    bench = CASES[0].setup('ember', ember, {}, True)
    bench.step()
"""
from __future__ import annotations

import importlib

import numpy as np

from . import models, tiny
from ._harness import Bench, Case, Skipped

CHAIN_LEN = 100


def _chain(x, w, v):
    """CHAIN_LEN elementwise ops: add, mul, sub, div and neg in turn, with tensor and Python-scalar operands."""
    for _ in range(CHAIN_LEN // 5):
        x = x + w
        x = x * v
        x = x - 0.5
        x = x / v
        x = -x
    return x


def _chain_inputs(rng):
    return (rng.standard_normal((32, 32)).astype(np.float32), rng.standard_normal((32, 32)).astype(np.float32),
            rng.uniform(0.9, 1.1, (32, 32)).astype(np.float32))


TINYGRAD = ('tinygrad', 'tinygrad+jit')
ALL_LIBS = ('ember', 'torch') + TINYGRAD


def _chain_fn(name, lib, compiled):
    """The chain, through ``ember.compile`` for ember in the compiled cases (PyTorch stays eager)."""
    return lib.compile(_chain) if compiled and name == 'ember' else _chain


def setup_chain_forward(name, lib, shared, quick, compiled=False):
    x0, w0, v0 = _chain_inputs(np.random.default_rng(0))
    if name in TINYGRAD:
        return tiny.setup_chain_forward(lib, (x0, w0, v0), _chain, jit=name == 'tinygrad+jit')
    x, w, v = lib.tensor(x0, requires_grad=True), lib.tensor(w0, requires_grad=True), lib.tensor(v0)
    chain = _chain_fn(name, lib, compiled)

    def step():
        with lib.no_grad():
            chain(x, w, v)
    return Bench(step, warmup=2 if compiled else 0)


def setup_chain_backward(name, lib, shared, quick, compiled=False):
    x0, w0, v0 = _chain_inputs(np.random.default_rng(0))
    if name in TINYGRAD:
        return tiny.setup_chain_backward(lib, (x0, w0, v0), _chain, jit=name == 'tinygrad+jit')
    x, w, v = lib.tensor(x0, requires_grad=True), lib.tensor(w0, requires_grad=True), lib.tensor(v0)
    chain = _chain_fn(name, lib, compiled)

    def step():
        x.grad = w.grad = None
        chain(x, w, v).sum().backward()
    return Bench(step, warmup=2 if compiled else 0)


def _compiled(setup):
    def compiled_setup(name, lib, shared, quick):
        return setup(name, lib, shared, quick, compiled=True)
    return compiled_setup


def _matmul_setup(n, tinygrad_in_quick=True):
    def setup(name, lib, shared, quick):
        rng = np.random.default_rng(1)
        a0, b0, g0 = (rng.standard_normal((n, n)).astype(np.float32) for _ in range(3))
        flops = 6.0 * n ** 3
        if name in TINYGRAD:
            if quick and not tinygrad_in_quick:
                raise Skipped('full run only')
            return tiny.setup_matmul(lib, (a0, b0, g0), flops, jit=name == 'tinygrad+jit')
        a, b, g = lib.tensor(a0, requires_grad=True), lib.tensor(b0, requires_grad=True), lib.tensor(g0)

        def step():
            a.grad = b.grad = None
            (a @ b).backward(g)
        return Bench(step, flops=flops)
    return setup


def _torch_forward_flops(model, *inputs, extra=0.0):
    """Forward FLOPs of the Conv2d, Linear and LSTM layers of a PyTorch model, counted with forward hooks."""
    import torch
    total = [float(extra)]

    def hook(module, args, output):
        if isinstance(module, torch.nn.Linear):
            total[0] += 2.0 * output.numel() * module.in_features
        elif isinstance(module, torch.nn.Conv2d):
            per_output = module.in_channels // module.groups * module.kernel_size[0] * module.kernel_size[1]
            total[0] += 2.0 * output.numel() * per_output
        elif isinstance(module, torch.nn.LSTM):
            steps = args[0].shape[0] * args[0].shape[1]
            hidden = module.hidden_size
            for layer in range(module.num_layers):
                inputs_size = module.input_size if layer == 0 else hidden
                total[0] += 2.0 * steps * 4 * hidden * (inputs_size + hidden)
    handles = [m.register_forward_hook(hook) for m in model.modules()]
    try:
        with torch.no_grad():
            model(*inputs)
    finally:
        for handle in handles:
            handle.remove()
    return total[0]


def _training_setup(build, make_batch, optimizer, attention_flops=None, tinygrad_in_quick=True, compiled=False):
    """A training-step case: forward, cross-entropy loss, backward, optimizer step, for one fixed batch.

    ``optimizer`` is ``(kind, kwargs)``; tinygrad runs ``tiny.MODELS[build.__name__]`` (full runs only where
    ``tinygrad_in_quick`` is false: its first steps compile for minutes). ``compiled``: ember's model runs through
    ``ember.compile`` (PyTorch stays eager, the baseline the compile target is set against)."""
    def setup(name, lib, shared, quick):
        if name in TINYGRAD:
            if quick and not tinygrad_in_quick:
                raise Skipped('full run only')
            key = 'lstm' if build is models.lstm_lm else build.__name__
            return tiny.setup_training(key, lib, shared, make_batch(np.random.default_rng(2)), optimizer,
                                       jit=name == 'tinygrad+jit')
        if name == 'torch':
            lib.manual_seed(0)
        model = build(lib)
        x0, y0 = make_batch(np.random.default_rng(2))
        x, y = lib.from_numpy(x0), lib.from_numpy(y0)
        flops = None
        if name == 'torch':
            shared['torch_state'] = models.snapshot(model)
            extra = attention_flops(x0.shape) if attention_flops else 0.0
            flops = 3.0 * _torch_forward_flops(model, x, extra=extra)  # backward ≈ 2x forward
        elif 'torch_state' in shared:
            models.copy_weights(shared['torch_state'], model, lib)
        model.train()
        opt = _optimizer(lib, model.parameters(), optimizer)
        cross_entropy = lib.nn.functional.cross_entropy
        if compiled and name == 'ember':
            model = lib.compile(model)

        def step():
            opt.zero_grad()
            out = model(x)
            loss = cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1))
            loss.backward()
            opt.step()
            return loss.detach()
        return Bench(step, flops=flops, keepalive=model)
    return setup


def _sgd(lr=0.01, momentum=0.9):
    return 'sgd', {'lr': lr, 'momentum': momentum}


def _adam(lr=1e-3):
    return 'adam', {'lr': lr}


def _optimizer(lib, params, spec):
    kind, kwargs = spec
    return lib.optim.SGD(params, **kwargs) if kind == 'sgd' else lib.optim.Adam(params, **kwargs)


def _images(batch, shape, classes):
    def make(rng):
        return (rng.standard_normal((batch, *shape)).astype(np.float32),
                rng.integers(0, classes, batch, dtype=np.int64))
    return make


def _tokens(shape, vocab):
    def make(rng):
        return rng.integers(0, vocab, shape, dtype=np.int64), rng.integers(0, vocab, shape, dtype=np.int64)
    return make


def _gpt_attention_flops(shape, d_model=128, layers=4):
    batch, seq = shape
    return layers * 4.0 * batch * seq * seq * d_model  # QK^T and AV, full (unmasked) products


class AugmentedImages:
    """A TensorDataset-like dataset of uint8 28x28 images doing per-item work: scale, normalise, flip odd items."""

    def __init__(self, lib_name, count):
        rng = np.random.default_rng(3)
        self.lib_name = lib_name
        self.images = rng.integers(0, 256, (count, 28, 28), dtype=np.uint8)
        self.labels = rng.integers(0, 10, count, dtype=np.int64)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, index):
        image = (self.images[index].astype(np.float32) / 255.0 - 0.1307) / 0.3081
        if index % 2:
            image = image[:, ::-1]
        lib = importlib.import_module(self.lib_name)
        return lib.from_numpy(np.ascontiguousarray(image)[None]), int(self.labels[index])


def _dataloader_setup(workers):
    def setup(name, lib, shared, quick):
        count = 2048 if quick else 8192
        data = importlib.import_module(f'{name}.utils.data')
        dataset = AugmentedImages(name, count)
        loader = data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=workers)

        def step():
            seen = 0
            for images, _labels in loader:
                seen += images.shape[0]
            if seen != count:
                raise RuntimeError(f'DataLoader yielded {seen} items, expected {count}')
        return Bench(step, items=count)
    return setup


def _cases():
    train = 'ms/step'
    return [
        Case('overhead-forward', 'elementwise chain 100 ops 32x32, forward', 'µs/op', 1e6 / CHAIN_LEN,
             setup_chain_forward, libs=ALL_LIBS),
        Case('overhead-backward', 'elementwise chain 100 ops 32x32, forward+backward', 'µs/op', 1e6 / CHAIN_LEN,
             setup_chain_backward, libs=ALL_LIBS),
        Case('matmul-1024', 'matmul 1024x1024, forward+backward', 'ms', 1e3, _matmul_setup(1024), libs=ALL_LIBS),
        Case('matmul-2048', 'matmul 2048x2048, forward+backward', 'ms', 1e3,
             _matmul_setup(2048, tinygrad_in_quick=False), libs=ALL_LIBS),
        Case('mlp', 'MLP 784-512-512-10 step, batch 128, SGD', train, 1e3,
             _training_setup(models.mlp, _images(128, (784,), 10), _sgd()), libs=ALL_LIBS),
        Case('lenet', 'LeNet-5 step, batch 64x1x28x28, SGD', train, 1e3,
             _training_setup(models.lenet, _images(64, (1, 28, 28), 10), _sgd()), libs=ALL_LIBS),
        Case('resnet18', 'ResNet-18 step, batch 8x3x64x64, SGD', train, 1e3,
             _training_setup(models.resnet18, _images(8, (3, 64, 64), 100), _sgd(), tinygrad_in_quick=False),
             libs=ALL_LIBS),
        Case('lstm', 'LSTM LM 2x256 step, vocab 10k, seq 35, batch 20, SGD', train, 1e3,
             _training_setup(models.lstm_lm, _tokens((35, 20), 10000), _sgd(lr=1.0, momentum=0.0),
                             tinygrad_in_quick=False), libs=ALL_LIBS),
        Case('gpt', 'GPT 4 layers d128 4 heads step, seq 64, batch 32, Adam', train, 1e3,
             _training_setup(models.gpt, _tokens((32, 64), 1024), _adam(), _gpt_attention_flops,
                             tinygrad_in_quick=False), libs=ALL_LIBS),
        Case('overhead-forward-compiled', 'elementwise chain, forward: ember.compile vs PyTorch eager', 'µs/op',
             1e6 / CHAIN_LEN, _compiled(setup_chain_forward), libs=ALL_LIBS),
        Case('overhead-backward-compiled', 'elementwise chain, forward+backward: ember.compile vs PyTorch eager',
             'µs/op', 1e6 / CHAIN_LEN, _compiled(setup_chain_backward), libs=ALL_LIBS),
        Case('mlp-compiled', 'MLP step as above: ember.compile vs PyTorch eager', train, 1e3,
             _training_setup(models.mlp, _images(128, (784,), 10), _sgd(), compiled=True), libs=ALL_LIBS),
        Case('gpt-compiled', 'GPT step as above: ember.compile vs PyTorch eager', train, 1e3,
             _training_setup(models.gpt, _tokens((32, 64), 1024), _adam(), _gpt_attention_flops,
                             compiled=True)),  # tinygrad's GPT is in the row above (its compile takes minutes)
        Case('dataloader-0', 'DataLoader 28x28 items, batch 64, num_workers=0', 'items/s', 1.0,
             _dataloader_setup(0)),
        Case('dataloader-2', 'DataLoader 28x28 items, batch 64, num_workers=2 (epoch incl. worker start)',
             'items/s', 1.0, _dataloader_setup(2)),
    ]


CASES = _cases()

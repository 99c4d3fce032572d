"""tinygrad versions of the benchmark cases: the same shapes, data, initial weights (PyTorch's) and loss.

tinygrad (https://github.com/tinygrad/tinygrad, 0.14 API) is lazy: ops build a graph that ``realize()`` schedules,
fuses and runs as compiled C kernels. Each step here realizes its outputs (loss, gradients, updated weights and
optimizer state in one schedule) so its time is the whole step. Two columns: 'tinygrad' is eager (the graph is
rebuilt, scheduled and run every step), 'tinygrad+jit' wraps the step in ``TinyJit`` (captured on the second call,
replayed from the third: tinygrad's normal way to run training). Kernel compiles happen in the first steps, which
``Bench.warmup`` keeps out of the timings.

The models mirror ``benchmarks/models.py`` with tinygrad's own layers (``nn.Linear``, ``nn.Conv2d``, ``nn.BatchNorm``,
``nn.LayerNorm``, ``nn.Embedding``, ``nn.LSTMCell``'s weights with the cell stepped over the sequence: tinygrad
has no ``nn.LSTM``); their
tensors are named like PyTorch's so ``load_torch_state`` can copy the PyTorch model's initial weights.

Example::

    import tinygrad
    bench = setup_training('mlp', tinygrad, {}, jit=False)
    bench.step()
"""
from __future__ import annotations

import os
import shutil

import numpy as np

from ._harness import Bench

EAGER_WARMUP = 2  # steps after the checked first one: step 2 meets realized optimizer state (new kernels)
JIT_WARMUP = 3    # TinyJit runs plainly on call 1, captures on call 2, replays from call 3


def configure_environment():
    """Point tinygrad at the CPU (this suite compares CPU libraries) and at a clang it can run, before its import.

    tinygrad's CPU backend compiles its kernels with ``$CC`` (default ``clang``); Debian installs versioned
    ``clang-NN`` only, so the newest one on PATH is used when plain ``clang`` is absent. Returns the compiler or None.
    """
    os.environ.setdefault('DEV', 'CPU')
    if os.environ.get('CC'):
        return shutil.which(os.environ['CC'])
    if shutil.which('clang'):
        return shutil.which('clang')
    for version in range(30, 10, -1):
        found = shutil.which(f'clang-{version}')
        if found:
            os.environ['CC'] = found
            return found
    return None


def _require_compiler():
    device = os.environ.get('DEV', 'CPU').upper()
    if device == 'CPU' and not shutil.which(os.environ.get('CC', 'clang')):  # CPU:X86 / CPU:LLVM need no clang
        raise RuntimeError("tinygrad's CPU backend needs clang (apt install clang), none on PATH")


# ---------------------------------------------------------------- weights

def load_torch_state(model, state, rename=None):
    """Copy a ``models.snapshot`` (NumPy arrays by PyTorch name) into the tinygrad ``model``'s same-named tensors.

    ``rename`` maps a PyTorch name to the tinygrad one where they differ. Every parameter must match by name and
    shape; float buffers (BatchNorm running stats) are copied where tinygrad has them.
    """
    from tinygrad import Tensor
    from tinygrad.nn.state import get_state_dict
    params, buffers = state
    tensors = get_state_dict(model)
    names = {(rename(n) if rename else n): n for n in params}
    missing = sorted(set(names) - set(tensors))
    if missing:
        raise KeyError(f'tinygrad model lacks {missing}')
    pairs = [(tensors[tiny], params[torch_name]) for tiny, torch_name in names.items()]
    for name, array in buffers.items():
        tiny = rename(name) if rename else name
        if tiny in tensors and array.dtype.kind == 'f':
            pairs.append((tensors[tiny], array))
    for tensor, array in pairs:
        if tuple(tensor.shape) != array.shape:
            raise ValueError(f'shape mismatch: tinygrad {tuple(tensor.shape)} vs PyTorch {array.shape}')
        tensor.replace(Tensor(np.ascontiguousarray(array, dtype=np.float32)))
    Tensor.realize(*tensors.values())


# ---------------------------------------------------------------- models

def mlp(tg):
    """784-512-512-10 ReLU MLP; PyTorch's Sequential names are '0', '2', '4'."""
    nn = tg.nn

    class MLP:
        def __init__(self):
            self.layers = {'0': nn.Linear(784, 512), '2': nn.Linear(512, 512), '4': nn.Linear(512, 10)}

        def __call__(self, x):
            layers = self.layers
            return layers['4'](layers['2'](layers['0'](x).relu()).relu())

    return MLP(), lambda name: 'layers.' + name


def lenet(tg):
    """LeNet-5 for 1x28x28 inputs."""
    nn = tg.nn

    class LeNet:
        def __init__(self):
            self.conv1, self.conv2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
            self.fc1, self.fc2, self.fc3 = nn.Linear(16 * 5 * 5, 120), nn.Linear(120, 84), nn.Linear(84, 10)

        def __call__(self, x):
            x = self.conv1(x).relu().max_pool2d((2, 2))
            x = self.conv2(x).relu().max_pool2d((2, 2)).flatten(1)
            return self.fc3(self.fc2(self.fc1(x).relu()).relu())

    return LeNet(), None


def resnet18(tg, num_classes=100):
    """ResNet-18 with the ImageNet stem, tensor names as in ``models.resnet18``."""
    nn = tg.nn

    class BasicBlock:
        def __init__(self, in_planes, planes, stride):
            self.conv1 = nn.Conv2d(in_planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm(planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, stride=1, padding=1, bias=False)
            self.bn2 = nn.BatchNorm(planes)
            self.downsample = None
            if stride != 1 or in_planes != planes:
                self.downsample = [nn.Conv2d(in_planes, planes, 1, stride=stride, bias=False), nn.BatchNorm(planes)]

        def __call__(self, x):
            out = self.bn1(self.conv1(x)).relu()
            out = self.bn2(self.conv2(out))
            shortcut = x if self.downsample is None else x.sequential(self.downsample)
            return (out + shortcut).relu()

    class ResNet18:
        def __init__(self):
            self.conv1 = nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm(64)
            self.layers, in_planes = [], 64
            for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
                self.layers += [BasicBlock(in_planes, planes, stride), BasicBlock(planes, planes, 1)]
                in_planes = planes
            self.fc = nn.Linear(512, num_classes)

        def __call__(self, x):
            x = self.bn1(self.conv1(x)).relu().max_pool2d((3, 3), stride=2, padding=1)
            return self.fc(x.sequential(self.layers).mean((2, 3)))

    return ResNet18(), None


def lstm_lm(tg, vocab=10000, hidden=256, layers=2):
    """Embedding, ``layers`` LSTM layers (``nn.LSTMCell`` weights, the cell stepped over the sequence), a decoder."""
    nn, Tensor = tg.nn, tg.Tensor

    class LSTMLanguageModel:
        def __init__(self):
            self.embed = nn.Embedding(vocab, hidden)
            self.lstm = [nn.LSTMCell(hidden, hidden) for _ in range(layers)]
            self.decoder = nn.Linear(hidden, vocab)

        def __call__(self, tokens):
            seq, batch = tokens.shape
            x = self.embed(tokens)
            for cell in self.lstm:
                # the input projection of all steps in one product, as PyTorch's nn.LSTM does; then the cell's
                # recurrence (its gates i, f, g, o) step by step
                projected = x.linear(cell.weight_ih.T, cell.bias_ih)
                h, c = Tensor.zeros(batch, hidden).contiguous(), Tensor.zeros(batch, hidden).contiguous()
                outputs = []
                for t in range(seq):
                    gates = projected[t] + h.linear(cell.weight_hh.T, cell.bias_hh)
                    i, f, g, o = gates.chunk(4, dim=1)
                    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
                    h = o.sigmoid() * c.tanh()
                    outputs.append(h)
                x = Tensor.stack(*outputs)
            return self.decoder(x.reshape(-1, hidden))

    def rename(name):  # lstm.weight_ih_l1 -> lstm.1.weight_ih
        if name.startswith('lstm.'):
            kind, layer = name[len('lstm.'):].rsplit('_l', 1)
            return f'lstm.{layer}.{kind}'
        return name

    return LSTMLanguageModel(), rename


def gpt(tg, vocab=1024, d_model=128, heads=4, layers=4, seq=64):
    """The minimal GPT of ``models.gpt``: learned positions, pre-norm blocks, causal SDPA, exact GELU."""
    nn, Tensor = tg.nn, tg.Tensor

    class Block:
        def __init__(self):
            self.ln1, self.ln2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
            self.query, self.key = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
            self.value, self.proj = nn.Linear(d_model, d_model), nn.Linear(d_model, d_model)
            self.fc, self.fc_out = nn.Linear(d_model, 4 * d_model), nn.Linear(4 * d_model, d_model)

        def __call__(self, x):
            batch, length, _ = x.shape
            h = self.ln1(x)
            q, k, v = (layer(h).reshape(batch, length, heads, d_model // heads).transpose(1, 2)
                       for layer in (self.query, self.key, self.value))
            attention = q.scaled_dot_product_attention(k, v, is_causal=True)
            x = x + self.proj(attention.transpose(1, 2).reshape(batch, length, d_model))
            return x + self.fc_out(self.fc(self.ln2(x)).gelu(approximate='none'))

    class GPT:
        def __init__(self):
            self.tokens = nn.Embedding(vocab, d_model)
            self.positions = Tensor.zeros(1, seq, d_model).contiguous()
            self.blocks = [Block() for _ in range(layers)]
            self.ln_f = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)

        def __call__(self, idx):
            x = self.tokens(idx) + self.positions
            return self.head(self.ln_f(x.sequential(self.blocks)))

    return GPT(), None


MODELS = {'mlp': mlp, 'lenet': lenet, 'resnet18': resnet18, 'lstm': lstm_lm, 'gpt': gpt}


# ---------------------------------------------------------------- benches

def _jit_or_plain(tg, fn, jit):
    return tg.TinyJit(fn) if jit else fn


def setup_chain_forward(tg, arrays, chain, jit):
    """The elementwise chain, realized: tinygrad fuses the 100 lazy ops into one kernel."""
    _require_compiler()
    x, w, v = (tg.Tensor(a).realize() for a in arrays)

    def run(x, w, v):
        return chain(x, w, v).realize()
    step = _jit_or_plain(tg, run, jit)
    return Bench(lambda: step(x, w, v), warmup=JIT_WARMUP if jit else EAGER_WARMUP, keepalive=step)


def setup_chain_backward(tg, arrays, chain, jit):
    """Forward+backward of the chain; gradients of x and w realized together."""
    _require_compiler()
    x, w, v = (tg.Tensor(a).realize() for a in arrays)

    def run(x, w, v):
        x.grad = w.grad = v.grad = None  # backward gives every float tensor of the graph a (lazy) grad
        chain(x, w, v).sum().backward()
        return tg.Tensor.realize(x.grad, w.grad)
    step = _jit_or_plain(tg, run, jit)
    return Bench(lambda: step(x, w, v), warmup=JIT_WARMUP if jit else EAGER_WARMUP, keepalive=step)


def setup_matmul(tg, arrays, flops, jit):
    """``(a @ b).backward(g)`` with both gradients realized."""
    _require_compiler()
    a, b, g = (tg.Tensor(x).realize() for x in arrays)

    def run(a, b, g):
        a.grad = b.grad = None
        (a @ b).backward(g)
        return tg.Tensor.realize(a.grad, b.grad)
    step = _jit_or_plain(tg, run, jit)
    return Bench(lambda: step(a, b, g), flops=flops, warmup=JIT_WARMUP if jit else EAGER_WARMUP, keepalive=step)


def make_optimizer(tg, kind, params, **kwargs):
    """tinygrad's SGD (momentum as PyTorch: buffer = m * buffer + grad) or Adam (PyTorch's defaults)."""
    optim = tg.nn.optim
    if kind == 'sgd':
        return optim.SGD(params, lr=kwargs['lr'], momentum=kwargs['momentum'])
    return optim.Adam(params, lr=kwargs['lr'])


def setup_training(key, tg, shared, batch, optimizer, jit=False):
    """One training step of ``MODELS[key]``: forward, cross-entropy, backward, optimizer step, all realized.

    ``batch`` is the (inputs, targets) NumPy pair; ``optimizer`` is ``(kind, kwargs)``; PyTorch's initial weights
    come from ``shared['torch_state']`` when PyTorch's bench ran first.
    """
    _require_compiler()
    from tinygrad import Context, Tensor
    from tinygrad.nn.state import get_parameters
    model, rename = MODELS[key](tg)
    if 'torch_state' in shared:
        load_torch_state(model, shared['torch_state'], rename)
    else:
        Tensor.realize(*get_parameters(model))
    x = Tensor(batch[0]).realize()
    y = Tensor(batch[1].astype(np.int32)).realize()
    kind, kwargs = optimizer
    with Context(TRAINING=1):
        opt = make_optimizer(tg, kind, get_parameters(model), **kwargs)

    def run(x, y):
        opt.zero_grad()
        x.grad = None  # float inputs get a grad too; dropping it keeps the graphs from chaining across steps
        out = model(x)
        loss = out.reshape(-1, out.shape[-1]).sparse_categorical_crossentropy(y.reshape(-1))
        loss.backward()
        Tensor.realize(loss, *opt.schedule_step())
        return loss
    inner = _jit_or_plain(tg, run, jit)

    def step():
        with Context(TRAINING=1):
            return inner(x, y)
    return Bench(step, warmup=JIT_WARMUP if jit else EAGER_WARMUP, keepalive=(model, opt, inner))

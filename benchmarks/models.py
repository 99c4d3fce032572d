"""The benchmark models, each written once as a function of the library module ``lib`` (ember or torch).

The same source builds both libraries' models; ``copy_weights`` then gives ember PyTorch's initial weights, so the
two compute the same thing and their first losses can be compared.

Example::

    import ember, torch
    reference, net = resnet18(torch), resnet18(ember)
    copy_weights(snapshot(reference), net, ember)
"""
from __future__ import annotations

import numpy as np

_FALLBACKS = {}


def _fallback_layers(lib):
    """Conv2d and BatchNorm2d over ``lib.nn.functional`` for a library whose ``nn`` lacks those modules."""
    if lib in _FALLBACKS:
        return _FALLBACKS[lib]
    nn, F = lib.nn, lib.nn.functional

    class Conv2d(nn.Module):
        def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True):
            super().__init__()
            k = kernel_size
            bound = 1.0 / float(np.sqrt(in_channels * k * k))
            self.stride, self.padding = stride, padding
            self.weight = nn.Parameter((lib.rand(out_channels, in_channels, k, k) * 2 - 1) * bound)
            self.bias = nn.Parameter((lib.rand(out_channels) * 2 - 1) * bound) if bias else None

        def forward(self, x):
            return F.conv2d(x, self.weight, self.bias, self.stride, self.padding)

    class BatchNorm2d(nn.Module):
        def __init__(self, num_features, eps=1e-5, momentum=0.1):
            super().__init__()
            self.eps, self.momentum = eps, momentum
            self.weight = nn.Parameter(lib.ones(num_features))
            self.bias = nn.Parameter(lib.zeros(num_features))
            self.register_buffer('running_mean', lib.zeros(num_features))
            self.register_buffer('running_var', lib.ones(num_features))

        def forward(self, x):
            return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, self.training,
                                self.momentum, self.eps)

    _FALLBACKS[lib] = Conv2d, BatchNorm2d
    return _FALLBACKS[lib]


def conv2d(lib, *args, **kwargs):
    """``lib.nn.Conv2d`` where the library has it, else a functional stand-in with the same parameters."""
    cls = getattr(lib.nn, 'Conv2d', None) or _fallback_layers(lib)[0]
    return cls(*args, **kwargs)


def batch_norm2d(lib, num_features):
    """``lib.nn.BatchNorm2d`` where the library has it, else a functional stand-in with the same state."""
    cls = getattr(lib.nn, 'BatchNorm2d', None) or _fallback_layers(lib)[1]
    return cls(num_features)


def snapshot(model):
    """NumPy copies of a PyTorch module's parameters and buffers, by name: its state before any training step."""
    return ({n: p.detach().cpu().numpy().copy() for n, p in model.named_parameters()},
            {n: b.detach().cpu().numpy().copy() for n, b in model.named_buffers()})


def copy_weights(state, target, lib):
    """Copy a ``snapshot`` into ``target``: every parameter (names must match) and each same-named buffer."""
    params, buffers = state
    target_params = dict(target.named_parameters())
    if set(target_params) != set(params):
        raise KeyError(f'parameter names differ: {sorted(set(target_params) ^ set(params))}')
    target_buffers = dict(target.named_buffers())
    pairs = [(target_params[n], a) for n, a in params.items()]
    pairs += [(target_buffers[n], a) for n, a in buffers.items() if n in target_buffers]
    with lib.no_grad():
        for dst, array in pairs:
            dst.copy_(lib.from_numpy(array.copy()))


def mlp(lib):
    """784-512-512-10 ReLU MLP."""
    nn = lib.nn
    return nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))


def lenet(lib):
    """LeNet-5 for 1x28x28 inputs: two conv + max-pool stages, three linear layers."""
    nn, F = lib.nn, lib.nn.functional

    class LeNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = conv2d(lib, 1, 6, 5, padding=2)
            self.conv2 = conv2d(lib, 6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), 2)
            x = F.max_pool2d(F.relu(self.conv2(x)), 2)
            x = x.flatten(1)
            return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))

    return LeNet()


def resnet18(lib, num_classes=100):
    """ResNet-18 (BasicBlock, [2, 2, 2, 2]) with the ImageNet stem: 7x7/2 conv, batch norm, 3x3/2 max-pool."""
    nn, F = lib.nn, lib.nn.functional

    class BasicBlock(nn.Module):
        def __init__(self, in_planes, planes, stride):
            super().__init__()
            self.conv1 = conv2d(lib, in_planes, planes, 3, stride=stride, padding=1, bias=False)
            self.bn1 = batch_norm2d(lib, planes)
            self.conv2 = conv2d(lib, planes, planes, 3, stride=1, padding=1, bias=False)
            self.bn2 = batch_norm2d(lib, planes)
            self.downsample = None
            if stride != 1 or in_planes != planes:
                self.downsample = nn.Sequential(conv2d(lib, in_planes, planes, 1, stride=stride, bias=False),
                                                batch_norm2d(lib, planes))

        def forward(self, x):
            out = F.relu(self.bn1(self.conv1(x)))
            out = self.bn2(self.conv2(out))
            shortcut = x if self.downsample is None else self.downsample(x)
            return F.relu(out + shortcut)

    class ResNet18(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = conv2d(lib, 3, 64, 7, stride=2, padding=3, bias=False)
            self.bn1 = batch_norm2d(lib, 64)
            blocks, in_planes = [], 64
            for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
                blocks += [BasicBlock(in_planes, planes, stride), BasicBlock(planes, planes, 1)]
                in_planes = planes
            self.layers = nn.Sequential(*blocks)
            self.fc = nn.Linear(512, num_classes)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 3, 2, 1)
            x = self.layers(x)
            return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))

    return ResNet18()


def lstm_lm(lib, vocab=10000, hidden=256, layers=2):
    """Word-level language model: embedding, a ``layers``-deep LSTM, a linear decoder; (seq, batch) in, logits out."""
    nn = lib.nn

    class LSTMLanguageModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, hidden)
            self.lstm = nn.LSTM(hidden, hidden, layers)
            self.decoder = nn.Linear(hidden, vocab)

        def forward(self, tokens):
            output, _ = self.lstm(self.embed(tokens))
            return self.decoder(output.reshape(-1, hidden))

    return LSTMLanguageModel()


def gpt(lib, vocab=1024, d_model=128, heads=4, layers=4, seq=64):
    """A minimal GPT: token + learned position embeddings, pre-norm blocks (causal SDPA, GELU MLP), a linear head."""
    nn, F = lib.nn, lib.nn.functional

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(d_model)
            self.query = nn.Linear(d_model, d_model)
            self.key = nn.Linear(d_model, d_model)
            self.value = nn.Linear(d_model, d_model)
            self.proj = nn.Linear(d_model, d_model)
            self.ln2 = nn.LayerNorm(d_model)
            self.fc = nn.Linear(d_model, 4 * d_model)
            self.fc_out = nn.Linear(4 * d_model, d_model)

        def forward(self, x):
            batch, length, _ = x.shape
            h = self.ln1(x)
            q, k, v = (layer(h).view(batch, length, heads, d_model // heads).transpose(1, 2)
                       for layer in (self.query, self.key, self.value))
            attention = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(attention.transpose(1, 2).reshape(batch, length, d_model))
            return x + self.fc_out(F.gelu(self.fc(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(vocab, d_model)
            self.positions = nn.Parameter(lib.zeros(1, seq, d_model))
            self.blocks = nn.Sequential(*[Block() for _ in range(layers)])
            self.ln_f = nn.LayerNorm(d_model)
            self.head = nn.Linear(d_model, vocab, bias=False)

        def forward(self, idx):
            x = self.tokens(idx) + self.positions
            return self.head(self.ln_f(self.blocks(x)))

    return GPT()

"""ember's CUDA plumbing under the fake CUDA backend (conftest.py): device API, factories, transfers, device-mismatch
errors, modules and optimizers on 'cuda', checkpoints, DataLoader pinning and autocast with GradScaler."""
from __future__ import annotations

import io

import numpy
import pytest

import ember
import ember.nn as nn
import ember.nn.functional as F
import fake_cupy
from fake_cupy import FakeCudaArray

CUDA = ember.device('cuda', 0)
MISMATCH = 'Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!'


def on_cuda(t):
    return t.device == CUDA and t.is_cuda and isinstance(t._data, FakeCudaArray)


# ------------------------------------------------------------------------------------------------ the fake itself

def test_fake_refuses_host_arrays():
    cp = fake_cupy.module
    x = cp.arange(3.0)
    with pytest.raises(TypeError, match='never mix'):
        x + numpy.ones(3)
    with pytest.raises(TypeError, match='never mix'):
        cp.add(x, numpy.array(1.0))  # CuPy's kernels reject 0-dim NumPy arrays too
    with pytest.raises(TypeError, match='never mix'):
        cp.concatenate([x, numpy.ones(2)])
    with pytest.raises(AttributeError):
        cp.errstate  # noqa: B018 - NumPy-only
    with pytest.raises(NotImplementedError):
        cp.maximum.accumulate(x)
    with pytest.raises(TypeError):
        cp.argsort(x, stable=True)
    assert isinstance(x + numpy.float32(1), FakeCudaArray) and isinstance(x.sum(), FakeCudaArray)
    assert type(x.get()) is numpy.ndarray and x.device.id == 0 and x.data.ptr
    assert type(cp.asnumpy(cp.asarray(numpy.ones(2)))) is numpy.ndarray


# ------------------------------------------------------------------------------------------------ device API

def test_cuda_api():
    assert ember.cuda.is_available() and ember.cuda.device_count() == 1
    assert ember.cuda.current_device() == 0
    assert 'Fake' in ember.cuda.get_device_name(0)
    assert ember.cuda.get_device_capability() == (9, 0) and ember.cuda.is_bf16_supported()
    ember.cuda.synchronize()
    ember.cuda.manual_seed(0)
    ember.cuda.manual_seed_all(0)
    assert ember.cuda.memory_allocated() == 0 and ember.cuda.max_memory_allocated() >= 0
    ember.cuda.empty_cache()
    with ember.cuda.device(0):
        assert ember.cuda.current_device() == 0
    start, end = ember.cuda.Event(enable_timing=True), ember.cuda.Event(enable_timing=True)
    s = ember.cuda.Stream()
    with ember.cuda.stream(s):
        start.record()
        ember.ones(2, device='cuda') + 1
        end.record()
    end.synchronize()
    assert start.elapsed_time(end) >= 0
    s.synchronize()
    ember.cuda.current_stream().synchronize()


# ------------------------------------------------------------------------------------------------ factories, transfers

@pytest.mark.parametrize('make', [
    lambda d: ember.zeros(2, 3, device=d), lambda d: ember.ones(2, device=d, dtype=ember.int64),
    lambda d: ember.empty(2, 2, device=d), lambda d: ember.full((2,), 1.5, device=d),
    lambda d: ember.arange(5, device=d), lambda d: ember.linspace(0, 1, 4, device=d),
    lambda d: ember.eye(3, device=d), lambda d: ember.tensor([[1., 2.]], device=d),
    lambda d: ember.as_tensor([1, 2], device=d), lambda d: ember.rand(3, device=d),
    lambda d: ember.randn(2, 2, device=d), lambda d: ember.randint(0, 5, (4,), device=d),
    lambda d: ember.zeros_like(ember.ones(2), device=d), lambda d: ember.ones(2).new_zeros(3, device=d),
    lambda d: ember.full_like(ember.ones(2, device=d), 3.0), lambda d: ember.randn_like(ember.ones(2, device=d)),
    lambda d: ember.ones(2, device=d).new_tensor([1, 2]), lambda d: ember.empty_like(ember.ones(2, device=d)),
    lambda d: ember.tril_indices(3, 3, device=d), lambda d: ember.zeros(0, 3, device=d),
], ids=lambda f: '')
def test_factories_on_cuda(make):
    for d in ('cuda', 'cuda:0', CUDA):
        t = make(d)
        assert on_cuda(t), t.device
    assert make('cpu').device == ember.device('cpu')


def test_transfers():
    a = ember.arange(6.).reshape(2, 3)
    b = a.to('cuda')
    assert on_cuda(b) and on_cuda(a.cuda()) and on_cuda(a.cuda(0)) and on_cuda(a.to(CUDA))
    assert b.to('cuda') is b and b.cuda() is b
    c = a.to('cuda', ember.float16, non_blocking=True)
    assert on_cuda(c) and c.dtype == ember.float16
    d = a.to(device='cuda', dtype=ember.int32, non_blocking=True, copy=True)
    assert on_cuda(d) and d.dtype == ember.int32
    assert on_cuda(a.to(b)) and a.to(b).dtype == b.dtype
    back = b.cpu()
    assert type(back._data) is numpy.ndarray and back.device == ember.device('cpu')
    assert back.tolist() == a.tolist() and b.cpu().numpy().sum() == 15
    assert b.get_device() == 0 and a.get_device() == -1
    assert on_cuda(b.t().cuda()) and on_cuda(b[:, 1].contiguous())
    with pytest.raises(TypeError, match="can't convert cuda:0 device type tensor to numpy"):
        b.numpy()
    assert b.sum().item() == 15.0 and float(b.max()) == 5.0 and b.tolist() == a.tolist()
    assert 'cuda:0' in repr(b)


def test_transfer_gradient_flows_back_to_the_source_device():
    a = ember.randn(3, requires_grad=True)
    (a.cuda() * 2).sum().backward()
    assert a.grad.device == ember.device('cpu') and a.grad.tolist() == [2.0, 2.0, 2.0]
    b = ember.randn(3, device='cuda', requires_grad=True)
    (b.cpu() ** 2).sum().backward()
    assert on_cuda(b.grad)


def test_pin_memory():
    a = ember.ones(3).pin_memory()
    assert a.device == ember.device('cpu')
    assert on_cuda(a.cuda(non_blocking=True))


# ------------------------------------------------------------------------------------------------ device mismatch

@pytest.mark.parametrize('op', [
    lambda a, b: a + b, lambda a, b: b * a, lambda a, b: ember.where(a > 0, a, b), lambda a, b: a @ b.t(),
    lambda a, b: ember.cat([a, b]), lambda a, b: ember.stack([b, a]), lambda a, b: F.mse_loss(a, b),
    lambda a, b: F.linear(a, b), lambda a, b: a.add_(b), lambda a, b: ember.maximum(a, b),
], ids=['add', 'mul', 'where', 'matmul', 'cat', 'stack', 'mse_loss', 'linear', 'add_', 'maximum'])
def test_device_mismatch_raises(op):
    a, b = ember.ones(2, 2, device='cuda'), ember.ones(2, 2)
    with pytest.raises(RuntimeError, match='Expected all tensors to be on the same device'):
        op(a, b)
    with pytest.raises(RuntimeError, match='Expected all tensors to be on the same device'):
        op(b, a)


def test_device_mismatch_wording():
    with pytest.raises(RuntimeError) as info:
        ember.ones(2) + ember.ones(2, device='cuda')
    assert str(info.value).startswith(MISMATCH)
    with pytest.raises(RuntimeError) as info:
        ember.ones(2, device='cuda') + ember.ones(2)
    assert str(info.value).startswith(MISMATCH)


def test_cpu_scalar_tensor_with_cuda_tensor():
    x = ember.ones(3, device='cuda')
    for y in (ember.tensor(2.) * x, x * ember.tensor(2.), x + ember.tensor(1, dtype=ember.int64)):
        assert on_cuda(y) and y.tolist() == [2.0, 2.0, 2.0]


def test_grad_device_checks():
    x = ember.ones(2, device='cuda', requires_grad=True)
    with pytest.raises(RuntimeError, match='different device'):
        x.grad = ember.ones(2)


# ------------------------------------------------------------------------------------------------ training on cuda

class _CNN(nn.Module):
    def __init__(self):
        super().__init__()
        # no conv bias: before batch norm its true gradient is exactly 0, so what reaches it is rounding noise,
        # which Adam-style optimizers normalise into full-size steps that differ with any summation order
        self.conv = nn.Conv2d(1, 4, 3, padding=1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        self.fc = nn.Linear(4 * 2 * 2, 3)

    def forward(self, x):
        return self.fc(F.max_pool2d(F.relu(self.bn(self.conv(x))), 2).flatten(1))


def _train(model, optimizer_cls, x, y, steps=3, **kwargs):
    opt = optimizer_cls(model.parameters(), **kwargs)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return opt, losses


@pytest.mark.parametrize('optimizer', [
    (ember.optim.SGD, {'lr': 0.1, 'momentum': 0.9, 'weight_decay': 1e-4}), (ember.optim.Adam, {'lr': 1e-2}),
    (ember.optim.AdamW, {'lr': 1e-2, 'amsgrad': True}), (ember.optim.RMSprop, {'lr': 1e-2}),
    (ember.optim.Adagrad, {'lr': 1e-2}),
], ids=['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad'])
@pytest.mark.parametrize('arch', ['mlp', 'cnn'])
def test_training_step_matches_cpu(arch, optimizer):
    cls, kwargs = optimizer
    rng = numpy.random.default_rng(1)
    if arch == 'mlp':
        build = lambda: nn.Sequential(nn.Linear(5, 8), nn.Tanh(), nn.Dropout(0.0), nn.Linear(8, 3))  # noqa: E731
        x = rng.standard_normal((6, 5)).astype(numpy.float32)
    else:
        build = _CNN
        x = rng.standard_normal((6, 1, 4, 4)).astype(numpy.float32)
    y = rng.integers(0, 3, 6)
    ember.manual_seed(0)
    cpu_model = build()
    cuda_model = build()
    cuda_model.load_state_dict(cpu_model.state_dict())
    assert cuda_model.to('cuda') is cuda_model
    assert all(on_cuda(p) for p in cuda_model.parameters()) and all(on_cuda(b) for b in cuda_model.buffers())
    _, cpu_losses = _train(cpu_model, cls, ember.tensor(x), ember.tensor(y), **kwargs)
    opt, cuda_losses = _train(cuda_model, cls, ember.tensor(x, device='cuda'), ember.tensor(y, device='cuda'),
                              **kwargs)
    numpy.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-5)
    for p in cuda_model.parameters():
        assert on_cuda(p) and on_cuda(p.grad)
        for value in opt.state[p].values():
            if isinstance(value, ember.Tensor) and value.dim() > 0:
                assert on_cuda(value), f'{cls.__name__} state on {value.device}'
    for (name, a), b in zip(cpu_model.state_dict().items(), cuda_model.state_dict().values()):
        numpy.testing.assert_allclose(b.cpu().numpy(), a.numpy(), rtol=1e-4, atol=1e-6, err_msg=name)


def test_optimizer_state_dict_round_trip_on_cuda():
    model = nn.Linear(3, 2).cuda()
    opt = ember.optim.Adam(model.parameters(), lr=0.1)
    model(ember.ones(4, 3, device='cuda')).sum().backward()
    opt.step()
    state = opt.state_dict()
    opt2 = ember.optim.Adam(model.parameters(), lr=0.1)
    opt2.load_state_dict(state)
    for value in opt2.state[model.weight].values():
        if isinstance(value, ember.Tensor) and value.dim() > 0:
            assert on_cuda(value)
    opt2.step()


def test_clip_grad_norm_on_cuda():
    model = nn.Linear(3, 2).cuda()
    model(ember.ones(4, 3, device='cuda')).sum().backward()
    total = nn.utils.clip_grad_norm_(model.parameters(), 0.1)
    assert on_cuda(total) and all(on_cuda(p.grad) for p in model.parameters())


# ------------------------------------------------------------------------------------------------ save / load

def test_save_and_load_cuda_tensors():
    model = nn.Linear(3, 2).cuda()
    buf = io.BytesIO()
    ember.save({'model': model.state_dict(), 't': ember.arange(4., device='cuda')}, buf)
    for location, check in (('cpu', lambda t: type(t._data) is numpy.ndarray), ('cuda', on_cuda),
                            (None, on_cuda), (ember.device('cpu'), lambda t: t.device.type == 'cpu'),
                            ({'cuda:0': 'cpu'}, lambda t: t.device.type == 'cpu')):
        buf.seek(0)
        loaded = ember.load(buf, map_location=location)
        assert check(loaded['t']) and loaded['t'].tolist() == [0.0, 1.0, 2.0, 3.0], location
        assert check(loaded['model']['weight']), location
    buf.seek(0)
    fresh = nn.Linear(3, 2)
    fresh.load_state_dict(ember.load(buf, map_location='cpu')['model'])
    assert fresh.weight.tolist() == model.weight.cpu().tolist()


def test_save_cpu_load_to_cuda():
    buf = io.BytesIO()
    ember.save(ember.ones(2, 2), buf)
    buf.seek(0)
    assert on_cuda(ember.load(buf, map_location='cuda'))


# ------------------------------------------------------------------------------------------------ data

def test_dataloader_pin_memory_then_cuda():
    data = ember.utils.data.TensorDataset(ember.randn(10, 3), ember.arange(10))
    loader = ember.utils.data.DataLoader(data, batch_size=4, pin_memory=True)
    seen = 0
    for x, y in loader:
        x, y = x.cuda(non_blocking=True), y.to('cuda', non_blocking=True)
        assert on_cuda(x) and on_cuda(y)
        seen += len(y)
    assert seen == 10


# ------------------------------------------------------------------------------------------------ autocast

def test_autocast_cuda_with_grad_scaler():
    ember.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2)).cuda()
    opt = ember.optim.SGD(model.parameters(), lr=0.1)
    scaler = ember.amp.GradScaler('cuda')
    assert scaler.is_enabled()
    x, y = ember.randn(5, 4, device='cuda'), ember.tensor([0, 1, 0, 1, 1], device='cuda')
    before = [p.detach().clone() for p in model.parameters()]
    for _ in range(2):
        opt.zero_grad()
        with ember.autocast('cuda'):
            out = model(x)
            assert out.dtype == ember.float16 and on_cuda(out)
            loss = F.cross_entropy(out, y)
            assert loss.dtype == ember.float32
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
    assert all(p.dtype == ember.float32 and on_cuda(p) and on_cuda(p.grad) for p in model.parameters())
    assert any(not ember.equal(a, b) for a, b in zip(before, model.parameters()))
    assert on_cuda(scaler._scale) if isinstance(getattr(scaler, '_scale', None), ember.Tensor) else True


def test_autocast_bf16_and_legacy_names():
    a, b = ember.randn(3, 4, device='cuda'), ember.randn(4, 2, device='cuda')
    with ember.autocast('cuda', dtype=ember.bfloat16):
        y = a @ b
    assert y.dtype == ember.bfloat16 and on_cuda(y)
    with ember.cuda.amp.autocast():
        z = F.linear(a, b.t())
    assert z.dtype == ember.float16 and on_cuda(z)
    scaler = ember.cuda.amp.GradScaler()
    loss = (z.float() ** 2).sum()
    assert on_cuda(scaler.scale(loss))


def test_grad_scaler_skips_step_on_inf():
    p = nn.Parameter(ember.ones(2, device='cuda'))
    opt = ember.optim.SGD([p], lr=1.0)
    scaler = ember.amp.GradScaler('cuda', init_scale=4.0)
    scaler.scale((p * float('inf')).sum()).backward()
    scaler.step(opt)
    scaler.update()
    assert p.tolist() == [1.0, 1.0] and scaler.get_scale() == 2.0

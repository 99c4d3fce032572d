"""ember.device and device placement compared with PyTorch; CUDA requests without a GPU raise RuntimeError."""
from __future__ import annotations

import pickle

import pytest

import ember
import torch
from ember._backend import cuda_available

CUDA = cuda_available()
no_gpu = pytest.mark.skipif(CUDA, reason='checks the error raised on a machine without a GPU')


@pytest.mark.parametrize('args', [('cpu',), ('cuda',), ('cuda:1',), ('cuda', 2), ('meta',), ('cpu', 0)], ids=repr)
def test_device_parsing(args):
    e, t = ember.device(*args), torch.device(*args)
    assert (e.type, e.index) == (t.type, t.index)
    assert str(e) == str(t) and repr(e) == repr(t)
    assert pickle.loads(pickle.dumps(e)) == e
    assert ember.device(e) is e


@pytest.mark.parametrize('args', [('foo',), ('cuda:x',), ('cuda', -1), ('cuda:1', 1), ('cpu:-1',)], ids=repr)
def test_device_errors(args):
    with pytest.raises(Exception) as t_info:
        torch.device(*args)
    with pytest.raises(Exception) as e_info:
        ember.device(*args)
    assert type(e_info.value) is type(t_info.value)


def test_device_equality_and_hash():
    assert ember.device('cuda:0') == ember.device('cuda', 0)
    assert ember.device('cuda') != ember.device('cuda:0')
    assert (ember.device('cpu') == 'cpu') == (torch.device('cpu') == 'cpu')
    assert len({ember.device('cpu'), ember.device('cpu'), ember.device('cuda:1')}) == 2
    with pytest.raises(AttributeError):
        ember.device('cpu').index = 3


FACTORIES = {
    'tensor': lambda lib, d: lib.tensor([1., 2.], device=d),
    'as_tensor': lambda lib, d: lib.as_tensor([1., 2.], device=d),
    'zeros': lambda lib, d: lib.zeros(2, device=d),
    'ones': lambda lib, d: lib.ones(2, device=d),
    'empty': lambda lib, d: lib.empty(2, device=d),
    'full': lambda lib, d: lib.full((2,), 3., device=d),
    'zeros_like': lambda lib, d: lib.zeros_like(lib.ones(2), device=d),
    'arange': lambda lib, d: lib.arange(3, device=d),
    'linspace': lambda lib, d: lib.linspace(0, 1, 3, device=d),
    'logspace': lambda lib, d: lib.logspace(0, 1, 3, device=d),
    'eye': lambda lib, d: lib.eye(2, device=d),
    'rand': lambda lib, d: lib.rand(2, device=d),
    'randn': lambda lib, d: lib.randn(2, device=d),
    'randint': lambda lib, d: lib.randint(3, (2,), device=d),
    'randperm': lambda lib, d: lib.randperm(3, device=d),
    'normal': lambda lib, d: lib.normal(0., 1., (2,), device=d),
    'scalar_tensor': lambda lib, d: lib.scalar_tensor(1., device=d),
    'tril_indices': lambda lib, d: lib.tril_indices(2, 2, device=d),
    'empty_strided': lambda lib, d: lib.empty_strided((2,), (1,), device=d),
    'new_zeros': lambda lib, d: lib.ones(1).new_zeros(2, device=d),
}


@pytest.mark.parametrize('name', list(FACTORIES))
def test_factories_accept_cpu_device(name):
    for d in ['cpu', ember.device('cpu')]:
        e = FACTORIES[name](ember, d)
        t = FACTORIES[name](torch, 'cpu')
        assert e.device == ember.device('cpu') and str(e.device) == str(t.device)
        assert e.is_cpu and not e.is_cuda and e.get_device() == t.get_device()


@no_gpu
@pytest.mark.parametrize('name', list(FACTORIES))
@pytest.mark.parametrize('where', ['cuda', 'cuda:0', 'cuda:1'])
def test_factories_cuda_without_gpu_raise_runtime_error(name, where):
    with pytest.raises(RuntimeError, match='NVIDIA'):
        FACTORIES[name](ember, where)


@no_gpu
def test_moves_to_cuda_without_gpu_raise_runtime_error():
    x = ember.ones(2)
    for move in [lambda: x.cuda(), lambda: x.to('cuda'), lambda: x.to('cuda:0', ember.float64),
                 lambda: x.to(device='cuda', non_blocking=True), lambda: ember.Generator('cuda'),
                 lambda: x.type('torch.cuda.FloatTensor'), lambda: ember.tensor([1.], device='cuda')]:
        with pytest.raises(RuntimeError, match='no NVIDIA driver'):
            move()
    assert x.device == ember.device('cpu')


def test_to_device_and_dtype_forms():
    x_e, x_t = ember.ones(2, 3), torch.ones(2, 3)
    for args, kwargs in [(('cpu',), {}), (('cpu', ember.float64), {}), ((), {'device': 'cpu'}),
                         ((ember.device('cpu'),), {'dtype': ember.int32, 'non_blocking': True}),
                         ((ember.float16,), {'copy': True}), ((), {'dtype': ember.bool})]:
        t_args = tuple(getattr(torch, str(a)[6:]) if isinstance(a, ember.dtype) else
                       torch.device(str(a)) if isinstance(a, ember.device) else a for a in args)
        t_kwargs = {k: getattr(torch, str(v)[6:]) if isinstance(v, ember.dtype) else v for k, v in kwargs.items()}
        e, t = x_e.to(*args, **kwargs), x_t.to(*t_args, **t_kwargs)
        assert str(e.dtype) == str(t.dtype) and str(e.device) == str(t.device) and e.shape == t.shape
        assert (e is x_e) == (t is x_t)
    assert x_e.cpu() is x_e


def test_default_device_and_repr_suffix():
    assert ember.get_default_device() == ember.device('cpu')
    assert repr(ember.zeros(2)) == repr(torch.zeros(2))
    ember.set_default_device('cpu')
    try:
        assert ember.zeros(1).device == ember.device('cpu')
    finally:
        ember.set_default_device(None)


@pytest.mark.skipif(not CUDA, reason='no CUDA device')
def test_cuda_round_trip(device):
    x = ember.arange(4., device='cuda')
    assert x.is_cuda and x.device == ember.device('cuda', 0) and x.get_device() == 0
    assert "device='cuda:0'" in repr(x)
    y = x.cpu()
    assert y.is_cpu and y.tolist() == [0., 1., 2., 3.]
    g = ember.Generator('cuda').manual_seed(0)
    assert ember.rand(3, device='cuda', generator=g).is_cuda

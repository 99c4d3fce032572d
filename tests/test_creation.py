"""Tensor creation compared with PyTorch: tensor/as_tensor/from_numpy, factories, ranges, eye, meshgrid, complex."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import ember
import torch


def same(e, t, exact=True):
    """Same dtype, shape and values (exactly, or within float tolerance)."""
    assert isinstance(e, ember.Tensor), type(e)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    a = e.detach().numpy(force=True)
    b = (t.detach().float() if t.dtype == torch.bfloat16 else t.detach()).numpy()
    if exact:
        np.testing.assert_array_equal(a.astype(b.dtype), b)
    else:
        np.testing.assert_allclose(a.astype(b.dtype), b, rtol=2e-6, atol=1e-6)


def raises_like(fn, exc=None):
    """Call fn(torch) and fn(ember): both must raise the same exception type (and ember's the given one)."""
    with pytest.raises(Exception) as t_info:
        fn(torch)
    with pytest.raises(Exception) as e_info:
        fn(ember)
    assert type(e_info.value) is (exc or type(t_info.value)), (e_info.value, t_info.value)
    return str(e_info.value), str(t_info.value)


DATA = [
    [1, 2], [1., 2.], [True, False], [1, 2.5], [True, 2], [[1, 2], [3, 4]], [], [[]], [[], []], 3, 3.5, True,
    1 + 2j, [1, 2j], [[1.5, 2], [3, 4]], (1, 2), [(1, 2), (3, 4)], 2**62, -2**63, [0.1, 1e-8, 1e30],
]


@pytest.mark.parametrize('data', DATA, ids=repr)
def test_tensor_inference(data):
    same(ember.tensor(data), torch.tensor(data))


@pytest.mark.parametrize('dtype', ['float64', 'int32', 'bool', 'float16', 'bfloat16', 'uint8', 'complex64'])
def test_tensor_dtype_argument(dtype):
    data = [[1, 0], [3, 4]]
    same(ember.tensor(data, dtype=getattr(ember, dtype)), torch.tensor(data, dtype=getattr(torch, dtype)))


def test_tensor_from_numpy_and_tensors():
    for arr in [np.arange(6.).reshape(2, 3), np.arange(4, dtype=np.int32), np.array(True), np.float32(2.5) * 1,
                np.ones((2, 0))]:
        same(ember.tensor(arr), torch.tensor(arr))
    same(ember.tensor([ember.tensor(1.), ember.tensor(2.)]), torch.tensor([torch.tensor(1.), torch.tensor(2.)]))
    same(ember.tensor([np.float64(1.5), 2]), torch.tensor([np.float64(1.5), 2]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        ember.tensor(ember.ones(2))
    assert any('sourceTensor.detach().clone()' in str(w.message) for w in caught)


def test_tensor_copies_and_default_dtype():
    arr = np.arange(3.)
    t = ember.tensor(arr)
    arr[0] = 100
    assert t.tolist()[0] == 0
    ember.set_default_dtype(ember.float64)
    same(ember.tensor([1.5]), torch.tensor([1.5], dtype=torch.float64))
    assert ember.tensor([1]).dtype is ember.int64
    assert ember.tensor([1j]).dtype is ember.complex128
    ember.set_default_dtype(ember.float32)
    assert ember.tensor([1j]).dtype is ember.complex64


def test_tensor_errors():
    raises_like(lambda lib: lib.tensor([[1, 2], [3]]), ValueError)
    raises_like(lambda lib: lib.tensor('abc'), TypeError)
    raises_like(lambda lib: lib.tensor([1, 2], requires_grad=True), RuntimeError)
    raises_like(lambda lib: lib.tensor([object()]), TypeError)
    raises_like(lambda lib: lib.tensor(2**64), RuntimeError)
    raises_like(lambda lib: lib.tensor(2**63), ValueError)
    raises_like(lambda lib: lib.tensor([1, 2**63]), ValueError)


def test_as_tensor_and_from_numpy_share_memory():
    arr = np.arange(4.)
    for t in (ember.as_tensor(arr), ember.from_numpy(arr), ember.asarray(arr)):
        t.mul_(2)
        assert arr.tolist() == [0, 2, 4, 6]
        arr[1] = 1
        assert t.tolist()[1] == 1
        arr[:] = np.arange(4.)
    e = ember.from_numpy(arr)
    assert e.numpy() is arr or np.shares_memory(e.numpy(), arr)
    copied = ember.as_tensor(arr, dtype=ember.float32)
    copied.add_(5)
    assert arr[0] == 0
    x = ember.ones(3)
    assert ember.as_tensor(x) is x
    assert ember.asarray(x, copy=True) is not x
    raises_like(lambda lib: lib.from_numpy(np.arange(4.)[::-1]), ValueError)
    raises_like(lambda lib: lib.from_numpy([1, 2]), TypeError)


def test_numpy_round_trip_shares_memory():
    t = ember.zeros(3)
    a = t.numpy()
    a[0] = 3
    assert t.tolist()[0] == 3
    t.add_(1)
    assert a[1] == 1
    assert np.asarray(t).tolist() == [4, 1, 1]
    with pytest.raises(RuntimeError, match='requires grad'):
        ember.zeros(2, requires_grad=True).numpy()


def test_dlpack_round_trips():
    arr = np.arange(6.).reshape(2, 3)
    e = ember.from_dlpack(arr)
    e.add_(1)
    assert arr[0, 0] == 1
    t = torch.arange(4.)
    e = ember.from_dlpack(t)
    e.mul_(2)
    assert t.tolist() == [0, 2, 4, 6]
    back = torch.from_dlpack(e)
    back[1] = 7
    assert e.tolist()[1] == 7
    n = np.from_dlpack(ember.arange(3))
    assert n.tolist() == [0, 1, 2]
    with pytest.raises(RuntimeError):
        ember.ones(2, requires_grad=True).__dlpack__()


FACTORY_SIZES = [(2, 3), ((2, 3),), ([2, 3],), ((),), (0,), (torch.Size([2, 1]),)]


@pytest.mark.parametrize('name', ['zeros', 'ones', 'empty'])
@pytest.mark.parametrize('size', FACTORY_SIZES, ids=repr)
def test_basic_factories(name, size):
    e_size = tuple(ember.Size(s) if isinstance(s, torch.Size) else s for s in size)
    e = getattr(ember, name)(*e_size)
    t = getattr(torch, name)(*size)
    if name == 'empty':
        assert e.shape == t.shape and str(e.dtype) == str(t.dtype)
    else:
        same(e, t)


@pytest.mark.parametrize('fill', [1, 1.5, True, 2j, -3])
def test_full_infers_dtype(fill):
    same(ember.full((2, 2), fill), torch.full((2, 2), fill))
    if not isinstance(fill, complex):
        same(ember.full((2,), fill, dtype=ember.float64), torch.full((2,), fill, dtype=torch.float64))
    raises_like(lambda lib: lib.full((2,), 2j, dtype=lib.float32), RuntimeError)
    raises_like(lambda lib: lib.full((2,), 300, dtype=lib.uint8), RuntimeError)


def test_like_factories_and_new():
    x_e, x_t = ember.ones(2, 3, dtype=ember.int32), torch.ones(2, 3, dtype=torch.int32)
    for name in ['zeros_like', 'ones_like', 'empty_like']:
        e, t = getattr(ember, name)(x_e), getattr(torch, name)(x_t)
        assert e.shape == t.shape and str(e.dtype) == str(t.dtype)
    same(ember.full_like(x_e, 7), torch.full_like(x_t, 7))
    same(ember.zeros_like(x_e, dtype=ember.float64), torch.zeros_like(x_t, dtype=torch.float64))
    same(x_e.new_zeros(2), x_t.new_zeros(2))
    same(x_e.new_ones((1, 2)), x_t.new_ones((1, 2)))
    same(x_e.new_full((3,), 2), x_t.new_full((3,), 2))
    same(x_e.new_tensor([1.5, 2]), x_t.new_tensor([1.5, 2]))
    same(x_e.new_zeros(()), x_t.new_zeros(()))
    same(x_e.new_tensor([1, 2], dtype=ember.float32), x_t.new_tensor([1, 2], dtype=torch.float32))
    assert x_e.new_empty(2, 3).shape == (2, 3) and x_e.new_empty(2).dtype is ember.int32
    r = ember.zeros(2).new_zeros(3, requires_grad=True)
    assert r.requires_grad and r.is_leaf


def test_factory_errors():
    raises_like(lambda lib: lib.zeros(2, -1), RuntimeError)
    raises_like(lambda lib: lib.ones(2, 1.5), TypeError)
    raises_like(lambda lib: lib.zeros(2, dtype=lib.int64, requires_grad=True), RuntimeError)


def test_factory_out_and_requires_grad():
    out_e, out_t = ember.empty(0), torch.empty(0)
    ember.zeros(2, 2, out=out_e)
    torch.zeros(2, 2, out=out_t)
    same(out_e, out_t)
    e = ember.ones(3, requires_grad=True)
    assert e.requires_grad and e.is_leaf and e.grad_fn is None


# ------------------------------------------------------------------------------------------------ ranges

ARANGE = [(5,), (0, 5), (1, 10, 3), (10, 1, -2), (0., 1., 0.1), (0, 1, 0.1), (-1.5, 2.5, 0.5), (5.,),
          (0, 5, 1.5), (1, 1), (0, 10, 0.3), (-3, 7, 2)]


@pytest.mark.parametrize('args', ARANGE, ids=repr)
def test_arange(args):
    same(ember.arange(*args), torch.arange(*args), exact=False)


@pytest.mark.parametrize('dtype', ['int32', 'int64', 'float64', 'float16', 'uint8'])
def test_arange_dtype(dtype):
    for args in [(0, 5), (0, 5, 1.5), (0.5, 5, 1), (-0.5, 5, 1), (0., 1., 0.25)]:
        if dtype == 'uint8' and args[0] < 0 or dtype in ('int32', 'int64', 'uint8') and 0 < args[-1] < 1:
            continue
        same(ember.arange(*args, dtype=getattr(ember, dtype)), torch.arange(*args, dtype=getattr(torch, dtype)),
             exact=dtype != 'float16')


def test_arange_tensor_arguments_and_default_dtype():
    same(ember.arange(ember.tensor(3)), torch.arange(torch.tensor(3)))
    same(ember.arange(ember.tensor(3.)), torch.arange(torch.tensor(3.)))
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        same(ember.arange(0., 1., 0.25), torch.arange(0., 1., 0.25))
        same(ember.linspace(0, 1, 5), torch.linspace(0, 1, 5))
        same(ember.tensor([1.5]), torch.tensor([1.5]))
    finally:
        torch.set_default_dtype(torch.float32)


def test_arange_errors():
    raises_like(lambda lib: lib.arange(5, 0), RuntimeError)
    raises_like(lambda lib: lib.arange(0, 5, 0), RuntimeError)
    raises_like(lambda lib: lib.arange(0, math.nan), RuntimeError)
    m_e, m_t = raises_like(lambda lib: lib.arange(5, 0))
    assert m_e == m_t


def test_arange_out_and_grad():
    out_e, out_t = ember.empty(0, dtype=ember.int64), torch.empty(0, dtype=torch.int64)
    same(ember.arange(4, out=out_e), torch.arange(4, out=out_t))
    assert ember.arange(3., requires_grad=True).requires_grad


@pytest.mark.parametrize('args', [(1, 4), (1, 4, 0.5), (0, 1, 0.1), (4., 1., -1.)], ids=repr)
def test_range_deprecated(args):
    with pytest.warns(UserWarning, match='torch.range is deprecated'):
        e = ember.range(*args)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = torch.range(*args)
    same(e, t, exact=False)


LINSPACE = [(0, 1, 5), (0, 10, 4), (-1, 1, 1), (3, 3, 0), (0, 1, 2), (1e-3, 1e3, 7), (10, -10, 11), (0, 1, 100)]


@pytest.mark.parametrize('args', LINSPACE, ids=repr)
@pytest.mark.parametrize('dtype', [None, 'float64', 'int64', 'int32'])
def test_linspace(args, dtype):
    kw = {} if dtype is None else {'dtype': dtype}
    same(ember.linspace(*args, **{k: getattr(ember, v) for k, v in kw.items()}),
         torch.linspace(*args, **{k: getattr(torch, v) for k, v in kw.items()}), exact=False)


def test_linspace_complex_tensor_args_and_errors():
    same(ember.linspace(0j, 10, 3), torch.linspace(0j, 10, 3), exact=False)
    same(ember.linspace(ember.tensor(0.), ember.tensor(10.), 3), torch.linspace(torch.tensor(0.),
                                                                                 torch.tensor(10.), 3))
    raises_like(lambda lib: lib.linspace(0, 10, -1), RuntimeError)
    raises_like(lambda lib: lib.linspace(0, 10, 4.), TypeError)


@pytest.mark.parametrize('args,kwargs', [((0, 3, 4), {}), ((0, 3, 4), {'base': 2}), ((-2, 2, 5), {}),
                                         ((0, 3, 4), {'dtype': 'int64'}), ((0, 1, 3), {'dtype': 'float64'})],
                         ids=repr)
def test_logspace(args, kwargs):
    ekw = {k: getattr(ember, v) if k == 'dtype' else v for k, v in kwargs.items()}
    tkw = {k: getattr(torch, v) if k == 'dtype' else v for k, v in kwargs.items()}
    same(ember.logspace(*args, **ekw), torch.logspace(*args, **tkw), exact=False)


@pytest.mark.parametrize('args', [(3,), (2, 4), (0,), (3, 0)], ids=repr)
@pytest.mark.parametrize('dtype', [None, 'int64', 'bool'])
def test_eye(args, dtype):
    kw_e = {} if dtype is None else {'dtype': getattr(ember, dtype)}
    kw_t = {} if dtype is None else {'dtype': getattr(torch, dtype)}
    same(ember.eye(*args, **kw_e), torch.eye(*args, **kw_t))


def test_eye_errors():
    for args in [(-1,), (2, -1)]:
        m_e, m_t = raises_like(lambda lib, a=args: lib.eye(*a), RuntimeError)
        assert m_e == m_t


@pytest.mark.parametrize('indexing', ['ij', 'xy'])
def test_meshgrid(indexing):
    a, b, c = np.arange(2.), np.arange(3.) + 10, np.arange(4.) * 2
    for arrays in [(a,), (a, b), (a, b, c), (np.array(5.), b)]:
        es = ember.meshgrid(*[ember.tensor(x) for x in arrays], indexing=indexing)
        ts = torch.meshgrid(*[torch.tensor(x) for x in arrays], indexing=indexing)
        assert len(es) == len(ts)
        for e, t in zip(es, ts):
            same(e, t)
    es = ember.meshgrid([ember.tensor(a), ember.tensor(b)], indexing=indexing)
    assert es[0].shape == torch.meshgrid([torch.tensor(a), torch.tensor(b)], indexing=indexing)[0].shape


def test_meshgrid_grad_and_errors():
    x_e = ember.tensor([1., 2.], requires_grad=True)
    y_e = ember.tensor([3., 4., 5.], requires_grad=True)
    x_t = torch.tensor([1., 2.], requires_grad=True)
    y_t = torch.tensor([3., 4., 5.], requires_grad=True)
    gx, gy = ember.meshgrid(x_e, y_e, indexing='xy')
    (gx * gy * gy).sum().backward()
    gx, gy = torch.meshgrid(x_t, y_t, indexing='xy')
    (gx * gy * gy).sum().backward()
    same(x_e.grad, x_t.grad)
    same(y_e.grad, y_t.grad)
    with pytest.warns(UserWarning, match='indexing argument'):
        ember.meshgrid(ember.arange(2), ember.arange(3))
    raises_like(lambda lib: lib.meshgrid(lib.arange(2), lib.arange(3.), indexing='ij'), RuntimeError)
    raises_like(lambda lib: lib.meshgrid(lib.zeros(2, 2), indexing='ij'), RuntimeError)
    raises_like(lambda lib: lib.meshgrid(lib.arange(2), indexing='foo'), RuntimeError)
    raises_like(lambda lib: lib.meshgrid(indexing='ij'), RuntimeError)


def test_complex_and_polar():
    re, im = np.array([1., -2., 0.5]), np.array([0.5, 3., -1.])
    for dtype in ['float32', 'float64']:
        r_e, i_e = ember.tensor(re, dtype=getattr(ember, dtype)), ember.tensor(im, dtype=getattr(ember, dtype))
        r_t, i_t = torch.tensor(re, dtype=getattr(torch, dtype)), torch.tensor(im, dtype=getattr(torch, dtype))
        same(ember.complex(r_e, i_e), torch.complex(r_t, i_t))
        same(ember.polar(r_e, i_e), torch.polar(r_t, i_t), exact=False)
    same(ember.complex(ember.tensor([[1.], [2.]]), ember.tensor([3., 4.])),
         torch.complex(torch.tensor([[1.], [2.]]), torch.tensor([3., 4.])))
    raises_like(lambda lib: lib.complex(lib.tensor([1, 2]), lib.tensor([1, 2])), RuntimeError)
    raises_like(lambda lib: lib.complex(lib.tensor([1.]), lib.tensor([1.], dtype=lib.float64)), RuntimeError)
    raises_like(lambda lib: lib.complex(lib.tensor([1.]), 2.), TypeError)


def test_complex_grad():
    re, im = np.array([1., -2.]), np.array([0.5, 3.])
    grads = []
    for lib in (ember, torch):
        r = lib.tensor(re, requires_grad=True)
        i = lib.tensor(im, requires_grad=True)
        z = lib.complex(r, i)
        z.backward(lib.tensor([1 + 2j, 3 - 1j], dtype=lib.complex128))
        grads.append((r.grad.numpy(), i.grad.numpy()))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-6)
    np.testing.assert_allclose(grads[0][1], grads[1][1], rtol=1e-6)


def test_empty_strided_scalar_tensor_tri_indices():
    e, t = ember.empty_strided((2, 3), (1, 2)), torch.empty_strided((2, 3), (1, 2))
    assert e.stride() == t.stride() and e.shape == t.shape and not e.is_contiguous()
    assert e.numpy().flags.writeable
    raises_like(lambda lib: lib.empty_strided((2, 3), (1,)), RuntimeError)
    for s in [5, True, 2.5, -1]:
        same(ember.scalar_tensor(s), torch.scalar_tensor(s))
    same(ember.scalar_tensor(3, dtype=ember.int32), torch.scalar_tensor(3, dtype=torch.int32))
    for args in [(3, 4, 1), (3, 3), (4, 3, -1), (0, 3), (3, 4, 10), (3, 4, -10)]:
        same(ember.tril_indices(*args), torch.tril_indices(*args))
        same(ember.triu_indices(*args), torch.triu_indices(*args))
    same(ember.triu_indices(3, 4, -1, dtype=ember.int32), torch.triu_indices(3, 4, -1, dtype=torch.int32))
    m_e, m_t = raises_like(lambda lib: lib.tril_indices(-1, 3), RuntimeError)
    assert m_e == m_t
    raises_like(lambda lib: lib.tril_indices(3, 3, dtype=lib.float32), NotImplementedError)


def test_legacy_constructors():
    same(ember.Tensor(2, 3).zero_() if hasattr(ember.Tensor, 'zero_') else ember.zeros(2, 3), torch.zeros(2, 3))
    assert ember.Tensor(2, 3).shape == (2, 3) and ember.Tensor(2, 3).dtype is ember.float32
    same(ember.Tensor([1, 2]), torch.Tensor([1, 2]))
    same(ember.Tensor(), torch.Tensor())
    same(ember.FloatTensor([1, 2]), torch.FloatTensor([1, 2]))
    same(ember.LongTensor([1.7, 2]), torch.LongTensor([1.7, 2]))
    same(ember.DoubleTensor(2).zero_() if hasattr(ember.Tensor, 'zero_') else ember.zeros(2, dtype=ember.float64),
         torch.DoubleTensor(2).zero_())
    same(ember.BoolTensor([1, 0]), torch.BoolTensor([1, 0]))
    same(ember.IntTensor(ember.Size([2])).fill_(0) if hasattr(ember.Tensor, 'fill_') else ember.zeros(2,
         dtype=ember.int32), torch.IntTensor(torch.Size([2])).fill_(0))
    assert isinstance(ember.ones(2), ember.FloatTensor) and not isinstance(ember.ones(2), ember.LongTensor)
    assert isinstance(ember.ones(2, dtype=ember.int64), ember.LongTensor)
    assert ember.Tensor([1]).is_leaf and not ember.Tensor([1.]).requires_grad


def test_predicates_and_constants():
    for name in ['e', 'pi', 'inf']:
        assert getattr(ember, name) == getattr(torch, name)
    assert math.isnan(ember.nan)
    assert ember.is_tensor(ember.ones(1)) and not ember.is_tensor(np.ones(1))
    assert ember.is_floating_point(ember.ones(1)) and not ember.is_floating_point(ember.ones(1, dtype=ember.int64))
    assert ember.is_complex(ember.ones(1, dtype=ember.complex64))
    assert ember.numel(ember.ones(2, 3)) == 6
    assert ember.is_nonzero(ember.tensor([1.5])) and not ember.is_nonzero(ember.tensor(0))
    raises_like(lambda lib: lib.is_nonzero(lib.tensor([1, 2])), RuntimeError)
    raises_like(lambda lib: lib.is_nonzero(lib.tensor([])), RuntimeError)
    assert ember.typename(ember.ones(2)) == torch.typename(torch.ones(2))
    assert ember.typename(ember.ones(2, dtype=ember.int64)) == torch.typename(torch.ones(2, dtype=torch.int64))
    assert ember.typename(3) == torch.typename(3)
    assert repr(ember.strided) == repr(torch.strided) and ember.ones(1).layout is ember.strided
    assert repr(ember.channels_last) == repr(torch.channels_last)


def test_frombuffer():
    buf = bytearray(np.arange(4, dtype=np.float32).tobytes())
    e = ember.frombuffer(buf, dtype=ember.float32)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        t = torch.frombuffer(bytearray(buf), dtype=torch.float32)
    same(e, t)
    e.add_(9)
    assert np.frombuffer(bytes(buf), dtype=np.float32)[0] == 9


def test_default_device_roundtrip():
    assert ember.get_default_device() == ember.device('cpu')
    ember.set_default_device('cpu')
    assert ember.zeros(1).device == ember.device('cpu')
    ember.set_default_device(None)

"""Random sampling and generators compared with PyTorch: signatures, shapes, dtypes, errors, gradients and
distributions (ember's streams differ from PyTorch's, so values are checked statistically and for reproducibility)."""
from __future__ import annotations

import pickle

import numpy as np
import pytest

import ember
import torch


def raises_like(fn, exc=None, same_message=False):
    with pytest.raises(Exception) as t_info:
        fn(torch)
    with pytest.raises(Exception) as e_info:
        fn(ember)
    assert type(e_info.value) is type(t_info.value), (e_info.value, t_info.value)
    if exc is not None:
        assert type(e_info.value) is exc
    if same_message:
        assert str(e_info.value) == str(t_info.value)


def meta(e, t):
    assert tuple(e.shape) == tuple(t.shape), (e.shape, t.shape)
    assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
    assert e.requires_grad == t.requires_grad


# (call, needs generator keyword) — each call is written once for both libraries
SAMPLERS = {
    'rand': lambda lib, **kw: lib.rand(2, 3, **kw),
    'rand_size_kw': lambda lib, **kw: lib.rand(size=(2, 3), **kw),
    'rand_f64': lambda lib, **kw: lib.rand((4,), dtype=lib.float64, **kw),
    'rand_0dim': lambda lib, **kw: lib.rand((), **kw),
    'rand_complex': lambda lib, **kw: lib.rand(3, dtype=lib.complex64, **kw),
    'randn': lambda lib, **kw: lib.randn(5, **kw),
    'randn_half': lambda lib, **kw: lib.randn(2, 2, dtype=lib.float16, **kw),
    'randn_bf16': lambda lib, **kw: lib.randn(2, 2, dtype=lib.bfloat16, **kw),
    'randn_complex': lambda lib, **kw: lib.randn(3, dtype=lib.complex128, **kw),
    'randn_grad': lambda lib, **kw: lib.randn(3, requires_grad=True, **kw),
    'randint_high': lambda lib, **kw: lib.randint(5, (3,), **kw),
    'randint_low_high': lambda lib, **kw: lib.randint(2, 9, (2, 2), **kw),
    'randint_kw': lambda lib, **kw: lib.randint(high=5, size=(3,), **kw),
    'randint_low_kw': lambda lib, **kw: lib.randint(low=1, high=5, size=(3,), **kw),
    'randint_float': lambda lib, **kw: lib.randint(0, 10, (4,), dtype=lib.float32, **kw),
    'randint_uint8': lambda lib, **kw: lib.randint(0, 256, (4,), dtype=lib.uint8, **kw),
    'randperm': lambda lib, **kw: lib.randperm(6, **kw),
    'randperm_f': lambda lib, **kw: lib.randperm(6, dtype=lib.float32, **kw),
    'randperm_0': lambda lib, **kw: lib.randperm(0, **kw),
    'normal_tt': lambda lib, **kw: lib.normal(lib.zeros(2, 3), lib.ones(3), **kw),
    'normal_tf': lambda lib, **kw: lib.normal(lib.zeros(4), 2.0, **kw),
    'normal_ft': lambda lib, **kw: lib.normal(1.0, lib.ones(4, dtype=lib.float64), **kw),
    'normal_ffs': lambda lib, **kw: lib.normal(2.0, 3.0, (2, 5), **kw),
    'normal_ffs_dtype': lambda lib, **kw: lib.normal(2.0, 3.0, size=(2,), dtype=lib.float64, **kw),
    'bernoulli': lambda lib, **kw: lib.bernoulli(lib.full((3, 4), 0.3), **kw),
    'bernoulli_p': lambda lib, **kw: lib.bernoulli(lib.zeros(5, dtype=lib.float64), 0.7, **kw),
    'multinomial': lambda lib, **kw: lib.multinomial(lib.tensor([1., 2., 3., 4.]), 3, **kw),
    'multinomial_rep': lambda lib, **kw: lib.multinomial(lib.tensor([[1., 0., 3.], [0., 1., 0.]]), 6, True,
                                                         **kw),
    'poisson': lambda lib, **kw: lib.poisson(lib.tensor([1., 5., 0.]), **kw),
    'rand_like': lambda lib, **kw: lib.rand_like(lib.zeros(2, 3, dtype=lib.float64), **kw),
    'randn_like': lambda lib, **kw: lib.randn_like(lib.zeros(2, 3), dtype=lib.float16, **kw),
    'randint_like': lambda lib, **kw: lib.randint_like(lib.zeros(2, 3), 5, **kw),
    'randint_like_lh': lambda lib, **kw: lib.randint_like(lib.zeros(2, dtype=lib.int32), 2, 5, **kw),
    'uniform_': lambda lib, **kw: lib.empty(3, 4).uniform_(-2, 3, **kw),
    'normal_': lambda lib, **kw: lib.empty(3, dtype=lib.float64).normal_(1, 2, **kw),
    'normal_complex': lambda lib, **kw: lib.empty(3, dtype=lib.complex64).normal_(**kw),
    'bernoulli_': lambda lib, **kw: lib.empty(4, dtype=lib.int64).bernoulli_(0.5, **kw),
    'bernoulli_t': lambda lib, **kw: lib.empty(20, 3).bernoulli_(lib.tensor([0.1, 0.5, 0.9]), **kw),
    'random_': lambda lib, **kw: lib.empty(5).random_(**kw),
    'random_to': lambda lib, **kw: lib.empty(5, dtype=lib.int32).random_(7, **kw),
    'random_from_to': lambda lib, **kw: lib.empty(5, dtype=lib.int16).random_(-3, 4, **kw),
    'random_bool': lambda lib, **kw: lib.empty(5, dtype=lib.bool).random_(**kw),
    'exponential_': lambda lib, **kw: lib.empty(6).exponential_(2.0, **kw),
    'geometric_': lambda lib, **kw: lib.empty(6).geometric_(0.3, **kw),
    'geometric_int': lambda lib, **kw: lib.empty(6, dtype=lib.int64).geometric_(0.3, **kw),
    'log_normal_': lambda lib, **kw: lib.empty(6).log_normal_(**kw),
    'cauchy_': lambda lib, **kw: lib.empty(6, dtype=lib.float64).cauchy_(**kw),
    'tensor_bernoulli': lambda lib, **kw: lib.full((4,), 0.5).bernoulli(**kw),
    'tensor_multinomial': lambda lib, **kw: lib.ones(5).multinomial(2, **kw),
}


@pytest.mark.parametrize('name', list(SAMPLERS))
def test_sampler_matches_torch_metadata(name):
    fn = SAMPLERS[name]
    meta(fn(ember), fn(torch))
    meta(fn(ember, generator=ember.Generator()), fn(torch, generator=torch.Generator()))


@pytest.mark.parametrize('name', list(SAMPLERS))
def test_same_seed_same_values(name):
    fn = SAMPLERS[name]
    g = ember.Generator().manual_seed(1234)
    a = fn(ember, generator=g).detach().numpy()
    b = fn(ember, generator=ember.Generator().manual_seed(1234)).detach().numpy()
    c = fn(ember, generator=g).detach().numpy()
    np.testing.assert_array_equal(a, b)
    if a.size > 3 and not name.startswith(('multinomial', 'randperm', 'tensor_multinomial', 'random_bool')):
        assert not np.array_equal(a, c)
    ember.manual_seed(7)
    d = fn(ember).detach().numpy()
    ember.manual_seed(7)
    np.testing.assert_array_equal(d, fn(ember).detach().numpy())


def test_generator_api_matches_torch():
    g_e, g_t = ember.Generator(), torch.Generator()
    assert g_e.initial_seed() == g_t.initial_seed()
    assert g_e.device == ember.device('cpu') and str(g_e.device) == str(g_t.device)
    assert g_e.manual_seed(5) is g_e
    for seed in [0, 5, -1, 2**64 - 1, -2**63]:
        assert g_e.manual_seed(seed).initial_seed() == g_t.manual_seed(seed).initial_seed()
    for bad in [2**64, -2**63 - 1, 1.5, '1']:
        raises_like(lambda lib, b=bad: lib.Generator().manual_seed(b))
    s = g_e.seed()
    assert isinstance(s, int) and g_e.initial_seed() == s and 0 <= s < 2**64
    state = g_e.get_state()
    assert state.dtype is ember.uint8 and state.ndim == 1
    raises_like(lambda lib: lib.Generator().set_state([1]), TypeError)
    raises_like(lambda lib: lib.Generator().set_state(lib.zeros(3)), TypeError)
    raises_like(lambda lib: lib.Generator().set_state(lib.zeros(3, dtype=lib.uint8)), RuntimeError)
    assert isinstance(ember.default_generator, ember.Generator)


def test_state_round_trip_and_clone():
    g = ember.Generator().manual_seed(3)
    ember.rand(3, generator=g)
    state = g.get_state()
    a = ember.randn(4, generator=g)
    assert g.set_state(state) is g
    assert ember.randn(4, generator=g).tolist() == a.tolist()
    assert g.initial_seed() == 3
    h = g.clone_state()
    assert ember.rand(2, generator=g).tolist() == ember.rand(2, generator=h).tolist()
    p = pickle.loads(pickle.dumps(g))
    assert ember.rand(2, generator=g).tolist() == ember.rand(2, generator=p).tolist()


def test_global_seeding_functions():
    assert ember.manual_seed(11) is ember.default_generator
    assert ember.initial_seed() == torch.manual_seed(11).initial_seed()
    ember.manual_seed(1.7)  # torch.manual_seed applies int()
    assert ember.initial_seed() == 1
    state = ember.get_rng_state()
    a = ember.rand(5)
    ember.set_rng_state(state)
    assert ember.rand(5).tolist() == a.tolist()
    s = ember.seed()
    assert ember.initial_seed() == s
    assert ember.random.manual_seed is ember.manual_seed
    assert set(torch.random.__all__) - {'thread_safe_generator'} <= set(dir(ember.random))
    ember.manual_seed(0)
    before = ember.get_rng_state()
    with ember.random.fork_rng():
        ember.rand(10)
    assert ember.get_rng_state().tolist() == before.tolist()
    ember.manual_seed(0)
    x = ember.rand(3)
    ember.manual_seed(0)
    with ember.random.fork_rng():
        ember.rand(5)
    assert ember.rand(3).tolist() == x.tolist()


def test_cuda_generator_without_gpu_raises():
    from ember._backend import cuda_available
    if cuda_available():
        pytest.skip('a GPU is present')
    with pytest.raises(RuntimeError):
        ember.Generator(device='cuda')


N = 200_000


def test_uniform_and_normal_distributions():
    g = ember.Generator().manual_seed(0)
    u = ember.rand(N, generator=g).numpy()
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01 and abs(u.var() - 1 / 12) < 0.003
    u = ember.empty(N, dtype=ember.float16).uniform_(-2, 3, generator=g).float().numpy()
    assert u.min() >= -2 and u.max() <= 3 and abs(u.mean() - 0.5) < 0.05
    n = ember.randn(N, generator=g).numpy()
    assert abs(n.mean()) < 0.01 and abs(n.std() - 1) < 0.01
    z = ember.randn(N, dtype=ember.complex64, generator=g).numpy()
    assert abs(z.real.var() - 0.5) < 0.01 and abs(z.imag.var() - 0.5) < 0.01
    m = ember.normal(3.0, 2.0, (N,), generator=g).numpy()
    assert abs(m.mean() - 3) < 0.03 and abs(m.std() - 2) < 0.03
    t = ember.normal(ember.full((N,), -1.), ember.full((N,), 0.5), generator=g).numpy()
    assert abs(t.mean() + 1) < 0.01 and abs(t.std() - 0.5) < 0.01
    f = ember.empty(N).normal_(4, 0.1, generator=g).numpy()
    assert abs(f.mean() - 4) < 0.01 and abs(f.std() - 0.1) < 0.002
    b = ember.randn(N, dtype=ember.bfloat16, generator=g).float().numpy()
    assert abs(b.std() - 1) < 0.02


def test_discrete_distributions():
    g = ember.Generator().manual_seed(1)
    r = ember.randint(-3, 4, (N,), generator=g).numpy()
    assert set(np.unique(r).tolist()) == set(range(-3, 4))
    p = ember.randperm(50, generator=g).tolist()
    assert sorted(p) == list(range(50)) and p != list(range(50))
    b = ember.bernoulli(ember.full((N,), 0.3), generator=g).numpy()
    assert set(np.unique(b).tolist()) <= {0., 1.} and abs(b.mean() - 0.3) < 0.01
    bt = ember.empty(N // 4, 4).bernoulli_(ember.tensor([0., 0.25, 0.75, 1.]), generator=g).numpy()
    np.testing.assert_allclose(bt.mean(0), [0, 0.25, 0.75, 1], atol=0.01)
    po = ember.poisson(ember.full((N,), 4.), generator=g).numpy()
    assert abs(po.mean() - 4) < 0.03 and abs(po.var() - 4) < 0.1
    e = ember.empty(N).exponential_(2., generator=g).numpy()
    assert e.min() >= 0 and abs(e.mean() - 0.5) < 0.01
    ge = ember.empty(N).geometric_(0.25, generator=g).numpy()
    assert ge.min() >= 1 and abs(ge.mean() - 4) < 0.05
    ln = ember.empty(N, dtype=ember.float64).log_normal_(0., 0.5, generator=g).numpy()
    assert abs(np.log(ln).mean()) < 0.01 and abs(np.log(ln).std() - 0.5) < 0.01
    c = ember.empty(N).cauchy_(1., 2., generator=g).numpy()
    assert abs(np.median(c) - 1) < 0.05
    rf = ember.empty(N).random_(generator=g).numpy()
    assert rf.min() >= 0 and rf.max() <= 2**24 and rf.max() > 2**23 and (rf == np.round(rf)).all()
    rl = ember.empty(1000, dtype=ember.int64).random_(generator=g).numpy()
    assert rl.min() >= 0 and rl.max() > 2**60


def test_multinomial_distribution():
    g = ember.Generator().manual_seed(2)
    w = ember.tensor([1., 0., 3., 6.])
    s = ember.multinomial(w, N, replacement=True, generator=g).numpy()
    np.testing.assert_allclose(np.bincount(s, minlength=4) / N, [0.1, 0, 0.3, 0.6], atol=0.01)
    first = np.array([ember.multinomial(w, 3, generator=g).tolist() for _ in range(3000)])
    assert all(len(set(row)) == 3 for row in first.tolist())
    np.testing.assert_allclose(np.bincount(first[:, 0], minlength=4) / 3000, [0.1, 0, 0.3, 0.6], atol=0.03)
    assert (first[:, :2] != 1).all()  # a zero-weight category comes only after every positive one
    rows = ember.multinomial(ember.tensor([[0., 1.], [1., 0.]]), 4, replacement=True, generator=g)
    assert rows.tolist() == [[1, 1, 1, 1], [0, 0, 0, 0]]


def test_in_place_fills_write_in_place():
    x = ember.zeros(3, 4)
    view = x.transpose(0, 1)
    version = x._version
    for fill in ['uniform_', 'normal_', 'exponential_', 'log_normal_', 'cauchy_']:
        out = getattr(x, fill)()
        assert out is x and x._version > version
        version = x._version
    assert np.shares_memory(view.numpy(), x.numpy()) and view.numpy().T.tolist() == x.numpy().tolist()
    view.uniform_(5, 6)
    assert x.numpy().min() >= 5


def test_in_place_fill_autograd_rules():
    raises_like(lambda lib: lib.zeros(3, requires_grad=True).uniform_(), RuntimeError)
    raises_like(lambda lib: lib.zeros(3, requires_grad=True).normal_(), RuntimeError)
    w = ember.zeros(3, requires_grad=True)
    with ember.no_grad():
        w.uniform_(-1, 1)
    assert w.requires_grad and w.is_leaf and w.grad_fn is None and np.abs(w.detach().numpy()).max() > 0
    for lib in (ember, torch):
        a = lib.ones(3, requires_grad=True)
        x = a * 2
        x.uniform_()
        assert type(x.grad_fn).__name__ == 'UniformBackward0' or x.grad_fn.name() == 'UniformBackward0'
        (g,) = lib.autograd.grad(x.sum(), a)
        assert g.tolist() == [0., 0., 0.]


@pytest.mark.parametrize('call', [
    lambda lib, m, s: lib.normal(m, s),
    lambda lib, m, s: lib.normal(m, 1.0),
    lambda lib, m, s: lib.normal(0.5, s),
    lambda lib, m, s: lib.bernoulli(m.sigmoid() if hasattr(m, 'sigmoid') else m),
    lambda lib, m, s: lib.poisson(s),
])
def test_sampling_gradients_are_zero(call):
    outs = {}
    for lib in (ember, torch):
        m = lib.tensor([0.2, 0.4], requires_grad=True)
        s = lib.tensor([1.0, 2.0], requires_grad=True)
        y = call(lib, m, s)
        name = y.grad_fn.name() if lib is ember else type(y.grad_fn).__name__
        inputs = [t for t in (m, s)]
        grads = lib.autograd.grad(y.sum(), inputs, allow_unused=True)
        outs[lib.__name__] = (name, [None if g is None else g.tolist() for g in grads])
    assert outs['ember'][0] == outs['torch'][0]
    for ge, gt in zip(outs['ember'][1], outs['torch'][1]):
        assert (ge is None) == (gt is None) or (ge or gt) == [0.0, 0.0]
        if ge is not None and gt is not None:
            assert ge == gt


ERRORS = [
    (lambda lib: lib.rand(2, dtype=lib.int64), NotImplementedError),
    (lambda lib: lib.randn(2, dtype=lib.int64), NotImplementedError),
    (lambda lib: lib.rand(2, -3), RuntimeError),
    (lambda lib: lib.rand(2, 3.), TypeError),
    (lambda lib: lib.randint(5, 3, (3,)), RuntimeError),
    (lambda lib: lib.randint(3, 3, (3,)), RuntimeError),
    (lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8), RuntimeError),
    (lambda lib: lib.randint(0, 3, (3,), dtype=lib.bool), RuntimeError),
    (lambda lib: lib.randint(0, 3.5, (3,)), TypeError),
    (lambda lib: lib.randint(5), TypeError),
    (lambda lib: lib.randint(0, 3, (3,), requires_grad=True), RuntimeError),
    (lambda lib: lib.randperm(-1), RuntimeError),
    (lambda lib: lib.randperm(3, dtype=lib.bool), NotImplementedError),
    (lambda lib: lib.randperm(300, dtype=lib.int8), RuntimeError),
    (lambda lib: lib.normal(2., 3.), TypeError),
    (lambda lib: lib.normal(lib.zeros(2, 3), lib.ones(4)), RuntimeError),
    (lambda lib: lib.normal(lib.zeros(2, 3), -1.), RuntimeError),
    (lambda lib: lib.normal(lib.zeros(3), lib.tensor([-1., 1, 1])), RuntimeError),
    (lambda lib: lib.normal(lib.tensor([1, 2]), 1.), NotImplementedError),
    (lambda lib: lib.bernoulli(lib.tensor([0.5, 2.])), RuntimeError),
    (lambda lib: lib.bernoulli(lib.tensor([1, 0])), NotImplementedError),
    (lambda lib: lib.bernoulli(lib.rand(3), 1.5), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([1., 2, 3]), 4), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([1., -2, 3]), 1), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([0., 0, 0]), 1), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([1., float('nan'), 3]), 1), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([[[1.]]]), 1), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([1, 2]), 1), RuntimeError),
    (lambda lib: lib.multinomial(lib.tensor([1., 2]), 0), RuntimeError),
    (lambda lib: lib.poisson(lib.tensor([1., -2])), RuntimeError),
    (lambda lib: lib.poisson(lib.tensor([1, 2])), NotImplementedError),
    (lambda lib: lib.rand_like(lib.zeros(2, dtype=lib.int64)), NotImplementedError),
    (lambda lib: lib.zeros(3, dtype=lib.uint8).random_(-1, 5), RuntimeError),
    (lambda lib: lib.zeros(3, dtype=lib.uint8).random_(0, 500), RuntimeError),
    (lambda lib: lib.zeros(3).random_(5, 5), RuntimeError),
    (lambda lib: lib.zeros(3, dtype=lib.int64).uniform_(), NotImplementedError),
    (lambda lib: lib.zeros(3, dtype=lib.bool).uniform_(), NotImplementedError),
    (lambda lib: lib.zeros(3).uniform_(2, 1), RuntimeError),
    (lambda lib: lib.zeros(3).normal_(0, -1), RuntimeError),
    (lambda lib: lib.zeros(3, dtype=lib.int64).normal_(), NotImplementedError),
    (lambda lib: lib.zeros(3).exponential_(-1), RuntimeError),
    (lambda lib: lib.zeros(3).exponential_(0), RuntimeError),
    (lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(), RuntimeError),
    (lambda lib: lib.zeros(3).geometric_(0), RuntimeError),
    (lambda lib: lib.zeros(3).geometric_(1.5), RuntimeError),
    (lambda lib: lib.zeros(3).log_normal_(1, 0), RuntimeError),
    (lambda lib: lib.zeros(3, dtype=lib.int64).log_normal_(), NotImplementedError),
    (lambda lib: lib.zeros(3, dtype=lib.int64).cauchy_(), RuntimeError),
    (lambda lib: lib.zeros(3).bernoulli_(1.5), RuntimeError),
    (lambda lib: lib.zeros(3).bernoulli_(lib.tensor([0.1, 2, 0.3])), RuntimeError),
]


@pytest.mark.parametrize('fn,exc', ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors_match_torch(fn, exc):
    raises_like(fn, exc)


@pytest.mark.parametrize('fn', [
    lambda lib: lib.randint(5, 3, (3,)),
    lambda lib: lib.randint(0, 300, (3,), dtype=lib.uint8),
    lambda lib: lib.zeros(3, dtype=lib.int8).random_(-200, 5),
    lambda lib: lib.normal(lib.zeros(2, 3), -1.),
    lambda lib: lib.multinomial(lib.tensor([1., 2, 3]), 4),
    lambda lib: lib.multinomial(lib.tensor([1, 2]), 1),
    lambda lib: lib.multinomial(lib.tensor([0., 0]), 1),
    lambda lib: lib.zeros(3).uniform_(2, 1),
    lambda lib: lib.zeros(3).exponential_(-1),
    lambda lib: lib.zeros(3).geometric_(1.5),
    lambda lib: lib.zeros(3).log_normal_(1, 0),
    lambda lib: lib.zeros(3).bernoulli_(1.5),
    lambda lib: lib.rand(2, dtype=lib.int64),
    lambda lib: lib.zeros(3, dtype=lib.int64).exponential_(),
    lambda lib: lib.zeros(3, dtype=lib.int64).cauchy_(),
])
def test_error_messages_match_torch(fn):
    raises_like(fn, same_message=True)


def test_random_float_bounds_warn_like_torch():
    with pytest.warns(UserWarning, match='out of bounds'):
        ember.zeros(3).random_(0, 2**25)


def test_out_and_default_dtype():
    out_e = ember.empty(0)
    ember.rand(2, 3, out=out_e)
    assert out_e.shape == (2, 3)
    ember.set_default_dtype(ember.float64)
    assert ember.rand(2).dtype is ember.float64 and ember.randn(2).dtype is ember.float64
    assert ember.normal(0., 1., (2,)).dtype is ember.float64
    assert ember.randint(3, (2,)).dtype is ember.int64


def test_cuda_device_request_without_gpu():
    from ember._backend import cuda_available
    if cuda_available():
        pytest.skip('a GPU is present')
    with pytest.raises(RuntimeError, match='NVIDIA'):
        ember.rand(2, device='cuda')

"""Autograd engine vs PyTorch: backward/grad arguments, accumulation, higher order, hooks, grad modes, graph
structure, and PyTorch's errors. Every test runs the same code on ember and on torch and compares."""
from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember

LIBS = (ember, torch)


# ------------------------------------------------------------------------------------------------ helpers
def to_numpy(value):
    if isinstance(value, ember.Tensor):
        return np.asarray(value.detach().numpy())
    if isinstance(value, torch.Tensor):
        return value.detach().numpy()
    return value


def same(e, t, atol=1e-6, rtol=1e-5):
    """Assert that an ember result matches a torch result (tensors, None, numbers, nested tuples/lists/dicts)."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), f'expected a Tensor, got {type(e).__name__}'
        assert tuple(e.shape) == tuple(t.shape), (tuple(e.shape), tuple(t.shape))
        assert str(e.dtype) == str(t.dtype), (e.dtype, t.dtype)
        assert e.requires_grad == t.requires_grad, ('requires_grad', e.requires_grad, t.requires_grad)
        np.testing.assert_allclose(to_numpy(e), to_numpy(t), atol=atol, rtol=rtol)
    elif isinstance(t, (tuple, list)):
        assert isinstance(e, (tuple, list)) and len(e) == len(t), (e, t)
        for a, b in zip(e, t):
            same(a, b, atol, rtol)
    elif isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t)
        for k in t:
            same(e[k], t[k], atol, rtol)
    else:
        assert e == t, (e, t)


def both(fn, *args, **kwargs):
    """``fn(lib, ...)`` for ember and torch, compared; returns the ember result."""
    e = fn(ember, *args, **kwargs)
    t = fn(torch, *args, **kwargs)
    same(e, t)
    return e


def raises_same(fn, match_message=True):
    """``fn(lib)`` must raise the same exception type (and message) in ember and torch."""
    errors = []
    for lib in LIBS:
        with pytest.raises(Exception) as info:
            fn(lib)
        errors.append(info.value)
    e, t = errors
    assert type(e).__name__ == type(t).__name__ or isinstance(e, type(t)), (type(e), type(t), e, t)
    if match_message:
        assert str(e) == str(t), f'\nember: {e}\ntorch: {t}'
    return e


def data(*shape, seed=0, low=-1.0, high=1.0, dtype=np.float32):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


def leaf(lib, array, requires_grad=True):
    return lib.tensor(array, requires_grad=requires_grad)


X = data(3, 4, seed=1)
Y = data(3, 4, seed=2)
W = data(4, 2, seed=3)


# ------------------------------------------------------------------------------------------------ backward
def test_backward_scalar_and_gradient_argument():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        ((x * y).exp() * x).sum().backward()
        a = x.grad
        x2 = leaf(lib, X)
        (x2 * x2).backward(lib.tensor(Y))
        return a, y.grad, x2.grad
    both(f)


def test_backward_accumulates_over_calls():
    def f(lib):
        x = leaf(lib, X)
        grads = []
        for k in range(3):
            (x * x * (k + 1)).sum().backward()
            grads.append(x.grad.clone())
        return grads
    both(f)


def test_accumulation_is_in_place_into_existing_grad():
    def f(lib):
        x = leaf(lib, X)
        (x * 2).sum().backward()
        first = x.grad
        (x * 3).sum().backward()
        return x.grad is first, x.grad
    both(f)


def test_assigned_grad_is_accumulated_into():
    def f(lib):
        x = leaf(lib, X)
        x.grad = lib.tensor(Y)
        (x * x).sum().backward()
        return x.grad
    both(f)


def test_first_grad_is_not_the_incoming_tensor():
    def f(lib):
        x = leaf(lib, X)
        g = lib.tensor(Y)
        (x + 0).backward(g)
        return x.grad is g, x.grad
    both(f)


def test_leaf_grads_never_alias_other_tensors():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        seen = []
        x.register_hook(lambda g: seen.append(g))
        (x * 2).sum().backward()
        (x + y).exp().sum().backward()  # one gradient object flows to both leaves
        (x * y).sum().backward()        # accumulates in place into both .grad
        return seen, x.grad, y.grad
    both(f)


def test_retain_graph_allows_second_backward():
    def f(lib):
        x = leaf(lib, X)
        y = (x.exp() * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        return x.grad
    both(f)


def test_backward_twice_through_freed_graph():
    def f(lib):
        x = leaf(lib, X)
        y = (x * x).sum()
        y.backward()
        y.backward()
    raises_same(f)


def test_backward_twice_without_saved_tensors_is_allowed():
    def f(lib):
        x = leaf(lib, X)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return x.grad
    both(f)


def test_saved_tensors_of_custom_function_freed():
    def f(lib):
        class Sq(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(a)
                return a * a

            @staticmethod
            def backward(ctx, g):
                a, = ctx.saved_tensors
                return 2 * a * g
        x = leaf(lib, X)
        y = Sq.apply(x)
        y.sum().backward()
        return y.grad_fn.saved_tensors
    raises_same(f)


def test_backward_inputs_leaf_subset():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        (x * y).sum().backward(inputs=[x])
        return x.grad, y.grad
    both(f)


def test_backward_inputs_single_tensor():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        lib.autograd.backward((x * y).sum(), inputs=y)
        return x.grad, y.grad
    both(f)


def test_backward_inputs_non_leaf_gets_grad_and_retains():
    def f(lib):
        x = leaf(lib, X)
        h = x * 2
        s = (h * h).sum()
        s.backward(inputs=[h], retain_graph=True)
        first = h.grad.clone()
        s.backward(inputs=[h])
        return first, h.grad, h.retains_grad, x.grad
    both(f)


def test_backward_inputs_errors():
    raises_same(lambda lib: (leaf(lib, X) * 2).sum().backward(inputs=[]))
    raises_same(lambda lib: (leaf(lib, X) * 2).sum().backward(inputs=[lib.ones(2)]))


def test_backward_multiple_roots():
    def f(lib):
        x = leaf(lib, X)
        a, b = x * 2, x.exp()
        lib.autograd.backward([a.sum(), b], [None, lib.tensor(Y)])
        return x.grad
    both(f)


def test_backward_gradient_dtype_cast():
    def f(lib):
        x = leaf(lib, X)
        (x * 2).backward(lib.tensor(Y.astype(np.float64)))
        return x.grad
    both(f)


def test_backward_errors():
    raises_same(lambda lib: lib.ones(3).sum().backward())
    raises_same(lambda lib: (leaf(lib, X) * 2).backward())
    raises_same(lambda lib: (leaf(lib, X) * 2).backward(lib.ones(2)))
    raises_same(lambda lib: lib.autograd.backward([leaf(lib, X).sum()] * 2, [lib.ones(())]))
    raises_same(lambda lib: (leaf(lib, X) * 2).backward(2.0))
    raises_same(lambda lib: lib.autograd.backward([(leaf(lib, X) * 2).sum()], [3]))
    raises_same(lambda lib: lib.autograd.backward([leaf(lib, X).sum(), lib.ones(())], [None, None]))


def test_backward_on_leaf_itself():
    def f(lib):
        x = leaf(lib, X)
        x.backward(lib.tensor(Y))
        return x.grad
    both(f)


def test_create_graph_backward_then_plain_backward():
    def f(lib):
        x = leaf(lib, X)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            (x * x * x).sum().backward(create_graph=True)
        g1 = x.grad
        requires = g1.requires_grad
        (x * x).sum().backward()
        return requires, x.grad is g1, x.grad.requires_grad, x.grad
    both(f)


def test_create_graph_backward_constant_grad_does_not_require_grad():
    def f(lib):
        x = leaf(lib, X)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            (x * 2).sum().backward(create_graph=True)
        return x.grad, x.grad.grad_fn is None
    both(f)


# ------------------------------------------------------------------------------------------------ autograd.grad
def test_grad_basic_and_grad_outputs():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        z = x * y + x.exp()
        gx, gy = lib.autograd.grad(z, (x, y), lib.tensor(Y))
        return gx, gy, x.grad, y.grad
    both(f)


def test_grad_single_input_returns_tuple():
    def f(lib):
        x = leaf(lib, X)
        return lib.autograd.grad((x * x).sum(), x)
    both(f)


def test_grad_does_not_touch_dot_grad():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        lib.autograd.grad((x * y).sum(), x)
        return x.grad, y.grad
    both(f)


def test_grad_allow_unused_and_materialize():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        a = lib.autograd.grad((x * 2).sum(), (x, y), allow_unused=True, retain_graph=True)
        b = lib.autograd.grad((x * 2).sum(), (x, y), materialize_grads=True)
        return a, b
    both(f)
    raises_same(lambda lib: lib.autograd.grad((leaf(lib, X) * 2).sum(), (leaf(lib, X),)))
    raises_same(lambda lib: lib.autograd.grad((leaf(lib, X) * 2).sum(), leaf(lib, X), materialize_grads=True,
                                              allow_unused=False))


def test_grad_errors():
    raises_same(lambda lib: lib.autograd.grad((leaf(lib, X) * 2).sum(), lib.ones(2)))
    raises_same(lambda lib: lib.autograd.grad((leaf(lib, X) * 2).sum(), []))
    raises_same(lambda lib: lib.autograd.grad(leaf(lib, X) * 2, leaf(lib, X)))


def test_grad_dict_inputs():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        return lib.autograd.grad((x * y).sum(), {'x': x, 'y': y})
    both(f)


def test_grad_with_respect_to_output_and_intermediate():
    def f(lib):
        x = leaf(lib, X)
        h = x.exp()
        y = h * h
        gy, = lib.autograd.grad(y, y, lib.tensor(Y), retain_graph=True)
        gh, = lib.autograd.grad(y.sum(), h, retain_graph=True)
        gx, gh2 = lib.autograd.grad(y.sum(), (x, h))
        return gy, gh, gx, gh2
    both(f)


def test_grad_runs_only_needed_nodes():
    def f(lib):
        calls = []
        x, y = leaf(lib, X), leaf(lib, Y)
        a = x * 2
        b = y.exp()
        a.grad_fn.register_hook(lambda gi, go: calls.append('a'))
        b.grad_fn.register_hook(lambda gi, go: calls.append('b'))
        lib.autograd.grad((a * b).sum(), b)
        return calls
    both(f)


def test_grad_retain_graph_and_freed():
    def f(lib):
        x = leaf(lib, X)
        y = (x.exp() * x).sum()
        lib.autograd.grad(y, x)
        lib.autograd.grad(y, x)
    raises_same(f)


# ------------------------------------------------------------------------------------------------ higher order
def test_grad_of_grad_and_third_order():
    def f(lib):
        x = leaf(lib, X)
        y = (x ** 3).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x, create_graph=True)
        ggg, = lib.autograd.grad(gg.sum(), x)
        return g, gg, ggg
    both(f)


def test_double_backward_through_products_and_exp():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        z = (x * y.exp() / (y * y + 1.5)).sum()
        gx, gy = lib.autograd.grad(z, (x, y), create_graph=True)
        (gx * gy).sum().backward()
        return gx, gy, x.grad, y.grad
    both(f)


def _mlp(lib, params, x):
    w1, b1, w2 = params
    return (lib.tanh(x @ w1 + b1) @ w2).sum(-1)


def test_gradient_penalty_wgan_gp():
    rng = np.random.default_rng(5)
    arrays = [rng.standard_normal((4, 8)).astype(np.float32) * 0.5, rng.standard_normal(8).astype(np.float32),
              rng.standard_normal((8, 1)).astype(np.float32) * 0.5]
    real, fake = rng.standard_normal((6, 4)).astype(np.float32), rng.standard_normal((6, 4)).astype(np.float32)
    eps = rng.uniform(0, 1, (6, 1)).astype(np.float32)

    def f(lib):
        params = [lib.tensor(a, requires_grad=True) for a in arrays]
        r, fk, e = lib.tensor(real), lib.tensor(fake), lib.tensor(eps)
        interp = (e * r + (1 - e) * fk).requires_grad_(True)
        d = _mlp(lib, params, interp)
        g, = lib.autograd.grad(d, interp, lib.ones_like(d), create_graph=True)
        norm = ((g * g).sum(1) + 1e-12) ** 0.5
        penalty = ((norm - 1) ** 2).mean()
        loss = _mlp(lib, params, fk).mean() - _mlp(lib, params, r).mean() + 10 * penalty
        loss.backward()
        return loss, [p.grad for p in params], interp.grad
    both(f)


def test_hessian_vector_product_by_double_backward():
    def f(lib):
        x, v = leaf(lib, X), lib.tensor(Y)
        y = (x.exp() * x * x).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        hv, = lib.autograd.grad(g, x, v)
        return hv
    both(f)


# ------------------------------------------------------------------------------------------------ retain_grad / hooks
def test_retain_grad_values_and_accumulation():
    def f(lib):
        x = leaf(lib, X)
        y = x * 2
        y.retain_grad()
        s = (y * y).sum()
        s.backward(retain_graph=True)
        first = y.grad.clone()
        s.backward()
        return first, y.grad, y.retains_grad, y.is_leaf
    both(f)


def test_retain_grad_sees_hook_modified_grad():
    def f(lib):
        x = leaf(lib, X)
        y = x * 2
        y.retain_grad()
        y.register_hook(lambda g: g * 10)
        y.sum().backward()
        return y.grad, x.grad
    both(f)


def test_retain_grad_on_leaf_and_errors():
    def f(lib):
        x = leaf(lib, X)
        x.retain_grad()
        (x * 2).sum().backward()
        return x.grad, x.retains_grad
    both(f)
    raises_same(lambda lib: lib.ones(2).retain_grad())


def test_non_leaf_grad_access_warns():
    for lib in LIBS:
        y = leaf(lib, X) * 2
        with pytest.warns(UserWarning, match='is not a leaf Tensor is being accessed'):
            assert y.grad is None


def test_hooks_on_leaf_and_non_leaf_modify_grad():
    def f(lib):
        x = leaf(lib, X)
        seen = []
        x.register_hook(lambda g: g * 3)
        y = x.exp()
        y.register_hook(lambda g: seen.append(g.clone()))
        y.register_hook(lambda g: g + 1)
        y.sum().backward()
        return x.grad, seen
    both(f)


def test_hook_removal():
    def f(lib):
        x = leaf(lib, X)
        h1 = x.register_hook(lambda g: g * 3)
        h2 = x.register_hook(lambda g: g * 5)
        h1.remove()
        h1.remove()  # removing twice is harmless
        (x * 2).sum().backward()
        first = x.grad.clone()
        h2.remove()
        (x * 2).sum().backward()
        return first, x.grad
    both(f)


def test_hooks_run_in_autograd_grad():
    def f(lib):
        x = leaf(lib, X)
        x.register_hook(lambda g: g * 100)
        y = x * 2
        y.register_hook(lambda g: g * 7)
        return lib.autograd.grad((y * 1).sum(), x, retain_graph=True), lib.autograd.grad((y * 1).sum(), y)
    both(f)


def test_hook_errors():
    raises_same(lambda lib: lib.ones(2).register_hook(lambda g: g))
    raises_same(lambda lib: (leaf(lib, X) * 2).register_post_accumulate_grad_hook(lambda t: None))


def test_post_accumulate_grad_hook():
    def f(lib):
        x = leaf(lib, X)
        seen = []
        handle = x.register_post_accumulate_grad_hook(lambda t: seen.append((t is x, t.grad.clone())))
        (x * 2).sum().backward()
        (x * 3).sum().backward()
        handle.remove()
        (x * 4).sum().backward()
        lib.autograd.grad((x * 2).sum(), x)  # autograd.grad accumulates nothing: no call
        return seen, x.grad
    both(f)


def test_node_hooks():
    def f(lib):
        x = leaf(lib, X)
        y = x * lib.tensor(Y)
        seen = []
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.grad_fn.register_hook(lambda gi, go: seen.append((gi[0].clone(), go[0].clone())))
        y.sum().backward()
        return seen, x.grad
    both(f)


# ------------------------------------------------------------------------------------------------ requires_grad
def test_requires_grad_flags():
    def f(lib):
        x = lib.tensor(X)
        r = x.requires_grad_()
        y = x * 2
        a = (r is x, x.requires_grad, y.requires_grad, y.is_leaf, x.is_leaf)
        x.requires_grad = False
        y.requires_grad_(True)
        return a, x.requires_grad, (x * 2).requires_grad
    both(f)
    raises_same(lambda lib: lib.tensor([1, 2]).requires_grad_())
    raises_same(lambda lib: (leaf(lib, X) * 2).requires_grad_(False))


def test_detach_and_detach_():
    def f(lib):
        x = leaf(lib, X)
        y = x * 2
        d = y.detach()
        shares = d._version == y._version
        y.detach_()
        z = y * x
        z.sum().backward()
        return d.requires_grad, d.is_leaf, shares, y.requires_grad, y.is_leaf, y.grad_fn is None, x.grad
    both(f)
    raises_same(lambda lib: (leaf(lib, X) * 2).view(12).detach_())
    raises_same(lambda lib: lib.tensor(X).view(12).detach_())


# ------------------------------------------------------------------------------------------------ grad modes
def _mode_states(lib):
    out = []

    @lib.no_grad()
    def a():
        return lib.is_grad_enabled()

    @lib.no_grad
    def b():
        return lib.is_grad_enabled()

    @lib.enable_grad
    def c():
        return lib.is_grad_enabled()

    @lib.inference_mode
    def d():
        return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

    @lib.inference_mode(False)
    def e():
        return lib.is_grad_enabled(), lib.is_inference_mode_enabled()

    @lib.set_grad_enabled(False)
    def g():
        return lib.is_grad_enabled()

    out.append(lib.is_grad_enabled())  # decorating with set_grad_enabled(False) changed nothing
    out += [a(), b(), g(), d(), e()]
    with lib.no_grad():
        out.append(c())
        out.append(lib.is_grad_enabled())
        with lib.enable_grad():
            out.append(lib.is_grad_enabled())
        with lib.inference_mode(False):
            out.append((lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
    with lib.set_grad_enabled(False) as r:
        out.append((r, lib.is_grad_enabled()))
    out.append(lib.is_grad_enabled())
    lib.set_grad_enabled(False)
    out.append(lib.is_grad_enabled())
    lib.set_grad_enabled(True)
    with lib.inference_mode() as r:
        out.append((r, lib.is_grad_enabled(), lib.is_inference_mode_enabled()))
    with lib.no_grad() as r:
        out.append(r)
    out.append(lib.is_grad_enabled())
    return out


def test_grad_modes_as_context_managers_and_decorators():
    both(_mode_states)


def test_grad_mode_decorates_generators():
    def f(lib):
        def gen():
            yield lib.is_grad_enabled()
            yield lib.is_grad_enabled()
        it = lib.no_grad()(gen)()
        return [next(it), lib.is_grad_enabled(), next(it)]
    both(f)


def test_no_grad_results_do_not_require_grad():
    def f(lib):
        x = leaf(lib, X)
        with lib.no_grad():
            y = x * 2
        with lib.inference_mode():
            z = x * 2
        with lib.set_grad_enabled(False):
            w = x.exp()
        return y.requires_grad, y.grad_fn is None, z.requires_grad, w.requires_grad
    both(f)


def test_mode_restored_after_exception():
    def f(lib):
        try:
            with lib.no_grad():
                raise ValueError('x')
        except ValueError:
            pass
        return lib.is_grad_enabled()
    both(f)


# ------------------------------------------------------------------------------------------------ graph structure
def _tree(fn, depth=0):
    if fn is None:
        return None
    name = fn.name()
    if 'AccumulateGrad' in name:
        return 'AccumulateGrad'
    return (name, tuple((_tree(child), nr) for child, nr in fn.next_functions))


def test_grad_fn_structure_and_names():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        c = lib.tensor(X)
        z = (x * y + x).exp() / (y - c)
        return _tree(z.grad_fn), z.grad_fn.name(), x.grad_fn
    both(f)


def test_accumulate_grad_variable():
    def f(lib):
        x, y = leaf(lib, X), leaf(lib, Y)
        z = x * y
        (acc_x, nx), (acc_y, ny) = z.grad_fn.next_functions
        same_node = (x * 3).grad_fn.next_functions[0][0] is acc_x
        return acc_x.variable is x, acc_y.variable is y, nx, ny, same_node, acc_x.next_functions
    both(f)


def test_next_functions_none_for_inputs_without_grad():
    def f(lib):
        x = leaf(lib, X)
        z = x * lib.tensor(Y)
        return [(n is None, nr) for n, nr in z.grad_fn.next_functions], z.grad_fn.next_functions[1]
    both(f)


def test_next_functions_of_ops_with_python_scalars():
    def f(lib):
        x = leaf(lib, X)
        return [[(n is None, nr) for n, nr in y.grad_fn.next_functions] for y in (x * 2, x + 1, x - 0.5, x / 4.0)]
    both(f)


def test_multi_output_output_nr():
    def f(lib):
        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2, a * 3

            @staticmethod
            def backward(ctx, g1, g2):
                return g1 * 2 + g2 * 3
        x = leaf(lib, X)
        a, b = Two.apply(x)
        z = a * b
        return [nr for _, nr in z.grad_fn.next_functions], a.output_nr, b.output_nr
    both(f)


# ------------------------------------------------------------------------------------------------ in-place and versions
def test_inplace_on_leaf_requiring_grad():
    raises_same(lambda lib: leaf(lib, X).mul_(2))
    raises_same(lambda lib: leaf(lib, X).add_(1))


def test_inplace_on_leaf_under_no_grad_is_allowed():
    def f(lib):
        x = leaf(lib, X)
        with lib.no_grad():
            x.mul_(2)
        (x * x).sum().backward()
        return x.grad, x._version
    both(f)


def test_modified_saved_input_raises():
    def f(lib):
        x = leaf(lib, X)
        z = x.detach().requires_grad_()
        w = z * z
        with lib.no_grad():
            z.add_(1)
        w.sum().backward()
    raises_same(f)


def test_modified_saved_non_leaf_raises():
    def f(lib):
        x = leaf(lib, X)
        y = x * 2
        z = y * y
        y.mul_(2)
        z.sum().backward()
    raises_same(f)


def test_modified_saved_output_raises():
    def f(lib):
        x = leaf(lib, X)
        y = x.exp()
        with lib.no_grad():
            y.mul_(2)
        y.sum().backward()
    raises_same(f)


def test_inplace_on_non_leaf_gradient():
    def f(lib):
        x = leaf(lib, X)
        y = x * 2
        y.add_(1).mul_(3)
        y.exp().sum().backward()
        return x.grad, y._version
    both(f)


def test_version_counter():
    def f(lib):
        x = lib.tensor(X)
        v = [x._version]
        x.add_(1)
        v.append(x._version)
        x.mul_(2)
        v.append(x._version)
        d = x.detach()
        d.add_(1)
        v.append(x._version)
        return v
    both(f)


# ------------------------------------------------------------------------------------------------ anomaly detection
def test_detect_anomaly_names_the_op():
    def f(lib):
        a = lib.zeros(3, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            with lib.autograd.detect_anomaly():
                (a / a).sum().backward()
    raises_same(f)


def test_set_detect_anomaly_function_and_context():
    def f(lib):
        ag = lib.autograd
        states = [lib.is_anomaly_enabled()]
        ag.set_detect_anomaly(True)
        states.append(lib.is_anomaly_enabled())
        ag.set_detect_anomaly(False)
        states.append(lib.is_anomaly_enabled())
        with ag.set_detect_anomaly(True, check_nan=False):
            states.append((lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()))
        states.append((lib.is_anomaly_enabled(), lib.is_anomaly_check_nan_enabled()))
        return states
    both(f)


def test_detect_anomaly_warns_and_passes_clean_graphs():
    def f(lib):
        x = leaf(lib, X)
        with pytest.warns(UserWarning, match='Anomaly Detection has been enabled'):
            with lib.autograd.detect_anomaly():
                (x * x).sum().backward()
        return x.grad, lib.is_anomaly_enabled()
    both(f)


def test_no_nan_check_without_anomaly_mode():
    def f(lib):
        a = lib.zeros(3, requires_grad=True)
        (a / a).sum().backward()
        return a.grad
    e = f(ember)
    t = f(torch)
    np.testing.assert_array_equal(np.isnan(to_numpy(e)), np.isnan(to_numpy(t)))


def test_backward_frees_activations_of_a_graph_kept_alive():
    """``total = total + loss`` keeps every step's graph alive; after each backward the nodes must hold no
    activations (PyTorch frees saved tensors then): conv columns, batch-norm and layer-norm statistics, GELU's cdf,
    attention weights, LSTM gate activations. With retain_graph they stay."""
    nn = ember.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv, self.bn = nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16)
            self.ln, self.lstm = nn.LayerNorm(16), nn.LSTM(16, 16)

        def forward(self, x):
            h = nn.functional.gelu(self.bn(self.conv(x)))           # (8, 16, 32, 32)
            seq = self.ln(h.flatten(2).permute(2, 0, 1))              # (1024, 8, 16)
            att = nn.functional.scaled_dot_product_attention(seq, seq, seq)
            return self.lstm(att[:64])[0].sum() + att.sum()

    from memory_kept import bytes_kept_by_losses
    net = Net()
    x = ember.randn(8, 3, 32, 32)
    kept = {retain: bytes_kept_by_losses(lambda: net(x), retain) for retain in (False, True)}
    assert kept[True] > 4 * kept[False], kept
    assert kept[False] < 500_000, kept  # parameters and grads already exist: a few small nodes remain

"""Custom ``autograd.Function`` vs ``torch.autograd.Function``: ctx API, setup_context style, dirty and
non-differentiable outputs, materialize_grads, once_differentiable, and PyTorch's errors."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from test_autograd import X, Y, both, leaf, raises_same


def _square(lib):
    class Square(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 2 * x * grad
    return Square


def test_save_for_backward_and_saved_tensors():
    def f(lib):
        x = leaf(lib, X)
        y = _square(lib).apply(x)
        y.sum().backward()
        return y, x.grad, y.grad_fn.name(), type(y.grad_fn).__name__
    both(f)


def test_custom_function_double_backward():
    def f(lib):
        x = leaf(lib, X)
        y = _square(lib).apply(x).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        gg, = lib.autograd.grad(g.sum(), x)
        return g, gg
    both(f)


def test_needs_input_grad_and_non_tensor_args():
    def f(lib):
        seen = []

        class Scale(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, k, y):
                ctx.k = k
                seen.append(ctx.needs_input_grad)
                return x * k + y

            @staticmethod
            def backward(ctx, grad):
                seen.append(ctx.needs_input_grad)
                return grad * ctx.k, None, grad
        x, y = leaf(lib, X), lib.tensor(Y)
        Scale.apply(x, 3.0, y).sum().backward()
        with lib.no_grad():
            Scale.apply(x, 2.0, y)
        return seen, x.grad
    both(f)


def test_setup_context_style():
    def f(lib):
        class Mul(lib.autograd.Function):
            @staticmethod
            def forward(x, y):
                return x * y

            @staticmethod
            def setup_context(ctx, inputs, output):
                x, y = inputs
                ctx.save_for_backward(x, y)

            @staticmethod
            def backward(ctx, grad):
                x, y = ctx.saved_tensors
                return grad * y, grad * x
        x, y = leaf(lib, X), leaf(lib, Y)
        Mul.apply(x, y).sum().backward()
        return x.grad, y.grad
    both(f)


def test_save_output_and_intermediate():
    def f(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                out = x.exp()
                half = x * 0.5
                ctx.save_for_backward(out, half)
                return out

            @staticmethod
            def backward(ctx, grad):
                out, half = ctx.saved_tensors
                return grad * out + 0 * half
        x = leaf(lib, X)
        y = Exp.apply(x)
        (y * y).sum().backward()
        return x.grad
    both(f)


def test_saved_output_modified_in_place():
    def f(lib):
        class Exp(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                out = x.exp()
                ctx.save_for_backward(out)
                return out

            @staticmethod
            def backward(ctx, grad):
                out, = ctx.saved_tensors
                return grad * out
        x = leaf(lib, X)
        y = Exp.apply(x)
        with lib.no_grad():
            y.mul_(2)
        y.sum().backward()
    raises_same(f)


def test_mark_dirty():
    def f(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                a.mul_(2)
                ctx.mark_dirty(a)
                return a

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        x = leaf(lib, X)
        a = x.clone()
        v0 = a._version
        b = Double.apply(a)
        b.exp().sum().backward()
        return b is a, a._version - v0, a.grad_fn.name(), x.grad
    both(f)


def test_mark_dirty_on_leaf_requiring_grad():
    def f(lib):
        class Double(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                a.mul_(2)
                ctx.mark_dirty(a)
                return a

            @staticmethod
            def backward(ctx, grad):
                return grad * 2
        Double.apply(leaf(lib, X))
    raises_same(f)


def test_mark_non_differentiable_and_integer_outputs():
    def f(lib):
        class SortLike(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x * 2
                idx = lib.tensor([0, 1, 2])
                flag = x * 0
                ctx.mark_non_differentiable(flag)
                return y, idx, flag

            @staticmethod
            def backward(ctx, gy, gidx, gflag):
                return gy * 2
        x = leaf(lib, X)
        y, idx, flag = SortLike.apply(x)
        y.sum().backward()
        return y.requires_grad, idx.requires_grad, flag.requires_grad, x.grad
    both(f)


def test_materialize_grads_default_and_off():
    def f(lib):
        seen = []

        class Two(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x, materialize):
                ctx.set_materialize_grads(materialize)
                return x * 2, x * 3

            @staticmethod
            def backward(ctx, g1, g2):
                seen.append(g2)
                return (g1 * 2 if g1 is not None else None), None
        x = leaf(lib, X)
        a, _ = Two.apply(x, True)
        a.sum().backward()
        a, _ = Two.apply(x, False)
        a.sum().backward()
        return seen, x.grad
    both(f)


def test_multiple_outputs_only_some_get_gradient():
    def f(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, x.exp()

            @staticmethod
            def backward(ctx, g1, g2):
                return g1 * 2 + g2 * 3
        x = leaf(lib, X)
        a, b = Split.apply(x)
        (b * 5).sum().backward()
        return x.grad
    both(f)


def test_returning_non_tensors():
    def f(lib):
        class WithInfo(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2, 7, 'note'

            @staticmethod
            def backward(ctx, g, g_int, g_str):
                return g * 2
        x = leaf(lib, X)
        y, n, s = WithInfo.apply(x)
        y.sum().backward()
        return n, s, x.grad
    both(f)


def _identity(lib):
    class Identity(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x

        @staticmethod
        def backward(ctx, grad):
            return grad * 3
    return Identity


def test_returning_an_input_unchanged():
    def f(lib):
        x = leaf(lib, X)
        y = _identity(lib).apply(x)
        info = (y is x, y._base is x, y.grad_fn.name(), y._version)
        y.sum().backward()
        with lib.no_grad():
            z = _identity(lib).apply(x)
        w = _identity(lib).apply(lib.tensor(X))
        return info, x.grad, z is x, z.requires_grad, w.grad_fn is None
    both(f)


def test_once_differentiable():
    def make(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            @lib.autograd.function.once_differentiable
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 3 * x * x * grad
        return Cube

    def first(lib):
        x = leaf(lib, X)
        y = make(lib).apply(x).sum()
        g, = lib.autograd.grad(y, x)
        return g
    both(first)

    def second(lib):
        x = leaf(lib, X)
        y = make(lib).apply(x).sum()
        g, = lib.autograd.grad(y, x, create_graph=True)
        g.sum().backward()
    raises_same(second)


def test_once_differentiable_exported_at_autograd():
    assert ember.autograd.once_differentiable is ember.autograd.function.once_differentiable


def test_custom_function_in_no_grad_and_without_grad_inputs():
    def f(lib):
        x = leaf(lib, X)
        with lib.no_grad():
            a = _square(lib).apply(x)
        b = _square(lib).apply(lib.tensor(X))
        return a.requires_grad, a.grad_fn is None, b.requires_grad
    both(f)


def test_forward_runs_without_grad():
    def f(lib):
        seen = []

        class Probe(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                seen.append(lib.is_grad_enabled())
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                seen.append(lib.is_grad_enabled())
                return grad * 2
        x = leaf(lib, X)
        Probe.apply(x).sum().backward()
        return seen
    both(f)


def test_backward_errors():
    def wrong_count(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, k):
                return a * k

            @staticmethod
            def backward(ctx, g):
                return g
        F.apply(leaf(lib, X), 2).sum().backward()
    raises_same(wrong_count)

    def grad_for_non_tensor(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, k):
                return a * k

            @staticmethod
            def backward(ctx, g):
                return g, g
        F.apply(leaf(lib, X), 2).sum().backward()
    raises_same(grad_for_non_tensor)

    def wrong_type(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return 3
        F.apply(leaf(lib, X)).sum().backward()
    raises_same(wrong_type)

    def wrong_shape(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return lib.ones(2)
        F.apply(leaf(lib, X)).sum().backward()
    raises_same(wrong_shape)

    def save_non_tensor(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.save_for_backward(3)
                return a * 2

            @staticmethod
            def backward(ctx, g):
                return g
        F.apply(leaf(lib, X))
    raises_same(save_non_tensor)


def test_extra_none_gradients_are_trimmed_and_dtype_cast():
    def f(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, k):
                return a * k

            @staticmethod
            def backward(ctx, g):
                return g.double(), None, None
        x = leaf(lib, X)
        F.apply(x, 2).sum().backward()
        return x.grad
    both(f)


def test_broadcast_gradient_is_reduced():
    def f(lib):
        class AddRow(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, row):
                return a + row

            @staticmethod
            def backward(ctx, g):
                return g, g  # g has a's shape; the engine sums it to row's
        x, r = leaf(lib, X), leaf(lib, Y[0])
        AddRow.apply(x, r).sum().backward()
        return x.grad, r.grad
    both(f)


def test_ctx_attributes_and_vjp_alias():
    def f(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                ctx.constant = 4.0
                return a * ctx.constant

            @staticmethod
            def vjp(ctx, g):
                return g * ctx.constant
        x = leaf(lib, X)
        F.apply(x).sum().backward()
        return x.grad
    both(f)


def test_missing_forward_and_backward():
    def no_backward(lib):
        class F(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a):
                return a * 2
        F.apply(leaf(lib, X)).sum().backward()
    raises_same(no_backward)


def test_hooks_on_custom_function_outputs():
    def f(lib):
        x = leaf(lib, X)
        y = _square(lib).apply(x)
        y.register_hook(lambda g: g * 2)
        y.grad_fn.register_hook(lambda gi, go: (gi[0] + 1,))
        y.sum().backward()
        return x.grad
    both(f)


def test_gradcheck_of_custom_function():
    for lib in (ember, torch):
        x = lib.tensor(np.array([0.5, -1.2, 2.0]), requires_grad=True)
        assert lib.autograd.gradcheck(_square(lib).apply, (x,))


@pytest.mark.parametrize('lib', [ember, torch], ids=['ember', 'torch'])
def test_legacy_call_raises(lib):
    class F(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a

    with pytest.raises(RuntimeError, match='Legacy autograd function'):
        F()(lib.tensor(X))

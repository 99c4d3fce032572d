"""ember.autograd.functional and gradcheck/gradgradcheck vs torch.autograd's."""
from __future__ import annotations

import importlib
import warnings

import numpy as np
import pytest
import torch

import ember
from test_autograd import X, Y, both, raises_same

F64 = np.random.default_rng(7).uniform(-1, 1, (2, 3))
G64 = np.random.default_rng(8).uniform(-1, 1, (2, 3))
V = np.random.default_rng(9).uniform(-1, 1, 3)


def fn_vec(x):
    return (x * x).exp() * x


def fn_pair(x, y):
    return x * y + x.exp(), (x * y).sum(-1)


def fn_scalar(x):
    return (x ** 3 * x.exp()).sum()


def fn_scalar2(x, y):
    return (x * x * y + y.exp()).sum()


def functional(lib):
    return lib.autograd.functional


@pytest.mark.parametrize('create_graph', [False, True])
def test_vjp(create_graph):
    both(lambda lib: functional(lib).vjp(fn_vec, lib.tensor(X), lib.tensor(Y), create_graph=create_graph))
    both(lambda lib: functional(lib).vjp(fn_pair, (lib.tensor(X), lib.tensor(Y)),
                                         (lib.tensor(Y), lib.tensor(X[:, 0])), create_graph=create_graph))
    both(lambda lib: functional(lib).vjp(fn_scalar, lib.tensor(X), create_graph=create_graph))


@pytest.mark.parametrize('create_graph', [False, True])
def test_jvp(create_graph):
    both(lambda lib: functional(lib).jvp(fn_vec, lib.tensor(X), lib.tensor(Y), create_graph=create_graph))
    both(lambda lib: functional(lib).jvp(fn_pair, (lib.tensor(X), lib.tensor(Y)), (lib.tensor(Y), lib.tensor(X)),
                                         create_graph=create_graph))


@pytest.mark.parametrize('create_graph', [False, True])
def test_jacobian(create_graph):
    both(lambda lib: functional(lib).jacobian(fn_vec, lib.tensor(X), create_graph=create_graph))
    both(lambda lib: functional(lib).jacobian(fn_pair, (lib.tensor(X), lib.tensor(Y)), create_graph=create_graph))
    both(lambda lib: functional(lib).jacobian(fn_scalar, (lib.tensor(X),), create_graph=create_graph))
    both(lambda lib: functional(lib).jacobian(lambda x, y: x * 2, (lib.tensor(X), lib.tensor(Y)),
                                              create_graph=create_graph))


def test_jacobian_vectorize_gives_the_same():
    both(lambda lib: functional(lib).jacobian(fn_vec, lib.tensor(X), vectorize=True))


@pytest.mark.parametrize('create_graph', [False, True])
def test_hessian(create_graph):
    both(lambda lib: functional(lib).hessian(fn_scalar, lib.tensor(X[0]), create_graph=create_graph))
    both(lambda lib: functional(lib).hessian(fn_scalar2, (lib.tensor(X[0]), lib.tensor(Y[0])),
                                             create_graph=create_graph))


@pytest.mark.parametrize('name', ['vhp', 'hvp'])
@pytest.mark.parametrize('create_graph', [False, True])
def test_vhp_hvp(name, create_graph):
    both(lambda lib: getattr(functional(lib), name)(fn_scalar, lib.tensor(X), lib.tensor(Y),
                                                    create_graph=create_graph))
    both(lambda lib: getattr(functional(lib), name)(fn_scalar2, (lib.tensor(X), lib.tensor(Y)),
                                                    (lib.tensor(Y), lib.tensor(X)), create_graph=create_graph))


def test_create_graph_results_can_be_differentiated():
    def f(lib):
        x = lib.tensor(X, requires_grad=True)
        h = functional(lib).hessian(fn_scalar, x, create_graph=True)
        h.sum().backward()
        return x.grad
    both(f)


def test_strict_mode():
    raises_same(lambda lib: functional(lib).vjp(lambda x, y: x * 2, (lib.tensor(X), lib.tensor(Y)),
                                                lib.tensor(X), strict=True))
    raises_same(lambda lib: functional(lib).jacobian(lambda x, y: x * 2, (lib.tensor(X), lib.tensor(Y)), strict=True))
    raises_same(lambda lib: functional(lib).hessian(lambda x: (x * 2).sum(), lib.tensor(X), strict=True))


def test_functional_errors():
    raises_same(lambda lib: functional(lib).vjp(fn_vec, 3))
    raises_same(lambda lib: functional(lib).vjp(fn_vec, (lib.tensor(X), 3)))
    raises_same(lambda lib: functional(lib).vjp(fn_vec, lib.tensor(X)))
    raises_same(lambda lib: functional(lib).vjp(fn_vec, lib.tensor(X), lib.tensor(X[0])))
    raises_same(lambda lib: functional(lib).vjp(fn_pair, (lib.tensor(X), lib.tensor(Y)), (lib.tensor(X),)))
    raises_same(lambda lib: functional(lib).jvp(fn_vec, lib.tensor(X)))
    raises_same(lambda lib: functional(lib).vjp(lambda x: 3, lib.tensor(X)))
    raises_same(lambda lib: functional(lib).hessian(fn_vec, lib.tensor(X)))
    raises_same(lambda lib: functional(lib).hessian(fn_pair, (lib.tensor(X), lib.tensor(Y))))
    raises_same(lambda lib: functional(lib).vhp(fn_vec, lib.tensor(X), lib.tensor(X)))
    raises_same(lambda lib: functional(lib).hvp(fn_scalar, lib.tensor(X)))


# ------------------------------------------------------------------------------------------------ gradcheck
def _inputs(lib, *arrays):
    return tuple(lib.tensor(a, requires_grad=True) for a in arrays)


def test_gradcheck_passes():
    for lib in (ember, torch):
        assert lib.autograd.gradcheck(fn_pair, _inputs(lib, F64, G64))
        assert lib.autograd.gradcheck(fn_scalar, _inputs(lib, F64), fast_mode=True)
        assert lib.autograd.gradgradcheck(fn_scalar2, _inputs(lib, F64, G64))
        assert lib.autograd.gradgradcheck(fn_vec, _inputs(lib, F64))


def _wrong(lib):
    class Wrong(lib.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            x, = ctx.saved_tensors
            return 3 * x * grad
    return Wrong


def test_gradcheck_failure_message_and_type():
    e = raises_same(lambda lib: lib.autograd.gradcheck(_wrong(lib).apply, _inputs(lib, V)), match_message=False)
    assert isinstance(e, RuntimeError) and isinstance(e, ember.autograd.GradcheckError)
    assert str(e).startswith('Jacobian mismatch for output 0 with respect to input 0,\nnumerical:tensor(')
    assert '\nanalytical:tensor(' in str(e)
    for lib in (ember, torch):
        assert lib.autograd.gradcheck(_wrong(lib).apply, _inputs(lib, V), raise_exception=False) is False
        with pytest.raises(importlib.import_module(f'{lib.__name__}.autograd.gradcheck').GradcheckError):
            lib.autograd.gradcheck(_wrong(lib).apply, _inputs(lib, V), fast_mode=True)


def test_gradgradcheck_detects_wrong_second_derivative():
    def make(lib):
        class Cube(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x ** 3

            @staticmethod
            def backward(ctx, grad):
                x, = ctx.saved_tensors
                return 3 * (x * x).detach() * grad  # right first derivative, no second one
        return Cube
    for lib in (ember, torch):
        assert lib.autograd.gradcheck(make(lib).apply, _inputs(lib, V))
        assert lib.autograd.gradgradcheck(make(lib).apply, _inputs(lib, V), raise_exception=False) is False


def test_gradcheck_warns_on_float32_and_errors():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match='Input #0 requires gradient and is not a double precision'):
            with warnings.catch_warnings():
                warnings.filterwarnings('ignore', message='.*Jacobian mismatch.*')
                lib.autograd.gradcheck(fn_vec, (lib.tensor(X, requires_grad=True),), raise_exception=False,
                                       atol=1e-2, rtol=1e-2, eps=1e-3)
    raises_same(lambda lib: lib.autograd.gradcheck(fn_vec, (lib.tensor(F64),)))
    raises_same(lambda lib: lib.autograd.gradcheck(fn_vec, (lib.tensor(V).expand(2, 3).requires_grad_(),)))


def test_gradcheck_backward_not_multiplied_by_grad_output():
    def make(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, grad):
                return grad * 2 if (grad * grad).sum().item() > 0 else lib.ones_like(grad)
        return Bad
    raises_same(lambda lib: lib.autograd.gradcheck(make(lib).apply, _inputs(lib, V)))


def test_gradcheck_non_differentiable_outputs():
    for lib in (ember, torch):
        assert lib.autograd.gradcheck(lambda t: (t > 0).double(), _inputs(lib, V))
    raises_same(lambda lib: lib.autograd.gradcheck(lambda t: t.detach() * 2, _inputs(lib, V)))

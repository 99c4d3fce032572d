"""ember.linalg and the matrix products beyond the op table: error messages, LinAlgError, higher-order gradients,
named results, factorisation properties, out=, and Tensor methods — each compared with PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch

RNG = np.random.default_rng(0)


def both(*arrays):
    return [ember.tensor(a) for a in arrays], [torch.tensor(a) for a in arrays]


def same_error(fn_ember, fn_torch):
    with pytest.raises(Exception) as expected:
        fn_torch()
    with pytest.raises(Exception) as got:
        fn_ember()
    assert str(got.value) == str(expected.value)
    return got.value, expected.value


F32, F64 = np.float32, np.float64


@pytest.mark.parametrize('sa,sb,da,db', [
    ((2, 3), (4, 5), F32, F32), ((3,), (4,), F32, F32), ((2, 3), (4,), F32, F32), ((3,), (4, 2), F32, F32),
    ((2, 2, 3), (4, 2), F32, F32), ((2, 2, 3), (4,), F32, F32), ((4,), (2, 3, 2), F32, F32),
    ((2, 3), (2, 4, 2), F32, F32), ((3, 2, 3), (2, 3, 2), F32, F32), ((5, 2, 2, 3), (4, 2), F32, F32),
    ((2, 3), (3, 2), F32, F64), ((3,), (3,), F64, F32), ((2, 3), (3,), F32, F64), ((2, 2, 3), (2, 3, 2), F32, F64),
    ((2, 3), (3, 2), np.int64, np.int32), ((2, 3), (4, 5), F32, F64), ((), (3,), F32, F32)])
def test_matmul_messages(sa, sb, da, db):
    (a, b), (ta, tb) = both(np.ones(sa, da), np.ones(sb, db))
    same_error(lambda: ember.matmul(a, b), lambda: torch.matmul(ta, tb))


@pytest.mark.parametrize('shape', [(3,), (2, 3), (2, 2, 3)])
def test_bool_matmul_not_implemented(shape):
    (a, b), (ta, tb) = both(np.ones(shape, bool), np.ones(shape[::-1], bool) if len(shape) < 3 else
                            np.ones((2, 3, 2), bool))
    got, expected = same_error(lambda: a @ b, lambda: ta @ tb)
    assert isinstance(got, NotImplementedError) and isinstance(expected, NotImplementedError)


@pytest.mark.parametrize('dtype', [np.int64, np.int32, np.uint8, np.float16])
def test_matmul_integer_and_half(dtype):
    a, b = RNG.integers(0, 5, (2, 3, 4)).astype(dtype), RNG.integers(0, 5, (4, 2)).astype(dtype)
    got = ember.tensor(a) @ ember.tensor(b)
    expected = torch.tensor(a) @ torch.tensor(b)
    assert str(got.dtype) == str(expected.dtype)
    np.testing.assert_array_equal(got.numpy(), expected.numpy())


def test_bfloat16_matmul():
    a, b = RNG.standard_normal((3, 4)), RNG.standard_normal((4, 2))
    got = ember.tensor(a).bfloat16() @ ember.tensor(b).bfloat16()
    expected = torch.tensor(a).bfloat16() @ torch.tensor(b).bfloat16()
    assert got.dtype == ember.bfloat16
    np.testing.assert_allclose(got.float().numpy(), expected.float().numpy(), rtol=1e-2, atol=1e-2)


@pytest.mark.parametrize('call', [
    lambda m, x: m.mm(x((3,)), x((3, 3))), lambda m, x: m.mm(x((2, 3)), x((4, 3))),
    lambda m, x: m.bmm(x((2, 3)), x((2, 3, 3))), lambda m, x: m.bmm(x((2, 2, 3)), x((3, 3, 4))),
    lambda m, x: m.mv(x((2, 3)), x((4,))), lambda m, x: m.mv(x((2, 3)), x((3, 1))),
    lambda m, x: m.dot(x((3,)), x((4,))), lambda m, x: m.dot(x((3,)), x((3, 1))),
    lambda m, x: m.inner(x((3,)), x((4,))), lambda m, x: m.outer(x((3,)), x((3, 2))),
    lambda m, x: m.addmm(x((3,)), x((2, 3)), x((3, 2))), lambda m, x: m.addmv(x((3,)), x((2, 3)), x((3,))),
    lambda m, x: m.addr(x((4,)), x((2,)), x((3,))), lambda m, x: m.addbmm(x((3, 3)), x((4, 2, 5)), x((4, 5, 3))),
    lambda m, x: m.tensordot(x((2, 3)), x((4, 5)), dims=1), lambda m, x: m.tensordot(x((2, 3)), x((3, 5)), dims=3),
    lambda m, x: m.trace(x((2, 3, 4))), lambda m, x: m.kron(x((2,)), x((3,))).sum() + m.trace(x((1,))),
    lambda m, x: m.einsum('ii->i', x((2, 3))), lambda m, x: m.einsum('ij->k', x((2, 3))),
    lambda m, x: m.einsum('ij,j', x((2, 3)), x((4,))), lambda m, x: m.einsum('ijk', x((2, 3))),
    lambda m, x: m.einsum('ij', x((2, 3)), x((2, 3))), lambda m, x: m.einsum('ij->ii', x((2, 3))),
    lambda m, x: m.einsum('i1', x((2, 3))), lambda m, x: m.cdist(x((3,)), x((4, 3))),
    lambda m, x: m.cdist(x((2, 3)), x((4, 4))), lambda m, x: m.cdist(x((2, 3)), x((4, 3)), p=-1.),
    lambda m, x: m.linalg.cross(x((3, 2)), x((3, 2))), lambda m, x: m.cross(x((4, 2)), x((4, 2)), dim=1),
    lambda m, x: m.searchsorted(x((2, 3)), x((3, 4))),
    lambda m, x: m.searchsorted(x((3,)), x((3, 4)), side='left', right=True),
    lambda m, x: m.searchsorted(x((3,)), x((3,)), sorter=x((2,)).long()),
    lambda m, x: m.bucketize(x((3,)), x((2, 3))),
    lambda m, x: m.linalg.inv(x((2, 3))), lambda m, x: m.linalg.inv(x((3,))), lambda m, x: m.linalg.det(x((2, 3))),
    lambda m, x: m.linalg.inv(x((2, 2)).long()),
    lambda m, x: m.linalg.solve(x((2, 3)), x((2,))), lambda m, x: m.linalg.solve(x((2, 2)), x((3,))),
    lambda m, x: m.linalg.solve(x((2, 2)), x((3, 2))), lambda m, x: m.linalg.solve(x((2, 2)), x((2,)).double()),
    lambda m, x: m.linalg.solve(x((2, 2)), x((2, 5)), left=False),
    lambda m, x: m.linalg.solve(x((3, 2, 2)), x((4, 2, 5))),
    lambda m, x: m.linalg.cholesky(x((2, 3))), lambda m, x: m.linalg.eigh(x((2, 2)), UPLO='X'),
    lambda m, x: m.linalg.qr(x((2, 3)), mode='x'), lambda m, x: m.linalg.qr(x((3,))),
    lambda m, x: m.linalg.svd(x((3,))), lambda m, x: m.linalg.matrix_power(x((4, 3)), 2),
    lambda m, x: m.linalg.multi_dot([x((3,))]), lambda m, x: m.linalg.multi_dot([x((3, 2)), x((3, 2))]),
    lambda m, x: m.linalg.multi_dot([x((3, 2)), x((2, 2)).double()]),
    lambda m, x: m.linalg.vector_norm(x((3,)).long()), lambda m, x: m.linalg.vector_norm(x((0, 3)), float('inf')),
    lambda m, x: m.linalg.vector_norm(x((2, 3)), 2, dtype=m.int64),
    lambda m, x: m.linalg.matrix_norm(x((3,))), lambda m, x: m.linalg.matrix_norm(x((3, 3)), 3),
    lambda m, x: m.linalg.matrix_norm(x((3, 3)), dim=(0,)), lambda m, x: m.linalg.matrix_norm(x((3, 3)), dim=(0, 0)),
    lambda m, x: m.linalg.norm(x((2, 3, 4)), 2), lambda m, x: m.linalg.norm(x((2, 3, 4)), dim=(0, 1, 2)),
    lambda m, x: m.linalg.vecdot(x((3, 2)), x((2,)).double()),
    lambda m, x: m.linalg.lstsq(x((4, 3)), x((4, 2)), driver='x'),
], ids=lambda f: '')
def test_error_messages(call):
    def make(lib):
        return lambda shape: lib.tensor(np.ones(shape, np.float32))
    same_error(lambda: call(ember, make(ember)), lambda: call(torch, make(torch)))


SINGULAR = np.array([[1., 2.], [2., 4.]])
NOT_PD = np.array([[1., 2.], [2., 1.]])


@pytest.mark.parametrize('call', [
    lambda m, A: m.linalg.inv(A), lambda m, A: m.inverse(A), lambda m, A: m.linalg.solve(A, A.sum(-1)),
    lambda m, A: m.linalg.cholesky(A), lambda m, A: m.linalg.matrix_power(A, -1),
    lambda m, A: m.linalg.inv_ex(A, check_errors=True)])
@pytest.mark.parametrize('matrix', [SINGULAR, NOT_PD, np.stack([np.eye(2), SINGULAR]), np.stack([np.eye(2), NOT_PD])])
def test_linalg_error(call, matrix):
    try:
        call(torch, torch.tensor(matrix))
    except torch.linalg.LinAlgError as exc:
        with pytest.raises(ember.linalg.LinAlgError) as got:
            call(ember, ember.tensor(matrix))
        assert str(got.value) == str(exc)
        assert isinstance(got.value, RuntimeError)
    else:
        call(ember, ember.tensor(matrix))


def test_inv_ex_and_cholesky_ex_info():
    batch = np.stack([np.eye(2), SINGULAR, 2 * np.eye(2)])
    expected = torch.linalg.inv_ex(torch.tensor(batch)).info.tolist()
    assert ember.linalg.inv_ex(ember.tensor(batch)).info.tolist() == expected
    batch = np.stack([np.eye(2), NOT_PD, -np.eye(2)])
    got, expected = ember.linalg.cholesky_ex(ember.tensor(batch)), torch.linalg.cholesky_ex(torch.tensor(batch))
    assert got.info.tolist() == expected.info.tolist()
    assert got.info.dtype == ember.int32


def test_named_results():
    A = RNG.standard_normal((4, 3))
    for name, fields in [('svd', ('U', 'S', 'Vh')), ('qr', ('Q', 'R')), ('slogdet', ('sign', 'logabsdet')),
                         ('eigh', ('eigenvalues', 'eigenvectors')), ('inv_ex', ('inverse', 'info')),
                         ('cholesky_ex', ('L', 'info')),
                         ('lstsq', ('solution', 'residuals', 'rank', 'singular_values'))]:
        arg = A[:3] @ A[:3].T + np.eye(3) if name in ('slogdet', 'eigh', 'inv_ex', 'cholesky_ex') else A
        args = (arg,) if name != 'lstsq' else (A, A[:, :2])
        got = getattr(ember.linalg, name)(*[ember.tensor(a) for a in args])
        expected = getattr(torch.linalg, name)(*[torch.tensor(a) for a in args])
        assert got._fields == fields == tuple(f for f in type(expected).__match_args__)
        assert type(got).__name__ == type(expected).__name__


def test_higher_order_gradients():
    A = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
    b = RNG.standard_normal((3,))
    for fn in [lambda m, x, y: (x @ x @ y).sum(), lambda m, x, y: m.linalg.inv(x).sum(),
               lambda m, x, y: m.linalg.det(x), lambda m, x, y: m.linalg.solve(x, y).sum(),
               lambda m, x, y: m.einsum('ij,jk,k->', x, x, y),
               lambda m, x, y: m.linalg.vector_norm(x, 3), lambda m, x, y: m.linalg.slogdet(x)[1],
               lambda m, x, y: m.linalg.cholesky(x @ x.mT).sum(),
               lambda m, x, y: (m.linalg.eigvalsh(x + x.mT) ** 3).sum(),
               lambda m, x, y: m.linalg.svdvals(x).sum(), lambda m, x, y: m.linalg.pinv(x).sum(),
               lambda m, x, y: m.trace(x @ x), lambda m, x, y: m.linalg.cross(x, x @ x).sum()]:
        results = []
        for lib in (ember, torch):
            x = lib.tensor(A, requires_grad=True)
            y = lib.tensor(b, requires_grad=True)
            g, = lib.autograd.grad(fn(lib, x, y), x, create_graph=True)
            gg, = lib.autograd.grad((g * g).sum(), x)
            results.append(gg.detach().numpy())
        np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-8)


def test_factorisation_properties_complex():
    A = RNG.standard_normal((2, 4, 3)) + 1j * RNG.standard_normal((2, 4, 3))
    x = ember.tensor(A)
    U, S, Vh = ember.linalg.svd(x, full_matrices=False)
    np.testing.assert_allclose((U.numpy() * S.numpy()[..., None, :]) @ Vh.numpy(), A, atol=1e-12)
    np.testing.assert_allclose(S.numpy(), torch.linalg.svdvals(torch.tensor(A)).numpy(), atol=1e-12)
    Q, R = ember.linalg.qr(x)
    np.testing.assert_allclose(Q.numpy() @ R.numpy(), A, atol=1e-12)
    H = A @ np.conj(np.swapaxes(A, -1, -2)) + 4 * np.eye(4)
    L = ember.linalg.cholesky(ember.tensor(H))
    np.testing.assert_allclose(L.numpy(), torch.linalg.cholesky(torch.tensor(H)).numpy(), atol=1e-12)
    w = ember.linalg.eigvalsh(ember.tensor(H))
    np.testing.assert_allclose(w.numpy(), torch.linalg.eigvalsh(torch.tensor(H)).numpy(), atol=1e-12)
    B = RNG.standard_normal((2, 4, 2)) + 0j
    X = ember.linalg.solve(ember.tensor(H), ember.tensor(B))
    np.testing.assert_allclose(X.numpy(), torch.linalg.solve(torch.tensor(H), torch.tensor(B)).resolve_conj().numpy(),
                               atol=1e-12)


def test_full_svd_and_complete_qr_are_orthogonal():
    A = RNG.standard_normal((5, 3))
    U, S, Vh = ember.linalg.svd(ember.tensor(A))
    assert tuple(U.shape) == (5, 5) and tuple(Vh.shape) == (3, 3)
    np.testing.assert_allclose(U.numpy().T @ U.numpy(), np.eye(5), atol=1e-12)
    np.testing.assert_allclose(U.numpy()[:, :3] * S.numpy() @ Vh.numpy(), A, atol=1e-12)
    Q, R = ember.linalg.qr(ember.tensor(A), mode='complete')
    assert tuple(Q.shape) == (5, 5) and tuple(R.shape) == (5, 3)
    np.testing.assert_allclose(Q.numpy() @ R.numpy(), A, atol=1e-12)


def test_qr_backward_errors_match():
    for mode, shape in [('r', (4, 3)), ('complete', (4, 3))]:
        x, t = ember.tensor(RNG.standard_normal(shape), requires_grad=True), torch.randn(*shape, requires_grad=True)
        index = 1 if mode == 'r' else 0
        same_error(lambda: ember.linalg.qr(x, mode=mode)[index].sum().backward(),
                   lambda: torch.linalg.qr(t, mode=mode)[index].sum().backward())


def test_out_and_methods():
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4))
    out = ember.empty(0)
    ember.mm(ember.tensor(a), ember.tensor(b), out=out)
    np.testing.assert_allclose(out.numpy(), a @ b)
    x = ember.tensor(a)
    assert x.mm(ember.tensor(b)).shape == (2, 4)
    assert x.matmul(ember.tensor(b)).shape == (2, 4)
    S = ember.tensor(a @ a.T + np.eye(2))
    np.testing.assert_allclose(S.det().item(), np.linalg.det(a @ a.T + np.eye(2)))
    np.testing.assert_allclose(S.inverse().numpy(), np.linalg.inv(a @ a.T + np.eye(2)))
    np.testing.assert_allclose(S.matrix_power(2).numpy(), (a @ a.T + np.eye(2)) @ (a @ a.T + np.eye(2)))
    np.testing.assert_allclose(S.cholesky().numpy(), np.linalg.cholesky(a @ a.T + np.eye(2)))
    v = ember.tensor(np.array([1., 2., 3.]))
    assert v.dot(v).item() == 14.0 and v.outer(v).shape == (3, 3) and v.inner(v).item() == 14.0


def test_cholesky_upper_and_cross_default_dim_warns():
    A = RNG.standard_normal((3, 3))
    H = A @ A.T + 3 * np.eye(3)
    np.testing.assert_allclose(ember.linalg.cholesky(ember.tensor(H), upper=True).numpy(),
                               torch.linalg.cholesky(torch.tensor(H), upper=True).numpy(), atol=1e-12)
    with pytest.warns(UserWarning, match='without specifying the dim'):
        got = ember.cross(ember.tensor(A), ember.tensor(H))
    np.testing.assert_allclose(got.numpy(), torch.cross(torch.tensor(A), torch.tensor(H), dim=0).numpy())


def test_addmm_beta_zero_ignores_nan():
    nan = np.full((2, 2), np.nan)
    a, b = RNG.standard_normal((2, 3)), RNG.standard_normal((3, 2))
    got = ember.addmm(ember.tensor(nan), ember.tensor(a), ember.tensor(b), beta=0)
    np.testing.assert_allclose(got.numpy(), a @ b)


def test_grad_fn_names():
    x = ember.ones(2, 3, requires_grad=True)
    assert type(ember.mm(x, ember.ones(3, 2)).grad_fn).__name__ == 'MmBackward0' or \
        ember.mm(x, ember.ones(3, 2)).grad_fn.name() == 'MmBackward0'
    assert ember.addmm(ember.ones(2, 2), x, ember.ones(3, 2)).grad_fn.name() == 'AddmmBackward0'
    v = ember.ones(3, requires_grad=True)
    assert ember.dot(v, v).grad_fn.name() == 'DotBackward0'


@pytest.mark.parametrize('dtype', ['float32', 'float64'])
@pytest.mark.parametrize('k', [16384, 40000])
def test_long_inner_dimension_product_matches_torch(dtype, k):
    """A small result over a long inner dimension (summed in 2048-long blocks, the last one ragged) and its
    gradients, as PyTorch's mm; a transposed right operand as a convolution's weight gradient passes it."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((6, k)).astype(dtype), rng.standard_normal((25, k)).astype(dtype)
    ea, eb = ember.tensor(a, requires_grad=True), ember.tensor(b, requires_grad=True)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    eo, to = ember.mm(ea, eb.t()), torch.mm(ta, tb.t())
    tol = 1e-3 if dtype == 'float32' else 1e-10
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=tol, atol=tol)
    cot = rng.standard_normal((6, 25)).astype(dtype)
    eo.backward(ember.tensor(cot))
    to.backward(torch.tensor(cot))
    np.testing.assert_allclose(ea.grad.numpy(), ta.grad.numpy(), rtol=tol, atol=tol)
    np.testing.assert_allclose(eb.grad.numpy(), tb.grad.numpy(), rtol=tol, atol=tol)

"""In-place variants, ``out=``, in-place operators and fills of the elementwise family, against PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch


def pair(values, dtype='float32', requires_grad=False):
    array = np.array(values, dtype=dtype)
    return (ember.tensor(array, requires_grad=requires_grad), torch.tensor(array, requires_grad=requires_grad))


def same(ours, theirs, atol=1e-6):
    assert isinstance(ours, ember.Tensor)
    assert ours.dtype.name == str(theirs.dtype).replace('torch.', '')
    assert tuple(ours.shape) == tuple(theirs.shape)
    np.testing.assert_allclose(ours.detach().numpy().astype(np.float64),
                               theirs.detach().numpy().astype(np.float64), atol=atol, equal_nan=True)


def raises_like(fn_ours, fn_theirs):
    with pytest.raises(Exception) as theirs:
        fn_theirs()
    with pytest.raises(Exception) as ours:
        fn_ours()
    expected = next(b for b in theirs.type.__mro__ if b.__module__ == 'builtins')
    assert issubclass(ours.type, expected), f'ember raised {ours.type.__name__}({ours.value}), torch ' \
                                            f'{theirs.type.__name__}({theirs.value})'
    return str(ours.value), str(theirs.value)


# ------------------------------------------------------------------------------------------------ in-place methods

INPLACE = [
    ('add_', (2.5,), {}), ('add_', ('other',), {'alpha': 2}), ('sub_', ('other',), {}), ('mul_', (3,), {}),
    ('div_', ('other',), {}), ('div_', (2.0,), {'rounding_mode': 'floor'}), ('pow_', (2,), {}), ('neg_', (), {}),
    ('abs_', (), {}), ('sin_', (), {}), ('exp_', (), {}), ('sigmoid_', (), {}), ('tanh_', (), {}),
    ('clamp_', (-0.5, 0.5), {}), ('clamp_', (), {'min': 0.0}), ('floor_', (), {}), ('round_', (), {}),
    ('round_', (), {'decimals': 1}), ('relu_', (), {}), ('reciprocal_', (), {}), ('sqrt_', ()), ('square_', (), {}),
    ('sign_', (), {}), ('trunc_', (), {}), ('frac_', (), {}), ('remainder_', (0.7,), {}), ('fmod_', (0.7,), {}),
    ('lerp_', ('other', 0.3), {}), ('addcmul_', ('other', 'other'), {'value': 0.5}),
    ('copysign_', (-1.0,), {}), ('hypot_', ('other',), {}), ('atan2_', ('other',), {}), ('logit_', (0.1,), {}),
    ('nan_to_num_', (), {}), ('clamp_min_', (0.1,), {}), ('xlogy_', (2.0,), {}), ('erf_', (), {}),
]


@pytest.mark.parametrize('name,args,kwargs', [(e[0], e[1], e[2] if len(e) > 2 else {}) for e in INPLACE],
                         ids=[f'{e[0]}{i}' for i, e in enumerate(INPLACE)])
def test_inplace_method_matches_torch_and_keeps_identity(name, args, kwargs):
    values = [0.3, 1.7, 0.9, 2.2] if name in ('sqrt_', 'logit_') else [-1.3, 0.2, 0.8, 2.6]
    ours, theirs = pair(values)
    other_o, other_t = pair([0.5, 1.5, -0.25, 3.0])
    a_o = tuple(other_o if a == 'other' else a for a in args)
    a_t = tuple(other_t if a == 'other' else a for a in args)
    version = ours._version
    result = getattr(ours, name)(*a_o, **kwargs)
    getattr(theirs, name)(*a_t, **kwargs)
    assert result is ours
    assert ours._version == version + 1
    same(ours, theirs, atol=1e-5)


def test_inplace_on_leaf_requiring_grad_raises():
    x_o, x_t = pair([1.0, 2.0], requires_grad=True)
    for op in (lambda x: x.add_(1), lambda x: x.__iadd__(1), lambda x: x.mul_(2), lambda x: x.sin_(),
               lambda x: x.clamp_(0, 1), lambda x: x.fill_(1), lambda x: x.zero_(), lambda x: x.copy_(x.detach())):
        message, expected = raises_like(lambda: op(x_o), lambda: op(x_t))
        assert message == expected
    with ember.no_grad():
        x_o.add_(1)
    assert x_o.tolist() == [2.0, 3.0]


def test_inplace_result_type_errors_match_torch():
    for op in (lambda x: x.__itruediv__(2), lambda x: x.add_(1.5), lambda x: x.sin_(), lambda x: x.pow_(0.5),
               lambda x: x.copysign_(1), lambda x: x.sqrt_()):
        i_o, i_t = pair([1, 2], 'int64')
        message, expected = raises_like(lambda: op(i_o), lambda: op(i_t))
        assert message == expected
        assert i_o.tolist() == [1, 2]  # nothing written before the error


def test_inplace_broadcast_error_and_bool_negation():
    f_o, f_t = pair([1.0, 2.0])
    message, expected = raises_like(lambda: f_o.add_(ember.ones(3, 2)), lambda: f_t.add_(torch.ones(3, 2)))
    assert message == expected
    b_o, b_t = pair([True, False], 'bool')
    message, expected = raises_like(lambda: b_o.neg_(), lambda: b_t.neg_())
    assert message == expected


@pytest.mark.parametrize('op', ['iadd', 'isub', 'imul', 'itruediv', 'ipow', 'ifloordiv', 'imod'])
def test_inplace_operators_float(op):
    ours, theirs = pair([-1.5, 0.5, 2.0, 3.25])
    base_o = ours
    ours = getattr(ours, f'__{op}__')(1.5)
    theirs = getattr(theirs, f'__{op}__')(1.5)
    assert ours is base_o
    same(ours, theirs, atol=1e-5)


@pytest.mark.parametrize('op', ['iadd', 'isub', 'imul', 'ifloordiv', 'imod', 'iand', 'ior', 'ixor', 'ilshift',
                                'irshift', 'ipow'])
def test_inplace_operators_int(op):
    ours, theirs = pair([-7, 0, 5, 12], 'int64')
    base_o = ours
    ours = getattr(ours, f'__{op}__')(3)
    theirs = getattr(theirs, f'__{op}__')(3)
    assert ours is base_o
    same(ours, theirs)


def test_augmented_assignment_statements():
    x_o, x_t = pair([1.0, 2.0, 3.0])
    y_o, y_t = x_o, x_t
    x_o += 1
    x_o *= ember.tensor([1.0, 2.0, 3.0])
    x_o -= 0.5
    x_o /= 2
    x_o **= 2
    x_t += 1
    x_t *= torch.tensor([1.0, 2.0, 3.0])
    x_t -= 0.5
    x_t /= 2
    x_t **= 2
    assert x_o is y_o and x_t is y_t
    same(x_o, x_t)
    m_o, m_t = pair([True, False, True], 'bool')
    m_o &= ember.tensor([True, True, False])
    m_t &= torch.tensor([True, True, False])
    m_o |= ember.tensor([False, True, False])
    m_t |= torch.tensor([False, True, False])
    m_o ^= ember.tensor([True, True, True])
    m_t ^= torch.tensor([True, True, True])
    same(m_o, m_t)


def test_int_true_divide_in_place_message():
    x = ember.tensor([1, 2])
    with pytest.raises(RuntimeError, match="result type Float can't be cast to the desired output type Long"):
        x /= 2


def test_iand_on_float_raises_like_torch():
    f_o, f_t = pair([1.0, 2.0])
    raises_like(lambda: f_o.__iand__(1), lambda: f_t.__iand__(1))


def test_inplace_autograd_through_non_leaf():
    x_o, x_t = pair([0.5, -1.0, 2.0], 'float64', requires_grad=True)
    y_o, y_t = x_o * 2, x_t * 2
    y_o.sin_().mul_(3).add_(x_o)
    y_t.sin_().mul_(3).add_(x_t)
    assert y_o.grad_fn.name() == y_t.grad_fn.name()
    y_o.sum().backward()
    y_t.sum().backward()
    same(x_o.grad, x_t.grad)


def test_inplace_after_saved_output_raises_in_backward():
    x_o, x_t = pair([0.5, -1.0], requires_grad=True)
    y_o, y_t = x_o.exp(), x_t.exp()
    y_o.add_(1)
    y_t.add_(1)
    raises_like(lambda: y_o.sum().backward(), lambda: y_t.sum().backward())


# ------------------------------------------------------------------------------------------------ out=

@pytest.mark.parametrize('name,args', [
    ('add', ('x', 'y')), ('sub', ('x', 'y')), ('mul', ('x', 2.0)), ('div', ('x', 'y')), ('exp', ('x',)),
    ('sin', ('x',)), ('sqrt', ('y',)), ('clamp', ('x', -0.5, 0.5)), ('maximum', ('x', 'y')),
    ('where', ('c', 'x', 'y')), ('remainder', ('x', 'y')), ('floor_divide', ('x', 'y')), ('atan2', ('x', 'y')),
    ('eq', ('x', 'y')), ('logical_and', ('x', 'y')), ('abs', ('x',)), ('pow', ('x', 2)), ('lerp', ('x', 'y', 0.3)),
    ('addcmul', ('x', 'y', 'y')), ('round', ('x',)), ('nan_to_num', ('x',)), ('reciprocal', ('y',)),
])
def test_out_argument(name, args):
    x_o, x_t = pair([-1.5, 0.25, 2.0])
    y_o, y_t = pair([0.5, 1.5, 3.0])
    c_o, c_t = pair([True, False, True], 'bool')
    table_o, table_t = {'x': x_o, 'y': y_o, 'c': c_o}, {'x': x_t, 'y': y_t, 'c': c_t}
    a_o = [table_o.get(a, a) if isinstance(a, str) else a for a in args]
    a_t = [table_t.get(a, a) if isinstance(a, str) else a for a in args]
    expected = getattr(torch, name)(*a_t)
    out_o = ember.empty(3, dtype=getattr(ember, str(expected.dtype).replace('torch.', '')))
    returned = getattr(ember, name)(*a_o, out=out_o)
    assert returned is out_o
    same(out_o, expected, atol=1e-6)


def test_out_resizes_and_checks_dtype():
    x_o, x_t = pair([1.0, 2.0, 3.0])
    out_o, out_t = ember.empty(0), torch.empty(0)
    ember.sin(x_o, out=out_o)
    torch.sin(x_t, out=out_t)
    same(out_o, out_t)
    raises_like(lambda: ember.sin(x_o, out=ember.empty(3, dtype=ember.int64)),
                lambda: torch.sin(x_t, out=torch.empty(3, dtype=torch.int64)))
    wider_o, wider_t = ember.empty(3, dtype=ember.float64), torch.empty(3, dtype=torch.float64)
    ember.gt(x_o, 1.5, out=wider_o)
    torch.gt(x_t, 1.5, out=wider_t)
    same(wider_o, wider_t)


def test_out_with_requires_grad_raises():
    x_o, x_t = pair([1.0, 2.0], requires_grad=True)
    raises_like(lambda: ember.exp(x_o, out=ember.empty(2)), lambda: torch.exp(x_t, out=torch.empty(2)))


# ------------------------------------------------------------------------------------------------ fill_, zero_, copy_

@pytest.mark.parametrize('dtype,value', [('float32', 2.5), ('int64', 1.7), ('int64', -1.7), ('bool', 2),
                                         ('float64', True), ('int32', 7)])
def test_fill_scalar(dtype, value):
    ours, theirs = pair([1, 0, 3], dtype)
    assert ours.fill_(value) is ours
    theirs.fill_(value)
    same(ours, theirs)


def test_fill_tensor_value_and_errors():
    ours, theirs = pair([1.0, 2.0, 3.0])
    ours.fill_(ember.tensor(4.5, dtype=ember.float64))
    theirs.fill_(torch.tensor(4.5, dtype=torch.float64))
    same(ours, theirs)
    message, expected = raises_like(lambda: ours.fill_(ember.tensor([1.0])), lambda: theirs.fill_(torch.tensor([1.0])))
    assert message == expected


def test_fill_and_zero_gradients():
    for fill in (lambda x, v: x.fill_(v), lambda x, v: x.zero_()):
        x_o, x_t = pair([1.0, 2.0, 3.0], 'float64', requires_grad=True)
        v_o, v_t = pair(0.5, 'float64', requires_grad=True)
        y_o, y_t = x_o * 1, x_t * 1
        fill(y_o, v_o)
        fill(y_t, v_t)
        assert y_o.grad_fn.name() == y_t.grad_fn.name()
        (y_o * ember.tensor([1.0, 2.0, 3.0], dtype=ember.float64)).sum().backward()
        (y_t * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)).sum().backward()
        same(x_o.grad, x_t.grad)
        if v_t.grad is not None:
            same(v_o.grad, v_t.grad)
        else:
            assert v_o.grad is None


def test_copy_broadcasts_casts_and_is_differentiable():
    dst_o, dst_t = pair([[0, 0, 0], [0, 0, 0]], 'int64')
    src_o, src_t = pair([1.7, -2.2, 3.9])
    dst_o.copy_(src_o)
    dst_t.copy_(src_t)
    same(dst_o, dst_t)
    x_o, x_t = pair([[1.0, 2.0], [3.0, 4.0]], 'float64', requires_grad=True)
    s_o, s_t = pair([5.0, 6.0], 'float32', requires_grad=True)
    y_o, y_t = x_o * 2, x_t * 2
    y_o.copy_(s_o)
    y_t.copy_(s_t)
    assert y_o.grad_fn.name() == y_t.grad_fn.name() == 'torch::autograd::CopyBackwards'
    (y_o * y_o).sum().backward()
    (y_t * y_t).sum().backward()
    same(s_o.grad, s_t.grad)
    same(x_o.grad, x_t.grad)


def test_copy_errors():
    f_o, f_t = pair([1.0, 2.0])
    for src_o, src_t in [(ember.ones(3), torch.ones(3)), (ember.ones(1, 2), torch.ones(1, 2))]:
        message, expected = raises_like(lambda: f_o.copy_(src_o), lambda: f_t.copy_(src_t))
        assert message == expected


# ------------------------------------------------------------------------------------------------ dunders, reprs

def test_reflected_operators():
    x_o, x_t = pair([1, 2, 3], 'int64')
    for fn in (lambda x: 10 - x, lambda x: 10 // x, lambda x: 10 % x, lambda x: 2 ** x, lambda x: 1.5 / x,
               lambda x: 3 & x, lambda x: 3 | x, lambda x: 3 ^ x, lambda x: 1 << x, lambda x: 64 >> x,
               lambda x: 2 < x, lambda x: 2 == x, lambda x: abs(-x), lambda x: -x, lambda x: ~x, lambda x: +x):
        same(fn(x_o), fn(x_t))


def test_eq_with_unsupported_types():
    x_o, x_t = pair([1.0])
    assert (x_o == None) is (x_t == None) is False  # noqa: E711
    assert (x_o != 'a') is (x_t != 'a') is True
    raises_like(lambda: x_o < 'a', lambda: x_t < 'a')
    assert x_o in {x_o}  # still hashable


def test_invert_float_and_negate_bool():
    f_o, f_t = pair([1.0])
    message, expected = raises_like(lambda: ~f_o, lambda: ~f_t)
    assert message == expected
    b_o, b_t = pair([True], 'bool')
    message, expected = raises_like(lambda: -b_o, lambda: -b_t)
    assert message == expected
    message, expected = raises_like(lambda: +b_o, lambda: +b_t)
    assert message == expected


@pytest.mark.parametrize('expr', [
    lambda m, x, y: x + y, lambda m, x, y: x * y, lambda m, x, y: x / y, lambda m, x, y: x - y,
    lambda m, x, y: x ** y, lambda m, x, y: x ** 2, lambda m, x, y: 2 ** x, lambda m, x, y: m.sigmoid(x),
    lambda m, x, y: m.clamp(x, 0, 1), lambda m, x, y: m.clamp(x, y, y + 1), lambda m, x, y: m.clamp_min(x, 0),
    lambda m, x, y: m.maximum(x, y), lambda m, x, y: m.where(x > 0, x, y), lambda m, x, y: m.abs(x),
    lambda m, x, y: m.remainder(x, 1.5), lambda m, x, y: x % y, lambda m, x, y: m.lerp(x, y, 0.5),
    lambda m, x, y: m.lerp(x, y, y), lambda m, x, y: m.addcmul(x, x, y), lambda m, x, y: m.addcdiv(x, x, y),
    lambda m, x, y: m.round(x, decimals=1), lambda m, x, y: m.div(x, y, rounding_mode='floor'),
    lambda m, x, y: m.copysign(x, y), lambda m, x, y: m.copysign(x, -1), lambda m, x, y: m.xlogy(x, y),
    lambda m, x, y: m.xlogy(2, y), lambda m, x, y: m.float_power(x, 2), lambda m, x, y: m.square(x),
    lambda m, x, y: m.logit(y, 0.1), lambda m, x, y: m.relu(x), lambda m, x, y: m.erfinv(y / 4),
    lambda m, x, y: m.fix(x), lambda m, x, y: m.nan_to_num(x), lambda m, x, y: m.hypot(x, y),
])
def test_grad_fn_names(expr):
    x_o, x_t = pair([0.5, -1.0, 2.0], requires_grad=True)
    y_o, y_t = pair([1.5, 2.0, 3.0], requires_grad=True)
    assert expr(ember, x_o, y_o).grad_fn.name() == expr(torch, x_t, y_t).grad_fn.name()


def test_double_backward_of_unary_ops():
    for fn in (lambda m, x: m.sigmoid(x), lambda m, x: m.tanh(x), lambda m, x: m.sin(x) * m.exp2(x),
               lambda m, x: m.sqrt(x), lambda m, x: m.atan(x), lambda m, x: m.erf(x), lambda m, x: m.lgamma(x),
               lambda m, x: m.maximum(x, x * x), lambda m, x: m.clamp(x * x, 0.5, 2.0),
               lambda m, x: m.hypot(x, 2 * x), lambda m, x: m.logaddexp(x, 1 - x)):
        x_o, x_t = pair([0.3, 1.1, 2.0], 'float64', requires_grad=True)
        g_o, = ember.autograd.grad(fn(ember, x_o).sum(), x_o, create_graph=True)
        g_t, = torch.autograd.grad(fn(torch, x_t).sum(), x_t, create_graph=True)
        gg_o, = ember.autograd.grad(g_o.sum(), x_o)
        gg_t, = torch.autograd.grad(g_t.sum(), x_t)
        same(gg_o, gg_t, atol=1e-8)


def test_int_pow_rules():
    i_o, i_t = pair([2, -3, 1, -1, 0], 'int64')
    raises_like(lambda: i_o ** -1, lambda: i_t ** -1)
    e_o, e_t = pair([-1, -2, -3, -1, 2], 'int64')
    same(i_o ** e_o, i_t ** e_t)
    same(ember.pow(2, e_o), torch.pow(2, e_t))
    same(i_o ** 0.5, i_t ** 0.5)


def test_where_single_argument_is_nonzero():
    c = np.array([[True, False], [False, True]])
    ours, theirs = ember.where(ember.tensor(c)), torch.where(torch.tensor(c))
    assert len(ours) == len(theirs)
    for o, t in zip(ours, theirs):
        same(o, t)


def test_integer_division_by_zero_raises():
    i_o, i_t = pair([1, 2], 'int64')
    for fn in (lambda x: x // 0, lambda x: x % 0, lambda x: x.fmod(0), lambda x: x.div(0, rounding_mode='trunc')):
        message, expected = raises_like(lambda: fn(i_o), lambda: fn(i_t))
        assert message == expected


def test_broadcast_error_message():
    message, expected = raises_like(lambda: ember.ones(2, 3) + ember.ones(4, 5), lambda: torch.ones(2, 3) +
                                    torch.ones(4, 5))
    assert message == expected


def test_allclose_and_equal_return_python_bools():
    a_o, a_t = pair([1.0, 2.0])
    assert ember.allclose(a_o, a_o + 1e-9) is torch.allclose(a_t, a_t + 1e-9) is True
    assert ember.equal(a_o, a_o.clone()) is True
    assert a_o.equal(ember.tensor([1.0, 2.5])) is False

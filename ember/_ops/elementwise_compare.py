"""Elementwise comparisons, logic, bitwise ops and floating-point classification.

Comparisons promote their operands (PyTorch's rules, as in arithmetic) and return bool tensors; none of these ops is
differentiable, so their primitives skip autograd bookkeeping entirely.
"""
from __future__ import annotations

__all__ = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'greater', 'greater_equal', 'less', 'less_equal', 'not_equal',
           'isclose', 'allclose', 'equal', 'logical_and', 'logical_or', 'logical_xor', 'logical_not', 'bitwise_and',
           'bitwise_or', 'bitwise_xor', 'bitwise_not', 'bitwise_left_shift', 'bitwise_right_shift', 'isnan', 'isinf',
           'isposinf', 'isneginf', 'isfinite', 'isreal', 'signbit']

import builtins

from ..autograd.function import Primitive
from .elementwise import _as_operand, _broadcast_failure, _out, _promote
from .inplace import _type_word, apply_inplace


class _Logic(Primitive):
    """A non-differentiable elementwise op: ``_fn(xp, *arrays)``."""

    differentiable = False

    @staticmethod
    def forward(ctx, *arrays):
        try:
            return ctx._fn(ctx.xp, *arrays)
        except ValueError as error:
            raise _broadcast_failure(error, *arrays[:2]) from None


def _logic(name, fn):
    return type(name, (_Logic,), {'_fn': staticmethod(fn), '__doc__': f'Elementwise {name.lower()}.'})


Eq = _logic('Eq', lambda xp, a, b: xp.equal(a, b))
Ne = _logic('Ne', lambda xp, a, b: xp.not_equal(a, b))
Lt = _logic('Lt', lambda xp, a, b: xp.less(a, b))
Le = _logic('Le', lambda xp, a, b: xp.less_equal(a, b))
Gt = _logic('Gt', lambda xp, a, b: xp.greater(a, b))
Ge = _logic('Ge', lambda xp, a, b: xp.greater_equal(a, b))
LogicalAnd = _logic('LogicalAnd', lambda xp, a, b: xp.logical_and(a, b))
LogicalOr = _logic('LogicalOr', lambda xp, a, b: xp.logical_or(a, b))
LogicalXor = _logic('LogicalXor', lambda xp, a, b: xp.logical_xor(a, b))
LogicalNot = _logic('LogicalNot', lambda xp, a: xp.logical_not(a))
BitwiseAnd = _logic('BitwiseAnd', lambda xp, a, b: xp.bitwise_and(a, b))
BitwiseOr = _logic('BitwiseOr', lambda xp, a, b: xp.bitwise_or(a, b))
BitwiseXor = _logic('BitwiseXor', lambda xp, a, b: xp.bitwise_xor(a, b))
BitwiseNot = _logic('BitwiseNot', lambda xp, a: xp.invert(a))
LeftShift = _logic('LeftShift', lambda xp, a, b: xp.left_shift(a, b))
RightShift = _logic('RightShift', lambda xp, a, b: xp.right_shift(a, b))
IsNan = _logic('IsNan', lambda xp, a: xp.isnan(a))
IsInf = _logic('IsInf', lambda xp, a: xp.isinf(a))
IsPosInf = _logic('IsPosInf', lambda xp, a: xp.isposinf(a))
IsNegInf = _logic('IsNegInf', lambda xp, a: xp.isneginf(a))
IsFinite = _logic('IsFinite', lambda xp, a: xp.isfinite(a))
SignBit = _logic('SignBit', lambda xp, a: xp.signbit(a))
IsClose = _logic('IsClose', lambda xp, a, b, rtol, atol, equal_nan: _isclose(xp, a, b, rtol, atol, equal_nan))


def _isclose(xp, a, b, rtol, atol, equal_nan):
    close = a == b
    if a.dtype.kind == 'b' or (rtol == 0 and atol == 0):
        return close
    if a.dtype.kind in 'iu':
        a, b = a.astype('float64'), b.astype('float64')
    finite = xp.isfinite(a) & xp.isfinite(b)
    within = xp.abs(a - b) <= atol + rtol * xp.abs(b)
    close = close | (finite & within)
    if equal_nan:
        close = close | (xp.isnan(a) & xp.isnan(b))
    return close


# ------------------------------------------------------------------------------------------------ comparisons

def _compare(op, name, input, other):
    a, b = _promote(input, _as_operand(other, name))
    d = a._dtype if hasattr(a, '_dtype') else b._dtype
    if d._kind == 3 and op is not Eq and op is not Ne:
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'{_type_word(d)}\'')
    return op.apply(a, b)


def eq(input, other, *, out=None):
    """``input == other`` elementwise, as a bool tensor.

    >>> ember.eq(ember.tensor([1, 2]), 2)
    tensor([False,  True])
    """
    return _out(_compare(Eq, 'eq', input, other), out)


def ne(input, other, *, out=None):
    """``input != other`` elementwise."""
    return _out(_compare(Ne, 'ne', input, other), out)


def lt(input, other, *, out=None):
    """``input < other`` elementwise."""
    return _out(_compare(Lt, 'lt', input, other), out)


def le(input, other, *, out=None):
    """``input <= other`` elementwise."""
    return _out(_compare(Le, 'le', input, other), out)


def gt(input, other, *, out=None):
    """``input > other`` elementwise."""
    return _out(_compare(Gt, 'gt', input, other), out)


def ge(input, other, *, out=None):
    """``input >= other`` elementwise."""
    return _out(_compare(Ge, 'ge', input, other), out)


greater, greater_equal, less, less_equal, not_equal = gt, ge, lt, le, ne


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """``|input - other| <= atol + rtol * |other|`` elementwise (both must have the same dtype)."""
    if input._dtype is not other._dtype:
        raise RuntimeError(f'{_type_word(input._dtype)} did not match {_type_word(other._dtype)}')
    if rtol < 0:
        raise RuntimeError(f'rtol must be greater than or equal to zero, but got {rtol}')
    if atol < 0:
        raise RuntimeError(f'atol must be greater than or equal to zero, but got {atol}')
    return IsClose.apply(input, other, rtol, atol, equal_nan)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """Whether :func:`isclose` holds everywhere (a python bool)."""
    return builtins.bool(isclose(input, other, rtol, atol, equal_nan)._data.all())


def equal(input, other) -> bool:
    """Whether both tensors have the same shape and the same values (a python bool)."""
    if input._data.shape != other._data.shape:
        return False
    a, b = _promote(input, other)
    return builtins.bool((a._data == b._data).all())


# ------------------------------------------------------------------------------------------------ logic, bits

def _tensor_args(name, *values):
    for position, value in enumerate(values, 1):
        if not hasattr(value, '_dtype'):
            arg = 'input' if position == 1 else 'other'
            raise TypeError(f"{name}(): argument '{arg}' (position {position}) must be Tensor, not "
                            f'{type(value).__name__}')


def logical_and(input, other, *, out=None):
    """Elementwise logical AND of the truth values (nonzero is true); a bool tensor."""
    _tensor_args('logical_and', input, other)
    return _out(LogicalAnd.apply(input, other), out)


def logical_or(input, other, *, out=None):
    """Elementwise logical OR."""
    _tensor_args('logical_or', input, other)
    return _out(LogicalOr.apply(input, other), out)


def logical_xor(input, other, *, out=None):
    """Elementwise logical XOR."""
    _tensor_args('logical_xor', input, other)
    return _out(LogicalXor.apply(input, other), out)


def logical_not(input, *, out=None):
    """Elementwise logical NOT."""
    _tensor_args('logical_not', input)
    return _out(LogicalNot.apply(input), out)


def _bitwise(op, kernel, input, other):
    a, b = _promote(_as_operand(input, kernel), _as_operand(other, kernel))
    d = a._dtype if hasattr(a, '_dtype') else b._dtype
    if d._kind >= 2:
        raise NotImplementedError(f'"{kernel}_cpu" not implemented for \'{_type_word(d)}\'')
    return op.apply(a, b)


def bitwise_and(input, other, *, out=None):
    """Elementwise bitwise AND of integer or bool tensors (``&``)."""
    return _out(_bitwise(BitwiseAnd, 'bitwise_and', input, other), out)


def bitwise_or(input, other, *, out=None):
    """Elementwise bitwise OR (``|``)."""
    return _out(_bitwise(BitwiseOr, 'bitwise_or', input, other), out)


def bitwise_xor(input, other, *, out=None):
    """Elementwise bitwise XOR (``^``)."""
    return _out(_bitwise(BitwiseXor, 'bitwise_xor', input, other), out)


def bitwise_left_shift(input, other, *, out=None):
    """Shift the bits of integers left (``<<``)."""
    return _out(_bitwise(LeftShift, 'lshift', input, other), out)


def bitwise_right_shift(input, other, *, out=None):
    """Shift the bits of integers right, arithmetically (``>>``)."""
    return _out(_bitwise(RightShift, 'rshift', input, other), out)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise NOT (logical NOT for bool)."""
    _tensor_args('bitwise_not', input)
    if input._dtype._kind >= 2:
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for \'{_type_word(input._dtype)}\'')
    return _out(BitwiseNot.apply(input), out)


# ------------------------------------------------------------------------------------------------ classification

def _classify(op, name, input, integer_value):
    _tensor_args(name, input)
    if input._dtype._kind < 2:
        return _full_bool(input, integer_value)
    return op.apply(input)


def _full_bool(input, value):
    from .._tensor import Tensor  # noqa: PLC0415
    data = input._data
    xp = _xp(data)
    return Tensor._make(xp.full(data.shape, value, dtype=bool))


def _xp(data):
    import numpy  # noqa: PLC0415
    if type(data) is numpy.ndarray:
        return numpy
    from .._backend import cupy  # noqa: PLC0415
    return cupy()


def isnan(input):
    """Where ``input`` is NaN."""
    return _classify(IsNan, 'isnan', input, False)


def isinf(input):
    """Where ``input`` is +/-infinity."""
    return _classify(IsInf, 'isinf', input, False)


def isposinf(input, *, out=None):
    """Where ``input`` is +infinity."""
    return _out(_classify(IsPosInf, 'isposinf', input, False), out)


def isneginf(input, *, out=None):
    """Where ``input`` is -infinity."""
    return _out(_classify(IsNegInf, 'isneginf', input, False), out)


def isfinite(input):
    """Where ``input`` is neither infinite nor NaN."""
    return _classify(IsFinite, 'isfinite', input, True)


def isreal(input):
    """Where ``input`` has no imaginary part (everywhere, for real dtypes)."""
    _tensor_args('isreal', input)
    if input._dtype._kind == 3:
        return eq(input.imag, 0)
    return _full_bool(input, True)


def signbit(input, *, out=None):
    """Where the sign bit is set (including ``-0.0``)."""
    _tensor_args('signbit', input)
    if input._dtype._kind < 2:
        return _out(lt(input, 0) if input._dtype.is_signed else _full_bool(input, False), out)
    return _out(SignBit.apply(input), out)


# ------------------------------------------------------------------------------------------------ Tensor methods

def _inplace(fn):
    def method(self, other):
        return apply_inplace(self, fn(self, other))
    method.__name__ = fn.__name__ + '_'
    return method


class CompareMethods:
    """Comparison, logic and bitwise operators and methods (mixed into Tensor through ElementwiseMethods)."""

    __slots__ = ()

    def __eq__(self, other):
        try:
            other = _as_operand(other, 'eq')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        return Eq.apply(a, b)

    def __ne__(self, other):
        try:
            other = _as_operand(other, 'ne')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        return Ne.apply(a, b)

    def __lt__(self, other):
        try:
            other = _as_operand(other, 'lt')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        if (a._dtype if hasattr(a, '_dtype') else b._dtype)._kind == 3:
            return _compare(Lt, 'lt', self, other)  # raises PyTorch's error for complex operands
        return Lt.apply(a, b)

    def __le__(self, other):
        try:
            other = _as_operand(other, 'le')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        if (a._dtype if hasattr(a, '_dtype') else b._dtype)._kind == 3:
            return _compare(Le, 'le', self, other)  # raises PyTorch's error for complex operands
        return Le.apply(a, b)

    def __gt__(self, other):
        try:
            other = _as_operand(other, 'gt')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        if (a._dtype if hasattr(a, '_dtype') else b._dtype)._kind == 3:
            return _compare(Gt, 'gt', self, other)  # raises PyTorch's error for complex operands
        return Gt.apply(a, b)

    def __ge__(self, other):
        try:
            other = _as_operand(other, 'ge')
        except TypeError:
            return NotImplemented
        a, b = _promote(self, other)
        if (a._dtype if hasattr(a, '_dtype') else b._dtype)._kind == 3:
            return _compare(Ge, 'ge', self, other)  # raises PyTorch's error for complex operands
        return Ge.apply(a, b)

    def __and__(self, other):
        try:
            other = _as_operand(other, 'bitwise_and')
        except TypeError:
            return NotImplemented
        return _bitwise(BitwiseAnd, 'bitwise_and', self, other)

    def __or__(self, other):
        try:
            other = _as_operand(other, 'bitwise_or')
        except TypeError:
            return NotImplemented
        return _bitwise(BitwiseOr, 'bitwise_or', self, other)

    def __xor__(self, other):
        try:
            other = _as_operand(other, 'bitwise_xor')
        except TypeError:
            return NotImplemented
        return _bitwise(BitwiseXor, 'bitwise_xor', self, other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __lshift__(self, other):
        try:
            other = _as_operand(other, 'lshift')
        except TypeError:
            return NotImplemented
        return bitwise_left_shift(self, other)

    def __rlshift__(self, other):
        return bitwise_left_shift(_as_operand(other, 'lshift'), self)

    def __rshift__(self, other):
        try:
            other = _as_operand(other, 'rshift')
        except TypeError:
            return NotImplemented
        return bitwise_right_shift(self, other)

    def __rrshift__(self, other):
        return bitwise_right_shift(_as_operand(other, 'rshift'), self)

    def __invert__(self):
        if self._dtype._kind >= 2:
            raise TypeError('~ (operator.invert) is only implemented on integer and Boolean-type tensors')
        return BitwiseNot.apply(self)

    def __iand__(self, other):
        return apply_inplace(self, bitwise_and(self, other))

    def __ior__(self, other):
        return apply_inplace(self, bitwise_or(self, other))

    def __ixor__(self, other):
        return apply_inplace(self, bitwise_xor(self, other))

    def __ilshift__(self, other):
        return apply_inplace(self, bitwise_left_shift(self, other))

    def __irshift__(self, other):
        return apply_inplace(self, bitwise_right_shift(self, other))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return isclose(self, other, rtol, atol, equal_nan)

    def allclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        return allclose(self, other, rtol, atol, equal_nan)

    def equal(self, other):
        return equal(self, other)

    def logical_not(self):
        return logical_not(self)

    def logical_not_(self):
        return apply_inplace(self, logical_not(self))

    def bitwise_not(self):
        return bitwise_not(self)

    def bitwise_not_(self):
        return apply_inplace(self, bitwise_not(self))

    def isnan(self):
        return isnan(self)

    def isinf(self):
        return isinf(self)

    def isposinf(self):
        return isposinf(self)

    def isneginf(self):
        return isneginf(self)

    def isfinite(self):
        return isfinite(self)

    def isreal(self):
        return isreal(self)

    def signbit(self):
        return signbit(self)


for _fn, _names in [(eq, ('eq',)), (ne, ('ne', 'not_equal')), (lt, ('lt', 'less')), (le, ('le', 'less_equal')),
                    (gt, ('gt', 'greater')), (ge, ('ge', 'greater_equal')), (logical_and, ('logical_and',)),
                    (logical_or, ('logical_or',)), (logical_xor, ('logical_xor',)), (bitwise_and, ('bitwise_and',)),
                    (bitwise_or, ('bitwise_or',)), (bitwise_xor, ('bitwise_xor',)),
                    (bitwise_left_shift, ('bitwise_left_shift',)), (bitwise_right_shift, ('bitwise_right_shift',))]:
    for _name in _names:
        setattr(CompareMethods, _name, (lambda f: lambda self, other: f(self, other))(_fn))
        setattr(CompareMethods, _name + '_', _inplace(_fn))
del _fn, _names, _name

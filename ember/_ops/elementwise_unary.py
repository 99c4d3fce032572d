"""Elementwise unary math: exponentials, logarithms, roots, trigonometry, rounding and special functions.

Most ops here are one ``_Unary`` primitive each, made by ``_unary``: a forward over arrays, which of input/output the
derivative reads (what PyTorch saves, so in-place checks agree), and the input gradient written with Tensor ops.
Float-only ops lift integer and bool inputs to the default float dtype, as PyTorch does.
"""
from __future__ import annotations

__all__ = ['exp2', 'expm1', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan',
           'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh', 'arcsinh', 'arccosh',
           'arctanh', 'sigmoid', 'logit', 'erf', 'erfc', 'erfinv', 'floor', 'ceil', 'round', 'trunc', 'fix', 'frac',
           'relu', 'relu_', 'lgamma', 'digamma', 'deg2rad', 'rad2deg', 'abs', 'absolute', 'sign', 'sgn', 'reciprocal',
           'square', 'positive', 'nan_to_num', 'exp_', 'sigmoid_']

import builtins
import math

import numpy

from .. import _dtype as dt
from . import elementwise_special as special
from ..autograd.function import Primitive, _array_module
from .elementwise import Pow, _conj, _out
from .inplace import _type_word, apply_inplace
from ._util import keep_where

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


class _Unary(Primitive):
    """A one-input primitive: ``_fn(xp, x)`` computes, ``_grad(grad, x, out)`` is the input gradient."""

    _save = 'x'  # what the gradient reads: 'x', 'out', 'both' or '' (as PyTorch saves it)

    @staticmethod
    def forward(ctx, x):
        out = ctx.xp.asarray(ctx._fn(ctx.xp, x))  # ufuncs give NumPy scalars for 0-dim input; keep arrays
        save = ctx._save
        if save == 'x':
            ctx.save_for_backward(x)
        elif save == 'out':
            ctx.save_for_backward(out)
        elif save == 'both':
            ctx.save_for_backward(x, out)
        return out

    @staticmethod
    def backward(ctx, grad):
        save = ctx._save
        x = out = None
        if save == 'x':
            x, = ctx.saved_tensors
        elif save == 'out':
            out, = ctx.saved_tensors
        elif save == 'both':
            x, out = ctx.saved_tensors
        return ctx._grad(grad, x, out)


def _unary(name, fn, save, grad, grad_array=None):
    """A ``_Unary`` subclass called ``name`` (its grad_fn is ``<nameBackward0>``). ``grad_array(grad, out)``, for
    ops that save their output, is the same formula on arrays (same ufuncs, same order: bit-identical), which the
    engine uses when no graph of the backward is wanted."""
    attrs = {'_fn': staticmethod(fn), '_save': save, '_grad': staticmethod(grad),
             '__doc__': f'Elementwise {name.lower()}.'}
    if grad_array is not None:
        attrs['backward_array'] = staticmethod(_output_backward_array(grad_array))
    return type(name, (_Unary,), attrs)


def _output_backward_array(grad_array):
    def backward_array(ctx, grad):
        out, = ctx._saved_arrays()
        if grad.dtype.kind != 'f' or out.dtype != grad.dtype:
            return NotImplemented
        return grad_array(grad, out)
    return backward_array


def _zero_grad(grad, x, out):
    return grad * 0


# ------------------------------------------------------------------------------------------------ special functions
# NumPy has no erf/lgamma/digamma: elementwise_special.py computes them over whole arrays (in float64, on any xp).

_SPECIAL = {'erf': special.erf, 'erfc': special.erfc, 'erfinv': special.erfinv, 'gammaln': special.lgamma,
            'digamma': special.digamma, 'polygamma1': special.trigamma}


def _special(name):
    """``compute(xp, x)`` for the special function ``name``, in ``x``'s dtype (computed in float64)."""
    fn = _SPECIAL[name]

    def compute(xp, x):
        with numpy.errstate(divide='ignore', invalid='ignore', over='ignore'):
            return fn(xp, x.astype('float64').reshape(-1)).reshape(x.shape).astype(x.dtype, copy=False)
    return compute


class Trigamma(Primitive):
    """The derivative of digamma (``polygamma(1, x)``); not differentiable again here."""

    differentiable = False
    _backward_name = 'PolygammaBackward0'

    @staticmethod
    def forward(ctx, x):
        return _special('polygamma1')(ctx.xp, x)


def _sigmoid(xp, x):
    e = xp.exp(-xp.abs(x))
    return xp.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)


def _sign(xp, x):
    if x.dtype.kind == 'b':
        return x.copy()
    out = xp.sign(x)
    return xp.where(xp.isnan(x), 0, out).astype(x.dtype) if x.dtype.kind == 'f' or x.dtype.kind == 'V' else out


def _rsqrt(xp, x):
    return xp.reciprocal(xp.sqrt(x))


def _xp_of(array):
    return numpy if type(array) is numpy.ndarray else _array_module(array)


def _where(cond, a, b):
    from .elementwise_select import where  # noqa: PLC0415
    return where(cond, a, b)


Exp2 = _unary('Exp2', lambda xp, x: xp.exp2(x), 'out', lambda g, x, o: g * (o * _LN2))
Expm1 = _unary('Expm1', lambda xp, x: xp.expm1(x), 'out', lambda g, x, o: g * (o + 1))
Log2 = _unary('Log2', lambda xp, x: xp.log2(x), 'x', lambda g, x, o: g / (x * _LN2))
Log10 = _unary('Log10', lambda xp, x: xp.log10(x), 'x', lambda g, x, o: g / (x * _LN10))
Log1p = _unary('Log1p', lambda xp, x: xp.log1p(x), 'x', lambda g, x, o: g / (x + 1))
Sqrt = _unary('Sqrt', lambda xp, x: xp.sqrt(x), 'out', lambda g, x, o: g / (2 * _conj(o)))
Rsqrt = _unary('Rsqrt', _rsqrt, 'out', lambda g, x, o: -0.5 * g * o * o * o)
Sin = _unary('Sin', lambda xp, x: xp.sin(x), 'x', lambda g, x, o: g * x.cos())
Cos = _unary('Cos', lambda xp, x: xp.cos(x), 'x', lambda g, x, o: g * -x.sin())
Tan = _unary('Tan', lambda xp, x: xp.tan(x), 'out', lambda g, x, o: g * (1 + o * o))
Asin = _unary('Asin', lambda xp, x: xp.arcsin(x), 'x', lambda g, x, o: g * (1 - x * x).rsqrt())
Acos = _unary('Acos', lambda xp, x: xp.arccos(x), 'x', lambda g, x, o: g * -(1 - x * x).rsqrt())
Atan = _unary('Atan', lambda xp, x: xp.arctan(x), 'x', lambda g, x, o: g / (x * x + 1))
Sinh = _unary('Sinh', lambda xp, x: xp.sinh(x), 'x', lambda g, x, o: g * x.cosh())
Cosh = _unary('Cosh', lambda xp, x: xp.cosh(x), 'x', lambda g, x, o: g * x.sinh())
Tanh = _unary('Tanh', lambda xp, x: xp.tanh(x), 'out', lambda g, x, o: g * (1 - o * o), lambda g, o: g * (1 - o * o))
Asinh = _unary('Asinh', lambda xp, x: xp.arcsinh(x), 'x', lambda g, x, o: g * (x * x + 1).rsqrt())
Acosh = _unary('Acosh', lambda xp, x: xp.arccosh(x), 'x', lambda g, x, o: g * (x * x - 1).rsqrt())
Atanh = _unary('Atanh', lambda xp, x: xp.arctanh(x), 'x', lambda g, x, o: g / (1 - x * x))
Sigmoid = _unary('Sigmoid', _sigmoid, 'out', lambda g, x, o: g * (o * (1 - o)), lambda g, o: g * (o * (1 - o)))
Erf = _unary('Erf', _special('erf'), 'x', lambda g, x, o: g * (_TWO_OVER_SQRT_PI * (-x * x).exp()))
Erfc = _unary('Erfc', _special('erfc'), 'x', lambda g, x, o: g * (-_TWO_OVER_SQRT_PI * (-x * x).exp()))
Erfinv = _unary('Erfinv', _special('erfinv'), 'out', lambda g, x, o: g * (math.sqrt(math.pi) / 2 * (o * o).exp()))
Lgamma = _unary('Lgamma', _special('gammaln'), 'x', lambda g, x, o: g * digamma(x))
Digamma = _unary('Digamma', _special('digamma'), 'x', lambda g, x, o: g * Trigamma.apply(x))
Floor = _unary('Floor', lambda xp, x: xp.floor(x), '', _zero_grad)
Ceil = _unary('Ceil', lambda xp, x: xp.ceil(x), '', _zero_grad)
Trunc = _unary('Trunc', lambda xp, x: xp.trunc(x), '', _zero_grad)
Round = _unary('Round', lambda xp, x: xp.round(x), '', _zero_grad)
Frac = _unary('Frac', lambda xp, x: x - xp.trunc(x), '', lambda g, x, o: g * 1)
Relu = _unary('Relu', lambda xp, x: xp.maximum(x, 0).astype(x.dtype, copy=False), 'out',
              lambda g, x, o: _where(o > 0, g, 0.), lambda g, o: keep_where(_xp_of(g), o > 0, g))
Deg2Rad = _unary('Deg2Rad', lambda xp, x: xp.deg2rad(x), '', lambda g, x, o: g * (math.pi / 180))
Rad2Deg = _unary('Rad2Deg', lambda xp, x: xp.rad2deg(x), '', lambda g, x, o: g * (180 / math.pi))
Abs = _unary('Abs', lambda xp, x: xp.abs(x), 'x', lambda g, x, o: g * x.sgn())
Sign = _unary('Sign', _sign, '', _zero_grad)
Sgn = _unary('Sgn', _sign, '', _zero_grad)
Reciprocal = _unary('Reciprocal', lambda xp, x: xp.reciprocal(x), 'out', lambda g, x, o: -g * _conj(o * o))


class RoundDecimals(Primitive):
    _backward_name = 'RoundBackward1'

    @staticmethod
    def forward(ctx, x, *, decimals):
        return ctx.xp.round(x, decimals)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


class Logit(Primitive):
    @staticmethod
    def forward(ctx, x, *, eps):
        xp = ctx.xp
        ctx.save_for_backward(x)
        ctx.eps = eps
        z = x if eps is None else xp.clip(x, eps, 1 - eps)
        return xp.log(z / (1 - z)).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        eps = ctx.eps
        g = grad / (x * (1 - x))
        if eps is None:
            return _where((x < 0) | (x > 1), builtins.float('nan'), g)
        return _where((x < eps) | (x > 1 - eps), 0., g)


class NanToNum(Primitive):
    @staticmethod
    def forward(ctx, x, *, nan, posinf, neginf):
        xp = ctx.xp
        ctx.save_for_backward(x)
        info = dt.finfo(dt._FROM_NP[x.dtype])
        out = xp.where(xp.isnan(x), nan, x)
        out = xp.where(out == xp.inf, info.max if posinf is None else posinf, out)
        return xp.where(out == -xp.inf, info.min if neginf is None else neginf, out).astype(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where(x.isfinite(), grad, 0.)


# ------------------------------------------------------------------------------------------------ public functions

def _check_input(input, name):
    if not hasattr(input, '_dtype'):
        raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")
    return input._dtype


def _not_implemented(name, d):
    return NotImplementedError(f'"{name}_cpu" not implemented for \'{_type_word(d)}\'')


def _float_fn(name, op):
    """A float-valued op: integer and bool inputs are lifted to the default float dtype."""
    def fn(input, *, out=None):
        if _check_input(input, name)._kind < 2:
            input = input.to(dt.get_default_dtype())
        return _out(op.apply(input), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f'Elementwise ``{name}`` of ``input``; integer inputs give the default float dtype.'
    return fn


def _rounding_fn(name, op):
    """Rounding ops are the identity on integer tensors (a copy), and not defined for bool."""
    def fn(input, *, out=None):
        d = _check_input(input, name)
        if d._kind < 2:
            if d is dt.bool:
                raise _not_implemented(name, d)
            return _out(input.clone(), out)
        return _out(op.apply(input), out)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f'Elementwise ``{name}`` of ``input``; integer tensors are returned unchanged (as a copy).'
    return fn


exp2 = _float_fn('exp2', Exp2)
expm1 = _float_fn('expm1', Expm1)
log2 = _float_fn('log2', Log2)
log10 = _float_fn('log10', Log10)
log1p = _float_fn('log1p', Log1p)
sqrt = _float_fn('sqrt', Sqrt)
rsqrt = _float_fn('rsqrt', Rsqrt)
sin = _float_fn('sin', Sin)
cos = _float_fn('cos', Cos)
tan = _float_fn('tan', Tan)
asin = arcsin = _float_fn('asin', Asin)
acos = arccos = _float_fn('acos', Acos)
atan = arctan = _float_fn('atan', Atan)
sinh = _float_fn('sinh', Sinh)
cosh = _float_fn('cosh', Cosh)
tanh = _float_fn('tanh', Tanh)
asinh = arcsinh = _float_fn('asinh', Asinh)
acosh = arccosh = _float_fn('acosh', Acosh)
atanh = arctanh = _float_fn('atanh', Atanh)
sigmoid = _float_fn('sigmoid', Sigmoid)
erf = _float_fn('erf', Erf)
erfc = _float_fn('erfc', Erfc)
erfinv = _float_fn('erfinv', Erfinv)
lgamma = _float_fn('lgamma', Lgamma)
digamma = _float_fn('digamma', Digamma)
deg2rad = _float_fn('deg2rad', Deg2Rad)
rad2deg = _float_fn('rad2deg', Rad2Deg)
reciprocal = _float_fn('reciprocal', Reciprocal)
floor = _rounding_fn('floor', Floor)
ceil = _rounding_fn('ceil', Ceil)
trunc = fix = _rounding_fn('trunc', Trunc)
_round = _rounding_fn('round', Round)


def round(input, *, decimals=0, out=None):  # noqa: A001 - PyTorch's name
    """Round half to even; ``decimals`` rounds to that many decimal places (floats only).

    >>> ember.round(ember.tensor([0.5, 1.5, 2.567]), decimals=0)
    tensor([0., 2., 3.])
    """
    if decimals == 0:
        return _round(input, out=out)
    d = _check_input(input, 'round')
    if d._kind < 2:
        raise _not_implemented('round', d)
    return _out(RoundDecimals.apply(input, decimals=decimals), out)


def frac(input, *, out=None):
    """The fractional part, ``input - trunc(input)`` (floats only)."""
    d = _check_input(input, 'frac')
    if d._kind < 2:
        raise _not_implemented('frac', d)
    return _out(Frac.apply(input), out)


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``."""
    if _check_input(input, 'logit')._kind < 2:
        input = input.to(dt.get_default_dtype())
    return _out(Logit.apply(input, eps=eps), out)


def relu(input):
    """``max(input, 0)``; keeps integer dtypes."""
    d = _check_input(input, 'relu')
    if d is dt.bool:
        raise RuntimeError('Boolean inputs not supported for relu')
    return Relu.apply(input)


def relu_(input):
    """In-place :func:`relu`."""
    return apply_inplace(input, relu(input))


def exp_(input):
    """In-place exponential."""
    from .elementwise import exp  # noqa: PLC0415
    return apply_inplace(input, exp(input))


def sigmoid_(input):
    """In-place :func:`sigmoid`."""
    return apply_inplace(input, sigmoid(input))


def abs(input, *, out=None):  # noqa: A001 - PyTorch's name
    """Absolute value; keeps integer dtypes (not defined for bool)."""
    d = _check_input(input, 'abs')
    if d is dt.bool:
        raise _not_implemented('abs', d)
    return _out(Abs.apply(input), out)


absolute = abs


def sign(input, *, out=None):
    """-1, 0 or 1 by the sign of each element (bool stays bool)."""
    _check_input(input, 'sign')
    return _out(Sign.apply(input), out)


def sgn(input, *, out=None):
    """:func:`sign`, extended to complex numbers as ``z / |z|``."""
    d = _check_input(input, 'sgn')
    if d._kind == 3:
        return _out(input / input.abs().masked_fill(input == 0, 1), out)
    return _out(Sgn.apply(input), out)


def square(input, *, out=None):
    """``input ** 2`` (bool gives int64)."""
    d = _check_input(input, 'square')
    if d is dt.bool:
        input = input.to(dt.int64)
    return _out(Pow.apply(input, 2), out)


def positive(input):
    """Returns ``input`` itself (bool tensors are rejected, as in PyTorch)."""
    if _check_input(input, 'positive') is dt.bool:
        raise RuntimeError('The `+` operator, on a bool tensor is not supported.')
    return input


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace NaN with ``nan`` and infinities with ``posinf``/``neginf`` (default: the dtype's extremes)."""
    if _check_input(input, 'nan_to_num')._kind < 2:
        return _out(input.clone(), out)
    return _out(NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf), out)


# ------------------------------------------------------------------------------------------------ Tensor methods

def _method(fn):
    def method(self):
        return fn(self)
    method.__name__ = fn.__name__
    return method


def _inplace_method(fn):
    def method(self):
        return apply_inplace(self, fn(self))
    method.__name__ = fn.__name__ + '_'
    return method


class UnaryMethods:
    """Tensor methods of the unary math ops (mixed into Tensor through ElementwiseMethods)."""

    __slots__ = ()

    def __abs__(self):
        return abs(self)

    def __pos__(self):
        return positive(self)

    def round(self, *, decimals=0):
        return round(self, decimals=decimals)

    def round_(self, *, decimals=0):
        return apply_inplace(self, round(self, decimals=decimals))

    def logit(self, eps=None):
        return logit(self, eps)

    def logit_(self, eps=None):
        return apply_inplace(self, logit(self, eps))

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return nan_to_num(self, nan, posinf, neginf)

    def nan_to_num_(self, nan=0.0, posinf=None, neginf=None):
        return apply_inplace(self, nan_to_num(self, nan, posinf, neginf))

    def positive(self):
        return positive(self)


for _fn, _names in [(exp2, ('exp2',)), (expm1, ('expm1',)), (log2, ('log2',)), (log10, ('log10',)),
                    (log1p, ('log1p',)), (sqrt, ('sqrt',)), (rsqrt, ('rsqrt',)), (sin, ('sin',)), (cos, ('cos',)),
                    (tan, ('tan',)), (asin, ('asin', 'arcsin')), (acos, ('acos', 'arccos')),
                    (atan, ('atan', 'arctan')), (sinh, ('sinh',)), (cosh, ('cosh',)), (tanh, ('tanh',)),
                    (asinh, ('asinh', 'arcsinh')), (acosh, ('acosh', 'arccosh')), (atanh, ('atanh', 'arctanh')),
                    (sigmoid, ('sigmoid',)), (erf, ('erf',)), (erfc, ('erfc',)), (erfinv, ('erfinv',)),
                    (lgamma, ('lgamma',)), (digamma, ('digamma',)), (deg2rad, ('deg2rad',)),
                    (rad2deg, ('rad2deg',)), (reciprocal, ('reciprocal',)), (floor, ('floor',)), (ceil, ('ceil',)),
                    (trunc, ('trunc', 'fix')), (frac, ('frac',)), (relu, ('relu',)), (abs, ('abs', 'absolute')),
                    (sign, ('sign',)), (sgn, ('sgn',)), (square, ('square',))]:
    for _name in _names:
        setattr(UnaryMethods, _name, _method(_fn))
        setattr(UnaryMethods, _name + '_', _inplace_method(_fn))
del _fn, _names, _name

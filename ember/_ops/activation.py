"""Activation primitives: the activations where one fused op pays for speed or numerics.

gelu (exact and tanh), silu, elu (which also gives selu and celu), leaky_relu, hardtanh (relu6), softplus,
hardsigmoid, hardswish, mish, logsigmoid (stable: ``min(x, 0) - log1p(exp(-|x|))``), softshrink, hardshrink,
threshold, glu and prelu are primitives; the rest (softsign, tanhshrink, rrelu) are compositions in
``ember.nn.functional``. Half types compute in float32 and round once at the end, as PyTorch's kernels do. Backward
formulas are Tensor ops, so they differentiate again.
"""
from __future__ import annotations

__all__ = ['selu', 'selu_', 'celu', 'celu_', 'hardshrink', 'threshold', 'threshold_', 'prelu', 'rrelu', 'rrelu_']

import math

import numpy

from .. import _dtype as dt
from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
from ._util import CHUNK, wrap_dim
from .inplace import apply_inplace

_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715
_ONE_SIXTH = float(numpy.float32(1.0 / 6.0))  # PyTorch's hardsigmoid backward multiplies by a float constant
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

_TYPE_WORDS = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
               'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16',
               'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}


def _tensor_type():
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor


def _up(x):
    """Half types compute in float32; returns (array, dtype to cast the result back to or None)."""
    if x.dtype.itemsize == 2:
        return x.astype(numpy.float32), x.dtype
    return x, None


def _down(out, dtype):
    return out if dtype is None else out.astype(dtype)


def _check_float(input, kernel):
    """PyTorch's activations are float-only: ``"elu_cpu" not implemented for 'Long'``."""
    d = getattr(input, '_dtype', None)
    if d is None:
        raise TypeError(f"{kernel.split('_cpu')[0]}(): argument 'input' (position 1) must be Tensor, not "
                        f'{type(input).__name__}')
    if d._kind != 2:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_TYPE_WORDS.get(d.name, d.name)}\'')


def _where(cond, a, b):
    from .elementwise_more import where  # noqa: PLC0415
    return where(cond, a, b)


def _erf(xp, x):
    from .elementwise_unary import _special  # noqa: PLC0415
    return _special('erf')(xp, x)


# erf(x) ~ x P(x^2) / Q(x^2) on [-4, 4] (a least-squares rational fit to math.erf; |error| < 3.1e-7 evaluated in
# float32, i.e. within a few float32 ulps of 1), and +-1 beyond, where erf rounds to +-1 in float32.
_ERF_P = tuple(numpy.float32(c) for c in (
    -1.3858128345594249e-08, 4.818214520949283e-06, 0.00038415494927951724, 0.003844397873961369,
    0.054366728154455236, 0.1847194181998837, 1.1283791792431168))
_ERF_Q = tuple(numpy.float32(c) for c in (
    6.437118336486669e-05, 0.0013125778125982457, 0.015468002405475917, 0.1138592611909886, 0.4970368499853539,
    1.0))


_CHUNK = CHUNK  # elements per block of a many-pass formula on the CPU (temporaries stay in the L2 cache)


def _erf_float32(xp, z):
    """erf of a float32 array in float32 (as PyTorch's vectorised float kernel does), in ~25 in-place passes
    rather than the float64-exact special function; large NumPy arrays go through in cache-sized blocks."""
    if z.ndim == 0:  # ufuncs on 0-dim arrays give scalars, which out= cannot take
        return _erf_float32(xp, z.reshape(1)).reshape(())
    if z.size > 2 * _CHUNK and xp is numpy:
        flat = numpy.ascontiguousarray(z).reshape(-1)
        out = numpy.empty(flat.shape, dtype=z.dtype)
        for start in range(0, flat.size, _CHUNK):
            out[start:start + _CHUNK] = _erf_float32(xp, flat[start:start + _CHUNK])
        return out.reshape(z.shape)
    x = xp.clip(z, -4, 4)
    t = x * x
    num = t * _ERF_P[0]
    num += _ERF_P[1]
    for c in _ERF_P[2:]:
        num *= t
        num += c
    den = t * _ERF_Q[0]
    den += _ERF_Q[1]
    for c in _ERF_Q[2:]:
        den *= t
        den += c
    num *= x
    num /= den
    return xp.clip(num, -1, 1, out=num)


# ------------------------------------------------------------------------------------------------ primitives

def _gelu_grad(xp, grad, x, cdf):
    """grad * (cdf + x * pdf), pdf the standard normal density at ``x``."""
    if x.ndim == 0:  # ufuncs on 0-dim arrays give scalars, which out= cannot take
        return _gelu_grad(xp, grad.reshape(1), x.reshape(1), cdf.reshape(1)).reshape(())
    pdf = x * x
    pdf *= -0.5
    xp.exp(pdf, out=pdf)
    pdf *= _INV_SQRT_2PI
    pdf *= x
    pdf += cdf
    pdf *= grad
    return pdf


class Gelu(Primitive):
    @staticmethod
    def forward(ctx, x, *, approximate):
        ctx.approximate = approximate
        xp = ctx.xp
        v, back = _up(x)
        kept = None
        if approximate == 'tanh':
            out = 0.5 * v * (1 + xp.tanh(_GELU_K * (v + _GELU_C * v * v * v)))
        else:
            z = v * _SQRT_HALF
            cdf = _erf_float32(xp, z) if v.dtype == numpy.float32 else _erf(xp, z).astype(v.dtype, copy=False)
            cdf += 1
            cdf *= 0.5
            out = v * cdf
            if back is None:  # the backward reuses the cdf (erf is the costly part)
                kept = cdf
        ctx.save_for_backward(x, kept)
        return _down(out.astype(v.dtype, copy=False), back)

    @staticmethod
    def backward_array(ctx, grad):
        x, cdf = ctx._saved_arrays()
        if cdf is None or grad.dtype != x.dtype:
            return NotImplemented
        xp = ctx.xp
        if x.size > 2 * _CHUNK and xp is numpy and grad.shape == x.shape:
            flat_x, flat_cdf = x.reshape(-1), cdf.reshape(-1)
            flat_grad = numpy.ascontiguousarray(grad).reshape(-1)
            out = numpy.empty(flat_x.shape, dtype=x.dtype)
            for start in range(0, flat_x.size, _CHUNK):
                part = slice(start, start + _CHUNK)
                out[part] = _gelu_grad(xp, flat_grad[part], flat_x[part], flat_cdf[part])
            return out.reshape(x.shape)
        return _gelu_grad(xp, grad, x, cdf)

    @staticmethod
    def backward(ctx, grad):
        if not _State.enabled:  # not recorded: the array formula, on the saved cdf
            out = Gelu.backward_array(ctx, grad._data)
            if out is not NotImplemented:
                return type(grad)._make(out)
        x = ctx.saved_tensors[0]
        if ctx.approximate == 'tanh':
            inner = _GELU_K * (x + _GELU_C * x * x * x)
            t = inner.tanh()
            d_inner = _GELU_K * (1 + 3 * _GELU_C * x * x)
            return grad * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner)
        cdf = 0.5 * (1 + (x * _SQRT_HALF).erf())
        pdf = (-0.5 * x * x).exp() * _INV_SQRT_2PI
        return grad * (cdf + x * pdf)


def _sigmoid_array(xp, v):
    e = xp.exp(-xp.abs(v))
    return xp.where(v >= 0, 1 / (1 + e), e / (1 + e))


class Silu(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        v, back = _up(x)
        return _down((v * _sigmoid_array(ctx.xp, v)).astype(v.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        return grad * (s * (1 + x * (1 - s)))


class Elu(Primitive):
    """``scale * x`` for ``x > 0``, else ``scale * alpha * (exp(input_scale * x) - 1)`` (elu, selu, celu)."""

    @staticmethod
    def forward(ctx, x, *, alpha, scale, input_scale):
        ctx.save_for_backward(x)
        ctx.alpha, ctx.scale, ctx.input_scale = alpha, scale, input_scale
        xp = ctx.xp
        v, back = _up(x)
        neg = xp.expm1(xp.minimum(v, 0) * input_scale) * (alpha * scale)
        return _down(xp.where(v > 0, v * scale, neg).astype(v.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        negative = (x * ctx.input_scale).exp() * (ctx.alpha * ctx.scale * ctx.input_scale)
        return _where(x > 0, grad * ctx.scale, grad * negative)


class LeakyRelu(Primitive):
    @staticmethod
    def forward(ctx, x, *, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return ctx.xp.where(x > 0, x, x * negative_slope).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where(x > 0, grad, grad * ctx.negative_slope)


class Hardtanh(Primitive):
    @staticmethod
    def forward(ctx, x, *, min_val, max_val):
        ctx.save_for_backward(x)
        ctx.min_val, ctx.max_val = min_val, max_val
        xp = ctx.xp
        return xp.asarray(xp.minimum(xp.maximum(x, min_val), max_val)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where((x > ctx.min_val) & (x < ctx.max_val), grad, 0.)


class Softplus(Primitive):
    @staticmethod
    def forward(ctx, x, *, beta, threshold):
        ctx.save_for_backward(x)
        ctx.beta, ctx.threshold = beta, threshold
        xp = ctx.xp
        v, back = _up(x)
        z = v * beta
        # log1p(exp(z)) computed without overflow: max(z, 0) + log1p(exp(-|z|))
        soft = (xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))) / beta
        return _down(xp.where(z > threshold, v, soft).astype(v.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        z = x * ctx.beta
        return _where(z > ctx.threshold, grad, grad * z.sigmoid())


class Hardsigmoid(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = ctx.xp
        return xp.asarray(xp.clip(x / 6 + 0.5, 0, 1)).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where((x > -3) & (x < 3), grad * _ONE_SIXTH, 0.)


class Hardswish(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = ctx.xp
        return xp.asarray(x * xp.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where(x < -3, 0., _where(x <= 3, grad * (x / 3 + 0.5), grad))


class Mish(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = ctx.xp
        v, back = _up(x)
        softplus = xp.maximum(v, 0) + xp.log1p(xp.exp(-xp.abs(v)))
        return _down((v * xp.tanh(softplus)).astype(v.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        t = Softplus.apply(x, beta=1.0, threshold=20.0).tanh()
        return grad * (t + x * s * (1 - t * t))


class LogSigmoid(Primitive):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        xp = ctx.xp
        v, back = _up(x)
        return _down((xp.minimum(v, 0) - xp.log1p(xp.exp(-xp.abs(v)))).astype(v.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return grad * (-x).sigmoid()


class Softshrink(Primitive):
    @staticmethod
    def forward(ctx, x, *, lambd):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        xp = ctx.xp
        out = xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, 0))
        return out.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where((x > ctx.lambd) | (x < -ctx.lambd), grad, 0.)


class Hardshrink(Primitive):
    @staticmethod
    def forward(ctx, x, *, lambd):
        ctx.save_for_backward(x)
        ctx.lambd = lambd
        return ctx.xp.where((x > lambd) | (x < -lambd), x, 0).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where((x > ctx.lambd) | (x < -ctx.lambd), grad, 0.)


class Threshold(Primitive):
    @staticmethod
    def forward(ctx, x, *, threshold, value):
        ctx.save_for_backward(x)
        ctx.threshold = threshold
        return ctx.xp.where(x > threshold, x, value).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        return _where(x > ctx.threshold, grad, 0.)


class Glu(Primitive):
    @staticmethod
    def forward(ctx, x, *, dim):
        ctx.save_for_backward(x)
        ctx.dim = dim
        xp = ctx.xp
        half = x.shape[dim] // 2
        a = xp.take(x, xp.arange(half), axis=dim)
        b = xp.take(x, xp.arange(half, 2 * half), axis=dim)
        va, back = _up(a)
        vb, _ = _up(b)
        return _down((va * _sigmoid_array(xp, vb)).astype(va.dtype, copy=False), back)

    @staticmethod
    def backward(ctx, grad):
        from .gather_scatter import GatherAxis, ScatterAxis  # noqa: PLC0415
        x, = ctx.saved_tensors
        dim = ctx.dim
        size = x.shape[dim]
        first, second = numpy.arange(size // 2), numpy.arange(size // 2, size)
        a = GatherAxis.apply(x, index=first, axis=dim)
        s = GatherAxis.apply(x, index=second, axis=dim).sigmoid()
        grad_a = ScatterAxis.apply(grad * s, index=first, axis=dim, size=size)
        grad_b = ScatterAxis.apply(grad * a * s * (1 - s), index=second, axis=dim, size=size)
        return grad_a + grad_b


class Prelu(Primitive):
    """``x`` where positive, else ``weight * x``; ``weight`` arrives shaped to broadcast over ``x``."""

    @staticmethod
    def forward(ctx, x, weight):
        ctx.save_for_backward(x, weight)
        return ctx.xp.where(x > 0, x, weight * x).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        x, weight = ctx.saved_tensors
        need_x, need_w = ctx.needs_input_grad
        positive = x > 0
        grad_x = _where(positive, grad, grad * weight) if need_x else None
        grad_w = _where(positive, 0., grad * x) if need_w else None
        return grad_x, grad_w


# ------------------------------------------------------------------------------------------------ functions

def gelu(input, approximate='none'):
    """``x * Φ(x)``; ``approximate='tanh'`` uses the tanh approximation."""
    _check_float(input, 'GeluKernelImpl')
    if approximate not in ('none', 'tanh'):
        raise RuntimeError('approximate argument must be either none or tanh.')
    return Gelu.apply(input, approximate=approximate)


def silu(input):
    """``x * sigmoid(x)``."""
    _check_float(input, 'silu_cpu')
    return Silu.apply(input)


def elu(input, alpha=1.0):
    """``x`` for ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    _check_float(input, 'elu_cpu')
    return Elu.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0)


def selu(input):
    """``scale * elu(x, alpha)`` with the self-normalising constants.

    >>> ember.selu(ember.tensor([-1., 1.]))
    tensor([-1.1113,  1.0507])
    """
    _check_float(input, 'elu_cpu')
    return Elu.apply(input, alpha=SELU_ALPHA, scale=SELU_SCALE, input_scale=1.0)


def selu_(input):
    """In-place :func:`selu`."""
    return apply_inplace(input, selu(input))


def celu(input, alpha=1.0):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    _check_float(input, 'elu_cpu')
    if alpha == 0:
        raise RuntimeError('ZeroDivisionError')
    return Elu.apply(input, alpha=float(alpha), scale=1.0, input_scale=1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`."""
    return apply_inplace(input, celu(input, alpha))


def leaky_relu(input, negative_slope=0.01):
    """``x`` where positive, else ``negative_slope * x``."""
    _check_float(input, 'leaky_relu_cpu')
    return LeakyRelu.apply(input, negative_slope=negative_slope)


def hardtanh(input, min_val=-1.0, max_val=1.0):
    """Clamp to ``[min_val, max_val]`` (integer tensors keep their dtype)."""
    if getattr(input, '_dtype', None) is dt.bool:
        raise NotImplementedError('"hardtanh_cpu" not implemented for \'Bool\'')
    if min_val > max_val:
        raise ValueError('min_val cannot be greater than max_val')
    return Hardtanh.apply(input, min_val=min_val, max_val=max_val)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, linear above ``threshold``."""
    _check_float(input, 'softplus_cpu')
    return Softplus.apply(input, beta=beta, threshold=threshold)


def hardsigmoid(input):
    """``clamp(x / 6 + 1 / 2, 0, 1)``."""
    _check_float(input, 'hardsigmoid_cpu')
    return Hardsigmoid.apply(input)


def hardswish(input):
    """``x * hardsigmoid(x)``."""
    _check_float(input, 'hardswish_cpu')
    return Hardswish.apply(input)


def mish(input):
    """``x * tanh(softplus(x))``."""
    _check_float(input, 'mish_cpu')
    return Mish.apply(input)


def logsigmoid(input):
    """``log(sigmoid(x))``, computed without overflow."""
    _check_float(input, 'log_sigmoid_cpu')
    return LogSigmoid.apply(input)


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, else 0."""
    _check_float(input, 'softshrink_check')
    if lambd < 0 or lambd > dt.finfo(input._dtype).max:
        raise RuntimeError(f'lambda must be in range [0, {dt.finfo(input._dtype).max:g}] for input dtype '
                           f'{_TYPE_WORDS[input._dtype.name]}, but found {lambd:g}')
    return Softshrink.apply(input, lambd=lambd)


def hardshrink(input, lambd=0.5):
    """``x`` where ``|x| > lambd``, else 0.

    >>> ember.hardshrink(ember.tensor([-1., 0.2, 0.7]))
    tensor([-1.0000,  0.0000,  0.7000])
    """
    _check_float(input, 'hardshrink_cpu')
    return Hardshrink.apply(input, lambd=lambd)


def threshold(input, threshold, value):
    """``x`` where ``x > threshold``, else ``value`` (integer tensors allowed)."""
    if getattr(input, '_dtype', None) is dt.bool:
        raise NotImplementedError('"threshold_cpu" not implemented for \'Bool\'')
    return Threshold.apply(input, threshold=threshold, value=value)


def threshold_(input, threshold, value):
    """In-place :func:`threshold`."""
    return apply_inplace(input, Threshold.apply(input, threshold=threshold, value=value))


def glu(input, dim=-1):
    """``a * sigmoid(b)`` where ``a, b`` are the halves of ``input`` along ``dim``."""
    _check_float(input, 'glu_cpu')
    if input.ndim == 0:
        raise RuntimeError('glu does not support scalars because halving size must be even')
    dim = wrap_dim(dim, input.ndim, 'glu')
    size = input.shape[dim]
    if size % 2:
        raise RuntimeError(f'Halving dimension must be even, but dimension {dim} is size {size}')
    return Glu.apply(input, dim=dim)


def prelu(input, weight):
    """``x`` where positive, else ``weight * x``; ``weight`` has 1 or ``input.size(1)`` elements.

    >>> ember.prelu(ember.tensor([-2., 3.]), ember.tensor([0.25]))
    tensor([-0.5000,  3.0000])
    """
    _check_float(input, 'prelu_cpu')
    if weight.ndim > 1:
        raise RuntimeError(f'prelu: Expected `weight` to be a scalar or 1D tensor, but got: ndim = {weight.ndim}')
    count = weight.numel()
    if count != 1:
        if input.ndim == 0:
            raise RuntimeError('Not allow zero-dim input tensor.')
        channels = input.shape[1] if input.ndim > 1 else 1
        if channels != count:
            raise RuntimeError(f'Mismatch of parameter numbers and input channel size. Found parameter numbers = '
                               f'{count} and channel size = {channels}.')
        if input.ndim > 1:
            weight = weight.reshape((count,) + (1,) * (input.ndim - 2))
    else:
        weight = weight.reshape(())  # one slope broadcasts over any input, 0-dim included
    return Prelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """Randomised leaky ReLU: slopes drawn from ``U(lower, upper)`` in training, their mean otherwise."""
    _check_float(input, 'rrelu_with_noise_cpu')
    if not training:
        return LeakyRelu.apply(input, negative_slope=(lower + upper) / 2)
    from .._creation import empty  # noqa: PLC0415
    slopes = empty(input.shape, dtype=input.dtype, device=input.device).uniform_(lower, upper)
    return Prelu.apply(input, slopes)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    """In-place :func:`rrelu`."""
    return apply_inplace(input, rrelu(input, lower, upper, training))


class ActivationMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def hardshrink(self, lambd=0.5):
        return hardshrink(self, lambd)

    def prelu(self, weight):
        return prelu(self, weight)

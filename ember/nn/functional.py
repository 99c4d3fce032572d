"""ember.nn.functional: stateless, validated functions behind the layers (activations, linear, dropout, ...).

Losses (and softmax / log_softmax / softmin) live in ``_functional_loss.py``; embedding, padding, one_hot and the
distances in ``_functional_more.py``; convolution, pooling and batch/instance/group norm are ember ops re-exported
here. All of them are reachable as ``ember.nn.functional.<name>`` as in PyTorch.
"""
from __future__ import annotations

import math
import warnings

from .. import _dtype as dt
from .._ops import activation as _act
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs as _cast_inputs
from .._ops.elementwise_unary import relu as _relu, relu_ as _relu_, sigmoid as _sigmoid, tanh as _tanh
from .._ops.inplace import apply_inplace as _apply_inplace
from .._tensor import Tensor
from ._functional_loss import *  # noqa: F401,F403
from ._functional_loss import softmax  # noqa: F401
from ._functional_more import (  # noqa: F401
    cosine_similarity, embedding, embedding_bag, normalize, one_hot, pad, pairwise_distance, pdist,
)

# convolution, pooling, batch-statistics norms and attention are other op families, re-exported here
from .._ops.conv import *  # noqa: F401,F403,E402
from .._ops.norm import batch_norm, group_norm, instance_norm, local_response_norm  # noqa: F401,E402
from .._ops.pool import *  # noqa: F401,F403,E402
from .._ops.pool import (  # noqa: F401,E402
    lp_pool1d, lp_pool2d, lp_pool3d, max_pool1d_with_indices, max_pool2d_with_indices, max_pool3d_with_indices,
    max_unpool1d, max_unpool2d, max_unpool3d,
)
from ._functional_attention import *  # noqa: F401,F403,E402


def _inplace(input, result, inplace):
    return _apply_inplace(input, result) if inplace else result


# ------------------------------------------------------------------------------------------------ activations

def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(input, 0)``.

    >>> F.relu(ember.tensor([-1., 2.]))
    tensor([0., 2.])
    """
    return _relu_(input) if inplace else _relu(input)


def relu_(input: Tensor) -> Tensor:
    return _relu_(input)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(input, 0), 6)``."""
    return hardtanh(input, 0.0, 6.0, inplace)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """Clamp to ``[min_val, max_val]``."""
    return _inplace(input, _act.hardtanh(input, min_val, max_val), inplace)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return hardtanh(input, min_val, max_val, True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` if ``x > 0`` else ``alpha * (exp(x) - 1)``."""
    return _inplace(input, _act.elu(input, alpha), inplace)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, True)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """Scaled ELU with the self-normalising constants."""
    return _inplace(input, _act.selu(input), inplace)


def selu_(input: Tensor) -> Tensor:
    return selu(input, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``."""
    return _inplace(input, _act.celu(input, alpha), inplace)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return celu(input, alpha, True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` if ``x > 0`` else ``negative_slope * x``."""
    return _inplace(input, _act.leaky_relu(input, negative_slope), inplace)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, True)


def prelu(input: Tensor, weight: Tensor) -> Tensor:
    """``x`` if ``x > 0`` else ``weight * x``, one learnable slope per channel (dim 1) or one in all."""
    return _act.prelu(input, weight)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """Leaky ReLU with slopes drawn from ``U(lower, upper)`` in training, ``(lower + upper) / 2`` otherwise."""
    return _inplace(input, _act.rrelu(input, lower, upper, training), inplace)


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, True)


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """``a * sigmoid(b)`` with ``a, b`` the halves of ``input`` along ``dim``."""
    return _act.glu(input, dim)


def gelu(input: Tensor, approximate: str = 'none') -> Tensor:
    """``x * Φ(x)`` (``approximate='tanh'``: the tanh approximation)."""
    return _act.gelu(input, approximate)


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, stable for large ``|x|``."""
    return _act.logsigmoid(input)


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _act.hardshrink(input, lambd)


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    return _act.softshrink(input, lambd)


def tanhshrink(input: Tensor) -> Tensor:
    """``x - tanh(x)``."""
    return input - _tanh(input)


def softsign(input: Tensor) -> Tensor:
    """``x / (1 + |x|)``."""
    return input / (input.abs() + 1)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta`` (linear where ``beta * x > threshold``)."""
    return _act.softplus(input, beta, threshold)


def tanh(input: Tensor) -> Tensor:
    return _tanh(input)


def sigmoid(input: Tensor) -> Tensor:
    return _sigmoid(input)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``clamp(x / 6 + 1 / 2, 0, 1)``."""
    return _inplace(input, _act.hardsigmoid(input), inplace)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)``."""
    return _inplace(input, _act.silu(input), inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * tanh(softplus(x))``."""
    return _inplace(input, _act.mish(input), inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * hardsigmoid(x)``."""
    return _inplace(input, _act.hardswish(input), inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``x`` where ``x > threshold``, else ``value``."""
    return _act.threshold_(input, threshold, value) if inplace else _act.threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    return _act.threshold_(input, threshold, value)


# ------------------------------------------------------------------------------------------------ linear

def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``.

    >>> F.linear(ember.ones(2, 3), ember.ones(4, 3)).shape
    torch.Size([2, 4])
    """
    if _autocast.any_enabled:
        input, weight, bias = _cast_inputs('lower', input, weight, bias)
    if input.ndim == 0 or weight.ndim == 0:
        raise RuntimeError(f'both arguments to linear need to be at least 1D, but they are {input.ndim}D and '
                           f'{weight.ndim}D')
    if weight.ndim > 2:
        raise RuntimeError(f't() expects a tensor with <= 2 dimensions, but self is {weight.ndim}D')
    if weight.ndim == 1 and bias is not None:
        raise RuntimeError('mat2 must be a matrix, got 1-D tensor')
    if input.shape[-1] != weight.shape[-1]:
        rows = input.numel() // input.shape[-1] if input.shape[-1] else input.shape[:-1].numel()
        cols = weight.shape[0] if weight.ndim == 2 else 1
        raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({rows}x{input.shape[-1]} and '
                           f'{weight.shape[-1]}x{cols})')
    if bias is not None and input.ndim == 2:
        from .._ops.linalg import addmm  # noqa: PLC0415
        return addmm(bias, input, weight.t())
    out = input.matmul(weight.t() if weight.ndim == 2 else weight)
    return out if bias is None else out + bias


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``y[..., k] = input1 @ weight[k] @ input2 + bias[k]``."""
    if input1.ndim != input2.ndim:
        raise RuntimeError(f'bilinear(): input dimensions do not match: got {input1.ndim} and {input2.ndim}')
    if input1.shape[:-1] != input2.shape[:-1]:
        for i in range(input1.ndim - 1):
            if input1.shape[i] != input2.shape[i]:
                raise RuntimeError(f'bilinear(): input batch dimensions do not match: got {input1.shape[i]} and '
                                   f'{input2.shape[i]}')
    if weight.ndim != 3:
        raise RuntimeError(f'bilinear(): weight must be three-dimensional, but got {weight.ndim}')
    if input1.shape[-1] != weight.shape[1]:
        raise RuntimeError(f'bilinear(): input1 size does not match weight size: got {input1.shape[-1]} but '
                           f'expected {weight.shape[1]}')
    if input2.shape[-1] != weight.shape[2]:
        raise RuntimeError(f'bilinear(): input2 size does not match weight size: got {input2.shape[-1]} but '
                           f'expected {weight.shape[2]}')
    if bias is not None and bias.shape[-1] != weight.shape[0]:
        raise RuntimeError(f'bilinear(): bias size does not match weight size: got {bias.shape[-1]} but expected '
                           f'{weight.shape[0]}')
    from .._ops.linalg_einsum import einsum  # noqa: PLC0415
    out = einsum('...i,kij,...j->...k', input1, weight, input2)
    return out if bias is None else out + bias


# ------------------------------------------------------------------------------------------------ dropout

def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f'dropout probability has to be between 0 and 1, but got {p}')


_ALPHA = 1.7580993408473766


def _dropout_impl(input, p, training, inplace, feature=False, alpha=False):
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        return _inplace(input, input * 0, inplace)
    shape = tuple(input.shape)
    if feature:
        shape = shape[:2] + (1,) * (len(shape) - 2)
    noise = input.new_empty(shape).bernoulli_(1 - p)
    if not alpha:
        return _inplace(input, input * noise.div_(1 - p), inplace)
    a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
    b = (noise - 1) * (_ALPHA * a) + _ALPHA * a * p
    return _inplace(input, input * (noise * a) + b, inplace)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)`` (only when ``training``)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace)


def alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Dropout that keeps SELU's mean and variance (dropped values go to the negative saturation)."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, alpha=True)


def feature_alpha_dropout(input: Tensor, p: float = 0.5, training: bool = False, inplace: bool = False) -> Tensor:
    """Alpha dropout of whole channels."""
    _check_p(p)
    return _dropout_impl(input, p, training, inplace, feature=True, alpha=True)


def _feature_dropout(name, input, p, training, inplace, batched_ndim):
    _check_p(p)
    ndim = input.ndim
    if ndim not in (batched_ndim - 1, batched_ndim):
        raise RuntimeError(f'{name}: Expected {batched_ndim - 1}D or {batched_ndim}D input, but received a {ndim}D '
                           f'input. Note that {name} exists to provide channel-wise dropout on inputs with '
                           f'{batched_ndim - 2} spatial dimension{"s" if batched_ndim > 3 else ""}, a channel '
                           f'dimension, and an optional batch dimension (i.e. {batched_ndim - 1}D or {batched_ndim}D '
                           'inputs).')
    if ndim == batched_ndim:
        return _dropout_impl(input, p, training, inplace, feature=True)
    return _unbatched_feature_dropout(input, p, training, inplace)


def _unbatched_feature_dropout(input, p, training, inplace):
    result = _dropout_impl(input.unsqueeze(0), p, training, False, feature=True).squeeze(0)
    return _inplace(input, result, inplace and training and p != 0)


def dropout1d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, L)`` (or ``(C, L)``) input."""
    return _feature_dropout('dropout1d', input, p, training, inplace, 3)


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, H, W)`` input."""
    _check_p(p)
    ndim = input.ndim
    if ndim not in (3, 4):
        warnings.warn(f'dropout2d: Received a {ndim}-D input to dropout2d, which is deprecated and will result in an '
                      'error in a future release. To retain the behavior and silence this warning, please use '
                      'dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 '
                      'spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D '
                      'inputs).', stacklevel=2)
    if ndim == 3:
        warnings.warn('dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior '
                      'is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This '
                      'behavior will change in a future release to interpret the input as one without a batch '
                      'dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please '
                      'switch to using dropout1d instead.', stacklevel=2)
    if ndim < 2:
        return _dropout_impl(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, feature=True)


def dropout3d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of ``(N, C, D, H, W)`` (or ``(C, D, H, W)``) input."""
    _check_p(p)
    ndim = input.ndim
    if ndim not in (4, 5):
        warnings.warn(f'dropout3d: Received a {ndim}-D input to dropout3d, which is deprecated and will result in an '
                      'error in a future release. To retain the behavior and silence this warning, please use '
                      'dropout instead. Note that dropout3d exists to provide channel-wise dropout on inputs with 3 '
                      'spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 4D or 5D '
                      'inputs).', stacklevel=2)
    if ndim == 4:
        return _unbatched_feature_dropout(input, p, training, inplace)
    if ndim < 2:
        return _dropout_impl(input, p, training, inplace)
    return _dropout_impl(input, p, training, inplace, feature=True)


# ------------------------------------------------------------------------------------------------ normalization

def _normalized_axes(name, input, normalized_shape, weight, bias):
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if k == 0:
        raise RuntimeError(f'Expected normalized_shape to be at least 1-dimensional, i.e., containing at least one '
                           f'element, but got normalized_shape = {list(shape)}')
    for t, what in ((weight, 'weight'), (bias, 'bias')):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f'Expected {what} to be of same shape as normalized_shape, but got {what} of shape '
                               f'{list(t.shape)} and normalized_shape = {list(shape)}')
    if input.ndim < k or tuple(input.shape[input.ndim - k:]) != shape:
        raise RuntimeError(f'Given normalized_shape={list(shape)}, expected input with shape [*, '
                           f'{", ".join(str(s) for s in shape)}], but got input of size{input.shape}')
    return tuple(range(input.ndim - k, input.ndim))


def layer_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None,
               eps: float = 1e-5) -> Tensor:
    """Normalize over the trailing ``normalized_shape`` dims (biased variance), then scale and shift.

    >>> F.layer_norm(ember.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    if _autocast.any_enabled:
        input, weight, bias = _cast_inputs('fp32_cuda', input, weight, bias)
    axes = _normalized_axes('layer_norm', input, normalized_shape, weight, bias)
    from .._ops.norm import LayerNorm, Normalize  # noqa: PLC0415
    dtype = input._dtype
    if input.numel() and dtype.is_floating_point and dtype.itemsize >= 4 and \
            all(t is None or t._dtype is dtype for t in (weight, bias)):
        return LayerNorm.apply(input, weight, bias, axes=axes, eps=eps)
    if input.numel() == 0:
        out = input * 1
    else:
        out = Normalize.apply(input, axes=axes, eps=eps)
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None, eps: float | None = None) -> Tensor:
    """``x / sqrt(mean(x ** 2) + eps) * weight`` over the trailing dims; ``eps=None`` is the dtype's epsilon."""
    axes = _normalized_axes('rms_norm', input, normalized_shape, weight, None)
    if eps is None:
        eps = dt.finfo(input.dtype).eps
    out = input * ((input * input).mean(axes, keepdim=True) + eps).rsqrt()
    return out if weight is None else out * weight


from ._functional_attention import *  # noqa: E402,F401,F403
from ._functional_vision import *  # noqa: E402,F401,F403

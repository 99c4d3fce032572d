"""Loss functions and the softmax family of ember.nn.functional (re-exported there).

Losses with delicate numerics call the primitives in ``ember/_ops/loss.py`` (cross-entropy, NLL, binary
cross-entropy with and without logits, CTC); the rest are compositions of Tensor ops, so autograd differentiates them.
Argument checks, warnings and legacy ``size_average``/``reduce`` handling follow PyTorch's, with its wording.
"""
from __future__ import annotations

__all__ = ['softmax', 'softmin', 'log_softmax', 'mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss',
           'cross_entropy', 'nll_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits', 'kl_div',
           'poisson_nll_loss', 'gaussian_nll_loss', 'cosine_embedding_loss', 'margin_ranking_loss',
           'hinge_embedding_loss', 'triplet_margin_loss', 'triplet_margin_with_distance_loss', 'multi_margin_loss',
           'multilabel_soft_margin_loss', 'multilabel_margin_loss', 'soft_margin_loss', 'ctc_loss']

import functools
import math
import warnings

import numpy

from .. import _dtype as dt
from ..amp.autocast_mode import _State as _autocast
from ..amp.autocast_mode import cast_inputs
from ..autograd.grad_mode import is_grad_enabled
from .._ops import loss as _loss
from .._ops.loss_ctc import ctc_loss as _ctc_loss

_REDUCTIONS = ('none', 'mean', 'sum')


def _float32_under_autocast(loss):
    """Losses run in float32 inside an autocast block (PyTorch's float32 op list): cast floating positional args."""
    @functools.wraps(loss)
    def wrapper(*args, **kwargs):
        if _autocast.any_enabled:
            args = cast_inputs('fp32', *args)
        return loss(*args, **kwargs)
    return wrapper


# ------------------------------------------------------------------------------------------------ reduction helpers

def _legacy_get_string(size_average, reduce, emit_warning=True):
    """PyTorch's mapping of the deprecated ``size_average``/``reduce`` flags to a ``reduction`` string."""
    if size_average is None:
        size_average = True
    if reduce is None:
        reduce = True
    if size_average and reduce:
        ret = 'mean'
    elif reduce:
        ret = 'sum'
    else:
        ret = 'none'
    if emit_warning:
        warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' instead.",
                      stacklevel=3)
    return ret


def _get_reduction(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    _check_reduction(reduction)
    return reduction


def _check_reduction(reduction, message=None):
    if reduction not in _REDUCTIONS:
        raise ValueError(message or f'{reduction} is not a valid value for reduction')


def _reduce(loss, reduction):
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if loss._data.size == 0:
        return loss.sum() * float('nan')  # PyTorch's mean of nothing, without NumPy's empty-mean warning
    return loss.mean()


def _broadcast_shape(*shapes):
    """The broadcast of ``shapes``, with PyTorch's error naming the first mismatching dim."""
    ndim = max(len(s) for s in shapes)
    out = [1] * ndim
    for shape in shapes:
        for i, size in enumerate(shape):
            j = ndim - len(shape) + i
            if size == out[j] or size == 1:
                continue
            if out[j] == 1:
                out[j] = size
                continue
            a, b = (size, out[j]) if shape is shapes[0] else (out[j], size)
            raise RuntimeError(f'The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton '
                               f'dimension {j}')
    return tuple(out)


def _broadcast_pair(a, b):
    shape = _broadcast_shape(tuple(a.shape), tuple(b.shape))
    return (a if tuple(a.shape) == shape else a.expand(shape)), (b if tuple(b.shape) == shape else b.expand(shape))


def _warn_size(input, target):
    if input.shape != target.shape:
        warnings.warn(f'Using a target size ({target.size()}) that is different to the input size ({input.size()}). '
                      'This will likely lead to incorrect results due to broadcasting. Please ensure they have the '
                      'same size.', stacklevel=3)


def _const_like(t, array):
    from .._tensor import Tensor  # noqa: PLC0415
    return Tensor._make(array)


def _host(t):
    data = t._data
    return data if type(data) is numpy.ndarray else data.get()


def _type_word(d):
    return _loss._type_word(d)


def _not_differentiable(value, function, argument):
    """PyTorch refuses, at call time, a tensor needing grad where its kernel has no derivative for it."""
    if value is not None and value._requires_grad and is_grad_enabled():
        raise RuntimeError(f"The function '{function}' is not differentiable with respect to argument '{argument}'. "
                           'This input cannot have requires_grad True.')


# ------------------------------------------------------------------------------------------------ softmax family

def _get_softmax_dim(name, ndim, stacklevel):
    warnings.warn(f'Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an '
                  'argument.', stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Softmax along ``dim`` (PyTorch's deprecated implicit choice when ``dim`` is None).

    >>> F.softmax(ember.tensor([[1., 1.]]), dim=1)
    tensor([[0.5000, 0.5000]])
    """
    if dim is None:
        dim = _get_softmax_dim('softmax', input.dim(), _stacklevel)
    return _loss.softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-input)`` along ``dim``."""
    if dim is None:
        dim = _get_softmax_dim('softmin', input.dim(), _stacklevel)
    if dtype is not None:
        input = input.to(dt.to_dtype(dtype))
    return _loss.softmax(-input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """Log-softmax along ``dim``, computed stably."""
    if dim is None:
        dim = _get_softmax_dim('log_softmax', input.dim(), _stacklevel)
    return _loss.log_softmax(input, dim, dtype)


# ------------------------------------------------------------------------------------------------ regression losses

def _weighted(loss, weight, input, reduction, mean_by_weight):
    if weight.shape != input.shape:
        raise ValueError('Weights and input must have the same size.')
    loss = loss * weight
    if reduction == 'none':
        return loss
    if reduction == 'sum':
        return loss.sum()
    if reduction == 'mean':
        return loss.sum() / weight.sum() if mean_by_weight else loss.mean()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


@_float32_under_autocast
def mse_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean squared error ``(input - target) ** 2``, reduced; optional elementwise ``weight``."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction, True)
    _check_reduction(reduction)
    return _reduce((input - target) ** 2, reduction)


@_float32_under_autocast
def l1_loss(input, target, size_average=None, reduce=None, reduction='mean', weight=None):
    """Mean absolute error ``|input - target|``, reduced; optional elementwise ``weight``."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction, True)
    _check_reduction(reduction)
    return _reduce((input - target).abs(), reduction)


@_float32_under_autocast
def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction='mean', beta=1.0):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``beta = 0`` is the L1 loss)."""
    _warn_size(input, target)
    reduction = _get_reduction(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError('smooth_l1_loss does not support negative values for beta.')
    input, target = _broadcast_pair(input, target)
    if beta == 0:
        return _reduce((input - target).abs(), reduction)
    from .._functions import where  # noqa: PLC0415
    z = (input - target).abs()
    return _reduce(where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


@_float32_under_autocast
def huber_loss(input, target, reduction='mean', delta=1.0, weight=None):
    """``0.5 d**2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)``; optional elementwise ``weight``."""
    _warn_size(input, target)
    if delta <= 0:
        raise RuntimeError('huber_loss does not support non-positive values for delta.')
    input, target = _broadcast_pair(input, target)
    from .._functions import where  # noqa: PLC0415
    z = (input - target).abs()
    loss = where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))
    if weight is not None:
        return _weighted(loss, weight, input, reduction, False)
    _check_reduction(reduction)
    return _reduce(loss, reduction)


# ------------------------------------------------------------------------------------------------ classification

def _check_weight(weight, input, classes, prefix=''):
    if weight is None:
        return None
    if weight._data.ndim != 1 or weight._data.size != classes:
        raise RuntimeError(f'{prefix}weight tensor should be defined either for all {classes} classes or no classes '
                           f'but got weight tensor of shape: {list(weight.shape)}')
    if weight._dtype is not input._dtype:
        raise RuntimeError(f'expected scalar type {_type_word(input._dtype)} but found {_type_word(weight._dtype)}')
    return weight


def _class_index_args(input, target, weight, ignore_index):
    """Validate (input, class-index target, weight) as PyTorch's nll_loss_nd does; return them in (N, C, d...) form
    and whether the input was unbatched."""
    ndim = input._data.ndim
    if ndim < 1:
        raise ValueError(f'Expected 1 or more dimensions (got {ndim})')
    tshape, ishape = tuple(target.shape), tuple(input.shape)
    if ndim != 1 and (not tshape or ishape[0] != tshape[0]):
        raise ValueError(f'Expected input batch_size ({ishape[0]}) to match target batch_size '
                         f'({tshape[0] if tshape else 0}).')
    if target._dtype.name not in ('int64', 'uint8'):
        raise RuntimeError(f'expected target dtype to be Long or Byte, but got {_type_word(target._dtype)}')
    if ndim <= 2:
        if len(tshape) > 1:
            raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
        if ndim == 1 and len(tshape) == 1 and tshape[0] != 1:
            raise ValueError(f'For 1D input, 1D target must have size 1, but got target size: {tshape[0]}')
    elif ndim == 4:
        if len(tshape) != 3:
            raise RuntimeError(f'only batches of spatial targets supported (3D tensors) but got targets of dimension: '
                               f'{len(tshape)}')
        if tshape != (ishape[0],) + ishape[2:]:
            raise RuntimeError(f'size mismatch (got input: {list(ishape)} , target: {list(tshape)}')
    elif tshape[1:] != ishape[2:]:
        raise RuntimeError(f'Expected target size {[ishape[0]] + list(ishape[2:])}, got {list(tshape)}')
    classes = ishape[0] if ndim == 1 else ishape[1]
    weight = _check_weight(weight, input, classes)
    if not input._dtype.is_floating_point:
        raise NotImplementedError(f'"nll_loss_out_frame" not implemented for \'{_type_word(input._dtype)}\'')
    if target._dtype.name != 'int64':
        target = target.to(dt.int64)
    t = _host(target)
    bad = (t != ignore_index) & ((t < 0) | (t >= classes))
    if bad.any():
        raise IndexError(f'Target {int(t[bad].reshape(-1)[0])} is out of bounds.')
    unbatched = ndim == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.reshape(1)
    return input, target, weight, unbatched


@_float32_under_autocast
def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'):
    """Negative log-likelihood of class-index ``target`` under log-probabilities ``input`` (N, C, d1, ...).

    >>> F.nll_loss(ember.tensor([[-0.5, -1.0]]), ember.tensor([1]))
    tensor(1.)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    input, target, weight, unbatched = _class_index_args(input, target, weight, ignore_index)
    _not_differentiable(weight, 'nll_loss_forward', 'weight')
    out = _loss.NllLoss.apply(input, target, weight, ignore_index=ignore_index, reduction=reduction)
    return out.reshape(()) if unbatched and reduction == 'none' else out


@_float32_under_autocast
def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean',
                  label_smoothing=0.0):
    """Cross-entropy of logits ``input`` (N, C, d1, ...) against class indices or class probabilities.

    >>> F.cross_entropy(ember.tensor([[0., 0.]]), ember.tensor([0]))
    tensor(0.6931)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if input.shape == target.shape:
        if not target._dtype.is_floating_point:
            raise RuntimeError(f'Expected floating point type for target with class probabilities, got '
                               f'{_type_word(target._dtype)}')
        if ignore_index >= 0:
            raise RuntimeError('ignore_index is not supported for floating point target')
        return _cross_entropy_probs(input, target, weight, reduction, label_smoothing)
    if label_smoothing > 1.0:
        raise RuntimeError(f'label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}')
    if input._data.ndim >= 1 and not input._dtype.is_floating_point:
        raise NotImplementedError(f'"log_softmax_lastdim_kernel_impl" not implemented for '
                                  f'\'{_type_word(input._dtype)}\'')
    input, target, weight, unbatched = _class_index_args(input, target, weight, ignore_index)
    _not_differentiable(weight, 'nll_loss_forward', 'weight')
    out = _loss.CrossEntropyLoss.apply(input, target, weight, ignore_index=ignore_index, reduction=reduction,
                                       label_smoothing=float(max(label_smoothing, 0.0)))
    return out.reshape(()) if unbatched and reduction == 'none' else out


def _cross_entropy_probs(input, target, weight, reduction, label_smoothing):
    class_dim = 0 if input._data.ndim == 1 else 1
    classes = input.shape[class_dim]
    weight = _check_weight(weight, input, classes, 'cross_entropy: ')
    logp = _loss.log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = target * (1 - label_smoothing) + label_smoothing / classes
    terms = logp * target
    if weight is not None:
        terms = terms * weight.reshape((classes,) + (1,) * (input._data.ndim - class_dim - 1))
    losses = -terms.sum(class_dim)
    if reduction == 'none':
        return losses
    if reduction == 'sum':
        return losses.sum()
    count = input._data.size // classes if classes else 0
    return losses.sum() / count if count else losses.sum() * float('nan')


@_float32_under_autocast
def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """Binary cross-entropy of probabilities ``input``; logs are clamped to ``>= -100`` as in PyTorch."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Using a target size ({target.size()}) that is different to the input size '
                         f'({input.size()}) is deprecated. Please ensure they have the same size.')
    if target._dtype is not input._dtype:
        raise RuntimeError(f'Found dtype {_type_word(target._dtype)} but expected {_type_word(input._dtype)}')
    if weight is not None:
        shape = _infer_size(tuple(target.shape), tuple(weight.shape))
        if tuple(weight.shape) != shape:
            weight = weight.expand(shape)
    _not_differentiable(weight, 'binary_cross_entropy', 'weight')
    data = input._data
    if data.size and bool(((data < 0) | (data > 1)).any()):
        raise RuntimeError('all elements of input should be between 0 and 1')
    return _loss.BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


def _infer_size(a, b):
    """PyTorch's ``_infer_size`` (broadcast ``b`` to ``a``), with its error wording."""
    ndim = max(len(a), len(b))
    out = []
    for i in range(ndim):
        da = a[i - ndim + len(a)] if i - ndim + len(a) >= 0 else 1
        db = b[i - ndim + len(b)] if i - ndim + len(b) >= 0 else 1
        if da != db and da != 1 and db != 1:
            from .._size import Size  # noqa: PLC0415
            raise RuntimeError(f'Attempting to broadcast a dimension of length {db} at {i - ndim}! Mismatching '
                               f'argument at index 1 had {Size(b)}; but expected shape should be broadcastable to '
                               f'{list(a)}')
        out.append(da if db == 1 else db)
    return tuple(out)


@_float32_under_autocast
def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction='mean',
                                     pos_weight=None):
    """Sigmoid + binary cross-entropy in one stable step; ``pos_weight`` scales the positive term per class.

    >>> F.binary_cross_entropy_with_logits(ember.tensor([0.]), ember.tensor([1.]))
    tensor(0.6931)
    """
    reduction = _get_reduction(size_average, reduce, reduction)
    if target.shape != input.shape:
        raise ValueError(f'Target size ({target.size()}) must be the same as input size ({input.size()})')
    result = dt.result_type(input, target)
    if not target._dtype.is_floating_point:  # PyTorch computes into the target's dtype, which must hold floats
        raise RuntimeError(f"result type {_type_word(result)} can't be cast to the desired output type "
                           f'{_type_word(target._dtype)}')
    if input._dtype is not result:
        input = input.to(result)
    if target._dtype is not result:
        target = target.to(result)
    shape = tuple(input.shape)
    if pos_weight is not None:
        _not_differentiable(pos_weight, 'binary_cross_entropy_with_logits', 'pos_weight')
        shape = _broadcast_shape(tuple(pos_weight.shape), shape)  # PyTorch forms pos_weight * target first
    if weight is not None:
        _not_differentiable(weight, 'binary_cross_entropy_with_logits', 'weight')
        _broadcast_shape(shape, tuple(weight.shape))
    return _loss.BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, reduction=reduction)


@_float32_under_autocast
def kl_div(input, target, size_average=None, reduce=None, reduction='mean', log_target=False):
    """Kullback-Leibler divergence of ``target`` from log-probabilities ``input``; use ``reduction='batchmean'``."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    else:
        if reduction == 'mean':
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                          "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                          "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        if reduction != 'batchmean':
            _check_reduction(reduction)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from .._functions import xlogy  # noqa: PLC0415
        loss = xlogy(target, target) - target * input
    if reduction == 'batchmean':
        total = loss.sum()
        return total / input.shape[0] if input._data.ndim else total
    return _reduce(loss, reduction)


@_float32_under_autocast
def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction='mean'):
    """Negative log-likelihood of a Poisson ``target`` with rate ``exp(input)`` (or ``input``)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    _check_reduction(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        from .._functions import where  # noqa: PLC0415
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + where(target <= 1, 0.0, stirling)
    return _reduce(loss, reduction)


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction='mean'):
    """Gaussian negative log-likelihood with predicted variance ``var`` (clamped to ``eps`` without gradient)."""
    from .._creation import ones_like  # noqa: PLC0415
    if isinstance(var, float):
        if var < 0:
            raise ValueError('var has negative entry/entries')
        var = var * ones_like(input)
    elif bool((var._data < 0).any()):
        raise ValueError('var has negative entry/entries')
    if var.shape != input.shape:
        ishape, vshape = tuple(input.shape), tuple(var.shape)
        if ishape[:-1] == vshape:
            var = var.unsqueeze(-1)
        elif not (len(ishape) == len(vshape) and sum(v for i, v in zip(ishape, vshape) if i != v) == 1):
            raise ValueError('var is of incorrect size')
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + ' is not valid')
    # PyTorch clamps a copy of var in place under no_grad: the value is clamped, the gradient passes unchanged
    xp_data = var._data
    var = var + _const_like(var, (xp_data.clip(eps, None) - xp_data).astype(xp_data.dtype, copy=False))
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


# ------------------------------------------------------------------------------------------------ margin / embedding

def _clamp_min0(t):
    from .._functions import clamp_min  # noqa: PLC0415
    return clamp_min(t, 0)


@_float32_under_autocast
def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'):
    """``1 - cos(x1, x2)`` for ``target = 1``, ``max(0, cos(x1, x2) - margin)`` for ``target = -1``."""
    from .._creation import zeros_like  # noqa: PLC0415
    from .._functions import where  # noqa: PLC0415
    reduction = _get_reduction(size_average, reduce, reduction)
    tdim = target._data.ndim
    if tdim not in (0, 1):
        raise RuntimeError('0D or 1D target tensor expected, multi-target not supported')
    if tdim == 1 and not (input1._data.ndim == 2 and input2._data.ndim == 2):
        raise RuntimeError(f'1D target tensor expects 2D input tensors, but found inputs with sizes '
                           f'{list(input1.shape)} and {list(input2.shape)}.')
    if tdim == 0 and not (input1._data.ndim == 1 and input2._data.ndim == 1):
        raise RuntimeError(f'0D target tensor expects 1D input tensors, but found inputs with sizes '
                           f'{list(input1.shape)} and {list(input2.shape)}.')
    eps = 1e-12
    prod = (input1 * input2).sum(tdim)
    mag1 = (input1 * input1).sum(tdim) + eps
    mag2 = (input2 * input2).sum(tdim) + eps
    cos = prod / (mag1 * mag2).sqrt()
    zeros = zeros_like(cos)
    loss = where(target == 1, 1 - cos, zeros) + where(target == -1, _clamp_min0(cos - margin), zeros)
    return _reduce(loss, reduction)


@_float32_under_autocast
def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction='mean'):
    """``max(0, -target * (input1 - input2) + margin)``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if not input1._data.ndim == input2._data.ndim == target._data.ndim:
        raise RuntimeError(f'margin_ranking_loss : All input tensors should have same dimension but got sizes: '
                           f'input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ')
    return _reduce(_clamp_min0(-target * (input1 - input2) + margin), reduction)


@_float32_under_autocast
def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction='mean'):
    """``x`` where ``target = 1``, ``max(0, margin - x)`` where ``target = -1``."""
    from .._creation import zeros_like  # noqa: PLC0415
    from .._functions import where  # noqa: PLC0415
    reduction = _get_reduction(size_average, reduce, reduction)
    zeros = zeros_like(input)
    loss = where(target != 1, _clamp_min0(margin - input), zeros) + where(target != -1, input, zeros)
    return _reduce(loss, reduction)


def _pairwise_distance(x1, x2, p=2.0, eps=1e-6):
    from ..linalg import vector_norm  # noqa: PLC0415
    dim = max(x1._data.ndim, x2._data.ndim) - 1
    return vector_norm(x1 - x2 + eps, p, dim=max(dim, 0))


def _check_triplet_dims(anchor, positive, negative):
    a, p, n = anchor._data.ndim, positive._data.ndim, negative._data.ndim
    if not a == p == n:
        raise RuntimeError(f'The anchor, positive, and negative tensors are expected to have the same number of '
                           f'dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs')


@_float32_under_autocast
def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction='mean'):
    """``max(0, margin + d(a, p) - d(a, n))`` with the ``p``-norm pairwise distance."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    _check_triplet_dims(anchor, positive, negative)
    dist_pos = _pairwise_distance(anchor, positive, p, eps)
    dist_neg = _pairwise_distance(anchor, negative, p, eps)
    if swap:
        from .._functions import minimum  # noqa: PLC0415
        dist_neg = minimum(dist_neg, _pairwise_distance(positive, negative, p, eps))
    return _reduce(_clamp_min0(margin + dist_pos - dist_neg), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0, swap=False,
                                      reduction='mean'):
    """The triplet margin loss with any ``distance_function(x1, x2)`` (default: pairwise L2 distance)."""
    _check_reduction(reduction)
    if margin <= 0:
        raise ValueError(f'margin must be greater than 0, got {margin}')
    _check_triplet_dims(anchor, positive, negative)
    distance = distance_function if distance_function is not None else _pairwise_distance
    dist_pos = distance(anchor, positive)
    dist_neg = distance(anchor, negative)
    if swap:
        from .._functions import minimum  # noqa: PLC0415
        dist_neg = minimum(dist_neg, distance(positive, negative))
    return _reduce(_clamp_min0(margin + dist_pos - dist_neg), reduction)


def _one_hot_const(target_host, classes, like):
    """A constant (N, C) one-hot matrix of ``like``'s dtype and device."""
    array = (target_host.reshape(-1, 1) == numpy.arange(classes)).astype(like._dtype.np)
    if type(like._data) is not numpy.ndarray:
        from .._backend import cupy  # noqa: PLC0415
        array = cupy().asarray(array)
    return _const_like(like, array)


def _check_margin_input(ndim, shape):
    if not ((ndim == 2 and shape[1] != 0) or (ndim == 1 and shape[0] != 0) or ndim == 0):
        raise RuntimeError('Expected non-empty vector or matrix with optional 0-dim batch size, but got: '
                           f'{list(shape)}')


@_float32_under_autocast
def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction='mean'):
    """Multi-class hinge loss: ``sum_{j != y} max(0, margin - x[y] + x[j]) ** p / C`` (weighted by ``weight[y]``)."""
    reduction = _get_reduction(size_average, reduce, reduction)
    if p != 1 and p != 2:
        raise ValueError('only p == 1 and p == 2 supported')
    if weight is not None and weight._data.ndim != 1:
        raise ValueError('weight must be one-dimensional')
    ndim = input._data.ndim
    shape = tuple(input.shape)
    _check_margin_input(ndim, shape)
    frames, classes = (1, shape[0] if ndim == 1 else 1) if ndim <= 1 else shape
    if target._data.ndim > 1 or target._data.size != frames:
        raise RuntimeError(f'multi_margin_loss: target tensor should be 1-D with size equal to the number of input '
                           f'samples (batch size). Expected target size [{frames}], but got {list(target.shape)}. '
                           f'Input has shape {list(shape)}.')
    if weight is not None and weight._data.size != classes:
        raise RuntimeError(f'inconsistent weight size, expected {classes} but got {list(weight.shape)}')
    _not_differentiable(weight, 'multi_margin_loss', 'weight')
    t = _host(target).reshape(-1)
    if ((t < 0) | (t >= classes)).any():
        raise RuntimeError('target out of range')
    x = input.reshape(frames, classes)
    onehot = _one_hot_const(t, classes, x)
    x_target = (x * onehot).sum(1, keepdim=True)
    z = _clamp_min0(margin - x_target + x)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * (onehot * weight).sum(1, keepdim=True)
    losses = (z * (1 - onehot)).sum(1) / classes
    if reduction == 'none':
        return losses.reshape(()) if ndim <= 1 else losses
    return _reduce(losses, reduction)


@_float32_under_autocast
def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Multi-label hinge loss over (target, non-target) pairs; the target row's class indices end at the first -1."""
    reduction = _get_reduction(size_average, reduce, reduction)
    ndim = input._data.ndim
    shape, tshape = tuple(input.shape), tuple(target.shape)
    _check_margin_input(ndim, shape)
    if ndim <= 1:
        frames, classes = 1, (shape[0] if ndim == 1 else 1)
        ok = target._data.ndim <= 1 and target._data.size == classes
    else:
        frames, classes = shape
        ok = tshape == shape
    if not ok:
        raise RuntimeError(f'inconsistent target size: {list(tshape)} for input of size: {list(shape)}')
    t = _host(target).reshape(frames, classes)
    if t.size and (t.min() < -1 or t.max() >= classes):
        raise RuntimeError("argument #2 'target' is out of range")
    # counts[n, j]: how often class j is listed before the row's first -1; is_target: listed at all
    counts = numpy.zeros((frames, classes))
    for n in range(frames):
        for j in t[n]:
            if j < 0:
                break
            counts[n, j] += 1
    x = input.reshape(frames, classes)
    pair_weight = counts[:, :, None] * (counts == 0)[:, None, :]      # (N, j, k)
    pair = _const_like(x, _to_device(pair_weight.astype(x._dtype.np), x))
    z = _clamp_min0(1 - x.unsqueeze(2) + x.unsqueeze(1))               # (N, j, k)
    losses = (z * pair).sum((1, 2)) / classes
    if reduction == 'none':
        return losses.reshape(()) if ndim <= 1 else losses
    return _reduce(losses, reduction)


def _to_device(array, like):
    if type(like._data) is numpy.ndarray:
        return array
    from .._backend import cupy  # noqa: PLC0415
    return cupy().asarray(array)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction='mean'):
    """Per-class logistic loss averaged over classes: ``mean_c BCE-with-logits(x_c, y_c)``."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_get_string(size_average, reduce)
    # -(y log sigmoid(x) + (1 - y) log sigmoid(-x)) is exactly BCE with logits, computed stably
    x, y = _broadcast_pair(input, target)
    result = dt.result_type(x, y)
    x = x if x._dtype is result else x.to(result)
    y = y if y._dtype is result else y.to(result)
    loss = _loss.BinaryCrossEntropyWithLogits.apply(x, y, None, None, reduction='none')
    if weight is not None:
        loss = loss * weight
    class_dim = input._data.ndim - 1
    loss = loss.sum(class_dim) / input.shape[class_dim]
    if reduction not in _REDUCTIONS:
        raise ValueError(reduction + ' is not valid')
    return _reduce(loss, reduction)


@_float32_under_autocast
def soft_margin_loss(input, target, size_average=None, reduce=None, reduction='mean'):
    """Two-class logistic loss ``log(1 + exp(-target * input))``."""
    reduction = _get_reduction(size_average, reduce, reduction)
    _not_differentiable(target, 'soft_margin_loss', 'target')
    return _reduce((-input * target).exp().log1p(), reduction)


@_float32_under_autocast
def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction='mean', zero_infinity=False):
    """Connectionist Temporal Classification loss of ``log_probs`` (T, N, C) against target sequences."""
    return _ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, reduction, zero_infinity)

"""ember.nn.functional, continued: embedding, embedding_bag, one_hot, pad, normalize and the distances."""
from __future__ import annotations

import numpy

from .. import _dtype as dt
from .._ops.gather_scatter import ConstantPad, GatherAxis, IndexAddRows, SegmentMax, TakeRows
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = ['embedding', 'embedding_bag', 'one_hot', 'pad', 'normalize', 'cosine_similarity', 'pairwise_distance',
           'pdist']


def _host(t):
    """An index tensor's values as a NumPy array (index bookkeeping happens on the host)."""
    return t.detach().numpy(force=True)


def _device_array(array, like):
    """``array`` (NumPy) on ``like``'s device, as a constant Tensor."""
    t = Tensor._make(numpy.ascontiguousarray(array))
    return t if like.is_cpu else t.to(like.device)


def _check_indices(input, op):
    if not isinstance(input, Tensor) or input._dtype not in (dt.int64, dt.int32):
        word = input.type() if isinstance(input, Tensor) else type(input).__name__
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f'Long, Int; but got {word} instead (while checking arguments for {op})')


def _check_range(host, num, what='self'):
    if host.size and (host.min() < 0 or host.max() >= num):
        raise IndexError(f'index out of range in {what}')


def _embedding_renorm(weight, indices_host, max_norm, norm_type):
    """Rescale (in place, outside autograd) the rows that ``indices`` uses whose ``norm_type``-norm exceeds
    ``max_norm`` to norm ``max_norm`` (PyTorch's ``embedding_renorm_``)."""
    rows = numpy.unique(indices_host.reshape(-1))
    if rows.size == 0:
        return
    with no_grad():
        data = weight._data
        from .._backend import namespace  # noqa: PLC0415
        xp = namespace(weight.device)
        index = xp.asarray(rows)
        selected = data[index]
        norms = xp.linalg.norm(selected.astype('float64'), ord=norm_type, axis=1)
        scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(data.dtype)
        data[index] = selected * scale[:, None]
        weight._version_counter[0] += 1


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` looked up by the integer ``input``; ``padding_idx``'s row gets no gradient.

    >>> F.embedding(ember.tensor([[0, 2]]), ember.eye(3)).shape
    torch.Size([1, 2, 3])
    """
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= weight.size(0):
                raise AssertionError('Padding_idx must be within num_embeddings')
        elif padding_idx < 0:
            if padding_idx < -weight.size(0):
                raise AssertionError('Padding_idx must be within num_embeddings')
            padding_idx = weight.size(0) + padding_idx
    if sparse:
        raise NotImplementedError('ember: embedding with sparse=True (sparse gradients) is not supported')
    _check_indices(input, 'embedding')
    if weight.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    host = _host(input)
    _check_range(host, weight.shape[0])
    if max_norm is not None:
        _embedding_renorm(weight, host, max_norm, norm_type)
    return TakeRows.apply(weight, input.long() if input._dtype is not dt.int64 else input, padding_idx=padding_idx,
                          scale_grad_by_freq=scale_grad_by_freq)


_BAG_MODES = {'sum': 0, 'mean': 1, 'max': 2}


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None, max_norm: float | None = None,
                  norm_type: float = 2, scale_grad_by_freq: bool = False, mode: str = 'mean', sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """Sums, means or maxima of bags of embeddings: bags are the rows of a 2-D ``input``, or the slices of a 1-D
    ``input`` starting at ``offsets``.

    >>> F.embedding_bag(ember.tensor([0, 1, 2]), ember.eye(3), ember.tensor([0, 2]), mode='sum')
    tensor([[1., 1., 0.],
            [0., 0., 1.]])
    """
    if per_sample_weights is not None and tuple(input.shape) != tuple(per_sample_weights.shape):
        raise ValueError(f'embedding_bag: If per_sample_weights ({per_sample_weights.shape}) is not None, then it '
                         f'must have the same shape as the input ({input.shape})')
    if weight.ndim != 2:
        raise ValueError(f'weight has to be a 2D Tensor, but got Tensor of dimension {weight.ndim}')
    if input.ndim == 2:
        if offsets is not None:
            raise ValueError('if input is 2D, then offsets has to be None, as input is treated is a mini-batch of '
                             'fixed length sequences. However, found offsets of type '
                             f'{offsets.type() if isinstance(offsets, Tensor) else type(offsets).__name__}')
        offsets_host = numpy.arange(0, input.numel(), input.shape[1]) if input.shape[1] else \
            numpy.zeros(input.shape[0], dtype=numpy.int64)
        input = input.reshape(-1)
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    elif input.ndim == 1:
        if offsets is None:
            raise ValueError('offsets has to be a 1D Tensor but got None')
        if offsets.ndim != 1:
            raise ValueError('offsets has to be a 1D Tensor')
        offsets_host = _host(offsets).astype(numpy.int64)
    else:
        raise ValueError(f'input has to be 1D or 2D Tensor, but got Tensor of dimension {input.ndim}')
    if mode not in _BAG_MODES:
        raise ValueError('mode has to be one of sum, mean or max')
    if per_sample_weights is not None and mode != 'sum':
        raise NotImplementedError(f"embedding_bag: per_sample_weights was not None. per_sample_weights is only "
                                  f"supported for mode='sum' (got mode='{mode}'). Please open a feature request on "
                                  'GitHub.')
    if sparse:
        raise NotImplementedError('ember: embedding_bag with sparse=True (sparse gradients) is not supported')
    _check_indices(input, 'embedding_bag')
    if padding_idx is not None:
        if padding_idx >= weight.shape[0] or padding_idx < -weight.shape[0]:
            raise AssertionError('padding_idx must be within the number of embeddings')
        if padding_idx < 0:
            padding_idx += weight.shape[0]
    host = _host(input).astype(numpy.int64)
    _check_range(host, weight.shape[0])
    if max_norm is not None:
        _embedding_renorm(weight, host, max_norm, norm_type)
    n = host.shape[0]
    num_bags = offsets_host.shape[0] - (1 if include_last_offset else 0)
    if offsets_host.size and offsets_host[0] != 0:
        raise RuntimeError(f'offsets[0] has to be 0, i.e., the first sequence in the mini-batch has to start from '
                           f'position 0. However, got {int(offsets_host[0])}')
    bags = numpy.searchsorted(offsets_host, numpy.arange(n), side='right') - 1
    keep = bags < num_bags
    if padding_idx is not None:
        keep &= host != padding_idx
    positions = numpy.nonzero(keep)[0]
    bags = bags[positions]
    indices = _device_array(host[positions], input)
    bag_index = _device_array(bags, input)
    values = TakeRows.apply(weight, indices, scale_grad_by_freq=scale_grad_by_freq)
    if mode == 'max':
        return SegmentMax.apply(values, bag_index, num_bags=num_bags)
    if per_sample_weights is not None:
        values = values * TakeRows.apply(per_sample_weights, _device_array(positions, input)).unsqueeze(-1)
    out = IndexAddRows.apply(values, bag_index, num_rows=num_bags)
    if mode == 'mean':
        counts = numpy.maximum(numpy.bincount(bags, minlength=num_bags), 1).astype(weight.dtype.np)
        out = out / _device_array(counts.reshape(-1, 1), weight)
    return out


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding along a new last dim; ``num_classes=-1`` uses ``max + 1``.

    >>> F.one_hot(ember.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor) or tensor._dtype is not dt.int64:
        raise RuntimeError('one_hot is only applicable to index tensor of type LongTensor.')
    host = _host(tensor)
    if num_classes == -1:
        if host.size == 0:
            raise RuntimeError('Can not infer total number of classes from empty tensor.')
        num_classes = int(host.max()) + 1
    elif num_classes < -1:
        raise RuntimeError('num_classes should be positive')
    if host.size:
        if host.min() < 0:
            raise RuntimeError('Class values must be non-negative.')
        if host.max() >= num_classes:
            raise RuntimeError('Class values must be smaller than num_classes.')
    out = (host[..., None] == numpy.arange(num_classes)).astype(numpy.int64)
    return _device_array(out, tensor)


# ------------------------------------------------------------------------------------------------ padding

def _pad_index(size, before, after, mode):
    positions = numpy.arange(-before, size + after)
    if mode == 'reflect':
        period = 2 * (size - 1)
        if period == 0:
            return numpy.zeros_like(positions)
        p = numpy.mod(positions, period)
        return numpy.where(p < size, p, period - p)
    if mode == 'replicate':
        return numpy.clip(positions, 0, size - 1)
    return numpy.mod(positions, size)  # circular


def pad(input: Tensor, pad, mode: str = 'constant', value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims: ``pad = (left, right, top, bottom, ...)`` from the last dim backwards.
    Modes: 'constant' (negative amounts crop), 'reflect', 'replicate', 'circular'.

    >>> F.pad(ember.tensor([[1., 2.]]), (1, 1))
    tensor([[0., 1., 2., 0.]])
    """
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise RuntimeError('Padding length must be divisible by 2')
    if len(pad) // 2 > input.ndim:
        raise RuntimeError(f'Padding length should be less than or equal to two times the input dimension but got '
                           f'padding length {len(pad)} and input of dimension {input.ndim}')
    k = len(pad) // 2
    widths = [(0, 0)] * (input.ndim - k) + [(pad[2 * (k - 1 - i)], pad[2 * (k - 1 - i) + 1]) for i in range(k)]
    if mode == 'constant':
        return ConstantPad.apply(input, widths=tuple(widths), value=0 if value is None else value)
    if mode not in ('reflect', 'replicate', 'circular'):
        raise NotImplementedError(f'Unrecognised padding mode {mode}')
    if value is not None and value != 0:
        raise AssertionError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if not 1 <= k <= 3 or input.ndim not in (k + 1, k + 2):
        raise NotImplementedError('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now')
    out = input
    for axis in range(input.ndim - k, input.ndim):
        before, after = widths[axis]
        size = input.shape[axis]
        if mode == 'reflect' and (before >= size or after >= size):
            raise RuntimeError(f'Argument #4: Padding size should be less than the corresponding input dimension, '
                               f'but got: padding ({before}, {after}) at dimension {axis} of input {list(input.shape)}')
        if mode == 'circular' and (before > size or after > size):
            raise RuntimeError('Padding value causes wrapping around more than once.')
        if before == 0 and after == 0:
            continue
        if before < 0 or after < 0:  # negative amounts crop first
            out = ConstantPad.apply(out, widths=tuple((min(before, 0), min(after, 0)) if i == axis else (0, 0)
                                                      for i in range(out.ndim)), value=0)
            size = out.shape[axis]
            before, after = max(before, 0), max(after, 0)
        out = GatherAxis.apply(out, index=_pad_index(size, before, after, mode), axis=axis)
    return out


# ------------------------------------------------------------------------------------------------ distances

def _vector_norm(x, p, dim, keepdim):
    from .._ops.linalg_norm import vector_norm  # noqa: PLC0415
    return vector_norm(x, p, dim, keepdim)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out: Tensor | None = None) -> Tensor:
    """``input / max(||input||_p, eps)`` along ``dim``.

    >>> F.normalize(ember.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    denom = _vector_norm(input, p, dim, True).clamp_min(eps)
    result = input / denom
    if out is not None:
        from .._ops.inplace import copy_into_out  # noqa: PLC0415
        return copy_into_out(out, result)
    return result


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``x1 · x2 / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim`` (inputs broadcast)."""
    n1 = _vector_norm(x1, 2, dim, True).clamp_min(eps)
    n2 = _vector_norm(x2, 2, dim, True).clamp_min(eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dim."""
    ndim = max(x1.ndim, x2.ndim)
    diff = x1 - x2 + eps
    if ndim == 0:
        return _vector_norm(diff, p, 0, keepdim)
    return _vector_norm(diff, p, ndim - 1, keepdim)


def pdist(input: Tensor, p: float = 2.0) -> Tensor:
    """The ``p``-norm distances between all pairs of rows of a 2-D ``input`` (the upper triangle, row by row)."""
    if input.ndim != 2:
        raise RuntimeError(f'pdist only supports 2D tensors, got: {input.ndim}D')
    n = input.shape[0]
    rows, cols = numpy.triu_indices(n, 1)
    a = TakeRows.apply(input, _device_array(rows, input))
    b = TakeRows.apply(input, _device_array(cols, input))
    return _vector_norm(a - b, p, 1, False)

"""Random sampling: the sampling functions (rand, randn, randint, randperm, normal, bernoulli, multinomial, poisson)
and the Tensor in-place fills (uniform_, normal_, ...), all driven by an ``ember.Generator``.

Samples are drawn on the host by the generator's NumPy bit generator and moved to the tensor's device. Sampling
ops that PyTorch differentiates (normal, bernoulli, poisson) get a node whose gradient is zero, as in PyTorch.
"""
from __future__ import annotations

__all__ = ['rand', 'randn', 'randint', 'randperm', 'normal', 'bernoulli', 'multinomial', 'poisson', 'rand_like',
           'randn_like', 'randint_like']

import math
import operator

import numpy

from .. import _dtype as dt
from .._random import numpy_generator
from ..autograd.function import Primitive
from ..autograd.grad_mode import _State
from .inplace import _type_word, apply_inplace, check_inplace, copy_into_out

_C_NAMES = {'uint8': 'unsigned char', 'int8': 'signed char', 'int16': 'short', 'int32': 'int', 'int64': 'long',
            'bool': 'bool', 'float32': 'float', 'float64': 'double', 'float16': 'c10::Half',
            'bfloat16': 'c10::BFloat16'}
_FLOAT_DIGITS = {'float16': 11, 'bfloat16': 8, 'float32': 24, 'float64': 53}


def _fmt(x) -> str:
    """A number as PyTorch's C++ messages print it (``-1``, ``1.5``)."""
    return f'{x:g}' if isinstance(x, float) else str(x)


def _require_float(d, kernel):
    if d._kind < 2:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_word(d)}\'')


# ------------------------------------------------------------------------------------------------ raw samplers

def _uniform01(rng, shape, np_dtype):
    """Uniform [0, 1) values of a real floating dtype, with that dtype's number of random bits."""
    if np_dtype == numpy.float64 or np_dtype == numpy.float32:
        return rng.random(shape, dtype=np_dtype)
    digits = 11 if np_dtype == numpy.float16 else 8
    return (rng.integers(0, 2**digits, shape) * 2.0**-digits).astype(np_dtype)


def _real_dtype(d):
    return d.to_real().np if d._kind == 3 else d.np


def _uniform(rng, shape, d, low=0.0, high=1.0):
    np_dtype = _real_dtype(d)
    work = numpy.float64 if np_dtype == numpy.float64 else numpy.float32
    parts = [_uniform01(rng, shape, np_dtype).astype(work, copy=False) * (high - low) + low
             for _ in range(2 if d._kind == 3 else 1)]
    return _combine(parts, d)


def _normal(rng, shape, d, mean=0.0, std=1.0):
    work = numpy.float64 if _real_dtype(d) == numpy.float64 else numpy.float32
    if d._kind == 3:  # each part has half the variance, so |z|^2 has mean std^2
        parts = [rng.standard_normal(shape, dtype=work) * (std / math.sqrt(2)) + mean for _ in range(2)]
    else:
        parts = [rng.standard_normal(shape, dtype=work) * std + mean]
    return _combine(parts, d)


def _combine(parts, d):
    if len(parts) == 1:
        return numpy.asarray(parts[0]).astype(d.np)
    out = numpy.empty(parts[0].shape, dtype=d.np)
    out.real, out.imag = parts
    return out


def _integers(rng, shape, low, high, d):
    """Integers in [low, high) as dtype ``d``."""
    return rng.integers(low, high - 1, shape, dtype=numpy.int64, endpoint=True).astype(d.np)


# ------------------------------------------------------------------------------------------------ creation helpers

def _size(size_args, size, op):
    from ._util import shape_arg  # noqa: PLC0415
    if size is not None:
        if size_args:
            raise TypeError(f'{op}() got multiple values for argument \'size\'')
        size_args = (size,)
    for s in (size_args[0] if len(size_args) == 1 and isinstance(size_args[0], (tuple, list)) else size_args):
        if isinstance(s, float):
            raise TypeError(f'{op}(): argument \'size\' failed to unpack the object at pos '
                            f'{list(size_args).index(s) + 1} with error "type must be tuple of ints,but got float"')
    shape = shape_arg(size_args, op)
    for s in shape:
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: {list(shape)}')
    return shape


def _device_for(device, generator):
    from .._creation import _resolve_device  # noqa: PLC0415
    dev = _resolve_device(device)
    if generator is not None and dev.type != generator.device.type and dev.type == 'cuda':
        raise RuntimeError(f"Expected a '{dev.type}' device type for generator but found "
                           f"'{generator.device.type}'")
    return dev


def _finish(array, dev, requires_grad, out):
    from .._backend import to_device  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    if dev.type != 'cpu':
        array = to_device(array, dev)
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t if out is None else copy_into_out(out, t)


def _float_dtype(dtype, out):
    if dtype is None:
        return out._dtype if out is not None else dt.get_default_dtype()
    return dt.to_dtype(dtype)


# ------------------------------------------------------------------------------------------------ sampling functions

def rand(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False):
    """Uniform samples from [0, 1).

    >>> ember.rand(2, 3).shape
    torch.Size([2, 3])
    """
    shape = _size(size_args, size, 'rand')
    d = _float_dtype(dtype, out)
    _require_float(d, 'check_uniform_bounds')
    dev = _device_for(device, generator)
    return _finish(_uniform(numpy_generator(generator), shape, d), dev, requires_grad, out)


def randn(*size_args, size=None, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False):
    """Standard normal samples (complex dtypes: each part has variance 1/2).

    >>> ember.randn(3).dtype
    torch.float32
    """
    shape = _size(size_args, size, 'randn')
    d = _float_dtype(dtype, out)
    _require_float(d, 'normal_kernel_cpu')
    dev = _device_for(device, generator)
    return _finish(_normal(numpy_generator(generator), shape, d), dev, requires_grad, out)


def _check_int_range(low, high, d, op='random_'):
    """PyTorch's bounds checks for random integers of dtype ``d`` in [low, high)."""
    if low >= high:
        raise RuntimeError(f"{op} expects 'from' to be less than 'to', but got from={low} >= to={high}")
    if d._kind in (0, 1):
        info = (0, 1) if d is dt.bool else (int(numpy.iinfo(d.np).min), int(numpy.iinfo(d.np).max))
        if not info[0] <= low <= info[1]:
            raise RuntimeError(f'from is out of bounds for {_C_NAMES[d.name]}')
        if not info[0] <= high - 1 <= info[1]:
            raise RuntimeError(f'to - 1 is out of bounds for {_C_NAMES[d.name]}')
    elif d._kind == 2:
        import warnings  # noqa: PLC0415
        digits = _FLOAT_DIGITS[d.name]
        for name, value in (('from', low), ('to - 1', high - 1)):
            if not -2**digits <= value <= 2**digits:
                warnings.warn(f'{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision limitations '
                              f'{_C_NAMES[d.name]} can support discrete uniform distribution only within this '
                              'range. This warning will become an error in version 1.7 release, please fix the '
                              'code in advance', UserWarning, stacklevel=4)


def _int_arg(value, op, what):
    if isinstance(value, (float, complex)) or not hasattr(value, '__index__'):
        raise TypeError(f'{op}() received an invalid combination of arguments - got {what}')
    return operator.index(value)


def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False):
    """Random integers in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``.

    >>> ember.randint(3, 5, (2,)).dtype
    torch.int64
    """
    args = list(args)
    if size is None and args and isinstance(args[-1], (tuple, list)):
        size = args.pop()
    got = '(' + ', '.join(type(a).__name__ for a in args) + ')'
    if size is None:
        raise TypeError(f'randint() received an invalid combination of arguments - got {got}, but expected one of:\n'
                        ' * (int high, tuple of ints size, *, torch.Generator generator, Tensor out, torch.dtype '
                        'dtype, torch.layout layout, torch.device device, bool pin_memory, bool requires_grad)\n'
                        ' * (int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out, '
                        'torch.dtype dtype, torch.layout layout, torch.device device, bool pin_memory, bool '
                        'requires_grad)')
    numbers = args + [v for v in (low, high) if v is not None]
    if len(numbers) == 1 and low is None:
        low_value, high_value = 0, numbers[0]
    elif len(numbers) == 2:
        low_value, high_value = (numbers if low is None or args else (low, high))
    else:
        raise TypeError(f'randint() received an invalid combination of arguments - got {got}')
    low_value, high_value = _int_arg(low_value, 'randint', got), _int_arg(high_value, 'randint', got)
    shape = _size((size,), None, 'randint')
    d = dt.to_dtype(dtype) if dtype is not None else (out._dtype if out is not None else dt.int64)
    _check_int_range(low_value, high_value, d)
    dev = _device_for(device, generator)
    array = _integers(numpy_generator(generator), shape, low_value, high_value, d)
    return _finish(array, dev, requires_grad, out)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None, requires_grad=False,
             pin_memory=False):
    """A random permutation of ``0 .. n-1``.

    >>> sorted(ember.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    n = _int_arg(n, 'randperm', f'({type(n).__name__})')
    if n < 0:
        raise RuntimeError(f'Trying to create tensor with negative dimension {n}: [{n}]')
    d = dt.to_dtype(dtype) if dtype is not None else (out._dtype if out is not None else dt.int64)
    if d is dt.bool or d._kind == 3:
        raise NotImplementedError(f'"randperm" not implemented for \'{_type_word(d)}\'')
    if d._kind == 1 and n - 1 > numpy.iinfo(d.np).max:
        raise RuntimeError(f'value cannot be converted to type {d.name}_t without overflow')
    dev = _device_for(device, generator)
    array = numpy_generator(generator).permutation(n).astype(d.np)
    return _finish(array, dev, requires_grad, out)


class _Sample(Primitive):
    """A sampled tensor whose gradient with respect to its parameters is zero (PyTorch's convention)."""

    @staticmethod
    def forward(ctx, *params, sample):
        return sample

    @staticmethod
    def backward(ctx, grad):
        return tuple(grad.new_zeros(grad.shape) if need else None for need in ctx.needs_input_grad)


def _sample_node(name):
    return type(f'_{name}', (_Sample,), {'_backward_name': f'{name}Backward0' if name[-1] not in '0123' else
                                         f'{name[:-1]}Backward{name[-1]}'})


_NORMAL_NODES = {1: _sample_node('Normal1'), 2: _sample_node('Normal2'), 3: _sample_node('Normal3')}
_Bernoulli = _sample_node('Bernoulli')
_Poisson = _sample_node('Poisson')


def _with_node(node, params, sample, out):
    """Wrap a sampled array as a Tensor, attaching a zero-gradient node when a parameter requires grad."""
    from .._backend import to_device  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    tensors = [p for p in params if isinstance(p, Tensor)]
    dev = tensors[0].device
    if dev.type != 'cpu':
        sample = to_device(sample, dev)
    if any(t._requires_grad for t in tensors) and _State.enabled:
        result = node.apply(*tensors, sample=sample)
    else:
        result = Tensor._make(sample)
    return result if out is None else copy_into_out(out, result)


def normal(mean=0.0, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None, device=None,
           requires_grad=False, pin_memory=False):
    """Normal samples: ``normal(mean, std)`` with tensor mean and/or std, or ``normal(mean, std, size)``.

    >>> ember.normal(ember.zeros(3), 1.0).shape
    torch.Size([3])
    """
    from .._tensor import Tensor  # noqa: PLC0415
    rng = numpy_generator(generator)
    mean_t, std_t = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mean_t and not std_t:
        if size is None:
            raise TypeError(f'normal() received an invalid combination of arguments - got ({type(mean).__name__}, '
                            f'{type(std).__name__}), but expected one of:\n'
                            ' * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n'
                            ' * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n'
                            ' * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n'
                            ' * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, '
                            'Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device '
                            'device = None, bool pin_memory = False, bool requires_grad = False)')
        if std < 0:
            raise RuntimeError(f'normal expects std >= 0.0, but found std {_fmt(std)}')
        shape = _size((size,), None, 'normal')
        d = _float_dtype(dtype, out)
        _require_float(d, 'normal_kernel_cpu')
        dev = _device_for(device, generator)
        return _finish(_normal(rng, shape, d, mean, std), dev, requires_grad, out)
    if mean_t and std_t:
        _require_float(mean._dtype, 'normal_kernel_cpu')
        _require_float(std._dtype, 'normal_kernel_cpu')
        d = dt.promote_types(mean._dtype, std._dtype)
        shape = _broadcast(mean._data.shape, std._data.shape)
        m, s = mean.detach().numpy(force=True), std.detach().numpy(force=True)
        if (s < 0).any():
            raise RuntimeError('normal expects all elements of std >= 0.0')
        kind = 3
    elif mean_t:
        _require_float(mean._dtype, 'normal_kernel_cpu')
        if std < 0:
            raise RuntimeError(f'normal expects std >= 0.0, but found std {_fmt(std)}')
        d, shape, m, s, kind = mean._dtype, mean._data.shape, mean.detach().numpy(force=True), std, 1
    else:
        _require_float(std._dtype, 'normal_kernel_cpu')
        d, shape, m, s, kind = std._dtype, std._data.shape, mean, std.detach().numpy(force=True), 2
        if (s < 0).any():
            raise RuntimeError('normal expects all elements of std >= 0.0')
    noise = _normal(rng, shape, d)
    sample = (noise * s + m).astype(d.np)
    return _with_node(_NORMAL_NODES[kind], (mean, std), sample, out)


def _broadcast(a, b):
    """The broadcast shape of two shapes, with PyTorch's error."""
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + tuple(a), (1,) * (n - len(b)) + tuple(b)
    out = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y and x != 1 and y != 1:
            raise RuntimeError(f'The size of tensor a ({x}) must match the size of tensor b ({y}) at non-singleton '
                               f'dimension {i}')
        out.append(y if x == 1 else x)
    return tuple(out)


def _check_probabilities(p):
    if p.size and not bool(((p >= 0) & (p <= 1)).all()):
        raise RuntimeError('Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error message '
                           'be improved?  If so, please report an enhancement request to PyTorch.)')


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 samples with probabilities ``input`` (or a fixed ``p``), in ``input``'s dtype.

    >>> ember.bernoulli(ember.ones(3))
    tensor([1., 1., 1.])
    """
    rng = numpy_generator(generator)
    shape = input._data.shape
    if p is None:
        _require_float(input._dtype, 'bernoulli_tensor_cpu_p_')
        probs = input.detach().numpy(force=True)
        if input._dtype is dt.bfloat16 or input._dtype is dt.float16:
            probs = probs.astype(numpy.float32)
        _check_probabilities(probs)
    else:
        if not 0 <= p <= 1:
            raise RuntimeError(f'bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}')
        probs = p
    sample = (rng.random(shape) < probs).astype(input._dtype.np)
    return _with_node(_Bernoulli, (input,), sample, out)


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Indices drawn from the categories of each row of ``input`` (unnormalised, non-negative weights).

    >>> ember.multinomial(ember.tensor([0., 1.]), 2, replacement=True).tolist()
    [1, 1]
    """
    if input.ndim not in (1, 2):
        raise RuntimeError('prob_dist must be 1 or 2 dim')
    if input._dtype._kind != 2:
        raise RuntimeError(f'multinomial only supports floating-point dtypes for input, got: '
                           f'{_type_word(input._dtype)}')
    if num_samples <= 0:
        raise RuntimeError('cannot sample n_sample <= 0 samples')
    categories = input._data.shape[-1]
    if not replacement and num_samples > categories:
        raise RuntimeError('cannot sample n_sample > prob_dist.size(-1) samples without replacement')
    weights = input.detach().numpy(force=True).astype(numpy.float64).reshape(-1, categories)
    if not bool((numpy.isfinite(weights) & (weights >= 0)).all()):
        raise RuntimeError('probability tensor contains either `inf`, `nan` or element < 0')
    totals = weights.sum(axis=1, keepdims=True)
    if not bool((totals > 0).all()):
        raise RuntimeError('invalid multinomial distribution (sum of probabilities <= 0)')
    rng = numpy_generator(generator)
    rows = weights.shape[0]
    if replacement:
        cdf = numpy.cumsum(weights / totals, axis=1)
        last = categories - 1 - numpy.argmax(weights[:, ::-1] > 0, axis=1)  # never land on a zero-weight tail
        u = rng.random((rows, num_samples))
        picks = numpy.stack([numpy.minimum(numpy.searchsorted(cdf[i], u[i], side='right'), last[i])
                             for i in range(rows)])
    else:  # exponential race: the k smallest E_i / w_i are a weighted sample without replacement
        with numpy.errstate(divide='ignore'):
            keys = rng.standard_exponential(weights.shape) / weights
        picks = numpy.argsort(keys, axis=1, kind='stable')[:, :num_samples]
    picks = picks.astype(numpy.int64).reshape(input._data.shape[:-1] + (num_samples,))
    return _finish(picks, input.device, False, out)


def poisson(input, generator=None):
    """Poisson samples with rates ``input``.

    >>> ember.poisson(ember.zeros(2))
    tensor([0., 0.])
    """
    _require_float(input._dtype, 'poisson_cpu')
    rates = input.detach().numpy(force=True).astype(numpy.float64)
    if rates.size and not bool((rates >= 0).all()):
        raise RuntimeError('invalid Poisson rate, expected rate to be non-negative')
    sample = numpy_generator(generator).poisson(rates).astype(input._dtype.np)
    return _with_node(_Poisson, (input,), sample, None)


def _like_args(input, dtype, device):
    return (dt.to_dtype(dtype) if dtype is not None else input._dtype), (device if device is not None
                                                                         else input.device)


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """``rand`` with ``input``'s shape, dtype and device."""
    d, dev = _like_args(input, dtype, device)
    return rand(input._data.shape, generator=generator, dtype=d, device=dev, requires_grad=requires_grad)


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """``randn`` with ``input``'s shape, dtype and device."""
    d, dev = _like_args(input, dtype, device)
    return randn(input._data.shape, generator=generator, dtype=d, device=dev, requires_grad=requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None, device=None,
                 requires_grad=False, memory_format=None):
    """``randint`` with ``input``'s shape, dtype and device: ``randint_like(x, high)`` or ``(x, low, high)``."""
    if high is None:
        low, high = 0, low
    d, dev = _like_args(input, dtype, device)
    return randint(low, high, input._data.shape, generator=generator, dtype=d, device=dev,
                   requires_grad=requires_grad)


# ------------------------------------------------------------------------------------------------ in-place fills

def _fill(target, sample, name):
    """Write ``sample`` into ``target`` in place (NOTE [ Views and in-place ops ]); a zero-gradient node when
    ``target`` takes part in autograd."""
    check_inplace(target, target._dtype, target._data.shape, name)
    if _State.enabled and (target._requires_grad or (target._base is not None and target._base._requires_grad)):
        from .._backend import to_device  # noqa: PLC0415
        sample = to_device(numpy.asarray(sample, dtype=target._dtype.np), target.device)
        return apply_inplace(target, _FILL_NODES[name].apply(target, sample=sample), name)
    data = target._data
    if type(data) is numpy.ndarray:
        data[...] = sample
    else:
        from .._backend import to_device  # noqa: PLC0415
        data[...] = to_device(numpy.asarray(sample, dtype=target._dtype.np), target.device)
    target._version_counter[0] += 1
    return target


_FILL_NODES = {name: _sample_node(word) for name, word in (
    ('uniform_', 'Uniform'), ('normal_', 'Normal'), ('bernoulli_', 'Bernoulli'), ('random_', 'Random'),
    ('exponential_', 'Exponential'), ('geometric_', 'Geometric'), ('log_normal_', 'LogNormal'),
    ('cauchy_', 'Cauchy'))}


class RandomMethods:
    """Tensor methods of this family (mixed into Tensor)."""

    __slots__ = ()

    def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
        """Fill with uniform samples from [from, to)."""
        low = kwargs.pop('from', from_)
        _no_extra(kwargs, 'uniform_')
        _require_float(self._dtype, 'check_uniform_bounds')
        if low > to:
            raise RuntimeError(f'uniform_ expects to return a [from, to) range, but found from={_fmt(low)} > '
                               f'to={_fmt(to)}')
        return _fill(self, _uniform(numpy_generator(generator), self._data.shape, self._dtype, low, to), 'uniform_')

    def normal_(self, mean=0.0, std=1.0, *, generator=None):
        """Fill with normal samples."""
        _require_float(self._dtype, 'normal_kernel_cpu')
        if std < 0:
            raise RuntimeError(f'normal expects std >= 0.0, but found std {_fmt(std)}')
        return _fill(self, _normal(numpy_generator(generator), self._data.shape, self._dtype, mean, std), 'normal_')

    def bernoulli_(self, p=0.5, *, generator=None):
        """Fill with 0/1 samples of probability ``p`` (a number or a tensor broadcastable to ``self``)."""
        rng = numpy_generator(generator)
        if hasattr(p, '_data'):
            probs = p.detach().numpy(force=True).astype(numpy.float64)
            _check_probabilities(probs)
            probs = numpy.broadcast_to(probs, self._data.shape) if probs.shape != self._data.shape else probs
        else:
            if not 0 <= p <= 1:
                raise RuntimeError(f'bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}')
            probs = p
        return _fill(self, (rng.random(self._data.shape) < probs).astype(self._dtype.np), 'bernoulli_')

    def random_(self, *args, generator=None, **kwargs):
        """Fill with integers: ``random_()`` over the dtype's exact range, ``random_(to)``, ``random_(from, to)``."""
        if len(args) > 2:
            raise TypeError(f'random_() takes at most 2 positional arguments ({len(args)} given)')
        if len(args) == 1 and not kwargs:
            low, to = 0, args[0]
        else:
            low, to = (tuple(args) + (None, None))[:2]
            low = kwargs.pop('from', 0 if low is None else low)
            to = kwargs.pop('to', to)
            _no_extra(kwargs, 'random_')
        d = self._dtype
        if to is None:
            if d is dt.bool:
                to = 2
            elif d._kind == 1:
                to = int(numpy.iinfo(d.np).max) + 1
            else:
                to = 2**_FLOAT_DIGITS[d.to_real().name] + 1
        low, to = _int_arg(low, 'random_', 'from'), _int_arg(to, 'random_', 'to')
        _check_int_range(low, to, d)
        rng = numpy_generator(generator)
        if d._kind == 3:
            sample = _combine([rng.integers(low, to, self._data.shape).astype(numpy.float64) for _ in range(2)], d)
        else:
            sample = _integers(rng, self._data.shape, low, to, d)
        return _fill(self, sample, 'random_')

    def exponential_(self, lambd=1.0, *, generator=None):
        """Fill with exponential samples of rate ``lambd``."""
        if self._dtype._kind != 2:
            raise RuntimeError('Exponential distribution is a continuous probability distribution. dtype must be a '
                               f'floating point but you specified {_type_word(self._dtype)}')
        if not lambd > 0:
            raise RuntimeError(f'exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}')
        work = numpy.float64 if self._dtype is dt.float64 else numpy.float32
        sample = numpy_generator(generator).standard_exponential(self._data.shape, dtype=work) / lambd
        return _fill(self, sample.astype(self._dtype.np), 'exponential_')

    def geometric_(self, p, *, generator=None):
        """Fill with the number of Bernoulli(p) trials up to and including the first success."""
        if not 0 < p < 1:
            raise RuntimeError(f'geometric_ expects p to be in (0, 1), but got p={_fmt(p)}')
        sample = numpy_generator(generator).geometric(p, self._data.shape)
        return _fill(self, sample.astype(self._dtype.np), 'geometric_')

    def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
        """Fill with exp(N(mean, std)) samples."""
        _require_float(self._dtype, 'log_normal_cpu')
        if not std > 0:
            raise RuntimeError(f'log_normal_ expects std > 0.0, but found std={_fmt(std)}')
        sample = numpy.exp(_normal(numpy_generator(generator), self._data.shape, dt.float64, mean, std))
        return _fill(self, sample.astype(self._dtype.np), 'log_normal_')

    def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
        """Fill with Cauchy samples."""
        if self._dtype._kind != 2:
            raise RuntimeError('Cauchy distribution is a continuous probability distribution. dtype must be a '
                               f'floating point but you specified {_C_NAMES.get(self._dtype.name, "")}'
                               .replace('specified long', 'specified long int'))
        sample = numpy_generator(generator).standard_cauchy(self._data.shape) * sigma + median
        return _fill(self, sample.astype(self._dtype.np), 'cauchy_')

    def bernoulli(self, p=None, *, generator=None):
        return bernoulli(self, p, generator=generator)

    def multinomial(self, num_samples, replacement=False, *, generator=None):
        return multinomial(self, num_samples, replacement, generator=generator)


def _no_extra(kwargs, op):
    if kwargs:
        raise TypeError(f'{op}() got an unexpected keyword argument {next(iter(kwargs))!r}')

"""Tensor creation: tensor/as_tensor/asarray/from_numpy, zeros/ones/full/empty (+ _like), and legacy constructors.

Ranges (arange, linspace, logspace, eye), tril/triu and meshgrid live in ``_ops/creation_more.py``; random
sampling in ``_ops/random.py``.
"""
from __future__ import annotations

import numbers

import numpy

from . import _dtype as dt
from ._backend import namespace, to_device
from ._device import CPU, device as _device
from ._ops._util import shape_arg
from ._tensor import Tensor, _LegacyTypeMeta


class _DefaultDevice:
    device = CPU


def set_default_device(device) -> None:
    """Make factories without ``device=`` allocate on ``device``."""
    _DefaultDevice.device = CPU if device is None else _device(device)


def get_default_device():
    return _DefaultDevice.device


def _resolve_device(device):
    if device is None:
        return _DefaultDevice.device
    dev = _device(device)
    if dev.type == 'cuda' and dev.index is None:
        dev = _device('cuda', 0)
    return dev


def _finish(array, device, requires_grad):
    dev = _resolve_device(device)
    if dev.type != 'cpu':
        array = to_device(array, dev)
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _nested_to_numpy(data, op='tensor'):
    """Convert python data (nested sequences of numbers, tensors, numpy arrays) to a numpy array with torch's
    dtype inference and errors."""
    if isinstance(data, Tensor):
        return to_device(data._data, CPU)
    if isinstance(data, numpy.ndarray):
        return data
    if isinstance(data, (str, bytes)):
        raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
    if isinstance(data, numpy.generic):
        return numpy.asarray(data)
    if isinstance(data, (bool, numbers.Number)):
        return _infer_array(data)
    if hasattr(data, '__array__') and not isinstance(data, (list, tuple)):
        return numpy.asarray(data)
    try:
        items = list(data)
    except TypeError:
        raise TypeError(f"Could not infer dtype of {type(data).__name__}") from None
    converted = [_nested_to_numpy(item, op) for item in items]
    if not converted:
        return numpy.zeros((0,), dtype=numpy.float32)
    shape = converted[0].shape
    for i, c in enumerate(converted[1:], 1):
        if c.shape != shape:
            dim = _first_mismatch(shape, c.shape)
            expected = shape[dim] if dim < len(shape) else None
            got = c.shape[dim] if dim < len(c.shape) else None
            raise ValueError(f'expected sequence of length {expected} at dim {dim + 1} (got {got})')
    dtypes = {c.dtype for c in converted}
    if len(dtypes) > 1:  # PyTorch promotes the dtypes of all leaves (python scalars at their default dtypes)
        kinds = [dt.from_numpy_dtype(d) for d in dtypes]
        result = kinds[0]
        for k in kinds[1:]:
            result = dt.promote_types(result, k)
        converted = [c.astype(result.np) for c in converted]
    return numpy.stack(converted)


def _first_mismatch(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _infer_array(data):
    """A numpy array for ``data`` with PyTorch's default dtypes (python floats -> default dtype, ints -> int64)."""
    if isinstance(data, numpy.ndarray):
        array = data
    elif isinstance(data, Tensor):
        return to_device(data._data, CPU)
    elif isinstance(data, bool):
        return numpy.asarray(data)
    elif isinstance(data, int):
        if not -2**63 <= data < 2**63:
            if -2**63 - 2**64 <= data < 2**64:
                raise ValueError('Overflow when unpacking long long')
            raise RuntimeError('Overflow when unpacking long')
        return numpy.asarray(data, dtype=numpy.int64)
    elif isinstance(data, float):
        return numpy.asarray(data, dtype=dt.get_default_dtype().np)
    elif isinstance(data, complex):
        return numpy.asarray(data, dtype=dt.default_complex().np)
    else:
        array = _python_nested(data)
        if array is None:
            array = _nested_to_numpy(data)
        return array
    return array


def _python_nested(data):
    """Fast path for plain nested lists/tuples of python numbers; None if anything else is inside."""
    if not isinstance(data, (list, tuple)):
        return None
    flat = data
    while isinstance(flat, (list, tuple)) and flat:
        flat = flat[0]
    if type(flat) not in (bool, int, float, complex) and not (isinstance(flat, (list, tuple)) and not flat):
        return None
    try:
        array = numpy.array(data)
    except (ValueError, OverflowError):
        return None
    if array.dtype == object:
        return None
    if array.dtype == numpy.float64:
        if array.size and numpy.abs(array).max() >= 2**63:  # maybe a huge python int that NumPy made a float
            return None
        array = array.astype(dt.get_default_dtype().np)
    elif array.dtype == numpy.complex128:
        array = array.astype(dt.default_complex().np)
    elif array.dtype == numpy.uint64:
        raise ValueError('Overflow when unpacking long long')
    elif array.dtype.kind in 'iu':
        array = array.astype(numpy.int64)
    elif array.dtype.kind == 'U':
        raise TypeError("new(): invalid data type 'str'")
    if array.size == 0 and array.dtype == numpy.int64 and _all_empty(data):
        array = array.astype(dt.get_default_dtype().np)
    return array


def _all_empty(data):
    return not any(isinstance(x, (bool, int, float, complex)) for x in _flatten(data))


def _flatten(data):
    for x in data:
        if isinstance(x, (list, tuple)):
            yield from _flatten(x)
        else:
            yield x


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new leaf tensor copying ``data`` (nested lists, numbers, numpy arrays, tensors).

    >>> ember.tensor([1, 2]).dtype
    torch.int64
    """
    if isinstance(data, Tensor):
        import warnings  # noqa: PLC0415
        warnings.warn('To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or '
                      'sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor).',
                      UserWarning, stacklevel=2)
    array = _infer_array(data)
    if dtype is not None:
        array = array.astype(dt.to_dtype(dtype).np, copy=False)
    else:
        dt.from_numpy_dtype(array.dtype)  # TypeError for dtypes ember lacks
    array = numpy.array(array, copy=True)
    return _finish(array, device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a numpy array or tensor when dtype and device already match."""
    if isinstance(data, Tensor):
        result = data
        if dtype is not None or device is not None:
            result = result.to(device=device, dtype=dtype)
        return result
    if isinstance(data, numpy.ndarray):
        target = dt.to_dtype(dtype) if dtype is not None else dt.from_numpy_dtype(data.dtype)
        array = data if data.dtype == target.np else data.astype(target.np)
        return _finish(array, device, False)
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """``as_tensor`` with NumPy's ``copy=`` semantics."""
    if copy:
        if isinstance(obj, Tensor):
            t = obj.detach().to(device=device, dtype=dtype, copy=True)
        else:
            t = tensor(obj, dtype=dtype, device=device)
    else:
        t = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        t.requires_grad_(True)
    return t


def from_numpy(ndarray):
    """A tensor sharing memory with ``ndarray``."""
    if not isinstance(ndarray, numpy.ndarray):
        raise TypeError(f'expected np.ndarray (got {type(ndarray).__name__})')
    if any(s < 0 for s in ndarray.strides):
        raise ValueError('At least one stride in the given numpy array is negative, and tensors with negative '
                         'strides are not currently supported. (You can probably work around this by making a copy '
                         'of your array  with array.copy().) ')
    dt.from_numpy_dtype(ndarray.dtype)
    return Tensor._make(ndarray)


def _factory(fill, size, dtype, device, requires_grad, op, fill_value=None):
    shape = shape_arg(size, op)
    for s in shape:
        if s < 0:
            raise RuntimeError(f'Trying to create tensor with negative dimension {s}: {list(shape)}')
    if dtype is None:
        if fill == 'full':
            dtype = dt.result_type(fill_value) if not isinstance(fill_value, bool) else dt.bool
            if isinstance(fill_value, Tensor):
                dtype = fill_value._dtype
        else:
            dtype = dt.get_default_dtype()
    dtype = dt.to_dtype(dtype)
    dev = _resolve_device(device)
    xp = namespace(dev)
    if fill == 'zeros':
        array = xp.zeros(shape, dtype=dtype.np)
    elif fill == 'ones':
        array = xp.ones(shape, dtype=dtype.np)
    elif fill == 'empty':
        array = xp.empty(shape, dtype=dtype.np)
    else:
        value = fill_value.item() if isinstance(fill_value, Tensor) else fill_value
        if isinstance(value, complex) and dtype._kind < 3:
            if value.imag:
                raise RuntimeError(f'value cannot be converted to type {_C_TYPE.get(dtype.name, dtype.name)} '
                                   'without overflow')
            value = value.real
        elif isinstance(value, int) and dtype._kind == 1 and not isinstance(value, bool):
            info = numpy.iinfo(dtype.np)
            if not info.min <= value <= info.max:
                raise RuntimeError(f'value cannot be converted to type {_C_TYPE[dtype.name]} without overflow')
        array = xp.full(shape, value, dtype=dtype.np)
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


_C_TYPE = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
           'int64': 'int64_t', 'int32': 'int32_t', 'int16': 'int16_t', 'int8': 'int8_t', 'uint8': 'uint8_t',
           'bool': 'bool'}


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of zeros; ``size`` as ints or one sequence (``zeros(())`` is 0-dim)."""
    return _with_out(_factory('zeros', size, dtype, device, requires_grad, 'zeros'), out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of ones."""
    return _with_out(_factory('ones', size, dtype, device, requires_grad, 'ones'), out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False,
          memory_format=None):
    """An uninitialised tensor."""
    return _with_out(_factory('empty', size, dtype, device, requires_grad, 'empty'), out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with ``fill_value``; its dtype is inferred from the value when not given."""
    return _with_out(_factory('full', (size,) if isinstance(size, int) else tuple(size), dtype, device,
                              requires_grad, 'full', fill_value), out)


def _with_out(result, out):
    if out is None:
        return result
    from ._ops.inplace import copy_into_out  # noqa: PLC0415
    return copy_into_out(out, result)


def _like(fill, input, dtype, device, requires_grad, fill_value=None):
    return _factory(fill, tuple(input._data.shape), dtype or input._dtype, device or input.device, requires_grad,
                    f'{fill}_like', fill_value)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like('zeros', input, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like('ones', input, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like('empty', input, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _like('full', input, dtype, device, requires_grad, fill_value)


def _legacy_new(cls, args, device, dtype=None):
    """``Tensor(2, 3)``, ``Tensor([1, 2])``, ``Tensor()``, ``FloatTensor(...)``: default-dtype tensors."""
    dtype = dtype or dt.get_default_dtype()
    if not args:
        return _finish(numpy.zeros((0,), dtype=dtype.np), device, False)
    if len(args) == 1 and isinstance(args[0], Tensor):
        return args[0].to(dtype) if dtype is not args[0]._dtype else args[0]._alias()
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == 'Size'):
        shape = tuple(args[0]) if len(args) == 1 and not isinstance(args[0], int) else args
        for n in shape:
            if n < 0:
                raise RuntimeError(f'Trying to create tensor with negative dimension {n}: {list(shape)}')
        return _finish(numpy.zeros(shape, dtype=dtype.np), device, False)
    if len(args) == 1:
        data = args[0]
        if isinstance(data, numpy.ndarray):
            return _finish(numpy.array(data, dtype=dtype.np), device, False)
        array = _infer_array(data)
        return _finish(numpy.array(array, dtype=dtype.np), device, False)
    raise TypeError(f'new(): invalid data type {type(args[0]).__name__!r}')


class _LegacyTensorType(_LegacyTypeMeta):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj._dtype is cls._dtype and obj.is_cpu


def _legacy_type(name, d):
    def __new__(cls, *args, device=None):
        return _legacy_new(Tensor, args, device, d)
    return _LegacyTensorType(name, (), {'__new__': __new__, '_dtype': d})


FloatTensor = _legacy_type('FloatTensor', dt.float32)
DoubleTensor = _legacy_type('DoubleTensor', dt.float64)
HalfTensor = _legacy_type('HalfTensor', dt.float16)
BFloat16Tensor = _legacy_type('BFloat16Tensor', dt.bfloat16)
LongTensor = _legacy_type('LongTensor', dt.int64)
IntTensor = _legacy_type('IntTensor', dt.int32)
ShortTensor = _legacy_type('ShortTensor', dt.int16)
CharTensor = _legacy_type('CharTensor', dt.int8)
ByteTensor = _legacy_type('ByteTensor', dt.uint8)
BoolTensor = _legacy_type('BoolTensor', dt.bool)
ComplexFloatTensor = _legacy_type('ComplexFloatTensor', dt.complex64)
ComplexDoubleTensor = _legacy_type('ComplexDoubleTensor', dt.complex128)


# ------------------------------------------------------------------------------------------------ interchange

def from_dlpack(ext_tensor):
    """A tensor sharing memory with any object that implements ``__dlpack__`` (NumPy arrays, torch tensors).

    >>> ember.from_dlpack(numpy.arange(3)).tolist()
    [0, 1, 2]
    """
    if isinstance(ext_tensor, Tensor):
        return ext_tensor
    if not hasattr(ext_tensor, '__dlpack__'):
        raise TypeError(f'from_dlpack: expected an object implementing __dlpack__, got {type(ext_tensor).__name__}')
    device_type, index = ext_tensor.__dlpack_device__()
    if device_type == 1:
        array = numpy.from_dlpack(ext_tensor)
    elif device_type == 2:
        from ._backend import cupy  # noqa: PLC0415
        array = cupy().from_dlpack(ext_tensor)
    else:
        raise RuntimeError(f'from_dlpack: unsupported DLPack device type {device_type}')
    dt.from_numpy_dtype(array.dtype)
    return Tensor._make(array)


def frombuffer(buffer, *, dtype, count=-1, offset=0, requires_grad=False):
    """A 1-D tensor sharing memory with an object that exposes the buffer protocol."""
    d = dt.to_dtype(dtype)
    array = numpy.frombuffer(buffer, dtype=d.np, count=count, offset=offset)
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


# ------------------------------------------------------------------------------------------------ predicates

def is_tensor(obj) -> bool:
    """Whether ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def is_storage(obj) -> bool:
    """Always False: ember has no separate storage objects."""
    return False


def is_floating_point(input) -> bool:
    return input._dtype.is_floating_point


def is_complex(input) -> bool:
    return input._dtype.is_complex


def is_nonzero(input) -> bool:
    """The truth value of a one-element tensor."""
    if input.numel() == 0:
        raise RuntimeError('Boolean value of Tensor with no values is ambiguous')
    if input.numel() > 1:
        raise RuntimeError('Boolean value of Tensor with more than one value is ambiguous')
    return bool(input.item())


def numel(input) -> int:
    return input.numel()


def typename(obj) -> str:
    """``'torch.FloatTensor'`` for tensors, the qualified type name otherwise."""
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    qualname = type(obj).__qualname__
    return qualname if module in ('builtins', '', None) else f'{module}.{qualname}'

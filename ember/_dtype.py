"""ember dtypes and PyTorch's type-promotion rules.

A dtype is an ember object wrapping a NumPy dtype (bfloat16 comes from ml_dtypes). Promotion follows PyTorch, not
NumPy: categories bool < integer < floating < complex; python scalars never upcast a tensor within its category;
0-dim tensors rank below dimensioned ones.
"""
from __future__ import annotations

import builtins

import ml_dtypes
import numpy as np


class dtype:
    """A tensor element type, like ``torch.dtype``.

    >>> ember.float32.is_floating_point
    True
    """

    __slots__ = ('name', 'np', 'itemsize', 'is_floating_point', 'is_complex', 'is_signed', '_rank', '_kind')

    def __init__(self, name: str, np_dtype, kind: int, rank: int):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self._kind = kind  # 0 bool, 1 integer, 2 floating, 3 complex
        self._rank = rank
        self.is_floating_point = kind == 2
        self.is_complex = kind == 3
        self.is_signed = name not in ('bool', 'uint8')

    def __repr__(self):
        return f'torch.{self.name}'

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))

    def to_real(self) -> 'dtype':
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> 'dtype':
        return {float32: complex64, float64: complex128, float16: complex64, bfloat16: complex64}.get(self, self)


bool = dtype('bool', np.bool_, 0, 0)  # noqa: A001 - PyTorch's public name
uint8 = dtype('uint8', np.uint8, 1, 1)
int8 = dtype('int8', np.int8, 1, 1)
int16 = dtype('int16', np.int16, 1, 2)
int32 = dtype('int32', np.int32, 1, 3)
int64 = dtype('int64', np.int64, 1, 4)
float16 = dtype('float16', np.float16, 2, 1)
bfloat16 = dtype('bfloat16', ml_dtypes.bfloat16, 2, 1)
float32 = dtype('float32', np.float32, 2, 2)
float64 = dtype('float64', np.float64, 2, 3)
complex64 = dtype('complex64', np.complex64, 3, 2)
complex128 = dtype('complex128', np.complex128, 3, 3)

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128

ALL = (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64, complex128)
_BY_NAME = {d.name: d for d in ALL}
_FROM_NP = {d.np: d for d in ALL}


def _dtype_by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The ember dtype of a NumPy dtype; TypeError for ones ember has no equivalent of."""
    try:
        return _FROM_NP[np_dtype]
    except KeyError:
        pass
    try:
        return _FROM_NP[np.dtype(np_dtype)]
    except (KeyError, TypeError):
        raise TypeError(f"can't convert np.ndarray of type {np.dtype(np_dtype)}. The only supported types are: "
                        'float64, float32, float16, complex64, complex128, int64, int32, int16, int8, uint8, '
                        'and bool.') from None


def to_dtype(d) -> dtype:
    """Accept an ember dtype, a python type (float, int, bool, complex), a NumPy dtype or a torch-style name."""
    if isinstance(d, dtype):
        return d
    if d is builtins.float:
        return float64
    if d is builtins.int:
        return int64
    if d is builtins.bool:
        return bool
    if d is builtins.complex:
        return complex128
    if isinstance(d, str):
        name = d[6:] if d.startswith('torch.') else d
        aliases = {'float': 'float32', 'double': 'float64', 'half': 'float16', 'long': 'int64', 'int': 'int32',
                   'short': 'int16', 'cfloat': 'complex64', 'cdouble': 'complex128'}
        name = aliases.get(name, name)
        if name in _BY_NAME:
            return _BY_NAME[name]
        raise TypeError(f'invalid dtype: {d!r}')
    return from_numpy_dtype(d)


# ---------------------------------------------------------------------------------------------------------------
# Default dtype

class _Defaults:
    dtype = float32
    complex = complex64


def get_default_dtype() -> dtype:
    """The dtype of tensors made from python floats (``float32`` unless changed)."""
    return _Defaults.dtype


def default_complex() -> dtype:
    """The dtype of tensors made from python complex numbers (PyTorch has none for a bfloat16 default)."""
    if _Defaults.dtype is bfloat16:
        raise RuntimeError('invalid default scalar type for complex')
    return _Defaults.complex


def set_default_dtype(d) -> None:
    """Set the floating dtype used for python floats: ``float32``, ``float64``, ``float16`` or ``bfloat16``."""
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f'only floating-point types are supported as the default type, got {d}')
    _Defaults.dtype = d
    _Defaults.complex = complex128 if d is float64 else complex64


# ---------------------------------------------------------------------------------------------------------------
# Promotion

def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype both promote to, by PyTorch's table.

    >>> ember.promote_types(ember.uint8, ember.int8)
    torch.int16
    """
    if type1 is type2:
        return type1
    return _PROMOTE[type1, type2]


def _compute_promote(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a._kind != b._kind:
        hi, lo = (a, b) if a._kind > b._kind else (b, a)
        if hi._kind == 3 and lo._kind == 2:  # complex with floating keeps the wider value type
            return complex128 if (lo is float64 or hi is complex128) else complex64
        return hi
    if a._kind == 0:
        return a
    if a._kind == 1:
        return from_numpy_dtype(np.promote_types(a.np, b.np))
    if {a, b} == {float16, bfloat16}:
        return float32
    return a if a._rank > b._rank else b


_PROMOTE = {(a, b): _compute_promote(a, b) for a in ALL for b in ALL}


def _scalar_dtype(value) -> dtype:
    if isinstance(value, builtins.bool):
        return bool
    if isinstance(value, builtins.int):
        return int64
    if isinstance(value, builtins.float):
        return _Defaults.dtype
    if isinstance(value, builtins.complex):
        return _Defaults.complex
    if isinstance(value, np.generic):
        return _scalar_dtype(value.item())
    raise TypeError(f'result_type: expected a Tensor or a number, got {type(value).__name__}')


def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher._kind == 3:
        return higher
    if lower._kind == 3:
        return higher.to_complex() if higher._kind == 2 else lower
    if higher._kind == 2:
        return higher
    if higher is bool or lower._kind == 2:
        return promote_types(higher, lower)
    return higher


def result_type(*operands) -> dtype:
    """The dtype PyTorch gives an op over these tensors and scalars.

    >>> ember.result_type(ember.tensor([1, 2], dtype=ember.int32), 1.5)
    torch.float32
    """
    dim_result = zero_result = scalar_result = None
    for operand in operands:
        d = getattr(operand, '_dtype', None)
        if d is None:
            s = _scalar_dtype(operand)
            scalar_result = s if scalar_result is None else promote_types(scalar_result, s)
        elif operand._data.ndim:
            dim_result = d if dim_result is None else promote_types(dim_result, d)
        else:
            zero_result = d if zero_result is None else promote_types(zero_result, d)
    return _combine_categories(dim_result, _combine_categories(zero_result, scalar_result))


def can_cast(from_: dtype, to: dtype) -> bool:
    """Whether casting follows PyTorch's "same kind" rule (no float to int, no complex to real, nothing to bool)."""
    return from_._kind <= to._kind


# ---------------------------------------------------------------------------------------------------------------
# finfo / iinfo

class finfo:
    """Machine limits of a floating dtype: ``bits``, ``eps``, ``max``, ``min``, ``tiny``, ``resolution``.

    >>> ember.finfo(ember.float16).max
    65504.0
    """

    def __init__(self, type=None):  # noqa: A002 - PyTorch's name
        if type is None:
            type = _Defaults.dtype  # noqa: A001
        if not isinstance(type, dtype):
            raise TypeError(f"finfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f'{builtins.type(type).__name__}')
        if type._kind < 2:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        real = type.to_real()
        info = ml_dtypes.finfo(real.np)
        self.dtype = real.name
        self.bits = builtins.int(info.bits)
        self.eps = builtins.float(info.eps)
        self.max = builtins.float(info.max)
        self.min = builtins.float(info.min)
        self.tiny = self.smallest_normal = builtins.float(info.tiny)
        self.resolution = 10.0 ** -builtins.int(info.precision)

    def __repr__(self):
        return (f'finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, '
                f'smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})')


class iinfo:
    """Machine limits of an integer dtype: ``bits``, ``max``, ``min``.

    >>> ember.iinfo(ember.int8).min
    -128
    """

    def __init__(self, type):  # noqa: A002
        if not isinstance(type, dtype):
            raise TypeError(f"iinfo(): argument 'type' (position 1) must be torch.dtype, not "
                            f'{builtins.type(type).__name__}')
        if type is bool:
            raise TypeError('torch.bool is not supported by torch.iinfo')
        if type._kind != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle "
                            "'torch.iinfo'")
        info = np.iinfo(type.np)
        self.dtype = type.name
        self.bits = builtins.int(info.bits)
        self.max = builtins.int(info.max)
        self.min = builtins.int(info.min)

    def __repr__(self):
        return f'iinfo(min={builtins.float(self.min):g}, max={builtins.float(self.max):g}, dtype={self.dtype})'


# ---------------------------------------------------------------------------------------------------------------
# Layouts and memory formats (ember tensors are always strided; formats are accepted and ignored)

class layout:
    """A tensor layout; ember has only ``ember.strided``."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f'torch.{self.name}'

    def __reduce__(self):
        return (_layout_by_name, (self.name,))


class memory_format:
    """A memory format (``contiguous_format``, ``channels_last``, ...); ember keeps every result C-contiguous."""

    __slots__ = ('name',)

    def __init__(self, name: str):
        self.name = name

    def __repr__(self):
        return f'torch.{self.name}'

    def __reduce__(self):
        return (_memory_format_by_name, (self.name,))


strided = layout('strided')
contiguous_format = memory_format('contiguous_format')
preserve_format = memory_format('preserve_format')
channels_last = memory_format('channels_last')
channels_last_3d = memory_format('channels_last_3d')


def _layout_by_name(name):
    return strided


def _memory_format_by_name(name):
    return {f.name: f for f in (contiguous_format, preserve_format, channels_last, channels_last_3d)}[name]

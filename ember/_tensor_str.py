"""Tensor repr in PyTorch's exact format.

Layout rules (all PyTorch's): floats print with ``precision`` digits; when every finite non-zero value is an integer
they print as ``1.`` ("int mode"); scientific notation is used when the largest/smallest finite non-zero magnitudes
differ by more than 1000x, or exceed 1e8 (or, outside int mode, fall below 1e-4). All elements share one width.
Rows wrap to ``linewidth`` and tensors with more than ``threshold`` elements are summarised with ``...`` keeping
``edgeitems`` items at each end of every dimension. Suffixes (device, dtype, grad_fn, requires_grad) follow.
"""
from __future__ import annotations

import contextlib
import math

import numpy

from . import _dtype as dt


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()

_PROFILES = {'default': (4, 1000, 3, 80), 'short': (2, 1000, 2, 80), 'full': (4, math.inf, 3, 80)}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None,
                     sci_mode=None) -> None:
    """Set how tensors print, as ``torch.set_printoptions`` (``profile`` is 'default', 'short' or 'full').

    >>> ember.set_printoptions(precision=2); ember.tensor([1.2345])
    tensor([1.23])
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f'Invalid profile: {profile}. the profile must be one of {list(_PROFILES)}')
        (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems,
         PRINT_OPTS.linewidth) = _PROFILES[profile]
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as a dict (keys of ``set_printoptions``)."""
    return {'precision': PRINT_OPTS.precision, 'threshold': PRINT_OPTS.threshold,
            'edgeitems': PRINT_OPTS.edgeitems, 'linewidth': PRINT_OPTS.linewidth, 'sci_mode': PRINT_OPTS.sci_mode}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily change print options: ``with printoptions(precision=2): ...``."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


class _Formatter:
    """One element width and style for a whole tensor (or for the real or imaginary parts of a complex one)."""

    def __init__(self, array):
        self.floating = array.dtype.kind == 'f'
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        precision = PRINT_OPTS.precision
        flat = array.reshape(-1)
        if not self.floating:
            if flat.size:
                self.max_width = max(1, max(len(str(v)) for v in flat.tolist()))
        else:
            values = flat[numpy.isfinite(flat) & (flat != 0)]
            if values.size == 0:
                return  # PyTorch returns before applying a forced sci_mode here
            magnitudes = numpy.abs(values).astype(numpy.float64)
            low, high = builtins_float(magnitudes.min()), builtins_float(magnitudes.max())
            self.int_mode = builtins_bool(numpy.all(values == numpy.ceil(values)))
            forced = PRINT_OPTS.sci_mode
            self.sci_mode = (high / low > 1000.0 or high > 1.0e8 or low < 1.0e-4) if forced is None else forced
            items = values.tolist()
            if self.sci_mode:
                self.max_width = max(len(f'{v:.{precision}e}') for v in items)
            elif self.int_mode:
                self.max_width = max(len(f'{v:.0f}') + 1 for v in items)
            else:
                self.max_width = max(len(f'{v:.{precision}f}') for v in items)

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        if self.floating:
            if self.sci_mode:
                text = f'{value:{self.max_width}.{PRINT_OPTS.precision}e}'
            elif self.int_mode:
                text = f'{value:.0f}'
                if not (math.isinf(value) or math.isnan(value)):
                    text += '.'
            else:
                text = f'{value:.{PRINT_OPTS.precision}f}'
        else:
            text = f'{value}'
        return (self.max_width - len(text)) * ' ' + text


builtins_float = float
builtins_bool = bool


def _complex_str(value, real_formatter, imag_formatter):
    real = real_formatter.format(value.real)
    imag = (imag_formatter.format(value.imag) + 'j').lstrip()
    return real + imag if imag[0] in '+-' else real + '+' + imag


def _summarized(array):
    """The elements that will be shown (edge items of every dimension) so widths are computed over them only."""
    edge = PRINT_OPTS.edgeitems
    if array.ndim == 0:
        return array
    if array.ndim == 1:
        if array.shape[0] > 2 * edge:
            return numpy.concatenate((array[:edge], array[-edge:] if edge else array[:0]))
        return array
    if not edge:
        return array[(slice(0, 0),) * array.ndim]
    if array.shape[0] > 2 * edge:
        rows = [array[i] for i in range(edge)] + [array[i] for i in range(array.shape[0] - edge, array.shape[0])]
    else:
        rows = list(array)
    return numpy.stack([_summarized(r) for r in rows])


def _vector_str(array, indent, summarize, fmt1, fmt2):
    element_length = fmt1.width() + 2
    if fmt2 is not None:
        element_length += fmt2.width() + 1
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / element_length)))

    def one(value):
        return _complex_str(value, fmt1, fmt2) if fmt2 is not None else fmt1.format(value)

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ['...']
    elif summarize and array.shape[0] > 2 * edge:
        data = [one(v) for v in array[:edge].tolist()] + [' ...'] + [one(v) for v in array[-edge:].tolist()]
    else:
        data = [one(v) for v in array.tolist()]
    lines = [', '.join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return '[' + (',\n' + ' ' * (indent + 1)).join(lines) + ']'


def _str_with_formatter(array, indent, summarize, fmt1, fmt2=None):
    ndim = array.ndim
    if ndim == 0:
        value = array.item()
        return _complex_str(value, fmt1, fmt2) if fmt2 is not None else fmt1.format(value)
    if ndim == 1:
        return _vector_str(array, indent, summarize, fmt1, fmt2)
    edge = PRINT_OPTS.edgeitems
    n = array.shape[0]
    if summarize and n > 2 * edge:
        slices = ([_str_with_formatter(array[i], indent + 1, summarize, fmt1, fmt2) for i in range(edge)] + ['...']
                  + [_str_with_formatter(array[i], indent + 1, summarize, fmt1, fmt2) for i in range(n - edge, n)])
    else:
        slices = [_str_with_formatter(array[i], indent + 1, summarize, fmt1, fmt2) for i in range(n)]
    return '[' + (',' + '\n' * (ndim - 1) + ' ' * (indent + 1)).join(slices) + ']'


def _tensor_str(array, indent):
    if array.size == 0:
        return '[]'
    summarize = array.size > PRINT_OPTS.threshold
    if array.dtype.kind == 'f' and array.dtype.itemsize < 4 or array.dtype == dt.bfloat16.np:
        array = array.astype(numpy.float32)
    if array.dtype.kind == 'c':
        real, imag = array.real, array.imag
        fmt_real = _Formatter(_summarized(real) if summarize else real)
        fmt_imag = _Formatter(_summarized(imag) if summarize else imag)
        return _str_with_formatter(array, indent, summarize, fmt_real, fmt_imag)
    return _str_with_formatter(array, indent, summarize, _Formatter(_summarized(array) if summarize else array))


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    last_line_len = len(text) - text.rfind('\n') + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(',\n' + ' ' * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(', ' + suffix)
            last_line_len += len(suffix) + 2
    parts.append(')')
    return ''.join(parts)


def tensor_repr(t, tensor_contents=None) -> str:
    """``repr(t)`` exactly as PyTorch writes it."""
    from ._backend import to_device  # noqa: PLC0415
    from ._creation import get_default_device  # noqa: PLC0415
    from ._device import CPU  # noqa: PLC0415
    prefix = 'tensor(' if t._is_param or type(t).__name__ == 'Tensor' else f'{type(t).__name__}('
    indent = len(prefix)
    suffixes = []
    device = t.device
    if device.type != get_default_device().type or (device.type == 'cuda' and device.index != 0):
        suffixes.append(f"device='{device}'")
    dtype = t._dtype
    default_dtype = dt.get_default_dtype()
    array = t._data
    if array.size == 0:
        if array.ndim != 1:
            suffixes.append(f'size={tuple(array.shape)}')
        if dtype is not default_dtype:
            suffixes.append(f'dtype={dtype}')
        body = '[]' if tensor_contents is None else tensor_contents
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f'size={tuple(array.shape)}')
        if dtype not in (default_dtype, dt._Defaults.complex, dt.int64, dt.bool):
            suffixes.append(f'dtype={dtype}')
        body = _tensor_str(to_device(array, CPU), indent) if tensor_contents is None else tensor_contents
    if t._grad_fn is not None:
        suffixes.append(f'grad_fn=<{t._grad_fn.name()}>')
    elif t._requires_grad:
        suffixes.append('requires_grad=True')
    return _add_suffixes(prefix + body, suffixes, indent)

"""Host memory: keep freed array memory in the process for reuse (glibc's malloc tunables), as a caching allocator.

A training step allocates and frees the same large arrays every iteration. glibc's malloc serves blocks above its
mmap threshold (128 KiB, raised adaptively) with fresh ``mmap`` pages and trims freed heap memory back to the OS,
so each step pays a page fault per 4 KiB it touches again (measured: ~3,000 faults and 6 ms of a 20 ms LeNet step).
``tune()`` (called once on ``import ember``) raises the mmap threshold to 32 MiB and the trim threshold to 1 GiB,
so freed blocks are reused instead: the process's resident size then stays near its peak, as with PyTorch's CUDA
caching allocator. It does nothing off glibc, when ``EMBER_MALLOC_TUNING=0``, or when the user set glibc's own
``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_`` (their choice wins).
"""
from __future__ import annotations

import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20   # glibc's largest allowed value on 64-bit
TRIM_THRESHOLD = 1 << 30

tuned = False


def tune() -> bool:
    """Apply the tunables once; True when they are in effect."""
    global tuned
    if tuned:
        return True
    if not sys.platform.startswith('linux') or os.environ.get('EMBER_MALLOC_TUNING', '1') == '0' or \
            'MALLOC_MMAP_THRESHOLD_' in os.environ or 'MALLOC_TRIM_THRESHOLD_' in os.environ:
        return False
    try:
        import ctypes  # noqa: PLC0415 - NumPy has imported it already
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
        if not hasattr(libc, 'gnu_get_libc_version'):  # musl and others: no glibc tunables
            return False
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    tuned = bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
    return tuned

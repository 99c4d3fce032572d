"""CPU threads: ``torch.set_num_threads`` / ``get_num_threads`` and their inter-op twins.

ember's parallel work on the CPU is NumPy's BLAS (matmul, convolution's GEMMs); its elementwise passes are
single-threaded (splitting convolution and pooling passes into batch slabs on two threads measured 5-10% slower
on a 2-core machine, contending with the BLAS threads). So the intra-op thread count is the BLAS's:
``set_num_threads`` sets it in NumPy's bundled OpenBLAS when that library is found, and ``get_num_threads``
reports it. The inter-op count is recorded only (ember runs ops one after another).

>>> n = get_num_threads()
>>> set_num_threads(n)
"""
from __future__ import annotations

import glob
import os

__all__ = ['get_num_threads', 'set_num_threads', 'get_num_interop_threads', 'set_num_interop_threads']

_SETTERS = ('scipy_openblas_set_num_threads64_', 'scipy_openblas_set_num_threads', 'openblas_set_num_threads64_',
            'openblas_set_num_threads')
_GETTERS = ('scipy_openblas_get_num_threads64_', 'scipy_openblas_get_num_threads', 'openblas_get_num_threads64_',
            'openblas_get_num_threads')
_blas = None        # (setter, getter) of NumPy's OpenBLAS, () when not found
_threads = None     # the count set through set_num_threads when no BLAS hook exists
_interop = None


def _openblas():
    """The set/get functions of the OpenBLAS that NumPy's wheel bundles (already loaded), or ()."""
    global _blas
    if _blas is None:
        _blas = ()
        try:
            import ctypes  # noqa: PLC0415

            import numpy  # noqa: PLC0415
            root = os.path.dirname(os.path.dirname(numpy.__file__))
            for path in sorted(glob.glob(os.path.join(root, 'numpy.libs', '*openblas*'))):
                lib = ctypes.CDLL(path)
                setter = next((getattr(lib, n) for n in _SETTERS if hasattr(lib, n)), None)
                getter = next((getattr(lib, n) for n in _GETTERS if hasattr(lib, n)), None)
                if setter is not None and getter is not None:
                    setter.argtypes, getter.restype = (ctypes.c_int,), ctypes.c_int
                    _blas = (setter, getter)
                    break
        except (OSError, AttributeError, ImportError):
            _blas = ()
    return _blas


def _default_threads():
    for name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        value = os.environ.get(name, '')
        if value.isdigit() and int(value) > 0:
            return int(value)
    return os.cpu_count() or 1


def _check(name, num):
    if isinstance(num, bool) or not isinstance(num, int):
        raise RuntimeError(f'{name} expects an int, but got {type(num).__name__}')


def get_num_threads() -> int:
    """The number of threads used for intra-op parallelism on the CPU (NumPy's BLAS threads)."""
    blas = _openblas()
    if blas:
        return int(blas[1]())
    return _threads if _threads is not None else _default_threads()


def set_num_threads(num: int) -> None:
    """Set the number of threads for intra-op parallelism on the CPU (NumPy's BLAS threads, where found)."""
    global _threads
    _check('set_num_threads', num)
    if num <= 0:
        raise RuntimeError('set_num_threads expects a positive integer')
    blas = _openblas()
    if blas:
        blas[0](num)
    _threads = num


def get_num_interop_threads() -> int:
    """The inter-op thread count (recorded only: ember runs ops one after another)."""
    return _interop if _interop is not None else _default_threads()


def set_num_interop_threads(num: int) -> None:
    """Record the inter-op thread count; as in PyTorch, it can be set once."""
    global _interop
    _check('set_num_interop_threads', num)
    if num <= 0:
        raise RuntimeError('Expected positive number of threads')
    if _interop is not None:
        raise RuntimeError('Error: cannot set number of interop threads after parallel work has started or '
                           'set_num_interop_threads called')
    _interop = num

"""ember: PyTorch, written in Python, over NumPy (CPU) and CuPy (CUDA).

>>> import ember as torch
>>> x = torch.tensor([1., 2.], requires_grad=True)
>>> (x ** 2).sum().backward(); x.grad
tensor([2., 4.])
"""
from __future__ import annotations

__version__ = '0.1.0'

from ._dtype import (  # noqa: F401
    bfloat16, bool, can_cast, cdouble, cfloat, complex64, complex128, double, dtype, finfo, float, float16, float32,
    float64, get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long, promote_types, result_type,
    set_default_dtype, short, uint8,
)
from ._device import device  # noqa: F401
from ._size import Size  # noqa: F401
from ._tensor import Tensor  # noqa: F401
from ._creation import (  # noqa: F401
    BFloat16Tensor, BoolTensor, ByteTensor, CharTensor, ComplexDoubleTensor, ComplexFloatTensor, DoubleTensor,
    FloatTensor, HalfTensor, IntTensor, LongTensor, ShortTensor, as_tensor, asarray, empty, empty_like,
    from_dlpack, from_numpy, frombuffer, full, full_like, get_default_device, is_complex, is_floating_point,
    is_nonzero, is_storage, is_tensor, numel, ones, ones_like, set_default_device, tensor, typename, zeros,
    zeros_like,
)
from ._dtype import (  # noqa: F401
    channels_last, channels_last_3d, contiguous_format, layout, memory_format, preserve_format, strided,
)
from ._random import (  # noqa: F401
    Generator, default_generator, get_rng_state, initial_seed, manual_seed, seed, set_rng_state,
)
from ._tensor_str import set_printoptions  # noqa: F401
from ._backend import host_memory as _host_memory  # noqa: F401
from ._backend.threads import (  # noqa: F401
    get_num_interop_threads, get_num_threads, set_num_interop_threads, set_num_threads)
from ._ops.creation_more import *  # noqa: F401,F403 - arange, linspace, eye, meshgrid, ...
from math import e, inf, nan, pi  # noqa: F401,E402 - torch.e, torch.pi, torch.inf, torch.nan
from .autograd.grad_mode import (  # noqa: F401
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad, set_grad_enabled,
)
from . import autograd  # noqa: F401
from .autograd import is_anomaly_check_nan_enabled, is_anomaly_enabled  # noqa: F401
from ._functions import *  # noqa: F401,F403 - the torch.* op namespace, gathered from the op families
from . import linalg  # noqa: E402,F401
from . import random  # noqa: E402,F401 - ember.random (torch.random): seeding and fork_rng
from . import return_types  # noqa: E402,F401
from . import accelerator, amp, backends, cuda, version  # noqa: E402,F401
from .amp import autocast  # noqa: E402,F401

import warnings as _warnings  # noqa: E402

# PyTorch computes log(0) = -inf and 0/0 = nan silently; NumPy warns. Silence NumPy's floating-point warnings raised
# inside ember's own modules only (a filter by module: the user's NumPy code keeps its warnings, and no per-op
# errstate context is paid on the hot path).
_warnings.filterwarnings('ignore', category=RuntimeWarning, module=r'ember\.')

_host_memory.tune()  # freed arrays are reused rather than returned to the OS and faulted in again each step

# Submodules a training script reaches for but `import ember` need not load: imported on first use (PEP 562), which
# keeps `import ember` quick. `import ember.optim` and `from ember import optim` work as usual.
_LAZY_MODULES = ('nn', 'optim', 'utils', 'serialization', 'vision')


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """``torch.save``: ``obj`` in PyTorch's checkpoint format, written atomically (``ember.serialization.save``)."""
    from .serialization import save as _save  # noqa: PLC0415
    return _save(obj, f, pickle_module, pickle_protocol, _use_new_zipfile_serialization, _disable_byteorder_record)


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """``torch.load``: a checkpoint of ember or PyTorch, safely unpickled by default (``ember.serialization.load``)."""
    from .serialization import load as _load  # noqa: PLC0415
    return _load(f, map_location, pickle_module, weights_only=weights_only, mmap=mmap, **pickle_load_args)


def compile(model=None, *, fullgraph: bool = False, dynamic=None, backend='inductor', mode=None, options=None,
            disable: bool = False):  # noqa: A001 - torch.compile
    """``torch.compile``: trace, guard and replay a fused plan (``ember._compile.compile``)."""
    from ._compile import compile as _compile  # noqa: PLC0415
    return _compile(model, fullgraph=fullgraph, dynamic=dynamic, backend=backend, mode=mode, options=options,
                    disable=disable)


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib  # noqa: PLC0415
        return importlib.import_module(f'{__name__}.{name}')
    raise AttributeError(f"module 'ember' has no attribute '{name}'")

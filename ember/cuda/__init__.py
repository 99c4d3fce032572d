"""ember.cuda: the CUDA device API over CuPy (an optional extra: ``pip install ember[cuda]``).

Nothing here imports CuPy until a function needs the GPU; on a machine without one, ``is_available()`` is False,
``device_count()`` is 0, and calls that need a device raise PyTorch's RuntimeError.
"""
from __future__ import annotations

import contextlib

from .._backend import cuda_available, cupy
from .._device import device as _device

__all__ = ['is_available', 'device_count', 'current_device', 'set_device', 'device', 'get_device_name',
           'get_device_properties', 'get_device_capability', 'is_bf16_supported', 'synchronize', 'manual_seed',
           'manual_seed_all', 'seed', 'seed_all', 'initial_seed', 'get_rng_state', 'set_rng_state',
           'memory_allocated', 'max_memory_allocated', 'memory_reserved', 'max_memory_reserved',
           'reset_peak_memory_stats', 'empty_cache', 'mem_get_info', 'Stream', 'Event', 'stream', 'current_stream',
           'default_stream', 'is_initialized', 'init', 'amp']

_peak = {}


def is_available() -> bool:
    """True when CuPy is installed and sees at least one NVIDIA GPU."""
    return cuda_available()


def is_initialized() -> bool:
    return is_available()


def init() -> None:
    cupy()


def device_count() -> int:
    if not is_available():
        return 0
    return int(cupy().cuda.runtime.getDeviceCount())


def current_device() -> int:
    return int(cupy().cuda.runtime.getDevice())


def _index(dev) -> int:
    if dev is None:
        return current_device()
    if isinstance(dev, int):
        return dev
    dev = _device(dev)
    if dev.type != 'cuda':
        raise ValueError(f'Expected a cuda device, but got: {dev}')
    return dev.index if dev.index is not None else current_device()


def set_device(dev) -> None:
    index = _index(dev)
    if index >= 0:
        cupy().cuda.Device(index).use()


class device:
    """Context manager that makes ``dev`` the current CUDA device."""

    def __init__(self, dev):
        self.idx = _index(dev) if dev is not None and dev != -1 else -1
        self.prev_idx = -1

    def __enter__(self):
        if self.idx >= 0:
            self.prev_idx = current_device()
            set_device(self.idx)
        return self

    def __exit__(self, *exc):
        if self.prev_idx >= 0:
            set_device(self.prev_idx)
        return False


def _properties(dev=None):
    return cupy().cuda.runtime.getDeviceProperties(_index(dev))


class _DeviceProperties:
    def __init__(self, props):
        name = props['name']
        self.name = name.decode() if isinstance(name, bytes) else name
        self.major, self.minor = props['major'], props['minor']
        self.total_memory = props['totalGlobalMem']
        self.multi_processor_count = props['multiProcessorCount']

    def __repr__(self):
        return (f"_CudaDeviceProperties(name='{self.name}', major={self.major}, minor={self.minor}, "
                f'total_memory={self.total_memory // (1024 * 1024)}MB, '
                f'multi_processor_count={self.multi_processor_count})')


def get_device_properties(dev=None):
    return _DeviceProperties(_properties(dev))


def get_device_name(dev=None) -> str:
    return get_device_properties(dev).name


def get_device_capability(dev=None):
    props = _properties(dev)
    return props['major'], props['minor']


def is_bf16_supported(including_emulation: bool = True) -> bool:
    return is_available() and get_device_capability()[0] >= 8


def synchronize(dev=None) -> None:
    with device(dev):
        cupy().cuda.runtime.deviceSynchronize()


def manual_seed(seed: int) -> None:
    """Seed the current GPU's generator (does nothing without a GPU, as in PyTorch)."""
    if is_available():
        cupy().random.seed(int(seed) % 2 ** 32)


def manual_seed_all(seed: int) -> None:
    for i in range(device_count()):
        with device(i):
            manual_seed(seed)


def seed() -> None:
    import random  # noqa: PLC0415
    manual_seed(random.getrandbits(32))


def seed_all() -> None:
    import random  # noqa: PLC0415
    manual_seed_all(random.getrandbits(32))


def initial_seed() -> int:
    raise RuntimeError('ember.cuda.initial_seed: ember keeps no separate CUDA seed record; use ember.initial_seed()')


def get_rng_state(dev='cuda'):
    import numpy  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    state = cupy().random.get_random_state()
    return Tensor._make(numpy.frombuffer(repr(state).encode(), dtype=numpy.uint8).copy())


def set_rng_state(new_state, dev='cuda') -> None:
    raise RuntimeError('ember.cuda.set_rng_state: restoring a CuPy generator state is not supported; reseed with '
                       'ember.cuda.manual_seed')


def _pool():
    return cupy().get_default_memory_pool()


def memory_allocated(dev=None) -> int:
    if not is_available():
        return 0
    used = int(_pool().used_bytes())
    key = _index(dev)
    _peak[key] = max(_peak.get(key, 0), used)
    return used


def max_memory_allocated(dev=None) -> int:
    memory_allocated(dev)
    return _peak.get(_index(dev), 0) if is_available() else 0


def memory_reserved(dev=None) -> int:
    return int(_pool().total_bytes()) if is_available() else 0


max_memory_reserved = memory_reserved


def reset_peak_memory_stats(dev=None) -> None:
    if is_available():
        _peak[_index(dev)] = int(_pool().used_bytes())


def empty_cache() -> None:
    if is_available():
        _pool().free_all_blocks()


def mem_get_info(dev=None):
    with device(dev):
        free, total = cupy().cuda.runtime.memGetInfo()
    return int(free), int(total)


class Stream:
    """A CUDA stream (a CuPy stream underneath); usable as a context manager."""

    def __init__(self, device=None, priority=0, **kwargs):
        self._stream = cupy().cuda.Stream(non_blocking=True)

    def synchronize(self):
        self._stream.synchronize()

    def query(self) -> bool:
        return self._stream.done

    def wait_stream(self, other):
        self._stream.wait_event(other._stream.record())

    def record_event(self, event=None):
        event = event or Event()
        event.record(self)
        return event

    def __enter__(self):
        self._stream.__enter__()
        return self

    def __exit__(self, *exc):
        return self._stream.__exit__(*exc)


class Event:
    """A CUDA event for timing (``enable_timing=True``) and synchronisation."""

    def __init__(self, enable_timing=False, blocking=False, interprocess=False):
        self._event = cupy().cuda.Event(block=blocking, disable_timing=not enable_timing)

    def record(self, stream=None):
        self._event.record(stream._stream if stream is not None else None)

    def synchronize(self):
        self._event.synchronize()

    def query(self) -> bool:
        return self._event.done

    def elapsed_time(self, end_event) -> float:
        return float(cupy().cuda.get_elapsed_time(self._event, end_event._event))

    def wait(self, stream=None):
        (stream._stream if stream is not None else cupy().cuda.get_current_stream()).wait_event(self._event)


@contextlib.contextmanager
def stream(s):
    """Make ``s`` the current stream inside the block (None: no change)."""
    if s is None:
        yield
        return
    with s:
        yield


def current_stream(dev=None):
    s = Stream.__new__(Stream)
    s._stream = cupy().cuda.get_current_stream()
    return s


def default_stream(dev=None):
    s = Stream.__new__(Stream)
    s._stream = cupy().cuda.Stream.null
    return s


from . import amp  # noqa: E402

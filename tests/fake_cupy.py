"""A CuPy look-alike over NumPy, for testing ember's CUDA plumbing on machines without a GPU (test-only).

``FakeCudaArray`` is a ``numpy.ndarray`` subclass that says it lives on ``cuda:0`` (``.device.id``, ``.get()``,
``.data.ptr``) and, like ``cupy.ndarray``, refuses to mix with host arrays: a plain ``numpy.ndarray`` (of any ndim,
as CuPy's kernels reject 0-dim NumPy arrays too) or a list given to a ufunc or a function alongside device arrays
raises ``TypeError``. NumPy scalars and Python numbers are fine, as in CuPy.

``module`` is the stand-in for the ``cupy`` module: NumPy's functions with their results moved "onto the device",
limited to the names, keyword arguments and ufunc methods that CuPy 14 has (``errstate``, ``argsort(stable=)``,
``maximum.accumulate`` fail here as they would on a GPU), plus ``cuda.Device``/``runtime``/``Stream``/``Event``,
``asnumpy``, ``get_array_module`` and memory pools. Kernels (``ElementwiseKernel``, ``RawKernel``, ``fuse``) raise
``NotImplementedError``.

>>> import fake_cupy
>>> x = fake_cupy.module.arange(3)
>>> (x + 1).get().tolist(), x.device.id
([1, 2, 3], 0)
"""
from __future__ import annotations

import contextlib
import types

import numpy

__all__ = ['FakeCudaArray', 'module', 'cupyx', 'is_device_array', 'devices']

_ndarray = numpy.ndarray


def _quiet():
    return numpy.errstate(all='ignore')  # CuPy never warns about inf/nan (a fresh one: errstate is not reentrant)

# Names NumPy has and CuPy 14.2 does not (the ones an op file could plausibly reach for).
_NOT_IN_CUPY = frozenset((
    'asmatrix block bmat bytes_ char character clongdouble complex256 core ctypeslib datetime64 dtypes einsum_path '
    'emath errstate flexible float128 frompyfunc fromregex geomspace getbufsize geterr geterrcall '
    'histogram_bin_edges insert isnat longdouble ma matrix matvec memmap nanpercentile nanquantile ndenumerate '
    'nditer nested_iters object_ polyder polydiv polyint rec recarray record setbufsize seterr seterrcall spacing '
    'str_ strings timedelta64 typecodes unstack vecdot vecmat void frombuffer fromiter fromstring fromfile '
    'loadtxt genfromtxt save load savez').split())

# CuPy 14.2's parameter names for functions whose signature is narrower than NumPy's (keyword misuse raises here).
_CUPY_PARAMS = {
    'all': 'a axis out keepdims', 'any': 'a axis out keepdims', 'amax': 'a axis out keepdims',
    'amin': 'a axis out keepdims', 'max': 'a axis out keepdims', 'min': 'a axis out keepdims',
    'nanmax': 'a axis out keepdims', 'nanmin': 'a axis out keepdims', 'arange': 'start stop step dtype',
    'argmax': 'a axis dtype out keepdims', 'argmin': 'a axis dtype out keepdims', 'argsort': 'a axis kind',
    'sort': 'a axis kind', 'argpartition': 'a kth axis', 'partition': 'a kth axis', 'around': 'a decimals out',
    'round': 'a decimals out', 'array': 'obj dtype copy order subok ndmin blocking',
    'asarray': 'a dtype order copy blocking', 'ascontiguousarray': 'a dtype', 'bincount': 'x weights minlength',
    'broadcast_to': 'array shape', 'clip': 'a a_min a_max out', 'concatenate': 'tup axis out dtype casting',
    'stack': 'tup axis out dtype casting', 'copyto': 'dst src casting where', 'count_nonzero': 'a axis',
    'cross': 'a b axisa axisb axisc axis', 'cumprod': 'a axis dtype out', 'cumsum': 'a axis dtype out',
    'diag': 'v k', 'diagonal': 'a offset axis1 axis2', 'diff': 'a n axis prepend append', 'dot': 'a b out',
    'empty': 'shape dtype order', 'zeros': 'shape dtype order', 'ones': 'shape dtype order',
    'full': 'shape fill_value dtype order', 'empty_like': 'prototype dtype order subok shape',
    'zeros_like': 'a dtype order subok shape', 'ones_like': 'a dtype order subok shape',
    'full_like': 'a fill_value dtype order subok shape', 'expand_dims': 'a axis', 'eye': 'N M k dtype order',
    'flip': 'a axis', 'isclose': 'a b rtol atol equal_nan', 'allclose': 'a b rtol atol equal_nan',
    'isneginf': 'x out', 'isposinf': 'x out', 'kron': 'a b',
    'linspace': 'start stop num endpoint retstep dtype axis', 'mean': 'a axis dtype out keepdims',
    'median': 'a axis out overwrite_input keepdims', 'moveaxis': 'a source destination',
    'nan_to_num': 'x copy nan posinf neginf', 'nansum': 'a axis dtype out keepdims', 'nonzero': 'a',
    'outer': 'a b out', 'prod': 'a axis dtype out keepdims', 'sum': 'a axis dtype out keepdims',
    'std': 'a axis dtype out ddof keepdims', 'var': 'a axis dtype out ddof keepdims', 'put': 'a ind v mode',
    'put_along_axis': 'arr indices values axis', 'take_along_axis': 'a indices axis', 'take': 'a indices axis out',
    'quantile': 'a q axis out overwrite_input method keepdims interpolation', 'ravel': 'a order',
    'repeat': 'a repeats axis', 'reshape': 'a newshape order copy', 'roll': 'a shift axis', 'rot90': 'a k axes',
    'searchsorted': 'a v side sorter', 'split': 'ary indices_or_sections axis', 'squeeze': 'a axis',
    'swapaxes': 'a axis1 axis2', 'tensordot': 'a b axes', 'tile': 'A reps', 'trace': 'a offset axis1 axis2 dtype out',
    'transpose': 'a axes', 'tril': 'm k', 'triu': 'm k', 'where': 'condition x y',
    'unique': 'ar return_index return_inverse return_counts axis equal_nan', 'unravel_index': 'indices dims order',
    'linalg.cholesky': 'a', 'linalg.det': 'a', 'linalg.eigh': 'a UPLO', 'linalg.eigvalsh': 'a UPLO',
    'linalg.inv': 'a', 'linalg.matrix_rank': 'M tol', 'linalg.norm': 'x ord axis keepdims', 'linalg.qr': 'a mode',
    'linalg.slogdet': 'a', 'linalg.solve': 'a b', 'linalg.svd': 'a full_matrices compute_uv',
    'lib.stride_tricks.as_strided': 'x shape strides',
}
_CUPY_PARAMS = {name: frozenset(params.split()) for name, params in _CUPY_PARAMS.items()}

# Ufunc methods CuPy implements: reduce/accumulate for add and multiply, reduceat for add, at for scatter ops.
_UFUNC_METHODS = {'reduce': {'add', 'multiply'}, 'accumulate': {'add', 'multiply'}, 'reduceat': {'add'},
                  'at': {'add', 'subtract', 'maximum', 'minimum', 'bitwise_and', 'bitwise_or', 'bitwise_xor'}}
_UFUNC_KWARGS = frozenset(('out', 'dtype', 'casting', '_where'))
# Functions that copy host data onto the device (or read it back), so host arrays are allowed.
_HOST_OK = frozenset(('asarray', 'array', 'asanyarray', 'asnumpy', 'get_array_module', 'result_type',
                      'broadcast_shapes', 'from_dlpack', 'fromDlpack', 'isscalar', 'ndim', 'shape', 'size',
                      'can_cast', 'min_scalar_type', 'promote_types', 'dtype', 'iinfo', 'finfo'))


def is_device_array(x) -> bool:
    return isinstance(x, FakeCudaArray)


def _host_arrays(values):
    """Plain ndarrays (and lists, which CuPy does not accept either) among ``values``, one level into sequences."""
    for v in values:
        if type(v) is _ndarray:
            yield v
        elif type(v) in (list, tuple):
            for item in v:
                if type(item) is _ndarray:
                    yield item


def _reject_host(where, values):
    for v in _host_arrays(values):
        raise TypeError(f'Unsupported type {type(v)} (fake cupy: a host numpy.ndarray of shape {v.shape} reached '
                        f'{where} alongside device arrays; NumPy and CuPy arrays never mix)')


def _strip(x):
    if isinstance(x, FakeCudaArray):
        return x.view(_ndarray)
    if type(x) in (list, tuple):
        return type(x)(_strip(item) for item in x)
    return x


def _wrap(x):
    """Results onto the 'device': ndarrays become FakeCudaArray, NumPy scalars 0-dim FakeCudaArray (CuPy never
    returns NumPy scalars from array functions)."""
    if type(x) is _ndarray:
        return x.view(FakeCudaArray)
    if isinstance(x, FakeCudaArray):
        return x
    if isinstance(x, numpy.generic):
        return numpy.asarray(x).view(FakeCudaArray)
    if isinstance(x, tuple):
        return tuple(_wrap(item) for item in x)  # CuPy returns plain tuples where NumPy has named ones
    if type(x) is list:
        return [_wrap(item) for item in x]
    return x


class _Device:
    """``cupy.cuda.Device``: ``with Device(i):`` makes device i current; ``.id``; ``.use()``."""

    current = 0
    count = 1

    def __init__(self, device=None):
        if device is None:
            device = _Device.current
        if isinstance(device, _Device):
            device = device.id
        device = int(device)
        if not 0 <= device < _Device.count:
            raise RuntimeError(f'cudaErrorInvalidDevice: invalid device ordinal ({device})')
        self.id = device
        self._prev = []

    def use(self):
        _Device.current = self.id

    def synchronize(self):
        pass

    @property
    def compute_capability(self):
        return '90'

    def __enter__(self):
        self._prev.append(_Device.current)
        _Device.current = self.id
        return self

    def __exit__(self, *exc):
        _Device.current = self._prev.pop()
        return False

    def __eq__(self, other):
        return isinstance(other, _Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f'<CUDA Device {self.id}>'


class _MemoryPointer:
    def __init__(self, ptr, device_id):
        self.ptr = ptr
        self.device_id = device_id


class FakeCudaArray(numpy.ndarray):
    """A NumPy array that plays a ``cupy.ndarray`` on ``cuda:0``."""

    __array_priority__ = 100

    @property
    def device(self):
        return _Device(0)

    @property
    def data(self):
        return _MemoryPointer(self.__array_interface__['data'][0], 0)

    def get(self, stream=None, order='C', out=None, blocking=True):
        """Copy to the host: a plain NumPy array."""
        host = numpy.array(self.view(_ndarray), order=order, copy=True)
        if out is not None:
            out[...] = host
            return out
        return host

    def set(self, arr, stream=None):
        if type(arr) is not _ndarray:
            raise TypeError(f'Only numpy.ndarray can be set to cupy.ndarray, got {type(arr)}')
        self.view(_ndarray)[...] = arr

    # NumPy-only members cupy.ndarray lacks: absent here too, so a host-only call shows up in the tests.
    @property
    def __array_namespace__(self):
        raise AttributeError("'cupy.ndarray' object has no attribute '__array_namespace__'")

    @property
    def ctypes(self):
        raise AttributeError("'cupy.ndarray' object has no attribute 'ctypes'")

    def resize(self, *args, **kwargs):
        raise AttributeError("'cupy.ndarray' object has no attribute 'resize'")

    def to_device(self, *args, **kwargs):
        raise AttributeError("'cupy.ndarray' object has no attribute 'to_device'")

    @property
    def __cuda_array_interface__(self):
        return self.__array_interface__

    def __dlpack_device__(self):
        return (2, 0)  # kDLCUDA, device 0

    def __dlpack__(self, *args, **kwargs):
        raise NotImplementedError('fake cupy: DLPack export of a device array is not simulated')

    def __setitem__(self, key, value):
        # CuPy copies index arrays to the device itself, but a host array as the *value* is an error.
        if type(value) is _ndarray and value.ndim:
            _reject_host('cupy.ndarray.__setitem__', (value,))
        super().__setitem__(key, _strip(value))

    def diagonal(self, offset=0, axis1=0, axis2=1):
        view = self.view(_ndarray).diagonal(offset, axis1, axis2)
        if self.flags.writeable:
            view.flags.writeable = True  # CuPy's diagonal is a writeable view (NumPy's is read-only)
        return view.view(FakeCudaArray)

    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        _reject_host(f'numpy.{ufunc.__name__}.{method}', inputs + (out or ()))
        args = [_strip(x) for x in inputs]
        if out is not None:
            kwargs['out'] = tuple(_strip(o) for o in out)
        with _quiet():
            result = getattr(ufunc, method)(*args, **kwargs)
        if method == 'at':
            return None
        if out is not None:
            return out[0] if len(out) == 1 else out
        return _wrap(result)

    def __array_function__(self, func, types_, args, kwargs):
        # as cupy.ndarray: NumPy functions dispatch to the cupy function of the same name, or fail
        name = func.__name__
        where = func.__module__ or ''
        target = module
        if where.endswith('linalg'):
            target = module.linalg
        elif where.endswith('fft'):
            target = module.fft
        try:
            impl = getattr(target, name)
        except AttributeError:
            return NotImplemented
        return impl(*args, **kwargs)

    def __repr__(self):
        return f'fake_cuda_array({self.view(_ndarray)!r})'


def _device_method(name):
    # NumPy methods of a subclass can return base-class arrays (nonzero) or NumPy scalars (sum); CuPy's return
    # device arrays, 0-dim for full reductions.
    numpy_method = getattr(_ndarray, name)

    def method(self, *args, **kwargs):
        with _quiet():
            result = numpy_method(self.view(_ndarray), *[_strip(a) for a in args],
                                  **{k: _strip(v) for k, v in kwargs.items()})
        out = kwargs.get('out')
        return out if out is not None else _wrap(result)
    method.__name__ = name
    return method


for _name in ('all any argmax argmin max min mean prod std sum var nonzero argsort searchsorted take round clip '
              'cumsum cumprod trace dot repeat compress').split():
    setattr(FakeCudaArray, _name, _device_method(_name))


class _Ufunc:
    """A ufunc as CuPy has it: device arrays and scalars in, keyword arguments out/dtype/casting only, and the
    reduce/accumulate/at methods only where CuPy implements them."""

    def __init__(self, ufunc):
        self._ufunc = ufunc
        self.__name__ = ufunc.__name__
        self.nin, self.nout, self.nargs = ufunc.nin, ufunc.nout, ufunc.nargs

    def __call__(self, *args, **kwargs):
        bad = set(kwargs) - _UFUNC_KWARGS
        if bad:
            raise TypeError(f'Wrong arguments {dict((k, kwargs[k]) for k in bad)}')
        _reject_host(f'cupy.{self.__name__}', args + tuple(v for v in kwargs.values() if v is not None))
        for a in args:
            if type(a) in (list, tuple):
                raise TypeError(f'Unsupported type {type(a)}')
        if '_where' in kwargs:
            kwargs['where'] = kwargs.pop('_where')
        out = kwargs.get('out')
        if out is not None:
            kwargs['out'] = _strip(out)
        with _quiet():
            result = self._ufunc(*[_strip(a) for a in args], **kwargs)
        if out is not None:
            return out
        return _wrap(result)

    def _method(self, method):
        if self.__name__ not in _UFUNC_METHODS[method]:
            raise NotImplementedError(f'`cupy_{self.__name__}.{method}` is not supported yet')
        numpy_method = getattr(self._ufunc, method)

        def call(*args, **kwargs):
            _reject_host(f'cupy.{self.__name__}.{method}', args)
            result = numpy_method(*[_strip(a) for a in args], **kwargs)
            return None if method == 'at' else _wrap(result)
        return call

    def __getattr__(self, name):
        if name in _UFUNC_METHODS:
            return self._method(name)
        if name == 'outer':
            return lambda a, b, **kw: self(a[(...,) + (None,) * numpy.ndim(b)], b, **kw)
        raise AttributeError(f"'cupy.ufunc' object has no attribute {name!r}")

    def __repr__(self):
        return f"<ufunc 'cupy_{self.__name__}'>"


def _function(qualname, fn):
    """A NumPy function as the CuPy one: CuPy's keyword arguments, device arrays in and out."""
    params = _CUPY_PARAMS.get(qualname)
    short = qualname.rsplit('.', 1)[-1]
    host_ok = short in _HOST_OK

    def call(*args, **kwargs):
        if params is not None:
            for k in kwargs:
                if k not in params:
                    raise TypeError(f"{short}() got an unexpected keyword argument '{k}' (not in CuPy's signature)")
        if not host_ok:
            _reject_host(f'cupy.{qualname}', args + tuple(kwargs.values()))
        with _quiet():
            result = fn(*[_strip(a) for a in args], **{k: _strip(v) for k, v in kwargs.items()})
        return _wrap(result)
    call.__name__ = short
    call.__qualname__ = qualname
    return call


def _to_device(a, dtype=None, order=None, copy=None, blocking=False, **kwargs):
    """``cupy.asarray``/``cupy.array``: a host array is copied to the device, a device array kept (or copied)."""
    if isinstance(a, FakeCudaArray):
        result = a.view(_ndarray)
        if dtype is not None and numpy.dtype(dtype) != a.dtype:
            result = result.astype(dtype)
        elif copy:
            result = result.copy()
        return result.view(FakeCudaArray)
    if type(a) in (list, tuple) and any(isinstance(item, FakeCudaArray) for item in a):
        a = [item.get() if isinstance(item, FakeCudaArray) else item for item in a]
    host = numpy.array(a, dtype=dtype, order=order or 'K', copy=True, **kwargs)
    return host.view(FakeCudaArray)


def _asnumpy(a, stream=None, order='C', out=None, blocking=True):
    if isinstance(a, FakeCudaArray):
        return a.get(order=order, out=out)
    return numpy.asarray(a, order=order)


def _get_array_module(*args):
    return module if any(isinstance(a, FakeCudaArray) for a in args) else numpy


def _no_kernels(name):
    def make(*args, **kwargs):
        raise NotImplementedError(f'fake cupy: {name} compiles CUDA code and cannot run without a GPU')
    make.__name__ = name
    return make


class _Namespace(types.ModuleType):
    """A module whose missing attributes are NumPy's, wrapped as CuPy's (computed once, then cached)."""

    def __init__(self, name, source, prefix=''):
        super().__init__(name)
        self._source = source
        self._prefix = prefix

    def __getattr__(self, name):
        if name.startswith('__') or (not self._prefix and name in _NOT_IN_CUPY):
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'")
        try:
            value = getattr(self._source, name)
        except AttributeError:
            raise AttributeError(f"module '{self.__name__}' has no attribute '{name}'") from None
        if value is _ndarray:
            value = FakeCudaArray
        elif isinstance(value, numpy.ufunc):
            value = _Ufunc(value)
        elif callable(value) and not isinstance(value, type) and not isinstance(value, types.ModuleType):
            value = _function(self._prefix + name, value)
        setattr(self, name, value)
        return value


class _Stream:
    null = None

    def __init__(self, null=False, non_blocking=False, ptds=False, priority=None):
        self.done = True
        self.non_blocking = non_blocking

    def synchronize(self):
        pass

    def record(self, event=None):
        event = event or _Event()
        event.record(self)
        return event

    def wait_event(self, event):
        pass

    def use(self):
        _cuda.current_stream = self
        return self

    def __enter__(self):
        self._prev = _cuda.current_stream
        _cuda.current_stream = self
        return self

    def __exit__(self, *exc):
        _cuda.current_stream = self._prev
        return False


class _Event:
    _clock = 0.0

    def __init__(self, block=False, disable_timing=False, interprocess=False):
        self.done = True
        self.disable_timing = disable_timing
        self.time = None

    def record(self, stream=None):
        _Event._clock += 1.0
        self.time = _Event._clock

    def synchronize(self):
        pass


def _elapsed_time(start, end):
    if start.disable_timing or end.disable_timing:
        raise RuntimeError('cudaErrorInvalidResourceHandle: invalid resource handle')
    return float(end.time - start.time)


class _MemoryPool:
    def used_bytes(self):
        return 0

    def total_bytes(self):
        return 0

    def free_bytes(self):
        return 0

    def free_all_blocks(self, stream=None):
        pass

    def n_free_blocks(self):
        return 0


_PROPERTIES = {'name': b'Fake CUDA Device (NumPy)', 'major': 9, 'minor': 0, 'totalGlobalMem': 80 * 2 ** 30,
               'multiProcessorCount': 132, 'warpSize': 32}

_runtime = types.SimpleNamespace(
    getDeviceCount=lambda: _Device.count,
    getDevice=lambda: _Device.current,
    setDevice=lambda i: _Device(i).use(),
    getDeviceProperties=lambda i: dict(_PROPERTIES),
    deviceSynchronize=lambda: None,
    memGetInfo=lambda: (70 * 2 ** 30, 80 * 2 ** 30),
    runtimeGetVersion=lambda: 12080,
    driverGetVersion=lambda: 12080,
    CUDARuntimeError=RuntimeError,
)

_cuda = types.SimpleNamespace(
    Device=_Device, Stream=_Stream, Event=_Event, runtime=_runtime, get_elapsed_time=_elapsed_time,
    current_stream=None, get_device_id=lambda: _Device.current, is_available=lambda: True,
    MemoryPool=_MemoryPool, PinnedMemoryPool=_MemoryPool,
    alloc_pinned_memory=lambda nbytes: memoryview(bytearray(nbytes)),
)
_Stream.null = _Stream(null=True)
_cuda.current_stream = _Stream.null
_cuda.get_current_stream = lambda device=None: _cuda.current_stream

_random_state = None


def _get_random_state():
    global _random_state
    if _random_state is None:
        _random_state = _RandomState()
    return _random_state


class _RandomState:
    """``cupy.random.RandomState`` over NumPy's legacy RandomState, results on the device."""

    def __init__(self, seed=None):
        self._rs = numpy.random.RandomState(seed)

    def seed(self, seed=None):
        self._rs.seed(None if seed is None else int(seed) % 2 ** 32)

    def __getattr__(self, name):
        fn = getattr(self._rs, name)
        return lambda *a, **k: _wrap(fn(*[_strip(x) for x in a], **k))

    def __repr__(self):
        return f'<fake cupy RandomState {id(self):x}>'


def _random_function(name):
    def call(*args, **kwargs):
        return getattr(_get_random_state(), name)(*args, **kwargs)
    call.__name__ = name
    return call


_random = types.ModuleType('cupy.random')
for _name in ('rand randn randint random random_sample uniform normal standard_normal permutation shuffle choice '
              'bernoulli binomial poisson exponential standard_exponential gamma beta multinomial').split():
    setattr(_random, _name, _random_function(_name))
_random.seed = lambda seed=None: _get_random_state().seed(seed)
_random.get_random_state = _get_random_state
_random.RandomState = _RandomState

module = _Namespace('cupy', numpy)
module.__version__ = '14.2.0'
module.ndarray = FakeCudaArray
module.cuda = _cuda
module.random = _random
module.linalg = _Namespace('cupy.linalg', numpy.linalg, 'linalg.')
module.fft = _Namespace('cupy.fft', numpy.fft, 'fft.')
module.lib = types.SimpleNamespace(stride_tricks=_Namespace('cupy.lib.stride_tricks', numpy.lib.stride_tricks,
                                                            'lib.stride_tricks.'))
module.asarray = _to_device
module.array = _to_device
module.asanyarray = _to_device
module.asnumpy = _asnumpy
module.get_array_module = _get_array_module
module.get_default_memory_pool = _MemoryPool
module.get_default_pinned_memory_pool = _MemoryPool
module.ElementwiseKernel = _no_kernels('ElementwiseKernel')
module.ReductionKernel = _no_kernels('ReductionKernel')
module.RawKernel = _no_kernels('RawKernel')
module.RawModule = _no_kernels('RawModule')
module.fuse = _no_kernels('fuse')
module.is_available = lambda: True


def _scatter(name):
    ufunc = getattr(numpy, name)

    def scatter(a, slices, value):
        if not isinstance(a, FakeCudaArray):
            raise TypeError(f'Unsupported type {type(a)}')
        _reject_host(f'cupyx.scatter_{name}', (value,))
        ufunc.at(a.view(_ndarray), _strip(slices), _strip(value))
    scatter.__name__ = f'scatter_{name}'
    return scatter


cupyx = types.ModuleType('cupyx')
cupyx.scatter_add = _scatter('add')
cupyx.scatter_max = _scatter('maximum')
cupyx.scatter_min = _scatter('minimum')


def from_dlpack(obj):
    raise NotImplementedError('fake cupy: DLPack import is not simulated')


module.from_dlpack = from_dlpack


@contextlib.contextmanager
def devices(count):
    """Pretend there are ``count`` GPUs inside the block."""
    prev = _Device.count
    _Device.count = count
    try:
        yield
    finally:
        _Device.count = prev

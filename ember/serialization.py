"""ember.save / ember.load in PyTorch's own checkpoint format, and the safe unpickler.

NOTE [ Checkpoint format ]
A checkpoint is a zip archive (stored, not compressed) whose records live under one folder (``archive/``):
``data.pkl`` is a pickle (protocol 2) of the object, in which each tensor is a call to
``torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks)`` and each storage is a
persistent id ``('storage', torch.FloatStorage, key, location, numel)`` whose bytes are the record ``data/<key>``
(little-endian, ``byteorder`` says so). Tensors that share memory share one storage record. ember writes the globals
under PyTorch's names (``torch.*``) so files move both ways; on load they map back to ember.

By default ``load`` uses a restricted unpickler (PyTorch's ``weights_only=True``): only tensors, dtypes, devices,
containers and primitive values can be built, plus globals allowed with ``add_safe_globals``. A pickle that names
anything else (``os.system``, ``builtins.eval``, a class) is refused before it is called.
"""
from __future__ import annotations

import collections
import contextlib
import importlib
import io
import os
import pickle
import tempfile
import zipfile

import numpy

from . import _dtype as dt
from ._backend import cuda_available, device_of, namespace, to_device
from ._device import device as _device
from ._size import Size
from ._tensor import Tensor

__all__ = ['save', 'load', 'add_safe_globals', 'safe_globals', 'get_safe_globals', 'clear_safe_globals']

_STORAGE_NAMES = {
    dt.float32: 'FloatStorage', dt.float64: 'DoubleStorage', dt.float16: 'HalfStorage',
    dt.bfloat16: 'BFloat16Storage', dt.int64: 'LongStorage', dt.int32: 'IntStorage', dt.int16: 'ShortStorage',
    dt.int8: 'CharStorage', dt.uint8: 'ByteStorage', dt.bool: 'BoolStorage', dt.complex64: 'ComplexFloatStorage',
    dt.complex128: 'ComplexDoubleStorage',
}
_STORAGE_DTYPES = {name: d for d, name in _STORAGE_NAMES.items()}


# ------------------------------------------------------------------------------------------------ save

class _Global:
    """A stand-in written as ``GLOBAL module name`` (PyTorch's names need no import at save time)."""

    __slots__ = ('module', 'name')

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):  # pickle requires reduce functions to be callable; this one is only ever written
        raise TypeError(f'{self.module}.{self.name} is a placeholder for pickling')


class _StorageRef:
    __slots__ = ('array', 'dtype', 'key', 'location')

    def __init__(self, array, dtype, key, location='cpu'):
        self.array, self.dtype, self.key, self.location = array, dtype, key, location


_REBUILD_TENSOR = _Global('torch._utils', '_rebuild_tensor_v2')
_REBUILD_PARAMETER = _Global('torch._utils', '_rebuild_parameter')
_ORDERED_DICT = _Global('collections', 'OrderedDict')


class _Pickler(pickle._Pickler):
    """The pure-Python pickler, so that globals can be written under PyTorch's module names."""

    def __init__(self, file, records):
        super().__init__(file, protocol=2)
        self._records = records          # key -> contiguous array
        self._storage_keys = {}          # id(root buffer array) -> _StorageRef
        self._keepalive = []

    def persistent_id(self, obj):
        if isinstance(obj, _StorageRef):
            return ('storage', _Global('torch', _STORAGE_NAMES[obj.dtype]), obj.key, obj.location, obj.array.size)
        return None

    def reducer_override(self, obj):
        if isinstance(obj, _Global):
            return NotImplemented
        if isinstance(obj, Tensor):
            storage, offset, size, stride = self._storage_of(obj)
            hooks = collections.OrderedDict()
            if obj._is_param:
                inner = Tensor._make(obj._data)
                return (_REBUILD_PARAMETER, (inner, obj._requires_grad, hooks))
            return (_REBUILD_TENSOR, (storage, offset, Size(size), tuple(stride), obj._requires_grad, hooks))
        if isinstance(obj, _device):
            return (_Global('torch', 'device'), (str(obj),))
        if isinstance(obj, Size):
            return (_Global('torch', 'Size'), (tuple(obj),))
        return NotImplemented

    def save(self, obj, save_persistent_id=True):
        if isinstance(obj, dt.dtype):
            obj = _Global('torch', obj.name)
        if isinstance(obj, _Global):
            self.write(pickle.GLOBAL + f'{obj.module}\n{obj.name}\n'.encode('utf-8'))
            return
        return super().save(obj, save_persistent_id)

    def save_global(self, obj, name=None):
        module = getattr(obj, '__module__', None) or ''
        qualname = name or getattr(obj, '__qualname__', None) or obj.__name__
        if module == 'ember' or module.startswith('ember.'):
            # ember's classes are written under PyTorch's names (the module layout mirrors torch's)
            self.write(pickle.GLOBAL + f'torch{module[5:]}\n{qualname}\n'.encode('utf-8'))
            self.memoize(obj)
            return
        return super().save_global(obj, name)

    dispatch = dict(pickle._Pickler.dispatch)
    dispatch[type] = save_global

    def _storage_of(self, tensor):
        """(storage, element offset, size, element strides): views of one buffer share one storage record."""
        array = to_device(tensor._data, _device('cpu'))
        item = array.itemsize
        root = array
        while isinstance(root.base, numpy.ndarray):
            root = root.base
        shareable = (root is not array and root.flags.c_contiguous and root.dtype == array.dtype and
                     all(s >= 0 and s % item == 0 for s in array.strides))
        if shareable:
            ref = self._storage_keys.get(id(root))
            if ref is None:
                ref = _StorageRef(root.reshape(-1), tensor._dtype, str(len(self._records)), str(tensor.device))
                self._records[ref.key] = ref.array
                self._storage_keys[id(root)] = ref
                self._keepalive.append(root)
            offset = (array.__array_interface__['data'][0] - root.__array_interface__['data'][0]) // item
            return ref, offset, array.shape, tuple(s // item for s in array.strides)
        ref = self._storage_keys.get(id(array))
        if ref is None:
            contiguous = numpy.ascontiguousarray(array)
            ref = _StorageRef(contiguous.reshape(-1), tensor._dtype, str(len(self._records)), str(tensor.device))
            self._records[ref.key] = ref.array
            self._storage_keys[id(array)] = ref
            self._keepalive.append(array)
        strides = tuple(s // item for s in numpy.ascontiguousarray(array[...]).strides) if array.ndim else ()
        if array.size == 0 or any(s < 0 for s in array.strides):
            strides = _contiguous_strides(array.shape)
        else:
            strides = _contiguous_strides(array.shape) if not array.flags.c_contiguous else strides
        return ref, 0, array.shape, strides


def _contiguous_strides(shape):
    strides = []
    acc = 1
    for s in reversed(shape):
        strides.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(strides))


def save(obj, f, pickle_module=None, pickle_protocol=2, _use_new_zipfile_serialization=True,
         _disable_byteorder_record=False) -> None:
    """Save ``obj`` (tensors, state_dicts, containers, numbers, strings) in PyTorch's checkpoint format.

    A path is written atomically: the data goes to a temporary file in the same folder, which replaces the target
    only once complete, so a crash mid-save never leaves a truncated file in place of the old one.

    >>> ember.save({'w': ember.ones(2)}, 'ckpt.pt')
    """
    records = {}
    buffer = io.BytesIO()
    _Pickler(buffer, records).dump(obj)
    if isinstance(f, (str, os.PathLike)):
        path = os.fspath(f)
        folder = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(path) + '.', suffix='.tmp', dir=folder)
        try:
            with os.fdopen(fd, 'wb') as out:
                _write_archive(out, buffer.getvalue(), records)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    else:
        _write_archive(f, buffer.getvalue(), records)


def _write_archive(out, pickled, records, prefix='archive'):
    with zipfile.ZipFile(out, 'w', compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(f'{prefix}/data.pkl', pickled)
        archive.writestr(f'{prefix}/byteorder', 'little')
        for key, array in records.items():
            archive.writestr(f'{prefix}/data/{key}', _little_endian(array).tobytes())
        archive.writestr(f'{prefix}/version', '3\n')
        archive.writestr(f'{prefix}/.data/serialization_id', '0' * 40)


def _little_endian(array):
    if array.dtype.byteorder == '>':
        return array.astype(array.dtype.newbyteorder('<'))
    return array


# ------------------------------------------------------------------------------------------------ load

class _SafeGlobals:
    extra: dict = {}


def add_safe_globals(safe_globals) -> None:
    """Allow these classes/functions in checkpoints loaded with ``weights_only=True``."""
    for g in safe_globals:
        if isinstance(g, tuple):
            g, name = g
        else:
            name = f'{g.__module__}.{g.__qualname__}'
        _SafeGlobals.extra[name] = g
        if name.startswith('ember.'):
            _SafeGlobals.extra['torch.' + name[6:]] = g


def get_safe_globals():
    return list(_SafeGlobals.extra.values())


def clear_safe_globals() -> None:
    _SafeGlobals.extra = {}


@contextlib.contextmanager
def safe_globals(safe_globals):
    """Allow these globals only inside the ``with`` block."""
    saved = dict(_SafeGlobals.extra)
    add_safe_globals(safe_globals)
    try:
        yield
    finally:
        _SafeGlobals.extra = saved


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False, backward_hooks=None,
                       metadata=None):
    item = storage.itemsize
    xp = numpy if type(storage) is numpy.ndarray else namespace(device_of(storage))  # a storage mapped to a GPU
    if len(size) == 0:
        array = storage[storage_offset:storage_offset + 1].reshape(())
    elif any(s == 0 for s in size):
        array = xp.empty(tuple(size), dtype=storage.dtype)
    else:
        array = xp.lib.stride_tricks.as_strided(storage[storage_offset:], shape=tuple(size),
                                                strides=tuple(s * item for s in stride))
    t = Tensor._make(array)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _rebuild_parameter(data, requires_grad, backward_hooks=None, *args):
    from .nn.parameter import Parameter  # noqa: PLC0415
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    param = _rebuild_parameter(data, requires_grad)
    if state:
        param.__dict__.update(state)
    return param


def _rebuild_from_type_v2(func, new_type, args, state):
    result = func(*args)
    if state:
        result.__dict__.update(state) if isinstance(state, dict) else None
    return result


class _StorageType:
    def __init__(self, name):
        self.dtype = _STORAGE_DTYPES[name]


def _safe_builtins():
    table = {
        'torch._utils._rebuild_tensor_v2': _rebuild_tensor_v2,
        'torch._utils._rebuild_parameter': _rebuild_parameter,
        'torch._utils._rebuild_parameter_with_state': _rebuild_parameter_with_state,
        'torch._tensor._rebuild_from_type_v2': _rebuild_from_type_v2,
        'collections.OrderedDict': collections.OrderedDict,
        'torch.Size': Size,
        'torch.device': _device,
        'torch.Tensor': Tensor,
        'torch.nn.parameter.Parameter': None,  # resolved lazily (nn imports this module's package)
        'builtins.set': set,
        'builtins.frozenset': frozenset,
        'builtins.complex': complex,
        'builtins.slice': slice,
        'builtins.bytearray': bytearray,
        'torch.serialization._get_layout': lambda name: name,
        'torch.strided': 'torch.strided',
    }
    for d in dt.ALL:
        table[f'torch.{d.name}'] = d
    for name in _STORAGE_DTYPES:
        table[f'torch.{name}'] = _StorageType(name)
    return table


_SAFE = None

_WEIGHTS_ONLY_HELP = ('Weights only load failed. In PyTorch 2.6, we changed the default value of the `weights_only` '
                      'argument in `torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` '
                      'set to `False` will likely succeed, but it can result in arbitrary code execution. Do it only '
                      'if you got the file from a trusted source.\n')


class _Unpickler(pickle.Unpickler):
    def __init__(self, file, archive, prefix, map_location, weights_only):
        super().__init__(file, encoding='utf-8')
        self._archive, self._prefix = archive, prefix
        self._map_location = map_location
        self._weights_only = weights_only
        self._storages = {}

    def find_class(self, module, name):
        global _SAFE
        full = f'{module}.{name}'
        if self._weights_only:
            if _SAFE is None:
                _SAFE = _safe_builtins()
            if full in _SafeGlobals.extra:
                return _SafeGlobals.extra[full]
            if full in _SAFE:
                value = _SAFE[full]
                if full == 'torch.nn.parameter.Parameter':
                    from .nn.parameter import Parameter  # noqa: PLC0415
                    value = Parameter
                return value
            raise pickle.UnpicklingError(
                f'{_WEIGHTS_ONLY_HELP}Please file an issue with the following so that we can make `weights_only=True`'
                f' compatible with your use case: WeightsUnpickler error: Unsupported global: GLOBAL {full} was not '
                'an allowed global by default. Please use `ember.serialization.add_safe_globals([...])` or the '
                '`ember.serialization.safe_globals([...])` context manager to allowlist this global if you trust '
                'this class/function.')
        if _SAFE is None:
            _SAFE = _safe_builtins()
        if full in _SAFE and _SAFE[full] is not None:
            return _SAFE[full]
        if module == 'torch' or module.startswith('torch.'):
            module = 'ember' + module[5:]
            try:
                return getattr(importlib.import_module(module), name)
            except (ImportError, AttributeError):
                raise pickle.UnpicklingError(f'ember.load: the checkpoint needs {full}, which ember does not have')
        return super().find_class(module, name)

    def persistent_load(self, saved_id):
        if not isinstance(saved_id, tuple) or not saved_id or saved_id[0] != 'storage':
            raise pickle.UnpicklingError(f'ember.load: unknown persistent id {saved_id!r}')
        _, storage_type, key, location, numel = saved_id[:5]
        storage = self._storages.get(key)
        if storage is None:
            dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else dt.uint8
            raw = self._archive.read(f'{self._prefix}/data/{key}')
            storage = numpy.frombuffer(bytearray(raw), dtype=dtype.np.newbyteorder('<')).astype(dtype.np, copy=False)
            target = _storage_target(str(location), self._map_location)
            if target.type != 'cpu':
                storage = to_device(storage, target)
            self._storages[key] = storage
        return storage


_NO_CUDA = ('Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. If you are '
            'running on a CPU-only machine, please use torch.load with map_location=torch.device(\'cpu\') to map '
            'your storages to the CPU.')


def _storage_target(location, map_location):
    """The device a storage saved at ``location`` loads onto: PyTorch's rules for a str, device or dict
    ``map_location`` (a callable one is applied to the loaded tensors, see ``_map_tensor``)."""
    if isinstance(map_location, dict):
        location = map_location.get(location, location)
    elif isinstance(map_location, (str, _device)):
        location = map_location
    target = _device(location)
    if target.type == 'cuda' and not cuda_available():
        raise RuntimeError(_NO_CUDA)
    return target


def _map_tensor(obj, map_location):
    if map_location is None or isinstance(map_location, (str, _device, dict)):
        return obj  # storages were placed while loading
    if isinstance(obj, Tensor):
        result = map_location(obj, 'cpu')
        return obj if result is None else result
    if isinstance(obj, collections.OrderedDict):
        out = collections.OrderedDict((k, _map_tensor(v, map_location)) for k, v in obj.items())
        if hasattr(obj, '_metadata'):
            out._metadata = obj._metadata
        return out
    if isinstance(obj, dict):
        return type(obj)((k, _map_tensor(v, map_location)) for k, v in obj.items()) if type(obj) is dict else obj
    if isinstance(obj, list):
        return [_map_tensor(v, map_location) for v in obj]
    if isinstance(obj, tuple) and type(obj) is tuple:
        return tuple(_map_tensor(v, map_location) for v in obj)
    return obj


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Load an object saved by ``ember.save`` or ``torch.save``.

    ``weights_only`` (default True) uses the safe unpickler: a checkpoint can never run code. Pass
    ``weights_only=False`` only for files you trust (e.g. whole pickled Modules).
    """
    if weights_only is None:
        weights_only = os.environ.get('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '0') not in ('1', 'true', 'True')
    if isinstance(f, (str, os.PathLike)):
        with open(f, 'rb') as handle:
            data = handle.read()
    else:
        data = f.read()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise RuntimeError('ember.load: this file is not a PyTorch zip checkpoint (the legacy non-zip format of '
                           'torch.save(..., _use_new_zipfile_serialization=False) is not supported)')
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        pkl = next((n for n in names if n.endswith('data.pkl') and n.count('/') == 1), None)
        if pkl is None:
            raise RuntimeError('ember.load: the archive has no data.pkl record')
        prefix = pkl.split('/')[0]
        unpickler = _Unpickler(io.BytesIO(archive.read(pkl)), archive, prefix, map_location, weights_only)
        try:
            obj = unpickler.load()
        except pickle.UnpicklingError:
            raise
        except Exception as exc:
            if weights_only:
                raise pickle.UnpicklingError(f'{_WEIGHTS_ONLY_HELP}Could not load the checkpoint safely: '
                                             f'{type(exc).__name__}: {exc}') from exc
            raise
    return _map_tensor(obj, map_location)

"""ember.Tensor: one backend array plus autograd state.

Methods are one-line delegations: the op families in ``ember/_ops`` each contribute a mixin of Tensor methods next to
the functions they delegate to, so this file keeps only what is Tensor's own (attributes, conversion, autograd entry
points, dunders of the Python data model).
"""
from __future__ import annotations

import builtins

import numpy

from . import _dtype as dt
from ._backend import device_of, to_device
from ._device import CPU, device as _device_cls
from ._ops.activation import ActivationMethods
from ._ops.elementwise import ElementwiseMethods
from ._ops.indexing import IndexingMethods
from ._ops.linalg import LinalgMethods
from ._ops.loss import LossMethods
from ._ops.random import RandomMethods
from ._ops.reduction import ReductionMethods
from ._ops.reduction_sort import ReductionSortMethods
from ._ops.shape import ShapeMethods
from ._size import Size
from .autograd import engine as _engine
from .autograd import function as _function
from .autograd.grad_mode import _State

_FROM_NP = dt._FROM_NP
_ndarray = numpy.ndarray


class Tensor(ElementwiseMethods, ReductionMethods, ReductionSortMethods, ShapeMethods, IndexingMethods, LinalgMethods,
             RandomMethods, ActivationMethods, LossMethods):
    """A multi-dimensional array with autograd, as ``torch.Tensor``.

    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> (x * x).sum().backward(); x.grad
    tensor([2., 4.])
    """

    __slots__ = ('_data', '_dtype', '_requires_grad', '_grad_fn', '_version_counter', '__dict__', '__weakref__')

    # rarely set, so kept out of the slots: instances that need one get it in their __dict__
    _grad = None
    _output_nr = 0
    _base = None
    _view_fn = None  # set by mark_view; None for aliases (e.g. a custom Function returning its input)
    _grad_accumulator = None
    _post_accumulate_hooks = None
    _retains_grad = False
    _is_param = False

    # ------------------------------------------------------------------------------------------------ construction
    def __new__(cls, *args, device=None):
        """Legacy constructor: ``Tensor(2, 3)`` (uninitialised float32 of that shape), ``Tensor([1, 2])``."""
        from ._creation import _legacy_new  # noqa: PLC0415
        return _legacy_new(cls, args, device)

    @staticmethod
    def _make(data, requires_grad=False, grad_fn=None, output_nr=0):
        t = _new(Tensor)
        t._data = data
        try:
            t._dtype = _FROM_NP[data.dtype]
        except KeyError:
            t._dtype = dt.from_numpy_dtype(data.dtype)
        t._requires_grad = requires_grad
        t._grad_fn = grad_fn
        if output_nr:
            t._output_nr = output_nr
        t._version_counter = [0]
        return t

    def _alias(self):
        """A new Tensor object over the same array and version counter (a view that changes nothing)."""
        t = Tensor._make(self._data, self._requires_grad, self._grad_fn, self._output_nr)
        t._version_counter = self._version_counter
        t._base = self if self._base is None else self._base
        return t

    def __reduce_ex__(self, protocol):
        if self._grad_fn is not None:
            raise RuntimeError('Only Tensors created explicitly by the user (graph leaves) support the deepcopy '
                               'protocol at the moment.  If you were attempting to deepcopy a module, this may be '
                               'because of a torch.nn.utils.weight_norm usage, see '
                               'https://github.com/pytorch/pytorch/pull/103001')
        return (_rebuild, (to_device(self._data, CPU).copy(), str(self.device), self._requires_grad))

    def __deepcopy__(self, memo):
        if self._grad_fn is not None:
            raise RuntimeError('Only Tensors created explicitly by the user (graph leaves) support the deepcopy '
                               'protocol at the moment.  If you were attempting to deepcopy a module, this may be '
                               'because of a torch.nn.utils.weight_norm usage, see '
                               'https://github.com/pytorch/pytorch/pull/103001')
        new = type(self).__new__(type(self), self._data.copy()) if self._is_param else Tensor._make(self._data.copy())
        if not self._is_param:
            new._requires_grad = self._requires_grad
        else:
            new._requires_grad = self._requires_grad
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------------------------------------ attributes
    @property
    def shape(self) -> Size:
        return _tuple_new(Size, self._data.shape)

    @property
    def dtype(self) -> dt.dtype:
        return self._dtype

    @property
    def device(self) -> _device_cls:
        return CPU if type(self._data) is _ndarray else device_of(self._data)

    @property
    def is_cuda(self) -> bool:
        return type(self._data) is not _ndarray

    @property
    def is_cpu(self) -> bool:
        return type(self._data) is _ndarray

    is_sparse = False
    is_quantized = False
    is_meta = False
    is_mkldnn = False
    is_nested = False
    layout = dt.strided

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def itemsize(self) -> int:
        return self._dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    def size(self, dim=None):
        if dim is None:
            return _tuple_new(Size, self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, 'size')]

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        return self._dtype.itemsize

    def stride(self, dim=None):
        data = self._data
        if data.size == 0 and data.flags.c_contiguous:  # NumPy reports 0 strides; PyTorch the contiguous ones
            strides, step = [], 1
            for n in reversed(data.shape):
                strides.append(step)
                step *= max(n, 1)
            strides = tuple(reversed(strides))
        else:
            item = self._dtype.itemsize
            strides = tuple(s // item for s in data.strides)
        if dim is None:
            return strides
        return strides[_wrap_dim(dim, self._data.ndim, 'stride')]

    def storage_offset(self) -> int:
        data = self._data
        array_type = _ndarray if isinstance(data, _ndarray) else type(data)
        base = data
        while True:  # up the chain of views to the owner; NumPy's as_strided hides its source behind a DummyArray
            parent = getattr(base, 'base', None)
            if parent is not None and not isinstance(parent, array_type):
                parent = getattr(parent, 'base', None)
            if not isinstance(parent, array_type):
                break
            base = parent
        if base is data:
            return 0
        if type(data) is _ndarray:
            return (data.__array_interface__['data'][0] - base.__array_interface__['data'][0]) // data.itemsize
        return (data.data.ptr - base.data.ptr) // data.itemsize

    def data_ptr(self) -> int:
        if type(self._data) is _ndarray:
            return self._data.__array_interface__['data'][0]
        return self._data.data.ptr

    def is_contiguous(self, memory_format=None) -> bool:
        return self._data.flags.c_contiguous

    def is_floating_point(self) -> bool:
        return self._dtype.is_floating_point

    def is_complex(self) -> bool:
        return self._dtype.is_complex

    def is_signed(self) -> bool:
        return self._dtype.is_signed

    def get_device(self) -> int:
        return -1 if type(self._data) is _ndarray else self.device.index

    def dim_order(self):
        """The dims from outermost to innermost in memory (by decreasing stride)."""
        strides = self.stride()
        return tuple(sorted(builtins.range(self._data.ndim), key=lambda d: -strides[d]))

    def is_inference(self) -> bool:
        return False

    def is_shared(self) -> bool:
        return False

    def share_memory_(self):
        return self

    def is_set_to(self, tensor) -> bool:
        """Whether both tensors view the same memory with the same shape and strides."""
        return (self.data_ptr() == tensor.data_ptr() and self._data.shape == tensor._data.shape
                and self._data.strides == tensor._data.strides and self._dtype is tensor._dtype)

    @property
    def H(self):
        """The conjugate transpose of a matrix."""
        if self._data.ndim == 0:
            return self
        if self._data.ndim != 2:
            raise RuntimeError(f'tensor.H is only supported on matrices (2-D tensors). Got {self._data.ndim}-D '
                               f'tensor.' + (' For batches of matrices, consider using tensor.mH'
                                             if self._data.ndim > 2 else ''))
        return self.mH

    @property
    def mH(self):
        """The conjugate transpose of the last two dims."""
        if self._data.ndim < 2:
            raise RuntimeError(f'tensor.mH is only supported on matrices or batches of matrices. Got '
                               f'{self._data.ndim}-D tensor.')
        return self.mT.conj() if self._dtype._kind == 3 else self.mT

    @property
    def real(self):
        """The real part (a view for complex tensors, ``self`` otherwise)."""
        if self._dtype._kind != 3:
            return self
        from ._ops.creation_more import complex_part  # noqa: PLC0415
        return complex_part(self, False)

    @property
    def imag(self):
        """The imaginary part of a complex tensor, as a view."""
        if self._dtype._kind != 3:
            raise RuntimeError('imag is not implemented for tensors with non-complex dtypes.')
        from ._ops.creation_more import complex_part  # noqa: PLC0415
        return complex_part(self, True)

    def as_subclass(self, cls):
        """This tensor's data (shared) as an instance of a Tensor subclass."""
        t = _new(cls)
        t._data, t._dtype, t._requires_grad, t._grad_fn = self._data, self._dtype, self._requires_grad, self._grad_fn
        t._version_counter = self._version_counter
        return t

    def apply_(self, callable):
        """Replace every element by ``callable(element)`` in place (CPU only, slow, as in PyTorch)."""
        if type(self._data) is not _ndarray:
            raise TypeError('apply_ is only implemented on CPU tensors')
        flat = self._data.reshape(-1) if self._data.flags.c_contiguous else None
        values = [callable(v) for v in self._data.reshape(-1).tolist()]
        new = numpy.asarray(values, dtype=self._data.dtype).reshape(self._data.shape)
        if flat is not None:
            flat[...] = new.reshape(-1)
        else:
            self._data[...] = new
        self._version_counter[0] += 1
        return self

    def map_(self, tensor, callable):
        """``self[i] = callable(self[i], tensor[i])`` in place, ``tensor`` broadcast to ``self`` (CPU only)."""
        if type(self._data) is not _ndarray:
            raise TypeError('map_ is only implemented on CPU tensors')
        other = numpy.broadcast_to(tensor._data, self._data.shape).reshape(-1).tolist()
        values = [callable(a, b) for a, b in zip(self._data.reshape(-1).tolist(), other)]
        self._data[...] = numpy.asarray(values, dtype=self._data.dtype).reshape(self._data.shape)
        self._version_counter[0] += 1
        return self

    @property
    def _version(self) -> int:
        return self._version_counter[0]

    # ------------------------------------------------------------------------------------------------ autograd state
    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        self.requires_grad_(value)

    def requires_grad_(self, requires_grad: bool = True):
        if self._grad_fn is not None:
            if not requires_grad:
                raise RuntimeError('you can only change requires_grad flags of leaf variables. If you want to use a '
                                   'computed variable in a subgraph that doesn\'t require differentiation use '
                                   'var_no_grad = var.detach().')
            return self
        if requires_grad and self._dtype._kind < 2:
            raise RuntimeError('only Tensors of floating point dtype can require gradients')
        self._requires_grad = bool(requires_grad)
        return self

    @property
    def grad_fn(self):
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def grad(self):
        if self._grad_fn is not None and not self._retains_grad and _State.enabled is not None:
            import warnings  # noqa: PLC0415
            warnings.warn('The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad '
                          'attribute won\'t be populated during autograd.backward(). If you indeed want the .grad '
                          'field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor.',
                          UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f'assigned grad expected to be a Tensor or None but got grad of type '
                                f'{type(value).__name__}')
            if value._dtype is not self._dtype:
                from ._ops.inplace import _type_word  # noqa: PLC0415
                raise RuntimeError(f"attempting to assign a gradient with dtype '{_C_NAMES[value._dtype.name]}' to a "
                                   f"tensor with grad_dtype '{_type_word(self._dtype)}'. The gradient must match the "
                                   "tensor's grad_dtype (defaults to the tensor's dtype). You can set the tensor's "
                                   'grad_dtype attribute with a specific dtype, or None to allow any dtype. Set '
                                   'grad_dtype with caution. Diverging the dtypes of a tensor and its gradient may '
                                   'break downstream systems that assume they match.')
            if value._data.shape != self._data.shape:
                raise RuntimeError(f"attempting to assign a gradient of size '{list(value._data.shape)}' to a tensor "
                                   f"of size '{list(self._data.shape)}'. Please ensure that the gradient and the "
                                   'tensor are the same size')
            if value.device != self.device:
                raise RuntimeError('assigned grad has data located on a different device')
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if self._grad_fn is None:
            if not self._requires_grad:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if self._retains_grad:
            return
        import weakref  # noqa: PLC0415
        ref = weakref.ref(self)

        def keep(grad):
            tensor = ref()
            if tensor is not None:
                if tensor._grad is not None:
                    tensor._grad = tensor._grad + grad
                else:
                    tensor._grad = grad.clone() if grad._requires_grad else Tensor._make(grad._data.copy())
        self._grad_fn._register_retain_hook(self._output_nr, keep)
        self._retains_grad = True

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a non-None return replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        node, nr = _function._edge(self)
        return node._register_tensor_hook(nr, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after a gradient is accumulated into this leaf's ``.grad``."""
        if self._grad_fn is not None:
            raise RuntimeError('post accumulate grad hooks cannot be registered on non-leaf tensors')
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = []
        self._post_accumulate_hooks.append(hook)
        return _function._RemovableHandle(self._post_accumulate_hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the ``.grad`` of the leaves it depends on."""
        from .autograd import backward  # noqa: PLC0415
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A tensor sharing this one's data (and version counter) that takes no part in autograd."""
        t = Tensor._make(self._data)
        t._version_counter = self._version_counter
        return t

    def detach_(self):
        if self._base is not None:
            raise RuntimeError('Can\'t detach views in-place. Use detach() instead. If you are using '
                               'DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as '
                               'True, gradients are views of DDP buckets, and hence detach_() cannot be called on '
                               'these gradients. To fix this error, please refer to the Optimizer.zero_grad() '
                               'function in torch/optim/optimizer.py as the solution.')
        self._grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        t = Tensor._make(self._data)
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError(f'data must be a Tensor, got {type(value).__name__}')
        self._data = value._data
        self._dtype = value._dtype

    # ------------------------------------------------------------------------------------------------ conversion
    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f'a Tensor with {self._data.size} elements cannot be converted to Scalar')
        value = self._data.reshape(()).item() if type(self._data) is _ndarray else self._data.item()
        if self._dtype is dt.bfloat16:
            value = builtins.float(value)
        return value

    def tolist(self):
        data = to_device(self._data, CPU)
        if self._dtype is dt.bfloat16 or self._dtype is dt.float16:
            data = data.astype(numpy.float32)
        return data.tolist()

    def numpy(self, *, force: bool = False):
        if not force:
            if self._requires_grad:
                raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() "
                                   'instead.')
            if type(self._data) is not _ndarray:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
                                'tensor to host memory first.')
            return self._data
        return to_device(self._data, CPU)

    def __array__(self, dtype=None, copy=None):
        data = self.numpy()
        return data if dtype is None else data.astype(dtype, copy=False)

    def __array_wrap__(self, array, context=None, return_scalar=False):
        return Tensor._make(numpy.asarray(array))

    def __dlpack__(self, stream=None, **kwargs):
        if self._requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(**({'stream': stream} if stream is not None else {}))

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError('len() of a 0-d tensor')
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError('iteration over a 0-d tensor')
        return iter(self.unbind(0))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f'Boolean value of Tensor with '
                               f'{"no values" if self._data.size == 0 else "more than one value"} is ambiguous')
        return builtins.bool(self.item())

    def __int__(self):
        if self._data.size != 1:
            raise ValueError('only one element tensors can be converted to Python scalars')
        return builtins.int(self.item())

    def __float__(self):
        if self._data.size != 1:
            raise ValueError('only one element tensors can be converted to Python scalars')
        return builtins.float(self.item())

    def __complex__(self):
        if self._data.size != 1:
            raise ValueError('only one element tensors can be converted to Python scalars')
        return builtins.complex(self.item())

    def __index__(self):
        if self._dtype._kind > 1 or self._data.size != 1:
            raise TypeError('only integer tensors of a single element can be converted to an index')
        return builtins.int(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0 and type(self) is Tensor:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr  # noqa: PLC0415
        return tensor_repr(self)

    __hash__ = object.__hash__

    def __contains__(self, element):
        if isinstance(element, (Tensor, builtins.int, builtins.float, builtins.bool, builtins.complex)):
            return builtins.bool((self == element)._data.any())
        raise RuntimeError(f'Tensor.__contains__ only supports Tensor or scalar, but you passed in a '
                           f'{type(element)}.')

    def __reversed__(self):
        return self.flip(0) if self._data.ndim else self

    # ------------------------------------------------------------------------------------------------ dtype / device
    def to(self, *args, **kwargs):
        """``to(dtype)``, ``to(device, dtype=None)``, ``to(other)``; returns ``self`` when nothing changes."""
        dtype, device, copy = _parse_to(args, kwargs)
        result = self
        if dtype is not None and dtype is not self._dtype:
            result = _cast(result, dtype)
        if device is not None and device != result.device:
            result = _copy_to_device(result, device)
        if copy and result is self:
            result = self.clone()
        return result

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """``type()`` is the legacy type name (``'torch.FloatTensor'``); ``type(dtype or name)`` converts."""
        if dtype is None:
            return _legacy_type_name(self)
        if isinstance(dtype, str):
            prefix, _, name = dtype.rpartition('.')
            if prefix not in ('torch', 'torch.cuda') or name not in _LEGACY_TYPES:
                raise ValueError(f'invalid type: {dtype!r}')
            return self.to('cuda' if prefix == 'torch.cuda' else 'cpu', _LEGACY_TYPES[name])
        if isinstance(dtype, _LegacyTypeMeta):
            return self.to(dtype._dtype)
        if not isinstance(dtype, dt.dtype):
            raise ValueError(f"invalid type: '{getattr(dtype, '__name__', dtype)}'")
        return self.to(dtype)

    def type_as(self, other):
        return self.to(other._dtype)

    def cpu(self, memory_format=None):
        return self.to(CPU)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        if device is None:
            device = _device_cls('cuda', 0)
        elif isinstance(device, builtins.int):
            device = _device_cls('cuda', device)
        else:
            device = _device_cls(device)
        return self.to(device)

    def pin_memory(self, device=None):
        return self

    def is_pinned(self, device=None) -> bool:
        return False

    def float(self, memory_format=None):
        return self.to(dt.float32)

    def double(self, memory_format=None):
        return self.to(dt.float64)

    def half(self, memory_format=None):
        return self.to(dt.float16)

    def bfloat16(self, memory_format=None):
        return self.to(dt.bfloat16)

    def long(self, memory_format=None):
        return self.to(dt.int64)

    def int(self, memory_format=None):
        return self.to(dt.int32)

    def short(self, memory_format=None):
        return self.to(dt.int16)

    def char(self, memory_format=None):
        return self.to(dt.int8)

    def byte(self, memory_format=None):
        return self.to(dt.uint8)

    def bool(self, memory_format=None):
        return self.to(dt.bool)

    def cfloat(self, memory_format=None):
        return self.to(dt.complex64)

    def cdouble(self, memory_format=None):
        return self.to(dt.complex128)

    # ------------------------------------------------------------------------------------------------ new_* factories
    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from ._creation import tensor  # noqa: PLC0415
        return tensor(data, dtype=dtype or self._dtype, device=device or self.device, requires_grad=requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import zeros  # noqa: PLC0415
        return zeros(*size, dtype=dtype or self._dtype, device=device or self.device, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import ones  # noqa: PLC0415
        return ones(*size, dtype=dtype or self._dtype, device=device or self.device, requires_grad=requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        from ._creation import empty  # noqa: PLC0415
        return empty(*size, dtype=dtype or self._dtype, device=device or self.device, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        from ._creation import full  # noqa: PLC0415
        return full(size, fill_value, dtype=dtype or self._dtype, device=device or self.device,
                    requires_grad=requires_grad)


_new = object.__new__
_tuple_new = tuple.__new__
_C_NAMES = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half', 'bfloat16': 'c10::BFloat16',
            'int64': 'long', 'int32': 'int', 'int16': 'short', 'int8': 'signed char', 'uint8': 'unsigned char',
            'bool': 'bool', 'complex64': 'c10::complex<float>', 'complex128': 'c10::complex<double>'}


class _LegacyTypeMeta(type):
    """The metaclass of ``FloatTensor`` and friends (set by ``_creation``)."""


def _rebuild(array, device, requires_grad):
    t = Tensor._make(array)
    if device != 'cpu':
        t = t.to(device)
    t._requires_grad = requires_grad
    return t


def _wrap_dim(dim, ndim, op):
    """Normalise a possibly negative dim; PyTorch's IndexError when it is out of range."""
    if ndim == 0:
        raise IndexError(f'Dimension specified as {dim} but tensor has no dimensions')
    n = ndim
    if not -n <= dim < n:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})')
    return dim + n if dim < 0 else dim


_LEGACY_TYPES = {'FloatTensor': dt.float32, 'DoubleTensor': dt.float64, 'HalfTensor': dt.float16,
                 'BFloat16Tensor': dt.bfloat16, 'LongTensor': dt.int64, 'IntTensor': dt.int32,
                 'ShortTensor': dt.int16, 'CharTensor': dt.int8, 'ByteTensor': dt.uint8, 'BoolTensor': dt.bool,
                 'ComplexFloatTensor': dt.complex64, 'ComplexDoubleTensor': dt.complex128}
_LEGACY_NAMES = {v: k for k, v in _LEGACY_TYPES.items()}


def _legacy_type_name(t):
    prefix = 'torch.' if t.is_cpu else 'torch.cuda.'
    return prefix + _LEGACY_NAMES[t._dtype]


def _parse_to(args, kwargs):
    dtype = kwargs.pop('dtype', None)
    device = kwargs.pop('device', None)
    copy = kwargs.pop('copy', False)
    kwargs.pop('non_blocking', None)
    kwargs.pop('memory_format', None)
    if kwargs:
        raise TypeError(f'to() got an unexpected keyword argument {next(iter(kwargs))!r}')
    for a in args:
        if isinstance(a, dt.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a._dtype, a.device
        elif isinstance(a, (str, _device_cls)) or (isinstance(a, builtins.int) and not isinstance(a, builtins.bool)):
            device = a
        elif isinstance(a, builtins.bool):
            pass  # legacy non_blocking / copy positional flags
        elif a is None:
            pass
        else:
            raise TypeError(f'to() received an invalid combination of arguments - got ({type(a).__name__})')
    if dtype is not None:
        dtype = dt.to_dtype(dtype)
    if device is not None:
        device = _device_cls(device)
        if device.type == 'cuda':
            from ._backend import cupy  # noqa: PLC0415
            cupy()  # PyTorch's error on a machine without a GPU, before anything else
            if device.index is None:
                device = _device_cls('cuda', 0)
    return dtype, device, copy


class ToCopy(_function.Primitive):
    """Cast to another dtype; the gradient is cast back."""

    _backward_name = 'ToCopyBackward0'

    @staticmethod
    def forward(ctx, x, *, dtype):
        ctx.src = _FROM_NP[x.dtype]
        if dtype._kind < ctx.src._kind and ctx.src._kind == 3:
            import warnings  # noqa: PLC0415
            warnings.warn('Casting complex values to real discards the imaginary part', UserWarning, stacklevel=4)
            x = x.real
        return x.astype(dtype.np)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src)


class DeviceCopy(_function.Primitive):
    """Copy to another device; the gradient is copied back."""

    _backward_name = 'ToCopyBackward0'

    @staticmethod
    def forward(ctx, x, *, device):
        ctx.src = device_of(x)
        return to_device(x, device)

    @staticmethod
    def backward(ctx, grad):
        return grad.to(ctx.src)


def _cast(t, dtype):
    return ToCopy.apply(t, dtype=dtype)


def _copy_to_device(t, device):
    return DeviceCopy.apply(t, device=device)


_function._Tensor = Tensor
_engine_ref = _engine

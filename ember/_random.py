"""Random number generators: ``ember.Generator``, the default generator and the global seeding functions.

A Generator wraps a NumPy PCG64 bit generator. ember cannot reproduce PyTorch's Mersenne-Twister/Philox streams, but
the same seed always gives the same values in ember. Samples are drawn on the host and moved to the tensor's device.
A state is a uint8 tensor: the initial seed, the 128-bit PCG64 state and increment, and the buffered 32-bit half.
"""
from __future__ import annotations

import contextlib
import operator
import secrets

import numpy

from ._device import device as _device

DEFAULT_SEED = 67280421310721  # PyTorch's default seed of a fresh generator
_STATE_BYTES = 8 + 16 + 16 + 1 + 4


class Generator:
    """A random number generator, as ``torch.Generator``.

    >>> g = ember.Generator().manual_seed(0)
    >>> ember.rand(2, generator=g).shape
    torch.Size([2])
    """

    def __init__(self, device='cpu'):
        dev = _device(device)
        if dev.type == 'cuda':
            from ._backend import cupy  # noqa: PLC0415
            cupy()  # PyTorch's error on a machine without a GPU
            dev = _device('cuda', dev.index or 0)
        self._device = dev
        self._seed = DEFAULT_SEED
        self._np = numpy.random.Generator(numpy.random.PCG64(DEFAULT_SEED))

    @property
    def device(self):
        return self._device

    def manual_seed(self, seed) -> 'Generator':
        """Seed this generator (any int in [-2**63, 2**64)); returns ``self``."""
        if isinstance(seed, float) or not hasattr(seed, '__index__'):
            raise RuntimeError(f'manual_seed expected a long, but got {type(seed).__name__}')
        seed = operator.index(seed)
        if not -2**63 <= seed < 2**64:
            raise ValueError('Overflow when unpacking long long')
        seed %= 2**64
        self._seed = seed
        self._np = numpy.random.Generator(numpy.random.PCG64(seed))
        return self

    def seed(self) -> int:
        """Seed from a non-deterministic source and return that seed."""
        seed = secrets.randbits(64)
        self.manual_seed(seed)
        return seed

    def initial_seed(self) -> int:
        return self._seed

    def get_state(self):
        """The generator's state as a uint8 tensor (for ``set_state``)."""
        from ._tensor import Tensor  # noqa: PLC0415
        return Tensor._make(numpy.frombuffer(self._state_bytes(), dtype=numpy.uint8).copy())

    def set_state(self, new_state) -> 'Generator':
        """Restore a state from ``get_state``."""
        from ._tensor import Tensor  # noqa: PLC0415
        if not isinstance(new_state, Tensor):
            raise TypeError(f'expected a torch.ByteTensor, but got {type(new_state).__name__}')
        if new_state.dtype.name != 'uint8':
            raise TypeError('RNG state must be a torch.ByteTensor')
        if new_state.numel() != _STATE_BYTES:
            raise RuntimeError(f'Expected a CPUGeneratorImplState of size {_STATE_BYTES} but found the input RNG '
                               f'state size to be {new_state.numel()}')
        self._load_bytes(bytes(new_state.detach().numpy(force=True).reshape(-1)))
        return self

    def clone_state(self) -> 'Generator':
        """A new generator in this one's state."""
        other = Generator.__new__(Generator)
        other._device = self._device
        other._load_bytes(self._state_bytes())
        return other

    def _state_bytes(self) -> bytes:
        state = self._np.bit_generator.state
        return (self._seed.to_bytes(8, 'little') + state['state']['state'].to_bytes(16, 'little')
                + state['state']['inc'].to_bytes(16, 'little') + bytes([state['has_uint32']])
                + state['uinteger'].to_bytes(4, 'little'))

    def _load_bytes(self, raw: bytes):
        bit_generator = numpy.random.PCG64()
        bit_generator.state = {'bit_generator': 'PCG64',
                               'state': {'state': int.from_bytes(raw[8:24], 'little'),
                                         'inc': int.from_bytes(raw[24:40], 'little')},
                               'has_uint32': raw[40], 'uinteger': int.from_bytes(raw[41:45], 'little')}
        self._seed = int.from_bytes(raw[:8], 'little')
        self._np = numpy.random.Generator(bit_generator)

    def __getstate__(self):
        return {'device': str(self._device), 'state': self._state_bytes()}

    def __setstate__(self, state):
        self._device = _device(state['device'])
        self._load_bytes(state['state'])

    def __repr__(self):
        return f'<torch._C.Generator object at {id(self):#x}>'


default_generator = Generator()


def numpy_generator(generator) -> numpy.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    if generator is None:
        return default_generator._np
    if not isinstance(generator, Generator):
        raise TypeError(f"argument 'generator' must be torch.Generator, not {type(generator).__name__}")
    return generator._np


def manual_seed(seed) -> Generator:
    """Seed the default generator (``int(seed)`` is used); returns it.

    >>> ember.manual_seed(0); a = ember.rand(2); ember.manual_seed(0); bool((a == ember.rand(2)).all())
    True
    """
    return default_generator.manual_seed(int(seed))


def seed() -> int:
    """Seed the default generator non-deterministically and return the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The seed the default generator was last seeded with."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state as a uint8 tensor."""
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    """Restore the default generator's state from ``get_rng_state``."""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, _caller='fork_rng', _devices_kw='devices', device_type='cuda'):
    """Restore the random state on exit: ``with ember.random.fork_rng(): ...``."""
    if not enabled:
        yield
        return
    state = default_generator._state_bytes()
    try:
        yield
    finally:
        default_generator._load_bytes(state)

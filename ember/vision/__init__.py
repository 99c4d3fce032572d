"""ember.vision: datasets, transforms, models and image utilities — torchvision's API on ember.

Under ``python -m ember``, ``import torchvision`` gives this package. The subpackages load on first use, and
Pillow only when an image is decoded or built.
"""
import importlib as _importlib

from . import datasets  # noqa: F401

__version__ = '0.1.0'

_LAZY = ('transforms', 'models', 'utils', 'io')


def __getattr__(name):
    if name in _LAZY:
        module = _importlib.import_module(f'{__name__}.{name}')
        globals()[name] = module
        return module
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))

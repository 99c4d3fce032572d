"""torchvision's model-builder conventions: ``weights=`` enums, the model registry (list_models/get_model).

ember ships no pretrained weights and cannot download them: a builder given ``weights`` (or ``pretrained=True``)
raises, naming how to load a checkpoint instead. The ``XXX_Weights`` enums exist so scripts that name them (and
use ``weights.transforms()`` for preprocessing) keep working.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import partial

__all__ = ['Weights', 'WeightsEnum', 'list_models', 'get_model', 'get_model_builder', 'get_weight']

_MODELS: dict = {}


@dataclass
class Weights:
    url: str
    transforms: object
    meta: dict = field(default_factory=dict)


class WeightsEnum(Enum):
    """Base of the ``<Model>_Weights`` enums: each member names a checkpoint ember does not bundle."""

    @classmethod
    def verify(cls, obj):
        if obj is not None:
            if isinstance(obj, str):
                obj = cls[obj.replace(cls.__name__ + '.', '')]
            elif not isinstance(obj, cls):
                raise TypeError(f'Invalid Weight class provided; expected {cls.__name__} but received '
                                f'{obj.__class__.__name__}.')
        return obj

    def __getattr__(self, name):
        if name in ('url', 'transforms', 'meta'):
            return getattr(self.value, name)
        raise AttributeError(name)

    def __repr__(self):
        return f'{self.__class__.__name__}.{self._name_}'


def _classification_transforms(crop_size=224, resize_size=256):
    from ..transforms import CenterCrop, Compose, Normalize, Resize, ToTensor  # noqa: PLC0415

    def build():
        return Compose([Resize(resize_size), CenterCrop(crop_size), ToTensor(),
                        Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])
    return build


def make_weights_enum(name, url, crop_size=224, resize_size=256, num_params=None):
    """An enum with IMAGENET1K_V1 (and DEFAULT as its alias) describing torchvision's checkpoint."""
    meta = {'num_params': num_params, 'categories': None}
    weights = Weights(url=url, transforms=partial(_classification_transforms(crop_size, resize_size)), meta=meta)
    enum = WeightsEnum(name, [('IMAGENET1K_V1', weights)])
    enum.DEFAULT = enum.IMAGENET1K_V1
    return enum


def handle_weights(builder_name, weights, kwargs):
    """Reject pretrained weights with a message saying how to load them; return the remaining kwargs."""
    pretrained = kwargs.pop('pretrained', False)
    kwargs.pop('progress', None)
    if weights is not None or pretrained:
        raise RuntimeError(f'{builder_name}: pretrained weights are not bundled with ember and cannot be downloaded; '
                           f'build the model with weights=None and load a checkpoint with '
                           f'model.load_state_dict(ember.load(path)) (torchvision .pth files load as they are)')
    return kwargs


def register_model(name=None):
    def wrapper(fn):
        _MODELS[name or fn.__name__] = fn
        return fn
    return wrapper


def list_models(module=None, include=None, exclude=None) -> list[str]:
    """Names of the registered model builders, sorted."""
    import fnmatch  # noqa: PLC0415
    names = sorted(_MODELS)
    if include is not None:
        include = [include] if isinstance(include, str) else include
        names = [n for n in names if any(fnmatch.fnmatch(n, pattern) for pattern in include)]
    if exclude is not None:
        exclude = [exclude] if isinstance(exclude, str) else exclude
        names = [n for n in names if not any(fnmatch.fnmatch(n, pattern) for pattern in exclude)]
    return names


def get_model_builder(name: str):
    name = name.lower()
    try:
        return _MODELS[name]
    except KeyError:
        raise ValueError(f'Unknown model {name}') from None


def get_model(name: str, **config):
    """Build a registered model by name: ``get_model('resnet18', num_classes=10)``."""
    return get_model_builder(name)(**config)


def get_weight(name: str):
    raise ValueError(f'get_weight: {name}: pretrained weights are not bundled with ember')

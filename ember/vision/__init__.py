"""ember.vision: datasets, transforms, models and image utilities — torchvision's API on ember.

Under ``python -m ember``, ``import torchvision`` gives this package.
"""
from . import datasets  # noqa: F401

__version__ = '0.1.0'

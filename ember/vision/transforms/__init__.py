"""ember.vision.transforms: torchvision.transforms on ember (PIL images and image tensors (..., C, H, W))."""
from . import functional  # noqa: F401
from ._autoaugment import RandAugment, TrivialAugmentWide  # noqa: F401
from .functional import InterpolationMode  # noqa: F401
from .transforms import *  # noqa: F401,F403

"""torchvision.transforms' classes on ember. Random choices are drawn from ember's global generator, so
``ember.manual_seed`` makes a pipeline reproducible.

>>> t = Compose([RandomCrop(24, padding=4), RandomHorizontalFlip(), ToTensor()])
"""
from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Sequence

import ember

from ...nn import Module
from . import functional as F
from .functional import InterpolationMode, _interpolation, _setup_size

__all__ = ['Compose', 'ToTensor', 'PILToTensor', 'ToPILImage', 'ConvertImageDtype', 'Normalize', 'Resize',
           'CenterCrop', 'Pad', 'Lambda', 'RandomApply', 'RandomChoice', 'RandomOrder', 'RandomCrop',
           'RandomHorizontalFlip', 'RandomVerticalFlip', 'RandomResizedCrop', 'FiveCrop', 'TenCrop',
           'ColorJitter', 'RandomRotation', 'RandomAffine', 'Grayscale', 'RandomGrayscale', 'RandomErasing',
           'GaussianBlur', 'RandomInvert', 'RandomPosterize', 'RandomSolarize', 'RandomAdjustSharpness',
           'RandomAutocontrast', 'RandomEqualize', 'InterpolationMode']


def _rand() -> float:
    return ember.rand(1).item()


def _uniform(low, high) -> float:
    return ember.empty(1).uniform_(low, high).item()


def _randint(low, high) -> int:
    return int(ember.randint(low, high, size=(1,)).item())


class Compose:
    """Apply transforms in order.

    >>> Compose([ToTensor(), Normalize([0.5], [0.5])])
    """

    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [self.__class__.__name__ + '(']
        lines += [f'    {t}' for t in self.transforms]
        return '\n'.join(lines) + '\n)'


class ToTensor:
    """PIL image or ndarray (H, W, C) -> float tensor (C, H, W) in [0, 1] (uint8 data is divided by 255)."""

    def __call__(self, pic):
        return F.to_tensor(pic)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class PILToTensor:
    """PIL image -> tensor (C, H, W) of the same dtype, values unchanged."""

    def __call__(self, pic):
        return F.pil_to_tensor(pic)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class ToPILImage:
    """Tensor (C, H, W) or ndarray (H, W, C) -> PIL image."""

    def __init__(self, mode=None):
        self.mode = mode

    def __call__(self, pic):
        return F.to_pil_image(pic, self.mode)

    def __repr__(self):
        return f'{self.__class__.__name__}(' + (f'mode={self.mode}' if self.mode is not None else '') + ')'


class ConvertImageDtype(Module):
    """Convert a tensor image to ``dtype``, rescaling its values."""

    def __init__(self, dtype) -> None:
        super().__init__()
        self.dtype = dtype

    def forward(self, image):
        return F.convert_image_dtype(image, self.dtype)


class Normalize(Module):
    """(x - mean) / std per channel.

    >>> Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])
    """

    def __init__(self, mean, std, inplace=False):
        super().__init__()
        self.mean = mean
        self.std = std
        self.inplace = inplace

    def forward(self, tensor):
        return F.normalize(tensor, self.mean, self.std, self.inplace)

    def __repr__(self):
        return f'{self.__class__.__name__}(mean={self.mean}, std={self.std})'


class Resize(Module):
    """Resize to ``size`` (h, w), or match the smaller edge to ``size`` when it is an int."""

    def __init__(self, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
        super().__init__()
        if not isinstance(size, (int, Sequence)) and size is not None:
            raise TypeError(f'Size should be int or sequence. Got {type(size)}')
        if isinstance(size, Sequence) and len(size) not in (1, 2):
            raise ValueError('If size is a sequence, it should have 1 or 2 values')
        self.size = size
        self.max_size = max_size
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias

    def forward(self, img):
        return F.resize(img, self.size, self.interpolation, self.max_size, self.antialias)

    def __repr__(self):
        return (f'{self.__class__.__name__}(size={self.size}, interpolation={self.interpolation.value}, '
                f'max_size={self.max_size}, antialias={self.antialias})')


class CenterCrop(Module):
    """Crop the center (zero-padding first when the image is smaller than ``size``)."""

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for size.')

    def forward(self, img):
        return F.center_crop(img, self.size)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size})'


def _check_pad_args(padding, fill, padding_mode):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate padding arg')
    if not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate fill arg')
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError('Padding mode should be either constant, edge, reflect or symmetric')
    if isinstance(padding, Sequence) and len(padding) not in (1, 2, 4):
        raise ValueError(f'Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple')


class Pad(Module):
    """Pad the borders: ``padding`` int, (left/right, top/bottom) or (left, top, right, bottom)."""

    def __init__(self, padding, fill=0, padding_mode='constant'):
        super().__init__()
        _check_pad_args(padding, fill, padding_mode)
        self.padding = padding
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        return F.pad(img, self.padding, self.fill, self.padding_mode)

    def __repr__(self):
        return (f'{self.__class__.__name__}(padding={self.padding}, fill={self.fill}, '
                f'padding_mode={self.padding_mode})')


class Lambda:
    """Apply a user function."""

    def __init__(self, lambd):
        if not callable(lambd):
            raise TypeError(f'Argument lambd should be callable, got {type(lambd).__name__!r}')
        self.lambd = lambd

    def __call__(self, img):
        return self.lambd(img)

    def __repr__(self):
        return f'{self.__class__.__name__}()'


class RandomTransforms:
    """Base of the transforms that pick among a list of transforms."""

    def __init__(self, transforms):
        if not isinstance(transforms, Sequence):
            raise TypeError('Argument transforms should be a sequence')
        self.transforms = transforms

    def __call__(self, *args, **kwargs):
        raise NotImplementedError()

    def __repr__(self):
        lines = [self.__class__.__name__ + '('] + [f'    {t}' for t in self.transforms]
        return '\n'.join(lines) + '\n)'


class RandomApply(Module):
    """Apply all of ``transforms`` with probability ``p``."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, img):
        if self.p < _rand():
            return img
        for t in self.transforms:
            img = t(img)
        return img

    def __repr__(self):
        lines = [f'{self.__class__.__name__}(', f'    p={self.p}'] + [f'    {t}' for t in self.transforms]
        return '\n'.join(lines) + '\n)'


class RandomOrder(RandomTransforms):
    """Apply ``transforms`` in a random order."""

    def __call__(self, img):
        for i in ember.randperm(len(self.transforms)).tolist():
            img = self.transforms[i](img)
        return img


class RandomChoice(RandomTransforms):
    """Apply one of ``transforms``, picked with probabilities ``p`` (uniform by default)."""

    def __init__(self, transforms, p=None):
        super().__init__(transforms)
        if p is not None and not isinstance(p, Sequence):
            raise TypeError('Argument p should be a sequence')
        if p is not None and len(p) != len(transforms):
            raise ValueError(f'Length of p doesn\'t match the number of transforms: {len(p)} != {len(transforms)}')
        self.p = [1.0 / len(transforms)] * len(transforms) if p is None else [float(x) for x in p]

    def __call__(self, *args):
        idx = int(ember.multinomial(ember.tensor(self.p), 1).item())
        return self.transforms[idx](*args)

    def __repr__(self):
        return f'{super().__repr__()[:-2]}\n    p={self.p}\n)'


class RandomCrop(Module):
    """Crop at a random position, after optional ``padding`` (and ``pad_if_needed`` to reach ``size``)."""

    @staticmethod
    def get_params(img, output_size):
        _, h, w = F.get_dimensions(img)
        th, tw = output_size
        if h < th or w < tw:
            raise ValueError(f'Required crop size {(th, tw)} is larger than input image size {(h, w)}')
        if w == tw and h == th:
            return 0, 0, h, w
        return _randint(0, h - th + 1), _randint(0, w - tw + 1), th, tw

    def __init__(self, size, padding=None, pad_if_needed=False, fill=0, padding_mode='constant'):
        super().__init__()
        self.size = tuple(_setup_size(size, error_msg='Please provide only two dimensions (h, w) for size.'))
        if padding is not None:
            _check_pad_args(padding, fill, padding_mode)
        self.padding = padding
        self.pad_if_needed = pad_if_needed
        self.fill = fill
        self.padding_mode = padding_mode

    def forward(self, img):
        if self.padding is not None:
            img = F.pad(img, self.padding, self.fill, self.padding_mode)
        _, height, width = F.get_dimensions(img)
        if self.pad_if_needed and width < self.size[1]:
            img = F.pad(img, [self.size[1] - width, 0], self.fill, self.padding_mode)
        if self.pad_if_needed and height < self.size[0]:
            _, height, width = F.get_dimensions(img)
            img = F.pad(img, [0, self.size[0] - height], self.fill, self.padding_mode)
        i, j, h, w = self.get_params(img, self.size)
        return F.crop(img, i, j, h, w)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size}, padding={self.padding})'


class RandomHorizontalFlip(Module):
    """Flip left-right with probability ``p``."""

    def __init__(self, p=0.5):
        super().__init__()
        self.p = p

    def forward(self, img):
        return F.hflip(img) if _rand() < self.p else img

    def __repr__(self):
        return f'{self.__class__.__name__}(p={self.p})'


class RandomVerticalFlip(RandomHorizontalFlip):
    """Flip top-bottom with probability ``p``."""

    def forward(self, img):
        return F.vflip(img) if _rand() < self.p else img


class RandomResizedCrop(Module):
    """Crop a random area fraction (``scale``) with a random aspect ratio (``ratio``), resized to ``size``."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0),
                 interpolation=InterpolationMode.BILINEAR, antialias=True):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for size.')
        if not isinstance(scale, Sequence):
            raise TypeError('Scale should be a sequence')
        if not isinstance(ratio, Sequence):
            raise TypeError('Ratio should be a sequence')
        if scale[0] > scale[1] or ratio[0] > ratio[1]:
            warnings.warn('Scale and ratio should be of kind (min, max)', stacklevel=2)
        self.interpolation = _interpolation(interpolation)
        self.antialias = antialias
        self.scale = scale
        self.ratio = ratio

    @staticmethod
    def get_params(img, scale, ratio):
        _, height, width = F.get_dimensions(img)
        area = height * width
        log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
        for _ in range(10):
            target_area = area * _uniform(scale[0], scale[1])
            aspect_ratio = math.exp(_uniform(log_ratio[0], log_ratio[1]))
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if 0 < w <= width and 0 < h <= height:
                return _randint(0, height - h + 1), _randint(0, width - w + 1), h, w
        in_ratio = float(width) / float(height)  # fall back to a central crop
        if in_ratio < min(ratio):
            w = width
            h = int(round(w / min(ratio)))
        elif in_ratio > max(ratio):
            h = height
            w = int(round(h * max(ratio)))
        else:
            w, h = width, height
        return (height - h) // 2, (width - w) // 2, h, w

    def forward(self, img):
        i, j, h, w = self.get_params(img, self.scale, self.ratio)
        return F.resized_crop(img, i, j, h, w, self.size, self.interpolation, antialias=self.antialias)

    def __repr__(self):
        scale = tuple(round(s, 4) for s in self.scale)
        ratio = tuple(round(r, 4) for r in self.ratio)
        return (f'{self.__class__.__name__}(size={self.size}, scale={scale}, ratio={ratio}, '
                f'interpolation={self.interpolation.value}, antialias={self.antialias})')


class FiveCrop(Module):
    """The four corners and the center crop."""

    def __init__(self, size):
        super().__init__()
        self.size = _setup_size(size, error_msg='Please provide only two dimensions (h, w) for size.')

    def forward(self, img):
        return F.five_crop(img, self.size)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size})'


class TenCrop(FiveCrop):
    """FiveCrop of the image and of its flipped copy."""

    def __init__(self, size, vertical_flip=False):
        super().__init__(size)
        self.vertical_flip = vertical_flip

    def forward(self, img):
        return F.ten_crop(img, self.size, self.vertical_flip)

    def __repr__(self):
        return f'{self.__class__.__name__}(size={self.size}, vertical_flip={self.vertical_flip})'


from ._transforms_more import (  # noqa: E402
    ColorJitter, GaussianBlur, Grayscale, RandomAdjustSharpness, RandomAffine, RandomAutocontrast, RandomEqualize,
    RandomErasing, RandomGrayscale, RandomInvert, RandomPosterize, RandomRotation, RandomSolarize,
)

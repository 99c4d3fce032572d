"""RandAugment (Cubuk et al., 2019) and TrivialAugmentWide (Müller & Hutter, 2021) on PIL images and uint8 tensors.

>>> RandAugment(num_ops=2, magnitude=9)(ember.zeros(3, 16, 16, dtype=ember.uint8)).shape
torch.Size([3, 16, 16])
"""
from __future__ import annotations

import math

import numpy

import ember

from ...nn import Module
from . import functional as F
from .functional import InterpolationMode, _interpolation

__all__ = ['RandAugment', 'TrivialAugmentWide']


def _apply_op(img, op_name, magnitude, interpolation, fill):
    if op_name == 'ShearX':
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                        shear=[math.degrees(math.atan(magnitude)), 0.0], interpolation=interpolation, fill=fill,
                        center=[0, 0])
    if op_name == 'ShearY':
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0,
                        shear=[0.0, math.degrees(math.atan(magnitude))], interpolation=interpolation, fill=fill,
                        center=[0, 0])
    if op_name == 'TranslateX':
        return F.affine(img, angle=0.0, translate=[int(magnitude), 0], scale=1.0, shear=[0.0, 0.0],
                        interpolation=interpolation, fill=fill)
    if op_name == 'TranslateY':
        return F.affine(img, angle=0.0, translate=[0, int(magnitude)], scale=1.0, shear=[0.0, 0.0],
                        interpolation=interpolation, fill=fill)
    if op_name == 'Rotate':
        return F.rotate(img, magnitude, interpolation=interpolation, fill=fill)
    factor_ops = {'Brightness': F.adjust_brightness, 'Color': F.adjust_saturation, 'Contrast': F.adjust_contrast,
                  'Sharpness': F.adjust_sharpness}
    if op_name in factor_ops:
        return factor_ops[op_name](img, 1.0 + magnitude)
    if op_name == 'Posterize':
        return F.posterize(img, int(magnitude))
    if op_name == 'Solarize':
        return F.solarize(img, magnitude)
    if op_name == 'AutoContrast':
        return F.autocontrast(img)
    if op_name == 'Equalize':
        return F.equalize(img)
    if op_name == 'Invert':
        return F.invert(img)
    if op_name == 'Identity':
        return img
    raise ValueError(f'The provided operator {op_name} is not recognized.')


def _linspace(start, end, num):
    return numpy.linspace(start, end, num, dtype=numpy.float32)


class _AugmentBase(Module):
    def __init__(self, num_magnitude_bins, interpolation, fill):
        super().__init__()
        self.num_magnitude_bins = num_magnitude_bins
        self.interpolation = _interpolation(interpolation)
        self.fill = fill

    def _fill_for(self, img):
        fill = self.fill
        if isinstance(img, ember.Tensor):
            channels = F.get_dimensions(img)[0]
            if isinstance(fill, (int, float)):
                fill = [float(fill)] * channels
            elif fill is not None:
                fill = [float(f) for f in fill]
        return fill

    @staticmethod
    def _randint(high):
        return int(ember.randint(high, (1,)).item())


class RandAugment(_AugmentBase):
    """Apply ``num_ops`` operations drawn uniformly, each at the fixed ``magnitude`` (of ``num_magnitude_bins``)."""

    def __init__(self, num_ops=2, magnitude=9, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST,
                 fill=None):
        super().__init__(num_magnitude_bins, interpolation, fill)
        self.num_ops = num_ops
        self.magnitude = magnitude

    @staticmethod
    def _augmentation_space(num_bins, image_size):
        return {
            'Identity': (numpy.float32(0.0), False),
            'ShearX': (_linspace(0.0, 0.3, num_bins), True),
            'ShearY': (_linspace(0.0, 0.3, num_bins), True),
            'TranslateX': (_linspace(0.0, 150.0 / 331.0 * image_size[1], num_bins), True),
            'TranslateY': (_linspace(0.0, 150.0 / 331.0 * image_size[0], num_bins), True),
            'Rotate': (_linspace(0.0, 30.0, num_bins), True),
            'Brightness': (_linspace(0.0, 0.9, num_bins), True),
            'Color': (_linspace(0.0, 0.9, num_bins), True),
            'Contrast': (_linspace(0.0, 0.9, num_bins), True),
            'Sharpness': (_linspace(0.0, 0.9, num_bins), True),
            'Posterize': (8 - numpy.round(numpy.arange(num_bins) / ((num_bins - 1) / 4)).astype(numpy.int64), False),
            'Solarize': (_linspace(255.0, 0.0, num_bins), False),
            'AutoContrast': (numpy.float32(0.0), False),
            'Equalize': (numpy.float32(0.0), False),
        }

    def forward(self, img):
        fill = self._fill_for(img)
        _, height, width = F.get_dimensions(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins, (height, width))
        for _ in range(self.num_ops):
            op_name = list(op_meta)[self._randint(len(op_meta))]
            magnitudes, signed = op_meta[op_name]
            magnitude = float(magnitudes[self.magnitude]) if numpy.ndim(magnitudes) > 0 else 0.0
            if signed and self._randint(2):
                magnitude *= -1.0
            img = _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)
        return img

    def __repr__(self):
        return (f'{self.__class__.__name__}(num_ops={self.num_ops}, magnitude={self.magnitude}, '
                f'num_magnitude_bins={self.num_magnitude_bins}, interpolation={self.interpolation}, '
                f'fill={self.fill})')


class TrivialAugmentWide(_AugmentBase):
    """Apply one operation drawn uniformly, at a magnitude drawn uniformly from ``num_magnitude_bins``."""

    def __init__(self, num_magnitude_bins=31, interpolation=InterpolationMode.NEAREST, fill=None):
        super().__init__(num_magnitude_bins, interpolation, fill)

    @staticmethod
    def _augmentation_space(num_bins):
        return {
            'Identity': (numpy.float32(0.0), False),
            'ShearX': (_linspace(0.0, 0.99, num_bins), True),
            'ShearY': (_linspace(0.0, 0.99, num_bins), True),
            'TranslateX': (_linspace(0.0, 32.0, num_bins), True),
            'TranslateY': (_linspace(0.0, 32.0, num_bins), True),
            'Rotate': (_linspace(0.0, 135.0, num_bins), True),
            'Brightness': (_linspace(0.0, 0.99, num_bins), True),
            'Color': (_linspace(0.0, 0.99, num_bins), True),
            'Contrast': (_linspace(0.0, 0.99, num_bins), True),
            'Sharpness': (_linspace(0.0, 0.99, num_bins), True),
            'Posterize': (8 - numpy.round(numpy.arange(num_bins) / ((num_bins - 1) / 6)).astype(numpy.int64), False),
            'Solarize': (_linspace(255.0, 0.0, num_bins), False),
            'AutoContrast': (numpy.float32(0.0), False),
            'Equalize': (numpy.float32(0.0), False),
        }

    def forward(self, img):
        fill = self._fill_for(img)
        op_meta = self._augmentation_space(self.num_magnitude_bins)
        op_name = list(op_meta)[self._randint(len(op_meta))]
        magnitudes, signed = op_meta[op_name]
        magnitude = float(magnitudes[self._randint(len(magnitudes))]) if numpy.ndim(magnitudes) > 0 else 0.0
        if signed and self._randint(2):
            magnitude *= -1.0
        return _apply_op(img, op_name, magnitude, interpolation=self.interpolation, fill=fill)

    def __repr__(self):
        return (f'{self.__class__.__name__}(num_magnitude_bins={self.num_magnitude_bins}, '
                f'interpolation={self.interpolation}, fill={self.fill})')

"""The tone functions of transforms.functional (gamma, sharpness, posterize, solarize, autocontrast, equalize), for
PIL images and image tensors."""
from __future__ import annotations

import numpy

import ember

from . import _functional_pil as F_pil
from . import _functional_tensor as F_t

__all__ = ['adjust_gamma', 'adjust_sharpness', 'posterize', 'solarize', 'autocontrast', 'equalize']


def _check(img, name):
    if isinstance(img, ember.Tensor):
        F_t.assert_image_tensor(img)
        return True
    if F_pil.is_pil_image(img):
        return False
    raise TypeError(f'{name}: img should be PIL Image or Tensor. Got {type(img)}')


def _convert(img, dtype):
    from .functional import convert_image_dtype  # noqa: PLC0415
    return convert_image_dtype(img, dtype)


def adjust_gamma(img, gamma: float, gain: float = 1.0):
    """gain * img ** gamma on values scaled to [0, 1].

    >>> adjust_gamma(ember.full((1, 1, 1), 0.25), 0.5).item()
    0.5
    """
    if gamma < 0:
        raise ValueError('Gamma should be a non-negative real number')
    if not _check(img, 'adjust_gamma'):
        input_mode = img.mode
        gamma_map = [int((255 + 1 - 1e-3) * gain * pow(v / 255.0, gamma)) for v in range(256)] * 3
        return img.convert('RGB').point(gamma_map).convert(input_mode)
    dtype = img.dtype
    result = img if dtype.is_floating_point else _convert(img, ember.float32)
    result = (gain * result ** gamma).clamp(0, 1)
    return _convert(result, dtype)


def adjust_sharpness(img, sharpness_factor: float):
    """Blend with a smoothed copy (0: smoothed, 1: unchanged, 2: sharpened); borders stay as they are."""
    if sharpness_factor < 0:
        raise ValueError(f'sharpness_factor ({sharpness_factor}) is not non-negative.')
    if not _check(img, 'adjust_sharpness'):
        from PIL import ImageEnhance  # noqa: PLC0415
        return ImageEnhance.Sharpness(img).enhance(sharpness_factor)
    F_t.assert_channels(img, [1, 3])
    if img.shape[-1] <= 2 or img.shape[-2] <= 2:
        return img
    from ...nn import functional as F  # noqa: PLC0415
    work, dtype = F_t.to_float(img)
    kernel = numpy.ones((3, 3))
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    channels = img.shape[-3]
    weight = ember.as_tensor(kernel, dtype=work.dtype, device=img.device).expand(channels, 1, 3, 3)
    smooth = F.conv2d(work.reshape(-1, channels, *img.shape[-2:]), weight, groups=channels)
    smooth = F_t.from_float(smooth, dtype).reshape(*img.shape[:-2], img.shape[-2] - 2, img.shape[-1] - 2)
    degenerate = img.clone()
    degenerate[..., 1:-1, 1:-1] = smooth
    return F_t.blend(img, degenerate, sharpness_factor)


def posterize(img, bits: int):
    """Keep the ``bits`` high bits of each uint8 channel value."""
    if not 0 <= bits <= 8:
        raise ValueError(f'The number if bits should be between 0 and 8. Got {bits}')
    if not _check(img, 'posterize'):
        from PIL import ImageOps  # noqa: PLC0415
        return ImageOps.posterize(img, bits)
    if img.dtype != ember.uint8:
        raise TypeError(f'Only torch.uint8 image tensors are supported, but found {img.dtype}')
    return img & (256 - 2 ** (8 - bits))


def solarize(img, threshold: float):
    """Invert the values at or above ``threshold``."""
    if not _check(img, 'solarize'):
        from PIL import ImageOps  # noqa: PLC0415
        return ImageOps.solarize(img, threshold)
    bound = F_t.max_value(img.dtype)
    if threshold > bound:
        raise TypeError('Threshold should be less than bound of img.')
    return ember.where(img >= threshold, bound - img, img)


def autocontrast(img):
    """Stretch each channel to span the full value range."""
    if not _check(img, 'autocontrast'):
        from PIL import ImageOps  # noqa: PLC0415
        return ImageOps.autocontrast(img)
    bound = F_t.max_value(img.dtype)
    work, dtype = F_t.to_float(img)
    host = work.detach().cpu().numpy()
    minimum = host.min(axis=(-2, -1), keepdims=True)
    maximum = host.max(axis=(-2, -1), keepdims=True)
    same = maximum == minimum
    scale = numpy.where(same, 1.0, bound / numpy.where(same, 1.0, maximum - minimum)).astype(host.dtype)
    minimum = numpy.where(same, 0.0, minimum).astype(host.dtype)
    minimum = ember.as_tensor(minimum, device=img.device)
    scale = ember.as_tensor(scale, device=img.device)
    return ((work - minimum) * scale).clamp(0, bound).to(dtype)


def _equalize_channel(channel):
    hist = numpy.bincount(channel.ravel(), minlength=256)
    nonzero = hist[hist != 0]
    step = int(nonzero[:-1].sum()) // 255
    if step == 0:
        return channel
    lut = (numpy.cumsum(hist) + step // 2) // step
    lut = numpy.clip(numpy.concatenate([[0], lut[:-1]]), 0, 255)
    return lut[channel].astype(numpy.uint8)


def equalize(img):
    """Histogram-equalize each channel of a uint8 image."""
    if not _check(img, 'equalize'):
        from PIL import ImageOps  # noqa: PLC0415
        return ImageOps.equalize(img)
    if img.dtype != ember.uint8:
        raise TypeError(f'Only torch.uint8 image tensors are supported, but found {img.dtype}')
    host = img.detach().cpu().numpy()
    flat = host.reshape(-1, *host.shape[-2:])
    out = numpy.stack([_equalize_channel(c) for c in flat]).reshape(host.shape)
    return ember.as_tensor(out, device=img.device)

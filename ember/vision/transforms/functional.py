"""torchvision.transforms.functional on ember: each function takes a PIL image or an image tensor (..., C, H, W).

>>> img = ember.rand(3, 32, 48)
>>> F.resize(img, [16, 24]).shape
torch.Size([3, 16, 24])
"""
from __future__ import annotations

import numbers
from enum import Enum

import numpy

import ember

from . import _functional_pil as F_pil
from . import _functional_tensor as F_t
from ._functional_color import adjust_gamma, adjust_sharpness, autocontrast, equalize, posterize, solarize  # noqa: F401

__all__ = ['InterpolationMode', 'get_dimensions', 'get_image_size', 'get_image_num_channels', 'to_tensor',
           'pil_to_tensor', 'to_pil_image', 'convert_image_dtype', 'normalize', 'resize', 'pad', 'crop', 'center_crop',
           'resized_crop', 'hflip', 'vflip', 'rotate', 'affine', 'rgb_to_grayscale', 'to_grayscale',
           'adjust_brightness', 'adjust_contrast', 'adjust_saturation', 'adjust_hue', 'gaussian_blur', 'erase',
           'five_crop', 'ten_crop', 'invert', 'adjust_gamma', 'adjust_sharpness', 'posterize', 'solarize',
           'autocontrast', 'equalize']


class InterpolationMode(Enum):
    """Interpolation modes of resize, rotate and affine (Pillow's filters for PIL images)."""

    NEAREST = 'nearest'
    NEAREST_EXACT = 'nearest-exact'
    BILINEAR = 'bilinear'
    BICUBIC = 'bicubic'
    BOX = 'box'
    HAMMING = 'hamming'
    LANCZOS = 'lanczos'


_FROM_PIL_INT = {0: InterpolationMode.NEAREST, 2: InterpolationMode.BILINEAR, 3: InterpolationMode.BICUBIC,
                 4: InterpolationMode.BOX, 5: InterpolationMode.HAMMING, 1: InterpolationMode.LANCZOS}


def _interpolation(interpolation) -> InterpolationMode:
    if isinstance(interpolation, InterpolationMode):
        return interpolation
    if isinstance(interpolation, int) and interpolation in _FROM_PIL_INT:
        return _FROM_PIL_INT[interpolation]
    if isinstance(interpolation, str):
        return InterpolationMode(interpolation)
    raise TypeError('Argument interpolation should be a InterpolationMode or a corresponding Pillow integer constant')


def _is_tensor(img) -> bool:
    return isinstance(img, ember.Tensor)


def _dispatch(img, name):
    if _is_tensor(img):
        return F_t
    if F_pil.is_pil_image(img):
        return F_pil
    raise TypeError(f'{name}: img should be PIL Image or Tensor. Got {type(img)}')


# ------------------------------------------------------------------------------------------------ image facts

def get_dimensions(img) -> list[int]:
    """[channels, height, width] of a PIL image or an image tensor."""
    return _dispatch(img, 'get_dimensions').get_dimensions(img)


def get_image_size(img) -> list[int]:
    """[width, height] of the image."""
    _, h, w = get_dimensions(img)
    return [w, h]


def get_image_num_channels(img) -> int:
    return get_dimensions(img)[0]


# ------------------------------------------------------------------------------------------------ conversions

_PIL_INT_MODES = {'I': numpy.int32, 'I;16': numpy.int16, 'I;16B': numpy.int16, 'F': numpy.float32}


def _pil_array(pic):
    if pic.mode == '1':
        return 255 * numpy.array(pic, numpy.uint8)
    return numpy.array(pic, _PIL_INT_MODES.get(pic.mode, numpy.uint8), copy=True)


def to_tensor(pic) -> ember.Tensor:
    """PIL image or (H, W[, C]) ndarray -> (C, H, W) tensor; uint8 data is scaled to float in [0, 1].

    >>> to_tensor(numpy.full((2, 2, 3), 255, numpy.uint8)).shape
    torch.Size([3, 2, 2])
    """
    if not (F_pil.is_pil_image(pic) or isinstance(pic, numpy.ndarray)):
        raise TypeError(f'pic should be PIL Image or ndarray. Got {type(pic)}')
    if isinstance(pic, numpy.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f'pic should be 2/3 dimensional. Got {pic.ndim} dimensions.')
        array = pic[:, :, None] if pic.ndim == 2 else pic
    else:
        array = _pil_array(pic).reshape(pic.size[1], pic.size[0], len(pic.getbands()))
    img = ember.from_numpy(numpy.ascontiguousarray(array.transpose(2, 0, 1)))
    if img.dtype == ember.uint8:
        return img.to(ember.get_default_dtype()).div(255)
    return img


def pil_to_tensor(pic) -> ember.Tensor:
    """PIL image -> (C, H, W) tensor of its own dtype (uint8 for 8-bit modes), values unchanged.

    >>> pil_to_tensor(to_pil_image(ember.zeros(3, 2, 2))).dtype
    torch.uint8
    """
    if not F_pil.is_pil_image(pic):
        raise TypeError(f'pic should be PIL Image. Got {type(pic)}')
    array = numpy.array(pic, copy=True)  # Pillow's own dtype: bool for '1', int32 for 'I', float32 for 'F'
    if array.dtype == numpy.uint16:  # 16-bit modes: ember has no uint16, int32 holds every value
        array = array.astype(numpy.int32)
    img = ember.from_numpy(array.reshape(pic.size[1], pic.size[0], len(pic.getbands())))
    return img.permute(2, 0, 1)


_DEFAULT_MODES = {1: {numpy.uint8: 'L', numpy.int16: 'I;16', numpy.int32: 'I', numpy.float32: 'F'},
                  2: {numpy.uint8: 'LA'}, 3: {numpy.uint8: 'RGB'}, 4: {numpy.uint8: 'RGBA'}}
_PERMITTED = {2: ['LA'], 3: ['RGB', 'YCbCr', 'HSV'], 4: ['RGBA', 'CMYK', 'RGBX']}


def to_pil_image(pic, mode=None):
    """(C, H, W) tensor or (H, W, C) ndarray -> PIL image; float data is taken as [0, 1] and scaled to uint8.

    >>> to_pil_image(ember.zeros(3, 4, 5)).size
    (5, 4)
    """
    from PIL import Image  # noqa: PLC0415
    if isinstance(pic, ember.Tensor):
        if pic.ndim not in (2, 3):
            raise ValueError(f'pic should be 2/3 dimensional. Got {pic.ndim} dimensions.')
        if pic.ndim == 2:
            pic = pic.unsqueeze(0)
        if pic.shape[-3] > 4:
            raise ValueError(f'pic should not have > 4 channels. Got {pic.shape[-3]} channels.')
        if pic.is_floating_point() and mode != 'F':
            host = pic.detach().cpu().numpy()
            with numpy.errstate(invalid='ignore', over='ignore'):  # out-of-range values wrap, as torch's byte()
                npimg = (host * 255).astype(numpy.int64).astype(numpy.uint8)
        else:
            npimg = pic.detach().cpu().numpy()
        npimg = numpy.transpose(npimg, (1, 2, 0))
    elif isinstance(pic, numpy.ndarray):
        if pic.ndim not in (2, 3):
            raise ValueError(f'pic should be 2/3 dimensional. Got {pic.ndim} dimensions.')
        npimg = pic[:, :, None] if pic.ndim == 2 else pic
        if npimg.shape[-1] > 4:
            raise ValueError(f'pic should not have > 4 channels. Got {npimg.shape[-1]} channels.')
    else:
        raise TypeError(f'pic should be Tensor or ndarray. Got {type(pic)}.')
    channels = npimg.shape[2]
    if channels == 1:
        npimg = npimg[:, :, 0]
        expected = _DEFAULT_MODES[1].get(npimg.dtype.type)
        if mode is not None and mode != expected and expected is not None:
            raise ValueError(f'Incorrect mode ({mode}) supplied for input type {npimg.dtype}. Should be {expected}')
        mode = expected if mode is None or expected is not None else mode
    else:
        if mode is not None and mode not in _PERMITTED[channels]:
            raise ValueError(f'Only modes {_PERMITTED[channels]} are supported for {channels}D inputs')
        if mode is None and npimg.dtype == numpy.uint8:
            mode = _DEFAULT_MODES[channels][numpy.uint8]
    if mode is None:
        raise TypeError(f'Input type {npimg.dtype} is not supported')
    if mode in ('I;16', 'I;16B'):
        return Image.frombytes(mode, (npimg.shape[1], npimg.shape[0]),
                               numpy.ascontiguousarray(npimg, '<i2' if mode == 'I;16' else '>i2').tobytes())
    return Image.fromarray(numpy.ascontiguousarray(npimg), mode=mode)


def convert_image_dtype(image: ember.Tensor, dtype=ember.float32) -> ember.Tensor:
    """Convert an image tensor's dtype, rescaling values (floats are in [0, 1], integers in [0, dtype max])."""
    if not isinstance(image, ember.Tensor):
        raise TypeError('Input img should be Tensor Image')
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == ember.float32 and dtype in (ember.int32, ember.int64)) or (
                image.dtype == ember.float64 and dtype == ember.int64):
            raise RuntimeError(f'The cast from {image.dtype} to {dtype} cannot be performed safely.')
        eps = 1e-3
        return image.mul(F_t.max_value(dtype) + 1.0 - eps).to(dtype)
    input_max = F_t.max_value(image.dtype)
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = F_t.max_value(dtype)
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return ember.div(image, factor, rounding_mode='floor').to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def normalize(tensor: ember.Tensor, mean, std, inplace: bool = False) -> ember.Tensor:
    """(x - mean) / std per channel of a float image tensor (..., C, H, W).

    >>> normalize(ember.ones(3, 2, 2), [0.5] * 3, [0.5] * 3)[0, 0, 0].item()
    1.0
    """
    if not isinstance(tensor, ember.Tensor):
        raise TypeError(f'img should be Tensor Image. Got {type(tensor)}')
    if not tensor.is_floating_point():
        raise TypeError(f'Input tensor should be a float tensor. Got {tensor.dtype}.')
    if tensor.ndim < 3:
        raise ValueError(f'Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = '
                         f'{tensor.size()}')
    if not inplace:
        tensor = tensor.clone()
    mean = ember.as_tensor(mean, dtype=tensor.dtype, device=tensor.device)
    std = ember.as_tensor(std, dtype=tensor.dtype, device=tensor.device)
    if bool((std == 0).any()):
        raise ValueError(f'std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.')
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


# ------------------------------------------------------------------------------------------------ geometry

def _resized_size(h, w, size, max_size):
    if size is None or isinstance(size, int) or len(size) == 1:
        if size is None:
            if max_size is None:
                raise ValueError('resize: size can only be None when max_size is given')
            return _long_edge(h, w, max_size)
        requested = size if isinstance(size, int) else size[0]
        short, long = (w, h) if w <= h else (h, w)
        new_short, new_long = requested, int(requested * long / short)
        if max_size is not None:
            if max_size <= requested:
                raise ValueError(f'max_size = {max_size} must be strictly greater than the requested size for the '
                                 f'smaller edge size = {size}')
            if new_long > max_size:
                new_short, new_long = int(max_size * new_short / new_long), max_size
        new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
        return [new_h, new_w]
    if max_size is not None:
        raise ValueError('max_size should only be passed if size specifies the length of the smaller edge, i.e. size '
                         'should be an int or a sequence of length 1 in torchscript mode.')
    return [int(size[0]), int(size[1])]


def _long_edge(h, w, max_size):
    if w >= h:
        return [int(max_size * h / w), max_size]
    return [max_size, int(max_size * w / h)]


def resize(img, size, interpolation=InterpolationMode.BILINEAR, max_size=None, antialias=True):
    """Resize to ``size`` ([h, w]), or so that the smaller edge is ``size`` when it is an int.

    >>> resize(ember.rand(3, 10, 20), 5).shape
    torch.Size([3, 5, 10])
    """
    interpolation = _interpolation(interpolation)
    if isinstance(size, (list, tuple)) and len(size) not in (1, 2):
        raise ValueError(f'Size must be an int or a 1 or 2 element tuple/list, not a {len(size)} element tuple/list')
    if size is not None and not isinstance(size, (int, list, tuple)):
        raise TypeError(f'Size should be int or sequence. Got {type(size)}')
    _, h, w = get_dimensions(img)
    output_size = _resized_size(h, w, size, max_size)
    if _is_tensor(img):
        return F_t.resize(img, output_size, interpolation.value, antialias=antialias)
    return F_pil.resize(img, output_size, interpolation.value)


def _parse_padding(padding):
    if not isinstance(padding, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate padding arg')
    if isinstance(padding, numbers.Number):
        return [int(padding)] * 4
    if len(padding) not in (1, 2, 4):
        raise ValueError(f'Padding must be an int or a 1, 2, or 4 element tuple, not a {len(padding)} element tuple')
    if len(padding) == 1:
        return [int(padding[0])] * 4
    if len(padding) == 2:
        return [int(padding[0]), int(padding[1]), int(padding[0]), int(padding[1])]
    return [int(p) for p in padding]


def pad(img, padding, fill=0, padding_mode: str = 'constant'):
    """Pad each border (int, [lr, tb] or [l, t, r, b]) with a constant, edge, reflect or symmetric values."""
    ltrb = _parse_padding(padding)
    if not isinstance(fill, (numbers.Number, tuple, list)):
        raise TypeError('Got inappropriate fill arg')
    if padding_mode not in ('constant', 'edge', 'reflect', 'symmetric'):
        raise ValueError('Padding mode should be either constant, edge, reflect or symmetric')
    return _dispatch(img, 'pad').pad(img, ltrb, fill=fill, padding_mode=padding_mode)


def crop(img, top: int, left: int, height: int, width: int):
    """The (height, width) region at (top, left); regions past the border are zero-filled."""
    return _dispatch(img, 'crop').crop(img, top, left, height, width)


def _setup_size(size, error_msg='Please provide only two dimensions (h, w) for size.'):
    if isinstance(size, numbers.Number):
        return int(size), int(size)
    if isinstance(size, (list, tuple)) and len(size) == 1:
        return size[0], size[0]
    if len(size) != 2:
        raise ValueError(error_msg)
    return size[0], size[1]


def center_crop(img, output_size):
    """The central crop of ``output_size`` (int or [h, w]); zero-padded first when the image is smaller."""
    crop_height, crop_width = _setup_size(output_size)
    _, image_height, image_width = get_dimensions(img)
    if crop_width > image_width or crop_height > image_height:
        padding_ltrb = [(crop_width - image_width) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height) // 2 if crop_height > image_height else 0,
                        (crop_width - image_width + 1) // 2 if crop_width > image_width else 0,
                        (crop_height - image_height + 1) // 2 if crop_height > image_height else 0]
        img = pad(img, padding_ltrb, fill=0)
        _, image_height, image_width = get_dimensions(img)
        if crop_width == image_width and crop_height == image_height:
            return img
    crop_top = int(round((image_height - crop_height) / 2.0))
    crop_left = int(round((image_width - crop_width) / 2.0))
    return crop(img, crop_top, crop_left, crop_height, crop_width)


def resized_crop(img, top, left, height, width, size, interpolation=InterpolationMode.BILINEAR, antialias=True):
    img = crop(img, top, left, height, width)
    return resize(img, size, interpolation, antialias=antialias)


def hflip(img):
    """Flip left-right."""
    return _dispatch(img, 'hflip').hflip(img)


def vflip(img):
    """Flip top-bottom."""
    return _dispatch(img, 'vflip').vflip(img)


def five_crop(img, size):
    """The four corner crops and the center crop, as a tuple."""
    crop_height, crop_width = _setup_size(size)
    _, image_height, image_width = get_dimensions(img)
    if crop_width > image_width or crop_height > image_height:
        raise ValueError(f'Requested crop size {size} is bigger than input size {(image_height, image_width)}')
    tl = crop(img, 0, 0, crop_height, crop_width)
    tr = crop(img, 0, image_width - crop_width, crop_height, crop_width)
    bl = crop(img, image_height - crop_height, 0, crop_height, crop_width)
    br = crop(img, image_height - crop_height, image_width - crop_width, crop_height, crop_width)
    return tl, tr, bl, br, center_crop(img, [crop_height, crop_width])


def ten_crop(img, size, vertical_flip: bool = False):
    """five_crop of the image and of its (horizontally, or vertically) flipped copy."""
    first = five_crop(img, size)
    return first + five_crop(vflip(img) if vertical_flip else hflip(img), size)


def rotate(img, angle: float, interpolation=InterpolationMode.NEAREST, expand: bool = False, center=None,
           fill=None):
    """Rotate counter-clockwise by ``angle`` degrees about ``center`` (default: the image center)."""
    interpolation = _interpolation(interpolation)
    if not isinstance(angle, (int, float)):
        raise TypeError('Argument angle should be int or float')
    if center is not None and not isinstance(center, (list, tuple)):
        raise TypeError('Argument center should be a sequence')
    if not _is_tensor(img):
        return F_pil.rotate(img, angle, interpolation.value, expand, center, fill)
    _, height, width = get_dimensions(img)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = F_t.inverse_affine_matrix(center_f, -angle, [0.0, 0.0], 1.0, [0.0, 0.0])
    return F_t.apply_affine(img, matrix, interpolation.value, expand, fill)


def affine(img, angle: float, translate, scale: float, shear, interpolation=InterpolationMode.NEAREST, fill=None,
           center=None):
    """Rotate (clockwise, degrees), scale, shear and translate about ``center``, keeping the image size."""
    interpolation = _interpolation(interpolation)
    if not isinstance(translate, (list, tuple)) or len(translate) != 2:
        raise ValueError('Argument translate should be a sequence of length 2')
    if scale <= 0.0:
        raise ValueError('Argument scale should be positive')
    if isinstance(shear, numbers.Number):
        shear = [shear, 0.0]
    shear = list(shear) + [0.0] * (2 - len(shear)) if len(shear) < 2 else list(shear)
    if len(shear) != 2:
        raise ValueError(f'Shear should be a sequence containing two values. Got {shear}')
    _, height, width = get_dimensions(img)
    translate_f = [1.0 * t for t in translate]
    if not _is_tensor(img):
        center_f = [width * 0.5, height * 0.5] if center is None else list(center)
        matrix = F_t.inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
        return F_pil.affine(img, matrix, interpolation.value, fill)
    center_f = [0.0, 0.0]
    if center is not None:
        center_f = [1.0 * (c - s * 0.5) for c, s in zip(center, [width, height])]
    matrix = F_t.inverse_affine_matrix(center_f, angle, translate_f, scale, shear)
    return F_t.apply_affine(img, matrix, interpolation.value, False, fill)


# ------------------------------------------------------------------------------------------------ colour

def rgb_to_grayscale(img, num_output_channels: int = 1):
    """Luma (ITU-R 601-2: 0.2989 R + 0.587 G + 0.114 B) with 1 or 3 output channels."""
    if _is_tensor(img):
        return F_t.rgb_to_grayscale(img, num_output_channels)
    return F_pil.to_grayscale(img, num_output_channels)


to_grayscale = rgb_to_grayscale


def adjust_brightness(img, brightness_factor: float):
    """Multiply by ``brightness_factor`` (0: black, 1: unchanged)."""
    if brightness_factor < 0:
        raise ValueError(f'brightness_factor ({brightness_factor}) is not non-negative.')
    return _dispatch(img, 'adjust_brightness').adjust_brightness(img, brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    """Blend with the mean gray level (0: solid gray, 1: unchanged)."""
    if contrast_factor < 0:
        raise ValueError(f'contrast_factor ({contrast_factor}) is not non-negative.')
    return _dispatch(img, 'adjust_contrast').adjust_contrast(img, contrast_factor)


def adjust_saturation(img, saturation_factor: float):
    """Blend with the grayscale image (0: gray, 1: unchanged)."""
    if saturation_factor < 0:
        raise ValueError(f'saturation_factor ({saturation_factor}) is not non-negative.')
    return _dispatch(img, 'adjust_saturation').adjust_saturation(img, saturation_factor)


def adjust_hue(img, hue_factor: float):
    """Shift the hue by ``hue_factor`` of a full turn (in [-0.5, 0.5])."""
    return _dispatch(img, 'adjust_hue').adjust_hue(img, hue_factor)


def invert(img):
    """max value - image."""
    if _is_tensor(img):
        F_t.assert_image_tensor(img)
        return F_t.max_value(img.dtype) - img if img.dtype != ember.bool else ~img
    from PIL import ImageOps  # noqa: PLC0415
    return ImageOps.invert(img)


def gaussian_blur(img, kernel_size, sigma=None):
    """Blur with a Gaussian kernel (odd ``kernel_size``; ``sigma`` defaults to 0.3 * ((k - 1) * 0.5 - 1) + 0.8)."""
    if not isinstance(kernel_size, (int, list, tuple)):
        raise TypeError(f'kernel_size should be int or a sequence of integers. Got {type(kernel_size)}')
    if isinstance(kernel_size, int):
        kernel_size = [kernel_size, kernel_size]
    if len(kernel_size) == 1:
        kernel_size = [kernel_size[0], kernel_size[0]]
    if len(kernel_size) != 2:
        raise ValueError(f'If kernel_size is a sequence its length should be 2. Got {len(kernel_size)}')
    for k in kernel_size:
        if k % 2 == 0 or k < 0:
            raise ValueError(f'kernel_size should have odd and positive integers. Got {kernel_size}')
    if sigma is None:
        sigma = [k * 0.15 + 0.35 for k in kernel_size]
    if sigma is not None and not isinstance(sigma, (int, float, list, tuple)):
        raise TypeError(f'sigma should be either float or sequence of floats. Got {type(sigma)}')
    if isinstance(sigma, (int, float)):
        sigma = [float(sigma), float(sigma)]
    if len(sigma) == 1:
        sigma = [sigma[0], sigma[0]]
    if len(sigma) != 2:
        raise ValueError(f'If sigma is a sequence, its length should be 2. Got {len(sigma)}')
    for s in sigma:
        if s <= 0.0:
            raise ValueError(f'sigma should have positive values. Got {sigma}')
    if _is_tensor(img):
        return F_t.gaussian_blur(img, kernel_size, sigma)
    F_pil.assert_pil(img)
    out = F_t.gaussian_blur(pil_to_tensor(img), kernel_size, sigma)
    return to_pil_image(out, mode=img.mode)


def erase(img: ember.Tensor, i: int, j: int, h: int, w: int, v, inplace: bool = False) -> ember.Tensor:
    """Set the (h, w) region at (i, j) of an image tensor to ``v``."""
    if not isinstance(img, ember.Tensor):
        raise TypeError(f'img should be Tensor Image. Got {type(img)}')
    return F_t.erase(img, i, j, h, w, v, inplace=inplace)

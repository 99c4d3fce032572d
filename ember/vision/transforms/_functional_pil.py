"""Pillow implementations behind ``ember.vision.transforms.functional`` (Pillow is imported only when used)."""
from __future__ import annotations

import sys

import numpy


def is_pil_image(img) -> bool:
    image_module = sys.modules.get('PIL.Image')
    return image_module is not None and isinstance(img, image_module.Image)


def assert_pil(img):
    if not is_pil_image(img):
        raise TypeError(f'img should be PIL Image. Got {type(img)}')


def get_dimensions(img):
    assert_pil(img)
    width, height = img.size
    return [len(img.getbands()), height, width]


def parse_fill(fill, img, name='fillcolor'):
    """Fill as Pillow wants it for ``img``: one value per band (ints unless the mode is 'F')."""
    channels = get_dimensions(img)[0]
    if fill is None:
        fill = 0
    if isinstance(fill, (int, float)) and channels > 1:
        fill = tuple([fill] * channels)
    if isinstance(fill, (list, tuple)):
        if len(fill) == 1:
            fill = fill * channels
        elif len(fill) != channels:
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the "
                             f"image ({len(fill)} != {channels})")
        fill = tuple(fill)
    if img.mode != 'F':
        fill = tuple(int(x) for x in fill) if isinstance(fill, tuple) else int(fill)
    return {name: fill}


def crop(img, top, left, height, width):
    assert_pil(img)
    return img.crop((left, top, left + width, top + height))


def hflip(img):
    from PIL import Image  # noqa: PLC0415
    assert_pil(img)
    return img.transpose(Image.Transpose.FLIP_LEFT_RIGHT)


def vflip(img):
    from PIL import Image  # noqa: PLC0415
    assert_pil(img)
    return img.transpose(Image.Transpose.FLIP_TOP_BOTTOM)


def pad(img, padding, fill=0, padding_mode='constant'):
    """``padding`` is [left, top, right, bottom] (already parsed)."""
    from PIL import Image  # noqa: PLC0415
    assert_pil(img)
    left, top, right, bottom = padding
    if padding_mode == 'constant':
        opts = parse_fill(fill, img, name='fill')
        if img.mode == 'P':
            palette = img.getpalette()
            out = _expand(img, left, top, right, bottom, opts['fill'])
            out.putpalette(palette)
            return out
        return _expand(img, left, top, right, bottom, opts['fill'])
    np_mode = {'edge': 'edge', 'reflect': 'reflect', 'symmetric': 'symmetric'}[padding_mode]
    if min(padding) < 0:  # negative padding crops first, as torchvision
        img = img.crop((max(-left, 0), max(-top, 0), img.size[0] - max(-right, 0), img.size[1] - max(-bottom, 0)))
        left, top, right, bottom = (max(p, 0) for p in padding)
    palette = img.getpalette() if img.mode == 'P' else None
    array = numpy.asarray(img)
    widths = ((top, bottom), (left, right)) + (((0, 0),) if array.ndim == 3 else ())
    out = Image.fromarray(numpy.pad(array, widths, mode=np_mode), mode=img.mode)
    if palette is not None:
        out.putpalette(palette)
    return out


def _expand(img, left, top, right, bottom, fill):
    from PIL import Image  # noqa: PLC0415
    width, height = img.size
    out = Image.new(img.mode, (width + left + right, height + top + bottom), fill)
    out.paste(img, (left, top))
    return out


_PIL_MODES = {'nearest': 0, 'nearest-exact': 0, 'bilinear': 2, 'bicubic': 3, 'box': 4, 'hamming': 5, 'lanczos': 1}


def resize(img, size, interpolation='bilinear'):
    """``size`` is [h, w]."""
    assert_pil(img)
    return img.resize((size[1], size[0]), _PIL_MODES[interpolation])


def rotate(img, angle, interpolation='nearest', expand=False, center=None, fill=None):
    assert_pil(img)
    opts = parse_fill(fill, img)
    return img.rotate(angle, _PIL_MODES[interpolation], expand, center, **opts)


def affine(img, matrix, interpolation='nearest', fill=None):
    from PIL import Image  # noqa: PLC0415
    assert_pil(img)
    opts = parse_fill(fill, img)
    return img.transform(img.size, Image.Transform.AFFINE, matrix, _PIL_MODES[interpolation], **opts)


def to_grayscale(img, num_output_channels=1):
    assert_pil(img)
    if num_output_channels == 1:
        return img.convert('L')
    if num_output_channels == 3:
        from PIL import Image  # noqa: PLC0415
        gray = numpy.asarray(img.convert('L'))
        return Image.fromarray(numpy.dstack([gray, gray, gray]), 'RGB')
    raise ValueError('num_output_channels should be either 1 or 3')


def _enhance(name, img, factor):
    from PIL import ImageEnhance  # noqa: PLC0415
    assert_pil(img)
    return getattr(ImageEnhance, name)(img).enhance(factor)


def adjust_brightness(img, factor):
    return _enhance('Brightness', img, factor)


def adjust_contrast(img, factor):
    return _enhance('Contrast', img, factor)


def adjust_saturation(img, factor):
    return _enhance('Color', img, factor)


def adjust_hue(img, hue_factor):
    from PIL import Image  # noqa: PLC0415
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f'hue_factor ({hue_factor}) is not in [-0.5, 0.5].')
    assert_pil(img)
    mode = img.mode
    if mode in {'L', '1', 'I', 'F'}:
        return img
    h, s, v = img.convert('HSV').split()
    np_h = numpy.array(h, dtype=numpy.uint8)
    np_h += numpy.uint8(int(hue_factor * 255) % 256)
    return Image.merge('HSV', (Image.fromarray(np_h, 'L'), s, v)).convert(mode)

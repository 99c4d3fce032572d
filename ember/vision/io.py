"""torchvision.io's image functions on ember, decoding and encoding through Pillow.

Images are uint8 tensors (C, H, W); encoded data is a 1-d uint8 tensor of the file's bytes.

>>> img = read_image('photo.png', mode=ImageReadMode.RGB)  # doctest: +SKIP
"""
from __future__ import annotations

import io as _io
from enum import Enum

import numpy

import ember

__all__ = ['ImageReadMode', 'read_file', 'write_file', 'decode_image', 'decode_png', 'decode_jpeg', 'read_image',
           'encode_png', 'write_png', 'encode_jpeg', 'write_jpeg']


class ImageReadMode(Enum):
    """The channels to decode into: as stored, gray, gray + alpha, RGB or RGB + alpha."""

    UNCHANGED = 0
    GRAY = 1
    GRAY_ALPHA = 2
    RGB = 3
    RGB_ALPHA = 4
    RGBA = 4


_PIL_MODES = {ImageReadMode.GRAY: 'L', ImageReadMode.GRAY_ALPHA: 'LA', ImageReadMode.RGB: 'RGB',
              ImageReadMode.RGB_ALPHA: 'RGBA'}


def read_file(path) -> ember.Tensor:
    """The bytes of a file as a 1-d uint8 tensor."""
    with open(path, 'rb') as f:
        data = f.read()
    return ember.from_numpy(numpy.frombuffer(data, dtype=numpy.uint8).copy())


def write_file(filename, data: ember.Tensor) -> None:
    """Write a 1-d uint8 tensor's bytes to a file."""
    with open(filename, 'wb') as f:
        f.write(data.detach().cpu().numpy().tobytes())


def _read_mode(mode):
    if isinstance(mode, str):
        mode = ImageReadMode[mode.upper()]
    if not isinstance(mode, ImageReadMode):
        raise TypeError(f'mode should be an ImageReadMode, got {type(mode).__name__}')
    return mode


def _decode(input, mode, apply_exif_orientation, op, expected_format=None):
    from PIL import Image, ImageOps  # noqa: PLC0415
    if isinstance(input, (str, bytes)) or hasattr(input, '__fspath__'):
        input = read_file(input)
    if not isinstance(input, ember.Tensor) or input.dtype != ember.uint8 or input.ndim != 1:
        raise RuntimeError(f'{op}: expected a 1-d uint8 tensor of encoded bytes, got '
                           f'{getattr(input, "dtype", type(input).__name__)}')
    mode = _read_mode(mode)
    try:
        image = Image.open(_io.BytesIO(input.cpu().numpy().tobytes()))
        image.load()
    except Exception as exc:  # Pillow raises many types for corrupt data
        raise RuntimeError(f'{op}: could not decode the image: {exc}') from None
    if expected_format is not None and image.format != expected_format:
        raise RuntimeError(f'{op}: expected a {expected_format} image, got {image.format}')
    if apply_exif_orientation:
        image = ImageOps.exif_transpose(image)
    if mode is not ImageReadMode.UNCHANGED:
        image = image.convert(_PIL_MODES[mode])
    elif image.mode == 'P':
        image = image.convert('RGBA' if 'transparency' in image.info else 'RGB')
    elif image.mode == '1':
        image = image.convert('L')
    elif image.mode not in ('L', 'LA', 'RGB', 'RGBA', 'I;16'):
        image = image.convert('RGB')
    if image.mode == 'I;16':
        array = numpy.array(image).astype(numpy.int32)[:, :, None]  # ember has no uint16
    else:
        array = numpy.asarray(image, dtype=numpy.uint8)
        array = array[:, :, None] if array.ndim == 2 else array
    return ember.from_numpy(numpy.ascontiguousarray(array.transpose(2, 0, 1)))


def decode_image(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False) -> ember.Tensor:
    """Decode PNG/JPEG/GIF/BMP/WebP bytes (or a path) into a uint8 (C, H, W) tensor."""
    return _decode(input, mode, apply_exif_orientation, 'decode_image')


def decode_png(input, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False) -> ember.Tensor:
    """Decode PNG bytes into a (C, H, W) tensor (uint8; int32 for 16-bit grayscale)."""
    return _decode(input, mode, apply_exif_orientation, 'decode_png', 'PNG')


def decode_jpeg(input, mode=ImageReadMode.UNCHANGED, device='cpu', apply_exif_orientation: bool = False):
    """Decode JPEG bytes (or a list of them) into uint8 (C, H, W) tensor(s) on ``device``."""
    if isinstance(input, (list, tuple)):
        return [decode_jpeg(i, mode, device, apply_exif_orientation) for i in input]
    return _decode(input, mode, apply_exif_orientation, 'decode_jpeg', 'JPEG').to(device)


def read_image(path, mode=ImageReadMode.UNCHANGED, apply_exif_orientation: bool = False) -> ember.Tensor:
    """Read an image file into a uint8 (C, H, W) tensor.

    >>> read_image('digit.png').shape  # doctest: +SKIP
    torch.Size([1, 28, 28])
    """
    return decode_image(read_file(path), mode, apply_exif_orientation)


def _to_pil(input, op):
    from PIL import Image  # noqa: PLC0415
    if not isinstance(input, ember.Tensor):
        raise TypeError(f'{op}: expected a Tensor, got {type(input).__name__}')
    if input.dtype != ember.uint8:
        raise RuntimeError('Input tensor dtype should be uint8')
    if input.ndim != 3:
        raise RuntimeError('Input tensor dimension should be 3')
    channels = input.shape[0]
    if channels not in (1, 3):
        raise RuntimeError(f'The number of channels should be 1 or 3, got: {channels}')
    array = input.detach().cpu().numpy().transpose(1, 2, 0)
    return Image.fromarray(numpy.ascontiguousarray(array[:, :, 0] if channels == 1 else array))


def _bytes_tensor(buffer):
    return ember.from_numpy(numpy.frombuffer(buffer.getvalue(), dtype=numpy.uint8).copy())


def encode_png(input: ember.Tensor, compression_level: int = 6) -> ember.Tensor:
    """Encode a uint8 (C, H, W) image (C = 1 or 3) as PNG; returns the bytes as a 1-d uint8 tensor."""
    if not 0 <= compression_level <= 9:
        raise ValueError('Compression level should be between 0 and 9')
    buffer = _io.BytesIO()
    _to_pil(input, 'encode_png').save(buffer, format='PNG', compress_level=compression_level)
    return _bytes_tensor(buffer)


def write_png(input: ember.Tensor, filename, compression_level: int = 6) -> None:
    """Encode as PNG and write to ``filename``."""
    write_file(filename, encode_png(input, compression_level))


def encode_jpeg(input, quality: int = 75):
    """Encode uint8 (C, H, W) image(s) as JPEG bytes (1-d uint8 tensors)."""
    if isinstance(input, (list, tuple)):
        return [encode_jpeg(i, quality) for i in input]
    if not 1 <= quality <= 100:
        raise ValueError('Image quality should be a positive number between 1 and 100')
    buffer = _io.BytesIO()
    _to_pil(input, 'encode_jpeg').save(buffer, format='JPEG', quality=quality)
    return _bytes_tensor(buffer)


def write_jpeg(input: ember.Tensor, filename, quality: int = 75) -> None:
    """Encode as JPEG and write to ``filename``."""
    write_file(filename, encode_jpeg(input, quality))

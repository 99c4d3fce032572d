"""Tensor implementations behind ``ember.vision.transforms.functional`` (images are (..., C, H, W) tensors).

Geometry that is a linear map of the pixels (resize, symmetric pad) is applied as two small matrices,
``rows @ image @ cols.T``, built on the host: the result keeps autograd and runs on the image's device. Sampling
along arbitrary grids (rotate, affine) and hue shifts are computed on the host and carry no gradient.
"""
from __future__ import annotations

import math

import numpy

import ember

# ------------------------------------------------------------------------------------------------ checks and casts


def is_image_tensor(img) -> bool:
    return isinstance(img, ember.Tensor) and img.ndim >= 2


def assert_image_tensor(img):
    if not is_image_tensor(img):
        raise TypeError('Tensor is not a torch image.')


def get_dimensions(img):
    assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    return [channels, img.shape[-2], img.shape[-1]]


def assert_channels(img, permitted):
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(f'Input image tensor permitted channel values are {permitted}, but found {c}')


def max_value(dtype) -> float | int:
    """The value of 'white' for images of ``dtype``: 1.0 for floats, the dtype's max for integers."""
    if dtype.is_floating_point:
        return 1.0
    if dtype == ember.bool:
        return 1
    return ember.iinfo(dtype).max


def to_float(img):
    """(float image, original dtype): integer images are computed on as float32."""
    return (img, img.dtype) if img.dtype.is_floating_point else (img.to(ember.float32), img.dtype)


def from_float(img, dtype, clamp=False):
    if dtype.is_floating_point:
        return img
    if clamp:
        img = img.clamp(0, max_value(dtype))
    return img.round().to(dtype)


def _host_image(img):
    return img.detach().cpu().numpy()


def _to_device(array, like):
    return ember.as_tensor(numpy.ascontiguousarray(array), device=like.device)


def apply_matrices(img, rows, cols):
    """``rows @ img @ cols.T`` over the last two dims; ``rows``/``cols`` are host float64 matrices."""
    work, dtype = to_float(img)
    if dtype in (ember.int64, ember.int32) or work.dtype == ember.float64:
        work = work.to(ember.float64)
    r = ember.as_tensor(rows, dtype=work.dtype, device=img.device)
    c = ember.as_tensor(numpy.ascontiguousarray(cols.T), dtype=work.dtype, device=img.device)
    return r @ work @ c, dtype


def selection_matrix(index, size):
    """A (len(index), size) 0/1 matrix picking ``index`` along an axis."""
    m = numpy.zeros((len(index), size))
    m[numpy.arange(len(index)), index] = 1.0
    return m


# ------------------------------------------------------------------------------------------------ crop, flip, pad


def crop(img, top, left, height, width):
    assert_image_tensor(img)
    h, w = img.shape[-2:]
    right, bottom = left + width, top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [max(-left + min(0, right), 0), max(-top + min(0, bottom), 0),
                        max(right - max(w, left), 0), max(bottom - max(h, top), 0)]
        return pad(img[..., max(top, 0):bottom, max(left, 0):right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def hflip(img):
    assert_image_tensor(img)
    return img.flip(-1)


def vflip(img):
    assert_image_tensor(img)
    return img.flip(-2)


def _symmetric_index(size, before, after):
    idx = numpy.arange(-before, size + after)
    period = 2 * size
    idx = numpy.mod(idx, period)
    return numpy.where(idx >= size, period - 1 - idx, idx)


def pad(img, padding, fill=0, padding_mode='constant'):
    """``padding`` is [left, top, right, bottom] (already parsed)."""
    assert_image_tensor(img)
    left, top, right, bottom = padding
    if padding_mode == 'symmetric':
        h, w = img.shape[-2:]
        rows = selection_matrix(_symmetric_index(h, top, bottom), h)
        cols = selection_matrix(_symmetric_index(w, left, right), w)
        out, dtype = apply_matrices(img, rows, cols)
        return from_float(out, dtype)
    from ...nn import functional as F  # noqa: PLC0415
    if padding_mode == 'constant':
        if isinstance(fill, (list, tuple)):
            if len(fill) != 1:
                raise TypeError('Got inappropriate fill arg: tensor images take a single fill value')
            fill = fill[0]
        return F.pad(img, [left, right, top, bottom], mode='constant', value=float(fill or 0))
    mode = {'edge': 'replicate', 'reflect': 'reflect'}[padding_mode]
    shape = img.shape
    work, dtype = to_float(img)
    work = work.reshape(-1, *shape[-3:]) if img.ndim >= 3 else work.reshape(1, 1, *shape)
    out = F.pad(work, [left, right, top, bottom], mode=mode)
    out = out.reshape(*shape[:-2], out.shape[-2], out.shape[-1])
    return out if dtype == out.dtype else out.to(dtype)


# ------------------------------------------------------------------------------------------------ resize

def _bilinear_filter(x):
    x = numpy.abs(x)
    return numpy.where(x < 1.0, 1.0 - x, 0.0)


def _cubic_filter(a):
    def f(x):
        x = numpy.abs(x)
        near = ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0
        far = (((x - 5.0) * x + 8.0) * x - 4.0) * a
        return numpy.where(x < 1.0, near, numpy.where(x < 2.0, far, 0.0))
    return f


def resize_matrix(in_size: int, out_size: int, mode: str, antialias: bool):
    """The (out_size, in_size) matrix of 1-d resampling, as torch.nn.functional.interpolate with
    ``align_corners=False`` (and its ``antialias=True`` path, which is Pillow's filter)."""
    scale = in_size / out_size
    dst = numpy.arange(out_size, dtype=numpy.float64)
    if mode in ('nearest', 'nearest-exact'):
        offset = 0.5 if mode == 'nearest-exact' else 0.0
        src = numpy.floor((dst + offset).astype(numpy.float32) * numpy.float32(scale))  # float32, as torch
        src = numpy.minimum(src.astype(numpy.int64), in_size - 1)
        return selection_matrix(src, in_size)
    m = numpy.zeros((out_size, in_size))
    if antialias:
        kernel, support = (_bilinear_filter, 1.0) if mode == 'bilinear' else (_cubic_filter(-0.5), 2.0)
        support_scale = max(scale, 1.0)
        center = (dst + 0.5) * scale
        for i, c in enumerate(center):
            lo = max(int(c - support * support_scale + 0.5), 0)
            hi = min(int(c + support * support_scale + 0.5), in_size)
            j = numpy.arange(lo, hi)
            wts = kernel((j - c + 0.5) / support_scale)
            total = wts.sum()
            m[i, lo:hi] = wts / total if total != 0 else wts
        return m
    src = (dst + 0.5) * scale - 0.5
    if mode == 'bilinear':
        src = numpy.maximum(src, 0.0)
        x0 = numpy.floor(src).astype(numpy.int64)
        lam = src - x0
        x1 = numpy.minimum(x0 + 1, in_size - 1)
        numpy.add.at(m, (numpy.arange(out_size), x0), 1.0 - lam)
        numpy.add.at(m, (numpy.arange(out_size), x1), lam)
        return m
    x0 = numpy.floor(src).astype(numpy.int64)
    t = src - x0
    cubic = _cubic_filter(-0.75)
    for k in range(-1, 3):
        idx = numpy.clip(x0 + k, 0, in_size - 1)
        numpy.add.at(m, (numpy.arange(out_size), idx), cubic(t - k))
    return m


def resize(img, size, interpolation='bilinear', antialias=True):
    """``size`` is [h, w]; ``interpolation`` is a mode string (nearest, nearest-exact, bilinear, bicubic)."""
    assert_image_tensor(img)
    if interpolation not in ('nearest', 'nearest-exact', 'bilinear', 'bicubic'):
        raise ValueError(f'resize: interpolation mode {interpolation!r} is not supported for tensors; use '
                         'nearest, nearest-exact, bilinear or bicubic')
    h, w = img.shape[-2:]
    oh, ow = size
    if (oh, ow) == (h, w) and interpolation in ('nearest', 'nearest-exact', 'bilinear'):
        return img.clone()
    antialias = bool(antialias) and interpolation in ('bilinear', 'bicubic')
    rows = resize_matrix(h, oh, interpolation, antialias)
    cols = resize_matrix(w, ow, interpolation, antialias)
    out, dtype = apply_matrices(img, rows, cols)
    if interpolation.startswith('nearest'):
        return out if dtype == out.dtype else out.to(dtype)
    return from_float(out, dtype, clamp=True)


# ------------------------------------------------------------------------------------------------ affine, rotate

def inverse_affine_matrix(center, angle, translate, scale, shear):
    """The 2x3 matrix that maps output pixel coordinates back to input ones (torchvision's convention)."""
    rot = math.radians(angle)
    sx, sy = math.radians(shear[0]), math.radians(shear[1])
    cx, cy = center
    tx, ty = translate
    a = math.cos(rot - sy) / math.cos(sy)
    b = -math.cos(rot - sy) * math.tan(sx) / math.cos(sy) - math.sin(rot)
    c = math.sin(rot - sy) / math.cos(sy)
    d = -math.sin(rot - sy) * math.tan(sx) / math.cos(sy) + math.cos(rot)
    matrix = [x / scale for x in (d, -b, 0.0, -c, a, 0.0)]
    matrix[2] += matrix[0] * (-cx - tx) + matrix[1] * (-cy - ty)
    matrix[5] += matrix[3] * (-cx - tx) + matrix[4] * (-cy - ty)
    matrix[2] += cx
    matrix[5] += cy
    return matrix


def affine_output_size(matrix, w, h):
    pts = numpy.array([[-0.5 * w, -0.5 * h, 1.0], [-0.5 * w, 0.5 * h, 1.0], [0.5 * w, 0.5 * h, 1.0],
                       [0.5 * w, -0.5 * h, 1.0]])
    new_pts = pts @ numpy.array(matrix, dtype=numpy.float64).reshape(2, 3).T
    tol = 1e-4
    cmax = numpy.ceil(numpy.trunc(new_pts.max(0) / tol) * tol)
    cmin = numpy.floor(numpy.trunc(new_pts.min(0) / tol) * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def _grid_sample(image, sx, sy, mode):
    """Sample (N, C, H, W) ``image`` at pixel coordinates (sx, sy) of shape (oh, ow); outside is 0.
    Returns the samples and the weight of the in-image part (for fill blending)."""
    n, c, h, w = image.shape
    out = numpy.zeros((n, c) + sx.shape, dtype=numpy.float64)
    weight = numpy.zeros(sx.shape)
    if mode == 'nearest':
        corners = [(numpy.rint(sx).astype(numpy.int64), numpy.rint(sy).astype(numpy.int64), numpy.ones(sx.shape))]
    else:
        x0, y0 = numpy.floor(sx), numpy.floor(sy)
        fx, fy = sx - x0, sy - y0
        x0, y0 = x0.astype(numpy.int64), y0.astype(numpy.int64)
        corners = [(x0, y0, (1 - fx) * (1 - fy)), (x0 + 1, y0, fx * (1 - fy)), (x0, y0 + 1, (1 - fx) * fy),
                   (x0 + 1, y0 + 1, fx * fy)]
    for x, y, wt in corners:
        inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
        wt = numpy.where(inside, wt, 0.0)
        out += image[:, :, numpy.clip(y, 0, h - 1), numpy.clip(x, 0, w - 1)] * wt
        weight += wt
    return out, weight


def apply_affine(img, matrix, interpolation, expand, fill):
    """Warp with the inverse matrix about the image center; ``fill`` None leaves outside pixels 0."""
    assert_image_tensor(img)
    if interpolation not in ('nearest', 'bilinear'):
        raise ValueError(f'Interpolation mode {interpolation!r} is unsupported with Tensor input')
    h, w = img.shape[-2:]
    ow, oh = affine_output_size(matrix, w, h) if expand else (w, h)
    theta = numpy.array(matrix, dtype=numpy.float64).reshape(2, 3)
    xs = numpy.linspace(-ow * 0.5 + 0.5, ow * 0.5 - 0.5, ow)
    ys = numpy.linspace(-oh * 0.5 + 0.5, oh * 0.5 - 0.5, oh)
    bx, by = numpy.meshgrid(xs, ys)
    sx = theta[0, 0] * bx + theta[0, 1] * by + theta[0, 2] + (w - 1) * 0.5
    sy = theta[1, 0] * bx + theta[1, 1] * by + theta[1, 2] + (h - 1) * 0.5
    shape = img.shape
    host = _host_image(img)
    out, weight = _grid_sample(host.astype(numpy.float64).reshape(-1, 1 if img.ndim == 2 else shape[-3], h, w),
                               sx, sy, interpolation)
    if fill is not None:
        channels = out.shape[1]
        fill = [float(f) for f in (fill if isinstance(fill, (list, tuple)) else [fill])]
        if len(fill) not in (1, channels):
            raise ValueError(f"The number of elements in 'fill' does not match the number of channels of the "
                             f"image ({len(fill)} != {channels})")
        fill_img = numpy.array(fill * (channels if len(fill) == 1 else 1)).reshape(1, -1, 1, 1)
        if interpolation == 'nearest':
            out = numpy.where(weight < 0.5, fill_img, out)
        else:
            out = out * weight + (1.0 - weight) * fill_img
    out = out.reshape(*shape[:-2], oh, ow)
    if not img.dtype.is_floating_point:
        out = numpy.round(out)
    return _to_device(out.astype(host.dtype), img)


# ------------------------------------------------------------------------------------------------ colour

_GRAY = (0.2989, 0.587, 0.114)


def rgb_to_grayscale(img, num_output_channels=1):
    assert_image_tensor(img)
    assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError('num_output_channels should be either 1 or 3')
    if img.shape[-3] == 1:
        gray = img.clone()
    else:
        work, dtype = to_float(img)
        weights = ember.tensor(_GRAY, dtype=work.dtype, device=img.device).view(3, 1, 1)
        gray = (work * weights).sum(dim=-3, keepdim=True).to(dtype)
    if num_output_channels == 3:
        return gray.expand(*img.shape[:-3], 3, *img.shape[-2:])
    return gray


def blend(img1, img2, ratio):
    ratio = float(ratio)
    bound = max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img, brightness_factor):
    assert_image_tensor(img)
    assert_channels(img, [1, 3])
    return blend(img, ember.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor):
    assert_image_tensor(img)
    assert_channels(img, [3, 1])
    dtype = img.dtype if img.dtype.is_floating_point else ember.float32
    gray = rgb_to_grayscale(img) if img.shape[-3] == 3 else img
    mean = gray.to(dtype).mean(dim=(-3, -2, -1), keepdim=True)
    return blend(img, mean, contrast_factor)


def adjust_saturation(img, saturation_factor):
    assert_image_tensor(img)
    assert_channels(img, [1, 3])
    if img.shape[-3] == 1:
        return img
    return blend(img, rgb_to_grayscale(img), saturation_factor)


def _rgb_to_hsv(rgb):
    r, g, b = rgb[..., 0, :, :], rgb[..., 1, :, :], rgb[..., 2, :, :]
    maxc, minc = rgb.max(axis=-3), rgb.min(axis=-3)
    eqc = maxc == minc
    cr = maxc - minc
    s = cr / numpy.where(eqc, 1.0, maxc)
    divisor = numpy.where(eqc, 1.0, cr)
    rc, gc, bc = (maxc - r) / divisor, (maxc - g) / divisor, (maxc - b) / divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = numpy.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return h, s, maxc


def _hsv_to_rgb(h, s, v):
    i = numpy.floor(h * 6.0)
    f = h * 6.0 - i
    i = i.astype(numpy.int64) % 6
    p = numpy.clip(v * (1.0 - s), 0.0, 1.0)
    q = numpy.clip(v * (1.0 - s * f), 0.0, 1.0)
    t = numpy.clip(v * (1.0 - s * (1.0 - f)), 0.0, 1.0)
    table = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = [numpy.select([i == k for k in range(6)], [row[ch] for row in table]) for ch in range(3)]
    return numpy.stack(out, axis=-3)


def adjust_hue(img, hue_factor):
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f'hue_factor ({hue_factor}) is not in [-0.5, 0.5].')
    assert_image_tensor(img)
    assert_channels(img, [1, 3])
    if img.shape[-3] == 1:
        return img
    host = _host_image(img)
    work = host.astype(numpy.float64)
    if not img.dtype.is_floating_point:
        work = work / 255.0
    h, s, v = _rgb_to_hsv(work)
    h = numpy.mod(h + hue_factor, 1.0)
    out = _hsv_to_rgb(h, s, v)
    if not img.dtype.is_floating_point:
        out = out * 255.0
    return _to_device(out.astype(host.dtype), img)


# ------------------------------------------------------------------------------------------------ blur, erase

def gaussian_kernel1d(kernel_size, sigma):
    half = (kernel_size - 1) * 0.5
    x = numpy.linspace(-half, half, kernel_size)
    pdf = numpy.exp(-0.5 * (x / sigma) ** 2)
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma):
    assert_image_tensor(img)
    from ...nn import functional as F  # noqa: PLC0415
    kx = gaussian_kernel1d(kernel_size[0], sigma[0])
    ky = gaussian_kernel1d(kernel_size[1], sigma[1])
    work, dtype = to_float(img)
    shape = img.shape
    channels = 1 if img.ndim == 2 else shape[-3]
    batch = work.reshape(-1, channels, *shape[-2:])
    kernel = ember.as_tensor(numpy.outer(ky, kx), dtype=work.dtype, device=img.device)
    kernel = kernel.expand(channels, 1, kernel_size[1], kernel_size[0])
    px, py = kernel_size[0] // 2, kernel_size[1] // 2
    batch = F.pad(batch, [px, px, py, py], mode='reflect')
    out = F.conv2d(batch, kernel, groups=channels).reshape(shape)
    return from_float(out, dtype)


def erase(img, i, j, h, w, v, inplace=False):
    assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i:i + h, j:j + w] = v
    return img

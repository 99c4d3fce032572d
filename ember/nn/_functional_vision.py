"""ember.nn.functional, vision: interpolate / upsample, pixel and channel shuffles, fold / unfold, grid_sample and
affine_grid. The resampling primitives live in ``ember/_ops/sampling.py``."""
from __future__ import annotations

import math
import numbers
import warnings

import numpy

from .. import _dtype as dt
from .._ops.sampling import Col2Im, GridSample, Im2Col, resample, taps_for
from .._tensor import Tensor

__all__ = ['interpolate', 'upsample', 'upsample_nearest', 'upsample_bilinear', 'pixel_shuffle', 'pixel_unshuffle',
           'channel_shuffle', 'native_channel_shuffle', 'unfold', 'fold', 'grid_sample', 'affine_grid']

_WORDS = {'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte', 'bool': 'Bool',
          'float16': 'Half', 'bfloat16': 'BFloat16', 'float32': 'Float', 'float64': 'Double',
          'complex64': 'ComplexFloat', 'complex128': 'ComplexDouble'}


def _word(dtype):
    return _WORDS.get(dtype.name, dtype.name)


def _not_implemented(kernel, dtype):
    return NotImplementedError(f'"{kernel}" not implemented for \'{_word(dtype)}\'')


# ------------------------------------------------------------------------------------------------ interpolate

_MODES = 'nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact'
_NEEDS = {'linear': 3, 'bilinear': 4, 'bicubic': 4, 'trilinear': 5}
_AXIS_MODE = {'nearest': 'nearest', 'nearest-exact': 'nearest-exact', 'linear': 'linear', 'bilinear': 'linear',
              'trilinear': 'linear', 'bicubic': 'cubic', 'area': 'area'}


def _spatial_arg(value, dim, what, input):
    if isinstance(value, (list, tuple)):
        if len(value) != dim:
            spatial = list(input.shape[2:])
            if what == 'size':
                raise ValueError(f'Input and output must have the same number of spatial dimensions, but got input '
                                 f'with spatial dimensions of {spatial} and output size of {value}. Please provide '
                                 'input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) '
                                 'format.')
            raise ValueError(f'Input and scale_factor must have the same number of spatial dimensions, but got input '
                             f'with spatial dimensions of {spatial} and scale_factor of shape {value}. Please provide '
                             'input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) '
                             'format.')
        return list(value)
    return [value] * dim


def _size_message(spatial, out):
    names = 'DHW'[3 - len(spatial):]
    a = ', '.join(f'{n}: {s}' for n, s in zip(names, spatial))
    b = ', '.join(f'{n}: {s}' for n, s in zip(names, out))
    joiner = ' and output' if len(spatial) == 1 else ' output'
    return f'Input and output sizes should be greater than 0, but got input ({a}){joiner} ({b})'


def interpolate(input: Tensor, size=None, scale_factor=None, mode: str = 'nearest', align_corners: bool | None = None,
                recompute_scale_factor: bool | None = None, antialias: bool = False) -> Tensor:
    """Resample the spatial dims of (N, C, *spatial) input to ``size`` or by ``scale_factor``.

    >>> F.interpolate(ember.ones(1, 1, 2, 2), scale_factor=2, mode='bilinear').shape
    torch.Size([1, 1, 4, 4])
    """
    if mode in ('nearest', 'area', 'nearest-exact'):
        if align_corners is not None:
            raise ValueError('align_corners option can only be set with the interpolating modes: '
                             'linear | bilinear | bicubic | trilinear')
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    if size is not None and scale_factor is not None:
        raise ValueError('only one of size or scale_factor should be defined')
    if size is not None:
        output_size = [int(s) for s in _spatial_arg(size, dim, 'size', input)]
        scales = None
    elif scale_factor is not None:
        scales = [float(s) for s in _spatial_arg(scale_factor, dim, 'scale_factor', input)]
        output_size = None
    else:
        raise ValueError('either size or scale_factor should be defined')
    if recompute_scale_factor is not None and recompute_scale_factor and size is not None:
        raise ValueError('recompute_scale_factor is not meaningful with an explicit size.')
    if mode == 'area' and output_size is None:
        recompute_scale_factor = True
    if scales is not None:
        output_size = [math.floor(float(input.shape[i + 2]) * scales[i]) for i in range(dim)]
        if recompute_scale_factor:
            scales = None
    if antialias and not (mode in ('bilinear', 'bicubic', 'lanczos') and input.ndim == 4):
        raise ValueError('Anti-alias option is restricted to bilinear, bicubic, and lanczos modes and requires a 4-D '
                         'tensor as input')
    if input.ndim not in (3, 4, 5) or (mode not in _AXIS_MODE):
        if mode in _NEEDS and input.ndim in (3, 4, 5):
            pass
        else:
            raise NotImplementedError(f'Input Error: Only 3D, 4D and 5D input Tensors supported (got {input.ndim}D) '
                                      f'for the modes: {_MODES} (got {mode})')
    needed = _NEEDS.get(mode)
    if needed is not None and input.ndim != needed:
        raise NotImplementedError(f'Got {input.ndim}D input, but {mode} mode needs {needed}D input')
    if antialias:
        raise NotImplementedError('interpolate: antialias=True is not supported by ember')
    spatial = tuple(input.shape[2:])
    if any(s <= 0 for s in spatial) or any(o <= 0 for o in output_size):
        raise RuntimeError(_size_message(spatial, output_size))
    kind = input.dtype
    if kind._kind < 2 and not (kind is dt.uint8 and mode in ('nearest', 'nearest-exact', 'bicubic', 'bilinear')):
        kernel = {'area': f'adaptive_avg_pool{dim}d', 'nearest': 'compute_indices_weights_nearest',
                  'nearest-exact': 'compute_indices_weights_nearest'}.get(mode, 'compute_indices_weights_linear')
        raise _not_implemented(kernel, kind)
    axis_mode = _AXIS_MODE[mode]
    taps = []
    for i in range(dim):
        scale = None if scales is None else scales[i]
        if spatial[i] == output_size[i] and (axis_mode == 'area' or scale in (None, 1.0)):
            taps.append(None)
            continue
        taps.append(taps_for(axis_mode, spatial[i], output_size[i], scale, bool(align_corners)))
    if kind._kind < 2 and not axis_mode.startswith('nearest'):  # uint8: resample in float, round back
        out = resample(input.to(dt.float32), range(2, input.ndim), taps)
        return out.round().clamp(0, 255).to(kind)
    out = resample(input, range(2, input.ndim), taps)
    return out if out is not input else input * 1


def upsample(input: Tensor, size=None, scale_factor=None, mode: str = 'nearest', align_corners: bool | None = None
             ) -> Tensor:
    """Deprecated alias of :func:`interpolate`."""
    warnings.warn('`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.', stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    warnings.warn('`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.',
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode='nearest')


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn('`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.',
                  stacklevel=2)
    return interpolate(input, size, scale_factor, mode='bilinear', align_corners=True)


# ------------------------------------------------------------------------------------------------ shuffles

def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r).

    >>> F.pixel_shuffle(ember.ones(1, 4, 2, 3), 2).shape
    torch.Size([1, 1, 4, 6])
    """
    r = int(upscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f'pixel_shuffle expects input to have at least 3 dimensions, but got input with '
                           f'{input.ndim} dimension(s)')
    if r <= 0:
        raise RuntimeError(f'pixel_shuffle expects a positive upscale_factor, but got {r}')
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be divisible by the square of "
                           f'upscale_factor, but input.size(-3)={c} is not divisible by {r * r}')
    nb = len(batch)
    out = input.reshape(*batch, c // (r * r), r, r, h, w)
    out = out.permute(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    return out.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W), the inverse of :func:`pixel_shuffle`."""
    r = int(downscale_factor)
    if input.ndim < 3:
        raise RuntimeError(f'pixel_unshuffle expects input to have at least 3 dimensions, but got input with '
                           f'{input.ndim} dimension(s)')
    if r <= 0:
        raise RuntimeError(f'pixel_unshuffle expects a positive downscale_factor, but got {r}')
    *batch, c, h, w = input.shape
    if h % r:
        raise RuntimeError(f'pixel_unshuffle expects height to be divisible by downscale_factor, but '
                           f'input.size(-2)={h} is not divisible by {r}')
    if w % r:
        raise RuntimeError(f'pixel_unshuffle expects width to be divisible by downscale_factor, but '
                           f'input.size(-1)={w} is not divisible by {r}')
    nb = len(batch)
    out = input.reshape(*batch, c, h // r, r, w // r, r)
    out = out.permute(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    return out.reshape(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """Interleave the channels of (N, C, *) input from ``groups`` groups: (N, g, C/g, *) -> (N, C/g, g, *).

    >>> F.channel_shuffle(ember.arange(4.).reshape(1, 4, 1), 2).flatten()
    tensor([0., 2., 1., 3.])
    """
    groups = int(groups)
    if input.ndim <= 2:
        raise RuntimeError(f'channel_shuffle expects input with > 2 dims, but got input with sizes '
                           f'{list(input.shape)}')
    if groups <= 0:
        raise RuntimeError(f'Number of groups to divide channels in must be positive. Value of groups:{groups}')
    n, c, *rest = input.shape
    if c % groups:
        raise RuntimeError(f'Number of channels must be divisible by groups. Got {c} channels and {groups} groups.')
    out = input.reshape(n, groups, c // groups, *rest).transpose(1, 2)
    return out.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


# ------------------------------------------------------------------------------------------------ fold / unfold

def _pair(value, name, op):
    if isinstance(value, numbers.Integral):
        return (int(value),) * 2
    value = tuple(int(v) for v in value)
    if len(value) != 2:
        raise RuntimeError(f'It is expected {name} equals to 2, but got size {len(value)}')
    return value


def _block_args(op, kernel_size, dilation, padding, stride):
    kernel = _pair(kernel_size, 'kernel_size', op)
    dilation = _pair(dilation, 'dilation', op)
    padding = _pair(padding, 'padding', op)
    stride = _pair(stride, 'stride', op)
    for word, value, check in (('kernel size', kernel, 'greater than zero'), ('stride', stride, 'greater than zero'),
                               ('dilation', dilation, 'greater than zero'), ('padding', padding, 'non-negative')):
        bad = value[0] < 0 or value[1] < 0 if check == 'non-negative' else value[0] <= 0 or value[1] <= 0
        if bad:
            key = 'pad' if word == 'padding' else word.split()[0]
            raise RuntimeError(f'{word} should be {check}, but got {key}_height: {value[0]} {key}_width: {value[1]}')
    return kernel, dilation, padding, stride


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sliding local blocks of (N, C, H, W) input as columns (N, C*kh*kw, L) (im2col).

    >>> F.unfold(ember.ones(1, 2, 3, 3), 2).shape
    torch.Size([1, 8, 4])
    """
    if input.ndim not in (3, 4):
        raise NotImplementedError(f'Input Error: Only 3D or 4D input Tensors are supported (got {input.ndim}D)')
    kernel, dilation, padding, stride = _block_args('unfold', kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    spatial = tuple(input.shape[2:])
    blocks = tuple((spatial[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1
                   for i in range(2))
    if any(b < 1 for b in blocks):
        raise RuntimeError(f'Given input with spatial size {spatial}, kernel_size={kernel}, dilation={dilation}, '
                           f'padding={padding}, calculated shape of the array of sliding blocks as {blocks}, but its '
                           'components must be at least one.')
    if input.dtype._kind < 2:
        raise _not_implemented('im2col_out_cpu', input.dtype)
    out = Im2Col.apply(input, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    return out.squeeze(0) if unbatched else out


def fold(input: Tensor, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """Sum columns (N, C*kh*kw, L) back into (N, C, H, W) (col2im), the adjoint of :func:`unfold`.

    >>> F.fold(ember.ones(1, 4, 4), (3, 3), 2)[0, 0]
    tensor([[1., 2., 1.],
            [2., 4., 2.],
            [1., 2., 1.]])
    """
    if input.ndim not in (2, 3) or any(s == 0 for s in input.shape[1 - (input.ndim == 2):]):
        raise RuntimeError(f'Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero '
                           f'dimensions for input, but got: {list(input.shape)}')
    size = _pair(output_size, 'output_size', 'fold')
    kernel, dilation, padding, stride = _block_args('fold', kernel_size, dilation, padding, stride)
    unbatched = input.ndim == 2
    if unbatched:
        input = input.unsqueeze(0)
    k = kernel[0] * kernel[1]
    if input.shape[1] % k:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product of kernel_size, but "
                           f'got input.size(1)={input.shape[1]} and kernel_size={kernel}.')
    blocks = tuple((size[i] + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) // stride[i] + 1 for i in range(2))
    if any(b < 1 for b in blocks):
        raise RuntimeError(f'Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, '
                           f'stride={stride}, calculated shape of the array of sliding blocks as {blocks}, but its '
                           'components must be at least one.')
    if input.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(f'Given output_size={size}, kernel_size={kernel}, dilation={dilation}, padding={padding}, '
                           f"stride={stride}, expected size of input's dimension 2 to match the calculated number of "
                           f'sliding blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got '
                           f'input.size(2)={input.shape[2]}.')
    if input.dtype._kind < 2:
        raise _not_implemented('col2im_out_cpu', input.dtype)
    out = Col2Im.apply(input, output_size=size, kernel=kernel, dilation=dilation, padding=padding, stride=stride)
    return out.squeeze(0) if unbatched else out


# ------------------------------------------------------------------------------------------------ grid sampling

_ALIGN_WARNING = ('Default grid_sample and affine_grid behavior has changed to align_corners=False since 1.3.0. '
                  'Please specify align_corners=True if the old behavior is desired. See the documentation of '
                  'grid_sample for details.')


def grid_sample(input: Tensor, grid: Tensor, mode: str = 'bilinear', padding_mode: str = 'zeros',
                align_corners: bool | None = None) -> Tensor:
    """Sample (N, C, H, W) input at the normalised (x, y) positions of grid (N, Ho, Wo, 2) (5-D: (x, y, z)).

    >>> F.grid_sample(ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2), align_corners=False)
    tensor([[[[1.]]]])
    """
    if mode not in ('bilinear', 'nearest', 'bicubic'):
        raise ValueError(f"nn.functional.grid_sample(): expected mode to be 'bilinear', 'nearest' or 'bicubic', but "
                         f"got: '{mode}'")
    if padding_mode not in ('zeros', 'border', 'reflection'):
        raise ValueError(f"nn.functional.grid_sample(): expected padding_mode to be 'zeros', 'border', or "
                         f"'reflection', but got: '{padding_mode}'")
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    shapes = f'input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}'
    if input.ndim not in (4, 5) or grid.ndim != input.ndim:
        raise RuntimeError(f'grid_sampler(): expected 4D or 5D input and grid with same number of dimensions, but got '
                           f'{shapes}')
    if input.shape[0] != grid.shape[0]:
        raise RuntimeError(f'grid_sampler(): expected grid and input to have same batch size, but got {shapes}')
    d = input.ndim - 2
    if grid.shape[-1] != d:
        raise RuntimeError(f'grid_sampler(): expected grid to have size {d} in last dimension, but got grid with sizes '
                           f'{list(grid.shape)}')
    for i in range(2, input.ndim):
        if input.shape[i] == 0:
            raise RuntimeError(f'grid_sampler(): expected input to have non-empty spatial dimensions, but input has '
                               f'sizes {list(input.shape)} with dimension {i} being empty')
    if mode == 'bicubic' and d != 2:
        raise RuntimeError('grid_sampler(): bicubic interpolation only supports 4D input')
    if input.dtype._kind < 2:
        raise _not_implemented(f'grid_sampler_{d}d_cpu_kernel_impl', input.dtype)
    if input.dtype is not grid.dtype:
        raise RuntimeError(f'expected scalar type {_word(input.dtype)} but found {_word(grid.dtype)}')
    return GridSample.apply(input, grid, mode=mode, padding_mode=padding_mode, align_corners=bool(align_corners))


def _base_coords(n, align_corners):
    if n <= 1:
        return numpy.zeros(max(n, 0))
    coords = numpy.linspace(-1.0, 1.0, n)
    return coords if align_corners else coords * (n - 1) / n


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid (N, H, W, 2) of the affine maps ``theta`` (N, 2, 3) for output ``size`` (N, C, H, W).

    >>> F.affine_grid(ember.tensor([[[1., 0., 0.], [0., 1., 0.]]]), (1, 1, 2, 2), align_corners=False).shape
    torch.Size([1, 2, 2, 2])
    """
    if align_corners is None:
        warnings.warn(_ALIGN_WARNING, stacklevel=2)
        align_corners = False
    if not theta.dtype.is_floating_point:
        raise ValueError(f'Expected theta to have floating point type, but got {theta.dtype}')
    size = tuple(int(s) for s in size)
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(f'Expected a batch of 2D affine matrices of shape Nx2x3 for size {size}. Got '
                             f'{theta.shape}.')
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(f'Expected a batch of 3D affine matrices of shape Nx3x4 for size {size}. Got '
                             f'{theta.shape}.')
        spatial = size[-3:]
    else:
        raise NotImplementedError(f'affine_grid only supports 4D and 5D sizes, for 2D and 3D affine transforms, '
                                  f'respectively. Got size {size}.')
    if align_corners and min(spatial) == 1:
        warnings.warn('Since version 1.3.0, affine_grid behavior has changed for unit-size grids when '
                      'align_corners=True. This is not an intended use case of affine_grid. See the documentation of '
                      'affine_grid for details.', stacklevel=2)
    if min(size) <= 0:
        raise ValueError(f'Expected non-zero, positive output size. Got {size}')
    if theta.shape[0] != size[0]:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: [{size[0]}, '
                           f'{theta.shape[2]}] but got: [{theta.shape[0]}, {theta.shape[2]}].')
    d = len(spatial)
    axes = [_base_coords(s, align_corners) for s in spatial]   # D, H, W order
    mesh = numpy.meshgrid(*axes, indexing='ij')
    # homogeneous coordinates listed x (width) first, then y, then z, then 1
    base = numpy.stack([mesh[d - 1 - i] for i in range(d)] + [numpy.ones(spatial)], axis=-1)
    base = Tensor._make(numpy.ascontiguousarray(base.reshape(1, -1, d + 1)).astype(theta.dtype.np))
    if not theta.is_cpu:
        base = base.to(theta.device)
    grid = base.matmul(theta.transpose(1, 2))
    return grid.reshape((size[0],) + tuple(spatial) + (d,))

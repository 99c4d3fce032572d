"""torchvision.utils on ember: ``make_grid`` (a batch of images tiled into one) and ``save_image`` (via Pillow).

>>> make_grid(ember.rand(4, 3, 8, 8), nrow=2, padding=1).shape
torch.Size([3, 19, 19])
"""
from __future__ import annotations

import math

import ember

__all__ = ['make_grid', 'save_image']


def _normalize_into(img, low, high):
    img.clamp_(min=low, max=high)
    img.sub_(low).div_(max(high - low, 1e-5))


def make_grid(tensor, nrow: int = 8, padding: int = 2, normalize: bool = False, value_range=None,
              scale_each: bool = False, pad_value: float = 0.0, **kwargs) -> ember.Tensor:
    """Tile a (B, C, H, W) tensor (or a list of (C, H, W) images) into one (C, H', W') image, ``nrow`` per row.

    ``normalize`` shifts values to [0, 1] using ``value_range`` (default: the min and max of the tensor, or of
    each image when ``scale_each``). Single-channel images are repeated to 3 channels.
    """
    if not (isinstance(tensor, ember.Tensor) or (isinstance(tensor, (list, tuple))
                                                 and all(isinstance(t, ember.Tensor) for t in tensor))):
        raise TypeError(f'tensor or list of tensors expected, got {type(tensor)}')
    if 'range' in kwargs:
        value_range = kwargs.pop('range')
    if kwargs:
        raise TypeError(f"make_grid() got an unexpected keyword argument '{next(iter(kwargs))}'")
    if isinstance(tensor, (list, tuple)):
        tensor = ember.stack(list(tensor), dim=0)
    if tensor.ndim == 2:
        tensor = tensor.unsqueeze(0)
    if tensor.ndim == 3:
        if tensor.shape[0] == 1:
            tensor = ember.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.ndim == 4 and tensor.shape[1] == 1:
        tensor = ember.cat((tensor, tensor, tensor), 1)
    if normalize:
        tensor = tensor.clone()
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError('value_range has to be a tuple (min, max) if specified. min and max are numbers')

        def norm_range(t):
            if value_range is not None:
                _normalize_into(t, value_range[0], value_range[1])
            else:
                _normalize_into(t, float(t.min()), float(t.max()))

        if scale_each:
            for t in tensor:
                norm_range(t)
        else:
            norm_range(tensor)
    if not isinstance(tensor, ember.Tensor):
        raise TypeError('tensor should be of type torch.Tensor')
    if tensor.shape[0] == 1:
        return tensor.squeeze(0)
    nmaps = tensor.shape[0]
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.shape[2] + padding), int(tensor.shape[3] + padding)
    num_channels = tensor.shape[1]
    grid = tensor.new_full((num_channels, height * ymaps + padding, width * xmaps + padding), pad_value)
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            top, left = y * height + padding, x * width + padding
            grid[:, top:top + height - padding, left:left + width - padding] = tensor[k]
            k += 1
    return grid


def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """Save a tensor (or list of tensors, tiled with ``make_grid(**kwargs)``) as an image file via Pillow.

    Values are taken as [0, 1] and rounded to uint8.
    """
    from PIL import Image  # noqa: PLC0415
    grid = make_grid(tensor, **kwargs)
    with ember.no_grad():
        ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to('cpu', ember.uint8).numpy()
    Image.fromarray(ndarr).save(fp, format=format)

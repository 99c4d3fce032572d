"""Building blocks shared by the models (torchvision.ops.misc's Conv2dNormActivation)."""
from __future__ import annotations

from ... import nn

__all__ = ['Conv2dNormActivation', 'make_divisible']


class Conv2dNormActivation(nn.Sequential):
    """Conv2d, then ``norm_layer`` (default BatchNorm2d) and ``activation_layer`` (default ReLU), as children 0/1/2.

    >>> Conv2dNormActivation(3, 8, kernel_size=3, stride=2)
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=None, groups=1,
                 norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU, dilation=1, inplace=True, bias=None):
        if padding is None:
            padding = (kernel_size - 1) // 2 * dilation
        if bias is None:
            bias = norm_layer is None
        layers = [nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding, dilation=dilation,
                            groups=groups, bias=bias)]
        if norm_layer is not None:
            layers.append(norm_layer(out_channels))
        if activation_layer is not None:
            layers.append(activation_layer(**({} if inplace is None else {'inplace': inplace})))
        super().__init__(*layers)
        self.out_channels = out_channels


def make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """``v`` rounded to a multiple of ``divisor``, never below 90% of ``v`` (MobileNet channel counts)."""
    if min_value is None:
        min_value = divisor
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if new_v < 0.9 * v:
        new_v += divisor
    return new_v

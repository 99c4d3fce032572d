"""VGG (Simonyan & Zisserman, 2014) with torchvision's ``features.N`` / ``classifier.N`` layout.

>>> vgg11(num_classes=10)(ember.randn(1, 3, 32, 32)).shape
torch.Size([1, 10])
"""
from __future__ import annotations

from ... import nn
from ._api import handle_weights, make_weights_enum, register_model

__all__ = ['VGG', 'vgg11', 'vgg11_bn', 'vgg13', 'vgg13_bn', 'vgg16', 'vgg16_bn', 'vgg19', 'vgg19_bn',
           'VGG11_Weights', 'VGG11_BN_Weights', 'VGG16_Weights', 'VGG16_BN_Weights']


class VGG(nn.Module):
    """``features`` (convolutions), a 7x7 adaptive average pool and a three-layer ``classifier``."""

    def __init__(self, features: nn.Module, num_classes: int = 1000, init_weights: bool = True,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
                    if m.bias is not None:
                        nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)
                elif isinstance(m, nn.Linear):
                    nn.init.normal_(m.weight, 0, 0.01)
                    nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x)).flatten(1)
        return self.classifier(x)


def make_layers(cfg, batch_norm: bool = False) -> nn.Sequential:
    """3x3 convolutions (+ BatchNorm) + ReLU for each number in ``cfg``, a 2x2 max pool for each 'M'."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == 'M':
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
        else:
            conv2d = nn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv2d, nn.BatchNorm2d(v), nn.ReLU(inplace=True)] if batch_norm else [conv2d,
                                                                                             nn.ReLU(inplace=True)]
            in_channels = v
    return nn.Sequential(*layers)


cfgs = {
    'A': [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'B': [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
    'D': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
    'E': [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
}

_URL = 'https://download.pytorch.org/models/'
VGG11_Weights = make_weights_enum('VGG11_Weights', _URL + 'vgg11-8a719046.pth', num_params=132863336)
VGG11_BN_Weights = make_weights_enum('VGG11_BN_Weights', _URL + 'vgg11_bn-6002323d.pth', num_params=132868840)
VGG16_Weights = make_weights_enum('VGG16_Weights', _URL + 'vgg16-397923af.pth', num_params=138357544)
VGG16_BN_Weights = make_weights_enum('VGG16_BN_Weights', _URL + 'vgg16_bn-6c64b313.pth', num_params=138365992)


def _vgg(name, cfg, batch_norm, weights, kwargs):
    kwargs = handle_weights(name, weights, kwargs)
    return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)


@register_model()
def vgg11(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-11 (configuration "A")."""
    return _vgg('vgg11', 'A', False, weights, kwargs)


@register_model()
def vgg11_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-11 with batch normalization."""
    return _vgg('vgg11_bn', 'A', True, weights, kwargs)


@register_model()
def vgg13(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-13 (configuration "B")."""
    return _vgg('vgg13', 'B', False, weights, kwargs)


@register_model()
def vgg13_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-13 with batch normalization."""
    return _vgg('vgg13_bn', 'B', True, weights, kwargs)


@register_model()
def vgg16(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-16 (configuration "D")."""
    return _vgg('vgg16', 'D', False, weights, kwargs)


@register_model()
def vgg16_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-16 with batch normalization."""
    return _vgg('vgg16_bn', 'D', True, weights, kwargs)


@register_model()
def vgg19(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-19 (configuration "E")."""
    return _vgg('vgg19', 'E', False, weights, kwargs)


@register_model()
def vgg19_bn(*, weights=None, progress: bool = True, **kwargs) -> VGG:
    """VGG-19 with batch normalization."""
    return _vgg('vgg19_bn', 'E', True, weights, kwargs)

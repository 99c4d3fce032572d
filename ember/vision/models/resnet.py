"""ResNet (He et al., 2015) with torchvision's module names, so torchvision checkpoints load unchanged.

>>> model = resnet18(num_classes=10)
>>> model(ember.randn(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
from __future__ import annotations

from ... import nn
from ._api import handle_weights, make_weights_enum, register_model

__all__ = ['ResNet', 'BasicBlock', 'Bottleneck', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152',
           'resnext50_32x4d', 'wide_resnet50_2', 'ResNet18_Weights', 'ResNet34_Weights', 'ResNet50_Weights',
           'ResNet101_Weights', 'ResNet152_Weights']


def conv3x3(in_planes, out_planes, stride=1, groups=1, dilation=1):
    """3x3 convolution with padding."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=3, stride=stride, padding=dilation, groups=groups,
                     bias=False, dilation=dilation)


def conv1x1(in_planes, out_planes, stride=1):
    """1x1 convolution."""
    return nn.Conv2d(in_planes, out_planes, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with a residual connection (ResNet-18/34)."""

    expansion = 1

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        if groups != 1 or base_width != 64:
            raise ValueError('BasicBlock only supports groups=1 and base_width=64')
        if dilation > 1:
            raise NotImplementedError('Dilation > 1 not supported in BasicBlock')
        self.conv1 = conv3x3(inplanes, planes, stride)
        self.bn1 = norm_layer(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = norm_layer(planes)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3 (stride here, as torchvision's "ResNet V1.5"), 1x1 expand by 4, plus the residual."""

    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None, groups=1, base_width=64, dilation=1,
                 norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        width = int(planes * (base_width / 64.0)) * groups
        self.conv1 = conv1x1(inplanes, width)
        self.bn1 = norm_layer(width)
        self.conv2 = conv3x3(width, width, stride, groups, dilation)
        self.bn2 = norm_layer(width)
        self.conv3 = conv1x1(width, planes * self.expansion)
        self.bn3 = norm_layer(planes * self.expansion)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample
        self.stride = stride

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        out += identity
        return self.relu(out)


class ResNet(nn.Module):
    """A ResNet of ``block`` repeated ``layers`` times in four stages; input (N, 3, H, W), output (N, num_classes)."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, groups=1, width_per_group=64,
                 replace_stride_with_dilation=None, norm_layer=None):
        super().__init__()
        if norm_layer is None:
            norm_layer = nn.BatchNorm2d
        self._norm_layer = norm_layer
        self.inplanes = 64
        self.dilation = 1
        if replace_stride_with_dilation is None:
            replace_stride_with_dilation = [False, False, False]
        if len(replace_stride_with_dilation) != 3:
            raise ValueError('replace_stride_with_dilation should be None or a 3-element tuple, got '
                             f'{replace_stride_with_dilation}')
        self.groups = groups
        self.base_width = width_per_group
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = norm_layer(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2, dilate=replace_stride_with_dilation[0])
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2, dilate=replace_stride_with_dilation[1])
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2, dilate=replace_stride_with_dilation[2])
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)

        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='relu')
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:  # each residual branch starts as zero, so each block starts as the identity
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)

    def _make_layer(self, block, planes, blocks, stride=1, dilate=False):
        norm_layer = self._norm_layer
        downsample = None
        previous_dilation = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       norm_layer(planes * block.expansion))
        layers = [block(self.inplanes, planes, stride, downsample, self.groups, self.base_width, previous_dilation,
                        norm_layer)]
        self.inplanes = planes * block.expansion
        for _ in range(1, blocks):
            layers.append(block(self.inplanes, planes, groups=self.groups, base_width=self.base_width,
                                dilation=self.dilation, norm_layer=norm_layer))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = self.avgpool(x).flatten(1)
        return self.fc(x)


_URL = 'https://download.pytorch.org/models/'
ResNet18_Weights = make_weights_enum('ResNet18_Weights', _URL + 'resnet18-f37072fd.pth', num_params=11689512)
ResNet34_Weights = make_weights_enum('ResNet34_Weights', _URL + 'resnet34-b627a593.pth', num_params=21797672)
ResNet50_Weights = make_weights_enum('ResNet50_Weights', _URL + 'resnet50-0676ba61.pth', num_params=25557032)
ResNet101_Weights = make_weights_enum('ResNet101_Weights', _URL + 'resnet101-63fe2227.pth', num_params=44549160)
ResNet152_Weights = make_weights_enum('ResNet152_Weights', _URL + 'resnet152-394f9c45.pth', num_params=60192808)


def _resnet(name, block, layers, weights, kwargs):
    kwargs = handle_weights(name, weights, kwargs)
    return ResNet(block, layers, **kwargs)


@register_model()
def resnet18(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNet-18 (11.7M parameters). ``weights`` must be None: load a checkpoint with ``load_state_dict``."""
    return _resnet('resnet18', BasicBlock, [2, 2, 2, 2], weights, kwargs)


@register_model()
def resnet34(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNet-34 (21.8M parameters)."""
    return _resnet('resnet34', BasicBlock, [3, 4, 6, 3], weights, kwargs)


@register_model()
def resnet50(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNet-50 (25.6M parameters), bottleneck blocks with the stride on the 3x3 convolution."""
    return _resnet('resnet50', Bottleneck, [3, 4, 6, 3], weights, kwargs)


@register_model()
def resnet101(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNet-101 (44.5M parameters)."""
    return _resnet('resnet101', Bottleneck, [3, 4, 23, 3], weights, kwargs)


@register_model()
def resnet152(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNet-152 (60.2M parameters)."""
    return _resnet('resnet152', Bottleneck, [3, 8, 36, 3], weights, kwargs)


@register_model()
def resnext50_32x4d(*, weights=None, progress=True, **kwargs) -> ResNet:
    """ResNeXt-50 32x4d: ResNet-50 with grouped 3x3 convolutions."""
    kwargs.update(groups=32, width_per_group=4)
    return _resnet('resnext50_32x4d', Bottleneck, [3, 4, 6, 3], weights, kwargs)


@register_model()
def wide_resnet50_2(*, weights=None, progress=True, **kwargs) -> ResNet:
    """Wide ResNet-50-2: ResNet-50 with twice the bottleneck width."""
    kwargs.update(width_per_group=128)
    return _resnet('wide_resnet50_2', Bottleneck, [3, 4, 6, 3], weights, kwargs)

"""ember.vision.models: torchvision's architectures (parameter counts, state_dict layout), forward shapes, and a
ResNet-18 checkpoint saved by PyTorch loading into ember with matching logits."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import ember
from ember import nn
from ember.vision import models

# parameter counts of torchvision's models (torchvision's documentation tables)
COUNTS = {'resnet18': 11_689_512, 'resnet34': 21_797_672, 'resnet50': 25_557_032, 'alexnet': 61_100_840,
          'vgg11': 132_863_336, 'vgg16': 138_357_544, 'mobilenet_v2': 3_504_872}


@pytest.fixture
def fast_linear_init(monkeypatch):
    """VGG/AlexNet hold ~100M-parameter Linear layers whose random init dominates the test time; structure and
    counts do not depend on it, so these tests fill Linear weights with zeros instead."""
    def reset(self):
        with ember.no_grad():
            self.weight.zero_()
            if self.bias is not None:
                self.bias.zero_()
    monkeypatch.setattr(nn.Linear, 'reset_parameters', reset)
    monkeypatch.setattr(nn.init, 'normal_', lambda tensor, *args, **kwargs: tensor)


def _count(model):
    return sum(p.numel() for p in model.parameters())


@pytest.mark.parametrize('name', ['resnet18', 'resnet34', 'resnet50', 'mobilenet_v2'])
def test_parameter_counts(name):
    assert _count(getattr(models, name)()) == COUNTS[name]


@pytest.mark.parametrize('name', ['alexnet', 'vgg11', 'vgg16'])
def test_parameter_counts_large(name, fast_linear_init):
    kwargs = {} if name == 'alexnet' else {'init_weights': False}
    model = getattr(models, name)(**kwargs)
    assert _count(model) == COUNTS[name]
    keys = list(model.state_dict())
    if name == 'alexnet':
        assert keys == [f'features.{i}.{p}' for i in (0, 3, 6, 8, 10) for p in ('weight', 'bias')] + \
            [f'classifier.{i}.{p}' for i in (1, 4, 6) for p in ('weight', 'bias')]
    else:
        convs = [0, 3, 6, 8, 11, 13, 16, 18] if name == 'vgg11' else \
            [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
        assert keys == [f'features.{i}.{p}' for i in convs for p in ('weight', 'bias')] + \
            [f'classifier.{i}.{p}' for i in (0, 3, 6) for p in ('weight', 'bias')]
        assert model.avgpool.output_size == (7, 7)
    if name == 'vgg11':
        model.eval()
        assert model(ember.randn(1, 3, 32, 32)).shape == (1, 1000)


def test_alexnet_forward(fast_linear_init):
    model = models.alexnet(num_classes=7).eval()
    assert model(ember.randn(1, 3, 64, 64)).shape == (1, 7)


@pytest.mark.parametrize('cfg, bn_count', [('A', 132_868_840 - 132_863_336), ('D', 138_365_992 - 138_357_544)])
def test_vgg_bn_features(cfg, bn_count):
    plain = models.vgg.make_layers(models.vgg.cfgs[cfg])
    with_bn = models.vgg.make_layers(models.vgg.cfgs[cfg], batch_norm=True)
    assert _count(with_bn) - _count(plain) == bn_count
    keys = list(with_bn.state_dict())
    assert keys[:3] == ['0.weight', '0.bias', '1.weight'] and '1.num_batches_tracked' in keys
    assert isinstance(with_bn[3 if cfg == "A" else 6], nn.MaxPool2d)


def test_vgg_bn_builders_wire_batch_norm(fast_linear_init):
    model = models.vgg11_bn(init_weights=False)
    assert _count(model) == 132_868_840
    assert isinstance(model.features[1], nn.BatchNorm2d) and isinstance(model.features[3], nn.MaxPool2d)


@pytest.mark.parametrize('name, size', [('resnet18', 32), ('mobilenet_v2', 32)])
def test_forward_shapes(name, size):
    model = getattr(models, name)(num_classes=5).eval()
    assert model(ember.randn(2, 3, size, size)).shape == (2, 5)


def test_resnet50_forward_and_zero_init_residual():
    model = models.resnet50(num_classes=3, zero_init_residual=True).eval()
    assert model(ember.randn(1, 3, 32, 32)).shape == (1, 3)
    assert all(float(block.bn3.weight.abs().sum()) == 0 for layer in (model.layer1, model.layer4) for block in layer)
    keys = model.state_dict().keys()
    assert len(keys) == 320
    assert {'layer1.0.downsample.0.weight', 'layer1.0.downsample.1.running_var', 'layer4.2.conv3.weight',
            'fc.bias'} <= set(keys)


def test_resnet18_zero_init_and_keys():
    model = models.resnet18(zero_init_residual=True)
    assert float(model.layer2[1].bn2.weight.abs().sum()) == 0
    assert float(model.layer2[1].bn1.weight.sum()) == 128
    assert len(model.state_dict()) == 122


def test_lenet5():
    model = models.lenet5()
    out = model(ember.randn(4, 1, 28, 28))
    assert out.shape == (4, 10)
    assert _count(model) == 61_706
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    assert models.lenet5(num_classes=3, activation='tanh')(ember.randn(1, 1, 28, 28)).shape == (1, 3)
    with pytest.raises(ValueError, match="activation should be 'relu' or 'tanh'"):
        models.LeNet(activation='gelu')


def test_mobilenet_v2_layout_and_width():
    keys = list(models.mobilenet_v2().state_dict())
    assert len(keys) == 314
    assert keys[:2] == ['features.0.0.weight', 'features.0.1.weight']
    for key in ['features.1.conv.0.0.weight', 'features.1.conv.1.weight', 'features.1.conv.2.running_mean',
                'features.2.conv.0.0.weight', 'features.2.conv.1.0.weight', 'features.2.conv.2.weight',
                'features.2.conv.3.weight', 'features.18.0.weight', 'classifier.1.weight']:
        assert key in keys, key
    half = models.mobilenet_v2(width_mult=0.5, num_classes=4).eval()
    assert half.features[0][0].out_channels == 16 and half.last_channel == 1280
    assert half(ember.randn(1, 3, 32, 32)).shape == (1, 4)
    with pytest.raises(ValueError, match='stride should be 1 or 2 instead of 3'):
        models.mobilenetv2.InvertedResidual(8, 8, 3, 6)
    with pytest.raises(ValueError, match='inverted_residual_setting should be non-empty'):
        models.MobileNetV2(inverted_residual_setting=[[1, 2]])


def test_weights_are_not_bundled():
    with pytest.raises(RuntimeError, match='pretrained weights are not bundled'):
        models.resnet18(weights='IMAGENET1K_V1')
    with pytest.raises(RuntimeError, match='load_state_dict'):
        models.resnet18(weights=models.ResNet18_Weights.DEFAULT)
    with pytest.raises(RuntimeError, match='mobilenet_v2'):
        models.mobilenet_v2(pretrained=True)
    assert models.ResNet18_Weights.DEFAULT is models.ResNet18_Weights.IMAGENET1K_V1
    preprocess = models.ResNet50_Weights.DEFAULT.transforms()
    assert 'CenterCrop(size=(224, 224))' in repr(preprocess)


def test_registry_and_argument_errors():
    assert {'resnet18', 'vgg16_bn', 'mobilenet_v2', 'alexnet', 'lenet5'} <= set(models.list_models())
    assert models.list_models(include='resnet1*') == ['resnet101', 'resnet152', 'resnet18']
    assert isinstance(models.get_model('resnet18', num_classes=2), models.ResNet)
    with pytest.raises(ValueError, match='Unknown model'):
        models.get_model('resnet7')
    with pytest.raises(ValueError, match='BasicBlock only supports groups=1'):
        models.resnet18(groups=2)
    with pytest.raises(ValueError, match='replace_stride_with_dilation should be None or a 3-element tuple'):
        models.resnet50(replace_stride_with_dilation=[True])


# ------------------------------------------------------------------------------------------------ torch cross-check

class _TorchBasicBlock(torch.nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(planes)
        self.relu = torch.nn.ReLU(inplace=True)
        self.conv2 = torch.nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = torch.nn.Sequential(torch.nn.Conv2d(inplanes, planes, 1, stride, bias=False),
                                                  torch.nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class _TorchResNet18(torch.nn.Module):
    """ResNet-18 written with torchvision's module names (torchvision itself is not a test dependency)."""

    def __init__(self, num_classes):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(64)
        self.relu = torch.nn.ReLU(inplace=True)
        self.maxpool = torch.nn.MaxPool2d(3, 2, 1)
        inplanes = 64
        for i, planes in enumerate([64, 128, 256, 512]):
            stride = 1 if i == 0 else 2
            setattr(self, f'layer{i + 1}', torch.nn.Sequential(_TorchBasicBlock(inplanes, planes, stride),
                                                               _TorchBasicBlock(planes, planes)))
            inplanes = planes
        self.avgpool = torch.nn.AdaptiveAvgPool2d((1, 1))
        self.fc = torch.nn.Linear(512, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def test_resnet18_loads_a_torch_checkpoint(tmp_path):
    torch.manual_seed(0)
    reference = _TorchResNet18(num_classes=10)
    with torch.no_grad():  # non-trivial running statistics, so eval-mode batch norm is exercised
        for m in reference.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    reference.eval()
    path = tmp_path / 'resnet18.pth'
    torch.save(reference.state_dict(), path)

    model = models.resnet18(num_classes=10)
    assert list(model.state_dict()) == list(reference.state_dict())
    for key, value in reference.state_dict().items():
        assert tuple(model.state_dict()[key].shape) == tuple(value.shape), key
    model.load_state_dict(ember.load(path))
    model.eval()

    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    with torch.no_grad():
        expected = reference(torch.tensor(x)).numpy()
    with ember.no_grad():
        out = model(ember.tensor(x)).numpy()
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)

"""LeNet-5 (LeCun et al., 1998) for 28x28 inputs such as MNIST. torchvision has no LeNet; this one is ember's.

Layout (``features`` / ``classifier``, torchvision's convention)::

    features:   0 Conv2d(in_channels, 6, 5, padding=2)  28x28 -> 28x28   (the padding stands in for the
                1 activation                                              paper's 32x32 input)
                2 MaxPool2d(2)                          28x28 -> 14x14   (the paper's subsampling layer S2)
                3 Conv2d(6, 16, 5)                      14x14 -> 10x10   (C3, fully connected across maps)
                4 activation
                5 MaxPool2d(2)                          10x10 -> 5x5     (S4)
    classifier: 0 Linear(400, 120) 1 act  2 Linear(120, 84) 3 act  4 Linear(84, num_classes)   (C5, F6, output)

``activation`` is 'relu' (default, the modern choice) or 'tanh' (closer to the paper); the paper's Gaussian
output units are replaced by a linear layer giving logits. 61,706 parameters with the defaults.

>>> lenet5()(ember.randn(2, 1, 28, 28)).shape
torch.Size([2, 10])
"""
from __future__ import annotations

from ... import nn
from ._api import handle_weights, register_model

__all__ = ['LeNet', 'lenet5']


class LeNet(nn.Module):
    """LeNet-5 for (N, in_channels, 28, 28) inputs; output (N, num_classes) logits."""

    def __init__(self, num_classes: int = 10, in_channels: int = 1, activation: str = 'relu') -> None:
        super().__init__()
        if activation not in ('relu', 'tanh'):
            raise ValueError(f"LeNet: activation should be 'relu' or 'tanh', got {activation!r}")
        act = nn.ReLU if activation == 'relu' else nn.Tanh
        self.features = nn.Sequential(
            nn.Conv2d(in_channels, 6, kernel_size=5, padding=2), act(), nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5), act(), nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Linear(16 * 5 * 5, 120), act(), nn.Linear(120, 84), act(), nn.Linear(84, num_classes),
        )

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


@register_model()
def lenet5(*, weights=None, progress: bool = True, **kwargs) -> LeNet:
    """LeNet-5 (see the module docstring for its layout)."""
    return LeNet(**handle_weights('lenet5', weights, kwargs))

"""AlexNet (Krizhevsky et al., 2012) as torchvision builds it (the "one weird trick" variant, 61.1M parameters).

>>> alexnet(num_classes=10)(ember.randn(1, 3, 64, 64)).shape
torch.Size([1, 10])
"""
from __future__ import annotations

from ... import nn
from ._api import handle_weights, make_weights_enum, register_model

__all__ = ['AlexNet', 'alexnet', 'AlexNet_Weights']


class AlexNet(nn.Module):
    """Five convolutions (``features``), a 6x6 adaptive average pool and three linear layers (``classifier``)."""

    def __init__(self, num_classes: int = 1000, dropout: float = 0.5) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 64, kernel_size=11, stride=4, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(64, 192, kernel_size=5, padding=2), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
            nn.Conv2d(192, 384, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(384, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(256, 256, kernel_size=3, padding=1), nn.ReLU(inplace=True),
            nn.MaxPool2d(kernel_size=3, stride=2),
        )
        self.avgpool = nn.AdaptiveAvgPool2d((6, 6))
        self.classifier = nn.Sequential(
            nn.Dropout(p=dropout), nn.Linear(256 * 6 * 6, 4096), nn.ReLU(inplace=True),
            nn.Dropout(p=dropout), nn.Linear(4096, 4096), nn.ReLU(inplace=True),
            nn.Linear(4096, num_classes),
        )

    def forward(self, x):
        x = self.avgpool(self.features(x)).flatten(1)
        return self.classifier(x)


AlexNet_Weights = make_weights_enum('AlexNet_Weights', 'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth',
                                    num_params=61100840)


@register_model()
def alexnet(*, weights=None, progress: bool = True, **kwargs) -> AlexNet:
    """AlexNet; ``weights`` must be None (load a checkpoint with ``load_state_dict``)."""
    return AlexNet(**handle_weights('alexnet', weights, kwargs))

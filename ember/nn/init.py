"""ember.nn.init: PyTorch's initialisers (in place, under no_grad)."""
from __future__ import annotations

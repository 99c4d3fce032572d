"""The layers of ember.nn, one module per family as in PyTorch (``torch.nn.modules.linear`` etc.)."""
from .module import Module  # noqa: F401
from .loss import *  # noqa: F401,F403

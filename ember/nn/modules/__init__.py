"""The layers of ember.nn, one module per family as in PyTorch (``torch.nn.modules.conv`` etc.)."""
from . import (activation, batchnorm, channelshuffle, container, conv, distance, dropout, flatten, fold, instancenorm,
               linear, loss, normalization, padding, pixelshuffle, pooling, rnn, sparse, transformer, upsampling)
from .activation import *  # noqa: F401,F403  (MultiheadAttention included, from _attention)
from .batchnorm import *  # noqa: F401,F403
from .channelshuffle import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .conv import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .fold import *  # noqa: F401,F403
from .instancenorm import *  # noqa: F401,F403
from .lazy import LazyModuleMixin  # noqa: F401
from .linear import *  # noqa: F401,F403
from .linear import NonDynamicallyQuantizableLinear  # noqa: F401
from .loss import *  # noqa: F401,F403
from .module import Module  # noqa: F401
from .normalization import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .pixelshuffle import *  # noqa: F401,F403
from .pooling import *  # noqa: F401,F403
from .rnn import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403
from .transformer import *  # noqa: F401,F403
from .upsampling import *  # noqa: F401,F403

__all__ = ['Module'] + [name for family in (
    activation, batchnorm, channelshuffle, container, conv, distance, dropout, flatten, fold, instancenorm, linear,
    loss, normalization, padding, pixelshuffle, pooling, rnn, sparse, transformer, upsampling)
    for name in family.__all__]

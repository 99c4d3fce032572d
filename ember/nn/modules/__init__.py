"""The layers of ember.nn, one module per family as in PyTorch (``torch.nn.modules.linear`` etc.)."""
import importlib as _importlib
import importlib.util as _importlib_util

from .activation import *  # noqa: F401,F403
from .container import *  # noqa: F401,F403
from .distance import *  # noqa: F401,F403
from .dropout import *  # noqa: F401,F403
from .flatten import *  # noqa: F401,F403
from .lazy import LazyModuleMixin  # noqa: F401
from .linear import *  # noqa: F401,F403
from .module import Module  # noqa: F401
from .normalization import *  # noqa: F401,F403
from .padding import *  # noqa: F401,F403
from .sparse import *  # noqa: F401,F403

# families written by other layers' owners: exported when their file exists
for _name in ('loss', '_attention', 'conv', 'pooling', 'batchnorm', 'instancenorm', 'rnn', 'transformer',
              'pixelshuffle', 'upsampling', 'channelshuffle', 'fold', 'adaptive'):
    if _importlib_util.find_spec(f'{__name__}.{_name}') is not None:
        _module = _importlib.import_module(f'{__name__}.{_name}')
        globals().update({_n: getattr(_module, _n) for _n in getattr(_module, '__all__', ())})

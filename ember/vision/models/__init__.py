"""ember.vision.models: torchvision's classification models (same module names and state_dict keys), no
pretrained weights bundled: build with ``weights=None`` and ``load_state_dict`` a checkpoint."""
from ._api import get_model, get_model_builder, get_weight, list_models, Weights, WeightsEnum  # noqa: F401
from .alexnet import *  # noqa: F401,F403
from .lenet import *  # noqa: F401,F403
from .mobilenetv2 import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403

"""ember.amp: automatic mixed precision — autocast and GradScaler, as torch.amp."""
from .autocast_mode import autocast, get_autocast_dtype, is_autocast_available, is_autocast_enabled  # noqa: F401
from .grad_scaler import GradScaler  # noqa: F401

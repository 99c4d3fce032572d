"""ember.return_types (torch.return_types): the named tuples returned by max/min/sort/topk/... with a dim."""
from ._ops.reduction import RETURN_TYPES as _RETURN_TYPES

globals().update(_RETURN_TYPES)
__all__ = sorted(_RETURN_TYPES)

"""The ``ember.*`` op namespace: public functions gathered from the op families in ``ember/_ops``."""
from ._ops.elementwise import add, div, divide, exp, log, mul, multiply, neg, negative, pow, sub, subtract, true_divide  # noqa: F401
from ._ops.linalg import matmul  # noqa: F401
from ._ops.reduction import mean, sum  # noqa: F401
from ._ops.shape import clone, expand, permute, reshape, squeeze, swapaxes, swapdims, transpose, unsqueeze, view  # noqa: F401

__all__ = [name for name in dir() if not name.startswith('_')]

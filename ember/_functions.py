"""The ``ember.*`` op namespace: the public functions of every op family (each module's ``__all__``)."""
from ._ops.elementwise import *  # noqa: F401,F403
from ._ops.elementwise_unary import *  # noqa: F401,F403
from ._ops.elementwise_more import *  # noqa: F401,F403
from ._ops.elementwise_select import *  # noqa: F401,F403
from ._ops.elementwise_compare import *  # noqa: F401,F403
from ._ops.reduction import *  # noqa: F401,F403
from ._ops.shape import *  # noqa: F401,F403
from ._ops.indexing import *  # noqa: F401,F403
from ._ops.linalg import *  # noqa: F401,F403
from ._ops.linalg_einsum import *  # noqa: F401,F403
from ._ops.linalg_decomp import *  # noqa: F401,F403
from ._ops.linalg_lstsq import *  # noqa: F401,F403
from ._ops.random import *  # noqa: F401,F403
from ._ops.activation import *  # noqa: F401,F403
from ._ops.loss import *  # noqa: F401,F403
from ._ops.loss_ctc import *  # noqa: F401,F403

"""ember.nn.functional: stateless, validated functions behind the layers (activations, linear, dropout, ...).

Losses live in ``_functional_loss.py`` and are re-exported here.
"""
from __future__ import annotations

from ._functional_loss import *  # noqa: F401,F403

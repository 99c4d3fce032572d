"""``ember.random`` (``torch.random``): seeding and state of the default generator, and ``fork_rng``."""
from __future__ import annotations

from ._random import (  # noqa: F401
    Generator, default_generator, fork_rng, get_rng_state, initial_seed, manual_seed, seed, set_rng_state,
)

__all__ = ['set_rng_state', 'get_rng_state', 'manual_seed', 'seed', 'initial_seed', 'fork_rng']

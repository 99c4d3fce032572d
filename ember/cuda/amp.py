"""ember.cuda.amp: the legacy names of ember.amp's autocast and GradScaler for CUDA."""
from __future__ import annotations

import functools


def autocast(enabled=True, dtype=None, cache_enabled=True):
    from .. import amp  # noqa: PLC0415
    import ember  # noqa: PLC0415
    return amp.autocast('cuda', dtype=dtype or ember.float16, enabled=enabled, cache_enabled=cache_enabled)


def GradScaler(init_scale=2.0 ** 16, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000,  # noqa: N802
               enabled=True):
    from .. import amp  # noqa: PLC0415
    return amp.GradScaler('cuda', init_scale, growth_factor, backoff_factor, growth_interval, enabled)


custom_fwd = functools.partial

"""The op table: every family's entries, gathered. Add entries in the family's ``table_<family>.py``."""
from __future__ import annotations

import importlib
import pkgutil
import os

OPS = []
for _info in pkgutil.iter_modules([os.path.dirname(__file__)]):
    if _info.name.startswith('table_'):
        OPS.extend(importlib.import_module(f'ops.{_info.name}').OPS)

_names = [op.name for op in OPS]
_dupes = {n for n in _names if _names.count(n) > 1}
if _dupes:
    raise RuntimeError(f'op table: duplicate entry names {sorted(_dupes)}')

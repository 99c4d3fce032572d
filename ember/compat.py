"""Run PyTorch code on ember unchanged: ``import torch`` (and ``torchvision``) resolve to ember.

``python -m ember script.py`` installs the alias before running the script; ``install_torch_alias()`` does the same
in-process. ``torch.X`` maps to ``ember.X`` (whose layout mirrors torch's); a module ember lacks fails to import
with a message naming it, never with a stub.
"""
from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

_ALIASES = {'torch': 'ember', 'torchvision': 'ember.vision'}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self._module = module

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        pass


class _TorchAliasFinder(importlib.abc.MetaPathFinder):
    """Finds ``torch[.x]`` by importing ``ember[.x]`` and handing back that very module object."""

    def find_spec(self, fullname, path=None, target=None):
        root, _, rest = fullname.partition('.')
        if root not in _ALIASES:
            return None
        target_name = _ALIASES[root] + ('.' + rest if rest else '')
        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError as exc:
            if exc.name and (exc.name == target_name or target_name.startswith(exc.name + '.')):
                raise ModuleNotFoundError(f"No module named '{fullname}': ember does not provide {fullname} (looked "
                                          f"for {target_name})", name=fullname) from None
            raise
        return importlib.util.spec_from_loader(fullname, _AliasLoader(module))


_FINDER = _TorchAliasFinder()


def install_torch_alias() -> None:
    """Make ``import torch`` / ``import torchvision`` in this process give ember / ember.vision."""
    for name in list(sys.modules):
        if name.split('.')[0] in _ALIASES and not getattr(sys.modules[name], '__name__', '').startswith('ember'):
            raise RuntimeError(f'install_torch_alias: the real {name} is already imported in this process')
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall_torch_alias() -> None:
    """Undo ``install_torch_alias`` (aliased modules already imported are dropped from sys.modules)."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in list(sys.modules):
        if name.split('.')[0] in _ALIASES and getattr(sys.modules[name], '__name__', '').startswith('ember'):
            del sys.modules[name]

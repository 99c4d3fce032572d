"""``python -m ember script.py [args]``: run a PyTorch script on ember (``import torch`` resolves to ember)."""
from __future__ import annotations

import os
import runpy
import sys

USAGE = 'usage: python -m ember SCRIPT.py [ARGS...]   |   python -m ember -m MODULE [ARGS...]'


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ('-h', '--help'):
        print(USAGE)
        return 0 if argv else 2
    from .compat import install_torch_alias
    install_torch_alias()
    if argv[0] == '-m':
        if len(argv) < 2:
            print(USAGE, file=sys.stderr)
            return 2
        sys.argv = argv[1:]
        runpy.run_module(argv[1], run_name='__main__', alter_sys=True)
        return 0
    script = argv[0]
    if not os.path.exists(script):
        print(f"python -m ember: can't open file {script!r}: No such file", file=sys.stderr)
        return 2
    sys.argv = argv
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    runpy.run_path(script, run_name='__main__')
    return 0


if __name__ == '__main__':
    sys.exit(main())

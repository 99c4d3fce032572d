"""One library's cell of one case, in a fresh interpreter: ``python -m benchmarks._worker IN OUT``.

The parent (``_harness.run_case`` with ``Settings.isolate``) pickles the case key, library name, settings and the
``shared`` dict (PyTorch's initial weights, NumPy arrays) into IN; the worker imports only that library, runs
``run_library`` and pickles the cell, FLOPs and updated ``shared`` into OUT. Each library thus runs with its own
process defaults: ember's import tunes glibc's malloc (ember/_backend/host_memory.py), which would otherwise speed
up PyTorch's steps too (measured: PyTorch's LSTM step 129 -> 105 ms) and misstate what PyTorch does on its own.
"""
from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import tempfile

from ._harness import Settings, run_library

TIMEOUT_S = 3600


def _import_library(name):
    if name == 'torch':
        import torch  # noqa: PLC0415
        return torch
    if name == 'ember':
        import ember  # noqa: PLC0415
        return ember
    from . import tiny  # noqa: PLC0415
    tiny.configure_environment()
    import tinygrad  # noqa: PLC0415
    return tinygrad


def run_isolated(key, name, shared, settings):
    """Run ``name``'s cell of case ``key`` in a subprocess; updates ``shared`` in place; returns (cell, flops)."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with tempfile.TemporaryDirectory(prefix='ember-bench-') as tmp:
        inp, out = os.path.join(tmp, 'in.pkl'), os.path.join(tmp, 'out.pkl')
        with open(inp, 'wb') as f:
            pickle.dump({'key': key, 'name': name, 'shared': shared, 'settings': dataclasses.asdict(settings)}, f)
        try:
            done = subprocess.run([sys.executable, '-m', 'benchmarks._worker', inp, out], cwd=root,
                                  capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            return {'status': 'error', 'error': f'worker timed out after {TIMEOUT_S} s'}, None
        if done.returncode != 0 or not os.path.exists(out):
            last = (done.stderr.strip().splitlines() or [f'exit status {done.returncode}'])[-1]
            return {'status': 'error', 'error': f'worker failed: {last}', 'traceback': done.stderr[-4000:]}, None
        with open(out, 'rb') as f:
            result = pickle.load(f)
    shared.update(result['shared'])
    return result['cell'], result['flops']


def main(argv):
    inp, out = argv
    with open(inp, 'rb') as f:
        job = pickle.load(f)
    from .cases import CASES  # noqa: PLC0415
    case = next(c for c in CASES if c.key == job['key'])
    settings = Settings(**{**job['settings'], 'isolate': False})
    shared = job['shared']
    lib = _import_library(job['name'])
    cell, flops = run_library(case, job['name'], lib, shared, settings)
    with open(out, 'wb') as f:
        pickle.dump({'cell': cell, 'flops': flops, 'shared': shared}, f)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

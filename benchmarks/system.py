"""Measurements of the installation and the machine: import time, installed size, NumPy's float32 GEMM rate.

Example::

    row = import_time_row(['ember', 'torch'], repeats=5)
"""
from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time

import numpy as np

from ._harness import summarize

_IMPORT_SNIPPET = 'import time; start = time.perf_counter(); import {name}; print(time.perf_counter() - start)'


def _import_seconds(name):
    """Seconds ``import name`` takes in a fresh interpreter (its start-up excluded)."""
    done = subprocess.run([sys.executable, '-c', _IMPORT_SNIPPET.format(name=name)], capture_output=True, text=True,
                          timeout=120, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ['exit status %d' % done.returncode])[-1]
        raise RuntimeError(last)
    return float(done.stdout.strip().splitlines()[-1])


def import_time_row(names, repeats=5):
    """The 'import X' row: median (min–max) of ``repeats`` fresh-subprocess imports per library, in ms."""
    row = {'key': 'import', 'case': f'import time (fresh subprocess, median of {repeats})', 'unit': 'ms', 'libs': {}}
    for name in ('ember', 'torch', 'tinygrad'):
        if name not in names:
            row['libs'][name] = {'status': 'n/a'}
            continue
        try:
            samples = [_import_seconds(name) for _ in range(repeats)]
            cell = summarize(samples, 1e3)
            cell['status'] = 'ok'
        except Exception as exc:  # noqa: BLE001 - reported in the row
            cell = {'status': 'error', 'error': f'{type(exc).__name__}: {exc}'}
        row['libs'][name] = cell
    _ratios(row)
    return row


def _directory_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for file in files:
            full = os.path.join(root, file)
            if not os.path.islink(full):
                total += os.path.getsize(full)
    return total


def package_dir(name):
    """The directory of an importable package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return list(spec.submodule_search_locations)[0]


def size_row(names):
    """The installed-size row: MB of each package's directory (ember's ``ember/``, PyTorch's ``torch/``)."""
    row = {'key': 'size', 'case': 'installed size (package directory)', 'unit': 'MB', 'libs': {}}
    for name in ('ember', 'torch', 'tinygrad'):
        where = package_dir(name) if name in names else None
        if where is None:
            row['libs'][name] = {'status': 'n/a'}
            continue
        megabytes = _directory_bytes(where) / 1e6
        row['libs'][name] = {'status': 'ok', 'median': megabytes, 'min': megabytes, 'max': megabytes,
                             'repeats': 1, 'median_s': megabytes, 'path': where}
    _ratios(row)
    return row


def _ratios(row):
    ember_cell = row['libs'].get('ember', {})
    for other in ('torch', 'tinygrad'):
        cell = row['libs'].get(other, {})
        if ember_cell.get('status') == 'ok' and cell.get('status') == 'ok':
            row[f'ratio_{other}'] = ember_cell['median_s'] / cell['median_s']


def blas_gflops(n=2048, repeats=5):
    """NumPy's float32 GEMM rate in GFLOP/s: the best of ``repeats`` ``n x n @ n x n`` products after a warm-up
    (the best, not the median: it is the machine's attainable rate, and other processes only slow it down)."""
    rng = np.random.default_rng(4)
    a = rng.standard_normal((n, n)).astype(np.float32)
    b = rng.standard_normal((n, n)).astype(np.float32)
    out = np.empty((n, n), np.float32)
    np.matmul(a, b, out=out)
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        samples.append(time.perf_counter() - start)
    return 2.0 * n ** 3 / min(samples) / 1e9


def blas_info():
    """A short name of NumPy's BLAS, where NumPy says."""
    try:
        config = np.show_config(mode='dicts')
        blas = config['Build Dependencies']['blas']
        return f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - older NumPy
        return 'unknown'

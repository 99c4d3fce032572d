"""``python -m benchmarks``: time ember against PyTorch (and tinygrad, eager and TinyJit, when importable).

Cases: per-op overhead of a 100-op elementwise chain, matmul, MLP / LeNet / ResNet-18 / LSTM / GPT training steps,
DataLoader throughput, import time and installed size, and NumPy's float32 GEMM rate as the machine's yardstick.
Prints a Markdown table and writes ``benchmarks/results/latest.md`` and ``latest.json``.

Examples::

    python -m benchmarks --quick
    python -m benchmarks --only overhead matmul --repeats 5
    python -m benchmarks --profile            # cProfile of ember's elementwise chain, forward+backward
"""
from __future__ import annotations

import argparse
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import time

import numpy as np

from . import system, tiny
from ._harness import Settings, format_table, run_case
from .cases import CASES

RESULTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results')
EXTRA_KEYS = ('import', 'size', 'blas')
NO_FLOPS = ('overhead-forward', 'overhead-backward', 'dataloader-0', 'dataloader-2')  # need no BLAS yardstick


def _import_optional(name):
    """The module, or None when it is not installed or fails to import (tinygrad is optional)."""
    try:
        return importlib.import_module(name)
    except Exception:  # noqa: BLE001 - any import failure means "not available"
        return None


def _version(name):
    try:
        return importlib.metadata.version(name)
    except Exception:  # noqa: BLE001 - a version is informative only
        return 'installed'


def _selected(key, only):
    """A NAME that is a whole key selects that case only; any other NAME selects every key containing it."""
    keys = {c.key for c in CASES} | set(EXTRA_KEYS)
    return not only or any(word == key or (word not in keys and word in key) for word in only)


def run(settings, only=None, log=print):
    """Run the selected cases and return the report (``meta`` and ``results``) that is printed and saved."""
    import torch

    import ember
    compiler = tiny.configure_environment()
    tinygrad = _import_optional('tinygrad')
    libs = {'ember': ember, 'torch': torch, 'tinygrad': tinygrad, 'tinygrad+jit': tinygrad}
    meta = {'python': platform.python_version(), 'numpy': np.__version__, 'torch': torch.__version__,
            'ember': getattr(ember, '__version__', '?'), 'tinygrad': _version('tinygrad') if tinygrad else None,
            'tinygrad_device': os.environ.get('DEV') if tinygrad else None,
            'tinygrad_cc': os.path.basename(compiler) if tinygrad and compiler else None,
            'torch_threads': torch.get_num_threads(), 'cpu_count': os.cpu_count(),
            'processor': platform.processor() or platform.machine(), 'platform': platform.platform(),
            'blas': system.blas_info(), 'mode': 'quick' if settings.quick else 'full', 'repeats': settings.repeats,
            'time': time.strftime('%Y-%m-%d %H:%M:%S'), 'only': only or None, 'isolated': settings.isolate,
            'load_average': ', '.join(f'{x:.1f}' for x in os.getloadavg()) if hasattr(os, 'getloadavg') else None}
    if _selected('blas', only) or any(_selected(c.key, only) for c in CASES if c.key not in NO_FLOPS):
        meta['blas_size'], meta['blas_repeats'] = 2048, 3 if settings.quick else 7
        meta['blas_gflops'] = system.blas_gflops(meta['blas_size'], meta['blas_repeats'])
        log(f"NumPy float32 GEMM {meta['blas_size']}^3: {meta['blas_gflops']:.1f} GFLOP/s")
    results = []
    for case in CASES:
        if _selected(case.key, only):
            log(case.title)
            results.append(run_case(case, libs, settings, log=log))
    installed = [name for name, lib in libs.items() if lib is not None and name != 'tinygrad+jit']
    if _selected('import', only):
        log('import time')
        results.append(system.import_time_row(installed, repeats=3 if settings.quick else 5))
    if _selected('size', only):
        results.append(system.size_row(installed))
    return {'meta': meta, 'results': results}


def save(report, table, directory=RESULTS_DIR):
    """Write ``latest.md`` (the table) and ``latest.json`` (everything) into ``directory``."""
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, 'latest.md'), 'w', encoding='utf-8') as f:
        f.write('# ember vs PyTorch benchmarks\n\n`python -m benchmarks'
                + (' --quick' if report['meta']['mode'] == 'quick' else '') + '`\n\n' + table + '\n')
    with open(os.path.join(directory, 'latest.json'), 'w', encoding='utf-8') as f:
        json.dump(report, f, indent=1, ensure_ascii=False)


def profile(iterations=200, top=10):
    """cProfile of ember's elementwise chain, forward+backward; prints the ``top`` entries by cumulative time."""
    import cProfile
    import io
    import pstats

    import ember

    from .cases import setup_chain_backward
    bench = setup_chain_backward('ember', ember, {}, True)
    for _ in range(10):
        bench.step()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        bench.step()
    profiler.disable()
    for order in ('cumulative', 'tottime'):
        stream = io.StringIO()
        pstats.Stats(profiler, stream=stream).strip_dirs().sort_stats(order).print_stats(top)
        print(f'--- ember elementwise chain forward+backward, {iterations} x 100 ops, by {order} ---')
        print(stream.getvalue().split('\n\n', 1)[-1].strip())
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m benchmarks', description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true',
                        help='fewer repeats and smaller budgets, no tinygrad ResNet/LSTM/GPT (< 3 minutes)')
    parser.add_argument('--only', nargs='+', metavar='NAME',
                        help='run the case named NAME, or every case whose key contains it (keys: '
                             + ', '.join([c.key for c in CASES] + list(EXTRA_KEYS)) + ')')
    parser.add_argument('--same-process', action='store_true',
                        help='run every library in this process (default: each library per case in a fresh one)')
    parser.add_argument('--repeats', type=int, default=None, help='timed samples per case (default 7, quick 3)')
    parser.add_argument('--out', default=RESULTS_DIR, help='directory for latest.md / latest.json')
    parser.add_argument('--no-save', action='store_true', help='print only, write no result files')
    parser.add_argument('--profile', action='store_true', help="cProfile ember's per-op overhead case and exit")
    args = parser.parse_args(argv)
    if args.profile:
        return profile()
    if args.quick:
        settings = Settings(repeats=args.repeats or 3, target_s=0.02, budget_s=1.5, min_repeats=2, quick=True)
    else:
        settings = Settings(repeats=args.repeats or 7, target_s=0.1, budget_s=12.0, min_repeats=3)
    settings.isolate = not args.same_process
    if args.repeats is not None:
        settings.min_repeats = min(settings.min_repeats, args.repeats)
    start = time.perf_counter()
    report = run(settings, args.only, log=lambda text: print(text, file=sys.stderr, flush=True))
    report['meta']['total_s'] = round(time.perf_counter() - start, 1)
    table = format_table(report)
    print(table)
    print(f"\ntotal {report['meta']['total_s']} s")
    if not args.no_save:
        save(report, table, args.out)
    return 0


if __name__ == '__main__':
    sys.exit(main())

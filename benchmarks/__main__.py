"""``python -m benchmarks``: time ember against PyTorch in one process and report the ratio.

Cases (DESIGN.md, Benchmarks):
- a chain of 100 small elementwise ops on a 32x32 float32 tensor, forward only and forward+backward (µs per op);
- a 1024x1024 float32 matmul, forward+backward (ms per call).

Each case is run ``--repeats`` times after a warm-up; the table shows the median and the spread (min–max) of the
repeats, and the ratio of the medians ember / PyTorch. Results go to ``benchmarks/results/latest.{md,json}``.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

CHAIN_LEN = 100


def _chain(x, w, v):
    """100 elementwise ops alternating add, mul, sub, div and neg with tensor and scalar operands."""
    for i in range(CHAIN_LEN // 5):
        x = x + w
        x = x * v
        x = x - 0.5
        x = x / v
        x = -x
    return x


def _chain_forward(lib, x, w, v):
    with lib.no_grad():
        _chain(x, w, v)


def _chain_backward(lib, x, w, v):
    _chain(x, w, v).sum().backward()


def _matmul_backward(lib, a, b, g):
    c = a @ b
    c.backward(g)


def _time(fn, repeats, inner):
    """Per-call seconds of ``fn`` over ``repeats`` batches of ``inner`` calls (after a warm-up batch)."""
    for _ in range(max(1, inner // 2)):
        fn()
    samples = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(inner):
                fn()
            samples.append((time.perf_counter() - start) / inner)
    finally:
        if gc_was:
            gc.enable()
    return samples


def _cases(lib, rng):
    x0 = rng.standard_normal((32, 32)).astype(np.float32)
    w0 = rng.standard_normal((32, 32)).astype(np.float32)
    v0 = rng.uniform(0.9, 1.1, (32, 32)).astype(np.float32)
    a0 = rng.standard_normal((1024, 1024)).astype(np.float32)
    b0 = rng.standard_normal((1024, 1024)).astype(np.float32)
    g0 = rng.standard_normal((1024, 1024)).astype(np.float32)

    def t(array, grad=False):
        return lib.tensor(array, requires_grad=grad)

    x, w, v = t(x0, True), t(w0, True), t(v0)
    a, b, g = t(a0, True), t(b0, True), t(g0)

    def fwd():
        _chain_forward(lib, x, w, v)

    def fwd_bwd():
        x.grad = w.grad = None
        _chain_backward(lib, x, w, v)

    def mm():
        a.grad = b.grad = None
        _matmul_backward(lib, a, b, g)

    return [
        ('elementwise chain, forward', 'µs/op', 1e6 / CHAIN_LEN, fwd, 20),
        ('elementwise chain, forward+backward', 'µs/op', 1e6 / CHAIN_LEN, fwd_bwd, 10),
        ('matmul 1024x1024, forward+backward', 'ms', 1e3, mm, 2),
    ]


def _summary(samples, scale):
    values = sorted(s * scale for s in samples)
    return {'median': statistics.median(values), 'min': values[0], 'max': values[-1]}


def run(repeats=15, only=None):
    import torch

    import ember

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    rows = []
    ember_cases = _cases(ember, np.random.default_rng(0))
    torch_cases = _cases(torch, np.random.default_rng(0))
    for (name, unit, scale, efn, inner), (_, _, _, tfn, _) in zip(ember_cases, torch_cases):
        if only and only not in name:
            continue
        reps = repeats if 'matmul' not in name else max(5, repeats // 2)
        e = _summary(_time(efn, reps, inner), scale)
        t = _summary(_time(tfn, reps, inner), scale)
        rows.append({'case': name, 'unit': unit, 'ember': e, 'torch': t, 'ratio': e['median'] / t['median']})
    meta = {'python': sys.version.split()[0], 'numpy': np.__version__, 'torch': torch.__version__,
            'ember': ember.__version__, 'threads': threads, 'machine': platform.machine(),
            'processor': platform.processor() or platform.machine(), 'repeats': repeats,
            'time': time.strftime('%Y-%m-%d %H:%M:%S')}
    return {'meta': meta, 'results': rows}


def format_table(report):
    lines = ['| case | unit | ember median (min–max) | PyTorch median (min–max) | ember / PyTorch |',
             '|---|---|---|---|---|']
    for r in report['results']:
        e, t = r['ember'], r['torch']
        lines.append(f"| {r['case']} | {r['unit']} | {e['median']:.2f} ({e['min']:.2f}–{e['max']:.2f}) | "
                     f"{t['median']:.2f} ({t['min']:.2f}–{t['max']:.2f}) | {r['ratio']:.2f}x |")
    m = report['meta']
    lines.append('')
    lines.append(f"python {m['python']}, numpy {m['numpy']}, torch {m['torch']}, ember {m['ember']}, "
                 f"{m['threads']} threads, {m['repeats']} repeats, {m['time']}")
    return '\n'.join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m benchmarks', description=__doc__.splitlines()[0])
    parser.add_argument('--repeats', type=int, default=15, help='timed batches per case (default 15)')
    parser.add_argument('--only', default=None, help='run only the cases whose name contains this text')
    parser.add_argument('--no-save', action='store_true', help='do not write benchmarks/results/latest.*')
    args = parser.parse_args(argv)
    report = run(args.repeats, args.only)
    table = format_table(report)
    print(table)
    if not args.no_save:
        out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'results')
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, 'latest.md'), 'w', encoding='utf-8') as f:
            f.write('# ember vs PyTorch\n\n' + table + '\n')
        with open(os.path.join(out, 'latest.json'), 'w', encoding='utf-8') as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())

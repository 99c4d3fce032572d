"""Timing, running and reporting: the parts of the benchmark suite that know nothing about any one case.

A case (``benchmarks/cases.py``) gives, for each library, a ``Bench``: a ``step`` callable and how to read its time.
``run_case`` builds PyTorch's bench first (models built from the same code take PyTorch's initial weights), then
ember's and tinygrad's, calls each step once as a warm-up and correctness check, calibrates how many calls make one
sample, and times ``repeats`` samples. A failing library gives an ``error: ...`` cell and the run goes on.

Example::

    rows = [run_case(case, libs, settings) for case in CASES]
    print(format_table(rows, meta))
"""
from __future__ import annotations

import dataclasses
import gc
import math
import statistics
import time
import traceback
from typing import Any, Callable, Optional

@dataclasses.dataclass
class Settings:
    """How hard to time: ``repeats`` samples, each at least ``target_s`` long, at most ``budget_s`` per library."""
    repeats: int = 7
    target_s: float = 0.1
    budget_s: float = 15.0
    min_repeats: int = 3
    quick: bool = False
    isolate: bool = False   # each library's cell in its own fresh process (benchmarks/_worker.py)


@dataclasses.dataclass
class Bench:
    """One library's runnable case: ``step()`` is timed; ``items`` per call turns times into a rate; ``flops``
    per call (when known) gives the GFLOP/s column; ``warmup`` more calls after the first (checked) one keep
    compile time out of the timings (tinygrad compiles each new kernel on first use)."""
    step: Callable[[], Any]
    items: Optional[int] = None
    flops: Optional[float] = None
    keepalive: Any = None
    warmup: int = 0


@dataclasses.dataclass
class Case:
    """A benchmark case: ``setup(name, lib, shared, quick) -> Bench | None`` (None: not written for that library).

    ``unit`` is what the table shows; ``scale`` multiplies seconds per call into it ('ms': 1e3). A unit ending in
    '/s' is a rate: ``Bench.items`` divided by the time. ``libs`` names the libraries the case is written for.
    """
    key: str
    title: str
    unit: str
    scale: float
    setup: Callable[..., Optional[Bench]]
    libs: tuple = ('ember', 'torch')


def measure(step, settings, first_s):
    """Seconds per call of ``step`` (already warmed up, its last call taking ``first_s``): a list of samples, each
    the mean of ``inner`` calls. A call slower than the whole budget skips the calibration call and gets
    ``min_repeats`` samples (one in a quick run)."""
    if first_s > settings.budget_s:
        once, repeats = first_s, (1 if settings.quick else settings.min_repeats)
    else:
        start = time.perf_counter()
        step()
        once = max(time.perf_counter() - start, 1e-7)
        repeats = None
    inner = max(1, int(settings.target_s / once))
    if repeats is None:
        repeats = max(settings.min_repeats, min(settings.repeats, int(settings.budget_s / (once * inner))))
    samples = []
    for _ in range(repeats):
        gc.collect()
        start = time.perf_counter()
        for _ in range(inner):
            step()
        samples.append((time.perf_counter() - start) / inner)
    return samples, inner


def summarize(samples, scale, items=None):
    """Median, min, max and quartiles of ``samples`` (seconds) in display units; a rate when ``items`` is given."""
    if items is not None:
        values = sorted(items / s for s in samples)
    else:
        values = sorted(s * scale for s in samples)
    if len(values) >= 4:
        q1, _, q3 = statistics.quantiles(values, n=4)
    else:
        q1, q3 = values[0], values[-1]
    return {'median': statistics.median(values), 'min': values[0], 'max': values[-1], 'q1': q1, 'q3': q3,
            'repeats': len(values), 'median_s': statistics.median(samples)}


def _scalar(value):
    if value is None:
        return None
    try:
        number = float(value.item()) if hasattr(value, 'item') else float(value)
    except Exception:  # noqa: BLE001 - a check value is informative only
        return None
    return number if math.isfinite(number) else None


def _error_text(exc):
    text = f'{type(exc).__name__}: {exc}'.splitlines()[0] if str(exc) else type(exc).__name__
    return text


class Skipped(Exception):
    """Raised by a case's setup to leave a library's cell as 'skipped (reason)' (e.g. too slow for --quick)."""


LIBRARIES = ('torch', 'ember', 'tinygrad', 'tinygrad+jit')  # run in this order: PyTorch first, for its weights
OTHERS = ('torch', 'tinygrad', 'tinygrad+jit')                # what ember is compared with


def _warm_up(bench):
    """Call ``step`` once (its result is the check value), then ``bench.warmup`` more times; return the check,
    the first call's seconds and the last call's seconds (what a steady call costs, compile excluded)."""
    start = time.perf_counter()
    check = _scalar(bench.step())
    first_s = last_s = time.perf_counter() - start
    for _ in range(bench.warmup):
        start = time.perf_counter()
        bench.step()
        last_s = time.perf_counter() - start
    return check, first_s, last_s


def run_library(case, name, lib, shared, settings):
    """One library's cell of ``case`` (a dict with 'status'), and the bench's FLOPs per call (or None)."""
    bench = None
    try:
        bench = case.setup(name, lib, shared, settings.quick)
        if bench is None:
            return {'status': 'n/a'}, None
        check, first_s, last_s = _warm_up(bench)
        samples, inner = measure(bench.step, settings, last_s)
        cell = summarize(samples, case.scale, bench.items)
        cell.update(status='ok', inner=inner, check=check, first_call_s=first_s, warmup_calls=bench.warmup)
        return cell, bench.flops
    except Skipped as exc:
        return {'status': 'skipped', 'reason': str(exc)}, None
    except Exception as exc:  # noqa: BLE001 - a failing library must not abort the run
        return {'status': 'error', 'error': _error_text(exc), 'traceback': traceback.format_exc(limit=6)}, None
    finally:
        del bench
        gc.collect()


def run_case(case, libs, settings, log=print):
    """Run one case on every library in ``libs`` (name -> module or None) and return its row as a dict.

    With ``settings.isolate`` each library runs in a fresh interpreter (``benchmarks/_worker.py``) that imports
    only that library, so no library's process-wide settings (ember's malloc tunables, thread pools, caches)
    touch another's timings; ``shared`` (PyTorch's initial weights) travels between them by pickle."""
    row = {'key': case.key, 'case': case.title, 'unit': case.unit, 'libs': {}}
    shared = {}
    for name in LIBRARIES:
        lib = libs.get(name)
        if lib is None or name not in case.libs:
            row['libs'][name] = {'status': 'n/a'}
            continue
        if settings.isolate:
            from ._worker import run_isolated  # noqa: PLC0415
            cell, flops = run_isolated(case.key, name, shared, settings)
        else:
            cell, flops = run_library(case, name, lib, shared, settings)
        row['libs'][name] = cell
        if flops and 'flops_per_call' not in row:
            row['flops_per_call'] = flops
        log(f'  {case.key:<22} {name:<12} {_cell_text(row["libs"][name])}')
    _add_derived(row)
    return row


def _add_derived(row):
    cells = row['libs']
    ember_cell = cells.get('ember', {})
    for other in OTHERS:
        cell = cells.get(other, {})
        if ember_cell.get('status') == 'ok' and cell.get('status') == 'ok':
            # Ratio of times, so > 1 means ember is slower, for rates too.
            row[f'ratio_{other}'] = ember_cell['median_s'] / cell['median_s']
    checks = {n: c.get('check') for n, c in cells.items() if c.get('check') is not None}
    if 'torch' in checks:
        reference = max(abs(checks['torch']), 1e-12)
        for name in ('ember', 'tinygrad', 'tinygrad+jit'):
            if name in checks:
                key = 'check_rel_diff' if name == 'ember' else f'check_rel_diff_{name}'
                row[key] = abs(checks[name] - checks['torch']) / reference
    flops = row.get('flops_per_call')
    if flops:
        for name, cell in cells.items():
            if cell.get('status') == 'ok':
                cell['gflops'] = flops / cell['median_s'] / 1e9


def _number(value):
    if value == 0:
        return '0'
    magnitude = abs(value)
    if magnitude >= 1000:
        return f'{value:,.0f}'
    if magnitude >= 100:
        return f'{value:.0f}'
    if magnitude >= 10:
        return f'{value:.1f}'
    if magnitude >= 0.01:
        return f'{value:.2f}'
    return f'{value:.2e}'


def _cell_text(cell, width=60):
    status = cell.get('status')
    if status == 'ok':
        if cell['repeats'] == 1 or cell['min'] == cell['max']:
            return _number(cell['median'])
        return f"{_number(cell['median'])} ({_number(cell['min'])}–{_number(cell['max'])})"
    if status == 'error':
        text = 'error: ' + cell['error']
        text = text.replace('|', '/')
        return text if len(text) <= width else text[:width - 1] + '…'
    if status == 'skipped':
        return f"skipped ({cell.get('reason', '')})".replace('|', '/')
    return 'n/a'


def _ratio_text(row, other):
    ratio = row.get(f'ratio_{other}')
    return 'n/a' if ratio is None else f'{ratio:.2f}x'


def _gflops_text(row, peak, names):
    cells = row['libs']
    parts = []
    for name in names:
        value = cells.get(name, {}).get('gflops')
        if value is None:
            parts.append('—')
        elif peak:
            parts.append(f'{_number(value)} ({100 * value / peak:.0f}%)')
        else:
            parts.append(_number(value))
    return ' / '.join(parts) if any(p != '—' for p in parts) else ''


def _check_text(row, names):
    keys = {'ember': 'check_rel_diff', 'tinygrad': 'check_rel_diff_tinygrad',
            'tinygrad+jit': 'check_rel_diff_tinygrad+jit'}
    parts = [row.get(keys[name]) for name in names]
    if all(p is None for p in parts):
        return ''
    return ' / '.join('—' if p is None else f'{p:.1e}' for p in parts)


def _has_tinygrad(report):
    return report['meta'].get('tinygrad') is not None


def format_table(report):
    """The report as a Markdown table with a footer of the settings (what ``latest.md`` holds).

    The tinygrad columns (eager, TinyJit, and ember's ratios to them) appear only when tinygrad was importable."""
    meta = report['meta']
    peak = meta.get('blas_gflops')
    tiny = ('tinygrad', 'tinygrad+jit') if _has_tinygrad(report) else ()
    names = ('ember', 'torch') + tiny
    labels = {'ember': 'ember', 'torch': 'PyTorch', 'tinygrad': 'tinygrad', 'tinygrad+jit': 'tinygrad+jit'}
    header = ['case', 'unit'] + [f'{labels[n]} median (min–max)' for n in names]
    header += [f'ember/{labels[n]}' for n in OTHERS if n in names]
    header += ['GFLOP/s ' + ' / '.join(labels[n] for n in names) + ' (% of BLAS)',
               'first-step rel. diff vs PyTorch: ' + ' / '.join(labels[n] for n in names if n != 'torch')]
    lines = ['| ' + ' | '.join(header) + ' |', '|' + '---|' * len(header)]
    for row in report['results']:
        cells = [row['case'], row['unit']] + [_cell_text(row['libs'].get(n, {})) for n in names]
        cells += [_ratio_text(row, n) for n in OTHERS if n in names]
        cells += [_gflops_text(row, peak, names), _check_text(row, [n for n in names if n != 'torch'])]
        lines.append('| ' + ' | '.join(cells) + ' |')
    lines.append('')
    lines.extend(footer_lines(report))
    return '\n'.join(lines)


EAGER_WARMUP_NOTE = ('timings start after 2 warm-up steps (eager) or 3 (jit) past the checked first one, so '
                     'kernel compile time is excluded (first_call_s in latest.json holds it).')


def footer_lines(report):
    meta = report['meta']
    lines = [f"ember {meta['ember']}, PyTorch {meta['torch']} ({meta['torch_threads']} threads), "
             f"NumPy {meta['numpy']}, Python {meta['python']}, {meta['cpu_count']} CPUs ({meta['processor']}); "
             f"{meta['mode']} run, up to {meta['repeats']} repeats per case, {meta['time']}; "
             f"load average at start {meta.get('load_average', '?')} (other processes on the machine skew times)."]
    load = meta.get('load_average')
    if load and float(load.split(',')[0]) > (meta.get('cpu_count') or 1):
        lines.append(f"WARNING: load average {load} exceeds the {meta['cpu_count']} CPUs: other processes competed "
                     'for the cores, and multithreaded BLAS / PyTorch degrade badly under contention; rerun on an '
                     'idle machine before trusting these numbers.')
    if meta.get('isolated'):
        lines.append('Each library ran each case in its own fresh process (benchmarks/_worker.py), importing only '
                     "itself, so one library's process settings (ember tunes glibc's malloc) never speed up or slow "
                     'down another.')
    elif meta.get('isolated') is False:
        lines.append('All libraries ran in this one process (--same-process): ember\'s malloc tuning applies to '
                     "PyTorch's and tinygrad's steps too.")
    if meta.get('blas_gflops'):
        lines.append(f"NumPy BLAS ({meta.get('blas', '?')}) float32 GEMM {meta['blas_size']}³: "
                     f"{meta['blas_gflops']:.1f} GFLOP/s, best of {meta['blas_repeats']} (the % column compares "
                     'against it; GFLOP/s of training steps count Linear/Conv2d/LSTM/attention products, backward as '
                     '2x forward).')
    tinygrad = meta.get('tinygrad')
    if tinygrad:
        lines.append(f"tinygrad {tinygrad} on {meta.get('tinygrad_device', '?')} (kernels compiled by "
                     f"{meta.get('tinygrad_cc', '?')}): 'tinygrad' is eager (each step's lazy graph is built, "
                     "scheduled and run, all outputs realized), 'tinygrad+jit' replays the step captured by TinyJit; "
                     f"{EAGER_WARMUP_NOTE} Same data, PyTorch's initial weights and the same loss; the LSTM "
                     'is nn.LSTMCell stepped over the sequence (tinygrad has no nn.LSTM). tinygrad fuses the '
                     'elementwise chain into one kernel, so its µs/op is graph building and scheduling over 100.')
    else:
        lines.append('tinygrad: not importable here, its columns are left out.')
    lines.append('Times are medians of the repeats after warm-up (spread: min–max; quartiles in latest.json). '
                 'Ratios are ember time / other time, so > 1 means ember is slower (rates too). '
                 "First-step rel. diff compares the first loss of ember (and tinygrad) with PyTorch's, from identical "
                 'weights and data.')
    return lines

"""Smoke test of ``python -m benchmarks``: the smallest case runs, the table and JSON are well formed (no timings)."""
import json

import pytest

pytest.importorskip('torch')

from benchmarks.__main__ import main  # noqa: E402
from benchmarks._harness import format_table  # noqa: E402


def test_smallest_case_table_and_json(tmp_path, capsys):
    assert main(['--quick', '--only', 'overhead-forward', '--repeats', '2', '--out', str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / 'latest.json').read_text(encoding='utf-8'))
    (row,) = report['results']
    assert row['key'] == 'overhead-forward' and row['unit'] == 'µs/op'
    for name in ('ember', 'torch'):
        cell = row['libs'][name]
        assert cell['status'] in ('ok', 'error')
        if cell['status'] == 'ok':
            assert cell['repeats'] >= 2 and cell['min'] <= cell['median'] <= cell['max']
    assert report['meta']['torch_threads'] >= 1
    table = (tmp_path / 'latest.md').read_text(encoding='utf-8')
    lines = [line for line in table.splitlines() if line.startswith('|')]
    assert len(lines) == 3 and len({line.count('|') for line in lines}) == 1
    assert 'elementwise chain' in lines[2] and lines[2] in printed
    if row['libs']['tinygrad']['status'] == 'n/a':
        assert 'n/a' in lines[2]


def test_failing_library_becomes_an_error_cell():
    report = {'meta': {'ember': '0', 'torch': '2', 'torch_threads': 1, 'numpy': '2', 'python': '3', 'cpu_count': 2,
                       'processor': 'x', 'mode': 'quick', 'repeats': 2, 'time': 't', 'tinygrad': None},
              'results': [{'key': 'k', 'case': 'a case', 'unit': 'ms',
                           'libs': {'ember': {'status': 'error', 'error': "AttributeError: no 'tril' | here"},
                                    'torch': {'status': 'ok', 'median': 1.5, 'min': 1.0, 'max': 2.0, 'repeats': 3,
                                              'median_s': 0.0015},
                                    'tinygrad': {'status': 'n/a'}}}]}
    row = format_table(report).splitlines()[2]
    assert "error: AttributeError: no 'tril' / here" in row and '1.50 (1.00–2.00)' in row
    assert row.count('|') == 9

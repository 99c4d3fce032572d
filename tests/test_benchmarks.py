"""Smoke tests of ``python -m benchmarks``: the smallest case runs, the table and JSON are well formed, warm-up and
error / skipped cells behave, and (where tinygrad is installed with a clang) its MLP step matches PyTorch's loss."""
import json
import os
import shutil

import numpy as np
import pytest

pytest.importorskip('torch')

from benchmarks import cases, models, tiny  # noqa: E402
from benchmarks.__main__ import main  # noqa: E402
from benchmarks._harness import Bench, Case, Settings, Skipped, format_table, run_case  # noqa: E402


def _tinygrad():
    """tinygrad, importable and able to compile CPU kernels, or a skip."""
    tiny.configure_environment()
    tinygrad = pytest.importorskip('tinygrad')
    if os.environ.get('DEV', 'CPU').upper() == 'CPU' and not shutil.which(os.environ.get('CC', 'clang')):
        pytest.skip('tinygrad needs clang for its CPU kernels')
    return tinygrad


def _meta(tinygrad=None):
    return {'ember': '0', 'torch': '2', 'torch_threads': 1, 'numpy': '2', 'python': '3', 'cpu_count': 2,
            'processor': 'x', 'mode': 'quick', 'repeats': 2, 'time': 't', 'tinygrad': tinygrad}


def test_smallest_case_table_and_json(tmp_path, capsys):
    assert main(['--quick', '--only', 'overhead-forward', '--repeats', '2', '--out', str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    report = json.loads((tmp_path / 'latest.json').read_text(encoding='utf-8'))
    (row,) = report['results']
    assert row['key'] == 'overhead-forward' and row['unit'] == 'µs/op'
    for name in ('ember', 'torch', 'tinygrad', 'tinygrad+jit'):
        cell = row['libs'][name]
        assert cell['status'] in ('ok', 'error', 'n/a')
        if cell['status'] == 'ok':
            assert cell['repeats'] >= 2 and cell['min'] <= cell['median'] <= cell['max']
    assert report['meta']['torch_threads'] >= 1
    assert report['meta']['isolated'] is True  # each library in its own process by default
    table = (tmp_path / 'latest.md').read_text(encoding='utf-8')
    lines = [line for line in table.splitlines() if line.startswith('|')]
    assert len(lines) == 3 and len({line.count('|') for line in lines}) == 1
    assert 'elementwise chain' in lines[2] and lines[2] in printed
    if report['meta']['tinygrad'] is None:
        assert 'tinygrad' not in lines[0]
    else:
        assert 'tinygrad+jit median' in lines[0] and row['libs']['tinygrad']['status'] != 'n/a'


def test_failing_library_becomes_an_error_cell():
    report = {'meta': _meta(),
              'results': [{'key': 'k', 'case': 'a case', 'unit': 'ms',
                           'libs': {'ember': {'status': 'error', 'error': "AttributeError: no 'tril' | here"},
                                    'torch': {'status': 'ok', 'median': 1.5, 'min': 1.0, 'max': 2.0, 'repeats': 3,
                                              'median_s': 0.0015},
                                    'tinygrad': {'status': 'n/a'}}}]}
    row = format_table(report).splitlines()[2]
    assert "error: AttributeError: no 'tril' / here" in row and '1.50 (1.00–2.00)' in row
    assert row.count('|') == 8  # no tinygrad columns without tinygrad


def test_tinygrad_columns_skipped_cells_and_diffs():
    ok = {'status': 'ok', 'median': 2.0, 'min': 2.0, 'max': 2.0, 'repeats': 3, 'median_s': 0.002}
    report = {'meta': _meta('0.14.0'),
              'results': [{'key': 'k', 'case': 'a case', 'unit': 'ms', 'check_rel_diff': 1e-7,
                           'check_rel_diff_tinygrad': 2e-7, 'ratio_tinygrad': 0.5,
                           'libs': {'ember': ok, 'torch': ok, 'tinygrad': ok,
                                    'tinygrad+jit': {'status': 'skipped', 'reason': 'full run only'}}}]}
    lines = format_table(report).splitlines()
    assert lines[0].count('|') == 12 and lines[2].count('|') == 12
    assert 'skipped (full run only)' in lines[2] and '0.50x' in lines[2]
    assert '1.0e-07 / 2.0e-07 / —' in lines[2]
    assert any(line.startswith('tinygrad 0.14.0') for line in lines)


def test_warmup_calls_are_untimed_and_the_first_result_is_the_check():
    calls = []

    def setup(name, lib, shared, quick):
        if name == 'ember':
            raise Skipped('not today')

        def step():
            calls.append(len(calls))
            return 3.0 if len(calls) == 1 else 99.0
        return Bench(step, warmup=2)

    case = Case('fake', 'fake case', 'ms', 1e3, setup, libs=('torch', 'ember'))
    settings = Settings(repeats=2, target_s=0.0, budget_s=1.0, min_repeats=2, quick=True)
    row = run_case(case, {'torch': object(), 'ember': object()}, settings, log=lambda text: None)
    cell = row['libs']['torch']
    assert cell['status'] == 'ok' and cell['check'] == 3.0 and cell['warmup_calls'] == 2
    assert len(calls) == 1 + 2 + 1 + cell['repeats'] * cell['inner']  # check, warm-ups, calibration, samples
    assert row['libs']['ember'] == {'status': 'skipped', 'reason': 'not today'}
    assert row['libs']['tinygrad'] == {'status': 'n/a'}


def test_slow_tinygrad_cases_are_skipped_in_quick_runs():
    by_key = {case.key: case for case in cases.CASES}
    for key in ('matmul-2048', 'resnet18', 'lstm', 'gpt'):
        with pytest.raises(Skipped):
            by_key[key].setup('tinygrad', object(), {}, True)
    for key in ('dataloader-0', 'dataloader-2'):
        assert 'tinygrad' not in by_key[key].libs


def test_configure_environment_finds_a_versioned_clang(monkeypatch):
    monkeypatch.delenv('CC', raising=False)
    monkeypatch.delenv('DEV', raising=False)
    monkeypatch.setattr(shutil, 'which', lambda name: '/usr/bin/clang-14' if name == 'clang-14' else None)
    assert tiny.configure_environment() == '/usr/bin/clang-14'
    assert os.environ['CC'] == '/usr/bin/clang-14' and os.environ['DEV'] == 'CPU'


def test_tinygrad_mlp_steps_match_pytorch():
    tinygrad = _tinygrad()
    import torch
    torch.manual_seed(0)
    reference = models.mlp(torch)
    shared = {'torch_state': models.snapshot(reference)}
    x0, y0 = cases._images(16, (784,), 10)(np.random.default_rng(2))
    opt = torch.optim.SGD(reference.parameters(), lr=0.01, momentum=0.9)
    expected = []
    for _ in range(3):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(reference(torch.from_numpy(x0)), torch.from_numpy(y0))
        loss.backward()
        opt.step()
        expected.append(loss.item())
    bench = tiny.setup_training('mlp', tinygrad, shared, (x0, y0), ('sgd', {'lr': 0.01, 'momentum': 0.9}))
    got = [bench.step().item() for _ in range(3)]  # equal losses after updates: the SGD steps were realized
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_same_process_run_and_weights_shared(tmp_path):
    """--same-process runs the cells here; an isolated training case hands PyTorch's weights to ember's worker, so
    both first losses agree."""
    assert main(['--quick', '--same-process', '--only', 'overhead-forward', '--repeats', '2', '--out',
                 str(tmp_path)]) == 0
    report = json.loads((tmp_path / 'latest.json').read_text(encoding='utf-8'))
    assert report['meta']['isolated'] is False and report['results'][0]['libs']['ember']['status'] == 'ok'
    assert main(['--quick', '--only', 'mlp', '--repeats', '2', '--out', str(tmp_path)]) == 0
    (row,) = json.loads((tmp_path / 'latest.json').read_text(encoding='utf-8'))['results']
    assert row['libs']['ember']['status'] == row['libs']['torch']['status'] == 'ok'
    assert row['check_rel_diff'] < 1e-5

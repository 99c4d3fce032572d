"""python -m ember runs PyTorch scripts unchanged; the starter programs in ../shared/acceptance run and pass."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
ACCEPTANCE = ROOT.parent / 'shared' / 'acceptance'
SCRIPTS = sorted(ACCEPTANCE.glob('*.py')) if ACCEPTANCE.is_dir() else []


def _run(args, cwd=None, timeout=300):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, '-m', 'ember', *args], capture_output=True, text=True, cwd=cwd, env=env,
                          timeout=timeout)


@pytest.mark.skipif(not SCRIPTS, reason='../shared/acceptance is not beside this checkout')
@pytest.mark.parametrize('script', SCRIPTS, ids=lambda p: p.name)
def test_acceptance_script_runs_unmodified(script, tmp_path):
    result = _run([str(script)], cwd=tmp_path)
    assert result.returncode == 0, f'{script.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}'
    assert 'ok' in result.stdout.split() or result.stdout.strip()


def test_import_torch_resolves_to_ember(tmp_path):
    script = tmp_path / 's.py'
    script.write_text('import sys, torch, torch.nn as nn, torch.nn.functional as F, torch.optim as optim\n'
                      'from torch.utils.data import DataLoader\n'
                      'import torch.autograd, torch.serialization\n'
                      'print(torch.__name__, nn.__name__, sys.argv[1:])\n')
    result = _run([str(script), 'a', '--b'])
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ['ember', 'ember.nn', "['a',", "'--b']"]


def test_missing_module_fails_with_a_clear_message(tmp_path):
    script = tmp_path / 's.py'
    script.write_text('import torch.no_such_module\n')
    result = _run([str(script)])
    assert result.returncode != 0
    assert "ember does not provide torch.no_such_module" in result.stderr


def test_install_torch_alias_in_process():
    code = ('import ember.compat; ember.compat.install_torch_alias(); import torch, ember; '
            'assert torch is ember; import torch.nn; assert torch.nn is ember.nn; print("ok")')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'ok'


def test_usage_without_arguments():
    result = _run([])
    assert result.returncode == 2 and 'usage' in result.stdout

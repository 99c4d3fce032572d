"""The README's first command: the demo trains a CNN on the bundled digits, checkpoints, reloads and re-evaluates."""
from __future__ import annotations

import os

import ember
from ember import demo


def test_bundled_digits_are_the_uci_set():
    images, labels = demo.load_digits()
    assert tuple(images.shape) == (1797, 1, 8, 8) and images.dtype == ember.float32
    assert float(images.min()) == 0.0 and float(images.max()) == 1.0
    assert sorted(set(labels.tolist())) == list(range(10))


def test_short_demo_run_learns_and_reloads(tmp_path, capsys):
    accuracy = demo.main(['--epochs', '3', '--out', str(tmp_path)])
    out = capsys.readouterr().out
    assert accuracy > 0.9, out
    assert os.path.exists(tmp_path / 'digits_cnn.pt')
    assert 'reloaded: held-out accuracy' in out
    state = ember.load(tmp_path / 'digits_cnn.pt')
    assert 'features.0.weight' in state and tuple(state['features.0.weight'].shape) == (16, 1, 3, 3)

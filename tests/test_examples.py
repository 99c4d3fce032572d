"""The classic PyTorch examples in examples/ run unmodified through ``python -m ember`` and learn.

Each test writes a small synthetic dataset to tmp_path, runs one script in its own subprocess for one short
epoch, and checks the exit code and that the printed training loss falls. The four tests share nothing, so
``pytest -n 2`` (pytest-xdist) runs them in parallel; each subprocess is pinned to one BLAS thread.
"""
from __future__ import annotations

import math
import os
import pathlib
import random
import re
import struct
import subprocess
import sys
import time

import numpy

ROOT = pathlib.Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / 'examples'
THREADS = {name: '1' for name in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')}


def run_example(script, *flags, cwd=None, timeout=240):
    """Run ``python -m ember examples/SCRIPT FLAGS``; returns (CompletedProcess, seconds)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), **THREADS)
    start = time.perf_counter()
    result = subprocess.run([sys.executable, '-m', 'ember', str(EXAMPLES / script), *map(str, flags)],
                            capture_output=True, text=True, cwd=cwd, env=env, timeout=timeout)
    return result, time.perf_counter() - start


def thirds_fall(losses):
    """The mean of the last third of the losses is below the mean of the first third."""
    third = max(len(losses) // 3, 1)
    return sum(losses[-third:]) / third < sum(losses[:third]) / third


def check_run(result, seconds, pattern, falls=thirds_fall):
    """Exit code 0, and the losses printed (the floats PATTERN captures) fall."""
    assert result.returncode == 0, f'exit {result.returncode}:\n{result.stdout[-3000:]}\n{result.stderr[-5000:]}'
    losses = [float(v) for v in re.findall(pattern, result.stdout)]
    assert len(losses) >= 3, f'expected >= 3 losses matching {pattern!r}, got {losses}:\n{result.stdout[-3000:]}'
    assert all(math.isfinite(v) for v in losses), losses
    assert falls(losses), f'loss did not fall: {losses}'
    print(f'{seconds:.1f}s losses {losses}')
    return losses


# ---------------------------------------------------------------------------------------------------------------
# synthetic data

def write_idx(path, array):
    """An uint8 array as an IDX file (magic 0x0803 for images, 0x0801 for labels)."""
    array = numpy.ascontiguousarray(array, dtype=numpy.uint8)
    header = struct.pack('>BBBB', 0, 0, 0x08, array.ndim) + struct.pack(f'>{array.ndim}I', *array.shape)
    path.write_bytes(header + array.tobytes())


def make_mnist(root, n_train=320, n_test=64, seed=0):
    """MNIST IDX files under ROOT/MNIST/raw: digit c is a bright 7x7 square at one of 10 spots, plus noise."""
    rng = numpy.random.default_rng(seed)
    raw = root / 'MNIST' / 'raw'
    raw.mkdir(parents=True)
    for prefix, n in (('train', n_train), ('t10k', n_test)):
        labels = rng.integers(0, 10, size=n).astype(numpy.uint8)
        images = rng.integers(0, 60, size=(n, 28, 28)).astype(numpy.uint8)
        for image, label in zip(images, labels):
            row, col = 2 + 12 * (label // 5), 1 + 5 * (label % 5)
            image[row:row + 7, col:col + 7] = 255
        write_idx(raw / f'{prefix}-images-idx3-ubyte', images)
        write_idx(raw / f'{prefix}-labels-idx1-ubyte', labels)
    return root


SUBJECTS = ['the cat', 'a dog', 'the bird', 'my friend', 'the teacher']
VERBS = ['sees', 'likes', 'follows', 'finds']
OBJECTS = ['the ball', 'a tree', 'the house', 'some food', 'the river']


def sentences(n, seed):
    rng = random.Random(seed)
    return [f'{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} .' for _ in range(n)]


def make_corpus(root):
    """train/valid/test.txt of short template sentences (a ~20-word vocabulary)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, n, seed in (('train', 1200, 1), ('valid', 60, 2), ('test', 60, 3)):
        (root / f'{name}.txt').write_text('\n'.join(sentences(n, seed)) + '\n')
    return root


def make_text(path):
    path.write_text('\n'.join(sentences(300, 4)) + '\n')
    return path


# ---------------------------------------------------------------------------------------------------------------
# one test per script

def test_mnist_cnn(tmp_path):
    data = make_mnist(tmp_path / 'data')
    result, seconds = run_example('mnist_cnn.py', '--data', data, '--epochs', 1, '--batch-size', 32, '--limit', 10,
                                  '--test-batch-size', 64, '--log-interval', 1, '--save-model', cwd=tmp_path)
    check_run(result, seconds, r'Loss: ([0-9.]+)')
    assert 'Test set: Average loss' in result.stdout
    assert (tmp_path / 'mnist_cnn.pt').is_file()


def test_word_language_model(tmp_path):
    data = make_corpus(tmp_path / 'corpus')
    result, seconds = run_example('word_language_model.py', '--data', data, '--epochs', 1, '--batch_size', 10,
                                  '--bptt', 12, '--emsize', 32, '--nhid', 32, '--nlayers', 2, '--tied', '--lr', 20,
                                  '--dropout', 0, '--log-interval', 5, '--save', tmp_path / 'model.pt', cwd=tmp_path)
    check_run(result, seconds, r'\| loss +([0-9.]+)')
    # a uniform guess over the ~23 words scores ln(23) = 3.1; one epoch learns most of the template grammar
    valid = float(re.search(r'valid loss +([0-9.]+)', result.stdout).group(1))
    assert valid < 2.5, result.stdout[-2000:]
    assert re.search(r'End of training \| test loss +[0-9.]+ \| test ppl', result.stdout)


def test_dcgan(tmp_path):
    result, seconds = run_example('dcgan.py', '--imageSize', 16, '--batchSize', 16, '--nz', 16, '--ngf', 8, '--ndf', 8,
                                  '--niter', 1, '--limit', 16, '--fakeSize', 256, '--lr', 1e-3, '--manualSeed', 1,
                                  '--outf', tmp_path / 'out', cwd=tmp_path)
    # a GAN's losses oscillate (two players), so the check is only that D gets better than at its start
    check_run(result, seconds, r'Loss_D: ([0-9.]+)', falls=lambda losses: min(losses[1:]) < losses[0] - 0.05)
    assert len(re.findall(r'Loss_G: [0-9.]+ D\(x\): [0-9.]+', result.stdout)) == 16
    out = sorted(p.name for p in (tmp_path / 'out').iterdir())
    assert out == ['fake_samples_epoch_000.png', 'netD_epoch_0.pth', 'netG_epoch_0.pth', 'real_samples.png']


def test_char_gpt(tmp_path):
    text = make_text(tmp_path / 'input.txt')
    result, seconds = run_example('char_gpt.py', '--data', text, '--batch-size', 16, '--block-size', 32,
                                  '--n-layer', 2, '--n-head', 2, '--n-embd', 32, '--lr', 3e-3, '--max-iters', 30,
                                  '--log-interval', 1, '--eval-interval', 15, '--eval-iters', 2,
                                  '--max-new-tokens', 40, '--top-k', 5, '--save', tmp_path / 'ckpt.pt', cwd=tmp_path)
    check_run(result, seconds, r'iter \d+: loss ([0-9.]+)')
    sample = result.stdout.split('--- sample ---\n', 1)[1]
    assert len(sample.rstrip('\n')) >= 40

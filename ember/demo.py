"""The README's first command: train a classifier on the bundled UCI handwritten digits, on ember.

``python -m ember.demo`` trains a small CNN with a progress bar, reports held-out accuracy, saves a checkpoint in
PyTorch's format, reloads it into a fresh model and re-evaluates, and plots the curves if matplotlib is installed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy

import ember
import ember.nn as nn
import ember.nn.functional as F
from ember.utils.data import DataLoader, TensorDataset

DATA = os.path.join(os.path.dirname(__file__), 'data', 'digits.npz')


def load_digits():
    """The 1,797 8x8 digit images (as float32 in [0, 1], shape N x 1 x 8 x 8) and their labels."""
    with numpy.load(DATA) as data:
        images = data['images'].astype(numpy.float32) / 16.0
        labels = data['labels'].astype(numpy.int64)
    return ember.from_numpy(images[:, None]), ember.from_numpy(labels)


class DigitsCNN(nn.Module):
    """Two 3x3 convolutions, a 2x2 max-pool and a small classifier head: ~19k parameters for 8x8 digits."""

    def __init__(self, channels: int = 16, hidden: int = 64):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU(),
            nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(channels * 16, hidden), nn.ReLU(),
                                        nn.Linear(hidden, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class ProgressBar:
    """A one-line text progress bar (no dependencies), redrawn in place on a terminal."""

    def __init__(self, total: int, width: int = 30, stream=sys.stdout):
        self.total, self.width, self.stream = total, width, stream
        self.start = time.perf_counter()
        self.tty = stream.isatty()

    def update(self, done: int, message: str = ''):
        frac = done / self.total
        filled = int(self.width * frac)
        elapsed = time.perf_counter() - self.start
        line = f'[{"#" * filled}{"." * (self.width - filled)}] {done}/{self.total} {elapsed:5.1f}s {message}'
        if self.tty:
            self.stream.write('\r' + line)
            if done == self.total:
                self.stream.write('\n')
        elif done == self.total or done % max(1, self.total // 10) == 0:
            self.stream.write(line + '\n')
        self.stream.flush()


def evaluate(model, x, y):
    model.eval()
    with ember.no_grad():
        logits = model(x)
        loss = F.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
    return loss, accuracy


def main(argv=None) -> float:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--epochs', type=int, default=12)
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--lr', type=float, default=3e-3)
    parser.add_argument('--out', default='demo_output')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)

    ember.manual_seed(args.seed)
    images, labels = load_digits()
    order = ember.randperm(len(labels))
    test_idx, train_idx = order[:360], order[360:]
    train = TensorDataset(images[train_idx], labels[train_idx])
    x_test, y_test = images[test_idx], labels[test_idx]
    loader = DataLoader(train, batch_size=args.batch_size, shuffle=True)
    print(f'ember {ember.__version__}: {len(train)} training and {len(y_test)} held-out digits (UCI, 8x8)')

    model = DigitsCNN()
    optimizer = ember.optim.Adam(model.parameters(), lr=args.lr)
    history = []
    bar = ProgressBar(args.epochs)
    start = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        model.train()
        total = 0.0
        for x, y in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(y)
        test_loss, test_acc = evaluate(model, x_test, y_test)
        history.append((total / len(train), test_loss, test_acc))
        bar.update(epoch, f'train loss {history[-1][0]:.4f}  held-out acc {test_acc:.2%}')
    seconds = time.perf_counter() - start
    _, accuracy = evaluate(model, x_test, y_test)
    print(f'held-out accuracy: {accuracy:.2%} after {args.epochs} epochs in {seconds:.1f}s')

    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, 'digits_cnn.pt')
    ember.save(model.state_dict(), path)
    restored = DigitsCNN()
    restored.load_state_dict(ember.load(path))
    _, restored_acc = evaluate(restored, x_test, y_test)
    print(f'checkpoint {path} reloaded: held-out accuracy {restored_acc:.2%}')
    if restored_acc != accuracy:
        raise SystemExit('the reloaded checkpoint does not reproduce the trained model')
    _plot(history, os.path.join(args.out, 'curves.png'))
    return accuracy


def _plot(history, path):
    try:
        import matplotlib  # noqa: PLC0415
        matplotlib.use('Agg')
        import matplotlib.pyplot as plt  # noqa: PLC0415
    except ImportError:
        print('(matplotlib not installed: no plot; pip install matplotlib to get curves.png)')
        return
    epochs = range(1, len(history) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, [h[0] for h in history], label='train')
    left.plot(epochs, [h[1] for h in history], label='held-out')
    left.set_xlabel('epoch')
    left.set_ylabel('cross-entropy')
    left.legend()
    right.plot(epochs, [h[2] for h in history])
    right.set_xlabel('epoch')
    right.set_ylabel('held-out accuracy')
    fig.tight_layout()
    fig.savefig(path)
    print(f'curves saved to {path}')


if __name__ == '__main__':
    main()

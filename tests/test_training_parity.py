"""End-to-end parity: a model whose initial weights come from a ``torch.save`` file trains on ember exactly as on
PyTorch (outputs, gradients, optimizer and scheduler trajectory), and ember's checkpoint loads back in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch


def _model(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(4 * 4 * 4, 16), nn.GELU(), nn.LayerNorm(16), nn.Linear(16, 3))


def _optimizer(lib, name, params):
    if name == 'adamw':
        opt = lib.optim.AdamW(params, lr=1e-2, weight_decay=0.1)
    elif name == 'sgd':
        opt = lib.optim.SGD(params, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)
    else:
        opt = lib.optim.RMSprop(params, lr=1e-3, centered=True)
    return opt, lib.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.05, total_steps=8)


@pytest.mark.parametrize('optimizer', ['adamw', 'sgd', 'rmsprop'])
def test_training_from_a_torch_checkpoint_matches_torch(tmp_path, optimizer):
    torch.manual_seed(0)
    theirs = _model(torch).double()
    torch.save(theirs.state_dict(), tmp_path / 'init.pt')
    ours = _model(ember).double()
    ours.load_state_dict(ember.load(tmp_path / 'init.pt'))

    rng = np.random.default_rng(0)
    batches = [(rng.standard_normal((6, 1, 8, 8)), rng.integers(0, 3, 6)) for _ in range(8)]
    runs = {}
    for lib, model in ((torch, theirs), (ember, ours)):
        opt, sched = _optimizer(lib, optimizer, model.parameters())
        losses, grads = [], []
        for x, y in batches:
            opt.zero_grad()
            loss = lib.nn.functional.cross_entropy(model(lib.tensor(x)), lib.tensor(y))
            loss.backward()
            losses.append(loss.item())
            grads.append(model[0].weight.grad.numpy().copy())
            opt.step()
            sched.step()
        runs[lib.__name__] = losses, grads
    np.testing.assert_allclose(runs['ember'][0], runs['torch'][0], rtol=1e-9, atol=1e-12)
    for ours_g, theirs_g in zip(runs['ember'][1], runs['torch'][1]):
        np.testing.assert_allclose(ours_g, theirs_g, rtol=1e-7, atol=1e-10)

    ember.save(ours.state_dict(), tmp_path / 'trained.pt')
    reloaded = torch.load(tmp_path / 'trained.pt', weights_only=True)
    for key, value in theirs.state_dict().items():
        np.testing.assert_allclose(reloaded[key].numpy(), value.numpy(), rtol=1e-7, atol=1e-10, err_msg=key)

"""Tensor.storage_offset() through views, including arrays made by NumPy's as_strided (their ``base`` is a
DummyArray wrapping the source view), compared with the same views built in PyTorch."""
from __future__ import annotations

import numpy as np
import pytest

import ember
import torch


@pytest.mark.parametrize('make', [
    lambda m, x: x[3:],
    lambda m, x: x[3:].as_strided((2, 2), (1, 2)),
    lambda m, x: x[3:].as_strided((2, 2), (1, 2), 1),
    lambda m, x: x.reshape(3, 4).t()[1:],
    lambda m, x: x[2:].unfold(0, 3, 2),
    lambda m, x: x.reshape(3, 4)[1:, 1:].diagonal(),
    lambda m, x: x])
def test_views_match_torch(make):
    e, t = make(ember, ember.arange(12.)), make(torch, torch.arange(12.))
    assert e.storage_offset() == t.storage_offset()


def test_numpy_as_strided_of_a_view_keeps_walking():
    base = np.arange(12.)
    for start, shape, strides in ((2, (2, 2), (8, 16)), (5, (3,), (8,)), (1, (2, 3), (24, 8))):
        strided = np.lib.stride_tricks.as_strided(base[start:], shape, strides)
        assert not isinstance(strided.base, np.ndarray)  # the DummyArray this is about
        ours = ember.from_numpy(strided).storage_offset()
        theirs = torch.arange(12.)[start:].as_strided(shape, [s // 8 for s in strides]).storage_offset()
        assert ours == theirs == start
        assert ember.from_numpy(strided[1:]).storage_offset() == start + strides[0] // 8
    window = np.lib.stride_tricks.sliding_window_view(base[4:], 3)
    assert ember.from_numpy(window[2:]).storage_offset() == torch.arange(12.)[4:].unfold(0, 3, 1)[2:].storage_offset()


def test_buffer_owner_that_is_not_an_array():
    owner = np.frombuffer(bytearray(80), dtype=np.float64)
    assert ember.from_numpy(owner[3:]).storage_offset() == 3
    assert ember.from_numpy(owner).storage_offset() == 0

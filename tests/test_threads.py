"""torch.set_num_threads / get_num_threads (NumPy's BLAS threads) and the inter-op pair, as PyTorch's."""
import numpy
import pytest
import torch

import ember
from ember._backend import host_memory, threads


@pytest.fixture
def restore():
    saved = ember.get_num_threads()
    yield
    ember.set_num_threads(saved)


def test_set_then_get(restore):
    for n in (1, 2, 3):
        ember.set_num_threads(n)
        assert ember.get_num_threads() == n
    a = numpy.ones((64, 64), numpy.float32)
    numpy.testing.assert_array_equal(a @ a, numpy.full((64, 64), 64, numpy.float32))  # the BLAS still works


@pytest.mark.parametrize('bad', [0, -1, 1.5, '2', True])
def test_bad_counts_raise_like_torch(restore, bad):
    before = ember.get_num_threads()
    kinds = []
    for fn in (ember.set_num_threads, torch.set_num_threads):
        try:
            fn(bad)
            kinds.append(None)
        except Exception as exc:  # noqa: BLE001 - comparing exception types
            kinds.append(type(exc))
    if bad is True:  # PyTorch takes a bool as an int; ember asks for a real int
        assert kinds[0] is RuntimeError
    else:
        assert kinds[0] is kinds[1] is RuntimeError
    assert ember.get_num_threads() == before


def test_interop_set_once(monkeypatch):
    monkeypatch.setattr(threads, '_interop', None)
    assert ember.get_num_interop_threads() >= 1
    with pytest.raises(RuntimeError):
        ember.set_num_interop_threads(0)
    ember.set_num_interop_threads(2)
    assert ember.get_num_interop_threads() == 2
    with pytest.raises(RuntimeError, match='cannot set number of interop threads'):
        ember.set_num_interop_threads(3)


def test_host_memory_tuning_respects_opt_out(monkeypatch):
    assert isinstance(host_memory.tuned, bool)
    monkeypatch.setattr(host_memory, 'tuned', False)
    monkeypatch.setenv('EMBER_MALLOC_TUNING', '0')
    assert host_memory.tune() is False
    monkeypatch.delenv('EMBER_MALLOC_TUNING')
    monkeypatch.setenv('MALLOC_TRIM_THRESHOLD_', '1000000')
    assert host_memory.tune() is False

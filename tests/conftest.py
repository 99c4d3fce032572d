"""Shared fixtures: ``device`` runs a test on 'cpu', and on 'cuda' when a GPU is present (skipped otherwise)."""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))


def _cuda_available():
    try:
        from ember._backend import cuda_available
        return cuda_available()
    except Exception:
        return False


CUDA = _cuda_available()
DEVICES = ['cpu', pytest.param('cuda', marks=pytest.mark.skipif(not CUDA, reason='no CUDA device'))]


@pytest.fixture(params=DEVICES)
def device(request):
    return request.param


@pytest.fixture(autouse=True)
def _reset_state():
    import ember
    ember.set_default_dtype(ember.float32)
    yield
    ember.set_default_dtype(ember.float32)

"""Run the tests in this folder with a fake CUDA device: ``ember._backend.cupy()`` returns ``fake_cupy.module`` and
``import cupyx`` its scatter kernels (NumPy underneath, arrays typed ``FakeCudaArray`` that refuse to mix with host
arrays), so every CUDA code path of ember runs on the CPU. Only tests under tests/cuda_fake/ see the fake."""
from __future__ import annotations

import sys

import pytest

import fake_cupy


@pytest.fixture(autouse=True)
def fake_cuda(monkeypatch):
    from ember import _backend
    monkeypatch.setattr(_backend, '_cupy', fake_cupy.module)
    monkeypatch.setitem(sys.modules, 'cupyx', fake_cupy.cupyx)  # ember imports cupyx by name for scatter kernels
    yield fake_cupy.module

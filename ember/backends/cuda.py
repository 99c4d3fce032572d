"""ember.backends.cuda: CUDA matmul precision flags (TF32 takes effect through CuPy's compute type)."""
from __future__ import annotations


class _MatmulFlags:
    """``allow_tf32`` (default False, as PyTorch) and ``allow_fp16_reduced_precision_reduction``."""

    def __init__(self):
        self._allow_tf32 = False
        self.allow_fp16_reduced_precision_reduction = True
        self.allow_bf16_reduced_precision_reduction = True

    @property
    def allow_tf32(self):
        return self._allow_tf32

    @allow_tf32.setter
    def allow_tf32(self, value):
        self._allow_tf32 = bool(value)
        import os  # noqa: PLC0415
        # CuPy reads this when it picks the GEMM compute type; it has an effect only on a GPU
        os.environ['CUPY_TF32'] = '1' if value else '0'


matmul = _MatmulFlags()


def is_built() -> bool:
    from .. import cuda as _cuda  # noqa: PLC0415
    return _cuda.is_available()


def flash_sdp_enabled() -> bool:
    return True


def enable_flash_sdp(enabled: bool) -> None:
    pass


def math_sdp_enabled() -> bool:
    return True


def enable_math_sdp(enabled: bool) -> None:
    pass


def mem_efficient_sdp_enabled() -> bool:
    return True


def enable_mem_efficient_sdp(enabled: bool) -> None:
    pass

"""ember.backends.cudnn: PyTorch's cuDNN flags. CuPy 14 has no cuDNN; convolution on the GPU goes through
im2col + cuBLAS, so ``benchmark`` has no effect and ``deterministic`` is always satisfied."""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    return False


def version():
    return None

"""ember.backends: backend flags, as torch.backends (cuda.matmul.allow_tf32, cudnn.benchmark, ...)."""
from . import cpu, cuda, cudnn, mps  # noqa: F401

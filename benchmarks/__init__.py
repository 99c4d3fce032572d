"""ember's benchmarks: ember and PyTorch timed in the same process; run with ``python -m benchmarks``."""

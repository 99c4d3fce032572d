"""ember.version: version strings, as torch.version."""
__version__ = '0.1.0'
git_version = 'unknown'
debug = False
hip = None


def _cuda_version():
    try:
        import cupy  # noqa: PLC0415
        v = cupy.cuda.runtime.runtimeGetVersion()
        return f'{v // 1000}.{(v % 1000) // 10}'
    except Exception:
        return None


cuda = _cuda_version()

"""What ``import ember`` loads: never CuPy, Triton or PyTorch (they are optional or test-only), and not the submodules
it imports on first use (nn, optim, utils, serialization, vision), which then work as attributes and imports."""
from __future__ import annotations

import subprocess
import sys

_CHECK = '''
import sys
import ember
loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('cupy', 'cupyx', 'triton', 'torch'))
assert not loaded, loaded
lazy = ('ember.nn', 'ember.optim', 'ember.utils', 'ember.serialization', 'ember.vision', 'ember._compile')
early = [m for m in lazy if m in sys.modules]
assert not early, early
x = ember.randn(2, 3)
assert ember.nn.functional.relu(x).shape == (2, 3)
from ember import optim
import ember.utils.data
assert optim.SGD is ember.optim.SGD and ember.utils.data.DataLoader
print('ok')
'''


def test_import_loads_no_optional_dependency_and_defers_submodules():
    result = subprocess.run([sys.executable, '-c', _CHECK], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == 'ok'

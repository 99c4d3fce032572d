"""save/load in PyTorch's format, both ways against real PyTorch; the safe unpickler; atomic saves."""
from __future__ import annotations

import collections
import io
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import ember
import torch


def _np(t):
    return t.detach().float().numpy() if t.dtype in (torch.bfloat16,) else t.detach().numpy()


def _e(t):
    return t.detach().float().numpy() if t.dtype in (ember.bfloat16,) else t.detach().numpy()


TORCH_OBJECTS = {
    'float': lambda: torch.randn(3, 4),
    'double': lambda: torch.randn(2, 2, dtype=torch.float64),
    'int64': lambda: torch.arange(6).reshape(2, 3),
    'int32': lambda: torch.arange(4, dtype=torch.int32),
    'uint8': lambda: torch.arange(4, dtype=torch.uint8),
    'bool': lambda: torch.tensor([True, False]),
    'half': lambda: torch.randn(3).half(),
    'bfloat16': lambda: torch.randn(3).bfloat16(),
    'scalar': lambda: torch.tensor(3.5),
    'empty': lambda: torch.zeros(0, 3),
    'strided_view': lambda: torch.arange(10.)[1::3],
    'transposed': lambda: torch.randn(3, 4).t(),
    'requires_grad': lambda: torch.randn(2, requires_grad=True),
}


@pytest.mark.parametrize('name', sorted(TORCH_OBJECTS))
def test_torch_file_loads_in_ember(tmp_path, name):
    original = TORCH_OBJECTS[name]()
    path = tmp_path / 'x.pt'
    torch.save(original, path)
    loaded = ember.load(path)
    assert isinstance(loaded, ember.Tensor)
    assert tuple(loaded.shape) == tuple(original.shape)
    assert loaded.dtype.name == str(original.dtype).replace('torch.', '')
    assert loaded.requires_grad == original.requires_grad
    np.testing.assert_array_equal(_e(loaded), _np(original))


@pytest.mark.parametrize('name', sorted(TORCH_OBJECTS))
def test_ember_file_loads_in_torch(tmp_path, name):
    original = TORCH_OBJECTS[name]()
    ours = ember.tensor(_np(original), dtype=getattr(ember, str(original.dtype).replace('torch.', '')))
    if original.dim() == 2 and not original.is_contiguous():
        ours = ember.tensor(_np(original.t().contiguous())).t()
    if original.requires_grad:
        ours.requires_grad_(True)
    path = tmp_path / 'x.pt'
    ember.save(ours, path)
    loaded = torch.load(path, weights_only=True)
    assert loaded.dtype == original.dtype
    assert loaded.requires_grad == original.requires_grad
    np.testing.assert_array_equal(_np(loaded), _e(ours))


def test_state_dicts_round_trip_both_ways(tmp_path):
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    torch.save(net.state_dict(), tmp_path / 't.pt')
    sd = ember.load(tmp_path / 't.pt')
    assert list(sd) == list(net.state_dict())
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(_e(sd[k]), _np(v))
    ember.save(sd, tmp_path / 'e.pt')
    back = torch.load(tmp_path / 'e.pt', weights_only=True)
    net.load_state_dict(back)
    for k, v in back.items():
        np.testing.assert_array_equal(_np(v), _e(sd[k]))


def test_nested_containers_and_optimizer_state(tmp_path):
    w = torch.nn.Parameter(torch.randn(3))
    opt = torch.optim.Adam([w], lr=0.1)
    w.sum().backward()
    opt.step()
    obj = {'epoch': 7, 'name': 'run', 'lr': 0.5, 'flags': (True, None), 'opt': opt.state_dict(),
           'nested': [torch.ones(2), {'x': torch.zeros(1)}]}
    torch.save(obj, tmp_path / 't.pt')
    loaded = ember.load(tmp_path / 't.pt')
    assert loaded['epoch'] == 7 and loaded['name'] == 'run' and loaded['flags'] == (True, None)
    np.testing.assert_array_equal(_e(loaded['opt']['state'][0]['exp_avg']), _np(opt.state['exp_avg'] if False else
                                                                                    opt.state_dict()['state'][0]['exp_avg']))
    assert loaded['opt']['param_groups'][0]['params'] == [0]
    ember.save(loaded, tmp_path / 'e.pt')
    again = torch.load(tmp_path / 'e.pt', weights_only=True)
    assert again['opt']['param_groups'][0]['lr'] == 0.1
    torch.testing.assert_close(again['nested'][1]['x'], torch.zeros(1))


def test_shared_storage_saved_once_and_shared_after_load(tmp_path):
    base = ember.tensor(np.arange(12.0).reshape(3, 4))
    ember.save({'base': base, 'row': base[1], 'col': base[:, 2]}, tmp_path / 'e.pt')
    with zipfile.ZipFile(tmp_path / 'e.pt') as z:
        assert len([n for n in z.namelist() if '/data/' in n]) == 1
    loaded = torch.load(tmp_path / 'e.pt', weights_only=True)
    loaded['base'][1, 0] = 100
    assert loaded['row'][0].item() == 100
    torch.testing.assert_close(loaded['col'], torch.tensor([2., 6., 10.], dtype=torch.float64))


def test_file_objects_and_map_location(tmp_path):
    buffer = io.BytesIO()
    ember.save({'a': ember.ones(2)}, buffer)
    buffer.seek(0)
    loaded = ember.load(buffer, map_location='cpu')
    assert loaded['a'].tolist() == [1.0, 1.0]
    buffer.seek(0)
    assert ember.load(buffer, map_location=lambda storage, loc: storage)['a'].tolist() == [1.0, 1.0]


class _Evil:
    def __reduce__(self):
        return (os.system, ('touch EVIL_MARKER',))


def _evil_archive(path, payload):
    with zipfile.ZipFile(path, 'w') as z:
        z.writestr('archive/data.pkl', pickle.dumps(payload, protocol=2))
        z.writestr('archive/version', '3\n')


@pytest.mark.parametrize('payload', [_Evil(), {'ok': 1, 'bad': _Evil()}], ids=['top', 'nested'])
def test_malicious_pickle_is_refused(tmp_path, monkeypatch, payload):
    monkeypatch.chdir(tmp_path)
    _evil_archive(tmp_path / 'evil.pt', payload)
    with pytest.raises(pickle.UnpicklingError, match='os.system|posix.system'):
        ember.load(tmp_path / 'evil.pt')
    assert not (tmp_path / 'EVIL_MARKER').exists()
    with pytest.raises(pickle.UnpicklingError):
        torch.load(tmp_path / 'evil.pt')  # PyTorch refuses it too
    assert not (tmp_path / 'EVIL_MARKER').exists()


def test_safe_globals_allow_listed_classes(tmp_path):
    import fractions
    ember.save({'f': fractions.Fraction(1, 3)}, tmp_path / 'f.pt')
    with pytest.raises(pickle.UnpicklingError, match='Fraction'):
        ember.load(tmp_path / 'f.pt')
    with ember.serialization.safe_globals([fractions.Fraction]):
        assert ember.load(tmp_path / 'f.pt')['f'] == fractions.Fraction(1, 3)
    assert ember.load(tmp_path / 'f.pt', weights_only=False)['f'] == fractions.Fraction(1, 3)


def test_killed_mid_save_leaves_old_file_intact(tmp_path):
    path = tmp_path / 'ckpt.pt'
    ember.save({'w': ember.ones(4)}, path)
    before = path.read_bytes()
    script = textwrap.dedent(f'''
        import os, ember, ember.serialization as s
        real = s._write_archive
        def crash(out, pickled, records, prefix='archive'):
            out.write(b'PK partial garbage')
            out.flush()
            os._exit(9)   # the process dies mid-save
        s._write_archive = crash
        ember.save({{'w': ember.zeros(1000)}}, {str(path)!r})
    ''')
    result = subprocess.run([sys.executable, '-c', script], capture_output=True)
    assert result.returncode == 9
    assert path.read_bytes() == before
    assert ember.load(path)['w'].tolist() == [1.0] * 4


def test_failed_save_cleans_up_and_keeps_old_file(tmp_path):
    path = tmp_path / 'ckpt.pt'
    ember.save([1, 2], path)
    with pytest.raises(Exception):
        ember.save({'bad': lambda: 0}, path)  # lambdas can't be pickled
    assert ember.load(path) == [1, 2]
    assert [p.name for p in tmp_path.iterdir()] == ['ckpt.pt']


def test_not_a_checkpoint(tmp_path):
    (tmp_path / 'x.pt').write_bytes(b'not a zip')
    with pytest.raises(RuntimeError, match='zip'):
        ember.load(tmp_path / 'x.pt')


def test_ordered_dict_metadata_survives(tmp_path):
    sd = collections.OrderedDict(w=ember.ones(1))
    sd._metadata = collections.OrderedDict({'': {'version': 1}})
    ember.save(sd, tmp_path / 'e.pt')
    loaded = torch.load(tmp_path / 'e.pt', weights_only=True)
    assert loaded._metadata == {'': {'version': 1}}

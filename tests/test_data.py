"""utils.data against PyTorch: datasets, samplers, collate, DataLoader (workers, errors, failures)."""
from __future__ import annotations

import collections
import os
import signal

import numpy as np
import pytest

import ember
import torch
from ember.utils import data as edata
from torch.utils import data as tdata


class Squares:
    """Defined for both libraries: item i is (i, float(i) ** 2)."""

    def __init__(self, lib, n=10):
        self.lib, self.n = lib, n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return self.lib.tensor([float(i)]), i * i


class EDataset(edata.Dataset):
    def __init__(self, n=10):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        if i >= self.n:
            raise IndexError(i)
        return ember.tensor([float(i), float(i) ** 2]), i


class Failing(edata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            raise ValueError('item 5 is broken')
        return i


class Dying(edata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 3 and edata.get_worker_info() is not None:
            os.kill(os.getpid(), signal.SIGKILL)
        return i


class Stream(edata.IterableDataset):
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        info = edata.get_worker_info()
        if info is None:
            return iter(range(self.n))
        return iter(range(info.id, self.n, info.num_workers))


def _np(value):
    if isinstance(value, (torch.Tensor, ember.Tensor)):
        return ('T', str(value.dtype).replace('torch.', ''), value.detach().numpy().tolist())
    if isinstance(value, dict):
        return {k: _np(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_np(v) for v in value]
    return value


Point = collections.namedtuple('Point', 'x y')
COLLATE_CASES = {
    'tensors': lambda lib: [lib.ones(2), lib.zeros(2)],
    'ints': lambda lib: [1, 2, 3],
    'floats': lambda lib: [1.5, 2.5],
    'bools': lambda lib: [True, False],
    'numpy': lambda lib: [np.ones(3, dtype=np.float32), np.zeros(3, dtype=np.float32)],
    'numpy_scalars': lambda lib: [np.float64(1.0), np.float64(2.0)],
    'strings': lambda lib: ['a', 'b'],
    'dicts': lambda lib: [{'a': 1, 'b': lib.ones(1)}, {'a': 2, 'b': lib.zeros(1)}],
    'tuples': lambda lib: [(1, 2.0), (3, 4.0)],
    'lists': lambda lib: [[1, 2], [3, 4]],
    'namedtuples': lambda lib: [Point(1, 2.0), Point(3, 4.0)],
    'nested': lambda lib: [{'x': [(lib.ones(1), 'u')]}, {'x': [(lib.zeros(1), 'v')]}],
}


@pytest.mark.parametrize('case', sorted(COLLATE_CASES))
def test_default_collate_matches_torch(case):
    ours = edata.default_collate(COLLATE_CASES[case](ember))
    theirs = tdata.default_collate(COLLATE_CASES[case](torch))
    assert _np(ours) == _np(theirs)


def test_default_collate_errors_match_torch():
    for lib, mod in ((torch, tdata), (ember, edata)):
        with pytest.raises(RuntimeError, match='each element in list of batch should be of equal size'):
            mod.default_collate([[1, 2], [3]])
        with pytest.raises(TypeError, match='default_collate: batch must contain'):
            mod.default_collate([object(), object()])


def test_default_convert():
    out = edata.default_convert({'a': np.arange(3), 'b': [np.zeros(2)], 'c': 'text'})
    assert isinstance(out['a'], ember.Tensor) and out['a'].dtype == ember.int64
    assert isinstance(out['b'][0], ember.Tensor) and out['c'] == 'text'


def test_tensor_concat_subset_stack_datasets():
    x, y = ember.arange(10.), ember.arange(10)
    ds = edata.TensorDataset(x, y)
    assert len(ds) == 10 and ds[3][0].item() == 3.0
    with pytest.raises(AssertionError, match='Size mismatch'):
        edata.TensorDataset(x, ember.arange(3))
    cat = ds + edata.TensorDataset(x[:4], y[:4])
    assert len(cat) == 14 and cat[12][1].item() == 2 and cat[-1][1].item() == 3
    sub = edata.Subset(ds, [9, 0, 5])
    assert [sub[i][1].item() for i in range(3)] == [9, 0, 5]
    stacked = edata.StackDataset(a=ds, b=sub.dataset)
    assert set(stacked[1]) == {'a', 'b'}


def test_random_split_lengths_and_fractions_like_torch():
    for lengths in ([3, 7], [0.3, 0.7], [0.33, 0.33, 0.34], [0.5, 0.25, 0.25]):
        ours = [len(s) for s in edata.random_split(range(10), lengths, generator=ember.Generator().manual_seed(0))]
        theirs = [len(s) for s in tdata.random_split(range(10), lengths, generator=torch.Generator().manual_seed(0))]
        assert ours == theirs
    split = edata.random_split(range(10), [4, 6], generator=ember.Generator().manual_seed(1))
    assert sorted(list(split[0]) + list(split[1])) == list(range(10))
    with pytest.raises(ValueError, match='Sum of input lengths'):
        edata.random_split(range(10), [3, 3])


def test_samplers():
    assert list(edata.SequentialSampler(range(4))) == [0, 1, 2, 3]
    g = ember.Generator().manual_seed(0)
    perm = list(edata.RandomSampler(range(50), generator=g))
    assert sorted(perm) == list(range(50)) and perm != list(range(50))
    draws = list(edata.RandomSampler(range(5), replacement=True, num_samples=77, generator=g))
    assert len(draws) == 77 and set(draws) <= set(range(5))
    huge = edata.RandomSampler(range(3), replacement=True, num_samples=10 ** 12)
    assert len(huge) == 10 ** 12 and next(iter(huge)) in (0, 1, 2)  # lazy: nothing of size 1e12 is built
    weighted = list(edata.WeightedRandomSampler([0.0, 1.0, 0.0], 20, generator=g))
    assert weighted == [1] * 20
    assert sorted(edata.SubsetRandomSampler([3, 5, 7], generator=g)) == [3, 5, 7]
    assert list(edata.BatchSampler(range(7), 3, drop_last=False)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert len(edata.BatchSampler(range(7), 3, drop_last=True)) == 2


@pytest.mark.parametrize('make', [
    lambda lib, m: m.DataLoader(Squares(lib), num_workers=-1),
    lambda lib, m: m.DataLoader(Squares(lib), timeout=-1),
    lambda lib, m: m.DataLoader(Squares(lib), prefetch_factor=2),
    lambda lib, m: m.DataLoader(Squares(lib), persistent_workers=True),
    lambda lib, m: m.DataLoader(Squares(lib), sampler=m.SequentialSampler(range(10)), shuffle=True),
    lambda lib, m: m.DataLoader(Squares(lib), batch_sampler=[[0, 1]], batch_size=2),
    lambda lib, m: m.DataLoader(Squares(lib), batch_size=None, drop_last=True),
    lambda lib, m: m.BatchSampler(range(3), 0, False),
    lambda lib, m: m.RandomSampler(range(3), num_samples=0),
], ids=['workers', 'timeout', 'prefetch', 'persistent', 'sampler_shuffle', 'batch_sampler', 'batch_none',
        'batch_size', 'num_samples'])
def test_construction_errors_match_torch(make):
    messages = []
    for lib, mod in ((torch, tdata), (ember, edata)):
        with pytest.raises(ValueError) as info:
            make(lib, mod)
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_iterable_dataset_with_shuffle_errors_like_torch():
    with pytest.raises(ValueError, match='expected unspecified shuffle option'):
        edata.DataLoader(Stream(5), shuffle=True)


@pytest.mark.parametrize('num_workers', [0, 2])
def test_loader_batches_like_torch(num_workers):
    ours = list(edata.DataLoader(Squares(ember), batch_size=4, num_workers=num_workers))
    theirs = list(tdata.DataLoader(Squares(torch), batch_size=4, num_workers=num_workers))
    assert _np(ours) == _np(theirs)
    assert len(edata.DataLoader(Squares(ember), batch_size=4, drop_last=True)) == 2


def test_shuffle_covers_everything_and_is_reproducible():
    def epoch(seed):
        loader = edata.DataLoader(EDataset(20), batch_size=3, shuffle=True,
                                  generator=ember.Generator().manual_seed(seed))
        return [i for _, idx in loader for i in idx.tolist()]
    assert sorted(epoch(0)) == list(range(20))
    assert epoch(0) == epoch(0) and epoch(0) != epoch(1)


def test_workers_keep_order_and_worker_info():
    loader = edata.DataLoader(EDataset(23), batch_size=2, num_workers=2, prefetch_factor=3)
    assert [i for _, idx in loader for i in idx.tolist()] == list(range(23))
    seen = []
    loader = edata.DataLoader(Stream(9), batch_size=2, num_workers=2)
    for batch in loader:
        seen.extend(batch.tolist())
    assert sorted(seen) == list(range(9))


def test_worker_init_fn_and_persistent_workers():
    loader = edata.DataLoader(EDataset(6), batch_size=2, num_workers=2, persistent_workers=True,
                              worker_init_fn=lambda wid: None)
    first = [idx.tolist() for _, idx in loader]
    second = [idx.tolist() for _, idx in loader]
    assert first == second == [[0, 1], [2, 3], [4, 5]]


@pytest.mark.parametrize('num_workers', [0, 2])
def test_worker_exception_surfaces_with_traceback(num_workers):
    loader = edata.DataLoader(Failing(), batch_size=2, num_workers=num_workers)
    with pytest.raises(ValueError, match='item 5 is broken') as info:
        list(loader)
    if num_workers:
        assert 'Caught ValueError in DataLoader worker process' in str(info.value)
        assert 'Traceback' in str(info.value)


def test_dead_worker_is_reported_not_hung():
    loader = edata.DataLoader(Dying(), batch_size=1, num_workers=2)
    with pytest.raises(RuntimeError, match='exited unexpectedly'):
        list(loader)


def test_pin_memory_accepted_on_cpu():
    batches = list(edata.DataLoader(EDataset(4), batch_size=2, pin_memory=True))
    assert len(batches) == 2

"""DataLoader: dataset + sampler + batch sampler + collate, iterated in this process or by worker processes.

Each epoch gets its own iterator object. With ``num_workers > 0`` each worker process has an index queue; all share
one result queue; the main process keeps ``prefetch_factor`` batches per worker in flight and hands batches back in
sampler order. A worker's exception comes back with its traceback and is re-raised in the main process; a worker
that dies is detected by polling, so nothing hangs.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import random
import sys
import traceback

from ._collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler

__all__ = ['DataLoader', 'get_worker_info', 'WorkerInfo']

_POLL_SECONDS = 0.5


class WorkerInfo:
    """What ``get_worker_info()`` returns inside a worker: id, num_workers, seed, dataset."""

    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)

    def __repr__(self):
        return 'WorkerInfo(' + ', '.join(f'{k}={v!r}' for k, v in self.__dict__.items() if k != 'dataset') + ')'


_worker_info = None


def get_worker_info():
    """The current worker's WorkerInfo in a DataLoader worker process; None in the main process."""
    return _worker_info


class _ExceptionWrapper:
    """An exception raised in a worker, carried to the main process with its formatted traceback."""

    def __init__(self, exc_info, where):
        self.exc_type = exc_info[0]
        self.exc_msg = ''.join(traceback.format_exception(*exc_info))
        self.where = where

    def reraise(self):
        msg = f'Caught {self.exc_type.__name__} {self.where}.\nOriginal {self.exc_msg}'
        if self.exc_type is KeyError:
            msg = KeyErrorMessage(msg)
        try:
            exception = self.exc_type(msg)
        except TypeError:
            raise RuntimeError(msg) from None
        raise exception


class KeyErrorMessage(str):
    def __repr__(self):
        return self


class _IterableEnd:
    def __init__(self, worker_id):
        self.worker_id = worker_id


def _worker_loop(dataset, index_queue, data_queue, collate_fn, auto_collation, drop_last, batch_size, seed,
                 init_fn, worker_id, num_workers, is_iterable):
    global _worker_info
    import ember  # noqa: PLC0415
    try:
        ember.manual_seed(seed)
        random.seed(seed)
        _worker_info = WorkerInfo(id=worker_id, num_workers=num_workers, seed=seed, dataset=dataset)
        if init_fn is not None:
            init_fn(worker_id)
        iterator = None
        if is_iterable:
            iterator = iter(dataset)
    except Exception:
        data_queue.put((-1, _ExceptionWrapper(sys.exc_info(), f'in DataLoader worker process {worker_id}')))
        return
    exhausted = False
    while True:
        try:
            task = index_queue.get(timeout=_POLL_SECONDS)
        except queue.Empty:
            if os.getppid() == 1:  # the main process died
                return
            continue
        if task is None:
            return
        send_idx, indices = task
        if exhausted:
            data_queue.put((send_idx, _IterableEnd(worker_id)))
            continue
        try:
            if is_iterable:
                if auto_collation:
                    batch = list(itertools.islice(iterator, batch_size))
                    if not batch or (drop_last and len(batch) < batch_size):
                        raise StopIteration
                    data = collate_fn(batch)
                else:
                    data = collate_fn(next(iterator))
            elif auto_collation:
                if hasattr(dataset, '__getitems__') and dataset.__getitems__:
                    data = collate_fn(dataset.__getitems__(indices))
                else:
                    data = collate_fn([dataset[i] for i in indices])
            else:
                data = collate_fn(dataset[indices])
        except StopIteration:
            exhausted = True
            data = _IterableEnd(worker_id)
        except Exception:
            data = _ExceptionWrapper(sys.exc_info(), f'in DataLoader worker process {worker_id}')
        data_queue.put((send_idx, data))


class DataLoader:
    """Batches of a dataset, as ``torch.utils.data.DataLoader``.

    >>> loader = DataLoader(TensorDataset(ember.arange(10.)), batch_size=4, shuffle=True)
    >>> len(loader)
    3
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None, num_workers=0,
                 collate_fn=None, pin_memory=False, drop_last=False, timeout=0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None, persistent_workers=False,
                 pin_memory_device='', in_order=True):
        if num_workers < 0:
            raise ValueError('num_workers option should be non-negative; use num_workers=0 to disable '
                             'multiprocessing.')
        if timeout < 0:
            raise ValueError('timeout option should be non-negative')
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError('prefetch_factor option could only be specified in multiprocessing.let num_workers > 0 '
                             'to enable multiprocessing, otherwise set prefetch_factor to None.')
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        if prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError('prefetch_factor option should be non-negative')
        if persistent_workers and num_workers == 0:
            raise ValueError('persistent_workers option needs num_workers > 0')
        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.persistent_workers = persistent_workers
        self.in_order = in_order
        self._is_iterable = isinstance(dataset, IterableDataset)
        if self._is_iterable:
            if shuffle not in (False, None):
                raise ValueError(f'DataLoader with IterableDataset: expected unspecified shuffle option, but got '
                                 f'shuffle={shuffle}')
            if sampler is not None:
                raise ValueError(f'DataLoader with IterableDataset: expected unspecified sampler option, but got '
                                 f'sampler={sampler}')
            if batch_sampler is not None:
                raise ValueError(f'DataLoader with IterableDataset: expected unspecified batch_sampler option, but '
                                 f'got batch_sampler={batch_sampler}')
        else:
            shuffle = bool(shuffle)
        if sampler is not None and shuffle:
            raise ValueError('sampler option is mutually exclusive with shuffle')
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError('batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and '
                                 'drop_last')
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError('batch_size=None option disables auto-batching and is mutually exclusive with '
                             'drop_last')
        if sampler is None:
            if self._is_iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn
        self._iterator = None

    @property
    def _auto_collation(self):
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def __len__(self):
        if self._is_iterable:
            length = len(self.dataset)
            if self.batch_size is not None:
                length = length // self.batch_size if self.drop_last else -(-length // self.batch_size)
            return length
        return len(self._index_sampler)

    def __iter__(self):
        if self.num_workers == 0:
            return _SingleProcessIter(self)
        if self.persistent_workers:
            if self._iterator is None:
                self._iterator = _MultiProcessIter(self)
            else:
                self._iterator._reset()
            return self._iterator
        return _MultiProcessIter(self)


class _InfiniteConstantSampler:
    def __iter__(self):
        while True:
            yield None


class _SingleProcessIter:
    def __init__(self, loader):
        self._loader = loader
        self._sampler_iter = iter(loader._index_sampler)
        self._dataset_iter = iter(loader.dataset) if loader._is_iterable else None

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def __next__(self):
        loader = self._loader
        indices = next(self._sampler_iter)
        if loader._is_iterable:
            if loader._auto_collation:
                batch = list(itertools.islice(self._dataset_iter, len(indices)))
                if not batch or (loader.drop_last and len(batch) < len(indices)):
                    raise StopIteration
                return loader.collate_fn(batch)
            return loader.collate_fn(next(self._dataset_iter))
        dataset = loader.dataset
        if loader._auto_collation:
            if getattr(dataset, '__getitems__', None):
                return loader.collate_fn(dataset.__getitems__(indices))
            return loader.collate_fn([dataset[i] for i in indices])
        return loader.collate_fn(dataset[indices])


class _MultiProcessIter:
    def __init__(self, loader):
        import ember  # noqa: PLC0415
        self._loader = loader
        ctx = loader.multiprocessing_context
        if ctx is None:
            ctx = multiprocessing.get_context('fork' if sys.platform.startswith('linux') else None)
        elif isinstance(ctx, str):
            ctx = multiprocessing.get_context(ctx)
        self._ctx = ctx
        n = loader.num_workers
        if loader.generator is not None:
            base_seed = int(ember.empty((), dtype=ember.int64).random_(generator=loader.generator).item())
        else:
            base_seed = int(ember.empty((), dtype=ember.int64).random_().item())
        self._data_queue = ctx.Queue()
        self._index_queues = []
        self._workers = []
        for worker_id in range(n):
            index_queue = ctx.Queue()
            w = ctx.Process(target=_worker_loop, daemon=True, args=(
                loader.dataset, index_queue, self._data_queue, loader.collate_fn, loader._auto_collation,
                loader.drop_last, loader.batch_size, base_seed + worker_id, loader.worker_init_fn, worker_id, n,
                loader._is_iterable))
            w.start()
            self._index_queues.append(index_queue)
            self._workers.append(w)
        self._shutdown = False
        self._reset(first=True)

    def _reset(self, first=False):
        loader = self._loader
        self._sampler_iter = iter(loader._index_sampler)
        self._send_idx = 0
        self._rcvd_idx = 0
        self._task_info = {}
        self._reorder = {}
        self._active = [True] * loader.num_workers
        self._worker_cycle = itertools.cycle(range(loader.num_workers))
        if not first and loader._is_iterable:
            for q in self._index_queues:
                q.put(None)
            for w in self._workers:
                w.join(timeout=5)
            self.__init__(loader)
            return
        for _ in range(loader.prefetch_factor * loader.num_workers):
            self._try_put_index()

    def __iter__(self):
        return self

    def __len__(self):
        return len(self._loader)

    def _try_put_index(self):
        try:
            indices = next(self._sampler_iter)
        except StopIteration:
            return
        for _ in range(self._loader.num_workers):
            worker_id = next(self._worker_cycle)
            if self._active[worker_id]:
                break
        else:
            return
        self._index_queues[worker_id].put((self._send_idx, indices))
        self._task_info[self._send_idx] = worker_id
        self._send_idx += 1

    def _get(self):
        timeout = self._loader.timeout
        waited = 0.0
        while True:
            try:
                return self._data_queue.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                waited += _POLL_SECONDS
                dead = [w.pid for w in self._workers if not w.is_alive()]
                if dead:
                    self._shutdown_workers()
                    raise RuntimeError(f'DataLoader worker (pid(s) {", ".join(map(str, dead))}) exited '
                                       'unexpectedly') from None
                if timeout and waited >= timeout:
                    self._shutdown_workers()
                    raise RuntimeError(f'DataLoader timed out after {timeout} seconds') from None

    def __next__(self):
        while True:
            if self._rcvd_idx >= self._send_idx and not any(
                    i >= self._rcvd_idx for i in self._task_info):
                if not self._loader.persistent_workers:
                    self._shutdown_workers()
                raise StopIteration
            if self._rcvd_idx in self._reorder:
                data = self._reorder.pop(self._rcvd_idx)
            else:
                idx, data = self._get()
                if idx == -1 and isinstance(data, _ExceptionWrapper):
                    self._shutdown_workers()
                    data.reraise()
                if idx != self._rcvd_idx:
                    self._reorder[idx] = data
                    continue
            self._task_info.pop(self._rcvd_idx, None)
            self._rcvd_idx += 1
            if isinstance(data, _IterableEnd):
                self._active[data.worker_id] = False
                if not any(self._active):
                    if not self._loader.persistent_workers:
                        self._shutdown_workers()
                    raise StopIteration
                self._try_put_index()
                continue
            self._try_put_index()
            if isinstance(data, _ExceptionWrapper):
                self._shutdown_workers()
                data.reraise()
            return data

    def _shutdown_workers(self):
        if self._shutdown:
            return
        self._shutdown = True
        for q in self._index_queues:
            try:
                q.put(None)
            except (OSError, ValueError):
                pass
        for w in self._workers:
            w.join(timeout=2)
            if w.is_alive():
                w.terminate()
        for q in self._index_queues + [self._data_queue]:
            q.cancel_join_thread()
            q.close()

    def __del__(self):
        try:
            self._shutdown_workers()
        except Exception:
            pass

"""CIFAR-10 and CIFAR-100 from their python pickle batches."""
from __future__ import annotations

import os
import pickle

import numpy

from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset


class _RestrictedUnpickler(pickle.Unpickler):
    """CIFAR batches hold only dicts, lists, bytes and numpy arrays: nothing else may be built."""

    _ALLOWED = {('numpy.core.multiarray', '_reconstruct'), ('numpy._core.multiarray', '_reconstruct'),
                ('numpy', 'ndarray'), ('numpy', 'dtype'), ('numpy.core.multiarray', 'scalar'),
                ('numpy._core.multiarray', 'scalar'), ('_codecs', 'encode')}

    def find_class(self, module, name):
        if (module, name) in self._ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f'CIFAR batch files may not reference {module}.{name}')


class CIFAR10(VisionDataset):
    """CIFAR-10: 32x32 colour images in 10 classes; items are (PIL image, int label) before transforms."""

    base_folder = 'cifar-10-batches-py'
    url = 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz'
    filename = 'cifar-10-python.tar.gz'
    tgz_md5 = 'c58f30108f718f92721af3b95e74349a'
    train_list = [[f'data_batch_{i}', None] for i in range(1, 6)]
    test_list = [['test_batch', None]]
    meta = {'filename': 'batches.meta', 'key': 'label_names'}

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_integrity():
            raise RuntimeError('Dataset not found or corrupted. You can use download=True to download it')
        data, targets = [], []
        for name, _ in (self.train_list if train else self.test_list):
            entry = self._load(os.path.join(self.root, self.base_folder, name))
            data.append(entry['data'])
            targets.extend(entry['labels'] if 'labels' in entry else entry['fine_labels'])
        self.data = numpy.vstack(data).reshape(-1, 3, 32, 32).transpose((0, 2, 3, 1))
        self.targets = targets
        meta = self._load(os.path.join(self.root, self.base_folder, self.meta['filename']))
        self.classes = meta[self.meta['key']]
        self.class_to_idx = {c: i for i, c in enumerate(self.classes)}

    @staticmethod
    def _load(path):
        with open(path, 'rb') as f:
            entry = _RestrictedUnpickler(f, encoding='latin1').load()
        return entry

    def _check_integrity(self):
        return all(check_integrity(os.path.join(self.root, self.base_folder, name), md5)
                   for name, md5 in self.train_list + self.test_list)

    def download(self):
        if self._check_integrity():
            return
        download_and_extract_archive(self.url, self.root, filename=self.filename, md5=self.tgz_md5)

    def __getitem__(self, index):
        from PIL import Image  # noqa: PLC0415
        img, target = Image.fromarray(self.data[index]), self.targets[index]
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    def __len__(self):
        return len(self.data)

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class CIFAR100(CIFAR10):
    """CIFAR-100 (fine labels)."""

    base_folder = 'cifar-100-python'
    url = 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz'
    filename = 'cifar-100-python.tar.gz'
    tgz_md5 = 'eb9058c3a382ffc7106e4002c42a8d85'
    train_list = [['train', None]]
    test_list = [['test', None]]
    meta = {'filename': 'meta', 'key': 'fine_label_names'}


__all__ = ['CIFAR10', 'CIFAR100']

"""MNIST and its relatives (FashionMNIST, KMNIST, EMNIST) from IDX files, as torchvision lays them out."""
from __future__ import annotations

import codecs
import gzip
import os

import numpy

from ... import _creation
from .utils import check_integrity, download_and_extract_archive
from .vision import VisionDataset

_IDX_TYPES = {8: numpy.uint8, 9: numpy.int8, 11: numpy.dtype('>i2'), 12: numpy.dtype('>i4'),
              13: numpy.dtype('>f4'), 14: numpy.dtype('>f8')}


def read_idx(path):
    """An IDX file (optionally .gz) as a numpy array, checked against its header."""
    opener = gzip.open if str(path).endswith('.gz') else open
    with opener(path, 'rb') as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise RuntimeError(f'{path} is not an IDX file (bad magic number)')
    dtype = _IDX_TYPES.get(data[2])
    if dtype is None:
        raise RuntimeError(f'{path}: unknown IDX data type 0x{data[2]:02x}')
    nd = data[3]
    shape = [int(codecs.encode(data[4 + 4 * i:8 + 4 * i], 'hex'), 16) for i in range(nd)]
    array = numpy.frombuffer(data, dtype=dtype, offset=4 + 4 * nd)
    if array.size != int(numpy.prod(shape)):
        raise RuntimeError(f'{path}: expected {int(numpy.prod(shape))} values, found {array.size}')
    return array.reshape(shape).astype(numpy.dtype(dtype).newbyteorder('='))


read_image_file = read_label_file = read_idx


class MNIST(VisionDataset):
    """MNIST: 28x28 grayscale digits; items are (PIL image, int label) before transforms."""

    mirrors = ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/']
    resources = [('train-images-idx3-ubyte.gz', 'f68b3c2dcbeaaa9fbdd348bbdeb94873'),
                 ('train-labels-idx1-ubyte.gz', 'd53e105ee54ea40749a09fcbcd1e9432'),
                 ('t10k-images-idx3-ubyte.gz', '9fb629c4189551a2d022fa330f9573f3'),
                 ('t10k-labels-idx1-ubyte.gz', 'ec29112dd5afa0611ce80d1b7f02629c')]
    classes = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven',
               '8 - eight', '9 - nine']

    def __init__(self, root, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        if download:
            self.download()
        if not self._check_exists():
            raise RuntimeError('Dataset not found. You can use download=True to download it')
        self.data, self.targets = self._load_data()

    @property
    def raw_folder(self):
        return os.path.join(self.root, self.__class__.__name__, 'raw')

    def _files(self):
        prefix = 'train' if self.train else 't10k'
        return f'{prefix}-images-idx3-ubyte', f'{prefix}-labels-idx1-ubyte'

    def _find(self, name):
        for candidate in (name, name + '.gz'):
            path = os.path.join(self.raw_folder, candidate)
            if os.path.isfile(path):
                return path
        return None

    def _check_exists(self):
        return all(self._find(name) is not None for name in self._files())

    def _load_data(self):
        images, labels = self._files()
        data = read_idx(self._find(images))
        targets = read_idx(self._find(labels)).astype(numpy.int64)
        return _creation.from_numpy(numpy.ascontiguousarray(data)), _creation.from_numpy(targets)

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        for filename, md5 in self.resources:
            errors = []
            for mirror in self.mirrors:
                try:
                    download_and_extract_archive(mirror + filename, self.raw_folder, filename=filename, md5=md5)
                    break
                except RuntimeError as exc:
                    errors.append(str(exc))
            else:
                raise RuntimeError(f'Error downloading {filename}:\n' + '\n'.join(errors))

    def __len__(self):
        return len(self.data)

    def __getitem__(self, index):
        from PIL import Image  # noqa: PLC0415 - Pillow is the vision extra
        img, target = self.data[index], int(self.targets[index])
        img = Image.fromarray(img.numpy())  # uint8 HxW -> mode 'L'
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target

    @property
    def class_to_idx(self):
        return {c: i for i, c in enumerate(self.classes)}

    def extra_repr(self):
        return f"Split: {'Train' if self.train else 'Test'}"


class FashionMNIST(MNIST):
    mirrors = ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/']
    resources = [('train-images-idx3-ubyte.gz', '8d4fb7e6c68d591d4c3dfef9ec88bf0d'),
                 ('train-labels-idx1-ubyte.gz', '25c81989df183df01b3e8a0aad5dffbe'),
                 ('t10k-images-idx3-ubyte.gz', 'bef4ecab320f06d8554ea6380940ec79'),
                 ('t10k-labels-idx1-ubyte.gz', 'bb300cfdad3c16e7a12a480ee83cd310')]
    classes = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
               'Ankle boot']


class KMNIST(MNIST):
    mirrors = ['http://codh.rois.ac.jp/kmnist/dataset/kmnist/']
    resources = [('train-images-idx3-ubyte.gz', 'bdb82020997e1d708af4cf47b453dcf7'),
                 ('train-labels-idx1-ubyte.gz', 'e144d726b3acfaa3e44228e80efcd344'),
                 ('t10k-images-idx3-ubyte.gz', '5c965bf0a639b31b8f53240b1b52f4d7'),
                 ('t10k-labels-idx1-ubyte.gz', '7320c461ea6c1c855c0b718fb2a4b134')]
    classes = ['o', 'ki', 'su', 'tsu', 'na', 'ha', 'ma', 'ya', 're', 'wo']


class EMNIST(MNIST):
    """EMNIST with its splits (byclass, bymerge, balanced, letters, digits, mnist)."""

    url = 'https://biometrics.nist.gov/cs_links/EMNIST/gzip.zip'
    md5 = '58c8d27c78d21e728a6bc7b3cc06412e'
    splits = ('byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist')

    def __init__(self, root, split, **kwargs):
        if split not in self.splits:
            raise ValueError(f'Unknown value \'{split}\' for argument split. Valid values are '
                             f'{{{", ".join(repr(s) for s in self.splits)}}}.')
        self.split = split
        super().__init__(root, **kwargs)

    def _files(self):
        prefix = 'train' if self.train else 'test'
        return (f'emnist-{self.split}-{prefix}-images-idx3-ubyte', f'emnist-{self.split}-{prefix}-labels-idx1-ubyte')

    def download(self):
        if self._check_exists():
            return
        os.makedirs(self.raw_folder, exist_ok=True)
        download_and_extract_archive(self.url, self.raw_folder, filename='emnist.zip', md5=self.md5)
        gzip_folder = os.path.join(self.raw_folder, 'gzip')
        for name in os.listdir(gzip_folder):
            if name.endswith('.gz'):
                os.replace(os.path.join(gzip_folder, name), os.path.join(self.raw_folder, name))


__all__ = ['MNIST', 'FashionMNIST', 'KMNIST', 'EMNIST', 'read_idx']
del check_integrity

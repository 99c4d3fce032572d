"""Digits: the UCI 8x8 handwritten digits bundled with ember (1,797 images), no download needed."""
from __future__ import annotations

import os

import numpy

from .vision import VisionDataset

_PATH = os.path.join(os.path.dirname(__file__), '..', '..', 'data', 'digits.npz')


class Digits(VisionDataset):
    """The bundled UCI digits; ``train=True`` gives the first 1,437 images, ``train=False`` the last 360.

    Items are (PIL image 8x8 mode 'L' with values scaled from 0..16 to 0..255, int label) before transforms.
    """

    classes = [str(i) for i in range(10)]
    split_at = 1437

    def __init__(self, root=None, train=True, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform)
        self.train = train
        with numpy.load(_PATH) as data:
            images, labels = data['images'], data['labels']
        part = slice(0, self.split_at) if train else slice(self.split_at, None)
        self.data = (images[part].astype(numpy.uint16) * 255 // 16).astype(numpy.uint8)
        self.targets = [int(t) for t in labels[part]]

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


__all__ = ['Digits']

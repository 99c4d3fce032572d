"""VisionDataset: the base of ember.vision's datasets (root, transform, target_transform, repr)."""
from __future__ import annotations

import os

from ...utils.data import Dataset


class VisionDataset(Dataset):
    """A dataset of images with optional ``transform``/``target_transform`` (or a joint ``transforms``)."""

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None):
        if isinstance(root, (str, bytes)):
            root = os.path.expanduser(root)
        self.root = root
        has_transforms = transforms is not None
        has_separate = transform is not None or target_transform is not None
        if has_transforms and has_separate:
            raise ValueError('Only transforms or transform/target_transform can be passed as argument')
        self.transform = transform
        self.target_transform = target_transform
        self.transforms = transforms if has_transforms else (
            StandardTransform(transform, target_transform) if has_separate else None)

    def __getitem__(self, index):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def extra_repr(self) -> str:
        return ''

    def __repr__(self):
        head = 'Dataset ' + self.__class__.__name__
        body = [f'Number of datapoints: {self.__len__()}']
        if self.root is not None:
            body.append(f'Root location: {self.root}')
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            body += [repr(self.transforms)]
        return '\n'.join([head] + [' ' * self._repr_indent + line for line in body])


class StandardTransform:
    def __init__(self, transform=None, target_transform=None):
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self):
        lines = []
        if self.transform is not None:
            lines.append(f'Transform: {self.transform!r}'.replace('\n', '\n' + ' ' * 11))
        if self.target_transform is not None:
            lines.append(f'Target transform: {self.target_transform!r}'.replace('\n', '\n' + ' ' * 18))
        return '\n'.join(lines)

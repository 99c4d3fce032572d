"""FakeData: random images, reproducible per index."""
from __future__ import annotations

from .vision import VisionDataset


class FakeData(VisionDataset):
    """``size`` random images of ``image_size`` (C, H, W) with labels in ``range(num_classes)``."""

    def __init__(self, size=1000, image_size=(3, 224, 224), num_classes=10, transform=None, target_transform=None,
                 random_offset=0):
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index):
        import ember  # noqa: PLC0415
        from ..transforms import functional as F  # noqa: PLC0415
        if index >= len(self):
            raise IndexError(f'{self.__class__.__name__} index out of range')
        generator = ember.Generator().manual_seed(index + self.random_offset)
        img = ember.randn(*self.image_size, generator=generator)
        target = ember.randint(0, self.num_classes, size=(1,), dtype=ember.long, generator=generator)[0]
        img = F.to_pil_image(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item() if hasattr(target, 'item') else target

    def __len__(self):
        return self.size


__all__ = ['FakeData']

"""torchvision.transforms.v2 for image classification: the v1 transforms, called on a whole sample.

A v2 transform takes a sample (an image, or ``(image, label)``, a dict, nested lists...) and transforms the image in
it, passing everything else through: the image is the PIL image when there is one, otherwise the first tensor of two
or more dims.
ember has no ``tv_tensors`` (bounding boxes, masks, videos), so a sample holds one image.

>>> t = Compose([ToImage(), ToDtype(ember.float32, scale=True), RandomHorizontalFlip()])
>>> img, label = t(ember.zeros(3, 4, 4, dtype=ember.uint8), 3)
"""
from __future__ import annotations

import numpy

import ember

from . import _autoaugment as _auto
from . import _functional_pil as F_pil
from . import _transforms_more as _more
from . import functional as F
from . import transforms as _v1
from .functional import InterpolationMode  # noqa: F401

__all__ = ['Compose', 'RandomApply', 'RandomChoice', 'RandomOrder', 'Lambda', 'Identity', 'ToImage', 'ToDtype',
           'ToPureTensor', 'PILToTensor', 'ToPILImage', 'ToTensor', 'ConvertImageDtype', 'Normalize', 'Resize',
           'CenterCrop', 'Pad', 'RandomCrop', 'RandomHorizontalFlip', 'RandomVerticalFlip', 'RandomResizedCrop',
           'FiveCrop', 'TenCrop', 'ColorJitter', 'RandomRotation', 'RandomAffine', 'Grayscale', 'RandomGrayscale',
           'RandomErasing', 'GaussianBlur', 'RandomInvert', 'RandomPosterize', 'RandomSolarize',
           'RandomAdjustSharpness', 'RandomAutocontrast', 'RandomEqualize', 'RandAugment', 'TrivialAugmentWide',
           'InterpolationMode']


def _flatten(sample, leaves):
    if isinstance(sample, (list, tuple)):
        return type(sample), [_flatten(s, leaves) for s in sample]
    if isinstance(sample, dict):
        return dict, {k: _flatten(v, leaves) for k, v in sample.items()}
    leaves.append(sample)
    return None, len(leaves) - 1


def _unflatten(spec, leaves):
    kind, body = spec
    if kind is None:
        return leaves[body]
    if kind is dict:
        return {k: _unflatten(v, leaves) for k, v in body.items()}
    items = [_unflatten(s, leaves) for s in body]
    return kind(*items) if hasattr(kind, '_fields') else kind(items)


def _image_index(leaves, accept_arrays=False):
    for i, leaf in enumerate(leaves):
        if F_pil.is_pil_image(leaf):
            return i
    for i, leaf in enumerate(leaves):
        if (isinstance(leaf, ember.Tensor) and leaf.ndim >= 2) or (accept_arrays and isinstance(leaf, numpy.ndarray)
                                                                   and leaf.ndim >= 2):
            return i
    return None


def _on_image(fn, inputs, accept_arrays=False):
    """Apply ``fn`` to the image of the sample ``inputs`` (a tuple of call arguments)."""
    sample = inputs if len(inputs) > 1 else inputs[0]
    if F_pil.is_pil_image(sample) or isinstance(sample, ember.Tensor):
        return fn(sample)
    leaves = []
    spec = _flatten(sample, leaves)
    index = _image_index(leaves, accept_arrays)
    if index is None:
        return sample
    leaves[index] = fn(leaves[index])
    return _unflatten(spec, leaves)


def _v2(cls, accept_arrays=False):
    """The v2 form of a v1 transform class: same constructor, called on a whole sample."""
    def __call__(self, *inputs):
        return _on_image(super(v2cls, self).__call__, inputs, accept_arrays)
    v2cls = type(cls.__name__, (cls,), {'__call__': __call__, '__module__': __name__, '__doc__': cls.__doc__})
    return v2cls


class Compose(_v1.Compose):
    """Apply transforms in order to a sample (``t(img)`` or ``t(img, label)``)."""

    def __call__(self, *inputs):
        unpack = len(inputs) > 1
        outputs = inputs if unpack else inputs[0]
        for t in self.transforms:
            outputs = t(*outputs) if unpack else t(outputs)
        return outputs


class RandomApply(_v1.RandomApply):
    """Apply all of ``transforms`` to the sample with probability ``p``."""

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        if self.p < ember.rand(1).item():
            return sample
        return Compose(self.transforms)(*inputs)


class RandomChoice(_v1.RandomChoice):
    """Apply one of ``transforms`` to the sample."""


class RandomOrder(_v1.RandomOrder):
    """Apply ``transforms`` to the sample in a random order."""

    def __call__(self, *inputs):
        unpack = len(inputs) > 1
        outputs = inputs if unpack else inputs[0]
        for i in ember.randperm(len(self.transforms)).tolist():
            outputs = self.transforms[i](*outputs) if unpack else self.transforms[i](outputs)
        return outputs


class Lambda(_v1.Lambda):
    """Apply ``lambd`` to the leaves of the sample of the given ``types`` (all leaves when none are given)."""

    def __init__(self, lambd, *types):
        super().__init__(lambd)
        self.types = types or (object,)

    def __call__(self, *inputs):
        sample = inputs if len(inputs) > 1 else inputs[0]
        leaves = []
        spec = _flatten(sample, leaves)
        leaves = [self.lambd(leaf) if isinstance(leaf, self.types) else leaf for leaf in leaves]
        return _unflatten(spec, leaves)


class Identity:
    """Return the sample unchanged."""

    def __call__(self, *inputs):
        return inputs if len(inputs) > 1 else inputs[0]

    def __repr__(self):
        return 'Identity()'


def _to_image(inpt):
    if isinstance(inpt, ember.Tensor):
        return inpt
    if isinstance(inpt, numpy.ndarray):
        array = inpt[:, :, None] if inpt.ndim == 2 else inpt
        return ember.from_numpy(numpy.ascontiguousarray(array.transpose(2, 0, 1)))
    return F.pil_to_tensor(inpt).contiguous()


class ToImage:
    """PIL image or (H, W[, C]) ndarray -> (C, H, W) tensor of the same dtype (no rescaling)."""

    def __call__(self, *inputs):
        return _on_image(_to_image, inputs, accept_arrays=True)

    def __repr__(self):
        return 'ToImage()'


class ToDtype:
    """Convert the image tensor to ``dtype``; ``scale=True`` rescales values as ``convert_image_dtype``."""

    def __init__(self, dtype, scale: bool = False):
        if isinstance(dtype, dict):
            dtype = dtype.get('image', dtype.get('others'))
        self.dtype = dtype
        self.scale = scale

    def _convert(self, img):
        if not isinstance(img, ember.Tensor) or self.dtype is None:
            return img
        return F.convert_image_dtype(img, self.dtype) if self.scale else img.to(self.dtype)

    def __call__(self, *inputs):
        return _on_image(self._convert, inputs)

    def __repr__(self):
        return f'ToDtype(dtype={self.dtype}, scale={self.scale})'


class ToPureTensor(Identity):
    """ember has no tv_tensors subclasses: tensors are already pure."""

    def __repr__(self):
        return 'ToPureTensor()'


PILToTensor = _v2(_v1.PILToTensor)
ToPILImage = _v2(_v1.ToPILImage, accept_arrays=True)
ToTensor = _v2(_v1.ToTensor, accept_arrays=True)
ConvertImageDtype = _v2(_v1.ConvertImageDtype)
Normalize = _v2(_v1.Normalize)
Resize = _v2(_v1.Resize)
CenterCrop = _v2(_v1.CenterCrop)
Pad = _v2(_v1.Pad)
RandomCrop = _v2(_v1.RandomCrop)
RandomHorizontalFlip = _v2(_v1.RandomHorizontalFlip)
RandomVerticalFlip = _v2(_v1.RandomVerticalFlip)
RandomResizedCrop = _v2(_v1.RandomResizedCrop)
FiveCrop = _v2(_v1.FiveCrop)
TenCrop = _v2(_v1.TenCrop)
ColorJitter = _v2(_more.ColorJitter)
RandomRotation = _v2(_more.RandomRotation)
RandomAffine = _v2(_more.RandomAffine)
Grayscale = _v2(_more.Grayscale)
RandomGrayscale = _v2(_more.RandomGrayscale)
RandomErasing = _v2(_more.RandomErasing)
GaussianBlur = _v2(_more.GaussianBlur)
RandomInvert = _v2(_more.RandomInvert)
RandomPosterize = _v2(_more.RandomPosterize)
RandomSolarize = _v2(_more.RandomSolarize)
RandomAdjustSharpness = _v2(_more.RandomAdjustSharpness)
RandomAutocontrast = _v2(_more.RandomAutocontrast)
RandomEqualize = _v2(_more.RandomEqualize)
RandAugment = _v2(_auto.RandAugment)
TrivialAugmentWide = _v2(_auto.TrivialAugmentWide)

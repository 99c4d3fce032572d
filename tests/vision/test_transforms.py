"""ember.vision.transforms: values against hand-computed, NumPy, Pillow and torch references; PIL and tensor paths
agree; randomness follows ember.manual_seed."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import ember
from ember.vision import transforms as T
from ember.vision.transforms import functional as F

PIL = pytest.importorskip('PIL')
from PIL import Image  # noqa: E402


def _rgb(h=10, w=12, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def _pil(array):
    return Image.fromarray(array)


def _chw(array):
    """uint8 HWC ndarray -> uint8 CHW ember tensor."""
    return ember.from_numpy(np.ascontiguousarray(array.transpose(2, 0, 1)))


def _np(x):
    return np.asarray(x) if isinstance(x, Image.Image) else x.numpy()


# ------------------------------------------------------------------------------------------------ conversions

def test_to_tensor_pil_scales_and_moves_channels():
    a = _rgb()
    t = T.ToTensor()(_pil(a))
    assert t.shape == (3, 10, 12) and t.dtype == ember.float32
    np.testing.assert_allclose(t.numpy(), a.transpose(2, 0, 1) / 255.0, rtol=1e-6)


def test_to_tensor_ndarray_and_modes():
    a = _rgb()
    np.testing.assert_allclose(F.to_tensor(a).numpy(), a.transpose(2, 0, 1) / 255.0, rtol=1e-6)
    gray = a[:, :, 0]
    assert F.to_tensor(gray).shape == (1, 10, 12)
    floats = np.random.default_rng(1).random((4, 5, 2)).astype(np.float64)
    t = F.to_tensor(floats)  # non-uint8 arrays are not rescaled
    assert t.dtype == ember.float64
    np.testing.assert_array_equal(t.numpy(), floats.transpose(2, 0, 1))
    f_img = Image.fromarray(np.full((3, 4), 2.5, np.float32), mode='F')
    assert F.to_tensor(f_img).dtype == ember.float32 and F.to_tensor(f_img)[0, 0, 0].item() == 2.5
    i_img = Image.fromarray(np.full((3, 4), 70000, np.int32), mode='I')
    assert F.to_tensor(i_img).dtype == ember.int32 and F.to_tensor(i_img)[0, 0, 0].item() == 70000
    one = Image.fromarray(np.array([[0, 255]], np.uint8)).convert('1')
    np.testing.assert_array_equal(F.to_tensor(one).numpy(), [[[0.0, 1.0]]])
    with pytest.raises(TypeError, match='pic should be PIL Image or ndarray'):
        F.to_tensor([1, 2])
    with pytest.raises(ValueError, match='2/3 dimensional'):
        F.to_tensor(np.zeros((1, 2, 3, 4), np.uint8))


def test_pil_to_tensor_keeps_values():
    a = _rgb()
    t = T.PILToTensor()(_pil(a))
    assert t.dtype == ember.uint8 and t.shape == (3, 10, 12)
    np.testing.assert_array_equal(t.numpy(), a.transpose(2, 0, 1))
    assert F.pil_to_tensor(_pil(a[:, :, 1])).shape == (1, 10, 12)


def test_to_pil_image_round_trip_and_errors():
    a = _rgb()
    img = T.ToPILImage()(_chw(a))
    assert img.mode == 'RGB' and img.size == (12, 10)
    np.testing.assert_array_equal(np.asarray(img), a)
    x = ember.tensor([[[0.0, 0.5, 1.0, 0.999]]])
    np.testing.assert_array_equal(np.asarray(F.to_pil_image(x)), [[0, 127, 255, 254]])  # mul(255) then truncate
    assert F.to_pil_image(ember.zeros(4, 2, 2)).mode == 'RGBA'
    assert F.to_pil_image(ember.zeros(2, 2, 2)).mode == 'LA'
    assert F.to_pil_image(ember.zeros(1, 2, 2), mode='F').mode == 'F'
    assert F.to_pil_image(a).mode == 'RGB'
    assert F.to_pil_image(a, mode='HSV').mode == 'HSV'
    with pytest.raises(ValueError, match='2/3 dimensional'):
        F.to_pil_image(ember.zeros(1, 1, 2, 2))
    with pytest.raises(ValueError, match='> 4 channels'):
        F.to_pil_image(ember.zeros(5, 2, 2))
    with pytest.raises(ValueError, match='Incorrect mode'):
        F.to_pil_image(ember.zeros(1, 2, 2, dtype=ember.uint8), mode='F')
    with pytest.raises(TypeError, match='pic should be Tensor or ndarray'):
        F.to_pil_image([1])


def test_convert_image_dtype():
    u8 = ember.tensor([[[0, 128, 255]]], dtype=ember.uint8)
    np.testing.assert_allclose(T.ConvertImageDtype(ember.float32)(u8).numpy(), [[[0, 128 / 255, 1.0]]], rtol=1e-6)
    f = ember.tensor([[[0.0, 0.5, 1.0]]])
    np.testing.assert_array_equal(F.convert_image_dtype(f, ember.uint8).numpy(), [[[0, 127, 255]]])
    np.testing.assert_array_equal(F.convert_image_dtype(u8, ember.int16).numpy(), [[[0, 128 * 128, 255 * 128]]])
    i32 = ember.tensor([[[2 ** 31 - 1]]], dtype=ember.int32)
    assert F.convert_image_dtype(i32, ember.uint8).item() == 255
    assert F.convert_image_dtype(f, ember.float32) is f
    with pytest.raises(RuntimeError, match='cannot be performed safely'):
        F.convert_image_dtype(f, ember.int32)


def test_normalize_values_inplace_and_errors():
    x = ember.rand(3, 4, 5)
    mean, std = [0.1, 0.2, 0.3], [0.5, 0.25, 2.0]
    out = T.Normalize(mean, std)(x)
    expected = (x.numpy() - np.array(mean, np.float32)[:, None, None]) / np.array(std, np.float32)[:, None, None]
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    assert out is not x
    batch = ember.rand(2, 3, 4, 5)
    np.testing.assert_allclose(F.normalize(batch, mean, std)[1].numpy(), F.normalize(batch[1], mean, std).numpy())
    y = x.clone()
    assert F.normalize(y, mean, std, inplace=True) is y
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-6)
    with pytest.raises(TypeError, match='float tensor'):
        F.normalize(ember.zeros(3, 2, 2, dtype=ember.uint8), mean, std)
    with pytest.raises(ValueError, match='std evaluated to zero'):
        F.normalize(x, mean, [1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match=r'\(\.\.\., C, H, W\)'):
        F.normalize(ember.rand(4, 5), [0.5], [0.5])
    assert 'Normalize(mean=[0.1, 0.2, 0.3]' in repr(T.Normalize(mean, std))


def test_normalize_gradient():
    x = ember.rand(3, 2, 2, requires_grad=True)
    F.normalize(x, [0.5, 0.5, 0.5], [0.5, 0.25, 2.0]).sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[:, 0, 0], [2.0, 4.0, 0.5])


# ------------------------------------------------------------------------------------------------ resize

@pytest.mark.parametrize('mode', ['nearest', 'nearest-exact', 'bilinear', 'bicubic'])
@pytest.mark.parametrize('antialias', [True, False])
@pytest.mark.parametrize('size', [(5, 7), (17, 23)])
def test_resize_tensor_matches_torch_interpolate(mode, antialias, size):
    x = np.random.default_rng(3).random((2, 3, 10, 12)).astype(np.float32)
    kw = {} if mode.startswith('nearest') else {'align_corners': False, 'antialias': antialias}
    expected = torch.nn.functional.interpolate(torch.tensor(x), size=size, mode=mode, **kw).numpy()
    out = F.resize(ember.tensor(x), list(size), interpolation=T.InterpolationMode(mode), antialias=antialias)
    np.testing.assert_allclose(out.numpy(), expected, atol=3e-6)


def test_resize_size_rules():
    x = ember.rand(3, 10, 20)
    assert T.Resize(5)(x).shape == (3, 5, 10)
    assert T.Resize([5])(x).shape == (3, 5, 10)
    assert T.Resize((4, 6))(x).shape == (3, 4, 6)
    assert F.resize(ember.rand(3, 30, 20), 10).shape == (3, 15, 10)
    assert F.resize(x, 5, max_size=8).shape == (3, 4, 8)
    assert F.resize(ember.rand(1, 7, 7), 7).shape == (1, 7, 7)
    with pytest.raises(ValueError, match='max_size = 5 must be strictly greater'):
        F.resize(x, 5, max_size=5)
    with pytest.raises(ValueError, match='max_size should only be passed'):
        F.resize(x, [5, 6], max_size=8)
    with pytest.raises(TypeError, match='Size should be int or sequence'):
        T.Resize(2.5)
    assert repr(T.Resize(5)) == 'Resize(size=5, interpolation=bilinear, max_size=None, antialias=True)'


def test_resize_uint8_tensor_and_pil_agree():
    a = _rgb(40, 36, seed=4)
    pil = F.resize(_pil(a), [15, 20])
    assert pil.size == (20, 15)
    np.testing.assert_array_equal(np.asarray(pil), np.asarray(_pil(a).resize((20, 15), Image.BILINEAR)))
    tensor = F.resize(_chw(a), [15, 20])
    assert tensor.dtype == ember.uint8
    diff = np.abs(tensor.numpy().astype(int) - np.asarray(pil).transpose(2, 0, 1).astype(int))
    assert diff.max() <= 1
    near_pil = F.resize(_pil(a), [20, 18], interpolation=T.InterpolationMode.NEAREST)
    # Pillow's NEAREST samples pixel centers: that is the tensor path's NEAREST_EXACT (torch's 'nearest' is not)
    near_t = F.resize(_chw(a), [20, 18], interpolation=T.InterpolationMode.NEAREST_EXACT)
    np.testing.assert_array_equal(near_t.numpy(), np.asarray(near_pil).transpose(2, 0, 1))
    assert F.resize(_pil(a), 10, interpolation=3).size == (10, 11)  # Pillow's integer constants are accepted


def test_resize_gradient_and_batch():
    x = ember.rand(2, 3, 8, 8, requires_grad=True)
    out = F.resize(x, [4, 4])
    assert out.shape == (2, 3, 4, 4)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy().sum(), 2 * 3 * 16, rtol=1e-5)  # each output row of weights sums to 1


# ------------------------------------------------------------------------------------------------ crops, flips, pad

def test_center_crop_values_and_padding():
    a = _rgb(9, 12)
    t = _chw(a)
    out = T.CenterCrop((4, 5))(t)
    top, left = int(round((9 - 4) / 2)), int(round((12 - 5) / 2))
    np.testing.assert_array_equal(out.numpy(), a.transpose(2, 0, 1)[:, top:top + 4, left:left + 5])
    np.testing.assert_array_equal(np.asarray(T.CenterCrop((4, 5))(_pil(a))), a[top:top + 4, left:left + 5])
    big = F.center_crop(t, [11, 15])  # larger than the image: zero-padded around it
    assert big.shape == (3, 11, 15)
    np.testing.assert_array_equal(big.numpy()[:, 1:10, 1:13], a.transpose(2, 0, 1))
    assert big.numpy()[:, 0].sum() == 0 and big.numpy()[:, :, -2:].sum() == 0
    np.testing.assert_array_equal(np.asarray(F.center_crop(_pil(a), [11, 15])).transpose(2, 0, 1), big.numpy())


def test_crop_out_of_bounds_is_zero_filled():
    a = _rgb(6, 6)
    out = F.crop(_chw(a), -2, 3, 4, 5)
    assert out.shape == (3, 4, 5)
    expected = np.zeros((3, 4, 5), np.uint8)
    expected[:, 2:, :3] = a.transpose(2, 0, 1)[:, :2, 3:]
    np.testing.assert_array_equal(out.numpy(), expected)
    np.testing.assert_array_equal(np.asarray(F.crop(_pil(a), -2, 3, 4, 5)).transpose(2, 0, 1), expected)


def test_flips_tensor_and_pil():
    a = _rgb()
    np.testing.assert_array_equal(T.RandomHorizontalFlip(p=1.0)(_chw(a)).numpy(), a.transpose(2, 0, 1)[:, :, ::-1])
    np.testing.assert_array_equal(T.RandomVerticalFlip(p=1.0)(_chw(a)).numpy(), a.transpose(2, 0, 1)[:, ::-1])
    np.testing.assert_array_equal(np.asarray(T.RandomHorizontalFlip(p=1.0)(_pil(a))), a[:, ::-1])
    np.testing.assert_array_equal(np.asarray(T.RandomVerticalFlip(p=1.0)(_pil(a))), a[::-1])
    t = _chw(a)
    assert T.RandomHorizontalFlip(p=0.0)(t) is t
    batch = ember.rand(2, 3, 4, 5)
    np.testing.assert_array_equal(F.hflip(batch).numpy(), batch.numpy()[..., ::-1])


@pytest.mark.parametrize('mode', ['constant', 'edge', 'reflect', 'symmetric'])
def test_pad_modes_match_numpy(mode):
    a = _rgb(5, 6)
    np_mode = 'edge' if mode == 'edge' else mode
    kw = {'constant_values': 7} if mode == 'constant' else {}
    expected = np.pad(a, ((2, 4), (1, 3), (0, 0)), mode=np_mode, **kw)
    fill = 7 if mode == 'constant' else 0
    out_t = T.Pad((1, 2, 3, 4), fill=fill, padding_mode=mode)(_chw(a))
    np.testing.assert_array_equal(out_t.numpy(), expected.transpose(2, 0, 1))
    assert out_t.dtype == ember.uint8
    out_p = T.Pad((1, 2, 3, 4), fill=fill, padding_mode=mode)(_pil(a))
    np.testing.assert_array_equal(np.asarray(out_p), expected)
    f = ember.rand(2, 3, 5, 6)  # float, batched
    expected_f = np.pad(f.numpy(), ((0, 0), (0, 0), (3, 3), (2, 2)), mode=np_mode)
    np.testing.assert_allclose(F.pad(f, [2, 3], padding_mode=mode).numpy(), expected_f, rtol=1e-6)


def test_pad_argument_errors():
    with pytest.raises(TypeError, match='inappropriate padding'):
        T.Pad('x')
    with pytest.raises(ValueError, match='1, 2, or 4 element tuple'):
        T.Pad((1, 2, 3))
    with pytest.raises(ValueError, match='Padding mode should be'):
        T.Pad(1, padding_mode='wrap')
    with pytest.raises(TypeError, match='inappropriate fill'):
        F.pad(ember.rand(1, 2, 2), 1, fill='x')
    assert F.pad(ember.rand(2, 2), 1).shape == (4, 4)


def test_random_crop_padding_and_determinism():
    a = _rgb(8, 8)
    t = _chw(a)
    crop = T.RandomCrop(8, padding=2)
    ember.manual_seed(5)
    first = [crop(t).numpy() for _ in range(4)]
    ember.manual_seed(5)
    second = [crop(t).numpy() for _ in range(4)]
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y)
    padded = np.pad(a.transpose(2, 0, 1), ((0, 0), (2, 2), (2, 2)))
    windows = {(i, j) for i in range(5) for j in range(5)}
    for out in first:  # each output is some 8x8 window of the padded image
        assert any(np.array_equal(out, padded[:, i:i + 8, j:j + 8]) for i, j in windows)
    assert T.RandomCrop((10, 12), pad_if_needed=True)(t).shape == (3, 10, 12)
    assert T.RandomCrop((10, 12), pad_if_needed=True)(_pil(a)).size == (12, 10)
    with pytest.raises(ValueError, match='larger than input image size'):
        T.RandomCrop(9)(t)


def test_random_resized_crop():
    t = ember.rand(3, 40, 30)
    rrc = T.RandomResizedCrop(16, scale=(0.2, 0.9))
    for _ in range(5):
        i, j, h, w = rrc.get_params(t, rrc.scale, rrc.ratio)
        assert 0 <= i <= 40 - h and 0 <= j <= 30 - w
        assert 0.2 * 1200 * 0.8 <= h * w <= 0.9 * 1200 * 1.25
        assert 3 / 4 * 0.8 <= w / h <= 4 / 3 * 1.25
    assert rrc(t).shape == (3, 16, 16)
    assert T.RandomResizedCrop((8, 10))(_pil(_rgb())).size == (10, 8)
    # an impossible scale falls back to the central crop of the largest allowed aspect ratio
    assert T.RandomResizedCrop.get_params(ember.rand(1, 10, 100), (2.0, 3.0), (1.0, 1.0)) == (0, 45, 10, 10)
    ember.manual_seed(1)
    a = rrc(t)
    ember.manual_seed(1)
    np.testing.assert_array_equal(a.numpy(), rrc(t).numpy())


def test_five_and_ten_crop():
    t = ember.rand(1, 6, 6)
    crops = T.FiveCrop(4)(t)
    assert len(crops) == 5 and all(c.shape == (1, 4, 4) for c in crops)
    np.testing.assert_array_equal(crops[3].numpy(), t.numpy()[:, 2:, 2:])
    assert len(T.TenCrop(4)(t)) == 10


# ------------------------------------------------------------------------------------------------ rotation, affine

def test_rotate_90_matches_rot90_for_tensor_and_pil():
    a = _rgb(6, 6)
    expected = np.rot90(a, k=1)  # counter-clockwise
    out_t = F.rotate(_chw(a), 90.0)
    np.testing.assert_array_equal(out_t.numpy(), expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(F.rotate(_pil(a), 90.0)), expected)
    f = ember.rand(1, 4, 4)
    np.testing.assert_allclose(F.rotate(f, -90.0, interpolation=T.InterpolationMode.BILINEAR).numpy(),
                               np.rot90(f.numpy(), k=-1, axes=(1, 2)), atol=1e-5)


def test_rotate_expand_fill_and_random_rotation():
    a = _rgb(6, 10)
    out = F.rotate(_chw(a), 90.0, expand=True)
    assert out.shape == (3, 10, 6)
    np.testing.assert_array_equal(out.numpy(), np.rot90(a).transpose(2, 0, 1))
    assert F.rotate(_pil(a), 90.0, expand=True).size == (6, 10)
    filled = F.rotate(ember.zeros(3, 8, 8), 45.0, fill=[1.0, 2.0, 3.0])
    assert filled[:, 0, 0].tolist() == [1.0, 2.0, 3.0] and filled[:, 4, 4].tolist() == [0.0, 0.0, 0.0]
    pil_filled = F.rotate(_pil(np.zeros((8, 8, 3), np.uint8)), 45.0, fill=(10, 20, 30))
    assert np.asarray(pil_filled)[0, 0].tolist() == [10, 20, 30]
    rot = T.RandomRotation((30, 40))
    ember.manual_seed(0)
    angle = rot.get_params(rot.degrees)
    assert 30 <= angle <= 40
    assert T.RandomRotation(10)(ember.rand(3, 8, 8)).shape == (3, 8, 8)
    assert T.RandomRotation(10)(_pil(a)).size == (10, 6)
    with pytest.raises(ValueError, match='must be positive'):
        T.RandomRotation(-1)
    with pytest.raises(ValueError, match='sequence of length 2'):
        T.RandomRotation([1, 2, 3])


def test_affine_translate_matches_pil():
    a = _rgb(8, 8)
    out_t = F.affine(_chw(a), angle=0.0, translate=[2, 1], scale=1.0, shear=[0.0, 0.0])
    out_p = F.affine(_pil(a), angle=0.0, translate=[2, 1], scale=1.0, shear=[0.0, 0.0])
    expected = np.zeros_like(a)
    expected[1:, 2:] = a[:-1, :-2]
    np.testing.assert_array_equal(out_t.numpy(), expected.transpose(2, 0, 1))
    np.testing.assert_array_equal(np.asarray(out_p), expected)
    assert T.RandomAffine(10, translate=(0.1, 0.1), scale=(0.9, 1.1), shear=5)(_chw(a)).shape == (3, 8, 8)


# ------------------------------------------------------------------------------------------------ colour

def test_grayscale_weights_and_pil():
    a = _rgb()
    f = _chw(a).float() / 255
    g = T.Grayscale()(f)
    expected = (0.2989 * a[..., 0] + 0.587 * a[..., 1] + 0.114 * a[..., 2]) / 255
    assert g.shape == (1, 10, 12)
    np.testing.assert_allclose(g.numpy()[0], expected, rtol=1e-5)
    g3 = T.Grayscale(num_output_channels=3)(f)
    assert g3.shape == (3, 10, 12)
    np.testing.assert_array_equal(g3.numpy()[2], g.numpy()[0])
    pil_gray = np.asarray(T.Grayscale()(_pil(a))).astype(int)
    assert np.abs(pil_gray - T.Grayscale()(_chw(a)).numpy()[0].astype(int)).max() <= 1
    assert T.Grayscale(3)(_pil(a)).mode == 'RGB'
    assert T.RandomGrayscale(p=1.0)(f).shape == (3, 10, 12)
    np.testing.assert_allclose(T.RandomGrayscale(p=1.0)(f).numpy()[0], g.numpy()[0])
    with pytest.raises(TypeError, match='permitted channel values'):
        F.rgb_to_grayscale(ember.rand(2, 4, 4))


def test_brightness_contrast_saturation_values():
    x = ember.rand(3, 5, 6)
    xn = x.numpy()
    np.testing.assert_allclose(F.adjust_brightness(x, 1.5).numpy(), np.clip(xn * 1.5, 0, 1), rtol=1e-6)
    gray = 0.2989 * xn[0] + 0.587 * xn[1] + 0.114 * xn[2]
    np.testing.assert_allclose(F.adjust_contrast(x, 0.3).numpy(), np.clip(0.3 * xn + 0.7 * gray.mean(), 0, 1),
                               rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(F.adjust_saturation(x, 0.0).numpy(), np.broadcast_to(gray, xn.shape), rtol=1e-5)
    with pytest.raises(ValueError, match='is not non-negative'):
        F.adjust_brightness(x, -1)


def test_hue():
    red = ember.tensor([1.0, 0.0, 0.0]).view(3, 1, 1)
    np.testing.assert_allclose(F.adjust_hue(red, 1 / 3).numpy().ravel(), [0.0, 1.0, 0.0], atol=1e-6)
    x = ember.rand(3, 4, 4)
    np.testing.assert_allclose(F.adjust_hue(x, 0.0).numpy(), x.numpy(), atol=1e-6)
    a = _rgb(8, 8)
    pil = np.asarray(F.adjust_hue(_pil(a), 0.2)).astype(int)
    tensor = F.adjust_hue(_chw(a), 0.2).numpy().transpose(1, 2, 0).astype(int)
    assert np.median(np.abs(pil - tensor)) <= 3  # Pillow's 8-bit HSV is coarser than the float path
    with pytest.raises(ValueError, match=r'hue_factor \(0.7\) is not in \[-0.5, 0.5\]'):
        F.adjust_hue(x, 0.7)


def test_color_adjustments_pil_and_tensor_agree():
    a = _rgb(12, 12, seed=7)
    for fn, factor in [(F.adjust_brightness, 1.3), (F.adjust_saturation, 0.4), (F.adjust_contrast, 0.6)]:
        pil = np.asarray(fn(_pil(a), factor)).astype(int)
        tensor = fn(_chw(a), factor).numpy().transpose(1, 2, 0).astype(int)
        assert np.abs(pil - tensor).max() <= 2, fn.__name__


def test_color_jitter_ranges_and_output():
    cj = T.ColorJitter(brightness=0.4, contrast=(0.5, 1.5), saturation=0.0, hue=0.1)
    assert cj.brightness == (0.6, 1.4) and cj.contrast == (0.5, 1.5) and cj.saturation is None
    assert cj.hue == (-0.1, 0.1)
    assert T.ColorJitter(brightness=2).brightness == (0.0, 3.0)
    ember.manual_seed(0)
    for _ in range(5):
        fn_idx, b, c, s, h = cj.get_params(cj.brightness, cj.contrast, cj.saturation, cj.hue)
        assert sorted(fn_idx.tolist()) == [0, 1, 2, 3]
        assert 0.6 <= b <= 1.4 and 0.5 <= c <= 1.5 and s is None and -0.1 <= h <= 0.1
    out = cj(ember.rand(3, 6, 6))
    assert out.shape == (3, 6, 6) and 0 <= out.min().item() and out.max().item() <= 1
    assert cj(_pil(_rgb())).size == (12, 10)
    with pytest.raises(ValueError, match='must be non negative'):
        T.ColorJitter(brightness=-1)
    with pytest.raises(ValueError, match=r'hue values should be between \(-0.5, 0.5\)'):
        T.ColorJitter(hue=0.6)
    with pytest.raises(TypeError, match='single number or a list/tuple with length 2'):
        T.ColorJitter(contrast=[1, 2, 3])


# ------------------------------------------------------------------------------------------------ blur, erase

def test_gaussian_blur_matches_reference():
    x = ember.rand(2, 3, 9, 10)
    k, sigma = 5, 1.3
    xs = np.linspace(-2, 2, 5)
    k1 = np.exp(-0.5 * (xs / sigma) ** 2)
    k1 /= k1.sum()
    kernel = torch.tensor(np.outer(k1, k1), dtype=torch.float32).expand(3, 1, 5, 5)
    padded = torch.nn.functional.pad(torch.tensor(x.numpy()), [2, 2, 2, 2], mode='reflect')
    expected = torch.nn.functional.conv2d(padded, kernel, groups=3).numpy()
    np.testing.assert_allclose(F.gaussian_blur(x, [k, k], [sigma, sigma]).numpy(), expected, atol=1e-5)
    pil = T.GaussianBlur(3, sigma=(0.5, 1.0))(_pil(_rgb()))
    assert pil.size == (12, 10) and pil.mode == 'RGB'
    with pytest.raises(ValueError, match='odd and positive'):
        T.GaussianBlur(4)
    with pytest.raises(ValueError, match='odd and positive integers'):
        F.gaussian_blur(x, 4)


def test_random_erasing():
    x = ember.ones(3, 10, 10)
    ember.manual_seed(0)
    out = T.RandomErasing(p=1.0, value=0)(x)
    zeros = int((out == 0).sum().item())
    assert zeros > 0 and zeros % 3 == 0 and x.sum().item() == 300  # not in place by default
    rows = np.where((out.numpy()[0] == 0).any(1))[0]
    cols = np.where((out.numpy()[0] == 0).any(0))[0]
    assert zeros == 3 * len(rows) * len(cols)  # one rectangle
    out2 = T.RandomErasing(p=1.0, value=(0.1, 0.2, 0.3))(x)
    assert np.isclose(np.unique(out2.numpy()[1])[:, None], [0.2, 1.0]).any(1).all()
    y = ember.ones(3, 10, 10)
    assert T.RandomErasing(p=1.0, value='random', inplace=True)(y) is y
    assert T.RandomErasing(p=0.0)(x) is x
    with pytest.raises(ValueError, match="it should be 'random'"):
        T.RandomErasing(value='x')
    with pytest.raises(ValueError, match='probability should be between 0 and 1'):
        T.RandomErasing(p=2)
    with pytest.raises(ValueError, match='number of input channels'):
        T.RandomErasing(p=1.0, value=(1, 2))(x)


# ------------------------------------------------------------------------------------------------ composition

def test_compose_lambda_and_random_containers():
    pipeline = T.Compose([T.ToTensor(), T.Lambda(lambda t: t * 2), T.Normalize([1.0] * 3, [1.0] * 3)])
    a = _rgb()
    np.testing.assert_allclose(pipeline(_pil(a)).numpy(), a.transpose(2, 0, 1) / 255 * 2 - 1, rtol=1e-5, atol=1e-6)
    assert repr(pipeline).startswith('Compose(\n    ToTensor()\n    Lambda()')
    x = ember.rand(3, 4, 4)
    assert T.RandomApply([T.Lambda(lambda t: t + 1)], p=0.0)(x) is x
    np.testing.assert_allclose(T.RandomApply([T.Lambda(lambda t: t + 1)], p=1.0)(x).numpy(), x.numpy() + 1)
    np.testing.assert_allclose(T.RandomChoice([T.Lambda(lambda t: t * 3)])(x).numpy(), x.numpy() * 3)
    choice = T.RandomChoice([T.Lambda(lambda t: 0), T.Lambda(lambda t: 1)], p=[0.0, 1.0])
    assert all(choice(x) == 1 for _ in range(5))
    order = T.RandomOrder([T.Lambda(lambda s: s + 'a'), T.Lambda(lambda s: s + 'b')])
    ember.manual_seed(0)
    results = {order('') for _ in range(20)}
    assert results == {'ab', 'ba'}
    with pytest.raises(TypeError, match='should be callable'):
        T.Lambda(3)


def test_pipeline_determinism_under_manual_seed():
    pipeline = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(), T.ColorJitter(0.3, 0.3, 0.3, 0.05),
                          T.RandomRotation(15), T.ToTensor(), T.RandomErasing(p=0.5)])
    img = _pil(_rgb(20, 20))

    def run(seed):
        ember.manual_seed(seed)
        return np.stack([pipeline(img).numpy() for _ in range(3)])

    np.testing.assert_array_equal(run(3), run(3))
    assert not np.array_equal(run(3), run(4))


def test_non_image_inputs_raise():
    with pytest.raises(TypeError):
        F.hflip([1, 2, 3])
    with pytest.raises(TypeError, match='Tensor is not a torch image'):
        F.crop(ember.tensor([1.0]), 0, 0, 1, 1)
    assert F.get_image_size(_pil(_rgb())) == [12, 10]
    assert F.get_dimensions(ember.rand(2, 3, 4, 5)) == [3, 4, 5]


def test_fake_data_goes_through_to_pil_image():
    from ember.vision.datasets import FakeData
    ds = FakeData(size=3, image_size=(3, 6, 7), num_classes=4, transform=T.ToTensor())
    img, label = ds[1]
    assert img.shape == (3, 6, 7) and 0 <= label < 4
    np.testing.assert_array_equal(ds[1][0].numpy(), img.numpy())
    assert math.isclose(img.max().item() * 255 % 1, 0, abs_tol=1e-4)


def test_v2_samples_and_dtype_conversion():
    from ember.vision.transforms import v2
    a = _rgb(10, 12)
    pipeline = v2.Compose([v2.ToImage(), v2.ToDtype(ember.float32, scale=True), v2.CenterCrop(6),
                           v2.Normalize([0.5] * 3, [0.5] * 3)])
    out = pipeline(_pil(a))
    expected = (a.transpose(2, 0, 1)[:, 2:8, 3:9] / 255.0 - 0.5) / 0.5
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-6)
    img, label = pipeline(_pil(a), 7)
    assert label == 7 and img.shape == (3, 6, 6)
    sample = pipeline({'label': ember.tensor(2), 'image': _pil(a)})
    assert sample['label'].item() == 2 and sample['image'].shape == (3, 6, 6)
    assert v2.ToImage()(a).dtype == ember.uint8 and v2.ToImage()(a).shape == (3, 10, 12)
    assert v2.ToDtype(ember.float32)(_chw(a)).max().item() == a.max()  # no scaling without scale=True
    doubled = v2.Lambda(lambda x: x * 2, int)((ember.zeros(2, 2), 3))
    assert doubled[1] == 6
    ember.manual_seed(0)
    flips = [v2.RandomHorizontalFlip()(_chw(a), 1)[0] for _ in range(8)]
    assert {bool((f.numpy() == a.transpose(2, 0, 1)).all()) for f in flips} == {True, False}


@pytest.mark.parametrize('name, args', [('adjust_gamma', (0.7,)), ('adjust_sharpness', (1.8,)), ('posterize', (3,)),
                                        ('solarize', (128,)), ('autocontrast', ()), ('equalize', ())])
def test_tone_functions_pil_and_tensor_agree(name, args):
    a = _rgb(12, 12, seed=9)
    a[..., 0] = a[..., 0] // 2 + 20  # a channel that does not span the range, for autocontrast
    pil = np.asarray(getattr(F, name)(_pil(a), *args)).astype(int)
    tensor = getattr(F, name)(_chw(a), *args).numpy().transpose(1, 2, 0).astype(int)
    assert np.abs(pil - tensor).max() <= 1


def test_tone_function_values_and_random_wrappers():
    np.testing.assert_allclose(F.adjust_gamma(ember.full((1, 2, 2), 0.25), 0.5, gain=2.0).numpy(), 1.0)
    u8 = ember.tensor([[[0, 100, 200, 255]]], dtype=ember.uint8)
    assert F.posterize(u8, 2).tolist() == [[[0, 64, 192, 192]]]
    assert F.solarize(u8, 150).tolist() == [[[0, 100, 55, 0]]]
    np.testing.assert_allclose(F.autocontrast(ember.tensor([[[0.2, 0.4, 0.6]]])).numpy(), [[[0.0, 0.5, 1.0]]],
                               atol=1e-6)
    x = ember.rand(3, 5, 5)
    np.testing.assert_allclose(F.adjust_sharpness(x, 1.0).numpy(), x.numpy())
    with pytest.raises(TypeError, match='Only torch.uint8'):
        F.posterize(x, 2)
    with pytest.raises(ValueError, match='Gamma should be a non-negative'):
        F.adjust_gamma(x, -1)
    assert T.RandomPosterize(2, p=1.0)(u8).tolist() == [[[0, 64, 192, 192]]]
    assert T.RandomSolarize(150, p=0.0)(u8) is u8
    assert repr(T.RandomAdjustSharpness(2, p=0.3)) == 'RandomAdjustSharpness(sharpness_factor=2, p=0.3)'
    assert T.RandomEqualize(p=1.0)(u8).dtype == ember.uint8
    assert T.RandomAutocontrast(p=1.0)(_pil(_rgb())).size == (12, 10)


@pytest.mark.parametrize('op, magnitude', [('ShearX', 0.3), ('ShearY', -0.3), ('TranslateX', 5), ('Rotate', 20.0)])
def test_affine_ops_pil_and_tensor_agree(op, magnitude):
    from ember.vision.transforms._autoaugment import _apply_op
    a = _rgb(16, 16, seed=11)
    pil = np.asarray(_apply_op(_pil(a), op, magnitude, T.InterpolationMode.NEAREST, None))
    tensor = _apply_op(_chw(a), op, magnitude, T.InterpolationMode.NEAREST, None).numpy().transpose(1, 2, 0)
    assert (pil != tensor).mean() < 0.01


def test_rand_augment_and_trivial_augment():
    a = _rgb(16, 16)
    t = _chw(a)

    def run(transform, img, seed):
        ember.manual_seed(seed)
        return [_np(transform(img)) for _ in range(6)]

    for transform in (T.RandAugment(num_ops=2, magnitude=9), T.TrivialAugmentWide(fill=0)):
        outs = run(transform, t, 0)
        assert all(o.shape == (3, 16, 16) and o.dtype == np.uint8 for o in outs)
        for x, y in zip(outs, run(transform, t, 0)):
            np.testing.assert_array_equal(x, y)
        assert all(o.shape == (16, 16, 3) for o in run(transform, _pil(a), 1))
    assert 'RandAugment(num_ops=2, magnitude=9' in repr(T.RandAugment())

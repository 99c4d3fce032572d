"""ember.vision.utils (make_grid, save_image) and ember.vision.io (read/decode/encode through Pillow)."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import ember
from ember.vision import io as vio
from ember.vision.utils import make_grid, save_image


def test_make_grid_layout_and_values():
    batch = ember.arange(1.0, 6.0).view(5, 1, 1, 1).expand(5, 3, 2, 2).contiguous()
    grid = make_grid(batch, nrow=2, padding=1, pad_value=-1.0)
    assert grid.shape == (3, 1 + 3 * 3, 1 + 2 * 3)  # 3 rows of 2, each cell 2 + 1 padding
    g = grid.numpy()
    np.testing.assert_array_equal(g[:, 1:3, 1:3], 1.0)
    np.testing.assert_array_equal(g[:, 1:3, 4:6], 2.0)
    np.testing.assert_array_equal(g[:, 7:9, 1:3], 5.0)
    np.testing.assert_array_equal(g[:, 7:9, 4:6], -1.0)  # empty cell keeps pad_value
    np.testing.assert_array_equal(g[:, 0, :], -1.0)
    assert make_grid(ember.rand(10, 3, 4, 4)).shape == (3, 2 + 6 * 2, 2 + 6 * 8)  # nrow=8, padding=2


def test_make_grid_channels_lists_and_single_images():
    assert make_grid(ember.rand(4, 1, 5, 5), nrow=4, padding=0).shape == (3, 5, 20)  # gray -> 3 channels
    assert make_grid([ember.rand(3, 4, 4), ember.rand(3, 4, 4)], padding=0).shape == (3, 4, 8)
    single = ember.rand(1, 3, 4, 5)
    np.testing.assert_array_equal(make_grid(single).numpy(), single.numpy()[0])
    assert make_grid(ember.rand(4, 5)).shape == (3, 4, 5)
    with pytest.raises(TypeError, match='tensor or list of tensors expected'):
        make_grid(np.zeros((2, 3, 4, 4)))


def test_make_grid_normalize():
    x = ember.tensor([[[[-1.0, 1.0]]], [[[0.0, 3.0]]]])
    g = make_grid(x, normalize=True, padding=0).numpy()
    np.testing.assert_allclose(g[0], [[0.0, 0.5, 0.25, 1.0]])
    g = make_grid(x, normalize=True, scale_each=True, padding=0).numpy()
    np.testing.assert_allclose(g[0], [[0.0, 1.0, 0.0, 1.0]])
    g = make_grid(x, normalize=True, value_range=(0.0, 2.0), padding=0).numpy()
    np.testing.assert_allclose(g[0], [[0.0, 0.5, 0.0, 1.0]])
    assert x[0, 0, 0, 0].item() == -1.0  # the input is not modified
    with pytest.raises(TypeError, match='value_range has to be a tuple'):
        make_grid(x, normalize=True, value_range=[0, 1])


def test_save_image_read_image_round_trip(tmp_path):
    pytest.importorskip('PIL')
    rng = np.random.default_rng(0)
    values = rng.integers(0, 256, (3, 6, 7)).astype(np.float32) / 255
    path = tmp_path / 'img.png'
    save_image(ember.tensor(values), path)
    img = vio.read_image(str(path))
    assert img.dtype == ember.uint8 and img.shape == (3, 6, 7)
    np.testing.assert_array_equal(img.numpy(), np.round(values * 255).astype(np.uint8))
    gray = vio.read_image(path, mode=vio.ImageReadMode.GRAY)
    assert gray.shape == (1, 6, 7)
    rgba = vio.read_image(path, mode=vio.ImageReadMode.RGB_ALPHA)
    assert rgba.shape == (4, 6, 7) and (rgba.numpy()[3] == 255).all()
    grid_path = tmp_path / 'grid.jpg'
    save_image(ember.rand(4, 3, 8, 8), grid_path, nrow=2)
    assert vio.read_image(grid_path).shape == (3, 2 + 2 * 10, 2 + 2 * 10)


def test_encode_decode_png_and_jpeg(tmp_path):
    pytest.importorskip('PIL')
    img = ember.from_numpy(np.random.default_rng(1).integers(0, 256, (3, 5, 4), dtype=np.uint8))
    data = vio.encode_png(img)
    assert data.dtype == ember.uint8 and data.ndim == 1
    assert bytes(data.numpy()[:8]) == b'\x89PNG\r\n\x1a\n'
    np.testing.assert_array_equal(vio.decode_png(data).numpy(), img.numpy())
    np.testing.assert_array_equal(vio.decode_image(data).numpy(), img.numpy())
    vio.write_png(img[:1], tmp_path / 'g.png')
    np.testing.assert_array_equal(vio.read_image(tmp_path / 'g.png').numpy(), img.numpy()[:1])
    jpeg = vio.encode_jpeg(ember.full((3, 16, 16), 128, dtype=ember.uint8), quality=95)
    decoded = vio.decode_jpeg(jpeg)
    assert decoded.shape == (3, 16, 16) and abs(int(decoded.numpy().astype(int).mean()) - 128) <= 2
    with pytest.raises(RuntimeError, match='expected a PNG image'):
        vio.decode_png(jpeg)
    with pytest.raises(RuntimeError, match='dtype should be uint8'):
        vio.encode_png(img.float())
    with pytest.raises(RuntimeError, match='could not decode'):
        vio.decode_image(ember.zeros(10, dtype=ember.uint8))


def test_vision_import_is_lazy():
    code = ('import sys, ember, ember.vision as v; assert "PIL" not in sys.modules; '
            'assert "ember.vision.models" not in sys.modules; v.transforms; v.models; v.utils; v.io; '
            'assert "PIL" not in sys.modules')
    subprocess.run([sys.executable, '-c', code], check=True)

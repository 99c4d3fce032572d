"""Sampling functionals and layers vs torch (float64): interpolate / Upsample in every mode, pixel and channel
shuffles, fold / unfold, grid_sample, affine_grid; forward, gradients of every input, and error parity."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import ember
import torch


def _interp(shape, **kw):
    return (f'interp_{len(shape) - 2}d_{kw.get("mode", "nearest")}_{"_".join(f"{k}{v}" for k, v in kw.items())}',
            lambda m, x: m.nn.functional.interpolate(x, **kw), [shape])


_LINEAR = {3: 'linear', 4: 'bilinear', 5: 'trilinear'}
_SHAPES = {3: (2, 3, 7), 4: (2, 2, 5, 6), 5: (1, 2, 3, 4, 5)}

CASES = []
for _nd, _shape in _SHAPES.items():
    for _mode in ('nearest', 'nearest-exact', 'area', _LINEAR[_nd]) + (('bicubic',) if _nd == 4 else ()):
        _corners = (None,) if _mode in ('nearest', 'nearest-exact', 'area') else (False, True)
        for _ac in _corners:
            _extra = {} if _ac is None else {'align_corners': _ac}
            CASES.append(_interp(_shape, size=11 if _nd < 5 else 6, mode=_mode, **_extra))
            CASES.append(_interp(_shape, size=3, mode=_mode, **_extra))
            CASES.append(_interp(_shape, scale_factor=1.7, mode=_mode, **_extra))
            if _mode != 'area':
                CASES.append(_interp(_shape, scale_factor=0.6, mode=_mode, recompute_scale_factor=True, **_extra))
CASES += [
    _interp((2, 2, 5, 6), size=(3, 9), mode='bilinear'),
    _interp((2, 2, 5, 6), scale_factor=(2, 0.5), mode='bicubic', align_corners=True),
    _interp((2, 2, 5, 6), scale_factor=2, mode='nearest'),
    _interp((2, 2, 5, 6), size=(5, 6), mode='bilinear'),
    _interp((0, 2, 5, 6), size=(3, 4), mode='bilinear'),
    _interp((1, 2, 3, 4, 5), size=(2, 4, 7), mode='trilinear', align_corners=True),
    ('upsample_module', lambda m, x: m.nn.Upsample(scale_factor=2, mode='bilinear')(x), [(1, 2, 3, 4)]),
    ('upsample_module_size', lambda m, x: m.nn.Upsample(size=(5, 2, 3), mode='nearest')(x), [(1, 2, 3, 4, 5)]),
    ('upsampling_nearest2d', lambda m, x: m.nn.UpsamplingNearest2d(scale_factor=3)(x), [(1, 2, 3, 4)]),
    ('upsampling_bilinear2d', lambda m, x: m.nn.UpsamplingBilinear2d(size=(7, 5))(x), [(1, 2, 3, 4)]),
    ('pixel_shuffle', lambda m, x: m.nn.functional.pixel_shuffle(x, 2), [(2, 8, 3, 2)]),
    ('pixel_shuffle_batch_dims', lambda m, x: m.nn.PixelShuffle(3)(x), [(2, 1, 9, 2, 2)]),
    ('pixel_shuffle_unbatched', lambda m, x: m.nn.functional.pixel_shuffle(x, 2), [(4, 2, 3)]),
    ('pixel_unshuffle', lambda m, x: m.nn.PixelUnshuffle(2)(x), [(3, 2, 2, 4, 6)]),
    ('pixel_unshuffle_unbatched', lambda m, x: m.nn.functional.pixel_unshuffle(x, 3), [(1, 3, 6)]),
    ('pixel_shuffle_noncontiguous', lambda m, x: m.nn.functional.pixel_shuffle(x.transpose(2, 3), 2), [(1, 4, 3, 2)]),
    ('channel_shuffle', lambda m, x: m.nn.ChannelShuffle(3)(x), [(2, 6, 3, 2)]),
    ('channel_shuffle_3d', lambda m, x: m.nn.functional.channel_shuffle(x, 2), [(2, 4, 3)]),
    ('unfold', lambda m, x: m.nn.functional.unfold(x, 2), [(2, 3, 4, 5)]),
    ('unfold_options', lambda m, x: m.nn.Unfold((2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))(x),
     [(2, 2, 5, 6)]),
    ('unfold_unbatched', lambda m, x: m.nn.functional.unfold(x, 3, padding=1), [(2, 4, 4)]),
    ('fold', lambda m, x: m.nn.functional.fold(x, (3, 3), 2), [(2, 12, 4)]),
    ('fold_options', lambda m, x: m.nn.Fold((5, 6), (2, 3), dilation=(1, 2), padding=(1, 0), stride=(2, 1))(x),
     [(2, 12, 6)]),
    ('fold_unbatched', lambda m, x: m.nn.functional.fold(x, 4, 2, stride=2), [(8, 4)]),
    ('fold_of_unfold', lambda m, x: m.nn.functional.fold(m.nn.functional.unfold(x, 3, padding=1), (4, 5), 3,
                                                          padding=1), [(1, 2, 4, 5)]),
]
for _mode in ('bilinear', 'nearest', 'bicubic'):
    for _pad in ('zeros', 'border', 'reflection'):
        for _ac in (False, True):
            CASES.append((f'grid_sample_{_mode}_{_pad}_{_ac}',
                          lambda m, x, g, _mode=_mode, _pad=_pad, _ac=_ac: m.nn.functional.grid_sample(
                              x, g, mode=_mode, padding_mode=_pad, align_corners=_ac),
                          [(2, 3, 5, 6), ('grid', 2, 4, 3)]))
            if _mode != 'bicubic':
                CASES.append((f'grid_sample_5d_{_mode}_{_pad}_{_ac}',
                              lambda m, x, g, _mode=_mode, _pad=_pad, _ac=_ac: m.nn.functional.grid_sample(
                                  x, g, mode=_mode, padding_mode=_pad, align_corners=_ac),
                              [(2, 2, 3, 4, 5), ('grid', 2, 2, 3, 2)]))
for _ac in (False, True):
    CASES.append((f'affine_grid_2d_{_ac}', lambda m, t, _ac=_ac: m.nn.functional.affine_grid(t, (2, 3, 4, 5), _ac),
                  [(2, 2, 3)]))
    CASES.append((f'affine_grid_3d_{_ac}', lambda m, t, _ac=_ac: m.nn.functional.affine_grid(t, [2, 1, 3, 4, 2], _ac),
                  [(2, 3, 4)]))
CASES.append(('affine_grid_into_grid_sample',
              lambda m, x, t: m.nn.functional.grid_sample(x, m.nn.functional.affine_grid(t, (2, 2, 3, 4), False),
                                                          align_corners=False, padding_mode='border'),
              [(2, 2, 5, 5), (2, 2, 3)]))


def _make(spec, rng):
    if spec[0] == 'grid':  # (N, *out, d) coordinates, some outside [-1, 1]
        n, *out = spec[1:]
        d = 2 if len(out) == 2 else 3
        return rng.uniform(-1.3, 1.3, (n, *out, d))
    return rng.standard_normal(spec)


@pytest.mark.parametrize('name,call,specs', CASES, ids=[c[0] for c in CASES])
def test_sampling_vs_torch(name, call, specs):
    rng = np.random.default_rng(0)
    arrays = [_make(s, rng) for s in specs]
    t_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    e_in = [ember.tensor(a, requires_grad=True) for a in arrays]
    t_out = call(torch, *t_in)
    e_out = call(ember, *e_in)
    assert tuple(e_out.shape) == tuple(t_out.shape)
    assert str(e_out.dtype) == str(t_out.dtype)
    np.testing.assert_allclose(e_out.detach().numpy(), t_out.detach().numpy(), atol=1e-10, rtol=1e-9)
    if t_out.numel() == 0:
        return
    cot = rng.standard_normal(tuple(t_out.shape))
    t_grads = torch.autograd.grad(t_out, t_in, torch.tensor(cot))
    e_grads = ember.autograd.grad(e_out, e_in, ember.tensor(cot))
    for i, (a, b) in enumerate(zip(e_grads, t_grads)):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-9, rtol=1e-8, err_msg=f'grad {i}')


@pytest.mark.parametrize('mode', ['nearest', 'bilinear', 'bicubic', 'area'])
def test_interpolate_float32_and_double_backward(mode):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 2, 4, 5)).astype(np.float32)
    kw = {} if mode in ('nearest', 'area') else {'align_corners': False}
    e = ember.nn.functional.interpolate(ember.tensor(x), size=(7, 3), mode=mode, **kw)
    t = torch.nn.functional.interpolate(torch.tensor(x), size=(7, 3), mode=mode, **kw)
    assert e.dtype == ember.float32
    np.testing.assert_allclose(e.numpy(), t.numpy(), atol=1e-5)
    # the backward is itself differentiable (AxisTaps and its adjoint)
    xe = ember.tensor(x.astype(np.float64), requires_grad=True)
    assert ember.autograd.gradcheck(lambda a: ember.nn.functional.interpolate(a, size=(3, 7), mode=mode, **kw), (xe,))
    assert ember.autograd.gradgradcheck(lambda a: ember.nn.functional.interpolate(a, size=(3, 7), mode=mode, **kw),
                                        (xe,))


def test_nearest_uint8_keeps_dtype():
    x = np.arange(24, dtype=np.uint8).reshape(1, 2, 3, 4)
    e = ember.nn.functional.interpolate(ember.tensor(x), scale_factor=1.5)
    t = torch.nn.functional.interpolate(torch.tensor(x), scale_factor=1.5)
    assert e.dtype == ember.uint8
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_fold_unfold_double_backward():
    rng = np.random.default_rng(2)
    x = ember.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda a: ember.nn.functional.unfold(a, 2, stride=1, padding=1) ** 2, (x,))


def test_grid_sample_default_align_corners_warns():
    x, g = ember.ones(1, 1, 2, 2), ember.zeros(1, 1, 1, 2)
    with pytest.warns(UserWarning, match='align_corners=False since 1.3.0'):
        ember.nn.functional.grid_sample(x, g)


def test_module_reprs():
    for make in (lambda nn: nn.Upsample(scale_factor=2), lambda nn: nn.Upsample(size=(3, 4), mode='bilinear'),
                 lambda nn: nn.UpsamplingBilinear2d(scale_factor=2), lambda nn: nn.UpsamplingNearest2d(size=3),
                 lambda nn: nn.Fold(3, 2), lambda nn: nn.Unfold(2, padding=1), lambda nn: nn.PixelShuffle(2),
                 lambda nn: nn.PixelUnshuffle(2), lambda nn: nn.ChannelShuffle(2)):
        assert repr(make(ember.nn)) == repr(make(torch.nn))


ERRORS = [
    ('interp_no_size', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4))),
    ('interp_both', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=2, scale_factor=2)),
    ('interp_size_len', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=(2, 3, 4))),
    ('interp_scale_len', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), scale_factor=(2, 3, 4))),
    ('interp_align_nearest', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=2, align_corners=True)),
    ('interp_bad_mode', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=2, mode='foo')),
    ('interp_bilinear_3d', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=2, mode='bilinear')),
    ('interp_linear_4d', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=2, mode='linear')),
    ('interp_2d_input', lambda m: m.nn.functional.interpolate(m.ones(4, 4), size=2)),
    ('interp_recompute_size', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), size=2,
                                                                    recompute_scale_factor=True)),
    ('interp_antialias_nearest', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=2, antialias=True)),
    ('interp_zero_size', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, 4), size=0)),
    ('interp_zero_size_1d', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4), scale_factor=0.1)),
    ('interp_long_linear', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, dtype=m.int64), size=2,
                                                                 mode='linear')),
    ('interp_long_nearest', lambda m: m.nn.functional.interpolate(m.ones(1, 1, 4, dtype=m.int64), size=2)),
    ('pixel_shuffle_channels', lambda m: m.nn.functional.pixel_shuffle(m.ones(1, 3, 2, 2), 2)),
    ('pixel_shuffle_dim', lambda m: m.nn.functional.pixel_shuffle(m.ones(4, 4), 2)),
    ('pixel_shuffle_zero', lambda m: m.nn.functional.pixel_shuffle(m.ones(1, 4, 2, 2), 0)),
    ('pixel_unshuffle_height', lambda m: m.nn.functional.pixel_unshuffle(m.ones(1, 1, 4, 6), 3)),
    ('pixel_unshuffle_width', lambda m: m.nn.functional.pixel_unshuffle(m.ones(1, 1, 6, 5), 2)),
    ('channel_shuffle_groups', lambda m: m.nn.functional.channel_shuffle(m.ones(1, 3, 2), 2)),
    ('channel_shuffle_dim', lambda m: m.nn.functional.channel_shuffle(m.ones(4, 4), 2)),
    ('channel_shuffle_zero', lambda m: m.nn.functional.channel_shuffle(m.ones(1, 4, 2), 0)),
    ('unfold_too_big', lambda m: m.nn.functional.unfold(m.ones(1, 1, 4, 4), 5)),
    ('unfold_neg_pad', lambda m: m.nn.functional.unfold(m.ones(1, 1, 4, 4), 2, padding=-1)),
    ('unfold_zero_stride', lambda m: m.nn.functional.unfold(m.ones(1, 1, 4, 4), 2, stride=0)),
    ('unfold_kernel_len', lambda m: m.nn.functional.unfold(m.ones(1, 1, 4, 4), (2, 2, 2))),
    ('fold_channels', lambda m: m.nn.functional.fold(m.ones(1, 11, 4), (3, 3), 2)),
    ('fold_blocks', lambda m: m.nn.functional.fold(m.ones(1, 12, 5), (3, 3), 2)),
    ('fold_dim', lambda m: m.nn.functional.fold(m.ones(12), (3, 3), 2)),
    ('grid_batch', lambda m: m.nn.functional.grid_sample(m.ones(1, 3, 4, 4), m.ones(2, 2, 2, 2), align_corners=False)),
    ('grid_last', lambda m: m.nn.functional.grid_sample(m.ones(1, 3, 4, 4), m.ones(1, 2, 2, 3), align_corners=False)),
    ('grid_mode', lambda m: m.nn.functional.grid_sample(m.ones(1, 3, 4, 4), m.ones(1, 2, 2, 2), mode='foo')),
    ('grid_padding', lambda m: m.nn.functional.grid_sample(m.ones(1, 3, 4, 4), m.ones(1, 2, 2, 2),
                                                           padding_mode='foo')),
    ('grid_bicubic_5d', lambda m: m.nn.functional.grid_sample(m.ones(1, 1, 2, 2, 2), m.ones(1, 2, 2, 2, 3),
                                                              mode='bicubic', align_corners=True)),
    ('grid_empty', lambda m: m.nn.functional.grid_sample(m.ones(1, 3, 0, 4), m.ones(1, 2, 2, 2), align_corners=True)),
    ('affine_theta', lambda m: m.nn.functional.affine_grid(m.ones(1, 3, 3), (1, 3, 4, 4), align_corners=False)),
    ('affine_size', lambda m: m.nn.functional.affine_grid(m.ones(1, 2, 3), (1, 3, 4), align_corners=False)),
    ('affine_zero', lambda m: m.nn.functional.affine_grid(m.ones(1, 2, 3), (1, 3, 0, 4), align_corners=False)),
    ('affine_int', lambda m: m.nn.functional.affine_grid(m.ones(1, 2, 3, dtype=m.int64), (1, 3, 4, 4),
                                                         align_corners=False)),
]


@pytest.mark.parametrize('name,call', ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            call(torch)
        except Exception as t_exc:  # noqa: BLE001
            t_type, t_msg = type(t_exc), str(t_exc)
        else:
            pytest.fail('torch did not raise')
        with pytest.raises(t_type) as info:
            call(ember)
    if t_type is not NotImplementedError or 'not implemented for' not in t_msg:  # kernel names differ
        assert str(info.value) == t_msg

"""Convolution, pooling and batch/instance norm layers vs torch (float64, identical weights): forward, input and
parameter gradients, running statistics after training steps, repr, and error parity."""
from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import ember
import torch

# (id, constructor written once for both libraries, input shape, options)
# options: eval (run in eval mode after one training step), steps (training steps, default 1)
CASES = [
    # ---- convolution
    ('conv1d', lambda nn: nn.Conv1d(3, 4, 3), (2, 3, 7), {}),
    ('conv1d_unbatched', lambda nn: nn.Conv1d(3, 4, 3, bias=False), (3, 7), {}),
    ('conv1d_stride_pad_dil', lambda nn: nn.Conv1d(2, 4, 3, stride=2, padding=2, dilation=2), (2, 2, 9), {}),
    ('conv1d_same_even', lambda nn: nn.Conv1d(2, 2, 4, padding='same'), (1, 2, 6), {}),
    ('conv1d_valid', lambda nn: nn.Conv1d(2, 2, 3, padding='valid'), (1, 2, 6), {}),
    ('conv1d_reflect', lambda nn: nn.Conv1d(2, 3, 3, padding=2, padding_mode='reflect'), (2, 2, 6), {}),
    ('conv1d_circular_same', lambda nn: nn.Conv1d(2, 3, 4, padding='same', padding_mode='circular'), (2, 2, 6), {}),
    ('conv2d', lambda nn: nn.Conv2d(3, 4, 3), (2, 3, 6, 5), {}),
    ('conv2d_rect', lambda nn: nn.Conv2d(2, 4, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
     (2, 2, 7, 6), {}),
    ('conv2d_groups', lambda nn: nn.Conv2d(4, 6, 3, groups=2, padding=1), (2, 4, 5, 5), {}),
    ('conv2d_depthwise', lambda nn: nn.Conv2d(3, 6, 3, groups=3, bias=False), (2, 3, 5, 5), {}),
    ('conv2d_same_dil', lambda nn: nn.Conv2d(2, 3, 3, padding='same', dilation=2), (1, 2, 6, 7), {}),
    ('conv2d_same_even', lambda nn: nn.Conv2d(2, 3, (2, 4), padding='same'), (1, 2, 5, 6), {}),
    # stride 1 with a batch: the batch-innermost column order (dilation, padding, groups, 1-d and 3-d, 1x1)
    ('conv2d_dil_pad_batch', lambda nn: nn.Conv2d(3, 4, 3, padding=(2, 1), dilation=(2, 1)), (3, 3, 7, 6), {}),
    ('conv2d_groups_dil_batch', lambda nn: nn.Conv2d(4, 6, (2, 3), groups=2, padding=1, dilation=2), (3, 4, 6, 7),
     {}),
    ('conv2d_1x1_batch', lambda nn: nn.Conv2d(3, 5, 1), (4, 3, 3, 2), {}),
    ('conv1d_pad_dil_batch', lambda nn: nn.Conv1d(2, 3, 3, padding=3, dilation=3), (3, 2, 8), {}),
    ('conv3d_pad_batch', lambda nn: nn.Conv3d(2, 3, (2, 3, 2), padding=(1, 1, 0)), (3, 2, 3, 4, 3), {}),
    ('convT2d_stride1_batch', lambda nn: nn.ConvTranspose2d(3, 2, 3, padding=1, dilation=2), (3, 3, 4, 5), {}),
    ('conv2d_replicate', lambda nn: nn.Conv2d(2, 2, 3, padding=(1, 2), padding_mode='replicate'), (2, 2, 5, 5), {}),
    ('conv2d_reflect_same', lambda nn: nn.Conv2d(2, 2, 3, padding='same', padding_mode='reflect'), (1, 2, 4, 5), {}),
    ('conv2d_circular', lambda nn: nn.Conv2d(2, 2, 3, padding=1, padding_mode='circular'), (1, 2, 4, 5), {}),
    ('conv2d_unbatched', lambda nn: nn.Conv2d(2, 3, 2), (2, 4, 4), {}),
    ('conv3d', lambda nn: nn.Conv3d(2, 3, 2, padding=1, stride=(1, 2, 1)), (1, 2, 3, 4, 3), {}),
    ('conv3d_groups', lambda nn: nn.Conv3d(4, 4, (1, 2, 2), groups=4), (2, 4, 2, 3, 3), {}),
    ('conv3d_replicate', lambda nn: nn.Conv3d(2, 2, 3, padding=1, padding_mode='replicate'), (1, 2, 3, 3, 4), {}),
    ('convT1d', lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2), (2, 3, 5), {}),
    ('convT1d_unbatched', lambda nn: nn.ConvTranspose1d(3, 2, 3, stride=2, padding=1, output_padding=1), (3, 5), {}),
    ('convT2d', lambda nn: nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1), (2, 2, 4, 3), {}),
    ('convT2d_groups_dil', lambda nn: nn.ConvTranspose2d(4, 6, (2, 3), groups=2, dilation=(2, 1), bias=False),
     (1, 4, 3, 4), {}),
    ('convT3d', lambda nn: nn.ConvTranspose3d(2, 2, 2, stride=(1, 2, 2)), (1, 2, 2, 3, 2), {}),
    # ---- pooling
    ('maxpool1d', lambda nn: nn.MaxPool1d(3, stride=2, padding=1), (2, 3, 8), {}),
    ('maxpool1d_ceil_dil', lambda nn: nn.MaxPool1d(2, stride=2, dilation=2, ceil_mode=True), (2, 3, 8), {}),
    ('maxpool2d', lambda nn: nn.MaxPool2d(2), (2, 3, 6, 5), {}),
    ('maxpool2d_indices', lambda nn: nn.MaxPool2d((3, 2), stride=(2, 1), padding=1, return_indices=True),
     (2, 2, 6, 5), {}),
    ('maxpool2d_ceil', lambda nn: nn.MaxPool2d(3, stride=2, ceil_mode=True), (1, 2, 6, 6), {}),
    ('maxpool2d_unbatched', lambda nn: nn.MaxPool2d(2, 1), (3, 4, 4), {}),
    ('maxpool3d', lambda nn: nn.MaxPool3d(2, stride=1, padding=1, return_indices=True), (1, 2, 3, 3, 3), {}),
    ('avgpool1d', lambda nn: nn.AvgPool1d(3, stride=2, padding=1), (2, 3, 8), {}),
    ('avgpool1d_nopad_count', lambda nn: nn.AvgPool1d(3, stride=2, padding=1, count_include_pad=False,
                                                       ceil_mode=True), (2, 3, 8), {}),
    ('avgpool2d', lambda nn: nn.AvgPool2d(2), (2, 3, 6, 4), {}),
    ('avgpool2d_ceil_pad', lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True), (1, 2, 6, 7), {}),
    ('avgpool2d_no_count', lambda nn: nn.AvgPool2d(3, 2, 1, count_include_pad=False), (1, 2, 6, 7), {}),
    ('avgpool2d_divisor', lambda nn: nn.AvgPool2d(2, divisor_override=3), (1, 2, 4, 4), {}),
    ('avgpool3d', lambda nn: nn.AvgPool3d((1, 2, 2), padding=(0, 1, 1)), (1, 2, 2, 4, 4), {}),
    ('adaptiveavg1d', lambda nn: nn.AdaptiveAvgPool1d(3), (2, 3, 7), {}),
    ('adaptiveavg2d_even', lambda nn: nn.AdaptiveAvgPool2d((2, 3)), (2, 3, 4, 6), {}),
    ('adaptiveavg2d_uneven', lambda nn: nn.AdaptiveAvgPool2d((3, None)), (2, 3, 5, 4), {}),
    ('adaptiveavg2d_global', lambda nn: nn.AdaptiveAvgPool2d(1), (2, 3, 5, 4), {}),
    ('adaptiveavg3d', lambda nn: nn.AdaptiveAvgPool3d((1, 2, 2)), (1, 2, 3, 4, 4), {}),
    ('adaptivemax1d', lambda nn: nn.AdaptiveMaxPool1d(3, return_indices=True), (2, 3, 7), {}),
    ('adaptivemax2d', lambda nn: nn.AdaptiveMaxPool2d((2, 2)), (2, 3, 4, 6), {}),
    ('adaptivemax2d_uneven', lambda nn: nn.AdaptiveMaxPool2d(3, return_indices=True), (1, 2, 5, 4), {}),
    ('adaptivemax3d', lambda nn: nn.AdaptiveMaxPool3d(2), (1, 2, 4, 4, 2), {}),
    ('lppool1d', lambda nn: nn.LPPool1d(2, 3, stride=2), (2, 3, 7), {'positive': True}),
    ('lppool2d', lambda nn: nn.LPPool2d(3, 2), (2, 3, 4, 6), {'positive': True}),
    ('lppool2d_ceil', lambda nn: nn.LPPool2d(1.5, (2, 3), stride=2, ceil_mode=True), (1, 2, 5, 7), {'positive': True}),
    ('lppool3d', lambda nn: nn.LPPool3d(2, 2), (1, 2, 2, 4, 4), {'positive': True}),
    # ---- batch norm
    ('bn1d_2d', lambda nn: nn.BatchNorm1d(3), (5, 3), {'steps': 2}),
    ('bn1d_3d', lambda nn: nn.BatchNorm1d(3, momentum=0.3), (4, 3, 5), {'steps': 2}),
    ('bn1d_momentum_none', lambda nn: nn.BatchNorm1d(3, momentum=None), (4, 3, 5), {'steps': 3}),
    ('bn2d', lambda nn: nn.BatchNorm2d(3), (2, 3, 4, 5), {'steps': 2}),
    ('bn2d_eval', lambda nn: nn.BatchNorm2d(3), (2, 3, 4, 5), {'eval': True}),
    ('bn2d_no_affine', lambda nn: nn.BatchNorm2d(3, affine=False, eps=1e-3), (2, 3, 4, 5), {}),
    ('bn2d_no_bias', lambda nn: nn.BatchNorm2d(3, bias=False), (2, 3, 4, 5), {}),
    ('bn2d_no_track', lambda nn: nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 4, 5), {}),
    ('bn2d_no_track_eval', lambda nn: nn.BatchNorm2d(3, track_running_stats=False), (2, 3, 4, 5), {'eval': True}),
    ('bn3d', lambda nn: nn.BatchNorm3d(2, momentum=None), (2, 2, 3, 2, 3), {'steps': 2}),
    ('syncbn', lambda nn: nn.SyncBatchNorm(3), (4, 3, 2), {'steps': 2}),
    ('syncbn_eval', lambda nn: nn.SyncBatchNorm(3), (4, 3, 2, 2), {'eval': True}),
    # ---- instance norm
    ('in1d', lambda nn: nn.InstanceNorm1d(3), (2, 3, 6), {}),
    ('in1d_unbatched_affine', lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 6), {}),
    ('in2d', lambda nn: nn.InstanceNorm2d(3, affine=True), (2, 3, 4, 5), {}),
    ('in2d_track', lambda nn: nn.InstanceNorm2d(3, track_running_stats=True, momentum=0.2), (2, 3, 4, 5),
     {'steps': 2}),
    ('in2d_track_eval', lambda nn: nn.InstanceNorm2d(3, track_running_stats=True), (2, 3, 4, 5), {'eval': True}),
    ('in2d_unbatched', lambda nn: nn.InstanceNorm2d(2, affine=True, track_running_stats=True), (2, 4, 4),
     {'steps': 2}),
    ('in3d', lambda nn: nn.InstanceNorm3d(2, affine=True, bias=False), (2, 2, 2, 3, 3), {}),
]


def _to_torch_state(t_module, e_module):
    """Copy torch's parameters and buffers into the ember module through state_dict."""
    e_module.load_state_dict({k: ember.tensor(v.detach().numpy().copy()) for k, v in t_module.state_dict().items()})


def _close(e, t, what, atol=1e-9):
    e_arr = e.detach().numpy() if isinstance(e, ember.Tensor) else np.asarray(e)
    t_arr = t.detach().numpy()
    assert e_arr.shape == t_arr.shape, f'{what}: shape {e_arr.shape} vs {t_arr.shape}'
    assert str(e.dtype) == str(t.dtype), f'{what}: dtype {e.dtype} vs {t.dtype}'
    np.testing.assert_allclose(e_arr, t_arr, atol=atol, rtol=1e-7, err_msg=what)


def _step(t_module, e_module, x, rng):
    t_in = torch.tensor(x, requires_grad=True)
    e_in = ember.tensor(x, requires_grad=True)
    t_out, e_out = t_module(t_in), e_module(e_in)
    if isinstance(t_out, tuple):
        for i, (a, b) in enumerate(zip(e_out, t_out)):
            _close(a, b, f'output {i}')
        t_out, e_out = t_out[0], e_out[0]
    _close(e_out, t_out, 'forward')
    t_params = [p for _, p in t_module.named_parameters()]
    e_params = [p for _, p in e_module.named_parameters()]
    if t_out.requires_grad:
        cot = rng.standard_normal(tuple(t_out.shape))
        t_grads = torch.autograd.grad(t_out, [t_in] + t_params, torch.tensor(cot))
        e_grads = ember.autograd.grad(e_out, [e_in] + e_params, ember.tensor(cot))
        names = ['input'] + [n for n, _ in t_module.named_parameters()]
        for name, a, b in zip(names, e_grads, t_grads):
            _close(a, b, f'grad of {name}', atol=1e-8)
    t_buffers = dict(t_module.named_buffers())
    for name, buf in e_module.named_buffers():
        _close(buf, t_buffers[name], f'buffer {name}')


@pytest.mark.parametrize('name,ctor,shape,options', CASES, ids=[c[0] for c in CASES])
def test_layer_vs_torch(name, ctor, shape, options):
    rng = np.random.default_rng(0)
    t_module = ctor(torch.nn).double()
    e_module = ctor(ember.nn).double()
    assert repr(e_module) == repr(t_module)
    assert list(e_module.state_dict()) == list(t_module.state_dict())
    _to_torch_state(t_module, e_module)
    for _ in range(options.get('steps', 1)):
        x = rng.standard_normal(shape) * 2 + 0.5
        if options.get('positive'):
            x = np.abs(x) + 0.1
        _step(t_module, e_module, x, rng)
    if options.get('eval'):
        t_module.eval()
        e_module.eval()
        _step(t_module, e_module, rng.standard_normal(shape), rng)


def test_conv_transpose_output_size():
    rng = np.random.default_rng(1)
    t = torch.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    e = ember.nn.ConvTranspose2d(2, 3, 3, stride=2, padding=1).double()
    _to_torch_state(t, e)
    x = rng.standard_normal((1, 2, 4, 5))
    for size in [(7, 9), (8, 10), [1, 3, 8, 9]]:
        _close(e(ember.tensor(x), output_size=size), t(torch.tensor(x), output_size=size), str(size))
    for size in [(20, 20), (1, 2, 3)]:
        with pytest.raises(ValueError) as e_info:
            e(ember.tensor(x), output_size=size)
        with pytest.raises(ValueError) as t_info:
            t(torch.tensor(x), output_size=size)
        assert str(e_info.value) == str(t_info.value)


def test_max_unpool_round_trip():
    rng = np.random.default_rng(2)
    for d, shape in ((1, (2, 3, 8)), (2, (2, 2, 6, 4)), (3, (1, 2, 4, 4, 2))):
        x = rng.standard_normal(shape)
        results = []
        for lib in (ember, torch):
            pool = getattr(lib.nn, f'MaxPool{d}d')(2, return_indices=True)
            unpool = getattr(lib.nn, f'MaxUnpool{d}d')(2)
            xin = lib.tensor(x, requires_grad=True)
            values, indices = pool(xin)
            out = unpool(values, indices, output_size=shape)
            (out * lib.tensor(np.arange(out.numel()).reshape(out.shape), dtype=out.dtype)).sum().backward()
            results.append((out, xin.grad, repr(unpool)))
        _close(results[0][0], results[1][0], f'unpool{d}d')
        _close(results[0][1], results[1][1], f'unpool{d}d grad')
        assert results[0][2] == results[1][2]


def test_lazy_layers_materialize():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 5, 5)).astype(np.float32)
    for make, eager in ((lambda nn: nn.LazyConv2d(4, 3, padding=1), 'Conv2d'),
                        (lambda nn: nn.LazyConvTranspose2d(4, 2, stride=2), 'ConvTranspose2d'),
                        (lambda nn: nn.LazyBatchNorm2d(), 'BatchNorm2d'),
                        (lambda nn: nn.LazyInstanceNorm2d(affine=True), 'InstanceNorm2d')):
        e, t = make(ember.nn), make(torch.nn)
        e_out = e(ember.tensor(x))
        t(torch.tensor(x))
        assert type(e).__name__ == eager
        assert repr(e) == repr(t)
        assert [(n, tuple(p.shape)) for n, p in e.state_dict().items()] == \
            [(n, tuple(p.shape)) for n, p in t.state_dict().items()]
        assert tuple(e_out.shape) == tuple(t(torch.tensor(x)).shape)


def test_conv_default_init_bounds():
    m = ember.nn.Conv2d(4, 6, 3, groups=2)
    bound = 1 / np.sqrt(2 * 9)
    assert np.abs(m.weight.detach().numpy()).max() <= bound
    assert np.abs(m.bias.detach().numpy()).max() <= bound
    assert m.weight.detach().numpy().std() > bound / 4
    t = ember.nn.ConvTranspose2d(4, 6, 3, groups=2)
    assert tuple(t.weight.shape) == (4, 3, 3, 3)


def test_sync_batchnorm_convert():
    for lib in (ember, torch):
        model = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 1), lib.nn.BatchNorm2d(3), lib.nn.Sequential(
            lib.nn.BatchNorm1d(3, affine=False)))
        weight = model[1].weight
        converted = lib.nn.SyncBatchNorm.convert_sync_batchnorm(model)
        assert type(converted[1]).__name__ == 'SyncBatchNorm'
        assert type(converted[2][0]).__name__ == 'SyncBatchNorm'
        assert converted[1].weight is weight
        if lib is ember:
            e_repr = repr(converted)
        else:
            assert repr(converted) == e_repr


def test_batchnorm_state_dict_without_num_batches_tracked():
    e = ember.nn.BatchNorm1d(2)
    state = {k: v for k, v in e.state_dict().items() if k != 'num_batches_tracked'}
    e.load_state_dict(state, strict=False)
    assert int(e.num_batches_tracked) == 0


def _raises_like(make_call):
    """Run the call written once for both libraries; the exception type and message must match."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            make_call(torch)
        except Exception as t_exc:  # noqa: BLE001
            t_type, t_msg = type(t_exc), str(t_exc)
        else:
            pytest.fail('torch did not raise')
        with pytest.raises(t_type) as info:
            make_call(ember)
    assert _unordered_sets(str(info.value)) == _unordered_sets(t_msg)


def _unordered_sets(message):
    """Python set literals in a message print in hash order; compare their items sorted."""
    return re.sub(r'\{[^}]*\}', lambda m: str(sorted(m.group(0)[1:-1].split(', '))), message)


ERRORS = [
    ('conv_groups_in', lambda m: m.nn.Conv2d(3, 4, 3, groups=2)),
    ('conv_groups_out', lambda m: m.nn.Conv2d(4, 3, 3, groups=2)),
    ('conv_groups_zero', lambda m: m.nn.Conv2d(4, 4, 3, groups=0)),
    ('conv_padding_mode', lambda m: m.nn.Conv2d(2, 4, 3, padding_mode='foo')),
    ('conv_padding_string', lambda m: m.nn.Conv2d(2, 4, 3, padding='foo')),
    ('conv_same_strided', lambda m: m.nn.Conv2d(2, 4, 3, padding='same', stride=2)),
    ('convT_padding_mode', lambda m: m.nn.ConvTranspose2d(2, 4, 3, padding_mode='reflect')),
    ('conv_input_dim', lambda m: m.nn.Conv2d(2, 4, 3)(m.ones(2, 2, 2, 4, 4))),
    ('conv_channels', lambda m: m.nn.Conv2d(2, 4, 3)(m.ones(1, 3, 4, 4))),
    ('bn1d_dim', lambda m: m.nn.BatchNorm1d(3)(m.ones(2, 3, 4, 5))),
    ('bn2d_dim', lambda m: m.nn.BatchNorm2d(3)(m.ones(2, 3))),
    ('bn3d_dim', lambda m: m.nn.BatchNorm3d(3)(m.ones(2, 3, 4, 5))),
    ('bn_one_value', lambda m: m.nn.BatchNorm1d(3)(m.ones(1, 3))),
    ('syncbn_dim', lambda m: m.nn.SyncBatchNorm(3)(m.ones(2))),
    ('in2d_dim', lambda m: m.nn.InstanceNorm2d(3)(m.ones(2, 3))),
    ('in2d_affine_features', lambda m: m.nn.InstanceNorm2d(3, affine=True)(m.ones(2, 4, 5, 5))),
]


@pytest.mark.parametrize('name,call', ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(name, call):
    _raises_like(call)


def test_instance_norm_feature_mismatch_warns():
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        ember.nn.InstanceNorm2d(3)(ember.ones(2, 4, 5, 5))


@pytest.mark.parametrize('kernel, stride', [(2, 2), (3, 2), (3, 1)])
def test_max_pool_ties_and_nonfinite_grads_match_torch(kernel, stride):
    """ReLU outputs are full of tied zeros: the first index of each window wins, as in PyTorch, and a non-finite
    incoming gradient reaches only the chosen elements."""
    rng = np.random.default_rng(kernel * 10 + stride)
    x = np.maximum(rng.standard_normal((4, 3, 12, 12)), 0).astype(np.float32)
    x[0, 0, :4, :4] = 0.0
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    eo, ei = ember.nn.functional.max_pool2d(ex, kernel, stride, return_indices=True)
    to, ti = torch.nn.functional.max_pool2d(tx, kernel, stride, return_indices=True)
    np.testing.assert_array_equal(ei.numpy(), ti.numpy())
    np.testing.assert_array_equal(eo.detach().numpy(), to.detach().numpy())
    g = rng.standard_normal(to.shape).astype(np.float32)
    g[0, 0, 0, 0], g[1, 2, 1, 1] = np.inf, np.nan
    eo.backward(ember.tensor(g))
    to.backward(torch.tensor(g))
    # overlapping windows add in another order than PyTorch: equal to rounding, inf/nan in the same places
    np.testing.assert_allclose(ex.grad.numpy(), tx.grad.numpy(), rtol=1e-6, atol=1e-6)
    er, tr = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ember.nn.functional.relu(er).backward(ember.tensor(np.full(x.shape, np.inf, np.float32)))
    torch.nn.functional.relu(tr).backward(torch.tensor(np.full(x.shape, np.inf, np.float32)))
    np.testing.assert_array_equal(er.grad.numpy(), tr.grad.numpy())


def test_relu_and_max_pool_grads_zero_with_pytorch_sign():
    """Masked-out gradient entries are +0.0 as in PyTorch (a negative gradient times a False mask would be -0.0)."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 8, 8)).astype(np.float32)
    g = -np.abs(rng.standard_normal((4, 3, 4, 4))).astype(np.float32)
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ember.nn.functional.max_pool2d(ember.nn.functional.relu(ex), 2).backward(ember.tensor(g))
    torch.nn.functional.max_pool2d(torch.nn.functional.relu(tx), 2).backward(torch.tensor(g))
    np.testing.assert_array_equal(ex.grad.numpy(), tx.grad.numpy())
    np.testing.assert_array_equal(np.signbit(ex.grad.numpy()), np.signbit(tx.grad.numpy()))


@pytest.mark.parametrize('kwargs', [dict(padding=1), dict(padding=1, dilation=2, groups=2), dict(stride=2, padding=1),
                                    dict(stride=(1, 2), padding=(0, 1))])
def test_conv_double_backward_matches_torch(kwargs):
    """A gradient penalty through conv2d (the three convolution primitives differentiating each other), batch-last
    and batch-first column orders alike, against PyTorch."""
    rng = np.random.default_rng(3)
    x, w, b = rng.standard_normal((3, 4, 6, 7)), rng.standard_normal((6, 4 // kwargs.get('groups', 1), 3, 3)), \
        rng.standard_normal(6)
    results = []
    for lib in (torch, ember):
        xt, wt, bt = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        out = lib.nn.functional.conv2d(xt, wt, bt, **kwargs)
        gx, gw = lib.autograd.grad((out * out).sum(), [xt, wt], create_graph=True)
        penalty = (gx * gx).sum() + (gw * gw).sum()
        results.append([g.detach().numpy() for g in lib.autograd.grad(penalty, [xt, wt, bt])])
    for name, theirs, ours in zip(('x', 'w', 'b'), *results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9, err_msg=name)


@pytest.mark.parametrize('kwargs', [dict(padding=1), dict(stride=2, padding=1), dict(groups=2)])
def test_conv_weight_gradient_over_many_positions_matches_torch(kwargs):
    """1,024+ output positions (the weight gradient then runs as columns @ g^T, transposed after), first and second
    order, against PyTorch."""
    rng = np.random.default_rng(4)
    x, w = rng.standard_normal((4, 4, 36, 30)), rng.standard_normal((6, 4 // kwargs.get('groups', 1), 3, 3))
    results = []
    for lib in (torch, ember):
        xt, wt = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        out = lib.nn.functional.conv2d(xt, wt, **kwargs)
        gx, gw = lib.autograd.grad((out * out).sum(), [xt, wt], create_graph=True)
        second = lib.autograd.grad((gw * gw).sum(), [xt, wt])
        results.append([g.detach().numpy() for g in (gx, gw) + second])
    for i, (theirs, ours) in enumerate(zip(*results)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-8, err_msg=str(i))


@pytest.mark.parametrize('call', [
    lambda F, x: F.batch_norm(x, None, None, training=True),
    lambda F, x: F.instance_norm(x),
    lambda F, x: F.group_norm(x, 1),
], ids=['batch_norm', 'instance_norm', 'group_norm'])
def test_norm_output_modified_in_place_keeps_gradients(call):
    """A normalisation without affine returns its normalised input; an in-place op on it (relu_) before backward
    must not change the gradient (the backward recomputes it from the input), as in PyTorch."""
    x0 = np.random.default_rng(5).standard_normal((4, 3, 5))
    weights = np.arange(60.0).reshape(4, 3, 5)
    grads = []
    for lib in (torch, ember):
        x = lib.tensor(x0, requires_grad=True)
        y = call(lib.nn.functional, x)
        lib.nn.functional.relu(y, inplace=True)
        (y * lib.tensor(weights)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-9, atol=1e-9)

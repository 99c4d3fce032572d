"""Fused recurrent-cell pointwise ops: one primitive per LSTM / GRU step instead of ~10 elementwise nodes.

PyTorch fuses the same parts (``_thnn_fused_lstm_cell``, ``_thnn_fused_gru_cell``). Each forward computes on arrays;
each backward uses the saved activations, or — when the backward is itself recorded (``create_graph=True``) —
recomputes the cell with Tensor ops so higher-order gradients are exact.
"""
from __future__ import annotations

from ..autograd.function import Primitive
from ..autograd.grad_mode import _State

__all__ = []


def _sigmoid(xp, x):
    return 0.5 * (xp.tanh(0.5 * x) + 1)  # stable for large |x|, same values as 1 / (1 + exp(-x))


class LSTMPointwise(Primitive):
    """(input gates (B, 4H), hidden gates (B, 4H), c (B, H)) -> (h', c'); the gates (i|f|g|o pre-activations) are
    the sum of the two, as in PyTorch's fused cell."""

    _backward_name = 'ThnnFusedLstmCellBackward0'

    @staticmethod
    def forward(ctx, gates_x, gates_h, c):
        xp = ctx.xp
        gates = gates_x + gates_h
        i, f, g, o = xp.split(gates, 4, axis=1)
        i, f, o = _sigmoid(xp, i), _sigmoid(xp, f), _sigmoid(xp, o)
        g = xp.tanh(g)
        c_new = f * c + i * g
        tanh_c = xp.tanh(c_new)
        h_new = o * tanh_c
        ctx.acts = (i, f, g, o, tanh_c, c)
        ctx.save_for_backward(gates_x, gates_h, c)
        return h_new.astype(gates.dtype, copy=False), c_new.astype(gates.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        if _State.enabled:
            gates_x, gates_h, c = ctx.saved_tensors
            return _lstm_backward_tensors(gates_x, gates_h, c, grad_h, grad_c)
        ctx.saved_tensors  # raises if freed
        Tensor = type(grad_h if grad_h is not None else grad_c)
        d_gates, d_c = _lstm_backward_arrays(ctx, None if grad_h is None else grad_h._data,
                                             None if grad_c is None else grad_c._data)
        d_gates = Tensor._make(d_gates)
        return d_gates, d_gates, Tensor._make(d_c)

    @staticmethod
    def backward_array(ctx, grad_h, grad_c):
        ctx._saved_arrays()  # raises if freed
        d_gates, d_c = _lstm_backward_arrays(ctx, grad_h, grad_c)
        return d_gates, d_gates, d_c


def _lstm_backward_arrays(ctx, dh, dc):
    i, f, g, o, tanh_c, c = ctx.acts
    xp = ctx.xp
    dh = 0 if dh is None else dh
    dc = 0 if dc is None else dc
    dc_total = dc + dh * o * (1 - tanh_c * tanh_c)
    d_i = dc_total * g * i * (1 - i)
    d_f = dc_total * c * f * (1 - f)
    d_g = dc_total * i * (1 - g * g)
    d_o = dh * tanh_c * o * (1 - o)
    d_gates = xp.concatenate([xp.broadcast_to(d, i.shape) for d in (d_i, d_f, d_g, d_o)], axis=1)
    d_c = xp.broadcast_to(dc_total * f, c.shape)
    return d_gates.astype(i.dtype, copy=False), xp.array(d_c, dtype=i.dtype)


def _lstm_backward_tensors(gates_x, gates_h, c, grad_h, grad_c):
    h_new, c_new = lstm_pointwise_composite(gates_x, gates_h, c)
    pairs = [(o, g) for o, g in ((h_new, grad_h), (c_new, grad_c)) if g is not None]
    return _grads_of([o for o, _ in pairs], [gates_x, gates_h, c], [g for _, g in pairs])


def _grads_of(outputs, inputs, grads):
    """autograd.grad over the inputs that require grad (None for the others), recording the graph."""
    from ..autograd import grad as autograd_grad  # noqa: PLC0415
    wanted = [t for t in inputs if t.requires_grad]
    found = iter(autograd_grad(outputs, wanted, grads, create_graph=True, allow_unused=True)) if wanted else iter(())
    return tuple(next(found) if t.requires_grad else None for t in inputs)


def lstm_pointwise_composite(gates_x, gates_h, c):
    i, f, g, o = (gates_x + gates_h).chunk(4, 1)
    c_new = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_new.tanh(), c_new


class GRUPointwise(Primitive):
    """(input gates (B, 3H) = r|z|n, hidden gates (B, 3H), h (B, H)) -> h'."""

    _backward_name = 'ThnnFusedGruCellBackward0'

    @staticmethod
    def forward(ctx, gi, gh, h):
        xp = ctx.xp
        i_r, i_z, i_n = xp.split(gi, 3, axis=1)
        h_r, h_z, h_n = xp.split(gh, 3, axis=1)
        r = _sigmoid(xp, i_r + h_r)
        z = _sigmoid(xp, i_z + h_z)
        n = xp.tanh(i_n + r * h_n)
        h_new = (1 - z) * n + z * h
        ctx.acts = (r, z, n, h_n, h)
        ctx.save_for_backward(gi, gh, h)
        return h_new.astype(gi.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if _State.enabled:
            gi, gh, h = ctx.saved_tensors
            return _grads_of([gru_pointwise_composite(gi, gh, h)], [gi, gh, h], [grad])
        ctx.saved_tensors
        xp = ctx.xp
        r, z, n, h_n, h = ctx.acts
        dh = grad._data
        d_n = dh * (1 - z) * (1 - n * n)
        d_z = dh * (h - n) * z * (1 - z)
        d_r = d_n * h_n * r * (1 - r)
        d_gi = xp.concatenate([d_r, d_z, d_n], axis=1).astype(dh.dtype, copy=False)
        d_gh = xp.concatenate([d_r, d_z, d_n * r], axis=1).astype(dh.dtype, copy=False)
        d_h = (dh * z).astype(dh.dtype, copy=False)
        Tensor = type(grad)
        return Tensor._make(d_gi), Tensor._make(d_gh), Tensor._make(d_h)


def gru_pointwise_composite(gi, gh, h):
    i_r, i_z, i_n = gi.chunk(3, 1)
    h_r, h_z, h_n = gh.chunk(3, 1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return (1 - z) * n + z * h

"""Fused recurrent-cell pointwise ops: one primitive per LSTM / GRU step instead of ~10 elementwise nodes.

PyTorch fuses the same parts (``_thnn_fused_lstm_cell``, ``_thnn_fused_gru_cell``). Each forward computes on arrays;
each backward uses the saved activations, or — when the backward is itself recorded (``create_graph=True``) —
recomputes the cell with Tensor ops so higher-order gradients are exact.
"""
from __future__ import annotations

import numpy

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
        ctx.save_for_backward(gates_x, gates_h, c, i, f, g, o, tanh_c)  # the activations freed with the inputs
        return h_new.astype(gates.dtype, copy=False), c_new.astype(gates.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad_h, grad_c):
        if _State.enabled:
            gates_x, gates_h, c = ctx.saved_tensors[:3]
            return _lstm_backward_tensors(gates_x, gates_h, c, grad_h, grad_c)
        Tensor = type(grad_h if grad_h is not None else grad_c)
        d_gates, d_c = _lstm_backward_arrays(ctx, None if grad_h is None else grad_h._data,
                                             None if grad_c is None else grad_c._data)
        d_gates = Tensor._make(d_gates)
        return d_gates, d_gates, Tensor._make(d_c)

    @staticmethod
    def backward_array(ctx, grad_h, grad_c):
        d_gates, d_c = _lstm_backward_arrays(ctx, grad_h, grad_c)
        return d_gates, d_gates, d_c


def _lstm_backward_arrays(ctx, dh, dc):
    _, _, c, i, f, g, o, tanh_c = ctx._saved_arrays()  # raises once freed
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
        ctx.save_for_backward(gi, gh, h, r, z, n, h_n)
        return h_new.astype(gi.dtype, copy=False)

    @staticmethod
    def backward(ctx, grad):
        if _State.enabled:
            gi, gh, h = ctx.saved_tensors[:3]
            return _grads_of([gru_pointwise_composite(gi, gh, h)], [gi, gh, h], [grad])
        xp = ctx.xp
        _, _, h, r, z, n, h_n = ctx._saved_arrays()
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


class LSTMLayer(Primitive):
    """One LSTM layer in one direction over a whole (T, B) sequence: (input projections (T, B, 4H) — the input
    times ``w_ih^T`` plus ``b_ih`` —, h0 (B, H), c0 (B, H), w_hh (4H, H), b_hh (4H,) or None) -> (outputs (T, B, H),
    h_T, c_T).

    As PyTorch's CPU layer (``MkldnnRnnLayerBackward0``), the step loop runs on arrays with one graph node for the
    layer: each step is one GEMM into a preallocated gate block and in-place activations; the backward runs the
    steps in reverse and forms ``w_hh``'s gradient as one GEMM over all steps instead of one per step. When the
    backward is itself recorded (``create_graph=True``) it differentiates the per-step composite instead."""

    _backward_name = 'MkldnnRnnLayerBackward0'

    @staticmethod
    def forward(ctx, projected, h0, c0, w_hh, b_hh, *, reverse):
        xp = ctx.xp
        steps, batch = projected.shape[:2]
        hidden = h0.shape[-1]
        dtype = projected.dtype
        acts = xp.empty((steps, batch, 4 * hidden), dtype)   # i, f, g, o after their activations
        cells = xp.empty((steps, batch, hidden), dtype)      # c_t
        tanh_cells = xp.empty((steps, batch, hidden), dtype)
        out = xp.empty((steps, batch, hidden), dtype)
        # gates^T = w_hh h^T written through the transposed view: NumPy's BLAS call for this operand order is
        # ~1.5x faster than h w_hh^T for the (B, H) x (H, 4H) step shapes
        transposed = xp is numpy
        w_t = w_hh.T
        h, c = h0, c0
        sig_if, sig_o = slice(0, 2 * hidden), slice(3 * hidden, 4 * hidden)
        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            gates = acts[t]
            if transposed:
                xp.matmul(w_hh, h.T, out=gates.T)
            else:
                xp.matmul(h, w_t, out=gates)
            gates += projected[t]
            if b_hh is not None:
                gates += b_hh
            for block in (gates[:, sig_if], gates[:, sig_o]):  # sigmoid(x) = (tanh(x / 2) + 1) / 2: stable
                block *= 0.5
                xp.tanh(block, out=block)
                block += 1
                block *= 0.5
            g = gates[:, 2 * hidden:3 * hidden]
            xp.tanh(g, out=g)
            c_new = cells[t]
            xp.multiply(gates[:, hidden:2 * hidden], c, out=c_new)
            c_new += gates[:, :hidden] * g
            xp.tanh(c_new, out=tanh_cells[t])
            h = out[t]
            xp.multiply(gates[:, sig_o], tanh_cells[t], out=h)
            c = c_new
        ctx.reverse = reverse
        ctx.save_for_backward(projected, h0, c0, w_hh, b_hh, acts, cells, tanh_cells)
        return out, h.copy(), c.copy()

    @staticmethod
    def backward(ctx, grad_out, grad_h, grad_c):
        if _State.enabled:
            projected, h0, c0, w_hh, b_hh = ctx.saved_tensors[:5]
            outputs = lstm_layer_composite(projected, h0, c0, w_hh, b_hh, ctx.reverse)
            pairs = [(o, g) for o, g in zip(outputs, (grad_out, grad_h, grad_c)) if g is not None]
            return _grads_of([o for o, _ in pairs], [projected, h0, c0, w_hh, b_hh], [g for _, g in pairs])
        grads = LSTMLayer.backward_array(ctx, *(None if g is None else g._data for g in (grad_out, grad_h, grad_c)))
        Tensor = type(next(g for g in (grad_out, grad_h, grad_c) if g is not None))
        return tuple(None if g is None else Tensor._make(g) for g in grads)

    @staticmethod
    def backward_array(ctx, grad_out, grad_h, grad_c):
        projected, h0, c0, w_hh, b_hh, acts, cells, tanh_cells = ctx._saved_arrays()
        xp = ctx.xp
        steps, batch, hidden = cells.shape
        dtype = cells.dtype
        order = range(steps) if ctx.reverse else range(steps - 1, -1, -1)  # the forward's steps, last first
        i, f, g, o = (acts[..., k * hidden:(k + 1) * hidden] for k in range(4))
        if ctx.reverse:
            c_prev = xp.concatenate([cells[1:], c0[None]], 0)
        else:
            c_prev = xp.concatenate([c0[None], cells[:-1]], 0)
        # the factors that do not depend on the incoming gradients, for all steps at once (large vectorised passes
        # instead of small per-step ones): with dh, dc the gradients reaching h_t and c_t,
        #   dc += dh * o * (1 - tanh_c^2);  d_o = dh * tanh_c * o * (1 - o)
        #   (d_i, d_f, d_g) = dc * (g * i * (1 - i), c_prev * f * (1 - f), i * (1 - g^2));  dc_prev = dc * f
        to_c = 1 - tanh_cells * tanh_cells
        to_c *= o
        to_o = 1 - o
        to_o *= o
        to_o *= tanh_cells
        to_ifg = xp.empty((steps, batch, 3, hidden), dtype)
        xp.subtract(1, i, out=to_ifg[:, :, 0])
        to_ifg[:, :, 0] *= i
        to_ifg[:, :, 0] *= g
        xp.subtract(1, f, out=to_ifg[:, :, 1])
        to_ifg[:, :, 1] *= f
        to_ifg[:, :, 1] *= c_prev
        xp.multiply(g, g, out=to_ifg[:, :, 2])
        xp.subtract(1, to_ifg[:, :, 2], out=to_ifg[:, :, 2])
        to_ifg[:, :, 2] *= i
        d_gates = xp.empty(acts.shape, dtype)
        dh = xp.zeros((batch, hidden), dtype) if grad_h is None else xp.array(grad_h, dtype=dtype)
        dc = xp.zeros((batch, hidden), dtype) if grad_c is None else xp.array(grad_c, dtype=dtype)
        scratch = xp.empty((batch, hidden), dtype)
        for t in order:
            if grad_out is not None:
                dh += grad_out[t]
            d = d_gates[t]
            xp.multiply(dh, to_c[t], out=scratch)
            dc += scratch
            xp.multiply(dh, to_o[t], out=d[:, 3 * hidden:])
            xp.multiply(to_ifg[t], dc[:, None, :], out=d.reshape(batch, 4, hidden)[:, :3])
            dc *= f[t]
            xp.matmul(d, w_hh, out=dh)
        need = ctx.needs_input_grad
        d_w = d_b = None
        if need[3]:
            if ctx.reverse:
                h_prev = xp.concatenate([_outputs_of(acts, tanh_cells, hidden)[1:], h0[None]], 0)
            else:
                h_prev = xp.concatenate([h0[None], _outputs_of(acts, tanh_cells, hidden)[:-1]], 0)
            d_w = xp.matmul(d_gates.reshape(-1, 4 * hidden).T, h_prev.reshape(-1, hidden))
        if b_hh is not None and need[4]:
            d_b = d_gates.reshape(-1, 4 * hidden).sum(0)
        return (d_gates if need[0] else None, dh if need[1] else None, dc if need[2] else None, d_w, d_b)


def _outputs_of(acts, tanh_cells, hidden):
    """h_t = o_t * tanh(c_t) for every step (recomputed: the outputs are not saved, they may be modified)."""
    return acts[:, :, 3 * hidden:] * tanh_cells


def lstm_layer_composite(projected, h0, c0, w_hh, b_hh, reverse):
    """``LSTMLayer`` with Tensor ops, one step at a time (for gradients that must be differentiated again)."""
    import ember  # noqa: PLC0415
    steps = projected.shape[0]
    outputs = [None] * steps
    h, c = h0, c0
    for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
        hidden = h @ w_hh.t()
        if b_hh is not None:
            hidden = hidden + b_hh
        h, c = lstm_pointwise_composite(projected[t], hidden, c)
        outputs[t] = h
    return ember.stack(outputs, 0), h, c

"""Recurrent layers: RNN, LSTM (with projections), GRU and their cells, with PyTorch's parameter names and layouts.

The input projection of every time step is one matmul over the whole sequence; the loop then does the hidden
projection and one fused pointwise primitive per step (``ember/_ops/rnn.py``). PackedSequence inputs are run step by
step over the shrinking batch, as PyTorch does.
"""
from __future__ import annotations

import math
import numbers
import warnings

from ... import _creation
from ..._ops.rnn import GRUPointwise, LSTMLayer, LSTMPointwise
from ..parameter import Parameter
from .module import Module

__all__ = ['RNNBase', 'RNN', 'LSTM', 'GRU', 'RNNCellBase', 'RNNCell', 'LSTMCell', 'GRUCell']

_GATES = {'LSTM': 4, 'GRU': 3, 'RNN_TANH': 1, 'RNN_RELU': 1}


def _ember():
    import ember  # noqa: PLC0415
    return ember


def _packed_sequence_type():
    # imported on use: ember.nn.utils imports the modules package (parametrizations), which imports this file
    from ..utils.rnn import PackedSequence  # noqa: PLC0415
    return PackedSequence


class RNNBase(Module):
    """Shared configuration, parameters and the sequence loop of RNN, LSTM and GRU."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise ValueError('dropout should be a number in range [0, 1] representing the probability of an '
                             'element being zeroed')
        if dropout > 0 and num_layers == 1:
            warnings.warn('dropout option adds dropout after all but last recurrent layer, so non-zero dropout '
                          f'expects num_layers greater than 1, but got dropout={dropout} and num_layers={num_layers}',
                          stacklevel=2)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f'hidden_size should be of type int, got: {type(hidden_size).__name__}')
        if hidden_size <= 0:
            raise ValueError('hidden_size must be greater than zero')
        if num_layers <= 0:
            raise ValueError('num_layers must be greater than zero')
        if proj_size < 0:
            raise ValueError('proj_size should be a positive integer or zero to disable projections')
        if proj_size >= hidden_size:
            raise ValueError('proj_size has to be smaller than hidden_size')
        if proj_size and mode != 'LSTM':
            raise ValueError('proj_size argument is only supported for LSTM, not RNN or GRU')
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        directions = 2 if bidirectional else 1
        gate_size = _GATES[mode] * hidden_size
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        self._all_weights = []
        for layer in range(num_layers):
            for direction in range(directions):
                layer_input = input_size if layer == 0 else real_hidden * directions
                suffix = '_reverse' if direction == 1 else ''
                shapes = [('weight_ih', (gate_size, layer_input)), ('weight_hh', (gate_size, real_hidden))]
                if bias:
                    shapes += [('bias_ih', (gate_size,)), ('bias_hh', (gate_size,))]
                if proj_size > 0:
                    shapes += [('weight_hr', (proj_size, hidden_size))]
                names = []
                for base, shape in shapes:
                    name = f'{base}_l{layer}{suffix}'
                    setattr(self, name, Parameter(_creation.empty(*shape, device=device, dtype=dtype)))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            weight.data.uniform_(-bound, bound)

    def flatten_parameters(self):
        """A no-op: ember keeps no flattened cuDNN weight buffer."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    def extra_repr(self):
        s = '{input_size}, {hidden_size}'
        if self.proj_size != 0:
            s += ', proj_size={proj_size}'
        if self.num_layers != 1:
            s += ', num_layers={num_layers}'
        if self.bias is not True:
            s += ', bias={bias}'
        if self.batch_first is not False:
            s += ', batch_first={batch_first}'
        if self.dropout != 0:
            s += ', dropout={dropout}'
        if self.bidirectional is not False:
            s += ', bidirectional={bidirectional}'
        return s.format(**self.__dict__)

    # ------------------------------------------------------------------------------------------------ forward
    def _check_input(self, input, batch_sizes):
        expected = 2 if batch_sizes is not None else 3
        if input.dim() != expected and not (batch_sizes is None and input.dim() == 2):
            raise RuntimeError(f'input must have {expected} dimensions, got {input.dim()}')
        if self.input_size != input.size(-1):
            raise RuntimeError(f'input.size(-1) must be equal to input_size. Expected {self.input_size}, got '
                               f'{input.size(-1)}')

    def _hidden_shape(self, batch):
        directions = 2 if self.bidirectional else 1
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        return (self.num_layers * directions, batch, real_hidden), (self.num_layers * directions, batch,
                                                                    self.hidden_size)

    def forward(self, input, hx=None):
        ember = _ember()
        PackedSequence = _packed_sequence_type()
        packed = isinstance(input, PackedSequence)
        if packed:
            data, batch_sizes, sorted_indices, unsorted_indices = input
            batch = int(batch_sizes[0])
            unbatched = False
        else:
            if input.dim() not in (2, 3):
                raise ValueError(f'{type(self).__name__}: Expected input to be 2D or 3D, got {input.dim()}D '
                                 'instead')
            unbatched = input.dim() == 2
            data = input.unsqueeze(1) if unbatched else (input.transpose(0, 1) if self.batch_first else input)
            batch_sizes = sorted_indices = unsorted_indices = None
            batch = data.size(1)
        self._check_input(data, batch_sizes if packed else None)
        h_shape, c_shape = self._hidden_shape(batch)
        is_lstm = self.mode == 'LSTM'
        if hx is None:
            h0 = ember.zeros(h_shape, dtype=data.dtype, device=data.device)
            c0 = ember.zeros(c_shape, dtype=data.dtype, device=data.device) if is_lstm else None
        else:
            if is_lstm:
                if not isinstance(hx, tuple) or len(hx) != 2:
                    raise RuntimeError('LSTM expects hx to be a tuple (h_0, c_0)')
                h0, c0 = hx
            else:
                h0, c0 = hx, None
            if unbatched:
                if h0.dim() != 2:
                    raise RuntimeError(f'For unbatched 2-D input, hx should also be 2-D but got {h0.dim()}-D '
                                       'tensor')
                h0 = h0.unsqueeze(1)
                c0 = c0.unsqueeze(1) if c0 is not None else None
            elif h0.dim() != 3:
                raise RuntimeError(f'For batched 3-D input, hx should also be 3-D but got {h0.dim()}-D tensor')
            if sorted_indices is not None:
                h0 = h0.index_select(1, sorted_indices)
                c0 = c0.index_select(1, sorted_indices) if c0 is not None else None
            if tuple(h0.shape) != h_shape:
                raise RuntimeError(f'Expected hidden size {h_shape}, got {list(h0.shape)}' if not is_lstm else
                                   f'Expected hidden[0] size {h_shape}, got {list(h0.shape)}')
            if c0 is not None and tuple(c0.shape) != c_shape:
                raise RuntimeError(f'Expected hidden[1] size {c_shape}, got {list(c0.shape)}')
        output, h_n, c_n = self._run(data, batch_sizes, h0, c0)
        if packed:
            output = PackedSequence(output, batch_sizes, sorted_indices, unsorted_indices)
            if unsorted_indices is not None:
                h_n = h_n.index_select(1, unsorted_indices)
                c_n = c_n.index_select(1, unsorted_indices) if c_n is not None else None
        elif unbatched:
            output, h_n = output.squeeze(1), h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        elif self.batch_first:
            output = output.transpose(0, 1)
        return (output, (h_n, c_n)) if is_lstm else (output, h_n)

    def _run(self, data, batch_sizes, h0, c0):
        ember = _ember()
        from .. import functional as F  # noqa: PLC0415
        directions = 2 if self.bidirectional else 1
        layer_input = data
        h_out, c_out = [], []
        for layer in range(self.num_layers):
            outputs = []
            for direction in range(directions):
                index = layer * directions + direction
                weights = [getattr(self, name) for name in self._all_weights[index]]
                h = h0[index]
                c = c0[index] if c0 is not None else None
                out, h, c = self._direction(layer_input, batch_sizes, weights, h, c, reverse=direction == 1)
                outputs.append(out)
                h_out.append(h)
                if c is not None:
                    c_out.append(c)
            layer_input = outputs[0] if directions == 1 else ember.cat(outputs, -1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        h_n = ember.stack(h_out, 0)
        c_n = ember.stack(c_out, 0) if c_out else None
        return layer_input, h_n, c_n

    def _direction(self, x, batch_sizes, weights, h, c, reverse):
        """Run one layer in one direction over (T, B, I) or packed (sum(B_t), I) input."""
        ember = _ember()
        w_ih, w_hh = weights[0], weights[1]
        b_ih = weights[2] if self.bias else None
        b_hh = weights[3] if self.bias else None
        w_hr = weights[-1] if self.proj_size > 0 else None
        projected = x @ w_ih.t()
        if b_ih is not None:
            projected = projected + b_ih
        step = self._cell_step
        if batch_sizes is None and self.mode == 'LSTM' and w_hr is None and \
                _fused_layer_ok(projected, h, c, w_hh, b_hh):
            return LSTMLayer.apply(projected, h, c, w_hh, b_hh, reverse=reverse)
        if batch_sizes is None:
            steps = range(x.size(0) - 1, -1, -1) if reverse else range(x.size(0))
            outputs = [None] * x.size(0)
            per_step = projected.unbind(0)  # one node whose backward stacks the step gradients once
            for t in steps:
                h, c = step(per_step[t], h, c, w_hh, b_hh, w_hr)
                outputs[t] = h
            return ember.stack(outputs, 0), h, c
        sizes = batch_sizes.tolist()
        offsets = [0]
        for bs in sizes:
            offsets.append(offsets[-1] + bs)
        outputs = [None] * len(sizes)
        if not reverse:
            finished_h, finished_c = [], []
            for t, bs in enumerate(sizes):
                if bs < h.size(0):  # sequences that ended keep their last state
                    finished_h.append(h[bs:])
                    h = h[:bs]
                    if c is not None:
                        finished_c.append(c[bs:])
                        c = c[:bs]
                h, c = step(projected[offsets[t]:offsets[t + 1]], h, c, w_hh, b_hh, w_hr)
                outputs[t] = h
            h = ember.cat([h] + finished_h[::-1], 0)
            c = ember.cat([c] + finished_c[::-1], 0) if c is not None else None
        else:
            h_init, c_init = h, c
            h_cur = h_init[:sizes[-1]]
            c_cur = c_init[:sizes[-1]] if c is not None else None
            for t in range(len(sizes) - 1, -1, -1):
                bs = sizes[t]
                if bs > h_cur.size(0):  # sequences that start here (in reverse) begin from the initial state
                    h_cur = ember.cat([h_cur, h_init[h_cur.size(0):bs]], 0)
                    if c_cur is not None:
                        c_cur = ember.cat([c_cur, c_init[c_cur.size(0):bs]], 0)
                h_cur, c_cur = step(projected[offsets[t]:offsets[t + 1]], h_cur, c_cur, w_hh, b_hh, w_hr)
                outputs[t] = h_cur
            h, c = h_cur, c_cur
        return ember.cat(outputs, 0), h, c

    def _cell_step(self, projected_x, h, c, w_hh, b_hh, w_hr):
        hidden = h @ w_hh.t()
        if b_hh is not None:
            hidden = hidden + b_hh
        if self.mode == 'LSTM':
            h, c = LSTMPointwise.apply(projected_x, hidden, c)
            if w_hr is not None:
                h = h @ w_hr.t()
            return h, c
        if self.mode == 'GRU':
            return GRUPointwise.apply(projected_x, hidden, h), None
        pre = projected_x + hidden
        return (pre.tanh() if self.mode == 'RNN_TANH' else pre.relu()), None


def _fused_layer_ok(projected, h, c, w_hh, b_hh):
    """Whether ``LSTMLayer`` can run a layer: a non-empty sequence, one float32/float64 dtype everywhere."""
    dtype = projected.dtype
    return (projected.shape[0] > 0 and dtype.is_floating_point and dtype.itemsize >= 4
            and all(t is None or t.dtype is dtype for t in (h, c, w_hh, b_hh)))


class RNN(RNNBase):
    """Elman RNN with tanh or ReLU non-linearity, as ``torch.nn.RNN``."""

    def __init__(self, input_size, hidden_size, num_layers=1, nonlinearity='tanh', bias=True, batch_first=False,
                 dropout=0.0, bidirectional=False, proj_size=0, device=None, dtype=None):
        if nonlinearity == 'tanh':
            mode = 'RNN_TANH'
        elif nonlinearity == 'relu':
            mode = 'RNN_RELU'
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or 'relu'.")
        self.nonlinearity = nonlinearity
        super().__init__(mode, input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)

    def extra_repr(self):
        s = super().extra_repr()
        return s + (f', nonlinearity={self.nonlinearity}' if self.nonlinearity != 'tanh' else '')


class LSTM(RNNBase):
    """Long short-term memory (gate order i, f, g, o; optional ``proj_size``), as ``torch.nn.LSTM``."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__('LSTM', input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class GRU(RNNBase):
    """Gated recurrent unit (gate order r, z, n), as ``torch.nn.GRU``."""

    def __init__(self, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__('GRU', input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional,
                         proj_size, device, dtype)


class RNNCellBase(Module):
    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_creation.empty(num_chunks * hidden_size, input_size, device=device, dtype=dtype))
        self.weight_hh = Parameter(_creation.empty(num_chunks * hidden_size, hidden_size, device=device,
                                                   dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(_creation.empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter('bias_ih', None)
            self.register_parameter('bias_hh', None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            weight.data.uniform_(-bound, bound)

    def extra_repr(self):
        s = '{input_size}, {hidden_size}'
        if self.bias is not True:
            s += ', bias={bias}'
        if getattr(self, 'nonlinearity', 'tanh') != 'tanh':
            s += ', nonlinearity={nonlinearity}'
        return s.format(**self.__dict__)

    def _prepare(self, input, hx, name, c=False):
        ember = _ember()
        if input.dim() not in (1, 2):
            raise ValueError(f'{name}: Expected input to be 1D or 2D, got {input.dim()}D instead')
        if hx is not None and (hx[0] if c else hx).dim() not in (1, 2):
            raise ValueError(f'{name}: Expected hidden to be 1D or 2D, got {(hx[0] if c else hx).dim()}D instead')
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if hx is None:
            zeros = ember.zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)
            hx = (zeros, zeros) if c else zeros
        elif not batched:
            hx = (hx[0].unsqueeze(0), hx[1].unsqueeze(0)) if c else hx.unsqueeze(0)
        if input.size(1) != self.input_size:
            raise RuntimeError(f'input has inconsistent input_size: got {input.size(1)} expected {self.input_size}')
        return input, hx, batched

    def _projections(self, input, h):
        gi = input @ self.weight_ih.t()
        gh = h @ self.weight_hh.t()
        if self.bias:
            gi, gh = gi + self.bias_ih, gh + self.bias_hh
        return gi, gh


class RNNCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity='tanh', device=None, dtype=None):
        self.nonlinearity = nonlinearity
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ('tanh', 'relu'):
            raise RuntimeError(f'Unknown nonlinearity: {nonlinearity}')

    def forward(self, input, hx=None):
        input, hx, batched = self._prepare(input, hx, 'RNNCell')
        gi, gh = self._projections(input, hx)
        out = (gi + gh).tanh() if self.nonlinearity == 'tanh' else (gi + gh).relu()
        return out if batched else out.squeeze(0)


class LSTMCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input, hx=None):
        input, (h, c), batched = self._prepare(input, hx, 'LSTMCell', c=True)
        gi, gh = self._projections(input, h)
        h, c = LSTMPointwise.apply(gi, gh, c)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)

    def forward(self, input, hx=None):
        input, h, batched = self._prepare(input, hx, 'GRUCell')
        gi, gh = self._projections(input, h)
        out = GRUPointwise.apply(gi, gh, h)
        return out if batched else out.squeeze(0)

"""Variable-length sequences: PackedSequence, pack/pad helpers — PyTorch's torch.nn.utils.rnn."""
from __future__ import annotations

from collections import namedtuple

__all__ = ['PackedSequence', 'pack_padded_sequence', 'pad_packed_sequence', 'pad_sequence', 'pack_sequence',
           'unpad_sequence', 'unpack_sequence', 'invert_permutation']

_PackedSequenceBase = namedtuple('PackedSequence', ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'])


def invert_permutation(permutation):
    """The permutation that undoes ``permutation`` (None stays None)."""
    if permutation is None:
        return None
    import ember  # noqa: PLC0415
    output = ember.empty_like(permutation)
    output[permutation] = ember.arange(permutation.numel(), dtype=permutation.dtype)
    return output


class PackedSequence(_PackedSequenceBase):
    """Time-major packed data of a batch of sequences sorted by length (what the recurrent layers accept)."""

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def to(self, *args, **kwargs):
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    def cpu(self):
        return self.to('cpu')

    def double(self):
        return self.to(dtype=__import__('ember').float64)

    def float(self):
        return self.to(dtype=__import__('ember').float32)

    @property
    def is_cuda(self):
        return self.data.is_cuda

    def is_pinned(self):
        return False


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *)) of sequences with the given lengths."""
    import ember  # noqa: PLC0415
    lengths = ember.as_tensor(lengths, dtype=ember.int64, device='cpu') if not isinstance(lengths, ember.Tensor) \
        else lengths.to('cpu', ember.int64)
    if enforce_sorted:
        if lengths.numel() > 1 and bool((lengths[:-1] < lengths[1:]).any()):
            raise RuntimeError('`lengths` array must be sorted in decreasing order when `enforce_sorted` is True. '
                               'You can pass `enforce_sorted=False` to pack_padded_sequence and/or pack_sequence '
                               'to sidestep this requirement if you do not need ONNX exportability.')
        sorted_indices = None
    else:
        lengths, sorted_indices = ember.sort(lengths, descending=True)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    if batch_first:
        input = input.transpose(0, 1)
    lengths_list = lengths.tolist()
    if lengths_list and min(lengths_list) <= 0:
        raise RuntimeError('Length of all samples has to be greater than 0, but found an element in \'lengths\' that '
                           'is <= 0')
    if len(lengths_list) != input.shape[1]:
        raise ValueError(f'Expected `len(lengths)` to be equal to batch_size, but got {len(lengths_list)} '
                         f'(batch_size={input.shape[1]})')
    if lengths_list and lengths_list[0] > input.shape[0]:
        raise RuntimeError(f'Expected sequence length to be larger than or equal to {lengths_list[0]}, but got '
                           f'{input.shape[0]}')
    steps = []
    batch_sizes = []
    for t in range(lengths_list[0] if lengths_list else 0):
        bs = sum(1 for n in lengths_list if n > t)
        batch_sizes.append(bs)
        steps.append(input[t, :bs])
    data = ember.cat(steps, 0)
    return PackedSequence(data, ember.tensor(batch_sizes, dtype=ember.int64), sorted_indices)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """The inverse of pack_padded_sequence: (padded batch, lengths)."""
    import ember  # noqa: PLC0415
    data, batch_sizes = sequence.data, sequence.batch_sizes.tolist()
    max_len = len(batch_sizes)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError(f'Expected total_length to be at least the length of the longest sequence in input, '
                             f'but got total_length={total_length} and max sequence length being {max_len}')
        max_len = total_length
    batch = batch_sizes[0] if batch_sizes else 0
    rows = []
    offset = 0
    trailing = tuple(data.shape[1:])
    for t in range(max_len):
        bs = batch_sizes[t] if t < len(batch_sizes) else 0
        step = data[offset:offset + bs]
        offset += bs
        if bs < batch:
            step = ember.cat([step, data.new_full((batch - bs,) + trailing, padding_value)], 0)
        rows.append(step)
    padded = ember.stack(rows, 0)
    lengths = [sum(1 for bs in batch_sizes if bs > b) for b in range(batch)]
    lengths = ember.tensor(lengths, dtype=ember.int64)
    if sequence.unsorted_indices is not None:
        padded = padded.index_select(1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices]
    if batch_first:
        padded = padded.transpose(0, 1)
    return padded, lengths


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side='right'):
    """Stack variable-length tensors (L_i, *) into (T, B, *) (or (B, T, *)) padded with ``padding_value``."""
    import ember  # noqa: PLC0415
    if padding_side not in ('left', 'right'):
        raise ValueError(f'Expected padding_side to be one of left or right, but got {padding_side}.')
    sequences = list(sequences)
    max_len = max(s.shape[0] for s in sequences)
    padded = []
    for s in sequences:
        extra = max_len - s.shape[0]
        if extra:
            fill = s.new_full((extra,) + tuple(s.shape[1:]), padding_value)
            s = ember.cat([s, fill] if padding_side == 'right' else [fill, s], 0)
        padded.append(s)
    out = ember.stack(padded, 0)
    return out if batch_first else out.transpose(0, 1)


def pack_sequence(sequences, enforce_sorted=True):
    """Pack a list of variable-length tensors."""
    lengths = [s.shape[0] for s in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=enforce_sorted)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into its sequences."""
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    return [seq[:int(n)] for seq, n in zip(padded_sequences, lengths)]


def unpack_sequence(packed_sequences):
    """The list of sequences in a PackedSequence."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)

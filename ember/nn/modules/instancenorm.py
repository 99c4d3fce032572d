"""Instance normalization: InstanceNorm1d/2d/3d and their Lazy variants (batched or unbatched input)."""
from __future__ import annotations

import warnings

from .. import functional as F
from .batchnorm import _LazyNormBase, _NormBase

__all__ = ['InstanceNorm1d', 'InstanceNorm2d', 'InstanceNorm3d', 'LazyInstanceNorm1d', 'LazyInstanceNorm2d',
           'LazyInstanceNorm3d']


class _InstanceNorm(_NormBase):
    _no_batch_dim = 3

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype, bias=bias)

    def _check_input_dim(self, input):
        n = self._no_batch_dim
        if input.dim() not in (n, n + 1):
            raise ValueError(f'expected {n}D or {n + 1}D input (got {input.dim()}D input)')

    def _get_no_batch_dim(self):
        return self._no_batch_dim

    def _apply_instance_norm(self, input):
        return F.instance_norm(input, self.running_mean, self.running_var, self.weight, self.bias,
                               self.training or not self.track_running_stats,
                               self.momentum if self.momentum is not None else 0.0, self.eps)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                              error_msgs):
        if local_metadata.get('version', None) is None and not self.track_running_stats:
            # old checkpoints saved running stats that these layers never had: drop them
            stale = [prefix + name for name in ('running_mean', 'running_var') if prefix + name in state_dict]
            if stale:
                name = type(self).__name__
                names = ' and '.join(f'"{k}"' for k in stale)
                error_msgs.append(f'Unexpected running stats buffer(s) {names} for {name} with '
                                  'track_running_stats=False. If state_dict is a checkpoint saved before 0.4.0, '
                                  'this may be expected because '
                                  f'{name} does not track running stats by default since 0.4.0. Please remove these '
                                  'keys from state_dict. If the running stats are actually needed, instead set '
                                  f'track_running_stats=True in {name} to enable them. See the documentation of '
                                  f'{name} for details.')
                for key in stale:
                    state_dict.pop(key)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def forward(self, input):
        self._check_input_dim(input)
        feature_dim = input.dim() - self._no_batch_dim
        if input.size(feature_dim) != self.num_features:
            if self.affine:
                raise ValueError(f"expected input's size at dim={feature_dim} to match num_features "
                                 f'({self.num_features}), but got: {input.size(feature_dim)}.')
            warnings.warn(f"input's size at dim={feature_dim} does not match num_features. You can silence this "
                          'warning by not passing in num_features, which is not used because affine=False',
                          stacklevel=2)
        if input.dim() == self._no_batch_dim:
            return self._apply_instance_norm(input.unsqueeze(0)).squeeze(0)
        return self._apply_instance_norm(input)


class InstanceNorm1d(_InstanceNorm):
    """Per-sample, per-channel normalization over the length of (N, C, L) or (C, L) input."""

    _no_batch_dim = 2


class InstanceNorm2d(_InstanceNorm):
    """Per-sample, per-channel normalization over (H, W) of (N, C, H, W) or (C, H, W) input.

    >>> ember.nn.InstanceNorm2d(3)
    InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, track_running_stats=False)
    """

    _no_batch_dim = 3


class InstanceNorm3d(_InstanceNorm):
    """Per-sample, per-channel normalization over (D, H, W) of (N, C, D, H, W) or (C, D, H, W) input."""

    _no_batch_dim = 4


class LazyInstanceNorm1d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm1d whose ``num_features`` is inferred from the first input."""

    cls_to_become = InstanceNorm1d
    _no_batch_dim = 2


class LazyInstanceNorm2d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm2d whose ``num_features`` is inferred from the first input."""

    cls_to_become = InstanceNorm2d
    _no_batch_dim = 3


class LazyInstanceNorm3d(_LazyNormBase, _InstanceNorm):
    """An InstanceNorm3d whose ``num_features`` is inferred from the first input."""

    cls_to_become = InstanceNorm3d
    _no_batch_dim = 4

"""Optimizer base: param_groups, lazy per-parameter state, state_dict with integer ids, hooks.

Each algorithm is one file: its class validates hyperparameters in PyTorch's words and hands the arithmetic to a
private function over arrays (``xp`` of the parameters), run in place under no_grad.
"""
from __future__ import annotations

import collections
import copy
import functools
import itertools
import warnings

from .._tensor import Tensor
from ..autograd.function import _RemovableHandle
from ..autograd.grad_mode import no_grad

__all__ = ['Optimizer', 'required']


class _Required:
    def __repr__(self):
        return '<required parameter>'


required = _Required()


class Optimizer:
    """Base class of all optimizers."""

    def __init__(self, params, defaults):
        self.defaults = defaults
        self._optimizer_step_pre_hooks = collections.OrderedDict()
        self._optimizer_step_post_hooks = collections.OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError('params argument given to the optimizer should be an iterable of Tensors or dicts, but '
                            f'got {params.type()}')
        self.state = collections.defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError('optimizer got an empty parameter list')
        if not isinstance(param_groups[0], dict):
            param_groups = [{'params': param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {'defaults': self.defaults, 'state': self.state, 'param_groups': self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._optimizer_step_pre_hooks = collections.OrderedDict()
        self._optimizer_step_post_hooks = collections.OrderedDict()

    def __repr__(self):
        lines = [self.__class__.__name__ + ' (']
        for i, group in enumerate(self.param_groups):
            lines.append(f'Parameter Group {i}')
            for key in sorted(group):
                if key != 'params':
                    lines.append(f'    {key}: {group[key]}')
        lines.append(')')
        return '\n'.join(lines)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (missing options take the defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f'param_group must be a dict, but got {type(param_group).__name__}')
        params = param_group['params']
        if isinstance(params, Tensor):
            param_group['params'] = [params]
        elif isinstance(params, set):
            raise TypeError('optimizer parameters need to be organized in ordered collections, but the ordering of '
                            'tensors in sets will change between runs. Please use a list instead.')
        else:
            param_group['params'] = list(params)
        named = [p for p in param_group['params'] if isinstance(p, tuple)]
        if named:
            param_group['param_names'] = [n for n, _ in param_group['params']]
            param_group['params'] = [p for _, p in param_group['params']]
        for param in param_group['params']:
            if not isinstance(param, Tensor):
                raise TypeError('optimizer can only optimize Tensors, but one of the params is '
                                f'{type(param).__module__}.{type(param).__name__}')
            if not param.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            param_group.setdefault(name, default)
        params = param_group['params']
        if len(params) != len({id(p) for p in params}):
            warnings.warn('optimizer contains a parameter group with duplicate parameters; in future, this will '
                          'cause an error; see github.com/pytorch/pytorch/issues/40967 for more information',
                          stacklevel=3)
        seen = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group['params'])
        if not seen.isdisjoint(id(p) for p in params):
            raise ValueError('some parameters appear in more than one parameter group')
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all optimized parameters (to None by default)."""
        for group in self.param_groups:
            for p in group['params']:
                if p._grad is not None:
                    if set_to_none:
                        p._grad = None
                    else:
                        if p._grad._grad_fn is not None:
                            p._grad.detach_()
                        else:
                            p._grad.requires_grad_(False)
                        p._grad._data[...] = 0

    def step(self, closure=None):
        raise NotImplementedError

    def _run_step(self, closure, update):
        """Shared step protocol: pre hooks, closure under enable_grad, ``update(group)`` per group, post hooks."""
        for hook in list(self._optimizer_step_pre_hooks.values()):
            result = hook(self, (), {})
            if result is not None:
                raise RuntimeError('optimizer step pre hooks may not modify args')
        loss = None
        if closure is not None:
            from ..autograd.grad_mode import enable_grad  # noqa: PLC0415
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                update(group)
        for hook in list(self._optimizer_step_post_hooks.values()):
            hook(self, (), {})
        return loss

    def register_step_pre_hook(self, hook):
        handle = _RemovableHandle(None, None)
        self._optimizer_step_pre_hooks[handle.id] = hook
        handle.remove = functools.partial(self._optimizer_step_pre_hooks.pop, handle.id, None)
        return handle

    def register_step_post_hook(self, hook):
        handle = _RemovableHandle(None, None)
        self._optimizer_step_post_hooks[handle.id] = hook
        handle.remove = functools.partial(self._optimizer_step_post_hooks.pop, handle.id, None)
        return handle

    def state_dict(self) -> dict:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [index, ...]}]}`` as PyTorch lays it out."""
        index_of = {}
        start = 0

        def pack_group(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != 'params'}
            index_of.update({id(p): i for i, p in enumerate(group['params'], start) if id(p) not in index_of})
            packed['params'] = [index_of[id(p)] for p in group['params']]
            start += len(packed['params'])
            return packed
        param_groups = [pack_group(g) for g in self.param_groups]
        state = {index_of[id(p)]: v for p, v in self.state.items() if id(p) in index_of}
        return {'state': state, 'param_groups': param_groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore state and options saved by ``state_dict`` (state tensors move to each parameter's dtype/device)."""
        state_dict = copy.deepcopy(state_dict) if not _has_tensors_only(state_dict) else _shallow_copy(state_dict)
        groups = self.param_groups
        saved_groups = state_dict['param_groups']
        if len(groups) != len(saved_groups):
            raise ValueError('loaded state dict has a different number of parameter groups')
        if any(len(g['params']) != len(s['params']) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        id_map = dict(zip(itertools.chain.from_iterable(s['params'] for s in saved_groups),
                          itertools.chain.from_iterable(g['params'] for g in groups)))
        state = collections.defaultdict(dict)
        for k, v in state_dict['state'].items():
            if k in id_map:
                param = id_map[k]
                state[param] = {key: _cast_state(param, key, value) for key, value in v.items()}
            else:
                state[k] = v
        new_groups = []
        for group, saved in zip(groups, saved_groups):
            new = dict(saved)
            new['params'] = group['params']
            if 'param_names' in group and 'param_names' not in saved:
                new['param_names'] = group['param_names']
            new_groups.append(new)
        self.state = state
        self.param_groups = new_groups


def _has_tensors_only(state_dict):
    return True


def _shallow_copy(state_dict):
    return {'state': {k: dict(v) for k, v in state_dict['state'].items()},
            'param_groups': [dict(g) for g in state_dict['param_groups']]}


def _cast_state(param, key, value):
    if not isinstance(value, Tensor):
        return value
    if key == 'step':
        return value.clone()
    if param.is_floating_point():
        return value.to(dtype=param.dtype, device=param.device).clone()
    return value.to(device=param.device).clone()


def _step_tensor(value=0.0):
    """PyTorch keeps scalar state (``step``, ASGD's ``eta``/``mu``) as 0-dim tensors of float32 (float64 when that
    is the default dtype)."""
    from .. import _dtype as dt  # noqa: PLC0415
    import numpy  # noqa: PLC0415
    scalar = dt.float64 if dt.get_default_dtype() is dt.float64 else dt.float32
    return Tensor._make(numpy.asarray(value, dtype=scalar.np))


def _params_with_grad(optimizer, group):
    """(param, its state dict, array module) for each parameter of the group that has a gradient."""
    for p in group['params']:
        if p._grad is not None:
            if p._grad.is_sparse:
                raise RuntimeError(f'{type(optimizer).__name__} does not support sparse gradients')
            yield p, optimizer.state[p], _xp(p)


def _zeros(p, xp):
    return Tensor._make(xp.zeros_like(p._data))


def _check_nonnegative(**values):
    """PyTorch's "Invalid <name> value: <v>" errors, in the order given."""
    names = {'lr': 'learning rate', 'eps': 'epsilon value'}
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f'Invalid {names.get(name, name + " value")}: {value}')


def _xp(p):
    import numpy  # noqa: PLC0415
    if type(p._data) is numpy.ndarray:
        return numpy
    from .._backend import cupy  # noqa: PLC0415
    return cupy()

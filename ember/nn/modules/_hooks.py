"""Hook plumbing for nn.Module: removable handles, and the autograd node that carries full backward hooks."""
from __future__ import annotations

import weakref
from collections import OrderedDict

from ...autograd.function import Function
from ...autograd.grad_mode import _State


class RemovableHandle:
    """What ``register_*_hook`` returns: ``handle.remove()`` takes the hook out again (``torch.utils.hooks``)."""

    next_id = 0

    def __init__(self, hooks_dict, *, extra_dict=None):
        self.hooks_dict_ref = weakref.ref(hooks_dict)
        self.id = RemovableHandle.next_id
        RemovableHandle.next_id += 1
        if extra_dict is None:
            extra_dict = []
        elif isinstance(extra_dict, dict):
            extra_dict = [extra_dict]
        self.extra_dict_ref = tuple(weakref.ref(d) for d in extra_dict)

    def remove(self):
        hooks_dict = self.hooks_dict_ref()
        if hooks_dict is not None and self.id in hooks_dict:
            del hooks_dict[self.id]
        for ref in self.extra_dict_ref:
            extra = ref()
            if extra is not None and self.id in extra:
                del extra[self.id]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()


def prepend_hook(hooks: OrderedDict, handle_id):
    hooks.move_to_end(handle_id, last=False)


class BackwardHookFunction(Function):
    """Identity on a module's input (or output) tensors; its node is where the module's backward hooks attach."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


class BackwardHook:
    """Runs a module's full backward (pre-)hooks: an identity node on the outputs captures ``grad_output`` (and runs
    the pre-hooks), an identity node on the inputs captures ``grad_input`` and runs the hooks."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module = module
        self.user_hooks = user_hooks
        self.user_pre_hooks = user_pre_hooks
        self.grad_outputs = None
        self.n_outputs = -1
        self.output_tensors_index = None
        self.n_inputs = -1
        self.input_tensors_index = None

    @staticmethod
    def _pack_with_none(indices, values, size):
        out = [None] * size
        for i, v in zip(indices, values):
            out[i] = v
        return tuple(out)

    def _apply_on_tensors(self, attach, args):
        from ..._tensor import Tensor  # noqa: PLC0415
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        tensors = [args[i] for i in index]
        if not (_State.enabled and any(t.requires_grad for t in tensors)):
            return args, None
        new = BackwardHookFunction.apply(*tensors)
        if not isinstance(new, tuple):
            new = (new,)
        nodes = [t.grad_fn for t in new if t.grad_fn is not None]
        attach(nodes[0])
        out = list(args)
        for i, t in zip(index, new):
            out[i] = t
        return tuple(out), index

    def setup_input_hook(self, args):
        def attach(node):
            def hook(grad_inputs, _grad_outputs):
                if self.grad_outputs is None:
                    return None  # gradients reached the inputs without passing through the outputs
                res = self._pack_with_none(self.input_tensors_index, grad_inputs, self.n_inputs)
                for user_hook in self.user_hooks:
                    out = user_hook(self.module, res, self.grad_outputs)
                    if out is None:
                        continue
                    if len(out) != len(res):
                        raise RuntimeError(f'Backward hook returned an invalid number of grad_input, got {len(out)}, '
                                           f'but expected {len(res)}')
                    res = out
                self.grad_outputs = None
                return tuple(res[i] for i in self.input_tensors_index)
            node.register_hook(hook)

        res, index = self._apply_on_tensors(attach, args)
        self.n_inputs = len(args)
        self.input_tensors_index = index
        return res

    def setup_output_hook(self, result):
        def attach(node):
            def hook(grad_inputs, grad_outputs):
                self.grad_outputs = self._pack_with_none(self.output_tensors_index, grad_outputs, self.n_outputs)
                if self.user_pre_hooks:
                    expected = len(self.grad_outputs)
                    for pre_hook in self.user_pre_hooks:
                        new = pre_hook(self.module, self.grad_outputs)
                        if new is None:
                            continue
                        if len(new) != expected:
                            raise RuntimeError(f'Backward pre hook returned an invalid number of grad_output, got '
                                               f'{len(new)}, but expected {expected}')
                        self.grad_outputs = new
                local = self.grad_outputs
                if self.input_tensors_index is None:
                    # no input requires grad: the hooks fire here, with grad_input all None
                    import warnings  # noqa: PLC0415
                    warnings.warn('Full backward hook is firing when gradients are computed with respect to module '
                                  'outputs since no inputs require gradients. See '
                                  'https://docs.pytorch.org/docs/main/generated/torch.nn.Module.html'
                                  '#torch.nn.Module.register_full_backward_hook for more details.', stacklevel=5)
                    grad_inputs_none = (None,) * self.n_inputs
                    for user_hook in self.user_hooks:
                        res = user_hook(self.module, grad_inputs_none, self.grad_outputs)
                        if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                            raise RuntimeError('Backward hook for Modules where no input requires gradient should '
                                               'always return None or None for all gradients.')
                    self.grad_outputs = None
                if local is not None:
                    return tuple(local[i] for i in self.output_tensors_index)
                return None
            node.register_hook(hook)

        single = not isinstance(result, tuple)
        args = (result,) if single else result
        res, index = self._apply_on_tensors(attach, args)
        self.n_outputs = len(args)
        self.output_tensors_index = index
        return res[0] if single else res

"""ember.autograd.functional: jacobian, hessian, vjp, jvp, vhp, hvp, built on ``autograd.grad``.

As in PyTorch, forward-mode products (``jvp``, ``hvp``) use the double-backward trick, and Jacobians are built one
vector-Jacobian product per output element (``vectorize`` is accepted and computes the same thing row by row).

>>> x = ember.tensor([1., 2.])
>>> ember.autograd.functional.jacobian(lambda t: t ** 2, x)
tensor([[2., 0.],
        [0., 4.]])
"""
from __future__ import annotations

from . import grad as _grad
from .function import Primitive, _function_tensor
from .grad_mode import enable_grad, set_grad_enabled, is_grad_enabled

__all__ = ['vjp', 'jvp', 'jacobian', 'hessian', 'hvp', 'vhp']


def _as_tuple(value, arg_name, fn_name):
    """(was it a tuple, the values as a tuple), with PyTorch's TypeError for anything but Tensors."""
    Tensor = _function_tensor()
    is_tuple = isinstance(value, tuple)
    values = value if is_tuple else (value,)
    for i, el in enumerate(values):
        if not isinstance(el, Tensor):
            where = f'value at index {i}' if is_tuple else f'given {arg_name}'
            raise TypeError(f'The {arg_name} given to {fn_name} must be either a Tensor or a tuple of Tensors but the '
                            f'{where} has type {type(el)}.')
    return is_tuple, values


def _unpack(result, is_tuple):
    return result if is_tuple else result[0]


def _unpack2(result, is_outer_tuple, is_inner_tuple):
    if not is_inner_tuple:
        result = tuple(row[0] for row in result)
    return result if is_outer_tuple else result[0]


def _preprocess(inputs, create_graph, need_graph):
    """Fresh inputs to differentiate with respect to (views of the originals when the graph is kept)."""
    return tuple(t.view_as(t) if create_graph and t._requires_grad else t.detach().requires_grad_(need_graph)
                 for t in inputs)


def _postprocess(values, create_graph):
    if create_graph:
        return values
    return tuple(v.detach() if not isinstance(v, tuple) else _postprocess(v, False) for v in values)


def _validate_v(v, other, is_other_tuple):
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f'v is a tuple of invalid length: should be {len(other)} but got {len(v)}.')
        raise RuntimeError('The given v should contain a single Tensor.')
    for i, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.shape != el_other.shape:
            prefix = f'Entry {i} in ' if is_other_tuple else ''
            raise RuntimeError(f'{prefix}v has invalid size: should be {el_other.shape} but got {el_v.shape}.')


_STRICT = {
    'outputs': 'Output {i} of the user-provided function does not require gradients. The outputs must be computed '
               'in a differentiable manner from the input when running in strict mode.',
    'grad_inputs': 'The gradient with respect to input {i} is independent of the inputs of the user-provided '
                   'function. This is not allowed in strict mode.',
    'jacobian': 'While computing the hessian, found that the jacobian of the user-provided function with respect '
                'to input {i} is independent of the input. This is not allowed in strict mode. You should ensure '
                'that your function is twice differentiable and that the jacobian depends on the inputs (this would '
                'be violated by a linear function for example).',
    'hessian': 'The hessian of the user-provided function with respect to input {i} is independent of the input. '
               'This is not allowed in strict mode. You should ensure that your function is thrice differentiable '
               'and that the hessian depends on the inputs.',
}


def _check_requires_grad(values, kind, strict):
    if not strict:
        return
    for i, v in enumerate(values):
        if v is None:
            raise RuntimeError(f'The output of the user-provided function is independent of input {i}. This is not '
                               'allowed in strict mode.')
        if not v._requires_grad:
            raise RuntimeError(_STRICT[kind].format(i=i))


def _autograd_grad(outputs, inputs, grad_outputs=None, create_graph=False, retain_graph=None):
    """``autograd.grad`` over the outputs that require grad; None for every input when none does."""
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o._requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return _grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                 create_graph=create_graph, retain_graph=retain_graph)


_ZERO_FILL = {
    'back': 'The output of the user-provided function is independent of input {i}. This is not allowed in strict '
            'mode.',
    'back_trick': 'The gradient with respect to the input is independent of entry {i} in the grad_outputs when '
                  'using the double backward trick to compute forward mode gradients. This is not allowed in strict '
                  'mode.',
    'double_back': 'The jacobian of the user-provided function is independent of input {i}. This is not allowed in '
                   'strict mode.',
    'double_back_trick': 'The hessian of the user-provided function is independent of entry {i} in the '
                         'grad_jacobian. This is not allowed in strict mode as it prevents from using the double '
                         'backward trick to replace forward mode AD.',
}


def _fill_in_zeros(grads, refs, strict, create_graph, stage):
    from .._creation import zeros_like  # noqa: PLC0415
    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_FILL[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g._requires_grad:
            what = 'hessian' if 'double' in stage else 'jacobian'
            raise RuntimeError(f'The {what} of the user-provided function is independent of input {i}. This is not '
                               'allowed in strict mode when create_graph=True.')
        out.append(g)
    return tuple(out)


def _single_element_check(values, what):
    if len(values) != 1 or values[0]._data.size != 1:
        raise RuntimeError(f'The vector v can only be None if {what} a single Tensor with a single element.')


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T J)``: the vector-Jacobian product at ``inputs``.

    >>> vjp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.ones(2))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'vjp')
        inputs = _preprocess(inputs, create_graph, True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function', 'vjp')
        _check_requires_grad(outputs, 'outputs', strict)
        if v is not None:
            _, v = _as_tuple(v, 'v', 'vjp')
            v = _preprocess(v, create_graph, False)
            _validate_v(v, outputs, is_outputs_tuple)
        else:
            _single_element_check(outputs, 'the user-provided function returns')
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'back')
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_inputs_tuple))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), J v)``: the Jacobian-vector product, by the double-backward trick.

    >>> jvp(lambda x: x ** 2, ember.tensor([1., 2.]), ember.ones(2))
    (tensor([1., 4.]), tensor([2., 4.]))
    """
    from .._creation import zeros_like  # noqa: PLC0415
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'jvp')
        inputs = _preprocess(inputs, create_graph, True)
        if v is not None:
            _, v = _as_tuple(v, 'v', 'jvp')
            v = _preprocess(v, create_graph, False)
            _validate_v(v, inputs, is_inputs_tuple)
        else:
            _single_element_check(inputs, 'the input to the user-provided function is')
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function', 'jvp')
        _check_requires_grad(outputs, 'outputs', strict)
        grad_outputs = tuple(zeros_like(o, requires_grad=True) for o in outputs)
        grad_inputs = _autograd_grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, 'grad_inputs', strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, outputs, strict, create_graph, 'back_trick')
    return (_unpack(_postprocess(outputs, create_graph), is_outputs_tuple),
            _unpack(_postprocess(result, create_graph), is_outputs_tuple))


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy='reverse-mode'):
    """The Jacobian of ``func`` at ``inputs``: ``out.shape + in.shape`` per (output, input) pair, nested in tuples
    the way the inputs and outputs are.

    >>> jacobian(lambda x: x.exp(), ember.zeros(2))
    tensor([[1., 0.],
            [0., 1.]])
    """
    if strategy not in ('forward-mode', 'reverse-mode'):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". Hint: If your function '
                             'has more outputs than inputs, "forward-mode" tends to be more performant. Otherwise, '
                             'prefer to use "reverse-mode".')
    if strategy == 'forward-mode':
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` and '
                                      '`strategy="forward-mode"` are not supported together (yet). Please either set '
                                      '`create_graph=False` or `strategy="reverse-mode"`.')
        if strict:
            raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `strategy="forward-mode"` are '
                               'not supported together (yet). Please either set `strict=False` or '
                               '`strategy="reverse-mode"`.')
    if vectorize and strict:
        raise RuntimeError('torch.autograd.functional.jacobian: `strict=True` and `vectorized=True` are not supported '
                           'together. Please either set `strict=False` or `vectorize=False`.')
    import numpy  # noqa: PLC0415
    from .._creation import zeros_like  # noqa: PLC0415
    Tensor = _function_tensor()
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'jacobian')
        inputs = _preprocess(inputs, create_graph, True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function', 'jacobian')
        _check_requires_grad(outputs, 'outputs', strict)
        jac = []
        for i, out in enumerate(outputs):
            rows = [[] for _ in inputs]
            n = out._data.size
            for j in range(n):
                seed = numpy.zeros(n, dtype=out._data.dtype)
                seed[j] = 1
                seed = Tensor._make(_function_xp(out).asarray(seed.reshape(out._data.shape)))
                grads = _autograd_grad((out,), inputs, (seed,), retain_graph=True, create_graph=create_graph)
                for k, (g, inp) in enumerate(zip(grads, inputs)):
                    if g is None:
                        if strict:
                            raise RuntimeError(f'Output {i} of the user-provided function is independent of input '
                                               f'{k}. This is not allowed in strict mode.')
                        g = zeros_like(inp)
                    elif strict and create_graph and not g._requires_grad:
                        raise RuntimeError(f'The jacobian of the user-provided function is independent of input '
                                           f'{i}. This is not allowed in strict mode when create_graph=True.')
                    rows[k].append(g)
            jac.append(tuple(_stack(r, tuple(out._data.shape), tuple(inp._data.shape), inp)
                             for r, inp in zip(rows, inputs)))
        jac = _postprocess(tuple(jac), create_graph)
    return _unpack2(jac, is_outputs_tuple, is_inputs_tuple)


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy='reverse-mode'):
    """The Hessian of a scalar ``func`` at ``inputs`` (nested tuples for several inputs).

    >>> hessian(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, 'inputs', 'hessian')
    if outer_jacobian_strategy not in ('forward-mode', 'reverse-mode'):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')
    Tensor = _function_tensor()

    def single_output(*inp):
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, 'outputs of the user-provided function', 'hessian')
        _check_requires_grad(t_out, 'outputs', strict)
        if is_out_tuple or not isinstance(out, Tensor):
            raise RuntimeError('The function given to hessian should return a single Tensor')
        if out._data.size != 1:
            raise RuntimeError('The Tensor returned by the function given to hessian should contain a single element')
        return out.reshape(())

    def jac_func(*inp):
        jac = jacobian(single_output, inp, create_graph=True)
        _check_requires_grad(jac, 'jacobian', strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict, vectorize=vectorize,
                   strategy=outer_jacobian_strategy)
    return _unpack2(res, is_inputs_tuple, is_inputs_tuple)


def _second_order_setup(func, inputs, v, create_graph, strict, name):
    is_inputs_tuple, inputs = _as_tuple(inputs, 'inputs', name)
    inputs = _preprocess(inputs, create_graph, True)
    if v is not None:
        _, v = _as_tuple(v, 'v', name)
        v = _preprocess(v, create_graph, False)
        _validate_v(v, inputs, is_inputs_tuple)
    else:
        _single_element_check(inputs, 'the input to the user-provided function is')
    outputs = func(*inputs)
    is_outputs_tuple, outputs = _as_tuple(outputs, 'outputs of the user-provided function', name)
    _check_requires_grad(outputs, 'outputs', strict)
    if is_outputs_tuple:
        raise RuntimeError(f'The function given to {name} should return a single Tensor')
    if outputs[0]._data.size != 1:
        raise RuntimeError(f'The Tensor returned by the function given to {name} should contain a single element')
    jac = _autograd_grad(outputs, inputs, create_graph=True)
    _check_requires_grad(jac, 'jacobian', strict)
    return is_inputs_tuple, inputs, v, outputs, jac


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), v^T H)`` for a scalar ``func``.

    >>> vhp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
    (tensor(9.), tensor([ 6., 12.]))
    """
    with enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _second_order_setup(func, inputs, v, create_graph, strict, 'vhp')
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(jac, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'double_back')
    return _unpack(_postprocess(outputs, create_graph), False), _unpack(_postprocess(result, create_graph),
                                                                       is_inputs_tuple)


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(*inputs), H v)`` for a scalar ``func``, by the double-backward trick.

    >>> hvp(lambda x: (x ** 3).sum(), ember.tensor([1., 2.]), ember.ones(2))
    (tensor(9.), tensor([ 6., 12.]))
    """
    from .._creation import zeros_like  # noqa: PLC0415
    with enable_grad():
        is_inputs_tuple, inputs, v, outputs, jac = _second_order_setup(func, inputs, v, create_graph, strict, 'hvp')
        grad_jac = tuple(zeros_like(t, requires_grad=True) for t in inputs)
        double_back = _autograd_grad(jac, inputs, grad_jac, create_graph=True)
        _check_requires_grad(jac, 'hessian', strict)
    with set_grad_enabled(True if create_graph else is_grad_enabled()):
        grads = _autograd_grad(double_back, grad_jac, v, create_graph=create_graph)
        result = _fill_in_zeros(grads, inputs, strict, create_graph, 'double_back_trick')
    return _unpack(_postprocess(outputs, create_graph), False), _unpack(_postprocess(result, create_graph),
                                                                       is_inputs_tuple)


# ------------------------------------------------------------------------------------------------ stacking rows
def _function_xp(tensor):
    from .function import _xp_of  # noqa: PLC0415
    return _xp_of(tensor._data)


class _StackRows(Primitive):
    """Stack the rows of a Jacobian (each of the input's shape) into ``out_shape + in_shape``; differentiable, so
    ``create_graph=True`` Jacobians (and so Hessians) can be differentiated again."""

    _backward_name = 'StackBackward0'

    @staticmethod
    def forward(ctx, *rows, shape):
        ctx.rows_shape = (len(rows),) + rows[0].shape
        return ctx.xp.stack(rows).reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return _UnstackRows.apply(grad.reshape(ctx.rows_shape))


class _UnstackRows(Primitive):
    """The rows of a stacked tensor (the backward of ``_StackRows``)."""

    _backward_name = 'UnbindBackward0'

    @staticmethod
    def forward(ctx, stacked):
        ctx.shape, ctx.dtype = stacked.shape, stacked.dtype
        return tuple(stacked[i] for i in range(stacked.shape[0]))

    @staticmethod
    def backward(ctx, *grads):
        Tensor = _function_tensor()
        filled = [g if g is not None else Tensor._make(ctx.xp.zeros(ctx.shape[1:], dtype=ctx.dtype)) for g in grads]
        return _StackRows.apply(*filled, shape=ctx.shape)


def _stack(rows, out_shape, in_shape, like):
    if not rows:
        from .._creation import zeros  # noqa: PLC0415
        return zeros(out_shape + in_shape, dtype=like.dtype)
    return _StackRows.apply(*rows, shape=out_shape + in_shape)

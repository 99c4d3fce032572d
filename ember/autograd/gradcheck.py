"""gradcheck / gradgradcheck: compare analytical gradients with central finite differences, as PyTorch does.

Slow mode builds both Jacobians in full (one forward pair per input element, one backward per output element);
``fast_mode=True`` compares one random projection of them instead (one forward pair and one backward per
input/output pair), which is what to use for large inputs.
"""
from __future__ import annotations

import warnings

import numpy

__all__ = ['GradcheckError', 'gradcheck', 'gradgradcheck']


class GradcheckError(RuntimeError):
    """Error raised by :func:`gradcheck` and :func:`gradgradcheck`."""


def _as_tuple(x):
    if isinstance(x, tuple):
        return x
    if isinstance(x, list):
        return tuple(x)
    return (x,)


def _tensor_class():
    from .function import _function_tensor  # noqa: PLC0415
    return _function_tensor()


def _check_inputs(inputs):
    Tensor = _tensor_class()
    any_requires = False
    for idx, inp in enumerate(inputs):
        if isinstance(inp, Tensor) and inp._requires_grad:
            if inp._data.dtype not in (numpy.float64, numpy.complex128):
                warnings.warn(f'Input #{idx} requires gradient and is not a double precision floating point or '
                              'complex. This check will likely fail if all the inputs are not of double precision '
                              'floating point or complex. ', UserWarning, stacklevel=3)
            if inp._data.size and not all(st > 0 or sz <= 1 for st, sz in zip(inp._data.strides, inp._data.shape)):
                raise RuntimeError(f'The {idx}th input has a dimension with stride 0. gradcheck only supports inputs '
                                   'that are non-overlapping to be able to compute the numerical gradients '
                                   'correctly. You should call .contiguous on the input before passing it to '
                                   'gradcheck.')
            any_requires = True
    if not any_requires:
        raise ValueError('gradcheck expects at least one input tensor to require gradient, but none of them have '
                         'requires_grad=True.')


def _outputs_of(func, inputs):
    """The float/complex Tensor outputs of ``func`` (as arrays); grad mode stays on, as ``func`` may need it."""
    Tensor = _tensor_class()
    outs = _as_tuple(func(*inputs))
    return [o._data.copy() if isinstance(o, Tensor) and o._dtype._kind >= 2 else None for o in outs]


def _numerical_jacobians(func, inputs, diff_positions, out_positions, eps):
    """{(input i, output j): array (numel_in, numel_out)} by central differences, perturbing inputs in place."""
    jac = {}
    out_sizes = [o.size if o is not None else 0 for o in _outputs_of(func, inputs)] if diff_positions else []
    for i in diff_positions:
        data = inputs[i]._data
        cols = {j: [] for j in out_positions}
        for index in numpy.ndindex(data.shape):  # index the array itself: a non-contiguous input has no flat view
            orig = data[index].item()
            data[index] = orig + eps
            plus = _outputs_of(func, inputs)
            data[index] = orig - eps
            minus = _outputs_of(func, inputs)
            data[index] = orig
            for j in out_positions:
                cols[j].append(((plus[j] - minus[j]) / (2 * eps)).reshape(-1))
        for j in out_positions:
            rows = cols[j]
            jac[i, j] = numpy.stack(rows) if rows else numpy.zeros((0, out_sizes[j]), dtype=data.dtype)
    return jac


def _analytical_jacobians(outputs, inputs, diff_positions, out_positions):
    """{(input i, output j): array (numel_in, numel_out)}, one backward per output element."""
    from . import grad as autograd_grad  # noqa: PLC0415
    Tensor = _tensor_class()
    diff_inputs = [inputs[i] for i in diff_positions]
    jac = {}
    for j in out_positions:
        out = outputs[j]
        n_out = out._data.size
        cols = {i: numpy.zeros((inputs[i]._data.size, n_out), dtype=inputs[i]._data.dtype) for i in diff_positions}
        for k in range(n_out):
            seed = numpy.zeros(out._data.shape, dtype=out._data.dtype)
            seed.reshape(-1)[k] = 1
            grads = autograd_grad(out, diff_inputs, Tensor._make(seed), retain_graph=True, allow_unused=True)
            for i, g in zip(diff_positions, grads):
                if g is not None:
                    cols[i][:, k] = g._data.reshape(-1)
        for i in diff_positions:
            jac[i, j] = cols[i]
    return jac


def _message(output_idx, input_idx, numerical, analytical, fast=False):
    Tensor = _tensor_class()
    msg = (f'Jacobian mismatch for output {output_idx:d} with respect to input {input_idx:d},\n'
           f'numerical:{Tensor._make(numpy.asarray(numerical))!r}\n'
           f'analytical:{Tensor._make(numpy.asarray(analytical))!r}\n')
    if fast:
        msg += ('\nThe above quantities relating the numerical and analytical jacobians are computed \nin fast mode. '
                'See: https://github.com/pytorch/pytorch/issues/53876 for more background \nabout fast mode. '
                'Below, we recompute numerical and analytical jacobians in slow mode:\n')
    return msg


def _fail(message, raise_exception):
    if raise_exception:
        raise GradcheckError(message)
    return False


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_batched_forward_grad=False, check_forward_ad=False, check_backward_ad=True, fast_mode=False,
              masked=None) -> bool:
    """Check ``func``'s analytical gradients against central differences at ``inputs`` (use float64 inputs).

    Returns True, or raises GradcheckError (returns False with ``raise_exception=False``).

    >>> x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradcheck(lambda t: (t * t).sum(), (x,))
    True
    """
    Tensor = _tensor_class()
    inputs = _as_tuple(inputs)
    _check_inputs(inputs)
    diff_positions = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t._requires_grad]
    outputs = _as_tuple(func(*inputs))
    out_positions = [j for j, o in enumerate(outputs) if isinstance(o, Tensor) and o._requires_grad]
    if not out_positions:
        float_positions = [j for j, o in enumerate(outputs) if isinstance(o, Tensor) and o._dtype._kind >= 2]
        numerical = _numerical_jacobians(func, inputs, diff_positions, float_positions, eps)
        if any(numpy.any(v != 0) for v in numerical.values()):
            return _fail('Numerical gradient for function expected to be zero', raise_exception)
        return True
    if fast_mode:
        ok = _fast_check(func, inputs, outputs, diff_positions, out_positions, eps, atol, rtol)
        if ok is not True:
            i, j, numerical, analytical = ok
            slow_n = _numerical_jacobians(func, inputs, [i], [j], eps)[i, j]
            slow_a = _analytical_jacobians(outputs, inputs, [i], [j])[i, j]
            return _fail(_message(j, i, numerical, analytical, fast=True) +
                         _message(j, i, slow_n, slow_a), raise_exception)
    else:
        numerical = _numerical_jacobians(func, inputs, diff_positions, out_positions, eps)
        analytical = _analytical_jacobians(outputs, inputs, diff_positions, out_positions)
        for j in out_positions:
            for i in diff_positions:
                a, n = analytical[i, j], numerical[i, j]
                if a.shape != n.shape or not numpy.allclose(a, n, rtol=rtol, atol=atol):
                    return _fail(_message(j, i, n, a), raise_exception)
    if check_backward_ad and not _backward_scales_with_grad_output(outputs, inputs, diff_positions, out_positions):
        return _fail('backward not multiplied by grad_output', raise_exception)
    return True


def _fast_check(func, inputs, outputs, diff_positions, out_positions, eps, atol, rtol):
    """Compare v^T J u both ways for random u (inputs) and v (outputs); True, or the first mismatch."""
    from . import grad as autograd_grad  # noqa: PLC0415
    Tensor = _tensor_class()
    rng = numpy.random.default_rng(0)
    for i in diff_positions:
        data = inputs[i]._data
        u = rng.standard_normal(data.shape).astype(data.dtype)
        u /= max(numpy.linalg.norm(u.reshape(-1)), 1e-12)
        orig = data.copy()
        data[...] = orig + eps * u
        plus = _outputs_of(func, inputs)
        data[...] = orig - eps * u
        minus = _outputs_of(func, inputs)
        data[...] = orig
        for j in out_positions:
            out = outputs[j]
            v = rng.standard_normal(out._data.shape).astype(out._data.dtype)
            numerical = numpy.sum((plus[j] - minus[j]) / (2 * eps) * v)
            g, = autograd_grad(out, inputs[i], Tensor._make(v), retain_graph=True, allow_unused=True)
            analytical = numpy.sum(g._data * u) if g is not None else 0.0
            if not numpy.allclose(analytical, numerical, rtol=rtol, atol=atol):
                return i, j, numerical, analytical
    return True


def _backward_scales_with_grad_output(outputs, inputs, diff_positions, out_positions):
    """A zero grad_output must give zero input gradients (PyTorch's "backward not multiplied by grad_output")."""
    from . import grad as autograd_grad  # noqa: PLC0415
    Tensor = _tensor_class()
    outs = [outputs[j] for j in out_positions]
    zeros = [Tensor._make(numpy.zeros(o._data.shape, dtype=o._data.dtype)) for o in outs]
    grads = autograd_grad(outs, [inputs[i] for i in diff_positions], zeros, retain_graph=True, allow_unused=True)
    return all(g is None or not numpy.any(g._data) for g in grads)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  gen_non_contig_grad_outputs=False, raise_exception=True, nondet_tol=0.0, check_undefined_grad=True,
                  check_grad_dtypes=False, check_batched_grad=False, check_fwd_over_rev=False,
                  check_rev_over_rev=True, fast_mode=False, masked=False) -> bool:
    """gradcheck of the gradient of ``func``: second derivatives through ``create_graph=True``.

    >>> x = ember.tensor([1., 2.], dtype=ember.float64, requires_grad=True)
    >>> ember.autograd.gradgradcheck(lambda t: (t ** 3).sum(), (x,))
    True
    """
    from . import grad as autograd_grad  # noqa: PLC0415
    Tensor = _tensor_class()
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        outputs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o._requires_grad]
        rng = numpy.random.default_rng(0)
        grad_outputs = tuple(Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype))
                             .requires_grad_(True) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n_inputs = len(inputs)

    def new_func(*args):
        ins, gos = args[:n_inputs], args[n_inputs:]
        outs = [o for o in _as_tuple(func(*ins)) if isinstance(o, Tensor) and o._requires_grad]
        d_ins = [t for t in ins if isinstance(t, Tensor) and t._requires_grad]
        grads = autograd_grad(outs, d_ins, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(new_func, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception,
                     nondet_tol=nondet_tol, check_backward_ad=check_rev_over_rev, fast_mode=fast_mode)

"""gradcheck / gradgradcheck: compare analytical gradients with float64 central differences."""
from __future__ import annotations

from .grad_mode import no_grad


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _numerical_jacobian(fn, inputs, eps):
    """d(outputs)/d(inputs) by central differences, one column per input element."""
    from .._tensor import Tensor  # noqa: PLC0415
    jacobians = []
    for inp in inputs:
        if not (isinstance(inp, Tensor) and inp._requires_grad):
            jacobians.append(None)
            continue
        import numpy  # noqa: PLC0415
        data = inp._data
        cols = []
        for i in numpy.ndindex(data.shape):  # index the array itself: a non-contiguous input has no flat view
            orig = data[i].item()
            data[i] = orig + eps
            with no_grad():
                plus = [o.detach()._data.copy() for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]
            data[i] = orig - eps
            with no_grad():
                minus = [o.detach()._data.copy() for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor)]
            data[i] = orig
            cols.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
        jacobians.append(cols)
    return jacobians


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, nondet_tol=0.0,
              check_undefined_grad=True, check_grad_dtypes=False, check_batched_grad=False,
              check_backward_ad=True, fast_mode=False, masked=None, **kwargs):
    """True when ``func``'s analytical gradients match central differences at ``inputs`` (use float64)."""
    import numpy  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    from . import grad as autograd_grad  # noqa: PLC0415
    inputs = _as_tuple(inputs)
    diff_inputs = [t for t in inputs if isinstance(t, Tensor) and t._requires_grad]
    outputs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]
    numerical = _numerical_jacobian(func, inputs, eps)
    for out_index, out in enumerate(outputs):
        if not out._requires_grad:
            continue
        n_out = out._data.size
        for j in range(n_out):
            seed = numpy.zeros(out._data.shape, dtype=out._data.dtype)
            seed.reshape(-1)[j] = 1
            grads = autograd_grad(out, diff_inputs, Tensor._make(seed), retain_graph=True, allow_unused=True)
            k = 0
            for inp_index, inp in enumerate(inputs):
                if numerical[inp_index] is None:
                    continue
                analytic = grads[k]._data.reshape(-1) if grads[k] is not None else numpy.zeros(inp._data.size)
                k += 1
                numeric = numpy.array([col[out_index].reshape(-1)[j] for col in numerical[inp_index]])
                if not numpy.allclose(analytic, numeric, rtol=rtol, atol=atol):
                    if raise_exception:
                        raise GradcheckError(
                            f'Jacobian mismatch for output {out_index} with respect to input {inp_index},\n'
                            f'numerical:{numeric}\nanalytical:{analytic}\n')
                    return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3, gen_non_contig_grad_outputs=False,
                  raise_exception=True, **kwargs):
    """gradcheck of the gradient of ``func`` (second derivatives through create_graph=True)."""
    import numpy  # noqa: PLC0415
    from .._tensor import Tensor  # noqa: PLC0415
    from . import grad as autograd_grad  # noqa: PLC0415
    inputs = _as_tuple(inputs)
    outputs = [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o._requires_grad]
    if grad_outputs is None:
        rng = numpy.random.default_rng(0)
        grad_outputs = tuple(Tensor._make(rng.standard_normal(o._data.shape).astype(o._data.dtype))
                             .requires_grad_(True) for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    diff_inputs = [t for t in inputs if isinstance(t, Tensor) and t._requires_grad]

    def first_grads(*args):
        ins, gos = args[:len(inputs)], args[len(inputs):]
        outs = [o for o in _as_tuple(func(*ins)) if isinstance(o, Tensor) and o._requires_grad]
        d_ins = [t for t in ins if isinstance(t, Tensor) and t._requires_grad]
        grads = autograd_grad(outs, d_ins, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    del diff_inputs
    return gradcheck(first_grads, inputs + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)

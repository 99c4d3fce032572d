"""ember.autograd.functional: jacobian, hessian, vjp, jvp built on autograd.grad."""
from __future__ import annotations

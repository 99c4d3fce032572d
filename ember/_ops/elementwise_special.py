"""Special functions over whole arrays: erf, erfc, erfinv, lgamma, digamma and trigamma.

Each takes a 1-d float64 array of the backend ``xp`` (NumPy or CuPy) and returns a float64 array; callers reshape
and cast. Everything is written with ``xp`` operations (no per-element Python), accurate to a few ulps in float64.
Pieces of a range are computed on the elements in it, picked by integer indices (``flatnonzero``: NumPy's boolean
indexing is some 30 times slower).

- erf for ``|x| < 0.5`` is its Taylor series; beyond, ``erfc(x) = exp(-x*x) * erfcx(x)`` with the scaled function
  ``erfcx`` taken from Chebyshev interpolants on pieces of [0.5, 4] and, in ``u = 1/x**2``, on [4, inf). The
  interpolants are built once, on first use, from ``math.erfc`` at the Chebyshev nodes.
- erfinv refines Giles' single-precision approximation with two Newton steps on erf (on erfc in the tails).
- lgamma is Stirling's series for ``x >= 8`` (smaller ``x`` shifted up by the recurrence), the Taylor series of
  ``lgamma(2 + z)`` near 1 and 2 (its zeros, so these stay accurate relative to the result), and the reflection
  formula for negative ``x``. digamma and trigamma are their asymptotic series after the recurrence, with reflection.
"""
from __future__ import annotations

import functools
import math

_EULER = 0.57721566490153286061
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
_LOG_PI = math.log(math.pi)
# Bernoulli numbers B2, B4, ..., B20
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798, -174611 / 330)


def _horner(coefficients, t):
    """``sum(c_k t**k)`` with ``coefficients`` highest power first (Python floats)."""
    out = t * coefficients[0] + coefficients[1]
    for c in coefficients[2:]:
        out *= t
        out += c
    return out


# ------------------------------------------------------------------------------------------------ erf, erfc

def _erfcx_reference(x):
    """``exp(x*x) * erfc(x)`` for one float, from ``math.erfc`` (asymptotic series where it underflows)."""
    if x > 25.0:
        total, term = 0.0, 1.0
        for n in range(40):
            total += term
            term *= -(2 * n + 1) / (2 * x * x)
        return total / (x * math.sqrt(math.pi))
    head = math.floor(x * 16) / 16  # x*x = head**2 (exact) + (x - head)(x + head) keeps exp(x*x) exact to an ulp
    return math.erfc(x) * math.exp(head * head) * math.exp((x - head) * (x + head))


def _chebyshev_fit(fn, degree):
    """Monomial coefficients (highest first) in ``t`` on [-1, 1] of the Chebyshev interpolant of ``fn(t)``."""
    import numpy  # noqa: PLC0415 - fitting runs once, on the CPU, whatever the backend
    from numpy.polynomial import chebyshev  # noqa: PLC0415
    n = 2 * degree + 8
    nodes = numpy.cos(numpy.pi * (numpy.arange(n) + 0.5) / n)
    coefficients = chebyshev.chebfit(nodes, [fn(float(t)) for t in nodes], degree)
    return tuple(float(c) for c in chebyshev.cheb2poly(coefficients)[::-1])


@functools.cache
def _erfc_pieces():
    """``(low, high, coefficients)``: erfcx on [low, high) in ``t = (x - mid) / half`` (the last piece: in
    ``u = 1/x**2``, returning ``x * erfcx(x)``)."""
    pieces = []
    for low, high, degree in ((0.5, 1.0, 14), (1.0, 1.5, 13), (1.5, 2.0, 13), (2.0, 3.0, 15), (3.0, 4.0, 15)):
        mid, half = (low + high) / 2, (high - low) / 2
        pieces.append((low, high, _chebyshev_fit(lambda t: _erfcx_reference(mid + half * t), degree)))

    def tail(t):  # u = (t + 1) / 32 covers (0, 1/16], x = u ** -0.5 covers [4, inf)
        u = (t + 1) / 32
        return 1 / math.sqrt(math.pi) if u <= 0 else _erfcx_reference(u ** -0.5) * u ** -0.5
    pieces.append((4.0, math.inf, _chebyshev_fit(tail, 18)))
    return tuple(pieces)


_ERF_SERIES = tuple(_TWO_OVER_SQRT_PI * (-1) ** n / (math.factorial(n) * (2 * n + 1)) for n in range(13))[::-1]


def _erf_small(x):
    """erf for ``|x| < 0.5``: its Taylor series."""
    return x * _horner(_ERF_SERIES, x * x)


def _erfc_large(xp, a):
    """erfc for ``a >= 0.5`` (float64, no NaN)."""
    a = xp.minimum(a, 30.0)  # erfc(30) underflows to 0 already; keeps the products below finite
    scaled = xp.empty_like(a)
    pieces = _erfc_pieces()
    for low, high, coefficients in pieces[:-1]:
        inside = xp.flatnonzero((a >= low) & (a < high))
        part = a[inside]
        scaled[inside] = _horner(coefficients, (part - (low + high) / 2) / ((high - low) / 2))
    low, _, coefficients = pieces[-1]
    inside = xp.flatnonzero(a >= low)
    part = a[inside]
    scaled[inside] = _horner(coefficients, 32 / (part * part) - 1) / part
    head = xp.floor(a * 16) / 16  # exp(-a*a) without the rounding error of a*a (see _erfcx_reference)
    return xp.exp(-head * head) * xp.exp(-(a - head) * (a + head)) * scaled


def _erf_parts(xp, x):
    """``(small, erf on small, erfc(|x|) off small)`` with ``small = |x| < 0.5``."""
    a = xp.abs(x)
    small = xp.flatnonzero(a < 0.5)
    large = xp.flatnonzero(a >= 0.5)
    erf_small = _erf_small(x[small])
    erfc_large = _erfc_large(xp, a[large])
    return small, large, erf_small, erfc_large


def erf(xp, x):
    """The error function of a float64 array."""
    small, large, erf_small, erfc_large = _erf_parts(xp, x)
    out = xp.full(x.shape, math.nan)
    out[small] = erf_small
    out[large] = xp.copysign(1.0 - erfc_large, x[large])
    return out


def erfc(xp, x):
    """The complementary error function ``1 - erf(x)`` of a float64 array, accurate in the tail."""
    small, large, erf_small, erfc_large = _erf_parts(xp, x)
    out = xp.full(x.shape, math.nan)
    out[small] = 1.0 - erf_small
    out[large] = xp.where(x[large] < 0, 2.0 - erfc_large, erfc_large)
    return out


_GILES_CENTRE = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503,
                 -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613,
               0.00943887047, 1.00167406, 2.83297682)


def erfinv(xp, y):
    """The inverse error function of a 1-d float64 array (±inf at ±1, NaN outside [-1, 1])."""
    inside = xp.abs(y) < 1
    safe = xp.where(inside, y, 0.0)
    a = xp.abs(safe)
    # Giles' single-precision approximation as the start
    w = -xp.log((1.0 - a) * (1.0 + a))
    centre = w < 5.0
    x = xp.where(centre, _horner(_GILES_CENTRE, w - 2.5),
                 _horner(_GILES_TAIL, xp.sqrt(xp.where(centre, 5.0, w)) - 3.0)) * a
    # Newton steps: on erf(x) = a up to 0.5; beyond, on log(erfc(x)) = log(1 - a) (1 - a is exact there), nearly
    # linear in x, so that a start far out in the tail converges as fast
    centre, tail = xp.flatnonzero(a < 0.5), xp.flatnonzero(a >= 0.5)
    x_centre, a_centre = x[centre], a[centre]
    for _ in range(2):
        x_centre = x_centre - (erf(xp, x_centre) - a_centre) / (_TWO_OVER_SQRT_PI * xp.exp(-x_centre * x_centre))
    x_tail, log_rest = x[tail], xp.log(1.0 - a[tail])
    for _ in range(4):  # a start near a = 1 - 2**-53 (w = 36) is off by 0.7: three steps leave 2e-9
        complement = erfc(xp, x_tail)
        x_tail = x_tail + (xp.log(complement) - log_rest) * complement / (_TWO_OVER_SQRT_PI * xp.exp(-x_tail * x_tail))
    x[centre] = x_centre
    x[tail] = x_tail
    x = xp.copysign(x, safe)
    edge = xp.where(y == 1, math.inf, xp.where(y == -1, -math.inf, math.nan))
    return xp.where(inside, x, edge)


# ------------------------------------------------------------------------------------------------ gamma family

@functools.cache
def _lgamma_series():
    """Taylor coefficients (highest first) of ``lgamma(2 + z)``, ``(1 - euler) z + sum_k (-1)**k (zeta(k) - 1) / k
    z**k`` for k = 2..20 (enough for ``|z| <= 0.25``)."""
    terms = [0.0, 1.0 - _EULER]
    for k in range(2, 21):
        # zeta(k) - 1 = sum_{n >= 2} n**-k: 40 terms, then the Euler-Maclaurin tail from n = 42
        n = 42
        tail = (n ** (1 - k) / (k - 1) + n ** -k / 2 + k * n ** (-k - 1) / 12
                - k * (k + 1) * (k + 2) * n ** (-k - 3) / 720)
        zeta_minus_one = math.fsum([m ** -k for m in range(2, n)] + [tail])
        terms.append((-1) ** k * zeta_minus_one / k)
    return tuple(terms[::-1])


_STIRLING = tuple(b / (2 * k * (2 * k - 1)) for k, b in enumerate(_BERNOULLI[:9], 1))[::-1]


def _lgamma_positive(xp, x):
    """lgamma for finite ``x > 0`` (float64)."""
    out = xp.empty_like(x)
    near_one, near_two = xp.abs(x - 1) <= 0.25, xp.abs(x - 2) <= 0.25
    rest = xp.flatnonzero(~(near_one | near_two))
    near_one, near_two = xp.flatnonzero(near_one), xp.flatnonzero(near_two)
    series = _lgamma_series()
    z = x[near_one] - 1
    out[near_one] = _horner(series, z) - xp.log1p(z)
    out[near_two] = _horner(series, x[near_two] - 2)
    y = x[rest]
    # lgamma(y) = lgamma(y + n) - log(y (y+1) ... (y+n-1)), with y + n >= 8 for Stirling's series
    product = xp.ones_like(y)
    for _ in range(8):
        shift = y < 8
        product = xp.where(shift, product * y, product)
        y = xp.where(shift, y + 1, y)
    s = 1 / y
    log_y = xp.log(y)
    stirling = y * (log_y - 1) - 0.5 * log_y + _HALF_LOG_2PI + s * _horner(_STIRLING, s * s)
    out[rest] = stirling - xp.log(product)
    return out


def lgamma(xp, x):
    """``log|gamma(x)|`` of a float64 array (inf at the poles 0, -1, -2, ... and at ±inf)."""
    out = xp.full(x.shape, math.inf)
    nearest = xp.round(x)
    pole = (x <= 0) & (x == nearest) | xp.isinf(x)
    positive = xp.flatnonzero((x > 0) & ~pole)
    negative = xp.flatnonzero((x < 0) & ~pole)
    out[positive] = _lgamma_positive(xp, x[positive])
    # reflection: gamma(x) gamma(1 - x) = pi / sin(pi x), with sin taken at the exact remainder x - round(x)
    v = x[negative]
    sin = xp.abs(xp.sin(math.pi * (v - nearest[negative])))
    out[negative] = _LOG_PI - xp.log(sin) - _lgamma_positive(xp, 1 - v)
    return xp.where(xp.isnan(x), math.nan, out)


def _shift_up(xp, y, minimum, power):
    """``(y + n, sum_{i < n} 1 / (y + i) ** power)`` with the smallest ``n`` making ``y + n >= minimum``."""
    total = xp.zeros_like(y)
    for _ in range(int(minimum)):
        shift = y < minimum
        if not shift.any():
            break
        safe = xp.where(shift, y, 1.0)
        total = total + xp.where(shift, safe ** -power, 0.0)
        y = xp.where(shift, y + 1, y)
    return y, total


def digamma(xp, x):
    """``d/dx lgamma(x)`` of a float64 array (NaN at negative integers, -inf at +0 and +inf at -0, as PyTorch)."""
    negative = x < 0
    y = xp.where(negative, 1 - x, x)
    y, total = _shift_up(xp, xp.where(y == 0, 1.0, y), 10, 1)
    z = 1 / (y * y)
    series = z * _horner(tuple(b / (2 * k) for k, b in enumerate(_BERNOULLI, 1))[::-1], z)
    result = xp.log(y) - 0.5 / y - series - total
    # reflection: digamma(x) = digamma(1 - x) - pi / tan(pi x), at the exact remainder x - round(x)
    remainder = xp.where(negative, x - xp.round(x), 0.25)
    result = xp.where(negative, result - math.pi / xp.tan(math.pi * remainder), result)
    result = xp.where(negative & (remainder == 0) | (x == -math.inf), math.nan, result)
    return xp.where(x == 0, xp.where(xp.signbit(x), math.inf, -math.inf), result)


def trigamma(xp, x):
    """``polygamma(1, x)`` of a float64 array (the derivative of digamma)."""
    negative = x < 0
    y = xp.where(negative, 1 - x, x)
    y, total = _shift_up(xp, xp.where(y == 0, 1.0, y), 10, 2)
    z = 1 / (y * y)
    series = 1 / y + 0.5 * z + z / y * _horner(_BERNOULLI[::-1], z)
    result = total + series
    sin = xp.sin(math.pi * xp.where(negative, x - xp.round(x), 0.25))
    result = xp.where(negative, math.pi ** 2 / (sin * sin) - result, result)
    return xp.where(x == 0, math.inf, result)

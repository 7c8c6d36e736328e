r"""The :math:`\log(1 + u)`, :math:`u \ge 0`, that the generated C evaluates, derived and proved here.

Every logarithm in the softmax family's accurate scheme is :math:`L = \log(1 + u)` with
:math:`u = (c - 1) + t \ge 0` (seed document 002: the log-sum-exp; 001: the log-softmax).
The C kernels take it for a whole tile of rows at once, in a vector loop, so it is
computed without branches or table look-ups:

.. math:: 1 + u = w + \epsilon \ (\text{TwoSum, exact}), \quad w = 2^k (1 + f),
          \quad \tfrac{\sqrt 2}{2} \le 1 + f < \sqrt 2,

.. math:: \log(1 + u) = k \ln 2 + \log(1 + f) + \log(1 + \epsilon/w),
          \quad \log(1 + \epsilon/w) = \epsilon/w + O(2^{-106}),

.. math:: \log(1 + f) = 2\operatorname{atanh}(s) \approx 2s + s R, \quad s = \frac{f}{2 + f},
          \quad R = \frac{2\operatorname{atanh}(s) - 2s}{s} \approx s^2 \rho(s^2),

the reduction of fdlibm's ``log1p`` (Sun Microsystems, 1993), with :math:`\rho` a degree-6
polynomial fitted by Chebyshev interpolation (``mpmath.chebyfit``) to
:math:`(2\operatorname{atanh}\sqrt z - 2\sqrt z)/z^{3/2}` on :math:`[0, S^2]` and rounded to doubles;
:math:`k \ln 2` uses the Cody-Waite split of the exp kernel (claim ``exp.cody_waite_exact``).
The claims prove the reduction, the atanh form of :math:`\log(1 + f)` and the relative error
of :math:`2s + s^3\rho(s^2)` as :math:`2\operatorname{atanh}(s)` (rigorously, in exact rationals);
the rounding of the double evaluation, with s carried as a double-double and a series for
:math:`u < 2^{-30}`, is Gappa's (``fp.log1p.*``, codegen/backends/gappa).
The fast tier (``precision="fast"``: float32 log_sigmoid and softplus in binary32 lanes) takes
:math:`\log(1 + e)` for :math:`e = e^{-|x|} \in [0, 1]` the same way without the reduction
(:math:`s = e/(2 + e) \le 1/3`), with its own :math:`\rho` of degree 4 in binary32
(:func:`fast_log1p_kernel`, claim ``log1p.fast.polynomial_error``); its rounding is Gappa's
(``fp.log1p.fast``). The float32 results of log_sigmoid and softplus (the default tier) take the same form
in double with a degree-6 :math:`\rho` (:func:`single_log1p_kernel`, ``log1p.single.polynomial_error``, 2^-41;
``fp.log1p.single``): the double-double kernel above is for float64 results.
Source ``codegen``.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import mpmath
import sympy as sp

from .claims import Claim
from .engine import AtanhEnclosure, Simplify, Status
from .sources import CODEGEN
from .symbols import eq, le

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

__all__ = ["Log1pKernel", "log1p_kernel", "AtanhLog1pKernel", "fast_log1p_kernel", "single_log1p_kernel", "RADIUS", "DEGREE", "ERROR_BOUND", "FAST_RADIUS",
           "FAST_DEGREE", "FAST_ERROR_BOUND", "SINGLE_DEGREE", "SINGLE_ERROR_BOUND"]

RADIUS = sp.Rational(43, 250)  # 0.172 > 3 - 2 sqrt 2 = 0.17157...: |s| for 1 + f in [sqrt(2)/2, sqrt 2), plus rounding
DEGREE = 6  # of rho; the odd polynomial 2s + s^3 rho(s^2) has degree 15
ERROR_BOUND = sp.Rational(1, 2**57)  # relative error of 2s + s^3 rho(s^2) as 2 atanh(s) on [-S, S]
FAST_RADIUS = sp.Rational(3334, 10000)  # > 1/3 = e/(2 + e) at e = 1 (the fast tier's s, binary32 rounding included)
FAST_DEGREE = 4  # of the fast tier's rho (binary32 coefficients: a higher degree gains nothing once they are rounded)
FAST_ERROR_BOUND = sp.Rational(1, 2**29)  # relative error of its 2s + s^3 rho(s^2) as 2 atanh(s) on [-S, S] (2^-29.96 measured)
SINGLE_DEGREE = 6  # of rho for float32 results of log_sigmoid and softplus (double coefficients, s <= 1/3 as the fast tier's)
SINGLE_ERROR_BOUND = sp.Rational(1, 2**41)  # its relative error (2^-41.83 measured)
s_sym = sp.Symbol("s", real=True)
g_sym = sp.Symbol("g", positive=True)  # 1 + f
v_sym = sp.Symbol("v", positive=True)  # 1 + epsilon/w
k_sym = sp.Symbol("k", integer=True)

@dataclass(frozen=True)
class AtanhLog1pKernel:
    """log(1 + f) as 2 atanh(s), s = f/(2 + f): the coefficients of rho, lowest degree first, each an exact binary32 (the
    fast tier's) or binary64 number (the ``float`` holding it). On its own (fast_log1p_kernel, single_log1p_kernel) it
    takes 0 <= f <= 1 without a reduction (s <= 1/3)."""

    rho: tuple[float, ...]

    def odd_polynomial(self, var: sp.Symbol = s_sym) -> sp.Expr:
        r""":math:`2s + s^3 \rho(s^2)` with the coefficients as exact rationals."""
        rho = sum(sp.Rational(Fraction(c)) * var ** (2 * i) for i, c in enumerate(self.rho))
        return 2 * var + var**3 * rho


@dataclass(frozen=True)
class Log1pKernel(AtanhLog1pKernel):
    """Constants of the log1p kernel (with its reduction to sqrt(2)/2 <= 1 + f < sqrt 2), each an exact double."""

    sqrt_half_bits: int  # bits of the double nearest sqrt(2)/2: subtracting them centres 1 + f on 1


def _rho_fit(radius: sp.Rational, degree: int) -> list[mpmath.mpf]:
    r"""Chebyshev interpolation (``mpmath.chebyfit``) of :math:`\rho(z) = (2\operatorname{atanh}\sqrt z - 2\sqrt z)/z^{3/2}`
    on :math:`[0, S^2]`, highest degree first (at 40 digits: deterministic)."""
    with mpmath.workdps(40):
        z_max = mpmath.mpf(radius.p) ** 2 / radius.q**2

        def rho(z: mpmath.mpf) -> mpmath.mpf:
            if z == 0:
                return mpmath.mpf(2) / 3
            root = mpmath.sqrt(z)
            return (2 * mpmath.atanh(root) - 2 * root) / (z * root)

        return list(mpmath.chebyfit(rho, [0, z_max], degree + 1))


@cache
def log1p_kernel() -> Log1pKernel:
    """Derive the constants (deterministic: fixed precision, fixed interval, fixed degree)."""
    import struct

    sqrt_half = float(mpmath.sqrt(2) / 2)
    return Log1pKernel(
        sqrt_half_bits=struct.unpack("<Q", struct.pack("<d", sqrt_half))[0],
        rho=tuple(float(c) for c in reversed(_rho_fit(RADIUS, DEGREE))),
    )


@cache
def fast_log1p_kernel() -> AtanhLog1pKernel:
    """Derive the binary32 coefficients (deterministic: fixed precision, interval and degree)."""
    import numpy

    return AtanhLog1pKernel(rho=tuple(float(numpy.float32(float(c))) for c in reversed(_rho_fit(FAST_RADIUS, FAST_DEGREE))))


@cache
def single_log1p_kernel() -> AtanhLog1pKernel:
    """The double coefficients of log_sigmoid's and softplus' log1p for float32 results (the first stage of their
    correctly rounded kernels), on the fast tier's interval: 2^-41 is far below the float32 exp's 2^-37."""
    return AtanhLog1pKernel(rho=tuple(float(c) for c in reversed(_rho_fit(FAST_RADIUS, SINGLE_DEGREE))))


_L = log1p_kernel()
_s = s_sym
_f = g_sym - 1  # f > -1
_s_of_f = _f / (2 + _f)
REDUCTION = Claim(
    id="log1p.reduction",
    source=CODEGEN,
    quote="log(w + epsilon) = k log 2 + log(1 + f) + log(1 + epsilon/w) for w = 2^k (1 + f)",
    statement=eq(sp.log(2**k_sym * g_sym * v_sym), k_sym * sp.log(2) + sp.log(g_sym) + sp.log(v_sym)),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(r"$k \in \mathbb{Z}$, $g = 1 + f > 0$, $v = 1 + \epsilon/w > 0$ (so $w + \epsilon = 2^k g v$)",),
)

ATANH_FORM = Claim(
    id="log1p.atanh_form",
    source=CODEGEN,
    quote="log(1 + f) = 2 atanh(s) with s = f/(2 + f)",
    statement=eq(2 * sp.atanh(_s_of_f), sp.log(g_sym)),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(r"$g = 1 + f > 0$",),
)

POLYNOMIAL_ERROR = Claim(
    id="log1p.polynomial_error",
    source=CODEGEN,
    quote="|(2s + s^3 rho(s^2)) / (2 atanh s) - 1| <= 2^-57 on [-0.172, 0.172], rho of degree 6",
    statement=le(
        sp.Piecewise((sp.Abs(_L.odd_polynomial() / (2 * sp.atanh(_s)) - 1), sp.Abs(_s) <= RADIUS), (0, True)),
        ERROR_BOUND,
    ),
    strategy=AtanhEnclosure(_s),
    expected=Status.PROVED,
    assumptions=(
        r"$|s| \le 0.172$ ($3 - 2\sqrt 2 = 0.17157$ for $1 + f \in [\sqrt 2/2, \sqrt 2)$, plus the rounding of $s$)",
        "coefficients as the exact doubles printed into the C source",
        "approximation error only: the rounding of the evaluation is measured (python cli.py accuracy)",
    ),
)

def _unreduced_polynomial_claim(claim_id: str, kernel: AtanhLog1pKernel, bound: sp.Rational, what: str, numbers: str,
                                rounding: str) -> Claim:
    """log1p.<tier>.polynomial_error: an unreduced atanh kernel's odd polynomial against 2 atanh(s) on |s| <= FAST_RADIUS."""
    return Claim(
        id=claim_id,
        source=CODEGEN,
        quote=f"|(2s + s^3 rho(s^2)) / (2 atanh s) - 1| <= 2^-{sp.log(1 / bound, 2)} on [-{float(FAST_RADIUS)}, {float(FAST_RADIUS)}], rho of degree "
              f"{len(kernel.rho) - 1} with {numbers} coefficients ({what})",
        statement=le(
            sp.Piecewise((sp.Abs(kernel.odd_polynomial() / (2 * sp.atanh(_s)) - 1), sp.Abs(_s) <= FAST_RADIUS), (0, True)),
            bound,
        ),
        strategy=AtanhEnclosure(_s),
        expected=Status.PROVED,
        assumptions=(
            rf"$|s| \le {float(FAST_RADIUS)}$: $s = e/(2 + e) \le 1/3$ for $0 \le e \le 1$ (log1p.atanh_form with $f = e$)",
            f"coefficients as the exact {numbers} numbers printed into the C source",
            f"approximation error only: the {numbers} evaluation's rounding is {rounding}",
        ),
    )


FAST_POLYNOMIAL_ERROR = _unreduced_polynomial_claim(
    "log1p.fast.polynomial_error", fast_log1p_kernel(), FAST_ERROR_BOUND, "the fast tier's log1p", "binary32", "fp.log1p.fast")
SINGLE_POLYNOMIAL_ERROR = _unreduced_polynomial_claim(
    "log1p.single.polynomial_error", single_log1p_kernel(), SINGLE_ERROR_BOUND,
    "log_sigmoid's and softplus' log1p for float32 results", "binary64", "fp.log1p.single")

CLAIMS.extend((
    REDUCTION,
    ATANH_FORM,
    POLYNOMIAL_ERROR,
    FAST_POLYNOMIAL_ERROR,
    SINGLE_POLYNOMIAL_ERROR,
))

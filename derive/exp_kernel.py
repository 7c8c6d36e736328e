r"""The exponential the generated C evaluates, derived and proved here.

:math:`e^{a}` for :math:`a \le 0` (every exponential in the softmax family is taken of
a non-positive number: :math:`x_i - \max_j x_j`, :math:`-|x|`) is computed as

.. math:: e^{a} = 2^{k} e^{r}, \quad k = \operatorname{round}(a/\ln 2), \quad
          r = (a - k\,\ell_{hi}) - k\,\ell_{lo}, \quad |r| \le R,

with :math:`\ell_{hi} + \ell_{lo} \approx \ln 2` (Cody and Waite's split: :math:`\ell_{hi}`
has few enough significant bits that :math:`k\,\ell_{hi}` is exact), and
:math:`e^{r} \approx P(r) = 1 + r + r^2 q(r)`, :math:`q` a degree-10 polynomial fitted to
:math:`(e^r - 1 - r)/r^2` by Chebyshev interpolation (``mpmath.chebyfit``) and rounded to
doubles. The claims below prove the range reduction, the exactness of :math:`k\,\ell_{hi}`,
the accuracy of the split and the relative error of :math:`P` on :math:`[-R, R]`
(rigorously, by interval arithmetic). Rounding errors of the double evaluation are
measured in ULPs by ``python cli.py accuracy``, not claimed here.

Kernels whose result is rounded to float32 use a shorter polynomial (:math:`q` of degree
6, relative error :math:`\le 2^{-37}`, proved the same way): a float32 result within 1 ULP
needs a relative error below :math:`2^{-25}` before its final rounding, so the degree-10
polynomial would buy digits that the rounding to float32 throws away.
Source ``codegen`` (seed document 001 motivates the stable form).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cache

import mpmath
import sympy as sp

from .claims import Claim
from .engine import Enclosure, PolynomialEnclosure, Simplify, Status
from .sources import CODEGEN
from .symbols import eq, le, lt

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

__all__ = ["ExpKernel", "exp_kernel", "CLAMP", "NORMAL_LIMIT", "RADIUS", "DEGREE", "ERROR_BOUND", "SINGLE_DEGREE", "SINGLE_ERROR_BOUND"]

RADIUS = sp.Rational(7, 20)  # > ln(2)/2 = 0.34657...: room for the rounding of k and the correction term
DEGREE = 10  # of q; P has degree 12
ERROR_BOUND = sp.Rational(1, 2**59)  # relative error of P on [-R, R]
SINGLE_DEGREE = 6  # of q for float32 results; P has degree 8
SINGLE_ERROR_BOUND = sp.Rational(1, 2**37)
HI_BITS = 42  # significant bits of ln2_hi: |k| <= 2**11 keeps k * ln2_hi exact in 53 bits
CLAMP = -1080.0  # the kernels evaluate e^max(a, CLAMP): e^-1080 < 2^-1558 rounds to 0 (and -inf clamps too)
NORMAL_LIMIT = -708.0  # e^a is a normal double for a >= -708 (2^-1021.4): no subnormal scaling needed
K_MAX = 2**11  # |k| for a >= CLAMP
r_sym = sp.Symbol("r", real=True)
k_sym = sp.Symbol("k", integer=True)


@dataclass(frozen=True)
class ExpKernel:
    """Constants of the exp kernel, each an exact double (``float``)."""

    inv_ln2: float
    ln2_hi: float
    ln2_lo: float
    shifter: float  # 1.5 * 2**52: (y + shifter) - shifter rounds y to an integer
    q: tuple[float, ...]  # coefficients of q, lowest degree first

    def polynomial(self, var: sp.Symbol = r_sym) -> sp.Expr:
        """:math:`P(r) = 1 + r + r^2 q(r)` with the double coefficients as exact rationals."""
        q = sum(sp.Rational(Fraction(c)) * var**i for i, c in enumerate(self.q))
        return 1 + var + var**2 * q


def _round_bits(value: mpmath.mpf, bits: int) -> Fraction:
    mantissa, exponent = mpmath.frexp(value)
    scaled = int(mpmath.nint(mantissa * 2**bits))
    return Fraction(scaled) * Fraction(2) ** (int(exponent) - bits)


@cache
def exp_kernel(degree: int = DEGREE) -> ExpKernel:
    """Derive the constants (deterministic: fixed precision, fixed interval, the given degree of q)."""
    with mpmath.workdps(40):
        ln2 = mpmath.log(2)
        hi = _round_bits(ln2, HI_BITS)
        lo = float(ln2 - mpmath.mpf(hi.numerator) / hi.denominator)

        def q(r: mpmath.mpf) -> mpmath.mpf:
            return mpmath.mpf(1) / 2 if r == 0 else (mpmath.expm1(r) - r) / r**2

        radius = mpmath.mpf(RADIUS.p) / RADIUS.q
        coeffs = mpmath.chebyfit(q, [-radius, radius], degree + 1)  # highest degree first
        return ExpKernel(
            inv_ln2=float(1 / ln2),
            ln2_hi=float(hi),
            ln2_lo=lo,
            shifter=1.5 * 2.0**52,
            q=tuple(float(c) for c in reversed(coeffs)),
        )


def _significand(value: float) -> int:
    fraction = Fraction(value)
    while fraction.denominator > 1:
        fraction *= 2
    while fraction.numerator % 2 == 0:
        fraction /= 2
    return abs(fraction.numerator)


_K = exp_kernel()
_K_SINGLE = exp_kernel(SINGLE_DEGREE)
RANGE_REDUCTION = Claim(
    id="exp.range_reduction",
    source=CODEGEN,
    quote="the exp kernel evaluates 2^k * exp(r) with r = a - k ln 2",
    statement=eq(sp.exp(r_sym + k_sym * sp.log(2)), 2**k_sym * sp.exp(r_sym)),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(r"$r \in \mathbb{R}$, $k \in \mathbb{Z}$",),
)

CODY_WAITE_EXACT = Claim(
    id="exp.cody_waite_exact",
    source=CODEGEN,
    quote=f"k * ln2_hi is exact in double precision for |k| <= {K_MAX} (ln2_hi = {_K.ln2_hi.hex()})",
    statement=lt(K_MAX * _significand(_K.ln2_hi), sp.Integer(2) ** 53),
    strategy=Enclosure(),
    expected=Status.PROVED,
    assumptions=(
        r"$|k| \le 2^{11}$ (the kernels clamp $a \ge -1080$, so $|k| \le 1559$)",
        "a product of integers below 2^53 in magnitude is exact in binary64",
    ),
    note=f"ln2_hi has {_significand(_K.ln2_hi).bit_length()} significant bits.",
)

LN2_SPLIT = Claim(
    id="exp.ln2_split",
    source=CODEGEN,
    quote=f"ln2_hi + ln2_lo = ln 2 to within 2^-100 (ln2_lo = {_K.ln2_lo.hex()})",
    statement=le(
        sp.Abs(sp.Rational(Fraction(_K.ln2_hi)) + sp.Rational(Fraction(_K.ln2_lo)) - sp.log(2)),
        sp.Rational(1, 2**100),
    ),
    strategy=Enclosure(),
    expected=Status.PROVED,
    assumptions=("the constants as the exact doubles printed into the C source",),
)

POLYNOMIAL_ERROR = Claim(
    id="exp.polynomial_error",
    source=CODEGEN,
    quote="|P(r) / exp(r) - 1| <= 2^-59 on [-0.35, 0.35], P(r) = 1 + r + r^2 q(r), q of degree 10",
    statement=le(
        sp.Piecewise((sp.Abs(_K.polynomial() * sp.exp(-r_sym) - 1), sp.Abs(r_sym) <= RADIUS), (0, True)), ERROR_BOUND
    ),
    strategy=PolynomialEnclosure(r_sym),
    expected=Status.PROVED,
    assumptions=(
        r"$|r| \le 0.35$ ($\ln 2 / 2 = 0.3466$ plus room for the rounding of $k$ and the folded-in correction)",
        "coefficients as the exact doubles printed into the C source",
        "approximation error only: the rounding of the evaluation is measured (python cli.py accuracy)",
    ),
)

POLYNOMIAL_ERROR_SINGLE = Claim(
    id="exp.polynomial_error_single",
    source=CODEGEN,
    quote="|P(r) / exp(r) - 1| <= 2^-37 on [-0.35, 0.35], q of degree 6 (the exp of float32 results)",
    statement=le(
        sp.Piecewise((sp.Abs(_K_SINGLE.polynomial() * sp.exp(-r_sym) - 1), sp.Abs(r_sym) <= RADIUS), (0, True)),
        SINGLE_ERROR_BOUND,
    ),
    strategy=PolynomialEnclosure(r_sym),
    expected=Status.PROVED,
    assumptions=(
        r"$|r| \le 0.35$, as for exp.polynomial_error",
        "coefficients as the exact doubles printed into the C source",
        r"approximation error only; a float32 result stays within 1 ULP while the double evaluation is within $2^{-25}$",
    ),
)

CLAIMS.extend((
    RANGE_REDUCTION,
    CODY_WAITE_EXACT,
    LN2_SPLIT,
    POLYNOMIAL_ERROR,
    POLYNOMIAL_ERROR_SINGLE,
))

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
from .engine import Enclosure, ExpTailEnclosure, PolynomialEnclosure, Simplify, Status
from .sources import CODEGEN
from .symbols import eq, le, lt

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

__all__ = ["ExpKernel", "exp_kernel", "FastExpKernel", "fast_exp_kernel", "FAST_CLAMP", "FAST_DEGREE", "FAST_ERROR_BOUND", "CLAMP", "NORMAL_LIMIT", "RADIUS", "DEGREE", "ERROR_BOUND", "SINGLE_DEGREE", "SINGLE_ERROR_BOUND", "TAIL_ERROR_BOUND"]

RADIUS = sp.Rational(7, 20)  # > ln(2)/2 = 0.34657...: room for the rounding of k and the correction term
DEGREE = 10  # of q; P has degree 12
ERROR_BOUND = sp.Rational(1, 2**59)  # relative error of P on [-R, R]
SINGLE_DEGREE = 6  # of q for float32 results; P has degree 8
SINGLE_ERROR_BOUND = sp.Rational(1, 2**37)
TAIL_ERROR_BOUND = sp.Rational(1, 2**59)  # |P(r) - e^r| relative to |e^r - 1|: P(r) - 1 as expm1(r) (log1mexp's near branch)
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


def _cody_waite_claim(claim_id: str, quote: str, k_max: int, ln2_hi: float, bits: int, assumptions: tuple[str, ...]) -> Claim:
    """k * ln2_hi is exact in a ``bits``-bit significand for |k| <= k_max: the integers' product stays below 2^bits."""
    return Claim(id=claim_id, source=CODEGEN, quote=quote, statement=lt(k_max * _significand(ln2_hi), sp.Integer(2) ** bits),
                 strategy=Enclosure(), expected=Status.PROVED, assumptions=assumptions,
                 note=f"ln2_hi has {_significand(ln2_hi).bit_length()} significant bits.")


def _ln2_split_claim(claim_id: str, quote: str, ln2_hi: float, ln2_lo: float, within: sp.Rational, what: str) -> Claim:
    """|ln2_hi + ln2_lo - ln 2| <= within, the constants as the exact numbers printed (``what``)."""
    return Claim(id=claim_id, source=CODEGEN, quote=quote,
                 statement=le(sp.Abs(sp.Rational(Fraction(ln2_hi)) + sp.Rational(Fraction(ln2_lo)) - sp.log(2)), within),
                 strategy=Enclosure(), expected=Status.PROVED, assumptions=(f"the constants as the exact {what} printed into the C source",))


def _polynomial_claim(claim_id: str, quote: str, polynomial: sp.Expr, bound: sp.Rational, assumptions: tuple[str, ...]) -> Claim:
    """|P(r) e^-r - 1| <= bound on |r| <= RADIUS, by interval arithmetic on the polynomial (PolynomialEnclosure)."""
    return Claim(id=claim_id, source=CODEGEN, quote=quote,
                 statement=le(sp.Piecewise((sp.Abs(polynomial * sp.exp(-r_sym) - 1), sp.Abs(r_sym) <= RADIUS), (0, True)), bound),
                 strategy=PolynomialEnclosure(r_sym), expected=Status.PROVED, assumptions=assumptions)


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

CODY_WAITE_EXACT = _cody_waite_claim(
    "exp.cody_waite_exact", f"k * ln2_hi is exact in double precision for |k| <= {K_MAX} (ln2_hi = {_K.ln2_hi.hex()})", K_MAX, _K.ln2_hi, 53,
    (r"$|k| \le 2^{11}$ (the kernels clamp $a \ge -1080$, so $|k| \le 1559$)",
     "a product of integers below 2^53 in magnitude is exact in binary64"),
)

LN2_SPLIT = _ln2_split_claim(
    "exp.ln2_split", f"ln2_hi + ln2_lo = ln 2 to within 2^-100 (ln2_lo = {_K.ln2_lo.hex()})", _K.ln2_hi, _K.ln2_lo,
    sp.Rational(1, 2**100), "doubles",
)

POLYNOMIAL_ERROR = _polynomial_claim(
    "exp.polynomial_error", "|P(r) / exp(r) - 1| <= 2^-59 on [-0.35, 0.35], P(r) = 1 + r + r^2 q(r), q of degree 10",
    _K.polynomial(), ERROR_BOUND,
    (r"$|r| \le 0.35$ ($\ln 2 / 2 = 0.3466$ plus room for the rounding of $k$ and the folded-in correction)",
     "coefficients as the exact doubles printed into the C source",
     "approximation error only: the rounding of the evaluation is measured (python cli.py accuracy)"),
)

POLYNOMIAL_ERROR_SINGLE = _polynomial_claim(
    "exp.polynomial_error_single", "|P(r) / exp(r) - 1| <= 2^-37 on [-0.35, 0.35], q of degree 6 (the exp of float32 results)",
    _K_SINGLE.polynomial(), SINGLE_ERROR_BOUND,
    (r"$|r| \le 0.35$, as for exp.polynomial_error",
     "coefficients as the exact doubles printed into the C source",
     r"approximation error only; a float32 result stays within 1 ULP while the double evaluation is within $2^{-25}$"),
)

TAIL_ERROR = Claim(
    id="exp.tail_error",
    source=CODEGEN,
    quote="|P(r) - exp(r)| <= 2^-59 |exp(r) - 1| on 0 < |r| <= 0.35: the polynomial's tail P(r) - 1 = r + r^2 q(r) is expm1(r) "
          "to 2^-59, relative (the float64 log1mexp near 0)",
    statement=le(sp.Piecewise((sp.Abs((_K.polynomial() - sp.exp(r_sym)) / (sp.exp(r_sym) - 1)),
                               sp.And(sp.Abs(r_sym) <= RADIUS, sp.Ne(r_sym, 0))), (0, True)), TAIL_ERROR_BOUND),
    strategy=ExpTailEnclosure(r_sym),
    expected=Status.PROVED,
    assumptions=(r"$0 < |r| \le 0.35$ (at $r = 0$ both sides vanish)",
                 "coefficients as the exact doubles printed into the C source",
                 "approximation error only: the evaluation's rounding is fp.expm1.tail"),
    note=r"Where $e^r - 1$ is small, the relative error of $P$ as $e^r$ (exp.polynomial_error) says nothing about "
         r"$P(r) - 1$ as $e^r - 1$; this bound is relative to $e^r - 1$ itself.",
)

CLAIMS.extend((
    RANGE_REDUCTION,
    CODY_WAITE_EXACT,
    LN2_SPLIT,
    POLYNOMIAL_ERROR,
    POLYNOMIAL_ERROR_SINGLE,
    TAIL_ERROR,
))


# ------------------------------------------------------------------ the raise of logsumexp's tiny terms
RAISE_K_MAX = 4095  # the raise R of logsumexp_raised: 864 <= R <= 2166 (its q2 in [-1501, -600])
RAISE_HI_BITS = 39  # significant bits of its ln2_hi: R ln2_hi exact for R < 2^12 (12 + 39 <= 53)


@cache
def raise_split() -> tuple[float, float]:
    r"""(ln2_hi, ln2_lo) for logsumexp's raised terms :math:`e^{q} 2^R = e^{q + R\ln 2}`: ln2_hi is ln 2 rounded to
    :data:`RAISE_HI_BITS` significant bits, so that :math:`R\,\ell_{hi}` is exact for :math:`R \le` :data:`RAISE_K_MAX`
    (the exp kernel's own split has 42 bits, exact to :math:`|k| \le 2^{11}` only), ln2_lo the rest rounded to a double."""
    with mpmath.workprec(300):
        ln2 = mpmath.log(2)
        hi = mpmath.ldexp(mpmath.nint(mpmath.ldexp(ln2, RAISE_HI_BITS)), -RAISE_HI_BITS)
        return float(hi), float(ln2 - hi)


RAISE_CODY_WAITE_EXACT = _cody_waite_claim(
    "exp.raise_cody_waite_exact",
    f"R * ln2_hi is exact in double precision for 0 <= R <= {RAISE_K_MAX} (ln2_hi = {raise_split()[0].hex()}, logsumexp's raised terms)",
    RAISE_K_MAX, raise_split()[0], 53,
    (r"$R \le 2^{12} - 1$ (logsumexp_raised: $R = -\mathrm{round}(q_2/\ln 2) - 1$ with $-1501 \le q_2 < -600$, so $R \le 2166$)",
     "a product of integers below 2^53 in magnitude is exact in binary64"),
)

RAISE_LN2_SPLIT = _ln2_split_claim(
    "exp.raise_ln2_split", f"ln2_hi + ln2_lo = ln 2 to within 2^-100 (ln2_lo = {raise_split()[1].hex()}, logsumexp's raised terms)",
    *raise_split(), sp.Rational(1, 2**100), "doubles",
)

CLAIMS.extend((RAISE_CODY_WAITE_EXACT, RAISE_LN2_SPLIT))

# ------------------------------------------------------------------ the fast tier's binary32 exp
FAST_DEGREE = 4  # of q; P has degree 6
FAST_ERROR_BOUND = sp.Rational(1, 2**26)  # relative error of the binary32 P on [-R, R]
FAST_HI_BITS = 16  # significant bits of the binary32 ln2_hi: |k| <= 151 keeps k * ln2_hi exact in 24 bits
FAST_CLAMP = -104.0  # e^-104 < 2^-150: rounds to 0 in binary32 (and so does anything below)
FAST_K_MAX = 151  # |k| for FAST_CLAMP <= a <= 0: round(104 / ln 2) = 150


@dataclass(frozen=True)
class FastExpKernel:
    r"""Constants of the fast tier's exp, :math:`e^{a}` for :math:`-104 \le a \le 0` evaluated in binary32 lanes
    (``precision="fast"``): the same reduction as :func:`exp_kernel` with binary32 constants and a degree-6
    polynomial. Each constant is an exact binary32 number (``float`` holding it)."""

    inv_ln2: float
    ln2_hi: float
    ln2_lo: float
    shifter: float  # 1.5 * 2**23: (y + shifter) - shifter rounds y to an integer in binary32
    q: tuple[float, ...]  # coefficients of q, lowest degree first, each a binary32 number

    def polynomial(self, var: sp.Symbol = r_sym) -> sp.Expr:
        """:math:`P(r) = 1 + r + r^2 q(r)` with the binary32 coefficients as exact rationals."""
        q = sum(sp.Rational(Fraction(c)) * var**i for i, c in enumerate(self.q))
        return 1 + var + var**2 * q


def _binary32(value: mpmath.mpf) -> float:
    """``value`` rounded to the nearest binary32 number (returned as the float that holds it exactly)."""
    import numpy

    return float(numpy.float32(float(value)))


@cache
def fast_exp_kernel() -> FastExpKernel:
    """Derive the binary32 constants (deterministic: fixed precision, interval and degree)."""
    with mpmath.workdps(40):
        ln2 = mpmath.log(2)
        hi = _round_bits(ln2, FAST_HI_BITS)
        lo = _binary32(ln2 - mpmath.mpf(hi.numerator) / hi.denominator)

        def q(r: mpmath.mpf) -> mpmath.mpf:
            return mpmath.mpf(1) / 2 if r == 0 else (mpmath.expm1(r) - r) / r**2

        radius = mpmath.mpf(RADIUS.p) / RADIUS.q
        coeffs = mpmath.chebyfit(q, [-radius, radius], FAST_DEGREE + 1)
        return FastExpKernel(
            inv_ln2=_binary32(1 / ln2),
            ln2_hi=float(hi),
            ln2_lo=lo,
            shifter=1.5 * 2.0**23,
            q=tuple(_binary32(c) for c in reversed(coeffs)),
        )


_F = fast_exp_kernel()
FAST_CODY_WAITE_EXACT = _cody_waite_claim(
    "exp.fast.cody_waite_exact", f"k * ln2_hi is exact in binary32 for |k| <= {FAST_K_MAX} (ln2_hi = {_F.ln2_hi.hex()}, the fast tier)",
    FAST_K_MAX, _F.ln2_hi, 24,
    (r"$|k| \le 151$ (the fast kernels clamp $a \ge -104$, so $|k| \le 150$)",
     "a product of integers below 2^24 in magnitude is exact in binary32"),
)

FAST_LN2_SPLIT = _ln2_split_claim(
    "exp.fast.ln2_split", f"ln2_hi + ln2_lo = ln 2 to within 2^-40 in binary32 (ln2_lo = {_F.ln2_lo.hex()})", _F.ln2_hi, _F.ln2_lo,
    sp.Rational(1, 2**40), "binary32 numbers",
)

FAST_POLYNOMIAL_ERROR = _polynomial_claim(
    "exp.fast.polynomial_error",
    "|P(r) / exp(r) - 1| <= 2^-26 on [-0.35, 0.35], P(r) = 1 + r + r^2 q(r), q of degree 4 with binary32 coefficients (the fast tier's exp)",
    _F.polynomial(), FAST_ERROR_BOUND,
    (r"$|r| \le 0.35$, as for exp.polynomial_error",
     "coefficients as the exact binary32 numbers printed into the C source",
     "approximation error only: the binary32 evaluation's rounding is fp.exp.fast.poly"),
)

CLAIMS.extend((FAST_CODY_WAITE_EXACT, FAST_LN2_SPLIT, FAST_POLYNOMIAL_ERROR))

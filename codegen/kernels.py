r"""The kernels: which proved expression each generated function evaluates.

Every expression here is taken from a claim that ``python cli.py prove``
proves (the claim id is recorded as the provenance of the printed line), put
in array form (:mod:`softproof.codegen.array_form`) and given names for the shared
sub-expressions. The softmax-family kernels evaluate the accurate scheme of the
``rewrite.*ties*`` claims: the exact shift :math:`(x - m)/T = q + q_l`,
:math:`e = e^{(x-m)/T}`, the tie count :math:`c` and the sum :math:`t` of the terms
below the max. Each line is a two-term operation (or a call), so that the printed
code rounds in the order the error analysis assumes; ``tests/test_kernels.py``
composes the lines back and proves the result equal to the claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy.codegen.cfunctions import fma, log1p

from softproof.derive import select
from softproof.derive.exp_kernel import DEGREE, SINGLE_DEGREE, exp_kernel
from softproof.derive.log1p_kernel import log1p_kernel
from softproof.derive.rewrites import LOG_SIGMOID_STABLE, SIGMOID_STABLE, SMOOTH_MAX_STABLE
from softproof.derive.symbols import a, k, m, n, x

from .array_form import ReduceMax, array_form

__all__ = ["Line", "Kernel", "KERNELS", "ARRAY"]

T = sp.Symbol("T", positive=True)
X = sp.Symbol("x")  # the input slice
M = sp.Symbol("m")  # its maximum (kept dims)
E = sp.Symbol("e")  # exp((x - m)/T)
P = sp.Symbol("p")  # probabilities
G = sp.Symbol("g")  # upstream gradient
ONEHOT = sp.Symbol("onehot")
TARGET_LOGIT = sp.Symbol("x_target")
COUNT = sp.Symbol("count")  # number of tied maxima (or of finite entries)
TIED = sp.Symbol("M", integer=True, positive=True)  # |M| in temperature.ties_share_mass
ARRAY = {x: X}
TIES_C = sp.Symbol("st.ties")  # number of tied maxima c
SUM_C = sp.Symbol("st.t")  # compensated sum t over the entries below the max
EXTRA = sp.Symbol("extra")  # c - 1, exact
LOGNORM = sp.Symbol("L")  # log1p((c - 1) + t)
Q, QL = sp.Symbol("q"), sp.Symbol("ql")  # (x - m)/T = q + ql
HEAD = sp.Symbol("head")
GAP, GAP_ERR = sp.Symbol("gap"), sp.Symbol("gap_error")  # m - x_t = gap + gap_error
INV_HI, INV_LO = sp.Symbol("inv_hi"), sp.Symbol("inv_lo")  # 1/(c + t) = inv_hi + inv_lo
DECAY = sp.Symbol("decay")  # e^{-|x|}
CLAMPED, KF, R, B = sp.Symbol("clamped"), sp.Symbol("kf"), sp.Symbol("r"), sp.Symbol("b")
X_WIDE, M_WIDE = sp.Symbol("x_wide"), sp.Symbol("m_wide")  # numpy.longdouble copies


@dataclass(frozen=True)
class Line:
    """``name = expr``, printed from ``expr``; ``claim`` is the proof it comes from."""

    name: str
    expr: sp.Expr
    claim: str


@dataclass(frozen=True)
class Kernel:
    name: str
    lines: tuple[Line, ...]


def _claim_rhs(claim_id: str) -> sp.Expr:
    """The right-hand side of a proved claim's statement (or of its first part)."""
    (claim,) = [c for c in select(claim_id) if c.id == claim_id]
    statement = claim.statement.args[0] if isinstance(claim.statement, sp.And) else claim.statement
    return statement.rhs


def _vjp() -> sp.Expr:
    """p * (g - sum(g * p)), checked to be the proved right-hand side with p = softmax(x).

    (SymPy's ``subs`` does not enter a sum over its own bound index, so the array
    form is written out and proved equal to the claim instead.)
    """
    from softproof.derive.engine import Simplify, Status
    from softproof.derive.rewrites import grad
    from softproof.derive.symbols import j, softmax

    index_form = softmax(x, j) * (grad[j] - sp.Sum(grad[k] * softmax(x, k), (k, 1, n)))
    rhs = _claim_rhs("rewrite.softmax_backward")
    if Simplify((j,), n).run(sp.Eq(index_form, rhs)).status is not Status.PROVED:
        raise RuntimeError("softmax_backward kernel no longer matches rewrite.softmax_backward")
    return P * (G - array_form(sp.Sum(grad[k] * P, (k, 1, n)), {grad: G}, n))


# The NumPy skeleton's ``_stats`` returns q + ql = (x - m)/T (TwoSum), e = e^{q}(1 + ql), the tie
# count c and t = sum of e over the entries below the max; the C loops compute the same.
STATS = Line("q, ql, e, st.ties, st.t", sp.Symbol("_stats(x, m, T, axis)"), "rewrite.exact_shift")
EXTRA_LINE = Line("extra", TIES_C - 1, "rewrite.lse_ties_log1p")
LOGNORM_LINE = Line("L", log1p(EXTRA + SUM_C), "rewrite.lse_ties_log1p")
LOG_SOFTMAX_HEAD = Line("head", Q - LOGNORM, "rewrite.log_softmax_ties_log1p")
LOG_SOFTMAX_OUT = Line("out", HEAD + QL, "rewrite.log_softmax_ties_log1p")
LOGSUMEXP_OUT = Line("out", M + T * LOGNORM, "rewrite.lse_ties_log1p")
CE_HEAD = Line("head", GAP + LOGNORM, "rewrite.cross_entropy_lse")
CE_OUT = Line("out", HEAD + GAP_ERR, "rewrite.cross_entropy_lse")
CE_GRAD_TARGET = Line("grad_target", -(EXTRA + SUM_C) / (TIES_C + SUM_C), "rewrite.ce_grad_target")

KERNELS: dict[str, Kernel] = {
    "max": Kernel("max", (Line("m", ReduceMax(X), "softmax.stable_form"),)),
    "softmax": Kernel("softmax", (STATS, Line("p", E / (TIES_C + SUM_C), "rewrite.softmax_ties_split"))),
    "log_softmax": Kernel("log_softmax", (STATS, EXTRA_LINE, LOGNORM_LINE, LOG_SOFTMAX_HEAD, LOG_SOFTMAX_OUT)),
    "logsumexp": Kernel("logsumexp", (STATS, EXTRA_LINE, LOGNORM_LINE, LOGSUMEXP_OUT)),
    # the rows where m + T L cancels, redone in numpy.longdouble
    "logsumexp_wide": Kernel(
        "logsumexp_wide",
        (Line("out_wide", array_form(SMOOTH_MAX_STABLE.xreplace({m: M_WIDE}), {x: X_WIDE}, n), "rewrite.smooth_max_shift"),),
    ),
    # T -> 0+ (and +inf entries): tied maxima share the mass 1/|M|
    "ties": Kernel(
        "ties",
        (Line("p", sp.Piecewise((_claim_rhs("temperature.ties_share_mass").xreplace({TIED: COUNT}), sp.Eq(X, M)), (0, True)),
              "temperature.ties_share_mass"),),
    ),
    # T -> oo: uniform over the entries that are finite
    "uniform": Kernel(
        "uniform",
        (Line("p", _claim_rhs("temperature.uniform_limit").xreplace({n: COUNT}), "temperature.uniform_limit"),),
    ),
    "sigmoid": Kernel("sigmoid", (Line("out", SIGMOID_STABLE.xreplace({a: X}), "rewrite.sigmoid_abs_form"),)),
    "log_sigmoid": Kernel("log_sigmoid", (Line("out", LOG_SIGMOID_STABLE.xreplace({a: X}), "rewrite.log_sigmoid_abs_form"),)),
    "cross_entropy": Kernel(
        "cross_entropy",
        (STATS, EXTRA_LINE, LOGNORM_LINE, Line("gap, gap_error", sp.Symbol("_two_diff(m, x_target)"), "rewrite.exact_shift"),
         CE_HEAD, CE_OUT),
    ),
    "cross_entropy_grad": Kernel("cross_entropy_grad", (Line("out", P - ONEHOT, "ce.gradient_softmax_minus_onehot"),)),
    "ce_grad_target": Kernel("ce_grad_target", (EXTRA_LINE, CE_GRAD_TARGET)),
    "softmax_backward": Kernel("softmax_backward", (Line("out", _vjp(), "rewrite.softmax_backward"),)),
}


# ------------------------------------------------------------------------------------------
# Scalar pieces of the C kernels: the same lines as the NumPy kernels (the C loops do the
# reductions), plus the exp kernel and the FMA forms.
def _exp_polynomial(degree: int) -> sp.Expr:
    """:math:`P(r) = 1 + r + r^2 q(r)` with ``q`` in Horner form (FMAs), coefficients from derive/exp_kernel.py."""
    coefficients = exp_kernel(degree).q
    q_poly = sp.Float(coefficients[-1], 17)
    for coeff in reversed(coefficients[:-1]):
        q_poly = fma(q_poly, R, sp.Float(coeff, 17))
    return fma(R * R, q_poly, R) + 1


def _exp_pieces() -> dict[str, sp.Expr]:
    """Range reduction and polynomials of the exp kernel (derive/exp_kernel.py), with FMAs."""
    hi, lo = sp.Symbol("SP_LN2_HI"), sp.Symbol("SP_LN2_LO")
    return {
        "exp_reduce": fma(-KF, lo, fma(-KF, hi, CLAMPED)) + B,
        "exp_poly": _exp_polynomial(DEGREE),
        "exp_poly_single": _exp_polynomial(SINGLE_DEGREE),
    }


# the log1p kernel's values (derive/log1p_kernel.py): 1 + u = w + correction, w = 2^k (1 + f)
W, CORRECTION, F_RED, KF_LOG = sp.Symbol("w"), sp.Symbol("correction"), sp.Symbol("f"), sp.Symbol("kf")
S_LOG, Z_LOG, HFSQ, R_LOG = sp.Symbol("s"), sp.Symbol("z"), sp.Symbol("hfsq"), sp.Symbol("R")
LOW, MID, GAP_LOG, TAIL = sp.Symbol("low"), sp.Symbol("mid"), sp.Symbol("gap"), sp.Symbol("tail")
HEAD_ERR, BODY, BODY_ERR = sp.Symbol("head_error"), sp.Symbol("body"), sp.Symbol("body_error")
HFSQ_ERR, SMALL, SMALL_2 = sp.Symbol("hfsq_error"), sp.Symbol("errors"), sp.Symbol("small")
SP_LOG1P = sp.Function("sp_log1p")  # the derived kernel, printed into the C template


def _log1p_pieces() -> dict[str, sp.Expr]:
    r"""fdlibm's :math:`\log(1 + f) = f - (h - s(h + R))`, plus :math:`k \ln 2`, one operation per line.

    The large terms are added exactly, as TwoSum pairs in the skeleton: :math:`k\ell_{hi} + f =`
    head + head_error, head :math:`- h =` body + body_error, and :math:`h = f^2/2` is split into
    hfsq + hfsq_error by an FMA; so the result is rounded once at the end, up to the small terms.
    """
    hi, lo = sp.Symbol("SP_LN2_HI"), sp.Symbol("SP_LN2_LO")
    rho = sp.Float(log1p_kernel().rho[-1], 17)
    for coeff in reversed(log1p_kernel().rho[:-1]):
        rho = fma(rho, Z_LOG, sp.Float(coeff, 17))
    half_f = sp.Float(0.5, 17) * F_RED
    return {
        "log1p_s": F_RED / (2 + F_RED),
        "log1p_hfsq": half_f * F_RED,
        "log1p_hfsq_error": fma(half_f, F_RED, -HFSQ),  # exact: f^2/2 = hfsq + hfsq_error
        "log1p_z": S_LOG * S_LOG,
        "log1p_R": Z_LOG * rho,
        "log1p_low": fma(KF_LOG, lo, CORRECTION / W),
        "log1p_mid": fma(S_LOG, HFSQ + R_LOG, LOW),
        "log1p_scaled": KF_LOG * hi,  # exact (claim exp.cody_waite_exact)
        "log1p_errors": HEAD_ERR + BODY_ERR,
        "log1p_small": SMALL - HFSQ_ERR,
        "log1p_tail": SMALL_2 + MID,
        "log1p_out": BODY + TAIL,
    }


def _one_division(piecewise: sp.Piecewise) -> sp.Expr:
    """Piecewise((u/(1 + d), c), (1/(1 + d), True)) -> Piecewise((u, c), (1, True)) / (1 + d), checked equal.

    The same value with one division instead of two (both branches run in a vector loop).
    """
    (first, condition), (second, _) = piecewise.args
    denominator = 1 / second
    merged = sp.Piecewise((sp.simplify(first * denominator), condition), (1, True)) / denominator
    if sp.simplify(sp.piecewise_fold(merged - piecewise)) != 0:
        raise RuntimeError(f"{merged} is not {piecewise}")
    return merged


def exp_constants() -> list[tuple[str, float]]:
    kernel = exp_kernel()
    return [("SP_INV_LN2", kernel.inv_ln2), ("SP_SHIFTER", kernel.shifter), ("SP_LN2_HI", kernel.ln2_hi), ("SP_LN2_LO", kernel.ln2_lo)]


def c_pieces() -> dict[str, sp.Expr]:
    """name -> scalar expression printed into the C template."""
    pieces = _exp_pieces()
    pieces.update(_log1p_pieces())
    pieces.update(
        extra=EXTRA_LINE.expr,
        log_normaliser=LOGNORM_LINE.expr.replace(log1p, SP_LOG1P),  # the derived log1p
        softmax=fma(E, INV_HI, E * INV_LO),  # e / (c + t) with 1/(c + t) = inv_hi + inv_lo
        log_softmax_head=LOG_SOFTMAX_HEAD.expr,
        log_softmax=LOG_SOFTMAX_OUT.expr,
        logsumexp=LOGSUMEXP_OUT.expr,
        cross_entropy_head=CE_HEAD.expr,
        cross_entropy=CE_OUT.expr,
        ce_grad_target=CE_GRAD_TARGET.expr,
        sigmoid=_one_division(SIGMOID_STABLE.xreplace({a: X}).xreplace({sp.exp(-sp.Abs(X)): DECAY})),
        log_sigmoid=LOG_SIGMOID_STABLE.xreplace({a: X}).xreplace({sp.exp(-sp.Abs(X)): DECAY}).replace(log1p, SP_LOG1P),
    )
    return pieces


def c_wide_pieces() -> dict[str, sp.Expr]:
    """Pieces printed in long double: the textbook shift form for the rows where m + T L cancels,
    and the segment scaling of long rows read once."""
    wide_sum = sp.Symbol("wide_sum")
    shifted = SMOOTH_MAX_STABLE.xreplace({m: M}).replace(lambda e: isinstance(e, sp.Sum), lambda e: wide_sum)
    # long rows read once (rewrite.blocked_shift): a segment's factor e^q, q = (mu - m)/T, its
    # scaled sum and its softmax scale e^q / (c + t)
    factor, q = sp.Symbol("factor"), sp.Symbol("q")
    ties, t_hi, t_lo = sp.Symbol("segment_ties"), sp.Symbol("segment_hi"), sp.Symbol("segment_lo")
    return {
        "wide_term": sp.exp((X - M) / T),
        "logsumexp_wide": shifted,
        "segment_factor": sp.exp(q),
        "segment_term": factor * (ties + t_hi + t_lo),
        "segment_scale": factor / sp.Symbol("total"),
    }


C_CLAIMS = {
    "exp": "proved: exp.range_reduction, exp.cody_waite_exact, exp.ln2_split, exp.polynomial_error",
    "exp_single": "proved: exp.range_reduction, exp.cody_waite_exact, exp.ln2_split, exp.polynomial_error_single",
    "log1p": "proved: log1p.reduction, log1p.atanh_form, log1p.polynomial_error, exp.cody_waite_exact",
    "exact_shift": "proved: rewrite.exact_shift",
    "softmax": "proved: rewrite.softmax_ties_split",
    "log_softmax": "proved: rewrite.log_softmax_ties_log1p",
    "logsumexp": "proved: rewrite.lse_ties_log1p, rewrite.smooth_max_shift",
    "cross_entropy": "proved: rewrite.cross_entropy_lse, rewrite.lse_ties_log1p",
    "ce_grad_target": "proved: rewrite.ce_grad_target",
    "logsumexp_wide": "proved: rewrite.smooth_max_shift",
    "blocked": "proved: rewrite.blocked_shift",
}

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
from sympy.codegen.cfunctions import log1p

from softproof.derive import claim
from softproof.derive.rewrites import LOG_SIGMOID_STABLE, SIGMOID_STABLE, SMOOTH_MAX_STABLE, SOFTPLUS_STABLE
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
    found = claim(claim_id)
    statement = found.statement.args[0] if isinstance(found.statement, sp.And) else found.statement
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
    "softplus": Kernel("softplus", (Line("out", SOFTPLUS_STABLE.xreplace({a: X}), "rewrite.softplus_abs_form"),)),
    "cross_entropy": Kernel(
        "cross_entropy",
        (STATS, EXTRA_LINE, LOGNORM_LINE, Line("gap, gap_error", sp.Symbol("_two_diff(m, x_target)"), "rewrite.exact_shift"),
         CE_HEAD, CE_OUT),
    ),
    "cross_entropy_grad": Kernel("cross_entropy_grad", (Line("out", P - ONEHOT, "ce.gradient_softmax_minus_onehot"),)),
    "ce_grad_target": Kernel("ce_grad_target", (EXTRA_LINE, CE_GRAD_TARGET)),
    "softmax_backward": Kernel("softmax_backward", (Line("out", _vjp(), "rewrite.softmax_backward"),)),
}

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

from softproof.derive import conventions as cv
from softproof.derive import cross_entropy as ce
from softproof.derive import rewrites as rw
from softproof.derive import softmax as sm
from softproof.derive import temperature as temp
from softproof.derive.claims import Claim
from softproof.derive.rewrites import SMOOTH_MAX_STABLE, grad
from softproof.derive.symbols import a, k, m, n, x

from .api import FUNCTIONS
from .array_form import ReduceMax, array_form

__all__ = ["CORRECT_ROUNDING", "CorrectRounding", "Line", "Kernel", "KERNELS", "LOGSUMEXP_ERRORS", "LogsumexpErrors", "RAISED_STAGE", "RaisedStage",
           "vjp_index_form"]

T = sp.Symbol("T", positive=True)
X = sp.Symbol("x")  # the input slice
M = sp.Symbol("m")  # its maximum (kept dims)
E = sp.Symbol("e")  # exp((x - m)/T)
P = sp.Symbol("p")  # probabilities
G = sp.Symbol("g")  # upstream gradient
ONEHOT = sp.Symbol("onehot")
COUNT = sp.Symbol("count")  # number of tied maxima (or of finite entries)
TIED = sp.Symbol("M", integer=True, positive=True)  # |M| in temperature.ties_share_mass
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
class LogsumexpErrors:
    r"""The relative error bounds behind logsumexp's certified finish (both targets).

    :math:`\mathrm{out} = m + T L`, :math:`L = \log(c + t)`. A relative error :math:`\epsilon_t` of the
    terms (hence of t, a sum of positive terms, compensated) moves L by at most
    :math:`\epsilon_t\, t/(c + t)`; a relative error :math:`\epsilon_L` of the logarithm moves it by
    :math:`\epsilon_L L`. So before its last rounding the result is within
    :math:`E = T(\epsilon_t t/(c+t) + \epsilon_L L)` (plus :math:`2^{-100}|\mathrm{out}|` for the exact
    double-double finish). Where :math:`E \le 2^{-54}|\mathrm{out}|` (half an ulp at least) the rounded
    result is within 1 ULP of the correctly rounded one; elsewhere the slice is redone wider.
    """

    terms_c_float64: float = 2.0**-52  # the exp kernel (fp.exp.float64, 1.4375 u) and the lanes' Sum2 (gamma_n^2); every path keeps t's
    # own rounding as t_lo (tiles and long rows read once rounded t to a double: 2.953 u, beyond this bound)
    terms_c_dd: float = 2.0**-54  # sp_exp_dd (fp.exp.dd.float64: 0.93 2^-54, the tail's evaluation 0.9 2^-54 and 2^-59); the sum: sum_error_dd(n)
    # the same without FMA hardware (fp.exp.dd.float64.portable: 1.0415 2^-54, the tail's products rounded apart)
    terms_c_dd_portable: float = 17 * 2.0**-58
    terms_c_float32: float = 2.0**-36  # the shorter polynomial of float32 results (2^-37) and plain lane sums (2^-45)
    terms_numpy: float = 2.0**-50  # numpy.exp, times (1 + ql): 8 u, generously above the few ULP NumPy documents
    log_c: float = 2.0**-56  # sp_log1p_dd, out + lo: proved by Gappa (fp.log1p.float64: 2^-56.21 at most, u >= 2^-968)
    log_numpy_units: float = 8.0  # numpy.log1p in numpy.longdouble, in units of its epsilon
    # float32 results correctly rounded: a stage decides where both ends of out -+ B, B = E + decision (|out| + E), round to
    # one float32 (logsumexp_decides, _decides; its soundness: fp.logsumexp.float32.cr's decision_covers)
    float32_decision: float = 2.0**-45
    # the triple-double stage certifies a row where (n + triple_slack) triple_per_entry (|m| + T (|L_h| + 1)) <= 2^-53.5 |out|
    # (logsumexp_exact_rows; its soundness: fp.logsumexp.certified_triple.float64)
    triple_per_entry: float = 2.0**-140
    triple_slack: float = 64.0
    # logmeanexp's triple-double stage: (n + triple_mean_slack) triple_per_entry (|m| + |L_h| + 1) (logmeanexp_row_d;
    # fp.logmeanexp.certified_triple.float64)
    triple_mean_slack: float = 66.0
    # a float32 result of the triple-double stage is decided where the triple lies further than
    # B (1 + triple_float32_slack) + triple_float32_relative |d| + triple_float32_absolute from the float32 midpoint
    # nearest its double d, and from 0 (triple_float_decided; fp.logsumexp.certified_triple.float32.cr)
    triple_float32_slack: float = 2.0**-48
    triple_float32_relative: float = 2.0**-98
    triple_float32_absolute: float = 2.0**-1060
    # the mergeable states: below y = (m_b - m_a)/T = merge_factor_floor the factor's low parts may fall onto the subnormal
    # grid, and merge_finite adds the absolute error they may make (fp.state.merge_factor covers y_h >= this)
    merge_factor_floor: float = -650.0
    # the states' triple-double operations (state.c): a merge's own relative error where both parts are precise (F,
    # ties + t, F S_b and the sum; fp.state.merge_triple), equal maxima's one triple_add, and finish's log in
    # triple-double, within state_finish_triple (|m| + T (|L_h| + 1)) + state_finish_absolute (fp.state.finish_triple)
    state_triple_merge: float = 2.0**-132
    state_triple_add: float = 2.0**-140
    state_finish_triple: float = 2.0**-134
    state_finish_absolute: float = 2.0**-1067


LOGSUMEXP_ERRORS = LogsumexpErrors()


@dataclass(frozen=True)
class RaisedStage:
    r"""logsumexp's stage for rows with one maximum m whose other terms are all below :math:`e^{\mathrm{below}}`
    (``logsumexp_raised`` in the C target; the NumPy target's certificate sends such rows to its mpmath stage):
    :math:`\mathrm{LSE} = m + T\log(1 + t)` with t below the double range's reach while :math:`T t` need not be (T up
    to DBL_MAX; ``logsumexp([0, -970 T], T=2^500)`` is 1.8e-271). The terms are summed raised by :math:`2^R` so that the largest lies in :math:`[e^{-1.04}, e^{-0.34}]`;
    those more than ``spread`` below it are left out (:math:`n e^{-700}` of the sum at most). ``error``: the relative
    error the stage adds to the double-double terms' (SP_TERMS_ERROR_DD + sum_error_dd(n)): the raised arguments
    (the shift, R's split of ln 2, two roundings), the product by T and the finish's inner rounding, composed in
    fp.logsumexp.certified_raised.float64; ``per_term``: n times it bounds what is dropped, the terms' subnormal low
    parts and :math:`\log(1 + t) = t(1 - \theta)`, :math:`\theta \le t/2`."""

    below: float = -600.0
    spread: float = 700.0
    error: float = 2.0**-77
    per_term: float = 2.0**-800


RAISED_STAGE = RaisedStage()


@dataclass(frozen=True)
class CorrectRounding:
    r"""The float32 functions whose C result is the correctly rounded value (Ziv's strategy, three stages), and the
    relative radii of the two rounding tests (fp.<function>.float32.cr).

    Stage 1 is the float32 kernel's double v, within :math:`\rho_1 f` of the truth f (fp.<function>.float32's
    branches); stage 2 the float64 kernel's w, within :math:`\rho_2 f` (fp.<function>.float64's branches). A stage
    decides where :math:`v(1 - R)` and :math:`v(1 + R)`, each computed in two roundings, round to one float32: then so
    does f, which lies between them (RN32 is monotone). :math:`R \ge \rho + 2^{-51}` covers the two roundings of
    each end (each moves it by at most :math:`u|v|(1 + R)`) and :math:`1/(1 \pm \rho) - (1 \pm \rho)`. Stage 3: a table of
    the inputs both tests leave undecided, found by running them over the float32 inputs (the claim does), with values
    from mpmath. The sweep covers :math:`|x| \le` :attr:`sweep_limit`; beyond it each claim argues its tails (the results
    within :math:`2^{-966}` of 0, of 1 or of x, so that every stage's double rounds, and its tests decide, as the truth).

    A function in :attr:`one_stage` has no float32 kernel of its own: its stage 1 is the float64 kernel's w, tested at
    the radius of stage 2 (:attr:`radius_double`, :attr:`margin_double`), and the table follows. A function in
    :attr:`double_decay` takes its stage 1's decay :math:`e^{-|x|}` from the float64 exp (1.4375 u) instead of the
    float32 one (:math:`2^{-37}`): log1mexp's :math:`1 - e^{x}` multiplies decay's relative error by
    :math:`e^{x}/(1 - e^{x})`, up to :math:`2^{10}` on its far branch, which would leave its stage 1 at :math:`2^{-27}`."""

    functions: tuple[str, ...] = ("sigmoid", "log_sigmoid", "softplus", "log1mexp", "logit")
    one_stage: tuple[str, ...] = ("logit",)
    double_decay: tuple[str, ...] = ("log1mexp",)
    # (function, least x, greatest x) where a sweep covers less than |x| <= sweep_limit: the function's domain. Outside it
    # every stage's double is NaN, and every path returns that stage's own value rounded (sp_hard_case_f's fallback for
    # an input its table lacks): NaN whatever the tests say, so no table entry is needed there
    domains: tuple[tuple[str, float, float], ...] = (("log1mexp", -670.0, 0.0), ("logit", 0.0, 1.0))
    sweep_limit: float = 670.0  # e^-670 < 2^-966
    # fp.sigmoid.{nonnegative,negative}.float32: 0.54 and 1.07 2^-37; log_sigmoid and softplus (log_sigmoid_single_relative:
    # the float32 exp and sp_log1p_diff_single, and v's rounding to binary64): 1.13 2^-37; log1mexp (log1mexp_stage_relative,
    # its decay from the float64 exp): 2^-42.5
    radius_single: float = 2.0**-36
    # fp.sigmoid.{nonnegative,negative,negative_low}.float64: 1.98 u, 2.954 u; log_sigmoid and softplus: 2.57 u; log1mexp
    # 1.43 2^-52 and logit's one stage 2^-52.8 (each with its rounding to binary64)
    radius_double: float = 2.0**-50

    @property
    def margin_single(self) -> int:
        """Stage 1's test in integers (sp_near_boundary_f): :attr:`radius_single` in units of 2^-53 of v's binade's
        top, so that a distance to a rounding boundary above it exceeds :math:`R v`."""
        return int(self.radius_single * 2**53)

    def swept(self, function: str) -> tuple[float, float]:
        """The least and greatest x of ``function``'s sweep: :attr:`domains`, else -/+ :attr:`sweep_limit`."""
        for name, low, high in self.domains:
            if name == function:
                return low, high
        return -self.sweep_limit, self.sweep_limit

    def swept_text(self, function: str) -> str:
        """:meth:`swept` as the C comments and the claims say it."""
        low, high = self.swept(function)
        return f"|x| <= {high:g}" if low == -high else f"{low:g} <= x <= {high:g}"

    @property
    def margin_double(self) -> int:
        """The same for :attr:`radius_double`: a one-stage function's integer test (:attr:`one_stage`)."""
        return int(self.radius_double * 2**53)


CORRECT_ROUNDING = CorrectRounding()


@dataclass(frozen=True)
class Line:
    """``name = expr``, printed from ``expr``; ``proof`` is the claim it comes from (cited by its id)."""

    name: str
    expr: sp.Expr
    proof: Claim


@dataclass(frozen=True)
class Kernel:
    """The lines one generated function evaluates, in order."""

    lines: tuple[Line, ...]


def _rhs(proof: Claim) -> sp.Expr:
    """The right-hand side of a claim's statement (or of its first part)."""
    statement = proof.statement.args[0] if isinstance(proof.statement, sp.And) else proof.statement
    return statement.rhs


def vjp_index_form() -> sp.Expr:
    """The softmax backward kernel in index form: :math:`p_j (g_j - \\sum_k g_k p_k)` with p = softmax(x).

    SymPy's ``subs`` does not enter a sum over its own bound index, so the array form below is
    written out; ``tests/test_kernels.py`` proves this index form equal to the claim's right side.
    """
    from softproof.derive.symbols import j, softmax

    return softmax(x, j) * (grad[j] - sp.Sum(grad[k] * softmax(x, k), (k, 1, n)))


VJP = P * (G - array_form(sp.Sum(grad[k] * P, (k, 1, n)), {grad: G}, n))
# log_softmax's vector-Jacobian product from its output: g - e sum_k g_k, e = exp(log p) (backward.log_softmax)
LOG_SOFTMAX_VJP = G - E * array_form(sp.Sum(grad[k], (k, 1, n)), {grad: G}, n)


# The NumPy skeleton's ``_stats`` returns q + ql = (x - m)/T (TwoSum), e = e^{q}(1 + ql), the tie
# count c and t = sum of e over the entries below the max; the C loops compute the same.
STATS = Line("q, ql, e, st.ties, st.t", sp.Symbol("_stats(x, m, T, axis)"), rw.EXACT_SHIFT)
EXTRA_LINE = Line("extra", TIES_C - 1, rw.LSE_TIES_LOG1P)
LOGNORM_LINE = Line("L", log1p(EXTRA + SUM_C), rw.LSE_TIES_LOG1P)
LOG_SOFTMAX_HEAD = Line("head", Q - LOGNORM, rw.LOG_SOFTMAX_TIES_LOG1P)
LOG_SOFTMAX_OUT = Line("out", HEAD + QL, rw.LOG_SOFTMAX_TIES_LOG1P)
LOGSUMEXP_OUT = Line("out", M + T * LOGNORM, rw.LSE_TIES_LOG1P)
CE_HEAD = Line("head", GAP + LOGNORM, rw.CROSS_ENTROPY_LSE)
CE_OUT = Line("out", HEAD + GAP_ERR, rw.CROSS_ENTROPY_LSE)
CE_GRAD_TARGET = Line("grad_target", -(EXTRA + SUM_C) / (TIES_C + SUM_C), rw.CE_GRAD_TARGET)

KERNELS: dict[str, Kernel] = {
    "max": Kernel((Line("m", ReduceMax(X), sm.STABLE_FORM),)),
    "softmax": Kernel((STATS, Line("p", E / (TIES_C + SUM_C), rw.SOFTMAX_TIES_SPLIT))),
    "log_softmax": Kernel((STATS, EXTRA_LINE, LOGNORM_LINE, LOG_SOFTMAX_HEAD, LOG_SOFTMAX_OUT)),
    "logsumexp": Kernel((STATS, EXTRA_LINE, LOGNORM_LINE, LOGSUMEXP_OUT)),
    # the rows where m + T L cancels, redone in numpy.longdouble
    "logsumexp_wide": Kernel((Line("out_wide", array_form(SMOOTH_MAX_STABLE.xreplace({m: M_WIDE}), {x: X_WIDE}, n), rw.SMOOTH_MAX_SHIFT),),
    ),
    # T -> 0+ (and +inf entries): tied maxima share the mass 1/|M|
    "ties": Kernel((Line("p", sp.Piecewise((_rhs(temp.TIES_SHARE_MASS).xreplace({TIED: COUNT}), sp.Eq(X, M)), (0, True)),
              temp.TIES_SHARE_MASS),),
    ),
    # T -> oo: uniform over the entries that are finite
    "uniform": Kernel((Line("p", _rhs(temp.UNIFORM_LIMIT).xreplace({n: COUNT}), temp.UNIFORM_LIMIT),),
    ),
    "cross_entropy": Kernel((STATS, EXTRA_LINE, LOGNORM_LINE, Line("gap, gap_error", sp.Symbol("_two_diff(m, x_target)"), rw.EXACT_SHIFT),
         CE_HEAD, CE_OUT),
    ),
    "cross_entropy_grad": Kernel((Line("out", P - ONEHOT, ce.GRADIENT_SOFTMAX_MINUS_ONEHOT),)),
    "ce_grad_target": Kernel((EXTRA_LINE, CE_GRAD_TARGET)),
    "softmax_backward": Kernel((Line("out", VJP, rw.SOFTMAX_BACKWARD),)),
    "log_softmax_backward": Kernel((Line("out", LOG_SOFTMAX_VJP, cv.LOG_SOFTMAX_BACKWARD),)),
}
# the element-wise functions: each prints the stable side of its rewrite (codegen/api.py)
KERNELS.update({
    f.name: Kernel((Line("out", f.rewrite.stable.xreplace({a: X}), f.rewrite.claim),))
    for f in FUNCTIONS if f.rewrite is not None
})

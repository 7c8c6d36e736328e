r"""The stabilising rewrites used by the generated code, each proved equal to the textbook form.

Source ``codegen``.  A rewrite is trusted only once proved here; that holds
for SymPy's own ``sympy.codegen.rewriting`` rules too, which are applied to a
generic pattern and the result is checked -- ``logsumexp_2terms_opt`` fails.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Sum
from sympy.codegen.cfunctions import expm1, log1p
from sympy.codegen.rewriting import expm1_opt, log1p_opt, logaddexp_opt, logsumexp_2terms_opt, optimize

from .claims import Claim, Rewrite
from .engine import CaseSplit, Counterexample, EachPart, Sign, Simplify, Status
from .sources import CODEGEN
from .symbols import a, b, both, eq, i, j, k, m, n, sigmoid, softmax, sum_exp, x

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

ALL_N = "all n"
REAL = r"$x_i \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$"
MAX_FIRST = r"$x_1 = m = \max_i x_i$ (WLOG at index 1); the identity holds for any real $m$"

T = sp.Symbol("T", positive=True)
rest_shifted = Sum(sp.exp(x[i] - x[1]), (i, 2, n))
S_split = sp.exp(x[1]) + Sum(sp.exp(x[i]), (i, 2, n))
grad = sp.IndexedBase("g", real=True)
b_pos = sp.Symbol("d", positive=True)


def sympy_rule_claim(claim_id: str, rule_name: str, rule: object, pattern: sp.Expr) -> Claim:
    """Apply one of SymPy's rewriting rules to ``pattern`` and claim the result equals it."""
    rewritten = optimize(pattern, [rule])
    return Claim(
        id=claim_id,
        source=CODEGEN,
        quote=f"sympy.codegen.rewriting.{rule_name}: {sp.sstr(pattern)} -> {sp.sstr(rewritten)}",
        statement=eq(pattern, rewritten),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"$a, b \in \mathbb{R}$",),
    )


lse2 = sp.log(sp.exp(a) + sp.exp(b))
tempered_sum = Sum(sp.exp(x[i] / T), (i, 1, n))
shifted_sum = Sum(sp.exp((x[i] - m) / T), (i, 1, n))
decay = sp.exp(-sp.Abs(a))  # in (0, 1]: never overflows
s_pos = sp.Symbol("s", positive=True)

# the exact expressions the generated kernels evaluate (codegen/kernels.py prints these)
SOFTMAX_STABLE = sp.exp((x[k] - m) / T) / shifted_sum
LOG_SOFTMAX_STABLE = (x[k] - m) / T - sp.log(shifted_sum)
SMOOTH_MAX_STABLE = m + T * sp.log(shifted_sum)
SIGMOID_STABLE = sp.Piecewise((decay / (1 + decay), a < 0), (1 / (1 + decay), True))
LOG_SIGMOID_STABLE = sp.Min(a, 0) - log1p(decay)
SOFTPLUS_STABLE = sp.Max(a, 0) + log1p(decay)
# log(1 - e^x), x <= 0 (Maechler 2012): -expm1(x) is exact to 1/2 ulp where 1 - e^x cancels; e^x = e^-|x| there
LOG1MEXP_STABLE = sp.Piecewise((sp.log(-expm1(a)), a >= -sp.log(2)), (log1p(-decay), True))
# log(p/(1 - p)), 0 <= p <= 1: for p >= 1/4, y = 2p - 1 is exact (Sterbenz) and log1p(y) - log1p(-y) = 2 atanh(y)
# adds two terms of one sign; below 1/4, log p dominates log1p(-p)
LOGIT_STABLE = sp.Piecewise((log1p(2 * a - 1) - log1p(1 - 2 * a), a >= sp.Rational(1, 4)), (sp.log(a) - log1p(-a), True))
# the same as one log1p of a nonnegative ratio with exact parts (the C target's double-double kernel, sp_logit)
LOGIT_RATIO_STABLE = sp.Piecewise((log1p((2 * a - 1) / (1 - a)), a >= sp.Rational(1, 2)), (-log1p((1 - 2 * a) / a), True))

CROSS_ENTROPY_LSE = Claim(
    id="rewrite.cross_entropy_lse",
    source=CODEGEN,
    quote="cross_entropy kernels evaluate logsumexp(x) - x_t",
    statement=eq(-sp.log(softmax(x, k)), sp.log(sum_exp(x)) - x[k]),
    strategy=Simplify((k,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"target $t = k \in 1..n$"),
)

SOFTMAX_BACKWARD = Claim(
    id="rewrite.softmax_backward",
    source=CODEGEN,
    quote="softmax_backward kernels evaluate p_j * (g_j - sum_k g_k p_k)",
    statement=eq(
        Sum(grad[k] * Derivative(softmax(x, k), x[j]), (k, 1, n)),
        softmax(x, j) * (grad[j] - Sum(grad[k] * softmax(x, k), (k, 1, n))),
    ),
    strategy=Simplify((j,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"upstream gradient $g \in \mathbb{R}^n$; $1 \le j \le n$"),
    note=r"The vector-Jacobian product $(J^T g)_j$ with $J_{kj} = \partial p_k / \partial x_j$.",
)

SMOOTH_MAX_SHIFT = Claim(
    id="rewrite.smooth_max_shift",
    source=CODEGEN,
    quote="logsumexp kernels evaluate m + T log(sum_i exp((x_i - m)/T))",
    statement=eq(T * sp.log(tempered_sum), SMOOTH_MAX_STABLE),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"$T > 0$, any real $m$"),
)

SIGMOID_ABS_FORM = Claim(
    id="rewrite.sigmoid_abs_form",
    source=CODEGEN,
    quote="sigmoid kernels evaluate t/(1+t) for x < 0 and 1/(1+t) otherwise, t = exp(-|x|)",
    statement=eq(sigmoid(a), SIGMOID_STABLE),
    strategy=CaseSplit(a, sp.Integer(0), Simplify()),
    expected=Status.PROVED,
    assumptions=(r"$x \in \mathbb{R}$",),
)

LOG_SIGMOID_ABS_FORM = Claim(
    id="rewrite.log_sigmoid_abs_form",
    source=CODEGEN,
    quote="log_sigmoid kernels evaluate min(x, 0) - log1p(exp(-|x|))",
    statement=eq(sp.log(sigmoid(a)), LOG_SIGMOID_STABLE),
    strategy=CaseSplit(a, sp.Integer(0), Simplify()),
    expected=Status.PROVED,
    assumptions=(r"$x \in \mathbb{R}$",),
)

SOFTPLUS_ABS_FORM = Claim(
    id="rewrite.softplus_abs_form",
    source=CODEGEN,
    quote="softplus kernels evaluate max(x, 0) + log1p(exp(-|x|)): no overflow for large x, no log(1) for very negative x",
    statement=eq(sp.log(1 + sp.exp(a)), SOFTPLUS_STABLE),
    strategy=CaseSplit(a, sp.Integer(0), Simplify()),
    expected=Status.PROVED,
    assumptions=(r"$x \in \mathbb{R}$",),
)

LOG1MEXP_SWITCH = Claim(
    id="rewrite.log1mexp_switch",
    source=CODEGEN,
    quote="log1mexp kernels evaluate log(-expm1(x)) for x >= -log 2 and log1p(-exp(x)) below",
    statement=eq(sp.log(1 - sp.exp(a)), LOG1MEXP_STABLE),
    strategy=CaseSplit(a, -sp.log(2), Simplify()),
    expected=Status.PROVED,
    assumptions=(r"$x < 0$ (at $x = 0$ both sides are $-\infty$; for $x > 0$ both are the same complex logarithm, "
                 r"and the kernels return NaN)", r"$e^{-|x|} = e^x$ for $x < 0$: the kernels' one exponential"),
    note=r"Maechler (2012), 'Accurately computing log(1 - exp(-|a|))': $-\mathrm{expm1}(x)$ is accurate where "
         r"$1 - e^x$ cancels ($x$ near 0), $\mathrm{log1p}(-e^x)$ where $e^x$ is small; the switch is where the two "
         r"arguments are equal (rewrite.log1mexp_switch_point).",
)

LOG1MEXP_SWITCH_POINT = Claim(
    id="rewrite.log1mexp_switch_point",
    source=CODEGEN,
    quote="the switch at x = -log 2 is where -expm1(x) = e^x: below it e^x < 1/2 < -expm1(x), above it the reverse",
    statement=both(eq(-sp.exp(-sp.log(2)) + 1, sp.exp(-sp.log(2))),
                   sp.Lt(sp.exp(-sp.log(2) - b_pos), 1 - sp.exp(-sp.log(2) - b_pos)),
                   sp.Lt(1 - sp.exp(-sp.log(2) + b_pos), sp.exp(-sp.log(2) + b_pos))),
    strategy=EachPart((Simplify(), Sign())),
    expected=Status.PROVED,
    assumptions=(r"$d > 0$: the distance of $x$ from $-\log 2$",),
    note=r"Each branch hands its logarithm the smaller of the two complementary quantities $e^x$ and $1 - e^x$, "
         r"so the relative error of that argument (one rounding of exp or expm1) is the smaller one: Maechler's "
         r"optimal cutoff $a_0 = \log 2$.",
)

LOGIT_HALVES = Claim(
    id="rewrite.logit_halves",
    source=CODEGEN,
    quote="logit kernels evaluate log1p(2p - 1) - log1p(1 - 2p) for p >= 1/4 and log(p) - log1p(-p) below",
    statement=eq(sp.log(a / (1 - a)), LOGIT_STABLE),
    strategy=CaseSplit(a, sp.Rational(1, 4), Simplify(), within=(sp.Integer(0), sp.Integer(1))),
    expected=Status.PROVED,
    assumptions=(r"$0 < p < 1$ (at 0 and 1 both sides are $\mp\infty$, outside both are the same complex "
                 r"logarithm and the kernels return NaN)",),
    note=r"For $p \ge 1/4$, $y = 2p - 1$ is exact (Sterbenz), and $\mathrm{log1p}(y)$ and $-\mathrm{log1p}(-y)$ "
         r"have one sign ($2\,\mathrm{atanh}\,y$, the form of scipy.special.logit near 1/2): no cancellation; "
         r"below 1/4, $|\log p| > 1.38 > 4|\mathrm{log1p}(-p)|$, so the difference does not cancel either.",
)

LOG1MEXP_RATIO = Claim(
    id="rewrite.log1mexp_ratio",
    source=CODEGEN,
    quote="the C log1mexp kernels evaluate -log1p(e^x/(1 - e^x)), the ratio as (1 - w)/w with w = -expm1(x) near 0 and as "
          "e^x/(1 - e^x) elsewhere",
    statement=eq(sp.log(1 - sp.exp(a)), -log1p(sp.exp(a) / (1 - sp.exp(a)))),
    strategy=Simplify(substitutions=((a, -sp.log(1 + s_pos)),), why_substitutions="every x < 0 is -log(1 + s) for one s > 0"),
    expected=Status.PROVED,
    assumptions=(r"$x < 0$ (at 0 the left side is $-\infty$, the kernel's select; above 0 the kernel returns NaN)",),
    note=r"One logarithm of an argument $\ge 0$, the domain of the derived log1p kernel (fp.log1p.float64), whose "
         r"relative error passes to the result undiminished at most (the derivative of $\mathrm{log1p}(u)$ is $1/(1 + u) "
         r"\le \mathrm{log1p}(u)/u$). Near 0 the ratio's denominator $1 - e^x$ cancels, so it comes from the series of "
         r"$-\mathrm{expm1}(x)$ instead (fp.log1mexp.float32, fp.log1mexp.float64).",
)

LOGIT_RATIO = Claim(
    id="rewrite.logit_ratio",
    source=CODEGEN,
    quote="the C logit kernel evaluates log1p((2p - 1)/(1 - p)) for p >= 1/2 and -log1p((1 - 2p)/p) below, "
          "the ratio in double-double",
    statement=eq(sp.log(a / (1 - a)), LOGIT_RATIO_STABLE),
    strategy=CaseSplit(a, sp.Rational(1, 2), Simplify(), within=(sp.Integer(0), sp.Integer(1))),
    expected=Status.PROVED,
    assumptions=(r"$0 < p < 1$ (at 0 and 1 both sides are $\mp\infty$; the kernel returns NaN outside $[0, 1]$)",),
    note=r"One logarithm of an argument $\ge 0$, the domain of the derived log1p kernel (fp.log1p.float64): for "
         r"$p \ge 1/2$ the numerator $2p - 1$ and the denominator $1 - p$ are exact (Sterbenz), below $1/2$ the "
         r"denominator $p$ is and $1 - 2p$ is exact as a TwoSum pair; the quotient's remainder is exact by one FMA, so "
         r"the ratio reaches log1p as a double-double (fp.logit.ratio) and the result is rounded once.",
)

CLAIMS.extend((
    Claim(
        id="rewrite.softmax_max_shift",
        source=CODEGEN,
        quote="softmax kernels evaluate exp(x_i - max_j x_j) / sum_k exp(x_k - max_j x_j)",
        statement=eq(sp.exp(x[k] - m) / Sum(sp.exp(x[i] - m), (i, 1, n)), softmax(x, k)),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"any real shift $m$; the kernels use $m = \max_i x_i$"),
    ),
    Claim(
        id="rewrite.lse_max_shift",
        source=CODEGEN,
        quote="logsumexp kernels evaluate m + log(sum_i exp(x_i - m))",
        statement=eq(sp.log(sum_exp(x)), m + sp.log(Sum(sp.exp(x[i] - m), (i, 1, n)))),
        strategy=Simplify(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"any real $m$"),
    ),
    Claim(
        id="rewrite.lse_log1p",
        source=CODEGEN,
        quote="logsumexp kernels take the max term out: m + log1p(sum over the others of exp(x_i - m))",
        statement=eq(sp.log(S_split), x[1] + log1p(rest_shifted)),
        strategy=Simplify(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, MAX_FIRST),
    ),
    Claim(
        id="rewrite.log_softmax_log1p",
        source=CODEGEN,
        quote="log_softmax kernels evaluate (x_k - m) - log1p(sum over the others of exp(x_i - m))",
        statement=sp.And(
            eq(sp.log(sp.exp(x[1]) / S_split), -log1p(rest_shifted)),
            eq(sp.log(sp.exp(x[2]) / S_split), x[2] - x[1] - log1p(rest_shifted)),
            evaluate=False,
        ),
        strategy=Simplify(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, MAX_FIRST, r"the second part for any other entry (index 2, $n \ge 2$)"),
    ),
    CROSS_ENTROPY_LSE,
    SOFTMAX_BACKWARD,
    Claim(
        id="rewrite.sigmoid_negative_branch",
        source=CODEGEN,
        quote="sigmoid kernels evaluate exp(x) / (1 + exp(x)) for x < 0, 1 / (1 + exp(-x)) otherwise",
        statement=eq(sigmoid(a), sp.exp(a) / (1 + sp.exp(a))),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"$x \in \mathbb{R}$ (the branch is chosen for accuracy, both forms are exact)",),
    ),
    Claim(
        id="rewrite.log_sigmoid_branches",
        source=CODEGEN,
        quote="log_sigmoid kernels evaluate x - log1p(exp(x)) for x < 0, -log1p(exp(-x)) otherwise",
        statement=sp.And(
            eq(sp.log(sigmoid(a)), -log1p(sp.exp(-a))),
            eq(sp.log(sigmoid(a)), a - log1p(sp.exp(a))),
            evaluate=False,
        ),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"$x \in \mathbb{R}$",),
    ),
    Claim(
        id="rewrite.temperature_shift",
        source=CODEGEN,
        quote="tempered kernels evaluate exp((x_i - m) / T) / sum_k exp((x_k - m) / T)",
        statement=eq(
            sp.exp((x[k] - m) / T) / Sum(sp.exp((x[i] - m) / T), (i, 1, n)),
            sp.exp(x[k] / T) / Sum(sp.exp(x[i] / T), (i, 1, n)),
        ),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"$T > 0$, any real $m$"),
    ),
    Claim(
        id="rewrite.logaddexp_stable",
        source=CODEGEN,
        quote="two-term logsumexp: max(a, b) + log1p(exp(min(a, b) - max(a, b)))",
        statement=eq(lse2, sp.Max(a, b) + log1p(sp.exp(sp.Min(a, b) - sp.Max(a, b)))),
        strategy=CaseSplit(a, b, Simplify()),
        expected=Status.PROVED,
        assumptions=(r"$a, b \in \mathbb{R}$",),
    ),
    sympy_rule_claim("rewrite.sympy_log1p_opt", "log1p_opt", log1p_opt, sp.log(a + 1)),
    sympy_rule_claim("rewrite.sympy_expm1_opt", "expm1_opt", expm1_opt, sp.exp(a) - 1),
    sympy_rule_claim("rewrite.sympy_logaddexp_opt", "logaddexp_opt", logaddexp_opt, lse2),
    Claim(
        id="rewrite.sympy_logsumexp_2terms_opt",
        source=CODEGEN,
        quote=f"sympy.codegen.rewriting.logsumexp_2terms_opt: {sp.sstr(lse2)} -> {sp.sstr(optimize(lse2, [logsumexp_2terms_opt]))}",
        statement=eq(lse2, optimize(lse2, [logsumexp_2terms_opt])),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        assumptions=(r"$a, b \in \mathbb{R}$",),
        correction=eq(lse2, sp.Max(a, b) + log1p(sp.exp(sp.Min(a, b) - sp.Max(a, b)))),
        correction_strategy=CaseSplit(a, b, Simplify()),
        note="SymPy's rule drops the '- max' inside the exponential; softproof does not use it.",
    ),
    Claim(
        id="rewrite.log_softmax_shift",
        source=CODEGEN,
        quote="log_softmax kernels evaluate (x_k - m)/T - log(sum_i exp((x_i - m)/T))",
        statement=eq(sp.log(sp.exp(x[k] / T) / tempered_sum), LOG_SOFTMAX_STABLE),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"$T > 0$, any real $m$ (the kernels use $m = \max_i x_i$)"),
    ),
    SMOOTH_MAX_SHIFT,
    Claim(
        id="rewrite.softmax_tempered_shift",
        source=CODEGEN,
        quote="softmax kernels evaluate exp((x_k - m)/T) / sum_i exp((x_i - m)/T)",
        statement=eq(sp.exp(x[k] / T) / tempered_sum, SOFTMAX_STABLE),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"$T > 0$, any real $m$"),
    ),
    SIGMOID_ABS_FORM,
    LOG_SIGMOID_ABS_FORM,
    SOFTPLUS_ABS_FORM,
    LOG1MEXP_SWITCH,
    LOG1MEXP_SWITCH_POINT,
    LOGIT_HALVES,
    LOGIT_RATIO,
    LOG1MEXP_RATIO,
))

# ---------------------------------------------------------------------------------------------
# The accurate evaluation scheme of the generated kernels (python cli.py accuracy measures it).
# The c tied maxima sit WLOG at indices 1..c (x_i = m there); the others at c+1..n.
ties = sp.Symbol("c", integer=True, positive=True)
rest_after_ties = Sum(sp.exp(x[i] - m), (i, ties + 1, n))
S_with_ties = ties * sp.exp(m) + Sum(sp.exp(x[i]), (i, ties + 1, n))
TIES = r"$x_1 = \dots = x_c = m = \max_i x_i$ (WLOG the $c \ge 1$ tied maxima first), $c \le n$"
d_rounded, l_error, q_rounded = sp.symbols("d l q", real=True)

SOFTMAX_TIES_SPLIT = Claim(
    id="rewrite.softmax_ties_split",
    source=CODEGEN,
    quote="softmax kernels divide exp(x_k - m) by c + t, t = sum of exp(x_i - m) over the entries below the max",
    statement=sp.And(
        eq(sp.exp(x[k]) / S_with_ties, sp.exp(x[k] - m) / (ties + rest_after_ties)),
        eq(sp.exp(m) / S_with_ties, 1 / (ties + rest_after_ties)),
        evaluate=False,
    ),
    strategy=Simplify((k,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, TIES, "the first part for an entry below the max, the second for a maximum"),
    note="t holds no exp(0) = 1 term, so its relative accuracy survives when the max dominates.",
)

LSE_TIES_LOG1P = Claim(
    id="rewrite.lse_ties_log1p",
    source=CODEGEN,
    quote="logsumexp kernels evaluate m + log1p((c - 1) + t)",
    statement=eq(sp.log(S_with_ties), m + log1p(ties - 1 + rest_after_ties)),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, TIES),
)

LOG_SOFTMAX_TIES_LOG1P = Claim(
    id="rewrite.log_softmax_ties_log1p",
    source=CODEGEN,
    quote="log_softmax kernels evaluate (x_k - m) - log1p((c - 1) + t)",
    statement=eq(x[k] - sp.log(S_with_ties), (x[k] - m) - log1p(ties - 1 + rest_after_ties)),
    strategy=Simplify((k,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(
        REAL, TIES, r"any entry $k$ (for a maximum $x_k - m = 0$)",
        r"$\log p_k = x_k - \log\sum_i e^{x_i}$ (softmax.log_softmax)",
    ),
)

EXACT_SHIFT = Claim(
    id="rewrite.exact_shift",
    source=CODEGEN,
    quote="kernels evaluate exp((x - m)/T) as exp(q + ((d - qT) + l)/T), d + l = x - m, q = d/T rounded",
    statement=eq(sp.exp((d_rounded + l_error) / T), sp.exp(q_rounded + ((d_rounded - q_rounded * T) + l_error) / T)),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(
        r"$d = \mathrm{fl}(x - m)$ and $l = (x - m) - d$ exactly (TwoSum, Knuth TAOCP 4.2.2 Thm B; "
        r"a floating-point theorem, tested in tests/test_accuracy.py)",
        r"any real $q$; the kernels take $q = \mathrm{fl}(d/T)$, $d - qT$ exact by one FMA",
    ),
)

CE_GRAD_TARGET = Claim(
    id="rewrite.ce_grad_target",
    source=CODEGEN,
    quote="cross_entropy_grad kernels evaluate p_t - 1 at the target as -(sum of the other terms) / S",
    statement=eq(sp.exp(x[1]) / S_split - 1, -Sum(sp.exp(x[i]), (i, 2, n)) / S_split),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"target at index 1 (WLOG), $S = e^{x_1} + \sum_{i=2}^n e^{x_i}$"),
    note="p_t - 1 cancels when p_t is near 1; the sum of the others does not.",
)

CLAIMS.extend((
    SOFTMAX_TIES_SPLIT,
    LSE_TIES_LOG1P,
    LOG_SOFTMAX_TIES_LOG1P,
    EXACT_SHIFT,
    CE_GRAD_TARGET,
))

# ---------------------------------------------------------------------------------------------
# Long rows read once (the online normaliser of Milakov and Gimelshein 2018, by chunks): the
# entries p..q of a segment are summed with the running max mu as their shift, and the segment is
# scaled once by exp((mu - m)/T) when the row max m is known.
mu = sp.Symbol("mu", real=True)
first, last = sp.symbols("p q", integer=True, positive=True)
row_sum_shifted = sp.Symbol("S", positive=True)

BLOCKED_SHIFT = Claim(
    id="rewrite.blocked_shift",
    source=CODEGEN,
    quote="long rows: each segment summed with its own shift mu, scaled by exp((mu - m)/T); p_k = e_k * exp((mu - m)/T) / S",
    statement=sp.And(
        eq(
            Sum(sp.exp((x[i] - m) / T), (i, first, last)),
            sp.exp((mu - m) / T) * Sum(sp.exp((x[i] - mu) / T), (i, first, last)),
        ),
        eq(sp.exp((x[k] - m) / T) / row_sum_shifted, sp.exp((x[k] - mu) / T) * (sp.exp((mu - m) / T) / row_sum_shifted)),
        evaluate=False,
    ),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope="any segment p..q",
    assumptions=(
        REAL,
        r"$T > 0$; any real $\mu$ (the kernels take the max of the chunks read so far, so "
        r"$\mu \le m$ and no term overflows)",
        r"$S = \sum_i e^{(x_i - m)/T}$, the sum over the row of its segments' sums",
    ),
    note="Each segment is scaled once, at the end; its factor is rounded once, so the errors do not grow with the number of segments.",
)

CLAIMS.extend((
    BLOCKED_SHIFT,
))

# the rewrites the element-wise kernels print (codegen/api.py names them per function)
SIGMOID = Rewrite(SIGMOID_ABS_FORM)
LOG_SIGMOID = Rewrite(LOG_SIGMOID_ABS_FORM)
SOFTPLUS = Rewrite(SOFTPLUS_ABS_FORM)
LOG1MEXP = Rewrite(LOG1MEXP_SWITCH)
LOGIT = Rewrite(LOGIT_HALVES)
LOGIT_C = Rewrite(LOGIT_RATIO)
LOG1MEXP_C = Rewrite(LOG1MEXP_RATIO)  # the C target's form for double results (codegen/api.py, c_rewrite)
LOG1MEXP_SINGLE_C = Rewrite(LOG1MEXP_RATIO)  # the C target's form for float32 results (codegen/api.py, c_single_rewrite)  # the C target's form of the same function (codegen/api.py, c_rewrite)

r"""Claims about log-sum-exp as a smooth maximum: bounds, gradient, convexity.

Sources: document 002 (LSE as "softmax", the rescaled form
:math:`\frac1k \log\sum e^{k x_i}`) and document 004 (the bounds
:math:`\max \le \mathrm{LSE} \le \max + \log n` and the gradient).
In the gap form the maximum :math:`m` sits at index 1 and
:math:`x_i = m - d_i`, :math:`d_i \ge 0`.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, KroneckerDelta, Sum

from .claims import Claim
from .engine import Counterexample, Enclosure, LimitOf, Sign, Simplify, Squeeze, Status
from .sources import S000, S002, S004
from .symbols import (
    GAP_FORM,
    WLOG_FIRST,
    X,
    a,
    both,
    d,
    eq,
    gt,
    i,
    j,
    k,
    le,
    lse,
    m,
    n,
    softmax,
    sum_exp,
    v,
    x,
)

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

ALL_N = "all n"
REAL = r"$x_i \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$"
IN_RANGE = r"free indices lie in $1..n$"

K = sp.Symbol("k", positive=True)  # the rescaling factor of document 002
G = sp.Symbol("g", positive=True)
x2 = sp.Symbol("x_2", real=True)
others = Sum(sp.exp(m - d[i]), (i, 2, n))  # gap form: the terms other than the maximum
sum_gap = sp.exp(m) + others  # = sum_i e^{x_i}
lse_gap = sp.log(sum_gap)
lower_bound = le(m, lse_gap)
upper_bound = le(lse_gap, m + sp.log(n))
rescaled_gap = sp.log(sp.exp(K * m) + Sum(sp.exp(K * (m - d[i])), (i, 2, n))) / K
rescaled_factored = m + sp.log(1 + Sum(sp.exp(-K * d[i]), (i, 2, n))) / K
p = [softmax(x, idx) for idx in (j, k)]
# p = softmax(x) written out, so that the statement carries sum_i p_i = 1 itself (no side fact)
_l = sp.Symbol("l", integer=True)
_total = Sum(sp.exp(x[_l]), (_l, 1, n))
weights = Sum(sp.exp(x[i]) / _total * v[i] ** 2, (i, 1, n))
mean = Sum(sp.exp(x[j]) / _total * v[j], (j, 1, n))
variance = Sum(sp.exp(x[i]) / _total * (v[i] - mean) ** 2, (i, 1, n))
sign = Sign()


def rounded_claim(claim_id: str, quote: str, exact: sp.Expr, printed: str, correct: str) -> Claim:
    r"""A printed decimal read as "the value correctly rounded to the digits shown":
    :math:`|\text{exact} - \text{printed}| \le \tfrac12` unit in the last printed place."""
    half_unit = sp.Rational(1, 2) * sp.Rational(10) ** -(len(printed.split(".")[1]))
    return Claim(
        id=claim_id,
        source=S002,
        quote=quote,
        statement=le(sp.Abs(exact - sp.Rational(printed)), half_unit),
        strategy=Counterexample(search=False, hints=({},)),
        expected=Status.REFUTED,
        assumptions=("a printed decimal claims to be the exact value correctly rounded to the digits shown",),
        correction=le(sp.Abs(exact - sp.Rational(correct)), half_unit),
        correction_strategy=Enclosure(),
        note=f"The printed {printed} is what float64 evaluation of the naive formula returns; "
        f"the exact value rounds to {correct}.",
    )


CLAIMS.extend((
    Claim(
        id="lse.nll_penalises_most_active",
        source=S000,
        quote="The MLE (negative log-likelihood) strongly penalizes the most active incorrect prediction.",
        statement=le(m - a, -sp.log(sp.exp(a) / (sp.exp(a) + sp.exp(m) + Sum(sp.exp(x[i]), (i, 3, n))))),
        strategy=Sign(size_lower_bounds=((n, 2),)),
        expected=Status.PROVED,
        scope="all n >= 2",
        assumptions=(REAL, r"$n \ge 2$: correct class logit $a$, most active incorrect logit $m$ (index 2, WLOG), others $x_3..x_n$"),
        note="The loss is at least the margin by which the most active incorrect logit beats the correct one.",
    ),
    Claim(
        id="lse.approximates_max.000",
        source=S000,
        quote=r"Then we can state that \\(\log\sum_j{\exp(z_j)}\approx\max_j z_j\\)",
        statement=eq(sp.Limit(sp.log(sp.exp(m) + Sum(sp.exp(m - G - d[i]), (i, 2, n))) - m, G, sp.oo), 0),
        strategy=LimitOf(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(WLOG_FIRST, r"$z_1 = m$, every other $z_i = m - g - d_i$ is at least $g$ below; $g \to \infty$"),
    ),
    Claim(
        id="lse.approximates_max.002",
        source=S002,
        quote=r"If $$x_1 \ggg x_2$$, $$softmax(x_1, x_2)\leftrightharpoons log(e^{x_1} + e^{x_2}) \thickapprox x_1 \leftrightharpoons max(x_1, x_2)$$",
        statement=eq(sp.Limit(sp.log(sp.exp(a) + sp.exp(a - G)) - a, G, sp.oo), 0),
        strategy=LimitOf(),
        expected=Status.PROVED,
        assumptions=(r"$x_1 = a$, $x_2 = a - g$ with gap $g > 0$, $g \to \infty$",),
    ),
    Claim(
        id="lse.exp_exaggerates_differences",
        source=S002,
        quote=r"$$e^x$$ **exaggerates** the differences between $$ x_1 $$ and $$ x_2$$",
        statement=gt(sp.exp(x2 + G) - sp.exp(x2), G),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        assumptions=(r"$x_1 = x_2 + g$ with $g > 0$; 'exaggerates the difference' read as $e^{x_1} - e^{x_2} > x_1 - x_2$",),
        correction=gt(sp.exp(x2 + G) / sp.exp(x2), 1 + G),
        correction_strategy=sign,
        note="For negative inputs the absolute difference shrinks (e.g. x = -3, -2); what exp exaggerates is the "
        r"ratio: $e^{x_1}/e^{x_2} = e^{x_1 - x_2} > 1 + (x_1 - x_2)$.",
    ),
    Claim(
        id="lse.hessian",
        source=S002,
        quote="**Smoothness**, it has no sudden change can be differentiated many times.",
        statement=eq(Derivative(lse(x), x[j], x[k]), KroneckerDelta(j, k) * p[1] - p[0] * p[1]),
        strategy=Simplify((j, k), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
        note="The second derivatives are rational functions of exponentials with a positive denominator, "
        "so LSE is infinitely differentiable.",
    ),
    Claim(
        id="lse.convex",
        source=S002,
        quote="It's convenient to apply **convex optimization**.",
        statement=le(0, weights - mean**2),
        strategy=Sign(rewrite=variance),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(
            r"$x, v \in \mathbb{R}^n$; $p = \mathrm{softmax}(x)$ written out as $e^{x_i}/\sum_l e^{x_l}$ in the statement",
            r"the quadratic form $v^T \nabla^2 \mathrm{LSE}(x)\, v = \sum_i p_i v_i^2 - (\sum_i p_i v_i)^2$ (by lse.hessian)",
        ),
        note=r"$v^T \nabla^2\mathrm{LSE}\,v = \sum_i p_i v_i^2 - (\sum_i p_i v_i)^2 = \sum_i p_i (v_i - \bar v)^2 \ge 0$.",
    ),
    Claim(
        id="lse.rescaled_approximates",
        source=S002,
        quote="As $$k$$ increases, it generates a better approximation of softmax",
        statement=eq(sp.Limit(sp.log(sp.exp(K * x[1]) + sp.exp(K * x[2])) / K, K, sp.oo), lse(x, 2)),
        strategy=Counterexample(hints=({x: [1, 2]},), search=False),
        expected=Status.REFUTED,
        assumptions=("'softmax' is document 002's name for log-sum-exp",),
        correction=eq(sp.Limit(rescaled_gap, K, sp.oo), m),
        correction_strategy=Squeeze(
            lower=m, upper=m + sp.log(n) / K, rewrite=rescaled_factored, sign=Sign()
        ),
        note=r"Taken literally the rescaled form approximates $\max$ (hardmax), not log-sum-exp: "
        r"$\max \le \frac1k \mathrm{LSE}(kx) \le \max + \frac{\log n}{k}$.",
    ),
    rounded_claim(
        "lse.example_k1",
        r"softmax(1, 2; 1)= 2.3132616875182226$$",
        sp.log(sp.E + sp.E**2),
        "2.3132616875182226",
        "2.3132616875182228",
    ),
    rounded_claim(
        "lse.example_k10",
        r"$$\qquad softmax(1, 2; 10) = 2.0000045398899218$$",
        sp.log(sp.exp(10) + sp.exp(20)) / 10,
        "2.0000045398899218",
        "2.0000045398899217",
    ),
    Claim(
        id="lse.gradient_is_softmax",
        source=S002,
        quote=r"$$ \dfrac{\partial {log(\sum^n_{i=1}e^{y_i})}} {\partial y_j} = \dfrac {e^{y_j}} {\sum^n_{i=1}e^{y_i}}$$",
        statement=eq(Derivative(lse(x), x[j]), softmax(x, j)),
        strategy=Simplify((j,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
    ),
    Claim(
        id="lse.sum_le_n_max",
        source=S004,
        quote=r"\sum x_i \leq nx_{(n)}",
        statement=le(Sum(m - d[i], (i, 1, n)), n * m),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(r"$x_{(n)} = m = \max_i x_i$, $x_i = m - d_i$, $d_i \ge 0$",),
    ),
    Claim(
        id="lse.x_le_exp_x",
        source=S004,
        quote=r"$x \leq e^x$ always",
        statement=le(X, sp.exp(X)),
        strategy=sign,
        expected=Status.PROVED,
        assumptions=(r"$x \in \mathbb{R}$",),
    ),
    Claim(
        id="lse.exp_sum_bounds",
        source=S004,
        quote=r"e^{x_{(n)}} \leq \sum_{i=1}^n e^{x_i} \leq ne^{x_{(n)}}",
        statement=both(le(sp.exp(m), sum_gap), le(sum_gap, n * sp.exp(m))),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(GAP_FORM, WLOG_FIRST),
    ),
    Claim(
        id="lse.chain_lower",
        source=S004,
        quote=r"x_{(n)} \leq \log \sum_{i=1}^n e^{x_i} \leq ne^{x_{(n)}} \leq x_{(n)} + \log n",
        statement=lower_bound,
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(GAP_FORM, WLOG_FIRST, "first inequality of the chain"),
    ),
    Claim(
        id="lse.chain_middle",
        source=S004,
        quote=r"x_{(n)} \leq \log \sum_{i=1}^n e^{x_i} \leq ne^{x_{(n)}} \leq x_{(n)} + \log n",
        statement=le(lse_gap, n * sp.exp(m)),
        strategy=Sign(rewrite=sp.Add(n * sp.exp(m) - sum_gap, sum_gap - lse_gap, evaluate=False)),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(GAP_FORM, WLOG_FIRST, "second inequality of the chain"),
        note=r"True, but only because $\log s < s$: it is not the step that gives the bound.",
    ),
    Claim(
        id="lse.chain_third",
        source=S004,
        quote=r"x_{(n)} \leq \log \sum_{i=1}^n e^{x_i} \leq ne^{x_{(n)}} \leq x_{(n)} + \log n",
        statement=le(n * sp.exp(m), m + sp.log(n)),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        scope=ALL_N,
        assumptions=(r"$m = x_{(n)} \in \mathbb{R}$, $n \ge 1$", "third inequality of the chain"),
        correction=upper_bound,
        correction_strategy=sign,
        note=r"The chain should take logs of the previous line: $\log\sum_i e^{x_i} \le \log(n e^{x_{(n)}}) = x_{(n)} + \log n$.",
    ),
    Claim(
        id="lse.bounds",
        source=S004,
        quote=r"So the log-sum-exp function $f$ is at least as large as $x_{(n)}$ and is no larger than the $x_{(n)}+\log n$.",
        statement=both(lower_bound, upper_bound),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(GAP_FORM, WLOG_FIRST),
    ),
    Claim(
        id="lse.gradient_chain",
        source=S004,
        quote=r"\frac{\partial}{\partial x_j} \log \sum_{i=1}^n e^{x_{i}} = \frac{1}{\sum_{i=1}^n e^{x_{i}}} \frac{\partial}{\partial x_j}\sum_{i=1}^n e^{x_{i}} = \frac{e^{x_j}}{\sum_{i=1}^n e^{x_{i}}}",
        statement=both(
            eq(Derivative(lse(x), x[j]), Derivative(sum_exp(x), x[j]) / sum_exp(x)),
            eq(Derivative(sum_exp(x), x[j]) / sum_exp(x), softmax(x, j)),
        ),
        strategy=Simplify((j,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
    ),
    Claim(
        id="lse.increasing",
        source=S004,
        quote=r"$f$ is a monotonically increasing function with respect to each $x_i$, so we expect this derivative to be positive",
        statement=gt(Derivative(lse(x), x[j]), 0),
        strategy=Sign(indices=(j,), upper=n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
    ),
    Claim(
        id="lse.gradient_bounded",
        source=S004,
        quote=r"This derivative is bounded by $(0,1]$",
        statement=both(
            gt(Derivative(sp.log(sp.exp(x[1]) + Sum(sp.exp(x[i]), (i, 2, n))), x[1]), 0),
            le(Derivative(sp.log(sp.exp(x[1]) + Sum(sp.exp(x[i]), (i, 2, n))), x[1]), 1),
        ),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST),
    ),
    Claim(
        id="lse.unit_step_bounded",
        source=S004,
        quote="So increasing $x_i$ by a 1 will lead to a positive increase in the approximation of the maximum by at most 1.",
        statement=both(
            gt(sp.log(sp.exp(x[1] + 1) + Sum(sp.exp(x[i]), (i, 2, n))) - sp.log(sp.exp(x[1]) + Sum(sp.exp(x[i]), (i, 2, n))), 0),
            le(sp.log(sp.exp(x[1] + 1) + Sum(sp.exp(x[i]), (i, 2, n))) - sp.log(sp.exp(x[1]) + Sum(sp.exp(x[i]), (i, 2, n))), 1),
        ),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST),
    ),
))



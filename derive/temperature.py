r"""Claims about temperature: :math:`\mathrm{softmax}(x/T)` and its limits.

Source: document 004.  :math:`T \to \infty` gives the uniform distribution;
:math:`T \to 0^+` gives the argmax, and tied maxima share the mass
:math:`1/|M|`.  As the document does, the limits at :math:`0^+` are taken
after factoring out the maximum, so that every exponent is a gap
:math:`-(m - x_i)/T \le 0` whose sign is known.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Sum

from .claims import Claim
from .engine import Counterexample, EachPart, LimitOf, RealValued, Sign, Simplify, Squeeze, Status
from .sources import S004
from .symbols import WLOG_FIRST, both, d, eq, g, gt, i, j, le, lt, m, n, x

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

ALL_N = "all n"
REAL = r"$x_i \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$, $T > 0$"
UNIQUE = r"$x_1 = m$ is the unique maximum (WLOG at index 1): $x_i = m - g_i$, $g_i > 0$ for $i \ge 2$"

T = sp.Symbol("T", positive=True)
T0 = sp.Symbol("T", nonnegative=True)  # the document's "non-negative" temperature
M = sp.Symbol("M", integer=True, positive=True)  # |M|, the number of tied maxima
r = sp.Symbol("r", integer=True, nonnegative=True)  # entries below the maximum
r1 = sp.Symbol("r", integer=True, positive=True)
X1 = sp.Symbol("x", real=True)

tempered_rest = Sum(sp.exp(x[i] / T), (i, 2, n))
unique_max = sp.exp(m / T) / (sp.exp(m / T) + Sum(sp.exp((m - g[i]) / T), (i, 2, n)))
unique_max_divided = 1 / (1 + Sum(sp.exp(-g[i] / T), (i, 2, n)))
other_entry = sp.exp((m - g[2]) / T) / (sp.exp(m / T) + Sum(sp.exp((m - g[i]) / T), (i, 2, n)))
ties = sp.exp(m / T) / (M * sp.exp(m / T) + Sum(sp.exp((m - g[i]) / T), (i, 1, r)))
tied_at_least_two = sp.exp(m / T) / ((M + 1) * sp.exp(m / T) + Sum(sp.exp((m - g[i]) / T), (i, 1, r)))
ties_nonmax = sp.exp((m - g[1]) / T) / (M * sp.exp(m / T) + Sum(sp.exp((m - g[i]) / T), (i, 1, r1)))
smooth_max = T * sp.log(sp.exp(m / T) + Sum(sp.exp((m - d[i]) / T), (i, 2, n)))
smooth_max_factored = m + T * sp.log(1 + Sum(sp.exp(-d[i] / T), (i, 2, n)))

UNIFORM_LIMIT = Claim(
    id="temperature.uniform_limit",
    source=S004,
    quote=r"\lim_{T\to\infty} \frac{e^{x_j/T}}{\sum_{i=1}^n e^{x_{i}/T}} = \frac{1}{\sum_{i=1}^n 1} = \frac{1}{n}",
    statement=eq(sp.Limit(sp.exp(x[j] / T) / Sum(sp.exp(x[i] / T), (i, 1, n)), T, sp.oo), 1 / n),
    strategy=LimitOf(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL,),
)

TIES_SHARE_MASS = Claim(
    id="temperature.ties_share_mass",
    source=S004,
    quote=r"\lim_{T\to 0^+} \frac{1}{\|M\|+\sum_{x_{i} \not\in M} e^{(x_{i}-m)/T}} = \frac{1}{\|M\|}",
    statement=eq(sp.Limit(ties, T, 0, "+"), 1 / M),
    strategy=LimitOf(rewrite=1 / (M + Sum(sp.exp(-g[i] / T), (i, 1, r)))),
    expected=Status.PROVED,
    scope="all n, |M|",
    assumptions=(r"$|M| = M \ge 1$ maxima equal to $m$; the $r = n - |M| \ge 0$ others are $m - g_i$, $g_i > 0$",),
)

SMOOTH_MAX_LIMIT = Claim(
    id="temperature.smooth_max_limit",
    source=S004,
    quote=r"So functionally, the softmax with temperature 0, is equivalent to the argmax function.",
    statement=eq(sp.Limit(smooth_max, T, 0, "+"), m),
    strategy=Squeeze(lower=m, upper=m + T * sp.log(n), rewrite=smooth_max_factored),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(r"$x_1 = m = \max_i x_i$, $x_i = m - d_i$, $d_i \ge 0$ (ties allowed)",),
    note=r"The smooth maximum $T\,\mathrm{LSE}(x/T)$ tends to $\max_i x_i$, the value of the argmax entry.",
)

CLAIMS.extend((
    Claim(
        id="temperature.positive_T",
        source=S004,
        quote=r"Temperature, a non-negative value, is typically incorporated into the softmax function by dividing all $x_i$ by the temperature parameter $T$.",
        statement=sp.Contains(X1 / T0, sp.S.Reals, evaluate=False),
        strategy=Counterexample(hints=({X1: 1, T0: 0},), search=False),
        expected=Status.REFUTED,
        assumptions=(r"$T \ge 0$ as the document says; dividing by $T$ must give a real number",),
        correction=sp.Contains(X1 / T, sp.S.Reals, evaluate=False),
        correction_strategy=RealValued(),
        note=r"$T = 0$ is not allowed in $x/T$; take $T > 0$ (as the document later does) and define "
        r"$T = 0$ as the limit $T \to 0^+$ (temperature.argmax_unique, temperature.ties_share_mass).",
    ),
    Claim(
        id="temperature.gradient_bounded",
        source=S004,
        quote="Nonetheless, the effect should still be bounded by 1.",
        statement=both(
            gt(Derivative(T * sp.log(sp.exp(x[1] / T) + tempered_rest), x[1]), 0),
            le(Derivative(T * sp.log(sp.exp(x[1] / T) + tempered_rest), x[1]), 1),
        ),
        strategy=Sign(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST, r"the tempered smooth maximum is $T \log\sum_i e^{x_i/T}$"),
        note=r"Without the factor $T$, $\partial_{x_i} \log\sum_j e^{x_j/T} = p_i/T$ is not bounded by 1 for $T < 1$.",
    ),
    UNIFORM_LIMIT,
    Claim(
        id="temperature.divide_step",
        source=S004,
        quote=r"\lim_{T\to 0^+} \frac{1}{1 + \frac{\sum_{1 \leq i \neq j \leq n} e^{x_{i}/T}}{e^{x_j}}} = \frac{1}{1 + \sum_{1 \leq i \neq j \leq n} e^{(x_{i}-x_{j})/T}}",
        statement=eq(tempered_rest / sp.exp(x[1]), Sum(sp.exp((x[i] - x[1]) / T), (i, 2, n))),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        scope=ALL_N,
        assumptions=(REAL, r"$j = 1$ (WLOG)"),
        correction=eq(tempered_rest / sp.exp(x[1] / T), Sum(sp.exp((x[i] - x[1]) / T), (i, 2, n))),
        correction_strategy=Simplify(),
        note=r"Typo: the divisor must be $e^{x_j/T}$, not $e^{x_j}$. (The displayed line also equates a limit with "
        r"a $T$-dependent expression; the limit sign belongs on both sides.)",
    ),
    Claim(
        id="temperature.argmax_unique",
        source=S004,
        quote=r"This means that the softmax of the unique maximum $x_j$ will be 1.",
        statement=eq(sp.Limit(unique_max, T, 0, "+"), 1),
        strategy=LimitOf(rewrite=unique_max_divided),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(UNIQUE,),
    ),
    Claim(
        id="temperature.argmax_others_zero",
        source=S004,
        quote=r"This means the softmax of $x_i$ for $i \neq j$ must be 0.",
        statement=eq(sp.Limit(other_entry, T, 0, "+"), 0),
        strategy=LimitOf(rewrite=sp.exp(-g[2] / T) * unique_max_divided),
        expected=Status.PROVED,
        scope="all n >= 2",
        assumptions=(UNIQUE, r"$n \ge 2$; entry 2 stands for any non-maximal entry"),
    ),
    Claim(
        id="temperature.not_unique_not_one",
        source=S004,
        quote=r"its clear that if $x_j$ was not the unique maximum, the softmax of $x_j$ cannot be 1",
        statement=both(eq(sp.Limit(tied_at_least_two, T, 0, "+"), 1 / (M + 1)), lt(1 / (M + 1), 1)),
        strategy=EachPart((LimitOf(rewrite=1 / (M + 1 + Sum(sp.exp(-g[i] / T), (i, 1, r)))), Sign())),
        expected=Status.PROVED,
        scope="all |M| >= 2",
        assumptions=(
            r"$x_j = m$ is a maximum tied with $M \ge 1$ others ($|M| = M + 1 \ge 2$ maxima equal to $m$); "
            r"the $r \ge 0$ other entries are $m - g_i$, $g_i > 0$",
        ),
        note="A tied maximum's softmax tends to 1/|M| <= 1/2 as T -> 0+, so it cannot be 1 (at every finite T "
        "no entry reaches 1 either when n >= 2: temperature.argmax_unique covers the unique case).",
    ),
    Claim(
        id="temperature.ties_factor",
        source=S004,
        quote=r"Every element in $M$ is equal to each other, since they are all maximums. We call it $m$ so that $x_j = m$.",
        statement=eq(Sum(sp.exp(m / T), (i, 1, M)), M * sp.exp(m / T)),
        strategy=Simplify(),
        expected=Status.PROVED,
        scope="all |M|",
        assumptions=(r"$|M| = M \ge 1$ tied maxima, each equal to $m$",),
    ),
    TIES_SHARE_MASS,
    Claim(
        id="temperature.ties_others_vanish",
        source=S004,
        quote=r"will only sample classes $j$ and $k$ when $T$ approaches 0",
        statement=eq(sp.Limit(ties_nonmax, T, 0, "+"), 0),
        strategy=LimitOf(rewrite=sp.exp(-g[1] / T) / (M + Sum(sp.exp(-g[i] / T), (i, 1, r1)))),
        expected=Status.PROVED,
        scope="all n, |M|",
        assumptions=(r"$|M| \ge 1$ maxima equal to $m$; $r \ge 1$ others $m - g_i$, $g_i > 0$; entry 1 of the others (WLOG)",),
    ),
    Claim(
        id="temperature.sharpens",
        source=S004,
        quote="Temperature serves to dampen or sharpen the value of",
        statement=le(Derivative(1 / (1 + Sum(sp.exp(-d[i] / T), (i, 2, n))), T), 0),
        strategy=Sign(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(r"the probability of the maximum $m = x_1$ with gaps $d_i = m - x_i \ge 0$",),
        note="The probability of the maximum never increases with T: lowering T sharpens, raising it dampens.",
    ),
    SMOOTH_MAX_LIMIT,
))

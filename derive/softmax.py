r"""Claims about softmax itself: range, normalisation, shift invariance, Jacobian.

Sources: document 000 (Deep Learning book notes), 001 (softmax regression),
003 (probability axioms).  :math:`p_k = e^{x_k} / \sum_{i=1}^n e^{x_i}`.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Sum

from .claims import Claim
from .engine import Counterexample, EachPart, LimitOf, Sign, Simplify, Status
from .sources import S000, S001, S003
from .symbols import WLOG_FIRST, a, both, c, eq, gt, h, i, j, k, le, lt, m, n, softmax, sum_exp, sum_exp_rest, z

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)


ALL_N = "all n"
REAL = r"$x_i, z_i \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$"
IN_RANGE = r"free indices lie in $1..n$"

p1 = sp.exp(z[1]) / (sp.exp(z[1]) + sum_exp_rest(z))  # entry 1, the others summed over 2..n
p_k = softmax(z, k)
in_unit_interval = both(le(0, p1), le(p1, 1))
sums_to_one = eq(Sum(softmax(z, j), (j, 1, n)), 1)
shifted = eq(sp.exp(z[k] + c) / Sum(sp.exp(z[i] + c), (i, 1, n)), p_k)
sign = Sign()
simplify_k = Simplify((k,), n)

# the entry z_1 = m is the maximum, all others at least g below it: z_i = m - g - h_i
G = sp.Symbol("g", positive=True)
saturating = sp.exp(m) / (sp.exp(m) + Sum(sp.exp(m - G - h[i]), (i, 2, n)))

STABLE_FORM = Claim(
    id="softmax.stable_form",
    source=S000,
    quote=r"\\[\textrm{softmax}(z)=\textrm{softmax}(z-\max_j{z_j}).\\]",
    statement=eq(sp.exp(z[k] - m) / Sum(sp.exp(z[i] - m), (i, 1, n)), p_k),
    strategy=simplify_k,
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"holds for every real $m$, in particular $m = \max_j z_j$", IN_RANGE),
)

CLAIMS.extend((
    Claim(
        id="softmax.unit_interval",
        source=S000,
        quote=r"\\(\hat{y}_i\in[0,1]\\)",
        statement=in_unit_interval,
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST),
    ),
    Claim(
        id="softmax.sums_to_one",
        source=S000,
        quote=r"\\(\sum_j\hat{y}_j=1\\)",
        statement=sums_to_one,
        strategy=Simplify(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL,),
    ),
    Claim(
        id="softmax.log_softmax",
        source=S000,
        quote=r"\\[\log\textrm{softmax}(z)_i=z_i-\log\sum_j{\exp(z_j)}.\\]",
        statement=eq(sp.log(p_k), z[k] - sp.log(sum_exp(z))),
        strategy=simplify_k,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
    ),
    Claim(
        id="softmax.log_softmax_linear",
        source=S000,
        quote=r"\\(\log\textrm{softmax}(z)_i\\) is linear in \\(z_i\\) - it never saturates in terms of \\(z_i\\).",
        statement=eq(Derivative(sp.log(p_k), z[k], 2), 0),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE, "linear in $z_k$ means: second derivative in $z_k$ is 0"),
        correction=eq(Derivative(sp.log(p_k), z[k]), 1 - p_k),
        correction_strategy=simplify_k,
        note=r"Only the first term $z_i$ is linear; $\log\mathrm{softmax}$ is concave in $z_i$ with slope "
        r"$1 - \mathrm{softmax}(z)_i \in (0, 1)$, which vanishes only as the prediction becomes certain.",
    ),
    Claim(
        id="softmax.scaling_invariance",
        source=S000,
        quote="observe that it is invariant to scalar scaling",
        statement=eq(sp.exp(c * z[k]) / Sum(sp.exp(c * z[i]), (i, 1, n)), p_k),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
        correction=shifted,
        correction_strategy=simplify_k,
        note="Softmax is invariant to adding a scalar (the document's own formula), not to scaling: "
        "scaling by c is a temperature 1/c.",
    ),
    Claim(
        id="softmax.shift_invariance",
        source=S000,
        quote=r"\\[\textrm{softmax}(z+c)=\frac{\exp(z)\exp(c)}{(\sum_j\exp(z))\exp(c)}=\textrm{softmax}(z).\\]",
        statement=shifted,
        strategy=simplify_k,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, r"$c \in \mathbb{R}$", IN_RANGE),
        note=r"The document's denominator $\sum_j \exp(z)$ should read $\sum_j \exp(z_j)$.",
    ),
    STABLE_FORM,
    Claim(
        id="softmax.saturates_to_one",
        source=S000,
        quote=r"saturates to 1 when \\(z_i=\max_j z_j\\), and \\(z_i\\) is much greater than all other inputs",
        statement=eq(sp.Limit(saturating, G, sp.oo), 1),
        strategy=LimitOf(),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(WLOG_FIRST, r"$z_1 = m$, $z_i = m - g - h_i$ ($h_i \ge 0$): every other input is at least $g$ below", r"$g \to \infty$"),
    ),
    Claim(
        id="softmax.saturates_to_zero",
        source=S000,
        quote=r"It also saturates to 0, when \\(z_j\\) is not maximal and the maximum \\(z_i\\) is much greater.",
        statement=eq(
            sp.Limit(sp.exp(m - G) / (sp.exp(m) + sp.exp(m - G) + Sum(sp.exp(m - h[i]), (i, 3, n))), G, sp.oo), 0
        ),
        strategy=LimitOf(size_lower_bounds=((n, 2),)),
        expected=Status.PROVED,
        scope="all n >= 2",
        assumptions=(r"$n \ge 2$; $z_1 = m$ is the maximum, $z_2 = m - g$ the entry considered, $z_i = m - h_i \le m$ the rest", r"$g \to \infty$"),
    ),
    Claim(
        id="softmax.unit_interval.001",
        source=S001,
        quote="of real values in the range [0, 1] that add up to 1",
        statement=both(in_unit_interval, sums_to_one),
        strategy=EachPart((sign, Simplify())),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST),
    ),
    Claim(
        id="softmax.generalises_logistic",
        source=S001,
        quote="It is a generalization of the\xa0logistic function",
        statement=eq(sp.exp(a) / (sp.exp(a) + sp.exp(0)), 1 / (1 + sp.exp(-a))),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"two classes with logits $(a, 0)$; $a \in \mathbb{R}$",),
    ),
    Claim(
        id="softmax.evidence_multiplies_weight",
        source=S001,
        quote="one more unit of evidence increases the weight given to any hypothesis multiplicatively",
        statement=eq(sp.exp(a + 1), sp.E * sp.exp(a)),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"the weight of evidence $a$ is $e^{a}$",),
    ),
    Claim(
        id="softmax.evidence_fraction",
        source=S001,
        quote="having one less unit of evidence means that a hypothesis gets a fraction of its earlier weight",
        statement=both(eq(sp.exp(a - 1) / sp.exp(a), sp.exp(-1)), lt(sp.exp(-1), 1)),
        strategy=EachPart((Simplify(), sign)),
        expected=Status.PROVED,
        assumptions=(r"the weight of evidence $a$ is $e^{a}$",),
    ),
    Claim(
        id="softmax.no_zero_weight",
        source=S001,
        quote="No hypothesis ever has zero or negative weight.",
        statement=both(gt(sp.exp(a), 0), gt(p_k, 0)),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL,),
    ),
    Claim(
        id="softmax.changes_compensate",
        source=S001,
        quote="the total change in the other activations exactly compensates for the change in",
        statement=eq(Sum(Derivative(p_k, z[j]), (k, 1, n)), 0),
        strategy=Simplify((j,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE),
    ),
    Claim(
        id="softmax.others_decrease",
        source=S001,
        quote="then the other output activations must decrease by the same total amount",
        statement=lt(
            Derivative(sp.exp(z[2]) / (sp.exp(z[1]) + sp.exp(z[2]) + sum_exp_rest(z, start=3)), z[1]), 0
        ),
        strategy=Sign(size_lower_bounds=((n, 2),)),
        expected=Status.PROVED,
        scope="all n >= 2",
        assumptions=(REAL, r"$n \ge 2$; entry 1 increases, entry 2 is another one (WLOG)"),
    ),
    Claim(
        id="softmax.positive",
        source=S001,
        quote="the output activations are all positive, since the exponential function is positive",
        statement=gt(p_k, 0),
        strategy=sign,
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL,),
    ),
    Claim(
        id="softmax.probability_axioms",
        source=S003,
        quote=r"0 \leq f_c(x) \leq 1, \quad \sum_{c=1}^{v} f_c(x) = 1",
        statement=both(in_unit_interval, sums_to_one),
        strategy=EachPart((sign, Simplify())),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, WLOG_FIRST, r"$z_c = w_c^T x + b_c$, $v = n$ classes"),
    ),
    Claim(
        id="softmax.normaliser_index_range",
        source=S003,
        quote=r"f_c(x) = \frac{\exp(w_c^T x + b_c)}{\sum_{k=0}^{v-1} \exp(w_k^T x + b_k)}",
        statement=eq(Sum(sp.exp(z[c]), (c, 1, n)) / Sum(sp.exp(z[k]), (k, 0, n - 1)), 1),
        strategy=Counterexample(hints=({n: 2, z: {0: 0, 1: 0, 2: 1}},), search=False),
        expected=Status.REFUTED,
        scope=ALL_N,
        assumptions=(r"classes $c = 1..v$ as in the axiom $\sum_{c=1}^{v} f_c = 1$; $v = n$",),
        correction=sums_to_one,
        correction_strategy=Simplify(),
        note=r"The normaliser sums over $k = 0..v-1$ while the classes and the axiom run over $1..v$; "
        r"with mismatched ranges the outputs do not sum to 1. Use one range, $k = 1..v$.",
    ),
))

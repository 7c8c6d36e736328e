r"""Claims about softmax cross-entropy, its gradient, and maximum likelihood.

Sources: document 003 (cross-entropy, gradient :math:`f_c - [c = y]`, the
perceptron-like signs, the MLE objective) and document 000 (MLE consistency).
:math:`\mathcal{L} = -\log \mathrm{softmax}(z)_y`.
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, KroneckerDelta, Product, Sum

from .claims import Claim
from .engine import Counterexample, LimitOf, Sign, Simplify, Status
from .sources import S000, S003
from .symbols import N, both, c, eq, gt, i, k, lt, n, sigmoid, softmax, sum_exp_rest, y, z

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

ALL_N = "all n"
REAL = r"$z_c \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$ classes"
IN_RANGE = r"class indices lie in $1..n$"

Pr = sp.IndexedBase("P", positive=True)  # Pr(Y = y_i | x_i) of training token i
W = sp.IndexedBase("W", real=True)
xv = sp.IndexedBase("x", real=True)
B = sp.IndexedBase("b", real=True)
dim = sp.Symbol("d", integer=True, positive=True)
mm, q = sp.symbols("m q", integer=True)
target = sp.Symbol("y", real=True)
loss = -sp.log(softmax(z, y))
logit_c = Sum(W[c, q] * xv[q], (q, 1, dim)) + B[c]
p1 = sp.exp(z[1]) / (sp.exp(z[1]) + sum_exp_rest(z))
p2 = sp.exp(z[2]) / (sp.exp(z[1]) + sp.exp(z[2]) + sum_exp_rest(z, start=3))
log_likelihood = Sum(N[c] * sp.log(softmax(z, c)), (c, 1, n))
# the gradient computed symbolically, then evaluated at the intercepts b_c = log N_c
gradient_at_log_counts = Derivative(log_likelihood, z[k]).doit().replace(
    lambda e: isinstance(e, sp.Indexed) and e.base == z, lambda e: sp.log(N[e.indices[0]])
)
margin = sp.Symbol("t", real=True)  # logit of the true class minus the other one (two classes)

GRADIENT_SOFTMAX_MINUS_ONEHOT = Claim(
    id="ce.gradient_softmax_minus_onehot",
    source=S003,
    quote=r"f_{c}(x_i) - 1 & c = y \\\\",
    statement=eq(Derivative(loss, z[c]), softmax(z, c) - KroneckerDelta(c, y)),
    strategy=Simplify((c, y), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, IN_RANGE),
)

CLAIMS.extend((
    Claim(
        id="mle.frequencies_stationary",
        source=S000,
        quote="unregularized MLE will drive the model to learn parameters that, drive the softmax to predict the fraction of counts of each outcome in the trainng set",
        statement=eq(gradient_at_log_counts, 0),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(
            r"intercept-only model $p = \mathrm{softmax}(b)$; class $c$ seen $N_c > 0$ times; $1 \le k \le n$",
            r"the statement is $\partial/\partial b_k \sum_c N_c \log \mathrm{softmax}(b)_c$, differentiated by SymPy "
            r"and then evaluated at $b_c = \log N_c$ (i.e. $p_c = N_c / \sum N$): the gradient vanishes there; "
            r"the log-likelihood is concave (lse.convex), so this stationary point is the maximum",
        ),
    ),
    Claim(
        id="mle.intercept_gradient",
        source=S000,
        quote="Since the maximum likelihood is a consistent estimator",
        statement=eq(
            Derivative(Sum(N[c] * sp.log(softmax(z, c)), (c, 1, n)), z[k]),
            N[k] - Sum(N[c], (c, 1, n)) * softmax(z, k),
        ),
        strategy=Simplify((k,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE, r"$z = b$ are the intercepts; counts $N_c > 0$"),
    ),
    Claim(
        id="mle.log_of_product",
        source=S003,
        quote=r"\prod_{i=1}^{n} \Pr(Y = y_i|x_i) = \underset{W,b}{\text{argmax}} \sum_{i=1}^{n} \ln \Pr(Y = y_i|x_i)",
        statement=eq(sp.log(Product(Pr[i], (i, 1, n))), Sum(sp.log(Pr[i]), (i, 1, n))),
        strategy=Simplify(),
        expected=Status.PROVED,
        scope="all n",
        assumptions=(r"$P_i = \Pr(Y = y_i | x_i) > 0$; $\log$ is strictly increasing, so both have the same argmax",),
    ),
    Claim(
        id="mle.objective_sign",
        source=S003,
        quote=r"W, b = \underset{W,b}{\text{argmin}} -\frac{1}{n} \sum_{i=1}^{n} \mathcal{L}_ i, \quad \mathcal{L}_ i = - \log f_ {y_ i}(x_ i)",
        statement=eq(-Sum(-sp.log(Pr[i]), (i, 1, n)) / n, -Sum(sp.log(Pr[i]), (i, 1, n)) / n),
        strategy=Counterexample(hints=({n: 1, Pr: [sp.Rational(1, 2)]},)),
        expected=Status.REFUTED,
        scope="all n",
        assumptions=(r"the objective to minimise must be the negative mean log-likelihood $-\frac1n\sum_i \ln P_i$",),
        correction=eq(Sum(-sp.log(Pr[i]), (i, 1, n)) / n, -Sum(sp.log(Pr[i]), (i, 1, n)) / n),
        correction_strategy=Simplify(),
        note=r"Double negative: $-\frac1n\sum_i \mathcal{L}_i = \frac1n \sum_i \ln P_i$ is the mean log-likelihood, so its "
        r"argmin minimises the likelihood. The objective is $\operatorname{argmin} \frac1n \sum_i \mathcal{L}_i$.",
    ),
    Claim(
        id="ce.onehot_cross_entropy",
        source=S003,
        quote=r"Truth: $Y = y$ with probability 1.0, $\ln(1.0) = 0$, minus the",
        statement=eq(-Sum(KroneckerDelta(c, y) * sp.log(softmax(z, c)), (c, 1, n)), loss),
        strategy=Simplify((y,), n),
        expected=Status.PROVED,
        scope=ALL_N,
        assumptions=(REAL, IN_RANGE, r"cross-entropy $-\sum_c t_c \ln f_c$ with the one-hot truth $t_c = [c = y]$"),
    ),
    Claim(
        id="ce.logit_gradient",
        source=S003,
        quote=r"\frac{\partial \mathcal{L}}{\partial w_c} = \left( \frac{\partial \mathcal{L}}{\partial z_c} \right) \left( \frac{\partial z_c}{\partial w_c} \right) = \left( \frac{\partial \mathcal{L}}{\partial z_c} \right) x",
        statement=eq(Derivative(logit_c, W[c, mm]), xv[mm]),
        strategy=Simplify((mm,), dim),
        expected=Status.PROVED,
        scope="all d",
        assumptions=(r"$z_c = \sum_{q=1}^d W_{cq} x_q + b_c$; only $z_c$ depends on row $w_c$", r"$1 \le m \le d$"),
    ),
    GRADIENT_SOFTMAX_MINUS_ONEHOT,
    Claim(
        id="ce.linear_regression_gradient",
        source=S003,
        quote=r"\frac{\partial \mathcal{L}}{\partial w} = \epsilon x, \quad \epsilon = f(x) - y",
        statement=eq(
            Derivative((Sum(W[1, q] * xv[q], (q, 1, dim)) - target) ** 2 / 2, W[1, mm]),
            (Sum(W[1, q] * xv[q], (q, 1, dim)) - target) * xv[mm],
        ),
        strategy=Simplify((mm,), dim),
        expected=Status.PROVED,
        scope="all d",
        assumptions=(r"linear regression $f(x) = w^T x$ with the squared loss $\mathcal{L} = \tfrac12 (f(x) - y)^2$", r"$1 \le m \le d$"),
        note=r"Holds with the factor $\tfrac12$ in the loss; without it the gradient is $2\epsilon x$.",
    ),
    Claim(
        id="ce.perceptron_signs",
        source=S003,
        quote="In other words, like a perceptron,",
        statement=both(lt(p1 - 1, 0), gt(p2, 0)),
        strategy=Sign(size_lower_bounds=((n, 2),)),
        expected=Status.PROVED,
        scope="all n >= 2",
        assumptions=(REAL, r"$n \ge 2$ classes (for $n = 1$, $\epsilon_y = 0$)", r"true class $y = 1$, another class 2 (WLOG)"),
    ),
    Claim(
        id="mle.squared_error_saturates",
        source=S000,
        quote="Many object functions, other than log-likelihood, do not work well with softmax.",
        statement=both(
            eq(sp.Limit(Derivative((1 - sigmoid(margin)) ** 2, margin), margin, -sp.oo), 0),
            eq(sp.Limit(Derivative(-sp.log(sigmoid(margin)), margin), margin, -sp.oo), -1),
        ),
        strategy=LimitOf(),
        expected=Status.PROVED,
        assumptions=(
            r"two classes; $t$ = logit of the true class minus the other, $p = \sigma(t)$ (sigmoid.two_class_first_row)",
            r"$t \to -\infty$: the model is confidently wrong",
        ),
        note="When the model is confidently wrong, the squared error's gradient vanishes (saturation) while the "
        "log-likelihood's stays at -1: the log undoes the exp.",
    ),
))

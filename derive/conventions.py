r"""The conventions of the peers' parameters (masks, weights, signs, means), each proved where it is a theorem.

Source ``codegen``: the identities that ``where=``, ``b=``/``return_sign=`` and ``logmeanexp`` rely on
(scipy.special.logsumexp, jax.nn.softmax and jax.nn.logsumexp with ``where``, jax.nn.logmeanexp).

* A masked entry is the limit :math:`x_j \to -\infty` of the unmasked function: it gets probability
  0 and log-probability :math:`-\infty`, and the others are the function of the unmasked entries
  alone (``mask.entry_limit``).
* A fully masked slice: logsumexp :math:`-\infty`, a loss of 0 and a gradient of 0 are the limits of
  the one-entry case (``mask.fully_masked_limits``). Probabilities 0 and log-probabilities
  :math:`-\infty` are a *convention* there (PyTorch's ``_safe_softmax``, oneDNN's ``inf_as_zero``):
  the one-entry softmax is 1 for every :math:`x`, so no limit gives 0; the convention says the empty
  set of entries carries no mass.
"""

from __future__ import annotations

import sympy as sp
from sympy import Sum
from sympy.codegen.cfunctions import expm1, log1p

from .claims import Claim
from .engine import EachPart, LimitOf, Simplify, Status
from .sources import CODEGEN
from .symbols import both, eq, i, k, m, n, sum_exp, x

CLAIMS: list[Claim] = []  # this module's claims (derive/catalogue.py collects them)

ALL_N = "all n"
REAL = r"$x_i \in \mathbb{R}$, $n \in \mathbb{Z}_{\ge 1}$"

y = sp.Symbol("y", real=True)  # the masked entry (index n + 1), sent to -oo
S = sum_exp(x)
weight = sp.IndexedBase("b", positive=True)
signed_weight = sp.IndexedBase("b", real=True)

MASK_ENTRY_LIMIT = Claim(
    id="mask.entry_limit",
    source=CODEGEN,
    quote="where=: a masked entry is the limit x_j -> -inf: probability 0, the others the softmax and logsumexp of the unmasked entries",
    statement=both(
        eq(sp.Limit(sp.exp(x[k]) / (S + sp.exp(y)), y, -sp.oo), sp.exp(x[k]) / S),
        eq(sp.Limit(sp.exp(y) / (S + sp.exp(y)), y, -sp.oo), 0),
        eq(sp.Limit(sp.log(S + sp.exp(y)), y, -sp.oo), sp.log(S)),
    ),
    strategy=LimitOf(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"the masked entry $y = x_{n+1}$ (WLOG last); $1 \le k \le n$"),
    note=r"So masking is substituting $-\infty$ into the kernels, whose $-\infty$ entries are these limits "
         r"(log-probability $y - \log(S + e^y) \to -\infty$).",
)

MASK_FULLY_MASKED = Claim(
    id="mask.fully_masked_limits",
    source=CODEGEN,
    quote="where=: a fully masked slice has logsumexp -inf, loss 0 and gradient 0 (the limits of the one-entry case)",
    statement=both(
        eq(sp.Limit(sp.log(sp.exp(y)), y, -sp.oo), -sp.oo),
        eq(sp.log(sp.exp(y)) - y, 0),
        eq(sp.exp(y) / sp.exp(y) - 1, 0),
    ),
    strategy=EachPart((LimitOf(), Simplify())),
    expected=Status.PROVED,
    assumptions=(r"one entry $y \in \mathbb{R}$, the target: LSE $= \log e^y$, loss $\mathrm{LSE} - y$, gradient $p - 1$",),
    note="The loss and the gradient are 0 for every y, so their limit is 0 too; probabilities 0 and log-probabilities "
         "-inf are the frameworks' convention, not a limit (the one-entry softmax is 1).",
)

LSE_WEIGHTED = Claim(
    id="lse.weighted_shift",
    source=CODEGEN,
    quote="logsumexp(x, b=b): log sum_i b_i e^{x_i} = LSE(x + log b) for b > 0, evaluated as m + log sum_i b_i e^{x_i - m}",
    statement=both(
        eq(sp.log(Sum(weight[i] * sp.exp(x[i]), (i, 1, n))), sp.log(Sum(sp.exp(x[i] + sp.log(weight[i])), (i, 1, n)))),
        eq(sp.log(Sum(weight[i] * sp.exp(x[i]), (i, 1, n))), m + sp.log(Sum(weight[i] * sp.exp(x[i] - m), (i, 1, n)))),
    ),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"weights $b_i > 0$ (a zero weight drops its entry, as a mask does); any real $m$"),
)

LSE_SIGN_SPLIT = Claim(
    id="lse.sign_split",
    source=CODEGEN,
    quote="logsumexp(x, b=b, return_sign=True): sum_i b_i e^{x_i} = sign * e^{m + log|s|}, s = sum_i b_i e^{x_i - m}",
    statement=both(
        eq(sp.sign(s_signed := Sum(signed_weight[i] * sp.exp(x[i] - m), (i, 1, n))) * sp.exp(m + sp.log(sp.Abs(s_signed))),
           Sum(signed_weight[i] * sp.exp(x[i]), (i, 1, n))),
        eq(sp.log(sp.Abs(Sum(signed_weight[i] * sp.exp(x[i]), (i, 1, n)))), m + sp.log(sp.Abs(s_signed))),
    ),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"real weights $b_i$ of either sign, $s \ne 0$; any real $m$"),
    note=r"The sum's sign is the sign of $s$ (as $e^m > 0$). A sum that cancels is ill-conditioned: its condition "
         r"number is $\kappa = \sum_i |b_i| e^{x_i} / |\sum_i b_i e^{x_i}|$, and the log's absolute error is "
         r"about $\kappa$ times the terms' relative error.",
)

LOGMEANEXP_EXPM1 = Claim(
    id="lse.logmeanexp_expm1",
    source=CODEGEN,
    quote="logmeanexp kernels evaluate m + log1p(sum_i expm1(x_i - m) / n)",
    statement=eq(sp.log(S / n), m + log1p(Sum(expm1(x[i] - m), (i, 1, n)) / n)),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"any real $m$ (the kernels take the max)"),
    note=r"Near equal entries the mean of $e^{x_i - m}$ is near 1 and $\log$ of it cancels; the sum of "
         r"$\mathrm{expm1}$ keeps its digits, so logmeanexp of equal entries is their value exactly.",
)

_EXPM1_SUM = Sum(expm1(x[i] - m), (i, 1, n))
LOGMEANEXP_RATIO = Claim(
    id="lse.logmeanexp_ratio",
    source=CODEGEN,
    quote="the C logmeanexp kernel evaluates m - log1p(-S/(n + S)) with S = sum_i expm1(x_i - m)",
    statement=eq(sp.log(S / n), m - log1p(-_EXPM1_SUM / (n + _EXPM1_SUM))),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"any real $m$ (the kernel takes the max, so $S \le 0$ and $n + S = \sum_i e^{x_i - m} \ge 1$)"),
    note=r"One log of an argument $u = -S/(n + S) \ge 0$ (the derived log1p kernel's domain), a ratio of two sums "
         r"whose terms have one sign each: $n + S$ is summed as $\sum_i e^{x_i - m}$, not as $n$ plus $S$.",
)

CLAIMS.extend((MASK_ENTRY_LIMIT, MASK_FULLY_MASKED, LSE_WEIGHTED, LSE_SIGN_SPLIT, LOGMEANEXP_EXPM1, LOGMEANEXP_RATIO))

# ---------------------------------------------------------------------------------------------
# Cross-entropy like torch.nn.functional.cross_entropy: class weights w, label smoothing eps over
# n classes, probability targets t; the gradient of each form, and the reductions.
eps = sp.Symbol("epsilon", nonnegative=True)
w = sp.IndexedBase("w", nonnegative=True)
t = sp.IndexedBase("t", nonnegative=True)
c, j, y_idx = sp.symbols("c j y", integer=True, positive=True)
LSE = sp.log(S)
p_j = sp.exp(x[j]) / S
smoothed = (1 - eps) * (LSE - x[y_idx]) + eps * (LSE - Sum(x[c], (c, 1, n)) / n)
weighted_smoothed = (1 - eps) * w[y_idx] * (LSE - x[y_idx]) + eps / n * Sum(w[c] * (LSE - x[c]), (c, 1, n))
soft_target = Sum(t[c] * w[c] * (LSE - x[c]), (c, 1, n))
INDEX = r"class indices $1 \le y, j \le n$"

CE_SMOOTHING_MIX = Claim(
    id="ce.label_smoothing_mix",
    source=CODEGEN,
    quote="label_smoothing=eps: the target (1 - eps) onehot + eps/n gives (1 - eps) CE + eps (LSE - mean of the logits)",
    statement=eq(Sum(((1 - eps) * sp.KroneckerDelta(c, y_idx) + eps / n) * (LSE - x[c]), (c, 1, n)), smoothed),
    strategy=Simplify((y_idx,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, INDEX, r"$0 \le \epsilon \le 1$; uniform class weights"),
)

CE_SMOOTHING_GRAD = Claim(
    id="ce.label_smoothing_grad",
    source=CODEGEN,
    quote="the gradient of the smoothed loss is softmax - ((1 - eps) onehot + eps/n)",
    statement=eq(sp.Derivative(smoothed, x[j]), p_j - ((1 - eps) * sp.KroneckerDelta(j, y_idx) + eps / n)),
    strategy=Simplify((j, y_idx), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, INDEX, r"$0 \le \epsilon \le 1$"),
)

CE_WEIGHTED_SMOOTHING_GRAD = Claim(
    id="ce.weighted_smoothing_grad",
    source=CODEGEN,
    quote="weight=w with label_smoothing=eps (torch): (1 - eps) w_y CE + (eps/n) sum_c w_c (LSE - x_c); its gradient "
          "(1 - eps) w_y (p - onehot) + (eps/n)(W p - w), W = sum_c w_c",
    statement=eq(sp.Derivative(weighted_smoothed, x[j]),
                 (1 - eps) * w[y_idx] * (p_j - sp.KroneckerDelta(j, y_idx)) + eps / n * (Sum(w[c], (c, 1, n)) * p_j - w[j])),
    strategy=Simplify((j, y_idx), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, INDEX, r"class weights $w_c \ge 0$, $0 \le \epsilon \le 1$ (torch applies $w$ to both terms)"),
)

CE_SOFT_TARGET_GRAD = Claim(
    id="ce.soft_target_grad",
    source=CODEGEN,
    quote="probability targets t with class weights w: loss sum_c t_c w_c (LSE - x_c), gradient p sum_c t_c w_c - t w",
    statement=eq(sp.Derivative(soft_target, x[j]), p_j * Sum(t[c] * w[c], (c, 1, n)) - t[j] * w[j]),
    strategy=Simplify((j,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"$1 \le j \le n$; targets $t_c \ge 0$ (a distribution, smoothed or not), weights $w_c \ge 0$"),
    note=r"$-\sum_c t_c w_c \log p_c$ with $-\log p_c = \mathrm{LSE} - x_c$ (rewrite.cross_entropy_lse); "
         r"a class with $t_c = 0$ contributes 0 even where $x_c = -\infty$ (the limit $t \log p \to 0$), where torch gives NaN.",
)

N_rows = sp.Symbol("N", integer=True, positive=True)
loss_a, loss_s, denom = sp.IndexedBase("a", real=True), sp.IndexedBase("s", real=True), sp.Symbol("D", positive=True)
CE_MEAN_REDUCTION = Claim(
    id="ce.mean_reduction_split",
    source=CODEGEN,
    quote="reduction='mean' (torch): (1 - eps) sum_i a_i / D + (eps/n) sum_i s_i / D, D = sum of w[target] over "
          "the non-ignored rows, is the mean of the per-row losses (1 - eps) a_i + (eps/n) s_i over the same D",
    statement=eq((1 - eps) * Sum(loss_a[i], (i, 1, N_rows)) / denom + eps / n * Sum(loss_s[i], (i, 1, N_rows)) / denom,
                 Sum((1 - eps) * loss_a[i] + eps / n * loss_s[i], (i, 1, N_rows)) / denom),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope="all N rows, n classes",
    assumptions=(r"$a_i = w_{y_i}(\mathrm{LSE}_i - x_{i y_i})$, $s_i = \sum_c w_c(\mathrm{LSE}_i - x_{ic})$, both 0 "
                 r"for an ignored row; $D > 0$ (all rows ignored: $0/0$, NaN as in torch)",),
    note="So the kernels combine the two terms per row and reduce once; torch reduces each term and combines "
         "(LossNLL.cpp, cross_entropy_loss_label_smoothing): the same number, proved.",
)

# ---------------------------------------------------------------------------------------------
# Binary cross-entropy with logits (torch.nn.functional.binary_cross_entropy_with_logits)
z, label, pos = sp.Symbol("x", real=True), sp.Symbol("y", real=True), sp.Symbol("w_p", positive=True)
sig = 1 / (1 + sp.exp(-z))


def softplus(u: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(u))


BCE_STABLE = Claim(
    id="bce.stable_form",
    source=CODEGEN,
    quote="binary_cross_entropy_with_logits kernels evaluate (1 - y) softplus(x) + w_p y softplus(-x), "
          "torch's (1 - y) x + (1 + (w_p - 1) y) softplus(-x)",
    statement=both(
        eq(-(pos * label * sp.log(sig) + (1 - label) * sp.log(1 - sig)), (1 - label) * softplus(z) + pos * label * softplus(-z)),
        eq((1 - label) * z + (1 + (pos - 1) * label) * softplus(-z), (1 - label) * softplus(z) + pos * label * softplus(-z)),
    ),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(r"logit $x \in \mathbb{R}$, target $y \in [0, 1]$, pos_weight $w_p > 0$",),
    note=r"Both terms are $\ge 0$ for $y \in [0, 1]$: no cancellation; torch's form cancels for $y = 0$, "
         r"$x \ll 0$ ($x + \mathrm{softplus}(-x)$), e.g. 0 instead of $4.2\cdot 10^{-18}$ at $x = -40$.",
)

# ---------------------------------------------------------------------------------------------
# Backward kernels: vector-Jacobian products of log_softmax and logsumexp
grad_in = sp.IndexedBase("g", real=True)
kk = sp.Symbol("k", integer=True, positive=True)

LOG_SOFTMAX_BACKWARD = Claim(
    id="backward.log_softmax",
    source=CODEGEN,
    quote="log_softmax_backward kernels evaluate g_j - softmax_j sum_k g_k",
    statement=eq(Sum(grad_in[kk] * sp.Derivative(x[kk] - LSE, x[j]), (kk, 1, n)), grad_in[j] - p_j * Sum(grad_in[kk], (kk, 1, n))),
    strategy=Simplify((j,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"upstream gradient $g \in \mathbb{R}^n$; $1 \le j \le n$; $\log p_k = x_k - \mathrm{LSE}(x)$"),
)

LOGSUMEXP_BACKWARD = Claim(
    id="backward.logsumexp",
    source=CODEGEN,
    quote="logsumexp_backward kernels evaluate g softmax_j",
    statement=eq(grad_in[1] * sp.Derivative(LSE, x[j]), grad_in[1] * p_j),
    strategy=Simplify((j,), n),
    expected=Status.PROVED,
    scope=ALL_N,
    assumptions=(REAL, r"the upstream gradient $g_1$ of the slice's one output; $1 \le j \le n$"),
)

CLAIMS.extend((CE_SMOOTHING_MIX, CE_SMOOTHING_GRAD, CE_WEIGHTED_SMOOTHING_GRAD, CE_SOFT_TARGET_GRAD, CE_MEAN_REDUCTION,
               BCE_STABLE, LOG_SOFTMAX_BACKWARD, LOGSUMEXP_BACKWARD))

r"""Claims about the logistic sigmoid and the two-class reduction of softmax.

Source: document 003.  With logits :math:`z_c = w_c^T x + b_c` (scalars),
:math:`w = w_2 - w_1`, :math:`b = b_2 - b_1`, so :math:`w^T x + b = z_2 - z_1`.
"""

from __future__ import annotations

import sympy as sp

from .claims import Claim
from .engine import Counterexample, EachPart, LimitOf, Sign, Simplify, Status
from .sources import S003
from .symbols import both, eq, gt, lt, sigmoid

CLAIMS: list[Claim] = []  # this module's claims, in document order (derive/catalogue.py collects them)

z1, z2, t = sp.symbols("z_1 z_2 t", real=True)
tp = sp.Symbol("t", positive=True)
u = z2 - z1  # w^T x + b with w = w_2 - w_1, b = b_2 - b_1
pr1 = sp.exp(z1) / (sp.exp(z1) + sp.exp(z2))
pr2 = sp.exp(z2) / (sp.exp(z1) + sp.exp(z2))
LOGITS = r"$z_c = w_c^T x + b_c \in \mathbb{R}$; $w^T x + b = z_2 - z_1$"
dsig = sp.diff(sigmoid(t), t)

CLAIMS.extend((
    Claim(
        id="sigmoid.two_class_first_row",
        source=S003,
        quote=r"If we define $w = w_2 - w_1$ and $b = b_2 - b_1$, then the softmax simplifies to:",
        statement=eq(pr1, sigmoid(u)),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        assumptions=(LOGITS, r"first row: $\Pr(Y=1|x) = \sigma(w^T x + b)$"),
        correction=eq(pr1, sigmoid(-u)),
        correction_strategy=Simplify(),
        note=r"Sign error: with $w = w_2 - w_1$, $\Pr(Y = 1|x) = \sigma(-(w^T x + b)) = 1 - \sigma(w^T x + b)$ "
        r"and $\Pr(Y = 2|x) = \sigma(w^T x + b)$; or keep the rows and define $w = w_1 - w_2$, $b = b_1 - b_2$.",
    ),
    Claim(
        id="sigmoid.two_class_second_row",
        source=S003,
        quote=r"1 - \sigma(w^Tx + b)",
        statement=eq(pr2, 1 - sigmoid(u)),
        strategy=Counterexample(),
        expected=Status.REFUTED,
        assumptions=(LOGITS, r"second row: $\Pr(Y=2|x) = 1 - \sigma(w^T x + b)$"),
        correction=eq(pr2, sigmoid(u)),
        correction_strategy=Simplify(),
    ),
    Claim(
        id="sigmoid.complement_form",
        source=S003,
        quote=r"\frac{e^ {-(w^ Tx+b)}}{1+e^ {-(w^ Tx+b)}}",
        statement=eq(sp.exp(-t) / (1 + sp.exp(-t)), 1 - sigmoid(t)),
        strategy=Simplify(),
        expected=Status.PROVED,
        assumptions=(r"$t = w^T x + b \in \mathbb{R}$",),
        note="The middle column agrees with the right column; both rows are swapped against the softmax.",
    ),
    Claim(
        id="sigmoid.limit_minus_infinity",
        source=S003,
        quote=r"For $z \to -\infty$, $\sigma(z) \to 0$",
        statement=eq(sp.Limit(sigmoid(t), t, -sp.oo), 0),
        strategy=LimitOf(),
        expected=Status.PROVED,
    ),
    Claim(
        id="sigmoid.limit_plus_infinity",
        source=S003,
        quote=r"For $z \to +\infty$, $\sigma(z) \to 1$",
        statement=eq(sp.Limit(sigmoid(t), t, sp.oo), 1),
        strategy=LimitOf(),
        expected=Status.PROVED,
    ),
    Claim(
        id="sigmoid.s_shaped",
        source=S003,
        quote="This function is called sigmoid because it is S-shaped.",
        statement=both(
            eq(dsig, sigmoid(t) * (1 - sigmoid(t))),
            gt(dsig, 0),
            eq(sigmoid(-t), 1 - sigmoid(t)),
            lt(sp.diff(sigmoid(tp), tp, 2), 0),
        ),
        strategy=EachPart((Simplify(), Sign())),
        expected=Status.PROVED,
        assumptions=(r"$t \in \mathbb{R}$; the last part for $t > 0$",),
        note=r"S-shaped: increasing ($\sigma' = \sigma(1-\sigma) > 0$), point-symmetric about $(0, \tfrac12)$, "
        r"concave for $t > 0$ (so convex for $t < 0$ by the symmetry).",
    ),
    Claim(
        id="sigmoid.zero_one_loss_jumps",
        source=S003,
        quote="The problem with zero-one loss is that it’s not differentiable.",
        statement=both(
            eq(sp.Limit(sp.Heaviside(-t, 0), t, 0, "-"), 1),
            eq(sp.Limit(sp.Heaviside(-t, 0), t, 0, "+"), 0),
        ),
        strategy=LimitOf(),
        expected=Status.PROVED,
        assumptions=(r"true class 1, predicted class 1 iff the score $t > 0$: the loss is $H(-t)$",),
        note="The one-sided limits differ at t = 0, so the loss is not even continuous there; elsewhere its derivative is 0.",
    ),
))

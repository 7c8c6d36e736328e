r"""The mergeable log-sum-exp state of a slice, in real arithmetic (issue 19's claims).

A slice x_1..x_n at temperature T > 0 has the state :math:`(m, s)` with
:math:`s = \sum_i e^{(x_i - m)/T}` for a shift m (the kernels take the slice's max);
``finish(m, s) = m + T log s`` is its log-sum-exp, and

.. math:: \mathrm{merge}((a, s_a), (b, s_b)) = (M,\; s_a e^{(a - M)/T} + s_b e^{(b - M)/T}),\quad M = \max(a, b)

is the state of the two slices together (the online normaliser of Milakov and Gimelshein 2018,
the "(m, s) pair" of the peers' table in PEERS.md). The claims: finishing a merge gives the LSE of
the concatenation for every split (any n and k), and merge is commutative and associative, so a
tree of merges in any shape and order gives the same real number; rounding is issue 16's business.
Source ``codegen``.
"""

from __future__ import annotations

import sympy as sp
from sympy import Sum

from .claims import Claim
from .engine import Simplify, Status
from .sources import CODEGEN
from .symbols import T, both, eq, i, n, x

CLAIMS: list[Claim] = []  # this module's claims (derive/catalogue.py collects them)

y = sp.IndexedBase("y", real=True)
j = sp.Symbol("j", integer=True, positive=True)
k = sp.Symbol("k", integer=True, positive=True)  # the second slice's length
a, b, c = sp.symbols("a b c", real=True)  # shifts (the slices' maxima)
s_a, s_b, s_c = sp.symbols("s_a s_b s_c", positive=True)  # their sums
REAL = r"$x_i, y_j \in \mathbb{R}$, $n, k \in \mathbb{Z}_{\ge 1}$, $T > 0$"


def merge(first: tuple[sp.Expr, sp.Expr], second: tuple[sp.Expr, sp.Expr]) -> tuple[sp.Expr, sp.Expr]:
    """The merge of two states (m, s): the larger shift, each sum rescaled to it."""
    (m1, t1), (m2, t2) = first, second
    top = sp.Max(m1, m2)
    return top, t1 * sp.exp((m1 - top) / T) + t2 * sp.exp((m2 - top) / T)


def finish(state: tuple[sp.Expr, sp.Expr]) -> sp.Expr:
    """m + T log s: the log-sum-exp of the slice the state describes."""
    return state[0] + T * sp.log(state[1])


state_x = (a, Sum(sp.exp((x[i] - a) / T), (i, 1, n)))
state_y = (b, Sum(sp.exp((y[j] - b) / T), (j, 1, k)))
together = T * sp.log(Sum(sp.exp(x[i] / T), (i, 1, n)) + Sum(sp.exp(y[j] / T), (j, 1, k)))

STATE_FINISH_MERGE = Claim(
    id="state.finish_of_merge",
    source=CODEGEN,
    quote="finish(merge(state(x), state(y))) = LSE(x ++ y) for every split",
    statement=eq(finish(merge(state_x, state_y)), together),
    strategy=Simplify(),
    expected=Status.PROVED,
    scope="all n, k",
    assumptions=(REAL, r"any real shifts $a, b$ (the kernels take each slice's max)"),
    note=r"$T \log(e^{M/T}(e^{-M/T}\sum e^{x_i/T} + e^{-M/T}\sum e^{y_j/T}))$: the shift cancels, whatever M is.",
)

STATE_MERGE_ALGEBRA = Claim(
    id="state.merge_commutative_associative",
    source=CODEGEN,
    quote="merge is commutative and associative: any tree of merges, in any order, gives the same state",
    statement=both(
        eq(merge((a, s_a), (b, s_b))[0], merge((b, s_b), (a, s_a))[0]),
        eq(merge((a, s_a), (b, s_b))[1], merge((b, s_b), (a, s_a))[1]),
        eq(merge(merge((a, s_a), (b, s_b)), (c, s_c))[0], merge((a, s_a), merge((b, s_b), (c, s_c)))[0]),
        eq(merge(merge((a, s_a), (b, s_b)), (c, s_c))[1], merge((a, s_a), merge((b, s_b), (c, s_c)))[1]),
    ),
    strategy=Simplify(),
    expected=Status.PROVED,
    assumptions=(r"states $(a, s_a), (b, s_b), (c, s_c)$ with real shifts and sums $> 0$; $T > 0$",),
    note="In real arithmetic; in floating point the order changes the rounding, which is why the kernels "
         "merge in a fixed tree (issue 19) and the rounding of one merge is bounded separately.",
)

CLAIMS.extend((STATE_FINISH_MERGE, STATE_MERGE_ALGEBRA))

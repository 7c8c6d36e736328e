r"""Shared symbols and the textbook definitions of the softmax family.

Vectors of symbolic length :math:`n` are ``IndexedBase`` objects; reductions
are ``Sum`` objects over ``i = 1..n`` (the documents index from 1).

"Without loss of generality" forms: sums are invariant under a permutation of
their terms, so a statement about "the maximum" or "entry k" may place that
entry at index 1 and sum the others over ``i = 2..n``.  The gap form writes
entries below the maximum :math:`m` as :math:`x_i = m - d_i` with
:math:`d_i \ge 0` (or :math:`g_i > 0` where the maximum is unique).
"""

from __future__ import annotations

import sympy as sp
from sympy import Expr, IndexedBase, Sum

__all__ = [
    "n", "i", "j", "k", "c", "y", "x", "z", "d", "g", "h", "v", "N",
    "m", "T", "X", "a", "b", "u",
    "lse", "softmax", "sigmoid", "sum_exp", "sum_exp_rest",
    "WLOG_FIRST", "GAP_FORM",
    "eq", "le", "lt", "ge", "gt", "both",
]

n = sp.Symbol("n", integer=True, positive=True)
i, j, k, c, y = sp.symbols("i j k c y", integer=True)
x = IndexedBase("x", real=True)
z = IndexedBase("z", real=True)
v = IndexedBase("v", real=True)
d = IndexedBase("d", nonnegative=True)
g = IndexedBase("g", positive=True)
h = IndexedBase("h", nonnegative=True)
N = IndexedBase("N", positive=True)
m = sp.Symbol("m", real=True)
T = sp.Symbol("T", positive=True)
X, a, b, u = sp.symbols("X a b u", real=True)

WLOG_FIRST = "WLOG the distinguished entry is at index 1 (a sum is invariant under permuting its terms)"
GAP_FORM = r"gap form: $x_1 = m = \max_i x_i$, $x_i = m - d_i$ with $d_i \ge 0$"


def sum_exp(vec: IndexedBase, size: Expr = n, scale: Expr = 1) -> Sum:
    r""":math:`\sum_{i=1}^{n} e^{s\,x_i}`."""
    return Sum(sp.exp(scale * vec[i]), (i, 1, size))


def sum_exp_rest(vec: IndexedBase, size: Expr = n, scale: Expr = 1, start: int = 2) -> Sum:
    r""":math:`\sum_{i=2}^{n} e^{s\,x_i}`: the terms other than the one at index 1."""
    return Sum(sp.exp(scale * vec[i]), (i, start, size))


def lse(vec: IndexedBase, size: Expr = n) -> Expr:
    r"""Log-sum-exp :math:`\log \sum_{i=1}^n e^{x_i}` (documents 002, 004)."""
    return sp.log(sum_exp(vec, size))


def softmax(vec: IndexedBase, entry: Expr, size: Expr = n) -> Expr:
    r"""Entry ``entry`` of softmax: :math:`e^{x_k} / \sum_{i=1}^n e^{x_i}` (document 000)."""
    return sp.exp(vec[entry]) / sum_exp(vec, size)


def sigmoid(t: Expr) -> Expr:
    r"""Logistic sigmoid :math:`\sigma(t) = 1 / (1 + e^{-t})` (document 003)."""
    return 1 / (1 + sp.exp(-t))


# Statements are built unevaluated, so that SymPy does not collapse a claim
# to ``True`` before the engine has proved it (and the report can print it).
def eq(lhs: Expr, rhs: Expr) -> sp.Eq:
    return sp.Eq(lhs, rhs, evaluate=False)


def le(lhs: Expr, rhs: Expr) -> sp.Le:
    return sp.Le(lhs, rhs, evaluate=False)


def lt(lhs: Expr, rhs: Expr) -> sp.Lt:
    return sp.Lt(lhs, rhs, evaluate=False)


def ge(lhs: Expr, rhs: Expr) -> sp.Ge:
    return sp.Ge(lhs, rhs, evaluate=False)


def gt(lhs: Expr, rhs: Expr) -> sp.Gt:
    return sp.Gt(lhs, rhs, evaluate=False)


def both(*parts: sp.Basic) -> sp.And:
    """Conjunction of statements, unevaluated."""
    return sp.And(*parts, evaluate=False)

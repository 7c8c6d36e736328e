"""The double-sum form of a sum of products of sums (softproof.derive.double_sums), checked as an identity:
for concrete lengths and random entries, the expression and the double sum of its symmetric term agree."""

from __future__ import annotations

import random

import pytest
import sympy as sp

from softproof.derive.double_sums import pair_kernel

x, y = sp.IndexedBase("x", real=True), sp.IndexedBase("y", real=True)
i = sp.Symbol("i", integer=True)
n = sp.Symbol("n", integer=True, positive=True)
c = sp.Symbol("c", real=True)


def S(f: sp.Expr) -> sp.Sum:
    return sp.Sum(f, (i, 1, n))


EXPRESSIONS = [
    S(sp.exp(x[i])) * S(sp.exp(-x[i])) - n**2,
    n * S(x[i] ** 2) - S(x[i]) ** 2,
    S(x[i]) ** 2 - S(x[i] ** 2) + 3 * c,
    S(x[i] * y[i]) ** 2 - S(x[i] ** 2) * S(y[i] ** 2) + c * S(y[i]) - 2,
    c * S(sp.exp(x[i]) * y[i]) * S(x[i]) + S(y[i] ** 3) / n,
]


@pytest.mark.parametrize("embedding", ["mean", "diagonal"])
@pytest.mark.parametrize("expr", EXPRESSIONS, ids=range(len(EXPRESSIONS)))
def test_the_double_sum_of_the_symmetric_term_is_the_expression(expr: sp.Expr, embedding: str) -> None:
    kernel = pair_kernel(expr, embedding)
    assert kernel is not None
    rng = random.Random(20261203)
    for length in (1, 2, 5):
        values = {x[k]: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for k in range(1, length + 1)}
        values |= {y[k]: sp.Rational(rng.randint(-9, 9), rng.randint(1, 4)) for k in range(1, length + 1)}
        values[c] = sp.Rational(rng.randint(-5, 5), 3)
        direct = expr.subs(n, length).doit().xreplace(values)
        double = sum(kernel.symmetric.subs(n, length).xreplace({kernel.i: a, kernel.j: b}).xreplace(values)
                     for a in range(1, length + 1) for b in range(1, length + 1))
        assert sp.nsimplify(sp.simplify(direct - double)) == 0, (length, embedding)


def test_other_shapes_have_no_double_sum() -> None:
    j = sp.Symbol("j", integer=True)
    assert pair_kernel(S(x[i]) ** 3, "mean") is None  # three sums in a product
    assert pair_kernel(S(x[i]) * sp.Sum(x[j], (j, 1, n + 1)), "mean") is None  # two ranges
    assert pair_kernel(sp.log(S(sp.exp(x[i]))), "mean") is None  # a sum inside a function
    assert pair_kernel(sp.Sum(x[i] * sp.Sum(x[i], (i, 1, n)), (i, 1, n)), "mean") is None  # one name bound twice

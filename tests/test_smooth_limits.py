"""The limit of a quotient smooth at h = 0 by its derivatives there: each value against the textbook one, and the
rule declining wherever one of its conditions is not proved (a side not smooth, a denominator's derivative that may
be 0, a numerator that is not exactly 0 where the denominator is)."""

from __future__ import annotations

import pytest
import sympy as sp

from softproof.derive.smooth_limits import MAX_ORDER, limit_by_derivatives, smooth_at_zero

h = sp.Symbol("h", positive=True)
a, b = sp.symbols("a b", real=True)
c = sp.Symbol("c", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
i = sp.Symbol("i", integer=True)
x = sp.IndexedBase("x", real=True)
S = sp.Sum(sp.exp(h * x[i]), (i, 1, n))


@pytest.mark.parametrize(("g", "value", "order"), [
    (sp.exp(a * h) / (1 + sp.exp(a * h)), sp.Rational(1, 2), 0),  # sigmoid(a/T) as T -> oo
    ((sp.exp(a * h) - 1) / h, a, 1),
    ((sp.exp(h) - 1 - h) / h**2, sp.Rational(1, 2), 2),
    ((sp.log(S) - sp.log(n)) / h, sp.Sum(x[i], (i, 1, n)) / n, 1),  # T LSE(x/T) - T log n -> the mean
    (-sp.Sum(sp.exp(h * x[i]) / S * sp.log(sp.exp(h * x[i]) / S), (i, 1, n)), sp.log(n), 0),  # the entropy -> log n
    ((sp.exp(a * h) - 1) / (c * h), a / c, 1),
])
def test_the_value_is_the_quotient_of_the_first_derivatives_not_both_zero(g: sp.Expr, value: sp.Expr, order: int) -> None:
    found = limit_by_derivatives(g, h)
    assert found is not None
    assert sp.simplify((found[0] - value).doit()) == 0 and found[1] == order


@pytest.mark.parametrize("g", [
    sp.Abs(h - a),  # Abs is not smooth: the rule does not apply (the limit |a| is found elsewhere)
    h * sp.log(h),  # log of h(0) = 0
    1 / h,  # A(0) = 1 != 0 = B(0): no finite limit
    sp.log(S) / h,  # T LSE(x/T): A(0) = log n, not exactly 0 (+oo for n >= 2, x_1 for n = 1)
    (a * h) / (b * h),  # B'(0) = b may be 0: not proved non-zero
    (sp.exp(a * h) - 1) / (a * h),  # a/a: the denominator's derivative a may be 0 (then g is 0/0 everywhere)
    sp.exp(1 / h),  # e^(1/h): 1/h is not smooth at 0
    (sp.exp(h) - 1)**(MAX_ORDER + 1) / h**(MAX_ORDER + 1),  # 1, but one order beyond the highest taken
])
def test_the_rule_declines_where_a_condition_is_not_proved(g: sp.Expr) -> None:
    assert limit_by_derivatives(g, h) is None


def test_smoothness_needs_a_positive_log_argument_for_every_index_of_the_sum() -> None:
    assert smooth_at_zero(sp.Sum(sp.log(sp.exp(h * x[i]) + x[i] ** 2), (i, 1, n)), h)  # 1 + x_i^2 > 0 at h = 0
    assert not smooth_at_zero(sp.Sum(sp.log(sp.exp(h * x[i]) + x[i]), (i, 1, n)), h)  # 1 + x_i may be <= 0
    assert not smooth_at_zero(sp.Sum(sp.exp(h * x[i]), (i, 1, sp.floor(1 / h))), h)  # a bound that moves with h

r"""Limits as :math:`h \to 0^+` of quotients of functions smooth at :math:`h = 0`, by their derivatives there.

:func:`~softproof.derive.limit_values.eliminate_limits` writes :math:`T \to \infty` as :math:`T = 1/h`; the softmax
family then reads :math:`e^{h x_i}`, finite sums over :math:`i` and logarithms of them, smooth in :math:`h`, with at
most a power of :math:`h` below: the entropy of softmax(x/T), or :math:`T \log \sum_i e^{x_i/T} - T \log n =
(\log \sum_i e^{h x_i} - \log n)/h`. SymPy's Gruntz algorithm gives up on these where the sum's number of terms n
is a symbol. This rule does not compute a limit, it evaluates derivatives at a point.

The rule: write :math:`g = A/B` (``together``). If A and B are *smooth at 0* (below), and for some
:math:`k \le` :data:`MAX_ORDER` every derivative :math:`A^{(j)}(0)` and :math:`B^{(j)}(0)` with :math:`j < k` is
exactly 0 (SymPy simplifies it to 0: nothing else counts) while :math:`B^{(k)}(0) \ne 0` is proved, then
:math:`\lim_{h \to 0^+} g = A^{(k)}(0)/B^{(k)}(0)`.

Soundness: A and B are :math:`C^\infty` on a neighbourhood of 0 (below), so Taylor's theorem with Lagrange's
remainder gives :math:`A(h) = A^{(k)}(\xi) h^k/k!` and :math:`B(h) = B^{(k)}(\eta) h^k/k!` with
:math:`\xi, \eta \in (0, h)`; :math:`B^{(k)}` is continuous and not 0 at 0, so :math:`B(h) \ne 0` for small
:math:`h > 0` and :math:`A(h)/B(h) = A^{(k)}(\xi)/B^{(k)}(\eta) \to A^{(k)}(0)/B^{(k)}(0)` by continuity.
(k = 0 is continuity itself.)

*Smooth at 0* (checked on the expression tree, with the other symbols fixed): a symbol, a number, an entry
:math:`x_i`, h itself; a sum or product of smooth terms; :math:`e^a` with a smooth; :math:`\log a` with a smooth and
:math:`a(0) > 0` proved by the sign rules; :math:`b^k` with b smooth and k an integer free of h, :math:`b(0) \ne 0`
proved where :math:`k < 0`; :math:`b^c` otherwise with b, c smooth and :math:`b(0) > 0`; a sum
:math:`\sum_{i=a}^{b} f_i` whose bounds are free of h and whose term is smooth at 0 for every i in the range (the
sign proofs know :math:`a \le i \le b`): for each value of the bounds a finite sum of smooth functions. Each
of exp, log on :math:`(0, \infty)`, powers of a non-zero or positive base is :math:`C^\infty` where its argument
is, and a condition proved at 0 (a positive argument, a non-zero base) holds on a neighbourhood of 0 by
continuity, so the composition is :math:`C^\infty` on a neighbourhood of 0. Anything else in h (Abs, Max, a
function SymPy left unevaluated) is not smooth here, and the rule does not apply. The derivatives are SymPy's
(``diff`` of a sum whose bounds are free of h is the sum of the terms' derivatives, term by term: linearity).
"""

from __future__ import annotations

import sympy as sp
from sympy import Basic, Expr

from .inequalities import SignProver

__all__ = ["limit_by_derivatives", "smooth_at_zero", "MAX_ORDER"]

MAX_ORDER = 3  # the highest derivative the rule takes (each one of a softmax-family quotient grows quickly)


def _at_zero(e: Expr, h: sp.Symbol) -> Expr:
    """``e`` at h = 0, its sums of terms free of their index counted (:math:`\\sum_{i=1}^n e^{0 x_i} = n`)."""
    return sp.simplify(e.xreplace({h: sp.Integer(0)}).doit())


def _positive(value: Expr, ranges: dict[sp.Symbol, tuple[Expr, Expr]]) -> bool:
    """``value > 0`` proved by the sign rules, the indices of ``ranges`` within their ranges."""
    return SignProver(index_ranges=dict(ranges)).positive(value)


def _nonzero(value: Expr, ranges: dict[sp.Symbol, tuple[Expr, Expr]]) -> bool:
    """``value != 0`` proved: positive, or negative."""
    return _positive(value, ranges) or _positive(-value, ranges)


def smooth_at_zero(e: Basic, h: sp.Symbol, ranges: dict[sp.Symbol, tuple[Expr, Expr]] | None = None) -> bool:
    """Whether ``e`` is smooth at h = 0 by the rules of the module docstring (``ranges``: the indices of the sums
    around ``e``, with their ranges)."""
    ranges = ranges or {}
    if not e.has(h) or e == h:
        return True
    if isinstance(e, (sp.Add, sp.Mul)):
        return all(smooth_at_zero(a, h, ranges) for a in e.args)
    if isinstance(e, sp.exp):
        return smooth_at_zero(e.args[0], h, ranges)
    if isinstance(e, sp.log):
        return smooth_at_zero(e.args[0], h, ranges) and _positive(_at_zero(e.args[0], h), ranges)
    if isinstance(e, sp.Pow):
        base, power = e.args
        if not smooth_at_zero(base, h, ranges):
            return False
        if power.is_integer and not power.has(h):
            return bool(power.is_nonnegative) or _nonzero(_at_zero(base, h), ranges)
        return smooth_at_zero(power, h, ranges) and _positive(_at_zero(base, h), ranges)
    if isinstance(e, sp.Sum) and len(e.limits) == 1:
        index, lo, hi = e.limits[0]
        if lo.has(h) or hi.has(h):
            return False
        return smooth_at_zero(e.function, h, {**ranges, index: (lo, hi)})
    return False


def limit_by_derivatives(g: Expr, h: sp.Symbol) -> tuple[Expr, int] | None:
    """:math:`\\lim_{h \\to 0^+} g` and the order k of the derivatives that gave it (0: continuity), by the rule of
    the module docstring; None where it does not apply (the limit may still exist)."""
    numerator, denominator = sp.fraction(sp.together(g))
    if not (smooth_at_zero(numerator, h) and smooth_at_zero(denominator, h)):
        return None
    for order in range(MAX_ORDER + 1):
        if order:  # the next derivatives (smooth again unless SymPy left a Derivative unevaluated)
            numerator, denominator = sp.diff(numerator, h), sp.diff(denominator, h)
            if not (smooth_at_zero(numerator, h) and smooth_at_zero(denominator, h)):
                return None
        top, bottom = _at_zero(numerator, h), _at_zero(denominator, h)
        if bottom != 0:
            if not _nonzero(bottom, {}):
                return None  # not proved non-zero, and not exactly 0
            value = sp.simplify(top / bottom)
            return (value, order) if value.is_finite is not False and not value.has(sp.nan, sp.zoo) else None
        if top != 0:
            return None  # B^(k)(0) = 0 and A^(k)(0) not exactly 0: no finite limit this rule shows
    return None

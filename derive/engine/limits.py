"""Limits: :class:`LimitOf` (SymPy's limit, through finite sums written as placeholders of proven sign) and
:class:`Squeeze` (a limit pinned between two bounds)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr

from ..inequalities import SignProver
from ..sums import atomise_sums, evaluate
from .core import Outcome, Status, _parts, _tex
from .symbolic import Sign, Simplify

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class LimitOf:
    r"""Prove ``Eq(Limit(f, v, v0, dir), L)``.

    ``rewrite`` is the document's intermediate form ``g`` of ``f`` (for
    instance with the maximum factored out), proved equal to ``f`` by
    :class:`Simplify` first.  Sums over a fixed, finite range whose terms
    depend on ``v`` are handled by the finite-sum rule: the limit of a sum of
    n terms (n independent of ``v``) is the sum of the term limits when each is
    finite; the outer expression must then be continuous at that value
    (checked: finite value, non-vanishing denominator).
    """

    rewrite: Expr | None = None
    simplify: Simplify = Simplify()
    size_lower_bounds: tuple[tuple[sp.Symbol, int], ...] = ()

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        for part in _parts(statement):
            if not (isinstance(part, sp.Eq) and isinstance(part.lhs, sp.Limit)):
                return Outcome(Status.UNPROVED, "limit", [f"not a limit statement: {_tex(part)}"])
            lim, target = part.lhs, part.rhs
            f, var, point, direction = lim.args
            g = f
            if self.rewrite is not None:
                step = self.simplify.run(sp.Eq(f, self.rewrite))
                if step.status is not Status.PROVED:
                    return Outcome(Status.UNPROVED, "limit", steps + step.steps)
                steps.append(f"rewrite {_tex(f)} $=$ {_tex(self.rewrite)}")
                g = self.rewrite
            value = _limit_with_finite_sums(g, var, point, str(direction), steps, dict(self.size_lower_bounds))
            if value is None:
                return Outcome(Status.UNPROVED, "limit", steps)
            if value != target and sp.simplify(value - target) != 0:  # (-oo) - (-oo) is nan: compare infinities as they are
                steps.append(f"the limit is {_tex(value)}, not {_tex(target)}")
                return Outcome(Status.UNPROVED, "limit", steps)
            steps.append(f"$\\lim = {sp.latex(value)}$")
        return Outcome(Status.PROVED, "limit (SymPy gruntz, finite-sum rule)", steps)


# what SymPy raises where it cannot take a limit or a sign (never a verdict, only "not computed")
SYMPY_ERRORS = (NotImplementedError, ValueError, TypeError, RecursionError, AttributeError, ArithmeticError)


def ordered_exponentials(g: Expr, var: sp.Symbol, point: Expr, direction: str) -> bool:
    r"""Whether Gruntz may be asked for the limit of g: every two exponentials of g whose exponents u, v diverge
    as var -> point must have u - v of a known sign near the point (:math:`\lim \operatorname{sign}(u - v)` a number).

    Gruntz compares such exponentials by the ratio of their exponents and, where the ratio holds a symbol,
    answers as if it were generic instead of raising: :math:`\lim_{h \to 0^+} h \log(e^{a/h} + e^{1/(100 h)}) = a`
    for a > 0, false for a < 1/100; :math:`h \log(e^{-d/h} + e^{-1/h}) \to -1`, false for d < 1. Where the order
    is known (:math:`e^{a/h}` against :math:`e^{(a - d)/h}` with d > 0) its answer is the limit. An exponent
    whose own limit SymPy cannot take counts as divergent of unknown sign: not asked."""
    divergent = []
    for e in sorted(g.atoms(sp.exp), key=sp.default_sort_key):
        u = e.args[0]
        if not u.has(var):
            continue
        try:
            end = sp.limit(u, var, point, direction)
        except SYMPY_ERRORS:
            return False
        if end.has(sp.oo, -sp.oo, sp.zoo, sp.nan, sp.AccumBounds):
            divergent.append(u)
        elif end.is_finite is not True:
            return False
    for u, v in itertools.combinations(divergent, 2):
        try:
            way = sp.limit(sp.sign(u - v), var, point, direction)
        except SYMPY_ERRORS:
            return False
        if way not in (-1, 0, 1):
            return False
    return True


def _safe_limit(expr: Expr, var: sp.Symbol, point: Expr, direction: str) -> Expr | None:
    """SymPy's limit, or None where it gives up (for instance on a sign it cannot decide)."""
    if not ordered_exponentials(expr, var, point, direction):
        return None  # Gruntz would compare exponentials of unknown order as if generic
    try:
        value = sp.limit(expr, var, point, direction)
    except SYMPY_ERRORS:
        return None
    if value.has(sp.Limit) or value.has(sp.AccumBounds) or value is sp.nan:
        return None
    return value


def _continuous_at(outer: Expr, at: Mapping[Basic, Basic]) -> bool:
    """Rational-exp-log expression: finite value, non-zero denominator, positive log arguments."""
    value = sp.simplify(outer.xreplace(at))
    if not value.is_finite:
        return False
    if sp.simplify(sp.denom(sp.together(outer)).xreplace(at)) == 0:
        return False
    return all(SignProver().positive(sp.simplify(lg.args[0].xreplace(at))) for lg in outer.atoms(sp.log))


def _limit_with_finite_sums(
    g: Expr, var: sp.Symbol, point: Expr, direction: str, steps: list[str],
    lower: Mapping[sp.Symbol, int] | None = None,
) -> Expr | None:
    g = evaluate(g)  # derivatives first: the limit is of the evaluated expression
    # each sum that does not move with the limit variable becomes a constant of its proven sign
    g_const, back, _ = atomise_sums(g, lambda: SignProver(lower or {}), keep=lambda s: s.has(var))
    moving = [s for s in g_const.atoms(sp.Sum) if s.has(var)]
    if not moving:
        value = _safe_limit(g_const, var, point, direction)
        if value is None:
            steps.append(f"SymPy could not compute the limit of {_tex(g)}")
            return None
        value = value.xreplace(back)
        steps.append(f"$\\lim_{{{sp.latex(var)} \\to {sp.latex(point)}}} {sp.latex(g)} = {sp.latex(value)}$")
        return value
    placeholders: dict[Basic, Basic] = {}
    term_limits: dict[Basic, Basic] = {}
    for s in moving:
        if len(s.limits) != 1:
            return None  # a flattened nested sum: the finite-sum rule is stated for one index
        (k, lo, hi) = s.limits[0]
        if hi.has(var) or lo.has(var):
            return None
        term = _safe_limit(s.function, var, point, direction)
        if term is None or not term.is_finite:
            steps.append(f"term limit of {_tex(s.function)} is not a finite value")
            return None
        t = sp.Dummy("s")
        placeholders[s] = t
        term_limits[t] = sp.Sum(term, (k, lo, hi)).doit()
        steps.append(
            f"finite-sum rule (the number of terms does not depend on ${sp.latex(var)}$): "
            f"$\\lim {sp.latex(s)} = {sp.latex(sp.Sum(term, (k, lo, hi)))} = {sp.latex(term_limits[t])}$"
        )
    outer = g_const.xreplace(placeholders)
    # separate the factors that move with the limit variable from those that hold the sums
    moving_part, sum_part = sp.Integer(1), sp.Integer(1)
    for factor in sp.Mul.make_args(sp.factor_terms(outer)):
        has_var = factor.has(var)
        has_sum = bool(factor.free_symbols & set(placeholders.values()))
        if has_var and has_sum:
            steps.append("the limit variable and the sums are not separable")
            return None
        if has_var:
            moving_part *= factor
        else:
            sum_part *= factor
    if not _continuous_at(sum_part, term_limits):
        steps.append("the outer expression is not continuous at the limit of the sums")
        return None
    factor_limit = _safe_limit(moving_part, var, point, direction) if moving_part != 1 else sp.Integer(1)
    if factor_limit is None or not factor_limit.is_finite:
        steps.append(f"no finite limit for {_tex(moving_part)}")
        return None
    value = sp.simplify(factor_limit * sum_part.xreplace(term_limits)).xreplace(back)
    steps.append(
        f"product of limits: $\\lim {sp.latex(moving_part)} = {sp.latex(factor_limit)}$ and continuity of "
        f"{_tex(sum_part.xreplace(back))} at the limit of the sums"
    )
    return value


@dataclass(frozen=True)
class Squeeze:
    r"""Prove ``Eq(Limit(f, v, v0), L)`` from :math:`lo \le f \le hi` and equal limits."""

    lower: Expr
    upper: Expr
    sign: Sign = Sign()
    rewrite: Expr | None = None

    def run(self, statement: Basic) -> Outcome:
        (part,) = _parts(statement)
        if not (isinstance(part, sp.Eq) and isinstance(part.lhs, sp.Limit)):
            return Outcome(Status.UNPROVED, "squeeze", [f"not a limit statement: {_tex(part)}"])
        f, var, point, direction = part.lhs.args
        steps: list[str] = []
        if self.rewrite is not None:
            same = Simplify().run(sp.Eq(f, self.rewrite))
            steps += same.steps
            if same.status is not Status.PROVED:
                return Outcome(Status.UNPROVED, "squeeze", steps)
            f = self.rewrite
        bounds = self.sign.run(sp.And(sp.Le(self.lower, f), sp.Le(f, self.upper)))
        steps += bounds.steps
        if bounds.status is not Status.PROVED:
            return Outcome(Status.UNPROVED, "squeeze", steps)
        lo = _safe_limit(self.lower, var, point, str(direction))
        hi = _safe_limit(self.upper, var, point, str(direction))
        if lo is None or hi is None:
            return Outcome(Status.UNPROVED, "squeeze", steps + ["no limit for a bound"])
        steps.append(f"$\\lim$ of the bounds: {_tex(lo)} and {_tex(hi)}")
        if sp.simplify(lo - hi) != 0 or sp.simplify(lo - part.rhs) != 0:
            return Outcome(Status.UNPROVED, "squeeze", steps)
        return Outcome(Status.PROVED, "squeeze (proven bounds with equal limits)", steps)

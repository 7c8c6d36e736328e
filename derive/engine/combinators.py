"""Strategies built from strategies: every part of an ``And``, a case split at a point, real-valuedness first."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr

from .core import Outcome, Status, Strategy, _parts, _tex

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class EachPart:
    """Prove every part of an ``And``: each by the first strategy that proves it."""

    strategies: tuple[Strategy, ...]

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        methods: list[str] = []
        for part in _parts(statement):
            for strategy in self.strategies:
                out = strategy.run(part)
                if out.status is Status.PROVED:
                    steps += out.steps
                    methods.append(out.method)
                    break
            else:
                return Outcome(Status.UNPROVED, "each part", steps + [f"no strategy proves {_tex(part)}"])
        return Outcome(Status.PROVED, "; ".join(dict.fromkeys(methods)), steps)


@dataclass(frozen=True)
class CaseSplit:
    r"""Remove ``Max``/``Min``/``Abs`` by cases on the order of two quantities.

    For ``a`` and ``b`` it substitutes :math:`a = b + t, t \ge 0` and
    :math:`a = b - t, t > 0`; SymPy then evaluates the piecewise functions, and
    ``inner`` must prove each case. ``within = (low, high)`` restricts ``a`` to the open interval
    (the claim's stated domain): :math:`a = b + (h - b)\,t/(1 + t)` covers :math:`[b, h)` and
    :math:`a = b - (b - l)\,t/(1 + t)` covers :math:`(l, b)`, each one to one, so every point of the
    domain is one case's point.
    """

    a: sp.Symbol
    b: Expr
    inner: Strategy
    within: tuple[Expr, Expr] | None = None

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        t0 = sp.Dummy("t", nonnegative=True)
        t1 = sp.Dummy("t", positive=True)
        if self.within is None:
            cases = ((r"\ge", self.b + t0), ("<", self.b - t1))
        else:
            low, high = self.within
            cases = ((r"\ge", self.b + (high - self.b) * t0 / (1 + t0)), ("<", self.b - (self.b - low) * t1 / (1 + t1)))
            steps.append(f"${sp.latex(low)} < {sp.latex(self.a)} < {sp.latex(high)}$")
        return _every_case(self.inner, [(f"${sp.latex(self.a)} {label} {sp.latex(self.b)}$", statement.xreplace({self.a: value}))
                                        for label, value in cases], steps)


def _every_case(inner: Strategy, cases: list[tuple[str, Basic]], steps: list[str]) -> Outcome:
    """Proved where ``inner`` proves every case (its label in LaTeX, its statement), in order, after ``steps``."""
    out = Outcome(Status.UNPROVED, "case split", [])
    for label, case in cases:
        out = inner.run(case)
        steps.append(f"case {label}: {out.status}")
        steps += out.steps
        if out.status is not Status.PROVED:
            return Outcome(Status.UNPROVED, "case split", steps)
    return Outcome(Status.PROVED, "case split; " + out.method, steps)


@dataclass(frozen=True)
class OrderSplit:
    r"""Two cases of the order of two real symbols u and v of stated sign (``u: positive``, ``v: nonnegative``, ...),
    each by substituting one of them so that the other keeps its stated range: ``cases`` holds, per case, its label, the
    symbol replaced and its value in the other symbol and a fresh :math:`t \ge 0` or :math:`t > 0` (built by
    :func:`order_cases`, e.g. :math:`u = v + t, t \ge 0` for :math:`u \ge v` and :math:`v = u + t, t > 0` for
    :math:`u < v` where both are positive).

    Soundness: the two cases cover every admissible pair (every pair has :math:`u - v \ge 0` or :math:`< 0`, or the
    mirror boundary), and each substitution maps the remaining symbol's range times t's range one to one onto its
    case's pairs: t is the difference of the two, and :func:`order_cases` admits a value only where its image lies in
    the replaced symbol's stated range, so no case leaves the statement's domain nor misses a point of it."""

    cases: tuple[tuple[str, sp.Symbol, Expr], ...]
    inner: Strategy

    def run(self, statement: Basic) -> Outcome:
        return _every_case(self.inner, [(f"{label}, ${sp.latex(symbol)} = {sp.latex(value)}$", statement.xreplace({symbol: value}))
                                        for label, symbol, value in self.cases], [])


def _stated_range(s: sp.Symbol) -> sp.Interval | None:
    """The range a real symbol's sign assumption gives it; None for ``nonzero`` alone (not an interval)."""
    if s.is_positive:
        return sp.Interval.open(0, sp.oo)
    if s.is_nonnegative:
        return sp.Interval(0, sp.oo)
    if s.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if s.is_nonpositive:
        return sp.Interval(-sp.oo, 0)
    return None if s.is_nonzero else sp.S.Reals


def _moved(domain: sp.Interval, up: bool, closed: bool) -> sp.Set:
    """{d + t} (``up``) or {d - t} over d in ``domain`` and t >= 0 (``closed``) or t > 0."""
    if up:
        return sp.Interval(domain.inf, sp.oo, left_open=domain.left_open or not closed)
    return sp.Interval(-sp.oo, domain.sup, right_open=domain.right_open or not closed)


def order_cases(u: sp.Symbol, v: sp.Symbol) -> tuple[tuple[str, sp.Symbol, Expr], ...] | None:
    r"""The cases of :class:`OrderSplit` for real symbols u and v: :math:`u \ge v` and :math:`u < v` (else
    :math:`u > v` and :math:`u \le v`), each with a substitution that keeps the replaced symbol in its stated range:
    :math:`u = v + t` or :math:`v = u - t` where u is the larger, :math:`v = u + t` or :math:`u = v - t` where v is,
    t >= 0 on the closed side and t > 0 on the open one; None where no choice keeps both ranges."""
    ranges = {u: _stated_range(u), v: _stated_range(v)}
    if ranges[u] is None or ranges[v] is None:
        return None
    for first_closed in (True, False):
        chosen: list[tuple[str, sp.Symbol, Expr]] = []
        for big, small, closed, label in ((u, v, first_closed, r"\ge" if first_closed else ">"),
                                          (v, u, not first_closed, r"\ge" if not first_closed else ">")):
            t = sp.Dummy("t", nonnegative=True) if closed else sp.Dummy("t", positive=True)
            relation = f"${sp.latex(big)} {label} {sp.latex(small)}$"
            if _moved(ranges[small], True, closed).is_subset(ranges[big]):
                chosen.append((relation, big, small + t))
            elif _moved(ranges[big], False, closed).is_subset(ranges[small]):
                chosen.append((relation, small, big - t))
            else:
                break
        if len(chosen) == 2:
            return tuple(chosen)
    return None


@dataclass(frozen=True)
class RealValued:
    """Prove ``Contains(e, Reals)`` from SymPy's assumptions on the symbols."""

    def run(self, statement: Basic) -> Outcome:
        if isinstance(statement, sp.Contains) and statement.args[1] == sp.S.Reals:
            elem = statement.args[0]
            if elem.is_extended_real and elem.is_finite:
                return Outcome(Status.PROVED, "assumptions", [f"{_tex(elem)} is a finite real number for all admissible values"])
        return Outcome(Status.UNPROVED, "assumptions", [])

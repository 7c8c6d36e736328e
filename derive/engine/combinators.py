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
        for label, value in cases:
            case = statement.xreplace({self.a: value})
            out = self.inner.run(case)
            steps.append(f"case ${sp.latex(self.a)} {label} {sp.latex(self.b)}$: {out.status}")
            steps += out.steps
            if out.status is not Status.PROVED:
                return Outcome(Status.UNPROVED, "case split", steps)
        return Outcome(Status.PROVED, "case split; " + out.method, steps)


@dataclass(frozen=True)
class RealValued:
    """Prove ``Contains(e, Reals)`` from SymPy's assumptions on the symbols."""

    def run(self, statement: Basic) -> Outcome:
        if isinstance(statement, sp.Contains) and statement.args[1] == sp.S.Reals:
            elem = statement.args[0]
            if elem.is_extended_real and elem.is_finite:
                return Outcome(Status.PROVED, "assumptions", [f"{_tex(elem)} is a finite real number for all admissible values"])
        return Outcome(Status.UNPROVED, "assumptions", [])

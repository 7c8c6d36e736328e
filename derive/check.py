r"""``check``: prove or refute a user's own identity or inequality with the claims engine.

Order of work: a quick, principled counterexample search (edge values, ties,
large gaps, random points; every candidate confirmed at 60 digits), then the
proof strategies of :mod:`derive.engine` (simplification, sign analysis, case
splits for ``Max``/``Min``/``Abs``, and for one-variable equalities the
derivative test :math:`f' \equiv 0,\ f(p) = 0` on a connected domain where
:math:`f` is continuous), then a longer search.  Anything else is ``unknown``:
a false statement is never reported as proved.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import mpmath
import sympy as sp
from sympy import Basic, Expr

from .engine import CaseSplit, Counterexample, Outcome, Sign, Simplify, Status, Strategy, evaluate_at
from .parsing import SymbolTable, parse_assumption, parse_expression
from .sums import normal_form

__all__ = ["CheckResult", "check", "RELATIONS"]

RELATIONS: dict[str, type[sp.core.relational.Relational]] = {
    "==": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt,
}
_PIECEWISE = (sp.Max, sp.Min, sp.Abs)


@dataclass
class CheckResult:
    """The verdict on one user statement; ``to_json`` gives the documented shape."""

    verdict: str
    method: str
    lhs: str
    rhs: str
    relation: str
    seconds: float
    counterexample: dict[str, Any] | None = None
    steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return {"proved": 0, "refuted": 1}.get(self.verdict, 3)

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict, "counterexample": self.counterexample, "method": self.method,
            "lhs": self.lhs, "rhs": self.rhs, "relation": self.relation, "seconds": round(self.seconds, 3),
        }


# ------------------------------------------------------------------ strategies
@dataclass(frozen=True)
class Cases:
    """Split on the first ``Max``/``Min``/``Abs`` until none is left, then run ``base``."""

    base: Strategy
    depth: int = 4

    def run(self, statement: Basic) -> Outcome:
        atoms = sorted((a for a in statement.atoms(*_PIECEWISE)), key=sp.default_sort_key)
        if not atoms or self.depth == 0:
            return self.base.run(statement)
        first = atoms[0]
        left, right = (first.args[0], sp.Integer(0)) if isinstance(first, sp.Abs) else first.args[:2]
        variable = _linear_symbol(left - right)
        if variable is None:
            return Outcome(Status.UNPROVED, "case split", [f"cannot split on ${sp.latex(first)}$"])
        # left - right = t  <=>  variable = solution(t)
        t = sp.Dummy("t", real=True)
        solution = sp.solve(sp.Eq(left - right, t), variable, dict=True)
        if len(solution) != 1:
            return Outcome(Status.UNPROVED, "case split", [f"cannot split on ${sp.latex(first)}$"])
        as_gap = statement.xreplace({variable: solution[0][variable]})
        return CaseSplit(t, sp.Integer(0), Cases(self.base, self.depth - 1)).run(as_gap)


def _linear_symbol(expr: Expr) -> sp.Symbol | sp.Indexed | None:
    """A real symbol without a sign assumption in which ``expr`` is linear (to solve for)."""
    for s in sorted(expr.free_symbols, key=str):
        if not isinstance(s, (sp.Symbol, sp.Indexed)) or s.is_integer or not s.is_real:
            continue
        if s.is_positive or s.is_nonnegative or s.is_negative or s.is_nonpositive:
            continue  # a substitution could leave its stated sign
        if expr.is_polynomial(s) and sp.degree(expr, s) == 1:
            return s
    return None


@dataclass(frozen=True)
class DerivativeTest:
    r"""One real variable: :math:`f = \mathrm{lhs} - \mathrm{rhs}` continuous on a connected
    domain, :math:`f' \equiv 0` symbolically and :math:`f(p) = 0` exactly give :math:`f \equiv 0`."""

    def run(self, statement: Basic) -> Outcome:
        if not isinstance(statement, sp.Eq):
            return Outcome(Status.UNPROVED, "derivative test", [])
        f = statement.lhs - statement.rhs
        free = [s for s in f.free_symbols if isinstance(s, sp.Symbol)]
        if len(free) != 1 or f.has(sp.Sum) or f.atoms(sp.Indexed):
            return Outcome(Status.UNPROVED, "derivative test", ["needs exactly one real variable"])
        (x,) = free
        domain = sp.Interval.open(0, sp.oo) if x.is_positive else sp.Interval(0, sp.oo) if x.is_nonnegative else sp.S.Reals
        try:
            continuous = sp.calculus.util.continuous_domain(f, x, domain)
        except (NotImplementedError, ValueError, TypeError):
            return Outcome(Status.UNPROVED, "derivative test", ["continuity could not be established"])
        if continuous != domain:
            return Outcome(Status.UNPROVED, "derivative test", [f"not continuous on ${sp.latex(domain)}$"])
        if normal_form(sp.diff(f, x)) != 0:
            return Outcome(Status.UNPROVED, "derivative test", ["the derivative does not simplify to 0"])
        point = sp.Integer(1) if x.is_positive else sp.Integer(0)
        if sp.simplify(f.subs(x, point)) != 0:
            return Outcome(Status.UNPROVED, "derivative test", [f"f({point}) does not simplify to 0"])
        return Outcome(
            Status.PROVED,
            "derivative test (f' = 0 and f(p) = 0 on a connected domain)",
            [f"$f' = 0$ on ${sp.latex(domain)}$, where $f$ is continuous", f"$f({point}) = 0$"],
        )


def _proof_strategies(statement: Basic, indices: tuple[sp.Symbol, ...], upper: Expr | None) -> list[Strategy]:
    if isinstance(statement, sp.Eq):
        base: Strategy = Simplify(indices, upper)
        return [base, Cases(base), DerivativeTest()]
    base = Sign(indices=indices, upper=upper)
    return [base, Cases(base)]


# ---------------------------------------------------------------------- check
def check(lhs_text: str, rhs_text: str, relation: str = "==", assumptions: Sequence[str] = ()) -> CheckResult:
    """Decide ``lhs REL rhs``; raises :class:`derive.parsing.ExpressionError` on bad input."""
    from .parsing import ExpressionError

    start = time.perf_counter()
    if relation not in RELATIONS:
        raise ExpressionError(f"unknown relation {relation!r}; use one of {', '.join(RELATIONS)}")
    table = SymbolTable(dict(parse_assumption(a) for a in assumptions))
    lhs = parse_expression(lhs_text, table, "LHS")
    rhs = parse_expression(rhs_text, table, "RHS")
    statement = RELATIONS[relation](lhs, rhs, evaluate=False)
    notes = [f"assumed {name}: {what} (used as a summation bound or index)" for name, what in table.inferred.items()]
    sizes = [s for s in table.symbols.values() if s.is_integer and s.is_nonnegative]
    indices = tuple(s for s in table.symbols.values() if s.is_integer and not s.is_nonnegative)
    upper = sizes[0] if len(sizes) == 1 else None
    index_upper = tuple((i, upper) for i in indices) if upper is not None else ()

    def result(outcome: Outcome, verdict: str) -> CheckResult:
        counterexample = None
        if verdict == "refuted" and outcome.counterexample is not None:
            counterexample = _counterexample_values(statement, outcome)
        return CheckResult(verdict, outcome.method, sp.sstr(lhs), sp.sstr(rhs), relation,
                           time.perf_counter() - start, counterexample, outcome.steps, notes)

    quick = Counterexample(index_upper=index_upper, trials=12).run(statement)
    if quick.status is Status.REFUTED:
        return result(quick, "refuted")
    last = quick
    for strategy in _proof_strategies(statement, indices, upper):
        try:
            outcome = strategy.run(statement)
        except (NotImplementedError, ValueError, TypeError, RecursionError, AttributeError) as exc:
            outcome = Outcome(Status.UNPROVED, "error", [f"{type(exc).__name__}: {exc}"])
        if outcome.status is Status.PROVED:
            return result(outcome, "proved")
        last = outcome
    thorough = Counterexample(index_upper=index_upper, trials=80, seed_offset=1).run(statement)
    if thorough.status is Status.REFUTED:
        return result(thorough, "refuted")
    return result(Outcome(Status.UNPROVED, last.method, last.steps), "unknown")


def _counterexample_values(statement: Basic, outcome: Outcome) -> dict[str, Any]:
    """The point as text, and both sides evaluated by mpmath at 60 significant digits."""
    assert outcome.counterexample is not None and outcome.point is not None
    values = {}
    for side, expr in (("lhs_value", statement.lhs), ("rhs_value", statement.rhs)):
        value = evaluate_at(expr, outcome.point)
        with mpmath.workdps(60):
            values[side] = mpmath.nstr(mpmath.mpf(str(value)), 50) if value is not None else "undefined"
    return {"point": {k: v for k, v in outcome.counterexample.items() if k != "evidence"}, **values}

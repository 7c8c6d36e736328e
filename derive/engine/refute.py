"""Refutation: a counterexample point with both sides enclosed, and the cross-examination of a proof at edge points."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr

from .. import enclosure
from .core import Outcome, Status, _parts, _tex
from .sampling import instantiate, sample_point

if TYPE_CHECKING:
    from ..domain import Condition


def side_value(expr: Basic, point: Mapping[Basic, object], digits: int = 50) -> str:
    """The value of ``expr`` at ``point`` to ``digits`` digits, from a rigorous enclosure."""
    try:
        return enclosure.text(instantiate(expr, point), digits)
    except (enclosure.NotReal, enclosure.Unsupported):
        return "undefined"


def _violated(rel: Basic, point: Mapping[Basic, object]) -> tuple[bool, str]:
    r"""Is ``rel`` certainly false at ``point``?  Returns (violated, evidence).

    Both sides must be real at the point (a side that is undefined there is no evidence),
    and an Arb enclosure of :math:`\mathrm{lhs} - \mathrm{rhs}` must exclude the relation:
    exclude 0 for ``==``, lie above 0 for ``<=``; a strict relation also fails at an
    exact 0.  Where no precision decides, the point is no evidence either way.
    """
    if isinstance(rel, sp.Contains):
        elem = instantiate(rel.args[0], point)
        try:
            enclosure.sign(elem)
        except enclosure.NotReal:
            return True, f"{sp.latex(rel.args[0])} evaluates to {elem}, which is not a real number"
        except enclosure.Unsupported:
            return False, ""
        return False, ""
    if not isinstance(rel, (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt)):
        return False, ""
    lhs = instantiate(rel.lhs, point)
    rhs = instantiate(rel.rhs, point)
    strict = isinstance(rel, (sp.Lt, sp.Gt))
    try:
        gap = enclosure.sign(sp.Add(lhs, -rhs), exact_zero=strict)
    except (enclosure.NotReal, enclosure.Unsupported):
        return False, ""
    if gap is None:
        return False, ""
    failing = {sp.Eq: (1, -1), sp.Le: (1,), sp.Lt: (1, 0), sp.Ge: (-1,), sp.Gt: (-1, 0)}[type(rel)]
    if gap not in failing:
        return False, ""
    what = {1: "lhs - rhs > 0", -1: "lhs - rhs < 0", 0: "lhs = rhs exactly"}[gap]
    evidence = (f"lhs = {side_value(rel.lhs, point, 30)}, rhs = {side_value(rel.rhs, point, 30)}; "
                f"{what} (Arb ball arithmetic)")
    return True, evidence


def _point_text(point: Mapping[Basic, object]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in point.items():
        name = str(k.label) if isinstance(k, sp.IndexedBase) else str(k)
        if isinstance(v, Mapping):
            out[name] = "{" + ", ".join(f"{pos}: {v[pos]}" for pos in sorted(v)) + "}"
        elif isinstance(v, (list, tuple)):
            out[name] = "[" + ", ".join(str(e) for e in v) + "]"
        else:
            out[name] = str(v)
    return out


# small integers, halves and thirds, and large gaps; ties come from the tie trials
_CANDIDATES: tuple[object, ...] = (0, 1, -1, 2, sp.Rational(1, 2), -3, 5, sp.Rational(-1, 3), 10, -20, 30, -40)


@dataclass(frozen=True)
class Counterexample:
    r"""Refute a statement with a concrete point, confirmed by a rigorous enclosure.

    ``hints`` are points tried first (the document's own examples); then a
    deterministic search over small integers, halves and large gaps for every
    real scalar and vector entry, with sizes 2, 3, 1, 4 (at least the stated
    ``size_lower_bounds``) and every index inside its range (``index_upper``
    maps an index to its size symbol; the default range is ``1..size``).  A
    point refutes only where an Arb enclosure of lhs - rhs excludes the relation.
    """

    hints: tuple[Mapping[Basic, object], ...] = ()
    search: bool = True
    size_lower_bounds: tuple[tuple[sp.Symbol, int], ...] = ()
    index_upper: tuple[tuple[sp.Symbol, sp.Symbol], ...] = ()
    trials: int = 40
    seed_offset: int = 0
    domain: tuple["Condition", ...] = ()  # a point is evidence only where these are certified
    values: tuple[object, ...] = ()  # the values drawn for reals (default: _CANDIDATES)

    def candidates(self, statement: Basic) -> Iterable[Mapping[Basic, object]]:
        yield from self.hints
        if not self.search:
            return
        lower = dict(self.size_lower_bounds)
        # the symbols of the definedness conditions are drawn too (one may have evaluated away from the statement)
        drawn = sp.Tuple(statement, *(c.expr for c in self.domain)) if self.domain else statement
        for size in (2, 3, 1, 4):
            for trial in range(self.trials):
                seed = 1000 * size + trial + 100_000 * self.seed_offset
                point = sample_point(drawn, seed, size, self.values or _CANDIDATES, dict(self.index_upper),
                                     tie=trial % 5 == 1)
                if any(int(point.get(sym, bound)) < bound for sym, bound in lower.items()):  # type: ignore[call-overload]
                    break
                yield point

    def run(self, statement: Basic) -> Outcome:
        from ..domain import holds_at

        tried = 0
        unevaluable = 0
        for point in self.candidates(statement):
            tried += 1
            for part in _parts(statement):
                try:
                    bad, evidence = _violated(part, point)
                    if bad and not all(holds_at(c, point) for c in self.domain):
                        bad = False  # outside the domain where both sides are defined: no evidence
                except (ArithmeticError, ValueError, TypeError, NotImplementedError, RecursionError, KeyError):
                    unevaluable += 1  # a point that cannot be evaluated is no evidence
                    continue
                if bad:
                    steps = [
                        f"at {_point_text(point)}: {_tex(part)} fails ({evidence})"
                    ]
                    cx = _point_text(point)
                    cx["evidence"] = evidence
                    return Outcome(Status.REFUTED, "counterexample (Arb enclosure)", steps, cx, point)
        note = f" ({unevaluable} could not be evaluated)" if unevaluable else ""
        return Outcome(Status.UNPROVED, "counterexample search", [f"no counterexample among {tried} points{note}"])


class SoundnessError(RuntimeError):
    """A completed proof is contradicted at a point: a bug in a proof rule, to be reported."""


# edge values for the cross-examination: zero, tiny, huge (exp overflows double there), fractions
EDGE_VALUES: tuple[object, ...] = (
    0, 1, -1, sp.Rational(1, 2), -sp.Rational(1, 3), sp.Rational(1, 10**30), -sp.Rational(1, 10**30),
    700, -700, 3, -7, 40, 1000, -1000,
)


def cross_examine(
    name: str,
    statement: Basic,
    outcome: Outcome,
    trials: int,
    index_upper: tuple[tuple[sp.Symbol, Expr], ...] = (),
    size_lower_bounds: tuple[tuple[sp.Symbol, int], ...] = (),
) -> None:
    """Defence in depth: a proved statement is evaluated at edge and random points (Arb enclosures).

    A point where it certainly fails means a proof rule is unsound: :class:`SoundnessError`
    (the CLI exits 4 asking for a bug report), never ``proved``.  Parts holding a limit are
    skipped, not passed: SymPy's limit of huge constants at a point can exhaust memory.
    """
    parts = [p for p in _parts(statement) if not p.has(sp.Limit)]
    if not parts:
        return
    examiner = Counterexample(index_upper=index_upper, size_lower_bounds=size_lower_bounds, trials=trials,
                              seed_offset=7, values=EDGE_VALUES)
    found = examiner.run(sp.And(*parts))
    if found.status is Status.REFUTED:
        raise SoundnessError(
            f"internal error: {name} was proved by '{outcome.method}' but fails at {found.counterexample}; "
            "please report this as a bug"
        )

"""Refutation: a counterexample point with both sides enclosed, and the cross-examination of a proof at edge points."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr

from .. import enclosure
from .core import Outcome, Status, _parts, _tex
from .sampling import admissible, instantiate, karr_terms, sample_point, vector_entries

if TYPE_CHECKING:
    from ..domain import Condition


def side_value(expr: Basic, point: Mapping[Basic, object], digits: int = 50) -> str:
    """The value of ``expr`` at ``point`` to ``digits`` digits, from a rigorous enclosure."""
    try:
        return enclosure.text(instantiate(expr, point, frozen=True), digits)
    except (enclosure.NotReal, enclosure.Unsupported):
        return "undefined"


def difference_value(difference: Basic, point: Mapping[Basic, object], digits: int = 20) -> str:
    """lhs - rhs at ``point`` as :func:`side_value` gives it, or "0 (exactly ...)" where no enclosure can
    decide because it is an exact zero that SymPy reduces to 0 (how a strict relation's counterexample
    at equality is confirmed, :func:`_violated`)."""
    value = side_value(difference, point, digits)
    if value == "undecided" and enclosure.is_exact_zero(instantiate(difference, point, frozen=True)):
        return "0 (exactly: SymPy reduces it to 0)"
    if value == "0":  # an Arb ball of radius 0 (max(0, 0) kept for the enclosure, say): exact as well
        return "0 (exactly: an enclosure of radius 0)"
    return value


def _violated(rel: Basic, point: Mapping[Basic, object]) -> tuple[bool, str]:
    r"""Is ``rel`` certainly false at ``point``?  Returns (violated, evidence).

    Both sides must be real at the point (a side that is undefined there is no evidence),
    and an Arb enclosure of :math:`\mathrm{lhs} - \mathrm{rhs}` must exclude the relation:
    exclude 0 for ``==``, lie above 0 for ``<=``; a strict relation also fails at an
    exact 0.  Where no precision decides, the point is no evidence either way.
    """
    if isinstance(rel, sp.Contains):
        elem = instantiate(rel.args[0], point, frozen=True)
        try:
            enclosure.sign(elem)
        except enclosure.NotReal:
            return True, f"{sp.latex(rel.args[0])} evaluates to {elem}, which is not a real number"
        except enclosure.Unsupported:
            return False, ""
        return False, ""
    if not isinstance(rel, (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt)):
        return False, ""
    lhs = instantiate(rel.lhs, point, frozen=True)
    rhs = instantiate(rel.rhs, point, frozen=True)
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


_READ_LIMIT = 4096  # terms written out when reading a counterexample's entries; beyond it the vectors are shown whole


def _entries_read(e: Basic, env: dict[Basic, Basic], found: set[Basic], budget: list[int]) -> bool:
    """Add to ``found`` the entries (``Indexed`` at integer positions) that ``e`` reads with the bound names of ``env``;
    False where it reads an entry at a position that stays symbolic or more than :data:`_READ_LIMIT` terms.

    Sums and products are walked term by term without building the written-out expression, so that no automatic
    evaluation cancels a read entry (at n = 1, ``exp(x[k])/Sum(exp(x[i]), (i, 1, n))`` is 1 once written out, yet
    it reads x[1]); an empty range (Karr's convention, either direction) reads nothing."""
    if isinstance(e, sp.Indexed):
        position = tuple(sp.sympify(i).xreplace(env) for i in e.indices)
        if not all(i.is_Integer for i in position):
            return False
        found.add(e.base[position])
        return True
    if isinstance(e, (sp.Sum, sp.Product)):
        var, lo, hi = e.limits[-1]
        lo, hi = sp.sympify(lo).xreplace(env), sp.sympify(hi).xreplace(env)
        if not (lo.is_Integer and hi.is_Integer):
            return False
        terms, _ = karr_terms(int(lo), int(hi))
        budget[0] -= len(terms)
        if budget[0] < 0:
            return False
        inner = type(e)(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        return all(_entries_read(inner, {**env, var: sp.Integer(k)}, found, budget) for k in terms)
    return all(_entries_read(a, env, found, budget) for a in e.args)


def _read_entries(statement: Basic, point: Mapping[Basic, object]) -> Mapping[Basic, object]:
    """``point`` with each vector (or matrix) cut to the entries ``statement`` reads there, for the counterexample's
    text: its sums walked at the point's sizes and indices, derivatives not yet taken (``x = {1: -3}`` at n = 1,
    not the five entries drawn); a vector that the statement reads at a position that stays symbolic is shown whole.
    The point itself, which the enclosures evaluate, keeps every entry."""
    integers: dict[Basic, Basic] = {k: sp.sympify(v) for k, v in point.items() if isinstance(k, sp.Symbol) and k.is_integer}
    entries: set[Basic] = set()
    whole: set[Basic] = set()
    for part in _parts(statement):
        for side in part.args if isinstance(part, sp.Rel) else (part,):
            found: set[Basic] = set()
            if not _entries_read(sp.sympify(side), integers, found, [_READ_LIMIT]):
                whole |= {ix.base for ix in sp.sympify(side).atoms(sp.Indexed)}
            entries |= found
    read: dict[Basic, set[object]] = {}
    for ix in entries:
        if ix.base not in whole:
            position = tuple(int(i) for i in ix.indices)
            read.setdefault(ix.base, set()).add(position[0] if len(position) == 1 else position)
    return {k: ({p: v[p] for p in v if p in read[k]} if isinstance(v, Mapping) and read.get(k) else v)
            for k, v in point.items()}


# small integers, halves and thirds, and large gaps; ties come from the tie trials
_CANDIDATES: tuple[object, ...] = (0, 1, -1, 2, sp.Rational(1, 2), -3, 5, sp.Rational(-1, 3), 10, -20, 30, -40)


@dataclass(frozen=True)
class Counterexample:
    r"""Refute a statement with a concrete point, confirmed by a rigorous enclosure.

    ``hints`` are points tried first (the document's own examples); then a
    deterministic search over small integers, halves and large gaps for every
    real scalar and vector entry, with sizes 2, 3, 1, 4 (at least the stated
    ``size_lower_bounds``), then ``large_sizes`` (``large_trials`` points each), and every index inside its
    range (``index_upper`` maps an index to its size symbol; the default range is ``1..size``).  A
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
    extra_values: tuple[object, ...] = ()  # drawn beside them (the thresholds of a Piecewise's conditions)
    descend: bool = False  # then climb towards a violation of an inequality from the best points tried (:func:`descend`)
    large_sizes: tuple[int, ...] = ()  # then these sizes, large_trials points each (a sum false only from n = 8 or 11 on)
    large_trials: int = 0

    def candidates(self, statement: Basic) -> Iterable[Mapping[Basic, object]]:
        yield from self.hints
        if not self.search:
            return
        lower = dict(self.size_lower_bounds)
        # the symbols of the definedness conditions are drawn too (one may have evaluated away from the statement)
        drawn = sp.Tuple(statement, *(c.expr for c in self.domain)) if self.domain else statement
        # sizes 2, 3, 1, 4, then the large ones (fewer points each); every fifth point a tie (uniform shares: an entropy
        # or a sum of squares at its extreme)
        sizes = [(size, self.trials) for size in (2, 3, 1, 4)] + [(size, self.large_trials) for size in self.large_sizes]
        for size, trials in sizes:
            for trial in range(trials):
                seed = 1000 * size + trial + 100_000 * self.seed_offset
                point = sample_point(drawn, seed, size, (*(self.values or _CANDIDATES), *self.extra_values), dict(self.index_upper),
                                     tie=trial % 5 == 1)
                if any(int(point.get(sym, bound)) < bound for sym, bound in lower.items()):  # type: ignore[call-overload]
                    break  # below a stated lower bound (n >= 100): no point of the statement's domain
                yield point

    def run(self, statement: Basic) -> Outcome:
        from ..domain import holds_at

        tried = 0
        unevaluable = 0
        points: list[Mapping[Basic, object]] = []
        for point in self._points(statement, points):
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
                    cx = _point_text(_read_entries(statement, point))
                    steps = [f"at {cx}: {_tex(part)} fails ({evidence})"]
                    cx["evidence"] = evidence
                    return Outcome(Status.REFUTED, "counterexample (Arb enclosure)", steps, cx, point)
        note = f" ({unevaluable} could not be evaluated)" if unevaluable else ""
        return Outcome(Status.UNPROVED, "counterexample search", [f"no counterexample among {tried} points{note}"])

    def _points(self, statement: Basic, tried: list[Mapping[Basic, object]]) -> Iterable[Mapping[Basic, object]]:
        """The candidates, each kept in ``tried``; then (``descend``) the points the climb ends at."""
        for point in self.candidates(statement):
            tried.append(point)
            yield point
        if self.descend:
            for part in _parts(statement):
                yield from descend(part, tried)


_CLIMB_STEPS = 300  # objective evaluations per start, at most
_CLIMB_STARTS = 3  # the best points tried of each of the first two shapes (sizes)
_CLIMB_DIGITS = (30, 120, 480, 1200)  # the objective's precisions: the next where the value is within 10^(8 - digits) of 0


def descend(part: Basic, tried: list[Mapping[Basic, object]]) -> Iterable[Mapping[Basic, object]]:
    r"""Points where the inequality ``part`` may fail, found by climbing: only candidates, never evidence.

    For ``lhs <= rhs`` (or ``<``) the objective is :math:`\mathrm{lhs} - \mathrm{rhs}` (the other way round for
    ``>=``, ``>``), evaluated in mpmath at 30 digits (more where the value is near 0 and may be cancellation
    noise, :data:`_CLIMB_DIGITS`) with the sizes and indices of a point tried fixed and
    its real scalars and vector entries free (respecting their sign assumptions). From the best points
    tried, a pattern search moves one coordinate at a time by a step that doubles after a move that
    improves and shrinks fourfold after a round without one, and stops at a positive objective; that point is then offered rounded to the simplest
    fractions that keep the objective positive (a readable counterexample). Each is confirmed by the
    caller, with an Arb enclosure, exactly as a drawn point: the climb only proposes.
    (Narrow refutations such as :math:`x\sigma(x) \ge -0.2784`, false near x = -1.28 only, lie between
    the drawn values.)
    """
    sense = 1 if isinstance(part, (sp.Le, sp.Lt)) else -1 if isinstance(part, (sp.Ge, sp.Gt)) else 0
    if sense == 0 or not tried:
        return
    shapes: dict[tuple[object, ...], list[Mapping[Basic, object]]] = {}
    for point in tried:
        shapes.setdefault(_shape(point), []).append(point)
    for group in list(shapes.values())[:2]:
        climb = _Climb.of(sense * (part.lhs - part.rhs), group[0])
        if climb is None:
            continue
        ranked = sorted(group, key=lambda p: -climb.objective(climb.values(p)))
        for start in ranked[:_CLIMB_STARTS]:
            found = climb.search(climb.values(start))
            if found is not None:
                yield climb.point(found)


def _shape(point: Mapping[Basic, object]) -> tuple[object, ...]:
    """What a climb keeps fixed: the integer symbols' values and the vectors' lengths."""
    fixed: list[tuple[str, object]] = []
    for key, value in sorted(point.items(), key=lambda kv: str(kv[0])):
        if isinstance(key, sp.IndexedBase):
            fixed.append((str(key), len(value)))  # type: ignore[arg-type]
        elif isinstance(key, sp.Symbol) and key.is_integer:
            fixed.append((str(key), str(value)))
    return tuple(fixed)


@dataclass
class _Climb:
    """The objective of one shape of point as a function of its free real slots."""

    start: Mapping[Basic, object]
    slots: list[tuple[Basic, object, Basic]]  # (symbol or vector, position or None, the symbol whose assumptions apply)
    function: object

    @classmethod
    def of(cls, objective: Basic, start: Mapping[Basic, object]) -> _Climb | None:
        slots: list[tuple[Basic, object, Basic]] = []
        template: dict[Basic, object] = {}
        dummies: list[sp.Dummy] = []
        for key, value in start.items():
            if isinstance(key, sp.IndexedBase):
                entries: dict[object, Basic] = {}
                for position, _ in vector_entries(value):
                    dummy = sp.Dummy(real=True)
                    dummies.append(dummy)
                    entries[position] = dummy
                    slots.append((key, position, key.label))
                template[key] = entries
            elif isinstance(key, sp.Symbol) and not key.is_integer:
                dummy = sp.Dummy(real=True)
                dummies.append(dummy)
                template[key] = dummy
                slots.append((key, None, key))
            else:
                template[key] = value
        if not dummies or len(dummies) > 8:
            return None
        try:
            expr = instantiate(objective, template)
            if expr.free_symbols - set(dummies):
                return None
            function = sp.lambdify(dummies, expr, modules="mpmath")
        except (TypeError, ValueError, NotImplementedError, RecursionError, KeyError, AttributeError, SyntaxError):
            return None
        return cls(start, slots, function)

    def values(self, point: Mapping[Basic, object]) -> list[float]:
        out = []
        for key, position, _ in self.slots:
            value = point[key] if position is None else dict(vector_entries(point[key]))[position]
            out.append(float(sp.sympify(value)))
        return out

    def objective(self, values: list[float]) -> float:
        """lhs - rhs signed so that a violation is positive; -inf where undefined, complex or inadmissible."""
        import mpmath

        if not all(admissible(owner, v) for (_, _, owner), v in zip(self.slots, values, strict=True)):
            return -float("inf")
        for digits in _CLIMB_DIGITS:  # a value near 0 may be cancellation noise: raise the precision past it
            with mpmath.workdps(digits):
                try:
                    result = self.function(*(mpmath.mpf(v) for v in values))  # type: ignore[operator]
                except Exception:  # noqa: BLE001 - the climb only proposes: a point it cannot evaluate is no proposal
                    return -float("inf")
            if not isinstance(result, mpmath.mpf) or not mpmath.isfinite(result):
                return -float("inf")
            if abs(result) > mpmath.mpf(10) ** (8 - digits):
                break
        return float(result)

    def search(self, x: list[float]) -> list[float] | None:
        """Pattern search from ``x``: a move that improves doubles the step (so a violation 700 away, as
        for e^-x below a tiny constant, is reached in a dozen moves), a round without one quarters it."""
        best = self.objective(x)
        step = 1.0
        evaluations = 0
        while evaluations < _CLIMB_STEPS and 1e-12 < step < 1e6 and best <= 0:
            moved = False
            for i in range(len(x)):
                for delta in (step, -step):
                    y = list(x)
                    y[i] += delta
                    value = self.objective(y)
                    evaluations += 1
                    if value > best:
                        x, best, moved = y, value, True
                        break
            step = step * 2 if moved else step / 4
        return x if best > 0 else None

    def point(self, x: list[float]) -> dict[Basic, object]:
        """``x`` as a point of exact fractions: the simplest denominators that keep the objective positive."""
        from fractions import Fraction

        for limit in (10, 100, 1000, 10**6, 10**12, None):
            fractions = [Fraction(v) if limit is None else Fraction(v).limit_denominator(limit) for v in x]
            if limit is None or self.objective([float(f) for f in fractions]) > 0:
                break
        out: dict[Basic, object] = {k: v for k, v in self.start.items()}
        vectors: dict[Basic, dict[object, object]] = {}
        for (key, position, _), f in zip(self.slots, fractions, strict=True):
            value = sp.Rational(f.numerator, f.denominator)
            if position is None:
                out[key] = value
            else:
                vectors.setdefault(key, {})[position] = value
        for key, entries in vectors.items():
            start = self.start[key]
            out[key] = entries if isinstance(start, Mapping) else [entries[p] for p in sorted(entries)]  # type: ignore[type-var]
        return out


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
    """Defence in depth: a proved statement is evaluated at edge and random points (Arb enclosures), sizes 2, 3, 1, 4
    and then two points each at 8 and 16.

    A point where it certainly fails means a proof rule is unsound: :class:`SoundnessError`
    (the CLI exits 4 asking for a bug report), never ``proved``.  Parts holding a limit are
    skipped, not passed: SymPy's limit of huge constants at a point can exhaust memory.
    """
    parts = [p for p in _parts(statement) if not p.has(sp.Limit)]
    if not parts:
        return
    examiner = Counterexample(index_upper=index_upper, size_lower_bounds=size_lower_bounds, trials=trials,
                              seed_offset=7, values=EDGE_VALUES, large_sizes=(8, 16), large_trials=2)
    found = examiner.run(sp.And(*parts))
    if found.status is Status.REFUTED:
        raise SoundnessError(
            f"internal error: {name} was proved by '{outcome.method}' but fails at {found.counterexample}; "
            "please report this as a bug"
        )

r"""``check``: prove or refute a user's own identity or inequality with the claims engine.

Meaning of a statement ``lhs REL rhs``: for every value of the symbols allowed
by the stated assumptions (``--assume``), by the inferred roles (a name used as a
summation bound is a positive integer, an index ``k`` of a vector of length
``n`` lies in ``1..n``: both printed as notes) *and at which both sides are
defined over the reals* (:mod:`softproof.derive.domain`), the relation holds.

Verdict rules:

* ``refuted`` -- a point inside that domain where an Arb enclosure of
  lhs - rhs excludes the relation (:mod:`softproof.derive.enclosure`); the domain
  conditions are certified at the point too.
* ``proved`` -- a proof strategy completed (simplification to 0, sign rules,
  case splits on ``Max``/``Min``/``Abs``/``Piecewise``, the derivative test), every domain
  condition follows from the assumptions, *and* a cross-examination at edge and
  random points found no contradiction.  A point that contradicts a completed
  proof is an internal error (:class:`SoundnessError`), never ``proved``.
* ``unknown`` -- anything else, including a statement that is proved only
  where both sides are defined when the assumptions do not say so (the note
  names the restriction and the ``--assume`` that states it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp
from sympy import Basic, Expr

from .domain import Condition, conditions, follows, holds_at
from .engine import (
    Cases,
    Counterexample,
    DerivativeTest,
    Outcome,
    Sign,
    Simplify,
    SoundnessError,
    Status,
    Strategy,
    cross_examine,
    difference_value,
    side_value,
)
from .engine.sampling import admissible
from .inequalities import certified_sign
from .isolation import TimedOut, run_isolated
from .limit_values import Elimination, eliminate_limits
from .minimum import critical_points
from .parsing import (
    ExpressionError,
    SymbolTable,
    evaluated,
    parse_sides,
    separate_bound_names,
)
from .piecewise_cases import threshold_values
from .ranges import Range, Substitution, index_declarations, parts, read_assumptions, remappings, substitute, widenings
from .sums import evaluate, index_bounds

__all__ = ["CheckResult", "check", "RELATIONS", "SoundnessError", "Problem", "parse_problem", "decide"]

RELATIONS: dict[str, type[sp.core.relational.Relational]] = {
    "==": sp.Eq, "<=": sp.Le, "<": sp.Lt, ">=": sp.Ge, ">": sp.Gt,
}
# what the derivative of a function with a kink evaluates to: not a derivative at the kink
_NOT_SMOOTH = (sp.Heaviside, sp.DiracDelta, sp.sign, sp.Derivative, sp.Subs)


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
            "notes": self.notes,
        }

    def text(self) -> str:
        """The verdict as the command line prints it: statement, notes, verdict, counterexample."""
        out = [f"{self.lhs} {self.relation} {self.rhs}", *(f"  note: {note}" for note in self.notes),
               f"verdict: {self.verdict}  ({self.method}; {self.seconds:.2f} s)"]
        if self.counterexample:
            out.append("counterexample: " + ", ".join(f"{k} = {v}" for k, v in self.counterexample["point"].items()))
            out.append(f"  lhs = {self.counterexample['lhs_value']}")
            out.append(f"  rhs = {self.counterexample['rhs_value']}")
            if "difference" in self.counterexample:
                out.append(f"  lhs - rhs = {self.counterexample['difference']}")
        return "\n".join(out)


def _proof_strategies(statement: Basic, indices: tuple[sp.Symbol, ...], upper: Expr | None,
                      bounds: tuple[tuple[sp.Symbol, Expr], ...] = ()) -> list[Strategy]:
    """The strategies ``check`` tries in turn. The case split only where it has a term to split: without one it
    would run its base strategy again on the same statement (an unknown verdict took twice its time)."""
    base: Strategy = Simplify(indices, upper, bounds=bounds) if isinstance(statement, sp.Eq) else \
        Sign(indices=indices, upper=upper, bounds=bounds)
    split = [Cases(base)] if Cases.splits(statement) else []
    return [base, *split, DerivativeTest()] if isinstance(statement, sp.Eq) else [base, *split]


# ---------------------------------------------------------------------- check
@dataclass(frozen=True)
class Problem:
    """A parsed statement with everything its meaning depends on."""

    statement: Basic
    relation: str
    assumptions: dict[str, dict[str, bool]]
    texts: tuple[str, str]
    domain: tuple[Condition, ...]
    notes: tuple[str, ...]
    indices: tuple[sp.Symbol, ...]
    upper: Expr | None
    symbols: tuple[sp.Symbol, ...] = ()  # every free symbol of the sides as written (some may evaluate away)
    ranges: dict[str, Range] = field(default_factory=dict)  # the ranges assumed (unit included), by name
    substitutions: tuple[Substitution, ...] = ()  # each ranged name as an expression in a fresh symbol (ranges.substitute)
    blocked: tuple[str, ...] = ()  # why a limit could not be replaced by its value: the verdict is unknown
    bounds: tuple[tuple[sp.Symbol, Expr], ...] = ()  # declared indices 1 <= k <= n beyond the one size's (ranges.index_declarations)
    declared: dict[str, str] = field(default_factory=dict)  # the declarations themselves, {k: n}, for a parse again

    @property
    def index_upper(self) -> tuple[tuple[sp.Symbol, Expr], ...]:
        return index_bounds(self.indices, self.upper, self.bounds)


def parse_problem(lhs_text: str, rhs_text: str, relation: str = "==", assumptions: Sequence[str] | dict[str, dict[str, bool]] = (),
                  limits: bool = True, ranges: Mapping[str, Range] | None = None, declared: Mapping[str, str] | None = None) -> Problem:
    """Parse and classify; raises :class:`ExpressionError` for bad input (an undefined side included).

    ``limits``: replace each ``limit(...)`` by its value (:func:`eliminate_limits`: SymPy's work, which may take
    long; ``check`` parses without it first, then eliminates inside the time limit). ``ranges``: with
    ``assumptions`` given as words, the ranges (one part of :func:`~softproof.derive.ranges.parts`); with texts,
    read from them. ``declared``: indices declared as ``'k: 1 <= k <= n'`` (:func:`~softproof.derive.ranges.index_declarations`;
    read from the texts), refused unless ``k`` is a subscript of the statement and ``n`` its one size."""
    if relation not in RELATIONS:
        raise ExpressionError(f"unknown relation {relation!r}; use one of {', '.join(RELATIONS)}")
    if isinstance(assumptions, dict):
        given, assumed = dict(assumptions), dict(ranges or {})
    else:
        texts, declared = index_declarations(assumptions)
        given, assumed = read_assumptions(texts)
        assumed = dict(ranges) if ranges is not None else assumed
        if len(parts(assumed)) > 1 and ranges is None:
            raise ExpressionError("a range with a closed end is checked in parts: call check(), or parse_problem with "
                                  "ranges= one of ranges.parts()")
    table = SymbolTable(given, ranged=frozenset(assumed))
    raw = parse_sides([(lhs_text, "LHS"), (rhs_text, "RHS")], table)
    raw = separate_bound_names(raw, table)
    try:
        raw, substitutions = substitute(raw, table, assumed)
        range_notes = [s.note for s in substitutions]
        as_written = {s.name for s in _subscripts(sp.Tuple(*raw))}
        elimination = eliminate_limits(raw) if limits else Elimination(list(raw))  # each limit by its value
        raw = elimination.sides
        side_conditions = [conditions(side) for side in raw]
        side_conditions[0] += [c for c in elimination.conditions if c not in side_conditions[0]]
        for label, found in zip(("LHS", "RHS"), side_conditions, strict=True):
            for c in found:
                if not c.expr.free_symbols and not c.limits and _certainly_fails(c):
                    raise ExpressionError(f"{label} is undefined over the reals: {c.why}")
    except ExpressionError:
        raise
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise _unevaluable("the statement", exc) from None
    lhs, rhs = (_evaluated_side(e, label) for e, label in zip(raw, ("LHS", "RHS"), strict=True))
    for label, side in (("LHS", lhs), ("RHS", rhs)):
        if side.replace(lambda e: isinstance(e, sp.Limit), lambda e: sp.Integer(0)).has(sp.zoo, sp.oo, -sp.oo, sp.nan, sp.I):
            raise ExpressionError(f"{label} is not a real number: it evaluates to {sp.sstr(side)}")
    statement = RELATIONS[relation](lhs, rhs, evaluate=False)
    domain = tuple(c for found in side_conditions for c in found)
    notes = [f"assumed {name}: {what} (used as a summation bound or index)" for name, what in table.inferred.items()]
    notes += list(dict.fromkeys(table.readings))
    notes += range_notes + elimination.notes
    symbols = table.symbols.values()
    subscripts = _subscripts(statement)
    in_limits = {s for e in statement.atoms(sp.Sum) for lim in e.limits for s in (lim[1].free_symbols | lim[2].free_symbols)}
    sizes = [s for s in symbols if s.is_integer and s.is_nonnegative]
    # a matrix's row index (i of z[i, c]: an example) is any integer, not an entry of the length-n vector
    rows = {s for ix in statement.atoms(sp.Indexed) for r in ix.indices[:-1] for s in r.free_symbols}
    indices = tuple(s for s in symbols if s.is_integer and not s.is_nonnegative and s in subscripts - rows and s not in in_limits)
    upper = sizes[0] if len(sizes) == 1 else None
    # a declared index that a limit's value took away (lim_{T -> oo} e^(x_k/T)/sum_i e^(x_i/T) = 1/n) has nothing
    # left to bound: its declaration was checked on the statement as written
    present = {v.name for v in subscripts}
    kept = {k: v for k, v in (declared or {}).items() if k in present or k not in as_written}
    whole_bounds = {lim[2].name for e in statement.atoms(sp.Sum) for lim in e.limits if isinstance(lim[2], sp.Symbol)}
    bounds = _declared_bounds(kept, subscripts - in_limits, indices, upper, sizes, whole_bounds)
    by_size = {s.symbol: s.value for s in substitutions if s.symbol.is_integer}
    upper = evaluated(by_size[upper]) if upper in by_size else upper  # 'n: >= 2': the indices run to (c - 1) + k
    bounds = tuple((k, evaluated(by_size[n]) if n in by_size else n) for k, n in bounds)
    if upper is not None:
        notes += [f"assumed 1 <= {k} <= {upper} ({k} indexes the entries of a vector of length {upper})" for k in indices]
    notes += [f"assumed 1 <= {k} <= {n} (declared)" for k, n in bounds]
    labels = {ix.base.label for side in raw for ix in side.atoms(sp.Indexed)}  # a vector's name is not a scalar
    written = tuple(sorted((s for side in raw for s in side.free_symbols if isinstance(s, sp.Symbol) and s not in labels),
                           key=sp.default_sort_key))
    return Problem(statement, relation, given, (lhs_text, rhs_text), domain, tuple(notes), indices, upper, written, assumed,
                   substitutions, tuple(elimination.blocked), bounds, dict(declared or {}))


def _subscripts(expr: Basic) -> set[sp.Symbol]:
    """The symbols that index an entry of ``expr``: a subscript (x[k], z[i, c]), a one-hot vector's position (its
    KroneckerDelta's arguments), the subscript of a derivative's variable."""
    found = {s for ix in expr.atoms(sp.Indexed) for s in ix.indices if isinstance(s, sp.Symbol)}
    for delta in expr.atoms(sp.KroneckerDelta):  # the position of a one-hot vector indexes its entries too
        found |= {s for arg in delta.args for s in arg.free_symbols if isinstance(s, sp.Symbol)}
    for d in expr.atoms(sp.Derivative):
        for v, _ in d.variable_count:
            if isinstance(v, sp.Indexed):
                found |= {s for s in v.indices if isinstance(s, sp.Symbol)}
    return found


def _declared_bounds(declared: Mapping[str, str], subscripts: set[sp.Symbol], indices: Sequence[sp.Symbol],
                     upper: Basic | None, sizes: Sequence[sp.Symbol], whole_bounds: set[str]) -> tuple[tuple[sp.Symbol, sp.Symbol], ...]:
    """The ranges ``1 <= k <= n`` declared for subscripts (``'k: 1 <= k <= n'``) beyond what the statement's one size
    gives them anyway. A declaration must name a subscript (``x[k]``, a matrix's row or column index, a one-hot's
    position) and one of the statement's sizes (a whole summation bound); where the statement has one size, an entry
    index of its vectors is read as running to it already (a declaration can only name that size). A declared name
    that is itself a whole summation bound (``whole_bounds``) is refused with the size bound that says it, ``'n: >= m'``."""
    out: list[tuple[sp.Symbol, sp.Symbol]] = []
    by_name = {s.name: s for s in subscripts}
    size_names = {s.name: s for s in sizes}
    for name, size in declared.items():
        declaration = f"'{name}: 1 <= {name} <= {size}'"
        if name in whole_bounds and name not in by_name:
            raise ExpressionError(f"assumption {declaration}: {name} is a size (a summation bound), not an index; to say that "
                                  f"{size} is at least {name}, write '{size}: >= {name}'")
        if name not in by_name or by_name[name].is_integer is not True:
            raise ExpressionError(f"assumption {declaration} declares an index, but {name} is no subscript of the "
                                  f"statement (x[{name}]) outside a Sum; for a real scalar give a range in numbers, e.g. "
                                  f"'{name}: 1 <= {name} <= 3'")
        if size not in size_names:
            what = f"its sizes are {', '.join(sorted(size_names))}" if size_names else "it has no size (a summation bound)"
            raise ExpressionError(f"assumption {declaration}: {size} must be a size of the statement (a whole summation "
                                  f"bound), but {what}; write the sum as Sum(..., (j, 1, {size}))")
        if by_name[name] in indices and upper is not None:
            continue  # read as 1 <= k <= n already: n, the one size, is the only size a declaration may name
        out.append((by_name[name], size_names[size]))
    return tuple(out)


def _evaluated_side(side: Basic, label: str) -> Basic:
    """``evaluated(side)``, or an :class:`ExpressionError` that says why SymPy could not (a constant part with no
    real value, such as ``Max(x, 1/0)`` or ``log(x, 1)``, which SymPy refuses to compare or divide by)."""
    try:
        return evaluated(side)
    except (RecursionError, MemoryError, OverflowError):
        raise ExpressionError("the expression is too large to evaluate; simplify it or split it") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise _unevaluable(label, exc) from None


def _unevaluable(what: str, exc: Exception) -> ExpressionError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return ExpressionError(f"{what} cannot be evaluated ({first}): a constant part of it is undefined or not "
                           "real (a division by 0, log(x, 1), the log of a non-positive constant)")


def _certainly_fails(c: Condition) -> bool:
    s = certified_sign(evaluated(c.expr))
    return {"positive": s in (0, -1), "nonnegative": s == -1, "nonzero": s == 0}[c.kind]


def _refinement(pending: Sequence[Condition], problem: Problem) -> dict[str, dict[str, bool]] | None:
    """Assumptions on the symbols whose own sign a pending condition asks for (T != 0, x > 0), or None where no
    condition is about one symbol. The other conditions (exp(a/T) + exp(b/T) != 0) are left to the restricted
    problem, which decides them again under the new assumptions and stays unknown where they do not follow."""
    out = {k: dict(v) for k, v in problem.assumptions.items()}
    strength = {"nonzero": 0, "nonnegative": 1, "positive": 2}
    chosen: dict[str, str] = {}
    for c in pending:
        e = evaluated(c.expr)
        name = e.name if isinstance(e, sp.Symbol) else e.base.label.name if isinstance(e, sp.Indexed) else None
        if name is None:
            continue
        if e.is_integer:
            return None
        kind = c.kind
        if name in chosen and {chosen[name], kind} == {"nonzero", "nonnegative"}:
            kind = "positive"
        if strength[kind] >= strength.get(chosen.get(name, ""), -1):
            chosen[name] = kind
    if not chosen:
        return None
    for name, kind in chosen.items():
        out[name] = {kind: True, "real": True}
    return out


def _assume_text(assumptions: dict[str, dict[str, bool]], original: dict[str, dict[str, bool]]) -> str:
    return " ".join(
        f"--assume '{name}: {' '.join(k for k, v in words.items() if v and k != 'real')}'"
        for name, words in assumptions.items() if words != original.get(name)
    )


def check(
    lhs_text: str, rhs_text: str, relation: str = "==", assumptions: Sequence[str] = (), timeout: float | None = None,
) -> CheckResult:
    """Decide ``lhs REL rhs``; raises :class:`ExpressionError` on bad input, :class:`SoundnessError` on a bug.

    With ``timeout`` (seconds), the decision runs in a forked child with an address-space limit
    (:mod:`softproof.derive.isolation`), killed at the deadline: then, or when it runs out of
    memory, the verdict is ``unknown``. The input is parsed first, in this process.
    """
    start = time.perf_counter()
    texts, declared = index_declarations(assumptions)
    words, ranges = read_assumptions(texts)
    pieces = parts(ranges)  # a closed bounded range: its open part, then each closed end on its own
    problems = [parse_problem(lhs_text, rhs_text, relation, words, limits=False, ranges=piece, declared=declared)
                for piece in pieces]  # bad input: an error here
    result = _decided(problems, pieces, words, timeout, start)
    nonzero = _nonzero_names(words, ranges)
    if result.verdict != "unknown" or not nonzero or (timeout is not None and time.perf_counter() - start >= timeout):
        return result
    # x != 0 is the union of x > 0 and x < 0: proved on both, proved; a counterexample on one lies where x != 0
    split_words = {**words, **{name: {"real": True} for name in nonzero}}
    signs: list[dict[str, Range]] = [{}]
    for name in nonzero:
        signs = [{**sign, name: half} for sign in signs for half in (Range(sp.Integer(0), None), Range(None, sp.Integer(0)))]
    split_pieces = [{**piece, **sign} for sign in signs for piece in pieces]
    try:
        split_problems = [parse_problem(lhs_text, rhs_text, relation, split_words, limits=False, ranges=piece, declared=declared)
                          for piece in split_pieces]
    except ExpressionError:
        return result
    split = _decided(split_problems, split_pieces, split_words, timeout, start)
    if split.verdict == "unknown":
        return replace(result, seconds=time.perf_counter() - start)
    what = ", ".join(f"{name} > 0 and {name} < 0" for name in nonzero)
    return replace(split, notes=[*split.notes, f"{' and '.join(nonzero)} != 0 decided in parts: {what}"])


def _nonzero_names(words: dict[str, dict[str, bool]], ranges: Mapping[str, Range]) -> list[str]:
    """The real scalars assumed ``nonzero`` and nothing that fixes their sign (no other sign word, no range, not an
    integer): ``check`` decides such a statement on x > 0 and x < 0 where it stays undecided as a whole."""
    signed = ("positive", "negative", "nonnegative", "nonpositive", "integer")
    return sorted(name for name, given in words.items()
                  if given.get("nonzero") and name not in ranges and not any(given.get(word) for word in signed))


def _decided(problems: Sequence[Problem], pieces: Sequence[dict[str, Range]], words: dict[str, dict[str, bool]],
             timeout: float | None, start: float) -> CheckResult:
    """The verdict over the parts of the assumed ranges (each part's, then :func:`_combined`)."""
    results: list[CheckResult] = []
    for piece, problem in zip(pieces, problems, strict=True):
        left = None if timeout is None else timeout - (time.perf_counter() - start)
        results.append(_check_part(problem, piece, words, left, timeout, start))
        if results[-1].verdict == "unknown":
            results[-1] = _widened(results[-1], piece, problem, words, timeout, start)
        if results[-1].verdict != "proved":
            break
    return _combined(results, len(pieces), time.perf_counter() - start)


def _widened(undecided: CheckResult, piece: dict[str, Range], problem: Problem, words: dict[str, dict[str, bool]],
             timeout: float | None, start: float) -> CheckResult:
    """An undecided part proved on a wider range (:func:`~softproof.derive.ranges.widenings`: one end of a bounded
    range dropped), or ``undecided`` as it was. Only a proof counts: a wider range contains the part, so the
    statement holds on the part; a counterexample there may lie outside the part and is set aside. Then the part with
    a bounded range substituted by a rational map instead of the logistic one
    (:func:`~softproof.derive.ranges.remappings`): the same range, so either verdict counts."""
    lhs_text, rhs_text = problem.texts

    def attempt(other: dict[str, Range]) -> CheckResult | None:
        """The part decided on ``other`` ranges; None once the time is spent or where a side is undefined there."""
        left = None if timeout is None else timeout - (time.perf_counter() - start)
        if left is not None and left <= 0:
            return None
        try:
            other_problem = parse_problem(lhs_text, rhs_text, problem.relation, words, limits=False, ranges=other,
                                          declared=problem.declared)
        except ExpressionError:
            return None  # a side undefined somewhere on the wider range: nothing to prove there
        return _check_part(other_problem, other, words, left, timeout, start)

    for name, wider in widenings(piece):
        result = attempt(wider)
        if result is not None and result.verdict == "proved":
            return replace(result, notes=[*result.notes, f"proved for {wider[name].text(name)}, which contains {piece[name].text(name)}"])
    for _, remapped in remappings(piece):  # the same range, another map onto it: a proof or a counterexample counts
        result = attempt(remapped)
        if result is not None and result.verdict != "unknown":
            return result
    return undecided


def _check_part(problem: Problem, piece: dict[str, Range], words: dict[str, dict[str, bool]], left: float | None,
                timeout: float | None, start: float) -> CheckResult:
    """One part's verdict, in a forked child killed after ``left`` seconds when a timeout is given."""
    lhs_text, rhs_text = problem.texts

    def run() -> CheckResult:
        has_limits = problem.statement.has(sp.Limit)
        return decide(parse_problem(lhs_text, rhs_text, problem.relation, words, ranges=piece, declared=problem.declared)
                      if has_limits else problem, start)

    if left is None:
        return run()
    try:
        if left <= 0:
            raise TimedOut
        return run_isolated(run, left)
    except TimedOut:
        why = f"gave up after {timeout:g} s (--timeout)"
    except MemoryError:
        why = "gave up: the work needed more memory than the limit"
    return CheckResult("unknown", why, lhs_text, rhs_text, problem.relation, time.perf_counter() - start)


def _combined(results: Sequence[CheckResult], count: int, seconds: float) -> CheckResult:
    """The verdict over a range split into parts (:func:`~softproof.derive.ranges.parts`): proved when every part
    is (the range is their union), refuted when one is (its counterexample lies in the range), else unknown."""
    last = results[-1]
    if count == 1:
        return last
    if last.verdict == "proved" and len(results) == count:
        steps = [f"part {i + 1} of {count}: {step}" for i, r in enumerate(results) for step in r.steps]
        notes = list(dict.fromkeys(note for r in results for note in r.notes))
        return replace(results[0], method=" + ".join(dict.fromkeys(r.method for r in results)), seconds=seconds,
                       steps=steps, notes=notes)  # the open range's statement, as the user's is printed
    return replace(last, seconds=seconds, notes=[*last.notes, f"decided on part {len(results)} of {count} of the range "
                                                 "(the open range first, then each closed end)"])


def decide(problem: Problem, start: float | None = None, refine: bool = True) -> CheckResult:
    """The verdict on a parsed problem (see the module docstring for the rules).

    ``refine``: where a side is undefined somewhere, also decide the statement under the
    assumptions that make it defined (once; the answer is then at most ``unknown``)."""
    start = time.perf_counter() if start is None else start
    statement = problem.statement
    if problem.blocked:
        return CheckResult("unknown", "a limit could not be evaluated", *problem.texts,
                           problem.relation, time.perf_counter() - start, None, [], [*problem.notes, *problem.blocked])
    pending = [c for c in problem.domain if not follows(c)]

    def result(outcome: Outcome, verdict: str, extra: Sequence[str] = ()) -> CheckResult:
        counterexample = None
        if verdict == "refuted" and outcome.counterexample is not None:
            complete = _complete_point(outcome, problem)
            if complete is None:  # no admissible value for a symbol that evaluated away: no full counterexample
                return CheckResult("unknown", "counterexample incomplete", sp.sstr(statement.lhs), sp.sstr(statement.rhs),
                                   problem.relation, time.perf_counter() - start, None, outcome.steps,
                                   [*problem.notes, "a refuting point was found, but no admissible value of every symbol"])
            outcome = complete
            counterexample = _counterexample_values(statement, outcome)
            point = outcome.point or {}
            for s in problem.substitutions:  # the assumed name's value at the point, exact
                if s.fresh is None:
                    counterexample["point"][s.name] = sp.sstr(evaluated(s.value))
                elif s.fresh in point and (value := sp.sympify(evaluated(s.value).xreplace(  # b <= a: a's value too
                        {k: sp.sympify(v) for k, v in point.items()}))).is_number:
                    counterexample["point"][s.name] = sp.sstr(evaluated(value))
        return CheckResult(verdict, outcome.method, sp.sstr(statement.lhs), sp.sstr(statement.rhs), problem.relation,
                           time.perf_counter() - start, counterexample, outcome.steps, [*problem.notes, *extra])

    search = Counterexample(index_upper=problem.index_upper, trials=12, domain=tuple(pending),
                            extra_values=threshold_values(statement))
    # where no proof completes: more points, the climb, and sizes up to 32 (H_n <= 3 fails from n = 11 on only); first the
    # points where a strict relation in one variable may fail by equality (tangency_points)
    thorough_search = replace(search, trials=80, seed_offset=1, descend=True, large_sizes=THOROUGH_SIZES, large_trials=6,
                              hints=tangency_points(statement))
    quick = search.run(statement)
    if quick.status is Status.REFUTED:
        return result(quick, "refuted")
    if pending:
        where = "; ".join(c.text() for c in pending)
        fresh = {s.fresh: s.name for s in problem.substitutions if s.fresh is not None}
        ranged = sorted({fresh[v] for c in pending for v in evaluated(c.expr).free_symbols if v in fresh})
        how = f"narrow the assumed range of {', '.join(ranged)}" if ranged else "state that with --assume"
        refined = _refinement(pending, problem) if refine and not ranged else None  # a range's fresh symbol is no name to assume
        if refined is not None and refined != problem.assumptions:
            restricted = decide(parse_problem(*problem.texts, problem.relation, refined, ranges=problem.ranges,
                                              declared=problem.declared), refine=False)
            if restricted.verdict == "refuted":
                return replace(restricted, notes=[*restricted.notes, f"the counterexample lies where both sides are defined ({where})"])
            if restricted.verdict == "proved":
                return result(Outcome(Status.UNPROVED, "proved only where both sides are defined", restricted.steps), "unknown", [
                    f"a side is undefined over the reals unless {where}; "
                    f"with {_assume_text(refined, problem.assumptions)} the statement is proved"])
        # the climb too: where the drawn values miss a narrow domain (logit(p) >= 0 is defined for 0 < p < 1
        # only, and fails there below 1/2), it proposes points inside it; each is confirmed as any other
        thorough = thorough_search.run(statement)
        if thorough.status is Status.REFUTED:
            return result(thorough, "refuted")
        return result(Outcome(Status.UNPROVED, "undefined for some values", []), "unknown",
                      [f"a side is undefined over the reals unless {where}; {how}"])
    last = quick
    smooth = not evaluate(statement).has(*_NOT_SMOOTH)
    for strategy in (_proof_strategies(statement, problem.indices, problem.upper, problem.bounds) if smooth else []):
        try:
            outcome = strategy.run(statement)
        except Exception as exc:  # noqa: BLE001 - a strategy that fails inside SymPy has not proved; the others still run
            outcome = Outcome(Status.UNPROVED, "error", [f"{type(exc).__name__}: {exc}"])
        if outcome.status is Status.PROVED:
            cross_examine(f"'{sp.sstr(statement)}'", statement, outcome, trials=10, index_upper=problem.index_upper)
            return result(outcome, "proved")
        last = outcome
    thorough = thorough_search.run(statement)
    if thorough.status is Status.REFUTED:
        return result(thorough, "refuted")
    extra = [] if smooth else ["a derivative of Abs/Max/Min is not defined at the kink: no proof attempted"]
    return result(Outcome(Status.UNPROVED, last.method, last.steps), "unknown", extra)


THOROUGH_SIZES = (8, 16, 32)  # the sizes the search tries last, after 2, 3, 1, 4
TANGENCY_OPS = 60  # the largest derivative (SymPy's count_ops) whose zeros tangency_points seeks
TANGENCY_POINTS = 8  # ... and the most of them it offers


def tangency_points(statement: Basic) -> tuple[dict[Basic, object], ...]:
    r"""Where a strict inequality in one real variable may fail by equality: the real zeros of the derivative of
    lhs - rhs that the variable's assumptions admit. Where the non-strict relation holds, a point inside the domain
    where lhs - rhs is 0 is a minimum, so a zero of its derivative wherever it is differentiable (the domain's ends are
    among the drawn values): :math:`x \log x > -1/e` fails at :math:`x = 1/e`, which no rational point reaches. Only
    candidates, tried first by the thorough search: each is confirmed as a drawn point is (an Arb enclosure, or an
    exact zero that SymPy reduces to 0, :func:`~softproof.derive.engine.refute.difference_value`). Nothing (no hint)
    for other relations, several variables, sums, kinks (Abs, Max, Min, Piecewise), a derivative larger than
    :data:`TANGENCY_OPS`, or zeros SymPy does not find as a finite set of at most :data:`TANGENCY_POINTS`."""
    if not isinstance(statement, (sp.Lt, sp.Gt)):
        return ()
    difference = statement.lhs - statement.rhs
    if difference.has(sp.Indexed, sp.Sum, sp.Product, sp.Limit, sp.Derivative, sp.Abs, sp.Max, sp.Min, sp.Piecewise):
        return ()
    free = difference.free_symbols
    if len(free) != 1:
        return ()
    (x,) = free
    if x.is_integer or x.is_real is False:
        return ()
    try:
        if sp.count_ops(difference.diff(x)) > TANGENCY_OPS:
            return ()
        zeros = critical_points(difference, x, sp.S.Reals)
    except (NotImplementedError, ValueError, TypeError, AttributeError, RecursionError):
        return ()
    if not isinstance(zeros, sp.FiniteSet) or len(zeros) > TANGENCY_POINTS:
        return ()
    return tuple({x: zero} for zero in zeros if zero.is_real and admissible(x, zero))


ADMISSIBLE = (sp.Integer(1), sp.Integer(2), sp.Integer(-1), sp.Integer(0), sp.Rational(1, 2), sp.Integer(-2))


def _complete_point(outcome: Outcome, problem: Problem) -> Outcome | None:
    """The counterexample with a value for every symbol of the statement as written.

    A symbol can evaluate away (``b*0``) and so be absent from the refuting point; the statement is
    about every value of it, so any admissible value completes the counterexample, provided every
    definedness condition still holds there (certified). ``None`` when no tried value does.
    """
    assert outcome.point is not None and outcome.counterexample is not None
    point = dict(outcome.point)
    added: dict[str, str] = {}
    for symbol in problem.symbols:
        if symbol in point:
            continue
        value = next((v for v in ADMISSIBLE if admissible(symbol, v)), None)
        if value is None:
            return None
        point[symbol] = value
        added[symbol.name] = sp.sstr(value)
    if not added:
        return outcome
    if not all(holds_at(c, point) for c in problem.domain):
        return None
    return replace(outcome, point=point, counterexample={**outcome.counterexample, **added})


def _counterexample_values(statement: Basic, outcome: Outcome) -> dict[str, Any]:
    """The point as text, and both sides to 50 digits from rigorous enclosures."""
    assert outcome.counterexample is not None and outcome.point is not None
    values = {side: side_value(expr, outcome.point, 50) for side, expr in (("lhs_value", statement.lhs), ("rhs_value", statement.rhs))}
    values["difference"] = difference_value(statement.lhs - statement.rhs, outcome.point, 20)
    return {"point": {k: v for k, v in outcome.counterexample.items() if k != "evidence"}, **values}

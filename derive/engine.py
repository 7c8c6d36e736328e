r"""The proof engine: strategies that turn a SymPy statement into a verdict.

A *statement* is a SymPy boolean: ``Eq(lhs, rhs)``, a relational
(``<=``, ``<``, ``>=``, ``>``), ``Eq(Limit(...), value)`` or an ``And`` of
these.  Free symbols are universally quantified under their SymPy
assumptions (``real``, ``positive``, ``integer``...), plus what a strategy
states explicitly (``size_lower_bounds``, index ranges).

Verdicts:

* ``proved`` -- a symbolic argument SymPy completed (a difference simplified
  to zero, a limit computed, a sign established by :mod:`softproof.derive.inequalities`,
  an interval enclosure for a decimal claim).
* ``refuted`` -- a concrete point at which the statement is false: both sides
  are real there and an Arb enclosure of their difference excludes the
  relation (:mod:`softproof.derive.enclosure`).
* ``unproved`` -- neither; honest and counted.

Numeric evaluation never yields ``proved``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Protocol

import mpmath
import sympy as sp
from sympy import Basic, Expr

from . import enclosure

if TYPE_CHECKING:
    from .domain import Condition
from .inequalities import SignProver
from .sums import evaluate, expand_special, instantiate, normal_form, numerically_nonzero, resolve_index_ranges, sample_point

__all__ = [
    "Status",
    "Outcome",
    "Strategy",
    "Simplify",
    "Sign",
    "LimitOf",
    "Squeeze",
    "Counterexample",
    "ForEachN",
    "EachPart",
    "CaseSplit",
    "RealValued",
    "Enclosure",
    "PolynomialEnclosure",
    "AtanhEnclosure",
    "side_value",
    "SoundnessError",
    "EDGE_VALUES",
    "cross_examine",
]



class Status(str, Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNPROVED = "unproved"

    def __str__(self) -> str:
        return self.value


@dataclass
class Outcome:
    status: Status
    method: str
    steps: list[str] = field(default_factory=list)
    counterexample: dict[str, str] | None = None
    point: Mapping[Basic, object] | None = None


class Strategy(Protocol):
    """Anything that can try to decide a statement."""

    def run(self, statement: Basic) -> Outcome: ...


def _parts(statement: Basic) -> list[Basic]:
    if isinstance(statement, sp.And):
        return list(statement.args)
    return [statement]


def _tex(e: Basic) -> str:
    return f"${sp.latex(e)}$"


# ---------------------------------------------------------------- identities
@dataclass(frozen=True)
class Simplify:
    r"""Prove ``Eq(lhs, rhs)`` by reducing :math:`\mathrm{lhs} - \mathrm{rhs}` to 0.

    ``indices`` are free indices known to lie in ``1..upper`` (resolves the
    ``Piecewise`` that derivatives of sums produce).  ``rewrite`` is an optional
    intermediate form (a derivation step), proved equal to both sides.
    """

    indices: tuple[sp.Symbol, ...] = ()
    upper: Expr | None = None
    substitutions: tuple[tuple[Basic, Basic], ...] = ()
    why_substitutions: str = ""
    facts: tuple[tuple[Basic, Basic], ...] = ()

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        if self.facts:
            steps.append("using " + ", ".join(f"${sp.latex(k)} = {sp.latex(v)}$" for k, v in self.facts))
        for part in _parts(statement):
            if part is sp.true:
                steps.append("SymPy evaluates the statement to True (both sides are the same expression)")
                continue
            if not isinstance(part, sp.Eq):
                return Outcome(Status.UNPROVED, "simplify", [f"not an equation: {_tex(part)}"])
            lhs, rhs = part.lhs, part.rhs
            if self.substitutions:
                subs = dict(self.substitutions)
                lhs, rhs = lhs.xreplace(subs).doit(), rhs.xreplace(subs).doit()
                steps.append(
                    "substitute "
                    + ", ".join(f"{_tex(k)} $\\to$ {_tex(v)}" for k, v in self.substitutions)
                    + (f" ({self.why_substitutions})" if self.why_substitutions else "")
                )
            if not self.facts:
                witness = numerically_nonzero(lhs - rhs)
                if witness is not None:
                    steps.append(f"the two sides differ numerically at {_point_text(witness)}; no symbolic proof attempted")
                    return Outcome(Status.UNPROVED, "simplify", steps)
            residual = normal_form(lhs - rhs, self.indices, self.upper, dict(self.facts))
            if residual == 0:
                steps.append(f"{_tex(lhs)} $-$ {_tex(rhs)} simplifies to $0$")
                continue
            inverse = (sp.atanh, sp.asinh, sp.acosh)
            if residual.has(*inverse):
                as_logs = sp.simplify(sp.expand_log(sp.simplify(residual.rewrite(sp.log))))
                if as_logs == 0:
                    steps.append(
                        f"{_tex(lhs)} $-$ {_tex(rhs)} $=$ {_tex(residual)}; written with logarithms "
                        r"($\operatorname{atanh} x = \frac12 \log\frac{1 + x}{1 - x}$, SymPy's definition) "
                        "and the logarithms expanded (arguments positive), it is $0$"
                    )
                    continue
            if _both_real(lhs, rhs) and normal_form(sp.exp(lhs) - sp.exp(rhs), self.indices, self.upper) == 0:
                steps.append(
                    rf"both sides are real and $e^{{\mathrm{{lhs}}}} - e^{{\mathrm{{rhs}}}}$ simplifies to $0$ "
                    rf"($\exp$ is injective on $\mathbb{{R}}$): {_tex(lhs)} $=$ {_tex(rhs)}"
                )
                continue
            steps.append(f"difference does not simplify to 0: {_tex(residual)}")
            return Outcome(Status.UNPROVED, "simplify", steps)
        return Outcome(Status.PROVED, "symbolic simplification", steps)


def _both_real(lhs: Expr, rhs: Expr) -> bool:
    from .sums import expand_special

    evaluated = [expand_special(e).doit() for e in (lhs, rhs)]
    return all(bool(e.is_extended_real) and bool(e.is_finite) for e in evaluated)


# -------------------------------------------------------------- inequalities
@dataclass(frozen=True)
class Sign:
    r"""Prove a relational by showing the sign of :math:`\mathrm{rhs} - \mathrm{lhs}`.

    ``substitutions`` rewrite the statement first (for instance the gap form
    :math:`x_i = m - d_i`, :math:`d_i \ge 0`); their justification is stated.
    """

    size_lower_bounds: tuple[tuple[sp.Symbol, int], ...] = ()
    substitutions: tuple[tuple[Basic, Basic], ...] = ()
    why_substitutions: str = ""
    indices: tuple[sp.Symbol, ...] = ()
    upper: Expr | None = None
    rewrite: Expr | None = None
    facts: tuple[tuple[Basic, Basic], ...] = ()

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        if self.substitutions:
            steps.append(
                "substitute "
                + ", ".join(f"{_tex(k)} $\\to$ {_tex(v)}" for k, v in self.substitutions)
                + (f" ({self.why_substitutions})" if self.why_substitutions else "")
            )
        for part in _parts(statement):
            if part is sp.true:
                steps.append("SymPy evaluates the statement to True from the assumptions")
                continue
            if not isinstance(part, (sp.Le, sp.Lt, sp.Ge, sp.Gt)):
                return Outcome(Status.UNPROVED, "sign analysis", [f"not an inequality: {_tex(part)}"])
            if self.substitutions:
                part = part.xreplace(dict(self.substitutions))
            strict = isinstance(part, (sp.Lt, sp.Gt))
            small, big = (part.lhs, part.rhs) if isinstance(part, (sp.Le, sp.Lt)) else (part.rhs, part.lhs)
            gap = evaluate(expand_special(big - small))
            if self.upper is not None:
                gap = resolve_index_ranges(gap, self.indices, self.upper)
            gap = sp.simplify(gap)
            if self.rewrite is not None:
                same = Simplify(self.indices, self.upper, facts=self.facts).run(sp.Eq(gap, self.rewrite))
                if same.status is not Status.PROVED:
                    return Outcome(Status.UNPROVED, "sign analysis", steps + same.steps)
                steps.append(f"rewrite the gap {_tex(gap)} as {_tex(self.rewrite)}")
                steps.extend(same.steps)
                gap = self.rewrite
            ranges = {k: (sp.Integer(1), self.upper) for k in self.indices} if self.upper is not None else {}
            prover = SignProver(dict(self.size_lower_bounds), index_ranges=ranges)
            ok = prover.positive(gap) if strict else prover.nonnegative(gap)
            if not ok:
                steps.append(f"could not establish the sign of {_tex(gap)}")
                return Outcome(Status.UNPROVED, "sign analysis", steps)
            steps.extend(prover.steps)
        return Outcome(Status.PROVED, "sign analysis (sum, monotonicity and calculus rules)", steps)


# -------------------------------------------------------------------- limits
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
            if sp.simplify(value - target) != 0:
                steps.append(f"the limit is {_tex(value)}, not {_tex(target)}")
                return Outcome(Status.UNPROVED, "limit", steps)
            steps.append(f"$\\lim = {sp.latex(value)}$")
        return Outcome(Status.PROVED, "limit (SymPy gruntz, finite-sum rule)", steps)


def _safe_limit(expr: Expr, var: sp.Symbol, point: Expr, direction: str) -> Expr | None:
    """SymPy's limit, or None where it gives up (for instance on a sign it cannot decide)."""
    try:
        value = sp.limit(expr, var, point, direction)
    except (NotImplementedError, ValueError, TypeError, RecursionError):
        return None
    if value.has(sp.Limit) or value.has(sp.AccumBounds) or value is sp.nan:
        return None
    return value


def _signed_placeholder(s: sp.Sum, lower: Mapping[sp.Symbol, int]) -> sp.Dummy:
    """A constant standing for a sum, with the sign the sign prover establishes."""
    if SignProver(lower).positive(s):
        return sp.Dummy("R", positive=True)
    if SignProver(lower).nonnegative(s):
        return sp.Dummy("R", nonnegative=True)
    return sp.Dummy("R", real=True)


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
    constants = {s: _signed_placeholder(s, lower or {}) for s in g.atoms(sp.Sum) if not s.has(var)}
    g_const = g.xreplace(constants)
    back = {v: k for k, v in constants.items()}
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


# ----------------------------------------------------------------- per n
@dataclass(frozen=True)
class ForEachN:
    """Prove for each concrete size in ``sizes`` with the sums expanded."""

    size: sp.Symbol
    sizes: tuple[int, ...]
    inner: Strategy

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        for value in self.sizes:
            concrete = statement.xreplace({self.size: value}).doit()
            out = self.inner.run(concrete)
            if out.status is not Status.PROVED:
                return Outcome(Status.UNPROVED, out.method, steps + [f"${sp.latex(self.size)} = {value}$: not shown"] + out.steps)
            steps.append(f"${sp.latex(self.size)} = {value}$: {out.method}")
        return Outcome(Status.PROVED, f"per size ({self.sizes[0]}..{self.sizes[-1]}), terms expanded", steps)


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
    ``inner`` must prove each case.
    """

    a: sp.Symbol
    b: Expr
    inner: Strategy

    def run(self, statement: Basic) -> Outcome:
        steps: list[str] = []
        t0 = sp.Dummy("t", nonnegative=True)
        t1 = sp.Dummy("t", positive=True)
        for label, value in ((r"\ge", self.b + t0), ("<", self.b - t1)):
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


@dataclass(frozen=True)
class Enclosure:
    r"""Prove a closed numeric inequality by interval arithmetic (``mpmath.iv``).

    Every operation rounds outward, so the computed interval contains the
    exact value: a rigorous proof, not a floating-point check.
    """

    digits: int = 70

    def run(self, statement: Basic) -> Outcome:
        if not isinstance(statement, (sp.Le, sp.Lt)) or statement.free_symbols:
            return Outcome(Status.UNPROVED, "interval arithmetic", ["not a closed inequality"])
        saved = mpmath.iv.dps
        mpmath.iv.dps = self.digits
        try:
            lhs = _interval(statement.lhs)
            rhs = _interval(statement.rhs)
            ok = lhs.b < rhs.a if isinstance(statement, sp.Lt) else lhs.b <= rhs.a
            step = (
                f"enclosures at {self.digits} digits: lhs $\\subseteq$ [{_end(lhs.a)}, {_end(lhs.b)}], "
                f"rhs $\\subseteq$ [{_end(rhs.a)}, {_end(rhs.b)}]"
            )
        finally:
            mpmath.iv.dps = saved
        status = Status.PROVED if ok else Status.UNPROVED
        return Outcome(status, "interval arithmetic (mpmath.iv, outward rounding)", [step])


def _end(end: object) -> str:
    """An interval end point (a point interval in ``mpmath.iv``) as 8 significant digits."""
    return mpmath.nstr(mpmath.mpf(getattr(end, "a", end)), 8)


def _interval(e: Basic) -> "mpmath.ctx_iv.ivmpf":  # type: ignore[name-defined]
    iv = mpmath.iv
    if e.is_Rational:
        return iv.mpf(int(e.p)) / int(e.q)
    if e is sp.E:
        return iv.e
    if e.is_Add:
        out = iv.mpf(0)
        for a in e.args:
            out = out + _interval(a)
        return out
    if e.is_Mul:
        out = iv.mpf(1)
        for a in e.args:
            out = out * _interval(a)
        return out
    if e.is_Pow and e.exp.is_Integer:
        return _interval(e.base) ** int(e.exp)
    if isinstance(e, sp.exp):
        return iv.exp(_interval(e.args[0]))
    if isinstance(e, sp.log):
        return iv.log(_interval(e.args[0]))
    if isinstance(e, sp.Abs):
        inner = _interval(e.args[0])
        lo, hi = inner.a, inner.b
        if lo >= 0:
            return inner
        if hi <= 0:
            return -inner
        return iv.mpf([0, max(-lo, hi)])
    raise ValueError(f"no interval rule for {e!r}")


# ------------------------------------------------------------ refutations
def side_value(expr: Basic, point: Mapping[Basic, object], digits: int = 50) -> str:
    """The value of ``expr`` at ``point`` to ``digits`` digits, from a rigorous enclosure."""
    try:
        return enclosure.text(instantiate(expr, point), digits)  # type: ignore[arg-type]
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
        elem = instantiate(rel.args[0], point)  # type: ignore[arg-type]
        try:
            enclosure.sign(elem)
        except enclosure.NotReal:
            return True, f"{sp.latex(rel.args[0])} evaluates to {elem}, which is not a real number"
        except enclosure.Unsupported:
            return False, ""
        return False, ""
    if not isinstance(rel, (sp.Eq, sp.Le, sp.Lt, sp.Ge, sp.Gt)):
        return False, ""
    lhs = instantiate(rel.lhs, point)  # type: ignore[arg-type]
    rhs = instantiate(rel.rhs, point)  # type: ignore[arg-type]
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
        for size in (2, 3, 1, 4):
            for trial in range(self.trials):
                seed = 1000 * size + trial + 100_000 * self.seed_offset
                point = sample_point(statement, seed, size, self.values or _CANDIDATES, dict(self.index_upper),
                                     tie=trial % 5 == 1)
                if any(int(point.get(sym, bound)) < bound for sym, bound in lower.items()):  # type: ignore[call-overload]
                    break
                yield point

    def run(self, statement: Basic) -> Outcome:
        from .domain import holds_at

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


def _on_symmetric_interval(statement: Basic, var: sp.Symbol) -> tuple[Expr, sp.Rational] | None:
    """``Piecewise((Abs(e), Abs(var) <= R), (0, True)) <= B`` with B free of symbols -> (e, R); else None.

    The statement shape of the enclosure strategies: the domain is part of the statement."""
    if not isinstance(statement, sp.Le) or statement.rhs.free_symbols or not isinstance(statement.lhs, sp.Piecewise):
        return None
    (inner, condition), rest = statement.lhs.args[0], statement.lhs.args[1:]
    if not (isinstance(condition, sp.Le) and condition.lhs == sp.Abs(var) and condition.rhs.is_Rational
            and len(rest) == 1 and rest[0].expr == 0 and isinstance(inner, sp.Abs)):
        return None
    return inner.args[0], condition.rhs


@dataclass(frozen=True)
class PolynomialEnclosure:
    r"""Prove :math:`|P(r)\,e^{-r} - 1| \le B` for every :math:`|r| \le R` (relative error of P as exp).

    The statement reads ``Piecewise((Abs(P(r)*exp(-r) - 1), Abs(r) <= R), (0, True)) <= B``:
    the domain is part of the statement, which is then true for every real ``r``.
    Rigorous: ``[-R, R]`` is cut into ``pieces`` subintervals of centre :math:`c` and
    radius :math:`h`. On each, :math:`P(c + t)` is expanded exactly (rational
    arithmetic) and :math:`e^{-c-t} = e^{-c}\sum_{j \le K} (-t)^j/j! + R_K` with
    :math:`|R_K| \le e^{-c} e^{h} h^{K+1}/(K+1)!`; every coefficient of the product is
    enclosed in ``mpmath.iv`` (outward rounding) and :math:`|t|^j \le h^j`.
    """

    var: sp.Symbol
    pieces: int = 64
    order: int = 24
    digits: int = 60

    def run(self, statement: Basic) -> Outcome:
        method = f"Taylor enclosure on {self.pieces} subintervals (mpmath.iv, outward rounding)"
        shape = ["not of the form Piecewise((|P(r) exp(-r) - 1|, |r| <= R), (0, True)) <= B"]
        parts = _on_symmetric_interval(statement, self.var)
        if parts is None:
            return Outcome(Status.UNPROVED, method, shape)
        error, radius = parts
        lo, hi = -radius, radius
        poly = sp.expand((error + 1) * sp.exp(self.var))
        if not poly.is_polynomial(self.var):
            return Outcome(Status.UNPROVED, method, ["the left side is not |P(r) exp(-r) - 1| with P a polynomial"])
        coeffs = [sp.Rational(c) for c in reversed(sp.Poly(poly, self.var).all_coeffs())]  # low degree first
        iv = mpmath.iv
        saved = iv.dps
        iv.dps = self.digits
        try:
            bound = _interval(statement.rhs)
            worst = iv.mpf(0)
            width = (hi - lo) / self.pieces
            for piece in range(self.pieces):
                c = lo + width * piece + width / 2
                h = iv.mpf(int((width / 2).p)) / int((width / 2).q)
                worst = max(worst, self._piece_bound(coeffs, c, h), key=lambda v: v.b)
            ok = worst.b <= bound.a and bound.a >= 0
            step = (
                f"on every piece of $[{lo}, {hi}]$, $|P(r)e^{{-r}} - 1| \\le$ {_end(worst.b)} "
                f"(enclosure upper end), below the bound {_end(bound.a)}; outside, the left side is 0"
            )
        finally:
            iv.dps = saved
        return Outcome(Status.PROVED if ok else Status.UNPROVED, method, [step])

    def _piece_bound(self, coeffs: list[sp.Rational], c: sp.Rational, h: "mpmath.ctx_iv.ivmpf") -> "mpmath.ctx_iv.ivmpf":  # type: ignore[name-defined]
        iv = mpmath.iv
        t = sp.Symbol("t")
        shifted = sp.Poly(sum(a * (c + t) ** p for p, a in enumerate(coeffs)), t).all_coeffs()[::-1]
        p_t = [iv.mpf(int(sp.Rational(a).p)) / int(sp.Rational(a).q) for a in shifted]
        decay = iv.exp(-(iv.mpf(int(c.p)) / int(c.q)))
        series = [iv.mpf((-1) ** j) / mpmath.factorial(j) for j in range(self.order + 1)]
        product = [iv.mpf(0)] * (len(p_t) + self.order)
        for i, a in enumerate(p_t):
            for j, b in enumerate(series):
                product[i + j] += a * b
        product = [decay * v for v in product]
        product[0] -= 1
        total = iv.mpf(0)
        for j, v in enumerate(product):
            total += iv.mpf([0, max(abs(v.a), abs(v.b))]) * h**j
        p_abs = iv.mpf(0)
        for j, v in enumerate(p_t):
            p_abs += iv.mpf([0, max(abs(v.a), abs(v.b))]) * h**j
        remainder = decay * iv.exp(h) * h ** (self.order + 1) / mpmath.factorial(self.order + 1) * p_abs
        return total + iv.mpf([0, remainder.b])


@dataclass(frozen=True)
class AtanhEnclosure:
    r"""Prove :math:`|N(s)/(2\operatorname{atanh} s) - 1| \le B` for every :math:`|s| \le S`, N an odd polynomial.

    The statement reads ``Piecewise((Abs(N(s)/(2*atanh(s)) - 1), Abs(s) <= S), (0, True)) <= B``.
    Rigorous, in exact rational arithmetic: with :math:`2\operatorname{atanh} s =
    \sum_{k \ge 0} 2 s^{2k+1}/(2k+1)` and :math:`N(s) = \sum_k n_k s^{2k+1}`, the error is
    :math:`s\,(E(z) - \tau(z))`, :math:`z = s^2`, :math:`E(z) = \sum_{k \le K}(n_k - 2/(2k+1)) z^k`
    and the tail :math:`0 \le \tau(z) = \sum_{k > K} 2 z^k/(2k+1) \le 2 Z^{K+1}/((2K+3)(1 - Z))`.
    Since :math:`|\operatorname{atanh} s| \ge |s|`, the relative error is at most
    :math:`(|E(z)| + \tau(z))/2`. :math:`|E|` is bounded on ``pieces`` subintervals of
    :math:`[0, Z]` by expanding :math:`E(c + t)` exactly and summing :math:`|a_j| h^j`.
    """

    var: sp.Symbol
    pieces: int = 64
    terms: int = 40  # K >= terms: the series terms kept inside E, so that the tail is negligible

    def run(self, statement: Basic) -> Outcome:
        from fractions import Fraction

        method = f"odd Taylor series of atanh, |E(z)| on {self.pieces} subintervals (exact rationals)"
        shape = ["not of the form Piecewise((|N(s)/(2 atanh(s)) - 1|, |s| <= S), (0, True)) <= B"]
        parts = _on_symmetric_interval(statement, self.var)
        if parts is None or not statement.rhs.is_Rational:
            return Outcome(Status.UNPROVED, method, shape)
        error, interval_radius = parts
        radius = Fraction(int(interval_radius.p), int(interval_radius.q))
        numerator = sp.expand((error + 1) * 2 * sp.atanh(self.var))
        if radius >= 1 or not numerator.is_polynomial(self.var):
            return Outcome(Status.UNPROVED, method, ["N is not a polynomial, or S >= 1"])
        coeffs = [Fraction(int(sp.Rational(c).p), int(sp.Rational(c).q))
                  for c in reversed(sp.Poly(numerator, self.var).all_coeffs())]  # low degree first
        if any(c != 0 for c in coeffs[0::2]):
            return Outcome(Status.UNPROVED, method, ["N is not odd"])
        odd = coeffs[1::2]
        top = max(len(odd) - 1, self.terms)  # the series is kept up to z^top, the rest bounded as the tail
        odd += [Fraction(0)] * (top + 1 - len(odd))
        error = [n_k - Fraction(2, 2 * k + 1) for k, n_k in enumerate(odd)]
        z_max = radius * radius
        tail = Fraction(2) * z_max ** (top + 1) / ((2 * top + 3) * (1 - z_max))
        width = z_max / self.pieces
        h = width / 2
        worst = Fraction(0)
        for piece in range(self.pieces):
            centre = width * piece + h
            # coefficients of E(centre + t) in t (Horner's shift, exact)
            shifted = [Fraction(0)] * len(error)
            for e_k in reversed(error):
                for j in range(len(shifted) - 1, 0, -1):
                    shifted[j] = shifted[j] * centre + shifted[j - 1]
                shifted[0] = shifted[0] * centre + e_k
            worst = max(worst, sum(abs(a) * h**j for j, a in enumerate(shifted)))
        total = (worst + tail) / 2
        bound = Fraction(int(statement.rhs.p), int(statement.rhs.q))
        step = (
            f"on $|s| \\le {interval_radius}$: $|E(z)| \\le$ {float(worst):.8g}, tail $\\le$ {float(tail):.3g}, "
            f"relative error $\\le$ {float(total):.8g} (upper bound), below {float(bound):.8g}; outside, the left side is 0"
        )
        return Outcome(Status.PROVED if total <= bound else Status.UNPROVED, method, [step])

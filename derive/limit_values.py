r"""Limits in ``check``'s statements: each ``limit(f, v, a)`` is replaced by its value before the decision.

A user writes ``limit(f, T, oo)``, ``limit(f, T, 0, '+')`` or ``limit(f, T, 0)`` (two-sided at a finite
point). :func:`eliminate_limits` writes :math:`v = a + h` (``'+'``), :math:`a - h` (``'-'``), :math:`1/h`
(:math:`+\infty`) or :math:`-1/h` (:math:`-\infty`) with a positive :math:`h \to 0^+`, and computes

* the value :math:`V` by SymPy's Gruntz algorithm on exp-log functions, sums of a number of terms that does
  not depend on :math:`h` by the finite-sum rule of :class:`~softproof.derive.engine.LimitOf` (the limit of such
  a sum is the sum of its terms' finite limits). Gruntz raises rather than guess where the answer depends on
  the sign of a parameter (``exp(a/T)`` as :math:`T \to 0^+`); the limit is then not eliminated and the
  verdict is at best ``unknown`` (``--assume`` the sign). Where Gruntz gives up and the order of the scalars
  does not decide (:func:`_by_order`), a quotient of functions smooth at :math:`h = 0` by its derivatives there
  (:mod:`~softproof.derive.smooth_limits`, with its soundness argument: Taylor's theorem). Two-sided: both
  one-sided limits, equal.
* that :math:`f` is defined near the point: each definedness condition of :math:`f` that involves :math:`v` must
  hold for every small :math:`h > 0` -- proved by the sign rules for every :math:`h > 0` (``T != 0`` of
  ``x/T``), or by :math:`\lim_{h \to 0^+} \operatorname{sign}(c(h)) = 1` (a sign is a step function: its limit
  is 1 only if it is 1 for every small :math:`h`). A condition without :math:`v` is an ordinary condition of
  the statement.
* a numeric cross-examination (defence in depth, never a proof): at drawn values of the other symbols,
  :math:`f(h)` at :math:`h = 2^{-24}` and :math:`2^{-48}` (60 digits) must approach :math:`V` (within
  :math:`10^{-6}` relative at the nearer). A disagreement, or no point at which both evaluate, keeps the
  limit (verdict ``unknown``): SymPy's answer is not taken on trust where it cannot be seen.

Soundness of the replacement: where the limit exists and equals :math:`V` for every admissible value of the
other symbols, the statement with :math:`V` in its place is the same statement; a proof of it is a proof of the
original, a counterexample to it (certified by enclosures of :math:`V`'s expression) a counterexample to the
original. A value that is not a finite real number (``oo``) is not substituted (``check`` decides real
statements).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import sympy as sp
from sympy import Basic, Expr

from .domain import Condition, conditions, follows, sign_form
from .engine.limits import SYMPY_ERRORS, _limit_with_finite_sums, ordered_exponentials
from .engine.sampling import instantiate, sample_point
from .smooth_limits import limit_by_derivatives
from .sums import evaluate
from .translator import evaluated

__all__ = ["Elimination", "eliminate_limits"]

_PROBES = (sp.Rational(1, 2**24), sp.Rational(1, 2**48))
_TOLERANCE = sp.Float("1e-6")


@dataclass
class Elimination:
    """The sides with every limit replaced (where each could be), what was found, and why a limit stayed."""

    sides: list[Basic]
    notes: list[str] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)  # conditions of the limits' bodies without v
    blocked: list[str] = field(default_factory=list)  # why a limit could not be replaced: verdict at best unknown


def eliminate_limits(sides: Sequence[Basic]) -> Elimination:
    """Replace each ``Limit`` of the (unevaluated) sides by its value, innermost first (see the module docstring)."""
    out = Elimination(list(sides))
    if not any(side.has(sp.Limit) for side in sides):
        return out
    memo: dict[Basic, Basic] = {}

    def replace(e: Basic) -> Basic:
        if not e.args:
            return e
        args = tuple(replace(a) for a in e.args)
        rebuilt = e.func(*args, evaluate=False) if isinstance(e, (sp.Add, sp.Mul, sp.Pow)) else e.func(*args)
        if not isinstance(e, sp.Limit):
            return rebuilt
        if rebuilt not in memo:
            with sp.evaluate(True):  # the computation itself on evaluated expressions
                try:
                    memo[rebuilt] = _value(rebuilt, out)
                except SYMPY_ERRORS as exc:
                    out.blocked.append(f"{sp.sstr(_plain(rebuilt))}: SymPy could not work with it ({type(exc).__name__})")
                    memo[rebuilt] = rebuilt
        return memo[rebuilt]

    with sp.evaluate(False):
        out.sides = [replace(side) for side in sides]
    return out


def _plain(e: Basic) -> Basic:
    """``e`` with each dummy (a limit's variable) shown by its name."""
    return e.xreplace({d: sp.Symbol(d.name, real=True) for d in e.atoms(sp.Dummy)})


def _approach(point: Expr, side: str, h: sp.Symbol) -> Expr:
    """Where v goes as h -> 0+: a + h, a - h, 1/h or -1/h."""
    if point == sp.oo:
        return 1 / h
    if point == -sp.oo:
        return -1 / h
    return point + h if side == "+" else point - h


def _value(lim: sp.Limit, out: Elimination) -> Basic:
    """The value of one limit, or the limit itself (with a reason in ``out.blocked``)."""
    body, var, point, direction = lim.args
    # for the notes: T, not the dummy _T (of this limit or an enclosing one)
    folded = evaluated(body)
    plain = _plain(folded)
    written = conditions(body)  # as written, before derivatives are taken
    smooth = evaluate(folded)  # derivatives (by v too) taken before v moves
    shown = f"limit({sp.sstr(plain)}, {var.name}, {sp.sstr(point)}" + (f", '{direction}')" if point.is_finite else ")")
    h = sp.Dummy("h", positive=True)
    sides = ("+", "-") if str(direction) == "+-" and point.is_finite else (str(direction),)
    if not point.is_finite:
        sides = ("+",)  # v = +-1/h: one way in
    values: list[Expr] = []
    how = f"SymPy's Gruntz algorithm{', finite-sum rule' if body.has(sp.Sum) else ''}"
    for side in sides:
        approach = _approach(point, side, h)
        g = smooth.xreplace({var: approach})
        reason = _defined_near(written, var, approach, out)
        if reason is not None:
            out.blocked.append(f"{shown}: {reason}")
            return lim
        value, failure = _limit_of(g, h)
        if value is None:
            value = _by_order(g, h)
        if value is None and (by_derivatives := limit_by_derivatives(g, h)) is not None:
            value, order = by_derivatives
            how = "continuity at h = 0" if order == 0 else f"the quotient's derivatives of order {order} at h = 0"
        if value is None:
            out.blocked.append(f"{shown}: SymPy could not compute it ({failure})")
            return lim
        values.append(value)
    value = values[0]
    if len(values) == 2 and sp.simplify(values[0] - values[1]) != 0:
        out.blocked.append(f"{shown}: the one-sided limits differ ({sp.sstr(values[0])} from the right, "
                           f"{sp.sstr(values[1])} from the left): no limit")
        return lim
    if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan, sp.I) or value.is_real is False:
        out.blocked.append(f"{shown}: the limit is {sp.sstr(value)}, not a finite real number")
        return lim
    for side in sides:
        disagreement = _numeric_disagreement(smooth.xreplace({var: _approach(point, side, h)}), h, value)
        if disagreement is not None:
            out.blocked.append(f"{shown}: SymPy's value {sp.sstr(value)} is not confirmed numerically ({disagreement})")
            return lim
    out.notes.append(f"{shown} = {sp.sstr(_plain(value))} ({how}; f defined near the point; "
                     f"approached numerically at drawn values)")
    return value


def _limit_of(g: Expr, h: sp.Symbol) -> tuple[Expr | None, str]:
    """The limit of g as h -> 0+ by the first of its forms (:func:`_forms`) that SymPy computes, or why none."""
    failure = "it may depend on the sign or the order of symbols: --assume a sign"
    for form in _forms(g):
        if not ordered_exponentials(form, h, sp.Integer(0), "+"):
            failure = "exponentials whose order of growth depends on the symbols"
            continue
        try:
            value = _limit_with_finite_sums(form, h, sp.Integer(0), "+", [])
        except SYMPY_ERRORS as exc:
            failure = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            continue
        if value is not None:
            return value, failure
    return None, failure


_MAX_ORDERED = 3  # scalars split by their order with 0 and each other: 3 weak orders for one, 13 for two, 75 for three


def _weak_orders(items: list[Expr]) -> list[list[list[Expr]]]:
    """Every ordered partition of ``items`` (a weak order: groups of equal values, increasing)."""
    if not items:
        return [[]]
    first, rest = items[0], items[1:]
    out = []
    for order in _weak_orders(rest):
        for k in range(len(order)):  # first joins a group ...
            out.append([*order[:k], [first, *order[k]], *order[k + 1:]])
        for k in range(len(order) + 1):  # ... or stands alone between two
            out.append([*order[:k], [first], *order[k:]])
    return out


def _by_order(g: Expr, h: sp.Symbol) -> Expr | None:
    r"""The limit where it depends on the order of g's real scalars with 0 and each other: one closed form
    that fits every region (as T :math:`\to 0^+`: :math:`T \log(e^{a/T} + e^{b/T}) \to \max(a, b)`), else a
    ``Piecewise`` over the regions.

    Each weak order of :math:`\{0, a, b\}` is a region of the plane; in it the scalars are written from the
    group of 0 outwards, each group the one before plus (or minus) a fresh positive :math:`d_k`: a one-to-one
    map of :math:`d \in (0, \infty)^k` onto the region, so the limit computed for every positive d (signs known:
    Gruntz decides) is the limit on the whole region, written back with :math:`d_k` the difference of the
    groups. The regions partition the space, so the pieces cover every value (the last is ``True``). At most
    :data:`_MAX_ORDERED` scalars (a vector's entries at fixed positions count), none with a sign assumption that a region contradicts (those regions are
    empty and skipped); any region SymPy cannot do leaves the limit undecided (None)."""
    entries = g.atoms(sp.Indexed)  # a vector's entries at fixed positions (x[1], x[2]) are scalars too
    if any(not ix.indices[0].is_Integer for ix in entries):
        return None
    labels = {ix.base.label for ix in entries}
    scalars = sorted([*(v for v in g.free_symbols if isinstance(v, sp.Symbol) and v != h and v not in labels
                        and v.is_real and not v.is_integer), *entries], key=sp.default_sort_key)
    if not 1 <= len(scalars) <= _MAX_ORDERED:
        return None
    regions: list[tuple[dict[sp.Symbol, Expr], Expr, dict[sp.Symbol, Expr], Basic]] = []  # map from d, value, d back, where
    zero = sp.Integer(0)
    for order in _weak_orders([zero, *scalars]):
        base = next(k for k, group in enumerate(order) if zero in group)
        level: dict[int, Expr] = {base: zero}
        gaps: dict[sp.Symbol, Expr] = {}
        for k in [*range(base + 1, len(order)), *range(base - 1, -1, -1)]:
            d = sp.Dummy(f"d{k}", positive=True)
            near = k - 1 if k > base else k + 1
            level[k] = level[near] + d if k > base else level[near] - d
            gaps[d] = order[k][0] - order[near][0] if k > base else order[near][0] - order[k][0]
        mapping = {v: level[k] for k, group in enumerate(order) for v in group if v != zero}
        if any((v.is_positive and not mapping[v].is_positive) or (v.is_negative and not mapping[v].is_negative)
               or (v.is_nonnegative and not mapping[v].is_nonnegative) or (v.is_nonpositive and not mapping[v].is_nonpositive)
               for v in scalars):
            continue  # a region the assumptions exclude
        inside = g.xreplace(mapping)
        value, _ = _limit_of(inside, h)
        if value is None or value.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or not _holds_across(inside, h, value, list(gaps)):
            return None
        region = sp.And(*(sp.Eq(v, group[0]) for group in order for v in group[1:]),
                        *(sp.StrictGreaterThan(order[k][0], order[k - 1][0]) for k in range(1, len(order))))
        regions.append((mapping, value, gaps, region))
    if not regions:
        return None
    # one closed form where one fits every region: 0, a scalar or its negation, or a max or min of them
    # (T log(e^(a/T) + e^(b/T)) -> max(a, b)); each candidate compared with the region's value on that region,
    # where the signs are known (so Max and Min evaluate); a candidate that fits every region is the limit there
    items = [zero, *scalars, *(-v for v in scalars)]
    candidates = [*items] + [kind(*chosen) for size in range(2, len(items) + 1)
                             for chosen in itertools.combinations(items, size) for kind in (sp.Max, sp.Min)]
    for candidate in candidates:
        if all(sp.expand(candidate.xreplace(mapping) - value) == 0 for mapping, value, _, _ in regions):
            return candidate
    merged: dict[Expr, list[Basic]] = {}  # equal values (written back): one piece, its regions joined
    for _, value, gaps, region in regions:
        merged.setdefault(sp.simplify(value.xreplace(gaps)), []).append(region)
    if len(merged) == 1:
        return next(iter(merged))
    joined = [(value, sp.Or(*where)) for value, where in merged.items()]
    return sp.Piecewise(*joined[:-1], (joined[-1][0], True))


_GAP_VALUES = (sp.Rational(1, 8), sp.Rational(1, 2), sp.Rational(3, 2), sp.Integer(4), sp.Integer(20))


def _holds_across(g: Expr, h: sp.Symbol, value: Expr, gaps: list[sp.Symbol]) -> bool:
    r"""Defence in depth for one region: g at h = 2^-24, 2^-48 approaches ``value`` at gaps spread over the
    scales (each gap 1/8, 1/2, 3/2, 4, 20 in turn, and the gaps unequal), the other symbols drawn. Gruntz
    compares exponentials whose exponents hold symbols as if their ratio were generic: with d > 0 it gives
    :math:`\lim h \log(e^{-d/h} + e^{-1/h}) = -1`, true only for d > 1; the gaps below 1 show it."""
    tuples = [[v] * len(gaps) for v in _GAP_VALUES]
    if len(gaps) > 1:
        tuples += [[_GAP_VALUES[(k + shift) % len(_GAP_VALUES)] for k in range(len(gaps))] for shift in range(len(_GAP_VALUES))]
    for values in tuples or [[]]:
        fixed = {d: v for d, v in zip(gaps, values, strict=True)}
        if _numeric_disagreement(g.xreplace(fixed), h, value.xreplace(fixed), trials=1) is not None:
            return False
    return True


def _forms(g: Expr) -> list[Expr]:
    r"""``g`` and forms of it equal to it wherever it is defined, for Gruntz to try in turn.

    * logs expanded (``expand_log`` without ``force``: :math:`\log(uv) = \log u + \log v` only where SymPy knows
      u, v > 0, as for :math:`n e^{a/T}`) and products expanded: :math:`T \log(n e^{a/T}) = T \log n + a`;
    * a quotient with a factor :math:`e^u` divided through by it (:func:`_divided_through`);
    * in each :math:`\log \sum_k e^{u_k}` the j-th exponent factored out, for each j:
      :math:`\log \sum_k e^{u_k} = u_j + \log \sum_k e^{u_k - u_j}` (an identity: :math:`e^{u_j} > 0`), so that
      :math:`T \log(e^{a/T} + e^{(a - d)/T}) = a + T \log(1 + e^{-d/T})` shows its limit when d > 0 is known.
    """
    out = [g]
    expanded = sp.expand(sp.expand_log(g))
    if expanded != g:
        out.append(expanded)
    logs = [lg for lg in g.atoms(sp.log)
            if isinstance(lg.args[0], sp.Add) and all(isinstance(t, sp.exp) for t in lg.args[0].args)]
    for factor in sp.Mul.make_args(g):
        if isinstance(factor, sp.exp):
            out.append(_divided_through(g, factor.args[0]))
    width = max((len(lg.args[0].args) for lg in logs), default=0)
    for j in range(width):
        factored = {lg: _factor_out(lg, j) for lg in logs}
        out.append(sp.expand(g.xreplace(factored)))
    return out


def _divided_through(g: Expr, u: Expr) -> Expr:
    r"""``g = N/D`` with the factor :math:`e^u` of N written as :math:`N e^{-u} / (D e^{-u})` (an identity:
    :math:`e^{-u} > 0`), :math:`e^{-u}` carried into every term of D, into a sum's terms too (linearity: it does
    not depend on the index), and exponentials of a product combined: the softmax of a tied maximum
    :math:`e^{x/T}/(M e^{x/T} + \sum_i e^{(x - g_i)/T})` becomes :math:`1/(M + \sum_i e^{-g_i/T})`."""
    numerator, denominator = sp.fraction(sp.together(g))
    shift = sp.exp(-u)

    def into(term: Expr) -> Expr:
        if isinstance(term, sp.Sum):
            return sp.Sum(_combined(term.function * shift), *term.limits)
        return _combined(term * shift)

    terms = sp.Add.make_args(sp.expand(denominator))
    return _combined(numerator * shift) / sp.Add(*(into(t) for t in terms))


def _combined(e: Expr) -> Expr:
    """Products of exponentials as one exponential with its exponent expanded (e^a e^b = e^(a+b))."""
    return sp.powsimp(e).replace(lambda t: isinstance(t, sp.exp), lambda t: sp.exp(sp.expand(t.args[0])))


def _factor_out(lg: sp.log, j: int) -> Expr:
    terms = lg.args[0].args
    u = terms[j % len(terms)].args[0]
    return u + sp.log(sp.Add(*(sp.exp(sp.expand(t.args[0] - u)) for t in terms)))


def _defined_near(written: Sequence[Condition], var: sp.Symbol, approach: Expr, out: Elimination) -> str | None:
    """None if every condition that involves ``var`` holds at ``var = approach`` for all small h > 0 (h: the
    positive symbol of ``approach``); conditions without ``var`` go to ``out.conditions``; otherwise the reason."""
    (h,) = approach.free_symbols
    for c in written:
        if not c.expr.has(var):
            if c not in out.conditions:
                out.conditions.append(c)
            continue
        near = replace(c, expr=c.expr.xreplace({var: approach}))
        if follows(near):  # for every h > 0
            continue
        expr = sign_form(near.expr)
        if not c.limits and ordered_exponentials(expr, h, sp.Integer(0), "+"):
            try:
                s = sp.limit(sp.sign(expr), h, 0, "+")
            except SYMPY_ERRORS:
                s = None
            if s == 1 or (c.kind == "nonzero" and s == -1):
                continue
        return f"cannot show it is defined near the point ({replace(c, expr=_plain(c.expr)).text()})"
    return None


_SPREAD = (sp.Rational(1, 8), sp.Rational(1, 2), sp.Rational(3, 2), sp.Integer(4), sp.Integer(20),
           -sp.Rational(1, 8), -sp.Rational(1, 2), -sp.Rational(3, 2), -sp.Integer(4), -sp.Integer(20))


def _numeric_disagreement(g: Basic, h: sp.Symbol, value: Expr, trials: int = 8) -> str | None:
    """None if g(h) approaches ``value`` at every drawn point where both evaluate (at least one), else why not.

    The first three points draw sixteenths in [-2.5, 2.5], the rest values spread over the scales (1/8 to 20,
    both signs): a wrong value of Gruntz's is often right on one side of a constant (``T log(e^(a/T) + e^(1/T))``
    -> a, true only for a >= 1), so the draws must fall on both sides."""
    seen = 0
    for seed in range(trials):
        point = sample_point(sp.Add(g, value, evaluate=False), seed, size=3, values=None if seed < 3 else _SPREAD)
        point.pop(h, None)
        try:
            target = sp.N(instantiate(value, point), 60)
            near = [sp.N(instantiate(evaluated(g), {**point, h: probe}), 60) for probe in _PROBES]
        except Exception:  # noqa: BLE001 - an evaluation failure is no evidence either way
            continue
        if not (target.is_real and target.is_finite and all(v.is_real and v.is_finite for v in near)):
            continue
        seen += 1
        far, close = (abs(v - target) for v in near)
        scale = max(sp.Integer(1), abs(target))
        if close > _TOLERANCE * scale or close > far + sp.Float("1e-40") * scale:
            where = ", ".join(f"{sp.sstr(k)} = {v}" for k, v in point.items() if not isinstance(k, sp.IndexedBase))
            return f"f = {sp.N(near[-1], 8)} at h = 2^-48 against {sp.N(target, 8)}" + (f" ({where})" if where else "")
    return None if seen else "no drawn point where f and the value both evaluate"

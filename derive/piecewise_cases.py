r"""The two cases of a ``Piecewise``'s first condition, shared by ``check``'s case split
(:class:`~softproof.derive.engine.splits.Cases`) and the sign prover (a Piecewise inside a goal, a sum's term).

A condition :math:`a > b`, :math:`a \ge b` (or the mirrors) is read as :math:`u > 0` / :math:`u \ge 0` with
:math:`u = a - b`. Where u is linear in a real variable v of no stated sign, v is solved for from :math:`u = t`, t > 0
(:math:`t \ge 0` for a non-strict condition), where the Piecewise is its first value, and from :math:`u = -t`,
:math:`t \ge 0` (t > 0), where it is the Piecewise of the other branches.

Soundness: the two ranges of t cover every real value of u exactly once, the boundary :math:`u = 0` on the side the
condition gives it, and the substitution of v is one to one (v has no stated range to leave), so the two cases
together are the statement at every point; in each case the Piecewise equals the value put for it. Where v is an
entry x[k] that a sum over i also holds as x[i], only its occurrences as x[k] are moved: each case is then a statement
over more points than the original (the sum's entry k made independent), which proving may use and refuting may not.
"""

from __future__ import annotations

import itertools
import math

import sympy as sp
from sympy import Basic, Expr

__all__ = ["COMPARISONS", "compares_reals", "condition_gap", "first_branch", "interval_cases", "linear_variable", "piecewise_cases",
           "threshold_values"]

COMPARISONS = (sp.StrictGreaterThan, sp.GreaterThan, sp.StrictLessThan, sp.LessThan)


def compares_reals(condition: Basic) -> bool:
    """A user's condition (one comparison of real expressions: a real symbol or entry x[i] in it), not SymPy's own on
    integers alone (a sum's range, ``k <= n``)."""
    return isinstance(condition, COMPARISONS) and any(not s.is_integer for s in condition.free_symbols)


def condition_gap(condition: Basic) -> tuple[Expr, bool] | None:
    """(u, strict) where the condition is :math:`u > 0` (strict) or :math:`u \\ge 0`; None for another condition."""
    if isinstance(condition, (sp.StrictGreaterThan, sp.GreaterThan)):
        return condition.lhs - condition.rhs, isinstance(condition, sp.StrictGreaterThan)
    if isinstance(condition, (sp.StrictLessThan, sp.LessThan)):
        return condition.rhs - condition.lhs, isinstance(condition, sp.StrictLessThan)
    return None


def first_branch(piecewise: sp.Piecewise) -> tuple[Expr, Basic, Expr]:
    """(the first value, its condition, the value elsewhere: the other branches' Piecewise, or the last value alone)."""
    (value, condition), rest = piecewise.args[0], piecewise.args[1:]
    otherwise = rest[0][0] if len(rest) == 1 and rest[0][1] is sp.true else sp.Piecewise(*rest)
    return value, condition, otherwise


def real_variables(expr: Basic) -> list[sp.Symbol | sp.Indexed]:
    """The real variables of ``expr``, in the order of their names: its real symbols that are neither integers nor the
    name of a vector, and its real vector entries (x[i], not x)."""
    entries = expr.atoms(sp.Indexed)
    names = {e.base.label for e in entries}
    scalars = [s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s.is_real and not s.is_integer and s not in names]
    return sorted([*scalars, *(e for e in entries if e.is_real)], key=str)


def linear_variable(expr: Expr, bound: set[Basic]) -> sp.Symbol | sp.Indexed | None:
    """A real variable (:func:`real_variables`) without a sign assumption in which ``expr`` is linear (to solve for)."""
    for s in real_variables(expr):
        if s.free_symbols & bound:
            continue
        if s.is_positive or s.is_nonnegative or s.is_negative or s.is_nonpositive or s.is_nonzero:
            continue  # a substitution could leave its stated sign
        if expr.is_polynomial(s) and sp.degree(expr, s) == 1:
            return s
    return None


def piecewise_cases(statement: Basic, piecewise: sp.Piecewise, bound: set[Basic]) -> list[tuple[str, Basic]] | None:
    """The two cases of the first condition (see the module docstring), each as (its label in LaTeX, the statement with
    the Piecewise replaced and the variable substituted); None where the condition is no comparison or its gap is linear
    in no free variable of no stated sign."""
    value, condition, otherwise = first_branch(piecewise)
    found = condition_gap(condition)
    if found is None:
        return None
    gap, strict = found
    variable = linear_variable(gap, bound)
    if variable is None:
        return None
    t = sp.Dummy("t", real=True)
    solution = sp.solve(sp.Eq(gap, t), variable, dict=True)
    if len(solution) != 1:
        return None
    closed, opened = sp.Dummy("t", nonnegative=True), sp.Dummy("t", positive=True)
    holds, fails = (opened, -closed) if strict else (closed, -opened)
    labels = ((">" if strict else r"\ge"), (r"\le" if strict else "<"))
    return [(f"{sp.latex(gap)} {label} 0", statement.xreplace({piecewise: branch}).xreplace(
                {variable: solution[0][variable].xreplace({t: at})}))
            for label, branch, at in ((labels[0], value, holds), (labels[1], otherwise, fails))]


def interval_cases(statement: Basic, piecewise: sp.Piecewise, bound: set[Basic]) -> list[tuple[str, Basic]] | None:
    r"""Every condition of the Piecewise is :math:`a v + b` compared with 0 for one real variable v and rational
    :math:`a \ne 0`, b (clip, hard sigmoid, a piecewise-linear fit): v's range (the reals, or the half-line its stated
    sign gives) is cut at the thresholds :math:`-b/a` and at its own end into the open intervals between them and the
    cut points themselves, and the statement is put in each piece with the branch its conditions pick there; None where
    the conditions are not of that kind.

    Soundness: the pieces inside v's range partition it (its end is a cut, so a piece lies inside or outside whole, and
    the piece's representative says which); on each piece every condition has one truth value (:math:`a v + b` changes
    sign only at its threshold, a cut point), which the rational representative shows, so the Piecewise is the branch
    picked at every point of the piece; each piece is reached by a one-to-one substitution (v = c - s, v = c,
    :math:`v = c + (d - c) s/(1 + s)`, v = d + s, with s > 0) that stays inside v's range."""
    conditions = [condition for _, condition in piecewise.args if condition is not sp.true]
    gaps = [condition_gap(condition) for condition in conditions]
    if not conditions or any(g is None for g in gaps):
        return None
    candidates = {v for g in gaps if g is not None for v in real_variables(g[0])}
    if len(candidates) != 1:
        return None  # (a gap of other symbols, complex or not, has coefficients that are not rational: None below)
    (v,) = candidates
    if v.free_symbols & bound or any(g is None or not g[0].is_polynomial(v) or sp.degree(g[0], v) != 1 for g in gaps):
        return None
    ends = _sign_range(v)
    if ends is None:
        return None
    thresholds: set[sp.Rational] = set()
    for g in gaps:
        assert g is not None
        cut = _threshold(g[0], v)
        if cut is None or not all(c.is_Rational for c in sp.Poly(g[0], v).all_coeffs()):  # rational a and b
            return None
        thresholds.add(sp.Rational(cut))
    low, high = ends  # (end, closed) or None: v's stated sign, whose end is a cut too
    cuts = sorted(thresholds | {e[0] for e in (low, high) if e is not None})
    s = sp.Dummy("s", positive=True)
    pieces: list[tuple[str, Expr, sp.Rational]] = [(f"{sp.latex(v)} < {sp.latex(cuts[0])}", cuts[0] - s, cuts[0] - 1)]
    for k, c in enumerate(cuts):
        pieces.append((f"{sp.latex(v)} = {sp.latex(c)}", c, c))
        if k + 1 < len(cuts):
            d = cuts[k + 1]
            pieces.append((f"{sp.latex(c)} < {sp.latex(v)} < {sp.latex(d)}", c + (d - c) * s / (1 + s), (c + d) / 2))
    pieces.append((f"{sp.latex(v)} > {sp.latex(cuts[-1])}", cuts[-1] + s, cuts[-1] + 1))
    out: list[tuple[str, Basic]] = []
    for label, value, representative in pieces:
        if not _inside(representative, low, high):
            continue  # outside v's stated sign (a piece is inside or outside whole: the ends are cuts)
        branch = next((e for e, condition in piecewise.args if condition.xreplace({v: representative}) is sp.true), None)
        if branch is None:
            return None  # a condition that does not decide at a number: not of this kind after all
        out.append((label, statement.xreplace({piecewise: branch}).xreplace({v: value})))
    return out


def _threshold(gap: Expr, v: Basic) -> Expr | None:
    """The real number c where ``gap`` = a v + b (a != 0 and b numbers) changes sign, c = -b/a; else None."""
    slope = sp.expand(gap).coeff(v)
    offset = sp.expand(gap - slope * v)
    if not (slope.is_number and offset.is_number and slope != 0):
        return None
    cut = -offset / slope
    return cut if cut.is_real else None


Ends = tuple[sp.Rational, bool]  # an end of a range and whether it belongs to it


def _sign_range(v: Basic) -> tuple[Ends | None, Ends | None] | None:
    """v's range from its sign assumption, (lower end, upper end), None where infinite; None for a sign that is no range
    (non-zero without a sign)."""
    if v.is_positive:
        return (sp.Integer(0), False), None
    if v.is_nonnegative:
        return (sp.Integer(0), True), None
    if v.is_negative:
        return None, (sp.Integer(0), False)
    if v.is_nonpositive:
        return None, (sp.Integer(0), True)
    return None if v.is_nonzero else (None, None)


def _inside(point: sp.Rational, low: Ends | None, high: Ends | None) -> bool:
    """The piece represented by ``point`` lies in the range (an open piece's representative is strictly inside it, and
    the range's ends are cut points, so one point decides)."""
    above = low is None or point > low[0] or (point == low[0] and low[1])
    below = high is None or point < high[0] or (point == high[0] and high[1])
    return bool(above and below)


def threshold_values(statement: Basic) -> tuple[sp.Rational, ...]:
    """Values for the counterexample search to draw beside its usual ones: each threshold of a user's Piecewise condition
    that compares one variable with a number (the boundary itself where it is rational, the rationals just below and
    above it at 1/1000, the midpoints between neighbouring thresholds), where a statement that fails on one side of a
    boundary only, or at it, fails. Candidates only: a point refutes where its enclosure says so, wherever it came from."""
    cuts: set[Expr] = set()
    for piecewise in statement.atoms(sp.Piecewise):
        for _, condition in piecewise.args:
            found = condition_gap(condition) if compares_reals(condition) else None
            variables = found[0].free_symbols - {t for t in found[0].free_symbols if t.is_integer} if found else set()
            if found is None or len(variables) != 1:
                continue
            (v,) = variables
            if (c := _threshold(found[0], v)) is not None:
                cuts.add(c)
    values: set[sp.Rational] = set()
    ordered = sorted(cuts, key=lambda c: float(c))
    for c in ordered:
        scaled = float(c) * 1000
        values |= {sp.Rational(math.floor(scaled), 1000), sp.Rational(math.ceil(scaled), 1000)}
        if c.is_Rational:
            values |= {sp.Rational(c), sp.Rational(c) - sp.Rational(1, 1000), sp.Rational(c) + sp.Rational(1, 1000)}
    for c, d in itertools.pairwise(ordered):
        values.add(sp.Rational(round((float(c) + float(d)) * 500), 1000))
    return tuple(sorted(values))

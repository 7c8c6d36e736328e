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

import sympy as sp
from sympy import Basic, Expr

__all__ = ["COMPARISONS", "compares_reals", "condition_gap", "first_branch", "linear_variable", "piecewise_cases"]

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


def linear_variable(expr: Expr, bound: set[Basic]) -> sp.Symbol | sp.Indexed | None:
    """A real symbol (or vector entry) without a sign assumption in which ``expr`` is linear (to solve for)."""
    for s in sorted(expr.free_symbols | expr.atoms(sp.Indexed), key=str):
        if not isinstance(s, (sp.Symbol, sp.Indexed)) or s.is_integer or not s.is_real:
            continue
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

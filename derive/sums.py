"""Normal forms for expressions holding symbolic-length sums.

SymPy represents a vector of symbolic length n as an ``IndexedBase`` and its
reductions as ``Sum(f(x[i]), (i, 1, n))``.  Two sums that differ only in the
name of their bound index are the same number, but SymPy does not cancel them;
derivatives of such sums produce ``KroneckerDelta`` terms that evaluate to a
``Piecewise`` on whether the free index lies in ``1..n``.  The helpers here
bring such expressions to a form in which ``simplify`` can decide equality.
Every helper is an equivalence transformation (given the stated index facts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr, Sum

__all__ = [
    "bound_variables",
    "canonical_sums",
    "index_bounds",
    "resolve_bounded_indices",
    "resolve_index_ranges",
    "resolve_summation_ranges",
    "normal_form",
    "pull_constants",
    "evaluate",
    "collapse_deltas",
    "expand_special",
]

if TYPE_CHECKING:
    from .sign_prover import SignProverBase

_BOUND = tuple(sp.Dummy(f"i{depth}", integer=True) for depth in range(8))


def bound_variables(expr: Basic) -> set[Basic]:
    """Every variable bound by a ``Sum`` or ``Product`` anywhere in ``expr``."""
    return {lim[0] for s in expr.atoms(Sum, sp.Product) for lim in s.limits}


def canonical_sums(expr: Basic) -> Basic:
    r"""Rename the bound index of every single-limit ``Sum`` to a canonical dummy.

    :math:`\sum_{i=1}^n f(i)` and :math:`\sum_{j=1}^n f(j)` become the same tree,
    so ``S/S`` cancels.  Soundness: renaming a bound variable is an identity
    (alpha-conversion) *provided the new name is not captured*: the new name
    must occur in the body neither free nor bound.  The canonical name is the
    first of :data:`_BOUND` with that property, so an inner sum keeps its name
    and the outer one takes the next (no inner sum can capture the outer index),
    and two sums that differ only in their index names still get the same tree.
    """

    def rename(s: Sum) -> Basic:
        body = s.function
        limits = [list(lim) for lim in s.limits]  # innermost first
        for k, (var, _, _) in enumerate(limits):
            taken = body.free_symbols | bound_variables(body)
            for other in limits:
                taken |= other[1].free_symbols | other[2].free_symbols
            taken |= {lim[0] for m, lim in enumerate(limits) if m != k}
            for new in _BOUND:
                if new == var:
                    break
                if new not in taken:
                    body = body.xreplace({var: new})
                    for inner in limits[:k]:  # an inner range may depend on this index
                        inner[1], inner[2] = inner[1].xreplace({var: new}), inner[2].xreplace({var: new})
                    limits[k][0] = new
                    break
        return Sum(body, *[tuple(lim) for lim in limits])

    def walk(e: Basic) -> Basic:
        if not e.args:
            return e
        args = tuple(walk(a) for a in e.args)
        e = e.func(*args) if args != e.args else e
        return rename(e) if isinstance(e, Sum) else e

    return walk(expr)


def _interval_facts(k: Basic, lo: Expr, hi: Expr) -> dict[Basic, Basic]:
    """``lo <= k <= hi`` as the relations SymPy may write for it (``k >= lo``, ``k > lo - 1``, ``k <= hi``,
    ``k < hi + 1`` and each reversed), each mapped to true."""
    facts: dict[Basic, Basic] = {}
    for rel in (sp.Ge(k, lo, evaluate=False), sp.Gt(k, lo - 1, evaluate=False), sp.Le(k, hi, evaluate=False),
                sp.Lt(k, hi + 1, evaluate=False)):
        facts[rel] = sp.true
        facts[rel.reversed] = sp.true
    return facts


def index_bounds(indices: Iterable[sp.Symbol], upper: Expr | None,
                 bounds: Iterable[tuple[sp.Symbol, Expr]] = ()) -> tuple[tuple[sp.Symbol, Expr], ...]:
    """Each index with the upper end of its range ``1..n``: ``indices`` to ``upper`` (the statement's one size; none
    where it is None), then ``bounds`` (indices declared with their own, ``'k: 1 <= k <= n'``)."""
    return (tuple((k, upper) for k in indices) if upper is not None else ()) + tuple(bounds)


def resolve_bounded_indices(expr: Basic, bounds: Iterable[tuple[sp.Symbol, Expr]]) -> Basic:
    r"""Evaluate ``Piecewise`` conditions that only ask whether an index is in its range ``1..n`` (``bounds``: the
    pairs of :func:`index_bounds`).

    Differentiating :math:`\sum_{i=1}^n e^{x_i}` by :math:`x_k` yields
    ``Piecewise((exp(x[k]), (k >= 1) & (k <= n)), (0, True))``.  Under the
    stated fact :math:`1 \le k \le n` the first branch is taken.
    """
    facts: dict[Basic, Basic] = {}
    for k, hi in bounds:
        facts.update(_interval_facts(k, sp.Integer(1), hi))
    return _decide_piecewise(expr, facts) if facts else expr


def resolve_index_ranges(expr: Basic, indices: Iterable[sp.Symbol], upper: Expr) -> Basic:
    """:func:`resolve_bounded_indices` for ``indices`` that all run to ``upper``."""
    return resolve_bounded_indices(expr, index_bounds(indices, upper))


def _decide_piecewise(expr: Basic, facts: Mapping[Basic, Basic]) -> Basic:
    """Each ``Piecewise`` of ``expr`` replaced by its first branch whose condition ``facts`` make true, provided
    every condition before it is made false; left as it is where a condition stays undecided."""

    def choose(pw: sp.Piecewise) -> Basic:
        for value, cond in pw.args:
            decided = sp.simplify_logic(cond.xreplace(facts)) if cond not in (sp.true, sp.false) else cond
            if decided == sp.true:
                return value
            if decided != sp.false:
                return pw
        return pw

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), choose)


def resolve_summation_ranges(expr: Basic) -> Basic:
    r"""Inside ``Sum(f, (j, lo, hi))``, decide the ``Piecewise`` conditions of ``f`` that only ask whether
    :math:`lo \le j \le hi`: :math:`\sum_{j=1}^n \partial_{x_j} \log\sum_k e^{x_k}` is
    :math:`\sum_{j=1}^n` ``Piecewise((e^{x_j}/S, j <= n), (0, True))``, whose first branch every term takes.

    Soundness: where :math:`hi - lo + 1 \ge 0` (proven by SymPy's assumptions, e.g. ``n`` a positive
    integer), the terms of the sum are exactly the :math:`j` with :math:`lo \le j \le hi`, at each of
    which those relations are true. A range that may be reversed (Karr's convention takes the
    terms :math:`hi + 1 .. lo - 1`, where :math:`j \le hi` is false) is left alone, and so is a sum of
    several limits (each limit's own range is not known to hold for the others' bounds)."""

    def resolve(s: Sum) -> Basic:
        if len(s.limits) != 1 or not s.function.has(sp.Piecewise):
            return s
        j, lo, hi = s.limits[0]
        if sp.simplify(hi - lo + 1).is_nonnegative is not True:
            return s
        return Sum(_decide_piecewise(s.function, _interval_facts(j, lo, hi)), s.limits[0])

    return expr.replace(lambda e: isinstance(e, Sum), resolve)


def expand_special(expr: Basic) -> Basic:
    r"""Replace C99 helpers by their definitions: :math:`\operatorname{log1p}(u) = \log(1 + u)`,
    :math:`\operatorname{expm1}(u) = e^u - 1`, ``logaddexp(a, b)`` :math:`= \log(e^a + e^b)`."""
    from sympy.codegen.cfunctions import expm1, log1p
    from sympy.codegen.numpy_nodes import logaddexp

    return (
        expr.replace(log1p, lambda u: sp.log(1 + u))
        .replace(expm1, lambda u: sp.exp(u) - 1)
        .replace(logaddexp, lambda a, b: sp.log(sp.exp(a) + sp.exp(b)))
    )


def _bound_derivatives(expr: Basic) -> Basic:
    r"""Inside ``Sum(f, (k, lo, hi), ...)``, evaluate each derivative by an entry ``x[k]`` at the sum's own index
    first, with :math:`lo \le k \le hi` known: the Jacobian's quadratic form
    :math:`\sum_i \sum_k v_i v_k \partial p_i / \partial x_k` is :math:`\sum_i \sum_k v_i v_k p_i (\delta_{ik} - p_k)`.
    SymPy's ``doit`` of the whole sum instead sums the delta of the inner normaliser's derivative over k and leaves
    ``k <= n`` in a condition outside the sum that binds k (a free k that means nothing).

    Soundness: where no range is reversed (:math:`hi - lo + 1 \ge 0` proven, as in :func:`resolve_summation_ranges`),
    the sum adds its body at the points with :math:`lo \le k \le hi` only; the body with k renamed to a fresh
    integer K is the same function of K, its derivatives evaluated are equal to them, and a ``Piecewise`` condition
    decided by :math:`lo \le K \le hi` takes the branch it takes at every such point; renaming K back gives a body
    equal to the original at every point the sum adds. Sums of other shapes are left to ``doit``."""

    def by_own_index(s: Sum) -> Basic:
        variables = {lim[0] for lim in s.limits}
        inside = [d for d in s.function.atoms(sp.Derivative)
                  if any(isinstance(v, sp.Indexed) and variables & set(v.indices) for v, _ in d.variable_count)]
        if not inside or any(sp.simplify(hi - lo + 1).is_nonnegative is not True for _, lo, hi in s.limits):
            return s
        fresh = {v: sp.Dummy(str(v), integer=True) for v in variables}
        facts: dict[Basic, Basic] = {}
        for v, lo, hi in s.limits:
            facts.update(_interval_facts(fresh[v], lo.xreplace(fresh), hi.xreplace(fresh)))

        def evaluated_derivative(d: sp.Derivative) -> Basic:
            return resolve_summation_ranges(_decide_piecewise(evaluate(d.xreplace(fresh)), facts))

        body = s.function.replace(lambda e: e in inside, evaluated_derivative)
        return Sum(body.xreplace({k: v for v, k in fresh.items()}), *s.limits)

    return expr.replace(lambda e: isinstance(e, Sum), by_own_index)


def evaluate(expr: Basic, rounds: int = 3) -> Basic:
    """``doit`` until nothing changes: derivatives of sums yield delta sums, which evaluate next (a derivative by an
    entry at a sum's own index inside that sum first, :func:`_bound_derivatives`)."""
    expr = _bound_derivatives(expr)
    for _ in range(rounds):
        new = expr.doit()
        if new == expr:
            break
        expr = new
    return expr


def collapse_deltas(expr: Basic) -> Basic:
    r"""Use :math:`\delta_{ab} f(a) = \delta_{ab} f(b)` in every term that has a Kronecker delta factor."""
    out = []
    for term in sp.Add.make_args(sp.expand(expr)):
        deltas = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.KroneckerDelta)]
        for delta in deltas:
            a, b = delta.args
            if isinstance(a, sp.Symbol):
                rest = sp.Mul(*[f for f in sp.Mul.make_args(term) if f is not delta])
                term = delta * rest.xreplace({a: b})
        out.append(term)
    return sp.Add(*out)


def _factor_rectangular(s: Sum) -> Basic:
    r"""Fubini for a flattened nested sum over a rectangle of indices:
    :math:`\sum_i \sum_j a\, f(i)\, g(j) = a \sum_i f(i) \sum_j g(j)`.

    Side conditions: no range depends on another index of the sum (a rectangle); each term
    is a product whose factors each depend on at most one index.  Each finite sum (Karr's
    convention included) is linear, so the nested sum of a product of one-index factors is
    the product of the one-index sums; an index with no factor contributes its term count
    :math:`hi - lo + 1`.  Anything else is returned unchanged.
    """
    variables = [lim[0] for lim in s.limits]
    if any(lim[1].free_symbols & set(variables) or lim[2].free_symbols & set(variables) for lim in s.limits):
        return s
    out = []
    for term in sp.Add.make_args(sp.expand(s.function)):
        groups: dict[Basic, list[Basic]] = {v: [] for v in variables}
        constant: list[Basic] = []
        for f in sp.Mul.make_args(term):
            used = [v for v in variables if v in f.free_symbols]
            if len(used) > 1:
                return s
            (groups[used[0]] if used else constant).append(f)
        product = sp.Mul(*constant)
        for var, lo, hi in s.limits:
            factors = groups[var]
            product *= Sum(sp.Mul(*factors), (var, lo, hi)) if factors else (hi - lo + 1)
        out.append(product)
    return sp.Add(*out)


def pull_constants(expr: Basic) -> Basic:
    r"""Linearity of finite sums: :math:`\sum_i (a f_i + g_i) = a \sum_i f_i + \sum_i g_i` for :math:`a` free of :math:`i`."""

    def innermost(s: Sum) -> Basic:
        var = s.limits[0][0]
        out = []
        for term in sp.Add.make_args(sp.expand(s.function)):
            const = [f for f in sp.Mul.make_args(term) if var not in f.free_symbols]
            rest = [f for f in sp.Mul.make_args(term) if var in f.free_symbols]
            out.append(sp.Mul(*const) * Sum(sp.Mul(*rest), s.limits[0]))
        return sp.Add(*out)

    def split(s: Sum) -> Basic:
        if len(s.limits) == 1:
            return innermost(s)
        rectangle = _factor_rectangular(s)
        if rectangle != s:
            return rectangle
        # sum_i sum_c a_i f_ic = sum_i a_i sum_c f_ic: linearity of the innermost sum alone (a_i free of c; the
        # outer limits, and inner bounds that depend on outer indices, unchanged), so that a row's softmax
        # sums to 1 inside the sum over rows
        return Sum(innermost(Sum(s.function, s.limits[0])), *s.limits[1:])

    return sp.expand(expr).replace(lambda e: isinstance(e, Sum), split)


HYPERBOLIC = (sp.tanh, sp.sinh, sp.cosh)


def as_exponentials(expr: Basic) -> Basic:
    r"""tanh, sinh and cosh written with exponentials, their definitions (:math:`\tanh u = (e^u - e^{-u})/(e^u +
    e^{-u})`, :math:`\sinh u = (e^u - e^{-u})/2`, :math:`\cosh u = (e^u + e^{-u})/2`): the same value at every
    point. ``expr`` itself (the same object) when it has none."""
    return expr.rewrite(list(HYPERBOLIC), sp.exp) if expr.has(*HYPERBOLIC) else expr


def _hyperbolic_as_exp(expr: Basic) -> Basic:
    """:func:`as_exponentials`, then simplified: ``(e^a - e^b)/(e^a + e^b)`` and ``tanh((a - b)/2)`` meet only
    there. Unchanged when there is no tanh, sinh or cosh."""
    written = as_exponentials(expr)
    return expr if written is expr else sp.simplify(written)


_PIPELINES = (
    lambda e: sp.cancel(sp.together(canonical_sums(pull_constants(e)))),
    lambda e: sp.cancel(sp.together(e)),
    sp.simplify,
    lambda e: sp.simplify(canonical_sums(sp.expand(e))),
    lambda e: sp.simplify(canonical_sums(sp.expand_log(sp.expand(e)))),
    _hyperbolic_as_exp,
)


def atomise_sums(
    expr: Basic,
    prover: "Callable[[], SignProverBase] | None" = None,
    keep: Callable[[Sum], bool] = lambda s: False,
) -> tuple[Basic, dict[Basic, Basic], list[str]]:
    """Replace each outermost sum by a symbol carrying its proven sign (positive, non-negative or real).

    Returns the new expression, the map back, and the proof steps of the signs.
    Soundness: a sum that depends on no variable bound elsewhere in ``expr`` is one
    real number, so it may be replaced by a symbol quantified over exactly the
    values that number can take (its proven sign); a sum nested inside another
    sum's body (it may depend on the outer index) is left to its parent, and so is
    a sum whose terms are not known to be real.  ``keep`` leaves chosen sums alone
    (a limit keeps the sums that move with the limit variable).

    SymPy will not expand ``log(1/S)`` unless it knows ``S > 0``; the sign
    prover establishes that for sums its assumption system cannot see into.
    """
    from .inequalities import SignProver

    make = prover or SignProver
    bound = bound_variables(expr)
    repl: dict[Basic, Basic] = {}
    steps: list[str] = []
    for s in sorted(expr.atoms(Sum), key=sp.default_sort_key):
        if keep(s) or s.free_symbols & bound:
            continue
        if any(s in other.atoms(Sum) and s != other for other in expr.atoms(Sum)):
            continue  # nested inside another sum: leave it to its parent
        for assumption in ("positive", "nonnegative"):
            probe = make()
            if probe.positive(s) if assumption == "positive" else probe.nonnegative(s):
                repl[s] = sp.Dummy("S", **{assumption: True})
                steps.extend(probe.steps)
                break
        else:
            if s.function.is_extended_real:
                repl[s] = sp.Dummy("S", real=True)
    return expr.xreplace(repl), {v: k for k, v in repl.items()}, steps


def _atomised(expr: Basic) -> Basic:
    from .inequalities import SECONDS, SignProver
    from .sign_prover import search_clock

    deadline = [search_clock() + SECONDS]  # one budget for all the sums of this expression
    atoms, back, _ = atomise_sums(expr, lambda: SignProver(deadline=deadline))
    return sp.simplify(sp.expand_log(sp.simplify(atoms))).xreplace(back)


def _pipelines(expr: Basic) -> Iterable[Basic]:
    for pipeline in (*_PIPELINES, _atomised):
        try:
            yield pipeline(expr)
        except Exception:  # noqa: BLE001 - a SymPy internal failure in one pipeline is not a verdict
            continue


def normal_form(
    expr: Basic,
    indices: Iterable[sp.Symbol] = (),
    upper: Expr | None = None,
    facts: Mapping[Basic, Basic] | None = None,
    bounds: tuple[tuple[sp.Symbol, Expr], ...] = (),
) -> Basic:
    """Evaluate derivatives and delta sums, resolve index ranges (``indices`` to ``upper``, each of ``bounds`` to its
    own), cancel equal sums.

    Returns 0 when one of a few simplification pipelines reaches 0; otherwise
    the simplest residual found.
    """
    ranges = index_bounds(indices, upper, bounds)
    known = {canonical_sums(k): v for k, v in (facts or {}).items()}
    out = resolve_summation_ranges(evaluate(expand_special(expr)))
    if any(isinstance(a, sp.Product) for a in out.atoms(sp.Product)):
        out = out.rewrite(Sum)
    best = out
    for _ in range(2):
        out = canonical_sums(resolve_bounded_indices(out, ranges))
        if out.has(sp.KroneckerDelta):
            out = collapse_deltas(out)
        for candidate in _pipelines(out):
            candidate = canonical_sums(resolve_bounded_indices(candidate, ranges))
            if known:
                candidate = sp.simplify(candidate.xreplace(known))
            if candidate == 0:
                return sp.Integer(0)
            if sp.count_ops(candidate) < sp.count_ops(best):
                best = candidate
        out = best
    return best

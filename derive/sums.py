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

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import sympy as sp
from sympy import Basic, Expr, Sum

__all__ = [
    "bound_variables",
    "canonical_sums",
    "resolve_index_ranges",
    "normal_form",
    "pull_constants",
    "evaluate",
    "collapse_deltas",
    "expand_special",
    "instantiate",
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


def _range_facts(indices: Iterable[sp.Symbol], upper: Expr) -> dict[Basic, Basic]:
    facts: dict[Basic, Basic] = {}
    for k in indices:
        for rel in (
            sp.Ge(k, 1, evaluate=False),
            sp.Le(1, k, evaluate=False),
            sp.Gt(k, 0, evaluate=False),
            sp.Lt(0, k, evaluate=False),
            sp.Le(k, upper, evaluate=False),
            sp.Ge(upper, k, evaluate=False),
            sp.Lt(k, upper + 1, evaluate=False),
            sp.Gt(upper + 1, k, evaluate=False),
        ):
            facts[rel] = sp.true
            facts[rel.reversed] = sp.true
    return facts


def resolve_index_ranges(
    expr: Basic, indices: Iterable[sp.Symbol], upper: Expr
) -> Basic:
    r"""Evaluate ``Piecewise`` conditions that only ask whether an index is in ``1..upper``.

    Differentiating :math:`\sum_{i=1}^n e^{x_i}` by :math:`x_k` yields
    ``Piecewise((exp(x[k]), (k >= 1) & (k <= n)), (0, True))``.  Under the
    stated fact :math:`1 \le k \le n` the first branch is taken.
    """
    facts = _range_facts(list(indices), upper)
    if not facts:
        return expr

    def choose(pw: sp.Piecewise) -> Basic:
        for value, cond in pw.args:
            decided = sp.simplify_logic(cond.xreplace(facts)) if cond not in (sp.true, sp.false) else cond
            if decided == sp.true:
                return value
            if decided != sp.false:
                return pw
        return pw

    return expr.replace(lambda e: isinstance(e, sp.Piecewise), choose)


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


def evaluate(expr: Basic, rounds: int = 3) -> Basic:
    """``doit`` until nothing changes: derivatives of sums yield delta sums, which evaluate next."""
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

    def split(s: Sum) -> Basic:
        if len(s.limits) != 1:
            return _factor_rectangular(s)
        var = s.limits[0][0]
        out = []
        for term in sp.Add.make_args(sp.expand(s.function)):
            const = [f for f in sp.Mul.make_args(term) if var not in f.free_symbols]
            rest = [f for f in sp.Mul.make_args(term) if var in f.free_symbols]
            out.append(sp.Mul(*const) * Sum(sp.Mul(*rest), s.limits[0]))
        return sp.Add(*out)

    return sp.expand(expr).replace(lambda e: isinstance(e, Sum), split)


_PIPELINES = (
    lambda e: sp.cancel(sp.together(canonical_sums(pull_constants(e)))),
    lambda e: sp.cancel(sp.together(e)),
    sp.simplify,
    lambda e: sp.simplify(canonical_sums(sp.expand(e))),
    lambda e: sp.simplify(canonical_sums(sp.expand_log(sp.expand(e)))),
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
    import time

    from .inequalities import SECONDS, SignProver

    deadline = [time.monotonic() + SECONDS]  # one budget for all the sums of this expression
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
) -> Basic:
    """Evaluate derivatives and delta sums, resolve index ranges, cancel equal sums.

    Returns 0 when one of a few simplification pipelines reaches 0; otherwise
    the simplest residual found.
    """
    indices = tuple(indices)
    known = {canonical_sums(k): v for k, v in (facts or {}).items()}
    out = evaluate(expand_special(expr))
    if any(isinstance(a, sp.Product) for a in out.atoms(sp.Product)):
        out = out.rewrite(Sum)
    best = out
    for _ in range(2):
        if upper is not None:
            out = resolve_index_ranges(out, indices, upper)
        out = canonical_sums(out)
        if out.has(sp.KroneckerDelta):
            out = collapse_deltas(out)
        for candidate in _pipelines(out):
            if upper is not None:
                candidate = resolve_index_ranges(candidate, indices, upper)
            candidate = canonical_sums(candidate)
            if known:
                candidate = sp.simplify(candidate.xreplace(known))
            if candidate == 0:
                return sp.Integer(0)
            if sp.count_ops(candidate) < sp.count_ops(best):
                best = candidate
        out = best
    return best


def expand_finite_sums(e: Basic, limit: int = 4096) -> Basic:
    """Write out every sum whose outermost range has integer bounds, term by term (Karr's convention).

    SymPy's ``doit`` leaves a triangular sum such as ``Sum(f, (j, 1, i), (i, 1, 2))`` alone;
    this expands the outer index first, so that the inner range becomes concrete.  A sum
    whose outer index is also bound by an inner limit (shadowing), or with more than
    ``limit`` terms, is left as it is.
    """
    if isinstance(e, Sum):
        var, lo, hi = e.limits[-1]
        lo, hi = expand_finite_sums(lo, limit), expand_finite_sums(hi, limit)
        inner_vars = {lim[0] for lim in e.limits[:-1]}
        if not (lo.is_Integer and hi.is_Integer) or var in inner_vars:
            return e
        sign = 1
        if hi < lo - 1:
            lo, hi, sign = hi + 1, lo - 1, -1
        if hi - lo + 1 > limit:
            return e
        inner = Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        return sign * sp.Add(*[expand_finite_sums(inner.xreplace({var: k}), limit) for k in range(int(lo), int(hi) + 1)])
    if not e.args:
        return e
    args = tuple(expand_finite_sums(a, limit) for a in e.args)
    return e.func(*args) if args != e.args else e


def instantiate(expr: Basic, point: Mapping[Basic, Basic]) -> Basic:
    """Substitute a concrete point: first sizes (so sums expand), then entries.

    ``point`` maps size symbols (``n``) and scalar symbols to numbers, and an
    ``IndexedBase`` to a sequence of numbers (``x -> [0, 1]`` sets ``x[1] = 0``,
    ``x[2] = 1``: indices start at 1 as in the documents).
    """
    sizes = {k: sp.sympify(v) for k, v in point.items() if isinstance(k, sp.Symbol) and k.is_integer}
    out = sp.sympify(expr).xreplace(sizes) if sizes else sp.sympify(expr)
    # expand sums and take derivatives symbolically; limits wait for the values
    out = out.replace(lambda e: isinstance(e, (Sum, sp.Derivative)), lambda e: evaluate(e))
    out = expand_finite_sums(out)
    vectors = {k: v for k, v in point.items() if isinstance(k, sp.IndexedBase)}
    repl: dict[Basic, Basic] = {}
    for base, values in vectors.items():
        items = values.items() if isinstance(values, Mapping) else enumerate(values, start=1)
        for pos, value in items:
            repl[base[pos]] = sp.sympify(value)
    scalars = {
        k: sp.sympify(v)
        for k, v in point.items()
        if not isinstance(k, sp.IndexedBase) and k not in sizes
    }
    repl.update(scalars)
    return out.xreplace(repl).doit()


def sample_point(
    expr: Basic,
    seed: int,
    size: int = 4,
    values: Sequence[object] | None = None,
    index_upper: Mapping[sp.Symbol, sp.Symbol] | None = None,
    tie: bool = False,
) -> dict[Basic, object]:
    """A random admissible point for ``expr``.

    Sizes (integer symbols with a sign assumption: n, |M|, r, d) get ``size``;
    indices (integer symbols without one: i, j, k, c, y, m) get a value in
    ``1..size`` (or ``1..value of index_upper[index]``); real scalars and the
    entries of every ``IndexedBase`` are drawn from ``values`` (default: sixteenths
    in [-2.5, 2.5]) respecting positive / non-negative assumptions; with ``tie``
    every scalar and entry gets the same value (ties are where piecewise
    identities and argmax claims break).  The label
    symbol of an ``IndexedBase`` is never treated as a scalar.
    """
    import random

    rng = random.Random(seed)

    shared = sp.sympify(rng.choice(values)) if values else sp.Rational(rng.randint(1, 40), 16)

    def draw(sym: Basic) -> sp.Expr:
        if tie:
            value = shared
        else:
            value = sp.sympify(rng.choice(values)) if values else sp.Rational(rng.randint(1, 40), 16) * rng.choice((1, -1))
        if getattr(sym, "is_nonzero", None) and value == 0:
            value = sp.Integer(1)
        if getattr(sym, "is_positive", None):
            return abs(value) + (1 if value == 0 else 0)
        if getattr(sym, "is_nonnegative", None):
            return abs(value)
        if getattr(sym, "is_negative", None):
            return -abs(value) - (1 if value == 0 else 0)
        if getattr(sym, "is_nonpositive", None):
            return -abs(value)
        return value

    bases = {ix.base for ix in expr.atoms(sp.Indexed)}
    labels = {b.label for b in bases}
    point: dict[Basic, object] = {}
    # Derivative(f, x[j]) does not list j among its free symbols: collect the unbound ones too
    bound = {lim[0] for s in expr.atoms(Sum, sp.Product) for lim in s.limits}
    # Limit(f, x, x0, '+') binds x, and '+' is no variable: neither gets a value
    in_limits = {a for lim in expr.atoms(sp.Limit) for a in (lim.args[1], lim.args[3])}
    found = (expr.free_symbols | (expr.atoms(sp.Symbol) - bound)) - in_limits
    symbols = sorted((s for s in found if isinstance(s, sp.Symbol) and s not in labels), key=str)
    for sym in symbols:
        if sym.is_integer and sym.is_nonnegative:
            point[sym] = size
    in_limits = {s for e in expr.atoms(Sum) for lim in e.limits for s in (lim[1].free_symbols | lim[2].free_symbols)}
    for sym in symbols:
        if sym.is_integer and (sym.is_negative or sym.is_nonpositive):
            point[sym] = -rng.randint(1 if sym.is_negative else 0, size)
        elif sym.is_integer and not sym.is_nonnegative and sym in in_limits:
            # an integer of unknown sign in a summation bound: empty and reversed ranges too (Karr)
            point[sym] = rng.randint(-3, size)
        elif sym.is_integer and not sym.is_nonnegative:
            upper_symbol = (index_upper or {}).get(sym)
            top = point.get(upper_symbol, size) if upper_symbol is not None else size
            point[sym] = rng.randint(1, max(1, int(top)))  # type: ignore[call-overload]
        elif not sym.is_integer:
            point[sym] = draw(sym)
    for base in sorted(bases, key=str):
        point[base] = {pos: draw(base) for pos in range(0, size + 2)}
    return point


def numerically_nonzero(expr: Basic, trials: int = 2) -> dict[Basic, object] | None:
    """A point where ``expr`` is clearly not 0 (30 digits), or None.

    Used only to stop early on a false identity: it can make the engine say
    "not proved" sooner, never "proved".
    """
    for seed in range(trials):
        point = sample_point(expr, seed)
        try:
            value = sp.N(instantiate(expr, point), 30)
        except Exception:  # noqa: BLE001 - an evaluation failure is no evidence either way
            return None
        if value.is_number and value.is_finite and abs(value) > sp.Float("1e-20"):
            return point
    return None

"""Concrete points: writing finite sums out term by term, substituting a point, drawing admissible points.

A point is evidence only after an enclosure confirms it (:mod:`.refute`); these functions only
produce and substitute points. :func:`numerically_nonzero` can stop a doomed proof early, never prove.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import sympy as sp
from sympy import Basic, Sum

from .. import enclosure
from ..sums import evaluate

__all__ = ["admissible", "expand_finite_sums", "instantiate", "karr_terms", "sample_point", "numerically_nonzero", "vector_entries"]


def karr_terms(lo: int, hi: int) -> tuple[range, int]:
    """The indices of a sum from ``lo`` to ``hi`` and its sign under Karr's convention (SymPy's): ``lo..hi``, +1; none
    for ``hi = lo - 1``; for ``hi < lo - 1`` minus the sum over ``hi + 1..lo - 1``."""
    return (range(lo, hi + 1), 1) if hi >= lo - 1 else (range(hi + 1, lo), -1)


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
        terms, sign = karr_terms(int(lo), int(hi))
        if len(terms) > limit:
            return e
        inner = Sum(e.function, *e.limits[:-1]) if len(e.limits) > 1 else e.function
        return sign * sp.Add(*[expand_finite_sums(inner.xreplace({var: k}), limit) for k in terms])
    if not e.args:
        return e
    args = tuple(expand_finite_sums(a, limit) for a in e.args)
    return e.func(*args) if args != e.args else e


def vector_entries(values: object) -> list[tuple[object, object]]:
    """A point's vector as (position, value) pairs: a mapping position -> value as it is, a sequence with
    positions from 1 (``[0, 1]`` sets ``x[1] = 0``, ``x[2] = 1``, as in the documents)."""
    if isinstance(values, Mapping):
        return list(values.items())
    if isinstance(values, Iterable):
        return list(enumerate(values, start=1))
    raise TypeError(f"a vector's values must be a mapping or a sequence, not {values!r}")


_SIGNS: dict[str, Callable[[Any, int], Any]] = {
    "positive": operator.gt, "nonnegative": operator.ge, "negative": operator.lt, "nonpositive": operator.le, "nonzero": operator.ne,
}


def admissible(symbol: Basic, value: object) -> bool:
    """``value`` (a SymPy number or a float) satisfies every assumption of sign and integrality that ``symbol``
    (a scalar, or a vector's label for its entries) carries."""
    number: sp.Expr = sp.sympify(value)
    if getattr(symbol, "is_integer", None) is True and number.is_integer is not True:
        return False
    return all(bool(test(number, 0)) for name, test in _SIGNS.items() if getattr(symbol, f"is_{name}", None) is True)


@lru_cache(maxsize=256)
def _at_sizes(expr: Basic, sizes: tuple[tuple[Basic, Basic], ...]) -> Basic:
    """``expr`` at the given sizes, its sums written out and its derivatives taken: the symbolic part of
    :func:`instantiate`, a pure function of its arguments, remembered (the refuter draws hundreds of points of one
    statement at the same few sizes, and ``Sum.doit`` is most of each point's cost)."""
    out = expr.xreplace(dict(sizes)) if sizes else expr
    # expand sums and take derivatives symbolically; limits wait for the values
    out = out.replace(lambda e: isinstance(e, (Sum, sp.Derivative)), lambda e: evaluate(e))
    return expand_finite_sums(out)


def instantiate(expr: Basic, point: Mapping[Basic, Basic], frozen: bool = False) -> Basic:
    """Substitute a concrete point: first sizes (so sums expand), then entries.

    ``frozen``: every ``Max``/``Min`` stays unevaluated (:func:`softproof.derive.enclosure.frozen_extrema`), for an
    enclosure to decide; SymPy would pick an argument by rounded values.

    ``point`` maps size symbols (``n``) and scalar symbols to numbers, and an
    ``IndexedBase`` to a sequence of numbers (``x -> [0, 1]`` sets ``x[1] = 0``,
    ``x[2] = 1``: indices start at 1 as in the documents).
    """
    sizes = {k: sp.sympify(v) for k, v in point.items() if isinstance(k, sp.Symbol) and k.is_integer}
    out = _at_sizes(sp.sympify(expr), tuple(sorted(sizes.items(), key=lambda kv: kv[0].sort_key())))
    vectors = {k: v for k, v in point.items() if isinstance(k, sp.IndexedBase)}
    repl: dict[Basic, Basic] = {}
    for base, values in vectors.items():
        for pos, value in vector_entries(values):
            repl[base[pos]] = sp.sympify(value)
    scalars = {
        k: sp.sympify(v)
        for k, v in point.items()
        if not isinstance(k, sp.IndexedBase) and k not in sizes
    }
    repl.update(scalars)
    if frozen:
        out = enclosure.frozen_extrema(out)
    return out.xreplace(repl).doit()


MAX_ENTRIES = 128  # the most entries of a vector a drawn point gives values
MATRIX_REACH = 10  # a matrix's drawn entries: positions 0..10 in each index


def sample_point(
    expr: Basic,
    seed: int,
    size: int = 4,
    values: Sequence[object] | None = None,
    index_upper: Mapping[sp.Symbol, sp.Symbol] | None = None,
    tie: bool = False,
) -> dict[Basic, object]:
    """A random admissible point for ``expr``.

    Sizes (integer symbols with a sign assumption: n, |M|, r, d) get ``size`` (several whole summation bounds: on half
    of the draws one of them, at random, gets ``size`` and the others more, so that a statement true only where two
    sizes agree, or where one is the larger, fails);
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
    # several sizes that are whole summation bounds: equal on half of the draws, apart on the others (never below
    # `size`: below a stated lower bound ends a shape); any other positive integer (a positive index y of a claim)
    # gets `size`, the least of them, so that it stays within every range it indexes, and any other non-negative one
    # (the j of a size n = m + j that check reads from 'n: >= m') size - 1, so that size 1 draws its 0
    bounds = {lim[2] for e in expr.atoms(Sum) for lim in e.limits}
    sizes = [sym for sym in symbols if sym.is_integer and sym.is_nonnegative and sym in bounds]
    apart = len(sizes) > 1 and rng.random() < 0.5
    order = rng.sample(range(len(sizes)), len(sizes)) if apart else [0] * len(sizes)  # which one is the least
    for sym in symbols:
        if sym.is_integer and sym.is_nonnegative:
            point[sym] = size if sym.is_positive else size - 1
    for rank, sym in zip(order, sizes, strict=True):
        point[sym] = size + rng.randint(1, 2) * rank if rank else size
    in_limits = {s for e in expr.atoms(Sum) for lim in e.limits for s in (lim[1].free_symbols | lim[2].free_symbols)}
    for sym in symbols:
        if sym.is_integer and (sym.is_negative or sym.is_nonpositive):
            point[sym] = -rng.randint(1 if sym.is_negative else 0, size)
        elif sym.is_integer and not sym.is_nonnegative and sym in in_limits:
            # an integer of unknown sign in a summation bound: empty and reversed ranges too (Karr)
            point[sym] = rng.randint(-3, size)
        elif sym.is_integer and not sym.is_nonnegative:
            top = _at_point((index_upper or {}).get(sym), point, size)
            point[sym] = rng.randint(1, max(1, top))
        elif not sym.is_integer:
            point[sym] = draw(sym)
    # every entry a sum or a subscript reaches: a bound such as k + 2 ('n: >= 3' in check) goes past size + 1
    # (at most MAX_ENTRIES: a sum to 10^6 is no point to draw; its missing entries make it no evidence, as before)
    reach = max([size + 1, *(_at_point(lim[2], point, 0) for s in expr.atoms(Sum) for lim in s.limits),
                 *(int(i) for ix in expr.atoms(sp.Indexed) for i in ix.indices if i.is_Integer)])
    reach = min(reach, max(size + 1, MAX_ENTRIES))
    ranks = {ix.base: len(ix.indices) for ix in expr.atoms(sp.Indexed)}
    for base in sorted(bases, key=str):
        if ranks[base] == 1:
            point[base] = {pos: draw(base) for pos in range(0, reach + 1)}
        else:  # a matrix z[i, c]: every pair of positions up to MATRIX_REACH (a sum past it is no evidence, as above)
            side = range(0, min(reach, MATRIX_REACH) + 1)
            point[base] = {pos: draw(base) for pos in itertools.product(side, repeat=ranks[base])}
    return point


def _at_point(bound: Basic | None, point: Mapping[Basic, object], default: int) -> int:
    """An integer bound (a size symbol, or an expression in the sizes such as ``k + 2``) at ``point``; ``default``
    where it has no integer value there."""
    if bound is None:
        return default
    value = sp.sympify(bound).xreplace({k: sp.sympify(v) for k, v in point.items() if isinstance(k, sp.Symbol)})
    return int(value) if value.is_Integer else default


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

"""A whitelist parser for untrusted expressions in SymPy syntax.

The text is parsed by Python's :mod:`ast` (never evaluated, never passed to
``sympify``) and the tree is translated node by node into SymPy objects,
*without* SymPy's automatic evaluation: ``exp(log(x))`` stays as written, so
that :mod:`softproof.derive.domain` can read off where each side is defined over the
reals before anything is folded (:func:`evaluated` then folds it).
Only numbers, names, ``+ - * / **``, unary minus, subscripts ``x[i]``,
tuples (for ``Sum`` limits) and calls of the functions in :data:`FUNCTIONS`
are accepted; anything else -- attribute access, lambdas, comprehensions,
keyword arguments, strings, dunder names -- is an :class:`ExpressionError`
that names the problem.

Bounds on what is built, so that no input ends in a traceback or exhausts memory:
at most 2000 characters, nesting at most :data:`MAX_DEPTH` levels (chains of
``+ - * /`` and unary signs are flattened, so long sums are not deep), integer
powers of numbers at most :data:`MAX_BITS` bits, numeric literals at most
:data:`MAX_EXPONENT` in decimal exponent.  A summation index is a fresh name
wherever its name is also used free or by an enclosing sum (no capture).
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import sympy as sp

from .translator import _NAME, _NOT_REAL, CONSTANTS, FUNCTIONS, MAX_DEPTH, ExpressionError, Translator, _takes_evaluate, evaluated

__all__ = [
    "ExpressionError", "SymbolTable", "parse_expression", "parse_sides", "parse_assumption",
    "separate_bound_names", "evaluated", "FUNCTIONS", "UNIT",
]

_ASSUMPTION_WORDS = {"positive", "negative", "nonnegative", "nonpositive", "integer", "real", "nonzero", "unit"}
UNIT = "unit"  # 0 < p < 1: check reads p as sigmoid(q) for a real q (see softproof.derive.ranges)


@dataclass
class SymbolTable:
    """Symbols created on first use: real unless an assumption says otherwise."""

    assumptions: Mapping[str, dict[str, bool]] = field(default_factory=dict)
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    bases: dict[str, sp.IndexedBase] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)
    free_names: set[str] = field(default_factory=set)
    bound_names: set[str] = field(default_factory=set)
    ranks: dict[str, int] = field(default_factory=dict)  # how many indices each vector or matrix takes
    readings: list[str] = field(default_factory=list)  # how a construct was read (Product as exp(Sum(log))), as notes
    roles: dict[str, dict[str, bool]] = field(default_factory=dict)  # inferred from all sides before parsing
    ranged: frozenset[str] = frozenset()  # names assumed in a range ('unit', 'x: > 1'): scalars only, or sizes
    sized: set[str] = field(default_factory=set)  # ranged names that are whole summation bounds: sizes ('n: >= 2')

    def symbol(self, name: str, **extra: bool) -> sp.Symbol:
        if name in self.bases:
            raise ExpressionError(f"'{name}' is used both as a vector ({name}[i]) and as a scalar; rename one")
        self.free_names.add(name)
        if name not in self.symbols:
            given = {"integer": True, "positive": True} if name in self.sized else dict(self.assumptions.get(name, {}))
            if not given:
                role = self.roles.get(name) or extra
                given = dict(role) if role else {"real": True}
                if role:
                    self.inferred[name] = " ".join(k for k, v in role.items() if v)
            self.symbols[name] = sp.Symbol(name, **given)
        return self.symbols[name]

    def base(self, name: str) -> sp.IndexedBase:
        if name in self.symbols:
            raise ExpressionError(f"'{name}' is used both as a scalar and as a vector ({name}[i]); rename one")
        if self.assumptions.get(name, {}).get(UNIT) or name in self.ranged:
            what = "unit" if self.assumptions.get(name, {}).get(UNIT) else "a range"
            raise ExpressionError(f"'{name}: {what}' applies to a scalar, not to the vector {name}[i]; "
                                  f"write the entries' sign instead (e.g. '{name}: positive')")
        self.free_names.add(name)
        if name not in self.bases:
            self.bases[name] = sp.IndexedBase(name, **(self.assumptions.get(name) or {"real": True}))
        return self.bases[name]


def parse_assumption(text: str) -> tuple[str, dict[str, bool]]:
    """``"n: positive integer"`` -> ``("n", {"positive": True, "integer": True})``; contradictions are refused.

    ``unit`` (0 < p < 1) may come with the signs it implies only; the checker substitutes it away
    (:mod:`softproof.derive.ranges`, which also reads ranges such as ``x: > 1``)."""
    if ":" not in text:
        raise ExpressionError(f"assumption {text!r} needs the form 'name: words', e.g. 'n: positive integer'")
    name, words = (part.strip() for part in text.split(":", 1))
    if not _NAME.match(name):
        raise ExpressionError(f"assumption names a bad symbol {name!r}; use a plain identifier such as n or T")
    if name in FUNCTIONS or name in CONSTANTS or name in _NOT_REAL:
        raise ExpressionError(f"assumption names {name!r}, which is a function or constant; pick another name")
    flags = words.replace(",", " ").split()
    unknown = [w for w in flags if w not in _ASSUMPTION_WORDS]
    if not flags or unknown:
        raise ExpressionError(
            f"assumption {text!r}: unknown word(s) {unknown or ['(none)']}; use {', '.join(sorted(_ASSUMPTION_WORDS))} "
            f"or a range such as '{name}: > 1', '{name}: 0 < {name} <= 1', '{name}: in [0, oo)'"
        )
    given = {w: True for w in flags}
    if UNIT in given:
        others = set(given) - {UNIT, "real", "positive", "nonnegative", "nonzero"}
        if others:
            raise ExpressionError(f"assumption {text!r}: 'unit' (0 < {name} < 1) cannot be combined with {' '.join(sorted(others))}")
        given = {UNIT: True, "positive": True}
    if "integer" not in given:
        given["real"] = True
    try:
        sp.Symbol("probe", **given)
    except Exception:  # noqa: BLE001 - SymPy's InconsistentAssumptions and friends
        raise ExpressionError(f"assumption {text!r} contradicts itself ({' and '.join(flags)}); keep one") from None
    return name, given


def _tree(text: str, label: str) -> ast.Expression:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(f"{label} is empty; give an expression such as exp(x)")
    if len(text) > 2000:
        raise ExpressionError(f"{label} is {len(text)} characters long; the limit is 2000")
    try:
        return ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error in {label} at column {exc.offset}: {exc.msg}") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError(f"{label} is nested too deeply to parse; the limit is {MAX_DEPTH} levels") from None


def parse_expression(text: str, table: SymbolTable, label: str = "expression") -> sp.Expr:
    """Translate ``text`` into an *unevaluated* SymPy expression, or raise :class:`ExpressionError`."""
    (expr,) = parse_sides([(text, label)], table)
    return expr


def parse_sides(texts: Sequence[tuple[str, str]], table: SymbolTable) -> list[sp.Expr]:
    """Parse several ``(text, label)`` that share their symbols; roles are inferred from all of them first.

    Inferred roles (for names without an ``--assume``): a name that is a whole summation
    bound somewhere is a positive integer (a size); a name inside a compound bound
    (``n + 1``) or a subscript is an integer.  Both are reported in ``table.inferred``.
    """
    trees = [(_tree(text, label), text.strip(), label) for text, label in texts]
    bare: set[str] = set()
    inner: set[str] = set()
    for tree, _, _ in trees:
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") in ("Sum", "Product") and len(call.args) == 2 \
                    and isinstance(call.args[1], ast.Tuple) and len(call.args[1].elts) == 3:
                for limit in call.args[1].elts[1:]:
                    if isinstance(limit, ast.Name):
                        bare.add(limit.id)
                    else:
                        inner |= {n.id for n in ast.walk(limit) if isinstance(n, ast.Name)}
            if isinstance(call, ast.Subscript):
                inner |= {n.id for n in ast.walk(call.slice) if isinstance(n, ast.Name)}
    for name in sorted(bare | inner):
        if name in table.ranged and name in bare:
            table.sized.add(name)  # a size with a lower bound ('n: >= 2'): check reads the range as that bound
            continue
        if name in table.ranged:
            raise ExpressionError(f"'{name}' is a subscript or part of a summation bound, an integer: a range applies to "
                                  f"a real scalar or to a size (a whole summation bound, such as '{name}: >= 2')")
        if name in table.assumptions or name in CONSTANTS or name in FUNCTIONS or name in _NOT_REAL:
            continue
        table.roles[name] = {"integer": True, "positive": True} if name in bare else {"integer": True}
    out = []
    for tree, text, label in trees:
        with sp.evaluate(False):
            out.append(Translator(table, label, text).operand(tree.body, "as a whole"))
    return out


def separate_bound_names(exprs: Sequence[sp.Expr], table: SymbolTable) -> list[sp.Expr]:
    """Give every summation index a name used by no free symbol and no enclosing sum.

    Soundness: renaming a bound variable inside its own body is an identity
    (alpha-conversion); doing it here means that no later substitution of a free
    symbol can reach into a sum, and no inner sum can capture an outer index.
    Equal sums in one scope get one renaming (the softmax's normaliser written twice
    inside an outer sum over the same index stays one normaliser): a fresh name is used
    nowhere else, and two equal subtrees are never nested in each other.
    """
    names = set(table.free_names) | set(table.bound_names)
    renamed: dict[tuple[sp.Basic, frozenset[str]], sp.Basic] = {}

    def fresh(name: str) -> sp.Symbol:
        k = 1
        while f"{name}{k}" in names:
            k += 1
        names.add(f"{name}{k}")
        return sp.Symbol(f"{name}{k}", integer=True)

    def walk(e: sp.Basic, enclosing: frozenset[str]) -> sp.Basic:
        if isinstance(e, sp.Sum):
            if (e, enclosing) not in renamed:
                renamed[(e, enclosing)] = walk_sum(e, enclosing)
            return renamed[(e, enclosing)]
        if not e.args:
            return e
        args = tuple(walk(a, enclosing) for a in e.args)
        return e.func(*args, evaluate=False) if _takes_evaluate(e) else e.func(*args)

    def walk_sum(e: sp.Sum, enclosing: frozenset[str]) -> sp.Basic:
        # SymPy flattens Sum(Sum(f, inner), outer) into Sum(f, inner, outer): the last limit is
        # the outermost, and an inner limit's bounds may use the outer indices
        body = e.function
        limits = [list(lim) for lim in e.limits]
        scope = set(enclosing)
        for k in range(len(limits) - 1, -1, -1):
            var, lo, hi = limits[k]
            limits[k][1], limits[k][2] = walk(lo, frozenset(scope)), walk(hi, frozenset(scope))
            if var.name in table.free_names or var.name in scope:
                new = fresh(var.name)
                body = body.xreplace({var: new})
                for inner in limits[:k]:
                    inner[1], inner[2] = inner[1].xreplace({var: new}), inner[2].xreplace({var: new})
                limits[k][0] = var = new
            scope.add(var.name)
        return sp.Sum(walk(body, frozenset(scope)), *[tuple(lim) for lim in limits])

    with sp.evaluate(False):
        return [walk(e, frozenset()) for e in exprs]

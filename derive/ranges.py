r"""Assumed ranges of a scalar (``--assume 'x: > 1'``, ``'p: 0 < p < 1'``, ``'p: unit'``) and their substitution.

SymPy's assumptions know signs, not intervals, so ``check`` states a range by a substitution: the
name becomes an expression, in a fresh real symbol, whose values are exactly the range's,

* :math:`x > a`: :math:`x = a + e` with :math:`e > 0` (``excess_x``); :math:`x \ge a`: the same with :math:`e \ge 0`;
* :math:`x < b`: :math:`x = b - d` with :math:`d > 0` (``deficit_x``); :math:`x \le b`: :math:`d \ge 0`;
* a one-sided end may be a polynomial in other names (``'b: <= a'``, ``'y: > 2*x + 1'``): the same maps, the end an
  expression (:math:`b = a - d`), put in after the names with numeric ranges are;
* :math:`a < x < b`: :math:`x = a + (b - a)/(1 + e^{-q})` with :math:`q` real (``logit_x``); ``unit`` is
  :math:`0 < p < 1`, :math:`p = 1/(1 + e^{-q})`;
* a size (a whole summation bound, a positive integer) :math:`n \ge c`: :math:`n = (c - 1) + k` with :math:`k` a
  positive integer (:func:`size_lower_bound`; a size takes a lower bound only); its lower end may be another size plus
  an integer, :math:`n \ge m + c`: :math:`n = m + c + j` with :math:`j` a non-negative integer (:math:`n > m + c`: a
  positive one), where that is at least 1 for every size m (:func:`relative_size`);
* a bounded range with a closed end: the open range, and each closed end as a point (:func:`parts`);
* where the logistic map leaves a bounded range's statement undecided, a range that contains it, one of its
  ends dropped (:func:`widenings`), is tried for a proof only; then the rational maps
  :math:`x = (a r + b)/(1 + r)` and :math:`x = (b r + a)/(1 + r)` with :math:`r > 0` (:func:`remappings`), which keep a
  statement rational in x rational and put the end b (or a) at r = 0 (:math:`T \in (0, 1]`: :math:`T = 1/(1 + r)`,
  so that :math:`x/T = x (1 + r)`).

Soundness: each map is a bijection from its fresh symbol's domain onto the range (:math:`e \mapsto a + e`
maps :math:`(0, \infty)` onto :math:`(a, \infty)` and :math:`[0, \infty)` onto :math:`[a, \infty)`; the
logistic maps :math:`\mathbb{R}` onto :math:`(0, 1)`, continuous and strictly increasing; :math:`r \mapsto
(a r + b)/(1 + r) = b - (b - a) r/(1 + r)` maps :math:`(0, \infty)` onto :math:`(a, b)`, continuous and strictly
decreasing since :math:`r/(1 + r)` increases from 0 towards 1, and its mirror :math:`a + (b - a) r/(1 + r)` likewise), so a
statement holds for every :math:`x` in the range exactly when the substituted statement holds for every
value of the fresh symbol; a counterexample in the fresh symbol is one in :math:`x`, reported with
:math:`x`'s exact value. A closed bounded range is the union of the open range and its ends, so the
statement holds on it exactly when it holds on each part. A derivative by :math:`x` becomes one by the
fresh symbol through the chain rule (the maps' derivatives, 1, -1, :math:`(b - a)\sigma'(q)` and
:math:`\mp(b - a)/(1 + r)^2`, never vanish); at an end point the derivative is taken first (:math:`f'(a)` is :math:`f'` at :math:`a`).
A statement that holds for every :math:`x` of a wider range holds for every :math:`x` of the range (a proof on
:math:`x < b` is one on :math:`a < x < b`); a counterexample on the wider range may lie outside the range and
refutes nothing, so a widening can only prove.

A size's end in another size (``n >= m``): for each positive integer m, :math:`j \mapsto m + c + j` maps the
non-negative integers onto the integers from m + c on, all of them sizes (positive) when :math:`c \ge 0`
(:math:`c \ge -1` for ``n > m + c``, :math:`j \ge 1`), so "for every m and every n >= m + c" is "for every m and every
j"; the sums up to n then run to m + c + j.

An end in other names (``b <= a``): for each value of those names, :math:`d \mapsto a - d` maps :math:`[0, \infty)` onto
:math:`(-\infty, a]`, so "for every a and every b <= a" is "for every a and every d >= 0" (a polynomial end is real
wherever its names are). A derivative by b is one by d at fixed a (the slope -1, as above); a derivative or a
limit by a, or an end in a name that has such an end itself, would mean something else after the substitution
(a moves b with it) and is refused, as is an end in the name itself or in a summation index.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import sympy as sp
from sympy import Basic, Expr

from .parsing import UNIT, ExpressionError, SymbolTable, parse_assumption, parse_expression
from .sign_prover import certified_sign
from .translator import FUNCTIONS, evaluated

__all__ = ["Range", "Substitution", "UNIT_RANGE", "index_declarations", "read_assumptions", "parse_range", "parts", "remappings", "substitute", "widenings",
           "size_lower_bound", "relative_size"]


@dataclass(frozen=True)
class Range:
    """``lower (<|<=) x (<|<=) upper``; ``None`` is an infinite end; ``lower == upper`` (both closed) is a point."""

    lower: Expr | None
    upper: Expr | None
    lower_closed: bool = False
    upper_closed: bool = False
    word: str = field(default="", compare=False)  # "unit" where the user wrote that word for (0, 1)
    # how a bounded open range is substituted: "logistic" (x = a + (b - a) sigma(q)), or a rational map anchored at one
    # end, "upper" (x = (a r + b)/(1 + r), r > 0: r -> 0 is b) or "lower" (x = (b r + a)/(1 + r)): see remappings()
    mapping: str = "logistic"

    @property
    def is_point(self) -> bool:
        return self.lower is not None and self.lower == self.upper

    def text(self, name: str) -> str:
        if self.is_point:
            return f"{name} = {sp.sstr(self.lower)}"
        left = f"{sp.sstr(self.lower)} {'<=' if self.lower_closed else '<'} " if self.lower is not None else ""
        right = f" {'<=' if self.upper_closed else '<'} {sp.sstr(self.upper)}" if self.upper is not None else ""
        if self.lower is not None and self.upper is None:
            return f"{name} {'>=' if self.lower_closed else '>'} {sp.sstr(self.lower)}"
        return f"{left}{name}{right}"


UNIT_RANGE = Range(sp.Integer(0), sp.Integer(1), word=UNIT)

_ONE_SIDED = re.compile(r"^(>=|<=|>|<)\s*(.+)$")
_IN = re.compile(r"^in\s*([\[(])(.*)([\])])$")
_CHAIN = re.compile(r"^(.+?)\s*(<=|<|>=|>)\s*([A-Za-z_]\w*)\s*(<=|<|>=|>)\s*(.+)$")


def _bound(text: str, assumption: str, names: bool = False) -> Expr | None:
    """A range's end: a real constant (``None`` for ``oo``/``-oo`` in the ``in`` form's place of an infinite end);
    with ``names``, also a polynomial with rational coefficients in other names (a one-sided range: ``'b: <= a'``),
    its symbols plain real ones, bound to the statement's by :func:`substitute`."""
    text = text.strip()
    if text in ("oo", "-oo", "+oo"):
        return None
    if _top_level_commas(text):  # 'k: integer, 1 <= k <= n' read as the range (integer, 1) <= k <= n
        raise ExpressionError(f"assumption {assumption!r}: an end of a range is one number, not {text!r}; words and a "
                              "range are two assumptions (--assume 'k: integer' --assume 'k: 1 <= k <= n')")
    value = evaluated(parse_expression(text, SymbolTable(), "a range's end"))
    if value.free_symbols and names:
        if value.atoms(sp.Indexed) or not value.is_polynomial(*value.free_symbols) or \
                any(not c.is_Rational for c in sp.Poly(value, *sorted(value.free_symbols, key=sp.default_sort_key)).coeffs()):
            raise ExpressionError(f"assumption {assumption!r}: an end in other names is a polynomial in them with rational "
                                  f"coefficients, such as 'a', 'a + 1' or '2*a - b', not {text!r}")
        return value.xreplace({v: sp.Symbol(v.name, real=True) for v in value.free_symbols})
    if value.free_symbols:
        raise ExpressionError(f"assumption {assumption!r}: an end of a range is a number such as 1, -log(2) or 1/2, "
                              f"not {text!r} (only a one-sided range may be bounded by other names, e.g. 'b: <= a'; an index of a "
                              "vector of length n is declared 'k: 1 <= k <= n')")
    if value.has(sp.oo, -sp.oo, sp.zoo, sp.nan) or certified_sign(value) is None or not value.is_extended_real:
        raise ExpressionError(f"assumption {assumption!r}: the end {text!r} is not a finite real number")
    return value


def _top_level_commas(text: str) -> list[int]:
    """The positions of the commas of ``text`` outside every bracket (``Rational(1, 2)`` has none; ``integer, 1`` one)."""
    depth, found = 0, []
    for i, ch in enumerate(text):
        depth += (ch in "([") - (ch in ")]")
        if ch == "," and depth == 0:
            found.append(i)
    return found


def _split_comma(inner: str, assumption: str) -> tuple[str, str]:
    commas = _top_level_commas(inner)
    if len(commas) != 1:
        raise ExpressionError(f"assumption {assumption!r}: 'in' takes two ends, e.g. 'x: in (0, 1]' or 'x: in [1, oo)'")
    return inner[:commas[0]], inner[commas[0] + 1:]


def parse_range(name: str, words: str, assumption: str) -> Range | None:
    """The range that ``words`` states for ``name``, or ``None`` when ``words`` are sign words.

    Forms: ``> a``, ``>= a``, ``< b``, ``<= b``; ``a < x < b`` (either ``<`` may be ``<=``, or both
    ``>``/``>=`` from the upper end); ``in (a, b)`` with ``[``/``]`` for a closed end and ``oo`` for none.
    An empty range is refused; a range that is a single sign (``> 0``) is kept as a range all the same."""
    words = words.strip()
    lower: Expr | None = None
    upper: Expr | None = None
    lower_closed = upper_closed = False
    if match := _ONE_SIDED.match(words):
        op, end = match.groups()
        value = _bound(end, assumption, names=True)
        if value is None:
            raise ExpressionError(f"assumption {assumption!r}: compare with a finite number, e.g. '{name}: > 1'")
        if name in {v.name for v in value.free_symbols}:
            raise ExpressionError(f"assumption {assumption!r}: the end names {name!r} itself; state its range in other names")
        if op.startswith(">"):
            lower, lower_closed = value, op == ">="
        else:
            upper, upper_closed = value, op == "<="
    elif match := _IN.match(words):
        left, inner, right = match.groups()
        low_text, high_text = _split_comma(inner, assumption)
        if low_text.strip() in ("oo", "+oo") or high_text.strip() == "-oo":
            raise ExpressionError(f"assumption {assumption!r}: the lower end comes first, e.g. '{name}: in (-oo, 1]'")
        lower, upper = _bound(low_text, assumption), _bound(high_text, assumption)
        lower_closed, upper_closed = left == "[" and lower is not None, right == "]" and upper is not None
    elif match := _CHAIN.match(words):
        first, op1, middle, op2, last = match.groups()
        if middle != name:
            raise ExpressionError(f"assumption {assumption!r}: the middle of the chain must be {name!r}, e.g. '{name}: 0 < {name} < 1'")
        if op1[0] != op2[0]:
            raise ExpressionError(f"assumption {assumption!r}: write the chain one way, e.g. '{name}: 0 < {name} <= 1'")
        if op1.startswith("<"):
            lower, upper = _bound(first, assumption), _bound(last, assumption)
            lower_closed, upper_closed = op1 == "<=", op2 == "<="
        else:
            lower, upper = _bound(last, assumption), _bound(first, assumption)
            lower_closed, upper_closed = op2 == ">=", op1 == ">="
        if lower is None or upper is None:
            raise ExpressionError(f"assumption {assumption!r}: a chain takes finite ends; write '{name}: > a' for a half-line")
    else:
        return None
    if lower is None and upper is None:  # in (-oo, oo): every real, no substitution (read_assumptions)
        return Range(None, None)
    if lower is not None and upper is not None:
        gap = certified_sign(evaluated(upper - lower))  # both numbers: only a one-sided range takes names
        if gap == 0 and lower_closed and upper_closed:
            return Range(lower, upper, True, True)
        if gap != 1:
            raise ExpressionError(f"assumption {assumption!r} is an empty range (or one whose ends cannot be ordered); "
                                  "give the smaller end first")
    return Range(lower, upper, lower_closed, upper_closed)


_INDEX = re.compile(r"^\s*([A-Za-z_]\w*)\s*:\s*(?:1\s*<=\s*([A-Za-z_]\w*)\s*<=\s*([A-Za-z_]\w*)"
                    r"|in\s*\[\s*1\s*,\s*([A-Za-z_]\w*)\s*\])\s*$")


def index_declarations(texts: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Split off the declarations of an index, ``'k: 1 <= k <= n'`` or ``'k: in [1, n]'``: the other texts, with each
    declaration replaced by ``'k: integer'``, and ``{k: n}``.

    This is what ``check`` assumes of a subscript anyway (``x[k]`` with ``k`` an integer: ``1 <= k <= n`` where the
    statement has one size ``n``, :class:`~softproof.derive.check.Problem`), written out; ``parse_problem`` refuses a
    declaration that is not that reading (``k`` no subscript, or ``n`` not the statement's one size), so that a
    declared range is never silently read as another. Ranges with other ends (``2 <= k <= n``) are not indices of
    the whole vector and are refused as before (an end of a range is a number)."""
    rest: list[str] = []
    declared: dict[str, str] = {}
    for text in texts:
        match = _INDEX.match(text)
        if match is None or (match.group(2) is not None and match.group(2) != match.group(1)):
            rest.append(text)
            continue
        name, size = match.group(1), match.group(3) or match.group(4)
        if size == name:
            raise ExpressionError(f"assumption {text!r}: the end names {name!r} itself; an index runs to the vector's "
                                  f"length, e.g. '{name}: 1 <= {name} <= n'")
        declared[name] = size
        rest.append(f"{name}: integer")
    return rest, declared


def read_assumptions(texts: Sequence[str]) -> tuple[dict[str, dict[str, bool]], dict[str, Range]]:
    """``--assume`` texts -> (sign words per name, ranges per name); a name assumed twice is refused.

    A range's name is a real symbol in the table (it is substituted away, :func:`substitute`); ``unit`` keeps
    its words (``unit positive``) and is the range (0, 1)."""
    words: dict[str, dict[str, bool]] = {}
    ranges: dict[str, Range] = {}
    for text in texts:
        name_part, colon, rest = text.partition(":")
        found = parse_range(name_part.strip(), rest, text) if colon and name_part.strip() else None
        if found is not None:
            name, given = parse_assumption(f"{name_part}: real")  # the name's own checks (a plain identifier, not a function)
        else:
            name, given = parse_assumption(text)
            if given.get(UNIT):
                found = UNIT_RANGE
        if name in words:
            raise ExpressionError(f"'{name}' is assumed twice; give all its words in one --assume, e.g. '{name}: positive integer'")
        words[name] = given
        if found is not None and (found.lower is not None or found.upper is not None):
            ranges[name] = found
    return words, ranges


def parts(ranges: Mapping[str, Range]) -> list[dict[str, Range]]:
    """The ranges split into parts without a closed bounded end: the open ranges first, then each closed end alone
    (``0 <= x <= 1``: ``0 < x < 1``, ``x = 0``, ``x = 1``; two such names: every combination)."""
    out: list[dict[str, Range]] = [{}]
    for name, r in ranges.items():
        choices = [r]
        if r.lower is not None and r.upper is not None and not r.is_point and (r.lower_closed or r.upper_closed):
            choices = [Range(r.lower, r.upper)]
            choices += [Range(r.lower, r.lower, True, True)] if r.lower_closed else []
            choices += [Range(r.upper, r.upper, True, True)] if r.upper_closed else []
        out = [{**part, name: choice} for part in out for choice in choices]
    return out


def size_lower_bound(name: str, r: Range) -> int:
    """The least size a lower-bound range allows: a size (a whole summation bound) is a positive integer, and
    for an integer ``n``, ``n > a`` is ``n >= floor(a) + 1`` and ``n >= a`` is ``n >= ceil(a)``; at least 1.
    :func:`substitute` reads ``n >= c`` as ``n = (c - 1) + k`` with ``k`` a positive integer, a one-to-one map of
    the positive integers onto the integers from ``c`` on (the sums' bounds become ``k + c - 1``)."""
    if r.lower is None or r.upper is not None:
        raise ExpressionError(f"'{name}' is a size (a summation bound, a positive integer): give it a lower bound only, "
                              f"such as '{name}: >= 2'")
    end = evaluated(r.lower)
    least = sp.floor(end) + 1 if not r.lower_closed else sp.ceiling(end)
    if not least.is_Integer:
        raise ExpressionError(f"'{name}: {r.text(name)}': the lower end {sp.sstr(r.lower)} could not be placed between "
                              "integers; write an integer")
    return max(int(least), 1)


def relative_size(name: str, r: Range) -> tuple[Expr, bool]:
    """A size's lower end in another size, ``'n: >= m + c'`` (or ``> m + c``), c an integer: (m + c, closed). Refused
    unless the end is one size plus an integer and every size m gives an n of at least 1 (c >= 0; c >= -1 for ``>``),
    so that n = m + c + j (j >= 0; j >= 1 for ``>``) ranges over sizes only (see the module docstring)."""
    hint = f"such as '{name}: >= m' or '{name}: > m + 1', m another size"
    if r.lower is None or r.upper is not None:
        raise ExpressionError(f"'{name}' is a size (a summation bound, a positive integer): give it a lower bound only, {hint}")
    end = evaluated(r.lower)
    names = [v for v in end.free_symbols if isinstance(v, sp.Symbol)]
    if len(names) == 1 and names[0].is_integer is True and names[0].is_positive is not True:
        raise ExpressionError(f"'{name}: {r.text(name)}': {names[0].name} is an integer of unknown sign here (a name inside a "
                              f"summation bound), and a size's end must be a size; assume '{names[0].name}: positive integer'")
    if len(names) != 1 or names[0].is_integer is not True or names[0].is_positive is not True:
        raise ExpressionError(f"'{name}: {r.text(name)}': the lower end of a size is a number or another size plus an "
                              f"integer ({', '.join(sorted(v.name for v in names))} is no size here), {hint}")
    constant = evaluated(end - names[0])
    if not constant.is_Integer:
        raise ExpressionError(f"'{name}: {r.text(name)}': the lower end of a size is another size plus an integer, {hint}")
    if int(constant) < (0 if r.lower_closed else -1):
        raise ExpressionError(f"'{name}: {r.text(name)}': at {names[0].name} = 1 that allows sizes below 1; {hint}")
    return end, r.lower_closed


def widenings(part: Mapping[str, Range]) -> list[tuple[str, dict[str, Range]]]:
    """For each open bounded range of ``part`` (a part of :func:`parts`), the part with that range's upper end
    dropped, then with its lower end dropped (``a < x < b``: ``x > a``, then ``x < b``), each with the name whose
    range is wider. Each contains the part, so a proof on it is one on the part (see the module docstring);
    a one-sided map (``x = b - d``) can decide what the logistic map does not (``exp(x) <= 1/(1 - x)`` on
    ``0 < x < 1``)."""
    out: list[tuple[str, dict[str, Range]]] = []
    for name, r in part.items():
        if r.lower is None or r.upper is None or r.is_point:
            continue
        for wider in (Range(r.lower, None), Range(None, r.upper)):
            out.append((name, {**part, name: wider}))
    return out


def remappings(part: Mapping[str, Range]) -> list[tuple[str, dict[str, Range]]]:
    """For each open bounded range of ``part``, the same part with that range substituted by the rational map anchored
    at its upper end, then at its lower end (see the module docstring). Each is the same range, so a proof and a
    counterexample on it are both valid for the part."""
    out: list[tuple[str, dict[str, Range]]] = []
    for name, r in part.items():
        if r.lower is None or r.upper is None or r.is_point or r.lower_closed or r.upper_closed:
            continue
        for mapping in ("upper", "lower"):
            out.append((name, {**part, name: replace(r, mapping=mapping)}))
    return out


@dataclass(frozen=True)
class Substitution:
    """``name`` = ``value`` (an expression in ``fresh``, or a constant for a point), with the note that says so."""

    name: str
    symbol: sp.Symbol
    fresh: sp.Symbol | None
    value: Expr
    note: str
    inverse_slope: Expr  # d(fresh)/dx: 1, -1 or 1/((b - a) sigma'(q)) (1 for a point: unused)


def _logistic(q: sp.Symbol) -> Expr:
    """1/(1 + e^-q) as the parser writes ``sigmoid(q)``, unevaluated (so that the domain reads its division)."""
    sigmoid = FUNCTIONS["sigmoid"]
    assert sigmoid is not None  # only diff, Sum and limit are None (built by the translator itself)
    with sp.evaluate(False):
        return sigmoid(q)


def _plus(a: Expr) -> str:
    """``a + `` as the start of a sum, nothing for 0."""
    return "" if a == 0 else f"{sp.sstr(a)} + "


def _fresh(stem: str, taken: set[str]) -> str:
    while stem in taken:
        stem += "_"
    taken.add(stem)
    return stem


def _substitution(name: str, symbol: sp.Symbol, r: Range, taken: set[str]) -> Substitution:
    what = r.text(name)
    if symbol.is_integer and _end_names(r):  # a size above another: n = m + c + j, j = 0, 1, ... (1, 2, ... for >)
        end, closed = relative_size(name, r)
        j = sp.Symbol(_fresh(f"excess_{name}", taken), integer=True, **({"nonnegative": True} if closed else {"positive": True}))
        with sp.evaluate(False):
            value = sp.Add(end, j)
        return Substitution(name, symbol, j, value, f"{what} is read as {name} = {sp.sstr(end)} + {j} with {j} a "
                            f"{'non-negative' if closed else 'positive'} integer (every size from {sp.sstr(end)}"
                            f"{'' if closed else ' + 1'} on, and only those)", sp.Integer(1))
    if symbol.is_integer:  # a size (a whole summation bound, parsing.parse_sides): n = (c - 1) + k, k = 1, 2, ...
        least = size_lower_bound(name, r)
        k = sp.Symbol(_fresh(f"excess_{name}", taken), integer=True, positive=True)
        with sp.evaluate(False):
            value = sp.Add(least - 1, k) if least > 1 else k
        return Substitution(name, symbol, k, value, f"{what} is read as {name} = {_plus(sp.Integer(least - 1))}{k} with {k} a "
                            f"positive integer ({name} a size: every integer from {least} on, and only those)", sp.Integer(1))
    if r.is_point:
        assert r.lower is not None
        return Substitution(name, symbol, None, r.lower, f"{what}: the closed end of the assumed range, decided on its own", sp.Integer(1))
    if r.lower is not None and r.upper is not None and (r.lower_closed or r.upper_closed):
        raise ValueError(f"{what}: a closed end is decided on its own; split the range with parts() first")
    with sp.evaluate(False):
        if r.lower is not None and r.upper is not None and r.mapping != "logistic":
            rr = sp.Symbol(_fresh(f"ratio_{name}", taken), real=True, positive=True)
            anchor, other = (r.upper, r.lower) if r.mapping == "upper" else (r.lower, r.upper)
            # (other r + anchor)/(1 + r): anchor at r = 0, other as r -> oo; d/dr = (other - anchor)/(1 + r)^2
            value = sp.Mul(sp.Add(sp.Mul(other, rr), anchor), sp.Pow(sp.Add(1, rr), -1))
            inverse = sp.Mul(sp.Pow(sp.Add(1, rr), 2), sp.Pow(evaluated(other - anchor), -1))
            shown = sp.sstr(evaluated((other * rr + anchor) / (1 + rr)))
            return Substitution(name, symbol, rr, value, f"{what} is read as {name} = {shown} with {rr} > 0 (every value in "
                                f"({sp.sstr(r.lower)}, {sp.sstr(r.upper)}) is one such value, and only those)", inverse)
        if r.lower is not None and r.upper is not None:
            q = sp.Symbol(_fresh(f"logit_{name}", taken), real=True)
            inverse = sp.Mul(sp.Pow(sp.Add(1, sp.exp(sp.Mul(-1, q))), 2), sp.exp(q))  # 1/sigma'(q) = (1 + e^-q)^2 e^q
            if r == UNIT_RANGE:
                value, shown = _logistic(q), f"1/(1 + exp(-{q}))"
            else:
                width = evaluated(r.upper - r.lower)  # b - a, a positive number (parse_range certified it)
                value = sp.Add(r.lower, sp.Mul(width, _logistic(q)))
                shown = f"{_plus(r.lower)}{sp.sstr(width) if width.is_Atom else f'({sp.sstr(width)})'}/(1 + exp(-{q}))"
                inverse = sp.Mul(inverse, sp.Pow(width, -1))
            label = f"{name}: unit (0 < {name} < 1)" if r.word == UNIT else what
            return Substitution(name, symbol, q, value, f"{label} is read as {name} = {shown} with {q} real "
                                f"(every value in ({sp.sstr(r.lower)}, {sp.sstr(r.upper)}) is one such value, and only those)", inverse)
        closed = r.lower_closed if r.lower is not None else r.upper_closed
        sign = {"nonnegative": True} if closed else {"positive": True}
        if r.lower is not None:
            e = sp.Symbol(_fresh(f"excess_{name}", taken), real=True, **sign)
            value, slope, shown = sp.Add(r.lower, e), sp.Integer(1), f"{_plus(r.lower)}{e}"
        else:
            assert r.upper is not None
            e = sp.Symbol(_fresh(f"deficit_{name}", taken), real=True, **sign)
            value, slope, shown = sp.Add(r.upper, sp.Mul(-1, e)), sp.Integer(-1), f"{sp.sstr(r.upper)} - {e}"
    return Substitution(name, symbol, e, value, f"{what} is read as {name} = {shown} with {e} {'>=' if closed else '>'} 0", slope)


def _end_names(r: Range) -> set[sp.Symbol]:
    """The names a range's ends are written in (none for numbers)."""
    return {v for end in (r.lower, r.upper) if end is not None for v in end.free_symbols}


def _bound_to(table: SymbolTable, ranges: Mapping[str, Range]) -> dict[str, Range]:
    """``ranges`` with the names of their ends made the statement's own symbols (a name the statement does not use
    stays a real symbol of its own: "for every a, every b <= a" is then "every b"). Refused: an end in a summation
    index or a vector's name, in a name that is not real, or in a name whose own range has an end in names."""
    out: dict[str, Range] = {}
    for name, r in ranges.items():
        names = _end_names(r)
        if not names:
            out[name] = r
            continue
        binding = {}
        for v in names:
            if v.name in table.bound_names or v.name not in table.symbols and v.name in table.free_names:
                raise ExpressionError(f"'{r.text(name)}': {v.name} is a summation index or a vector here; an end names scalars")
            if v.name in ranges and _end_names(ranges[v.name]):
                raise ExpressionError(f"'{r.text(name)}': {v.name}'s own range is in other names; chains of ranges between "
                                      "names are not supported (state one of them as a number)")
            symbol = table.symbols.get(v.name, v)
            if not symbol.is_real:
                raise ExpressionError(f"'{r.text(name)}': {v.name} is not known to be real; assume it, e.g. '{v.name}: real'")
            binding[v] = symbol
        out[name] = replace(r, lower=None if r.lower is None else r.lower.xreplace(binding),
                            upper=None if r.upper is None else r.upper.xreplace(binding))
    return out


def _refuse_moved_ends(sides: Sequence[Basic], ranges: Mapping[str, Range], table: SymbolTable) -> None:
    """A derivative or a limit by a name that bounds another's range means, after the substitution, one that moves the
    bounded name along: refused (see the module docstring)."""
    ends = {v for name, r in ranges.items() if name in table.symbols for v in _end_names(r)}
    for side in sides:
        for d in side.atoms(sp.Derivative):
            if moved := {v for v, _ in d.variable_count} & ends:
                raise ExpressionError(f"a derivative by {', '.join(sorted(v.name for v in moved))}, which bounds another name's "
                                      "assumed range, is not supported; state that range as a number")
        for lim in side.atoms(sp.Limit):
            if lim.args[1] in ends:
                raise ExpressionError(f"a limit in {lim.args[1]}, which bounds another name's assumed range, is not supported; "
                                      "state that range as a number")


def substitute(sides: Sequence[Basic], table: SymbolTable, ranges: Mapping[str, Range]) -> tuple[list[Basic], tuple[Substitution, ...]]:
    """Each ranged scalar of ``sides`` replaced by its expression in a fresh symbol (see the module docstring).

    A derivative by a ranged name becomes one by the fresh symbol divided by the map's slope (the chain rule);
    at a point, the derivative is evaluated first, then the point put in."""
    taken = set(table.free_names) | set(table.bound_names)
    ranges = _bound_to(table, ranges)
    numeric = [name for name in sorted(ranges) if name in table.symbols and not _end_names(ranges[name])]
    relative = [name for name in sorted(ranges) if name in table.symbols and _end_names(ranges[name])]
    subs = [_substitution(name, table.symbols[name], ranges[name], taken) for name in numeric]
    first = {s.symbol: s.value for s in subs}
    for name in relative:  # an end in other names: those names' own substitutions put in (b <= a, a > 0: b = e - d)
        s = _substitution(name, table.symbols[name], ranges[name], taken)
        subs.append(replace(s, value=s.value.xreplace(first)))
    if not subs:
        return list(sides), ()
    _refuse_moved_ends(sides, ranges, table)
    by_symbol = {s.symbol: s for s in subs}
    mapping = {s.symbol: s.value for s in subs}

    def chain_rule(d: sp.Derivative) -> Basic:
        if any(v in by_symbol and by_symbol[v].fresh is None for v, _ in d.variable_count):
            with sp.evaluate(True):
                out = d.doit()  # f'(a): differentiate in x, then the point is put in (below)
            if out.has(sp.Derivative):
                names = ", ".join(s.name for s in subs if s.fresh is None)
                raise ExpressionError(f"the derivative at the closed end ({names}) could not be evaluated; "
                                      "assume the open range instead")
            return out
        out = d.expr.xreplace(mapping)
        for variable, count in d.variable_count:
            s = by_symbol.get(variable)
            if s is None:
                out = sp.Derivative(out, (variable, count))
                continue
            assert s.fresh is not None
            for _ in range(int(evaluated(count))):
                out = sp.Derivative(out, s.fresh)
                out = out if s.inverse_slope == 1 else sp.Mul(out, s.inverse_slope)
        return out

    with sp.evaluate(False):
        out = [side.replace(lambda e: isinstance(e, sp.Derivative) and any(v in by_symbol for v, _ in e.variable_count), chain_rule)
               for side in sides]
        return [side.xreplace(mapping) for side in out], tuple(subs)

"""An independent judge of ``check`` statements: mpmath on the text itself, at 900 digits.

Nothing here uses SymPy or softproof's parser: the statement's text is read with
Python's ``ast`` and evaluated with mpmath's real functions by the textbook
definitions (``Sum`` is a loop with Karr's convention for reversed ranges, ``diff`` is
mpmath's numerical derivative at 900 digits, ``sigmoid(t) = 1/(1 + e^-t)``).  A value
that is undefined over the reals (log of a non-positive number, division by 0, a
fractional power of a negative number) raises :class:`Undefined`.

A point maps scalar names to numbers, vector names to ``{index: value}`` and size and
index names to integers.  ``violated`` says whether the relation certainly fails there:
at 900 digits a gap beyond 1e-600 is no rounding artefact of these small expressions.
"""

from __future__ import annotations

import ast
import itertools
import math
import random
import re
from collections.abc import Callable, Iterator, Mapping
from fractions import Fraction
from typing import Any

import mpmath

DPS = 900
TOLERANCE = mpmath.mpf(10) ** -600
Point = dict[str, Any]


class Undefined(ArithmeticError):
    """The text has no real value at this point."""


class TooLarge(ArithmeticError):
    """An exp of an argument beyond :data:`EXP_LIMIT` in size: its value would take more memory than
    the machine has (``cosh(cosh(exp(40)))`` is e^(e^(1.2e17)); its binary exponent alone has 1.7e17
    bits), so the oracle gives no judgement there rather than run out of memory. Below the limit the
    exponent of the result has at most about 1000 bits (e^(-2e31), from T = 1e-30, is judged as before)."""


EXP_LIMIT = mpmath.mpf(2) ** 1000


def _guarded(f: Callable[[mpmath.mpf], mpmath.mpf]) -> Callable[[mpmath.mpf], mpmath.mpf]:
    def apply(u: mpmath.mpf) -> mpmath.mpf:
        if abs(u) > EXP_LIMIT:
            raise TooLarge(f"{f.__name__} of an argument beyond 2^1000")
        return f(u)

    return apply


_exp = _guarded(mpmath.exp)


def _log(u: mpmath.mpf, base: mpmath.mpf | None = None) -> mpmath.mpf:
    if u <= 0 or (base is not None and (base <= 0 or base == 1)):
        raise Undefined("log of a non-positive number")
    return mpmath.log(u) if base is None else mpmath.log(u) / mpmath.log(base)


def _log1p(u: mpmath.mpf) -> mpmath.mpf:
    if u <= -1:
        raise Undefined("log1p of a number <= -1")
    return mpmath.log1p(u)


def _sqrt(u: mpmath.mpf) -> mpmath.mpf:
    if u < 0:
        raise Undefined("sqrt of a negative number")
    return mpmath.sqrt(u)


FUNCTIONS: dict[str, Callable[..., mpmath.mpf]] = {
    "exp": _exp, "log": _log, "ln": _log, "log1p": _log1p, "expm1": _guarded(mpmath.expm1), "sqrt": _sqrt,
    "tanh": mpmath.tanh, "sinh": _guarded(mpmath.sinh), "cosh": _guarded(mpmath.cosh), "Abs": abs,
    "Max": lambda *a: max(a), "Min": lambda *a: min(a), "sigmoid": lambda t: 1 / (1 + _exp(-t)),
    "Rational": lambda p, q: mpmath.mpf(p) / q,
    "max": lambda *a: max(a), "min": lambda *a: min(a), "abs": abs,
    "softplus": lambda t: mpmath.log1p(_exp(t)), "log_sigmoid": lambda t: -mpmath.log1p(_exp(-t)),
    "logit": lambda p: _log(p) - _log(1 - p) if 0 < p < 1 else _log(-1),
    "logsumexp": lambda *a: _log(mpmath.fsum(_exp(t) for t in a)),
}
CONSTANTS = {"E": mpmath.e, "pi": mpmath.pi}


def _power(base: mpmath.mpf, exponent: mpmath.mpf) -> mpmath.mpf:
    if exponent == int(exponent):
        if base == 0 and exponent < 0:
            raise Undefined("division by zero")
        return mpmath.power(base, int(exponent))
    if base < 0 or (base == 0 and exponent < 0):
        raise Undefined("fractional power of a negative number")
    return mpmath.power(base, exponent)


def _num(v: Any) -> mpmath.mpf:
    if isinstance(v, Fraction):
        return mpmath.mpf(v.numerator) / v.denominator
    return mpmath.mpf(v)


class _Evaluator:
    def __init__(self, point: Mapping[str, Any]) -> None:
        self.point = point
        self.bound: dict[str, int] = {}

    def value(self, node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            text = repr(node.value)
            return mpmath.mpf(Fraction(text).numerator) / Fraction(text).denominator if isinstance(node.value, float) else mpmath.mpf(node.value)
        if isinstance(node, ast.Name):
            if node.id in self.bound:
                return self.bound[node.id]
            if node.id in CONSTANTS:
                return +CONSTANTS[node.id]
            return _num(self.point[node.id])
        if isinstance(node, ast.UnaryOp):
            v = self.value(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = self.value(node.left), self.value(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            if isinstance(node.op, ast.Div):
                if b == 0:
                    raise Undefined("division by zero")
                return a / b
            if isinstance(node.op, ast.Pow):
                return _power(a, b)
        if isinstance(node, ast.Subscript):
            index = int(self.value(node.slice))
            return _num(self.point[node.value.id][index])  # type: ignore[union-attr]
        if isinstance(node, ast.Call):
            name = node.func.id  # type: ignore[union-attr]
            if name == "Sum":
                return self._sum(node)
            if name == "diff":
                return self._diff(node)
            if name == "Piecewise":
                return self._piecewise(node)
            return FUNCTIONS[name](*(self.value(a) for a in node.args))
        raise ValueError(f"no rule for {ast.dump(node)}")

    def _sum(self, node: ast.Call) -> mpmath.mpf:
        var, lo_node, hi_node = node.args[1].elts  # type: ignore[attr-defined]
        lo, hi = int(self.value(lo_node)), int(self.value(hi_node))
        sign = 1
        if hi < lo - 1:  # Karr: sum_{lo}^{hi} = -sum_{hi+1}^{lo-1}
            lo, hi, sign = hi + 1, lo - 1, -1
        saved = self.bound.get(var.id)
        total = mpmath.mpf(0)
        for i in range(lo, hi + 1):
            self.bound[var.id] = i
            total += self.value(node.args[0])
        if saved is None:
            self.bound.pop(var.id, None)
        else:
            self.bound[var.id] = saved
        return sign * total

    def _piecewise(self, node: ast.Call) -> mpmath.mpf:
        """The value of the first branch whose condition holds (``True``, or one comparison ``a < b``, ``a <= b``...);
        only that branch is evaluated."""
        for branch in node.args:
            value, condition = branch.elts  # type: ignore[attr-defined]
            if isinstance(condition, ast.Constant) and condition.value is True:
                return self.value(value)
            a, b = self.value(condition.left), self.value(condition.comparators[0])  # type: ignore[attr-defined]
            holds = {ast.Lt: a < b, ast.LtE: a <= b, ast.Gt: a > b, ast.GtE: a >= b}[type(condition.ops[0])]  # type: ignore[attr-defined]
            if holds:
                return self.value(value)
        raise Undefined("no branch of the Piecewise holds")

    def _diff(self, node: ast.Call) -> mpmath.mpf:
        body, target = node.args[0], node.args[1]
        order = int(self.value(node.args[2])) if len(node.args) > 2 else 1
        if isinstance(target, ast.Subscript):
            name, index = target.value.id, int(self.value(target.slice))  # type: ignore[union-attr]
            at = _num(self.point[name][index])

            def f(t: mpmath.mpf) -> mpmath.mpf:
                entries = dict(self.point[name])
                entries[index] = t
                return _Evaluator({**self.point, name: entries}).value(body)
        else:
            name = target.id  # type: ignore[union-attr]
            at = _num(self.point[name])

            def f(t: mpmath.mpf) -> mpmath.mpf:
                return _Evaluator({**self.point, name: t}).value(body)
        return mpmath.diff(f, at, order)


def evaluate(text: str, point: Mapping[str, Any]) -> mpmath.mpf:
    """The real value of ``text`` at ``point`` at 900 digits; :class:`Undefined` where it has none."""
    with mpmath.workdps(DPS):
        try:
            return +_Evaluator(point).value(ast.parse(text.strip(), mode="eval").body)
        except ZeroDivisionError:
            raise Undefined("division by zero") from None


def judgeable(lhs: str, rhs: str, point: Mapping[str, Any]) -> bool:
    """False where a side needs an exp beyond :data:`EXP_LIMIT` (:class:`TooLarge`): no judgement there."""
    try:
        for side in (lhs, rhs):
            evaluate(side, point)
    except TooLarge:
        return False
    except (Undefined, KeyError, ValueError, OverflowError):
        pass
    return True


def violated(lhs: str, rhs: str, relation: str, point: Mapping[str, Any]) -> bool:
    """Both sides are defined at ``point`` and ``lhs relation rhs`` certainly fails there."""
    try:
        gap = evaluate(lhs, point) - evaluate(rhs, point)
    except (Undefined, TooLarge, KeyError, ValueError, OverflowError):
        return False
    return {
        "==": abs(gap) > TOLERANCE,
        "<=": gap > TOLERANCE,
        "<": gap > -TOLERANCE,
        ">=": gap < -TOLERANCE,
        ">": gap < TOLERANCE,
    }[relation]


def names(text: str) -> tuple[set[str], set[str], set[str]]:
    """(scalars, vectors, integers) named free in ``text``: integers are indices and summation bounds."""
    tree = ast.parse(text.strip(), mode="eval")
    bound = {c.args[1].elts[0].id for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "Sum"}  # type: ignore[attr-defined]
    vectors = {s.value.id for s in ast.walk(tree) if isinstance(s, ast.Subscript)}  # type: ignore[attr-defined]
    integers = {n.id for s in ast.walk(tree) if isinstance(s, ast.Subscript) for n in ast.walk(s.slice) if isinstance(n, ast.Name)}
    for c in ast.walk(tree):
        if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "Sum":
            integers |= {n.id for lim in c.args[1].elts[1:] for n in ast.walk(lim) if isinstance(n, ast.Name)}  # type: ignore[attr-defined]
    called = {c.func.id for c in ast.walk(tree) if isinstance(c, ast.Call)}  # type: ignore[attr-defined]
    every = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    free_outside = _free_outside_sums(tree)
    integers = (integers - bound) | (integers & free_outside)
    scalars = (every - bound - vectors - integers - called - set(CONSTANTS)) | (free_outside - vectors - integers - called - set(CONSTANTS))
    return scalars, vectors, integers


def _free_outside_sums(tree: ast.AST) -> set[str]:
    """Names that occur outside the body of every Sum that binds them."""
    found: set[str] = set()

    def walk(node: ast.AST, bound: frozenset[str]) -> None:
        if isinstance(node, ast.Name) and node.id not in bound:
            found.add(node.id)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Sum" and len(node.args) == 2:
            var = node.args[1].elts[0].id  # type: ignore[attr-defined]
            for lim in node.args[1].elts[1:]:  # type: ignore[attr-defined]
                walk(lim, bound)
            walk(node.args[0], bound | {var})
            return
        for child in ast.iter_child_nodes(node):
            walk(child, bound)

    walk(tree, frozenset())
    return found


def _bare_bounds(text: str) -> set[str]:
    tree = ast.parse(text.strip(), mode="eval")
    return {lim.id for c in ast.walk(tree) if isinstance(c, ast.Call) and getattr(c.func, "id", "") == "Sum"
            for lim in c.args[1].elts[1:] if isinstance(lim, ast.Name)}  # type: ignore[attr-defined]


UNIT_VALUES = (Fraction(1, 2), Fraction(1, 3), Fraction(2, 3), Fraction(1, 10), Fraction(9, 10), Fraction(1, 1000),
               Fraction(999, 1000), Fraction(1, 4))
SCALARS = (0, 1, -1, 2, -2, Fraction(1, 2), Fraction(-1, 3), 3, -5, 10, -20, 40, -40, Fraction(1, 10**30))


def _rational_range(words: str) -> tuple[Fraction | None, Fraction | None, bool, bool] | None:
    """'> a', '>= a', '< b', '<= b', 'a < x < b' (either '<' may be '<='), rational ends only; else None."""
    if m := re.fullmatch(r"\s*(>=|<=|>|<)\s*(-?[\d/]+)\s*", words):
        op, end = m.group(1), Fraction(m.group(2))
        return (end, None, op == ">=", False) if op[0] == ">" else (None, end, False, op == "<=")
    if m := re.fullmatch(r"\s*(-?[\d/]+)\s*(<=|<)\s*\w+\s*(<=|<)\s*(-?[\d/]+)\s*", words):
        return Fraction(m.group(1)), Fraction(m.group(4)), m.group(2) == "<=", m.group(3) == "<="
    return None


def points(lhs: str, rhs: str, assumptions: Mapping[str, str], seed: int = 0, count: int = 200) -> Iterator[Point]:
    """Candidate points respecting the assumptions' signs: small values, ties, big gaps, negative bounds."""
    scalars, vectors, integers = names(f"({lhs}) + ({rhs})")
    bare_bounds = _bare_bounds(f"({lhs}) + ({rhs})")  # softproof infers these to be positive integers
    rng = random.Random(seed)
    for trial in range(count):
        size = rng.choice((1, 2, 3, 4))
        tie = rng.choice(SCALARS) if trial % 4 == 1 else None
        point: Point = {}

        def draw(name: str, tie: Any = tie) -> Any:
            words = assumptions.get(name, "")
            if "unit" in words.split():  # 0 < v < 1
                return rng.choice(UNIT_VALUES)
            if (bounds := _rational_range(words)) is not None:  # a range with rational ends: near the ends, inside
                low, high, low_closed, high_closed = bounds
                if low is not None and high is not None:
                    t = rng.choice(UNIT_VALUES + ((Fraction(0),) if low_closed else ()) + ((Fraction(1),) if high_closed else ()))
                    return low + (high - low) * t
                offset = rng.choice((Fraction(1, 10**6), Fraction(1, 1000), Fraction(1, 2), Fraction(1), Fraction(3), Fraction(40)))
                offset = Fraction(0) if (low_closed or high_closed) and rng.random() < 0.2 else offset
                return low + offset if low is not None else high - offset
            v = tie if tie is not None else rng.choice(SCALARS)
            if "positive" in words.split() and v <= 0:
                v = -v + 1
            if "nonnegative" in words.split():
                v = abs(v)
            if "negative" in words.split() and v >= 0:
                v = -v - 1
            if "nonzero" in words.split() and v == 0:
                v = rng.choice((Fraction(1, 1000), Fraction(-1, 1000), Fraction(1), Fraction(-1)))
            return v

        for name in sorted(integers):
            words = assumptions.get(name, "")
            if name in bare_bounds and (bounds := _rational_range(words)) is not None and bounds[0] is not None:
                low, _, low_closed, _ = bounds  # a size at least low ('n: >= 2'): its least value and the next three
                least = math.ceil(low) if low_closed else math.floor(low) + 1
                point[name] = max(least, 1) + size - 1
            elif "positive" in words.split() or name in ("n", "N") or (name in bare_bounds and not words):
                point[name] = size if name in ("n", "N") else rng.randint(1, 4)
            elif "nonnegative" in words.split():
                point[name] = rng.randint(0, 4)
            else:
                point[name] = rng.randint(-3, 6)
        n = point.get("n", size)
        for name in sorted(integers):
            if name in ("i", "j", "k", "c"):
                point[name] = rng.randint(1, max(1, int(n)))
        for name in sorted(scalars):
            point[name] = draw(name)
        top = max([10, *(int(v) + 1 for v in point.values() if isinstance(v, int))])  # entries up to the largest size
        for name in sorted(vectors):
            point[name] = {i: draw(name) for i in range(-6, top)}
        yield point


def _moderate(point: Mapping[str, Any]) -> bool:
    """No tiny non-zero value: a strict relation's tie is then a real tie, not exp(-1e31) lost below 1e-600."""
    values = [v for x in point.values() for v in (x.values() if isinstance(x, dict) else [x])]
    return all(v == 0 or abs(v) >= Fraction(1, 1000) for v in values)


def witness(lhs: str, rhs: str, relation: str, assumptions: Mapping[str, str], count: int = 200) -> Point | None:
    """A point where the statement certainly fails, or None (it may be true).

    For a strict relation a gap within 1e-600 of 0 counts as a tie only at a moderate point
    (entries 0 or at least 1e-3 in size): there no gap of these expressions is that small
    unless it is exactly 0."""
    for point in itertools.islice(points(lhs, rhs, assumptions, count=count), count):
        if relation in ("<", ">") and not _moderate(point):
            continue
        if violated(lhs, rhs, relation, point):
            return point
    return None

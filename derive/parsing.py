"""A whitelist parser for untrusted expressions in SymPy syntax.

The text is parsed by Python's :mod:`ast` (never evaluated, never passed to
``sympify``) and the tree is translated node by node into SymPy objects.
Only numbers, names, ``+ - * / **``, unary minus, subscripts ``x[i]``,
tuples (for ``Sum`` limits) and calls of the functions in :data:`FUNCTIONS`
are accepted; anything else -- attribute access, lambdas, comprehensions,
keyword arguments, strings, dunder names -- is an :class:`ExpressionError`
that names the problem.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

__all__ = ["ExpressionError", "SymbolTable", "parse_expression", "parse_assumption", "FUNCTIONS"]


class ExpressionError(ValueError):
    """The input text is not an admissible expression; the message says why and how to fix it."""


def _sigmoid(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))


def _log(*args: sp.Expr) -> sp.Expr:
    if len(args) not in (1, 2):
        raise ExpressionError("log takes 1 or 2 arguments: log(x) or log(x, base)")
    return sp.log(*args)


FUNCTIONS: dict[str, Callable[..., Any] | None] = {  # None: handled by the translator itself
    "exp": sp.exp, "log": _log, "ln": sp.log, "log1p": log1p, "expm1": expm1, "sqrt": sp.sqrt,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "Max": sp.Max, "Min": sp.Min, "Abs": sp.Abs,
    "sigmoid": _sigmoid, "diff": None, "Sum": None, "Rational": sp.Rational,
}
CONSTANTS: dict[str, sp.Expr] = {"E": sp.E, "pi": sp.pi, "oo": sp.oo}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_ASSUMPTION_WORDS = {"positive", "negative", "nonnegative", "nonpositive", "integer", "real", "nonzero"}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


@dataclass
class SymbolTable:
    """Symbols created on first use: real unless an assumption says otherwise."""

    assumptions: Mapping[str, dict[str, bool]] = field(default_factory=dict)
    symbols: dict[str, sp.Symbol] = field(default_factory=dict)
    bases: dict[str, sp.IndexedBase] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)

    def symbol(self, name: str, **extra: bool) -> sp.Symbol:
        if name in self.bases:
            raise ExpressionError(f"'{name}' is used both as a vector ({name}[i]) and as a scalar; rename one")
        if name not in self.symbols:
            given = dict(self.assumptions.get(name, {}))
            if not given:
                given = dict(extra) if extra else {"real": True}
                if extra:
                    self.inferred[name] = " ".join(k for k, v in extra.items() if v)
            self.symbols[name] = sp.Symbol(name, **given)
        return self.symbols[name]

    def base(self, name: str) -> sp.IndexedBase:
        if name in self.symbols:
            raise ExpressionError(f"'{name}' is used both as a scalar and as a vector ({name}[i]); rename one")
        if name not in self.bases:
            self.bases[name] = sp.IndexedBase(name, **(self.assumptions.get(name) or {"real": True}))
        return self.bases[name]


def parse_assumption(text: str) -> tuple[str, dict[str, bool]]:
    """``"n: positive integer"`` -> ``("n", {"positive": True, "integer": True})``."""
    if ":" not in text:
        raise ExpressionError(f"assumption {text!r} needs the form 'name: words', e.g. 'n: positive integer'")
    name, words = (part.strip() for part in text.split(":", 1))
    if not _NAME.match(name):
        raise ExpressionError(f"assumption names a bad symbol {name!r}; use a plain identifier such as n or T")
    flags = words.replace(",", " ").split()
    unknown = [w for w in flags if w not in _ASSUMPTION_WORDS]
    if not flags or unknown:
        raise ExpressionError(
            f"assumption {text!r}: unknown word(s) {unknown or ['(none)']}; use {', '.join(sorted(_ASSUMPTION_WORDS))}"
        )
    given = {w: True for w in flags}
    if "integer" not in given:
        given["real"] = True
    return name, given


def parse_expression(text: str, table: SymbolTable, label: str = "expression") -> sp.Expr:
    """Translate ``text`` into a SymPy expression, or raise :class:`ExpressionError`."""
    if len(text) > 2000:
        raise ExpressionError(f"{label} is {len(text)} characters long; the limit is 2000")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"syntax error in {label} at column {exc.offset}: {exc.msg}") from None
    return _Translator(table, label).visit(tree.body)


class _Translator:
    def __init__(self, table: SymbolTable, label: str) -> None:
        self.table = table
        self.label = label
        self.bound: dict[str, sp.Symbol] = {}

    def fail(self, what: str) -> ExpressionError:
        return ExpressionError(f"{what} in {self.label}")

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"{_describe(node)} is not allowed (only numbers, names, + - * / **, calls of "
                            f"{', '.join(sorted(FUNCTIONS))} and x[i])")
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> sp.Expr:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.fail(f"the constant {node.value!r} is not a number")
        return sp.Rational(repr(node.value)) if isinstance(node.value, float) else sp.Integer(node.value)

    def visit_Name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name.startswith("_") or not _NAME.match(name):
            raise self.fail(f"the name {name!r} is not allowed")
        if name in self.bound:
            return self.bound[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function; call it, e.g. {name}(x)")
        return self.table.symbol(name)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        value = self.visit(node.operand)
        if isinstance(node.op, ast.USub):
            return -value
        if isinstance(node.op, ast.UAdd):
            return value
        raise self.fail(f"the operator {type(node.op).__name__} is not allowed")

    def visit_BinOp(self, node: ast.BinOp) -> sp.Expr:
        if isinstance(node.op, ast.BitXor):
            raise self.fail("'^' is not a power; write x**2")
        op = _BINARY.get(type(node.op))
        if op is None:
            raise self.fail(f"the operator {type(node.op).__name__} is not allowed (use + - * / **)")
        return op(self.visit(node.left), self.visit(node.right))

    def visit_Subscript(self, node: ast.Subscript) -> sp.Expr:
        if not isinstance(node.value, ast.Name) or node.value.id in FUNCTIONS or node.value.id in CONSTANTS:
            raise self.fail("only a plain name can be indexed, as in x[i]")
        if node.value.id.startswith("_"):
            raise self.fail(f"the name {node.value.id!r} is not allowed")
        if isinstance(node.slice, ast.Name) and node.slice.id not in self.bound and node.slice.id not in CONSTANTS:
            index = self._integer(node.slice.id, "an index")
        else:
            index = self.visit(node.slice)
        return self.table.base(node.value.id)[index]

    def _integer(self, name: str, role: str, **extra: bool) -> sp.Symbol:
        if name.startswith("_") or not _NAME.match(name):
            raise self.fail(f"the name {name!r} is not allowed")
        symbol = self.table.symbol(name, integer=True, **extra)
        if symbol.is_integer is not True:
            raise self.fail(f"'{name}' is used as {role} but also as a real number; add --assume '{name}: integer'")
        return symbol

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(e) for e in node.elts)

    def visit_Call(self, node: ast.Call) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail("only direct calls such as exp(x) are allowed (no attribute access or computed functions)")
        name = node.func.id
        if name not in FUNCTIONS:
            raise self.fail(f"unknown function {name!r}; allowed: {', '.join(sorted(FUNCTIONS))}")
        if node.keywords:
            raise self.fail(f"keyword arguments are not allowed in {name}()")
        if name == "Sum":
            return self._sum(node)
        args = [self.visit(a) for a in node.args]
        if any(isinstance(a, tuple) for a in args):
            raise self.fail(f"a tuple is only allowed as the limits of Sum, not in {name}()")
        if name == "diff":
            if len(args) < 2:
                raise self.fail("diff needs an expression and a variable: diff(f, x)")
            return sp.Derivative(args[0], *args[1:])
        function = FUNCTIONS[name]
        assert function is not None  # diff and Sum returned above
        try:
            return function(*args)
        except TypeError as exc:
            raise self.fail(f"bad arguments to {name}(): {exc}") from None

    def _sum(self, node: ast.Call) -> sp.Expr:
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.fail("Sum takes a body and one limit tuple: Sum(f, (i, 1, n))")
        var_node = node.args[1].elts[0]
        if not isinstance(var_node, ast.Name) or not _NAME.match(var_node.id):
            raise self.fail("the summation variable must be a plain name, as in Sum(f, (i, 1, n))")
        var = sp.Symbol(var_node.id, integer=True)
        outer = self.bound.get(var_node.id)
        self.bound[var_node.id] = var
        try:
            low = self.visit(node.args[1].elts[1])
            high = self._bound(node.args[1].elts[2])
            body = self.visit(node.args[0])
        finally:
            if outer is None:
                self.bound.pop(var_node.id)
            else:
                self.bound[var_node.id] = outer
        return sp.Sum(body, (var, low, high))

    def _bound(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Name) and node.id not in self.bound and node.id not in CONSTANTS:
            return self._integer(node.id, "a summation bound", positive=True)
        return self.visit(node)


def _describe(node: ast.AST) -> str:
    names = {
        "Attribute": "attribute access (a.b)", "Lambda": "a lambda", "ListComp": "a comprehension",
        "GeneratorExp": "a generator", "Compare": "a comparison (give the relation with --relation)",
        "BoolOp": "and/or", "IfExp": "an if-expression", "List": "a list", "Dict": "a dict", "Set": "a set",
        "JoinedStr": "an f-string", "NamedExpr": "an assignment (:=)", "Starred": "a starred argument",
    }
    return names.get(type(node).__name__, f"the syntax {type(node).__name__}")

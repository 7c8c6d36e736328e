"""The translator of :mod:`softproof.derive.parsing`: the admitted vocabulary, and ``ast`` nodes to SymPy.

Only numbers, names, ``+ - * / **``, unary minus, subscripts, tuples (``Sum`` limits) and calls of
:data:`FUNCTIONS` are translated; every other node is an :class:`ExpressionError` that names it.
Nothing is evaluated: SymPy objects are built with ``evaluate=False`` where SymPy would fold.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.codegen.cfunctions import expm1, log1p

if TYPE_CHECKING:
    from .parsing import SymbolTable

__all__ = ["ExpressionError", "Translator", "evaluated", "FUNCTIONS", "CONSTANTS", "MAX_DEPTH", "MAX_BITS", "MAX_EXPONENT",
           "MAX_INDICES", "MAX_PRODUCT_TERMS"]

MAX_DEPTH = 100
MAX_INDICES = 2  # vectors x[i] and matrices z[i, c] (a row per example, a column per class)
MAX_PRODUCT_TERMS = 64  # a Product over a range of at most this many terms, its length known, is written out
MAX_BITS = 20_000
MAX_EXPONENT = 4000


class ExpressionError(ValueError):
    """The input text is not an admissible expression; the message says why and how to fix it."""


def _sigmoid(t: sp.Expr) -> sp.Expr:
    return 1 / (1 + sp.exp(-t))


def _softplus(t: sp.Expr) -> sp.Expr:
    """softplus(t) = log(1 + e^t), written out (so that the domain and the rules see its logarithm)."""
    return sp.log(1 + sp.exp(t))


def _log_sigmoid(t: sp.Expr) -> sp.Expr:
    """log sigmoid(t) = -log(1 + e^-t)."""
    return sp.Mul(-1, sp.log(1 + sp.exp(sp.Mul(-1, t))))


def _logit(p: sp.Expr) -> sp.Expr:
    """logit(p) = log(p / (1 - p)): real for 0 < p < 1 only (the domain reads that off the log and the division)."""
    return sp.log(sp.Mul(p, sp.Pow(1 - p, -1)))


def _logsumexp(*args: sp.Expr) -> sp.Expr:
    """logsumexp(a, b, ...) = log(e^a + e^b + ...) of scalars (a vector's is log(Sum(exp(x[i]), (i, 1, n))))."""
    if not args:
        raise ExpressionError("logsumexp() needs at least one argument: logsumexp(a, b)")
    return sp.log(sp.Add(*(sp.exp(a) for a in args)))


def _log(*args: sp.Expr) -> sp.Expr:
    if len(args) not in (1, 2):
        raise ExpressionError("log takes 1 or 2 arguments: log(x) or log(x, base)")
    if len(args) == 2:  # log(x, b) = log(x)/log(b), written out so that both logarithms are seen
        return sp.Mul(sp.log(args[0]), sp.Pow(sp.log(args[1]), -1))
    return sp.log(args[0])


def _extremum(kind: type) -> Callable[..., sp.Expr]:
    def build(*args: sp.Expr) -> sp.Expr:
        if not args:
            raise ExpressionError(f"{kind.__name__}() needs at least one argument")
        return kind(*args) if len(args) > 1 else args[0]

    return build


def _rational(*args: Any) -> sp.Rational:
    """``Rational(p, q)`` of exact numbers written as expressions too (``Rational(1, 10**6)``): each argument
    evaluated first (parsing leaves ``10**6`` unevaluated), then SymPy's Rational, which names a bad one."""
    return sp.Rational(*(evaluated(a) if isinstance(a, sp.Basic) else a for a in args))


FUNCTIONS: dict[str, Callable[..., Any] | None] = {  # None: handled by the translator itself
    "exp": sp.exp, "log": _log, "ln": sp.log, "log1p": log1p, "expm1": expm1, "sqrt": sp.sqrt,
    "tanh": sp.tanh, "sinh": sp.sinh, "cosh": sp.cosh, "Max": _extremum(sp.Max), "Min": _extremum(sp.Min), "Abs": sp.Abs, "abs": sp.Abs,
    "max": _extremum(sp.Max), "min": _extremum(sp.Min),  # Python's spelling, the same functions
    "sigmoid": _sigmoid, "softplus": _softplus, "log_sigmoid": _log_sigmoid, "logit": _logit, "logsumexp": _logsumexp,
    "diff": None, "Sum": None, "Product": None, "limit": None, "Rational": _rational,
    "KroneckerDelta": None,  # 1 where its two integer arguments are equal, else 0 (a one-hot entry)
    "Piecewise": None,  # Piecewise((e1, a <= b), ..., (ek, True)): the first branch whose condition holds
}
CONSTANTS: dict[str, sp.Expr] = {"E": sp.E, "pi": sp.pi}
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_NOT_REAL = {"oo": "oo (infinity) is not a real number; state a bound for every finite value instead",
             "I": "I is not a real number; check decides statements about real numbers",
             "nan": "nan is not a number", "zoo": "zoo is not a real number"}
_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
    ast.Pow: lambda a, b: a**b,
}


_COMPARISONS: dict[type, type] = {ast.Lt: sp.StrictLessThan, ast.LtE: sp.LessThan, ast.Gt: sp.StrictGreaterThan,
                                  ast.GtE: sp.GreaterThan}


def _takes_evaluate(e: sp.Basic) -> bool:
    return isinstance(e, (sp.Add, sp.Mul, sp.Pow))


def evaluated(expr: sp.Basic) -> sp.Basic:
    """``expr`` rebuilt bottom-up with SymPy's automatic evaluation (the form the engine works on)."""
    with sp.evaluate(True):
        return _rebuild(expr)


def _rebuild(expr: sp.Basic) -> sp.Basic:
    if not expr.args:
        return expr
    return expr.func(*(_rebuild(a) for a in expr.args))


class Translator:
    """One side's ``ast`` tree -> an unevaluated SymPy expression, node by node, with the bounds of the module."""

    def __init__(self, table: SymbolTable, label: str, source: str) -> None:
        self.table = table
        self.label = label
        self.source = source
        self.bound: dict[str, sp.Symbol] = {}
        self.depth = 0

    def fail(self, what: str) -> ExpressionError:
        return ExpressionError(f"{what} in {self.label}")

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise self.fail(f"{_describe(node)} is not allowed (only numbers, names, + - * / **, calls of "
                            f"{', '.join(sorted(FUNCTIONS))} and x[i])")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"the expression nests more than {MAX_DEPTH} levels deep")
        try:
            return method(node)
        finally:
            self.depth -= 1

    def visit_Constant(self, node: ast.Constant) -> sp.Expr:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise self.fail(f"the constant {node.value!r} is not a number")
        literal = ast.get_source_segment(self.source, node) or repr(node.value)
        mantissa, _, exponent = literal.lower().replace("_", "").partition("e")
        if exponent and abs(int(exponent)) > MAX_EXPONENT:
            raise self.fail(f"the number {literal} is too large or too small (decimal exponent at most {MAX_EXPONENT})")
        if isinstance(node.value, float):
            return sp.Rational(literal.replace("_", ""))  # exact decimal value, also for 1e400
        return sp.Integer(node.value)

    def visit_Name(self, node: ast.Name) -> sp.Expr:
        name = node.id
        if name.startswith("_") or not _NAME.match(name):
            raise self.fail(f"the name {name!r} is not allowed")
        if name in self.bound:
            return self.bound[name]
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in _NOT_REAL:
            raise self.fail(_NOT_REAL[name])
        if name in FUNCTIONS:
            raise self.fail(f"'{name}' is a function; call it, e.g. {name}(x)")
        return self.table.symbol(name)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> sp.Expr:
        negate = False
        operand: ast.AST = node
        while isinstance(operand, ast.UnaryOp):  # a chain of signs, flattened (not recursed)
            if isinstance(operand.op, ast.USub):
                negate = not negate
            elif not isinstance(operand.op, ast.UAdd):
                raise self.fail(f"the operator {type(operand.op).__name__} is not allowed")
            operand = operand.operand
        value = self.operand(operand, "under a sign")
        if negate and value.is_Number:
            return -value  # a negative literal, not -1 * literal
        return sp.Mul(-1, value) if negate else value

    def visit_BinOp(self, node: ast.BinOp) -> sp.Expr:
        if isinstance(node.op, ast.BitXor):
            raise self.fail("'^' is not a power; write x**2")
        if isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            return self._chain(node)
        if not isinstance(node.op, ast.Pow):
            raise self.fail(f"the operator {type(node.op).__name__} is not allowed (use + - * / **)")
        base, exponent = self.operand(node.left, "in a power"), self.operand(node.right, "in a power")
        self._check_size(base, exponent)
        return sp.Pow(base, exponent)

    def _chain(self, node: ast.BinOp) -> sp.Expr:
        """``a + b - c + ...`` or ``a * b / c ...``: the left spine walked in a loop, not recursed."""
        additive = isinstance(node.op, (ast.Add, ast.Sub))
        kinds = (ast.Add, ast.Sub) if additive else (ast.Mult, ast.Div)
        operands: list[tuple[bool, ast.AST]] = []
        left: ast.AST = node
        while isinstance(left, ast.BinOp) and isinstance(left.op, kinds):
            operands.append((isinstance(left.op, (ast.Sub, ast.Div)), left.right))
            left = left.left
        operands.append((False, left))
        parts = []
        for inverse, operand in reversed(operands):
            value = self.operand(operand, "in a sum" if additive else "in a product")
            if inverse:
                value = sp.Mul(-1, value) if additive else sp.Pow(value, -1)
            parts.append(value)
        return sp.Add(*parts) if additive else sp.Mul(*parts)

    def _check_size(self, base: sp.Expr, exponent: sp.Expr) -> None:
        """Refuse a power of numbers whose exact value would have more than MAX_BITS bits."""
        if not (exponent.is_number and base.is_number):
            return
        try:
            e_bits = float(abs(sp.Rational(evaluated(exponent)))) if evaluated(exponent).is_Rational else None
            b = evaluated(base)
        except (TypeError, ValueError, OverflowError):
            return
        if e_bits is None or not b.is_Rational or b in (0, 1, -1):
            return
        size = max(abs(int(b.p)), int(b.q)).bit_length()
        if e_bits * size > MAX_BITS:
            raise self.fail(f"the power {sp.sstr(base)}**{sp.sstr(exponent)} has about {e_bits * size:.3g} bits; "
                            f"the limit is {MAX_BITS}")

    def visit_Subscript(self, node: ast.Subscript) -> sp.Expr:
        if not isinstance(node.value, ast.Name) or node.value.id in FUNCTIONS or node.value.id in CONSTANTS:
            raise self.fail("only a plain name can be indexed, as in x[i]")
        if node.value.id.startswith("_") or node.value.id in self.bound:
            raise self.fail(f"the name {node.value.id!r} cannot be indexed here")
        parts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]  # z[i, c]: a matrix's entry
        if not 1 <= len(parts) <= MAX_INDICES:
            raise self.fail(f"{node.value.id} takes 1 to {MAX_INDICES} indices, as in x[i] or z[i, c]")
        indices = [self._integer_argument(part, "an index", f"the index {{}} of {node.value.id} is not an integer; use x[i] "
                                          "with i an integer, x[2] or z[i, c]") for part in parts]
        ranks = self.table.ranks.setdefault(node.value.id, len(indices))
        if ranks != len(indices):
            raise self.fail(f"{node.value.id} is indexed with {ranks} and with {len(indices)} indices; use one shape")
        return self.table.base(node.value.id)[tuple(indices)]

    def _integer(self, name: str, role: str, **extra: bool) -> sp.Symbol:
        if name.startswith("_") or not _NAME.match(name):
            raise self.fail(f"the name {name!r} is not allowed")
        if name in FUNCTIONS or name in _NOT_REAL:
            raise self.fail(f"'{name}' cannot be used as {role}")
        symbol = self.table.symbol(name, integer=True, **extra)
        if symbol.is_integer is not True:
            raise self.fail(f"'{name}' is used as {role} but also as a real number; add --assume '{name}: integer'")
        return symbol

    def operand(self, node: ast.AST, where: str) -> sp.Expr:
        """``node`` translated, where it must be one expression (a side, an operand): a tuple there ('1, 2', '(a, b)
        + x', an argument of exp) is bad input, named, not a tuple SymPy fails on later."""
        value = self.visit(node)
        if isinstance(value, tuple):
            raise self.fail(f"a tuple is only allowed as the limits of Sum and Product, not {where}")
        return value

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
        if name in ("Sum", "Product"):
            return self._sum(node, name)
        if name == "limit":
            return self._limit(node)
        if name == "KroneckerDelta":
            return self._kronecker(node)
        if name == "Piecewise":
            return self._piecewise(node)
        args = [self.operand(a, f"in {name}()") for a in node.args]
        if name == "diff":
            return self._diff(args)
        function = FUNCTIONS[name]
        assert function is not None  # diff and Sum returned above
        try:
            return function(*args)
        except ExpressionError as exc:
            raise self.fail(str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise self.fail(f"bad arguments to {name}(): {exc}") from None

    def _kronecker(self, node: ast.Call) -> sp.Expr:
        """``KroneckerDelta(i, j)``: 1 where the integers i and j are equal, else 0 (the one-hot vector's entry i for
        class j); a plain name is an integer, as an index is."""
        if len(node.args) != 2:
            raise self.fail("KroneckerDelta takes two integers: KroneckerDelta(k, c)")
        args = [self._integer_argument(a, "an argument of KroneckerDelta", "the argument {} of KroneckerDelta is not an "
                                       "integer; use KroneckerDelta(k, c) with k and c integers") for a in node.args]
        return sp.KroneckerDelta(*args)

    def _piecewise(self, node: ast.Call) -> sp.Expr:
        """``Piecewise((e1, c1), (e2, c2), ..., (ek, True))``: the value of the first branch whose condition holds (SymPy's
        meaning). Each condition but the last is one comparison of two real expressions (``x >= 0``, ``a < b``); the
        last is ``True``, so that a value is given everywhere (a function with a gap is not a real expression)."""
        usage = "Piecewise takes branches (value, condition), the last one (value, True): Piecewise((a, x >= 0), (b, True))"
        if len(node.args) < 2:
            raise self.fail(usage)
        branches: list[tuple[sp.Expr, sp.Basic]] = []
        for position, branch in enumerate(node.args):
            if not isinstance(branch, ast.Tuple) or len(branch.elts) != 2:
                raise self.fail(usage)
            value_node, condition = branch.elts
            last = position == len(node.args) - 1
            if last:
                if not (isinstance(condition, ast.Constant) and condition.value is True):
                    raise self.fail("the last branch of a Piecewise must be (value, True), the value where no condition "
                                    "holds")
                branches.append((self.visit(value_node), sp.true))
                continue
            if not (isinstance(condition, ast.Compare) and len(condition.ops) == 1 and
                    type(condition.ops[0]) in _COMPARISONS):
                raise self.fail("a condition of Piecewise is one comparison of two real expressions with <, <=, > or >= "
                                "(x >= 0, a < b); only the last is True")
            lhs, rhs = self.visit(condition.left), self.visit(condition.comparators[0])
            if isinstance(lhs, tuple) or isinstance(rhs, tuple):
                raise self.fail(usage)
            branches.append((self.visit(value_node), _COMPARISONS[type(condition.ops[0])](lhs, rhs, evaluate=False)))
        return sp.Piecewise(*branches, evaluate=False)

    def _integer_argument(self, node: ast.AST, role: str, refusal: str) -> sp.Expr:
        """An integer in ``role``: a free name becomes an integer symbol (:meth:`_integer`), anything else must be an
        integer expression (``refusal``, its ``{}`` the value, where it is not)."""
        if isinstance(node, ast.Name) and node.id not in self.bound and node.id not in CONSTANTS:
            return self._integer(node.id, role)
        value = self.visit(node)
        if isinstance(value, tuple) or evaluated(value).is_integer is not True:
            raise self.fail(refusal.format(value))
        return value

    def _diff(self, args: list[Any]) -> sp.Expr:
        """``diff(f, v, ...)``: each v a real variable (x or x[k]), optionally followed by an order 1..4."""
        if len(args) < 2:
            raise self.fail("diff needs an expression and a variable: diff(f, x)")
        variables: list[Any] = []
        for a in args[1:]:
            if isinstance(a, (sp.Symbol, sp.Indexed)) and a.is_integer is not True:
                variables.append((a, 1))
            elif a.is_Integer and variables and 1 <= int(a) <= 4:
                variables[-1] = (variables[-1][0], int(a))
            else:
                raise self.fail(f"diff: {sp.sstr(a)} is not a real variable to differentiate by "
                                "(use diff(f, x), diff(f, x[k]) or diff(f, x, 2))")
        return sp.Derivative(args[0], *variables)

    def _sum(self, node: ast.Call, kind: str = "Sum") -> sp.Expr:
        """``Sum(f, (i, lo, hi))``; ``Product(f, (i, lo, hi))`` is read as ``exp(Sum(log(f), (i, lo, hi)))``, equal to
        it where every term is positive (the likelihood of probabilities, products of exponentials): ``log(f)`` puts
        ``f > 0`` among the conditions where the side is defined (:mod:`softproof.derive.domain`), so a statement is
        proved only where they are proved and refuted only at a point where they hold. Karr's convention agrees: a
        reversed range gives minus the sum and one over the product. A product with a term that may be 0 or negative
        stays undecided (the note says so). A range of a known number of terms, at most :data:`MAX_PRODUCT_TERMS`, is
        written out as the product of its terms instead (any signs)."""
        if len(node.args) != 2 or not isinstance(node.args[1], ast.Tuple) or len(node.args[1].elts) != 3:
            raise self.fail(f"{kind} takes a body and one limit tuple: {kind}(f, (i, 1, n))")
        var_node = node.args[1].elts[0]
        if not isinstance(var_node, ast.Name) or not _NAME.match(var_node.id):
            raise self.fail(f"the variable of {kind} must be a plain name, as in {kind}(f, (i, 1, n))")
        if var_node.id in FUNCTIONS or var_node.id in CONSTANTS or var_node.id in _NOT_REAL:
            raise self.fail(f"'{var_node.id}' cannot be the variable of {kind}")
        # the limits belong to the enclosing scope: Sum(f, (n, 1, n)) sums up to the outer n
        low = self._bound(node.args[1].elts[1])
        high = self._bound(node.args[1].elts[2])
        for limit in (low, high):
            if evaluated(limit).is_integer is not True:
                raise self.fail(f"the summation bound {sp.sstr(evaluated(limit))} is not known to be an integer; "
                                "use integer bounds (add --assume 'm: integer' for a symbol m in a bound)")
        var = sp.Symbol(var_node.id, integer=True)
        body = self._bound_body(node.args[0], var_node.id, var)
        if kind == "Product":
            span = evaluated(high - low + 1)
            rebinds = any(lim[0] == var for inner in body.atoms(sp.Sum) for lim in inner.limits)
            if span.is_Integer and 0 <= int(span) <= MAX_PRODUCT_TERMS and not rebinds:  # known terms: their product
                return sp.Mul(*(body.xreplace({var: evaluated(low + k)}) for k in range(int(span))), evaluate=False)
            term = evaluated(body)
            written, limits = sp.sstr(term), f"({var}, {sp.sstr(evaluated(low))}, {sp.sstr(evaluated(high))})"
            if term.is_number and term.is_positive is not True:
                raise self.fail(f"Product({written}, {limits}): over a range of unknown length a product is read as "
                                f"exp(Sum(log(f))), for positive terms, and {written} is not positive; write "
                                f"({written})**(number of terms) instead")
            self.table.readings.append(f"Product({written}, {limits}) is read as exp(Sum(log({written}), {limits})), "
                                       "equal to it where every term is positive")
            return sp.exp(sp.Sum(sp.log(body), (var, low, high)))
        return sp.Sum(body, (var, low, high))

    def _bound_body(self, body: ast.AST, name: str, var: sp.Symbol) -> sp.Expr:
        """``body`` translated with ``name`` bound to ``var`` (a summation index, a limit's variable); the
        enclosing binding of the name, if any, restored after."""
        self.table.bound_names.add(name)
        outer = self.bound.get(name)
        self.bound[name] = var
        try:
            return self.visit(body)
        finally:
            if outer is None:
                self.bound.pop(name)
            else:
                self.bound[name] = outer

    def _limit(self, node: ast.Call) -> sp.Expr:
        """``limit(f, v, a)`` or ``limit(f, v, a, '+')`` / ``'-'``: v a name bound inside f (a fresh real variable),
        a a real constant or ``oo`` / ``-oo`` (here only); without a direction a finite point is two-sided.
        The limit is replaced by its value before the decision (:mod:`softproof.derive.limit_values`)."""
        usage = "limit takes an expression, a variable, a point and optionally '+' or '-': limit(f, T, oo), limit(f, T, 0, '+')"
        if len(node.args) not in (3, 4):
            raise self.fail(usage)
        var_node, point_node = node.args[1], node.args[2]
        if not isinstance(var_node, ast.Name) or not _NAME.match(var_node.id) or var_node.id.startswith("_"):
            raise self.fail("the limit variable must be a plain name, as in limit(f, T, oo)")
        if var_node.id in FUNCTIONS or var_node.id in CONSTANTS or var_node.id in _NOT_REAL or var_node.id in self.bound:
            raise self.fail(f"'{var_node.id}' cannot be a limit variable here")
        direction = "+-"
        if len(node.args) == 4:
            d = node.args[3]
            if not (isinstance(d, ast.Constant) and d.value in ("+", "-")):
                raise self.fail("the direction of a limit is '+' (from the right) or '-' (from the left)")
            direction = str(d.value)
        infinite = {"oo": sp.oo, "-oo": -sp.oo, "+oo": sp.oo}.get("".join((ast.get_source_segment(self.source, point_node) or "").split()))
        if infinite is not None:
            point: sp.Expr = infinite
            direction = "-" if infinite == sp.oo else "+"
        else:
            point = evaluated(self.visit(point_node))
            if point.free_symbols or not point.is_real or not point.is_finite:
                raise self.fail(f"the limit point {sp.sstr(point)} must be a real constant, oo or -oo")
        if direction == "+-":
            direction = self._one_side(var_node.id, point)
        var = sp.Dummy(var_node.id, real=True)
        return sp.Limit(self._bound_body(node.args[0], var_node.id, var), var, point, direction)

    def _one_side(self, name: str, point: sp.Expr) -> str:
        """The side a limit's variable approaches a finite point from, where its stated sign leaves only one:
        ``--assume 'T: positive'`` (or nonnegative) makes ``limit(f, T, 0)`` the limit from the right, T's values
        near 0; negative (nonpositive) from the left. Soundness: the limit of f restricted to the stated range is
        the one-sided limit there, which is what the statement is about for every allowed value. A point outside
        the stated sign (``T -> -1`` with T positive) is refused."""
        given = self.table.assumptions.get(name, {})
        above, below = given.get("positive") or given.get("nonnegative"), given.get("negative") or given.get("nonpositive")
        if not (above or below):
            return "+-"
        if (above and point < 0) or (below and point > 0):
            raise self.fail(f"the limit point {sp.sstr(point)} is outside {name}'s stated sign; drop the assumption "
                            "or move the point")
        if point != 0:
            return "+-"
        return "+" if above else "-"

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

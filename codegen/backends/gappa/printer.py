r"""The Gappa printer: a C kernel expression as Gappa sees it, every operation rounded where C rounds.

The text is the C printer's (:func:`softproof.codegen.backends.c.printer.print_c`), parsed back
with C's grammar for the subset it prints (numbers, names, unary minus, ``+ - * /`` left to
right, parentheses, ``SP_FMA``/``SP_EXACT_FMA``/``fma`` calls), so that the proof is about the
operations the compiler evaluates, in their order: ``a + b + c`` is ``rnd(rnd(a + b) + c)``,
``SP_FMA(a, b, c)`` is ``rnd(a*b + c)`` (one rounding). ``rounded=False`` prints the exact twin
(no rounding anywhere), the value the rounded one is compared with. ``fused=False`` prints the
portable build (no FMA hardware: ``SP_FMA(a, b, c)`` is the macro ``(a) * (b) + (c)``, two roundings);
``SP_EXACT_FMA`` stays one rounding there (Dekker's product, the same bits) and so does C99's ``fma``
(correctly rounded by its definition, in hardware or not). ``SP_FINAL_FMA(a, b, c)`` is ``rnd(a*b + c)``
with FMA hardware; in the portable build it is ``sp_final_fma`` (prims.c): Dekker's product
:math:`p + e = ab` and :math:`p + \mathrm{fl}(e + c)`, taken at a power-of-two scale where nothing underflows
and scaled back, so ``rnd(rndx(rndx(a*b) + rndx((a*b - rndx(a*b)) + c)))`` with ``rndx`` binary64 without
underflow (``float<53,-9000,ne>``, which the script defines where it is used): Dekker's :math:`e` is exact
there (its conditions in prims.c), and the scaling back rounds only a subnormal result (the outer ``rnd``;
Gappa reads ``rnd(rndx(v))`` as one rounding where v is normal). ``SP_EXP_HEAD(a, b, r)`` (:math:`r + a(1/2 + br)`)
is two FMAs with FMA hardware, ``rnd(a * rnd(b * r + 1/2) + r)``; in the portable build ``sp_exp_head`` (prims.c),
:math:`h = \mathrm{rnd}(a/2)`, :math:`s = \mathrm{rnd}(r + h)` and :math:`t = (r + h) - s` exact (Fast2Sum), then
``rnd(s + rnd(t + rnd(a * rnd(b * r))))`` (a script names those values to give Gappa the decomposition: scripts.py,
_exp_poly). The rounding contract of the
C source (no contraction, FMA only where written) is what makes this the printed code's semantics.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import sympy as sp

from ..c.printer import print_c

__all__ = ["HALF", "GappaSyntaxError", "to_gappa", "print_gappa", "gappa_number", "portable_build", "printing_fused"]

_TOKEN = re.compile(r"\s*(?:(0x[0-9a-fA-F.]+p[-+]?\d+)f?|(\d+\.\d*(?:[eE][-+]?\d+)?|\d+(?:[eE][-+]?\d+)?)f?|([A-Za-z_][A-Za-z0-9_]*)|(.))")
FUSED = {"SP_FMA", "SP_EXACT_FMA", "SP_FINAL_FMA", "SP_EXP_HEAD", "SP_FMAF", "fma"}
HALF = "0x1.0000000000000p-1"  # SP_EXP_HEAD's 1/2, as the C printer prints the constant
UNFUSED_PORTABLE = {"SP_FMA"}  # two roundings without FMA hardware (the portable build's macro)
_FUSED: ContextVar[bool] = ContextVar("softproof_gappa_fused", default=True)


@contextmanager
def portable_build() -> Iterator[None]:
    """Within it, every printing that does not say otherwise is the portable build's (``fused=False``): the scripts
    built inside are that build's proofs, their hints printed the same way."""
    token = _FUSED.set(False)
    try:
        yield
    finally:
        _FUSED.reset(token)


def printing_fused() -> bool:
    """False inside :func:`portable_build`."""
    return _FUSED.get()


class GappaSyntaxError(ValueError):
    """The C text uses something outside the subset the Gappa printer knows (a select, a call)."""


def gappa_number(text: str) -> str:
    """A C literal as an exact Gappa constant (hex floats and decimals are exact in both)."""
    return text


@dataclass
class _Parser:
    tokens: list[str]
    rounded: bool
    fused: bool = True
    pos: int = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if token is None or (expected is not None and token != expected):
            raise GappaSyntaxError(f"expected {expected or 'more'} at token {self.pos} of {' '.join(self.tokens)!r}")
        self.pos += 1
        return token

    def rnd(self, text: str) -> str:
        return f"rnd({text})" if self.rounded else f"({text})"

    def binary(self, operators: tuple[str, str], operand: Callable[[], str]) -> str:
        """Operands joined by ``operators``, left to right (C's associativity), each step rounded."""
        out = operand()
        while self.peek() in operators:
            op = self.take()
            out = self.rnd(f"{out} {op} {operand()}")
        return out

    def expression(self) -> str:
        return self.binary(("+", "-"), self.term)

    def term(self) -> str:
        return self.binary(("*", "/"), self.unary)

    def unary(self) -> str:
        if self.peek() == "-":
            self.take()
            return f"-({self.unary()})"  # negation is exact
        return self.primary()

    def primary(self) -> str:
        token = self.take()
        if token == "(":
            inner = self.expression()
            self.take(")")
            return f"({inner})"
        if token in FUSED:
            self.take("(")
            a = self.expression()
            self.take(",")
            b = self.expression()
            self.take(",")
            c = self.expression()
            self.take(")")
            if token == "SP_EXP_HEAD":
                r = c
                if self.fused or not self.rounded:  # fma(a, fma(b, r, 1/2), r)
                    return self.rnd(f"{a} * {self.rnd(f'{b} * {r} + {HALF}')} + {r}")
                h = f"rnd({a} * {HALF})"  # sp_exp_head: h + r by Fast2Sum, the rest added once
                s = f"rnd({r} + {h})"
                return f"rnd({s} + rnd((({r} + {h}) - {s}) + rnd({a} * rnd({b} * {r}))))"
            if token == "SP_FMAF" and not self.fused:
                # the portable macro (float)((double)a * (double)b + (double)c): the binary32 product is exact in binary64
                # (24 + 24 bits), the sum rounds to binary64 (rnd64, which the script defines), then to the script's binary32
                return self.rnd(f"rnd64({a} * {b} + {c})" if self.rounded else f"{a} * {b} + {c}")
            if token == "SP_FINAL_FMA" and not self.fused and self.rounded:
                # sp_final_fma: Dekker's product p + e (e exact), p + fl(e + c), at a scale without underflow, scaled back
                product = f"rndx({a} * {b})"
                return f"rnd(rndx({product} + rndx(({a} * {b} - {product}) + {c})))"
            if token in UNFUSED_PORTABLE and not self.fused:
                return self.rnd(f"{self.rnd(f'{a} * {b}')} + {c}")  # the portable macro: product, then sum
            return self.rnd(f"{a} * {b} + {c}")  # one rounding: the fused operation
        if re.match(r"^(0x|\d)", token):
            return gappa_number(token)
        if re.match(r"^[A-Za-z_]", token):
            if self.peek() == "(":
                raise GappaSyntaxError(f"the call {token}(...) has no Gappa semantics here; prove its result separately")
            return token
        raise GappaSyntaxError(f"the token {token!r} is outside the printed subset (+ - * / fma)")


def to_gappa(c_text: str, rounded: bool = True, fused: bool | None = None) -> str:
    """The printed C expression ``c_text`` in Gappa syntax (``rounded``: every C operation in ``rnd``; ``fused``:
    ``SP_FMA`` rounded once, as with FMA hardware, else twice, as the portable build evaluates it; by default as
    :func:`printing_fused` says)."""
    tokens = [next(t for t in m.groups() if t is not None) for m in _TOKEN.finditer(c_text) if any(m.groups())]
    tokens = [t for t in tokens if t.strip()]
    parser = _Parser(tokens, rounded, printing_fused() if fused is None else fused)
    out = parser.expression()
    if parser.peek() is not None:
        raise GappaSyntaxError(f"unexpected {parser.peek()!r} in {c_text!r}")
    return out


def print_gappa(expr: sp.Expr, rounded: bool = True, single: bool = False, fused: bool | None = None) -> str:
    """A SymPy kernel expression as the C printer prints it (``single``: the binary32 printer, whose ``f``
    suffixes and ``SP_FMAF`` read as the same numbers and one rounding), then in Gappa syntax (``fused``: see
    :func:`to_gappa`)."""
    return to_gappa(print_c(expr, single=single), rounded, fused)

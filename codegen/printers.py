"""Printers: SymPy's NumPy printer with the reductions and C99 helpers softproof uses.

Customisations (each a ``_print_*`` method):

* ``ReduceSum(e)`` -> ``numpy.sum(e, axis=axis, keepdims=True)``
* ``ReduceMax(e)`` -> ``numpy.max(e, axis=axis, keepdims=True, initial=-numpy.inf)`` (an empty slice has max -inf)
* ``log1p`` / ``expm1`` (``sympy.codegen.cfunctions``) -> ``numpy.log1p`` / ``numpy.expm1``
* ``Min`` / ``Max`` -> nested ``numpy.minimum`` / ``numpy.maximum`` (elementwise, NaN-propagating);
  in C a NaN-propagating select (C99 ``fmin`` ignores a NaN, and is a library call that stops
  the vectoriser)
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.c import C99CodePrinter
from sympy.printing.numpy import NumPyPrinter

__all__ = ["KernelNumPyPrinter", "KernelCPrinter", "print_numpy", "print_c"]


class KernelNumPyPrinter(NumPyPrinter):
    """NumPy printer for kernel bodies; ``axis`` names the reduced axes in the generated code."""

    def _print_ReduceSum(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.sum')}({self._print(expr.args[0])}, axis=axis, keepdims=True)"

    def _print_ReduceMax(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.max')}({self._print(expr.args[0])}, axis=axis, keepdims=True, initial=-numpy.inf)"

    def _print_Min(self, expr: sp.Expr) -> str:
        return self._fold("numpy.minimum", expr.args)

    def _print_Max(self, expr: sp.Expr) -> str:
        return self._fold("numpy.maximum", expr.args)

    def _fold(self, func: str, args: tuple[sp.Expr, ...]) -> str:
        out = self._print(args[0])
        for arg in args[1:]:
            out = f"{self._module_format(func)}({out}, {self._print(arg)})"
        return out

    def _print_log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.log1p')}({self._print(expr.args[0])})"

    def _print_expm1(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.expm1')}({self._print(expr.args[0])})"


def print_numpy(expr: sp.Expr, **settings: Any) -> str:
    """One expression as NumPy source text."""
    return KernelNumPyPrinter(settings or None).doprint(expr)


class KernelCPrinter(C99CodePrinter):
    """C99 printer for scalar kernel expressions (reductions are done by the skeleton's loops).

    ``log1p``/``expm1``/``fmin``/``fabs`` come from C99 ``<math.h>``, ``sp_log1p`` from the
    skeleton (the derived kernel); ``ReduceSum`` must
    have been replaced by the loop's accumulator before printing.
    """

    def _print_ReduceSum(self, expr: sp.Expr) -> str:
        raise ValueError(f"replace {expr} by its accumulator before printing C")

    def _print_Float(self, expr: sp.Float) -> str:
        """A double-precision constant as an exact C99 hexadecimal literal."""
        value = float(expr)
        return value.hex() if value != int(value) or abs(value) >= 2**53 else f"{value:.1f}"

    def _print_Pow(self, expr: sp.Pow) -> str:
        if expr.exp == 2:
            base = self.parenthesize(expr.base, sp.printing.precedence.PRECEDENCE["Mul"])
            return f"{base} * {base}"
        return super()._print_Pow(expr)

    def _print_Min(self, expr: sp.Expr) -> str:
        return self._select(expr.args, "<")

    def _print_Max(self, expr: sp.Expr) -> str:
        return self._select(expr.args, ">")

    def _select(self, args: tuple[sp.Expr, ...], order: str) -> str:
        """Nested ``(a < b || a != a) ? a : b``: branch-free in a vector loop, and NaN if any argument is."""
        out = self._print(args[0])
        may_be_nan = not args[0].is_number  # a number is never NaN here; a nested select may be
        for arg in args[1:]:
            other = self._print(arg)
            keeps_nan = f" || {out} != {out}" if may_be_nan else ""
            out = f"(({out} {order} {other}{keeps_nan}) ? {out} : {other})"
            may_be_nan = True
        return out

    def _print_fma(self, expr: sp.Expr) -> str:
        """``SP_FMA`` (the skeleton maps it to C99 ``fma`` where the hardware fuses, else a*b + c)."""
        return "SP_FMA({})".format(", ".join(self._print(arg) for arg in expr.args))


def print_c(expr: sp.Expr, wide: bool = False) -> str:
    """One scalar expression as C99 source text (a single line); ``wide``: in long double (``expl``, ``logl``)."""
    from sympy.codegen.ast import float80, real

    # sp_log1p: the derived log1p of the C template (derive/log1p_kernel.py), for arguments u >= 0
    settings: dict[str, object] = {"user_functions": {"sp_log1p": "sp_log1p"}}
    if wide:
        settings["type_aliases"] = {real: float80}
    printer = KernelCPrinter(settings)
    return " ".join(printer.doprint(expr).split())

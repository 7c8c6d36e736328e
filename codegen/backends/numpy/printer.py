"""The NumPy printer: SymPy's ``NumPyPrinter`` with the reductions softproof's kernels use.

Customisations (each a ``_print_*`` method):

* ``ReduceSum(e)`` -> ``numpy.sum(e, axis=axis, keepdims=True)``
* ``ReduceMax(e)`` -> ``numpy.max(e, axis=axis, keepdims=True, initial=-numpy.inf)`` (an empty slice has max -inf)
* ``log1p`` / ``expm1`` (``sympy.codegen.cfunctions``) -> ``numpy.log1p`` / ``numpy.expm1``
* ``Min`` / ``Max`` -> nested ``numpy.minimum`` / ``numpy.maximum`` (elementwise, NaN-propagating)
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

__all__ = ["KernelNumPyPrinter", "print_numpy"]

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
        out = str(self._print(args[0]))
        for arg in args[1:]:
            out = f"{self._module_format(func)}({out}, {self._print(arg)})"
        return out

    def _print_log1p(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.log1p')}({self._print(expr.args[0])})"

    def _print_expm1(self, expr: sp.Expr) -> str:
        return f"{self._module_format('numpy.expm1')}({self._print(expr.args[0])})"


def print_numpy(expr: sp.Expr, **settings: Any) -> str:
    """One expression as NumPy source text."""
    return str(KernelNumPyPrinter(settings or None).doprint(expr))

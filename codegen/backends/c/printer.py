r"""The C99 printer: SymPy's ``C99CodePrinter`` for the scalar kernel expressions.

Customisations (each a ``_print_*`` method):

* ``Float`` -> an exact C99 hexadecimal literal (no decimal rounding of a derived constant)
* ``x**2`` -> ``x * x``
* ``Min`` / ``Max`` -> a NaN-propagating select (C99 ``fmin`` ignores a NaN, and is a library
  call that stops the vectoriser)
* ``fma`` -> ``SP_FMA`` (the skeleton maps it to C99 ``fma`` where the hardware fuses)
* ``exact_fma`` -> ``SP_EXACT_FMA``: an FMA whose exactness the error analysis needs (a residual
  such as ``f^2/2 - hfsq``); without FMA hardware the skeleton computes it by Dekker's product
* ``final_fma`` -> ``SP_FINAL_FMA``: a result's last operation, which its bound needs rounded once;
  without FMA hardware Dekker's product and one more sum (once up to :math:`O(u^2)`)
* ``exp_head`` -> ``SP_EXP_HEAD``: the exp polynomial's :math:`r + a(1/2 + b r)`, :math:`a = \mathrm{fl}(r^2)`: two
  FMAs with FMA hardware; without, :math:`r + a/2` kept exact (Fast2Sum) and the small rest added once
* ``ReduceSum`` is refused: the loops replace it by their accumulator first
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sympy as sp
from sympy.codegen.cfunctions import fma
from sympy.printing.c import C99CodePrinter

__all__ = ["KernelCPrinter", "SingleKernelCPrinter", "exact_fma", "exp_head", "final_fma", "print_c", "print_c_function", "c_identifier"]


class exact_fma(fma):  # noqa: N801 - named like the SymPy function it refines
    r""":math:`a b + c` rounded once, where the analysis needs it exactly: the residual of a product
    (:math:`a b + c` representable, :math:`|c| \approx |a b|`). Mathematically ``fma``; printed as
    ``SP_EXACT_FMA``, which is C99 ``fma`` with FMA hardware and Dekker's exact product without
    (the same value whenever the residual is exact, so both builds agree bit for bit)."""


class final_fma(fma):  # noqa: N801 - named like the SymPy function it refines
    r""":math:`a b + c` as a result's last operation, with :math:`|c|` small against :math:`|a b|` (a
    correction: softmax's :math:`e\,\mathrm{inv}_{lo}`, the sigmoid's :math:`\mathrm{num}\,r_{lo}`), whose bound
    needs it rounded once. Mathematically ``fma``; printed as ``SP_FINAL_FMA``: C99 ``fma`` with FMA hardware;
    without, ``sp_final_fma``: Dekker's product :math:`p + e = a b` (exact), then :math:`p + \mathrm{fl}(e + c)`,
    rounded once up to :math:`u|e + c| \le u(u|ab| + |c|)` (not the fused bits; Gappa reads it so, printer.py).
    Without it the portable macro rounds the product too: one more :math:`u` in the result's bound."""


class exp_head(sp.Function):  # noqa: N801 - named like SymPy's functions
    r""":math:`r + a(1/2 + b r)`: the exp polynomial :math:`P(r) - 1 = r + r^2 q(r)` with :math:`q = 1/2 + r b` and
    :math:`a = \mathrm{fl}(r^2)` (Taylor's :math:`1/2`, :math:`|r| \le 0.35`). Printed as ``SP_EXP_HEAD(a, b, r)``: with
    FMA hardware ``fma(a, fma(b, r, 1/2), r)``, the two FMAs of Horner's last steps; without, ``sp_exp_head`` (prims.c):
    :math:`h = a/2`, Fast2Sum :math:`s + t = r + h` (exact: :math:`h \le |r|`), then :math:`s + \mathrm{fl}(t + a\,\mathrm{fl}(b r))`,
    so that the large part :math:`r + r^2/2` rounds once, as the fused form does, where the macro ``a*b + c`` would
    round :math:`a q` before adding r (:math:`u|r^2 q|` more: fp.exp.float64 at 1.486 u, not 1.4375 u). Four operations
    more than the macro's; Dekker's product for the FMA (sp_final_fma's) costs about twenty."""

    nargs = 3

    def _eval_rewrite_as_Add(self, a: sp.Expr, b: sp.Expr, r: sp.Expr, **kwargs: object) -> sp.Expr:
        return r + a * (sp.Rational(1, 2) + b * r)

class KernelCPrinter(C99CodePrinter):
    """C99 printer for scalar kernel expressions (reductions are done by the skeleton's loops).

    ``fabs``, ``exp`` and ``log`` (``expl``, ``logl`` in long double) come from C99 ``<math.h>``,
    ``sp_log1p`` from the skeleton (the derived kernel); ``Min``/``Max`` print as selects, never
    ``fmin``/``fmax``; ``ReduceSum`` must have been replaced by the loop's accumulator before printing.
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
        return str(super()._print_Pow(expr))

    def _print_Min(self, expr: sp.Expr) -> str:
        return self._select(expr.args, "<")

    def _print_Max(self, expr: sp.Expr) -> str:
        return self._select(expr.args, ">")

    def _select(self, args: tuple[sp.Expr, ...], order: str) -> str:
        """Nested ``(a < b || a != a) ? a : b``: branch-free in a vector loop, and NaN if any argument is."""
        out = str(self._print(args[0]))
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

    def _print_exact_fma(self, expr: sp.Expr) -> str:
        """``SP_EXACT_FMA`` (C99 ``fma`` with FMA hardware, Dekker's exact product without)."""
        return "SP_EXACT_FMA({})".format(", ".join(self._print(arg) for arg in expr.args))

    def _print_exp_head(self, expr: sp.Expr) -> str:
        """``SP_EXP_HEAD`` (two FMAs with FMA hardware, Fast2Sum of the head without)."""
        return "SP_EXP_HEAD({})".format(", ".join(self._print(arg) for arg in expr.args))

    def _print_final_fma(self, expr: sp.Expr) -> str:
        """``SP_FINAL_FMA`` (C99 ``fma`` with FMA hardware, Dekker's product and a corrected sum without)."""
        return "SP_FINAL_FMA({})".format(", ".join(self._print(arg) for arg in expr.args))


class SingleKernelCPrinter(KernelCPrinter):
    """The kernel printer for binary32 pieces (the fast tier): constants as exact ``f``-suffixed hexadecimal
    literals (a constant that is not a binary32 number is refused), ``fma`` as ``SP_FMAF``."""

    def _print_Float(self, expr: sp.Float) -> str:
        import numpy

        value = float(expr)
        if float(numpy.float32(value)) != value:
            raise ValueError(f"the constant {value!r} is not a binary32 number; round it to float32 where it is derived")
        return (value.hex() if value != int(value) else f"{value:.1f}") + "f"

    def _print_fma(self, expr: sp.Expr) -> str:
        """``SP_FMAF`` (C99 ``fmaf`` where the hardware fuses)."""
        return "SP_FMAF({})".format(", ".join(self._print(arg) for arg in expr.args))


def print_c(expr: sp.Expr, wide: bool = False, single: bool = False) -> str:
    """One scalar expression as C99 source text (a single line); ``wide``: in long double (``expl``, ``logl``);
    ``single``: in binary32 (``f`` constants, ``SP_FMAF``)."""
    from sympy.codegen.ast import float80, real

    # sp_log1p: the derived log1p of the C template (derive/log1p_kernel.py), for arguments u >= 0;
    # sp_quotient_1p(num, d): num / (1 + d) rounded once (codegen/backends/c/pieces.py, quotient_pieces);
    # sp_log1p_diff(q, d): q - log1p(d) rounded once (pieces.py, _log1p_difference), sp_log1p_diff_single(q, d) the same
    # for float32 results (pieces.py, single_log1p_pieces); sp_logit(x): logit rounded
    # once, sp_log1mexp_single(decay, x) and sp_log1mexp(decay, x): log1mexp for float32 and double results (pieces.py,
    # DERIVED_KERNELS)
    settings: dict[str, object] = {"user_functions": {"sp_log1p": "sp_log1p", "sp_quotient_1p": "sp_quotient_1p",
                                                      "sp_log1p_diff": "sp_log1p_diff", "sp_log1p_diff_single": "sp_log1p_diff_single",
                                                      "sp_logit": "sp_logit",
                                                      "sp_log1mexp_single": "sp_log1mexp_single", "sp_log1mexp": "sp_log1mexp"}}
    if wide:
        settings["type_aliases"] = {real: float80}
    printer = SingleKernelCPrinter(settings) if single else KernelCPrinter(settings)
    return " ".join(printer.doprint(expr).split())


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def c_identifier(symbol: sp.Symbol) -> str:
    """The C parameter name of a SymPy symbol (``st.ties`` -> ``st_ties``); a ``ValueError`` if there is none."""
    name = str(symbol.name).replace(".", "_")
    if not _IDENTIFIER.match(name):
        raise ValueError(f"the symbol {symbol.name!r} has no C name; rename it to letters, digits and _")
    return name


def print_c_function(name: str, expr: sp.Expr, params: Sequence[sp.Symbol], wide: bool = False, single: bool = False) -> str:
    """A whole ``static SP_INLINE`` C function ``name(params)`` returning ``expr`` (``long double`` when ``wide``,
    ``float`` when ``single``).

    The parameters are explicit, so a caller passes its own values: no local of the C skeleton
    has to carry the name of a SymPy symbol. Every free symbol of ``expr`` must be a parameter
    or a global constant of the skeleton (a name starting ``SP_``).
    """
    stray = {s.name for s in expr.free_symbols if s not in params and not s.name.startswith("SP_")}
    if stray:
        raise ValueError(f"{name}: {', '.join(sorted(stray))} must be parameters of the printed function")
    ctype = "long double" if wide else "float" if single else "double"
    renamed = expr.xreplace({s: sp.Symbol(c_identifier(s), **s.assumptions0) for s in params})
    signature = ", ".join(f"{ctype} {c_identifier(s)}" for s in params) or "void"
    return f"static SP_INLINE {ctype} {name}({signature})\n{{\n    return {print_c(renamed, wide, single)};\n}}\n"

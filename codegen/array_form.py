r"""From the proved index form to array form.

The claims speak of entries: :math:`x_k` and :math:`\sum_{i=1}^n f(x_i)`.  A
kernel works on whole slices: ``x`` and a reduction over the softmax axes.
:func:`array_form` rewrites ``x[k] -> x`` and ``Sum(f(x[i]), (i, 1, n)) ->
ReduceSum(f(x))``; the printers render ``ReduceSum`` / ``ReduceMax`` for
their target.  The rewrite is purely notational: it keeps the expression tree
that ``prove`` proved.
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy as sp

__all__ = ["ReduceSum", "ReduceMax", "array_form"]


class ReduceSum(sp.Function):
    """Sum over the reduced axes of a slice (kept as length-1 axes)."""

    nargs = 1


class ReduceMax(sp.Function):
    """Maximum over the reduced axes of a slice (kept as length-1 axes)."""

    nargs = 1


def array_form(expr: sp.Basic, arrays: Mapping[sp.IndexedBase, sp.Symbol], size: sp.Symbol) -> sp.Expr:
    """Replace entries by arrays and full-range sums (``1..size``) by ``ReduceSum``."""

    def reduce(s: sp.Sum) -> sp.Expr:
        (var, lo, hi) = s.limits[0]
        if lo != 1 or hi != size:
            raise ValueError(f"only full-range sums become reductions, not {s}")
        return ReduceSum(array_form(s.function, arrays, size))

    out = expr.replace(lambda e: isinstance(e, sp.Sum), reduce)
    return out.replace(
        lambda e: isinstance(e, sp.Indexed) and e.base in arrays,
        lambda e: arrays[e.base],
    )

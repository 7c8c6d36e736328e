r"""A sum of products of at most two sums over one range, written as one double sum with a symmetric term.

For sums over the same range :math:`i = a..b` of :math:`N = b - a + 1 \ge 1` terms,

.. math::  c\,\Big(\sum_i f_i\Big)\Big(\sum_j g_j\Big) = \sum_i \sum_j c f_i g_j, \qquad
           c \sum_i f_i = \sum_i \sum_j \frac{c f_i}{N} = \sum_i \sum_j c\,\delta_{ij} f_i, \qquad
           c = \sum_i \sum_j \frac{c}{N^2} = \sum_i \sum_j \frac{c\,\delta_{ij}}{N},

so an expression :math:`E` made of such terms is :math:`\sum_i \sum_j K(i, j)`, and, renaming the indices,
:math:`E = \sum_i \sum_j \tfrac12 (K(i, j) + K(j, i))`. The symmetric term's sign is the sign of E where it holds
for every pair (i, j). With the *mean* embedding (the 1/N forms) that gives Cauchy-Schwarz,
:math:`N \sum_i a_i^2 - (\sum_i a_i)^2 = \tfrac12 \sum_i \sum_j (a_i - a_j)^2`; with the *diagonal* one (the
delta forms) :math:`(\sum_i a_i)^2 - \sum_i a_i^2 = \sum_{i \ne j} a_i a_j`. Source: Lagrange's identity; the
symmetrisation is Hardy, Littlewood and Pólya, *Inequalities* (1934), section 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy import Expr, Sum

__all__ = ["PairKernel", "pair_kernel"]


@dataclass(frozen=True)
class PairKernel:
    """:math:`E = \\sum_{i=lo}^{hi} \\sum_{j=lo}^{hi}` ``symmetric``, valid where the range is not empty."""

    symmetric: Expr
    i: sp.Symbol
    j: sp.Symbol
    lo: Expr
    hi: Expr


def _sum_factors(term: Expr) -> tuple[Expr, list[Sum]] | None:
    """(coefficient, the sums) of a product whose factors are sums, squares of sums and factors without a sum."""
    coefficient: Expr = sp.Integer(1)
    sums: list[Sum] = []
    for factor in sp.Mul.make_args(term):
        if isinstance(factor, Sum):
            sums.append(factor)
        elif factor.is_Pow and isinstance(factor.base, Sum) and factor.exp == 2:
            sums += [factor.base, factor.base]
        elif factor.has(Sum):
            return None
        else:
            coefficient *= factor
    for s in sums:  # a sum inside binding the same name: the index's substitution would reach into it
        if any(s.limits[0][0] in inner.variables for inner in s.function.atoms(Sum)):
            return None
    return coefficient, sums


def pair_kernel(expr: Expr, embedding: str) -> PairKernel | None:
    """The symmetric term of ``expr`` (expanded into products of at most two single-index sums over one common
    range, times factors free of sums) under ``embedding``, ``"mean"`` or ``"diagonal"`` (see the module's
    docstring); None where ``expr`` has another shape."""
    split: list[tuple[Expr, list[Sum]]] = []
    for term in sp.Add.make_args(sp.expand(expr)):
        item = _sum_factors(term)
        if item is None or len(item[1]) > 2:
            return None
        split.append(item)
    every = [s for _, sums in split for s in sums]
    if all(len(sums) < 2 for _, sums in split):  # no product of two sums: the sum rules see it as it is
        return None
    if any(len(s.limits) != 1 for s in every) or len({s.limits[0][1:] for s in every}) != 1:
        return None
    lo, hi = every[0].limits[0][1:]
    count = hi - lo + 1
    i, j = sp.Dummy("i", integer=True), sp.Dummy("j", integer=True)
    delta = sp.KroneckerDelta(i, j)
    kernel: Expr = sp.Integer(0)
    for coefficient, sums in split:
        values = [s.function.xreplace({s.limits[0][0]: index}) for s, index in zip(sums, (i, j)[:len(sums)], strict=True)]
        if len(sums) == 2:
            kernel += coefficient * values[0] * values[1]
        elif len(sums) == 1:
            kernel += coefficient * values[0] * (1 / count if embedding == "mean" else delta)
        else:
            kernel += coefficient * (1 / count**2 if embedding == "mean" else delta / count)
    symmetric = (kernel + kernel.xreplace({i: j, j: i})) / 2
    return PairKernel(sp.expand(symmetric), i, j, lo, hi)

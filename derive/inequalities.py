r"""A small, sound sign prover: is an expression :math:`\ge 0` (or :math:`> 0`)?

It combines SymPy's assumption system with a handful of rules that SymPy
lacks for symbolic-length sums and monotone functions.  Each rule is a
textbook fact; each application is recorded as a proof step:

* **sum rule** -- :math:`\sum_{i=a}^b f_i \ge 0` if every :math:`f_i \ge 0`;
  :math:`> 0` if every :math:`f_i > 0` and the range is non-empty
  (:math:`b - a + 1 \ge 1` under the stated lower bounds of the sizes).
* **sum comparison** -- :math:`\sum f_i - \sum g_i = \sum (f_i - g_i)` over equal ranges,
  and a size :math:`n` equals :math:`\sum_{i=1}^n 1`.
* **monotone pairs** -- :math:`e^a - e^b` has the sign of :math:`a - b`;
  :math:`\log A - \log B` has the sign of :math:`A - B` for :math:`A, B > 0`.
* **products and quotients** -- a product of non-negative factors with at
  least the needed strictness; a quotient with a positive denominator.
* **one-variable calculus** -- :math:`\min_{x \in \mathbb{R}} f(x) \ge 0` computed by
  SymPy's ``minimum`` (stationary points and limits at the ends).

If no rule applies the answer is "not shown"; it never guesses.
"""

from __future__ import annotations

from collections.abc import Callable

from sympy import Expr

from .sign_prover import SECONDS, certified_sign, signed_constants
from .sign_rewrites import RewriteRules
from .sign_rules import AlgebraRules

__all__ = ["SignProver", "certified_sign", "signed_constants", "SECONDS"]


class SignProver(AlgebraRules, RewriteRules):
    """Prove :math:`e \\ge 0` or :math:`e > 0` for real expressions with every rule.

    ``size_lower_bounds`` states facts such as :math:`n \\ge 2` for the size
    symbols; they decide whether a sum's range is non-empty.
    """

    def rules(self) -> tuple[Callable[[Expr, bool, int], bool], ...]:
        return (self._rule_piecewise, self._rule_log_combination, self._rule_even_variable, self._rule_top_minimum, self._rule_rational_in_exponentials, self._rule_free_of, self._rule_shift, self._rule_recentre, self._rule_scaled_variable, self._rule_generalise_combination, self._rule_top_from_zero, self._rule_double_sum, self._rule_minimum_term, self._rule_jensen_entropy, self._rule_sum, self._rule_mul, self._rule_jensen, self._rule_add, self._rule_sqrt, self._rule_extremum, self._rule_quotient,
                self._rule_linear_factor, self._rule_hyperbolic, self._rule_log_tangent, self._rule_log_tangent_sum, self._rule_atomise, self._rule_expand_log, self._rule_exp_substitute, self._rule_calculus, self._rule_from_zero_in_one, self._rule_generalise,
                self._rule_scale)

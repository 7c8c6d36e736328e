r"""The proof engine: strategies that turn a SymPy statement into a verdict.

A *statement* is a SymPy boolean: ``Eq(lhs, rhs)``, a relational
(``<=``, ``<``, ``>=``, ``>``), ``Eq(Limit(...), value)`` or an ``And`` of
these.  Free symbols are universally quantified under their SymPy
assumptions (``real``, ``positive``, ``integer``...), plus what a strategy
states explicitly (``size_lower_bounds``, index ranges).

Verdicts:

* ``proved`` -- a symbolic argument SymPy completed (a difference simplified
  to zero, a limit computed, a sign established by :mod:`softproof.derive.inequalities`,
  an interval enclosure for a decimal claim).
* ``refuted`` -- a concrete point at which the statement is false: both sides
  are real there and an Arb enclosure of their difference excludes the
  relation (:mod:`softproof.derive.enclosure`).
* ``unproved`` -- neither; honest and counted.

Numeric evaluation never yields ``proved``. One module per job: :mod:`.core` (verdicts and the
strategy protocol), :mod:`.symbolic` (identities, signs), :mod:`.limits`, :mod:`.combinators`,
:mod:`.intervals` (enclosures of decimal and polynomial claims), :mod:`.splits` (case splits on
Max/Min/Abs and the derivative test, for ``check``), :mod:`.refute` (counterexamples and the
cross-examination of proofs).
"""

from .combinators import CaseSplit, EachPart, RealValued
from .core import Outcome, Status, Strategy
from .intervals import AtanhEnclosure, Enclosure, ExpTailEnclosure, PolynomialEnclosure
from .limits import LimitOf, Squeeze
from .refute import EDGE_VALUES, Counterexample, SoundnessError, cross_examine, difference_value, side_value
from .splits import Cases, DerivativeTest
from .symbolic import Sign, Simplify

__all__ = [
    "Status",
    "Outcome",
    "Strategy",
    "Simplify",
    "Sign",
    "LimitOf",
    "Squeeze",
    "Counterexample",
    "EachPart",
    "CaseSplit",
    "Cases",
    "DerivativeTest",
    "RealValued",
    "Enclosure",
    "PolynomialEnclosure",
    "AtanhEnclosure",
    "ExpTailEnclosure",
    "side_value",
    "difference_value",
    "SoundnessError",
    "EDGE_VALUES",
    "cross_examine",
]

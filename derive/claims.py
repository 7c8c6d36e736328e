"""A claim and its verdict: every statement of the seed documents, formalised, and how it is decided.

A :class:`Claim` ties a verbatim quote of a seed document (or the source
``codegen`` for the stabilising rewrites the generated code relies on) to a
formal SymPy statement with explicit assumptions, the strategy that decides
it, and the verdict the catalogue expects.  A false claim carries the
corrected statement, which must itself be proved.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy import Basic

from .engine import Outcome, Status, Strategy, cross_examine

__all__ = ["Claim", "Rewrite", "Result", "run_claim", "run_claims"]

@dataclass(frozen=True)
class Claim:
    """One statement of a document, formalised."""

    id: str
    source: str
    quote: str
    statement: Basic
    strategy: Strategy
    expected: Status
    scope: str = ""
    assumptions: tuple[str, ...] = ()
    correction: Basic | None = None
    correction_strategy: Strategy | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.expected is Status.REFUTED and (self.correction is None or self.correction_strategy is None):
            raise ValueError(f"claim {self.id}: a refuted claim needs a correction and a strategy to prove it")


@dataclass(frozen=True)
class Rewrite:
    """A stabilising rewrite, the shape of SymPy's ``ReplaceOptim`` plus its proof.

    ``textbook`` (the left side of the claim's equation) is replaced by ``stable`` (its right
    side); ``claim`` proves the two equal under its stated assumptions. Code generation prints
    ``stable`` and cites ``claim.id``; it never looks a claim up by its id.
    """

    claim: Claim

    def __post_init__(self) -> None:
        if not isinstance(self.claim.statement, sp.Eq) or self.claim.expected is not Status.PROVED:
            raise ValueError(f"claim {self.claim.id}: a rewrite needs an equation expected to be proved")

    @property
    def id(self) -> str:
        return self.claim.id

    @property
    def textbook(self) -> Basic:
        return self.claim.statement.lhs

    @property
    def stable(self) -> Basic:
        return self.claim.statement.rhs

    def __call__(self, expr: Basic) -> Basic:
        """``expr`` with every occurrence of the textbook form replaced by the stable one."""
        return expr.xreplace({self.textbook: self.stable})


@dataclass
class Result:
    """The verdict on one claim, with its evidence."""

    claim: Claim
    outcome: Outcome
    correction_outcome: Outcome | None
    seconds: float

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def as_expected(self) -> bool:
        if self.outcome.skipped and self.status is Status.UNPROVED:
            return True  # the prover is not installed here: unproved, and said so, but not a wrong verdict
        if self.status is not self.claim.expected:
            return False
        if self.status is Status.REFUTED:
            return self.correction_outcome is not None and self.correction_outcome.status is Status.PROVED
        return True

    def to_json(self) -> dict[str, Any]:
        c = self.claim
        refuted = self.status is Status.REFUTED
        return {
            "id": c.id,
            "source": c.source,
            "quote": c.quote,
            "statement": sp.latex(c.statement),
            "status": self.status.value,
            "scope": c.scope,
            "method": self.outcome.method,
            "counterexample": self.outcome.counterexample if refuted else None,
            "correction": sp.latex(c.correction) if refuted and c.correction is not None else None,
            "seconds": round(self.seconds, 3),
        }


def run_claim(claim: Claim) -> Result:
    """Decide one claim (and its correction); never raises for a failing proof."""
    start = time.perf_counter()
    try:
        outcome = claim.strategy.run(claim.statement)
    except Exception as exc:  # noqa: BLE001 - a SymPy failure is "unproved", never a crash
        outcome = Outcome(Status.UNPROVED, "error", [f"engine error: {type(exc).__name__}: {exc}"])
    if outcome.status is Status.PROVED:
        _cross_examine(f"claim {claim.id}", claim.statement, claim.strategy, outcome)
    correction_outcome = None
    if outcome.status is Status.REFUTED and claim.correction is not None and claim.correction_strategy is not None:
        try:
            correction_outcome = claim.correction_strategy.run(claim.correction)
        except Exception as exc:
            correction_outcome = Outcome(Status.UNPROVED, "error", [f"engine error: {type(exc).__name__}: {exc}"])
    if correction_outcome is not None and correction_outcome.status is Status.PROVED and claim.correction is not None:
        _cross_examine(f"claim {claim.id} (correction)", claim.correction, claim.correction_strategy, correction_outcome)
    return Result(claim, outcome, correction_outcome, time.perf_counter() - start)


def _cross_examine(name: str, statement: Basic, strategy: object, outcome: Outcome) -> None:
    """:func:`softproof.derive.engine.cross_examine` within the sizes the claim's strategy states."""
    cross_examine(name, statement, outcome, trials=6, size_lower_bounds=getattr(strategy, "size_lower_bounds", ()))


def run_claims(claims: Sequence[Claim], on_result: Callable[[Result], None] | None = None) -> list[Result]:
    """Decide each claim in order; ``on_result`` is called after each (progress display)."""
    results = []
    for claim in claims:
        result = run_claim(claim)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return results

"""The claims catalogue: every statement of the seed documents, formalised.

A :class:`Claim` ties a verbatim quote of a seed document (or the source
``codegen`` for the stabilising rewrites the generated code relies on) to a
formal SymPy statement with explicit assumptions, the strategy that decides
it, and the verdict the catalogue expects.  A false claim carries the
corrected statement, which must itself be proved.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import sympy as sp
from sympy import Basic

from .engine import Outcome, Status, Strategy, cross_examine

__all__ = [
    "Claim",
    "Result",
    "register",
    "catalogue",
    "select",
    "run_claim",
    "run_claims",
    "seed_text",
    "SEED_FILES",
    "CODEGEN",
]

CODEGEN = "codegen"
SEED_FILES: tuple[str, ...] = (
    "000_1e86d526dfabe206.txt",
    "001_53ebf737894507db.txt",
    "002_47792574109cb198.txt",
    "003_06ee911ec9897575.txt",
    "004_46e911c3fc6df586.txt",
)


def seed_text(name: str) -> str:
    """The text of a seed document (a copy ships in ``derive/seeds``)."""
    return resources.files("softproof.derive").joinpath("seeds", name).read_text(encoding="utf-8")


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


@dataclass
class Result:
    """The verdict on one claim, with its evidence."""

    claim: Claim
    outcome: Outcome
    correction_outcome: Outcome | None
    seconds: float
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def as_expected(self) -> bool:
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


_REGISTRY: dict[str, Claim] = {}


def register(*claims: Claim) -> None:
    """Add claims to the catalogue; ids are unique."""
    for claim in claims:
        if claim.id in _REGISTRY:
            raise ValueError(f"duplicate claim id {claim.id!r}")
        _REGISTRY[claim.id] = claim


def catalogue() -> list[Claim]:
    """Every claim, in document order (sources sorted, then registration order)."""
    from . import families  # noqa: F401  (registers the claims on import)

    order = {name: pos for pos, name in enumerate((*SEED_FILES, CODEGEN))}
    return sorted(_REGISTRY.values(), key=lambda c: order.get(c.source, len(order)))


def select(pattern: str | None = None, source: str | None = None) -> list[Claim]:
    """Claims whose id matches the glob ``pattern`` (or contains it) and whose source matches."""
    chosen = catalogue()
    if pattern:
        chosen = [c for c in chosen if fnmatch.fnmatch(c.id, pattern) or pattern in c.id]
    if source:
        chosen = [c for c in chosen if c.source == source or c.source.startswith(source)]
    return chosen


def run_claim(claim: Claim) -> Result:
    """Decide one claim (and its correction); never raises for a failing proof."""
    start = time.perf_counter()
    errors: list[str] = []
    try:
        outcome = claim.strategy.run(claim.statement)
    except Exception as exc:  # noqa: BLE001 - a SymPy failure is "unproved", never a crash
        outcome = Outcome(Status.UNPROVED, "error", [f"engine error: {type(exc).__name__}: {exc}"])
        errors.append(repr(exc))
    if outcome.status is Status.PROVED:
        _cross_examine(f"claim {claim.id}", claim.statement, claim.strategy, outcome)
    correction_outcome = None
    if outcome.status is Status.REFUTED and claim.correction is not None and claim.correction_strategy is not None:
        try:
            correction_outcome = claim.correction_strategy.run(claim.correction)
        except Exception as exc:
            correction_outcome = Outcome(Status.UNPROVED, "error", [f"engine error: {type(exc).__name__}: {exc}"])
            errors.append(repr(exc))
    if correction_outcome is not None and correction_outcome.status is Status.PROVED and claim.correction is not None:
        _cross_examine(f"claim {claim.id} (correction)", claim.correction, claim.correction_strategy, correction_outcome)
    return Result(claim, outcome, correction_outcome, time.perf_counter() - start, errors)


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

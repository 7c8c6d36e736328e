"""The verdicts, the outcome of a strategy, and the strategy protocol every proof method follows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Protocol

import sympy as sp
from sympy import Basic

if TYPE_CHECKING:
    pass


class Status(str, Enum):
    PROVED = "proved"
    REFUTED = "refuted"
    UNPROVED = "unproved"

    def __str__(self) -> str:
        return self.value


@dataclass
class Outcome:
    status: Status
    method: str
    steps: list[str] = field(default_factory=list)
    counterexample: dict[str, str] | None = None
    point: Mapping[Basic, object] | None = None
    skipped: str = ""  # why the strategy could not run here (a missing external prover); then UNPROVED
    # what this run saw that another run of the same proof may not (an external prover's search, e.g. the
    # enclosure Gappa found inside the claim's bound): shown in timed reports only, never in the committed one
    observed: list[str] = field(default_factory=list)


class Strategy(Protocol):
    """Anything that can try to decide a statement."""

    def run(self, statement: Basic) -> Outcome: ...


def _parts(statement: Basic) -> list[Basic]:
    if isinstance(statement, sp.And):
        return list(statement.args)
    return [statement]


def _tex(e: Basic) -> str:
    return f"${sp.latex(e)}$"

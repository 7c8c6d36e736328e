"""The code-generation targets, one folder each (printer, pieces, templates, target class)."""

from __future__ import annotations

from .base import OutputFile, Target
from .c.target import CTarget
from .gappa.target import GappaTarget
from .numpy.target import NumPyTarget

__all__ = ["TARGETS", "Target", "OutputFile", "CTarget", "GappaTarget", "NumPyTarget"]

TARGETS: dict[str, Target] = {target.name: target for target in (NumPyTarget(), CTarget(), GappaTarget())}

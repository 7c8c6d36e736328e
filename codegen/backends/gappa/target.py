"""The Gappa target: one proof script per fp.* claim, ``generated/gappa/<script>.g``, and the portable build's twins
(``<script>_portable.g``, the build without FMA hardware).

The scripts are what ``prove`` runs (the claims render the same text); they are written out so
that a reader can rerun Gappa on them, or ask it for a Coq certificate (``gappa -Bcoq``).
"""

from __future__ import annotations

from typing import Any

from ..base import OutputFile, Target
from .scripts import PORTABLE_SCRIPTS, SCRIPTS, render, scripts

__all__ = ["GappaTarget"]


class GappaTarget(Target):
    name = "gappa"
    written = frozenset((*SCRIPTS, *PORTABLE_SCRIPTS))
    files = tuple(OutputFile(f"gappa/{name}.g", "script.g.j2", "#", values=(("script", name),)) for name in (*SCRIPTS, *PORTABLE_SCRIPTS))

    def context(self) -> dict[str, Any]:
        return {"scripts": {item.name: render(item) for item in (*scripts(), *scripts(portable=True)) if item.name in self.written}}

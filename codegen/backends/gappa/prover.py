"""Running Gappa on a script and reading the enclosure it derives.

Gappa (https://gappa.gitlabpages.inria.fr/, Debian package ``gappa``) proves bounds on the
rounding errors of floating-point programs by interval arithmetic, forward error analysis and
rewriting; every step it takes is backed by a lemma of its Coq library (``gappa -Bcoq`` writes
the certificate). A goal written ``e in ?`` asks Gappa for the tightest enclosure it can prove;
it prints the bounds exactly, as ``mantissa b exponent``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

__all__ = ["GAPPA_MISSING", "Enclosure", "gappa_executable", "run_gappa", "unequal_hints"]

GAPPA_MISSING = "gappa not found: apt-get install gappa"
_BOUND = re.compile(r"(-?\d+)(?:b(-?\d+))?")
_RESULT = re.compile(r"^\s*(.+?) in \[(\S+)(?: \{[^}]*\})?, (\S+)(?: \{[^}]*\})?\]\s*$")


@dataclass(frozen=True)
class Enclosure:
    """Gappa's proved enclosure ``[low, high]`` of one goal expression (exact rationals)."""

    expression: str
    low: Fraction
    high: Fraction

    @property
    def magnitude(self) -> Fraction:
        return max(abs(self.low), abs(self.high))


def _exact(text: str) -> Fraction:
    match = _BOUND.fullmatch(text)
    if match is None:
        raise ValueError(f"cannot read the Gappa bound {text!r}")
    mantissa, exponent = int(match.group(1)), int(match.group(2) or 0)
    return Fraction(mantissa) * (Fraction(2) ** exponent)


def unequal_hints(output: str) -> list[str]:
    """The rewriting hints of a run that are not identities: Gappa checks each hint ``a -> b`` by normalising
    ``a - b`` as a rational function, and where that is not 0 it only warns ("... are not trivially equal",
    ``-Whint-difference``) and rewrites anyway, so that the enclosures it then prints rest on a false equation
    (measured: fp_softmax_assembly printed for the portable build with the FMA's hints "proved" 2^-100.8 where its
    product rounds at 2^-53). Such a run proves nothing; :func:`run_gappa` returns no enclosure for it. The warning's
    wording is Gappa's (1.4); tests/test_gappa.py fails if a Gappa words it otherwise."""
    return [line.removeprefix("Warning: ").strip() for line in output.splitlines() if "are not trivially equal" in line]


def gappa_executable() -> str | None:
    """The ``gappa`` program on PATH, or None."""
    return shutil.which("gappa")


def run_gappa(text: str, timeout: float = 120.0, precision: int = 60) -> tuple[list[Enclosure], str]:
    """Run Gappa on ``text`` with ``precision`` bits of interval arithmetic (``-Eprecision``); (the
    enclosures it proved, its whole output). A failed goal gives no enclosure for it, and a run that rewrote with a
    hint that is not an identity (:func:`unequal_hints`) none at all; a missing Gappa raises ``FileNotFoundError``
    with :data:`GAPPA_MISSING`."""
    program = gappa_executable()
    if program is None:  # looked up at each call (a test may hide it)
        raise FileNotFoundError(GAPPA_MISSING)
    with tempfile.TemporaryDirectory(prefix="softproof-gappa-") as folder:
        path = Path(folder) / "script.g"
        path.write_text(text, encoding="utf-8")
        done = subprocess.run([program, f"-Eprecision={precision}", str(path)], capture_output=True, text=True, timeout=timeout)
    output = (done.stdout + done.stderr).strip()
    enclosures = []
    if done.returncode == 0 and not unequal_hints(output):
        for line in output.splitlines():
            match = _RESULT.match(line)
            if match:
                enclosures.append(Enclosure(match.group(1), _exact(match.group(2)), _exact(match.group(3))))
    return enclosures, output

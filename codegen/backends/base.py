"""What a code-generation target is: the files it renders and the values its templates need."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

__all__ = ["OutputFile", "Target", "PACKAGE_FILES"]


@dataclass(frozen=True)
class OutputFile:
    """One generated file: its path under the output folder, its template (relative to the
    backend's ``templates/``) and the comment leader of its preamble.

    ``runtime``: the template is instead a hand-written module of ``codegen/runtime/``, copied
    verbatim under the preamble (typed and linted where it is written). An empty ``comment``
    writes the file without a preamble (the ``py.typed`` marker).
    """

    path: str
    template: str
    comment: str = "#"
    runtime: bool = False
    values: tuple[tuple[str, str], ...] = ()  # extra template values of this file alone (one Gappa script of many)


# what every target writes so that its folder alone is an importable, typed package
PACKAGE_FILES = (
    OutputFile("__init__.py", "package_init.py", runtime=True),
    OutputFile("py.typed", "py.typed", comment="", runtime=True),
    OutputFile("_checks.py", "_checks.py", runtime=True),
    OutputFile("_correct.py", "_correct.py", runtime=True),
    OutputFile("_options.py", "_options.py", runtime=True),
    OutputFile("_state.py", "_state.py", runtime=True),
)


class Target(ABC):
    """A backend: ``codegen/backends/<name>/`` holds its printer, pieces, templates and this class."""

    name: str
    files: tuple[OutputFile, ...]

    @abstractmethod
    def context(self) -> dict[str, Any]:
        """The values every template of this target renders with (besides ``header``)."""

"""softproof.codegen: printers, templates and writers that turn proved expressions into code."""

from .writer import TARGETS, drift, render, write

__all__ = ["TARGETS", "render", "write", "drift"]

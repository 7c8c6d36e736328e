"""Plain-text and Markdown tables of accuracy and benchmark results."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["render"]


def render(header: Sequence[str], rows: Sequence[Sequence[object]], markdown: bool = False) -> str:
    """A table with columns aligned (text) or a GitHub Markdown table."""
    cells = [[str(c) for c in header]] + [[_fmt(c) for c in row] for row in rows]
    if markdown:
        lines = ["| " + " | ".join(cells[0]) + " |", "|" + "|".join("---" for _ in header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:
            return "-"
        if value == int(value) and abs(value) < 1e6:
            return str(int(value))
        return f"{value:.3g}"
    return str(value)

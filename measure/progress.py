"""Progress bars on stderr (rich) for the long commands, when stderr is a terminal; silent when piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["progress", "tracked_by"]


@contextmanager
def progress(total: int, label: str, enabled: bool) -> Iterator[Callable[[str], None]]:
    """A progress bar on stderr when it is a terminal; a no-op when piped."""
    if not (enabled and sys.stderr.isatty()):
        yield lambda _name: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.description}"), transient=True, console=None,
    ) as bar:
        task = bar.add_task("", total=total)
        yield lambda name: bar.update(task, advance=1, description=name)


def tracked_by(label: str, describe: Callable[[Any], str], enabled: bool) -> Callable[[Iterator[Any], int], Iterator[Any]]:
    """An iterator adapter for the measure library: ticks a :func:`progress` bar once per item."""

    def tracked(items: Iterator[Any], total: int) -> Iterator[Any]:
        with progress(total, label, enabled) as tick:
            for item in items:
                tick(describe(item))
                yield item

    return tracked

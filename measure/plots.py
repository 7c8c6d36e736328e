"""Figures of the measurements (matplotlib, optional)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from softproof.derive.files import atomic_write_bytes

__all__ = ["plot_errors", "plot_bench"]


def _axes() -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(8, 4.5), dpi=120)


def _save(fig: Any, ax: Any, out: Path, legend: str = "best") -> Path:
    """Grid, legend, layout; the figure rendered in memory and written atomically in OUT's format."""
    import matplotlib.pyplot as plt

    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, loc=legend)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=out.suffix.lstrip(".") or "png")
    plt.close(fig)
    return atomic_write_bytes(out, buffer.getvalue())


def plot_errors(function: str, inputs: list[float], errors: dict[str, list[float]], out: Path) -> Path:
    """ULP error against input, one marker series per implementation; written atomically."""
    fig, ax = _axes()
    markers = ["o", "s", "^", "x", "+"]
    x = np.asarray(inputs, dtype=float)
    shown = np.abs(x) <= 1e4  # the +-1e300 region would squash the axis; its errors are in the table
    for (name, err), marker in zip(sorted(errors.items()), markers, strict=False):
        values = np.asarray(err, dtype=float)[shown]
        ax.scatter(x[shown], np.where(values == 0, 0.5, values), s=6, marker=marker, alpha=0.5, label=f"{name} (max {values.max():.3g})")
    ax.set_yscale("log")
    ax.set_xscale("symlog", linthresh=1.0)
    if function in ("softmax", "log_softmax"):
        ax.set_xlim(right=0.5)
    xlabel = "x_i - max_j x_j" if function in ("softmax", "log_softmax") else ("x" if "sigmoid" in function else "max_j x_j")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("error in ULPs (0 drawn at 0.5)")
    ax.set_title(f"{function}, float64: error against a correctly rounded mpmath reference")
    return _save(fig, ax, out, legend="upper left")


def plot_bench(kernel: str, dtype: str, timings: list[Any], out: Path) -> Path:
    """Nanoseconds per element against n (single-row cases), one line per implementation."""
    fig, ax = _axes()
    chosen = [t for t in timings if t.kernel == kernel and t.dtype == dtype and len(t.shape) == 1]
    for name in sorted({t.implementation for t in chosen}):
        points = sorted((t.shape[0], t.ns_per_element) for t in chosen if t.implementation == name)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n (one row)")
    ax.set_ylabel("ns per element (median)")
    ax.set_title(f"{kernel}, {dtype}: time per element")
    return _save(fig, ax, out)

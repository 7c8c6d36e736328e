"""Figures of what the documents say, drawn with the generated kernels (matplotlib, optional).

* ``smooth_max``: document 002's rescaled log-sum-exp (1/k) LSE(k x, 3) for k = 1..10 against
  max(x, 3), with the proven band [max, max + log(2)/k] (``lse.bounds``, ``lse.rescaled_approximates``).
* ``temperature``: document 004's softmax probabilities against T on a log axis, with the proven
  limits at T -> 0+ (ties share 1/|M|) and T -> oo (1/n) marked.
* ``sigmoid``: document 003's sigmoid and the two-class softmax, showing the corrected sign
  (``sigmoid.two_class_first_row``).
* ``jacobian``: the softmax Jacobian diag(p) - p p^T as a heat map (``softmax.changes_compensate``:
  every column sums to 0).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["FIGURES", "MatplotlibMissingError", "draw_all"]


class MatplotlibMissingError(RuntimeError):
    """matplotlib is an optional dependency of ``plot``."""


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg")
        matplotlib.rcParams["svg.hashsalt"] = "softproof"
        import matplotlib.pyplot as plt
    except ImportError:
        raise MatplotlibMissingError(
            "plot needs matplotlib, which is not installed; run: pip install matplotlib"
        ) from None
    return plt


def smooth_max(plt: Any) -> Any:
    from softproof.generated import softmax_np as K

    xs = np.linspace(0, 6, 601)
    fig, ax = plt.subplots(figsize=(8, 5))
    for k in range(1, 11):
        pairs = np.stack([xs, np.full_like(xs, 3.0)], axis=-1)
        ax.plot(xs, K.logsumexp(pairs, axis=-1, temperature=1 / k), lw=1, label=f"k = {k}")
    hard = np.maximum(xs, 3.0)
    ax.plot(xs, hard, "k", lw=2, label="max(x, 3)")
    ax.fill_between(xs, hard, hard + np.log(2) / 1, color="grey", alpha=0.15, label="proven band, k = 1: [max, max + log 2]")
    ax.fill_between(xs, hard, hard + np.log(2) / 10, color="grey", alpha=0.35, label="k = 10: [max, max + log(2)/10]")
    ax.set(xlabel="x", ylabel="(1/k) log(e^{kx} + e^{3k})", title="Document 002: the rescaled log-sum-exp tends to max")
    ax.legend(fontsize=7, ncol=2)
    return fig


def temperature(plt: Any) -> Any:
    from softproof.generated import softmax_np as K

    logits = np.array([3.0, 1.0, 3.0, 0.0])
    Ts = np.logspace(-2, 2, 400)
    probs = np.array([K.softmax(logits, temperature=T) for T in Ts])
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, value in enumerate(logits):
        ax.plot(Ts, probs[:, i], lw=2, label=f"x_{i + 1} = {value:g}")
    ties = K.softmax(logits, temperature=0.0)
    for level in sorted(set(ties.tolist())):
        ax.axhline(level, xmin=0, xmax=0.08, color="k", lw=3)
    ax.axhline(1 / len(logits), xmin=0.92, xmax=1, color="k", lw=3)
    ax.annotate("T -> 0+: tied maxima share 1/|M| = 1/2", (Ts[0], 0.5), (0.02, 0.62), textcoords="axes fraction", fontsize=8)
    ax.annotate("T -> oo: uniform 1/n", (Ts[-1], 0.25), (0.7, 0.33), textcoords="axes fraction", fontsize=8)
    ax.set(xscale="log", xlabel="temperature T", ylabel="softmax(x / T)_i",
           title="Document 004: temperature limits (x = [3, 1, 3, 0], a tie)")
    ax.legend(fontsize=8)
    return fig


def sigmoid(plt: Any) -> Any:
    from softproof.generated import softmax_np as K

    u = np.linspace(-8, 8, 401)  # u = w^T x + b = z_2 - z_1
    two_class = K.softmax(np.stack([np.zeros_like(u), u], axis=-1), axis=-1)
    fig, ax = plt.subplots(figsize=(8, 5))
    ax.plot(u, K.sigmoid(u), lw=3, alpha=0.5, label="sigma(u)")
    ax.plot(u, two_class[:, 1], "--", lw=1.5, label="softmax(z)_2 = sigma(u)  (corrected: class 2)")
    ax.plot(u, two_class[:, 0], lw=2, label="softmax(z)_1 = sigma(-u)  (document 003 says sigma(u))")
    ax.set(xlabel="u = w^T x + b,  w = w_2 - w_1", ylabel="probability",
           title="Document 003: the two-class softmax is a sigmoid, with the sign corrected")
    ax.legend(fontsize=8)
    return fig


def jacobian(plt: Any) -> Any:
    from softproof.generated import softmax_np as K

    logits = np.array([2.0, 1.0, 0.5, 0.0, -1.0, 3.0])
    p = K.softmax(logits)
    J = np.diag(p) - np.outer(p, p)
    fig, ax = plt.subplots(figsize=(6, 5))
    limit = np.abs(J).max()
    image = ax.imshow(J, cmap="RdBu_r", vmin=-limit, vmax=limit)
    fig.colorbar(image, ax=ax, label="d p_i / d x_j")
    ax.set(xlabel="j (input)", ylabel="i (output)", title="Softmax Jacobian diag(p) - p p^T (columns sum to 0)")
    return fig


FIGURES: dict[str, Callable[[Any], Any]] = {
    "smooth_max": smooth_max, "temperature": temperature, "sigmoid": sigmoid, "jacobian": jacobian,
}


def draw_all(out: Path) -> list[Path]:
    """Write every figure as PNG and SVG into ``out``; returns the paths."""
    plt = _pyplot()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in FIGURES.items():
        fig = draw(plt)
        fig.tight_layout()
        for suffix in ("png", "svg"):
            path = out / f"{name}.{suffix}"
            fig.savefig(path, dpi=110, metadata={"Date": None} if suffix == "svg" else {"Software": None})
            written.append(path)
        plt.close(fig)
    return written

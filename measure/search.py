r"""Searching for the worst inputs instead of hoping to sample them: hill climbing on ULP error.

For each function the search starts from random inputs of the kinds that break kernels (short
rows with a negative maximum, results near 0 from a tiny negative maximum, near ties, lengths across the tile and chunk boundaries, dominant
entries, huge and tiny values, random temperatures from 1e-3 to 1e3 for the row functions that
take one), and from each start climbs: it moves one entry (or the temperature) by a random number
of ULPs, from 1 to 2^40, and keeps the move when the error does not drop. The error of an input
is its largest distance, in ULPs, to the correctly rounded mpmath value of the textbook
definition (:mod:`softproof.measure.reference`), the precision raised until the rounding is
stable. The budget is wall-clock seconds per function and target.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from softproof.codegen.api import by_name

from .accuracy import ELEMENT_FUNCTIONS, TEMPERED, in_domain, reference, takes_targets, ulp_distance

__all__ = ["Worst", "search", "truth", "TEMPERED"]

LENGTHS = (2, 2, 2, 3, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 104, 105, 160, 161)


@dataclass(frozen=True)
class Worst:
    """The worst input found for one function, target and dtype."""

    function: str
    target: str
    dtype: str
    ulps: float
    x: tuple[float, ...]
    temperature: float
    target_index: int
    evaluations: int

    def describe(self) -> str:
        shown = ", ".join(repr(v) for v in self.x[:8]) + (", ..." if len(self.x) > 8 else "")
        extra = f", T={self.temperature!r}" if self.function in TEMPERED else ""
        extra += f", target={self.target_index}" if takes_targets(self.function) else ""
        return f"{self.function:14s} {self.target:16s} {self.dtype:8s} {self.ulps:10.4g} ULP  x=[{shown}] (n={len(self.x)}){extra}"


def truth(function: str, x: np.ndarray, temperature: float, target_index: int, dtype: str) -> np.ndarray:
    """The correctly rounded value(s) of the textbook definition (:func:`softproof.measure.accuracy.reference`).

    An element-wise function sees the reals the search walks carried into its domain in ``dtype``, as the
    targets get them (float32 logit: logistic(45.4) is 1.0 there, 1 - 2e-20 in float64)."""
    if function in ELEMENT_FUNCTIONS:
        carried = in_domain(function, x.astype(dtype)).astype(np.float64)
        return reference(carried, "elements", dtype, functions=(function,))[function]
    return reference(x, "rows", dtype, np.array([target_index]), temperature if function in TEMPERED else 1.0, functions=(function,))[function]


BATCH = 16  # a row is evaluated as the first of this many copies: the batched paths (tiles of short rows) are searched too


def _call(implementation: Callable[..., Any], function: str, x: np.ndarray, temperature: float, target_index: int) -> np.ndarray:
    if function in ELEMENT_FUNCTIONS:
        return np.atleast_1d(np.asarray(implementation(in_domain(function, x))))
    rows = np.tile(x, (BATCH, 1))
    if function in TEMPERED:
        return np.atleast_1d(np.asarray(implementation(rows, temperature=temperature))[0])
    if takes_targets(function):
        return np.atleast_1d(np.asarray(implementation(rows, np.full(BATCH, target_index)))[0])
    return np.atleast_1d(np.asarray(implementation(rows))[0])


def _start(function: str, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """A random start of one of the hard kinds."""
    temperature = float(10 ** rng.uniform(-3, 3)) if function in TEMPERED and rng.random() < 0.7 else 1.0
    if function in ELEMENT_FUNCTIONS:
        kind = rng.integers(4)
        scale = (1.0, 30.0, 700.0, 1e-8)[kind]
        return rng.standard_normal(int(rng.integers(1, 9))) * scale, temperature
    n = int(rng.choice(LENGTHS))
    kind = rng.integers(8 if function in TEMPERED else 7)
    if kind == 0:  # short rows with a negative maximum
        x = rng.standard_normal(n) - float(rng.uniform(0.5, 20))
    elif kind == 1:  # near ties
        x = 3.0 + 1e-9 * rng.standard_normal(n)
    elif kind == 2:  # one dominant entry
        x = np.concatenate([[0.0], -float(rng.uniform(5, 700)) + rng.standard_normal(n - 1)])
    elif kind == 3:  # log-probabilities
        x = np.log(rng.dirichlet(np.ones(n)))
    elif kind == 4:  # wide values
        x = rng.standard_normal(n) * float(10 ** rng.uniform(0, 3))
    elif kind == 5:  # the result near 0 from a tiny negative max: m + T L cancels in part (L = r |m|/T, r in [1.05, 30])
        tiny = float(10 ** rng.uniform(-30, -1))
        gaps = -np.log(float(rng.uniform(1.05, 30)) * tiny / max(n - 1, 1)) + 0.01 * rng.standard_normal(n - 1)
        x = -tiny * temperature - temperature * np.concatenate([[0.0], gaps])
    elif kind == 7:  # one maximum, the other terms below the double range, a temperature that lifts T t back into it
        temperature = float(2.0 ** rng.uniform(0, 1000))
        x = temperature * np.concatenate([[0.0], -rng.uniform(600, 1500, n - 1)])
    else:
        x = rng.standard_normal(n)
    return x, temperature


def _step_ulps(value: float, steps: int) -> float:
    """``value`` moved by ``steps`` doubles (through zero and across the sign; may reach inf or NaN)."""
    bits = int(np.array([value]).view(np.int64)[0])
    ordinal = bits if bits >= 0 else -(bits & 0x7FFFFFFFFFFFFFFF)
    ordinal += steps
    moved = ordinal if ordinal >= 0 else (-ordinal) | -0x8000000000000000
    return float(np.array([moved], dtype=np.int64).view(np.float64)[0])


def _move(x: np.ndarray, temperature: float, tempered: bool, rng: np.random.Generator) -> tuple[np.ndarray, float]:
    """One entry (or the temperature) moved by a random number of ULPs, 1 to 2^40."""
    steps = int(2 ** rng.uniform(0, 40)) * int(rng.choice([-1, 1]))
    if tempered and rng.random() < 0.2:
        candidate = _step_ulps(temperature, steps)
        if np.isfinite(candidate) and candidate > 0:
            return x, candidate
        return x, float(np.nextafter(temperature, np.inf if steps > 0 else 0.0))
    y = x.copy()
    i = int(rng.integers(len(y)))
    candidate = _step_ulps(float(y[i]), steps)
    if np.isfinite(candidate):
        y[i] = candidate
    return y, temperature


def search(
    function: str,
    implementations: dict[str, Callable[..., Any]],
    dtype: str = "float64",
    seconds: float = 10.0,
    seed: int = 0,
    climb: int = 40,
) -> list[Worst]:
    """The worst input found for ``function`` in each implementation (name -> callable taking rows over the last
    axis, as the targets do; a row is evaluated as the first of :data:`BATCH` copies), within ``seconds`` each:
    random starts, each climbed for ``climb`` moves."""
    by_name(function)  # a KeyError naming the functions for an unknown one
    out = []
    for target, implementation in implementations.items():
        rng = np.random.default_rng(seed)
        best = Worst(function, target, dtype, -1.0, (), 1.0, 0, 0)
        evaluations = 0
        deadline = time.monotonic() + seconds

        def error(x: np.ndarray, T: float, t: int, implementation: Callable[..., Any] = implementation) -> float:
            with np.errstate(over="ignore"):  # a start beyond float32's range is that dtype's infinity, an input like any other
                data = x.astype(dtype)
            got = _call(implementation, function, data, T, t).astype(dtype)
            return float(ulp_distance(got, truth(function, data.astype(np.float64), T, t, dtype)).max())

        while time.monotonic() < deadline:
            x, T = _start(function, rng)
            t = int(rng.integers(len(x)))
            current = error(x, T, t)
            evaluations += 1
            for _ in range(climb):
                if time.monotonic() >= deadline:
                    break
                y, S = _move(x, T, function in TEMPERED, rng)
                value = error(y, S, t)
                evaluations += 1
                if value >= current:
                    x, T, current = y, S, value
            if current > best.ulps:
                best = Worst(function, target, dtype, current, tuple(float(v) for v in x.astype(dtype)), T, t, evaluations)
        out.append(replace(best, evaluations=evaluations))
    return out

"""examples/softmax_regression.py: within 1 point of scikit-learn; MLE gives the class frequencies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _example(name: str) -> ModuleType:
    """examples/<name>.py imported as a module (registered first: dataclasses look their module up)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_softmax_regression_matches_sklearn_and_mle_frequencies() -> None:
    pytest.importorskip("sklearn")
    report = _example("softmax_regression").run()
    assert abs(report.accuracy - report.sklearn_accuracy) <= 0.01
    assert report.accuracy > 0.9
    assert abs(report.loss - report.sklearn_loss) < 0.05
    assert report.frequency_error < 1e-6


def test_out_of_core_example_matches_the_in_memory_kernels() -> None:
    """examples/out_of_core.py on a small file: logsumexp and cross-entropy of every row as the in-memory C
    kernels give them (within 1 ULP: the class axis is in 4 chunks, their states merged)."""
    pytest.importorskip("dask")

    from softproof.generated import softmax_c
    from softproof.measure.accuracy import ulp_distance

    report = _example("out_of_core").run(gigabytes=0.02, progress=False)
    rows = len(report.sample)
    assert report.rows == len(report.logsumexp) == len(report.loss) > rows
    assert ulp_distance(report.logsumexp[:rows], softmax_c.logsumexp(report.sample)).max() <= 1
    assert ulp_distance(report.loss[:rows], softmax_c.cross_entropy(report.sample, report.targets[:rows])).max() <= 1
    assert report.read_seconds > 0 and "GB/s" in report.summary()

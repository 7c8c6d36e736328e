"""examples/softmax_regression.py: within 1 point of scikit-learn; MLE gives the class frequencies."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_softmax_regression_matches_sklearn_and_mle_frequencies() -> None:
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("softmax_regression", ROOT / "examples" / "softmax_regression.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    report = module.run()
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

    spec = importlib.util.spec_from_file_location("out_of_core", ROOT / "examples" / "out_of_core.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    report = module.run(gigabytes=0.02, progress=False)
    rows = len(report.sample)
    assert report.rows == len(report.logsumexp) == len(report.loss) > rows
    assert ulp_distance(report.logsumexp[:rows], softmax_c.logsumexp(report.sample)).max() <= 1
    assert ulp_distance(report.loss[:rows], softmax_c.cross_entropy(report.sample, report.targets[:rows])).max() <= 1
    assert report.read_seconds > 0 and "GB/s" in report.summary()

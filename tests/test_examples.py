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

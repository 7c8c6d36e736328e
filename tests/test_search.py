"""accuracy --search: hill climbing finds the inputs that break a kernel, and none that break ours."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import softproof.generated.softmax_c as c_target
import softproof.generated.softmax_np as np_target
from softproof.cli import app
from softproof.measure.accuracy import BOUNDS
from softproof.measure.search import search, truth


def test_the_search_finds_what_breaks_the_plain_max_shift_logsumexp() -> None:
    """The test of the test: the textbook max-shift form is off by many ULPs on rows the search reaches."""
    def naive(x: np.ndarray, temperature: float = 1.0) -> np.ndarray:
        m = x.max()
        return m + temperature * np.log(np.sum(np.exp((x - m) / temperature)))

    (worst,) = search("logsumexp", {"naive": naive}, seconds=2, seed=0)
    assert worst.ulps > 4, worst.describe()


@pytest.mark.parametrize("function", ["softmax", "log_softmax", "sigmoid", "log_sigmoid"])
def test_the_search_finds_nothing_above_the_bounds(function: str) -> None:
    targets = {"c": getattr(c_target, function), "numpy": getattr(np_target, function)}
    for worst in search(function, targets, seconds=0.6, seed=3):
        assert worst.ulps <= BOUNDS[(function, "float64")], worst.describe()
        assert worst.evaluations > 5


def test_logsumexp_is_within_one_ulp_where_the_search_looks_including_log_probabilities() -> None:
    for worst in search("logsumexp", {"c": c_target.logsumexp, "numpy": np_target.logsumexp}, seconds=1.5, seed=5):
        assert worst.ulps <= 1, worst.describe()


def test_the_reference_rounds_the_textbook_value() -> None:
    assert truth("logsumexp", np.array([0.0, 0.0]), 1.0, 0, "float64")[0] == np.float64(np.log(2.0))
    assert truth("logsumexp", np.array([0.0, 0.0]), 2.0, 0, "float64")[0] == np.float64(2 * np.log(2.0))
    assert truth("log_sigmoid", np.array([601.0]), 1.0, 0, "float64")[0] < 0  # -e^-601, not 0: the precision covers it
    assert np.array_equal(truth("softmax", np.array([1.0, 1.0]), 0.5, 0, "float64"), [0.5, 0.5])


def test_the_cli_prints_the_worst_input_per_target() -> None:
    result = CliRunner().invoke(app, ["accuracy", "--search", "1", "--function", "softplus", "--dtype", "float64"])
    assert result.exit_code == 0, result.output
    assert "softplus" in result.output and "softproof C" in result.output and "softproof NumPy" in result.output
    bad = CliRunner().invoke(app, ["accuracy", "--search", "0"])
    assert bad.exit_code == 2 and "--search" in bad.output

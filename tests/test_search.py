"""accuracy --search: hill climbing finds the inputs that break a kernel, and none that break ours."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

import softproof.generated.softmax_c as c_target
import softproof.generated.softmax_np as np_target
from softproof.cli import app
from softproof.measure.accuracy import BOUNDS, ulp_distance
from softproof.measure.search import search, truth


def test_the_search_finds_what_breaks_the_plain_max_shift_logsumexp() -> None:
    """The test of the test: the textbook max-shift form is off by many ULPs on rows the search reaches."""
    def naive(x: np.ndarray, temperature: float = 1.0) -> np.ndarray:  # rows over the last axis, as the targets take them
        m = x.max(axis=-1, keepdims=True)
        return (m + temperature * np.log(np.sum(np.exp((x - m) / temperature), axis=-1, keepdims=True)))[..., 0]

    (worst,) = search("logsumexp", {"naive": naive}, seconds=2, seed=0)
    assert worst.ulps > 4, worst.describe()


@pytest.mark.parametrize("function", ["softmax", "log_softmax", "sigmoid", "log_sigmoid"])
def test_the_search_finds_nothing_above_the_bounds(function: str) -> None:
    targets = {"c": getattr(c_target, function), "numpy": getattr(np_target, function)}
    for worst in search(function, targets, seconds=0.6, seed=3):
        assert worst.ulps <= BOUNDS[(function, "float64")], worst.describe()
        assert worst.evaluations > 5


def test_the_search_takes_the_reference_at_the_inputs_the_targets_get() -> None:
    """float32 logit: x = 45.4 is carried to the logistic in float32 (1.0, logit +inf); the reference took it
    in float64 (1 - 2e-20, logit 45.4), so the search reported 1e9 ULP on a correct kernel. It now rounds
    the carried input to the dtype first, as the targets get it."""
    targets = {"c": c_target.logit, "numpy": np_target.logit}
    for worst in search("logit", targets, dtype="float32", seconds=0.8, seed=0):
        assert worst.ulps <= BOUNDS[("logit", "float32")], worst.describe()


def test_logsumexp_is_within_one_ulp_where_the_search_looks_including_log_probabilities() -> None:
    for worst in search("logsumexp", {"c": c_target.logsumexp, "numpy": np_target.logsumexp}, seconds=1.5, seed=5):
        assert worst.ulps <= 1, worst.describe()


def test_logsumexp_near_0_from_a_tiny_negative_max_is_within_one_ulp() -> None:
    """Rows [-a, -a - d] with e^-d = r a (r in [6, 30]): the result r a - a is near 0, L as large as it, and
    L's own rounding counts in full. The log kernel rounded L once for u < 2^-50 (2^-53 relative, against
    the 2^-56 that the certificate assumed): the C target was 2 ULP off on [-4.206e-18, -37.392] (found
    by sampling this family); fp.log1p.float64 now proves the 2^-56."""
    rng = np.random.default_rng(2)
    rows = [np.array([-4.206052635277292e-18, -37.39156766010999])]
    for _ in range(300):
        tiny, ratio = float(10 ** rng.uniform(-30, -5)), float(rng.uniform(6, 30))
        rows.append(np.array([-tiny, -tiny + np.log(ratio * tiny)]))
    for x in rows:
        expected = truth("logsumexp", x, 1.0, 0, "float64")[0]
        for target in (c_target, np_target):
            got = np.float64(target.logsumexp(x))
            assert ulp_distance(np.array([got]), np.array([expected])).max() <= 1, (target.__name__, x.tolist(), got, expected)


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

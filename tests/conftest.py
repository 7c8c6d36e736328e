"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from softproof.derive import Claim, Result, catalogue, run_claim

# the tests build the C kernels and draw figures into a folder of the checkout (git-ignored), never
# into the home directory; a private folder (mode 0700), as the build cache requires
_TEST_CACHE = Path(__file__).resolve().parent.parent / ".test-cache"
_TEST_CACHE.mkdir(mode=0o700, exist_ok=True)
os.environ.setdefault("SOFTPROOF_CACHE", str(_TEST_CACHE / "softproof"))
os.environ.setdefault("MPLCONFIGDIR", str(_TEST_CACHE / "matplotlib"))
# the C kernels on one thread each: pytest-xdist already runs a worker per core (tests/test_threads.py
# sets the count itself; every count gives the same bits)
os.environ.setdefault("SOFTPROOF_NUM_THREADS", "1")

# CI runs a fixed, derandomised set of examples so that a red run can be reproduced exactly;
# locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

_EXHAUSTIVE_LIST = Path(__file__).resolve().parent / "exhaustive.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--exhaustive", action="store_true",
                     help="also run the exhaustive stage (tests/exhaustive.txt: the slow cases, which CI runs after the others)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exhaustive: a slow test or case (tests/exhaustive.txt); run with --exhaustive")


def exhaustive_ids() -> list[str]:
    """The node ids (or their starts) of tests/exhaustive.txt, comments and blank lines aside."""
    lines = _EXHAUSTIVE_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the listed tests ``exhaustive``; without --exhaustive, leave them out (reported as deselected)."""
    listed = tuple(exhaustive_ids())
    for item in items:
        if item.nodeid.startswith(listed):
            item.add_marker(pytest.mark.exhaustive)
    if config.getoption("--exhaustive"):
        return
    kept = [item for item in items if item.get_closest_marker("exhaustive") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("exhaustive") is not None])
        items[:] = kept


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """A private folder shared by the pytest-xdist workers of this run (pytest's own temporary folder,
    mode 0700): the parent of the workers' folders, or the run's folder without xdist."""
    base = factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _computed_once(folder: Path, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per run for ``key``: the first worker to ask holds an exclusive lock on the
    key's file while it computes and pickles the value; the others wait for it and load it."""
    path = folder / f"{key}.pickle"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = compute()
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(value))
        partial.replace(path)
        return value


def _shared_verdicts(claims: Sequence[Claim], factory: pytest.TempPathFactory) -> list[Result]:
    """Each claim decided once per test run, shared by the pytest-xdist workers (:func:`_computed_once`,
    one key per claim). The workers walk the claims in opposite orders, so two that need the catalogue
    at once split it between them. Only the outcomes are kept; the claim objects are this process's own.
    """
    folder = _run_folder(factory)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    order = list(claims)
    if worker.removeprefix("gw").isdigit() and int(worker.removeprefix("gw")) % 2:
        order.reverse()
    decided: dict[str, Result] = {}
    for claim in order:
        def decide(claim: Claim = claim) -> tuple[Any, Any, float]:
            result = run_claim(claim)
            return result.outcome, result.correction_outcome, result.seconds

        outcome, correction, seconds = _computed_once(folder, f"verdict-{claim.id}", decide)
        decided[claim.id] = Result(claim, outcome, correction, seconds)
    return [decided[claim.id] for claim in claims]


@pytest.fixture(scope="session")
def computed_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[], Any]], Any]:
    """``computed_once(key, compute)``: an expensive fixture value (mpmath references, measurements)
    computed by one worker of the run and loaded by the others."""
    folder = _run_folder(tmp_path_factory)
    return lambda key, compute: _computed_once(folder, key, compute)


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The whole catalogue, decided once per test run."""
    return _shared_verdicts(catalogue(), tmp_path_factory)


def swept(claim: Claim) -> bool:
    """A claim whose proof sweeps every float32 (fp.<function>.float32.cr and its portable twin: correct rounding, about
    9 s of two cores each here, 3 min in all): decided in the exhaustive stage only (``swept_results``)."""
    from softproof.codegen.backends.gappa.claims import CorrectlyRounded

    return isinstance(claim.strategy, CorrectlyRounded)


@pytest.fixture(scope="session")
def fp_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The fp.* claims (Gappa) but the swept ones, decided once per test run."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return _shared_verdicts([c for c in CLAIMS if not swept(c)], tmp_path_factory)


@pytest.fixture(scope="session")
def swept_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The fp.* claims that sweep every float32 (:func:`swept`), decided once per test run (tests of the exhaustive stage)."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return _shared_verdicts([c for c in CLAIMS if swept(c)], tmp_path_factory)



@pytest.fixture(scope="session")
def measurements(computed_once: Callable[[str, Callable[[], Any]], Any]) -> Any:
    """Every accuracy region at a small scale (rows up to 1e4 long), every function, both targets, both dtypes,
    scipy for contrast: measured once per run (tests/test_accuracy.py checks the table's bounds on it,
    tests/test_gappa.py the proved ones)."""
    from softproof.measure import accuracy as acc

    return computed_once("accuracy-measurements", lambda: acc.measure(seed=7, scale=0.03))

"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import fcntl
import os
import pickle
from collections.abc import Sequence
from pathlib import Path

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

def _shared_verdicts(claims: Sequence[Claim], factory: pytest.TempPathFactory) -> list[Result]:
    """Each claim decided once per test run, shared by the pytest-xdist workers.

    A verdict is kept in the run's private temporary folder (mode 0700, pytest's own), one file per
    claim, written under an exclusive lock on that claim: a worker that needs a verdict another
    worker is deciding waits for it instead of deciding it again. The workers walk the claims in
    opposite orders, so two that need the catalogue at once split it between them. Only the
    outcomes are kept; the claim objects are this process's own.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    folder = (factory.getbasetemp().parent if worker else factory.getbasetemp()) / "verdicts"
    folder.mkdir(mode=0o700, exist_ok=True)
    order = list(claims)
    if worker.removeprefix("gw").isdigit() and int(worker.removeprefix("gw")) % 2:
        order.reverse()
    decided: dict[str, Result] = {}
    for claim in order:
        path = folder / f"{claim.id}.pickle"
        with open(folder / f"{claim.id}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if path.is_file():
                outcome, correction, seconds = pickle.loads(path.read_bytes())
                decided[claim.id] = Result(claim, outcome, correction, seconds)
            else:
                result = run_claim(claim)
                partial = path.with_suffix(".partial")
                partial.write_bytes(pickle.dumps((result.outcome, result.correction_outcome, result.seconds)))
                partial.replace(path)
                decided[claim.id] = result
    return [decided[claim.id] for claim in claims]


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The whole catalogue, decided once per test run."""
    return _shared_verdicts(catalogue(), tmp_path_factory)


@pytest.fixture(scope="session")
def fp_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The fp.* claims (Gappa), decided once per test run (the same verdicts as in ``results``)."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return _shared_verdicts(CLAIMS, tmp_path_factory)


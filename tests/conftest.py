"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from softproof.derive import Result, catalogue, run_claims

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

@pytest.fixture(scope="session")
def results() -> list[Result]:
    return run_claims(catalogue())


@pytest.fixture(scope="session")
def fp_results() -> list[Result]:
    """The fp.* claims (Gappa), decided once per test session."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return run_claims(CLAIMS)


"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from softproof.derive import Result, catalogue, run_claims

# CI runs a fixed, derandomised set of examples so that a red run can be reproduced exactly;
# locally hypothesis explores new examples on every run.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

@pytest.fixture(scope="session")
def results() -> list[Result]:
    return run_claims(catalogue())

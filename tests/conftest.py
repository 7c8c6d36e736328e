"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from derive import Result, catalogue, run_claims  # noqa: E402


@pytest.fixture(scope="session")
def results() -> list[Result]:
    return run_claims(catalogue())

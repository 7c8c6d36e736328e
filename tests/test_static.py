"""Static checks run with the tests: ruff on the hand-written code, mypy --strict on the package
(hand-written and generated Python; the exceptions are listed with their reasons in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(module: str) -> None:
    if subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True).returncode != 0:
        pytest.fail(f"{module} is not installed; pip install -e '.[test]' installs it")


def test_ruff_is_clean() -> None:
    _tool("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy_strict_is_clean(tmp_path: Path) -> None:
    """mypy sees the repository as the package ``softproof`` through a symlink named so (the
    editable install's import hook is invisible to it)."""
    _tool("mypy")
    (tmp_path / "softproof").symlink_to(ROOT, target_is_directory=True)
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"),
         "-p", "softproof"],
        capture_output=True, text=True, cwd=tmp_path, timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues found" in done.stdout
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)

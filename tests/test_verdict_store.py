"""The claims' verdicts kept between test runs (tests/conftest.py): only for the same code and tools, only in a private
folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import _fingerprint, _run_folder, _verdict_folder


def _package(root: Path) -> Path:
    (root / "derive").mkdir(parents=True)
    (root / "derive" / "claims.py").write_text("CLAIMS = []\n")
    (root / "cli.py").write_text("")
    (root / "pyproject.toml").write_text("")
    return root


def test_the_fingerprint_changes_with_the_package_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _package(tmp_path / "a")
    first = _fingerprint(root)
    (root / "README.md").write_text("not part of the package\n")
    (root / "derive" / "__pycache__").mkdir()
    (root / "derive" / "__pycache__" / "claims.cpython-311.pyc").write_bytes(b"\0")
    assert _fingerprint.__wrapped__(root) == first
    (root / "derive" / "claims.py").write_text("CLAIMS = [1]\n")
    changed = _fingerprint.__wrapped__(root)
    assert changed != first
    monkeypatch.setenv("SOFTPROOF_PORTABLE", "1")
    assert _fingerprint.__wrapped__(root) not in (first, changed)
    (root / "derive" / "claims.py").write_text("CLAIMS = []\n")
    monkeypatch.delenv("SOFTPROOF_PORTABLE")
    assert _fingerprint.__wrapped__(root) == first


def test_verdicts_are_kept_only_in_a_private_folder(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    cache = tmp_path / "cache"
    cache.mkdir(mode=0o700)
    kept = _verdict_folder(tmp_path_factory, cache)
    assert kept.parent == cache / "verdicts" and kept.name == _fingerprint()
    os.chmod(cache, 0o770)  # group may write: nothing is loaded from it, the run's own folder instead
    assert _verdict_folder(tmp_path_factory, cache) == _run_folder(tmp_path_factory)
    os.chmod(cache, 0o700)
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    (cache / "verdicts").rename(tmp_path / "elsewhere" / "verdicts")
    (cache / "verdicts").symlink_to(tmp_path / "elsewhere" / "verdicts")  # a symlink: refused too
    assert _verdict_folder(tmp_path_factory, cache) == _run_folder(tmp_path_factory)

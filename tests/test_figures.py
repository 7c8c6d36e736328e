"""`plot`: every figure as PNG and SVG; a clear message without matplotlib."""

from __future__ import annotations

import builtins
from pathlib import Path

import pytest
from typer.testing import CliRunner

from softproof.cli import app
from softproof.measure.figures import FIGURES

runner = CliRunner()


def test_plot_writes_every_figure(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    result = runner.invoke(app, ["plot", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in FIGURES:
        for suffix in ("png", "svg"):
            path = tmp_path / f"{name}.{suffix}"
            assert path.stat().st_size > 5000, path
    assert (tmp_path / "temperature.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plot_without_matplotlib_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = runner.invoke(app, ["plot", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "pip install matplotlib" in result.output and "Traceback" not in result.output

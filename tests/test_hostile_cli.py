"""Hostile command lines: a one-line error and exit 2, found before any long work; files keep their mode."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from softproof.cli import app
from softproof.derive.files import atomic_write_text

runner = CliRunner()


@pytest.mark.parametrize(
    "args, says",
    [
        (["bench", "--size", "99999999999999999999"], "smaller size"),
        (["bench", "--kernel", "cross_entropy", "--row-length", "0", "--size", "100"], "--row-length >= 1"),
        (["prove", "--report", "/nonexistent/dir/r.md"], "does not exist"),
        (["accuracy", "--plot", "/nonexistent/dir/a.png"], "does not exist"),
        (["bench", "--plot", "/nonexistent/dir/b.png", "--size", "100"], "does not exist"),
    ],
)
def test_refused_before_any_work_with_one_line(args: list[str], says: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in result.output and "Traceback" not in result.output
    assert not Path("/nonexistent").exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc here")
def test_a_folder_whose_bits_allow_writing_but_that_refuses_it_is_refused_first() -> None:
    """/proc is a folder whose permission bits let root write (root passes os.access): the report path is tried with a
    temporary file before the minutes of proving, not after them (it took the whole run before, then failed)."""
    result = runner.invoke(app, ["prove", "--report", "/proc/softproof-report.md"])
    assert result.exit_code == 2 and "not writable" in result.output and "Traceback" not in result.output


def test_a_report_into_a_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = runner.invoke(app, ["prove", "--only", "lse.convex", "--report", str(tmp_path / "file" / "r.md")])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_atomic_writes_keep_the_mode_of_the_file_they_replace(tmp_path: Path) -> None:
    target = tmp_path / "tracked.py"
    target.write_text("old\n")
    os.chmod(target, 0o644)
    atomic_write_text(target, "new\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644 and target.read_text() == "new\n"
    os.chmod(target, 0o755)
    atomic_write_text(target, "newer\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o755
    fresh = tmp_path / "fresh.txt"
    atomic_write_text(fresh, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_one_target_into_its_own_folder_is_an_importable_package(tmp_path: Path) -> None:
    """codegen --target c --out DIR writes everything softmax_c needs (the shared checks, __init__)."""
    out = tmp_path / "kernels_c"
    assert runner.invoke(app, ["codegen", "--target", "c", "--out", str(out)]).exit_code == 0
    probe = "import kernels_c.softmax_c as C; print(C.softmax([1.0, 1.0]).tolist())"
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0.5, 0.5]"


def test_check_with_out_suggests_the_same_out(tmp_path: Path) -> None:
    runner.invoke(app, ["codegen", "--target", "numpy", "--out", str(tmp_path)])
    (tmp_path / "softmax_np.py").write_text("stale\n")
    result = runner.invoke(app, ["codegen", "--target", "numpy", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1 and f"--out {tmp_path}" in result.output


def test_a_huge_literal_is_a_number_not_a_traceback() -> None:
    """check '1e400' '1' (a traceback once): 1e400 is an exact real number, and the statement is false."""
    result = runner.invoke(app, ["check", "1e400", "1"])
    assert result.exit_code == 1 and "verdict: refuted" in result.output and "Traceback" not in result.output

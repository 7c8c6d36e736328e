"""The C target: strict C99 compile, and a C program using the header directly."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
CC = shutil.which("cc") or shutil.which("gcc")
pytestmark = pytest.mark.skipif(CC is None, reason="no C compiler")


def test_compiles_without_warnings_under_strict_c99(tmp_path: Path) -> None:
    flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-Wshadow", "-Wconversion", "-O2"]
    result = subprocess.run([CC, *flags, "-c", str(SOURCE), "-o", str(tmp_path / "softmax.o")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("extra", [[], ["-O0"], ["-O3", "-march=native"]])
def test_c_program_against_the_header(tmp_path: Path, extra: list[str]) -> None:
    exe = tmp_path / "test_softmax"
    build = subprocess.run(
        [CC, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", *extra, "-I", str(SOURCE.parent),
         str(ROOT / "tests" / "c" / "test_softmax.c"), str(SOURCE), "-o", str(exe), "-lm"],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout
    assert "1 passed, 0 failed" in run.stdout


def test_no_fast_math_anywhere() -> None:
    for path in (ROOT / "generated").rglob("*"):
        if path.is_file():
            assert "-ffast-math" not in path.read_text(encoding="utf-8").replace("never ``-ffast-math``", "").replace("without -ffast-math", "")

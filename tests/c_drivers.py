"""Build and run a test driver of tests/c/ (a C file that includes generated/c/softmax.c, so that it reaches the static
functions) with the compiler on PATH: its standard output for the given input."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "generated" / "c" / "softmax.c"
CC = shutil.which("gcc") or shutil.which("cc")


NATIVE = ("-std=c99", "-O2", "-march=native")


def compile_driver(name: str, folder: Path, flags: tuple[str, ...] = NATIVE) -> Path:
    """Compile tests/c/<name>.c with ``flags`` (C99, -O2, native; or the library's portable flags, _clib.PORTABLE_FLAGS:
    no FMA hardware) into ``folder``; the executable."""
    assert CC is not None, "no C compiler"
    exe = folder / name
    build = subprocess.run([CC, *flags, "-I", str(SOURCE.parent), str(ROOT / "tests" / "c" / f"{name}.c"),
                            "-o", str(exe), "-lm"], capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, build.stderr
    return exe


def run_compiled(exe: Path, text: str) -> str:
    """Run a compiled driver on ``text``; its output."""
    done = subprocess.run([str(exe)], input=text, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return done.stdout


def run_driver(name: str, folder: Path, text: str) -> str:
    """Compile tests/c/<name>.c into ``folder`` and run it on ``text``; its output."""
    return run_compiled(compile_driver(name, folder), text)

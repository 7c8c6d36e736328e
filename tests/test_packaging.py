"""The wheel holds one top-level package, ``softproof``; codegen never writes into site-packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from softproof.codegen.writer import OutputError, write

ROOT = Path(__file__).resolve().parent.parent
SKIP = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".test-cache")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the repository (the build leaves nothing in the clone)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "src"
    shutil.copytree(ROOT, source, ignore=SKIP)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(work / "dist"), str(source)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    (built,) = (work / "dist").glob("softproof-*.whl")
    return built


def test_wheel_holds_only_softproof(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names}
    assert {top for top in tops if not top.endswith(".dist-info")} == {"softproof"}, tops
    for needed in ("softproof/__init__.py", "softproof/cli.py", "softproof/py.typed", "softproof/generated/c/softmax.c",
                   "softproof/generated/py.typed", "softproof/derive/seeds/", "softproof/codegen/backends/c/templates/parts/"):
        assert any(name.startswith(needed) for name in names), needed
    # every package folder and every template of the repository is in the wheel
    for folder in ("derive", "codegen", "generated", "measure"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".j2", ".txt", ".c", ".h", ".typed", ".json") and "__pycache__" not in path.parts:
                assert f"softproof/{path.relative_to(ROOT).as_posix()}" in names, path
    # softproof.dask from scaleout/ (a top-level folder named dask would shadow the library)
    for path in (ROOT / "scaleout").glob("*.py"):
        assert f"softproof/dask/{path.name}" in names, path
    assert not any(name.startswith(("softproof/tests/", "softproof/examples/", "softproof/docs/", "softproof/scaleout/")) for name in names)
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "softproof = softproof.cli:main" in entry_points


def test_installed_wheel_imports_as_softproof_only(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = (
        "import importlib, softproof.derive, softproof.codegen.writer as w\n"
        "assert softproof.derive.__file__.startswith(%r)\n"
        "for name in ('derive', 'cli', 'codegen', 'generated', 'measure'):\n"
        "    try:\n        importlib.import_module(name)\n    except ModuleNotFoundError:\n        pass\n"
        "    else:\n        raise SystemExit(name + ' is importable')\n"
        "from softproof.derive.sources import seed_text, SEED_FILES\n"
        "assert seed_text(SEED_FILES[0])\n"
        "try:\n    w.default_output()\nexcept w.OutputError as exc:\n    print('refused:', exc)\n"
    ) % str(site)
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and "--out" in done.stdout


def test_codegen_refuses_to_write_into_site_packages() -> None:
    purelib = Path(sysconfig.get_paths()["purelib"])
    with pytest.raises(OutputError, match="installed packages"):
        write({"x.py": "pass\n"}, purelib / "softproof-should-not-exist")
    assert not (purelib / "softproof-should-not-exist").exists()


def test_public_functions_import_from_the_package() -> None:
    """``from softproof import softmax`` gives the C kernel (a compiler is present here) for every function of the table."""
    import softproof
    from softproof.codegen.api import names
    from softproof.generated import softmax_c

    for name in names():
        assert getattr(softproof, name) is getattr(softmax_c, name)
        assert name in dir(softproof)
    with pytest.raises(AttributeError, match="no attribute 'softmax_forward'"):
        softproof.softmax_forward  # noqa: B018

"""Shared fixtures: the catalogue is decided once per test session."""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
import pickle
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from softproof.derive import Claim, Result, catalogue, run_claim

# the tests build the C kernels and draw figures into a folder of the checkout (git-ignored), never
# into the home directory; a private folder (mode 0700), as the build cache requires
_ROOT = Path(__file__).resolve().parent.parent
_TEST_CACHE = _ROOT / ".test-cache"
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

_EXHAUSTIVE_LIST = Path(__file__).resolve().parent / "exhaustive.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--exhaustive", action="store_true",
                     help="also run the exhaustive stage (tests/exhaustive.txt: the slow cases, which CI runs after the others)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "exhaustive: a slow test or case (tests/exhaustive.txt); run with --exhaustive")


def exhaustive_ids() -> list[str]:
    """The node ids (or their starts) of tests/exhaustive.txt, comments and blank lines aside."""
    lines = _EXHAUSTIVE_LIST.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the listed tests ``exhaustive``; without --exhaustive, leave them out (reported as deselected)."""
    listed = tuple(exhaustive_ids())
    for item in items:
        if item.nodeid.startswith(listed):
            item.add_marker(pytest.mark.exhaustive)
    if config.getoption("--exhaustive"):
        return
    kept = [item for item in items if item.get_closest_marker("exhaustive") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("exhaustive") is not None])
        items[:] = kept


def _run_folder(factory: pytest.TempPathFactory) -> Path:
    """A private folder shared by the pytest-xdist workers of this run (pytest's own temporary folder,
    mode 0700): the parent of the workers' folders, or the run's folder without xdist."""
    base = factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def _computed_once(folder: Path, key: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per run for ``key``: the first worker to ask holds an exclusive lock on the
    key's file while it computes and pickles the value; the others wait for it and load it."""
    path = folder / f"{key}.pickle"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return pickle.loads(path.read_bytes())
        value = compute()
        partial = path.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(value))
        partial.replace(path)
        return value


_PACKAGE_FOLDERS = ("derive", "codegen", "generated", "measure", "scaleout")
_PACKAGE_SUFFIXES = {".py", ".j2", ".json", ".txt", ".c", ".h", ".g"}


@functools.lru_cache(maxsize=4)
def _fingerprint(root: Path = _ROOT) -> str:
    """A hash of what a claim's verdict depends on: every source, template, table and generated file of the package at
    ``root`` (and cli.py, pyproject.toml), the versions of Python, SymPy, mpmath, python-flint and NumPy, the identity (resolved path,
    size, modification time) of Gappa and of the C compiler, the CPU's model and flags (the native build), and the
    SOFTPROOF_*, CC and CFLAGS environment variables."""
    import platform
    import shutil

    import flint
    import mpmath
    import numpy
    import sympy

    from softproof.codegen.runtime._cache import compiler_identity

    files = [path for folder in _PACKAGE_FOLDERS for path in (root / folder).rglob("*")
             if path.suffix in _PACKAGE_SUFFIXES and "__pycache__" not in path.parts and path.is_file()]
    digest = hashlib.sha256()
    for path in sorted([*files, root / "cli.py", root / "pyproject.toml"]):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    versions = (platform.python_version(), sympy.__version__, mpmath.__version__, flint.__version__, numpy.__version__)
    tools = [compiler_identity(tool) if shutil.which(tool) else b"-" for tool in ("gappa", os.environ.get("CC") or "cc")]
    cpu = [line for line in Path("/proc/cpuinfo").read_text().splitlines()[:30] if line.startswith(("model name", "flags"))] \
        if Path("/proc/cpuinfo").is_file() else [platform.processor()]
    environment = sorted((k, v) for k, v in os.environ.items() if k.startswith("SOFTPROOF_") or k in ("CC", "CFLAGS"))
    digest.update(repr((versions, tools, cpu, environment)).encode())
    return digest.hexdigest()[:24]


def _verdict_folder(factory: pytest.TempPathFactory, cache: Path = _TEST_CACHE) -> Path:
    """Where the claims' verdicts are kept: ``.test-cache/verdicts/<fingerprint>`` (:func:`_fingerprint`), so that the
    exhaustive stage, run after the quick one on the same code, reads the verdicts that stage computed instead of
    deciding them again (and a second run of an unchanged checkout too); the run's own folder where that folder is not
    private (a symlink, another owner, group or others may write: nothing is loaded from it). Folders of other
    fingerprints untouched for a day are removed."""
    import shutil

    from softproof.codegen.runtime._cache import untrusted

    base = cache / "verdicts"
    try:
        base.mkdir(mode=0o700, exist_ok=True)
        folder = base / _fingerprint()
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return _run_folder(factory)
    if untrusted(cache, folder=True) or untrusted(base, folder=True) or untrusted(folder, folder=True):
        return _run_folder(factory)
    for other in base.iterdir():
        if other != folder and other.is_dir() and not other.is_symlink() and time.time() - other.stat().st_mtime > 86400:
            shutil.rmtree(other, ignore_errors=True)
    return folder


def _shared_verdicts(claims: Sequence[Claim], factory: pytest.TempPathFactory) -> list[Result]:
    """Each claim decided once per test run, shared by the pytest-xdist workers (:func:`_computed_once`,
    one key per claim) and by the runs that follow on the same code (:func:`_verdict_folder`). The workers walk the
    claims in opposite orders, so two that need the catalogue at once split it between them. Only the outcomes are
    kept; the claim objects are this process's own.
    """
    folder = _verdict_folder(factory)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    order = list(claims)
    if worker.removeprefix("gw").isdigit() and int(worker.removeprefix("gw")) % 2:
        order.reverse()
    decided: dict[str, Result] = {}
    for claim in order:
        def decide(claim: Claim = claim) -> tuple[Any, Any, float]:
            result = run_claim(claim)
            return result.outcome, result.correction_outcome, result.seconds

        outcome, correction, seconds = _computed_once(folder, f"verdict-{claim.id}", decide)
        decided[claim.id] = Result(claim, outcome, correction, seconds)
    return [decided[claim.id] for claim in claims]


@pytest.fixture(scope="session")
def computed_once(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, Callable[[], Any]], Any]:
    """``computed_once(key, compute)``: an expensive fixture value (mpmath references, measurements)
    computed by one worker of the run and loaded by the others."""
    folder = _run_folder(tmp_path_factory)
    return lambda key, compute: _computed_once(folder, key, compute)


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The whole catalogue, decided once per test run."""
    return _shared_verdicts(catalogue(), tmp_path_factory)


def swept(claim: Claim) -> bool:
    """A claim whose proof sweeps every float32 (fp.<function>.float32.cr and its portable twin: correct rounding, about
    9 s of two cores each here, 3 min in all): decided in the exhaustive stage only (``swept_results``)."""
    from softproof.codegen.backends.gappa.claims import CorrectlyRounded

    return isinstance(claim.strategy, CorrectlyRounded)


@pytest.fixture(scope="session")
def fp_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The fp.* claims (Gappa) but the swept ones, decided once per test run."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return _shared_verdicts([c for c in CLAIMS if not swept(c)], tmp_path_factory)


@pytest.fixture(scope="session")
def swept_results(tmp_path_factory: pytest.TempPathFactory) -> list[Result]:
    """The fp.* claims that sweep every float32 (:func:`swept`), decided once per test run (tests of the exhaustive stage)."""
    from softproof.codegen.backends.gappa.claims import CLAIMS

    return _shared_verdicts([c for c in CLAIMS if swept(c)], tmp_path_factory)



@pytest.fixture(scope="session")
def measurements(computed_once: Callable[[str, Callable[[], Any]], Any]) -> Any:
    """Every accuracy region at a small scale (rows up to 1e4 long), every function, both targets, both dtypes,
    scipy for contrast: measured once per run (tests/test_accuracy.py checks the table's bounds on it,
    tests/test_gappa.py the proved ones)."""
    from softproof.measure import accuracy as acc

    return computed_once("accuracy-measurements", lambda: acc.measure(seed=7, scale=0.03))

"""The C build cache loads only what this user built: private folder, trusted files, full keys, smoke call."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from softproof.generated import _cache, _clib
from softproof.generated.softmax_c import _SIGNATURES


def _quick_compiler(folder: Path) -> str:
    """The machine's C compiler building at -O0 (the last -O wins): these tests check the cache, not
    the code, and a build takes 1.3 s instead of 8."""
    import shutil

    real = next(shutil.which(c) for c in (os.environ.get("CC"), "cc", "gcc", "clang") if c and shutil.which(c))
    wrapper = folder / "quickcc"
    wrapper.write_text(f'#!/bin/sh\nexec {real} "$@" -O0\n', encoding="utf-8")
    wrapper.chmod(0o700)
    return str(wrapper)


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SOFTPROOF_CACHE", str(folder))
    monkeypatch.setenv("SOFTPROOF_PORTABLE", "1")  # one flag set, the quickest to build here
    monkeypatch.setenv("CC", _quick_compiler(tmp_path))
    monkeypatch.setattr(_cache, "_PROCESS_FOLDER", [])
    return folder


def test_builds_into_a_private_folder_and_reuses_it(cache: Path) -> None:
    first = _clib.load(_SIGNATURES)
    assert first.path.parent == cache and first.smoke()
    assert (cache.stat().st_mode & 0o077) == 0 and (first.path.stat().st_mode & 0o022) == 0
    mtime = first.path.stat().st_mtime_ns
    assert _clib.load(_SIGNATURES).path == first.path and first.path.stat().st_mtime_ns == mtime  # reused, not rebuilt


def test_processes_that_need_the_library_at_once_build_it_once(cache: Path, tmp_path: Path) -> None:
    """Three processes loading the kernels at the same moment (the workers of a test run) wait for one
    build instead of compiling the same library three times; each counts its compiler calls in a log."""
    log = tmp_path / "compiles.log"
    counting = tmp_path / "countingcc"
    counting.write_text(f'#!/bin/sh\necho "$$" >> {log}\nexec {os.environ["CC"]} "$@"\n', encoding="utf-8")
    counting.chmod(0o700)
    program = "from softproof.generated import softmax_c; print(softmax_c.softmax([0.0, 0.0]))"
    children = [subprocess.Popen([sys.executable, "-c", program], env={**os.environ, "CC": str(counting)},
                                 stdout=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [child.communicate(timeout=120)[0] for child in children]
    assert all(child.returncode == 0 for child in children) and all("0.5" in out for out in outputs), outputs
    assert len(log.read_text(encoding="utf-8").split()) == 1, "the library was built more than once"


@pytest.mark.parametrize("problem", ["others_can_write", "foreign_owner", "symlink"])
def test_a_shared_or_foreign_cache_folder_is_never_used(cache: Path, monkeypatch: pytest.MonkeyPatch, problem: str) -> None:
    """A library planted in such a folder, under the very name the key gives, is not loaded."""
    real = cache.parent / "elsewhere"
    real.mkdir(mode=0o700)
    if problem == "symlink":
        cache.symlink_to(real, target_is_directory=True)
    else:
        cache.mkdir(mode=0o700)
    if problem == "others_can_write":
        os.chmod(cache, 0o777)
    if problem == "foreign_owner":
        monkeypatch.setattr(_cache.os, "geteuid", lambda: os.getuid() + 1)
    files, compiler = _clib.source_files(), _clib._compiler()
    planted = (real if problem == "symlink" else cache) / f"libsoftproof-{_cache.build_key(files, _clib.flag_sets(compiler)[0], compiler)}.so"
    planted.write_bytes(b"not a library")
    folder, why = _cache.cache_folder()
    assert folder != cache and why is not None and str(cache) in why
    if problem == "foreign_owner":
        return  # the process's own files would look foreign too under the patched uid
    kernels = _clib.load(_SIGNATURES)
    assert kernels.path.parent == folder and kernels.smoke()
    assert (folder.stat().st_mode & 0o077) == 0  # the fallback is private too, and not a predictable shared path
    assert planted.read_bytes() == b"not a library"


def _import_in_a_fresh_process(cache: Path) -> str:
    """Import the C module where nothing is loaded yet (a process maps a library once per path)."""
    probe = "from softproof.generated import softmax_c as C; assert C.softmax([0.0, 0.0]).tolist() == [0.5, 0.5]; print(C.LIBRARY)"
    env = {**os.environ, "SOFTPROOF_CACHE": str(cache), "SOFTPROOF_PORTABLE": "1"}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_broken_or_foreign_cached_library_is_rebuilt(cache: Path) -> None:
    path = Path(_import_in_a_fresh_process(cache))
    path.write_bytes(b"truncated")  # a broken build product under the right name
    assert _import_in_a_fresh_process(cache) == str(path) and path.read_bytes() != b"truncated"
    os.chmod(path, 0o666)  # writable by others: not trusted, built again
    assert _import_in_a_fresh_process(cache) == str(path) and (path.stat().st_mode & 0o022) == 0


def test_the_key_names_sources_flags_and_compiler(cache: Path, tmp_path: Path) -> None:
    files = _clib.source_files()
    key = _cache.build_key(files, ("-O2",), "cc")
    assert key != _cache.build_key(files, ("-O3",), "cc")
    assert key != _cache.build_key({**files, "softmax.c": files["softmax.c"] + b"\n"}, ("-O2",), "cc")
    fake = tmp_path / "fakecc"
    fake.write_text("#!/bin/sh\n")
    assert key != _cache.build_key(files, ("-O2",), str(fake))


def test_the_suite_builds_and_draws_outside_the_home_folder() -> None:
    """conftest points the build cache and matplotlib at the clone's .test-cache (private), not ~/.cache."""
    from softproof.generated import softmax_c

    root = Path(__file__).resolve().parent.parent
    for variable in ("SOFTPROOF_CACHE", "MPLCONFIGDIR"):
        assert Path(os.environ[variable]).resolve().is_relative_to(root / ".test-cache"), variable
    assert Path(softmax_c.LIBRARY).resolve().is_relative_to(root / ".test-cache")
    assert ((root / ".test-cache").stat().st_mode & 0o077) == 0

"""The build cache of the C kernels (hand-written, copied verbatim into generated/).

A shared library is code: loading one that somebody else could have written runs their code. So:

* the cache is a private folder: ``$SOFTPROOF_CACHE``, else ``$XDG_CACHE_HOME/softproof``, else
  ``~/.cache/softproof``; created with mode 0700, and used only if it is a real folder (not a
  symlink) owned by this user that neither group nor others can write. Otherwise the build goes
  to a fresh private temporary folder of this process (never a shared, predictable path);
* a cached library is loaded only if it is a regular file owned by this user that neither group
  nor others can write;
* the key names everything the library depends on: the C source and header, the flags, and the
  compiler (its resolved path, size and modification time).
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["cache_folder", "untrusted", "build_key", "compiler_identity"]

_PROCESS_FOLDER: list[Path] = []  # the private fallback folder of this process, made once


def untrusted(path: Path, folder: bool) -> str | None:
    """Why ``path`` must not be trusted (``None``: it may be), by ``lstat``: owner, kind and write bits."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot inspect {path}: {exc.strerror}"
    if folder and not stat.S_ISDIR(info.st_mode):
        return f"{path} is not a folder (a symlink or a file)"
    if not folder and not stat.S_ISREG(info.st_mode):
        return f"{path} is not a regular file"
    if info.st_uid != os.geteuid():
        return f"{path} belongs to another user (uid {info.st_uid})"
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return f"{path} is writable by group or others (mode {stat.S_IMODE(info.st_mode):o})"
    return None


def _preferred() -> Path:
    if os.environ.get("SOFTPROOF_CACHE"):
        return Path(os.environ["SOFTPROOF_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "softproof"


def cache_folder() -> tuple[Path, str | None]:
    """(the folder to build into, why the preferred one was refused or ``None``)."""
    preferred = _preferred()
    try:
        preferred.mkdir(mode=0o700, parents=True, exist_ok=True)
        why = untrusted(preferred, folder=True)
    except OSError as exc:
        why = f"cannot create {preferred}: {exc.strerror}"
    if why is None:
        return preferred, None
    if not _PROCESS_FOLDER:
        _PROCESS_FOLDER.append(Path(tempfile.mkdtemp(prefix="softproof-")))  # mode 0700, a fresh name
    return _PROCESS_FOLDER[0], why


def compiler_identity(compiler: str) -> bytes:
    """The compiler as the key sees it: resolved path, size and modification time (no subprocess)."""
    import shutil

    found = shutil.which(compiler) or compiler
    real = os.path.realpath(found)
    try:
        info = os.stat(real)
        return f"{real}:{info.st_size}:{info.st_mtime_ns}".encode()
    except OSError:
        return real.encode()


def build_key(sources: dict[str, bytes], flags: tuple[str, ...], compiler: str) -> str:
    """A hash of the sources, the flags and the compiler's identity."""
    digest = hashlib.sha256()
    for name in sorted(sources):
        digest.update(name.encode() + b"\0" + sources[name] + b"\0")
    digest.update(" ".join(flags).encode() + b"\0" + compiler_identity(compiler))
    return digest.hexdigest()[:20]

"""Atomic file output: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_text", "atomic_write_bytes", "unwritable", "checkout_path", "NotACheckoutError", "PACKAGE_ROOT"]

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class NotACheckoutError(ValueError):
    """softproof runs from an installed package, where the default output folders do not exist."""


def checkout_path(*parts: str) -> Path:
    """A folder of the source checkout (``generated``, ``docs/figures``): the one rule for every default
    output folder, whatever the current directory. An installed package has none: pass ``--out``."""
    if not (PACKAGE_ROOT / "pyproject.toml").is_file():
        raise NotACheckoutError(f"softproof at {PACKAGE_ROOT} is an installed package, not a clone; pass an output folder (--out DIR)")
    return PACKAGE_ROOT.joinpath(*parts)


def unwritable(path: str | os.PathLike[str]) -> str | None:
    """Why a file cannot be written at ``path`` (its folder is missing, not a folder, or read-only), or None.

    Checked before long work, so that minutes of proving or measuring are not lost at the end.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        return f"{str(target)!r} is a folder; give a file name"
    if not folder.exists():
        return f"the folder {str(folder)!r} does not exist; create it first or choose another path"
    if not folder.is_dir():
        return f"{str(folder)!r} is not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {str(folder)!r} is not writable; choose a writable path"
    try:  # the permission bits do not tell for root, read-only mounts or /proc: try a temporary file there, as the write will
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{target.name}.", suffix=".probe"):
            pass
    except OSError as exc:
        return f"the folder {str(folder)!r} is not writable ({exc.strerror}); choose a writable path"
    return None


def _mode_for(target: Path) -> int:
    """An existing file keeps its permission bits; a new one gets the umask's (as ``open`` would give)."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, make_parents: bool = False) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and ``os.replace``.

    The folder must exist unless ``make_parents``; the file keeps its mode (mkstemp's private 0600
    is never left behind).
    """
    target = Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | os.PathLike[str], text: str, make_parents: bool = False) -> Path:
    """``atomic_write_bytes`` of ``text`` in UTF-8 with ``\\n`` line ends."""
    return atomic_write_bytes(path, text.encode("utf-8"), make_parents)

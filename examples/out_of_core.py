"""Log-sum-exp and cross-entropy over an on-disk array larger than memory, with softproof.dask.

The example writes a float32 array of logits (rows x classes, row by row, never whole in memory) to a
NumPy memmap in a private temporary folder, then computes each row's logsumexp and its cross-entropy
against random targets with Dask's threaded scheduler (a progress bar on stderr), and measures the
throughput against a plain read of the same file (a sum of every chunk, the memory floor of any
reduction). Give ``--gigabytes`` above the machine's memory for the out-of-core case (this machine:
24 GiB); the default is small. Run: ``python examples/out_of_core.py --gigabytes 2``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import dask
import dask.array as da
import numpy as np
from dask.diagnostics import ProgressBar

import softproof.dask as sd

CLASSES = 32_000  # a language model's vocabulary
ROWS_PER_CHUNK = 256  # 32 MB chunks of float32


@dataclass
class Report:
    rows: int
    gigabytes: float
    read_seconds: float
    logsumexp_seconds: float
    cross_entropy_seconds: float
    logsumexp: np.ndarray
    loss: np.ndarray
    targets: np.ndarray
    sample: np.ndarray  # the first rows, kept to check against the in-memory kernels

    def summary(self) -> str:
        rate = self.gigabytes
        return (f"{self.rows} rows x {CLASSES} classes, float32, {self.gigabytes:.2f} GB on disk\n"
                f"  plain read (sum of every chunk): {self.read_seconds:.2f} s ({rate / self.read_seconds:.2f} GB/s)\n"
                f"  logsumexp per row:               {self.logsumexp_seconds:.2f} s ({rate / self.logsumexp_seconds:.2f} GB/s, "
                f"{self.logsumexp_seconds / self.read_seconds:.2f}x the read)\n"
                f"  cross-entropy per row:           {self.cross_entropy_seconds:.2f} s ({rate / self.cross_entropy_seconds:.2f} GB/s, "
                f"{self.cross_entropy_seconds / self.read_seconds:.2f}x the read)")


def write_logits(path: Path, rows: int, seed: int = 0) -> np.memmap:
    """rows x CLASSES float32 logits (scaled normal, a few dominant classes per row), written chunk by chunk."""
    rng = np.random.default_rng(seed)
    logits = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, CLASSES))
    for start in range(0, rows, ROWS_PER_CHUNK):
        stop = min(rows, start + ROWS_PER_CHUNK)
        block = rng.normal(size=(stop - start, CLASSES)).astype(np.float32) * 3
        block[np.arange(stop - start), rng.integers(0, CLASSES, size=stop - start)] += 15
        logits[start:stop] = block
    logits.flush()
    return logits


def run(gigabytes: float = 0.05, folder: Path | None = None, progress: bool = True) -> Report:
    rows = max(1, int(gigabytes * 1e9 / (4 * CLASSES)))
    with tempfile.TemporaryDirectory(prefix="softproof-out-of-core-", dir=folder) as private:  # mode 0700
        path = Path(private) / "logits.npy"
        write_logits(path, rows)
        logits = np.load(path, mmap_mode="r")
        x = da.from_array(logits, chunks=(ROWS_PER_CHUNK, 8_000))  # the class axis in 4 chunks: states merged
        targets = np.random.default_rng(1).integers(0, CLASSES, size=rows)
        sd.kernels().logsumexp(np.zeros(2))  # load (or build) the C library before timing
        with dask.config.set(scheduler="threads"):
            start = time.perf_counter()
            x.sum(axis=1).compute()
            read = time.perf_counter() - start
            bar = ProgressBar() if progress else None
            if bar is not None:
                bar.register()
            try:
                start = time.perf_counter()
                lse = sd.logsumexp(x).compute()
                lse_seconds = time.perf_counter() - start
                start = time.perf_counter()
                loss = sd.cross_entropy(x, targets).compute()
                ce_seconds = time.perf_counter() - start
            finally:
                if bar is not None:
                    bar.unregister()
        sample = np.array(logits[:8])
        del logits, x  # the memmap closes before its folder goes
        return Report(rows, rows * CLASSES * 4 / 1e9, read, lse_seconds, ce_seconds, lse, loss, targets, sample)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigabytes", type=float, default=0.5, help="size of the on-disk array (default 0.5)")
    parser.add_argument("--folder", type=Path, default=None, help="where the temporary file goes (default: the system's)")
    arguments = parser.parse_args()
    if not arguments.gigabytes > 0:
        parser.error(f"--gigabytes must be > 0; got {arguments.gigabytes}")
    print(run(arguments.gigabytes, arguments.folder).summary())


if __name__ == "__main__":
    main()

"""softproof.dask on a LocalCluster of 1 and then 2 worker processes (one thread each): logsumexp and
cross-entropy of a 4096 x 32000 float32 array of logits made on the workers (0.52 GB, chunks of 256
rows x 8000 classes: the class axis in 4 chunks whose states are merged), median of 5 runs each, and
the bytes the merge tree moves (56 bytes per row and chunk) against the data. Run:
``python examples/dask_scaling.py``."""

from __future__ import annotations

import statistics
import time

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

import softproof.dask as sd
from softproof.generated._state import STATE_DTYPE

ROWS, CLASSES, CHUNKS = 4096, 32_000, (256, 8_000)


def logits() -> da.Array:
    return da.random.default_rng(0).standard_normal((ROWS, CLASSES), chunks=CHUNKS, dtype=np.float32) * 3


def timed(client: Client, make: object, repeats: int = 5) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        client.compute(make()).result()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    targets = np.random.default_rng(1).integers(0, CLASSES, size=ROWS)
    print(f"{ROWS} x {CLASSES} float32 ({ROWS * CLASSES * 4 / 1e9:.2f} GB), chunks {CHUNKS}")
    chunks_per_row = CLASSES // CHUNKS[1]
    state_bytes = ROWS * chunks_per_row * STATE_DTYPE.itemsize
    print(f"merge tree: {chunks_per_row} states per row of {STATE_DTYPE.itemsize} bytes = {state_bytes / 1e6:.2f} MB moved for "
          f"{ROWS * CLASSES * 4 / 1e6:.0f} MB of data ({ROWS * CLASSES * 4 / state_bytes:.0f}x less)")
    print("| workers | logsumexp s | cross_entropy s | data read s |")
    print("|---|---|---|---|")
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None, silence_logs=40) as cluster, Client(cluster) as client:
            client.compute(sd.logsumexp(logits()[:256])).result()  # the workers load the C library
            read = timed(client, lambda: logits().sum(axis=1))
            lse = timed(client, lambda: sd.logsumexp(logits()))
            loss = timed(client, lambda: sd.cross_entropy(logits(), targets))
            print(f"| {workers} | {lse:.3f} | {loss:.3f} | {read:.3f} |")


if __name__ == "__main__":
    main()

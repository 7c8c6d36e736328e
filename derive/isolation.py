"""Run a decision in a child process that can be killed: a time limit no strategy can swallow.

A timeout raised *inside* the work (a signal handler's exception) is caught by
any ``except Exception`` on its way up, and SymPy has many; a child process
killed from outside is not.  The child is forked (it inherits the parsed
problem, nothing is re-imported), gets an address-space limit so that a
runaway expansion ends in a MemoryError instead of swapping the machine, and
sends back its result or its exception through a pipe.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

__all__ = ["TimedOut", "run_isolated", "MEMORY_LIMIT"]

MEMORY_LIMIT = 6 << 30  # bytes of address space for the child


class TimedOut(Exception):
    """The child ran past its time limit and was killed."""


@dataclass
class _Failure:
    kind: type[BaseException]
    message: str


def _child(connection: Any, work: Callable[[], Any], memory: int) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    except (ValueError, OSError):
        pass  # a hard limit below ours: keep it
    try:
        connection.send(work())
    except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent, typed
        try:
            connection.send(_Failure(type(exc), str(exc)))
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled
            connection.send(_Failure(RuntimeError, f"{type(exc).__name__}: {exc}"))
    finally:
        connection.close()


T = TypeVar("T")


def run_isolated(work: Callable[[], T], seconds: float, memory: int = MEMORY_LIMIT) -> T:
    """``work()`` in a forked child; :class:`TimedOut` after ``seconds``; the child's exception re-raised."""
    if "fork" not in mp.get_all_start_methods():  # no fork (Windows): run in process, without the guarantee
        return work()
    context = mp.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, work, memory), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise TimedOut(f"no verdict within {seconds:g} s")
        try:
            outcome = receive.recv()
        except EOFError:
            raise RuntimeError(f"the worker died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive() and process.pid is not None:
            os.kill(process.pid, signal.SIGKILL)
        process.join()
        receive.close()
    if isinstance(outcome, _Failure):
        raise outcome.kind(outcome.message)
    return cast(T, outcome)  # what work() returned, pickled through the pipe

"""Run a function over chunks of work in forked processes.

Workers are forked after the caller has set up what they need (the plan, the Jinja
environment), so they inherit it instead of receiving it pickled; each hands back only a
small result. The caller keeps small jobs in this process, where forking would cost more
than it saves (`render.PARALLEL_THRESHOLD`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs(jobs: int) -> int:
    """`jobs`, or with 0 the cores this process may use."""
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))      # Linux
    except AttributeError:
        return os.cpu_count() or 1


def forked_map(function: Callable[[T], R], chunks: Sequence[T], workers: int) -> Iterator[R]:
    """`map(function, chunks)`, in up to `workers` forked processes, results in order.
    One worker, or a platform without fork: in this process."""
    if workers <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, chunks)
        return
    pool = None
    try:
        # Held until each worker has set its own handling, so none is stopped under the caller's.
        with _stop_signals_held():
            pool = multiprocessing.get_context("fork").Pool(min(workers, len(chunks)), initializer=_stopped_by_the_caller)
        yield from pool.imap(function, chunks)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


@contextmanager
def _stop_signals_held() -> Iterator[None]:
    held = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


def _stopped_by_the_caller() -> None:
    """`pool.terminate()` stops a worker with SIGTERM, so a worker dies of it, whatever handler
    it inherited (`scrutiny serve`'s only sets a flag: the worker lived on, and the caller
    waited for it for ever, holding the output's lock). Ctrl-C reaches every process of the
    terminal's group: a worker leaves it to the caller, which terminates the pool (each worker
    printed a traceback of its own)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

"""Run a function over chunks of work in forked processes.

Workers are forked after the caller has set up what they need (the plan, the Jinja
environment), so they inherit it instead of receiving it pickled; each hands back only a
small result. The caller keeps small jobs in this process, where forking would cost more
than it saves (`render.PARALLEL_THRESHOLD`).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, Iterator, Sequence, TypeVar

from generator.stopping import stop_signals_held, stopped_by_the_caller

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
        with stop_signals_held():
            pool = multiprocessing.get_context("fork").Pool(min(workers, len(chunks)), initializer=stopped_by_the_caller)
        yield from pool.imap(function, chunks)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()


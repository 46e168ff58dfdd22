"""Run a function over chunks of work in forked processes.

Workers are forked after the caller has set up what they need (the plan, the Jinja
environment), so they inherit it instead of receiving it pickled; each hands back only a
small result. The caller keeps small jobs in this process, where forking would cost more
than it saves (`render.PARALLEL_THRESHOLD`).

What a worker inherits is frozen for Python's cycle collector (`gc.freeze`, as the gc
module's documentation advises before a fork): a collection in a worker would otherwise
walk every object of the parent's heap (a large corpus has millions, all still in use),
and in walking them copy every page of it.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
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


def _forked_pool(processes: int):
    """A pool of `processes` forked workers that leave the heap they inherit to the parent."""
    gc.freeze()
    try:
        return multiprocessing.get_context("fork").Pool(processes)
    finally:
        gc.unfreeze()             # in this process only: the workers keep theirs frozen


def forked_call(function: Callable[[T], R], argument: T) -> Callable[[], R]:
    """Start `function(argument)` in a forked process; the returned function waits for its
    result. A platform without fork: it runs when the result is asked for."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return lambda: function(argument)
    pool = _forked_pool(1)
    pending = pool.apply_async(function, (argument,))

    def result() -> R:
        try:
            return pending.get()
        finally:
            pool.terminate()
            pool.join()
    return result


def forked_map(function: Callable[[T], R], chunks: Sequence[T], workers: int) -> Iterator[R]:
    """`map(function, chunks)`, in up to `workers` forked processes, results in order.
    One worker, or a platform without fork: in this process."""
    if workers <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(function, chunks)
        return
    pool = _forked_pool(min(workers, len(chunks)))
    try:
        yield from pool.imap(function, chunks)
    finally:
        pool.terminate()
        pool.join()

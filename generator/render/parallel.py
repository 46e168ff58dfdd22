"""Render HTML pages across processes.

Workers are forked after the plan is made, so they inherit the corpus and the Jinja
environment instead of receiving them pickled; each writes its pages straight into the
staging folder and hands back only the paths. Small jobs stay in this process: forking
costs more than rendering a few dozen pages.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Callable, Sequence

from generator.plan import Output, Plan

PARALLEL_THRESHOLD = 200        # pages; below this one process is faster
CHUNK = 64

# The state a forked worker inherits. Set in the parent just before the fork, read only
# in the children; never changed while a pool is running.
_inherited: dict = {}


def _render_chunk(indexes: Sequence[int]) -> list[str]:
    from generator.render.html import render_page
    plan: Plan = _inherited["plan"]
    outputs: Sequence[Output] = _inherited["outputs"]
    env = _inherited["env"]
    staging: Path = _inherited["staging"]
    written = []
    for index in indexes:
        output = outputs[index]
        destination = staging / output.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(render_page(env, plan, output))
        written.append(output.path)
    return written


def default_jobs(jobs: int) -> int:
    if jobs > 0:
        return jobs
    try:
        return len(os.sched_getaffinity(0))      # the cores this process may use (Linux)
    except AttributeError:
        return os.cpu_count() or 1


def render_pages(env, plan: Plan, outputs: Sequence[Output], staging: Path, jobs: int,
                 progress: Callable[[str, int, int], None] | None = None) -> list[str]:
    """Render `outputs` into `staging`; returns the paths written, in plan order."""
    workers = default_jobs(jobs)
    chunks = [list(range(start, min(start + CHUNK, len(outputs)))) for start in range(0, len(outputs), CHUNK)]
    _inherited.update(plan=plan, outputs=outputs, env=env, staging=staging)
    try:
        return _run(chunks, workers, outputs, progress)
    except OSError as exc:
        from generator.write import OutputError
        full = " (the disk is full)" if exc.errno == 28 else ""
        raise OutputError(f"cannot write {exc.filename or 'a page'}: {exc.strerror}{full}; "
                          "the previous output is unchanged") from exc
    finally:
        _inherited.clear()


def _run(chunks: list[list[int]], workers: int, outputs: Sequence[Output],
         progress: Callable[[str, int, int], None] | None) -> list[str]:
    written: list[str] = []
    if workers == 1 or len(outputs) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        results = map(_render_chunk, chunks)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=200)
        results = pool.imap(_render_chunk, chunks)
    try:
        for paths in results:
            written += paths
            if progress:
                progress("pages", len(written), len(outputs))
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    return written

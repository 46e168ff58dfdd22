"""Render HTML pages and data files across processes.

Workers are forked after the plan is made, so they inherit the corpus and the Jinja
environment instead of receiving them pickled; each writes its files straight into the
staging folder and hands back only the paths. Small jobs stay in this process: forking
costs more than rendering a few dozen pages.

An output about the whole corpus (a listing page, inspections.json) costs about as much
as one page per inspection, so it weighs that much: at N = 5,000 the eight of them take
10 s in one process, and they go first, each alone, so that no worker is left with one
of them at the end.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

from generator.plan import Output, Plan
from generator.write import write_file

if TYPE_CHECKING:
    from generator.render.data import DataParts

PARALLEL_THRESHOLD = 200        # pages' worth of work (see `weight`); below this one process is faster
CHUNK = 64

# The state a forked worker inherits. Set in the parent just before the fork, read only
# in the children; never changed while a pool is running.
_inherited: dict = {}


def render_output(env, plan: Plan, output: Output, parts: DataParts | None = None) -> Iterable[bytes]:
    """One page or data file, as pieces to write one after another (a data file about the
    whole corpus is never whole in memory). `parts`: see `render_data`."""
    from generator.render.data import render_data
    from generator.render.html import render_page
    return render_data(plan, output.path, parts) if output.kind == "data" else (render_page(env, plan, output),)


def weight(output: Output, corpus_size: int) -> int:
    """What rendering `output` costs, in pages: a record's page is one; a listing or data
    file (no subject) reads every inspection, so it is one per inspection."""
    return 1 if output.subject is not None else max(1, corpus_size)


def _render_chunk(indexes: Sequence[int]) -> list[str]:
    plan: Plan = _inherited["plan"]
    outputs: Sequence[Output] = _inherited["outputs"]
    env = _inherited["env"]
    staging: Path = _inherited["staging"]
    parts: DataParts | None = _inherited["parts"]
    written = []
    for index in indexes:
        output = outputs[index]
        write_file(staging / output.path, render_output(env, plan, output, parts))
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
                 progress: Callable[[str, int, int], None] | None = None, parts: DataParts | None = None
                 ) -> list[str]:
    """Render `outputs` (pages and data files) into `staging`; returns the paths written:
    the corpus-wide outputs first, then the others in plan order. `parts`: the data files'
    per-inspection pieces, made already (`data.data_parts`), or None."""
    workers = default_jobs(jobs)
    weights = [weight(o, len(plan.corpus.inspections)) for o in outputs]
    whole = [i for i, w in enumerate(weights) if w > 1]
    each = [i for i, w in enumerate(weights) if w == 1]
    chunks = [[i] for i in whole] + [each[start:start + CHUNK] for start in range(0, len(each), CHUNK)]
    work = sum(weights)
    _inherited.update(plan=plan, outputs=outputs, env=env, staging=staging, parts=parts)
    try:
        return _run(chunks, workers if work >= PARALLEL_THRESHOLD else 1, outputs, progress)
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
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
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

"""Stage 5, render: make each planned output the write stage could not reuse.

`render_site` writes, through `write(path, pieces)`, every output of `todo`: pages and data
files (in forked workers on a large site, `speed.parallel`), the council logos and the images
pages show, the theme's files, the papers and packs (`papers.render_pdfs`), and last the
search index over the finished pages (`search.index_site`). What each output shows is decided by the plan;
rendering is a pure function of the plan, the templates and the output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from generator.load.files import Template, cache_folder
from generator.plan.outputs import Output, Plan
from generator.render.data import DATA_FROM_PARTS, DataParts, data_parts, render_data
from generator.render.html import make_environment, render_page
from generator.render.papers import render_pdfs
from generator.render.search import index_site
from generator.speed.collector import usual_collections
from generator.speed.memo import MatchMemo
from generator.speed.parallel import default_jobs, forked_map

Write = Callable[[str, Iterable[bytes]], None]
Progress = Callable[[str, int, int], None]

# Pages' worth of work (an output about the whole corpus, a listing or a data file, weighs one
# page per inspection) below which one process is faster than forking workers.
PARALLEL_THRESHOLD = 200
CHUNK = 64


def render_site(root: Path, plan: Plan, todo: Sequence[Output], templates: Mapping[str, Template], folder: Path,
                write: Write, jobs: int = 0, progress: Progress | None = None, data_memo: MatchMemo | None = None,
                reuse_layouts: bool = True) -> list[str]:
    """Render every output of `todo` into `folder` (by `write`); returns their paths."""
    env = make_environment(templates, cache=cache_folder(root, "jinja"))
    done: list[str] = []
    for output in todo:
        if output.kind == "file":          # a logo or a page's image, as resolve keeps it (an SVG sanitised)
            write(output.path, (plan.corpus.attachments[output.subject].raw or b"",))
        elif output.kind == "asset":
            write(output.path, (Path(output.subject).read_bytes(),))
        else:
            continue
        done.append(output.path)
    pages = [o for o in todo if o.kind not in ("pdf", "pack", "file", "asset", "search-index")]
    # serve keeps each inspection's piece of the data files between saves (`data_parts`),
    # made by its first build too, so that the first save is as quick as the ones after.
    parts = (data_parts(plan.corpus, data_memo) if data_memo is not None and (
        not len(data_memo) or any(o.path in DATA_FROM_PARTS for o in pages)) else None)
    done += render_pages(env, plan, pages, write, jobs, progress, parts)
    papers = [o for o in todo if o.kind in ("pdf", "pack")]
    if papers:
        with usual_collections():
            for path, data in render_pdfs(root, plan, templates, papers, jobs=jobs, progress=progress,
                                          reuse_layouts=reuse_layouts):
                write(path, (data,))
                done.append(path)
    for output in todo:
        if output.is_folder:                # the search index, last: it indexes the finished pages
            index_site(folder / output.path, folder)
            done.append(output.path)
    return done


# The state forked workers inherit: set just before the fork, read only in the workers.
_inherited: dict = {}


def _render_chunk(indexes: Sequence[int]) -> list[str]:
    plan, outputs, env, write, parts = (_inherited[k] for k in ("plan", "outputs", "env", "write", "parts"))
    for index in indexes:
        output = outputs[index]
        write(output.path, render_data(plan, output.path, parts) if output.kind == "data"
              else (render_page(env, plan, output),))
    return [outputs[index].path for index in indexes]


def render_pages(env, plan: Plan, outputs: Sequence[Output], write: Write, jobs: int = 0,
                 progress: Progress | None = None, parts: DataParts | None = None) -> list[str]:
    """Pages and data files; returns their paths, the corpus-wide outputs first. Those weigh
    as much as one page per inspection, so each goes alone, first, and no worker is left with
    one of them at the end."""
    size = max(1, len(plan.corpus.inspections))
    whole = [i for i, o in enumerate(outputs) if o.subject is None]
    each = [i for i, o in enumerate(outputs) if o.subject is not None]
    chunks = [[i] for i in whole] + [each[start:start + CHUNK] for start in range(0, len(each), CHUNK)]
    work = len(each) + size * len(whole)
    _inherited.update(plan=plan, outputs=outputs, env=env, write=write, parts=parts)
    written: list[str] = []
    try:
        workers = default_jobs(jobs) if work >= PARALLEL_THRESHOLD else 1
        for paths in forked_map(_render_chunk, chunks, workers):
            written += paths
            if progress:
                progress("pages", len(written), len(outputs))
    finally:
        _inherited.clear()
    return written

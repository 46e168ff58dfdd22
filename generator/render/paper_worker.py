"""What runs inside a PDF worker process (see papers.PoolRunner).

Kept small and free of WeasyPrint at import time, so that the process handing out work can
name these functions (pickle needs the module) without importing WeasyPrint itself. The
workers fork from a server that has already imported `generator.render.pdf`.
"""

from __future__ import annotations

import gc
import traceback
from typing import Any, Callable

from generator.speed.frame_stack import call_with_room
from generator.render.paper_fonts import PaperError
from generator.stopping import stopped_by_the_caller

def serve(connection) -> None:
    """A worker's life: set up, then lay out each task the build sends down `connection` and
    send back its outcome, until the build closes the pipe (its end, or it stopped: nobody to
    answer)."""
    stopped_by_the_caller()
    init()
    while True:
        try:
            key, function, argument = connection.recv()
        except (EOFError, OSError):
            return
        outcome = task(key, function, argument)
        try:
            connection.send(outcome)
        except OSError:
            return


def init() -> None:
    """Once per process that lays out documents (each worker, or the build's own process at
    -j 1, before its first document): quiet logs, one font configuration."""
    from generator.render import pdf
    pdf.quiet_weasyprint()
    pdf.font_config()
    # WeasyPrint and the libraries under it leave a great many objects from their import
    # that are never garbage, and laying out documents sets off the cycle collector's full
    # passes again and again, each walking all of them. Frozen, they are left out.
    # Objects made later are collected as usual.
    gc.freeze()


def render(job):
    """Lay out one document (pdf.Job) -> pdf.Rendered."""
    from generator.render.pdf import render as render_pdf
    return render_pdf(job)


def task(key: str, function: Callable, argument: Any):
    """Run one task. A PaperError is a result (it names the record); any other exception is a
    bug, returned as text with its traceback."""
    try:
        # Layout recurses deeply: see generator.speed.frame_stack.
        return "ok", call_with_room(function, argument)
    except PaperError as exc:
        return "error", exc
    except Exception as exc:
        return "bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"

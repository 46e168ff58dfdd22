"""Python's cycle collector, asked to run rarely while a build makes its records and pages.

A build allocates millions of objects that live until it ends and frees few of them; each
pass of the collector walks all of them to find nothing. With the first generation's
threshold raised, those passes come rarely; reference counting still frees everything as
usual, and the collector runs as before once the build is over (bench/README.md has what
it saves). Not while papers are assembled (`usual_collections`): that leaves cycles
holding whole PDFs in native memory, which waiting would let pile up.

`scrutiny serve` keeps a large memo between builds: a full pass over it, whenever the
collector's counts happen to call for one, would fall inside the next build. Serve runs
that pass itself after each build instead, while it waits for the next save.
"""

from __future__ import annotations

import gc
from contextlib import AbstractContextManager, contextmanager
from typing import Iterator

ALLOCATIONS_BETWEEN_PASSES = 100_000
USUAL_THRESHOLDS = gc.get_threshold()


@contextmanager
def _thresholds(*thresholds: int) -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(*thresholds)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def rare_collections() -> AbstractContextManager[None]:
    return _thresholds(ALLOCATIONS_BETWEEN_PASSES, *gc.get_threshold()[1:])


def usual_collections() -> AbstractContextManager[None]:
    """The collector at its usual thresholds, inside `rare_collections`."""
    return _thresholds(*USUAL_THRESHOLDS)


def collect_while_idle() -> None:
    """A full pass of the collector now, between builds, rather than inside the next one."""
    gc.collect()

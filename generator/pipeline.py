"""The first three stages in order, shared by every command: load -> validate -> resolve."""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from generator.load import LoadResult, load_site
from generator.memo import CheckMemo, no_memo
from generator.problems import Problem, Severity
from generator.resolve import Corpus, resolve
from generator.validate import Records, Validator


@dataclass(frozen=True)
class Checked:
    loaded: LoadResult
    records: Records
    corpus: Corpus | None
    problems: tuple[Problem, ...]     # sorted by file and line

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


@contextmanager
def collector_paused():
    """These stages allocate millions of objects and free almost none: Python's cycle
    collector would walk the growing heap again and again (20% of a large check) to find
    nothing. Reference counting still frees everything else as usual.

    The collector's first pass after it is enabled again walks the whole heap once (3 s at
    N = 5,000); a build avoids it by freezing the corpus before that (see `build._build`)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parsed_folder(root: Path) -> Path:
    """Where the records parsed by earlier runs are kept (`load/parsed_cache.py`). Every
    command that checks a site reads and fills it: at N = 5,000, `scrutiny check` takes half
    the time with it. Deleting it is always safe."""
    return root / ".cache" / "parsed"


def check_site(root: Path, as_of: dt.date, jobs: int = 0, parsed: Path | None = None,
               digests: Mapping[str, str] | None = None, memo: CheckMemo | None = None) -> Checked:
    """Load, validate and resolve everything under root/content; never raises on content.
    `jobs`: processes that may read files (0: one per core); `parsed`: where records parsed
    by earlier builds are kept (None: parse every file); `digests`: see `load_site`;
    `memo`: what earlier checks in this process worked out (generator/memo.py), brought
    up to date."""
    with collector_paused():
        validator = Validator(memo)    # each document is validated as soon as it is read
        loaded = load_site(root, jobs, parsed, sink=validator.add, digests=digests,
                           held=validator.holds if memo is not None else None)
        records, invalid = validator.records(loaded.unreadable)
        corpus, unresolved = resolve(records, as_of, memo.part if memo is not None else no_memo)
        if memo is not None:
            memo.finish()
    problems = tuple(sorted({*loaded.problems, *invalid, *unresolved}, key=lambda p: p.sort_key))
    return Checked(loaded, records, corpus, problems)

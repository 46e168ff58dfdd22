"""A council's details on a day: a paper shows them as they were when it was issued.

docs/papers.md, "Papers are records: as issued": a paper says what was true on the day it
was issued, and says the same whenever it is built again. A council record gives its details
from the start, and each of its `changes` replaces the fields it names from its `from` day on
(docs/content-format.md, the council record).
"""

from __future__ import annotations

import datetime as dt

from generator.model import Council


def council_as_at(council: Council, day: dt.date) -> Council:
    """The council's details on `day`: the record's own, then each change dated on or before
    it, in date order, replacing the whole of each field it names (a clerk named replaces the
    whole clerk, not one line of it). What it gives has no changes left to apply."""
    details: dict = {}
    for change in sorted(council.changes, key=_from):
        if change.from_ > day:
            break
        details |= {name: getattr(change, name) for name in change.model_fields_set if name != "from_"}
    if not details and not council.changes:
        return council
    return council.model_copy(update={**details, "changes": []})


def _from(change) -> dt.date:
    return change.from_

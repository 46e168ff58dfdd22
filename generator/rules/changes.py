"""A record's details on a day: a paper shows them as they were when it was issued.

docs/papers.md, "Papers are records: as issued": a paper says what was true on the day it
was issued, and says the same whenever it is built again. A council or service record gives
its details from the start, and each of its `changes` replaces the fields it names from its
`from` day on (docs/content-format.md, the council and service records).
"""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from generator.model import Council, Service

Changing = TypeVar("Changing", Council, Service)


def details_as_at(record: Changing, day: dt.date) -> Changing:
    """The record's details on `day`: its own, then each change dated on or before it, in date
    order, replacing the whole of each field it names (a clerk named replaces the whole clerk,
    not one line of it). What it gives has no changes left to apply."""
    details: dict = {}
    for change in sorted(record.changes, key=_from):
        if change.from_ > day:
            break
        details |= {name: getattr(change, name) for name in change.model_fields_set if name != "from_"}
    if not details and not record.changes:
        return record
    return record.model_copy(update={**details, "changes": []})


def _from(change) -> dt.date:
    return change.from_

"""The day an inspection's record says the inspectorate published it: nothing of it is public before.

A record typed from the report the service receives before publication gives that day as
`published:`; its `embargo_until` may be left out, and the record would then be public at once.
An embargo written is the clerk's word on when it is released, and stands, unless it ends
before the publication day: a report is not public before the inspectorate publishes it.
"""

from __future__ import annotations

import datetime as dt

from generator.clock import london_instant
from generator.model.types import DateOrMonth


def not_before_publication(embargo: dt.datetime | None, published: DateOrMonth | None) -> dt.datetime | None:
    """The moment an inspection may be public: the start of its publication day (of a month
    given alone, its first day) on a London clock, or its own embargo if that ends later."""
    if published is None:
        return embargo
    day_begins = london_instant(dt.datetime.combine(published.start, dt.time()))
    return day_begins if embargo is None or embargo < day_begins else embargo

"""The day an inspection's record says the inspectorate published it: nothing of it is public before.

A record typed from the report the service receives before publication gives that day as
`published:`; its `embargo_until` may be left out, and the record would then be public at once.
An embargo written is the clerk's word on when it is released, and stands, unless it ends
before the publication day: a report is not public before the inspectorate publishes it.
"""

from __future__ import annotations

import datetime as dt

from generator.clock import start_of_day
from generator.model.types import DateOrMonth


def first_public_day(published: DateOrMonth) -> dt.date:
    """The first day the record is known to be published: its day; of a month given alone, the
    day after the month ends, since the inspectorate may publish on any day of it."""
    return published.end + dt.timedelta(days=1) if published.is_month else published.start


def release_day(published: DateOrMonth | None, embargo: dt.datetime | None) -> dt.date | None:
    """The day the sources give for an inspection's release, or None where they give none: the
    later of its publication day and its embargo's (London) day. A publication given only as a
    month names no day, so its embargo's day alone dates it (Torbay's report says "March 2021",
    the council's letter 3 March); never a day counted from the month or the fieldwork."""
    days = [] if embargo is None else [embargo.date()]
    if published is not None and not published.is_month:
        days.append(published.start)
    return max(days, default=None)


def not_before_publication(embargo: dt.datetime | None, published: DateOrMonth | None) -> dt.datetime | None:
    """The moment an inspection may be public, on a London clock: its own embargo, unless that
    ends before its publication day begins (of a month, its first day); with no embargo, the
    start of its first public day (`first_public_day`)."""
    if published is None:
        return embargo
    if embargo is not None:
        return max(embargo, start_of_day(published.start))
    return start_of_day(first_public_day(published))

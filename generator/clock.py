"""Council papers are dated in UK time: embargoes, meeting times and "today" are Europe/London.

A module of its own so that commands can tell the time without importing the record models.
"""

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_MINUTE = dt.timedelta(minutes=1)


def _exists(wall: dt.datetime) -> bool:
    """Does this wall-clock time happen in London? (PEP 495: a time in the spring gap does
    not come back unchanged from UTC.)"""
    there = wall.replace(tzinfo=LONDON, fold=0)
    return there.astimezone(dt.timezone.utc).astimezone(LONDON).replace(tzinfo=None) == wall


def skipped(wall: dt.datetime) -> bool:
    """Is this wall-clock time one London's clock skips (01:00-01:59 on the last Sunday of March)?"""
    return not _exists(wall.replace(tzinfo=None, fold=0))


def repeated(wall: dt.datetime) -> bool:
    """Does London's clock show this wall-clock time twice (01:00-01:59 on the last Sunday of October)?"""
    first, second = (wall.replace(tzinfo=LONDON, fold=fold) for fold in (0, 1))
    return first.utcoffset() != second.utcoffset() and not skipped(wall)


def london_instant(wall: dt.datetime, *, repeated_as_second: bool = False) -> dt.datetime:
    """The instant a London wall-clock time names, with a fixed UTC offset.

    The zoneinfo documentation (and PEP 495) leave two cases to the caller:

    - a time that never happens, in the hour the clocks skip on the last Sunday of March
      (01:00-01:59): the first instant after the gap, 02:00 BST (01:00 UTC). zoneinfo
      alone would read 01:30 with the offset from before the gap, 02:30 BST, so that an
      as-of of 02:15 on a London clock and 02:15 BST given as 01:15 UTC would disagree
      about whether an embargo had ended;
    - a time that happens twice, in the hour repeated on the last Sunday of October: its
      first occurrence (fold=0), 01:30 BST; with `repeated_as_second`, its second (fold=1),
      01:30 GMT. An embargo is read so: whichever occurrence its author meant has passed
      before anything it holds back is public.

    The offset is fixed (not the zone) so that comparing two moments always compares
    instants: Python compares datetimes that share one tzinfo by their wall clocks alone,
    which in the repeated hour puts 01:10 GMT before 01:30 BST.
    """
    wall = wall.replace(tzinfo=None, fold=0)
    if not _exists(wall):
        wall = wall.replace(second=0, microsecond=0)
        for _ in range(24 * 60):                 # a London gap is one hour; any zone's is under a day
            wall += _MINUTE
            if _exists(wall):
                break
    there = wall.replace(tzinfo=LONDON, fold=int(repeated_as_second))
    return there.astimezone(dt.timezone(there.utcoffset()))


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of a London day."""
    return london_instant(dt.datetime.combine(day, dt.time()))


def at_london_offset(moment: dt.datetime) -> dt.datetime:
    """An aware moment as London's clock shows it, with that instant's fixed UTC offset, so
    that it compares with other moments as an instant (see `london_instant`)."""
    there = moment.astimezone(LONDON)
    return there.astimezone(dt.timezone(there.utcoffset()))


def repeated_zone(moment: dt.datetime) -> str:
    """' GMT' or ' BST' after a time London's clock shows twice (01:00-01:59 on the last Sunday
    of October), '' after any other: printed after such a time, it says which of the two is
    meant (an embargo written without an offset ends at the second, in GMT)."""
    there = moment.astimezone(LONDON)
    return f" {there.tzname()}" if repeated(there.replace(tzinfo=None)) else ""


def london_minute(moment: dt.datetime) -> str:
    """An embargo as ratings.csv and an imported record write it: '2021-03-03 00:01', London time;
    in the hour the clocks repeat, with its offset ('2026-10-25 01:30+01:00'), so that it names
    one instant and reads back as that one."""
    return moment.isoformat(" ", "minutes") if repeated_zone(moment) else f"{moment:%Y-%m-%d %H:%M}"


def london_time(moment: dt.datetime) -> str:
    """The time part of every printed embargo or --as-of moment: '09:30' on London's clock,
    '01:30 GMT' or '01:30 BST' in the hour the clocks repeat; one function, so that no message
    drops the zone. To the minute: model.types refuses an embargo given to the second, so an
    as-of's seconds decide nothing."""
    return f"{moment.astimezone(LONDON):%H:%M}{repeated_zone(moment)}"


def london_moment(moment: dt.datetime) -> str:
    """An embargo or --as-of moment as every message and list prints it: '2021-03-03 00:01', as
    the records write it, on London's clock ('2026-10-25 01:30 GMT' in the hour the clocks repeat)."""
    return f"{moment.astimezone(LONDON):%Y-%m-%d} {london_time(moment)}"


def now_in_london() -> dt.datetime:
    """Now, to the second, as London's clock shows it (a fixed offset: see `at_london_offset`)."""
    return at_london_offset(dt.datetime.now(dt.timezone.utc).replace(microsecond=0))

"""The day a meeting's papers are issued (Local Government Act 1972, Part VA).

Copies of the agenda and reports are open to inspection at least three clear days before the
meeting (s.100B(3)), which SI 2002/715 made five for councils in England only; neither the day
of issue nor the meeting's own day counts. A meeting's own `issued` wins, then its council's
`clear_days` in force on the day of issue (a council's details change from a day on:
`rules.changes`), then the law's for its nation.
"""

from __future__ import annotations

import datetime as dt

from generator.clock import start_of_day
from generator.model import Council, Meeting
from generator.model.council import Nation
from generator.rules.changes import details_as_at

STATUTORY_CLEAR_DAYS = {Nation.ENGLAND: 5, Nation.WALES: 3}


def clear_days(council: Council | None) -> int:
    """The council's own `clear_days`, or else the law's for its nation (England's for none)."""
    if council is not None and council.clear_days is not None:
        return council.clear_days
    return STATUTORY_CLEAR_DAYS[council.nation if council is not None else Nation.ENGLAND]


def issue_date(meeting: Meeting, days: int) -> dt.date:
    """The day a meeting's papers are issued: `days` clear days before it, unless it says. Never
    before the calendar's first day: a meeting in year 1's first weeks (a slip) is not a crash."""
    return meeting.issued or meeting.date - dt.timedelta(days=min(days + 1, (meeting.date - dt.date.min).days))


def pack_issue_date(meeting: Meeting, council: Council | None) -> dt.date:
    """The day a meeting's pack is issued: its own `issued`, or else the first day by which the
    clear days its council (the record, with its changes) gave on that day were all that was
    left before the meeting. A change from a later day cannot move a pack issued before it."""
    if meeting.issued or council is None:
        return issue_date(meeting, clear_days(council))
    most = max(clear_days(details_as_at(council, change.from_)) for change in council.changes) \
        if council.changes else 0
    day = issue_date(meeting, max(most, clear_days(council)))
    while (meeting.date - day).days - 1 > clear_days(details_as_at(council, day)):
        day += dt.timedelta(days=1)
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a London day: a paper as at `day` is as things stood then."""
    return start_of_day(day + dt.timedelta(days=1)) - dt.timedelta(microseconds=1)

"""The day each paper is made as at: a paper is a record, fixed when it is issued.

A meeting's papers (its pack, every report and appendix in it) are as at the day the pack
is issued: the meeting's `issued`, or else its council's `clear_days` clear days before the
meeting (Local Government Act 1972, s.100B(3): copies open to inspection at least three clear
days before the meeting, which SI 2002/715 made five for councils in England only; neither the
day of issue nor the meeting's own day counts). A report in no meeting is as at its own `date`; an action plan printed on its own
is as at its latest progress update (or, with none, the day it was published). Rebuilding a
past meeting's pack on any later day therefore gives the same bytes. `--as-of` overrides
all of these, for previews.
"""

from __future__ import annotations

import datetime as dt

from generator.model import Council, Meeting
from generator.model.council import Nation
from generator.resolve.corpus import Corpus

STATUTORY_CLEAR_DAYS = {Nation.ENGLAND: 5, Nation.WALES: 3}


def clear_days(council: Council | None) -> int:
    """The council's own `clear_days`, or else the law's for its nation (England's for none)."""
    if council is not None and council.clear_days is not None:
        return council.clear_days
    return STATUTORY_CLEAR_DAYS[council.nation if council is not None else Nation.ENGLAND]


def issue_date(meeting: Meeting, days: int) -> dt.date:
    """The day a meeting's papers are issued: `days` clear days before it, unless it says."""
    return meeting.issued or meeting.date - dt.timedelta(days=days + 1)


def meeting_as_at(corpus: Corpus, mid: str) -> dt.date:
    view = corpus.meetings[mid]
    council = corpus.councils.get(view.council_id)
    return issue_date(view.meeting, clear_days(council.council if council else None))


def report_as_at(corpus: Corpus, rid: str) -> dt.date:
    view = corpus.reports[rid]
    if view.meeting_id and view.meeting_id in corpus.meetings:
        return meeting_as_at(corpus, view.meeting_id)
    return view.front.date


def action_plan_as_at(corpus: Corpus, pid: str) -> dt.date:
    view = corpus.action_plans[pid]
    if view.last_update is not None:
        return view.last_update
    released = [view.embargo_until.date()] if view.embargo_until else []
    inspection = corpus.inspections.get(view.inspection_id)
    if inspection is not None:
        released.append(inspection.date)
    return max(released) if released else dt.date(1900, 1, 1)

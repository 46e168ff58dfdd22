"""The day each paper is made as at: a paper is a record, fixed when it is issued.

A meeting's papers (its pack, every report and appendix in it) are as at the day the pack
is issued: the meeting's `issued`, or else its council's `clear_days` clear days before the
meeting (Local Government Act 1972, s.100B(3): copies open to inspection at least three clear
days before the meeting, which SI 2002/715 made five for councils in England only; neither the
day of issue nor the meeting's own day counts). A report in no meeting is as at its own `date`; an action plan printed on its own
is as at its latest progress update (or, with none, the day it was published). A pack
carries the papers that were public at the end of its issue day: an item whose papers were
still embargoed then is "To Follow" in it, as printed (a supplementary pack carries them).
Rebuilding a past meeting's pack on any later day therefore gives the same bytes. `--as-of`
overrides all of these, for previews.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Iterator

from generator.clock import london_instant
from generator.model import Council, Meeting
from generator.model.council import Nation
from generator.plan.publication import held_back
from generator.resolve.corpus import ActionPlanView, Corpus, Entry, ItemView, MeetingView

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


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of a London day: a paper as at `day` is as things stood then."""
    return london_instant(dt.datetime.combine(day + dt.timedelta(days=1), dt.time())) - dt.timedelta(microseconds=1)


def _plan_records(corpus: Corpus, plan: ActionPlanView | None) -> Iterator[Entry | None]:
    """An action plan, and the inspection it is public only with."""
    if plan is not None:
        yield plan
        yield corpus.inspections.get(plan.inspection_id)


def papers_records(corpus: Corpus, item: ItemView) -> Iterator[Entry]:
    """The records an item's papers are made from, and those they are public only with: its
    report and the records the report names; its appendices' inspections and action plans."""
    found: list[Entry | None] = []
    report = corpus.reports.get(item.report_id) if item.report_id else None
    if report is not None:
        front = report.front
        found += [report, corpus.inspections.get(front.inspection or ""), corpus.indicators.get(front.indicators or ""),
                  *_plan_records(corpus, corpus.action_plans.get(front.action_plan or ""))]
    for appendix in item.appendices:
        for kind, ref in appendix.parts:
            if kind == "inspection":
                found.append(corpus.inspections.get(ref))
            elif kind == "action_plan":
                found += _plan_records(corpus, corpus.action_plans.get(ref))
    return (entry for entry in found if entry is not None)


def released_by(corpus: Corpus, item: ItemView, moment: dt.datetime) -> bool:
    """Had the item's embargo, and every embargo its papers wait for, ended by `moment`?"""
    return all(entry.embargo_until is None or entry.embargo_until <= moment
               for entry in (item, *papers_records(corpus, item)))


def meeting_as_issued(corpus: Corpus, mid: str, day: dt.date | None = None) -> MeetingView:
    """The meeting as its pack was issued (or as at `day`): an item whose papers were public
    only after the end of that day is "To Follow", however late the pack is built again."""
    view = corpus.meetings[mid]
    moment = end_of_day(day or meeting_as_at(corpus, mid))
    items = tuple(item if item.to_follow or released_by(corpus, item, moment) else held_back(item)
                  for item in view.items)
    return view if items == view.items else replace(view, items=items)


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

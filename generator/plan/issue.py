"""The day each paper is made as at: a paper is a record, fixed when it is issued.

A meeting's papers (its pack, every report and appendix in it) are as at the day the pack
is issued (`rules.issue.pack_issue_date`: the meeting's `issued`, or so many clear days before
it). A report in no meeting is as at its own `date`; an action plan printed on its own is as
at its latest progress update (or, with none, the day it became public); an inspection's
findings printed on their own, as at the day they became public (embargo or publication). Each shows its council as at that day
(`rules.changes`). A pack carries the
papers that were public at the end of its issue day: an item whose papers were still
embargoed then is "To Follow" in it, as printed (a supplementary pack carries them).
Rebuilding a past meeting's pack on any later day therefore gives the same bytes. `--as-of`
overrides all of these, for previews.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from generator.plan.publication import held_back
from generator.resolve.corpus import Corpus, MeetingView
from generator.resolve.papers import meeting_issue_date, released_by
from generator.rules.issue import end_of_day
from generator.rules.publication import release_day


# The stand-in day of a record nothing dates (`InspectionView.date` for an undated inspection): it
# orders such a record first, but no day may be counted from it (`action_plan_undated`).
UNDATED = dt.date(1900, 1, 1)


def meeting_as_at(corpus: Corpus, mid: str) -> dt.date:
    return meeting_issue_date(corpus, corpus.meetings[mid])


def meeting_as_issued(corpus: Corpus, mid: str, day: dt.date | None = None) -> MeetingView:
    """The meeting as its pack was issued (or as at `day`): an item whose papers were public
    only after the end of that day is "To Follow", however late the pack is built again
    (`check` warns of such an item: `resolve.papers.released_after_issue`)."""
    view = corpus.meetings[mid]
    moment = end_of_day(day or meeting_as_at(corpus, mid))
    items = tuple(item if item.to_follow or released_by(corpus, item, moment) else held_back(item)
                  for item in view.items)
    return view if items == view.items else replace(view, items=items)


def published_pack(corpus: Corpus, mid: str, fixed: bool = True, issued_by: dt.date | None = None
                   ) -> MeetingView | None:
    """The meeting as the pack the public corpus `corpus` publishes of it shows it (`fixed`: as
    issued; else as the corpus is), or None when it publishes none: a full agenda's front sheet
    is issued whatever is still to follow, but a supplementary pack exists to carry papers, so
    it needs one; and a pack is a record from its issue day (`issued_by`: the day published up to)."""
    view = corpus.meetings[mid]
    issued_view = meeting_as_issued(corpus, mid) if fixed else view
    carries_papers = any(item.report_id or item.minutes or item.appendices for item in issued_view.items)
    if not (carries_papers or view.meeting.pack.value == "agenda" and view.items):
        return None
    return issued_view if issued_by is None or meeting_as_at(corpus, mid) <= issued_by else None


def report_as_at(corpus: Corpus, rid: str) -> dt.date:
    """A report in a meeting is as at the issue of the first of that meeting's packs (its
    agenda, its supplementary packs) to carry it: the earliest issued by whose end its papers
    were out. When none does (each lists it "To Follow": `check` warns), its own meeting's."""
    view = corpus.reports[rid]
    if view.meeting_id and view.meeting_id in corpus.meetings:
        carried = []
        for mid in corpus.meetings[view.meeting_id].packs:
            if mid not in corpus.meetings:          # a pack not public
                continue
            day = meeting_as_at(corpus, mid)
            if any(item.report_id == rid and not item.to_follow and released_by(corpus, item, end_of_day(day))
                   for item in corpus.meetings[mid].items):
                carried.append(day)
        return min(carried, default=meeting_as_at(corpus, view.meeting_id))
    return view.front.date


def report_day_given(corpus: Corpus, rid: str) -> bool:
    """Does a source give the day a report is as at (`report_as_at`): its own `date`, for a
    report in no meeting, or the `issued` of a pack of its meeting issued that day? A day
    counted from the clear days is not printed (docs/papers.md)."""
    view = corpus.reports[rid]
    if not (view.meeting_id and view.meeting_id in corpus.meetings):
        return True
    day = report_as_at(corpus, rid)
    return any(meeting_dated(corpus, mid) == day for mid in corpus.meetings[view.meeting_id].packs
               if mid in corpus.meetings)


def inspection_as_at(corpus: Corpus, iid: str) -> dt.date:
    """An inspection's findings paper printed on its own is as at the day the inspection became
    public (in a pack, as at the pack's issue): the day its sources give (`inspection_dated`),
    or where they give none (a month alone, with no embargo), the day `view.date` counts: the
    month's last day, by which it certainly was published (as its plan's paper and the national
    picture count it)."""
    return inspection_dated(corpus, iid) or corpus.inspections[iid].date


def action_plan_as_at(corpus: Corpus, pid: str) -> dt.date:
    """An action plan printed on its own is as at the day its sources give (`action_plan_dated`:
    its latest update, else the day it became public), or where they give none, the day counted
    for it: its latest update's, counted from the meeting it was reported to; with no update,
    the day its inspection's findings are as at."""
    view = corpus.action_plans[pid]
    given = action_plan_dated(corpus, pid)
    if given is not None:
        return given
    if view.last_update is not None:
        return view.last_update
    if view.inspection_id in corpus.inspections:
        return inspection_as_at(corpus, view.inspection_id)
    return UNDATED


def action_plan_undated(corpus: Corpus, pid: str) -> bool:
    """Does nothing date an action plan printed on its own (no update, no day its release or its
    inspection's is recorded, nor a month)? Then which of its actions were overdue when it was
    issued is not recorded: counted as at the stand-in day, every one would read as not overdue."""
    return action_plan_as_at(corpus, pid) == UNDATED


# A paper's PDF is dated (its CreationDate) only by a day a source gives: metadata cannot say
# that a day was counted, so a counted or stand-in day leaves it undated.

def meeting_dated(corpus: Corpus, mid: str) -> dt.date | None:
    """A pack's date: the `issued` its meeting records; a day counted from the clear days dates
    its contents (`meeting_as_at`) but is not printed (docs/papers.md), here either."""
    return corpus.meetings[mid].meeting.issued


def inspection_dated(corpus: Corpus, iid: str) -> dt.date | None:
    """A findings paper's date: the day its sources give for the inspection's release
    (`rules.publication.release_day`); never its fieldwork, nor a month's last day."""
    record = corpus.inspections[iid].inspection
    return release_day(record.published, record.embargo_until)


def action_plan_dated(corpus: Corpus, pid: str) -> dt.date | None:
    """An action plan's date: its latest progress update (one reported to a meeting, the day the
    meeting records its pack was issued, else none: docs/content-format.md); with none, the latest day given for
    its release (its embargo, its inspection's `inspection_dated`); None where none is given."""
    view = corpus.action_plans[pid]
    if view.last_update is not None:
        return view.last_update if view.gives_day(view.last_update) else None
    days = [view.embargo_until.date()] if view.embargo_until else []
    if view.inspection_id in corpus.inspections:
        days += [day for day in [inspection_dated(corpus, view.inspection_id)] if day is not None]
    return max(days, default=None)


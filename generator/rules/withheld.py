"""What keeps a record off the site (docs/publishing.md): stated once for the build (`plan.publication`)
and for `check`, which says what is kept off whatever the time (`resolve.papers`)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

from generator.clock import LONDON, london_moment
from generator.model.types import Status

RECORD_PARTS = ("inspection", "action_plan")     # the appendix parts that are records, not files


def named_by_report(front) -> Iterator[tuple[str, str]]:
    """(kind, id) of each record a report's front matter names: its blocks draw on them and its
    words are about them, so it is public only with them."""
    return ((kind, ref) for kind, ref in (("inspection", front.inspection), ("action_plan", front.action_plan),
                                          ("indicators", front.indicators)) if ref is not None)


def item_records(report_id: str | None, appendices: Iterable, members: bool = False
                 ) -> Iterator[tuple[str, str, tuple[int, int] | None]]:
    """(kind, id, (appendix number, part index), None for the report) of each record an agenda item's
    papers are made from: its report, its open appendices' inspections and action plans. An exempt
    appendix, a notice to the public, waits for nothing (`members`: their pack holds it, so it does)."""
    if report_id:
        yield "report", report_id, None
    for appendix in appendices:
        if members or appendix.exempt is None:
            yield from ((kind, ref, (appendix.number, index)) for index, (kind, ref) in enumerate(appendix.parts)
                        if kind in RECORD_PARTS)


class Exemption(NamedTuple):
    """Where an agenda first gives a record as exempt, and each item giving it openly that opens nothing."""
    meeting: str
    item: int
    appendix: int
    paragraph: int
    given_openly: tuple[tuple[str, str], ...]   # ("<meeting> item <n>", why it opens nothing: ", which is to follow")

    def givers(self) -> str:
        return " and by ".join(name + why for name, why in self.given_openly)


def item_shut(item, meeting_withheld: str | None, issued: dt.date | None, now: dt.datetime | None,
              held: str | None) -> str | None:
    """Why an agenda item opens none of the records it gives openly (read after its name), or None: it
    opens them when the public see its papers (docs/content-format.md), so not to follow, of a public
    meeting (`meeting_withheld`: why not), past its embargo and its pack's issue day, and not `held`
    back (what it waits for). `now` None: whatever the time, as every embargo ends and pack is issued.
    (Every appendix of a Part 2 item is exempt: it gives nothing openly.)"""
    if item.to_follow:
        return ", which is to follow"
    if meeting_withheld:
        return f", whose meeting is {'a draft' if meeting_withheld == 'draft' else meeting_withheld}"
    if now is not None and (why := withheld_reason(False, item.embargo_until, now, None)):
        return f", {why}"
    if now is not None and issued > now.astimezone(LONDON).date():
        return f" from its issue on {issued.isoformat()}"
    return None if held is None else f", which waits for {held}"


def exempt_unopened(meetings: Mapping, now: dt.datetime | None, issued: Callable[[object], dt.date] | None = None,
                    held: Mapping[str, str] = MappingProxyType({}), include_drafts: bool = False
                    ) -> dict[tuple[str, str], Exemption]:
    """(kind, id) -> where, for each inspection and action plan an agenda gives as exempt (an exempt
    appendix, every one of a Part 2 item) and no item opens (`item_shut`): Schedule 12A information,
    for members only whatever its own status. `issued`: a meeting's pack's issue day; `held`:
    "<meeting> item <n>" -> what it waits for, for items found held back."""
    exempt, opened, shut = {}, set(), {}
    for mid, meeting in sorted(meetings.items()):
        meeting_withheld = withheld_reason(meeting.status is Status.DRAFT, meeting.embargo_until, now, None,
                                           include_drafts=include_drafts)
        for item in meeting.items:
            name = f"{mid} item {item.number}"
            why = item_shut(item, meeting_withheld, issued(meeting) if now else None, now, held.get(name))
            for appendix in item.appendices:
                for record in ((kind, ref) for kind, ref in appendix.parts if kind in RECORD_PARTS):
                    if appendix.exempt is not None:
                        exempt.setdefault(record, (mid, item.number, appendix.number, appendix.exempt))
                    elif why is None:
                        opened.add(record)
                    else:
                        shut.setdefault(record, {})[name, why] = None
    return {record: Exemption(*where, tuple(shut.get(record, ()))) for record, where in exempt.items()
            if record not in opened}


def withheld_reason(draft: bool, embargo_until: dt.datetime | None, now: dt.datetime | None,
                    exempt: str | None, waits_for: str | None = None, include_drafts: bool = False) -> str | None:
    """Why a record is not public, or None: a draft (unless drafts are previewed) or under embargo
    at `now` (None: whatever the time, as every embargo ends); exempt (`exempt_unopened`); or
    waiting for a withheld record it depends on."""
    if (draft and not include_drafts) or (now is not None and embargo_until is not None and embargo_until > now):
        return "draft" if draft else f"embargoed until {london_moment(embargo_until)}"
    if exempt is not None:
        return exempt
    return None if waits_for is None else f"waits for {waits_for}, which is withheld"

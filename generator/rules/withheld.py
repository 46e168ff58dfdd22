"""What keeps a record off the site (docs/publishing.md): stated once for the build (`plan.publication`)
and for `check`, which says what is kept off whatever the time (`resolve.papers`)."""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Iterator

from generator.clock import london_moment

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


def exempt_unopened(appendices: Iterable[tuple[str, bool, bool, Iterable]]) -> dict[tuple[str, str], str]:
    """(kind, id) -> where the first exempt appendix gives it, for each inspection and action plan an
    agenda gives as exempt and no item that opens it gives openly: Schedule 12A information, for
    members only whatever its own status. `appendices`: (where, exempt, its item opens it, parts)."""
    exempt, opened = {}, set()
    for where, is_exempt, opens, parts in appendices:
        records = [(kind, ref) for kind, ref in parts if kind in RECORD_PARTS]
        if is_exempt:
            exempt.update((record, where) for record in records if record not in exempt)
        elif opens:
            opened.update(records)
    return {record: where for record, where in exempt.items() if record not in opened}


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

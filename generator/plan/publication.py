"""Publication rules: what may be public at a given moment. Applied once, in the plan stage.

A record is public when it is not a draft and its embargo (if any) has ended. Anything
that depends on a withheld record is withheld with it: an action plan of an embargoed
inspection, a report about one (the records its front matter names), an agenda item whose
report or appendix is not yet public (it is listed "To Follow", as real agendas do, with no
papers).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import partial
from types import MappingProxyType
from typing import Iterator, Mapping

from generator.clock import start_of_day
from generator.images import shown_images
from generator.model.report import body_markdown
from generator.model.types import Status
from generator.resolve.corpus import (Corpus, Entry, InspectionView, ItemView, MeetingView, ReportView,
                                      ServiceView, by_id)
from generator.resolve.papers import meeting_issue_date
from generator.rules.notices import agenda_notices, notices_day
from generator.rules.withheld import RECORD_PARTS, exempt_unopened, item_records, named_by_report, withheld_reason


ITEM = "agenda_item"                  # the kind of a withheld agenda item ("<meeting> item <n>")


@dataclass(frozen=True)
class Withheld:
    kind: str                         # a record kind, or ITEM
    id: str
    path: str
    reason: str                       # "draft", "embargoed until 3 March 2021 00:01"

    @property
    def is_item(self) -> bool:
        return self.kind == ITEM


def public_papers(item: ItemView) -> set[str]:
    """The files under content/attachments/ a public agenda item's open papers are made from:
    its minutes and its appendices' Markdown and PDF parts, none of an exempt appendix or a
    Part 2 item (those go only into the members' pack)."""
    if item.exempt is not None:
        return set()
    opened = {ref for appendix in item.appendices if appendix.exempt is None
              for kind, ref in appendix.parts if kind in ("markdown", "pdf")}
    return opened | ({item.minutes} if item.minutes else set())


def open_papers_only(item: ItemView) -> ItemView:
    """A public item as the public see it: an exempt appendix (every appendix of a Part 2 item)
    keeps its title and paragraph and names none of its papers, which go only into the members'
    pack; a Part 2 item's minutes likewise. (Every appendix of a Part 2 item carries its
    paragraph: the resolver gives it.)"""
    if not any(a.exempt is not None and a.parts for a in item.appendices) and \
            not (item.exempt is not None and item.minutes):
        return item
    return replace(item, minutes=None if item.exempt is not None else item.minutes,
                   appendices=tuple(replace(a, parts=()) if a.exempt is not None else a for a in item.appendices))


def held_back(item: ItemView) -> ItemView:
    """An item as an agenda lists one whose papers are not public: "To Follow", with no papers."""
    return replace(item, report_id=None, to_follow=True, appendices=(), minutes=None, embargo_until=None)


def exempt_records(corpus: Corpus, now: dt.datetime, include_drafts: bool = False,
                   held_items: frozenset[str] = frozenset()) -> dict[tuple[str, str], str]:
    """(kind, id) -> why, for each inspection and action plan an agenda gives as exempt and no item
    opens at `now` (`rules.withheld.exempt_unopened`): its own status and embargo cannot make it
    public. `held_items`: items ("<meeting> item <n>") found withheld, which open nothing."""
    exempt = exempt_unopened(corpus.meetings, now, partial(meeting_issue_date, corpus),
                             dict.fromkeys(held_items, "a withheld record"), include_drafts)
    return {record: f"exempt (Schedule 12A paragraph {e.paragraph}): an appendix of {e.meeting} item {e.item}"
                    + (f"; given openly by {e.givers()}" if e.given_openly else "") for record, e in exempt.items()}


def opening_moments(corpus: Corpus) -> list[dt.datetime]:
    """The start (London) of the issue day of each meeting with an appendix giving an inspection
    or action plan openly: from then its open item may open a record exempt elsewhere
    (`exempt_records`), though no embargo ends then."""
    return [start_of_day(meeting_issue_date(corpus, meeting))
            for meeting in corpus.meetings.values()
            if any(appendix.exempt is None and kind in RECORD_PARTS
                   for item in meeting.items for appendix in item.appendices for kind, _ in appendix.parts)]


def page_texts(corpus: Corpus) -> Iterator[str | None]:
    """Every Markdown text the pages of `corpus` show: inspections' introductions, findings and
    recommendations, action plans' actions and updates, reports' bodies and recommendations,
    meetings' notes and notices to the public (an attachment's text is shown only inside a paper)."""
    yield from _texts_besides_plans(corpus)
    for view in corpus.action_plans.values():
        for action in view.plan.actions:
            yield from (action.action, action.how, action.outcome, *(u.note for u in action.updates))


def inspection_texts(view: InspectionView) -> list[str | None]:
    """An inspection's Markdown texts: its introduction, recommendations and findings."""
    model = view.inspection
    texts = [model.introduction] + [r.text for r in view.recommendations]
    for findings in model.domains.values():
        texts += [findings.summary, *findings.strengths, *findings.areas_for_improvement]
    return texts


def _texts_besides_plans(corpus: Corpus) -> Iterator[str | None]:
    for view in corpus.inspections.values():
        yield from inspection_texts(view)
    for view in corpus.reports.values():
        recommendations = view.front.recommendations
        # as its page reads it: each paragraph apart (an indented one is no code block there)
        yield from (*body_markdown(view.body or ""), *recommendations.for_decision, *recommendations.for_noting)
    for view in corpus.meetings.values():
        yield view.meeting.note
        yield from (text for _, text in meeting_notices(corpus, view))


def meeting_notices(corpus: Corpus, view: MeetingView) -> list[tuple[str, str]]:
    """(heading, text) of the notices to the public a meeting's page shows (`rules.notices`): its
    front sheet's, in the council's words as at its pack's issue day, or as at the page's before it."""
    day = notices_day(meeting_issue_date(corpus, view), corpus.as_of)
    return agenda_notices(view.meeting, corpus.councils[view.council_id].as_at(day))


def images_on_pages(corpus: Corpus) -> set[str]:
    """The images under content/attachments/ the pages of `corpus` draw: of the public corpus,
    the images the site publishes as files (a paper carries its own, so an image that only
    papers or withheld records show is never one). An action plan's were found as it was
    resolved (`ActionPlanView.images`): its updates are the most numerous texts of a corpus."""
    drawn = {path for text in _texts_besides_plans(corpus) if text and "attachments/" in text
             for path in shown_images(text)}
    drawn.update(*(view.images for view in corpus.action_plans.values()))
    return {path for path in drawn if path in corpus.attachments}


def named_by_items(meeting: MeetingView) -> set[str]:
    """Every file a meeting's agenda names as an item's papers, as written (a to-follow item's too)."""
    return {name for item in meeting.meeting.items
            for name in [item.minutes, *(part.markdown or part.pdf for appendix in item.appendices
                                         for part in appendix.parts)] if name}


def report_waits_for(report: ReportView, inspections: Mapping, plans: Mapping, indicators: Mapping) -> str | None:
    """The first withheld record a report's front matter names (`rules.withheld.named_by_report`)."""
    public = {"inspection": inspections, "action_plan": plans, "indicators": indicators}
    return next((f"{kind.replace('_', ' ')} {ref}" for kind, ref in named_by_report(report.front)
                 if ref not in public[kind]), None)


def item_withheld_reason(item: ItemView, now: dt.datetime, reports: Mapping, inspections: Mapping,
                         plans: Mapping, members: bool) -> str | None:
    """Why an agenda item is not public, or None: it is public past its embargo, with its papers
    (`rules.withheld.item_records`), and not "To Follow"."""
    if embargoed := withheld_reason(False, item.embargo_until, now, None):
        return embargoed
    public = {"report": reports, "inspection": inspections, "action_plan": plans}
    if item.to_follow or not all(ref in public[kind] for kind, ref, _ in item_records(item.report_id, item.appendices,
                                                                                        members)):
        return "its papers depend on a withheld record"
    return None


def public_agenda(mid: str, meeting: MeetingView, reasons: list[str | None], members: bool
                  ) -> tuple[MeetingView, list[Withheld]]:
    """A meeting as its public sees it: each public item with its open papers (the members': all
    of them), each item withheld for its `reasons` "To Follow" with none, and the agenda as
    written (which names every item's papers) left out. An item its author lists "To Follow"
    waits for nobody; one listed so here is withheld."""
    items = tuple(held_back(item) if why else item if members else open_papers_only(item)
                  for item, why in zip(meeting.items, reasons))
    withheld = [Withheld(ITEM, f"{mid} item {item.number}", meeting.path, why)
                for item, why in zip(meeting.items, reasons) if why and not item.to_follow]
    return replace(meeting, items=items, meeting=meeting.meeting.model_copy(update={"items": []})), withheld


def public_attachments(corpus: Corpus, meetings: Mapping[str, MeetingView]) -> dict:
    """A file an agenda names is public only as the open paper of a public item: every template,
    a council's own too, is given the corpus's attachments (the members' pack reads its own)."""
    open_papers = {path for m in meetings.values() for item in m.items for path in public_papers(item)}
    named = {path for m in corpus.meetings.values() for path in named_by_items(m)}
    return {path: a for path, a in corpus.attachments.items() if path not in named or path in open_papers}


def reports_with_their_items(reports: Mapping[str, ReportView], meetings: Mapping[str, MeetingView]
                             ) -> tuple[dict, list[Withheld]]:
    """A report that belongs to a meeting item is public only with that item. One on two agendas
    names the first it was read from, which may be withheld (a draft meeting): in public it
    belongs to the first public meeting listing it."""
    places: dict[str, tuple[str, int]] = {}       # report -> its first public meeting and item
    listed: set[tuple[str, str]] = set()           # (meeting, report) for every public listing
    for mid, meeting in sorted(meetings.items()):
        for item in meeting.items:
            if item.report_id:
                places.setdefault(item.report_id, (mid, item.number))
                listed.add((mid, item.report_id))
    withheld = [Withheld("report", rid, view.path, f"waits for item {view.item_number} of {view.meeting_id}")
                for rid, view in reports.items() if view.meeting_id is not None and rid not in places]
    return {rid: view if view.meeting_id is None or (view.meeting_id, view.id) in listed
            else replace(view, meeting_id=places[rid][0], item_number=places[rid][1])
            for rid, view in reports.items() if view.meeting_id is None or rid in places}, withheld


def public_inspection(view: InspectionView, service: ServiceView, inspections: Mapping, plans: Mapping
                      ) -> InspectionView:
    """An inspection linking only to public records: its service's previous and next public
    inspections, its public action plans, and those plans' answers to its recommendations."""
    ids = [i for i in service.inspection_ids if i in inspections]
    at = ids.index(view.id)
    plan_ids = tuple(p for p in view.action_plan_ids if p in plans)
    previous_id, next_id = ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None
    if (plan_ids, previous_id, next_id) == (view.action_plan_ids, view.previous_id, view.next_id):
        return view          # all of it public (its answers name only its plans): as it is
    recs = tuple(replace(r, answered_by=tuple(a for a in r.answered_by if a[0] in plans))
                 for r in view.recommendations)
    return replace(view, action_plan_ids=plan_ids, recommendations=recs, previous_id=previous_id, next_id=next_id)


def public_service(view: ServiceView, inspections: Mapping, indicators: Mapping) -> ServiceView:
    """A service naming only its public inspections and indicators."""
    inspection_ids = tuple(i for i in view.inspection_ids if i in inspections)
    indicators_id = view.indicators_id if view.indicators_id in indicators else None
    if (inspection_ids, indicators_id) == (view.inspection_ids, view.indicators_id):
        return view
    return replace(view, inspection_ids=inspection_ids, indicators_id=indicators_id)


def public_corpus(corpus: Corpus, now: dt.datetime, include_drafts: bool = False, members: bool = False
                  ) -> tuple[Corpus, tuple[Withheld, ...]]:
    """The corpus as the public may see it at `now`, and the list of what was held back;
    `members`: as the committee's members may (exempt appendices too), for their pack only.
    An item withheld opens no exempt record, which may withhold more items: so it is decided
    again until no more are (each pass withholds at least as much as the one before)."""
    held_items: frozenset[str] = frozenset()
    while True:
        public, withheld = _public_corpus(corpus, now, include_drafts, members, held_items)
        found = frozenset(w.id for w in withheld if w.is_item)
        if found <= held_items:
            return public, withheld
        held_items |= found


def _public_corpus(corpus: Corpus, now: dt.datetime, include_drafts: bool, members: bool,
                   held_items: frozenset[str]) -> tuple[Corpus, tuple[Withheld, ...]]:
    """One pass of `public_corpus`: the records first, each after those it waits for, then the
    agendas' items, then what links to them."""
    exempt = {} if members else exempt_records(corpus, now, include_drafts, held_items)
    withheld: list[Withheld] = []

    def keep(kind: str, records: Mapping[str, Entry], waits_for=lambda entry: None) -> dict:
        reasons = {key: withheld_reason(entry.status is Status.DRAFT, entry.embargo_until, now, exempt.get((kind, key)),
                                        waits_for(entry), include_drafts) for key, entry in records.items()}
        withheld.extend(Withheld(kind, key, records[key].path, why) for key, why in reasons.items() if why)
        return {key: entry for key, entry in records.items() if reasons[key] is None}

    inspections = keep("inspection", corpus.inspections)
    plans = keep("action_plan", corpus.action_plans,
                 lambda p: None if p.inspection_id in inspections else f"inspection {p.inspection_id}")
    indicators = keep("indicators", corpus.indicators)
    reports = keep("report", corpus.reports, lambda r: report_waits_for(r, inspections, plans, indicators))
    meetings = {}
    for mid, meeting in keep("meeting", corpus.meetings).items():
        reasons = [item_withheld_reason(item, now, reports, inspections, plans, members) for item in meeting.items]
        meetings[mid], items_withheld = public_agenda(mid, meeting, reasons, members)
        withheld += items_withheld
    reports, reports_withheld = reports_with_their_items(reports, meetings)
    # Progress reported to a meeting is public with that meeting's papers (docs/content-format.md).
    plans = {pid: view.with_meetings_only(meetings, corpus.as_of) for pid, view in plans.items()}
    inspections = {iid: public_inspection(view, corpus.services[view.service_id], inspections, plans)
                   for iid, view in inspections.items()}
    services = {sid: public_service(view, inspections, indicators) for sid, view in corpus.services.items()}
    public = replace(corpus, inspections=by_id(inspections), action_plans=by_id(plans),
                     indicators=by_id(indicators), reports=by_id(reports), meetings=by_id(meetings),
                     services=by_id(services), attachments=MappingProxyType(public_attachments(corpus, meetings)))
    return public, tuple(sorted(withheld + reports_withheld, key=lambda w: (w.kind, w.id)))

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
from types import MappingProxyType
from typing import Iterator, Mapping

from generator.clock import LONDON, london_moment, start_of_day
from generator.images import shown_images
from generator.model.report import body_markdown
from generator.model.types import Status
from generator.resolve.corpus import (Corpus, Entry, InspectionView, ItemView, MeetingView, ReportView,
                                      ServiceView, by_id)
from generator.resolve.papers import meeting_issue_date


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


def is_public(entry: Entry, now: dt.datetime, include_drafts: bool = False) -> bool:
    """Not a draft (unless previewing drafts) and past its embargo (CONTENT-MODEL: "embargo_until:
    nothing of it is public before this")."""
    if entry.status is Status.DRAFT and not include_drafts:
        return False
    return entry.embargo_until is None or entry.embargo_until <= now


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
    """(kind, id) -> why, for each inspection and action plan an agenda gives as an exempt
    appendix or in a Part 2 item (Schedule 12A information, for members only), unless an item
    of a public meeting gives it openly: its own status and embargo cannot make it public.
    An open item opens it only from its pack's issue day, when its open paper is published.
    `held_items`: items ("<meeting> item <n>") found withheld, which open nothing."""
    exempt: dict[tuple[str, str], str] = {}
    opened: set[tuple[str, str]] = set()
    opening_later: dict[tuple[str, str], str] = {}      # given openly by a pack still to be issued
    today = now.astimezone(LONDON).date()
    for mid, meeting in sorted(corpus.meetings.items()):
        meeting_public = is_public(meeting, now, include_drafts)
        issued = meeting_issue_date(corpus, meeting)   # its papers are public from then (docs/papers.md)
        for item in meeting.items:
            item_open = meeting_public and not item.to_follow and item.exempt is None and \
                (item.embargo_until is None or item.embargo_until <= now)
            for appendix in item.appendices:
                records = [(kind, ref) for kind, ref in appendix.parts if kind in ("inspection", "action_plan")]
                if appendix.exempt is not None:
                    for record in records:
                        exempt.setdefault(record, f"exempt (Schedule 12A paragraph {appendix.exempt}): "
                                                  f"an appendix of {mid} item {item.number}")
                elif item_open and issued <= today and f"{mid} item {item.number}" not in held_items:
                    opened.update(records)
                elif item_open and issued > today:
                    for record in records:
                        opening_later.setdefault(record, f"; given openly by {mid} item {item.number} "
                                                         f"from its issue on {issued.isoformat()}")
    return {record: why + opening_later.get(record, "") for record, why in exempt.items() if record not in opened}


def opening_moments(corpus: Corpus) -> list[dt.datetime]:
    """The start (London) of the issue day of each meeting with an appendix giving an inspection
    or action plan openly: from then its open item may open a record exempt elsewhere
    (`exempt_records`), though no embargo ends then."""
    return [start_of_day(meeting_issue_date(corpus, meeting))
            for meeting in corpus.meetings.values()
            if any(appendix.exempt is None and kind in ("inspection", "action_plan")
                   for item in meeting.items for appendix in item.appendices for kind, _ in appendix.parts)]


def page_texts(corpus: Corpus) -> Iterator[str | None]:
    """Every Markdown text the pages of `corpus` show: inspections' introductions, findings and
    recommendations, action plans' actions and updates, reports' bodies and recommendations,
    meetings' notes (an attachment's text is shown only inside a paper)."""
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
    yield from (view.meeting.note for view in corpus.meetings.values())


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


def _item_reason(item: ItemView, now: dt.datetime) -> str:
    if item.embargo_until is not None and item.embargo_until > now:
        return f"embargoed until {london_moment(item.embargo_until)}"
    return "its papers depend on a withheld record"


def _reason(entry: Entry) -> str:
    if entry.status is Status.DRAFT:
        return "draft"
    return f"embargoed until {london_moment(entry.embargo_until)}"


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
    withheld: list[Withheld] = []

    exempt = {} if members else exempt_records(corpus, now, include_drafts, held_items)

    def keep(kind: str, mapping: Mapping[str, Entry], waits_for=lambda e: None) -> dict:
        kept = {}
        for key, entry in mapping.items():
            if not is_public(entry, now, include_drafts):
                withheld.append(Withheld(kind, key, entry.path, _reason(entry)))
            elif (kind, key) in exempt:
                withheld.append(Withheld(kind, key, entry.path, exempt[kind, key]))
            elif (record := waits_for(entry)) is not None:
                withheld.append(Withheld(kind, key, entry.path, f"waits for {record}, which is withheld"))
            else:
                kept[key] = entry
        return kept

    inspections = keep("inspection", corpus.inspections)
    plans = keep("action_plan", corpus.action_plans,
                 lambda p: None if p.inspection_id in inspections else f"inspection {p.inspection_id}")
    indicators = keep("indicators", corpus.indicators)

    def report_waits_for(report: ReportView) -> str | None:
        """A report's blocks draw on the records its front matter names, and its words are
        about them: it is public only with them."""
        front = report.front
        return next((f"{noun} {ref}" for noun, ref, public in (
            ("inspection", front.inspection, inspections), ("action plan", front.action_plan, plans),
            ("indicators", front.indicators, indicators)) if ref is not None and ref not in public), None)

    reports = keep("report", corpus.reports, report_waits_for)
    meetings = keep("meeting", corpus.meetings)

    def item_public(item: ItemView) -> bool:
        if item.to_follow or (item.embargo_until is not None and item.embargo_until > now):
            return False
        if item.report_id and item.report_id not in reports:
            return False
        for appendix in item.appendices:
            if not members and appendix.exempt is not None:
                continue              # shown only as a notice: its papers wait for nothing
            for kind, ref in appendix.parts:
                if kind == "inspection" and ref not in inspections:
                    return False
                if kind == "action_plan" and ref not in plans:
                    return False
        return True

    def public_meeting(mid: str, meeting: MeetingView) -> MeetingView:
        items = []
        for item in meeting.items:
            if item_public(item):
                items.append(item if members else open_papers_only(item))
                continue
            items.append(held_back(item))
            # An item its author lists "To Follow" waits for nobody; one listed so here is held back.
            if not item.to_follow:
                withheld.append(Withheld(ITEM, f"{mid} item {item.number}", meeting.path, _item_reason(item, now)))
        items = tuple(items)
        # The agenda as written names every item's papers: the public see the items above.
        return replace(meeting, items=items, meeting=meeting.meeting.model_copy(update={"items": []}))

    meetings = {mid: public_meeting(mid, m) for mid, m in meetings.items()}
    # A file an agenda names is public only as the open paper of a public item: every template,
    # a council's own too, is given the corpus's attachments (the members' pack reads its own).
    open_papers = {path for m in meetings.values() for item in m.items for path in public_papers(item)}
    named = {path for m in corpus.meetings.values() for path in named_by_items(m)}
    attachments = {path: a for path, a in corpus.attachments.items() if path not in named or path in open_papers}
    on_agenda = {item.report_id for m in meetings.values() for item in m.items if item.report_id}
    # a report that belongs to a meeting item is public only with that item
    for rid, view in reports.items():
        if view.meeting_id is not None and rid not in on_agenda:
            withheld.append(Withheld("report", rid, view.path,
                                     f"waits for item {view.item_number} of {view.meeting_id}"))
    reports = {rid: r for rid, r in reports.items() if r.meeting_id is None or rid in on_agenda}
    # A report on two agendas names the first it was read from, which may be withheld (a
    # draft meeting): in public it belongs to the first public meeting listing it.
    places: dict[str, tuple[str, int]] = {}
    for mid, meeting in sorted(meetings.items()):
        for item in meeting.items:
            if item.report_id:
                places.setdefault(item.report_id, (mid, item.number))

    def listed_by_its_meeting(view: ReportView) -> bool:
        meeting = meetings.get(view.meeting_id) if view.meeting_id else None
        return view.meeting_id is None or meeting is not None and any(i.report_id == view.id for i in meeting.items)

    reports = {rid: r if listed_by_its_meeting(r) else replace(r, meeting_id=places[rid][0], item_number=places[rid][1])
               for rid, r in reports.items()}

    def public_inspection(view: InspectionView) -> InspectionView:
        ids = [i for i in corpus.services[view.service_id].inspection_ids if i in inspections]
        at = ids.index(view.id)
        plan_ids = tuple(p for p in view.action_plan_ids if p in plans)
        previous_id, next_id = ids[at - 1] if at > 0 else None, ids[at + 1] if at + 1 < len(ids) else None
        if (plan_ids, previous_id, next_id) == (view.action_plan_ids, view.previous_id, view.next_id):
            return view          # all of it public (its answers name only its plans): as it is
        recs = tuple(replace(r, answered_by=tuple(a for a in r.answered_by if a[0] in plans))
                     for r in view.recommendations)
        return replace(view, action_plan_ids=plan_ids, recommendations=recs, previous_id=previous_id,
                       next_id=next_id)

    inspections = {iid: public_inspection(v) for iid, v in inspections.items()}

    def public_service(view: ServiceView) -> ServiceView:
        inspection_ids = tuple(i for i in view.inspection_ids if i in inspections)
        indicators_id = view.indicators_id if view.indicators_id in indicators else None
        if (inspection_ids, indicators_id) == (view.inspection_ids, view.indicators_id):
            return view
        return replace(view, inspection_ids=inspection_ids, indicators_id=indicators_id)

    services = {sid: public_service(s) for sid, s in corpus.services.items()}

    public = replace(corpus, inspections=by_id(inspections), action_plans=by_id(plans),
                     indicators=by_id(indicators), reports=by_id(reports), meetings=by_id(meetings),
                     services=by_id(services), attachments=MappingProxyType(attachments))
    return public, tuple(sorted(withheld, key=lambda w: (w.kind, w.id)))

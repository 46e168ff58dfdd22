"""Checks between papers and packs: what a paper says against what its pack holds.

Each is a warning (or notice) at the line a clerk would change: a report that cites an
appendix or a table that is not there, a report put into another council's meeting, two
records of one inspection, an appendix file too large to send round without a word, an item
whose papers are released only after its pack is issued, a supplementary pack whose page
numbers repeat its agenda's, a council whose papers the site makes but which site.yaml leaves
out of its own councils, an item or paper that waits for a draft or an exempt record (which no
embargo ending releases), so that nothing a clerk gave is left out without a word.
"""

from __future__ import annotations

import datetime as dt
import re
from itertools import islice
from typing import Iterator, Mapping

from generator.clock import london_time, start_of_day
from generator.model.blocks import count_tables
from generator.model.types import Status
from generator.problems import Problem, Severity
from generator.resolve.corpus import ActionPlanView, Corpus, Entry, InspectionView, ItemView, MeetingView, ReportView
from generator.rules.issue import end_of_day, pack_issue_date
from generator.rules.withheld import Exemption, exempt_unopened, item_records, named_by_report, withheld_reason
from generator.validate import Records, Renumbered

RECORD_KIND = {InspectionView: "inspection", ActionPlanView: "action_plan"}   # the kinds an agenda may exempt
Exempt = Mapping[tuple[str, str], Exemption]
LARGE_FILE = 10 * 1024 * 1024       # an appendix a clerk should be told about (email limits, printing)
_CITED = re.compile(r"\b(Appendix|Table)\s+(\d+)\b", re.IGNORECASE)


def cited_but_missing(records: Records, meetings: Mapping[str, MeetingView],
                      report_item: Mapping[str, tuple[str, int]]) -> list[Problem]:
    """A report that cites "Appendix N" its agenda item does not hold (and is not to follow),
    or "Table N" beyond the tables it draws, at the citation's line and column."""
    problems = []
    for rid, rec in records.of("report").items():
        body = rec.body or ""
        tables = count_tables(body)
        item = None
        if rid in report_item and report_item[rid][0] in meetings:
            mid, number = report_item[rid]
            # A meeting with errors, checked without the list items it got wrong (`validate.Renumbered`),
            # may hold more appendices than are checked: its appendices are counted once it is right.
            if not isinstance(records.of("meeting")[mid].source, Renumbered):
                item = next((i for i in meetings[mid].items if i.number == number), None)
        for index, line in enumerate(body.splitlines()):
            for match in _CITED.finditer(line):
                kind, number = match.group(1).capitalize(), int(match.group(2))
                where = (rec.path, rec.body_line + index, match.start() + 1, Severity.WARNING, "body")
                if kind == "Table" and number > tables:
                    problems.append(Problem(*where, f"the report cites Table {number} but draws {tables} "
                                                    f"table{'s' if tables != 1 else ''}",
                                            "tables are numbered in order: Markdown tables and table blocks"))
                elif kind == "Appendix" and item is not None and number > len(item.appendices) \
                        and not item.to_follow:
                    problems.append(Problem(*where, f"the report cites Appendix {number} but agenda item "
                                                    f"{item.number} of {mid} has {len(item.appendices)} "
                                                    f"{'appendix' if len(item.appendices) == 1 else 'appendices'}",
                                            "add the appendix to the meeting's item, mark the item "
                                            "'to_follow: true', or change the text"))
    return problems


def wrong_council(records: Records) -> list[Problem]:
    """A report on the agenda of another council's meeting (its letterhead would be wrong)."""
    problems = []
    reports = records.of("report")
    for mid, rec in records.of("meeting").items():
        for i_index, item in enumerate(rec.model.items):
            report = reports.get(item.report) if item.report else None
            if report is not None and report.model.council != rec.model.council:
                problems.append(rec.problem(
                    ("items", i_index, "report"), Severity.WARNING,
                    f"report '{item.report}' is {report.model.council}'s paper, on the agenda of "
                    f"a {rec.model.council} meeting",
                    "a report carries its council's letterhead; check the report or the meeting"))
    return problems


def papers_of_another_area(records: Records) -> list[Problem]:
    """A council with a meeting or report here, and a service whose inspections the site lists,
    that site.yaml's `own_councils` leaves out: its inspections would be missing from the lists
    of inspections and services (a council just added). A council without a service here loses
    nothing. A site naming only its `default_council` may hold other councils' papers on purpose
    (the national corpus of `bench/corpus.py` does), so only a list given is checked."""
    site_record = records.site
    own = site_record.model.own_councils
    if not own:
        return []
    papers: dict[str, list[str]] = {}
    for kind in ("meeting", "report"):
        for rid, rec in sorted(records.of(kind).items()):
            papers.setdefault(rec.model.council, []).append(rid)
    serviced = {rec.model.council for rec in records.of("service").values()}
    return [site_record.problem(
                ("own_councils",), Severity.WARNING,
                f"council '{council}' has papers here ({', '.join(ids)}) but is not among the site's own "
                f"councils: its inspections are listed only on the national page, not under Inspections "
                f"or Services",
                f"add it to own_councils in content/site.yaml, e.g. own_councils: [{', '.join([*own, council])}]")
            for council, ids in sorted(papers.items())
            if council not in own and council in records.of("council") and council in serviced]


def same_inspection_twice(records: Records) -> list[Problem]:
    """Two inspections of one service published on the same date: one inspection recorded twice."""
    problems = []
    first: dict[tuple[str, str], str] = {}
    for iid, rec in sorted(records.of("inspection").items()):
        published = rec.model.published
        if published is None:
            continue
        key = (rec.model.service, str(published))
        if key in first:
            problems.append(rec.problem(("published",), Severity.WARNING,
                                        f"{first[key]} is an inspection of {rec.model.service} published on "
                                        f"{published} too", "an inspection is one record: remove or merge the copy"))
        else:
            first[key] = iid
    return problems


def large_appendices(records: Records, limit: int = LARGE_FILE) -> list[Problem]:
    """A notice for each appendix file over `limit` bytes: too big to email round as it is."""
    problems = []
    for rec in records.of("meeting").values():
        for i_index, item in enumerate(rec.model.items):
            for a_index, appendix in enumerate(item.appendices):
                for p_index, part in enumerate(appendix.parts):
                    kind, ref = part.source
                    found = records.attachments.get(ref) if kind in ("pdf", "markdown") else None
                    size = 0 if found is None else len(found.raw) if found.raw is not None else \
                        len((found.body or "").encode("utf-8"))
                    if size > limit:
                        base = ("items", i_index, "appendices", a_index)
                        field = base + ("parts", p_index, kind)
                        if field not in rec.source.values:
                            field = base + (kind,)
                        problems.append(rec.problem(field, Severity.NOTICE,
                                                    f"content/{ref} is {size / 1024 / 1024:.1f} MB",
                                                    "a pack this large may not go by email; consider a smaller "
                                                    "(compressed) copy, or a link"))
    return problems


def _records(corpus: Corpus, kind: str) -> Mapping[str, Entry]:
    return {"report": corpus.reports, "inspection": corpus.inspections, "action_plan": corpus.action_plans,
            "indicators": corpus.indicators}[kind]


def released_at(corpus: Corpus, item: ItemView) -> dt.datetime | None:
    """When the item's embargo, and every embargo its papers wait for, has ended (None: none):
    the records its open papers are made from (`rules.withheld.item_records`: an exempt appendix,
    a notice in the public pack, waits for nothing) and those they are public only with (`_named`)."""
    papers = [named for kind, ref, _ in item_records(item.report_id, item.appendices)
              if (record := _records(corpus, kind).get(ref)) for named, _ in _named(corpus, record, "")]
    return max((entry.embargo_until for entry in (item, *papers) if entry.embargo_until), default=None)


def released_by(corpus: Corpus, item: ItemView, moment: dt.datetime) -> bool:
    """Had the item's embargo, and every embargo its papers wait for, ended by `moment`?"""
    release = released_at(corpus, item)
    return release is None or release <= moment


def meeting_issue_date(corpus: Corpus, view: MeetingView) -> dt.date:
    """The day the meeting's pack is issued (`rules.issue`), by its council's rules."""
    council = corpus.councils.get(view.council_id)
    return pack_issue_date(view.meeting, council.record if council else None)


def released_after_issue(corpus: Corpus, records: Records) -> list[Problem]:
    """An item whose papers are released only after its pack is issued: the pack lists it
    "To Follow" for good (`plan.issue.meeting_as_issued`: a paper is as issued), so its papers
    reach no pack, and none of its papers is a PDF, until a supplementary pack carries them."""
    def carried_later(view: MeetingView, item: ItemView, release: dt.datetime) -> bool:
        """Does a supplementary pack for the same meeting, issued once the item's papers are
        out, carry the item? Then the clerk has done what this warning asks."""
        return any(other.meeting.pack.value == "supplementary" and other.id != view.id
                   and any(i.number == item.number and not i.to_follow for i in other.items)
                   and release <= end_of_day(meeting_issue_date(corpus, other))
                   for other in (corpus.meetings[mid] for mid in view.packs))

    problems = []
    for mid, view in corpus.meetings.items():
        day = meeting_issue_date(corpus, view)
        rec = records.of("meeting")[mid]
        for item in view.items:
            release = None if item.to_follow else released_at(corpus, item)
            if release is None or release <= start_of_day(day) or carried_later(view, item, release):
                continue
            index = next(i for i, given in enumerate(rec.model.items) if given.number == item.number)
            field = ("items", index, "embargo_until") if item.embargo_until == release else ("items", index)
            if release <= end_of_day(day):
                if published_from_day_start(corpus, view, day):
                    problems.append(released_on_issue_day(rec, field, item, view, release))
                continue
            problems.append(rec.problem(
                field, Severity.WARNING,
                f"item {item.number}'s papers are released on {release.day} {release:%B %Y} at {london_time(release)}, after "
                f"this {view.meeting.pack.value} pack is issued ({day.day} {day:%B %Y}): the pack lists the item "
                "'To Follow' and carries none of its papers, however late it is built",
                "issue them in a supplementary pack once released: a meeting file with 'pack: supplementary', "
                "the same council, committee and date, and its own 'issued'; or give this meeting the day its "
                "pack is really issued"))
    return problems


def published_from_day_start(corpus: Corpus, view: MeetingView, day: dt.date) -> bool:
    """Is the pack published from the start of its issue day? An agenda's front sheet is, whatever
    is still to follow; a supplementary pack only once it carries papers (`plan.issue.published_pack`)."""
    return view.meeting.pack.value == "agenda" or any(
        (item.report_id or item.minutes or item.appendices) and not item.to_follow
        and released_by(corpus, item, start_of_day(day)) for item in view.items)


def released_on_issue_day(rec, field: tuple, item: ItemView, view: MeetingView, release: dt.datetime) -> Problem:
    """An item released during its pack's issue day, after the day began: the pack as issued (at
    the day's end) carries its papers, but the site publishes the pack from the day's start, so
    until the release it publishes another one, listing the item "To Follow", under the same name."""
    return rec.problem(
        field, Severity.WARNING,
        f"item {item.number}'s papers are released at {london_time(release)} on the day this "
        f"{view.meeting.pack.value} pack is issued ({release.day} {release:%B %Y}): until then the site "
        "publishes a pack listing the item 'To Follow', then replaces it with the pack as issued, carrying its "
        "papers, so copies taken before differ from it",
        "end the embargo by the start of the issue day, or give this meeting the day after as its 'issued', "
        "so that the first pack published is the pack as issued")


def _carries_papers(corpus: Corpus, view: MeetingView) -> bool:
    """Does the pack, as issued, hold a numbered page: an item's report, minutes or appendix
    that is not to follow and was released by the end of its issue day?"""
    issued = end_of_day(meeting_issue_date(corpus, view))
    return any((item.report_id or item.minutes or item.appendices) and not item.to_follow
               and released_by(corpus, item, issued) for item in view.items)


def pages_numbered_twice(corpus: Corpus, records: Records) -> list[Problem]:
    """A supplementary pack numbered from where an earlier pack of its meeting (its agenda, or a
    supplementary pack issued before) starts: two papers of one meeting would both be "Page 1",
    where a meeting's packs number on from one to the next (Torbay's supplementary pack carries
    item 9 on "Pages 13 - 70"). Only the first pages are compared: lengths are known once laid out."""
    problems = []
    for mid, view in corpus.meetings.items():
        if view.meeting.pack.value != "supplementary" or not _carries_papers(corpus, view):
            continue
        issued = (meeting_issue_date(corpus, view), mid)
        earlier = [other for other in (corpus.meetings[o] for o in view.packs if o != mid and o in corpus.meetings)
                   if (other.meeting.pack.value == "agenda"
                       or (meeting_issue_date(corpus, other), other.id) < issued)
                   and other.meeting.first_page >= view.meeting.first_page and _carries_papers(corpus, other)]
        if earlier:
            rec = records.of("meeting")[mid]
            first = earlier[0]
            given = ("first_page",) in rec.source.values
            problems.append(rec.problem(
                ("first_page",) if given else ("pack",), Severity.WARNING,
                f"this supplementary pack numbers its pages from {view.meeting.first_page}, and {first.id}, "
                f"a pack of the same meeting issued before it, from {first.meeting.first_page}: two of the "
                "meeting's papers would have the same page number",
                f"give 'first_page': the page after {first.id}'s last (its "
                f"{'front sheet' if first.meeting.pack.value == 'agenda' else 'letter'} gives the ranges), "
                "so that the packs number on from one to the next"))
    return problems


def _exempt_for_good(corpus: Corpus) -> dict[tuple[str, str], Exemption]:
    """The records `rules.withheld.exempt_unopened` keeps off the site once every embargo has ended
    and every pack is issued: as `plan.publication.public_corpus` decides, an item held for good
    opens nothing, which may hold more, so it is decided until no more are."""
    held: dict[str, str] = {}
    while True:
        exempt = exempt_unopened(corpus.meetings, None, held=held)
        found = {f"{mid} item {item.number}": f"{how}, {why}" for mid, view in corpus.meetings.items()
                 for item in view.items if not item.to_follow
                 for _, _, _, how, why in islice(_holds_for_good(corpus, mid, item, exempt), 1)}
        if found.keys() <= held.keys():
            return exempt
        held |= found


def _given_as_exempt(exempt: Exemption) -> str:
    return (f"given as exempt by {exempt.meeting} item {exempt.item} appendix {exempt.appendix} and openly "
            + (f"only by {exempt.givers()}" if exempt.given_openly else "by no item"))


def _hold(entry: Entry, exempt: Exempt, giver: str = "") -> str | None:
    """Why `entry` keeps what waits for it off the site whatever the time (`rules.withheld`): it
    is a draft, or exempt elsewhere; None when only an embargo (or nothing) holds it. Not exempt
    for the item `giver`, which gives it openly: it opens it once what holds that item is gone."""
    exemption = exempt.get((RECORD_KIND.get(type(entry)), entry.id))
    exemption = None if exemption is None or giver in dict(exemption.given_openly) else _given_as_exempt(exemption)
    why = withheld_reason(entry.status is Status.DRAFT, entry.embargo_until, None, exemption)
    return f"a draft ({entry.path})" if why == "draft" else why


def _hint(entry: Entry) -> str:
    if entry.status is Status.DRAFT:
        return f"set 'status: published' in {entry.path} when it is ready"
    return "give the record openly in an item, or make only the exempt papers the exempt appendix"


def _named(corpus: Corpus, entry: Entry, named_by: str) -> Iterator[tuple[Entry, str]]:
    """`entry` and what it is public only with (a report: the records its front matter names;
    an action plan: its inspection), each with how the clerk would find it from here."""
    yield entry, named_by
    if isinstance(entry, ReportView):
        for kind, ref in named_by_report(entry.front):
            if (found := _records(corpus, kind).get(ref)) is not None:
                yield from _named(corpus, found, f"{kind.replace('_', ' ')} {ref}, which report {entry.id} names")
    elif isinstance(entry, ActionPlanView) and entry.inspection_id in corpus.inspections:
        inspection = corpus.inspections[entry.inspection_id]
        yield inspection, f"inspection {inspection.id}, which action plan {entry.id} answers"


def _part_field(rec, base: tuple, p_index: int, kind: str) -> tuple:
    """Where an appendix part is written: in `parts: [...]`, or as a field of a one-part appendix."""
    field = base + ("parts", p_index, kind)
    return field if field in rec.source.values else base + (kind,)


def _holds_for_good(corpus: Corpus, mid: str, item: ItemView, exempt: Exempt
                    ) -> Iterator[tuple[tuple[int, int] | None, str, Entry, str, str]]:
    """(where the item gives it, its kind, the record, how it is reached, why) for each record the
    item's papers wait for (`rules.withheld.item_records`, `_named`) that no embargo ending releases."""
    for kind, ref, place in item_records(item.report_id, item.appendices):
        if (found := _records(corpus, kind).get(ref)) is not None:
            for waited_for, how in _named(corpus, found, f"{kind.replace('_', ' ')} {ref}"):
                if why := _hold(waited_for, exempt, f"{mid} item {item.number}"):
                    yield place, kind, waited_for, how, why


def held_for_good(corpus: Corpus, records: Records) -> list[Problem]:
    """What the site keeps off whatever the time, said at each line that gives it: an exempt
    appendix's record, an item's papers, a published plan or report (`_exempt_for_good`)."""
    exempt = _exempt_for_good(corpus)
    return (exempt_given_for_good(corpus, records, exempt) + items_held_for_good(corpus, records, exempt)
            + papers_held_for_good(corpus, records, exempt))


def exempt_given_for_good(corpus: Corpus, records: Records, exempt: Exempt) -> list[Problem]:
    """At each exempt appendix giving an inspection or action plan the site keeps off for good: a
    published record going is no small thing, so it is said even while this agenda is a draft."""
    problems = []
    for mid, view in corpus.meetings.items():
        rec = records.of("meeting")[mid]
        for item in view.items:
            index = next(i for i, given in enumerate(rec.model.items) if given.number == item.number)
            for appendix in item.appendices:
                for p_index, (kind, ref) in enumerate(appendix.parts):
                    if appendix.exempt is None or (found := exempt.get((kind, ref))) is None:
                        continue
                    problems.append(rec.problem(
                        _part_field(rec, ("items", index, "appendices", appendix.number - 1), p_index, kind),
                        Severity.WARNING if kind == "inspection" else Severity.NOTICE,
                        f"the site does not publish {kind.replace('_', ' ')} {ref} while an agenda gives it as exempt "
                        "and no open item does" + (f": it is given openly only by {found.givers()}"
                                                   if found.given_openly else ""),
                        "HMIP publishes its inspection reports: give only the exempt papers as an exempt appendix"
                        if kind == "inspection" else "if only some of this appendix is exempt, give that as an "
                        "appendix of its own"))
    return problems


def items_held_for_good(corpus: Corpus, records: Records, exempt: Exempt) -> list[Problem]:
    """An agenda item whose papers wait for a draft, or for a record given as exempt elsewhere:
    the site and the pack list it "To Follow" with none of its papers (`plan.publication`), and
    no embargo ending changes that, so it is said at the line giving the record. A warning once
    the pack of a published meeting is issued (it went out without them); a notice before."""
    problems = []
    for mid, view in corpus.meetings.items():
        rec = records.of("meeting")[mid]
        issued = view.status is not Status.DRAFT and meeting_issue_date(corpus, view) <= corpus.as_of
        for item in view.items:
            if item.to_follow:
                continue
            index = next(i for i, given in enumerate(rec.model.items) if given.number == item.number)
            told: set[str] = set()
            for place, kind, waited_for, how, why in _holds_for_good(corpus, mid, item, exempt):
                if waited_for.path in told:
                    continue
                told.add(waited_for.path)
                where = ("items", index, "report") if place is None else \
                    _part_field(rec, ("items", index, "appendices", place[0] - 1), place[1], kind)
                problems.append(rec.problem(
                    where, Severity.WARNING if issued else Severity.NOTICE,
                    f"item {item.number}'s papers wait for {how}, {why}: the site and the pack list the "
                    "item 'To Follow', with none of its papers",
                    f"{_hint(waited_for)}, or leave it out of this item's papers"))
    return problems


def papers_held_for_good(corpus: Corpus, records: Records, exempt: Exempt) -> list[Problem]:
    """A notice at the line of a published action plan naming an inspection, or of a report in no
    meeting naming a record, that is a draft or exempt elsewhere: the site leaves it out until
    that record is published (`plan.publication`), though its own status says published. (A
    report in a meeting is said at its agenda item: `items_held_for_good`.)"""
    problems = []
    for pid, plan in corpus.action_plans.items():
        inspection = corpus.inspections.get(plan.inspection_id)
        if plan.status is not Status.DRAFT and inspection is not None and (why := _hold(inspection, exempt)):
            problems.append(records.of("action_plan")[pid].problem(
                ("inspection",), Severity.NOTICE,
                f"the site leaves this action plan out: inspection {inspection.id} is {why}", _hint(inspection)))
    for rid, report in corpus.reports.items():
        if report.status is Status.DRAFT or report.meeting_id is not None:
            continue
        told: set[str] = set()
        for kind, ref in named_by_report(report.front):
            found = _records(corpus, kind).get(ref)
            for entry, how in (_named(corpus, found, f"{kind.replace('_', ' ')} {found.id}") if found else ()):
                if (why := _hold(entry, exempt)) and entry.path not in told:
                    told.add(entry.path)
                    problems.append(records.of("report")[rid].problem(
                        (kind,), Severity.NOTICE, f"the site leaves this report out: it waits for {how}, {why}",
                        _hint(entry)))
                    break
    return problems

"""The plan: every file the build will write, what each one reads, and its key.

This is the only place that decides what is public (`publication.public_corpus`). Each
output names the inputs it depends on, and with them gets a key (`keys`): the write stage
reuses a live file only when the key it was made with is the key planned now. The plan
also gives the publication state the site is built for (`state`), which the next build
compares to tell whether anything would change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from generator.fingerprint import environment_digest
from generator.images import LOGO_SUFFIXES
from generator.load.files import Template
from generator.model.blocks import find_blocks
from generator.model.indicators import awaiting_publication
from generator.plan.issue import action_plan_as_at, inspection_as_at, meeting_as_at, published_pack, report_as_at
from generator.plan.keys import (AS_AT, corpus_digest, input_digests, is_sites_own, output_key, papers_digest,
                                 search_key, template_digest, templates_used)
from generator.plan.publication import Withheld, images_on_pages, public_corpus
from generator.plan.state import MomentMark, PublicationState, publication_state
from generator.resolve.corpus import Corpus, MeetingView

SITE = "site"
AS_OF = "as-of"
LISTED = "inspection-listed"     # an inspection without its prose: 'inspection-listed:torbay-2021'


@dataclass(frozen=True)
class Output:
    path: str                    # relative to the output folder: inspections/torbay-2021/index.html
    kind: str                    # what renders it: a page name, 'pdf', 'pack', 'data', 'file', 'asset', 'search-index'
    subject: str | None          # the record (or file) it is about, where it is about one
    template: str | None         # the page template, for HTML pages
    inputs: tuple[str, ...]      # input keys: 'inspection:torbay-2021', 'site', 'as-of', ...
    title: str = ""

    @property
    def is_folder(self) -> bool:
        """The search index is a folder of files; every other output is one file."""
        return self.kind == "search-index"


@dataclass(frozen=True)
class Plan:
    corpus: Corpus               # what may be shown: public records only (plus drafts in a preview)
    withheld: tuple[Withheld, ...]
    outputs: tuple[Output, ...]
    now: dt.datetime
    preview: bool                # a --drafts preview: pages carry a DRAFT banner
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))   # output path -> key
    state: PublicationState | None = None
    papers_as_of: dt.date | None = None   # --as-of: every paper as at this day, not as issued (`plan.issue`)
    deferred: tuple[Output, ...] = ()     # papers linked but made only when asked for (`scrutiny serve`)
    mark: MomentMark | None = None        # a rehearsal: every page says the moment it shows

    @cached_property
    def paths(self) -> frozenset[str]:
        """Every output path, built once per plan (pages ask 'does this PDF exist?' often)."""
        return frozenset(o.path for o in (*self.outputs, *self.deferred))

    def by_path(self) -> dict[str, Output]:
        return {o.path: o for o in self.outputs}


def input_keys(kind: str, ids) -> list[str]:
    return [f"{kind}:{i}" for i in ids]


def page(path: str, kind: str, inputs, subject: str | None = None, title: str = "") -> Output:
    return Output(path, kind, subject, f"{kind}.html", tuple(sorted({SITE, *inputs})), title)


def as_at(day: dt.date, fixed: bool) -> str:
    """The input naming the day a paper is as at: its issue (`plan.issue`), or the build's
    as-of day when --as-of overrides it."""
    return f"{AS_AT}{day.isoformat()}" if fixed else AS_OF


def report_inputs(c: Corpus, rid: str, day: str | None = None) -> set[str]:
    """What a report reads besides the report: its council and the records its blocks draw
    from. `day`: a paper's, the input naming the day it is as at (`as_at`: its issue, or the
    build's as-of day in a preview); none for the page, whose progress is as at the build's day."""
    front = c.reports[rid].front
    found = {f"report:{rid}", f"council:{front.council}"}
    if front.inspection:
        found.add(f"inspection:{front.inspection}")
    if front.action_plan:            # [[action-plan-summary]] shows progress as at a day
        found |= {f"action_plan:{front.action_plan}", day or AS_OF}
    if front.indicators:             # a paper shows the periods ended by its day; a page, every period
        found |= {f"indicators:{front.indicators}", *([day] if day else [])}
        if front.indicators in c.indicators:
            found |= {f"service:{c.indicators[front.indicators].service_id}",
                      *(() if day else pending_figures(c, front.indicators))}
    if front.inspection and any(b.name == "national-comparison" for b in find_blocks(c.reports[rid].body)):
        # every inspection published by the report's day, under its inspection's framework
        view = c.inspections.get(front.inspection)
        found |= {*input_keys(LISTED, c.inspections), day or AS_OF,
                  *([f"service:{view.service_id}", f"framework:{view.framework_id}"] if view else [])}
    return found


def pending_figures(c: Corpus, indicators_id: str) -> set[str]:
    """The build's day, for a page showing indicators with a figure published after it: the page
    gains that figure on its publication day (`model.indicators.published_by`), and is made again then."""
    return {AS_OF} if awaiting_publication(c.indicators[indicators_id].indicators, c.as_of) else set()


def part_inputs(c: Corpus, kind: str, ref: str, day: str) -> set[str]:
    """What one appendix part's document reads (`day`: the input naming the pack's day)."""
    if kind == "inspection":
        view = c.inspections.get(ref)
        return {f"inspection:{ref}", *([f"service:{view.service_id}", f"council:{view.council_id}",
                                        f"framework:{view.framework_id}"] if view else [])}
    if kind == "action_plan":
        view = c.action_plans.get(ref)
        return {f"action_plan:{ref}", day, *([f"inspection:{view.inspection_id}", f"service:{view.service_id}",
                                                f"council:{view.council_id}"] if view else [])}
    return {f"attachment:{ref}"}


def items_to_follow(view: MeetingView) -> set[str]:
    """Which of a meeting's items are still to follow, as an input name: it shapes the
    meeting's page and front sheet even when an item's papers are also another's, whose
    digests alone would not change when the item is released."""
    numbers = [str(item.number) for item in view.items if item.to_follow]
    return {f"to-follow:{view.id}:{','.join(numbers)}"} if numbers else set()


def pack_outputs(c: Corpus, view: MeetingView, fixed: bool = True) -> list[Output]:
    """A meeting's public agenda pack and, for clerks who upload items one by one, each item's
    report (meetings/<id>/item-<n>.pdf) and each public appendix (item-<n>-appendix-<k>.pdf).

    They share one key: numbering runs through the whole pack, so each reads all of it.
    Exempt appendices are neither read nor written: the public pack carries a notice page.
    `view`: the meeting as its pack shows it (`meeting_as_issued`)."""
    mid = view.id
    day = as_at(meeting_as_at(c, mid), fixed)
    # Its day too: the council's details are as at it (`rules.changes`).
    inputs = {SITE, f"meeting:{mid}", f"council:{view.council_id}", day, *items_to_follow(view)}
    for item in view.items:
        if item.to_follow:
            continue
        if item.report_id:
            inputs |= report_inputs(c, item.report_id, day)
        if item.minutes:
            inputs.add(f"attachment:{item.minutes}")
        for appendix in item.appendices:
            if appendix.exempt is None:
                for kind, ref in appendix.parts:
                    inputs |= part_inputs(c, kind, ref, day)
    keys_ = tuple(sorted(inputs))
    out = [Output(f"meetings/{mid}/{mid}-agenda-pack.pdf", "pack", mid, "pack.html", keys_, view.title)]
    for item in view.items:
        if item.to_follow:
            continue
        if item.report_id or item.minutes:
            out.append(Output(f"meetings/{mid}/item-{item.number}.pdf", "pack", mid, "pack.html", keys_,
                              f"Agenda Item {item.number}: {item.title}"))
        for appendix in item.appendices:
            if appendix.exempt is None:
                out.append(Output(f"meetings/{mid}/item-{item.number}-appendix-{appendix.number}.pdf", "pack",
                                  mid, "pack.html", keys_,
                                  f"Agenda Item {item.number} Appendix {appendix.number}: {appendix.title}"))
    return out


def plan_site(corpus: Corpus, now: dt.datetime, preview: bool = False, pdf: bool = True,
              papers_as_of: dt.date | None = None, members: bool = False, unissued: bool = False) -> Plan:
    """Every page, data file and PDF of the public site (or of a drafts preview).
    `papers_as_of` (--as-of): papers as at that day rather than as issued; `members`: the
    plan the members' pack is made from, exempt appendices in it (never a site's);
    `unissued`: papers whose issue day is still to come too (the paper commands' previews)."""
    public, withheld = public_corpus(corpus, now, include_drafts=preview, members=members)
    issued_by = None if unissued or papers_as_of is not None else now.date()
    return Plan(public, withheld, tuple(with_pdf_links(_outputs(public, pdf, papers_as_of is None, issued_by))),
                now, preview, papers_as_of=papers_as_of)


@dataclass(frozen=True)
class Build:
    """What a build plans besides the records: what it read and how it was asked to build."""

    templates: Mapping[str, Template]
    assets: tuple[tuple[str, Path], ...]     # the theme's files copied as they are: (output path, source)
    inputs: str                              # `state.inputs_digest` of what the build read
    pdf: bool = True
    search: bool = True
    pdf_only: bool = False                   # the papers and packs only
    papers_as_of: dt.date | None = None      # --as-of: papers as at that day, not as issued
    pdf_on_demand: bool = False              # papers linked from the pages but not rendered (`Plan.deferred`)
    mark: MomentMark | None = None           # a rehearsal: every page says the moment it shows


def plan_build(corpus: Corpus, now: dt.datetime, build: Build, preview: bool = False) -> Plan:
    """`plan_site` for a build: with the theme's assets and the search index, every output's
    key, and the publication state the site is built for."""
    plan = plan_site(corpus, now, preview, build.pdf, build.papers_as_of)
    outputs = list(plan.outputs)
    deferred = [o for o in outputs if o.kind in ("pdf", "pack")] if build.pdf_on_demand else []
    if deferred:
        outputs = [o for o in outputs if o.kind not in ("pdf", "pack")]
    if build.pdf_only:
        outputs = [o for o in outputs if o.kind in ("pdf", "pack")]
    else:
        outputs += [Output(path, "asset", str(source), None, (), "Theme file") for path, source in build.assets]
    digests = input_digests(plan.corpus, AS_OF, SITE)
    # A preview's files carry DRAFT marks: never the public build's, nor its to reuse.
    environment = f"{environment_digest()}|{'preview' if preview else 'public'}"
    # A council's own template is given the whole corpus and may show any of it: what it
    # renders is keyed by every record (the theme's templates read what their outputs name).
    everything = corpus_digest(digests)
    own_papers = any(is_sites_own(t) for t in build.templates.values())
    papers = papers_digest(build.templates, {path: a.digest for path, a in corpus.attachments.items()
                                             if a.raw is not None}) + (everything if own_papers else "")

    # A rehearsal's pages and data files carry its moment (papers never do: they are the live build's bytes).
    marked = f"|{build.mark.describe()}" if build.mark else ""
    if build.mark:
        # A sitemap points crawlers at the live site's addresses: a rehearsal, noindex throughout, has none.
        outputs = [o for o in outputs if o.path != SITEMAP]

    def pages_key(name: str | None) -> str:
        own = any(is_sites_own(build.templates[used]) for used in templates_used(name, build.templates))
        return template_digest(name, build.templates) + (everything if own else "") + (marked if name else "")

    by_template = {name: pages_key(name) for name in {o.template for o in outputs}}
    keys = {o.path: output_key(o, digests, papers if o.kind in ("pdf", "pack") else
                               by_template[o.template] + (marked if o.kind == "data" else ""), environment)
            for o in outputs}
    if build.search and not build.pdf_only:
        search = Output(SEARCH_INDEX, "search-index", None, None, (), "Search index")
        outputs.append(search)
        keys[search.path] = search_key(
            {path: key for path, key in keys.items() if path.endswith(".html")}, environment)
    state = publication_state(corpus, plan.withheld, build.inputs, now)
    return replace(plan, outputs=tuple(outputs), keys=MappingProxyType(keys), state=state, deferred=tuple(deferred),
                   mark=build.mark)


SEARCH_INDEX = "pagefind"        # a folder: every file under it is the search index's
NOT_FOUND = "404.html"           # the page for a missing address: no page of its own, so no sitemap entry
SITEMAP = "sitemap.xml"          # written where site.yaml gives a base_url, for a live site only


def _outputs(c: Corpus, pdf: bool, fixed: bool = True, issued_by: dt.date | None = None) -> list[Output]:
    """The outputs of the public corpus `c`, each naming what it reads. `fixed`: papers are
    as at their issue (`plan.issue`); else as at the build's as-of day. `issued_by`: a paper
    whose issue day is later is not published yet (a paper is a record from the day it is issued)."""

    def issued(day: dt.date) -> bool:
        return issued_by is None or day <= issued_by

    # What listings, data files and links to an inspection read of it: all but its prose
    # (see `PROSE_FIELDS`); editing an inspection's text re-renders its own page and papers.
    all_inspections = input_keys(LISTED, c.inspections)
    all_services = input_keys("service", c.services)
    all_councils = input_keys("council", c.councils)
    all_meetings = input_keys("meeting", c.meetings)
    all_plans = input_keys("action_plan", c.action_plans)
    frameworks = input_keys("framework", c.frameworks)
    outputs: list[Output] = [
        # It counts overall ratings under each framework by name (render.pages.overall_by_group).
        page("index.html", "home", [*all_inspections, *all_services, *all_meetings, *all_plans, *frameworks, AS_OF],
             title="Home"),
        page("inspections/index.html", "inspections", [*all_inspections, *all_services], title="Inspections"),
        page("services/index.html", "services", [*all_services, *all_councils, *all_inspections],
             title="Services"),
        page("standards/index.html", "standards", [*all_inspections, *all_services, *frameworks],
             title="Standards"),
        page("national/index.html", "national", [*all_inspections, *all_services, *all_councils, *frameworks],
             title="The national picture"),
        page("action-plans/index.html", "action_plans", [*all_plans, *all_inspections, *all_services, AS_OF],
             title="Action plans"),
        page("meetings/index.html", "meetings", [*all_meetings, *all_councils, AS_OF], title="Meetings"),
        page("search/index.html", "search", [], title="Search"),
        page("accessibility/index.html", "accessibility", [], title="Accessibility statement"),
        # It credits the sources of the inspections shown (render.sources).
        page("about/index.html", "about", [*frameworks, *all_inspections], title="About the data"),
        # Served by the web server for any missing address (deploy/nginx.conf); no page links to it.
        page(NOT_FOUND, "not_found", [], title="Page not found"),
    ]
    # Papers read whole records: the prose-free facet (LISTED) is for pages only, whose
    # every use of it tests/test_incremental.py checks (papers are tested only as PDFs).
    for iid, view in c.inspections.items():
        related = [f"inspection:{iid}", f"service:{view.service_id}", f"council:{view.council_id}",
                   f"framework:{view.framework_id}", *input_keys("action_plan", view.action_plan_ids)]
        neighbours = [i for i in (view.previous_id, view.next_id) if i]
        outputs.append(page(f"inspections/{iid}/index.html", "inspection", [*related, *input_keys(LISTED, neighbours)],
                            iid, view.title))
        if pdf:
            # Its council as at its day (`plan.issue`), or the build's as-of day in a preview.
            outputs.append(Output(f"inspections/{iid}/{iid}.pdf", "pdf", iid, "paper_inspection.html",
                                  tuple(sorted({SITE, *related, *input_keys("inspection", neighbours),
                                                as_at(inspection_as_at(c, iid), fixed)})), view.title))
    for sid, view in c.services.items():
        related = [f"service:{sid}", f"council:{view.council_id}", *input_keys(LISTED, view.inspection_ids),
                   *([f"indicators:{view.indicators_id}", *pending_figures(c, view.indicators_id)]
                     if view.indicators_id else [])]
        outputs.append(page(f"services/{sid}/index.html", "service", related, sid, view.service.name))
    for pid, view in c.action_plans.items():
        related = [f"action_plan:{pid}", f"service:{view.service_id}", f"council:{view.council_id}"]
        outputs.append(page(f"action-plans/{pid}/index.html", "action_plan",
                            [*related, AS_OF, f"{LISTED}:{view.inspection_id}"], pid, view.plan.title))
        if pdf and issued(issue_day := action_plan_as_at(c, pid)):
            outputs.append(Output(f"action-plans/{pid}/{pid}.pdf", "pdf", pid, "paper_action_plan.html",
                                  tuple(sorted({SITE, *related, f"inspection:{view.inspection_id}",
                                                as_at(issue_day, fixed)})),
                                  view.plan.title))
    for rid, view in c.reports.items():
        front = view.front
        # The page shows the same blocks as the paper, but progress as at the build's day.
        meeting = [f"meeting:{view.meeting_id}"] if view.meeting_id else []
        outputs.append(page(f"reports/{rid}/index.html", "report", [*report_inputs(c, rid), *meeting], rid,
                            front.title))
        if pdf and issued(issue_day := report_as_at(c, rid)):
            day = as_at(issue_day, fixed)
            # Its day always: its council's details are as at it, and a build names a paper
            # changed after that day (`write.Staging.changed_papers`).
            outputs.append(Output(f"reports/{rid}/{rid}.pdf", "pdf", rid, "paper_report.html",
                                  tuple(sorted({SITE, day, *report_inputs(c, rid, day), *meeting})), front.title))
    for mid, view in c.meetings.items():
        related = {f"meeting:{mid}", f"council:{view.council_id}", *items_to_follow(view)}
        for item in view.items:
            if item.report_id:
                related.add(f"report:{item.report_id}")
            if item.minutes:
                related.add(f"attachment:{item.minutes}")
            for appendix in item.appendices:
                for kind, ref in appendix.parts:        # the meeting's page names them
                    if kind == "inspection":
                        related.add(f"{LISTED}:{ref}")
                        if ref in c.inspections:        # its title names the service
                            related.add(f"service:{c.inspections[ref].service_id}")
                    elif kind == "action_plan":
                        related.add(f"action_plan:{ref}")
                    else:
                        related.add(f"attachment:{ref}")
        outputs.append(page(f"meetings/{mid}/index.html", "meeting", related, mid, view.title))
        if pdf and (issued_view := published_pack(c, mid, fixed, issued_by)) is not None:
            outputs += pack_outputs(c, issued_view, fixed)
    for path, title in served_files(c).items():
        outputs.append(Output(path, "file", path, None, (f"attachment:{path}",), title))
    data_inputs = tuple(sorted({SITE, *all_inspections, *all_services, *frameworks, *all_councils}))
    outputs += [
        # It says as_of, and which actions answer each recommendation (the action plans).
        Output("data/inspections.json", "data", None, None, tuple(sorted({*data_inputs, *all_plans, AS_OF})),
               "Inspections (JSON)"),
        Output("data/ratings.csv", "data", None, None, data_inputs, "Ratings (CSV)"),
        # An empty feed is dated by the build's day (`render.data.feed_xml`); an inspection's
        # entry is titled with its service's name.
        Output("feed.xml", "data", None, None,
               tuple(sorted({SITE, *all_inspections, *all_services, *all_meetings, AS_OF})), "Feed"),
    ]
    if c.site.base_url:
        # The sitemap lists every page: naming them among its inputs makes a page added or
        # gone (a record deleted, withheld or released) change the sitemap's key.
        pages = {PAGE_LISTED + o.path for o in outputs if o.path.endswith(".html") and o.path != NOT_FOUND}
        outputs.append(Output(SITEMAP, "data", None, None, tuple(sorted({SITE, *pages})), "Sitemap"))
    return outputs


def served_files(c: Corpus) -> dict[str, str]:
    """path -> title: the attachments of the public corpus `c` the site serves as files, each
    at its path under content/: the councils' logos and the images its pages draw
    (`images_on_pages`). Every other attachment is published inside papers, never as a file."""
    files = {}
    for view in c.councils.values():
        logo = view.council.logo
        if logo and logo in c.attachments and logo.lower().endswith(LOGO_SUFFIXES):
            files[logo] = f"{view.council.name} logo"
    for path in sorted(images_on_pages(c)):
        files.setdefault(path, f"Image {path.rsplit('/', 1)[-1]}")
    return files


PDF_LINK = "pdf-planned:"
PAGE_LISTED = "page-planned:"


def with_pdf_links(outputs: list[Output]) -> list[Output]:
    """Pages that link to a PDF only when it is planned name those PDFs among their inputs.

    Whether a paper exists depends on --no-pdf and on what is public, neither of which is a
    record the page reads; without this, a page built by `scrutiny build --no-pdf` would be
    reused (without its PDF links) by a later build that does make the PDFs."""
    planned = sorted(o.path for o in outputs if o.kind in ("pdf", "pack"))
    by_meeting: dict[str, list[str]] = {}
    for path in planned:
        if path.startswith("meetings/"):
            by_meeting.setdefault(path.split("/", 2)[1], []).append(path)
    packs = [p for p in planned if p.endswith("-agenda-pack.pdf")]
    papers = set(planned)

    def linked(output: Output) -> list[str]:
        subject = output.subject
        if output.kind == "meeting":
            return by_meeting.get(subject, [])
        if output.kind == "meetings":
            return packs
        folder = {"inspection": "inspections", "action_plan": "action-plans", "report": "reports"}.get(output.kind)
        if folder and f"{folder}/{subject}/{subject}.pdf" in papers:
            return [f"{folder}/{subject}/{subject}.pdf"]
        return []

    out = []
    for output in outputs:
        links = linked(output) if output.kind not in ("pdf", "pack", "data") else []
        out.append(replace(output, inputs=tuple(sorted({*output.inputs, *(PDF_LINK + p for p in links)})))
                   if links else output)
    return out

"""PDF papers and agenda packs: from planned outputs to bytes.

`render_pdfs(root, plan, templates, outputs, ...)` is what `scrutiny build` calls for every
output of kind 'pdf' (a paper) or 'pack' (an agenda pack, or one item or appendix of it).
It yields (relative path, PDF bytes) as each output is finished.

How the work is split:

1. Here, in the calling process: each document (a report, a findings paper, an action
   plan, a Markdown attachment, an exempt notice, a front sheet) becomes HTML through the
   one Jinja environment. Identical HTML is one job, so the inspection that is both a
   stand-alone paper and a pack appendix is laid out once.
2. In a pool of worker processes (`-j N`; default all cores): WeasyPrint lays each job
   out (`pdf.render`). One font configuration per worker; a worker that dies fails the
   build naming its document, and a worker that stops making progress for
   `STALL_SECONDS` does too (never a hang).
3. Back here: `pack.assemble` numbers and stamps the pages (overlays), merges structure
   trees and writes the outline. A pack first needs its documents' page counts; then its
   front sheet (or covering letter) is laid out with the real page ranges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_text
import multiprocessing
import os
import re
import signal
import threading
from collections import deque
from contextlib import closing
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Generator, Iterable, Iterator, Mapping
from urllib.parse import unquote

from generator.plan.issue import (action_plan_as_at, action_plan_dated, action_plan_undated, inspection_as_at,
                                  inspection_dated, meeting_as_at, meeting_as_issued, meeting_dated, report_as_at, report_day_given)
from generator.plan.outputs import Output, Plan
from generator.load.files import THEME, Template, cache_folder
from generator.model.council import DateStyle
from generator.render import pack, pages, paper_worker
from generator.render.html import format_date, make_environment, render_template
from generator.render.paper_fonts import FONT_FAMILY, PaperError, PaperErrors, all_of, check_fonts
from generator.render.report_body import number_tables
from generator.rules.notices import agenda_notices
from generator.speed.parallel import default_jobs
from generator.speed.pdf_cache import DocumentCache, layout_digest
from generator.stopping import stop_signals_held
from generator.resolve.corpus import AppendixView, AttachmentView, Corpus, InspectionView, ItemView, MeetingView

STALL_SECONDS = 600.0             # no document finished for this long: a worker is stuck
PACK_PATH = re.compile(r"^meetings/(?P<mid>[^/]+)/(?:(?P=mid)-agenda-pack|item-(?P<item>\d+)"
                       r"(?:-appendix-(?P<appendix>\d+))?)\.pdf$")
PAPER_KINDS = {"paper_inspection.html": "inspection", "paper_action_plan.html": "action_plan",
               "paper_report.html": "report"}


class PdfWorkerError(PaperError):
    """A worker process died or hung while laying out a document."""

    def __init__(self, label: str, message: str) -> None:
        super().__init__(label, message, "the previous output is unchanged; run the build again, "
                                         "or with -j 1 to see the document's own error")
        self.label = label

    def __reduce__(self):
        return (PdfWorkerError, (self.label, self.message))


# --- documents: HTML for WeasyPrint -----------------------------------------------------------

@dataclass(frozen=True)
class Doc:
    """A document to lay out, and what its PDF says about itself."""

    job: Any                          # pdf.Job (imported lazily: WeasyPrint is slow to import)
    title: str
    created: dt.date | None = None
    author: str | None = None
    alone_title: str | None = None    # printed on its own: a title that names its council (else `title`)

    @property
    def key(self) -> str:
        return self.job.key


@dataclass(frozen=True)
class Inserted:
    """An existing PDF inserted as it is (content/attachments/*.pdf)."""

    data: bytes
    label: str
    source: str


_SVG_TITLE = re.compile(r'(<title id="[^"]*">)(.*?)(</title>\s*<desc id="[^"]*">)(.*?)(</desc>)', re.S)
_SVG_FONTLESS = re.compile(r"<svg\b(?![^>]*\sfont-family\s*=)", re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r'\balt\s*=\s*"([^"]*)"', re.I)
_SRC = re.compile(r'\bsrc\s*=\s*"([^"]*)"', re.I)
_OL_START = re.compile(r'<ol\b([^>]*?)\sstart="(\d+)"([^>]*)>', re.I)
_TABLE = re.compile(r"<table\b[^>]*>(?!\s*<caption)", re.I)
_HEADING = re.compile(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.I)
_LINK = re.compile(r"<a\b[^>]*>", re.I)
# A table cell's content (cells hold no tables in our papers), and a tag or a run of text in it.
_CELL = re.compile(r"(<t[dh]\b[^>]*>)(.*?)(</t[dh]>)", re.I | re.S)
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)|([^<]+)")
# Longer than any word, or a 48-character email address, that a column may be widened to hold;
# a line may already break after a slash or a hyphen (an address's parts), so they end a run.
LONGEST_UNBROKEN = 50
_LONG_RUN = re.compile(r"[^\s<>/-]{%d,}" % (LONGEST_UNBROKEN + 1))
# A link's address with no scheme and not to a place in the same document ("#...").
_LOCAL_HREF = re.compile(r'\shref\s*=\s*"(?![a-zA-Z][a-zA-Z0-9+.-]*:|#)[^"]*"', re.I)
# A link out of the paper (a web page, an email address, a telephone number): its address, and its words.
_LINK_OUT = re.compile(r'<a\b[^>]*?\shref="(?P<href>(?:https?|mailto|tel):[^"]*)"[^>]*>(?P<words>.*?)</a>', re.I | re.S)


def print_html(html: str, captions_shown: bool = False) -> str:
    """Adjust the site's HTML for WeasyPrint: alt text on every figure, ordered lists that start at N.

    `captions_shown`: a report's, whose tables `report_body.number_tables` captions in print
    ("Table 1: " and the heading), so that its text can cite them.

    WeasyPrint 70 takes a tagged /Figure's /Alt from an SVG's <title> (not its <desc>) and
    from an <img>'s alt. Our charts keep the numbers in <desc>, so for print the title is
    extended with the description; an image without alt text is described by its file.

    WeasyPrint sets an SVG's text in the font of its font-family attribute, never the page's
    CSS: without one a chart's labels are in whatever fontconfig calls sans-serif on the
    machine, so each SVG is given the papers' font."""
    html = _SVG_FONTLESS.sub(f'<svg font-family="{FONT_FAMILY}"', html)
    html = _SVG_TITLE.sub(lambda m: f"{m[1]}{m[2].rstrip('.')}. {m[4]}{m[3]}{m[4]}{m[5]}", html)

    def alt(match: re.Match) -> str:
        tag = match.group(0)
        found = _ALT.search(tag)
        if found and found.group(1).strip():
            return tag
        src = _SRC.search(tag)
        name = os.path.basename(src.group(1)) if src else "image"
        text = f'alt="Image: {name}"'
        return _ALT.sub(lambda _: text, tag) if found else tag[:4] + " " + text + tag[4:]

    # Every table keeps a caption (how pdf_tags tells a table split by a page break from two
    # tables). A Markdown table's, unseen, would repeat the heading above it to a screen reader
    # and in copied text ("Detail", "Detail"): it is left empty, the heading naming the table,
    # unless the report shows it ("Table 1: Detail"). A table under no heading is "Table N".
    count = [0]

    def caption(match: re.Match) -> str:
        count[0] += 1
        headings = _HEADING.findall(html, 0, match.start())
        text = _TAG.sub("", headings[-1]).strip() if headings else ""
        if text and not captions_shown:
            text = ""
        elif not text:
            text = f"Table {count[0]}"
        return f'{match.group(0)}<caption class="caption-hidden">{text}</caption>'

    html = close_heading_gaps(_TABLE.sub(caption, html))
    # WeasyPrint 70 ignores <ol start>: HMIP numbers recommendations on across addressees (5, 6 ...).
    html = _OL_START.sub(lambda m: f'<ol{m[1]} start="{m[2]}" style="counter-reset: list-item {int(m[2]) - 1}"{m[3]}>',
                         html)
    return breakable_long_runs(printed_addresses(without_local_links(_IMG.sub(alt, html))))


def breakable_long_runs(html: str) -> str:
    """Each run of more than LONGEST_UNBROKEN characters without a space, slash or hyphen in a
    table cell (a file's name, a reference) marked to break where its column ends.

    WeasyPrint 70, like a browser, widens a column to hold its longest unbreakable run: one of
    90 characters pushed an action plan's last columns off the page. Shorter runs stay whole,
    so an email address is not split while its column can be widened to hold it."""
    def cell(match: re.Match) -> str:
        inner = _TAG_OR_TEXT.sub(lambda part: part[1] or _LONG_RUN.sub(
            lambda run: f'<span class="long-run">{run[0]}</span>', part[2]), match[2])
        return match[1] + inner + match[3]

    return _CELL.sub(cell, html) if _LONG_RUN.search(html) else html


def close_heading_gaps(html: str) -> str:
    """A heading of the third level or below is at most one level below the heading before it:
    a Markdown `####` straight under a `##` is tagged H3, not H4, since a tagged PDF may skip no
    heading level (PDF/UA-1 7.4.2, Matterhorn 14-003). Print sets levels 3 to 6 in one size, so
    the page looks the same; a first or second level is left as written (its size shows)."""
    previous, opened = 0, []

    def level(match: re.Match) -> str:
        nonlocal previous
        if match[1]:
            return f"</h{opened.pop() if opened else match[2]}"
        written = int(match[2])
        previous = written if written < 3 else max(3, min(written, previous + 1))
        opened.append(previous)
        return f"<h{previous}"

    return _HEADING_TAG.sub(level, html)


def without_local_links(html: str) -> str:
    """The HTML with each link to a relative address made plain text, its words kept.

    WeasyPrint resolves such an address against content/, so `[the annex](attachments/x.md)`
    would be published as a link to file:///<the server's folder>/content/attachments/x.md:
    a path on the server, and a file the site does not publish (an exempt appendix's, even)."""
    return _LINK.sub(lambda m: _LOCAL_HREF.sub("", m.group(0)), html)


def printed_addresses(html: str) -> str:
    """Each link out of the paper followed by its address in brackets, unless its words give it:
    on paper, "[the council's website](https://www.example.gov.uk/yjs)" would leave the reader
    the words and not where they lead. The address is text after the link, not in it, so a
    screen reader hears the link's words as its name and the address once, as the paper prints it."""
    def with_address(match: re.Match) -> str:
        address = printed_address(html_text.unescape(match["href"]))
        words = html_text.unescape(_TAG.sub("", match["words"]))
        if not address or _address_key(address) in _address_key(words):
            return match[0]
        return f'{match[0]}<span class="link-address"> ({html_text.escape(address, quote=False)})</span>'

    return _LINK_OUT.sub(with_address, html) if "<a" in html else html


def printed_address(href: str) -> str:
    """An address as a reader types it: a web page's without its scheme (and a site's bare
    "/"), "www.example.gov.uk/yjs"; an email address without "mailto:" and its subject; a
    telephone number as written after "tel:"."""
    scheme, _, rest = href.partition(":")
    if scheme.lower() in ("http", "https"):
        rest = rest.removeprefix("//")
        host, _, path = rest.partition("/")
        return host if path == "" else rest
    return unquote(rest.partition("?")[0]).strip()


def _address_key(text: str) -> str:
    """Text compared as an address: any case, without spaces, a scheme, "www." or a closing "/"
    ("https://www.Example.gov.uk/" and "example.gov.uk" are one); a telephone number by its
    digits, +44 as 0."""
    key = re.sub(r"\s+", "", text.casefold())
    key = re.sub(r"^(?:https?://|mailto:|tel:)?(?:www\.)?", "", key).removesuffix("/")
    if re.fullmatch(r"\+?[\d().-]{6,}", key):
        digits = re.sub(r"\D", "", key)
        return "0" + digits[2:] if key.startswith("+44") else digits
    return key


def findings_title(service_name: str, view: InspectionView, style: DateStyle = DateStyle.PLAIN) -> str:
    """A findings paper's title: "(not recorded)" alone would read as if the findings were.
    Its day is in the council's style, as a viewer shows the title (DisplayDocTitle)."""
    published = view.inspection.published
    when = format_date(published, style) if published is not None else "publication date not recorded"
    return f"{service_name}: inspection findings ({when})"


def meeting_title(meeting: MeetingView, style: DateStyle = DateStyle.PLAIN) -> str:
    """"Cabinet, 16 March 2022" (the site's `MeetingView.title`), its day in the council's
    style for the papers' titles, which a viewer shows (DisplayDocTitle)."""
    return f"{meeting.meeting.committee}, {format_date(meeting.meeting.date, style)}"


def pack_title(meeting: MeetingView, council_name: str, kind: str, style: DateStyle = DateStyle.PLAIN) -> str:
    """"Cabinet, 16 March 2022, City of Wolverhampton Council: agenda pack": a viewer shows it in
    place of the file's name (DisplayDocTitle), and two councils may each have a "Cabinet", so it
    names the council, as the meeting's page title does. An item's own PDF is titled so too:
    "...: Agenda Item 4: Youth Offending Team Inspection Outcome"."""
    return f"{meeting_title(meeting, style)}, {council_name}: {kind}"


def council_paper_title(council_name: str, title: str, day: dt.date | None = None,
                        style: DateStyle = DateStyle.PLAIN) -> str:
    """"City of Wolverhampton Council: Youth Offending Team Inspection Outcome (16 March 2022)":
    a report or action plan printed on its own, titled as a findings paper is (who, what, when),
    since two councils' reports may share a title."""
    return f"{council_name}: {title}" + (f" ({format_date(day, style)})" if day is not None else "")


class PaperContext:
    """Turns records into documents, with the house style of the council they belong to."""

    def __init__(self, root: Path, plan: Plan, templates: Mapping[str, Template],
                 attachments: Mapping[str, AttachmentView] | None = None) -> None:
        self.root = root
        self.plan = plan
        self.corpus: Corpus = plan.corpus
        # The files papers are made from: the public corpus's, or for the members' pack every file.
        self.attachments = plan.corpus.attachments if attachments is None else attachments
        self.envs = {style: make_environment(templates, cache=cache_folder(root, "jinja"), date_style=style)
                     for style in DateStyle}
        # The theme's print stylesheet (its digest is in every PDF's manifest key, with the assets').
        # A council restyles papers by overriding a template (e.g. paper_base.html) in templates/.
        self.css = (THEME / "assets" / "print.css").read_text(encoding="utf-8")
        self.content = (root / "content").resolve()
        roots = [self.content, THEME.resolve()]
        if (root / "templates").is_dir():
            roots.append((root / "templates").resolve())
        self.roots = tuple(str(r) for r in roots)
        # What each content file held when the build read it: a paper may show nothing else.
        self.expected = tuple(sorted((os.path.realpath(self.content / path), a.digest)
                                     for path, a in self.attachments.items()))
        self.cache_dir = cache_folder(root, "scrutiny")
        self._docs: dict[tuple, Doc] = {}

    # -- rendering HTML
    def _doc(self, memo: tuple, document: str, label: str, source: str, title: str, context: dict,
             created: dt.date | None, author: str | None, alone_title: str | None = None) -> Doc:
        if memo in self._docs:
            return self._docs[memo]
        from generator.render.pdf import Job
        corpus = self.corpus
        base = {"site": corpus.site, "corpus": corpus, "root": "", "as_of": corpus.as_of,
                "preview": self.plan.preview, "councils": corpus.councils, "document": document,
                "paper_title": title, "paper_author": author, "paper_subject": None,
                "link": lambda target: target, "exists": lambda target: False}
        base.update(context)
        base.setdefault("house_colour", "#1d4f91")
        # Each document is one council's paper, and writes its days in that council's style.
        env = self.envs[context["council"].date_style]
        html = print_html(render_template(env.get_template("pack.html"), base),
                          captions_shown=document == "report")
        if document == "report":
            html = number_tables(html)
        key = hashlib.sha256(f"{html}\0{self.css}".encode()).hexdigest()
        job = Job(key=key, label=label, source=source, html=html, css=self.css, base_dir=str(self.content),
                  roots=self.roots, expected=self.expected, title=title, lang=corpus.site.language)
        doc = Doc(job, title, created, author, alone_title)
        self._docs[memo] = doc
        return doc

    def council_of(self, council_id: str, day: dt.date):
        """The council's details as at a paper's day (`rules.changes`): a past paper keeps the
        clerk, colour and logo it was issued with."""
        return self.corpus.councils[council_id].as_at(day)

    def pack_day(self, meeting: MeetingView) -> dt.date:
        """The day a pack's papers are as at: its issue, unless --as-of overrides it."""
        return self.as_at(meeting_as_at(self.corpus, meeting.id))

    def as_at(self, day: dt.date) -> dt.date:
        """The day a paper is as at: its own (`plan.issue`), unless --as-of overrides it."""
        return self.plan.papers_as_of or day

    def given(self, day_given: bool) -> bool:
        """Is a paper's day one a source gives (`plan.issue`), or --as-of's, chosen for a preview?
        A day counted from the clear days is never printed: progress is then as at its latest update."""
        return day_given or self.plan.papers_as_of is not None

    def report(self, rid: str) -> Doc:
        day = self.as_at(report_as_at(self.corpus, rid))
        given = self.given(report_day_given(self.corpus, rid))
        data = pages.report(self.corpus, rid, as_at=day)
        view, council = data["view"], data["council"]
        return self._doc(("report", rid, day, given), "report", f"the report {view.path}", view.path, view.front.title,
                         {**data, "house_colour": council.colour, "as_of": day, "as_of_given": given},
                         view.front.date, council.name,
                         council_paper_title(council.name, view.front.title, view.front.date, council.date_style))

    def inspection(self, iid: str, day: dt.date | None = None) -> Doc:
        """An inspection's findings as at `day` (the pack's issue), or, printed on its own, as
        at the day it became public (`plan.issue.inspection_as_at`)."""
        view = self.corpus.inspections[iid]
        day = self.as_at(day or inspection_as_at(self.corpus, iid))
        data = pages.inspection(self.corpus, iid, as_at=day)
        council = data["council"]
        return self._doc(("inspection", iid, day), "inspection", f"the findings paper of {view.path}", view.path,
                         findings_title(data["service"].name, view, council.date_style),
                         {**data, "house_colour": council.colour}, inspection_dated(self.corpus, iid),
                         council.name)

    def action_plan(self, pid: str, meeting: MeetingView | None = None) -> Doc:
        """An action plan as at its pack's issue (`meeting`), or, printed on its own, as at its own day."""
        undated = False
        if meeting is not None:
            day, given = meeting_as_at(self.corpus, meeting.id), meeting_dated(self.corpus, meeting.id) is not None
        else:
            day, given = action_plan_as_at(self.corpus, pid), action_plan_dated(self.corpus, pid) is not None
            undated = self.plan.papers_as_of is None and action_plan_undated(self.corpus, pid)
        day, given = self.as_at(day), self.given(given)
        data = pages.action_plan(self.corpus, pid, as_at=day)
        view = data["view"]
        council = self.council_of(view.council_id, day)
        return self._doc(("action_plan", pid, day, given, undated), "action_plan", f"the action plan {view.path}", view.path,
                         view.plan.title, {**data, "council": council, "house_colour": council.colour, "as_of": day,
                                           "as_of_given": given, "overdue_unknown": undated},
                         action_plan_dated(self.corpus, pid), council.name,
                         council_paper_title(council.name, view.plan.title))

    def markdown(self, path: str, title: str, meeting: MeetingView) -> Doc:
        attachment = self.attachments[path]
        day = self.pack_day(meeting)
        council = self.council_of(meeting.council_id, day)
        heading = attachment.title or title
        return self._doc(("markdown", path, heading, meeting.council_id, day), "markdown", f"the attachment content/{path}",
                         f"content/{path}", heading,
                         {"text": attachment.text or "", "council": council, "house_colour": council.colour},
                         meeting.meeting.date, council.name)

    def notice(self, meeting: MeetingView, item: ItemView, appendix: AppendixView) -> Doc:
        council = self.council_of(meeting.council_id, self.pack_day(meeting))
        title = f"Agenda Item {item.number} Appendix {appendix.number}: {appendix.title} (exempt)"
        return self._doc(("notice", meeting.id, item.number, appendix.number), "notice",
                         f"the exempt notice for item {item.number} appendix {appendix.number} of {meeting.path}",
                         meeting.path, title,
                         {"meeting": meeting.meeting, "appendix": appendix, "council": council,
                          "house_colour": council.colour, "sentence": pack.exempt_sentence(appendix.exempt),
                          "description": pack.SCHEDULE_12A.get(appendix.exempt, "")},
                         meeting_as_at(self.corpus, meeting.id), council.name)

    def front(self, meeting: MeetingView, rows: list[dict], members: bool, embargo: dt.datetime | None) -> Doc:
        council = self.council_of(meeting.council_id, self.pack_day(meeting))
        letter = meeting.meeting.pack.value == "supplementary"
        kind = "letter" if letter else "front"
        what = "supplementary pack covering letter" if letter else "agenda"
        title = f"{meeting_title(meeting, council.date_style)}: {what}"
        fingerprint = tuple((r["number"], r["first"], r["last"], r["to_follow"], tuple(r["notices"].items()))
                            for r in rows)
        return self._doc(("front", meeting.id, members, fingerprint), kind, f"the front sheet of {meeting.path}",
                         meeting.path, title,
                         {"meeting": meeting.meeting, "council": council, "house_colour": council.colour,
                          "rows": rows, "members": members, "embargo": embargo,
                          # Printed only as the record gives it: the day computed from the clear days is the
                          # latest the law allows, which orders publication but is no date the sources give.
                          "issued": meeting.meeting.issued,
                          "time": pack.clock_time(meeting.meeting.time) if meeting.meeting.time else None,
                          "clerk": meeting.meeting.clerk or council.clerk,
                          "notices": agenda_notices(meeting.meeting, council),
                          "exclusion": pack.exclusion_resolution(sorted({r["exempt"] for r in rows if r["exempt"]})),
                          "exempt_rows": any(a.exempt for r in rows for a in r["appendices"])},
                         meeting_as_at(self.corpus, meeting.id), council.name)

    def blank(self, meeting: MeetingView) -> Doc:
        """"This page is intentionally left blank": printed duplex, the next paper starts on the right."""
        day = self.pack_day(meeting)
        council = self.council_of(meeting.council_id, day)
        return self._doc(("blank", meeting.council_id, day), "blank", f"the blank page of {meeting.path}", meeting.path,
                         "This page is intentionally left blank", {"council": council, "house_colour": council.colour},
                         None, council.name)

    def part(self, kind: str, ref: str, appendix: AppendixView, meeting: MeetingView) -> Doc | Inserted:
        if kind == "inspection":
            return self.inspection(ref, meeting_as_at(self.corpus, meeting.id))
        if kind == "action_plan":
            return self.action_plan(ref, meeting)
        if kind == "markdown":
            return self.markdown(ref, appendix.title, meeting)
        return self.minutes(ref, appendix.title, meeting, kind)

    def minutes(self, path: str, title: str, meeting: MeetingView, kind: str | None = None) -> Doc | Inserted:
        """A file under content/ as a paper: a Markdown one laid out, a PDF inserted as it is."""
        if (kind or ("markdown" if path.endswith(".md") else "pdf")) == "markdown":
            return self.markdown(path, title, meeting)
        attachment = self.attachments[path]
        return Inserted(attachment.raw or b"", f"content/{path}", meeting.path)


# --- what each output is made of ------------------------------------------------------------------

Need = list                          # of Doc: a recipe yields what it needs next
Recipe = Generator[Need, dict, list[tuple[str, bytes]]]


def _meta(doc: Doc, lang: str) -> pack.Metadata:
    """What a paper printed on its own says about itself."""
    return pack.Metadata(title=doc.alone_title or doc.title, lang=lang, author=doc.author, created=doc.created)


def paper_recipe(ctx: PaperContext, output: Output) -> Recipe:
    kind = PAPER_KINDS[output.template]
    doc = getattr(ctx, kind)(output.subject)
    done = yield [doc]
    data = pack.assemble([pack.Piece(done[doc.key].data, label=doc.job.label, title=doc.title, repaired=True)],
                         _meta(doc, ctx.corpus.site.language), draft=ctx.plan.preview)
    return [(output.path, data)]


@dataclass
class Entry:
    """One stamped unit of a pack: an item's report, or one appendix (of one or more parts)."""

    item: ItemView
    appendix: AppendixView | None
    stamp: str
    outline: tuple[str, ...]
    parts: list                       # Doc | Inserted
    marks: tuple[str, ...] = ()
    path: str | None = None           # its own PDF (public, not exempt)
    title: str = ""
    pages: int = 0
    first: int | None = None
    blank_after: int = 0              # duplex: blank pages after it, so the next starts on the right
    notice: bool = False              # an exempt appendix's notice page, in its place in the public pack


def item_heading(item: ItemView) -> str:
    return f"{item.number}. {item.title}"


def pack_entries(ctx: PaperContext, meeting: MeetingView, members: bool) -> list[Entry]:
    entries = []
    base = f"meetings/{meeting.id}"
    for item in meeting.items:
        if item.to_follow:
            continue
        if item.report_id or item.minutes:
            paper = ctx.report(item.report_id) if item.report_id else ctx.minutes(item.minutes, item.title, meeting)
            # A Part 2 item's minutes reach only the members' pack (the public's item has none).
            exempt = item.exempt is not None
            entries.append(Entry(item, None, f"Agenda Item {item.number}", (item_heading(item),),
                                 [paper], marks=("NOT FOR PUBLICATION",) if exempt else (),
                                 path=None if exempt else f"{base}/item-{item.number}.pdf",
                                 title=f"Agenda Item {item.number}: {item.title}"))
        for appendix in item.appendices:
            stamp = f"Agenda Item {item.number} Appendix {appendix.number}"
            outline = (item_heading(item), f"Appendix {appendix.number}: {appendix.title}")
            title = f"{stamp}: {appendix.title}"
            if appendix.exempt and not members:
                entries.append(Entry(item, appendix, stamp, outline, [ctx.notice(meeting, item, appendix)],
                                     title=title, notice=True))
                continue
            parts = [ctx.part(kind, ref, appendix, meeting) for kind, ref in appendix.parts]
            own = f"{base}/item-{item.number}-appendix-{appendix.number}.pdf"
            entries.append(Entry(item, appendix, stamp, outline, parts,
                                 marks=("NOT FOR PUBLICATION",) if appendix.exempt else (),
                                 path=None if appendix.exempt else own, title=title))
    return entries


def front_rows(meeting: MeetingView, entries: list[Entry]) -> list[dict]:
    """Each item as the front sheet lists it, with the pages its papers occupy.

    A supplementary pack's covering letter lists only the items it carries."""
    rows = []
    supplementary = meeting.meeting.pack.value == "supplementary"
    for item in meeting.items:
        mine = [e for e in entries if e.item.number == item.number and e.pages]
        if supplementary and not mine:
            continue
        rows.append({"number": item.number, "title": item.title, "to_follow": item.to_follow,
                     "description": item.description, "part": item.part, "exempt": item.exempt,
                     "first": mine[0].first if mine else None,
                     "last": (mine[-1].first + mine[-1].pages + mine[-1].blank_after - 1) if mine else None,
                     "appendices": list(item.appendices),
                     # An exempt appendix's notice is counted in the item's pages: where it is.
                     "notices": {e.appendix.number: (e.first, e.first + e.pages - 1) for e in mine if e.notice}})
    return rows


def _pieces(entry: Entry, done: dict, in_pack: bool) -> list[pack.Piece]:
    pieces = []
    # In the pack, a one-document appendix's own title would repeat its outline entry.
    flatten = in_pack and len(entry.parts) == 1 and entry.appendix is not None
    for part in entry.parts:
        if isinstance(part, Inserted):
            data, label, title, repaired = part.data, part.label, entry.title, False
        else:
            data, label, title, repaired = done[part.key].data, part.job.label, part.title, True
        pieces.append(pack.Piece(data, outline=entry.outline if in_pack else (), stamp=entry.stamp,
                                 marks=entry.marks, label=label, title=title,
                                 flatten_single_root=flatten, repaired=repaired))
    return pieces


def pack_recipe(ctx: PaperContext, meeting_id: str, wanted: dict[str, str], members: bool = False) -> Recipe:
    """All outputs of one meeting: `wanted` maps 'pack' / an item file's plan path -> where it goes."""
    meeting = meeting_as_issued(ctx.corpus, meeting_id, ctx.plan.papers_as_of)
    lang = ctx.corpus.site.language
    entries = pack_entries(ctx, meeting, members)
    docs = [p for e in entries for p in e.parts if isinstance(p, Doc)]
    done = (yield docs) if docs else {}
    unusable = []                  # every inserted PDF of the meeting that cannot be used, not only the first
    opened = []
    for entry in entries:
        count = 0
        for part in entry.parts:
            if isinstance(part, Inserted):
                piece = pack.Piece(part.data, label=part.label, stamp=entry.stamp)
                try:
                    count += pack.inserted_page_count(piece)
                    opened.append((part, piece))
                except ValueError as exc:
                    unusable.append(PaperError(part.source, str(exc), pack.REPRINT_HINT))
            else:
                count += done[part.key].pages
        entry.pages = count
    if unusable:
        # A file that opens may still not go in (a malformed object): tried now, it is named in this run too.
        unusable += [PaperError(part.source, str(problem), pack.reprint_hint(problem)) for part, piece in opened
                     if (problem := pack.insertion_problem(piece))]
        raise all_of(unusable)

    first_page = meeting.meeting.first_page
    duplex = is_duplex(ctx, meeting)
    carried = [e for e in entries if e.item.embargo_until]
    embargo = max(e.item.embargo_until for e in carried) if carried else None
    blank = ctx.blank(meeting) if duplex else None
    # The front sheet is not numbered (the Modern.Gov convention): the papers' numbers start at
    # `first_page` whatever its length, so the ranges it lists are known before it is laid out.
    placed, lead = pack.spans([e.pages for e in entries], first_page, duplex)
    for entry, span in zip(entries, placed):
        entry.first, entry.blank_after = span.first, span.blank_after
    front = ctx.front(meeting, front_rows(meeting, entries), members,
                      embargo if meeting.meeting.pack.value == "supplementary" else None)
    front_done = yield [front, blank] if blank else [front]
    done = {**done, **front_done}

    outputs = []
    kind = "Members' pack (NOT FOR PUBLICATION)" if members else (
        "supplementary agenda pack" if meeting.meeting.pack.value == "supplementary" else "agenda pack")
    created = meeting_dated(ctx.corpus, meeting.id)
    council = ctx.council_of(meeting.council_id, ctx.pack_day(meeting))
    if "pack" in wanted:
        front_title = "Covering letter" if meeting.meeting.pack.value == "supplementary" else "Agenda"
        pieces = [pack.Piece(done[front.key].data, outline=(front_title,),
                             numbered=False, keep_bookmarks=False, label=front.job.label,
                             title=front.title, repaired=True)]
        blank_piece = None
        if blank:
            blank_piece = pack.Piece(done[blank.key].data, keep_bookmarks=False, label=blank.job.label,
                                     title=blank.title, repaired=True)
            pieces += [replace(blank_piece, numbered=False)] * pack.front_blanks(
                done[front.key].pages, first_page, duplex) + [blank_piece] * lead
        for entry in entries:
            pieces += _pieces(entry, done, in_pack=True) + [blank_piece] * entry.blank_after
        meta = pack.Metadata(pack_title(meeting, council.name, kind, council.date_style), lang, council.name,
                             created=created)
        outputs.append((wanted["pack"], _assemble(ctx, meeting, pieces, meta, first_page)))
    for entry in entries:
        if entry.path and entry.path in wanted:
            meta = pack.Metadata(pack_title(meeting, council.name, entry.title, council.date_style), lang,
                                 council.name, created=created)
            outputs.append((wanted[entry.path],
                            _assemble(ctx, meeting, _pieces(entry, done, in_pack=False), meta, entry.first)))
    return outputs


def is_duplex(ctx: PaperContext, meeting: MeetingView) -> bool:
    """Printed double-sided: the meeting's `duplex`, else its council's."""
    if meeting.meeting.duplex is not None:
        return meeting.meeting.duplex
    return ctx.council_of(meeting.council_id, ctx.pack_day(meeting)).duplex


def _assemble(ctx: PaperContext, meeting: MeetingView, pieces: list[pack.Piece], meta: pack.Metadata,
              first_page: int | None) -> bytes:
    try:
        return pack.assemble(pieces, meta, first_page=first_page or 1, draft=ctx.plan.preview)
    except pack.UnusablePieces as exc:          # inserted PDFs that cannot be used (unreadable, encrypted, malformed)
        raise all_of([PaperError(meeting.path, str(problem), pack.reprint_hint(problem))
                      for problem in exc.problems]) from None
    except ValueError as exc:
        raise PaperError(meeting.path, str(exc), pack.reprint_hint(exc)) from None


def recipes_for(ctx: PaperContext, outputs: Iterable[Output]) -> list[Recipe]:
    recipes, meetings = [], {}
    for output in outputs:
        match = PACK_PATH.match(output.path) if output.kind == "pack" else None
        if match:
            wanted = meetings.setdefault(match["mid"], {})
            wanted["pack" if not match["item"] else output.path] = output.path
        elif output.kind == "pdf" and output.template in PAPER_KINDS:
            recipes.append(paper_recipe(ctx, output))
        else:
            raise ValueError(f"no PDF renderer for {output.path} ({output.kind}, {output.template})")
    for mid, wanted in meetings.items():
        recipes.append(pack_recipe(ctx, mid, wanted))
    return recipes


# --- running jobs: in this process, or in a pool of workers ------------------------------------------

@dataclass
class Task:
    key: str
    label: str
    function: Callable
    argument: Any


def _outcome(task: Task, result):
    """A task's result: what it made, or the PaperError naming why its record cannot be laid out
    (a result, so the build goes on to name every such record); any other failure is a bug."""
    status, value = result
    if status in ("ok", "error"):
        return value
    raise RuntimeError(f"rendering {task.label} failed: {value}")


class SerialRunner:
    """Runs each task at once, in this process (-j 1, or a single document)."""

    def __init__(self) -> None:
        self.ready: list[tuple[str, Any]] = []
        self.initialised = False          # on the first task: a build whose layouts are all cached needs none

    def submit(self, task: Task) -> None:
        if not self.initialised:
            paper_worker.init()
            self.initialised = True
        self.ready.append((task.key, _outcome(task, paper_worker.task(task.key, task.function, task.argument))))

    def completed(self) -> list[tuple[str, Any]]:
        ready, self.ready = self.ready, []
        return ready

    def close(self) -> None:
        pass


class PoolRunner:
    """Worker processes, each sent one task at a time down a pipe of its own (forkserver: workers
    start from a process that has WeasyPrint imported). Nothing is shared between workers and no
    thread runs beside the build, so a worker stopped midway (Ctrl-C, a crash, a hang) leaves
    nothing half-written that another result would be read after, and nothing left to wait for."""

    def __init__(self, workers: int, stall_seconds: float = STALL_SECONDS) -> None:
        self.start_method = self.context()
        self.warm_up()                  # a no-op once the server runs
        self.size = workers
        self.stall = stall_seconds
        self.workers: list[Worker] = []
        self.idle: list[Worker] = []
        self.busy: dict[Connection, tuple[Worker, Task]] = {}
        self.waiting: deque[Task] = deque()

    @staticmethod
    def context():
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if context.get_start_method() == "forkserver":
            # Workers fork from a server that has WeasyPrint imported already, rather than each importing it.
            context.set_forkserver_preload(["generator.render.pdf", "generator.render.paper_worker"])
        return context

    @classmethod
    def warm_up(cls) -> None:
        """Start the fork server now: it imports WeasyPrint while this process writes the HTML.
        The server, and so each worker, starts with Ctrl-C ignored (a server interrupted while
        importing printed its traceback): the build stops them itself. A Ctrl-C meanwhile waits."""
        if cls.context().get_start_method() != "forkserver":
            return
        from multiprocessing import forkserver
        if threading.current_thread() is not threading.main_thread():      # only it may set handlers
            forkserver.ensure_running()
            return
        # Ctrl-C alone, not SIGTERM too (`stop_signals_held`): the server keeps the mask it starts
        # with, and SIGTERM must still end it.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        handler = signal.signal(signal.SIGINT, signal.SIG_IGN)      # inherited by the started server
        try:
            forkserver.ensure_running()
        finally:
            signal.signal(signal.SIGINT, signal.SIG_DFL if handler is None else handler)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _start_worker(self) -> Worker:
        ours, theirs = self.start_method.Pipe()
        process = self.start_method.Process(target=paper_worker.serve, args=(theirs,), daemon=True)
        # Ctrl-C (or SIGTERM) in the middle of start() left a worker this runner never knew of, which
        # then read what the stopped build had removed and printed a FileNotFoundError traceback.
        with stop_signals_held():
            process.start()
            worker = Worker(process, ours)
            self.workers.append(worker)
        theirs.close()
        return worker

    def submit(self, task: Task) -> None:
        self.waiting.append(task)
        self._hand_out()

    def _hand_out(self) -> None:
        while self.waiting and (self.idle or len(self.workers) < self.size):
            worker = self.idle.pop() if self.idle else self._start_worker()
            task = self.waiting.popleft()
            self.busy[worker.connection] = (worker, task)
            try:
                worker.connection.send((task.key, task.function, task.argument))
            except OSError:
                pass                    # it died: completed() finds its pipe closed and names the task

    def completed(self) -> list[tuple[str, Any]]:
        if not self.busy:
            return []
        ready = wait(list(self.busy), timeout=self.stall)
        if not ready:
            self._fail("stopped making progress for {:.0f} seconds".format(self.stall), list(self.busy.values()))
        out = []
        for connection in ready:
            worker, task = self.busy[connection]
            try:
                result = connection.recv()
            except (EOFError, OSError):
                self._fail("stopped unexpectedly (it crashed or was killed)", [(worker, task)])
            del self.busy[connection]
            self.idle.append(worker)
            out.append((task.key, _outcome(task, result)))
        self._hand_out()
        return out

    def _fail(self, what: str, suspects: list[tuple[Worker, Task]]) -> None:
        labels = [task.label for _, task in suspects]
        self.close()
        names = labels[0] if len(labels) == 1 else "one of: " + "; ".join(labels)
        raise PdfWorkerError(names, f"a PDF worker {what} while rendering {names}")

    def close(self) -> None:
        """Stop every worker and wait for it: a busy one (a failure, or Ctrl-C) is terminated
        before the pipes close, so none writes to a closed pipe; an idle one ends at its pipe's end."""
        for worker, _ in self.busy.values():
            if worker.process.is_alive():
                worker.process.terminate()
        for worker in self.workers:
            worker.connection.close()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
        self.workers, self.idle, self.busy = [], [], {}


@dataclass(frozen=True)
class Worker:
    process: Any                      # a multiprocessing Process
    connection: Connection            # this process's end of the worker's pipe


def drive(recipes: list[Recipe], jobs: int, progress: Callable[[str, int, int], None] | None = None,
          cache: DocumentCache | None = None, reuse: bool = True) -> Iterator[tuple[str, bytes]]:
    """Advance every recipe as the documents it needs are laid out (or found in `cache`);
    yield finished outputs. A recipe that stops with a PaperError (an appendix that cannot be
    used), or needs a document that cannot be laid out, lets the others go on, and the errors of
    all are raised together at the end."""
    results: dict[str, Any] = {}
    unmade: dict[str, PaperError] = {}        # documents that cannot be laid out, by key
    submitted: set[str] = set()
    waiting: list[tuple[Recipe, list[Doc]]] = []
    first_needs: list[tuple[Recipe, list[Doc] | None]] = []
    failed: list[PaperError] = []
    for recipe in recipes:
        try:
            first_needs.append((recipe, next(recipe)))
        except StopIteration as stop:
            yield from stop.value
        except (PaperError, PaperErrors) as exc:
            failed.extend(exc.errors if isinstance(exc, PaperErrors) else [exc])
    distinct = {d.key for _, needs in first_needs for d in needs or ()}
    if cache is not None and reuse:
        for key in distinct:
            found = cache.get(key)
            if found is not None:
                results[key] = found
        distinct -= set(results)
    workers = min(default_jobs(jobs), max(len(distinct), 1))
    if workers > 1:
        check_fonts()
    runner = PoolRunner(workers) if workers > 1 else SerialRunner()
    total = [0]

    def need(recipe: Recipe, docs: list[Doc]) -> None:
        for doc in docs:
            if doc.key in results or doc.key in submitted or doc.key in unmade:
                continue
            found = cache.get(doc.key) if cache is not None and reuse else None
            if found is not None:
                results[doc.key] = found
            else:
                submitted.add(doc.key)
                total[0] += 1
                runner.submit(Task(doc.key, doc.job.label, paper_worker.render, doc.job))
        waiting.append((recipe, docs))

    try:
        for recipe, docs in first_needs:
            need(recipe, docs)
        while waiting:
            progressed = False
            for recipe, docs in list(waiting):
                if any(d.key in unmade for d in docs):
                    waiting.remove((recipe, docs))
                    progressed = True
                    recipe.close()
                    failed.extend(unmade[d.key] for d in docs if d.key in unmade)
                elif all(d.key in results for d in docs):
                    waiting.remove((recipe, docs))
                    progressed = True
                    try:
                        more = recipe.send({d.key: results[d.key] for d in docs})
                    except StopIteration as stop:
                        yield from stop.value
                        continue
                    except (PaperError, PaperErrors) as exc:
                        failed.extend(exc.errors if isinstance(exc, PaperErrors) else [exc])
                        continue
                    need(recipe, more)
            if progressed:
                continue
            finished = runner.completed()
            if not finished:
                raise RuntimeError("PDF rendering is waiting for documents nobody is rendering")
            for key, rendered in finished:
                if isinstance(rendered, PaperError):
                    unmade[key] = rendered
                    continue
                results[key] = rendered
                if cache is not None:
                    cache.put(rendered)
            if progress:
                progress("pdf", len(results) + len(unmade), total[0])
    finally:
        runner.close()
        for recipe, _ in waiting:
            recipe.close()
    if failed:
        raise all_of(failed)


def render_pdfs(root: Path, plan: Plan, templates: Mapping[str, Template], outputs: Iterable[Output], jobs: int = 0,
                progress: Callable[[str, int, int], None] | None = None, reuse_layouts: bool = True
                ) -> Iterator[tuple[str, bytes]]:
    """Every planned PDF output in `outputs`, as (relative path, bytes), in the order they finish.
    With `reuse_layouts` false, every document is laid out afresh (and the cache refreshed)."""
    outputs = list(outputs)
    if default_jobs(jobs) > 1 and (len(outputs) > 1 or any(o.kind == "pack" for o in outputs)):
        PoolRunner.warm_up()
    ctx = PaperContext(root, plan, templates)
    # Files a document may embed by reference (images): Markdown attachments are in its HTML.
    embeddable = (a.digest for a in plan.corpus.attachments.values() if a.raw is not None)
    cache = DocumentCache(ctx.cache_dir / "documents", layout_digest(embeddable))
    yield from drive(recipes_for(ctx, outputs), jobs, progress, cache, reuse=reuse_layouts)
    cache.prune()


# --- one paper or pack on demand (scrutiny paper / scrutiny pack) ---------------------------------------

def render_output(root: Path, plan: Plan, templates: Mapping[str, Template], output: Output, jobs: int = 0,
                  reuse_layouts: bool = True) -> bytes:
    """One planned output (a paper or a public pack) as bytes."""
    with closing(render_pdfs(root, plan, templates, [output], jobs=jobs, reuse_layouts=reuse_layouts)) as rendered:
        for _, data in rendered:
            return data
    raise ValueError(f"nothing rendered for {output.path}")


def render_members_pack(root: Path, plan: Plan, templates: Mapping[str, Template], meeting_id: str,
                        attachments: Mapping[str, AttachmentView], jobs: int = 0) -> bytes:
    """The members' pack: exempt appendices included (from `attachments`, every file the site
    has: the public corpus has none of them), each page marked NOT FOR PUBLICATION.

    Only for output/confidential/: never planned, so it can never reach the site."""
    ctx = PaperContext(root, plan, templates, attachments)
    with closing(drive([pack_recipe(ctx, meeting_id, {"pack": "members"}, members=True)], jobs)) as rendered:
        for _, data in rendered:
            return data
    raise ValueError(f"nothing rendered for {meeting_id}")

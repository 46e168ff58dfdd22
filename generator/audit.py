"""Publication audit: what each output file contains, and whether anything withheld leaked.

It reads an output folder as a stranger would (search-index files opened, PDFs read as
text) and looks for the fingerprints of everything that must not be public at the audit
moment: draft and embargoed records (their ids, their titles, their sentences, the images only they show)
and exempt appendices' attachments. It trusts nothing the build wrote about itself.
"""

from __future__ import annotations

import base64
import bz2
import csv
import gzip
import hashlib
import html
import io
import json
import lzma
import os
import re
import urllib.parse
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from generator.figures import number_text
from generator.images import image_paths, shown_images
from generator.load.files import RECORD_FOLDERS
from generator.model import ActionPlan
from generator.model.framework import period_label
from generator.model.council import NOTICE_FIELDS, PaperStyle
from generator.model.indicators import INDICATOR_NAMES
from generator.model.meeting import Meeting
from generator.model.report import ReportFrontMatter
from generator.plan.outputs import Plan
from generator.plan.publication import inspection_texts, meeting_notices, page_texts, public_papers
from generator.render.html import BANNER_STYLE, DRAFT_BANNER, DRAFT_TITLE, NOINDEX
from generator.render.pages import recommendation_lead_ins
from generator.resolve.corpus import AttachmentView, Corpus, InspectionView, ReportView
from generator.write import spare_path
from generator.write.manifest import manifest_path

MIN_SENTENCE = 32      # shorter fragments ("Good", "The Board") are too common to mean a leak


@dataclass(frozen=True)
class Leak:
    file: str
    record: str           # kind:id or attachment path
    reason: str           # why it must not be there
    evidence: str         # the text found
    also_in: str | None = None    # a public record whose own text has the same words: shared wording, or a leak


@dataclass(frozen=True)
class PreviewMark:
    file: str
    mark: str             # which of the renderer's preview marks
    evidence: str         # the text found


@dataclass(frozen=True)
class AuditResult:
    files: dict[str, tuple[str, ...]]     # output file -> records it contains
    leaks: tuple[Leak, ...]
    unread: tuple[tuple[str, str], ...] = ()     # (file, why): what in it the audit could not open
    unknown: tuple[Leak, ...] = ()    # files naming a record with errors: whether it may be public is not known
    previews: tuple[PreviewMark, ...] = ()    # files of a preview (drafts or a rehearsal) in a folder audited as live


_MOMENT = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(?: GMT| BST)?"      # `clock.london_moment`

# The marks a preview's files carry and the live site's never do, exactly as the renderer writes
# them (render.html.with_marks, render.data.inspections_json and feed_xml): a council's own
# template may say "preview", but not these. Each one's group 1 is what a report quotes.
PREVIEW_MARKS = (
    ("the PREVIEW banner of a rehearsal (build --as-of)",
     re.compile(re.escape(f'<div class="draft-banner" role="note" style="{BANNER_STYLE}"><strong>')
                + f"(PREVIEW as at {_MOMENT})")),
    ("the DRAFT banner of a drafts preview (build --drafts)",
     re.compile(re.escape(DRAFT_BANNER).replace(re.escape("DRAFT — not for publication."),
                                                "(" + re.escape("DRAFT — not for publication.") + ")", 1))),
    ("a preview's title", re.compile(rf"<title\b[^>]*>({re.escape(DRAFT_TITLE)}|PREVIEW as at {_MOMENT}, not the live site: )")),
    ("the `preview` field of a rehearsal's data file", re.compile(r'("preview"\s*:\s*\{\s*"as_at"\s*:)')),
    ("a rehearsal's feed id", re.compile(r"(tag:scrutiny,2021:preview-\d{4}-)")),
    # Words alone: a search index keeps a page's text without its tags.
    ("a preview's banner words", re.compile(rf"(PREVIEW as at {_MOMENT})(?:</strong>)? ?(?:\([^()<>]*\))?, not the live site"
                                            r"|(DRAFT — not for publication\.)(?:</strong>)? This is a preview that includes draft records")),
)
NOINDEX_MARK = ("the noindex meta a preview's pages carry", re.compile(f"({re.escape(NOINDEX)})"))


def preview_mark(text: str, noindex_is_live: bool = False) -> tuple[str, str] | None:
    """The first preview mark in a file's text (what it is, the text found), or None;
    `noindex_is_live`: the site's own templates write noindex, so it is no preview's mark there."""
    for what, pattern in (*PREVIEW_MARKS, *(() if noindex_is_live else (NOINDEX_MARK,))):
        if found := pattern.search(text):
            return what, next(group for group in found.groups() if group)
    return None


MAX_DEPTH = 4          # a file packed inside a file more deeply than this is not opened (a zip bomb)

# Packed in a way the audit cannot open: said so, never read as if it held nothing.
_CANNOT_OPEN = {b"\x28\xb5\x2f\xfd": "zstd", b"7z\xbc\xaf": "7-Zip", b"Rar!": "RAR"}


def _readable(data: bytes, name: str = "", unread: list[str] | None = None, depth: int = 0) -> str:
    """A file's text as a reader would get it: unpacked (gzip, zlib, bzip2, xz, brotli, a
    zip's files, nested too), a PDF's text (by its bytes, whatever its name), UTF-16 with or
    without a byte-order mark, text not in UTF-8 as Windows-1252. What cannot be opened (or
    read for sure) is added to `unread`, with why."""
    unread = [] if unread is None else unread
    if depth > MAX_DEPTH:
        unread.append(f"packed more than {MAX_DEPTH} deep")
        return ""
    inner = _unpacked(data, name, unread)
    if inner is not None:
        return "\n".join(_readable(part, part_name, unread, depth + 1) for part_name, part in inner)
    if data[:5] == b"%PDF-":
        return _pdf_text(data, unread, depth)
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    if order := _utf16_order(data):
        return data.decode(order, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        as_utf8 = data.decode("utf-8", errors="replace")
    if _CONTROL_BYTES.search(data):          # not text (an image, a font, an index): what UTF-8 makes of it
        return as_utf8
    # A site's text is UTF-8: another encoding is read as Windows-1252 (what Word and Excel
    # save), and said, since in another its letters beyond ASCII were not read right.
    unread.append("text that is not UTF-8: read as Windows-1252 too, but in any other encoding its letters "
                  "beyond A-Z were not")
    return as_utf8 + "\n" + data.decode("cp1252", errors="replace")


_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")


def _utf16_order(data: bytes) -> str | None:
    """The codec of text in UTF-16 without a byte-order mark (mostly ASCII, so one byte of
    each two is zero, always the same one), or None."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 8 or len(data) % 2:
        return None
    zero_first, zero_second = sample[0::2].count(0), sample[1::2].count(0)
    if zero_second > 0.6 * pairs and zero_first < 0.05 * pairs:
        return "utf-16-le"
    if zero_first > 0.6 * pairs and zero_second < 0.05 * pairs:
        return "utf-16-be"
    return None


def _unpacked(data: bytes, name: str, unread: list[str]) -> list[tuple[str, bytes]] | None:
    """The files packed in `data` (name, bytes), or None when it is not packed."""
    if data[:2] == b"\x1f\x8b":
        opened, rest = [], data
        while rest[:2] == b"\x1f\x8b":           # a gzip file may be several streams one after another
            stream = zlib.decompressobj(wbits=31)
            try:
                opened.append(stream.decompress(rest))
            except zlib.error as exc:
                unread.append(f"a gzip stream that does not open ({exc})")
                return [(name, data)] if not opened else [(name, b"".join(opened))]
            if not stream.eof:
                unread.append("a gzip stream cut short: read as far as it goes")
            rest = stream.unused_data
        return [(name.removesuffix(".gz"), b"".join(opened))]
    if data[:1] == b"\x78":
        try:
            return [(name, zlib.decompress(data))]
        except zlib.error:
            return None                                   # text that starts with 'x'
    for magic, packed, opener in ((b"BZh", "bzip2", bz2.decompress), (b"\xfd7zXZ\x00", "xz", lzma.decompress)):
        if data.startswith(magic):
            try:
                return [(name, opener(data))]
            except (OSError, EOFError, ValueError, lzma.LZMAError) as exc:
                unread.append(f"{packed} that does not open ({exc})")
                return [(name, data)]
    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return [(member.filename, archive.read(member)) for member in archive.infolist() if not member.is_dir()]
        except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError, zlib.error) as exc:
            unread.append(f"a zip file that does not open ({exc})")
            return [(name, data)]
    if name.endswith(".br"):
        try:
            import brotli
            return [(name.removesuffix(".br"), brotli.decompress(data))]
        except ImportError:
            unread.append("brotli-compressed, and no brotli module is installed to open it")
        except brotli.error as exc:
            unread.append(f"brotli that does not open ({exc})")
        return None
    for magic, packed in _CANNOT_OPEN.items():
        if data.startswith(magic):
            unread.append(f"packed as {packed}, which the audit cannot open")
            return None
    return None


def _values(path: Path, text: str) -> list[str]:
    """A data file's values as they read (JSON escapes a quote mark, CSV doubles one)."""
    try:
        if path.suffix == ".json":
            return list(_strings(json.loads(text)))
        if path.suffix == ".csv":
            return [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    except (ValueError, RecursionError, csv.Error):
        pass                           # not data after all: its text is read as it is
    return []


def _pdf_text(data: bytes, unread: list[str] | None = None, depth: int = 0) -> str:
    """A PDF's text as a reader gets it: its pages, document information and XMP metadata,
    bookmarks, links, annotations' words and the files attached to it."""
    try:
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")                   # a PDF anyone can open has an empty password
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        metadata = "\n".join(str(value) for value in (reader.metadata or {}).values())
        xmp = reader.root_object.get("/Metadata")
        xmp_text = xmp.get_object().get_data().decode("utf-8", errors="replace") if xmp is not None else ""
        attached = [_readable(part, name, unread, depth + 1)
                    for name, parts in reader.attachments.items() for part in parts]
        return "\n".join([metadata, xmp_text, text, *_outline_titles(reader.outline), *_link_targets(reader),
                          *_annotation_words(reader), *attached])
    except Exception as exc:          # an unreadable PDF is itself worth reporting, with its bytes as text
        if unread is not None:
            unread.append(f"a PDF that does not open ({exc})")
        return f"<unreadable PDF: {exc}>\n" + data.decode("utf-8", errors="replace")


def _annotation_words(reader) -> Iterator[str]:
    """What a PDF's notes and text boxes say."""
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            words = annotation.get_object().get("/Contents")
            if words:
                yield str(words)


def _outline_titles(outline: list) -> Iterator[str]:
    """A PDF's bookmarks, nested ones too."""
    for entry in outline:
        if isinstance(entry, list):
            yield from _outline_titles(entry)
        else:
            yield str(getattr(entry, "title", ""))


def _link_targets(reader) -> Iterator[str]:
    """Where a PDF's links lead (its link annotations' addresses)."""
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            if "/URI" in action:
                yield str(action["/URI"])


_JSON_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})*|[\"\\/'bfnrt])")
_SHORT_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "'": "'", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _json_unescaped(text: str) -> str:
    """JSON's (and a script's) string escapes as the characters they stand for: `\\u2019` is
    '’', `\\u0027` is "'" (Jinja's tojson writes it so), `\\/` is '/'."""
    def character(found: re.Match) -> str:
        escape = found.group(0)
        if escape[1] != "u":
            return _SHORT_ESCAPES[escape[1]]
        units = "".join(chr(int(code, 16)) for code in re.findall(r"[0-9a-fA-F]{4}", escape))
        return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")   # a run of them: an emoji is two
    return _JSON_ESCAPE.sub(character, text)


def _normalise(text: str) -> str:
    """Spaces as one, and the hyphens a typesetter may use (U+2010, U+2011) as '-'."""
    return re.sub(r"\s+", " ", text.replace("\u2010", "-").replace("\u2011", "-"))


def _plain(text: str) -> str:
    """Markdown as it reads on a page: no emphasis, heading or quote marks, links without targets."""
    return _normalise(re.sub(r"[*_`#>\[\]]", "", re.sub(r"\]\([^)]*\)", "]", text)))


_IMAGE = re.compile(r"""!\[([^\]]*)\]\(\s*<?[^\s)>]*>?(?:\s+["'(]([^"')]*)["')])?\s*\)""")   # ![alt](src "title")


def _sentences(*texts: str | None, shown_anyway: str = "") -> list[str]:
    """The sentences of `texts` long enough to mean a leak (up to 120 characters of each),
    but none that `shown_anyway` (casefolded) holds whole: the theme says it on public pages anyway."""
    found = []
    for text in texts:
        # An image's alt text and title are a page's alt="..." and title="...", apart from the words around it.
        text = "\n".join([_IMAGE.sub("", text or ""), *(words for image in _IMAGE.findall(text or "")
                                                         for words in image if words)])
        for part in re.split(r"(?<=[.!?])\s+|\n+|\|", text):       # a table's cells one by one
            part = _plain(part).strip()
            if len(part) >= MIN_SENTENCE and part.casefold() not in shown_anyway:
                found.append(part[:120] if part[:120].casefold() not in shown_anyway else part[-120:])
    return found


def _report_texts(view: ReportView) -> list[str | None]:
    """A report's words as its page shows them: its body and the recommendations it puts to the meeting."""
    recommendations = view.front.recommendations
    return [view.body, *recommendations.for_decision, *recommendations.for_noting]


def _addressees(view: InspectionView) -> list[str | None]:
    """Whom an inspection's recommendations are to, as its page heads them ("... should:")."""
    return list(dict.fromkeys(recommendation.to for recommendation in view.recommendations))


def _fact_rows(view: InspectionView) -> list[str]:
    """An inspection's facts as its page and paper print them, a label then its value (a bare
    name or number is on many pages): `Lead inspector Maria Jerram`, and each contextual fact's
    row with its year (`Total population 136,264 2019`, templates inspection.html, paper_inspection.html)."""
    model = view.inspection
    rows = [f"Lead inspector {model.lead_inspector}"] if model.lead_inspector else []
    rows += [f"{fact.label or key.replace('_', ' ').capitalize()} {number_text(fact.value)}{fact.unit or ''} "
             f"{fact.year or 'not recorded'}" for key, fact in model.facts.items()]
    return [_normalise(row) for row in rows]


def _front_matter_texts(front: ReportFrontMatter) -> list[str | None]:
    """A report's own words its front sheet or heading block prints besides its recommendations:
    whom it is from ("Report of the ..."), its lead-ins to them, and notes on where it was considered."""
    recommendations = front.recommendations
    return [front.report_of, recommendations.lead_in, recommendations.noting_lead_in,
            *(considered.note for considered in front.considered_by)]


def front_matter_shown(public: Corpus) -> str:
    """What public reports print of that set wording (casefolded, as `shown_anyway`): their own,
    and the house lead-ins they print in either paper style (`render.pages.recommendation_lead_ins`)."""
    texts = [text for view in public.reports.values() for text in _front_matter_texts(view.front)]
    texts += [lead_in for view in public.reports.values() for style in PaperStyle
              for lead_in, _ in recommendation_lead_ins(view.front, style)]
    return "\n".join(_plain(text) for text in texts if text).casefold()


def _plan_texts(plan: ActionPlan) -> list[str | None]:
    """A plan's words as its page and paper show them: its title, roles, actions and updates."""
    return [plan.title, *_plan_roles(plan), *_plan_words(plan)]


def _plan_words(plan: ActionPlan) -> list[str | None]:
    """A plan's own words: its actions, how, outcomes and updates."""
    return [*[text for a in plan.actions for text in (a.action, a.how, a.outcome)],
            *[u.note for a in plan.actions for u in a.updates]]


def _plan_roles(plan: ActionPlan) -> list[str | None]:
    """Who a plan's paper says owns it and each action, and with what ("Police officers
    seconded to the team", "Analyst time"): wording plans of other services share."""
    return [plan.owner, *[text for a in plan.actions for text in (a.who, a.resources)]]


def _agenda_texts(meeting: Meeting) -> list[str | None]:
    """A meeting's words its page and front sheet show besides its note: its own notices to the
    public and its items' titles, descriptions and appendices' titles."""
    return [meeting.recording_notice, meeting.public_participation,
            *(text for item in meeting.items for text in (item.title, item.description)),
            *(appendix.title for item in meeting.items for appendix in item.appendices)]


def agendas_shown(public: Corpus) -> str:
    """What public agendas print (casefolded, as `shown_anyway`): their notices, every council's
    wording of them on any day, and their items' titles, descriptions and appendices' titles."""
    texts = [text for view in public.meetings.values() for _, text in meeting_notices(public, view)]
    texts += [text for view in public.meetings.values() for item in view.items
              for text in (item.title, item.description, *(appendix.title for appendix in item.appendices))]
    texts += [getattr(details, name) for view in public.councils.values()
              for details in (view.record, *view.record.changes) for name in NOTICE_FIELDS]
    return "\n".join(_plain(text) for text in texts if text).casefold()


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _public_files(public: Corpus) -> set[str]:
    return {path for meeting in public.meetings.values() for item in meeting.items for path in public_papers(item)}


def _words(attachment: AttachmentView) -> str:
    return attachment.text if attachment.text is not None else _pdf_text(attachment.raw or b"")


def shown_anyway(public: Corpus, theme_templates: Iterable[str]) -> str:
    """The text the product itself puts on public pages, whatever is withheld: its theme's
    templates and the frameworks. A record that quotes the about page leaks nothing by it.
    (The site's own templates and records are written by people, and are where a leak
    would be typed: what they share with a withheld record is reported, see `shared_with`.)"""
    texts = [html.unescape(source) for source in theme_templates]
    texts += [text for framework in public.frameworks.values() for text in _strings(framework.model_dump())]
    return "\n".join(_plain(text) for text in texts if text).casefold()      # as the audit compares: any case


def shared_with(sources: list[tuple[str, list[str | None]]]) -> dict[str, str]:
    """sentence (casefolded) -> the public record (kind:id, or attachment:path) whose own text
    has it (`public_sources`): a withheld record's sentence found on a public page may be wording the two share."""
    owners: dict[str, str] = {}
    for owner, texts in sources:
        for sentence in _sentences(*texts):
            owners.setdefault(sentence.casefold(), owner)
    return owners


def owner_holding(sentence: str, plain_sources: list[tuple[str, str]]) -> str | None:
    """The first public record whose text (`plain_sources`: owner, its text `_plain` and casefolded)
    holds `sentence` (casefolded) within a longer sentence of its own ("At the same time, <it>")."""
    return next((owner for owner, text in plain_sources if sentence in text), None)


def public_sources(public: Corpus) -> list[tuple[str, list[str | None]]]:
    """(kind:id or attachment:path, its own texts) of each public record and paper."""
    sources = [(f"inspection:{iid}", inspection_texts(view)) for iid, view in public.inspections.items()]
    sources += [(f"action_plan:{pid}", _plan_texts(view.plan)) for pid, view in public.action_plans.items()]
    sources += [(f"report:{rid}", _report_texts(view)) for rid, view in public.reports.items()]
    sources += [(f"meeting:{mid}", [view.meeting.note]) for mid, view in public.meetings.items()]
    sources += [(f"attachment:{ref}", [public.attachments[ref].text]) for ref in sorted(_public_files(public))
                if ref in public.attachments and public.attachments[ref].text]
    return sources


def _texts_shown(corpus: Corpus) -> Iterator[str | None]:
    """Every text of a corpus that pages or papers may show, Markdown and all."""
    yield from page_texts(corpus)
    yield from (attachment.text for attachment in corpus.attachments.values())


def _logos(corpus: Corpus) -> set[str]:
    """Every logo a council's record names: today's on pages, an earlier one in papers issued then."""
    return {logo for view in corpus.councils.values()
            for logo in (view.record.logo, *(change.logo for change in view.record.changes)) if logo}


def _images_named(corpus: Corpus) -> set[str]:
    """The images under content/attachments/ a corpus's texts name, drawn or not (and its
    councils' logos): of a withheld text, every one it may show."""
    return {path for text in _texts_shown(corpus) for path in image_paths(text)} | _logos(corpus)


def _images_shown(corpus: Corpus) -> set[str]:
    """The images under content/attachments/ a corpus's texts draw (and its councils' logos):
    of the public corpus, those its pages and papers may carry (`plan.publication.images_on_pages`)."""
    return {path for text in _texts_shown(corpus) for path in shown_images(text)} | _logos(corpus)


def _digests(attachment: AttachmentView) -> tuple[str, str]:
    """A file's bytes as read and as published (an SVG is published sanitised)."""
    return attachment.digest, hashlib.sha256(attachment.raw or b"").hexdigest()


def _file_name(path: str) -> str:
    """`attachments/staffing-annex.md` -> `staffing-annex`."""
    return path.rsplit("/", 1)[-1].rsplit(".", 1)[0]


def _title(full: Corpus, kind: str, record_id: str) -> str | None:
    """The name a page would give a withheld record."""
    if kind == "inspection" and record_id in full.inspections:
        return full.inspections[record_id].title
    if kind == "action_plan" and record_id in full.action_plans:
        return full.action_plans[record_id].plan.title
    if kind == "report" and record_id in full.reports:
        return full.reports[record_id].front.title
    if kind == "meeting" and record_id in full.meetings:
        return full.meetings[record_id].title
    return None


def _public_titles(public: Corpus) -> set[str]:
    """Every public record's title and agenda item's title, casefolded: an agenda item keeps its
    title when its cover report is withheld ("To Follow")."""
    return {title.casefold() for title in (
        *(v.title for v in public.inspections.values()), *(v.plan.title for v in public.action_plans.values()),
        *(v.front.title for v in public.reports.values()), *(v.title for v in public.meetings.values()),
        *(item.title for v in public.meetings.values() for item in v.items))}


def fingerprints(full: Corpus, public_plan: Plan, public_text: str = "", withheld_images: Iterable[str] = ()
                 ) -> dict[str, tuple[str, list[str]]]:
    """record -> (reason, strings that must not appear) for everything withheld or exempt;
    `public_text`: what public pages may show anyway (`shown_anyway`); `withheld_images`: the
    images only withheld or exempt texts show."""
    marks: dict[str, tuple[str, list[str]]] = {}
    public = public_plan.corpus
    public_titles = _public_titles(public)
    public_agendas = "\n".join([agendas_shown(public), *public_titles])   # a report's title is its item's too
    public_fronts = public_text + "\n" + front_matter_shown(public)
    public_addressees = "\n".join([public_text, *(_plain(to).casefold() for view in public.inspections.values()
                                                  for to in _addressees(view) if to)])
    public_facts = {row.casefold() for view in public.inspections.values() for row in _fact_rows(view)}
    public_roles = "\n".join([public_text, *(_plain(role).casefold() for view in public.action_plans.values()
                                              for role in _plan_roles(view.plan) if role)])
    for item in public_plan.withheld:
        if item.is_item:
            continue                  # an agenda item's papers are fingerprinted below, as files
        key = f"{item.kind}:{item.id}"
        strings = []                          # its id is looked for as a pattern (`_id_pattern`)
        title = _title(full, item.kind, item.id)
        # A public title holding it ("Minutes" in "Minutes of the last meeting") is no leak.
        if title and not any(title.casefold() in shown for shown in public_titles) \
                and _plain(title).casefold() not in public_text:
            strings.append(_normalise(title))
        if item.kind == "inspection" and item.id in full.inspections:
            inspection = full.inspections[item.id]
            strings += _sentences(*inspection_texts(inspection), shown_anyway=public_text)
            # Addressees and facts are what inspections of other services share: a public one's is no leak.
            strings += _sentences(*_addressees(inspection), shown_anyway=public_addressees)
            strings += [row for row in _fact_rows(inspection) if row.casefold() not in public_facts]
        elif item.kind == "action_plan" and item.id in full.action_plans:
            plan = full.action_plans[item.id].plan
            strings += _sentences(*_plan_words(plan), shown_anyway=public_text)    # its title is above
            # Owners, who and resources are roles plans of other services share: a public plan's is no leak.
            strings += _sentences(*_plan_roles(plan), shown_anyway=public_roles)
        elif item.kind == "report" and item.id in full.reports:
            strings += _sentences(*_report_texts(full.reports[item.id]), shown_anyway=public_text)
            # A lead-in or "Report of the ..." is wording a council's reports repeat: a public one's is no leak.
            strings += _sentences(*_front_matter_texts(full.reports[item.id].front), shown_anyway=public_fronts)
        elif item.kind == "meeting" and item.id in full.meetings:
            meeting = full.meetings[item.id].meeting
            strings += _sentences(meeting.note, shown_anyway=public_text)
            # Notices and items are set wording each agenda repeats: what a public one prints is no leak.
            strings += _sentences(*_agenda_texts(meeting), shown_anyway=public_text + "\n" + public_agendas)
        marks[key] = (item.reason, strings)
    public_attachments = _public_files(public)
    for meeting in full.meetings.values():
        for agenda_item in meeting.items:
            minutes = full.attachments.get(agenda_item.minutes or "")
            if agenda_item.exempt is not None and minutes is not None and agenda_item.minutes not in public_attachments:
                marks[f"attachment:{agenda_item.minutes}"] = (
                    f"exempt (Schedule 12A paragraph {agenda_item.exempt})",
                    _sentences(_words(minutes), shown_anyway=public_text))
            for appendix in agenda_item.appendices:
                paragraph = appendix.exempt               # a Part 2 item's too (the resolver gives it)
                if paragraph is None:
                    continue
                for kind, ref in appendix.parts:
                    attachment = full.attachments.get(ref)
                    if attachment is None or ref in public_attachments:
                        continue
                    text = _words(attachment)
                    marks[f"attachment:{ref}"] = (f"exempt (Schedule 12A paragraph {paragraph})",
                                                  _sentences(text, shown_anyway=public_text))
    for ref in sorted(set(full.attachments) - set(public.attachments)):   # the papers of withheld agenda items
        attachment = full.attachments[ref]
        text = _words(attachment)
        marks.setdefault(f"attachment:{ref}", ("a paper of an agenda item that is withheld",
                                               _sentences(text, shown_anyway=public_text)))
    for ref in sorted(withheld_images):                      # found by name here, by bytes in `audit_output`
        marks.setdefault(f"attachment:{ref}", ("an image only withheld or exempt papers show", []))
    return marks


def _report_line(title: str) -> str:
    """How an agenda item names its report (template meeting.html): `Report: <title>`."""
    return _normalise(f"Report: {title}")


def withheld_item_marks(full: Corpus, public_plan: Plan, public_text: str = "") -> dict[str, tuple[str, list[str]]]:
    """agenda_item:<meeting> item <n> -> (reason, strings) for each item of a public meeting held
    back "To Follow" (`plan.publication.held_back`): its page keeps the item's title and description,
    and drops its appendices' titles and its `Report: <title>` line, which are looked for here; none
    a public agenda prints too. (Only their words: an item's id is no file's name.)"""
    public = public_plan.corpus
    public_titles = _public_titles(public)
    shown = "\n".join([public_text, agendas_shown(public), *public_titles,
                       *(_report_line(public.reports[item.report_id].front.title).casefold()
                         for view in public.meetings.values() for item in view.items
                         if item.report_id in public.reports)])
    held = {item.id: item.reason for item in public_plan.withheld if item.is_item}
    marks: dict[str, tuple[str, list[str]]] = {}
    for mid, view in full.meetings.items():
        for item in view.items:
            reason = held.get(f"{mid} item {item.number}")
            if reason is None:
                continue
            texts = [appendix.title for appendix in item.appendices]
            # A withheld report's own title is its record's mark (`fingerprints`) unless a public title holds it.
            report = full.reports.get(item.report_id or "")
            if report is not None and item.report_id not in public.reports \
                    and any(report.front.title.casefold() in title for title in public_titles):
                texts.append(_report_line(report.front.title))
            marks[f"agenda_item:{mid} item {item.number}"] = (reason, _sentences(*texts, shown_anyway=shown))
    return marks


def _figure_forms(corpus: Corpus, xid: str, point) -> list[str]:
    """How pages and papers print one indicator figure with its period, which a bare number
    lacks: a chart's description (`Oct 2025-Sep 2026: Dudley YOS 0.83`) and a table's row
    (`Oct 2025-Sep 2026 0.83`)."""
    view = corpus.indicators[xid]
    service = corpus.services[view.service_id].service.short_name if view.service_id in corpus.services else xid
    label, value = period_label(point.period), number_text(point.value)
    return [f"{label}: {service} {value}", f"{label} {value}"]


def unpublished_figures(full: Corpus, public: Corpus) -> dict[str, tuple[str, list[str]]]:
    """indicators:<id> -> (reason, its figures as printed) for each figure its source publishes
    after the audit's day (`model.indicators.published_by`); none a public figure prints the same."""
    day = public.as_of
    shown = {form.casefold() for xid, view in public.indicators.items() for key in INDICATOR_NAMES
             for point in getattr(view.indicators, key) if point.published is None or point.published <= day
             for form in _figure_forms(public, xid, point)}
    marks: dict[str, tuple[str, list[str]]] = {}
    for xid, view in full.indicators.items():
        later = [point for key in INDICATOR_NAMES for point in getattr(view.indicators, key)
                 if point.published is not None and point.published > day]
        forms = [form for point in later for form in _figure_forms(full, xid, point) if form.casefold() not in shown]
        if forms:
            days = ", ".join(sorted({point.published.isoformat() for point in later}))
            marks[f"indicators:{xid}"] = (f"figures its source publishes on {days}", forms)
    return marks


SITE_FOLDERS = {kind: folder for folder, (kind, _) in RECORD_FOLDERS.items()}    # the site's folders are content/'s


def distinctive(name: str, public_ids: set[str], product_text: str) -> bool:
    """An id that means its record wherever it stands alone: a letter and a hyphen or digit
    in it (not a word, a year or a date), six characters or more, no public record of
    another kind has it, and the product's own text (its templates' classes) never uses it."""
    return len(name) >= 6 and re.search("[a-z]", name) is not None and re.search("[-0-9]", name) is not None \
        and name not in public_ids and name.casefold() not in product_text


def _whole_words(sentence: str) -> tuple[str, ...]:
    """Words any text holding `sentence` holds whole (all but its first and last, which may
    run on there), the three longest: a text without one of them is not searched for it."""
    return tuple(sorted(re.findall(r"\w+", sentence)[1:-1], key=len, reverse=True)[:3])


def _anchor(record: str) -> str:
    """What every form of `_id_pattern(record)` holds, casefolded: a text without it is not searched."""
    kind, name = record.split(":", 1)
    return (_file_name(name) if kind == "attachment" else name).casefold()


def _id_pattern(record: str, public_ids: set[str], product_text: str) -> re.Pattern:
    """Where a name or a text means `record` ("kind:id", or "attachment:path": that path): its
    folder at a path's edge (`inspections/x/`, `../inspections/x.pdf`, `href=/inspections/x>`)
    or `inspection:x` (the feed's tag); a distinctive id (`distinctive`) wherever it stands
    alone (`x.json`, `"x"`, `>x<`, `?q=x`, a CSV cell); any other id not public as another
    kind as a page in its folder or a paper names it (`"x/`, `x.pdf`). At an edge: a public
    `y-x` is not `x`."""
    kind, name = record.split(":", 1)
    if kind == "attachment":
        # Its path, and its name alone when distinctive (`x/staffing-annex.pdf`, `staffing-annex.md`).
        stem = _file_name(name)
        forms = [re.escape(name)]
        if distinctive(stem.lower(), public_ids, product_text):
            forms.append(rf"(?<![a-z0-9.-]){re.escape(stem)}\.[a-z0-9]{{1,5}}(?![a-z0-9-])")
        return re.compile("|".join(forms), re.IGNORECASE)
    folder, rid = re.escape(SITE_FOLDERS.get(kind, kind)), re.escape(name)
    forms = [rf"(?:^|[/\"'=(\s]){folder}/{rid}(?:[/.#?\"'\s)<>&,;]|$)",
             rf"(?:^|[^\w.-]){re.escape(kind)}:{rid}(?![\w.-])"]
    if distinctive(name, public_ids, product_text):
        forms.append(rf"(?<![a-z0-9.-]){rid}(?![a-z0-9-])")         # `_` may join it: inspection_x.txt
    elif name not in public_ids:
        forms += [rf"(?:^|[/\"'=(\s]){rid}/", rf"(?:^|[^\w.-]){rid}\.pdf"]
    return re.compile("|".join(forms), re.IGNORECASE)


def name_words(name: str) -> str:
    """A file or folder name as its words, casefolded, each between hyphens, whatever joined
    them: `Torbay_2026 Report.pdf` -> `-torbay-2026-report-pdf-`."""
    return "-" + "-".join(re.findall(r"[^\W_]+", name.casefold())) + "-"


def name_marks(words: str, public_names: Iterable[str]) -> tuple[str, tuple[tuple[str, int], ...]]:
    """`words` (`name_words`), with each public name that holds them and where: a file name
    holding them inside one of those (`torbay-2026-follow-up.pdf` for `torbay-2026`) is that
    public record's or file's, no leak."""
    return words, tuple((public, at) for public in public_names
                        for at in range(len(public)) if public.startswith(words, at))


def names_record(name: str, marks: tuple[str, tuple[tuple[str, int], ...]]) -> bool:
    """Whether a file or folder name holds a withheld record's words (`name_marks`) anywhere
    but inside a public name: `torbay_2026_inspection.pdf`, `torbay-2026-report.pdf`."""
    key, public_names = marks
    words = name_words(name)
    at = words.find(key)
    while at >= 0:
        if not any(at >= offset and words.startswith(public, at - offset) for public, offset in public_names):
            return True
        at = words.find(key, at + 1)
    return False


def _site_files(site: Path) -> Iterator[Path]:
    """Every file under `site`, through links to folders too (a web server may follow them),
    each real folder once."""
    seen: set[str] = set()
    for folder, folders, files in os.walk(site, followlinks=True):
        real = os.path.realpath(folder)
        if real in seen:
            folders[:] = []
            continue
        seen.add(real)
        folders.sort()
        yield from (Path(folder) / name for name in sorted(files))


def _cbor(data: bytes, at: int = 0) -> tuple[Any, int]:
    """One CBOR item (RFC 8949) of `data` from `at`, and where the next one begins: pagefind
    writes its index so."""
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        length = info
    elif info < 28:
        size = 1 << (info - 24)
        length, at = int.from_bytes(data[at:at + size], "big"), at + size
    else:
        raise ValueError("an item of indefinite length")
    if major in (2, 3):
        chunk = data[at:at + length]
        return (chunk.decode("utf-8") if major == 3 else chunk), at + length
    if major in (4, 5):
        items = []
        for _ in range(length * (2 if major == 5 else 1)):
            item, at = _cbor(data, at)
            items.append(item)
        return (items if major == 4 else dict(zip(items[::2], items[1::2]))), at
    if major == 6:
        return _cbor(data, at)                    # a tag: the item it marks
    return (length if major == 0 else -1 - length if major == 1 else None), at


def search_index_pages(meta: bytes) -> list[str]:
    """The pages a pagefind index lists (from its gzipped .pf_meta file: [version, [[page,
    word count], ...], ...]): each page's text is in `fragment/<page>.pf_fragment` beside it."""
    index, _ = _cbor(gzip.decompress(meta).removeprefix(b"pagefind_dcd"))
    pages = [page[0] for page in index[1]]
    if not all(isinstance(page, str) for page in pages):
        raise ValueError("its pages are not named")
    return pages


def missing_fragments(meta: Path, data: bytes) -> list[str]:
    """Why the search index `meta` is not all read: the pages it lists whose fragments are not
    in the site have their words in the index, and whose page they are cannot be known."""
    try:
        pages = search_index_pages(data)
    except (OSError, EOFError, zlib.error, ValueError, IndexError, TypeError, KeyError, RecursionError) as exc:
        return [f"a search index (pagefind) the audit cannot read ({exc})"]
    missing = [f"fragment/{page}.pf_fragment" for page in pages
               if not (meta.parent / "fragment" / f"{page}.pf_fragment").is_file()]
    if not missing:
        return []
    return [f"the search index lists {len(missing)} page{'' if len(missing) == 1 else 's'} whose text is not in "
            f"the site ({', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''}): their words are in the "
            "index, and whose they are cannot be known"]


_DATA_ADDRESS = re.compile(r"data:[a-z0-9+./-]*(?:;[a-z0-9=-]+)*;base64,([A-Za-z0-9+/=\s]+)", re.IGNORECASE)


def _embedded(text: str) -> Iterator[bytes]:
    """What a page carries inside it (`data:` addresses: images, SVG, text)."""
    for found in _DATA_ADDRESS.finditer(text):
        try:
            yield base64.b64decode(re.sub(r"\s+", "", found.group(1)))
        except ValueError:
            continue


def unknown_records(invalid: Iterable[tuple[str, str]], read: dict[str, Iterable[str]], full: Corpus) -> set[str]:
    """kind:id of every record whose status the audit cannot know: those with errors, and
    those left out of the corpus because they lean on one (a plan of an erring inspection)."""
    kept = {"council": full.councils, "service": full.services, "inspection": full.inspections,
            "action_plan": full.action_plans, "indicators": full.indicators, "report": full.reports,
            "meeting": full.meetings, "framework": full.frameworks}
    return {f"{kind}:{rid}" for kind, rid in invalid} | {
        f"{kind}:{rid}" for kind, ids in read.items() if kind in kept for rid in ids if rid not in kept[kind]}


def audit_output(site: Path, full: Corpus, public_plan: Plan, contents: dict[str, tuple[str, ...]],
                 theme_templates: Iterable[str] = (), unknown: Iterable[str] = (), is_preview: bool = False,
                 noindex_is_live: bool = False) -> AuditResult:
    """`theme_templates`: the sources of the theme's templates (their text is the product's);
    `unknown`: records whose status cannot be known (`unknown_records`), looked for by id;
    `is_preview`: the folder is a preview (its manifest says so), whose marks are its own, not
    findings; `noindex_is_live`: the site's own templates write noindex (`preview_mark`)."""
    product_text = shown_anyway(public_plan.corpus, theme_templates)
    public = public_plan.corpus
    shown_in_public = _images_shown(public)
    withheld_images = _images_named(full) - shown_in_public      # what only withheld or exempt texts show
    marks = fingerprints(full, public_plan, product_text, withheld_images)
    public_ids = {rid for kind in (public.inspections, public.action_plans, public.reports, public.meetings,
                                   public.indicators, public.services, public.councils) for rid in kind}
    # A public file's name, in any folder, is no leak of a withheld one of the same name.
    public_names = {_file_name(ref).lower() for ref in public.attachments}
    patterns = {record: _id_pattern(record, public_ids | public_names if record.startswith("attachment:")
                                    else public_ids, product_text) for record in marks}
    marks |= unpublished_figures(full, public)       # their record is public: looked for by their figures alone
    marks |= withheld_item_marks(full, public_plan, product_text)    # so too a held-back item, whose id names no file
    # An image that only withheld papers show, copied under any name: its bytes as read or as
    # published; unless a public image has the same bytes (a logo shown in an exempt paper too).
    public_images = {digest for ref in shown_in_public if ref in public.attachments
                     for digest in _digests(public.attachments[ref])}
    images = {digest: f"attachment:{ref}" for ref in withheld_images if ref in full.attachments
              for digest in _digests(full.attachments[ref]) if digest not in public_images}
    unknown_patterns = {record: _id_pattern(record, public_ids, product_text) for record in sorted(unknown)}
    # A file or folder named after a withheld record: its distinctive id or its title (three
    # words or more) as whole words, joined by anything, but not inside a public name.
    public_names = [name_words(name) for name in (*public_ids, *(_file_name(ref) for ref in public.attachments),
                                                  *(_file_name(output.path) for output in public_plan.outputs))]
    named: dict[str, list] = {}
    for item in public_plan.withheld:
        record, title = f"{item.kind}:{item.id}", _title(full, item.kind, item.id)
        if record not in marks:
            continue
        if distinctive(item.id, public_ids, product_text):
            named.setdefault(record, []).append(name_marks(name_words(item.id), public_names))
        if title and _normalise(title) in marks[record][1] and name_words(title).count("-") > 3:
            named.setdefault(record, []).append(name_marks(name_words(title), public_names))
    sources = public_sources(public_plan.corpus)
    shared = shared_with(sources)
    plain_sources: list[tuple[str, str]] = []      # made at the first sentence not found whole in `shared`
    # Compared casefolded: a print stylesheet sets names in capitals, and text may be typed in them.
    needles = {record: [(needle.casefold(), needle, _whole_words(needle.casefold())) for needle in strings]
               for record, (_, strings) in marks.items()}
    anchors = {record: _anchor(record) for record in [*marks, *unknown_patterns]}
    leaks, unknown_found, previews = [], [], []
    unread: list[tuple[str, str]] = []
    files: dict[str, tuple[str, ...]] = {}
    # What builds keep beside a site is served with it wherever its parent folder is.
    beside = [p for kept in (spare_path(site), manifest_path(site))
              for p in ([kept] if kept.is_file() else sorted(kept.rglob("*")))]
    for path in [*_site_files(site), *beside]:
        if not path.is_file():
            continue
        relative = path.relative_to(site).as_posix() if path.is_relative_to(site) else \
            "../" + path.relative_to(site.parent).as_posix()
        if relative[:3] != "../":
            files[relative] = contents.get(relative, ())
        # A file's name says what it is (inspections/<id>/index.html); one leak a file and record.
        by_name = {record: found.group(0).strip() for record, pattern in patterns.items()
                   if (found := pattern.search("/" + relative))}
        by_name.update({record: part for record, keys in named.items() if record not in by_name
                        for part in relative.split("/") if any(names_record(part, key) for key in keys)})
        leaks += [Leak(relative, record, marks[record][0], needle, None) for record, needle in sorted(by_name.items())]
        data = path.read_bytes()
        # Every file is read, scripts, styles and images too: any of them may hold text.
        cannot_open: list[str] = []
        text = _readable(data, path.name, cannot_open)
        embedded = list(_embedded(text))
        for image in (images.get(hashlib.sha256(b).hexdigest()) for b in (data, *embedded)):
            if image is not None and image not in by_name:
                by_name[image] = relative
                leaks.append(Leak(relative, image, marks[image][0], "the image's bytes", None))
        text = "\n".join([text, *_values(path, text), *(_readable(b, "", cannot_open) for b in embedded)])
        if path.suffix == ".pf_meta":               # a stale index copied in without its pages
            cannot_open += missing_fragments(path, data)
        unread += [(relative, why) for why in dict.fromkeys(cannot_open)]
        if "%" in text:                 # an address's text as it reads: ?q=the%20words
            text += "\n" + urllib.parse.unquote(text)
        # As the text reads too: **words** are <strong>words</strong> on a page, and a line
        # broken by <br> is two words.
        text = html.unescape(text)
        if _JSON_ESCAPE.search(text):       # JSON in a script, a data file or the search index
            text += "\n" + _json_unescaped(text)
        if not is_preview and (found_mark := preview_mark(text, noindex_is_live)):
            previews.append(PreviewMark(relative, *found_mark))
        text += "\n" + re.sub(r"</?[a-zA-Z][^>]*>", "", text) + "\n" + re.sub(r"</?[a-zA-Z][^>]*>", " ", text)
        text = _normalise(text).casefold()
        words = set(re.findall(r"\w+", text))
        unknown_found += [Leak(relative, record, "its record has errors, so whether it may be public is not known",
                               found.group(0).strip()) for record, pattern in unknown_patterns.items()
                          if (found := pattern.search("/" + relative)
                              or (anchors[record] in text and pattern.search(text)))]
        for record, (reason, _) in marks.items():
            if record in by_name:
                continue
            if record in patterns and anchors[record] in text and (found := patterns[record].search(text)):
                leaks.append(Leak(relative, record, reason, found.group(0).strip(), None))
                continue
            for folded, needle, key in needles[record]:
                if all(word in words for word in key) and folded in text:
                    also_in = shared.get(folded)
                    if also_in is None:
                        plain_sources = plain_sources or [
                            (owner, "\n".join(_plain(text) for text in texts if text).casefold())
                            for owner, texts in sources]
                        also_in = owner_holding(folded, plain_sources)
                    leaks.append(Leak(relative, record, reason, needle, also_in))
                    break
    return AuditResult(files, tuple(leaks), tuple(unread), tuple(unknown_found), tuple(previews))

"""The one WeasyPrint wrapper: an HTML document in, a tagged PDF out.

Everything that makes a paper safe, accessible and reproducible is decided here, once:

- **Fetching.** `SafeFetcher` reads only `file:` URLs of files inside the folders it is
  given (the site's `content/`, its `templates/` and the built-in theme), after resolving
  symbolic links. Anything else (`http://`, `data:`, `file:///etc/passwd`,
  `../../secret.png`, a link out of content/) raises `FetchRefused`, which stops the
  render: nothing is fetched, and the caller turns it into a content error naming the
  record. (The resolve stage already refuses such images in Markdown; this is the second
  wall.)
- **Fonts.** Papers are set in Liberation Sans (Arial-metric, Debian `fonts-liberation2`,
  installed by `tools/system-deps`). `check_fonts` fails with that advice when it is
  missing instead of letting fontconfig substitute something else silently. One
  `FontConfiguration` per process, reused by every document the process renders.
- **Accessibility.** WeasyPrint's PDF/UA-1 variant: a structure tree, /Lang from
  `<html lang>`, /Title from `<title>`, /DisplayDocTitle. SVG charts get their /Alt from
  their `<title>` (WeasyPrint 70 reads it); `papers.print_html` puts the chart's
  description into that title first, so the alt text carries the numbers.
- **Tagging repairs.** `pdf_tags.fix_pdf` (WeasyPrint 70 splits a table crossing a page into
  one /Table per page, leaves header cells without /Scope and writes no /IDTree; see
  docs/pdf-accessibility.md) runs on each document right after layout, in the worker.
- **Long tables.** A table the CSS keeps whole (`break-inside: avoid`) that cannot be, under
  its heading, is left by WeasyPrint 70 two near-blank pages after its heading, its caption
  alone on the second: `mark_tables` gives each table, caption and first row an id,
  `tables_with_a_caption_alone` finds from `Page.anchors` (public API) the tables whose rows
  start on a later page than their caption, and the document is laid out again with those
  free to break. A row taller than a page, which WeasyPrint 70 (the house style keeping rows
  whole) prints without the header row on the pages it fills, is found the same way, by its id
  on more than one page (`rows_taller_than_a_page`), and freed to break under the header. The
  ids added are taken out of `Page.anchors` before writing, so the PDF holds no extra named
  destination.
- **Reproducibility.** WeasyPrint 70 writes /CreationDate and /ModDate only from
  `<meta name=dcterms.created|modified>` (it never reads the clock or SOURCE_DATE_EPOCH
  for PDFs) and writes /ID only when given `pdf_identifier`: we pass a fixed identifier,
  so the same HTML always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Mapping, Sequence
from urllib.parse import unquote, urlsplit

from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from generator.images import sanitise_svg
from generator.load.files import MAX_ATTACHMENT_BYTES
from generator.render.paper_fonts import FONT_FAMILY, PaperError, check_fonts  # noqa: F401 (re-exported)
from generator.render.pdf_tags import fix_pdf

PDF_VARIANT = "pdf/ua-1"
MAX_FETCH_BYTES = MAX_ATTACHMENT_BYTES      # what the load stage lets the site hold


class FetchRefused(FatalURLFetchingError):
    """A document asked for a URL it may not have. WeasyPrint lets this (a BaseException)
    through its own error handling, so the render stops: nothing is fetched."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused to fetch {url[:120]}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self):
        return (FetchRefused, (self.url, self.reason))


def _inside(path: str, roots: Sequence[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def make_fetcher(roots: Sequence[Path], expected: Mapping[str, str] | None = None):
    """A WeasyPrint URL fetcher that reads files inside `roots` and nothing else. `expected`:
    the sha256 of each content file as the build read it, by real path: a file that is not
    there, or no longer holds those bytes (saved again while the build ran), is refused, so a
    paper shows only what the build checked and keyed."""
    real_roots = tuple(os.path.realpath(r) for r in roots)
    checked_folder = real_roots[0] if expected is not None else None      # the site's content/
    expected = expected or {}

    class SafeFetcher(URLFetcher):
        """No network, no data: URLs, no file outside the allowed folders (symlinks resolved)."""

        def __init__(self) -> None:
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False,
                             fail_on_errors=True)
            self.roots = real_roots
            self.content = checked_folder
            self.fetched: list[str] = []

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme.lower() != "file":
                raise FetchRefused(url, f"{parts.scheme or 'this'}: addresses are never fetched; papers use only "
                                   "files inside content/")
            if parts.netloc not in ("", "localhost"):
                raise FetchRefused(url, "files on other machines are never read")
            real = os.path.realpath(unquote(parts.path))
            if not _inside(real, self.roots):
                raise FetchRefused(url, "the file is outside content/ and the theme")
            if not os.path.isfile(real):
                raise FetchRefused(url, "there is no such file")
            if os.path.getsize(real) > MAX_FETCH_BYTES:
                raise FetchRefused(url, f"the file is larger than {MAX_FETCH_BYTES // 2**20} MiB")
            with open(real, "rb") as handle:
                data = handle.read()
            if real in expected and hashlib.sha256(data).hexdigest() != expected[real]:
                raise FetchRefused(url, "the file changed while the build ran; build again")
            if self.content is not None and _inside(real, (self.content,)) and real not in expected:
                raise FetchRefused(url, "the file was not read by this build (it is new, or not a file it checks)")
            if real.lower().endswith(".svg"):
                # The same image the site publishes: checked content has had its removals warned of.
                data, problems = sanitise_svg(data, real)
                if data is None:
                    raise FetchRefused(url, problems[0].message)
            self.fetched.append(real)
            mime = mimetypes.guess_type(real)[0] or "application/octet-stream"
            return URLFetcherResponse(Path(real).as_uri(), data, {"Content-Type": mime})

    return SafeFetcher()


# --- per-process state: one font configuration and parsed stylesheets, reused ------------

_FONT_CONFIG = None
_STYLESHEETS: dict[str, object] = {}


def font_config():
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def _stylesheet(css: str, base_url: str, fetcher):
    key = hashlib.sha256(f"{base_url}\0{css}".encode()).hexdigest()
    if key not in _STYLESHEETS:
        from weasyprint import CSS
        _STYLESHEETS[key] = CSS(string=css, base_url=base_url, url_fetcher=fetcher, font_config=font_config())
    return _STYLESHEETS[key]


def quiet_weasyprint() -> None:
    """WeasyPrint logs every unsupported CSS property; papers are checked by tests instead."""
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Job:
    """One HTML document to lay out: everything a worker process needs, and nothing more."""

    key: str                      # a stable name: 'inspection:torbay-2021'
    label: str                    # for people: 'the findings paper of content/inspections/torbay-2021.yaml'
    source: str                   # the record file an error names
    html: str
    css: str
    base_dir: str                 # relative URLs resolve here (the site's content/)
    roots: tuple[str, ...]        # the only folders files may be read from (content/ first)
    expected: tuple[tuple[str, str], ...] = ()   # (real path, sha256) of the content files as the build read them
    title: str = ""               # the document's title and language, for pdf_tags.fix_pdf
    lang: str = "en-GB"


@dataclass(frozen=True)
class Rendered:
    key: str
    data: bytes
    pages: int


# A table's opening tag, its caption's and its first row's (`papers.print_html` captions every
# table); the row is looked for before the table's end, or any inner table's start.
_TABLE_START = re.compile(r"(<table\b[^>]*>)(\s*)(<caption\b[^>]*>)((?:(?!</?table\b).)*?)(<tr\b[^>]*>)",
                          re.I | re.S)
_ROW_OR_HEAD = re.compile(r"<(/?thead)\b[^>]*>|<tr\b[^>]*>", re.I)
_ID = re.compile(r"""(?<![\w-])id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.I)


@dataclass(frozen=True)
class MarkedTables:
    """A document whose tables, captions and first rows all have an id, so that WeasyPrint's
    `Page.anchors` tells on which page each starts."""

    html: str
    tables: tuple[tuple[str, str, str], ...]   # (table id, caption id, first row id), in order
    added: frozenset[str]                      # the ids given here, not by the document
    body_rows: tuple[str, ...] = ()            # the id of every row outside a <thead>, in order


def mark_tables(html: str) -> MarkedTables:
    """`html` with an id on each table, its caption and its first row that has none."""
    prefix = "pdf-table-"
    while prefix in html:                      # ids the document does not use
        prefix = "x" + prefix
    tables: list[tuple[str, str, str]] = []
    added: set[str] = set()

    def named(tag: str, name: str) -> tuple[str, str]:
        found = _ID.search(tag)
        if found:
            return tag, unescape(next(value for value in found.groups() if value is not None))
        added.add(name)
        return re.sub(r"^<\w+", lambda m: f'{m[0]} id="{name}"', tag), name

    def mark(match: re.Match) -> str:
        name = f"{prefix}{len(tables) + 1}"
        table, table_id = named(match[1], name)
        caption, caption_id = named(match[3], f"{name}-caption")
        row, row_id = named(match[5], f"{name}-row")
        tables.append((table_id, caption_id, row_id))
        return table + match[2] + caption + match[4] + row

    html = _TABLE_START.sub(mark, html)
    # Every body row too: a header row is drawn again on each page, a body row only when split.
    body_rows: list[str] = []
    in_head = False

    def mark_row(match: re.Match) -> str:
        nonlocal in_head
        if match[1]:
            in_head = not match[1].startswith("/")
            return match[0]
        row, row_id = named(match[0], f"{prefix}row-{len(body_rows) + 1}")
        if not in_head:
            body_rows.append(row_id)
        return row

    html = _ROW_OR_HEAD.sub(mark_row, html)
    return MarkedTables(html, tuple(tables), frozenset(added), tuple(body_rows))


def tables_with_a_caption_alone(pages, tables: Sequence[tuple[str, str, str]]) -> list[str]:
    """The ids of the tables whose rows start on a later page than their caption.

    A table styled `break-inside: avoid` that is too long for what is left of a page under
    its heading is moved by WeasyPrint 70 to the next page, and then split after its caption
    all the same: the heading is left alone on one page and the caption on the next (two
    near-blank pages in print, and a caption-only /Table). `pages`: WeasyPrint's, whose
    public `anchors` name the elements with an id that start or continue on each page."""
    first_page: dict[str, int] = {}
    for number, page in enumerate(pages):
        for name in page.anchors:
            first_page.setdefault(name, number)
    return [table for table, caption, row in tables
            if caption in first_page and row in first_page and first_page[row] > first_page[caption]]


def rows_taller_than_a_page(pages, body_rows: Sequence[str]) -> list[str]:
    """The ids of the body rows that start on one page and go on to the next.

    The house style keeps a row whole (`break-inside: avoid`), so WeasyPrint 70 splits only a
    row taller than a page; and when it does, it drops the table's header row from every page
    the row fills, since the header and the unbreakable row cannot fit together."""
    seen: dict[str, int] = {}
    for page in pages:
        for name in page.anchors:
            seen[name] = seen.get(name, 0) + 1
    return [row for row in body_rows if seen.get(row, 0) > 1]


def _selectors(element: str, ids: Sequence[str]) -> str:
    return ", ".join('{}[id="{}"]'.format(element, name.replace("\\", "\\\\").replace('"', '\\"'))
                     for name in ids)


def free_to_break(table_ids: Sequence[str], row_ids: Sequence[str] = ()) -> str:
    """A stylesheet letting these tables, and these rows, break across pages whatever the
    house style says."""
    rules = [f"{_selectors(element, ids)} {{ break-inside: auto !important; page-break-inside: auto !important }}"
             for element, ids in (("table", table_ids), ("tr", row_ids)) if ids]
    return "\n".join(rules)


def render(job: Job) -> Rendered:
    """Lay out one document and write it as PDF/UA-1 with a fixed identifier."""
    from weasyprint import CSS, HTML

    quiet_weasyprint()
    check_fonts()
    fetcher = make_fetcher([Path(r) for r in job.roots], dict(job.expected))
    base_url = Path(job.base_dir).as_uri() + "/"
    try:
        stylesheet = _stylesheet(job.css, base_url, fetcher)
        marked = mark_tables(job.html)
        html = HTML(string=marked.html, base_url=base_url, url_fetcher=fetcher)
        document = html.render(font_config=font_config(), stylesheets=[stylesheet])
        stranded = tables_with_a_caption_alone(document.pages, marked.tables)
        tall = rows_taller_than_a_page(document.pages, marked.body_rows)
        if stranded or tall:
            # Laid out again with those tables free to break, under their heading (house style),
            # and each row taller than a page split where its page ends, under the header row.
            document = html.render(font_config=font_config(),
                                   stylesheets=[stylesheet, CSS(string=free_to_break(stranded, tall))])
        for page in document.pages:
            # The ids given only to find the tables name no destination in the PDF.
            for name in marked.added:
                page.anchors.pop(name, None)
        identifier = hashlib.sha256(job.key.encode()).hexdigest()[:32]
        data = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=identifier.encode())
        # Repair WeasyPrint's tagging (tables split at page breaks, header scopes, the /IDTree ...)
        # here, once per document and in parallel, rather than on every pack that uses it.
        data = fix_pdf(data, job.title, job.lang)
    except FetchRefused as exc:
        raise PaperError(job.source, str(exc),
                         "images and files must be under content/ (e.g. attachments/NAME); "
                         "nothing is fetched from the network") from None
    except RecursionError:
        # Layout recurses once for each box inside another: lists or tags nested hundreds deep
        # (raw HTML in Markdown; Markdown's own nesting is limited at check) go past Python's limit.
        raise PaperError(job.source, f"{job.label} is nested too deeply to lay out",
                         "lists, quotes and HTML tags inside one another: keep to a few levels") from None
    return Rendered(job.key, data, len(document.pages))


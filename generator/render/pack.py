"""Assembling papers: rendered documents (and inserted PDFs) into one PDF, with the marks
a clerk's agenda pack carries.

Every item document is laid out once, without stamps or page numbers; those are added
here as overlays, so the same rendering serves the whole pack, the per-item PDFs and the
stand-alone paper:

- the stamp top right ("Agenda Item 9 Appendix 3"), the page number centred at the foot
  ("Page 13", continuous through the pack), "NOT FOR PUBLICATION" on exempt pages and
  "DRAFT" on previews, drawn in an embedded subset of Liberation Sans and marked as
  pagination artifacts (PDF/UA: not part of the document's content);
- the documents' structure trees merged under one /Document, one /Part per document,
  so the pack stays a tagged PDF; pages of an inserted PDF without tags are tagged one
  paragraph per page, so their text is not hidden from assistive technology;
- an outline (bookmarks) by item and appendix, with each document's own headings below;
- fixed metadata: title, language, dates from the records, an /ID computed from the
  content (no clock, no random numbers).

Also here, because they decide what a pack says: `spans` (page ranges from page counts)
and the Schedule 12A paragraphs for exempt appendices. Figures that reach the assembly
without alternative text (only possible in an inserted, tagged PDF) get a generic /Alt
naming their document; `assemble` counts them (`_Assembler.alt_added`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from generator import __version__

# pikepdf is imported inside the functions that use it: html.py and papers.py import this module
# on every build, and a build with no PDF to assemble (nothing changed, --no-pdf) need not load it.

# --- Schedule 12A to the Local Government Act 1972, Part 1 (England 1-7; Wales 12-18) -----

SCHEDULE_12A = {
    1: "Information relating to any individual.",
    2: "Information which is likely to reveal the identity of an individual.",
    3: "Information relating to the financial or business affairs of any particular person "
       "(including the authority holding that information).",
    4: "Information relating to any consultations or negotiations, or contemplated consultations or "
       "negotiations, in connection with any labour relations matter arising between the authority or a "
       "Minister of the Crown and employees of, or office holders under, the authority.",
    5: "Information in respect of which a claim to legal professional privilege could be maintained in "
       "legal proceedings.",
    6: "Information which reveals that the authority proposes (a) to give under any enactment a notice "
       "under or by virtue of which requirements are imposed on a person; or (b) to make an order or "
       "direction under any enactment.",
    7: "Information relating to any action taken or to be taken in connection with the prevention, "
       "investigation or prosecution of crime.",
}
# Wales (Part 4 of the Schedule as it applies in Wales) numbers the same descriptions 12-18.
SCHEDULE_12A.update({n + 11: text for n, text in list(SCHEDULE_12A.items())})
SCHEDULE_12A[12] = "Information relating to a particular individual."


def schedule_12a(paragraph: int) -> str:
    """'paragraph 3 of Part 1 of Schedule 12A': Part 1 in England (1-7), Part 4 as the Schedule
    applies in Wales (12-18)."""
    return f"paragraph {paragraph} of Part {4 if paragraph >= 12 else 1} of Schedule 12A"


def exempt_sentence(paragraph: int) -> str:
    """The words councils print on an exempt item, naming the paragraph."""
    return f"NOT FOR PUBLICATION by virtue of {schedule_12a(paragraph)} to the Local Government Act 1972"


def exclusion_resolution(paragraphs: Sequence[int]) -> str | None:
    """The resolution a meeting passes before its Part 2 items (Local Government Act 1972,
    s.100A(4)), naming the Schedule 12A paragraphs that apply; None without Part 2 items."""
    if not paragraphs:
        return None
    named = ", ".join(str(p) for p in paragraphs[:-1]) + (" and " if len(paragraphs) > 1 else "") + str(paragraphs[-1])
    return ("That, under section 100A(4) of the Local Government Act 1972, the press and public be excluded "
            "from the meeting for the following business, on the grounds that it involves the likely "
            f"disclosure of exempt information as defined in paragraph{'s' if len(paragraphs) > 1 else ''} "
            f"{named} of Part {4 if paragraphs[0] >= 12 else 1} of Schedule 12A to the Act.")


def clock_time(hhmm: str) -> str:
    """'17:30' as council agendas print it: '5.30 pm' ('12.00 noon' at midday, '12.00 midnight'
    at its start: '12.00 am' would read as either end of the day)."""
    hour, minute = (int(p) for p in hhmm.split(":"))
    if (hour, minute) == (12, 0):
        return "12.00 noon"
    if (hour, minute) == (0, 0):
        return "12.00 midnight"
    return f"{(hour - 1) % 12 + 1}.{minute:02d} {'pm' if hour >= 12 else 'am'}"


# --- page ranges ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Span:
    first: int | None          # page number printed on the first page (None: not numbered)
    last: int | None
    blank_after: int = 0       # blank pages that follow it (duplex), counted in its range


def spans(counts: Sequence[int], first_page: int, duplex: bool = False) -> tuple[list[Span], int]:
    """The printed page numbers of documents that follow one another from `first_page`, and
    how many blank pages come before the first of them.

    Printed `duplex`, each document starts on a right-hand (odd) page: a document that would
    start on an even page is preceded by a blank page, counted in the range of the document
    before it (or, before the first, in none)."""
    out: list[Span] = []
    page, lead = first_page, 0
    for count in counts:
        if not count:
            out.append(Span(None, None))
            continue
        if duplex and page % 2 == 0:
            before = next((i for i in range(len(out) - 1, -1, -1) if out[i].first is not None), None)
            if before is None:
                lead += 1
            else:
                out[before] = Span(out[before].first, out[before].last, out[before].blank_after + 1)
            page += 1
        out.append(Span(page, page + count - 1))
        page += count
    return out, lead


def front_blanks(front_pages: int, first_page: int, duplex: bool) -> int:
    """Unnumbered blank pages after a front sheet of `front_pages` pages, so that printed
    duplex an odd printed number falls on a right-hand page."""
    return (first_page - 1 - front_pages) % 2 if duplex else 0


# --- overlay font: a small subset of Liberation Sans, embedded once per output -----------------

_CHARSET = "".join(chr(c) for c in range(32, 127))


@dataclass(frozen=True)
class OverlayFont:
    name: str                  # resource name
    base_font: str             # /ABCDEF+LiberationSans
    program: bytes             # the subset TrueType
    widths: tuple[int, ...]    # for codes 32..126, in 1/1000 em
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int
    bold: bool

    def width(self, text: str, size: float) -> float:
        return sum(self.widths[ord(c) - 32] if 32 <= ord(c) < 127 else 500 for c in text) * size / 1000


_FONTS: dict[tuple[str, str], OverlayFont] = {}


def overlay_font(style: str) -> OverlayFont:
    """Liberation Sans subset to printable ASCII, for stamps and page numbers, made once a
    process and kept in memory, keyed by the font file's digest. It is deterministic: no
    timestamps are recalculated, and the subset tag comes from the subset's bytes."""
    from generator.render.paper_fonts import check_fonts

    path = check_fonts()[style]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    if (style, digest) not in _FONTS:
        _FONTS[(style, digest)] = _subset(path, style)
    return _FONTS[(style, digest)]


def _subset_options(retain_gids: bool = False):
    """fontTools' options for a font embedded in a pack: only the glyphs drawn, no hinting or
    layout tables, and no timestamp, so the same glyphs give the same bytes."""
    from fontTools import subset

    options = subset.Options()
    options.retain_gids = retain_gids
    options.notdef_outline = True
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.recalc_timestamp = False
    options.layout_features = []
    options.hinting = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "DSIG", "gasp", "hdmx", "VDMX", "LTSH",
                            "cvt ", "fpgm", "prep", "meta"]
    return options


def _subset(path: Path, style: str) -> OverlayFont:
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    # lazy: tables are read from the open file as needed, so it is closed only when done with.
    with TTFont(str(path), recalcTimestamp=False, recalcBBoxes=False, lazy=True) as font:
        subsetter = subset.Subsetter(_subset_options())
        subsetter.populate(text=_CHARSET)
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer, reorderTables=True)
        program = buffer.getvalue()
        scale = 1000 / font["head"].unitsPerEm
        cmap = font.getBestCmap()
        hmtx = font["hmtx"]
        widths = tuple(round(hmtx[cmap[c]][0] * scale) if c in cmap else 0 for c in range(32, 127))
        head, os2 = font["head"], font["OS/2"]
        bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
        metrics = (round(os2.sTypoAscender * scale), round(os2.sTypoDescender * scale),
                   round(getattr(os2, "sCapHeight", 700) * scale))
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    postscript = "LiberationSans-Bold" if style == "bold" else "LiberationSans"
    return OverlayFont("/FScr" + style.replace("-", "").title(), f"{tag}+{postscript}", program, widths, bbox,
                       *metrics, style == "bold")


def _font_object(pdf, font: OverlayFont):
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    program = pikepdf.Stream(pdf, font.program)
    program.Length1 = len(font.program)
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + font.base_font), Flags=32 + (262144 if font.bold else 0),
        FontBBox=Array(list(font.bbox)), ItalicAngle=0, Ascent=font.ascent, Descent=font.descent,
        CapHeight=font.cap_height, StemV=120 if font.bold else 80, FontFile2=pdf.make_indirect(program)))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=Name("/" + font.base_font), FirstChar=32, LastChar=126,
        Widths=Array(list(font.widths)), Encoding=Name.WinAnsiEncoding, FontDescriptor=descriptor))


def _pdf_string(text: str) -> str:
    text = "".join(c if 32 <= ord(c) < 127 else "?" for c in text)
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


# --- what is assembled ----------------------------------------------------------------------

@dataclass(frozen=True)
class Piece:
    """One document placed in an output, with the marks its pages carry."""

    data: bytes                           # a PDF: rendered by WeasyPrint, or a file inserted as it is
    outline: tuple[str, ...] = ()         # where it sits in the outline: ("9. Review ...", "Appendix 1: ...")
    stamp: str | None = None              # "Agenda Item 9 Appendix 3"
    numbered: bool = True                 # prints "Page N"
    marks: tuple[str, ...] = ()           # "NOT FOR PUBLICATION" on every page
    keep_bookmarks: bool = True           # the document's own headings go under its outline entry
    flatten_single_root: bool = False     # ... without its one top heading (it repeats the entry's title)
    label: str = ""                       # for errors: which document this is
    title: str = ""                       # the structure element's title (/T)
    # Laid out by us and repaired by pdf_tags.fix_pdf: every figure has /Alt, and the element
    # IDs are unique and all listed in its /IDTree. Assembly then need not walk its tree.
    repaired: bool = False


@dataclass(frozen=True)
class Metadata:
    title: str
    lang: str
    author: str | None = None
    subject: str | None = None
    created: dt.date | None = None        # from the records, never the clock


@dataclass
class _OutlineNode:
    title: str
    page: int | None = None
    children: list["_OutlineNode"] = field(default_factory=list)
    destination: object = None            # an explicit destination copied from a document
    open: bool = False


# What a clerk can do about an inserted PDF that cannot be used: a new copy printed from a reader is
# whole, unencrypted and written by one tool that follows the standard.
REPRINT_HINT = "open it in a PDF reader and print it to PDF again, without a password, then insert that copy"
# What a clerk can do about a filled-in form whose fields cannot be drawn here whole: a reader draws
# them itself, in its own fonts and over as many lines as they take, as it prints.
FORM_REPRINT_HINT = ("open it in a PDF reader and save it with File > Print > Save as PDF, which draws its fields "
                     "as the reader shows them, then insert that copy")


class CannotInsert(ValueError):
    """An inserted PDF that cannot be inserted as it is, with what a clerk can do about it."""

    def __init__(self, message: str, hint: str = REPRINT_HINT) -> None:
        super().__init__(message)
        self.hint = hint

    def __reduce__(self):
        return (CannotInsert, (str(self), self.hint))


def reprint_hint(problem: ValueError) -> str:
    """What a clerk can do about an inserted PDF that cannot be inserted: its own hint, else print it again."""
    return problem.hint if isinstance(problem, CannotInsert) else REPRINT_HINT


def qpdf_message(exc: Exception) -> str:
    """An error of pikepdf's without the in-memory stream it names ('stream <_io.BytesIO
    object at 0x7f...>: '), which means nothing to a clerk and differs from run to run."""
    return re.sub(r"stream <[^<>]*>(?: \(([^()]*)\)|, ([^:]*))?: ",
                  lambda m: f"{m[1] or m[2]}: " if m[1] or m[2] else "", str(exc))


# qpdf's repairs of a page's own entries as it reads the page tree ('kid 0 (from 0) Resources is missing or
# invalid; repairing'): each is what a viewer does with that page, and nothing is lost that a reader saw.
_PAGE_REPAIR = re.compile(r"kid \d+ \(from \d+\) ")


def open_piece(piece: Piece):
    """A piece's PDF, opened; a clear error (ValueError) for one that cannot be assembled. An
    inserted PDF must also be whole: one that qpdf had to repair as it read it (a cross-reference
    table rebuilt, an object it could not parse) may have lost pages or their content, as a file
    cut short in a download has, and one with no pages would be an appendix of nothing."""
    import pikepdf

    name = piece.label or "a document"
    try:
        src = pikepdf.open(io.BytesIO(piece.data))
    except pikepdf.PasswordError:
        raise ValueError(f"{name} is protected by a password") from None
    except pikepdf.PdfError as exc:
        raise ValueError(f"{name} is not a readable PDF ({qpdf_message(exc)})") from None
    if src.is_encrypted:
        src.close()
        raise ValueError(f"{name} is encrypted; insert an unencrypted copy")
    if piece.repaired:
        return src
    try:
        pages = len(src.pages)
        warnings = [w for w in src.get_warnings() if not _PAGE_REPAIR.search(w)]
    except pikepdf.PdfError as exc:
        pages, warnings = None, [str(exc)]
    if warnings:
        src.close()
        said = [qpdf_message(w) for w in warnings if not w.endswith(": file is damaged")][:2]
        raise ValueError(f"{name} is damaged, and may have lost pages or their content ({'; '.join(said)})")
    if not pages:
        src.close()
        raise ValueError(f"{name} has no pages")
    return src


def inserted_page_count(piece: Piece) -> int:
    """How many pages an inserted PDF adds; a ValueError naming it where it cannot be inserted."""
    with open_piece(piece) as src:
        return len(src.pages)


def page_count(data: bytes) -> int:
    import pikepdf
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def _visible_box(page) -> tuple[float, float, float, float]:
    box = page.obj.get("/CropBox") or page.obj.get("/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _visual_matrix(page) -> tuple[tuple[float, ...], float, float]:
    """The matrix from the page as seen (rotation applied, origin bottom left) to its user
    space, and the seen width and height: stamps land top right however a page is stored."""
    x0, y0, x1, y1 = _visible_box(page)
    rotate = int(page.obj.get("/Rotate", 0)) % 360
    w, h = x1 - x0, y1 - y0
    if rotate == 90:
        return (0, 1, -1, 0, x1, y0), h, w
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1), w, h
    if rotate == 270:
        return (0, -1, 1, 0, x0, y1), h, w
    return (1, 0, 0, 1, x0, y0), w, h


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def overlay_ops(page, *, stamp: str | None, number: str | None, marks: Sequence[str],
                regular: OverlayFont, bold: OverlayFont) -> bytes:
    """Content-stream operators drawing the stamp, the page number and the marks."""
    matrix, width, height = _visual_matrix(page)
    ops = ["q", " ".join(_fmt(v) for v in matrix) + " cm"]
    margin = 28.35          # 1 cm
    if stamp:
        size = 11
        text_w = bold.width(stamp, size)
        x, y = width - margin - text_w, height - margin - size
        ops += ["/Artifact <</Type /Pagination /Subtype /Header>> BDC",
                "0 g 0 G 0.8 w", f"{_fmt(x - 5)} {_fmt(y - 4.5)} {_fmt(text_w + 10)} {_fmt(size + 7)} re S",
                f"BT {bold.name} {size} Tf {_fmt(x)} {_fmt(y)} Td {_pdf_string(stamp)} Tj ET", "EMC"]
    if marks:
        size = 11
        y = height - margin - size
        for mark in marks:
            ops += ["/Artifact <</Type /Pagination /Subtype /Header>> BDC",
                    f"0.69 0.05 0.12 rg BT {bold.name} {size} Tf {_fmt(margin)} {_fmt(y)} Td {_pdf_string(mark)} Tj ET",
                    "EMC"]
            y -= size + 3
    if number:
        size = 11
        x = (width - regular.width(number, size)) / 2
        ops += ["/Artifact <</Type /Pagination /Subtype /Footer>> BDC",
                f"0 g BT {regular.name} {size} Tf {_fmt(x)} {_fmt(margin - 6)} Td {_pdf_string(number)} Tj ET", "EMC"]
    ops.append("Q")
    return ("\n".join(ops) + "\n").encode("latin-1")


# --- structure trees ----------------------------------------------------------------------------

def _tree_items(node, entries: str) -> Iterable[tuple[object, object]]:
    """(key, value) pairs of a PDF number tree (`entries` '/Nums') or name tree ('/Names',
    as an /IDTree is), flattening /Kids; none when there is no tree."""
    if node is None:
        return
    if entries in node:
        flat = node[entries]
        for i in range(0, len(flat) - 1, 2):
            yield flat[i], flat[i + 1]
    for kid in node.get("/Kids", []):
        yield from _tree_items(kid, entries)


def number_tree_items(node) -> Iterable[tuple[int, object]]:
    return ((int(key), value) for key, value in _tree_items(node, "/Nums"))


def name_tree_items(node) -> Iterable[tuple[bytes, object]]:
    return ((bytes(key), value) for key, value in _tree_items(node, "/Names"))


def _explicit_destinations(src) -> None:
    """Turn a document's links to named destinations into explicit ones.

    WeasyPrint links to anchors by name (/Dest (name) and the catalog's /Names /Dests);
    names do not survive merging, so each link is pointed at its page and position instead."""
    import pikepdf

    names = src.Root.get("/Names")
    if not isinstance(names, pikepdf.Dictionary) or not isinstance(names.get("/Dests"), pikepdf.Dictionary):
        return              # none, or not a name tree: the catalogue is not copied, so nothing is lost
    tree = pikepdf.NameTree(names.Dests)

    def resolve(value):
        if isinstance(value, (pikepdf.String, pikepdf.Name)):
            found = tree.get(str(value).lstrip("/"))
            if isinstance(found, pikepdf.Dictionary):
                found = found.get("/D")
            return found
        return None

    for page in src.pages:
        for annot in page.obj.get("/Annots", []):
            target = resolve(annot.get("/Dest"))
            if target is not None:
                annot.Dest = target
            action = annot.get("/A")
            if isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.GoTo:
                target = resolve(action.get("/D"))
                if target is not None:
                    action.D = target
    del src.Root.Names.Dests


def _unique_ids(element, prefix: str) -> dict[bytes, object]:
    """Prefix every element /ID below `element` (and the /Headers that name them).

    Each document numbers its table cells' IDs itself ('56-0-0'); joined in one pack they
    would collide, and /Headers would point into the wrong table. Returns id -> element,
    for the /IDTree (ISO 32000-1 table 322) of the whole."""
    import pikepdf

    def renamed(value) -> bytes:
        return prefix.encode() + bytes(value)

    found = {}
    for node in _structure_elements(element):
        if "/S" not in node:
            continue
        if "/ID" in node:
            node.ID = pikepdf.String(renamed(node.ID))
            found[bytes(node.ID)] = node
        attributes = node.get("/A")
        for attribute in (attributes if isinstance(attributes, pikepdf.Array) else [attributes]):
            if isinstance(attribute, pikepdf.Dictionary) and "/Headers" in attribute:
                attribute.Headers = pikepdf.Array([pikepdf.String(renamed(h)) for h in attribute.Headers])
    return found


def _structure_elements(element):
    """Every dictionary of a structure tree below `element`, each once (depth first)."""
    import pikepdf

    stack, seen = [element], set()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Array):
            stack.extend(kids)
        elif isinstance(kids, pikepdf.Dictionary):
            stack.append(kids)


def _ensure_alt(element, fallback: str) -> int:
    """Give every /Figure below `element` an /Alt; returns how many lacked one.

    WeasyPrint sets /Alt from an SVG's <title> or an image's alt (and papers.print_html makes
    sure both exist), so this only acts on figures of inserted tagged PDFs."""
    import pikepdf

    added = 0
    for node in _structure_elements(element):
        if node.get("/S") == pikepdf.Name.Figure and not str(node.get("/Alt", "")).strip():
            node.Alt = pikepdf.String(fallback)
            added += 1
    return added


# What a link in a published paper may do: go to a page, or open a web address.
SAFE_ACTIONS = ("/GoTo", "/URI")
# The addresses such a link may open, as a Markdown link's (`render.markdown.URL_SCHEMES`): a
# javascript:, file: or smb: address (or \\server\share) runs script, or opens a file of the reader's
# machine or network, which on Windows sends the reader's login to that server.
_WEB_ADDRESS = re.compile(r"(?:https?|mailto|tel):", re.IGNORECASE)
# Annotations that carry files, media or scripts rather than marks on the page.
ACTIVE_ANNOTATIONS = ("/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D")


def _safe_action(action) -> bool:
    """Does a link's action only go to a page, or open a web or e-mail address or a telephone number?"""
    kind = str(action.get("/S", ""))
    if kind not in SAFE_ACTIONS or "/Next" in action:
        return False
    return kind != "/URI" or _WEB_ADDRESS.match(str(action.get("/URI", ""))) is not None


# Keys that give whatever holds them (a page, an annotation, a form field, an image, a structure
# element) a file or scripts run on events: ISO 32000-2 14.13 (associated files), 7.11.4
# (embedded files) and 12.6.3 (additional actions).
_ATTACHING_KEYS = ("/AF", "/EF", "/AA")


def _without_attached_files_or_event_scripts(src) -> None:
    """Every file attached and every event's script removed from every object of a document:
    an associated file (/AF) may hang from a page or a link as well as from the catalogue."""
    from pikepdf import Array, Dictionary, Stream

    def strip(obj) -> None:
        if isinstance(obj, (Dictionary, Stream)):
            for key in _ATTACHING_KEYS:
                if key in obj:
                    del obj[key]
            children = obj.values()
        elif isinstance(obj, Array):
            children = obj
        else:
            return
        for child in children:
            if isinstance(child, (Dictionary, Array)) and not child.is_indirect:     # the indirect are in src.objects
                strip(child)

    for obj in src.objects:
        strip(obj)


def _without_active_content(src) -> None:
    """Strip from an inserted PDF's pages what a council paper must not carry: scripts and
    other actions run on opening or clicking, and files attached to the page (a clerk may be
    sent an appendix with a spreadsheet of children's names behind an icon, or attached to the
    page or a link itself). Only the pages are copied, so the document's own catalogue (its
    OpenAction, named scripts, attached files) never reaches the output."""
    from pikepdf import Array, Dictionary

    _without_attached_files_or_event_scripts(src)
    for page in src.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None:
            continue
        kept = Array()
        for annotation in annotations:
            if not isinstance(annotation, Dictionary) or str(annotation.get("/Subtype", "")) in ACTIVE_ANNOTATIONS:
                continue
            action = annotation.get("/A")
            if isinstance(action, Dictionary) and not _safe_action(action):
                del annotation["/A"]
            kept.append(annotation)
        page.obj.Annots = kept


def _widgets_to_draw(form, widgets) -> list:
    """The fields whose values a viewer draws itself: all where the form asks for it
    (/NeedAppearances, ISO 32000-1 12.7.2), else those with no appearance of their own or one that
    shows nothing of their value; a field's own appearance is the form's look (its font, alignment,
    lines), kept as it is."""
    return list(widgets) if form.get("/NeedAppearances") else [w for w in widgets if "/AP" not in w
                                                                or _value_left_out_of_appearance(w)]


# The operators that show text or draw another object (ISO 32000-1 9.4.3, 8.8): an appearance with none draws no value.
_SHOWING = ("Tj", "TJ", "'", '"', "Do")


def _value_left_out_of_appearance(widget) -> bool:
    """Does a text or choice field hold a value its own appearance shows nothing of (an empty /AP /N)?

    The value is what was filled in, and what the form's data exports; the appearance is drawn from
    it (ISO 32000-1 12.7.3.3) and left stale by a script that set the value alone. Printing again
    would not help, since a reader prints the stale drawing too, so the value is drawn here."""
    from pikepdf import Dictionary, Name, Stream, parse_content_stream

    value = _field_entry(widget, "/V")
    appearances = widget.get("/AP")
    appearance = appearances.get("/N") if isinstance(appearances, Dictionary) else None
    if _field_entry(widget, "/FT") not in (Name.Tx, Name.Ch) or not isinstance(appearance, Stream) or not str(
            value or "").strip():
        return False
    return not any(str(op) in _SHOWING for _, op in parse_content_stream(appearance))


@contextmanager
def _only_these_widgets(src, widgets):
    """Each page's other widgets out of its /Annots for the block: qpdf draws every field of the
    pages' widgets, so it sees only those to draw."""
    from pikepdf import Array, Dictionary, Name

    drawn = {w.objgen for w in widgets}
    kept = []
    for page in src.pages:
        annotations = page.obj.get("/Annots")
        if isinstance(annotations, Array):
            kept.append((page, annotations))
            page.obj.Annots = Array([a for a in annotations if not (isinstance(a, Dictionary) and a.get(
                "/Subtype") == Name.Widget and a.objgen not in drawn)])
    try:
        yield
    finally:
        for page, annotations in kept:
            page.obj.Annots = annotations


def _unused_name(page, prefix: str) -> str:
    """A resource name the page does not use yet (pikepdf's own choice is random)."""
    taken = set(page.obj.get("/Resources", {}).get("/XObject", {}).keys())
    return next(f"/{prefix}{n}" for n in range(len(taken) + 1) if f"/{prefix}{n}" not in taken)


def _form_fields_drawn(src) -> None:
    """A filled-in form's fields drawn into its pages (flattened): a published paper is a record
    of what was filled in, and a field's widget copied without its document's form (/AcroForm,
    which only the pages leave behind) is left blank by Chrome's and Acrobat's viewers. Values
    are drawn as a viewer would draw them, and hidden fields not at all; a tagged form's field
    elements then own the drawn value as content, as a non-interactive form field's do
    (ISO 32000-1 14.8.4.5, Form)."""
    from pikepdf import Annotation, Array, Dictionary, Name, Stream

    def is_widget(annotation) -> bool:
        return isinstance(annotation, Dictionary) and annotation.get("/Subtype") == Name.Widget

    widgets = [a for page in src.pages for a in page.obj.get("/Annots", ()) if is_widget(a)]
    form = src.Root.get("/AcroForm")
    if isinstance(form, Dictionary) and "/XFA" in form and (src.Root.get("/NeedsRendering") or not widgets):
        # A dynamic XFA form's pages hold only 'Please wait...': the reader lays the form out (ISO 32000-1 12.7.8).
        raise UndrawableFieldValue("it is a dynamic XFA form, whose pages hold only a message asking for a reader "
                                   "that lays the form out, not the form as filled in")
    in_form = widgets if isinstance(form, Dictionary) else []
    to_draw = _widgets_to_draw(form, [w for w in in_form if not _password(w)]) if in_form else []
    # Every field that cannot be drawn whole is named at once, whichever way it falls short.
    problems = [_buttons_shown_as_set(in_form)]
    if to_draw:
        for widget in to_draw:
            if _combo(widget):
                _chosen_option_named(widget)
        form.NeedAppearances = True
        with _only_these_widgets(src, to_draw):
            src.generate_appearance_streams()
        problems += [_list_boxes(to_draw), _values_redrawn_where_letters_were_lost(src, to_draw),
                     _values_placed_or_cut_off(to_draw, form.get("/Q"))]
    if any(problems):
        raise UndrawableFieldValue("; ".join(p for p in problems if p))
    resources = form.get("/DR") if isinstance(form, Dictionary) else None     # fonts the values are drawn in
    if "/AcroForm" in src.Root:
        del src.Root.AcroForm
    if not widgets:
        return
    root = src.Root.get("/StructTreeRoot")
    tags = _FieldTags(src, root) if root is not None and "/K" in root and "/ParentTree" in root else None
    for page in src.pages:
        annotations = page.obj.get("/Annots")
        if annotations is None or not any(is_widget(a) for a in annotations):
            continue
        drawn = b""
        for widget in (a for a in annotations if is_widget(a)):
            appearance = Annotation(widget).get_appearance_stream(Name.N)
            name = _unused_name(page, "ScrField")
            ops = (Annotation(widget).get_page_content_for_appearance(Name(name), int(page.obj.get("/Rotate", 0)))
                   if isinstance(appearance, Stream) and not _password(widget)
                   else b"")       # none for a hidden or invisible field, nor a password
            if ops:
                if "/Resources" not in appearance and resources is not None:
                    appearance.Resources = resources
                if "/Resources" not in page.obj:
                    page.obj.Resources = Dictionary()
                if "/XObject" not in page.obj.Resources:
                    page.obj.Resources.XObject = Dictionary()
                page.obj.Resources.XObject[name] = appearance
            if tags is not None:
                ops = tags.drawn(page, widget, ops)
            drawn += ops
        page.obj.Annots = Array([a for a in annotations if not is_widget(a)])
        if drawn:
            page.contents_add(b"q\n", prepend=True)
            page.contents_add(b"\nQ\n" + drawn)
    if tags is not None:
        tags.write()


class UndrawableFieldValue(ValueError):
    """A filled-in form's field has a value that cannot be drawn whole: a letter neither its own
    font nor the papers' has, or more than its box holds on the one line qpdf draws."""


# The annotation flags (ISO 32000-1 12.5.3) with which qpdf draws a widget not at all: Invisible, Hidden.
_NOT_DRAWN_FLAGS = 1 | 2


def _not_drawn(widget) -> bool:
    """Is a field's widget one that draws nothing on the page (hidden), so that its value publishes nothing?"""
    return bool(int(widget.get("/F", 0)) & _NOT_DRAWN_FLAGS)


# A text field's flag (ISO 32000-1 12.7.4.3, Table 228) for a password, which a reader never shows in clear.
_PASSWORD_FLAG = 1 << 13


def _password(widget) -> bool:
    """Is a widget a password field's, whose value a published paper never shows, in clear or as asterisks?"""
    from pikepdf import Name

    return _field_entry(widget, "/FT") == Name.Tx and bool(int(_field_entry(widget, "/Ff") or 0) & _PASSWORD_FLAG)


def _field_entry(widget, key: str):
    """A field's entry, inherited from its parent fields where the widget lacks it (ISO 32000-1 12.7.3.1)."""
    node = _field_holding(widget, key)
    return None if node is None else node[key]


def _field_name(widget) -> str:
    """A field's fully qualified name, as a reader's form data names it: its own partial name (/T) after
    its parents', joined by periods ('section2.service'; ISO 32000-1 12.7.3.2); a widget without a /T of
    its own is its parent field's."""
    names, node, seen = [], widget, 0
    while node is not None and seen < 32:
        if "/T" in node:
            names.append(str(node.T))
        node, seen = node.get("/Parent"), seen + 1
    return ".".join(reversed(names))


def _field_holding(widget, key: str):
    """The widget, or the parent field, whose entry `key` the widget's field has (None where none has it)."""
    node, seen = widget, 0
    while node is not None and seen < 32:
        if key in node:
            return node
        node, seen = node.get("/Parent"), seen + 1
    return None


# A choice field's flag (ISO 32000-1 12.7.4.4, Table 230) for a combo box, which shows its one chosen option.
_COMBO_FLAG = 1 << 17


def _combo(widget) -> bool:
    from pikepdf import Name

    return _field_entry(widget, "/FT") == Name.Ch and bool(int(_field_entry(widget, "/Ff") or 0) & _COMBO_FLAG)


# A button field's flags (ISO 32000-1 12.7.4.2, Table 226): a push button holds no value, a radio button's
# field one of its widgets' states.
_PUSHBUTTON_FLAG = 1 << 16


def _buttons_shown_as_set(widgets) -> str | None:
    """Each check box's and radio button's widget shown in the state its field's value names (/AS made
    /V where the widget has an appearance of that state, else Off); what names each field set to a
    state none of its widgets has a drawing of, if any (None where there is none).

    The value (/V) is the answer; the appearance state (/AS) only picks which of the widget's drawings
    shows (ISO 32000-1 12.7.4.2.3), and a form filled by a script may leave it 'Off' or out. qpdf draws no
    buttons of its own, so a box ticked with no drawing of a tick would be published unticked."""
    from pikepdf import Dictionary, Name

    has_drawing: dict[str, bool] = {}
    for widget in widgets:
        value = _field_entry(widget, "/V")
        if (_field_entry(widget, "/FT") != Name.Btn or int(_field_entry(widget, "/Ff") or 0) & _PUSHBUTTON_FLAG
                or not isinstance(value, Name) or _not_drawn(widget)):
            continue
        appearances = widget.get("/AP")
        states = appearances.get("/N") if isinstance(appearances, Dictionary) else None
        drawn = value != Name.Off and isinstance(states, Dictionary) and str(value) in states
        widget.AS = value if drawn else Name.Off
        name = f"{_field_name(widget)!r} is set to {str(value)[1:]!r}"
        has_drawing[name] = has_drawing.get(name, False) or drawn or value == Name.Off
    unticked = [name for name, drawn in has_drawing.items() if not drawn]
    if not unticked:
        return None
    return (f"its form field {'; form field '.join(unticked)}, which the form has no drawing of: it would be "
            f"published as not set, since the form leaves it for the reader to draw")


def _list_boxes(widgets) -> str | None:
    """What names each list box among the fields to draw (a choice field without the combo flag), if any.

    A reader draws a list box as its options, one a line, with those chosen marked (ISO 32000-1
    12.7.4.4); qpdf draws only the value, one line over the options' space (an export code such as
    '2'), and nothing where several are chosen (/V an array): a published paper would misstate the answer."""
    from pikepdf import Name

    names = [_field_name(w) for w in widgets
             if _field_entry(w, "/FT") == Name.Ch and not _combo(w) and not _not_drawn(w)]
    if not names:
        return None
    return (f"its form field {'; form field '.join(f'{n!r} is a list box' for n in dict.fromkeys(names))}, which "
            f"is drawn here as one line of its value rather than as its options with those chosen marked")


def _one_line_of_text(widget) -> bool:
    """Is a widget's value drawn by qpdf as one line of text: a text field's, or a combo box's chosen option?"""
    from pikepdf import Name

    return _field_entry(widget, "/FT") == Name.Tx or _combo(widget)


def _chosen_option_named(widget) -> None:
    """A combo box's value made the name its form shows for it: /V holds the chosen option's export
    value, and each pair in /Opt gives an export value and the text shown for it (ISO 32000-1
    12.7.4.4), which qpdf, drawing /V, would not show (a rating '2' for 'Requires improvement')."""
    from pikepdf import Array

    holder, options = _field_holding(widget, "/V"), _field_entry(widget, "/Opt")
    if holder is None or not isinstance(options, Array):
        return
    chosen = str(holder.V)
    shown = next((option[1] for option in options if isinstance(option, Array) and len(option) == 2
                  and str(option[0]) == chosen), None)
    if shown is not None:
        holder.V = shown


# The single-byte encodings qpdf writes a generated field's value in, by the font's /Encoding
# (qpdf's QPDFFormFieldObjectHelper: WinAnsi, MacRoman, else PDFDocEncoding).
_FIELD_CODECS = {"/WinAnsiEncoding": "cp1252", "/MacRomanEncoding": "mac_roman"}


def _drawn_faithfully(appearance, font_name, drawn: bytes, value: str) -> bool:
    """Does a generated appearance draw `value` as it is, with a font its resources hold?"""
    from pikepdf import Dictionary, Name

    resources = appearance.get("/Resources")
    fonts = resources.get("/Font") if isinstance(resources, Dictionary) else None
    font = fonts.get(str(font_name)) if isinstance(fonts, Dictionary) else None
    if not isinstance(font, Dictionary) or font.get("/Subtype") == Name.Type0:
        return False
    codec = _FIELD_CODECS.get(str(font.get("/Encoding", "")), "pdfdoc")
    try:
        return drawn.decode(codec) == value
    except UnicodeDecodeError:
        return False


def _values_redrawn_where_letters_were_lost(src, widgets) -> str | None:
    """A text field's value drawn in Liberation Sans where the appearance qpdf generated lost letters;
    what names each field holding a letter neither font has, if any (None where there is none).

    qpdf draws a value in its font's single-byte encoding, a letter outside it as '?' (Welsh
    w and y with a circumflex, Polish and Hungarian names), and a value whose font the form does
    not hold in no font at all: a published paper would silently lose what the form said."""
    from pikepdf import Dictionary, Name, Operator, String, parse_content_stream, unparse_content_stream

    lost = []
    for widget, appearance, value in _drawn_text_values(widgets):
        ops = list(parse_content_stream(appearance))
        font = next((operands[0] for operands, op in ops if op == Operator("Tf") and operands), None)
        shown = [bytes(operands[0]) for operands, op in ops if op == Operator("Tj") and operands]
        if len(shown) == 1 and not _drawn_faithfully(appearance, font, shown[0], str(value)):
            lost.append((widget, appearance, ops, str(value)))
    if not lost:
        return None
    font = value_font("".join(value for *_, value in lost))
    holding = [f"'{_field_name(widget)}' holds {', '.join(repr(c) for c in missing)}"
               for widget, *_, value in lost if (missing := sorted({_as_drawn(c) for c in value} - set(font.glyphs)))]
    font_object = src.make_indirect(font.pdf_font(src))
    for widget, appearance, ops, value in lost:
        redrawn = []
        for operands, op in ops:
            if op == Operator("Tf"):
                operands = [Name(VALUE_FONT), *list(operands)[1:]]
            elif op == Operator("Tj"):
                operands = [String(font.encode(value))]
            redrawn.append((operands, op))
        appearance.write(unparse_content_stream(redrawn))
        if not isinstance(appearance.get("/Resources"), Dictionary):
            appearance.Resources = Dictionary()
        if not isinstance(appearance.Resources.get("/Font"), Dictionary):
            appearance.Resources.Font = Dictionary()
        appearance.Resources.Font[VALUE_FONT] = font_object
    if not holding:
        return None
    from generator.render.paper_fonts import FONT_FAMILY

    return (f"its form field {'; form field '.join(holding)}, which neither the form's font nor the papers' font "
            f"({FONT_FAMILY}) can draw")


def _drawn_text_values(widgets):
    """(widget, its normal appearance, its value) of each visible one-line text field drawn with a
    value: the fields whose drawn text the checks below read back."""
    from pikepdf import Dictionary, Stream

    for widget in widgets:
        appearance = widget.get("/AP", {}).get("/N") if isinstance(widget.get("/AP"), Dictionary) else None
        value = _field_entry(widget, "/V")
        if _one_line_of_text(widget) and isinstance(appearance, Stream) and value is not None and not _not_drawn(widget):
            yield widget, appearance, value


VALUE_FONT = "/ScrValue"


def _quadding(widget, form_quadding):
    """How a field aligns its text (/Q): its own or its parents', else the form's default (ISO 32000-1
    12.7.2, 12.7.3.3)."""
    own = _field_entry(widget, "/Q")
    return own if own is not None else form_quadding


def _values_placed_or_cut_off(widgets, form_quadding) -> str | None:
    """Each text value qpdf drew placed as its field aligns it (/Q: centred or on the right; the
    form's /Q where the field has none); what names every field whose value qpdf drew with part
    of it cut off, if any (None where there is none).

    qpdf draws a value as one line from the field's left edge, whatever its lines (a multi-line
    field, /Ff bit 13), its alignment and its font size (auto, 0 Tf: 11 pt), and the field's box
    (/BBox) clips what runs past its edge: a published paper would silently lose the rest of an
    answer. A reader draws such a field whole when it prints the form to PDF."""
    from pikepdf import Dictionary, Name, Operator, parse_content_stream, unparse_content_stream

    cut = []
    for widget, appearance, value in _drawn_text_values(widgets):
        value, field = str(value), _field_name(widget)
        if len([line for line in value.splitlines() if line.strip()]) > 1:
            cut.append(f"'{field}' holds more than one line")
            continue
        ops = list(parse_content_stream(appearance))
        font_name, size = next((tuple(operands) for operands, op in ops if op == Operator("Tf")), (None, 0))
        left = next((float(operands[0]) for operands, op in ops if op == Operator("Td")), 0.0)
        shown = [bytes(operands[0]) for operands, op in ops if op == Operator("Tj") and operands]
        fonts = appearance.get("/Resources", {}).get("/Font", {})
        font = fonts.get(str(font_name)) if isinstance(fonts, Dictionary) else None
        if len(shown) != 1 or not isinstance(font, Dictionary):
            continue
        box = [float(v) for v in appearance.BBox]
        room = box[2] - box[0] - 2 * left                     # the same margin at its right as at its left
        width = float(size) * _drawn_width(font, shown[0], value) / 1000
        if width > room + 0.01:
            cut.append(f"'{field}' holds a line {width:.0f} pt long in a box {room:.0f} pt wide")
        elif (quadding := _quadding(widget, form_quadding)) in (1, 2):       # centred, on the right
            shift = (room - width) / 2 if quadding == 1 else room - width
            appearance.write(unparse_content_stream(
                [([round(left + shift, 2), *list(operands)[1:]] if op == Operator("Td") else operands, op)
                 for operands, op in ops]))
    if not cut:
        return None
    return (f"its form field {'; form field '.join(cut)}: drawn here on one line and cut off at the field's edge, "
            f"part of it would be lost, since the form leaves its fields for the reader to draw")


def _drawn_width(font, drawn: bytes, value: str) -> float:
    """How wide a value drawn in `font` is, in thousandths of its size: by the font's own widths
    (/Widths, ISO 32000-1 9.6.2), else Courier's (600 each) or Helvetica's, which are Liberation
    Sans's, the font a value the form's font cannot draw is drawn in (a composite font)."""
    from pikepdf import Array, Dictionary, Name

    widths = font.get("/Widths")
    if font.get("/Subtype") != Name.Type0 and isinstance(widths, Array):
        first = int(font.get("/FirstChar", 0))
        descriptor = font.get("/FontDescriptor")
        missing = float(descriptor.get("/MissingWidth", 0)) if isinstance(descriptor, Dictionary) else 0.0
        return sum(float(widths[code - first]) if 0 <= code - first < len(widths) else missing for code in drawn)
    if "Courier" in str(font.get("/BaseFont", "")):
        return 600.0 * len(drawn)
    sans = value_font(value)
    return float(sum(sans.widths.get(sans.glyphs.get(_as_drawn(c), -1), 0) for c in value))


def _as_drawn(char: str) -> str:
    """A character as a one-line drawing of a value shows it: a line break or tab as a space."""
    return char if char.isprintable() else " "


@dataclass(frozen=True)
class ValueFont:
    """Liberation Sans subset to the letters of a form's values, as a composite font (Identity-H:
    each glyph by its two-byte number), with the map back to Unicode that copying text reads."""

    program: bytes
    glyphs: dict[str, int]               # character -> glyph number
    widths: dict[int, int]               # glyph number -> advance, in 1/1000 em
    base_font: str
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int
    cap_height: int

    def encode(self, text: str) -> bytes:
        return b"".join(self.glyphs.get(_as_drawn(c), 0).to_bytes(2, "big") for c in text)

    def pdf_font(self, pdf):
        from pikepdf import Array, Dictionary, Name, Stream, String

        program = Stream(pdf, self.program)
        program.Length1 = len(self.program)
        descriptor = pdf.make_indirect(Dictionary(
            Type=Name.FontDescriptor, FontName=Name("/" + self.base_font), Flags=32, FontBBox=Array(list(self.bbox)),
            ItalicAngle=0, Ascent=self.ascent, Descent=self.descent, CapHeight=self.cap_height, StemV=80,
            FontFile2=pdf.make_indirect(program)))
        widths = Array()
        for gid in sorted(self.widths):
            widths.extend([gid, Array([self.widths[gid]])])
        descendant = pdf.make_indirect(Dictionary(
            Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + self.base_font),
            CIDSystemInfo=Dictionary(Registry=String("Adobe"), Ordering=String("Identity"), Supplement=0),
            FontDescriptor=descriptor, W=widths, CIDToGIDMap=Name.Identity))
        return Dictionary(Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + self.base_font),
                          Encoding=Name("/Identity-H"), DescendantFonts=Array([descendant]),
                          ToUnicode=pdf.make_stream(self._to_unicode()))

    def _to_unicode(self) -> bytes:
        """The CMap from glyph numbers back to characters (ISO 32000-1 9.10.3)."""
        pairs = sorted((gid, char) for char, gid in self.glyphs.items())
        lines = [f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>" for gid, char in pairs]
        chunks = [lines[i:i + 100] for i in range(0, len(lines), 100)]
        body = "".join(f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar\n" for chunk in chunks)
        return ("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
                f"{body}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n").encode("ascii")


def value_font(text: str) -> ValueFont:
    """Liberation Sans (the papers' font) subset to the letters of `text` that it has, keeping
    each glyph's number; deterministic, its subset tag from the subset's bytes."""
    import logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    from generator.render.paper_fonts import check_fonts

    logging.getLogger("fontTools").setLevel(logging.ERROR)
    wanted = sorted({_as_drawn(c) for c in text} | {" "})
    with TTFont(str(check_fonts()["regular"]), recalcTimestamp=False, recalcBBoxes=False, lazy=True) as font:
        cmap = font.getBestCmap()
        glyph_names = font.getGlyphOrder()
        glyphs = {c: glyph_names.index(cmap[ord(c)]) for c in wanted if ord(c) in cmap}
        scale = 1000 / font["head"].unitsPerEm
        widths = {gid: round(font["hmtx"][glyph_names[gid]][0] * scale) for gid in glyphs.values()}
        head, os2 = font["head"], font["OS/2"]
        bbox = tuple(round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax))
        metrics = (round(os2.sTypoAscender * scale), round(os2.sTypoDescender * scale),
                   round(getattr(os2, "sCapHeight", 700) * scale))
        subsetter = subset.Subsetter(_subset_options(retain_gids=True))
        subsetter.populate(gids=sorted(glyphs.values()))
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer, reorderTables=True)
    program = buffer.getvalue()
    tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(program).digest()[:6])
    return ValueFont(program, glyphs, widths, f"{tag}+LiberationSans", bbox, *metrics)


class _FieldTags:
    """A tagged form's structure, as its fields are flattened: the element that referred to a
    field's widget (an OBJR) owns the drawn value instead (an MCR), or is left out when the
    field draws nothing; a field no element referred to gets a Form element of its own."""

    def __init__(self, src, root) -> None:
        self.src, self.root = src, root
        self.parents = dict(number_tree_items(root.ParentTree))
        self.next_key = max([int(root.get("/ParentTreeNextKey", 0)), *(k + 1 for k in self.parents)])

    def drawn(self, page, widget, ops: bytes) -> bytes:
        """`ops`, marked as content of the field's element (nothing, where they are empty)."""
        from pikepdf import Array, Dictionary, Name

        element = self.parents.pop(int(widget.StructParent), None) if "/StructParent" in widget else None
        if not ops:
            if isinstance(element, Dictionary):
                self._replace_reference(element, widget, None)
            return b""
        if "/StructParents" not in page.obj:
            page.obj.StructParents = self.next_key
            self.next_key += 1
        on_page = self.parents.setdefault(int(page.obj.StructParents), Array())
        content = Dictionary(Type=Name.MCR, Pg=page.obj, MCID=len(on_page))
        if isinstance(element, Dictionary):
            self._replace_reference(element, widget, content)
        else:
            element = self.src.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Form, P=self.root,
                                                         K=Array([content])))
            kids = self.root.K
            self.root.K = Array([*(kids if isinstance(kids, Array) else [kids]), element])
        on_page.append(element)
        return b"/Form <</MCID %d>> BDC\n" % int(content.MCID) + ops + b"EMC\n"

    def _replace_reference(self, element, widget, content) -> None:
        from pikepdf import Array, Dictionary

        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, Array) else [] if kids is None else [kids]
        refers = [isinstance(k, Dictionary) and getattr(k.get("/Obj"), "objgen", None) == widget.objgen for k in kids]
        element.K = Array([content if is_ref else k for k, is_ref in zip(kids, refers) if content is not None or not is_ref])

    def write(self) -> None:
        from pikepdf import Array, Dictionary

        nums = Array()
        for key in sorted(self.parents):
            nums.extend([key, self.parents[key]])
        self.root.ParentTree = self.src.make_indirect(Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.next_key


# What reading an inserted PDF's objects raises where one is not of the type or shape the standard
# gives it (an /Annots that is a number, a /Rotate that is a name, a loop in a tree): pikepdf's own
# errors (added where caught: pikepdf is imported late), and Python's on the value pikepdf hands back.
_MALFORMED = (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError)


def _fault(exc: BaseException) -> str:
    import pikepdf

    if isinstance(exc, RecursionError):
        return "a loop in its objects"
    said = qpdf_message(exc) if isinstance(exc, pikepdf.PikepdfError) else str(exc)
    return said.splitlines()[0] if said else type(exc).__name__


class _Assembler:
    """Builds one output PDF. Normally a new file that each piece is copied into; with
    `adopt`, the output is that document itself (a lone paper of our own), whose pages and
    elements are already where they belong, so nothing is copied (copying every object of
    a paper into a new file is most of the work of assembling it). Both ways run the same
    steps and give the same structure."""

    def __init__(self, meta: Metadata, adopt=None) -> None:
        import pikepdf
        from pikepdf import Array, Dictionary, Name

        self.pikepdf = pikepdf
        self.adopted = adopt is not None
        self.pdf = adopt if self.adopted else pikepdf.new()
        self.meta = meta
        self.root_elem = self.pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
        self.document = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, P=self.root_elem,
                                                          K=Array()))
        self.root_elem.K = Array([self.document])
        self.parent_tree: list[tuple[int, object]] = []
        self.next_key = 0
        self.role_map = Dictionary()
        self.outline = _OutlineNode("")
        self.alt_added = 0                 # figures that arrived without /Alt (e.g. in an inserted PDF)
        self.ids: dict[bytes, object] = {}  # element /ID -> element: the /IDTree of the whole
        self.pieces = 0
        self.labels: list[int | None] = []   # each page's printed number, None where it has none
        self.regular = overlay_font("regular")
        self.bold = overlay_font("bold")
        self.fonts = {self.regular.name: _font_object(self.pdf, self.regular),
                      self.bold.name: _font_object(self.pdf, self.bold)}

    def _copy(self, obj):
        """Copy an object of a source document (direct objects member by member)."""
        pikepdf = self.pikepdf
        if self.adopted:               # the only source is the output itself
            return obj
        if not isinstance(obj, pikepdf.Object) or not obj.is_indirect and not isinstance(
                obj, (pikepdf.Array, pikepdf.Dictionary)):
            return obj
        if obj.is_indirect:
            return self.pdf.copy_foreign(obj)
        if isinstance(obj, pikepdf.Array):
            return pikepdf.Array([self._copy(v) for v in obj])
        return pikepdf.Dictionary({k: self._copy(v) for k, v in obj.items()})

    # -- one document
    def add(self, piece: Piece, number_from: int | None, draft: bool, alone: bool = False) -> int:
        """Append a piece's pages; returns how many pages it added. `alone`: the output has
        no other piece, so the piece's own element IDs cannot collide with another's."""
        src = open_piece(piece)
        try:
            return self._add(piece, src, number_from, draft, alone)
        except UndrawableFieldValue as exc:
            raise CannotInsert(f"{piece.label or 'a document'} cannot be inserted: {exc}", FORM_REPRINT_HINT) from None
        except (self.pikepdf.PikepdfError, *_MALFORMED) as exc:
            if piece.repaired:             # our own layout: a fault of ours, not of a file
                raise
            raise CannotInsert(f"{piece.label or 'a document'} cannot be inserted: an object in it is not "
                               f"as the PDF standard describes ({_fault(exc)})") from None
        finally:
            src.close()

    def add_adopted(self, piece: Piece, number_from: int | None, draft: bool) -> int:
        """The adopted document's own piece: its pages are in place already."""
        return self._add(piece, self.pdf, number_from, draft, alone=True)

    def _add(self, piece: Piece, src, number_from: int | None, draft: bool, alone: bool) -> int:
        pikepdf = self.pikepdf
        from pikepdf import Array, Dictionary, Name, String

        _explicit_destinations(src)
        if not piece.repaired:
            _without_active_content(src)
            _form_fields_drawn(src)
        first = 0 if self.adopted else len(self.pdf.pages)
        src_root = src.Root.get("/StructTreeRoot")
        bookmarks = self._source_bookmarks(src) if piece.keep_bookmarks else []
        if piece.flatten_single_root and len(bookmarks) == 1:
            bookmarks = bookmarks[0][2]
        if not self.adopted:
            self.pdf.pages.extend(src.pages)
        pages = [self.pdf.pages[i] for i in range(first, len(self.pdf.pages))]
        part = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, P=self.document, K=Array()))
        if piece.title:
            part.T = String(piece.title)
        self.document.K.append(part)
        offset = self.next_key
        tagged = src_root is not None and "/K" in src_root and "/ParentTree" in src_root
        if tagged:
            kids = src_root.K
            kids = kids if isinstance(kids, pikepdf.Array) else Array([kids])
            for kid in kids:
                if isinstance(kid, Dictionary) and "/P" in kid:
                    del kid.P
                copied = self._copy(kid)
                copied.P = part
                if copied.get("/S") == Name.Document:
                    copied.S = Name.Div
                part.K.append(copied)
            # Each walk of a copied tree costs a call into pikepdf per element: a repaired
            # paper needs neither.
            if not piece.repaired:
                self.alt_added += _ensure_alt(part, f"A figure in {piece.title or piece.label or 'this document'}")
            if piece.repaired and alone:
                self.ids.update({key: self._copy(elem) for key, elem in name_tree_items(src_root.get("/IDTree"))})
            else:
                self.ids.update(_unique_ids(part, f"d{self.pieces}-"))
            top = -1
            for key, value in number_tree_items(src_root.ParentTree):
                self.parent_tree.append((key + offset, self._copy(value)))
                top = max(top, key)
            top = max(top, int(src_root.get("/ParentTreeNextKey", 0)) - 1)
            for name, target in src_root.get("/RoleMap", {}).items():
                if name not in self.role_map:
                    self.role_map[name] = target
            self.next_key = offset + top + 1
            for page in pages:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annot in page.obj.get("/Annots", []):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
        else:
            # An untagged inserted PDF: each page becomes one paragraph, so its text is read.
            for page in pages:
                key = self.next_key
                self.next_key += 1
                elem = self.pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=part, Pg=page.obj, K=0))
                part.K.append(elem)
                page.obj.StructParents = key
                page.contents_add(b"/P <</MCID 0>> BDC\n", prepend=True)
                page.contents_add(b"\nEMC\n")
                self.parent_tree.append((key, Array([elem])))
        for index, page in enumerate(pages):
            number = f"Page {number_from + index}" if number_from is not None else None
            self.labels.append(number_from + index if number_from is not None else None)
            marks = (("DRAFT - not for publication",) if draft else ()) + piece.marks
            self._overlay(page, piece.stamp, number, marks)
        self._place_outline(piece, first, bookmarks)
        self.pieces += 1
        return len(pages)

    def _overlay(self, page, stamp, number, marks) -> None:
        from pikepdf import Dictionary, Name

        if not (stamp or number or marks):
            return
        resources = page.obj.get("/Resources")
        if resources is None:
            page.obj.Resources = resources = Dictionary()
        if "/Font" not in resources:
            resources.Font = Dictionary()
        for name, font in self.fonts.items():
            resources.Font[name] = font
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"\nQ\n" + overlay_ops(page, stamp=stamp, number=number, marks=marks,
                                                  regular=self.regular, bold=self.bold))
        if "/Tabs" not in page.obj:
            page.obj.Tabs = Name.S

    # -- outline
    def _source_bookmarks(self, src) -> list[tuple[int, str, object, list]]:
        """(level, title, destination array, children) of a document's own outline."""
        out = []
        try:
            with src.open_outline() as outline:
                def walk(items):
                    found = []
                    for item in items:
                        dest = item.destination
                        if dest is None and item.action is not None and item.action.get("/S") == "/GoTo":
                            dest = item.action.get("/D")
                        found.append((item.title, dest, walk(item.children)))
                    return found
                out = walk(outline.root)
        except Exception:          # a broken outline in an inserted PDF: leave it out
            return []
        return out

    def _place_outline(self, piece: Piece, first: int, bookmarks) -> None:
        node = self.outline
        for title in piece.outline:
            match = next((c for c in node.children if c.title == title), None)
            if match is None:
                match = _OutlineNode(title, page=first)
                node.children.append(match)
            node = match

        def add(parent: _OutlineNode, items) -> None:
            for title, dest, children in items:
                copied = None
                if isinstance(dest, self.pikepdf.Array) and len(dest) and isinstance(dest[0], self.pikepdf.Dictionary):
                    copied = self._copy(dest)
                child = _OutlineNode(title, page=first if copied is None else None, destination=copied)
                parent.children.append(child)
                add(child, children)

        add(node, bookmarks)

    def _write_outline(self) -> None:
        from pikepdf import OutlineItem

        def build(node: _OutlineNode):
            if node.destination is not None:
                item = OutlineItem(node.title, destination=node.destination)
            else:
                item = OutlineItem(node.title, destination=node.page or 0)
            for child in node.children:
                item.children.append(build(child))
            return item

        with self.pdf.open_outline() as outline:
            outline.root.extend(build(child) for child in self.outline.children)

    # -- the whole
    def finish(self) -> bytes:
        from pikepdf import Array, Dictionary, Name, String

        pdf, meta = self.pdf, self.meta
        if self.adopted:
            # The catalog is made below as a new file's would be: the document's own tree,
            # outline and names (read into the assembly already) are left behind, unwritten.
            for key in [k for k in pdf.Root.keys() if k not in ("/Type", "/Pages")]:
                del pdf.Root[key]
            if "/ID" in pdf.trailer:       # else QPDF keeps its first half rather than derive it
                del pdf.trailer.ID
        nums = Array()
        for key, value in sorted(self.parent_tree, key=lambda kv: kv[0]):
            nums.append(key)
            nums.append(value)
        self.root_elem.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
        self.root_elem.ParentTreeNextKey = self.next_key
        if len(self.role_map):
            self.root_elem.RoleMap = self.role_map
        if self.ids:
            names = Array()
            for key in sorted(self.ids):
                names.append(String(key))
                names.append(self.ids[key])
            self.root_elem.IDTree = pdf.make_indirect(Dictionary(Names=names))
        pdf.Root.StructTreeRoot = self.root_elem
        pdf.Root.PageLabels = page_labels(self.labels)
        pdf.Root.MarkInfo = Dictionary(Marked=True)
        pdf.Root.Lang = String(meta.lang)
        pdf.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if self.outline.children:
            self._write_outline()
            pdf.Root.PageMode = Name.UseOutlines
        info = Dictionary(Title=String(meta.title), Producer=String(f"Scrutiny {__version__}"))
        if meta.author:
            info.Author = String(meta.author)
        if meta.subject:
            info.Subject = String(meta.subject)
        if meta.created:
            info.CreationDate = String(meta.created.strftime("D:%Y%m%d000000Z"))
        pdf.trailer.Info = pdf.make_indirect(info)
        xmp = _xmp(meta)
        pdf.Root.Metadata = pdf.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False, force_version="1.7",
                 object_stream_mode=self.pikepdf.ObjectStreamMode.generate, compress_streams=True)
        return out.getvalue()


def page_labels(numbers: Sequence[int | None]):
    """The /PageLabels number tree (ISO 32000-1, 12.4.2) that makes a viewer's page numbers
    the printed ones: a numbered page is labelled with its number ("Go to page 13" reaches
    "Page 13"); pages printed without a number (the front sheet) are i, ii, iii ..."""
    from pikepdf import Array, Dictionary, Name

    nums = Array()
    previous: int | None | str = "start"
    unnumbered = 0
    for index, number in enumerate(numbers):
        if number is None:
            unnumbered += 1
            if previous is None:
                continue
            nums.extend([index, Dictionary(S=Name.r, St=unnumbered)])
        elif not (isinstance(previous, int) and not isinstance(previous, bool) and number == previous + 1):
            nums.extend([index, Dictionary(S=Name.D, St=number)])
        previous = number
    return Dictionary(Nums=nums)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xmp(meta: Metadata) -> bytes:
    """XMP metadata with the PDF/UA identification, title and language; no clock, no uuid."""
    created = f"<xmp:CreateDate>{meta.created.isoformat()}</xmp:CreateDate>" if meta.created else ""
    creator = (f"<dc:creator><rdf:Seq><rdf:li>{_xml(meta.author)}</rdf:li></rdf:Seq></dc:creator>"
               if meta.author else "")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        "<pdfuaid:part>1</pdfuaid:part>"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{_xml(meta.title)}</rdf:li></rdf:Alt></dc:title>'
        f"<dc:language><rdf:Bag><rdf:li>{_xml(meta.lang)}</rdf:li></rdf:Bag></dc:language>"
        f"{creator}<pdf:Producer>Scrutiny {__version__}</pdf:Producer>{created}"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n"
        '<?xpacket end="r"?>').encode("utf-8")


class UnusablePieces(ValueError):
    """Every inserted PDF of an output that cannot be inserted, each with what is wrong with it
    (`problems`, each a ValueError), so that a clerk puts them all right after one build rather
    than one a build."""

    def __init__(self, problems: Sequence[ValueError]) -> None:
        self.problems = list({str(p): p for p in problems}.values())     # a file given twice is said once
        super().__init__("\n".join(str(p) for p in self.problems))


def insertion_problem(piece: Piece) -> ValueError | None:
    """What stops an inserted PDF from being inserted, tried on its own; None when nothing does."""
    try:
        _Assembler(Metadata(title="", lang="")).add(piece, 1 if piece.numbered else None, draft=False, alone=True)
    except ValueError as exc:
        return exc
    return None


def assemble(pieces: Sequence[Piece], meta: Metadata, first_page: int = 1, draft: bool = False) -> bytes:
    """One PDF from `pieces` in order; numbered pieces are numbered on from `first_page`. An
    inserted PDF that cannot be inserted raises UnusablePieces naming it and every later one."""
    if len(pieces) == 1 and pieces[0].repaired:
        piece = pieces[0]
        with open_piece(piece) as document:
            assembler = _Assembler(meta, adopt=document)
            assembler.add_adopted(piece, first_page if piece.numbered else None, draft)
            return assembler.finish()
    assembler = _Assembler(meta)
    page = first_page
    for index, piece in enumerate(pieces):
        try:
            added = assembler.add(piece, page if piece.numbered else None, draft, alone=len(pieces) == 1)
        except ValueError as exc:
            if piece.repaired:
                raise
            # The rest are each tried alone: the assembly half made is no fair test of them.
            later = (insertion_problem(p) for p in pieces[index + 1:] if not p.repaired)
            raise UnusablePieces([exc, *(problem for problem in later if problem)]) from None
        if piece.numbered:
            page += added
    return assembler.finish()

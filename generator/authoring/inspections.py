"""`scrutiny import inspections FILE.csv|FILE.xlsx`: published ratings in bulk -> inspection records.

Two layouts, told apart by their headers (in any order):

- Data to Insight's table of HMIP youth inspections (`hmi_youth_justice_inspection_ratings.csv`),
  one row an inspection: la_name, score_%, overall_rating, publication_date, report_url, and
  a column per standard as the scrape names it;
- Scrutiny's own `data/ratings.csv`, one row an inspection's standard, so that what a site
  exports another can import (its columns: docs/data.md).

Each row becomes one record in content/inspections/, marked `imported:` with its file, whose
table it is (the site credits Data to Insight by it), its row and the digest of what was
written (`model.inspection.imported_digest`). Only what the row says unambiguously is recorded
(docs/user-guide.md says what, and why): the framework is chosen by the publication date
(`rules.hmip.frameworks_for`), a column that covers two standards of it is left out, a value
that is not what its column holds is left out with a warning at its cell. A row that cannot be
an inspection (no area, no publication date, nor rating nor score) is an error; the others are
still imported.

A record the import wrote and nobody has edited is updated by a later import; any other
record of the same inspection (written by hand, or edited since) is reported and left
alone. Areas it does not know get a service and a council record holding only their name.
Every file is written whole, and all of them or none (`write_all`).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from generator.authoring import AuthoringError, cannot_write, require_content
from generator.authoring.scaffold import KINDS, load_frameworks, schema_line, write_schemas
from generator.authoring.spreadsheet import (HEADER_SEARCH_ROWS, Cell, CellError, Sheet, clean_text, csv_delimiter,
                                             column_letter, parse_date, read_xlsx, slug, yaml_text)
from generator.clock import london_minute, now_in_london
from generator.load.documents import read_document
from generator.load.files import ID_MAX_LENGTH, ID_PATTERN
from generator.model import Council, Framework, Inspection, Service
from generator.model.inspection import NOT_RATED, ImportedTable, imported_digest
from generator.model.types import Rating, parse_local_datetime, parse_rating
from generator.problems import Problem, Severity
from generator.rules import hmip
from generator.stopping import stop_signals_held
from generator.textsafety import printable, unescaped_cell
from generator.validate import validate_document

INSPECTORATE = "HM Inspectorate of Probation"

# --------------------------------------------------------------------------- problems


class RowProblem(Problem):
    """A problem of the file, as a spreadsheet shows where: `line` is the row (the header is row 1;
    0: the file as a whole), `column` the column, A as 1 (0: the row as a whole)."""

    @property
    def where(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}" + (f":{column_letter(self.column - 1)}" if self.column else "")


def _column(index: int | None) -> int:
    return 0 if index is None else index + 1


class ImportFailed(AuthoringError):
    """The file as a whole cannot be imported (unreadable, empty, an unknown layout): nothing was written."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems) + "\nnothing was imported")


# --------------------------------------------------------------------------- reading the file

def _located_decode_error(raw: bytes, error: UnicodeDecodeError, shown: str) -> RowProblem:
    """Where the first byte that is not UTF-8 stands, as row and column."""
    before = raw[:error.start]
    row = before.count(b"\n") + 1
    line = before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")
    column = max(len(next(csv.reader([line]), [""])) - 1, 0)
    return RowProblem(shown, row, _column(column), Severity.ERROR, "",
                      f"byte 0x{raw[error.start]:02X} is not UTF-8: the file is in another encoding",
                      "open it in Excel and Save As 'CSV UTF-8 (Comma delimited)', then import that")


def read_csv_utf8(path: Path, shown: str) -> Sheet:
    """A CSV file as UTF-8 (with or without Excel's byte-order mark), in any of Excel's line
    ends and delimiters. Another encoding is an error at its first byte that is not UTF-8:
    guessing one (Windows-1252, say) could change the names the file holds."""
    raw = path.read_bytes()
    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ImportFailed([_located_decode_error(body, error, shown)]) from None
    try:
        rows = [[Cell(unescaped_cell(value)) for value in row]
                for row in csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=csv_delimiter(text))]
    except csv.Error as error:
        raise ImportFailed([RowProblem(shown, 1, 0, Severity.ERROR, "", f"the file is not CSV ({error})")]) from None
    return Sheet(path.stem, rows, excel=False)


def read_table(path: Path, shown: str) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, None)
    if suffix in (".csv", ".txt"):
        return [read_csv_utf8(path, shown)]
    raise AuthoringError(f"{shown}: give a .csv or .xlsx file", usage=True)


# --------------------------------------------------------------------------- layouts

def header_key(value: Any) -> str:
    """A header as its layout names it: 'Score %' and 'score_%' are both 'score_%'."""
    return re.sub(r"[^a-z0-9%]+", "_", str(value or "").strip().lower()).strip("_")


# Data to Insight's columns that are not standards; every other column names a standard.
DTI_COLUMNS = {"area": "la_name", "reference": "la_ref", "score_percent": "score_%", "rating": "overall_rating",
               "published": "publication_date", "report_url": "report_url"}
# Scrutiny's data/ratings.csv (render/data.py RATINGS_COLUMNS), the columns read back.
OURS_COLUMNS = {"inspection": "inspection", "area": "service", "council": "council", "framework": "framework",
                "inspection_type": "inspection_type", "published": "published", "rating": "overall_rating",
                "score": "overall_score", "score_percent": "overall_score_percent", "standard": "standard",
                "standard_rating": "published_rating", "report_url": "report_url", "joint": "joint",
                "status": "status", "embargo_until": "embargo_until", "cases": "cases", "table": "imported_table",
                "lowest_percent": "lowest_key_question_percent"}
DTI_REQUIRED = ("la_name", "publication_date", "overall_rating")
OURS_REQUIRED = ("inspection", "service", "framework", "standard", "published_rating")


@dataclass
class Layout:
    name: str                     # "dti" | "ours"
    header_row: int               # 0-based
    columns: dict[str, int]       # our name for a column -> its index
    headers: dict[int, str]       # index -> the header as written
    standard_columns: list[int] = field(default_factory=list)   # Data to Insight's standards
    hidden: dict[int, str] = field(default_factory=dict)        # index -> header of a column hidden in the sheet

    def __post_init__(self) -> None:
        self.standard_columns = sorted(self.standard_columns)


def find_layout(sheet: Sheet) -> Layout | None:
    """The header row and its columns; a column hidden in the sheet is not read, as it is not the
    table as shown and printed (a column of working notes, an older rating kept out of sight)."""
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        written = {c: " ".join(str(cell.value).split()) for c, cell in enumerate(row)
                   if cell.value is not None and str(cell.value).strip()}
        headers = {c: text for c, text in written.items() if c not in sheet.hidden_columns}
        hidden = {c: text for c, text in written.items() if c in sheet.hidden_columns}
        keys = {header_key(text): c for c, text in headers.items()}
        if all(k in keys for k in DTI_REQUIRED):
            known = set(DTI_COLUMNS.values())
            return Layout("dti", index, {name: keys[key] for name, key in DTI_COLUMNS.items() if key in keys},
                          headers, [c for key, c in keys.items() if key not in known], hidden)
        if all(k in keys for k in OURS_REQUIRED):
            return Layout("ours", index, {name: keys[key] for name, key in OURS_COLUMNS.items() if key in keys},
                          headers, hidden=hidden)
    return None


def hidden_required_columns(sheet: Sheet) -> tuple[int, list[str]]:
    """The header row (0-based) and the headers, with their letters, of the columns a layout needs
    that are hidden in the sheet, which is why no layout was found; no headers if that is not why."""
    shown = find_layout(dataclasses.replace(sheet, hidden_columns=frozenset()))
    if shown is None:
        return 0, []
    required = DTI_REQUIRED if shown.name == "dti" else OURS_REQUIRED
    columns = [c for c, text in shown.headers.items() if header_key(text) in required and c in sheet.hidden_columns]
    return shown.header_row, [f"'{shown.headers[c]}' ({column_letter(c)})" for c in sorted(columns)]


# --------------------------------------------------------------------------- values

@dataclass(frozen=True)
class At:
    """A cell: its row as the spreadsheet numbers it, its column, its header, its value."""

    row: int
    column: int | None
    header: str
    value: Any

    @property
    def text(self) -> str | None:
        return clean_text(self.value)


def _squeeze(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


_RATING_SQUEEZED = {_squeeze(r.value): r for r in Rating}


def read_rating(text: str) -> Rating | str | None:
    """A rating word as a PDF scrape or a person writes it: any case, words broken by the
    layout ('Requires i mprovement'), 'RI'; 'not rated' where the source says so. None: it is
    no rating."""
    words = " ".join(text.split())
    if words.lower() == NOT_RATED:
        return NOT_RATED
    try:
        return parse_rating(words)
    except Exception:
        return _RATING_SQUEEZED.get(_squeeze(words))


def read_percent(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = (clean_text(value) or "").rstrip("%").strip()
    try:
        number = float(text)
    except ValueError:
        return None
    return number if 0 <= number <= 100 else None


URL = re.compile(r"^https?://[^\s<>\"]+$")


def area_of(text: str) -> tuple[str, bool]:
    """An area's name as the row gives it, and whether it names a joint inspection: 'Suffolk - JI'
    and 'youth offending services in Suffolk - Joint_Inspection' are a joint inspection of Suffolk."""
    name = " ".join(text.split())
    joint = re.search(r"\s*[-–]\s*(JI|joint[ _]inspection)\s*$", name, re.I)
    if joint:
        name = name[:joint.start()]
    name = re.sub(r"^(an\s+)?inspection\s+of\s+|^youth\s+(offending|justice)\s+services?\s+in\s+", "", name,
                  flags=re.I)
    return name.strip(), joint is not None


# Words around an area's name in a service's or council's: 'Torbay Youth Offending Team',
# 'City of Wolverhampton Council', 'Royal Borough of Greenwich' are Torbay, Wolverhampton, Greenwich.
_AFFIXES = re.compile(
    r"^(the|royal borough of|london borough of|borough of|city and county of|city of|county of) "
    r"|( youth offending (team|service|services)| youth justice (service|services|team)| yot| yos| yjs"
    r"|( metropolitan| county| city| borough| district)* council)$")


def area_key(text: str) -> str:
    """What two names of one area share, whatever their case, punctuation and service words."""
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).strip()
    while True:
        shorter = _AFFIXES.sub("", words).strip()
        if shorter == words:
            return words
        words = shorter


# --------------------------------------------------------------------------- frameworks

@dataclass(frozen=True)
class Target:
    """A place in a record a rating goes: ('standards', '1.1') or ('separately_rated', 'resettlement')."""

    where: str
    key: str
    label: str                    # '1.1 Governance and leadership'


def targets(framework: Framework) -> list[Target]:
    found = [Target("standards", s.number, f"{s.number} {s.name}") for d in framework.domains for s in d.standards]
    return found + [Target("separately_rated", s.key, f"{s.number} {s.name}") for s in framework.separately_rated]


def named_standards(framework: Framework, column: str) -> list[Target]:
    """The standards a Data to Insight column names in a framework, by their names: one is the
    standard; two or more, the column covers them all and cannot say which; none, it is not a
    standard of this framework. A column of several words may name the end of a standard's
    name ('policy_and_provision': out-of-court disposal, or resettlement, policy and provision)."""
    name = _squeeze(column)
    every = targets(framework)
    exact = [t for t in every if _squeeze(t.label.split(" ", 1)[1]) == name]
    if exact or not re.search(r"[_\s]", column.strip("_ ")):
        return exact
    return [t for t in every if _squeeze(t.label.split(" ", 1)[1]).endswith(name)]


def max_score(framework: Framework) -> int | None:
    if not framework.ratings:
        return None
    return sum(len(d.standards) for d in framework.domains) * max(framework.ratings.values())


def lacks_earlier_score(row: Row, later: Framework, earlier: Framework) -> bool:
    """Whether a row cannot be a report of the earlier framework for want of a score: every
    report of a scored framework (2018, 2021) publishes one, and the later one's (2025) none,
    so a row without one is the later framework's, whatever its columns' names (Data to
    Insight's 'staff', 'assessment' ... name the 2025 framework's areas too)."""
    given = any(at is not None and at.text for at in (row.score, row.score_percent))
    return max_score(later) is None and max_score(earlier) is not None and not given


# --------------------------------------------------------------------------- rows

@dataclass
class Row:
    """One inspection as the file gives it (Data to Insight: one row; ours: one row a standard)."""

    number: int                   # its (first) row, as the spreadsheet shows it
    area: At | None
    council: At | None
    published: At | None
    rating: At | None
    score: At | None              # a whole score (ours)
    score_percent: At | None
    report_url: At | None
    framework: At | None = None
    inspection_type: At | None = None
    joint: At | None = None
    record_id: str | None = None  # ours: the inspection's id in the site it came from
    status: At | None = None      # ours: the record's status and embargo in the site it came from
    embargo_until: At | None = None
    table: At | None = None       # ours: whose table the record came from in the site it came from
    standards: list[At] = field(default_factory=list)   # Data to Insight: header = the column; ours: header = number
    cases: dict[str, At] = field(default_factory=dict)  # ours: a standard's number -> its cases cell
    lowest: list[At] = field(default_factory=list)      # ours: lowest key question percentages given


def _cell(sheet: Sheet, layout: Layout, row: int, name: str) -> At | None:
    column = layout.columns.get(name)
    if column is None:
        return None
    return At(row + 1, column, layout.headers[column], sheet.cell(row, column).value)


def read_rows(sheet: Sheet, layout: Layout) -> Iterator[Row]:
    """The inspections of the sheet, blank rows and rows hidden in the sheet skipped."""
    start = layout.header_row + 1
    if layout.name == "dti":
        for index in range(start, len(sheet.rows)):
            if all(clean_text(c.value) is None for c in sheet.rows[index]) or index in sheet.hidden_rows:
                continue
            cell = partial_cell(sheet, layout, index)
            yield Row(index + 1, cell("area"), None, cell("published"), cell("rating"), None, cell("score_percent"),
                      cell("report_url"), standards=[At(index + 1, c, layout.headers[c], sheet.cell(index, c).value)
                                                     for c in layout.standard_columns])
        return
    current: Row | None = None
    for index in range(start, len(sheet.rows)):
        if all(clean_text(c.value) is None for c in sheet.rows[index]) or index in sheet.hidden_rows:
            continue
        cell = partial_cell(sheet, layout, index)
        inspection = clean_text(sheet.cell(index, layout.columns["inspection"]).value) or f"row {index + 1}"
        if current is None or current.record_id != inspection:
            if current is not None:
                yield current
            current = Row(index + 1, cell("area"), cell("council"), cell("published"), cell("rating"), cell("score"),
                          cell("score_percent"), cell("report_url"), cell("framework"), cell("inspection_type"),
                          cell("joint"), inspection, status=cell("status"), embargo_until=cell("embargo_until"),
                          table=cell("table"))
        standard, rating = cell("standard"), cell("standard_rating")
        if standard is not None and standard.text and rating is not None:
            current.standards.append(At(rating.row, rating.column, standard.text, rating.value))
            cases, lowest = cell("cases"), cell("lowest_percent")
            if cases is not None and cases.text:
                current.cases[standard.text] = cases
            if lowest is not None and lowest.text:
                current.lowest.append(lowest)
    if current is not None:
        yield current


def table_of(layout: Layout, row: Row) -> ImportedTable:
    """Whose table a record's data is, as `imported.table` says it and the site credits it:
    Data to Insight's, read from their file or from a site's ratings.csv whose row came from
    it (their MIT licence's notice goes with every copy); else a site's own ratings.csv."""
    if layout.name == "dti":
        return ImportedTable.DATA_TO_INSIGHT
    given = row.table.text if row.table else None
    return ImportedTable.DATA_TO_INSIGHT if given == ImportedTable.DATA_TO_INSIGHT.value else ImportedTable.SCRUTINY


def partial_cell(sheet: Sheet, layout: Layout, row: int) -> Callable[[str], At | None]:
    return lambda name: _cell(sheet, layout, row, name)


# --------------------------------------------------------------------------- the site as it is

@dataclass
class Existing:
    """An inspection record already in the site."""

    id: str
    path: Path
    model: Inspection | None      # None: the file does not read as an inspection
    text: str
    said: dict[str, str]          # its service, published and report_url as written (read or not)


@dataclass
class Site:
    """What the import matches rows against: services, councils and inspections by name and date."""

    root: Path
    frameworks: dict[str, Framework]
    services: dict[str, Service] = field(default_factory=dict)
    councils: dict[str, Council] = field(default_factory=dict)
    inspections: dict[str, Existing] = field(default_factory=dict)

    def service_for(self, name: str) -> str | None:
        key = area_key(name)
        found = sorted(sid for sid, s in self.services.items() if key in (area_key(s.name), area_key(s.short_name)))
        if not found:
            councils = self.council_for(name)
            found = sorted(sid for sid, s in self.services.items() if s.council == councils)
        return found[0] if len(found) == 1 else None

    def council_for(self, name: str) -> str | None:
        key = area_key(name)
        found = sorted(cid for cid, c in self.councils.items()
                       if key in (area_key(c.name), area_key(c.short_name or c.name)))
        return found[0] if found else None


def _records(root: Path, folder: str, kind: str) -> Iterator[tuple[str, Path, Any, str, dict[str, str]]]:
    """(id, path, model or None, text, what it says of its service, publication and report) of
    each record in content/<folder>/: a file with an error still says which inspection it is."""
    here = root / "content" / folder
    if not here.is_dir():
        return
    for path in sorted(here.glob("*.y*ml")):
        if path.name.startswith("."):
            continue
        doc, problems = read_document(path, root, kind)
        record = validate_document(doc)[0] if doc is not None else None
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            text = ""
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        said = {key: str(data[key]) for key in ("service", "published", "report_url") if data.get(key) is not None}
        yield path.stem, path, record.model if record is not None else None, text, said


def read_site(root: Path) -> Site:
    site = Site(root, {fid: f for fid, (f, _) in load_frameworks(root).items()})
    for sid, _, model, _, _ in _records(root, "services", "service"):
        if model is not None:
            site.services[sid] = model
    for cid, _, model, _, _ in _records(root, "councils", "council"):
        if model is not None:
            site.councils[cid] = model
    for iid, path, model, text, said in _records(root, "inspections", "inspection"):
        site.inspections[iid] = Existing(iid, path, model, text, said)
    return site


# --------------------------------------------------------------------------- rows -> records

@dataclass
class Built:
    """What one row gives: the record's data (service and council still by name) and what was left out."""

    row: Row
    area: str
    council_name: str
    joint: bool
    framework: str
    published: str | None
    data: dict[str, Any]
    left_out: list[str]           # headers of the cells left out
    notes: list[str] = field(default_factory=list)   # each of those cells as the row gives it, and why


class Importer:
    """Turns rows into records, collecting every problem located at its cell."""

    def __init__(self, site: Site, shown: str) -> None:
        self.site = site
        self.shown = shown
        self.problems: list[RowProblem] = []
        self.periods = {fid: (f.in_use.from_.start, f.in_use.to.end if f.in_use.to else None)
                        for fid, f in site.frameworks.items() if f.in_use and f.inspectorate == INSPECTORATE}
        self.read_as: dict[tuple[str, str], list[At]] = defaultdict(list)   # (header, text) -> where read so
        self.folded: dict[str, tuple[int, set[str]]] = {}                     # header -> (column, standards)
        self.unknown_columns: dict[str, int] = {}
        self.lowest: dict[str, tuple[int, int]] = {}                           # header -> (column, rows)
        self.cells: dict[int, At] = {}     # index in problems -> the cell a warning leaves out

    def problem(self, at: At | None, severity: Severity, message: str, hint: str | None = None,
                row: int | None = None) -> None:
        line, column, header = (at.row, _column(at.column), at.header) if at else (row, 0, "")
        if at is not None and severity is Severity.WARNING:
            self.cells[len(self.problems)] = at
        self.problems.append(RowProblem(self.shown, line, column, severity, header, message, hint))

    # -- one value at a time

    def rating(self, at: At | None) -> Rating | str | None:
        text = at.text if at else None
        if not text:
            return None
        rating = read_rating(text)
        if rating is None:
            shown = text if len(text) <= 60 else text[:57] + "..."
            self.problem(at, Severity.WARNING, f"'{shown}' is not a rating; left out",
                         "a rating is Outstanding, Good, Requires improvement or Inadequate")
            return None
        written = rating.value if isinstance(rating, Rating) else rating
        if text != written:
            self.read_as[(at.header, text)].append(at)
        return rating

    def published(self, at: At | None, row: Row, needed: bool) -> str | None:
        """The publication date, '2025-02-18' (or a month, '2025-02'); a row whose framework
        depends on it (it does not say it) is not imported without one."""
        try:
            value = parse_date(at.value, excel=True) if at else None
        except CellError as error:
            why = " (the framework depends on the date)" if needed else ""
            self.problem(at, Severity.ERROR, f"{error.message}; the row is not imported{why}", error.hint)
            return None
        if value is None and needed:
            self.problem(at, Severity.ERROR, "no publication date; the row is not imported (the framework "
                         "depends on the date)", "dates are day/month/year: 18/02/25 or 18/02/2025",
                         row=row.number)
        return value

    # -- the framework

    def choose_framework(self, row: Row, day: dt.date) -> tuple[str | None, list[At]]:
        """The framework of a Data to Insight row, by its date; the one before it when the row
        rates a standard only that one has (`rules.hmip.frameworks_for`)."""
        candidates = hmip.frameworks_for(day, self.periods)
        filled = [at for at in row.standards if at.text]
        if not candidates:
            first = min(start for start, _ in self.periods.values()) if self.periods else None
            self.problem(row.published, Severity.ERROR, f"no {INSPECTORATE} youth framework was in use on "
                         f"{day:%d/%m/%Y}; the row is not imported",
                         f"the first began in {first:%B %Y}" if first else "no framework has dates of use")
            return None, filled

        def misfits(fid: str) -> list[At]:
            known = [at for at in filled if any(named_standards(f, at.header) for f in self.site.frameworks.values())]
            return [at for at in known if not named_standards(self.site.frameworks[fid], at.header)]

        chosen = candidates[0]
        if misfits(chosen) and len(candidates) > 1 and not misfits(candidates[1]):
            earlier = candidates[1]
            only = [named_standards(self.site.frameworks[earlier], at.header)[0].label for at in misfits(chosen)]
            if lacks_earlier_score(row, self.site.frameworks[chosen], self.site.frameworks[earlier]):
                self.problem(None, Severity.NOTICE,
                             f"published {day:%d/%m/%Y}, after the {chosen} framework began; its columns name "
                             f"{', '.join(only)} as the {earlier} framework does, but it gives no score, which "
                             f"every {earlier} report publishes and {chosen} reports do not: taken to be a "
                             f"{chosen} report", row=row.number)
            else:
                self.problem(None, Severity.NOTICE,
                             f"published {day:%d/%m/%Y}, after the {chosen} framework began, but it rates "
                             f"{', '.join(only)}, of the {earlier} framework only: recorded under {earlier}, "
                             "whose last reports were still being published", row=row.number)
                chosen = earlier
        return chosen, misfits(chosen)

    # -- a whole row

    def build(self, row: Row) -> Built | None:
        before = len(self.problems)
        given = row.area.text if row.area else None
        if not given:
            self.problem(row.area, Severity.ERROR, "the row names no area; it is not imported",
                         "give the council's or service's name", row=row.number)
        area, joint = area_of(given or "")
        if row.joint is not None and (row.joint.text or "").lower() in ("yes", "true"):
            joint = True
        embargo_ended = self.not_public_there(row)
        self.known_table(row)
        given_framework = row.framework is not None and bool(row.framework.text)
        published = self.published(row.published, row, needed=not given_framework)
        day = dt.date.fromisoformat(published if len(published) == 10 else published + "-01") if published else None
        framework_id, misfits = None, []
        if given_framework:
            framework_id = row.framework.text
            if framework_id not in self.site.frameworks:
                self.problem(row.framework, Severity.ERROR, f"there is no framework '{framework_id}'; the row is "
                             "not imported", "its frameworks are " + ", ".join(sorted(self.site.frameworks)))
                framework_id = None
        elif day is not None:
            framework_id, misfits = self.choose_framework(row, day)
        framework = self.site.frameworks.get(framework_id) if framework_id else None
        inspection_type = row.inspection_type.text if row.inspection_type else None
        if framework is not None and framework.inspection_types and not inspection_type:
            kinds = ", ".join(f"'{k.name}'" for k in framework.inspection_types)
            self.problem(row.published, Severity.ERROR,
                         f"under the {framework_id} framework an inspection is one of {len(framework.inspection_types)} "
                         f"kinds ({kinds}), and the row does not say which; it is not imported",
                         "record it by hand: scrutiny new inspection ID")
        rating = self.rating(row.rating)
        if rating == NOT_RATED:
            self.problem(row.rating, Severity.WARNING, "an overall rating cannot be 'not rated'; left out")
            rating = None
        score = self.score(row, framework_id, framework, rating)
        if rating is None and score is None and given and (published or given_framework):
            self.problem(None, Severity.ERROR, "the row gives neither an overall rating nor a score; it is not "
                         "imported", row=row.number)
        if any(p.severity is Severity.ERROR for p in self.problems[before:]) or framework is None:
            return None
        for at in misfits:
            self.problem(at, Severity.WARNING, f"names no standard of the {framework_id} framework; left out")
        data: dict[str, Any] = {"framework": framework_id}
        if inspection_type:
            data["inspection_type"] = inspection_type
        if published:
            data["published"] = published
        if embargo_ended is not None:
            data["embargo_until"] = london_minute(embargo_ended)
        if joint:
            data["joint"] = True
        url = row.report_url.text if row.report_url else None
        if url and URL.match(url) and len(url) <= 2000:
            data["report_url"] = url
        elif url:
            self.problem(row.report_url, Severity.WARNING, f"'{url[:60]}' is not a web address; left out",
                         "a report's address starts https://")
        overall = {k: v for k, v in (("rating", rating.value if rating else None), ("score", score)) if v is not None}
        if overall:
            data["overall"] = overall
        standards, separate = self.standards(row, framework, misfits)
        order = {t.key: index for index, t in enumerate(targets(framework))}
        if standards:
            data["standards"] = dict(sorted(standards.items(), key=lambda kv: order[kv[0]]))
        if separate:
            data["separately_rated"] = dict(sorted(separate.items(), key=lambda kv: order[kv[0]]))
        council = row.council.text if row.council and row.council.text else area
        left_out = [p.field for p in self.problems[before:] if p.severity is Severity.WARNING and p.field]
        if row.lowest:                     # ours: a record holds key questions, which the file does not give
            header = row.lowest[0].header
            column, rows = self.lowest.get(header, (row.lowest[0].column, 0))
            self.lowest[header] = (column, rows + 1)
            left_out.append(header)
        notes = [source_note(self.cells[i], self.problems[i].message)
                 for i in range(before, len(self.problems)) if i in self.cells]
        return Built(row, area, council, joint, framework_id, published, data, left_out, notes)

    def not_public_there(self, row: Row) -> dt.datetime | None:
        """A row of a preview's data/ratings.csv may be a draft, or embargoed, in the site it
        came from: imported as it stands it would be published here at once. Returns an embargo
        that has ended, which the record keeps: the moment its report was released is a fact of it."""
        status = row.status.text if row.status else None
        if status and status != "published":
            self.problem(row.status, Severity.ERROR, f"the inspection is a {status} in the site this file came "
                         "from (a preview's export); it is not imported",
                         "import the public site's data/ratings.csv, or record it by hand with its status")
        embargo = row.embargo_until.text if row.embargo_until else None
        if embargo:
            try:
                until = parse_local_datetime(embargo)
            except ValueError:
                until = None
            if until is None or until > now_in_london():
                self.problem(row.embargo_until, Severity.ERROR, f"the inspection is embargoed until {embargo} in "
                             "the site this file came from (a rehearsal's export); it is not imported",
                             "import it once the embargo has ended, or record it by hand with its embargo_until")
                return None
            return until
        return None

    def known_table(self, row: Row) -> None:
        """A site's ratings.csv says whose each row's data is: a value it never writes (a hand edit)
        would be read as the site's own, and Data to Insight's rows would lose the credit their
        licence asks for."""
        given = row.table.text if row.table else None
        if given and given not in {t.value for t in ImportedTable}:
            self.problem(row.table, Severity.ERROR, f"'{given[:60]}' is not whose table the row came from; "
                         "it is not imported", "imported_table is data-to-insight, scrutiny, or empty (scrutiny)")

    def score(self, row: Row, framework_id: str | None, framework: Framework | None, rating: Rating | None
              ) -> int | None:
        """The overall score: a whole one given as such, or a percentage of the framework's most
        that stands for a whole one; left out, with a warning, when it stands for none or its
        band is not the rating given (one of the two is wrong: the rating is kept)."""
        whole = row.score.text if row.score else None
        percent_at = row.score_percent
        at = row.score if whole else percent_at
        if not whole and not (percent_at and percent_at.text):
            return None
        most = max_score(framework) if framework else None
        if framework is not None and most is None:
            self.problem(at, Severity.WARNING, f"the {framework_id} framework publishes no score; left out")
            return None
        if most is None:
            return None
        if whole:
            score = int(whole) if whole.isdigit() and int(whole) <= most else None
            if score is None:
                self.problem(at, Severity.WARNING, f"'{whole}' is not a score out of {most}; left out")
                return None
        else:
            percent = read_percent(percent_at.value)
            score = hmip.score_from_percent(percent, most) if percent is not None else None
            if score is None:
                shown = percent_at.text
                detail = f"{percent:g}% of {most} is {percent * most / 100:.2f}, not a whole score" \
                    if percent is not None else f"'{shown}' is not a percentage"
                self.problem(at, Severity.WARNING, f"{detail}; left out",
                             f"scores are whole numbers out of {most}: 34 is 94.44%")
                return None
        bands = framework.overall_bands
        if rating is not None and bands and hmip.overall_rating(score, bands) != rating:
            self.problem(at, Severity.WARNING,
                         f"a score of {score} rates {hmip.overall_rating(score, bands).value} by the framework's "
                         f"bands, but the overall rating is {rating.value}; the score is left out",
                         "one of the two is wrong: check the report")
            return None
        return score

    def standards(self, row: Row, framework: Framework, misfits: list[At]) -> tuple[dict[str, Any], dict[str, Any]]:
        standards: dict[str, Any] = {}
        separate: dict[str, Any] = {}
        by_number = {t.key: t for t in targets(framework) if t.where == "standards"}
        by_number |= {s.number: Target("separately_rated", s.key, s.name) for s in framework.separately_rated}
        by_number |= {s.key: Target("separately_rated", s.key, s.name) for s in framework.separately_rated}
        for at in row.standards:
            if not at.text or at in misfits:
                continue
            if row.framework is None:                     # Data to Insight: the column names the standard
                named = named_standards(framework, at.header)
                if not named:
                    self.unknown_columns.setdefault(at.header, at.column)
                    continue
                if len(named) > 1:
                    column, labels = self.folded.setdefault(at.header, (at.column, set()))
                    labels.update(t.label for t in named)
                    continue
                target = named[0]
            else:                                         # ours: the standard's number
                target = by_number.get(at.header)
                if target is None:
                    self.problem(at, Severity.WARNING, f"'{at.header}' is not a standard of the "
                                 f"{row.framework.text} framework; left out")
                    continue
            rating = self.rating(at)
            cases = row.cases.get(at.header) if row.framework is not None else None
            if rating is None:
                if cases is not None:
                    self.problem(cases, Severity.WARNING, f"cases of standard {at.header}, which the file "
                                 "gives no rating; left out")
                continue
            value: str | dict[str, Any] = rating.value if isinstance(rating, Rating) else rating
            count = self.cases(cases, at.header) if cases is not None else None
            if count is not None:
                value = {"rating": value, "cases": count}
            (standards if target.where == "standards" else separate)[target.key] = value
        return standards, separate

    def cases(self, at: At, number: str) -> int | None:
        """The number of cases inspected for a standard (ours: data/ratings.csv's `cases`)."""
        text = at.text or ""
        if text.isdigit():
            return int(text)
        self.problem(at, Severity.WARNING, f"'{text[:60]}' is not a number of cases of standard {number}; left out")
        return None

    def file_notices(self) -> None:
        """Once for the file: the columns left out of every row, and each spelling read as a rating."""
        if self.folded:
            first = min(column for column, _ in self.folded.values())
            parts = [f"{header} ({' or '.join(sorted(labels))})" for header, (_, labels) in
                     sorted(self.folded.items(), key=lambda kv: kv[1][0])]
            self.problems.append(RowProblem(
                self.shown, 1, _column(first), Severity.NOTICE, "",
                "left out of every row, each column covering more than one standard, so that no value of "
                "it can be given to one: " + "; ".join(parts)))
        for header, (column, rows) in self.lowest.items():
            self.problems.append(RowProblem(
                self.shown, 1, _column(column), Severity.NOTICE, header,
                f"left out of {rows} inspection{'s' if rows != 1 else ''}: a record holds the key questions "
                "themselves, which the file does not give"))
        for header, column in sorted(self.unknown_columns.items(), key=lambda kv: kv[1]):
            self.problems.append(RowProblem(self.shown, 1, _column(column), Severity.NOTICE, header,
                                            "names no standard of any framework; left out of every row"))
        for (header, text), places in sorted(self.read_as.items(), key=lambda kv: (kv[1][0].row, kv[0])):
            rating = read_rating(text)
            written = rating.value if isinstance(rating, Rating) else rating
            others = len(places) - 1
            self.problems.append(RowProblem(
                self.shown, places[0].row, _column(places[0].column), Severity.NOTICE, header,
                f"read '{text}' as '{written}'" + (f" (here and in {others} other row{'s' if others > 1 else ''})"
                                                   if others else "")))


# --------------------------------------------------------------------------- records -> text

IMPORT_FIELDS = ("service", "framework", "inspection_type", "published", "embargo_until", "joint", "report_url",
                 "overall", "standards", "separately_rated", "imported")


def source_note(at: At, message: str) -> str:
    """A cell the import leaves out, as the row gives it and why, on one line of a comment:
    what the source said stays in the record for a reader, though no field can hold it. Not
    its row: the record's header names that, and a newer file that moves it changes no note."""
    note = f"{at.header} \"{' '.join(str(at.text or '').split())}\": {message}"
    return printable(" ".join(note.split()))     # the message quotes the cell too: all of it one line


NOTES_HEADING = "# Left out, as the file gives it, for a reader to check against the report (not recorded):"
NOTE_PREFIX = "#   "


def source_notes(text: str) -> list[str]:
    """The notes (`source_note`) in a record's text as the import wrote it: the lines under the
    heading that follows the import's own three lines of comment."""
    lines = text.splitlines()
    if len(lines) < 5 or lines[4] != NOTES_HEADING:
        return []
    notes = []
    for line in lines[5:]:
        if not line.startswith(NOTE_PREFIX):
            break
        notes.append(line[len(NOTE_PREFIX):])
    return notes


def inspection_text(model: Inspection, schema_line: str, notes: Iterable[str] = ()) -> str | None:
    """The text the import writes for a record, from the record and the notes of what its row
    gives that the record cannot hold (`source_note`): so a file the import wrote is this text of
    its own data and notes, unless someone has edited it. None: the record holds what an
    import never writes."""
    data = model.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    if model.imported is None or set(data) - set(IMPORT_FIELDS):
        return None
    findings = [*data.get("standards", {}).values(), *data.get("separately_rated", {}).values()]
    if not all(set(f) - {"cases"} in ({"rating"}, {"not_rated"}) for f in findings):
        return None
    source = model.imported
    out = [schema_line,
           f"# Imported by `scrutiny import inspections` from {source.from_}, row {source.row}:",
           "# only what that row says; what it leaves out is not recorded. Edit this file and later",
           "# imports leave it alone (they say so); delete it to import the row again."]
    notes = list(notes)
    if notes:
        out.append(NOTES_HEADING)
        out += [NOTE_PREFIX + note for note in notes]
    for key in IMPORT_FIELDS[:7]:
        if key == "embargo_until" and model.embargo_until is not None:     # as ratings.csv gives it, not in UTC
            out.append(f"{key}: {_yaml_value(london_minute(model.embargo_until))}")
        elif key in data:
            out.append(f"{key}: {_yaml_value(data[key])}")
    if "overall" in data:
        out.append("overall:")
        out += [f"  {key}: {_yaml_value(value)}" for key, value in data["overall"].items()]
    for key in ("standards", "separately_rated"):
        if data.get(key):
            out.append(f"{key}:")
            for number, finding in data[key].items():
                name = f'"{number}"' if key == "standards" else yaml_text(number, 2)
                out.append(f"  {name}: {_finding_text(finding)}")
    out += ["imported:", f"  from: {yaml_text(source.from_, 2)}",
            *([f"  table: {source.table.value}"] if source.table is not None else []),
            f"  row: {source.row}", f"  digest: {source.digest}"]
    return "\n".join(out) + "\n"


def _finding_text(finding: dict[str, Any]) -> str:
    """A standard's finding as the import writes it: its rating, with its cases where given."""
    rating = NOT_RATED if finding.get("not_rated") else finding["rating"]
    return f"{{rating: {rating}, cases: {finding['cases']}}}" if "cases" in finding else rating


def _yaml_value(value: Any) -> str:
    """A value as the import writes it: numbers and true bare (our loader keeps them as text
    until the model types them), text plain where that reads back the same, else quoted."""
    if value is True:
        return "true"
    if isinstance(value, int):
        return str(value)
    return yaml_text(str(value), 2)


def area_text(name: str, council: str | None, shown: str, row: int, schema_line: str) -> str:
    """A service or council record for an area the site did not know: its name, nothing more."""
    lines = [schema_line,
             f"# Made by `scrutiny import inspections` for an area the site did not know ({shown}, row {row}):",
             "# only its name, as the file gives it. Add what you know; imports never change this file.",
             f"name: {yaml_text(name, 0)}"]
    if council is not None:
        lines.append(f"council: {council}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- writing

def write_all(root: Path, files: list[tuple[Path, str]]) -> None:
    """Write every file whole, and all of them or none: each to a hidden file beside its place
    first (a build skips hidden files), then each renamed into place with Ctrl-C and SIGTERM held
    off until the last, in the order given (councils, services, then inspections, so that no
    record is ever there before what it names). Interrupted before the renames, nothing changed;
    a file that cannot be written (a full disk, a read-only folder) is an AuthoringError."""
    temporary = [(path, path.with_name(f".{path.name}.importing")) for path, _ in files]
    renamed = 0
    try:
        for (path, text), (_, hidden) in zip(files, temporary):
            path.parent.mkdir(parents=True, exist_ok=True)
            hidden.write_text(text, encoding="utf-8")
        with stop_signals_held():
            for path, hidden in temporary:
                os.replace(hidden, path)
                renamed += 1
    except OSError as exc:
        failed = Path(exc.filename) if exc.filename else root
        place = next((path for path, hidden in temporary if failed in (path, hidden)), failed)
        shown = place.relative_to(root).as_posix() if place.is_relative_to(root) else str(place)
        outcome = (f"{renamed} of the {len(files)} records were written; run the import again once it can write"
                   if renamed else "no record was changed")
        raise cannot_write(exc, shown, outcome) from None
    finally:
        for _, hidden in temporary:
            try:
                hidden.unlink(missing_ok=True)
            except OSError:     # a read-only folder: then there is no hidden file to remove
                pass


# --------------------------------------------------------------------------- the command

@dataclass
class Report:
    problems: list[RowProblem]
    rows: int = 0
    created: int = 0              # new inspection records
    updated: int = 0
    unchanged: int = 0
    left_alone: int = 0
    failed: int = 0
    services: int = 0
    councils: int = 0
    left_out: Counter = field(default_factory=Counter)   # header -> rows it was left out of
    every_row: list[str] = field(default_factory=list)   # columns left out of every row

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self, shown: str) -> str:
        imported = self.created + self.updated
        made = self.services + self.councils
        parts = [f"{imported} imported" + (f" ({self.created} new, {self.updated} updated)" if self.updated else ""),
                 f"{made} created" + (f" ({self.services} service{'s' if self.services != 1 else ''}, "
                                      f"{self.councils} council{'s' if self.councils != 1 else ''})" if made else ""),
                 f"{self.unchanged} unchanged"]
        if self.left_alone:
            parts.append(f"{self.left_alone} left alone (written or edited by hand)")
        if self.failed:
            parts.append(f"{self.failed} row{'s' if self.failed != 1 else ''} not imported")
        fields = [*(f"{h} (every row)" for h in self.every_row),
                  *(f"{h} ({n} row{'s' if n != 1 else ''})" for h, n in self.left_out.items())]
        return f"{shown}: {self.rows} inspection{'s' if self.rows != 1 else ''}: {', '.join(parts)}; " \
               f"fields left out: {', '.join(fields) if fields else 'none'}"


def id_of_length(base: str, ending: str = "") -> str:
    """`base` then `ending`, `base` cut short where needed so that the whole is no longer than an
    id may be (a long area's name, or a service's long id with a date after it)."""
    return base[:ID_MAX_LENGTH - len(ending)].rstrip("-") + ending


def _free_id(base: str, taken: Iterable[str]) -> str:
    used = set(taken)
    if (whole := id_of_length(base)) not in used:
        return whole
    number = 2
    while id_of_length(base, f"-{number}") in used:
        number += 1
    return id_of_length(base, f"-{number}")


def _same_day(recorded: Any, published: str | None) -> bool:
    """A record's publication date (a day, or a month) is the row's (neither given: the same)."""
    if recorded is None or published is None:
        return recorded is None and published is None
    text = str(recorded)
    return text == published or (len(text) == 7 and published.startswith(text))


@dataclass
class Writes:
    """What an import will write: new councils and services, then inspections (`write_all`'s order)."""

    root: Path
    source: Path
    councils: list[tuple[Path, str]] = field(default_factory=list)
    services: list[tuple[Path, str]] = field(default_factory=list)
    inspections: list[tuple[Path, str]] = field(default_factory=list)

    def folder(self, kind: str) -> Path:
        return self.root / "content" / KINDS[kind].folder

    def schema(self, kind: str, path: Path) -> str:
        return schema_line(self.root, KINDS[kind], path)

    def new_area(self, site: Site, kind: str, name: str, council: str | None, row: int) -> str:
        """A service (or council) record for an area the site does not know: its id."""
        known = site.services if kind == "service" else site.councils
        folder = self.folder(kind)
        rid = _free_id(slug(name.replace("&", " and ")) or kind, [*known, *(p.stem for p in folder.glob("*.y*ml"))])
        known[rid] = Service(name=name, council=council) if kind == "service" else Council(name=name)
        path = folder / f"{rid}.yaml"
        (self.services if kind == "service" else self.councils).append(
            (path, area_text(name, council, self.source.name, row, self.schema(kind, path))))
        return rid

    @property
    def files(self) -> list[tuple[Path, str]]:
        return self.councils + self.services + self.inspections


def service_of(site: Site, writes: Writes, item: Built) -> str:
    """The service a row is about: the site's, found by name, or a new one (with a new council
    where no council of that name is known either)."""
    sid = site.service_for(item.area)
    if sid is not None:
        return sid
    cid = site.council_for(item.council_name) or writes.new_area(site, "council", item.council_name, None,
                                                                  item.row.number)
    return writes.new_area(site, "service", item.area, cid, item.row.number)


def existing_for(site: Site, sid: str, item: Built, url: str | None) -> Existing | None:
    """The site's record of the same inspection: by its id (ours: the id it had), by service and
    publication date, or by the report's address."""
    records = site.inspections.values()
    given = site.inspections.get(item.row.record_id or "")
    if given is not None and given.said.get("service") == sid:
        return given
    return next((e for e in records if e.said.get("service") == sid
                 and _same_day(e.said.get("published"), item.published)), None) or \
        next((e for e in records if url and e.said.get("report_url") == url), None)


def import_inspections(root: Path, source: Path, shown: str | None = None) -> Report:
    shown = shown or source.name
    require_content(root)
    sheet, layout = _sheet_and_layout(source, shown)
    site = read_site(root)
    importer = Importer(site, shown)
    rows = list(read_rows(sheet, layout))
    if not rows:
        raise ImportFailed([RowProblem(shown, layout.header_row + 2, 0, Severity.ERROR, "",
                                       "there are no rows below the header row")])
    report = Report(importer.problems, rows=len(rows))
    report.every_row = hidden_notices(importer, sheet, layout)
    built: list[Built] = []
    for row in rows:
        result = importer.build(row)
        if result is None:
            report.failed += 1
        else:
            built.append(result)
    importer.file_notices()
    report.every_row += [h for h, _ in sorted(importer.folded.items(), key=lambda kv: kv[1][0])] + \
        [h for h, _ in sorted(importer.unknown_columns.items(), key=lambda kv: kv[1])]

    writes = Writes(root, source)
    claimed: dict[tuple[str, str | None], int] = {}     # (service, published) -> the row that has it
    reported: dict[str, int] = {}                        # a report's address -> the row that has it
    matched: set[Path] = set()                           # the site's records some row of this file is
    taken = set(site.inspections)
    for item in built:
        row = item.row
        sid = service_of(site, writes, item)
        if (sid, item.published) in claimed:
            importer.problem(None, Severity.ERROR, f"the same inspection as row {claimed[(sid, item.published)]} "
                             "(the same area and publication date); the row is not imported", row=row.number)
            report.failed += 1
            continue
        url = item.data.get("report_url")
        if url in reported:
            importer.problem(row.report_url, Severity.ERROR, f"the same inspection as row {reported[url]} (the same "
                             "report); the row is not imported", "one report is one inspection: keep one of the rows")
            report.failed += 1
            continue
        claimed[(sid, item.published)] = row.number
        if url:
            reported[url] = row.number
        data = {"service": sid, **item.data}
        existing = existing_for(site, sid, item, data.get("report_url"))
        if existing is not None:
            matched.add(existing.path)
        if existing is not None and not _imported_untouched(existing, root):
            report.left_alone += 1
            why = "which does not read as an inspection (scrutiny check says why)" if existing.model is None \
                else "written by hand" if existing.model.imported is None else "edited since it was imported"
            importer.problem(None, Severity.NOTICE, f"this inspection is content/inspections/{existing.path.name}, "
                             f"{why}: left alone", "an import changes only the records it wrote and nobody edited",
                             row=row.number)
            continue
        for header in item.left_out:
            report.left_out[header] += 1
        digest = imported_digest(Inspection.model_validate(data))
        table = table_of(layout, row)
        if existing is not None and existing.model.imported.digest == digest \
                and source_notes(existing.text) == item.notes and existing.model.imported.table == table:
            report.unchanged += 1          # the same data: the file stays as it is, its row and all
            continue
        if existing is not None:
            path = existing.path
            report.updated += 1
        else:
            iid = _record_id(data, item, layout, taken)
            taken.add(iid)
            path = writes.folder("inspection") / f"{iid}.yaml"
            report.created += 1
        model = Inspection.model_validate({**data, "imported": {"from": source.name, "table": table,
                                                                 "row": row.number, "digest": digest}})
        writes.inspections.append((path, inspection_text(model, writes.schema("inspection", path), item.notes)))

    for existing in site.inspections.values():
        model = existing.model
        # A row may find its record by the report's address after its area or date was corrected.
        if model is not None and model.imported is not None and model.imported.from_ == source.name \
                and existing.path not in matched:
            importer.problem(None, Severity.NOTICE, f"content/inspections/{existing.path.name}, imported from "
                             f"row {model.imported.row} of a file of this name, is not in this one: left as it is",
                             row=0)
    report.services, report.councils = len(writes.services), len(writes.councils)
    if writes.files:
        try:
            write_schemas(root, [KINDS["inspection"], KINDS["service"], KINDS["council"]])
        except OSError as exc:
            raise cannot_write(exc, str(exc.filename or root), "no record was changed") from None
        write_all(root, writes.files)
    return report


def hidden_notices(importer: Importer, sheet: Sheet, layout: Layout) -> list[str]:
    """A notice for each column and each row hidden in the sheet, which are not imported as they
    are not the table as shown and printed; the hidden columns' headers, left out of every row."""
    for column, header in sorted(layout.hidden.items()):
        importer.problems.append(RowProblem(importer.shown, layout.header_row + 1, _column(column), Severity.NOTICE,
                                            header, "the column is hidden in the sheet, so it is left out of every "
                                            "row", "unhide it in Excel and import again to include it"))
    for index in sorted(sheet.hidden_rows):
        if layout.header_row < index < len(sheet.rows) and any(clean_text(c.value) is not None
                                                                for c in sheet.rows[index]):
            importer.problems.append(RowProblem(importer.shown, index + 1, 0, Severity.NOTICE, "",
                                                "the row is hidden in the sheet, so it is not imported",
                                                "unhide it in Excel and import again to include it"))
    return [header for _, header in sorted(layout.hidden.items())]


def _sheet_and_layout(source: Path, shown: str) -> tuple[Sheet, Layout]:
    """The first sheet the workbook shows whose headers are a layout's, or the error that says
    why there is none: a hidden sheet (an older table kept out of sight) is not read."""
    sheets = read_table(source, shown)
    if not any(any(clean_text(c.value) is not None for c in row) for sheet in sheets for row in sheet.rows):
        raise ImportFailed([RowProblem(shown, 1, 0, Severity.ERROR, "", "the file is empty")])
    for sheet in sheets:
        layout = find_layout(sheet) if not sheet.hidden else None
        if layout is not None:
            return sheet, layout
    for sheet in sheets:
        if sheet.hidden and find_layout(sheet) is not None:
            raise ImportFailed([RowProblem(shown, 0, 0, Severity.ERROR, "",
                                           f"the ratings are in the sheet '{sheet.name}', which is hidden in the "
                                           "workbook, so they are not imported",
                                           "unhide the sheet in Excel (right-click a sheet's tab, Unhide) if it "
                                           "is the table to import, and import again")])
        header_row, columns = hidden_required_columns(sheet)
        if columns and not sheet.hidden:
            several = len(columns) != 1
            raise ImportFailed([RowProblem(shown, header_row + 1, 0, Severity.ERROR, "",
                                           f"the column{'s' if several else ''} {', '.join(columns)} "
                                           f"{'are' if several else 'is'} hidden in the sheet '{sheet.name}', so "
                                           "no inspection can be imported",
                                           f"unhide {'them' if several else 'it'} in Excel and import again")])
    first = next(row for sheet in sheets for row in sheet.rows if any(clean_text(c.value) for c in row))
    headers = ", ".join(f"'{clean_text(c.value)}'" for c in first if clean_text(c.value))[:300]
    raise ImportFailed([RowProblem(
        shown, 1, 0, Severity.ERROR, "",
        f"the columns ({headers}) are neither Data to Insight's nor Scrutiny's ratings.csv",
        f"Data to Insight's have {', '.join(DTI_REQUIRED)}; ratings.csv's have {', '.join(OURS_REQUIRED)} "
        "(docs/user-guide.md)")])


def _imported_untouched(existing: Existing, root: Path) -> bool:
    """The record is the import's own, as it wrote it: marked, its data the digest's, its text
    exactly what the import writes for that data and the notes it wrote of its row."""
    model = existing.model
    if model is None or model.imported is None or imported_digest(model) != model.imported.digest:
        return False
    return inspection_text(model, schema_line(root, KINDS["inspection"], existing.path),
                           source_notes(existing.text)) == existing.text


def _record_id(data: dict, item: Built, layout: Layout, taken: set[str]) -> str:
    """A new record's id: the id it had where it came from (ours), else '<service>-<year>',
    with the month, then the day, where that is taken."""
    given = item.row.record_id
    if layout.name == "ours" and given and ID_PATTERN.match(given) and given not in taken:
        return given
    published = item.published or "undated"
    for candidate in (id_of_length(data["service"], f"-{published[:4]}"),
                      id_of_length(data["service"], f"-{published[:7]}"),
                      id_of_length(data["service"], f"-{published}")):
        if candidate not in taken:
            return candidate
    return _free_id(id_of_length(data["service"], f"-{published}"), taken)

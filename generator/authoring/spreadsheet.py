"""`scrutiny import action-plan FILE.xlsx|FILE.csv`: a council's action-plan spreadsheet -> YAML.

Councils keep action plans in spreadsheets with columns like Torbay's: Improvement action,
How, Who, Resources required, Date for review, Date for completion, Outcome, Comments re
progress, RAG rating. This module

- reads the sheet (openpyxl for .xlsx: real date cells, merged cells, cell fill colours;
  the csv module for .csv, UTF-8 or Windows-1252 as Excel saves it);
- finds the header row (title rows above it are allowed) and maps columns by their header,
  tolerant of case, spacing, punctuation and the usual variants ("Lead officer", "Target
  date", "RAG status"...); `--map "Header=field"` overrides;
- reads a row of one cell merged across the table ("Recommendation 1: ...") as a heading,
  not an action, and says so; merged across part of it, the row is one error;
- parses each row: UK dates (01/02/2021 is 1 February; "July 2021" is a month; "ongoing"
  or "TBC" is no date), RAG words and colours (a coloured but empty RAG cell counts);
- collects EVERY bad cell as `Sheet1!F7: 'next Tuesday' is not a date (write 01/02/2021)`;
  nothing is written unless the whole sheet is good;
- writes content/action-plans/<id>.yaml: actions in sheet order, with the sheet's own action
  numbers (a "Ref" or "Action no" column: 1.1, 1.2, 2.1 ...) as their ids where every action
  has its own usable one, else A1..An and a note saying why; the progress comment and RAG of
  each row as one update dated today (or --as-of).
"""

from __future__ import annotations

import calendar
import colorsys
import csv
import dataclasses
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic_core import PydanticCustomError

from generator.authoring import AuthoringError, cannot_write, require_content
from generator.authoring.scaffold import KINDS, schema_line, write_schemas
from generator.load.documents import read_document
from generator.load.files import ID_PATTERN
from generator.model.action_plan import ACTION_ID_PATTERN, ActionPlan
from generator.model.types import LONDON, NOT_STARTED_PHRASE, RAG, RAG_CHOICES, parse_local_datetime, parse_rag
from generator.problems import did_you_mean
from generator.textsafety import unescaped_cell
from generator.validate import clock_change_warnings, validate_document

# --------------------------------------------------------------------------- columns

# field -> the headers that mean it, normalised (lower case, letters and digits, single spaces)
HEADERS: dict[str, tuple[str, ...]] = {
    "action": ("improvement action", "improvement actions", "action", "actions", "action required",
               "actions required", "action to be taken", "actions to be taken", "what", "what will we do",
               "what we will do", "recommended action", "key action", "key actions", "activity",
               "improvement activity", "action description", "area for improvement action"),
    "how": ("how", "how will this be achieved", "how will it be achieved", "how will we do it",
            "how we will do it", "how will this be done", "method", "steps", "detail", "details", "milestones",
            "key tasks", "tasks", "how will we achieve this"),
    "who": ("who", "lead", "leads", "lead officer", "lead officers", "lead person", "responsible",
            "responsible officer", "responsible person", "responsibility", "owner", "action owner", "by whom",
            "who is responsible", "lead responsibility", "accountable officer", "lead agency", "who will do it"),
    "resources": ("resources", "resources required", "resource", "resources needed", "resource implications",
                  "resource required", "resourcing"),
    "review": ("date for review", "review date", "review", "review by", "date of review", "next review",
               "next review date", "review dates"),
    "due": ("date for completion", "completion date", "due", "due date", "due by", "target date", "deadline",
            "by when", "timescale", "timescales", "target completion date", "when", "date to be completed by",
            "target", "date due", "end date", "completion", "timeframe", "date for completion target"),
    "outcome": ("outcome", "outcomes", "expected outcome", "expected outcomes", "success measure",
                "success measures", "measure of success", "measures of success", "impact", "desired outcome",
                "desired outcomes", "intended outcome", "intended outcomes", "success criteria",
                "outcome measure", "outcome measures", "what will success look like", "how will we know",
                "expected impact"),
    "note": ("comments re progress", "progress", "comments", "comment", "progress update", "progress updates",
             "update", "updates", "progress comments", "comments on progress", "commentary", "status update",
             "progress to date", "progress made", "progress notes", "latest update", "progress comment",
             "progress commentary", "comments regarding progress"),
    "rag": ("rag rating", "rag", "rag status", "status", "rating", "rag rated", "current rag", "rag score",
            "red amber green", "rag rating current"),
    "recommendations": ("recommendation", "recommendations", "rec", "recs", "rec no", "recommendation no",
                        "recommendation number", "recommendation numbers", "recommendation ref",
                        "inspection recommendation", "linked recommendation", "hmip recommendation",
                        "recommendation reference", "rec ref"),
    # the plan's own action numbers, kept as the ids (and "Action no" is not taken for the action)
    "ref": ("ref", "ref no", "reference", "no", "number", "id", "action no", "action number", "action ref",
            "action id", "item", "item no", "action ref no", "ref number", "reference no", "reference number",
            "action reference"),
}
FIELD_NAMES = {"action": "action", "how": "how", "who": "who", "resources": "resources", "review": "review",
               "due": "due", "outcome": "outcome", "note": "progress comment", "rag": "RAG rating",
               "recommendations": "recommendations", "ref": "reference"}
# names accepted on the right of --map "Header=field"
MAP_FIELDS = {**{f: f for f in HEADERS}, "progress": "note", "comments": "note", "comment": "note",
              "rag rating": "rag", "status": "rag", "resource": "resources", "date for review": "review",
              "completion": "due", "ignore": "ignore", "skip": "ignore", "-": "ignore"}
HEADER_SEARCH_ROWS = 30

# --------------------------------------------------------------------------- problems


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True, order=True)
class SheetProblem:
    row: int                          # 1-based, as the spreadsheet shows it; 0: the sheet as a whole
    column: int                       # 0-based; -1: the whole row or sheet
    sheet: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        where = self.sheet
        if self.row and self.column >= 0:
            where = f"{self.sheet}!{column_letter(self.column)}{self.row}"
        elif self.row:
            where = f"{self.sheet}!{self.row}:{self.row}"
        return f"{where}: {self.message}" + (f" ({self.hint})" if self.hint else "")


class SheetErrors(AuthoringError):
    """Every bad cell of a sheet; nothing was written."""

    def __init__(self, problems: list[SheetProblem]) -> None:
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        super().__init__("\n".join(lines) + f"\n{count} problem{'s' if count != 1 else ''} in the sheet; "
                         "nothing was written")


# --------------------------------------------------------------------------- reading sheets

@dataclass
class Cell:
    value: Any = None
    colour: str | None = None         # fill colour 'RRGGBB', where the cell is filled


@dataclass(frozen=True)
class Merge:
    """A merged cell's range, 0-based and inclusive."""
    first_row: int
    first_column: int
    last_row: int
    last_column: int

    def covers(self, row: int, column: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_column <= column <= self.last_column


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]]
    excel: bool                       # numbers in date columns may be Excel serial dates
    merges: list[Merge] = field(default_factory=list)   # their value is copied into every cell they cover
    hidden_rows: frozenset[int] = frozenset()            # 0-based: rows Excel hides (or a filter does)
    hidden_columns: frozenset[int] = frozenset()         # 0-based: columns Excel hides (`hidden_columns`)
    hidden: bool = False                                 # the sheet itself is hidden in the workbook

    def cell(self, row: int, column: int) -> Cell:
        cells = self.rows[row] if row < len(self.rows) else []
        return cells[column] if column < len(cells) else Cell()


def _fill_colour(cell, workbook) -> str | None:
    fill = getattr(cell, "fill", None)
    if fill is None or fill.fill_type in (None, "none"):
        return None
    colour = fill.fgColor if fill.fill_type == "solid" else (fill.fgColor or fill.start_color)
    if colour is None:
        return None
    if colour.type == "rgb" and isinstance(colour.rgb, str) and len(colour.rgb) >= 6:
        return colour.rgb[-6:].upper()
    if colour.type == "indexed" and colour.indexed is not None:
        from openpyxl.styles.colors import COLOR_INDEX
        if 0 <= colour.indexed < len(COLOR_INDEX):
            return COLOR_INDEX[colour.indexed][-6:].upper()
    if colour.type == "theme" and colour.theme is not None:
        return _theme_colour(workbook, colour.theme, colour.tint or 0.0)
    return None


def _theme_colour(workbook, theme: int, tint: float) -> str | None:
    """A theme colour's RGB from the workbook's theme (Office order: lt1, dk1, lt2, dk2, accents)."""
    xml = getattr(workbook, "loaded_theme", None)
    if not xml:
        return None
    text = xml.decode("utf-8", "replace") if isinstance(xml, bytes) else str(xml)
    scheme = re.search(r"<a:clrScheme.*?</a:clrScheme>", text, re.S)
    if not scheme:
        return None
    values = []
    for name in ("dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5", "accent6"):
        found = re.search(rf"<a:{name}>.*?(?:srgbClr val=\"([0-9A-Fa-f]{{6}})\"|lastClr=\"([0-9A-Fa-f]{{6}})\")",
                          scheme.group(0), re.S)
        values.append((found.group(1) or found.group(2)) if found else None)
    order = [1, 0, 3, 2, 4, 5, 6, 7, 8, 9]       # theme index 0 is lt1 (background), 1 is dk1 ...
    if not 0 <= theme < len(order) or values[order[theme]] is None:
        return None
    red, green, blue = (int(values[order[theme]][i:i + 2], 16) / 255 for i in (0, 2, 4))
    hue, light, sat = colorsys.rgb_to_hls(red, green, blue)
    light = light * (1 + tint) if tint < 0 else light * (1 - tint) + tint
    red, green, blue = colorsys.hls_to_rgb(hue, light, sat)
    return "".join(f"{round(c * 255):02X}" for c in (red, green, blue))


def hidden_columns(worksheet) -> frozenset[int]:
    """0-based: the columns Excel does not show or print: hidden by hand, in a collapsed group
    (Excel marks its columns hidden) or 0 wide. One entry may stand for a range of columns."""
    from openpyxl.utils import column_index_from_string

    hidden: set[int] = set()
    for letter, dimension in worksheet.column_dimensions.items():
        if dimension.hidden or dimension.width == 0:
            first = dimension.min or column_index_from_string(letter)
            hidden.update(range(first - 1, max(dimension.max or first, first)))
    return frozenset(hidden)


class ShownMonth(dt.date):
    """A date cell formatted to show only its month and year (Excel's 'Sep-25', 'March 2021'):
    the sheet shows and prints a month, so it is read as that month, never as a day no one wrote."""

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat


# What a number format shows literally: quoted text, an escaped character, a [$-809] or [Red]
# tag, and the _x (space) and *x (fill) codes.
_FORMAT_LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.')


def _date_codes(number_format: str) -> str:
    """The codes of a number format's first section, less what it shows literally."""
    return _FORMAT_LITERALS.sub("", number_format.split(";")[0]).lower()


def shows_month_not_day(number_format: str) -> bool:
    """Whether a date format shows a month and year but no day ('mmm-yy', '[$-809]mmmm\\ yyyy'):
    its codes have m and y, no d, h or s."""
    codes = _date_codes(number_format)
    return "m" in codes and "y" in codes and not any(code in codes for code in "dhs")


def shows_year_alone(number_format: str) -> bool:
    """Whether a date format shows only the year ('yyyy'): a year is no date a record can give."""
    codes = _date_codes(number_format)
    return "y" in codes and not any(code in codes for code in "mdhs")


def shown_value(cell) -> Any:
    """An openpyxl cell's value as the sheet shows it: a date formatted as a month is that
    month; one formatted as a year alone is that year's text ('2025'), which no date field
    takes, so the import says so rather than record 1 January, a day no one wrote."""
    value = cell.value
    if isinstance(value, dt.date) and cell.is_date:
        if shows_month_not_day(cell.number_format or ""):
            return ShownMonth(value.year, value.month, 1)
        if shows_year_alone(cell.number_format or ""):
            return str(value.year)
    return value


def read_xlsx(path: Path, sheet_name: str | None) -> list[Sheet]:
    """The workbook's sheets (or the one named), with merged cells filled in, each with its
    hidden rows and columns, and whether it is hidden itself."""
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:                    # zipfile.BadZipFile, KeyError, ...: not a workbook
        raise AuthoringError(f"{path.name} cannot be read as an Excel workbook ({exc.__class__.__name__}); "
                             "open it in Excel and save it again as .xlsx, or as CSV") from None
    names = workbook.sheetnames
    if sheet_name is not None and sheet_name not in names:
        hint = did_you_mean(sheet_name, names)
        raise AuthoringError(f"{path.name} has no sheet '{sheet_name}'; its sheets are {', '.join(names)}"
                             + (f" ({hint})" if hint else ""), usage=True)
    sheets = []
    for worksheet in (workbook[n] for n in ([sheet_name] if sheet_name else names)):
        if not hasattr(worksheet, "iter_rows"):
            continue                            # a chart sheet
        rows = [[Cell(shown_value(c), _fill_colour(c, workbook)) for c in row]
                for row in worksheet.iter_rows()]
        for merged in worksheet.merged_cells.ranges:
            top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row - 1 < len(rows) else Cell()
            for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
                for c in range(merged.min_col - 1, merged.max_col):
                    while len(rows[r]) <= c:
                        rows[r].append(Cell())
                    rows[r][c] = Cell(top.value, top.colour)
        merges = [Merge(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
                  for m in worksheet.merged_cells.ranges]
        # A row dragged to no height is hidden as much as one hidden by hand (LibreOffice saves it so).
        hidden = frozenset(number - 1 for number, row in worksheet.row_dimensions.items()
                           if row.hidden or row.height == 0)
        sheets.append(Sheet(worksheet.title, rows, excel=True, merges=merges, hidden_rows=hidden,
                            hidden_columns=hidden_columns(worksheet), hidden=worksheet.sheet_state != "visible"))
    return sheets


def csv_delimiter(text: str) -> str:
    """The delimiter a CSV file uses: Excel writes a comma, or a semicolon or a tab in some
    locales. Only the delimiter is guessed; the quoting is always Excel's (a quotation mark
    in a cell written as two): csv.Sniffer guesses it from the first rows too, and where none
    of those doubles a quotation mark, it reads a later cell's "" as two marks."""
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def read_csv(path: Path) -> list[Sheet]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = raw.decode("latin-1")
    rows = [[Cell(unescaped_cell(value)) for value in row]
            for row in csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=csv_delimiter(text))]
    return [Sheet(path.stem, rows, excel=False)]


def read_sheets(path: Path, sheet_name: str | None = None) -> list[Sheet]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path, sheet_name)
    if suffix in (".csv", ".txt"):
        return read_csv(path)
    if suffix in (".xls", ".ods", ".numbers"):
        raise AuthoringError(f"{path.name}: {suffix} files cannot be read; open it and 'Save As' Excel "
                             "Workbook (.xlsx) or CSV", usage=True)
    raise AuthoringError(f"{path.name}: give an .xlsx or .csv file", usage=True)


# --------------------------------------------------------------------------- headers

def normalise(text: Any) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", str(text or "").lower().replace("&", " and "))
    return " ".join(words.split())


def header_field(text: Any) -> str | None:
    """The field a column header means, or None."""
    name = normalise(text)
    if not name:
        return None
    for fld, synonyms in HEADERS.items():
        if name in synonyms:
            return fld
    best, length = None, 0
    padded = f" {name} "
    for fld, synonyms in HEADERS.items():
        if fld == "ref":
            continue            # "Number of staff trained" holds no action numbers: only the exact headers do
        for synonym in synonyms:
            if len(synonym) > length and len(synonym) >= 3 and f" {synonym} " in padded:
                best, length = fld, len(synonym)
    return best


@dataclass
class Columns:
    row: int                                        # 0-based index of the header row
    fields: dict[str, int]                          # field -> 0-based column
    headers: dict[int, str]                         # column -> header text
    ignored: list[str] = field(default_factory=list)
    hidden: dict[int, str | None] = field(default_factory=dict)   # column hidden in the sheet -> what it means


def shown_column(columns: Columns, column: int) -> str:
    """A column as the command names it: 'Progress' (H)."""
    return f"'{columns.headers[column]}' ({column_letter(column)})"


def hidden_columns_note(sheet: Sheet, columns: Columns) -> str | None:
    """The note naming the header row's columns hidden in the sheet: not imported, as they are
    not in the plan the sheet shows and prints (a manager's internal notes, an old progress column)."""
    if not columns.hidden:
        return None
    named = [f"'{columns.headers[c]}' ({column_letter(c)}" + (f", a {FIELD_NAMES[m]} column" if m else "") + ")"
             for c, m in sorted(columns.hidden.items())]
    several = len(named) != 1
    return (f"{sheet.name}: column{'s' if several else ''} hidden in the sheet, so not imported: {', '.join(named)} "
            f"(unhide {'one' if several else 'it'} in Excel and import again to include it)")


def hidden_action_column(sheet: Sheet, overrides: dict[str, str]) -> SheetProblem | None:
    """The error for a sheet whose only action column is hidden, which is why no header row was found."""
    columns = find_columns(dataclasses.replace(sheet, hidden_columns=frozenset()), overrides)
    if columns is None or columns.fields["action"] not in sheet.hidden_columns:
        return None
    column = columns.fields["action"]
    return SheetProblem(columns.row + 1, column, sheet.name,
                        f"the action column {shown_column(columns, column)} is hidden in the sheet, so no action "
                        "is imported", f"unhide column {column_letter(column)} in Excel and import again")


def parse_map(text: str | None) -> dict[str, str]:
    """--map "Improvement action=action, Lead=who" -> {normalised header: field}."""
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in (p for p in text.split(",") if p.strip()):
        if "=" not in part:
            raise AuthoringError(f"--map: '{part.strip()}' is not 'Header=field'", usage=True)
        header, name = part.rsplit("=", 1)
        target = MAP_FIELDS.get(normalise(name) or name.strip())
        if target is None:
            raise AuthoringError(f"--map: '{name.strip()}' is not a field; use one of "
                                 f"{', '.join(HEADERS)}, progress or ignore", usage=True)
        mapping[normalise(header)] = target
    return mapping


def find_columns(sheet: Sheet, overrides: dict[str, str]) -> Columns | None:
    """The header row (the best of the first rows) and what each of its columns means."""
    best: Columns | None = None
    best_score = 0
    for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        fields: dict[str, int] = {}
        headers: dict[int, str] = {}
        ignored: list[str] = []
        hidden: dict[int, str | None] = {}
        for column, cell in enumerate(row):
            if cell.value is None or not str(cell.value).strip():
                continue
            text = " ".join(str(cell.value).split())
            headers[column] = text
            name = normalise(text)
            meaning = overrides.get(name) if name in overrides else header_field(text)
            if column in sheet.hidden_columns:
                hidden[column] = None if meaning == "ignore" else meaning   # not the plan as shown and printed
                continue
            if meaning in (None, "ignore"):
                if meaning is None:
                    ignored.append(f"'{text}' ({column_letter(column)})")
                continue
            if meaning in fields:
                ignored.append(f"'{text}' ({column_letter(column)}, a second {FIELD_NAMES[meaning]} column)")
                continue
            fields[meaning] = column
        score = len(fields) + (10 if "action" in fields else 0)
        if "action" in fields and len(fields) >= 2 and score > best_score:
            best, best_score = Columns(index, fields, headers, ignored, hidden), score
    return best


# --------------------------------------------------------------------------- cell values

_MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS |= {name.lower(): number for number, name in enumerate(calendar.month_abbr) if name}
_MONTHS["sept"] = 9
NO_DATE_WORDS = {"ongoing", "on going", "on-going", "tbc", "tbd", "tba", "n/a", "na", "n a", "-", "–", "—",
                 "none", "not applicable", "continuous", "as required", "as needed", "rolling", "various",
                 "monthly", "quarterly", "weekly", "annually", "annual", "complete", "completed", "done"}
_PREFIXES = re.compile(r"^(?:by\s+the\s+end\s+of|by\s+end\s+of|end\s+of|by\s+end|by|end|before|from|"
                       r"w/?c|week\s+commencing|no\s+later\s+than)\s+", re.I)
EXAMPLE_DATE = "write 01/02/2021"


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


class CellError(Exception):
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def parse_date(value: Any, excel: bool) -> str | None:
    """A cell as '2021-02-01' (a day) or '2021-07' (a month); None when empty or 'ongoing'."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if excel and 36526 <= value <= 73050:            # an Excel serial date, 2000 to 2099
            from openpyxl.utils.datetime import from_excel
            return from_excel(value).date().isoformat()
        raise CellError(f"'{value:g}' is not a date", EXAMPLE_DATE)
    original = " ".join(str(value).split())
    text = original.lower().rstrip(".")
    if not text:
        return None
    if text in NO_DATE_WORDS:
        return None
    text = _PREFIXES.sub("", text)
    text = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text).replace(",", " ")
    text = " ".join(text.split())

    def day(year: int, month: int, number: int) -> str:
        if not 1 <= month <= 12:
            raise CellError(f"'{original}' is not a date: there is no month {month}",
                            "dates are day/month/year, e.g. 01/02/2021 is 1 February 2021")
        try:
            return dt.date(year, month, number).isoformat()
        except ValueError:
            raise CellError(f"'{original}' is not a real date", "check the day and the month") from None

    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return day(int(match[1]), int(match[2]), int(match[3]))
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        month = int(match[2])
        if not 1 <= month <= 12:
            raise CellError(f"'{original}' is not a month", "write a month as 07/2021 or July 2021")
        return f"{int(match[1]):04d}-{month:02d}"
    if match := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", text):
        return day(_year(match[3]), int(match[2]), int(match[1]))
    if match := re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text):
        month = int(match[1])
        if not 1 <= month <= 12:
            raise CellError(f"'{original}' is not a month", "write a month as 07/2021 or July 2021")
        return f"{int(match[2]):04d}-{month:02d}"
    if match := re.fullmatch(r"(\d{1,2})[ \-]([a-z]+)[ \-]'?(\d{2}|\d{4})", text):
        if match[2] in _MONTHS:
            return day(_year(match[3]), _MONTHS[match[2]], int(match[1]))
    if match := re.fullmatch(r"([a-z]+)[ \-]'?(\d{2}|\d{4})", text):
        if match[1] in _MONTHS:
            return f"{_year(match[2]):04d}-{_MONTHS[match[1]]:02d}"
    if day_and_month := _day_without_year(text):
        raise CellError(f"'{original}' has no year", f"write the year too: {day_and_month}/YYYY")
    raise CellError(f"'{original}' is not a date", _hint_for_words_about_a_date(original))


def _day_without_year(text: str) -> str | None:
    """'03/03' for a day typed without its year ('3 march', 'march 3', '3/3'), which is not
    guessed: a plan runs across years."""
    if match := re.fullmatch(r"(\d{1,2}) ([a-z]+)|([a-z]+) (\d{1,2})", text):
        number, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        if month in _MONTHS and 1 <= int(number) <= 31:
            return f"{int(number):02d}/{_MONTHS[month]:02d}"
    if (match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})", text)) and 1 <= int(match[2]) <= 12:
        return f"{int(match[1]):02d}/{int(match[2]):02d}"
    return None


def _hint_for_words_about_a_date(original: str) -> str:
    """A cell of words around a month ('Progress review April 2021. Review tool and adapt') is
    not read as that month, which would drop the words: the hint says how to keep both."""
    for match in re.finditer(r"\b([A-Za-z]+)[ \-](\d{4})\b", original):
        if match[1].lower() in _MONTHS:
            return (f"leave only the date in this cell ({match[1]} {match[2]}); the other words can go "
                    f"in the progress comments")
    return EXAMPLE_DATE


_RAG_EXTRA = {"orange": RAG.AMBER, "yellow": RAG.AMBER, "closed": RAG.COMPLETE, "achieved": RAG.COMPLETE,
              "finished": RAG.COMPLETE, "blue": RAG.COMPLETE, "purple": None}
# Words that give no status. 'Not started' is a status a plan publishes, so it is kept; white
# and grey are the colours of an unfilled cell, which plans print, not words they use.
NO_RAG_WORDS = {"n/a", "na", "-", "none", "tbc", "not due", "white", "grey"}


def parse_rag_text(value: Any) -> RAG | None:
    """'Green ', 'G', 'Complete', 'Amber - on track', 'Not started' -> a RAG; empty or 'n/a' -> None."""
    text = " ".join(str(value).split()).strip(" .") if value is not None else ""
    if not text or text.lower() in NO_RAG_WORDS:
        return None
    try:
        return parse_rag(text)
    except Exception:
        pass
    found = set()
    words = re.findall(r"[a-z]+", text.lower())
    for word in words:
        if word in ("red", "amber", "green", "complete", "completed", "done", "blue", "orange", "yellow", "closed"):
            found.add(_RAG_EXTRA.get(word) or parse_rag(word))
    if NOT_STARTED_PHRASE.search(" ".join(words)):
        found.add(RAG.NOT_STARTED)
    if len(found) == 1:
        return found.pop()
    if len(found) > 1:
        raise CellError(f"'{text}' gives more than one RAG rating", f"choose one of {RAG_CHOICES}")
    raise CellError(f"'{text}' is not a RAG rating", f"write {RAG_CHOICES} (R, A, G or blue)")


COLOUR_NAMES = {RAG.RED: "red", RAG.AMBER: "amber", RAG.GREEN: "green", RAG.COMPLETE: "blue"}


def plain_fill(rgb: str) -> bool:
    """White, grey, black or the palest tint (banded rows): a fill that is no colour. Excel's
    own 'Bad', 'Neutral' and 'Good' cell styles (FFC7CE, FFEB9C, C6EFCE) are colours."""
    hue, saturation, value = colorsys.rgb_to_hsv(*(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)))
    return saturation < 0.15 or value < 0.25


def rag_from_colour(rgb: str | None) -> RAG | None:
    """A RAG cell's fill colour: red, amber (orange or yellow), green, or blue for complete."""
    if not rgb or plain_fill(rgb):
        return None
    degrees = colorsys.rgb_to_hsv(*(int(rgb[i:i + 2], 16) / 255 for i in (0, 2, 4)))[0] * 360
    if degrees < 18 or degrees >= 330:
        return RAG.RED
    if degrees < 70:
        return RAG.AMBER
    if degrees < 170:
        return RAG.GREEN
    if degrees < 260:
        return RAG.COMPLETE
    return None


def fill_disagrees(rag: RAG, colour: RAG | None) -> bool:
    """A RAG cell's fill is another rating's colour than its words' (formatting left from an
    earlier rating). Complete on green agrees, as many plans colour completed actions green;
    'Not started' has no colour of its own."""
    return (colour is not None and rag in COLOUR_NAMES and colour is not rag
            and (rag, colour) != (RAG.COMPLETE, RAG.GREEN))


def parse_recommendations(value: Any) -> list[int]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and value >= 1:
            return [int(value)]
        raise CellError(f"'{value:g}' is not a recommendation number", "write 5, or 5, 6")
    numbers = [int(n) for n in re.findall(r"\d+", str(value))]
    if not numbers:
        raise CellError(f"'{' '.join(str(value).split())}' names no recommendation number",
                        "write the numbers of the inspection's recommendations: 5, or 5, 6")
    return sorted(set(numbers), key=numbers.index)


def clean_text(value: Any) -> str | None:
    """A text cell: Excel's line breaks kept, spaces tidied; None when empty."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(" ", "minutes")
    elif isinstance(value, dt.date):
        value = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("_x000D_", "").replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text).replace("\t", " ").replace("\u00a0", " ")
    lines = [" ".join(line.split()) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) or None


# --------------------------------------------------------------------------- rows -> plan

TEXT_FIELDS = ("action", "how", "who", "resources", "outcome")
SHOWN_REASONS = 3
SHOWN_HEADING = 60


def merged_across(sheet: Sheet, row: int, fields: dict[str, int]) -> Merge | None:
    """The merged cell that spans this row's action column and another imported column: a
    heading's, or an action typed across columns; either way not one cell per column."""
    action = fields["action"]
    for merge in sheet.merges:
        if merge.covers(row, action) and any(merge.covers(row, c) for f, c in fields.items() if f != "action"):
            return merge
    return None


def shortened(text: str, length: int) -> str:
    """The text, cut at a word to at most `length` characters and marked so."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length] if text[length] == " " else text[:length].rsplit(" ", 1)[0]
    return cut.rstrip() + " ..."


def own_action_ids(numbers: list[Any], cells: list[str]) -> tuple[list[str] | None, list[str]]:
    """The plan's own action numbers (each action's cell value, at `cells`: A3, A4 ...) as ids,
    when every action has one, usable as an id and its own; else None and why not, cell by cell."""
    ids: list[str] = []
    reasons: list[str] = []
    first: dict[str, str] = {}
    for value, cell in zip(numbers, cells):
        text = clean_text(value)
        ids.append(text or "")
        if text is None:
            reasons.append(f"{cell} is empty")
        elif isinstance(value, dt.date):
            reasons.append(f"{cell} is a date to Excel ({text}; format the column as Text)")
        elif not re.match(ACTION_ID_PATTERN, text):
            reasons.append(f"{cell} holds '{text}', which cannot be an id (letters, digits, dots and hyphens, "
                           "up to 16 characters)")
        elif text in first:
            also = (" (if one is 1.10: Excel reads 1.10 as the number 1.1; format the column as Text)"
                    if isinstance(value, float) else "")
            reasons.append(f"{cell} repeats {text} of {first[text]}{also}")
        else:
            first[text] = cell
    return (None if reasons else ids), reasons


def merged_down(sheet: Sheet, row: int, column: int) -> Merge | None:
    """The merged cell that covers this cell from a row above: real plans merge an action's
    cell down two rows where its owner or its update has two lines."""
    for merge in sheet.merges:
        if merge.covers(row, column) and merge.first_row < row:
            return merge
    return None


TOTAL_LABEL = re.compile(r"(?:grand\s+|sub\s*-?\s*)?totals?(?:\s+(?:number\s+of\s+)?actions?)?|"
                         r"(?:number|no\.?|count)\s+of\s+actions?", re.I)


def total_label(sheet: Sheet, row: int) -> str | None:
    """The row's label when it is a total row ('Total', 'Total actions: 12', 'Grand total'),
    which plans put below the actions: its first filled cell says so, with at most a count."""
    for column, cell in enumerate(sheet.rows[row] if row < len(sheet.rows) else []):
        text = clean_text(cell.value) if column not in sheet.hidden_columns else None
        if text is not None:
            label = re.sub(r"[\s:=\-]*\d*\s*$", "", text)
            return text if TOTAL_LABEL.fullmatch(label) else None
    return None


@dataclass
class ActionRows:
    """One action as its rows give it: its first row, then each row its action cell is merged down over."""
    row: int                                # 0-based, the first row
    action: dict[str, Any]
    notes: list[str]
    rag: RAG | None | bool                  # False: its cell was not a rating, and was reported
    rag_row: int
    coloured: tuple[str, RAG] | None = None  # a cell outside the RAG column filled a RAG colour, and which


def more_of_the_action(sheet: Sheet, mapped: dict[str, int], first: ActionRows, row: int,
                       action: dict[str, Any], note: str | None, rag: RAG | None | bool) -> list[SheetProblem]:
    """Adds a row the action cell is merged down over to its action: a second owner, how,
    update ... is a second line of the same field; a second number, date or RAG rating that
    differs from the first is an error, as an action has one."""
    problems = []
    where = f"the action ({column_letter(mapped['action'])}{first.row + 1}) is merged down over this row, " \
            "so the row is more of that action"

    def differs(name: str, said: str, first_value: Any, value: Any, hint: str) -> None:
        problems.append(SheetProblem(
            row + 1, mapped[name], sheet.name,
            f"its {said} is {value}, and {first_value} in {column_letter(mapped[name])}{first.row + 1}: {where}",
            hint))

    one = "an action has one; empty one of the two cells"
    if "ref" in mapped:
        number, first_number = (clean_text(sheet.cell(r, mapped["ref"]).value) for r in (row, first.row))
        if number is not None and number != first_number:
            differs("ref", "number", first_number, number,
                    "give it one number, or unmerge the action cell and give each row its own action")
    for name in ("how", "who", "resources", "outcome"):
        if name in action and action[name] != first.action.get(name):
            first.action[name] = "\n".join(filter(None, (first.action.get(name), action[name])))
    links = first.action.get("recommendations", []) + action.get("recommendations", [])
    if links:
        first.action["recommendations"] = sorted(set(links), key=links.index)
    for name, said in (("review", "date for review"), ("due", "date for completion")):
        if name not in action:
            continue
        if name not in first.action:
            first.action[name] = action[name]
        elif action[name] != first.action[name]:
            differs(name, said, clean_text(sheet.cell(first.row, mapped[name]).value),
                    clean_text(sheet.cell(row, mapped[name]).value), one)
    if note is not None:
        first.notes.append(note)
    if rag is False or first.rag is False:
        first.rag = False
    elif rag:
        if first.rag is None:
            first.rag, first.rag_row = rag, row
        elif rag != first.rag:
            differs("rag", "RAG rating", first.rag.value, rag.value, one)
    return problems


def parse_sheet(sheet: Sheet, columns: Columns, update_date: dt.date,
                recommendation_count: int | None) -> tuple[list[dict], list[SheetProblem], list[str], str | None]:
    """Every data row below the header as an action (dict in the model's shape), and the
    column whose numbers are the actions' ids (None: they are A1, A2 ...). A row the action
    cell above is merged down over is more of that action (`more_of_the_action`)."""
    problems: list[SheetProblem] = []
    notes: list[str] = []
    parts: list[ActionRows] = []
    headings = 0                                       # the first heading's note says how to link recommendations
    hidden: list[int] = []
    mapped = columns.fields

    def cell(row: int, name: str) -> Cell:
        return sheet.cell(row, mapped[name]) if name in mapped else Cell()

    def bad(row: int, name: str, error: CellError) -> None:
        problems.append(SheetProblem(row + 1, mapped[name], sheet.name, error.message, error.hint))

    for row in range(columns.row + 1, len(sheet.rows)):
        values = {name: sheet.cell(row, column).value for name, column in mapped.items()}
        if all(clean_text(v) is None for name, v in values.items() if name != "ref"):
            continue                                   # a blank row, maybe numbered (or the blank rows at the end)
        if row in sheet.hidden_rows:                   # not in the plan as the sheet shows and prints it
            hidden.append(row + 1)
            continue
        if (label := total_label(sheet, row)) is not None:
            notes.append(f"{sheet.name}!{row + 1}:{row + 1}: '{label}' is a total row, not an action; not imported")
            continue
        if merge := merged_across(sheet, row, mapped):
            if row == merge.first_row:
                heading = shortened(clean_text(sheet.cell(row, merge.first_column).value) or "", SHOWN_HEADING)
                span = f"{column_letter(merge.first_column)} to {column_letter(merge.last_column)}"
                if all(merge.covers(row, column) for column in mapped.values()):
                    link = ("" if "recommendations" in mapped or headings else
                            " (to link actions to the inspection's recommendations, add a column 'Recommendation' "
                            "with their numbers)")
                    notes.append(f"{sheet.name}!{row + 1}:{row + 1}: '{heading}' is one cell merged across the "
                                 f"table ({span}), so it is read as a heading, not an action{link}")
                    headings += 1
                else:
                    problems.append(SheetProblem(
                        row + 1, -1, sheet.name,
                        f"'{heading}' is one cell merged across columns {span}, so it is neither an action "
                        "(one cell per column) nor a heading (merged across the whole table, "
                        f"{column_letter(min(mapped.values()))} to {column_letter(max(mapped.values()))})",
                        "for a heading, merge it across the whole table; for an action, unmerge the cells "
                        "and put each part in its own column"))
            continue
        above = merged_down(sheet, row, mapped["action"])
        continues = above is not None and parts and parts[-1].row == above.first_row
        action: dict[str, Any] = {}
        if "recommendations" in mapped:
            try:
                numbers = parse_recommendations(values["recommendations"])
                if recommendation_count is not None:
                    for number in numbers:
                        if not 1 <= number <= recommendation_count:
                            raise CellError(f"there is no recommendation {number}",
                                            f"the inspection has {recommendation_count} recommendation"
                                            f"{'s' if recommendation_count != 1 else ''}")
                if numbers:
                    action["recommendations"] = numbers
            except CellError as error:
                bad(row, "recommendations", error)
        for name in TEXT_FIELDS:
            text = clean_text(values.get(name))
            if text is not None:
                action[name] = text
        if "action" not in action and not continues:
            problems.append(SheetProblem(row + 1, mapped["action"], sheet.name, "the action is empty",
                                         "every row needs one; delete the row if it is not an action"))
        for name in ("review", "due"):
            if name not in mapped:
                continue
            try:
                parsed = parse_date(values[name], sheet.excel)
            except CellError as error:
                bad(row, name, error)
                continue
            if parsed is not None:
                action[name] = parsed
            elif clean_text(values[name]) is not None:
                where = f"{sheet.name}!{column_letter(mapped[name])}{row + 1}"
                notes.append(f"{where}: '{clean_text(values[name])}' is not a date; left empty")
        note = clean_text(values.get("note"))
        rag = None
        if "rag" in mapped:
            rag_cell = cell(row, "rag")
            try:
                rag = parse_rag_text(rag_cell.value)
            except CellError as error:
                bad(row, "rag", error)
                rag = False
            # The words are what a screen reader and the printed copy say: kept, and the colour named.
            if rag and fill_disagrees(rag, filled := rag_from_colour(rag_cell.colour)):
                notes.append(f"{sheet.name}!{column_letter(mapped['rag'])}{row + 1}: the cell says "
                             f"'{clean_text(rag_cell.value)}' but is filled {COLOUR_NAMES[filled]}; the words are "
                             f"imported ({rag.value}) (make the cell's colour match its words, or its words the "
                             "colour)")
            if rag is None and clean_text(rag_cell.value) is None:
                rag = rag_from_colour(rag_cell.colour)
                if rag is None and rag_cell.colour and not plain_fill(rag_cell.colour):
                    problems.append(SheetProblem(
                        row + 1, mapped["rag"], sheet.name, "the cell is filled with a colour that is not red, "
                        f"amber, green or blue (#{rag_cell.colour}), and has no rating typed in it",
                        f"type its rating: {RAG_CHOICES}"))
                    rag = False
        # A rating given by colour alone outside the RAG column is not read: the note says so.
        coloured = next(((f"{sheet.name}!{column_letter(column)}{row + 1}", found)
                         for name, column in sorted(mapped.items(), key=lambda kv: kv[1])
                         if name != "rag" and (found := rag_from_colour(sheet.cell(row, column).colour))), None)
        if continues:
            problems += more_of_the_action(sheet, mapped, parts[-1], row, action, note, rag)
            parts[-1].coloured = parts[-1].coloured or coloured
        else:
            parts.append(ActionRows(row, action, [note] if note is not None else [], rag, row, coloured))
    actions: list[dict] = []
    for part in parts:
        action = {"id": f"A{len(actions) + 1}", **part.action}
        note = "\n".join(part.notes) or None
        if note is not None and part.rag is None:
            if "rag" in mapped:
                problems.append(SheetProblem(part.row + 1, mapped["rag"], sheet.name,
                                             "the progress comment has no RAG rating",
                                             f"write {RAG_CHOICES}"))
            elif hidden_rag := [c for c, meaning in columns.hidden.items() if meaning == "rag"]:
                problems.append(SheetProblem(part.row + 1, mapped["note"], sheet.name,
                                             "a progress comment needs a RAG rating, and the sheet's RAG column "
                                             f"{shown_column(columns, hidden_rag[0])} is hidden",
                                             f"unhide column {column_letter(hidden_rag[0])} in Excel and import "
                                             "again"))
            else:
                problems.append(SheetProblem(part.row + 1, mapped["note"], sheet.name,
                                             "a progress comment needs a RAG rating, and the sheet has no "
                                             "RAG column", "add a column 'RAG rating'"))
        elif part.rag:
            update: dict[str, Any] = {"date": update_date.isoformat(), "rag": part.rag.value}
            if note is not None:
                update["note"] = note
            action["updates"] = [update]
        actions.append(action)
    action_rows = [part.row for part in parts]
    if hidden:
        several = len(hidden) != 1
        notes.append(f"{sheet.name}: row{'s' if several else ''} {', '.join(map(str, hidden))} "
                     f"{'are' if several else 'is'} hidden in the sheet, so {'they are' if several else 'it is'} "
                     f"not imported (unhide {'them' if several else 'it'} in Excel and import again to include "
                     f"{'them' if several else 'it'})")
    if not actions and not problems:
        problems.append(SheetProblem(columns.row + 1, -1, sheet.name, "there are no actions below the header row"))
    numbered_by = None
    if "ref" in mapped and actions:
        column = mapped["ref"]
        numbered_by = f"'{columns.headers[column]}' ({column_letter(column)})"
        ids, reasons = own_action_ids([sheet.cell(row, column).value for row in action_rows],
                                      [f"{column_letter(column)}{row + 1}" for row in action_rows])
        if ids is not None:
            for action, own in zip(actions, ids):
                action["id"] = own
        else:
            shown = reasons[:SHOWN_REASONS]
            more = len(reasons) - SHOWN_REASONS
            notes.append(f"{sheet.name}: the actions are numbered A1 to A{len(actions)}, not by the column "
                         f"{numbered_by}, as not every action has its own number there: " + "; ".join(shown)
                         + (f"; and {more} more" if more > 0 else "")
                         + " (number every action to keep the sheet's numbers)")
            numbered_by = None
    for part, action in zip(parts, actions):
        if part.coloured and part.rag is None:
            where, colour = part.coloured
            if "rag" in mapped:
                notes.append(f"{where}: the cell is filled {COLOUR_NAMES[colour]}, but only the RAG column's colours "
                             f"are read, so action {action['id']} has no RAG rating (type its rating in "
                             f"{column_letter(mapped['rag'])}{part.row + 1})")
            else:
                notes.append(f"{where}: the cell is filled {COLOUR_NAMES[colour]}, but the sheet has no RAG column, "
                             f"so action {action['id']} has no RAG rating (add a column 'RAG rating')")
    return actions, problems, notes, numbered_by


def default_title(sheet: Sheet, columns: Columns, path: Path) -> str:
    """The first text above the header row (councils put the plan's title there), of a row and
    a column the sheet shows."""
    for number, row in enumerate(sheet.rows[:columns.row]):
        for column, cell in enumerate(row):
            shown = number not in sheet.hidden_rows and column not in sheet.hidden_columns
            text = clean_text(cell.value) if shown else None
            if text and not isinstance(cell.value, (int, float, dt.date)):
                return " ".join(text.split())
    stem = re.sub(r"[_\-]+", " ", path.stem).strip()
    return f"Action plan: {stem}" if stem else "Action plan"


# --------------------------------------------------------------------------- writing YAML

def yaml_text(value: str, indent: int) -> str:
    """A string as YAML: plain where that reads back the same, quoted, or a literal block."""
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return value                                   # a date or month: our loader keeps it as text
    if "\n" in value:
        pad = " " * (indent + 2)
        return "|-\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))
    if value and value == value.strip() and not value.startswith(("-", "?", ":", ",", "[", "]", "{", "}", "#",
                                                                  "&", "*", "!", "|", ">", "'", '"', "%",
                                                                  "@", "`")):
        try:
            if yaml.safe_load(f"k: {value}") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def plan_yaml(plan: dict, header: list[str]) -> str:
    out = [*header]
    for key in ("inspection", "title", "owner", "status", "embargo_until"):
        if plan.get(key) is not None:
            out.append(f"{key}: {yaml_text(str(plan[key]), 0)}")
    out.append("actions:")
    for index, action in enumerate(plan["actions"]):
        if index:
            out.append("")
        first = True
        for key in ("id", "recommendations", "action", "how", "who", "resources", "review", "due", "outcome"):
            if key not in action:
                continue
            lead = "  - " if first else "    "
            first = False
            value = action[key]
            shown = "[" + ", ".join(map(str, value)) + "]" if key == "recommendations" else yaml_text(value, 4)
            out.append(f"{lead}{key}: {shown}")
        if action.get("updates"):
            out.append("    updates:")
        for update in action.get("updates", []):
            out.append(f"      - date: {update['date']}")
            out.append(f"        rag: {update['rag']}")
            if "note" in update:
                out.append(f"        note: {yaml_text(update['note'], 8)}")
    return "\n".join(out) + "\n"


def replaced_plan(target: Path, root: Path) -> ActionPlan:
    """The plan `--force` replaces, read so that its progress updates, recommendation links and
    actions are carried over; one that does not read is an error, as its work would be lost."""
    document, problems = read_document(target, root, "action_plan")
    record, invalid = validate_document(document) if document is not None and not problems else (None, problems)
    if record is None or invalid:
        shown = target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
        first = next((str(p) for p in [*problems, *invalid]), "it does not read")
        raise AuthoringError(f"{shown} does not read as an action plan, so its progress updates could not be kept: "
                             f"{first}; nothing was written (fix it, `scrutiny check` says how, or delete it to "
                             "import afresh)")
    return record.model


WHEN = ("date", "reported_to")       # an update's day, or the meeting it was reported to


def update_entry(update: Any) -> dict[str, Any]:
    """A progress update of the plan read back, as the importer writes one."""
    # One reported to a meeting gives no day (docs/content-format.md): it is kept as written.
    entry: dict[str, Any] = ({"date": update.date.isoformat()} if update.reported_to is None
                             else {"reported_to": update.reported_to})
    entry["rag"] = update.rag.value
    if update.note is not None:
        entry["note"] = update.note
    return entry


def action_entry(action: Any) -> dict[str, Any]:
    """An action of the plan read back, as the importer writes one."""
    entry: dict[str, Any] = {"id": action.id}
    if action.recommendations:
        entry["recommendations"] = list(action.recommendations)
    for name in (*TEXT_FIELDS, "review", "due"):
        value = getattr(action, name)
        if value is not None:
            entry[name] = str(value)
    if action.updates:
        entry["updates"] = [update_entry(u) for u in action.updates]
    return entry


def _wording(text: str | None) -> str:
    return " ".join(str(text or "").split()).casefold().rstrip(".")


def unmatched_actions(actions: list[dict], replaced: ActionPlan) -> str | None:
    """Why the sheet's actions cannot be matched to the plan's by id, or None. An id names
    another action when the rows were renumbered (a row inserted above, A3 became A4): its
    progress would move to an action it is not about. And a sheet none of whose ids the plan
    has was numbered anew: the plan's actions would all be kept again beside the sheet's."""
    old = {action.id: action for action in replaced.actions}
    shared = [a for a in actions if a.get("id") in old]
    if replaced.actions and actions and not shared:
        return (f"none of the sheet's action numbers ({actions[0].get('id')}...) is one of the plan's "
                f"({replaced.actions[0].id}...), so its progress cannot be matched to them")
    differ = [f"{a['id']} is '{old[a['id']].action}' in the plan and '{a.get('action')}' in the sheet"
              for a in shared if _wording(old[a["id"]].action) != _wording(a.get("action"))]
    if differ:
        return ("an action number names another action in the sheet than in the plan, so its progress would "
                "move to an action it is not about: " + "; ".join(differ[:SHOWN_REASONS])
                + (f" (and {len(differ) - SHOWN_REASONS} more)" if len(differ) > SHOWN_REASONS else ""))
    return None


def merged_with_replaced(actions: list[dict], replaced: ActionPlan, update_date: dt.date,
                         sheet_fields: Iterable[str] = TEXT_FIELDS + ("review", "due")) -> tuple[list[dict], list[str]]:
    """The sheet's actions with the work of the plan they replace kept: an action of the same id
    keeps its updates dated up to the sheet's day (the sheet's update comes after them, unless it
    repeats the latest), its recommendation links where the sheet gives none, and the fields
    the sheet has no column for; an action the sheet no longer has is kept as it was, after the
    sheet's. Returns the actions and notes."""
    old = {action.id: action for action in replaced.actions}
    merged, kept_updates, kept_links, repeats, later, twice = [], 0, 0, [], [], []
    kept_fields: set[str] = set()
    for action in actions:
        previous = old.get(action.get("id"))
        if previous is None:
            merged.append(action)
            continue
        action = dict(action)
        # A field the sheet has no column for is not one it empties: the plan's value stays.
        for name in (*TEXT_FIELDS, "review", "due"):
            if name not in sheet_fields and name not in action and getattr(previous, name) is not None:
                action[name] = str(getattr(previous, name))
                kept_fields.add(name)
        # An update of the sheet's own day was typed or corrected by hand, or is this sheet's: kept either way.
        # One reported to a meeting was reported before the sheet was filled in: kept too.
        earlier = [update_entry(u) for u in previous.updates if u.date is None or u.date <= update_date]
        later += [f"{previous.id} ({u.date.isoformat()})" for u in previous.updates
                  if u.date is not None and u.date > update_date]
        new = action.get("updates", [])
        if earlier and new and {k: v for k, v in new[-1].items() if k not in WHEN} == \
                {k: v for k, v in earlier[-1].items() if k not in WHEN}:
            repeats.append(previous.id)
            new = []
        if new and earlier and earlier[-1].get("date") == new[0]["date"]:
            twice.append(previous.id)
        if earlier or new:
            action["updates"] = earlier + new
        kept_updates += len(earlier)
        if "recommendations" not in action and previous.recommendations:
            action["recommendations"] = list(previous.recommendations)
            kept_links += len(previous.recommendations)
        merged.append(action)
    if later:
        raise AuthoringError(f"the plan it replaces has progress updates dated after {update_date.isoformat()}, the "
                             f"day of the sheet's: action {', '.join(later)}; nothing was written (give --as-of "
                             "the day the sheet was brought up to date)")
    sheet_ids = {action.get("id") for action in actions}
    missing = [action for action in replaced.actions if action.id not in sheet_ids]
    merged += [action_entry(action) for action in missing]
    notes = [f"kept {kept_updates} earlier progress update{'s' if kept_updates != 1 else ''} and {kept_links} "
             f"recommendation link{'s' if kept_links != 1 else ''} from the plan it replaces"]
    if kept_fields:
        notes.append(f"kept the plan's {', '.join(sorted(kept_fields))}, which the sheet has no column for")
    if repeats:
        notes.append(f"the sheet's progress update for action{'s' if len(repeats) != 1 else ''} {', '.join(repeats)} "
                     "repeats the latest one kept, so it is not added again")
    if twice:
        notes.append(f"action{'s' if len(twice) != 1 else ''} {', '.join(twice)}: the plan it replaces has a "
                     f"progress update dated {update_date.isoformat()}, the day of the sheet's, which differs from "
                     "the sheet's; both are kept, the sheet's last (delete the one that is wrong from the YAML)")
    if missing:
        notes.append(f"kept action{'s' if len(missing) != 1 else ''} {', '.join(a.id for a in missing)} of the plan "
                     "it replaces, which the sheet does not have, as they were, after the sheet's actions (papers "
                     "already issued show them; delete them from the YAML if the plan no longer has them)")
    return merged, notes


# The import's own comment lines, written anew each time: not the author's.
IMPORT_COMMENTS = re.compile(r"# (?:yaml-language-server: |Imported from |Progress comments and RAG ratings are updates)")


def yaml_comments(text: str) -> list[tuple[int, str]]:
    """(line, comment) of each comment in YAML text: a '#' at a line's start or after a space
    that is not inside a scalar (a quoted value or a block of text may hold ' #')."""
    scalars = [(token.start_mark.index, token.end_mark.index) for token in yaml.scan(text)
               if isinstance(token, yaml.ScalarToken)]
    found = []
    for match in re.finditer(r"(?:^|(?<=[ \t]))#[^\n]*", text, re.M):
        if not any(start <= match.start() < end for start, end in scalars):
            found.append((text.count("\n", 0, match.start()) + 1, match.group(0).rstrip()))
    return found


def dropped_comments(old: str, new: str) -> list[tuple[int, str]]:
    """The author's comments in the plan `--force` replaces that the new file does not have, as
    (line in the old file, comment): the import writes the file anew from the plan's values."""
    try:
        kept = {comment for _, comment in yaml_comments(new)}
        return [(line, comment) for line, comment in yaml_comments(old)
                if comment not in kept and not IMPORT_COMMENTS.match(comment)]
    except yaml.YAMLError:          # not reached: the plan replaced was read as a plan
        return []


def replaced_publication(target: Path, root: Path) -> tuple[dict[str, str], str | None]:
    """What the plan `--force` replaces says of its publication (`status`, `embargo_until`),
    kept so that a draft or embargoed plan stays so, and a note saying so. Anything but a
    readable `status: published` is kept as a draft: when in doubt, nothing is published."""
    document, problems = read_document(target, root, "action_plan")
    data = document.data if document is not None and not problems and isinstance(document.data, dict) else {}
    published = data and str(data.get("status", "published")).strip().lower() == "published"
    kept = {} if published else {"status": "draft"}
    embargo = data.get("embargo_until")
    if embargo is not None:
        try:
            parse_local_datetime(embargo)
            kept["embargo_until"] = str(embargo)
        except PydanticCustomError:
            kept["status"] = "draft"
    said = ", ".join(f"{key}: {value}" for key, value in sorted(kept.items(), reverse=True))
    return kept, f"kept from the plan it replaces: {said}" if said else None


# --------------------------------------------------------------------------- the command

@dataclass
class ImportResult:
    path: Path
    sheet: str
    actions: int
    updates: int
    notes: list[str]
    numbered_by: str | None = None      # the column whose numbers are the action ids; None: A1, A2 ...
    warnings: list[str] = field(default_factory=list)   # as `scrutiny check` gives them of the file written


def slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-")[:80]


def _inspections(root: Path) -> list[str]:
    folder = root / "content" / "inspections"
    return sorted(p.stem for p in folder.glob("*.y*ml")) if folder.is_dir() else []


def _recommendation_count(root: Path, inspection: str) -> int | None:
    """How many recommendations the inspection makes (None if its file cannot be read)."""
    for suffix in (".yaml", ".yml"):
        path = root / "content" / "inspections" / f"{inspection}{suffix}"
        if path.is_file():
            doc, problems = read_document(path, root, "inspection")
            if doc is None or problems:
                return None
            record, problems = validate_document(doc)
            if record is None:
                return None
            return sum(len(group.items) for group in record.model.recommendations)
    return None


def import_action_plan(root: Path, source: Path, inspection: str | None = None, plan_id: str | None = None,
                       title: str | None = None, mapping: str | None = None, as_of: dt.date | None = None,
                       sheet_name: str | None = None, draft: bool = False, force: bool = False) -> ImportResult:
    require_content(root)
    plan_id = plan_id or slug(source.stem)
    if not ID_PATTERN.match(plan_id or ""):
        raise AuthoringError(f"'{plan_id}' is not a usable id; give one with --id (lower-case letters, digits "
                             "and hyphens, e.g. torbay-2021-plan)", usage=True)
    known = _inspections(root)
    if inspection is None:
        matches = [i for i in known if plan_id == i or plan_id.startswith(i + "-")]
        if not matches:
            raise AuthoringError("which inspection does this plan answer? give --inspection ID"
                                 + (f" (one of: {', '.join(known)})" if known else ""), usage=True)
        inspection = max(matches, key=len)
    elif inspection not in known:
        hint = did_you_mean(inspection, known)
        raise AuthoringError(f"there is no inspection '{inspection}' (no file content/inspections/"
                             f"{inspection}.yaml)" + (f"; {hint}" if hint else ""), usage=True)
    target = root / "content" / "action-plans" / f"{plan_id}.yaml"
    if target.with_suffix(".yml").exists() or (target.exists() and not force):
        raise AuthoringError(f"content/action-plans/{plan_id}.yaml already exists; nothing was written "
                             "(give another --id, or --force to replace it)")
    overrides = parse_map(mapping)
    sheets = read_sheets(source, sheet_name)
    found = [(sheet, find_columns(sheet, overrides)) for sheet in sheets]
    # A hidden sheet (an old plan, a lookup list) is not the plan the workbook shows, unless --sheet names it.
    hidden_sheets = [s.name for s, c in found if c is not None and s.hidden and sheet_name is None]
    usable = [(s, c) for s, c in found if c is not None and s.name not in hidden_sheets]
    named_hidden = ", ".join(f"'{name}'" for name in hidden_sheets)
    if not usable and hidden_sheets:
        raise AuthoringError(f"{source.name}: the only sheet{'s' if len(hidden_sheets) != 1 else ''} with an action "
                             f"column, {named_hidden}, "
                             f"{'are' if len(hidden_sheets) != 1 else 'is'} hidden in the workbook; nothing was "
                             f"written (unhide it in Excel, or name it with --sheet '{hidden_sheets[0]}' if it is "
                             "the plan)")
    if not usable:
        if hidden := next(filter(None, (hidden_action_column(s, overrides) for s in sheets)), None):
            raise SheetErrors([hidden])
        sheet = sheets[0] if sheets else Sheet(source.stem, [], False)
        wanted = [h for h in overrides if overrides[h] == "action"]
        if wanted:
            message = f"no row has a column headed '{wanted[0]}'"
        else:
            message = "no header row with an action column was found"
        raise SheetErrors([SheetProblem(0, -1, sheet.name, message,
                                        "the header row names the columns, e.g. 'Improvement action', 'Who', "
                                        "'Date for completion'; or say which column is which with --map "
                                        "'Your header=action'")])
    sheet, columns = usable[0]
    missing = [h for h in overrides if h not in {normalise(t) for t in columns.headers.values()}]
    if missing:
        raise AuthoringError(f"--map: {sheet.name} has no column headed '{missing[0]}'; its headers are "
                             + ", ".join(f"'{h}'" for h in columns.headers.values()), usage=True)
    for header in overrides:
        named = [c for c, text in columns.headers.items() if normalise(text) == header]
        if all(c in columns.hidden for c in named):
            raise AuthoringError(f"--map: the column {shown_column(columns, named[0])} is hidden in {sheet.name}, "
                                 f"so it is not imported (unhide column {column_letter(named[0])} in Excel and "
                                 "import again)", usage=True)
    today = dt.datetime.now(LONDON).date()
    update_date = as_of or today
    actions, problems, notes, numbered_by = parse_sheet(sheet, columns, update_date,
                                                         _recommendation_count(root, inspection))
    if problems:
        raise SheetErrors(problems)

    kept, kept_note = replaced_publication(target, root) if target.exists() else ({}, None)
    sheet_actions, sheet_updates = len(actions), sum(len(a.get("updates", [])) for a in actions)
    owner = None
    if target.exists():
        replaced = replaced_plan(target, root)
        unmatched = unmatched_actions(actions, replaced)
        if unmatched:
            raise AuthoringError(f"{unmatched}; nothing was written (give the sheet a column of the plan's action "
                                 "numbers, or make the action's words in the plan the sheet's if it is the same "
                                 "action reworded, or import the sheet under another --id)")
        actions, merge_notes = merged_with_replaced(actions, replaced, update_date, columns.fields)
        notes[:0] = merge_notes
        # Issued papers carry the plan's title and owner: kept unless --title says otherwise.
        owner = replaced.owner
        if title is None and replaced.title != default_title(sheet, columns, source):
            notes.insert(0, f"kept the title of the plan it replaces, '{replaced.title}' (give --title to change it)")
        title = title or replaced.title
    plan = {"inspection": inspection, "title": title or default_title(sheet, columns, source), "owner": owner,
            "status": "draft" if draft else kept.get("status"), "embargo_until": kept.get("embargo_until"),
            "actions": actions}
    if kept_note:
        notes.insert(0, kept_note)
    ActionPlan.model_validate({k: v for k, v in plan.items() if v is not None})   # a bug if this fails
    kind = KINDS["action-plan"]
    header = [schema_line(root, kind, target),
              f"# Imported from {source.name} (sheet {sheet.name}) by `scrutiny import action-plan` on "
              f"{today.isoformat()}.",
              f"# Progress comments and RAG ratings are updates dated {update_date.isoformat()}. "
              "Add later updates below them, oldest first."]
    text = plan_yaml(plan, header)
    temporary = target.with_name(f".{target.name}.import")
    try:
        write_schemas(root, [kind])
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(text, encoding="utf-8")
    except OSError as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:         # a read-only folder: then there is no file to remove
            pass
        shown = target.relative_to(root).as_posix() if target.is_relative_to(root) else str(target)
        raise cannot_write(exc, shown, "nothing was written") from None
    document, read_problems = read_document(temporary, root, "action_plan")
    record, invalid = validate_document(document) if document else (None, read_problems)
    if record is None or read_problems:
        temporary.unlink()
        details = "; ".join(str(p) for p in [*read_problems, *invalid])
        raise AssertionError(f"the imported plan does not read back: {details}")   # a bug, not the sheet
    old_text = target.read_text(encoding="utf-8", errors="replace") if target.exists() else ""
    temporary.replace(target)
    # An embargo kept from the plan replaced may be a time the clocks skip or repeat: warned of as check does.
    written, _ = read_document(target, root, "action_plan")
    warnings = [str(problem) for problem in clock_change_warnings(written)] if written is not None else []
    if dropped := dropped_comments(old_text, text):
        several = len(dropped) != 1
        notes.append(f"{target.relative_to(root).as_posix()}: {len(dropped)} comment{'s' if several else ''} of the "
                     f"plan it replaces {'are' if several else 'is'} not in the new file (--force writes it anew); "
                     "copy back any you need:")
        notes += [f"  line {line}: {comment}" for line, comment in dropped]
    if len(usable) > 1:
        # Some councils keep one sheet per recommendation or per quarter: say what was left out.
        notes.insert(0, f"{source.name}: sheets not imported, though they have an action column: "
                        + ", ".join(f"'{other.name}'" for other, _ in usable[1:])
                        + " (use --sheet NAME to import one of them)")
    if hidden_sheets:
        notes.insert(0, f"{source.name}: sheet{'s' if len(hidden_sheets) != 1 else ''} hidden in the workbook, so "
                        f"not imported, though {'they have' if len(hidden_sheets) != 1 else 'it has'} an action "
                        f"column: {named_hidden} (use --sheet NAME to import one)")
    if sheet.hidden:
        notes.insert(0, f"{source.name}: sheet '{sheet.name}' is hidden in the workbook; imported as --sheet names it")
    if columns.ignored:
        notes.insert(0, f"{sheet.name}: columns not imported: {', '.join(columns.ignored)} "
                        "(use --map 'Header=field' to import one)")
    if hidden := hidden_columns_note(sheet, columns):
        notes.insert(0, hidden)
    return ImportResult(target, sheet.name, sheet_actions, sheet_updates, notes, numbered_by, warnings)

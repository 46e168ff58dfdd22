"""Field types shared by the record models: ratings, RAG, dates, months and colours.

Each type says what it accepts in words a clerk understands, because its error message
is what the clerk will read.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, TypeVar


from pydantic import (AfterValidator, BeforeValidator, ConfigDict, Field, PlainSerializer, ValidationInfo,
                      WithJsonSchema, WrapValidator)
from pydantic_core import PydanticCustomError

from generator import clock
from generator.clock import at_london_offset, london_instant
from generator.figures import keep_as_written
from generator.markdown_limits import CONTAINER_STARTS, markdown_excesses
from generator.problems import did_you_mean, quoted

LONDON = clock.LONDON                 # re-exported: records are dated in London time

RECORD_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, populate_by_name=True,
                           str_strip_whitespace=True)

# A figure a record transcribes: checked as the number it is, printed as it was written
# ('64.50', not 64.5 or 64): `Annotated[float, Field(ge=0), AS_WRITTEN]`.
AS_WRITTEN = WrapValidator(keep_as_written)


class Rating(str, Enum):
    """HMIP's four-point scale, lowest first."""

    INADEQUATE = "Inadequate"
    REQUIRES_IMPROVEMENT = "Requires improvement"
    GOOD = "Good"
    OUTSTANDING = "Outstanding"

    @property
    def slug(self) -> str:
        return self.value.lower().replace(" ", "-")


_RATING_WORDS = {r.value.lower(): r for r in Rating} | {
    "requiring improvement": Rating.REQUIRES_IMPROVEMENT,   # as councils often write it
    "ri": Rating.REQUIRES_IMPROVEMENT,
}


def parse_rating(value: Any) -> Rating:
    if isinstance(value, Rating):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("rating", "expected a rating word, got {got}", {"got": _shown(value)})
    word = " ".join(value.split()).lower()
    if word in _RATING_WORDS:
        return _RATING_WORDS[word]
    hint = did_you_mean(value, [r.value for r in Rating]) or \
        "use Inadequate, Requires improvement, Good or Outstanding"
    raise PydanticCustomError("rating", "'{value}' is not a rating", {"value": value, "hint": hint})


_YAML_BOOLEANS = {"true": True, "false": False}


def parse_true_or_false(value: Any) -> bool:
    """`true` or `false` only (YAML 1.2): `yes`, `no`, `on`, `off` and 1 are words, never booleans
    (docs/content-format.md), however a library would coerce them."""
    if value is None or isinstance(value, bool):
        return value                     # nothing given: pydantic's own message, and its hint
    if isinstance(value, str) and value.lower() in _YAML_BOOLEANS:
        return _YAML_BOOLEANS[value.lower()]
    raise PydanticCustomError("true_or_false", "expected true or false, got {got}",
                              {"got": _shown(value), "hint": "write true or false: yes, no, on and off are words"})


TrueOrFalse = Annotated[bool, BeforeValidator(parse_true_or_false), WithJsonSchema({"type": "boolean"})]


RatingField = Annotated[
    Rating, BeforeValidator(parse_rating),
    WithJsonSchema({"type": "string", "enum": [r.value for r in Rating],
                    "description": "Inadequate | Requires improvement | Good | Outstanding"}),
]


class RAG(str, Enum):
    """Progress of an action: red, amber, green, complete (often shown blue), or not started,
    where the council's plan records it as a status of its own (often grey or white)."""

    RED = "red"
    AMBER = "amber"
    GREEN = "green"
    COMPLETE = "complete"
    NOT_STARTED = "not started"

    @property
    def slug(self) -> str:
        return self.value.replace(" ", "-")


RAG_CHOICES = "red, amber, green, complete or not started"      # as hints name them
NOT_STARTED_PHRASE = re.compile(r"\bnot (?:yet )?started\b")     # within longer words: "Not started - on hold"

_RAG_WORDS = {"red": RAG.RED, "r": RAG.RED, "amber": RAG.AMBER, "a": RAG.AMBER, "yellow": RAG.AMBER,
              "green": RAG.GREEN, "g": RAG.GREEN, "complete": RAG.COMPLETE, "completed": RAG.COMPLETE,
              "done": RAG.COMPLETE, "blue": RAG.COMPLETE, "b": RAG.COMPLETE, "c": RAG.COMPLETE,
              "not started": RAG.NOT_STARTED, "not yet started": RAG.NOT_STARTED}


def parse_rag(value: Any) -> RAG:
    if isinstance(value, RAG):
        return value
    if value is None:            # 'rag:' left empty: no 'None' was written
        raise PydanticCustomError("rag", "is empty; expected red, amber, green or complete", {
            "hint": "fill in red, amber, green or complete, or delete the line if the field is optional"})
    if type(value) is str and value in _RAG_WORDS:
        return _RAG_WORDS[value]
    word = " ".join(str(value).split()).lower() if value is not None else ""
    if word in _RAG_WORDS:
        return _RAG_WORDS[word]
    named = {_RAG_WORDS[part] for part in re.split(r"[^a-z]+", word) if part in _RAG_WORDS and len(part) > 1}
    if NOT_STARTED_PHRASE.search(word):
        named.add(RAG.NOT_STARTED)
    if len(named) > 1:          # 'Amber/Green': a did-you-mean would pick one of the two for the author
        hint = f"an action has one status at a time: choose one of {RAG_CHOICES}"
    else:
        hint = did_you_mean(str(value), [r.value for r in RAG]) or f"use {RAG_CHOICES}"
    raise PydanticCustomError("rag", "'{value}' is not a RAG status", {"value": value, "hint": hint})


RAGField = Annotated[
    RAG, BeforeValidator(parse_rag),
    WithJsonSchema({"type": "string", "enum": [r.value for r in RAG]}),
]


@dataclass(frozen=True, order=True)
class DateOrMonth:
    """A day (2021-03-03) or, where the source gives only a month, a month (2021-07)."""

    start: dt.date
    end: dt.date
    is_month: bool

    def __str__(self) -> str:
        return self.start.strftime("%Y-%m") if self.is_month else self.start.isoformat()

    @property
    def display(self) -> str:
        """'July 2021' or '3 March 2021', as council papers write dates."""
        if self.is_month:
            return self.start.strftime("%B %Y")
        return f"{self.start.day} {self.start.strftime('%B %Y')}"


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return quoted(value)


@lru_cache(maxsize=16384)
def _iso_date(value: str) -> dt.date:
    # A corpus holds a date for every progress update, of a few hundred distinct days: one
    # shared (immutable) date per text saves memory. (Errors are never cached.)
    return dt.date.fromisoformat(value)


def parse_date(value: Any) -> dt.date:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return _iso_date(value)                  # the usual case
        except ValueError:
            pass                                     # the checks below say what is wrong
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = str(value).strip() if isinstance(value, (str, int)) else None
    match = _DATE.match(text or "")
    if match:
        try:
            return dt.date(*map(int, match.groups()))
        except ValueError:
            raise PydanticCustomError("date", "'{value}' is not a real date", {"value": text,
                                      "hint": "check the day and month"})
    if value is None:
        raise PydanticCustomError("date", "is empty; expected a date", {
            "hint": "fill in a date as YYYY-MM-DD, or delete the line if the field is optional"})
    written = iso_spelling(text or "")
    hint = "write dates as YYYY-MM-DD, e.g. 2021-03-01"
    if written and _DATE.match(written):
        hint = f"write {text} as {written}"
    raise PydanticCustomError("date", "expected a date, got {got}", {"got": _shown(value), "hint": hint})


_MONTH_NUMBERS = {name.lower(): number for number in range(1, 13)
                  for name in (calendar.month_name[number], calendar.month_abbr[number])} | {"sept": 9}


def iso_spelling(text: str) -> str | None:
    """How to write a day or month typed another common way, or None if it names no real one:
    '5 December 2026', '05/12/2026' (day first, as councils in England and Wales write it; the
    spreadsheet importer reads it so too), '2026-12-5' -> '2026-12-05'; 'December 2026',
    '12/2026', '2026-12' -> '2026-12'. Only a hint: the value itself stays an error."""
    words = " ".join(re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip().lower().replace(",", " ")).split())
    year = month = day = None
    if match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", words):
        day, month, year = match.groups()
    elif match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", words):
        year, month, day = match.groups()
    elif match := re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", words):
        day, month, year = match[1], _MONTH_NUMBERS.get(match[2]), match[3]
    elif match := re.fullmatch(r"(\d{1,2})[/.](\d{4})|(\d{4})[-/.](\d{1,2})", words):
        month, year = (match[1], match[2]) if match[1] else (match[4], match[3])
    elif match := re.fullmatch(r"([a-z]+) (\d{4})", words):
        month, year = _MONTH_NUMBERS.get(match[1]), match[2]
    if month is None or not 1 <= int(month) <= 12:
        return None
    if day is None:
        return f"{year}-{int(month):02d}"
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def parse_date_or_month(value: Any) -> DateOrMonth:
    if type(value) is str:
        return _date_or_month_from_text(value)
    return _parse_date_or_month(value)


@lru_cache(maxsize=16384)
def _date_or_month_from_text(value: str) -> DateOrMonth:
    # An action plan's updates repeat a few dozen months thousands of times; a DateOrMonth
    # is immutable, so one per distinct text is shared. (Errors are raised, never cached.)
    return _parse_date_or_month(value)


def _parse_date_or_month(value: Any) -> DateOrMonth:
    if isinstance(value, DateOrMonth):
        return value
    if value is None:
        raise PydanticCustomError("date", "is empty; expected a date or a month", {
            "hint": "fill in 2021-07-31 or 2021-07, or delete the line if the field is optional"})
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    month = _MONTH.match(text)
    if month:
        year, number = map(int, month.groups())
        if not 1 <= number <= 12:
            raise PydanticCustomError("date", "'{value}' is not a real month", {
                "value": text, "hint": f"the month is the number after the year, 01 to 12: e.g. {year}-07"})
        last = calendar.monthrange(year, number)[1]
        return DateOrMonth(dt.date(year, number, 1), dt.date(year, number, last), True)
    if _DATE.match(text):
        day = parse_date(text)          # its own error says what is wrong with the day
        return DateOrMonth(day, day, False)
    try:
        day = parse_date(value)
    except PydanticCustomError:
        written = iso_spelling(text)
        raise PydanticCustomError("date", "expected a date or a month, got {got}", {
            "got": _shown(value), "hint": f"write {text} as {written}" if written
            else "write 2021-07-31, or 2021-07 when only the month is known"})
    return DateOrMonth(day, day, False)


def parse_local_datetime(value: Any) -> dt.datetime:
    """An embargo's end: '2021-03-03', '2021-03-03 00:01' or with an offset; Europe/London
    unless it says otherwise.

    A London time is the instant `clock.london_instant` gives: one the clocks skip is the
    first instant after the gap; one they repeat is its second occurrence, so that the
    embargo has ended whichever of the two its author meant."""
    if isinstance(value, dt.datetime):
        _to_the_minute(value, value.isoformat(" "))
        return london_instant(value, repeated_as_second=True) if value.tzinfo in (None, LONDON) \
            else at_london_offset(value)
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if _DATE.match(text):
        return london_instant(dt.datetime.combine(parse_date(text), dt.time(0, 0)))
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1)) if text else None
    except ValueError:
        moment = None
    if moment is None and _DATE.match(text[:10]) and text[10:11] in (" ", "T"):
        parse_date(text[:10])           # a day that does not exist: its own error says so
        raise PydanticCustomError("datetime", "'{value}' is not a real time of day", {
            "value": text[11:].strip(), "hint": "write the time as HH:MM on a 24-hour clock, e.g. 2021-03-03 09:30"})
    if moment is None:
        raise PydanticCustomError("datetime", "expected a date and time, got {got}", {
            "got": _shown(value), "hint": _datetime_hint(text)})
    try:
        moment.astimezone(LONDON)                # every moment is shown on a London clock
    except OverflowError:
        raise PydanticCustomError("datetime", "'{value}' is beyond the calendar on a London clock", {
            "value": text, "hint": "give a date between the years 1 and 9999"}) from None
    _to_the_minute(moment, text)
    # Written with an offset, it is still shown on a London clock: papers and messages print its hour.
    return at_london_offset(moment) if moment.tzinfo else london_instant(moment, repeated_as_second=True)


def _datetime_hint(text: str) -> str:
    """'write 3 March 2021 00:01 as 2021-03-03 00:01' for a day typed another common way."""
    # A value broken across lines (a quoted "\n", a block scalar) matches no spelling.
    match = re.fullmatch(r"(.*?)(?:,? (?:at )?(\d{1,2}:\d{2}))?", text)
    day = iso_spelling(match[1]) if match else None
    if day and _DATE.match(day):
        return f"write {text} as {day} {match[2]}" if match[2] else \
            f"write {text} as {day}, or {day} HH:MM (London time)"
    return "write 2021-03-03 00:01 (London time) or just 2021-03-03"


def _to_the_minute(moment: dt.datetime, written: str) -> None:
    """Refuse a time given to the second: every message, list and paper prints an embargo to
    the minute, as agendas do, so 09:30:30 would be printed as a 09:30 that had not yet come."""
    if moment.second or moment.microsecond:
        minute = moment.replace(second=0, microsecond=0)
        later = (minute + dt.timedelta(minutes=1)).isoformat(" ", "minutes")
        raise PydanticCustomError("datetime", "'{value}' has seconds; a time here is to the minute", {
            "value": written, "hint": f"write {later} to hold it back until then, "
                                      f"or {minute.isoformat(' ', 'minutes')} if that was meant"})
    if moment.utcoffset() is not None and moment.utcoffset() % dt.timedelta(minutes=1):
        raise PydanticCustomError("datetime", "'{value}' has an offset with seconds; a time here is to the minute", {
            "value": written, "hint": "give the offset in hours and minutes, e.g. +01:00"})


Date = Annotated[dt.date, BeforeValidator(parse_date),
                 WithJsonSchema({"type": "string", "format": "date", "description": "YYYY-MM-DD"})]
DateOrMonthField = Annotated[
    DateOrMonth, BeforeValidator(parse_date_or_month), PlainSerializer(str, return_type=str),
    WithJsonSchema({"type": "string", "pattern": r"^\d{4}-\d{2}(-\d{2})?$",
                    "description": "a date YYYY-MM-DD, or a month YYYY-MM"}),
]
# An editor flags what parse_local_datetime refuses: seconds other than :00, or a tail after the time.
LOCAL_DATETIME_PATTERN = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}(:?\d{2}(:?00(\.0+)?)?)?( ?(Z|[+-]\d{2}(:?\d{2})?))?)?$"
LocalDateTime = Annotated[
    dt.datetime, BeforeValidator(parse_local_datetime),
    WithJsonSchema({"type": "string", "pattern": LOCAL_DATETIME_PATTERN,
                    "description": "YYYY-MM-DD or YYYY-MM-DD HH:MM (to the minute), Europe/London time"}),
]


def parse_colour(value: Any) -> str:
    if value is None:
        raise PydanticCustomError("colour", "is empty; expected a colour like '#005ea5'", {
            "hint": "fill in six hex digits after '#', in quotes, or delete the line if the field is optional"})
    text = str(value).strip() if isinstance(value, str) else ""
    if re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return text.lower()
    if re.fullmatch(r"#[0-9a-fA-F]{3}", text):
        return "#" + "".join(c * 2 for c in text[1:]).lower()
    raise PydanticCustomError("colour", "expected a colour like '#005ea5', got {got}", {
        "got": _shown(value), "hint": "six hex digits after '#', in quotes"})


Colour = Annotated[str, BeforeValidator(parse_colour),
                   WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"})]

def readable_markdown(value: str) -> str:
    """A field of prose the Markdown reader can read in bounded time and depth
    (generator/markdown_limits.py): the first limit it goes beyond is its error."""
    if "[" in value or "<" in value or "\n" in value or value[:1] in CONTAINER_STARTS:
        excesses = markdown_excesses(value)
        if excesses:
            first = excesses[0]
            where = f" (line {first.line} of the text)" if first.line > 1 else ""
            raise PydanticCustomError("markdown", "{message}", {"message": first.message + where,
                                                                "hint": first.hint})
    return value


Text = Annotated[str, Field(min_length=1, max_length=20_000), AfterValidator(readable_markdown)]
"""One field of prose: a sentence or a few paragraphs of Markdown."""

Ident = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,79}$",
                             description="the id of another record: its file name without .yaml")]


class Status(str, Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


def parse_status(value: Any) -> Status:
    """'draft' or 'published', in any case. Anything else is an error that says how to take a
    record down, since a word such as 'withdrawn' is what a clerk doing so is likely to write."""
    if isinstance(value, Status):
        return value
    if value is None:            # never "or delete the line": a record without a status is published
        raise PydanticCustomError("status", "is empty; expected draft or published",
                                  {"hint": "fill in draft (not public) or published"})
    word = value.strip().lower() if isinstance(value, str) else None
    if word in ("draft", "published"):
        return Status(word)
    raise PydanticCustomError("status", "'{value}' is not a status", {
        "value": value, "hint": "draft (not public: to withdraw a published record, make it a draft) or published"})


StatusField = Annotated[Status, BeforeValidator(parse_status),
                        WithJsonSchema({"type": "string", "enum": [s.value for s in Status]})]


SALVAGED = {"salvaged": True}
"""The validation context of a salvaged copy (generator/validate.py): what is valid in a record
with errors, checked against the other records for errors only, and never built."""


def at_least_one(items: list, info: ValidationInfo) -> list:
    """A list that needs an entry. A salvaged copy may have lost every entry it had (one action,
    and it has an error): it is checked against the others all the same, so that the record's
    other errors (an unknown inspection) come in the same run, not the next."""
    if items or (info.context or {}).get("salvaged"):
        return items
    raise PydanticCustomError("too_short", "List should have at least 1 item after validation, not 0",
                              {"field_type": "List", "min_length": 1, "actual_length": 0})


Item = TypeVar("Item")
NonEmpty = Annotated[list[Item], AfterValidator(at_least_one), Field(json_schema_extra={"minItems": 1})]
"""A list with at least one entry (`at_least_one`)."""

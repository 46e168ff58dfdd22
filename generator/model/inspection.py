"""content/inspections/<id>.yaml: one inspection and its published findings.

The record holds what the inspectorate *published*; computed ratings are derived later
(generator/rules) and shown as advisory beside the published ones.
"""

from __future__ import annotations

import hashlib
import json
import re
from enum import Enum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, WithJsonSchema, model_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from generator.figures import percent_text
from generator.model.framework import Period

Url = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$", max_length=2000)]
from generator.model.types import (AS_WRITTEN, RECORD_CONFIG, DateOrMonthField, Ident, LocalDateTime,
                                   NonEmpty, RatingField, Status, StatusField, Text, TrueOrFalse)


# A slotted pydantic dataclass, not a model: a national corpus has many (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class KeyQuestion:
    """A key question's result: counts of 'yes' out of relevant cases, or a published %."""

    yes: int | None = Field(None, ge=0)
    of: int | None = Field(None, ge=1, description="relevant cases")
    percent: Annotated[float, Field(ge=0, le=100), AS_WRITTEN] | None = None

    @model_validator(mode="before")
    @classmethod
    def _bare_percentage(cls, value: Any) -> Any:
        # "2.1.2": 93 is shorthand for a published percentage
        if isinstance(value, (str, int, float)):
            return {"percent": value}
        return value

    @model_validator(mode="after")
    def _counts_or_percent(self) -> "KeyQuestion":
        if self.percent is None and (self.yes is None or self.of is None):
            raise PydanticCustomError("key_question", "give counts {{yes: N, of: M}} or a percentage", {
                "hint": "e.g. {yes: 4, of: 4} or 93"})
        if self.yes is not None and self.of is not None and self.yes > self.of:
            raise PydanticCustomError("key_question", "yes ({yes}) is more than of ({of})", {
                "yes": self.yes, "of": self.of, "hint": "'of' is the number of relevant cases"})
        if self.yes is not None and self.of and self.percent is not None \
                and abs(100 * self.yes / self.of - self.percent) >= 1:
            # HMIP prints whole percentages: within a point is rounding, more is a contradiction.
            raise PydanticCustomError("key_question", "{yes} of {of} is {computed}, not {percent}", {
                "yes": self.yes, "of": self.of, "computed": percent_text(100 * self.yes / self.of),
                "percent": percent_text(self.percent),
                "hint": "give the counts or the percentage, or correct the one that is wrong"})
        return self


NOT_RATED = "not rated"


def _is_not_rated(value: Any) -> bool:
    return isinstance(value, str) and " ".join(value.split()).lower() == NOT_RATED


# A slotted pydantic dataclass: a national corpus has many.
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class StandardFinding:
    """A standard's published rating, with its case sample and key questions where case-based.

    A standard the record leaves out is *not recorded*: the source does not say. Only when
    the inspectorate itself says it rated nothing (resettlement with no cases, say) does the
    record write `not rated`."""

    rating: RatingField | None = Field(None, description="the published rating, or 'not rated' where HMIP says so")
    not_rated: TrueOrFalse = Field(False, description="the inspectorate said it did not rate this standard")
    cases: int | None = Field(None, ge=0, description="number of cases inspected for this standard")
    key_questions: dict[str, KeyQuestion] = Field({})

    @model_validator(mode="before")
    @classmethod
    def _bare_rating(cls, value: Any) -> Any:
        # "1.1": Inadequate is shorthand for {rating: Inadequate}; `not rated` as a rating is the flag;
        # "1.1": with nothing after it gives no rating, as a standard left out: not recorded
        if value is None:
            value = {}
        if isinstance(value, str):
            value = {"rating": value}
        if isinstance(value, dict) and _is_not_rated(value.get("rating")):
            value = {**{k: v for k, v in value.items() if k != "rating"}, "not_rated": True}
        return value


# "94.44%": a score as HMIP and analysts quote it, a percentage of the most a framework
# scores; resolve makes it the whole score it stands for (`rules.hmip.score_from_percent`).
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")


def _score(value: Any) -> int | str | None:
    if value is None or isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, str) and _PERCENT.match(value) and float(_PERCENT.match(value).group(1)) <= 100:
        return f"{_PERCENT.match(value).group(1)}%"
    raise PydanticCustomError("score", "'{value}' is not a score", {
        "value": value, "hint": "give the whole score, e.g. 16 (of 36), or the published percentage, e.g. 94.44%"})


Score = Annotated[int | str | None, BeforeValidator(_score),
                  WithJsonSchema({"anyOf": [{"type": "integer", "minimum": 0},
                                            {"type": "string", "pattern": r"^\d{1,3}(\.\d+)?%$"},
                                            {"type": "null"}]})]


class Overall(BaseModel):
    model_config = RECORD_CONFIG

    rating: RatingField | None = Field(None, description="Inadequate | Requires improvement | Good | Outstanding")
    score: Score = Field(None, description="the published score, e.g. 16 (of 36), or as a percentage: 94.44%")

    @property
    def score_percent(self) -> float | None:
        return float(self.score.strip().rstrip("%")) if isinstance(self.score, str) else None

    @property
    def whole_score(self) -> int | None:
        return self.score if isinstance(self.score, int) else None


class DomainFindings(BaseModel):
    model_config = RECORD_CONFIG

    summary: Text | None = Field(None, description="what the inspectors found in this domain (Markdown)")
    strengths: list[Text] = Field([], description="one sentence per strength")
    areas_for_improvement: list[Text] = Field([], description="one sentence per area for improvement")


class RecommendationGroup(BaseModel):
    model_config = RECORD_CONFIG

    to: Text | None = Field(None, description="the addressee, e.g. 'The YOT Management Board' (left out: not "
                                               "recorded, where a source gives the recommendations alone)")
    items: NonEmpty[Text]


class Fact(BaseModel):
    model_config = RECORD_CONFIG

    label: Text | None = Field(None, description="what the number is, e.g. 'Total population'")
    value: Annotated[float, AS_WRITTEN] = Field(description="the number, printed as written")
    year: int | None = Field(None, ge=1900, le=2100, description="the year the figure is for")
    unit: str | None = Field(None, description="shown after the value, e.g. '%'")


# An inspection's long-form text. Only its own page and paper (and papers that include
# them) show it; every other page that reads an inspection reads the rest of it, through
# the `listed_digest` of its record, so that editing this text re-renders just those.
# (tests/test_incremental.py checks that no page showing another's text reads it so.)
PROSE_FIELDS = frozenset({"introduction", "domains"})


class ImportedTable(str, Enum):
    """Whose table an imported record's data is: the site credits Data to Insight, under its
    licence, only where a record it builds came from their table (directly, or through a
    site's data/ratings.csv that says so)."""

    DATA_TO_INSIGHT = "data-to-insight"
    SCRUTINY = "scrutiny"


class Imported(BaseModel):
    """Where an imported record came from. `scrutiny import inspections` writes it, never a person:
    a record whose digest no longer matches its data was edited by hand since, and a later
    import leaves it alone."""

    model_config = RECORD_CONFIG

    from_: Text = Field(alias="from", description="the file it was imported from")
    table: ImportedTable | None = Field(
        None, description="whose table the record's data is: data-to-insight (Data to Insight's table of HMIP's "
                          "ratings, or a site's data/ratings.csv whose row came from it; credited on the site under "
                          "their licence) or scrutiny (a Scrutiny site's data/ratings.csv); "
                          "absent from records imported before the import wrote it (import the file again)")
    row: int = Field(ge=2, description="its row in that file, as a spreadsheet numbers it (the header is row 1)")
    digest: str = Field(pattern=r"^[0-9a-f]{16}$", description="of the record as the import wrote it")


class Inspection(BaseModel):
    """One inspection of a youth justice service."""

    model_config = RECORD_CONFIG

    service: Ident = Field(description="the service inspected (services/<id>.yaml)")
    framework: Ident = Field(description="the inspection framework, e.g. hmip-youth-2018, hmip-youth-2021 or hmip-youth-2025")
    inspection_type: Ident | None = Field(
        None, description="the kind of inspection, where the framework has several (hmip-youth-2025: "
                          "children-and-victims or full)")
    report_url: Url | None = Field(None, description="the inspectorate's page for the report (https://...)")
    joint: TrueOrFalse = Field(False, description="true: a joint inspection, with other inspectorates")
    fieldwork: Period | None = Field(None, description="when inspectors did the fieldwork (from and to dates)")
    published: DateOrMonthField | None = Field(None, description="the date the report was published")
    lead_inspector: Text | None = Field(None, description="the HM Inspector who led the inspection")
    status: StatusField = Field(Status.PUBLISHED, description="draft (not public) or published (public after any embargo)")
    embargo_until: LocalDateTime | None = Field(None, description="nothing of it is public before this (London time)")
    overall: Overall = Field(Overall(), description="the overall rating and score as published; checked by the rules")
    introduction: Text | None = Field(None, description="a short introduction, in your own words (Markdown)")
    domains: dict[str, DomainFindings] = Field({}, description="findings per domain number (summary, strengths, areas for improvement)")
    standards: dict[str, StandardFinding] = Field({}, description="published rating per standard number, with key questions")
    separately_rated: dict[str, StandardFinding] = Field({}, description="ratings outside the score, e.g. resettlement")
    recommendations: list[RecommendationGroup] = Field([], description="recommendations grouped by addressee, numbered in order")
    facts: dict[str, Fact] = Field({}, description="contextual facts shown as a table, e.g. population")
    imported: Imported | None = Field(None, description="written by `scrutiny import inspections`, never by hand: "
                                                        "the file and row the record came from")


def imported_digest(inspection: Inspection) -> str:
    """The digest of an inspection's data without its `imported` mark: what an import wrote,
    kept in the mark, tells a record nobody has edited since from one edited by hand. Fields
    left at their defaults are left out, so a field added to the model later changes no digest."""
    data = inspection.model_dump(mode="json", by_alias=True, exclude={"imported"}, exclude_defaults=True)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

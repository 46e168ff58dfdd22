"""Inspection frameworks: domains, standards, key questions, kinds of inspection, and the
rules' numbers where the inspectorate publishes them.

The tool ships HMIP's youth frameworks in generator/frameworks/; a site may add more in
content/frameworks/. Everything a framework is, is data here, so a new framework needs no
code: its ids, the kinds of inspection it has and what each rates, and its rating rules,
each of which is optional: where a framework publishes no rule, nothing is computed.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field, ValidationInfo, field_validator
from pydantic.dataclasses import dataclass
from pydantic_core import PydanticCustomError

from generator.model.types import (RECORD_CONFIG, DateOrMonthField, Ident, NonEmpty, Rating, RatingField, Text,
                                   TrueOrFalse)

# "2.1", "2.1.3" (HMIP 2018 and 2021), "V1", "V1.2", "C1.1" (the 2025 framework's own form)
STANDARD_ID = r"^[A-Z]?\d+(\.\d+)*$"


class KeyQuestionDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=STANDARD_ID)
    text: Text
    case_based: TrueOrFalse = Field(
        True, description="false: judged from the service's arrangements, not answered case by case: a figure "
                          "for it is printed on no base of cases (the 2025 framework's V1.2)")


def standard_label(number: str, name: str, number_published: bool) -> str:
    """A standard as pages and papers name it: '2.1 Assessment', or its name alone where its
    number is the framework file's key, not one the inspectorate prints."""
    return f"{number} {name}" if number_published else name


class StandardDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=STANDARD_ID)
    name: Text
    statement: Text | None = None
    case_based: TrueOrFalse = Field(description="true: rated from case key questions; false: a judgement")
    sample: Text | None = Field(
        None, description="what its cases are, where the inspectorate samples them apart (e.g. victims' cases); "
                          "none: 'cases'")
    key_questions: list[KeyQuestionDef] = []
    published_number: TrueOrFalse = Field(
        True, description="false: the inspectorate publishes no number for it; `number` is only the key records "
                          "use, and pages and papers print the name alone")

    @property
    def label(self) -> str:
        return standard_label(self.number, self.name, self.published_number)


class DomainDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=r"^[A-Z0-9]+$", description="'1', '2' ... or a letter, e.g. 'V'")
    name: Text
    standards: list[StandardDef]


class InspectionTypeDef(BaseModel):
    """A kind of inspection the framework has, and the standards it rates."""

    model_config = RECORD_CONFIG

    id: Ident = Field(description="what a record gives as inspection_type, e.g. children-and-victims")
    name: Text = Field(description="as the inspectorate names it, e.g. 'An inspection of youth justice services'")
    rates: NonEmpty[str] = Field(description="the ids of the standards this kind rates")


class SeparateRatingDef(BaseModel):
    model_config = RECORD_CONFIG

    key: str = Field(pattern=r"^[a-z_]+$")
    number: str
    name: Text
    statement: Text | None = None

    @property
    def label(self) -> str:
        return standard_label(self.number, self.name, True)


class Discretion(BaseModel):
    model_config = RECORD_CONFIG

    margin: float = Field(5, ge=0, description="percentage points either side of a band boundary")
    small_sample: int = Field(5, ge=0, description="a sample of this many cases or fewer")


# A slotted pydantic dataclass, not a model: a national corpus has many (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class Period:
    from_: DateOrMonthField = Field(alias="from")
    to: DateOrMonthField | None = None


def period_end(period: Period) -> dt.date:
    """The last day a period covers: its `to` month's, or its only month's."""
    return period.to.end if period.to else period.from_.end


def period_label(period: Period) -> str:
    """A period as pages and papers name it: `Mar 2021`, `Jan-Mar 2021`, `Oct 2019-Sep 2020`."""
    start = period.from_.start
    end = period.to.end if period.to else period.from_.end
    if start.year == end.year and start.month == end.month:
        return start.strftime("%b %Y")
    if start.year == end.year:
        return f"{start.strftime('%b')}-{end.strftime('%b %Y')}"
    return f"{start.strftime('%b %Y')}-{end.strftime('%b %Y')}"


class Framework(BaseModel):
    """One inspectorate framework, and the numbers of the rating rules it publishes."""

    model_config = RECORD_CONFIG

    name: Text
    inspectorate: Text
    in_use: Period | None = None
    sources: list[Text] = Field([], description="where the framework's facts come from (addresses)")
    ratings: dict[RatingField, int] | None = Field(
        None, description="points of each standard rating, where the framework scores them")
    key_question_bands: dict[RatingField, float] | None = Field(
        None, description="lowest % of 'yes' that reaches each band; below the lowest is Inadequate")
    discretion: Discretion = Discretion()
    overall_bands: dict[RatingField, int] | None = Field(
        None, description="lowest total score for each overall rating; below the lowest is Inadequate")
    domains: list[DomainDef]
    separately_rated: list[SeparateRatingDef] = []
    # After the standards, so that its check can name the ones it does not know, at its own line.
    inspection_types: list[InspectionTypeDef] = Field(
        [], description="the kinds of inspection, where there are several; none: one kind that rates every standard")

    @field_validator("ratings")
    @classmethod
    def _every_rating_scored(cls, value: dict[Rating, int] | None) -> dict[Rating, int] | None:
        missing = [r.value for r in Rating if value is not None and r not in value]
        if missing:
            raise ValueError(f"no score for {', '.join(missing)}")
        return value

    @field_validator("overall_bands")
    @classmethod
    def _bands_of_a_score(cls, value: dict | None, info: ValidationInfo) -> dict | None:
        # ('ratings' missing from info.data: it is in error itself, and said there)
        if value is not None and "ratings" in info.data and info.data["ratings"] is None:
            raise PydanticCustomError("value_error", "overall_bands are bands of a total score: give 'ratings:' "
                                      "(the points of each rating) too", {})
        return value

    @field_validator("inspection_types")
    @classmethod
    def _kinds_rate_known_standards(cls, value: list[InspectionTypeDef], info: ValidationInfo
                                    ) -> list[InspectionTypeDef]:
        if "domains" not in info.data or "separately_rated" not in info.data:
            return value                    # the standards are in error themselves: said there
        known = [s.number for d in info.data["domains"] for s in d.standards] + \
            [s.key for s in info.data["separately_rated"]]
        for kind in value:
            unknown = [number for number in kind.rates if number not in known]
            if unknown:
                raise PydanticCustomError("value_error", "inspection type '{kind}' rates {unknown}, which {verb} "
                                          "not a standard of this framework",
                                          {"kind": kind.id, "unknown": ", ".join(unknown),
                                           "verb": "is" if len(unknown) == 1 else "are"})
        return value

    def kind(self, inspection_type: str | None) -> InspectionTypeDef | None:
        return next((k for k in self.inspection_types if k.id == inspection_type), None)

    def rated_by(self, inspection_type: str | None) -> set[str] | None:
        """The standards (and separate ratings) an inspection of this kind rates; None: all of them."""
        kind = self.kind(inspection_type)
        return set(kind.rates) if kind else None

"""Inspection frameworks: domains, standards, key questions and the rules' numbers.

The tool ships HMIP's youth frameworks in generator/frameworks/; a site may add more in
content/frameworks/. Thresholds live here, as data, so a new framework needs no code.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator
from pydantic.dataclasses import dataclass

from generator.model.types import RECORD_CONFIG, DateOrMonthField, Rating, RatingField, Text


class KeyQuestionDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=r"^\d+(\.\d+){2}$")
    text: Text


class StandardDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=r"^\d+\.\d+$")
    name: Text
    statement: Text | None = None
    case_based: bool = Field(description="true: rated from case key questions; false: a judgement")
    key_questions: list[KeyQuestionDef] = []


class DomainDef(BaseModel):
    model_config = RECORD_CONFIG

    number: str = Field(pattern=r"^\d+$")
    name: Text
    standards: list[StandardDef]


class SeparateRatingDef(BaseModel):
    model_config = RECORD_CONFIG

    key: str = Field(pattern=r"^[a-z_]+$")
    number: str
    name: Text
    statement: Text | None = None


class Discretion(BaseModel):
    model_config = RECORD_CONFIG

    margin: float = Field(5, ge=0, description="percentage points either side of a band boundary")
    small_sample: int = Field(5, ge=0, description="a sample of this many cases or fewer")


# A slotted pydantic dataclass, not a model: a national corpus has many (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class Period:
    from_: DateOrMonthField = Field(alias="from")
    to: DateOrMonthField | None = None


class Framework(BaseModel):
    """One inspectorate framework and the numbers its rating rules use."""

    model_config = RECORD_CONFIG

    name: Text
    inspectorate: Text
    in_use: Period | None = None
    ratings: dict[RatingField, int] = Field(description="score of each standard rating")
    key_question_bands: dict[RatingField, float] = Field(
        description="lowest % of 'yes' that reaches each band; below the lowest is Inadequate")
    discretion: Discretion = Discretion()
    overall_bands: dict[RatingField, int] = Field(
        description="lowest total score for each overall rating; below the lowest is Inadequate")
    domains: list[DomainDef]
    separately_rated: list[SeparateRatingDef] = []

    @field_validator("ratings")
    @classmethod
    def _every_rating_scored(cls, value: dict[Rating, int]) -> dict[Rating, int]:
        missing = [r.value for r in Rating if r not in value]
        if missing:
            raise ValueError(f"no score for {', '.join(missing)}")
        return value

"""content/inspections/<id>.yaml: one inspection and its published findings.

The record holds what the inspectorate *published*; computed ratings are derived later
(generator/rules) and shown as advisory beside the published ones.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.model.framework import Period
from generator.model.types import (RECORD_CONFIG, DateOrMonthField, Ident, LocalDateTime,
                                   RatingField, Status, Text)


class KeyQuestion(BaseModel):
    """A key question's result: counts of 'yes' out of relevant cases, or a published %."""

    model_config = RECORD_CONFIG

    yes: int | None = Field(None, ge=0)
    of: int | None = Field(None, ge=1, description="relevant cases")
    percent: float | None = Field(None, ge=0, le=100)

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
            raise PydanticCustomError("key_question", "{yes} of {of} is {computed:.0f}%, not {percent:g}%", {
                "yes": self.yes, "of": self.of, "computed": 100 * self.yes / self.of, "percent": self.percent,
                "hint": "give the counts or the percentage, or correct the one that is wrong"})
        return self


class StandardFinding(BaseModel):
    """A standard's published rating, with its case sample and key questions where case-based."""

    model_config = RECORD_CONFIG

    rating: RatingField | None = None
    cases: int | None = Field(None, ge=0, description="number of cases inspected for this standard")
    key_questions: dict[str, KeyQuestion] = {}

    @model_validator(mode="before")
    @classmethod
    def _bare_rating(cls, value: Any) -> Any:
        # "1.1": Inadequate is shorthand for {rating: Inadequate}
        return {"rating": value} if isinstance(value, str) else value


class Overall(BaseModel):
    model_config = RECORD_CONFIG

    rating: RatingField | None = None
    score: int | None = Field(None, ge=0)


class DomainFindings(BaseModel):
    model_config = RECORD_CONFIG

    summary: Text | None = None
    strengths: list[Text] = []
    areas_for_improvement: list[Text] = []


class RecommendationGroup(BaseModel):
    model_config = RECORD_CONFIG

    to: Text = Field(description="the addressee, e.g. 'The YOT Management Board'")
    items: list[Text] = Field(min_length=1)


class Fact(BaseModel):
    model_config = RECORD_CONFIG

    label: Text | None = None
    value: float
    year: int | None = Field(None, ge=1900, le=2100)
    unit: str | None = None


class Inspection(BaseModel):
    """One inspection of a youth justice service."""

    model_config = RECORD_CONFIG

    service: Ident
    framework: Ident
    fieldwork: Period | None = None
    published: DateOrMonthField | None = None
    lead_inspector: Text | None = None
    status: Status = Status.PUBLISHED
    embargo_until: LocalDateTime | None = None
    overall: Overall = Overall()
    introduction: Text | None = None
    domains: dict[str, DomainFindings] = {}
    standards: dict[str, StandardFinding] = {}
    separately_rated: dict[str, StandardFinding] = {}
    recommendations: list[RecommendationGroup] = []
    facts: dict[str, Fact] = {}

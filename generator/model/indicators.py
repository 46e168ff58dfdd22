"""content/indicators/<service>.yaml: the YJB's national indicators over time."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass

from generator.model.framework import Period
from generator.model.types import RECORD_CONFIG, Ident, Text


# Slotted pydantic dataclasses, not models: a national corpus has many (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class Comparators:
    yot_family: float | None = Field(None, ge=0)
    england_and_wales: float | None = Field(None, ge=0)
    region: float | None = Field(None, ge=0)


@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class IndicatorValue:
    period: Period
    value: float = Field(ge=0)
    comparators: Comparators = Comparators()


class Indicators(BaseModel):
    """A service's first-time entrants, reoffending and custody figures with comparators."""

    model_config = RECORD_CONFIG

    service: Ident
    source: Text | None = None
    first_time_entrants: list[IndicatorValue] = Field([], description="per 100,000 of the 10-17 population")
    reoffending_frequency: list[IndicatorValue] = Field([], description="average re-offences per re-offender")
    custody_rate: list[IndicatorValue] = Field([], description="per 1,000 of the 10-17 population")


INDICATOR_NAMES = {
    "first_time_entrants": ("First-time entrants", "per 100,000 of the 10 to 17 population"),
    "reoffending_frequency": ("Reoffending", "average re-offences per re-offender"),
    "custody_rate": ("Use of custody", "per 1,000 of the 10 to 17 population"),
}
COMPARATOR_NAMES = {"yot_family": "YOT family", "england_and_wales": "England and Wales",
                    "region": "Region"}

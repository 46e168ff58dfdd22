"""content/indicators/<service>.yaml: the YJB's national indicators over time."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass

from generator.model.framework import Period
from generator.model.types import AS_WRITTEN, RECORD_CONFIG, Date, Ident, Text

# A rate as the source prints it: 0.10 stays 0.10, 2.455 is not 2.46.
Rate = Annotated[float, Field(ge=0), AS_WRITTEN]


# Slotted pydantic dataclasses, not models: a national corpus has many (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class Comparators:
    yot_family: Rate | None = None
    england_and_wales: Rate | None = None
    region: Rate | None = None


@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class IndicatorValue:
    period: Period
    value: Rate
    comparators: Comparators = Comparators()
    # A figure is published months after its period ends: a paper issued in between never had it.
    published: Date | None = Field(None, description="the day the source made this figure public; "
                                                     "papers issued before it leave it out")


class Indicators(BaseModel):
    """A service's first-time entrants, reoffending and custody figures with comparators."""

    model_config = RECORD_CONFIG

    service: Ident
    source: Text | None = None
    first_time_entrants: list[IndicatorValue] = Field([], description="per 100,000 of the 10-17 population")
    reoffending_frequency: list[IndicatorValue] = Field([], description="average re-offences per re-offender")
    custody_rate: list[IndicatorValue] = Field([], description="per 1,000 of the 10-17 population")


def published_by(points, day):
    """The figures a page may show on `day`: every one but those whose source publishes them
    later (pre-release figures typed in early are not public until then)."""
    return [p for p in points if p.published is None or p.published <= day]


def awaiting_publication(indicators: Indicators, day) -> bool:
    """Whether a figure is published after `day`: a page showing the figures must be made again then."""
    return any(p.published is not None and p.published > day
               for points in (indicators.first_time_entrants, indicators.reoffending_frequency,
                              indicators.custody_rate) for p in points)


INDICATOR_NAMES = {
    "first_time_entrants": ("First-time entrants", "per 100,000 of the 10 to 17 population"),
    "reoffending_frequency": ("Reoffending", "average re-offences per re-offender"),
    "custody_rate": ("Use of custody", "per 1,000 of the 10 to 17 population"),
}
COMPARATOR_NAMES = {"yot_family": "YOT family", "england_and_wales": "England and Wales",
                    "region": "Region"}

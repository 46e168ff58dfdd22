"""HMIP youth inspection rating rules.

Source: HM Inspectorate of Probation, "Ratings explained" and "Overall provider rating",
reproduced in Annexe 1 of every youth inspection report (e.g. Torbay YOT, March 2021).
The thresholds are data in the framework file; these functions only apply them.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Mapping, Sequence

from generator.model.types import Rating

Bands = Mapping[Rating, float]   # lowest value that reaches each rating


def key_question_percent(yes: int | None, of: int | None, percent: float | None) -> float:
    """A key question's percentage of 'yes' answers: the published % (as written) or yes/of x 100."""
    if percent is not None:
        return percent
    assert yes is not None and of, "validated records give counts or a percentage"
    return 100.0 * yes / of


def band(value: float, bands: Bands) -> Rating:
    """Band a percentage (or a score) by the lowest value of each rating.

    HMIP "Ratings explained": below 50% Inadequate; 50-64% Requires improvement;
    65-79% Good; 80%+ Outstanding. HMIP bands whole percentages, so 64.5% is 'too few'
    (below 65), not 'a reasonable majority'. Below the lowest threshold is Inadequate.
    """
    reached, highest = Rating.INADEQUATE, None
    for rating, floor in bands.items():         # the highest floor reached (a national corpus bands
        if value >= floor and (highest is None or floor > highest):     # millions: no sort per call)
            reached, highest = rating, floor
    return reached


def standard_rating(percentages: Sequence[float], bands: Bands) -> Rating | None:
    """A case-based standard's rating: the band of its *lowest* key question.

    HMIP: "the rating is aligned to the lowest banding at the key question level,
    recognising that each key question is an integral part of the standard."
    """
    if not percentages:
        return None
    return band(min(percentages), bands)


@dataclass(frozen=True)
class DiscretionReason:
    near_boundary: bool       # within the margin of a band boundary
    one_case_changes: bool    # a differing judgement in one case would change the band
    small_sample: bool        # the standard rests on this few cases or fewer

    def __bool__(self) -> bool:
        return self.near_boundary or self.one_case_changes or self.small_sample

    def describe(self, margin: float, small: int) -> str:
        reasons = []
        if self.near_boundary:
            reasons.append(f"the lowest key question is within {margin:g} points of a band boundary")
        if self.one_case_changes:
            reasons.append("a different judgement in one case would change the band")
        if self.small_sample:
            reasons.append(f"the sample is {small} cases or fewer")
        return "; ".join(reasons)


def discretion_applies(lowest: float, bands: Bands, margin: float, small_sample: int,
                       cases: int | None = None, yes: int | None = None, of: int | None = None
                       ) -> DiscretionReason:
    """Whether the ratings panel may use professional discretion on a standard.

    HMIP "Ratings explained": discretion may apply when the lowest key-question
    percentage is "within five percentage points of the boundary; or where a differing
    judgement in one case would result in a change in rating; or where the rating is
    based upon a sample or sub-sample of five cases or fewer".
    """
    boundaries = [floor for floor in bands.values() if floor > 0]
    near = any(abs(lowest - b) <= margin for b in boundaries)
    one_case = False
    if yes is not None and of:
        here = band(100.0 * yes / of, bands)
        one_case = any(band(100.0 * n / of, bands) != here for n in (yes - 1, yes + 1) if 0 <= n <= of)
    sample = min(x for x in (cases, of) if x is not None) if (cases is not None or of) else None
    small = sample is not None and sample <= small_sample
    return DiscretionReason(near, one_case, small)


def standard_score(rating: Rating, scores: Mapping[Rating, int]) -> int:
    """HMIP "Overall provider rating": each standard scores Inadequate 0,
    Requires improvement 1, Good 2, Outstanding 3."""
    return scores[rating]


def total_score(ratings: Sequence[Rating], scores: Mapping[Rating, int]) -> int:
    """The sum of the standards' scores (no weightings, as HMIP states)."""
    return sum(standard_score(r, scores) for r in ratings)


def score_from_percent(percent: float, maximum: int) -> int | None:
    """The whole score a published percentage stands for, or None when it stands for none.

    HMIP's reports and analysts' tables quote a score out of 36 as a percentage printed to
    two places (34 is 94.44%); a percentage within half a place of one decimal of a whole
    score stands for it. Whole scores out of 36 are 2.78 points apart, so none is ambiguous."""
    score = round(percent * maximum / 100)
    return score if abs(100 * score / maximum - percent) <= 0.05 else None


def overall_rating(score: int, overall_bands: Mapping[Rating, int]) -> Rating:
    """HMIP overall bands for 12 standards: 0-6 Inadequate, 7-18 Requires improvement,
    19-30 Good, 31-36 Outstanding."""
    return band(score, overall_bands)


# How long after a framework's last month of fieldwork its reports may still come out. HMIP
# publishes a youth report some months after its fieldwork: Torbay's, inspected in October
# 2020, on 3 March 2021; Wolverhampton's, inspected in October 2021, on 8 February 2022
# (the reference set). Data to Insight's table has 2018-framework reports (rating 3.4 Joint
# working) published up to October 2021, the 2018 framework's fieldwork having ended in June.
HANDOVER_MONTHS = 6


def frameworks_for(day: dt.date, periods: Mapping[str, tuple[dt.date, dt.date | None]]) -> tuple[str, ...]:
    """The frameworks a report published on `day` may be under, the likelier first: the one
    begun by then (the newest whose first month of use is not after it); then, in the months
    after it began, the one before it, whose last inspections' reports were still being
    published (`HANDOVER_MONTHS`). `periods`: each framework's first and last day of use
    (None: still in use). None of them: nothing was in use."""
    begun = sorted((start, fid) for fid, (start, _) in periods.items() if start <= day)
    if not begun:
        return ()
    found = [begun[-1][1]]
    if len(begun) > 1:
        before = begun[-2][1]
        end = periods[before][1]
        if end is not None and day <= _months_after(end, HANDOVER_MONTHS):
            found.append(before)
    return tuple(found)


def _months_after(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after `day`'s."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])

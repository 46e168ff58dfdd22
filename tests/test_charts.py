"""The Dudley indicator charts, tested on their SVG geometry.

The Dudley report's figures (paragraphs 31-33): first-time entrants 260 then 203, with
comparators 154, 204 and 268; re-offending 2.45 for the year and 2.25 for the quarter, with
comparators 4.2, 3.93, 3.84 and 3.95, 3.89, 3.5. Axes must step in round numbers, no label
may print over another (203 beside 204, 3.93 beside 3.84), and a year is never joined to a
quarter by a line as if it were a trend.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import xml.etree.ElementTree as ET

import pytest

from generator.build import check_site
from generator.render import charts
from generator.render.pages import indicator_series
from site_helpers import REPO

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def dudley_charts() -> dict[str, ET.Element]:
    corpus = check_site(REPO, dt.date(2026, 12, 5)).corpus
    return {row["key"]: ET.fromstring(str(row["chart"])) for row in indicator_series(corpus, "dudley-yos")}


def texts(svg: ET.Element) -> list[tuple[float, float, float, str, str]]:
    """(x, y, font size, anchor, text) of every label."""
    return [(float(t.get("x")), float(t.get("y")), float(t.get("font-size")), t.get("text-anchor", "start"),
             t.text or "") for t in svg.iter(f"{SVG}text")]


def box(x: float, y: float, size: float, anchor: str, text: str) -> tuple[float, float, float, float]:
    """A generous box round a label: 0.6 em a character (Liberation Sans averages less), the
    baseline at y, capitals reaching 0.75 em above it and descenders 0.2 em below."""
    width = 0.6 * size * len(text)
    left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    return left, y - 0.75 * size, left + width, y + 0.2 * size


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def axis_ticks(svg: ET.Element) -> list[str]:
    left = min(x for x, _, _, anchor, _ in texts(svg) if anchor == "end")
    return [text for x, _, _, anchor, text in texts(svg) if anchor == "end" and x == left]


def test_axes_step_in_round_numbers(dudley_charts):
    # highest first-time entrants figure 268 (West Midlands); highest re-offending 4.2 (YOT family)
    assert axis_ticks(dudley_charts["first_time_entrants"]) == ["0", "50", "100", "150", "200", "250", "300"]
    assert axis_ticks(dudley_charts["reoffending_frequency"]) == ["0", "1", "2", "3", "4", "5"]


@pytest.mark.parametrize("key", ["first_time_entrants", "reoffending_frequency"])
def test_no_label_prints_over_another(dudley_charts, key):
    labels = texts(dudley_charts[key])
    assert {"203", "204", "3.93", "3.84"} & {t[4] for t in labels}
    for a, b in itertools.combinations(labels, 2):
        assert not overlap(box(*a), box(*b)), (a[4], b[4])


def marks(series: ET.Element) -> list[str]:
    """The shape of each point mark of a series' group (its legend's last): 'circle',
    'rect', or 'polygon/N' for N corners."""
    shapes = []
    for element in series:
        tag = element.tag.removeprefix(SVG)
        if tag == "polygon":
            shapes.append(f"polygon/{len(element.get('points').split())}")
        elif tag in ("circle", "rect"):
            shapes.append(tag)
    return shapes


def test_a_year_and_a_quarter_are_separate_marks_but_two_years_are_a_line(dudley_charts):
    reoffending, entrants = dudley_charts["reoffending_frequency"], dudley_charts["first_time_entrants"]
    assert not list(reoffending.iter(f"{SVG}polyline"))            # Jan-Dec 2018, then Oct-Dec 2018
    # Dudley and three comparators, twice each (and once more in the legend)
    assert [len(marks(series)) - 1 for series in reoffending.iter(f"{SVG}g")] == [2, 2, 2, 2]
    assert len(list(entrants.iter(f"{SVG}polyline"))) == 1           # Dudley: 2018, then 2019


def test_nice_scale_reaches_the_highest_value_in_round_steps():
    assert charts.nice_scale(268) == (300, 50)
    assert charts.nice_scale(4.2) == (5, 1)
    assert charts.nice_scale(0.29) == (0.3, 0.05)
    for highest in (0.07, 1, 9.99, 13, 231.15, 77.05, 1234):
        top, step = charts.nice_scale(highest)
        assert top >= highest and round(top / step) <= 6
        assert f"{step / 10 ** math.floor(math.log10(step)):g}" in ("1", "2", "2.5", "5")


def test_series_are_told_apart_by_the_shape_of_their_points_not_colour_alone(dudley_charts):
    # WCAG 1.4.1: the re-offending chart has no lines (a year, then a quarter), so four series
    # of lone points would differ only in colour. Each series' points and its legend share one
    # shape, and no two series share a shape.
    reoffending = dudley_charts["reoffending_frequency"]
    shapes = [set(marks(series)) for series in reoffending.iter(f"{SVG}g")]
    assert len(shapes) == 4 and all(len(shape) == 1 for shape in shapes)
    assert len(set.union(*shapes)) == 4

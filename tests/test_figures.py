"""Figures print as the record wrote them; figures Scrutiny computes round half up.

"Only what was published": a key question's 64.5%, an indicator's 2.455 or a custody rate
of 0.10 prints so on pages, papers and charts, never rounded to 64%, 65%, 2.46 or 0.1.
Expected values are typed from the records written here, never from the program's output.
"""

from __future__ import annotations

import pickle
import re
from html import unescape
from pathlib import Path

import pytest

from generator.build import check_site
from generator.figures import Figure, written_as
from site_helpers import AS_OF, build


def page_text(path: Path) -> str:
    """A page's text with tags and spacing collapsed: 'cell | cell' becomes 'cell cell'."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))).split())


def table_rows(path: Path) -> list[str]:
    """Each table row's cells' text, joined by ' | '."""
    html = path.read_text(encoding="utf-8")
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append(" | ".join(" ".join(unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in cells))
    return rows


def chart_texts(path: Path) -> list[str]:
    """Every text an SVG chart on the page draws, and its description."""
    html = path.read_text(encoding="utf-8")
    texts = []
    for svg in re.findall(r"<svg.*?</svg>", html, re.S):
        texts += [unescape(t) for t in re.findall(r"<(?:text|desc)[^>]*>([^<]*)</(?:text|desc)>", svg)]
    return texts


INSPECTION = """\
service: torbay-yot
framework: hmip-youth-2018
published: 2021-03-03
standards:
  "2.4":
    rating: Requires improvement
    cases: 30
    key_questions: {"2.4.1": 64.5, "2.4.2": 90.0, "2.4.3": 62.25}
  "3.1":
    rating: Inadequate
    cases: 8
    key_questions: {"3.1.1": {yes: 5, of: 8}, "3.1.2": {yes: 1, of: 8}, "3.1.3": {yes: 7, of: 8}}
"""


@pytest.fixture(scope="module")
def inspection_page(tmp_path_factory, make_site) -> Path:
    root = make_site(tmp_path_factory.mktemp("figures"), {"inspections/torbay-2021.yaml": INSPECTION})
    build(root)
    return root / "output" / "site" / "inspections" / "torbay-2021" / "index.html"


def test_a_published_key_question_percentage_prints_as_the_report_gave_it(inspection_page):
    # HMIP's table gives 64.5, 90.0 and 62.25 here: not 64% (half to even), 65% or 62%, and
    # 90.0 keeps the zero it was written with.
    rows = [r for r in table_rows(inspection_page) if r.startswith("2.4.")]
    assert [r.split(" | ")[2] for r in rows] == ["64.5%", "90.0%", "62.25%"]


def test_a_key_question_chart_labels_each_bar_with_the_figure_in_its_table(inspection_page):
    texts = chart_texts(inspection_page)
    assert {"64.5% (Requires improvement)", "90.0% (Outstanding)", "62.25% (Requires improvement)"} <= set(texts)
    description = next(t for t in texts if t.startswith("2.4.1 "))
    assert "person safe? 90.0%" in description and "64.5%;" in description and description.endswith("62.25%")


def test_a_warning_about_a_key_question_gives_the_percentage_as_recorded(tmp_path, make_site):
    # Published Good, lowest 62.25 (2.4.3): the notice must name 62.25%, not a 62% the report does not print.
    text = INSPECTION.replace("rating: Requires improvement", "rating: Good")
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}), AS_OF)
    assert [p.message for p in checked.problems] == [
        "published 'Good' differs from the computed 'Requires improvement' (lowest key question 2.4.3: 62.25%)"]


@pytest.mark.parametrize("written, shown", [
    ("64.5", "64.5"), ("64.50", "64.50"), ("90.0", "90.0"), ("+5", "5"), ("007", "7"), ("0.10", "0.10"),
    ("-0", "0"), ("1e3", "1000"), (93, "93"), (0.25, "0.25")])
def test_a_figure_keeps_the_text_it_was_written_as(written, shown):
    assert written_as(written, float(written)) == shown


def test_a_figure_travels_to_another_process_with_its_text():
    # Papers are rendered in worker processes, which receive the records pickled.
    figure = pickle.loads(pickle.dumps(Figure(64.5, "64.50")))
    assert (type(figure), figure.text, float(figure)) == (Figure, "64.50", 64.5)


def test_figures_written_differently_are_different_records():
    # An edit from 64.5 to 64.50 changes what the page prints, so no memo may take one for the other.
    assert Figure(64.5, "64.50") != Figure(64.5, "64.5") and Figure(64.5, "64.5") == Figure(64.5, "64.5")
    assert Figure(64.5, "64.50") == 64.5


def test_a_key_question_percentage_computed_from_counts_rounds_half_up(inspection_page):
    # 5 of 8 is 62.5%, 1 of 8 12.5%, 7 of 8 87.5%: a spreadsheet's ROUND gives 63, 13 and 88
    # (Python's half to even gave 62, 12 and 88).
    rows = [r for r in table_rows(inspection_page) if r.startswith("3.1.")]
    assert [r.split(" | ")[1:3] for r in rows] == [["5 of 8", "63%"], ["1 of 8", "13%"], ["7 of 8", "88%"]]
    assert {"63% (Requires improvement)", "13% (Inadequate)", "88% (Outstanding)"} <= set(chart_texts(inspection_page))


def test_counts_that_contradict_a_percentage_are_described_with_the_count_rounded_half_up(tmp_path, make_site):
    text = INSPECTION.replace('"3.1.1": {yes: 5, of: 8}', '"3.1.1": {yes: 5, of: 8, percent: 70}')
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}), AS_OF)
    assert [p.message for p in checked.problems] == ["5 of 8 is 63%, not 70%"]

"""Figures print as the record wrote them; figures Scrutiny computes round half up.

"Only what was published": a key question's 64.5%, an indicator's 2.455 or a custody rate
of 0.10 prints so on pages, papers and charts, never rounded to 64%, 65%, 2.46 or 0.1.
Expected values are typed from the records written here, never from the program's output.
"""

from __future__ import annotations

import csv
import io
import json
import pickle
import re
from html import unescape
from pathlib import Path

import pytest

from generator.build import check_site
from generator.figures import Figure, number_text, percent_text, written_as
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
  "3.2":
    rating: Requires improvement
    cases: 17
    key_questions: {"3.2.1": {yes: 11, of: 17}, "3.2.2": {yes: 15, of: 17}, "3.2.3": {yes: 17, of: 17}}
  "3.3":
    rating: Inadequate
    cases: 16
    key_questions: {"3.3.1": {yes: 1, of: 16}, "3.3.2": {yes: 8, of: 16}, "3.3.3": {yes: 9, of: 16}}
facts:
  bme_youth_population: {label: Black and minority ethnic youth population, value: 38.0, unit: "%", year: 2011}
  youth_population: {label: Total youth population, value: 39924, year: 2017}
"""

INDICATORS = """\
service: torbay-yot
first_time_entrants:
  - period: {from: 2018-01, to: 2018-12}
    value: 1260.50
    comparators: {england_and_wales: 204}
  - period: {from: 2019-01, to: 2019-12}
    value: 203
    comparators: {yot_family: 154, england_and_wales: 204, region: 268}
reoffending_frequency:
  - period: {from: 2018-01, to: 2018-12}
    value: 2.455
    comparators: {yot_family: 4.2, england_and_wales: 3.935, region: 0}
  - period: {from: 2018-10, to: 2018-12}
    value: 2.25
    comparators: {yot_family: 3.95, england_and_wales: 3.89, region: 3.5}
custody_rate:
  - period: {from: 2019-10, to: 2020-09}
    value: 0.29
    comparators: {yot_family: 0.13, england_and_wales: 0.10, region: 0.16}
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory, make_site) -> Path:
    root = make_site(tmp_path_factory.mktemp("figures"), {"inspections/torbay-2021.yaml": INSPECTION,
                                                          "indicators/torbay-yot.yaml": INDICATORS})
    build(root)
    return root / "output" / "site"


@pytest.fixture(scope="module")
def inspection_page(built_site) -> Path:
    return built_site / "inspections" / "torbay-2021" / "index.html"


@pytest.fixture(scope="module")
def service_page(built_site) -> Path:
    return built_site / "services" / "torbay-yot" / "index.html"


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
    text = INSPECTION.replace("rating: Requires improvement", "rating: Good", 1)   # 2.4's
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}), AS_OF.date())
    assert [p.message for p in checked.problems] == [
        "published 'Good' differs from the computed 'Requires improvement' (lowest key question 2.4.3: 62.25%)"]


def test_a_standard_with_a_key_question_not_recorded_is_not_compared_with_a_computed_rating(tmp_path, make_site):
    # Published Good; 2.4.1 and 2.4.3 band Requires improvement, 2.4.2 is not recorded. HMIP rates by
    # the lowest key question, which is unknown here: check computes nothing and warns of nothing.
    text = PARTLY_RECORDED.replace("rating: Requires improvement", "rating: Good", 1)
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}), AS_OF.date())
    assert not [p.message for p in checked.problems if "computed" in p.message]
    standard = next(s for s in checked.corpus.inspections["torbay-2021"].standards if s.number == "2.4")
    assert standard.published.value == "Good" and standard.lowest_percent is None and standard.computed is None


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


def test_a_key_question_percentage_computed_from_counts_prints_to_one_place(inspection_page):
    # 5 of 8 is 62.5%, 1 of 8 12.5%, 7 of 8 87.5%: exact at one place, so not 63%, 13%, 88%.
    rows = [r for r in table_rows(inspection_page) if r.startswith("3.1.")]
    assert [r.split(" | ")[1:3] for r in rows] == [["5 of 8", "62.5%"], ["1 of 8", "12.5%"], ["7 of 8", "87.5%"]]
    assert {"62.5% (Requires improvement)", "12.5% (Inadequate)",
            "87.5% (Outstanding)"} <= set(chart_texts(inspection_page))


def test_a_computed_percentage_just_below_a_band_never_prints_as_the_bands_floor(inspection_page):
    # 11 of 17 is 64.705...%: below 65, so Requires improvement, as HMIP's "Too few: 50-64%"
    # and "Reasonable majority: 65-79%" put it. Printed whole it was '65%' beside that band.
    # 15 of 17 is 88.235...% (88.2%); 17 of 17 is 100%, whole, so printed whole.
    rows = [r for r in table_rows(inspection_page) if r.startswith("3.2.")]
    assert [r.split(" | ")[1:] for r in rows] == [["11 of 17", "64.7%", "Requires improvement"],
                                                   ["15 of 17", "88.2%", "Outstanding"],
                                                   ["17 of 17", "100%", "Outstanding"]]
    assert "64.7% (Requires improvement)" in chart_texts(inspection_page)
    assert "lowest key question 64.7%" in page_text(inspection_page)


def test_counts_that_contradict_a_percentage_are_described_with_the_count_to_one_place(tmp_path, make_site):
    text = INSPECTION.replace('"3.1.1": {yes: 5, of: 8}', '"3.1.1": {yes: 5, of: 8, percent: 70}')
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}), AS_OF.date())
    assert [p.message for p in checked.problems] == ["5 of 8 is 62.5%, not 70%"]


def test_an_indicator_table_prints_each_rate_as_the_source_gives_it(service_page):
    # Dudley's paper prints its rates as given (2.45, 4.2, 0.1): 2.455 is not 2.46, 3.935 not
    # 3.94, 0.10 keeps its zero, 1260.50 its zero and a thousands comma; 0 is 0, not missing.
    rows = table_rows(service_page)
    assert "Jan-Dec 2018 | 1,260.50 | not recorded | 204 | not recorded" in rows
    assert "Jan-Dec 2018 | 2.455 | 4.2 | 3.935 | 0" in rows
    assert "Oct 2019-Sep 2020 | 0.29 | 0.13 | 0.10 | 0.16" in rows


def test_an_indicator_chart_draws_and_describes_each_rate_as_the_table_prints_it(service_page):
    texts = chart_texts(service_page)
    assert {"1,260.50", "2.455", "3.935", "0.10"} <= set(texts)
    assert ("Jan-Dec 2018: Torbay YOT 2.455, YOT family 4.2, England and Wales 3.935, Region 0; "
            "Oct-Dec 2018: Torbay YOT 2.25, YOT family 3.95, England and Wales 3.89, Region 3.5") in texts


def test_an_inspection_fact_prints_as_the_report_gives_it(inspection_page):
    # Sandwell's report: "Total youth population 39,924", "(38.0%)".
    rows = table_rows(inspection_page)
    assert "Black and minority ethnic youth population | 38.0% | 2011" in rows
    assert "Total youth population | 39,924 | 2017" in rows


def test_a_comparator_the_source_does_not_give_is_not_recorded_in_the_table_and_the_chart(service_page):
    # Dudley's paper gives no comparators for 2018's first-time entrants: not 0, nor a bare dash.
    assert "Jan-Dec 2018 | 1,260.50 | not recorded | 204 | not recorded" in table_rows(service_page)
    assert ("Jan-Dec 2018: Torbay YOT 1,260.50, YOT family not recorded, England and Wales 204, "
            "Region not recorded; Jan-Dec 2019: Torbay YOT 203, YOT family 154, England and Wales 204, "
            "Region 268") in chart_texts(service_page)


def test_ratings_csv_gives_the_lowest_key_question_percentage_as_recorded(built_site):
    # 2.4's lowest is 62.25 as recorded (not 62.2); 3.1's is 1 of 8, worked out: 12.5; 3.2's
    # 11 of 17, 64.7 as its page prints it; 3.3's 1 of 16, 6.25, half up as on its page: 6.3.
    rows = list(csv.DictReader(io.StringIO((built_site / "data/ratings.csv").read_text(encoding="utf-8-sig"))))
    lowest = {r["standard"]: r["lowest_key_question_percent"] for r in rows if r["inspection"] == "torbay-2021"}
    assert (lowest["2.4"], lowest["3.1"], lowest["3.2"], lowest["3.3"], lowest["1.1"]) == (
        "62.25", "12.5", "64.7", "6.3", "")


def test_inspections_json_gives_each_key_question_percentage_unrounded(built_site):
    data = json.loads((built_site / "data/inspections.json").read_text(encoding="utf-8"))
    standards = {s["number"]: s for s in data["inspections"][0]["standards"]}
    assert [q["percent"] for q in standards["2.4"]["key_questions"]] == [64.5, 90.0, 62.25]
    assert [q["percent"] for q in standards["3.1"]["key_questions"]] == [62.5, 12.5, 87.5]


@pytest.mark.parametrize("figure, shown", [
    (Figure(0, "0"), "0"), (Figure(100, "100"), "100"), (Figure(-3.5, "-3.5"), "-3.5"),
    (Figure(-1234.5, "-1234.50"), "-1,234.50"), (Figure(260, "260"), "260"), (None, "not recorded")])
def test_a_recorded_figure_prints_as_written_at_zero_a_hundred_negative_and_missing(figure, shown):
    assert number_text(figure) == shown


@pytest.mark.parametrize("value, shown", [
    (0.0, "0%"), (100.0, "100%"), (75.0, "75%"), (62.5, "62.5%"), (64.49, "64.5%"),
    (100 * 11 / 17, "64.7%"), (100 * 2 / 3, "66.7%"), (6.25, "6.3%"),   # half up: not 6.2 (half to even)
    (100 * 76 / 117, "64.96%"),        # 64.957...: one place would print 65.0, a band's floor it is below
    (65.04, "65.04%"), (79.999, "79.999%"), (Figure(0, "0"), "0%"), (Figure(64.5, "64.50"), "64.50%"),
    (None, "not recorded")])
def test_a_percentage_prints_to_one_place_when_computed_and_as_written_when_recorded(value, shown):
    assert percent_text(value) == shown


# Torbay's 2.4 as a record that gives two of its three key questions' figures: 2.4.2 is not
# recorded, so every table, chart and export lists it as "not recorded", never drops it.
PARTLY_RECORDED = """\
service: torbay-yot
framework: hmip-youth-2018
published: 2021-03-03
standards:
  "2.4":
    rating: Requires improvement
    cases: 30
    key_questions: {"2.4.1": 64.5, "2.4.3": 62.25}
"""
SAFE = "Does reviewing focus sufficiently on keeping the child or young person safe?"


@pytest.fixture(scope="module")
def partly_recorded(tmp_path_factory, make_site) -> Path:
    root = make_site(tmp_path_factory.mktemp("partly"), {"inspections/torbay-2021.yaml": PARTLY_RECORDED})
    build(root)
    return root


def test_a_key_question_not_recorded_is_listed_as_not_recorded_in_the_pages_table_and_chart(partly_recorded):
    page = partly_recorded / "output/site/inspections/torbay-2021/index.html"
    rows = [r for r in table_rows(page) if r.startswith("2.4.")]
    assert [r.split(" | ")[0][:5] for r in rows] == ["2.4.1", "2.4.2", "2.4.3"]
    assert rows[1] == f"2.4.2 {SAFE} | not recorded | not recorded | no figure to band"
    texts = chart_texts(page)
    assert "not recorded" in texts          # its bar's label: no bar drawn, and never 0%
    assert f"2.4.1 Does reviewing focus sufficiently on supporting the child or young person's desistance? " \
           f"64.5%; 2.4.2 {SAFE} not recorded; 2.4.3 Does reviewing focus sufficiently on keeping other " \
           f"people safe? 62.25%" in texts
    # HMIP rates a standard by its lowest key question; with 2.4.2 unknown so is the lowest, so the
    # ratings table computes nothing (62.25, the lowest recorded, would band it Requires improvement).
    assert "not computed: a key question is not recorded" in page_text(page)
    assert "lowest key question 62.25%" not in page_text(page)


def test_a_key_question_not_recorded_is_listed_in_the_findings_paper(partly_recorded):
    import datetime as dt

    from generator.model.types import LONDON
    from generator.plan.outputs import plan_site
    from generator.render.papers import PaperContext

    checked = check_site(partly_recorded, AS_OF.date())
    html = PaperContext(partly_recorded, plan_site(checked.corpus, AS_OF), checked.files.templates).inspection(
        "torbay-2021", dt.date(2021, 3, 3)).job.html
    paper = partly_recorded / "paper.html"
    paper.write_text(html, encoding="utf-8")
    rows = [r for r in table_rows(paper) if r.startswith("2.4.")]
    assert rows == ["2.4.1 Does reviewing focus sufficiently on supporting the child or young person's desistance? "
                    "| not recorded | 64.5% | Requires improvement",
                    f"2.4.2 {SAFE} | not recorded | not recorded | no figure to band",
                    "2.4.3 Does reviewing focus sufficiently on keeping other people safe? | not recorded | 62.25% "
                    "| Requires improvement"]


def test_a_key_question_not_recorded_is_null_in_the_json_and_named_by_check(partly_recorded):
    from generator.resolve.frameworks import left_out

    data = json.loads((partly_recorded / "output/site/data/inspections.json").read_text(encoding="utf-8"))
    standards = {s["number"]: s for s in data["inspections"][0]["standards"]}
    assert [(q["number"], q["percent"], q["band"]) for q in standards["2.4"]["key_questions"]] == [
        ("2.4.1", 64.5, "Requires improvement"), ("2.4.2", None, None), ("2.4.3", 62.25, "Requires improvement")]
    # Not a 0, and no guess: with 2.4.2 unknown the standard's lowest is unknown (not 62.25, the lowest
    # recorded), so neither it nor a rating from it is given.
    assert standards["2.4"]["computed_rating_advisory"] is None
    assert standards["2.4"]["lowest_key_question_percent"] is None
    checked = check_site(partly_recorded, AS_OF.date())
    note = left_out(checked.records.of("inspection")["torbay-2021"], checked.corpus.inspections["torbay-2021"])
    assert "the figure of key question 2.4.2" in note.message


def _figure_errors(tmp_path, make_site, inspection: str) -> list[tuple[int, str, str, str | None]]:
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2021.yaml": inspection}), AS_OF.date())
    return [(p.line, p.field, p.message, p.hint) for p in checked.problems if p.severity.name == "ERROR"]


def test_a_figure_with_more_digits_than_a_number_holds_is_refused_where_it_is_written(tmp_path, make_site):
    # 64.9999999999999999999 is 65.0 as a float: it would band Good (65-79%) while the page
    # printed a figure below 65; 100.00000000000000001 would pass "at most 100" as 100.0.
    text = INSPECTION.replace('"2.4.1": 64.5,', '"2.4.1": 64.9999999999999999999,').replace(
        "value: 39924,", "value: 100.00000000000000001,")
    errors = _figure_errors(tmp_path, make_site, text)
    assert [(line, field) for line, field, _, _ in errors] == [
        (8, "standards.2.4.key_questions.2.4.1.percent"), (23, "facts.youth_population.value")]
    assert errors[0][2] == "'64.9999999999999999999' has more digits than a figure can hold (it would be 65.0)"
    assert all(hint and "as the source prints it" in hint for _, _, _, hint in errors)


def test_a_figure_no_source_would_print_is_refused_where_it_is_written(tmp_path, make_site):
    # 1_000 and 1e3 would print as 1,000, and 0_5 as 5: not as written, so check says where to write it plainly.
    text = INSPECTION.replace('"2.4.1": 64.5,', '"2.4.1": 6.45e1,').replace(
        "value: 39924,", "value: 39_924,").replace("value: 38.0,", "value: 0_5,")
    errors = _figure_errors(tmp_path, make_site, text)
    assert [(line, field, message) for line, field, message, _ in errors] == [
        (8, "standards.2.4.key_questions.2.4.1.percent", "'6.45e1' is not a figure as a source prints it"),
        (22, "facts.bme_youth_population.value", "'0_5' is not a figure as a source prints it"),
        (23, "facts.youth_population.value", "'39_924' is not a figure as a source prints it")]
    assert all(hint and "plain figures" in hint for _, _, _, hint in errors)


@pytest.mark.parametrize("written", ["-0", "-0.0"])
def test_a_figure_typed_minus_zero_is_zero_in_the_data_as_on_the_page(written):
    from generator.model.inspection import Fact, KeyQuestion

    # The page prints it as written less its sign ('0', '0.0'); inspections.json must not say -0.0.
    for figure in (KeyQuestion(percent=written).percent, Fact(value=written).value):
        assert json.dumps(figure) == "0.0" and figure.text == written.removeprefix("-")


def test_a_figure_copied_with_its_comma_or_percent_sign_says_what_to_type(tmp_path, make_site):
    text = INSPECTION.replace('"2.4.1": 64.5,', '"2.4.1": 64.5%,').replace("value: 39924,", 'value: "39,924",')
    errors = _figure_errors(tmp_path, make_site, text)
    assert [(line, field, hint.split(":")[0]) for line, field, _, hint in errors] == [
        (8, "standards.2.4.key_questions.2.4.1.percent", "type 64.5"), (23, "facts.youth_population.value", "type 39924")]


def test_a_figure_with_a_decimal_comma_says_to_type_a_point(tmp_path, make_site):
    # A European source, or a spreadsheet set so, writes 64,5: a thousands comma always has three digits after it.
    text = INSPECTION.replace('"2.4.1": 64.5,', '"2.4.1": "64,5",')
    errors = _figure_errors(tmp_path, make_site, text)
    assert [(line, field, message, hint) for line, field, message, hint in errors] == [
        (8, "standards.2.4.key_questions.2.4.1.percent", "'64,5' has a decimal comma",
         "type 64.5: a figure's decimal point is a full stop")]

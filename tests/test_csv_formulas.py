"""No cell of a CSV the project writes is run by a spreadsheet as a formula (OWASP, "CSV
Injection"): a name that begins with =, +, -, @, a tab or a return arrives as text."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from generator.render.data import spreadsheet_cell
from generator.textsafety import unescaped_cell
from national_helpers import import_file, records
from site_helpers import build

SERVICE = '=HYPERLINK("http://example.com/x","click")'
COUNCIL = "+cmd|' /C calc'!A0"
FILES = {
    "councils/torbay.yaml": "name: \"+cmd|' /C calc'!A0\"\n",
    "services/torbay-yot.yaml": "name: '=HYPERLINK(\"http://example.com/x\",\"click\")'\n"
                                "short_name: Torbay YOT\ncouncil: torbay\n",
    "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
                                    "standards:\n  \"1.1\": Good\n",
}


@pytest.fixture(scope="module")
def ratings_rows(tmp_path_factory, make_site) -> list[list[str]]:
    root = make_site(tmp_path_factory.mktemp("formulas"), FILES)
    build(root)
    text = (root / "output/site/data/ratings.csv").read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def test_a_service_named_like_a_formula_is_written_as_text_in_ratings_csv(ratings_rows):
    header, *rows = ratings_rows
    names = {(row[header.index("service")], row[header.index("council")]) for row in rows}
    assert names == {("'" + SERVICE, "'" + COUNCIL)}


def test_no_cell_of_ratings_csv_starts_a_formula_when_read_by_the_csv_module(ratings_rows):
    starts = [cell for row in ratings_rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert starts == []


def test_no_cell_of_ratings_csv_is_a_formula_to_a_spreadsheet(ratings_rows):
    sheet = Workbook().active
    for row in ratings_rows:
        sheet.append(row)
    formulas = [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


@pytest.mark.parametrize("text", ["=1+1", "+1+1", "-1+1", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "-2+3+cmd|' /C calc'!A0"])
def test_a_cell_that_begins_like_a_formula_gains_a_single_quote(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["-1.5", "+3", "-12", "16", 16, 87.5, "Torbay YOT", "", "3 - 1"])
def test_a_number_or_plain_text_is_written_as_it_is(value):
    assert spreadsheet_cell(value) == value


def test_a_name_like_a_formula_imports_again_as_it_was_named(tmp_path, make_site):
    """ratings.csv writes such a name with a `'` before it; importing the file again must not
    make the `'` part of the name (helper-43)."""
    rated = FILES["inspections/torbay-2021.yaml"] + "overall: {rating: Good}\n"     # a row imports with one
    root = make_site(tmp_path / "site", {**FILES, "inspections/torbay-2021.yaml": rated})
    build(root)
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")
    run = import_file(empty, root / "output/site/data/ratings.csv")
    assert run.returncode == 0, run.stderr
    assert [service["name"] for service in records(empty, "services").values()] == [SERVICE]
    assert [council["name"] for council in records(empty, "councils").values()] == [COUNCIL]


@pytest.mark.parametrize("text", [SERVICE, COUNCIL, "-cmd", "@SUM(A1)", "\tx", "'quoted'", "it's", "-1.5"])
def test_a_cell_comes_back_from_its_spreadsheet_form_unchanged(text):
    assert unescaped_cell(spreadsheet_cell(text)) == text

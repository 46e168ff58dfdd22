"""Structure a screen reader relies on: headings, data tables, and pages that are complete
without JavaScript."""

from __future__ import annotations

import json

import pytest
from browser_kit import PAGE_TYPES, accessible_tables, cells_as_announced, open_page

# Headings as the accessibility tree sees them: <h1>-<h6> and role=heading, not hidden.
_HEADINGS = """() => Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6, [role=heading]"))
  .filter(h => h.getClientRects().length > 0 && !h.closest("[aria-hidden=true]"))
  .map(h => ({level: h.getAttribute("aria-level") ? Number(h.getAttribute("aria-level")) : Number(h.tagName[1]),
              text: h.textContent.trim().replace(/\\s+/g, " ").slice(0, 60)}))"""

_TABLES = """() => Array.from(document.querySelectorAll("table")).map((t, i) => ({
  index: i,
  caption: t.caption ? t.caption.textContent.trim() : "",
  role: t.getAttribute("role"),
  headers: Array.from(t.querySelectorAll("th")).map(th => ({
    scope: th.getAttribute("scope"),
    inHead: !!th.closest("thead"),
    text: th.textContent.trim().slice(0, 40),
    firstOfGroup: th.closest("tr") === th.closest("thead, tbody, tfoot, table").querySelector("tr")})),
  rows: Array.from(t.querySelectorAll(":scope > tbody > tr, :scope > tfoot > tr")).map(tr => ({
    cells: tr.cells.length,
    rowHeader: Array.from(tr.cells).some(c => c.tagName === "TH" && c.getAttribute("scope") === "row"),
    text: tr.cells.length ? tr.cells[0].textContent.trim().replace(/\\s+/g, " ").slice(0, 40) : ""})),
}))"""


def heading_problems(headings: list[dict]) -> list[str]:
    """One h1, and each heading at most one level below the one before it."""
    problems = []
    h1s = [h for h in headings if h["level"] == 1]
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} h1 headings: {[h['text'] for h in h1s]}")
    if headings and headings[0]["level"] != 1:
        problems.append(f"the first heading is h{headings[0]['level']} '{headings[0]['text']}', not the h1")
    for before, heading in zip(headings, headings[1:]):
        if heading["level"] > before["level"] + 1:
            problems.append(f"h{before['level']} '{before['text']}' is followed by h{heading['level']} "
                            f"'{heading['text']}' (skips a level)")
    return problems


def table_problems(table: dict) -> list[str]:
    """A data table has a caption, header cells, a scope on every header cell, and a row header
    in every row of cells: a screen reader moving down a column says which row each cell is in
    ("Torbay YOT, Latest overall rating, Requires improvement"), never the value alone."""
    where = f"table {table['index'] + 1} ('{table['caption'] or 'no caption'}')"
    if table["role"] in ("presentation", "none"):
        return [] if not table["headers"] else [f"{where}: a layout table with header cells"]
    problems = []
    if not table["caption"]:
        problems.append(f"{where}: no caption")
    if not table["headers"]:
        problems.append(f"{where}: no header cells")
    for th in table["headers"]:
        if th["scope"] not in ("col", "row", "colgroup", "rowgroup"):
            problems.append(f"{where}: header '{th['text']}' has no scope")
        elif th["inHead"] and th["scope"] != "col":
            problems.append(f"{where}: header '{th['text']}' in thead has scope={th['scope']}")
        elif th["scope"] == "rowgroup" and not th["firstOfGroup"]:
            problems.append(f"{where}: rowgroup header '{th['text']}' does not start its row group (tbody)")
    for row in table.get("rows", []):
        if row["cells"] > 1 and not row["rowHeader"]:
            problems.append(f"{where}: the row '{row['text']}' has no row header (th scope=row)")
    return problems


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_one_h1_and_no_skipped_heading_levels(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        if page_type == "search":
            page.wait_for_selector(".pagefind-ui__search-input")
        problems = heading_problems(page.evaluate(_HEADINGS))
        assert not problems, f"{relative}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_tables_have_captions_and_scoped_headers(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        problems = [p for table in page.evaluate(_TABLES) for p in table_problems(table)]
        assert not problems, f"{relative}:\n  " + "\n  ".join(problems)


def test_heading_and_table_rules_catch_faults():
    assert heading_problems([{"level": 1, "text": "A"}, {"level": 2, "text": "B"}, {"level": 3, "text": "C"},
                             {"level": 2, "text": "D"}]) == []
    assert heading_problems([{"level": 1, "text": "A"}, {"level": 3, "text": "B"}])
    assert heading_problems([{"level": 1, "text": "A"}, {"level": 1, "text": "B"}])
    assert heading_problems([{"level": 2, "text": "A"}])
    good = {"index": 0, "caption": "C", "role": None,
            "headers": [{"scope": "col", "inHead": True, "text": "H", "firstOfGroup": True}]}
    assert table_problems(good) == []
    assert table_problems({**good, "caption": ""})
    assert table_problems({**good, "headers": []})
    assert table_problems({**good, "headers": [{"scope": None, "inHead": False, "text": "H", "firstOfGroup": True}]})
    assert table_problems({**good, "headers": [{"scope": "rowgroup", "inHead": False, "text": "H",
                                                "firstOfGroup": False}]})
    named_row = {"cells": 3, "rowHeader": True, "text": "Torbay YOT"}
    assert table_problems({**good, "rows": [named_row, {"cells": 1, "rowHeader": False, "text": "None recorded"}]}) == []
    assert table_problems({**good, "rows": [{**named_row, "rowHeader": False}]})


# The standards of each framework, as its file (HMIP's framework documents) numbers and names them.
_STANDARDS_2018 = ["1.1 Governance and leadership", "1.2 Staff", "1.3 Partnerships and services",
                   "1.4 Information and facilities", "2.1 Assessment", "2.2 Planning", "2.3 Implementation and delivery",
                   "2.4 Reviewing", "3.1 Assessment", "3.2 Planning", "3.3 Implementation and delivery"]
_MATRIX = ": the published rating of each standard at each service's latest inspection"


def test_a_standards_column_is_announced_by_the_standards_number_and_name(page, nginx_site):
    """A screen reader reads a cell with its column header's name, and never an <abbr>'s title:
    a header of '3.1' alone made each cell '3.1, Good', and 2.1 and 3.1 are both Assessment."""
    open_page(page, nginx_site.url("standards/index.html"))
    tables = accessible_tables(page)
    assert tables["HMIP youth inspection framework (2018 to 2021)" + _MATRIX][0] == [
        "Service", *_STANDARDS_2018, "3.4 Joint working"]
    rows_2021 = tables["HMIP youth inspection framework (2021 to 2024)" + _MATRIX]
    assert rows_2021[0] == ["Service", *_STANDARDS_2018, "3.4 Out-of-court disposal policy and provision"]
    # Wolverhampton's 2021 inspection (content/inspections/wolverhampton-2021.yaml, from its cabinet report)
    wolverhampton = next(row for row in cells_as_announced(rows_2021) if row["Service"].startswith("Wolverhampton"))
    assert wolverhampton["2.2 Planning"] == "Requires improvement"
    assert wolverhampton["3.4 Out-of-court disposal policy and provision"] == "Good"
    # The 2025 framework numbers only its victims' standard; the others are shown by name.
    assert tables["HMIP youth justice inspection framework (from 2025)" + _MATRIX][0] == [
        "Service", "Assessing", "Planning", "Delivery", "V1 Work with victims"]


# -- without JavaScript -------------------------------------------------------------------------

def test_inspections_index_is_complete_without_javascript(page_without_js, nginx_site):
    page = page_without_js
    open_page(page, nginx_site.url("inspections/index.html"))
    published = json.loads((nginx_site.root / "data" / "inspections.json").read_text(encoding="utf-8"))
    records = published["inspections"] if isinstance(published, dict) else published
    rows = page.locator("#inspections-table tbody tr")
    assert rows.count() == len(records) == len(nginx_site.pages("inspection"))
    assert all(rows.nth(i).is_visible() for i in range(rows.count()))
    # Every row links to its inspection, newest first as the page says.
    links = page.evaluate("() => Array.from(document.querySelectorAll('#inspections-table tbody tr th:first-child a'))"
                          ".map(a => a.getAttribute('href'))")
    assert sorted(links) == sorted(f"../inspections/{p.split('/')[1]}/index.html"
                                   for p in nginx_site.pages("inspection"))
    dates = page.evaluate("() => Array.from(document.querySelectorAll('#inspections-table tbody tr td:nth-child(2)'))"
                          ".map(td => td.getAttribute('data-value'))")
    assert dates == sorted(dates, reverse=True)
    # The controls that need JavaScript are not offered.
    assert not page.locator("#filters").is_visible()
    assert page.locator("#inspections-table thead button").count() == 0
    assert page.locator("#results-status").inner_text().strip() == ""


def test_inspections_index_offers_filters_with_javascript(page, nginx_site):
    """The other half of the no-JavaScript test: the same page with scripts shows the controls."""
    open_page(page, nginx_site.url("inspections/index.html"))
    assert page.locator("#filters").is_visible()
    assert page.locator("#inspections-table thead button").count() == 5


@pytest.mark.parametrize("page_type", [t for t in PAGE_TYPES if t != "search"])
def test_page_content_does_not_need_javascript(page_without_js, nginx_site, page_type):
    """Every page but search shows the same main content with scripts off."""
    for relative in nginx_site.pages(page_type):
        open_page(page_without_js, nginx_site.url(relative))
        text = page_without_js.locator("main").inner_text()
        assert page_without_js.locator("main h1").count() == 1 and len(text) > 40, relative


def test_search_page_says_what_to_do_without_javascript(page_without_js, nginx_site):
    """Search is the one page that needs scripts: without them it points to the lists instead."""
    open_page(page_without_js, nginx_site.url("search/index.html"))
    assert "Search needs JavaScript" in page_without_js.locator("main").inner_text()
    links = page_without_js.evaluate("() => Array.from(document.querySelectorAll('main a')).map(a => a.href)")
    assert links == [nginx_site.url(p) for p in ("inspections/index.html", "services/index.html",
                                                   "meetings/index.html")]


@pytest.mark.parametrize("page_type", ["inspections", "national"])
def test_how_to_sort_and_filter_is_said_only_where_there_are_buttons_and_filters(page_without_js, nginx_site,
                                                                               page_type):
    """Without JavaScript the headings are plain text and the filters are not offered: the page
    told a reader to choose buttons that were not there."""
    open_page(page_without_js, nginx_site.url(nginx_site.first_page(page_type)))
    text = page_without_js.locator("main").inner_text()
    assert "newest first." in text
    assert "Choose a column heading" not in text and "use the filters" not in text

"""The national picture (issue 27): the national page, the site's own councils first on its own
pages, `[[national-comparison]]` as at a paper's issue date, and the data files' new columns.

The site is the shipped one with Data to Insight's real table imported into it. Every expected
number is counted here from that table and from the shipped records' own files (national_helpers),
never read from the program's output.
"""

from __future__ import annotations

import calendar
import csv
import dataclasses
import datetime as dt
import html
import json
import re
import shutil
import types
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from generator.build import check_site
from generator.render.national import comparison
from national_helpers import (DTI_COPYRIGHT, MIT_CONDITION, OGL_STATEMENT, OGL_URL, RATINGS, TABLE, day_of,
                              expected_framework, expected_record, import_file, load, records, table_rows)
from site_helpers import AS_OF, build, copy_site, pdf_texts, flat, visible_text

REPO = Path(__file__).resolve().parent.parent
SHIPPED = {p.stem: load(p) for p in sorted((REPO / "content" / "inspections").glob("*.yaml"))}
IN_TABLE = {"wolverhampton-2021"}       # the shipped records the table has too (Wolverhampton, 08/02/22)


def shipped_year(record: dict) -> int:
    """The year of a shipped record's report: its publication, else the end of its fieldwork."""
    fieldwork = record.get("fieldwork") or {}
    return int(str(record.get("published") or fieldwork.get("to") or fieldwork.get("from"))[:4])


def shipped_day(record: dict) -> dt.date:
    """The last day of a shipped record's report date (a month: its last day)."""
    fieldwork = record.get("fieldwork") or {}
    text = str(record.get("published") or fieldwork.get("to") or fieldwork.get("from"))
    if len(text) == 10:
        return dt.date.fromisoformat(text)
    year, month = int(text[:4]), int(text[5:7])
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def shipped_rating(record: dict) -> str | None:
    return (record.get("overall") or {}).get("rating")


def shipped_standards(record: dict) -> dict[str, str]:
    found = {}
    for where in ("standards", "separately_rated"):
        for number, value in (record.get(where) or {}).items():
            rating = value if isinstance(value, str) else value.get("rating")
            if rating and rating != "not rated":
                found["4.1" if number == "resettlement" else number] = rating
    return found


def every_inspection() -> list[dict]:
    """(framework, kind, year, overall rating, {standard: rating}, published) of every inspection of
    the national site: the table's rows (as each row should import) and the shipped records it lacks.
    The kind is the list's filter's ('hmip-youth-2025:full'), None under a framework of one kind."""
    found = []
    for _, row in table_rows():
        record = expected_record(row)
        standards = {("4.1" if key == "resettlement" else key): value
                     for where in ("standards", "separately_rated") for key, value in record.get(where, {}).items()}
        if row["la_name"] == "Wolverhampton":                 # the shipped record stands for it
            standards = shipped_standards(SHIPPED["wolverhampton-2021"])
        found.append({"framework": record["framework"], "kind": None, "year": day_of(row["publication_date"]).year,
                      "rating": (record.get("overall") or {}).get("rating"), "standards": standards,
                      "day": day_of(row["publication_date"]), "published": True})
    for iid, record in SHIPPED.items():
        if iid not in IN_TABLE:
            kind = record.get("inspection_type")
            found.append({"framework": record["framework"], "kind": kind and f"{record['framework']}:{kind}",
                          "year": shipped_year(record),
                          "rating": shipped_rating(record), "standards": shipped_standards(record),
                          "day": shipped_day(record), "published": "published" in record})
    return found


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    """The shipped site with the real table imported, built (HTML): the root of the built site."""
    root = copy_site(tmp_path_factory.mktemp("national"))
    assert import_file(root, TABLE).returncode == 0
    build(root, output=root / "output" / "site")
    return root


def page(national: Path, path: str) -> str:
    return (national / "output" / "site" / path).read_text(encoding="utf-8")


def links(text: str) -> list[tuple[dict[str, list[str]], int]]:
    """Every number on the national page that links to the list: (its filters, the number)."""
    return [({k: v for k, v in parse_qs(html.unescape(query)).items()}, int(number))
            for query, number in re.findall(r'<a href="\.\./national/index\.html\?([^"#]*)#list">(\d+)', text)]


def list_rows(text: str) -> list[dict[str, str]]:
    """The data attributes of each row of the page's list of inspections."""
    body = text[text.index('id="national-table"'):]
    return [dict(re.findall(r'data-(\w+)="([^"]*)"', html.unescape(attributes)))
            for attributes in re.findall(r"<tr (data-framework=[^>]*)>", body)]


def kept(row: dict[str, str], filters: dict[str, list[str]]) -> bool:
    """What the list shows for a link's filters: each filter keeps a row having any of its values."""
    standards = dict(pair.split("=") for pair in row["standards"].split())
    for name, values in filters.items():
        if name == "standard":
            rating = filters.get("standard_rating", [None])[0]
            given = standards.get(values[0])
            if given is None or rating and given.replace("_", " ") != rating:
                return False
        elif name != "standard_rating" and row[name] not in values:
            return False
    return True


# -- the national page -----------------------------------------------------------------------------

def test_the_national_page_counts_services_by_framework_and_year_as_the_table_does(national):
    text = page(national, "national/index.html")
    expected = Counter((i["framework"], str(i["year"])) for i in every_inspection())
    shown = {(f["framework"][0], f["year"][0]): n for f, n in links(text) if set(f) == {"framework", "year"}}
    assert shown == dict(expected)
    by_year = Counter(str(i["year"]) for i in every_inspection())
    assert {f["year"][0]: n for f, n in links(text) if set(f) == {"year"}} == dict(by_year)
    assert f">{len(every_inspection())}<" in text.replace('<span class="visually-hidden"> inspections</span>', "")


def test_the_national_page_gives_the_overall_ratings_under_each_framework_as_the_table_does(national):
    text = page(national, "national/index.html")
    expected = Counter((i["framework"], i["kind"], i["rating"]) for i in every_inspection() if i["rating"])
    shown = {(f["framework"][0], f.get("kind", [None])[0], f["rating"][0]): n for f, n in links(text)
             if set(f) - {"kind"} == {"framework", "rating"} and len(f["rating"]) == 1
             and f["rating"][0] != "not recorded"}
    assert shown == {key: n for key, n in expected.items()}
    # the chart carries the same numbers as its table, in words for those who cannot see it
    counts_2021 = {r: expected[("hmip-youth-2021", None, r)] for r in RATINGS.values()}
    described = "; ".join(f"{r}: {counts_2021[r]}" for r in ("Outstanding", "Good", "Requires improvement",
                                                              "Inadequate"))
    assert f"{described} (of {sum(counts_2021.values())} inspections)</desc>" in text


def test_the_national_page_gives_each_standard_rated_often_enough_weakest_first(national):
    text = page(national, "national/index.html")
    inspections = every_inspection()
    for framework in ("hmip-youth-2021", "hmip-youth-2018"):
        ratings = Counter((number, rating) for i in inspections if i["framework"] == framework
                          for number, rating in i["standards"].items())
        recorded = Counter(number for number, _ in ratings.elements())
        enough = {number for number, n in recorded.items() if n >= 10}
        shown = {(f["standard"][0].removeprefix(f"{framework}:"), f["standard_rating"][0]): n for f, n in links(text)
                 if f.get("framework") == [framework] and "standard_rating" in f}
        assert shown == {(number, rating): n for (number, rating), n in ratings.items() if number in enough}
        if not enough:                  # the 2018 framework: fewer than 10 records of any standard
            assert "No standard of this framework has its rating recorded at 10 or more" in text
            continue
        # weakest first: the largest share below Good
        section = text[text.index(f'id="standards-caption-{framework}"'):]
        section = section[:section.index("</table>")]
        order = re.findall(r'<span class="std-number">([\w.]+)</span>', section)
        below = {n: sum(ratings[(n, r)] for r in ("Requires improvement", "Inadequate")) / recorded[n] for n in enough}
        assert [below[n] for n in order] == sorted(below.values(), reverse=True)


def test_every_number_on_the_national_page_links_to_exactly_the_inspections_behind_it(national):
    text = page(national, "national/index.html")
    rows = list_rows(text)
    assert len(rows) == len(every_inspection())
    found = links(text)
    assert len(found) > 50
    for filters, number in found:
        assert sum(kept(row, filters) for row in rows) == number, filters


def test_the_lists_standard_filter_keeps_the_standards_of_each_framework_apart(national):
    """docs/data.md: standards of different frameworks are different standards, even with one
    number (3.4 is 'Joint working' in 2018, 'Out-of-court disposal policy and provision' in 2021)."""
    text = page(national, "national/index.html")
    select = text[text.index('<select id="filter-standard"'):]
    options = dict(re.findall(r'<option value="([^"]+)">([^<]+)</option>', select[:select.index("</select>")]))
    assert options["hmip-youth-2018:3.4"] == "3.4 Joint working, HMIP youth inspection framework (2018 to 2021)"
    assert options["hmip-youth-2021:3.4"] == ("3.4 Out-of-court disposal policy and provision, "
                                              "HMIP youth inspection framework (2021 to 2024)")
    assert "3.4" not in options
    for row in list_rows(text):
        for pair in row["standards"].split():
            assert pair.startswith(row["framework"] + ":"), row
    # the table's row 81 (Kirklees, 2018) gives joint working Inadequate; row 3 (Bath and North East
    # Somerset, 2021) out-of-court disposal policy and provision Good
    tokens = {pair for row in list_rows(text) for pair in row["standards"].split()}
    assert {"hmip-youth-2018:3.4=Inadequate", "hmip-youth-2021:3.4=Good"} <= tokens


def test_the_standards_page_ranks_only_standards_rated_often_enough_with_the_national_caveat(national):
    """The standards page follows the national page's rule (docs/data.md): a standard is compared
    where 10 or more inspections record its rating, and the imported table's missing
    'Requires improvement' is said."""
    text = page(national, "standards/index.html")
    section = text[text.index('id="h-hmip-youth-2021"'):text.index('id="h-hmip-youth-2018"')]
    weakest = section[section.index('id="weakest-caption-hmip-youth-2021"'):]
    weakest = weakest[:weakest.index("</table>")]
    recorded = Counter(number for i in every_inspection() if i["framework"] == "hmip-youth-2021"
                       for number in i["standards"] if number != "4.1")        # 4.1 is rated separately
    ranked = re.findall(r'<th scope="row" class="text">([\d.]+) ', weakest)
    assert sorted(ranked) == sorted(n for n, count in recorded.items() if count >= 10)
    fewer = sorted(n for n, count in recorded.items() if count < 10)
    assert fewer, "the table records some 2021 standard at fewer than 10 inspections"
    named = re.search(r"Recorded at fewer than 10 inspections here, so not compared: (.*?)\.</p>", section).group(1)
    assert [standard.split(" ")[0] for standard in named.split("; ")] == fewer
    assert re.search(r"The \d+ imported inspections give no standard as Requires improvement", visible_text(section))


def test_a_count_of_one_inspection_is_read_in_the_singular(national):
    text = visible_text(page(national, "national/index.html"))
    by_year = Counter((i["framework"], i["year"]) for i in every_inspection())
    assert 1 in by_year.values() and any(n > 1 for n in by_year.values())
    assert not re.search(r"\b1 inspections\b", text)
    assert len(re.findall(r"\b1 inspection under ", text)) >= sum(n == 1 for n in by_year.values())
    assert re.search(r"\b(?!1 )\d+ inspections under ", text)


def test_where_each_of_our_services_stands_against_its_framework(national):
    text = page(national, "national/index.html")
    section = text[text.index('id="h-own"'):text.index('id="list"')]
    inspections = every_inspection()
    torbay = SHIPPED["torbay-2021"]
    same_framework = [i for i in inspections if i["framework"] == torbay["framework"]]
    rated = [i for i in same_framework if i["rating"]]
    order = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
    place = order.index(shipped_rating(torbay))
    higher = sum(i["rating"] in order[:place] for i in rated)
    same = sum(i["rating"] == order[place] for i in rated)
    lower = sum(i["rating"] in order[place + 1:] for i in rated)
    row = next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if "Torbay YOT" in r)
    assert "Requires improvement" in row and "score 16/36" in row
    numbers = [int(n) for n in re.findall(r'#list">(\d+)<', row)] + [int(n) for n in re.findall(r"<td>(\d+) ", row)]
    assert (higher, same, lower) == (3, 4, 0)        # (what the counts above give: checked as they stand)
    assert numbers == [len(same_framework), higher, same, lower]
    for name in ("Torbay YOT", "Dudley YOS", "Sandwell YOS", "Wolverhampton YOT", "Derby YJS"):
        assert name in section
    assert "Suffolk" not in section


def test_rated_the_same_says_it_counts_the_service_s_own_inspection(national):
    """Torbay (2018 framework, Requires improvement) against the 7 inspections under its framework:
    the shipped Dudley, Sandwell and Torbay and the table's rows 81-84 (Kirklees, Kent, Hull, Kensington
    and Chelsea). Requires improvement: Torbay, Dudley, Kent, Kirklees; the other 3 Good. The row said "4 rated the same as Torbay YOT", which a councillor reads as 4 other
    services, where 3 are. The count stays 4, as its link lists 4 (Torbay's marked "ours"), and the
    row says Torbay's is among them."""
    text = html.unescape(page(national, "national/index.html"))
    section = text[text.index('id="h-own"'):text.index('id="list"')]
    torbay = flat(visible_text(next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if "Torbay YOT" in r)))
    assert "4 rated Requires improvement, Torbay YOT's own inspection among them (57%)" in torbay
    assert "rated the same as" not in flat(visible_text(section))
    headings = re.findall(r'<th scope="col">([^<]*)</th>', section)
    assert "Rated the same, its own included" in headings
    assert "its own among them" in flat(visible_text(section[:section.index("</caption>")]))


def test_a_service_whose_rating_is_the_only_one_of_its_kind_has_nothing_to_compare_with(national):
    """Derby's 2025 inspection of work with children and victims is the only one of its kind here (the
    table ends before 2025's): the row said "1 rated the same as Derby YJS (100%)", Derby against itself."""
    peers = [i for i in every_inspection() if i["kind"] == "hmip-youth-2025:children-and-victims" and i["rating"]]
    assert len(peers) == 1
    text = page(national, "national/index.html")
    section = text[text.index('id="h-own"'):text.index('id="list"')]
    derby = flat(visible_text(next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if "Derby YJS" in r)))
    assert ("nothing to compare with yet: no other inspection under its framework (of its kind) records an "
            "overall rating") in derby
    assert "%" not in derby and "rated the same" not in derby


def test_our_service_s_shares_say_they_are_of_the_inspections_with_a_rating_recorded(national):
    """Wolverhampton's 2021 framework: 79 inspections (78 rows of the table, with Wolverhampton's
    own, which the shipped record stands for), of which Portsmouth's row gives a footnote for its
    rating: 78 rated, 7 Outstanding, 41 Good, 30 below, as the table's overall_rating column
    counts them. The shares are of the 78, and the row says so beside the 79."""
    text = page(national, "national/index.html")
    section = text[text.index('id="h-own"'):text.index('id="list"')]
    row = next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if "Wolverhampton YOT" in r)
    cells = html.unescape(visible_text(row))
    assert "79 inspections under" in cells and "(78 with an overall rating recorded)" in cells
    # each count names the service it is compared with, unseen, for a screen reader's list of links
    assert "7 rated higher than Wolverhampton YOT (9%)" in cells
    assert "41 rated Good, Wolverhampton YOT's own inspection among them (53%)" in cells
    assert "30 rated lower than Wolverhampton YOT (38%)" in cells
    assert "(78 with an overall rating recorded)" not in visible_text(
        next(r for r in re.findall(r"<tr>.*?</tr>", section, re.S) if "Torbay YOT" in r))


def test_the_list_can_be_filtered_by_region_and_framework(national):
    text = page(national, "national/index.html")
    assert '<select id="filter-framework" name="framework">' in text
    assert '<select id="filter-region" name="region">' in text
    regions = {r["region"] for r in list_rows(text)}
    assert {"South West", "West Midlands", "East Midlands", "not recorded"} == regions


# -- the site's own pages lead with its own councils ---------------------------------------------

def test_home_inspections_and_services_show_our_councils_and_lead_to_the_national_page(national):
    own = {"Torbay YOT", "Dudley YOS", "Sandwell YOS", "Wolverhampton YOT", "Derby YJS"}
    others = len(every_inspection()) - len(SHIPPED)
    inspections = page(national, "inspections/index.html")
    listed = set(re.findall(r'<th scope="row" data-value="([^"]+)"><a href="\.\./inspections/', inspections))
    assert listed == own
    assert f"The {others} inspections of other areas are listed on" in visible_text(inspections)
    services = page(national, "services/index.html")
    assert len(re.findall(r'<a href="\.\./services/[^/]+/index\.html">', services)) == len(own)
    home = visible_text(page(national, "index.html"))
    assert f"sets them beside {others} inspections of other areas" in home
    assert "Suffolk" not in home and "Suffolk" not in visible_text(inspections)
    # the imported areas have their own pages, reachable from the national page
    national_page = page(national, "national/index.html")
    assert 'href="../inspections/suffolk-2023/index.html"' in national_page
    assert (national / "output" / "site" / "services" / "suffolk" / "index.html").is_file()


def test_own_councils_must_be_councils_of_the_site(tmp_path, make_site):
    root = make_site(tmp_path, {"site.yaml": "title: T\norganisation: O\nown_councils: [torbay, torbey]\n"})
    problems = [str(p) for p in check_site(root, AS_OF.date()).errors]
    assert problems == ["content/site.yaml:3:24: error: own_councils.1: there is no council 'torbey' "
                        "(did you mean 'torbay'?)"]


# -- [[national-comparison]] as at a paper's issue date -----------------------------------------

REPORT = """---
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
title: How our youth justice service compares
date: 2021-10-06
inspection: torbay-2021
---
## Purpose

To compare Torbay YOT's inspection with the others under the same framework.

[[national-comparison]]
"""

MEETING = """council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-10-20
issued: 2021-10-13
items:
  - {number: 1, title: How our youth justice service compares, report: torbay-national}
"""


def expected_sentence(day: dt.date, paper: bool = True) -> str:
    """A paper counts the inspections published by its day; the report's page also those whose record
    gives no publication date (Sandwell's and Dudley's shipped ones), as the national page does."""
    peers = [i for i in every_inspection() if i["framework"] == "hmip-youth-2018"
             and (i["published"] and i["day"] <= day or not paper and not i["published"])]
    rated = [i for i in peers if i["rating"]]
    good = sum(i["rating"] in ("Good", "Outstanding") for i in rated)
    whose = "" if len(rated) == len(peers) else " whose overall rating is recorded"
    return (f"Of the {len(rated)} inspections under the HMIP youth inspection framework (2018 to 2021)"
            f"{whose}, {good} ({round(100 * good / len(rated))}%) rated the service Good or Outstanding; Torbay YOT "
            "was rated Requires improvement.")


@pytest.mark.pdf
@pytest.mark.parametrize("in_meeting, as_at", [(False, dt.date(2021, 10, 6)), (True, dt.date(2021, 10, 13))])
def test_a_torbay_paper_compares_with_the_inspections_published_by_its_issue_date(national, tmp_path, in_meeting,
                                                                                    as_at):
    root = tmp_path / "site"
    shutil.copytree(national / "content", root / "content")
    (root / "content" / "reports" / "torbay-national.md").write_text(REPORT, encoding="utf-8")
    if in_meeting:
        (root / "content" / "meetings" / "torbay-cyp-osb-2021-10-20.yaml").write_text(MEETING, encoding="utf-8")
    # Kirklees (12/10/21, a 2018-framework report) is published between the two days.
    assert expected_sentence(dt.date(2021, 10, 6)) != expected_sentence(dt.date(2021, 10, 13))
    from generator.cli import cli
    from click.testing import CliRunner
    paper = tmp_path / "paper.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "torbay-national", "-o", str(paper)], obj={})
    assert result.exit_code == 0, result.output
    text = flat(" ".join(pdf_texts(paper)))
    assert expected_sentence(as_at) in text
    assert f"The data as at {as_at.day} October 2021" in text
    # the report's page shows the same block as at the build's day
    build(root, output=tmp_path / "out")
    web = flat(visible_text((tmp_path / "out" / "reports" / "torbay-national" / "index.html").read_text()))
    assert expected_sentence(AS_OF.date(), paper=False) in web


@pytest.mark.pdf
def test_a_paper_in_a_pack_with_no_issued_day_prints_no_day_counted_from_the_clear_days(national, tmp_path):
    """helper-181: a meeting on Thursday 21 October 2021 with no `issued` is as at Friday 15 October,
    five clear days (16 to 20 October) before it; no source gives that day, yet the block said
    "published by 15 October 2021" and "The data as at 15 October 2021". It counts the same inspections,
    and names the latest publication among them as its record gives it: Kirklees', 12 October 2021."""
    root = tmp_path / "site"
    shutil.copytree(national / "content", root / "content")
    (root / "content" / "reports" / "torbay-national.md").write_text(REPORT, encoding="utf-8")
    (root / "content" / "meetings" / "torbay-cyp-osb-2021-10-21.yaml").write_text(
        MEETING.replace("date: 2021-10-20\nissued: 2021-10-13\n", "date: 2021-10-21\n"), encoding="utf-8")
    counted = dt.date(2021, 10, 15)
    latest = max(i["day"] for i in every_inspection()
                 if i["framework"] == "hmip-youth-2018" and i["published"] and i["day"] <= counted)
    assert latest == dt.date(2021, 10, 12)
    from generator.cli import cli
    from click.testing import CliRunner
    paper = tmp_path / "paper.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "torbay-national", "-o", str(paper)], obj={})
    assert result.exit_code == 0, result.output
    text = flat(" ".join(pdf_texts(paper)))
    assert expected_sentence(counted) in text
    assert ("HMIP youth inspection framework (2018 to 2021): overall ratings of the inspections published by the "
            "time this paper was issued") in text
    assert ("The data as this paper was issued: every inspection under this framework published by then (the latest "
            "of them on 12 October 2021), of those this site records.") in text
    assert "15 October 2021" not in text


def test_the_block_needs_the_report_s_inspection(tmp_path, make_site):
    root = make_site(tmp_path, {"reports/r.md": REPORT.replace("inspection: torbay-2021\n", "")})
    problems = [str(p) for p in check_site(root, AS_OF.date()).errors]
    assert problems == ["content/reports/r.md:11:1: error: body: [[national-comparison]] needs 'inspection:' in the "
                        "front matter (add 'inspection: <id>' between the '---' lines)"]


def test_a_paper_comparing_nationally_is_made_again_when_an_inspection_is_added(national, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(national / "content", root / "content")
    (root / "content" / "reports" / "torbay-national.md").write_text(REPORT, encoding="utf-8")
    first = build(root, output=tmp_path / "out")
    assert "reports/torbay-national/index.html" in first.rendered
    (root / "content" / "inspections" / "kirklees-2021.yaml").unlink()
    again = build(root, output=tmp_path / "out")
    assert "reports/torbay-national/index.html" in again.rendered


# -- data out ----------------------------------------------------------------------------------------

def test_the_data_files_say_framework_type_score_percent_report_and_where_each_record_came_from(national):
    data = json.loads(page(national, "data/inspections.json"))
    by_id = {i["id"]: i for i in data["inspections"]}
    number, row = next((n, r) for n, r in table_rows() if r["la_name"] == "Newcastle")
    newcastle = by_id["newcastle-2025"]
    assert newcastle["framework"] == expected_framework(row) == "hmip-youth-2021"
    assert newcastle["inspection_type"] is None
    assert newcastle["overall"]["published_score"] == round(float(row["score_%"]) * 36 / 100)
    assert newcastle["overall"]["score_percent"] == float(row["score_%"])
    assert newcastle["report_url"] == row["report_url"]
    assert newcastle["imported"] == {"file": TABLE.name, "table": "data-to-insight", "row": number,
                                     "edited_since": False}
    assert by_id["torbay-2021"]["imported"] is None
    assert by_id["suffolk-2023"]["joint"] is True
    assert by_id["derby-2025"]["inspection_type"] == "children-and-victims"
    with (national / "output" / "site" / "data" / "ratings.csv").open(encoding="utf-8-sig", newline="") as handle:
        ratings = list(csv.DictReader(handle))
    lines = [r for r in ratings if r["inspection"] == "newcastle-2025"]
    assert {(r["overall_score_percent"], r["max_score"], r["imported_from"], r["imported_row"],
             r["edited_since_import"]) for r in lines} == {(row["score_%"], "36", TABLE.name, str(number), "no")}
    assert {r["imported_from"] for r in ratings if r["inspection"] == "torbay-2021"} == {""}
    assert {r["published_rating"] for r in lines if r["standard"] == "1.2"} == {expected_record(row)["standards"]["1.2"]}


def test_inspections_json_credits_hmip_and_data_to_insight_under_their_licences(national):
    """An analyst taking the file away takes its attribution with it: HMIP's ratings under the
    Open Government Licence, with its statement and a link to it; Data to Insight's table under
    the MIT licence, with its copyright and permission notice."""
    data = json.loads(page(national, "data/inspections.json"))
    by_name = {s["name"]: s for s in data["sources"]}
    assert list(by_name) == ["HM Inspectorate of Probation", "Data to Insight"]
    hmip, dti = by_name.values()
    assert (hmip["licence"], hmip["licence_url"], hmip["attribution"]) == \
        ("Open Government Licence v3.0", OGL_URL, OGL_STATEMENT)
    assert (dti["licence"], dti["attribution"]) == ("MIT License", DTI_COPYRIGHT)
    assert dti["url"] == "https://github.com/data-to-insight/hmi-probation-youth-justice-scrape"
    assert MIT_CONDITION in " ".join(dti["licence_text"].split())


def sources_section(text: str) -> str:
    """The page's 'Sources and licences' section, as HTML ('' if it has none)."""
    found = re.search(r'<section aria-labelledby="h-sources">.*?</section>', text, re.S)
    return found.group(0) if found else ""


def test_the_national_page_credits_hmip_and_data_to_insight_with_links_that_say_where_they_go(national):
    section = sources_section(page(national, "national/index.html"))
    text = html.unescape(visible_text(section))
    assert "Sources and licences" in text
    assert OGL_STATEMENT in text and DTI_COPYRIGHT in text
    links = {html.unescape(re.sub(r"<[^>]+>", "", inner)): href
             for href, inner in re.findall(r'<a href="([^"]+)">(.*?)</a>', section)}
    assert links["Open Government Licence v3.0"] == OGL_URL
    assert links["Data to Insight's repository on GitHub"] == \
        "https://github.com/data-to-insight/hmi-probation-youth-justice-scrape"
    assert links["About the data: sources and licences"] == "../about/index.html#h-sources"
    assert '<li><a href="#h-sources">Sources and licences</a></li>' in page(national, "national/index.html")


def test_the_about_page_gives_data_to_insight_s_licence_notice_in_full(national):
    text = " ".join(html.unescape(visible_text(sources_section(page(national, "about/index.html")))).split())
    assert DTI_COPYRIGHT in text and MIT_CONDITION in text and OGL_STATEMENT in text


def test_an_import_into_a_built_site_adds_data_to_insight_to_the_pages_that_credit_sources(tmp_path):
    """The shipped records are typed in: no page credits Data to Insight until a record came from
    their table, and then the next build's About page does, though no framework changed."""
    root = copy_site(tmp_path / "site")
    build(root)
    for path in ("national/index.html", "about/index.html"):
        section = sources_section((root / "output" / "site" / path).read_text(encoding="utf-8"))
        assert OGL_STATEMENT in html.unescape(section) and "Data to Insight" not in section, path
    assert import_file(root, TABLE).returncode == 0
    build(root)
    for path in ("national/index.html", "about/index.html"):
        section = sources_section((root / "output" / "site" / path).read_text(encoding="utf-8"))
        assert DTI_COPYRIGHT in section, path


def test_a_site_that_imports_another_s_ratings_csv_still_credits_data_to_insight(national, tmp_path):
    """Data to Insight's rows, passed on in a site's data/ratings.csv, are still theirs: the MIT
    licence's notice goes with every copy, so the site that imports the file credits them for
    those rows (and only those: Torbay's record was typed in from HMIP's report)."""
    empty = tmp_path / "empty"
    (empty / "content").mkdir(parents=True)
    (empty / "content" / "site.yaml").write_text("title: Round trip\norganisation: Test\n", encoding="utf-8")
    run = import_file(empty, national / "output" / "site" / "data" / "ratings.csv")
    assert run.returncode == 0, run.stderr
    tables = {iid: record["imported"]["table"] for iid, record in records(empty, "inspections").items()}
    assert tables["newcastle-2025"] == "data-to-insight"
    assert tables["torbay-2021"] == "scrutiny"
    build(empty, output=tmp_path / "out")
    data = json.loads((tmp_path / "out" / "data" / "inspections.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in data["sources"]] == ["HM Inspectorate of Probation", "Data to Insight"]
    section = sources_section((tmp_path / "out" / "about" / "index.html").read_text(encoding="utf-8"))
    assert DTI_COPYRIGHT in section
    # Passed on again, the file still says whose each row is.
    with (tmp_path / "out" / "data" / "ratings.csv").open(encoding="utf-8-sig", newline="") as handle:
        again = {(r["inspection"], r["imported_table"]) for r in csv.DictReader(handle)}
    assert ("newcastle-2025", "data-to-insight") in again and ("torbay-2021", "scrutiny") in again


def test_a_record_edited_by_hand_since_its_import_says_so_in_the_data(national, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(national / "content", root / "content")
    target = root / "content" / "inspections" / "newcastle-2025.yaml"
    target.write_text(target.read_text().replace('"1.2": Good', '"1.2": Outstanding'), encoding="utf-8")
    build(root, output=tmp_path / "out")
    data = json.loads((tmp_path / "out" / "data" / "inspections.json").read_text())
    newcastle = next(i for i in data["inspections"] if i["id"] == "newcastle-2025")
    assert newcastle["imported"]["edited_since"] is True


def test_an_imported_inspection_s_page_says_where_it_came_from_and_that_it_was_joint(national):
    number = next(n for n, r in table_rows() if r["la_name"] == "Suffolk - JI")
    text = visible_text(page(national, "inspections/suffolk-2023/index.html"))
    assert "Joint inspection Yes, with other inspectorates" in text
    assert f"Source Imported from {TABLE.name}, row {number}: only what that row gives" in text
    assert "Source" not in visible_text(page(national, "inspections/torbay-2021/index.html")).split("Ratings")[0]


def test_the_page_says_when_imported_standards_never_require_improvement(national, tmp_path):
    """Data to Insight's table gives standards as Outstanding, Good or Inadequate only: a cell it
    leaves empty may be Requires improvement, so the page says the shares below Good may be low
    (counted here from the table itself)."""
    table = [row for _, row in table_rows()]
    columns = [c for c in table[0] if c not in ("la_name", "la_ref", "score_%", "overall_rating",
                                               "publication_date", "report_url")]
    assert not any(row[c].strip().lower() == "requires improvement" for row in table for c in columns)
    text = visible_text(page(national, "national/index.html"))
    said = re.findall(r"The (\d+) imported inspections give no standard as Requires improvement, and (\d+) "
                      r"of their standards' ratings are not recorded", text)
    assert said, "the page does not say that no imported standard requires improvement"
    imported = [r for r in table if expected_framework(r) == "hmip-youth-2021" and r["la_name"] != "Wolverhampton"]
    assert int(said[0][0]) == len(imported)         # the shipped Wolverhampton record stays ours, not imported

    # One imported standard rated Requires improvement: the sentence goes.
    site = copy_site(tmp_path / "site")
    shutil.copytree(national / "content", site / "content", dirs_exist_ok=True)
    record = next(p for p in sorted((site / "content" / "inspections").glob("*.yaml"))
                  if "imported:" in p.read_text(encoding="utf-8") and "standards:" in p.read_text(encoding="utf-8"))
    text = record.read_text(encoding="utf-8")
    changed = re.sub(r'(\n  "?[\d.]+"?: )(Good|Outstanding|Inadequate)\n', r"\1Requires improvement\n", text, count=1)
    assert changed != text
    record.write_text(changed, encoding="utf-8")
    build(site)
    assert "give no standard as Requires improvement" not in page(site, "national/index.html")


def test_an_imported_service_named_as_its_council_is_not_named_twice(national):
    # Row 66 of the table: Portsmouth, an area the site did not know, so its service and its
    # council are both "Portsmouth"; the page read "Portsmouth (Portsmouth)" (helper-32).
    text = page(national, "inspections/portsmouth-2022/index.html")
    assert ">Portsmouth</a></dd>" in text and "Portsmouth (Portsmouth)" not in text
    torbay = page(national, "inspections/torbay-2021/index.html")
    assert "</a> (Torbay Council)</dd>" in torbay


def test_a_paper_issued_in_the_month_its_inspection_was_published_counts_that_inspection(tmp_path):
    # Derby's record gives only the month HMIP published it (September 2025); a paper about it
    # issued on 24 September 2025 states its rating, so it must count it among the inspections.
    corpus = check_site(REPO, AS_OF.date()).corpus
    compared = comparison(corpus, "derby-2025", dt.date(2025, 9, 24))
    assert (compared.inspected, compared.rated, compared.good) == (1, 1, 1)
    # helper-181: alone in its kind, it read "Of the 1 inspection ..., 1 (100%) rated the service Good or
    # Outstanding", a share of itself: as on the national page, there is nothing to compare with yet.
    assert compared.sentence == ("There is nothing to compare with yet: no other inspection under the HMIP youth "
                                 "justice inspection framework (from 2025) of the same kind as this one (an "
                                 "inspection of youth justice work with children and victims) records an overall "
                                 "rating; Derby YJS was rated Outstanding.")


def test_an_inspection_whose_record_gives_no_date_is_not_counted_as_published_by_a_papers_day(tmp_path):
    # A record with neither publication nor fieldwork (Wakefield YJS 2025, whose sources give no
    # date) sorts as 1900-01-01; that stand-in made it "published by" every day, so a paper about
    # Derby as at 24 September 2025 counted 2 inspections and changed when the record was added.
    root = copy_site(tmp_path)
    (root / "content/councils/wakefield.yaml").write_text("name: Wakefield Council\nnation: england\n")
    (root / "content/services/wakefield-yjs.yaml").write_text(
        "name: Wakefield Youth Justice Service\nshort_name: Wakefield YJS\ncouncil: wakefield\n")
    (root / "content/inspections/wakefield-2025.yaml").write_text(
        "service: wakefield-yjs\nframework: hmip-youth-2025\ninspection_type: children-and-victims\n"
        "overall: {rating: Good}\n")
    corpus = check_site(root, AS_OF.date()).corpus
    compared = comparison(corpus, "derby-2025", dt.date(2025, 9, 24))
    assert (compared.inspected, compared.rated, compared.good) == (1, 1, 1)
    undated = comparison(corpus, "wakefield-2025", dt.date(2025, 10, 1))
    assert undated.inspected == 2                # its own, and Derby's, published in September 2025


WOLVERHAMPTON_ISSUE = dt.date(2022, 3, 10)      # five clear days before its Cabinet of 16 March 2022


@pytest.mark.pdf
def test_an_inspection_whose_record_gives_only_its_fieldwork_is_not_counted_as_published_by_a_papers_day(
        tmp_path):
    # helper-120: a record without its publication date counted as published at the end of its fieldwork,
    # so a Torbay inspection with fieldwork ending 14 January 2022 (its report, like Torbay's last, due
    # months later) was among the inspections "published by 10 March 2022" in Wolverhampton's Cabinet
    # paper, and adding that record later changed the paper issued on 10 March 2022. A note that it
    # was left out changed the paper too: an issued paper neither counts nor mentions such a record.
    root = copy_site(tmp_path / "site")
    report = root / "content/reports/wolverhampton-yot-inspection-outcome.md"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "[[ratings-table]]", "[[ratings-table]]\n\n[[national-comparison]]", 1), encoding="utf-8")
    from click.testing import CliRunner
    from generator.cli import cli

    def paper(name: str) -> bytes:
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "wolverhampton-yot-inspection-outcome",
                                          "-o", str(out)], obj={})
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    before = paper("before.pdf")
    # Inspected after the paper's day, so certainly not published by it: the paper is as issued.
    (root / "content/inspections/dudley-2022.yaml").write_text(
        "service: dudley-yos\nframework: hmip-youth-2021\nfieldwork: {from: 2022-04-04}\n"
        "overall: {rating: Inadequate}\n", encoding="utf-8")
    assert paper("later.pdf") == before
    (root / "content/inspections/torbay-2022.yaml").write_text(
        "service: torbay-yot\nframework: hmip-youth-2021\nfieldwork: {from: 2022-01-10, to: 2022-01-14}\n"
        "overall: {rating: Good}\n", encoding="utf-8")
    corpus = check_site(root, AS_OF.date()).corpus
    compared = comparison(corpus, "wolverhampton-2021", WOLVERHAMPTON_ISSUE)
    assert (compared.inspected, compared.undated) == (1, 0)    # Wolverhampton's own; Torbay's left out
    assert paper("after.pdf") == before
    text = flat(" ".join(pdf_texts(tmp_path / "after.pdf")))
    assert ("There is nothing to compare with yet: no other inspection under the HMIP youth inspection framework "
            "(2021 to 2024) records an overall rating; Wolverhampton YOT was rated Good.") in text
    assert "not counted" not in text and "no recorded date" not in text


@pytest.mark.pdf
def test_an_inspection_recorded_years_later_with_no_date_at_all_leaves_an_issued_pack_the_same_bytes(tmp_path):
    # The Wolverhampton Cabinet pack, issued on 10 March 2022 with [[national-comparison]] in its
    # report: a 2021-framework record added later with neither publication nor fieldwork date cannot
    # be placed in time, and the pack gained "1 inspection ... is not counted" and a page.
    root = copy_site(tmp_path / "site")
    report = root / "content/reports/wolverhampton-yot-inspection-outcome.md"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "[[ratings-table]]", "[[ratings-table]]\n\n[[national-comparison]]", 1), encoding="utf-8")
    from click.testing import CliRunner
    from generator.cli import cli

    def pack(name: str) -> bytes:
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["-C", str(root), "pack", "wolverhampton-cabinet-2022-03-16",
                                          "-o", str(out), "-j", "1"], obj={})
        assert result.exit_code == 0, result.output
        return out.read_bytes()

    before = pack("before.pdf")
    (root / "content/inspections/dudley-2023.yaml").write_text(
        "service: dudley-yos\nframework: hmip-youth-2021\noverall: {rating: Requires improvement}\n",
        encoding="utf-8")
    assert pack("after.pdf") == before
    text = flat(" ".join(pdf_texts(tmp_path / "after.pdf")))
    assert ("There is nothing to compare with yet: no other inspection under the HMIP youth inspection framework "
            "(2021 to 2024) records an overall rating") in text
    assert "not counted" not in text


def test_a_share_of_exactly_a_half_rounds_up_as_a_spreadsheet_and_a_reader_round_it(national):
    """As at 31 July 2024 the table's 2021-framework rows published by then (Doncaster and Bexley,
    12/07/24, the last) number 65, Portsmouth's with a footnote for its rating: 64 rated, 40 of
    them Good or Outstanding, 62.5%. Half a point rounds up (Excel's ROUND, and by hand): 63%.
    Python's round() halves to even and gave 62%."""
    corpus = check_site(national, AS_OF.date()).corpus
    compared = comparison(corpus, "wolverhampton-2021", dt.date(2024, 7, 31))
    assert (compared.inspected, compared.rated, compared.good, compared.good_share) == (65, 64, 40, "63%")
    assert "40 (63%) rated the service Good or Outstanding" in compared.sentence


def test_a_comparison_with_no_overall_rating_recorded_says_so_rather_than_a_share_of_none():
    # helper-43: with no rating recorded among those counted, the sentence printed "0 ()".
    corpus = check_site(REPO, AS_OF.date()).corpus
    derby = comparison(corpus, "derby-2025", dt.date(2025, 9, 24))
    unrated = dataclasses.replace(derby, view=types.SimpleNamespace(overall_rating=None), rated=0, good=0)
    assert unrated.sentence == ("No overall rating is recorded for the 1 inspection under the HMIP youth "
                                "justice inspection framework (from 2025) of the same kind as this one (an "
                                "inspection of youth justice work with children and victims); Derby YJS's overall "
                                "rating is not recorded.")


def test_a_service_inspected_twice_under_a_framework_is_counted_as_two_inspections(tmp_path):
    # The sentence and the page said "services inspected" while counting inspections: Torbay YOT
    # inspected in 2019 and again in 2021 under the 2018 framework made "4 services" of three.
    root = copy_site(tmp_path)
    (root / "content/inspections/torbay-2019.yaml").write_text(
        "service: torbay-yot\nframework: hmip-youth-2018\nfieldwork: {from: 2019-02}\npublished: 2019-05-01\n"
        "overall: {rating: Good}\n", encoding="utf-8")
    corpus = check_site(root, AS_OF.date()).corpus
    compared = comparison(corpus, "torbay-2021", dt.date(2021, 10, 6), paper=False)
    # Under the 2018 framework, as the report's page counts them (Sandwell's and Dudley's records give
    # no publication date, so a paper would leave them out): Sandwell (Good), Dudley (Requires
    # improvement), Torbay twice (Good, then Requires improvement): four inspections of three services,
    # two rated Good.
    assert (compared.inspected, compared.rated, compared.good) == (4, 4, 2)
    assert compared.sentence == ("Of the 4 inspections under the HMIP youth inspection framework (2018 to 2021), "
                                 "2 (50%) rated the service Good or Outstanding; Torbay YOT was rated Requires "
                                 "improvement.")
    build(root)
    text = visible_text((root / "output/site/national/index.html").read_text(encoding="utf-8"))
    assert "Inspections, by framework and year" in text and "services inspected" not in text.lower()
    assert ("2 inspections rated Good or Outstanding under HMIP youth inspection framework (2018 to 2021) of the 4 "
            "inspections whose overall rating is recorded (50%) rated the service Good or Outstanding.") in text


def test_the_comparison_table_heads_its_counts_inspections_as_its_sentence_counts_them(tmp_path):
    # helper-120: the table under "Of the 2 inspections ..." headed its column "Services", so Torbay YOT
    # inspected twice read as two services rated so.
    root = copy_site(tmp_path)
    (root / "content/inspections/torbay-2019.yaml").write_text(
        "service: torbay-yot\nframework: hmip-youth-2018\nfieldwork: {from: 2019-02}\npublished: 2019-05-01\n"
        "overall: {rating: Good}\n", encoding="utf-8")
    (root / "content/reports/torbay-national.md").write_text(REPORT, encoding="utf-8")
    build(root)
    page = (root / "output/site/reports/torbay-national/index.html").read_text(encoding="utf-8")
    head = re.search(r"inspections published by.*?<thead>(.*?)</thead>", page, re.S).group(1)
    assert flat(visible_text(head)) == "Overall rating Inspections Share"


def _with_wakefield_undated(root: Path) -> None:
    """Wakefield YJS 2025, Good, whose record gives neither publication nor fieldwork date."""
    (root / "content/councils/wakefield.yaml").write_text("name: Wakefield Council\nnation: england\n")
    (root / "content/services/wakefield-yjs.yaml").write_text(
        "name: Wakefield Youth Justice Service\nshort_name: Wakefield YJS\ncouncil: wakefield\n")
    (root / "content/inspections/wakefield-2025.yaml").write_text(
        "service: wakefield-yjs\nframework: hmip-youth-2025\ninspection_type: children-and-victims\n"
        "overall: {rating: Good}\n")


DERBY_REPORT = """---
council: derby
committee: Children, Young People and Skills Scrutiny Board
title: How our youth justice service compares
date: 2025-09-24
inspection: derby-2025
---
## Purpose

To compare Derby YJS's inspection with the others under the same framework.

[[national-comparison]]
"""


@pytest.mark.pdf
def test_the_report_s_page_counts_an_undated_inspection_as_the_national_page_does_and_a_paper_leaves_it_out(
        tmp_path):
    # helper-117: the block on the report's page left out Wakefield's undated inspection, which the
    # national page counts: 1 inspection under the 2025 framework against the page's 2.
    root = copy_site(tmp_path / "site")
    _with_wakefield_undated(root)
    (root / "content/reports/derby-national.md").write_text(DERBY_REPORT, encoding="utf-8")
    build(root, output=tmp_path / "out")
    web = flat(visible_text((tmp_path / "out/reports/derby-national/index.html").read_text(encoding="utf-8")))
    # Derby (Outstanding) and Wakefield (Good): both Good or better.
    assert ("Of the 2 inspections under the HMIP youth justice inspection framework (from 2025) of the same kind "
            "as this one (an inspection of youth justice work with children and victims), 2 (100%) rated "
            "the service Good or Outstanding; Derby YJS was rated Outstanding.") in web
    assert "including 1 whose record gives no date of publication, as on the national page" in web
    # The paper, as at 24 September 2025, cannot show Wakefield's was published by then: it leaves it
    # out without a word, since a note would change the paper when such a record is added later.
    from generator.cli import cli
    from click.testing import CliRunner
    paper = tmp_path / "paper.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "derby-national", "-o", str(paper)], obj={})
    assert result.exit_code == 0, result.output
    text = flat(" ".join(pdf_texts(paper)))
    assert ("There is nothing to compare with yet: no other inspection under the HMIP youth justice inspection "
            "framework (from 2025) of the same kind as this one (an inspection of youth justice work with children "
            "and victims) records an overall rating; Derby YJS was rated Outstanding.") in text
    # nor a table of Derby alone at 100%, which the page of two keeps
    assert "100%" not in text and "All inspected" not in text
    assert "All inspected 2" in web
    assert "no date of publication" not in text and "not counted" not in text


def test_the_not_compared_note_names_the_standards_no_inspection_rates_apart(tmp_path):
    # helper-117: Derby's 2025 record rates C1.1-C1.3 and V1 but not the organisational standards
    # O1-O3, which an inspection of work with children and victims does not rate (the framework's
    # `rates`); the note listed only the four, so a reader could think the other three compared.
    # helper-150: listed with the four as 'recorded at fewer than 10', they read as rated at a few.
    root = copy_site(tmp_path)
    build(root)
    for path in ("national/index.html", "standards/index.html"):
        text = flat(visible_text((root / "output/site" / path).read_text(encoding="utf-8")))
        assert ("Recorded at fewer than 10 inspections here, so not compared: Assessing; Planning; Delivery; "
                "V1 Work with victims. No inspection here records a rating of: Leadership and governance; "
                "Staffing; Partnerships and services.") in text, path


def shipped_key_questions(framework: str) -> Counter:
    """How many shipped records under `framework` give each key question's figure."""
    return Counter(number for record in SHIPPED.values() if record["framework"] == framework
                   for value in (record.get("standards") or {}).values() if isinstance(value, dict)
                   for number in (value.get("key_questions") or {}))


def test_the_standards_page_ranks_no_key_question_recorded_at_fewer_than_10_inspections(national):
    """The standards page ranked the 2018 framework's key questions by an average of Torbay's and
    Sandwell's figures alone, the only records under it that give any (the table gives none), where
    a standard needs 10 inspections recording it to be compared (docs/data.md)."""
    text = page(national, "standards/index.html")
    section = flat(visible_text(text[text.index('id="h-hmip-youth-2018"'):]))
    recorded = shipped_key_questions("hmip-youth-2018")
    assert recorded and max(recorded.values()) < 10
    assert "the key questions with the lowest average % yes" not in section
    assert "No key question of this framework has its figure recorded at 10 or more of the inspections here." in section
    named = re.search(r"Recorded at fewer than 10 inspections here, so not ranked: (.*?)\.(?: |$)", section).group(1)
    assert sorted(named.split(", ")) == sorted(recorded)


def test_a_key_question_recorded_at_10_inspections_is_ranked_and_one_at_9_is_named_as_not_ranked(tmp_path, make_site,
                                                                                                 run_cli):
    """Ten 2021 inspections give 2.1.1 (50%, 55% ... 95%: an average of 72.5%); nine of them give 2.1.2."""
    files = {}
    for index in range(10):
        questions = f'"2.1.1": {50 + 5 * index}' + ("" if index == 9 else ', "2.1.2": 40')
        files[f"inspections/torbay-{index}.yaml"] = (
            f"service: torbay-yot\nframework: hmip-youth-2021\npublished: 2023-{index + 1:02d}-01\n"
            f"overall: {{rating: Good}}\nstandards:\n  \"2.1\":\n    rating: Good\n"
            f"    key_questions: {{{questions}}}\n")
    root = make_site(tmp_path, files)
    assert run_cli("build", "--no-search", "--no-pdf", "-q", root=root).exit_code == 0
    text = flat(visible_text((root / "output/site/standards/index.html").read_text(encoding="utf-8")))
    weakest = text[text.index("Which key questions are weakest"):]
    assert re.search(r"Key question Average % yes Inspections 2\.1\.1 [^%]*? 72\.5% 10 Recorded at fewer", weakest)
    assert "Recorded at fewer than 10 inspections here, so not ranked: 2.1.2." in weakest
    assert "2.1.2 " not in weakest[:weakest.index("Recorded at fewer")]


# -- HMIP's 2025 kinds of inspection are counted apart -------------------------------------------

def _with_2025_inspections_of_both_kinds(root: Path) -> None:
    """Three more 2025 inspections beside Derby's (children and victims, Outstanding). The kinds and
    overall ratings are HMIP's (the framework file's sources): South Tees, an inspection of youth
    justice services, Good [4][5]; Darlington and Hounslow, inspections of youth justice work with
    children and victims, Requires improvement [10][12]. The months published are this test's own."""
    for cid, name, kind, rating, month in (
            ("south-tees", "South Tees", "full", "Good", "2025-07"),
            ("darlington", "Darlington", "children-and-victims", "Requires improvement", "2025-08"),
            ("hounslow", "Hounslow", "children-and-victims", "Requires improvement", "2025-08")):
        (root / f"content/councils/{cid}.yaml").write_text(f"name: {name} Council\nnation: england\n")
        (root / f"content/services/{cid}-yjs.yaml").write_text(
            f"name: {name} Youth Justice Service\nshort_name: {name} YJS\ncouncil: {cid}\n")
        (root / f"content/inspections/{cid}-2025.yaml").write_text(
            f"service: {cid}-yjs\nframework: hmip-youth-2025\ninspection_type: {kind}\npublished: {month}\n"
            f"overall: {{rating: {rating}}}\n")


def test_2025_overall_ratings_are_counted_and_compared_only_within_each_kind_of_inspection(tmp_path):
    # A full inspection's overall rating covers organisational delivery too; one of work with children
    # and victims does not, and HMIP publishes no count or comparison across the two. The page pooled
    # them: 2 of the 4 (50%) Good or Outstanding, and Derby (children and victims) 'rated higher' than
    # 3 inspections, one of them South Tees' full inspection.
    root = copy_site(tmp_path)
    _with_2025_inspections_of_both_kinds(root)
    build(root)
    text = page(root, "national/index.html")
    seen = flat(visible_text(text))
    # Children and victims: Derby Outstanding, Darlington and Hounslow Requires improvement.
    children_and_victims = ("HMIP youth justice inspection framework (from 2025): An inspection of youth justice work "
                            "with children and victims")
    assert (f"{children_and_victims} 1 inspection rated Good or Outstanding under {children_and_victims} of the 3 "
            "inspections whose overall rating is recorded (33%) rated the service Good or Outstanding.") in seen
    # Full: South Tees Good.
    full = "HMIP youth justice inspection framework (from 2025): An inspection of youth justice services"
    assert (f"{full} 1 inspection rated Good or Outstanding under {full} of the 1 inspection whose overall rating is "
            "recorded (100%) rated the service Good or Outstanding.") in seen
    assert "of the 4 inspections" not in seen
    assert "overall ratings are counted and compared only within each kind" in seen
    own = text[text.index('id="h-own"'):text.index('id="list"')]
    derby = html.unescape(visible_text(next(r for r in re.findall(r"<tr>.*?</tr>", own, re.S) if "Derby YJS" in r)))
    assert "3 inspections under" in derby and "1 rated Outstanding, Derby YJS's own inspection among them (33%)" in derby
    assert "2 rated lower than Derby YJS (67%)" in derby
    # every number still links to exactly the inspections it counts, now filtered by kind
    rows = list_rows(text)
    for filters, number in links(text):
        assert sum(kept(row, filters) for row in rows) == number, filters
    assert {r["kind"] for r in rows} == {"", "hmip-youth-2025:full", "hmip-youth-2025:children-and-victims"}
    # [[national-comparison]] as at 31 October 2025: Derby against the other two of its kind only
    compared = comparison(check_site(root, AS_OF.date()).corpus, "derby-2025", dt.date(2025, 10, 31))
    assert (compared.inspected, compared.rated, compared.good) == (3, 3, 1)
    assert compared.sentence == ("Of the 3 inspections under the HMIP youth justice inspection framework "
                                 "(from 2025) of the same kind as this one (an inspection of youth justice work "
                                 "with children and victims), 1 (33%) rated the service Good or Outstanding; "
                                 "Derby YJS was rated Outstanding.")

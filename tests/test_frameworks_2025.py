"""HMIP's 2025 youth framework as data, and records that say only what was published.

The 2025 framework has two kinds of inspection and no published scoring rule
(generator/frameworks/hmip-youth-2025.yaml); the older frameworks keep their rules. A record
may leave out whatever its source does not give: it is then *not recorded*, never "Not rated"
(which says the inspectorate rated nothing), and nothing is computed where no rule is published.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import subprocess
from pathlib import Path

import pytest

from generator.build import check_site
from generator.problems import Severity
from site_helpers import AS_OF

# Only what was published: an inspection of work with children and victims, its overall rating alone.
OVERALL_ONLY = """\
service: torbay-yot
framework: hmip-youth-2025
inspection_type: children-and-victims
published: 2026-01-01
overall: {rating: Requires improvement}
"""
# A full inspection, with the overall rating and some of its areas.
SOME_AREAS = """\
service: wolverhampton-yot
framework: hmip-youth-2025
inspection_type: full
published: 2026-02-01
overall: {rating: Good}
standards:
  O1: Good
  C1.2: Requires improvement
  C1.3: Outstanding
"""
# The 2021 framework: the overall rating and one standard, nothing more.
OLD_PARTIAL = """\
service: dudley-yos
framework: hmip-youth-2021
published: 2024-05-01
overall: {rating: Good}
standards:
  "2.2": Good
"""
SITE = {
    "councils/wolverhampton.yaml": "name: City of Wolverhampton Council\nnation: england\n",
    "councils/dudley.yaml": "name: Dudley Metropolitan Borough Council\nnation: england\n",
    "services/wolverhampton-yot.yaml": "name: Wolverhampton YOT\nshort_name: Wolverhampton YOT\ncouncil: wolverhampton\n",
    "services/dudley-yos.yaml": "name: Dudley YOS\nshort_name: Dudley YOS\ncouncil: dudley\n",
    "inspections/torbay-2026.yaml": OVERALL_ONLY,
    "inspections/wolverhampton-2026.yaml": SOME_AREAS,
    "inspections/dudley-2024.yaml": OLD_PARTIAL,
}


def text_of(page: Path) -> str:
    """A page's words as a reader sees them (tags and scripts dropped)."""
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())


@pytest.fixture(scope="module")
def built(tmp_path_factory, make_site, run_cli) -> Path:
    root = make_site(tmp_path_factory.mktemp("frameworks"), SITE)
    result = run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    return root / "output" / "site"


def problems_of(root: Path, path: str) -> list:
    return [p for p in check_site(root, AS_OF.date()).problems if p.path == f"content/{path}"]


def test_records_of_either_kind_with_only_what_was_published_check_with_no_error_and_no_warning(tmp_path, make_site):
    root = make_site(tmp_path, SITE)
    for path in ("inspections/torbay-2026.yaml", "inspections/wolverhampton-2026.yaml", "inspections/dudley-2024.yaml"):
        assert [p for p in problems_of(root, path) if p.severity is not Severity.NOTICE] == [], path


# HMIP prints no number for the three ratings of work with children nor for the organisational
# standards (https://hmiprobation.justiceinspectorates.gov.uk/news/new-youth-inspection-programme-framework
# says only "a single domain two standard"): C1.1-C1.3 and O1-O3 are record keys, never printed.
# The third is "delivery": "across assessing, planning, and delivery" (https://hmiprobation.
# justiceinspectorates.gov.uk/document/an-inspection-of-youth-justice-work-with-children-and-victims-in-derby-city-2025),
# "The delivery of services to children was rated 'Outstanding'" (https://www.wakefield.gov.uk/your-district/
# exceptional-delivery-earns-wakefield-youth-justice-service-national-praise); "implementation and delivery"
# was the 2018-2021 standard's. V1 is HMIP's (its key questions V1.1 and V1.2, https://why-me.org/2025/
# hmi-probation-how-youth-justice-services-can-meet-the-new-victims-standard/).
KEYS_NOT_HMIPS = ("C1.1", "C1.2", "C1.3", "O1", "O2", "O3", "Implementation and delivery")


@pytest.mark.pdf
@pytest.mark.parametrize("iid, on_page, in_paper, nowhere", [
    # the overall rating alone: the page names the areas, not recorded; the paper, only what is recorded
    ("torbay-2026", ["Overall rating Requires improvement", "Work with children Assessing Not recorded",
                     "Not recorded Planning Not recorded Delivery Not recorded",
                     "V1 Work with victims Not recorded",
                     "An inspection of youth justice work with children and victims"],
     ["Overall rating: Requires improvement",
      "No rating is recorded here for Work with children; Work with victims."],
     ["Leadership and governance", "Staffing"]),
    ("wolverhampton-2026", ["Overall rating Good", "Organisational delivery Leadership and governance Good",
                            "Assessing Not recorded Planning Requires improvement Delivery Outstanding",
                            "An inspection of youth justice services"],
     ["Overall rating: Good", "Leadership and governance Good", "Planning Requires improvement",
      "Delivery Outstanding"], []),
])
def test_a_2025_inspection_shows_the_ratings_given_by_name_and_nothing_computed(built, iid, on_page, in_paper,
                                                                             nowhere):
    page = text_of(built / f"inspections/{iid}/index.html")
    paper = pdf_text(built / f"inspections/{iid}/{iid}.pdf")
    for words in on_page:
        assert words in page, (iid, words)
    for words in in_paper:
        assert words in paper, (iid, words)
    for text in (page, paper):
        for words in ("score", "Score", "/36", "out of 36", "Not rated", "not rated", "advisory", "Computed",
                      *KEYS_NOT_HMIPS, *nowhere):
            assert words not in text, (iid, words)


@pytest.mark.pdf
def test_what_a_record_leaves_out_is_not_recorded_on_the_page_and_its_empty_domains_left_out_of_the_paper(built):
    page = text_of(built / "inspections/wolverhampton-2026/index.html")
    paper = pdf_text(built / "inspections/wolverhampton-2026/wolverhampton-2026.pdf")
    assert re.search(r"Good Staffing Not recorded", page) and re.search(r"V1 Work with victims Not recorded", page)
    # a domain with nothing recorded: its rows left out, and the paper says so, so that no reader takes
    # the domains shown for every one the inspection covered (helper-71)
    assert "V1 Work with victims" not in paper
    assert "No rating is recorded here for Work with victims." in paper
    assert re.search(r"Good Staffing Not recorded", paper)               # its domain has O1: listed, not recorded
    assert re.search(r"Delivery Outstanding", paper)


@pytest.mark.pdf
def test_the_findings_paper_s_source_note_names_only_what_it_prints(built):
    # It said "Ratings and key-question figures as published ... Summaries are in our own words"
    # of a paper with neither key-question figures nor summaries (helper-71).
    paper = pdf_text(built / "inspections/torbay-2026/torbay-2026.pdf")
    assert "Ratings as published by HM Inspectorate of Probation." in paper, paper[-600:]
    assert "key-question figures" not in paper and "Summaries are in our own words" not in paper
    # with no summary before it, the second sentence starts with a capital ('. the inspectorate's' read on)
    assert ("Ratings as published by HM Inspectorate of Probation. The inspectorate's report is the "
            "authoritative text.") in paper, paper[-600:]


@pytest.mark.pdf
def test_what_a_paper_s_ratings_table_leaves_out_is_said_in_its_caption(built):
    # The sentence followed the table as a paragraph of its own: a screen reader moving from table to
    # table heard the caption and the rows, never that Work with victims was left out, and a table
    # ending a page printed the sentence alone on the next (WCAG 1.3.1: the note belongs to the table).
    paper = pdf_text(built / "inspections/wolverhampton-2026/wolverhampton-2026.pdf")
    assert ("Wolverhampton YOT: ratings by domain and standard No rating is recorded here for Work with victims. "
            "Standard Published rating") in paper, paper[:1500]


def test_a_ratings_table_block_on_a_report_page_says_what_it_leaves_out_in_its_caption(tmp_path, make_site, run_cli):
    report = ("---\ncouncil: wolverhampton\nkind: scrutiny\ncommittee: Scrutiny board\ndate: 2026-03-01\n"
              "title: Inspection outcome\ninspection: wolverhampton-2026\nstatus: published\n---\n"
              "## The inspection\n\nThe ratings:\n\n[[ratings-table]]\n")
    root = make_site(tmp_path, {**SITE, "reports/wolverhampton-outcome.md": report})
    result = run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    page = (root / "output/site/reports/wolverhampton-outcome/index.html").read_text(encoding="utf-8")
    captions = [text_of_fragment(c) for c in re.findall(r"<caption[^>]*>(.*?)</caption>", page, re.S)]
    assert any(c.endswith("No rating is recorded here for Work with victims.") for c in captions), captions
    assert text_of_fragment(page).count("No rating is recorded") == 1        # there, and nowhere else


@pytest.mark.pdf
def test_a_2021_record_with_one_standard_builds_and_never_says_not_rated(built):
    page = text_of(built / "inspections/dudley-2024/index.html")
    paper = pdf_text(built / "inspections/dudley-2024/dudley-2024.pdf")
    assert re.search(r"2\.2 Planning Good", page) and re.search(r"2\.2 Planning Good", paper)
    assert "Not rated" not in page and "not rated" not in paper
    assert re.search(r"1\.1 Governance and leadership Not recorded", page)


def test_the_shipped_dudley_2019_inspection_no_longer_says_not_rated(tmp_path, run_cli):
    import shutil
    root = tmp_path / "site"
    shutil.copytree(Path(__file__).resolve().parent.parent / "content", root / "content")
    assert run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = text_of(root / "output/site/inspections/dudley-2019/index.html")
    assert "Not rated" not in page
    assert "1.1 Governance and leadership Not recorded" in page
    assert "Not rated" not in text_of(root / "output/site/standards/index.html")


@pytest.mark.parametrize("record, field, message, hint", [
    (OVERALL_ONLY + "standards:\n  C1.1: Outstnding\n", "standards.C1.1.rating", "'Outstnding' is not a rating",
     "did you mean 'Outstanding'?"),
    # The keys C1.1-C1.3 and O1-O3 are the framework file's, printed nowhere: a hint names each.
    (OVERALL_ONLY + "standards:\n  C9: Good\n", "standards.C9", "'C9' is not a standard of the hmip-youth-2025 framework",
     "this kind of inspection rates C1.1 (Assessing), C1.2 (Planning), C1.3 (Delivery), V1"),
    (OVERALL_ONLY + "standards:\n  O1: Good\n", "standards.O1",
     "'O1' is not rated in an inspection of youth justice work with children and victims",
     "it rates C1.1 (Assessing), C1.2 (Planning), C1.3 (Delivery), V1"),
    # A standard typed by the name the pages print, and a key question typed as a standard.
    (OVERALL_ONLY + "standards:\n  Assessing: Good\n", "standards.Assessing",
     "'Assessing' is not a standard of the hmip-youth-2025 framework", "did you mean 'C1.1' (Assessing)?"),
    (OVERALL_ONLY + "standards:\n  work with victims: Good\n", "standards.work with victims",
     "'work with victims' is not a standard of the hmip-youth-2025 framework", "did you mean 'V1' (Work with victims)?"),
    (OVERALL_ONLY + "standards:\n  V1.2: Good\n", "standards.V1.2",
     "'V1.2' is not a standard of the hmip-youth-2025 framework", "'V1.2' is a key question of V1"),
    # Assessing is rated from cases; the framework lists no key questions for it (none published).
    (OVERALL_ONLY + "standards:\n  C1.1:\n    rating: Good\n    key_questions: {C1.1.1: 80}\n",
     "standards.C1.1.key_questions.C1.1.1", "'C1.1.1' is not a key question of standard C1.1",
     "the framework lists no key questions for C1.1 (Assessing): give its rating"),
    (OVERALL_ONLY + "domains:\n  \"2\": {summary: Strong.}\n", "domains.2",
     "'2' is not a domain of the hmip-youth-2025 framework",
     "its domains are O (Organisational delivery), C (Work with children), V (Work with victims)"),
    (OVERALL_ONLY.replace("children-and-victims", "fulll"), "inspection_type",
     "'fulll' is not a kind of inspection of the hmip-youth-2025 framework", "did you mean 'full'?"),
    (OVERALL_ONLY.replace("inspection_type: children-and-victims\n", ""), "framework",
     "a hmip-youth-2025 inspection says which kind it is: 'inspection_type:' is one of children-and-victims, full",
     "children-and-victims: An inspection of youth justice work with children and victims"),
    (OVERALL_ONLY.replace("overall: {rating: Requires improvement}", "overall: {rating: Good, score: 94.44%}"),
     "overall.score", "the hmip-youth-2025 framework publishes no score", "give the rating only"),
])
def test_mistakes_in_a_2025_record_are_errors_at_their_line_with_a_hint(tmp_path, make_site, record, field, message,
                                                                      hint):
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": record})
    errors = [p for p in problems_of(root, "inspections/torbay-2026.yaml") if p.severity is Severity.ERROR]
    assert [(p.field, p.message) for p in errors] == [(field, message)]
    assert hint in errors[0].hint and errors[0].line > 0
    line = record.splitlines()[errors[0].line - 1]
    assert field.split(".")[-1] in line or field.split(".")[-2] in line, line


OVERALL_ONLY_2021 = """\
service: dudley-yos
framework: hmip-youth-2021
published: 2024-05-01
overall: {rating: Outstanding, score: SCORE}
"""


def test_a_score_given_as_a_percentage_is_the_whole_score_it_stands_for(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {**SITE, "inspections/dudley-2024.yaml": OVERALL_ONLY_2021.replace("SCORE", "94.44%")})
    assert [p for p in problems_of(root, "inspections/dudley-2024.yaml") if p.severity is not Severity.NOTICE] == []
    view = check_site(root, AS_OF.date()).corpus.inspections["dudley-2024"]
    assert (view.overall_score, view.max_score) == (34, 36)          # 34 / 36 = 94.44%
    assert run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    assert "(score 34 out of 36)" in text_of(root / "output/site/inspections/dudley-2024/index.html")


def test_a_percentage_that_is_no_whole_score_is_an_error_with_a_hint(tmp_path, make_site):
    root = make_site(tmp_path, {**SITE, "inspections/dudley-2024.yaml": OVERALL_ONLY_2021.replace("SCORE", "50.5%")})
    [error] = [p for p in problems_of(root, "inspections/dudley-2024.yaml") if p.severity is Severity.ERROR]
    assert (error.line, error.field) == (4, "overall.score")
    assert error.message == "50.5% of 36 is 18.18, not a whole score"
    assert "34 is 94.44%" in error.hint


def test_not_rated_is_shown_only_where_the_record_says_the_inspectorate_did_not_rate(tmp_path, make_site, run_cli):
    record = OVERALL_ONLY_2021.replace(", score: SCORE", "") + "separately_rated:\n  resettlement: not rated\n"
    root = make_site(tmp_path, {**SITE, "inspections/dudley-2024.yaml": record})
    assert run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = text_of(root / "output/site/inspections/dudley-2024/index.html")
    assert "4.1 Resettlement policy and provision Not rated" in page
    assert page.count("Not rated") == 1


def test_the_standards_page_keeps_each_framework_apart(built):
    page = (built / "standards/index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section aria-labelledby="h-(hmip-youth-\d+)">(.*?)</section>', page, re.S)
    by_framework = dict(sections)
    assert set(by_framework) == {"hmip-youth-2021", "hmip-youth-2025"}
    # a 2025 'Planning' is not a 2021 '2.2 Planning': each table names its own framework's standards,
    # the 2025 ones by name alone (their keys are not HMIP's numbers: KEYS_NOT_HMIPS)
    assert '<th scope="col">Planning</th>' in by_framework["hmip-youth-2025"]
    assert '2.2<span class="visually-hidden"> Planning</span>' in by_framework["hmip-youth-2021"]
    assert "C1.2" not in by_framework["hmip-youth-2021"] and ">2.2<" not in by_framework["hmip-youth-2025"]
    for key in KEYS_NOT_HMIPS:
        assert key not in text_of_fragment(by_framework["hmip-youth-2025"]), key
    # which standards are weakest: one inspection rates each, fewer than the national page's 10,
    # so none is ranked; each is named under its own framework only
    weakest_2025 = text_of_fragment(by_framework["hmip-youth-2025"])
    weakest_2021 = text_of_fragment(by_framework["hmip-youth-2021"])
    assert "No standard of this framework has its rating recorded at 10 or more" in weakest_2025
    # every standard of the framework, in its order: those some record rates (Wolverhampton's O1, C1.2 and
    # C1.3; Dudley's 2.2) apart from those no record here rates, which were never rated at a few
    assert ("fewer than 10 inspections here, so not compared: Leadership and governance; Planning; Delivery. "
            "No inspection here records a rating of: Staffing; Partnerships and services; Assessing; "
            "V1 Work with victims.") in weakest_2025
    assert ("fewer than 10 inspections here, so not compared: 2.2 Planning. No inspection here records a rating "
            "of: 1.1 Governance and leadership; 1.2 Staff; 1.3 Partnerships and services; 1.4 Information and "
            "facilities; 2.1 Assessment; 2.3 Implementation and delivery; 2.4 Reviewing; 3.1 Assessment; 3.2 "
            "Planning; 3.3 Implementation and delivery; 3.4 Out-of-court disposal policy and provision.") in weakest_2021
    assert "1 of 1" not in weakest_2025 and "of 1" not in weakest_2021


def text_of_fragment(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_data_files_say_each_inspection_s_framework_and_kind(built):
    data = {i["id"]: i for i in json.loads((built / "data/inspections.json").read_text())["inspections"]}
    assert (data["torbay-2026"]["framework"], data["torbay-2026"]["inspection_type"]) == \
        ("hmip-youth-2025", "children-and-victims")
    assert (data["wolverhampton-2026"]["inspection_type"], data["dudley-2024"]["inspection_type"]) == ("full", None)
    assert data["torbay-2026"]["overall"]["max_score"] is None and data["dudley-2024"]["overall"]["max_score"] == 36
    rows = list(csv.DictReader(io.StringIO((built / "data/ratings.csv").read_text(encoding="utf-8-sig"))))
    wolverhampton = {r["standard"]: r for r in rows if r["inspection"] == "wolverhampton-2026"}
    assert set(wolverhampton) == {"O1", "O2", "O3", "C1.1", "C1.2", "C1.3", "V1"}
    assert {r["framework"] for r in wolverhampton.values()} == {"hmip-youth-2025"}
    assert {r["inspection_type"] for r in wolverhampton.values()} == {"full"}
    assert (wolverhampton["C1.2"]["published_rating"], wolverhampton["V1"]["published_rating"]) == \
        ("Requires improvement", "")
    assert all(r["computed_rating_advisory"] == "" and r["overall_score"] == "" for r in wolverhampton.values())
    # The 2025 framework publishes no score, so no standard counts in one (helper-32).
    assert {r["counted_in_score"] for r in wolverhampton.values()} == {"no"}
    assert {s["counted_in_score"] for s in data["wolverhampton-2026"]["standards"]} == {False}
    dudley = [r for r in rows if r["inspection"] == "dudley-2024"]
    assert dudley and {r["standard"] for r in dudley if r["counted_in_score"] != "yes"} <= {"4.1"}   # resettlement
    torbay = [r for r in rows if r["inspection"] == "torbay-2026"]
    assert {r["standard"] for r in torbay} == {"C1.1", "C1.2", "C1.3", "V1"}


def test_a_new_2025_inspection_scaffold_checks_clean_once_its_overall_rating_is_filled(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, SITE)
    made = run_cli("new", "inspection", "torbay-2027", "--framework", "hmip-youth-2025", "--type",
                   "children-and-victims", "--service", "torbay-yot", root=root)
    assert made.exit_code == 0, made.output
    path = root / "content/inspections/torbay-2027.yaml"
    text = path.read_text(encoding="utf-8")
    for standard in ('"C1.1":', '"C1.2":', '"C1.3":', '"V1":'):
        assert standard in text
    assert '"O1":' not in text and "score:" not in text        # a kind of inspection with no organisational ratings, no score
    path.write_text(re.sub(r"^(  rating:)( *#.*)?$", r"\1 Good", text, count=1, flags=re.M), encoding="utf-8")
    checked = run_cli("check", "--strict", root=root)
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.output


def test_a_new_2025_inspection_says_assessing_is_rated_from_its_cases_and_work_with_victims_from_its_key_questions(
        tmp_path, make_site, run_cli):
    # The framework lists no key questions for Assessing, Planning or Delivery: the note said it had some.
    root = make_site(tmp_path, SITE)
    assert run_cli("new", "inspection", "torbay-2027", "--service", "torbay-yot", root=root).exit_code == 0
    notes = {line.split(":")[0].strip(): line.split("#", 1)[1].strip()
             for line in (root / "content/inspections/torbay-2027.yaml").read_text(encoding="utf-8").splitlines()
             if re.match(r'  "(C1\.\d|V1)":', line)}
    assert notes == {'"C1.1"': "Assessing (rated from its cases)", '"C1.2"': "Planning (rated from its cases)",
                     '"C1.3"': "Delivery (rated from its cases)", '"V1"': "Work with victims (rated from its key questions)"}


def test_scrutiny_new_inspection_is_on_the_current_framework_by_default(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, SITE)
    made = run_cli("new", "inspection", "torbay-2027", "--service", "torbay-yot", root=root)
    assert made.exit_code == 0, made.output
    text = (root / "content/inspections/torbay-2027.yaml").read_text(encoding="utf-8")
    assert "framework: hmip-youth-2025" in text and "inspection_type: children-and-victims" in text
    assert "--type full" in made.stderr


def test_the_shipped_derby_inspection_is_outstanding_in_every_area_it_was_rated_in(tmp_path):
    root = Path(__file__).resolve().parent.parent
    view = check_site(root, AS_OF.date()).corpus.inspections["derby-2025"]
    assert (view.framework_id, view.inspection_type, view.overall_rating.value) == \
        ("hmip-youth-2025", "children-and-victims", "Outstanding")
    # the keys the record gives; what pages and papers print (KEYS_NOT_HMIPS above)
    assert [(s.number, s.label, s.published.value) for s in view.standards] == [
        ("C1.1", "Assessing", "Outstanding"), ("C1.2", "Planning", "Outstanding"),
        ("C1.3", "Delivery", "Outstanding"), ("V1", "V1 Work with victims", "Outstanding")]
    assert view.max_score is None and view.computed_overall is None


def test_an_action_plan_imports_against_a_2025_inspection_s_recommendations(tmp_path, make_site, run_cli):
    from test_import import save, torbay_workbook
    record = OVERALL_ONLY + "recommendations:\n  - to: The YJS Management Board\n    items: [one, two, three]\n"
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": record})
    source = save(torbay_workbook(), tmp_path / "plan.xlsx")
    result = run_cli("import", "action-plan", str(source), "--inspection", "torbay-2026", "--id", "torbay-2026-plan",
                     "--as-of", "2026-06-30", root=root)
    assert result.exit_code == 0, result.output
    checked = check_site(root, AS_OF.date())
    assert [p for p in checked.problems if p.severity is Severity.ERROR] == []
    plan = checked.corpus.action_plans["torbay-2026-plan"]
    assert (plan.inspection_id, len(plan.actions)) == ("torbay-2026", 5)
    # none of the sheet's actions names a recommendation yet: each of the three is said to be unanswered
    unanswered = [p.message for p in checked.problems if "is answered by no action" in p.message]
    assert len(unanswered) == 3 and "torbay-2026 recommendation 1 (The YJS Management Board)" in unanswered[0]


FRAMEWORK = """name: A council's own framework
inspectorate: HM Inspectorate of Probation
ratings: {Inadequate: 0, Requires improvement: 1, Good: 2, Outstanding: 3}
overall_bands: {Requires improvement: 2, Good: 4, Outstanding: 6}
domains:
  - number: "C"
    name: Work with children
    standards:
      - {number: "C1.1", name: Assessing, case_based: true}
      - {number: "C1.2", name: Planning, case_based: true}
inspection_types:
  - id: children
    name: An inspection of work with children
    rates: [C1.1, C9.9]
"""


@pytest.mark.parametrize("changed, line, message", [
    (FRAMEWORK, 12, "inspection_types: inspection type 'children' rates C9.9, which is not a standard of this "
                    "framework"),
    (FRAMEWORK.replace("ratings: {Inadequate: 0, Requires improvement: 1, Good: 2, Outstanding: 3}\n", "")
     .replace("C9.9", "C1.2"), 3,
     "overall_bands: overall_bands are bands of a total score: give 'ratings:' (the points of each rating) too"),
])
def test_a_frameworks_own_mistakes_are_errors_at_their_line(tmp_path, make_site, run_cli, changed, line, message):
    """content-format.md: a kind's `rates` must name standards of the framework, and
    `overall_bands` need `ratings`: either mistake is an error at its line (helper-47: both were
    at 1:1, and the second's message garbled)."""
    root = make_site(tmp_path, {"frameworks/own-2026.yaml": changed})
    result = run_cli("check", root=root)
    assert result.exit_code == 1
    assert re.search(rf"content/frameworks/own-2026\.yaml:{line}:\d+: error: {re.escape(message)}", result.output), \
        result.output


# Wakefield YJS's 2025 inspection as its sources give it: overall Good (HMIP's report,
# https://hmiprobation.justiceinspectorates.gov.uk/document/an-inspection-of-youth-justice-work-with-children-and-victims-in-wakefield-2025),
# delivery Outstanding and victims Good (Wakefield Council's news of 9 September 2025,
# https://www.wakefield.gov.uk/your-district/exceptional-delivery-earns-wakefield-youth-justice-service-national-praise).
# Neither gives the day or month of publication, nor the fieldwork: so no date is recorded.
UNDATED = """\
service: wakefield-yjs
framework: hmip-youth-2025
inspection_type: children-and-victims
overall: {rating: Good}
standards:
  C1.3: Outstanding
  V1: Good
"""
UNDATED_SITE = {**SITE, "councils/wakefield.yaml": "name: Wakefield Council\nnation: england\n",
                "services/wakefield-yjs.yaml": "name: Wakefield Youth Justice Service\nshort_name: Wakefield YJS\n"
                                               "council: wakefield\n",
                "inspections/wakefield-2025.yaml": UNDATED}


@pytest.mark.pdf
def test_an_inspection_whose_record_gives_no_date_is_dated_nowhere(tmp_path, make_site, run_cli):
    """Only what was published: a record with neither publication nor fieldwork was counted on the
    national page 'in 1900' (a column of its own), dated 1900-01-01 in feed.xml and its findings
    paper's CreationDate: the sort key's stand-in, printed as a fact (helper-71)."""
    import pikepdf
    root = make_site(tmp_path, UNDATED_SITE)
    assert run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    site = root / "output" / "site"
    national = (site / "national/index.html").read_text(encoding="utf-8")
    assert "1900" not in text_of(site / "national/index.html") and "1900" not in (site / "feed.xml").read_text()
    assert "year=1900" not in national and 'value="1900"' not in national and 'data-year="1900"' not in national
    assert '<th scope="col">Year not recorded</th>' in national
    assert re.search(r'\?framework=hmip-youth-2025&amp;year=not\+recorded#list">1<', national)
    assert 'data-year="not recorded"' in national
    assert "wakefield-2025" not in (site / "feed.xml").read_text(encoding="utf-8")
    with pikepdf.open(site / "inspections/wakefield-2025/wakefield-2025.pdf") as pdf:
        assert "/CreationDate" not in pdf.trailer.Info
        assert b"CreateDate" not in pdf.Root.Metadata.read_bytes()
    assert "Overall rating: Good" in pdf_text(site / "inspections/wakefield-2025/wakefield-2025.pdf")


def test_a_list_sorts_an_inspection_whose_record_gives_no_date_first_by_a_key_that_is_no_date(
        tmp_path, make_site, run_cli):
    """The lists' Published column sorted Wakefield's undated inspection by data-value="1900-01-01", a
    day no source gives, in the page's source. Its key now says the date is not recorded, and still
    sorts before every day, as table.js compares keys (as text, lower-cased): where it sorted before."""
    root = make_site(tmp_path, UNDATED_SITE)
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    for listing in ("national/index.html", "inspections/index.html"):
        raw = (root / "output" / "site" / listing).read_text(encoding="utf-8")
        assert "1900" not in raw, listing
        rows = re.findall(r"<tr[ >].*?</tr>", raw[raw.index("<tbody>", raw.index('class="table sortable"')):], re.S)
        # a row's first cell with a data-value is its Published one
        published = {re.search(r'inspections/([\w-]+)/index\.html', row)[1]:
                     re.search(r'<td data-value="([^"]*)">', row)[1] for row in rows}
        undated = published.pop("wakefield-2025")
        assert undated == "0 date not recorded", listing
        assert published and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", key) and undated.lower() < key.lower()
                                 for key in published.values()), listing


def test_an_inspection_with_no_date_is_titled_by_what_its_record_gives(tmp_path, make_site, run_cli):
    """'Wakefield YJS inspection, date not recorded' was true but told two such inspections of one
    service apart by nothing: the title says the kind of inspection the record gives (HMIP's name for
    it, the framework file's), else its framework, never a year the record does not give (helper-150)."""
    undated_2021 = "service: dudley-yos\nframework: hmip-youth-2021\noverall: {rating: Good}\n"
    root = make_site(tmp_path, {**UNDATED_SITE, "inspections/dudley-undated.yaml": undated_2021})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    site = root / "output" / "site"
    titles = {i["id"]: i["title"] for i in json.loads((site / "data/inspections.json").read_text())["inspections"]}
    assert titles["wakefield-2025"] == \
        "Wakefield YJS: an inspection of youth justice work with children and victims, date not recorded"
    assert titles["dudley-undated"] == \
        "Dudley YOS inspection under the HMIP youth inspection framework (2021 to 2024), date not recorded"
    assert titles["dudley-2024"] == "Dudley YOS inspection, May 2024"          # a dated one keeps its month
    assert "<h1>Wakefield YJS: an inspection of youth justice work with children and victims, date not recorded" \
        in (site / "inspections/wakefield-2025/index.html").read_text(encoding="utf-8")


def test_the_national_page_names_the_2025_standards_without_the_keys_records_use(built):
    page = (built / "national/index.html").read_text(encoding="utf-8")
    words = text_of(built / "national/index.html")
    for key in ("C1.1", "C1.2", "C1.3", "O1", "O2", "O3"):          # KEYS_NOT_HMIPS, but for 2021's own name
        assert key not in words, key
    # the filter offers each by name; its value is the record's key, which a reader never sees
    assert '<option value="hmip-youth-2025:C1.3">Delivery, HMIP youth justice inspection framework (from 2025)' \
        in page
    assert ("so not compared: Leadership and governance; Planning; Delivery. No inspection here records a rating "
            "of: Staffing; Partnerships and services; Assessing; V1 Work with victims.") in words


def test_whether_a_standard_s_number_is_printed_is_the_framework_s_data(tmp_path, make_site):
    own = FRAMEWORK.replace("rates: [C1.1, C9.9]", "rates: [C1.1, C1.2]").replace(
        "{number: \"C1.1\", name: Assessing, case_based: true}",
        "{number: \"C1.1\", name: Assessing, case_based: true, published_number: false}")
    record = ("service: torbay-yot\nframework: own-2026\ninspection_type: children\npublished: 2026-01-01\n"
              "overall: {rating: Good}\nstandards: {C1.1: Good, C1.2: Good}\n")
    root = make_site(tmp_path, {"frameworks/own-2026.yaml": own, "inspections/torbay-2026.yaml": record})
    checked = check_site(root, AS_OF.date())
    assert [p for p in checked.problems if p.severity is Severity.ERROR] == []
    view = checked.corpus.inspections["torbay-2026"]
    assert [(s.number, s.shown_number, s.label) for s in view.standards] == [
        ("C1.1", "", "Assessing"), ("C1.2", "C1.2", "C1.2 Planning")]


# A full 2025 inspection of which only the three ratings of work with children were found: no
# overall rating, no organisational or victims' rating, no recommendations, no key-question
# figures. A report and an action plan draw on it. Everything it leaves out is not recorded.
CHILDREN_ONLY = """\
service: torbay-yot
framework: hmip-youth-2025
inspection_type: full
published: 2025-10-01
standards:
  C1.1: Good
  C1.2: Requires improvement
  C1.3: Good
"""
CHILDREN_ONLY_REPORT = """\
---
council: torbay
kind: scrutiny
committee: Children's scrutiny committee
date: 2025-11-12
title: Youth justice inspection outcome
inspection: torbay-2025
status: published
---
## Ratings

[[ratings-table]]

## Recommendations

[[recommendations]]

## Key questions

[[key-questions]]
"""
# The 2021 framework, court work's domain alone, and of 2.1's three key questions only the first's figure
# (3 of 4, 75%): 2.1's lowest key question is not known, so no figure stands as it.
ONE_KEY_QUESTION = """\
service: dudley-yos
framework: hmip-youth-2021
published: 2023-06-07
overall: {rating: Good}
standards:
  "2.1":
    rating: Good
    key_questions:
      "2.1.1": {yes: 3, of: 4}
  "2.2": Good
  "2.3": Good
  "2.4": Good
"""
ONE_KEY_QUESTION_REPORT = CHILDREN_ONLY_REPORT.replace("council: torbay", "council: dudley").replace(
    "inspection: torbay-2025", "inspection: dudley-2023")
# Its plan, one action with neither a due date nor an update.
CHILDREN_ONLY_PLAN = """\
inspection: torbay-2025
title: Improvement plan
actions:
  - id: A1
    action: Review the quality of planning
"""
CHILDREN_ONLY_SITE = {
    "site.yaml": "title: Test Inspections\norganisation: Test Council\nbase_url: https://example.org/\n",
    "inspections/torbay-2025.yaml": CHILDREN_ONLY,
    "reports/torbay-outcome.md": CHILDREN_ONLY_REPORT.replace(
        "inspection: torbay-2025\n", "inspection: torbay-2025\naction_plan: torbay-2025-plan\n") + (
        "\n## The action plan\n\n[[action-plan-summary]]\n"),
    "action-plans/torbay-2025-plan.yaml": CHILDREN_ONLY_PLAN,
    "councils/dudley.yaml": SITE["councils/dudley.yaml"],
    "services/dudley-yos.yaml": SITE["services/dudley-yos.yaml"],
    "inspections/dudley-2023.yaml": ONE_KEY_QUESTION,
    "reports/dudley-outcome.md": ONE_KEY_QUESTION_REPORT,
}


@pytest.fixture(scope="module")
def children_only(tmp_path_factory, make_site, run_cli) -> Path:
    root = make_site(tmp_path_factory.mktemp("children-only"), CHILDREN_ONLY_SITE)
    result = run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    return root / "output" / "site"


def test_the_feed_says_an_overall_rating_the_record_does_not_give_is_not_recorded(children_only):
    """Only what was published: the feed's summary said 'Overall rating: not known', the one place
    an unknown was not called what every page and data file calls it."""
    import xml.etree.ElementTree as ET
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((children_only / "feed.xml").read_bytes())
    summaries = {e.find(f"{atom}id").text: e.find(f"{atom}summary").text for e in feed.iter(f"{atom}entry")}
    assert summaries["tag:scrutiny,2021:inspection:torbay-2025"] == "Overall rating: not recorded"


@pytest.mark.pdf
def test_a_report_s_recommendations_block_says_so_when_the_inspection_s_recommendations_are_not_recorded(
        children_only):
    """Only what was published: [[recommendations]] drew nothing, so the paper's 'Recommendations'
    section stood empty, as if the inspectorate had made none."""
    page = text_of(children_only / "reports/torbay-outcome/index.html")
    paper = pdf_text(children_only / "reports/torbay-outcome/torbay-outcome.pdf")
    for text in (page, paper):
        assert re.search(r"Recommendations The inspection's recommendations are not recorded here\.", text), text


@pytest.mark.pdf
def test_a_report_s_key_questions_table_says_so_when_no_key_question_figure_is_recorded(children_only):
    """Only what was published: [[key-questions]] of an inspection with no key-question figures
    printed a table of headings over no rows. It stays a table, so that the tables after it keep
    the numbers `scrutiny check` counted for the text's citations."""
    page = text_of(children_only / "reports/torbay-outcome/index.html")
    paper = pdf_text(children_only / "reports/torbay-outcome/torbay-outcome.pdf")
    for text, number in ((page, ""), (paper, "Table 2: ")):     # the paper numbers its tables
        assert re.search(rf"{number}Key questions: % yes Key question % yes "
                         r"No key-question figures are recorded for this inspection\.", text), text


@pytest.mark.pdf
def test_a_standard_s_lowest_key_question_is_not_recorded_while_one_of_its_key_questions_is_not(children_only):
    """Only what was published: HMIP rates a standard by its lowest key question, and with 2.1.2 and
    2.1.3 not recorded 2.1's lowest is not known; the data files and [[key-questions]] gave 75, the
    lowest of the figures recorded, as its lowest key question."""
    data = json.loads((children_only / "data/inspections.json").read_text(encoding="utf-8"))
    inspection = next(i for i in data["inspections"] if i["id"] == "dudley-2023")
    standard = next(s for s in inspection["standards"] if s["number"] == "2.1")
    assert [q["percent"] for q in standard["key_questions"]] == [75, None, None]        # the figure itself stays
    assert standard["lowest_key_question_percent"] is None
    rows = csv.DictReader(io.StringIO((children_only / "data/ratings.csv").read_text(encoding="utf-8-sig")))
    assert [r["lowest_key_question_percent"] for r in rows
            if (r["inspection"], r["standard"]) == ("dudley-2023", "2.1")] == [""]
    page = text_of(children_only / "reports/dudley-outcome/index.html")
    paper = pdf_text(children_only / "reports/dudley-outcome/dudley-outcome.pdf")
    for text in (page, paper):
        assert "Lowest key question 2.1 Assessment not recorded" in text, text
        assert "75%" not in text


@pytest.mark.pdf
def test_a_report_s_action_plan_summary_says_a_due_date_the_plan_does_not_give_is_not_recorded(children_only):
    """Only what was published: the summary's Due cell was left empty beside a status 'Not recorded',
    as if the action had no deadline."""
    page = text_of(children_only / "reports/torbay-outcome/index.html")
    paper = pdf_text(children_only / "reports/torbay-outcome/torbay-outcome.pdf")
    for text in (page, paper):
        assert "Action Due Status A1: Review the quality of planning not recorded Not recorded" in text, text


def test_inspections_json_gives_recommendations_not_recorded_as_null_not_an_empty_list(children_only):
    """Only what was published: an empty list said the inspectorate made no recommendation; the
    record gives none, so they are not recorded, null as every other field not recorded is."""
    data = json.loads((children_only / "data/inspections.json").read_text(encoding="utf-8"))
    inspection = next(i for i in data["inspections"] if i["id"] == "torbay-2025")
    assert inspection["recommendations"] is None
    assert inspection["published"] == "2025-10-01" and inspection["fieldwork"] is None


def test_a_domain_whose_findings_the_record_leaves_empty_has_no_heading_over_nothing(tmp_path, make_site, run_cli):
    # `scrutiny new inspection` writes every domain with an empty summary and empty lists; one
    # left so printed the domain's heading ("Work with victims") with nothing under it.
    record = UNDATED + ('domains:\n  "C":\n    summary: Practitioners knew their children well.\n'
                        '  "V":\n    summary:\n    strengths: []\n    areas_for_improvement: []\n')
    root = make_site(tmp_path, {**UNDATED_SITE, "inspections/wakefield-2025.yaml": record})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = (root / "output/site/inspections/wakefield-2025/index.html").read_text(encoding="utf-8")
    headings = [text_of_fragment(h) for h in re.findall(r"<h2\b[^>]*>(.*?)</h2>", page, flags=re.S)]
    assert "Work with children" in headings
    assert "Work with victims" not in headings


def test_the_about_page_tells_a_2025_inspection_s_reader_there_is_no_score(tmp_path, make_site, run_cli):
    # The about page said, in the present tense, that a service is rated in three domains and
    # scored out of 36: true of the 2018 and 2021 frameworks only (hmip-youth-2025.yaml: no score).
    root = make_site(tmp_path, SITE)
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = (root / "output/site/about/index.html").read_text(encoding="utf-8")
    sections = {text_of_fragment(h): text_of_fragment(body) for h, body in
                re.findall(r"<h2\b[^>]*>(.*?)</h2>(.*?)(?=<h2\b)", page, flags=re.S)}
    from_2025 = sections["How HM Inspectorate of Probation rates a youth justice service, from 2025"]
    assert "assessing, planning and delivery" in from_2025 and "work with victims" in from_2025
    assert "publishes no score" in from_2025 and "36" not in from_2025
    assert "0 to 36" in sections["How it rated a service from 2018 to 2024"]


# Both of V1's key questions with figures: V1.1 7 of 12 (58.3%), V1.2 10 of 12 (83.3%).
VICTIMS_FIGURES = CHILDREN_ONLY.replace("  C1.3: Good\n", """\
  C1.3: Good
  V1:
    rating: Requires improvement
    key_questions:
      V1.1: {yes: 7, of: 12}
      V1.2: {yes: 10, of: 12}
""")


@pytest.mark.pdf
def test_a_2025_standard_has_no_lowest_key_question_as_no_published_rule_rates_it_by_one(tmp_path, make_site,
                                                                                      run_cli):
    """Only what was published: HMIP rates a 2018 or 2021 standard by its lowest key question (its
    published bands, docs' "Ratings explained"); it publishes no such rule for 2025 (hmip-youth-2025.yaml:
    no bands). The data files gave V1's lowest, 58.3, as a figure of the standard, and [[key-questions]]
    printed it under "Lowest key question", a 2018-2021 label on a 2025 paper."""
    root = make_site(tmp_path, {**CHILDREN_ONLY_SITE, "inspections/torbay-2025.yaml": VICTIMS_FIGURES})
    assert run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    site = root / "output" / "site"
    data = json.loads((site / "data/inspections.json").read_text(encoding="utf-8"))
    v1 = next(s for i in data["inspections"] if i["id"] == "torbay-2025" for s in i["standards"] if s["number"] == "V1")
    assert [q["percent"] for q in v1["key_questions"]] == pytest.approx([700 / 12, 1000 / 12])   # figures stay
    assert v1["lowest_key_question_percent"] is None
    rows = csv.DictReader(io.StringIO((site / "data/ratings.csv").read_text(encoding="utf-8-sig")))
    assert [r["lowest_key_question_percent"] for r in rows if (r["inspection"], r["standard"]) == ("torbay-2025", "V1")] \
        == [""]
    page = text_of(site / "reports/torbay-outcome/index.html")
    paper = pdf_text(site / "reports/torbay-outcome/torbay-outcome.pdf")
    for text, number in ((page, ""), (paper, "Table 2: ")):
        assert "Lowest key question" not in text
        assert re.search(rf"{number}Key questions: % yes Key question % yes "
                         r"V1\.1 Is work with victims high-quality, individualised, and responsive\? 58\.3% "
                         r"V1\.2 Do organisational arrangements and activity drive quality, ", text), text
    assert ("V1.2 Do organisational arrangements and activity drive quality, individualised, and responsive "
            "service for victims? (judged from the service's arrangements, not from victims' cases) 83.3%") in page
    assert "83.3%" in paper                      # the paper wraps the question's text around its figure
    # the 2021 framework keeps its rule: Dudley's 2.1 is still shown by its lowest key question
    assert "Lowest key question 2.1 Assessment not recorded" in text_of(site / "reports/dudley-outcome/index.html")


def test_a_service_s_score_chart_does_not_call_its_scored_inspections_each_inspection(tmp_path, make_site, run_cli):
    """Only what was published: the 2025 framework publishes no score, so Torbay's 2025 inspection has
    no bar; the chart's title said "overall score at each inspection" over the 2021 one alone."""
    scored_2021 = ("service: torbay-yot\nframework: hmip-youth-2021\npublished: 2021-03\n"
                   "overall: {rating: Requires improvement, score: 16}\n")
    rated_2025 = CHILDREN_ONLY.replace("standards:", "overall: {rating: Good}\nstandards:")
    root = make_site(tmp_path, {"inspections/torbay-2025.yaml": rated_2025, "inspections/torbay-2021.yaml": scored_2021})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = text_of(root / "output/site/services/torbay-yot/index.html")
    assert "Torbay YOT: overall score at each inspection with a recorded score March 2021: 16" in page
    assert "overall score at each inspection March" not in page
    assert "Torbay YOT inspection, October 2025 1 October 2025 Good none in this framework" in page


# Each figure of the victims' standard on its own base. HMIP samples children's and victims' cases apart
# ("The minimum number of children's cases ... 14", "The minimum number of victims cases inspected will
# remain at nine": https://hmiprobation.justiceinspectorates.gov.uk/?p=6564), and judges V1.1 from
# casework with victims by its case assessment rules, V1.2 ("Do organisational arrangements and activity
# drive ...") by its rules and guidance on "organisational arrangements and activities" (HMIP's Head of
# Standards and Policy, https://why-me.org/2025/hmi-probation-how-youth-justice-services-can-meet-the-new-
# victims-standard/). The paper called every figure "a percentage of inspected cases", the scaffold asked
# for V1.2's "'yes' answers of the relevant cases" (helper-157).
V1_FIGURES_WITH_CASES = """\
service: torbay-yot
framework: hmip-youth-2025
inspection_type: children-and-victims
published: 2026-01-01
overall: {rating: Good}
standards:
  V1:
    rating: Good
    cases: 9
    key_questions:
      V1.1: {yes: 7, of: 9}
      V1.2: {yes: 1, of: 1}
"""


def test_the_2025_framework_counts_each_sample_apart_and_judges_v1_2_from_the_service_s_arrangements(tmp_path):
    framework = check_site(Path(__file__).resolve().parent.parent, AS_OF.date()).corpus.frameworks["hmip-youth-2025"]
    standards = {s.number: s for d in framework.domains for s in d.standards}
    assert {number: standards[number].sample for number in ("C1.1", "C1.2", "C1.3", "V1")} == {
        "C1.1": "children's cases", "C1.2": "children's cases", "C1.3": "children's cases", "V1": "victims' cases"}
    assert [(q.number, q.case_based) for q in standards["V1"].key_questions] == [("V1.1", True), ("V1.2", False)]


@pytest.mark.pdf
def test_a_victims_figure_is_described_by_its_own_base_on_the_page_and_in_the_paper(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": V1_FIGURES_WITH_CASES})
    result = run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    page = text_of(root / "output/site/inspections/torbay-2026/index.html")
    paper = pdf_text(root / "output/site/inspections/torbay-2026/torbay-2026.pdf")
    assert "V1 Work with victims: key questions (9 victims' cases inspected)" in page
    assert ("responsive service for victims? (judged from the service's arrangements, not from victims' cases) "
            "1 of 1") in page
    assert "V1 Work with victims: Good (9 victims' cases)" in paper
    assert "(judged from the service's arrangements, not from victims' cases)" in paper
    assert "out of the cases it was answered for" in paper
    for text in (page, paper):
        assert "inspected cases" not in text and "9 cases" not in text


def test_the_inspection_page_s_chart_draws_no_percent_yes_bar_for_v1_2(tmp_path, make_site, run_cli):
    """The V1 chart, "key questions, % yes", drew V1.2's 1 of 1 as a bar of 100% beside V1.1's 7 of 9 victims'
    cases (77.8%), unmarked, where the table under it says V1.2 is judged from the service's arrangements."""
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": V1_FIGURES_WITH_CASES})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    raw = (root / "output/site/inspections/torbay-2026/index.html").read_text(encoding="utf-8")
    chart = re.search(r'<svg [^>]*id="kq-V1".*?</svg>', raw, re.S).group(0)
    assert ">V1.1<" in chart and "77.8%" in chart
    assert "V1.2" not in chart and "100%" not in chart
    page = text_of(root / "output/site/inspections/torbay-2026/index.html")
    assert ("V1.2 is not in the chart: judged from the service's arrangements, not from victims' cases, its figure "
            "is no share of them (the table below gives it).") in page
    assert "(judged from the service's arrangements, not from victims' cases) 1 of 1 100%" in page


@pytest.mark.pdf
def test_a_report_s_key_questions_block_marks_v1_2_as_judged_from_the_service_s_arrangements(
        tmp_path, make_site, run_cli):
    """A report's [[key-questions]] printed V1.2 (1 of 1) as a bare "100%" under "% yes", where the
    findings paper and page mark it as judged from the service's arrangements (helper-157's rule)."""
    report = CHILDREN_ONLY_REPORT.replace("torbay-2025", "torbay-2026")
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": V1_FIGURES_WITH_CASES,
                                "reports/torbay-outcome.md": report})
    result = run_cli("build", "--no-search", "-q", "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    site = root / "output/site/reports/torbay-outcome"
    page, paper = text_of(site / "index.html"), pdf_text(site / "torbay-outcome.pdf")
    assert ("V1.1 Is work with victims high-quality, individualised, and responsive? 77.8% V1.2 Do organisational "
            "arrangements and activity drive quality, individualised, and responsive service for victims? "
            "(judged from the service's arrangements, not from victims' cases) 100%") in page
    assert "(judged from the service's arrangements, not from victims' cases)" in paper
    assert paper.count("judged from the service's arrangements") == 1      # V1.1 is of victims' cases: unmarked


def test_a_new_2025_inspection_asks_for_v1_1_of_victims_cases_and_v1_2_only_as_the_report_gives_it(
        tmp_path, make_site, run_cli):
    root = make_site(tmp_path, SITE)
    assert run_cli("new", "inspection", "torbay-2027", "--service", "torbay-yot", root=root).exit_code == 0
    lines = (root / "content/inspections/torbay-2027.yaml").read_text(encoding="utf-8").splitlines()
    v1 = lines[next(i for i, line in enumerate(lines) if line.startswith('  "V1":')):]
    v1 = v1[:next(i for i, line in enumerate(v1) if not line.startswith(" "))]
    assert "    cases:                              # number of victims' cases inspected for this standard" in v1
    at = {line.strip().lstrip("# ").split(":")[0]: i for i, line in enumerate(v1) if '"V1.' in line}
    assert "'yes' answers of the relevant victims' cases" in v1[at['"V1.1"']]
    # V1.2's note stands on the line above it (too long for the line): no cases, and only a published figure
    assert "judged from the service's arrangements, not from cases" in v1[at['"V1.2"'] - 1]
    assert not [line for line in v1 if "relevant cases" in line]


# Two services' V1 figures. V1.1 is a share of victims' cases: 7 of 12 (58.33%) and 6 of 9 (66.67%),
# recorded at too few inspections to rank (fewer than 10). V1.2 is judged from the service's arrangements (hmip-youth-2025.yaml:
# `case_based: false`): its "10 of 12" and "1 of 1" count no cases, so a mean of them is no share of anything.
V1_FIGURES_AT_TWO_SERVICES = {
    "councils/dudley.yaml": SITE["councils/dudley.yaml"],
    "services/dudley-yos.yaml": SITE["services/dudley-yos.yaml"],
    "inspections/torbay-2026.yaml": V1_FIGURES_WITH_CASES.replace("{yes: 7, of: 9}", "{yes: 7, of: 12}")
                                                        .replace("{yes: 1, of: 1}", "{yes: 10, of: 12}"),
    "inspections/dudley-2026.yaml": V1_FIGURES_WITH_CASES.replace("torbay-yot", "dudley-yos")
                                                        .replace("{yes: 7, of: 9}", "{yes: 6, of: 9}"),
}


def test_the_standards_page_averages_a_key_question_s_figures_only_where_they_are_shares_of_cases(
        tmp_path, make_site, run_cli):
    """Only what was published: the standards page averaged V1.2's figures with V1.1's and ranked it
    among the weakest key questions by an "average % yes", though V1.2 is answered from the service's
    arrangements, not case by case, so its figures are no percentage of cases."""
    root = make_site(tmp_path, V1_FIGURES_AT_TWO_SERVICES)
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    page = text_of(root / "output/site/standards/index.html")
    weakest = page[page.index("Which key questions are weakest"):]
    # V1.1 is recorded at 2 inspections, too few to rank (tests/test_national.py); V1.2 is never averaged
    assert "Recorded at fewer than 10 inspections here, so not ranked: V1.1." in weakest
    assert "V1.2 Do organisational" not in weakest.split("Not averaged")[0]
    assert ("Not averaged, as it is judged from the service's arrangements, not answered case by case, so its "
            "figures are no share of cases: V1.2.") in weakest


def test_inspections_json_says_which_key_question_figures_are_shares_of_cases(tmp_path, make_site, run_cli):
    """An analyst read V1.2's "percent": 100 (1 of 1) as a share of victims' cases beside V1.1's, with no
    field to tell them apart; the framework judges V1.2 from the service's arrangements (case_based: false)."""
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2026.yaml": V1_FIGURES_WITH_CASES})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    data = json.loads((root / "output/site/data/inspections.json").read_text(encoding="utf-8"))
    torbay = next(i for i in data["inspections"] if i["id"] == "torbay-2026")
    v1 = next(s for s in torbay["standards"] if s["number"] == "V1")
    assert [(q["number"], q["yes"], q["of"], q["case_based"]) for q in v1["key_questions"]] == [
        ("V1.1", 7, 9, True), ("V1.2", 1, 1, False)]
    # ratings.csv keeps its columns, as docs/data.md lists them: a key question has no column there
    header = (root / "output/site/data/ratings.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == [
        "inspection", "service", "council", "framework", "inspection_type", "published", "overall_rating",
        "overall_score", "standard", "standard_name", "counted_in_score", "published_rating",
        "computed_rating_advisory", "lowest_key_question_percent", "cases", "report_url", "overall_score_percent",
        "max_score", "joint", "imported_from", "imported_table", "imported_row", "edited_since_import", "status",
        "embargo_until"]


def home_overall(site: Path) -> str:
    page = text_of(site / "index.html")
    return page[page.index("Inspections by overall rating"):page.index("How do they compare?")]


def test_the_home_page_counts_overall_ratings_apart_under_each_framework_and_kind(built):
    """The home page's chart counted every inspection in one set of bars: Wolverhampton's 2025 Good (a full
    inspection), Torbay's 2025 Requires improvement (work with children and victims) and Dudley's 2021 Good
    as "Good 2", ratings of different standards. The national page keeps them apart (overall_group)."""
    home = home_overall(built)
    tables = re.findall(r"(HMIP [^:]+?(?:: An inspection of [a-z ]+)?): number of inspections at each overall "
                        r"rating Overall rating Inspections Outstanding ★ (\d) Good (\d) Requires improvement (\d) "
                        r"Inadequate (\d)", home)
    assert tables == [
        ("HMIP youth justice inspection framework (from 2025): An inspection of youth justice work with children "
         "and victims", "0", "0", "1", "0"),
        ("HMIP youth justice inspection framework (from 2025): An inspection of youth justice services",
         "0", "1", "0", "0"),
        ("HMIP youth inspection framework (2021 to 2024)", "0", "1", "0", "0")]
    assert "Counted apart under each framework" in home


def test_the_home_page_says_how_many_inspections_record_no_overall_rating(tmp_path, make_site, run_cli):
    """CHILDREN_ONLY gives its areas' ratings and no overall rating: the chart drew four empty bars "of 0
    inspections" and said nothing of the one inspection it left out. A group with no rating to count
    draws no chart or table of zeros: it says so."""
    root = make_site(tmp_path, {"inspections/torbay-2025.yaml": CHILDREN_ONLY})
    assert run_cli("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22", root=root).exit_code == 0
    home = home_overall(root / "output" / "site")
    group = "HMIP youth justice inspection framework (from 2025): An inspection of youth justice services"
    assert (f"{group} The one inspection here records no overall rating, so there is nothing to count.") in home
    assert f"{group}: number of inspections at each overall rating" not in home
    assert "more inspection here records no overall rating" not in home


def test_the_home_page_is_made_again_when_a_framework_it_names_is_renamed(tmp_path, make_site, run_cli):
    """The home page names each framework it counts under: a site's own framework renamed must reach it
    on the next build, as it reaches the standards and national pages (plan/outputs.py: what it reads)."""
    shipped = (Path(__file__).resolve().parent.parent / "generator/frameworks/hmip-youth-2025.yaml").read_text(
        encoding="utf-8")
    framework = shipped.replace("name: HMIP youth justice inspection framework (from 2025)\n",
                                "name: Our local framework\n", 1)
    root = make_site(tmp_path, {"frameworks/local-youth.yaml": framework,
                                "inspections/torbay-2026.yaml": SOME_AREAS.replace("wolverhampton-yot", "torbay-yot")
                                .replace("hmip-youth-2025", "local-youth")})
    build = ("build", "--no-search", "--no-pdf", "-q", "--as-of", "2026-11-22")
    assert run_cli(*build, root=root).exit_code == 0
    assert "Our local framework: An inspection of youth justice services" in home_overall(root / "output/site")
    (root / "content/frameworks/local-youth.yaml").write_text(
        framework.replace("name: Our local framework\n", "name: Our renamed framework\n"), encoding="utf-8")
    assert run_cli(*build, root=root).exit_code == 0
    home = home_overall(root / "output/site")
    assert "Our renamed framework: An inspection of youth justice services" in home and "Our local" not in home

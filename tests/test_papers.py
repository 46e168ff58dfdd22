"""Single papers (`scrutiny paper KIND ID`), read back from the PDFs.

Expected words are typed in from the reference documents: the Wolverhampton cabinet
report's front sheet, the Dudley scrutiny report's heading block and continuous
paragraph numbers, the Torbay inspection's ratings table and recommendations.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.render.pdf import Job, mark_tables, render, tables_with_a_caption_alone
from site_helpers import copy_site
from test_pdf_accessibility import (CHECKS, check_headings_in_sequence, check_tables_have_headers, check_tables_not_split,
                                    elements, is_elem, kids, tag)

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2025-11-22"

pytestmark = pytest.mark.pdf


def scrutiny(*args: str, root: Path = REPO):
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


def report_paper(root: Path, target: Path) -> Path:
    """The paper of the report `r` of the site at `root`, as at AS_OF, made at `target`."""
    result = scrutiny("paper", "report", "r", "-o", str(target), "--as-of", AS_OF, root=root)
    assert result.exit_code == 0, result.output
    return target


def paper_of_a_report(tmp_path: Path, make_site, council: str, front_matter: str) -> Path:
    """The paper of a report of a council of one's own (`council`: its settings), its front
    matter beyond council, title and date given, with a one-paragraph body."""
    root = make_site(tmp_path, {
        "councils/w.yaml": "name: W Council\n" + council,
        "reports/r.md": ("---\ncouncil: w\ntitle: Inspection outcome\ndate: 2024-01-10\n" + front_matter
                         + "---\n## Purpose\n\nTo report the outcome.\n")})
    return report_paper(root, tmp_path / "r.pdf")


def action_plan_paper_html(tmp_path: Path, make_site, plan_text: str) -> str:
    """The HTML of the paper of the action plan `plan_text` (of Torbay's 2021 inspection), as a
    build on 2 August 2021 lays it out."""
    import datetime as dt

    from generator.build import check_site
    from generator.model.types import LONDON
    from generator.plan.outputs import plan_site
    from generator.render.papers import PaperContext

    root = make_site(tmp_path, {
        "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n",
        "action-plans/torbay-2021-plan.yaml": plan_text})
    now = dt.datetime(2021, 8, 2, 12, tzinfo=LONDON)
    checked = check_site(root, now.date())
    return PaperContext(root, plan_site(checked.corpus, now), checked.files.templates).action_plan(
        "torbay-2021-plan").job.html


def page_texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out.split("\f")[:-1]


def flat(text: str) -> str:
    return " ".join(text.split())


def elements_below(elem) -> list:
    """Every structure element under elem, depth first."""
    found = []
    for kid in (k for k in kids(elem) if is_elem(k)):
        found += [kid, *elements_below(kid)]
    return found


def fonts_of(path: Path) -> set[str]:
    names = set()
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for font in page.obj.Resources.get("/Font", {}).values():
                names.add(str(font.get("/BaseFont", "")).split("+")[-1].replace("-", ""))
    return names


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("papers")
    made = {}
    for kind, record in (("report", "wolverhampton-yot-inspection-outcome"), ("report", "dudley-yos-action-plan-update"),
                         ("inspection", "torbay-2021"), ("inspection", "dudley-2019"), ("action-plan", "torbay-2021-oocd"),
                         ("action-plan", "dudley-2019-progress")):
        target = folder / f"{record}.pdf"
        result = scrutiny("paper", kind, record, "-o", str(target), "--as-of", AS_OF)
        assert result.exit_code == 0, result.output
        made[record] = target
    return made


def test_wolverhampton_report_has_the_councils_front_sheet(papers):
    first = flat(page_texts(papers["wolverhampton-yot-inspection-outcome"])[0])
    for label, value in (("Report title", "Youth Offending Team Inspection Outcome"), ("Decision designation", "RED"),
                         ("Cabinet member with lead responsibility", "Councillor Beverley Momenabadi"),
                         ("Key decision", "Yes"), ("In forward plan", "Yes"), ("Wards affected", "All Wards"),
                         ("Accountable Director", "Emma Bennett, Executive Director of Families"),
                         ("Originating service", "Youth Offending Team"),
                         ("Accountable employee", "Rachel King")):
        # the label's first words and its value on one table row (a long label wraps under it)
        assert re.search(re.escape(label[:24]) + r".{0,40}" + re.escape(value), first), label
        assert label in first or label.replace(" responsibility", "") in first
    assert "Recommendation for decision:" in first and "Recommendation for noting:" in first
    assert "Endorse the adoption of the Youth Offending Team (YOT) inspection action plan" in first


def test_wolverhampton_paragraphs_are_numbered_in_sections(papers):
    text = "\n".join(page_texts(papers["wolverhampton-yot-inspection-outcome"]))
    assert re.search(r"^\s*1\.0\s+Purpose", text, re.M)
    assert re.search(r"^\s*1\.1\s+\S", text, re.M)
    assert re.search(r"^\s*2\.0\s+Background", text, re.M)
    numbers = re.findall(r"^\s*2\.([1-9]\d*)\s+\S", text, re.M)
    assert [int(n) for n in numbers][:5] == [1, 2, 3, 4, 5]
    assert "Appendix 1: Summary of HMIP's inspection report" in flat(text)


def test_wolverhampton_appendices_are_the_next_numbered_section(papers):
    # The reference report ends "11.0 Appendices" then "11.1 Appendix 1: ..." (its section 10.0
    # is the schedule of background papers): the list is numbered like every other section.
    text = "\n".join(page_texts(papers["wolverhampton-yot-inspection-outcome"]))
    assert re.search(r"^\s*10\.0\s+Schedule of background papers", text, re.M)
    assert re.search(r"^\s*11\.0\s+Appendices", text, re.M), text[-800:]
    assert re.search(r"^\s*11\.1\s+Appendix 1: Summary of HMIP's inspection report", text, re.M), text[-800:]


def test_wolverhampton_front_sheet_prints_the_contact_and_recommendation_as_the_source_does(papers):
    # Reference front sheet: "1. Endorse the adoption of the Youth Offending Team (YOT)
    # inspection action plan" with no full stop.
    first = flat(page_texts(papers["wolverhampton-yot-inspection-outcome"])[0])
    assert "inspection action plan Recommendation for noting:" in first


def test_wolverhampton_front_sheet_gives_the_employee_and_the_bodies_in_columns_as_the_source_does(papers):
    # The reference's rows, a cell per tab: "Accountable employee | Rachel King | Head of Service",
    # "| Tel | 07854943254", "| Email | Rachel.king@wolverhampton.gov.uk", then "Report to
    # be/has been considered by | Directorate Leadership Team | 24 February 2022", "| Strategic
    # Executive Board | 25 February 2022", "| Scrutiny Board | 18 February 2022 (via email)".
    # pdftotext -layout puts two spaces or more between columns; the words of a cell are one apart
    # (a body's name may wrap under its first line).
    lines = page_texts(papers["wolverhampton-yot-inspection-outcome"])[0].splitlines()
    for row in (r"Accountable employee\s{2,}Rachel King\s{2,}Head of Service$", r"^\s+Tel\s{2,}07854943254$",
                r"^\s+Email\s{2,}Rachel\.king@wolverhampton\.gov\.uk$",
                r"Report to be/has been\s{2,}Directorate Leadership(?: Team)?\s{2,}24 February 2022$",
                r"^\s+Strategic Executive(?: Board)?\s{2,}25 February 2022$",
                r"^\s+Scrutiny Board\s{2,}18 February 2022 \(via email\)$"):
        assert any(re.search(row, line) for line in lines), (row, lines[:45])
    first = flat("\n".join(lines))
    assert "Rachel King," not in first and "Team, 24 February" not in first and "Board, 25 February" not in first


def test_wolverhampton_front_sheet_rows_are_headed_by_their_label_in_the_tagged_pdf(papers):
    # "07854943254" is headed by "Tel" and by "Accountable employee", the label over its three rows;
    # "25 February 2022" by "Strategic Executive Board" and "Report to be/has been considered by".
    with pikepdf.open(papers["wolverhampton-yot-inspection-outcome"]) as pdf:
        table = next(e for e in elements(pdf) if tag(e) == "/Table")
        rows = [e for e in elements_below(table) if tag(e) == "/TR"]
        cells = [[c for c in kids(row) if is_elem(c)] for row in rows]
        assert [[tag(c) for c in row] for row in cells] == (
            [["/TH", "/TD"]] * 8 + [["/TH", "/TD", "/TD"], ["/TH", "/TD"], ["/TH", "/TD"],
                                    ["/TH", "/TH", "/TD"], ["/TH", "/TD"], ["/TH", "/TD"]])
        employee, considered = cells[8][0], cells[11][0]
        assert int(employee.A.RowSpan) == 3 and int(considered.A.RowSpan) == 3
        for row, label in ((9, employee), (10, employee), (12, considered), (13, considered)):
            headers = [bytes(h) for h in cells[row][-1].A.Headers]
            assert headers == [bytes(label.ID), bytes(cells[row][0].ID)], row
        assert check_tables_have_headers(pdf) == []


LINKED_BODY = """\
## Purpose

Read the plan on [the council's website](https://www.example.gov.uk/yjs) or at <https://www.example.gov.uk/plans>.
The [Youth Justice Board](https://www.gov.uk/) funds it. Write to [the clerk](mailto:jo.clerk@example.gov.uk?subject=Plan)
or [jo.clerk@example.gov.uk](mailto:jo.clerk@example.gov.uk), ring [the duty line](tel:+441803207087) or
[01803 207087](tel:+44-1803-207087), or read [the detail below](#detail).

## Detail

| Action | Owner | Due | Where it is published |
| --- | --- | --- | --- |
| Publish | YOS | 2024 | [the plan](https://www.example.gov.uk/youth-justice/annual-plan-2024-25/final-version-approved-by-cabinet) |
"""


def test_a_link_prints_its_address_after_its_words_unless_they_give_it(tmp_path, make_site):
    """On paper a link's words alone lose where it leads: the address follows in brackets, as a
    reader would type it (no "https://", an email address without "mailto:" or its subject), but
    not where the words already are the address, nor for a place in the paper itself. The link
    stays a link on the words alone, its annotation naming the whole address (/Contents); a long
    address breaks in its column, inside the page."""
    root = make_site(tmp_path, {
        "councils/w.yaml": "name: W Council\n",
        "reports/r.md": "---\ncouncil: w\ntitle: Youth justice plan\ndate: 2024-01-10\n---\n" + LINKED_BODY})
    target = report_paper(root, tmp_path / "r.pdf")
    text = flat(" ".join(page_texts(target)))
    assert "Read the plan on the council's website (www.example.gov.uk/yjs) or at" in text, text

    def unbroken(words: str) -> str:
        """Words as the paper gives them, whatever its line ends (an address breaks after a "/")."""
        return re.sub(r"\s+", "", words)

    assert unbroken("Read the plan on the council's website (www.example.gov.uk/yjs) or at https://www.example.gov.uk/plans. "
                    "The Youth Justice Board (www.gov.uk) funds it. Write to the clerk (jo.clerk@example.gov.uk) or "
                    "jo.clerk@example.gov.uk, ring the duty line (+441803207087) or 01803 207087, or read the detail "
                    "below.") in unbroken(text), text
    assert unbroken("the plan (www.example.gov.uk/youth-justice/annual-plan-2024-25/final-version-approved-by-cabinet)") \
        in unbroken(text), text
    words = subprocess.run(["pdftotext", "-bbox", str(target), "-"], check=True, capture_output=True, text=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', words)[1])
    right_edges = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', words)]
    assert max(right_edges) <= page_width - 56, max(right_edges)       # 2 cm margin: no column off the page

    with pikepdf.open(target) as pdf:
        links = [(annot.Contents, annot.A.URI, [float(v) for v in annot.Rect], number)
                 for number, page in enumerate(pdf.pages, 1) for annot in page.obj.get("/Annots", [])
                 if annot.Subtype == "/Link" and "/A" in annot]
        # (a link broken over two lines is an annotation on each)
        assert list(dict.fromkeys(str(uri) for _, uri, _, _ in links)) == [
            "https://www.example.gov.uk/yjs", "https://www.example.gov.uk/plans", "https://www.gov.uk/",
            "mailto:jo.clerk@example.gov.uk?subject=Plan", "mailto:jo.clerk@example.gov.uk", "tel:+441803207087",
            "tel:+44-1803-207087",
            "https://www.example.gov.uk/youth-justice/annual-plan-2024-25/final-version-approved-by-cabinet"]
        assert all(str(contents) == str(uri) for contents, uri, _, _ in links)
        height = float(pdf.pages[0].MediaBox[3])
        failures = {name: problems for name, check in CHECKS.items() if (problems := check(pdf))}
    assert failures == {}
    # what a click on the first link covers: its words, not the address printed after them
    (x0, x1), (y0, y1) = sorted(links[0][2][::2]), sorted(links[0][2][1::2])
    clicked = [html.unescape(word) for left, top, right, bottom, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', words)
        if x0 <= (float(left) + float(right)) / 2 <= x1 and y0 <= height - (float(top) + float(bottom)) / 2 <= y1]
    assert clicked == ["the", "council's", "website"], clicked


def test_any_front_sheet_gives_only_the_contact_rows_and_bodies_its_report_records(tmp_path, make_site):
    # A council's own front sheet: an employee without title or telephone is one cell beside the
    # label, then the "Email" row; one body that considered the report is one row.
    target = paper_of_a_report(tmp_path, make_site, "paper_style: front_sheet\n",
                               "accountable_employee: {name: Sam Patel, email: sam.patel@w.gov.uk}\n"
                               "considered_by: [{body: Scrutiny Panel, date: 2023-12-05}]\n")
    lines = page_texts(target)[0].splitlines()
    for row in (r"Accountable employee\s{2,}Sam Patel$", r"^\s+Email\s{2,}sam\.patel@w\.gov\.uk$",
                r"Report to be/has been\s{2,}Scrutiny Panel\s{2,}5 December 2023$"):
        assert any(re.search(row, line) for line in lines), (row, lines[:30])
    assert "Tel" not in flat("\n".join(lines))
    with pikepdf.open(target) as pdf:
        assert check_tables_have_headers(pdf) == []


def test_dudley_report_has_the_heading_block_and_continuous_numbers(papers):
    pages = page_texts(papers["dudley-yos-action-plan-update"])
    text = "\n".join(pages)
    first = flat(pages[0])
    assert "Children's Services Scrutiny Committee – 17th March 2021" in first    # the reference's heading
    assert "Report of the Director of Children's Services" in first
    assert "Update on the Youth Offending Service Inspection Action Plan" in first
    assert re.search(r"^\s*1\s+This report tells the Committee", text, re.M)
    assert re.search(r"^\s*2\s+It is recommended that Members", text, re.M)     # the reference's para 2
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s{2,}[A-Z]", text, re.M)]
    assert numbers[:8] == list(range(1, 9))
    assert "Contact Officer: Scott Jones" in flat(text)


@pytest.mark.parametrize("day, written", [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"),
                                         (12, "12th"), (13, "13th"), (17, "17th"), (21, "21st"), (22, "22nd"),
                                         (23, "23rd"), (31, "31st")])
def test_an_ordinal_day_has_the_suffix_english_gives_it(day, written):
    from generator.model.council import DateStyle
    from generator.render.html import day_number
    assert day_number(day, DateStyle.ORDINAL) == written
    assert day_number(day) == str(day)


def test_the_ordinal_style_writes_every_kind_of_day_a_paper_prints():
    import datetime as dt

    from generator.model.council import DateStyle
    from generator.render.html import date_filters
    ordinal, plain = date_filters(DateStyle.ORDINAL), date_filters(DateStyle.PLAIN)
    assert ordinal["date"](dt.date(2021, 3, 17)) == "17th March 2021"
    assert ordinal["long_date"](dt.date(2021, 3, 17)) == "Wednesday, 17th March 2021"
    assert ordinal["letter_date"](dt.date(2021, 3, 4)) == "Thursday, 4th March 2021"   # an ordinal is not padded
    assert ordinal["moment"](dt.datetime(2021, 3, 3, 9, 0)) == "3rd March 2021 at 09:00"
    # Torbay's covering letter of 4 March 2021: "Thursday, 04 March 2021"
    assert plain["letter_date"](dt.date(2021, 3, 4)) == "Thursday, 04 March 2021"
    assert plain["date"](dt.date(2021, 3, 17)) == "17 March 2021"


def test_dudleys_report_page_on_the_site_keeps_the_plain_date(tmp_path):
    from site_helpers import build
    root = copy_site(tmp_path)
    build(root)
    import html
    page = html.unescape((root / "output/site/reports/dudley-yos-action-plan-update/index.html").read_text(encoding="utf-8"))
    assert "Children's Services Scrutiny Committee – 17 March 2021" in page
    assert "17th March" not in page


def test_wolverhamptons_reference_codes_end_their_paragraphs_on_a_line_of_their_own(papers):
    # The reference's 6.1 ends "... within Children's and Young People's Service." then
    # "[JG/22022022/T]" on its own line; 7.3 the same with "[TC/15022021/B]".
    text = "\n".join(page_texts(papers["wolverhampton-yot-inspection-outcome"]))
    for code in ("[JG/22022022/T]", "[TC/15022021/B]"):
        assert re.search(r"^\s*" + re.escape(code) + r"\s*$", text, re.M), code
    assert "[JG/\n" not in text


def numbered_paragraphs(text: str) -> list[tuple[int, str]]:
    """(number, first words) of each paragraph the paper numbers, in order."""
    return [(int(n), words) for n, words in re.findall(r"^ *(\d+) {2,}([A-Za-z].*?) *$", text, re.M)]


# The reference's paragraphs, by number, and the words ours (reworded) starts each with.
DUDLEY_PARAGRAPHS = {
    8: "Inspectors also judged education",              # "The inspectors found that education provisions"
    9: "The Chair of the YOS Board should:",            # the recommendations: each addressee numbered ...
    10: "The YOS Management Board should:",
    11: "produce an out-of-court protocol",              # ... and the Board's later two as well
    12: "make better use across the partnership",
    13: "The YOS Manager should:",
    14: "The rest of the inspection report",            # "The remaining elements of the report drill down"
    18: "Since the Committee last considered",          # "The following areas have been implemented since"
    31: "First time entrants (FTE)",                    # "First Time Entrants (FTE) (January-2019 ..."
    32: "Re-offending, as the average number",          # "Re-offending (rates listed as average number ..."
    33: "Use of custody, as a rate per 1,000",          # "Use of Custody (rates per 1000 ..."
    34: "This report has no financial implications.",  # Finance: "There are no financial implications"
    47: "The 2019 inspection found good evidence",      # "Whilst the 2019 inspection highlighted good evidence"
}


def test_dudley_paragraphs_carry_the_numbers_the_reference_gives_them(papers):
    text = "\n".join(page_texts(papers["dudley-yos-action-plan-update"]))
    found = numbered_paragraphs(text)
    assert [n for n, _ in found] == list(range(1, 48)), found     # the reference runs 1 to 47
    starts = dict(found)
    for number, words in DUDLEY_PARAGRAPHS.items():
        assert starts[number].startswith(words), (number, starts[number])
    # The lead-in to the recommendations has no number in the reference, and prints no mark.
    assert re.search(r"^\s+The inspectors made five overarching strategic recommendations:$", text, re.M), text
    assert "unnumbered" not in text


def test_dudley_indicators_cite_the_paragraphs_the_paper_prints_them_in(papers):
    # The indicator record's source names "paragraphs 31-33": first-time entrants, re-offending, custody.
    source = (REPO / "content/indicators/dudley-yos.yaml").read_text()
    first, last = map(int, re.search(r'source: ".*paragraphs (\d+)-(\d+)"', source).groups())
    starts = dict(numbered_paragraphs("\n".join(page_texts(papers["dudley-yos-action-plan-update"]))))
    assert [starts[n].split(",")[0] for n in range(first, last + 1)] == [
        "First time entrants (FTE)", "Re-offending", "Use of custody"]


def test_wolverhampton_report_reads_that_cabinet_recommends_that_council(papers):
    # The reference front sheet: "That Cabinet recommends that Council: 1. Endorse ..." and
    # "The Cabinet is asked to note: 1. The 'Good' inspection rating ..."
    first = flat(page_texts(papers["wolverhampton-yot-inspection-outcome"])[0])
    assert re.search(r"That Cabinet recommends that Council: 1\.? Endorse the adoption", first), first
    assert re.search(r"The Cabinet is asked to note: 1\.? The 'Good' inspection rating", first), first
    assert "The Cabinet is recommended to" not in first


def test_dudley_recommendations_are_bullets_after_the_lead_in(papers):
    # The reference's paragraph 2: "It is recommended that Members:-" then the two items as
    # written, each a bullet ("- Note the content of this report."), not numbered.
    text = flat("\n".join(page_texts(papers["dudley-yos-action-plan-update"])))
    assert re.search(r"It is recommended that Members:- • Note the content of this report\. "
                     r"• Comment on and provide support to aid the progress", text), text[:2000]
    assert "1. Note the content" not in text


def test_a_councils_recommendation_list_of_bullets_lists_a_front_sheets_recommendations_so(tmp_path, make_site):
    target = paper_of_a_report(tmp_path, make_site, "paper_style: front_sheet\nrecommendation_list: bullets\n",
                               "recommendations:\n  for_decision: [Endorse the plan.]\n")
    assert "The Committee is recommended to: • Endorse the plan." in flat(page_texts(target)[0])


def test_a_noting_item_that_is_not_a_sentence_gets_a_lead_in_that_makes_it_one(tmp_path, make_site):
    target = paper_of_a_report(tmp_path, make_site, "paper_style: heading_block\n",
                               "recommendations:\n  for_noting: [\"The 'Outstanding' rating of the service.\"]\n")
    text = flat("\n".join(page_texts(target)))
    assert re.search(r"Members are asked to note: 1\.? The 'Outstanding' rating of the service\.", text), text
    assert "It is recommended that Members" not in text


def test_dudley_contact_block_is_never_alone_on_the_last_page(papers):
    # The reference's page 8 held only the contact officer: ours keeps it with the report's end.
    last = page_texts(papers["dudley-yos-action-plan-update"])[-1]
    assert "Contact Officer: Scott Jones" in last and "Catherine Driscoll" in last
    assert re.search(r"^\s*\d+\s+\S", last, re.M), last           # a numbered paragraph beside it


def test_a_lead_in_ending_with_a_colon_is_printed_on_the_page_of_what_it_introduces(papers):
    # "The inspectors made five overarching strategic recommendations:" stood alone at the foot
    # of page 1, its recommendations (the Chair of the YOS Board's first) on page 2.
    pages = page_texts(papers["dudley-yos-action-plan-update"])
    lead_in = [i for i, t in enumerate(pages) if "five overarching strategic recommendations:" in flat(t)]
    first = [i for i, t in enumerate(pages) if "The Chair of the YOS Board should:" in flat(t)]
    assert lead_in and lead_in == first, (lead_in, first)


@pytest.mark.parametrize("paragraph, leads_in", [
    ("The inspectors made five recommendations:", True),
    ("It is recommended that Members:-", True),          # as Dudley's reference writes its lead-ins
    ("The service was rated good.", False),
    ("Time: 10:30", False),
])
def test_a_paragraph_leads_in_when_it_ends_with_a_colon(paragraph, leads_in):
    from generator.model.council import ParagraphNumbering
    from generator.render.report_body import number_body

    (section,) = number_body(f"{paragraph}\n\nWhat follows.\n", ParagraphNumbering.CONTINUOUS)
    assert [p.leads_in for p in section.paragraphs] == [leads_in, False]


def test_dudley_indicator_tables_are_never_split_across_pages(papers):
    # The re-offending table's two rows (the reference: the year 2.45, the quarter 2.25), and the
    # first-time entrants' (260, then 203), each print on one page: no row is left alone.
    pages = page_texts(papers["dudley-yos-action-plan-update"])
    for first, second in ((r"Jan-Dec 2018\s+2\.45", r"Oct-Dec 2018\s+2\.25"),
                          (r"Jan-Dec 2018\s+260", r"Jan-Dec 2019\s+203")):
        on = [i for i, t in enumerate(pages) if re.search(first, t)], [i for i, t in enumerate(pages)
                                                                           if re.search(second, t)]
        assert on[0] and on[0] == on[1], (first, on)


def test_dudley_report_embeds_blocks_drawn_from_the_records(papers):
    text = flat("\n".join(page_texts(papers["dudley-yos-action-plan-update"])))
    assert "The Chair of the YOS Board should:" in text            # [[recommendations]]
    # [[indicator-table first_time_entrants]]: Dudley 203, YOT family 154, national 204, region 268
    assert re.search(r"Jan-Dec 2019 203 154 204 268", text), text[:3000]


def test_inspection_paper_has_rating_score_table_key_questions_and_recommendations(papers):
    text = flat("\n".join(page_texts(papers["torbay-2021"])))
    assert "Overall rating: Requires improvement" in text and "Score: 16 out of 36" in text
    for row in ("1.1 Governance and leadership Inadequate", "1.3 Partnerships and services Good",
                "2.1 Assessment Outstanding", "3.4 Joint working Inadequate"):
        assert row in text, row
    assert re.search(r"3\.1\.2 .{0,200}? 0 of 3 0% Inadequate", text)
    assert "The YOT Management Board should:" in text and "The YOT Head of Service should:" in text
    # eight recommendations, numbered on through both addressees as HMIP numbers them
    board = text[text.index("The YOT Management Board should:"):text.index("The YOT Head of Service should:")]
    head = text[text.index("The YOT Head of Service should:"):]
    assert [n for n in range(1, 9) if f" {n}. " in board] == [1, 2, 3, 4]
    assert [n for n in range(1, 9) if f" {n}. " in head[:1500]] == [5, 6, 7, 8]
    assert "Strengths" in text and "Areas for improvement" in text


def test_fieldwork_with_no_end_recorded_reads_from_its_first_day(papers):
    # Dudley's report: inspected "over a two-week period commencing 8th April 2019" (no end day):
    # "Fieldwork 8th April 2019" would say it took one day. Torbay's: "between 26 October and 29 October 2020".
    dudley = flat(page_texts(papers["dudley-2019"])[0])
    assert "Fieldwork from 8th April 2019" in dudley, dudley[:600]     # Dudley writes its days "8th"
    torbay = flat(page_texts(papers["torbay-2021"])[0])
    assert "Fieldwork 26 October 2020 to 29 October 2020" in torbay


def test_a_progress_table_titled_progress_does_not_say_progress_twice(papers):
    # Dudley's plan is titled "Youth Offending Service inspection action plan: progress"
    text = flat("\n".join(page_texts(papers["dudley-yos-action-plan-update"])))
    assert re.search(r"Table 1: Youth Offending Service inspection action plan: progress as at \d+(?:st|nd|rd|th)? \w+ \d{4}", text), text[:3000]
    assert "progress: progress" not in text


def test_inspection_paper_lists_every_standard_of_a_domain_with_a_rating_and_says_not_recorded(papers):
    # dudley-2019 records 2.4 and 3.1 alone (2018 framework): domain 1 has nothing recorded and is
    # left out; domains 2 and 3 list all four standards each (docs/content-format.md)
    text = flat("\n".join(page_texts(papers["dudley-2019"])))
    for row in ("2.1 Assessment Not recorded", "2.2 Planning Not recorded", "2.3 Implementation and delivery Not recorded",
                "2.4 Reviewing Inadequate", "3.1 Assessment Inadequate", "3.2 Planning Not recorded",
                "3.3 Implementation and delivery Not recorded", "3.4 Joint working Not recorded"):
        assert row in text, row
    assert "Governance and leadership" not in text and "Not rated" not in text
    with pikepdf.open(papers["dudley-2019"]) as pdf:
        tables = [e for e in elements(pdf) if tag(e) == "/Table"]
        ratings = tables[1]                      # after "About this inspection"
        rows = [e for e in elements_under(ratings) if tag(e) == "/TR"]
        # the column headings, Overall, two domain headings and eight standards
        assert len(rows) == 1 + 1 + 2 + 8
        assert check_tables_have_headers(pdf) == [] and check_tables_not_split(pdf) == []


def elements_under(node) -> list:
    found = []
    for kid in kids(node):
        if is_elem(kid):
            found += [kid, *elements_under(kid)]
    return found


def test_action_plan_is_landscape_with_a_header_on_every_page_and_rows_that_never_split(papers):
    path = papers["torbay-2021-oocd"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) > 1
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert x1 - x0 > y1 - y0
    pages = page_texts(path)
    assert all(re.search(r"Ref\s+Improvement action\s+How\s+Who\s+Resources\s+Review\s+Due\s+Outcome\s+Progress\s+RAG",
                         t) for t in pages)
    ids = [f"A{n}" for n in range(1, 12)]
    for action_id in ids:
        on = [i for i, t in enumerate(pages) if re.search(rf"^\s*{action_id}\s", t, re.M)]
        assert len(on) == 1, (action_id, on)


def test_action_plan_marks_overdue_actions_as_of_the_build_date(papers, tmp_path):
    now = flat("\n".join(page_texts(papers["torbay-2021-oocd"])))
    assert "Overdue" in now and re.search(r"[1-9]\d* overdue", now)
    before = tmp_path / "before.pdf"
    result = scrutiny("paper", "action-plan", "torbay-2021-oocd", "-o", str(before), "--as-of", "2021-06-30")
    assert result.exit_code == 0, result.output
    then = flat("\n".join(page_texts(before)))
    assert "Overdue" not in then and "0 overdue" in then and "as at 30 June 2021" in then


def test_action_plan_shows_rag_as_a_word_and_a_colour(papers):
    text = flat("\n".join(page_texts(papers["dudley-2019-progress"])))
    assert "Complete" in text and "Green" in text
    from generator.model.types import LONDON
    import datetime as dt
    from generator.build import check_site
    from generator.plan.outputs import plan_site
    from generator.render.papers import PaperContext

    now = dt.datetime(2025, 11, 22, 12, tzinfo=LONDON)
    checked = check_site(REPO, now.date())
    plan = plan_site(checked.corpus, now)
    html = PaperContext(REPO, plan, checked.files.templates).action_plan("dudley-2019-progress").job.html
    assert re.search(r'class="rag-cell rag-cell--complete">Complete<', html)
    css = (REPO / "generator" / "theme" / "assets" / "print.css").read_text()
    assert re.search(r"\.rag-cell--green \{ background: #[0-9a-f]{6}", css)


def test_action_plan_paper_shows_not_started_as_published_and_apart_from_no_status(tmp_path, make_site):
    # A council's plan that records "Not started" (often grey): the paper's RAG cell says so, in a
    # colour of its own; an action no update gives a status is "Not recorded"; the counts keep them apart.
    plan_text = ("inspection: torbay-2021\ntitle: Improvement plan\nactions:\n"
                 "  - {id: A1, action: Set up a working group, due: 2021-07,\n"
                 "     updates: [{date: 2021-04-20, rag: not started, note: Awaiting recruitment.}]}\n"
                 "  - {id: A2, action: Review the panel, due: 2021-07}\n")
    html = action_plan_paper_html(tmp_path, make_site, plan_text)
    assert re.search(r'class="rag-cell rag-cell--not-started">Not started<', html)
    assert re.search(r'class="rag-cell rag-cell--none">Not recorded<', html)
    # a paper of a plan is as at its latest update (20 April 2021), when neither action was due
    assert "Progress as at 20 April 2021: 1 not started, 1 with no status recorded; <strong>0 overdue</strong>." \
        in html
    css = (REPO / "generator" / "theme" / "assets" / "print.css").read_text()
    assert re.search(r"\.rag-cell--not-started \{ background: #[0-9a-f]{6}", css)   # never white text on white


def test_action_plan_paper_dates_the_latest_update_it_shows_and_never_says_no_update_when_there_is_one(
        tmp_path, make_site):
    # A1's updates are written out of order (a warning): its latest is 20 June ("Working group meets"),
    # and that is the date beside it, not 1 April's. A2's one update records only a status: it is an
    # update, with no comment, not "No update recorded".
    plan_text = ("inspection: torbay-2021\ntitle: Improvement plan\nactions:\n"
                 "  - {id: A1, action: Set up a working group, due: 2021-07,\n"
                 "     updates: [{date: 2021-06-20, rag: green, note: Working group meets.},\n"
                 "               {date: 2021-04-01, rag: red, note: Not yet set up.}]}\n"
                 "  - {id: A2, action: Review the panel, due: 2021-07,\n"
                 "     updates: [{date: 2021-05-10, rag: not started}]}\n")
    html = action_plan_paper_html(tmp_path, make_site, plan_text)
    assert 'Working group meets. <span class="small">(20 June 2021)</span>' in html
    assert "(1 April 2021)" not in html
    assert '<span class="small">No comment recorded (10 May 2021)</span>' in html
    assert "No update recorded" not in html


def test_action_plan_paper_says_not_recorded_in_each_cell_the_plan_leaves_empty(tmp_path, make_site):
    # A1 gives only its action: how, who, resources, review, due and outcome are not recorded, and
    # a blank cell would read as "none". A2 gives each, and each is printed as typed.
    plan_text = ("inspection: torbay-2021\ntitle: Improvement plan\nactions:\n"
                 "  - {id: A1, action: Set up a working group}\n"
                 "  - {id: A2, action: Review the panel, how: By survey, who: Head of service,\n"
                 "     resources: Existing staff, review: 2021-05, due: 2021-07, outcome: A new panel}\n")
    html = action_plan_paper_html(tmp_path, make_site, plan_text)
    row = html[html.index('<th scope="row">A1</th>'):]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[:row.index("</tr>")], re.S)
    not_recorded = '<span class="small">not recorded</span>'
    assert cells[1:7] == [not_recorded] * 6      # how, who, resources, review, due, outcome
    row = html[html.index('<th scope="row">A2</th>'):]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row[:row.index("</tr>")], re.S)
    assert cells[1:7] == ["By survey", "Head of service", "Existing staff", "May 2021", "July 2021", "A new panel"]


def test_papers_are_set_in_liberation_sans(papers):
    for path in papers.values():
        assert {"LiberationSans", "LiberationSansBold"} <= fonts_of(path), path


def test_chart_labels_are_set_in_liberation_sans_not_the_machines_default_font(papers):
    # WeasyPrint gives SVG text the font of its own font-family attribute, never the page's CSS:
    # without one, a chart's labels were in fontconfig's "sans-serif" (DejaVu Sans here), so the
    # same paper came out in another font, other bytes, on a machine with other fonts installed.
    fonts = fonts_of(papers["dudley-yos-action-plan-update"])
    assert fonts and all(name.startswith("LiberationSans") for name in fonts), fonts


def test_papers_are_tagged_with_language_title_and_alt_text_on_every_figure(papers):
    figures = 0
    for name, path in papers.items():
        with pikepdf.open(path) as pdf:
            root = pdf.Root
            assert "/StructTreeRoot" in root, name
            assert str(root.Lang) == "en-GB"
            assert str(pdf.docinfo.Title).strip()
            assert root.ViewerPreferences.DisplayDocTitle is True
            stack = [root.StructTreeRoot]
            while stack:
                node = stack.pop()
                if isinstance(node, pikepdf.Array):
                    stack.extend(node)
                    continue
                if not isinstance(node, pikepdf.Dictionary):
                    continue
                if node.get("/S") == pikepdf.Name.Figure:
                    figures += 1
                    assert str(node.get("/Alt", "")).strip(), name
                if "/K" in node:
                    stack.append(node.K)
    assert figures >= 3               # the Dudley report's indicator charts


def test_chart_alt_text_carries_the_numbers(papers):
    with pikepdf.open(papers["dudley-yos-action-plan-update"]) as pdf:
        alts = []
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == pikepdf.Name.Figure:
                    alts.append(str(node.Alt))
                if "/K" in node:
                    stack.append(node.K)
    assert any("203" in alt and "154" in alt for alt in alts), alts


def test_a_paper_is_the_same_bytes_every_time_and_dated_by_its_record(papers, tmp_path):
    again = tmp_path / "again.pdf"
    result = scrutiny("paper", "report", "wolverhampton-yot-inspection-outcome", "-o", str(again), "--as-of", AS_OF,
                      "--no-cache")          # laid out again, not reused from the first run
    assert result.exit_code == 0
    assert again.read_bytes() == papers["wolverhampton-yot-inspection-outcome"].read_bytes()
    with pikepdf.open(again) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20220316")      # the report's date
        assert "/ModDate" not in pdf.docinfo
        first, second = pdf.trailer.ID
        assert bytes(first) == bytes(second)


def test_stand_alone_papers_are_numbered_from_one_and_not_stamped(papers):
    pages = page_texts(papers["wolverhampton-yot-inspection-outcome"])
    assert [re.findall(r"^\s*Page (\d+)\s*$", t, re.M)[-1] for t in pages] == [str(n) for n in range(1, len(pages) + 1)]
    assert not any("Agenda Item" in t for t in pages)


def test_unknown_paper_is_a_usage_error():
    result = scrutiny("paper", "report", "wolverhampton-yot-inspection-outcom")
    assert result.exit_code == 2
    assert "wolverhampton-yot-inspection-outcome" in result.output       # did you mean


def test_paper_of_a_withheld_record_writes_nothing(tmp_path):
    target = tmp_path / "early.pdf"
    result = scrutiny("paper", "inspection", "torbay-2021", "-o", str(target), "--as-of", "2021-03-01")
    assert result.exit_code == 1
    assert "embargoed" in result.output and not target.exists()


def test_a_drafts_preview_marks_every_page_draft(tmp_path):
    target = tmp_path / "preview.pdf"
    result = scrutiny("paper", "action-plan", "dudley-2019-progress", "--drafts", "-o", str(target), "--as-of", AS_OF)
    assert result.exit_code == 0, result.output
    pages = page_texts(target)
    assert pages and all("DRAFT - not for publication" in t for t in pages)


def test_a_process_that_lays_out_documents_freezes_what_weasyprint_left_from_its_import(monkeypatch):
    """The cycle collector's full passes during layout would otherwise walk every object of
    WeasyPrint's import again and again (generator/render/paper_worker.py). The build's own
    process (-j 1) does it before its first document, and not at all when it lays out none."""
    import gc

    from generator.render import paper_worker, papers
    calls = []
    monkeypatch.setattr(paper_worker, "init", lambda *args: calls.append(args))
    runner = papers.SerialRunner()
    assert runner.completed() == [] and calls == []          # nothing laid out: nothing set up
    for key in ("a", "b"):
        runner.submit(papers.Task(key, key, str.upper, key))
    assert runner.completed() == [("a", "A"), ("b", "B")] and calls == [()]
    monkeypatch.undo()

    gc.unfreeze()
    try:
        paper_worker.init()
        assert gc.get_freeze_count() > 10_000                 # WeasyPrint and the libraries under it
    finally:
        gc.unfreeze()


def test_a_paper_withdrawn_since_it_was_made_is_named_where_the_published_papers_go(tmp_path):
    """A pack made while its meeting was public stayed in output/papers after the meeting went
    back to draft: `pack` refused, wrote nothing, and said nothing of the old file a clerk
    might still upload (helper-33). It now names the file; it deletes nothing, since another
    record's paper, or the clerk's own file, may have the name (helper-36, helper-37)."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    papers = root / "output" / "papers"
    given = tmp_path / "mine" / "wolverhampton-2021.pdf"
    assert scrutiny("pack", "torbay-cyp-osb-2021-03-01", "-j", "1", root=root).exit_code == 0
    assert scrutiny("paper", "inspection", "wolverhampton-2021", root=root).exit_code == 0
    assert scrutiny("paper", "inspection", "wolverhampton-2021", "-o", str(given), root=root).exit_code == 0
    made = sorted(p.name for p in papers.iterdir())
    assert made == ["torbay-cyp-osb-2021-03-01-agenda-pack.pdf", "wolverhampton-2021.pdf"]
    for record in ("meetings/torbay-cyp-osb-2021-03-01.yaml", "inspections/wolverhampton-2021.yaml"):
        path = root / "content" / record
        path.write_text(path.read_text(encoding="utf-8").replace("status: published", "status: draft", 1),
                        encoding="utf-8")

    pack = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "-j", "1", root=root)
    members = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--members", "-j", "1", root=root)
    paper = scrutiny("paper", "inspection", "wolverhampton-2021", root=root)
    mine = scrutiny("paper", "inspection", "wolverhampton-2021", "-o", str(given), root=root)
    assert (pack.exit_code, members.exit_code, paper.exit_code, mine.exit_code) == (1, 1, 1, 1)
    assert members.exception is None or isinstance(members.exception, SystemExit), members.exception
    assert "not public (draft); nothing was written" in pack.output
    for result, path in ((pack, papers / made[0]), (paper, papers / made[1]), (mine, given)):
        assert (f"warning: {path} was made earlier, and it is not public now: if it is this paper, delete it "
                "rather than publish it") in result.output
    assert sorted(p.name for p in papers.iterdir()) == made and given.is_file()


def test_a_pack_not_public_at_an_earlier_as_of_says_nothing_of_the_one_made_now(tmp_path):
    """The Torbay pack, made now, is public; asked for as of 2 March 2021, before its papers'
    embargo ended, it is refused, but the file made now is no paper to delete (helper-47)."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    assert scrutiny("pack", "torbay-cyp-osb-2021-03-01", "-j", "1", root=root).exit_code == 0
    earlier = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--as-of", "2021-03-02", "-j", "1", root=root)
    assert earlier.exit_code == 1, earlier.output
    assert "nothing was written" in earlier.output and "was made earlier" not in earlier.output
    assert (root / "output/papers/torbay-cyp-osb-2021-03-01-agenda-pack.pdf").is_file()


def test_a_pack_withdrawn_since_it_was_made_is_named_when_asked_for_as_of_another_moment(tmp_path):
    """The Torbay meeting goes back to draft after its pack is made: asked for as of 2 March
    2021 it is refused, and the file made earlier is named, since it is not public now either
    (helper-47 was only about a pack that is public now)."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    assert scrutiny("pack", "torbay-cyp-osb-2021-03-01", "-j", "1", root=root).exit_code == 0
    path = root / "content" / "meetings" / "torbay-cyp-osb-2021-03-01.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("status: published", "status: draft", 1),
                    encoding="utf-8")
    earlier = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--as-of", "2021-03-02", "-j", "1", root=root)
    assert earlier.exit_code == 1, earlier.output
    made = root / "output" / "papers" / "torbay-cyp-osb-2021-03-01-agenda-pack.pdf"
    assert f"warning: {made} was made earlier, and it is not public now" in earlier.output


def test_a_paper_made_before_its_issue_day_is_a_preview_and_names_the_earlier_one(tmp_path):
    """The report is To Follow at the cabinet of 16 March 2022 and an item of a later one whose
    papers are issued on 7 December 2099: made as issued, it is not issued yet (helper-36), and
    the copy made when the first meeting carried it is named (helper-37)."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    first = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    text = first.read_text(encoding="utf-8")
    later = (text.replace("date: 2022-03-16 ", "date: 2099-12-14 ", 1)
             .replace("status: published", "issued: 2099-12-07\nstatus: published", 1))
    (root / "content" / "meetings" / "wolverhampton-cabinet-2099-12-14.yaml").write_text(later, encoding="utf-8")
    first.write_text(text.replace("    report: wolverhampton-yot-inspection-outcome",
                                  "    report: wolverhampton-yot-inspection-outcome\n    to_follow: true", 1),
                     encoding="utf-8")
    (root / "output" / "papers").mkdir(parents=True)
    earlier = root / "output" / "papers" / "wolverhampton-yot-inspection-outcome.pdf"
    earlier.write_bytes(b"%PDF- made when the first meeting carried it")
    made = scrutiny("paper", "report", "wolverhampton-yot-inspection-outcome", root=root)
    assert made.exit_code == 0, made.output
    assert (root / "output/preview-papers/wolverhampton-yot-inspection-outcome.pdf").is_file()
    assert earlier.read_bytes() == b"%PDF- made when the first meeting carried it"
    assert (f"warning: {earlier} was made earlier, and this paper is not issued until 7 December 2099: if it is "
            "this paper, delete it rather than publish it") in made.output


def test_a_members_pack_preview_folder_is_private_and_never_a_way_out(tmp_path):
    """output/confidential/preview/ was made 0755, and a link there put the members' pack in
    a folder anyone could read (helper-37)."""
    import os
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    first = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--members", "--drafts", "-j", "1", root=root)
    assert first.exit_code == 0, first.output
    preview = root / "output" / "confidential" / "preview"
    assert preview.stat().st_mode & 0o777 == 0o700 and "could be read by other users" not in first.output
    for pdf in preview.iterdir():
        pdf.unlink()
    preview.rmdir()
    world = tmp_path / "world"
    world.mkdir()
    os.symlink(world, preview)
    linked = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--members", "--drafts", "-j", "1", root=root)
    assert linked.exit_code == 1 and "leads out of" in linked.output
    assert list(world.iterdir()) == []


def test_a_members_pack_refused_by_its_default_place_names_no_option(tmp_path):
    """With output/confidential a link into the live site and no -o given, the refusal said
    "Invalid value for -o/--output" (helper-37): the clerk gave no -o, and the fix is the link."""
    import os
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    built = scrutiny("build", "--no-pdf", "--no-search", root=root)
    assert built.exit_code == 0, built.output
    os.symlink(root / "output" / "site", root / "output" / "confidential")
    refused = scrutiny("pack", "torbay-cyp-osb-2021-03-01", "--members", "-j", "1", root=root)
    assert refused.exit_code == 1, refused.output
    assert "-o/--output" not in refused.output and "output/confidential leads there" in refused.output
    assert "nothing was written" in refused.output
    assert not list((root / "output" / "site").glob("*members-pack.pdf"))


def test_a_paper_whose_default_name_another_records_paper_has_says_so(tmp_path):
    # docs/papers.md: a report and an inspection (or an action plan) with the same id share
    # output/papers/ID.pdf; making one replaces the other, and the clerk is told.
    root = copy_site(tmp_path)
    plans = root / "content" / "action-plans"
    (plans / "torbay-2021-oocd.yaml").rename(plans / "torbay-2021.yaml")
    meeting = root / "content" / "meetings" / "torbay-cyp-osb-2021-03-01.yaml"
    meeting.write_text(meeting.read_text().replace("action_plan: torbay-2021-oocd", "action_plan: torbay-2021"))
    result = scrutiny("paper", "action-plan", "torbay-2021", root=root)
    assert result.exit_code == 0, result.output
    assert (root / "output" / "papers" / "torbay-2021.pdf").is_file()
    assert (f"warning: {root / 'output' / 'papers' / 'torbay-2021.pdf'} is also the name of inspection "
            "torbay-2021's paper: whichever is made last replaces the other (give one of them -o)") in result.stderr


def _words(path: Path) -> list[tuple[int, str, float, float]]:
    """(page, word, left edge, right edge) of every word of a PDF, as pdftotext places it."""
    xml = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    words = []
    for number, page in enumerate(xml.split("<page ")[1:], start=1):
        words += [(number, m[3], float(m[1]), float(m[2]))
                  for m in re.finditer(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]+)<', page)]
    return words


def test_the_key_questions_band_is_a_word_set_left_and_the_percentages_right(papers):
    """Words align left, numbers right: the Band column ("Good", "Inadequate", "Outstanding")
    was set right like the percentages, so its words started at different places."""
    words = _words(papers["torbay-2021"])
    band = {page: left for page, word, left, _ in words if word == "Band"}     # the column's heading on each page
    assert band
    # Torbay's key questions (content/inspections/torbay-2021.yaml): 3.2.1 is 2 of 3 (67%, Good);
    # 3.2.2 is 0 of 2 (Inadequate); 2.1.1 is 4 of 4 (Outstanding).
    banded = [(page, word, left) for page, word, left, _ in words
              if page in band and word in ("Good", "Inadequate", "Outstanding") and left >= band[page] - 1]
    assert {word for _, word, _ in banded} == {"Good", "Inadequate", "Outstanding"}
    assert all(abs(left - band[page]) < 1 for page, _, left in banded), banded
    # "% yes" is one heading, over the right edge of its percentages.
    heading = {page: right for page, word, _, right in words if word == "yes" and page in band}
    percents = [(page, right) for page, word, left, right in words
                if page in band and re.fullmatch(r"\d+%", word) and band[page] - 60 < left < band[page]]
    assert percents and all(abs(right - heading[page]) < 1 for page, right in percents), (heading, percents)


KQ_ROW = re.compile(r"^\s*(\d\.\d)(?: [^:\n]+: | ?\.\d )", re.M)     # "2.1 Assessment: ..." or "2.1.1 Does ..."


@pytest.mark.parametrize("paragraphs", [2, 3, 4])
def test_a_standards_key_questions_are_never_split_across_pages_the_first_standard_included(tmp_path, paragraphs):
    """print.css: the key-question table splits between standards, never inside one. WeasyPrint
    keeps a row group whole (break-inside) except the first after the table's head, so Torbay's
    2.1 was printed as its heading and 2.1.1 on one page and 2.1.2 on the next. A longer
    introduction (2 to 4 more paragraphs) brings the page's end to the first standard's rows."""
    root = copy_site(tmp_path / "site")
    record = root / "content" / "inspections" / "torbay-2021.yaml"
    more = "".join(f"\n  A further paragraph ({n}) of the introduction, one line long.\n" for n in range(paragraphs))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("scoring 16 out of 36.\n", "scoring 16 out of 36.\n" + more, 1), encoding="utf-8")
    target = tmp_path / "findings.pdf"
    result = scrutiny("paper", "inspection", "torbay-2021", "-o", str(target), "--as-of", AS_OF, root=root)
    assert result.exit_code == 0, result.output
    texts = page_texts(target)
    pages_of: dict[str, set[int]] = {}
    for number, page in enumerate(texts, 1):
        for match in KQ_ROW.finditer(page):
            pages_of.setdefault(match[1], set()).add(number)
    # The twelve standards of the 2018 framework, less the four of domain one (no figures).
    assert sorted(pages_of) == ["2.1", "2.2", "2.3", "2.4", "3.1", "3.2", "3.3", "3.4"]
    assert {standard: pages for standard, pages in pages_of.items() if len(pages) > 1} == {}
    # The table starts on a new page: the page's end fell near its first standard.
    heading = next(n for n, page in enumerate(texts, 1) if re.search(r"^Key questions$", page, re.M))
    assert pages_of["2.1"] == {heading + 1}, (heading, pages_of)


def test_a_findings_papers_title_says_which_date_is_not_recorded(papers):
    """WCAG 2.4.2 (PDF18): the title a reader's window shows describes the paper. Dudley's 2019
    inspection has no publication date recorded: "inspection findings (not recorded)" read as if
    the findings were not recorded."""
    titles = {}
    for name in ("torbay-2021", "dudley-2019"):
        with pikepdf.open(papers[name]) as pdf:
            titles[name] = str(pdf.docinfo.Title)
    assert titles == {"torbay-2021": "Torbay Youth Offending Team: inspection findings (March 2021)",
                      "dudley-2019": "Dudley Youth Offending Service: inspection findings (publication date not recorded)"}


def test_a_report_or_action_plan_printed_on_its_own_is_titled_with_its_council(papers):
    """WCAG 2.4.2: a viewer shows the title in place of the file's name. Two councils' reports
    may share a title ("Youth Offending Team Inspection Outcome"), and a councillor may have
    both open, so a paper names its council, as a findings paper names its service; its day is
    in the council's style (Dudley writes "17th March 2021")."""
    titles = {}
    for name in ("wolverhampton-yot-inspection-outcome", "dudley-yos-action-plan-update", "torbay-2021-oocd"):
        with pikepdf.open(papers[name]) as pdf:
            titles[name] = (str(pdf.docinfo.Title), str(pdf.open_metadata()["dc:title"]))
    assert titles == {
        "wolverhampton-yot-inspection-outcome": (
            ("City of Wolverhampton Council: Youth Offending Team Inspection Outcome (16 March 2022)",) * 2),
        "dudley-yos-action-plan-update": (
            ("Dudley Metropolitan Borough Council: Update on the Youth Offending Service Inspection Action Plan "
             "(17th March 2021)",) * 2),
        "torbay-2021-oocd": (
            ("Torbay Council: YOT Improvement Plan for OOCD's Assessment, Decision Making and Processes",) * 2)}


REPORT_FOR_O = ("---\ncouncil: dudley\ntitle: Inspection outcome\ndate: 2024-01-10\n---\n## Purpose\n\nTo report.\n")


@pytest.mark.parametrize("command", [("paper", "report", "r"), ("pack", "m")], ids=["paper", "pack"])
def test_o_naming_the_report_itself_is_refused_and_the_report_is_kept(tmp_path, make_site, command):
    """`-o content/reports/r.md` wrote the PDF over the report it was made from (helper-58)."""
    root = make_site(tmp_path, {"councils/dudley.yaml": "name: Dudley Council\n", "reports/r.md": REPORT_FOR_O,
                                "meetings/m.yaml": "council: dudley\ncommittee: Scrutiny\ndate: 2024-01-10\n"
                                                   "items:\n  - {number: 1, title: Outcome, report: r}\n"})
    report = root / "content/reports/r.md"
    result = scrutiny(*command, "-o", str(report), "--as-of", AS_OF, root=root)
    assert result.exit_code == 2, result.output
    assert "inside content/" in result.output and "nothing was written" in result.output
    assert report.read_text(encoding="utf-8") == REPORT_FOR_O


def test_o_naming_a_file_that_is_not_a_pdf_is_refused_and_the_file_is_kept(tmp_path, make_site):
    root = make_site(tmp_path, {"councils/dudley.yaml": "name: Dudley Council\n", "reports/r.md": REPORT_FOR_O})
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK\x03\x04 the clerk's notes")
    result = scrutiny("paper", "report", "r", "-o", str(notes), "--as-of", AS_OF, root=root)
    assert result.exit_code == 2, result.output
    assert "is not a PDF" in result.output
    assert notes.read_bytes() == b"PK\x03\x04 the clerk's notes"


def test_o_naming_an_earlier_pdf_replaces_it(tmp_path, make_site):
    root = make_site(tmp_path, {"councils/dudley.yaml": "name: Dudley Council\n", "reports/r.md": REPORT_FOR_O})
    target = tmp_path / "r.pdf"
    target.write_bytes(b"%PDF-1.7 an earlier paper")
    result = scrutiny("paper", "report", "r", "-o", str(target), "--as-of", AS_OF, root=root)
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF-") and b"an earlier paper" not in target.read_bytes()


def test_a_papers_title_writes_its_day_in_the_councils_style_and_the_sites_page_title_keeps_it_plain(
        tmp_path, make_site):
    """The title a viewer shows (DisplayDocTitle) is printed with the paper, so a council that
    writes ordinals has them there too (docs/papers.md: on every day a paper prints); the
    site's pages stay plain."""
    root = make_site(tmp_path, {
        "councils/torbay.yaml": "name: Torbay Council\nnation: england\ndate_style: ordinal\n",
        "inspections/i.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2024-01-01\n"
                              "overall: {rating: Good}\n",
        "meetings/m.yaml": ("council: torbay\ncommittee: Board\ndate: 2024-03-13\nitems:\n"
                            "  - {number: 1, title: Findings, appendices: [{title: Findings, inspection: i}]}\n")})
    findings, agenda = tmp_path / "i.pdf", tmp_path / "m.pdf"
    for args, target in ((("paper", "inspection", "i"), findings), (("pack", "m"), agenda)):
        result = scrutiny(*args, "-o", str(target), root=root)
        assert result.exit_code == 0, result.output
    with pikepdf.open(findings) as pdf:
        assert str(pdf.docinfo.Title) == "Torbay Youth Offending Team: inspection findings (1st January 2024)"
    with pikepdf.open(agenda) as pdf:
        assert str(pdf.docinfo.Title) == "Board, 13th March 2024, Torbay Council: agenda pack"
    result = scrutiny("build", "-q", "--no-pdf", "--no-search", root=root)
    assert result.exit_code == 0, result.output
    page = (root / "output/site/meetings/m/index.html").read_text(encoding="utf-8")
    assert "<title>Board, 13 March 2024" in page and "13th" not in page


def test_a_table_too_long_for_its_page_starts_under_its_heading_with_no_page_left_blank(tmp_path, make_site):
    # WeasyPrint 70, asked to keep a table whole that cannot be, left the heading alone on one
    # page and the (unseen) caption alone on the next: two near-blank pages, and a /Table holding
    # only its caption. Such a table starts under its heading and breaks, its header repeated.
    rows = "".join(f"| {n} | Budget line {n}, staffing and office costs for the year | £{n},000 |\n"
                   for n in range(1, 61))
    root = make_site(tmp_path / "long", {
        "councils/w.yaml": "name: W Council\n",
        "reports/r.md": ("---\ncouncil: w\ntitle: Budget\ndate: 2024-01-10\n---\n## Purpose\n\n"
                         + "To report the budget, line by line. " * 40 + "\n\n## Budget lines\n\n"
                         + "| Line | Description | Amount |\n|---|---|---|\n" + rows + "\n## Conclusion\n\nDone.\n")})
    pdf_path = report_paper(root, tmp_path / "long.pdf")
    pages = page_texts(pdf_path)
    heading = [i for i, t in enumerate(pages) if "Budget lines" in t]
    assert heading and re.search(r"^\s*1\s+Budget line 1,", pages[heading[0]], re.M), pages[heading[0]]
    assert all("Budget line" in t for t in pages[heading[0]:-1]), "a page under the heading holds no row"
    with pikepdf.open(pdf_path) as pdf:
        assert check_tables_not_split(pdf) == [] and check_tables_have_headers(pdf) == []


def test_each_tables_caption_and_first_row_get_an_id_and_a_table_whose_rows_start_a_page_after_its_caption_is_found():
    html = ('<h2>A</h2><table><caption>A</caption>\n<thead>\n<tr><th>x</th></tr></thead><tbody><tr><td>1</td></tr>'
            '</tbody></table><table id="kept" class="t"><caption class="caption-hidden">B</caption><tr id=r2><td>2</td>'
            '</tr></table><table><tbody></tbody></table>')
    marked = mark_tables(html)
    assert marked.html == (
        '<h2>A</h2><table id="pdf-table-1"><caption id="pdf-table-1-caption">A</caption>\n<thead>\n'
        '<tr id="pdf-table-1-row"><th>x</th></tr></thead><tbody><tr id="pdf-table-row-1"><td>1</td></tr></tbody>'
        '</table><table id="kept" class="t"><caption id="pdf-table-2-caption" class="caption-hidden">B</caption>'
        '<tr id=r2><td>2</td></tr></table><table><tbody></tbody></table>')
    assert marked.tables == (("pdf-table-1", "pdf-table-1-caption", "pdf-table-1-row"),
                             ("kept", "pdf-table-2-caption", "r2"))
    assert marked.added == {"pdf-table-1", "pdf-table-1-caption", "pdf-table-1-row", "pdf-table-2-caption",
                            "pdf-table-row-1"}
    # A header row is drawn again on each page a table continues on: only body rows are watched.
    assert marked.body_rows == ("pdf-table-row-1", "r2")
    # The first table starts on page 1 with its caption; the second's caption is alone on page 2.
    pages = [SimpleNamespace(anchors={}),
             SimpleNamespace(anchors={"pdf-table-1-caption": (0, 0), "pdf-table-1-row": (0, 9), "pdf-table-1": (0, 9),
                                      "pdf-table-2-caption": (0, 700)}),
             SimpleNamespace(anchors={"pdf-table-1-row": (0, 0), "r2": (0, 0), "kept": (0, 0)})]
    assert tables_with_a_caption_alone(pages, marked.tables) == ["kept"]


def test_the_ids_given_to_find_tables_name_no_destination_in_the_pdf_and_the_documents_own_ids_still_do(tmp_path):
    tables = "".join(f"<table{attributes}><caption>C</caption><tr><th>h</th></tr><tr><td>1</td></tr></table>"
                     for attributes in ("", ' id="own"'))
    job = Job("k", "label", "content/reports/x.md", f'<html lang="en-GB"><title>t</title><body>{tables}</body></html>',
              "", str(tmp_path), (str(tmp_path),))
    with pikepdf.open(io.BytesIO(render(job).data)) as pdf:
        dests = pdf.Root.Names.Dests.Names
        assert [str(name) for name in dests[::2]] == ["own"]


def test_a_markdown_heading_that_skips_levels_is_tagged_one_level_below_the_one_before(tmp_path, make_site):
    # "#### Detail" straight under "## Purpose" was tagged H4 after H2: a skipped level, which a
    # tagged PDF may not have (PDF/UA-1 7.4.2). It reads, and is tagged, as the third level.
    site = make_site(tmp_path / "gap", {
        "councils/w.yaml": "name: W Council\n",
        "reports/r.md": ("---\ncouncil: w\ntitle: Inspection outcome\ndate: 2024-01-10\n---\n## Purpose\n\n"
                         "To report the outcome.\n\n#### Detail\n\nThe detail.\n\n###### Finer detail\n\nMore.\n")})
    with pikepdf.open(report_paper(site, tmp_path / "gap.pdf")) as pdf:
        headings = [tag(e) for e in elements(pdf) if re.fullmatch(r"/H[1-6]", tag(e))]
        assert headings == ["/H1", "/H2", "/H3", "/H4"], headings
        assert check_headings_in_sequence(pdf) == []


def action_plan_pdf(tmp_path: Path, make_site, plan_text: str) -> Path:
    """The paper of the action plan `plan_text` (of Torbay's 2021 inspection), made as at 2 August 2021."""
    root = make_site(tmp_path, {
        "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n",
        "action-plans/torbay-2021-plan.yaml": plan_text})
    target = tmp_path / "plan.pdf"
    result = scrutiny("paper", "action-plan", "torbay-2021-plan", "-o", str(target), "--as-of", "2021-08-02",
                      root=root)
    assert result.exit_code == 0, result.output
    return target


def word_boxes(path: Path) -> list[tuple[int, str, float, float]]:
    """(page index, word, left, right) of every word pdftotext finds, in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    boxes, page = [], -1
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line)
        if found:
            boxes.append((page, found[3], float(found[1]), float(found[2])))
    return boxes


def test_a_long_unbroken_reference_in_an_action_plan_breaks_in_its_column_and_an_email_address_stays_whole(
        tmp_path, make_site):
    # A file's name of 90 characters with no space, slash or hyphen widened its column until the
    # table ran off the landscape page, cutting off Progress and RAG. It now breaks where its
    # column ends; a 48-character email address still widens its column and prints whole.
    reference = "OOCD_Panel_Decision_Record_Template_CV_Contacts_Version_3_Final_Approved_By_YOT_Board.docx"
    email = "youth.offending.service.improvements@torbay.gov.uk"[2:]
    assert (len(reference), len(email)) == (90, 48)
    plan_text = ("inspection: torbay-2021\ntitle: Improvement plan\nactions:\n"
                 f"  - {{id: A1, action: Set up a working group, how: Minutes filed as {reference},\n"
                 f"     who: 'Team manager, {email}', due: 2021-07}}\n"
                 "  - {id: A2, action: Review the panel, due: 2021-07}\n")
    pdf_path = action_plan_pdf(tmp_path, make_site, plan_text)
    boxes = word_boxes(pdf_path)
    with pikepdf.open(pdf_path) as pdf:
        width = float(pdf.pages[0].mediabox[2])
    margin = 1.6 / 2.54 * 72                      # print.css: the landscape page's side margins
    assert width > 800                            # A4 landscape
    assert [word for _, word, _, right in boxes if right > width - margin + 1] == []
    header = [word for page, word, _, _ in boxes if page == 0]
    assert "Progress" in header and "RAG" in header
    assert email in header                        # one word, on one line
    assert reference not in header                # broken in its column...
    pieces = [word for page, word, _, _ in boxes if page == 0 and word.startswith(("OOCD_", "Minutes"))]
    assert pieces and pieces[0] != reference


def test_an_action_taller_than_a_page_splits_under_the_repeated_header_row_and_is_one_row_in_the_tags(
        tmp_path, make_site):
    # A row is kept whole (house style) unless it is taller than a page. WeasyPrint 70 then left
    # the heading alone on page 1 and the caption alone on page 2, and printed the row's pages
    # without the header row, whose tag fragments stayed apart. It now starts under the caption,
    # every page it fills has the header row, and the tags hold one table of two actions.
    steps = " ".join(f"Step {n}, the case worker reviews the assessment with the manager and records it."
                     for n in range(1, 61))
    plan_text = ("inspection: torbay-2021\ntitle: Improvement plan\nactions:\n"
                 f"  - {{id: A1, action: Set up a working group, how: '{steps}', due: 2021-07}}\n"
                 "  - {id: A2, action: Review the panel, due: 2021-07}\n")
    pdf_path = action_plan_pdf(tmp_path, make_site, plan_text)
    pages = page_texts(pdf_path)
    assert len(pages) >= 3
    assert re.search(r"^\s*A1\s+Set up a", pages[0], re.M), pages[0]     # under the caption, on page 1
    for number, text in enumerate(pages, start=1):
        assert re.search(r"^\s*Ref\s+Improvement(?: action)?\s+How\s+Who\s+Resources.*RAG\s*$", text, re.M), (number, text)
    assert "Step 60," in pages[-1] or "Step 60," in pages[-2]
    with pikepdf.open(pdf_path) as pdf:
        assert check_tables_not_split(pdf) == [] and check_tables_have_headers(pdf) == []
        tables = [e for e in elements(pdf) if tag(e) == "/Table"]
        assert len(tables) == 1
        bodies = [k for k in kids(tables[0]) if is_elem(k) and tag(k) == "/TBody"]
        rows = [r for body in bodies for r in kids(body) if is_elem(r) and tag(r) == "/TR"]
        assert len(rows) == 2                     # A1 and A2, not A1 once for each page it fills

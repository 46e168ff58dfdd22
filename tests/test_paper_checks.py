"""Checks between papers and packs (issue 25): each fires on a planted case at its
file:line:column, and is silent on the shipped content.

The lines and columns below are typed in from the planted text (counted by hand), never
taken from the program's output.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from generator.build import check_site
from generator.problems import Severity
from site_helpers import REPO, flat
from site_helpers import pdf_texts as texts

AS_OF = dt.date(2024, 2, 1)
W, N = Severity.WARNING, Severity.NOTICE

COUNCILS = {
    "councils/dudley.yaml": "name: Dudley Council\n",
    "councils/wolverhampton.yaml": "name: City of Wolverhampton Council\npaper_style: front_sheet\n",
}
REPORT = """\
---
council: wolverhampton
title: Inspection outcome
date: 2024-01-10
---
## Purpose

The ratings are in Table 1 below. The action plan is at Appendix 2.

| Area | Rating |
|---|---|
| Staff | Good |

The full figures are in Table 2.
"""
MEETING = """\
council: wolverhampton
committee: Cabinet
date: 2024-01-10
items:
  - number: 1
    title: Inspection outcome
    report: outcome
    appendices:
      - {title: Summary of the inspection, markdown: attachments/summary.md}
"""


def problems_of(tmp_path, make_site, files: dict) -> list[tuple]:
    root = make_site(tmp_path, {**COUNCILS, "attachments/summary.md": "A summary.\n", **files})
    checked = check_site(root, AS_OF)
    assert not checked.errors, [str(p) for p in checked.errors]
    return [(p.path, p.line, p.column, p.severity, p.field, p.message) for p in checked.problems]


def test_a_report_citing_an_appendix_its_item_does_not_hold_is_a_warning_at_the_citation(tmp_path, make_site):
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": MEETING})
    # "Appendix 2" stands on line 8, from column 57; the item holds one appendix.
    assert ("content/reports/outcome.md", 8, 57, W, "body",
            "the report cites Appendix 2 but agenda item 1 of cabinet has 1 appendix") in found


def test_the_appendices_an_item_holds_are_counted_in_british_english(tmp_path, make_site):
    # An item with no appendix, or two: "appendices", as the agenda and every doc write it (helper-72).
    none = MEETING.split("    appendices:")[0]
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": none})
    assert ("content/reports/outcome.md", 8, 57, W, "body",
            "the report cites Appendix 2 but agenda item 1 of cabinet has 0 appendices") in found
    two = MEETING + "      - {title: A second summary, markdown: attachments/summary.md}\n"
    cites_three = REPORT.replace("Appendix 2", "Appendix 3")
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": cites_three, "meetings/cabinet.yaml": two})
    assert ("content/reports/outcome.md", 8, 57, W, "body",
            "the report cites Appendix 3 but agenda item 1 of cabinet has 2 appendices") in found


def test_a_report_citing_a_table_it_does_not_draw_is_a_warning_at_the_citation(tmp_path, make_site):
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": MEETING})
    # Table 1 is the Markdown table; "Table 2" (line 14, column 25) is not there.
    assert ("content/reports/outcome.md", 14, 25, W, "body", "the report cites Table 2 but draws 1 table") in found
    assert not [p for p in found if "Table 1" in p[5]]


def test_an_appendix_marked_to_follow_is_not_missing(tmp_path, make_site):
    to_follow = MEETING.replace("    report: outcome\n", "    report: outcome\n    to_follow: true\n")
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": to_follow})
    assert not [p for p in found if "Appendix" in p[5]]


def test_a_report_of_another_council_in_a_meeting_is_a_warning_at_the_item(tmp_path, make_site):
    dudley_report = REPORT.replace("council: wolverhampton", "council: dudley").replace("Appendix 2", "Appendix 1")
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": dudley_report, "meetings/cabinet.yaml": MEETING})
    # items.0.report: line 7, column 13 of the meeting.
    assert ("content/meetings/cabinet.yaml", 7, 13, W, "items.0.report",
            "report 'outcome' is dudley's paper, on the agenda of a wolverhampton meeting") in found


def test_two_inspections_of_one_service_published_the_same_day_is_a_warning(tmp_path, make_site):
    one = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
    found = problems_of(tmp_path, make_site, {"inspections/torbay-2021.yaml": one,
                                              "inspections/torbay-2021-copy.yaml": one})
    # The second by id is reported, at its 'published' (line 3, column 12).
    assert ("content/inspections/torbay-2021-copy.yaml", 3, 12, W, "published",
            "torbay-2021 is an inspection of torbay-yot published on 2021-03-03 too") in found


def test_an_appendix_file_over_ten_megabytes_is_a_notice_at_its_line(tmp_path, make_site):
    big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1)
    meeting = MEETING.replace("markdown: attachments/summary.md", "pdf: attachments/big.pdf")
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT.replace("Appendix 2", "Appendix 1"),
                                              "meetings/cabinet.yaml": meeting, "attachments/big.pdf": big})
    # the pdf: value on line 9, column 49
    assert ("content/meetings/cabinet.yaml", 9, 49, N, "items.0.appendices.0.pdf",
            "content/attachments/big.pdf is 10.0 MB") in found


WOLVERHAMPTON_YOT = "name: Wolverhampton Youth Offending Team\ncouncil: wolverhampton\n"


def test_a_council_with_papers_left_out_of_own_councils_is_a_warning_at_own_councils(tmp_path, make_site):
    # A new council's meeting and report, with site.yaml still listing only the old councils: its
    # inspections would be on the national page alone, missing from Inspections and Services.
    site = "title: T\norganisation: O\nown_councils: [dudley]\n"
    files = {"site.yaml": site, "reports/outcome.md": REPORT.replace("Appendix 2", "Appendix 1"),
             "meetings/cabinet.yaml": MEETING, "services/wolverhampton-yot.yaml": WOLVERHAMPTON_YOT}
    found = problems_of(tmp_path, make_site, files)
    # own_councils' value: line 3, column 15 of site.yaml.
    assert ("content/site.yaml", 3, 15, W, "own_councils",
            "council 'wolverhampton' has papers here (cabinet, outcome) but is not among the site's own "
            "councils: its inspections are listed only on the national page, not under Inspections or "
            "Services") in found
    listed = problems_of(tmp_path / "listed", make_site,
                         {**files, "site.yaml": site.replace("[dudley]", "[dudley, wolverhampton]")})
    assert not [p for p in listed if p[4] == "own_councils"], listed


def test_a_council_with_papers_but_no_service_here_is_no_warning_at_own_councils(tmp_path, make_site):
    # A partner council of a joint service (its inspections are the lead council's service's)
    # has its own committee's papers here; no list leaves anything of it out.
    site = "title: T\norganisation: O\nown_councils: [dudley]\n"
    found = problems_of(tmp_path, make_site, {"site.yaml": site, "meetings/cabinet.yaml": MEETING,
                                              "reports/outcome.md": REPORT.replace("Appendix 2", "Appendix 1")})
    assert not [p for p in found if p[4] == "own_councils"], found


SUPPLEMENTARY = """\
council: wolverhampton
committee: Cabinet
date: 2024-01-10
pack: supplementary
issued: 2024-01-08
items:
  - number: 2
    title: Late summary
    appendices:
      - {title: Late summary, markdown: attachments/summary.md}
"""


def test_a_supplementary_pack_numbered_from_where_its_agenda_starts_is_a_warning(tmp_path, make_site):
    # The agenda (cabinet) numbers item 1's papers from Page 1; the supplementary pack, with no
    # first_page, would print its own Page 1. Torbay's numbers on: item 9 on "Pages 13 - 70".
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": MEETING,
                                              "meetings/cabinet-supplementary.yaml": SUPPLEMENTARY})
    # pack: supplementary, line 4, column 7
    assert ("content/meetings/cabinet-supplementary.yaml", 4, 7, W, "pack",
            "this supplementary pack numbers its pages from 1, and cabinet, a pack of the same meeting issued "
            "before it, from 1: two of the meeting's papers would have the same page number") in found
    numbered_on = SUPPLEMENTARY + "first_page: 9\n"
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": MEETING,
                                              "meetings/cabinet-supplementary.yaml": numbered_on})
    assert not [p for p in found if "same page number" in p[5]]


def test_a_supplementary_pack_after_an_agenda_with_no_papers_may_start_at_page_one(tmp_path, make_site):
    # Every paper of the agenda is to follow: it has no numbered page, so nothing is numbered twice.
    to_follow = MEETING.replace("    report: outcome\n", "    report: outcome\n    to_follow: true\n")
    found = problems_of(tmp_path, make_site, {"reports/outcome.md": REPORT, "meetings/cabinet.yaml": to_follow,
                                              "meetings/cabinet-supplementary.yaml": SUPPLEMENTARY})
    assert not [p for p in found if "same page number" in p[5]]


def test_the_shipped_content_passes_every_paper_check():
    messages = [str(p) for p in check_site(REPO, dt.date(2026, 12, 5)).problems]
    for words in ("cites Appendix", "cites Table", "paper, on the agenda of", "published on", " MB",
                  "not among the site's own councils", "same page number"):
        assert not [m for m in messages if words in m], words


@pytest.mark.pdf
def test_a_reports_tables_are_numbered_so_its_text_can_cite_them(tmp_path, run_cli):
    target = tmp_path / "w.pdf"
    result = run_cli("paper", "report", "wolverhampton-yot-inspection-outcome", "-o", str(target), root=REPO)
    assert result.exit_code == 0, result.output
    text = flat("\n".join(texts(target)))
    # The reference: "Table 1 below outlines the judgements ..." over the ratings table.
    assert "Table 1 below gives the judgement" in text
    assert re.search(r"Table 1: [A-Z]", text), text[:3000]
    assert "Table 2:" not in text

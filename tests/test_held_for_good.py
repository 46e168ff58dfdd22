"""Nothing a clerk gave is left out silently: an agenda item, report or action plan that
waits for a draft (or for a record an agenda gives only as exempt) is never released by an
embargo ending, so `scrutiny check` says so at the line that gives it.

Lines and columns are typed in from the shipped files (content/meetings/...), counted by hand.
"""

from __future__ import annotations

import datetime as dt

from generator.build import check_site
from generator.plan.publication import public_corpus
from generator.problems import Severity
from site_helpers import copy_site, replace_in_file

TODAY = dt.date(2026, 11, 22)
DUDLEY = "content/meetings/dudley-csc-2021-03-17.yaml"
TORBAY = "content/meetings/torbay-cyp-osb-2021-03-01.yaml"


def found(root, as_of=TODAY) -> list[tuple]:
    checked = check_site(root, as_of)
    assert not checked.errors, [str(p) for p in checked.errors]
    return [(p.path, p.line, p.column, p.severity, p.field, p.message) for p in checked.problems]


def draft(root, path: str, written: str = "status: published") -> None:
    replace_in_file(root / path, f"\n{written}", "\nstatus: draft")


def about(problems: list[tuple], word: str) -> list[tuple]:
    return [p for p in problems if word in p[5]]


def test_an_item_whose_report_is_a_draft_is_a_warning_at_its_report_line_once_the_pack_is_issued(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/reports/dudley-yos-action-plan-update.md")
    # Item 5's "report:" value starts on line 31, column 13; the pack was issued in March 2021.
    assert (DUDLEY, 31, 13, Severity.WARNING, "items.4.report",
            "item 5's papers wait for report dudley-yos-action-plan-update, a draft "
            "(content/reports/dudley-yos-action-plan-update.md): the site and the pack list the item "
            "'To Follow', with none of its papers") in found(root)


def test_before_the_pack_is_issued_the_same_draft_is_a_notice(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/reports/dudley-yos-action-plan-update.md")
    # 17 March 2021, five clear days: issued on 11 March. On 1 March the report is still being written.
    problems = about(found(root, dt.date(2021, 3, 1)), "a draft")
    assert [(p[0], p[1], p[3]) for p in problems] == [(DUDLEY, 31, Severity.NOTICE)]


def test_a_draft_record_the_report_names_is_said_at_the_item_with_how_it_is_reached(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/action-plans/dudley-2019-progress.yaml")
    assert (DUDLEY, 31, 13, Severity.WARNING, "items.4.report",
            "item 5's papers wait for action plan dudley-2019-progress, which report dudley-yos-action-plan-update "
            "names, a draft (content/action-plans/dudley-2019-progress.yaml): the site and the pack list the item "
            "'To Follow', with none of its papers") in found(root)


def test_a_draft_inspection_in_an_appendix_is_said_once_at_the_appendix_giving_it(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/inspections/torbay-2021.yaml")
    problems = about(found(root), "torbay-2021, a draft") + about(found(root), "inspection torbay-2021, which")
    # Appendix 1's part "{inspection: torbay-2021}" is on line 22, its value at column 26; appendix 2's
    # action plan waits for the same draft, which is said once.
    assert [(p[0], p[1], p[2], p[3], p[4]) for p in problems] == [
        (TORBAY, 22, 26, Severity.WARNING, "items.0.appendices.0.parts.0.inspection")]


def test_a_cover_report_naming_an_inspection_given_only_as_exempt_is_said_at_the_item(tmp_path):
    root = copy_site(tmp_path)
    meeting = "content/meetings/wolverhampton-cabinet-2022-03-16.yaml"
    replace_in_file(root / meeting, "inspection: wolverhampton-2021}", "inspection: wolverhampton-2021, exempt: 1}")
    problems = about(found(root), "item 4's papers wait for")
    assert [(p[0], p[1], p[2], p[3]) for p in problems] == [(meeting, 25, 13, Severity.WARNING)]
    assert "given as exempt by wolverhampton-cabinet-2022-03-16 item 4 appendix 1 and openly by no item" \
        in problems[0][5]


def test_an_item_to_follow_waits_for_nobody(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/reports/dudley-yos-action-plan-update.md")
    replace_in_file(root / DUDLEY, "    report: dudley-yos-action-plan-update",
                    "    report: dudley-yos-action-plan-update\n    to_follow: true")
    assert about(found(root), "papers wait for") == []


def test_a_published_action_plan_of_a_draft_inspection_and_a_report_in_no_meeting_are_notices(tmp_path):
    root = copy_site(tmp_path)
    draft(root, "content/inspections/dudley-2019.yaml")
    replace_in_file(root / DUDLEY, "    report: dudley-yos-action-plan-update\n", "")
    problems = found(root)
    assert ("content/action-plans/dudley-2019-progress.yaml", 10, 13, Severity.NOTICE, "inspection",
            "the site leaves this action plan out: inspection dudley-2019 is a draft "
            "(content/inspections/dudley-2019.yaml)") in problems
    # The report names the inspection (line 8) and its plan (line 9): the one draft is said once.
    said = about(problems, "the site leaves this report out")
    assert [(p[0], p[1], p[2], p[3]) for p in said] == [
        ("content/reports/dudley-yos-action-plan-update.md", 8, 13, Severity.NOTICE)]


def test_the_shipped_content_waits_for_no_draft(tmp_path):
    assert about(found(copy_site(tmp_path)), "wait for") == []
    assert about(found(copy_site(tmp_path / "2")), "leaves this") == []


WOLVERHAMPTON = "content/meetings/wolverhampton-cabinet-2022-03-16.yaml"
LATER = "content/meetings/wolverhampton-cabinet-2022-04-20.yaml"
END_OF_TIME = dt.datetime(2100, 1, 1, tzinfo=dt.timezone.utc)     # every embargo ended, every pack issued


def exempt_at_item_4_and_given_openly_later(root, later_status: str, report: str | None = None) -> None:
    """Item 4 gives wolverhampton-2021 as an exempt appendix; a later meeting's item 1 gives it openly."""
    replace_in_file(root / WOLVERHAMPTON, "inspection: wolverhampton-2021}", "inspection: wolverhampton-2021, exempt: 1}")
    (root / LATER).write_text(
        f"council: wolverhampton\ncommittee: Cabinet\ndate: 2022-04-20\nstatus: {later_status}\nitems:\n"
        f"  - number: 1\n    title: Youth Offending Team Inspection Outcome\n"
        + (f"    report: {report}\n" if report else "")
        + "    appendices:\n      - {title: HMIP's inspection report, inspection: wolverhampton-2021}\n",
        encoding="utf-8")


def withheld_for_good(root) -> set[tuple[str, str]]:
    """What the site leaves out once every embargo has ended: the build's own rule."""
    return {(w.kind, w.id) for w in public_corpus(check_site(root, TODAY).corpus, END_OF_TIME)[1]}


def test_a_record_given_openly_only_by_a_draft_meeting_is_said_at_the_exempt_appendix_and_the_item(tmp_path):
    # content-format: exempt "unless an item of a public meeting gives it openly": a draft meeting opens nothing.
    root = copy_site(tmp_path)
    exempt_at_item_4_and_given_openly_later(root, "draft")
    problems = found(root)
    # Appendix 1's "inspection:" value is on line 28 at column 66; item 4's "report:" on line 25 at 13.
    assert (WOLVERHAMPTON, 28, 66, Severity.WARNING, "items.3.appendices.0.inspection",
            "the site does not publish inspection wolverhampton-2021 while an agenda gives it as exempt and no "
            "open item does: it is given openly only by wolverhampton-cabinet-2022-04-20 item 1, whose meeting "
            "is a draft") in problems
    assert (WOLVERHAMPTON, 25, 13, Severity.WARNING, "items.3.report",
            "item 4's papers wait for inspection wolverhampton-2021, which report wolverhampton-yot-inspection-outcome "
            "names, given as exempt by wolverhampton-cabinet-2022-03-16 item 4 appendix 1 and openly only by "
            "wolverhampton-cabinet-2022-04-20 item 1, whose meeting is a draft: the site and the pack list the item "
            "'To Follow', with none of its papers") in problems
    # the draft meeting's own item opens the record once published: nothing to say there
    assert [p for p in problems if p[0] == LATER] == []
    assert {("inspection", "wolverhampton-2021"), ("agenda_item", "wolverhampton-cabinet-2022-03-16 item 4")} \
        <= withheld_for_good(root)


def test_a_record_given_openly_only_by_an_item_held_back_is_said_with_what_holds_that_item(tmp_path):
    # user-guide: an item whose report is a draft is listed "To Follow" with none of its papers, so it opens nothing
    root = copy_site(tmp_path)
    exempt_at_item_4_and_given_openly_later(root, "published", report="wolverhampton-cover-note")
    (root / "content" / "reports" / "wolverhampton-cover-note.md").write_text(
        "---\ncouncil: wolverhampton\nkind: cabinet\ncommittee: Cabinet\ndate: 2022-04-20\ntitle: Cover note\n"
        "recommendations: {for_noting: [The outcome.]}\nstatus: draft\n---\nBeing written.\n", encoding="utf-8")
    problems = found(root)
    assert (WOLVERHAMPTON, 28, 66, Severity.WARNING, "items.3.appendices.0.inspection",
            "the site does not publish inspection wolverhampton-2021 while an agenda gives it as exempt and no "
            "open item does: it is given openly only by wolverhampton-cabinet-2022-04-20 item 1, which waits for "
            "report wolverhampton-cover-note, a draft (content/reports/wolverhampton-cover-note.md)") in problems
    # the held item is told what holds it, the draft, and not the exemption it would itself lift
    later = [(p[1], p[4], p[5]) for p in problems if p[0] == LATER]
    assert later == [(8, "items.0.report", "item 1's papers wait for report wolverhampton-cover-note, a draft "
                      "(content/reports/wolverhampton-cover-note.md): the site and the pack list the item "
                      "'To Follow', with none of its papers")]
    assert {("inspection", "wolverhampton-2021"), ("agenda_item", "wolverhampton-cabinet-2022-04-20 item 1")} \
        <= withheld_for_good(root)


def test_a_record_a_published_meeting_gives_openly_is_no_news_whatever_its_pack_s_issue_day(tmp_path):
    root = copy_site(tmp_path)
    exempt_at_item_4_and_given_openly_later(root, "published")
    assert about(found(root, dt.date(2022, 3, 1)), "wolverhampton-2021") == []
    assert ("inspection", "wolverhampton-2021") not in withheld_for_good(root)

"""What keeps a record off the site (docs/publishing.md, docs/content-format.md): a draft or an
embargo not yet ended; an inspection or action plan an agenda gives as an exempt appendix
(Schedule 12A) unless an item that opens it gives it openly too; and a record waiting for one it
depends on (a report for those its front matter names, an agenda item for its papers)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from generator.rules.withheld import exempt_unopened, item_records, named_by_report, withheld_reason

EMBARGO = dt.datetime(2021, 3, 3, 0, 1, tzinfo=dt.timezone.utc)     # 00:01 GMT, 3 March 2021


def appendix(number: int, *parts: tuple[str, str], exempt: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(number=number, parts=parts, exempt=exempt)


def test_a_record_given_as_exempt_is_withheld_unless_an_item_that_opens_it_gives_it_openly():
    given = [("A item 3 appendix 1", True, True, (("inspection", "torbay-2021"), ("pdf", "attachments/staff.pdf"))),
             ("B item 2 appendix 1", True, True, (("inspection", "torbay-2021"), ("action_plan", "torbay-plan"))),
             ("C item 4 appendix 1", False, False, (("inspection", "torbay-2021"),)),   # its item opens nothing
             ("D item 1 appendix 2", False, True, (("action_plan", "torbay-plan"),))]  # opened here
    # the first exempt appendix is named; a file is no record; the plan is opened by D
    assert exempt_unopened(given) == {("inspection", "torbay-2021"): "A item 3 appendix 1"}


def test_a_report_waits_for_the_inspection_action_plan_and_indicators_its_front_matter_names():
    front = SimpleNamespace(inspection="torbay-2021", action_plan=None, indicators="torbay-2021-q3")
    assert list(named_by_report(front)) == [("inspection", "torbay-2021"), ("indicators", "torbay-2021-q3")]


def test_an_item_waits_for_its_report_and_its_open_appendices_records_not_an_exempt_ones():
    appendices = [appendix(1, ("markdown", "attachments/summary.md"), ("inspection", "torbay-2021")),
                  appendix(2, ("action_plan", "torbay-plan"), exempt=3)]
    assert list(item_records("torbay-report", appendices)) == [
        ("report", "torbay-report", None), ("inspection", "torbay-2021", (1, 1))]
    # the members' pack holds the exempt appendix, so theirs waits for its plan too
    assert list(item_records(None, appendices, members=True)) == [
        ("inspection", "torbay-2021", (1, 1)), ("action_plan", "torbay-plan", (2, 0))]


def test_a_draft_is_withheld_first_then_an_embargo_not_yet_ended_then_an_exemption_then_what_it_waits_for():
    before, after = EMBARGO - dt.timedelta(minutes=1), EMBARGO
    assert withheld_reason(True, EMBARGO, before, "exempt") == "draft"
    assert withheld_reason(False, EMBARGO, before, "exempt") == "embargoed until 2021-03-03 00:01"
    assert withheld_reason(False, EMBARGO, after, "exempt") == "exempt"
    assert withheld_reason(False, EMBARGO, after, None, "inspection torbay-2021") == \
        "waits for inspection torbay-2021, which is withheld"
    assert withheld_reason(False, EMBARGO, after, None) is None
    # whatever the time (check's question), an embargo ends; a draft previewed is shown
    assert withheld_reason(False, EMBARGO, None, None) is None
    assert withheld_reason(True, None, after, None, include_drafts=True) is None

"""What keeps a record off the site (docs/publishing.md, docs/content-format.md): a draft or an
embargo not yet ended; an inspection or action plan an agenda gives as an exempt appendix
(Schedule 12A) unless an item that opens it gives it openly too; and a record waiting for one it
depends on (a report for those its front matter names, an agenda item for its papers)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from generator.model.types import Status
from generator.rules.withheld import Exemption, exempt_unopened, item_records, named_by_report, withheld_reason

EMBARGO = dt.datetime(2021, 3, 3, 0, 1, tzinfo=dt.timezone.utc)     # 00:01 GMT, 3 March 2021


def appendix(number: int, *parts: tuple[str, str], exempt: int | None = None) -> SimpleNamespace:
    return SimpleNamespace(number=number, parts=parts, exempt=exempt)


def item(number: int, *appendices, to_follow: bool = False, embargo_until: dt.datetime | None = None):
    return SimpleNamespace(number=number, appendices=appendices, to_follow=to_follow, embargo_until=embargo_until)


def meeting(*items, status: Status = Status.PUBLISHED, embargo_until: dt.datetime | None = None,
            issued: dt.date = dt.date(2021, 2, 24)) -> SimpleNamespace:
    return SimpleNamespace(items=items, status=status, embargo_until=embargo_until, issued=issued)


def test_a_record_given_as_exempt_is_withheld_unless_an_item_that_opens_it_gives_it_openly():
    inspection, plan = ("inspection", "torbay-2021"), ("action_plan", "torbay-plan")
    meetings = {"A": meeting(item(3, appendix(1, inspection, ("pdf", "attachments/staff.pdf"), exempt=3))),
                "B": meeting(item(2, appendix(1, inspection, plan, exempt=1))),
                "C": meeting(item(4, appendix(1, inspection)), status=Status.DRAFT),
                "D": meeting(item(1, appendix(2, plan)), item(5, appendix(1, inspection), to_follow=True)),
                "E": meeting(item(6, appendix(1, inspection)))}
    # the first exempt appendix is named; a file is no record; the plan is opened by D item 1; each
    # item giving the inspection openly opens nothing, and says why: a draft meeting, to follow, held back
    assert exempt_unopened(meetings, None, held={"E item 6": "report torbay-report, a draft"}) == {
        inspection: Exemption("A", 3, 1, 3, (("C item 4", ", whose meeting is a draft"),
                                             ("D item 5", ", which is to follow"),
                                             ("E item 6", ", which waits for report torbay-report, a draft")))}
    # whatever the time (None) E item 6 opens it, held back by nothing; so does it once past its issue day
    assert exempt_unopened(meetings, None) == {}
    assert exempt_unopened(meetings, EMBARGO, lambda m: m.issued) == {}


def test_an_item_opens_a_record_only_once_past_its_embargo_its_meeting_s_and_its_pack_s_issue_day():
    given = item(4, appendix(1, ("inspection", "torbay-2021")), embargo_until=EMBARGO)
    exempt = {"A": meeting(item(9, appendix(2, ("inspection", "torbay-2021"), exempt=3)))}
    before, after = EMBARGO - dt.timedelta(minutes=1), EMBARGO
    # 3 March 2021 at 00:01 GMT is in London's 3 March: a pack issued on the 4th opens it only then
    assert exempt_unopened({**exempt, "B": meeting(given, issued=dt.date(2021, 3, 4))}, after,
                           lambda m: m.issued)["inspection", "torbay-2021"].given_openly == \
        (("B item 4", " from its issue on 2021-03-04"),)
    assert exempt_unopened({**exempt, "B": meeting(given)}, before, lambda m: m.issued)[
        "inspection", "torbay-2021"].given_openly == (("B item 4", ", embargoed until 2021-03-03 00:01"),)
    assert exempt_unopened({**exempt, "B": meeting(item(4, appendix(1, ("inspection", "torbay-2021"))),
                                                   embargo_until=EMBARGO)}, before, lambda m: m.issued)[
        "inspection", "torbay-2021"].given_openly == (("B item 4", ", whose meeting is embargoed until 2021-03-03 00:01"),)
    assert exempt_unopened({**exempt, "B": meeting(given)}, after, lambda m: m.issued) == {}


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

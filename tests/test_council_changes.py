"""A council's details change from a day on; a paper keeps those of the day it was issued.

docs/papers.md: "A paper says what was true on the day it was issued, and says the same
whenever it is built again." The Torbay supplementary pack's covering letter is dated Thursday
4 March 2021 and signed by Governance Support, 01803 207013 (content/councils/torbay.yaml, from
the reference letter). A new clerk or house colour from a later day must leave it as it was.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check_site
from generator.cli import cli
from generator.clock import LONDON
from generator.model import Council, Meeting
from generator.plan.issue import meeting_as_at
from generator.problems import Severity
from generator.rules.changes import details_as_at
from generator.rules.issue import pack_issue_date
from site_helpers import all_files, build, cold_build, copy_site, flat
from site_helpers import pdf_texts as texts

TORBAY = "torbay-cyp-osb-2021-03-01"
BUILT_ON = dt.datetime(2026, 12, 5, 9, 30, tzinfo=LONDON)
NEW_CLERK = '    clerk: {name: Democratic Services, telephone: "01803 207087"}\n    colour: "#004466"\n'


def with_change(root: Path, day: str, fields: str = NEW_CLERK) -> None:
    council = root / "content" / "councils" / "torbay.yaml"
    council.write_text(council.read_text(encoding="utf-8") + f"changes:\n  - from: {day}\n" + fields,
                       encoding="utf-8")


def pack(monkeypatch, root: Path, target: Path) -> bytes:
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: BUILT_ON)
    result = CliRunner().invoke(cli, ["-C", str(root), "pack", TORBAY, "-o", str(target), "-j", "1"], obj={})
    assert result.exit_code == 0, result.output
    return target.read_bytes()


@pytest.mark.pdf
def test_a_change_dated_after_a_packs_issue_leaves_the_pack_the_same_bytes(monkeypatch, tmp_path):
    root = copy_site(tmp_path / "site")
    before = pack(monkeypatch, root, tmp_path / "before.pdf")
    with_change(root, "2026-09-01")
    after = pack(monkeypatch, root, tmp_path / "after.pdf")
    assert after == before
    letter = flat(texts(tmp_path / "after.pdf")[0])
    assert "Governance Support" in letter and "Democratic Services" not in letter


@pytest.mark.pdf
def test_a_change_dated_before_a_packs_issue_is_in_its_covering_letter(monkeypatch, tmp_path):
    root = copy_site(tmp_path / "site")
    with_change(root, "2021-03-01")
    pack(monkeypatch, root, tmp_path / "pack.pdf")
    letter = flat(texts(tmp_path / "pack.pdf")[0])
    assert "Clerk: Democratic Services" in letter and "Telephone: 01803 207087" in letter
    # The clerk named replaces the whole clerk: the old e-mail address goes with the old name.
    # ("Governance Support" stays as the address's first line, the office the letter comes from.)
    for old in ("Clerk: Governance Support", "Yours sincerely Governance Support", "01803 207013",
                "governance.support@torbay.gov.uk"):
        assert old not in letter


def test_the_sites_pages_show_the_councils_details_as_at_the_build(tmp_path):
    root = copy_site(tmp_path / "site")
    with_change(root, "2026-09-01", '    colour: "#004466"\n')
    page = Path("meetings", TORBAY, "index.html")
    build(root, tmp_path / "after", now=BUILT_ON)
    build(root, tmp_path / "before", now=dt.datetime(2026, 8, 31, 12, 0, tzinfo=LONDON))
    after = (tmp_path / "after" / page).read_text(encoding="utf-8")
    before = (tmp_path / "before" / page).read_text(encoding="utf-8")
    assert "--council-colour: #004466" in after and "#005a78" not in after
    assert "--council-colour: #005a78" in before and "#004466" not in before


def test_clear_days_changed_after_a_meeting_leave_its_issue_day(tmp_path, make_site):
    """Wednesday 13 March 2024, five clear days by default: issued Thursday 7 March. A council
    that gives ten clear days from 1 April 2024 leaves that meeting's issue where it was; from
    1 March, the meeting is counted with ten (issued Saturday 2 March)."""
    meeting = "council: torbay\ncommittee: Board\ndate: 2024-03-13\nitems:\n  - {number: 1, title: Apologies}\n"
    for day, issued in (("2024-04-01", dt.date(2024, 3, 7)), ("2024-03-01", dt.date(2024, 3, 2))):
        root = make_site(tmp_path / day, {
            "meetings/m.yaml": meeting,
            "councils/torbay.yaml": f"name: Torbay Council\nchanges:\n  - from: {day}\n    clear_days: 10\n"})
        checked = check_site(root, dt.date(2024, 6, 1))
        assert checked.problems == ()
        assert meeting_as_at(checked.corpus, "m") == issued


def test_a_councils_details_on_a_day_are_its_own_then_each_change_from_its_day():
    council = Council.model_validate({
        "name": "Torbay Council", "colour": "#005a78",
        "clerk": {"name": "Governance Support", "telephone": "01803 207013"},
        "changes": [{"from": "2026-09-01", "clerk": {"name": "Democratic Services"}},
                    {"from": "2027-01-01", "colour": "#004466", "clerk": None}]})
    assert details_as_at(council, dt.date(2026, 8, 31)).clerk.name == "Governance Support"
    on_the_day = details_as_at(council, dt.date(2026, 9, 1))
    assert (on_the_day.clerk.name, on_the_day.clerk.telephone, on_the_day.colour) == \
        ("Democratic Services", None, "#005a78")
    later = details_as_at(council, dt.date(2027, 1, 1))
    assert (later.clerk, later.colour, later.name) == (None, "#004466", "Torbay Council")


def test_changes_out_of_date_order_are_applied_in_date_order_with_a_warning(tmp_path, make_site):
    text = ("name: Torbay Council\nchanges:\n"
            "  - from: 2027-01-01\n    short_name: Torbay (2027)\n"
            "  - from: 2026-09-01\n    short_name: Torbay (2026)\n")
    root = make_site(tmp_path, {"councils/torbay.yaml": text})
    checked = check_site(root, dt.date(2027, 6, 1))
    assert [(p.severity, p.line, p.field) for p in checked.problems] == [(Severity.WARNING, 5, "changes.1.from")]
    assert "list changes oldest first" in checked.problems[0].hint
    assert checked.corpus.councils["torbay"].council.short_name == "Torbay (2027)"


def test_a_meetings_issue_day_counts_the_clear_days_in_force_on_its_day():
    council = Council.model_validate({"name": "Conwy County Borough Council", "nation": "wales",
                                      "changes": [{"from": "2024-03-16", "clear_days": 7}]})
    # Friday 15 March 2024, three clear days in Wales (12-14 March): issued Monday 11 March.
    meeting = Meeting(council="conwy", committee="Scrutiny", date="2024-03-15", items=[{"number": 1, "title": "Plan"}])
    assert pack_issue_date(meeting, council) == dt.date(2024, 3, 11)


@pytest.mark.parametrize(("change", "issued"), [
    # Five clear days in England before Wednesday 17 March 2021 (12-16 March): Thursday 11 March.
    # A change from Friday 12 March comes after that issue, more clear days or fewer.
    ({"from": "2021-03-12", "clear_days": 10}, dt.date(2021, 3, 11)),
    ({"from": "2021-03-12", "clear_days": 3}, dt.date(2021, 3, 11)),
    # Ten clear days from 1 March, before it: 7-16 March are clear, issued Saturday 6 March.
    ({"from": "2021-03-01", "clear_days": 10}, dt.date(2021, 3, 6)),
    # Three clear days from Wednesday 10 March, before it: 14-16 March are clear, issued Saturday
    # 13 March.
    ({"from": "2021-03-10", "clear_days": 3}, dt.date(2021, 3, 13)),
])
def test_clear_days_changed_after_a_pack_was_issued_leave_its_issue_day(change, issued):
    council = Council.model_validate({"name": "Dudley Metropolitan Borough Council", "changes": [change]})
    meeting = Meeting(council="dudley", committee="Children's Services Scrutiny Committee", date="2021-03-17",
                      items=[{"number": 1, "title": "Apologies"}])
    assert pack_issue_date(meeting, council) == issued


def test_a_meeting_in_the_calendars_first_weeks_has_an_issue_day_not_a_crash():
    # A slip for 2021 (0001-01-20): sixty clear days before it are before the calendar begins,
    # and check, list and build raised OverflowError. Counted from 1 January: five clear days
    # are in force to 9 January, when ten are left; on the 10th sixty are, and nine are left.
    council = Council.model_validate({"name": "Dudley Metropolitan Borough Council",
                                      "changes": [{"from": "0001-01-10", "clear_days": 60}]})
    meeting = Meeting(council="dudley", committee="Scrutiny", date="0001-01-20", items=[{"number": 1, "title": "A"}])
    assert pack_issue_date(meeting, council) == dt.date(1, 1, 10)


@pytest.mark.pdf
def test_more_clear_days_from_after_a_packs_issue_leave_the_pack_the_same_bytes(monkeypatch, tmp_path):
    """Dudley's pack for 17 March 2021 is as at Thursday 11 March, the day the progress updates
    reported to that meeting count from: ten clear days from 12 March must not re-date it to 6 March and drop them."""
    root = copy_site(tmp_path / "site")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: BUILT_ON)

    def dudley_pack(target: Path) -> bytes:
        result = CliRunner().invoke(cli, ["-C", str(root), "pack", "dudley-csc-2021-03-17", "-o", str(target),
                                          "-j", "1"], obj={})
        assert result.exit_code == 0, result.output
        return target.read_bytes()

    before = dudley_pack(tmp_path / "before.pdf")
    council = root / "content" / "councils" / "dudley.yaml"
    council.write_text(council.read_text(encoding="utf-8") + "changes:\n  - from: 2021-03-12\n    clear_days: 10\n",
                       encoding="utf-8")
    assert dudley_pack(tmp_path / "after.pdf") == before
    # The record gives no issue date, so none is printed; the progress still counts, as reported to the meeting.
    after = flat(" ".join(texts(tmp_path / "after.pdf")))
    assert "progress as reported to Children's Services Scrutiny Committee, 17th March 2021" in after
    assert "11th March" not in after


def test_a_changes_logo_and_colour_are_checked_at_their_lines(tmp_path, make_site):
    text = ("name: Torbay Council\nchanges:\n"
            "  - from: 2026-09-01\n    logo: attachments/new-logo.svg\n    colour: \"#ffff00\"\n")
    checked = check_site(make_site(tmp_path, {"councils/torbay.yaml": text}), dt.date(2026, 12, 1))
    assert [(p.severity, p.line, p.field) for p in checked.problems] == [
        (Severity.ERROR, 4, "changes.0.logo"), (Severity.WARNING, 5, "changes.0.colour")]
    assert "there is no file content/attachments/new-logo.svg" in checked.problems[0].message


def test_on_the_day_a_change_begins_the_next_build_shows_it_as_a_cold_build_does(tmp_path):
    # The record's bytes do not change on that day, only the details in force: a page kept
    # because its council record was unchanged showed the colour of the day before.
    root = copy_site(tmp_path / "site")
    with_change(root, "2026-09-01", '    colour: "#004466"\n')
    live = tmp_path / "live"
    build(root, live, now=dt.datetime(2026, 8, 31, 12, 0, tzinfo=LONDON))
    report = build(root, live, now=dt.datetime(2026, 9, 1, 12, 0, tzinfo=LONDON))
    assert f"meetings/{TORBAY}/index.html" in report.rendered
    page = (live / "meetings" / TORBAY / "index.html").read_text(encoding="utf-8")
    assert "--council-colour: #004466" in page and "#005a78" not in page
    assert all_files(live) == cold_build(root, tmp_path / "cold", now=dt.datetime(2026, 9, 1, 12, 0, tzinfo=LONDON))


@pytest.mark.pdf
def test_a_date_style_changed_from_a_day_leaves_the_papers_issued_before_it_plain(tmp_path, make_site):
    report = "---\ncouncil: d\ncommittee: Scrutiny Committee\ntitle: Update\ndate: {}\n---\n## Purpose\n\nTo report.\n"
    root = make_site(tmp_path, {
        "councils/d.yaml": "name: D Council\nchanges:\n  - from: 2024-01-01\n    date_style: ordinal\n",
        "reports/before.md": report.format("2023-12-13"), "reports/after.md": report.format("2024-03-21")})
    for rid, heading in (("before", "Scrutiny Committee – 13 December 2023"),
                         ("after", "Scrutiny Committee – 21st March 2024")):
        target = tmp_path / f"{rid}.pdf"
        result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", rid, "-o", str(target)], obj={})
        assert result.exit_code == 0, result.output
        assert heading in flat(texts(target)[0]), rid

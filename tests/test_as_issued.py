"""Papers are records: made as at the day they are issued, never the day they are built.

The Torbay supplementary pack's covering letter is dated Thursday 4 March 2021 (the
reference pack); its action-plan appendix must read "as at 4 March 2021" however late it is
rebuilt. The clock is faked by replacing the commands' clock function, never by waiting.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.build import check_site
from generator.cli import cli
from generator.plan.issue import report_as_at
from generator.clock import LONDON
from site_helpers import REPO, build, copy_site, flat, replace_in_file, visible_text
from site_helpers import pdf_texts as texts

pytestmark = pytest.mark.pdf

TORBAY = "torbay-cyp-osb-2021-03-01"
DAY_ONE = dt.datetime(2026, 12, 5, 9, 30, tzinfo=LONDON)
DAY_TWO = dt.datetime(2031, 7, 14, 16, 0, tzinfo=LONDON)
MONTHS = ("January February March April May June July August September October November December").split()
# "4 March 2021", or "4th March 2021" as a council with date_style: ordinal (Dudley) prints it
DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (" + "|".join(MONTHS) + r") (\d{4})\b")


def printed(day: dt.date) -> re.Pattern:
    """The day as a paper prints it, in either style (a covering letter pads it: "04 March 2021")."""
    return re.compile(rf"\b0?{day.day}(?:st|nd|rd|th)? {day:%B %Y}\b")


def dates_after(text: str, day: dt.date, phrase: str) -> list[str]:
    """Each '<phrase> D Month YYYY' in text later than `day`."""
    found = []
    for match in re.finditer(re.escape(phrase) + r" (?:[A-Z][a-z]+day, )?" + DATE.pattern, text):
        when = dt.date(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1]))
        if when > day:
            found.append(match[0])
    return found


def pack_on(monkeypatch, day: dt.datetime, target: Path, *options: str) -> bytes:
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: day)
    result = CliRunner().invoke(cli, ["-C", str(REPO), "pack", TORBAY, "-o", str(target), *options], obj={})
    assert result.exit_code == 0, result.output
    return target.read_bytes()


def test_the_torbay_pack_is_the_same_bytes_built_on_two_days_and_reads_as_at_its_issue(monkeypatch, tmp_path):
    first = pack_on(monkeypatch, DAY_ONE, tmp_path / "one.pdf")
    second = pack_on(monkeypatch, DAY_TWO, tmp_path / "two.pdf", "--no-cache")     # laid out afresh too
    assert first == second
    pages = texts(tmp_path / "one.pdf")
    plan = flat("\n".join(t for t in pages if "Agenda Item 9 Appendix 2" in t))
    # The reference letter: "Date: Thursday, 04 March 2021"; the plan's actions are due July 2021.
    assert "Progress as at 4 March 2021: 11 with no status recorded; 0 overdue." in plan
    assert "Overdue" not in plan
    whole = flat("\n".join(pages))
    for day in (DAY_ONE, DAY_TWO):
        assert f"{day.day} {day:%B %Y}" not in whole


def test_as_of_still_overrides_the_issue_for_a_preview(monkeypatch, tmp_path):
    pack_on(monkeypatch, DAY_ONE, tmp_path / "preview.pdf", "--as-of", "2021-08-02")
    plan = flat("\n".join(t for t in texts(tmp_path / "preview.pdf") if "Agenda Item 9 Appendix 2" in t))
    # Due "July 2021" (the reference plan's "Date for completion"): overdue from 1 August 2021.
    assert "Progress as at 2 August 2021" in plan and "8 overdue" in plan


def test_a_meeting_without_an_issue_date_is_issued_five_clear_days_before(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {
        "inspections/i.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2024-01-01\n"
                              "overall: {rating: Good}\n",
        "action-plans/p.yaml": ("inspection: i\ntitle: Plan\nactions:\n"
                                "  - {id: A1, action: Do it, due: 2024-03-05, updates: [{date: 2024-03-04, rag: "
                                "amber}, {date: 2024-03-08, rag: complete}]}\n"),
        "meetings/m.yaml": ("council: torbay\ncommittee: Board\ndate: 2024-03-13\nitems:\n"
                            "  - {number: 1, title: Plan, appendices: [{title: Plan, action_plan: p}]}\n")})
    target = tmp_path / "m.pdf"
    result = run_cli("pack", "m", "-o", str(target), root=root)
    assert result.exit_code == 0, result.output
    text = flat("\n".join(texts(target)))
    # Meeting on Wednesday 13 March: five clear days (8-12 March) after the issue day, Thursday
    # 7 March. The update of 8 March came later, so the action stands at amber, and was overdue
    # (due 5 March) on the 7th. The 7th is counted, not given, so it is not printed: the progress
    # is as at its latest update's own day, and overdue as at the paper's issue.
    assert "Progress as at 4 March 2024: 1 amber; 1 overdue when this paper was issued." in text
    assert "latest progress (as at 4 March 2024; overdue when this paper was issued)" in text
    assert "7 March 2024" not in text
    # The meeting does not say when its pack was issued: the front sheet does not say either.
    assert "Date of issue" not in text, text[:600]


def test_no_shipped_paper_or_pack_says_as_at_a_day_after_its_issue(tmp_path):
    root = copy_site(tmp_path / "site")
    build(root, now=DAY_TWO, pdf=True)
    site = root / "output" / "site"
    issued = {"torbay-cyp-osb-2021-03-01": dt.date(2021, 3, 4),       # the reference letter's date
              "dudley-csc-2021-03-17": dt.date(2021, 3, 11),           # five clear days before 17 March
              "wolverhampton-cabinet-2022-03-16": dt.date(2022, 3, 10)}
    recorded = {"torbay-cyp-osb-2021-03-01"}                           # the others' records give no `issued`
    checked = 0
    for mid, day in issued.items():
        for pdf in sorted((site / "meetings" / mid).glob("*.pdf")):
            text = flat("\n".join(texts(pdf)))
            assert not dates_after(text, day, "as at"), pdf.name
            assert not dates_after(text, day, "Date of issue"), pdf.name
            checked += 1
        front = flat(texts(site / "meetings" / mid / f"{mid}-agenda-pack.pdf")[0])
        # the day it is issued, printed only where the record gives it
        assert bool(printed(day).search(front)) == (mid in recorded), front[:400]
    for pdf in sorted(site.rglob("*.pdf")):
        assert not printed(DAY_TWO).search(flat("\n".join(texts(pdf)))), pdf
    assert checked >= 5
    shutil.rmtree(root / ".cache", ignore_errors=True)


def test_a_pack_as_at_a_past_day_is_a_preview_and_never_replaces_the_issued_pack(monkeypatch, tmp_path):
    """`scrutiny pack torbay-cyp-osb-2021-03-01 --as-of 2021-08-01` wrote over the issued pack in
    output/papers with one reading "Progress as at 1 August 2021" under the covering letter of
    4 March 2021 (helper-33): a chosen day is a preview, whichever side of today it falls."""
    root = copy_site(tmp_path / "site")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)

    def run(*args: str):
        return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})

    assert run("pack", TORBAY, "-j", "1").exit_code == 0
    issued = root / "output" / "papers" / f"{TORBAY}-agenda-pack.pdf"
    before = issued.read_bytes()
    past = run("pack", TORBAY, "--as-of", "2021-08-01", "-j", "1")
    assert past.exit_code == 0, past.output
    assert issued.read_bytes() == before
    preview = root / "output" / "preview-papers" / f"{TORBAY}-agenda-pack.pdf"
    assert "Progress as at 1 August 2021" in flat("\n".join(texts(preview)))
    refused = run("pack", TORBAY, "--as-of", "2021-08-01", "-o", str(issued))
    assert refused.exit_code == 2 and "this paper is as at --as-of, not as issued" in refused.output
    assert issued.read_bytes() == before


def test_papers_are_published_from_their_issue_day_and_made_before_it_only_as_previews(monkeypatch, tmp_path):
    """A meeting's pack was published before its issue day, "as at" a day still to come, and
    changed as progress was added before then (helper-33). The Wolverhampton cabinet meets on
    16 March 2022; with the default five clear days its papers are issued on 10 March."""
    root = copy_site(tmp_path / "site")
    site = root / "output" / "site"
    cabinet, report = "meetings/wolverhampton-cabinet-2022-03-16", "reports/wolverhampton-yot-inspection-outcome"

    build(root, now=dt.datetime(2022, 3, 9, 17, 0, tzinfo=LONDON), pdf=True)
    assert (site / cabinet / "index.html").is_file() and (site / report / "index.html").is_file()
    assert list((site / cabinet).glob("*.pdf")) == [] and list((site / report).glob("*.pdf")) == []
    assert ".pdf" not in (site / cabinet / "index.html").read_text(encoding="utf-8")

    monkeypatch.setattr("generator.commands.common.now_in_london",
                        lambda: dt.datetime(2022, 3, 9, 17, 0, tzinfo=LONDON))
    made = CliRunner().invoke(cli, ["-C", str(root), "pack", "wolverhampton-cabinet-2022-03-16", "-j", "1"], obj={})
    assert made.exit_code == 0, made.output
    assert not (root / "output" / "papers").exists()
    assert (root / "output" / "preview-papers" / "wolverhampton-cabinet-2022-03-16-agenda-pack.pdf").is_file()
    refused = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "wolverhampton-yot-inspection-outcome",
                                       "-o", str(root / "output" / "papers" / "r.pdf")], obj={})
    assert refused.exit_code == 2 and "this paper is not issued until 10 March 2022" in refused.output

    build(root, now=dt.datetime(2022, 3, 10, 0, 1, tzinfo=LONDON), pdf=True)
    assert (site / cabinet / "wolverhampton-cabinet-2022-03-16-agenda-pack.pdf").is_file()
    assert (site / report / "wolverhampton-yot-inspection-outcome.pdf").is_file()


def test_a_pack_made_before_its_issue_day_says_it_is_a_preview_and_how_to_see_it_as_issued(monkeypatch, tmp_path):
    """A clerk who made the Wolverhampton cabinet's pack on 9 March 2022, the day before its
    issue, found it among the previews with its item 4 "(To Follow)" (embargoed until that
    evening) and no word of why (helper-63). The note names the issue day, and --as-of it
    gives the pack as issued on 10 March."""
    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    text = meeting.read_text(encoding="utf-8")
    meeting.write_text(text.replace("    report: wolverhampton-yot-inspection-outcome\n",
                                    "    report: wolverhampton-yot-inspection-outcome\n"
                                    "    embargo_until: 2022-03-09 18:00\n", 1), encoding="utf-8")
    name = "wolverhampton-cabinet-2022-03-16-agenda-pack.pdf"

    def pack(day: dt.datetime, *options: str):
        monkeypatch.setattr("generator.commands.common.now_in_london", lambda: day)
        return CliRunner().invoke(cli, ["-C", str(root), "pack", "wolverhampton-cabinet-2022-03-16", "-j", "1",
                                        *options], obj={})

    made = pack(dt.datetime(2022, 3, 9, 17, 0, tzinfo=LONDON))
    assert made.exit_code == 0, made.output
    assert ("note: a preview, not issued until 10 March 2022: its items still embargoed now are listed To Follow "
            "(give --as-of 2022-03-10 to see it as it will be issued)") in made.output
    preview = root / "output" / "preview-papers" / name
    assert "4. Youth Offending Team Inspection Outcome (To Follow)" in flat("\n".join(texts(preview)))

    rehearsed = pack(dt.datetime(2022, 3, 9, 17, 0, tzinfo=LONDON), "--as-of", "2022-03-10")
    assert rehearsed.exit_code == 0 and "note:" not in rehearsed.output, rehearsed.output
    as_of_issue = preview.read_bytes()
    issued = pack(dt.datetime(2022, 3, 10, 9, 0, tzinfo=LONDON))
    assert issued.exit_code == 0 and "note:" not in issued.output, issued.output
    assert (root / "output" / "papers" / name).read_bytes() == as_of_issue


def test_a_progress_update_dated_after_today_is_a_warning_and_its_plan_has_no_paper_yet(tmp_path):
    """An update dated in the future moved the plan's paper to that day, silently (helper-33)."""
    from generator.build import check_site

    root = copy_site(tmp_path / "site")
    plan = root / "content" / "action-plans" / "dudley-2019-progress.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("    updates:\n", "    updates:\n      - {date: 2027-01-05, rag: green, note: Done}\n", 1),
                    encoding="utf-8")
    line = text[:text.index("    updates:\n")].count("\n") + 2
    warnings = [str(p) for p in check_site(root, dt.date(2026, 12, 6)).problems if "after today" in p.message]
    assert warnings == [f"content/action-plans/dudley-2019-progress.yaml:{line}:16: warning: actions.0.updates.0.date: "
                        "this progress update is dated 2027-01-05, after today (check the date: the plan's paper is "
                        "as at its latest update, and is not published before that day)"]
    build(root, now=dt.datetime(2026, 12, 6, 12, 0, tzinfo=LONDON), pdf=True)
    assert not (root / "output/site/action-plans/dudley-2019-progress/dudley-2019-progress.pdf").exists()


def test_a_site_built_as_of_a_day_shows_each_action_as_it_stood_then(tmp_path):
    """`scrutiny build --as-of 2021-08-01` rebuilds the site "as it was then", yet the plan's page
    counted an update dated 10 August: "1 complete ... 7 overdue as at 1 August 2021", where
    `list overdue --as-of 2021-08-01` and the plan's paper as at that day found 8 overdue."""
    root = copy_site(tmp_path / "site")
    # Torbay's plan has no updates; its eight actions due July 2021 were overdue from 1 August.
    replace_in_file(root / "content/action-plans/torbay-2021-oocd.yaml", "    due: 2021-07\n",
                    "    due: 2021-07\n    updates:\n      - {date: 2021-08-10, rag: complete, note: Group set up late.}\n")
    build(root, now=dt.datetime(2021, 8, 1, 12, 0, tzinfo=LONDON))
    page = visible_text((root / "output/site/action-plans/torbay-2021-oocd/index.html").read_text(encoding="utf-8"))
    assert "11 with no status recorded; 8 overdue as at 1 August 2021" in page
    assert "Group set up late" not in page and "10 August 2021" not in page
    later = CliRunner().invoke(cli, ["-C", str(root), "list", "overdue", "--as-of", "2021-08-01"], obj={})
    assert later.exit_code == 0 and "8 overdue actions in 1 plan as of 2021-08-01" in later.output, later.output


def test_a_plan_without_updates_released_after_its_inspection_is_dated_by_its_release(monkeypatch, tmp_path):
    """Torbay's plan has no updates; embargoed until 5 March 2021, two days after its inspection
    was published (3 March here: the shipped record gives only the month, as its source does),
    its paper reads "as at 5 March 2021" and was dated 5 March."""
    import pikepdf

    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "torbay-2021.yaml"
    text = inspection.read_text(encoding="utf-8")
    assert "\npublished: 2021-03 " in text
    inspection.write_text(text.replace("\npublished: 2021-03 ", "\npublished: 2021-03-03 ", 1), encoding="utf-8")
    plan = root / "content" / "action-plans" / "torbay-2021-oocd.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("embargo_until: 2021-03-01", "embargo_until: 2021-03-05"),
                    encoding="utf-8")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    target = tmp_path / "plan.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "action-plan", "torbay-2021-oocd", "-o", str(target)],
                                obj={})
    assert result.exit_code == 0, result.output
    assert "Progress as at 5 March 2021" in flat(texts(target)[0])
    with pikepdf.open(target) as pdf:
        assert str(pdf.docinfo.CreationDate) == "D:20210305000000Z"
        assert b"<xmp:CreateDate>2021-03-05</xmp:CreateDate>" in pdf.Root.Metadata.read_bytes()


def test_a_plan_without_updates_whose_inspection_gives_only_a_month_is_dated_by_a_recorded_embargo(monkeypatch,
                                                                                                    tmp_path):
    """Torbay's report gives only "March 2021"; its plan has no updates and is embargoed until
    1 March, the inspection until 3 March 2021 00:01 (the council's letter). The plan became
    public on 3 March: its paper said "as at 31 March 2021", the month's last day, which no
    source gives."""
    root = copy_site(tmp_path / "site")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    target = tmp_path / "plan.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "action-plan", "torbay-2021-oocd", "-o", str(target)],
                                obj={})
    assert result.exit_code == 0, result.output
    page = flat(texts(target)[0])
    assert "Progress as at 3 March 2021" in page, page
    assert "31 March 2021" not in page


@pytest.mark.parametrize("published, embargo, day", [
    # As shipped: the report gives only "March 2021"; the council's embargo ended 3 March 00:01.
    ("2021-03", '"2021-03-03 00:01"', "20210303"),
    # A publication a day before its embargo ended was public only when the embargo ended.
    ("2021-03-02", '"2021-03-03 00:01"', "20210303"),
    # Only the month and no embargo: no source gives a day, and metadata cannot say one was
    # counted (the month's last day, which dates its contents), so the PDF is undated.
    ("2021-03", None, None),
])
def test_a_findings_paper_on_its_own_is_dated_the_day_its_inspection_became_public(monkeypatch, tmp_path,
                                                                                   published, embargo, day):
    """`paper inspection torbay-2021` was dated 1 March 2021, the first of the month its report
    gives: a day no source gives, and two days before the inspection's embargo ended."""
    import pikepdf

    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "torbay-2021.yaml"
    text = inspection.read_text(encoding="utf-8")
    assert "\npublished: 2021-03 " in text and '\nembargo_until: "2021-03-03 00:01"\n' in text
    text = text.replace("\npublished: 2021-03 ", f"\npublished: {published} ", 1)
    text = text.replace('\nembargo_until: "2021-03-03 00:01"\n',
                        f"\nembargo_until: {embargo}\n" if embargo else "\n", 1)
    inspection.write_text(text, encoding="utf-8")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    target = tmp_path / "findings.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "inspection", "torbay-2021", "-o", str(target)],
                                obj={})
    assert result.exit_code == 0, result.output
    with pikepdf.open(target) as pdf:
        if day is None:
            assert "/CreationDate" not in pdf.docinfo and b"CreateDate" not in pdf.Root.Metadata.read_bytes()
            return
        assert str(pdf.docinfo.CreationDate) == f"D:{day}000000Z"
        assert f"<xmp:CreateDate>{day[:4]}-{day[4:6]}-{day[6:]}</xmp:CreateDate>".encode() in pdf.Root.Metadata.read_bytes()


def test_a_paper_s_pdf_is_dated_only_by_a_day_a_source_gives(tmp_path):
    """Only what was published: Dudley 2019's findings paper was dated 8 April 2019 and Sandwell
    2018's 31 August 2018, their fieldwork's start (neither records a publication); Derby 2025's
    30 September 2025, the last day of the month its report gives; the Dudley and Wolverhampton
    packs the day five clear days before their meetings, which no source says they were issued
    (docs/papers.md: a counted issue day is not printed). A PDF's metadata cannot say a day was
    counted, so these are undated; days the records give stay."""
    import pikepdf

    root = copy_site(tmp_path / "site")
    build(root, pdf=True)
    site = root / "output" / "site"

    def created(path: str) -> str | None:
        with pikepdf.open(site / path) as pdf:
            return str(pdf.docinfo.CreationDate) if "/CreationDate" in pdf.docinfo else None

    undated = ["inspections/dudley-2019/dudley-2019.pdf", "inspections/sandwell-2018/sandwell-2018.pdf",
               "inspections/derby-2025/derby-2025.pdf",
               "meetings/dudley-csc-2021-03-17/dudley-csc-2021-03-17-agenda-pack.pdf",
               "meetings/dudley-csc-2021-03-17/item-5.pdf",
               # its updates were reported to that meeting, whose pack records no day of issue
               "action-plans/dudley-2019-progress/dudley-2019-progress.pdf",
               "meetings/wolverhampton-cabinet-2022-03-16/wolverhampton-cabinet-2022-03-16-agenda-pack.pdf"]
    assert {path: created(path) for path in undated} == dict.fromkeys(undated)
    assert created("inspections/torbay-2021/torbay-2021.pdf") == "D:20210303000000Z"        # the embargo's day
    assert created("inspections/wolverhampton-2021/wolverhampton-2021.pdf") == "D:20220208000000Z"   # published
    assert created("meetings/torbay-cyp-osb-2021-03-01/torbay-cyp-osb-2021-03-01-agenda-pack.pdf") \
        == "D:20210304000000Z"                                                      # its recorded `issued`


def test_a_site_built_as_of_an_earlier_day_has_each_paper_as_issued(tmp_path):
    """`scrutiny build --as-of 2021-08-01` wrote output/site with the Torbay pack re-dated to
    "Progress as at 1 August 2021" under its letter of 4 March (helper-33): a site that may be
    published holds papers as issued; only a preview's are as at --as-of."""
    root = copy_site(tmp_path / "site")
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-search", "-j", "1",
                                      "--as-of", "2021-08-01"], obj={})
    assert result.exit_code == 0, result.output
    pack = root / "output/site/meetings" / TORBAY / f"{TORBAY}-agenda-pack.pdf"
    text = flat("\n".join(texts(pack)))
    assert "Progress as at 4 March 2021: 11 with no status recorded; 0 overdue." in text
    assert "1 August 2021" not in text


def test_a_welsh_councils_meeting_is_issued_three_clear_days_before_by_default():
    """s.100B(3) of the Local Government Act 1972 asks for three clear days; SI 2002/715 made it
    five for councils in England only. A Welsh council was given England's five, and its papers
    an issue day two days earlier than the law asks."""
    from generator.model import Council, Meeting
    from generator.rules.issue import clear_days, issue_date

    welsh = Council(name="Conwy County Borough Council", nation="wales")
    english = Council(name="Torbay Council")
    assert (clear_days(welsh), clear_days(english), clear_days(None)) == (3, 5, 5)
    assert clear_days(Council(name="Conwy County Borough Council", nation="wales", clear_days=7)) == 7
    # Friday 15 March 2024: three clear days (12-14 March) after Monday 11 March.
    meeting = Meeting(council="conwy", committee="Scrutiny", date="2024-03-15", items=[{"number": 1, "title": "Plan"}])
    assert issue_date(meeting, clear_days(welsh)) == dt.date(2024, 3, 11)


def test_an_item_embargoed_past_the_issue_day_stays_to_follow_in_the_pack_built_after_it(tmp_path, make_site):
    """A full agenda issued on 19 February listed item 2 "(To Follow)": its papers were
    embargoed until 3 March. Built again on 5 March, the same pack carried them, paged, with
    its own appendix PDF: the printed agenda is a record; the papers go in a supplementary pack."""
    root = make_site(tmp_path / "site", {
        "attachments/review.md": "---\ntitle: Peer review\n---\nThe peer review found strong partnerships.\n",
        "meetings/m.yaml": ("council: torbay\ncommittee: Board\ndate: 2024-03-01\nissued: 2024-02-19\nitems:\n"
                            "  - {number: 1, title: Apologies}\n"
                            "  - {number: 2, title: Review, embargo_until: 2024-03-03,\n"
                            "     appendices: [{title: Peer review, markdown: attachments/review.md}]}\n")})
    pack = Path("meetings/m/m-agenda-pack.pdf")
    build(root, tmp_path / "issued", now=dt.datetime(2024, 2, 20, 9, 0, tzinfo=LONDON), pdf=True)
    build(root, tmp_path / "later", now=dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON), pdf=True)
    assert (tmp_path / "later" / pack).read_bytes() == (tmp_path / "issued" / pack).read_bytes()
    text = flat("\n".join(texts(tmp_path / "later" / pack)))
    assert "2. Review (To Follow)" in text and "strong partnerships" not in text
    assert not (tmp_path / "later" / "meetings/m/item-2-appendix-1.pdf").exists()


def test_a_rehearsal_of_a_later_moment_has_each_pack_as_the_build_at_that_moment_will(monkeypatch, tmp_path,
                                                                                       make_site):
    """publishing.md: a build "as of" the release moment shows "exactly what will go public" then.
    Rehearsed on 20 February for 5 March, the agenda issued on 19 February carried item 2's papers,
    paged, with their appendix PDF; the build on 5 March lists the item "(To Follow)" (helper-72)."""
    root = make_site(tmp_path / "site", LATE_PAPERS)
    pack = Path("meetings/m/m-agenda-pack.pdf")
    build(root, tmp_path / "real", now=dt.datetime(2024, 3, 5, 9, 0, tzinfo=LONDON), pdf=True)
    rehearsed_on = dt.datetime(2024, 2, 20, 9, 0, tzinfo=LONDON)
    monkeypatch.setattr("generator.commands.site.now_in_london", lambda: rehearsed_on)
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: rehearsed_on)
    result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-search", "-j", "1",
                                      "--as-of", "2024-03-05 09:00"], obj={})
    assert result.exit_code == 0, result.output
    rehearsal = root / "output" / "preview"
    text = flat("\n".join(texts(rehearsal / pack)))
    assert "2. Review (To Follow)" in text and "strong partnerships" not in text
    assert not (rehearsal / "meetings/m/item-2-appendix-1.pdf").exists()
    assert (rehearsal / pack).read_bytes() == (tmp_path / "real" / pack).read_bytes()


def dudley_report_with_custody_rates(tmp_path: Path, monkeypatch, figures: str) -> str:
    """The text of the Dudley report's paper, built on DAY_ONE with `figures` (YAML list items)
    added to its custody rates."""
    root = copy_site(tmp_path / "site")
    indicators = root / "content" / "indicators" / "dudley-yos.yaml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(re.sub(r"(?m)^(custody_rate:.*\n)", lambda m: m[1] + figures, text), encoding="utf-8")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    target = tmp_path / "report.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "report", "dudley-yos-action-plan-update",
                                      "-o", str(target)], obj={})
    assert result.exit_code == 0, result.output
    return flat("\n".join(texts(target)))


def test_a_reports_indicator_table_leaves_out_a_period_that_ended_after_its_issue(monkeypatch, tmp_path):
    """The Dudley report is issued on 11 March 2021; its custody rate is for October 2019 to
    September 2020 (0.29, paragraph 33). A figure for the year to September 2021, added months
    later, was printed in the issued report."""
    later = "  - period: {from: 2020-10, to: 2021-09}\n    value: 0.55\n"
    paper = dudley_report_with_custody_rates(tmp_path, monkeypatch, later)
    assert "0.29" in paper and "0.55" not in paper


def test_a_reports_indicator_table_leaves_out_a_figure_published_after_its_issue(monkeypatch, tmp_path):
    """The Dudley report is issued on 11 March 2021. A custody rate for January to December
    2020 (its period ended before the issue) was published by the source only in July 2021: it
    was printed in the issued report all the same, which gained a table row no one had on the day.
    A figure published in February 2021 was known on the day, and stays."""
    figures = ("  - {period: {from: 2019-07, to: 2020-06}, value: 0.41, published: 2021-02-01}\n"
               "  - {period: {from: 2020-01, to: 2020-12}, value: 0.77, published: 2021-07-29}\n")
    paper = dudley_report_with_custody_rates(tmp_path, monkeypatch, figures)
    assert "0.29" in paper and "0.41" in paper
    assert "0.77" not in paper and "Jan-Dec 2020" not in paper


LATE_PAPERS = {
    "attachments/review.md": "---\ntitle: Peer review\n---\nThe peer review found strong partnerships.\n",
    "meetings/m.yaml": ("council: torbay\ncommittee: Board\ndate: 2024-03-01\nissued: 2024-02-19\nitems:\n"
                        "  - {number: 1, title: Apologies}\n"
                        "  - {number: 2, title: Review, embargo_until: 2024-03-03,\n"
                        "     appendices: [{title: Peer review, markdown: attachments/review.md}]}\n")}
SUPPLEMENTARY = ("council: torbay\ncommittee: Board\ndate: 2024-03-01\npack: supplementary\nissued: 2024-03-04\n"
                 "items:\n  - {number: 2, title: Review, embargo_until: 2024-03-03,\n"
                 "     appendices: [{title: Peer review, markdown: attachments/review.md}]}\n")


def test_check_warns_at_an_item_whose_papers_are_released_after_its_pack_is_issued(tmp_path, make_site, run_cli):
    """The pack keeps such an item "To Follow" for good, so its papers would reach no PDF:
    the clerk is told, at the item's embargo, while there is time to plan a supplementary pack."""
    root = make_site(tmp_path, LATE_PAPERS)
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert re.search(r"content/meetings/m\.yaml:7:\d+: warning: items\.1\.embargo_until: item 2's papers are "
                     r"released on 3 March 2024 at 00:00, after this agenda pack is issued \(19 February 2024\): "
                     r"the pack lists the item 'To Follow'", result.output), result.output


def test_check_warns_at_an_item_released_during_its_agenda_packs_issue_day(tmp_path, make_site, run_cli):
    """The pack as issued (the end of 19 February) carries item 2's papers, but the site publishes
    the agenda from 00:00 that day: until 15:00 another pack, listing the item "To Follow"."""
    meeting = LATE_PAPERS["meetings/m.yaml"].replace("embargo_until: 2024-03-03", "embargo_until: 2024-02-19 15:00")
    root = make_site(tmp_path, {**LATE_PAPERS, "meetings/m.yaml": meeting})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert re.search(r"content/meetings/m\.yaml:7:\d+: warning: items\.1\.embargo_until: item 2's papers are "
                     r"released at 15:00 on the day this agenda pack is issued \(19 February 2024\): until then "
                     r"the site publishes a pack listing the item 'To Follow'", result.output), result.output


def test_no_warning_at_an_item_released_as_its_packs_issue_day_begins(tmp_path, make_site, run_cli):
    meeting = LATE_PAPERS["meetings/m.yaml"].replace("embargo_until: 2024-03-03", "embargo_until: 2024-02-19 00:00")
    root = make_site(tmp_path, {**LATE_PAPERS, "meetings/m.yaml": meeting})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert "To Follow" not in result.output, result.output


def test_no_warning_once_a_supplementary_pack_issued_after_the_release_carries_the_item(tmp_path, make_site,
                                                                                       run_cli):
    root = make_site(tmp_path, {**LATE_PAPERS, "meetings/m-supplementary.yaml": SUPPLEMENTARY})
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert "To Follow" not in result.output, result.output


def exempt_appendix_released_after_issue(root: Path) -> Path:
    """Wolverhampton's cabinet (issued 10 March 2022, five clear days before 16 March) gives
    Sandwell's inspection as an exempt appendix of item 4, that inspection embargoed until
    12 March 2022: an exempt appendix never holds its item back (docs/content-format.md)."""
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "      - {title: Summary of HMIP's inspection report, inspection: wolverhampton-2021}\n",
        "      - {title: Summary of HMIP's inspection report, inspection: wolverhampton-2021}\n"
        "      - {title: Neighbouring service's inspection, inspection: sandwell-2018, exempt: 3}\n"),
        encoding="utf-8")
    inspection = root / "content" / "inspections" / "sandwell-2018.yaml"
    inspection.write_text(inspection.read_text(encoding="utf-8").replace(
        "status: published\n", "status: published\nembargo_until: 2022-03-12 10:00\n"), encoding="utf-8")
    return root


def test_an_exempt_appendix_released_after_issue_does_not_hold_its_item_out_of_the_members_pack(monkeypatch,
                                                                                             tmp_path):
    """The public pack carries item 4's open report, the exempt appendix a notice page; the
    members' pack made after the embargo listed the whole item "(To Follow)", so members had
    less of it than the public."""
    root = exempt_appendix_released_after_issue(copy_site(tmp_path / "site"))
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    result = CliRunner().invoke(cli, ["-C", str(root), "pack", "wolverhampton-cabinet-2022-03-16", "--members"],
                                obj={})
    assert result.exit_code == 0, result.output
    members = flat("\n".join(texts(root / "output" / "confidential"
                                   / "wolverhampton-cabinet-2022-03-16-members-pack.pdf")))
    assert "Youth Offending Team Inspection Outcome (To Follow)" not in members
    assert "rated Good. It sets out the strengths" in members


def test_no_to_follow_warning_for_an_exempt_appendix_released_after_issue(tmp_path, run_cli):
    """The public pack carries the item (the exempt appendix is a notice page): the warning
    that it lists the item 'To Follow' and carries none of its papers was false."""
    root = exempt_appendix_released_after_issue(copy_site(tmp_path / "site"))
    result = run_cli("check", root=root)
    assert result.exit_code == 0, result.output
    assert "To Follow" not in result.output, result.output


def test_a_report_issued_in_its_meetings_supplementary_pack_is_dated_by_it_and_no_warning_says_otherwise(tmp_path):
    """Item 4's report is embargoed until 12 March 2022, after the agenda's issue (10 March):
    the clerk does as the warning asks and gives it again in a supplementary pack issued on 14
    March. That is one report in one meeting, not one in two (helper-46); its paper is issued
    in the supplementary pack, so it is as at 14 March."""
    root = copy_site(tmp_path / "site")
    meetings = root / "content" / "meetings"
    agenda = meetings / "wolverhampton-cabinet-2022-03-16.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace(
        "    report: wolverhampton-yot-inspection-outcome\n",
        "    report: wolverhampton-yot-inspection-outcome\n    embargo_until: 2022-03-12 10:00\n"), encoding="utf-8")
    (meetings / "wolverhampton-cabinet-2022-03-16-supplementary.yaml").write_text(
        "council: wolverhampton\ncommittee: Cabinet\ndate: 2022-03-16\npack: supplementary\nissued: 2022-03-14\n"
        "items:\n  - {number: 4, title: Youth Offending Team Inspection Outcome,\n"
        "     report: wolverhampton-yot-inspection-outcome, embargo_until: 2022-03-12 10:00}\n", encoding="utf-8")
    checked = check_site(root, dt.date(2026, 12, 5))
    assert [p.message for p in checked.warnings if "wolverhampton-cabinet" in p.path] == []
    assert report_as_at(checked.corpus, "wolverhampton-yot-inspection-outcome") == dt.date(2022, 3, 14)


@pytest.mark.parametrize("embargo, packs, day", [
    # The agenda carries item 4 (no embargo): a supplementary listing it again does not re-date it.
    ("", {"supplementary": "2022-03-14"}, dt.date(2022, 3, 10)),
    # Embargoed until 12 March: the pack issued on 11 March lists it "To Follow"; the one of 14
    # March carries it, whichever of the two files is read last.
    ("    embargo_until: 2022-03-12 10:00\n", {"supplementary-b": "2022-03-14", "supplementary": "2022-03-11"},
     dt.date(2022, 3, 14)),
], ids=["carried-by-the-agenda", "carried-by-the-later-supplementary"])
def test_a_report_is_as_at_the_first_of_its_meetings_packs_to_carry_it(tmp_path, embargo, packs, day):
    """The Wolverhampton cabinet of 16 March 2022 issues its agenda on 10 March (five clear
    days). A report is issued in the first of the meeting's packs whose issue its papers were
    out by, not in whichever supplementary pack is read last."""
    root = copy_site(tmp_path / "site")
    meetings = root / "content" / "meetings"
    agenda = meetings / "wolverhampton-cabinet-2022-03-16.yaml"
    agenda.write_text(agenda.read_text(encoding="utf-8").replace(
        "    report: wolverhampton-yot-inspection-outcome\n",
        f"    report: wolverhampton-yot-inspection-outcome\n{embargo}"), encoding="utf-8")
    item = "report: wolverhampton-yot-inspection-outcome" + (", embargo_until: 2022-03-12 10:00" if embargo else "")
    for suffix, issued in packs.items():
        (meetings / f"wolverhampton-cabinet-2022-03-16-{suffix}.yaml").write_text(
            "council: wolverhampton\ncommittee: Cabinet\ndate: 2022-03-16\npack: supplementary\n"
            f"issued: {issued}\nitems:\n  - {{number: 4, title: Youth Offending Team Inspection Outcome, {item}}}\n",
            encoding="utf-8")
    checked = check_site(root, dt.date(2026, 12, 5))
    assert report_as_at(checked.corpus, "wolverhampton-yot-inspection-outcome") == day


def test_a_supplementary_pack_giving_one_report_at_two_items_is_warned_of(tmp_path):
    """An agenda and its supplementary pack are one meeting (helper-46), but one pack giving a
    report twice is still a report at two items: the warning stays."""
    root = copy_site(tmp_path / "site")
    (root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16-supplementary.yaml").write_text(
        "council: wolverhampton\ncommittee: Cabinet\ndate: 2022-03-16\npack: supplementary\nissued: 2022-03-14\n"
        "first_page: 12\n"
        "items:\n  - {number: 4, title: Youth Offending Team Inspection Outcome,\n"
        "     report: wolverhampton-yot-inspection-outcome}\n"
        "  - {number: 5, title: The same again, report: wolverhampton-yot-inspection-outcome}\n", encoding="utf-8")
    checked = check_site(root, dt.date(2026, 12, 5))
    assert [p.message for p in checked.warnings if "supplementary" in p.path] == [
        "report 'wolverhampton-yot-inspection-outcome' is also item 4 of wolverhampton-cabinet-2022-03-16-supplementary"]


def test_a_correction_to_an_issued_paper_is_said_and_a_rebuild_of_it_is_not(tmp_path):
    """A clerk corrected a sentence of a report after its meeting; the build made the report's
    paper, its item and the agenda pack again, dated as issued, and said only "8 rendered"
    (helper-135): nothing told the clerk that the pack members had, and the copies uploaded,
    no longer match the site's. The Wolverhampton cabinet of 16 March 2022 was issued on
    10 March (five clear days); three weeks later each of its changed papers is named."""
    root = copy_site(tmp_path / "site")

    def built() -> str:
        result = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-search", "-j", "1",
                                          "--as-of", "2022-04-01 12:00"], obj={})
        assert result.exit_code == 0, result.output
        return result.output

    assert "note:" not in built()
    report = root / "content/reports/wolverhampton-yot-inspection-outcome.md"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "This report summarises the outcome", "This report sets out the outcome", 1), encoding="utf-8")
    corrected = built()

    issued = "as issued on 2022-03-10, is changed"
    for paper in ("meetings/wolverhampton-cabinet-2022-03-16/wolverhampton-cabinet-2022-03-16-agenda-pack.pdf",
                  "meetings/wolverhampton-cabinet-2022-03-16/item-4.pdf",
                  "reports/wolverhampton-yot-inspection-outcome/wolverhampton-yot-inspection-outcome.pdf"):
        assert f"note: {paper}, {issued}" in corrected, corrected
    assert corrected.count("note: ") == 3, corrected
    # Made again, byte for byte the same: nothing was corrected, and nothing is said.
    rebuilt = CliRunner().invoke(cli, ["-C", str(root), "build", "-q", "--no-search", "--rebuild", "-j", "1",
                                       "--as-of", "2022-04-01 12:00"], obj={})
    assert rebuilt.exit_code == 0 and "note:" not in rebuilt.output, rebuilt.output


def test_a_covering_letter_whose_meeting_gives_no_issue_date_prints_no_date(tmp_path, make_site, run_cli):
    # Its papers are as at five clear days before Wednesday 13 March 2024 (Thursday 7 March),
    # the latest the law allows: the day it orders publication by, not the letter's date.
    root = make_site(tmp_path, {
        "attachments/note.md": "---\ntitle: Briefing note\n---\nThe note.\n",
        "meetings/m.yaml": ("council: torbay\ncommittee: Board\ndate: 2024-03-13\npack: supplementary\nitems:\n"
                            "  - {number: 4, title: Briefing, appendices: [{title: Note, markdown: attachments/note.md}]}\n")})
    target = tmp_path / "m.pdf"
    result = run_cli("pack", "m", "-o", str(target), root=root)
    assert result.exit_code == 0, result.output
    letter = flat(texts(target)[0])
    assert "Dear Member" in letter and "Date:" not in letter and "7 March 2024" not in letter, letter


def test_a_plan_that_nothing_dates_says_its_overdue_actions_are_not_recorded(monkeypatch, tmp_path):
    """Torbay's plan has no updates; with no embargo of its own, and its inspection recording no
    publication, embargo or fieldwork, nothing dates its paper. It was made as at 1 January 1900,
    the stand-in day that orders an undated inspection, and said "0 overdue when this paper was
    issued" although all 11 actions are due in 2021: which were overdue is not recorded."""
    root = copy_site(tmp_path / "site")
    inspection = root / "content" / "inspections" / "torbay-2021.yaml"
    text = inspection.read_text(encoding="utf-8")
    for line in ["published: 2021-03 ", 'embargo_until: "2021-03-03 00:01"', "fieldwork: {from: 2020-10-26"]:
        start = text.index("\n" + line)
        text = text[:start] + text[text.index("\n", start + 1):]
    inspection.write_text(text, encoding="utf-8")
    replace_in_file(root / "content" / "action-plans" / "torbay-2021-oocd.yaml", "embargo_until: 2021-03-01\n", "")
    monkeypatch.setattr("generator.commands.common.now_in_london", lambda: DAY_ONE)
    target = tmp_path / "plan.pdf"
    result = CliRunner().invoke(cli, ["-C", str(root), "paper", "action-plan", "torbay-2021-oocd", "-o", str(target)],
                                obj={})
    assert result.exit_code == 0, result.output
    page = flat(texts(target)[0])
    assert "Progress: 11 with no status recorded; overdue not recorded (no record gives a day this paper is as at)." \
        in page, page
    assert "actions, with their latest progress (overdue not recorded)" in page
    assert "0 overdue" not in page and "1900" not in page

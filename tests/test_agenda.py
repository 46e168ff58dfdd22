"""Complete agendas: the front sheet a clerk issues, read back from the PDF.

What a council agenda front sheet gives, in its order: the meeting's date, time and venue,
the membership, the clerk to contact and the date of issue; the standard opening items
(apologies, declarations of interest, the minutes with their pages); Part 1, then the
resolution to exclude the press and public, then Part 2. The shipped Dudley and
Wolverhampton meetings give what our sources say of them; a meeting written here gives the
rest (membership, substitutes, a clerk, minutes as a paper, a Part 2 item).
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli
from generator.model.types import LONDON
from site_helpers import build, flat
from site_helpers import pdf_texts as texts

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.pdf


def scrutiny(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


def front_of(root: Path, meeting: str, folder: Path, *options: str) -> list[str]:
    target = folder / f"{meeting}.pdf"
    result = scrutiny(root, "pack", meeting, "-o", str(target), *options)
    assert result.exit_code == 0, result.output
    return texts(target)


@pytest.mark.parametrize("meeting, committee, when, item", [
    # Dudley writes its days as ordinals ("Children's Services Scrutiny Committee – 17th March 2021").
    ("dudley-csc-2021-03-17", "Children's Services Scrutiny Committee", "Wednesday, 17th March 2021",
     r"5\.\s+Update on the Youth Offending Service Inspection Action Plan\s+\(Pages 1 - \d+\)"),
    ("wolverhampton-cabinet-2022-03-16", "Cabinet", "Wednesday, 16 March 2022",
     r"4\.\s+Youth Offending Team Inspection Outcome\s+\(Pages 1 - \d+\)"),
])
def test_shipped_front_sheets_give_the_meeting_and_the_standard_items(tmp_path, meeting, committee, when, item):
    front = front_of(REPO, meeting, tmp_path)[0]
    text = flat(front)
    assert committee in text
    assert re.search(r"Date\s+" + re.escape(when), text), text
    # our sources give no time, venue or date of issue for these meetings: the front sheet invents
    # none (the pack is as at five clear days before, the latest the law allows, but that day is
    # not printed as the day it was issued: Dudley's would read "Thursday, 11th March 2021")
    assert not re.search(r"\b(Time|Venue)\b", text), text
    assert "Date of issue" not in text and "11th March" not in text and "10 March" not in text, text
    # nor a notice on filming or on taking part: their councils' records give none
    assert "Filming" not in text and "Public participation" not in text, text
    # The standard opening items, numbered 1, 2, 3 with what each is for, then the business.
    assert re.search(r"1\.\s+Apologies for absence\s+To receive apologies for absence", text), text
    assert re.search(r"2\.\s+Declarations of interest\s+To receive any declarations of interest", text), text
    assert re.search(r"3\.\s+Minutes", text), text
    # Pages in brackets, as the Modern.Gov letter in the references prints them ("(Pages 13 - 70)"):
    # the agenda printed them bare.
    assert re.search(item, text), text
    assert front.index("Apologies") < front.index("Declarations") < front.index("Minutes")
    # Our sources hold the report, not the agenda: the front sheet says which parts are shown
    # as agendas usually have them (the meeting's note), before the items.
    assert re.search(r"About this agenda: only the report at item \d is taken from the council's papers", text), text
    assert "time, venue and membership are not recorded" in text
    assert text.index("About this agenda") < text.index("Apologies for absence")


AGENDA_SITE = {
    "site.yaml": "title: Test\norganisation: Testshire\n",
    "councils/testshire.yaml": ("name: Testshire County Council\npaper_style: heading_block\n"
                                "clerk: {name: Democratic Services, telephone: \"01234 567890\", "
                                "email: democracy@testshire.gov.uk}\n"),
    "attachments/minutes-2023-12.md": "---\ntitle: Minutes of the meeting held on 6 December 2023\n---\n"
                                      "MINUTES TEXT: the Panel met and agreed its work programme.\n",
    "attachments/staffing.md": "---\ntitle: Staffing proposals\n---\nPART TWO TEXT: names and grades.\n",
    "meetings/panel-2024-01-10.yaml": (
        "council: testshire\ncommittee: Children's Scrutiny Panel\ndate: 2024-01-10\ntime: \"18:30\"\n"
        "venue: Committee Room 2, County Hall\nissued: 2024-01-02\n"
        "membership:\n  - {name: Councillor A Ahmed, role: Chair}\n  - {name: Councillor B Brown, role: Vice-Chair}\n"
        "  - {name: Councillor C Clarke}\nsubstitutes:\n  - {name: Councillor D Davies}\n"
        "clerk: {name: Jo Clerk, title: Scrutiny Officer, telephone: \"01234 567899\", email: jo.clerk@testshire.gov.uk}\n"
        "items:\n"
        "  - {number: 1, title: Apologies for absence, description: To receive apologies for absence.}\n"
        "  - {number: 2, title: Declarations of interest, description: To receive declarations of interest.}\n"
        "  - number: 3\n    title: Minutes of the previous meeting\n"
        "    description: To approve the minutes of the meeting held on 6 December 2023.\n"
        "    minutes: attachments/minutes-2023-12.md\n"
        "  - {number: 4, title: Public forum, description: To receive questions from the public.}\n"
        "  - number: 5\n    title: Staffing of the youth justice service\n    part: 2\n    exempt: 1\n"
        "    appendices:\n      - {title: Staffing proposals, markdown: attachments/staffing.md}\n"),
}


@pytest.fixture(scope="module")
def agenda(tmp_path_factory):
    root = tmp_path_factory.mktemp("agenda")
    for name, text in AGENDA_SITE.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    checked = scrutiny(root, "check", "--strict")
    assert checked.exit_code == 0, checked.output
    folder = tmp_path_factory.mktemp("packs")
    public = front_of(root, "panel-2024-01-10", folder, "--as-of", "2024-01-03")
    members = folder / "members.pdf"
    result = scrutiny(root, "pack", "panel-2024-01-10", "--members", "-o", str(members), "--as-of", "2024-01-03")
    assert result.exit_code == 0, result.output
    return public, texts(members)


def test_the_front_sheet_gives_membership_substitutes_the_meetings_clerk_and_the_issue_date(agenda):
    text = flat(agenda[0][0])
    assert re.search(r"Time 6\.30 pm Venue Committee Room 2, County Hall", text), text
    assert re.search(r"Membership Councillor A Ahmed \(Chair\) Councillor B Brown \(Vice-Chair\) "
                     r"Councillor C Clarke Substitutes Councillor D Davies", text), text
    assert re.search(r"Contact Jo Clerk, Scrutiny Officer Telephone: 01234 567899 "
                     r"Email: jo\.clerk@testshire\.gov\.uk", text), text       # the meeting's, not the council's
    assert "Date of issue Tuesday, 2 January 2024" in text
    order = [text.index(w) for w in ("Date Wednesday", "Time", "Venue", "Membership", "Contact", "Date of issue",
                                      "Part 1: items")]
    assert order == sorted(order)


def test_minutes_are_an_items_paper_with_pages_and_a_stamp(agenda):
    pages = agenda[0]
    listed = re.search(r"3\.\s+Minutes of the previous meeting\s+\(Page (\d+)\)", flat(pages[0]))
    assert listed, pages[0]
    minutes = [t for t in pages[1:] if "MINUTES TEXT" in t]
    assert minutes and "Agenda Item 3" in minutes[0]
    assert re.search(rf"^\s*Page {listed.group(1)}\s*$", minutes[0], re.M)


def test_part_two_items_follow_the_resolution_to_exclude_the_press_and_public(agenda):
    public, members = agenda
    text = flat("\n".join(t for t in public if "Agenda Item" not in t))        # the front sheet's pages
    part1, exclusion, part2 = (text.index("Part 1: items open to the press and public"),
                               text.index("Exclusion of the press and public"),
                               text.index("Part 2: items not open to the press and public"))
    assert part1 < text.index("4. Public forum") < exclusion < part2 < text.index("5. Staffing of the youth")
    assert re.search(r"press and public be excluded from the meeting .* paragraph 1 of Part 1 of Schedule 12A",
                     text[exclusion:part2]), text[exclusion:part2]
    assert all("PART TWO TEXT" not in t for t in public)             # public pack: a notice only
    assert any("PART TWO TEXT" in t and "NOT FOR PUBLICATION" in t for t in members)


def test_a_part_two_row_names_the_page_it_gives_as_the_notice_in_place_of_its_papers(agenda):
    """The public front sheet said of item 5 "its papers are not in the public pack" and gave it
    a page: the page of the notice that stands in their place, which the row did not say."""
    public, members = agenda
    notice = [t for t in public if "Agenda Item 5 Appendix 1" in t]
    assert len(notice) == 1 and "NOT FOR PUBLICATION by virtue of paragraph 1" in flat(notice[0])
    page = re.findall(r"^\s*Page (\d+)\s*$", notice[0], re.M)[-1]
    front = flat("\n".join(t for t in public if "Agenda Item" not in t))
    assert re.search(rf"5\. Staffing of the youth justice service \(Page {page}\) Exempt: paragraph 1 of Part 1 of "
                     r"Schedule 12A to the Local Government Act 1972; its papers are not in the public pack, "
                     rf"only a notice in place of each \(Page {page}\)", front), front
    # The members' pack carries the papers themselves, and says nothing of a notice.
    assert "notice in place" not in flat(members[0])


def test_the_sentence_on_exempt_information_stays_with_the_items_it_follows(tmp_path):
    """"The press and public are likely to be excluded ... during consideration of the exempt
    information marked above" was printed alone at the top of the front sheet's second page,
    away from the Part 2 item it means. Without a membership, this front sheet breaks just there."""
    root = tmp_path / "site"
    for name, text in AGENDA_SITE.items():
        if name.startswith("meetings/"):
            text = re.sub(r"membership:.*?clerk:", "clerk:", text, flags=re.S)
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    front = [flat(t) for t in front_of(root, "panel-2024-01-10", tmp_path, "--as-of", "2024-01-03")
             if "Agenda Item" not in t]
    assert len(front) == 2, front                         # the front sheet breaks somewhere
    sentence = "The press and public are likely to be excluded from the meeting"
    page = next(t for t in front if sentence in t)
    assert not page.startswith(sentence), front
    assert "5. Staffing of the youth justice service" in page, front


NOTICES_SITE = {
    "site.yaml": "title: Test\norganisation: Testshire\n",
    # The council's own words, said once for every agenda; a new notice from February 2024.
    "councils/testshire.yaml": """\
name: Testshire County Council
recording_notice: |
  The public part of this meeting may be filmed or recorded by the Council and by anyone attending.

  Recordings are kept for six months.
public_participation: Residents may ask a question at the Public Forum by writing to Democratic Services.
changes:
  - from: 2024-02-01
    recording_notice: This meeting will be webcast live on the Council's website.
""",
    "meetings/panel-2024-01-10.yaml": """\
council: testshire
committee: Children's Scrutiny Panel
date: 2024-01-10
issued: 2024-01-02
items:
  - {number: 1, title: Apologies for absence}
  - {number: 2, title: Public forum}
""",
    # Held online: the meeting says how the public take part, in place of the council's usual words.
    "meetings/panel-2024-03-06.yaml": """\
council: testshire
committee: Children's Scrutiny Panel
date: 2024-03-06
issued: 2024-02-27
public_participation: This meeting is held online; questions may be sent by email before it.
items:
  - {number: 1, title: Apologies for absence}
""",
}


def test_the_front_sheet_ends_with_the_councils_notices_on_filming_and_taking_part(tmp_path):
    """Real agendas tell the public the meeting may be filmed and how they may take part (the
    front sheet had no place for either). Printed after the items, in the council's words as at
    the pack's issue, or the meeting's own in place of them."""
    root = tmp_path / "site"
    for name, text in NOTICES_SITE.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    checked = scrutiny(root, "check", "--strict")
    assert checked.exit_code == 0, checked.output

    january = flat(front_of(root, "panel-2024-01-10", tmp_path)[0])
    assert ("Filming and recording The public part of this meeting may be filmed or recorded by the Council and by "
            "anyone attending. Recordings are kept for six months.") in january, january
    assert ("Public participation Residents may ask a question at the Public Forum by writing to Democratic "
            "Services.") in january, january
    assert january.index("2. Public forum") < january.index("Filming and recording") \
        < january.index("Public participation"), january
    assert "webcast live" not in january           # the words of February are not the pack's of January

    march = flat(front_of(root, "panel-2024-03-06", tmp_path)[0])
    assert "Filming and recording This meeting will be webcast live on the Council's website." in march, march
    assert "Public participation This meeting is held online; questions may be sent by email before it." in march
    assert "Residents may ask" not in march, march


def test_the_meetings_page_gives_the_notices_its_front_sheet_gives_as_at_its_issue(tmp_path):
    """Someone checking the meeting's page before going should read what its agenda says on
    filming and on taking part (the page showed only the note). The page gives the front
    sheet's notices: as at the pack's issue day, so a past meeting keeps its own wording; before
    that day, those in force on the page's, since a council's later wording is not yet in force."""
    files = {
        **NOTICES_SITE,
        # new words again from 20 March
        "councils/testshire.yaml": NOTICES_SITE["councils/testshire.yaml"] + """\
  - from: 2024-03-20
    recording_notice: This meeting will be broadcast on the Council's YouTube channel.
""",
        "meetings/panel-2024-04-10.yaml": """\
council: testshire
committee: Children's Scrutiny Panel
date: 2024-04-10
issued: 2024-04-02
public_participation: "![A raised hand](attachments/hand.png) Questions go to Democratic Services by 5 April."
items:
  - {number: 1, title: Apologies for absence}
""",
        # A council that gives no notice: its meetings' pages give none of ours.
        "councils/quietshire.yaml": "name: Quietshire Council\n",
        "meetings/quiet-2024-03-06.yaml": """\
council: quietshire
committee: Corporate Parenting Board
date: 2024-03-06
items:
  - {number: 1, title: Apologies for absence}
""",
    }
    root = tmp_path / "site"
    for name, text in files.items():
        (root / "content" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "content" / name).write_text(text, encoding="utf-8")
    (root / "content/attachments").mkdir()
    (root / "content/attachments/hand.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    site = root / "output" / "site"

    def page(meeting: str) -> str:
        return (site / "meetings" / meeting / "index.html").read_text(encoding="utf-8")

    def notices(meeting: str) -> list[tuple[str, str]]:
        """(heading, words) of each second-level heading after the agenda, as the page reads."""
        html = page(meeting)
        after = html[html.index("</ol>", html.index("<h2>Agenda</h2>")):html.index("</main>")]
        parts = re.split(r"<h2>(.*?)</h2>", after)[1:]
        return [(heading, flat(re.sub(r"<[^>]+>", " ", words)).replace("&#39;", "'"))
                for heading, words in zip(parts[::2], parts[1::2])]

    build(root, now=dt.datetime(2024, 3, 1, 12, tzinfo=LONDON))
    assert notices("panel-2024-01-10") == [
        ("Filming and recording", "The public part of this meeting may be filmed or recorded by the Council and by "
                                  "anyone attending. Recordings are kept for six months."),
        ("Public participation", "Residents may ask a question at the Public Forum by writing to Democratic Services.")]
    assert notices("panel-2024-03-06") == [
        ("Filming and recording", "This meeting will be webcast live on the Council's website."),
        ("Public participation", "This meeting is held online; questions may be sent by email before it.")]
    # issued on 2 April: on 1 March the wording of 20 March is not yet the council's
    assert notices("panel-2024-04-10") == [
        ("Filming and recording", "This meeting will be webcast live on the Council's website."),
        ("Public participation", "Questions go to Democratic Services by 5 April.")]
    assert '<img alt="A raised hand" src="../../attachments/hand.png">' in page("panel-2024-04-10")
    assert (site / "attachments/hand.png").read_bytes() == b"\x89PNG\r\n\x1a\n"       # the image it draws, served
    assert notices("quiet-2024-03-06") == []

    build(root, now=dt.datetime(2024, 4, 5, 12, tzinfo=LONDON))
    assert notices("panel-2024-04-10")[0] == ("Filming and recording",
                                              "This meeting will be broadcast on the Council's YouTube channel.")
    assert notices("panel-2024-03-06")[0] == ("Filming and recording",
                                              "This meeting will be webcast live on the Council's website.")


def test_new_meeting_scaffolds_the_usual_standard_items(tmp_path, make_site, run_cli):
    root = make_site(tmp_path)
    result = run_cli("new", "meeting", "panel-2024", "--council", "torbay", root=root)
    assert result.exit_code == 0, result.output
    text = (root / "content" / "meetings" / "panel-2024.yaml").read_text()
    for number, title in ((1, "Apologies for absence"), (2, "Declarations of interest"),
                          (3, "Minutes of the previous meeting")):
        assert re.search(rf"- number: {number}\n\s+title: {title}\n\s+description: To ", text), title
    assert re.search(r"- number: 4\s", text)


def test_a_meetings_note_is_on_its_page(tmp_path, make_site):
    # The note a clerk gives (how the meeting is held, or what its agenda is) shows on the site
    # too, as Markdown, under the meeting's details.
    from site_helpers import build

    root = make_site(tmp_path / "site", {"meetings/m.yaml": """\
council: torbay
committee: Scrutiny Board
date: 2024-01-10
note: This meeting will be held **online** and broadcast live.
items:
  - {number: 1, title: Apologies for absence}
"""})
    build(root)
    page = (root / "output" / "site" / "meetings" / "m" / "index.html").read_text(encoding="utf-8")
    assert '<div class="meeting-note"><p>This meeting will be held <strong>online</strong> and broadcast live.</p></div>' \
        in page


def test_an_item_number_given_twice_names_where_it_was_first_given(tmp_path):
    """The duplicate's error said only "listed twice" (helper-33): it names the first one."""
    from generator.build import check_site
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / "dudley-csc-2021-03-17.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace("  - number: 3\n", "  - number: 2\n", 1),
                       encoding="utf-8")
    errors = [f"{p.field}: {p.message}" for p in check_site(root, dt.date(2026, 12, 6)).errors]
    assert "items.2.number: agenda item 2 is listed twice (first at items.1)" in errors


def test_an_agenda_whose_every_paper_is_to_follow_still_has_its_front_sheet(tmp_path):
    """Real agendas are issued with items marked To Follow; with its only report embargoed, the
    Dudley agenda had no pack at all and `pack` refused (helper-33)."""
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    report = root / "content/reports/dudley-yos-action-plan-update.md"
    report.write_text(report.read_text(encoding="utf-8").replace(
        "status: published", "status: published\nembargo_until: 2099-01-01", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["-C", str(root), "pack", "dudley-csc-2021-03-17", "-j", "1"], obj={})
    assert result.exit_code == 0, result.output
    text = flat(subprocess.run(["pdftotext", "-layout", str(root / "output/papers/dudley-csc-2021-03-17-agenda-pack.pdf"),
                                "-"], check=True, capture_output=True, text=True).stdout)
    assert "Apologies for absence" in text
    assert "5. Update on the Youth Offending Service Inspection Action Plan (To Follow)" in text
    assert "This has now been addressed" not in text                # the report's own words

"""The bad-input corpus: every fault a clerk is likely to make is a content error at its line.

Each file under tests/fixtures/bad/<folder>/ is a small, complete record with ONE planted
fault. It is copied into content/<folder>/ of a minimal valid site (the conftest fixture
make_site plus BASE_FILES, so that its references resolve) and the site is checked. The table
below says where the fault was planted (line, column: typed in from the fixture, whose
planted line carries a '# <- fault (line N)' comment) and what the person is told.
"""

from __future__ import annotations

import datetime as dt
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.load.yaml_source import parse_yaml
from generator.build import Checked, check_site
from generator.clock import LONDON
from generator.problems import Severity

REPO = Path(__file__).resolve().parent.parent
BAD = Path(__file__).parent / "fixtures" / "bad"
AS_OF = dt.date(2021, 6, 1)

# What the bad files refer to: an inspection with two recommendations.
BASE_FILES = {
    "inspections/base-2021.yaml": """\
service: torbay-yot
framework: hmip-youth-2018
fieldwork: {from: 2020-10-26, to: 2020-10-29}
published: 2021-03-03
recommendations:
  - to: The YOT Management Board
    items:
      - make sure Board members understand the needs of children known to the YOT
  - to: The YOT Head of Service
    items:
      - assess every child who receives an out-of-court disposal
""",
    # What an update is reported to (`reported_to:`).
    "meetings/base-osb-2021-03-01.yaml": """\
council: torbay
committee: Overview and Scrutiny Board
date: 2021-03-01
items:
  - {number: 1, title: Apologies for absence}
""",
}

E = Severity.ERROR


@dataclass(frozen=True)
class Bad:
    file: str               # under tests/fixtures/bad/, the same folder name as under content/
    line: int               # where the fault was planted (1-based)
    column: int
    token: str              # the text that starts at line:column in the fixture
    field: str
    message: str            # the essential part of the message
    hint: str | None        # the essential part of the hint; None when no hint is promised
    severity: Severity = E

    def __str__(self) -> str:
        return self.file


TABLE = [
    # --- inspections
    Bad("inspections/syntax-error.yaml", 5, 22, ": Jerram", "",
        "YAML syntax: a ':' where a value was expected", "put text containing ': ' in quotes"),
    Bad("inspections/unclosed-quote.yaml", 5, 17, '"Maria', "",
        "YAML syntax: the quoted text that starts here runs on to line 7", "close the quote"),
    Bad("inspections/unclosed-quote-at-end.yaml", 5, 17, "'Maria", "",
        "YAML syntax: a quote opened here is never closed", "close the quote"),
    Bad("inspections/unclosed-quote-in-key.yaml", 8, 3, '"2.1: Good', "",
        "YAML syntax: the quoted text that starts here runs on to line 9", "close the quote"),
    # helper-171: said to be the quoted text above, "runs on to line 6", at 5:15
    Bad("inspections/key-without-colon-after-quoted-text.yaml", 7, 1, "lead_inspector Jane", "",
        "YAML syntax: a line without 'key: value'", "put ':' and a space after its key"),
    Bad("inspections/unclosed-brace.yaml", 5, 10, "{rating", "",
        "YAML syntax: a '{' opened here is not closed", "close it with '}'"),
    Bad("inspections/score-as-text.yaml", 5, 48, "sixteen", "overall.score",
        "'sixteen' is not a score", "the published percentage, e.g. 94.44%"),
    Bad("inspections/standards-as-list.yaml", 5, 12, '["1.1"', "standards",
        "expected a mapping (lines of 'key: value'), got a list", None),
    Bad("inspections/unknown-rating.yaml", 7, 19, "Outstnding", "standards.2.1.rating",
        "'Outstnding' is not a rating", "did you mean 'Outstanding'?"),
    Bad("inspections/misspelt-service.yaml", 2, 10, "torbay-yto", "service",
        "there is no service 'torbay-yto'", "did you mean 'torbay-yot'?"),
    Bad("inspections/unknown-field.yaml", 5, 1, "lead_inspecter", "lead_inspecter",
        "'lead_inspecter' is not a field of an inspection", "did you mean 'lead_inspector'?"),
    Bad("inspections/duplicate-standard.yaml", 9, 3, '"2.1": Requires', "standards.2.1",
        "duplicate key '2.1' (first given at line 7)", "merge the two entries"),
    Bad("inspections/impossible-date.yaml", 4, 12, "2021-02-30", "published",
        "'2021-02-30' is not a real date", "check the day and month"),
    Bad("inspections/fieldwork-backwards.yaml", 4, 35, "2020-10-22", "fieldwork.to",
        "fieldwork ends (2020-10-22) before it starts (2020-10-26)", None),
    Bad("inspections/published-before-fieldwork.yaml", 5, 12, "2020-09-30", "published",
        "published (2020-09-30) before the fieldwork (2020-10-29)", "a report is published after its fieldwork"),
    Bad("inspections/percent-over-100.yaml", 11, 16, "193", "standards.2.1.key_questions.2.1.2.percent",
        "must be at most 100", None),
    Bad("inspections/yes-more-than-of.yaml", 10, 16, "{yes: 4", "standards.3.4.key_questions.3.4.1",
        "yes (4) is more than of (3)", "'of' is the number of relevant cases"),
    Bad("inspections/unknown-standard.yaml", 7, 3, '"4.1"', "standards.4.1",
        "'4.1' is not a standard of the hmip-youth-2018 framework", "its standards are 1.1, 1.2, 1.3, 1.4, 2.1"),
    Bad("inspections/unknown-key-question.yaml", 11, 7, '"3.4.3"', "standards.3.4.key_questions.3.4.3",
        "'3.4.3' is not a key question of standard 3.4", "3.4's key questions are 3.4.1, 3.4.2"),
    Bad("inspections/unknown-framework.yaml", 3, 12, "hmip-youth-2019", "framework",
        "there is no framework 'hmip-youth-2019'", "did you mean 'hmip-youth-20"),
    Bad("inspections/unknown-domain.yaml", 8, 3, '"4"', "domains.4",
        "'4' is not a domain of the hmip-youth-2018 framework", "its domains are 1, 2, 3"),
    Bad("inspections/tab-indented.yaml", 6, 1, "\t", "",
        "a tab character is used for indentation", "indented with spaces only"),
    Bad("inspections/alias-bomb.yaml", 1, 1, "# Bad input", "",
        "expands to more than 200,000 values (an alias bomb?)", "aliases (*) may repeat small parts only"),
    Bad("inspections/not-utf8.yaml", 4, 20, "\xe9", "",
        "the file is not UTF-8 text (byte 0xe9 cannot be read)", "save it as UTF-8"),
    # Notepad's 'Unicode' and Excel's 'Unicode Text': it was 'byte 0xff cannot be read' (helper-78)
    Bad("inspections/saved-as-utf16.yaml", 1, 1, "\xff\xfe", "",
        "the file is UTF-16 text (as Notepad's 'Unicode' and Excel's 'Unicode Text' save it), not UTF-8 text",
        "save it as UTF-8"),
    Bad("inspections/nul-byte.yaml", 5, 22, "\x00", "",
        "control character", "remove it"),
    Bad("inspections/summary-image-over-http.yaml", 7, 1, "    summary: Out", "domains.3.summary",
        "the image 'https://example.com/trend.png' is outside the site", "copy the image into content/attachments/"),
    Bad("inspections/introduction-nested-too-deep.yaml", 5, 15, "\"- - - -", "introduction",
        "lists and quotes are nested 12 deep here; the limit is 10", "start a new list, or use a heading"),
    Bad("inspections/lead-inspector-with-bidi-override.yaml", 5, 17, "Maria \xe2\x80\xaeJerram", "lead_inspector",
        "'Maria \\u202eJerram' contains the bidirectional control U+202E (RIGHT-TO-LEFT OVERRIDE)",
        "what is shown is not what is stored"),
    # --- action plans
    Bad("action-plans/unknown-recommendation.yaml", 6, 29, "7]", "actions.0.recommendations.2",
        "base-2021 has no recommendation 7", "it has 2 recommendations, numbered 1 to 2"),
    Bad("action-plans/duplicate-action-id.yaml", 8, 9, "A1   #", "actions.1.id",
        "action id 'A1' is used twice (first at actions.0)", "give each action its own id"),
    Bad("action-plans/bad-rag.yaml", 10, 33, "gren", "actions.0.updates.0.rag",
        "'gren' is not a RAG status", "did you mean 'green'?"),
    Bad("action-plans/update-unknown-field.yaml", 10, 40, "notes:", "actions.0.updates.0.notes",
        "'notes' is not a field of a progress update", "did you mean 'note'?"),
    Bad("action-plans/update-as-sentence.yaml", 10, 9, "Meets fortnightly", "actions.0.updates.0",
        "expected a mapping (lines of 'key: value'), got 'Meets fortnightly, on track'", None),
    Bad("action-plans/recommendations-not-a-list.yaml", 6, 22, "1   #", "actions.0.recommendations",
        "expected a list (lines starting with '- '), got '1'", None),
    Bad("action-plans/update-note-image-over-http.yaml", 11, 1, "        note: Met", "actions.0.updates.0.note",
        "the image 'https://example.com/pixel.gif' is outside the site", "copy the image into content/attachments/"),
    Bad("action-plans/update-reported-to-unknown-meeting.yaml", 10, 23, "base-osb-2021-03-10",
        "actions.0.updates.0.reported_to", "there is no meeting 'base-osb-2021-03-10'",
        "did you mean 'base-osb-2021-03-01'?"),
    Bad("action-plans/update-date-and-reported-to.yaml", 10, 41, "base-osb-2021-03-01",
        "actions.0.updates.0.reported_to", "this progress update gives both a date and the meeting it was reported to",
        "keep 'date' where its source gives the update's day; else 'reported_to' alone"),
    Bad("action-plans/update-without-date-or-meeting.yaml", 10, 9, "{rag: green", "actions.0.updates.0",
        "this progress update gives neither a date nor the meeting it was reported to",
        "'reported_to: <meeting id>'"),
    Bad("action-plans/impossible-month.yaml", 8, 10, "2021-13", "actions.0.due",
        "'2021-13' is not a real month", "the month is the number after the year, 01 to 12: e.g. 2021-07"),
    # --- meetings
    Bad("meetings/missing-attachment.yaml", 10, 40, "attachments/peer-review.md", "items.0.appendices.1.markdown",
        "there is no file content/attachments/peer-review.md", "put the file in content/attachments/"),
    Bad("meetings/missing-part.yaml", 12, 26, "base-2021-plan", "items.0.appendices.0.parts.1.action_plan",
        "there is no action plan 'base-2021-plan'", None),
    Bad("meetings/attachment-outside-content.yaml", 9, 35, "../secrets", "items.0.appendices.0.pdf",
        "'../secrets/peer-review.pdf' points outside content/", "give a path under content/"),
    Bad("meetings/pdf-that-is-markdown.yaml", 9, 35, "attachments/peer-review.md", "items.0.appendices.0.pdf",
        "'attachments/peer-review.md' is not in the expected form", "a PDF file's path, ending .pdf"),
    # No hint said what to write instead (helper-72).
    Bad("meetings/exempt-as-yes.yaml", 11, 17, "yes   #", "items.0.appendices.0.exempt",
        "expected a whole number, got 'yes'", "write it in figures, e.g. 3"),
    Bad("meetings/exempt-paragraph-9.yaml", 11, 17, "9   #", "items.0.appendices.0.exempt",
        "9 is not a Schedule 12A paragraph for a council in England", "use 1 to 7"),
    Bad("meetings/item-numbers-skip.yaml", 12, 13, "7     #", "items.3.number",
        "agenda item numbers skip from 3 to 7", "number the agenda's items 1, 2, 3 ... in order (this one 4)",
        Severity.WARNING),
    Bad("meetings/part-two-without-paragraph.yaml", 9, 11, "2       #", "items.1.part",
        "a Part 2 item needs its Schedule 12A paragraph", "add 'exempt: N'"),
    Bad("meetings/note-image-over-http.yaml", 6, 1, "note: The meeting", "note",
        "the image 'http://example.com/live.gif' is outside the site", "copy the image into content/attachments/"),
    Bad("meetings/recording-notice-image-over-http.yaml", 6, 1, "recording_notice: This", "recording_notice",
        "the image 'http://example.com/live.gif' is outside the site", "copy the image into content/attachments/"),
    # A Word file renamed: it was told to save it as UTF-8, which Word does not do for a record (helper-78)
    Bad("meetings/word-document-renamed.yaml", 1, 1, "PK\x03\x04", "",
        "the file is a zip archive, as a Word (.docx) or Excel (.xlsx) file is, not UTF-8 text",
        "write the file in a text editor"),
    Bad("meetings/bad-time.yaml", 5, 7, "5.30pm", "time",
        "'5.30pm' is not in the expected form", "a time is HH:MM"),
    Bad("meetings/title-with-noncharacter-escape.yaml", 7, 12, '"Review', "items.0.title",
        "'Review of the Youth Offending Team\\uffff' contains U+FFFF, which is not a character", "remove it"),
    # --- reports (Markdown with front matter) and Markdown attachments
    Bad("reports/escape-character-in-body.md", 8, 22, "\x1b[2J", "body",
        "the text contains the control character U+001B; expected printable text", "remove it"),
    Bad("attachments/nul-in-body.md", 5, 16, "\x00", "body",
        "the text contains the control character U+0000; expected printable text", "remove it"),
    Bad("attachments/logo-with-entities.svg", 2, 1, "<!DOCTYPE svg [", "",
        "the SVG file has a DOCTYPE, whose DTD may define entities; it is not read", "delete the <!DOCTYPE ...> line"),
    Bad("attachments/chart-saved-as-web-page.png", 1, 1, "<!doctype html>", "",
        "the file is named as a PNG image, but its bytes are no image format Scrutiny knows", "save the image as PNG"),
    Bad("attachments/list-nested-twelve-deep.md", 15, 41, "- Volunteer Mentor", "body",
        "lists and quotes are nested 11 deep here; the limit is 10", "start a new list, or use a heading"),
    Bad("reports/brackets-never-closed.md", 8, 14, "[[[[", "body",
        "the links and brackets here would take the Markdown reader over 1,000,000 steps, its limit",
        "write \\[ for a bracket that starts no link"),
    Bad("reports/unknown-block.md", 11, 1, "[[ratings-chart]]", "body",
        "'[[ratings-chart]]' is not a block", "[[ratings-table]]"),
    Bad("reports/block-missing-a-bracket.md", 11, 1, "[[ratings-table]", "body",
        "'[[ratings-table]' is not written as a block", "two brackets each side"),
    Bad("reports/block-with-capitals.md", 11, 1, "[[Ratings-Table]]", "body",
        "'[[Ratings-Table]]' is not written as a block", "two brackets each side"),
    Bad("reports/block-with-extra-bracket.md", 11, 1, "[[[ratings-table]]", "body",
        "'[[[ratings-table]]' is not written as a block", "two brackets each side"),
    Bad("reports/placeholder-left-in.md", 11, 1, "[[TBC]]", "body",
        "'[[TBC]]' is not written as a block",
        "no block has that name: if it marks something still to write, write it, since the page and the paper "
        "print it as it stands"),
    Bad("reports/block-as-list-item.md", 11, 1, "- [[ratings-table]]", "body",
        "'- [[ratings-table]]' is not written as a block", "not in a list or a quotation: remove the '-'"),
    # Both faults in one run: the list marker, and a name no block has (helper-54).
    Bad("reports/unknown-block-as-list-item.md", 11, 1, "- [[ratings-chart]]", "body",
        "'- [[ratings-chart]]' is not written as a block",
        "remove the '-'; '[[ratings-chart]]' is not a block: blocks are [[ratings-table]]"),
    # A name typed in words: it was "'[[ratings]]' is not a block", a name the clerk never typed,
    # and "no block has that name" for one of three words (helper-72).
    Bad("reports/block-spelt-with-a-space.md", 11, 1, "[[ratings table]]", "body",
        "'[[ratings table]]' is not a block", "hyphens between its words, not spaces: write [[ratings-table]]"),
    Bad("reports/block-spelt-in-words.md", 11, 1, "[[Action Plan Summary]]", "body",
        "'[[Action Plan Summary]]' is not written as a block",
        "in lower case, with hyphens between its words, not spaces: write [[action-plan-summary]]"),
    Bad("reports/block-with-text-after-it.md", 11, 1, "[[ratings-table]].", "body",
        "'[[ratings-table]].' is not written as a block", "with nothing before or after it"),
    Bad("reports/block-with-en-dash.md", 11, 1, "[[ratings\xe2\x80\x93table]]", "body",
        "'[[ratings\u2013table]]' is not written as a block", "hyphens '-', not the en dash"),
    Bad("reports/image-over-http.md", 10, 1, "![Ratings chart](http://", "body",
        "the image 'http://example.com/chart.png' is outside the site", "copy the image into content/attachments/"),
    Bad("reports/image-local-file.md", 10, 1, "![Ratings chart](file:///etc/passwd)", "body",
        "the image 'file:///etc/passwd' is outside the site", "copy the image into content/attachments/"),
    Bad("reports/image-by-reference.md", 12, 1, "[chart]: http://", "body",
        "the image 'http://example.com/chart.png' is outside the site", "copy the image into content/attachments/"),
    # UTF-16 without a byte-order mark: it was 'a report starts with front matter', of a file
    # whose first line is '---' in any editor (helper-78)
    Bad("reports/saved-as-utf16-without-mark.md", 1, 1, "-\x00-\x00-\x00", "",
        "the file is UTF-16 text", "save it as UTF-8"),
    Bad("reports/no-front-matter.md", 1, 1, "## Purpose", "",
        "a report starts with front matter", "begin the file with a line '---'"),
    # No line '---' ends the front matter: the body was read as YAML, an error at line 8 with
    # nothing about the fence (helper-61).
    Bad("reports/front-matter-not-closed.md", 1, 1, "---", "",
        "the front matter that starts here is not closed", "end the front matter with a line '---'"),
    # A zero-byte file (an editor that crashed) or one of only comments was four or more
    # "X: is required" errors at 1:1, one for each field (helper-95).
    Bad("meetings/empty.yaml", 1, 1, "", "", "the file is empty",
        "a meeting needs council, committee, date and items; or delete the file and run "
        "`scrutiny new meeting empty`"),
    Bad("action-plans/only-comments.yaml", 1, 1, "# Torbay", "", "the file is empty",
        "an action plan needs inspection, title and actions; or delete the file and run "
        "`scrutiny new action-plan only-comments`"),
    Bad("reports/empty-front-matter.md", 1, 1, "---", "", "the front matter is empty",
        "a report's front matter needs council, title and date"),
    Bad("reports/key-decision-maybe.md", 5, 15, "maybe", "key_decision",
        "expected true or false, got 'maybe'", "write true or false"),
    # content-format.md: "yes, no, on, off are plain words (YAML 1.2 rules)"; pydantic took
    # them as booleans (helper-33).
    Bad("reports/key-decision-yes.md", 5, 15, "yes", "key_decision",
        "expected true or false, got 'yes'", "write true or false: yes, no, on and off are words"),
    # --- councils, services, indicators
    Bad("councils/unknown-nation.yaml", 3, 9, "scotland", "nation",
        "expected one of 'england' or 'wales'", None),
    Bad("councils/name-with-escape-sequence.yaml", 2, 7, '"Torbay\\e[31m', "name",
        "'Torbay\\x1b[31m Council' contains the control character U+001B; expected printable text",
        "in double quotes an escape such as \\0, \\e, \\x1b or \\u001b writes one"),
    Bad("councils/recording-notice-as-list.yaml", 3, 19, "[This meeting", "recording_notice",
        "expected text, got a list", None),
    Bad("councils/change-recording-notice-image-over-http.yaml", 6, 1, "    recording_notice: This",
        "changes.0.recording_notice", "the image 'http://example.com/live.gif' is outside the site",
        "copy the image into content/attachments/"),
    # A council's details change from a day on (`changes`): each change is located like any field.
    Bad("councils/change-misspelt-field.yaml", 6, 5, "colur", "changes.0.colur",
        "'colur' is not a field of a change to a council's details", "did you mean 'colour'?"),
    Bad("councils/change-naming-nation.yaml", 6, 5, "nation", "changes.0.nation",
        "'nation' is not a field of a change to a council's details", "allowed here: from, name,"),
    Bad("councils/change-without-from.yaml", 5, 5, "clerk", "changes.0.from", "is required", "add 'from:'"),
    Bad("councils/change-from-not-a-date.yaml", 5, 11, "next September", "changes.0.from",
        "expected a date, got 'next September'", "write dates as YYYY-MM-DD"),
    Bad("councils/two-changes-from-one-day.yaml", 7, 11, "2026-09-01", "changes.1.from",
        "two changes from 2026-09-01 (the other is changes.0)", "put what changes on that day into one change"),
    Bad("services/name-ending-in-nul-escape.yaml", 2, 7, '"Paignton', "name",
        "'Paignton Youth Offending Team\\x00' contains the control character U+0000", "remove it"),
    Bad("services/misspelt-council.yaml", 4, 10, "torbya", "council",
        "there is no council 'torbya'", "did you mean 'torbay'?"),
    Bad("indicators/value-as-text.yaml", 5, 12, "two hundred", "first_time_entrants.0.value",
        "expected a number, got 'two hundred and three'", "write it in figures, e.g. 203 or 2.45"),
    Bad("indicators/comparators-as-list.yaml", 6, 18, "[154", "first_time_entrants.0.comparators",
        "expected a mapping (lines of 'key: value'), got a list", None),
    Bad("indicators/published-before-period-ends.yaml", 7, 16, "2021-03-15", "reoffending_frequency.0.published",
        "published (2021-03-15) before its period ends (2021-03-31)", "a figure is published after its period ends"),
]

_checked: dict[str, Checked] = {}


@pytest.fixture(scope="module")
def check_bad(tmp_path_factory, make_site):
    """Check a minimal site holding one bad file (each file is checked once per run)."""
    def run(bad: Bad) -> Checked:
        if bad.file not in _checked:
            root = tmp_path_factory.mktemp("bad")
            make_site(root, {**BASE_FILES, bad.file: (BAD / bad.file).read_bytes()})
            _checked[bad.file] = check_site(root, AS_OF)
        return _checked[bad.file]
    return run


def _line_of(file: str, line: int) -> str:
    # latin-1 maps every byte to one character, so this also reads the non-UTF-8 fixture
    return (BAD / file).read_bytes().decode("latin-1").split("\n")[line - 1]


def test_the_corpus_has_at_least_28_files_each_in_the_table():
    files = sorted(p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file())
    assert len(files) >= 28
    assert files == sorted(bad.file for bad in TABLE)


def test_the_base_site_for_bad_inputs_checks_clean(tmp_path, make_site):
    checked = check_site(make_site(tmp_path, BASE_FILES), AS_OF)
    assert checked.problems == ()


@pytest.mark.parametrize("bad", TABLE, ids=str)
def test_the_planted_fault_stands_at_the_line_and_column_in_the_table(bad: Bad):
    assert _line_of(bad.file, bad.line)[bad.column - 1:].startswith(bad.token)


@pytest.mark.parametrize("bad", TABLE, ids=str)
def test_a_bad_file_is_a_content_error_at_its_planted_line_and_column(bad: Bad, check_bad):
    checked = check_bad(bad)
    path = f"content/{bad.file}"
    found = [p for p in checked.problems if p.path == path and bad.message in p.message]
    assert found, f"no problem saying {bad.message!r}; got:\n" + "\n".join(map(str, checked.problems))
    problem = found[0]
    got = (problem.line, problem.column, problem.severity, problem.field,
           bad.hint is None or bad.hint in (problem.hint or ""))
    assert got == (bad.line, bad.column, bad.severity, bad.field, True), str(problem)


@pytest.mark.parametrize("bad", TABLE, ids=str)
def test_a_bad_file_with_one_fault_gives_exactly_one_error(bad: Bad, check_bad):
    # (a planted warning: exactly one warning, and no error)
    errors = [p for p in check_bad(bad).problems if p.severity in (E, bad.severity)]
    assert [p.path for p in errors] == [f"content/{bad.file}"], "\n".join(map(str, errors))


def test_an_empty_required_field_is_told_to_be_filled_in_not_perhaps_deleted(tmp_path, make_site):
    # helper-63: "fill in a value, or delete the line if the field is optional" of a field that
    # never is; the field's own model says which it is.
    text = "council:\ncommittee: Scrutiny\ndate:\nitems: [{number: 1, title: Minutes}]\n"
    checked = check_site(make_site(tmp_path, {"meetings/empty.yaml": text}), AS_OF)
    assert [(p.field, p.hint) for p in checked.errors] == [
        ("council", "fill in a value"), ("date", "fill in a date as YYYY-MM-DD")]


def test_an_empty_status_or_rag_is_said_to_be_empty_never_none(tmp_path, make_site):
    # helper-68: 'status:' and 'rag:' left empty were "'None' is not a status" and "'None' is not
    # a RAG status": the author wrote no 'None'. Deleting 'status:' would publish the record, so
    # its hint says what to write and never to delete the line.
    text = ("inspection: base-2021\ntitle: Plan\nstatus:\nactions:\n  - id: A1\n    action: Set up a group\n"
            "    due: 2021-07\n    updates:\n      - {date: 2021-04-20, rag: , note: Meets.}\n")
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "action-plans/empty.yaml": text}), AS_OF)
    assert [(p.line, p.field, p.message, p.hint) for p in checked.errors] == [
        (3, "status", "is empty; expected draft or published", "fill in draft (not public) or published"),
        (9, "actions.0.updates.0.rag", "is empty; expected red, amber, green or complete",
         "fill in red, amber, green or complete")]


def test_an_empty_colour_is_said_to_be_empty_never_none(tmp_path, make_site):
    # helper-68: a council's 'colour:' left empty was "expected a colour like '#005ea5', got 'None'".
    council = "name: Torbay Council\nnation: england\ncolour:\n"
    checked = check_site(make_site(tmp_path, {"councils/torbay.yaml": council}), AS_OF)
    assert [(p.line, p.field, p.message, p.hint) for p in checked.errors] == [
        (3, "colour", "is empty; expected a colour like '#005ea5'",
         "fill in six hex digits after '#', in quotes, or delete the line")]


def test_a_megabyte_pasted_into_a_field_is_quoted_cut_short(tmp_path, make_site):
    # The whole value was quoted: one error line of a million characters filled the terminal
    pasted = "x" * 1_000_000
    council = f"name: Torbay Council\nnation: england\ncolour: {pasted}\nclerk: {pasted}\n"
    checked = check_site(make_site(tmp_path, {"councils/torbay.yaml": council}), AS_OF)
    shown = "'" + "x" * 60 + "...' (1,000,000 characters)"
    assert [(p.line, p.field, p.message) for p in checked.errors] == [
        (3, "colour", f"expected a colour like '#005ea5', got {shown}"),
        (4, "clerk", f"expected a mapping (lines of 'key: value'), got {shown}")]
    assert all(len(str(p)) < 300 for p in checked.problems)


def test_every_fault_in_one_file_is_reported_in_one_pass(tmp_path, make_site):
    three_faults = """\
service: torbay-yot
framework: hmip-youth-2018
published: 2021-02-30          # fault 1: no 30 February (line 3)
lead_inspecter: Maria Jerram   # fault 2: unknown field (line 4)
standards:
  "1.1": Outstnding            # fault 3: not a rating (line 6)
"""
    checked = check_site(make_site(tmp_path, {"inspections/three.yaml": three_faults}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [
        (3, "published"), (4, "lead_inspecter"), (6, "standards.1.1.rating")]


def test_a_wrong_value_does_not_hide_the_faults_only_the_other_records_show(tmp_path, make_site):
    # helper-33: a date in the wrong form hid, until it was fixed, a reference to no service
    # and a framework that does not exist: each came to light one `check` at a time.
    text = """\
service: torbay-yott           # fault 1: no such service (line 1)
framework: hmip-youth-2018
published: 04/03/2021          # fault 2: not a date (line 3)
standards:
  "1.1": Good
  "9.9": Good                  # fault 3: no standard 9.9 in that framework (line 6)
"""
    checked = check_site(make_site(tmp_path, {"inspections/three.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(1, "service"), (3, "published"), (6, "standards.9.9")]
    assert [p for p in checked.problems if p.path == "content/inspections/three.yaml"] == list(checked.errors)


# A meeting's first four lines, before its items (line 5 is the first item's).
CYP_MEETING = """\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
items:
"""


def test_an_agenda_item_missing_its_title_does_not_hide_a_later_item_naming_no_report(tmp_path, make_site):
    # The item without its title is left out of what is checked against the other records; the
    # report named by the item after it is still found missing, at that item as the file writes it.
    text = CYP_MEETING + """\
  - number: 1
    title: Apologies for absence
  - number: 2                      # fault 1: no title (line 7)
  - number: 3
    title: Minutes of the last meeting
  - number: 4
    title: Youth Offending Team inspection
    report: base-2021-reprot       # fault 2: there is no such report (line 12)
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/cyp-2021-03-01.yaml": text}), AS_OF)
    assert [(p.line, p.column, p.field, p.message) for p in checked.errors] == [
        (7, 5, "items.1.title", "is required"),
        (12, 13, "items.3.report", "there is no report 'base-2021-reprot'")]


def test_an_action_written_as_a_sentence_does_not_hide_the_faults_of_the_actions_after_it(tmp_path, make_site):
    # Action 1 and action 2's first update are left out of what is checked against the other
    # records; each fault after them is still reported at the action and update the file writes.
    text = """\
inspection: base-2021
title: Improvement plan
actions:
  - Set up a working group         # fault 1: an action written as a sentence (line 4)
  - id: A2
    action: Review the panel's membership
    updates:
      - date: 2021-04-01           # fault 2: no rag (line 8)
      - date: 2021-05-01
        rag: amber
        note: "![Attendance](https://example.com/a.png)"   # fault 3: an image from outside (line 11)
  - id: A3
    recommendations: [1, 7]        # fault 4: the inspection has no recommendation 7 (line 13)
    action: Train the panel
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "action-plans/base-2021-plan.yaml": text}), AS_OF)
    assert [(p.line, p.column, p.field) for p in checked.errors] == [
        (4, 5, "actions.0"), (8, 9, "actions.1.updates.0.rag"), (11, 1, "actions.1.updates.1.note"),
        (13, 26, "actions.2.recommendations.1")]
    assert "base-2021 has no recommendation 7" in checked.errors[-1].message


def test_an_action_plan_whose_only_action_has_an_error_still_has_its_unknown_inspection_reported(tmp_path, make_site):
    # Its one action left out, the plan has none: it is checked against the others all the same.
    text = """\
inspection: base-2012              # fault 1: there is no such inspection (line 1)
title: Improvement plan
actions:
  - id: A1                         # fault 2: no action (line 4)
    recommendations: [1]
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "action-plans/base-2021-plan.yaml": text}), AS_OF)
    assert [(p.line, p.column, p.field) for p in checked.errors] == [(1, 13, "inspection"), (4, 5, "actions.0.action")]
    assert "there is no inspection 'base-2012'" in checked.errors[0].message


def test_an_appendix_part_left_incomplete_does_not_hide_a_later_appendixs_unknown_record(tmp_path, make_site):
    # The part's wrong value left out, the part has no source: it is left out in turn, and the
    # action plan the next appendix names is still found missing.
    text = CYP_MEETING + """\
  - number: 1
    title: Youth Offending Team inspection
    appendices:
      - title: Inspection report
        parts:
          - {inspection: [base-2021]}      # fault 1: a list, not an id (line 10)
      - {title: Improvement plan, action_plan: base-2021-plna}   # fault 2: no such plan (line 11)
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/cyp-2021-03-01.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [
        (10, "items.0.appendices.0.parts.0.inspection"), (11, "items.0.appendices.1.action_plan")]
    assert "there is no action plan 'base-2021-plna'" in checked.errors[1].message


def test_an_exempt_item_left_incomplete_by_a_refused_value_is_not_left_out(tmp_path, make_site):
    # Its title refused, the Part 2 item has none; leaving the item out in turn would open what
    # it holds exempt, so the meeting is not checked against the others at all.
    text = CYP_MEETING + """\
  - number: 1
    title: [Inspection report]     # fault: a list, not a title (line 6)
    part: 2
    exempt: 3
    appendices:
      - {title: Inspection report, inspection: base-2021}
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/cyp-2021-03-01.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(6, "items.0.title")]
    assert "cyp-2021-03-01" not in checked.corpus.meetings


def test_an_inspection_whose_recommendations_have_errors_gives_the_plans_answering_them_no_false_error(
        tmp_path, make_site):
    # Left out, the first group's one recommendation would make the second group's the first:
    # a plan answering recommendation 2 was told base-2021 has no recommendation 2.
    inspection = BASE_FILES["inspections/base-2021.yaml"].replace(
        "      - make sure Board members understand the needs of children known to the YOT",
        "      - [make sure Board members understand the needs of children known to the YOT]")   # line 8
    plan = """\
inspection: base-2021
title: Improvement plan
actions:
  - id: A1
    action: Assess every child given an out-of-court disposal
    recommendations: [2]
"""
    checked = check_site(make_site(tmp_path, {"inspections/base-2021.yaml": inspection,
                                              "action-plans/base-2021-plan.yaml": plan}), AS_OF)
    assert [(p.path, p.line, p.field) for p in checked.errors] == [
        ("content/inspections/base-2021.yaml", 8, "recommendations.0.items.0")]


FRAMEWORK_2025 = (Path(__file__).parent.parent / "generator" / "frameworks" / "hmip-youth-2025.yaml").read_text()
INSPECTION_2025 = """\
service: torbay-yot
framework: hmip-youth-2025
inspection_type: children-and-victims
fieldwork: {from: 2025-06}
published: 2025-09
standards: {C1.1: Good, C1.2: Good, C1.3: Good, V1: Good}
"""


@pytest.mark.parametrize("plain, written, fault", [
    ("rates: [C1.1, C1.2, C1.3, V1]", "rates: [[C1.1], [C1.2], [C1.3], [V1]]", "inspection_types.0.rates.0"),
    ("name: Leadership and governance,", "name: [Leadership and governance],", "domains.0.standards.0.name"),
])
def test_a_framework_with_errors_gives_the_inspections_under_it_no_false_errors(tmp_path, make_site, plain, written,
                                                                                 fault):
    # Left out, the refused values emptied a kind of inspection ('C1.1' is not rated ... (it rates )),
    # or took a standard and then the kind rating it ('the framework has one kind of inspection').
    assert FRAMEWORK_2025.count(plain) == 1
    files = {"frameworks/hmip-youth-2025.yaml": FRAMEWORK_2025.replace(plain, written),
             "inspections/torbay-2025.yaml": INSPECTION_2025}
    checked = check_site(make_site(tmp_path, files), AS_OF)
    assert [p.path for p in checked.errors] == ["content/frameworks/hmip-youth-2025.yaml"] * len(checked.errors)
    assert checked.errors[0].field == fault


def test_a_council_whose_nation_has_an_error_gives_its_meetings_no_english_paragraphs(tmp_path, make_site):
    # Left out, the nation read as England's: a Welsh council's paragraph 14 was 'not a Schedule 12A
    # paragraph for a council in England (use 1 to 7)'.
    meeting = CYP_MEETING + """\
  - number: 1
    title: Youth Offending Team inspection
    appendices:
      - {title: Peer review, inspection: base-2021, exempt: 14}
"""
    files = {**BASE_FILES, "councils/torbay.yaml": "name: Torbay Council\nnation: walse\n",
             "meetings/cyp-2021-03-01.yaml": meeting}
    checked = check_site(make_site(tmp_path, files), AS_OF)
    assert [(p.path, p.line, p.field) for p in checked.errors] == [("content/councils/torbay.yaml", 2, "nation")]


def test_an_agenda_item_with_errors_is_not_left_out_when_it_says_what_is_exempt(tmp_path, make_site):
    # Left out, a Part 2 item would no longer hold back what it gives: the meeting is not checked
    # against the others at all (its missing report waits for the next check), and has no record.
    text = CYP_MEETING + """\
  - number: 1
    title: Apologies for absence
  - number: 2                      # fault 1: no title (line 7)
    part: 2
    exempt: 3
    appendices:
      - {title: Inspection report, inspection: base-2021}
  - number: 3
    title: Youth Offending Team inspection
    report: base-2021-reprot       # not reported: the meeting is not checked against the others
"""
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/cyp-2021-03-01.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(7, "items.1.title")]
    assert "cyp-2021-03-01" not in checked.corpus.meetings


def test_a_record_whose_status_or_embargo_is_wrong_is_never_read_as_public(tmp_path, make_site):
    # Checking the rest of a record without its wrong values must not make a wrong status or
    # embargo read as "published, now": the audit and `scrutiny list` read records with errors.
    from generator.plan.publication import public_corpus

    for wrong in ("status: drafft", 'embargo_until: "2099-13-01"'):   # see the meeting's below too
        text = f"service: torbay-yot\nframework: hmip-youth-2018\n{wrong}\n"
        checked = check_site(make_site(tmp_path / wrong[:6], {"inspections/held-2099.yaml": text}), AS_OF)
        assert [p.field for p in checked.errors] == [wrong.split(":")[0]]
        assert "held-2099" not in checked.corpus.inspections
        public, _ = public_corpus(checked.corpus, dt.datetime(2026, 12, 6, 12, 0, tzinfo=LONDON))
        assert "held-2099" not in public.inspections


def test_a_meeting_whose_exemption_or_to_follow_is_wrong_opens_nothing(tmp_path):
    # helper-36: with `to_follow: maybe` left out, a later meeting's item read as open and gave
    # the inspection an earlier agenda holds exempt: the audit then found none of its 27 leaks.
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    text = meeting.read_text(encoding="utf-8")
    exempt = text.replace("inspection: wolverhampton-2021}", "inspection: wolverhampton-2021, exempt: 3}", 1)
    assert exempt != text
    meeting.write_text(exempt, encoding="utf-8")
    for wrong in ("to_follow: maybe", "exempt: 99", "part: 3"):
        later = exempt.replace("date: 2022-03-16 ", "date: 2022-04-20 ", 1).replace(", exempt: 3}", "}", 1)
        later = later.replace("    report: wolverhampton-yot-inspection-outcome", f"    {wrong}", 1)
        (root / "content/meetings/wolverhampton-cabinet-2022-04-20.yaml").write_text(later, encoding="utf-8")
        checked = check_site(root, AS_OF)
        assert [p.field.rsplit(".", 1)[-1] for p in checked.errors] == [wrong.split(":")[0]], checked.errors
        assert "wolverhampton-cabinet-2022-04-20" not in checked.corpus.meetings


def test_an_unknown_field_is_named_with_what_holds_it_and_the_shorthand_it_may_mean(tmp_path):
    # helper-36: a typo inside an appendix was "not a field of a meeting", and its hint
    # offered title, parts and exempt, not the shorthand `inspection:` it missed.
    from site_helpers import copy_site

    root = copy_site(tmp_path / "site")
    meeting = root / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml"
    meeting.write_text(meeting.read_text(encoding="utf-8").replace(
        "inspection: wolverhampton-2021}", "inspecton: wolverhampton-2021}", 1), encoding="utf-8")
    [typo] = [p for p in check_site(root, AS_OF).errors if p.field.endswith("inspecton")]
    assert (typo.field, typo.message, typo.hint) == (
        "items.3.appendices.0.inspecton", "'inspecton' is not a field of an appendix", "did you mean 'inspection'?")
    # A mapping's own key ("2.1") is no name for what it holds (helper-37).
    inspection = root / "content" / "inspections" / "sandwell-2018.yaml"
    text = inspection.read_text(encoding="utf-8")
    assert '  "2.1":\n    rating: Outstanding\n' in text
    inspection.write_text(text.replace('  "2.1":\n    rating: Outstanding\n', '  "2.1":\n    ratin: Outstanding\n', 1),
                          encoding="utf-8")
    [typo] = [p for p in check_site(root, AS_OF).errors if p.field.endswith("ratin")]
    assert typo.message == "'ratin' is not a field of a standard's finding"


def test_a_duplicate_key_does_not_hide_the_other_faults_in_its_file(tmp_path, make_site):
    # The duplicate is found while reading; the rest of the file is still readable data
    # and its own faults must be reported in the same pass.
    text = """\
service: torbay-yot
framework: hmip-youth-2018
published: 2021-02-30          # fault 1: no 30 February (line 3)
standards:
  "2.1": Good
  "2.1": Outstanding           # fault 2: duplicate key (line 6)
"""
    checked = check_site(make_site(tmp_path, {"inspections/two.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(3, "published"), (6, "standards.2.1")]


def test_faults_in_different_files_are_all_reported_in_one_pass(tmp_path, make_site):
    files = {name: (BAD / name).read_bytes() for name in (
        "inspections/unknown-rating.yaml", "councils/unknown-nation.yaml", "reports/unknown-block.md")}
    checked = check_site(make_site(tmp_path, {**BASE_FILES, **files}), AS_OF)
    assert sorted({p.path for p in checked.errors}) == sorted(f"content/{name}" for name in files)


def test_two_missing_required_fields_are_two_errors(tmp_path, make_site):
    # Both errors stand at 1:1 (where the fields would be added); neither may be lost.
    checked = check_site(make_site(tmp_path, {"inspections/empty-ish.yaml": "lead_inspector: Maria Jerram\n"}),
                         AS_OF)
    assert sorted(p.field for p in checked.errors) == ["framework", "service"]


def test_the_alias_bomb_fails_fast_and_in_little_memory():
    # ru_maxrss is the process's high-water mark (KiB on Linux): a bomb that expanded even
    # a little of its 10^9 values would raise it by gigabytes.
    text = (BAD / "inspections/alias-bomb.yaml").read_text(encoding="utf-8")
    # CPU seconds, not wall-clock: a loaded CI machine must not make this fail.
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.process_time()
    data, _, problems = parse_yaml(text, "content/inspections/alias-bomb.yaml")
    elapsed = time.process_time() - started
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before) / 1024
    assert (data, [p.severity for p in problems], elapsed < 3.0, grown_mib < 200) == (
        None, [Severity.ERROR], True, True), (elapsed, grown_mib)


def test_a_50_mb_file_is_refused_by_its_size_quickly(tmp_path, make_site):
    root = make_site(tmp_path, BASE_FILES)
    huge = root / "content" / "inspections" / "huge-export.yaml"
    row = b"- {yes: 4, of: 4, note: a row of a spreadsheet export}\n"
    with huge.open("wb") as out:                 # real YAML bytes: reading them would be slow
        for _ in range(50 * 1024 * 1024 // (len(row) * 1024) + 1):
            out.write(row * 1024)
    assert huge.stat().st_size >= 50 * 1024 * 1024
    started = time.process_time()                # CPU seconds: reading 50 MB of YAML would take minutes
    checked = check_site(root, AS_OF)
    elapsed = time.process_time() - started
    [problem] = checked.errors
    assert (problem.path, problem.line, problem.column, problem.severity) == (
        "content/inspections/huge-export.yaml", 0, 0, Severity.ERROR)
    assert "the limit is 2 MB" in problem.message and problem.message.startswith("the file is 5")
    assert elapsed < 5.0


def test_50000_nested_brackets_are_a_content_error_not_a_crash(tmp_path, make_site):
    # 100 KB, well under the size limit. Run as a separate process: a crash in a C
    # extension (a segmentation fault) would otherwise take the whole test run down.
    nested = "service: torbay-yot\nframework: hmip-youth-2018\nfacts: " + "[" * 50_000 + "]" * 50_000 + "\n"
    root = make_site(tmp_path, {"inspections/nested.yaml": nested})
    result = subprocess.run([str(REPO / ".venv" / "bin" / "scrutiny"), "-C", str(root), "check"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert (result.returncode, "content/inspections/nested.yaml:" in result.stdout) == (1, True), (
        result.returncode, result.stdout[-2000:])


WELSH_MEETING = """\
council: cardiff
committee: Children and Young People Scrutiny Committee
date: 2021-03-01
items:
  - number: 1
    title: Youth Justice Service inspection
    appendices:
      - {title: Staffing proposals, inspection: base-2021, exempt: %d}
"""


def test_a_welsh_council_may_use_schedule_12a_paragraphs_12_to_18(tmp_path, make_site):
    root = make_site(tmp_path, {**BASE_FILES, "councils/cardiff.yaml": "name: Cardiff Council\nnation: wales\n",
                                "meetings/cardiff-2021-03-01.yaml": WELSH_MEETING % 14})
    # the paragraph is accepted; what is said is that the exempt inspection leaves the site
    assert [p.field for p in check_site(root, AS_OF).problems] == ["items.0.appendices.0.inspection"]   # as written


def test_an_english_paragraph_number_is_an_error_for_a_welsh_council(tmp_path, make_site):
    root = make_site(tmp_path, {**BASE_FILES, "councils/cardiff.yaml": "name: Cardiff Council\nnation: wales\n",
                                "meetings/cardiff-2021-03-01.yaml": WELSH_MEETING % 3})
    [problem] = check_site(root, AS_OF).errors
    assert (problem.line, problem.field, problem.message, problem.hint) == (
        8, "items.0.appendices.0.exempt", "3 is not a Schedule 12A paragraph for a council in Wales", "use 12 to 18")


def test_a_utf8_byte_order_mark_is_accepted(tmp_path, make_site):
    text = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
    root = make_site(tmp_path, {"inspections/saved-by-notepad.yaml": b"\xef\xbb\xbf" + text.encode()})
    assert check_site(root, AS_OF).problems == ()


def test_a_byte_order_mark_does_not_shift_the_lines_of_errors(tmp_path, make_site):
    text = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-02-30\n"
    root = make_site(tmp_path, {"inspections/saved-by-notepad.yaml": b"\xef\xbb\xbf" + text.encode()})
    assert [(p.line, p.field) for p in check_site(root, AS_OF).errors] == [(3, "published")]


@pytest.mark.parametrize("written", ["Amber/Green", "red - amber", "GREEN/complete", "Amber / not started"])
def test_a_rag_of_two_statuses_asks_for_one_and_guesses_neither(written):
    """'Amber/Green' was answered "did you mean 'green'?", a guess the author had not made
    (helper-51); the spreadsheet import already said it gives more than one."""
    from pydantic_core import PydanticCustomError
    from generator.model.types import parse_rag

    with pytest.raises(PydanticCustomError) as refused:
        parse_rag(written)
    assert refused.value.context["hint"] == "an action has one status at a time: choose one of red, amber, green, " \
                                            "complete or not started"


@pytest.mark.parametrize("written, message", [
    ("2021-02-30 10:00", "'2021-02-30' is not a real date"),
    ("2021-02-28 25:00", "'25:00' is not a real time of day"),
    ("2021-02-28T10:75", "'10:75' is not a real time of day"),
])
def test_an_embargo_on_a_day_or_at_an_hour_that_does_not_exist_says_which(written, message):
    """`embargo_until: 2021-02-30 10:00` was "expected a date and time", where a plain date
    of 30 February is "not a real date" (helper-51)."""
    from pydantic_core import PydanticCustomError
    from generator.model.types import parse_local_datetime

    with pytest.raises(PydanticCustomError) as refused:
        parse_local_datetime(written)
    assert str(refused.value) == message


@pytest.mark.parametrize("written, hint", [
    ("2026-06-01 09:30:30", "write 2026-06-01 09:31 to hold it back until then, or 2026-06-01 09:30 if that was meant"),
    ("2026-06-01T09:30:00.5", "write 2026-06-01 09:31 to hold it back until then, or 2026-06-01 09:30 if that was meant"),
    ("2026-06-01 23:59:59+01:00",
     "write 2026-06-02 00:00+01:00 to hold it back until then, or 2026-06-01 23:59+01:00 if that was meant"),
    (dt.datetime(2026, 6, 1, 9, 30, 30),
     "write 2026-06-01 09:31 to hold it back until then, or 2026-06-01 09:30 if that was meant"),
])
def test_an_embargo_given_to_the_second_is_refused_with_the_minutes_either_side(written, hint):
    """`embargo_until: "2026-06-01 09:30:30"` was accepted and printed everywhere as 09:30, so
    `list embargoed --as-of "2026-06-01 09:30"` said 'next release: 2026-06-01 09:30' of a
    record still held back. An agenda gives a time to the minute; the later minute is offered first."""
    from pydantic_core import PydanticCustomError
    from generator.model.types import parse_local_datetime

    with pytest.raises(PydanticCustomError) as refused:
        parse_local_datetime(written)
    assert str(refused.value) == f"'{written}' has seconds; a time here is to the minute"
    assert refused.value.context["hint"] == hint


def test_an_embargo_whose_offset_has_seconds_is_refused():
    # 09:30+00:00:30 is 09:29:30 UTC, 10:29:30 on London's clock: printed as 10:29, not yet come.
    from pydantic_core import PydanticCustomError
    from generator.model.types import parse_local_datetime

    with pytest.raises(PydanticCustomError) as refused:
        parse_local_datetime("2026-06-01 09:30+00:00:30")
    assert str(refused.value) == "'2026-06-01 09:30+00:00:30' has an offset with seconds; a time here is to the minute"
    assert refused.value.context["hint"] == "give the offset in hours and minutes, e.g. +01:00"


@pytest.mark.parametrize("written", ["2026-06-01 09:30:00", dt.datetime(2026, 6, 1, 9, 30, 0)])
def test_an_embargo_with_seconds_of_zero_is_that_minute(written):
    from generator.model.types import parse_local_datetime

    assert parse_local_datetime(written) == dt.datetime(2026, 6, 1, 8, 30, tzinfo=dt.timezone.utc)


def test_an_embargo_given_to_the_second_is_an_error_at_its_line(tmp_path, make_site):
    # Unquoted, YAML would read it as a timestamp: it is refused all the same, at its value.
    text = "service: torbay-yot\nframework: hmip-youth-2018\nembargo_until: 2026-06-01 09:30:30\n"
    checked = check_site(make_site(tmp_path, {"inspections/held-2026.yaml": text}), AS_OF)
    assert [(p.line, p.column, p.field, p.message) for p in checked.errors] == [
        (3, 16, "embargo_until", "'2026-06-01 09:30:30' has seconds; a time here is to the minute")]
    assert "held-2026" not in checked.corpus.inspections


@pytest.mark.parametrize("text, message", [
    ("ratings: {good\n  enough: 1}\n", "YAML syntax: did not find expected ',' or '}'"),
    ("facts: [a,\n  b: c: d]\n", "YAML syntax: did not find expected ',' or ']'"),
    ("facts: [a, 'b\n  c' d]\n", "YAML syntax: the quoted text that starts here runs on to line 2"),
    ("facts: [a, 'b\n  c'\n  d e]\n", "YAML syntax: did not find expected ',' or ']'"),   # a ',' left out
    ("facts: {a: [1,\n  2}\n", "YAML syntax: a '[' opened here is not closed"),
])
def test_a_bracket_closed_on_a_later_line_is_not_said_to_be_open(text, message):
    # A fault inside brackets spanning lines is not a bracket left open when its closer follows;
    # 'close it on the same line' would send the clerk to the wrong slip.
    _, _, problems = parse_yaml(text, "t.yaml")
    assert [p.message for p in problems if p.message.startswith(message)] == [problems[0].message]


def test_a_service_with_an_empty_name_and_no_short_name_has_one_error(tmp_path, make_site):
    # The short name, when none is written, is the name: an empty name made a second error,
    # for short_name, at 1:1, a field the file does not hold.
    checked = check_site(make_site(tmp_path, {"services/nameless.yaml": 'name: ""\ncouncil: torbay\n'}), AS_OF)
    assert [(p.path, p.line, p.column, p.field, p.message) for p in checked.errors] == [
        ("content/services/nameless.yaml", 1, 7, "name", "must not be empty")]


def test_a_new_service_left_empty_has_one_error_for_its_name(tmp_path, make_site):
    # `scrutiny new service` writes `name:` and `short_name:` empty; the short name may stay empty
    # (it is then the name), so "short_name: is empty ... fill in a value" was a second, wrong error.
    text = "name:\nshort_name:\ncouncil: torbay\n"
    checked = check_site(make_site(tmp_path, {"services/newtown-yjs.yaml": text}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(1, "name")]


def test_a_missing_report_is_looked_for_as_a_markdown_file(tmp_path, make_site):
    # Reports are content/reports/<id>.md; the hint named <id>.yaml, a file that would be ignored.
    text = ("council: torbay\ncommittee: Board\ndate: 2021-03-01\n"
            "items:\n  - number: 1\n    title: Annual youth justice plan\n    report: youth-justice-plan-2021\n")
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/board-2021-03-01.yaml": text}), AS_OF)
    [problem] = checked.errors
    assert (problem.line, problem.field, problem.message) == (
        7, "items.0.report", "there is no report 'youth-justice-plan-2021'")
    assert problem.hint.startswith("no file content/reports/youth-justice-plan-2021.md")


def test_a_wrong_id_in_a_reports_front_matter_is_its_one_error(tmp_path, make_site):
    # Left out for the rest of the checks, the inspection would be missing: a second error told
    # the author to add the 'inspection:' the front matter already gives.
    report = "---\ncouncil: torbay\ntitle: Inspection outcome\ndate: 2021-03-01\ninspection: Base 2021\n---\n" \
             "## Purpose\n\n[[ratings-table]]\n"
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "reports/outcome.md": report}), AS_OF)
    assert [(p.line, p.column, p.field) for p in checked.errors] == [(5, 13, "inspection")]


def test_a_report_citing_an_appendix_its_meeting_gives_with_an_error_has_no_warning(tmp_path, make_site):
    # Appendix 2 has no title: left out of the checks, it is still in the file; the report that
    # cites it is not told the item has one appendix.
    meeting = CYP_MEETING + """\
  - number: 1
    title: Youth Offending Team inspection
    report: outcome
    appendices:
      - {title: Inspection report, inspection: base-2021}
      - {inspection: base-2021}      # no title (line 10)
"""
    report = "---\ncouncil: torbay\ntitle: Inspection outcome\ndate: 2021-03-01\n---\n" \
             "## Purpose\n\nThe findings are at Appendix 1 and Appendix 2.\n"
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "meetings/cyp-2021-03-01.yaml": meeting,
                                              "reports/outcome.md": report}), AS_OF)
    assert [(p.line, p.field) for p in checked.errors] == [(10, "items.0.appendices.1.title")]
    assert [p for p in checked.problems if p.path == "content/reports/outcome.md"] == []


@pytest.mark.parametrize("line", ["[[ratings-table: base-2021]]", "[[ratings-table inspection=base-2021]]",
                                  "[[recommendations (1-2)]]", "[[indicator-table, first_time_entrants]]"])
def test_a_block_with_more_after_its_name_is_an_error_at_its_line(tmp_path, make_site, line):
    """Neither a block nor like one to the check, such a line was printed, brackets and all, in
    the paper (helper-58)."""
    report = "---\ncouncil: torbay\ntitle: Inspection outcome\ndate: 2021-03-01\ninspection: base-2021\n---\n" \
             f"## Purpose\n\n{line}\n"
    checked = check_site(make_site(tmp_path, {**BASE_FILES, "reports/outcome.md": report}), AS_OF)
    assert [(p.path, p.line, p.column, p.field) for p in checked.errors] == [
        ("content/reports/outcome.md", 9, 1, "body")]
    assert "takes nothing more than an indicator's name" in checked.errors[0].hint


@pytest.mark.parametrize("text, line, column", [
    ("service: torbay-yot\nstatus:\u00a0published\noverall: {rating: Good}\n", 2, 8),        # after a key's ':'
    ("service: torbay-yot\nlead_inspector:\u00a0Maria Jerram\nstatus: draft\n", 2, 16),
    ("domains:\n  \"1\":\n\u00a0   summary: Fine\n  \"2\":\n    summary: Weak\nstatus: draft\n", 3, 1),   # indenting
    # after a quoted key's ':': it was "the quoted text that starts here runs on to line 4" (helper-131)
    ("standards:\n  \"1.1\": Good\n  \"1.2\":\u00a0Outstanding\n  \"1.3\": Good\n", 3, 9),
])
def test_a_non_breaking_space_where_yaml_needs_a_space_is_named_where_it_is(text, line, column):
    """Pasted from Word, it was reported a line (or twenty) later as 'a line without key: value'
    (helper-58)."""
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert (problem.line, problem.column) == (line, column)
    assert "non-breaking space" in problem.message and "type a space" in problem.hint


@pytest.mark.parametrize("text, line, column", [
    ("service: torbay-yot\npublished 2021-03-03\nstatus: draft\n", 2, 1),              # a field's ':'
    ("standards:\n  \"1.1\": Good\n  1.2 Outstanding\n  \"1.3\": Good\n", 3, 3),        # a standard's ':'
    ("title: Review of the\nYouth Offending Team\n\n# the item\n\ncommittee: Board\n", 2, 1),   # a title wrapped
    ("strengths:\n  - Stable staff.\n  Good access to services.\n  - Data used well.\n", 3, 3),  # an item's '- '
    # after quoted text over two lines, closed: it was "the quoted text that starts here runs on" (helper-171)
    ("introduction: 'The Board\n  met.'\n\n# who led it\nlead_inspector Jane Smith\nstatus: draft\n", 5, 1),
    ("strengths:\n  - \"Stable\n    staff.\"\n  Good access to services.\n", 4, 3),
])
def test_a_line_without_its_colon_or_dash_is_named_at_that_line(text, line, column):
    """It was named at the next line that is not blank or a comment, a line with nothing wrong
    in it (helper-131)."""
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert (problem.line, problem.column, problem.message) == (line, column, "YAML syntax: a line without 'key: value'")
    assert "put ':' and a space after its key, or '- ' before it" in problem.hint


@pytest.mark.parametrize("key", ['"1.2"', "'1.2'", r'"1.2 \"a\""', "'1.2 ''a'''"])
def test_a_quoted_key_without_its_colon_is_not_said_to_be_a_quote_left_open(key):
    # Its quote is closed on its line: "the quoted text that starts here runs on to line 4, close
    # the quote" sent the clerk to a quote that was right (helper-131).
    text = f"standards:\n  \"1.1\": Good\n  {key} Outstanding\n  \"1.3\": Good\n"
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert (problem.line, problem.column, problem.message) == (3, 3, "YAML syntax: a line without 'key: value'")


def test_a_non_breaking_space_in_a_block_of_text_is_not_blamed_for_a_later_error():
    """'Note:\u00a0' in an introduction is text (the file is valid with it): the ':' two lines on
    is the error, at its own line and column."""
    text = "introduction: |\n  Note:\u00a0the report.\nstandards:\n  \"1.2\": Good: yes\n"
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert (problem.line, problem.column) == (4, 14)
    assert "non-breaking" not in problem.message


def test_the_non_breaking_space_that_breaks_the_yaml_is_named_not_one_in_text_after_it():
    text = "service: x\nlead_inspector:\u00a0Maria Jerram\nintroduction: |\n  Note:\u00a0the report.\nstatus: draft\n"
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert (problem.line, problem.column) == (2, 16)
    assert "non-breaking space" in problem.message


def test_a_record_of_two_megabytes_with_a_hard_space_on_each_line_fails_fast_at_its_line():
    """Text pasted from Word, 'Note:\u00a0' on each of 150,000 lines, and a YAML error at the end:
    each hard space's line was counted from the top of the file, work that grew with the square
    of the file, so this check took most of a minute. Bounded like the alias bomb's: CPU seconds,
    far above what it takes, far below what the square took."""
    from generator.load.files import MAX_RECORD_BYTES

    line = "  Note:\u00a0see.\n"
    lines = (MAX_RECORD_BYTES - 40) // len(line.encode())
    text = "introduction: |\n" + line * lines + "status: draft\n bad: 1\n"
    started = time.process_time()
    _, _, [problem] = parse_yaml(text, "content/inspections/x.yaml")
    assert time.process_time() - started < 10.0
    assert (problem.line, problem.column) == (lines + 3, 5)
    assert "non-breaking" not in problem.message


def test_a_non_breaking_space_inside_a_value_is_text():
    data, _, problems = parse_yaml("lead_inspector: Maria\u00a0Jerram\nnote: Score:\u00a016\n", "x.yaml")
    assert problems == [] and data == {"lead_inspector": "Maria\u00a0Jerram", "note": "Score:\u00a016"}


def test_text_in_curly_quotes_with_a_colon_is_told_to_use_straight_quotes():
    _, _, [problem] = parse_yaml("title: \u2018Review: youth justice\u2019\n", "x.yaml")
    assert (problem.line, problem.column) == (1, 15)
    assert "straight quotes" in problem.hint


@pytest.mark.parametrize("written, hint", [
    # a misspelt or misplaced name of a file that is there: named
    ("attachments/peer-reveiw.md", "did you mean 'attachments/peer-review.md'?"),
    ("attachment/peer-review.md", "did you mean 'attachments/peer-review.md'?"),
    ("attachments/peer-review.pdf", "did you mean 'attachments/peer-review.md'?"),
    # a file not copied in yet: no other file is like it, whatever folder both are in
    ("attachments/staffing.md", "put the file in content/attachments/"),
    ("attachments/x.md", "put the file in content/attachments/"),
])
def test_a_missing_attachment_is_compared_with_the_others_by_its_name(tmp_path, make_site, written, hint):
    # Every attachment's path starts 'attachments/': compared whole, a clerk who had not yet
    # copied in staffing.md for an exempt appendix was asked "did you mean peer-review.md?".
    kind = "pdf" if written.endswith(".pdf") else "markdown"
    text = CYP_MEETING + f"""\
  - number: 1
    title: Youth Offending Team inspection
    appendices:
      - {{title: Staffing proposals, {kind}: {written}, exempt: 1}}
"""
    root = make_site(tmp_path, {**BASE_FILES, "attachments/peer-review.md": "## Peer review\n",
                                "meetings/cyp-2021-03-01.yaml": text})
    (error,) = check_site(root, AS_OF).errors
    assert (error.line, error.field) == (8, "items.0.appendices.0." + kind)
    assert error.message == f"there is no file content/{written}"
    assert error.hint == hint


@pytest.mark.parametrize("written, hint", [
    # another numbered appendix, not yet copied in: not a misspelling of the one that is there
    ("attachments/appendix-3.md", "put the file in content/attachments/"),
    ("attachments/appendix-13.md", "put the file in content/attachments/"),
    # misspelt, or its digits typed in the wrong order: named
    ("attachments/apendix-1.md", "did you mean 'attachments/appendix-1.md'?"),
    ("attachments/review-2021.md", "did you mean 'attachments/review-2012.md'?"),
])
def test_a_missing_numbered_attachment_is_not_taken_for_another_number(tmp_path, make_site, written, hint):
    text = CYP_MEETING + f"""\
  - number: 1
    title: Youth Offending Team inspection
    appendices:
      - {{title: Appendix, markdown: {written}}}
"""
    root = make_site(tmp_path, {**BASE_FILES, "attachments/appendix-1.md": "## One\n",
                                "attachments/review-2012.md": "## Old\n",
                                "meetings/cyp-2021-03-01.yaml": text})
    (error,) = check_site(root, AS_OF).errors
    assert error.message == f"there is no file content/{written}"
    assert error.hint == hint


@pytest.mark.parametrize("field, written, hint", [
    # a day or month as a clerk types it: the hint spells it year first
    ("published", "5 December 2020", "write 5 December 2020 as 2020-12-05"),
    ("published", "5th December 2020", "write 5th December 2020 as 2020-12-05"),
    ("published", "2020-12-5", "write 2020-12-5 as 2020-12-05"),
    ("published", "05/12/2020", "write 05/12/2020 as 2020-12-05"),          # day first, as councils write it
    ("published", "March 2021", "write March 2021 as 2021-03"),
    ("published", "2021-3", "write 2021-3 as 2021-03"),
    ("published", "03/2021", "write 03/2021 as 2021-03"),
    ("embargo_until", "3 March 2021 00:01", "write 3 March 2021 00:01 as 2021-03-03 00:01"),
    ("embargo_until", "03/03/2021", "write 03/03/2021 as 2021-03-03, or 2021-03-03 HH:MM (London time)"),
    # no real day read day first: no day is offered (it was 'write 05/13/2020 as 2020-13-05')
    ("published", "05/13/2020", "write 2021-07-31, or 2021-07 when only the month is known"),
    ("published", "31/02/2021", "write 2021-07-31, or 2021-07 when only the month is known"),
])
def test_a_date_typed_another_way_is_told_how_to_write_it(tmp_path, make_site, field, written, hint):
    # It was "write 2021-07-31, or 2021-07 ..." for any of them: the clerk had to work out
    # that 5 December 2020 is 2020-12-05 (helper-131).
    text = f"service: torbay-yot\nframework: hmip-youth-2018\nfieldwork: {{from: 2020-10-26, to: 2020-10-29}}\n" \
           f"{field}: \"{written}\"\n"
    checked = check_site(make_site(tmp_path, {"inspections/typed-2021.yaml": text}), AS_OF)
    assert [(p.line, p.field, p.hint) for p in checked.errors] == [(4, field, hint)]


def test_an_embargo_broken_across_lines_is_an_error_at_its_line_not_a_crash(tmp_path, make_site):
    # "3 March\n2021 00:01" (a quoted line break) stopped check with a TypeError and no message.
    text = "service: torbay-yot\nframework: hmip-youth-2018\nfieldwork: {from: 2020-10-26, to: 2020-10-29}\n" \
           'embargo_until: "3 March\\n2021 00:01"\n'
    checked = check_site(make_site(tmp_path, {"inspections/typed-2021.yaml": text}), AS_OF)
    assert [(p.line, p.field, p.hint) for p in checked.errors] == [
        (4, "embargo_until", "write 2021-03-03 00:01 (London time) or just 2021-03-03")]


@pytest.mark.parametrize("written", [
    "March 2021",      # a meeting's date is a day: not spelt as 2021-03-01, a day no one wrote
    "05/13/2021",      # read day first, no real day: it was 'write 05/13/2021 as 2021-13-05'
])
def test_a_meetings_date_that_names_no_day_is_offered_no_spelling(tmp_path, make_site, written):
    text = f"council: torbay\ncommittee: Board\ndate: {written}\nitems: [{{number: 1, title: Minutes}}]\n"
    checked = check_site(make_site(tmp_path, {"meetings/board.yaml": text}), AS_OF)
    assert [(p.field, p.hint) for p in checked.errors] == [("date", "write dates as YYYY-MM-DD, e.g. 2021-03-01")]

"""Control characters, noncharacters and (in names) bidirectional controls are refused
however they are written, in every string of every kind of record; and no message Scrutiny
prints lets such a character reach the terminal."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.build import check_site
from generator.problems import Problem, Severity

AS_OF = dt.date(2021, 6, 1)
INSPECTION = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"

# A YAML escape in double quotes, and the character it writes.
ESCAPES = [
    (r"\0", "U+0000"), (r"\a", "U+0007"), (r"\x0b", "U+000B"), (r"\e[31m", "U+001B"), (r"\x7f", "U+007F"),
    (r"\x85", "U+0085"), (r"\x9b", "U+009B"), (r"\r", "U+000D"), (r"\uFDD0", "U+FDD0"), (r"\uFFFE", "U+FFFE"),
    (r"\uFFFF", "U+FFFF"), (r"\U0010FFFF", "U+10FFFF"), (r"\u202A", "U+202A"), (r"\u202E", "U+202E"),
    (r"\u2066", "U+2066"), (r"\u2069", "U+2069"),
]

# One string field of each kind of record, written `KEY: "Torbay{escape}"` at the line given.
FIELDS = {
    "site.yaml": ("title: \"Torbay{}\"\norganisation: Test Council\n", 1, "title"),
    "councils/torbay.yaml": ("name: \"Torbay{}\"\n", 1, "name"),
    "services/torbay-yot.yaml": ("name: Torbay YOT\nshort_name: \"Torbay{}\"\ncouncil: torbay\n", 2, "short_name"),
    "inspections/torbay-2021.yaml": (INSPECTION + "lead_inspector: \"Torbay{}\"\n", 4, "lead_inspector"),
    "action-plans/torbay-2021-plan.yaml": (
        "inspection: torbay-2021\ntitle: Plan\nactions:\n  - {{id: A1, action: \"Torbay{}\"}}\n", 4, "actions.0.action"),
    "indicators/torbay-yot.yaml": ("service: torbay-yot\nsource: \"Torbay{}\"\n", 2, "source"),
    "reports/torbay-review.md": ("---\ncouncil: torbay\ntitle: \"Torbay{}\"\ndate: 2021-03-01\n---\nBody.\n", 3, "title"),
    "meetings/torbay-2021-03-01.yaml": ("council: torbay\ncommittee: \"Torbay{}\"\ndate: 2021-03-01\nitems:\n"
                                       "  - {{number: 1, title: Item}}\n", 2, "committee"),
    "attachments/peer-review.md": ("---\ntitle: \"Torbay{}\"\n---\nBody.\n", 2, "title"),
}
BASE = {"inspections/torbay-2021.yaml": INSPECTION}


def _errors(tmp_path, make_site, files: dict[str, str]) -> list[Problem]:
    return list(check_site(make_site(tmp_path, {**BASE, **files}), AS_OF).errors)


@pytest.mark.parametrize("escape, code", ESCAPES, ids=[e for e, _ in ESCAPES])
def test_a_character_written_as_a_yaml_escape_is_an_error_at_its_value(tmp_path, make_site, escape, code):
    errors = _errors(tmp_path, make_site, {"councils/torbay.yaml": f'nation: england\nname: "Torbay{escape} Council"\n'})
    assert [(p.path, p.line, p.column, p.field, code in p.message) for p in errors] == [
        ("content/councils/torbay.yaml", 2, 7, "name", True)]


@pytest.mark.parametrize("file", FIELDS, ids=list(FIELDS))
def test_every_kind_of_record_refuses_an_escape_sequence_in_its_text(tmp_path, make_site, file):
    template, line, field = FIELDS[file]
    errors = _errors(tmp_path, make_site, {file: template.format(r"\e[2J")})
    assert [(p.path, p.line, p.field, "U+001B" in p.message) for p in errors] == [
        (f"content/{file}", line, field, True)]


def test_a_key_written_with_an_escape_is_an_error_at_the_key(tmp_path, make_site):
    text = INSPECTION + 'facts:\n  "population\\e[8m": {label: Population, value: 1}\n'
    errors = _errors(tmp_path, make_site, {"inspections/torbay-2021.yaml": text})
    assert [(p.line, p.column, "U+001B" in p.message) for p in errors] == [(5, 3, True)]


def test_tabs_line_breaks_and_bidirectional_text_in_prose_are_accepted(tmp_path, make_site):
    text = INSPECTION + ('lead_inspector: "Maria\\tJerram"\n'
                         'introduction: "First line,\\r\\nsecond line.\\n\\nA quotation: \\u2067\u05e9\u05dc\u05d5\u05dd\\u2069."\n')
    assert _errors(tmp_path, make_site, {"inspections/torbay-2021.yaml": text}) == []


def test_a_bidirectional_control_in_a_name_is_refused_though_prose_may_hold_it(tmp_path, make_site):
    text = INSPECTION + 'lead_inspector: "Maria \\u2067Jerram"\nintroduction: "One.\\n\\nTwo \\u2067x\\u2069."\n'
    errors = _errors(tmp_path, make_site, {"inspections/torbay-2021.yaml": text})
    assert [(p.field, "U+2067 (RIGHT-TO-LEFT ISOLATE)" in p.message) for p in errors] == [("lead_inspector", True)]


def test_a_problem_prints_every_unprintable_character_as_an_escape():
    problem = Problem("content/councils/t\x1b[2J.yaml", 2, 7, Severity.ERROR, "facts.a\x1b[8m",
                      "'Torbay\x1b]0;owned\x07' is not\nfine", "try \u202eevil\u202c")
    assert str(problem) == ("content/councils/t\\x1b[2J.yaml:2:7: error: facts.a\\x1b[8m: "
                            "'Torbay\\x1b]0;owned\\x07' is not\\x0afine (try \\u202eevil\\u202c)")


def test_scrutiny_check_writes_no_control_character_to_the_terminal(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {"councils/torbay.yaml": 'name: "Torbay\\e[2J\\e[H Council"\n'})
    result = run_cli("check", root=root)
    assert (result.exit_code, "\x1b" in result.output, "'Torbay\\x1b[2J\\x1b[H Council'" in result.output) == (
        1, False, True)

"""`scrutiny check`: every problem as `path:line:col: severity: field: message (hint)`, a
summary line, and the exit codes promised in CLI.md (0 ok, 1 content errors, 2 usage)."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from pathlib import Path

import pytest

from generator.build import check_site

REPO = Path(__file__).resolve().parent.parent
SCRUTINY = REPO / ".venv" / "bin" / "scrutiny"
BAD = Path(__file__).parent / "fixtures" / "bad"

PROBLEM_LINE = re.compile(r"^content/\S+:\d+:\d+: (error|warning|notice): (\S+: )?.+$")
SUMMARY_LINE = re.compile(r"^\d+ errors?, \d+ warnings?, \d+ notices? in \d+ files?$")

UNKNOWN_FIELD = """\
service: torbay-yot
framework: hmip-youth-2018
lead_inspecter: Maria Jerram
"""
BASE_INSPECTION = """\
service: torbay-yot
framework: hmip-youth-2018
recommendations:
  - to: The YOT Management Board
    items: [first recommendation, second recommendation]
"""
# answers recommendation 1 only: a warning ("recommendation 2 ... is answered by no action")
HALF_A_PLAN = """\
inspection: base-2021
title: Improvement plan
actions:
  - {id: A1, recommendations: [1], action: Set up a working group}
"""


def scrutiny(*args: str) -> subprocess.CompletedProcess:
    """The installed console script, as a person runs it (stderr folded into stdout)."""
    return subprocess.run([str(SCRUTINY), *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=120)


@pytest.fixture
def with_error(tmp_path, make_site):
    return make_site(tmp_path, {"inspections/x-2021.yaml": UNKNOWN_FIELD})


@pytest.fixture
def with_warning(tmp_path, make_site):
    return make_site(tmp_path, {"inspections/base-2021.yaml": BASE_INSPECTION,
                                "action-plans/base-2021-plan.yaml": HALF_A_PLAN})


# --- the shipped content

def test_check_on_the_shipped_content_exits_0():
    result = scrutiny("-C", str(REPO), "check")
    assert (result.returncode, " error: " in result.stdout) == (0, False), result.stdout


# --- text output

def test_check_prints_a_problem_as_path_line_col_severity_field_message_and_hint(with_error, run_cli):
    result = run_cli("check", root=with_error)
    assert ("content/inspections/x-2021.yaml:3:1: error: lead_inspecter: 'lead_inspecter' is not a field of "
            "an inspection (did you mean 'lead_inspector'?)") in result.output.splitlines()


def test_check_output_is_problem_lines_then_one_summary_line(with_warning, run_cli):
    lines = run_cli("check", root=with_warning).output.splitlines()
    # the warning, and a notice of what the partial record could still add
    assert ([bool(PROBLEM_LINE.match(line)) for line in lines[:-1]], bool(SUMMARY_LINE.match(lines[-1]))) == (
        [True, True], True), lines


def test_the_summary_counts_errors_warnings_and_notices(with_error, run_cli):
    last = run_cli("check", root=with_error).output.splitlines()[-1]
    assert re.fullmatch(r"1 error, 0 warnings, 0 notices in \d+ files", last), last


# --- exit codes

def test_check_exits_1_on_a_content_error(with_error, run_cli):
    assert run_cli("check", root=with_error).exit_code == 1


def test_check_exits_0_on_warnings_only(with_warning, run_cli):
    result = run_cli("check", root=with_warning)
    assert (result.exit_code, " warning: " in result.output) == (0, True), result.output


def test_check_strict_exits_1_on_warnings(with_warning, run_cli):
    assert run_cli("check", "--strict", root=with_warning).exit_code == 1


def test_check_strict_exits_0_on_a_clean_site(tmp_path, make_site, run_cli):
    assert run_cli("check", "--strict", root=make_site(tmp_path)).exit_code == 0


def test_check_exits_1_where_there_is_no_content_folder(tmp_path, run_cli):
    result = run_cli("check", root=tmp_path)
    assert (result.exit_code, "there is no content/ folder here" in result.output) == (1, True)


def test_check_where_there_is_no_content_folder_writes_nothing_there(tmp_path, run_cli):
    """A mistyped -C (or a check run in the home folder) made DIR/.cache/parsed/ (helper-58)."""
    assert run_cli("check", root=tmp_path / "typo").exit_code == 1
    assert run_cli("check", root=tmp_path).exit_code == 1
    assert list(tmp_path.iterdir()) == []


def test_a_build_where_there_is_no_content_folder_makes_nothing_there(tmp_path, run_cli):
    """A mistyped -C made DIR/output/.lock, the build's lock taken before its check (helper-58)."""
    result = run_cli("build", "--no-pdf", "--no-search", root=tmp_path / "typo")
    assert (result.exit_code, "there is no content/ folder here" in result.stderr) == (1, True)
    assert list(tmp_path.iterdir()) == []


# --- JSON

def test_check_json_is_json_with_the_same_problems_as_the_pipeline(with_error, run_cli):
    result = run_cli("check", "--format", "json", root=with_error)
    expected = [p.as_dict() for p in check_site(with_error, dt.date.today()).problems]
    assert (result.exit_code, json.loads(result.stdout)["problems"]) == (1, expected)


def test_check_json_lists_the_same_problems_as_the_text(with_warning, run_cli):
    text_lines = run_cli("check", root=with_warning).output.splitlines()[:-1]
    problems = json.loads(run_cli("check", "--format", "json", root=with_warning).stdout)["problems"]
    assert [f"{p['path']}:{p['line']}:{p['column']}: {p['severity']}:" for p in problems] == [
        line.split(" ", 2)[0] + " " + line.split(" ", 2)[1] for line in text_lines]


# --- usage errors

@pytest.mark.parametrize("args", [("check", "--bogus"), ("check", "--format", "xml"), ("chekc",),
                                  ("check", "--as-of", "yesterday")])
def test_a_usage_error_exits_2(tmp_path, args, make_site, run_cli):
    assert run_cli(*args, root=make_site(tmp_path)).exit_code == 2


def test_a_bad_as_of_date_says_how_to_write_it(tmp_path, make_site, run_cli):
    result = run_cli("check", "--as-of", "31/07/2021", root=make_site(tmp_path))
    assert "'31/07/2021' is not a date; write YYYY-MM-DD" in result.output


@pytest.mark.parametrize("written", ["20261025", "2026-W43-7", "2026-298", "20261025T0130"])
def test_as_of_refuses_a_day_written_other_than_yyyy_mm_dd(tmp_path, make_site, run_cli, written):
    # Python reads each of these, but as the day's first moment, where 2026-10-25 means the
    # whole day: a rehearsal "as of" such a day would publish less than the clerk meant.
    result = run_cli("check", "--as-of", written, root=make_site(tmp_path))
    assert result.exit_code == 2
    assert f"'{written}' is not a date; write YYYY-MM-DD or 'YYYY-MM-DD HH:MM'" in result.output


@pytest.mark.parametrize("written", ["2026-10-25 01:30", "2026-10-25T01:30:15", "2026-10-25 01:30Z",
                                     "2021-03-10T20:00-08:00", "2026-10-25 01:30+0100"])
def test_as_of_accepts_a_moment_with_or_without_seconds_and_offset(tmp_path, make_site, run_cli, written):
    assert run_cli("check", "--as-of", written, root=make_site(tmp_path)).exit_code == 0


def test_as_of_accepts_an_iso_date(tmp_path, make_site, run_cli):
    assert run_cli("check", "--as-of", "2021-07-31", root=make_site(tmp_path)).exit_code == 0


def test_version_is_printed(run_cli):
    result = run_cli("--version")
    assert (result.exit_code, result.output.startswith("scrutiny, version ")) == (0, True)


# --- no tracebacks, from the real command

def test_a_usage_error_prints_no_traceback(tmp_path, make_site):
    result = scrutiny("-C", str(make_site(tmp_path)), "check", "--bogus")
    assert (result.returncode, "Traceback" in result.stdout, "No such option" in result.stdout) == (
        2, False, True), result.stdout


@pytest.fixture(scope="module")
def bad_corpus_run(tmp_path_factory, make_site):
    """`scrutiny check` on a site holding every file of the bad-input corpus at once."""
    files = {p.relative_to(BAD).as_posix(): p.read_bytes() for p in BAD.rglob("*") if p.is_file()}
    root = make_site(tmp_path_factory.mktemp("bad-corpus"), {"inspections/base-2021.yaml": BASE_INSPECTION, **files})
    return files, scrutiny("-C", str(root), "check")


def test_the_whole_bad_corpus_at_once_exits_1_without_a_traceback(bad_corpus_run):
    _, result = bad_corpus_run
    assert (result.returncode, "Traceback" in result.stdout) == (1, False), result.stdout[-3000:]


def test_the_whole_bad_corpus_at_once_names_every_bad_file_in_an_error(bad_corpus_run):
    files, result = bad_corpus_run
    # (a file planted with a warning, such as item numbers that skip, is named in a warning)
    named = {line.split(":", 1)[0] for line in result.stdout.splitlines() if ": error: " in line or (
        ": warning: " in line and "content/meetings/item-numbers-skip.yaml" in line)}
    assert named == {f"content/{name}" for name in files}


def test_every_output_line_for_the_bad_corpus_is_one_problem_or_the_summary(bad_corpus_run):
    # one problem per line, so editors and `grep` can read the output (stdout and stderr
    # share the pipe here, so their order is not asserted)
    lines = bad_corpus_run[1].stdout.splitlines()
    summaries = [line for line in lines if SUMMARY_LINE.match(line)]
    assert ([line for line in lines if not PROBLEM_LINE.match(line) and line not in summaries], len(summaries)) == (
        [], 1)


def test_python_dash_m_generator_is_the_same_command(with_error):
    result = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "generator", "-C", str(with_error),
                             "check"], capture_output=True, text=True, timeout=120)
    assert (result.returncode, "lead_inspecter" in result.stderr + result.stdout) == (1, True)


def test_pdf_only_and_no_pdf_together_are_a_usage_error(run_cli, tmp_path, make_site):
    result = run_cli("build", "--pdf-only", "--no-pdf", root=make_site(tmp_path, {}))
    assert result.exit_code == 2
    assert "contradict" in result.output


# --- speed: the records parsed by earlier runs

@pytest.mark.parametrize("command", [("check",), ("list", "overdue"), ("paper", "inspection", "torbay-2021")])
def test_commands_that_check_read_back_what_earlier_runs_parsed(command, tmp_path, run_cli, monkeypatch):
    """`scrutiny check` (and every command that checks first) keeps parsed records in
    .cache/parsed/ and reads them back, as a build does."""
    import shutil

    from generator.load import documents
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    assert run_cli("check", root=root).exit_code == 0            # parses every file, and keeps them
    assert list((root / ".cache" / "parsed").glob("*.marshal"))
    parsed: list[str] = []
    original = documents.parse_document
    monkeypatch.setattr(documents, "parse_document",
                        lambda raw, digest, file, *rest: parsed.append(file.name) or original(raw, digest, file, *rest))
    result = run_cli(*command, "--as-of", "2026-11-22", root=root)
    assert result.exit_code == 0, result.output
    assert parsed == []


def test_what_a_record_does_not_say_is_one_notice_at_the_record_not_at_a_field(run_cli):
    # It said "sandwell-2018.yaml:83:1: notice: standards: not recorded: the publication date",
    # pointing at the standards for a date (helper-32). The record's first line is line 7
    # (six lines of comment), and the report gives no publication date.
    lines = run_cli("check", root=REPO).output.splitlines()
    assert "content/inspections/sandwell-2018.yaml:7:1: notice: not recorded: the publication date " \
           "(add what the report gives; what it does not give stays out)" in lines


def test_an_inspection_with_no_recommendations_recorded_is_told_it_could_add_them(run_cli):
    # HMIP's reports make recommendations; the shipped Derby 2025 record gives none, and the
    # notice of what it could add named everything else it left out but never them (helper-71).
    lines = run_cli("check", root=REPO).output.splitlines()
    assert any(line.startswith("content/inspections/derby-2025.yaml:") and
               "notice: not recorded: the recommendations" in line for line in lines), lines
    assert not any("sandwell-2018.yaml" in line and "the recommendations" in line for line in lines)


def test_a_standard_written_with_no_rating_is_not_recorded_not_an_error(tmp_path, make_site, run_cli):
    # `"2.4":` left empty was "is empty; expected a mapping": a standard whose rating the clerk
    # has not filled in is one the record does not give (helper-68), as a standard left out.
    text = ("service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
            "fieldwork: {from: 2020-10-26, to: 2020-10-29}\nstandards:\n  \"1.1\": Good\n  \"1.2\":\n")
    result = run_cli("check", root=make_site(tmp_path, {"inspections/torbay-2021.yaml": text}))
    assert result.exit_code == 0, result.output
    assert "the ratings of 1.2, 1.3, " in result.output


def test_the_2025_standards_not_recorded_are_named_as_well_as_keyed(tmp_path, make_site, run_cli):
    # C1.1 and C1.2 are the framework file's keys, printed on no page: the notice of what the
    # record could add said 'the ratings of C1.1, C1.2, V1', leaving the manager to guess which.
    text = ("service: torbay-yot\nframework: hmip-youth-2025\ninspection_type: children-and-victims\n"
            "published: 2025-09\noverall: {rating: Good}\nstandards:\n  C1.3: Outstanding\n")
    result = run_cli("check", root=make_site(tmp_path, {"inspections/torbay-2025.yaml": text}))
    assert result.exit_code == 0, result.output
    assert "the ratings of C1.1 (Assessing), C1.2 (Planning), V1;" in result.output


def test_a_folder_inside_a_record_folder_is_a_warning_naming_it_not_a_silent_loss(tmp_path, make_site, run_cli):
    """A clerk who files last year's meetings in content/meetings/2021/ would see them vanish
    from the site: check says the folder is not read, and where its files belong."""
    root = make_site(tmp_path, {"services/old/dudley-yos.yaml": "name: Dudley YOS\ncouncil: torbay\n"})
    result = run_cli("check", root=root)
    warned = [line for line in result.output.splitlines() if line.startswith("content/services/old:")]
    assert len(warned) == 1, result.output
    assert "warning: ignored" in warned[0] and "move its files up into content/services/" in warned[0]


def test_a_link_to_a_path_is_a_warning_at_its_line_and_web_links_are_not(tmp_path, run_cli):
    """`[the plan](attachments/x.md)` was published as a link that leads nowhere: the site has
    no attachments/ folder and a paper has no folders (helper-51). A web address, a #section
    and an e-mail address are links that work."""
    from site_helpers import copy_site

    root = copy_site(tmp_path)
    report = root / "content" / "reports" / "dudley-yos-action-plan-update.md"
    lines = report.read_text().splitlines()
    lines += ["", "See [the peer review](attachments/torbay-peer-review.md) and [last year's](reports/old.html).",
              "", "Also [HMIP](https://www.justiceinspectorates.gov.uk/hmiprobation/), [the purpose](#purpose) "
              "and [the service](mailto:yos@dudley.gov.uk)."]
    report.write_text("\n".join(lines) + "\n")
    output = run_cli("check", root=root).output
    shown = "content/reports/dudley-yos-action-plan-update.md"
    warned = [line for line in output.splitlines() if line.startswith(shown) and "leads to no page" in line]
    assert [line.split(": ")[0] for line in warned] == [f"{shown}:{len(lines) - 2}:1"] * 2, output
    assert "the link 'attachments/torbay-peer-review.md' leads to no page" in warned[0]
    assert "published as a meeting item's appendix" in warned[0]
    assert "the link 'reports/old.html' leads to no page" in warned[1] and "full address (https://...)" in warned[1]

"""`scrutiny new KIND ID`: a commented record that checks clean once its required values are filled.

Each scaffold is written into a small real site, then filled the way a clerk would (typing
values after the empty `key:` lines) and checked with `scrutiny check --strict`. Its first
line must point editors at the JSON Schema of its kind, and that schema must accept the
filled record as the checker does.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from generator.authoring.scaffold import KINDS
from generator.load.documents import split_front_matter
from generator.schema import json_schema

# An inspection for action plans and reports to point at (no recommendations: no warnings).
BASE = {
    "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n",
}

# What a clerk must type into each kind's scaffold: (field as written in the file, value).
# A field is filled at its first empty line, so list entries' fields follow their parents.
REQUIRED = {
    "inspection": [("service", "torbay-yot")],
    "action-plan": [("inspection", "torbay-2021"), ("title", "OOCD improvement plan"), ("- id", "A1"),
                    ("action", "Set up a working group")],
    "meeting": [("council", "torbay"), ("committee", "Children and Young People's Overview and Scrutiny Board"),
                ("date", "2021-03-01"), ("title", "Review of the Youth Offending Team")],   # item 4, after the standard items
    "report": [("council", "torbay"), ("title", "Youth Offending Team inspection"), ("date", "2021-03-01")],
    "service": [("name", "Dudley Youth Offending Service"), ("council", "torbay")],   # short_name: none is the name
    "council": [("name", "Dudley Metropolitan Borough Council")],
}


def fill(text: str, values: list[tuple[str, str]]) -> str:
    """Type each value after the first empty `key:` line (keeping the line's comment)."""
    lines = text.split("\n")
    for key, value in values:
        pattern = re.compile(rf"^(\s*{re.escape(key)}:)(\s*(#.*)?)$")
        for index, line in enumerate(lines):
            match = pattern.match(line)
            if match:
                lines[index] = f"{match.group(1)} {value}  {match.group(3) or ''}".rstrip()
                break
        else:
            raise AssertionError(f"no empty '{key}:' line to fill")
    return "\n".join(lines)


def uncomment_blocks(text: str) -> str:
    """Remove the '# ' of every commented-out field line, as Ctrl+/ in an editor would."""
    out = []
    for line in text.split("\n"):
        match = re.match(r"^(\s*)# (\s*(- )?(\"[\d.]+\"|[a-z_]+):( |$).*)$", line)
        out.append(match.group(1) + match.group(2) if match and not line.startswith("# yaml-language") else line)
    return "\n".join(out)


@pytest.fixture
def new(run_cli):
    """`new(root, KIND, ID, *options)`: run `scrutiny -C root new KIND ID ...`."""
    return lambda root, kind, record_id, *options: run_cli("new", kind, record_id, *options, root=root)


def record_path(root: Path, kind: str, record_id: str) -> Path:
    spec = KINDS[kind]
    return root / "content" / spec.folder / f"{record_id}{spec.suffix}"


def front(text: str, kind: str) -> str:
    """The YAML of a record: a report's front matter, or the whole file."""
    return split_front_matter(text)[0] if kind == "report" else text


class Yaml12Loader(yaml.SafeLoader):
    """Reads YAML as editors do (YAML 1.2 core schema): dates stay text, only true/false are booleans."""


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_new_record_checks_clean_once_its_required_values_are_filled(tmp_path, kind, make_site, run_cli, new):
    root = make_site(tmp_path, BASE)
    result = new(root, kind, "new-record")
    assert result.exit_code == 0, result.output
    path = record_path(root, kind, "new-record")
    assert f"wrote {path.relative_to(root).as_posix()}" in result.output

    path.write_text(fill(path.read_text(encoding="utf-8"), REQUIRED[kind]), encoding="utf-8")
    checked = run_cli("check", "--strict", root=root)
    assert checked.exit_code == 0, checked.output
    assert "0 errors, 0 warnings" in checked.output


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_unfilled_record_is_an_error_at_each_required_field_and_nowhere_else(tmp_path, kind, make_site,
                                                                               run_cli, new):
    root = make_site(tmp_path, BASE)
    new(root, kind, "new-record")
    checked = run_cli("check", "--format", "json", root=root)
    # (notices say what a record could still add: not errors, and about every partial record)
    problems = [p for p in json.loads(checked.stdout)["problems"] if p["severity"] != "notice"]
    path = record_path(root, kind, "new-record").relative_to(root).as_posix()
    expected = {key.removeprefix("- ") for key, _ in REQUIRED[kind]}
    assert {p["path"] for p in problems} == {path}
    assert {p["field"].split(".")[-1] for p in problems} == expected
    lines = record_path(root, kind, "new-record").read_text(encoding="utf-8").split("\n")
    for problem in problems:     # each error points at the empty line to fill in
        assert re.match(rf"\s*(- )?{problem['field'].split('.')[-1]}:", lines[problem["line"] - 1])


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_schema_line_resolves_to_the_json_schema_of_its_kind(tmp_path, kind, make_site, new):
    root = make_site(tmp_path, BASE)
    new(root, kind, "new-record")
    path = record_path(root, kind, "new-record")
    text = path.read_text(encoding="utf-8")
    first = front(text, kind).split("\n")[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, first
    schema_file = (path.parent / match.group(1)).resolve()
    assert schema_file.is_file()
    assert schema_file.is_relative_to(root.resolve()) and "content" not in schema_file.relative_to(root).parts
    assert json.loads(schema_file.read_text(encoding="utf-8")) == json_schema(KINDS[kind].model_key)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_schema_accepts_the_filled_record_as_the_checker_does(tmp_path, kind, make_site, new):
    root = make_site(tmp_path, BASE)
    new(root, kind, "new-record")
    path = record_path(root, kind, "new-record")
    filled = fill(path.read_text(encoding="utf-8"), REQUIRED[kind])
    data = yaml.load(front(filled, kind), Loader=Yaml12Loader)
    # editors see an empty 'key:' as null, which the schema allows for optional fields
    jsonschema.validate(data, json_schema(KINDS[kind].model_key))


def test_a_service_whose_short_name_is_left_empty_is_accepted_by_the_schema_as_by_check(tmp_path, make_site,
                                                                                        run_cli, new):
    # The scaffold says to leave empty what the source does not say, and an empty short_name is
    # the name; the schema said it must be text, so an editor flagged the scaffold as written.
    root = make_site(tmp_path, BASE)
    new(root, "service", "new-record")
    path = record_path(root, "service", "new-record")
    filled = fill(path.read_text(encoding="utf-8"), [("name", "Dudley Youth Offending Service"), ("council", "torbay")])
    path.write_text(filled, encoding="utf-8")
    assert re.search(r"^short_name:\s*(#.*)?$", filled, re.M)
    jsonschema.validate(yaml.load(filled, Loader=Yaml12Loader), json_schema("service"))
    assert run_cli("check", "--strict", root=root).exit_code == 0


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_optional_block_uncommented_has_fields_the_checker_knows(tmp_path, kind, make_site, run_cli, new):
    root = make_site(tmp_path, BASE)
    new(root, kind, "new-record")
    path = record_path(root, kind, "new-record")
    text = uncomment_blocks(fill(path.read_text(encoding="utf-8"), REQUIRED[kind]))
    path.write_text(text, encoding="utf-8")
    problems = [p for p in json.loads(run_cli("check", "--format", "json", root=root).stdout)["problems"]
                if p["severity"] != "notice"]        # (notices: what a partial record could add)
    for problem in problems:     # at most: a block's own required values, still empty
        assert "YAML" not in problem["message"], problem
        assert "is not a field" not in problem["message"], problem
        assert problem["severity"] == "error"


def test_every_field_of_the_model_is_in_the_scaffold_with_a_comment(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    for kind, spec in KINDS.items():
        new(root, kind, "every-field")
        lines = front(record_path(root, kind, "every-field").read_text(encoding="utf-8"), kind).split("\n")
        for name in json_schema(spec.model_key)["properties"]:
            # live ('name: ...') or an optional block ('# name: ...'), at the top level
            at = next((i for i, ln in enumerate(lines) if re.match(rf"^(# )?{name}:", ln)), None)
            assert at is not None, f"{kind}: no line for {name}"
            inline = re.match(rf"^(# )?{name}:[^#]*#\s*\S", lines[at])
            above = lines[at - 1].startswith("# ") and not re.match(r"^# \w+:", lines[at - 1])
            assert inline or above, f"{kind}: {name} has no comment"


def test_an_inspection_has_its_frameworks_standards_with_empty_ratings_and_key_questions(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    result = new(root, "inspection", "torbay-2024", "--service", "torbay-yot", "--framework", "hmip-youth-2021")
    assert result.exit_code == 0, result.output
    text = record_path(root, "inspection", "torbay-2024").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=Yaml12Loader)
    # the 2021 framework, with 3.4 out-of-court policy and resettlement
    assert data["framework"] == "hmip-youth-2021"
    assert data["service"] == "torbay-yot"
    assert list(data["standards"]) == ["1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "2.4",
                                       "3.1", "3.2", "3.3", "3.4"]
    assert all(finding["rating"] is None for finding in data["standards"].values())
    assert data["separately_rated"] == {"resettlement": {"rating": None}}
    assert list(data["domains"]) == ["1", "2", "3"]
    assert "Out-of-court disposal policy and provision" in text
    # key questions of case-based standards, with their wording, ready to uncomment
    assert re.search(r'#\s+"2\.1\.1": \{yes: , of: \}', text)
    assert "Does assessment sufficiently analyse how to keep the child safe?" in text


def test_an_inspection_on_the_2018_framework_rates_joint_working_and_nothing_separately(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    result = new(root, "inspection", "torbay-2020", "--framework", "hmip-youth-2018", "--service", "torbay-yot")
    assert result.exit_code == 0, result.output
    text = record_path(root, "inspection", "torbay-2020").read_text(encoding="utf-8")
    data = yaml.load(text, Loader=Yaml12Loader)
    assert data["framework"] == "hmip-youth-2018"
    assert len(data["standards"]) == 12 and "separately_rated" not in data
    assert re.search(r'"3\.4":\s+# Joint working', text)


def test_filling_ratings_and_key_questions_of_a_new_inspection_checks_clean(tmp_path, make_site, run_cli, new):
    root = make_site(tmp_path, BASE)
    new(root, "inspection", "torbay-2020", "--framework", "hmip-youth-2018", "--service", "torbay-yot")
    path = record_path(root, "inspection", "torbay-2020")
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, ln in enumerate(lines) if ln.startswith('  "2.1":'))
    end = next(i for i, ln in enumerate(lines) if ln.startswith('  "2.2":'))
    block = uncomment_blocks("\n".join(lines[start:end]))
    block = block.replace("rating:", "rating: Outstanding", 1).replace("cases:", "cases: 4", 1)
    block = block.replace("{yes: , of: }", "{yes: 4, of: 4}")
    path.write_text("\n".join([*lines[:start], block, *lines[end:]]), encoding="utf-8")
    checked = run_cli("check", "--strict", root=root)
    assert checked.exit_code == 0, checked.output


def test_new_never_overwrites_a_record(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    before = (root / "content/inspections/torbay-2021.yaml").read_text(encoding="utf-8")
    result = new(root, "inspection", "torbay-2021")
    assert result.exit_code == 1
    assert "content/inspections/torbay-2021.yaml already exists; nothing was written" in result.stderr
    assert (root / "content/inspections/torbay-2021.yaml").read_text(encoding="utf-8") == before


def test_new_refuses_an_id_that_exists_with_the_other_yaml_suffix(tmp_path, make_site, new):
    root = make_site(tmp_path, {"councils/dudley.yml": "name: Dudley\n"})
    result = new(root, "council", "dudley")
    assert result.exit_code == 1 and "dudley.yml already exists" in result.stderr
    assert not (root / "content/councils/dudley.yaml").exists()


@pytest.mark.parametrize("args", [("inspections", "x"), ("action_plan", "x"), ("", "x")])
def test_an_unknown_kind_is_a_usage_error(tmp_path, args, make_site, new):
    root = make_site(tmp_path)
    result = new(root, *args)
    assert result.exit_code == 2
    assert "is not one of 'inspection', 'action-plan', 'meeting', 'report', 'service', 'council'" in result.output


@pytest.mark.parametrize("record_id", ["Torbay_2021", "torbay 2021", "2021/torbay", "torbay.yaml", "dudley\n"])
def test_an_id_that_cannot_be_a_file_name_is_a_usage_error(tmp_path, record_id, make_site, new):
    root = make_site(tmp_path)
    result = new(root, "council", record_id)
    assert result.exit_code == 2 and "is not a usable id" in result.output
    assert sorted(p.name for p in (root / "content/councils").iterdir()) == ["torbay.yaml"]


def test_an_unknown_framework_is_a_usage_error_naming_the_known_ones(tmp_path, make_site, new):
    root = make_site(tmp_path)
    result = new(root, "inspection", "x-2024", "--framework", "hmip-youth-2029")
    assert result.exit_code == 2
    assert ("there is no framework 'hmip-youth-2029'; known: hmip-youth-2018, hmip-youth-2021, hmip-youth-2025"
            in result.output)


def test_a_site_framework_can_be_chosen(tmp_path, make_site, new):
    built_in = (Path(__file__).parent.parent / "generator/frameworks/hmip-youth-2018.yaml").read_text()
    root = make_site(tmp_path, {"frameworks/local-2025.yaml": built_in})
    result = new(root, "inspection", "x-2025", "--framework", "local-2025", "--service", "torbay-yot")
    assert result.exit_code == 0, result.output
    assert "framework: local-2025" in record_path(root, "inspection", "x-2025").read_text()


def test_an_option_for_another_kind_is_a_usage_error(tmp_path, make_site, new):
    root = make_site(tmp_path)
    assert new(root, "council", "x", "--service", "torbay-yot").exit_code == 2
    assert new(root, "service", "x", "--framework", "hmip-youth-2018").exit_code == 2


def test_prefilled_references_that_do_not_exist_yet_are_written_with_a_note(tmp_path, make_site, new):
    root = make_site(tmp_path)
    result = new(root, "inspection", "dudley-2024", "--service", "dudley-yos")
    assert result.exit_code == 0
    assert "there is no service 'dudley-yos' yet; create it with `scrutiny new service dudley-yos`" in result.stderr
    assert "service: dudley-yos" in record_path(root, "inspection", "dudley-2024").read_text()


def test_comments_list_the_ids_a_reference_may_take(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    new(root, "action-plan", "plan")
    text = record_path(root, "action-plan", "plan").read_text()
    assert "the id of an inspection: torbay-2021" in text


def test_a_stale_schema_file_is_refreshed(tmp_path, make_site, new):
    root = make_site(tmp_path)
    stale = root / ".schema" / "council.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    new(root, "council", "dudley")
    assert json.loads(stale.read_text()) == json_schema("council")


def test_a_report_is_markdown_with_front_matter_and_a_body_to_write(tmp_path, make_site, new):
    root = make_site(tmp_path, BASE)
    new(root, "report", "yot-review", "--council", "torbay", "--inspection", "torbay-2021")
    text = record_path(root, "report", "yot-review").read_text(encoding="utf-8")
    yaml_part, body, _ = split_front_matter(text)
    assert text.startswith("---\n# yaml-language-server: $schema=../../.schema/report.json\n")
    data = yaml.load(yaml_part, Loader=Yaml12Loader)
    assert data["council"] == "torbay" and data["inspection"] == "torbay-2021"
    assert body.startswith("## Purpose")


def test_new_outside_a_site_is_a_usage_error(tmp_path, run_cli):
    result = run_cli("new", "council", "dudley", root=tmp_path)
    assert result.exit_code == 2 and "there is no content/ folder" in result.output


def test_the_kinds_the_command_offers_are_the_kinds_it_can_make():
    from generator.authoring.scaffold import KINDS
    from generator.commands.authoring import NEW_KINDS
    assert sorted(NEW_KINDS) == sorted(KINDS)
    from generator.validate import STARTED_BY_NEW       # named in the hint for an empty file
    assert sorted(kind.replace("_", "-") for kind in STARTED_BY_NEW) == sorted(KINDS)


def test_new_on_a_full_disk_is_a_clear_error_and_leaves_no_empty_record(tmp_path, make_site):
    """The inspections folder is a tiny tmpfs filled to the last block (in a mount namespace of
    its own): a real ENOSPC, no mocking. No traceback, exit 1, and no empty file under the new
    record's name, which would fail every check and make the next `new` say it exists."""
    root = make_site(tmp_path, BASE)
    folder = root / "content" / "inspections"
    script = f"""set -u
mount -t tmpfs -o size=64k tmpfs "{folder}"
dd if=/dev/zero of="{folder}/filler" bs=4k 2>/dev/null
"{sys.executable}" -m generator -C "{root}" new inspection torbay-2099 2> "{tmp_path}/stderr.txt"
echo "exit=$?" > "{tmp_path}/exit.txt"
ls "{folder}" > "{tmp_path}/listing.txt"
"""
    done = subprocess.run([shutil.which("unshare"), "--map-root-user", "--mount", "bash", "-c", script],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    stderr = (tmp_path / "stderr.txt").read_text()
    assert "Traceback" not in stderr, stderr
    assert "error: cannot write content/inspections/torbay-2099.yaml (the disk is full)" in stderr, stderr
    assert (tmp_path / "exit.txt").read_text().strip() == "exit=1"
    assert "torbay-2099.yaml" not in (tmp_path / "listing.txt").read_text().split()

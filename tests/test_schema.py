"""`scrutiny schema`: JSON Schema (draft 2020-12) for editors, accepting the real records."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from generator.load.yaml_source import parse_yaml
from generator.cli import cli
from generator.load.documents import split_front_matter
from generator.load.files import RECORD_FOLDERS
from generator.model import MODELS, Inspection
from generator.schema import json_schema

REPO = Path(__file__).resolve().parent.parent
INSPECTIONS = sorted((REPO / "content" / "inspections").glob("*.yaml"))
KINDS = sorted(kind.replace("_", "-") for kind in MODELS)


def schema_of(*kind: str) -> dict:
    result = CliRunner().invoke(cli, ["schema", *kind])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def inspection_validator() -> Draft202012Validator:
    return Draft202012Validator(schema_of("inspection"))


def _as_json(value):
    """yaml.safe_load's YAML 1.1 data as the JSON an editor sees: dates as ISO text, and
    the keys `yes`/`no` (read as booleans) back as the words written."""
    if isinstance(value, dict):
        return {({True: "yes", False: "no"}.get(k, k) if isinstance(k, bool) else str(k)): _as_json(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def test_there_are_shipped_inspections_to_check():
    assert [p.stem for p in INSPECTIONS] == ["derby-2025", "dudley-2019", "sandwell-2018", "torbay-2021", "wolverhampton-2021"]


@pytest.mark.parametrize("kind", KINDS)
def test_schema_of_each_kind_is_valid_json_schema(kind):
    schema = schema_of(kind)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schema_of_all_kinds_is_valid_json_schema():
    schema = schema_of()
    Draft202012Validator.check_schema(schema)
    assert set(MODELS) <= set(schema["$defs"])
    assert schema["$defs"]["inspection"] == {"$ref": "#/$defs/Inspection"}


def test_schema_of_an_unknown_kind_is_a_usage_error(run_cli):
    assert run_cli("schema", "inspektion").exit_code == 2


@pytest.mark.parametrize("path", INSPECTIONS, ids=lambda p: p.stem)
def test_inspection_schema_accepts_every_shipped_inspection_as_the_model_reads_it(path, inspection_validator):
    data, _, problems = parse_yaml(path.read_text(encoding="utf-8"), path.name)
    dumped = Inspection.model_validate(data).model_dump(mode="json", by_alias=True, exclude_none=True)
    errors = [f"{list(e.path)}: {e.message}" for e in inspection_validator.iter_errors(dumped)]
    assert (problems, errors) == ([], [])


@pytest.mark.parametrize("path", INSPECTIONS, ids=lambda p: p.stem)
def test_inspection_schema_accepts_every_shipped_inspection_as_written(path, inspection_validator):
    # What an editor validates: the file as typed, with its documented shorthands
    # ("1.1": Good for {rating: Good}; "2.1.2": 93 for a published percentage).
    raw = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = [f"{list(e.path)}: {e.message}" for e in inspection_validator.iter_errors(raw)]
    assert errors == []


def test_inspection_schema_rejects_an_unknown_field(inspection_validator):
    record = {"service": "torbay-yot", "framework": "hmip-youth-2018", "lead_inspecter": "Maria Jerram"}
    assert not inspection_validator.is_valid(record)


def test_inspection_schema_rejects_a_word_that_is_not_a_rating(inspection_validator):
    record = {"service": "torbay-yot", "framework": "hmip-youth-2018", "overall": {"rating": "Outstnding"}}
    assert not inspection_validator.is_valid(record)


def test_inspection_schema_requires_service_and_framework(inspection_validator):
    assert sorted(e.message for e in inspection_validator.iter_errors({})) == [
        "'framework' is a required property", "'service' is a required property"]


def _shipped_records():
    for folder, (kind, _) in RECORD_FOLDERS.items():
        base = REPO / "generator" if folder == "frameworks" else REPO / "content"
        for path in sorted((base / folder).glob("*")):
            if kind != "inspection":          # inspections have their own tests above
                yield pytest.param(kind, path, id=f"{folder}/{path.name}")


@pytest.mark.parametrize("kind, path", list(_shipped_records()))
def test_each_kinds_schema_accepts_every_shipped_record_as_written(kind, path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = split_front_matter(text)[0]
    validator = Draft202012Validator(json_schema(kind))
    errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(_as_json(yaml.safe_load(text)))]
    assert errors == []


def test_site_schema_accepts_the_shipped_site_yaml():
    raw = _as_json(yaml.safe_load((REPO / "content" / "site.yaml").read_text(encoding="utf-8")))
    assert Draft202012Validator(json_schema("site")).is_valid(raw)


@pytest.mark.parametrize("kind", ["inspection", "action-plan", "meeting", "report", "service", "council"])
def test_the_committed_editor_schemas_match_the_models(kind):
    # `scrutiny new` writes a yaml-language-server line pointing at .schema/<kind>.json; a fresh
    # clone has these files, so they must say what the models say (regenerate with scrutiny schema).
    import json as _json
    from generator.schema import json_schema as _json_schema
    committed = _json.loads((Path(__file__).resolve().parent.parent / ".schema" / f"{kind}.json").read_text())
    assert committed == _json_schema(kind.replace("-", "_"))


def test_the_kinds_scrutiny_schema_offers_are_the_record_models():
    from generator.commands.site import RECORD_KINDS
    from generator.model import MODELS
    assert sorted(RECORD_KINDS) == sorted(MODELS)


def test_council_schema_describes_dated_changes_of_its_details():
    validator = Draft202012Validator(json_schema("council"))
    change = {"from": "2026-09-01", "clerk": {"name": "Democratic Services", "telephone": "01803 207087"},
              "colour": "#004466"}
    assert validator.is_valid({"name": "Torbay Council", "changes": [change]})
    for wrong in ({"clerk": {"name": "Democratic Services"}}, {**change, "nation": "wales"},
                  {**change, "changes": []}):
        assert not validator.is_valid({"name": "Torbay Council", "changes": [wrong]}), wrong


def test_council_schema_offers_the_date_style_and_the_recommendation_list():
    validator = Draft202012Validator(json_schema("council"))
    assert validator.is_valid({"name": "Dudley", "date_style": "ordinal", "recommendation_list": "bullets"})
    assert validator.is_valid({"name": "Dudley", "changes": [{"from": "2026-09-01", "date_style": "plain"}]})
    for wrong in ({"date_style": "ordinals"}, {"recommendation_list": "bulleted"}):
        assert not validator.is_valid({"name": "Dudley", **wrong}), wrong


@pytest.mark.parametrize("kind", ["inspection", "action_plan"])
@pytest.mark.parametrize("written, accepted", [
    ("2026-06-01", True), ("2026-06-01 09:30", True), ("2026-06-01 09:30:00", True),
    ("2026-06-01T09:30+01:00", True), ("2026-06-01 09:30Z", True),
    ("2026-06-01 09:30:30", False), ("2026-06-01 09:30:00.5", False),
    ("2026-06-01 09:30 BST", False), ("2026-06-01 9:30", False)])
def test_embargo_schema_refuses_what_check_refuses(kind, written, accepted):
    # check refuses an embargo given to the second (to the minute, as agendas give times) or
    # with words after it; the editor's pattern matched any text starting with a date and time.
    record = {"inspection": {"service": "torbay-yot", "framework": "hmip-youth-2018"},
              "action_plan": {"inspection": "torbay-2021", "title": "Plan", "actions": [{"id": "A1", "action": "Do"}]}}
    validator = Draft202012Validator(json_schema(kind))
    assert validator.is_valid({**record[kind], "embargo_until": written}) is accepted


@pytest.mark.parametrize("standards", [{"resettlement": "not rated"}, {"resettlement": {"rating": "not rated"}}],
                         ids=["shorthand", "full"])
def test_inspection_schema_accepts_not_rated_as_the_scaffold_offers_it(standards, inspection_validator):
    # The scaffold's comment on each rating offers "'not rated' where HMIP says so" (and check reads
    # it as the not_rated flag); an editor flagged it as not one of the four rating words.
    record = {"service": "sandwell-yos", "framework": "hmip-youth-2018", "separately_rated": standards}
    assert inspection_validator.is_valid(record)
    assert not inspection_validator.is_valid({**record, "separately_rated": {"resettlement": "not rate"}})


@pytest.mark.parametrize("written, accepted", [("1.1", True), ("1", True), ("R4", True), ("A 1", False), ("-1", False)])
def test_action_plan_schema_takes_an_action_number_as_check_does(written, accepted):
    # A plan's own numbers (1.1, 2.3) are action ids; check reads `id: 1.1` as the text written,
    # where an editor reads a number: the schema said "expected string" of every one.
    validator = Draft202012Validator(json_schema("action_plan"))
    action = {"id": yaml.safe_load(f"id: {written}")["id"], "action": "Train the staff"}
    assert validator.is_valid({"inspection": "torbay-2021", "title": "Plan", "actions": [action]}) is accepted

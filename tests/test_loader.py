"""Stage 1, load: safe YAML with positions, and finding the content files of a site."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.load.documents import Document, read_records, split_front_matter
from generator.load.files import find_files
from generator.load.yaml_source import Position, parse_yaml
from generator.build import check_site
from generator.problems import Problem, Severity

AS_OF = dt.date(2021, 6, 1)


@dataclass(frozen=True)
class Loaded:
    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]

    def of_kind(self, kind: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.kind == kind)


def load_site(root: Path, cache=None) -> Loaded:
    """Every document of the site at `root`, read whole (a build streams them instead)."""
    files = find_files(root)
    documents, problems = [], list(files.problems)
    for _found, doc, read_problems in read_records(files, cache):
        problems += read_problems
        if doc is not None:
            documents.append(doc)
    if cache is not None:
        cache.save()
    return Loaded(tuple(documents), tuple(problems))


# --- plain data: scalars stay text (YAML 1.2 words, leading zeros, times)

def test_yes_no_on_off_stay_words_not_booleans():
    data, _, problems = parse_yaml("a: yes\nb: no\nc: on\nd: off\nyes: 4\n", "f.yaml")
    assert (data, problems) == ({"a": "yes", "b": "no", "c": "on", "d": "off", "yes": "4"}, [])


def test_a_telephone_number_keeps_its_leading_zero():
    data, _, _ = parse_yaml("telephone: 07854 943254\nshort: 01803\n", "f.yaml")
    assert data == {"telephone": "07854 943254", "short": "01803"}


def test_a_time_stays_text_not_sexagesimal_minutes():
    data, _, _ = parse_yaml("time: 17:30\n", "f.yaml")
    assert data == {"time": "17:30"}


def test_a_date_stays_text_for_the_model_to_read():
    data, _, _ = parse_yaml("published: 2021-03-03\n", "f.yaml")
    assert data == {"published": "2021-03-03"}


def test_null_words_and_empty_values_are_none_but_quoted_null_is_text():
    data, _, _ = parse_yaml("a: ~\nb:\nc: null\nd: 'null'\ne: ''\n", "f.yaml")
    assert data == {"a": None, "b": None, "c": None, "d": "null", "e": ""}


def test_an_empty_file_is_no_data_and_no_problem():
    assert parse_yaml("# only a comment\n", "f.yaml")[0::2] == (None, [])


# --- positions

def test_every_value_remembers_its_line_and_column():
    _, source, _ = parse_yaml("service: torbay-yot\nstandards:\n  \"2.1\": {rating: Good}\n", "f.yaml")
    assert (source.values[("service",)], source.values[("standards", "2.1", "rating")]) == (
        Position(1, 10), Position(3, 19))


def test_every_key_remembers_its_line_and_column():
    _, source, _ = parse_yaml("service: torbay-yot\nstandards:\n  \"2.1\": {rating: Good}\n", "f.yaml")
    assert (source.keys[("standards",)], source.keys[("standards", "2.1")], source.keys[("standards", "2.1", "rating")]) \
        == (Position(2, 1), Position(3, 3), Position(3, 11))


def test_list_items_are_located_by_index():
    _, source, _ = parse_yaml("items:\n  - a\n  - b\n", "f.yaml")
    assert source.values[("items", 1)] == Position(3, 5)


def test_columns_count_characters_not_bytes():
    # "Zoë, " is 5 characters but 6 bytes in UTF-8: the column a person's editor shows
    _, source, _ = parse_yaml("names: [Zoë, Łukasz, Ana]\n", "f.yaml")
    assert (source.values[("names", 1)], source.values[("names", 2)]) == (Position(1, 14), Position(1, 22))


def test_a_syntax_error_after_accented_letters_is_located_by_character():
    _, _, [problem] = parse_yaml("service: torbay-yot\nlead_inspector: Zoë Łukasz: x\n", "f.yaml")
    assert (problem.line, problem.column) == (2, 27)


def test_a_control_character_after_accented_letters_is_located_by_character():
    # "name: Zoë Łukasz" is 16 characters (18 bytes): the BEL character stands at 2:17
    _, _, [problem] = parse_yaml("service: torbay-yot\nname: Zoë Łukasz\x07\n", "f.yaml")
    assert (problem.line, problem.column, "control character" in problem.message) == (2, 17, True)


def test_front_matter_positions_count_from_the_top_of_the_file():
    _, source, _ = parse_yaml("council: torbay\ntitle: Report\n", "r.md", line_offset=1)
    assert source.values[("title",)] == Position(3, 8)


def test_a_missing_field_is_located_at_its_nearest_existing_parent():
    _, source, _ = parse_yaml("service: x\noverall:\n  score: 16\n", "f.yaml")
    assert source.locate(("overall", "rating")) == Position(3, 3)


def test_locating_a_value_gives_the_value_not_its_key():
    # A problem about a value (a misspelt rating) points at the value a person must change.
    _, source, _ = parse_yaml("overall: {rating: Outstnding, score: 20}\n", "f.yaml")
    assert source.locate(("overall", "rating")) == Position(1, 19)


def test_locating_a_key_gives_the_key():
    _, source, _ = parse_yaml("overall: {rating: Outstnding, score: 20}\n", "f.yaml")
    assert source.locate_key(("overall", "rating")) == Position(1, 11)


# --- what the safe builder refuses

def test_a_duplicate_key_is_an_error_at_the_second_key_naming_the_first_line():
    _, _, [problem] = parse_yaml("standards:\n  \"2.1\": Good\n  \"2.2\": Good\n  \"2.1\": Outstanding\n", "f.yaml")
    assert (problem.line, problem.column, problem.field, problem.message) == (
        4, 3, "standards.2.1", "duplicate key '2.1' (first given at line 2)")


def test_a_duplicate_key_keeps_the_first_value():
    data, _, _ = parse_yaml("rating: Good\nrating: Outstanding\n", "f.yaml")
    assert data == {"rating": "Good"}


def test_a_merge_key_is_an_error():
    data, _, [problem] = parse_yaml("<<: {a: 1}\nb: 2\n", "f.yaml")
    assert (data, problem.line, "merge keys" in problem.message) == ({"b": "2"}, 1, True)


def test_a_local_tag_is_an_error_at_its_value():
    _, _, [problem] = parse_yaml("service: torbay-yot\nrating: !custom Good\n", "f.yaml")
    assert (problem.line, problem.column, problem.message) == (2, 9, "the YAML tag '!custom' is not allowed")


def test_a_python_object_tag_is_an_error_not_silently_read_as_text():
    # "an unknown tag ... is a content error at its line" (yaml_source.py): a record never
    # holds a Python object, so a file carrying one was not written for this tool.
    _, _, problems = parse_yaml('service: !!python/object/apply:os.system ["ls"]\n', "f.yaml")
    assert [(p.line, p.severity) for p in problems] == [(1, Severity.ERROR)]


def test_a_key_that_is_a_list_is_an_error():
    _, _, [problem] = parse_yaml("? [a, b]\n: c\n", "f.yaml")
    assert problem.message == "a key must be plain text, not a list or mapping"


def test_nesting_beyond_the_limit_is_an_error_not_a_crash():
    _, _, [problem] = parse_yaml("a: " + "[" * 45 + "]" * 45 + "\n", "f.yaml")
    assert "nested more than 40 levels deep" in problem.message


def test_nesting_hundreds_of_levels_deep_is_one_error_not_a_crash():
    # deeper than Python's recursion limit allows a recursive composer to go
    _, _, problems = parse_yaml("a: " + "[" * 600 + "]" * 600 + "\n", "f.yaml")
    assert [p.severity for p in problems] == [Severity.ERROR]


def test_a_self_referring_alias_is_an_error_not_a_crash():
    _, _, problems = parse_yaml("a: &a [*a]\n", "f.yaml")
    assert [p.severity for p in problems] == [Severity.ERROR]


def test_an_undefined_alias_is_a_syntax_error_with_a_hint():
    _, _, [problem] = parse_yaml("service: torbay-yot\nframework: *nope\n", "f.yaml")
    assert (problem.line, problem.column, "refer to an anchor" in (problem.hint or "")) == (2, 12, True)


def test_two_documents_in_one_file_are_an_error_at_the_second():
    _, _, [problem] = parse_yaml("---\na: 1\n---\nb: 2\n", "f.yaml")
    assert (problem.line, problem.message.startswith("YAML syntax")) == (3, True)


# --- front matter

def test_front_matter_is_split_from_the_body_with_the_body_line():
    front, body, body_line = split_front_matter("---\ncouncil: torbay\n---\n## Purpose\n")
    assert (front, body, body_line) == ("council: torbay\n", "## Purpose\n", 4)


@pytest.mark.parametrize("fence", ["--- ", "---\t", "...  ", "--- \r"])
def test_spaces_after_the_closing_fence_still_close_the_front_matter(fence):
    # An editor shows '--- ' as the fence: 1c64167 said at line 1 that the front matter was not
    # closed and to end it with a line '---' (before it, the second '---' was 'remove' it).
    text = f"---\ncouncil: torbay\n{fence}\n## Purpose\n"
    assert split_front_matter(text) == ("council: torbay\n", "## Purpose\n", 4)


@pytest.mark.parametrize("fence", ["--- ", "---\t", "--- \r"])
def test_spaces_after_the_opening_fence_still_open_the_front_matter(fence):
    # The opening fence is as unseen as the closing one: with a space after it, a report was
    # told to begin the file with a line '---', which it seemed to have (helper-68).
    text = f"{fence}\ncouncil: torbay\n---\n## Purpose\n"
    assert split_front_matter(text) == ("council: torbay\n", "## Purpose\n", 4)


def test_a_file_without_a_front_matter_fence_is_all_body():
    assert split_front_matter("## Purpose\n") == (None, "## Purpose\n", 1)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_fence_hidden_after_a_unicode_line_separator_does_not_end_the_front_matter(separator):
    # grep, git and an editor show `status: draft` inside the front matter: so must we.
    text = f"---\ntitle: Restructure\n# not for publication{separator}---\nstatus: draft\n---\n## Purpose\n"
    front, body, body_line = split_front_matter(text)
    assert "status: draft" in front
    assert (body, body_line) == ("## Purpose\n", 6)


def test_a_file_with_cr_line_ends_only_is_read_as_lines():
    assert split_front_matter("---\rtitle: T\rstatus: draft\r---\rBody\r") == ("title: T\nstatus: draft\n", "Body\n", 5)


def test_a_report_with_a_hidden_fence_is_an_error_not_a_public_paper(tmp_path, make_site):
    from generator.build import check_site

    report = ("---\ncouncil: torbay\nkind: scrutiny\ncommittee: Scrutiny\ndate: 2025-11-12\ntitle: Restructure\n"
              "# not for publication\u2028---\nstatus: draft\n---\n## Purpose\n\nNot yet agreed.\n")
    checked = check_site(make_site(tmp_path, {"reports/restructure.md": report}), dt.date(2025, 11, 1))
    assert [p.path for p in checked.errors] == ["content/reports/restructure.md"]


# --- finding the files of a site

def test_a_folder_without_content_is_an_error(tmp_path):
    [problem] = load_site(tmp_path).problems
    assert (problem.path, problem.severity, problem.message) == (
        "content", Severity.ERROR, "there is no content/ folder here")


def test_a_site_without_site_yaml_is_an_error(tmp_path, make_site):
    root = make_site(tmp_path, {"site.yaml": None})
    [problem] = load_site(root).problems
    assert (problem.path, problem.severity, problem.message) == (
        "content/site.yaml", Severity.ERROR, "content/site.yaml is missing")


def test_each_record_is_read_with_its_id_kind_and_relative_path(tmp_path, make_site):
    loaded = load_site(make_site(tmp_path))
    [service] = loaded.of_kind("service")
    assert (service.id, service.kind, service.path, service.data["council"]) == (
        "torbay-yot", "service", "content/services/torbay-yot.yaml", "torbay")


def test_the_built_in_frameworks_are_loaded(tmp_path, make_site):
    ids = sorted(d.id for d in load_site(make_site(tmp_path)).of_kind("framework"))
    assert ids == ["hmip-youth-2018", "hmip-youth-2021", "hmip-youth-2025"]


def test_a_file_name_that_is_not_an_id_is_an_error(tmp_path, make_site):
    root = make_site(tmp_path, {"services/Torbay YOT.yaml": "name: X\nshort_name: X\ncouncil: torbay\n"})
    [problem] = load_site(root).problems
    assert (problem.path, problem.severity, problem.message) == (
        "content/services/Torbay YOT.yaml", Severity.ERROR,
        "'Torbay YOT' is not a usable id (the file name is the record's id)")


def test_a_file_name_ending_in_a_line_break_is_not_an_id(tmp_path, make_site):
    root = make_site(tmp_path, {"services/dudley-yos\n.yaml": "name: X\nshort_name: X\ncouncil: torbay\n"})
    [problem] = load_site(root).problems
    assert (problem.severity, problem.message) == (
        Severity.ERROR, "'dudley-yos\n' is not a usable id (the file name is the record's id)")


def test_a_file_of_the_wrong_type_in_a_record_folder_is_ignored_with_a_warning(tmp_path, make_site):
    root = make_site(tmp_path, {"inspections/notes.txt": "to do\n"})
    [problem] = load_site(root).problems
    assert (problem.path, problem.severity, problem.message.startswith("ignored:")) == (
        "content/inspections/notes.txt", Severity.WARNING, True)


@pytest.mark.parametrize("name, meant", [("torbay-2021.yaml.txt", "torbay-2021.yaml"),
                                         ("torbay-2021.YAML", "torbay-2021.yaml"),
                                         ("#torbay-2021.yml#", "torbay-2021.yml")])
def test_a_record_saved_under_a_name_that_is_not_read_is_told_the_name_that_is(tmp_path, make_site, name, meant):
    # Notepad's 'Save as' adds .txt: the edit was left out with a bare 'ignored', the
    # record as it was before going on being published
    root = make_site(tmp_path, {f"inspections/{name}": "service: torbay-yot\n"})
    [problem] = load_site(root).problems
    assert (problem.path, problem.severity, problem.hint) == (
        f"content/inspections/{name}", Severity.WARNING,
        f"if it is meant to be read, rename it {meant}: only names ending .yaml or .yml are read")


def test_an_unknown_folder_under_content_is_ignored_with_a_warning(tmp_path, make_site):
    root = make_site(tmp_path, {"drafts/x.yaml": "a: 1\n"})
    [problem] = load_site(root).problems
    assert (problem.path, problem.severity) == ("content/drafts", Severity.WARNING)


def test_hidden_files_are_not_read(tmp_path, make_site):
    root = make_site(tmp_path, {"inspections/.x.yaml.swp": b"\x00\x01binary editor swap"})
    assert load_site(root).problems == ()


def test_a_symbolic_link_is_not_followed(tmp_path, make_site):
    secret = tmp_path / "secret.yaml"
    secret.write_text("name: Secret\nshort_name: S\ncouncil: torbay\n")
    root = make_site(tmp_path / "site")
    (root / "content" / "services" / "linked.yaml").symlink_to(secret)
    loaded = load_site(root)
    assert ([d.id for d in loaded.of_kind("service")], [(p.path, p.severity) for p in loaded.problems]) == (
        ["torbay-yot"], [("content/services/linked.yaml", Severity.ERROR)])


@pytest.mark.parametrize("folder, name", [("services", "loop.yaml"), ("attachments", "loop.md")])
def test_a_symbolic_link_to_itself_is_an_error_not_a_traceback(tmp_path, make_site, folder, name):
    # `ln -s loop.yaml loop.yaml`: asking whether it is a folder raised OSError (ELOOP)
    root = make_site(tmp_path)
    (root / "content" / folder).mkdir(exist_ok=True)
    (root / "content" / folder / name).symlink_to(name)
    problems = check_site(root, AS_OF).problems
    assert [(p.path, p.severity, p.message) for p in problems] == [
        (f"content/{folder}/{name}", Severity.ERROR, "a symbolic link here leads in a circle, and is not followed")]


@pytest.mark.parametrize("name", ["reports", "attachments"])
def test_a_content_folder_that_is_a_link_in_a_circle_is_an_error_at_it(tmp_path, make_site, name):
    # `ln -s reports reports` in content/: its records were left out without a word, and
    # each reference to one blamed the record that made it
    root = make_site(tmp_path)
    folder = root / "content" / name
    if folder.exists():
        shutil.rmtree(folder)
    folder.symlink_to(name)
    problems = check_site(root, AS_OF).problems
    assert [(p.path, p.severity, p.message) for p in problems] == [
        (f"content/{name}", Severity.ERROR, "a symbolic link here leads in a circle, and is not followed")]


def test_a_yaml_list_where_a_record_is_expected_is_an_error(tmp_path, make_site):
    root = make_site(tmp_path, {"services/listed.yaml": "- name: X\n- council: torbay\n"})
    [problem] = check_site(root, AS_OF).problems
    assert (problem.path, problem.line, problem.message) == (
        "content/services/listed.yaml", 1, "a service must be a mapping of 'key: value' lines")


@pytest.mark.parametrize("line_ending", ["\r\n", "\n"])
def test_windows_line_endings_give_the_same_lines(tmp_path, line_ending, make_site):
    text = line_ending.join(["service: torbay-yot", "framework: hmip-youth-2018", "published: 2021-02-30", ""])
    root = make_site(tmp_path, {"inspections/crlf.yaml": text.encode()})
    assert [(p.line, p.field) for p in check_site(root, AS_OF).errors] == [(3, "published")]


def test_two_files_with_the_same_id_are_an_error(tmp_path, make_site):
    # x.yaml and x.yml are both read as inspection 'x': one would silently replace the other
    inspection = "service: torbay-yot\nframework: hmip-youth-2018\noverall: {rating: %s}\n"
    root = make_site(tmp_path, {"inspections/torbay-2021.yaml": inspection % "Good",
                                "inspections/torbay-2021.yml": inspection % "Outstanding"})
    errors = check_site(root, AS_OF).errors
    assert [p.path for p in errors] == ["content/inspections/torbay-2021.yml"], [str(p) for p in errors]


# --- records parsed by an earlier build (speed/parsed_cache.py)

@pytest.fixture
def corpus10(tmp_path):
    import subprocess
    import sys
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "bench.corpus", "10", str(site)], check=True,
                   cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL)
    (site / "content" / "inspections" / "broken.yaml").write_text("service: [a, b\n")   # a problem too
    return site


def _parsed_files(monkeypatch) -> list[str]:
    """Spy: the names of the files handed to the parser (cleared by the caller between loads)."""
    from generator.load import documents
    names: list[str] = []
    original = documents.parse_document
    monkeypatch.setattr(documents, "parse_document",
                        lambda raw, digest, file, *rest: names.append(file.name) or original(raw, digest, file, *rest))
    return names


def _load(site, cache_folder=None):
    from generator.speed.parsed_cache import ParsedCache
    return load_site(site, cache=ParsedCache(cache_folder) if cache_folder else None)


def test_records_read_back_from_the_parsed_cache_equal_a_fresh_parse(corpus10, tmp_path, monkeypatch):
    fresh = _load(corpus10)
    parsed = _parsed_files(monkeypatch)
    first = _load(corpus10, tmp_path / "parsed")
    assert len(parsed) > 30
    parsed.clear()
    second = _load(corpus10, tmp_path / "parsed")
    assert first.documents == fresh.documents == second.documents
    assert first.problems == fresh.problems == second.problems and second.problems      # broken.yaml's
    assert parsed == ["broken.yaml"]       # a file with a problem is parsed every time; the rest are not


def test_a_changed_record_is_parsed_again_and_a_deleted_one_leaves_the_cache(corpus10, tmp_path, monkeypatch):
    import hashlib

    from generator.speed.parsed_cache import ParsedCache
    cache = tmp_path / "parsed"
    _load(corpus10, cache)
    inspections = sorted(p for p in (corpus10 / "content" / "inspections").glob("*.yaml") if p.name != "broken.yaml")
    changed, deleted = inspections[0], inspections[1]
    old_entry = ParsedCache.key("inspection", ".yaml", hashlib.sha256(deleted.read_bytes()).hexdigest())
    changed.write_text(changed.read_text().replace("introduction: |\n", "introduction: |\n  Changed here.\n", 1))
    deleted.unlink()
    parsed = _parsed_files(monkeypatch)
    again = _load(corpus10, cache)
    assert sorted(parsed) == sorted(["broken.yaml", changed.name])
    assert again.documents == _load(corpus10).documents
    doc = next(d for d in again.documents if d.path.endswith(changed.name))
    assert doc.data["introduction"].startswith("Changed here.")
    assert ParsedCache(cache).get(old_entry) is None       # the deleted file's entry was not kept


def test_a_damaged_or_foreign_parsed_cache_is_ignored(corpus10, tmp_path, monkeypatch):
    import marshal

    from generator.speed import parsed_cache
    cache = tmp_path / "parsed"
    fresh = _load(corpus10, cache)
    shards = sorted(cache.glob("*.marshal"))
    assert shards
    header = parsed_cache.ParsedCache(cache).header
    shards[0].write_bytes(b"\x00 not marshal")
    for shard in shards[1:3]:
        shard.write_bytes(shard.read_bytes()[:100])                                   # truncated
    for shard in shards[3:5]:                                                           # another tool version
        entries = {k: ({"read by": "another version"}, None, 1) for k in parsed_cache._read_shard(shard, header)}
        assert entries                                                                  # (wrong, if it were used)
        shard.write_bytes(len(b"another version").to_bytes(4, "little") + b"another version" + marshal.dumps(entries))
    parsed = _parsed_files(monkeypatch)
    again = _load(corpus10, cache)
    assert again.documents == fresh.documents and again.problems == fresh.problems
    assert len(parsed) > 1                 # the entries of the five bad shards were parsed again
    assert all(parsed_cache._read_shard(s, header) for s in shards)                    # and rewritten


def test_a_cache_entry_that_cannot_be_unpacked_is_parsed_again(corpus10, tmp_path, monkeypatch):
    # A shard whose header is right but one of whose entries is damaged: that file is
    # parsed afresh, in order, and the rest still come from the cache.
    import marshal

    from generator.speed.parsed_cache import ParsedCache
    cache = tmp_path / "parsed"
    fresh = _load(corpus10, cache)
    shard = sorted(cache.glob("*.marshal"))[0]
    raw = shard.read_bytes()
    length = int.from_bytes(raw[:4], "little")
    header, entries = raw[:4 + length], marshal.loads(raw[4 + length:])
    damaged = sorted(entries)[0]
    entries[damaged] = b"\x00 not marshal"
    shard.write_bytes(header + marshal.dumps(entries))
    parsed = _parsed_files(monkeypatch)
    again = _load(corpus10, cache)
    assert again.documents == fresh.documents and again.problems == fresh.problems
    digest = damaged.split(":")[0]
    [name] = [d.path.rsplit("/", 1)[1] for d in fresh.documents if d.digest == digest]
    assert sorted(parsed) == sorted([name, "broken.yaml"])
    assert ParsedCache(cache).get(damaged) is not None      # and kept again, whole


def test_a_file_larger_than_any_record_is_digested_in_pieces_to_the_same_digest(tmp_path, monkeypatch):
    """The no-change decision digests every file; one larger than a record may be (a stray
    export under attachments/) is hashed in pieces, never read whole into memory."""
    import hashlib

    from generator.load import files as found_files

    site = tmp_path / "site"
    (site / "content" / "attachments").mkdir(parents=True)
    (site / "content" / "site.yaml").write_text("title: T\norganisation: O\n", encoding="utf-8")
    big = b"0123456789" * 100_000
    (site / "content" / "attachments" / "export.csv").write_bytes(big)
    monkeypatch.setattr(found_files, "MAX_RECORD_BYTES", 1000)
    whole_reads = []
    original = hashlib.file_digest
    monkeypatch.setattr(hashlib, "file_digest",
                        lambda file, name: whole_reads.append(Path(file.name).name) or original(file, name))

    digests = found_files.file_digests(found_files.find_files(site))

    assert digests["content/attachments/export.csv"] == hashlib.sha256(big).hexdigest()
    assert digests["content/site.yaml"] == hashlib.sha256(b"title: T\norganisation: O\n").hexdigest()
    assert "export.csv" in whole_reads and "site.yaml" not in whole_reads     # in pieces: the large ones


def test_a_build_that_read_the_cache_before_a_rebuild_deleted_it_does_not_write_its_entries_back(corpus10, tmp_path):
    """A build reads an entry (one someone tampered with), another build's `--rebuild` deletes
    the cache, then the first saves: it kept the shards as it had read them, so the deleted
    entry came back for every later build to trust."""
    import hashlib
    import marshal
    import shutil

    from generator.speed.parsed_cache import ParsedCache
    cache = tmp_path / "parsed"
    _load(corpus10, cache)
    inspections = sorted(p for p in (corpus10 / "content" / "inspections").glob("*.yaml") if p.name != "broken.yaml")
    keys = [ParsedCache.key("inspection", ".yaml", hashlib.sha256(p.read_bytes()).hexdigest()) for p in inspections]
    tampered = keys[0]
    shard = cache / f"{tampered[0]}.marshal"
    raw = shard.read_bytes()
    length = int.from_bytes(raw[:4], "little")
    entries = marshal.loads(raw[4 + length:])
    entries[tampered] = marshal.dumps(({"status": "published", "planted": True}, None, 1))
    shard.write_bytes(raw[:4 + length] + marshal.dumps(entries))
    build = ParsedCache(cache)
    assert build.get(tampered)[0]["planted"] is True            # the first build reads it

    shutil.rmtree(cache)                                          # the rebuild deletes the cache
    build.add(tampered[0] + "0" * 63 + ":inspection.yaml", ({"id": "new"}, None, 1))    # same shard
    build.save()

    assert ParsedCache(cache).get(tampered) is None
    assert ParsedCache(cache).get(tampered[0] + "0" * 63 + ":inspection.yaml") == ({"id": "new"}, None, 1)


def test_a_problem_with_a_whole_file_is_printed_at_the_file_not_at_line_0(tmp_path, make_site, run_cli):
    # `content/services/loop.yaml:0:0: error: ...` named no place in the file; as compilers
    # print such a problem, it is the file's name alone (the JSON keeps line and column 0)
    root = make_site(tmp_path)
    (root / "content" / "services" / "loop.yaml").symlink_to("loop.yaml")
    result = run_cli("check", root=root)
    assert result.exit_code == 1
    assert "content/services/loop.yaml: error: a symbolic link here leads in a circle" in result.output
    assert ":0:0" not in result.output
    [problem] = json.loads(run_cli("check", "--format", "json", root=root).output)["problems"]
    assert (problem["path"], problem["line"], problem["column"]) == ("content/services/loop.yaml", 0, 0)


@pytest.mark.parametrize("folder", ["content/attachments", "templates"])
def test_a_link_in_attachments_or_templates_that_leads_to_no_file_is_a_warning(tmp_path, make_site, folder):
    # It was left out without a word: an appendix naming it is then "no file", and a
    # template override that is a dangling link left the theme's own in use
    root = make_site(tmp_path)
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "peer-review.pdf").symlink_to("moved-away.pdf")
    problems = check_site(root, AS_OF).problems
    assert [(p.path, p.line, p.severity, p.message, p.hint) for p in problems] == [
        (f"{folder}/peer-review.pdf", 0, Severity.WARNING, "a symbolic link here leads to no file, and is ignored",
         f"point it at a file in {folder}, or delete it")]


def test_a_site_template_that_cannot_be_used_is_an_error_at_its_line_and_the_previous_site_stays(tmp_path, make_site):
    # `check` said 0 errors, and `build` ended in a Jinja traceback (or, for a missing include,
    # "cannot write the next version of the site (nope.html)"), naming no file of the site
    root = make_site(tmp_path)
    build = [sys.executable, "-m", "generator", "-C", str(root), "build", "--no-pdf", "--no-search", "-q"]
    assert subprocess.run(build, capture_output=True, timeout=300).returncode == 0
    site = root / "output" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    templates = root / "templates"
    templates.mkdir()
    (templates / "_footer.html").write_text("<footer>\n{{ site.title }}\n{% endif %}\n</footer>\n")
    (templates / "_header.html").write_text("<header>\n\n{{ site.title | upcase }}</header>\n")
    (templates / "_extra.html").write_text("{% include '_fotter.html' %}\n")
    problems = check_site(root, AS_OF).problems
    assert [(p.path, p.line, p.severity) for p in problems] == [
        ("templates/_extra.html", 1, Severity.ERROR),
        ("templates/_footer.html", 3, Severity.ERROR),
        ("templates/_header.html", 3, Severity.ERROR)]
    extra, footer, header = problems
    assert (extra.message, extra.hint) == ("template: there is no template '_fotter.html'",
                                           "did you mean '_footer.html'?")
    assert "unknown tag 'endif'" in footer.message
    assert footer.hint == "correct this line, or delete templates/_footer.html to use the theme's"
    assert "No filter named 'upcase'" in header.message
    built = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert built.returncode == 1
    assert "Traceback" not in built.stderr + built.stdout
    assert "templates/_footer.html:3:1: error: template:" in built.stdout + built.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("line, said", [
    ("{{ clerk_phone }}", "'clerk_phone' is undefined"),
    ("{{ site.title | date }}", "AttributeError: 'str' object has no attribute 'day'")])
def test_a_site_template_that_stops_while_rendering_names_its_line_and_the_previous_site_stays(
        tmp_path, make_site, line, said):
    # A value no page gives (or a filter given text for a date) compiles, so `check` cannot see it;
    # `build` ended in a traceback naming "<template>" and "<unknown>" for the file
    root = make_site(tmp_path)
    build = [sys.executable, "-m", "generator", "-C", str(root), "build", "--no-pdf", "--no-search", "-q"]
    assert subprocess.run(build, capture_output=True, timeout=300).returncode == 0
    site = root / "output" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (root / "templates").mkdir()
    (root / "templates" / "_footer.html").write_text(f"<footer>\n{line}\n</footer>\n")
    built = subprocess.run(build, capture_output=True, text=True, timeout=300)
    assert built.returncode == 1
    assert "Traceback" not in built.stderr + built.stdout
    assert f"error: templates/_footer.html:2: template: {said};" in built.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def _as_an_ordinary_user(*command: str) -> subprocess.CompletedProcess:
    """`scrutiny COMMAND` in a subprocess that file permissions bind: as root (a CI container),
    without the capabilities that let root read any file."""
    prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "generator", *command],
                          capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("folder", ["content/meetings", "content"])
def test_a_folder_that_cannot_be_read_is_an_error_at_it_and_the_previous_site_stays(tmp_path, make_site, folder):
    # `check` ended in a traceback (PermissionError), and `build` said it could not write
    # output/site, blaming the output for the content it could not read
    root = make_site(tmp_path, {"meetings/.keep": ""})
    assert _as_an_ordinary_user("-C", str(root), "build", "--no-pdf", "--no-search", "-q").returncode == 0
    site = root / "output" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (root / folder).chmod(0)
    try:
        checked = _as_an_ordinary_user("-C", str(root), "check")
        built = _as_an_ordinary_user("-C", str(root), "build", "--no-pdf", "--no-search", "-q")
    finally:
        (root / folder).chmod(0o755)
    expected = (f"{folder}: error: the folder cannot be read (Permission denied) "
                f"(let the user who builds the site read it, e.g. chmod u+rx {folder})")
    assert (checked.returncode, checked.stdout.splitlines()[0], checked.stderr) == (1, expected, "")
    assert (built.returncode, built.stderr.splitlines()[0]) == (1, expected)
    assert "Traceback" not in built.stderr and "cannot write" not in built.stderr
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


@pytest.mark.parametrize("folder", ["content", "content/attachments"])
def test_a_folder_listed_but_not_searchable_is_an_error_at_it(tmp_path, make_site, folder):
    # chmod -R 644 leaves a folder readable but not searchable (no x): its names list, its
    # files cannot be opened. `check` ended in a traceback for content/, and an attachment
    # in such a folder was "no file content/attachments/..." though it is there.
    root = make_site(tmp_path, {"attachments/note.md": "A note.\n"})
    (root / folder).chmod(0o644)
    try:
        checked = _as_an_ordinary_user("-C", str(root), "check")
    finally:
        (root / folder).chmod(0o755)
    expected = (f"{folder}: error: the folder cannot be read (Permission denied) "
                f"(let the user who builds the site read it, e.g. chmod u+rx {folder})")
    assert "Traceback" not in checked.stderr
    assert checked.returncode == 1 and expected in checked.stdout.splitlines(), checked.stdout

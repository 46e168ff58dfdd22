"""A cold build of a large site parses the second half of its records in another process
(generator/load/documents.py, `read_records`): what it builds, and what it reports, are
exactly what one process makes. Here the threshold is lowered so the shipped site counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import check_site
from generator.load import documents
from generator.speed.parsed_cache import ParsedCache
from site_helpers import AS_OF, all_files, build, copy_site


@pytest.fixture
def parse_ahead(monkeypatch):
    """Every cold build parses ahead, even on a single core."""
    calls = []
    original = documents.forked_call

    def counted(function, work):
        calls.append(len(work[1]))
        return original(function, work)
    monkeypatch.setattr(documents, "PARSE_AHEAD_FROM", 2)
    monkeypatch.setattr(documents, "default_jobs", lambda jobs: 2)
    monkeypatch.setattr(documents, "forked_call", counted)
    return calls


def test_a_cold_build_parsed_in_two_processes_is_the_one_process_build(tmp_path, parse_ahead, monkeypatch):
    ahead = copy_site(tmp_path / "ahead")
    build(ahead)
    assert parse_ahead, "the second half was not parsed in another process"
    assert not ParsedCache(ahead / ".cache" / "parsed").is_empty()

    monkeypatch.setattr(documents, "PARSE_AHEAD_FROM", 10**9)
    alone = copy_site(tmp_path / "alone")
    build(alone)
    assert all_files(ahead / "output" / "site") == all_files(alone / "output" / "site")


def test_a_record_with_a_problem_in_the_second_half_is_reported_as_one_process_reports_it(
        tmp_path, parse_ahead, monkeypatch):
    root = copy_site(tmp_path / "site")
    files = documents.find_files(root)
    last = next(f.file for f in reversed(files.records) if f.kind != "attachment")
    last.write_text(last.read_text(encoding="utf-8") + "not a key but a sentence\n", encoding="utf-8")

    ahead = check_site(root, AS_OF.date())
    assert parse_ahead
    mine = [p for p in ahead.problems if Path(p.path).name == last.name]
    assert mine and all(p.line > 0 for p in mine), mine

    monkeypatch.setattr(documents, "PARSE_AHEAD_FROM", 10**9)
    shutil.rmtree(root / ".cache", ignore_errors=True)
    assert check_site(root, AS_OF.date()).problems == ahead.problems


def test_a_warm_cache_is_not_parsed_again_in_another_process(tmp_path, parse_ahead):
    root = copy_site(tmp_path / "site")
    build(root)
    parse_ahead.clear()
    (root / "content" / "inspections" / "torbay-2021.yaml").write_text(
        (root / "content" / "inspections" / "torbay-2021.yaml").read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(root)
    assert parse_ahead == []


def test_this_process_reads_its_share_of_the_bytes_and_the_other_the_rest(tmp_path):
    # Records come in folder order, and their sizes differ a hundredfold (an action plan and a
    # council): the split is by bytes, so both processes finish together.
    sizes = [10] * 6 + [100, 100]
    records = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"r{index}.yaml"
        path.write_bytes(b"x" * size)
        records.append(documents.Found(path, "council", path.stem, path.name))
    assert documents._split_point(tuple(records), 0.4) == 6          # 60 of 260 bytes is nearer 104 than 160
    assert documents._split_point(tuple(records[:6]), 0.4) == 2     # 20 of 60 is nearer 24 than 30
    assert documents._split_point(tuple(records[:6]), 0.5) == 3     # 30 of 60 exactly
    assert documents._split_point(tuple(records[5:]), 0.4) == 2     # 110 of 210 is nearer 84 than 10


def test_nothing_is_forked_when_no_record_is_left_to_parse_ahead(tmp_path, parse_ahead, monkeypatch):
    # When the split leaves this process every record (here its share is all the bytes; on a
    # real site, when only PDFs and images come after it), none is started: one started and
    # never waited for would outlive the build.
    monkeypatch.setattr(documents, "OWN_SHARE", 1.0)
    root = copy_site(tmp_path / "site")
    build(root)
    assert parse_ahead == []

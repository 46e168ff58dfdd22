"""`scrutiny serve` keeps what each check worked out for the next one (generator/speed/memo.py).

A build given the memo must make exactly the site, and report exactly the problems, that a
build without it makes; and it must not validate or resolve again a file that did not
change. Each test builds a private copy of the shipped content, twice or more, in one
process, as `scrutiny serve` does.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import generator.render.data as data
import generator.resolve.resolver as resolver
import generator.validate as validate
from edit_kinds import EDITS
from generator.speed.memo import BuildMemo
from generator.build import check_site
from generator.problems import Severity
from site_helpers import AS_OF, all_files, build, cold_build, copy_site, replace_in_file

TORBAY = "content/inspections/torbay-2021.yaml"
PLAN = "content/action-plans/dudley-2019-progress.yaml"


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, BuildMemo]:
    """A copy of the content, built once with a fresh memo, as `scrutiny serve` starts."""
    root = copy_site(tmp_path / "site")
    memo = BuildMemo()
    build(root, memo=memo)
    return root, memo


def counting(monkeypatch, module, name: str, argument: int = 0) -> list:
    """Record one argument (by position) of every call to module.name, which still runs."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args[argument])
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("what", EDITS)
def test_after_each_kind_of_edit_a_build_with_the_memo_makes_what_a_cold_build_makes(
        what: str, served: tuple[Path, BuildMemo], tmp_path: Path) -> None:
    root, memo = served
    EDITS[what](root)
    later = AS_OF + dt.timedelta(days=400) if what == "nothing but the date" else AS_OF
    report = build(root, now=later, memo=memo)
    assert report.rendered, what
    incremental, fresh = all_files(root / "output" / "site"), cold_build(root, tmp_path, now=later)
    assert sorted(incremental) == sorted(fresh), what
    assert [path for path in fresh if incremental[path] != fresh[path]] == [], what


def test_the_next_check_validates_and_resolves_only_the_file_that_changed(
        served: tuple[Path, BuildMemo], monkeypatch) -> None:
    root, memo = served
    replace_in_file(root / "content/councils/dudley.yaml", "name: Dudley Metropolitan Borough Council",
                    "name: Dudley Council")
    before = build(root, memo=memo).checked.records
    validated = counting(monkeypatch, validate, "validate_document")
    framed = counting(monkeypatch, resolver, "apply_framework")
    planned = counting(monkeypatch, resolver, "_plan_actions")
    replace_in_file(root / TORBAY, "introduction: |\n", "introduction: |\n  Edited.\n")

    after = build(root, memo=memo).checked.records

    assert {doc.path for doc in validated if doc.path.startswith("content/")} == {"content/site.yaml", TORBAY}
    assert [record.path for record in framed] == [TORBAY]
    assert planned == []          # no plan answers torbay-2021, and no plan file changed
    for kind in ("inspection", "action_plan", "service", "council", "report", "meeting"):
        for rid, record in after.of(kind).items():
            assert (record is before.of(kind)[rid]) == (record.path != TORBAY), record.path
    assert "Edited." in after.of("inspection")["torbay-2021"].model.introduction


@pytest.mark.parametrize("edit, made", [
    ((TORBAY, "lead_inspector: Maria Jerram", "lead_inspector: M. Jerram"), ["torbay-2021"]),
    # the title of each of its inspections says the service's short name
    (("content/services/dudley-yos.yaml", "short_name: Dudley YOS", "short_name: Dudley YJS"), ["dudley-2019"]),
])
def test_the_data_files_make_again_only_the_pieces_of_changed_inspections(
        edit: tuple, made: list, served: tuple[Path, BuildMemo], monkeypatch) -> None:
    root, memo = served
    pieces = counting(monkeypatch, data, "inspection_data", argument=1)
    replace_in_file(root / edit[0], *edit[1:])
    report = build(root, memo=memo)
    assert {"data/inspections.json", "data/ratings.csv"} <= set(report.rendered)
    assert [view.id for view in pieces] == made


def test_a_changed_date_resolves_the_action_plans_again(served: tuple[Path, BuildMemo], monkeypatch) -> None:
    """Overdue depends on the date: a memo entry is keyed by it, not reused across days."""
    root, memo = served
    planned = counting(monkeypatch, resolver, "_plan_actions")
    build(root, now=AS_OF + dt.timedelta(days=1), memo=memo)
    assert sorted(record.path for record in planned) == sorted(
        f"content/action-plans/{p.name}" for p in (root / "content" / "action-plans").iterdir())


def check(root: Path, memo: BuildMemo | None) -> tuple:
    """The problems a build's check finds."""
    return check_site(root, AS_OF.date(), memo=memo).problems


def test_errors_and_warnings_are_the_same_with_the_memo_and_go_when_fixed(served: tuple[Path, BuildMemo]) -> None:
    root, memo = served
    # A warning the per-record part of resolving finds, in a file then left as it is ...
    # (an update reported to the 17 March meeting counts from its papers' day, 11 March: out of order after the 12th's)
    before = check(root, memo)
    reported = "      - {reported_to: dudley-csc-2021-03-17, rag: complete, note: \"The YJB"
    replace_in_file(root / PLAN, reported, "      - {date: 2021-03-12, rag: green}\n" + reported)
    warned = check(root, memo)
    order = [p for p in warned if p.path == PLAN and p not in before]
    assert [p.message for p in order] == ["progress updates are not in date order"]
    # ... and errors in another file: one found in resolving it, then one in validating it.
    replace_in_file(root / TORBAY, "framework: hmip-youth-2018", "framework: hmip-youth-2081")
    for wrong, message in ((None, "there is no framework 'hmip-youth-2081'"),
                           ("lead_inspector: [Maria Jerram]", "lead_inspector")):
        if wrong:
            replace_in_file(root / TORBAY, "lead_inspector: Maria Jerram", wrong)
        with_memo = check(root, memo)
        assert with_memo == check(root, None)
        errors = [p for p in with_memo if p.severity is Severity.ERROR]
        # the framework's error stays beside the value's: what is valid is still checked
        assert {p.path for p in errors} == {TORBAY} and message in str(errors[-1]), errors
        assert "there is no framework 'hmip-youth-2081'" in str(errors[0]), errors
        assert order[0] in with_memo
        assert check(root, memo) == with_memo                  # nothing changed: the same messages

    replace_in_file(root / TORBAY, "lead_inspector: [Maria Jerram]", "lead_inspector: Maria Jerram")
    replace_in_file(root / TORBAY, "framework: hmip-youth-2081", "framework: hmip-youth-2018")
    assert check(root, memo) == check(root, None) == warned


def test_serve_s_first_build_fills_the_memo_even_when_nothing_changed(tmp_path: Path, monkeypatch) -> None:
    root = copy_site(tmp_path / "site")
    build(root)                                     # an earlier `scrutiny build`
    memo = BuildMemo()
    started = build(root, memo=memo)                # `scrutiny serve` starts: nothing changed
    assert started.checked is not None and started.rendered == []
    assert len(memo.check) > 20 and len(memo.data) == len(started.plan.corpus.inspections)
    validated = counting(monkeypatch, validate, "validate_document")
    pieces = counting(monkeypatch, data, "inspection_data", argument=1)
    replace_in_file(root / TORBAY, "lead_inspector: Maria Jerram", "lead_inspector: M. Jerram")
    first = build(root, memo=memo)                  # the first save
    assert {doc.path for doc in validated if doc.path.startswith("content/")} == {"content/site.yaml", TORBAY}
    assert "data/inspections.json" in first.rendered and [view.id for view in pieces] == ["torbay-2021"]


def test_a_deleted_file_leaves_the_memo(served: tuple[Path, BuildMemo]) -> None:
    root, memo = served
    held = len(memo.check)
    (root / PLAN).unlink()
    check(root, memo)            # a report still names the plan: an error, and the memo moves on
    assert len(memo.check) == held - 1


def test_records_held_by_the_memo_stay_in_the_parsed_cache_for_the_next_scrutiny_build(
        served: tuple[Path, BuildMemo], monkeypatch) -> None:
    """`scrutiny serve` does not read the files its memo holds. The parsed cache (.cache/parsed)
    must keep their entries all the same, or the `scrutiny build` after a serve session
    parses again every file whose shard a save rewrote."""
    from generator.load import documents
    root, memo = served
    for n in range(4):                     # saves that rewrite several shards
        replace_in_file(root / TORBAY, "introduction: |\n", f"introduction: |\n  Edit {n}.\n")
        replace_in_file(root / PLAN, "title: \"", f"title: \"{n} ")
        build(root, memo=memo)
    parsed: list[str] = []
    original = documents.parse_document
    monkeypatch.setattr(documents, "parse_document",
                        lambda raw, digest, file, *rest: parsed.append(file.name) or original(raw, digest, file, *rest))
    replace_in_file(root / "content/councils/dudley.yaml", "name: Dudley Metropolitan Borough Council",
                    "name: Dudley Council")
    build(root)                            # `scrutiny build`, in a new process: no memo
    assert parsed == ["dudley.yaml"]


def test_the_next_check_reads_again_only_the_files_saved_since(served: tuple[Path, BuildMemo], monkeypatch) -> None:
    # Every other record and Markdown attachment is known by what os.stat says of it; PDFs
    # and images are read whole, for the papers.
    import generator.load.documents as documents
    import generator.speed.memo as memo_module

    root, memo = served
    monkeypatch.setattr(memo_module, "RECENT_NS", 0)       # the copy was made just now
    build(root, memo=memo, out_of_date=True)
    read = counting(monkeypatch, documents, "read_limited", argument=3)
    replace_in_file(root / TORBAY, "introduction: |\n", "introduction: |\n  Edited.\n")
    build(root, memo=memo)
    assert {path for path in read if path.endswith((".yaml", ".md"))} == {"content/site.yaml", TORBAY}


def test_a_file_saved_with_its_old_size_and_modified_time_is_read_again(
        served: tuple[Path, BuildMemo], monkeypatch) -> None:
    # An editor (or a copy that keeps times) can leave size and modified time as they were;
    # the change time still moves, and the file is read again.
    import os

    import generator.speed.memo as memo_module

    root, memo = served
    monkeypatch.setattr(memo_module, "RECENT_NS", 0)
    build(root, memo=memo, out_of_date=True)
    path = root / TORBAY
    before = os.stat(path)
    replace_in_file(path, "lead_inspector: Maria Jerram", "lead_inspector: Maria Jerrym")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(path).st_size == before.st_size and os.stat(path).st_mtime_ns == before.st_mtime_ns
    after = build(root, memo=memo).checked.records
    assert after.of("inspection")["torbay-2021"].model.lead_inspector == "Maria Jerrym"


def test_a_file_changed_in_the_last_two_seconds_is_not_remembered_by_its_facts() -> None:
    # Two saves within one tick of the file system's clock can leave the same size and times:
    # a file that changed so recently is read again next time, whatever its facts.
    import time

    from generator.speed.memo import CheckMemo

    memo = CheckMemo()
    now = time.time_ns()
    just_now = (120, now, now - 100_000_000, 7, 1)               # size, modified, changed, inode, device
    an_hour_ago = (120, now - 3600 * 10**9, now - 3600 * 10**9, 8, 1)
    memo.was_read("content/a.yaml", just_now, "digest-a")
    memo.was_read("content/b.yaml", an_hour_ago, "digest-b")
    memo.finish()
    assert memo.digest_if_unchanged("content/a.yaml", just_now) is None
    assert memo.digest_if_unchanged("content/b.yaml", an_hour_ago) == "digest-b"
    assert memo.digest_if_unchanged("content/b.yaml", (121, *an_hour_ago[1:])) is None


def test_a_file_modified_just_now_is_not_remembered_even_when_its_ctime_is_old():
    # On FAT/exFAT mounts (and Windows) st_ctime is the creation time: it never moves, so a
    # second same-size save within one tick of the (2 s) modified-time clock leaves the same
    # facts. Only the modified time says the file is recent.
    import time
    from generator.speed.memo import CheckMemo
    memo = CheckMemo()
    now = time.time_ns()
    facts = (100, now - 500_000_000, now - 86_400 * 10**9, 42, 1)   # modified 0.5 s ago, created yesterday
    memo.was_read("content/x.yaml", facts, "digest-of-first-save")
    memo.finish()
    assert memo.digest_if_unchanged("content/x.yaml", facts) is None

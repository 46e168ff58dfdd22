"""The benchmark's synthetic corpus (bench/corpus.py): deterministic, and clean by the rules."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

from generator.build import check_site

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:        # bench/ is not installed; the suite may run from anywhere
    sys.path.insert(0, str(REPO))

from bench.corpus import write_corpus  # noqa: E402

AS_OF = dt.date(2025, 6, 30)


def _files(root: Path) -> dict[str, bytes]:
    content = root / "content"
    return {p.relative_to(content).as_posix(): p.read_bytes() for p in sorted(content.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus30(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("corpus30")
    return root, write_corpus(30, root, AS_OF)


def test_the_same_n_writes_identical_bytes(tmp_path: Path, corpus30) -> None:
    root, _ = corpus30
    again = write_corpus(30, tmp_path, AS_OF)
    assert again["files"] == len(_files(root))
    assert _files(tmp_path) == _files(root)


def test_a_different_n_writes_a_different_corpus(tmp_path: Path) -> None:
    write_corpus(12, tmp_path / "a", AS_OF)
    write_corpus(13, tmp_path / "b", AS_OF)
    assert _files(tmp_path / "a") != _files(tmp_path / "b")


def test_n30_passes_scrutiny_check_with_no_errors_or_warnings(corpus30) -> None:
    root, _ = corpus30
    checked = check_site(root, AS_OF)
    assert [str(p) for p in checked.errors] == []
    assert [str(p) for p in checked.warnings] == []
    assert checked.corpus is not None


def test_n30_has_the_shape_the_issue_asks_for(corpus30) -> None:
    root, stats = corpus30
    corpus = check_site(root, AS_OF).corpus
    assert len(corpus.inspections) == 30
    assert len(corpus.services) == 10 and len(corpus.councils) == 10
    assert len(corpus.indicators) == 10
    assert len(corpus.action_plans) == 30
    assert len(corpus.meetings) == 3
    assert {i.framework_id for i in corpus.inspections.values()} == {"hmip-youth-2018", "hmip-youth-2021"}
    for plan in corpus.action_plans.values():
        assert len(plan.actions) == 20
        assert all(len(view.action.updates) == 12 for view in plan.actions)
    for meeting in corpus.meetings.values():
        papers = [item for item in meeting.items if item.appendices]
        assert 1 <= len(papers) <= 3
        kinds = {kind for item in papers for appendix in item.appendices for kind, _ in appendix.parts}
        assert {"inspection", "action_plan"} <= kinds
    assert 1300 <= stats["words_per_inspection"] <= 1700


def test_published_overall_scores_are_the_sum_of_the_standards(corpus30) -> None:
    root, _ = corpus30
    corpus = check_site(root, AS_OF).corpus
    for view in corpus.inspections.values():
        assert view.overall_score is not None
        assert view.overall_score == view.computed_score
        assert view.overall_rating == view.computed_overall


def test_pages_and_data_files_rendered_across_processes_equal_one_process(tmp_path: Path, corpus30) -> None:
    # At N = 30 the work (listings and data files weigh one page per inspection) is over the
    # threshold, so -j 2 forks workers that render pages and data files; -j 1 does not.
    from generator.build import BuildOptions, build_site
    from generator.clock import LONDON
    from generator import render
    root, _ = corpus30
    now = dt.datetime(2025, 6, 30, 23, 59, tzinfo=LONDON)
    trees = {}
    for jobs in (1, 2):
        out = tmp_path / f"j{jobs}" / "site"
        report = build_site(BuildOptions(root=root, output=out, now=now, pdf=False, search=False,
                                         jobs=jobs))
        assert report.ok and "data/inspections.json" in report.rendered
        trees[jobs] = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    pages = [o for o in report.plan.outputs if o.kind not in ("pdf", "pack", "file", "asset", "search-index")]
    plan_work = sum(1 if o.subject is not None else 30 for o in pages)
    assert plan_work >= render.PARALLEL_THRESHOLD
    assert trees[1] == trees[2]


def test_the_bench_s_serve_edits_render_exactly_what_the_plan_says_reads_them(tmp_path: Path, corpus30,
                                                                             capsys) -> None:
    """bench/serve_edits.py times serve's builder; what it rendered is checked here against
    the plan's dependants (bench/dependants.py), as the bench's table shows them."""
    import json
    import shutil

    from bench.dependants import dependants
    from bench.serve_edits import main as serve_edits

    site = tmp_path / "site"
    shutil.copytree(corpus30[0] / "content", site / "content")
    assert serve_edits([str(site), "--as-of", AS_OF.isoformat()]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    iid = result["inspection"]
    text_dependants = dependants(site, [f"inspection:{iid}"], AS_OF)
    facts_dependants = dependants(site, [f"inspection:{iid}", f"inspection-listed:{iid}"], AS_OF)
    assert result["start"]["rendered"] > 30                  # a cold start renders the site
    assert result["first_change"]["rendered"] == result["saved_again"]["rendered"] == len(text_dependants)
    assert result["facts_changed"]["rendered"] == len(facts_dependants) > len(text_dependants)
    assert "data/inspections.json" in facts_dependants and "data/inspections.json" not in text_dependants

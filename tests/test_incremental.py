"""Incremental builds re-render exactly what changed: behaviour, not time.

A copy of the real content/ is built once (HTML only, no search index, a fixed date);
each test copies that built site, changes one thing, builds again through
`generator.build.build_site`, and compares the build's `rendered` list with the set of
outputs that should change, computed here independently of the build: from the plan's
recorded inputs (`generator.plan.plan_site`) for a record, and from the templates' own
{% extends/include/import/from %} references (jinja2.meta) for a template.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import jinja2
import pytest
from jinja2 import meta

from generator.build import BuildOptions, BuildReport, build_site
from generator.model.inspection import PROSE_FIELDS, DomainFindings, Inspection
from generator.model.types import LONDON
from generator.build import check_site
from generator.plan import outputs
from generator.plan.outputs import plan_site, report_inputs
from generator.render.data import render_data
from generator.render.html import make_environment, render_page
from edit_kinds import EDITS, THEME_TEMPLATES
from site_helpers import all_files, cold_build, replace_in_file
from site_helpers import build as build_in_place

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2025, 6, 30)
NOW = dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=LONDON)


def build(root: Path) -> BuildReport:
    options = BuildOptions(root=root, output=root / "output" / "site", now=NOW,
                           pdf=False, search=False, jobs=1)
    report = build_site(options)
    assert report.ok, [str(p) for p in report.checked.errors]
    return report


def planned_outputs(root: Path):
    checked = check_site(root, AS_OF)
    assert checked.corpus is not None and not checked.errors
    return plan_site(checked.corpus, NOW, pdf=False).outputs


def templates_using(name: str, root: Path) -> set[str]:
    """Page templates that extend, include or import `name`, directly or through others."""
    search = [str(root / "templates")] if (root / "templates").is_dir() else []
    env = jinja2.Environment(loader=jinja2.FileSystemLoader([*search, str(THEME_TEMPLATES)]))

    def references(template: str, seen: set[str]) -> set[str]:
        if template in seen:
            return seen
        seen.add(template)
        source = env.loader.get_source(env, template)[0]
        for child in meta.find_referenced_templates(env.parse(source)):
            if child:
                references(child, seen)
        return seen

    return {t for t in env.list_templates(extensions=["html"]) if name in references(t, set())}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The real content, built once."""
    root = tmp_path_factory.mktemp("built")
    shutil.copytree(REPO / "content", root / "content")
    report = build(root)
    assert report.rendered and not report.reused
    return root


@pytest.fixture
def site(built: Path, tmp_path: Path) -> Path:
    """A private copy of the built site (content, output and manifest) for one test."""
    root = tmp_path / "site"
    shutil.copytree(built, root)
    return root


def test_a_no_change_rebuild_renders_nothing(site: Path) -> None:
    report = build(site)
    assert report.rendered == [] and report.plan is None          # not even checked
    live = site / "output" / "site"
    assert sorted(report.reused) == sorted(p.relative_to(live).as_posix() for p in live.rglob("*") if p.is_file())


@pytest.mark.parametrize("old, new, listed", [
    # its prose: only what reads the whole record (its own page) ...
    ("Governance was not robust enough.", "Governance was not strong enough.", False),
    # ... anything else: also the listings, data files and pages linking to it
    ("lead_inspector: Maria Jerram", "lead_inspector: M. Jerram", True),
])
def test_changing_one_inspection_re_renders_exactly_the_outputs_that_read_it(
        site: Path, old: str, new: str, listed: bool) -> None:
    replace_in_file(site / "content" / "inspections" / "torbay-2021.yaml", old, new)
    read = {"inspection:torbay-2021", *(["inspection-listed:torbay-2021"] if listed else [])}
    expected = {o.path for o in planned_outputs(site) if read & set(o.inputs)}
    report = build(site)

    assert "inspections/torbay-2021/index.html" in expected
    assert "inspections/dudley-2019/index.html" not in expected
    assert ("data/inspections.json" in expected) is listed and ("inspections/index.html" in expected) is listed
    assert sorted(report.rendered) == sorted(expected)
    page = (site / "output" / "site" / "inspections" / "torbay-2021" / "index.html").read_text(encoding="utf-8")
    assert new.removeprefix("lead_inspector: ") in page


def test_changing_a_template_re_renders_exactly_the_pages_that_use_it(site: Path) -> None:
    theme_copy = (THEME_TEMPLATES / "_indicator.html").read_text(encoding="utf-8")
    changed = theme_copy.replace("and comparators", "and its comparators", 1)
    assert changed != theme_copy
    (site / "templates").mkdir(exist_ok=True)
    (site / "templates" / "_indicator.html").write_text(changed, encoding="utf-8")

    using = templates_using("_indicator.html", site)
    expected = {o.path for o in planned_outputs(site) if o.template in using}
    report = build(site)

    assert "service.html" in using and "inspection.html" not in using
    assert {p for p in expected if p.startswith("services/") and p != "services/index.html"}
    assert all(p.startswith(("services/", "reports/")) for p in expected)
    assert sorted(report.rendered) == sorted(expected)
    page = (site / "output" / "site" / "services" / "dudley-yos" / "index.html").read_text(encoding="utf-8")
    assert "and its comparators" in page


def test_deleting_a_record_removes_its_outputs(site: Path) -> None:
    # A meeting no other record names (Dudley's: its plan's progress was reported to it).
    page = site / "output" / "site" / "meetings" / "wolverhampton-cabinet-2022-03-16" / "index.html"
    assert page.is_file()
    (site / "content" / "meetings" / "wolverhampton-cabinet-2022-03-16.yaml").unlink()

    report = build(site)

    assert not page.exists()
    assert not page.parent.exists()
    assert "meetings/wolverhampton-cabinet-2022-03-16/index.html" in report.removed
    assert "meetings/wolverhampton-cabinet-2022-03-16/index.html" not in report.rendered
    assert "meetings/index.html" in report.rendered


def test_a_new_version_of_the_tool_renders_everything_again(site: Path, monkeypatch) -> None:
    # Between two commits the version number may not change; the code does. Pages made by
    # the old code must not be kept (as if a fix to a template filter never reached them).
    from generator import fingerprint
    monkeypatch.setattr(fingerprint, "tool_digest", lambda: "another-version-of-the-tool")
    report = build(site)
    assert report.reused == []
    assert sorted(report.rendered) == sorted(o.path for o in report.plan.outputs)


def test_an_edit_that_keeps_the_size_and_the_modification_time_is_still_seen(site: Path) -> None:
    # Restoring the old modification time after an edit of the same length must not hide
    # it: a build compares what files hold, not their times.
    import os
    import time

    other = site / "content" / "inspections" / "dudley-2019.yaml"
    other.write_text(other.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    build(site)                                         # records this copy's files (sizes, times, inodes)

    path = site / "content" / "inspections" / "torbay-2021.yaml"
    before = path.stat()
    time.sleep(0.01)
    text = path.read_text(encoding="utf-8")
    changed = text.replace("Governance was not robust enough.", "Governance was not strong enough.", 1)
    assert changed != text and len(changed.encode()) == len(text.encode())
    path.write_text(changed, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns

    report = build(site)
    assert "inspections/torbay-2021/index.html" in report.rendered
    page = (site / "output" / "site" / "inspections" / "torbay-2021" / "index.html").read_text(encoding="utf-8")
    assert "Governance was not strong enough." in page


# --- whatever changed, an incremental build makes the site a cold build would make ------------

def assert_same_as_cold(root: Path, what: str, scratch: Path, pdf: bool) -> None:
    """Apply the edit, build incrementally, and compare with a cold build of the same content."""
    EDITS[what](root)
    later = NOW + dt.timedelta(days=400) if what == "nothing but the date" else NOW
    options = dict(now=later, pdf=pdf, jobs=2 if pdf else 1)
    report = build_in_place(root, **options)
    assert report.rendered, what
    incremental, fresh = all_files(root / "output" / "site"), cold_build(root, scratch, **options)
    assert sorted(incremental) == sorted(fresh), what
    assert [path for path in fresh if incremental[path] != fresh[path]] == [], what


@pytest.mark.parametrize("what", EDITS)
def test_after_each_kind_of_edit_the_site_is_the_one_a_cold_build_makes(what: str, site: Path, tmp_path: Path) -> None:
    """The outputs a change reaches are found from the manifest's keys: an input an output
    reads but does not name (as the sitemap's pages, or the build date in a footer and in
    inspections.json, were) would leave that output stale. A cold build is the reference."""
    assert_same_as_cold(site, what, tmp_path, pdf=False)


@pytest.fixture(scope="module")
def built_with_papers(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("papers")
    shutil.copytree(REPO / "content", root / "content")
    options = dict(now=NOW, pdf=True, search=False, jobs=2)
    assert build_site(BuildOptions(root=root, output=root / "output" / "site", **options)).ok
    return root


@pytest.mark.parametrize("what", ["a council's name", "a progress note", "an agenda item's title",
                                  "a Markdown appendix", "nothing but the date"])
def test_papers_and_packs_too_are_what_a_cold_build_makes(what: str, built_with_papers: Path, tmp_path: Path) -> None:
    root = tmp_path / "site"
    shutil.copytree(built_with_papers, root)
    assert_same_as_cold(root, what, tmp_path, pdf=True)


# --- pages that read an inspection's listing facts only ------------------------------------

def with_marked_prose(corpus):
    """The corpus with each inspection's long-form text (PROSE_FIELDS) replaced by a word
    that names it: where that word shows, the inspection's prose shows."""
    inspections = {}
    for iid, view in corpus.inspections.items():
        mark = f"Prosemark{iid.replace('-', '')}"
        findings = {number: DomainFindings(summary=mark, strengths=[mark], areas_for_improvement=[mark])
                    for number in (d.number for d in view.domains)}
        model = view.inspection.model_copy(update={"introduction": mark, "domains": findings})
        domains = tuple(replace(d, findings=findings[d.number]) for d in view.domains)
        inspections[iid] = replace(view, inspection=model, domains=domains)
    return replace(corpus, inspections=MappingProxyType(inspections))


def test_an_output_that_reads_only_an_inspection_s_listing_facts_never_shows_its_prose() -> None:
    """An output naming `inspection-listed:X` but not `inspection:X` is not rendered again when
    X's introduction or domain findings change (generator/model/inspection.py, PROSE_FIELDS):
    it must not show them. Every such output of the real content is rendered here with each
    inspection's prose marked, and searched for the mark."""
    checked = check_site(REPO, AS_OF)
    assert checked.corpus is not None and not checked.errors
    plan = plan_site(with_marked_prose(checked.corpus), NOW, pdf=False)
    for section in PROSE_FIELDS:
        assert section in Inspection.model_fields
    env = make_environment(checked.files.templates)
    listed_only = 0
    for output in plan.outputs:
        listed = {key.removeprefix("inspection-listed:") for key in output.inputs
                  if key.startswith("inspection-listed:")}
        read_whole = {key.removeprefix("inspection:") for key in output.inputs if key.startswith("inspection:")}
        pieces = render_data(plan, output.path) if output.kind == "data" else [render_page(env, plan, output)]
        text = b"".join(pieces).decode("utf-8", "replace")
        for iid in listed - read_whole:
            listed_only += 1
            assert f"Prosemark{iid.replace('-', '')}" not in text, (output.path, iid)
        for iid in read_whole & {output.subject}:          # and the mark does reach a page that shows it
            assert f"Prosemark{iid.replace('-', '')}" in text, output.path
    assert listed_only > 20


# --- an item released while its papers are also another item's ------------------------------

ITEMS_SHARING_PAPERS = """\
  - number: 6
    title: Peer review (embargoed)
    embargo_until: "2025-03-10 12:00"
    appendices:
      - {title: Peer review summary, markdown: attachments/torbay-peer-review.md}
  - number: 7
    title: Peer review, second look
    appendices:
      - {title: Peer review summary again, markdown: attachments/torbay-peer-review.md}
"""
BEFORE, AFTER = (dt.datetime(2025, 3, 10, hour, tzinfo=LONDON) for hour in (9, 15))


@pytest.mark.parametrize("first, then", [(BEFORE, AFTER), (AFTER, BEFORE)], ids=["released", "back to embargoed"])
def test_an_item_whose_papers_are_also_another_s_is_shown_as_at_the_moment(tmp_path, first, then) -> None:
    """Item 6's only appendix is item 7's too, so no digest it names changes when its embargo
    ends: the meeting's page and pack must still be made again, as a cold build makes them.
    (The pack is issued on the day the embargo ends, so it carries item 6 once released.)"""
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    meeting = root / "content" / "meetings" / "dudley-csc-2021-03-17.yaml"
    text = meeting.read_text(encoding="utf-8").replace("pack: agenda\n", "pack: agenda\nissued: 2025-03-10\n", 1)
    meeting.write_text(text + ITEMS_SHARING_PAPERS, encoding="utf-8")
    build_in_place(root, now=first)
    build_in_place(root, now=then)
    page = "meetings/dudley-csc-2021-03-17/index.html"
    assert all_files(root / "output" / "site")[page] == cold_build(root, tmp_path, now=then)[page]

    corpus = check_site(root, then.date()).corpus
    packs = {moment: next(o for o in plan_site(corpus, moment).outputs
                          if o.path.endswith("dudley-csc-2021-03-17-agenda-pack.pdf")) for moment in (first, then)}
    assert packs[first].inputs != packs[then].inputs


def test_a_reports_page_reads_its_indicators_whatever_the_day_but_its_paper_as_at_its_issue():
    """A paper leaves out the periods that end after its day, so its key names that day; the
    page shows every period, so a report whose only dated block is an indicator table is not
    made again every day (helper-46)."""
    corpus = check_site(REPO, dt.date(2026, 12, 5)).corpus
    rid = "dudley-yos-action-plan-update"
    view = corpus.reports[rid]
    indicators_only = replace(view, front=view.front.model_copy(update={"action_plan": None}))
    corpus = replace(corpus, reports=MappingProxyType({**corpus.reports, rid: indicators_only}))
    assert "indicators:dudley-yos" in report_inputs(corpus, rid) and outputs.AS_OF not in report_inputs(corpus, rid)
    assert "as-at:2021-03-11" in report_inputs(corpus, rid, "as-at:2021-03-11")


def test_a_previews_paper_with_an_indicator_table_reads_the_build_s_day():
    """A preview's paper (--drafts, a later --as-of) is as at the build's day, not its issue:
    it leaves out the periods ended after that day, so a preview built on a later day makes
    it again (the page, showing every period, still does not read the day)."""
    corpus = check_site(REPO, dt.date(2026, 12, 5)).corpus
    rid = "dudley-yos-action-plan-update"
    view = corpus.reports[rid]
    indicators_only = replace(view, front=view.front.model_copy(update={"action_plan": None}))
    corpus = replace(corpus, reports=MappingProxyType({**corpus.reports, rid: indicators_only}))
    now = dt.datetime(2026, 12, 5, 12, tzinfo=LONDON)
    planned = plan_site(corpus, now, preview=True, papers_as_of=now.date()).by_path()
    assert outputs.AS_OF in planned[f"reports/{rid}/{rid}.pdf"].inputs
    assert outputs.AS_OF not in planned[f"reports/{rid}/index.html"].inputs

"""Nothing leaks: drafts and embargoed records reach no output file, in any form."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from leak_helpers import SENTINEL, files_containing, plant_embargoed_inspection
from site_helpers import AS_OF, build, copy_site

def test_a_record_embargoed_until_tomorrow_appears_nowhere_in_the_site(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    report = build(root, search=True)
    site = root / "output/site"
    assert files_containing(site, SENTINEL) == []
    assert files_containing(site, "torbay-2026") == []          # not even its id, in any listing or index
    withheld = {(w.kind, w.id) for w in report.plan.withheld}
    assert {("inspection", "torbay-2026"), ("action_plan", "torbay-2026-plan")} <= withheld


def test_after_the_embargo_it_appears_everywhere_it_should(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    build(root, now=AS_OF + dt.timedelta(days=2), search=True)
    hits = set(files_containing(root / "output/site", SENTINEL))
    assert {"inspections/torbay-2026/index.html", "action-plans/torbay-2026-plan/index.html",
            "data/inspections.json"} <= hits
    assert any(h.startswith("pagefind/") for h in hits), "the search index holds the released record"
    listing = (root / "output/site/inspections/index.html").read_text()
    assert "inspections/torbay-2026/index.html" in listing


def test_a_draft_appears_nowhere_however_late_the_build(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF - dt.timedelta(days=30), status="draft")
    build(root, now=AS_OF + dt.timedelta(days=365), search=True)
    assert files_containing(root / "output/site", SENTINEL) == []


def test_an_agenda_item_whose_appendix_is_embargoed_is_listed_to_follow_without_papers(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF + dt.timedelta(days=1))
    (root / "content/meetings/torbay-cyp-osb-2026-12-07.yaml").write_text("""\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2026-12-07
items:
  - number: 5
    title: Youth Offending Team re-inspection
    appendices:
      - {title: Inspection report, inspection: torbay-2026}
""")
    build(root, search=True)
    page = (root / "output/site/meetings/torbay-cyp-osb-2026-12-07/index.html").read_text()
    assert "Youth Offending Team re-inspection" in page and "To follow" in page
    assert "torbay-2026/" not in page
    assert files_containing(root / "output/site", SENTINEL) == []


def test_an_inspection_published_after_today_without_an_embargo_appears_nowhere_until_that_day(tmp_path):
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF, published=dt.date(2026, 11, 23))   # HMIP publishes it on 23 November
    record = root / "content/inspections/torbay-2026.yaml"
    record.write_text("".join(line for line in record.read_text().splitlines(keepends=True)
                              if not line.startswith("embargo_until:")))
    report = build(root, now=AS_OF, search=True)          # 22 November: the day before it is published
    assert files_containing(root / "output/site", SENTINEL) == []
    assert files_containing(root / "output/site", "torbay-2026") == []
    assert {("inspection", "torbay-2026"), ("action_plan", "torbay-2026-plan")} <= \
        {(w.kind, w.id) for w in report.plan.withheld}
    warned = [p for p in report.checked.problems if p.path.endswith("torbay-2026.yaml") and "after today" in p.message]
    assert len(warned) == 1 and warned[0].line == 4       # at its `published:` line
    build(root, now=dt.datetime(2026, 11, 23, 0, 0, tzinfo=AS_OF.tzinfo))
    assert (root / "output/site/inspections/torbay-2026/index.html").exists()
    assert (root / "output/site/action-plans/torbay-2026-plan/index.html").exists()
    data = json.loads((root / "output/site/data/inspections.json").read_text())
    rows = data if isinstance(data, list) else data["inspections"]
    assert [r["embargo_until"] for r in rows if r["id"] == "torbay-2026"] == [None]   # none was written


def test_an_indicator_figure_is_on_no_page_before_its_source_publishes_it_and_on_them_from_that_day(tmp_path):
    """A YOS manager types in a custody rate the YJB publishes on 1 December (pre-release
    access): the service page and the report's indicator table showed it on 22 November, since a
    page showed every figure typed. Until its `published` day it is on no page; that day's build
    (the same folder, nothing else changed) adds it to both."""
    root = copy_site(tmp_path)
    with (root / "content/indicators/dudley-yos.yaml").open("a", encoding="utf-8") as indicators:
        indicators.write("  - period: {from: 2025-10, to: 2026-09}\n    value: 0.83\n"
                         "    comparators: {yot_family: 0.57}\n    published: 2026-12-01\n")
    build(root, now=AS_OF)                                   # 22 November
    site = root / "output/site"
    pages = ["services/dudley-yos/index.html", "reports/dudley-yos-action-plan-update/index.html"]
    assert files_containing(site, "Oct 2025-Sep 2026") == [] and files_containing(site, "0.83") == []
    build(root, now=dt.datetime(2026, 12, 1, 9, 30, tzinfo=AS_OF.tzinfo))
    for page in pages:
        text = (site / page).read_text(encoding="utf-8")
        assert "Oct 2025-Sep 2026: Dudley YOS 0.83, YOT family 0.57" in text, page


def test_an_inspection_published_in_a_month_not_yet_ended_without_an_embargo_waits_for_the_month_s_end(tmp_path):
    # A record that says only "published: November 2026" does not say HMIP's day: the report may
    # come out on the 30th, so nothing of it is public until 1 December (helper-127: from 1 November).
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, AS_OF, published=dt.date(2026, 11, 23))
    record = root / "content/inspections/torbay-2026.yaml"
    record.write_text("".join(line.replace("published: 2026-11-23", "published: 2026-11")
                              for line in record.read_text().splitlines(keepends=True)
                              if not line.startswith("embargo_until:")))
    report = build(root, now=dt.datetime(2026, 11, 30, 23, 59, tzinfo=AS_OF.tzinfo))
    assert files_containing(root / "output/site", SENTINEL) == []
    assert {("inspection", "torbay-2026"), ("action_plan", "torbay-2026-plan")} <= \
        {(w.kind, w.id) for w in report.plan.withheld}
    warned = [p.message for p in report.checked.problems if p.path.endswith("torbay-2026.yaml") and p.line == 4]
    assert warned == ["2026-11 has not ended: nothing of the inspection is public before 1 December 2026"]
    build(root, now=dt.datetime(2026, 12, 1, 0, 0, tzinfo=AS_OF.tzinfo))
    assert (root / "output/site/inspections/torbay-2026/index.html").exists()


@pytest.mark.parametrize("offset_minutes, public", [(-1, False), (1, True)])
def test_the_embargo_lifts_at_the_minute_it_names(tmp_path, offset_minutes, public):
    root = copy_site(tmp_path)
    until = dt.datetime(2026, 11, 23, 0, 1, tzinfo=AS_OF.tzinfo)
    plant_embargoed_inspection(root, until)
    build(root, now=until + dt.timedelta(minutes=offset_minutes))
    assert (root / "output/site/inspections/torbay-2026/index.html").exists() is public


def test_an_unchanged_rebuild_skips_work_until_an_embargo_ends_the_same_day(tmp_path):
    root = copy_site(tmp_path)
    morning = AS_OF.replace(hour=9)
    plant_embargoed_inspection(root, morning.replace(hour=12, minute=1))
    build(root, now=morning)
    manifest = (root / "output/.manifests/site.json").read_text()
    assert "12:01" not in manifest and "torbay-2026" not in manifest      # it may be served beside a site
    checked = build(root, now=morning.replace(hour=11))          # the manifest does not say when the embargo ends
    assert checked.plan is not None and checked.rendered == []   # so the build checks, and renders nothing
    assert not (root / "output/site/inspections/torbay-2026/index.html").exists()
    released = build(root, now=morning.replace(hour=13))       # same day, but the embargo has ended
    assert released.plan is not None
    assert (root / "output/site/inspections/torbay-2026/index.html").exists()
    quiet = build(root, now=morning.replace(hour=14))          # no embargo ends later that day
    assert quiet.plan is None and quiet.rendered == []          # nothing changed: nothing parsed or rendered
    edited = root / "content/inspections/sandwell-2018.yaml"
    edited.write_text(edited.read_text() + "\n")                 # any change to an input is seen
    assert build(root, now=morning.replace(hour=15)).plan is not None


@pytest.mark.parametrize("word, public", [("Draft", False), ("DRAFT ", False), ("Published", True)])
def test_a_status_is_read_in_any_case(tmp_path, make_site, word, public):
    from generator.build import check_site
    from generator.plan.publication import public_corpus

    record = f"service: torbay-yot\nframework: hmip-youth-2021\npublished: 2025-02-24\nstatus: {word}\n"
    checked = check_site(make_site(tmp_path, {"inspections/torbay-2025.yaml": record}), dt.date(2025, 3, 1))
    assert not checked.errors, [str(p) for p in checked.errors]
    now = dt.datetime(2025, 3, 1, 12, tzinfo=dt.timezone.utc)
    assert ("torbay-2025" in public_corpus(checked.corpus, now)[0].inspections) is public


def test_withdrawn_is_not_a_status_and_the_error_says_how_to_withdraw(tmp_path, make_site, run_cli):
    record = "service: torbay-yot\nframework: hmip-youth-2021\npublished: 2025-02-24\nstatus: withdrawn\n"
    result = run_cli("check", root=make_site(tmp_path, {"inspections/torbay-2025.yaml": record}))
    assert result.exit_code == 1
    assert ("content/inspections/torbay-2025.yaml:4:9: error: status: 'withdrawn' is not a status "
            "(draft (not public: to withdraw a published record, make it a draft) or published)") in result.output


def test_an_embargo_that_ends_before_the_publication_day_holds_the_inspection_until_that_day(tmp_path):
    # The record says HMIP publishes it on 23 November 2026; its embargo, typed 20 November, ends
    # three days before: a slip. Nothing is public before 23 November, and check says why.
    root = copy_site(tmp_path)
    plant_embargoed_inspection(root, dt.datetime(2026, 11, 20, 9, 30, tzinfo=AS_OF.tzinfo), published=dt.date(2026, 11, 23))
    report = build(root, now=dt.datetime(2026, 11, 22, 23, 59, tzinfo=AS_OF.tzinfo))
    assert files_containing(root / "output/site", SENTINEL) == []
    warned = [p for p in report.checked.problems if p.path.endswith("torbay-2026.yaml") and "embargo ends before" in p.message]
    assert len(warned) == 1 and warned[0].line == 6      # at its `embargo_until:` line
    build(root, now=dt.datetime(2026, 11, 23, 0, 0, tzinfo=AS_OF.tzinfo))
    assert (root / "output/site/inspections/torbay-2026/index.html").exists()

"""A progress update whose source gives no day: `reported_to: <meeting>` (docs/content-format.md).

Dudley's report to its Children's Services Scrutiny Committee of 17 March 2021 (shared
reference: dudley-scrutiny-report-2021-03.txt, paragraph 18) gives the action plan's progress
as at the report, with no day: twelve items "have been implemented", and the Health Review "is
now being implemented". The meeting's pack records no `issued`, so its papers are as at five
clear days before the meeting, 11 March 2021: a day counted, never printed.
"""

from __future__ import annotations

import datetime as dt
import re

from generator.authoring.spreadsheet import merged_with_replaced
from generator.build import check_site
from generator.model import ActionPlan
from generator.plan.issue import action_plan_as_at
from site_helpers import REPO, build, copy_site, flat, pdf_texts, replace_in_file

PLAN = "dudley-2019-progress"
MEETING = "content/meetings/dudley-csc-2021-03-17.yaml"
REPORTED = "as reported to Children's Services Scrutiny Committee, 17th March 2021"   # Dudley's ordinal days
COUNTED = re.compile(r"\b11(th)? March 2021")


def test_progress_reported_to_a_meeting_counts_from_the_day_its_papers_are_issued():
    """The papers for 17 March are issued by 11 March: a paper (or the site) as at 10 March has
    no progress yet; one as at 11 March has all of paragraph 18's: 12 complete, 1 green (A2)."""
    corpus = check_site(REPO, dt.date(2021, 3, 11)).corpus
    view = corpus.action_plans[PLAN]
    before, on_the_day = view.as_at(dt.date(2021, 3, 10)), view.as_at(dt.date(2021, 3, 11))
    assert dict(before.counts)["not recorded"] == 13
    assert {k: v for k, v in on_the_day.counts.items() if v} == {"green": 1, "complete": 12}
    assert [a.action.id for a in on_the_day.actions if a.status and a.status.value == "green"] == ["A2"]
    assert action_plan_as_at(corpus, PLAN) == dt.date(2021, 3, 11)
    # what pages and papers print: the meeting, not the day counted from it
    assert (on_the_day.reported_as_at(dt.date(2021, 3, 11)).committee,
            on_the_day.reported_as_at(dt.date(2021, 3, 11)).date) == ("Children's Services Scrutiny Committee",
                                                                      dt.date(2021, 3, 17))
    assert on_the_day.actions[1].latest_date is None
    assert on_the_day.reported_as_at(dt.date(2021, 3, 12)) is None        # a later paper is "as at" its own day
    # the site as of 10 March, before the papers were issued, counts none of it
    assert dict(check_site(REPO, dt.date(2021, 3, 10)).corpus.action_plans[PLAN].counts)["not recorded"] == 13


def test_no_page_or_paper_prints_the_counted_day(tmp_path):
    """The plan's paper, the report and the pack used to print "(11th March 2021)" on every row and
    "progress as at 11th March 2021": a day no source gives."""
    root = copy_site(tmp_path)
    build(root, pdf=True)
    site = root / "output" / "site"
    pages = {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    papers = {p.relative_to(site).as_posix(): flat("\n".join(pdf_texts(p))) for p in site.rglob("*.pdf")}
    assert [path for path, text in {**pages, **papers}.items() if COUNTED.search(text)] == []
    plan = papers[f"action-plans/{PLAN}/{PLAN}.pdf"]
    assert f"Progress {REPORTED}: 1 green, 12 complete; 0 overdue." in plan
    for paper in ("reports/dudley-yos-action-plan-update/dudley-yos-action-plan-update.pdf",
                  "meetings/dudley-csc-2021-03-17/dudley-csc-2021-03-17-agenda-pack.pdf"):
        assert f"Youth Offending Service inspection action plan: progress {REPORTED}" in papers[paper], paper
    history = pages[f"action-plans/{PLAN}/index.html"]
    assert history.count("As reported to Children&#39;s Services Scrutiny Committee, 17 March 2021") == 13


def test_progress_reported_to_a_meeting_not_public_is_not_on_the_site(tmp_path):
    """Its papers are not public, so neither is the progress reported in them: a draft meeting
    keeps Dudley's paragraph 18 off the plan's page, and a drafts preview shows it."""
    root = copy_site(tmp_path)
    replace_in_file(root / MEETING, "status: published", "status: draft")
    build(root)
    page = (root / "output/site/action-plans" / PLAN / "index.html").read_text(encoding="utf-8")
    assert "Implementation is under way" not in page and "No progress updates are recorded yet." in page
    preview = tmp_path / "preview"
    build(root, output=preview, drafts=True)
    assert "Implementation is under way" in (preview / "action-plans" / PLAN / "index.html").read_text(encoding="utf-8")


def test_importing_over_a_plan_keeps_its_updates_reported_to_a_meeting():
    """`scrutiny import action-plan --force` read each kept update's day, and had none to read."""
    replaced = ActionPlan(inspection="dudley-2019", title="Plan", actions=[
        {"id": "A1", "action": "Implement the Health Review",
         "updates": [{"reported_to": "dudley-csc-2021-03-17", "rag": "green", "note": "Under way."}]}])
    sheet = [{"id": "A1", "action": "Implement the Health Review",
              "updates": [{"date": "2021-06-30", "rag": "complete"}]}]
    merged, _ = merged_with_replaced(sheet, replaced, dt.date(2021, 6, 30))
    assert merged[0]["updates"] == [{"reported_to": "dudley-csc-2021-03-17", "rag": "green", "note": "Under way."},
                                    {"date": "2021-06-30", "rag": "complete"}]


ITEM_5 = "    report: dudley-yos-action-plan-update\n"


def _pack_text(root, run_cli, tmp_path) -> str:
    out = tmp_path / "pack.pdf"
    result = run_cli("pack", "dudley-csc-2021-03-17", "-o", str(out), root=root)
    assert result.exit_code == 0, result.output
    return flat("\n".join(pdf_texts(out)))


def test_a_pack_with_no_issued_day_says_progress_as_at_the_day_its_updates_give(tmp_path, run_cli):
    """Progress dated 26 February in a pack issued on no recorded day (the papers are as at 11 March,
    counted from the clear days): its report and the plan appended to it said "progress as at 11th
    March 2021", a day no source gives; they say the updates' own day. With `issued`, that day."""
    root = copy_site(tmp_path / "site")
    plan = root / f"content/action-plans/{PLAN}.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("{reported_to: dudley-csc-2021-03-17, ",
                                                             "{date: 2021-02-26, "), encoding="utf-8")
    replace_in_file(root / MEETING, ITEM_5, ITEM_5 + f"    appendices: [{{title: Action plan, action_plan: {PLAN}}}]\n")
    text = _pack_text(root, run_cli, tmp_path)
    assert not COUNTED.search(text)
    assert "Youth Offending Service inspection action plan: progress as at 26th February 2021" in text   # the report
    assert "Progress as at 26th February 2021: 1 green, 12 complete; 0 overdue when this paper was issued." in text
    assert "actions, with their latest progress (as at 26th February 2021; overdue when this paper was issued)" in text

    replace_in_file(root / MEETING, "date: 2021-03-17\n", "date: 2021-03-17\nissued: 2021-03-09\n")
    text = _pack_text(root, run_cli, tmp_path)
    assert "Youth Offending Service inspection action plan: progress as at 9th March 2021" in text
    assert "Progress as at 9th March 2021: 1 green, 12 complete; 0 overdue." in text
    assert "actions, with their latest progress (overdue as at 9th March 2021)" in text

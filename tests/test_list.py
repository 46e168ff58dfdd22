"""`scrutiny list drafts|embargoed|overdue`: what is held back, until when, and what is overdue."""

from __future__ import annotations

import json
import re

import pytest

SITE = {
    # public from 2021-03-03 00:01 (HMIP's usual embargo), with a plan that waits for it
    "inspections/torbay-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-03-03\n"
                                    "embargo_until: 2021-03-03 00:01\n",
    "action-plans/torbay-2021-oocd.yaml": """\
inspection: torbay-2021
title: OOCD improvement plan
embargo_until: 2021-03-01
actions:
  - {id: A1, action: Working group, due: 2021-07}
  - id: A2
    action: Assess every child
    due: 2021-06-30
    updates: [{date: 2021-06-20, rag: complete}]
  - {id: A3, action: Victims contacted, due: 2021-09}
  - id: A10
    action: Leaflet
    due: 2021-07-31
    updates: [{date: 2021-06-01, rag: red, note: Not started yet}]
  - id: A4
    action: Panel membership
    due: 2021-05-31
    updates: [{date: 2021-04-01, rag: green}, {date: 2021-05-20, rag: amber}]
""",
    # public, with an overdue action of its own
    "inspections/dudley-2019.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2019-09-01\n",
    "action-plans/dudley-2019-plan.yaml": """\
inspection: dudley-2019
title: Dudley plan
actions:
  - id: B1
    action: Education protocol
    due: 2021-07-15
    updates: [{date: 2021-06-01, rag: green}]
""",
    # embargoed later
    "inspections/sandwell-2021.yaml": "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-04-01\n"
                                      "embargo_until: 2021-04-01\n",
    # drafts: an inspection (and its plan, which waits for it), and a report
    "inspections/torbay-2024.yaml": "service: torbay-yot\nframework: hmip-youth-2021\nstatus: draft\n",
    "action-plans/torbay-2024-plan.yaml": "inspection: torbay-2024\ntitle: Next plan\n"
                                          "actions: [{id: A1, action: Something, due: 2021-01}]\n",
    "reports/yot-update.md": "---\ncouncil: torbay\ntitle: YOT update\ndate: 2021-03-01\nstatus: draft\n---\nText.\n",
    # an agenda item embargoed until the morning of the 3rd
    "meetings/torbay-board-2021-03-01.yaml": """\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
items:
  - {number: 8, title: Minutes}
  - {number: 9, title: Review of the Youth Offending Team, embargo_until: "2021-03-03 09:30"}
""",
}


@pytest.fixture
def listing(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, SITE)
    assert run_cli("check", root=root).exit_code == 0
    return lambda *args: run_cli("list", *args, root=root)


def rows(output: str) -> list[list[str]]:
    """The table under the header line, split on runs of two or more spaces."""
    lines = output.strip().split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(("KIND", "RELEASE", "PLAN")))
    return [re.split(r"\s{2,}", line.strip()) for line in lines[start + 1:]]


def test_embargoed_names_the_next_release_first_and_lists_by_release_time(listing):
    result = listing("embargoed", "--as-of", "2021-03-01 12:00")
    assert result.exit_code == 0, result.output
    first = result.stdout.split("\n")[0]
    assert first == "next release: 2021-03-03 00:01 (torbay-2021, torbay-2021-oocd)"
    assert [(r[0], r[1], r[2]) for r in rows(result.stdout)] == [
        ("2021-03-03 00:01", "inspection", "torbay-2021"),
        ("2021-03-03 00:01", "action plan", "torbay-2021-oocd"),       # its own embargo ended; it waits
        ("2021-03-03 09:30", "agenda item", "torbay-board-2021-03-01 item 9"),
        ("2021-04-01 00:00", "inspection", "sandwell-2021"),
    ]
    reasons = {r[2]: r[3] for r in rows(result.stdout)}
    assert reasons["torbay-2021"] == "embargoed until 2021-03-03 00:01"
    assert reasons["torbay-2021-oocd"] == "waits for torbay-2021"


def test_a_record_released_with_several_others_is_not_said_to_wait_for_each_of_them(tmp_path, make_site, run_cli):
    # helper-63: a report embargoed to the same minute as the inspection made the plan "wait for"
    # the report too, which it does not name.
    report = "---\ncouncil: torbay\ntitle: YOT update\ndate: 2021-03-01\nembargo_until: 2021-03-03 00:01\n---\nText.\n"
    root = make_site(tmp_path, {**SITE, "reports/yot-update.md": report})
    result = run_cli("list", "embargoed", "--as-of", "2021-03-01 12:00", root=root)
    reasons = {r[2]: r[3] for r in rows(result.stdout)}
    assert reasons["yot-update"] == "embargoed until 2021-03-03 00:01"
    assert reasons["torbay-2021-oocd"] == "waits for one or more of torbay-2021, yot-update"


def test_an_inspection_held_back_by_its_publication_day_says_so_not_that_it_is_embargoed(tmp_path, make_site,
                                                                                        run_cli):
    # Its record has no embargo_until: "embargoed until" sent the clerk looking for a line there is none of.
    # A month given alone holds it until the month has ended; an embargo typed before the day
    # given holds it until that day, and the reason names the day, not the embargo.
    held = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-05\n"
    early = "service: torbay-yot\nframework: hmip-youth-2018\npublished: 2021-04-20\nembargo_until: 2021-04-19 09:30\n"
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2021-revisit.yaml": held,
                                "inspections/torbay-2021-second.yaml": early})
    result = run_cli("list", "embargoed", "--as-of", "2021-03-01 12:00", root=root)
    reasons = {r[2]: (r[0], r[3]) for r in rows(result.stdout)}
    assert reasons["torbay-2021-revisit"] == ("2021-06-01 00:00", "published 2021-05: not public before the month has ended")
    assert reasons["torbay-2021-second"] == ("2021-04-20 00:00", "published 2021-04-20: not public before that day")
    assert reasons["torbay-2021"] == ("2021-03-03 00:01", "embargoed until 2021-03-03 00:01")


def test_embargoed_moves_on_as_time_passes(listing):
    result = listing("embargoed", "--as-of", "2021-03-03 00:01")
    assert result.stdout.split("\n")[0] == "next release: 2021-03-03 09:30 (torbay-board-2021-03-01 item 9)"
    assert "torbay-2021 " not in result.stdout
    assert listing("embargoed", "--as-of", "2021-04-01").stdout.strip() == "nothing is embargoed"


def test_embargoed_as_json(listing):
    data = json.loads(listing("embargoed", "--as-of", "2021-03-01", "--format", "json").stdout)
    assert data["list"] == "embargoed"
    assert data["next_release"]["local"] == "2021-03-03 00:01"
    assert data["next_release"]["at"] == "2021-03-03T00:01:00+00:00"
    assert data["next_release"]["ids"] == ["torbay-2021", "torbay-2021-oocd"]
    assert [i["id"] for i in data["items"]][:2] == ["torbay-2021", "torbay-2021-oocd"]
    assert data["items"][0]["path"] == "content/inspections/torbay-2021.yaml"


def test_the_next_release_is_when_a_build_first_publishes_it(tmp_path, make_site, run_cli):
    root = make_site(tmp_path, {k: v for k, v in SITE.items() if "torbay-2021" in k})
    listed = json.loads(run_cli("list", "embargoed", "--as-of", "2021-03-01", "--format", "json",
                                root=root).stdout)
    release = listed["next_release"]["local"]
    page = root / "output/site/inspections/torbay-2021/index.html"
    assert run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", "2021-03-03 00:00", root=root).exit_code == 0
    assert not page.exists()
    assert run_cli("build", "--no-pdf", "--no-search", "-q", "--as-of", release, root=root).exit_code == 0
    assert page.exists()
    assert (root / "output/site/action-plans/torbay-2021-oocd/index.html").exists()


@pytest.mark.parametrize("until", ["9999-12-31 23:30-05:00", "0001-01-01 00:30+05:00"])
def test_an_embargo_beyond_the_calendar_on_a_london_clock_is_an_error_at_its_line(tmp_path, make_site, run_cli,
                                                                                  until):
    """It cannot be shown on a London clock (`list embargoed` said so with a traceback)."""
    record = ("service: torbay-yot\nframework: hmip-youth-2021\npublished: 2025-02-24\n"
              f'embargo_until: "{until}"\noverall: {{rating: Good}}\n')
    root = make_site(tmp_path, {"inspections/torbay-2025.yaml": record})
    checked = run_cli("check", root=root)
    assert checked.exit_code == 1
    assert re.search(r"content/inspections/torbay-2025\.yaml:4:\d+: error: embargo_until: .*beyond the calendar",
                     checked.output), checked.output
    listed = run_cli("list", "embargoed", root=root)
    assert listed.exit_code == 1 and "1 content error" in listed.output, listed.output
    assert isinstance(listed.exception, SystemExit), listed.exception       # not an OverflowError


def test_drafts_lists_drafts_and_what_waits_for_them(listing):
    result = listing("drafts", "--as-of", "2021-03-01")
    assert result.exit_code == 0, result.output
    table = rows(result.stdout)
    assert [(r[0], r[1], r[2]) for r in table] == [
        ("inspection", "torbay-2024", "content/inspections/torbay-2024.yaml"),
        ("report", "yot-update", "content/reports/yot-update.md"),
        ("action plan", "torbay-2024-plan", "content/action-plans/torbay-2024-plan.yaml"),
    ]
    assert table[0][3].startswith("draft")
    assert table[2][3] == "waits for inspection torbay-2024, which is withheld"
    assert "torbay-2021" not in result.stdout, "embargoed records are not drafts"


def test_a_draft_list_prints_a_moment_as_the_other_lists_do_and_what_comes_after_the_embargo(tmp_path, make_site,
                                                                                             run_cli):
    """The agenda item is embargoed until 09:30 and waits for a draft plan too: `list drafts`
    gave the build's reason, "embargoed until 03 March 2021 09:30", a format no other list or
    record uses, and not why a draft list names it."""
    meeting = SITE["meetings/torbay-board-2021-03-01.yaml"].replace(
        '"2021-03-03 09:30"}', '"2021-03-03 09:30",\n     appendices: [{title: Plan, action_plan: torbay-2024-plan}]}')
    root = make_site(tmp_path, {**SITE, "meetings/torbay-board-2021-03-01.yaml": meeting})

    result = run_cli("list", "drafts", "--as-of", "2021-03-01", root=root)

    assert result.exit_code == 0, result.output
    reasons = {r[1]: r[3] for r in rows(result.stdout)}
    assert reasons["torbay-board-2021-03-01 item 9"] == \
        "embargoed until 2021-03-03 09:30, then its papers depend on a withheld record"


def test_a_moment_in_the_hour_the_clocks_repeat_is_printed_with_its_zone_everywhere(tmp_path, make_site, run_cli):
    """As `list embargoed` prints it; the build's own reason (`scrutiny paper` refusing) said
    "25 October 2026 01:30 GMT"."""
    record = ("service: torbay-yot\nframework: hmip-youth-2021\npublished: 2026-10-25\n"
              'embargo_until: "2026-10-25 01:30"\noverall: {rating: Good}\n')
    root = make_site(tmp_path, {"inspections/torbay-2026.yaml": record})

    listed = run_cli("list", "embargoed", "--as-of", "2026-10-24", root=root)
    paper = run_cli("paper", "inspection", "torbay-2026", "--as-of", "2026-10-24", root=root)

    assert rows(listed.stdout) == [["2026-10-25 01:30 GMT", "inspection", "torbay-2026",
                                    "embargoed until 2026-10-25 01:30 GMT"]]
    assert "not public (embargoed until 2026-10-25 01:30 GMT)" in paper.output, paper.output


def test_drafts_as_json_and_when_there_are_none(listing, tmp_path, make_site, run_cli):
    data = json.loads(listing("drafts", "--format", "json").stdout)
    assert {(i["kind"], i["id"], i["draft"]) for i in data["items"]} == {
        ("inspection", "torbay-2024", True), ("report", "yot-update", True),
        ("action_plan", "torbay-2024-plan", False)}
    empty = make_site(tmp_path / "empty")
    assert run_cli("list", "drafts", root=empty).stdout.startswith("no drafts")


def test_overdue_lists_plan_action_due_and_status(listing):
    result = listing("overdue", "--as-of", "2021-08-01")
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n")[0] == "5 overdue actions in 3 plans as of 2021-08-01"
    assert [(r[0], r[1], r[2], r[3]) for r in rows(result.stdout)] == [     # by due date
        ("torbay-2024-plan (not public)", "A1", "2021-01", "not recorded"),  # a draft's plan
        ("torbay-2021-oocd", "A4", "2021-05-31", "amber"),                 # the latest update counts
        ("dudley-2019-plan", "B1", "2021-07-15", "green"),
        ("torbay-2021-oocd", "A1", "2021-07", "not recorded"),             # a month: due by 31 July
        ("torbay-2021-oocd", "A10", "2021-07-31", "red"),                  # A10 after A1
    ]


def test_overdue_lists_an_action_the_plan_says_has_not_started_as_not_started(tmp_path, make_site, run_cli):
    plan = ("inspection: dudley-2019\ntitle: Second plan\nactions:\n"
            "  - {id: C1, action: Train the staff, due: 2021-06-30, updates: [{date: 2021-04-01, rag: not started}]}\n")
    root = make_site(tmp_path, {**SITE, "action-plans/dudley-2019-second.yaml": plan})
    result = run_cli("list", "overdue", "--as-of", "2021-08-01", root=root)
    assert result.exit_code == 0, result.output
    assert ("dudley-2019-second", "C1", "2021-06-30", "not started", "Train the staff") in \
        [tuple(r) for r in rows(result.stdout)]


def test_a_due_month_is_overdue_only_after_its_last_day(listing):
    on_the_day = listing("overdue", "--as-of", "2021-07-31", "--format", "json")
    listed = [(i["plan"], i["action"]) for i in json.loads(on_the_day.stdout)["items"]]
    assert ("torbay-2021-oocd", "A1") not in listed and ("torbay-2021-oocd", "A10") not in listed
    after = json.loads(listing("overdue", "--as-of", "2021-08-01", "--format", "json").stdout)
    item = next(i for i in after["items"] if (i["plan"], i["action"]) == ("torbay-2021-oocd", "A1"))
    assert item == {"plan": "torbay-2021-oocd", "path": "content/action-plans/torbay-2021-oocd.yaml",
                    "action": "A1", "due": "2021-07", "status": "not recorded", "public": True,
                    "text": "Working group"}


def test_an_action_completed_after_the_day_asked_about_was_overdue_on_that_day(tmp_path, make_site, run_cli):
    # Due in June, red in April, complete only on 1 September: on 1 August it was overdue and red,
    # as a paper issued that day says; the September update had not been made.
    plan = ("inspection: dudley-2019\ntitle: Second plan\nactions:\n"
            "  - {id: C1, action: Train the staff, due: 2021-06-30,\n"
            "     updates: [{date: 2021-04-01, rag: red}, {date: 2021-09-01, rag: complete}]}\n")
    root = make_site(tmp_path, {**SITE, "action-plans/dudley-2019-second.yaml": plan})
    in_august = run_cli("list", "overdue", "--as-of", "2021-08-01", root=root)
    assert ("dudley-2019-second", "C1", "2021-06-30", "red", "Train the staff") in \
        [tuple(r) for r in rows(in_august.stdout)]
    in_october = run_cli("list", "overdue", "--as-of", "2021-10-01", root=root)
    assert "dudley-2019-second" not in in_october.stdout


def test_complete_and_not_yet_due_actions_are_not_overdue(listing):
    listed = json.loads(listing("overdue", "--as-of", "2021-08-01", "--format", "json").stdout)["items"]
    assert {i["action"] for i in listed}.isdisjoint({"A2", "A3"})
    assert "A4" not in listing("overdue", "--as-of", "2021-05-31").stdout      # due that day: not yet
    assert listing("overdue", "--as-of", "2020-12-01").stdout.strip() == "no overdue actions as of 2020-12-01"


def test_overdue_says_whether_a_plan_is_public_yet(listing):
    early = json.loads(listing("overdue", "--as-of", "2021-03-02", "--format", "json").stdout)["items"]
    assert [(i["plan"], i["public"]) for i in early] == [("torbay-2024-plan", False)]
    later = json.loads(listing("overdue", "--as-of", "2021-08-01", "--format", "json").stdout)["items"]
    assert {i["plan"]: i["public"] for i in later} == {"torbay-2024-plan": False, "torbay-2021-oocd": True,
                                                       "dudley-2019-plan": True}


def test_an_unknown_list_is_a_usage_error(listing):
    result = listing("withheld")
    assert result.exit_code == 2 and "'withheld' is not one of 'drafts', 'embargoed', 'overdue'" in result.output


@pytest.mark.parametrize("which", ["drafts", "embargoed", "overdue"])
def test_with_content_errors_no_list_is_given_only_the_errors_and_exit_1(tmp_path, make_site, run_cli, which):
    # helper-95: the embargoed inspection's own file has an error, and `list embargoed` said
    # "nothing is embargoed" (with only a warning on stderr): a clerk would believe it.
    broken = SITE["inspections/torbay-2021.yaml"].replace("service: torbay-yot", "service: [")
    root = make_site(tmp_path, {**SITE, "inspections/torbay-2021.yaml": broken})
    result = run_cli("list", which, "--as-of", "2021-08-01", root=root)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "nothing is embargoed" not in result.output and "no overdue actions" not in result.output
    assert "content/inspections/torbay-2021.yaml:1:" in result.stderr
    assert re.search(r"^error: cannot list .* while there is 1 content error \(above\)", result.stderr, re.M), \
        result.stderr
    assert "fix them, then list again" in result.stderr
    as_json = run_cli("list", which, "--as-of", "2021-08-01", "--format", "json", root=root)
    assert as_json.exit_code == 1 and as_json.stdout == ""


# A supplementary pack (docs/papers.md): it carries item 9's papers, is issued on 4 March, and
# is published only from that day, and only when it carries a paper released by the end of it.
SUPPLEMENTARY = """\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
pack: supplementary
issued: 2021-03-04
first_page: 13
items:
  - number: 9
    title: Review of the Youth Offending Team
    embargo_until: "{until}"
    appendices:
      - {{title: The improvement plan, {paper}}}
"""
PACK_ID = "torbay-cyp-2021-03-01-supplementary pack"


def supplementary_site(tmp_path, make_site, until: str, paper: str = "markdown: attachments/peer-review.md"):
    return make_site(tmp_path, {
        "meetings/torbay-cyp-2021-03-01-supplementary.yaml": SUPPLEMENTARY.format(until=until, paper=paper),
        "attachments/peer-review.md": "# Peer review\n\nThe board was told of the review.\n",
        "inspections/torbay-2024.yaml": SITE["inspections/torbay-2024.yaml"],
        "action-plans/torbay-2024-plan.yaml": SITE["action-plans/torbay-2024-plan.yaml"]})


def test_a_supplementary_pack_waiting_for_its_issue_day_is_listed_with_the_moment_a_build_publishes_it(
        tmp_path, make_site, run_cli):
    """helper-171: the item was listed, released on the 3rd, and nothing said that its pack, the
    papers a clerk sends, goes out only on the 4th."""
    root = supplementary_site(tmp_path, make_site, "2021-03-03 09:30")
    listed = run_cli("list", "embargoed", "--as-of", "2021-03-02", root=root)
    assert listed.exit_code == 0, listed.output
    assert rows(listed.stdout) == [
        ["2021-03-03 09:30", "agenda item", "torbay-cyp-2021-03-01-supplementary item 9",
         "embargoed until 2021-03-03 09:30"],
        ["2021-03-04 00:00", "pack", PACK_ID, "issued 2021-03-04: not published before that day"]]
    assert PACK_ID not in run_cli("list", "drafts", "--as-of", "2021-03-02", root=root).stdout

    pack = root / "output/site/meetings/torbay-cyp-2021-03-01-supplementary/" \
                  "torbay-cyp-2021-03-01-supplementary-agenda-pack.pdf"
    assert run_cli("build", "-q", "--no-search", "--as-of", "2021-03-03 23:59", root=root).exit_code == 0
    assert not pack.exists()
    assert run_cli("build", "-q", "--no-search", "--as-of", "2021-03-04 00:00", root=root).exit_code == 0
    assert pack.exists()


def test_a_supplementary_pack_waiting_for_its_papers_on_its_issue_day_goes_out_with_them(tmp_path, make_site,
                                                                                         run_cli):
    root = supplementary_site(tmp_path, make_site, "2021-03-04 12:00")
    listed = run_cli("list", "embargoed", "--as-of", "2021-03-04 09:00", root=root)
    assert rows(listed.stdout) == [
        ["2021-03-04 12:00", "agenda item", "torbay-cyp-2021-03-01-supplementary item 9",
         "embargoed until 2021-03-04 12:00"],
        ["2021-03-04 12:00", "pack", PACK_ID, "waits for torbay-cyp-2021-03-01-supplementary item 9"]]


def test_a_supplementary_pack_whose_papers_come_after_its_issue_day_is_listed_as_never_published(
        tmp_path, make_site, run_cli):
    """Its item is released on the 5th, after the pack is issued: as issued, the pack lists it
    "To Follow", carries nothing, and no build ever makes it."""
    root = supplementary_site(tmp_path, make_site, "2021-03-05 00:01")
    listed = run_cli("list", "embargoed", "--as-of", "2021-03-02", root=root)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.split("\n")[0] == \
        "next release: 2021-03-05 00:01 (torbay-cyp-2021-03-01-supplementary item 9)"
    never = rows(listed.stdout)[-1]
    assert never[:3] == ["never", "pack", PACK_ID]
    assert never[3].startswith("its items' papers are released after its issue day, 2021-03-04: it lists them "
                               "'To Follow' and is never made")
    data = json.loads(run_cli("list", "embargoed", "--as-of", "2021-03-02", "--format", "json", root=root).stdout)
    assert [(i["kind"], i["release"]) for i in data["items"] if i["id"] == PACK_ID] == [("pack", None)]

    assert run_cli("build", "-q", "--no-search", "--as-of", "2021-03-06", root=root).exit_code == 0
    assert not list((root / "output/site/meetings/torbay-cyp-2021-03-01-supplementary").glob("*.pdf"))


def test_a_supplementary_pack_whose_papers_wait_for_a_draft_is_listed_as_never_published_and_why(
        tmp_path, make_site, run_cli):
    root = supplementary_site(tmp_path, make_site, "2021-03-03 09:30", paper="action_plan: torbay-2024-plan")
    listed = run_cli("list", "embargoed", "--as-of", "2021-03-02", root=root)
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.split("\n")[0] == "next release: none"
    assert rows(listed.stdout) == [
        ["never", "pack", PACK_ID, "waits for torbay-cyp-2021-03-01-supplementary item 9 (embargoed until "
                                   "2021-03-03 09:30, then its papers depend on a withheld record)"]]

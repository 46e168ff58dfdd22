"""Action plan progress: an action's status is its latest update's RAG; overdue when due has
passed and it is not complete (CONTENT-MODEL.md "Action plan"; docs/content-format.md:
a due month "2021-07" is overdue from 1 August 2021)."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.model.action_plan import Action
from pydantic_core import PydanticCustomError

from generator.model.types import RAG, parse_rag
from generator.build import check_site
from generator.problems import Severity
from generator.rules import progress


def action(due: str | None = None, *updates: tuple[str, str]) -> Action:
    data: dict = {"id": "A1", "action": "Set up a working group on out-of-court disposals",
                  "updates": [{"date": day, "rag": rag} for day, rag in updates]}
    if due is not None:
        data["due"] = due
    return Action(**data)           # a pydantic dataclass: validated as it is made


# --- status

def test_an_action_without_updates_has_no_status():
    assert progress.action_status(action("2021-07")) is None


def test_an_actions_status_is_its_latest_updates_rag():
    assert progress.action_status(action("2021-07", ("2021-04-20", "red"), ("2021-05-20", "amber"),
                                         ("2021-06-20", "green"))) is RAG.GREEN


def test_the_latest_update_is_the_latest_by_date_not_the_last_written():
    assert progress.action_status(action("2021-07", ("2021-06-20", "complete"), ("2021-04-20", "red"))) \
        is RAG.COMPLETE


def test_of_two_updates_on_the_same_day_the_one_written_later_is_the_status():
    # Updates are added "newest last" (user-guide section 4): amber in the morning, complete by the evening.
    same_day = action("2021-07", ("2021-04-20", "amber"), ("2021-04-20", "complete"))
    assert progress.action_status(same_day) is RAG.COMPLETE
    assert progress.is_overdue(same_day, dt.date(2021, 8, 1)) is False


@pytest.mark.parametrize("word, rag", [("R", RAG.RED), ("A", RAG.AMBER), ("G", RAG.GREEN), ("blue", RAG.COMPLETE),
                                       ("done", RAG.COMPLETE), ("Completed", RAG.COMPLETE),
                                       ("not started", RAG.NOT_STARTED), ("Not Started", RAG.NOT_STARTED),
                                       ("not yet started", RAG.NOT_STARTED)])
def test_rag_accepts_the_documented_spellings(word, rag):
    assert progress.action_status(action(None, ("2021-04-20", word))) is rag


def test_a_word_that_is_no_status_is_told_every_status_including_not_started():
    with pytest.raises(PydanticCustomError) as error:
        parse_rag("purple")
    assert error.value.context["hint"] == "use red, amber, green, complete or not started"
    with pytest.raises(PydanticCustomError) as error:
        parse_rag("not strted")
    assert error.value.context["hint"] == "did you mean 'not started'?"


# --- overdue

def test_an_action_due_in_july_is_not_overdue_on_31_july():
    assert progress.is_overdue(action("2021-07"), dt.date(2021, 7, 31)) is False


def test_an_action_due_in_july_is_overdue_on_1_august():
    assert progress.is_overdue(action("2021-07"), dt.date(2021, 8, 1)) is True


def test_an_action_due_on_a_day_is_not_overdue_on_that_day():
    assert progress.is_overdue(action("2021-07-15"), dt.date(2021, 7, 15)) is False


def test_an_action_due_on_a_day_is_overdue_the_day_after():
    assert progress.is_overdue(action("2021-07-15"), dt.date(2021, 7, 16)) is True


def test_a_complete_action_is_never_overdue():
    assert progress.is_overdue(action("2021-07", ("2021-06-30", "complete")), dt.date(2022, 1, 1)) is False


def test_an_action_marked_complete_then_reopened_is_overdue():
    late = action("2021-07", ("2021-06-30", "complete"), ("2021-09-01", "amber"))
    assert progress.is_overdue(late, dt.date(2021, 9, 2)) is True


def test_an_action_the_plan_says_has_not_started_is_overdue_once_its_due_date_has_passed():
    waiting = action("2021-07", ("2021-04-20", "not started"))
    assert (progress.is_overdue(waiting, dt.date(2021, 7, 31)), progress.is_overdue(waiting, dt.date(2021, 8, 1))) == (
        False, True)


def test_an_action_without_a_due_date_is_never_overdue():
    assert progress.is_overdue(action(None, ("2021-04-20", "red")), dt.date(2030, 1, 1)) is False


# --- roll-up

def test_rag_counts_include_actions_without_a_status():
    statuses = [RAG.RED, RAG.AMBER, RAG.AMBER, RAG.COMPLETE, None]
    assert dict(progress.rag_counts(statuses)) == {"red": 1, "amber": 2, "green": 0, "complete": 1, "not started": 0,
                                                   "not recorded": 1}


def test_rag_counts_keep_not_started_apart_from_not_recorded_in_order():
    # 'not started' is what the plan says; 'not recorded', that no update gives a status.
    counts = progress.rag_counts([None, RAG.NOT_STARTED, RAG.GREEN, RAG.NOT_STARTED, None, None])
    assert list(counts.items()) == [("red", 0), ("amber", 0), ("green", 1), ("complete", 0), ("not started", 2),
                                    ("not recorded", 3)]


# --- through the pipeline

PLAN = """\
inspection: base-2021
title: Improvement plan
actions:
  - id: A1
    recommendations: [1]
    action: Set up a working group
    due: 2021-07
    updates:
      - {date: 2021-04-20, rag: amber}
  - id: A2
    recommendations: [1]
    action: Review the panel's membership
    due: 2021-07
    updates:
      - {date: 2021-04-20, rag: amber}
      - {date: 2021-07-20, rag: complete}
"""
INSPECTION = """\
service: torbay-yot
framework: hmip-youth-2018
recommendations:
  - to: The YOT Head of Service
    items: [bring out-of-court disposal policy up to date]
"""


@pytest.mark.parametrize("as_of, overdue", [(dt.date(2021, 7, 31), [False, False]),
                                            (dt.date(2021, 8, 1), [True, False])])
def test_the_checked_plan_marks_overdue_actions_as_of_the_given_date(tmp_path, as_of, overdue, make_site):
    root = make_site(tmp_path, {"inspections/base-2021.yaml": INSPECTION, "action-plans/base-2021-plan.yaml": PLAN})
    view = check_site(root, as_of).corpus.action_plans["base-2021-plan"]
    assert ([a.overdue for a in view.actions], [a.status for a in view.actions], view.overdue_count) == (
        overdue, [RAG.AMBER, RAG.COMPLETE], sum(overdue))


def test_updates_out_of_date_order_are_a_warning(tmp_path, make_site):
    plan = PLAN.replace("      - {date: 2021-04-20, rag: amber}\n      - {date: 2021-07-20, rag: complete}\n",
                        "      - {date: 2021-07-20, rag: complete}\n      - {date: 2021-04-20, rag: amber}\n")
    root = make_site(tmp_path, {"inspections/base-2021.yaml": INSPECTION, "action-plans/base-2021-plan.yaml": plan})
    assert [(p.severity, p.field) for p in check_site(root, dt.date(2021, 8, 1)).problems] == [
        (Severity.WARNING, "actions.1.updates")]

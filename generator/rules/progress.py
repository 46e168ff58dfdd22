"""Action plan progress rules: an action's status, whether it is overdue, plan roll-ups."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import replace
from typing import AbstractSet, Iterable, Mapping

from generator.model.action_plan import Action, ProgressUpdate
from generator.model.types import RAG


def latest_update(action: Action) -> ProgressUpdate | None:
    """The update with the latest date; of two on that day, the one written later, since
    updates are added newest last (docs/user-guide.md section 4)."""
    latest = None
    for update in action.updates:
        if latest is None or update.date >= latest.date:
            latest = update
    return latest


def action_status(action: Action) -> RAG | None:
    """An action's status is its latest update's RAG (CONTENT-MODEL: "An action's status
    is its latest update's"); None until the first update."""
    latest = latest_update(action)
    return latest.rag if latest else None


def is_overdue(action: Action, as_of: dt.date, status: RAG | None = None) -> bool:
    """Overdue: the due date has passed as of the build date (or --as-of) and the action
    is not complete (one not started, or with no status recorded, is overdue). A due month
    ("July 2021") runs to its last day. `status`, when the caller has it, saves working it out again."""
    if action.due is None or not action.due.end < as_of:
        return False
    return (status if status is not None else action_status(action)) is not RAG.COMPLETE


def as_at(action: Action, day: dt.date) -> Action:
    """The action as it stood at the end of `day`: the updates dated after it left out.

    A paper is a record made at its issue (issue 25): what happened later is not in it."""
    kept = [u for u in action.updates if u.date <= day]
    return action if len(kept) == len(action.updates) else replace(action, updates=kept)


def counting_from(action: Action, days: Mapping[str, dt.date]) -> Action:
    """The action with each update reported to a meeting (`reported_to:`) dated by the day it
    counts from: `days[meeting]`, the day that meeting's papers are issued (docs/content-format.md).
    A paper issued that day or later counts it, and the site from that day once the meeting is
    public; the day is counted, not given, so nothing prints it (`reported_to` says what to print).
    An update with no day to count from (no date, an unknown meeting: errors) is left out."""
    if all(u.reported_to is None and u.date is not None for u in action.updates):
        return action
    updates = [u if u.reported_to is None else replace(u, date=days[u.reported_to])
               for u in action.updates if u.reported_to in days or u.reported_to is None and u.date is not None]
    return replace(action, updates=updates)


def without_reports_to(action: Action, meetings: AbstractSet[str]) -> Action:
    """The action without its updates reported to one of `meetings`."""
    kept = [u for u in action.updates if u.reported_to not in meetings]
    return action if len(kept) == len(action.updates) else replace(action, updates=kept)


def action_id_order(action_id: str) -> tuple:
    """A sort key that reads the numbers in an action's id as numbers: A2 before A11."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", action_id))


NO_STATUS = "not recorded"          # an action no update gives a status
STATUS_ORDER = (RAG.RED.value, RAG.AMBER.value, RAG.GREEN.value, RAG.COMPLETE.value, RAG.NOT_STARTED.value,
                NO_STATUS)


def rag_counts(statuses: Iterable[RAG | None]) -> Mapping[str, int]:
    """How many actions stand at each status, in `STATUS_ORDER`; 'not started' counts those the
    plan says have not started, 'not recorded' those without updates (a plan that gives no
    status says nothing of whether an action has started)."""
    counts = Counter(NO_STATUS if s is None else s.value for s in statuses)
    return {key: counts.get(key, 0) for key in STATUS_ORDER}

"""content/action-plans/<id>.yaml: a service's response to an inspection."""

from __future__ import annotations

from pydantic import BaseModel, Field
from pydantic.dataclasses import dataclass

from generator.model.types import (RECORD_CONFIG, DateOrMonthField, Date, Ident, LocalDateTime,
                                   NonEmpty, RAGField, Status, StatusField, Text)

# An action's id: a plan's own numbering (1.1, 2.3, R4) or A1, A2 ... (the importer's default).
ACTION_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$"


def _number_or_text(schema: dict) -> None:
    """Our loader reads `id: 1.1` as the text written; an editor reads a number and must accept it too."""
    text = {key: schema.pop(key) for key in ("type", "pattern") if key in schema}
    schema["anyOf"] = [text, {"type": "number", "minimum": 0}]


# A slotted pydantic dataclass, not a model: a corpus holds updates by the hundred thousand,
# and a model keeps a dict and a fields-set for each (generator/model/__init__.py).
# (validate.py words this class's errors like a model's.)
# `date` or `reported_to`, never both (`resolve.resolver` checks): a source that gives the progress
# as reported to a meeting gives no day for it, and none is made up.
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class ProgressUpdate:
    date: Date | None = Field(None, description="the date of this progress update, where the source gives one")
    reported_to: Ident | None = Field(None, description="else the meeting (meetings/<id>.yaml) it was reported to, "
                                                       "where the source gives the progress as at that meeting's papers")
    rag: RAGField = Field(description="red | amber | green | complete | not started")
    note: Text | None = Field(None, description="what has happened since the last update")


# A slotted pydantic dataclass too: one for every action of every plan (generator/model/__init__.py).
@dataclass(slots=True, kw_only=True, config=RECORD_CONFIG)
class Action:
    id: str = Field(pattern=ACTION_ID_PATTERN, description="unique in the plan, e.g. A1, or the plan's own 1.1",
                    json_schema_extra=_number_or_text)
    recommendations: list[int] = Field([], description="numbers of the recommendations it answers")
    action: Text = Field(description="the improvement action")
    how: Text | None = Field(None, description="how it will be done")
    who: Text | None = Field(None, description="who is responsible")
    resources: Text | None = Field(None, description="resources required")
    review: DateOrMonthField | None = Field(None, description="date (or month) for review")
    due: DateOrMonthField | None = Field(None, description="date (or month) for completion; overdue after it")
    outcome: Text | None = Field(None, description="the outcome it should achieve")
    updates: list[ProgressUpdate] = Field([], description="progress with RAG, oldest first: each dated, or reported to a meeting")


class ActionPlan(BaseModel):
    """The actions that answer an inspection's recommendations, with dated RAG progress."""

    model_config = RECORD_CONFIG

    inspection: Ident = Field(description="the inspection it responds to (inspections/<id>.yaml)")
    title: Text = Field(description="the plan's title")
    owner: Text | None = Field(None, description="who owns the plan, e.g. YOT Management Board")
    status: StatusField = Field(Status.PUBLISHED, description="draft | published")
    embargo_until: LocalDateTime | None = Field(None, description="nothing of it is public before this")
    actions: NonEmpty[Action] = Field(description="the actions, each with an id such as A1")

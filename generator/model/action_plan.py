"""content/action-plans/<id>.yaml: a service's response to an inspection."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from generator.model.types import (RECORD_CONFIG, DateOrMonthField, Date, Ident, LocalDateTime,
                                   RAGField, Status, Text)


class ProgressUpdate(BaseModel):
    model_config = RECORD_CONFIG

    date: Date
    rag: RAGField
    note: Text | None = None


class Action(BaseModel):
    model_config = RECORD_CONFIG

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$", description="unique in the plan, e.g. A1")
    recommendations: list[int] = Field([], description="numbers of the recommendations it answers")
    action: Text
    how: Text | None = None
    who: Text | None = None
    resources: Text | None = None
    review: DateOrMonthField | None = None
    due: DateOrMonthField | None = None
    outcome: Text | None = None
    updates: list[ProgressUpdate] = []

    @property
    def latest_update_date(self) -> dt.date | None:
        return self.updates[-1].date if self.updates else None


class ActionPlan(BaseModel):
    """The actions that answer an inspection's recommendations, with dated RAG progress."""

    model_config = RECORD_CONFIG

    inspection: Ident
    title: Text
    owner: Text | None = None
    status: Status = Status.PUBLISHED
    embargo_until: LocalDateTime | None = None
    actions: list[Action] = Field(min_length=1)

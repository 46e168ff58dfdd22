"""content/reports/<id>.md: a committee report's front matter (its body is Markdown)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from generator.model.council import Contact
from generator.model.types import RECORD_CONFIG, Date, Ident, LocalDateTime, Status, StatusField, Text, TrueOrFalse


class ReportKind(str, Enum):
    CABINET = "cabinet"
    SCRUTINY = "scrutiny"
    COMMITTEE = "committee"
    BOARD = "board"


class Designation(str, Enum):
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


class ConsideredBy(BaseModel):
    model_config = RECORD_CONFIG

    body: Text
    date: Date
    note: Text | None = None


class Recommendations(BaseModel):
    """What the meeting is asked to do: each item as written, numbered, after its lead-in sentence."""

    model_config = RECORD_CONFIG

    lead_in: Text | None = Field(None, description='the sentence before the decisions, e.g. "That Cabinet '
                                                   'recommends that Council:"')
    for_decision: list[Text] = Field([], description="what the meeting is asked to decide, e.g. Endorse the plan.")
    noting_lead_in: Text | None = Field(None, description='the sentence before what is to be noted, e.g. '
                                                          '"The Cabinet is asked to note:"')
    for_noting: list[Text] = Field([], description="what the meeting is asked to note")


class Signatory(BaseModel):
    model_config = RECORD_CONFIG

    name: Text
    title: Text | None = None


class ReportFrontMatter(BaseModel):
    """Who a report is for and from, and which records its body may draw blocks from."""

    model_config = RECORD_CONFIG

    council: Ident = Field(description="the council whose paper this is (councils/<id>.yaml)")
    kind: ReportKind = Field(ReportKind.COMMITTEE, description="cabinet | scrutiny | committee | board")
    title: Text = Field(description="the report's title")
    date: Date = Field(description="the date of the meeting it goes to")
    committee: Text | None = Field(None, description="the committee's name (heading block)")
    report_of: Text | None = Field(None, description="e.g. Director of Children's Services (printed Report of the ...)")
    decision_designation: Designation | None = None
    cabinet_member: Text | None = None
    key_decision: TrueOrFalse | None = None
    in_forward_plan: TrueOrFalse | None = None
    wards_affected: Text | None = None
    accountable_director: Text | None = None
    originating_service: Text | None = None
    accountable_employee: Contact | None = None
    considered_by: list[ConsideredBy] = []
    inspection: Ident | None = None
    action_plan: Ident | None = None
    indicators: Ident | None = None
    recommendations: Recommendations = Recommendations()
    contact: Contact | None = None
    signed_by: Signatory | None = None
    status: StatusField = Status.PUBLISHED
    embargo_until: LocalDateTime | None = None

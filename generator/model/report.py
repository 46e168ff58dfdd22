"""content/reports/<id>.md: a committee report's front matter (its body is Markdown)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from generator.model.blocks import BLOCK_LINE
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
    language: str | None = Field(None, pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$",
                                 description="the language the council wrote the report in (its title and "
                                             "body), e.g. cy; none: the site's")
    status: StatusField = Status.PUBLISHED
    embargo_until: LocalDateTime | None = None


def body_sections(body: str) -> list[tuple[str, list[str]]]:
    """(heading, lines) of each section of a report's body: a `## ` line starts one, and what
    comes before the first is a section without a heading."""
    sections: list[tuple[str, list[str]]] = []
    heading, lines = "", []
    for line in body.splitlines():
        if line.startswith("## "):
            if heading or any(l.strip() for l in lines):
                sections.append((heading, lines))
            heading, lines = line[3:].strip().strip("#").strip(), []
        else:
            lines.append(line)
    if heading or any(l.strip() for l in lines):
        sections.append((heading, lines))
    return sections


def body_chunks(lines: list[str]) -> list[str]:
    """A section's blank-line separated chunks, each read as Markdown of its own; a [[block]]
    line is always a chunk of its own."""
    chunks, current = [], []
    for line in lines:
        if BLOCK_LINE.match(line.strip()):
            if current:
                chunks.append("\n".join(current))
            chunks.append(line.strip())
            current = []
        elif line.strip():
            current.append(line)
        elif current:
            chunks.append("\n".join(current))
            current = []
    if current:
        chunks.append("\n".join(current))
    return chunks


def body_markdown(body: str) -> list[str]:
    """Each piece of a report's body that is read as Markdown, as its page and paper read it."""
    return [chunk for _, lines in body_sections(body) for chunk in body_chunks(lines) if not BLOCK_LINE.match(chunk)]

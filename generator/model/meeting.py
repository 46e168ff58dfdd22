"""content/meetings/<id>.yaml: a committee meeting and its agenda, which becomes the pack."""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.model.council import Contact
from generator.model.types import (RECORD_CONFIG, Date, Ident, LocalDateTime, NonEmpty, Status, StatusField, Text,
                                   TrueOrFalse)

SOURCE_FIELDS = ("inspection", "action_plan", "markdown", "pdf")


class AppendixPart(BaseModel):
    """One document inside an appendix: a record, or a file under content/attachments/."""

    model_config = RECORD_CONFIG

    inspection: Ident | None = None
    action_plan: Ident | None = None
    markdown: str | None = Field(None, pattern=r"^[^\x00]+\.md$", description="e.g. attachments/x.md")
    pdf: str | None = Field(None, pattern=r"^[^\x00]+\.pdf$", description="e.g. attachments/x.pdf")

    @model_validator(mode="after")
    def _exactly_one_source(self) -> "AppendixPart":
        given = [name for name in SOURCE_FIELDS if getattr(self, name) is not None]
        if len(given) != 1:
            raise PydanticCustomError("appendix", "give exactly one of inspection, action_plan, markdown or pdf "
                                      "(found {found})", {"found": ", ".join(given) or "none"})
        return self

    @property
    def source(self) -> tuple[str, str]:
        name = next(n for n in SOURCE_FIELDS if getattr(self, n) is not None)
        return name, getattr(self, name)


class Appendix(BaseModel):
    model_config = RECORD_CONFIG
    SHORTHAND: ClassVar[tuple[str, ...]] = SOURCE_FIELDS    # a part's fields, given on the appendix itself

    title: Text = Field(description="the appendix's title as listed on the agenda")
    parts: NonEmpty[AppendixPart] = Field(description="the documents it is made of, in order")
    exempt: int | None = Field(None, ge=1, le=18,
                               description="Schedule 12A paragraph: England 1-7, Wales 12-18")

    @model_validator(mode="before")
    @classmethod
    def _single_part(cls, value: Any) -> Any:
        # {title, inspection: x} is shorthand for {title, parts: [{inspection: x}]}
        if isinstance(value, dict) and "parts" not in value:
            single = {k: value[k] for k in SOURCE_FIELDS if k in value}
            rest = {k: v for k, v in value.items() if k not in SOURCE_FIELDS}
            return {**rest, "parts": [single]}
        return value


class PackKind(str, Enum):
    AGENDA = "agenda"
    SUPPLEMENTARY = "supplementary"


class Member(BaseModel):
    """A member of the committee (or a substitute), as the agenda lists them."""

    model_config = RECORD_CONFIG

    name: Text = Field(description="e.g. Councillor A Smith")
    role: Text | None = Field(None, description="e.g. Chair, Vice-Chair")


class AgendaItem(BaseModel):
    model_config = RECORD_CONFIG

    number: int = Field(ge=1, description="the agenda item number")
    title: Text = Field(description="the item's title")
    description: Text | None = Field(None, description="what the item is for, printed under its title")
    part: int = Field(1, ge=1, le=2, description="1 (open) or 2 (exempt, after the exclusion resolution)")
    exempt: int | None = Field(None, ge=1, le=18, description="a Part 2 item: its Schedule 12A paragraph")
    minutes: str | None = Field(None, pattern=r"^[^\x00]+\.(md|pdf)$",
                                description="the minutes to approve, e.g. attachments/minutes.md (or .pdf)")
    report: Ident | None = Field(None, description="its cover report (reports/<id>.md)")
    to_follow: TrueOrFalse = Field(False, description="true when the papers are not ready (listed To Follow)")
    embargo_until: LocalDateTime | None = Field(None, description="its papers are not public before this")
    appendices: list[Appendix] = Field([], description="Appendix 1, 2, ... in order")


class Meeting(BaseModel):
    """A committee meeting: its agenda items, their reports and appendices."""

    model_config = RECORD_CONFIG

    council: Ident = Field(description="the council holding the meeting (councils/<id>.yaml)")
    committee: Text = Field(description="the committee's name")
    date: Date = Field(description="the meeting date")
    time: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, e.g. \"17:30\"")
    venue: Text | None = Field(None, description="where it meets")
    membership: list[Member] = Field([], description="the committee's members, each with a role where it has one")
    substitutes: list[Member] = Field([], description="its substitute members")
    clerk: Contact | None = Field(None, description="who to contact about the meeting (default the council's clerk)")
    note: Text | None = Field(None, description="a note printed under the meeting's details on the front sheet and "
                                                "its page, e.g. how the meeting is held (Markdown)")
    recording_notice: Text | None = Field(None, description="for this meeting, in place of the council's: what the "
                                          "agenda says about filming and recording it (Markdown)")
    public_participation: Text | None = Field(None, description="for this meeting, in place of the council's: how the "
                                              "public may take part in it (Markdown)")
    pack: PackKind = Field(PackKind.AGENDA, description="agenda (a front sheet) or supplementary (a covering letter)")
    issued: Date | None = Field(None, description="the date the pack (or letter) is issued")
    first_page: int = Field(1, ge=1, description="the first page number (a supplementary pack continues the main one)")
    duplex: TrueOrFalse | None = Field(None, description="the pack printed double-sided (default: the council's)")
    status: StatusField = Field(Status.PUBLISHED, description="draft | published")
    embargo_until: LocalDateTime | None = Field(None, description="nothing of it is public before this")
    items: NonEmpty[AgendaItem] = Field(description="the agenda items")

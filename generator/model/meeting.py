"""content/meetings/<id>.yaml: a committee meeting and its agenda, which becomes the pack."""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.model.types import RECORD_CONFIG, Date, Ident, LocalDateTime, Status, Text

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

    title: Text
    parts: list[AppendixPart] = Field(min_length=1)
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


class AgendaItem(BaseModel):
    model_config = RECORD_CONFIG

    number: int = Field(ge=1)
    title: Text
    report: Ident | None = None
    to_follow: bool = False
    embargo_until: LocalDateTime | None = None
    appendices: list[Appendix] = []


class Meeting(BaseModel):
    """A committee meeting: its agenda items, their reports and appendices."""

    model_config = RECORD_CONFIG

    council: Ident
    committee: Text
    date: Date
    time: str | None = Field(None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM, e.g. \"17:30\"")
    venue: Text | None = None
    pack: PackKind = PackKind.AGENDA
    issued: Date | None = None
    first_page: int = Field(1, ge=1)
    status: Status = Status.PUBLISHED
    embargo_until: LocalDateTime | None = None
    items: list[AgendaItem] = Field(min_length=1)

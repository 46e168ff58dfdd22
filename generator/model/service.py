"""content/services/<id>.yaml: a youth justice service (YOS / YOT / YJS)."""

from __future__ import annotations

from enum import Enum

from typing import Any

from pydantic import BaseModel, Field, model_validator

from generator.model.types import RECORD_CONFIG, Ident, Text


class ServiceKind(str, Enum):
    YOT = "YOT"
    YOS = "YOS"
    YJS = "YJS"


def _may_be_left_empty(schema: dict) -> None:
    """Left empty, the short name is the name: an editor must accept the empty field a scaffold writes."""
    text = {key: schema.pop(key) for key in ("type", "minLength", "maxLength") if key in schema}
    schema["anyOf"] = [text, {"type": "null"}]


class Service(BaseModel):
    """A youth offending service, as HMIP names it."""

    model_config = RECORD_CONFIG

    name: Text = Field(description="Full name, e.g. Torbay Youth Offending Team")
    short_name: Text = Field(None, description="As HMIP writes it, e.g. Torbay YOT (none: the name)",
                             json_schema_extra=_may_be_left_empty)
    council: Ident = Field(description="the council it belongs to (councils/<id>.yaml)")
    kind: ServiceKind | None = Field(None, description="YOT | YOS | YJS")
    region: Text | None = Field(None, description="e.g. South West")

    @model_validator(mode="before")
    @classmethod
    def _short_name_is_the_name(cls, value: Any) -> Any:
        # A service `scrutiny import inspections` created knows only the area's name. An empty
        # name is its own error, and is not copied to make a second one where nothing is written.
        name = value.get("name") if isinstance(value, dict) else None
        if isinstance(name, str) and name.strip() and value.get("short_name") is None:
            return {**value, "short_name": value["name"]}
        return value

"""content/services/<id>.yaml: a youth justice service (YOS / YOT / YJS).

Its details may change from a day on (`changes`): "Torbay YOT" became "Torbay Youth Justice
Service", and a paper shows the name as at its issue day (`rules.changes.details_as_at`).
"""

from __future__ import annotations

from enum import Enum

from typing import Any

from pydantic import BaseModel, Field, model_validator

from generator.model.changes import change_model
from generator.model.types import RECORD_CONFIG, Ident, Text


class ServiceKind(str, Enum):
    YOT = "YOT"
    YOS = "YOS"
    YJS = "YJS"


def _may_be_left_empty(schema: dict) -> None:
    """Left empty, the short name is the name: an editor must accept the empty field a scaffold writes."""
    text = {key: schema.pop(key) for key in ("type", "minLength", "maxLength") if key in schema}
    schema["anyOf"] = [text, {"type": "null"}]


def short_name_is_the_name(value: Any) -> Any:
    """A name given without a short name is both (a record's, and a change's that renames)."""
    # A service `scrutiny import inspections` created knows only the area's name. An empty
    # name is its own error, and is not copied to make a second one where nothing is written.
    if not isinstance(value, dict) or value.get("short_name") is not None:
        return value
    name = value.get("name")
    if isinstance(name, str) and name.strip():
        return {**value, "short_name": value["name"]}
    # The empty `short_name:` a new record starts with is no second error beside the empty name.
    return {key: given for key, given in value.items() if key != "short_name"}


class ServiceDetails(BaseModel):
    """A youth offending service on one day, as HMIP names it."""

    model_config = RECORD_CONFIG

    name: Text = Field(description="Full name, e.g. Torbay Youth Offending Team")
    short_name: Text = Field(None, description="As HMIP writes it, e.g. Torbay YOT (none: the name)",
                             json_schema_extra=_may_be_left_empty)
    council: Ident = Field(description="the council it belongs to (councils/<id>.yaml)")
    kind: ServiceKind | None = Field(None, description="YOT | YOS | YJS")
    region: Text | None = Field(None, description="e.g. South West")

    _short_name_is_the_name = model_validator(mode="before")(short_name_is_the_name)


# Its council is whose papers and pages it is in: a change may name every other detail.
UNCHANGING = frozenset({"council"})

# A change names only what changes; one that renames the service without a short name gives it
# the new name as its short name too, as the record does, never the old short name beside the new.
ServiceChange = change_model("ServiceChange", ServiceDetails, UNCHANGING,
                             {"_short_name_is_the_name": model_validator(mode="before")(short_name_is_the_name)})


class Service(ServiceDetails):
    """A youth offending service: its name as HMIP writes it, each detail from a day on."""

    changes: list[ServiceChange] = Field(  # type: ignore[valid-type]
        [], description="details that change from a day on, oldest first; each replaces the fields it names")

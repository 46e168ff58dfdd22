"""content/services/<id>.yaml: a youth justice service (YOS / YOT / YJS)."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field

from generator.model.types import RECORD_CONFIG, Ident, Text


class ServiceKind(str, Enum):
    YOT = "YOT"
    YOS = "YOS"
    YJS = "YJS"


class Service(BaseModel):
    """A youth offending service, as HMIP names it."""

    model_config = RECORD_CONFIG

    name: Text = Field(description="Full name, e.g. Torbay Youth Offending Team")
    short_name: Text = Field(description="As HMIP writes it, e.g. Torbay YOT")
    council: Ident = Field(description="the council it belongs to (councils/<id>.yaml)")
    kind: ServiceKind = Field(ServiceKind.YOT, description="YOT | YOS | YJS")
    region: Text | None = Field(None, description="e.g. South West")

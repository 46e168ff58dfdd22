"""`changes`: a record's details that change from a day on (a council's, a service's).

A paper shows a record's details as at its issue day (`rules.changes.details_as_at`), so a
new clerk, colour or name leaves every paper already issued as it was.
"""

from __future__ import annotations

import copy
from typing import Any, Callable

from pydantic import BaseModel, Field, create_model

from generator.model.types import RECORD_CONFIG, Date


def _no_defaults(schema: dict) -> None:
    """A change has no defaults: a field it leaves out keeps its value from before."""
    for field in schema.get("properties", {}).values():
        field.pop("default", None)


def change_model(name: str, details: type[BaseModel], unchanging: frozenset[str],
                 validators: dict[str, Callable[..., Any]] | None = None) -> type[BaseModel]:
    """The model of one change to `details`: a `from` day and any of its fields but the
    `unchanging` ones, each with the same type and checks, left out unless named. Each field
    it names replaces the whole value from its day."""
    def changed(field_name: str) -> tuple:
        field = copy.copy(details.model_fields[field_name])
        field.default = None
        return field.annotation, field

    return create_model(
        name, __config__={**RECORD_CONFIG, "json_schema_extra": _no_defaults},
        __doc__="The details that change from a day on.", __validators__=validators,
        from_=(Date, Field(alias="from", description="the first day the details below hold")),
        **{field: changed(field) for field in details.model_fields if field not in unchanging})

"""JSON Schema for the record kinds, so editors can complete and check YAML as it is typed."""

from __future__ import annotations

from generator.model import MODELS

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: str | None = None) -> dict:
    """One kind's schema, or a schema with every kind under $defs when kind is None."""
    if kind is not None:
        schema = MODELS[kind].model_json_schema(by_alias=True)
        return {"$schema": SCHEMA_URI, **schema}
    return {"$schema": SCHEMA_URI, "title": "Scrutiny content",
            "$defs": {name: model.model_json_schema(by_alias=True) for name, model in MODELS.items()}}

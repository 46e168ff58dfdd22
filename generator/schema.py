"""JSON Schema for the record kinds, so editors can complete and check YAML as it is typed.

Pydantic describes the models' full forms; the YAML also accepts shorthands (a standard
given as just its rating word, a key question as just its percentage, an appendix with
its source written inline). The schema is widened here to accept exactly those.
"""

from __future__ import annotations

import copy

from pydantic.json_schema import models_json_schema

from generator.model import MODELS
from generator.model.inspection import NOT_RATED
from generator.model.meeting import SOURCE_FIELDS
from generator.model.types import Rating

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def _accept_shorthands(defs: dict) -> None:
    rating_word = {"type": "string", "enum": [r.value for r in Rating],
                   "description": "shorthand for {rating: ...}"}
    if "StandardFinding" in defs:
        full = defs["StandardFinding"]
        # `not rated`, where HMIP says so, is read as the not_rated flag (the scaffold offers it).
        not_rated = {"const": NOT_RATED, "description": "the inspectorate said it did not rate this standard"}
        rating = full["properties"]["rating"]
        rating["anyOf"] = [{**o, "enum": [*o["enum"], NOT_RATED], "description": " | ".join([*o["enum"], NOT_RATED])}
                           if "enum" in o else o for o in rating["anyOf"]]
        left_empty = {"type": "null", "description": "no rating given: not recorded"}
        defs["StandardFinding"] = {"anyOf": [rating_word, not_rated, left_empty, full],
                                   "title": full.get("title", "StandardFinding")}
    if "KeyQuestion" in defs:
        full = defs["KeyQuestion"]
        defs["KeyQuestion"] = {"anyOf": [{"type": "number", "minimum": 0, "maximum": 100,
                                          "description": "shorthand for a published percentage"}, full],
                               "title": full.get("title", "KeyQuestion")}
    if "Appendix" in defs and "AppendixPart" in defs:
        appendix = defs["Appendix"]
        part_properties = defs["AppendixPart"]["properties"]
        for name in SOURCE_FIELDS:
            appendix["properties"][name] = copy.deepcopy(part_properties[name])
        appendix["required"] = [r for r in appendix.get("required", []) if r != "parts"]
        appendix["anyOf"] = [{"required": ["parts"]}] + [{"required": [name]} for name in SOURCE_FIELDS]


def json_schema(kind: str | None = None) -> dict:
    """One kind's schema, or one schema with every kind under $defs when kind is None."""
    if kind is not None:
        schema = MODELS[kind].model_json_schema(by_alias=True)
        _accept_shorthands(schema.get("$defs", {}))
        return {"$schema": SCHEMA_URI, **schema}
    _, combined = models_json_schema([(model, "validation") for model in MODELS.values()], by_alias=True,
                                     ref_template="#/$defs/{model}")
    defs = combined.get("$defs", {})
    _accept_shorthands(defs)
    for kind, model in MODELS.items():          # each kind by its own name, for editors' mappings
        defs[kind] = {"$ref": f"#/$defs/{model.__name__}"}
    return {"$schema": SCHEMA_URI, "title": "Scrutiny content", "$defs": defs}

"""`scrutiny new KIND ID`: write a new record with every field present and explained.

The scaffold is generated from the record's JSON Schema (generator/schema.py), which is
generated from the pydantic models: field order, which fields are required, defaults,
allowed values and descriptions all come from there, so a new field in a model appears in
the next scaffold without touching this module.

Each record gets a first line

    # yaml-language-server: $schema=../../.schema/inspection.json

pointing at the kind's schema, written (or refreshed) under .schema/ in the site's folder,
so that VS Code (with Red Hat's YAML extension) and other editors using the YAML language
server complete field names and flag mistakes as the clerk types. The schemas live beside
content/, not in it: every folder inside content/ is a content folder.

What is written, field by field:
- a plain field: `name: value   # comment`, with the default filled in, or left empty;
- a required structure (an action plan's actions, a meeting's items): written out, one entry;
- an optional structure (a contact, a list of updates): written as a commented-out block,
  because an empty one would not be valid; the clerk removes the '# ' to use it;
- an inspection: its framework's domains and standards, each with an empty rating, and the
  key questions of case-based standards as a commented block with their wording.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Iterable

from generator.authoring import AuthoringError, cannot_write, require_content
from generator.load.documents import read_document
from generator.load.files import BUILT_IN_FRAMEWORKS, ID_PATTERN, RECORD_FOLDERS
from generator.model import MODELS
from generator.model.framework import Framework, StandardDef
from generator.schema import json_schema
from generator.validate import validate_document

SCHEMA_DIR = ".schema"            # under the site root, beside content/
COMMENT_COLUMN = 40
MAX_LINE = 118
_MISSING = object()


@dataclass(frozen=True)
class Kind:
    name: str                     # as typed: action-plan
    model_key: str                # as in MODELS: action_plan
    folder: str                   # under content/: action-plans
    suffix: str                   # .yaml or .md

    def path(self, root: Path, record_id: str) -> Path:
        return root / "content" / self.folder / f"{record_id}{self.suffix}"


def _kinds() -> dict[str, Kind]:
    wanted = ["inspection", "action_plan", "meeting", "report", "service", "council"]
    by_model = {kind: (folder, suffixes[0]) for folder, (kind, suffixes) in RECORD_FOLDERS.items()}
    return {key.replace("_", "-"): Kind(key.replace("_", "-"), key, *by_model[key]) for key in wanted}


KINDS: dict[str, Kind] = _kinds()

# A field whose value is the id of another record: which kind (to list the ids that exist),
# and what to call it.
REFERENCE_FIELDS = {"service": ("service", "a service"), "council": ("council", "a council"),
                    "inspection": ("inspection", "an inspection"),
                    "action_plan": ("action_plan", "an action plan"), "report": ("report", "a report"),
                    "indicators": ("indicators", "a service's indicators file"),
                    "framework": ("framework", "a framework"), "default_council": ("council", "a council")}

# Said of a field only where its model gives no description of its own.
FIELD_NOTES = {
    "status": "draft keeps it off the public site: set published when it is ready",
    "embargo_until": "nothing of it is public before this",
}


# --------------------------------------------------------------------------- schema files

def schema_path(root: Path, kind: Kind) -> Path:
    return root / SCHEMA_DIR / f"{kind.model_key.replace('_', '-')}.json"


def schema_text(kind: Kind) -> str:
    return json.dumps(json_schema(kind.model_key), indent=2, sort_keys=True) + "\n"


def write_schemas(root: Path, kinds: Iterable[Kind] | None = None) -> list[Path]:
    """Write (or refresh) the JSON Schema files editors read; only files that changed are rewritten."""
    written = []
    for kind in kinds or KINDS.values():
        target = schema_path(root, kind)
        text = schema_text(kind)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".json.tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(target)
            written.append(target)
    return written


def schema_line(root: Path, kind: Kind, record: Path) -> str:
    relative = os.path.relpath(schema_path(root, kind), record.parent).replace(os.sep, "/")
    return f"# yaml-language-server: $schema={relative}"


# --------------------------------------------------------------------------- frameworks

def load_frameworks(root: Path) -> dict[str, tuple[Framework, bool]]:
    """Every usable framework by id: (model, built_in). A site's own file replaces a built-in."""
    found: dict[str, tuple[Framework, bool]] = {}
    sources = [(p, True) for p in sorted(BUILT_IN_FRAMEWORKS.glob("*.yaml"))]
    site_dir = root / "content" / "frameworks"
    if site_dir.is_dir():
        sources += [(p, False) for p in sorted(site_dir.glob("*.y*ml"))]
    for path, built_in in sources:
        doc, problems = read_document(path, root, "framework")
        if doc is None or problems:
            continue
        record, problems = validate_document(doc)
        if record is not None:        # a site's copy of a built-in keeps its place as a built-in
            found[path.stem] = (record.model, built_in or found.get(path.stem, (None, False))[1])
    return found


def default_framework(frameworks: dict[str, tuple[Framework, bool]]) -> str:
    """The newest built-in framework: the one whose period of use starts last."""
    built_in = {fid: fw for fid, (fw, is_built_in) in frameworks.items() if is_built_in}
    if not built_in:
        raise AuthoringError("no built-in inspection framework was found (is the installation complete?)")

    def started(fid: str) -> dt.date:
        in_use = built_in[fid].in_use
        return in_use.from_.start if in_use else dt.date.min

    return max(built_in, key=lambda fid: (started(fid), fid))


# --------------------------------------------------------------------------- the renderer

@dataclass
class Line:
    indent: int
    text: str
    comment: str | None = None
    hash_at: int | None = None    # part of an optional block: '# ' is written at this column

    def render(self) -> str:
        if self.hash_at is None:
            lead = " " * self.indent
        else:
            lead = " " * self.hash_at + "# " + " " * (self.indent - self.hash_at)
        if not self.text:
            return f"{lead}# {self.comment}" if self.comment else lead.rstrip()
        code = f"{lead}{self.text}".rstrip()
        if not self.comment:
            return code
        inline = f"{code:<{COMMENT_COLUMN - 1}} # {self.comment}"
        if len(inline) <= MAX_LINE:
            return inline
        return f"{lead}# {self.comment}\n{code}"


def _plain_ok(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 _.,/()'-]*", text)) and text.lower() not in (
        "true", "false", "null", "yes", "no", "on", "off", "~") and not text.endswith(" ")


def yaml_scalar(value: Any) -> str:
    """A value as YAML text that reads back as the same string (quoted only where it must be)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return text if _plain_ok(text) else json.dumps(text, ensure_ascii=False)


@dataclass
class Context:
    """What a scaffold knows about the site: ids that exist, values given on the command line."""

    known: dict[str, list[str]] = field(default_factory=dict)     # model kind -> ids
    prefill: dict[str, str] = field(default_factory=dict)         # top-level field -> value
    overrides: dict[str, Callable[[str, dict, int], list[Line]]] = field(default_factory=dict)


class SchemaWalker:
    """Turns one kind's JSON Schema into commented YAML lines."""

    def __init__(self, schema: dict, context: Context) -> None:
        self.defs = schema.get("$defs", {})
        self.root = schema
        self.context = context

    # -- reading the schema

    def resolve(self, node: dict) -> dict:
        node = dict(node)
        while True:
            if "$ref" in node:
                target = self.defs[node.pop("$ref").rsplit("/", 1)[-1]]
                node = {**target, **node}          # the field's own description/default win
            elif "allOf" in node and len(node["allOf"]) == 1:
                inner = node.pop("allOf")[0]
                node = {**self.resolve(inner), **node}
            else:
                return node

    def unwrap(self, node: dict) -> tuple[dict, bool]:
        """(the schema of the value's full form, whether null is allowed).

        `anyOf` lists optional values (with null) and shorthands (a rating word for a whole
        standard): the scaffold always writes the full form, a mapping where there is one.
        """
        node = self.resolve(node)
        options = node.get("anyOf")
        if not options:
            return node, False
        rest = [self.resolve(o) for o in options if o.get("type") != "null"]
        chosen = next((o for o in rest if self.shape(o) in ("model", "list", "dict")), None)
        if chosen is None and len(rest) == 1:
            chosen = rest[0]
        if chosen is None:
            return node, len(rest) < len(options)
        outer = {k: v for k, v in node.items() if k != "anyOf"}
        return {**chosen, **outer}, len(rest) < len(options)

    @staticmethod
    def shape(node: dict) -> str:
        if "enum" in node:
            return "enum"
        if node.get("type") == "object" and "properties" in node:
            return "model"
        if node.get("type") == "object":
            return "dict"
        if node.get("type") == "array":
            return "list"
        return "scalar"

    # -- describing a field

    def describe(self, name: str, node: dict, required: bool) -> str:
        parts = ["(required)"] if required else []
        description = (node.get("description") or "").strip()
        shape = self.shape(node)
        reference = REFERENCE_FIELDS.get(name)
        if reference and shape == "scalar":
            ids = self.context.known.get(reference[0], [])
            text = f"the id of {reference[1]}"
            if ids:
                shown = ", ".join(ids[:8]) + (", ..." if len(ids) > 8 else "")
                text += f": {shown}"
            parts.append(text)
        elif description:
            parts.append(description.rstrip("."))
        if shape == "enum":
            values = [str(v) for v in node["enum"]]
            if not all(v in description for v in values):
                parts.append(" | ".join(values))
        elif shape == "scalar" and not description and not reference:
            parts.append(self.type_words(node))
        if not description and name in FIELD_NOTES:
            parts.append(FIELD_NOTES[name])
        default = node.get("default", _MISSING)
        if default not in (_MISSING, None, [], {}) and not isinstance(default, (dict, list)):
            parts.append(f"default: {yaml_scalar(default)}")
        return "; ".join(p for p in parts if p).replace("(required); ", "(required) ")

    @staticmethod
    def type_words(node: dict) -> str:
        kind = node.get("type")
        bounds = []
        if "minimum" in node:
            bounds.append(f"at least {node['minimum']:g}")
        if "maximum" in node:
            bounds.append(f"at most {node['maximum']:g}")
        suffix = f" ({', '.join(bounds)})" if bounds else ""
        if kind == "integer":
            return "a whole number" + suffix
        if kind == "number":
            return "a number" + suffix
        if kind == "boolean":
            return "true or false"
        return "text"

    # -- writing lines

    def object_lines(self, node: dict, indent: int, hash_at: int | None, top: bool = False) -> list[Line]:
        node = self.resolve(node)
        required = set(node.get("required", []))
        properties = node.get("properties", {})
        # "one of these fields" (an appendix's inspection | action_plan | markdown | pdf, or parts)
        alternatives = [r["required"][0] for r in node.get("anyOf", []) if len(r.get("required", [])) == 1]
        simple = [a for a in alternatives if self.shape(self.unwrap(properties.get(a, {}))[0]) in ("scalar", "enum")]
        lines: list[Line] = []
        for name, prop in properties.items():
            if top and name in self.context.overrides:
                lines += self.context.overrides[name](name, prop, indent)
                continue
            if name in alternatives and name not in simple:
                continue                      # described after the simple ones
            if simple and name == simple[0]:
                lines.append(Line(indent, "", "give one of: " + " | ".join(simple), hash_at))
            lines += self.field_lines(name, prop, name in required, indent, hash_at, top)
        for name in (a for a in alternatives if a not in simple):
            example = ", ".join(f"{{{a}: ...}}" for a in simple[:2])
            lines.append(Line(indent, "", f"or, instead, {name}: [{example}] for several in one", hash_at))
        return lines

    def field_lines(self, name: str, prop: dict, required: bool, indent: int, hash_at: int | None,
                    top: bool = False) -> list[Line]:
        """One field: a live line, a live structure, or an optional structure commented out."""
        value, _ = self.unwrap(prop)
        shape = self.shape(value)
        comment = self.describe(name, value, required)
        default = prop.get("default", value.get("default", _MISSING))
        key = yaml_scalar(name) + ":"
        # an optional block is commented out from its own line down (or stays inside an outer one)
        block = indent if hash_at is None else hash_at

        def optional(note: str) -> str:
            return f"{comment}; optional: {note}" if comment else f"optional: {note}"

        if shape in ("scalar", "enum"):
            given = self.context.prefill.get(name) if top else None
            if given is not None:
                shown = yaml_scalar(given)
            elif default not in (_MISSING, None):
                shown = yaml_scalar(default)
            else:
                shown = ""
            return [Line(indent, f"{key} {shown}".rstrip(), comment, hash_at)]

        if shape == "model":
            comment = comment or (value.get("description") or "").strip() or \
                "fields: " + ", ".join(value.get("properties", {}))
            if required or isinstance(default, dict):
                return [Line(indent, key, comment, hash_at),
                        *self.object_lines(value, indent + 2, hash_at)]
            return [Line(indent, key, optional("remove the '# ' to use it"), block),
                    *self.object_lines(value, indent + 2, block)]

        if shape == "list":
            item, _ = self.unwrap(value.get("items", {}))
            if self.shape(item) in ("scalar", "enum"):
                if required and value.get("minItems"):
                    return [Line(indent, key, comment, hash_at), Line(indent + 2, "-", None, hash_at)]
                return [Line(indent, f"{key} []", comment or self.list_words(item), hash_at)]
            if required and value.get("minItems"):
                entry = self.object_lines(item, indent + 4, hash_at)
                return [Line(indent, key, comment or item.get("description"), hash_at),
                        *self.list_entry(entry, indent + 2)]
            entry = self.object_lines(item, indent + 4, block)
            return [Line(indent, key, optional("remove the '# ' to use it; one '- ' entry each"), block),
                    *self.list_entry(entry, indent + 2)]

        # a mapping whose keys the author chooses
        item, _ = self.unwrap(value.get("additionalProperties", {}))
        lines = [Line(indent, key, optional("remove the '# ' to use it"), block),
                 Line(indent + 2, "a_name:", "a name of your choosing", block)]
        if self.shape(item) == "model":
            lines += self.object_lines(item, indent + 4, block)
        return lines

    @staticmethod
    def list_words(item: dict) -> str:
        if item.get("type") == "integer":
            return "a list of whole numbers, e.g. [1, 2]"
        return "a list: one '- ' line each, or [first, second]"

    @staticmethod
    def list_entry(entry: list[Line], indent: int) -> list[Line]:
        """The lines of one list entry: its first field goes after '- '."""
        first, *rest = entry
        return [Line(indent, f"- {first.text}", first.comment, first.hash_at), *rest]


def render_lines(lines: list[Line]) -> str:
    return "\n".join(line.render() for line in lines) + "\n"


# --------------------------------------------------------------------------- inspections

def key_question_lines(standard: StandardDef, block: int) -> list[Line]:
    """A standard's key questions, commented out, each figure described by what it counts: the
    relevant cases, or its own sample's (victims' cases), or, for a question judged from the
    service's arrangements (the 2025 framework's V1.2), no cases at all."""
    if not standard.sample and all(q.case_based for q in standard.key_questions):
        heading, each = "'yes' answers of the relevant cases, or the published %", "or a percentage, e.g. 93"
    else:
        heading, each = "'yes' answers of N, or the published %", None
    lines = [Line(block, "key_questions:", f"{heading}; optional: remove the '# ' to use them", block)]
    for question in standard.key_questions:
        lines.append(Line(block + 2, "", question.text, block))
        described = each or (f"'yes' answers of the relevant {standard.sample or 'cases'}, or a percentage"
                             if question.case_based else
                             "judged from the service's arrangements, not from cases: only a figure the report "
                             "gives, as it gives it")
        lines.append(Line(block + 2, f'"{question.number}": {{yes: , of: }}', described, block))
    return lines


def inspection_overrides(walker: SchemaWalker, framework_id: str, framework: Framework,
                         inspection_type: str | None = None) -> dict[str, Callable[[str, dict, int], list[Line]]]:
    """The domains, standards (empty ratings) and key questions (commented) that the framework
    rates in this kind of inspection."""
    defs = walker.defs
    kind_rates = framework.rated_by(inspection_type)
    domains_rated = [d for d in framework.domains
                     if kind_rates is None or any(s.number in kind_rates for s in d.standards)]
    finding = walker.unwrap(defs["StandardFinding"])[0]
    rating_comment = walker.describe("rating", walker.unwrap(finding["properties"]["rating"])[0], False)
    cases_comment = walker.describe("cases", walker.unwrap(finding["properties"]["cases"])[0], False)

    def domains(name: str, prop: dict, indent: int) -> list[Line]:
        lines = [Line(indent, f"{name}:", f"findings by domain of {framework_id}: summaries, strengths, "
                      "areas for improvement")]
        for domain in domains_rated:
            lines.append(Line(indent + 2, f'"{domain.number}":', domain.name))
            lines += walker.object_lines(walker.unwrap(defs["DomainFindings"])[0], indent + 4, None)
        return lines

    def standards(name: str, prop: dict, indent: int) -> list[Line]:
        lines = [Line(indent, f"{name}:", "the PUBLISHED rating of each standard; names and order come "
                      f"from {framework_id}; leave out what the report does not give")]
        for domain in domains_rated:
            lines.append(Line(indent + 2, "", f"Domain {domain.number}: {domain.name}"))
            for standard in (s for s in domain.standards if kind_rates is None or s.number in kind_rates):
                # A case-based standard the framework lists no key questions for is rated from its cases alone.
                how = ("a judgement: rating only" if not standard.case_based else
                       "rated from its key questions" if standard.key_questions else "rated from its cases")
                lines.append(Line(indent + 2, f'"{standard.number}":', f"{standard.name} ({how})"))
                lines.append(Line(indent + 4, "rating:", rating_comment))
                if standard.case_based:
                    lines.append(Line(indent + 4, "cases:", f"number of {standard.sample} inspected for this "
                                      "standard" if standard.sample else cases_comment))
                    if standard.key_questions:
                        lines += key_question_lines(standard, indent + 4)
        return lines

    def overall(name: str, prop: dict, indent: int) -> list[Line]:
        overall_node = walker.unwrap(defs["Overall"])[0]
        lines = [Line(indent, f"{name}:", "the overall rating" + (" and score" if framework.ratings else "")
                      + " as published")]
        lines.append(Line(indent + 2, "rating:", walker.describe(
            "rating", walker.unwrap(overall_node["properties"]["rating"])[0], False)))
        if framework.ratings:        # a framework without points publishes no score
            lines.append(Line(indent + 2, "score:", walker.describe(
                "score", walker.unwrap(overall_node["properties"]["score"])[0], False)))
        return lines

    def separately_rated(name: str, prop: dict, indent: int) -> list[Line]:
        if not [r for r in framework.separately_rated if kind_rates is None or r.key in kind_rates]:
            return [Line(indent, f"{name}:", f"not used: {framework_id} rates nothing separately", indent)]
        lines = [Line(indent, f"{name}:", "rated separately: not counted in the score")]
        for rated in framework.separately_rated:
            lines.append(Line(indent + 2, f"{rated.key}:", f"{rated.number} {rated.name}"))
            lines.append(Line(indent + 4, "rating:", rating_comment))
        return lines

    return {"overall": overall, "domains": domains, "standards": standards, "separately_rated": separately_rated}


# --------------------------------------------------------------------------- the record

REPORT_BODY = """\
## Purpose

Say in a sentence or two what this report is for. Paragraph numbers are added for you.

## Background

Write the report in Markdown. A table or list made from the records goes alone on its own
line, for example `[[ratings-table]]` or `[[recommendations]]` (with `inspection:` above).

## Financial implications

## Legal implications
"""


# --------------------------------------------------------------------------- meetings

# The items an agenda usually opens with (our words), before the meeting's own business.
STANDARD_ITEMS = (
    ("Apologies for absence", "To receive apologies for absence from the meeting."),
    ("Declarations of interest", "To receive any declarations of interest under the Members' Code of Conduct."),
    ("Minutes of the previous meeting", "To approve as a correct record the minutes of the previous meeting."),
)


def meeting_items(walker: SchemaWalker, name: str, prop: dict, indent: int) -> list[Line]:
    """A meeting's agenda: the standard opening items written out, then one item to fill in."""
    lines = [Line(indent, "items:", "(required) the agenda items in order: the usual opening items, then yours")]
    for number, (title, description) in enumerate(STANDARD_ITEMS, 1):
        lines += [Line(indent + 2, f"- number: {number}"), Line(indent + 4, f"title: {yaml_scalar(title)}"),
                  Line(indent + 4, f"description: {yaml_scalar(description)}")]
        if title.startswith("Minutes"):
            lines.append(Line(indent + 4, "minutes:", "the minutes as a file: attachments/NAME.md or .pdf",
                              indent + 4))
    item, _ = walker.unwrap(walker.resolve(prop).get("items", {}))
    entry = walker.object_lines(item, indent + 4, None)
    entry = [Line(l.indent, f"number: {len(STANDARD_ITEMS) + 1}", l.comment, l.hash_at) if l.text == "number:"
             else l for l in entry]
    return lines + walker.list_entry(entry, indent + 2)


def known_ids(root: Path) -> dict[str, list[str]]:
    """The ids of the records that exist, by kind (from file names; nothing is validated)."""
    ids: dict[str, list[str]] = {}
    content = root / "content"
    for folder, (kind, suffixes) in RECORD_FOLDERS.items():
        directory = content / folder
        if directory.is_dir():
            ids[kind] = sorted(p.stem for p in directory.iterdir()
                               if p.suffix in suffixes and not p.name.startswith("."))
    ids["framework"] = sorted({*ids.get("framework", []), *(p.stem for p in BUILT_IN_FRAMEWORKS.glob("*.yaml"))})
    return ids


def scaffold_text(root: Path, kind: Kind, record_id: str, prefill: dict[str, str],
                  framework: tuple[str, Framework] | None = None, inspection_type: str | None = None) -> str:
    """The text of a new record (pure: reads nothing but what it is given and the ids that exist)."""
    schema = json_schema(kind.model_key)
    context = Context(known=known_ids(root), prefill=dict(prefill))
    if "status" in schema.get("properties", {}):
        # Half-written records are never published by the next scheduled build.
        context.prefill.setdefault("status", "draft")
    walker = SchemaWalker(schema, context)
    if framework is not None:
        context.prefill["framework"] = framework[0]
        if inspection_type is not None:
            context.prefill["inspection_type"] = inspection_type
        context.overrides = inspection_overrides(walker, *framework, inspection_type)
    if kind.model_key == "meeting":
        context.overrides = {"items": partial(meeting_items, walker)}
    path = kind.path(root, record_id)
    about = (schema.get("description") or "").strip().rstrip(".")
    header = [
        schema_line(root, kind, path),
        f"# content/{kind.folder}/{record_id}{kind.suffix}: {about[:1].lower() + about[1:]}." if about else
        f"# content/{kind.folder}/{record_id}{kind.suffix}",
        "# Fill in the fields marked (required); leave empty what the source does not say.",
        "# A block whose lines start with '# ' is optional: remove the '# ' to use it (Ctrl+/ in VS Code).",
        "# Dates are written 2021-03-01 (a month: 2021-03). Check your work with: scrutiny check",
    ]
    body = render_lines(walker.object_lines(schema, 0, None, top=True))
    if kind.suffix == ".md":
        return "---\n" + "\n".join(header) + "\n" + body + "---\n" + REPORT_BODY
    return "\n".join(header) + "\n" + body


def _chosen_kind(framework_id: str, framework: Framework, inspection_type: str | None) -> tuple[str | None, list[str]]:
    """The kind of inspection to scaffold, and a note when it was not given: a framework with
    several kinds takes the first it lists; one with one kind takes no --type."""
    kinds = [k.id for k in framework.inspection_types]
    if not kinds:
        if inspection_type is not None:
            raise AuthoringError(f"{framework_id} has one kind of inspection: leave out --type", usage=True)
        return None, []
    if inspection_type is None:
        first = framework.inspection_types[0]
        others = ", ".join(f"--type {k.id} for {k.name.lower()}" for k in framework.inspection_types[1:])
        return first.id, [f"note: written for {first.name.lower()} (--type {first.id}); {others}"]
    if framework.kind(inspection_type) is None:
        raise AuthoringError(f"'{inspection_type}' is not a kind of {framework_id} inspection: "
                             f"--type {' or --type '.join(kinds)}", usage=True)
    return inspection_type, []


def kinds_with_field(name: str) -> list[str]:
    return [k.name for k in KINDS.values() if name in MODELS[k.model_key].model_fields]


def create_record(root: Path, kind_name: str, record_id: str, framework_id: str | None = None,
                  prefill: dict[str, str] | None = None, inspection_type: str | None = None
                  ) -> tuple[Path, list[str]]:
    """Write content/<folder>/<id> and the kind's schema; returns the path and notes for the person."""
    kind = KINDS.get(kind_name)
    if kind is None:
        raise AuthoringError(f"'{kind_name}' is not a kind of record; use one of {', '.join(KINDS)}", usage=True)
    if not ID_PATTERN.match(record_id):
        raise AuthoringError(f"'{record_id}' is not a usable id: use lower-case letters, digits and hyphens, "
                             "e.g. torbay-2021 (the id becomes the file name)", usage=True)
    prefill = {k: v for k, v in (prefill or {}).items() if v is not None}
    for name in prefill:
        if name not in MODELS[kind.model_key].model_fields:
            raise AuthoringError(f"--{name.replace('_', '-')} is for {' and '.join(kinds_with_field(name))} "
                                 f"records, not {kind.name}", usage=True)
    if (framework_id is not None or inspection_type is not None) and kind.name != "inspection":
        raise AuthoringError("--framework and --type are for inspection records only", usage=True)
    require_content(root)
    target = kind.path(root, record_id)
    existing = [p for p in (target.with_suffix(s) for s in RECORD_FOLDERS[kind.folder][1]) if p.exists()]
    if existing:
        shown = existing[0].relative_to(root).as_posix()
        raise AuthoringError(f"{shown} already exists; nothing was written (edit that file, or choose "
                             "another id)")

    notes = []
    framework = None
    if kind.name == "inspection":
        frameworks = load_frameworks(root)
        chosen = framework_id or default_framework(frameworks)
        if chosen not in frameworks:
            raise AuthoringError(f"there is no framework '{chosen}'; known: {', '.join(sorted(frameworks))}",
                                 usage=True)
        framework = (chosen, frameworks[chosen][0])
        inspection_type, notes = _chosen_kind(chosen, frameworks[chosen][0], inspection_type)
    known = known_ids(root)
    for name, value in prefill.items():
        if value not in known.get(name, []):
            notes.append(f"note: there is no {name.replace('_', ' ')} '{value}' yet; create it with "
                         f"`scrutiny new {name.replace('_', '-')} {value}`")

    text = scaffold_text(root, kind, record_id, prefill, framework, inspection_type)
    shown = target.relative_to(root).as_posix()
    try:
        write_schemas(root, [kind])
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = open(target, "x", encoding="utf-8")     # 'x': never overwrite, even in a race
    except FileExistsError:
        raise AuthoringError(f"{shown} already exists; nothing was written (edit that file, or choose "
                             "another id)") from None
    except OSError as exc:
        raise cannot_write(exc, shown, "nothing was written") from None
    try:
        with handle:
            handle.write(text)
    except OSError as exc:
        # An empty or cut-off record left behind would fail every check and block `new` again.
        target.unlink(missing_ok=True)
        raise cannot_write(exc, shown, "nothing was written") from None
    return target, notes

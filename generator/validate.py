"""Stage 2, validate: turn each loaded document into a typed record, collecting every problem.

Nothing stops at the first error: every document is validated and every pydantic error
becomes a `Problem` at the line and column of the value (or key) it is about.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import AbstractSet, Any, Callable, Generic, Iterable, Mapping, Sequence, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from generator.load.documents import Document, Held, LazySourceMap
from generator.load.files import Found
from generator.load.yaml_source import Position, SourceMap, dotted
from generator.speed.memo import CheckMemo
from generator.model import MODELS
from generator.model.inspection import PROSE_FIELDS
from generator.model.types import SALVAGED
from generator.problems import Problem, Severity, did_you_mean, quoted
from generator.rules.clock_change import clock_change_embargoes
from generator.textsafety import describe, unsafe_in_prose

M = TypeVar("M", bound=BaseModel)

KIND_NAMES = {"site": "site.yaml", "council": "a council", "service": "a service",
              "inspection": "an inspection", "action_plan": "an action plan",
              "indicators": "an indicators file", "report": "a report's front matter",
              "meeting": "a meeting", "framework": "a framework"}
# What an entry of a record's list or mapping is, named by the field that holds it.
PART_NAMES = {"items": "an agenda item", "appendices": "an appendix", "parts": "a part of an appendix",
              "actions": "an action", "updates": "a progress update", "standards": "a standard's finding",
              "separately_rated": "a standard's finding", "domains": "a domain's finding",
              "key_questions": "a key question's figures", "recommendations": "a group of recommendations",
              "overall": "the overall rating", "fieldwork": "the fieldwork dates", "period": "a period",
              "members": "a member", "substitutes": "a substitute", "clerk": "the clerk",
              "changes": "a change to its details"}
# A change to whose details: the records that have `changes`.
CHANGE_NAMES = {"council": "a change to a council's details", "service": "a change to a service's details"}


@dataclass(frozen=True)
class Record(Generic[M]):
    """A validated record and where it came from."""

    kind: str
    id: str
    path: str
    model: M
    source: SourceMap | LazySourceMap | Renumbered
    digest: str
    body: str | None = None
    body_line: int = 1
    # An inspection's data without its prose (`PROSE_FIELDS`), hashed: what listings read.
    listed_digest: str | None = None

    def problem(self, field: tuple, severity: Severity, message: str, hint: str | None = None,
                key: bool = False) -> Problem:
        """A problem at `field` of this record: its value, or with `key` its key."""
        pos = self.source.locate_key(field) if key else self.source.locate(field)
        return Problem(self.path, pos.line, pos.column, severity, dotted(self.written(field)), message, hint)

    def written(self, field: tuple) -> tuple:
        """`field` as the file gives it: a salvaged record's lists may have lost items (`Renumbered`)."""
        return self.source.written(field) if isinstance(self.source, Renumbered) else field


def written_path(kept: Mapping[tuple, tuple[int, ...]], path: tuple) -> tuple:
    """`path` in a copy whose lists lost items, as the file writes it (`kept`: see `Renumbered`)."""
    out: tuple = ()
    for part in path:
        indices = kept.get(out)
        if indices is not None and isinstance(part, int) and 0 <= part < len(indices):
            part = indices[part]
        out += (part,)
    return out


@dataclass(frozen=True)
class Renumbered:
    """The source map of a salvaged record whose lists lost items (`_salvaged`):
    each path of the record is looked up as the file writes it, 'items.3' at 'items.4' when
    the file's item 2 (counting from 0) was dropped."""

    source: SourceMap | LazySourceMap
    kept: Mapping[tuple, tuple[int, ...]]   # a list's path as written: the written index of each item kept

    def written(self, path: tuple) -> tuple:
        return written_path(self.kept, path)

    def locate(self, path: tuple) -> Position:
        return self.source.locate(self.written(path))

    def locate_key(self, path: tuple) -> Position:
        return self.source.locate_key(self.written(path))

    @property
    def values(self) -> "_ByWritten":
        return _ByWritten(self.source.values, self.written)

    @property
    def keys(self) -> "_ByWritten":
        return _ByWritten(self.source.keys, self.written)


@dataclass(frozen=True)
class _ByWritten:
    """Positions found by a salvaged record's paths (`Renumbered`): `in` and `[]` only."""

    positions: Mapping[tuple, Position]
    written: Callable[[tuple], tuple]

    def __contains__(self, path: tuple) -> bool:
        return self.written(path) in self.positions

    def __getitem__(self, path: tuple) -> Position:
        return self.positions[self.written(path)]


def listed_digest(data: dict) -> str:
    """The sha256 of an inspection's plain data without its long-form text. In the file's
    own order (keys of mixed types cannot be sorted): the same file, the same digest."""
    listed = {key: value for key, value in data.items() if key not in PROSE_FIELDS}
    text = json.dumps(listed, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Records:
    """Every valid record by kind and id, plus the attachment files by content-relative path."""

    site: Record | None
    by_kind: Mapping[str, Mapping[str, Record]]
    attachments: Mapping[str, Document]
    invalid: frozenset[tuple[str, str]] = frozenset()   # (kind, id) of files that failed validation

    def of(self, kind: str) -> Mapping[str, Record]:
        return self.by_kind.get(kind, MappingProxyType({}))


# A field the record's model does not have: pydantic's words for it in a model and in a
# (slotted, smaller) dataclass such as an action's progress update.
UNKNOWN_FIELD = ("extra_forbidden", "unexpected_keyword_argument")

_PLAIN_MESSAGES = {
    "missing": "is required",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "float_parsing": "expected a number",
    "bool_parsing": "expected true or false",
    "string_type": "expected text",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping (lines of 'key: value')",
    "model_type": "expected a mapping (lines of 'key: value')",
    "model_attributes_type": "expected a mapping (lines of 'key: value')",
    "dataclass_type": "expected a mapping (lines of 'key: value')",
    "dataclass_args_type": "expected a mapping (lines of 'key: value')",
    "enum": "expected one of {expected}",
    "string_too_short": "must not be empty",
    "too_short": "must have at least {min_length} entr{plural}",
    "string_too_long": "is too long (at most {max_length} characters)",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
    "finite_number": "must be a finite number",
}

_PATTERN_HINTS = {
    "^[a-z0-9][a-z0-9-]{0,79}$": "an id is a file name without .yaml: lower-case letters, digits, hyphens",
    "^([01]\\d|2[0-3]):[0-5]\\d$": "a time is HH:MM in quotes, e.g. \"17:30\"",
    "^[^\\x00]+\\.md$": "a Markdown file's path, ending .md, e.g. attachments/x.md",
    "^[^\\x00]+\\.pdf$": "a PDF file's path, ending .pdf, e.g. attachments/x.pdf",
    "^[^\\x00]+\\.(md|pdf)$": "a Markdown or PDF file's path, ending .md or .pdf",
    "^en(-[A-Z]{2})?$": "the site's own words (navigation, headings, dates) are English: write en-GB; "
                        "a report written in Welsh says 'language: cy' in its front matter",
    "^[a-z]{2,3}(-[A-Z]{2})?$": "a language tag, e.g. cy (Welsh) or en-GB",
}


# What to write instead of a number typed in words, or a yes for a paragraph number.
_NUMBER_HINTS = {
    "int_parsing": "write it in figures, e.g. 3",
    "int_from_float": "write a whole number, e.g. 3",
    "float_parsing": "write it in figures, e.g. 203 or 2.45",
}


def _message(error: dict[str, Any], kind: str) -> tuple[str, str | None]:
    ctx = error.get("ctx") or {}
    kind_of = error["type"]
    if kind_of in ("rating", "rag", "date", "datetime", "colour", "key_question", "appendix", "markdown", "score",
                   "status", "true_or_false", "figure"):
        return error["msg"], ctx.get("hint")
    if kind_of == "value_error":
        return error["msg"].removeprefix("Value error, "), None
    if kind_of in UNKNOWN_FIELD:
        # The nearest field that holds entries we have a name for; a mapping's own keys
        # ("C1.1", "period") and fields we have none for fall back to the record's kind.
        holders = [part for part in error["loc"][:-1] if isinstance(part, str) and part in PART_NAMES]
        what = PART_NAMES[holders[-1]] if holders else KIND_NAMES.get(kind, kind)
        if kind == "report" and holders and holders[-1] == "recommendations":
            what = "a report's recommendations"
        if holders and holders[-1] == "changes":
            what = CHANGE_NAMES.get(kind, what)
        return f"'{error['loc'][-1]}' is not a field of {what}", None
    if kind_of == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        return f"{quoted(error.get('input'))} is not in the expected form", _PATTERN_HINTS.get(pattern)
    template = _PLAIN_MESSAGES.get(kind_of)
    if template is None:
        return error["msg"], None
    values = dict(ctx)
    if "min_length" in values:
        values["plural"] = "y" if values["min_length"] == 1 else "ies"
    message = template.format(**values) if values else template.split(" {")[0]
    got = error.get("input")
    if got is None and (kind_of.endswith("_parsing") or kind_of.endswith("_type")):
        return f"is empty; {message}", "fill in a value, or delete the line if the field is optional"
    if kind_of.endswith("_parsing") or kind_of.endswith("_type"):
        shown = "a mapping" if isinstance(got, dict) else "a list" if isinstance(got, list) else quoted(got)
        message = f"{message}, got {shown}" if got is not None else f"{message}, got nothing"
    return message, _NUMBER_HINTS.get(kind_of)


def _fields(target: Any) -> dict[str, Any]:
    """A model's (or a pydantic dataclass's) fields by name."""
    return getattr(target, "model_fields", None) or getattr(target, "__pydantic_fields__", None) or {}


def _hint_for_unknown_field(error: dict[str, Any], model: type[BaseModel]) -> str | None:
    # Walk the model along the error's path to find which fields were allowed there.
    target: Any = model
    for part in error["loc"][:-1]:
        fields = _fields(target)
        if not fields:
            continue
        name = next((n for n, f in fields.items() if (f.alias or n) == part), None)
        if name is None:
            continue
        annotation = fields[name].annotation
        target = _inner_model(annotation) or target
    fields = _fields(target)
    allowed = [f.alias or n for n, f in fields.items()] + list(getattr(target, "SHORTHAND", ()))
    return did_you_mean(str(error["loc"][-1]), allowed) or (
        "allowed here: " + ", ".join(allowed) if allowed else None)


def _inner_model(annotation: Any) -> type | None:
    if isinstance(annotation, type) and _fields(annotation):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found:
            return found
    return None


def _as_written(loc: tuple, data: Any) -> tuple:
    """`loc` as the file gives it: an appendix written as the shorthand {title, pdf: x} is read
    as {title, parts: [{pdf: x}]}, and its 'parts.0' is in no file, nor at any line."""
    written, node = [], data
    parts = iter(loc)
    for part in parts:
        if part == "parts" and isinstance(node, dict) and "parts" not in node:
            next(parts, None)
            continue
        written.append(part)
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
    return tuple(written)


def _has(node: dict | list, part: Any) -> bool:
    return part in node if isinstance(node, dict) else isinstance(part, int) and 0 <= part < len(node)


# The end of an empty value's hint where the field is not known: said of the field itself instead.
IF_OPTIONAL = ", or delete the line if the field is optional"


def problems_from_validation(error: ValidationError, doc: Document, model: type[BaseModel]) -> list[Problem]:
    problems = []
    for item in error.errors(include_url=False):
        loc = _as_written(tuple(item["loc"]), doc.data)
        if item["type"] in UNKNOWN_FIELD:
            position = doc.source.locate_key(loc)
        else:
            position = doc.source.locate(loc)
        message, hint = _message(item, doc.kind)
        if item["type"] in UNKNOWN_FIELD:
            hint = _hint_for_unknown_field(item, model)
        if item["type"] == "missing":
            hint = f"add '{loc[-1]}:'" if loc else None
        if hint and hint.endswith(IF_OPTIONAL):
            hint = _if_optional(hint, _field_at(model, tuple(item["loc"])))
        problems.append(Problem(doc.path, position.line, position.column, Severity.ERROR,
                                dotted(loc), message, hint))
    return problems


def _if_optional(hint: str, field: FieldInfo | None) -> str:
    """`hint` for an empty value, told whether its field may be left out (a required one may not)."""
    if field is None:
        return hint
    return hint.removesuffix(IF_OPTIONAL) + ("" if field.is_required() else ", or delete the line")


def _field_at(model: type[BaseModel], loc: tuple) -> FieldInfo | None:
    """The field `loc` ends at, walking the model along it; None where a part names no field."""
    target: Any = model
    found = None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = _fields(target)
        name = next((n for n, f in fields.items() if (f.alias or n) == part), None)
        if name is None:
            return None
        found = fields[name]
        target = _inner_model(found.annotation) or target
    return found


def body_problems(doc: Document) -> list[Problem]:
    """The characters a Markdown body (a report's, an attachment's) may not hold
    (`textsafety`), each at its line and column: the first on each line."""
    problems: list[Problem] = []
    body, line, counted, reported = doc.body or "", doc.body_line, 0, 0
    for index in unsafe_in_prose(body):
        line += body.count("\n", counted, index)
        counted = index
        if line == reported:
            continue
        reported = line
        what, hint = describe(body[index])
        problems.append(Problem(doc.path, line, index - body.rfind("\n", 0, index), Severity.ERROR, "body",
                                f"the text contains {what}; expected printable text", hint))
    return problems


PUBLICATION_FIELDS = frozenset({"status", "embargo_until", "exempt", "part", "to_follow"})
# A report's records: it is public only once each is, and its blocks draw from them. Left out,
# it would read as waiting for none, and '[[ratings-table]] needs inspection:' would be a second
# error at a report that gives one.
RECORDS_OF_A_REPORT = frozenset({"inspection", "action_plan", "indicators"})


# What other records are checked against, so never left out of a salvaged copy: left out, they
# would give the records naming them false errors (a framework's kind of inspection that rates
# nothing, an inspection's recommendations renumbered, a Welsh council's meetings read as in
# England). A record that cannot keep them is not checked against the others at all.
CHECKED_AGAINST: Mapping[str, AbstractSet[str] | None] = MappingProxyType({
    "framework": None,                                  # all of it: its standards, kinds and ratings
    "inspection": frozenset({"recommendations"}),       # numbered across their groups
    "council": frozenset({"nation", "clear_days", "changes"}),   # its meetings' paragraphs and issue days
})


def _checked_against(kind: str, path: tuple) -> bool:
    """Is the value at `path` of a `kind` record one the other records are checked against?"""
    if kind not in CHECKED_AGAINST:
        return False
    fields = CHECKED_AGAINST[kind]
    return fields is None or path[0] in fields


# A value refused can leave what held it incomplete (an appendix's part without its only source):
# each round drops what the last left invalid, up to the record itself.
SALVAGE_ROUNDS = 5


def _salvaged(model: type[BaseModel], data: dict, error: ValidationError, kind: str
              ) -> tuple[BaseModel, dict, Mapping[tuple, tuple[int, ...]]] | None:
    """The record of `data` without each value validation refused, so that the rest of it can
    still be checked against the others (every error in one pass); the data it was made from,
    and where the items kept of each list that lost some stood in the file (`Renumbered`).
    Validated as `SALVAGED`: a list may have lost every item. None when what remains cannot be
    checked: a field of the record itself missing, or a refused value that decides what is public."""
    refused: set[tuple] = set()
    valid, kept = data, {}
    for _ in range(SALVAGE_ROUNDS):
        more = _refused_paths(valid, error, kind)
        if more is None:
            return None
        refused |= {written_path(kept, path) for path in more}
        kept = {}
        valid = _copy_without(data, (), refused, kept)
        try:
            return model.model_validate(valid, context=SALVAGED), valid, kept
        except ValidationError as again:
            error = again
    return None


def _refused_paths(data: dict, error: ValidationError, kind: str) -> set[tuple] | None:
    """The path of each value validation refused in `data`; None when one may not be left out."""
    refused = set()
    for item in error.errors(include_url=False):
        path, value = _refused_value(data, tuple(item["loc"]))
        # Never a record that would be public for want of what decides it (a status, an embargo,
        # an exemption, a Part 2 or to-follow item left out reads as open now): the audit and
        # `list` read records with errors too.
        if not path or PUBLICATION_FIELDS & set(item["loc"]) or _decides_publication(value):
            return None
        if kind == "report" and path[0] in RECORDS_OF_A_REPORT or _checked_against(kind, path):
            return None
        refused.add(path)
    return refused


def _refused_value(data: dict, loc: tuple) -> tuple[tuple, Any]:
    """The path and value an error at `loc` refuses: the deepest part of `loc` the data has
    (a missing field's mapping; past a validator's own name in the path, the value it checked)."""
    path: tuple = ()
    node: Any = data
    for part in loc:
        if not (isinstance(node, (dict, list)) and _has(node, part)):
            break
        path, node = path + (part,), node[part]
    return path, node


def _decides_publication(value: Any) -> bool:
    """Does `value` hold a field that decides what is public (an agenda item's Part 2, an appendix's exemption)?"""
    if isinstance(value, dict):
        return bool(PUBLICATION_FIELDS & value.keys()) or any(map(_decides_publication, value.values()))
    return isinstance(value, list) and any(map(_decides_publication, value))


def _copy_without(node: Any, path: tuple, refused: AbstractSet[tuple], kept: dict[tuple, tuple[int, ...]]) -> Any:
    """A copy of `node` (at `path`) without the values at `refused`; `kept` gets, for each list
    that lost items, the indices of those it keeps."""
    if isinstance(node, dict):
        return {key: _copy_without(value, path + (key,), refused, kept)
                for key, value in node.items() if path + (key,) not in refused}
    if isinstance(node, list):
        indices = tuple(index for index in range(len(node)) if path + (index,) not in refused)
        if len(indices) < len(node):
            kept[path] = indices
        return [_copy_without(node[index], path + (index,), refused, kept) for index in indices]
    return node


# The kinds `scrutiny new KIND ID` starts (generator.authoring.scaffold.KINDS, checked by tests/test_new.py).
STARTED_BY_NEW = ("inspection", "action_plan", "meeting", "report", "service", "council")


def empty_record(doc: Document, model: type[BaseModel]) -> Problem:
    """The one error for a record file (or report front matter) with no fields at all."""
    required = [field.alias or name for name, field in model.model_fields.items() if field.is_required()]
    needs = f"{KIND_NAMES.get(doc.kind, doc.kind)} needs {_and(required)}" if required else ""
    start = (f"or delete the file and run `scrutiny new {doc.kind.replace('_', '-')} {doc.id}` to start "
             "one with every field explained"
             if doc.kind in STARTED_BY_NEW else "")
    where = "the front matter" if doc.path.endswith(".md") else "the file"
    hint = "; ".join(part for part in (needs, start) if part) or None
    return Problem(doc.path, 1, 1, Severity.ERROR, "", f"{where} is empty", hint)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def validate_document(doc: Document, salvage: bool = False) -> tuple[Record | None, list[Problem]]:
    """A document's record, or None and the problems that stop it. `salvage`: with problems,
    also the record of what is valid in it, when there is one (`_salvaged`),
    for the checks across records; it never reaches a build, which stops at the problems."""
    model = MODELS[doc.kind]
    data = doc.data
    if data is None:
        # Empty, or only comments (an editor that crashed leaves this): one error, not one per field.
        return None, [empty_record(doc, model)]
    if not isinstance(data, dict):
        return None, [Problem(doc.path, 1, 1, Severity.ERROR, "",
                              f"{KIND_NAMES.get(doc.kind, doc.kind)} must be a mapping of 'key: value' lines",
                              "start each line with a field name, e.g. 'title: ...'")]
    unsafe = body_problems(doc) if doc.body else []
    try:
        record = model.model_validate(data)
    except ValidationError as error:
        if isinstance(doc.source, LazySourceMap) and doc.source.problems:
            return None, unsafe + list(doc.source.problems)
        problems = unsafe + problems_from_validation(error, doc, model)
        salvaged = _salvaged(model, data, error, doc.kind) if salvage and not unsafe else None
        if salvaged is not None:
            return _record(doc, *salvaged), problems
        return None, problems
    if unsafe:
        return None, unsafe
    return _record(doc, record, data), []


def _record(doc: Document, model: BaseModel, data: dict,
            kept: Mapping[tuple, tuple[int, ...]] = MappingProxyType({})) -> Record:
    """The record of `doc`, whose `data` validated as `model`; `kept`: a salvaged record's lists
    that lost items, with the written index of each item kept (`Renumbered`)."""
    listed = listed_digest(data) if doc.kind == "inspection" else None
    source = Renumbered(doc.source, MappingProxyType(kept)) if kept else doc.source
    return Record(doc.kind, doc.id, doc.path, model, source, doc.digest, doc.body, doc.body_line, listed)


def clock_change_warnings(doc: Document) -> list[Problem]:
    """A warning at each embargo written as a London time the clocks skip or repeat: read from
    what the file says, since the instant it names does not tell whether an offset was written."""
    problems = []
    for field, message, hint in clock_change_embargoes(doc.data):
        at = doc.source.locate(field)
        problems.append(Problem(doc.path, at.line, at.column, Severity.WARNING, dotted(field), message, hint))
    return problems


class Validator:
    """Validates documents one at a time, as the loader reads them: a document's plain
    data is freed as soon as its record exists."""

    def __init__(self, memo: CheckMemo | None = None) -> None:
        self.memo = memo                 # records validated by earlier builds in this process
        self.problems: list[Problem] = []
        self.by_kind: dict[str, dict[str, Record]] = {kind: {} for kind in MODELS if kind != "site"}
        self.site: Record | None = None
        self.attachments: dict[str, Document] = {}
        self.broken: set[tuple[str, str]] = set()

    def add(self, doc: Document | Held, read_problems: Sequence[Problem] = ()) -> None:
        if isinstance(doc, Held):
            held = self.memo.record(doc.kind, doc.path, doc.digest)
            if doc.kind == "attachment":
                self.attachments[doc.path.removeprefix("content/")] = held
            else:
                self.by_kind[doc.kind][doc.id] = held
            return
        if doc.kind == "attachment":
            self.attachments[doc.path.removeprefix("content/")] = doc
            found = body_problems(doc) if doc.body else []
            self.problems += found
            if self.memo is not None and doc.raw is None and not found and not read_problems:
                self.memo.keep(doc)
            return
        if doc.data is None and any(p.severity is Severity.ERROR for p in read_problems):
            self.broken.add((doc.kind, doc.id))       # unreadable YAML: its error says why
            return
        record, found = validate_document(doc, salvage=True)
        if record is not None and not found:     # a record with errors: its warnings wait for its values
            found = clock_change_warnings(doc)
        self.problems += found
        if record is None:
            self.broken.add((doc.kind, doc.id))
        elif doc.kind == "site":
            self.site = record
        else:
            self.by_kind[doc.kind][doc.id] = record   # a site's own framework replaces a built-in one
            if self.memo is not None and not read_problems and not found:
                self.memo.keep(record)

    def records(self, unreadable: AbstractSet[tuple[str, str]] = frozenset()) -> tuple[Records, list[Problem]]:
        """Every valid record, and the problems found; `unreadable`: files the loader could not read."""
        frozen = {kind: MappingProxyType(records) for kind, records in self.by_kind.items()}
        return Records(self.site, MappingProxyType(frozen), MappingProxyType(self.attachments),
                       frozenset(self.broken | unreadable)), self.problems


def validate_read(read: Iterable[tuple[Found, Document | Held | None, Sequence[Problem]]],
                  validator: Validator) -> tuple[Records, list[Problem]]:
    """Validate each document as `load.read_records` reads it; the problems found in reading
    come first in the list, then validation's."""
    problems: list[Problem] = []
    unreadable: set[tuple[str, str]] = set()
    for found, doc, read_problems in read:
        problems += read_problems
        if doc is None:
            unreadable.add((found.kind, found.id))
        else:
            validator.add(doc, read_problems)
    records, invalid = validator.records(unreadable)
    return records, problems + invalid

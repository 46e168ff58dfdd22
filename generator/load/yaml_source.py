"""Safe YAML with positions.

PyYAML's own loaders forget where values came from, silently keep the last of two
duplicate keys (which would drop a standard's rating), expand aliases without limit and
apply YAML 1.1's surprises (`yes` becomes True, `17:30` becomes 1050, `07854` loses its
zero). So we let PyYAML *compose* the node tree and build plain data ourselves:

* every scalar is kept as text (or None for `~`/`null`/empty); the typed models decide
  what a value means, so a telephone number keeps its leading zero;
* every value and every key remembers its 1-based line and column;
* a duplicate key, an unknown tag, too deep a nesting or too many nodes (an alias bomb)
  is a content error at its line, never a crash or an out-of-memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from generator.problems import Problem, Severity

# An alias bomb (the "billion laughs") expands a few lines into billions of nodes; real
# records have a few thousand. Building stops, with an error, at this many nodes.
MAX_NODES = 200_000
MAX_DEPTH = 40

_NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's C scanner is ~10x faster than PyYAML's Python one and keeps the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_STANDARD_TAG = "tag:yaml.org,2002:"
# The tags plain YAML resolves to by itself; anything else (!!python/object, !custom) is refused.
_PLAIN_TAGS = {"str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge", "binary", "value"}

Path_ = tuple  # a field path: ("standards", "2.1", "rating") or ("items", 0, "title")


@dataclass(frozen=True)
class Position:
    line: int      # 1-based
    column: int    # 1-based


@dataclass(frozen=True)
class SourceMap:
    """Where each value (and each mapping key) of one document stands in its file."""

    values: Mapping[tuple, Position]
    keys: Mapping[tuple, Position]

    def locate(self, path: tuple) -> Position:
        """The position of the deepest part of `path` that exists in the file.

        Pydantic reports a missing field by the path it should have had; the nearest
        existing parent is where a person would add it.
        """
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in self.values:
                return self.values[prefix]
            if prefix in self.keys:
                return self.keys[prefix]
        return Position(1, 1)

    def locate_key(self, path: tuple) -> Position:
        return self.keys.get(tuple(path)) or self.locate(path)

    @staticmethod
    def empty() -> "SourceMap":
        return SourceMap(MappingProxyType({}), MappingProxyType({}))


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, position: "Position") -> None:
        super().__init__()
        self.position = position


class _Builder:
    """Turns a composed node tree into plain dicts, lists and strings, recording positions."""

    def __init__(self, path: str, line_offset: int) -> None:
        self.path = path
        self.line_offset = line_offset
        self.values: dict[tuple, Position] = {}
        self.keys: dict[tuple, Position] = {}
        self.problems: list[Problem] = []
        self.count = 0

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)

    def error(self, node: yaml.Node, field: tuple, message: str, hint: str | None = None) -> None:
        pos = self.position(node)
        self.problems.append(Problem(self.path, pos.line, pos.column, Severity.ERROR,
                                     dotted(field), message, hint))

    def build(self, node: yaml.Node, field: tuple = (), depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig()
        if depth > MAX_DEPTH:
            raise _TooDeep(self.position(node))
        position = self.position(node)
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            # A block scalar's text starts on the line after its '|' or '>' indicator:
            # point there, so a line counted inside the text lands on the right file line.
            position = Position(position.line + 1, position.column)
        self.values[field] = position
        tag = node.tag or ""
        if tag.startswith("!") or (tag.startswith("tag:") and tag.removeprefix(_STANDARD_TAG) not in _PLAIN_TAGS):
            self.error(node, field, f"the YAML tag '{tag}' is not allowed",
                       "remove the tag; records hold plain text, numbers, lists and mappings")
            return None
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style             # PyYAML says None for plain style, libyaml ''
            if plain and node.value in _NULLS:
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, field + (i,), depth + 1) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            return self.build_mapping(node, field, depth)
        return None  # pragma: no cover - PyYAML has no other node kinds

    def build_mapping(self, node: yaml.MappingNode, field: tuple, depth: int) -> dict:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STANDARD_TAG + "merge":
                self.error(key_node, field, "merge keys ('<<') are not supported",
                           "write the fields out in full")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.error(key_node, field, "a key must be plain text, not a list or mapping")
                continue
            key = key_node.value
            here = field + (key,)
            if key in result:
                first = self.keys[here]
                self.error(key_node, here, f"duplicate key '{key}' (first given at line {first.line})",
                           "YAML keeps only one of them; merge the two entries")
                continue
            self.keys[here] = self.position(key_node)
            result[key] = self.build(value_node, here, depth + 1)
        return result


def dotted(field: tuple) -> str:
    """('standards', '2.1', 'rating') -> 'standards.2.1.rating'; list indexes stay numbers."""
    return ".".join(str(part) for part in field)


def _syntax_problem(path: str, exc: yaml.MarkedYAMLError, line_offset: int, text: str = "") -> Problem:
    mark = exc.problem_mark or exc.context_mark
    at_tab = bool(mark) and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    line = (mark.line + 1 + line_offset) if mark else 1
    column = (mark.column + 1) if mark else 1
    problem = (exc.problem or "invalid YAML").strip()
    hint = None
    if at_tab or "'\\t'" in problem or "\\t" in problem or "tab character" in problem:
        problem = "a tab character is used for indentation"
        hint = "YAML is indented with spaces only; replace the tab with spaces"
    elif "mapping values are not allowed" in problem:
        problem = "a ':' where a value was expected"
        hint = "put text containing ': ' in quotes, or check the indentation of this line"
    elif "could not find expected ':'" in problem:
        problem = "a line without 'key: value'"
        hint = "check the indentation and that every key is followed by ':'"
    elif "special characters are not allowed" in problem or "unacceptable character" in problem:
        problem = "the file contains a control character (such as NUL) that YAML does not allow"
        hint = "remove it; it often comes from copying out of another program"
    elif "found undefined alias" in problem or "found undefined anchor" in problem:
        hint = "an alias (*name) must refer to an anchor (&name) defined above it"
    elif exc.context:
        problem = f"{problem} ({exc.context.strip()})"
    if hint is None and "expected" in problem:
        hint = "check the indentation and brackets on this line and the one before"
    return Problem(path, line, column, Severity.ERROR, "", f"YAML syntax: {problem}", hint)


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document into plain data, its source map and any problems."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        return None, SourceMap.empty(), [_syntax_problem(path, exc, line_offset, text)]
    except yaml.reader.ReaderError as exc:
        # libyaml counts bytes, not characters: find the character ourselves.
        found = _CONTROL.search(text)
        index = found.start() if found else 0
        before = text[:index]
        line = before.count("\n") + 1 + line_offset
        column = index - (before.rfind("\n") + 1) + 1
        return None, SourceMap.empty(), [Problem(
            path, line, column, Severity.ERROR, "",
            f"the file contains a control character (code {exc.character:#04x}) that YAML does not allow"
            if isinstance(exc.character, int) else "the file contains a character that YAML does not allow",
            "remove it; it often comes from copying out of another program")]
    except yaml.YAMLError as exc:
        return None, SourceMap.empty(), [Problem(path, 1, 1, Severity.ERROR, "", f"YAML: {exc}")]
    except RecursionError:
        return None, SourceMap.empty(), [Problem(
            path, 1, 1, Severity.ERROR, "", "the YAML is nested too deeply to read",
            "records are at most a few levels deep")]
    if node is None:
        return None, SourceMap.empty(), []
    builder = _Builder(path, line_offset)
    try:
        data = builder.build(node)
    except _TooBig:
        return None, SourceMap.empty(), [Problem(
            path, 1, 1, Severity.ERROR, "",
            f"the file expands to more than {MAX_NODES:,} values (an alias bomb?)",
            "anchors (&) and aliases (*) may repeat small parts only")]
    except _TooDeep as deep:
        return None, SourceMap.empty(), [Problem(
            path, deep.position.line, deep.position.column, Severity.ERROR, "",
            f"the YAML is nested more than {MAX_DEPTH} levels deep",
            "records are at most a few levels deep; check the indentation")]
    except RecursionError:
        return None, SourceMap.empty(), [Problem(
            path, 1, 1, Severity.ERROR, "", "the YAML refers to itself (a recursive alias)")]
    source = SourceMap(MappingProxyType(builder.values), MappingProxyType(builder.keys))
    return data, source, builder.problems

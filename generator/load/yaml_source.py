"""Safe YAML with positions.

PyYAML's own loaders forget where values came from, silently keep the last of two
duplicate keys (which would drop a standard's rating), expand aliases without limit and
apply YAML 1.1's surprises (`yes` becomes True, `17:30` becomes 1050, `07854` loses its
zero). So we walk libyaml's event stream (`yaml.parse`) and build plain data ourselves:

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
from typing import Any, Mapping, NamedTuple

import yaml

from generator.problems import Problem, Severity
from generator.textsafety import UNSAFE_IN_FILE, unsafe_character, unsafe_text_message

# An alias bomb (the "billion laughs") expands a few lines into billions of nodes; real
# records have a few thousand. Building stops, with an error, at this many nodes.
MAX_NODES = 200_000
MAX_DEPTH = 40

_NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's C scanner is much faster than PyYAML's Python one and keeps the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_STANDARD_TAG = "tag:yaml.org,2002:"
# The tags plain YAML resolves to by itself; anything else (!!python/object, !custom) is refused.
_PLAIN_TAGS = {"str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge", "binary", "value"}


class Position(NamedTuple):
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

    def __reduce__(self):
        # Read-only views cannot be pickled; a file read in another process comes back as dicts.
        return _source_map, (dict(self.values), dict(self.keys))


def _source_map(values: dict, keys: dict) -> SourceMap:
    return SourceMap(MappingProxyType(values), MappingProxyType(keys))


class _TooBig(Exception):
    pass


class _TooDeep(Exception):
    def __init__(self, position: "Position") -> None:
        super().__init__()
        self.position = position


class _Frame:
    """A mapping or sequence being built, and where its next value goes."""

    __slots__ = ("container", "field", "is_map", "key", "key_mark", "skip", "size", "anchor", "index")

    def __init__(self, container, field: tuple, is_map: bool, anchor: str | None) -> None:
        self.container = container
        self.field = field
        self.is_map = is_map
        self.key: str | None = None          # in a mapping: the key whose value comes next
        self.key_mark = None
        self.skip = 0                        # > 0 while inside a key that is not plain text
        self.size = 1                        # values inside, for alias-bomb accounting
        self.anchor = anchor
        self.index = 0


class _Builder:
    """Turns libyaml's event stream into plain dicts, lists and strings, recording positions.

    Working on events rather than composed nodes skips PyYAML's Python-side node objects
    and its YAML 1.1 tag resolver, which would cost more than the rest of loading.
    """

    def __init__(self, path: str, line_offset: int, check_text: bool = True) -> None:
        self.path = path
        self.line_offset = line_offset
        self.check_text = check_text         # False: no value can hold a character `textsafety` refuses
        self.values: dict[tuple, Position] = {}
        self.keys: dict[tuple, Position] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.anchors: dict[str, tuple[Any, int]] = {}

    def position(self, mark) -> Position:
        return Position(mark.line + 1 + self.line_offset, mark.column + 1)

    def error(self, mark, field: tuple, message: str, hint: str | None = None) -> None:
        pos = self.position(mark)
        self.problems.append(Problem(self.path, pos.line, pos.column, Severity.ERROR,
                                     dotted(field), message, hint))

    def _unsafe_text(self, text: str, field: tuple, at: Position, several_lines: bool | None = None) -> None:
        index = unsafe_character(text, several_lines)
        if index is not None:
            message, hint = unsafe_text_message(text, index)
            self.problems.append(Problem(self.path, at.line, at.column, Severity.ERROR, dotted(field), message, hint))

    def _bad_tag(self, event, field: tuple) -> bool:
        tag = event.tag or ""
        if not tag or tag == "!":
            return False
        if tag.startswith(_STANDARD_TAG) and tag.removeprefix(_STANDARD_TAG) in _PLAIN_TAGS:
            return False
        self.error(event.start_mark, field, f"the YAML tag '{tag}' is not allowed",
                   "remove the tag; records hold plain text, numbers, lists and mappings")
        return True

    def build(self, events) -> Any:
        stack: list[_Frame] = []
        result: Any = None
        documents = 0
        for event in events:
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    self.error(event.start_mark, (), "YAML syntax: a record file holds one YAML document",
                               "remove the second '---' line")
                    return result
                continue
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            frame = stack[-1] if stack else None

            if frame is not None and frame.skip:          # inside a key that is a list or mapping
                if kind in (yaml.MappingStartEvent, yaml.SequenceStartEvent):
                    frame.skip += 1
                elif kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                    frame.skip -= 1
                continue

            if kind in (yaml.MappingEndEvent, yaml.SequenceEndEvent):
                done = stack.pop()
                if done.anchor:
                    self.anchors[done.anchor] = (done.container, done.size)
                if stack:
                    stack[-1].size += done.size
                else:
                    result = done.container
                continue

            # A key of a mapping
            if frame is not None and frame.is_map and frame.key is None:
                if kind is not yaml.ScalarEvent:
                    self.error(event.start_mark, frame.field, "a key must be plain text, not a list or mapping")
                    if kind is not yaml.AliasEvent:
                        frame.skip = 1
                    frame.key = "\0skipped"
                    continue
                key = event.value
                if self.check_text:
                    self._unsafe_text(key, frame.field + (key,), self.position(event.start_mark), several_lines=False)
                if not event.style and key == "<<":
                    self.error(event.start_mark, frame.field, "merge keys ('<<') are not supported",
                               "write the fields out in full")
                    key = "\0merge"
                here = frame.field + (key,)
                if key in frame.container:
                    first = self.keys[here]
                    self.error(event.start_mark, here, f"duplicate key '{key}' (first given at line {first.line})",
                               "YAML keeps only one of them; merge the two entries")
                    key = "\0duplicate"
                elif not key.startswith("\0"):
                    self.keys[here] = self.position(event.start_mark)
                frame.key = key
                continue

            # A value: where it goes
            if frame is None:
                field = ()
            elif frame.is_map:
                field = frame.field + (frame.key,)
            else:
                field = frame.field + (frame.index,)
            self.count += 1
            if self.count > MAX_NODES:
                raise _TooBig()
            position = self.position(event.start_mark)

            if kind is yaml.ScalarEvent:
                if event.style in ("|", ">"):
                    # A block scalar's text starts on the line after its '|' or '>':
                    # point there, so a line counted inside the text lands on the right file line.
                    position = Position(position.line + 1, position.column)
                value = None if self._bad_tag(event, field) or (not event.style and event.value in _NULLS) \
                    else event.value
                if self.check_text and value is not None:
                    self._unsafe_text(value, field, position)
                size = 1
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif kind is yaml.AliasEvent:
                if event.anchor not in self.anchors:
                    self.error(event.start_mark, field, f"the alias '*{event.anchor}' refers to no anchor",
                               "an alias (*name) must refer to an anchor (&name) defined above it")
                    value, size = None, 1
                else:
                    value, size = self.anchors[event.anchor]
                    self.count += size
                    if self.count > MAX_NODES:
                        raise _TooBig()
            else:                                          # a mapping or sequence starts
                if len(stack) >= MAX_DEPTH:
                    raise _TooDeep(position)
                self._bad_tag(event, field)
                self.values[field] = position
                child = _Frame({} if kind is yaml.MappingStartEvent else [], field,
                               kind is yaml.MappingStartEvent, event.anchor)
                self._attach(frame, child.container)
                stack.append(child)
                continue

            self.values[field] = position
            if frame is None:
                return value
            frame.size += size
            self._attach(frame, value)
        return result

    @staticmethod
    def _attach(frame: "_Frame | None", value: Any) -> None:
        if frame is None:
            return
        if frame.is_map:
            if not frame.key.startswith("\0"):
                frame.container[frame.key] = value
            frame.key = None
        else:
            frame.container.append(value)
            frame.index += 1


def dotted(field: tuple) -> str:
    """('standards', '2.1', 'rating') -> 'standards.2.1.rating'; list indexes stay numbers."""
    return ".".join(str(part) for part in field)


_OPENERS = {"while parsing a flow mapping": "{", "while parsing a flow sequence": "["}
_CLOSERS = {"{": "}", "[": "]"}


def _quoted_before(text: str, mark: yaml.Mark) -> "yaml.ScalarToken | None":
    """The quoted text that ends where a syntax error is found and spans several lines:
    its opening quote, not the error's place, is where a quote left open was written."""
    last = None
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            if token.start_mark.index >= mark.index:
                break
            last = token
    except yaml.YAMLError:
        pass
    if isinstance(last, yaml.ScalarToken) and last.style in ('"', "'") and last.start_mark.line < last.end_mark.line:
        return last
    return None


_FLOW_STARTS = (yaml.FlowSequenceStartToken, yaml.FlowMappingStartToken)
_FLOW_ENDS = {yaml.FlowSequenceEndToken: yaml.FlowSequenceStartToken, yaml.FlowMappingEndToken: yaml.FlowMappingStartToken}


def _closed_later(text: str, start: yaml.Mark) -> bool:
    """Is the bracket at `start` closed by its own closer? The parser names the brackets it was
    in for any fault inside them (a key over two lines, a second ': '), not only a missing closer."""
    opened: list = []
    try:
        for token in yaml.scan(text[start.index:], Loader=_LOADER):
            if isinstance(token, _FLOW_STARTS):
                opened.append(type(token))
            elif type(token) in _FLOW_ENDS:
                if not opened or opened.pop() is not _FLOW_ENDS[type(token)]:
                    return False
                if not opened:
                    return True
    except yaml.YAMLError:
        pass
    return False


def _closed_on_its_line(text: str, opening: int) -> bool:
    """Is the quote at `opening` closed on its own line? A key quoted whole ('"1.2" Good', its ':'
    left out) is no quote left open, though YAML's parser stops at the line after it alike."""
    quote, end = text[opening], text.find("\n", opening)
    line = text[opening + 1:end if end >= 0 else len(text)]
    # Inside double quotes a backslash escapes the next character; inside single quotes '' is one quote.
    unescaped = line.replace("\\\\", "").replace('\\"', "") if quote == '"' else line.replace("''", "")
    return quote in unescaped


def _unclosed(exc: yaml.MarkedYAMLError, text: str) -> "tuple[yaml.Mark, str, str] | None":
    """Where a quote or bracket was opened and never closed, and what to say there: the
    parser notices only lines later (often at the end of the file), far from the slip."""
    context, start, problem = (exc.context or "").strip(), exc.context_mark, exc.problem_mark
    if context == "while scanning a quoted scalar" and start:
        return start, "a quote opened here is never closed", "close the quote at the end of its text"
    if context == "while scanning a simple key" and start and problem and problem.line > start.line \
            and text[start.index:start.index + 1] in ('"', "'") and not _closed_on_its_line(text, start.index):
        return (start, f"the quoted text that starts here runs on to line {problem.line + 1}",
                "close the quote at the end of its text on this line")
    opener = _OPENERS.get(context)
    if opener and start and problem and problem.line > start.line and not _closed_later(text, start):
        return (start, f"a '{opener}' opened here is not closed",
                f"close it with '{_CLOSERS[opener]}' on the same line, or put text holding '{opener}' in quotes")
    # A quote left open runs on to where the fault is found, on its text's last line. A key begun
    # on a later line and missing its ':' is found after quoted text that ended well.
    found = start if context == "while scanning a simple key" and start else problem
    quoted = _quoted_before(text, found) if found and "expected" in (exc.problem or "") else None
    if quoted and quoted.end_mark.line == found.line:
        return (quoted.start_mark, f"the quoted text that starts here runs on to line {quoted.end_mark.line + 1}",
                "close the quote at the end of its text on this line")
    return None


# A space that is not one to YAML (pasted from Word, Outlook or a web page) where YAML needs one:
# in a line's indentation, or after a key's ':' or a list's '-'. The parser notices lines later.
_HARD_SPACES = "\u00a0\u2007\u202f"
_HARD_SPACE_IN_SYNTAX = re.compile(rf"^[ {_HARD_SPACES}]*[{_HARD_SPACES}]|^ *(?:- +)?[\w\"'.-]+:[{_HARD_SPACES}]"
                                   rf"|^ *-[{_HARD_SPACES}]", re.M)
_CURLY_QUOTES = "\u2018\u2019\u201c\u201d"


# How many of them, nearest the error first, are tried in its place (each a parse of the text).
_HARD_SPACES_TRIED = 20


def _hard_space_before(text: str, exc: yaml.MarkedYAMLError) -> "tuple[int, int] | None":
    """(line, column), 0-based, of the hard space in YAML's syntax on or before the error's line
    that caused it: the nearest whose mending to a space moves or ends the error (one in a block
    of text, 'Note:\u00a0...', is text, and no cause of an error after it)."""
    mark = exc.problem_mark or exc.context_mark
    if mark is None:
        return None
    found, line, counted = [], 0, 0
    for match in _HARD_SPACE_IN_SYNTAX.finditer(text):
        at = match.start() + next(i for i, c in enumerate(match.group()) if c in _HARD_SPACES)
        # Lines counted on from the last one: counted from the top for each, thousands were slow.
        line, counted = line + text.count("\n", counted, at), at
        if line > mark.line:
            break
        found.append(at)
    for at in reversed(found[-_HARD_SPACES_TRIED:]):
        if _parse_error(text[:at] + " " + text[at + 1:]) != (exc.problem, mark.index):
            return text.count("\n", 0, at), at - (text.rfind("\n", 0, at) + 1)
    return None


def _parse_error(text: str) -> "tuple[str | None, int | None] | None":
    """The problem YAML's parser finds in `text` and where (its index), or None."""
    try:
        for _ in yaml.parse(text, Loader=_LOADER):
            pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return exc.problem, mark.index if mark else None
    except yaml.YAMLError:
        return "", None
    return None


def _syntax_problem(path: str, exc: yaml.MarkedYAMLError, line_offset: int, text: str = "") -> Problem:
    unclosed = _unclosed(exc, text)
    if unclosed:
        mark, problem, hint = unclosed
        return Problem(path, mark.line + 1 + line_offset, mark.column + 1, Severity.ERROR, "",
                       f"YAML syntax: {problem}", hint)
    mark = exc.problem_mark or exc.context_mark
    hard = _hard_space_before(text, exc)
    if hard:
        return Problem(path, hard[0] + 1 + line_offset, hard[1] + 1, Severity.ERROR, "",
                       "YAML syntax: a non-breaking space where YAML needs an ordinary space",
                       "it often comes from pasting out of Word, Outlook or a web page: delete it and type a space")
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
        if mark and any(quote in text.split("\n")[mark.line] for quote in _CURLY_QUOTES):
            hint = ("the quotes on this line are curly ones (\u2018 \u2019 \u201c \u201d, as Word types them), which "
                    "YAML reads as text: put the text in straight quotes ' or \"")
    elif "could not find expected ':'" in problem:
        # The parser stops at the line after the one without its ':' (or after the blank lines and
        # comments that follow it); the line at fault is where the key it was reading starts.
        if (exc.context or "").strip() == "while scanning a simple key" and exc.context_mark:
            line, column = exc.context_mark.line + 1 + line_offset, exc.context_mark.column + 1
        problem = "a line without 'key: value'"
        hint = ("put ':' and a space after its key, or '- ' before it if it is an item of a list; a line "
                "that carries on the text above is indented further than that text's key")
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


def _too_deep(path: str, position: Position) -> Problem:
    return Problem(path, position.line, position.column, Severity.ERROR, "",
                   f"the YAML is nested more than {MAX_DEPTH} levels deep",
                   "records are at most a few levels deep; check the indentation")


def parse_yaml(text: str, path: str, line_offset: int = 0) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse one YAML document into plain data, its source map and any problems."""
    # Only an escape (in double quotes) or the character itself can put one in a value.
    builder = _Builder(path, line_offset, "\\" in text or UNSAFE_IN_FILE.search(text) is not None)
    try:
        data = builder.build(yaml.parse(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml's own limit (in the libyaml that PyYAML 6.0.4 bundles): its scanner reads
            # ahead through brackets and can reach it before this builder sees MAX_DEPTH levels.
            mark = exc.problem_mark
            return None, SourceMap.empty(), [_too_deep(path, Position(mark.line + 1 + line_offset, mark.column + 1)
                                                       if mark else Position(1 + line_offset, 1))]
        return None, SourceMap.empty(), builder.problems + [_syntax_problem(path, exc, line_offset, text)]
    except yaml.reader.ReaderError:
        # libyaml counts bytes, not characters: find the character ourselves.
        found = _CONTROL.search(text)
        index = found.start() if found else 0
        before = text[:index]
        line = before.count("\n") + 1 + line_offset
        column = index - (before.rfind("\n") + 1) + 1
        code = f" (code {ord(found.group()):#04x})" if found else ""
        return None, SourceMap.empty(), [Problem(
            path, line, column, Severity.ERROR, "",
            f"the file contains a control character{code} that YAML does not allow",
            "remove it; it often comes from copying out of another program")]
    except yaml.YAMLError as exc:
        return None, SourceMap.empty(), [Problem(path, 1, 1, Severity.ERROR, "", f"YAML: {exc}")]
    except _TooBig:
        return None, SourceMap.empty(), [Problem(
            path, 1, 1, Severity.ERROR, "",
            f"the file expands to more than {MAX_NODES:,} values (an alias bomb?)",
            "anchors (&) and aliases (*) may repeat small parts only")]
    except _TooDeep as deep:
        return None, SourceMap.empty(), [_too_deep(path, deep.position)]
    source = SourceMap(MappingProxyType(builder.values), MappingProxyType(builder.keys))
    return data, source, builder.problems

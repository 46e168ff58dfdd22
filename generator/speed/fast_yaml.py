"""The fast path for reading YAML: plain records through rapidyaml, positions left for later.

`yaml_source.parse_yaml` walks libyaml's event stream in Python so that every value keeps
its line and column. That is the authority, but it costs a Python call per event, which
makes reading the largest part of a cold build. Most records are plain
block YAML: mappings, lists and scalars, without anchors, tags or other rarities. For
those, rapidyaml (C++) parses the text and writes it out as JSON, which Python's C
decoder reads back: the same data, many times faster.

The fast path answers only inside a subset where both parsers give the same plain data
(every scalar as text, `null`/empty as None). For anything outside it `try_load` says no,
and the caller uses `parse_yaml`; so does every file with a problem, because positions
come only from there (`documents.LazySourceMap`). One difference is left to validation:
nesting deeper than `MAX_DEPTH` is read here (measuring depth would cost a walk of every
value), but no record validates that deep, and a file that fails validation is parsed
again by `parse_yaml`, whose problems are then reported instead
(`validate.validate_document`). `tests/test_fast_yaml.py` compares the two paths on the
shipped content, every test fixture, the benchmark corpus and generated YAML.
"""

from __future__ import annotations

import json
import os
import re
import threading
from typing import Any

try:
    import ryml
except ImportError:                     # a platform without a rapidyaml wheel: libyaml only
    ryml = None

from generator.load.yaml_source import MAX_NODES
from generator.textsafety import BIDI_CONTROLS, NONCHARACTERS

# Text the subset leaves out, each because rapidyaml and libyaml read it differently or
# because only libyaml's path reports it as a problem. Each test is a plain substring or
# character-class scan, quicker than one alternation regex; the rare hits are
# looked at more closely.
# Tabs, control characters, Unicode line breaks (libyaml is YAML 1.1: NEL, LS and PS end
# lines), and the characters only libyaml's path refuses (`textsafety`):
_UNUSUAL_CHARACTER = re.compile(
    f"[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff{NONCHARACTERS}{BIDI_CONTROLS}]")
_INDICATOR = re.compile("[&*!%@`]")               # anchor, alias, tag, directive, reserved
# `<<` beginning a node: as a key it need not have a colon after it (`? <<`, `{a: b, <<}`).
_MERGE_KEY = re.compile(r"(?:^|[-?:][ ]|[\[{,])[ ]*<<", re.MULTILINE)
_OTHER_NULL = re.compile("N(?:ull|ULL)")          # one search, led by one character: quicker than two
# A quoted scalar (no backslash by then: a text with one has gone to libyaml's path), in the
# text's UTF-8 bytes. It is a whole node when it opens its line after spaces, or follows an
# indicator (`_quoted_node_starts`; one after an anchor or a tag is in a text `_INDICATOR`
# sends to libyaml's path); a quote inside plain prose (`note: The "Board" - met`) is not one.
_QUOTED = rb"""(?:"[^"]*"|'(?:[^']|'')*')"""
# rapidyaml ends the document at `...` indented after a list item, too, and at `---` or `...`
# after a list item's closing quote or bracket on its line (libyaml: syntax errors).
_DOCUMENT_MARKER = re.compile(r"(?:^|[\]}][ ]+)(?:---|[ ]*\.\.\.)(?:[ \r]|$)", re.MULTILINE)
_DOCUMENT_MARKER_AFTER_QUOTED = re.compile(_QUOTED + rb"[ ]+(?:---|[ ]*\.\.\.)(?:[ \r]|$)", re.MULTILINE)
# `]`, `}` or `,` starting a plain value outside brackets: libyaml's syntax error, rapidyaml's text.
# Separate literal-led patterns: Python's re scans for a literal first character quickly.
_FLOW_END_STARTS_VALUE = tuple(re.compile(p) for p in (r": +[\]},]", r"- +[\]},]", r"\? +[\]},]", r"\n *[\]},]"))
# Each of those has a space or line break and then `]`, `}` or `,` in it; looking for that pair
# first skips the patterns in most files. One pass maps the bytes to classes (1: space, line
# break, `[` or `{`; 2: `]`, `}` or `,`; 3: `:` or `?`; 4: a quote; 5: `|` or `>`; 6: `-`), and one
# search finds the pair: quicker than six searches. (`[]` and `{}` are pairs too; the patterns then
# say no.) The checks below look for their own sequences in the same classes.
_SPACE_THEN_FLOW_END = b"\x01\x02"
_BYTE_CLASSES = bytes(1 if b in b" \n[{" else 2 if b in b"]}," else 3 if b in b":?" else 4 if b in b"'\""
                          else 5 if b in b"|>" else 6 if b == ord("-") else 0 for b in range(256))
# `- "x" - y`: rapidyaml reads a second list item after a quoted or bracketed one on its line,
# libyaml a syntax error. Found in the byte classes with spaces left out (6: `-`), then confirmed.
_ITEM_AFTER_NODE_CLASSES = re.compile(b"\x06(?<=[\x02\x04]\x06)")
_ITEM_AFTER_NODE = re.compile(r"[\]}] +-(?:[ \r\n]|$)", re.MULTILINE)
_ITEM_AFTER_QUOTED = re.compile(_QUOTED + rb" +-(?:[ \r\n]|$)", re.MULTILINE)
# Text after a quoted node on its line (`- "q" 1: x`): libyaml's syntax error; rapidyaml may
# read the rest as a key of the mapping above. Only a colon, comma, closing bracket or (after
# a space) a comment may follow one.
# (A single quote doubled is one quote in the text, not the end of it.)
_TEXT_AFTER_QUOTED = re.compile(_QUOTED + rb"(?!')(?:[ ]+[^ \r\n#:,\]}]|[^ \r\n:,\]}])")
# A comma or closing bracket after one, then a key (`- "q" ]x: y`): rapidyaml reads the key,
# libyaml refuses it when no bracket was open. Taken as outside brackets unless one opens on its
# line (a mapping in braces over several lines, `{a: "x",<line break> b: "y"}`, has no key after).
_FLOW_END_AFTER_QUOTED = re.compile(_QUOTED + rb"(?!')[ ]*[,\]}][^\r\n]*:(?:[ \r\n]|$)", re.MULTILINE)


# `- {} x: y`: a key after a flow collection on its line, which libyaml refuses and rapidyaml
# reads as a key of the mapping above. Looked for after each closing bracket (found by a byte
# search); a key in quoted or block text after one (`"[x] and board: met"`) goes to libyaml's
# path too, read the same but slower.
_KEY_AFTER_BRACKET = re.compile(rb"[ ]+[^ \r\n#:,\]}][^\r\n]*:(?:[ \r\n]|$)", re.MULTILINE)


def _key_after_flow_collection(encoded: bytes) -> bool:
    for closer in (b"]", b"}"):                # (a one-byte search is the quickest)
        at = encoded.find(closer)
        while at >= 0:
            # (not a bracket inside double quotes: `- "[7] https://... year: 14"`)
            if encoded[at + 1:at + 2] == b" " and _KEY_AFTER_BRACKET.match(encoded, at + 1) and \
                    encoded.count(b'"', encoded.rfind(b"\n", 0, at) + 1, at) % 2 == 0:
                return True
            at = encoded.find(closer, at + 1)
    return False


_INDICATOR_BYTES = frozenset(b"-:?,[{\n")       # what a quoted node may follow on its line


def _quoted_node_starts(encoded: bytes, classes: bytes) -> list[int]:
    """Where each quoted scalar that is a whole node opens, in `encoded` (`classes`: its bytes
    in `_BYTE_CLASSES`, where 4 is a quote). Each quote is found by a byte search and looked
    back from: quicker than a pattern tried at every indicator."""
    starts = []
    at = classes.find(4)
    while at >= 0:
        before = at - 1
        while before >= 0 and encoded[before] == 32:         # spaces
            before -= 1
        if before < 0 or encoded[before] in _INDICATOR_BYTES:
            starts.append(at)
        at = classes.find(4, at + 1)
    return starts


def _quoted_node_then(pattern: re.Pattern, encoded: bytes, starts: list[int],
                      before_also=lambda before: True) -> bool:
    """Does `pattern` (a quoted scalar, then what must not follow it) match at one of `starts`
    (`_quoted_node_starts`), with `before_also` true of what stands before it on its line?"""
    return any(pattern.match(encoded, at) and before_also(encoded[encoded.rfind(b"\n", 0, at) + 1:at])
               for at in starts)


def _not_in_comment_nor_quotes(before: bytes) -> bool:
    """What stands before a quote is not a comment (`# the source: "x" said`), nor the inside
    of a double-quoted scalar (`"... Council:"   # the source's words`)."""
    return b"#" not in before and before.count(b'"') % 2 == 0


def _outside_brackets(before: bytes) -> bool:
    return _not_in_comment_nor_quotes(before) and b"[" not in before and b"{" not in before


# A block scalar's header ('|', '>-', '|2+'): rapidyaml lets through headers libyaml refuses.
_BLOCK_SCALAR = tuple(re.compile(p) for p in (r": +[|>]", r"- +[|>]", r"\n *[|>]"))
# No indentation indicator ('|2'): rapidyaml drops a more-indented blank line that libyaml keeps.
# No comment either: rapidyaml reads a '-' or '+' in it as the header's (`| # see - below`).
_VALID_HEADER = re.compile(r"[|>][-+]? *$")
# A header first after blank and comment lines, or at a line's start not indented: a block
# scalar as the whole document. (`match`, not `search`: a pattern led by `^` scans slowly.)
_TOP_BLOCK_SCALAR = re.compile(r"(?:[ ]*(?:#.*)?\r?\n)*[ ]*[|>]")
# rapidyaml writes `.Inf` lower-cased, and `inf`, `nan` and `infinity` (no point) as `.inf`/`.nan`.
_SPECIAL_FLOAT = re.compile(r"\b(?:inf(?:inity)?|nan)\b", re.IGNORECASE)
# In brackets libyaml reads `?` or `:` starting a node as an indicator (`{?a: b}` is the key `a`,
# `{k: ?x}`, `[a, :x]` and `[a:]` syntax errors) where rapidyaml reads text, and rapidyaml lets
# `[?` or `[:` go unclosed; after a quoted key the colon needs no space (`{"k"::x}`).
_FLOW_INDICATOR = re.compile(r"(?:^|[\[{,]|: )[ ]*[?:]|['\"]:[?:|>]|:[,\]}?]", re.MULTILINE)
# That pattern scans slowly (led by `^` and classes of characters), so it only confirms what
# these find in the byte classes above, led by a literal: `:` or `?` after a space, line break,
# bracket, comma, `:` or `?`, or before `]`, `}` or `,`; and a quote, `:`, then `:`, `?`, `|` or `>`.
_FLOW_INDICATOR_CLASSES = (re.compile(b"\x03(?:(?<=[\x01\x02\x03]\x03)|(?=\x02))"),
                           re.compile(b"\x04\x03[\x03\x05]"))
# A complex key (`? key`): rapidyaml accepts much after one that libyaml refuses (`:value` on
# the next line, text straight after a quoted key).
_COMPLEX_KEY = re.compile(r"^[ ]*(?:-[ ]+)*\?(?:[ \r\n]|$)", re.MULTILINE)


_PLAIN_ASCII = bytes(range(0x20, 0x7f)) + b"\n\r"
_NON_ASCII = bytes(range(0x80, 0x100))
_NOT_INDICATOR = bytes(b for b in range(256) if chr(b) not in "&*!%@`")


def _bad_block_header(text: str) -> bool:
    for pattern in _BLOCK_SCALAR:
        for found in pattern.finditer(text):
            start = found.end() - 1
            end = text.find("\n", start)
            if not _VALID_HEADER.match(text, start, len(text) if end < 0 else end):
                return True
    return False


def _begins_node(text: str, at: int) -> bool:
    """Would the character at `at` begin a node: only spaces before it on its line, or
    after `[`, `{`, `,`, a quote, `]` or `}`, or after `-`, `:` or `?` and a space? (A walk back over the
    line, because a regular expression from the line's start would run for every `*` and
    `%`, and prose is full of them.)"""
    before = at - 1
    while before >= 0 and text[before] == " ":
        before -= 1
    if before < 0 or text[before] == "\n":
        return True
    character = text[before]
    # after a closing quote or bracket, too: rapidyaml reads `'q'!` as '' where libyaml finds a tag;
    # and after a quoted key's colon with no space (`{"k":*x}`), where libyaml starts the value
    return character in "[{,'\"]}" or (character in "-:?" and before < at - 1) or (
        character == ":" and before > 0 and text[before - 1] in "'\"")


def _outside_subset(text: str, encoded: bytes) -> bool:
    unusual = encoded.translate(None, _PLAIN_ASCII)        # C speed; usually empty
    if unusual and (unusual.translate(None, _NON_ASCII)     # a tab or an ASCII control character
                    or _UNUSUAL_CHARACTER.search(text)):    # non-ASCII: look at which
        return True
    if "\r" in text and text.count("\r") != text.count("\r\n"):       # a lone carriage return
        return True
    if "\\" in text:
        # escapes in double quotes: libyaml's path reads them all (rapidyaml differs on a few)
        return True
    # (a block scalar as the whole document: no pattern finds a header at the text's start; and
    # without a final line break rapidyaml still ends a block scalar with one, libyaml does not)
    if ("|" in text or ">" in text) and (text.lstrip(" ")[:1] in ("|", ">") or not text.endswith("\n")
                                         or "\n|" in text or "\n>" in text or _TOP_BLOCK_SCALAR.match(text)
                                         or _bad_block_header(text)):
        return True
    if "~" in text or _OTHER_NULL.search(text):
        # the other spellings of null: rapidyaml writes them as text, libyaml's path as None
        return True
    if "?" in text and _COMPLEX_KEY.search(text):
        return True
    if "<" in text and "<<" in text and _MERGE_KEY.search(text):      # one character is found quickest
        return True
    classes = encoded.translate(_BYTE_CLASSES)
    starts = _quoted_node_starts(encoded, classes) if ('"' in text or "'" in text) else []
    if ("---" in text or "..." in text) and (_DOCUMENT_MARKER.search(text)
                                             or _quoted_node_then(_DOCUMENT_MARKER_AFTER_QUOTED, encoded, starts)):
        return True                                                   # several documents
    if text.lstrip(" ")[:1] in ("]", "}", ",") or (
            _SPACE_THEN_FLOW_END in classes and any(p.search(text) for p in _FLOW_END_STARTS_VALUE)):
        return True
    if (_ITEM_AFTER_NODE_CLASSES.search(encoded.translate(_BYTE_CLASSES, b" "))
            and (_ITEM_AFTER_NODE.search(text) or _quoted_node_then(_ITEM_AFTER_QUOTED, encoded, starts))):
        return True
    if (_quoted_node_then(_TEXT_AFTER_QUOTED, encoded, starts, _not_in_comment_nor_quotes)
            or _quoted_node_then(_FLOW_END_AFTER_QUOTED, encoded, starts, _outside_brackets)):
        return True
    if ("]" in text or "}" in text) and _key_after_flow_collection(encoded):
        return True
    if (("[" in text or "{" in text) and any(p.search(classes) for p in _FLOW_INDICATOR_CLASSES)
            and _FLOW_INDICATOR.search(text)):
        return True
    if encoded.translate(None, _NOT_INDICATOR):
        for found in _INDICATOR.finditer(text):
            if _begins_node(text, found.start()):
                return True
    return False


# JSON needs a digit either side of a point, so rapidyaml writes `.5` as 0.5 and `5.` as 5.0.
_POINT_DIGIT = re.compile(r"\.\d")
_TRAILING_POINT = re.compile(r"\d\.(?:[eE]|[ ]*(?:\r?$|[,\]}#]))", re.MULTILINE)   # `$`: not before `\r`
_BARE_BOOLEAN = re.compile(r"[:\[,]\s*(?:true|false)\s*[,\]}\n]")


class _Outside(Exception):
    """The text is outside the subset: use the libyaml path."""


# A line break with the spaces either side, as libyaml folds it inside a key (to one space).
_FOLDED = re.compile(r"[ ]*\r?\n[ ]*")
_MANY_SPACED_KEYS = 50


class _Mappings:
    """Makes each JSON object a dict, refusing what libyaml's path would report, and noting
    the keys with a space in them (`_folded_key` looks at those against the text)."""

    def __init__(self) -> None:
        self.spaced: list[str] = []

    def __call__(self, pairs: list) -> dict:
        mapping = dict(pairs)
        if len(mapping) != len(pairs) or "" in mapping:
            # a duplicate key, which libyaml's path reports; an empty key, which rapidyaml
            # accepts in places where libyaml finds a syntax error
            raise _Outside()
        keys = "".join(mapping)
        if "\n" in keys or (len(keys) > 1000 and any(len(key) > 1000 for key in mapping)):
            raise _Outside()            # a line break in a key, or one over 1,024 characters: libyaml refuses both
        if " " in keys:
            spaced = [key for key in mapping if " " in key]
            if any(key.startswith(" ") or key.endswith(" ") for key in spaced):
                # folded at its edge (`"\n a":`), which `_folded_key` cannot tell from one line
                raise _Outside()
            self.spaced += spaced
        return mapping


def _folded_key(keys: list[str], text: str) -> bool:
    """Was one of these keys written over two lines (folded to a space)? libyaml refuses such
    a key, rapidyaml reads it. A key written on one line ('Requires improvement: 1') is in
    the text as it is, before its colon (and its closing quote). Finding it so is not enough:
    a comment, a value or another key can hold the same words; so it is counted again with
    every line break folded, and found more often then, one was written over two lines."""
    distinct = set(keys)
    if len(distinct) > _MANY_SPACED_KEYS:
        return True                     # two searches of the text each: libyaml's path is quicker
    flat = None
    for key in distinct:
        pattern = re.compile(re.escape(key) + r"""['"]?[ ]*:""")
        written = len(pattern.findall(text))
        if not written:
            return True
        flat = _FOLDED.sub(" ", text) if flat is None else flat
        if len(pattern.findall(flat)) > written:
            return True
    return False


class _Floats:
    """Keeps each JSON number as the text it was written as, noting the ambiguous ones."""

    def __init__(self) -> None:
        self.leading = self.trailing = False

    def __call__(self, text: str) -> str:
        if text.startswith(("0.", "-0.")):
            self.leading = True
        if ".0" in text and (text.endswith(".0") or ".0e" in text or ".0E" in text):
            self.trailing = True
        return text


def _leading_point(text: str) -> bool:
    """Is a number written as `.5` or `-.5` (a point with no digit before it)?"""
    for found in _POINT_DIGIT.finditer(text):
        before = text[found.start() - 1: found.start()]
        if not (before.isalnum() or before in ("_", ".")):
            return True
    return False


def _no_constants(name: str):
    raise _Outside()


def _booleans_as_text(value: Any) -> Any:
    """rapidyaml writes a plain `true`/`false` as a JSON boolean; records keep it as text."""
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, dict):
        return {key: _booleans_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_booleans_as_text(item) for item in value]
    return value


class _QuietStderr:
    """rapidyaml prints each parse error to stderr before raising it. A file it cannot
    read goes to libyaml's path, which reports the error properly, so its message is
    only noise: fd 2 points at /dev/null while rapidyaml reads one text, and at nothing
    else (held across a caller's work, it swallowed that work's crash and messages)."""

    _lock = threading.Lock()

    def __enter__(self) -> "_QuietStderr":
        self._lock.acquire()
        try:
            self.saved: int | None = os.dup(2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 2)
            os.close(null)
        except OSError:                 # no fd 2 (a daemon): nothing to quieten
            self.saved = None
        return self

    def __exit__(self, *exc) -> None:
        if self.saved is not None:
            os.dup2(self.saved, 2)
            os.close(self.saved)
        self._lock.release()


def _load_plain(text: str) -> Any:
    """The data of one YAML document as plain dicts, lists, text and None, or `_Outside`
    raised when the text is outside the fast path's subset. Call inside `_QuietStderr()`."""
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:   # a lone surrogate: libyaml's path says what is wrong
        raise _Outside() from exc
    if ryml is None or not text.strip() or _outside_subset(text, encoded):
        raise _Outside()
    try:
        tree = ryml.parse_in_arena(encoded)
    except Exception as exc:            # any parse error: libyaml's path says what and where
        raise _Outside() from exc
    if tree.size() > MAX_NODES:
        raise _Outside()
    try:
        emitted = ryml.emit_json(tree)
    except Exception as exc:            # e.g. nesting deeper than rapidyaml will write out
        raise _Outside() from exc
    if emitted is None:
        raise _Outside()
    floats, mappings = _Floats(), _Mappings()
    try:
        data = json.JSONDecoder(object_pairs_hook=mappings, parse_int=str, parse_float=floats,
                                parse_constant=_no_constants).decode(emitted)
    except ValueError as exc:           # e.g. `+1`, or a control character from an escape
        raise _Outside() from exc
    if (floats.leading and _leading_point(text)) or (floats.trailing and _TRAILING_POINT.search(text)):
        raise _Outside()
    if mappings.spaced and _folded_key(mappings.spaced, text):
        raise _Outside()
    if " #" in emitted and ("{" in text or "[" in text):
        raise _Outside()                # `{k: x #c}`: rapidyaml's text 'x #c', libyaml's comment
    if (".inf" in emitted or ".nan" in emitted) and _SPECIAL_FLOAT.search(text):
        raise _Outside()                # `.Inf` or `inf`: rapidyaml writes `.inf`
    # (a document that is one boolean has nothing around it for the pattern to find)
    if data is True or data is False or (("true" in emitted or "false" in emitted) and _BARE_BOOLEAN.search(emitted)):
        data = _booleans_as_text(data)
    return data


def try_load(text: str) -> tuple[bool, Any]:
    """(True, data) on the fast path; (False, None) when libyaml's path must read the text."""
    with _QuietStderr():
        try:
            return True, _load_plain(text)
        except _Outside:
            return False, None

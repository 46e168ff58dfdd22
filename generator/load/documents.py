"""Stage 1, load: read each file `files.find_files` found into a `Document`.

Reading is the only thing this stage does. Files are read with limits (size; UTF-8 only,
a byte-order mark allowed) so that a stray 50 MB export or a file saved as Windows-1252
gives a clear error instead of a hang.

Plain records are read by the fast path (`speed.fast_yaml`), which keeps no positions:
their `LazySourceMap` reads the file again, through the position-keeping parser, the
first time a problem in it needs a line and column. Only files with problems pay for
positions. Records come out one at a time (`read_records`), so validation takes each as
it is read and a large corpus's plain data is never all in memory at once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol

from generator.load.files import (MAX_ATTACHMENT_BYTES, MAX_RECORD_BYTES, FileFacts, Found, SiteFiles, decode_text,
                                  file_facts, read_limited)
from generator.load.yaml_source import Position, SourceMap, parse_yaml
from generator.problems import Problem, Severity, rel
from generator.speed import fast_yaml
from generator.speed.parsed_cache import Parsed, ParsedCache


@dataclass(frozen=True)
class LazySourceMap:
    """A `SourceMap` made when first asked for: the file is read again and parsed by the
    position-keeping parser. Read by the fast path, a file without problems never is."""

    file: Path
    shown: str

    @cached_property
    def _parsed(self) -> tuple[SourceMap, tuple[Problem, ...]]:
        try:
            text, _ = decode_text(self.file.read_bytes(), self.shown)
        except OSError:
            text = None
        if text is None:
            return SourceMap.empty(), ()
        if self.file.suffix == ".md":
            front, _, _ = split_front_matter(text)
            _, source, problems = parse_yaml(front or "", self.shown, line_offset=1)
        else:
            _, source, problems = parse_yaml(text, self.shown)
        return source, tuple(problems)

    @property
    def _map(self) -> SourceMap:
        return self._parsed[0]

    @property
    def problems(self) -> tuple[Problem, ...]:
        """What the position-keeping parser says of the file. Empty for any file the fast
        path reads the same way; asked when validation fails, so that a file outside what
        either parser should accept (nesting too deep, say) gets libyaml's path's message."""
        return self._parsed[1]

    @property
    def values(self) -> Mapping[tuple, Position]:
        return self._map.values

    @property
    def keys(self) -> Mapping[tuple, Position]:
        return self._map.keys

    def locate(self, path: tuple) -> Position:
        return self._map.locate(path)

    def locate_key(self, path: tuple) -> Position:
        return self._map.locate_key(path)


def _parse(text: str, file: Path, shown: str, line_offset: int = 0
           ) -> tuple[Any, SourceMap | LazySourceMap, list[Problem]]:
    """The fast path when the text is inside its subset, else the position-keeping parser."""
    fast, data = fast_yaml.try_load(text)
    if fast:
        return data, LazySourceMap(file, shown), []
    return parse_yaml(text, shown, line_offset=line_offset)


@dataclass(frozen=True)
class Document:
    """One content file, read: its data, where each value stands, and its Markdown body."""

    kind: str               # council, service, inspection, ... or 'site' / 'attachment'
    id: str                 # file name without extension
    path: str               # relative to the site root, e.g. content/inspections/torbay-2021.yaml
    data: Any               # plain dicts, lists and strings (None when unreadable)
    source: SourceMap | LazySourceMap
    digest: str             # sha256 of the file's bytes: what incremental builds compare
    body: str | None = None         # Markdown after the front matter (reports, attachments)
    body_line: int = 1              # the file line the body starts on
    raw: bytes | None = field(default=None, repr=False)   # PDFs and images only


@dataclass(frozen=True)
class Held:
    """A record file the caller already holds, validated by an earlier build from these very
    bytes (`read_records`'s `held`): it is not parsed again."""

    kind: str
    id: str
    path: str               # relative to the site root
    digest: str


def split_front_matter(text: str) -> tuple[str | None, str | None, int]:
    """Split '---\\nYAML\\n---\\nbody' into (yaml, body, body's first line); the body is None
    when no fence closes the front matter. Lines end at '\\n'
    only, as grep, git and an editor show them: `splitlines` would also end one at U+2028
    and its kin, so a fence hidden after one on a comment line would end the YAML early."""
    if "\n" not in text:
        text = text.replace("\r", "\n")      # a file saved with CR line ends only (classic Mac)
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    # Spaces after a fence are not seen in an editor, and YAML starts and ends a document there too.
    if not lines or lines[0].rstrip(" \t\r\n") != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip(" \t\r\n") in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return "".join(lines[1:]), None, len(lines) + 1


def _document_id(file: Path, kind: str) -> str:
    return file.stem if kind != "site" else "site"


def read_document(file: Path, root: Path, kind: str, shown: str | None = None
                  ) -> tuple[Document | None, list[Problem]]:
    shown = shown or rel(file, root)
    raw, problems = read_limited(file, root, MAX_RECORD_BYTES, shown)
    if raw is None:
        return None, problems
    return parse_document(raw, hashlib.sha256(raw).hexdigest(), file, kind, shown)


def parse_document(raw: bytes, digest: str, file: Path, kind: str, shown: str
                   ) -> tuple[Document | None, list[Problem]]:
    """A record file's bytes (already read from `file`) as a `Document`."""
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, problems
    doc_id = _document_id(file, kind)
    if file.suffix == ".md":
        front, body, body_line = split_front_matter(text)
        if front is not None and body is None:
            # Read as YAML, the text below it would be an error at a line of the body, saying nothing of the fence.
            return Document(kind, doc_id, shown, None, SourceMap.empty(), digest, "", body_line), [
                Problem(shown, 1, 1, Severity.ERROR, "", "the front matter that starts here is not closed",
                        "end the front matter with a line '---' after its last field, before the text")]
        data, source, problems = _parse(front, file, shown, line_offset=1) if front else (
            None, SourceMap.empty(), [])
        if front is None and kind == "report":
            problems = [Problem(shown, 1, 1, Severity.ERROR, "", "a report starts with front matter",
                                "begin the file with a line '---', the report's fields, then '---'")]
        return Document(kind, doc_id, shown, data, source, digest, body, body_line), problems
    data, source, problems = _parse(text, file, shown)
    return Document(kind, doc_id, shown, data, source, digest), problems


def read_found(found: Found, root: Path) -> tuple[Document | None, list[Problem]]:
    """One record or attachment, read (no cache)."""
    if found.kind != "attachment":
        return read_document(found.file, root, found.kind, shown=found.shown)
    if found.file.suffix == ".md":
        return read_document(found.file, root, "attachment", shown=found.shown)
    raw, problems = read_limited(found.file, root, MAX_ATTACHMENT_BYTES, found.shown)
    if raw is None:
        return None, problems
    return Document("attachment", found.id, found.shown, None, SourceMap.empty(),
                    hashlib.sha256(raw).hexdigest(), raw=raw), problems


class HeldFiles(Protocol):
    """What the caller already holds from earlier builds in its process (`scrutiny serve`'s
    memo): the digest of each file as it was read, and records validated from known bytes."""

    def digest_if_unchanged(self, path: str, facts: FileFacts) -> str | None:
        """The digest of `path` when it was last read, if its facts are still those."""

    def holds(self, kind: str, path: str, digest: str) -> bool:
        """True when the record made from exactly these bytes is held: it is not parsed again."""

    def was_read(self, path: str, facts: FileFacts, digest: str) -> None:
        """`path`, with these facts (taken before reading), was read and had this digest."""


def _cache_entry(doc: Document | None, problems: list[Problem]) -> Parsed | None:
    """What the parsed cache keeps of a document: only one the fast path read without a problem."""
    if doc is None or problems or not isinstance(doc.source, LazySourceMap):
        return None
    return doc.data, doc.body, doc.body_line


def read_records(files: SiteFiles, cache: ParsedCache | None = None, held: HeldFiles | None = None
                 ) -> Iterator[tuple[Found, Document | Held | None, list[Problem]]]:
    """Each file of `files.records`, read, in order: its document (None when unreadable, a
    `Held` when `held` says the caller has it) and the problems found in reading it. `cache`:
    records parsed by earlier builds (`speed.parsed_cache`), used and brought up to date.
    With `held`, a file whose stat facts are those it had when last read is not read again."""
    for found in files.records:
        if found.kind == "attachment" and found.file.suffix != ".md" or cache is None and held is None:
            yield (found, *read_found(found, files.root))
            continue
        facts = file_facts(found.file) if held is not None else None
        digest = held.digest_if_unchanged(found.shown, facts) if held is not None else None
        if digest is None or not held.holds(found.kind, found.shown, digest):
            raw, problems = read_limited(found.file, files.root, MAX_RECORD_BYTES, found.shown)
            if raw is None:
                yield found, None, problems
                continue
            digest = hashlib.sha256(raw).hexdigest()
            if held is not None:
                held.was_read(found.shown, facts, digest)
        entry_key = ParsedCache.key(found.kind, found.file.suffix, digest)
        if held is not None and held.holds(found.kind, found.shown, digest):
            if cache is not None:
                cache.keep(entry_key)
            yield found, Held(found.kind, found.id, found.shown, digest), []
            continue
        entry = cache.get(entry_key) if cache is not None else None
        if entry is not None:
            data, body, body_line = entry
            yield found, Document(found.kind, found.id, found.shown, data, LazySourceMap(found.file, found.shown),
                                  digest, body, body_line), []
            continue
        doc, problems = parse_document(raw, digest, found.file, found.kind, found.shown)
        parsed = _cache_entry(doc, problems) if cache is not None else None
        if parsed is not None:
            cache.add(entry_key, parsed)
        yield found, doc, problems

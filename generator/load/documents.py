"""Find the content files of a site and read each into a `Document`.

Reading is the only thing this module does. Files are read with limits (size; UTF-8
only, a byte-order mark allowed) so that a stray 50 MB export or a file saved as
Windows-1252 gives a clear error instead of a hang.

Plain records are read by the fast path (`fast_yaml`), which keeps no positions: their
`LazySourceMap` reads the file again, through the position-keeping parser, the first time
a problem in it needs a line and column. Only files with problems pay for positions.
"""

from __future__ import annotations

import hashlib
import marshal
import multiprocessing
import os
import pickle
import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Sequence

from generator.load import fast_yaml, parsed_cache
from generator.load.parsed_cache import ParsedCache
from generator.load.yaml_source import Position, SourceMap, parse_yaml
from generator.problems import Problem, Severity, rel

MAX_RECORD_BYTES = 2 * 1024 * 1024        # a record is a few KB; 2 MiB is generous
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024   # inserted PDFs and images

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")

# folder under content/ -> (record kind, file suffixes)
RECORD_FOLDERS: Mapping[str, tuple[str, tuple[str, ...]]] = MappingProxyType({
    "councils": ("council", (".yaml", ".yml")),
    "services": ("service", (".yaml", ".yml")),
    "inspections": ("inspection", (".yaml", ".yml")),
    "action-plans": ("action_plan", (".yaml", ".yml")),
    "indicators": ("indicators", (".yaml", ".yml")),
    "reports": ("report", (".md",)),
    "meetings": ("meeting", (".yaml", ".yml")),
    "frameworks": ("framework", (".yaml", ".yml")),
})
ATTACHMENTS = "attachments"


@dataclass(frozen=True)
class LazySourceMap:
    """A `SourceMap` made when first asked for: the file is read again and parsed by the
    position-keeping parser. Read by the fast path, a file without problems never is."""

    file: Path
    shown: str

    @cached_property
    def _parsed(self) -> tuple[SourceMap, tuple[Problem, ...]]:
        try:
            text, _ = _decode(self.file.read_bytes(), self.shown)
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
    bytes (`load_site`'s `held`): it is not read again."""

    kind: str
    id: str
    path: str               # relative to the site root
    digest: str


@dataclass(frozen=True)
class LoadResult:
    root: Path
    documents: tuple[Document, ...]
    problems: tuple[Problem, ...]
    unreadable: frozenset[tuple[str, str]] = frozenset()   # (kind, id) of files that could not be read
    files: int = 0                  # content files read (the built-in frameworks are not counted)

    def of_kind(self, kind: str) -> tuple[Document, ...]:
        return tuple(d for d in self.documents if d.kind == kind)


def _decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    if raw.startswith(b"\xef\xbb\xbf"):         # Windows editors save a BOM: accept it
        raw = raw[3:]
    try:
        return raw.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(
            path, line, column, Severity.ERROR, "",
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read)",
            "save it as UTF-8 ('Save as' > Encoding > UTF-8 in most editors)")]


def _read(file: Path, root: Path, limit: int) -> tuple[bytes | None, list[Problem]]:
    shown = rel(file, root)
    size = file.stat().st_size
    if size > limit:
        return None, [Problem(shown, 0, 0, Severity.ERROR, "",
                              f"the file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB",
                              "is this the right file? records are a few KB")]
    return file.read_bytes(), []


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Split '---\\nYAML\\n---\\nbody' into (yaml, body, body's first line)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        return None, text, 1
    for index in range(1, len(lines)):
        if lines[index].rstrip("\r\n") in ("---", "..."):
            return "".join(lines[1:index]), "".join(lines[index + 1:]), index + 2
    return "".join(lines[1:]), "", len(lines) + 1


BUILT_IN_FRAMEWORKS = Path(__file__).resolve().parent.parent / "frameworks"


def _document_id(file: Path, kind: str) -> str:
    return file.stem if kind != "site" else "site"


def read_document(file: Path, root: Path, kind: str, shown: str | None = None
                  ) -> tuple[Document | None, list[Problem]]:
    shown = shown or rel(file, root)
    raw, problems = _read(file, root, MAX_RECORD_BYTES)
    if raw is None:
        return None, problems
    digest = hashlib.sha256(raw).hexdigest()
    text, problems = _decode(raw, shown)
    if text is None:
        return None, problems
    doc_id = _document_id(file, kind)
    if file.suffix == ".md":
        front, body, body_line = split_front_matter(text)
        data, source, problems = _parse(front, file, shown, line_offset=1) if front else (
            None, SourceMap.empty(), [])
        if front is None and kind == "report":
            problems = [Problem(shown, 1, 1, Severity.ERROR, "", "a report starts with front matter",
                                "begin the file with a line '---', the report's fields, then '---'")]
        return Document(kind, doc_id, shown, data, source, digest, body, body_line), problems
    data, source, problems = _parse(text, file, shown)
    return Document(kind, doc_id, shown, data, source, digest), problems


def _check_id(stem: str, shown: str) -> list[Problem]:
    """`stem`: a record file's name without its suffix, which is the record's id."""
    if ID_PATTERN.match(stem):
        return []
    return [Problem(shown, 0, 0, Severity.ERROR, "",
                    f"'{stem}' is not a usable id (the file name is the record's id)",
                    "use lower-case letters, digits and hyphens, e.g. torbay-2021.yaml")]


PARALLEL_THRESHOLD = 400          # files; below this one process is faster than forking
CHUNK_FILES = 100                 # files per reader task: small enough that validation starts early


def _read_chunk(files: list[tuple[Path, str]], root: Path) -> list[tuple[Document | None, list[Problem]]]:
    return [read_document(file, root, kind) for file, kind in files]


def _read_share(files: list[tuple[Path, str]], root: Path, packed: str) -> None:
    """`_read_chunk` in a reader process, written to the file `packed` for the trip back
    (a pipe moved 100 MB in seconds; a file in a fraction of one). Documents read by the
    fast path are plain data (dicts, lists, text), which `marshal` packs and unpacks several
    times faster than pickle packs dataclasses; each is packed on its own, as the parsed
    cache keeps it. The rest (files with problems, or read by libyaml's path) are pickled."""
    plain, other = [], []
    for index, (doc, problems) in enumerate(_read_chunk(files, root)):
        if _is_plain(doc, problems):
            plain.append((index, doc.kind, doc.id, doc.path, doc.digest,
                          parsed_cache.pack((doc.data, doc.body, doc.body_line))))
        else:
            other.append((index, doc, problems))
    pickled = pickle.dumps(other, pickle.HIGHEST_PROTOCOL)
    with open(packed, "wb") as out:
        out.write(len(pickled).to_bytes(8, "little"))
        out.write(pickled)
        out.write(marshal.dumps(plain))


# What a reader hands back for one file: the document and its problems, and for a plain
# document its packed form (for the parsed cache), else None.
Read = tuple["Document | None", list[Problem], "bytes | None"]


def _unpack_share(files: list[tuple[Path, str]], packed: str) -> list[Read]:
    results: list = [None] * len(files)
    with open(packed, "rb") as source:
        packed_bytes = source.read()        # one read: marshal.load on a file reads in small pieces
    split = 8 + int.from_bytes(packed_bytes[:8], "little")
    for index, doc, problems in pickle.loads(packed_bytes[8:split]):
        results[index] = (doc, problems, None)
    for index, kind, doc_id, path, digest, entry in marshal.loads(memoryview(packed_bytes)[split:]):
        data, body, body_line = marshal.loads(entry)
        results[index] = (Document(kind, doc_id, path, data, LazySourceMap(files[index][0], path), digest,
                                   body, body_line), [], entry)
    return results


def _is_plain(doc: Document | None, problems: list[Problem]) -> bool:
    """Read by the fast path without a problem: plain data, no positions kept."""
    return doc is not None and not problems and isinstance(doc.source, LazySourceMap) and doc.raw is None


def _read_packed(file: Path, root: Path, kind: str) -> Read:
    """`read_document`, with the document packed for the parsed cache when it is plain."""
    doc, problems = read_document(file, root, kind)
    return doc, problems, (parsed_cache.pack((doc.data, doc.body, doc.body_line))
                           if _is_plain(doc, problems) else None)


def _cached_key(file: Path, root: Path, kind: str, cache: ParsedCache, digest: str | None) -> tuple[str, str] | None:
    """(entry key, digest) when an earlier build parsed these same bytes. `digest`: the
    sha256 of the file's bytes when the caller has read them already (the cache holds only
    files read without a problem, so a digest found there vouches for the bytes too)."""
    if digest is None:
        raw, problems = _read(file, root, MAX_RECORD_BYTES)
        if raw is None or problems:
            return None
        digest = hashlib.sha256(raw).hexdigest()
    entry_key = parsed_cache.key(kind, file.suffix, digest)
    return (entry_key, digest) if entry_key in cache else None


def read_documents(files: list[tuple[Path, str]], root: Path, jobs: int = 0, cache: ParsedCache | None = None,
                   digests: Mapping[str, str] | None = None) -> Iterator[tuple[Document | None, list[Problem]]]:
    """`read_document` for each (file, kind), in order, each as soon as it is read (the
    caller validates it while later files are being read). With a `cache`, a file whose
    bytes an earlier build parsed is not parsed again, and what is parsed now is added;
    `digests` (by root-relative name) spare reading a file just to look it up there."""
    digests = digests or {}
    if cache is None:
        for doc, problems, _ in _parse_documents(files, root, jobs):
            yield doc, problems
        return
    # Which files are in the cache is settled first (hashing is fast), so that the rest can
    # be parsed, in other processes, while the cached ones are handed on.
    cached = {} if cache.is_empty() else {
        index: found for index, (file, kind) in enumerate(files)
        if (found := _cached_key(file, root, kind, cache, digests.get(rel(file, root)))) is not None}
    parsed = _parse_documents([f for index, f in enumerate(files) if index not in cached], root, jobs)
    for index, (file, kind) in enumerate(files):
        found = cached.get(index)
        entry = cache.get(found[0]) if found else None
        if entry is not None:
            data, body, body_line = entry
            shown = rel(file, root)
            yield Document(kind, _document_id(file, kind), shown, data, LazySourceMap(file, shown),
                           found[1], body, body_line), []
            continue
        # listed but not readable back after all: parse the file here
        doc, problems, packed = _read_packed(file, root, kind) if found else next(parsed)
        if packed is not None:
            cache.add(parsed_cache.key(kind, file.suffix, doc.digest), packed)
        yield doc, problems


def _parse_documents(files: list[tuple[Path, str]], root: Path, jobs: int) -> Iterator[Read]:
    """Each file read, in order. A large site is read by several processes (forked: they
    share the code and open nothing but the files): parsing is most of a large build's
    reading, and this process validates what they have read meanwhile."""
    workers = jobs or (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    if workers < 2 or len(files) < PARALLEL_THRESHOLD or "fork" not in multiprocessing.get_all_start_methods():
        return _read_here(files, root)
    return _read_in_processes(files, root, workers)


def _read_here(files: list[tuple[Path, str]], root: Path) -> Iterator[Read]:
    for file, kind in files:
        yield _read_packed(file, root, kind)


def _read_in_processes(files: list[tuple[Path, str]], root: Path, workers: int) -> Iterator[Read]:
    # Chunks of neighbouring files, handed out in turn: the documents come back in order
    # while the readers go on with later chunks.
    chunks = [files[start:start + CHUNK_FILES] for start in range(0, len(files), CHUNK_FILES)]
    try:
        folder = tempfile.TemporaryDirectory(prefix="scrutiny-read-")
    except OSError:
        yield from _read_here(files, root)
        return
    with folder as path, multiprocessing.get_context("fork").Pool(workers) as pool:
        packed = [os.path.join(path, f"chunk-{n}") for n in range(len(chunks))]
        pending = [pool.apply_async(_read_share, (chunk, root, out)) for chunk, out in zip(chunks, packed)]
        for chunk, out, reader in zip(chunks, packed, pending):
            try:
                reader.get()                        # re-raises a reader's exception here
            except OSError:
                # No room (or no permission) for the hand-back file, say a full /tmp:
                # slower, but the build goes on, reading this chunk in this process.
                yield from _read_here(chunk, root)
                continue
            read = _unpack_share(chunk, out)
            os.unlink(out)
            yield from read


# Given each document as soon as it is read, with the problems found in reading it (or,
# in its place, a `Held` file, not read).
Sink = Callable[["Document | Held", Sequence[Problem]], None]
# (kind, root-relative path, digest) -> True when the caller holds the file's record
HeldTest = Callable[[str, str, str], bool]


def load_site(root: Path, jobs: int = 0, parsed: Path | None = None, sink: Sink | None = None,
              digests: Mapping[str, str] | None = None, held: HeldTest | None = None) -> LoadResult:
    """Read every content file under `root/content` (and nothing outside it), in up to
    `jobs` processes (0: one per core). `parsed`: a folder of records parsed by earlier
    builds (see `parsed_cache`), reused for unchanged files and brought up to date.

    `sink`: given each document, in order, as soon as it is read; the documents are then
    not kept in the result. `check_site` validates each there, so that validation runs
    while other processes read, and the plain data of only a few files is held at a time.
    `digests`: the sha256 of content files the caller has just read (the build's input
    fingerprint), by name relative to root, so that they are not read again for the cache.
    `held`: asked of each record file with a digest in `digests`; a file it says the caller
    holds (see `generator.memo`) is not read, and the sink is given a `Held` in its place."""
    cache = ParsedCache(parsed) if parsed is not None else None
    kept: list[Document] = []
    with fast_yaml.quiet_stderr():
        loaded = _load_site(root.resolve(), jobs, cache, sink or (lambda doc, problems: kept.append(doc)), digests,
                            held)
    if cache is not None:
        cache.save()
    return loaded if sink else replace(loaded, documents=tuple(kept))


def _held(shown: str, stem: str, kind: str, digests: Mapping[str, str] | None, held: HeldTest | None
          ) -> Held | None:
    """`shown`: the file's name relative to the site root; `stem`: its name without suffix."""
    if held is None or not digests:
        return None
    digest = digests.get(shown)
    return Held(kind, stem, shown, digest) if digest and held(kind, shown, digest) else None


def _load_site(root: Path, jobs: int, cache: ParsedCache | None, sink: Sink,
               digests: Mapping[str, str] | None, held: HeldTest | None) -> LoadResult:
    content = root / "content"
    problems: list[Problem] = []
    unreadable: set[tuple[str, str]] = set()
    files = 0

    def hand_on(doc: Document | None, read_problems: list[Problem]) -> None:
        nonlocal files
        problems.extend(read_problems)
        if doc is not None:
            files += not doc.path.startswith("(built-in)")
            sink(doc, read_problems)

    if not content.is_dir():
        problems.append(Problem("content", 0, 0, Severity.ERROR, "", "there is no content/ folder here",
                                "run from the site's folder, or give it with -C DIR"))
        return LoadResult(root, (), tuple(problems))

    for file in sorted(BUILT_IN_FRAMEWORKS.glob("*.yaml")):
        hand_on(*read_document(file, root, "framework", shown=f"(built-in) frameworks/{file.name}"))

    site_file = content / "site.yaml"
    if site_file.is_file():
        hand_on(*read_document(site_file, root, "site"))
    else:
        problems.append(Problem("content/site.yaml", 0, 0, Severity.ERROR, "", "content/site.yaml is missing",
                                "create it with at least 'title:' and 'organisation:'"))

    # (folder, file name, kind, name shown, stem, suffix): a file's own Path is made only if
    # it is read, as a `scrutiny serve` save holds nearly every file (16,000 Paths and their
    # relative names cost about 0.05 s a save at N = 5,000, of its 1 s)
    to_read: list[tuple[Path, str, str, str, str, str]] = []
    for folder, (kind, suffixes) in RECORD_FOLDERS.items():
        directory = content / folder
        if not directory.is_dir():
            continue
        seen: dict[str, str] = {}
        # os.scandir: its entries know (mostly without a stat) what is a folder or a link.
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=attrgetter("name"))
        for entry in entries:
            name = entry.name
            if name.startswith(".") or entry.is_dir():
                continue
            # Names as strings: pathlib's .stem and .suffix cost more than the listing here.
            stem, suffix = os.path.splitext(name)
            shown = f"content/{folder}/{name}"
            if suffix in suffixes and stem in seen:
                problems.append(Problem(shown, 0, 0, Severity.ERROR, "",
                                        f"'{stem}' is already given by {seen[stem]}",
                                        "a record's id is its file name: keep one of the two files"))
                continue
            if suffix in suffixes:
                seen[stem] = name
            if entry.is_symlink():
                problems.append(Problem(shown, 0, 0, Severity.ERROR, "",
                                        "symbolic links are not followed", "copy the file in instead"))
                continue
            if suffix not in suffixes:
                problems.append(Problem(shown, 0, 0, Severity.WARNING, "",
                                        f"ignored: {folder}/ holds {' or '.join(suffixes)} files"))
                continue
            id_problems = _check_id(stem, shown)
            problems += id_problems
            if id_problems:
                continue
            to_read.append((directory, name, kind, shown, stem, suffix))

    holding = [_held(shown, stem, kind, digests, held) for _, _, kind, shown, stem, _ in to_read]
    reading = [(directory / name, kind) for (directory, name, kind, *_), known in zip(to_read, holding)
               if known is None]
    documents = read_documents(reading, root, jobs, cache, digests)
    for (_, _, kind, _, stem, suffix), known in zip(to_read, holding):     # in file order, held or read
        if known is not None:
            files += 1
            if cache is not None:
                cache.keep(parsed_cache.key(kind, suffix, known.digest))
            sink(known, ())
            continue
        doc, read_problems = next(documents)
        hand_on(doc, read_problems)
        if doc is None:
            unreadable.add((kind, stem))

    attachments = content / ATTACHMENTS
    if attachments.is_dir():
        for file in sorted(p for p in attachments.rglob("*") if p.is_file() and not p.name.startswith(".")):
            if file.is_symlink():
                problems.append(Problem(rel(file, root), 0, 0, Severity.ERROR, "",
                                        "symbolic links are not followed", "copy the file in instead"))
                continue
            if file.suffix == ".md":
                hand_on(*read_document(file, root, "attachment"))
                continue
            raw, read_problems = _read(file, root, MAX_ATTACHMENT_BYTES)
            problems += read_problems
            if raw is not None:
                hand_on(Document("attachment", file.stem, rel(file, root), None,
                               SourceMap.empty(), hashlib.sha256(raw).hexdigest(), raw=raw), [])

    for folder in sorted(p.name for p in content.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder not in RECORD_FOLDERS and folder != ATTACHMENTS:
            problems.append(Problem(f"content/{folder}", 0, 0, Severity.WARNING, "",
                                    f"ignored: '{folder}' is not a content folder",
                                    "content folders are " + ", ".join([*RECORD_FOLDERS, ATTACHMENTS])))
    return LoadResult(root, (), tuple(problems), frozenset(unreadable), files)

"""Stage 1, load: find the site's files and read each into a `Document`.

Reading is the only thing this stage does. Every file it reads is inside the site's
folder once every symbolic link is resolved, folders included (`inside`): a link that
leads out is an error at the link, so a council's templates or attachments can never
carry a file from elsewhere on the machine into the site. Files are read with limits
(size; UTF-8 only, a byte-order mark allowed) so that a stray 50 MB export or a file
saved as Windows-1252 gives a clear error instead of a hang.

Plain records are read by the fast path (`speed.fast_yaml`), which keeps no positions:
their `LazySourceMap` reads the file again, through the position-keeping parser, the
first time a problem in it needs a line and column. Only files with problems pay for
positions. Records come out one at a time (`read_records`), so validation takes each as
it is read and a large corpus's plain data is never all in memory at once.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterator, Mapping, Protocol

from generator.load.yaml_source import Position, SourceMap, parse_yaml
from generator.problems import Problem, Severity, rel
from generator.speed import fast_yaml
from generator.speed.parallel import default_jobs, forked_call
from generator.speed.parsed_cache import Parsed, ParsedCache

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
    bytes (`read_records`'s `held`): it is not parsed again."""

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
    templates: Mapping[str, Template] = field(default_factory=lambda: MappingProxyType({}))

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


def _read(file: Path, root: Path, limit: int, shown: str | None = None) -> tuple[bytes | None, list[Problem]]:
    shown = shown or rel(file, root)
    try:
        size = file.stat().st_size
    except OSError as exc:
        return None, [Problem(shown, 0, 0, Severity.ERROR, "", f"the file cannot be read ({exc.strerror})")]
    if size > limit:
        return None, [Problem(shown, 0, 0, Severity.ERROR, "",
                              f"the file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB",
                              "is this the right file? records are a few KB")]
    try:
        return file.read_bytes(), []
    except OSError as exc:
        return None, [Problem(shown, 0, 0, Severity.ERROR, "", f"the file cannot be read ({exc.strerror})")]


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
    raw, problems = _read(file, root, MAX_RECORD_BYTES, shown)
    if raw is None:
        return None, problems
    return parse_document(raw, hashlib.sha256(raw).hexdigest(), file, kind, shown)


def parse_document(raw: bytes, digest: str, file: Path, kind: str, shown: str
                   ) -> tuple[Document | None, list[Problem]]:
    """A record file's bytes (already read from `file`) as a `Document`."""
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


@dataclass(frozen=True)
class Found:
    """A file to read: a record (`kind` from its folder) or an attachment."""

    file: Path              # where it is read from
    kind: str
    id: str
    shown: str              # relative to the site root, e.g. content/inspections/torbay-2021.yaml


@dataclass(frozen=True)
class Template:
    """A page or paper template: the site's own (templates/NAME) or the theme's."""

    name: str               # as templates name it: "_footer.html"
    source: str
    digest: str
    shown: str              # templates/_footer.html, or (theme) _footer.html


@dataclass(frozen=True)
class SiteFiles:
    """Everything a build may read, found and checked for where it leads, but not yet read
    (templates excepted: they are few and small)."""

    root: Path
    records: tuple[Found, ...]        # built-in frameworks, site.yaml, each folder in order, attachments
    templates: Mapping[str, Template]
    problems: tuple[Problem, ...]
    assets: tuple[tuple[str, Path], ...] = ()      # `theme_assets`

    @property
    def content_files(self) -> int:
        return sum(1 for f in self.records if not f.shown.startswith("(built-in)"))


def inside(path: Path | str, root: Path) -> bool:
    """True when `path`, every symbolic link resolved, is `root` or within it (`root` resolved)."""
    real = os.path.realpath(path)
    return real == str(root) or real.startswith(str(root) + os.sep)


def _outside(shown: str) -> Problem:
    return Problem(shown, 0, 0, Severity.ERROR, "",
                   "a symbolic link here leads outside the site's folder, and is not followed",
                   "copy the file or folder into the site instead")


def _badly_named(shown: str, problems: list[Problem]) -> bool:
    """True (and an error) when a file's name is not UTF-8, as names saved by old tools or
    unpacked from some zips are: nothing could show, digest or publish it as it is."""
    try:
        shown.encode("utf-8")
        return False
    except UnicodeEncodeError:
        readable = shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        problems.append(Problem(readable, 0, 0, Severity.ERROR, "", "the file's name is not UTF-8 text",
                                "rename it; each character that could not be read is shown as \ufffd"))
        return True


def _walk(folder: Path, shown: str, root: Path, problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    """(file, name shown) under `folder`, in name order, hidden names left out. A link (to a
    file or a folder) is followed only when it stays inside `root`; a folder met twice
    (links in a circle) is walked once."""
    seen: set[str] = set()
    stack = [(folder, shown)]
    while stack:
        here, here_shown = stack.pop()
        real = os.path.realpath(here)
        if real in seen:
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            problems.append(Problem(here_shown, 0, 0, Severity.ERROR, "", "the folder cannot be read"))
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child_shown = f"{here_shown}/{entry.name}"
            if _badly_named(child_shown, problems):
                continue
            if entry.is_symlink() and not inside(entry.path, root):
                problems.append(_outside(child_shown))
            elif entry.is_dir():
                folders.append((Path(entry.path), child_shown))
            elif entry.is_file():
                yield Path(entry.path), child_shown
        stack += reversed(folders)


def find_files(root: Path) -> SiteFiles:
    """Every record, attachment and template of the site at `root`, and what is wrong with
    the folders themselves (a missing content/, a stray file, a link leading out)."""
    root = Path(os.path.realpath(root))
    problems: list[Problem] = []
    found = [Found(file, "framework", file.stem, f"(built-in) frameworks/{file.name}")
             for file in sorted(BUILT_IN_FRAMEWORKS.glob("*.yaml"))]
    templates = _find_templates(root, problems)
    content = root / "content"
    if content.is_symlink() and not inside(content, root):
        problems.append(_outside("content"))
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())
    if not content.is_dir():
        problems.append(Problem("content", 0, 0, Severity.ERROR, "", "there is no content/ folder here",
                                "run from the site's folder, or give it with -C DIR"))
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())

    site_file = content / "site.yaml"
    if site_file.is_symlink() and not inside(site_file, root):
        problems.append(_outside("content/site.yaml"))
    elif site_file.is_file():
        found.append(Found(site_file, "site", "site", "content/site.yaml"))
    else:
        problems.append(Problem("content/site.yaml", 0, 0, Severity.ERROR, "", "content/site.yaml is missing",
                                "create it with at least 'title:' and 'organisation:'"))

    for folder, (kind, suffixes) in RECORD_FOLDERS.items():
        directory = content / folder
        if directory.is_symlink() and not inside(directory, root):
            problems.append(_outside(f"content/{folder}"))
            continue
        if not directory.is_dir():
            continue
        seen: dict[str, str] = {}
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            name = entry.name
            if name.startswith(".") or entry.is_dir():
                continue
            stem, suffix = os.path.splitext(name)
            shown = f"content/{folder}/{name}"
            if _badly_named(shown, problems):
                continue
            if suffix in suffixes and stem in seen:
                problems.append(Problem(shown, 0, 0, Severity.ERROR, "",
                                        f"'{stem}' is already given by {seen[stem]}",
                                        "a record's id is its file name: keep one of the two files"))
                continue
            if suffix in suffixes:
                seen[stem] = name
            if entry.is_symlink() and not inside(entry.path, root):
                problems.append(_outside(shown))
            elif suffix not in suffixes:
                problems.append(Problem(shown, 0, 0, Severity.WARNING, "",
                                        f"ignored: {folder}/ holds {' or '.join(suffixes)} files"))
            elif not (id_problems := _check_id(stem, shown)):
                found.append(Found(Path(entry.path), kind, stem, shown))
            else:
                problems += id_problems

    attachments = content / ATTACHMENTS
    if attachments.is_symlink() and not inside(attachments, root):
        problems.append(_outside(f"content/{ATTACHMENTS}"))
    elif attachments.is_dir():
        for file, shown in _walk(attachments, f"content/{ATTACHMENTS}", root, problems):
            found.append(Found(file, "attachment", file.stem, shown))

    for folder in sorted(p.name for p in content.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder not in RECORD_FOLDERS and folder != ATTACHMENTS and not _badly_named(f"content/{folder}", problems):
            problems.append(Problem(f"content/{folder}", 0, 0, Severity.WARNING, "",
                                    f"ignored: '{folder}' is not a content folder",
                                    "content folders are " + ", ".join([*RECORD_FOLDERS, ATTACHMENTS])))
    return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())


THEME = Path(__file__).resolve().parent.parent / "theme"
THEME_TEMPLATES = THEME / "templates"


def theme_assets() -> tuple[tuple[str, Path], ...]:
    """The theme's files the site serves as they are: (path in the site, the file)."""
    folder = THEME / "assets"
    return tuple(sorted((f"assets/{p.relative_to(folder).as_posix()}", p) for p in folder.rglob("*") if p.is_file()))


def _find_templates(root: Path, problems: list[Problem]) -> Mapping[str, Template]:
    """The theme's templates, each replaced by the site's own of the same name (templates/)."""
    found: dict[str, Template] = {}
    site_folder = root / "templates"
    for folder, prefix, allowed in ((THEME_TEMPLATES, "(theme) templates", Path(os.path.realpath(THEME_TEMPLATES))),
                                    (site_folder, "templates", root)):
        if folder.is_symlink() and not inside(folder, allowed):
            problems.append(_outside(prefix))
            continue
        if not folder.is_dir():
            continue
        for file, shown in _walk(folder, prefix, allowed, problems):
            name = shown[len(prefix) + 1:]
            raw, read_problems = _read(file, root, MAX_RECORD_BYTES, shown)
            text, decode_problems = _decode(raw, shown) if raw is not None else (None, [])
            problems += read_problems + decode_problems
            if text is not None:
                found[name] = Template(name, text, hashlib.sha256(raw).hexdigest(), shown)
    return MappingProxyType(dict(sorted(found.items())))


def read_found(found: Found, root: Path) -> tuple[Document | None, list[Problem]]:
    """One record or attachment, read (no cache)."""
    if found.kind != "attachment":
        return read_document(found.file, root, found.kind, shown=found.shown)
    if found.file.suffix == ".md":
        return read_document(found.file, root, "attachment", shown=found.shown)
    raw, problems = _read(found.file, root, MAX_ATTACHMENT_BYTES, found.shown)
    if raw is None:
        return None, problems
    return Document("attachment", found.id, found.shown, None, SourceMap.empty(),
                    hashlib.sha256(raw).hexdigest(), raw=raw), problems


# What `os.stat` says of a file (size, modified, changed, inode, device), None when it cannot:
# a file written since (or replaced) has other facts, as its change time cannot be set back.
FileFacts = tuple[int, int, int, int, int] | None


def file_facts(file: Path) -> FileFacts:
    try:
        facts = os.stat(file)
    except OSError:
        return None
    return facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_ino, facts.st_dev


class HeldFiles(Protocol):
    """What the caller already holds from earlier builds in its process (`scrutiny serve`'s
    memo): the digest of each file as it was read, and records validated from known bytes."""

    def digest_if_unchanged(self, path: str, facts: FileFacts) -> str | None:
        """The digest of `path` when it was last read, if its facts are still those."""

    def holds(self, kind: str, path: str, digest: str) -> bool:
        """True when the record made from exactly these bytes is held: it is not parsed again."""

    def was_read(self, path: str, facts: FileFacts, digest: str) -> None:
        """`path`, with these facts (taken before reading), was read and had this digest."""


# Records a cold build parses in two processes when it may use two cores: fewer are parsed
# in this one (forking and handing the entries back cost more than parsing a few hundred).
PARSE_AHEAD_FROM = 2000
# The share of the records' bytes this process reads while the other parses the rest. This
# one validates what it reads as well, so it takes less for both to finish together.
OWN_SHARE = 0.4


def _split_point(records: tuple[Found, ...], share: float) -> int:
    """The index before which `records` hold the nearest to `share` of their bytes (sizes
    from `os.stat`): the record that crosses the share goes to whichever side it fits best."""
    sizes = [(file_facts(found.file) or (0,))[0] for found in records]
    wanted, total = share * sum(sizes), 0
    for index, size in enumerate(sizes):
        if total + size >= wanted:
            return index + 1 if total + size - wanted < wanted - total else index
        total += size
    return len(records)


def _cache_entry(doc: Document | None, problems: list[Problem]) -> Parsed | None:
    """What the parsed cache keeps of a document: only one the fast path read without a problem."""
    if doc is None or problems or not isinstance(doc.source, LazySourceMap):
        return None
    return doc.data, doc.body, doc.body_line


def _parse_ahead(work: tuple[Path, list[Found]]) -> dict[str, bytes]:
    """Parse `records` (in a forked process): the parsed-cache entries of those read without
    a problem, packed. A record with a problem is parsed again where it is reported."""
    root, records = work
    entries = {}
    for found in records:
        raw, problems = _read(found.file, root, MAX_RECORD_BYTES, found.shown)
        if raw is None or problems:
            continue
        digest = hashlib.sha256(raw).hexdigest()
        entry = _cache_entry(*parse_document(raw, digest, found.file, found.kind, found.shown))
        if entry is not None:
            entries[ParsedCache.key(found.kind, found.file.suffix, digest)] = ParsedCache.pack(entry)
    return entries


def read_records(files: SiteFiles, cache: ParsedCache | None = None, held: HeldFiles | None = None
                 ) -> Iterator[tuple[Found, Document | Held | None, list[Problem]]]:
    """Each file of `files.records`, read, in order: its document (None when unreadable, a
    `Held` when `held` says the caller has it) and the problems found in reading it. `cache`:
    records parsed by earlier builds (`speed.parsed_cache`), used and brought up to date.
    With `held`, a file whose stat facts are those it had when last read is not read again.
    With an empty cache, a large site and two cores, another process parses the later records
    while this one reads the first (`OWN_SHARE` of the bytes; `speed.parallel`)."""
    halfway, ahead = len(files.records), None
    if cache is not None and held is None and len(files.records) >= PARSE_AHEAD_FROM and default_jobs(0) > 1 \
            and cache.is_empty():
        halfway = _split_point(files.records, OWN_SHARE)
        later = [f for f in files.records[halfway:] if f.kind != "attachment" or f.file.suffix == ".md"]
        if later:             # else nothing is left to parse ahead (one file holds most bytes)
            ahead = forked_call(_parse_ahead, (files.root, later))
    for index, found in enumerate(files.records):
        if index == halfway and ahead is not None:
            cache.add_packed(ahead())
        if found.kind == "attachment" and found.file.suffix != ".md" or cache is None and held is None:
            yield (found, *read_found(found, files.root))
            continue
        facts = file_facts(found.file) if held is not None else None
        digest = held.digest_if_unchanged(found.shown, facts) if held is not None else None
        if digest is None or not held.holds(found.kind, found.shown, digest):
            raw, problems = _read(found.file, files.root, MAX_RECORD_BYTES, found.shown)
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


def load_site(root: Path, cache: ParsedCache | None = None) -> LoadResult:
    """Every document of the site at `root`, read (whole: for tools and tests; a build
    streams them through `read_records` instead)."""
    files = find_files(root)
    documents, problems, unreadable = [], list(files.problems), set()
    with fast_yaml.quiet_stderr():
        for found, doc, read_problems in read_records(files, cache):
            problems += read_problems
            if doc is None:
                unreadable.add((found.kind, found.id))
            else:
                documents.append(doc)
    if cache is not None:
        cache.save()
    return LoadResult(files.root, tuple(documents), tuple(problems), frozenset(unreadable), files.content_files,
                      files.templates)


def file_digests(files: SiteFiles) -> dict[str, str]:
    """The sha256 of each file `files` lists, by name shown: read, not parsed. What the
    no-change decision compares with the digests of what the last build read."""
    digests = {}
    for found in files.records:
        try:
            with open(found.file, "rb") as file:
                digests[found.shown] = hashlib.file_digest(file, "sha256").hexdigest()
        except OSError:
            digests[found.shown] = "unreadable"
    return digests

"""Stage 1, load: find the site's files, without reading them (templates excepted).

Finding is separate from reading (`documents`) so that the no-change decision, which needs
only the files and their digests, does not load the YAML readers. Every file found is
inside the site's folder once every symbolic link is resolved, folders included (`inside`):
a link that leads out is an error at the link, so a council's templates or attachments can
never carry a file from elsewhere on the machine into the site.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterator, Mapping

from generator.problems import Problem, Severity, rel

MAX_RECORD_BYTES = 2 * 1024 * 1024        # a record is a few KB; 2 MiB is generous
MAX_ATTACHMENT_BYTES = 64 * 1024 * 1024   # inserted PDFs and images

ID_MAX_LENGTH = 80
# \Z, not $: a $ also matches before a final line break, which a file name may hold.
ID_PATTERN = re.compile(rf"\A[a-z0-9][a-z0-9-]{{0,{ID_MAX_LENGTH - 1}}}\Z")

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


SAVE_AS_UTF8 = "save it as UTF-8 ('Save as' > Encoding > UTF-8 in most editors)"
IN_A_TEXT_EDITOR = "Scrutiny reads plain text: write the file in a text editor (Notepad, VS Code), not in Word or Excel"
UTF16 = "UTF-16 text (as Notepad's 'Unicode' and Excel's 'Unicode Text' save it)"

# How a file that is not UTF-8 text begins, when that says what it is: (the bytes, what it is, a hint).
KNOWN_STARTS = (
    (b"\xff\xfe", UTF16, SAVE_AS_UTF8),
    (b"\xfe\xff", UTF16, SAVE_AS_UTF8),
    (b"PK\x03\x04", "a zip archive, as a Word (.docx) or Excel (.xlsx) file is", IN_A_TEXT_EDITOR),
    (b"\xd0\xcf\x11\xe0", "an Office document (.doc or .xls)", IN_A_TEXT_EDITOR),
    (b"%PDF-", "a PDF", "a PDF to publish goes in content/attachments/, and an agenda names it with 'pdf:'"),
)


def _utf16_without_mark(raw: bytes) -> bool:
    """True when the first four letters each have a zero byte beside them, as UTF-16 without
    a byte-order mark has: read as UTF-8 it is text full of NULs, said to be a control
    character (or a report without front matter) when the whole file is in another encoding."""
    first = raw[:8]
    return len(first) == 8 and any(not any(first[i::2]) and all(first[1 - i::2]) for i in (0, 1))


def _not_utf8(raw: bytes, path: str, error: UnicodeDecodeError | None) -> Problem:
    """Why `raw` is not UTF-8 text: what the file is, when its first bytes say so, else where
    the first byte that cannot be read stands."""
    for start, what, hint in KNOWN_STARTS:
        if raw.startswith(start):
            return Problem(path, 1, 1, Severity.ERROR, "", f"the file is {what}, not UTF-8 text", hint)
    if error is None:
        return Problem(path, 1, 1, Severity.ERROR, "", f"the file is {UTF16}, not UTF-8 text", SAVE_AS_UTF8)
    before = raw[: error.start]
    line = before.count(b"\n") + 1
    column = error.start - (before.rfind(b"\n") + 1) + 1
    return Problem(path, line, column, Severity.ERROR, "",
                   f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be read)", SAVE_AS_UTF8)


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """A file's bytes as text, or None and why they are not UTF-8 text."""
    if raw.startswith(b"\xef\xbb\xbf"):         # Windows editors save a BOM: accept it
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_not_utf8(raw, path, exc)]
    if _utf16_without_mark(raw):
        return None, [_not_utf8(raw, path, None)]
    return text, []


def read_limited(file: Path, root: Path, limit: int, shown: str | None = None) -> tuple[bytes | None, list[Problem]]:
    """A file's bytes, or None and why: it cannot be read, or it is larger than `limit`."""
    shown = shown or rel(file, root)
    try:
        size = file.stat().st_size
    except OSError as exc:
        return None, [_unreadable(shown, "file", exc)]
    if size > limit:
        return None, [Problem(shown, 0, 0, Severity.ERROR, "",
                              f"the file is {size / 1048576:.1f} MB; the limit is {limit // 1048576} MB",
                              "is this the right file? records are a few KB")]
    try:
        return file.read_bytes(), []
    except OSError as exc:
        return None, [_unreadable(shown, "file", exc)]


def _unreadable(shown: str, what: str, exc: OSError) -> Problem:
    """A file or folder the system will not let the build read: said with the system's reason."""
    mode = "u+rx" if what == "folder" else "u+r"
    hint = (f"let the user who builds the site read it, e.g. chmod {mode} {shown}"
            if exc.errno in (errno.EACCES, errno.EPERM) else None)
    return Problem(shown, 0, 0, Severity.ERROR, "", f"the {what} cannot be read ({exc.strerror or exc})", hint)


def _entries(folder: Path, shown: str, problems: list[Problem]) -> list[os.DirEntry] | None:
    """The entries of `folder` in name order, or None (and an error) when it cannot be listed:
    a folder its owner made private, say, whose records would otherwise go unread."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        if not os.access(folder, os.X_OK):
            # Listed but not searchable (chmod -R 644): its names are known, its files cannot be opened.
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(folder))
        return entries
    except OSError as exc:
        problems.append(_unreadable(shown, "folder", exc))
        return None


BUILT_IN_FRAMEWORKS = Path(__file__).resolve().parent.parent / "frameworks"


def check_id(stem: str, shown: str) -> list[Problem]:
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


NO_CONTENT = Problem("content", 0, 0, Severity.ERROR, "", "there is no content/ folder here",
                     "run from the site's folder, or give it with -C DIR")

BUILT = ("output", ".cache")          # what builds write inside a site's folder
CACHES = ("parsed", "jinja", "scrutiny")     # what builds keep in .cache/, each in its own folder


def cache_folder(root: Path, name: str) -> Path:
    """Where builds of the site at `root` keep one of `CACHES` (docs/architecture.md)."""
    if name not in CACHES:
        raise ValueError(f"no cache is called {name!r}")
    return root / ".cache" / name


def _leads_out(path: Path | str, root: Path) -> bool:
    """True when a link at `path` leads outside the site's folder, or into what builds write
    there: a build's output read back as content would publish what that build withheld."""
    return not inside(path, root) or any(inside(path, root / made) for made in BUILT)


def _outside(shown: str, where: str = "the site's folder (or into output/ or .cache/)",
             instead: str = "copy the file or folder into the site instead") -> Problem:
    return Problem(shown, 0, 0, Severity.ERROR, "", f"a symbolic link here leads outside {where}, and is not followed",
                   instead)


def _leads_round(path: str | Path) -> bool:
    """True when `path` is a link that leads round to itself (asking what it is raises ELOOP):
    otherwise taken as missing, its records would go without a word of why."""
    try:
        os.stat(path)
        return False
    except OSError as error:
        return error.errno == errno.ELOOP


def _circle(shown: str) -> Problem:
    return Problem(shown, 0, 0, Severity.ERROR, "", "a symbolic link here leads in a circle, and is not followed",
                   "remove the link, or make it lead to the file itself")


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


def _walk(folder: Path, shown: str, problems: list[Problem]) -> Iterator[tuple[Path, str]]:
    """(file, name shown) under `folder`, in name order, hidden names left out. A link (to a
    file or a folder) is followed only when it stays inside `folder`: an attachment or a
    template that led to a record's file (a draft's), or into output/, would publish what
    that record or build withholds. A folder met twice (links in a circle) is walked once."""
    root = Path(os.path.realpath(folder))
    seen: set[str] = set()
    stack = [(folder, shown)]
    while stack:
        here, here_shown = stack.pop()
        real = os.path.realpath(here)
        if real in seen:
            continue
        seen.add(real)
        entries = _entries(here, here_shown, problems)
        if entries is None:
            continue
        folders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            child_shown = f"{here_shown}/{entry.name}"
            if _badly_named(child_shown, problems):
                continue
            if entry.is_symlink() and _leads_round(entry.path):
                problems.append(_circle(child_shown))
            elif entry.is_symlink() and not inside(entry.path, root):
                problems.append(_outside(child_shown, shown, f"copy the file into {shown} instead"))
            elif entry.is_dir():
                folders.append((Path(entry.path), child_shown))
            elif entry.is_file():
                yield Path(entry.path), child_shown
            elif entry.is_symlink():
                problems.append(Problem(child_shown, 0, 0, Severity.WARNING, "",
                                        "a symbolic link here leads to no file, and is ignored",
                                        f"point it at a file in {shown}, or delete it"))
        stack += reversed(folders)


def _record_name_meant(name: str, suffixes: tuple[str, ...]) -> str | None:
    """A hint for a file not read whose name holds a record's suffix: Notepad's
    'torbay-2021.yaml.txt', a Windows tool's 'torbay-2021.YAML', an editor's backup; saved
    so, an edit is silently not published, the record as it was before going on."""
    for suffix in suffixes:
        at = name.lower().find(suffix)
        if at > 0:
            return (f"if it is meant to be read, rename it {name[:at].lstrip('#')}{suffix}: "
                    f"only names ending {' or '.join(suffixes)} are read")
    return None


def find_files(root: Path) -> SiteFiles:
    """Every record, attachment and template of the site at `root`, and what is wrong with
    the folders themselves (a missing content/, a stray file, a link leading out)."""
    root = Path(os.path.realpath(root))
    problems: list[Problem] = []
    found = [Found(file, "framework", file.stem, f"(built-in) frameworks/{file.name}")
             for file in sorted(BUILT_IN_FRAMEWORKS.glob("*.yaml"))]
    templates = _find_templates(root, problems)
    content = root / "content"
    if _leads_round(content):
        problems.append(_circle("content"))
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())
    if content.is_symlink() and _leads_out(content, root):
        problems.append(_outside("content"))
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())
    if not content.is_dir():
        problems.append(NO_CONTENT)
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())
    if _entries(content, "content", problems) is None:
        return SiteFiles(root, tuple(found), templates, tuple(problems), theme_assets())

    site_file = content / "site.yaml"
    if _leads_round(site_file):
        problems.append(_circle("content/site.yaml"))
    elif site_file.is_symlink() and _leads_out(site_file, root):
        problems.append(_outside("content/site.yaml"))
    elif site_file.is_file():
        found.append(Found(site_file, "site", "site", "content/site.yaml"))
    else:
        problems.append(Problem("content/site.yaml", 0, 0, Severity.ERROR, "", "content/site.yaml is missing",
                                "create it with at least 'title:' and 'organisation:'"))

    for folder, (kind, suffixes) in RECORD_FOLDERS.items():
        directory = content / folder
        if _leads_round(directory):
            problems.append(_circle(f"content/{folder}"))
            continue
        if directory.is_symlink() and _leads_out(directory, root):
            problems.append(_outside(f"content/{folder}"))
            continue
        if not directory.is_dir():
            continue
        seen: dict[str, str] = {}
        for entry in _entries(directory, f"content/{folder}", problems) or ():
            name = entry.name
            if name.startswith("."):
                continue
            stem, suffix = os.path.splitext(name)
            shown = f"content/{folder}/{name}"
            if _badly_named(shown, problems):
                continue
            if entry.is_symlink() and _leads_round(entry.path):
                problems.append(_circle(shown))
                continue
            if entry.is_dir():
                # Records in it would be left out of the site without a word.
                problems.append(Problem(shown, 0, 0, Severity.WARNING, "",
                                        f"ignored: {folder}/ holds records directly, not in folders",
                                        f"move its files up into content/{folder}/"))
                continue
            if suffix in suffixes and stem in seen:
                problems.append(Problem(shown, 0, 0, Severity.ERROR, "",
                                        f"'{stem}' is already given by {seen[stem]}",
                                        "a record's id is its file name: keep one of the two files"))
                continue
            if suffix in suffixes:
                seen[stem] = name
            if entry.is_symlink() and _leads_out(entry.path, root):
                problems.append(_outside(shown))
            elif suffix not in suffixes:
                problems.append(Problem(shown, 0, 0, Severity.WARNING, "",
                                        f"ignored: {folder}/ holds {' or '.join(suffixes)} files",
                                        _record_name_meant(name, suffixes)))
            elif not (id_problems := check_id(stem, shown)):
                found.append(Found(Path(entry.path), kind, stem, shown))
            else:
                problems += id_problems

    attachments = content / ATTACHMENTS
    if _leads_round(attachments):
        problems.append(_circle(f"content/{ATTACHMENTS}"))
    elif attachments.is_symlink() and _leads_out(attachments, root):
        problems.append(_outside(f"content/{ATTACHMENTS}"))
    elif attachments.is_dir():
        for file, shown in _walk(attachments, f"content/{ATTACHMENTS}", problems):
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
    for folder, prefix in ((THEME_TEMPLATES, "(theme) templates"), (site_folder, "templates")):
        if folder == site_folder and _leads_round(folder):
            problems.append(_circle(prefix))
            continue
        if folder == site_folder and folder.is_symlink() and _leads_out(folder, root):
            problems.append(_outside(prefix))
            continue
        if not folder.is_dir():
            continue
        for file, shown in _walk(folder, prefix, problems):
            name = shown[len(prefix) + 1:]
            raw, read_problems = read_limited(file, root, MAX_RECORD_BYTES, shown)
            text, decode_problems = decode_text(raw, shown) if raw is not None else (None, [])
            problems += read_problems + decode_problems
            if text is not None:
                found[name] = Template(name, text, hashlib.sha256(raw).hexdigest(), shown)
    return MappingProxyType(dict(sorted(found.items())))


# What `os.stat` says of a file (size, modified, changed, inode, device), None when it cannot:
# a file written since (or replaced) has other facts, as its change time cannot be set back.
FileFacts = tuple[int, int, int, int, int] | None


def file_facts(file: Path) -> FileFacts:
    try:
        facts = os.stat(file)
    except OSError:
        return None
    return facts.st_size, facts.st_mtime_ns, facts.st_ctime_ns, facts.st_ino, facts.st_dev


def file_digests(files: SiteFiles) -> dict[str, str]:
    """The sha256 of each file `files` lists, by name shown: read, not parsed. What the
    no-change decision compares with the digests of what the last build read."""
    digests = {}
    for found in files.records:
        try:
            with open(found.file, "rb", buffering=0) as file:     # larger than a record: in pieces
                whole = os.fstat(file.fileno()).st_size <= MAX_RECORD_BYTES
                digests[found.shown] = (hashlib.sha256(file.readall()) if whole
                                        else hashlib.file_digest(file, "sha256")).hexdigest()
        except OSError:
            digests[found.shown] = "unreadable"
    return digests

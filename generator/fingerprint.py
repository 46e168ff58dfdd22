"""What a build's output depends on besides the site's own files: the tool and what it runs on.

`environment_digest()` covers Scrutiny's own files (code, theme, frameworks) by content, the
Python that runs it, and every installed distribution Scrutiny requires, directly or not:
each one's name, version, and the size, times and inode of every file its RECORD lists.
A file's ctime changes whenever its bytes do (no program can set it back), so a library
patched in place, upgraded or reinstalled is a different environment, and every output
key and the no-change decision with it: a build after that renders afresh. Stat facts
rather than contents: reading every installed file on every build would cost more than
the whole of a small site's no-change rebuild. A copy of a library earlier on the path than
the installed one (whatever `import` would find first) is counted the same way. So are the
machine's fonts (`fonts_digest`): the papers are set through fontconfig.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import sys
from functools import lru_cache
from pathlib import Path

from generator import __version__

TOOL = Path(__file__).resolve().parent
DISTRIBUTION = "scrutiny"


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The digest of the tool's own files (code, theme, frameworks), by content."""
    hasher = hashlib.sha256(__version__.encode())
    for file in sorted(TOOL.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts:
            hasher.update(str(file.relative_to(TOOL)).encode() + b"\0")
            hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()


def _normalise(name: str) -> str:
    """PEP 503: 'Markdown', 'markdown' and 'mark_down' name one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata_folders() -> dict[str, Path]:
    """Each distribution's metadata folder, by normalised name, the first on sys.path winning
    (as `importlib.metadata` finds them, so a copy earlier on the path is the one counted)."""
    found: dict[str, Path] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith((".dist-info", ".egg-info")):
                project = _normalise(name.rsplit(".", 1)[0].split("-")[0])
                found.setdefault(project, Path(entry or ".", name))
    return found


_REQUIREMENT = re.compile(r"^Requires-Dist:[ \t]*([A-Za-z0-9][A-Za-z0-9._-]*)([^;\n]*)(;[^\n]*)?$", re.MULTILINE)


def _requirements(metadata: Path, extras: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, ...]]]:
    """The distributions `metadata` requires, unconditionally or for one of `extras`, each with
    the extras it is required with (`pagefind[extended]` brings pagefind's own program)."""
    try:
        text = (metadata / ("PKG-INFO" if metadata.suffix == ".egg-info" else "METADATA")).read_text(
            encoding="utf-8", errors="replace")
    except OSError:
        return []
    text = text.split("\n\n", 1)[0]          # the headers: the description after them may be long
    wanted = []
    for match in _REQUIREMENT.finditer(text):
        marker = match.group(3) or ""
        extra = re.search(r"""extra\s*==\s*["']([^"']+)["']""", marker)
        if extra is None and "extra" not in marker or extra is not None and extra.group(1) in extras:
            asked = re.match(r"\s*\[([^\]]*)\]", match.group(2))
            wanted.append((_normalise(match.group(1)),
                           tuple(e.strip() for e in asked.group(1).split(",")) if asked else ()))
    return wanted


def _recorded_files(metadata: Path) -> list[str]:
    """The files a distribution's RECORD lists, as written there (relative to its folder);
    its bytecode too: Python runs a .pyc whose header matches its source's size and second."""
    try:
        lines = (metadata / "RECORD").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line.split(",", 1)[0] for line in lines if line]


def required_distributions() -> dict[str, Path | None]:
    """Every distribution Scrutiny requires, directly or not (the search extra included), by
    name: its metadata folder, or None when it is not installed."""
    folders = _metadata_folders()
    own = folders.get(DISTRIBUTION)
    wanted = _requirements(own, ("search",)) if own else []       # the search index is made by pagefind
    found: dict[str, Path | None] = {}
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while wanted:
        name, extras = wanted.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        found[name] = folders.get(name)
        wanted += _requirements(found[name], extras) if found[name] else []
    return found


def _top_level_names(recorded: list[str], folder: Path) -> set[str]:
    """The modules and packages a distribution puts at the top of its folder (from its RECORD)."""
    names = set()
    for first in {file.split("/", 1)[0] for file in recorded}:
        if first.endswith(".py"):
            names.add(first[:-3])
        elif "." not in first and first not in ("bin", "__pycache__") and (folder / first / "__init__.py").is_file():
            names.add(first)
    return names


def _shadowing_files(names: set[str], folder: Path) -> list[Path]:
    """The files of whatever `import` would find for `names` instead of the distribution's
    own (a copy earlier on sys.path, with or without metadata): found, never imported."""
    files: list[Path] = []
    for name in sorted(names):
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            continue
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin)
        if origin.is_relative_to(folder):
            continue
        for location in spec.submodule_search_locations or [str(origin)]:
            place = Path(location)
            files += sorted(p for p in place.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
                if place.is_dir() else [place]
    return files


def _stat_line(path: str) -> str | None:
    try:
        facts = os.stat(path)
    except OSError:
        return None
    return f"{path}|{facts.st_size}|{facts.st_mtime_ns}|{facts.st_ctime_ns}|{facts.st_ino}"


@lru_cache(maxsize=1)
def dependencies_digest() -> str:
    """The installed distributions Scrutiny requires, as stat facts of their files. Once per
    process: what a process renders with is the code it imported when it started."""
    lines = []
    for name, metadata in sorted(required_distributions().items()):
        lines.append(f"{name}:{metadata.name if metadata else 'absent'}")
        if metadata is None:
            continue
        listed = _recorded_files(metadata)
        folder = str(metadata.parent) + os.sep
        shadows = _shadowing_files(_top_level_names(listed, metadata.parent), metadata.parent)
        files = [*(file if os.path.isabs(file) else folder + file for file in listed), *map(str, shadows)]
        lines += filter(None, map(_stat_line, files))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


# Where fontconfig (through which WeasyPrint sets the papers) finds fonts, and its configuration,
# which decides what stands in for a glyph a font lacks (Liberation Sans has no star).
FONT_PLACES = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path("/etc/fonts"))


def user_font_places() -> tuple[Path, ...]:
    """The user's own fonts and fontconfig settings, where /etc/fonts tells fontconfig to look
    (its `prefix="xdg"` places and the older ones), and the folder FONTCONFIG_PATH names."""
    home = Path.home()
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local/share")
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    places = [data / "fonts", home / ".fonts", config / "fontconfig", home / ".fonts.conf.d", home / ".fonts.conf"]
    if os.environ.get("FONTCONFIG_PATH"):
        places.append(Path(os.environ["FONTCONFIG_PATH"]))
    return tuple(places)


def _first_visit(folder: str, seen: set[str]) -> bool:
    real = os.path.realpath(folder)
    if real in seen:
        return False
    seen.add(real)
    return True


@lru_cache(maxsize=1)
def fonts_digest() -> str:
    """The machine's fonts, as stat facts of the folders and files fontconfig reads, and the
    variables that point it elsewhere: a font package installed, upgraded or removed changes
    the papers' bytes, so it changes what a paper's key says it was made with."""
    lines = [f"{name}={os.environ.get(name, '')}" for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH")]
    paths = [os.environ["FONTCONFIG_FILE"]] if os.environ.get("FONTCONFIG_FILE") else []
    seen: set[str] = set()
    for place in (*FONT_PLACES, *user_font_places()):
        if place.is_file():                      # ~/.fonts.conf: a file of settings, not a folder
            paths.append(str(place))
            continue
        _first_visit(str(place), seen)
        # fontconfig follows a link to a folder; each real folder once, so a link loop ends
        for folder, folders, files in os.walk(place, followlinks=True):
            folders[:] = sorted(name for name in folders if _first_visit(os.path.join(folder, name), seen))
            paths += [folder, *(os.path.join(folder, name) for name in sorted(files))]
    lines += filter(None, map(_stat_line, paths))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def current_umask() -> int:
    """The process's umask: it decides the modes of the files a build writes (a site written
    under 077 is readable by its owner only, not by the web server)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def environment_digest() -> str:
    """Everything besides the site's own files that a build's bytes depend on (see the module),
    and the umask: a site made under another umask is made again, not kept with the old modes."""
    return hashlib.sha256(f"{tool_digest()}|{sys.version}|{dependencies_digest()}|{fonts_digest()}|"
                          f"umask {current_umask():o}".encode()).hexdigest()

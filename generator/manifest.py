"""The build manifest: for every output, a key made from the digests of everything it read.

A rebuild compares keys: an output whose key is unchanged (and whose file is still
there) is reused, not rendered. Keys cover the record files an output depends on
(or 'absent' when a record is withheld or gone), the templates it uses, the theme's
assets, the build date where the output shows it, and the tool's own files.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from generator import __version__

if TYPE_CHECKING:                     # the plan (and the models) are not needed to tell "nothing changed"
    from generator.plan import Output, Plan

MANIFEST_VERSION = 1


def input_digests(plan: Plan) -> dict[str, str]:
    """The digest of every input key an output may name."""
    from generator.plan import AS_OF, SITE
    c = plan.corpus
    digests = {SITE: c.site_digest, AS_OF: c.as_of.isoformat()}
    for kind, mapping in (("inspection", c.inspections), ("service", c.services), ("council", c.councils),
                          ("action_plan", c.action_plans), ("indicators", c.indicators),
                          ("report", c.reports), ("meeting", c.meetings)):
        for key, entry in mapping.items():
            digests[f"{kind}:{key}"] = entry.digest
    for key, entry in c.inspections.items():
        digests[f"inspection-listed:{key}"] = entry.listed_digest
    for key, attachment in c.attachments.items():
        digests[f"attachment:{key}"] = attachment.digest
    for key, framework in c.frameworks.items():
        digests[f"framework:{key}"] = hashlib.sha256(framework.model_dump_json().encode()).hexdigest()
    return digests


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """The digest of the tool's own files (code, theme, frameworks). Part of every key, so
    a new version of the tool (even one with the same version number, as between
    commits) renders everything again rather than keep pages the old code made."""
    hasher = hashlib.sha256(__version__.encode())
    tool = Path(__file__).resolve().parent
    for file in sorted(tool.rglob("*")):
        if file.is_file() and "__pycache__" not in file.parts:
            hasher.update(str(file.relative_to(tool)).encode() + b"\0")
            hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()


def output_key(output: Output, digests: Mapping[str, str], template_digest: str, extra: str = "") -> str:
    hasher = hashlib.sha256()
    hasher.update(f"{MANIFEST_VERSION}|{tool_digest()}|{output.kind}|{output.path}|{template_digest}|{extra}".encode())
    # One update of the joined text: the same digest as one update per input, in a fraction
    # of the time (a listing page names every inspection, service and plan).
    hasher.update("".join([f"|{key}={digests.get(key, 'absent')}" for key in output.inputs]).encode())
    return hasher.hexdigest()


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if data.get("version") == MANIFEST_VERSION else {}


def load(path: Path) -> dict[str, str]:
    return dict(_read(path).get("outputs", {}))


def save(path: Path, keys: Mapping[str, str], state: Mapping[str, Any] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    # Compact: any indent sends json through its pure-Python encoder (seconds on a large site).
    temporary.write_text(json.dumps({"version": MANIFEST_VERSION, "state": dict(state or {}),
                                     "outputs": dict(sorted(keys.items()))}, separators=(",", ":")))
    temporary.replace(path)


def load_with_state(path: Path) -> tuple[dict[str, str], dict]:
    """The keys of a manifest (as `load`) and what the last complete build saw: its input
    fingerprint, date and next release time. Read once: it is megabytes on a large site."""
    data = _read(path)
    return dict(data.get("outputs", {})), dict(data.get("state", {}))


RACY_NS = 2_000_000_000   # a file changed this close to the table being made may not show it in its time


def input_fingerprint(root: Path, options_text: str, known: Mapping | None = None) -> tuple[str, dict]:
    """One digest of every file a build reads (content, site templates, the tool's own
    files) and of the build's options, and the table of those files to save for next time.

    Like git's index, a file whose size, times and inode are those in `known` (the table
    the last build saved, as `{"files": {path: [size, mtime_ns, ctime_ns, inode, digest]},
    "seen_at": ns}`) keeps its digest without being read again, unless it was changed
    within `RACY_NS` of that table being made, when a second change may not have moved
    its time. Everything else is read and hashed. A no-change rebuild is this and nothing else."""
    known_files = (known or {}).get("files") or {}
    trusted_before = int((known or {}).get("seen_at") or 0) - RACY_NS
    seen_at = time.time_ns()
    hasher = hashlib.sha256(f"{MANIFEST_VERSION}|{tool_digest()}|{options_text}".encode())
    table: dict[str, list] = {}
    for name, path in sorted(_files(str(root), ("content", "templates"))):
        stat = os.stat(path)
        facts = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
        entry = known_files.get(name)
        if entry and entry[:4] == facts and stat.st_mtime_ns < trusted_before and stat.st_ctime_ns < trusted_before:
            digest = entry[4]
        else:
            with open(path, "rb") as file:
                digest = hashlib.sha256(file.read()).hexdigest()
        table[name] = [*facts, digest]
        hasher.update(f"{name}\0{digest}\0".encode())
    return hasher.hexdigest(), {"files": table, "seen_at": seen_at}


def _files(root: str, folders: tuple[str, ...]):
    """(name relative to root, full path) of every file under root/folder, for each folder.
    Plain strings and os.scandir: pathlib's objects cost more than the stat calls here."""
    stack = [(folder, os.path.join(root, folder)) for folder in folders]
    while stack:
        name, path = stack.pop()
        try:
            entries = list(os.scandir(path))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            child = f"{name}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                stack.append((child, entry.path))
            elif entry.is_file():
                yield child, entry.path

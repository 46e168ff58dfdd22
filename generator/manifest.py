"""The build manifest: for every output, a key made from the digests of everything it read.

A rebuild compares keys: an output whose key is unchanged (and whose file is still
there) is reused, not rendered. Keys cover the record files an output depends on
(or 'absent' when a record is withheld or gone), the templates it uses, the theme's
assets, the build date where the output shows it, and the tool's own files.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Mapping

from generator import __version__
from generator.plan import AS_OF, SITE, Output, Plan

MANIFEST_VERSION = 1


def input_digests(plan: Plan) -> dict[str, str]:
    """The digest of every input key an output may name."""
    c = plan.corpus
    digests = {SITE: c.site_digest, AS_OF: c.as_of.isoformat()}
    for kind, mapping in (("inspection", c.inspections), ("service", c.services), ("council", c.councils),
                          ("action_plan", c.action_plans), ("indicators", c.indicators),
                          ("report", c.reports), ("meeting", c.meetings)):
        for key, entry in mapping.items():
            digests[f"{kind}:{key}"] = entry.digest
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
    for key in output.inputs:
        hasher.update(f"|{key}={digests.get(key, 'absent')}".encode())
    return hasher.hexdigest()


def _read(path: Path) -> dict:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if data.get("version") == MANIFEST_VERSION else {}


def load(path: Path) -> dict[str, str]:
    return dict(_read(path).get("outputs", {}))


def save(path: Path, keys: Mapping[str, str], state: Mapping[str, str | None] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"version": MANIFEST_VERSION, "state": dict(state or {}),
                                     "outputs": dict(sorted(keys.items()))}, indent=0))
    temporary.replace(path)


def load_state(path: Path) -> dict[str, str | None]:
    """What the last complete build saw: its input fingerprint, date and next release time."""
    return dict(_read(path).get("state", {}))


def input_fingerprint(root: Path, options_text: str) -> str:
    """One digest of every file a build reads (content, site templates, the theme and the
    tool's own code) and of the build's options. Reading and hashing is all a no-change
    rebuild does: even 250 MB of content hashes in well under a second."""
    hasher = hashlib.sha256(f"{MANIFEST_VERSION}|{tool_digest()}|{options_text}".encode())
    for folder in (root / "content", root / "templates"):
        if not folder.is_dir():
            continue
        for file in sorted(folder.rglob("*")):
            if file.is_file() and "__pycache__" not in file.parts:
                hasher.update(str(file.relative_to(folder.parent)).encode() + b"\0")
                hasher.update(hashlib.sha256(file.read_bytes()).digest())
    return hasher.hexdigest()

"""The live site's manifest: what each of its files was made from, and the state it was built for.

Saved by the build that put the site live (after the swap), read only under the build
lock. For every file it keeps the key of what the file was made from (`plan.keys`) and
the file's size and modification time, so that a file changed or removed since is never
trusted; the `PublicationState` the site was built for; and whether it is a preview (drafts,
or a moment to come) or papers alone (`--pdf-only`), which the commands read to keep
previews out of any site that may be published, and papers alone from replacing a site.
A build that finds no manifest, or one it cannot read, trusts nothing in the live folder.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from generator.plan.state import PublicationState

MANIFEST_VERSION = 2


@dataclass(frozen=True)
class LiveFile:
    key: str
    size: int
    mtime_ns: int

    def is_at(self, path: str) -> bool:
        """True when a regular file at `path` is the one recorded, not changed since."""
        try:
            return self.matches(os.stat(path, follow_symlinks=False))
        except OSError:
            return False

    def matches(self, facts: os.stat_result) -> bool:
        """True when `facts` (a link's own, never followed) are those of the file recorded."""
        return stat.S_ISREG(facts.st_mode) and (facts.st_size, facts.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class Manifest:
    state: PublicationState | None = None
    files: Mapping[str, LiveFile] = field(default_factory=lambda: MappingProxyType({}))   # by path in the site
    preview: bool | None = None       # None: not known (a build under way or killed, an older manifest)
    pdf_only: bool | None = None      # the papers alone were built into it (`--pdf-only`)


def manifest_path(site: Path) -> Path:
    """Beside the site, never in it: output/.manifests/site.json for output/site."""
    return site.parent / ".manifests" / f"{site.name}.json"


def read(site: Path) -> Manifest:
    try:
        data = json.loads(manifest_path(site).read_text(encoding="utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return Manifest()
        files = {path: LiveFile(*entry) for path, entry in data["files"].items()}
        preview, pdf_only = data.get("preview"), data.get("pdf_only")
        return Manifest(PublicationState.from_json(data["state"]), MappingProxyType(files),
                        preview if isinstance(preview, bool) else None,
                        pdf_only if isinstance(pdf_only, bool) else None)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return Manifest()


def forget(site: Path) -> None:
    """Before the live folder changes, the manifest vouches for nothing (but still says the
    folder is Scrutiny's): a build killed then trusts nothing next time."""
    save(site, Manifest())


def save(site: Path, manifest: Manifest) -> None:
    path = manifest_path(site)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    files = {name: [f.key, f.size, f.mtime_ns] for name, f in sorted(manifest.files.items())}
    # Compact: any indent sends json through its pure-Python encoder.
    text = json.dumps({"version": MANIFEST_VERSION, "state": manifest.state.as_json() if manifest.state else None,
                       "preview": manifest.preview, "pdf_only": manifest.pdf_only, "files": files},
                      separators=(",", ":"))
    temporary.unlink(missing_ok=True)
    # A new file, never through a link someone put where the temporary file goes.
    with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644), "w",
                   encoding="utf-8") as handle:
        handle.write(text)
    temporary.replace(path)

"""Laid-out documents kept between builds, found by what they are made of.

Laying out a document is the slow part of a paper or a pack (WeasyPrint, then the tagging
repair). A document's PDF depends on its HTML and CSS (`pdf.Job.key` is their digest), on
the images it embeds (content/attachments), on WeasyPrint and its PDF writer, and on our
own rendering code; the cache key covers all of those. So a rebuild lays out only the
documents whose HTML changed: after one appendix changes, a pack lays out that appendix
(and its front sheet, whose page ranges moved) and re-assembles the rest from here. Stamps
and page numbers are overlays drawn at assembly, so a cached layout serves any position.

Output is the same bytes either way (PDFs are reproducible), so the cache changes speed
only. Entries unused for `MAX_AGE_DAYS` are removed. The members' pack (exempt papers)
is never cached.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from generator import fingerprint

if TYPE_CHECKING:                       # generator.render.pdf imports WeasyPrint (slow): not here
    from generator.render.pdf import Rendered

MAX_AGE_DAYS = 30
STALE_WRITE_SECONDS = 3600             # no put() takes this long between its two files


def layout_digest(attachment_digests: Iterable[str]) -> str:
    """What every laid-out document depends on besides its own HTML and CSS: the files it
    may embed by reference (images under content/attachments), the libraries, our code."""
    hasher = hashlib.sha256(fingerprint.environment_digest().encode())
    for digest in sorted(attachment_digests):
        hasher.update(digest.encode())
    return hasher.hexdigest()


@dataclass(frozen=True)
class DocumentCache:
    folder: Path
    environment: str                   # layout_digest(...)

    def _path(self, key: str) -> Path:
        name = hashlib.sha256(f"{self.environment}\0{key}".encode()).hexdigest()
        return self.folder / name[:2] / f"{name}.pdf"

    def get(self, key: str) -> Rendered | None:
        path = self._path(key)
        try:
            data = path.read_bytes()
            pages = int(path.with_suffix(".pages").read_text())
            os.utime(path)             # recently used: kept by prune()
        except (OSError, ValueError):
            return None
        from generator.render.pdf import Rendered
        return Rendered(key, data, pages)

    def put(self, rendered: Rendered) -> None:
        path = self._path(rendered.key)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            for target, data in ((path.with_suffix(".pages"), str(rendered.pages).encode()), (path, rendered.data)):
                temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
                temporary.write_bytes(data)
                temporary.replace(target)          # the .pdf last: it is what get() reads first
        except OSError:
            # A cache that cannot be written is only slower; what was begun goes, as prune never finds it.
            try:
                if temporary is not None:
                    temporary.unlink(missing_ok=True)
            except OSError:
                pass

    def prune(self, max_age_days: int = MAX_AGE_DAYS) -> None:
        now = time.time()
        limit = now - max_age_days * 86400
        for path in self.folder.glob("*/*.pdf"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    path.with_suffix(".pages").unlink(missing_ok=True)
            except OSError:
                pass
        # A put() that failed before its .pdf (a full disk, a killed build) left these for good;
        # a recent one may be a put() still writing, so only old ones go.
        for path in unfinished_writes(self.folder):
            try:
                if path.stat().st_mtime < now - STALE_WRITE_SECONDS:
                    path.unlink()
            except OSError:
                pass


def unfinished_writes(folder: Path) -> list[Path]:
    """Page counts without their layout, and temporary files, in the cache's folder."""
    orphans = [path for path in folder.glob("*/*.pages") if not path.with_suffix(".pdf").exists()]
    return orphans + list(folder.glob("*/*.tmp"))

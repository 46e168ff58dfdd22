"""The search index: Pagefind (from PyPI) run over the finished pages of the next version.

It reads only the folder being made, which holds public pages only, so the index can
never contain a draft, embargoed or exempt record. Pagefind writes the same bytes for
the same pages, so an index is reused whenever its pages are (`plan.keys.search_key`).

Pagefind does not always stop when its disk is full (it was seen waiting for ever), so
it is started only with room to write an index: as many bytes free as the pages take,
and a file's worth of free inodes per page (it writes a fragment per page).
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

MINIMUM_ROOM = 1024 * 1024          # bytes free, whatever the pages take
SPARE_INODES = 200                  # the index's own files, besides a fragment per page
TIMEOUT_SECONDS = 1800


class SearchIndexError(Exception):
    pass


def _disk_full(folder: Path) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(folder))


def _check_room(site: Path, target: Path) -> None:
    pages = [p for p in site.rglob("*.html") if not p.is_relative_to(target)]
    room = os.statvfs(site)
    free_bytes, free_inodes = room.f_bavail * room.f_frsize, room.f_favail
    if free_bytes < max(MINIMUM_ROOM, sum(p.stat().st_size for p in pages)) or (
            room.f_files and free_inodes < len(pages) + SPARE_INODES):
        raise _disk_full(target)


def index_site(target: Path, site: Path) -> None:
    """Index every page of `site` into `target` (a folder inside it)."""
    _check_room(site, target)
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target),
               "--force-language", "en", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except FileNotFoundError as exc:       # pragma: no cover - pagefind is a dependency
        raise SearchIndexError("pagefind is not installed: run 'make site' to install it") from exc
    except subprocess.TimeoutExpired as exc:
        raise SearchIndexError(f"pagefind did not finish in {TIMEOUT_SECONDS // 60} minutes") from exc
    if done.returncode != 0:
        room = os.statvfs(site)
        if room.f_bavail == 0 or room.f_files and room.f_favail == 0:
            raise _disk_full(target)
        raise SearchIndexError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")

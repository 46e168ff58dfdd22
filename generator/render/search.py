"""The search index: Pagefind (from PyPI) run over the finished pages of the next version.

It reads only the folder being made, which holds public pages only, so the index can
never contain a draft, embargoed or exempt record. Pagefind writes the same bytes for
the same pages, so an index is reused whenever its pages are (`plan.keys.search_key`).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(Exception):
    pass


def index_site(target: Path, site: Path) -> None:
    """Index every page of `site` into `target` (a folder inside it)."""
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target),
               "--force-language", "en", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except FileNotFoundError as exc:       # pragma: no cover - pagefind is a dependency
        raise SearchIndexError("pagefind is not installed: run 'make site' to install it") from exc
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")

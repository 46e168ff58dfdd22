"""The search index: Pagefind (from PyPI) run over the staged site.

It reads only what is in the staging folder, which holds public pages only, so the
index can never contain a draft, embargoed or exempt record.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(Exception):
    pass


def index_site(site: Path) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind",
               "--force-language", "en", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:       # pragma: no cover - pagefind is a dependency
        raise SearchIndexError("pagefind is not installed: run 'make site' to install it") from exc
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")

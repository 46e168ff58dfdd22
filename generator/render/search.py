"""The search index: Pagefind (from PyPI) run over the staged site, in parts.

It reads only what is in the staging folder, which holds public pages only, so the
index can never contain a draft, embargoed or exempt record.

**Parts.** Pagefind keeps everything it indexes in memory, about ten times the pages'
size: the 5,001 action plan pages of a national corpus (313 MB) took 3.2 GiB, the whole
site 5.5 GiB (5,635 MiB). So the pages are split, in path order, into parts of at most
`PART_BYTES` of HTML, and each part gets its own Pagefind run and bundle: the first at
`pagefind/`, the others at `pagefind/part-2/`, `part-3/` ... The search page merges them
(Pagefind's `mergeIndex`), reading their names from `pagefind/parts.js`, which is written
last. Parts run side by side, `jobs` at a time.

Each run sees a folder of hard links to its part's pages (the same relative paths), so
its results link to the same addresses as one run over the whole site would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Sequence

PART_BYTES = 48 * 1024 * 1024     # of HTML per Pagefind run: under 1 GiB of memory each


class SearchIndexError(Exception):
    pass


def index_parts(site: Path, part_bytes: int) -> list[list[str]]:
    """The site's pages (relative paths, sorted) in consecutive parts of at most
    `part_bytes` each (a larger page is a part of its own)."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if p.relative_to(site).parts[0] != "pagefind")
    parts: list[list[str]] = []
    size = 0
    for page in pages:
        page_size = (site / page).stat().st_size
        if not parts or size + page_size > part_bytes:
            parts.append([])
            size = 0
        parts[-1].append(page)
        size += page_size
    return parts


def _bundle_name(number: int) -> str:
    """Where part `number` (2, 3, ...) goes inside the first part's bundle, pagefind/."""
    return f"part-{number}/"


def _run_pagefind(site: Path, pages: Sequence[str], work: Path, bundle: Path) -> None:
    farm = work / "pages"
    for page in pages:
        (farm / page).parent.mkdir(parents=True, exist_ok=True)
        os.link(site / page, farm / page)
    command = [sys.executable, "-m", "pagefind", "--site", str(farm), "--output-path", str(bundle),
               "--force-language", "en", "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    except FileNotFoundError as exc:       # pragma: no cover - pagefind is a dependency
        raise SearchIndexError("pagefind is not installed: run 'make site' to install it") from exc
    if done.returncode != 0:
        raise SearchIndexError(f"pagefind failed: {done.stderr.strip() or done.stdout.strip()}")


def index_site(site: Path, jobs: int = 1, part_bytes: int | None = None) -> int:
    """Index every page of `site` into site/pagefind/ (and its parts); returns the number of parts."""
    parts = index_parts(site, PART_BYTES if part_bytes is None else part_bytes)
    target = site / "pagefind"
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site.parent) as temporary:
        work = Path(temporary)

        def run(number: int) -> None:
            folder = work / str(number)
            _run_pagefind(site, parts[number - 1], folder, folder / "bundle")

        with ThreadPoolExecutor(max(1, min(jobs, len(parts)))) as pool:
            list(pool.map(run, range(1, len(parts) + 1)))
        # The first bundle is the search page's own; the others go inside it, named in parts.js.
        if parts:
            shutil.move(str(work / "1" / "bundle"), target)
        else:
            target.mkdir()
        for number in range(2, len(parts) + 1):
            shutil.move(str(work / str(number) / "bundle"), target / _bundle_name(number))
    names = [_bundle_name(n) for n in range(2, len(parts) + 1)]
    (target / "parts.js").write_text(f"window.scrutinySearchParts = {json.dumps(names)};\n", encoding="utf-8")
    return len(parts)

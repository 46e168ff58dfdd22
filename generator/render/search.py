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

**Reuse.** A part whose pages are the very pages the live site's index has in the same
part (the same paths, none of them changed since) is not indexed again: its bundle is
hard-linked from the live site. Pagefind writes the same bytes for the same pages, so the
index is the one a cold build makes. The parts are cut by path order and size, so an
edit that does not move a cut (nearly every edit: a page grows by less than the room
left at the end of its part) re-indexes the parts holding changed pages only. At
N = 5,000 (12 parts) every edit re-indexed all of them, 48 s; an inspection's text edited
now re-indexes one part, 6 s, and a fact every listing reads the parts holding the
listings and the pages linking to it, 25 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

PART_BYTES = 48 * 1024 * 1024     # of HTML per Pagefind run: under 1 GiB of memory each


class SearchIndexError(Exception):
    pass


@dataclass(frozen=True)
class EarlierIndex:
    """The live site's index, for `index_site` to reuse: `bundle`, its pagefind/ folder;
    `parts`, the pages each of its parts indexed, in order; `unchanged(page)`: True when the
    page is the very file it was when that index was made."""

    bundle: Path
    parts: Sequence[Sequence[str]]
    unchanged: Callable[[str], bool]

    def reusable(self, number: int, pages: Sequence[str]) -> bool:
        """True when part `number` (1, 2, ...) would index exactly what it indexed then."""
        return (number <= len(self.parts) and list(self.parts[number - 1]) == list(pages)
                and all(self.unchanged(page) for page in pages) and self._bundle(number).is_dir())

    def _bundle(self, number: int) -> Path:
        return self.bundle if number == 1 else self.bundle / _bundle_name(number)

    def copy(self, number: int, destination: Path) -> None:
        """Part `number`'s bundle as a tree of hard links at `destination` (the first part's
        without the other parts inside it, nor parts.js, which `index_site` writes)."""
        def others(folder: str, names: list[str]) -> list[str]:
            if number != 1 or Path(folder) != self.bundle:
                return []
            return [name for name in names if name.startswith("part-") or name == "parts.js"]
        shutil.copytree(self._bundle(number), destination, ignore=others, copy_function=_link)


def _link(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


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


def index_site(site: Path, jobs: int = 1, part_bytes: int | None = None,
               earlier: EarlierIndex | None = None) -> list[list[str]]:
    """Index every page of `site` into site/pagefind/ (and its parts), reusing the parts of
    `earlier` that index the same pages; returns the parts' pages."""
    parts = index_parts(site, PART_BYTES if part_bytes is None else part_bytes)
    target = site / "pagefind"
    shutil.rmtree(target, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=".search-", dir=site.parent) as temporary:
        work = Path(temporary)

        def run(number: int) -> None:
            folder = work / str(number)
            if earlier is not None and earlier.reusable(number, parts[number - 1]):
                earlier.copy(number, folder / "bundle")
            else:
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
    return parts

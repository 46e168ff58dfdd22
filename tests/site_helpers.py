"""Helpers for tests that build whole sites: copy the shipped content, build, read back."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

from generator.build import BuildOptions, build_site
from generator.model.types import LONDON

REPO = Path(__file__).resolve().parent.parent
AS_OF = dt.datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)


def copy_site(destination: Path) -> Path:
    """A private copy of the shipped content (and site templates) to build and change."""
    shutil.copytree(REPO / "content", destination / "content")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", destination / "templates")
    return destination


def build(root: Path, output: Path | None = None, now: dt.datetime = AS_OF, pdf: bool = False,
          search: bool = False, drafts: bool = False, jobs: int = 1, memo=None, out_of_date: bool = False):
    """`out_of_date`: check and plan even when nothing changed, as `scrutiny serve` does after a save."""
    options = BuildOptions(root=root, output=output or root / "output" / "site", now=now,
                           drafts=drafts, pdf=pdf, jobs=jobs, search=search)
    report = build_site(options, memo=memo, out_of_date=out_of_date)
    assert report.ok, [str(p) for p in report.checked.errors]
    return report


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def cold_build(root: Path, scratch: Path, **options) -> dict[str, bytes]:
    """What a first build of root's content (and site templates) makes, in a folder of its
    own under `scratch`: the reference an incremental build must equal. `options`: as `build`."""
    fresh = scratch / "cold"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(root / "content", fresh / "content")
    if (root / "templates").is_dir():
        shutil.copytree(root / "templates", fresh / "templates")
    build(fresh, **options)
    return all_files(fresh / "output" / "site")


def replace_in_file(path: Path, old: str, new: str) -> None:
    """Replace the first `old` in a file, which must hold it."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


class LinkCollector(HTMLParser):
    """Every href/src in a page, and every id it defines."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"])
        for name in ("href", "src"):
            if values.get(name):
                self.links.append(values[name])


def parse_page(path: Path) -> LinkCollector:
    collector = LinkCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def pdf_texts(path: Path) -> list[str]:
    """The text of each page of a PDF, as pdftotext lays it out."""
    import subprocess

    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                         text=True).stdout
    return out.split("\f")[:-1]


def flat(text: str) -> str:
    """Text with its white space folded: words as a reader sees them, whatever the layout."""
    return " ".join(text.split())

"""Searching a whole output folder for a sentinel, compressed search-index files included."""

from __future__ import annotations

import datetime as dt
import gzip
import zlib
from pathlib import Path


def readable(data: bytes) -> bytes:
    """The bytes a person (or a crawler) could get at: gzip and zlib streams are opened."""
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError):
            return data
    if data[:1] == b"\x78":
        try:
            return zlib.decompress(data)
        except zlib.error:
            return data
    return data


def files_containing(folder: Path, sentinel: str) -> list[str]:
    needle = sentinel.encode()
    hits = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and needle in readable(path.read_bytes()):
            hits.append(path.relative_to(folder).as_posix())
    return hits


SENTINEL = "ZEBRA-SENTINEL-7741"


def plant_embargoed_inspection(root: Path, until: dt.datetime, status: str = "published",
                               published: dt.date | None = None) -> None:
    """An inspection and its plan, embargoed until `until` and published (by default) that day."""
    (root / "content/inspections/torbay-2026.yaml").write_text(f"""\
service: torbay-yot
framework: hmip-youth-2021
fieldwork: {{from: 2026-09-14, to: 2026-09-18}}
published: {(published or until.date()).isoformat()}
status: {status}
embargo_until: {until:%Y-%m-%d %H:%M}
overall: {{rating: Good}}
introduction: The re-inspection found {SENTINEL} improvements.
domains:
  "1":
    summary: Governance {SENTINEL} was stronger.
    strengths: [The Board {SENTINEL} met monthly.]
standards:
  "1.1": Good
recommendations:
  - to: The YOT Management Board {SENTINEL}
    items: [keep the {SENTINEL} improvements going]
""")
    (root / "content/action-plans/torbay-2026-plan.yaml").write_text(f"""\
inspection: torbay-2026
title: Re-inspection plan {SENTINEL}
actions:
  - {{id: A1, recommendations: [1], action: Keep going {SENTINEL}, due: 2027-03}}
""")

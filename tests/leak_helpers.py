"""Searching a whole output folder for a sentinel, compressed search-index files included."""

from __future__ import annotations

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

"""Records parsed by an earlier build, kept under `.cache/parsed/`: a file whose bytes have
not changed is not parsed again, so a build after one record changed parses that one record
(bench/README.md has what it saves).

An entry is keyed by what the parse depends on: the file's kind and suffix and the sha256
of its bytes (never its name or times), and each shard names the environment (the tool's
own files, its installed dependencies and the Python version, whose format marshal writes),
so an edited file, a changed parser or another Python parse afresh. Only documents the fast path read without a problem are
kept, so a file with a problem is always parsed again and its messages are always fresh.

Sixteen shards, by the digest's first character: a build that changed one record rewrites
the one or two shards that held its old and new entries, not the whole cache. A shard
that cannot be read (missing, truncated, from another version) is simply empty.

Each entry stays packed (marshal's bytes) until it is asked for: the loader hands each
record to validation as soon as it has it, and the unpacked data of a whole national
corpus is never in memory at once.
"""

from __future__ import annotations

import marshal
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.fingerprint import environment_digest

# (data, body, body_line): what `read_document` parses from a file's bytes
Parsed = tuple[Any, "str | None", int]


def _header() -> str:
    return environment_digest()          # the Python version (marshal's format) included


def _read_shard(path: Path, header: str) -> dict[str, bytes]:
    """A shard's entries: its header (4 bytes of length, then the text) is checked before
    the entries are unpacked, so a shard from another version costs nothing to refuse."""
    try:
        with open(path, "rb") as file:
            length = int.from_bytes(file.read(4), "little")
            if file.read(length) != header.encode():
                return {}
            entries = marshal.loads(file.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return entries if isinstance(entries, dict) else {}


@dataclass
class ParsedCache:
    """The entries of one build: looked up while reading, saved once at the end."""

    folder: Path
    header: str = field(default_factory=_header)
    _shards: dict[str, dict[str, bytes]] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    # What this build parsed, packed end to end in one buffer a shard (`_pending`), each
    # entry found by its span: held as thousands of separate objects among the records that
    # outlive them, a national corpus's entries left their memory to the process after it.
    _added: dict[str, tuple[int, int]] = field(default_factory=dict)
    _pending: dict[str, bytearray] = field(default_factory=dict)

    def _shard(self, name: str) -> dict[str, bytes]:
        if name not in self._shards:
            self._shards[name] = _read_shard(self.folder / f"{name}.marshal", self.header)
        return self._shards[name]

    @staticmethod
    def key(kind: str, suffix: str, digest: str) -> str:
        """An entry's key: what the parse depends on, never the file's name or times."""
        return f"{digest}:{kind}{suffix}"

    def get(self, entry_key: str) -> Parsed | None:
        """The entry kept by an earlier build, or added by this one."""
        packed = self._added_entry(entry_key) or self._shard(entry_key[0]).get(entry_key)
        if packed is None:
            return None
        try:
            parsed = marshal.loads(packed)
        except (ValueError, EOFError, TypeError):
            return None
        self._used.add(entry_key)
        return parsed

    def add(self, entry_key: str, parsed: Parsed) -> None:
        buffer = self._pending.setdefault(entry_key[0], bytearray())
        start = len(buffer)
        buffer += marshal.dumps(parsed)
        self._added[entry_key] = (start, len(buffer))
        self._used.add(entry_key)

    def _added_entry(self, entry_key: str) -> bytes | None:
        span = self._added.get(entry_key)
        return None if span is None else bytes(memoryview(self._pending[entry_key[0]])[span[0]:span[1]])

    def keep(self, entry_key: str) -> None:
        """An entry this build did not read (the caller holds the file's record, validated from
        the same bytes: `scrutiny serve`'s memo) but must not drop: the next `scrutiny build`
        has no memo. Nothing is read here; an entry not in the cache is simply not kept."""
        self._used.add(entry_key)

    def save(self) -> None:
        """Rewrite each shard that gained an entry or holds one this build did not use. What it
        keeps is read from the shard as it is now, never as this build found it: another
        build's `--rebuild` may have deleted the cache meanwhile, and what it deleted (perhaps
        tampered with) must not come back."""
        names = {k[0] for k in self._added} | {name for name, entries in self._shards.items()
                                                if entries.keys() - self._used}
        for name in sorted(names):
            now = _read_shard(self.folder / f"{name}.marshal", self.header)
            kept = {k: v for k, v in now.items() if k in self._used}
            kept.update((k, self._added_entry(k)) for k in self._added if k[0] == name)
            self._write(name, kept)

    def _write(self, name: str, entries: dict[str, bytes]) -> None:
        target = self.folder / f"{name}.marshal"
        temporary = target.with_name(f"{name}.{os.getpid()}.tmp")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            header = self.header.encode()
            temporary.write_bytes(len(header).to_bytes(4, "little") + header + marshal.dumps(entries))
            temporary.replace(target)
        except (OSError, ValueError):
            # A read-only checkout, a full disk, or data marshal cannot hold: the next
            # build parses these files again; nothing else depends on the cache.
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass                   # .cache is not a folder: there was nothing to remove

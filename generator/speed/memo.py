"""What one process's earlier builds worked out, for its next build (`scrutiny serve`).

`scrutiny serve` builds again in the same process on every save. Most of a large check
is work on files that did not change: validating them and resolving them one by one
(applying the framework to an inspection, an action plan's RAG and overdue status). Both
are pure functions of a file's bytes and a few named facts, so their results are kept
(`CheckMemo`), keyed by exactly those:

- a validated `Record` (or a Markdown attachment's document), by (kind, file, sha256 of
  its bytes): validation reads nothing else. Only records that were read and validated
  without any problem are kept, so a file with a warning is read again and its messages
  are always fresh;
- each file's digest with what `os.stat` said of it just before it was read (size,
  modified and changed times, inode): a file whose facts are the same is not read again.
  Its change time moves whenever its bytes do and cannot be set back, so a saved file is
  always read (a file changed in the last two seconds is not remembered: two saves within
  one tick of the file system's clock could leave the same facts). Only `scrutiny serve`
  builds this way, into its own preview folder: a `scrutiny build` has no memo and reads
  every file;
- a per-record result of `resolve` (`part`), by a key the resolver spells out: the
  record's file and digest and whatever else the result depends on (the framework's
  digest, the as-of date, the set of attachment paths).

Keys never use a name or a time alone, so a reused result is the one a cold build would
compute. Each build keeps only what it used: the memo holds one build's worth, not every
version ever saved.

Rendering keeps each inspection's piece of the corpus-wide data files (`MatchMemo`): a
piece is reused while the objects it is made from are equal to last time's (compared
whole, with ==, so nothing they hold can change unseen).

A command that builds once (`scrutiny build`) has no memo: unpickling a kept corpus from
disk costs as much as validating it again (bench/README.md).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")
RECENT_NS = 2_000_000_000        # a file changed this recently may change again unseen


class CheckMemo:
    """Validated records and per-record resolve results, kept from one build to the next."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str, str], Any] = {}
        self._parts: dict[Hashable, Any] = {}
        self._digests: dict[str, tuple[Any, str]] = {}
        self._used_records: dict[tuple[str, str, str], Any] = {}
        self._used_parts: dict[Hashable, Any] = {}
        self._used_digests: dict[str, tuple[Any, str]] = {}

    def digest_if_unchanged(self, path: str, facts) -> str | None:
        """The digest `path` had when last read, if `os.stat` still says what it said then."""
        kept = self._digests.get(path)
        if facts is None or kept is None or kept[0] != facts:
            return None
        self._used_digests[path] = kept
        return kept[1]

    def was_read(self, path: str, facts, digest: str) -> None:
        """`path` was read, its facts taken before: were it written meanwhile, they differ next
        time, unless it was written within one tick of the file system's clock. A file changed
        in the last `RECENT_NS` is therefore not remembered, and is read again (as git does)."""
        # The later of the two times: where ctime is a creation time (FAT/exFAT mounts, Windows),
        # only the modified time says the file was just written.
        if facts is not None and time.time_ns() - max(facts[1], facts[2]) > RECENT_NS:
            self._used_digests[path] = (facts, digest)

    def holds(self, kind: str, path: str, digest: str | None) -> bool:
        """True when an earlier build validated this very file (same kind, path and bytes)."""
        return digest is not None and (kind, path, digest) in self._records

    def record(self, kind: str, path: str, digest: str):
        """The `Record` an earlier build validated (`holds` said there is one)."""
        key = (kind, path, digest)
        found = self._used_records[key] = self._records[key]
        return found

    def keep(self, record) -> None:
        """A record (or Markdown attachment) this build read and validated without a problem."""
        self._used_records[(record.kind, record.path, record.digest)] = record

    def part(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave in the last build for the same key."""
        if key in self._parts:
            found = self._used_parts[key] = self._parts[key]
            return found
        found = self._used_parts[key] = compute()
        return found

    def finish(self) -> None:
        """End of a check: keep what it used, forget the rest (deleted or changed files)."""
        self._records, self._used_records = self._used_records, {}
        self._parts, self._used_parts = self._used_parts, {}
        self._digests, self._used_digests = self._used_digests, {}

    def __len__(self) -> int:
        return len(self._records)


class MatchMemo:
    """Results kept with the inputs they were made from, reused while the inputs are equal."""

    def __init__(self) -> None:
        self._kept: dict[Hashable, tuple[Any, Any]] = {}
        self._used: dict[Hashable, tuple[Any, Any]] = {}

    def matching(self, key: Hashable, inputs: Any, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave last time for `key` if `inputs == ` last time's inputs.
        (Unchanged inputs are mostly the very same objects, which compare at once.)"""
        kept = self._kept.get(key)
        if kept is None or kept[0] != inputs:
            kept = (inputs, compute())
        self._used[key] = kept
        return kept[1]

    def finish(self) -> None:
        """Keep what this round used, forget the rest."""
        self._kept, self._used = self._used, {}

    def __len__(self) -> int:
        return len(self._kept)


@dataclass
class BuildMemo:
    """All a process keeps from one build for the next: see the module's notes."""

    check: CheckMemo = field(default_factory=CheckMemo)
    data: MatchMemo = field(default_factory=MatchMemo)


def no_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`CheckMemo.part` for a check without a memo: compute every time."""
    return compute()

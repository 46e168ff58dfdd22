"""What one process's earlier checks worked out, for its next build (`scrutiny serve`).

`scrutiny serve` builds again in the same process on every save. Most of a large check
is work on files that did not change: validating them (pydantic makes a million progress
updates at N = 5,000) and resolving them one by one (applying the framework to an
inspection, an action plan's RAG and overdue status). Both are pure functions of a file's
bytes and a few named facts, so their results are kept here, keyed by exactly those:

- a validated `Record`, by (kind, file, sha256 of its bytes): validation reads nothing
  else. Only records that were read and validated without any problem are kept, so a
  file with a warning is read again and its messages are always fresh;
- a per-record result of `resolve` (`part`), by a key the resolver spells out: the
  record's file and digest and whatever else the result depends on (the framework's
  digest, the as-of date, the set of attachment paths).

Keys never use a name or a time alone, so a reused result is the one a cold build would
compute. Each build keeps only what it used: the memo holds one build's worth, not every
version ever saved.

A command that builds once (`scrutiny build`) has no memo: unpickling a kept corpus from
disk costs as much as validating it again (README, Performance).
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, TypeVar

T = TypeVar("T")


class CheckMemo:
    """Validated records and per-record resolve results, kept from one build to the next."""

    def __init__(self) -> None:
        self._records: dict[tuple[str, str, str], Any] = {}
        self._parts: dict[Hashable, Any] = {}
        self._used_records: dict[tuple[str, str, str], Any] = {}
        self._used_parts: dict[Hashable, Any] = {}

    def holds(self, kind: str, path: str, digest: str | None) -> bool:
        """True when an earlier build validated this very file (same kind, path and bytes)."""
        return digest is not None and (kind, path, digest) in self._records

    def record(self, kind: str, path: str, digest: str):
        """The `Record` an earlier build validated (`holds` said there is one)."""
        key = (kind, path, digest)
        found = self._used_records[key] = self._records[key]
        return found

    def keep(self, record) -> None:
        """A record this build read and validated without a problem."""
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

    def __len__(self) -> int:
        return len(self._records)


def no_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`CheckMemo.part` for a check without a memo: compute every time."""
    return compute()

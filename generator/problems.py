"""Problems found in content: the one currency every stage pays its errors in.

Exceptions are for bugs; bad content becomes a `Problem` that points at a file, a line,
a column and a field, says what was expected and, where it can, how to fix it.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Iterable

from generator.textsafety import printable


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"


@dataclass(frozen=True)
class Problem:
    path: str                   # content/inspections/torbay-2021.yaml (relative to the site root)
    line: int                   # 1-based; 0 when the problem is about the file as a whole
    column: int
    severity: Severity
    field: str                  # standards.2.1.rating
    message: str                # "'Outstnding' is not a rating"
    hint: str | None = None     # "did you mean 'Outstanding'?"

    @property
    def where(self) -> str:
        """'file:line:col', or the file alone for a problem with the whole file (line 0), as
        compilers write it: an editor reads either, and ':0:0' names no place in the file."""
        return f"{self.path}:{self.line}:{self.column}" if self.line else self.path

    def __str__(self) -> str:
        """One line for a terminal: anything it would act on or hide, in a file name, a
        field or a value quoted in the message, is written as an escape (`textsafety.printable`)."""
        subject = f"{self.field}: " if self.field else ""
        text = f"{self.where}: {self.severity.value}: {subject}{self.message}"
        return printable(f"{text} ({self.hint})" if self.hint else text)

    @property
    def sort_key(self) -> tuple:
        """Problems are listed by file, then line and column, then severity."""
        order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.NOTICE: 2}
        return (self.path, self.line, self.column, order[self.severity], self.field, self.message)

    def as_dict(self) -> dict:
        return {
            "path": self.path, "line": self.line, "column": self.column,
            "severity": self.severity.value, "field": self.field,
            "message": self.message, "hint": self.hint,
        }


class OutputError(Exception):
    """What is built cannot be written (a folder read-only or full, a paper that cannot be
    laid out): a message for people, never a traceback."""


# The most of a value a message quotes: a megabyte pasted into a field would otherwise fill
# the terminal with one line and push every other problem out of sight.
QUOTED_AT_MOST = 80


def quoted(value: object) -> str:
    """A value as a message quotes it ('Outstnding'); a long one cut short, with its length."""
    text = str(value)
    if len(text) <= QUOTED_AT_MOST:
        return f"'{text}'"
    return f"'{text[:QUOTED_AT_MOST - 20]}...' ({len(text):,} characters)"


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a misspelt id or word, or None when nothing is close."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean '{lowered[close[0]]}'?" if close else None


def did_you_mean_file(path: str, known: Iterable[str]) -> str | None:
    """A 'did you mean' hint for a file under content/ that is not there, judged by its name
    alone: every attachment's path starts 'attachments/', which made any file seem close to a
    missing one ('staffing.md' to 'torbay-peer-review.md')."""
    name = path.rsplit("/", 1)[-1].lower()
    by_name: dict[str, str] = {}
    for other in sorted(known):
        other_name = other.rsplit("/", 1)[-1].lower()
        if not _another_numbered(name, other_name):
            by_name.setdefault(other_name, other)
    close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
    return f"did you mean '{by_name[close[0]]}'?" if close else None


def _another_numbered(name: str, other: str) -> bool:
    """True when two names differ only in their numbers, and not by digits typed in the wrong
    order: 'appendix-1.pdf' is another appendix than 'appendix-3.pdf', not a misspelling of it."""
    letters, other_letters = re.sub(r"\d", "", name), re.sub(r"\d", "", other)
    digits, other_digits = sorted(re.sub(r"\D", "", name)), sorted(re.sub(r"\D", "", other))
    return letters == other_letters and digits != other_digits


def rel(path: Path, root: Path) -> str:
    """A path as shown to people: relative to the site root where possible."""
    text, base = str(path), str(root)
    if text.startswith(base) and text[len(base):len(base) + 1] == os.sep:
        # The usual case, by string: pathlib's relative_to is slow, and this runs for every file.
        return text[len(base) + 1:].replace(os.sep, "/")
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()

"""Authoring tools for the people who keep content/: one module per job.

scaffold     `scrutiny new KIND ID`: a commented record to fill in, and its JSON Schema
serve        `scrutiny serve`: preview with rebuild on change, live reload and in-page errors
spreadsheet  `scrutiny import action-plan`: a council's action-plan spreadsheet -> YAML
listing      `scrutiny list drafts|embargoed|overdue`: what is held back, and until when

The command-line wiring lives in generator/commands/authoring.py; these modules do the work
and report failures as `AuthoringError` (a message for people, and whether it was a usage
mistake: exit 2, or a problem with the content or files: exit 1).
"""

from __future__ import annotations

import errno
from pathlib import Path

from generator.textsafety import printable


class AuthoringError(Exception):
    """Something the person must fix; `usage` errors exit 2, the rest exit 1."""

    def __init__(self, message: str, usage: bool = False) -> None:
        # A sheet's name or a header is quoted as it is: each line is made safe to print.
        super().__init__("\n".join(printable(line) for line in message.split("\n")))
        self.usage = usage


def cannot_write(exc: OSError, shown: str, outcome: str) -> AuthoringError:
    """The error for a file the command could not write (a full disk, a read-only folder):
    what, why, and `outcome`, what that left of the person's files."""
    reason = "the disk is full" if exc.errno == errno.ENOSPC else exc.strerror or str(exc)
    return AuthoringError(f"cannot write {shown} ({reason}); {outcome}")


def require_content(root: Path) -> None:
    """A usage error unless `root` is a site's folder: the command was run elsewhere, or -C was mistyped."""
    if not (root / "content").is_dir():
        raise AuthoringError(f"there is no content/ folder in {root}; run this in the site's folder or give it "
                             "with -C DIR", usage=True)

"""What papers need before any rendering starts: their font, and the error they raise.

Kept apart from `pdf.py` so that the process that assembles packs (pikepdf) need not
import WeasyPrint, which is slow to import.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from generator.problems import OutputError
from generator.textsafety import printable

FONT_FAMILY = "Liberation Sans"
FONT_FILES = {"regular": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf",
              "italic": "LiberationSans-Italic.ttf", "bold-italic": "LiberationSans-BoldItalic.ttf"}
# Debian's fonts-liberation2 first (installed by tools/system-deps), then older or local installs.
FONT_DIRS = (Path("/usr/share/fonts/truetype/liberation2"), Path("/usr/share/fonts/truetype/liberation"),
             Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts", Path.home() / ".fonts")


class PaperError(OutputError):
    """A paper cannot be made from the content as it is: a message for people, naming the file.

    A subclass of OutputError so that `scrutiny build` reports it like any other reason
    the output could not be written (exit 1, previous output untouched)."""

    def __init__(self, source: str, message: str, hint: str | None = None) -> None:
        self.source = source
        self.message = message
        self.hint = hint
        text = f"{source}: error: {message}"
        super().__init__(printable(f"{text} ({hint})" if hint else text))

    def __reduce__(self):
        return (PaperError, (self.source, self.message, self.hint))


class PaperErrors(OutputError):
    """Every paper that cannot be made, each on its own line: a build reports every bad appendix
    in one pass, as `scrutiny check` reports every problem, not only the first it meets."""

    def __init__(self, errors: list[PaperError]) -> None:
        unique = {str(e): e for e in errors}          # a file given twice in a pack is said once
        self.errors = [unique[text] for text in sorted(unique)]
        super().__init__(f"the papers cannot be made ({len(unique)} problems):\n" + "\n".join(sorted(unique)))


def all_of(errors: list[PaperError]) -> OutputError:
    """One error to raise for `errors` (at least one): itself when it is alone."""
    return errors[0] if len({str(e) for e in errors}) == 1 else PaperErrors(errors)


@lru_cache(maxsize=1)
def font_files() -> dict[str, Path]:
    """The Liberation Sans files, looked up where Debian and users install fonts."""
    found: dict[str, Path] = {}
    for style, name in FONT_FILES.items():
        for folder in FONT_DIRS:
            candidate = folder / name
            if candidate.is_file():
                found[style] = candidate
                break
    return found


def check_fonts() -> dict[str, Path]:
    found = font_files()
    missing = [FONT_FILES[s] for s in ("regular", "bold") if s not in found]
    if missing:
        raise PaperError("fonts", f"the papers' font {FONT_FAMILY} is not installed ({', '.join(missing)} not found)",
                         "run tools/system-deps pdf, or: sudo apt-get install fonts-liberation2")
    return found



"""Characters no text in content may hold, and messages that show such text safely.

Every string of every record passes through the YAML reader (`load.yaml_source`), which
asks `unsafe_character` of each value and key; Markdown bodies are asked at validation.
So a control character is refused however it was written: raw, or as a YAML escape in
double quotes ("\\0", "\\e[31m", "\\x0b", "\\uFFFF"), which the reader decodes.

- C0 and C1 control characters (Unicode general category Cc) other than tab and line feed,
  and carriage return except in text of several lines (where it ends lines): they are
  never shown, a NUL ends a C string, and they make XML (feed.xml) ill-formed;
- noncharacters (U+FDD0-U+FDEF and the last two code points of every plane, U+FFFE and
  U+FFFF among them: Unicode 15, section 23.7) and lone surrogates, which UTF-8 cannot
  write;
- in text of one line (ids, names, titles), the bidirectional embeddings, overrides and
  isolates (U+202A-U+202E, U+2066-U+2069: Unicode Standard Annex 9): they reorder how a
  name is displayed, so that what is shown is not what is stored ("Trojan Source",
  CVE-2021-42574). Prose of several lines may hold them, for right-to-left quotations.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Iterator

NONCHARACTERS = "\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                           for plane in range(17))
_NEVER = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + NONCHARACTERS
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"

# OWASP, "CSV Injection": a spreadsheet reads a cell that begins with one of these as a
# formula (=HYPERLINK(...), +cmd|...!A0, @SUM(...)), or strips the tab or return and then does.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def unescaped_cell(text: str) -> str:
    """A CSV cell as it was before the `'` that keeps a spreadsheet from running it
    (`render.data.spreadsheet_cell`): what Scrutiny exports imports again unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text

_IN_PROSE = re.compile(f"[{_NEVER}]")                    # text of several lines
_IN_LINE = re.compile(f"[{_NEVER}\r{BIDI_CONTROLS}]")    # text of one line
# Any of them written straight into a file (a carriage return there only ends a line).
UNSAFE_IN_FILE = re.compile(f"[{_NEVER}{BIDI_CONTROLS}]")


def unsafe_character(text: str, several_lines: bool | None = None) -> int | None:
    """The index of the first character `text` may not hold, or None. `several_lines`:
    whether it is prose of several lines (by default: whether it holds a line feed)."""
    if several_lines is None:
        several_lines = "\n" in text
    found = (_IN_PROSE if several_lines else _IN_LINE).search(text)
    return found.start() if found else None


def unsafe_in_prose(text: str) -> Iterator[int]:
    """The index of every character that prose of several lines (a Markdown body) may not hold."""
    return (found.start() for found in _IN_PROSE.finditer(text))


def describe(character: str) -> tuple[str, str]:
    """What the character is, and what to do about it: for a message and its hint."""
    code = f"U+{ord(character):04X}"
    if re.match(f"[{BIDI_CONTROLS}]", character):
        return (f"the bidirectional control {code} ({unicodedata.name(character)})",
                "remove it: it changes the order in which a name is displayed, so what is shown "
                "is not what is stored")
    if re.match(f"[{NONCHARACTERS}\ud800-\udfff]", character):
        return f"{code}, which is not a character", "remove it; it often comes from a broken conversion"
    return (f"the control character {code}",
            "remove it; in double quotes an escape such as \\0, \\e, \\x1b or \\u001b writes one")


def unsafe_text_message(text: str, index: int) -> tuple[str, str]:
    """(message, hint) for `text` holding a character it may not at `index`."""
    what, hint = describe(text[index])
    shown = text if len(text) <= 60 else text[:57] + "..."
    return f"'{printable(shown)}' contains {what}; expected printable text", hint


def _escaped(character: str) -> str:
    code = ord(character)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str) -> str:
    """`text` with every character a terminal would act on or not show (controls, escape
    sequences, line breaks, format and bidirectional characters, unassigned code points)
    written as a Python-style escape: '\\x1b[2J' is shown, and clears no screen."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escaped(c) for c in text)

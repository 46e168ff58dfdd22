"""What Markdown the renderer can read in bounded time and stack: checked before it is read.

Python-Markdown (3.11), the standard library's HTML parser under it and the sanitiser
after it are linear on ordinary text, but three shapes of text cost far more. Each is
measured here in one pass, without reading the Markdown:

- **Nesting.** Each list or block quote inside another is a level of recursion in
  Python-Markdown and in WeasyPrint's layout; a list 100 deep ends the build with a
  RecursionError. A line's level is counted from its start: each `>` and each list marker,
  plus one for every four columns of indentation before it.
- **Brackets.** For each `[`, the link processors (six of them) scan forward for its
  matching `]`, to the end of the paragraph when there is none: the work grows with the
  square of the unclosed `[`.
  Counted: the characters each `[` is from its `]`, or from the end of its paragraph.
- **Tags.** For each `<` followed by a letter, the HTML parser scans forward for the end of
  the tag, through quoted attribute values; when the tag never ends it gives up one
  character later and starts again. Counted: the characters from each such `<` to where
  its scan stops. And the sanitiser (nh3) looks through the elements still open at each
  tag: counted, the open elements at each tag, as though no tag closed itself.

The counts over-estimate the work (code spans, for one, are not read as links), and the
limits are far above what any real report reaches.
"""

from __future__ import annotations

import bisect
import html
import re
from dataclasses import dataclass
from functools import lru_cache

import markdown as md

# The Markdown dialect pages and papers are read in (Python-Markdown's extensions): the renderer
# and the images a page draws (`images.shown_images`) must read a text alike.
MARKDOWN_EXTENSIONS = ("tables", "sane_lists")

MAX_NESTING = 10
MAX_BRACKET_SCAN = 1_000_000       # characters the link processors may scan
MAX_TAG_SCAN = 4_000_000           # characters the HTML parser may scan
MAX_OPEN_ELEMENT_WORK = 20_000_000  # open elements the sanitiser may look through

CONTAINER_STARTS = " \t>-+*0123456789"     # what a line nested in a list or quote starts with
# The start of a line that opens containers: indentation, '>' and list markers.
_CONTAINERS = re.compile(r"^(?:[ \t>]|(?:[-+*]|\d{1,9}[.)])(?=[ \t\n]|$))+", re.MULTILINE)
_RULE = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$", re.MULTILINE)    # * * * : a thematic break
_CONTAINER_PART = re.compile(r"[ \t]+|>|[-+*]|\d{1,9}[.)]")
# A backslash escape, a bracket or parenthesis, or a blank line (which ends a paragraph).
_LINK_TOKEN = re.compile(r"\\[\s\S]|[\[\]()]|\n[ \t\r]*\n")
_QUOTE = re.compile("['\"]")
# A link's address with a title: (url "title"), which the reader closes at its ')'.
_TITLED = re.compile(r"""\(\s*[^\s'"()]*\s+(["'])[^"'\n]*\1\s*\)""")
_TAG_START = re.compile(r"<[A-Za-z]")
_TAG_STOP = re.compile(r"[>'\"]")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                            "source", "track", "wbr"})


@dataclass(frozen=True)
class Excess:
    """Where a text goes beyond a limit: a 1-based line and column within the text."""

    line: int
    column: int
    message: str
    hint: str


def _level(prefix: str) -> tuple[int, int]:
    """How many containers a line's prefix opens, and the offset of the one past the limit
    (or -1)."""
    level, columns, over = 0, 0, -1
    for part in _CONTAINER_PART.finditer(prefix):
        text = part.group()
        if text[0] in " \t":
            for character in text:
                columns += 4 - columns % 4 if character == "\t" else 1
            continue
        level += 1 + columns // 4
        columns = 0
        if level > MAX_NESTING and over < 0:
            over = part.start()
    return level, over


def _position(text: str, index: int) -> tuple[int, int]:
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def nesting_excess(text: str) -> Excess | None:
    """The first line nested deeper than MAX_NESTING lists and block quotes."""
    for found in _CONTAINERS.finditer(text):
        prefix = found.group()
        if len(prefix) <= MAX_NESTING or _RULE.match(text, found.start()):   # a level takes a character
            continue
        level, over = _level(prefix)
        if over >= 0:
            line, column = _position(text, found.start() + over)
            return Excess(line, column, f"lists and quotes are nested {level} deep here; "
                                        f"the limit is {MAX_NESTING}",
                          "a paper reads best at two or three levels; start a new list, or use a heading")
    return None


def bracket_scan(text: str, limit: int = MAX_BRACKET_SCAN) -> tuple[int, int]:
    """(characters the link processors scan, index of the first '[' never closed or -1).

    Each '[' scans to its ']' or to the end of its paragraph; each '(' that opens a link's
    address (right after a ']' that closed a '[') to its ')', or to the end of the paragraph
    when a quote in it is not a plain title (`[a](url "title")`). Counting stops past
    `limit`, so that this pass is linear whatever the text."""
    scanned, first_open = 0, -1
    brackets: list[int] = []
    parens: list[int] = []
    addresses: set[int] = set()               # the '(' that open a link's address
    to_paragraph_end: list[int] = []
    quotes = [found.start() for found in _QUOTE.finditer(text)]
    for found in _LINK_TOKEN.finditer(text):
        token, at = found.group(), found.start()
        if token == "[":
            brackets.append(at)
        elif token == "]":
            if brackets:
                scanned += at - brackets.pop()
                if text.startswith("(", at + 1):
                    addresses.add(at + 1)
        elif token == "(":
            parens.append(at)
        elif token == ")":
            if parens:
                opened = parens.pop()
                if opened in addresses:
                    if not _quoted(quotes, opened, at) or _TITLED.fullmatch(text, opened, at + 1):
                        scanned += at - opened
                    else:
                        to_paragraph_end.append(opened)
        elif token[0] == "\n":
            if brackets and first_open < 0:
                first_open = brackets[0]
            ends = brackets + [p for p in parens if p in addresses] + to_paragraph_end
            scanned += len(ends) * at - sum(ends)
            brackets, parens, to_paragraph_end = [], [], []
        if scanned > limit:
            break
    else:
        if brackets and first_open < 0:
            first_open = brackets[0]
        ends = brackets + [p for p in parens if p in addresses] + to_paragraph_end
        scanned += len(ends) * len(text) - sum(ends)
    return scanned, first_open


def _quoted(quotes: list[int], start: int, end: int) -> bool:
    """Is there a quote between `start` and `end`?"""
    index = bisect.bisect_left(quotes, start)
    return index < len(quotes) and quotes[index] < end


def tag_scan(text: str) -> int:
    """Characters the HTML parser scans looking for the ends of tags (see the module's doc)."""
    stops = [(found.start(), found.group()) for found in _TAG_STOP.finditer(text)]
    end = len(text)
    # ends[i]: where a scan that reaches stop i outside quotes ends; filled from the right.
    ends = [end] * (len(stops) + 1)
    after_quote: dict[str, int] = {}          # the nearest stop of each quote to the right
    for index in range(len(stops) - 1, -1, -1):
        position, character = stops[index]
        if character == ">":
            ends[index] = position
        else:
            closing = after_quote.get(character)
            ends[index] = end if closing is None else ends[closing + 1]
            after_quote[character] = index
    scanned, stop = 0, 0
    for found in _TAG_START.finditer(text):
        while stop < len(stops) and stops[stop][0] < found.start():
            stop += 1
        scanned += ends[stop] - found.start()
    return scanned


def open_element_work(text: str) -> int:
    """The sum, over the tags written in `text`, of how many elements are open at each: the
    sanitiser (nh3's HTML parser) looks through the open elements at every tag, so its work
    grows with the square of the unclosed elements. Every tag but a void one (<br>, <img>)
    counts as opening an element, and an end tag as closing one."""
    work = depth = 0
    for found in _TAG_NAME.finditer(text):
        if found.group(1):
            depth -= depth > 0
        elif found.group(2).lower() not in _VOID_ELEMENTS:
            depth += 1
            work += depth
    return work


def markdown_excesses(text: str) -> list[Excess]:
    """Every limit `text` goes beyond, each once, at the place it first does."""
    excesses = []
    if "\n" in text or text[:1] in CONTAINER_STARTS:
        nested = nesting_excess(text)
        if nested:
            excesses.append(nested)
    if "[" in text:
        scanned, first_open = bracket_scan(text)
        if scanned > MAX_BRACKET_SCAN:
            line, column = _position(text, first_open if first_open >= 0 else text.find("["))
            excesses.append(Excess(line, column, f"the links and brackets here would take the Markdown reader "
                                   f"over {MAX_BRACKET_SCAN:,} steps, its limit",
                                   "a '[' with no ']' makes the reader search the rest of its paragraph: "
                                   "close it, write \\[ for a bracket that starts no link, or add blank lines"))
    if "<" in text:
        over = MAX_TAG_SCAN if tag_scan(text) > MAX_TAG_SCAN else \
            MAX_OPEN_ELEMENT_WORK if open_element_work(text) > MAX_OPEN_ELEMENT_WORK else None
        if over is not None:
            line, column = _position(text, _TAG_START.search(text).start())
            excesses.append(Excess(line, column, f"the HTML tags here would take the HTML readers "
                                   f"over {over:,} steps, their limit",
                                   "a '<' before a letter starts an HTML tag, which must end with '>' and be "
                                   "closed: write &lt; for a '<' that starts no tag"))
    return excesses


@lru_cache(maxsize=1)
def _converter() -> md.Markdown:
    # One converter per process, reset after each text: building one costs more than
    # converting a typical field (its extensions compile dozens of patterns).
    return md.Markdown(extensions=list(MARKDOWN_EXTENSIONS), output_format="html")


def _as_text(text: str) -> str:
    """`text` shown as the words it is, in paragraphs, with no Markdown read."""
    return "".join(f"<p>{html.escape(p.strip(), quote=False)}</p>" for p in text.split("\n\n") if p.strip())


def converted_html(text: str) -> str:
    """The HTML Python-Markdown makes of `text`, headings as written, not yet sanitised: what
    pages and papers show, and what the images a page draws are read from."""
    if markdown_excesses(text):
        # Checked content never comes here (it is an error at its line): the reader would
        # take minutes, or recurse past Python's limit, so the text is shown as it is.
        return _as_text(text)
    converter = _converter()
    try:
        return converter.convert(text)
    except RecursionError:
        return _as_text(text)
    finally:
        converter.reset()

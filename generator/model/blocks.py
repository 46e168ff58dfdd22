"""Generated blocks a report body may embed: `[[ratings-table]]` alone on a line.

Authors choose where the inspection's ratings table, its recommendations, an action
plan summary or an indicator table/chart goes; the block is drawn from the records the
report's front matter names, so the figures are never retyped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.model.indicators import INDICATOR_NAMES

BLOCK_LINE = re.compile(r"^\[\[\s*([a-z-]+)(?:\s+([a-z_]+))?\s*\]\]\s*$")

# block name -> the front-matter field it draws from
BLOCKS = {
    "ratings-table": "inspection",
    "recommendations": "inspection",
    "key-questions": "inspection",
    "action-plan-summary": "action_plan",
    "indicator-table": "indicators",
    "indicator-chart": "indicators",
    "national-comparison": "inspection",
}


# The blocks drawn as a table: each is a numbered table of the report ("Table 2: ...").
TABLE_BLOCKS = frozenset({"ratings-table", "key-questions", "action-plan-summary", "indicator-table",
                          "indicator-chart", "national-comparison"})
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def count_tables(body: str) -> int:
    """How many tables a report body draws: its Markdown tables (a row of cells over a rule
    such as |---|---|) and its table blocks. The paper numbers them 1, 2, 3 ... in this order."""
    lines = body.splitlines()
    markdown = sum(1 for above, line in zip(lines, lines[1:]) if "|" in above and _TABLE_RULE.match(line)
                   and "|" in line)
    return markdown + sum(1 for block in find_blocks(body) if block.name in TABLE_BLOCKS)


@dataclass(frozen=True)
class Block:
    name: str
    argument: str | None
    line: int            # line in the body (1-based)


def find_blocks(body: str) -> list[Block]:
    blocks = []
    for number, line in enumerate(body.splitlines(), start=1):
        match = BLOCK_LINE.match(line.strip())
        if match:
            blocks.append(Block(match.group(1), match.group(2), number))
    return blocks


# A line alone that was meant as a block but is not one (a bracket short or over, capitals, a
# dash for a hyphen, a hyphen in an indicator's name): left as it is, the paper and the page print
# its brackets as text.
_NAME = "[A-Za-z][\\w \\-\u2010-\u2015\u2212]*"
_BLOCK_LIKE = re.compile(rf"^(?:\[{{2,}}\s*{_NAME}\]*|\[+\s*{_NAME}\]{{2,}})$")
_DASH = re.compile("[\u2010-\u2015\u2212]")
# A block written as a list item or a quotation: Markdown draws the item, and the brackets in it.
_MARKER = re.compile(r"^(?:(?:[-+*]|\d{1,9}[.)])\s+|>\s*)")
_AS_A_BLOCK = ("write the block alone on its line, in lower case, with two brackets each side: "
               "[[ratings-table]], [[indicator-table custody_rate]]")
# `[[TBC]]`, `[[Chart here]]`: no block of that name, most likely a note left for later.
_PLACEHOLDER = ("no block has that name: if it marks something still to write, write it, since the page and the "
                "paper print it as it stands; the blocks are " + ", ".join(f"[[{name}]]" for name in BLOCKS))
# A block with text beside it on its line (`[[recommendations]].`, `**[[ratings-table]]**`, two
# blocks on one line) is not one either; in a code span (`` `[[ratings-table]]` ``) it is text.
_CODE_SPAN = re.compile(r"(`+).*?\1")
_BLOCK_IN_TEXT = re.compile(r"\[\[\s*([a-z-]+)(?:\s+[a-z_]+)?\s*\]\]")
# A block's name with more after it than an indicator's name (`[[ratings-table: torbay-2021]]`,
# `[[ratings-table inspection=x]]`, `[[indicator-table, custody_rate]]`): not a block either.
_BLOCK_WITH_MORE = re.compile(r"^\[\[\s*([a-z-]+)(?![a-z-])[^\[\]]*\]\]$")


def broken_blocks(body: str) -> list[tuple[int, str, str]]:
    """(line in the body, the line, a hint) of each line alone that looks like a block but is
    not written as one."""
    found = []
    for number, line in enumerate(body.splitlines(), start=1):
        hint = _not_a_block(line.strip())
        if hint:
            found.append((number, line.strip(), hint))
    return found


def _not_a_block(text: str) -> str | None:
    """How to write `text` as a block, when it looks like one but is not; else None."""
    if BLOCK_LINE.match(text):
        return None
    marker = _MARKER.match(text)
    if marker:
        rest = text[marker.end():]
        inner = _not_a_block(rest) or _what_is_wrong_with(rest)
        if inner is None and not BLOCK_LINE.match(rest):
            return None
        hint = f"a block stands alone on its line, not in a list or a quotation: remove the '{marker.group().strip()}'"
        return f"{hint}; {inner}" if inner else hint
    if not _BLOCK_LIKE.match(text):
        named = [found.group(1) for found in _BLOCK_IN_TEXT.finditer(_CODE_SPAN.sub("", text))]
        if any(name in BLOCKS for name in named):
            return "a block stands alone on its line, with nothing before or after it; " + _AS_A_BLOCK
        more = _BLOCK_WITH_MORE.match(text)
        if more and more.group(1) in BLOCKS:
            return (f"[[{more.group(1)}]] draws from the report's '{BLOCKS[more.group(1)]}:' and takes nothing "
                    "more than an indicator's name after a space; " + _AS_A_BLOCK)
        return None
    dash = _DASH.search(text)
    if dash is None:
        name = text.strip("[] ").split(" ")[0].lower()
        meant = block_spelt_with_spaces(text)
        if meant:
            return f"a block's name is in lower case, with hyphens between its words, not spaces: write {meant}"
        return _AS_A_BLOCK if name in BLOCKS else _PLACEHOLDER
    hint = f"a block's name has hyphens '-', not the {unicodedata.name(dash.group()).lower()} '{dash.group()}'"
    return hint if BLOCK_LINE.match(_DASH.sub("-", text)) else f"{hint}; {_AS_A_BLOCK}"


def _what_is_wrong_with(text: str) -> str | None:
    """What `block_problem` finds in `text` written as a block, as one hint: said with the
    marker's, the author learns both faults of `- [[ratings-chart]]` in one run, not two."""
    match = BLOCK_LINE.match(text)
    problem = block_problem(Block(match.group(1), match.group(2), 0)) if match else None
    if problem is None:
        return None
    message, hint = problem
    return f"{message}: {hint}" if hint else message


def block_spelt_with_spaces(text: str) -> str | None:
    """The block `text` names with spaces for the hyphens of its name (`[[ratings table]]`,
    `[[Indicator Table custody_rate]]`), written as that block; else None."""
    words = text.strip("[] ").split()
    for count in range(len(words), 1, -1):
        name = "-".join(words[:count]).lower()
        if name in BLOCKS:
            return "[[" + " ".join([name, *words[count:]]) + "]]"
    return None


def block_problem(block: Block) -> tuple[str, str] | None:
    """What is wrong with a block's name or argument, as (message, hint); None if fine."""
    if block.name not in BLOCKS:
        # Quoted as typed: `[[ratings table]]` reads as the name 'ratings' with an argument.
        written = f"[[{block.name} {block.argument}]]" if block.argument else f"[[{block.name}]]"
        meant = block_spelt_with_spaces(written)
        if meant:
            return (f"'{written}' is not a block",
                    f"a block's name has hyphens between its words, not spaces: write {meant}")
        return (f"'{written}' is not a block",
                "blocks are " + ", ".join(f"[[{name}]]" for name in BLOCKS))
    if block.name.startswith("indicator-"):
        if block.argument not in INDICATOR_NAMES:
            return (f"[[{block.name}]] needs an indicator name",
                    "one of " + ", ".join(INDICATOR_NAMES))
    elif block.argument:
        return f"[[{block.name}]] takes no argument", None
    return None

"""Generated blocks a report body may embed: `[[ratings-table]]` alone on a line.

Authors choose where the inspection's ratings table, its recommendations, an action
plan summary or an indicator table/chart goes; the block is drawn from the records the
report's front matter names, so the figures are never retyped.
"""

from __future__ import annotations

import re
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


# A line alone that was meant as a block but is not one (a bracket short, capitals, a hyphen
# in an indicator's name): left as it is, the paper and the page print its brackets as text.
_BLOCK_LIKE = re.compile(r"^(?:\[\[\s*[A-Za-z][\w -]*\]?|\[?\[\s*[A-Za-z][\w -]*\]\])$")


def broken_blocks(body: str) -> list[tuple[int, str]]:
    """(line in the body, the line) of each line alone that looks like a block but is not written as one."""
    return [(number, line.strip()) for number, line in enumerate(body.splitlines(), start=1)
            if _BLOCK_LIKE.match(line.strip()) and not BLOCK_LINE.match(line.strip())]


def block_problem(block: Block) -> tuple[str, str] | None:
    """What is wrong with a block's name or argument, as (message, hint); None if fine."""
    if block.name not in BLOCKS:
        return (f"'[[{block.name}]]' is not a block",
                "blocks are " + ", ".join(f"[[{name}]]" for name in BLOCKS))
    if block.name.startswith("indicator-"):
        if block.argument not in INDICATOR_NAMES:
            return (f"[[{block.name}]] needs an indicator name",
                    "one of " + ", ".join(INDICATOR_NAMES))
    elif block.argument:
        return f"[[{block.name}]] takes no argument", None
    return None

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
}


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

"""A committee report's Markdown body, split into numbered sections and paragraphs.

Councils number paragraphs, and authors never type the numbers: Wolverhampton style
numbers sections `1.0 Purpose` with paragraphs `1.1, 1.2`; Dudley style numbers
paragraphs `1, 2, 3 ...` through the whole report. A list or table that follows a
paragraph belongs to it and takes no number of its own, nor does a paragraph that ends
`{.unnumbered}` (the mark Pandoc gives a heading left unnumbered). `[[blocks]]` take none, except
that continuous numbering numbers the paragraphs a block draws, as Dudley numbers each of an
inspection's recommendations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup

from generator.model.blocks import BLOCK_LINE
from generator.model.council import ParagraphNumbering
from generator.model.report import body_chunks, body_sections
from generator.render.markdown import markdown_block

_LIST_OR_TABLE = re.compile(r"^\s*([-*+]|\d+[.)]|\|)\s?")
_UNNUMBERED = re.compile(r"[ \t]*\{\.unnumbered\}[ \t]*$")


@dataclass(frozen=True)
class Paragraph:
    number: str | None          # "1.1", "7", or None for a continuation / block
    html: Markup
    block: tuple[str, str | None] | None = None    # (name, argument) of a generated block
    numbers: tuple[str, ...] = ()                   # a block's: one for each paragraph it draws
    leads_in: bool = False      # ends with ":" or ":-": printed on the page of what it introduces


@dataclass(frozen=True)
class Section:
    number: str | None          # "1.0" in sections style
    heading: str
    anchor: str
    paragraphs: tuple[Paragraph, ...]
    written: bool = True        # from the report's body, in its language; False: inserted under a heading of ours


def _anchor(text: str, used: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    anchor, n = base, 2
    while anchor in used:
        anchor, n = f"{base}-{n}", n + 1
    used.add(anchor)
    return anchor


def number_body(body: str, style: ParagraphNumbering,
                insert_after_first: list[tuple[str, list[str]]] | None = None,
                drawn: dict[str, int] | None = None) -> tuple[Section, ...]:
    """Split and number a body. `insert_after_first` adds generated sections (heading,
    paragraphs of plain text) after the first section, as Dudley puts its
    Recommendations after Purpose. `drawn` gives how many paragraphs a block draws, by its
    name (`recommendations`: one for each recommendation)."""
    raw_sections = body_sections(body)
    inserted: set[int] = set()
    if insert_after_first:
        position = 1 if raw_sections else 0
        for offset, (title, paragraphs) in enumerate(insert_after_first):
            raw_sections.insert(position + offset, (title, ["\n\n".join(paragraphs)]))
            inserted.add(position + offset + 1)

    sections = []
    counter = 0
    used: set[str] = set()
    for index, (title, lines) in enumerate(raw_sections, start=1):
        paragraphs = []
        within = 0
        for chunk in body_chunks(lines):
            block = BLOCK_LINE.match(chunk)
            if block:
                # Sections style numbers none: no paper in that style shows a block's paragraphs numbered.
                count = (drawn or {}).get(block.group(1), 0) if style is ParagraphNumbering.CONTINUOUS else 0
                numbers = tuple(str(n) for n in range(counter + 1, counter + count + 1))
                counter += count
                paragraphs.append(Paragraph(None, Markup(""), (block.group(1), block.group(2)), numbers))
                continue
            unnumbered = _UNNUMBERED.search(chunk)
            if unnumbered:
                chunk = chunk[:unnumbered.start()]
            continuation = bool(_LIST_OR_TABLE.match(chunk)) and bool(paragraphs) or chunk.lstrip().startswith("#")
            leads_in = chunk.rstrip().endswith((":", ":-"))      # ":-", as many councils write it
            if continuation or unnumbered:
                paragraphs.append(Paragraph(None, markdown_block(chunk), leads_in=leads_in))
                continue
            within += 1
            counter += 1
            number = f"{index}.{within}" if style is ParagraphNumbering.SECTIONS else str(counter)
            paragraphs.append(Paragraph(number, markdown_block(chunk), leads_in=leads_in))
        sections.append(Section(f"{index}.0" if style is ParagraphNumbering.SECTIONS and title else None,
                                title, _anchor(title or "introduction", used), tuple(paragraphs),
                                written=index not in inserted))
    return tuple(sections)


_CAPTIONED = re.compile(r"(<table\b[^>]*>\s*<caption)([^>]*)>(.*?)</caption>", re.S | re.I)


def number_tables(html: str, body_marker: str = 'class="report-section"') -> str:
    """Caption a report's tables "Table 1: ...", "Table 2: ..." in order, from its body's
    first section on (the front sheet's table is not one of them), so that the text can cite
    them. The numbering is the order `model.blocks.count_tables` counts, which checks citations."""
    start = html.find(body_marker)
    if start < 0:
        return html
    count = [0]

    def caption(match: re.Match) -> str:
        count[0] += 1
        attributes = re.sub(r'\s*class="caption-hidden"', "", match.group(2))
        return f"{match.group(1)}{attributes}>Table {count[0]}: {match.group(3)}</caption>"

    return html[:start] + _CAPTIONED.sub(caption, html[start:])

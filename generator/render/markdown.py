"""Markdown fields to safe HTML, once per distinct text.

Most record fields are plain sentences: they skip Python-Markdown (most of a naive
generator's time) and are escaped and wrapped instead. Everything Markdown produces is
sanitised with nh3 (raw HTML, `javascript:` links and event handlers never survive).
Results are cached by the text itself, so a sentence shared by many pages (or shown
three times on one, as an action is) is converted once.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markupsafe import Markup

from generator.markdown_limits import converted_html

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
                "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "caption",
                "hr", "img", "sup", "sub", "abbr"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"},
                      "th": {"scope", "colspan", "rowspan"}, "td": {"colspan", "rowspan"},
                      "abbr": {"title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

# What makes a text need the Markdown parser; anything else is a plain paragraph. Two
# scans, because the line-start patterns are slow on long text and most fields are one line.
_MARKDOWN_CHARACTER = re.compile(r"[*_`\[\]<>#|!&]")
_MARKDOWN_LINE = re.compile(r"^\s*([-+]|\d+[.)])\s|\n\s*\n|^\s{4}", re.MULTILINE)


def needs_markdown(text: str) -> bool:
    """Does `text` use any Markdown (emphasis, links, lists, paragraphs, code, HTML)?"""
    if _MARKDOWN_CHARACTER.search(text):
        return True
    first = text[:1]
    if "\n" in text or first in (" ", "\t", "-", "+") or first.isdigit():
        return bool(_MARKDOWN_LINE.search(text))
    return False


# Paragraphs of plain lines: each line begins and ends with a visible character, and one
# blank line parts two paragraphs. With none of the checks below, Python-Markdown turns such
# a text into exactly '<p>..</p>\n<p>..</p>' (tests/test_fuzz_markdown.py compares the two on
# generated texts), so it need not run: most long fields are paragraphs of prose.
_PARAGRAPHS = re.compile(r"\S(?:[^\n\r]*\S)?(?:\n\n?\S(?:[^\n\r]*\S)?)*")
# a list item, or a line of only '-', '=' and spaces: a heading's underline or a rule ('-- -')
_BLOCK_LINE = re.compile(r"^(?:[-+*]|\d+[.)])(?:\s|$)|^[=-][-= ]*$", re.MULTILINE)


def plain_paragraphs(text: str) -> bool:
    """Is `text` (already stripped) paragraphs of plain prose, with no Markdown in them?"""
    return (_PARAGRAPHS.fullmatch(text) is not None and not _MARKDOWN_CHARACTER.search(text)
            and "\\" not in text and "\u00a0" not in text and "\t" not in text and not _BLOCK_LINE.search(text))


# '**words**': opened after a space (or at the start), closed before a space, a point, comma,
# colon or semicolon (or at the end), with plain words between. Python-Markdown makes these
# <strong> and nothing else, so prose whose only Markdown is such spans need not run it either.
_STRONG_SPAN = re.compile(r"(?<!\S)\*\*([^\s*][^*\n]*?)(?<!\s)\*\*(?=[\s.,;:]|$)")


def strong_prose(text: str) -> str | None:
    """`text` (already stripped) with its '**words**' spans as <strong>, when those spans are
    all the Markdown in it and the rest is plain paragraphs; otherwise None."""
    if "**" not in text or not plain_paragraphs(_STRONG_SPAN.sub(r"\1", text)):
        return None
    return _STRONG_SPAN.sub(r"<strong>\1</strong>", text)


def _paragraphs(text: str) -> Markup:
    return Markup("\n".join(f"<p>{paragraph}</p>" for paragraph in text.split("\n\n")))


_HAS_SCHEME = re.compile(r"^\s*[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def _local_images_only(element: str, attribute: str, value: str) -> str | None:
    """An image's source must be a file of the site's: one from the network would have every
    reader's browser fetch it from there (the check refuses such images; this holds whatever it misses)."""
    outside = _HAS_SCHEME.match(value) or value.lstrip().startswith(("/", "\\"))
    return None if element == "img" and attribute == "src" and outside else value


def _sanitise(fragment: str) -> str:
    return nh3.clean(fragment, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer", strip_comments=True, attribute_filter=_local_images_only)


@lru_cache(maxsize=65536)
def markdown_html(text: str) -> str:
    """The HTML Python-Markdown makes of `text` (headings shifted under the page's own), cached."""
    out = converted_html(text)
    # Headings inside a record field sit under the page's own h2/h3: shift them down.
    out = re.sub(r"<(/?)h1>", r"<\1h3>", out)
    out = re.sub(r"<(/?)h2>", r"<\1h3>", out)
    return _sanitise(out)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def markdown_document(text: str | None) -> Markup:
    """A whole Markdown file laid out as a paper under its own h1 (an attachment, minutes).

    Its heading levels, in order, become h2, h3 ...: a file that starts at `##` (or `#`, or
    `###`) skips no level after the paper's h1, and keeps its own nesting. A skipped level is
    a PDF/UA failure (Matterhorn checkpoint 14-003) and loses the outline below the title.
    """
    if not text:
        return Markup("")
    out = converted_html(text.strip())
    levels = sorted({int(m.group(2)) for m in _HEADING_TAG.finditer(out)})
    level_for = {level: min(2 + rank, 6) for rank, level in enumerate(levels)}
    out = _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{level_for[int(m.group(2))]}>", out)
    return Markup(_sanitise(out))


@lru_cache(maxsize=65536)
def markdown_block(text: str | None) -> Markup:
    """A field of one or more paragraphs."""
    if not text:
        return Markup("")
    text = text.strip()
    if not needs_markdown(text):
        paragraphs = [p.strip() for p in text.split("\n\n")]
        return Markup("".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p))
    if plain_paragraphs(text):
        return _paragraphs(text)
    strong = strong_prose(text)
    if strong is not None:
        return _paragraphs(strong)
    return Markup(markdown_html(text))


@lru_cache(maxsize=65536)
def markdown_inline(text: str | None) -> Markup:
    """A sentence that sits inside a list item or table cell: no wrapping paragraph."""
    if not text:
        return Markup("")
    text = text.strip()
    if not needs_markdown(text):
        return Markup(html.escape(text, quote=False))
    strong = strong_prose(text) if "\n\n" not in text else None
    if strong is not None:
        return Markup(strong)
    rendered = markdown_html(text)
    if rendered.startswith("<p>") and rendered.endswith("</p>") and rendered.count("<p>") == 1:
        rendered = rendered[3:-4]
    return Markup(rendered)


def plain_text(text: str | None) -> str:
    """Markdown reduced to plain words: for search snippets, feeds and PDF alt text."""
    if not text:
        return ""
    if not needs_markdown(text):
        return " ".join(text.split())
    stripped = nh3.clean(markdown_html(text), tags=set())
    return " ".join(html.unescape(stripped).split())

"""Fuzzing the Markdown renderer: whatever is typed, only allowed tags and attributes come out."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.render.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, markdown_block, markdown_inline

# Text biased towards the characters that matter: markup, Markdown syntax, entities, quotes.
PIECES = ["<", ">", "&", '"', "'", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:",
          "[a](", ")", "**", "_", "`", "# ", "- ", "1. ", "\n", "\n\n", "|", "![i](x.png)", "&lt;", "<!--",
          "{{ x }}", "{% if %}", "<svg onload=1>", "<a href='javascript:1'>", "data:text/html,"]
fuzz_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=8)), max_size=30).map("".join)


class TagAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.bad.append(f"<{tag}>")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()) and not (tag == "a" and name == "rel"):
                self.bad.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.bad.append(f"{tag}[{name}={value}]")

    def handle_comment(self, data):
        self.bad.append("<!-- -->")


def audit(html: str) -> list[str]:
    parser = TagAudit()
    parser.feed(html)
    parser.close()
    return parser.bad


@settings(max_examples=400, deadline=None, derandomize=True)
@given(fuzz_text)
def test_markdown_blocks_only_ever_contain_allowed_tags_and_attributes(text):
    assert audit(str(markdown_block(text))) == []


@settings(max_examples=400, deadline=None, derandomize=True)
@given(fuzz_text)
def test_inline_markdown_only_ever_contains_allowed_tags_and_attributes(text):
    assert audit(str(markdown_inline(text))) == []


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.characters(blacklist_characters="*_`[]<>#|!&", blacklist_categories=("Cs",)),
               max_size=200))
def test_plain_sentences_are_escaped_text_in_a_paragraph(text):
    html = str(markdown_block(text))
    inner = html.replace("<p>", "").replace("</p>", "")
    assert "<" not in inner and ">" not in inner


# -- the plain-paragraphs shortcut gives what Python-Markdown gives -----------------------------

# Words and the characters that could make Python-Markdown see more than paragraphs: list
# markers, heading underlines, numbers with points, escapes, odd spaces and quotes.
PROSE_PIECES = ["word", "Word", "the Board", " ", "  ", ".", ",", ";", ":", "'", '"', "(", ")", "-", "--", "=",
                "===", "+", "1.", "2)", "1999.", "\\", "\\.", "~", "^", "%", "$", "@", "{", "}", "/", "?",
                "\u00a0", "\u2019", "é", "\t", "\u2028", "\n", "\n\n", "\n\n\n", "\n ", " \n"]
prose = st.lists(st.sampled_from(PROSE_PIECES), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(prose)
def test_plain_paragraphs_render_as_python_markdown_would(text):
    from generator.render.markdown import markdown_html, plain_paragraphs
    text = text.strip()
    if text and plain_paragraphs(text):
        assert str(markdown_block(text)) == markdown_html(text)


# The same prose with bold spans and stray asterisks, for the '**words**' shortcut.
STRONG_PIECES = PROSE_PIECES + ["**", "*", "**word**", "**the Board**", "** word**", "**word **", "***", "a**b"]
strong_prose_text = st.lists(st.sampled_from(STRONG_PIECES), max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(strong_prose_text)
def test_bold_prose_renders_as_python_markdown_would(text):
    from generator.render.markdown import markdown_html, strong_prose
    text = text.strip()
    if text and strong_prose(text) is not None:
        assert str(markdown_block(text)) == markdown_html(text)
        if "\n\n" not in text:
            assert str(markdown_inline(text)) == markdown_html(text).removeprefix("<p>").removesuffix("</p>")


def test_bold_shortcut_takes_bold_words_and_leaves_other_asterisks():
    from generator.render.markdown import strong_prose
    assert strong_prose("Inspectors saw **good joint work**, and **risk**.\n\nNext **steps**") == (
        "Inspectors saw <strong>good joint work</strong>, and <strong>risk</strong>.\n\nNext <strong>steps</strong>")
    for text in ("a**b**c", "**a*b**", "** a**", "**a **", "**a** *b*", "**a**b", "plain", "**a**\n\n- item",
                 "**a\nb**", "**a** [link](x)"):
        assert strong_prose(text) is None, text


def test_plain_paragraphs_takes_prose_and_leaves_markdown():
    from generator.render.markdown import plain_paragraphs
    assert plain_paragraphs("The Board met.\nIt agreed the plan.\n\nProgress is good.")
    for text in ("Title\n===\n\nBody", "a\n\n-- -", "-- -", "a\n= =\n\nb", "a\n\n- item", "a\n\n1. item", "a  \nb\n\nc", "a\n\n\nb", "a\n \nb",
                 "see **this**\n\nb", "a\\.b\n\nc", "x\u00a0y\n\nz", "a\n\n    code"):
        assert not plain_paragraphs(text), text

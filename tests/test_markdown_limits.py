"""Markdown the reader cannot read in bounded time or depth is a content error at its line;
rendering never takes minutes and never raises RecursionError, whatever the text."""

from __future__ import annotations

import datetime as dt
import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import check_site
from generator.render.markdown import markdown_block
from generator.resolve.resolver import MD_REFERENCE_TAIL, MD_TARGET_TAIL, bracketed

AS_OF = dt.date(2021, 6, 1)
MEETING = """\
council: torbay
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
items:
  - number: 9
    title: Review of the Youth Offending Team
    appendices:
      - {title: Remote peer review, markdown: attachments/peer-review.md}
"""
FRONT = "---\ntitle: Remote peer review\n---\n"          # the body starts at line 4


def _nested_list(depth: int) -> str:
    return "".join("    " * level + f"- level {level + 1}\n" for level in range(depth))


def _site_with_attachment(tmp_path, make_site, body: str):
    return make_site(tmp_path, {"meetings/torbay-2021-03-01.yaml": MEETING, "attachments/peer-review.md": FRONT + body})


def _timed_check(root):
    started = time.process_time()        # CPU seconds: a loaded machine must not make these fail
    checked = check_site(root, AS_OF)
    return checked, time.process_time() - started


def test_a_list_nested_100_deep_is_an_error_at_the_line_past_the_limit(tmp_path, make_site):
    root = _site_with_attachment(tmp_path, make_site, _nested_list(100))
    [problem] = check_site(root, AS_OF).errors
    assert (problem.path, problem.line, problem.column, problem.field, problem.message) == (
        "content/attachments/peer-review.md", 14, 41, "body", "lists and quotes are nested 11 deep here; the limit is 10")


def test_block_quotes_inside_a_list_count_towards_the_limit(tmp_path, make_site):
    root = _site_with_attachment(tmp_path, make_site, "Intro.\n\n- - - - - > > > > > > a quoted line\n")
    assert [(p.line, p.column) for p in check_site(root, AS_OF).errors] == [(6, 21)]


def test_a_list_nested_ten_deep_is_accepted(tmp_path, make_site):
    root = _site_with_attachment(tmp_path, make_site, _nested_list(10))
    assert check_site(root, AS_OF).errors == ()


def test_build_of_a_list_nested_100_deep_stops_with_the_located_error_not_a_traceback(tmp_path, make_site,
                                                                                       run_cli):
    root = _site_with_attachment(tmp_path, make_site, _nested_list(100))
    result = run_cli("build", root=root)
    assert (result.exit_code, "content/attachments/peer-review.md:14:41: error: body:" in result.output,
            "Traceback" in result.output) == (1, True, False), result.output[-2000:]


def test_rendering_a_list_nested_1000_deep_shows_its_words_and_raises_nothing():
    html = markdown_block(_nested_list(1000))
    assert "level 1000" in html and "<li>" not in html


def test_a_paper_too_deep_to_lay_out_is_a_paper_error_naming_its_record(tmp_path):
    import pytest

    from generator.render.paper_fonts import PaperError
    from generator.render.pdf import Job, render
    deep = "<blockquote>" * 500 + "words" + "</blockquote>" * 500
    job = Job("k", "the attachment content/attachments/deep.md", "content/attachments/deep.md",
              f'<html lang="en-GB"><title>t</title><body>{deep}</body></html>', "", str(tmp_path), (str(tmp_path),))
    with pytest.raises(PaperError) as caught:
        render(job)
    assert str(caught.value).startswith(
        "content/attachments/deep.md: error: the attachment content/attachments/deep.md is nested too deeply")


# The shapes that made Python-Markdown quadratic: '[' that never close (its link processors scan
# to the end of the paragraph for each), and mixed emphasis, '[' and '<' (the HTML parser scans
# to the end for each '<' before a letter).
PATHOLOGICAL = {
    "40 KB of [": "[" * 40_000,
    "170 KB of emphasis, [ and <": ("*a _b [c <d " * 15_000)[:170_000],
}


def test_pathological_markdown_is_checked_in_under_two_seconds_and_refused_at_its_line(tmp_path, make_site):
    found = {}
    for name, body in PATHOLOGICAL.items():
        checked, seconds = _timed_check(_site_with_attachment(tmp_path / name.split()[0], make_site, body))
        found[name] = ([(p.line, p.column) for p in checked.errors], seconds < 2.0)
    assert found == {"40 KB of [": ([(4, 1)], True), "170 KB of emphasis, [ and <": ([(4, 7), (4, 10)], True)}


def test_pathological_markdown_renders_in_under_two_seconds():
    seconds = {}
    for name, body in PATHOLOGICAL.items():
        started = time.process_time()
        markdown_block(body)
        seconds[name] = time.process_time() - started < 2.0
    assert seconds == {name: True for name in PATHOLOGICAL}


def test_a_yaml_field_of_20000_unclosed_brackets_is_refused_at_the_field(tmp_path, make_site):
    text = "service: torbay-yot\nframework: hmip-youth-2018\nintroduction: '" + "[" * 20_000 + "'\n"
    checked, seconds = _timed_check(make_site(tmp_path, {"inspections/torbay-2021.yaml": text}))
    assert ([(p.line, p.field, "links and brackets" in p.message) for p in checked.errors], seconds < 2.0) == (
        [(3, "introduction", True)], True)


@settings(max_examples=400, derandomize=True, deadline=None)
@given(st.lists(st.sampled_from(["[", "]", "(", ")", "!", "<", ">", " ", "\n", "a", "x.png", "](", "]["]),
                max_size=30).map("".join))
def test_links_are_found_exactly_where_the_regular_expressions_would_find_them(text):
    # The checker once used these expressions, which are quadratic on a run of '['.
    # The tails are the resolver's own (a target may hold balanced brackets): what is compared is
    # where each '[...]' is found.
    for tail, expression in ((MD_TARGET_TAIL, r"(!?)\[([^\]]*)\]" + MD_TARGET_TAIL.pattern),
                             (MD_REFERENCE_TAIL, r"(!?)\[([^\]]*)\]\[([^\]]*)\]")):
        expected = [(m.start(), m.group(1), m.group(2), m.group(3)) for m in re.finditer(expression, text)]
        assert [(start, bang, inside, after.group(1)) for start, bang, inside, after in bracketed(text, tail)] \
            == expected

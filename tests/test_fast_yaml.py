"""The fast YAML path (rapidyaml) must read every text it accepts exactly as libyaml's path does.

`fast_yaml.try_load` either declines a text (the caller then uses `parse_yaml`) or returns
data. Whenever it returns data, `parse_yaml` on the same text must give the same data and
no problem at all: otherwise a record could mean something different, or an error could
go unreported, depending on which parser read it. Checked on every YAML text the project
has (content, fixtures, frameworks, a benchmark corpus) and on generated YAML.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.speed import fast_yaml
from generator.load.documents import split_front_matter
from generator.load.yaml_source import parse_yaml

REPO = Path(__file__).resolve().parent.parent



def _agrees(text: str) -> bool:
    """True when the fast path accepted the text (and then agrees with libyaml's path)."""
    accepted, data = fast_yaml.try_load(text)
    if not accepted:
        return False
    slow, _, problems = parse_yaml(text, "t.yaml")
    assert problems == [], f"fast path accepted a text libyaml's path finds problems in: {problems}\n{text!r}"
    assert data == slow, f"the two paths read differently:\nfast {data!r}\nslow {slow!r}\n{text!r}"
    return True


def _yaml_texts(folder: Path) -> list[tuple[str, str]]:
    texts = []
    for file in sorted(folder.rglob("*")):
        if not file.is_file() or file.suffix not in (".yaml", ".yml", ".md") or file.stat().st_size > 2_000_000:
            continue
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        if file.suffix == ".md":
            text = split_front_matter(text)[0]
            if text is None:
                continue
        texts.append((file.relative_to(folder).as_posix(), text))
    return texts


def test_every_file_of_the_project_is_read_the_same_by_both_paths():
    texts = []
    for folder in ("content", "tests/fixtures", "generator/frameworks"):
        texts += _yaml_texts(REPO / folder)
    accepted = [name for name, text in texts if _agrees(text)]
    # The shipped records and frameworks are plain YAML: all of them take the fast path.
    shipped = [name for folder in ("content", "generator/frameworks") for name, _ in _yaml_texts(REPO / folder)]
    assert set(shipped) <= set(accepted) | {n for n in shipped if not n.endswith((".yaml", ".md"))}
    assert len(accepted) > 50


def test_the_benchmark_corpus_is_read_the_same_by_both_paths(tmp_path):
    subprocess.run([sys.executable, "-m", "bench.corpus", "12", str(tmp_path)], check=True, cwd=REPO,
                   stdout=subprocess.DEVNULL)
    texts = _yaml_texts(tmp_path / "content")
    assert len(texts) > 30
    assert all(_agrees(text) for _, text in texts)


# Texts where rapidyaml and libyaml read differently, or only libyaml's path reports a
# problem: the fast path must decline each one.
DIVERGENT = {
    "leading point": "a: .5\n",
    "signed leading point": "a: -.5\n",
    "trailing point": "a: 5.\n",
    "trailing point in a list": "a: [5., 2]\n",
    "capitalised infinity": "a: -.Inf\n",
    "not a number": "a: .NaN\n",
    "tilde null": "a: ~\n",
    "Null": "a: Null\n",
    "NULL": "a: NULL\n",
    "tab after colon": "a:\tb\n",
    "anchor and alias": "a: &x [1, 2]\nb: *x\n",
    "local tag": "a: !custom x\n",
    "standard tag": "a: !!str 5\n",
    "merge key": "<<: {a: 1}\nb: 2\n",
    "duplicate key": "a: 1\na: 2\n",
    "two documents": "a: b\n---\nc: d\n",
    "directive": "%YAML 1.1\n---\na: b\n",
    "next line": "a: b\x85c: d\n",
    "line separator": "a: b\u2028c\n",
    "lone carriage return": "a: b\rc: d\n",
    "control character escape": 'a: "x\\x01y"\n',
    "escape character": 'a: "\\e"\n',
    "plus sign": "a: +1\n",
    "very deep nesting": "a: " + "[" * 50_000 + "]" * 50_000 + "\n",
    "syntax error": "a: [b, c\n",
    "empty": "",
    "comment only": "# nothing\n",
    "byte-order mark inside": "a: \ufeffb\n",
    "reserved indicator": "a: @b\n",
    "closing bracket as a value": "0: ]\n",
    "comma as a value": "- , x\n",
    "closing brace as a value": "a: b\nc: }\n",
    "closing bracket as an item": "a:\n  - ]\n",
    "closing brace starting a line": "a: b\n}\n",
    "comma after a question mark": "? ,\n",
    "empty key": " : \n",
    "escaped line separators": '"0": "\\n\\L\\L"\n',
    "bad block scalar header": "0: |9:\n",
    "lower-case infinity": "a: inf\n",
    "lower-case not a number": "a: [nan]\n",
    "infinity spelled out": "infinity: a\n",
    "trailing point before a carriage return": "a: 5.\r\nb: c\r\n",
    "question mark starting a flow key": "a: {?exempt: true}\n",
    "question mark starting a flow item on its own line": "a: [x,\n  ?y]\n",
    "colon ending a flow key": "status: [draft:]\n",
    "colon before a comma in a flow mapping": "a: {x:, y: z}\n",
    "colon starting a flow item": "a: [a, :x]\n",
    "unclosed bracket after a question mark": "a: [x, ? \n",
    "colon before a value after a question mark": "? status\n:draft\n",
    "merge key after a question mark": "a:\n  ? <<\n",
    "merge key in a flow sequence": "a: [<<: b]\n",
    "merge key without a value": "a: {b: c, <<}\n",
    "block scalar header starting the text": "|2!\n",
    "block scalar starting the text": ">+\nc: d\n",
    "top-level block scalar after a line break": "\n|-\n- b: \n",
    "block scalar without a final line break": "status: >\n  draft",
    "indentation indicator and a blank line": "a: |2\n    \n",
    "quoted key over two lines": "a:\n  'stat\n    us': draft\n",
    "plain key over two lines in braces": "a: {x\n  y: c}\n",
    # the same words written on one line elsewhere (a comment, a value, a key) do not make it one
    "key over two lines, its words in a comment": "# x y: note\na: {x\n  y: c}\n",
    "quoted key over two lines, its words in a value": "a:\n  'x\n   y': 1\nb: 'x y: z'\n",
    "key over two lines, its words as another key": "a: {x\n  y: 1}\nb: [x y: 3]\n",
    "key over two lines after two spaces": "# x  y z:\na: {x  y\n  z: 1}\n",
    "key too long for libyaml": "k" * 1100 + ": b\n",
    "text after a quoted key after a question mark": "? 'q'x ya: \n",
    "block scalar header after a question mark": "? |2x\n  y\n",
    "colon before a line break in brackets": "[x, :\n",
    "tag straight after a quoted document": "'q'!\n",
    "comment inside braces": "flags: {exempt: no #yes}\n",
    "comment inside braces over lines": "a: {k: x,\n  j: y #c}\n",
    "question mark after a colon in braces": "a: {k: ?x}\n",
    "alias straight after a quoted key's colon": "a: {\"k\":*x}\n",
    "colon straight after a quoted key's colon": "a: [\"k\"::x]\n",
    "block indicator straight after a quoted key's colon": "- {']'::|?}\n",
    "indented document end after a list": "a:\n  b:\n    - x\n    ...\n",
    "indented block scalar after a line break": "\r\n  |\n #]: x\n",
    "comment inside brackets over lines": "exempt: [a,\n  b: draft # c\n  x]\n",
    "document end after a quoted item": "a:\n  - \"x\" ...\n",
    "document start after a bracketed item": "- [x] ---\n",
    "second item on a quoted item's line": "a:\n  - 'x' - y\n",
    "empty item after a bracketed item": "- {a: b}   -\n",
    "second item after an anchored quoted item": "- &a 'x' - y\n",
    "second item after a quoted item over two lines": "- 'x\n  y' - z\n",
    "second item after a quoted item with escaped quotes": "- \"a\\\"b\" - c\n",
    "document end after a quoted value": "a: 'x' ... \n",
    "closing bracket after a quoted item": "k:\n- \"q\" ]x:\n",
    "closing brace after a quoted item": "k:\n- 'q' }a:\n",
    "key after an empty flow mapping": "k:\n- {} x: y\n",
    "key after a flow mapping": "k:\n- {a: b} c: d\n",
    "key after an empty flow sequence": "k:\n- [] x: y\n",
    "second item after an anchored item with an ampersand in the text": "- &a 'R & D' - y\n",
    "a dash in a block scalar header's comment": "a: | # see - below\n  text\n",
    "a plus in a folded scalar header's comment": "a: > # notes + actions\n  text\n",
    "text and a colon after a quoted list item": "k:\n- \"q\" 1: \n",
    "words and a colon after a quoted item": "strengths:\n- \"Good\" practice: the team\n",
    "quoted key over two lines, its first empty": "k: \"\n a\":\n",
}


@pytest.mark.parametrize("name", sorted(DIVERGENT))
def test_texts_the_parsers_read_differently_take_libyamls_path(name):
    assert not _agrees(DIVERGENT[name])


def test_a_text_that_cannot_be_utf_8_is_declined_not_raised():
    # a lone surrogate (from a surrogateescape decoding) has no UTF-8 bytes
    assert fast_yaml.try_load("status: \udcff\n") == (False, None)


@pytest.mark.parametrize("text, expected", [
    ("a: 07854\n", {"a": "07854"}),            # a telephone number keeps its zero
    ("a: 1.50\n", {"a": "1.50"}),              # a number keeps the way it was written
    ("a: 1e3\nb: -0\nc: 0.25\n", {"a": "1e3", "b": "-0", "c": "0.25"}),
    ("a: true\nb: [false, True]\n", {"a": "true", "b": ["false", "True"]}),
    ("a: yes\nb: 17:30\n", {"a": "yes", "b": "17:30"}),
    ("a:\nb: null\nc: 'null'\n", {"a": None, "b": None, "c": "null"}),
    ("a: b\r\nc: d\r\n", {"a": "b", "c": "d"}),
    ("t: |\n  line1\n   line2\n\n  end\n", {"t": "line1\n line2\n\nend\n"}),
    ("t: >-\n  folded\n  text\n\n  para\n", {"t": "folded text\npara"}),
    ("é: '€ it''s'\n", {"é": "€ it's"}),
    ("a: Smith & Jones, 5 * 3\n", {"a": "Smith & Jones, 5 * 3"}),
    # a key with a space written on one line (a framework's bands): only a key over two lines is refused
    ("Requires improvement: 1\n'Good rating': 2\n", {"Requires improvement": "1", "Good rating": "2"}),
    ("true\n", "true"),                       # a whole document of one boolean is text too
    ("a: [x:y, 'b':c]\nu: http://x.info\n", {"a": ["x:y", {"b": "c"}], "u": "http://x.info"}),
    # quotes inside plain prose, before a dash or dots: not a quoted item with another after it
    ('note: The "Board" - chaired by the DCS - met monthly\n',
     {"note": 'The "Board" - chaired by the DCS - met monthly'}),
    ("note: He said 'we will see' ... and left\n", {"note": "He said 'we will see' ... and left"}),
    ("- Agreed 'in part' - see the minutes\n", ["Agreed 'in part' - see the minutes"]),
    ('clerk: {name: "Jo Clerk", telephone: "01803 207013"}\ntimes: ["17:30", \'18:00\']\n',
     {"clerk": {"name": "Jo Clerk", "telephone": "01803 207013"}, "times": ["17:30", "18:00"]}),
])
def test_plain_texts_take_the_fast_path_and_mean_what_libyaml_says(text, expected):
    assert _agrees(text)
    assert fast_yaml.try_load(text) == (True, expected)


# --- generated YAML ----------------------------------------------------------------------
SCALAR_TEXT = st.text(alphabet=st.sampled_from(list("aZ09 .,:;-#&*!%@?|>'\"[]{}~_+\\/()é€\n\t") + ["\u2028", "\x85"]),
                      max_size=14)
KEYS = st.text(alphabet="abcxyz_-09 ", min_size=1, max_size=6)
VALUES = st.recursive(
    st.one_of(st.none(), SCALAR_TEXT, st.integers(-10**6, 10**6).map(str),
              st.sampled_from(["1.50", "0.5", ".5", "5.", "1e3", "-.Inf", "true", "False", "~", "null", "07854",
                               "2021-03-04", "2021-03", "17:30", "yes", "", "-", "- x", "a: b", "#x", "x #y"])),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=12)


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.dictionaries(KEYS, VALUES, min_size=1, max_size=5),
       style=st.sampled_from([None, '"', "'", "|"]), flow=st.sampled_from([False, True, None]),
       width=st.sampled_from([20, 80, 1000]))
def test_generated_documents_are_read_the_same_by_both_paths(data, style, flow, width):
    text = yaml.safe_dump(data, default_style=style, default_flow_style=flow, allow_unicode=True,
                          width=width, sort_keys=False)
    _agrees(text)


LINE = st.tuples(st.integers(0, 2), KEYS, SCALAR_TEXT)


@settings(max_examples=400, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=st.lists(LINE, min_size=1, max_size=6))
def test_hand_written_lines_are_read_the_same_by_both_paths(lines):
    # Unquoted text straight after 'key: ', as people type it, at a few indentations.
    text = "".join(f"{'  ' * depth}{key}: {value}\n" for depth, key, value in lines)
    _agrees(text)


def test_nesting_too_deep_for_a_record_gets_libyamls_message(tmp_path, make_site):
    # 60 levels: rapidyaml reads it (no record validates that deep), and the failed
    # validation hands the file to libyaml's path, whose message names the real fault.
    root = make_site(tmp_path, {"inspections/deep-2021.yaml": "facts: " + "[" * 60 + "]" * 60 + "\n"})
    assert fast_yaml.try_load("facts: " + "[" * 60 + "]" * 60 + "\n")[0]
    from generator.build import check_site
    import datetime as dt
    problems = [p for p in check_site(root, dt.date(2025, 1, 1)).errors if p.path.endswith("deep-2021.yaml")]
    assert [(p.line, p.message) for p in problems] == [(1, "the YAML is nested more than 40 levels deep")]


def test_a_file_rapidyaml_cannot_parse_prints_nothing_but_our_error(tmp_path, make_site):
    root = make_site(tmp_path, {"inspections/broken.yaml": "service: torbay-yot\nfacts: [a, b\n"})
    result = subprocess.run([str(REPO / ".venv" / "bin" / "scrutiny"), "-C", str(root), "check"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=120)
    assert result.returncode == 1
    assert "content/inspections/broken.yaml:" in result.stdout
    assert "ERROR: [parse]" not in result.stdout + result.stderr     # rapidyaml's own message


@pytest.mark.parametrize("cached", [False, True])
def test_what_the_caller_writes_to_stderr_between_records_is_heard(tmp_path, make_site, capfd, cached):
    # The reader once held fd 2 at /dev/null from its first record to its last, so a crash in
    # validating a record (between two it read) exited 1 with no word on the terminal.
    from generator.load.documents import read_records
    from generator.load.files import find_files
    from generator.speed.parsed_cache import ParsedCache

    root = make_site(tmp_path, {"inspections/broken.yaml": "service: torbay-yot\nfacts: [a, b\n"})
    files = find_files(root)
    reader = read_records(files, ParsedCache(root) if cached else None)
    next(reader)
    os.write(2, b"said between two records\n")          # fd 2 itself, as a traceback is written
    list(reader)
    assert "said between two records" in capfd.readouterr().err

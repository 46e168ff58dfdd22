"""Property: however a real record is mangled, checking gives content problems, never a crash.

Each example takes one shipped content file, mutates it (deletes a key, replaces a value
with random text / a number / a list / a mapping / null, duplicates a line, truncates the
file, inserts random Unicode), writes it into a copy of the shipped site and checks the
site. Derandomized, so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.load import documents
from generator.load.yaml_source import parse_yaml
from generator.build import check_site
from generator.problems import Severity

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
FILES = sorted(p.relative_to(CONTENT).as_posix() for p in CONTENT.rglob("*")
               if p.is_file() and p.suffix in (".yaml", ".md"))
KEY_LINE = re.compile(r"^(\s*(?:- )?[\"']?[\w.-]+[\"']?:)(\s.*)?$")
AS_OF = dt.date(2021, 8, 1)

VALUES = st.one_of(
    st.text(max_size=30).map(lambda s: " " + s.replace("\n", " ")),
    st.integers(min_value=-10**12, max_value=10**12).map(lambda n: f" {n}"),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda x: f" {x}"),
    st.lists(st.one_of(st.integers(), st.text(alphabet="abc -", max_size=5)), max_size=4).map(
        lambda xs: " [" + ", ".join(map(str, xs)) + "]"),
    st.sampled_from([" ~", " null", "", " {}", " []", " {a: 1}", " yes", " 2021-02-30", " 9999-99",
                     " Outstnding", " -1", " 1e400", ' "\\x00"', " &a x", " *a", " !!python/none"]),
)


@st.composite
def mutation(draw, text: str) -> str:
    lines = text.split("\n")
    keyed = [i for i, line in enumerate(lines) if KEY_LINE.match(line)]
    kind = draw(st.sampled_from(["delete key", "replace value", "duplicate line", "truncate", "insert unicode"]))
    if kind == "delete key" and keyed:
        del lines[draw(st.sampled_from(keyed))]
    elif kind == "replace value" and keyed:
        index = draw(st.sampled_from(keyed))
        lines[index] = KEY_LINE.match(lines[index]).group(1) + draw(VALUES)
    elif kind == "duplicate line":
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
    elif kind == "truncate":
        return text[:draw(st.integers(0, len(text)))]
    else:
        at = draw(st.integers(0, len(text)))
        return text[:at] + draw(st.text(min_size=1, max_size=8)) + text[at:]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def site_copy(tmp_path_factory):
    """A copy of the shipped site. Parsing YAML is pure and is most of a check's time, so
    unchanged files are parsed once (the mutated file's new text is always parsed afresh);
    each call gets its own copy of the data."""
    root = tmp_path_factory.mktemp("mutated-site")
    shutil.copytree(CONTENT, root / "content")
    cache: dict[tuple, tuple] = {}

    def parse_once(text: str, path: str, line_offset: int = 0):
        key = (text, path, line_offset)
        if key not in cache:
            cache[key] = parse_yaml(text, path, line_offset)
        data, source, problems = cache[key]
        return copy.deepcopy(data), source, list(problems)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(documents, "parse_yaml", parse_once)
        yield root


def test_the_shipped_content_gives_no_errors_before_mutation(site_copy):
    assert check_site(site_copy, AS_OF).errors == ()


@settings(max_examples=60, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_mutated_record_gives_content_problems_never_a_crash(site_copy, data):
    relative = data.draw(st.sampled_from(FILES), label="file")
    original = (CONTENT / relative).read_text(encoding="utf-8")
    mutated = data.draw(mutation(original), label="mutated text")
    target = site_copy / "content" / relative
    target.write_text(mutated, encoding="utf-8")
    try:
        checked = check_site(site_copy, AS_OF)          # must not raise
    finally:
        target.write_text(original, encoding="utf-8")
    bad = [p for p in checked.problems
           if not (isinstance(p.path, str) and p.path and p.line >= 0 and p.column >= 0
                   and isinstance(p.severity, Severity) and p.message)]
    assert bad == []

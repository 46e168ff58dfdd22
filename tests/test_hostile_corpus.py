"""The hostile corpus (tests/fixtures/hostile/): every case is a clear content error or inert output,
checked across HTML pages, data files, the search index and the PDF text."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import BuildOptions, build_site
from generator.model.types import LONDON
from generator.build import check_site
from leak_helpers import readable
from site_helpers import copy_site

HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)
OUR_SCRIPTS = {"assets/table.js", "assets/search.js", "pagefind/pagefind-ui.js", "pagefind/parts.js"}


class ActiveContent(HTMLParser):
    """Anything in a page that could run or restyle: script, handlers, frames, styles."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script":
            self.in_script = not values.get("src")
            if values.get("src") and not any(values["src"].endswith(s) for s in OUR_SCRIPTS):
                self.found.append(f"script src={values['src']}")
        if tag in ("iframe", "object", "embed", "style", "base"):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:")):
                self.found.append(f"{tag}[{name}={value[:20]}]")

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append("inline script with the payload")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(HOSTILE / "inert", root / "content")
    report = build_site(BuildOptions(root=root, output=root / "output/site", now=NOW,
                                     pdf=True, search=True, jobs=2))
    assert report.ok, [str(p) for p in report.checked.errors]
    return root / "output/site"


def test_the_hostile_site_builds_and_every_record_is_published(hostile_site):
    for page in ("inspections/evil-2021/index.html", "action-plans/evil-2021-plan/index.html",
                 "services/evil-yot/index.html", "reports/evil-report/index.html",
                 "meetings/evil-cabinet-2021-03-10/index.html"):
        assert (hostile_site / page).is_file(), page


def test_no_page_holds_active_content_from_the_records(hostile_site):
    for page in hostile_site.rglob("*.html"):
        parser = ActiveContent()
        parser.feed(page.read_text())
        assert parser.found == [], page.relative_to(hostile_site)


def test_template_syntax_in_content_prints_literally(hostile_site):
    page = (hostile_site / "inspections/evil-2021/index.html").read_text()
    assert "{{ 7*7 }}" in page and "{% if 1 %}JINJA{% endif %}" in page


def test_the_payload_is_shown_as_text_where_it_was_typed(hostile_site):
    page = (hostile_site / "inspections/evil-2021/index.html").read_text()
    assert "Lead &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_data_files_stay_well_formed_and_carry_the_text_as_data(hostile_site):
    data = json.loads((hostile_site / "data/inspections.json").read_text())
    assert data["inspections"][0]["lead_inspector"].startswith("Lead <script>alert(1)</script>")
    feed = ET.fromstring((hostile_site / "feed.xml").read_bytes())
    assert not [e for e in feed.iter() if e.tag.endswith("script")]
    csv_text = (hostile_site / "data/ratings.csv").read_text(encoding="utf-8-sig")
    assert "Service <script>alert(1)</script>" in csv_text


def test_the_search_index_holds_the_payload_only_as_text_that_pagefind_escapes(hostile_site):
    fragments = list((hostile_site / "pagefind").rglob("*.pf_fragment"))
    assert fragments
    records = []
    for fragment in fragments:
        text = readable(fragment.read_bytes()).decode("utf-8", "replace")
        records.append(json.loads(text[text.index("{"):]))
    indexed = [r for r in records if "alert(1)" in r.get("content", "")]
    assert indexed, "the payload text is indexed, as the text it is"
    # The payload is stored as JSON strings of page text; Pagefind's runtime escapes < and > in
    # that text before it builds an excerpt (and tests/browser/test_search_hostile.py searches it
    # in Chromium and sees nothing run).
    runtime = (hostile_site / "pagefind/pagefind.js").read_text()
    assert 'replace(/</g,"&lt;").replace(/>/g,"&gt;")' in runtime


def test_the_pdf_text_shows_the_payload_as_words(hostile_site):
    from pypdf import PdfReader
    pdfs = list(hostile_site.rglob("*.pdf"))
    assert pdfs
    paper = hostile_site / "inspections/evil-2021/evil-2021.pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(paper.read_bytes())).pages)
    assert "<script>alert(1)</script>" in re.sub(r"\s+", " ", text)
    for pdf in pdfs:
        raw = pdf.read_bytes()
        assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw, pdf.name


ERRORS = [
    ("councils/css-in-colour.yaml", "council-css-in-colour.yaml", "colour", "expected a colour like"),
    ("services/dotdot.yaml", "service-id-with-dotdot.yaml", "council", "is not in the expected form"),
    ("meetings/absolute.yaml", "meeting-absolute-attachment.yaml", "items.0.appendices.0.markdown",
     "points outside content/"),
    ("meetings/dotdot.yaml", "meeting-dotdot-attachment.yaml", "items.0.appendices.0.pdf",
     "points outside content/"),
    ("reports/javascript-link.md", "report-javascript-link.md", "body", "would run script"),
    ("reports/data-link.md", "report-data-link.md", "body", "would run script or embed data"),
]


@pytest.mark.parametrize("target, fixture, field, message", ERRORS, ids=[e[1] for e in ERRORS])
def test_a_hostile_record_that_cannot_be_made_inert_is_a_content_error(tmp_path, target, fixture, field, message):
    root = copy_site(tmp_path)
    destination = root / "content" / target
    shutil.copy(HOSTILE / "errors" / fixture, destination)
    problems = [p for p in check_site(root, NOW.date()).errors if p.path == f"content/{target}"]
    assert [(p.field, message in p.message) for p in problems] == [(field, True)], [str(p) for p in problems]


def test_a_very_long_line_is_a_content_error_not_a_slow_build(tmp_path):
    root = copy_site(tmp_path)
    (root / "content/inspections/long-2021.yaml").write_text(
        "service: torbay-yot\nframework: hmip-youth-2018\nintroduction: " + "word " * 60_000 + "\n")
    problems = [p for p in check_site(root, NOW.date()).errors if p.path.endswith("long-2021.yaml")]
    assert [(p.line, p.field) for p in problems] == [(3, "introduction")]
    assert "too long" in problems[0].message


def test_a_huge_list_is_a_content_error(tmp_path):
    root = copy_site(tmp_path)
    items = ",".join("s" for _ in range(210_000))          # 420 KB: under the size limit, over the node limit
    (root / "content/inspections/huge-2021.yaml").write_text(
        f"service: torbay-yot\nframework: hmip-youth-2018\ndomains:\n  \"1\":\n    strengths: [{items}]\n")
    problems = [p for p in check_site(root, NOW.date()).errors if p.path.endswith("huge-2021.yaml")]
    assert len(problems) == 1 and "more than 200,000 values" in problems[0].message


def test_deeply_nested_yaml_is_a_content_error(tmp_path):
    root = copy_site(tmp_path)
    (root / "content/inspections/deep-2021.yaml").write_text("facts: " + "[" * 5000 + "]" * 5000 + "\n")
    problems = [p for p in check_site(root, NOW.date()).errors if p.path.endswith("deep-2021.yaml")]
    assert len(problems) == 1 and "nested more than" in problems[0].message

"""The language of pages and papers (WCAG 2.2 SC 3.1.1 Language of Page, 3.1.2 Language of Parts).

The theme's own words (navigation, headings, table headers, "Page not found", dates) are
English, so a page or paper says lang="en-GB" (or the English tag the site gives): a Welsh
council's site labelled `cy` would have a screen reader read English with Welsh rules.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pikepdf
import pytest
from site_helpers import build, copy_site, replace_in_file
from test_pdf_accessibility import elements, tag

from generator.build import check_site

AS_OF = dt.date(2021, 6, 1)


def test_a_site_labelled_welsh_is_an_error_at_its_line_since_its_own_words_are_english(tmp_path):
    root = copy_site(tmp_path / "site")
    site_yaml = root / "content" / "site.yaml"
    replace_in_file(site_yaml, "language: en-GB", "language: cy")
    line = site_yaml.read_text(encoding="utf-8").splitlines().index("language: cy") + 1
    [problem] = check_site(root, AS_OF).errors
    assert (problem.path, problem.line, problem.column, problem.field) == ("content/site.yaml", line, 11, "language")
    assert problem.message == "'cy' is not in the expected form"
    assert "English" in problem.hint and "en-GB" in problem.hint


def test_an_english_site_may_give_any_english_tag(tmp_path):
    root = copy_site(tmp_path / "site")
    replace_in_file(root / "content" / "site.yaml", "language: en-GB", "language: en")
    checked = check_site(root, AS_OF)
    assert not checked.errors and checked.corpus.site.language == "en"


# --- a report written in Welsh: its own words marked, ours not (SC 3.1.2 Language of Parts) ---

WELSH_REPORT = "dudley-yos-action-plan-update"
WELSH_HEADINGS = 11             # the "## " sections of its body, as written (content/reports/...md)


@pytest.fixture(scope="module")
def welsh_report_site(tmp_path_factory):
    """The shipped site with PDFs, its Dudley report saying it is written in Welsh."""
    root = copy_site(tmp_path_factory.mktemp("welsh"))
    replace_in_file(root / "content" / "reports" / f"{WELSH_REPORT}.md", "status: published\n",
                    "language: cy\nstatus: published\n")
    build(root, pdf=True)
    return root / "output" / "site"


class Languages(HTMLParser):
    """(tag, lang, text) of each element that gives a lang, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[list[str]] = []
        self.open: list[list[str] | None] = []

    def handle_starttag(self, tag, attrs):
        lang = dict(attrs).get("lang")
        entry = [tag, lang, ""] if lang else None
        if entry:
            self.found.append(entry)
        self.open.append(entry)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for entry in self.open:
            if entry:
                entry[2] += data


def languages(page: Path) -> list[tuple[str, str, str]]:
    parser = Languages()
    parser.feed(page.read_text(encoding="utf-8"))
    return [(tag, lang, " ".join(text.split())) for tag, lang, text in parser.found]


def test_a_welsh_report_page_marks_its_title_and_body_welsh_and_the_theme_words_english(welsh_report_site):
    found = languages(welsh_report_site / "reports" / WELSH_REPORT / "index.html")
    assert found[0][:2] == ("html", "en-GB")
    welsh = [(tag, text) for tag, lang, text in found if lang == "cy"]
    assert ("h1", "Update on the Youth Offending Service Inspection Action Plan") in welsh
    headings = [text for tag, text in welsh if tag == "h2"]
    assert len(headings) == WELSH_HEADINGS and headings[0] == "Purpose" and "Finance" in headings
    # The heading we insert over its recommendations, and the tables of the blocks, are the theme's words.
    assert not any("Recommendations" in text for tag, text in welsh if tag == "h2")
    assert not any(tag in ("table", "th") or "generated-block" in text for tag, text in welsh)
    assert {lang for _, lang, _ in found} == {"en-GB", "cy"}


def test_an_english_report_page_gives_no_language_but_the_page_s(welsh_report_site):
    for page in sorted((welsh_report_site / "reports").glob("*/index.html")):
        if page.parent.name != WELSH_REPORT:
            assert [lang for _, lang, _ in languages(page)] == ["en-GB"], page


def structure_languages(path: Path) -> tuple[str, list[tuple[str, str]]]:
    """The catalogue's /Lang, and (tag, /Lang) of each structure element that gives one."""
    with pikepdf.open(path) as pdf:
        return str(pdf.Root.Lang), [(tag(e), str(e.Lang)) for e in elements(pdf) if "/Lang" in e]


def test_an_english_paper_gives_no_language_but_the_catalogue_s(welsh_report_site):
    papers = [p for p in sorted(welsh_report_site.rglob("*.pdf")) if WELSH_REPORT not in p.name
              and "dudley-csc" not in p.parent.name]
    assert len(papers) > 10
    for paper in papers:
        assert structure_languages(paper) == ("en-GB", []), paper

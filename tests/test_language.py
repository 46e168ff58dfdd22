"""The language of pages and papers (WCAG 2.2 SC 3.1.1 Language of Page, 3.1.2 Language of Parts).

The theme's own words (navigation, headings, table headers, "Page not found", dates) are
English, so a page or paper says lang="en-GB" (or the English tag the site gives): a Welsh
council's site labelled `cy` would have a screen reader read English with Welsh rules.
"""

from __future__ import annotations

import datetime as dt
from site_helpers import copy_site, replace_in_file

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

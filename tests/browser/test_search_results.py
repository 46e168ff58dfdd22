"""Search results read out of context: in a screen reader's list of links every result's link
says which page it is on, so "2.1 Assessment" of one inspection is not "2.1 Assessment" of
another (WCAG 2.4.4, 2.4.9 in spirit: a councillor lists the links rather than reading on)."""

from __future__ import annotations

from browser_kit import open_page

# Each result's page title and links, once Pagefind has filled in its placeholders.
_RESULTS = """() => Array.from(document.querySelectorAll("#search .pagefind-ui__result")).map(result => ({
  page: result.querySelector(":scope .pagefind-ui__result-inner > .pagefind-ui__result-title a").textContent.trim(),
  sections: Array.from(result.querySelectorAll(".pagefind-ui__result-nested a"))
    .map(a => ({name: a.textContent.trim(), href: a.getAttribute("href")})),
}))"""


def _search(page, nginx_site, words: str) -> list[dict]:
    open_page(page, nginx_site.url("search/index.html"))
    page.fill(".pagefind-ui__search-input", words)
    page.wait_for_function("() => document.querySelector('#search .pagefind-ui__result-link')"
                           " && !document.querySelector('#search .pagefind-ui__loading')")
    return page.evaluate(_RESULTS)


def test_a_sections_result_link_names_its_inspection(page, nginx_site):
    # Sandwell's 2018 and Torbay's 2021 inspections both rate 2.1 Assessment and 3.1 Assessment.
    results = _search(page, nginx_site, "assessment")
    sections = {s["href"].split("/inspections/")[-1]: s["name"] for r in results for s in r["sections"]
                if "/inspections/" in s["href"]}
    assert sections["sandwell-2018/#standard-3.1"] == "3.1 Assessment: Inadequate – Sandwell YOS inspection, August 2018"
    assert sections["torbay-2021/#standard-3.1"] == "3.1 Assessment: Inadequate – Torbay YOT inspection, March 2021"
    for result in results:
        for section in result["sections"]:
            assert section["name"].endswith(" – " + result["page"]), section


def test_no_two_result_links_to_different_places_share_a_name(page, nginx_site):
    for words in ("assessment", "standard by standard", "outstanding", "progress"):
        places: dict[str, set[str]] = {}
        for result in _search(page, nginx_site, words):
            for section in result["sections"]:
                places.setdefault(section["name"], set()).add(section["href"])
        assert {name: hrefs for name, hrefs in places.items() if len(hrefs) > 1} == {}, words
        # the star that marks Outstanding is hidden from screen readers on the page: not read here either
        assert not [name for name in places if "\u2605" in name], words


def test_a_meeting_and_a_papers_result_name_their_council(page, nginx_site):
    titles = [r["page"] for r in _search(page, nginx_site, "cabinet wolverhampton")]
    # content/meetings: Cabinet of City of Wolverhampton Council, 16 March 2022, and the report it considered
    assert "Cabinet, 16 March 2022, City of Wolverhampton Council" in titles
    assert "Youth Offending Team Inspection Outcome, City of Wolverhampton Council" in titles
    plans = [r["page"] for r in _search(page, nginx_site, "action plan progress")]
    assert "Youth Offending Service inspection action plan: progress, for the Dudley YOS inspection, April 2019" \
        in plans


def test_results_on_a_phone_use_its_width(page, nginx_site):
    """Pages have no images, so Pagefind's empty picture column only narrowed each result to
    two thirds of a 320 px screen (WCAG 1.4.10's width)."""
    page.set_viewport_size({"width": 320, "height": 640})
    _search(page, nginx_site, "assessment")
    widths = page.evaluate("""() => [".pagefind-ui__result", ".pagefind-ui__result-inner"].map(
        selector => document.querySelector("#search " + selector).getBoundingClientRect().width)""")
    assert widths[1] >= 0.9 * widths[0], widths


def test_the_unseen_names_of_short_links_stay_out_of_results_excerpts(page, nginx_site):
    """"R6" names its recommendation and inspection for a screen reader's list of links; in a
    result's excerpt those words, once per link, crowded out what the page says."""
    _search(page, nginx_site, "Torbay")
    excerpts = " ".join(page.evaluate("() => Array.from(document.querySelectorAll('#search .pagefind-ui__result-excerpt'))"
                                      ".map(p => p.textContent)"))
    assert "Torbay" in excerpts
    assert "– recommendation" not in excerpts and "action plan: YOT Improvement Plan" not in excerpts

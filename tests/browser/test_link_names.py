"""Links a screen reader user can use from a list of links (WCAG 2.4.4, and 2.4.9's "link only"):
read out of context, a link's name says where it goes. "Good", "R1", "A1" or "1" said nothing, and
two links of one name led to different pages. Names are read from Chromium's accessibility tree."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from browser_kit import PAGE_TYPES, accessible_links, open_page

# A name that is only a rating, a number, or an action's or recommendation's code ("R1", "A11").
_SAYS_NOTHING = re.compile(r"(?:[A-Z]?\d+|Outstanding ?★?|Good|Requires improvement|Inadequate)")


def unclear_links(links: list[tuple[str, str]]) -> list[str]:
    """The links whose name says nothing out of context, and the names given to links that lead
    to different places."""
    problems = [f"{name!r} (to {url}) says nothing on its own" for name, url in links if _SAYS_NOTHING.fullmatch(name)]
    places = defaultdict(set)
    for name, url in links:
        places[name].add(url)
    problems += [f"{name!r} leads to {len(urls)} places: {sorted(urls)}" for name, urls in places.items() if len(urls) > 1]
    return problems


def test_unclear_links_finds_bare_names_and_one_name_for_two_places():
    assert unclear_links([("Home", "/index.html"), ("Home", "/index.html"),
                          ("R1 – recommendation 1 of the Torbay YOT inspection, March 2021", "/t#rec-1")]) == []
    assert unclear_links([("R1", "/t#rec-1")])
    assert unclear_links([("Good", "/a")])
    assert unclear_links([("1", "/n?year=2019")])
    assert unclear_links([("Derby YJS", "/services/derby"), ("Derby YJS", "/inspections/derby-2025")])


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_every_link_says_where_it_goes_out_of_context(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        problems = unclear_links(accessible_links(page))
        assert not problems, f"{relative}:\n  " + "\n  ".join(problems)


def test_the_national_page_with_every_inspection_imported_names_every_link(page, nginx_site, national_site):
    """Many inspections of one area (Data to Insight's table): each list link names its own."""
    open_page(page, nginx_site.url(national_site + "national/index.html"))
    problems = unclear_links(accessible_links(page))
    assert not problems, "\n  ".join(problems[:20])


def _names_of_links_to(page, address_ends: str) -> list[str]:
    return [name for name, url in accessible_links(page) if url.endswith(address_ends)]


def test_short_links_keep_their_visible_words_first_and_name_where_they_go(page, nginx_site, linked_plan_site):
    # content/inspections/torbay-2021.yaml: overall Requires improvement, published March 2021; in
    # the linked plan (tests/browser/conftest.py) Torbay's action A2 answers recommendation 3.
    open_page(page, nginx_site.url("services/index.html"))
    assert _names_of_links_to(page, "inspections/torbay-2021/index.html") == [
        "Requires improvement – Torbay YOT inspection, March 2021"]
    open_page(page, nginx_site.url(linked_plan_site + "action-plans/torbay-2021-oocd/index.html"))
    assert set(_names_of_links_to(page, "inspections/torbay-2021/index.html#rec-3")) == {
        "R3 – recommendation 3 of the Torbay YOT inspection, March 2021"}
    open_page(page, nginx_site.url("index.html"))
    assert _names_of_links_to(page, "action-plans/torbay-2021-oocd/index.html#action-A1") == [
        "A1 – Torbay YOT action plan: YOT Improvement Plan for OOCD's Assessment, Decision Making and Processes"]
    # Of the three shipped inspections under the 2018 framework (Sandwell Good, Dudley and Torbay
    # Requires improvement), one is Good or better: the sentence's "1" says so.
    open_page(page, nginx_site.url("national/index.html"))
    assert "1 inspection rated Good or Outstanding under HMIP youth inspection framework (2018 to 2021)" in [
        name for name, _ in accessible_links(page)]

"""The national page at national scale (the shipped site with Data to Insight's 83 inspections
imported), in Chromium from nginx: no WCAG violation, a number's link shows exactly the
inspections it counts, the filters work from the address and the keyboard, and the search
index finds the imported areas (issue 27)."""

from __future__ import annotations

import re

import pytest
from browser_kit import DESKTOP, PHONE, accessible_tables, assert_no_axe_violations, cells_as_announced, open_page
from playwright.sync_api import expect


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
def test_the_national_page_at_national_scale_has_no_wcag_violations(page, nginx_site, national_site, viewport):
    page.set_viewport_size(viewport)
    open_page(page, nginx_site.url(national_site + "national/index.html"))
    assert page.locator("#national-table tbody tr").count() == 87
    assert_no_axe_violations(page, f"{national_site}national/index.html at {viewport['width']} px")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= viewport["width"]


def test_a_numbers_link_shows_exactly_the_inspections_it_counts(page, nginx_site, national_site):
    open_page(page, nginx_site.url(national_site + "national/index.html"))
    numbers = page.locator('main a[href*="national/index.html?"]')
    assert numbers.count() > 50
    for index in (0, numbers.count() // 2, numbers.count() - 1):
        link = numbers.nth(index)
        expected = int(re.match(r"\d+", link.inner_text()).group(0))
        href = link.get_attribute("href")
        open_page(page, nginx_site.url(national_site + "national/" + href))
        shown = page.locator("#national-table tbody tr:not([hidden])").count()
        assert shown == expected, href
        assert page.locator("#results-status").inner_text() == f"{expected} of 87 inspections shown."
        assert_no_axe_violations(page, f"national/{href}")


def test_the_filters_narrow_the_list_by_region_and_framework_from_the_keyboard(page, nginx_site, national_site):
    open_page(page, nginx_site.url(national_site + "national/index.html"))
    page.focus("#filter-framework")
    page.select_option("#filter-framework", "hmip-youth-2018")
    page.select_option("#filter-region", "South West")
    rows = page.locator("#national-table tbody tr:not([hidden])")
    assert rows.count() == 1 and "Torbay YOT" in rows.first.inner_text()
    assert page.locator("#results-status").inner_text() == "1 of 87 inspections shown."


def test_the_standard_filter_matches_the_standard_of_the_chosen_framework_only(page, nginx_site, national_site):
    # 3.4 is Joint working in 2018 and Out-of-court disposal policy and provision in 2021 (the
    # framework files); Kirklees's 2018 inspection rated Joint working Inadequate (the table's row 81)
    open_page(page, nginx_site.url(national_site + "national/index.html"))
    option = page.locator('#filter-standard option[value="hmip-youth-2021:3.4"]')
    assert option.inner_text() == ("3.4 Out-of-court disposal policy and provision, "
                                   "HMIP youth inspection framework (2021 to 2024)")
    rows = page.locator("#national-table tbody tr:not([hidden])")
    for framework, other in (("hmip-youth-2021", "hmip-youth-2018"), ("hmip-youth-2018", "hmip-youth-2021")):
        page.select_option("#filter-standard", f"{framework}:3.4")
        page.select_option("#filter-standard-rating", "Inadequate")
        assert rows.count() > 0
        assert page.locator(f'#national-table tbody tr:not([hidden])[data-framework="{other}"]').count() == 0
        assert ("Kirklees" in " ".join(rows.all_inner_texts())) == (framework == "hmip-youth-2018")


def test_search_finds_an_imported_area(page, nginx_site, national_site):
    open_page(page, nginx_site.url(national_site + "search/index.html"))
    page.fill(".pagefind-ui__search-input", "Suffolk")
    # Pagefind shows each result as a placeholder first and fills it in when its fragment
    # has loaded: wait for the words, not for the element.
    expect(page.locator(".pagefind-ui__result").first).to_contain_text("Suffolk")


def test_the_standards_grid_at_national_scale_names_each_standard_to_a_screen_reader(page, nginx_site, national_site):
    # Kirklees's 2018 inspection rated Joint working (3.4 in 2018) Inadequate: the table's row 81
    open_page(page, nginx_site.url(national_site + "standards/index.html"))
    rows = accessible_tables(page)["HMIP youth inspection framework (2018 to 2021): the published rating of each "
                                   "standard at each service's latest inspection"]
    assert rows[0][1] == "1.1 Governance and leadership" and rows[0][-1] == "3.4 Joint working"
    kirklees = next(row for row in cells_as_announced(rows) if row["Service"].startswith("Kirklees"))
    assert kirklees["3.4 Joint working"] == "Inadequate"

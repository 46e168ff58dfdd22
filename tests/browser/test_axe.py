"""The accessibility gate: axe-core finds no WCAG 2.0/2.1/2.2 A or AA violation on any page
of the built site, at desktop and at phone width, nor in the states scripts create; and a
planted fault proves the gate can fail."""

from __future__ import annotations

import pytest
from browser_kit import (AXE_TAGS, DESKTOP, PAGE_TYPES, PHONE, assert_no_axe_violations, axe_violations,
                         open_page)

# 320 px: WCAG 1.4.10's reflow width (1280 px at 400%), where the widest tables scroll.
_WIDTHS = {"1280": DESKTOP, "375": PHONE, "320": {"width": 320, "height": 256}}


@pytest.mark.parametrize("width", list(_WIDTHS))
@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_page_type_has_no_wcag_violations(page, nginx_site, page_type, width):
    page.set_viewport_size(_WIDTHS[width])
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        if page_type == "search":
            page.wait_for_selector(".pagefind-ui__search-input")
        assert_no_axe_violations(page, f"{relative} at {width} px")


def test_search_results_have_no_wcag_violations(page, nginx_site):
    """Pagefind's results, loaded from the index under the sub-path, pass the gate too."""
    open_page(page, nginx_site.url("search/index.html"))
    page.fill(".pagefind-ui__search-input", "Torbay")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for()
    assert results.count() >= 1
    assert_no_axe_violations(page, "search/index.html with results for 'Torbay'")


def test_sorted_and_filtered_inspections_have_no_wcag_violations(page, nginx_site):
    open_page(page, nginx_site.url("inspections/index.html"))
    page.click("#inspections-table thead button >> text=Overall rating")
    page.select_option("#filter-rating", index=1)
    assert page.locator("#results-status").inner_text().strip()
    assert_no_axe_violations(page, "inspections/index.html sorted and filtered")


def test_inspections_without_scripts_have_no_wcag_violations(chromium, nginx_site):
    """The index as it is before (or without) table.js: no buttons, no filter form.

    axe-core needs timers, which a page with JavaScript switched off does not run, so the
    page's own script is blocked instead."""
    context = chromium.new_context(viewport=DESKTOP)
    try:
        context.route("**/assets/table.js", lambda route: route.abort())
        tab = context.new_page()
        open_page(tab, nginx_site.url("inspections/index.html"))
        assert tab.locator("#inspections-table thead button").count() == 0
        assert_no_axe_violations(tab, "inspections/index.html without table.js")
    finally:
        context.close()


# -- the gate fails when it should -----------------------------------------------------------

_PIXEL = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAA"
          "AABJRU5ErkJggg==")


def test_planted_image_without_alt_fails_the_gate(page, nginx_site):
    """A copy of a real page with one <img> lacking alt text: the gate must report image-alt."""
    original = nginx_site.root / "about" / "index.html"
    planted = nginx_site.root / "about" / "planted-fault.html"      # same folder: relative links still work
    html = original.read_text(encoding="utf-8")
    assert "<main" in html and "</main>" in html
    planted.write_text(html.replace("</main>", f'<p><img src="{_PIXEL}" width="40" height="40"></p>\n</main>', 1),
                       encoding="utf-8")
    try:
        open_page(page, nginx_site.url("about/planted-fault.html"))
        violations = axe_violations(page)
        assert [v["id"] for v in violations] == ["image-alt"], violations
        assert violations[0]["nodes"][0]["html"].startswith("<img")
        with pytest.raises(AssertionError, match="image-alt"):
            assert_no_axe_violations(page, "about/planted-fault.html")
        # The untouched original passes: the fault, not the page, failed the gate.
        open_page(page, nginx_site.url("about/index.html"))
        assert_no_axe_violations(page, "about/index.html")
    finally:
        planted.unlink()


def test_gate_runs_the_wcag_a_and_aa_rule_sets(page, nginx_site):
    """The rules axe-core ran include WCAG 2.2's own AA rule (target size) and the 2.0 basics."""
    open_page(page, nginx_site.url("index.html"))
    axe_violations(page)
    rules = page.evaluate("(tags) => axe.getRules(tags).map(r => r.ruleId)", AXE_TAGS)
    for rule in ("image-alt", "color-contrast", "label", "link-name", "html-has-lang", "target-size",
                 "scrollable-region-focusable", "aria-allowed-attr"):
        assert rule in rules
    assert page.evaluate("() => axe.version") == "4.14.1"

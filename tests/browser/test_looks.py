"""How pages look: screenshots of every page type at desktop and phone width, no sideways
scrolling at 375 px (WCAG 1.4.10 Reflow), and a print stylesheet without the navigation.

Screenshots go to tests/artifacts/screenshots/ (git-ignored) for a person to look at;
the assertions are the reflow and print rules.
"""

from __future__ import annotations

import pytest
from browser_kit import DESKTOP, PAGE_TYPES, PHONE, open_page

_WIDTHS = {"1280": DESKTOP, "375": PHONE}


def _settle(page, page_type: str) -> None:
    if page_type == "search":
        page.wait_for_selector(".pagefind-ui__search-input")
    page.evaluate("() => document.fonts.ready")


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_screenshots_of_page_type_at_1280_and_375(page, nginx_site, screenshot_dir, page_type):
    relative = nginx_site.first_page(page_type)
    for label, viewport in _WIDTHS.items():
        page.set_viewport_size(viewport)
        open_page(page, nginx_site.url(relative))
        _settle(page, page_type)
        target = screenshot_dir / f"page-{page_type}-{label}.png"
        target.unlink(missing_ok=True)
        page.screenshot(path=str(target), full_page=True, animations="disabled")
        assert target.stat().st_size > 5_000, f"{target} looks empty"


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_no_horizontal_scrolling_at_375px(page, nginx_site, page_type):
    page.set_viewport_size(PHONE)
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        _settle(page, page_type)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide = page.evaluate("""(limit) => Array.from(document.querySelectorAll("body *"))
                .filter(el => el.getBoundingClientRect().right > limit + 1)
                .filter(el => !el.parentElement || el.parentElement.getBoundingClientRect().right <= limit + 1)
                .slice(0, 8).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "") +
                                 " right=" + Math.round(el.getBoundingClientRect().right))""", PHONE["width"])
            pytest.fail(f"{relative}: scrollWidth {width} > {PHONE['width']}; too wide: {wide}")


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_print_stylesheet_hides_navigation(page, nginx_site, page_type):
    open_page(page, nginx_site.url(nginx_site.first_page(page_type)))
    page.emulate_media(media="print")
    for selector in (".site-nav", ".site-header", ".breadcrumbs", ".skip-link", ".site-footer"):
        assert not page.locator(selector).first.is_visible(), f"{selector} is printed"
    assert page.locator("main h1").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".site-nav").is_visible(), "the navigation is hidden on screen too"

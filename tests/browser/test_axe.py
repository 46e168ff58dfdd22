"""axe-core on every page type of the built site: zero WCAG 2.0/2.1/2.2 A and AA violations."""

from __future__ import annotations

import pytest
from browser_kit import PAGE_TYPES, assert_no_axe_violations, open_page


@pytest.mark.parametrize("page_type", list(PAGE_TYPES))
def test_page_type_has_no_wcag_violations(page, nginx_site, page_type):
    for relative in nginx_site.pages(page_type):
        open_page(page, nginx_site.url(relative))
        assert_no_axe_violations(page, relative)

"""Search over an index in parts (generator/render/search.py), in a real browser from nginx.

The suite's site is indexed in parts of 64 KB (conftest.py); one query must find pages
held in different parts, which only merging the parts' bundles can do.
"""

from __future__ import annotations

from browser_kit import SEARCH_PART_BYTES
from generator.render.search import index_parts


def test_one_search_finds_pages_from_several_parts_of_the_index(page, nginx_site):
    parts = index_parts(nginx_site.root, SEARCH_PART_BYTES)
    part_of = {path: number for number, pages in enumerate(parts, 1) for path in pages}
    wanted = {"inspections/sandwell-2018/index.html", "services/sandwell-yos/index.html"}
    # The premise: the two pages are in different parts, neither of them the first.
    assert len({part_of[path] for path in wanted}) == 2 and 1 not in {part_of[path] for path in wanted}

    page.goto(nginx_site.base_url + "search/index.html", wait_until="load")
    box = page.locator("#search input")
    box.wait_for(timeout=15_000)
    box.fill("Sandwell")
    results = page.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)                  # let every part's results arrive
    links = page.locator(".pagefind-ui__result-link").evaluate_all("links => links.map(a => a.pathname)")
    found = {link.removeprefix("/scrutiny/").removesuffix("index.html") + "index.html" for link in links}
    assert wanted <= found, links

"""The site served as an intranet serves it: nginx, deploy/nginx.conf, under /scrutiny/.

These prove the hosting example works and that the site's relative links hold up under a
sub-path: every link and asset of every page answers 200 from nginx.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

from browser_kit import DESKTOP, NGINX_TEMPLATE, PREFIX, assert_no_axe_violations, open_page


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if value and (name == "href" and tag in ("a", "link") or name == "src" and tag in ("script", "img")):
                self.found.append(value)


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), b""


def _get_any(url: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body, whatever the status (an error page's body too)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _head_no_redirect(origin: str, path: str) -> tuple[int, str | None]:
    parts = urlsplit(origin)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def _report_addresses() -> set[str]:
    """The inspectorate's report pages the records name (`report_url`), and the sources and
    licences the pages credit (render/sources.py): the only links that may leave the site."""
    import yaml

    from generator.render.sources import DTI_SOURCE, HMIP_SOURCE
    content = Path(__file__).resolve().parents[2] / "content" / "inspections"
    reports = {yaml.safe_load(p.read_text(encoding="utf-8")).get("report_url") for p in content.glob("*.yaml")}
    credited = {address for source in (HMIP_SOURCE, DTI_SOURCE) for address in (source.url, source.licence_url)}
    return (reports | credited) - {None}


def test_every_link_and_asset_answers_200_under_the_sub_path(nginx_site):
    checked: dict[str, int] = {}
    reports = _report_addresses()
    broken = []
    for relative in nginx_site.all_pages():
        page_url = nginx_site.url(relative)
        status, _, body = _get(page_url)
        assert status == 200, f"{page_url}: {status}"
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        for link in parser.found:
            target = urldefrag(urljoin(page_url, link))[0]
            if not target.startswith(nginx_site.origin):
                assert not target.startswith("http") or link in reports, f"{relative} links off the site: {link}"
                continue                                  # mailto: and the like
            assert target.startswith(nginx_site.base_url), f"{relative}: {link} leaves {PREFIX}"
            if target not in checked:
                checked[target] = _get(target)[0]
            if checked[target] != 200:
                broken.append(f"{relative}: {link} -> {checked[target]}")
    assert not broken, "\n".join(broken)
    # The links reach every page the build wrote: nothing is orphaned under the prefix.
    unlinked = [p for p in nginx_site.all_pages() if nginx_site.url(p) not in checked]
    assert not unlinked, f"no page links to {unlinked}"


def test_nginx_serves_each_kind_of_file_with_its_type(nginx_site):
    expected = {
        "index.html": "text/html; charset=utf-8",
        "assets/style.css": "text/css; charset=utf-8",
        "assets/table.js": "application/javascript; charset=utf-8",
        "data/inspections.json": "application/json; charset=utf-8",
        "data/ratings.csv": "text/csv; charset=utf-8",
        "feed.xml": "application/xml; charset=utf-8",
    }
    for relative, content_type in expected.items():
        status, headers, _ = _get(nginx_site.url(relative))
        assert status == 200, relative
        assert headers["Content-Type"] == content_type, relative
        assert headers["X-Content-Type-Options"] == "nosniff"
    wasm = sorted(p for p in (nginx_site.root / "pagefind").glob("*.pagefind"))
    assert wasm, "the search index was not built"


def test_the_prefix_without_its_slash_redirects_relatively(nginx_site):
    status, location = _head_no_redirect(nginx_site.origin, PREFIX.rstrip("/"))
    assert status == 301 and location == PREFIX
    status, location = _head_no_redirect(nginx_site.origin, PREFIX + "inspections")
    assert status == 301 and location == PREFIX + "inspections/"


def test_only_the_prefix_is_served(nginx_site):
    assert _get(nginx_site.origin + "/index.html")[0] == 404
    assert _get(nginx_site.origin + PREFIX + "../index.html")[0] in (400, 404)
    assert _get(nginx_site.url("inspections/"))[0] == 200          # folders serve their index.html


def _site_headers() -> dict[str, str]:
    """The headers deploy/nginx.conf sends with every answer under the prefix, as it types them."""
    policy = re.search(r'Content-Security-Policy "([^"]+)"', NGINX_TEMPLATE.read_text(encoding="utf-8")).group(1)
    return {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "SAMEORIGIN",
            "Content-Security-Policy": policy, "Cache-Control": "no-cache"}


def test_a_hidden_file_in_the_served_folder_is_not_served(nginx_site):
    """A build made with -o into a served folder keeps its bookkeeping in hidden folders
    (docs/publishing.md): the shipped config denies every hidden name, and its refusal carries
    the same security headers as every page (a refusal decided outside the prefix's block had none)."""
    hidden = nginx_site.root / ".bookkeeping"       # (.manifests/ itself is there once __national__ is built)
    hidden.mkdir()
    try:
        (hidden / "site.json").write_text("{}", encoding="utf-8")
        for address in (".bookkeeping/site.json", ".bookkeeping/", "inspections/.manifests", "%2ebookkeeping/site.json"):
            status, headers, _ = _get(nginx_site.url(address))
            assert status == 403, address
            assert {name: headers.get(name) for name in _site_headers()} == _site_headers(), address
    finally:
        (hidden / "site.json").unlink()
        hidden.rmdir()


# A missing address at the top of the site, and three folders down (the first two exist).
MISSING = ["no-such-page.html", "inspections/torbay-2021/no-such-folder/page.html"]


def test_a_missing_address_at_any_depth_gets_the_sites_page_with_status_404_and_links_that_work(nginx_site):
    """nginx sends 404.html for a missing address, with status 404 (not a redirect), and writes
    the prefix into its links: from wherever it is served, its stylesheet and every link answer 200."""
    for missing in [*MISSING, "404.html"]:
        status, headers, body = _get_any(nginx_site.url(missing))
        assert status == 404, missing
        assert headers["Content-Type"] == "text/html; charset=utf-8"
        assert "base-uri 'none'" in headers["Content-Security-Policy"]
        text = body.decode("utf-8")
        assert '<html lang="en-GB">' in text and "<h1>Page not found</h1>" in text, missing
        assert "<!--#" not in text                 # every server-side include was done
        parser = _Links()
        parser.feed(text)
        targets = {urldefrag(urljoin(nginx_site.url(missing), link))[0] for link in parser.found
                   if not link.startswith("#")}          # the skip link stays on the page
        for wanted in ("assets/style.css", "index.html", "search/index.html"):
            assert nginx_site.url(wanted) in targets, (missing, wanted)
        broken = [(t, _get(t)[0]) for t in sorted(targets) if _get(t)[0] != 200]
        assert not broken, (missing, broken)


def test_a_folder_with_no_page_gets_the_sites_not_found_page_as_scrutiny_serve_answers_it(nginx_site):
    """A reader who shortens a report's address to reports/ (or the data's to data/), or asks
    for a folder that does not exist, gets "Page not found" with status 404 and the site's
    headers, as `scrutiny serve` answers it: not nginx's "403 Forbidden", with no language
    and no way back. A folder with a page still serves it."""
    for folder in ("reports/", "data/", "assets/", "pagefind/fragment/", "inspections/no-such-folder/"):
        status, headers, body = _get_any(nginx_site.url(folder))
        assert status == 404, folder
        assert {name: headers.get(name) for name in _site_headers()} == _site_headers(), folder
        text = body.decode("utf-8")
        assert '<html lang="en-GB">' in text and "<h1>Page not found</h1>" in text, folder
        assert f'href="{PREFIX}index.html"' in text, folder
    status, _, body = _get_any(nginx_site.url("inspections/"))
    assert status == 200 and "<h1>Inspections</h1>" in body.decode("utf-8")


def test_a_missing_page_is_styled_accessible_and_leads_home_in_the_browser(page, nginx_site):
    for missing in MISSING:
        response = page.goto(nginx_site.url(missing), wait_until="load")
        assert response is not None and response.status == 404
        assert page.url == nginx_site.url(missing)          # no redirect
        assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor") \
            == "rgb(29, 79, 145)"
        for width in (DESKTOP, {"width": 320, "height": 256}):
            page.set_viewport_size(width)
            assert_no_axe_violations(page, f"{missing} (404) at {width['width']} px")
        page.set_viewport_size(DESKTOP)
        page.get_by_role("link", name="home page").click()
        page.wait_for_load_state("load")
        assert page.url == nginx_site.url("index.html")


def test_a_missing_page_breaks_no_policy(page, nginx_site):
    def visit() -> None:
        for missing in MISSING:
            page.goto(nginx_site.url(missing), wait_until="load")

    assert _refused_while(page, visit) == []


def test_folder_urls_work_in_the_browser(page, nginx_site):
    """A person typing the short address gets the home page, styled (the CSS loaded)."""
    open_page(page, nginx_site.origin + PREFIX.rstrip("/"))
    assert page.url == nginx_site.base_url
    assert page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor") \
        == "rgb(29, 79, 145)"


def test_hosting_example_is_the_config_the_tests_run():
    readme = (NGINX_TEMPLATE.parent / "README.md").read_text(encoding="utf-8")
    assert "deploy/nginx.conf" in readme
    for placeholder in ("@USER@", "@LISTEN@", "@PREFIX@", "@PREFIX_NO_SLASH@", "@SITE_DIR@", "@RUN_DIR@"):
        assert placeholder in NGINX_TEMPLATE.read_text(encoding="utf-8")
        assert placeholder in readme, f"deploy/README.md does not explain {placeholder}"


CSP_REFUSED = "Content Security Policy"      # the words Chromium's console uses for each thing refused


def _refused_while(page, action) -> list[str]:
    """What the browser refused under the page's Content-Security-Policy while `action` ran."""
    refused: list[str] = []

    def listen(message) -> None:
        if CSP_REFUSED in message.text:
            refused.append(message.text)

    page.on("console", listen)
    try:
        action()
    finally:
        page.remove_listener("console", listen)
    return refused


def test_the_policy_refuses_what_a_page_did_not_get_from_the_site(nginx_site, page):
    """A page that somehow held a remote image and a script of its own (the sanitiser and the
    check refuse both): served by the shipped config, the browser fetches and runs neither."""
    planted = nginx_site.root / "planted.html"
    planted.write_text('<!DOCTYPE html><html lang="en"><head><title>Planted</title></head><body>'
                       '<img src="http://127.0.0.2:9/tracker.gif" alt="">'
                       '<script>window.plantedRan = true;</script></body></html>', encoding="utf-8")
    try:
        status, headers, _ = _get(nginx_site.url("planted.html"))
        assert status == 200 and "img-src 'self'" in headers["Content-Security-Policy"]
        refused = _refused_while(page, lambda: open_page(page, nginx_site.url("planted.html")))
        assert page.evaluate("() => window.plantedRan") is None
        assert any("tracker.gif" in text for text in refused), refused
        assert any("inline script" in text for text in refused), refused
    finally:
        planted.unlink()


def test_no_page_of_the_site_breaks_the_policy_and_search_still_works(nginx_site, page):
    """The pages, their charts and tables, and the search (WebAssembly) under the shipped config's
    Content-Security-Policy: nothing refused."""
    def visit_every_page() -> None:
        for relative in nginx_site.all_pages():
            open_page(page, nginx_site.url(relative))
        open_page(page, nginx_site.url("search/index.html"))
        page.wait_for_selector(".pagefind-ui__search-input")
        page.fill(".pagefind-ui__search-input", "Torbay")
        page.locator(".pagefind-ui__result").first.wait_for()

    assert _refused_while(page, visit_every_page) == []

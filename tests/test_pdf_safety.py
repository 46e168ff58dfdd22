"""Papers never fetch anything from outside the site.

Two walls: the resolve stage refuses Markdown that points an image at the network or at a
file outside content/ (a content error naming the record and line), and WeasyPrint's URL
fetcher (`generator.render.pdf.make_fetcher`) refuses anything but files inside content/
and the theme, so a template or a stylesheet cannot reach out either. Both are tested with
a local HTTP server that counts requests: it must receive none.
"""

from __future__ import annotations

import hashlib
import http.server
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import cli

pytestmark = pytest.mark.pdf


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):                       # noqa: N802 (http.server's naming)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(b"\x89PNG\r\n\x1a\n")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    """A web server on 127.0.0.1 that records every request made to it."""
    _Counter.hits = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Counter.hits
    httpd.shutdown()
    httpd.server_close()


def scrutiny(root: Path, *args: str):
    return CliRunner().invoke(cli, ["-C", str(root), *args], obj={})


def make_site(root: Path, body: str) -> Path:
    files = {
        "site.yaml": "title: Test Inspections\norganisation: Testshire\n",
        "councils/testshire.yaml": "name: Testshire County Council\n",
        "reports/risky.md": ("---\ncouncil: testshire\ntitle: A report with an image\ndate: 2024-01-10\n---\n"
                             "## Purpose\n\nThe chart is below.\n\n" + body + "\n"),
    }
    for relative, text in files.items():
        target = root / "content" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


# --- wall one: the resolve stage ---------------------------------------------------------------

@pytest.mark.parametrize("target", ["file:///etc/passwd", "SERVER/chart.png", "../../etc/passwd"])
def test_an_image_outside_the_site_is_a_content_error_naming_its_record(tmp_path, server, target):
    base, hits = server
    root = make_site(tmp_path, f"![Chart]({target.replace('SERVER', base)})")
    for args in (("paper", "report", "risky"), ("pack", "nothing"), ("build", "-q")):
        result = scrutiny(root, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "content/reports/risky.md:10:1: error: body: the image" in result.output, result.output
        assert "outside the site" in result.output
    assert hits == []
    assert not (root / "output" / "site").exists()


def test_a_raw_html_image_is_refused_too(tmp_path, server):
    base, hits = server
    root = make_site(tmp_path, f'<img src="{base}/pixel.png" alt="tracking pixel">')
    result = scrutiny(root, "paper", "report", "risky")
    assert result.exit_code == 1 and "content/reports/risky.md" in result.output
    assert hits == []


# --- wall two: WeasyPrint's URL fetcher -------------------------------------------------------------

@pytest.fixture
def content(tmp_path) -> Path:
    folder = tmp_path / "content"
    (folder / "attachments").mkdir(parents=True)
    (folder / "attachments" / "ok.txt").write_text("inside")
    (tmp_path / "secret.txt").write_text("outside")
    os.symlink(tmp_path / "secret.txt", folder / "attachments" / "link.txt")
    return folder


def test_fetcher_reads_a_file_inside_the_allowed_folders(content):
    from generator.render.pdf import make_fetcher
    fetcher = make_fetcher([content])
    response = fetcher.fetch((content / "attachments" / "ok.txt").as_uri())
    assert response.read() == b"inside"


@pytest.mark.parametrize("url", ["file:///etc/passwd", "file://otherhost/etc/passwd", "data:text/plain,hello",
                                 "ftp://127.0.0.1/x", "LINK", "TRAVERSAL"])
def test_fetcher_refuses_everything_else(content, url):
    from generator.render.pdf import FetchRefused, make_fetcher
    url = url.replace("LINK", (content / "attachments" / "link.txt").as_uri())
    url = url.replace("TRAVERSAL", content.as_uri() + "/attachments/../../secret.txt")
    with pytest.raises(FetchRefused):
        make_fetcher([content]).fetch(url)


def test_fetcher_never_touches_the_network(content, server):
    from generator.render.pdf import FetchRefused, make_fetcher
    base, hits = server
    for url in (f"{base}/chart.png", base.replace("http", "https") + "/x"):
        with pytest.raises(FetchRefused):
            make_fetcher([content]).fetch(url)
    assert hits == []


@pytest.mark.parametrize("markup", [
    '<img src="file:///etc/passwd" alt="x">',
    '<img src="SERVER/chart.png" alt="x">',
    '<p style="background: url(SERVER/bg.png)">x</p>',
    '<link rel="stylesheet" href="SERVER/style.css">',
    '<img src="attachments/../../secret.txt" alt="x">',
])
def test_rendering_stops_with_an_error_naming_the_record_and_fetches_nothing(content, server, markup):
    from generator.render.pdf import Job, PaperError, render
    base, hits = server
    html = (f'<html lang="en-GB"><head><title>t</title>{markup.replace("SERVER", base) if "link" in markup else ""}'
            f'</head><body><p>text</p>{"" if "link" in markup else markup.replace("SERVER", base)}</body></html>')
    job = Job("k", "the report content/reports/risky.md", "content/reports/risky.md", html, "", str(content),
              (str(content),))
    with pytest.raises(PaperError) as caught:
        render(job)
    assert str(caught.value).startswith("content/reports/risky.md: error: refused to fetch")
    assert hits == []


def test_an_image_inside_content_is_drawn(content):
    import io

    import pikepdf

    from generator.render.pdf import Job, render
    png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
           b"\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND"
           b"\xaeB`\x82")
    (content / "attachments" / "dot.png").write_bytes(png)
    read_by_the_build = ((os.path.realpath(content / "attachments" / "dot.png"), hashlib.sha256(png).hexdigest()),)
    job = Job("k", "label", "content/reports/x.md",
              '<html lang="en-GB"><title>t</title><body><img src="attachments/dot.png" alt="A dot"></body></html>',
              "", str(content), (str(content),), read_by_the_build)
    rendered = render(job)
    with pikepdf.open(io.BytesIO(rendered.data)) as pdf:
        assert any(str(x.get("/Subtype")) == "/Image" for x in pdf.pages[0].get_images().values())


def test_an_image_changed_since_the_build_read_it_is_refused(content):
    """The build decided from the bytes it read; WeasyPrint fetching other bytes is an error."""
    from generator.render.paper_fonts import PaperError
    from generator.render.pdf import Job, render

    image = content / "attachments" / "dot.svg"
    image.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8")
    as_read = hashlib.sha256(b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>').hexdigest()
    job = Job("k", "label", "content/reports/x.md",
              '<html lang="en-GB"><title>t</title><body><img src="attachments/dot.svg" alt="A dot"></body></html>',
              "", str(content), (str(content),), ((os.path.realpath(image), as_read),))
    with pytest.raises(PaperError, match="refused to fetch"):
        render(job)



# --- links: a paper names no file on the server ---------------------------------------------------

def _link_addresses(pdf_path: Path) -> list[str]:
    import pikepdf
    with pikepdf.open(pdf_path) as pdf:
        return [str(annot.A.URI) for page in pdf.pages for annot in page.get("/Annots", [])
                if "/A" in annot and "/URI" in annot.A]


def test_a_relative_link_in_markdown_is_no_link_to_a_file_on_the_server(tmp_path):
    """WeasyPrint resolves a relative address against content/: the paper would link to
    file:///<the server's folder>/content/attachments/annex.md, which no reader can open."""
    root = make_site(tmp_path, "The proposals are in [the annex](attachments/annex.md); "
                               "see [HMIP](https://www.justiceinspectorates.gov.uk/hmiprobation/).")
    result = scrutiny(root, "paper", "report", "risky", "-o", str(tmp_path / "risky.pdf"))
    assert result.exit_code == 0, result.output
    assert _link_addresses(tmp_path / "risky.pdf") == ["https://www.justiceinspectorates.gov.uk/hmiprobation/"]

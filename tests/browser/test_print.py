"""A page printed to PDF by Chromium, as a councillor prints it for a meeting: read back
with poppler's pdftotext."""

from __future__ import annotations

import subprocess

from browser_kit import open_page


def _printed_text(page, tmp_path) -> str:
    pdf = tmp_path / "printed.pdf"
    page.emulate_media(media="print")                 # the fixture's page is set to screen
    page.pdf(path=str(pdf), format="A4")
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_a_printed_link_off_the_site_shows_its_address(page, nginx_site, tmp_path):
    # content/inspections/derby-2025.yaml: report_url, HMIP's page for the Derby City inspection
    open_page(page, nginx_site.url("inspections/derby-2025/index.html"))
    text = _printed_text(page, tmp_path)
    printed = "".join(text.split())                   # an address wraps across lines
    assert "The inspectorate's report" in text and "Skip to main content" not in text
    assert "(https://hmiprobation.justiceinspectorates.gov.uk/document/" \
           "an-inspection-of-youth-justice-work-with-children-and-victims-in-derby-city-2025)" in printed

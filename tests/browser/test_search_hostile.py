"""The search index with hostile text, searched in a real browser from nginx: nothing runs.

The hostile corpus (tests/fixtures/hostile/inert) puts script tags and event handlers in
every text field. Pagefind indexes page text, so the payload is in the index as text; this
proves the search page shows it as text and never executes it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from browser_kit import PREFIX, nginx_binary, render_nginx_conf
from playwright.sync_api import expect
from generator.build import BuildOptions, build_site
from generator.model.types import LONDON

HOSTILE = Path(__file__).resolve().parent.parent / "fixtures" / "hostile" / "inert"
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=LONDON)


@pytest.fixture(scope="module")
def hostile_origin(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-search")
    shutil.copytree(HOSTILE, root / "content")
    report = build_site(BuildOptions(root=root, output=root / "output/site", now=NOW,
                                     pdf=False, search=True, jobs=1))
    assert report.ok
    run_dir = tmp_path_factory.mktemp("hostile-nginx")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = run_dir / "nginx.conf"
    conf.write_text(render_nginx_conf(root / "output/site", run_dir, f"127.0.0.1:{port}"))
    proc = subprocess.Popen([nginx_binary(), "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log"),
                             "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    origin = f"http://127.0.0.1:{port}"
    deadline = time.time() + 10
    while True:
        try:
            urllib.request.urlopen(origin + PREFIX + "index.html", timeout=1)
            break
        except OSError:
            assert time.time() < deadline and proc.poll() is None, "nginx did not start"
            time.sleep(0.1)
    try:
        yield origin + PREFIX
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_searching_for_hostile_text_shows_it_as_text_and_runs_nothing(chromium, hostile_origin):
    context = chromium.new_context()
    tab = context.new_page()
    dialogs: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.goto(hostile_origin + "search/index.html", wait_until="load")
    box = tab.locator("#search input")
    box.wait_for(timeout=15_000)
    box.fill("alert")
    results = tab.locator(".pagefind-ui__result")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 1
    # the payload is there, as words (once pagefind has filled in its placeholder results)
    expect(tab.locator("#search")).to_contain_text("alert(1)", timeout=15_000)
    assert tab.locator("#search script, #search svg[onload], #search iframe, #search [onmouseover]").count() == 0
    tab.wait_for_timeout(500)                          # give any injected handler time to fire
    assert dialogs == []
    context.close()

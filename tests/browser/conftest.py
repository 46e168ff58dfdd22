"""The browser suite's fixtures: the real site, served by nginx under /scrutiny/, in Chromium.

Once per session: `scrutiny build --no-pdf` into a temporary folder, nginx (Debian's, with
the config in deploy/nginx.conf) on 127.0.0.1 and a free port, and one headless Chromium
(Debian's /usr/bin/chromium driven by Playwright). Each test gets a fresh page.

Nothing here skips: a missing Chromium, nginx or axe-core fails the suite with the one
command that installs it (`make test` does all three).
"""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Iterator

import pytest
from browser_kit import (AXE_URL_PATH, CHROMIUM, CHROMIUM_ARGS, DESKTOP, PREFIX, REPO, SCREENSHOTS, ServedSite,
                         axe_source, build_site, install_hint, nginx_binary, render_nginx_conf)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything in this folder needs the browser and nginx: mark it `browser`."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's content built once with `scrutiny build --no-pdf`.

    The tests add one file of their own beside it: axe-core at __tests__/axe.min.js, so that
    pages can load it from the same server (this is a throw-away copy, never a deployed site).
    """
    site = build_site(tmp_path_factory.mktemp("browser") / "site")
    axe = site / AXE_URL_PATH
    axe.parent.mkdir()
    axe.write_text(axe_source(), encoding="utf-8")
    return site


@pytest.fixture(scope="session")
def national_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped content with Data to Insight's real table of HMIP inspections imported, built
    with its search index into national/ beside the built site, so nginx serves it too: its
    path under the prefix. (A folder of its own: every other test sees the shipped site only.)"""
    source = tmp_path_factory.mktemp("national-source")
    shutil.copytree(REPO / "content", source / "content")
    table = REPO / "tests" / "fixtures" / "hmip-ratings" / "hmi_youth_justice_inspection_ratings.csv"
    for command in (["import", "inspections", str(table)],
                    ["build", "-q", "--no-pdf", "-o", str(built_site / "__national__")]):
        done = subprocess.run([sys.executable, "-m", "generator", "-C", str(source), *command], capture_output=True,
                              text=True, timeout=600)
        if done.returncode != 0:
            pytest.fail(f"`scrutiny {' '.join(command)}` failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return "__national__/"


@pytest.fixture(scope="session")
def linked_plan_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The shipped content with Torbay's plan naming the recommendations its actions answer
    (A1: 1 and 2; A2: 3), as a plan written to HMIP's template does, built into __linked__/
    beside the built site: the shipped plans name none, as their sources name none."""
    source = tmp_path_factory.mktemp("linked-source")
    shutil.copytree(REPO / "content", source / "content")
    plan = source / "content" / "action-plans" / "torbay-2021-oocd.yaml"
    text = plan.read_text(encoding="utf-8")
    for action, numbers in (("A1", "[1, 2]"), ("A2", "[3]")):
        text = text.replace(f"  - id: {action}\n", f"  - id: {action}\n    recommendations: {numbers}\n", 1)
    plan.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "generator", "-C", str(source), "build", "-q", "--no-pdf",
                           "--no-search", "-o", str(built_site / "__linked__")],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"building the linked plan failed:\n{done.stdout}\n{done.stderr}", pytrace=False)
    return "__linked__/"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serving(url: str, proc: subprocess.Popen, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    return False


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGQUIT)      # graceful shutdown of this nginx, by its own pid
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            proc.kill()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def nginx_site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    """nginx serving the built site at http://127.0.0.1:PORT/scrutiny/ for the whole session.

    The config is deploy/nginx.conf, rendered for this run: the current user, a free port,
    pid file, logs and temporary files in a temporary folder.
    """
    nginx = nginx_binary()
    run_dir = tmp_path_factory.mktemp("nginx")
    conf = run_dir / "nginx.conf"
    log = ""
    for _attempt in range(5):               # a free port can be taken between the probe and nginx
        port = _free_port()
        conf.write_text(render_nginx_conf(built_site, run_dir, f"127.0.0.1:{port}"), encoding="utf-8")
        with open(run_dir / "nginx.out", "wb") as out:
            proc = subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log"),
                                     "-g", "daemon off;"], stdout=out, stderr=subprocess.STDOUT)
        origin = f"http://127.0.0.1:{port}"
        if _serving(origin + PREFIX + "index.html", proc):
            break
        _stop(proc)
        log = "".join(p.read_text(errors="replace") for p in (run_dir / "error.log", run_dir / "nginx.out")
                      if p.exists())
        if "Address already in use" not in log:
            pytest.fail(f"nginx did not serve the site with {conf}:\n{log}", pytrace=False)
    else:
        pytest.fail(f"nginx found no free port in five tries:\n{log}", pytrace=False)
    try:
        yield ServedSite(root=built_site, base_url=origin + PREFIX, origin=origin)
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """One headless Debian Chromium for the session, driven by Playwright."""
    if not CHROMIUM.exists():
        pytest.fail(install_hint("Chromium", "sudo apt-get install chromium"), pytrace=False)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def _shared_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP)
    context.set_default_timeout(20_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def _shared_tab(_shared_context: Any) -> dict[str, Any]:
    return {}


@pytest.fixture
def page(_shared_context: Any, _shared_tab: dict[str, Any]) -> Any:
    """A page, 1280 px wide, screen media, JavaScript on.

    One tab serves the whole session (a new tab costs more than the test): each test gets it
    back at desktop width and screen media, and navigates it itself. A closed or crashed tab
    is replaced.
    """
    tab = _shared_tab.get("tab")
    if tab is None or tab.is_closed():
        tab = _shared_tab["tab"] = _shared_context.new_page()
    tab.set_viewport_size(DESKTOP)
    tab.emulate_media(media="screen")
    return tab


@pytest.fixture(scope="session")
def _no_script_context(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport=DESKTOP, java_script_enabled=False)
    context.set_default_timeout(20_000)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page_without_js(_no_script_context: Any, _shared_tab: dict[str, Any]) -> Any:
    """A page, 1280 px wide, with JavaScript switched off (one tab for the session, as `page`)."""
    tab = _shared_tab.get("no-js")
    if tab is None or tab.is_closed():
        tab = _shared_tab["no-js"] = _no_script_context.new_page()
    tab.set_viewport_size(DESKTOP)
    return tab


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    """tests/artifacts/screenshots/ (git-ignored): where the looks tests write their PNGs."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS

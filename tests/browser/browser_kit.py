"""What the browser tests share: page types, the build, nginx's config, axe-core and a few probes.

Plain functions and constants; the fixtures that use them live in conftest.py.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
NGINX_TEMPLATE = REPO / "deploy" / "nginx.conf"
SCREENSHOTS = REPO / "tests" / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
# As the machine notes require: headless, and without the background-networking flags
# Chromium keeps dialling Google's hosts on a network that refuses them.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PREFIX = "/scrutiny/"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}

# Every page type of the site, as a glob under the built site. A type's tests run on every
# page that matches, so a new record of an existing kind is checked without a new test.
PAGE_TYPES: dict[str, str] = {
    "home": "index.html",
    "inspections": "inspections/index.html",
    "inspection": "inspections/*/index.html",
    "services": "services/index.html",
    "service": "services/*/index.html",
    "standards": "standards/index.html",
    "national": "national/index.html",
    "action-plans": "action-plans/index.html",
    "action-plan": "action-plans/*/index.html",
    "meetings": "meetings/index.html",
    "meeting": "meetings/*/index.html",
    "report": "reports/*/index.html",
    "search": "search/index.html",
    "accessibility": "accessibility/index.html",
    "about": "about/index.html",
}

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: what the 2018 Regulations require.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def install_hint(what: str, command: str) -> str:
    return f"{what} is missing. Run `make test` (as root it installs everything), or run once:\n    {command}"


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)
    if not found:
        pytest.fail(install_hint("nginx", "sudo apt-get install nginx-light"), pytrace=False)
    return found


@dataclass(frozen=True)
class ServedSite:
    root: Path                 # the built site on disk (what nginx serves)
    base_url: str              # http://127.0.0.1:PORT/scrutiny/
    origin: str                # http://127.0.0.1:PORT

    def url(self, relative: str) -> str:
        return self.base_url + relative

    def pages(self, page_type: str) -> list[str]:
        """Every built page of a type, as paths relative to the site root, sorted."""
        found = sorted(p.relative_to(self.root).as_posix() for p in self.root.glob(PAGE_TYPES[page_type]))
        assert found, f"the build wrote no page of type {page_type!r} ({PAGE_TYPES[page_type]})"
        return found

    def first_page(self, page_type: str) -> str:
        return self.pages(page_type)[0]

    def all_pages(self) -> list[str]:
        return [p for t in PAGE_TYPES for p in self.pages(t)]




def build_site(output: Path, pdf: bool = False) -> Path:
    """`scrutiny build` of the repository's content into `output`; fails the test on error."""
    command = [sys.executable, "-m", "generator", "-C", str(REPO), "build", "-q", "-o", str(output)]
    if not pdf:
        command.append("--no-pdf")
    done = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if done.returncode != 0 or not (output / "index.html").is_file():
        pytest.fail(f"`scrutiny {' '.join(command[3:])}` failed ({done.returncode}):\n{done.stdout}\n{done.stderr}",
                    pytrace=False)
    return output


def render_nginx_conf(site_dir: Path, run_dir: Path, listen: str, prefix: str = PREFIX) -> str:
    """deploy/nginx.conf with its placeholders filled in."""
    values = {
        "@USER@": pwd.getpwuid(os.getuid()).pw_name,
        "@LISTEN@": listen,
        "@PREFIX_NO_SLASH@": prefix.rstrip("/"),
        "@PREFIX@": prefix,
        "@SITE_DIR@": str(site_dir),
        "@RUN_DIR@": str(run_dir),
    }
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    code = "".join(line.split("#")[0] for line in text.splitlines())
    assert "@" not in code, "deploy/nginx.conf has a placeholder this function does not fill"
    return text


def open_page(tab: Any, url: str) -> None:
    """Load a page and fail on anything but 200 (a broken link under the sub-path, say)."""
    response = tab.goto(url, wait_until="load")
    assert response is not None and response.status == 200, f"{url}: HTTP {response.status if response else '-'}"


# -- axe-core ---------------------------------------------------------------------------------

_AXE_SOURCE: list[str] = []

_RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 240), summary: n.failureSummary}))}));
}"""


def axe_source() -> str:
    if not _AXE_SOURCE:
        if not AXE_JS.is_file():
            pytest.fail(install_hint("axe-core (tests/browser/node_modules)", "cd tests/browser && npm ci"),
                        pytrace=False)
        _AXE_SOURCE.append(AXE_JS.read_text(encoding="utf-8"))
    return _AXE_SOURCE[0]


AXE_URL_PATH = "__tests__/axe.min.js"    # copied into the served (temporary) site by the nginx fixture


def axe_violations(tab: Any) -> list[dict]:
    """Inject axe-core into the page and run the WCAG 2.0/2.1/2.2 A and AA rules.

    axe-core is loaded as a script from the test server, so Chromium compiles it once and
    reuses the code for every page, rather than compiling half a megabyte per page.
    """
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        if PREFIX in tab.url:
            tab.add_script_tag(url=tab.url.split(PREFIX)[0] + PREFIX + AXE_URL_PATH)
        else:
            tab.evaluate(axe_source())
    return tab.evaluate(_RUN_AXE, AXE_TAGS)


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} axe-core violation(s) of WCAG 2.2 A/AA"]
    for v in violations:
        lines.append(f"  {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    at {node['target']}: {node['html']}")
            lines.append("      " + (node["summary"] or "").replace("\n", "\n      "))
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def assert_no_axe_violations(tab: Any, where: str) -> None:
    """The accessibility gate: zero axe-core violations of WCAG 2.0/2.1/2.2 A and AA."""
    violations = axe_violations(tab)
    assert not violations, describe_violations(where, violations)


# -- the accessibility tree ---------------------------------------------------------------------

_TABLE_PARTS = {"row", "columnheader", "rowheader", "cell"}


def accessible_tables(tab: Any) -> dict[str, list[list[str]]]:
    """Each table in Chromium's accessibility tree (what a screen reader is given), by its
    accessible name: its rows, each the accessible names of its cells and header cells in order."""
    session = tab.context.new_cdp_session(tab)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    by_id = {node["nodeId"]: node for node in nodes}

    def role(node: dict) -> str:
        return "" if node.get("ignored") else node.get("role", {}).get("value", "")

    def name(node: dict) -> str:
        return " ".join(str(node.get("name", {}).get("value", "")).split())

    def below(node: dict, wanted: set[str]) -> list[dict]:
        """The nearest descendants with a wanted role (through generic and ignored nodes)."""
        found = []
        for child_id in node.get("childIds", []):
            child = by_id.get(child_id)
            if child is not None:
                found.extend([child] if role(child) in wanted else below(child, wanted))
        return found

    return {name(table): [[name(cell) for cell in below(row, _TABLE_PARTS - {"row"})]
                          for row in below(table, {"row"})]
            for table in nodes if role(table) == "table"}


def cells_as_announced(rows: list[list[str]]) -> list[dict[str, str]]:
    """Each body row as a screen reader reads its cells: the column header's name with each
    cell's (for tables whose first row is the only header row and no cell spans columns)."""
    headers, *body = rows
    return [dict(zip(headers, row)) for row in body]


def accessible_links(tab: Any) -> list[tuple[str, str]]:
    """Each link in Chromium's accessibility tree, as a screen reader's list of links gives it:
    (its accessible name, the address it leads to), in page order."""
    session = tab.context.new_cdp_session(tab)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    found = []
    for node in nodes:
        if node.get("ignored") or node.get("role", {}).get("value") != "link":
            continue
        url = next((p["value"]["value"] for p in node.get("properties", []) if p["name"] == "url"), "")
        found.append((" ".join(str(node.get("name", {}).get("value", "")).split()), url))
    return found

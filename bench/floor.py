"""The floor: the least a Python generator can do with this content.

    python -m bench.floor ROOT OUT

Reads ROOT/content (YAML via libyaml), converts every prose field with one
`markdown.Markdown.convert`, renders one jinja2 template per record and one list page per
kind plus a home page, and writes them under OUT. No validation, no cross-checks, no
incremental build, no caching: it is what our cold build would cost with none of our
features, and so a floor for it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jinja2
import markdown

from bench.peers import SECTION_TITLES, pages

TEMPLATE = """<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{{ title }} - Youth Justice Inspections</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body>
<header><a href="{{ root }}index.html">Youth Justice Inspections</a>
<nav><ul>{% for s, t in sections %}<li><a href="{{ root }}{{ s }}/index.html">{{ t }}</a></li>{% endfor %}</ul></nav></header>
<main><h1>{{ title }}</h1>
{% if page %}
<dl>{% for k, v in page.meta %}<dt>{{ k }}</dt><dd>{{ v|md }}</dd>{% endfor %}</dl>
{% for heading, fields in page.blocks %}
{% if heading %}<h2>{{ heading }}</h2>{% endif %}
{% for f in fields %}
{% if f.kind == "list" %}<ul>{% for item in f.value %}<li>{{ item|md }}</li>{% endfor %}</ul>
{% else %}{{ f.value|md }}{% endif %}
{% endfor %}
{% endfor %}
{% else %}
<table><thead><tr><th>Title</th><th>Date</th></tr></thead><tbody>
{% for p in listing %}<tr><td><a href="{{ root }}{{ p.section }}/{{ p.slug }}/index.html">{{ p.title }}</a></td><td>{{ p.date }}</td></tr>
{% endfor %}</tbody></table>
{% endif %}
</main>
<footer><p>Published by the benchmark.</p></footer>
</body>
</html>
"""


def build(root: Path, out: Path) -> int:
    converter = markdown.Markdown(extensions=["tables"], output_format="html")

    def md(text) -> str:
        converter.reset()
        return jinja2.utils.markupsafe.Markup(converter.convert(str(text)))

    env = jinja2.Environment(autoescape=True)
    env.filters["md"] = md
    template = env.from_string(TEMPLATE)
    sections = list(SECTION_TITLES.items())
    site_pages = pages(root)
    written = 0

    def write(relative: str, html: str) -> None:
        nonlocal written
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
        written += 1

    for page in site_pages:
        write(f"{page.section}/{page.slug}/index.html",
              template.render(title=page.title, page=page, root="../../", sections=sections))
    for section, title in sections:
        listing = sorted((p for p in site_pages if p.section == section), key=lambda p: p.title)
        write(f"{section}/index.html", template.render(title=title, page=None, listing=listing, root="../",
                                                       sections=sections))
    latest = sorted((p for p in site_pages if p.section == "inspections"), key=lambda p: p.date)[-6:]
    write("index.html", template.render(title="Youth Justice Inspections", page=None, listing=latest, root="",
                                        sections=sections))
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m bench.floor ROOT OUT", file=sys.stderr)
        return 2
    started = time.perf_counter()
    count = build(Path(args[0]), Path(args[1]))
    print(f"floor: {count} pages in {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

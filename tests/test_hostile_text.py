"""Hostile text in any YAML field is rendered inert: escaped, sanitised, never executed."""

from __future__ import annotations

import re

import yaml

from site_helpers import build, copy_site

SCRIPT = "<script>alert('x')</script>"
HANDLER = '<img src=attachments/chart.png onerror="alert(1)">'
TEMPLATE = "{{ 7*7 }} {% if true %}JINJA{% endif %}"


def test_script_links_raw_html_and_template_syntax_are_inert(tmp_path):
    root = copy_site(tmp_path)
    record = {
        "service": "torbay-yot", "framework": "hmip-youth-2021", "published": "2022-06-01",
        "lead_inspector": SCRIPT, "overall": {"rating": "Good"},
        "introduction": f"Intro {SCRIPT} and {TEMPLATE}.\n\n"
                        '<div onclick="alert(2)">raw html block</div>\n',
        "domains": {"1": {"summary": f"Summary {HANDLER}",
                          "strengths": ["Strength <iframe></iframe><object>x</object>", TEMPLATE],
                          "areas_for_improvement": ["<a href='#' onmouseover='alert(3)'>hover</a>"]}},
        "standards": {"1.1": "Good"},
        "recommendations": [{"to": f"Board {SCRIPT}",
                             "items": [f"do {SCRIPT} things", "<svg onload=alert(4)><script>alert(5)</script></svg>"]}],
        "facts": {"population": {"label": f"Pop {SCRIPT}", "value": 1}},
    }
    (root / "content/inspections/torbay-2022.yaml").write_text(yaml.safe_dump(record, sort_keys=False))
    (root / "content/attachments/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")     # images are checked to be there
    build(root)
    site = root / "output/site"
    for page in site.rglob("*"):
        if not page.is_file() or page.suffix not in (".html", ".json", ".xml", ".csv"):
            continue
        text = page.read_text(encoding="utf-8-sig")
        if page.suffix == ".html":
            assert "<script>alert" not in text, page
            assert not re.search(r"<[^>]+\son\w+\s*=", text, re.IGNORECASE), page     # no event handlers
            assert "javascript:" not in text.lower(), page
            assert "<iframe" not in text, page
            assert "JINJA" not in text or "{% if true %}JINJA{% endif %}" in text, page
    page = (site / "inspections/torbay-2022/index.html").read_text()
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page      # shown, as text, where text was typed
    assert "{{ 7*7 }}" in page                                             # template syntax prints literally


def test_script_links_and_outside_images_in_markdown_are_content_errors_at_their_lines(tmp_path):
    from generator.build import check_site
    from site_helpers import AS_OF
    root = copy_site(tmp_path)
    (root / "content/inspections/torbay-2022.yaml").write_text(
        "service: torbay-yot\n"
        "framework: hmip-youth-2021\n"
        "introduction: |\n"
        "  See [the plan](javascript:alert(1)).\n"
        "  ![chart](file:///etc/passwd)\n"
        "  ![logo](http://127.0.0.1:9/x.png)\n"
        "  ![up](../../secret.png)\n")
    problems = [p for p in check_site(root, AS_OF.date()).errors if p.path.endswith("torbay-2022.yaml")]
    found = {(p.line, p.message.split("'")[1]) for p in problems}
    assert found == {(4, "javascript:alert(1)"), (5, "file:///etc/passwd"), (6, "http://127.0.0.1:9/x.png"),
                     (7, "../../secret.png")}


def test_an_image_without_alternative_text_is_a_content_error(tmp_path):
    from generator.build import check_site
    from site_helpers import AS_OF
    root = copy_site(tmp_path)
    (root / "content/attachments/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "content/inspections/torbay-2022.yaml").write_text(
        "service: torbay-yot\nframework: hmip-youth-2021\nintroduction: |\n  Before.\n  ![](attachments/chart.png)\n")
    problems = [p for p in check_site(root, AS_OF.date()).errors if p.path.endswith("torbay-2022.yaml")]
    assert [(p.line, p.message) for p in problems] == [(5, "an image has no alternative text")]



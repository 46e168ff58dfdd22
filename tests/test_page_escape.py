"""The page templates' escape (generator/speed/page_escape.py) writes what Jinja's own does,
and the private hook it uses is still the one Jinja calls: if Jinja changes either, these
fail before a page could be escaped differently or not at all."""

from __future__ import annotations

import datetime as dt

import jinja2
import pytest
from markupsafe import Markup

from generator.speed.page_escape import PageTemplate, page_escape

HOSTILE = ["<script>alert('x')</script>", 'a "quoted" & <b>bold</b>', "it's > that", "plain", "",
           Markup("<em>sanitised</em>"), 42, 3.5, None, dt.date(2021, 3, 4), "\u202egnp.exe"]
SOURCE = "{{ value }}|{{ value ~ '<' }}|{% macro m(x) %}<i>{{ x }}</i>{% endmacro %}{{ m(value) }}"


def environment(template_class=None) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True)
    if template_class:
        env.template_class = template_class
    return env


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_pages_escape_exactly_as_jinja_does(value):
    ours = environment(PageTemplate).from_string(SOURCE).render(value=value)
    jinjas = environment().from_string(SOURCE).render(value=value)
    assert ours == jinjas


def test_the_hook_is_the_one_jinja_calls_and_the_name_its_code_calls():
    # Jinja builds every template through Template._from_namespace, and compiled templates
    # call the escape function by the name `escape`: if either changes, page_escape is
    # silently no longer used (or no longer escapes), so say so here.
    assert "_from_namespace" in vars(jinja2.Template)
    code = environment().compile("{{ value }}", raw=True)
    assert "escape(" in code
    template = environment(PageTemplate).from_string("{{ value }}")
    assert template.globals is not None and template.module is not None
    assert template.root_render_func.__globals__["escape"] is page_escape
    assert template.render(value="<") == "&lt;"

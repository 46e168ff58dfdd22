import sys; sys.path.insert(0, "/work/main/tests/browser")
from test_keyboard import _FOCUS_STYLES, FOCUSABLE, focus_indicator, _ready
from browser_kit import open_page, PAGE_TYPES
def test_dbg(page, nginx_site):
    for t in PAGE_TYPES:
        open_page(page, nginx_site.url(nginx_site.first_page(t))); _ready(page, t)
        els = page.evaluate(_FOCUS_STYLES, FOCUSABLE)
        from collections import Counter
        print(t, len(els), Counter(focus_indicator(e["before"], e["after"]) for e in els))
        if t in ("search", "inspections", "standards"):
            for e in els:
                if 'input' in e['name'] or 'button' in e['name'] or 'div' in e['name'] or 'select' in e['name']: print("   ", e['name'], focus_indicator(e["before"], e["after"]), e['after'])

"""The browser suite runs on the real parts, as promised, and never skips for want of them."""

from __future__ import annotations

import pytest

import browser_kit


def test_chromium_is_debians_headless_with_the_required_flags(page):
    page.goto("chrome://version")
    command_line = page.locator("#command_line").inner_text().split()
    assert command_line[0] == "/usr/lib/chromium/chromium"      # Debian's package, not a downloaded build
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"):
        assert flag in command_line, flag


def test_pages_come_from_nginx_under_the_prefix(page, nginx_site):
    response = page.goto(nginx_site.url("index.html"))
    assert response.url.startswith(nginx_site.origin + "/scrutiny/")
    assert response.headers["server"] == "nginx"                # server_tokens off: no version


def test_a_missing_nginx_fails_with_the_command_that_installs_it(monkeypatch):
    monkeypatch.setattr(browser_kit.shutil, "which", lambda name: None)
    monkeypatch.setattr(browser_kit.os, "access", lambda *args: False)
    with pytest.raises(pytest.fail.Exception, match="sudo apt-get install nginx-light"):
        browser_kit.nginx_binary()


def test_a_missing_axe_core_fails_with_the_command_that_installs_it(monkeypatch, tmp_path):
    monkeypatch.setattr(browser_kit, "AXE_JS", tmp_path / "absent.js")
    monkeypatch.setattr(browser_kit, "_AXE_SOURCE", [])
    with pytest.raises(pytest.fail.Exception, match="cd tests/browser && npm ci"):
        browser_kit.axe_source()


def test_axe_core_is_the_pinned_version():
    lock = (browser_kit.HERE / "package-lock.json").read_text(encoding="utf-8")
    assert '"node_modules/axe-core": {\n      "version": "4.14.1"' in lock
    assert '"axe-core": "4.14.1"' in (browser_kit.HERE / "package.json").read_text(encoding="utf-8")
    assert browser_kit.axe_source().startswith("/*! axe v4.14.1")       # what npm ci installed

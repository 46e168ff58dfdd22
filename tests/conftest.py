"""Shared test helpers: a minimal valid site to drop files into, and the CLI runner.

They are fixtures (`def test_x(tmp_path, make_site, run_cli)`), not imports: another
conftest.py (tests/browser/) would shadow `from conftest import ...`.
Keep this file small and generic; fixtures for one test module belong in that module.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import cli

# The smallest site that checks clean: site.yaml, one council, one service.
MINIMAL_SITE = {
    "site.yaml": "title: Test Inspections\norganisation: Test Council\n",
    "councils/torbay.yaml": "name: Torbay Council\nnation: england\n",
    "services/torbay-yot.yaml": "name: Torbay Youth Offending Team\nshort_name: Torbay YOT\ncouncil: torbay\n",
}


def _make_site(tmp_path: Path, files: dict[str, str | bytes] | None = None) -> Path:
    """Write a minimal valid site under tmp_path plus `files` (paths relative to content/).

    A value of None in `files` removes that minimal file; bytes are written as they are.
    Returns the site root (the folder holding content/).
    """
    content = tmp_path / "content"
    merged: dict[str, str | bytes | None] = {**MINIMAL_SITE, **(files or {})}
    for relative, text in merged.items():
        if text is None:
            continue
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    return tmp_path


def _run_cli(*args: str, root: Path | None = None) -> Result:
    """Run `scrutiny [-C root] ARGS` in-process; the result keeps stdout and stderr apart."""
    prefix = ["-C", str(root)] if root is not None else []
    return CliRunner().invoke(cli, [*prefix, *args], obj={})



@pytest.fixture(scope="session")
def make_site():
    """`make_site(tmp_path, {"inspections/x.yaml": "..."})` -> the root of a minimal valid site."""
    return _make_site


@pytest.fixture(scope="session")
def run_cli():
    """`run_cli("check", "--strict", root=root)` -> click's Result (exit_code, stdout, stderr, output)."""
    return _run_cli

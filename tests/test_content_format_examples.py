"""docs/content-format.md's example of each record passes `scrutiny check`.

A clerk copies these examples to start a record: each one, put into a copy of the real
content/ beside the files it names (which the document does not show), must give no error.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FORMAT = REPO / "docs" / "content-format.md"

# The records and files the examples name that content/ does not hold, as a clerk would have them.
NAMED_FILES = {
    "attachments/torbay-logo.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>\n',
    "attachments/minutes-2021-02-01.md": "# Minutes\n\nThe minutes of 1 February 2021.\n",
    "attachments/x.md": "# Staffing proposals\n\nProposals.\n",
    "attachments/staffing.md": "# Staffing\n\nProposals.\n",
    "attachments/torbay-peer-review.pdf": "%PDF-1.4\n",
    "reports/torbay-yot-review.md": "---\ncouncil: torbay\ntitle: Review of the YOT\ndate: 2021-03-01\n---\n## Purpose\n\nA review.\n",
    "action-plans/wolverhampton-2021-plan.yaml":
        "inspection: wolverhampton-2021\ntitle: Improvement plan\nactions:\n  - {id: A1, action: Improve planning}\n",
}

# Each example (by the heading it is under, and its place there) -> where it goes; None: a fragment.
TARGETS = {
    ("content/site.yaml", 0): "site.yaml",
    ("content/councils/<id>.yaml", 0): "councils/example.yaml",
    ("content/services/<id>.yaml", 0): "services/example.yaml",
    ("content/inspections/<id>.yaml", 0): "inspections/example.yaml",
    ("content/inspections/<id>.yaml", 1): None,                         # `imported:`, written by the import
    ("content/inspections/<id>.yaml", 2): "inspections/example-2025.yaml",
    ("content/action-plans/<id>.yaml", 0): "action-plans/example.yaml",
    ("content/indicators/<service-id>.yaml", 0): "indicators/dudley-yos.yaml",
    ("content/reports/<id>.md", 0): "reports/example.md",
    ("content/meetings/<id>.yaml", 0): "meetings/example.yaml",
    ("content/frameworks/<id>.yaml", 0): "frameworks/example.yaml",
}


def examples() -> dict[tuple[str, int], str]:
    """Each ```yaml or ```markdown block of the document, by its `## ` heading and place there."""
    found: dict[tuple[str, int], str] = {}
    heading = ""
    for match in re.finditer(r"^## ([^\n]+)$|^```(?:yaml|markdown)\n(.*?)^```", FORMAT.read_text(encoding="utf-8"),
                             re.M | re.S):
        if match.group(1):
            heading = match.group(1).strip()
            continue
        place = sum(1 for key in found if key[0] == heading)
        found[(heading, place)] = match.group(2)
    return found


def test_every_example_has_a_place():
    assert set(examples()) == set(TARGETS)


@pytest.mark.parametrize("key", [key for key, target in TARGETS.items() if target])
def test_each_example_passes_check(tmp_path, key, run_cli):
    shutil.copytree(REPO / "content", tmp_path / "content")
    for relative, text in NAMED_FILES.items():
        (tmp_path / "content" / relative).write_text(text, encoding="utf-8")
    text = examples()[key]
    if TARGETS[key] == "inspections/example-2025.yaml":
        text = "service: derby-yjs\n" + text                  # the example shows the 2025 fields alone
    target = tmp_path / "content" / TARGETS[key]
    target.parent.mkdir(exist_ok=True)
    target.write_text(text, encoding="utf-8")
    result = run_cli("check", root=tmp_path)
    errors = [line for line in result.output.splitlines() if ": error: " in line]
    assert result.exit_code == 0 and not errors, "\n".join(errors) or result.output

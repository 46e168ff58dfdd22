"""docs/user-guide.md quotes the checker's messages word for word: each one is reproduced here.

Every troubleshooting message in the guide is made by planting its mistake in a copy of the
real content/ and running `scrutiny check`; the message the guide shows must be printed.
When a message or the content changes, this test says which line of the guide to update.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "user-guide.md"

# (file under content/, text to find, what to put instead) -> the mistake behind each message
MISTAKES = {
    "'Inadequte' is not a rating": ("inspections/torbay-2021.yaml", '"1.1": Inadequate', '"1.1": Inadequte'),
    "'amberish' is not a RAG status": ("action-plans/dudley-2019-progress.yaml", "rag: green", "rag: amberish"),
    "got '03/03/2021'": ("inspections/torbay-2021.yaml", "published: 2021-03 ", "published: 03/03/2021 "),
    "a tab character": ("inspections/torbay-2021.yaml", '  "1.2": Requires improvement',
                        '\t"1.2": Requires improvement'),
    "a ':' where a value was expected": ("action-plans/torbay-2021-oocd.yaml", "how: Review at end of intervention",
                                         "how: Review at end: intervention"),
    "did not find expected '-' indicator": ("action-plans/torbay-2021-oocd.yaml", "    who: Case worker",
                                            "   who: Case worker"),
    "a line without 'key: value'": ("inspections/torbay-2021.yaml", "      - A stable staff team supports",
                                    "      A stable staff team supports"),
    "there is no service 'torbay-yos'": ("inspections/torbay-2021.yaml", "service: torbay-yot",
                                         "service: torbay-yos"),
    "torbay-peer-reveiw.md": ("meetings/torbay-cyp-osb-2021-03-01.yaml", "attachments/torbay-peer-review.md",
                              "attachments/torbay-peer-reveiw.md"),
    "'lead_inspecter' is not a field": ("inspections/torbay-2021.yaml", "lead_inspector: Maria Jerram",
                                        "lead_inspecter: Maria Jerram"),
    "title: is required": ("action-plans/torbay-2021-oocd.yaml", "title: YOT Improvement Plan",
                           "#title: YOT Improvement Plan"),
    "duplicate key '1.1'": ("inspections/torbay-2021.yaml", '  "1.2": Requires improvement',
                            '  "1.2": Requires improvement\n  "1.1": Good'),
    "published score 18": ("inspections/torbay-2021.yaml", "score: 16}", "score: 18}"),
    "has no recommendation 9": ("action-plans/torbay-2021-oocd.yaml", "    action: All victims to be contacted",
                                "    recommendations: [6, 9]\n    action: All victims to be contacted"),
    "'5.30pm' is not in the expected form": ("meetings/torbay-cyp-osb-2021-03-01.yaml", 'time: "17:30"',
                                             "time: 5.30pm"),
    "is answered by no action": None,                     # the real content as it is
}


def quoted_messages() -> list[str]:
    """Every `content/...: error|warning: ...` line the guide quotes in backticks."""
    text = GUIDE.read_text(encoding="utf-8")
    return re.findall(r"`(content/[^`]+?:\d+:\d+: (?:error|warning): [^`]+)`", text)


def test_the_guide_quotes_the_ten_and_more():
    messages = quoted_messages()
    assert len(messages) >= 10
    for message in messages:
        assert any(key in message for key in [*MISTAKES, "is not UTF-8 text"]), f"no reproduction for {message}"


@pytest.mark.parametrize("key", list(MISTAKES))
def test_each_quoted_message_is_what_the_checker_prints(tmp_path, key, run_cli):
    (quoted,) = [m for m in quoted_messages() if key in m][:1]
    shutil.copytree(REPO / "content", tmp_path / "content")
    if MISTAKES[key]:
        relative, old, new = MISTAKES[key]
        path = tmp_path / "content" / relative
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    printed = run_cli("check", root=tmp_path).output
    assert quoted in printed.splitlines(), f"the guide says:\n{quoted}\nthe checker says:\n{printed}"


def test_the_not_utf8_message_is_what_the_checker_prints(tmp_path, run_cli):
    (quoted,) = [m for m in quoted_messages() if "is not UTF-8 text" in m]
    shutil.copytree(REPO / "content", tmp_path / "content")
    (tmp_path / "content/councils/torbay.yaml").write_bytes(b"name: Torbay Council \xa3\n")
    assert quoted in run_cli("check", root=tmp_path).output.splitlines()

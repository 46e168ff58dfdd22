"""One edit of each kind a user makes to the shipped content, by name: the incremental
tests apply each and compare the build with a cold build of the same content."""

from __future__ import annotations

from pathlib import Path

from site_helpers import REPO, replace_in_file

THEME_TEMPLATES = REPO / "generator" / "theme" / "templates"


def replace_in(relative: str, old: str, new: str):
    return lambda root: replace_in_file(root / relative, old, new)


def override_footer(root: Path) -> None:
    theme = (THEME_TEMPLATES / "_footer.html").read_text(encoding="utf-8")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "_footer.html").write_text(theme.replace("Published by", "Issued by", 1), encoding="utf-8")


EDITS = {
    "a council's name": replace_in("content/councils/dudley.yaml", "name: Dudley Metropolitan Borough Council",
                                   "name: Dudley Council"),
    "a service's name": replace_in("content/services/dudley-yos.yaml", "name: Dudley Youth Offending Service",
                                   "name: Dudley Youth Justice Service"),
    # a meeting's page names the inspection an appendix gives by its title: "Torbay YOT inspection, March 2021"
    "a service's short name": replace_in("content/services/torbay-yot.yaml", "short_name: Torbay YOT",
                                         "short_name: Torbay YJS"),
    "an indicator's value": replace_in("content/indicators/dudley-yos.yaml", "value: 203", "value: 204"),
    # inspections.json lists, for each recommendation, the actions that answer it
    "which recommendations an action answers": replace_in("content/action-plans/dudley-2019-progress.yaml",
                                                          "  - id: A5\n", "  - id: A5\n    recommendations: [1]\n"),
    "an inspection's introduction": replace_in("content/inspections/torbay-2021.yaml", "introduction: |\n",
                                               "introduction: |\n  Edited.\n"),
    "a progress note": replace_in("content/action-plans/dudley-2019-progress.yaml",
                                  "Implementation is under way", "Implementation is well under way"),
    "a report's text": replace_in("content/reports/dudley-yos-action-plan-update.md",
                                  "This report tells the Committee", "This report informs the Committee"),
    "an agenda item's title": replace_in("content/meetings/torbay-cyp-osb-2021-03-01.yaml",
                                         "title: Review of the Youth Offending Team",
                                         "title: Review of the Youth Offending Service"),
    "a Markdown appendix": replace_in("content/attachments/torbay-peer-review.md", "The peer team was",
                                      "The peer review team was"),
    "the site's title": replace_in("content/site.yaml", "title: Youth Justice Inspections",
                                   "title: Youth Justice Inspection Papers"),
    "a template override": override_footer,
    "nothing but the date": lambda root: None,
}

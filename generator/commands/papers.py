"""`scrutiny pack MEETING` and `scrutiny paper KIND ID`: one PDF on demand."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add the paper commands to the `scrutiny` group."""

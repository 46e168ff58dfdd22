"""Authoring tools: `scrutiny new`, `serve`, `import action-plan`, `list`."""

from __future__ import annotations

import click


def register(cli: click.Group) -> None:
    """Add the authoring commands to the `scrutiny` group."""

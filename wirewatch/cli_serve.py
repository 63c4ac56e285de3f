"""CLI commands for serving stories (``wirewatch serve``)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

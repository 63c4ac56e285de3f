"""CLI commands for operators (stats, export, import, migrate, sources enable, stories merge/split)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

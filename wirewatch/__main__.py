"""``python -m wirewatch`` runs the CLI."""

from wirewatch.cli import main

main()

"""wirewatch: a scheduled news aggregator that clusters wire stories about conflicts.

The top-level package holds what every stage shares (the typed models, the settings, the
exception tree) and the entry points (the CLI). Stages live in their own packages:
``crawlers`` (collect) -> ``dedupe`` (which are the same story) -> ``storage`` (Redis) and
``scheduler`` (when, and the daemon that drives it all).
"""

__version__ = "0.1.0"
__all__ = ["__version__"]

"""The HTTP API and web page (``wirewatch serve``): JSON endpoints, Atom and JSON feeds, live
events (Server-Sent Events and signed webhooks) and a server-rendered "full coverage" page.

See ``wirewatch/api/README.md`` for the endpoints, the event types and the webhook signature.
"""

from wirewatch.api.app import create_app
from wirewatch.api.catalog import Catalog
from wirewatch.api.config import ServeConfig

__all__ = ["Catalog", "ServeConfig", "create_app"]

"""The HTTP API and web page (``wirewatch serve``)."""

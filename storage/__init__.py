"""Store: everything in Redis. Key names live in ``storage.keys`` only; the client is built once
(``storage.connection.connect``) and passed in explicitly."""

from storage.connection import Store, connect
from storage.keys import Keys

__all__ = ["Keys", "Store", "connect"]

"""The deal store: one small interface (DealStore), opened from a database URL.

`open_store()` reads DEALCOACH_DATABASE_URL through settings; SQLite is the embedded default.
"""

from __future__ import annotations

from dealcoach import settings
from dealcoach.errors import StoreError
from dealcoach.store.base import DealStore


def open_store(url: str | None = None) -> DealStore:
    url = url or settings.database_url()
    if url.startswith("sqlite:///"):
        from dealcoach.store.sqlite import SQLiteStore

        return SQLiteStore(url[len("sqlite:///"):])
    if url.startswith(("postgresql://", "postgres://")):
        from dealcoach.store.postgres import PostgresStore  # psycopg: only for a PostgreSQL URL

        return PostgresStore(url)
    raise StoreError(f"unsupported database URL {settings.redact_url(url)!r}: "
                     "use sqlite:///PATH or postgresql://USER@HOST/DB")


__all__ = ["DealStore", "open_store"]

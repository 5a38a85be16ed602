"""The embedded default: SQLite through the standard library (no ORM: ~4 ms to import)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from dealcoach.errors import StoreError
from dealcoach.store.base import DealStore


class SQLiteStore(DealStore):
    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path).expanduser()
        _create_private(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per command
            self._connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=FULL")
            self._connection.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from None
        try:
            super().__init__()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    @property
    def connection(self) -> sqlite3.Connection:
        return self._connection

    def _begin(self) -> None:
        # IMMEDIATE takes the write lock up front: a read-then-write never fails half-way on a lock
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def _execute(self, statement: str, params: tuple = ()):
        try:
            return super()._execute(statement, params)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def integrity_ok(self) -> bool:
        return self._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only: deals hold personal notes."""
    if path.exists():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(descriptor)
    except FileExistsError:
        pass
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None

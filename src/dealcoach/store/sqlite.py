"""The embedded default: SQLite through the standard library (no ORM: ~4 ms to import)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from dealcoach.errors import StoreError
from dealcoach.store.base import DealStore


class SQLiteStore(DealStore):
    dialect = "sqlite"
    placeholder = "?"

    def __init__(self, path: str | Path) -> None:
        text, _, query = str(path).partition("?")
        self.read_only = "mode=ro" in query.split("&")
        self.path = Path(text).expanduser()
        if self.read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (opened read-only)")
        if not self.read_only:
            _create_private(self.path)
        try:
            # isolation_level=None: we issue BEGIN/COMMIT ourselves, one transaction per command
            target = f"file:{self.path}?mode=ro" if self.read_only else str(self.path)
            self._connection = sqlite3.connect(target, isolation_level=None, timeout=30, uri=self.read_only)
            if not self.read_only:
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
            self._connection.execute("BEGIN" if self.read_only else "BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {exc}") from None

    def _commit(self) -> None:
        try:
            self._connection.commit()
        except sqlite3.Error as exc:
            try:
                self._connection.rollback()
            except sqlite3.Error:
                pass
            raise StoreError(f"{self.path}: {_explain(exc)}") from None

    def _run(self, call):
        try:
            return super()._run(call)
        except sqlite3.OperationalError as exc:
            raise StoreError(f"{self.path}: {_explain(exc)}") from None

    def integrity_ok(self) -> bool:
        return self._connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _create_private(path: Path) -> None:
    """Create the database file readable by its owner only: deals hold personal notes.

    SQLite itself would create it 0644 (and its -wal and -shm files take the database's mode). A
    dangling symlink at the path (the user keeps the database elsewhere) gets its target created
    0600, never left for SQLite to create."""
    from dealcoach.settings import private_dir

    if path.exists():
        return
    try:
        private_dir(path.parent)
        # no O_EXCL: through a symlink O_EXCL refuses; without it the link's target is created 0600
        descriptor = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise StoreError(f"{path}: not a regular file; point DEALCOACH_HOME or DEALCOACH_DATABASE_URL "
                                 "at a database file")
            os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the database ({exc.strerror})") from None


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "readonly" in text:
        return f"{text}: the database is read-only here; nothing was changed"
    if "disk is full" in text or "database or disk is full" in text:
        return f"{text}: free some space and run the command again; nothing was changed"
    return text

"""The team store: PostgreSQL through psycopg 3, imported only when such a URL is used.

The password comes from the URL, PGPASSWORD or ~/.pgpass (libpq reads them) and never appears in
output or errors: every message names the database by its redacted URL.
"""

from __future__ import annotations

from dealcoach.errors import StoreError
from dealcoach.settings import redact_url
from dealcoach.store.base import DealStore


def _driver():
    try:
        import psycopg
    except ImportError:
        raise StoreError("PostgreSQL needs the psycopg driver: pip install 'dealcoach[postgres]'") from None
    return psycopg


class PostgresStore(DealStore):
    dialect = "postgresql"
    placeholder = "%s"
    lock_clause = " FOR UPDATE"

    def __init__(self, url: str) -> None:
        self.url = url
        self.name = redact_url(url)
        psycopg = _driver()
        try:
            self._connection = psycopg.connect(url, autocommit=False, connect_timeout=10,
                                               application_name="dealcoach")
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: cannot connect ({_first_line(exc, url)})") from None
        try:
            super().__init__()
        except psycopg.Error as exc:
            raise StoreError(f"{self.name}: {_first_line(exc, url)}") from None

    @property
    def connection(self):
        return self._connection

    def _begin(self) -> None:
        # psycopg opens a transaction on the first statement; make sure none is left open
        if self._connection.info.transaction_status != 0:  # 0: IDLE
            self._connection.rollback()

    def _execute(self, statement: str, params: tuple = ()):
        psycopg = _driver()
        try:
            result = super()._execute(statement, params)
        except psycopg.Error as exc:
            if self._depth == 0:
                self._connection.rollback()
            raise StoreError(f"{self.name}: {_first_line(exc, self.url)}") from None
        if self._depth == 0:
            self._connection.commit()  # a read outside a transaction must not hold one open
        return result

    def after_restore(self) -> None:
        for table in ("deals", "deal_history"):
            self._execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")

    def integrity_ok(self) -> bool:
        row = self._execute("SELECT COUNT(*) FROM deals WHERE data IS NULL OR version < 1").fetchone()
        return row[0] == 0


def _first_line(exc: Exception, url: str) -> str:
    from dealcoach.settings import url_secrets

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # libpq may echo part of a malformed URL (e.g. a password with an unescaped @): scrub it
    text = text.replace(url, redact_url(url))
    for secret in url_secrets(url):
        text = text.replace(secret, "***")
    return text

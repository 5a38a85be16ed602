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
    lock_clause = " FOR UPDATE OF deals"

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

    def _run(self, call):
        psycopg = _driver()
        try:
            result = super()._run(call)
        except psycopg.Error as exc:
            if self._depth == 0:
                self._connection.rollback()
            raise StoreError(f"{self.name}: {_first_line(exc, self.url)}") from None
        if self._depth == 0:
            self._connection.commit()  # a read outside a transaction must not hold one open
        return result

    def _commit(self) -> None:
        psycopg = _driver()
        try:
            self._connection.commit()
        except psycopg.Error as exc:
            self._connection.rollback()
            raise StoreError(f"{self.name}: {_first_line(exc, self.url)}; nothing was changed") from None

    def lock_deals(self) -> None:
        self._execute("LOCK TABLE deals, deal_history IN EXCLUSIVE MODE")

    def _lock_migrations(self) -> None:
        self._execute("LOCK TABLE migrations IN EXCLUSIVE MODE")

    # the document is TEXT: the activities are parsed from it for the SQL counts (activity_counts)
    def _activities_table(self) -> str:
        return "json_array_elements(deals.data::json -> 'activities') AS activity"

    def _activity_field(self, name: str, *, text: bool) -> str:
        return f"activity ->> '{name}'"

    def _stream(self, query: str, params: tuple, batch: int):
        """A server-side cursor: rows come `batch` at a time, never the whole result at once.

        Outside a transaction the cursor is WITH HOLD, so it outlives the commit that ends the read,
        and saves made while iterating (each its own transaction) do not close it."""
        import uuid

        psycopg = _driver()
        hold = self._depth == 0
        cursor = self._connection.cursor(name=f"dealcoach_{uuid.uuid4().hex[:12]}", withhold=hold)
        try:
            try:
                cursor.execute(self._sql(query), params)
                if hold:
                    self._connection.commit()
                while rows := cursor.fetchmany(batch):
                    yield from rows
            except psycopg.Error as exc:
                if hold:
                    self._connection.rollback()
                raise StoreError(f"{self.name}: {_first_line(exc, self.url)}") from None
        finally:
            try:
                cursor.close()
                if hold:
                    self._connection.commit()
            except psycopg.Error:
                pass  # the connection is gone: so is the cursor

    def after_restore(self) -> None:
        for table in ("deals", "deal_history"):
            # "the last id given was MAX(id)": MAX + 1 would overflow at the largest id
            self._execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                          f"COALESCE((SELECT MAX(id) FROM {table}), 1), (SELECT COUNT(*) > 0 FROM {table}))")

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

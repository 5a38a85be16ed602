"""The deal store behind one small interface, in portable SQL over a DB-API connection.

A deal is kept as one JSON document (the Deal model) plus the columns a list needs. Every write
runs in one transaction and bumps the deal's version; a save on a stale copy is refused, so two reps
never overwrite each other silently. Every change is recorded in deal_history (who, when, what).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING

from pydantic import TypeAdapter

from dealcoach.deals.history import MERGED, describe_change
from dealcoach.deals.lookup import find_one
from dealcoach.deals.models import STORED, Deal, DealSummary, HistoryEntry
from dealcoach.errors import ConflictError, NotFoundError, StoreError
from dealcoach.store.migrations import KNOWN, MIGRATIONS, rewrite_documents

if TYPE_CHECKING:
    from dealcoach.store.views import DealView, ViewSpec

# the columns `_columns()` gives, in its order
DEAL_COLUMNS = "name, account, playbook, owner, amount, currency, expected_close, probability, status, data"
_UPDATE = ("UPDATE deals SET name = ?, account = ?, playbook = ?, owner = ?, amount = ?, currency = ?, "
           "expected_close = ?, probability = ?, status = ?, data = ?, version = ?, updated_at = ? "
           "WHERE id = ? AND version = ?")
_SUMMARY_COLUMNS = "id, name, account, playbook, owner, amount, currency, expected_close, probability, updated_at"


@lru_cache(maxsize=1)
def summaries_adapter() -> TypeAdapter[list[DealSummary]]:
    return TypeAdapter(list[DealSummary])


# Deal fields kept as columns: a partial read takes them from the row, not from the document
_ROW_FIELDS = ("id", "version", "owner", "name", "playbook", "status")
# fields with a column of their own (`_columns`): `save_fields` cannot set them in the document alone
_COLUMN_FIELDS = frozenset({*_ROW_FIELDS, "account", "amount", "currency", "expected_close", "probability"})


@lru_cache(maxsize=1)
def partial_deal_class() -> type[Deal]:
    """A Deal read with only some of its fields (`store.deals(fields=...)`): the others hold their
    defaults, so such a deal can be read but never saved (`save()` refuses it)."""

    class PartialDeal(Deal):
        pass

    return PartialDeal


def _filters(owner: str | None, status: str | Collection[str] | None) -> tuple[list[str], tuple]:
    where, params = [], []
    if owner is not None:
        where.append("owner = ?")
        params.append(owner)
    if status is not None:
        statuses = [status] if isinstance(status, str) else list(status)
        where.append(f"status IN ({', '.join('?' for _ in statuses)})")
        params += statuses
    return where, tuple(params)


@contextmanager
def bulk_collection() -> Iterator[None]:
    """While deals stream and a bulk command works on them: what was alive before (modules,
    playbooks) is frozen out of the collector's walks, and it runs less often. A deal makes hundreds
    of small objects and no cycles; at the default threshold (700) the collector ran thousands of
    times over a growing heap, more than half of `followup`'s time at 10,000 deals. Nested uses
    join the outer one."""
    import gc

    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(before[0], 50_000), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class DealStore:
    """Subclasses provide the connection, the dialect name, the placeholder and `_begin`."""

    dialect = "sqlite"
    placeholder = "?"
    lock_clause = ""  # PostgreSQL: " FOR UPDATE" (SQLite's BEGIN IMMEDIATE already holds the lock)

    def __init__(self) -> None:
        self._depth = 0
        # every deal as this store handed it out, by (id, version): the base of a three-way merge
        self._read: dict[tuple[int, int], dict] = {}
        self.migrate()

    # --- connection plumbing (overridden per backend) ---------------------------------------
    @property
    def connection(self):  # pragma: no cover - abstract
        raise NotImplementedError

    def _begin(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> DealStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, statement: str) -> str:
        return statement if self.placeholder == "?" else statement.replace("?", self.placeholder)

    def _execute(self, statement: str, params: tuple = ()):
        return self._run(lambda cursor: cursor.execute(self._sql(statement), params))

    def _executemany(self, statement: str, rows: list[tuple]):
        return self._run(lambda cursor: cursor.executemany(self._sql(statement), rows))

    def _run(self, call: Callable) -> object:
        """Run one statement on a fresh cursor; backends turn driver errors into StoreError here."""
        cursor = self.connection.cursor()
        call(cursor)
        return cursor

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction; nested calls join the outer one. Any exception rolls everything back."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._begin()
        self._depth = 1
        try:
            yield
        except BaseException:
            self.connection.rollback()
            raise
        else:
            self._commit()
        finally:
            self._depth = 0

    def _commit(self) -> None:
        """Commit; a failure here (a full disk) is a StoreError like any other, and rolls back."""
        self.connection.commit()

    # --- migrations ---------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending migrations; refuse a database with a newer schema than we know."""
        with self.transaction():
            if not getattr(self, "read_only", False):
                self._execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
            applied = {row[0] for row in self._execute("SELECT name FROM migrations").fetchall()}
        unknown = sorted(applied - KNOWN)
        if unknown:
            raise StoreError(f"the database has a newer schema than this dealcoach knows ({', '.join(unknown)}); "
                             "upgrade dealcoach")
        done = []
        pending = [m for m in MIGRATIONS if m.name not in applied]
        if pending and getattr(self, "read_only", False):
            raise StoreError("the database needs migrating and is opened read-only: run `dealcoach db migrate`")
        for migration in MIGRATIONS:
            if migration.name in applied:
                continue
            with self.transaction():
                self._lock_migrations()
                # another process may have applied it while we waited for the lock
                if self._execute("SELECT name FROM migrations WHERE name = ?", (migration.name,)).fetchone():
                    continue
                for statement in getattr(migration, self.dialect):
                    self._execute(statement)
                if migration.documents is not None:
                    rewrite_documents(self, migration.documents)
                self._execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                              (migration.name, _now().isoformat()))
            done.append(migration.name)
        return done

    def _lock_migrations(self) -> None:
        """Serialise migrating processes (SQLite: BEGIN IMMEDIATE already does)."""

    def lock_deals(self) -> None:
        """Inside a transaction: nobody else writes deals until it ends (a restore checks that the
        store is empty and fills it as one step). SQLite: BEGIN IMMEDIATE already holds the lock."""

    # --- reading ------------------------------------------------------------------------------
    def list_deals(self, owner: str | None = None) -> list[DealSummary]:
        query = f"SELECT {_SUMMARY_COLUMNS} FROM deals"
        params: tuple = ()
        if owner:
            query += " WHERE owner = ?"
            params = (owner,)
        rows = self._execute(query + " ORDER BY id", params).fetchall()
        keys = [column.strip() for column in _SUMMARY_COLUMNS.split(",")]
        # one validation call in Rust for the whole list: ~5x faster than a model per row in Python
        return summaries_adapter().validate_python([dict(zip(keys, row, strict=True)) for row in rows])

    def deals(self, *, owner: str | None = None, status: str | Collection[str] | None = None,
              fields: Collection[str] | None = None, for_update: bool = False, batch: int = 500) -> Iterator[Deal]:
        """Every deal matching the filters, in id order: ONE query, each row validated as it arrives.

        This is the read for bulk commands that build or save whole deals (grade --deals): never list
        ids and then `get()` each one. A command that only reads a few fields reads views instead
        (`deal_views`: followup, funnel, deal list, pipeline).

        - `owner`: only this rep's deals. `status`: "open", "won", "lost" or a collection of them
          (a column: filtered in SQL).
        - `fields`: the Deal fields the caller needs, e.g. `{"activities", "status", "vip"}`. Only
          those are read from the document (id, version, owner, name, playbook and status always
          come, from their columns); the rest hold their defaults. Such a deal is a `PartialDeal`:
          fine to read, refused by `save()`. `None` reads whole deals.
        - `for_update`: the caller will `save()` (or `save_many()`) some of these deals. Must be
          inside `store.transaction()`; the rows are locked until it ends (PostgreSQL: FOR UPDATE;
          SQLite: the transaction's write lock), so a save never needs a merge copy. Without it, no
          copy is kept for merging either: streaming 100,000 deals keeps none of them alive.
        - Rows arrive in batches of `batch` (a server-side cursor on PostgreSQL): memory stays flat
          as long as the caller does not keep every deal.

        Example:
            for deal in store.deals(owner="amy", fields={"activities", "status", "vip", "loyal"}):
                ...
        """
        if for_update and not self._depth:
            raise StoreError("store.deals(for_update=True) must run inside store.transaction()")
        validate = Deal.model_validate_json if fields is None else partial_deal_class().model_validate_json
        for text in self._documents(owner, status, fields, for_update, batch):
            yield validate(text, context=STORED)

    def deal_views(self, fields: ViewSpec, *, owner: str | None = None, status: str | Collection[str] | None = None,
                   batch: int = 500) -> Iterator[DealView]:
        """Read-only views of every deal matching the filters, in id order: ONE streamed query, each
        row validated in Rust alone (store/views.py: the Deal model's types without the validators
        of typed input, ~5x faster than `deals(fields=...)`). For bulk commands that only read.

        `fields`: Deal field -> `...` (all of it) or the names of its own fields the caller reads;
        id, version, owner, name, playbook and status always come; `"updated_at": ...` adds when the
        deal was last saved (its row's column). A view has only these attributes (and the model's
        properties and methods); `save()` refuses it. The whole document is read and the view
        skips what it does not hold while parsing: cheaper than picking the fields in SQL (SQLite
        parses the document again for each field picked; PostgreSQL ~6x slower at 10,000 deals).

        Example (followup's read):
            for deal in store.deal_views({"activities": {"date", "contact"}, "manual_grade": ...}, status="open"):
                ...
        """
        from dealcoach.store.views import ROW_TIMES, deal_view_class

        validate = deal_view_class(fields).model_validate_json
        columns = (*_ROW_FIELDS, *(name for name in ROW_TIMES if name in fields))
        for text in self._documents(owner, status, None, False, batch, columns):
            yield validate(text)

    def _documents(self, owner: str | None, status: str | Collection[str] | None, fields: Collection[str] | None,
                   for_update: bool, batch: int, columns: Sequence[str] = ("id", "version", "owner")) -> Iterator[str]:
        """Each matching deal as JSON text, in id order (one streamed query): the whole document with
        `columns` of its row appended (the columns are the truth for id, version, owner...: appended
        last, they win), or the top-level `fields` of it with `_ROW_FIELDS` from their columns."""
        where, params = _filters(owner, status)
        if fields is None:
            extracted: list[str] = []
            selected = ", ".join([*columns, "data"])
        else:
            unknown = sorted(set(fields) - set(Deal.model_fields))
            if unknown:
                raise ValueError(f"store.deals(fields=...): no Deal field {', '.join(unknown)}")
            extracted = sorted(set(fields) - set(_ROW_FIELDS))
            # the whole document, its fields picked in Python: picking them in SQL measured slower at
            # 10,000 deals (SQLite 0.46 s against 0.15 s; PostgreSQL, which parses each document again
            # for it, 3.4 s against 0.6 s)
            selected = ", ".join([*_ROW_FIELDS, "data"])
        query = f"SELECT {selected} FROM deals"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY id" + (self.lock_clause if for_update else "")
        dumps, loads = json.dumps, json.loads
        with bulk_collection():
            for row in self._stream(query, params, batch):
                if fields is None:
                    appended = ",".join(f'"{name}":{dumps(value)}' for name, value in zip(columns, row))
                    yield f"{row[-1][:-1]},{appended}}}"
                else:
                    document = loads(row[-1])
                    parts = [f'"{name}":{dumps(value)}' for name, value in zip(_ROW_FIELDS, row)]
                    parts += [f'"{name}":{dumps(document[name], ensure_ascii=False)}' for name in extracted
                              if name in document]
                    yield "{" + ",".join(parts) + "}"

    def _stream(self, query: str, params: tuple, batch: int) -> Iterator[tuple]:
        cursor = self._execute(query, params)
        try:
            while rows := cursor.fetchmany(batch):
                yield from rows
        finally:
            cursor.close()

    def activity_counts(self, *, owner: str | None = None, since: dt.date | None = None,
                        until: dt.date | None = None, per_deal: bool = False) -> list[tuple]:
        """Activities counted by SQL (a GROUP BY over every deal's activities, on both backends).

        Rows are (kind, outcome, count), or (deal_id, status, kind, outcome, count) with `per_deal`
        (e.g. which deals held a meeting, and whether they were won). `since`/`until` bound the
        activity's calendar date as written, in the time zone it was logged in (inclusive).
        """
        return [tuple(row) for row in self.activity_groups(owner=owner, since=since, until=until, per_deal=per_deal)]

    def activity_groups(self, *, owner: str | None = None, since: dt.date | None = None,
                        until: dt.date | None = None, per_deal: bool = False, batch: int = 2000) -> Iterator[tuple]:
        """The rows of `activity_counts`, streamed: per deal there are about as many as kinds and
        outcomes it has logged (900,000 rows at 100,000 deals), so a caller that only sums them
        (the funnel) never holds them."""
        where, params = [], []
        if owner is not None:
            where.append("deals.owner = ?")
            params.append(owner)
        day = self._activity_field("date", text=True)
        if since is not None:
            where.append(f"substr({day}, 1, 10) >= ?")
            params.append(since.isoformat())
        if until is not None:
            where.append(f"substr({day}, 1, 10) <= ?")
            params.append(until.isoformat())
        keys = ["deals.id", "deals.status"] if per_deal else []
        keys += [self._activity_field("kind", text=True), self._activity_field("outcome", text=True)]
        query = (f"SELECT {', '.join(keys)}, COUNT(*) FROM deals, {self._activities_table()}"
                 + (" WHERE " + " AND ".join(where) if where else "")
                 + f" GROUP BY {', '.join(str(i + 1) for i in range(len(keys)))} ORDER BY {', '.join(str(i + 1) for i in range(len(keys)))}")
        yield from self._stream(query, tuple(params), batch)

    def _activities_table(self) -> str:
        return "json_each(deals.data, '$.activities') AS activity"

    def _activity_field(self, name: str, *, text: bool) -> str:
        return f"activity.value ->> '$.{name}'"

    def get(self, deal_id: int, *, lock: bool = False) -> Deal:
        query = "SELECT id, version, owner, data FROM deals WHERE id = ?" + (self.lock_clause if lock else "")
        row = self._execute(query, (deal_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no deal with id {deal_id}")
        deal = self._deal_from_row(row)
        self._remember(deal)
        return deal

    def _remember(self, deal: Deal) -> None:
        if deal.id is not None:
            self._read[(deal.id, deal.version)] = _document(deal)

    def _deal_from_row(self, row) -> Deal:
        data = json.loads(row[3])
        data.update(id=row[0], version=row[1], owner=row[2])
        return Deal.model_validate(data, context=STORED)

    def find(self, ref: str) -> Deal:
        """A deal by its id, its exact name, or an unambiguous part of its name."""
        text = ref.strip()
        if text.isascii() and text.isdigit():
            try:
                return self.get(int(text))
            except NotFoundError:
                pass  # a deal may be named "2024": look it up by name
        rows = sorted(self._execute("SELECT id, name FROM deals WHERE name = ?", (text,)).fetchall())
        if not rows:  # the one lookup rule (deals/lookup.py) over every name; the exact match above is its fast path
            rows = sorted(self._execute("SELECT id, name FROM deals").fetchall())  # read from the name index
        row = find_one(ref, rows, lambda row: row[1], noun="deal", nouns="deals", label=lambda row: f"{row[0]}: {row[1]}",
                       hint="lookup.hint_deal_list", fix="lookup.fix_id")
        return self.get(row[0])

    def history(self, deal_id: int) -> list[HistoryEntry]:
        rows = self._execute("SELECT at, who, what FROM deal_history WHERE deal_id = ? ORDER BY id",
                             (deal_id,)).fetchall()
        return [HistoryEntry(at=dt.datetime.fromisoformat(r[0]), who=r[1], what=r[2]) for r in rows]

    def history_since(self, since: dt.datetime, owner: str | None = None) -> dict[int, list[HistoryEntry]]:
        """Every history line at or after `since`, per deal id, oldest first: one query."""
        query = "SELECT h.deal_id, h.at, h.who, h.what FROM deal_history h"
        params: tuple = (since.astimezone(dt.timezone.utc).isoformat(),)
        if owner is not None:
            query += " JOIN deals d ON d.id = h.deal_id WHERE h.at >= ? AND d.owner = ?"
            params += (owner,)
        else:
            query += " WHERE h.at >= ?"
        found: dict[int, list[HistoryEntry]] = {}
        for deal_id, at, who, what in self._execute(query + " ORDER BY h.id", params).fetchall():
            found.setdefault(deal_id, []).append(HistoryEntry(at=dt.datetime.fromisoformat(at), who=who, what=what))
        return found

    def count(self, *, owner: str | None = None, status: str | Collection[str] | None = None) -> int:
        """How many deals (of this owner, with this status or one of these statuses)."""
        where, params = _filters(owner, status)
        query = "SELECT COUNT(*) FROM deals" + (" WHERE " + " AND ".join(where) if where else "")
        return self._execute(query, params).fetchone()[0]

    # --- writing ------------------------------------------------------------------------------
    def _columns(self, deal: Deal) -> tuple:
        document = deal.model_dump_json(exclude={"id", "version", "owner"})
        return (deal.name, deal.account, deal.playbook, deal.owner, deal.amount, deal.currency,
                deal.expected_close.isoformat() if deal.expected_close else None, deal.probability, deal.status,
                document)

    def add(self, deal: Deal, who: str, what: str = "created") -> Deal:
        now = _now().isoformat()
        stored = deal.model_copy(update={"owner": deal.owner or who, "version": 1})
        with self.transaction():
            cursor = self._execute(
                f"INSERT INTO deals ({DEAL_COLUMNS}, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
                (*self._columns(stored), now, now),
            )
            deal_id = cursor.fetchone()[0]
            self._record(deal_id, who, what, now)
        added = stored.model_copy(update={"id": deal_id})
        self._remember(added)
        return added

    def save(self, deal: Deal, who: str, what: str | None = None) -> Deal:
        """Write a changed deal read from this store. If someone saved it in between, changes that
        do not overlap are merged; overlapping ones are refused with what changed and who did it."""
        self._check_savable(deal)
        now = _now().isoformat()
        with self.transaction():
            current = self.get(deal.id, lock=True)
            merged_note = ""
            if current.version != deal.version:
                deal = self._merge(deal, current)
                merged_note = MERGED
            summary = what or describe_change(current, deal)
            if summary is None:
                return current
            stored = deal.model_copy(update={"version": current.version + 1})
            cursor = self._execute(
                _UPDATE,
                (*self._columns(stored), stored.version, now, deal.id, current.version),
            )
            if cursor.rowcount != 1:  # cannot happen while we hold the lock; never write blind
                raise ConflictError(f"deal {deal.id} changed while saving; run the command again")
            self._record(deal.id, who, summary + merged_note, now)
        self._remember(stored)
        return stored

    def _check_savable(self, deal: Deal) -> None:
        if deal.id is None:
            raise StoreError("cannot save a deal that was never added")
        if isinstance(deal, partial_deal_class()) or not isinstance(deal, Deal):  # a view (store/views.py) too
            raise StoreError(f"deal {deal.id} was read with only some of its fields; read it whole to save it")

    def save_many(self, changes: Iterable[tuple[Deal, str | None]], who: str, *,
                  progress: Callable[[int], None] | None = None, batch: int = 500) -> int:
        """Save many changed deals in ONE transaction (all or none), `batch` rows per statement.

        `changes` yields (deal, what) pairs: a deal read from this store, changed, and the history
        line to record (None: describe the change). Read them with `deals(for_update=True)` inside
        the caller's `transaction()` so nobody changes them meanwhile; a deal changed since it was
        read goes through `save()` and its three-way merge. `progress(saved_so_far)` is called after
        each batch (a progress bar). Returns how many deals were written.

        Example (grade --deals):
            with store.transaction():
                changes = ((regraded, f"computed grade: B") for deal in store.deals(status="open",
                           for_update=True) if (regraded := ...) is not deal)
                store.save_many(changes, who, progress=bar.update)
        """
        saved = 0
        with self.transaction():
            pending: list[tuple[Deal, str | None]] = []
            for change in changes:
                pending.append(change)
                if len(pending) >= batch:
                    saved += self._save_batch(pending, who)
                    pending = []
                    if progress is not None:
                        progress(saved)
            if pending:
                saved += self._save_batch(pending, who)
                if progress is not None:
                    progress(saved)
        return saved

    def _save_batch(self, pending: list[tuple[Deal, str | None]], who: str) -> int:
        for deal, _ in pending:
            self._check_savable(deal)
        ids = [deal.id for deal, _ in pending]
        rows = self._execute(f"SELECT id, version FROM deals WHERE id IN ({', '.join('?' for _ in ids)})"
                             + self.lock_clause, tuple(ids)).fetchall()
        versions = {row[0]: row[1] for row in rows}
        now = _now().isoformat()
        updates, history, written = [], [], 0
        for deal, what in pending:
            version = versions.get(deal.id)
            if version is None:
                raise NotFoundError(f"no deal with id {deal.id}")
            if version != deal.version or what is None:
                before = version
                saved = self.save(deal, who, what)  # merge, or describe the change: one by one
                written += saved.version != before
                continue
            stored = deal.model_copy(update={"version": version + 1})
            updates.append((*self._columns(stored), stored.version, now, deal.id, version))
            history.append((deal.id, now, who, what[:4000]))
        if updates:
            cursor = self._executemany(_UPDATE, updates)
            if cursor.rowcount not in (-1, len(updates)):  # cannot happen under the lock; never write blind
                raise ConflictError("deals changed while saving; run the command again")
            self._executemany("INSERT INTO deal_history (deal_id, at, who, what) VALUES (?, ?, ?, ?)", history)
        return written + len(updates)

    def save_fields(self, changes: Iterable[tuple[Deal, dict[str, object], str]], who: str, *,
                    batch: int = 500) -> int:
        """Set a few top-level document fields of many deals, in ONE transaction, `batch` rows per
        statement, without validating or rewriting the rest of each deal (grade --deals saves a
        computed grade on 100,000 deals read with `deals(fields=..., for_update=True)`).

        `changes` yields (deal, {field: JSON value}, history line); the deal as read (its id and
        version; a partial read is fine). Fields kept as columns cannot be set here. A deal whose
        version moved since it was read is refused: read it `for_update` inside the transaction."""
        saved = 0
        with self.transaction():
            pending: list[tuple[Deal, dict[str, object], str]] = []
            for change in changes:
                pending.append(change)
                if len(pending) >= batch:
                    saved += self._save_fields_batch(pending, who)
                    pending = []
            if pending:
                saved += self._save_fields_batch(pending, who)
        return saved

    def _save_fields_batch(self, pending: list[tuple[Deal, dict[str, object], str]], who: str) -> int:
        ids = [deal.id for deal, _, _ in pending]
        rows = self._execute(f"SELECT id, version, data FROM deals WHERE id IN ({', '.join('?' for _ in ids)})"
                             + self.lock_clause, tuple(ids)).fetchall()
        found = {row[0]: (row[1], row[2]) for row in rows}
        now = _now().isoformat()
        updates, history = [], []
        for deal, values, what in pending:
            if deal.id not in found:
                raise NotFoundError(f"no deal with id {deal.id}")
            version, data = found[deal.id]
            if version != deal.version:
                raise self._conflict(deal, self.get(deal.id), sorted(values))
            if _COLUMN_FIELDS & values.keys():
                raise ValueError(f"save_fields: {', '.join(sorted(_COLUMN_FIELDS & values.keys()))} are columns; use save()")
            document = json.loads(data)
            document.update(values)
            updates.append((json.dumps(document, ensure_ascii=False, separators=(",", ":")), version + 1, now,
                            deal.id, version))
            history.append((deal.id, now, who, what[:4000]))
        cursor = self._executemany("UPDATE deals SET data = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?",
                                   updates)
        if cursor.rowcount not in (-1, len(updates)):  # cannot happen under the lock; never write blind
            raise ConflictError("deals changed while saving; run the command again")
        self._executemany("INSERT INTO deal_history (deal_id, at, who, what) VALUES (?, ?, ?, ?)", history)
        return len(updates)

    def _merge(self, mine: Deal, theirs: Deal) -> Deal:
        from dealcoach.store.merge import MergeConflict, merge

        base = self._read.get((mine.id, mine.version))  # type: ignore[arg-type]
        if base is None:
            raise self._conflict(mine, theirs, ["(the copy you changed was not read from this store)"])
        try:
            merged = merge(base, _document(mine), _document(theirs))
        except MergeConflict as conflict:
            raise self._conflict(mine, theirs, conflict.fields) from None
        merged["activities"] = sorted(merged.get("activities", []), key=lambda a: a["date"])
        return Deal.model_validate({**merged, "id": theirs.id, "version": theirs.version}, context=STORED)

    def _conflict(self, mine: Deal, theirs: Deal, fields: list[str]) -> ConflictError:
        last = self.history(theirs.id)[-1:]  # type: ignore[arg-type]
        by = f" by {last[0].who} at {last[0].at:%Y-%m-%d %H:%M} ({last[0].what})" if last else ""
        return ConflictError(
            f"deal {theirs.id} ({theirs.name}) was changed{by} since you read it, and your change overlaps "
            f"on: {', '.join(fields)}; nothing was saved: run the command again on the fresh copy")

    def delete(self, deal_id: int) -> None:
        with self.transaction():
            if self._execute("DELETE FROM deals WHERE id = ?", (deal_id,)).rowcount == 0:
                raise NotFoundError(f"no deal with id {deal_id}")
            self._execute("DELETE FROM deal_history WHERE deal_id = ?", (deal_id,))

    def after_restore(self) -> None:
        """Rows were inserted with explicit ids: make the next generated id follow them."""

    def _record(self, deal_id: int, who: str, what: str, at: str) -> None:
        self._execute("INSERT INTO deal_history (deal_id, at, who, what) VALUES (?, ?, ?, ?)",
                      (deal_id, at, who, what[:4000]))


def _document(deal: Deal) -> dict:
    return deal.model_dump(mode="json", exclude={"version"})

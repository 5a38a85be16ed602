"""A portable JSON dump of the store: moves a team between SQLite and PostgreSQL with nothing lost.

The dump holds every deal row (id, owner, version, timestamps, the deal document) and every history
entry, plus the schema migrations it was taken at. Restoring goes into an empty store, in one
transaction, keeping ids, versions and history.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dealcoach.errors import DealcoachError, StoreError
from dealcoach.store.base import DEAL_COLUMNS, DealStore
from dealcoach.store.migrations import KNOWN

FORMAT = "dealcoach-backup"
VERSION = 1


def dump(store: DealStore) -> dict[str, Any]:
    # one transaction: a rep saving during the backup cannot leave deals and history out of step
    with store.transaction():
        return _dump(store)


def _dump(store: DealStore) -> dict[str, Any]:
    deals = store._execute(
        "SELECT id, name, account, playbook, owner, amount, currency, expected_close, probability, version, "
        "created_at, updated_at, data FROM deals ORDER BY id").fetchall()
    history = store._execute("SELECT deal_id, at, who, what FROM deal_history ORDER BY id").fetchall()
    migrations = [row[0] for row in store._execute("SELECT name FROM migrations ORDER BY name").fetchall()]
    return {
        "format": FORMAT,
        "version": VERSION,
        "migrations": migrations,
        "deals": [{"id": r[0], "owner": r[4], "version": r[9], "created_at": r[10], "updated_at": r[11],
                   "deal": json.loads(r[12])} for r in deals],
        "history": [{"deal_id": r[0], "at": r[1], "who": r[2], "what": r[3]} for r in history],
    }


# ids are 64-bit on both backends (SQLite INTEGER, PostgreSQL BIGINT); versions are 32-bit on PostgreSQL
MAX_ID = 2**63 - 1
MAX_VERSION = 2**31 - 1


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int = Field(ge=1, le=MAX_ID)
    owner: str | None = None
    version: int = Field(ge=1, le=MAX_VERSION)
    created_at: dt.datetime
    updated_at: dt.datetime
    deal: dict


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    deal_id: int = Field(ge=1, le=MAX_ID)
    at: dt.datetime
    who: str
    what: str


class _Backup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str
    version: int
    migrations: list[str] = []
    deals: list[_Row] = []
    history: list[_Entry] = []


def restore(store: DealStore, data: Any, origin: str) -> tuple[int, int]:
    """Load a dump into an empty store, all or nothing; returns (deals, history entries).

    Everything is checked before the first row is written: a bad dump changes nothing."""
    from dealcoach.deals.models import STORED, Deal

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DealcoachError(f"{origin}: not a dealcoach backup (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise DealcoachError(f"{origin}: backup version {data.get('version')!r} is not supported (expected {VERSION})")
    try:
        backup = _Backup.model_validate(data)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in err["loc"])
        raise DealcoachError(f"{origin}: {where}: {err['msg']}") from None
    unknown_migrations = sorted(set(backup.migrations) - KNOWN)
    if unknown_migrations:
        raise DealcoachError(f"{origin}: written by a newer dealcoach (schema {', '.join(unknown_migrations)}); "
                             "upgrade dealcoach to restore it")
    rows = []
    for index, row in enumerate(backup.deals):
        try:
            deal = Deal.model_validate({**row.deal, "id": row.id, "version": row.version, "owner": row.owner},
                                        context=STORED)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise DealcoachError(f"{origin}: deals.{index}.deal.{where}: {first['msg']}") from None
        rows.append((row, deal))
    ids = [row.id for row in backup.deals]
    if len(ids) != len(set(ids)):
        from collections import Counter

        duplicate = next(i for i, n in Counter(ids).items() if n > 1)
        raise DealcoachError(f"{origin}: deals: id {duplicate} appears twice")
    unknown = sorted({entry.deal_id for entry in backup.history} - set(ids))
    if unknown:
        raise DealcoachError(f"{origin}: history: entries for deal {unknown[0]}, which is not in the backup")
    with store.transaction():
        # checked under the lock: two restores at once give this message, not a duplicate-id error
        store.lock_deals()
        if store.count():
            raise StoreError("the target database already holds deals; restore into an empty database")
        for start in range(0, len(rows), 1000):
            store._executemany(
                f"INSERT INTO deals (id, {DEAL_COLUMNS}, version, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(deal.id, *store._columns(deal), deal.version, row.created_at.isoformat(), row.updated_at.isoformat())
                 for row, deal in rows[start:start + 1000]])
        for start in range(0, len(backup.history), 1000):
            store._executemany("INSERT INTO deal_history (deal_id, at, who, what) VALUES (?, ?, ?, ?)",
                               [(entry.deal_id, entry.at.isoformat(), entry.who, entry.what)
                                for entry in backup.history[start:start + 1000]])
        store.after_restore()
    return len(rows), len(backup.history)

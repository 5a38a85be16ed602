"""A portable JSON dump of the store: moves a team between SQLite and PostgreSQL with nothing lost.

The dump holds every deal row (id, owner, version, timestamps, the deal document) and every history
entry, plus the schema migrations it was taken at. Restoring goes into an empty store, in one
transaction, keeping ids, versions and history.
"""

from __future__ import annotations

import json
from typing import Any

from dealcoach.errors import DealcoachError, StoreError
from dealcoach.store.base import DealStore

FORMAT = "dealcoach-backup"
VERSION = 1


def dump(store: DealStore) -> dict[str, Any]:
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


def restore(store: DealStore, data: Any, origin: str) -> tuple[int, int]:
    """Load a dump into an empty store; returns (deals, history entries)."""
    from pydantic import ValidationError

    from dealcoach.deals.models import Deal

    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise DealcoachError(f"{origin}: not a dealcoach backup (no \"format\": \"{FORMAT}\")")
    if data.get("version") != VERSION:
        raise DealcoachError(f"{origin}: backup version {data.get('version')!r} is not supported (expected {VERSION})")
    if store.count():
        raise StoreError("the target database already holds deals; restore into an empty database")
    rows = []
    for index, item in enumerate(data.get("deals", [])):
        try:
            deal = Deal.model_validate({**item["deal"], "id": item["id"], "version": item["version"],
                                        "owner": item.get("owner")})
        except (ValidationError, KeyError, TypeError) as exc:
            raise DealcoachError(f"{origin}: deals.{index}: not a valid deal ({str(exc).splitlines()[0]})") from None
        rows.append((item, deal))
    with store.transaction():
        for item, deal in rows:
            store._execute(
                "INSERT INTO deals (id, name, account, playbook, owner, amount, currency, expected_close, "
                "probability, data, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (deal.id, *store._columns(deal), deal.version, item["created_at"], item["updated_at"]))
        for index, entry in enumerate(data.get("history", [])):
            try:
                store._execute("INSERT INTO deal_history (deal_id, at, who, what) VALUES (?, ?, ?, ?)",
                               (entry["deal_id"], entry["at"], entry["who"], entry["what"]))
            except (KeyError, TypeError):
                raise DealcoachError(f"{origin}: history.{index}: needs deal_id, at, who and what") from None
        store.after_restore()
    return len(rows), len(data.get("history", []))

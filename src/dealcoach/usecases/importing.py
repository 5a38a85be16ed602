"""`deal import`: a file exported from this store updates its deal; anything else is a new deal."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from dealcoach.deals.models import Deal
from dealcoach.errors import AmbiguousError
from dealcoach.store import DealStore


class ImportPlan(BaseModel):
    action: Literal["add", "update", "unchanged"]
    deal: Deal  # what will be written (for an update: the stored deal's id and version)
    target: Deal | None = None  # the stored deal it updates
    changes: str | None = None  # what the update changes, as the history will record it
    matched_by: Literal["id", "name and account"] | None = None


def plan_import(store: DealStore, deal: Deal, as_new: bool = False) -> ImportPlan:
    """Which stored deal a file is, if any: its `id` when the deal there has the same name or
    account (a file from another store may carry any id), else the one deal with the same name and
    account. The owner in the file is kept; without one, the stored deal's."""
    from dealcoach.deals.history import describe_change

    if as_new:
        return ImportPlan(action="add", deal=deal.model_copy(update={"id": None}))
    target, matched_by = None, None
    if deal.id is not None:
        try:
            stored = store.get(deal.id)
        except Exception:  # noqa: BLE001 - no such deal here: match by name instead
            stored = None
        if stored is not None and (stored.name == deal.name or (stored.account and stored.account == deal.account)):
            target, matched_by = stored, "id"
    if target is None:
        same = [s for s in store.list_deals() if s.name == deal.name and s.account == deal.account]
        if len(same) > 1:
            listed = ", ".join(str(s.id) for s in same)
            raise AmbiguousError(f"{deal.name!r} ({deal.account or 'no account'}) matches deals {listed}: "
                                 "put the right id: in the file, or import it with --as-new")
        if same:
            target, matched_by = store.get(same[0].id), "name and account"
    if target is None:
        return ImportPlan(action="add", deal=deal.model_copy(update={"id": None}))
    updated = deal.model_copy(update={"id": target.id, "version": target.version, "owner": deal.owner or target.owner})
    changes = describe_change(target, updated)
    return ImportPlan(action="update" if changes else "unchanged", deal=updated, target=target, changes=changes,
                      matched_by=matched_by)  # type: ignore[arg-type]

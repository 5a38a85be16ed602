"""Creating, changing and importing deals: validate against the deal's playbook, then write.

Everything is checked in full before the store is opened or touched (`new_deal`, `read_deal_files`);
an import of several files adds all of them in one transaction or none.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dealcoach.deals.edit import ensure_valid, with_fields
from dealcoach.deals.history import imported
from dealcoach.deals.models import Deal
from dealcoach.playbook.loader import load_catalog, load_playbook
from dealcoach.playbook.models import Playbook
from dealcoach.store import DealStore


def checked(deal: Deal) -> Playbook:
    """The deal's playbook, once the deal's ids (stage items, roles, steps) are known to it."""
    playbook = load_playbook(deal.playbook)
    ensure_valid(deal, playbook, load_catalog())
    return playbook


def new_deal(fields: dict) -> Deal:
    """A new deal from typed fields (name, account, amount...), validated; `store.add` stores it."""
    deal = with_fields(None, fields)
    checked(deal)
    return deal


def update_deal(store: DealStore, deal: Deal, changes: dict, who: str) -> Deal:
    """The deal with these fields changed, validated, then saved (unchanged: the same version back)."""
    updated = with_fields(deal, changes)
    checked(updated)
    return store.save(updated, who)


def read_deal_files(paths: Sequence[Path]) -> list[Deal]:
    """Every deal file read and fully checked; the first bad one stops the import before any write."""
    from dealcoach.deals.dealfile import load_deal_file

    return [load_deal_file(path)[0] for path in paths]


def import_deals(store: DealStore, deals: Sequence[Deal], who: str, as_new: bool = False,
                 plans: Sequence | None = None, sources: Sequence[str] | None = None) -> list[Deal]:
    """Write the deals read by `read_deal_files`, all in one transaction or none: a deal exported
    from this store updates it, any other is added (`usecases.importing.plan_import`; `plans` when
    the caller already showed them)."""
    from dealcoach.usecases.importing import plan_import

    with store.transaction():
        plans = plans if plans is not None else [plan_import(store, deal, as_new) for deal in deals]
        written = []
        for index, plan in enumerate(plans):
            if plan.action == "add":
                written.append(store.add(plan.deal, who, what="imported"))
            elif plan.action == "update":
                what = imported(sources[index] if sources else None, plan.changes or "")
                written.append(store.save(plan.deal, who, what=what))
            else:
                written.append(plan.target)
        return written

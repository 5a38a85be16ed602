"""Reading many deals from the store: the one place the bulk commands get their deals from."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from dealcoach.deals.models import Deal
from dealcoach.store import DealStore


def read_deals(store: DealStore, owner: str | None = None, status: str | None = None,
               fields: Collection[str] | None = None) -> Iterator[Deal]:
    """Every deal of `owner` (all owners when None) whose status is `status` (any when None), in id
    order: one streamed query (`DealStore.deals`), validated row by row; `fields`: read only these
    (the deals are then read-only)."""
    return store.deals(owner=owner, status=status, fields=fields)


def follow_up_plan(store: DealStore, owner: str | None, today, days: int, lang, playbooks=None):
    """`followup`: one streamed query of the open deals' fields that planning reads; no deal is
    kept once planned. `playbooks`: by id (default: loaded as the deals ask)."""
    from dealcoach.coaching.followup import PLAN_FIELDS, plan_follow_ups
    from dealcoach.store.base import bulk_collection

    with bulk_collection():
        deals = store.deal_views(PLAN_FIELDS, owner=owner, status="open")
        return plan_follow_ups(deals, playbooks if playbooks is not None else PlaybooksById(), today, days, lang)


def funnel_report(store: DealStore, playbook, lang, since=None, until=None, owner: str | None = None):
    """`funnel`: the counts of activities are a GROUP BY in SQL, summed as its rows come; of each
    deal only the few fields the stage flow reads (`FUNNEL_FIELDS`, read-only views)."""
    from dealcoach.coaching.funnel import FUNNEL_FIELDS, compute_funnel, funnel_facts
    from dealcoach.store.base import bulk_collection

    with bulk_collection():
        facts = [funnel_facts(deal) for deal in store.deal_views(FUNNEL_FIELDS, owner=owner)]
        counts = store.activity_groups(owner=owner, since=since, until=until, per_deal=True)
        return compute_funnel(facts, playbook, lang, since=since, until=until, owner=owner, activity_counts=counts)


class PlaybooksById(dict):
    """Playbooks by id, each loaded the first time a deal asks for it: a stream of deals is read once,
    so the playbooks cannot be gathered beforehand."""

    def __missing__(self, playbook_id: str):
        from dealcoach.playbook.loader import load_playbook

        self[playbook_id] = loaded = load_playbook(playbook_id)
        return loaded


def deal_choices(store: DealStore, lang) -> list[tuple[int, str]]:
    """What a deal picker offers: open deals first, then closed ones marked won or lost (they can
    still be opened, but are rarely what the rep is after). Reads only the row columns."""
    from dealcoach.i18n import message

    deals = list(store.deals(fields={"status"}))
    ordered = [d for d in deals if d.status == "open"] + [d for d in deals if d.status != "open"]
    return [(d.id, f"{d.id}: {d.name}" + ("" if d.status == "open" else f" [{message('status.' + d.status, lang)}]"))
            for d in ordered]

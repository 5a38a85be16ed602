"""Reading many deals from the store: the one place the bulk commands get their deals from."""

from __future__ import annotations

from collections.abc import Iterator

from dealcoach.deals.models import Deal
from dealcoach.store import DealStore

STATUSES = ("open", "won", "lost")


def read_deals(store: DealStore, owner: str | None = None, status: str | None = None) -> Iterator[Deal]:
    """Every deal of `owner` (all owners when None) whose status is `status` (any when None), in id
    order. Streams from the store when it can (`DealStore.deals`), one deal at a time."""
    streaming = getattr(store, "deals", None)
    if streaming is not None:
        yield from streaming(owner=owner, status=status)
        return
    for summary in store.list_deals(owner=owner):
        deal = store.get(summary.id)
        if status is None or deal.status == status:
            yield deal

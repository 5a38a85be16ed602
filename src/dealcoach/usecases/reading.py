"""Reading many deals from the store: the one place the bulk commands get their deals from."""

from __future__ import annotations

from collections.abc import Iterator

from dealcoach.deals.models import Deal
from dealcoach.store import DealStore


def read_deals(store: DealStore, owner: str | None = None, status: str | None = None) -> Iterator[Deal]:
    """Every deal of `owner` (all owners when None) whose status is `status` (any when None), in id
    order: one streamed query (`DealStore.deals`), validated row by row."""
    return store.deals(owner=owner, status=status)

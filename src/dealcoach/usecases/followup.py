"""Whom to borrow strength from (杠杆借力), for the rows of a follow-up plan a rep acts on.

The plan itself is one streamed pass over every open deal (coaching/followup.py); reading each
deal's people against the playbook's `follow_up.borrow` conditions costs far more than its rhythm,
so it is done here, after the plan is sorted, for its first rows only: each of those deals read
again by id.
"""

from __future__ import annotations

from collections.abc import Mapping

from dealcoach.coaching.followup import FollowUp, borrow_strength
from dealcoach.i18n import Lang
from dealcoach.jsonout import EncodedRows
from dealcoach.playbook.models import Playbook


def add_borrow_strength(store, plan: EncodedRows[FollowUp], rows: int, playbooks: Mapping[str, Playbook],
                        lang: Lang) -> EncodedRows[FollowUp]:
    """`borrow` filled in the plan itself (returned) for its first `rows` rhythm rows (a deal's booked
    meetings and next steps are its own rows, with nothing to borrow)."""
    from dealcoach.playbook.loader import load_catalog

    catalog = load_catalog()
    found: dict[int, list] = {}
    for index in range(min(rows, len(plan))):
        item = plan[index]
        if item.kind == "rhythm" and item.deal_id is not None:
            if item.deal_id not in found:
                deal = store.get(item.deal_id)
                playbook = playbooks[deal.playbook]
                found[item.deal_id] = borrow_strength(deal, playbook, catalog, lang) \
                    if playbook.follow_up and playbook.follow_up.borrow else []
            if found[item.deal_id]:
                plan[index] = item.model_copy(update={"borrow": found[item.deal_id]})
    return plan

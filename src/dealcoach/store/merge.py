"""Three-way merge of a deal changed on a stale copy: no lost update, no silent overwrite.

`base` is the deal as this process read it, `mine` is what it wants to write, `theirs` is what is in
the store now (someone saved in between). Fields and list items that only one side changed are
merged; a field both sides changed differently is a conflict, reported by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


class MergeConflict(Exception):
    def __init__(self, fields: list[str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def _activity_key(item: Any) -> str:
    # every activity carries the id it was given when logged (migration 003 gave the old ones
    # theirs): two equal calls logged at once are two calls. Content is only a last resort.
    if isinstance(item, dict) and item.get("id"):
        return "id:" + str(item["id"])
    return "content:" + json.dumps(item, sort_keys=True, ensure_ascii=False)


# Lists merged item by item, with the key that identifies an item. Items whose key is their name or
# text cannot repeat within a deal; activities can, so they are keyed by their own id.
KEYED_LISTS: dict[str, Callable[[Any], str]] = {
    "done": lambda item: item["id"],
    "people": lambda item: item["name"],
    "competitors": lambda item: item["name"],
    "pains": lambda item: item["text"],
    "signals": lambda item: item,
    "activities": _activity_key,
}


def merge(base: dict, mine: dict, theirs: dict) -> dict:
    merged: dict = {}
    conflicts: list[str] = []
    for key in dict.fromkeys([*theirs, *mine]):
        b, m, t = base.get(key), mine.get(key), theirs.get(key)
        if key in KEYED_LISTS and isinstance(m, list) and isinstance(t, list):
            merged[key], clashes = _merge_list(b or [], m, t, KEYED_LISTS[key])
            conflicts += [f"{key}.{clash}" for clash in clashes]
        elif m == b:
            merged[key] = t
        elif t == b or t == m:
            merged[key] = m
        else:
            conflicts.append(key)
            merged[key] = t
    if conflicts:
        raise MergeConflict(conflicts)
    return merged


def _merge_list(base: list, mine: list, theirs: list, key: Callable[[Any], str]) -> tuple[list, list[str]]:
    base_items = {key(i): i for i in base}
    mine_items = {key(i): i for i in mine}
    theirs_items = {key(i): i for i in theirs}
    clashes = []
    result = []
    for item_key in dict.fromkeys([*theirs_items, *mine_items]):
        b, m, t = base_items.get(item_key), mine_items.get(item_key), theirs_items.get(item_key)
        if m == b:
            chosen = t  # unchanged by me: theirs (also when they removed it)
        elif t == b or t == m:
            chosen = m  # changed (or added, or removed) only by me
        else:
            clashes.append(str(item_key)[:40])
            chosen = t
        if chosen is not None:
            result.append(chosen)
    return result, clashes

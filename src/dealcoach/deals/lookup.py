"""Finding one thing by what a person typed: the one rule and the one set of messages for deals,
people and graded prospects.

The rule: an exact name wins; else any name containing what was typed (ignoring case). None is
"not found" (with the closest names, or every name when there are only a few); several is
"ambiguous" (listing them). `deal show 宁夏` and `people show 1 王` answer the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import TypeVar

from dealcoach.deals.models import Deal, Person
from dealcoach.errors import AmbiguousError, NotFoundError

T = TypeVar("T")

MAX_LISTED = 10      # matches listed in an ambiguity message
MAX_KNOWN = 8        # a collection this small is listed whole when nothing matches
MAX_SUGGESTED = 3
SUGGEST_CUTOFF = 0.5  # names of two or three Chinese characters differ by one character at 0.5


def matching(ref: str, names: Sequence[str]) -> list[int]:
    """Positions of the names `ref` picks: the exact ones if any, else every name containing it."""
    text = ref.strip()
    exact = [index for index, name in enumerate(names) if name == text]
    if exact:
        return exact
    folded = text.casefold()
    return [index for index, name in enumerate(names) if folded in name.casefold()]


def find_one(ref: str, items: Sequence[T], name: Callable[[T], str], *, noun: str, nouns: str, where: str = "",
             label: Callable[[T], str] | None = None, hint: str = "", fix: str = "give the full name") -> T:
    """The one item `ref` names, by `matching`; NotFoundError or AmbiguousError otherwise."""
    names = [name(item) for item in items]
    found = matching(ref, names)
    if not found:
        raise not_found(ref, noun, names, where=where, hint=hint)
    if len(found) > 1:
        label = label or name
        raise ambiguous(ref, nouns, [label(items[i]) for i in found], where=where, fix=fix)
    return items[found[0]]


def not_found(ref: str, noun: str, names: Sequence[str], *, where: str = "", hint: str = "") -> NotFoundError:
    """`no person matches 'x' on deal D (did you mean 王总?)` (or the whole list when it is short)."""
    text = f"no {noun} matches {ref!r}{where}"
    unique = list(dict.fromkeys(names))
    close = difflib.get_close_matches(ref.strip(), unique, n=MAX_SUGGESTED, cutoff=SUGGEST_CUTOFF)
    if close:
        text += f" (did you mean {' or '.join(close)}?)"
    elif unique and len(unique) <= MAX_KNOWN:
        text += f" (known: {', '.join(unique)})"
    elif not unique:
        text += " (there are none yet)"
    return NotFoundError(f"{text}; {hint}" if hint else text)


def ambiguous(ref: str, nouns: str, labels: Sequence[str], *, where: str = "",
              fix: str = "give the full name") -> AmbiguousError:
    """`'王' matches 2 people on deal D (王总; 王工); give the full name`."""
    listed = "; ".join(labels[:MAX_LISTED]) + ("; ..." if len(labels) > MAX_LISTED else "")
    return AmbiguousError(f"{ref!r} matches {len(labels)} {nouns}{where} ({listed}); {fix}")


def find_person(deal: Deal, name: str, hint: str = "") -> Person:
    """The person on this deal that `name` names (exact, else an unambiguous part of the name)."""
    return find_one(name, deal.people, lambda person: person.name, noun="person", nouns="people",
                    where=f" on deal {deal.name}", hint=hint)

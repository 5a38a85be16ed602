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
# a message key, or a key with its values: what a lookup error says to do next (error_text.say)
Said = str | tuple[str, dict]

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


def find_one(ref: str, items: Sequence[T], name: Callable[[T], str], *, noun: str, nouns: str, deal: str = "",
             label: Callable[[T], str] | None = None, hint: Said | None = None, fix: Said = "lookup.fix_full_name") -> T:
    """The one item `ref` names, by `matching`; NotFoundError or AmbiguousError otherwise. `deal`: the
    deal the items belong to (named in the message); `hint` / `fix`: what to do next, as a message
    key or (key, values)."""
    names = [name(item) for item in items]
    found = matching(ref, names)
    if not found:
        raise not_found(ref, noun, names, deal=deal, hint=hint)
    if len(found) > 1:
        label = label or name
        raise ambiguous(ref, nouns, [label(items[i]) for i in found], deal=deal, fix=fix)
    return items[found[0]]


def closest(ref: str, names: Sequence[str], n: int = MAX_SUGGESTED) -> list[str]:
    """The names most like `ref`, best first. A short ref is also compared with each stretch of a
    long name as long as itself, so `宁厦` finds 宁夏新工程项目工业油 (its 宁夏)."""
    text = ref.strip().casefold()
    if not text:
        return []
    scored = []
    for name in dict.fromkeys(names):
        folded = name.casefold()
        whole = difflib.SequenceMatcher(None, text, folded).ratio()
        score = whole
        if len(folded) > len(text):
            width = len(text)
            score = max(score, max(difflib.SequenceMatcher(None, text, folded[i:i + width]).ratio()
                                   for i in range(len(folded) - width + 1)))
        if score >= SUGGEST_CUTOFF:
            scored.append((-score, -whole, name))  # equally close stretches: the closer whole name first
    return [name for *_, name in sorted(scored)[:n]]


def not_found(ref: str, noun: str, names: Sequence[str], *, deal: str = "", hint: Said | None = None) -> NotFoundError:
    """`no person matches 'x' on deal D (did you mean 王总?)` (or the whole list when it is short)."""
    from dealcoach.error_text import keyed_error

    unique = list(dict.fromkeys(names))
    close = closest(ref, unique)
    if close:
        listing: Said = ("lookup.did_you_mean", {"suggestions": [(name, ()) for name in close]})
    elif unique and len(unique) <= MAX_KNOWN:
        listing = ("lookup.known", {"names": unique})
    else:
        listing = "lookup.none_yet" if not unique else ""
    return keyed_error(NotFoundError, "lookup.not_found_on_deal" if deal else "lookup.not_found", noun=noun,
                       ref=ref, deal=deal, listing=listing, hint=("lookup.then", {"what": hint}) if hint else "")


def ambiguous(ref: str, nouns: str, labels: Sequence[str], *, deal: str = "",
              fix: Said = "lookup.fix_full_name") -> AmbiguousError:
    """`'王' matches 2 people on deal D (王总; 王工); give the full name`."""
    from dealcoach.error_text import keyed_error

    listed = list(labels[:MAX_LISTED]) + (["..."] if len(labels) > MAX_LISTED else [])
    return keyed_error(AmbiguousError, "lookup.ambiguous_on_deal" if deal else "lookup.ambiguous", ref=ref,
                       nouns=nouns, count=len(labels), deal=deal, matches=listed, fix=fix)


def find_person(deal: Deal, name: str, hint: Said | None = None) -> Person:
    """The person on this deal that `name` names (exact, else an unambiguous part of the name)."""
    return find_one(name, deal.people, lambda person: person.name, noun="person", nouns="people",
                    deal=deal.name, hint=hint)

"""A playbook as a deal's industry has it: the general playbook with the variant of `industries:`
whose words are found in the deal's `industry` applied (schema and how a variant applies:
`playbook/schema/industries.py`).

Each variant is made once per playbook file and kept in the playbook cache beside it (making it
costs ~25 ms: `cache.read_variant`), and once per loaded playbook in memory. The pieces it is made of
were all validated when the playbook was loaded, so it is rebuilt with the cache's `construct` (no
validator build, which would cost every command ~50 ms). The loader checks the playbook each variant makes like any other
(playbook/checks.py); should a variant name nothing all the same, its first deal fails with one
clear line.
"""

from __future__ import annotations

from dealcoach.errors import PlaybookError
from dealcoach.playbook import cache
from dealcoach.playbook.models import IndustryVariant, Playbook
from dealcoach.playbook.schema.industries import apply_variant

Problems = list[tuple[tuple, str]]
# (id of the general playbook, variant id) -> (that playbook, kept so its id is never reused while
# here; the playbook made; what in the variant names nothing)
_MADE: dict[tuple[int, str], tuple[Playbook, Playbook | None, Problems]] = {}


def for_industry(playbook: Playbook, industry: str | None) -> Playbook:
    """The playbook as a deal of this industry has it: the general one, or with its variant applied.
    A playbook already made for an industry is returned as it is."""
    variant = playbook.industry_variant(industry)
    if variant is None:
        return playbook
    made, problems = made_with(playbook, variant)
    if made is None:  # `dealcoach playbook validate` names the line
        where, problem = problems[0]
        raise PlaybookError(f"playbook {playbook.id}, industry {variant.id!r}: "
                            f"{'.'.join(map(str, where))}: {problem} (check it with `dealcoach playbook validate`)")
    return made


def made_with(playbook: Playbook, variant: IndustryVariant) -> tuple[Playbook | None, Problems]:
    """The playbook with this variant applied, and what in the variant names nothing (path in the
    variant, message); no playbook when something does."""
    key = (id(playbook), variant.id)
    found = _MADE.get(key)
    if found is None or found[0] is not playbook:
        made, problems = cache.read_variant(playbook, variant.id), []
        if made is None:
            data, problems = apply_variant(playbook.model_dump(mode="json", by_alias=True), variant)
            made = None if problems else cache.construct(Playbook, data)
            if made is not None:
                cache.write_variant(playbook, variant.id, made)
        if len(_MADE) > 64:  # playbook files edited over and over in one long run (tests)
            _MADE.clear()
        found = _MADE[key] = (playbook, made, problems)  # type: ignore[assignment]
    return found[1], found[2]

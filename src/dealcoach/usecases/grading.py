"""Grading stored deals: record the rep's grade inputs, regrade every open deal, save all or none.

`grade --deals` at 100,000 deals: the deals stream with only the fields grading reads; each is
decided as numbers (`decide`), counted, and kept only if it can be shown (the best N for the table,
all for --json and --explain), as a small `Prospect`; its words (`grade_prospect`) are built when
the result is read, one at a time. Changed computed grades are written in batches inside the one
transaction (`store.save_fields`), without reading or rewriting whole deals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from dealcoach.coaching.grading import GradeResult, grade_prospect
from dealcoach.coaching.grading.grade import Decision, changed_grade, decide, decision_key, prospect_of
from dealcoach.coaching.grading.results import Prospect
from dealcoach.coaching.grading.table import grading_of
from dealcoach.deals import gradeinput
from dealcoach.deals.edit import ensure_valid
from dealcoach.deals.history import grade_computed
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook
from dealcoach.playbook.variants import for_industry
from dealcoach.store import DealStore

# what grading a stored deal reads (`prospect_of`, `touch_of`) and what tells whether its saved grade changed
GRADING_FIELDS = frozenset({"account", "amount", "currency", "expected_close", "probability", "assessment",
                            "opportunity", "manual_grade", "manual_grade_reason", "activities", "people",
                            "computed_grade", "budget", "our_cost", "industry", "milestone_on"})
PROGRESS_EVERY = 500


@dataclass
class GradeInputs:
    """What the rep records before the regrade: manual grades (deal ref -> grade or None to clear)
    and, for one deal, assessment scores and the opportunity analysis."""

    manual: list[tuple[str, str | None]] = field(default_factory=list)
    reason: str | None = None
    assess: str | None = None
    scores: dict[str, int] = field(default_factory=dict)
    information: dict[str, int] = field(default_factory=dict)
    comparisons: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    def any(self) -> bool:
        return bool(self.manual or self.assess)


class _Graded(NamedTuple):
    key: tuple
    order: int               # the deal's place in id order: equal keys keep it
    prospect: Prospect
    decision: Decision
    playbook: Playbook


@dataclass
class Regrade:
    count: int                   # open deals graded
    grades: dict[str, int]       # how many of them have each final grade
    notes: list[str]
    changed: int                 # deals whose computed grade was saved
    closed: int                  # won or lost deals, not graded
    saved: bool                  # False: a read-only look (--explain), nothing written
    today: dt.date
    lang: Lang
    kept: list[_Graded]          # best first: every graded deal, or the best `keep`

    def results(self) -> Iterator[GradeResult]:
        """The kept deals' full results (every reason), best first, each built when it is read."""
        for graded in self.kept:
            yield _explain(graded, self.today, self.lang)

    def names(self) -> list[tuple[int | None, str]]:
        """(deal id, name) of the kept deals, best first: what --explain picks from."""
        return [(graded.prospect.deal_id, graded.prospect.name) for graded in self.kept]

    def result(self, position: int) -> GradeResult:
        return _explain(self.kept[position], self.today, self.lang)


def _explain(graded: _Graded, today: dt.date, lang: Lang) -> GradeResult:
    playbook = graded.playbook
    return grade_prospect(graded.prospect, grading_of(playbook), today, lang, playbook.opportunity_analysis,
                          graded.decision)


def regrade_deals(store: DealStore, today: dt.date, lang: Lang, who: str, inputs: GradeInputs | None = None,
                  save: bool = True, keep: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Regrade:
    """Every open deal graded with its own playbook. With `save`, the inputs and every changed
    computed grade are written in ONE transaction: all of them or, if anything fails, none.
    `keep`: how many of the best to keep for reading (None: all). `progress(graded, total)` is
    called every few hundred deals."""
    from dealcoach.playbook.loader import load_catalog, load_playbook

    inputs = inputs or GradeInputs()
    notes: list[str] = []
    playbooks: dict[str, Playbook] = {}
    catalog = load_catalog()  # the people to break through to, by role (coaching/position.py)

    def playbook_of(name: str) -> Playbook:
        if name not in playbooks:
            playbooks[name] = load_playbook(name)
        return playbooks[name]

    counts = dict.fromkeys("ABCD", 0)
    kept: list[_Graded] = []
    changed = count = 0
    with store.transaction():
        for ref, grade in inputs.manual:
            deal = store.find(ref)
            store.save(gradeinput.with_manual_grade(deal, grade, inputs.reason), who)
            notes.append(message("grade.manual_set" if grade else "grade.manual_cleared", lang, id=deal.id,
                                 name=deal.name, grade=grade))
        if inputs.assess:
            deal = store.find(inputs.assess)
            playbook = playbook_of(deal.playbook)
            updated = gradeinput.with_assessment(deal, inputs.scores, playbook)
            updated = gradeinput.with_opportunity(updated, inputs.information, inputs.comparisons, playbook)
            ensure_valid(updated, playbook, catalog)
            store.save(updated, who)
            notes.append(message("grade.assessed", lang, id=deal.id, name=deal.name))
        closed = store.count(status=("won", "lost"))  # no longer prospects to rank or follow up
        total = store.count(status="open") if progress is not None else 0

        def changes():
            # a generator: each changed grade is saved (in batches) and let go, and each deal is
            # kept only as long as it may be shown, so 100,000 deals are never all held
            nonlocal count
            for deal in store.deals(status="open", fields=GRADING_FIELDS, for_update=save):
                playbook = for_industry(playbook_of(deal.playbook), deal.industry)  # its industry's pretexts
                if playbook.grading is None:
                    notes.append(message("grade.no_grading", lang, id=deal.id, name=deal.name, playbook=playbook.id))
                    continue
                grading = grading_of(playbook)
                prospect = prospect_of(deal, playbook, catalog, lang, today)
                decision = decide(prospect, grading, today, lang, playbook.opportunity_analysis)
                counts[decision.final] += 1
                kept.append(_Graded(decision_key(decision, prospect), count, prospect, decision, playbook))
                count += 1
                if keep is not None and len(kept) >= 2 * keep + PROGRESS_EVERY:
                    kept.sort()
                    del kept[keep:]
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count, total)
                computed = changed_grade(deal.computed_grade, decision.grade, decision.scored.score,
                                         decision.rule_id, today)
                if computed is not None:
                    yield deal, {"computed_grade": computed.model_dump(mode="json")}, \
                        grade_computed(decision.grade, decision.rule_id)

        if save:
            changed = store.save_fields(changes(), who)
        else:
            for _ in changes():
                pass  # a look (--explain): every deal graded, nothing saved
    if progress is not None:
        progress(count, total)
    if closed:
        notes.append(message("grade.closed_skipped", lang, count=closed))
    kept.sort()
    if keep is not None:
        del kept[keep:]
    return Regrade(count=count, grades=counts, notes=notes, changed=changed, closed=closed, saved=save, today=today,
                   lang=lang, kept=kept)

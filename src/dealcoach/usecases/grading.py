"""Grading stored deals: record the rep's grade inputs, regrade every open deal, save all or none."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dealcoach.coaching.grading import GradeResult, grade_deal, sort_key, with_computed_grade
from dealcoach.deals import gradeinput
from dealcoach.deals.edit import ensure_valid
from dealcoach.deals.history import grade_computed
from dealcoach.i18n import Lang, message
from dealcoach.store import DealStore


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


@dataclass
class Regrade:
    results: list[GradeResult]   # best first
    notes: list[str]
    changed: int                 # deals whose computed grade was saved
    closed: int                  # won or lost deals, not graded
    saved: bool                  # False: a read-only look (--explain), nothing written


def regrade_deals(store: DealStore, today: dt.date, lang: Lang, who: str, inputs: GradeInputs | None = None,
                  save: bool = True) -> Regrade:
    """Every open deal graded with its own playbook. With `save`, the inputs and every changed
    computed grade are written in ONE transaction: all of them or, if anything fails, none."""
    from dealcoach.playbook.loader import load_catalog, load_playbook

    inputs = inputs or GradeInputs()
    notes: list[str] = []
    results: list[GradeResult] = []
    playbooks: dict = {}

    def playbook_of(deal):
        if deal.playbook not in playbooks:
            playbooks[deal.playbook] = load_playbook(deal.playbook)
        return playbooks[deal.playbook]

    with store.transaction():
        for ref, grade in inputs.manual:
            deal = store.find(ref)
            store.save(gradeinput.with_manual_grade(deal, grade, inputs.reason), who)
            notes.append(message("grade.manual_set" if grade else "grade.manual_cleared", lang, id=deal.id,
                                 name=deal.name, grade=grade))
        if inputs.assess:
            deal = store.find(inputs.assess)
            playbook = playbook_of(deal)
            updated = gradeinput.with_assessment(deal, inputs.scores, playbook)
            updated = gradeinput.with_opportunity(updated, inputs.information, inputs.comparisons, playbook)
            ensure_valid(updated, playbook, load_catalog())
            store.save(updated, who)
            notes.append(message("grade.assessed", lang, id=deal.id, name=deal.name))
        closed = store.count(status=("won", "lost"))  # no longer prospects to rank or follow up

        def changes():
            # a generator, not a list: each changed deal is saved (in batches) and let go, so
            # regrading 100,000 deals never holds them all
            for deal in store.deals(status="open", for_update=save):
                playbook = playbook_of(deal)
                if playbook.grading is None:
                    notes.append(message("grade.no_grading", lang, id=deal.id, name=deal.name, playbook=playbook.id))
                    continue
                result = grade_deal(deal, playbook, today, lang)
                results.append(result)
                updated = with_computed_grade(deal, result, today)
                if updated is not deal:
                    yield updated, grade_computed(result.grade, result.computed_rule.id)

        if save:
            changed = store.save_many(changes(), who)
        else:
            for _ in changes():
                pass  # a look (--explain): every deal graded, nothing saved
            changed = 0
    if closed:
        notes.append(message("grade.closed_skipped", lang, count=closed))
    results.sort(key=sort_key)
    return Regrade(results=results, notes=notes, changed=changed, closed=closed, saved=save)

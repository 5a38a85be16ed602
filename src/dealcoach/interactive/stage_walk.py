"""The interactive stage walk: questions from the playbook, answers applied by the core, one save.

Nothing is written until the last question is answered: Ctrl-C anywhere leaves the store as it was.
"""

from __future__ import annotations

from dealcoach import settings
from dealcoach.coaching.diagnosis import current_stage_index, diagnose, done_ids
from dealcoach.deals.edit import StageAnswers, apply_answers, stage_items_answer, with_fields
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang
from dealcoach.playbook.loader import load_playbook
from dealcoach.playbook.models import Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry
from dealcoach.store.base import DealStore


def stage_walk(store: DealStore, deal_ref: str | None, catalog: RoleCatalog, lang: Lang,
               no_color: bool) -> tuple[Deal, Playbook]:
    from dealcoach import prompts
    from dealcoach.render.console import console
    from dealcoach.render.diagnosis import processes_table

    if deal_ref is not None:
        deal = store.find(deal_ref)
    else:
        from dealcoach.usecases.reading import deal_choices

        choices = deal_choices(store, lang)
        picked = prompts.pick_deal(choices, lang) if choices else None
        deal = store.get(picked) if picked is not None else ask_new_deal(lang)
    playbook = for_industry(load_playbook(deal.playbook), deal.industry)
    console(no_color).print(processes_table(diagnose(deal, playbook, catalog, lang), lang))

    working = deal
    asked: set[str] = set()
    while True:
        settled = done_ids(working, playbook, catalog)  # the rep's ticks and what the facts show
        index, completed = current_stage_index(playbook, settled)
        stage = playbook.stages[index]
        if completed or stage.id in asked:
            break
        asked.add(stage.id)
        before = working.done_ids()
        # only what is not settled is asked; the rep's earlier ticks stand (--undone takes one back)
        checked = prompts.ask_stage_items(stage, before, lang, settled=settled) | before
        working = apply_answers(working, stage_items_answer(playbook, stage.id, checked, before), playbook, catalog)
        if not all(item in done_ids(working, playbook, catalog) for item in stage.gate_ids()):
            break  # the stage's gate is still open: this is where the deal stands

    step = prompts.ask_customer_step(playbook, working.customer_step, lang)
    signals: list[str] = []
    if step is None:  # not sure: the step is inferred from what the rep has seen
        signals = [s for s in prompts.ask_signals(playbook, working.signals, lang) if s not in working.signals]
    working = apply_answers(working, StageAnswers(customer_step=step or "unknown", signals=signals), playbook, catalog)

    who = settings.current_user()
    if working.id is None:
        return store.add(working, who), playbook
    return store.save(working, who), playbook


def ask_new_deal(lang: Lang) -> Deal:
    """A deal started in the walk: the same form as `deal new` (checked as typed, a draft on Ctrl-C)."""
    from dealcoach import prompts

    return with_fields(None, prompts.ask_new_deal(lang))

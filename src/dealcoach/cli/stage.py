"""`dealcoach stage`: where a deal really stands, what is missing, what to do next."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language


def stage(
    deal_ref: Annotated[str | None, typer.Argument(metavar="[DEAL]", help="Deal id or part of its name.")] = None,
    done: Annotated[list[str] | None, typer.Option("--done", help="Mark an item, criterion or milestone done (repeat).")] = None,
    undone: Annotated[list[str] | None, typer.Option("--undone", help="Mark an id as not done (repeat).")] = None,
    customer_step: Annotated[str | None, typer.Option("--customer-step", help="The customer step you observe ('unknown' clears it).")] = None,
    signal: Annotated[list[str] | None, typer.Option("--signal", help="A customer-step signal you observed (repeat).")] = None,
    evidence: Annotated[str | None, typer.Option("--evidence", help="Evidence note for the items marked --done.")] = None,
    answers: Annotated[Path | None, typer.Option("--answers", help="YAML file with done/undone/customer_step/signals.")] = None,
    deal_file: Annotated[Path | None, typer.Option("--deal-file", help="Diagnose a deal file; no database needed.")] = None,
    example: Annotated[str | None, typer.Option("--example", help="Diagnose a bundled example deal (see `example list`).")] = None,
    walk: Annotated[bool, typer.Option("--walk", help="Walk the checklist: asks only what is not settled yet.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Show everything: every action, what is missing, the evidence.")] = False,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """`stage DEAL` shows the diagnosis and asks nothing (fine in a pipe); --all shows everything.
    --walk (or `stage` with no deal, on a terminal) walks the checklist;
    --done/--undone/--customer-step or --answers record answers; --undone also overrules what the
    facts show.

    Example: dealcoach stage 宁夏 --done prospect-assessed --customer-step supplier-screening
    """
    from dealcoach import settings
    from dealcoach.coaching.stage_view import stage_view
    from dealcoach.deals.edit import StageAnswers, apply_answers, load_answers
    from dealcoach.deals.models import DoneMark
    from dealcoach.errors import UsageError
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_catalog, load_playbook

    lang_ = language(lang)
    sources = [name for name, given in (("DEAL", deal_ref), ("--deal-file", deal_file), ("--example", example)) if given]
    if len(sources) > 1:
        raise UsageError(f"give only one of {', '.join(sources)}")
    given = StageAnswers(
        done=[DoneMark(id=i, evidence=evidence) for i in done or []], undone=undone or [],
        customer_step=customer_step, signals=signal or [],
    )
    if answers is not None:
        given = load_answers(answers).then(given)
    catalog = load_catalog()

    if deal_file is not None or example is not None:
        # a file or example is diagnosed as given (plus any answers), never written anywhere
        if deal_file is not None:
            from dealcoach.deals.dealfile import load_deal_file

            deal, playbook = load_deal_file(deal_file)
        else:
            from dealcoach.examples import load_example

            loaded = load_example(example)  # type: ignore[arg-type]
            deal, playbook = loaded.deal, loaded.playbook
        if not given.is_empty():
            deal = apply_answers(deal, given, playbook, catalog)
        _show(stage_view(deal, playbook, catalog, lang_), lang_, json, no_color, show_all)
        return

    from dealcoach.store import open_store

    with open_store() as store:
        if deal_ref is not None and not walk:
            deal = store.find(deal_ref)
            playbook = load_playbook(deal.playbook, deal.industry)  # as the deal's industry has it
            if not given.is_empty():
                updated = apply_answers(deal, given, playbook, catalog)
                deal = store.save(updated, settings.current_user())
            _show(stage_view(deal, playbook, catalog, lang_), lang_, json, no_color, show_all)
            return
        if not given.is_empty():
            raise UsageError("--done/--undone/--customer-step/--answers need a DEAL (or --deal-file)")

        from dealcoach.prompts import require_terminal

        require_terminal(message("hint.stage_no_tty", lang_))
        from dealcoach.interactive.stage_walk import stage_walk

        deal, playbook = stage_walk(store, deal_ref, catalog, lang_, no_color)
        diagnosis = stage_view(deal, playbook, catalog, lang_)
        # the walk just asked for the customer's step: say so in its words, not a flag's
        diagnosis.notes = [message("note.customer_assumed_walk", lang_) if note == message("note.customer_assumed", lang_)
                           else note for note in diagnosis.notes]
        _show(diagnosis, lang_, json, no_color, show_all)


def _show(diagnosis, lang, json: bool, no_color: bool, full: bool = False) -> None:
    if json:
        emit_json(diagnosis.model_dump(mode="json"))
        return
    from dealcoach.render.console import console
    from dealcoach.render.diagnosis import render_diagnosis

    render_diagnosis(console(no_color), diagnosis, lang, full=full)

"""`dealcoach objections`: the objections each stakeholder is likely to raise at the deal's stage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language


def objections(
    deal_ref: Annotated[str | None, typer.Argument(metavar="[DEAL]", help="Deal id or part of its name.")] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Predict for this sales stage instead of the current one (a stage id).")] = None,
    deal_file: Annotated[Path | None, typer.Option("--deal-file", help="A deal file; no database needed.")] = None,
    example: Annotated[str | None, typer.Option("--example", help="A bundled example deal (see `example list`).")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Per person on the buying side: what they may say at this stage (by the eight causes), the
    evidence to prepare for how far they trust us, the risk it voices and the commitment that
    lowers it, and the decision blockers they show. Read it before the meeting you will not attend.

    Example: dealcoach objections 宁夏
    """
    from dealcoach.coaching.objections import predict_objections
    from dealcoach.errors import UsageError
    from dealcoach.playbook.loader import load_catalog, load_playbook

    lang_ = language(lang)
    sources = [name for name, given in (("DEAL", deal_ref), ("--deal-file", deal_file), ("--example", example)) if given]
    if len(sources) != 1:
        raise UsageError("give one of DEAL, --deal-file or --example" if not sources
                         else f"give only one of {', '.join(sources)}")
    catalog = load_catalog()
    if deal_file is not None:
        from dealcoach.deals.dealfile import load_deal_file

        deal, playbook = load_deal_file(deal_file)
    elif example is not None:
        from dealcoach.examples import load_example

        loaded = load_example(example)
        deal, playbook = loaded.deal, loaded.playbook
    else:
        from dealcoach.store import open_store

        with open_store() as store:
            deal = store.find(deal_ref)  # type: ignore[arg-type]
        playbook = load_playbook(deal.playbook)
    report = predict_objections(deal, playbook, catalog, lang_, stage)
    if json:
        emit_json(report.model_dump(mode="json"))
        return
    from dealcoach.render.console import console
    from dealcoach.render.objections import render_objections

    render_objections(console(no_color), report, lang_)

"""`dealcoach deal new|list|show|edit|rm|import|export`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language, write_or_echo

app = typer.Typer(no_args_is_help=True)  # its summary is in COMMANDS

DealArg = Annotated[str, typer.Argument(metavar="DEAL", help="Deal id or an unambiguous part of its name.")]
NameOpt = Annotated[str | None, typer.Option("--name", help="Deal name.")]
AccountOpt = Annotated[str | None, typer.Option("--account", help="The customer account.")]
PlaybookOpt = Annotated[str | None, typer.Option("--playbook", help="six-step or eight-step (or your own).")]
AmountOpt = Annotated[str | None, typer.Option("--amount", help="Amount, e.g. 800000 or 800,000.")]
CurrencyOpt = Annotated[str | None, typer.Option("--currency", help="ISO currency code, e.g. CNY.")]
CloseOpt = Annotated[str | None, typer.Option("--close", help="Expected close date, YYYY-MM-DD.")]
ProbabilityOpt = Annotated[str | None, typer.Option("--probability", help="0..1 or a percentage like 20%.")]
StepOpt = Annotated[str | None, typer.Option("--customer-step", help="The customer purchase step you observe.")]
NotesOpt = Annotated[str | None, typer.Option("--notes", help="Free notes.")]
CompetitorOpt = Annotated[list[str] | None, typer.Option("--competitor", help="A competitor's name (repeat).")]
CriteriaStateOpt = Annotated[str | None, typer.Option("--criteria-state", help="How settled the customer's purchase criteria are: unknown, uncertain, partial or settled (or 未知型, 半确定型...).")]
CriteriaFavoursOpt = Annotated[str | None, typer.Option("--criteria-favour", help="Whom the criteria favour: us, neutral, competitor or unknown.")]
CriterionOpt = Annotated[list[str] | None, typer.Option("--criterion", help="One of the customer's purchase criteria as they state it (repeat; replaces the list; '' clears it).")]
CultureOpt = Annotated[str | None, typer.Option("--culture", help="The account's decision culture: centralised or delegated (集权, 授权); '' clears it.")]


def _changes(name, account, playbook, amount, currency, close, probability, customer_step, notes, competitors,
             criteria_state=None, criteria_favour=None, criterion=None, culture=None) -> dict:
    given = {"name": name, "account": account, "playbook": playbook, "amount": amount, "currency": currency,
             "expected_close": close, "probability": probability, "customer_step": customer_step, "notes": notes,
             "culture": culture}
    changes = {key: value for key, value in given.items() if value is not None}
    if competitors:
        changes["competitors"] = competitors
    criteria = {key: value for key, value in (("state", criteria_state), ("favours", criteria_favour),
                                              ("items", [c for c in criterion or [] if c.strip()] if criterion else None))
                if value is not None}
    if criteria:
        changes["criteria"] = criteria  # merged into what the deal records (deals/edit.py with_fields)
    return changes


@app.command("new")
def new(name: NameOpt = None, account: AccountOpt = None, playbook: PlaybookOpt = None, amount: AmountOpt = None,
        currency: CurrencyOpt = None, close: CloseOpt = None, probability: ProbabilityOpt = None,
        customer_step: StepOpt = None, notes: NotesOpt = None, competitor: CompetitorOpt = None,
        criteria_state: CriteriaStateOpt = None, criteria_favour: CriteriaFavoursOpt = None,
        criterion: CriterionOpt = None, culture: CultureOpt = None,
        lang: LangOption = None, json: JsonOption = False) -> None:
    """Create a deal, by flags or (without --name, on a terminal) by answering a few questions.

    Example: dealcoach deal new --name 宁夏新工程项目工业油 --account 宁夏某新工程项目 --amount 800000 --close 2015-11-30
    """
    from dealcoach import settings
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.deals import new_deal

    lang_ = language(lang)
    changes = _changes(name, account, playbook, amount, currency, close, probability, customer_step, notes, competitor,
                       criteria_state, criteria_favour, criterion, culture)
    if name is None:
        from dealcoach.prompts import require_terminal

        require_terminal(message("hint.new_no_tty", lang_))
        from dealcoach.prompts import ask_new_deal

        changes = {**ask_new_deal(lang_), **changes}
    deal = new_deal(changes)
    with open_store() as store:
        stored = store.add(deal, settings.current_user())
    if json:
        emit_json(stored.model_dump(mode="json"))
    else:
        typer.echo(message("deal.created", lang_, id=stored.id, name=stored.name))


@app.command("list")
def list_deals(
    owner: Annotated[str | None, typer.Option("--owner", help="Only this rep's deals.")] = None,
    stage: Annotated[str | None, typer.Option("--stage", help="Only deals at this sales stage (its id, e.g. entry).")] = None,
    grade: Annotated[list[str] | None, typer.Option("--grade", help="Only these grades: A, B, C, D, - (ungraded); repeat or A,B.")] = None,
    status: Annotated[str, typer.Option("--status", help="open, won, lost or all.")] = "all",
    at_risk: Annotated[bool, typer.Option("--at-risk", help="Only deals at risk (a high warning, or the customer ahead of us).")] = False,
    stale: Annotated[int | None, typer.Option("--stale", metavar="DAYS", help="Only deals not touched for DAYS days or more (never contacted included).")] = None,
    sort: Annotated[str, typer.Option("--sort", help="id, risk, amount, close, stale, grade, owner or name.")] = "id",
    limit: Annotated[int, typer.Option("--limit", min=1, help="Show this many deals (--json carries all).")] = 50,
    show_all: Annotated[bool, typer.Option("--all", help="Show every deal.")] = False,
    lang: LangOption = None, json: JsonOption = False, no_color: NoColorOption = False,
) -> None:
    """List the stored deals with their status, stage, grade and next follow-up.

    Example: dealcoach deal list --status open --owner amy
    """
    import datetime as dt

    from dealcoach.store import open_store
    from dealcoach.cli.filters import make_filters
    from dealcoach.usecases.pipeline import deal_list, stage_ids

    lang_ = language(lang)
    filters = make_filters(owner, stage, grade, status, at_risk, stale, sort,
                           stage_ids=stage_ids() if stage is not None else None)
    with open_store() as store:
        rows, records, empty = deal_list(store, lang_, dt.date.today(), filters)
    if json:
        from dealcoach.cli.options import emit_json_encoded

        emit_json_encoded(records)
        return
    from dealcoach.render.console import console
    from dealcoach.render.pipeline import deal_list_table

    out = console(no_color)
    if empty:
        out.print(empty, markup=False, highlight=False)
        return
    shown = rows if show_all else rows[:limit]
    out.print(deal_list_table(shown, lang_))
    if len(shown) < len(rows):
        from dealcoach.i18n import message

        out.print(message("deal.shown", lang_, shown=len(shown), more=len(rows) - len(shown)), markup=False,
                  highlight=False)


@app.command("show")
def show(deal_ref: DealArg, lang: LangOption = None, json: JsonOption = False, no_color: NoColorOption = False) -> None:
    """Show one deal: its fields, what is done (with evidence), the people, and its history.

    Example: dealcoach deal show 宁夏
    """
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal = store.find(deal_ref)
        history = store.history(deal.id)  # type: ignore[arg-type]
    if json:
        emit_json({**deal.model_dump(mode="json"), "history": [h.model_dump(mode="json") for h in history]})
        return
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.render.console import console
    from dealcoach.render.deals import deal_panel

    from dealcoach.playbook.loader import load_catalog

    console(no_color).print(deal_panel(deal, history, load_playbook(deal.playbook), lang_, load_catalog()))


@app.command("edit")
def edit(deal_ref: DealArg, name: NameOpt = None, account: AccountOpt = None, playbook: PlaybookOpt = None,
         amount: AmountOpt = None, currency: CurrencyOpt = None, close: CloseOpt = None,
         probability: ProbabilityOpt = None, customer_step: StepOpt = None, notes: NotesOpt = None,
         competitor: CompetitorOpt = None, criteria_state: CriteriaStateOpt = None,
         criteria_favour: CriteriaFavoursOpt = None, criterion: CriterionOpt = None, culture: CultureOpt = None,
         owner: Annotated[str | None, typer.Option("--owner", help="Reassign the deal to this rep (recorded in its history).")] = None,
         milestone: Annotated[str | None, typer.Option("--milestone-date", help="When the next key milestone falls (a decision meeting, the bid opening); '' clears it.")] = None,
         pain_kind: Annotated[list[str] | None, typer.Option("--pain-kind", metavar="PAIN=TYPE", help="A pain's need type, e.g. 交货不及时=基本型 (basic, expected, exciting, indifferent, reverse; repeat).")] = None,
         lang: LangOption = None, json: JsonOption = False) -> None:
    """Change a deal's fields by flags (or, with no flags on a terminal, by answering questions).

    Example: dealcoach deal edit 宁夏 --probability 35% --close 2015-12-15
    """
    from dealcoach import settings
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.deals import update_deal

    lang_ = language(lang)
    changes = _changes(name, account, playbook, amount, currency, close, probability, customer_step, notes, competitor,
                       criteria_state, criteria_favour, criterion, culture)
    if owner is not None:
        if not owner.strip():
            from dealcoach.errors import UsageError

            raise UsageError("--owner: give the rep's name")
        changes["owner"] = owner.strip()
    if milestone is not None:  # followup times touches around it (前紧后松)
        changes["milestone_on"] = milestone or None
    with open_store() as store:
        deal = store.find(deal_ref)
        if pain_kind:
            from dealcoach.deals.edit import pain_kinds

            changes["pains"] = pain_kinds(deal, pain_kind)
        if not changes:
            from dealcoach import prompts

            prompts.require_terminal(message("hint.edit_no_tty", lang_))
            changes = {**prompts.ask_deal_edits(deal, lang_), **prompts.ask_deal_shaping(deal, lang_)}
        saved = update_deal(store, deal, changes, settings.current_user())
    if json:
        emit_json(saved.model_dump(mode="json"))
    elif saved.version == deal.version:
        typer.echo(message("deal.unchanged", lang_, id=saved.id))
    else:
        typer.echo(message("deal.saved", lang_, id=saved.id, name=saved.name))


@app.command("rm")
def remove(deal_ref: DealArg, yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
           lang: LangOption = None) -> None:
    """Remove a deal and its history (asks first; --yes to skip the question).

    Example: dealcoach deal rm 宁夏 --yes
    """
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal = store.find(deal_ref)
        if not yes:
            from dealcoach import prompts

            prompts.require_terminal(message("hint.rm_no_tty", lang_))
            if not prompts.ask_confirm(message("prompt.confirm_rm", lang_, deal=f"{deal.id}: {deal.name}")):
                typer.echo(message("deal.kept", lang_))
                return
        store.delete(deal.id)  # type: ignore[arg-type]
    typer.echo(message("deal.removed", lang_, id=deal.id, name=deal.name))


@app.command("import")
def import_deals(files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Deal files (YAML).")],
                 as_new: Annotated[bool, typer.Option("--as-new", help="Add every file as a new deal, even one exported from this store.")] = False,
                 dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would be added or updated; change nothing.")] = False,
                 lang: LangOption = None, json: JsonOption = False) -> None:
    """Import deal files, all or nothing: one bad file imports none.

    A file exported from this store updates its deal (matched by id, or by name and account; the
    changes are listed first); --as-new adds a copy instead. The owner in the file is kept.

    Example: dealcoach deal import ningxia.yaml
    """
    from dealcoach import settings
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.render.deals import change_line
    from dealcoach.store import open_store
    from dealcoach.usecases.deals import import_deals, read_deal_files
    from dealcoach.usecases.importing import plan_import

    lang_ = language(lang)
    deals = read_deal_files(files)  # every file is checked before the store is opened
    with open_store() as store, store.transaction():
        plans = [plan_import(store, deal, as_new) for deal in deals]
        for path, plan in zip(files, plans, strict=True):
            if plan.action == "update":  # shown before it is applied
                typer.echo(message("deal.import_update", lang_, path=str(path), id=plan.deal.id, name=plan.deal.name,
                                   by=message("deal.matched_id" if plan.matched_by == "id" else "deal.matched_name",
                                              lang_), changes=change_line(plan.changes or "", lang_, load_playbook(plan.deal.playbook))),
                           err=True)
        stored = [plan.deal for plan in plans] if dry_run else \
            import_deals(store, deals, settings.current_user(), plans=plans, sources=[path.name for path in files])
    if json:
        emit_json([{**d.model_dump(mode="json"), "action": p.action} for d, p in zip(stored, plans, strict=True)])
        return
    for deal, plan in zip(stored, plans, strict=True):
        key = {"add": "deal.imported", "update": "deal.import_updated", "unchanged": "deal.unchanged"}[plan.action]
        if dry_run:
            key = {"add": "deal.import_would_add", "update": "deal.import_would_update",
                   "unchanged": "deal.unchanged"}[plan.action]
        typer.echo(message(key, lang_, id=deal.id, name=deal.name))


@app.command("export")
def export(deal_ref: DealArg,
           output: Annotated[Path | None, typer.Option("-o", "--output", help="Write to FILE instead of stdout.")] = None,
           lang: LangOption = None) -> None:
    """Export a deal as a deal file (YAML) that `deal import` and `stage --deal-file` read back.

    Example: dealcoach deal export 宁夏 -o ningxia.yaml
    """
    from dealcoach.deals.dealfile import dump_deal
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        text = dump_deal(store.find(deal_ref))
    write_or_echo(output, text, message("deal.exported", lang_, path=str(output)))


@app.command("close")
def close(deal_ref: DealArg,
          won: Annotated[bool | None, typer.Option("--won/--lost", help="Closed won, or lost.", show_default=False)] = None,
          reason: Annotated[str | None, typer.Option("--reason", help="Why it was won or lost.")] = None,
          date: Annotated[str | None, typer.Option("--date", help="Close date (default: today), YYYY-MM-DD.")] = None,
          lang: LangOption = None) -> None:
    """Close a deal won or lost, with the reason.

    Example: dealcoach deal close 宁夏 --lost --reason "采购标准对我方不利,退出等待下次机会"
    """
    from dealcoach import settings
    from dealcoach.deals.edit import close_deal
    from dealcoach.errors import UsageError
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    if won is None:
        from dealcoach.error_text import keyed_error

        raise keyed_error(UsageError, "error.won_or_lost")
    from dealcoach.cli.options import typed_date

    on = typed_date(date, "--date")
    with open_store() as store:
        deal = store.find(deal_ref)
        saved = store.save(close_deal(deal, won, reason, on), settings.current_user())
    typer.echo(message("deal.closed_won" if won else "deal.closed_lost", lang_, id=saved.id, name=saved.name))


@app.command("vip")
def vip(deal_ref: DealArg,
        loyal: Annotated[bool | None, typer.Option("--loyal/--not-loyal", help="The VIP customer bought again.",
                                                   show_default=False)] = None,
        remove: Annotated[bool, typer.Option("--remove", help="No longer a VIP customer.")] = False,
        lang: LangOption = None) -> None:
    """Mark a won customer as VIP, and later as loyal (a repeat purchase).

    Example: dealcoach deal vip 宁夏 --loyal
    """
    from dealcoach import settings
    from dealcoach.deals.edit import mark_vip
    from dealcoach.i18n import message
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal = store.find(deal_ref)
        saved = store.save(mark_vip(deal, vip=not remove, loyal=loyal), settings.current_user())
    typer.echo(message("deal.vip" if saved.vip else "deal.not_vip", lang_, id=saved.id, name=saved.name,
                       loyal=message("deal.loyal", lang_) if saved.loyal else ""))

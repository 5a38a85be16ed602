"""`dealcoach log DEAL` and `dealcoach log add DEAL`: the activity log of a deal."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from typer.core import TyperGroup

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, language


class _ShowByDefault(TyperGroup):
    """`dealcoach log DEAL` reads as `dealcoach log show DEAL`; `log add DEAL` adds."""

    def parse_args(self, ctx, args):  # type: ignore[override]
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(cls=_ShowByDefault, help="`dealcoach log DEAL` shows it; `dealcoach log add DEAL` adds to it.", no_args_is_help=True)

DealArg = Annotated[str, typer.Argument(metavar="DEAL", help="Deal id or an unambiguous part of its name.")]


@app.command("show")
def show(deal_ref: DealArg, lang: LangOption = None, json: JsonOption = False, no_color: NoColorOption = False) -> None:
    """Show a deal's activities, newest last.

    Example: dealcoach log 宁夏 --json
    """
    from dealcoach.store import open_store

    lang_ = language(lang)
    with open_store() as store:
        deal = store.find(deal_ref)
    if json:
        emit_json([a.model_dump(mode="json") for a in deal.activities])
        return
    from dealcoach.render.activity import activity_table
    from dealcoach.render.console import console

    console(no_color).print(activity_table(deal, lang_))


def _parse_when(text: str | None) -> dt.datetime:
    if not text:
        return dt.datetime.now().replace(microsecond=0)
    from dealcoach.cli.options import typed_datetime

    return typed_datetime(text, "--date")


@app.command("add")
def add(
    deal_ref: DealArg,
    kind: Annotated[str | None, typer.Option("--kind", help="call, visit, email, meeting, demo or other.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="call: no-answer, connected, refused, call-back, "
                                                "meeting-booked; visit/meeting/demo: held, cancelled; email: sent, replied.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What happened.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Who (a person on the deal).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="When (default: now), YYYY-MM-DD[THH:MM].")] = None,
    pretext: Annotated[str | None, typer.Option("--pretext", help="The follow-up pretext used, e.g. festival-greeting.")] = None,
    form: Annotated[list[str] | None, typer.Option("--form", help="Visit summary field: FIELD=VALUE (repeat).")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
) -> None:
    """Log an activity; for a visit, the visit summary form (上门拜访总结报告表) is asked field by field.

    Example: dealcoach log add 宁夏 --kind call --outcome meeting-booked --contact 负责人A --note "约周三上门"
    """
    from dealcoach import settings
    from dealcoach.errors import UsageError
    from dealcoach.i18n import message
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.store import open_store
    from dealcoach.usecases.activity import log_activity, visit_form

    lang_ = language(lang)
    answers: dict = {}
    for item in form or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--form {item!r}: use FIELD=VALUE")
        answers[key.strip()] = value.strip()
    with open_store() as store:
        deal = store.find(deal_ref)
        playbook = load_playbook(deal.playbook)
        summary_form = visit_form(playbook)
        if kind is None or outcome is None:
            from dealcoach import prompts

            prompts.require_terminal(message("hint.log_no_tty", lang_))
            asked = prompts.ask_activity(deal, summary_form, kind, outcome, lang_)
            kind, outcome = asked["kind"], asked["outcome"]
            contact = contact or asked.get("contact")
            date = date or asked.get("date")
            note = note or asked.get("note")
            answers = {**asked.get("form", {}), **answers}
        elif kind == "visit" and outcome == "held" and not answers and summary_form is not None:
            from dealcoach import prompts

            if prompts.interactive_available():
                answers = prompts.ask_visit_form(summary_form, deal, lang_)
        if answers:
            known = {field.id for field in summary_form.fields} if summary_form else set()
            unknown = sorted(set(answers) - known)
            if unknown:
                raise UsageError(f"--form {unknown[0]}: not a field of the visit summary form "
                                 f"(fields: {', '.join(sorted(known)) or 'none'})")
        fields = {"date": _parse_when(date), "kind": kind, "outcome": outcome, "contact": contact, "note": note,
                  "pretext": pretext, "form": answers}
        saved = log_activity(store, deal, fields, settings.current_user(), playbook)
    # the new entry, wherever its date put it (a backdated one is not the last), as the model read it
    # (`--kind 电话` is stored as `call`)
    before = {activity.id for activity in deal.activities}
    added = next(activity for activity in saved.activities if activity.id not in before)
    if json:
        emit_json(added.model_dump(mode="json"))
    else:
        typer.echo(message("log.added", lang_, kind=message(f"kind.{added.kind}", lang_),
                           outcome=message(f"outcome.{added.outcome}", lang_), deal=saved.name))



ActivityArg = Annotated[str, typer.Argument(metavar="N", help="The activity's number as `dealcoach log DEAL` lists it (or its id).")]


@app.command("edit")
def edit(
    deal_ref: DealArg,
    activity: ActivityArg,
    kind: Annotated[str | None, typer.Option("--kind", help="call, visit, email, meeting, demo or other.")] = None,
    outcome: Annotated[str | None, typer.Option("--outcome", help="The corrected outcome, e.g. connected.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="What happened.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Who (a person on the deal).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="When, e.g. 2027-03-15 14:30.")] = None,
    lang: LangOption = None,
    json: JsonOption = False,
) -> None:
    """Correct one logged activity (recorded in the deal's history).

    Example: dealcoach log edit 宁夏 1 --outcome connected --note "接通了，约下周再谈"
    """
    from dealcoach import settings
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.activity import correct_activity

    lang_ = language(lang)
    when = _parse_when(date) if date else None
    with open_store() as store:
        deal = store.find(deal_ref)
        saved = correct_activity(store, deal, activity, {"date": when, "kind": kind, "outcome": outcome,
                                                         "contact": contact, "note": note}, settings.current_user())
    if json:
        emit_json([a.model_dump(mode="json") for a in saved.activities])
    else:
        typer.echo(message("log.corrected", lang_, number=activity, deal=saved.name))


@app.command("rm")
def remove(deal_ref: DealArg, activity: ActivityArg,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
           lang: LangOption = None) -> None:
    """Remove one logged activity entered by mistake (asks first; --yes to skip; recorded in history).

    Example: dealcoach log rm 宁夏 1 --yes
    """
    from dealcoach import settings
    from dealcoach.deals.edit import find_activity
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.activity import forget_activity

    lang_ = language(lang)
    with open_store() as store:
        deal = store.find(deal_ref)
        gone = deal.activities[find_activity(deal, activity)]
        if not yes:
            from dealcoach import prompts

            prompts.require_terminal(message("hint.log_rm_no_tty", lang_))
            described = (f"{gone.date.astimezone():%Y-%m-%d %H:%M} {message(f'kind.{gone.kind}', lang_)} "
                         f"{message(f'outcome.{gone.outcome}', lang_)} {gone.contact or ''}").strip()
            if not prompts.ask_confirm(message("prompt.confirm_log_rm", lang_, activity=described)):
                typer.echo(message("log.kept", lang_))
                return
        saved = forget_activity(store, deal, activity, settings.current_user())
    typer.echo(message("log.removed", lang_, deal=saved.name))

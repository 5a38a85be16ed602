"""`dealcoach followup` and `dealcoach funnel`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from dealcoach.cli.options import JsonOption, LangOption, NoColorOption, emit_json, emit_json_encoded, language

Owner = Annotated[str | None, typer.Option("--owner", help="Only this rep's deals.")]


def _date(text: str | None, flag: str) -> dt.date | None:
    from dealcoach.cli.options import typed_date

    return typed_date(text, flag)


def followup(
    days: Annotated[int, typer.Option("--days", min=0, help="Also list what falls due in the next N days.")] = 0,
    owner: Owner = None,
    today: Annotated[str | None, typer.Option("--today", help="Plan as of this date (YYYY-MM-DD).")] = None,
    ics: Annotated[Path | None, typer.Option("--ics", help="Write the plan as an iCalendar file.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows the table shows (--json and --ics carry all).")] = 50,
    all_: Annotated[bool, typer.Option("--all", help="Show every row.")] = False,
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """Overdue first, then by each deal's grade rhythm and last touch, with who to contact and why now.

    Example: dealcoach followup --days 7 --ics followups.ics
    """
    from dealcoach.coaching.followup import to_ics
    from dealcoach.i18n import message
    from dealcoach.store import open_store
    from dealcoach.usecases.reading import PlaybooksById, follow_up_plan

    lang_ = language(lang)
    day = _date(today, "--today") or dt.date.today()
    with open_store() as store:
        playbooks = PlaybooksById()
        plan = follow_up_plan(store, owner, day, days, lang_, playbooks)
        from dealcoach.usecases.followup import add_borrow_strength

        # whom to borrow strength from: for the rows the table shows (every row with --all)
        plan = add_borrow_strength(store, plan, len(plan) if all_ else limit, playbooks, lang_)
    if ics is not None:
        from dealcoach.files import write_atomic

        write_atomic(ics, to_ics(plan, lang_))
        typer.echo(message("followup.ics_written", lang_, count=len(plan), path=str(ics)), err=True)
    if json:
        emit_json_encoded(plan.json_rows())
        return
    if ics is not None:
        return
    from dealcoach.render.activity import followup_table
    from dealcoach.render.console import console

    shown = plan if all_ else plan[:limit]
    out = console(no_color)
    out.print(followup_table(shown, day, lang_, days))
    if len(shown) < len(plan):
        out.print(message("followup.shown", lang_, shown=len(shown), more=len(plan) - len(shown)))


def funnel(
    since: Annotated[str | None, typer.Option("--since", help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to this date (YYYY-MM-DD).")] = None,
    owner: Owner = None,
    playbook: Annotated[str, typer.Option("--playbook", help="Whose stages and funnel advice to use.")] = "six-step",
    lang: LangOption = None,
    json: JsonOption = False,
    no_color: NoColorOption = False,
) -> None:
    """The rates: 有效电话率, 预约面谈率, 约见成功率, 成交率, VIP 转化率, VIP 转忠诚率, with what to work on;
    then stage conversion and days in stage.

    Example: dealcoach funnel --since 2026-01-01 --owner amy
    """
    from dealcoach.playbook.loader import load_playbook
    from dealcoach.store import open_store
    from dealcoach.usecases.reading import funnel_report

    lang_ = language(lang)
    start, end = _date(since, "--since"), _date(until, "--until")
    with open_store() as store:
        result = funnel_report(store, load_playbook(playbook), lang_, since=start, until=end, owner=owner)
    if json:
        data = result.model_dump(mode="json")
        data.update({rate["id"]: rate for rate in data["rates"]})  # the documented top-level keys
        emit_json(data)
        return
    from dealcoach.render.activity import render_funnel
    from dealcoach.render.console import console

    render_funnel(console(no_color), result, lang_)

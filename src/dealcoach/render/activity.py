"""The activity log, the follow-up plan and the funnel, for people."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dealcoach.coaching.followup import FollowUp
from dealcoach.coaching.funnel import Funnel
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message

BAR_WIDTH = 30


def activity_table(deal: Deal, lang: Lang) -> Table:
    table = Table(title=Text(f"{deal.name} · {message('log.title', lang)}"), title_justify="left")
    table.add_column("#", justify="right", no_wrap=True)  # the number `log edit` and `log rm` take
    for key in ("log.when", "log.kind", "log.outcome", "log.contact", "log.note"):
        table.add_column(message(key, lang), overflow="fold")
    for number, activity in enumerate(deal.activities, start=1):
        note = activity.note or ""
        if activity.meeting and activity.meeting.when:
            note = f"{note} [{activity.meeting.when} {activity.meeting.place or ''}]".strip()
        if activity.form:
            note = (note + " " + "; ".join(f"{k}: {v}" for k, v in activity.form.items())).strip()
        # shown in the reader's time zone (TZ), whatever zone it was logged in
        table.add_row(str(number), activity.date.astimezone().strftime("%Y-%m-%d %H:%M"), message(f"kind.{activity.kind}", lang),
                      message(f"outcome.{activity.outcome}", lang), Text(activity.contact or ""), Text(note))
    if not deal.activities:
        table.add_row("", "", "", "", "", message("log.empty", lang))
    return table


def followup_table(plan: list[FollowUp], today: dt.date, lang: Lang, days: int = 0) -> Table:
    """The call list; with a window (--days N) it is titled for the window, not for today."""
    until = (today + dt.timedelta(days=days)).isoformat()
    title = (message("followup.title_window", lang, date=today.isoformat(), days=days, until=until) if days
             else message("followup.title", lang, date=today.isoformat()))
    table = Table(title=title, title_justify="left")
    for key in ("followup.due_col", "col.name", "log.contact", "followup.grade", "followup.why", "followup.pretext"):
        table.add_column(message(key, lang), overflow="fold")
    for item in plan:
        shown = item.at.astimezone().strftime("%Y-%m-%d %H:%M") if item.at and item.at.tzinfo else \
            item.at.strftime("%Y-%m-%d %H:%M") if item.at else item.due.isoformat()
        due = Text(shown, style="bold red" if item.days_overdue else "bold cyan" if item.at else "")
        grade = f"{item.grade}" + (f" ({message('followup.manual', lang)})" if item.grade_source == "manual" else "")
        pretext = Text(item.pretext or "")
        if item.pretext_detail:
            pretext.append(f"\n{item.pretext_detail}", style="dim")
        table.add_row(due, Text(item.deal), Text(item.contact or "—"), grade, Text(item.why), pretext)
    if not plan:
        table.add_row("", message("followup.nothing_window", lang, until=until) if days
                      else message("followup.nothing", lang), "", "", "", "")
    return table


def render_funnel(console: Console, funnel: Funnel, lang: Lang) -> None:
    table = Table(title=message("funnel.title", lang, deals=funnel.deals), title_justify="left")
    table.add_column(message("funnel.rate", lang), overflow="fold")
    table.add_column("", no_wrap=True)
    table.add_column(message("funnel.count", lang), justify="right")
    table.add_column("%", justify="right")
    for rate in funnel.rates:
        if rate.rate is None:
            bar, percent = Text("", style="dim"), Text(message("funnel.no_rate", lang), style="dim")
        else:
            filled = round(rate.rate * BAR_WIDTH)
            weak = rate.benchmark is not None and rate.rate < rate.benchmark
            bar = Text("█" * filled + "░" * (BAR_WIDTH - filled), style="red" if weak else "green")
            percent = Text(f"{rate.rate:.0%}", style="red" if weak else "")
        name = Text(rate.name, style="bold" if rate.id == funnel.weakest else "")
        table.add_row(name, bar, f"{rate.numerator}/{rate.denominator}", percent)
    console.print(table)
    if funnel.weakest and funnel.diagnosis:
        console.print(Text.assemble((message("funnel.weakest", lang) + " ", "bold red"),
                                    next(r.name for r in funnel.rates if r.id == funnel.weakest)))
        console.print(Text(funnel.diagnosis))
        if funnel.work_on:
            console.print(Text.assemble((message("funnel.work_on", lang) + " ", "bold"), funnel.work_on))
    elif funnel.too_few:
        console.print(Text(funnel.too_few, style="yellow"))
    stages = Table(title=message("funnel.stages", lang), title_justify="left")
    for key in ("col.sales_stage", "funnel.reached", "funnel.completed", "funnel.conversion", "funnel.median_days"):
        stages.add_column(message(key, lang), overflow="fold")
    for flow in funnel.stages:
        stages.add_row(Text(flow.name), str(flow.reached), str(flow.completed),
                       message("funnel.no_rate", lang) if flow.conversion is None else f"{flow.conversion:.0%}",
                       message("funnel.no_rate", lang) if flow.median_days is None else f"{flow.median_days:g}")
    console.print(stages)

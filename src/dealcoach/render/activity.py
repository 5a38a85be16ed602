"""The activity log, the follow-up plan and the funnel, for people."""

from __future__ import annotations

import datetime as dt

from rich.console import Console
from rich.text import Text

from dealcoach import typeset
from dealcoach.coaching.followup import FollowUp
from dealcoach.coaching.funnel import Funnel
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.render.console import WHOLE, WRAP, FittedColumn, Fitted

BAR_WIDTH = 30


# the number `log edit` and `log rm` take, and the time, are never split; the note wraps
ACTIVITY_COLUMNS = (
    FittedColumn("", "right", 10, WHOLE, header="#"), FittedColumn("log.when", "left", 9, WHOLE),
    FittedColumn("log.kind", "left", 8, WHOLE), FittedColumn("log.outcome", "left", 7, WRAP, 4),
    FittedColumn("log.contact", "left", 5, WRAP, 6), FittedColumn("log.note", "left", 6, WRAP, 16),
)


def activity_table(deal: Deal, lang: Lang):
    rows = []
    for number, activity in enumerate(deal.activities, start=1):
        note = activity.note or ""
        if activity.meeting and activity.meeting.when:
            note = f"{note} [{activity.meeting.when} {activity.meeting.place or ''}]".strip()
        if activity.form:
            note = (note + " " + "; ".join(f"{k}: {v}" for k, v in activity.form.items())).strip()
        # shown in the reader's time zone (TZ), whatever zone it was logged in
        rows.append([str(number), activity.date.astimezone().strftime("%Y-%m-%d %H:%M"),
                     message(f"kind.{activity.kind}", lang), message(f"outcome.{activity.outcome}", lang),
                     Text(activity.contact or ""), Text(note)])
    if not deal.activities:
        rows.append(["", "", "", "", "", message("log.empty", lang)])
    return Fitted(ACTIVITY_COLUMNS, rows, lang,
                  title=Text(f"{deal.name} · {message('log.title', lang)}"), title_justify="left")


FOLLOWUP_COLUMNS = (
    FittedColumn("followup.due_col", "left", 10, WHOLE), FittedColumn("col.name", "left", 9, WRAP, 10),
    FittedColumn("log.contact", "left", 6, WRAP, 6), FittedColumn("followup.grade", "left", 7, WHOLE),
    FittedColumn("followup.why", "left", 5, WRAP, 12), FittedColumn("followup.pretext", "left", 4, WRAP, 12),
)


def followup_table(plan: list[FollowUp], today: dt.date, lang: Lang, days: int = 0):
    """The call list; with a window (--days N) it is titled for the window, not for today."""
    until = (today + dt.timedelta(days=days)).isoformat()
    title = (message("followup.title_window", lang, date=today.isoformat(), days=days, until=until) if days
             else message("followup.title", lang, date=today.isoformat()))
    rows = []
    for item in plan:
        shown = item.at.astimezone().strftime("%Y-%m-%d %H:%M") if item.at and item.at.tzinfo else \
            item.at.strftime("%Y-%m-%d %H:%M") if item.at else item.due.isoformat()
        due = Text(shown, style="bold red" if item.days_overdue else "bold cyan" if item.at else "")
        grade = f"{item.grade}" + (f" ({message('followup.manual', lang)})" if item.grade_source == "manual" else "")
        pretext = Text(item.pretext or "")
        if item.pretext_detail:
            pretext.append(f"\n{item.pretext_detail}", style="dim")
        rows.append([due, Text(item.deal), Text(item.contact or "—"), grade, _why(item, lang), pretext])
    if not plan:
        rows.append(["", message("followup.nothing_window", lang, until=until) if days
                     else message("followup.nothing", lang), "", "", "", ""])
    return Fitted(FOLLOWUP_COLUMNS, rows, lang, title=title, title_justify="left")


RATE_COLUMNS = (FittedColumn("funnel.rate", "left", 10, WRAP, 8), FittedColumn("", "left", 1, WHOLE),
                FittedColumn("funnel.count", "right", 9, WHOLE), FittedColumn("", "right", 9, WHOLE, header="%"))
STAGE_FLOW_COLUMNS = (
    FittedColumn("col.sales_stage", "left", 10, WRAP, 8), FittedColumn("funnel.reached", "right", 9, WHOLE),
    FittedColumn("funnel.completed", "right", 8, WHOLE), FittedColumn("funnel.conversion", "right", 7, WHOLE),
    FittedColumn("funnel.median_days", "right", 6, WHOLE),
)


def _why(item: FollowUp, lang: Lang) -> Text:
    """Why now, then how persistent we have been with them and whom to borrow strength from."""
    why = Text(item.why)
    if item.persistence:
        why.append(f"\n{item.persistence}", style="dim")
    for borrow in item.borrow:
        label = typeset.colon(message("followup.borrow", lang), lang)
        why.append(f"\n{label}{typeset.colon(borrow.who, lang)}{borrow.ask}", style="cyan")
    return why


def render_funnel(console: Console, funnel: Funnel, lang: Lang) -> None:
    rows = []
    for rate in funnel.rates:
        if rate.rate is None:
            bar, percent = Text("", style="dim"), Text(message("funnel.no_rate", lang), style="dim")
        else:
            filled = round(rate.rate * BAR_WIDTH)
            weak = rate.benchmark is not None and rate.rate < rate.benchmark
            bar = Text("█" * filled + "░" * (BAR_WIDTH - filled), style="red" if weak else "green")
            percent = Text(f"{rate.rate:.0%}", style="red" if weak else "")
        name = Text(rate.name, style="bold" if rate.id == funnel.weakest else "")
        rows.append([name, bar, f"{rate.numerator}/{rate.denominator}", percent])
    console.print(Fitted(RATE_COLUMNS, rows, lang,
                         title=message("funnel.title", lang, deals=funnel.deals), title_justify="left"))
    if funnel.weakest and funnel.diagnosis:
        console.print(Text.assemble((message("funnel.weakest", lang) + " ", "bold red"),
                                    next(r.name for r in funnel.rates if r.id == funnel.weakest)))
        console.print(Text(funnel.diagnosis))
        if funnel.work_on:
            console.print(Text.assemble((message("funnel.work_on", lang) + " ", "bold"), funnel.work_on))
    elif funnel.too_few:
        console.print(Text(funnel.too_few, style="yellow"))
    no_rate = message("funnel.no_rate", lang)
    rows = [[Text(flow.name), str(flow.reached), str(flow.completed),
             no_rate if flow.conversion is None else f"{flow.conversion:.0%}",
             no_rate if flow.median_days is None else f"{flow.median_days:g}"] for flow in funnel.stages]
    console.print(Fitted(STAGE_FLOW_COLUMNS, rows, lang,
                         title=message("funnel.stages", lang), title_justify="left"))

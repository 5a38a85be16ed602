"""The pipeline review for people (Rich), and as a flat table for CSV/XLSX."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Console
from rich.text import Text

from dealcoach.coaching.pipeline import PipelineReview, PipelineRow, Totals
from dealcoach.i18n import Lang, message
from dealcoach.render.console import CUT, WHOLE, WRAP, FittedColumn, Fitted
from dealcoach.render.deals import money, percent

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def step_gap(row: PipelineRow) -> str:
    """The customer's step with the gap to our stage: +2 means the customer is two steps ahead."""
    gap = f" ({row.gap:+d})" if row.gap else ""
    return f"{row.customer_step_name}{gap}"


def touch_text(row: PipelineRow, lang: Lang) -> str:
    if row.days_since_touch is None:
        return message("pipeline.never", lang)
    return message("pipeline.days_ago", lang, days=row.days_since_touch)


def follow_up_text(row: PipelineRow, lang: Lang) -> str:
    if row.next_follow_up is None:
        return ""
    text = row.next_follow_up.isoformat()
    if row.follow_up_overdue:
        text += " " + message("pipeline.overdue", lang, days=row.follow_up_overdue)
    return text


def status_text(row: PipelineRow, lang: Lang) -> str:
    return message(f"status.{row.status}", lang)


def money_lines(totals: Totals, weighted: bool) -> str:
    return "\n".join(money(m.weighted if weighted else m.amount, m.currency) for m in totals.money)


def apart_text(totals: Totals, lang: Lang) -> str:
    parts = []
    if totals.without_amount:
        parts.append(message("pipeline.without_amount", lang, count=totals.without_amount))
    if totals.without_probability:
        parts.append(message("pipeline.without_probability", lang, count=totals.without_probability))
    return "; ".join(parts)


# the review's rows: one line per deal, long texts cut with an ellipsis (the brief and --json carry
# them whole); numbers, dates and amounts whole; the least important columns left out first
ROW_COLUMNS = (
    FittedColumn("col.risk", "right", 9, WHOLE), FittedColumn("col.id", "right", 8, WHOLE),
    FittedColumn("col.name", "left", 10, CUT, 10, 28), FittedColumn("col.owner", "left", 4, CUT, 4, 12),
    FittedColumn("col.amount", "right", 6, WHOLE), FittedColumn("col.close", "left", 3, WHOLE),
    FittedColumn("col.grade", "center", 7, WHOLE), FittedColumn("col.stage_step", "left", 9, CUT, 14, 40),
    FittedColumn("col.top_warning", "left", 5, CUT, 14, 48), FittedColumn("col.last_touch", "right", 2, WHOLE),
    FittedColumn("col.next_follow_up", "left", 1, WHOLE), FittedColumn("col.next_action", "left", 0, CUT, 14, 48),
)


def rows_table(review: PipelineReview, lang: Lang, limit: int | None):
    sort = review.filters.sort
    title = (message("pipeline.title", lang, date=review.today.isoformat(), count=len(review.rows)) if sort == "risk"
             else message("pipeline.title_sorted", lang, date=review.today.isoformat(), count=len(review.rows), sort=sort))
    shown = review.rows if limit is None else review.rows[:limit]
    cells = [[line[column.key] for column in ROW_COLUMNS] for line in (_cells(row, lang) for row in shown)]
    return Fitted(ROW_COLUMNS, cells, lang, title=title, title_justify="left")


def _cells(row: PipelineRow, lang: Lang) -> dict:
    name = Text(row.name)
    if row.status != "open":  # first, so a long name cut short never hides it
        name = Text(f"[{status_text(row, lang)}] ", style="bold") + name
    warning = Text("")
    if row.top_warning:
        warning = Text(row.top_warning.message, style=SEVERITY_STYLE[row.top_warning.severity])
        if len(row.warnings) > 1:
            warning = Text(f"(+{len(row.warnings) - 1}) ", style="dim") + warning
    position = Text(f"{row.stage_name} / ")
    position.append(step_gap(row), style="bold red" if row.gap > 0 else "")
    return {
        "col.risk": Text(f"{row.risk.score:g}", style="bold red" if row.at_risk else ""),
        "col.id": str(row.deal_id or ""), "col.name": name, "col.owner": Text(row.owner or ""),
        "col.amount": money(row.amount, row.currency), "col.close": str(row.expected_close or ""),
        "col.grade": row.grade or "-", "col.stage_step": position, "col.top_warning": warning,
        "col.last_touch": touch_text(row, lang),
        "col.next_follow_up": Text(follow_up_text(row, lang), style="red" if row.follow_up_overdue else ""),
        "col.next_action": Text(row.next_action or ""),
    }


TOTALS_COLUMNS = (FittedColumn("", "left", 9), FittedColumn("col.count", "right", 8, WHOLE),
                  FittedColumn("col.amount", "right", 7, WHOLE), FittedColumn("col.weighted", "right", 6, WHOLE),
                  FittedColumn("col.apart", "left", 5))


def totals_table(title: str, groups: list[Totals], lang: Lang, first_column: str):
    columns = (replace(TOTALS_COLUMNS[0], key=first_column), *TOTALS_COLUMNS[1:])
    rows = [[Text(group.name), str(group.count), money_lines(group, False), money_lines(group, True),
             apart_text(group, lang)] for group in groups]
    return Fitted(columns, rows, lang, title=title, title_justify="left")


REPS_COLUMNS = (FittedColumn("col.owner", "left", 9), FittedColumn("col.count", "right", 8, WHOLE),
                FittedColumn("col.amount", "right", 7, WHOLE), FittedColumn("col.weighted", "right", 5, WHOLE),
                FittedColumn("col.at_risk", "right", 6, WHOLE), FittedColumn("col.overdue", "right", 4, WHOLE),
                FittedColumn("col.weakest", "left", 3, WRAP, 12))


def reps_table(review: PipelineReview, lang: Lang):
    rows = []
    for rep in review.reps:
        weakest = Text(rep.weakest_step) if rep.weakest_step else Text(rep.weakest_note or "", style="dim")
        rows.append([Text(rep.name), str(rep.count), money_lines(rep, False), money_lines(rep, True),
                     str(rep.at_risk), str(rep.overdue_follow_ups), weakest])
    return Fitted(REPS_COLUMNS, rows, lang, title=message("pipeline.reps", lang), title_justify="left")


def render_review(console: Console, review: PipelineReview, lang: Lang, limit: int | None = 50) -> None:
    if review.empty:
        console.print(Text(review.empty))
        return
    console.print(rows_table(review, lang, limit))
    if limit is not None and len(review.rows) > limit:
        console.print(Text(message("pipeline.shown", lang, shown=limit, more=len(review.rows) - limit), style="dim"))
    console.print(Text(message("pipeline.risk_note", lang), style="dim"))
    if review.changes is not None:
        render_changes(console, review, lang)
    console.print(totals_table(message("pipeline.by_stage", lang), review.by_stage, lang, "col.stage"))
    console.print(totals_table(message("pipeline.by_grade", lang), review.by_grade, lang, "col.grade"))
    if any(r.status == "open" for r in review.rows):
        console.print(totals_table(message("pipeline.forecast", lang), list(review.forecast), lang, "col.close"))
        if review.past_close:
            console.print(Text(message("pipeline.past_close", lang, count=review.past_close), style="yellow"))
        if review.without_close:
            console.print(Text(message("pipeline.without_close", lang, count=review.without_close), style="dim"))
    console.print(reps_table(review, lang))


def render_changes(console: Console, review: PipelineReview, lang: Lang) -> None:
    since = review.since.isoformat() if review.since else ""
    if review.history_note:
        console.print(Text(review.history_note, style="yellow"))
        return
    if not review.changes:
        console.print(Text(message("pipeline.no_changes", lang, since=since)))
        return
    rows = [[Text(f"{deal.deal_id}: {deal.name}"), Text(deal.owner or ""),
             Text("\n".join(change.text for change in deal.changes))] for deal in review.changes]
    console.print(Fitted(CHANGES_COLUMNS, rows, lang,
                         title=message("pipeline.changes", lang, since=since), title_justify="left"))


CHANGES_COLUMNS = (FittedColumn("col.name", "left", 9, WRAP, 12), FittedColumn("col.owner", "left", 1),
                   FittedColumn("", "left", 5, WRAP, 16))


EXPORT_COLUMNS = ("rank", "risk", "at_risk", "id", "deal", "account", "owner", "status", "amount", "currency",
                  "weighted", "probability", "expected_close", "grade", "stage", "customer_step", "gap",
                  "top_warning", "warnings", "days_since_touch", "next_follow_up", "follow_up_overdue", "next_action")


def export_records(review: PipelineReview, lang: Lang) -> list[dict]:
    """One flat record per deal, for a spreadsheet (numbers stay numbers)."""
    records = []
    for rank, row in enumerate(review.rows, 1):
        records.append({
            "rank": rank, "risk": row.risk.score, "at_risk": "yes" if row.at_risk else "", "id": row.deal_id,
            "deal": row.name, "account": row.account or "", "owner": row.owner or "", "status": status_text(row, lang),
            "amount": row.amount, "currency": row.currency, "weighted": row.weighted,
            "probability": percent(row.probability), "expected_close": row.expected_close,
            "grade": row.grade or "", "stage": row.stage_name, "customer_step": row.customer_step_name,
            "gap": row.gap, "top_warning": row.top_warning.message if row.top_warning else "",
            "warnings": len(row.warnings), "days_since_touch": row.days_since_touch,
            "next_follow_up": row.next_follow_up, "follow_up_overdue": row.follow_up_overdue,
            "next_action": row.next_action or "",
        })
    return records


# deal list's columns (the least important is left out first on a narrow terminal)
DEAL_LIST_COLUMNS = (
    FittedColumn("col.id", "right", 10, WHOLE), FittedColumn("col.name", "left", 9),
    FittedColumn("col.account", "left", 1), FittedColumn("col.status", "left", 4, WHOLE),
    FittedColumn("col.stage", "left", 7), FittedColumn("col.grade", "center", 6, WHOLE),
    FittedColumn("col.amount", "right", 8, WHOLE), FittedColumn("col.close", "left", 5, WHOLE),
    FittedColumn("col.probability", "right", 2, WHOLE), FittedColumn("col.next_follow_up", "left", 3, WHOLE),
    FittedColumn("col.owner", "left", 0),
)


def deal_list_table(rows: list[PipelineRow], lang: Lang):
    """`deal list`: one line per deal; won and lost deals labelled, never shown like open ones. Fits
    the terminal: the columns that do not fit are named under the table."""
    styles = {"open": "", "won": "bold green", "lost": "dim"}
    cells = [[str(row.deal_id or ""), Text(row.name), Text(row.account or ""),
              Text(status_text(row, lang), style=styles[row.status]), Text(row.stage_name),
              row.grade or "-", money(row.amount, row.currency), str(row.expected_close or ""),
              "" if row.status != "open" else percent(row.probability),
              Text(follow_up_text(row, lang), style="red" if row.follow_up_overdue else ""),
              Text(row.owner or "")] for row in rows]
    return Fitted(DEAL_LIST_COLUMNS, cells, lang)

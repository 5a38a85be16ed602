"""The pipeline review for people (Rich), and as a flat table for CSV/XLSX."""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from dealcoach.coaching.pipeline import PipelineReview, PipelineRow, Totals
from dealcoach.i18n import Lang, message
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


# (column, justify, min width, max width, keep priority: lower is dropped first on a narrow terminal)
ROW_COLUMNS = (
    ("col.risk", "right", 4, 5, 9), ("col.id", "right", 2, 6, 8), ("col.name", "left", 10, 28, 10),
    ("col.owner", "left", 4, 12, 4), ("col.amount", "right", 8, 18, 6), ("col.close", "left", 10, 10, 3),
    ("col.grade", "center", 2, 5, 7), ("col.stage_step", "left", 14, 40, 9), ("col.top_warning", "left", 14, 48, 5),
    ("col.last_touch", "right", 4, 16, 2), ("col.next_follow_up", "left", 10, 24, 1),
    ("col.next_action", "left", 14, 48, 0),
)


def _fitting(width: int) -> list[tuple]:
    """The columns that fit `width` at their minimum widths, dropping the least needed first."""
    chosen = list(ROW_COLUMNS)
    while len(chosen) > 4 and sum(c[2] + 3 for c in chosen) + 1 > width:
        chosen.remove(min(chosen, key=lambda c: c[4]))
    return chosen


def _widths(columns: list[tuple], wanted: dict[str, int], width: int, headers: dict[str, int]) -> dict[str, int]:
    """Each column's width: what its widest cell wants (within its max), then the widest columns
    give way one cell at a time (never below their min) until the table fits the terminal."""
    # a narrow column (risk, id, grade) is never narrower than its header
    floor = {c[0]: max(c[2], headers[c[0]]) if c[3] <= 8 else c[2] for c in columns}
    widths = {c[0]: max(floor[c[0]], min(c[3], wanted.get(c[0], 0))) for c in columns}
    budget = width - (3 * len(columns) + 1)
    while sum(widths.values()) > budget:
        key = max(widths, key=lambda k: widths[k] - floor[k])
        if widths[key] <= floor[key]:
            break
        widths[key] -= 1
    return widths


def rows_table(review: PipelineReview, lang: Lang, limit: int | None, width: int = 200) -> Table:
    sort = review.filters.sort
    title = (message("pipeline.title", lang, date=review.today.isoformat(), count=len(review.rows)) if sort == "risk"
             else message("pipeline.title_sorted", lang, date=review.today.isoformat(), count=len(review.rows), sort=sort))
    table = Table(title=title, title_justify="left")
    columns = _fitting(width)
    keys = [c[0] for c in columns]
    shown = review.rows if limit is None else review.rows[:limit]
    lines = [_cells(row, lang) for row in shown]
    wanted = {key: max([cell_len(message(key, lang))] + [cell_len(str(line[key])) for line in lines])
              for key in keys}
    widths = _widths(columns, wanted, width, {key: cell_len(message(key, lang)) for key in keys})
    # one line per deal: long texts are cut with an ellipsis (the brief and --json carry them whole)
    for key, justify, _, _, _ in columns:
        table.add_column(message(key, lang), justify=justify, no_wrap=True, overflow="ellipsis",  # type: ignore[arg-type]
                         width=widths[key])
    for line in lines:
        table.add_row(*(line[key] for key in keys))
    return table


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


def totals_table(title: str, groups: list[Totals], lang: Lang, first_column: str) -> Table:
    table = Table(title=title, title_justify="left")
    for key, justify in ((first_column, "left"), ("col.count", "right"), ("col.amount", "right"),
                         ("col.weighted", "right"), ("col.apart", "left")):
        table.add_column(message(key, lang), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for group in groups:
        table.add_row(Text(group.name), str(group.count), money_lines(group, False), money_lines(group, True),
                      apart_text(group, lang))
    return table


def reps_table(review: PipelineReview, lang: Lang) -> Table:
    table = Table(title=message("pipeline.reps", lang), title_justify="left")
    for key, justify in (("col.owner", "left"), ("col.count", "right"), ("col.amount", "right"),
                         ("col.weighted", "right"), ("col.at_risk", "right"), ("col.overdue", "right"),
                         ("col.weakest", "left")):
        table.add_column(message(key, lang), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for rep in review.reps:
        weakest = Text(rep.weakest_step) if rep.weakest_step else Text(rep.weakest_note or "", style="dim")
        table.add_row(Text(rep.name), str(rep.count), money_lines(rep, False), money_lines(rep, True),
                      str(rep.at_risk), str(rep.overdue_follow_ups), weakest)
    return table


def render_review(console: Console, review: PipelineReview, lang: Lang, limit: int | None = 50) -> None:
    if review.empty:
        console.print(Text(review.empty))
        return
    console.print(rows_table(review, lang, limit, console.width))
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
    table = Table(title=message("pipeline.changes", lang, since=since), title_justify="left")
    table.add_column(message("col.name", lang), overflow="fold")
    table.add_column(message("col.owner", lang), overflow="fold")
    table.add_column("", overflow="fold")
    for deal in review.changes:
        table.add_row(Text(f"{deal.deal_id}: {deal.name}"), Text(deal.owner or ""),
                      Text("\n".join(change.text for change in deal.changes)))
    console.print(table)


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


# deal list's columns: (header, justify, importance: the least important is left out first on a narrow
# terminal, never wraps: numbers, dates, amounts and ids are shown whole or not at all)
_DEAL_LIST_COLUMNS = (("col.id", "right", 10, True), ("col.name", "left", 9, False), ("col.account", "left", 1, False),
                      ("col.status", "left", 4, True), ("col.stage", "left", 7, False), ("col.grade", "center", 6, True),
                      ("col.amount", "right", 8, True), ("col.close", "left", 5, True),
                      ("col.probability", "right", 2, True), ("col.next_follow_up", "left", 3, True),
                      ("col.owner", "left", 0, False))


def deal_list_table(rows: list[PipelineRow], lang: Lang, width: int = 80):
    """`deal list`: one line per deal; won and lost deals labelled, never shown like open ones. Fits
    `width`: the columns that do not fit are named under the table."""
    from rich.console import Group

    from dealcoach.render.console import FittedColumn, fitted_table
    from dealcoach.typeset import join

    styles = {"open": "", "won": "bold green", "lost": "dim"}
    cells = [[str(row.deal_id or ""), Text(row.name), Text(row.account or ""),
              Text(status_text(row, lang), style=styles[row.status]), Text(row.stage_name),
              row.grade or "-", money(row.amount, row.currency), str(row.expected_close or ""),
              "" if row.status != "open" else percent(row.probability),
              Text(follow_up_text(row, lang), style="red" if row.follow_up_overdue else ""),
              Text(row.owner or "")] for row in rows]
    columns = [FittedColumn(message(key, lang), justify, importance, no_wrap)
               for key, justify, importance, no_wrap in _DEAL_LIST_COLUMNS]
    table, dropped = fitted_table(columns, cells, width)
    if not dropped:
        return table
    return Group(table, Text(message("table.dropped", lang, columns=join(dropped, lang)), style="dim"))

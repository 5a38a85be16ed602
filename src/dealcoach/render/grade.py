"""Grades for people: the ranked table and one prospect's full reasoning. Every user text is escaped."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dealcoach.coaching.grading import GradeResult
from dealcoach.i18n import Lang, message

GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "dim"}


def grade_table(results: list[GradeResult], lang: Lang, title: str, start: int = 1, width: int = 120) -> Table:
    """Best first. On a narrow terminal the action (the same for every prospect of a grade, and in
    --explain) and empty manual/score columns give way to the name and the rule."""
    narrow = width < 120
    show_manual = not narrow or any(r.manual_grade for r in results)
    show_score = not narrow or any(r.score is not None for r in results)
    # stored deals: their id, the one every other command takes; file rows: their rank
    stored = bool(results) and all(r.deal_id is not None for r in results)
    columns = [("col.id" if stored else "#", "right", None, True), ("col.name", "left", None if narrow else 2, False),
               ("grade.col_grade", "center", None, True)]
    if show_manual:
        columns.append(("grade.col_manual", "center", None, True))
    if show_score:
        columns.append(("grade.col_score", "right", None, True))
    columns += [("col.close", "left", None, True), ("col.probability", "right", None, True),
                ("grade.col_rule", "left", None if narrow else 2, False)]  # the rule in words wraps
    if not narrow:
        columns.append(("grade.col_action", "left", 3, False))
    columns.append(("grade.col_next", "left", None, True))
    table = Table(title=escape(title), title_justify="left")
    for key, justify, ratio, no_wrap in columns:
        header = key if key == "#" else message(key, lang)
        table.add_column(header, justify=justify, overflow="fold", ratio=ratio, no_wrap=no_wrap,  # type: ignore[arg-type]
                         min_width=10 if key == "col.name" else None)
    for number, result in enumerate(results, start):
        name = escape(result.name) + (f"\n[dim]{escape(result.account)}[/dim]"
                                      if result.account and result.account != result.name else "")
        cells: list = [str(result.deal_id if stored else number), name,
                       Text(result.grade, style=GRADE_STYLE[result.grade])]
        if show_manual:
            cells.append(Text(result.manual_grade or "", style=GRADE_STYLE.get(result.manual_grade or "", "")))
        if show_score:
            cells.append("" if result.score is None else f"{result.score:.0f}")
        cells += [str(result.expected_close or ""), _percent(result.probability_used), escape(result.rule.text)]
        if not narrow:
            cells.append(escape(result.action))
        cells.append(f"{result.next_follow_up}\n[dim]{message('grade.days', lang, days=result.cadence_days)}[/dim]")
        table.add_row(*cells)
    return table


def explain_panel(result: GradeResult, lang: Lang) -> Panel:
    parts: list = []
    head = Text()
    head.append(result.grade, style=GRADE_STYLE[result.grade])
    if result.manual_grade:
        head.append("   " + message("grade.explain_manual", lang, grade=result.manual_grade),
                    style=GRADE_STYLE[result.manual_grade])
    head.append("   " + result.meaning)
    parts.append(head)
    # the rule in words ("一个月内 × 可能性高 → A"); its id is for --json
    parts.append(Text.from_markup(f"[bold]{message('grade.explain_rule', lang)}{_colon(lang)}[/bold]"
                                  f"{escape(result.rule.text)}"))
    if result.computed_rule.id != result.rule.id:
        parts.append(Text.from_markup(f"[dim]{escape(result.computed_rule.text)}[/dim]"))
    parts.append(Text(message("grade.explain_reasons", lang), style="bold"))
    parts += [Text.from_markup("  • " + escape(reason)) for reason in result.reasons]

    assessment = result.assessment
    if assessment.status != "not-assessed" or any(f.score is not None for f in assessment.factors):
        table = Table(title=message("grade.explain_assessment", lang), title_justify="left", box=None,
                      show_header=False, padding=(0, 1))
        for factor in assessment.factors:
            score = message("grade.missing_score", lang) if factor.score is None else f"{factor.score}/{factor.max}"
            notes = []
            if factor.knocked_out:
                notes.append(f"[red]{message('grade.knockout', lang)}[/red]")
            if factor.source == "opportunity":
                notes.append(f"[dim]{message('grade.from_opportunity', lang)}[/dim]")
            table.add_row(escape(factor.name), score, f"×{factor.weight:g}", escape(factor.level or ""), " ".join(notes))
        parts.append(table)
    if result.opportunity is not None:
        opportunity = result.opportunity
        lines = [Text(message("grade.explain_opportunity", lang), style="bold")]
        if opportunity.information_score is not None:
            lines.append(Text("  " + message("grade.explain_information", lang, score=f"{opportunity.information_score:.0f}")))
        for competitor in opportunity.competitors:
            margin = f"{competitor.margin:+d}"
            lines.append(Text("  " + message("grade.explain_versus", lang, competitor=competitor.competitor, margin=margin)))
        if opportunity.chance_to_win is not None:
            lines.append(Text("  " + message("grade.explain_chance", lang, chance=_percent(opportunity.chance_to_win))))
        lines.append(Text("  " + message("grade.explain_profit", lang, text=opportunity.profit_room_text)))
        if opportunity.breakthrough_points:
            lines.append(Text("  " + message("grade.explain_breakthrough", lang), style="bold"))
            lines += [Text("    • " + point) for point in opportunity.breakthrough_points]
        parts += lines
    parts.append(Text.from_markup(f"[bold]{message('grade.explain_action', lang)}{_colon(lang)}[/bold]{escape(result.action)}"))
    parts.append(Text(message("grade.explain_follow_up", lang, days=result.cadence_days, date=result.next_follow_up)))
    if result.pretext:
        detail = f" — {result.pretext.detail}" if result.pretext.detail else ""
        parts.append(Text(f"{message('grade.explain_pretext', lang)}{_colon(lang)}{result.pretext.text}{detail}"))
    where = message("grade.where", lang, file=result.source, row=result.row) if result.source and result.row else ""
    title = escape(f"{result.deal_id}: {result.name}" if result.deal_id else result.name) + escape(where)
    return Panel(Group(*parts), title=title, title_align="left")


def _percent(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def _colon(lang: Lang) -> str:
    return ": " if lang == "en" else "："

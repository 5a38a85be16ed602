"""Grades for people: the ranked table and one prospect's full reasoning. Every user text is escaped."""

from __future__ import annotations

from dataclasses import replace

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

from dealcoach.coaching.grading import GradeResult
from dealcoach.i18n import Lang, message
from dealcoach.render.console import WHOLE, WRAP, FittedColumn, Fitted

GRADE_STYLE = {"A": "bold green", "B": "green", "C": "yellow", "D": "dim"}


# the ranked table's columns; the action (the same for every prospect of a grade, and in --explain)
# is left out first on a narrow terminal, the name and the rule in words last
GRADE_COLUMNS = (
    FittedColumn("col.id", "right", 10, WHOLE), FittedColumn("col.name", "left", 9, WRAP, 10),
    FittedColumn("grade.col_grade", "center", 10, WHOLE), FittedColumn("grade.col_manual", "center", 3, WHOLE),
    FittedColumn("grade.col_score", "right", 2, WHOLE), FittedColumn("col.close", "left", 6, WHOLE),
    FittedColumn("col.probability", "right", 5, WHOLE), FittedColumn("grade.col_rule", "left", 8, WRAP, 12),
    FittedColumn("grade.col_action", "left", 1, WRAP, 16), FittedColumn("grade.col_next", "left", 4, WHOLE),
)


# one prospect's assessment in --explain: the factor, its score and weight whole, the level and notes wrap
ASSESSMENT_COLUMNS = (FittedColumn("", "left", 10, WRAP, 8), FittedColumn("", "right", 9, WHOLE),
                      FittedColumn("", "right", 8, WHOLE), FittedColumn("", "left", 5, WRAP, 8),
                      FittedColumn("", "left", 4, WRAP, 8))


def grade_table(results: list[GradeResult], lang: Lang, title: str, start: int = 1):
    """Best first, fitted to the terminal: the columns left out are named under the table."""
    # stored deals: their id, the one every other command takes; file rows: their rank
    stored = bool(results) and all(r.deal_id is not None for r in results)
    columns = list(GRADE_COLUMNS)
    if not stored:
        columns[0] = replace(columns[0], header="#")
    # a manual grade or an assessment score nobody has is no column at all
    empty = {"grade.col_manual": not any(r.manual_grade for r in results),
             "grade.col_score": not any(r.score is not None for r in results)}
    rows = []
    for number, result in enumerate(results, start):
        name = Text(result.name)
        if result.account and result.account != result.name:
            name.append("\n" + result.account, style="dim")
        rows.append([
            str(result.deal_id if stored else number), name, Text(result.grade, style=GRADE_STYLE[result.grade]),
            Text(result.manual_grade or "", style=GRADE_STYLE.get(result.manual_grade or "", "")),
            "" if result.score is None else f"{result.score:.0f}", str(result.expected_close or ""),
            _percent(result.probability_used), Text(result.rule.text), Text(result.action),
            Text.assemble(str(result.next_follow_up), ("\n" + message("grade.days", lang, days=result.cadence_days),
                                                       "dim")),
        ])
    keep = [i for i, column in enumerate(columns) if not empty.get(column.key)]
    return Fitted([columns[i] for i in keep], [[row[i] for i in keep] for row in rows], lang,
                  title=escape(title), title_justify="left")


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
        rows = []
        for factor in assessment.factors:
            score = message("grade.missing_score", lang) if factor.score is None else f"{factor.score}/{factor.max}"
            notes = Text()
            if factor.knocked_out:
                notes.append(message("grade.knockout", lang) + " ", style="red")
            if factor.source == "opportunity":
                notes.append(message("grade.from_opportunity", lang), style="dim")
            rows.append([Text(factor.name), score, f"×{factor.weight:g}", Text(factor.level or ""), notes])
        parts.append(Fitted(ASSESSMENT_COLUMNS, rows, lang, title=message("grade.explain_assessment", lang),
                            title_justify="left", box=None, show_header=False, padding=(0, 1)))
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
        lines.append(Text("  " + message("grade.explain_profit", lang, text=opportunity.profit_room_text),
                          style="" if opportunity.profit_known else "dim"))
        if opportunity.breakthrough:
            lines.append(Text("  " + message("grade.explain_breakthrough", lang), style="bold"))
            lines += [Text("    • " + point.describe(lang)) for point in opportunity.breakthrough]
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

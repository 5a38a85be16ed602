"""A Diagnosis for people: both processes side by side, what is missing, warnings, next actions."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dealcoach import typeset
from dealcoach.coaching.diagnosis import Diagnosis, Warning
from dealcoach.i18n import Lang, message
from dealcoach.render.console import CUT, WHOLE, WRAP, FittedColumn, Fitted
from dealcoach.render.playbook import confidence_label

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
MAX_ACTIONS_SHOWN = 5
MAX_EXTRA_LINES = 2  # the default view: the advice that applies now, the objection to expect, the needs
MAX_WARNINGS_SHOWN = 3  # the default view: every high warning, then medium ones up to this many


def warnings_panel(warnings: list[Warning], title: str, lang: Lang) -> Panel:
    """Warnings by severity; a grid keeps the label in its own column, so long CJK lines wrap under
    the text, not under the label."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for warning in warnings:
        grid.add_row(Text(message("severity." + warning.severity, lang), style=SEVERITY_STYLE[warning.severity]),
                     Text(warning.message))  # the id is for scripts (--json), not for people
    return Panel(grid, title=title, title_align="left", border_style="red")


# both processes side by side; compact (the default view): one line per row, long names cut with an
# ellipsis (--all shows them whole, wrapped); the number and the gate count never split
PROCESS_COLUMNS = (
    FittedColumn("", "right", 10, WHOLE, 2, header="#"), FittedColumn("col.customer_step", "left", 9, WRAP, 8),
    FittedColumn("col.sales_stage", "left", 9, WRAP, 8), FittedColumn("col.key_milestone", "left", 6, WRAP, 10),
    FittedColumn("", "right", 8, WHOLE, header="✓"), FittedColumn("col.confidence", "left", 5, WHOLE),
)
_COMPACT_WIDTHS = (None, 24, 20, 36, None)


def processes_table(diagnosis: Diagnosis, lang: Lang, compact: bool = False):
    from dataclasses import replace

    from rich import box

    columns = PROCESS_COLUMNS if not compact else tuple(
        column if most is None else replace(column, fit=CUT, max_width=most)
        for column, most in zip(PROCESS_COLUMNS, _COMPACT_WIDTHS))
    rows = []
    for row in diagnosis.processes:
        customer = Text(row.customer_step.name)
        if row.customer_here:
            customer = Text.assemble(("◀ ", "bold cyan"), (row.customer_step.name, "bold cyan"))
            if not compact:
                customer.append(f" ({message('marker.customer', lang)})", "cyan")
        ours = Text(row.sales_stage.name, style="dim" if row.status == "ahead" else "")
        if row.we_are_here:
            ours = Text.assemble(("▶ ", "bold green"), (row.sales_stage.name, "bold green"))
            if not compact:
                ours.append(f" ({message('marker.we', lang)})", "green")
        met = Text(f"{row.gate_met}/{row.gate_total}",
                   style="green" if row.gate_met == row.gate_total else "yellow" if row.gate_met else "dim")
        if compact:  # the confidence as a mark on the number, explained under the table
            mark = "" if row.confidence == "confirmed" else "*" if row.confidence == "inferred" else "+"
            rows.append([f"{row.index + 1}{mark}", customer, ours, Text(row.key_milestone), met])
        else:
            rows.append([str(row.index + 1), customer, ours, Text(row.key_milestone), met,
                         confidence_label(row.confidence, lang)])
    return Fitted(columns, rows, lang, title=None if compact else escape(f"{diagnosis.deal} · {diagnosis.playbook_name}"),
                  title_justify="left", box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD, padding=(0, 1),
                  pad_edge=not compact, show_edge=not compact)


def _inferred_mark(confidence: str | None, lang: Lang) -> tuple[str, str]:
    """A dim "（推断）" after an item the source does not state; explained once by `legend.inferred`."""
    return (message("mark.inferred", lang), "dim") if confidence == "inferred" else ("", "")


def _first_sentence(text: str) -> str:
    for mark in ("。", ". "):
        head, found, _ = text.partition(mark)
        if found and head:
            return head + mark.strip()
    return text


def _line(*parts, style: str = "") -> Table:
    """One line that ends in an ellipsis instead of wrapping (the default view must fit a screen)."""
    grid = Table.grid(expand=True)
    grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
    grid.add_row(Text.assemble(*parts, style=style))
    return grid


def position_lines(diagnosis: Diagnosis, lang: Lang, full: bool) -> list:
    position = diagnosis.position
    if position is None:
        return []
    colon = typeset.colon("", lang)  # the colon of the language, after a label
    separator = "；" if lang != "en" else "; "
    lines: list = []
    for versus in position.versus:
        verdict_style = {"advantage": "green", "disadvantage": "red"}.get(versus.verdict, "yellow")
        detail = separator.join(versus.dimensions)
        if versus.missing and versus.dimensions:
            detail += separator + message("position.unscored", lang, dims=("、" if lang != "en" else ", ").join(versus.missing))
        parts = [(message("label.position", lang) + colon, "bold"),
                 f"{message('position.versus', lang, competitor=versus.competitor)}{colon}", (versus.text, verdict_style)]
        if detail:
            parts.append((f"（{detail}）" if lang != "en" else f" ({detail})", "dim"))
        lines.append(Text.assemble(*parts) if full else _line(*parts))
    lines.append(Text("  " + message("position.profit", lang, text=position.profit),
                      style="" if position.profit_known else "dim"))
    if position.breakthrough:
        people = [point.describe(lang) for point in position.breakthrough]
        parts = [f"  {message('position.breakthrough', lang)}{colon}", ("；" if lang != "en" else "; ").join(people)]
        lines.append(Text.assemble(*parts) if full else _line(*parts))
    return lines


def _stage_view_lines(diagnosis: Diagnosis) -> list[tuple[str, str]]:
    """The needs summary and the objection to prepare for, when `stage` gave them (StageView)."""
    needs, ahead = getattr(diagnosis, "needs", None), getattr(diagnosis, "objection_ahead", None)
    return ([("label.objection_ahead", ahead.line)] if ahead else []) + ([("label.needs", needs.line)] if needs else [])


def render_diagnosis(console: Console, diagnosis: Diagnosis, lang: Lang, full: bool = False) -> None:
    """The default view fits one screen (about 40 lines at 100 columns): both processes, the
    warnings, where we stand, and the top five actions with who and how. `full` shows everything."""
    colon = typeset.colon("", lang)  # the colon of the language, after a label
    if not full:
        console.print(Text(f"{diagnosis.deal} · {diagnosis.playbook_name}", style="bold"))
    console.print(processes_table(diagnosis, lang, compact=not full))
    source = message(f"customer_source.{diagnosis.customer_step.source}", lang)
    status = Text.assemble(
        (typeset.colon(message("label.our_stage", lang), lang), "bold"), (diagnosis.sales_stage.name, "green"), "   ",
        (typeset.colon(message("label.customer_step", lang), lang), "bold"), (diagnosis.customer_step.name, "cyan"),
        (typeset.parenthesised(source, lang), "dim"),
    )
    if not full:
        marks = {row.confidence for row in diagnosis.processes} - {"confirmed"}
        for confidence, mark in (("supported", "+"), ("inferred", "*")):
            if confidence in marks:
                status.append(f"  {mark} {message('confidence.' + confidence, lang)}", "dim")
    console.print(status)
    for note in diagnosis.notes:
        console.print(Text(note, style="magenta"))

    current = [item for item in diagnosis.evidenced if full or item.stage == diagnosis.sales_stage.id]
    by_facts: dict[tuple[str, ...], list] = {}
    for item in current:  # items shown done by the same facts share a line
        by_facts.setdefault(tuple(item.facts), []).append(item)
    for facts, items in by_facts.items():
        names = ("；" if lang != "en" else "; ").join(
            f"{item.text} ({item.id})" if full else item.text for item in items)
        parts = [("✓ ", "green"), (names, "green"), (f" ← {('；' if lang != 'en' else '; ').join(facts)}", "dim")]
        console.print(Text.assemble(*parts) if full else _line(*parts))
    if current and full:
        console.print(Text(message("label.overrule_hint", lang), style="dim"))

    if full and diagnosis.missing:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for item in diagnosis.missing:
            grid.add_row("★" if item.kind == "key_milestone" else "□",
                         Text.assemble((item.text, "bold"), _inferred_mark(item.confidence, lang),
                                       (f" ({item.stage_name} · {item.id})", "dim")))
        console.print(Panel(grid, title=message("label.missing", lang), title_align="left", border_style="yellow"))

    if diagnosis.warnings:
        if full:
            console.print(warnings_panel(diagnosis.warnings, message("label.warnings", lang), lang))
        else:
            grid = Table.grid(padding=(0, 1), expand=True)
            grid.add_column(no_wrap=True, min_width=4)
            grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
            # every high warning, then medium ones up to MAX_WARNINGS_SHOWN; the rest counted in the title
            shown = [w for n, w in enumerate(diagnosis.warnings)
                     if w.severity == "high" or (w.severity == "medium" and n < MAX_WARNINGS_SHOWN)]
            for warning in shown:
                grid.add_row(Text(message("severity." + warning.severity, lang), style=SEVERITY_STYLE[warning.severity]),
                             Text(_first_sentence(warning.message)))
            title = message("label.warnings", lang)
            if len(shown) < len(diagnosis.warnings):
                title = message("label.warnings_more", lang, count=len(diagnosis.warnings) - len(shown))
            console.print(Panel(grid, title=title, title_align="left", border_style="red"))

    for line in position_lines(diagnosis, lang, full):
        console.print(line)
    if full:  # the criteria, the insider ladder and the culture (the default view has their actions)
        if diagnosis.criteria is not None and diagnosis.criteria.state is not None:
            criteria = diagnosis.criteria
            verdict = message("criteria.shapeable" if criteria.shapeable else "criteria.not_shapeable", lang)
            console.print(Text.assemble((message("label.criteria", lang) + colon, "bold"),
                                        f"{criteria.state_name}, {criteria.favours_name}: {verdict}" if lang == "en"
                                        else f"{criteria.state_name}，{criteria.favours_name}：{verdict}"))
        for line in shaping_lines(diagnosis.insider_ladder, diagnosis.culture, lang):
            console.print(line)
    for advice in diagnosis.advice_now[: None if full else 2]:
        parts = [(message("label.advice_now", lang) + colon, "bold"), advice]
        console.print(Text.assemble(*parts) if full else _line(*parts))
    extra = _stage_view_lines(diagnosis)
    if not full:  # one screen: the advice that applies, then the objection, then the needs, two lines at most
        extra = extra[: max(0, MAX_EXTRA_LINES - min(len(diagnosis.advice_now), 2))]
    for label, text in extra:
        parts = [(message(label, lang) + colon, "bold"), text]
        console.print(Text.assemble(*parts) if full else _line(*parts))

    if diagnosis.next_actions:
        shown = diagnosis.next_actions if full else diagnosis.next_actions[:MAX_ACTIONS_SHOWN]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(overflow="fold")
        for number, action in enumerate(shown, start=1):
            lines: list = [Text.assemble((action.text, "bold"), _inferred_mark(action.confidence, lang))]
            if action.who:
                lines.append(Text(f"{message('label.who', lang)}{colon}{'、'.join(action.who)}", style="cyan"))
            if action.how:
                how = Text(f"{message('label.how', lang)}{colon}{action.how}", style="italic")
                lines.append(how if full else _line(how))
            if full:
                lines.append(Text(f"{message('label.why', lang)}{colon}{action.why}", style="dim"))
            grid.add_row(Text(f"{number}."), Group(*lines))
        hidden = len(diagnosis.next_actions) - len(shown)
        parts: list = [grid]
        if hidden:
            parts.append(Text(message("label.more_actions_all", lang, count=hidden), style="dim"))
        if any(action.confidence == "inferred" for action in shown):
            parts.append(Text(message("legend.inferred", lang), style="dim"))
        console.print(Panel(Group(*parts), title=message("label.next_actions", lang), title_align="left",
                            border_style="green"))


def shaping_lines(ladder, culture, lang: Lang) -> list[Text]:
    """The insider ladder (✓ on the rungs that hold, → the next) and the decision culture, a line each."""
    colon = typeset.colon("", lang)
    lines = []
    if ladder is not None:
        rungs = Text()
        for index, rung in enumerate(ladder.rungs):
            if index:
                rungs.append(" · ")
            rungs.append(("✓ " if index < ladder.standing else "→ " if index == ladder.standing else "") + rung.name,
                         style="green" if index < ladder.standing else "bold yellow" if index == ladder.standing else "dim")
        lines.append(Text.assemble((message("ladder.line", lang, rungs=""), "bold"), rungs))
    if culture is not None and culture.culture:
        lines.append(Text.assemble((message("label.culture", lang) + colon, "bold"),
                                   f"{culture.culture_name}{typeset.parenthesised(culture.focus or '', lang)}"))
    for leader in culture.leaders if culture is not None else []:
        lines.append(Text.assemble((f"{leader.name}{typeset.parenthesised(leader.style_name, lang)}{colon}", "bold"),
                                   leader.how_to_win))
    return lines

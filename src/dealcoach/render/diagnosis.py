"""A Diagnosis for people: both processes side by side, what is missing, warnings, next actions."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dealcoach.coaching.diagnosis import Diagnosis, Warning
from dealcoach.i18n import Lang, message
from dealcoach.render.playbook import confidence_label

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}
MAX_ACTIONS_SHOWN = 8


def warnings_panel(warnings: list[Warning], title: str, lang: Lang) -> Panel:
    """Warnings by severity; a grid keeps the label in its own column, so long CJK lines wrap under
    the text, not under the label."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for warning in warnings:
        grid.add_row(Text(message("severity." + warning.severity, lang), style=SEVERITY_STYLE[warning.severity]),
                     Text.assemble(warning.message, (f" ({warning.id})", "dim")))
    return Panel(grid, title=title, title_align="left", border_style="red")


def processes_table(diagnosis: Diagnosis, lang: Lang) -> Table:
    table = Table(title=escape(f"{diagnosis.deal} · {diagnosis.playbook_name}"), title_justify="left")
    table.add_column("#", justify="right")
    table.add_column(message("col.customer_step", lang), overflow="fold")
    table.add_column(message("col.sales_stage", lang), overflow="fold")
    table.add_column(message("col.key_milestone", lang), overflow="fold")
    table.add_column("✓", justify="right")
    table.add_column(message("col.confidence", lang))
    for row in diagnosis.processes:
        customer = Text(row.customer_step.name)
        if row.customer_here:
            customer = Text.assemble(("◀ ", "bold cyan"), (row.customer_step.name, "bold cyan"),
                                     (f" ({message('marker.customer', lang)})", "cyan"))
        ours = Text(row.sales_stage.name, style="dim" if row.status == "ahead" else "")
        if row.we_are_here:
            ours = Text.assemble(("▶ ", "bold green"), (row.sales_stage.name, "bold green"),
                                 (f" ({message('marker.we', lang)})", "green"))
        met = Text(f"{row.gate_met}/{row.gate_total}",
                   style="green" if row.gate_met == row.gate_total else "yellow" if row.gate_met else "dim")
        table.add_row(str(row.index + 1), customer, ours, escape(row.key_milestone), met,
                      confidence_label(row.confidence, lang))
    return table


def render_diagnosis(console: Console, diagnosis: Diagnosis, lang: Lang) -> None:
    console.print(processes_table(diagnosis, lang))
    source = message(f"customer_source.{diagnosis.customer_step.source}", lang)
    console.print(Text.assemble(
        (message("label.our_stage", lang) + ": ", "bold"), (diagnosis.sales_stage.name, "green"), "   ",
        (message("label.customer_step", lang) + ": ", "bold"), (diagnosis.customer_step.name, "cyan"),
        (f" ({source})", "dim"),
    ))
    for note in diagnosis.notes:
        console.print(Text(note, style="magenta"))

    if diagnosis.missing:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for item in diagnosis.missing:
            grid.add_row("★" if item.kind == "key_milestone" else "□",
                         Text.assemble((item.text, "bold"), (f" ({item.stage_name} · {item.id})", "dim")))
        console.print(Panel(grid, title=message("label.missing", lang), title_align="left", border_style="yellow"))

    if diagnosis.warnings:
        console.print(warnings_panel(diagnosis.warnings, message("label.warnings", lang), lang))

    if diagnosis.next_actions:
        shown = diagnosis.next_actions[:MAX_ACTIONS_SHOWN]
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(overflow="fold")
        colon = ": " if lang == "en" else "："
        for number, action in enumerate(shown, start=1):
            lines = [Text(action.text, style="bold")]
            if action.how:
                lines.append(Text(f"{message('label.how', lang)}{colon}{action.how}", style="italic"))
            lines.append(Text(f"{message('label.why', lang)}{colon}{action.why}", style="dim"))
            grid.add_row(Text(f"{number}."), Group(*lines))
        hidden = len(diagnosis.next_actions) - len(shown)
        parts: list = [grid]
        if hidden:
            parts.append(Text(message("label.more_actions_all", lang, count=hidden), style="dim"))
        console.print(Panel(Group(*parts), title=message("label.next_actions", lang), title_align="left",
                            border_style="green"))

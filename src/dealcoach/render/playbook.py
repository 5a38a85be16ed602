"""Playbooks for people: the step <-> stage map, and one stage in full."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text as RichText

from dealcoach.sources import source_title
from dealcoach.i18n import Lang, message
from dealcoach.typeset import colon
from dealcoach.render.console import CUT, WHOLE, WRAP, FittedColumn, Fitted
from dealcoach.playbook.models import Playbook, RoleCatalog, Stage

CONFIDENCE_STYLE = {"confirmed": "green", "supported": "yellow", "inferred": "magenta"}


def confidence_label(confidence: str, lang: Lang) -> RichText:
    return RichText(message(f"confidence.{confidence}", lang), style=CONFIDENCE_STYLE[confidence])


PLAYBOOK_LIST_COLUMNS = (
    FittedColumn("col.id", "left", 10, WHOLE), FittedColumn("col.name", "left", 9, WRAP, 10),
    FittedColumn("col.steps", "right", 6, WHOLE), FittedColumn("col.source", "left", 5, WRAP, 12),
    FittedColumn("col.loaded_from", "left", 1, CUT, 12),  # a path: cut, not folded over lines
)


def playbook_list_table(rows: list[dict], lang: Lang):
    cells = [[row["id"], RichText(row["name"]), str(row["steps"]), RichText(source_title(row["source"], lang)),
              RichText(row["loaded_from_label"])] for row in rows]
    return Fitted(PLAYBOOK_LIST_COLUMNS, cells, lang, title=message("col.playbook", lang))


MAPPING_COLUMNS = (
    FittedColumn("", "right", 10, WHOLE, header="#"), FittedColumn("col.customer_step", "left", 9, WRAP, 8),
    FittedColumn("col.sales_stage", "left", 9, WRAP, 8), FittedColumn("col.key_milestone", "left", 6, WRAP, 10),
    FittedColumn("col.confidence", "left", 5, WHOLE),
)


def mapping_table(playbook: Playbook, lang: Lang):
    rows = [[str(index), RichText(step.name.get(lang)), RichText(stage.name.get(lang)),
             RichText(stage.key_milestone.text.get(lang)), confidence_label(playbook.pair_confidence(stage), lang)]
            for index, (step, stage) in enumerate(zip(playbook.customer_steps, playbook.stages, strict=True), start=1)]
    return Fitted(MAPPING_COLUMNS, rows, lang, title=escape(playbook.name.get(lang)))


def _bullets(items: list[str]) -> str:
    return "\n".join(f"• {escape(item)}" for item in items)


def stage_panel(playbook: Playbook, stage: Stage, catalog: RoleCatalog, lang: Lang) -> Panel:
    step = next(s for s in playbook.customer_steps if s.id == stage.customer_step)
    parts: list = []

    def section(key: str, body: str) -> None:
        if body:
            parts.append(RichText.from_markup(f"[bold]{message(key, lang)}[/bold]"))
            parts.append(RichText.from_markup(body))
            parts.append(RichText(""))

    section("section.customer_step", f"{escape(step.name.get(lang))} [dim]({escape(step.id)})[/dim]\n"
            + escape(step.what_happens.get(lang)))
    section("section.start_condition", escape(step.start_condition.get(lang)))
    section("section.end_marker", escape(step.end_marker.get(lang)))
    section("section.signals", _bullets([s.text.get(lang) for s in step.signals]))
    section("section.goal", escape(stage.goal.get(lang)))
    def mark(item_id: str) -> str:
        """How far the source states an item, where the stage as a whole does not already say so."""
        confidence = playbook.item_confidence(item_id)
        if confidence == playbook.pair_confidence(stage):
            return ""
        return f" [{CONFIDENCE_STYLE[confidence]}]{escape(message('confidence.' + confidence, lang))}[/]"

    section("section.work_items", "\n".join(
        f"• {escape(w.text.get(lang))} [dim]({escape(w.id)})[/dim]{mark(w.id)}\n  {colon(message('how_to', lang), lang)}"
        f"{escape(w.how_to.get(lang))}" for w in stage.work_items))
    section("section.key_milestone", f"{escape(stage.key_milestone.text.get(lang))} "
            f"[dim]({escape(stage.key_milestone.id)})[/dim]{mark(stage.key_milestone.id)}\n"
            f"{colon(message('section.verify', lang), lang)}{escape(stage.key_milestone.verify.get(lang))}")
    section("section.exit_criteria", "\n".join(
        f"• {escape(c.text.get(lang))} [dim]({escape(c.id)})[/dim]{mark(c.id)}" for c in stage.exit_criteria))
    section("section.success_questions", _bullets([q.get(lang) for q in stage.success_questions]))
    section("section.information", _bullets([i.text.get(lang) for i in stage.information_to_collect]))
    section("section.tools", "\n".join(
        f"• {escape(t.name.get(lang))}: " + "、".join(escape(f.label.get(lang)) for f in t.fields)
        for t in stage.tools))
    roles = {r.id: r.name.get(lang) for r in catalog.roles} | {g.id: g.name.get(lang) for g in catalog.equivalences}
    section("section.key_roles", "\n".join(
        f"• {escape(roles.get(f.role, f.role))}: {escape(f.why.get(lang))}" for f in stage.key_roles))
    section("section.advice", _bullets([a.text.get(lang) for a in stage.advice]))
    for case in stage.cases:
        lesson = f"\n\n[bold]{escape(message('section.lesson', lang))}[/bold] {escape(case.lesson.get(lang))}" \
            if case.lesson else ""
        section("section.case", f"[bold]{escape(case.title.get(lang))}[/bold]\n{escape(case.situation.get(lang))}"
                f"\n\n{escape(case.analysis.get(lang))}{lesson}")
    confidence = playbook.pair_confidence(stage)
    if confidence == "inferred" or any(playbook.item_confidence(i.id) == "inferred" for i in stage.items()):
        parts.insert(0, RichText(message("inferred_note", lang) + "\n", style="magenta"))
    title = RichText.assemble(stage.name.get(lang), " (", stage.id, ") · ", confidence_label(confidence, lang))
    return Panel(Group(*parts[:-1]), title=title, title_align="left")

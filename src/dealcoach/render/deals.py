"""One deal for people: its fields, progress, people and history, all in the reader's language
(enum values by their labels, history lines as sentences; ids only where the user types them)."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from dealcoach.deals.models import Deal, HistoryEntry
from dealcoach.i18n import Lang, message
from dealcoach.messages import MESSAGES
from dealcoach.playbook.models import Playbook
from dealcoach.typeset import colon, join


def money(amount: float | None, currency: str) -> str:
    return "" if amount is None else f"{amount:,.0f} {currency}"


def percent(probability: float | None) -> str:
    return "" if probability is None else f"{probability:.0%}"


def deal_panel(deal: Deal, history: list[HistoryEntry], playbook: Playbook, lang: Lang, catalog=None) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold", no_wrap=True)
    facts.add_column()
    step_names = {s.id: s.name.get(lang) for s in playbook.customer_steps}
    for key, value in (("col.account", deal.account), ("col.playbook", playbook.name.get(lang)),
                       ("col.amount", money(deal.amount, deal.currency)), ("col.close", deal.expected_close),
                       ("col.probability", percent(deal.probability)),
                       ("col.customer_step", step_names.get(deal.customer_step or "", "")),
                       ("col.owner", deal.owner)):
        if value:
            facts.add_row(message(key, lang), escape(str(value)))
    parts: list = [facts]
    names = _item_names(playbook, lang)
    if deal.done:
        done = Table(title=message("section.exit_criteria", lang) + " / " + message("section.work_items", lang),
                     title_justify="left", show_header=False, box=None)
        done.add_column(no_wrap=True)
        done.add_column(ratio=2)
        done.add_column(no_wrap=True)
        done.add_column(ratio=1)
        for mark in deal.done:
            done.add_row("✓", escape(names.get(mark.id, mark.id)), str(mark.date or ""), escape(mark.evidence or ""))
        parts.append(done)
    if deal.people:
        roles = {role.id: role.name.get(lang) for role in catalog.roles} if catalog else {}
        people = Table(box=None, title=message("map.title", lang), title_justify="left")
        for key in ("col.person", "map.title_col", "map.roles", "map.attitude", "col.influence", "col.contact"):
            people.add_column(message(key, lang))
        for person in deal.people:
            people.add_row(escape(person.name), escape(person.title or ""),
                           escape(join([roles.get(r, r) for r in person.roles], lang)),
                           message(f"value.{person.attitude}", lang), message(f"value.{person.influence}", lang),
                           message(f"value.{person.contact}", lang))
        parts.append(people)
    if deal.competitors:
        parts.append("⚔ " + escape(join([c.name for c in deal.competitors], lang)))
    if deal.notes:
        parts.append(escape(deal.notes))
    if history:
        log = Table(title=message("col.history", lang), title_justify="left", show_header=False, box=None)
        log.add_column(no_wrap=True)
        log.add_column(no_wrap=True)
        log.add_column()
        steps = {s.id: s.name.get(lang) for s in playbook.customer_steps}
        for entry in history[-10:]:
            log.add_row(entry.at.astimezone().strftime("%Y-%m-%d %H:%M"), escape(entry.who),
                        escape(history_line(entry.what, lang, names, steps)))
        parts.append(log)
    return Panel(Group(*parts), title=escape(f"{deal.id}: {deal.name}"), title_align="left")


def _item_names(playbook: Playbook, lang: Lang) -> dict[str, str]:
    names = {}
    for stage in playbook.stages:
        for work in stage.work_items:
            names[work.id] = work.text.get(lang)
        names[stage.key_milestone.id] = "★ " + stage.key_milestone.text.get(lang)
        for criterion in stage.exit_criteria:
            names[criterion.id] = criterion.text.get(lang)
    return names


def history_line(what: str, lang: Lang, item_names: dict[str, str], step_names: dict[str, str]) -> str:
    """A history entry as a sentence in `lang`: `customer_step: null -> supplier-screening` reads
    客户采购步骤：（空）→ 初步调查、筛选供应商. A line this does not know is shown as written."""
    from dealcoach.error_text import field_name
    from dealcoach.store.base import parse_change

    if what in ("created", "imported"):
        return message(f"history.{what}", lang)
    changed = parse_change(what)
    if not changed or lang == "en":
        return what

    def shown(field: str, value: object) -> str:
        if value is None or value == "null" or value == "":
            return message("history.empty", lang)
        if field == "customer_step":
            return step_names.get(str(value), str(value))
        key = f"value.{value}"
        return message(key, lang) if field in ("attitude", "influence", "contact", "level") and key in MESSAGES \
            else str(value)

    parts = []
    for field, (before, after) in changed.items():
        label = colon(field_name(field, lang), lang)
        if field in ("done", "people"):
            names = item_names if field == "done" else {}
            change = [f"+{names.get(i, i)}" for i in after] + [f"-{names.get(i, i)}" for i in before]  # type: ignore[union-attr]
            parts.append(label + (join(change, lang) if change else message("history.updated", lang)))
        else:
            parts.append(f"{label}{shown(field, before)} → {shown(field, after)}")
    return ("；" if lang != "en" else "; ").join(parts)

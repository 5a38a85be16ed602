"""Deals for people: the list, and one deal with its progress, people and history."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from dealcoach.deals.models import Deal, DealSummary, HistoryEntry
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook


def money(amount: float | None, currency: str) -> str:
    return "" if amount is None else f"{amount:,.0f} {currency}"


def percent(probability: float | None) -> str:
    return "" if probability is None else f"{probability:.0%}"


def deal_list_table(deals: list[DealSummary], lang: Lang) -> Table:
    table = Table()
    for key, justify in (("col.id", "right"), ("col.name", "left"), ("col.account", "left"),
                         ("col.playbook", "left"), ("col.amount", "right"), ("col.close", "left"),
                         ("col.probability", "right"), ("col.owner", "left")):
        table.add_column(message(key, lang), justify=justify, overflow="fold")  # type: ignore[arg-type]
    for deal in deals:
        table.add_row(str(deal.id), escape(deal.name), escape(deal.account or ""), deal.playbook,
                      money(deal.amount, deal.currency), str(deal.expected_close or ""), percent(deal.probability),
                      escape(deal.owner or ""))
    return table


def deal_panel(deal: Deal, history: list[HistoryEntry], playbook: Playbook, lang: Lang) -> Panel:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
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
        for mark in deal.done:
            done.add_row("✓", escape(names.get(mark.id, mark.id)), str(mark.date or ""), escape(mark.evidence or ""))
        parts.append(done)
    if deal.people:
        people = Table(show_header=False, box=None, title="👥", title_justify="left")
        for person in deal.people:
            people.add_row(escape(person.name), escape(person.title or ""), ", ".join(person.roles),
                           person.attitude, person.influence, person.contact)
        parts.append(people)
    if deal.competitors:
        parts.append("⚔ " + escape("、".join(c.name for c in deal.competitors)))
    if deal.notes:
        parts.append(escape(deal.notes))
    if history:
        log = Table(title=message("col.history", lang), title_justify="left", show_header=False, box=None)
        for entry in history[-10:]:
            log.add_row(entry.at.astimezone().strftime("%Y-%m-%d %H:%M"), escape(entry.who), escape(entry.what))
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

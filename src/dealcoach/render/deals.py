"""One deal for people: its fields, progress, people and history, all in the reader's language
(enum values by their labels, history lines as sentences; ids only where the user types them)."""

from __future__ import annotations

from rich.console import Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dealcoach.deals.models import Deal, HistoryEntry
from dealcoach.i18n import Lang, message
from dealcoach.messages import MESSAGES
from dealcoach.playbook.models import Playbook
from dealcoach.render.console import WHOLE, FittedColumn, Fitted
from dealcoach.typeset import colon, join


def money(amount: float | None, currency: str) -> str:
    return "" if amount is None else f"{amount:,.0f} {currency}"


def percent(probability: float | None) -> str:
    return "" if probability is None else f"{probability:.0%}"


# the tables inside a deal's panel: dates and times whole, the texts wrap
DONE_COLUMNS = (FittedColumn("", importance=10, fit=WHOLE), FittedColumn("", importance=9, min_width=12),
                FittedColumn("", importance=8, fit=WHOLE), FittedColumn("", importance=5, min_width=10))
PEOPLE_COLUMNS = (
    FittedColumn("col.person", importance=10, min_width=6), FittedColumn("map.title_col", importance=4, min_width=6),
    FittedColumn("map.roles", importance=9), FittedColumn("map.attitude", importance=8, fit=WHOLE),
    FittedColumn("col.influence", importance=7, fit=WHOLE), FittedColumn("col.contact", importance=6, fit=WHOLE),
)
HISTORY_COLUMNS = (FittedColumn("", importance=10, fit=WHOLE), FittedColumn("", importance=5, min_width=6),
                   FittedColumn("", importance=9, min_width=16))


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
        rows = [["✓", Text(names.get(mark.id, mark.id)), str(mark.date or ""), Text(mark.evidence or "")]
                for mark in deal.done]
        parts.append(Fitted(DONE_COLUMNS, rows, lang, show_header=False, box=None, title_justify="left",
                            title=message("section.exit_criteria", lang) + " / " + message("section.work_items", lang)))
    if deal.people:
        roles = {role.id: role.name.get(lang) for role in catalog.roles} if catalog else {}
        rows = [[Text(person.name), Text(person.title or ""), Text(join([roles.get(r, r) for r in person.roles], lang)),
                 message(f"value.{person.attitude}", lang), message(f"value.{person.influence}", lang),
                 message(f"value.{person.contact}", lang)] for person in deal.people]
        parts.append(Fitted(PEOPLE_COLUMNS, rows, lang, box=None, title=message("map.title", lang),
                            title_justify="left"))
    if deal.competitors:
        parts.append("⚔ " + escape(join([c.name for c in deal.competitors], lang)))
    if deal.notes:
        parts.append(escape(deal.notes))
    if history:
        steps = {s.id: s.name.get(lang) for s in playbook.customer_steps}
        rows = [[entry.at.astimezone().strftime("%Y-%m-%d %H:%M"), Text(entry.who),
                 Text(history_line(entry.what, lang, names, steps, playbook))] for entry in history[-10:]]
        parts.append(Fitted(HISTORY_COLUMNS, rows, lang, title=message("col.history", lang),
                            title_justify="left", show_header=False, box=None))
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


def history_line(what: str, lang: Lang, item_names: dict[str, str], step_names: dict[str, str],
                 playbook: Playbook | None = None) -> str:
    """A history entry as a sentence in `lang`: `customer_step: null -> supplier-screening` reads
    客户采购步骤：（空） → 对供应商初步调查、筛选, `activity: removed visit held of ...` reads
    删除跟进记录：拜访，已进行（…）. English shows the line as stored; a clause this does not know
    is shown as written (the grammar is deals/history.py)."""
    from dealcoach.deals.history import read_line

    if lang == "en":
        return what
    return _clause_separator(lang).join(_clause(clause, lang, item_names, step_names, playbook)
                                        for clause in read_line(what))


def change_line(what: str, lang: Lang, playbook: Playbook) -> str:
    """`history_line` for one line outside the panel (the changes `deal import` lists first)."""
    return history_line(what, lang, _item_names(playbook, lang),
                        {s.id: s.name.get(lang) for s in playbook.customer_steps}, playbook)


def _clause_separator(lang: Lang) -> str:
    return "; " if lang == "en" else "；"


def _clause(clause, lang: Lang, item_names: dict[str, str], step_names: dict[str, str],
            playbook: Playbook | None) -> str:
    from dealcoach.error_text import field_name

    values = clause.values
    kind = clause.kind
    if kind in ("created", "merged"):
        return message(f"history.{kind}", lang)
    if kind == "imported":
        return message("history.imported_from", lang, source=values["source"]) if values["source"] \
            else message("history.imported", lang)
    if kind == "field":
        name = values["field"]
        return (colon(field_name(name, lang), lang) + f"{history_value(name, values['before'], lang, step_names)} → "
                f"{history_value(name, values['after'], lang, step_names)}")
    if kind == "items":
        names = item_names if values["field"] == "done" else {}
        change = [f"+{names.get(i, i)}" for i in values["added"]] + [f"-{names.get(i, i)}" for i in values["removed"]]
        return colon(field_name(values["field"], lang), lang) + join(change, lang)
    if kind == "updated":
        return colon(field_name(values["field"], lang), lang) + message("history.updated", lang)
    if kind in ("activity", "activity_corrected", "activity_removed"):
        activity = _activity(values["kind"], values["outcome"], lang)
        if kind == "activity":
            return message("history.activity", lang, activity=activity)
        when = _when(values["date"])
        if kind == "activity_removed":
            said = message("history.when_with", lang, when=when, name=values["contact"]) if values["contact"] else when
            return message("history.activity_removed", lang, activity=activity, when=said)
        changes = [f"{field_name(field, lang)} {_activity_value(field, before, lang)} → "
                   f"{_activity_value(field, after, lang)}" for field, before, after in values["changes"]]
        return message("history.activity_corrected", lang, activity=activity, when=when,
                       changes=join(changes, lang) if changes else message("history.no_change", lang))
    if kind == "contact":
        return message("history.contact", lang, name=values["name"], before=message(f"value.{values['before']}", lang),
                       after=message(f"value.{values['after']}", lang))
    if kind == "call":
        outcome = _label("call.outcome.", values["outcome"], lang)
        return message("history.call_with", lang, outcome=outcome, name=values["contact"]) if values["contact"] \
            else message("history.call", lang, outcome=outcome)
    if kind == "pains":
        return message("history.pains", lang, count=values["count"])
    if kind == "meeting":
        return message("history.meeting", lang, when=values["when"])
    if kind == "grade":
        words = None
        if playbook is not None and playbook.grading is not None:
            from dealcoach.coaching.grading.table import rule_in_words

            words = rule_in_words(playbook.grading, values["rule"], lang)
        return message("history.grade_rule", lang, rule=words) if words \
            else message("history.grade", lang, grade=values["grade"], rule=values["rule"])
    return values.get("text", "")


def history_value(field: str, value: object, lang: Lang, step_names: dict[str, str]) -> str:
    """A field's value as a history line shows it: labels for enum ids, 是/否, amounts with separators."""
    if value is None or value == "null" or value == "":
        return message("history.empty", lang)
    if field == "customer_step":
        return step_names.get(str(value), str(value))
    if value in ("true", "false"):
        return message(f"history.{value}", lang)
    if field == "status":
        return _label("status.", str(value), lang)
    if field in ("attitude", "influence", "contact", "level"):
        return _label("value.", str(value), lang)
    if field == "probability" and isinstance(value, (int, float)):
        return percent(value)
    if isinstance(value, float) and value.is_integer():
        return f"{value:,.0f}"
    if isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)


def _label(prefix: str, value: str, lang: Lang) -> str:
    return message(prefix + value, lang) if prefix + value in MESSAGES else value


def _activity(kind: str, outcome: str, lang: Lang) -> str:
    return message("history.kind_outcome", lang, kind=_label("kind.", kind, lang), outcome=_label("outcome.", outcome, lang))


def _activity_value(field: str, value: str, lang: Lang) -> str:
    if field == "kind":
        return _label("kind.", value, lang)
    if field == "outcome":
        return _label("outcome.", value, lang)
    if field == "date":
        return _when(value)
    return message("history.empty", lang) if value in ("None", "null", "") else value


def _when(stored: str) -> str:
    """A stored ISO time (2026-12-02T01:36:45+08:00) as the panel shows times: 2026-12-02 01:36."""
    import datetime as dt

    try:
        moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    except ValueError:
        return stored
    return (moment.astimezone() if moment.tzinfo else moment).strftime("%Y-%m-%d %H:%M")

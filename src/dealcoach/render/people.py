"""People for people: the list, one person's coaching, and the power map as a Rich tree."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from dealcoach import typeset
from dealcoach.coaching.people import MapNode, PersonCoaching, PowerMap
from dealcoach.deals.models import Person, SaidPain
from dealcoach.i18n import Lang, message
from dealcoach.render.console import WHOLE, WRAP, FittedColumn, Fitted
from dealcoach.render.diagnosis import SEVERITY_STYLE, shaping_lines, warnings_panel
from dealcoach.typeset import colon, join, parenthesised

ATTITUDE_STYLE = {"supporter": "green", "neutral": "white", "opponent": "bold red", "unknown": "dim"}
INFLUENCE_MARK = {"high": "▲▲▲", "medium": "▲▲", "low": "▲", "unknown": "?"}


def value(kind: str, lang: Lang) -> str:
    return message(f"value.{kind}", lang)


def person_line(person: Person, role_names: list[str], lang: Lang) -> Text:
    line = Text()
    line.append(person.name, style="bold " + ATTITUDE_STYLE[person.attitude])
    if person.title:
        line.append(f" {person.title}", style="dim")
    if role_names:
        line.append(f" [{' / '.join(role_names)}]", style="cyan")
    line.append(f"  {value(person.attitude, lang)}", style=ATTITUDE_STYLE[person.attitude])
    line.append(f"  {message('map.influence', lang)} {INFLUENCE_MARK[person.influence]}")
    contact_style = "red" if person.contact == "none" else ""
    line.append(f"  {colon(message('map.contact', lang), lang)}{value(person.contact, lang)}", style=contact_style)
    if person.new:
        line.append(f"  {message('map.new', lang)}", style="yellow")
    return line


PEOPLE_COLUMNS = (
    FittedColumn("col.name", "left", 10, WRAP, 6), FittedColumn("map.title_col", "left", 4, WRAP, 6),
    FittedColumn("map.roles", "left", 9, WRAP, 8), FittedColumn("map.attitude", "left", 8, WHOLE),
    FittedColumn("col.influence", "left", 7, WHOLE), FittedColumn("col.contact", "left", 6, WHOLE),
    FittedColumn("map.level", "left", 2, WHOLE), FittedColumn("map.reports_to", "left", 5, WRAP, 6),
)


def people_table(people: list[Person], role_names: dict[str, str], lang: Lang):
    rows = [[Text(person.name), Text(person.title or ""),
             Text(" / ".join(role_names.get(r, r) for r in person.roles)),
             Text(value(person.attitude, lang), style=ATTITUDE_STYLE[person.attitude]),
             Text(value(person.influence, lang)), Text(value(person.contact, lang)),
             Text(value(person.level, lang) if person.level else ""), Text(person.reports_to or "")]
            for person in people]
    return Fitted(PEOPLE_COLUMNS, rows, lang)


COVERAGE_COLUMNS = (FittedColumn("map.role_group", "left", 10, WRAP, 8), FittedColumn("map.holders", "left", 9, WRAP, 8),
                    FittedColumn("map.met", "left", 8, WRAP, 8))


def _bullets(items: list[str]) -> Text:
    return Text("\n".join(f"• {item}" for item in items))


def _said(pain: SaidPain, lang: Lang) -> str:
    """效率低（2026-11-02 至 2026-11-20）: the problem and when they said it, first to last."""
    days = [str(day) for day in dict.fromkeys((pain.first_said, pain.last_said)) if day]
    if not days:
        return pain.text
    return pain.text + parenthesised(message("people.said_between", lang, first=days[0], last=days[-1])
                                     if len(days) > 1 else days[0], lang)


def coaching_panel(coaching: PersonCoaching, lang: Lang) -> Panel:
    parts: list = [person_line(coaching.person, [r.name for r in coaching.roles], lang)]
    if coaching.person.notes:
        parts.append(Text(coaching.person.notes, style="dim"))

    def section(title: str, body) -> None:
        parts.append(Text(""))
        parts.append(Text(title, style="bold underline"))
        parts.append(body)

    if coaching.person.pains:  # what they told us: a later call reminds them of it (call-script)
        section(message("people.said_pains", lang), _bullets([_said(pain, lang) for pain in coaching.person.pains]))
    for warning in coaching.warnings:
        parts.append(Text.assemble((message("severity." + warning.severity, lang) + " ",
                                    SEVERITY_STYLE[warning.severity]), warning.message))
    for role in coaching.roles:
        section(f"{role.name} ({role.model})", Group(
            Text(message("people.traits", lang), style="italic"), _bullets(role.traits),
            Text(message("people.strategies", lang), style="italic"), _bullets(role.strategies)))
    for department in coaching.departments:
        section(department.name, Group(
            Text(message("people.traits", lang), style="italic"), _bullets(department.traits),
            Text(message("people.needs", lang), style="italic"), _bullets(department.needs),
            Text(message("people.how_to_talk", lang), style="italic"), _bullets(department.how_to_talk)))
    if coaching.principles:
        section(message("people.principles", lang), _bullets(coaching.principles))
    if coaching.circle:
        section(message("people.circle", lang), Text(coaching.circle))
    if coaching.politics:
        section(message("people.politics", lang), _bullets(coaching.politics))
    if coaching.needs:
        section(message("people.personal_needs", lang), _bullets(coaching.needs))
    _value_sections(coaching, lang, section)
    _shaping_sections(coaching, lang, section)
    for driver in coaching.drivers:
        section(driver.name, Group(Text(driver.text, style="dim"), _bullets(driver.questions)))
    return Panel(Group(*parts), title=escape(f"{coaching.deal} · {coaching.person.name}"), title_align="left")


def _value_sections(coaching: PersonCoaching, lang: Lang, section) -> None:
    """The value framed for them from the increment answers, the questions still to ask, and the
    objection to prepare for."""
    value = coaching.value
    if value is not None and value.answered:
        section(message("people.value", lang), _bullets([line.frame or "" for line in value.answered]))
    if value is not None and value.to_ask:
        section(message("people.to_ask", lang), _bullets(
            [f"{q.name}{typeset.colon('', lang)}{q.question}" + (typeset.parenthesised(
                ("" if lang != "en" else " ").join(q.details), lang) if q.details else "") for q in value.to_ask]))
    if coaching.objection is not None:
        section(message("people.objection", lang), Text(coaching.objection.line))
    if coaching.persistence:
        section(message("people.follow_up", lang, touches=coaching.touches), Text(coaching.persistence))


def _shaping_sections(coaching: PersonCoaching, lang: Lang, section) -> None:
    """The insider's qualification, how this leader decides, the criteria they shape, the next rung."""
    shaping = coaching.shaping
    colon = typeset.colon("", lang)
    if shaping.insider is not None:
        insider = shaping.insider
        lines = [f"{message('people.motive', lang)}{colon}{insider.motive_name or message('criteria.not_recorded', lang)}"]
        if insider.motive_advice:
            lines.append(insider.motive_advice)
        lines.append(f"{message('people.support', lang)}{colon}{insider.support or message('criteria.not_recorded', lang)}")
        lines.append(f"{message('people.will_ability', lang)}{colon}{insider.will} / {insider.ability}")
        lines += insider.to_learn
        section(message("people.insider_check", lang), _bullets(lines))
    if shaping.leads is not None:
        section(message("people.leads", lang), Text(f"{shaping.leads.style_name}{colon}{shaping.leads.how_to_win}"))
    if shaping.culture:
        section(message("label.culture", lang), Text(shaping.culture))
    if shaping.criteria is not None:
        criteria = shaping.criteria
        verdict = message("criteria.shapeable" if criteria.shapeable else "criteria.not_shapeable", lang)
        lines = [f"{criteria.state_name}, {criteria.favours_name}: {verdict}" if lang == "en"
                 else f"{criteria.state_name}，{criteria.favours_name}：{verdict}", *criteria.items]
        if criteria.how:
            lines.append(criteria.how)
        section(message("label.criteria", lang), _bullets(lines))
    if shaping.ladder_next is not None:
        section(message("people.ladder", lang), Text(f"{shaping.ladder_next.name}{colon}{shaping.ladder_next.text}"))


def _add(tree: Tree, node: MapNode, lang: Lang) -> None:
    branch = tree.add(person_line(node.person, node.role_names, lang))
    for child in node.children:
        _add(branch, child, lang)


def render_map(console: Console, power: PowerMap, lang: Lang) -> None:
    tree = Tree(Text(f"{power.deal} · {message('map.title', lang)} ({power.stage})", style="bold"))
    for root in power.roots:
        _add(tree, root, lang)
    if not power.roots:
        tree.add(Text(message("map.empty", lang), style="dim"))
    console.print(tree)
    rows = []
    for row in power.coverage:
        if not row.people and not row.matters_now:
            continue
        name = Text(row.name + (" ★" if row.matters_now else ""), style="bold" if row.matters_now else "")
        holders = Text(join(row.people, lang) if row.people else message("map.nobody", lang),
                       style="" if row.people else "red")
        met = Text(join(row.met, lang) if row.met else "—", style="green" if row.met else "red")
        rows.append([name, holders, met])
    console.print(Fitted(COVERAGE_COLUMNS, rows, lang, title=message("map.coverage", lang),
                         title_justify="left"))
    console.print(Text(message("map.star_note", lang), style="dim"))
    if power.gaps:
        console.print(warnings_panel(power.gaps, message("map.gaps", lang), lang))
    for line in shaping_lines(power.insider_ladder, power.culture, lang):
        console.print(line)


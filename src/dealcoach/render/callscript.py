"""A CallScript for people: Rich panels for the terminal, and a printable one-page Markdown script.

Every piece of text is a `rich.text.Text` (never markup), so a name like `[bold]x[/bold]` prints as
written; the Markdown escapes the characters Markdown would interpret.
"""

from __future__ import annotations

import re

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from dealcoach.coaching.callscript import AfterCallPlan, CallScript, CallStep, MeetingProposal, PainProbe, VisitPlan
from dealcoach.i18n import Lang, message
from dealcoach.safetext import one_line
from dealcoach.typeset import colon, parenthesised


def _grid() -> Table:
    # the label keeps its own column, so long CJK lines wrap under the text, not under the label
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold")
    grid.add_column(overflow="fold")
    return grid


def _bullets(items: list[str], mark: str = "•", style: str = "") -> Table:
    """One item a row, the mark in its own column: a long CJK item folds under its text, not the mark."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style=style)
    grid.add_column(overflow="fold", style=style)
    for index, item in enumerate(items, start=1):
        grid.add_row(Text(f"{index}." if mark == "#" else mark), Text(item))
    return grid


def _list_sep(lang: Lang) -> str:
    return ", " if lang == "en" else "、"


def _title(text: str) -> Text:
    return Text(text, style="bold")


def _name_of(script: CallScript, lang: Lang) -> str:
    return script.contact.name or message("call.blank.contact_name", lang)


def header_panel(script: CallScript, lang: Lang) -> Panel:
    grid = _grid()
    contact = Text(_name_of(script, lang), style="bold")
    details = [d for d in (script.contact.title, _list_sep(lang).join(script.contact.role_names) or None) if d]
    if details:
        contact.append(f"  {' · '.join(details)}", style="dim")
    grid.add_row(Text(message("call.label.phone", lang)), Text(script.contact.phone or "—"))
    grid.add_row(Text(message("call.label.stage", lang)),
                 Text(script.stage.name + (f" ({message('call.cold', lang)})" if script.cold else "")))
    if script.stage.note:
        grid.add_row(Text(""), Text(script.stage.note, style="italic"))
    if script.stage.caveat:
        grid.add_row(Text(""), Text(script.stage.caveat, style="magenta"))
    if script.audience:
        grid.add_row(Text(message("call.label.audience", lang)), Text(script.audience.name, style="cyan"))
        grid.add_row(Text(message("call.label.approach", lang)), Text(script.audience.approach))
    title = Text(message("call.title", lang, contact=_name_of(script, lang),
                         account=script.account or message("call.blank.account", lang)))
    return Panel(Group(contact, grid), title=title, title_align="left", border_style="cyan")


def pre_call_panel(script: CallScript, lang: Lang) -> Panel:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    colon = ": " if lang == "en" else "："
    for check in script.pre_call:
        if check.known:
            grid.add_row(Text("✓", style="green"), Text.assemble(check.text, (f"  {check.value}", "green")))
        else:
            grid.add_row(Text("✗", style="bold red"),
                         Text.assemble((check.text, "bold"), "\n",
                                       (f"{message('call.label.where', lang)}{colon}{check.where}", "dim")))
    missing = sum(1 for c in script.pre_call if not c.known)
    summary = Text(message("call.missing_count", lang, count=missing) if missing else message("call.all_known", lang),
                   style="yellow" if missing else "green")
    return Panel(Group(Text(script.planning, style="dim"), grid, summary),
                 title=Text(message("call.section.pre_call", lang)), title_align="left",
                 border_style="yellow" if missing else "green")


def purposes_panel(script: CallScript, lang: Lang) -> Panel:
    parts: list = [_bullets([p.text for p in script.purposes])]
    if script.commitments:
        grid = _grid()
        grid.add_row(Text(message("call.label.aim", lang)), Text(script.commitments.aim))
        grid.add_row(Text(message("call.label.minimum", lang)), Text(script.commitments.minimum))
        parts += [Text(""), Text(message("call.section.commitments", lang), style="bold underline"), grid]
    return Panel(Group(*parts), title=Text(message("call.section.purposes", lang)), title_align="left")


def meeting_grid(meeting: MeetingProposal, lang: Lang) -> Table:
    grid = _grid()
    time = meeting.time
    if meeting.slots:
        time += "\n" + colon(message('call.suggested', lang), lang)
        time += " / ".join(meeting.slots)
    grid.add_row(Text(message("call.label.time", lang)), Text(time))
    grid.add_row(Text(message("call.label.place", lang)), Text(meeting.place))
    people = [a.name + (f"（{a.why}）" if lang != "en" else f" ({a.why})") for a in meeting.attendees]
    if people:
        grid.add_row(Text(message("call.label.attendees", lang)), _bullets(people))
    if meeting.ask_for:
        grid.add_row(Text(message("call.label.ask_for", lang)), _bullets(meeting.ask_for))
    grid.add_row(Text(message("call.label.topics", lang)), _bullets(meeting.topics))
    if meeting.we_prepare:
        grid.add_row(Text(message("call.label.we_prepare", lang)), _bullets(meeting.we_prepare))
    if meeting.they_prepare:
        grid.add_row(Text(message("call.label.they_prepare", lang)), _bullets(meeting.they_prepare))
    return grid


def _pain_source(probe: PainProbe, lang: Lang) -> str:
    """Where a pain comes from, for the rep: 对方说过 / 李经理说过 / 同行常见，待确认."""
    if probe.source != "said" and probe.said_by:
        return message("call.said_by", lang, names=_list_sep(lang).join(probe.said_by))
    return message(f"call.source.{probe.source}", lang)


def step_panel(step: CallStep, number: int, lang: Lang) -> Panel:
    grid = _grid()
    grid.add_row(Text(message("call.label.goal", lang)), Text(step.goal, style="dim"))
    grid.add_row(Text(message("call.label.say", lang), style="green"), _bullets(step.lines, "»", "green"))
    if step.pains:
        names = [p.text + parenthesised(_pain_source(p, lang), lang) for p in step.pains]
        grid.add_row(Text(message("call.label.pains", lang)), _bullets(names))
    if step.questions:
        grid.add_row(Text(message("call.label.ask", lang), style="cyan"), _bullets(step.questions, "?", "cyan"))
    if step.avoid:
        grid.add_row(Text(message("call.label.avoid", lang), style="red"), _bullets(step.avoid, "✗"))
    grid.add_row(Text(message("call.label.move_on", lang)), Text(step.move_on_when, style="italic"))
    parts: list = [grid]
    if step.meeting is not None:
        parts += [Text(""), meeting_grid(step.meeting, lang)]
    return Panel(Group(*parts), title=Text(message("call.step", lang, number=number, name=step.name)),
                 title_align="left", border_style="green")


def objections_panel(script: CallScript, lang: Lang) -> Panel:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="bold magenta")
    grid.add_column(overflow="fold")
    colon = ": " if lang == "en" else "："
    for group in script.objections:
        for index, objection in enumerate(group.objections):
            rows = [("◇", Text(f"“{objection.says}”", style="bold")), ("→", Text(objection.response))]
            if objection.evidence:
                rows.append(("", Text(f"{message('call.label.evidence', lang)}{colon}{objection.evidence}",
                                      style="dim")))
            body = Table.grid(padding=(0, 0))
            body.add_column(no_wrap=True, width=2)
            body.add_column(overflow="fold")
            for mark, text in rows:
                body.add_row(Text(mark), text)
            grid.add_row(Text(group.name if index == 0 else ""), body)
    parts: list = [grid]
    if script.objection_advice:
        parts += [Text(""), _bullets(script.objection_advice, "※", "dim")]
    return Panel(Group(*parts), title=Text(message("call.section.objections", lang)), title_align="left",
                 border_style="magenta")


def objections_ahead_panel(script: CallScript, lang: Lang) -> Panel:
    """Before the meeting where we are absent: whose objection to expect and the evidence to bring."""
    lines = [Text(item.line) for item in script.objections_ahead]
    return Panel(Group(*lines), title=Text(message("call.section.objections_ahead", lang)), title_align="left",
                 border_style="magenta")


def visit_panel(visit: VisitPlan, lang: Lang, title_key: str = "call.section.visit") -> Panel:
    grid = _grid()
    grid.add_row(Text(message("call.label.expects", lang)), Text(visit.customer_expects, style="dim"))
    colon = ": " if lang == "en" else "："
    purposes = [f"{p.text}{colon}{p.detail}" if p.detail else p.text for p in visit.purposes]
    grid.add_row(Text(message("call.label.visit_purposes", lang)), _bullets(purposes, "#"))
    if visit.bring:
        grid.add_row(Text(message("call.label.bring", lang)), _bullets(visit.bring))
    asks = [a.name + (f"（{a.why}）" if lang != "en" else f" ({a.why})") for a in visit.people] + visit.ask_for
    if asks:
        grid.add_row(Text(message("call.label.ask_people", lang)), _bullets(asks))
    return Panel(grid, title=Text(message(title_key, lang)), title_align="left", border_style="blue")


def render_script(console: Console, script: CallScript, lang: Lang) -> None:
    console.print(header_panel(script, lang))
    console.print(pre_call_panel(script, lang))
    console.print(purposes_panel(script, lang))
    for number, step in enumerate(script.steps, start=1):
        console.print(step_panel(step, number, lang))
    if script.objections:
        console.print(objections_panel(script, lang))
    if script.objections_ahead:
        console.print(objections_ahead_panel(script, lang))
    if script.visit:
        console.print(visit_panel(script.visit, lang))


def render_after_call(console: Console, plan: AfterCallPlan, lang: Lang) -> None:
    lines = [Text(message("call.saved", lang, outcome=plan.outcome_name, deal=plan.deal), style="bold green")]
    if plan.confirmed_pains:
        lines.append(Text(message("call.saved_pains", lang, pains=_list_sep(lang).join(plan.confirmed_pains))))
    if plan.done:
        lines.append(Text(message("call.saved_done", lang, items=_list_sep(lang).join(plan.done))))
    console.print(Group(*lines))
    grid = _grid()
    if plan.meeting is not None:
        meeting = plan.meeting
        facts = [f for f in (meeting.when, meeting.place) if f]
        grid.add_row(Text(message("call.label.meeting", lang)), Text(" · ".join(facts)))
        if meeting.attendees:
            grid.add_row(Text(message("call.label.attendees", lang)), Text(_list_sep(lang).join(meeting.attendees)))
        if meeting.topics:
            grid.add_row(Text(message("call.label.topics", lang)), _bullets(meeting.topics))
    if plan.advice:
        grid.add_row(Text(message("call.label.advice", lang)), Text(plan.advice))
    if plan.pretexts:
        grid.add_row(Text(message("call.label.pretexts", lang)), _bullets(plan.pretexts))
    console.print(Panel(grid, title=Text(message("call.section.next", lang)), title_align="left",
                        border_style="green"))
    if plan.visit is not None:
        console.print(visit_panel(plan.visit, lang))


# --- Markdown ----------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(text: str) -> str:
    """Text as Markdown shows it literally: every character Markdown (or HTML) would interpret is escaped,
    on one line, without control characters."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", one_line(text))


def to_markdown(script: CallScript, lang: Lang) -> str:
    colon = ": " if lang == "en" else "："
    sep = "; " if lang == "en" else "；"  # items may hold commas themselves
    out: list[str] = []
    title = message("call.title", lang, contact=_name_of(script, lang),
                    account=script.account or message("call.blank.account", lang))
    out.append(f"# {md(title)}")
    facts = [script.contact.title, script.contact.phone, _list_sep(lang).join(script.contact.role_names) or None,
             script.stage.name + (f" ({message('call.cold', lang)})" if script.cold else "")]
    out.append(" · ".join(md(f) for f in facts if f))
    if script.audience:
        out.append("")
        out.append(f"**{md(message('call.label.audience', lang))}{colon}{md(script.audience.name)}** "
                   f"{md(script.audience.approach)}")
    if script.stage.note:
        out.append("")
        out.append(f"*{md(script.stage.note)}*")
    if script.stage.caveat:
        out.append("")
        out.append(f"> {md(script.stage.caveat)}")
    out += ["", f"## {md(message('call.section.pre_call', lang))}", ""]
    for check in script.pre_call:
        if check.known:
            out.append(f"- ✓ {md(check.text)} **{md(check.value or '')}**")
        else:
            out.append(f"- ✗ {md(check.text)} {md(message('call.label.where', lang))}{colon}{md(check.where)}")
    purposes = sep.join(p.text for p in script.purposes)
    out += ["", f"**{md(message('call.section.purposes', lang))}**{colon}{md(purposes)}"]
    if script.commitments:
        out += ["", f"**{md(message('call.label.aim', lang))}**{colon}{md(script.commitments.aim)}  ",
                f"**{md(message('call.label.minimum', lang))}**{colon}{md(script.commitments.minimum)}"]
    for number, step in enumerate(script.steps, start=1):
        out += ["", f"## {md(message('call.step', lang, number=number, name=step.name))}", ""]
        out += [f"> {md(line)}  " for line in step.lines]
        out.append("")
        out += [f"- {md(message('call.label.ask', lang))}{colon}{md(q)}" for q in step.questions]
        out += [f"- {md(message('call.label.avoid', lang))}{colon}{md(a)}" for a in step.avoid]
        out.append(f"- {md(message('call.label.move_on', lang))}{colon}{md(step.move_on_when)}")
        if step.meeting is not None:
            meeting = step.meeting
            time = meeting.time + (f" ({' / '.join(meeting.slots)})" if meeting.slots and lang == "en"
                                   else f"（{' / '.join(meeting.slots)}）" if meeting.slots else "")
            rows = [("call.label.time", time), ("call.label.place", meeting.place),
                    ("call.label.attendees", sep.join(a.name for a in meeting.attendees)),
                    ("call.label.ask_for", sep.join(meeting.ask_for)),
                    ("call.label.topics", sep.join(meeting.topics)),
                    ("call.label.we_prepare", sep.join(meeting.we_prepare)),
                    ("call.label.they_prepare", sep.join(meeting.they_prepare))]
            out.append("")
            out += [f"- **{md(message(key, lang))}**{colon}{md(value)}" for key, value in rows if value]
    if script.objections:
        out += ["", f"## {md(message('call.section.objections', lang))}", ""]
        for group in script.objections:
            first = group.objections[0]
            out.append(f"- **{md(group.name)}** “{md(first.says)}” → {md(first.response)}")
    if script.objections_ahead:
        out += ["", f"## {md(message('call.section.objections_ahead', lang))}", ""]
        out += [f"- {md(item.line)}" for item in script.objections_ahead]
    if script.visit:
        visit = script.visit
        out += ["", f"## {md(message('call.section.visit', lang))}", ""]
        out.append(f"- **{md(message('call.label.visit_purposes', lang))}**{colon}"
                   + md(sep.join(p.text for p in visit.purposes)))
        if visit.bring:
            out.append(f"- **{md(message('call.label.bring', lang))}**{colon}{md(sep.join(visit.bring))}")
        asks = [a.name for a in visit.people] + visit.ask_for
        if asks:
            out.append(f"- **{md(message('call.label.ask_people', lang))}**{colon}{md(sep.join(asks))}")
    return "\n".join(out) + "\n"

"""The only module that imports questionary (~105 ms): imported by the commands that prompt.

Questions are built from data (the playbook), answers go back as plain values, and the core turns
them into results. Every prompt uses `unsafe_ask()` so Ctrl-C raises KeyboardInterrupt (exit 130,
nothing saved) instead of returning None.
"""

from __future__ import annotations

import sys

import questionary
from questionary import Choice

from dealcoach.errors import UsageError
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook, Stage


def interactive_available() -> bool:
    """A terminal to prompt on: a real TTY, or an input that a test installed for prompt_toolkit."""
    if sys.stdin is not None and sys.stdin.isatty():
        return True
    from prompt_toolkit.application.current import get_app_session

    # `_input` is set only when someone created an app session with an explicit input (tests' pipe
    # input); reading the public `.input` would try to open the real terminal.
    return get_app_session()._input is not None


def require_terminal(hint: str) -> None:
    if not interactive_available():
        raise UsageError(hint)


# questionary turns a Choice whose value is None into its title: "none of these" needs a sentinel
_NONE = "\x00none"


def pick_deal(choices: list[tuple[int, str]], lang: Lang) -> int | None:
    """A stored deal's id, or None to start a new one."""
    options = [(label, str(deal_id)) for deal_id, label in choices]
    options.append((message("prompt.new_deal", lang), None))
    picked = ask_select(message("prompt.pick_deal", lang), options, default=options[0][1])
    return None if picked is None else int(picked)


def ask_text(question: str, default: str = "", required: bool = False, check=None) -> str:
    """`check(text)` returns None when the answer is fine, else the problem: the question is asked again."""
    def validate(text: str):
        if required and not text.strip():
            return "required"
        problem = check(text.strip()) if check and text.strip() else None
        return problem or True

    return questionary.text(question, default=default, validate=validate).unsafe_ask().strip()


def ask_select(question: str, options: list[tuple[str, str | None]], default: str | None = None):
    """One of the options' values; an option whose value is None gives None."""
    choices = [Choice(title=title, value=_NONE if value is None else value) for title, value in options]
    wanted = _NONE if default is None else default
    selected = next((c for c in choices if c.value == wanted), None)
    answer = questionary.select(question, choices=choices, default=selected).unsafe_ask()
    return None if answer == _NONE else answer


def ask_confirm(question: str, default: bool = False) -> bool:
    return questionary.confirm(question, default=default).unsafe_ask()


def ask_stage_items(stage: Stage, done: set[str], lang: Lang, settled: set[str] | None = None) -> set[str]:
    """Which of this stage's work items, key milestone and exit criteria are done (pre-checked).
    Items in `settled` (ticked before, or shown done by the recorded facts) are not asked again;
    when nothing is left to ask, nothing is asked."""
    settled = settled or set()
    choices = [Choice(title=f"{w.text.get(lang)}", value=w.id, checked=w.id in done)
               for w in stage.work_items if w.id not in settled]
    milestone = stage.key_milestone
    if milestone.id not in settled:
        choices.append(Choice(title=f"★ {message('section.key_milestone', lang)}: {milestone.text.get(lang)}",
                              value=milestone.id, checked=milestone.id in done))
    choices += [Choice(title=f"✓ {message('section.exit_criteria', lang)}: {c.text.get(lang)}", value=c.id,
                       checked=c.id in done) for c in stage.exit_criteria if c.id not in settled]
    if not choices:
        return set()
    question = message("prompt.stage_items", lang, stage=stage.name.get(lang))
    return set(questionary.checkbox(question, choices=choices).unsafe_ask())


def ask_signals(playbook: Playbook, seen: list[str], lang: Lang) -> list[str]:
    """Which of the customer steps' observable signals the rep has seen (the step is inferred from them)."""
    choices = [Choice(title=f"{index}. {signal.text.get(lang)}", value=signal.id, checked=signal.id in seen)
               for index, step in enumerate(playbook.customer_steps, start=1) for signal in step.signals]
    return list(questionary.checkbox(message("prompt.signals", lang), choices=choices).unsafe_ask())


def ask_customer_step(playbook: Playbook, current: str | None, lang: Lang) -> str | None:
    options: list[tuple[str, str | None]] = [
        (f"{index}. {step.name.get(lang)}", step.id) for index, step in enumerate(playbook.customer_steps, start=1)
    ]
    options.append((message("prompt.step_unknown", lang), None))
    return ask_select(message("prompt.customer_step", lang), options, default=current)


def ask_person(deal, catalog, lang: Lang) -> dict:
    """The fields of a new person on the deal, asked one by one from the role catalog."""
    name = ask_text(message("prompt.person_name", lang), required=True)
    title = ask_text(message("prompt.person_title", lang))
    level = ask_select(message("prompt.person_level", lang),
                       [(message(f"value.{v}", lang), v) for v in ("senior", "middle", "staff")], default="middle")
    models = {m.id: m.name.get(lang) for m in catalog.models}
    role_choices = [Choice(title=f"{role.name.get(lang)} ({models.get(role.model, role.model)})", value=role.id)
                    for role in catalog.roles]
    roles = questionary.checkbox(message("prompt.person_roles", lang), choices=role_choices).unsafe_ask()
    values = {}
    for field, options in (("attitude", ("supporter", "neutral", "opponent", "unknown")),
                           ("influence", ("high", "medium", "low", "unknown")),
                           ("contact", ("none", "brief", "regular", "deep"))):
        values[field] = ask_select(message(f"prompt.person_{field}", lang),
                                   [(message(f"value.{v}", lang), v) for v in options], default=options[-1] if
                                   field != "contact" else "none")
    bosses: list[tuple[str, str | None]] = [(p.name, p.name) for p in deal.people]
    bosses.append((message("prompt.nobody", lang), None))
    reports_to = ask_select(message("prompt.person_reports_to", lang), bosses, default=None) if deal.people else None
    return {"name": name, "title": title or None, "level": level, "roles": roles, **values, "reports_to": reports_to}


def ask_activity(deal, summary_form, kind: str | None, outcome: str | None, lang: Lang) -> dict:
    """Kind, outcome, contact and note of an activity; for a visit, the summary form field by field."""
    from dealcoach.deals.models import OUTCOMES_BY_KIND

    if kind is None:
        kind = ask_select(message("prompt.activity_kind", lang),
                          [(message(f"kind.{k}", lang), k) for k in OUTCOMES_BY_KIND], default="call")
    if outcome is None:
        outcome = ask_select(message("prompt.activity_outcome", lang),
                             [(message(f"outcome.{o}", lang), o) for o in OUTCOMES_BY_KIND[kind]])
    contact = None
    if deal.people:
        contact = ask_select(message("prompt.activity_contact", lang),
                             [(p.name, p.name) for p in deal.people] + [(message("prompt.nobody", lang), None)],
                             default=deal.people[0].name)
    form = ask_visit_form(summary_form, lang) if kind == "visit" and outcome == "held" and summary_form else {}
    note = ask_text(message("prompt.activity_note", lang))
    return {"kind": kind, "outcome": outcome, "contact": contact, "note": note or None, "form": form}


DATED_FORM_FIELDS = frozenset({"next-step-when"})


def ask_visit_form(summary_form, lang: Lang) -> dict[str, str]:
    """Seed 000's visit summary form (上门拜访总结报告表), field by field; empty answers are skipped."""
    form: dict[str, str] = {}
    from dealcoach.deals.edit import moment_problem

    for field in summary_form.fields:
        label = field.label.get(lang) + (f" ({field.hint.get(lang)})" if field.hint else "")
        # a time the rep types must read as one: asked again until it does
        answer = ask_text(label, check=moment_problem if field.id in DATED_FORM_FIELDS else None)
        if answer:
            form[field.id] = answer
    return form


# --- call script and profile ---------------------------------------------------------------------


def ask_checkbox(question: str, options: list[tuple[str, str]], checked: set[str] | None = None) -> list[str]:
    """The values ticked, in the order offered. Titles are shown as plain text, never as markup."""
    checked = checked or set()
    choices = [Choice(title=title, value=value, checked=value in checked) for title, value in options]
    return list(questionary.checkbox(question, choices=choices).unsafe_ask())


def ask_list(question: str) -> list[str]:
    """Free text split on ; or ；, e.g. other pains or attendees; empty parts are dropped."""
    import re

    return [part.strip() for part in re.split(r"[;；]", ask_text(question)) if part.strip()]


def ask_profile(current, lang: Lang) -> dict[str, str]:
    """The rep's name, company, offer and phone, each pre-filled with what is saved."""
    return {field: ask_text(message(f"profile.prompt.{field}", lang), default=getattr(current, field) or "")
            for field in ("name", "company", "offer", "phone")}

"""The only module that imports questionary (~105 ms): imported by the commands that prompt.

Questions are built from data (the playbook), answers go back as plain values, and the core turns
them into results. Every prompt uses `unsafe_ask()` so Ctrl-C raises KeyboardInterrupt (exit 130,
nothing saved) instead of returning None.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import questionary
from questionary import Choice

from dealcoach.errors import DealcoachError, UsageError
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


def ask_text(question: str, default: str = "", required: bool = False,
             check: Callable[[str], object] | None = None) -> str:
    """Free text; `check` refuses a bad answer as it is typed, with the reason: a parser that raises,
    or a function that returns the problem (None when the answer is fine)."""
    return questionary.text(question, default=default, validate=_checked(check, required)).unsafe_ask().strip()


def ask_select(question: str, options: list[tuple[str, str | None]], default: str | None = None):
    """One of the options' values; an option whose value is None gives None."""
    choices = [Choice(title=title, value=_NONE if value is None else value) for title, value in options]
    wanted = _NONE if default is None else default
    selected = next((c for c in choices if c.value == wanted), None)
    answer = _filter_typed_text(questionary.select(question, choices=choices, default=selected, use_search_filter=True,
                                                   use_jk_keys=False, instruction=_hint("select"))).unsafe_ask()
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
    return set(questionary.checkbox(question, choices=choices, instruction=_hint("checkbox")).unsafe_ask())


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


def _model_check(model_name: str, field: str) -> Callable[[str], str | None]:
    """A prompt's check of one answer by the model's own validation of that field (deals/edit.py)."""
    from dealcoach.deals import models
    from dealcoach.deals.edit import field_problem

    model = getattr(models, model_name)
    return lambda text: field_problem(model, field, text)


PERSON_CHOICES = (("attitude", ("supporter", "neutral", "opponent", "unknown"), "unknown"),
                  ("influence", ("high", "medium", "low", "unknown"), "unknown"),
                  ("contact", ("none", "brief", "regular", "deep"), "none"))


def ask_person(deal, catalog, lang: Lang) -> dict:
    """The fields of a new person on the deal, one by one, each checked as it is typed (a name already
    on the deal is refused there); Ctrl-C keeps a draft of the answers."""
    from dealcoach.deals.edit import person_name_problem

    with Form(f"person-{deal.id}", lang) as form:
        name = form.text("name", message("prompt.person_name", lang), required=True,
                         check=lambda text: person_name_problem(deal, text))
        title = form.text("title", message("prompt.person_title", lang), check=_model_check("Person", "title"))
        department = form.text("department", message("prompt.person_department", lang),
                               check=_model_check("Person", "department"))
        level = form.select("level", message("prompt.person_level", lang),
                            [(message(f"value.{v}", lang), v) for v in ("senior", "middle", "staff")], default="middle")
        roles = form.roles("roles", catalog)
        values = {field: form.select(field, message(f"prompt.person_{field}", lang),
                                     [(message(f"value.{v}", lang), v) for v in options], default=default)
                  for field, options, default in PERSON_CHOICES}
        reports_to = None
        if deal.people:
            bosses: list[tuple[str, str | None]] = [(p.name, p.name) for p in deal.people]
            bosses.append((message("prompt.nobody", lang), None))
            reports_to = form.select("reports_to", message("prompt.person_reports_to", lang), bosses, default=None)
    return {"name": name, "title": title or None, "department": department or None, "level": level, "roles": roles,
            **values, "reports_to": reports_to}


def activity_draft(deal) -> str:
    """The draft of what is being logged on `deal` (one per deal: resuming never mixes two deals)."""
    return f"log-{deal.id}"


def ask_activity(deal, summary_form, kind: str | None, outcome: str | None, lang: Lang) -> dict:
    """Kind, outcome, contact, when, and the note of an activity; for a visit, the summary form field
    by field. Each typed answer is checked as it is typed; Ctrl-C keeps a draft of them all."""
    from dealcoach.deals.models import OUTCOMES_BY_KIND

    with Form(activity_draft(deal), lang) as form:
        if kind is None:
            kind = form.select("kind", message("prompt.activity_kind", lang),
                               [(message(f"kind.{k}", lang), k) for k in OUTCOMES_BY_KIND], default="call")
        if outcome is None:
            outcome = form.select("outcome", message("prompt.activity_outcome", lang),
                                  [(message(f"outcome.{o}", lang), o) for o in OUTCOMES_BY_KIND[kind]])
        contact = None
        if deal.people:
            contact = form.select("contact", message("prompt.activity_contact", lang),
                                  [(p.name, p.name) for p in deal.people] + [(message("prompt.nobody", lang), None)],
                                  default=deal.people[0].name)
        when = form.text("date", message("prompt.activity_when", lang), check=_model_check("Activity", "date"))
        visit = _visit_answers(form, summary_form, lang) if kind == "visit" and outcome == "held" and summary_form \
            else {}
        note = form.text("note", message("prompt.activity_note", lang), check=_model_check("Activity", "note"))
    return {"kind": kind, "outcome": outcome, "contact": contact, "date": when or None, "note": note or None,
            "form": visit}


DATED_FORM_FIELDS = frozenset({"next-step-when"})


def ask_visit_form(summary_form, deal, lang: Lang) -> dict[str, str]:
    """The visit summary form (上门拜访总结报告表), field by field; empty answers are skipped. A long
    form: Ctrl-C keeps a draft that the next run offers to resume."""
    with Form(activity_draft(deal), lang) as form:
        return _visit_answers(form, summary_form, lang)


def _visit_answers(form: Form, summary_form, lang: Lang) -> dict[str, str]:
    from dealcoach.deals.edit import moment_problem
    from dealcoach.typeset import parenthesised

    answers = {}
    for field in summary_form.fields:
        label = field.label.get(lang) + (parenthesised(field.hint.get(lang), lang) if field.hint else "")
        # a time the rep types must read as one: asked again until it does
        answers[field.id] = form.text(f"form.{field.id}", colon_end(label, lang),
                                      check=moment_problem if field.id in DATED_FORM_FIELDS else None)
    return {key: value for key, value in answers.items() if value}


def colon_end(label: str, lang: Lang) -> str:
    from dealcoach.typeset import colon

    return colon(label, lang).rstrip()


def ask_roles(catalog, lang: Lang, checked: set[str] | None = None) -> list[str]:
    """The buying roles of a person: the six roles of the first model first, with short labels; the
    other models' roles only when asked for ("更多角色…"), labelled with their model's short name."""
    checked = checked or set()
    first_model = catalog.models[0].id
    more = "\x00more"
    choices = [Choice(title=role.name.get(lang), value=role.id, checked=role.id in checked)
               for role in catalog.roles if role.model == first_model]
    choices.append(Choice(title=message("prompt.more_roles", lang), value=more))
    picked = list(_filter_typed_text(questionary.checkbox(
        message("prompt.person_roles", lang), choices=choices, use_search_filter=True, use_jk_keys=False,
        instruction=_hint("checkbox_filter"))).unsafe_ask())
    if more in picked:
        picked.remove(more)
        short = {m.id: _short_name(m.name.get(lang)) for m in catalog.models}
        others = [Choice(title=f"{role.name.get(lang)} · {short[role.model]}", value=role.id,
                         checked=role.id in checked) for role in catalog.roles if role.model != first_model]
        picked += _filter_typed_text(questionary.checkbox(
            message("prompt.person_roles_more", lang), choices=others, use_search_filter=True, use_jk_keys=False,
            instruction=_hint("checkbox_filter"))).unsafe_ask()
    return picked


def _short_name(name: str) -> str:
    """A model's name without its bracketed list: 九种购买角色（决策、付钱…） -> 九种购买角色."""
    for bracket in ("（", " ("):
        name = name.split(bracket, 1)[0]
    return name.strip()


# a deal's fields as a form asks them: (field, question) in order; each answer is checked by the
# Deal model's own validation of that field as it is typed
DEAL_TEXT_FIELDS = (("amount", "prompt.amount"), ("currency", "prompt.currency"), ("expected_close", "prompt.close"),
                    ("probability", "prompt.probability"))


def ask_new_deal(lang: Lang) -> dict:
    """A new deal's fields (`deal new`, and a new deal started in the stage walk), each checked as it
    is typed by the Deal model (which reads them through the one parser of typed values); Ctrl-C
    keeps a draft."""
    from dealcoach.playbook.loader import load_playbook, playbook_ids

    playbooks: list[tuple[str, str | None]] = [(load_playbook(i).name.get(lang), i) for i in playbook_ids()]
    with Form("new-deal", lang) as form:
        answers = {
            "name": form.text("name", message("prompt.deal_name", lang), required=True, check=_model_check("Deal", "name")),
            "account": form.text("account", message("prompt.account", lang), check=_model_check("Deal", "account")),
            "playbook": form.select("playbook", message("prompt.playbook", lang), playbooks, default="six-step"),
        }
        for field, question in DEAL_TEXT_FIELDS:
            default = (_named_currency(answers.get("amount", "")) or "CNY") if field == "currency" else ""
            answers[field] = form.text(field, message(question, lang), default=default,
                                       check=_model_check("Deal", field))
    return {key: value for key, value in answers.items() if value not in ("", None)}


def ask_deal_edits(deal, lang: Lang) -> dict:
    """A deal's main fields, each pre-filled with what is stored and checked as it is typed; an emptied
    field is cleared (the name is kept)."""
    questions = (("name", "prompt.deal_name"), ("account", "prompt.account"), *DEAL_TEXT_FIELDS)
    answers = {}
    for field, question in questions:
        value = getattr(deal, field)
        answers[field] = ask_text(message(question, lang), default="" if value is None else str(value),
                                  required=field == "name", check=_model_check("Deal", field))
    return {key: (value if value != "" else None) for key, value in answers.items()}


def _named_currency(amount: str) -> str | None:
    """The currency an amount names (`EUR 5,000`, `80万元`), to offer as the deal's currency."""
    from dealcoach import parse

    try:
        return parse.parse_money(amount, None).currency if amount else None
    except parse.InputError:
        return None


# --- call script and profile ---------------------------------------------------------------------


def ask_checkbox(question: str, options: list[tuple[str, str]], checked: set[str] | None = None) -> list[str]:
    """The values ticked, in the order offered. Titles are shown as plain text, never as markup."""
    checked = checked or set()
    choices = [Choice(title=title, value=value, checked=value in checked) for title, value in options]
    return list(questionary.checkbox(question, choices=choices, instruction=_hint("checkbox")).unsafe_ask())


def ask_list(question: str) -> list[str]:
    """Free text split on ; or ；, e.g. other pains or attendees; empty parts are dropped."""
    import re

    return [part.strip() for part in re.split(r"[;；]", ask_text(question)) if part.strip()]


def ask_profile(current, lang: Lang) -> dict[str, str]:
    """The rep's name, company, offer and phone, each pre-filled with what is saved."""
    return {field: ask_text(message(f"profile.prompt.{field}", lang), default=getattr(current, field) or "")
            for field in ("name", "company", "offer", "phone")}


# --- forms that keep what was typed ---------------------------------------------------------------


def _hint(kind: str) -> str:
    from dealcoach.language import active_language

    return message(f"prompt.hint_{kind}", active_language())


def _checked(check: Callable[[str], object] | None, required: bool):
    """A questionary validator: True, or the reason in the user's language (the answer stays typed)."""
    from dealcoach.error_text import localize_error
    from dealcoach.language import active_language

    def validate(text: str):
        if required and not text.strip():
            return message("prompt.required", active_language())
        if check is not None and text.strip():
            try:
                problem = check(text.strip())
            except DealcoachError as exc:
                return localize_error(exc, active_language())
            if isinstance(problem, (str, DealcoachError)) and problem:  # an error: said from its key
                return localize_error(problem, active_language())
        return True

    return validate


MAX_DRAFT_BYTES = 1_000_000


class Form:
    """A long form (a new deal, a person, an activity and its visit summary): each answer is checked
    as it is typed and only that field is asked again, with the reason; on Ctrl-C the answers so far
    are kept as a draft (settings.drafts_dir(), readable by the user only, written atomically), and
    the next run offers to resume it: every answer comes back as the default of its question."""

    def __init__(self, name: str, lang: Lang) -> None:
        from dealcoach import settings

        self.lang = lang
        self.path = settings.drafts_dir() / f"{name}.json"
        self.answers: dict[str, object] = {}

    def __enter__(self) -> Form:
        draft = _read_draft(self.path)
        if draft and ask_confirm(message("form.resume", self.lang, count=len(draft)), default=True):
            self.answers = draft
        else:
            self.path.unlink(missing_ok=True)
        return self

    def __exit__(self, kind, exc, traceback) -> None:
        if kind is None:
            self.path.unlink(missing_ok=True)
        elif issubclass(kind, (KeyboardInterrupt, EOFError)) and self.answers:  # Ctrl-C or Ctrl-D
            import json

            from dealcoach.files import write_atomic

            write_atomic(self.path, json.dumps(self.answers, ensure_ascii=False), private_parents=True)
            print(message("form.draft_saved", self.lang, count=len(self.answers)), file=sys.stderr)

    def text(self, key: str, question: str, *, default: str = "", required: bool = False,
             check: Callable[[str], object] | None = None) -> str:
        kept = self.answers.get(key)
        answer = ask_text(question, default=kept if isinstance(kept, str) else default, required=required,
                          check=check)
        self.answers[key] = answer
        return answer

    def select(self, key: str, question: str, options: list[tuple[str, str | None]], default: str | None = None):
        answer = ask_select(question, options, default=self.answers.get(key, default))  # type: ignore[arg-type]
        self.answers[key] = answer
        return answer

    def roles(self, key: str, catalog) -> list[str]:
        kept = self.answers.get(key)
        answer = ask_roles(catalog, self.lang, checked=set(kept) if isinstance(kept, list) else None)
        self.answers[key] = answer
        return answer


def _read_draft(path) -> dict[str, object]:
    """A draft's answers, or nothing when there is none or it is not one this module wrote."""
    import json

    try:
        if not path.is_file() or path.stat().st_size > MAX_DRAFT_BYTES:
            return {}
        draft = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(draft, dict):
        return {}

    def answer(value: object) -> bool:
        return value is None or isinstance(value, str) or (
            isinstance(value, list) and all(isinstance(item, str) for item in value))

    return {key: value for key, value in draft.items() if isinstance(key, str) and answer(value)}


def _filter_typed_text(question):
    """questionary filters a list only on ASCII keys; Chinese typed (or pasted) filters it too."""
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
    from prompt_toolkit.keys import Keys
    from questionary.prompts.common import InquirerControl

    app = question.application
    control = next(c for c in app.layout.find_all_controls() if isinstance(c, InquirerControl))
    typed = KeyBindings()

    @typed.add(Keys.Any)
    def _(event) -> None:
        for char in event.data:
            if not char.isascii() and char.isprintable() and not char.isspace():
                control.add_search_character(char)  # type: ignore[arg-type]

    app.key_bindings = merge_key_bindings([app.key_bindings, typed])
    return question


def ask_person_politics(person, playbook, lang: Lang) -> dict:
    """`people edit DEAL NAME` with no flags, on a terminal: their circle, their boss's trust, whether
    they follow their boss, their faction, the KPI, personal needs and (for a KPI owner) the increment
    answers; each starts at what is recorded."""
    def pick(field: str, values: tuple[str, ...], current: str | None) -> str | None:
        options: list[tuple[str, str | None]] = [(message(f"value.{v}", lang), v) for v in values]
        options.append((message("prompt.not_known", lang), None))
        return ask_select(message(f"prompt.person_{field}", lang), options, default=current)

    changes: dict = {
        "circle": pick("circle", ("inner", "edge", "outer"), person.circle),
        "boss_trust": pick("boss_trust", ("trusted", "doubted", "nominal"), person.boss_trust),
        "follows_boss": pick("follows_boss", ("follows", "resists"), person.follows_boss),
        "faction": ask_text(message("prompt.person_faction", lang), default=person.faction or "") or None,
        "kpi": ask_confirm(message("prompt.person_kpi", lang), default=bool(person.kpi)),
        "needs": ask_checkbox(message("prompt.person_needs", lang),
                              [(message(f"value.{n}", lang), n) for n in ("safety", "belonging", "esteem",
                                                                          "self-actualisation")],
                              checked=set(person.needs)),
    }
    if changes["kpi"] and playbook.value is not None:
        answers = dict(person.increment)
        for question in playbook.value.increment:
            answer = ask_text(colon_end(f"{question.name.get(lang)} · {question.question.get(lang)}", lang),
                              default=answers.get(question.id, ""))
            if answer:
                answers[question.id] = answer
            else:
                answers.pop(question.id, None)
        changes["increment"] = answers
    return changes


def ask_person_qualification(roles: list[str], catalog, lang: Lang, current=None) -> dict:
    """For an insider: why they want us to win, how they showed it, their will and ability; for a
    decision maker: how they lead a decision. Nothing for anyone else; each starts at what
    `current` (the person being edited) records."""
    from typing import get_args

    from dealcoach.playbook.models import InsiderMotive, LeadershipStyle, Strength

    held: set[str] = set()
    for role in roles:
        held |= catalog.equivalent(role)
    recorded = (lambda field: getattr(current, field, None)) if current is not None else (lambda field: None)
    skip = (message("prompt.not_known", lang), None)
    answers: dict = {}
    if held & catalog.equivalent("insider"):
        answers["motive"] = ask_select(message("prompt.person_motive", lang),
                                       [(message(f"motive.{m}", lang), m) for m in get_args(InsiderMotive)] + [skip],
                                       default=recorded("motive"))
        answers["support"] = ask_text(message("prompt.person_support", lang), default=recorded("support") or "") or None
        for field in ("will", "ability"):
            answers[field] = ask_select(message(f"prompt.person_{field}", lang),
                                        [(message(f"value.{v}", lang), v) for v in get_args(Strength)],
                                        default=recorded(field) or "unknown")
    if held & catalog.equivalent("decision-maker"):
        answers["style"] = ask_select(message("prompt.person_style", lang),
                                      [(message(f"style.{s}", lang), s) for s in get_args(LeadershipStyle)] + [skip],
                                      default=recorded("style"))
    return answers


def ask_deal_shaping(deal, lang: Lang) -> dict:
    """How settled the purchase criteria are, whom they favour, and the account's decision culture."""
    from typing import get_args

    from dealcoach.playbook.models import CriteriaFavour, CriteriaState, DecisionCulture

    skip = (message("prompt.not_known", lang), None)
    criteria = deal.criteria
    state = ask_select(message("prompt.criteria_state", lang),
                       [(message(f"criteria_state.{s}", lang), s) for s in get_args(CriteriaState)] + [skip],
                       default=criteria.state if criteria else None)
    favours = ask_select(message("prompt.criteria_favour", lang),
                         [(message(f"favours.{f}", lang), f) for f in get_args(CriteriaFavour)],
                         default=criteria.favours if criteria else "unknown")
    culture = ask_select(message("prompt.culture", lang),
                         [(message(f"culture.{c}", lang), c) for c in get_args(DecisionCulture)] + [skip],
                         default=deal.culture)
    answers: dict = {}
    if (state, favours) != ((criteria.state, criteria.favours) if criteria else (None, "unknown")):
        answers["criteria"] = {"state": state, "favours": favours}
    if culture != deal.culture:
        answers["culture"] = culture
    return answers

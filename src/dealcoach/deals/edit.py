"""Changes to a deal as pure functions: answers in, a new Deal out. The store saves the result.

The interactive walk, the flags and `--answers FILE` all produce the same `StageAnswers`, so the
three paths cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from dealcoach.deals.checks import check_deal
from dealcoach.deals.history import ACTIVITY_FIELDS, activity_corrected, activity_removed, contact_raised
from dealcoach.deals.lookup import find_person
from dealcoach.deals.models import Deal, DoneMark, Person, expand_short_form
from dealcoach.errors import DealcoachError, DealFileError
from dealcoach.playbook.models import Id, NeedTypeId, Playbook, RoleCatalog
from dealcoach.playbook.variants import for_industry

NEED_TYPES = get_args(NeedTypeId)

UNKNOWN_STEP = "unknown"


class StageAnswers(BaseModel):
    """What a rep says about a deal's progress: items done / undone, the customer's step, signals."""

    model_config = ConfigDict(extra="forbid")

    done: list[DoneMark] = []
    undone: list[Id] = []
    customer_step: Id | None = None  # "unknown" clears the observation
    signals: list[Id] = []

    @field_validator("done", mode="before")
    @classmethod
    def _short_form(cls, value: object) -> object:
        return expand_short_form(value, "id")

    def then(self, later: "StageAnswers") -> "StageAnswers":
        """These answers followed by `later` ones (flags after an --answers file): later wins."""
        return StageAnswers(done=self.done + later.done, undone=self.undone + later.undone,
                            customer_step=later.customer_step or self.customer_step,
                            signals=self.signals + later.signals)

    def is_empty(self) -> bool:
        return not (self.done or self.undone or self.customer_step or self.signals)


def load_answers(path: Path) -> StageAnswers:
    from dealcoach.yamlfile import load_model

    return load_model(path, StageAnswers, DealFileError,
                      "an answers file is a mapping (done:, undone:, customer_step:, signals:)")


def apply_answers(deal: Deal, answers: StageAnswers, playbook: Playbook, catalog: RoleCatalog,
                  today: dt.date | None = None) -> Deal:
    """The deal with the answers applied; raises a one-line error naming any unknown id."""
    today = today or dt.date.today()
    playbook = for_industry(playbook, deal.industry)  # its industry's own items may be ticked too
    marks = {mark.id: mark for mark in deal.done}
    for mark in answers.done:
        previous = marks.get(mark.id)
        marks[mark.id] = DoneMark(id=mark.id, date=mark.date or (previous.date if previous else today),
                                  evidence=mark.evidence or (previous.evidence if previous else None))
    overruled = [item for item in deal.overruled if item not in {mark.id for mark in answers.done}]
    for item_id in answers.undone:
        if item_id not in playbook.checkable_ids():
            raise DealcoachError(f"--undone {item_id}: unknown work item, exit criterion or key milestone "
                                 f"for playbook {playbook.id}")
        marks.pop(item_id, None)
        # the rep's word beats the facts: an item the records evidence stays open until ticked again
        if item_id not in overruled:
            overruled.append(item_id)
    customer_step = deal.customer_step
    if answers.customer_step == UNKNOWN_STEP:
        customer_step = None
    elif answers.customer_step:
        customer_step = answers.customer_step
    signals = list(dict.fromkeys([*deal.signals, *answers.signals]))
    updated = deal.model_copy(update={"done": list(marks.values()), "customer_step": customer_step,
                                      "signals": signals, "overruled": overruled})
    ensure_valid(updated, playbook, catalog)
    return updated


def ensure_valid(deal: Deal, playbook: Playbook, catalog: RoleCatalog) -> None:
    """Refuse to save an inconsistent deal: the first problem as a one-line error, all in details."""
    problems = check_deal(deal, playbook, catalog)
    if problems:
        lines = [f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems]
        raise DealcoachError(lines[0] if len(lines) == 1 else f"{len(lines)} problems", details=lines)


def stage_items_answer(playbook: Playbook, stage_id: str, checked: set[str], before: set[str]) -> StageAnswers:
    """Turn one stage's checkbox answer into done/undone changes (only that stage's items)."""
    stage = playbook.stage(stage_id)
    ids = [w.id for w in stage.work_items] + stage.gate_ids()
    return StageAnswers(done=[DoneMark(id=i) for i in ids if i in checked and i not in before],
                        undone=[i for i in ids if i not in checked and i in before])


def validated(model, fields: dict, what: str):
    """`model` from plain values (flags, prompts); bad values become one line per field, first one up."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        lines: list = []
        for err in exc.errors(include_url=False):
            field = ".".join(str(part) for part in err["loc"]) or what
            cause = (err.get("ctx") or {}).get("error")
            if isinstance(cause, DealcoachError) and cause.key:  # said from its key: the field joins its values
                from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

                lines.append(keyed_error(type(cause), cause.key, **{**cause.params, "field": field}))
                continue
            given = err.get("input")
            shown = f" (got {given!r})" if "input" in err and not isinstance(given, dict) else ""
            lines.append(f"{field}: {_reason(err)}{shown}")
        if len(lines) == 1 and isinstance(lines[0], DealcoachError):
            raise lines[0] from None
        raise DealcoachError(str(lines[0]) if len(lines) == 1 else f"{len(lines)} problems", details=lines) from None


def _reason(err) -> str:
    return err["msg"].removeprefix("Value error, ")


# what a model needs besides the field being checked: its required fields, set to values that pass
_REQUIRED = {"Deal": {"name": "-"}, "Person": {"name": "-"},
             "Activity": {"date": "2000-01-01", "kind": "other", "outcome": "done"}}


def field_problem(model, field: str, value: object) -> str | DealcoachError | None:
    """For a prompt, one answer at a time: why `value` is not a good `field` of `model` (the model's
    own validation, which reads typed values through parse.py: `80万`, `下周二`, `三成`, `高`), or None.
    The reason only: the prompt that asked names the field and shows what was typed."""
    try:
        model.model_validate({**_REQUIRED.get(model.__name__, {}), field: value})
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            if err["loc"][:1] == (field,):
                cause = (err.get("ctx") or {}).get("error")
                # a keyed error is said in the reader's language from its key (enum values by label)
                return cause if isinstance(cause, DealcoachError) and cause.key else _reason(err)
    return None


def person_name_problem(deal: Deal, name: str) -> str | DealcoachError | None:
    """Why `name` cannot be a new person on `deal` (not a name, or someone of that name is on it)."""
    problem = field_problem(Person, "name", name)
    if problem is None and deal.person(name.strip()) is not None:
        from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

        return keyed_error(DealcoachError, "error.person_exists", value=name.strip(), deal=deal.name)
    return problem


def with_fields(deal: Deal | None, changes: dict) -> Deal:
    """A new deal, or `deal` with `changes`, validated; bad values become one line naming the field.
    `criteria` changes only the parts given (its state, whom it favours, its items)."""
    data = deal.model_dump() if deal is not None else {}
    changes = dict(changes)
    if isinstance(changes.get("criteria"), dict):
        changes["criteria"] = {**(data.get("criteria") or {}), **changes["criteria"]}
    data.update(changes)
    return validated(Deal, data, "deal")


def _validated_person(fields: dict) -> Person:
    return validated(Person, fields, "person")


def increment_answers(current: dict[str, str], given: list[str], playbook: Playbook) -> dict[str, str]:
    """`current` with answers typed as `QUESTION=ANSWER` (`获益=每年省80万`, `gain=...`): the question by
    its id or its name in any language; an empty answer removes it."""
    from dealcoach import parse
    from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

    questions = playbook.value.increment if playbook.value else []
    choices = [parse.Choice(q.id, (q.name.zh, q.name.en)) for q in questions]
    answers = dict(current)
    for item in given:
        key, separator, answer = item.partition("=")
        if not separator:
            raise keyed_error(DealcoachError, "error.increment_form", field="--increment", value=item, choices=choices)
        question = parse.resolve_choice(key, choices, "--increment")
        if answer.strip():
            answers[question] = answer.strip()
        else:
            answers.pop(question, None)
    return answers


def pain_kinds(deal: Deal, given: list[str]) -> list:
    """The deal's pains with need types typed as `PAIN=TYPE` (`交货不及时=基本型`): the pain by its text
    or an unambiguous part of it, the type by its id or its name in any language; `PAIN=` clears it."""
    from dealcoach import parse
    from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

    pains = list(deal.pains)
    if given and not pains:  # not "(pains: )": say there are none and where they come from
        raise keyed_error(DealcoachError, "error.no_pains", field="--pain-kind", deal=deal.name)
    for item in given:
        text, separator, kind = item.partition("=")
        known = [p.text for p in pains]
        if not separator:
            raise keyed_error(DealcoachError, "error.pain_kind_form", field="--pain-kind", value=item, pains=known)
        text = text.strip()
        found = [i for i, p in enumerate(pains) if p.text == text] or \
            [i for i, p in enumerate(pains) if text and text in p.text]
        if len(found) != 1:
            raise keyed_error(DealcoachError, "error.pain_several" if found else "error.pain_unknown",
                              field="--pain-kind", value=text, pains=known)
        value = parse.resolve_choice(kind, parse.message_choices("need", NEED_TYPES), "--pain-kind") \
            if kind.strip() else None
        pains[found[0]] = pains[found[0]].model_copy(update={"kind": value})
    return pains


def _with_increment(fields: dict, current: dict[str, str], playbook: Playbook) -> dict:
    """Flags give the increment as a list of QUESTION=ANSWER; a dict (a file) is taken as it is."""
    if isinstance(fields.get("increment"), list):
        return {**fields, "increment": increment_answers(current, fields["increment"], playbook)}
    return fields


def add_person(deal: Deal, fields: dict, playbook: Playbook, catalog: RoleCatalog) -> Deal:
    person = _validated_person(_with_increment(fields, {}, playbook))
    taken = person_name_problem(deal, person.name)
    if taken:
        raise taken if isinstance(taken, DealcoachError) else DealcoachError(taken)
    updated = deal.model_copy(update={"people": [*deal.people, person]})
    ensure_valid(updated, playbook, catalog)
    return updated


def edit_person(deal: Deal, name: str, changes: dict, playbook: Playbook, catalog: RoleCatalog) -> Deal:
    """Change some fields of one person; renaming follows the reporting lines that point at them."""
    person = find_person(deal, name)
    edited = _validated_person({**person.model_dump(), **_with_increment(changes, person.increment, playbook)})
    people = []
    for other in deal.people:
        if other.name == person.name:
            people.append(edited)
        elif other.reports_to == person.name and edited.name != person.name:
            people.append(other.model_copy(update={"reports_to": edited.name}))
        else:
            people.append(other)
    updated = deal.model_copy(update={"people": people})
    ensure_valid(updated, playbook, catalog)
    return updated


def remove_person(deal: Deal, name: str) -> tuple[Deal, str]:
    """Remove one person; whoever reported to them now reports to their boss (the line is kept)."""
    person = find_person(deal, name)
    people = [p.model_copy(update={"reports_to": person.reports_to}) if p.reports_to == person.name else p
              for p in deal.people if p.name != person.name]
    return deal.model_copy(update={"people": people}), person.name


def add_activity(deal: Deal, fields: dict, playbook: Playbook, catalog: RoleCatalog) -> Deal:
    """Log a call, visit, email... on the deal; a named contact must be a person on the deal."""
    from dealcoach.deals.models import Activity

    fields = dict(fields)
    when_text = (fields.get("form") or {}).get(NEXT_STEP_WHEN)
    if when_text and not fields.get("next_step_at"):
        # the visit summary's next step becomes a dated follow-up (seed 000: 下一步、找谁、什么时候)
        fields["next_step_at"] = parse_moment(when_text, f"--form {NEXT_STEP_WHEN}")
    activity = validated(Activity, fields, "activity")
    if activity.contact and deal.person(activity.contact) is None:
        known = ", ".join(p.name for p in deal.people) or "nobody yet"
        raise DealcoachError(f"contact: {activity.contact!r} is not a person on deal {deal.name} (people: {known}); "
                             "add them with `dealcoach people add`")
    if activity.pretext and playbook.grading and activity.pretext not in {p.id for p in playbook.grading.follow_up_pretexts}:
        known = ", ".join(p.id for p in playbook.grading.follow_up_pretexts)
        raise DealcoachError(f"pretext: unknown pretext {activity.pretext!r} (known: {known})")
    activities = sorted([*deal.activities, activity], key=lambda a: a.date)
    updated = raise_contact(deal.model_copy(update={"activities": activities}), activity.contact, playbook)
    ensure_valid(updated, playbook, catalog)
    return updated


def find_activity(deal: Deal, ref: str) -> int:
    """The index of one logged activity: its number as `dealcoach log DEAL` lists it (1 = oldest), or
    its id (or a unique start of it, four characters at least)."""
    text = ref.strip()
    count = len(deal.activities)
    # an id may begin with digits only ("20261120…"): a number out of range is tried as an id's start
    prefixed = [i for i, activity in enumerate(deal.activities)
                if activity.id == text or (len(text) >= 4 and activity.id.startswith(text))]
    if text.isdigit() and not (len(prefixed) == 1 and not 1 <= int(text) <= count):
        if 1 <= int(text) <= count:
            return int(text) - 1
        if count:
            from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

            raise keyed_error(DealcoachError, "error.activity_number", number=text, deal=deal.name, count=count)
        from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

        raise keyed_error(DealcoachError, "error.nothing_logged", number=text, deal=deal.name)
    matches = prefixed
    if len(matches) == 1:
        return matches[0]
    raise DealcoachError(f"activity {text!r}: {'matches several activities' if matches else 'no such activity'} "
                         f"on deal {deal.name}; give its number as `dealcoach log` lists it")


def edit_activity(deal: Deal, ref: str, changes: dict, playbook: Playbook, catalog: RoleCatalog) -> tuple[Deal, str]:
    """Correct one logged activity (date, kind, outcome, contact, note); returns the deal and what changed.
    A correction never lowers anyone's contact level (contact levels only rise by themselves)."""
    from dealcoach.deals.models import Activity

    index = find_activity(deal, ref)
    before = deal.activities[index]
    given = {key: value for key, value in changes.items() if value is not None}
    if not given:
        raise DealcoachError("nothing to change: give --date, --kind, --outcome, --contact or --note")
    after = validated(Activity, {**before.model_dump(exclude={"date"}), "date": before.date, **given}, "activity")
    if after.contact and deal.person(after.contact) is None:
        known = ", ".join(p.name for p in deal.people) or "nobody yet"
        raise DealcoachError(f"contact: {after.contact!r} is not a person on deal {deal.name} (people: {known})")
    activities = [*deal.activities[:index], after, *deal.activities[index + 1:]]
    updated = raise_contact(deal.model_copy(update={"activities": sorted(activities, key=lambda a: a.date)}),
                            after.contact, playbook)
    ensure_valid(updated, playbook, catalog)
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changed = [(key, old[key], new[key]) for key in ACTIVITY_FIELDS if old[key] != new[key]]
    return updated, activity_corrected(before.kind, before.outcome, old["date"], changed)


def remove_activity(deal: Deal, ref: str) -> tuple[Deal, str]:
    """Remove one logged activity (a mistake); returns the deal and the history line saying which."""
    index = find_activity(deal, ref)
    gone = deal.activities[index]
    updated = deal.model_copy(update={"activities": [*deal.activities[:index], *deal.activities[index + 1:]]})
    return updated, activity_removed(gone.kind, gone.outcome, gone.model_dump(mode="json")["date"], gone.contact)


NEXT_STEP_WHEN = "next-step-when"  # the visit summary field giving the next step's date and time


def parse_moment(text: str, what: str, today: dt.date | None = None) -> dt.datetime:
    """A date and time as the rep types it (下周二上午10点, 2026-12-03 10:00): the one input parser."""
    from dealcoach.parse import parse_datetime

    return parse_datetime(text, today=today, what=what, default_time=dt.time(9))


def moment_problem(text: str) -> str | None:
    """For a prompt: None when the text reads as a date and time, else why not (asked again)."""
    from dealcoach.errors import InputError

    try:
        parse_moment(text, "time")
    except InputError as exc:
        return str(exc)
    return None


CONTACT_ORDER = ("none", "brief", "regular", "deep")


def raise_contact(deal: Deal, name: str | None, playbook: Playbook) -> Deal:
    """The person's contact level after their logged touches, by the playbook's
    `contact_from_activities`: raised when the touches say so, never lowered."""
    person = deal.person(name) if name else None
    if person is None:
        return deal
    level = person.contact
    for rule in playbook.contact_from_activities:
        touches = [a for a in deal.activities if a.contact == name and rule.when.admits(a.kind, a.outcome, bool(a.form))]
        if len(touches) >= rule.when.at_least and CONTACT_ORDER.index(rule.contact) > CONTACT_ORDER.index(level):
            level = rule.contact
    if level == person.contact:
        return deal
    people = [p.model_copy(update={"contact": level}) if p.name == name else p for p in deal.people]
    return deal.model_copy(update={"people": people})


def contact_changes(before: Deal, after: Deal) -> list[str]:
    """For the history line: whose contact level changed, from what to what."""
    changes = []
    for person in after.people:
        old = before.person(person.name)
        if old is not None and old.contact != person.contact:
            changes.append(contact_raised(person.name, old.contact, person.contact))
    return changes


def close_deal(deal: Deal, won: bool, reason: str | None, on: dt.date | None = None) -> Deal:
    return with_fields(deal, {"status": "won" if won else "lost", "close_reason": reason,
                              "closed_on": on or dt.date.today()})


def mark_vip(deal: Deal, vip: bool = True, loyal: bool | None = None) -> Deal:
    """A won customer becomes VIP, and later loyal (a repeat purchase): the funnel's last two rates."""
    if deal.status != "won":
        from dealcoach.error_text import keyed_error  # the phrase catalogue: only to say an error

        raise keyed_error(DealcoachError, "error.not_won", deal=deal.name, id=deal.id)
    changes: dict = {"vip": vip}
    if loyal is not None:
        if loyal and not vip:
            raise DealcoachError("a loyal customer must be VIP first")
        changes["loyal"] = loyal
    elif not vip:
        changes["loyal"] = False
    return with_fields(deal, changes)

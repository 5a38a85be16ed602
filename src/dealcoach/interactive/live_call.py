"""The live call: the three steps one at a time, the answers captured, then one save.

Nothing is written until the last question is answered: Ctrl-C anywhere leaves the deal as it was.
"""

from __future__ import annotations

from dealcoach.coaching.callscript import AfterCallPlan, CallScript, MeetingProposal
from dealcoach.deals.calls import call_record
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import Playbook, RoleCatalog
from dealcoach.store.base import DealStore
from dealcoach.usecases.activity import log_call

GO = "go"


def live_call(store: DealStore, deal: Deal, playbook: Playbook, catalog: RoleCatalog, script: CallScript,
              lang: Lang, no_color: bool) -> AfterCallPlan:
    from dealcoach import prompts, settings
    from dealcoach.render.callscript import header_panel, pre_call_panel, step_panel
    from dealcoach.render.console import console

    out = console(no_color)
    out.print(header_panel(script, lang))
    if any(not check.known for check in script.pre_call):
        out.print(pre_call_panel(script, lang))

    def outcome_choice(outcome: str) -> tuple[str, str]:
        return message(f"call.outcome.{outcome}", lang), outcome

    answers: dict = {"contact": script.contact.name if script.contact.on_deal else None, "confirmed_pains": []}
    outcome = None
    for number, step in enumerate(script.steps, start=1):
        out.print(step_panel(step, number, lang))
        if step.id == "rapport":
            choice = prompts.ask_select(message("call.prompt.rapport", lang), [
                (message("call.prompt.go_pain", lang), GO), outcome_choice("no-answer"), outcome_choice("call-back"),
                outcome_choice("refused")])
        elif step.id == "pain":
            offered = [probe.text for probe in step.pains]
            confirmed = prompts.ask_checkbox(message("call.prompt.pains", lang), [(p, p) for p in offered]) \
                if offered else []
            answers["confirmed_pains"] = confirmed + prompts.ask_list(message("call.prompt.other_pains", lang))
            choice = prompts.ask_select(message("call.prompt.urgency", lang), [
                (message("call.prompt.go_meeting", lang), GO), outcome_choice("connected"),
                outcome_choice("call-back"), outcome_choice("refused")])
        else:
            choice = prompts.ask_select(message("call.prompt.meeting", lang), [
                outcome_choice("meeting-booked"), outcome_choice("call-back"), outcome_choice("connected"),
                outcome_choice("refused")])
            if choice == "meeting-booked" and step.meeting is not None:
                answers["meeting"] = _ask_meeting(step.meeting, lang)
        if choice != GO:
            outcome = choice
            break
    outcome = outcome or "connected"

    notes = []
    if outcome == "call-back":
        back = prompts.ask_text(message("call.prompt.call_back", lang))
        if back:
            notes.append(message("call.note_call_back", lang, when=back))
    note = prompts.ask_text(message("call.prompt.note", lang))
    if note:
        notes.append(note)
    record = call_record({**answers, "outcome": outcome, "note": "\n".join(notes) or None})

    return log_call(store, deal, record, script, playbook, catalog, settings.current_user(), lang)


def _ask_meeting(proposal: MeetingProposal, lang: Lang) -> dict:
    from dealcoach import prompts

    from dealcoach.deals.edit import moment_problem

    when = prompts.ask_text(message("call.prompt.meeting_time", lang), required=True, check=moment_problem)
    place = prompts.ask_text(message("call.prompt.meeting_place", lang))
    people = [(f"{a.name} ({a.why})" if lang == "en" else f"{a.name}（{a.why}）", a.name) for a in proposal.attendees]
    attendees = prompts.ask_checkbox(message("call.prompt.attendees", lang), people,
                                     checked={people[0][1]} if people else set()) if people else []
    attendees += prompts.ask_list(message("call.prompt.other_attendees", lang))
    topics = prompts.ask_checkbox(message("call.prompt.topics", lang), [(t, t) for t in proposal.topics],
                                  checked=set(proposal.topics)) if proposal.topics else []
    topics += prompts.ask_list(message("call.prompt.other_topics", lang))
    we_prepare = prompts.ask_text(message("call.prompt.we_prepare", lang))
    they_prepare = prompts.ask_text(message("call.prompt.they_prepare", lang))
    return {"when": when, "place": place or None, "attendees": list(dict.fromkeys(attendees)),
            "topics": list(dict.fromkeys(topics)), "we_prepare": we_prepare or None,
            "they_prepare": they_prepare or None}

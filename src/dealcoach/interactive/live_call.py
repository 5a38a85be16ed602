"""The live call: the three steps one at a time, the answers captured, then one save.

Nothing is written until the last question is answered: Ctrl-C anywhere leaves the deal as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from dealcoach.coaching.callscript import AfterCallPlan, CallScript, CheckOut, MeetingProposal
from dealcoach.deals.calls import call_record
from dealcoach.deals.models import Deal
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import NEXT_STEP, Playbook, RoleCatalog
from dealcoach.store.base import DealStore
from dealcoach.usecases.activity import log_call


def live_call(store: DealStore, deal: Deal, playbook: Playbook, catalog: RoleCatalog, script: CallScript,
              lang: Lang, no_color: bool, listen: Callable[[list[str]], CallScript]) -> AfterCallPlan:
    """`listen(heard)`: the script again, built on the problems the contact just confirmed, so the
    meeting (step 3) is proposed on what they said."""
    from dealcoach import prompts, settings
    from dealcoach.render.callscript import header_panel, pre_call_panel, step_panel
    from dealcoach.render.console import console

    out = console(no_color)
    out.print(header_panel(script, lang))
    if any(not check.known for check in script.pre_call):
        out.print(pre_call_panel(script, lang))

    answers: dict = {"contact": script.contact.name if script.contact.on_deal else None, "confirmed_pains": []}
    # did the call get through? Only then do the steps' questions make sense
    outcome = _ask(script.reach)
    if outcome == NEXT_STEP:
        outcome = None
        for number, step_id in enumerate([step.id for step in script.steps], start=1):
            step = script.step(step_id)
            out.print(step_panel(step, number, lang))
            if step.id == "pain":
                offered = [probe.text for probe in step.pains]
                confirmed = prompts.ask_checkbox(message("call.prompt.pains", lang), [(p, p) for p in offered]) \
                    if offered else []
                heard = list(dict.fromkeys(confirmed + prompts.ask_list(message("call.prompt.other_pains", lang))))
                answers["confirmed_pains"] = heard
                if heard:
                    script = listen(heard)
            then = _ask(step.check)
            if then == "meeting-booked" and step.meeting is not None:
                answers["meeting"] = _ask_meeting(step.meeting, lang)
            if then != NEXT_STEP:
                outcome = then
                break
    outcome = outcome or "connected"  # the playbook's checks keep the last step from going on

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


def _ask(question: CheckOut) -> str:
    """The rep's answer to a question of the call, as what it leads to: next-step or an outcome."""
    from dealcoach import prompts

    chosen = prompts.ask_select(question.ask, [(answer.label, answer.id) for answer in question.answers])
    return next(answer.then for answer in question.answers if answer.id == chosen)


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

"""Building the call script for one contact on one deal: whom to call, the audience, the steps, the
pains, the meeting and the visit. Every line goes through `textfill.fill` with whitelisted fields."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal, NamedTuple

from dealcoach.coaching.callscript.model import (
    AnswerOut,
    Attendee,
    AudienceRef,
    CallScript,
    CallStep,
    CheckItem,
    CheckOut,
    CommitmentsOut,
    ContactInfo,
    MeetingProposal,
    ObjectionGroup,
    ObjectionOut,
    PainProbe,
    Purpose,
    RepInfo,
    StageRef,
    VisitPlan,
)
from dealcoach.coaching.diagnosis import current_stage_index, stage_caveat
from dealcoach.coaching.objections import ObjectionAhead, objection_for, predict_objections, top_objection
from dealcoach.deals.edit import ensure_valid, with_fields
from dealcoach.deals.lookup import find_person
from dealcoach.deals.models import Deal, Pain, Person
from dealcoach.errors import DealcoachError
from dealcoach.i18n import Lang, message
from dealcoach.playbook.models import (
    SCRIPT_PLACEHOLDERS,
    Audience,
    CallQuestion,
    PainQuestion,
    PhoneInvitation,
    Playbook,
    RoleCatalog,
    ScriptStep,
    Stage,
    StepAdaptation,
    Text,
)
from dealcoach.playbook.variants import for_industry
from dealcoach.profile import Profile
from dealcoach.textfill import fill

MAX_OTHER_ATTENDEES = 3
MAX_PAIN_TOPICS = 2


# --- choosing whom to call ---------------------------------------------------------------------


def find_contact(deal: Deal, name: str) -> Person:
    return find_person(deal, name, hint=("lookup.hint_add_person", {"deal": deal.id or deal.name}))


def default_contact(deal: Deal, stage: Stage, catalog: RoleCatalog) -> Person | None:
    """Whom the stage says to reach first (e.g. the coach buyer in initial contact), preferring someone
    not met yet; else the first person not met; never an opponent or a saboteur by default."""
    callable_ = [p for p in deal.people if p.attitude != "opponent" and "saboteur" not in p.roles]
    for focus in stage.key_roles:
        wanted = catalog.equivalent(focus.role)
        holders = [p for p in callable_ if wanted & set(p.roles)]
        if holders:
            return next((p for p in holders if not p.met), holders[0])
    unmet = [p for p in callable_ if not p.met]
    return (unmet or callable_ or [None])[0]


def match_audience(person: Person | None, invitation: PhoneInvitation, catalog: RoleCatalog) -> Audience | None:
    """By role first (in the playbook's order, roles and their equivalents), then by level, then the default."""
    audiences = invitation.audiences
    if person is not None:
        roles = set(person.roles)
        for audience in audiences:
            wanted: set[str] = set()
            for role in audience.roles:
                wanted |= catalog.equivalent(role)
            if wanted & roles:
                return audience
        for audience in audiences:
            if person.level and person.level in audience.levels:
                return audience
    return next((a for a in audiences if not a.roles and not a.levels), None)


def cold_call_deal(contact: str, account: str, playbook: Playbook, catalog: RoleCatalog, title: str | None = None,
                   industry: str | None = None, roles: list[str] | None = None, level: str | None = None) -> Deal:
    """A deal that lives only for this script: one account, one contact, nothing done yet."""
    person = {"name": contact, "title": title, "roles": roles or [], "level": level}
    deal = with_fields(None, {"name": account, "account": account, "industry": industry, "playbook": playbook.id,
                              "people": [{k: v for k, v in person.items() if v not in (None, "")}]})
    ensure_valid(deal, playbook, catalog)
    return deal


# --- building the script -----------------------------------------------------------------------


def _role_name(catalog: RoleCatalog, role_id: str, lang: Lang) -> str:
    role = next((r for r in catalog.roles if r.id == role_id), None)
    if role is not None:
        return role.name.get(lang)
    group = next((g for g in catalog.equivalences if g.id == role_id), None)
    return group.name.get(lang) if group else role_id


def _blank(field: str, lang: Lang) -> str:
    return message(f"call.blank.{field}", lang)


def _likely_pains(invitation: PhoneInvitation, industry: str | None, lang: Lang) -> list[str]:
    table = invitation.likely_pains
    if table is None:
        return []
    for row in table.industries:
        if row.matches(industry):
            return [pain.get(lang) for pain in row.pains]
    return [pain.get(lang) for pain in table.generic]


class _Candidate(NamedTuple):
    """A pain the script may probe: its words, the deal's record of it (None for a likely one), its
    source (this contact said it, colleagues confirmed it, a note, the industry), and the colleagues
    who said it (for the rep's eyes: the script never tells one person what another said)."""

    text: str
    pain: Pain | None
    source: Literal["said", "confirmed", "noted", "likely"]
    said_by: list[str]


def _pains(deal: Deal, contact: Person | None, invitation: PhoneInvitation, limit: int,
           lang: Lang) -> list[_Candidate]:
    """What this contact told us first (only they are reminded of it), then what the deal knows
    (confirmed first, then noted), then the likely pains of the industry."""
    recorded = {pain.text.strip().casefold(): pain for pain in deal.pains}
    said_by: dict[str, list[str]] = {}
    for person in deal.people:
        if contact is None or person.name != contact.name:
            for said in person.pains:
                said_by.setdefault(said.text.strip().casefold(), []).append(person.name)
    chosen: list[_Candidate] = []
    seen: set[str] = set()
    for said in contact.pains if contact is not None else []:
        key = said.text.strip().casefold()
        if key not in seen:
            chosen.append(_Candidate(said.text, recorded.get(key), "said", said_by.get(key, [])))
            seen.add(key)
    for pain in sorted(deal.pains, key=lambda pain: not pain.confirmed):  # stable: keeps the rep's order
        key = pain.text.strip().casefold()
        if key not in seen:
            chosen.append(_Candidate(pain.text, pain, "confirmed" if pain.confirmed else "noted",
                                     said_by.get(key, [])))
            seen.add(key)
    for text in _likely_pains(invitation, deal.industry, lang):
        # "交货不及时、客户投诉" adds nothing once 交货不及时 is known: the list never names a pain twice
        parts = {part.strip().casefold() for part in re.split(r"、|,| and ", text)} | {text.casefold()}
        if not parts & seen:
            chosen.append(_Candidate(text, None, "likely", []))
            seen.add(text.casefold())
    return chosen[:limit]


# a pain typed as "效率低的问题" would read "解决效率低的问题的问题" once a line adds its own 问题
_TRAILING_ZH = ("的问题", "问题")
_TRAILING_PUNCTUATION = "。．.，,；;：:！!？? "


def pain_phrase(text: str, lang: Lang) -> str:
    """One pain as a phrase a sentence can hold: no closing punctuation, and in Chinese no trailing
    问题 (the lines say 解决{pain}的问题, {pain}这个问题)."""
    phrase = text.strip().rstrip(_TRAILING_PUNCTUATION).strip()
    if lang != "en":
        for tail in _TRAILING_ZH:
            if phrase.endswith(tail) and len(phrase) > len(tail) + 1:
                phrase = phrase[: -len(tail)]
                break
    return phrase or text.strip()


def pains_phrase(texts: list[str], lang: Lang) -> str:
    """Several pains as one phrase: 效率低、成本高 / low efficiency and high costs / a, b and c."""
    phrases = list(dict.fromkeys(pain_phrase(text, lang) for text in texts if text.strip()))
    if lang != "en" or len(phrases) < 2:
        return "、".join(phrases)
    return f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def _pain_questions(questions: list[PainQuestion], candidate: _Candidate, fields: dict, lang: Lang,
                    follow_up: bool) -> list[str]:
    """The questions on one pain; the follow-ups (since when, what was tried...) only for the first pain,
    the others get the opening question: the rep follows up on whichever the contact confirms. The
    "last time you mentioned" form only for a pain this contact said."""
    pain = candidate.pain
    asked = []
    for question in questions if follow_up else questions[:1]:
        if pain is not None and question.skip_if_known and getattr(pain, question.skip_if_known):
            continue
        text = question.confirmed if (candidate.source == "said" and question.confirmed) else question.ask
        asked.append(fill(text.get(lang), fields))
    return asked


def _texts(texts: list[Text], fields: dict, lang: Lang) -> list[str]:
    return [fill(text.get(lang), fields) for text in texts]


def _slots(invitation: PhoneInvitation, today: dt.date, lang: Lang) -> list[str]:
    if invitation.meeting is None:
        return []
    names = message("call.weekdays", lang).split(",")
    monday = today + dt.timedelta(days=7 - today.weekday())  # the week after the call
    slots = []
    for slot in invitation.meeting.slots:
        day = monday + dt.timedelta(days=slot.weekday - 1)
        slots.append(message("call.slot", lang, date=day.isoformat(), weekday=names[slot.weekday - 1],
                             time=slot.time))
    return slots


def _people_for(stage: Stage, deal: Deal, contact: Person | None, catalog: RoleCatalog, lang: Lang,
                unmet_only: bool) -> tuple[list[Attendee], list[str]]:
    """The stage's key people on the power map (not the contact, no opponents), and the key roles
    nobody holds yet, to ask about."""
    people: list[Attendee] = []
    ask_for: list[str] = []
    for focus in stage.key_roles:
        wanted = catalog.equivalent(focus.role)
        holders = [p for p in deal.people if wanted & set(p.roles)]
        if not holders:
            ask_for.append(message("call.ask_for_role", lang, role=_role_name(catalog, focus.role, lang)))
            continue
        for person in holders:
            if contact is not None and person.name == contact.name:
                continue
            if person.attitude == "opponent" or "saboteur" in person.roles or (unmet_only and person.met):
                continue
            if all(a.name != person.name for a in people):
                people.append(Attendee(name=person.name, title=person.title,
                                       why=_role_name(catalog, focus.role, lang)))
    return people, ask_for


def _adaptation(audience: Audience | None, step_id: str) -> StepAdaptation | None:
    if audience is None:
        return None
    return next((a for a in audience.steps if a.step == step_id), None)


def build_call_script(deal: Deal, playbook: Playbook, catalog: RoleCatalog, profile: Profile, lang: Lang,
                      contact_name: str | None = None, today: dt.date | None = None,
                      cold: bool = False, heard: list[str] | None = None) -> CallScript:
    """The script for one call. `heard`: the problems the contact has just confirmed on this call
    (step 2 of the live call, or --confirmed-pain): the meeting (step 3) is proposed on them."""
    playbook = for_industry(playbook, deal.industry)  # the stages and texts of the deal's industry
    invitation = playbook.phone_invitation
    if invitation is None:
        raise DealcoachError(f"playbook {playbook.id} has no phone invitation (phone_invitation:) to build a "
                             "call script from")
    today = today or dt.date.today()
    stage_index, _ = current_stage_index(playbook, deal.done_ids())
    stage = playbook.stages[stage_index]
    contact = find_contact(deal, contact_name) if contact_name else default_contact(deal, stage, catalog)
    audience = match_audience(contact, invitation, catalog)
    returning = contact is not None and contact.met
    limit = (audience.max_pains if audience and audience.max_pains else invitation.max_pains)
    pains = _pains(deal, contact, invitation, limit, lang)
    heard = list(dict.fromkeys(text.strip() for text in heard or [] if text.strip()))
    # the meeting builds on what they said: on this call, else before; else the likeliest pain
    said_before = [c.text for c in pains if c.source == "said"]
    meeting_pains = (heard or said_before or [c.text for c in pains[:1]])[:MAX_PAIN_TOPICS]

    fields: dict[str, str] = {
        "rep_name": profile.name or _blank("rep_name", lang),
        "rep_company": profile.company or _blank("rep_company", lang),
        "offer": profile.offer or _blank("offer", lang),
        "rep_phone": profile.phone or _blank("rep_phone", lang),
        "contact_name": contact.name if contact else _blank("contact_name", lang),
        "contact_title": (contact.title if contact and contact.title else _blank("contact_title", lang)),
        "account": deal.account or _blank("account", lang),
        "industry": deal.industry or _blank("industry", lang),
        "pain": pain_phrase(pains[0].text, lang) if pains else _blank("pain", lang),
        "pains": pains_phrase(meeting_pains, lang) or _blank("pain", lang),
    }
    assert set(fields) == SCRIPT_PLACEHOLDERS  # the loader checks the playbook against the same set

    adaptation_for_stage = next((a for a in invitation.stages if stage.id in a.stages), None)
    # "last time you mentioned {pain}" only fits a pain this very contact told us of
    said_it = bool(pains) and pains[0].source == "said"
    # step 2 is spoken before they say anything new: there {pains} is what they said before
    before_call = {**fields, "pains": pains_phrase((said_before or [c.text for c in pains[:1]])[:MAX_PAIN_TOPICS],
                                                   lang) or _blank("pain", lang)}
    steps = [_build_step(step, _adaptation(audience, step.id), returning and (step.id != "pain" or said_it),
                         before_call if step.id in ("rapport", "pain") else fields, lang)
             for step in invitation.steps]
    for built in steps:
        if built.id == "pain":
            questions = (audience.pain_questions if audience and audience.pain_questions
                         else invitation.pain_questions)
            built.pains = [PainProbe(text=candidate.text, source=candidate.source, said_by=candidate.said_by,
                                     since=candidate.pain.since if candidate.pain else None,
                                     tried=candidate.pain.tried if candidate.pain else None,
                                     questions=_pain_questions(questions, candidate,
                                                               {**fields, "pain": pain_phrase(candidate.text, lang)},
                                                               lang, follow_up=index == 0))
                           for index, candidate in enumerate(pains)]
            built.questions = [q for probe in built.pains for q in probe.questions] + built.questions
        if built.id == "meeting" and invitation.meeting is not None:
            built.meeting = _meeting(invitation, audience, adaptation_for_stage, stage, deal, contact, catalog,
                                     meeting_pains, fields, today, lang)

    commitments = audience.commitments if audience and audience.commitments else invitation.commitments
    focus = audience.objection_focus if audience else []
    causes = sorted(invitation.objections, key=lambda c: focus.index(c.id) if c.id in focus else len(focus))
    return CallScript(
        deal=None if cold else deal.name,
        deal_id=deal.id,
        cold=cold,
        account=deal.account,
        industry=deal.industry,
        playbook=playbook.id,
        stage=StageRef(id=stage.id, name=stage.name.get(lang),
                       note=fill(adaptation_for_stage.note.get(lang), fields) if adaptation_for_stage else None,
                       confidence=playbook.pair_confidence(stage), caveat=stage_caveat(playbook, stage, lang)),
        rep=RepInfo(**profile.model_dump()),
        contact=_contact_info(contact, deal, catalog, cold, lang),
        audience=AudienceRef(id=audience.id, name=audience.name.get(lang),
                             approach=fill(audience.approach.get(lang), fields), source=audience.source)
        if audience else None,
        pre_call=_pre_call(invitation, deal, contact, profile, catalog, fields, lang),
        heard=heard,
        reach=_check(invitation.reach, fields, lang),
        planning=fill(invitation.planning.get(lang), fields),
        purposes=[Purpose(id=p.id, text=fill(p.text.get(lang), fields),
                          detail=fill(p.detail.get(lang), fields) if p.detail else None) for p in invitation.purposes],
        commitments=CommitmentsOut(aim=fill(commitments.aim.get(lang), fields),
                                   minimum=fill(commitments.minimum.get(lang), fields)) if commitments else None,
        steps=steps,
        objections=[ObjectionGroup(id=cause.id, name=cause.name.get(lang), source=cause.source,
                                   objections=[ObjectionOut(id=o.id, says=fill(o.says.get(lang), fields),
                                                            response=fill(o.response.get(lang), fields),
                                                            evidence=fill(o.evidence.get(lang), fields)
                                                            if o.evidence else None)
                                               for o in cause.objections])
                    for cause in causes],
        objection_advice=_texts(invitation.objection_advice, fields, lang),
        visit=_visit(playbook, stage, deal, contact, catalog, fields, lang),
        source=invitation.source,
        objections_ahead=[] if cold else objections_ahead(deal, playbook, catalog, stage.id, contact, lang),
    )


def objections_ahead(deal: Deal, playbook: Playbook, catalog: RoleCatalog, stage_id: str, contact: Person | None,
                     lang: Lang) -> list[ObjectionAhead]:
    """The contact's first predicted objection, then the weightiest stakeholder's (coaching/objections.py)."""
    if playbook.objections is None or not deal.people:
        return []
    report = predict_objections(deal, playbook, catalog, lang, stage_id=stage_id)
    found = [objection_for(report, contact.name, lang) if contact else None, top_objection(report, deal, catalog, lang)]
    kept: list[ObjectionAhead] = []
    for item in found:
        if item is not None and (item.person, item.id) not in {(k.person, k.id) for k in kept}:
            kept.append(item)
    return kept


def _build_step(step: ScriptStep, adaptation: StepAdaptation | None, returning: bool, fields: dict,
                lang: Lang) -> CallStep:
    if returning and step.say_returning:
        lines = step.say_returning
    elif adaptation is not None and adaptation.say:
        lines = adaptation.say
    else:
        lines = step.say
    extra_questions = adaptation.questions if adaptation else []
    extra_avoid = adaptation.avoid if adaptation else []
    return CallStep(id=step.id, name=step.name.get(lang), goal=fill(step.goal.get(lang), fields),
                    lines=_texts(lines, fields, lang),
                    questions=_texts([*step.questions, *extra_questions], fields, lang),
                    avoid=_texts([*step.avoid, *extra_avoid], fields, lang),
                    move_on_when=fill(step.move_on_when.get(lang), fields),
                    check=_check(step.check, fields, lang))


def _check(question: CallQuestion, fields: dict, lang: Lang) -> CheckOut:
    return CheckOut(ask=fill(question.ask.get(lang), fields),
                    answers=[AnswerOut(id=a.id, label=fill(a.label.get(lang), fields), then=a.then)
                             for a in question.answers])


def _meeting(invitation: PhoneInvitation, audience: Audience | None, stage_adaptation, stage: Stage, deal: Deal,
             contact: Person | None, catalog: RoleCatalog, pains: list[str], fields: dict,
             today: dt.date, lang: Lang) -> MeetingProposal:
    plan = invitation.meeting
    assert plan is not None
    attendees = []
    if contact is not None:
        attendees.append(Attendee(name=contact.name, title=contact.title, why=message("call.why_contact", lang)))
    others, ask_for = _people_for(stage, deal, contact, catalog, lang, unmet_only=False)
    attendees += others[:MAX_OTHER_ATTENDEES]
    topics = [fill(plan.pain_topic.get(lang), {**fields, "pain": pain_phrase(text, lang)}) for text in pains]
    topics += _texts(stage_adaptation.topics if stage_adaptation else [], fields, lang)
    topics += _texts(audience.topics if audience else [], fields, lang)
    topics += _texts(plan.topics, fields, lang)
    return MeetingProposal(
        time=fill(plan.time.get(lang), fields), slots=_slots(invitation, today, lang),
        place=fill(plan.place.get(lang), fields), attendees=attendees, ask_for=ask_for,
        topics=list(dict.fromkeys(topics)),
        we_prepare=_texts([*plan.we_prepare, *(audience.we_prepare if audience else [])], fields, lang),
        they_prepare=_texts(plan.they_prepare, fields, lang),
    )


def _visit(playbook: Playbook, stage: Stage, deal: Deal, contact: Person | None, catalog: RoleCatalog,
           fields: dict, lang: Lang) -> VisitPlan | None:
    visit = playbook.visit
    if visit is None:
        return None
    people, _ = _people_for(stage, deal, contact, catalog, lang, unmet_only=True)
    return VisitPlan(
        customer_expects=fill(visit.customer_expects.get(lang), fields),
        purposes=[Purpose(id=p.id, text=fill(p.text.get(lang), fields),
                          detail=fill(p.detail.get(lang), fields) if p.detail else None) for p in visit.purposes],
        bring=_texts(visit.bring, fields, lang), ask_for=_texts(visit.ask_for, fields, lang), people=people,
    )


def _contact_info(contact: Person | None, deal: Deal, catalog: RoleCatalog, cold: bool, lang: Lang) -> ContactInfo:
    if contact is None:
        return ContactInfo(name=None)
    return ContactInfo(name=contact.name, title=contact.title, phone=contact.phone, level=contact.level,
                       roles=list(contact.roles), role_names=[_role_name(catalog, r, lang) for r in contact.roles],
                       met=contact.met, on_deal=not cold)


def _pre_call(invitation: PhoneInvitation, deal: Deal, contact: Person | None, profile: Profile,
              catalog: RoleCatalog, fields: dict, lang: Lang) -> list[CheckItem]:
    separator = "、" if lang != "en" else ", "
    values: dict[str, str | None] = {
        "industry": deal.industry,
        "account": deal.account,
        "contact-name": contact.name if contact else None,
        "contact-title": contact.title if contact else None,
        "contact-role": (separator.join(_role_name(catalog, r, lang) for r in contact.roles)
                         or (message(f"value.{contact.level}", lang) if contact.level else None)) if contact else None,
        "likely-need": separator.join(p.text for p in deal.pains) or None,
        "rep-profile": " · ".join(v for v in (profile.name, profile.company, profile.offer) if v)
        if profile.complete() else None,
    }
    return [CheckItem(id=check.id, fact=check.fact, text=fill(check.text.get(lang), fields),
                      known=values[check.fact] is not None, value=values[check.fact],
                      where=fill(check.where.get(lang), fields))
            for check in invitation.pre_call]
